package contacts_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/contacts"
	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// env is the real DingTalk client aimed at a fake DingTalk on 127.0.0.1,
// both bare (raw) and behind the adapter (people).
type env struct {
	api    *fakedingtalk.OpenAPI
	raw    *dingtalk.Client
	people *contacts.Directory
}

func newEnv(t *testing.T, mods ...func(*dingtalk.Config)) *env {
	t.Helper()
	api := fakedingtalk.NewOpenAPI(t)
	api.AddUser(fakedingtalk.FakeUser{UserID: "alice", Name: "Alice Liddell", Title: "Engineer", Mobile: "13800138000", Exclusive: true})
	api.AddUser(fakedingtalk.FakeUser{UserID: "guest7", Name: "Gus", Title: "Visitor", Mobile: "13900139000"})
	cfg := api.ClientConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	for _, m := range mods {
		m(&cfg)
	}
	raw, err := dingtalk.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A token in hand, so no token fetch outlives a call the test ends
	// early; every call below goes straight to the call's own endpoint.
	if _, err := raw.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	return &env{api: api, raw: raw, people: contacts.New(raw)}
}

// checkKept fails unless err keeps DingTalk's error: bot's sentinels match
// exactly when DingTalk's (or a deadline) do, and a DingTalk APIError in the
// chain comes with bot's, carrying its code, requestid and explanation.
func checkKept(t *testing.T, err error) {
	t.Helper()
	if got, want := errors.Is(err, bot.ErrNotFound), errors.Is(err, dingtalk.ErrNotFound); got != want {
		t.Errorf("%v: matches bot.ErrNotFound %v, dingtalk.ErrNotFound %v", err, got, want)
	}
	noAnswer := errors.Is(err, dingtalk.ErrNoResponse) || errors.Is(err, context.DeadlineExceeded)
	if got := errors.Is(err, bot.ErrNoAnswer); got != noAnswer {
		t.Errorf("%v: matches bot.ErrNoAnswer %v, want %v", err, got, noAnswer)
	}
	var dt *dingtalk.APIError
	var be *bot.APIError
	switch {
	case errors.As(err, &dt) != errors.As(err, &be):
		t.Errorf("%v: a dingtalk.APIError %v, a bot.APIError %v", err, dt != nil, be != nil)
	case dt != nil && (be.Code != dt.Code || be.RequestID != dt.RequestID || !reflect.DeepEqual(be.Explanation, dt.Words())):
		t.Errorf("bot.APIError %+v does not carry %+v (explained %q)", be, dt, dt.Explain())
	case dt != nil && enText(bot.Explain(err)) != dt.Explain():
		t.Errorf("bot.Explain = %q, want DingTalk's %q", enText(bot.Explain(err)), dt.Explain())
	}
}

// sameText fails unless the adapter's error reads exactly as the client's
// own, so log lines keep DingTalk's detail.
func sameText(t *testing.T, adapted, raw error) {
	t.Helper()
	if adapted == nil || raw == nil || adapted.Error() != raw.Error() {
		t.Errorf("adapted error %v, want the client's %v", adapted, raw)
	}
}

func TestPerson(t *testing.T) {
	e := newEnv(t)
	for _, want := range []bot.Person{
		{UserID: "alice", Name: "Alice Liddell", Title: "Engineer", Enterprise: true},
		{UserID: "guest7", Name: "Gus", Title: "Visitor", Enterprise: false},
	} {
		got, err := e.people.Person(t.Context(), want.UserID)
		if err != nil || got != want {
			t.Errorf("Person(%s) = %+v, %v; want %+v", want.UserID, got, err, want)
		}
	}
	reqs := e.api.Requests(fakedingtalk.PathUserGet)
	if len(reqs) != 2 || !strings.Contains(string(reqs[0].Body), `"userid":"alice"`) {
		t.Fatalf("user/get requests %+v", reqs)
	}
}

func TestUserIDByMobile(t *testing.T) {
	e := newEnv(t)
	id, err := e.people.UserIDByMobile(t.Context(), "13800138000")
	if err != nil || id != "alice" {
		t.Fatalf("UserIDByMobile = %q, %v; want alice", id, err)
	}
	reqs := e.api.Requests(fakedingtalk.PathGetByMobile)
	if len(reqs) != 1 || !strings.Contains(string(reqs[0].Body), `"mobile":"13800138000"`) {
		t.Fatalf("getbymobile requests %+v", reqs)
	}
}

func TestSignOut(t *testing.T) {
	e := newEnv(t)
	i18n := map[string]string{"en_US": "You were signed out."}
	if err := e.people.SignOut(t.Context(), "alice", "lost phone", i18n); err != nil {
		t.Fatal(err)
	}
	got := e.api.SignOuts()
	if len(got) != 1 || got[0].UserID != "alice" || got[0].Reason != "lost phone" || got[0].ReasonI18n["en_US"] != i18n["en_US"] {
		t.Fatalf("signOut bodies %+v", got)
	}
}

func TestContainment(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if off, err := e.people.Disabled(ctx, "alice"); err != nil || off {
		t.Fatalf("Disabled before = %v, %v", off, err)
	}
	if err := e.people.Disable(ctx, "alice", "stolen laptop"); err != nil {
		t.Fatal(err)
	}
	if off, err := e.people.Disabled(ctx, "alice"); err != nil || !off {
		t.Fatalf("Disabled after Disable = %v, %v", off, err)
	}
	if err := e.people.Enable(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if off, err := e.people.Disabled(ctx, "alice"); err != nil || off {
		t.Fatalf("Disabled after Enable = %v, %v", off, err)
	}
	if got := e.api.Disables(); len(got) != 1 || got[0] != (fakedingtalk.DisableBody{UserID: "alice", Reason: "stolen laptop"}) {
		t.Errorf("disables %+v", got)
	}
	if got := e.api.Enables(); !slices.Equal(got, []string{"alice"}) {
		t.Errorf("enables %v", got)
	}
}

// TestContainmentRefusedInWords: the refusals of disable, enable and status
// reach the engine as bot's errors with DingTalk's code and requestid, in
// words in both languages.
func TestContainmentRefusedInWords(t *testing.T) {
	const (
		ghostEN    = `DingTalk has no user with ID "nobody" in this organisation.`
		ghostZH    = "本组织通讯录中没有 userId 为“nobody”的用户。"
		personalEN = `Only Enterprise Accounts (专属帐号) owned by this organisation can be disabled or enabled; "guest7" is a personal DingTalk account or belongs to another organisation.`
		personalZH = "只能停用或启用归属本组织的专属帐号；“guest7”是个人钉钉帐号，或归属其他组织。"
	)
	for _, c := range []struct {
		path, arg, code string
		notFound        bool
		en, zh          string
	}{
		{fakedingtalk.PathDisable, "nobody", "user.not.exist", true, ghostEN, ghostZH},
		{fakedingtalk.PathEnable, "nobody", "user.not.exist", true, ghostEN, ghostZH},
		{fakedingtalk.PathStatus, "nobody", "user.not.exist", true, ghostEN, ghostZH},
		{fakedingtalk.PathDisable, "guest7", "exclusive.account.only", false, personalEN, personalZH},
		{fakedingtalk.PathEnable, "guest7", "exclusive.account.only", false, personalEN, personalZH},
		{fakedingtalk.PathStatus, "guest7", "exclusive.account.only", false, personalEN, personalZH},
	} {
		e := newEnv(t)
		adapted, _ := both(t.Context(), e, c.path, c.arg)
		var be *bot.APIError
		if !errors.As(adapted, &be) || be.Code != c.code || be.RequestID == "" || errors.Is(adapted, bot.ErrNotFound) != c.notFound {
			t.Errorf("%s %s: %v (%+v), want code %s with a requestid, not found %v", c.path, c.arg, adapted, be, c.code, c.notFound)
			continue
		}
		if en, zh := enText(bot.Explain(adapted)), i18n.For(i18n.ZH).Text(bot.Explain(adapted)); en != c.en || zh != c.zh {
			t.Errorf("%s %s explained\n %q\n %q\nwant\n %q\n %q", c.path, c.arg, en, zh, c.en, c.zh)
		}
		checkKept(t, adapted)
	}
}

func TestNotFound(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	_, byID := e.people.Person(ctx, "nobody")
	_, byMobile := e.people.UserIDByMobile(ctx, "13700137000")
	signOut := e.people.SignOut(ctx, "nobody", "r", nil)
	// An answer that names no user is not found either, without a DingTalk code.
	e.api.Script(fakedingtalk.PathGetByMobile, fakedingtalk.Response{Body: `{"errcode":0,"errmsg":"ok","result":{"userid":""}}`})
	_, noName := e.people.UserIDByMobile(ctx, "13800138000")
	for _, err := range []error{byID, byMobile, signOut, noName} {
		if !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("%v does not match bot.ErrNotFound", err)
		}
		checkKept(t, err)
	}
	var be *bot.APIError
	if !errors.As(byID, &be) || be.Code != "60121" {
		t.Errorf("user/get of an unknown id: %v, want a bot.APIError with code 60121", byID)
	}
	if errors.As(noName, &be) {
		t.Errorf("%v: a bot.APIError, but DingTalk reported no error", noName)
	}
}

func TestAmbiguousMobile(t *testing.T) {
	e := newEnv(t)
	const mobile = "13600136000"
	for _, id := range []string{"carol-ea2", "carol-ea1"} {
		e.api.AddUser(fakedingtalk.FakeUser{UserID: id, Name: "Carol", Mobile: mobile, Exclusive: true})
	}
	e.api.AddUser(fakedingtalk.FakeUser{UserID: "carol-personal", Name: "Carol", Mobile: mobile})
	id, err := e.people.UserIDByMobile(t.Context(), mobile)
	var amb *bot.AmbiguousMobileError
	if !errors.As(err, &amb) || id != "" {
		t.Fatalf("UserIDByMobile = %q, %v; want a bot.AmbiguousMobileError", id, err)
	}
	var dt *dingtalk.AmbiguousMobileError
	if !errors.As(err, &dt) || !slices.Equal(amb.UserIDs, dt.UserIDs) || !slices.Equal(amb.UserIDs, []string{"carol-ea1", "carol-ea2"}) {
		t.Fatalf("bot's UserIDs %v, DingTalk's %v", amb.UserIDs, dt)
	}
	_, raw := e.raw.UserIDByMobile(t.Context(), mobile)
	sameText(t, err, raw)
	checkKept(t, err)
}

func TestUserIDMismatch(t *testing.T) {
	e := newEnv(t)
	e.api.AddUser(fakedingtalk.FakeUser{UserID: "ceo001", Name: "The Boss", Exclusive: true, Aliases: []string{"CEO001"}})
	other := fakedingtalk.Response{Body: `{"errcode":0,"errmsg":"ok","result":{"userid":"mallory","name":"Mallory","exclusive_account":true}}`}
	e.api.Script(fakedingtalk.PathUserGet, other, other)
	for _, c := range []struct{ asked, answered string }{
		{"alice", "mallory"}, // someone else entirely (scripted)
		{"CEO001", "ceo001"}, // DingTalk's own spelling of the id
	} {
		p, err := e.people.Person(t.Context(), c.asked)
		var mm *bot.UserIDMismatchError
		if !errors.As(err, &mm) || mm.Asked != c.asked || mm.Answered != c.answered || p != (bot.Person{}) {
			t.Errorf("Person(%s) = %+v, %v; want a mismatch answered by %s", c.asked, p, err, c.answered)
			continue
		}
		if !errors.As(err, new(*dingtalk.UserIDMismatchError)) {
			t.Errorf("%v: DingTalk's error is not in the chain", err)
		}
		_, raw := e.raw.User(t.Context(), c.asked)
		sameText(t, err, raw)
		checkKept(t, err)
	}
}

// both makes the call op about arg through the adapter and then, with the
// same scripted answers again, through the bare client.
func both(ctx context.Context, e *env, op, arg string) (adapted, raw error) {
	switch op {
	case fakedingtalk.PathSignOut:
		return e.people.SignOut(ctx, arg, "lost phone", nil), e.raw.SignOut(ctx, arg, "lost phone", nil)
	case fakedingtalk.PathUserGet:
		_, adapted = e.people.Person(ctx, arg)
		_, raw = e.raw.User(ctx, arg)
	case fakedingtalk.PathGetByMobile:
		_, adapted = e.people.UserIDByMobile(ctx, arg)
		_, raw = e.raw.UserIDByMobile(ctx, arg)
	case fakedingtalk.PathDisable:
		return e.people.Disable(ctx, arg, "stolen laptop"), e.raw.Disable(ctx, arg, "stolen laptop")
	case fakedingtalk.PathEnable:
		return e.people.Enable(ctx, arg), e.raw.Enable(ctx, arg)
	case fakedingtalk.PathStatus:
		_, adapted = e.people.Disabled(ctx, arg)
		_, raw = e.raw.Disabled(ctx, arg)
	}
	return adapted, raw
}

func TestAPIError(t *testing.T) {
	busy := fakedingtalk.Response{Status: 500, Body: `{"code":"system.busy","message":"busy","requestid":"REQ-BUSY"}`}
	for _, c := range []struct {
		name            string
		path, arg       string
		answers         []fakedingtalk.Response
		code, requestID string // as sent on the wire
	}{
		{"refused", fakedingtalk.PathSignOut, "guest7", []fakedingtalk.Response{{Status: 400,
			Body: `{"code":"exclusive.account.only","message":"只能操作归属该组织的专属帐号","requestid":"REQ-400"}`}},
			"exclusive.account.only", "REQ-400"},
		{"busy after every retry", fakedingtalk.PathSignOut, "alice", []fakedingtalk.Response{busy, busy, busy},
			"system.busy", "REQ-BUSY"},
		{"not confirmed", fakedingtalk.PathSignOut, "alice", []fakedingtalk.Response{{Body: `{"result":false}`}},
			dingtalk.CodeNotConfirmed, ""},
		{"not JSON", fakedingtalk.PathSignOut, "alice", []fakedingtalk.Response{{Status: 403, Body: `<html>denied</html>`, ContentType: "text/html"}},
			dingtalk.CodeNonJSON, ""},
		{"legacy permission", fakedingtalk.PathUserGet, "alice", []fakedingtalk.Response{{
			Body: `{"errcode":88,"sub_code":"60011","sub_msg":"no permission","errmsg":"no permission","request_id":"REQ-PERM"}`}},
			"88", "REQ-PERM"},
		{"legacy invalid mobile", fakedingtalk.PathGetByMobile, "13800138000", []fakedingtalk.Response{{
			Body: `{"errcode":40104,"errmsg":"企业中的手机号码无效","request_id":"REQ-MOB"}`}},
			"40104", "REQ-MOB"},
		{"disable refused", fakedingtalk.PathDisable, "guest7", []fakedingtalk.Response{{Status: 400,
			Body: `{"code":"exclusive.account.only","message":"只能操作归属该组织的专属帐号","requestid":"REQ-D400"}`}},
			"exclusive.account.only", "REQ-D400"},
		{"disable busy after every retry", fakedingtalk.PathDisable, "alice", []fakedingtalk.Response{busy, busy, busy},
			"system.busy", "REQ-BUSY"},
		{"disable not confirmed", fakedingtalk.PathDisable, "alice", []fakedingtalk.Response{{Body: `{"result":false}`}},
			dingtalk.CodeNotConfirmed, ""},
		{"enable not confirmed", fakedingtalk.PathEnable, "alice", []fakedingtalk.Response{{Body: `{"result":false}`}},
			dingtalk.CodeNotConfirmed, ""},
		{"enable invalid", fakedingtalk.PathEnable, "alice", []fakedingtalk.Response{{Status: 400,
			Body: `{"code":"invalid.param","message":"userId不能为空","requestid":"REQ-E400"}`}},
			"invalid.param", "REQ-E400"},
		{"status bad answer", fakedingtalk.PathStatus, "alice", []fakedingtalk.Response{{Body: `{}`}},
			dingtalk.CodeBadResponse, ""},
		{"status permission", fakedingtalk.PathStatus, "alice", []fakedingtalk.Response{{Status: 403,
			Body: `{"code":"Forbidden.AccessDenied.AccessTokenPermissionDenied","message":"没有权限","requestid":"REQ-S403","accessdenieddetail":{"requiredScopes":["Contact.OrgAccountSecurity.Read"]}}`}},
			"Forbidden.AccessDenied.AccessTokenPermissionDenied", "REQ-S403"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.api.Script(c.path, slices.Concat(c.answers, c.answers)...)
			adapted, raw := both(t.Context(), e, c.path, c.arg)
			var be *bot.APIError
			if !errors.As(adapted, &be) {
				t.Fatalf("%v: not a bot.APIError", adapted)
			}
			var dt *dingtalk.APIError
			if be.Code != c.code || be.RequestID != c.requestID || !errors.As(raw, &dt) || !reflect.DeepEqual(be.Explanation, dt.Words()) || be.Explanation.IsZero() {
				t.Errorf("bot.APIError %+v; want code %q, requestid %q and the client's explanation of %v", be, c.code, c.requestID, raw)
			}
			sameText(t, adapted, raw)
			checkKept(t, adapted)
			if n := len(e.api.Requests(c.path)); n != 2*len(c.answers) {
				t.Errorf("%d requests to %s, want %d", n, c.path, 2*len(c.answers))
			}
		})
	}
}

var calls = []string{fakedingtalk.PathSignOut, fakedingtalk.PathUserGet, fakedingtalk.PathGetByMobile,
	fakedingtalk.PathDisable, fakedingtalk.PathEnable, fakedingtalk.PathStatus}

func argFor(path string) string {
	if path == fakedingtalk.PathGetByMobile {
		return "13800138000"
	}
	return "alice"
}

// wantNoAnswer fails unless err says the outcome is unknown and is no
// other outcome.
func wantNoAnswer(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, bot.ErrNoAnswer) || errors.Is(err, bot.ErrNotFound) || errors.As(err, new(*bot.APIError)) {
		t.Errorf("%v: want bot.ErrNoAnswer only", err)
	}
	checkKept(t, err)
}

func TestNoAnswerFromClosedServer(t *testing.T) {
	e := newEnv(t)
	e.api.Close() // DingTalk is gone: every dial to it is refused
	for _, path := range calls {
		adapted, raw := both(t.Context(), e, path, argFor(path))
		wantNoAnswer(t, adapted)
		sameText(t, adapted, raw)
	}
}

func TestNoAnswerFromHungServer(t *testing.T) {
	e := newEnv(t, func(c *dingtalk.Config) {
		c.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond}
		c.Retry.MaxAttempts = 1
	})
	hang := fakedingtalk.Response{Delay: time.Hour} // ends when the client hangs up
	for _, path := range calls {
		e.api.Script(path, hang, hang)
		adapted, raw := both(t.Context(), e, path, argFor(path))
		wantNoAnswer(t, adapted)
		if !errors.Is(adapted, dingtalk.ErrNoResponse) {
			t.Errorf("%v: DingTalk's ErrNoResponse is not in the chain", adapted)
		}
		if raw == nil || !errors.Is(raw, dingtalk.ErrNoResponse) {
			t.Errorf("bare client: %v, want no response", raw)
		}
		if n := len(e.api.Requests(path)); n != 2 {
			t.Errorf("%d requests to %s, want 2", n, path)
		}
	}
}

func TestNoAnswerByDeadline(t *testing.T) {
	e := newEnv(t)
	hang := fakedingtalk.Response{Delay: time.Hour}
	for _, path := range calls {
		e.api.Script(path, hang)
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		var err error
		switch path {
		case fakedingtalk.PathSignOut:
			err = e.people.SignOut(ctx, "alice", "r", nil)
		case fakedingtalk.PathUserGet:
			_, err = e.people.Person(ctx, "alice")
		case fakedingtalk.PathDisable:
			err = e.people.Disable(ctx, "alice", "r")
		case fakedingtalk.PathEnable:
			err = e.people.Enable(ctx, "alice")
		case fakedingtalk.PathStatus:
			_, err = e.people.Disabled(ctx, "alice")
		default:
			_, err = e.people.UserIDByMobile(ctx, "13800138000")
		}
		cancel()
		wantNoAnswer(t, err)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%v: the deadline is not in the chain", err)
		}
	}
	// A deadline already past: the call is not sent, and no answer came.
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	wantNoAnswer(t, e.people.SignOut(ctx, "alice", "r", nil))
}

func TestCancelledIsNotNoAnswer(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := e.people.SignOut(ctx, "alice", "r", nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v: want context.Canceled", err)
	}
	checkKept(t, err)
	if len(e.api.SignOuts()) != 0 {
		t.Fatal("a cancelled call signed someone out")
	}
}

// TestOtherErrorsPassThrough: an error bot has no word for comes back as
// the client gave it.
func TestOtherErrorsPassThrough(t *testing.T) {
	e := newEnv(t)
	adapted, raw := both(t.Context(), e, fakedingtalk.PathSignOut, "  ")
	sameText(t, adapted, raw)
	checkKept(t, adapted)
	if errors.As(adapted, new(*bot.APIError)) || errors.Is(adapted, bot.ErrNoAnswer) || errors.Is(adapted, bot.ErrNotFound) {
		t.Errorf("%v: translated into an outcome", adapted)
	}
	if enText(bot.Explain(adapted)) != raw.Error() {
		t.Errorf("Explain = %q, want the client's text %q", enText(bot.Explain(adapted)), raw.Error())
	}
}

func enText(m i18n.Msg) string { return i18n.For(i18n.EN).Text(m) }
