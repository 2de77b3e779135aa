package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// nothingHappened checks that a command left no pending request and sent
// no sign-out over the wire.
func nothingHappened(t *testing.T, h *harness) {
	t.Helper()
	if n := h.engine.Pending(); n != 0 {
		t.Errorf("%d pending requests, want 0", n)
	}
	if n := len(h.api.Requests(fakedingtalk.PathSignOut)); n != 0 {
		t.Errorf("%d signOut requests reached DingTalk, want 0", n)
	}
}

// mustRefuse sends text and wants a refusal containing substr. Given a
// prompt instead, it confirms it, to show what the bug would have done.
func mustRefuse(t *testing.T, h *harness, text, substr string) {
	t.Helper()
	r := h.say(invoker, text)
	if e := r.only(t); e.kind == "ask" {
		h.click(invoker, e.prompt.Code)
		res := r.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
		t.Fatalf("prompted for %+v instead of refusing; confirmed, it made %d signOut requests (ok=%v)",
			e.prompt.Target, len(h.api.Requests(fakedingtalk.PathSignOut)), res.OK)
	}
	tellOf(t, r.only(t), bot.NoticeRefused, substr)
	nothingHappened(t, h)
}

const carolMobile = "13800000003"

func addCarols(h *harness) {
	h.api.AddUser(fakedingtalk.FakeUser{UserID: "carol-personal", Name: "Carol", Mobile: carolMobile})
	h.api.AddUser(fakedingtalk.FakeUser{UserID: "carol-ea1", Name: "Carol Chen", Mobile: carolMobile, Exclusive: true})
	h.api.AddUser(fakedingtalk.FakeUser{UserID: "carol-ea2", Name: "Carol Chen (contractor)", Mobile: carolMobile, Exclusive: true})
}

func TestMobileOfSeveralAccountsListsThemAndConfirmsNothing(t *testing.T) {
	h := newHarness(t)
	addCarols(h)
	// The protected account shares the number too: it is listed as such.
	h.api.AddUser(fakedingtalk.FakeUser{UserID: "ceo001", Name: "The Boss", Mobile: carolMobile, Exclusive: true})
	e := h.say(invoker, "/signout "+carolMobile+" phone stolen").only(t)
	if e.kind != "tell" || e.notice.Kind != bot.NoticeError {
		t.Fatalf("want a notice, got %s %q", e.kind, en(e.notice.Msg))
	}
	want := "Mobile 13800000003 belongs to 3 DingTalk Enterprise Accounts:\n" +
		"- Carol Chen (carol-ea1)\n" +
		"- Carol Chen (contractor) (carol-ea2)\n" +
		"- The Boss (ceo001) (protected)\n" +
		"Nothing was done. Send /signout again with the userId of the account you mean."
	if en(e.notice.Msg) != want {
		t.Fatalf("notice\n%s\nwant\n%s", en(e.notice.Msg), want)
	}
	nothingHappened(t, h)
	if got := h.events(); got != "" {
		t.Errorf("audit %q, want nothing (no request was made)", got)
	}
	// Naming one of them by userId then works as usual.
	p, _ := h.prompt("/signout carol-ea2 phone stolen")
	if p.Target.UserID != "carol-ea2" || p.Target.Name != "Carol Chen (contractor)" {
		t.Fatalf("prompt %+v", p)
	}
}

func TestMobileOfSeveralAccountsWhenNameLookupsFail(t *testing.T) {
	h := newHarness(t)
	addCarols(h)
	denied := fakedingtalk.Response{Body: `{"errcode":88,"sub_code":"60011","sub_msg":"no permission","errmsg":"no permission"}`}
	h.api.Script(fakedingtalk.PathUserGet, denied, denied)
	e := h.say(invoker, "/signout "+carolMobile+" phone stolen").only(t)
	if e.kind != "tell" || !strings.Contains(en(e.notice.Msg), "\n- carol-ea1\n- carol-ea2\n") || !strings.Contains(en(e.notice.Msg), "Nothing was done") {
		t.Fatalf("got %s %q", e.kind, en(e.notice.Msg))
	}
	nothingHappened(t, h)
}

func TestMobileOfManyAccountsIsBounded(t *testing.T) {
	h := newHarness(t)
	for i := range 12 {
		h.api.AddUser(fakedingtalk.FakeUser{UserID: fmt.Sprintf("ea%02d", i), Name: fmt.Sprintf("EA %d", i), Mobile: carolMobile, Exclusive: true})
	}
	e := h.say(invoker, "/signout "+carolMobile+" phone stolen").only(t)
	if !strings.Contains(en(e.notice.Msg), "belongs to 12 DingTalk") || !strings.Contains(en(e.notice.Msg), "EA 9 (ea09)\n- and 2 more\n") || strings.Contains(en(e.notice.Msg), "ea10") {
		t.Fatalf("notice %q", en(e.notice.Msg))
	}
	if n := len(h.api.Requests(fakedingtalk.PathUserGet)); n != 10 {
		t.Errorf("%d name lookups, want 10", n)
	}
	nothingHappened(t, h)
}

func TestTypedIDThatDingTalkSpellsOtherwiseIsRefused(t *testing.T) {
	h := newHarness(t)
	h.api.AddUser(fakedingtalk.FakeUser{UserID: "alice", Name: "Alice Liddell", Exclusive: true, Aliases: []string{"Alice"}})
	mustRefuse(t, h, "/signout Alice lost phone",
		"You typed Alice but DingTalk knows this account as alice; nothing was done. Check and send the exact userId.")
	recs := h.records()
	if len(recs) != 1 || recs[0].Event != "denied" || recs[0].Target != "Alice" ||
		!strings.Contains(recs[0].Detail, "alice") || !strings.Contains(recs[0].Detail, "Alice") {
		t.Fatalf("audit %+v", recs)
	}
}

func TestAnswerAboutSomeoneElseIsRefused(t *testing.T) {
	h := newHarness(t)
	h.api.Script(fakedingtalk.PathUserGet, fakedingtalk.Response{Body: `{"errcode":0,"errmsg":"ok","result":{"userid":"mallory","name":"Mallory","exclusive_account":true}}`})
	mustRefuse(t, h, "/signout alice lost phone", "You typed alice but DingTalk knows this account as mallory; nothing was done.")
}

func TestMobileFoundIDThatDingTalkSpellsOtherwiseIsRefused(t *testing.T) {
	h := newHarness(t)
	h.api.AddUser(fakedingtalk.FakeUser{UserID: "alice", Name: "Alice Liddell", Exclusive: true, Aliases: []string{"ALICE"}})
	h.api.Script(fakedingtalk.PathGetByMobile, fakedingtalk.Response{Body: `{"errcode":0,"errmsg":"ok","result":{"userid":"ALICE"}}`})
	mustRefuse(t, h, "/signout 13800138000 lost phone",
		"DingTalk named ALICE (found by mobile 13800138000) but knows this account as alice; nothing was done.")
}

// CEO001 is DingTalk's ceo001, the protected account: refused before any
// call to DingTalk, however it is spelled.
func TestProtectedAccountInAnotherCaseRefused(t *testing.T) {
	for _, c := range []struct{ protected, typed string }{
		{"ceo001", "CEO001"},
		{"ceo001", "Ceo001"},
		{"CEO001", "ceo001"},
	} {
		t.Run(c.protected+"/"+c.typed, func(t *testing.T) {
			h := newHarness(t, func(o *bot.Options) {
				o.Policy = authz.New(authz.Rules{Invokers: map[string][]string{bot.Slack: {invoker}}, Protected: []string{c.protected}})
			})
			h.api.AddUser(fakedingtalk.FakeUser{UserID: "ceo001", Name: "The Boss", Exclusive: true, Aliases: []string{"CEO001", "Ceo001"}})
			mustRefuse(t, h, "/signout "+c.typed+" suspicious", "protected account")
			if n := len(h.api.Requests(fakedingtalk.PathUserGet)); n != 0 {
				t.Errorf("asked DingTalk %d times about a protected target", n)
			}
			if got := h.events(); got != "denied" {
				t.Errorf("audit %s", got)
			}
		})
	}
}

// An id DingTalk maps to the protected account is refused as both.
func TestIDThatDingTalkKnowsAsProtectedAccountRefused(t *testing.T) {
	h := newHarness(t)
	h.api.AddUser(fakedingtalk.FakeUser{UserID: "ceo001", Name: "The Boss", Exclusive: true, Aliases: []string{"boss"}})
	mustRefuse(t, h, "/signout boss suspicious",
		"You typed boss but DingTalk knows this account as ceo001; nothing was done. ceo001 is a protected account")
	if recs := h.records(); len(recs) != 1 || recs[0].Event != "denied" || !strings.Contains(recs[0].Detail, "protected") {
		t.Fatalf("audit %+v", recs)
	}
}

// The protected check at confirmation also ignores case: a request made
// before a restart that protects the account is refused when confirmed.
func TestProtectedAtConfirmationInAnotherCase(t *testing.T) {
	store := bot.NewMemoryStore()
	h := newHarness(t, func(o *bot.Options) { o.Store = store })
	p, _ := h.prompt("/signout alice lost phone")
	h2 := newHarness(t, func(o *bot.Options) {
		o.Store = store
		o.Policy = authz.New(authz.Rules{Invokers: map[string][]string{bot.Slack: {invoker}}, Protected: []string{"ALICE"}})
	})
	tellOf(t, h2.click(invoker, p.Code).only(t), bot.NoticeRefused, "protected account")
	for _, api := range []*fakedingtalk.OpenAPI{h.api, h2.api} {
		if n := len(api.Requests(fakedingtalk.PathSignOut)); n != 0 {
			t.Errorf("%d signOut requests reached DingTalk, want 0", n)
		}
	}
}
