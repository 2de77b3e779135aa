package dingtalk_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

func TestDisableEnableStatusWireFormat(t *testing.T) {
	env := newEnv(t)
	ctx := testContext(t)
	status := func(want bool) {
		t.Helper()
		if got, err := env.client.Disabled(ctx, alice.UserID); err != nil || got != want {
			t.Fatalf("Disabled = %v, %v; want %v", got, err, want)
		}
	}
	status(false)
	if err := env.client.Disable(ctx, alice.UserID, "stolen laptop (INC-7)"); err != nil {
		t.Fatal(err)
	}
	status(true)
	if err := env.client.Enable(ctx, alice.UserID); err != nil {
		t.Fatal(err)
	}
	status(false)

	token := env.fake.CurrentToken()
	for path, want := range map[string]map[string]any{
		fakedingtalk.PathDisable: {"userId": alice.UserID, "reason": "stolen laptop (INC-7)"},
		fakedingtalk.PathEnable:  {"userId": alice.UserID},
	} {
		reqs := env.fake.Requests(path)
		if len(reqs) != 1 {
			t.Fatalf("%d requests to %s", len(reqs), path)
		}
		r := reqs[0]
		var body map[string]any
		if err := json.Unmarshal(r.Body, &body); err != nil || !reflect.DeepEqual(body, want) {
			t.Errorf("%s body %s (%v), want %v", path, r.Body, err, want)
		}
		if r.Method != "POST" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") ||
			r.Header.Get("x-acs-dingtalk-access-token") != token || len(r.Query) != 0 {
			t.Errorf("%s: %s, Content-Type %q, token %q, query %v", path, r.Method, r.Header.Get("Content-Type"), r.Header.Get("x-acs-dingtalk-access-token"), r.Query)
		}
	}
	for _, r := range env.fake.Requests(fakedingtalk.PathStatus) {
		if r.Method != "GET" || r.Query.Get("userId") != alice.UserID || len(r.Query) != 1 || len(r.Body) != 0 ||
			r.Header.Get("Content-Type") != "" || r.Header.Get("x-acs-dingtalk-access-token") != token {
			t.Errorf("status request %s query %v body %q header %v", r.Method, r.Query, r.Body, r.Header)
		}
	}
	if got := env.fake.Disables(); len(got) != 1 || got[0] != (fakedingtalk.DisableBody{UserID: alice.UserID, Reason: "stolen laptop (INC-7)"}) {
		t.Errorf("fake recorded disables %+v", got)
	}
	if got := env.fake.Enables(); !reflect.DeepEqual(got, []string{alice.UserID}) {
		t.Errorf("fake recorded enables %v", got)
	}
}

func TestDisableOmitsEmptyReason(t *testing.T) {
	env := newEnv(t)
	if err := env.client.Disable(testContext(t), alice.UserID, ""); err != nil {
		t.Fatal(err)
	}
	if got := string(env.fake.Requests(fakedingtalk.PathDisable)[0].Body); got != `{"userId":"alice-ea"}` {
		t.Errorf("body %s", got)
	}
}

func TestStatusOfAnAccountDisabledBefore(t *testing.T) {
	env := newEnv(t)
	env.fake.AddUser(fakedingtalk.FakeUser{UserID: "eve-ea", Name: "Eve", Exclusive: true, Disabled: true})
	if got, err := env.client.Disabled(testContext(t), "eve-ea"); err != nil || !got {
		t.Fatalf("Disabled(eve-ea) = %v, %v; want true", got, err)
	}
}

func TestContainmentInvalidInputMakesNoCall(t *testing.T) {
	env := newEnv(t)
	ctx := testContext(t)
	_, statusErr := env.client.Disabled(ctx, "")
	for i, err := range []error{env.client.Disable(ctx, " ", "r"), env.client.Enable(ctx, ""), statusErr} {
		if err == nil || !strings.Contains(err.Error(), "empty user ID") {
			t.Errorf("case %d: %v", i, err)
		}
	}
	if n := len(env.fake.Requests(fakedingtalk.PathAccessToken)); n != 0 {
		t.Errorf("invalid input still reached DingTalk (%d token requests)", n)
	}
}

var (
	disableOf = func(id string) call {
		return call{fakedingtalk.PathDisable, func(ctx context.Context, c *dingtalk.Client) error {
			return c.Disable(ctx, id, "stolen credentials")
		}}
	}
	enableOf = func(id string) call {
		return call{fakedingtalk.PathEnable, func(ctx context.Context, c *dingtalk.Client) error {
			return c.Enable(ctx, id)
		}}
	}
	statusOf = func(id string) call {
		return call{fakedingtalk.PathStatus, func(ctx context.Context, c *dingtalk.Client) error {
			_, err := c.Disabled(ctx, id)
			return err
		}}
	}
)

// TestContainmentErrors drives the failures of disable, enable and status
// over the wire: the documented codes of the orgAccounts calls, a false
// result, and an answer without its field; each explained in both languages.
func TestContainmentErrors(t *testing.T) {
	const (
		notFoundEN  = `DingTalk has no user with ID "ghost" in this organisation.`
		notFoundZH  = "本组织通讯录中没有 userId 为“ghost”的用户。"
		personalEN  = `Only Enterprise Accounts (专属帐号) owned by this organisation can be disabled or enabled; "bob-personal" is a personal DingTalk account or belongs to another organisation.`
		personalZH  = "只能停用或启用归属本组织的专属帐号；“bob-personal”是个人钉钉帐号，或归属其他组织。"
		busyEN      = "DingTalk was busy and did not complete the request; try again in a minute."
		busyZH      = "钉钉系统繁忙，未完成请求，请一分钟后重试。"
		badParamEN  = "DingTalk rejected the request as invalid (DingTalk said: userId不能为空); check the user ID or mobile number."
		badParamZH  = "钉钉拒绝了请求：参数无效（钉钉提示：userId不能为空）。请检查 userId 或手机号。"
		busyAnswer  = `{"code":"system.busy","message":"系统繁忙,请稍后再试","requestid":"R-BUSY"}`
		limitAnswer = `{"code":"exclusive.account.limit","message":"只能操作归属该组织的专属帐号","requestid":"R-LIM"}`
	)
	tests := []struct {
		name      string
		call      call
		script    []fakedingtalk.Response
		code      string
		status    int
		attempts  int
		requestID string
		notFound  bool
		en, zh    string
	}{
		{name: "disable unknown user", call: disableOf("ghost"), code: "user.not.exist", status: 400, attempts: 1, notFound: true, en: notFoundEN, zh: notFoundZH},
		{name: "enable unknown user", call: enableOf("ghost"), code: "user.not.exist", status: 400, attempts: 1, notFound: true, en: notFoundEN, zh: notFoundZH},
		{name: "status of unknown user", call: statusOf("ghost"), code: "user.not.exist", status: 400, attempts: 1, notFound: true, en: notFoundEN, zh: notFoundZH},
		{name: "disable personal account", call: disableOf(bob.UserID), code: "exclusive.account.only", status: 400, attempts: 1, en: personalEN, zh: personalZH},
		{name: "enable personal account", call: enableOf(bob.UserID), code: "exclusive.account.only", status: 400, attempts: 1, en: personalEN, zh: personalZH},
		{name: "status of personal account", call: statusOf(bob.UserID), code: "exclusive.account.only", status: 400, attempts: 1, en: personalEN, zh: personalZH},
		{name: "exclusive.account.limit", call: disableOf(bob.UserID), code: "exclusive.account.limit", status: 400, attempts: 1, requestID: "R-LIM",
			script: newStyle(400, limitAnswer), en: personalEN, zh: personalZH},
		{name: "profile.not.exist", call: statusOf("ghost"), code: "profile.not.exist", status: 400, attempts: 1, notFound: true,
			script: newStyle(400, `{"code":"profile.not.exist","message":"帐号不存在"}`), en: notFoundEN, zh: notFoundZH},
		{name: "employee.not.exist", call: enableOf("ghost"), code: "employee.not.exist", status: 400, attempts: 1, notFound: true,
			script: newStyle(400, `{"code":"employee.not.exist","message":"员工不存在"}`), en: notFoundEN, zh: notFoundZH},
		{name: "invalid.param", call: enableOf(alice.UserID), code: "invalid.param", status: 400, attempts: 1,
			script: newStyle(400, `{"code":"invalid.param","message":"userId不能为空"}`), en: badParamEN, zh: badParamZH},
		{name: "disable busy after every retry", call: disableOf(alice.UserID), code: "system.busy", status: 500, attempts: 4, requestID: "R-BUSY",
			script: repeat(4, newStyle(500, busyAnswer)), en: busyEN, zh: busyZH},
		{name: "status busy after every retry", call: statusOf(alice.UserID), code: "system.busy", status: 500, attempts: 4, requestID: "R-BUSY",
			script: repeat(4, newStyle(500, busyAnswer)), en: busyEN, zh: busyZH},
		{name: "disable not confirmed", call: disableOf(alice.UserID), code: dingtalk.CodeNotConfirmed, status: 200, attempts: 1,
			script: newStyle(200, `{"result":false}`),
			en:     `DingTalk did not confirm that "alice-ea" is disabled (result=false); check the admin console before trying again.`,
			zh:     "钉钉未确认帐号“alice-ea”已停用（result=false）。请先到钉钉管理后台核实，再决定是否重试。"},
		{name: "enable not confirmed", call: enableOf(alice.UserID), code: dingtalk.CodeNotConfirmed, status: 200, attempts: 1,
			script: newStyle(200, `{}`),
			en:     `DingTalk did not confirm that "alice-ea" is enabled again (result=false); check the admin console before trying again.`,
			zh:     "钉钉未确认帐号“alice-ea”已重新启用（result=false）。请先到钉钉管理后台核实，再决定是否重试。"},
		{name: "status without its field", call: statusOf(alice.UserID), code: dingtalk.CodeBadResponse, status: 200, attempts: 1,
			script: newStyle(200, `{"disabled":true}`),
			en:     "DingTalk's answer could not be understood (answer has no disable field).",
			zh:     "无法解析钉钉返回的内容（answer has no disable field）。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			env.fake.Script(tt.call.path, tt.script...)
			err := tt.call.do(testContext(t), env.client)
			ae := apiError(t, err)
			if ae.Code != tt.code || ae.HTTPStatus != tt.status || (tt.requestID != "" && ae.RequestID != tt.requestID) {
				t.Errorf("code %q status %d requestid %q; want %q %d %q (%v)", ae.Code, ae.HTTPStatus, ae.RequestID, tt.code, tt.status, tt.requestID, err)
			}
			if errors.Is(err, dingtalk.ErrNotFound) != tt.notFound {
				t.Errorf("%v: matches ErrNotFound %v, want %v", err, !tt.notFound, tt.notFound)
			}
			if n := len(env.fake.Requests(tt.call.path)); n != tt.attempts {
				t.Errorf("%d attempts, want %d", n, tt.attempts)
			}
			if got := ae.Explain(); got != tt.en {
				t.Errorf("Explain()\n got %q\nwant %q", got, tt.en)
			}
			if got := i18n.For(i18n.ZH).Text(ae.Words()); got != tt.zh {
				t.Errorf("Words() in zh_CN\n got %q\nwant %q", got, tt.zh)
			}
			if len(env.fake.Disables())+len(env.fake.Enables()) != 0 || env.fake.Disabled(alice.UserID) {
				t.Errorf("a failed call changed an account: disables %v, enables %v", env.fake.Disables(), env.fake.Enables())
			}
			env.assertNoSecretsIn(t, "error", err.Error())
		})
	}
}

// The words for a call about no one in particular, which the fake cannot
// produce: the client always names the account.
func TestContainmentWordsUnnamed(t *testing.T) {
	for _, tt := range []struct {
		err    dingtalk.APIError
		en, zh string
	}{
		{dingtalk.APIError{Op: "disable", Code: dingtalk.CodeNotConfirmed},
			"DingTalk did not confirm that the account is disabled (result=false); check the admin console before trying again.",
			"钉钉未确认该帐号已停用（result=false）。请先到钉钉管理后台核实，再决定是否重试。"},
		{dingtalk.APIError{Op: "enable", Code: dingtalk.CodeNotConfirmed},
			"DingTalk did not confirm that the account is enabled again (result=false); check the admin console before trying again.",
			"钉钉未确认该帐号已重新启用（result=false）。请先到钉钉管理后台核实，再决定是否重试。"},
		{dingtalk.APIError{Op: "status", Code: "exclusive.account.only"},
			"Only Enterprise Accounts (专属帐号) owned by this organisation can be disabled or enabled; this user is a personal DingTalk account or belongs to another organisation.",
			"只能停用或启用归属本组织的专属帐号；该用户是个人钉钉帐号，或归属其他组织。"},
	} {
		if got := tt.err.Explain(); got != tt.en {
			t.Errorf("Explain()\n got %q\nwant %q", got, tt.en)
		}
		if got := i18n.For(i18n.ZH).Text(tt.err.Words()); got != tt.zh {
			t.Errorf("zh_CN\n got %q\nwant %q", got, tt.zh)
		}
	}
}

func TestContainmentRetriedAndTokenRenewed(t *testing.T) {
	env := newEnv(t)
	ctx := testContext(t)
	busy := fakedingtalk.Response{Status: 503, Body: `{"code":"system.busy","message":"busy"}`}
	env.fake.Script(fakedingtalk.PathDisable, busy)
	env.fake.Script(fakedingtalk.PathStatus, busy, busy)
	if err := env.client.Disable(ctx, alice.UserID, "r"); err != nil {
		t.Fatalf("Disable after one busy answer: %v", err)
	}
	if got, err := env.client.Disabled(ctx, alice.UserID); err != nil || !got {
		t.Fatalf("Disabled after two busy answers = %v, %v", got, err)
	}
	// A token DingTalk stopped accepting is fetched anew once and the call sent again.
	env.fake.ExpireTokens()
	if err := env.client.Enable(ctx, alice.UserID); err != nil {
		t.Fatalf("Enable with an expired token: %v", err)
	}
	if n := len(env.fake.Requests(fakedingtalk.PathAccessToken)); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
	if n, m := len(env.fake.Requests(fakedingtalk.PathDisable)), len(env.fake.Requests(fakedingtalk.PathStatus)); n != 2 || m != 3 {
		t.Errorf("%d disable and %d status attempts, want 2 and 3", n, m)
	}
	if env.fake.Disabled(alice.UserID) {
		t.Error("alice is still disabled")
	}
}

// TestContainmentPaced: each containment call waits its turn at its own
// API's limiter.
func TestContainmentPaced(t *testing.T) {
	gates := map[string]*gate{}
	env := newEnv(t, func(c *dingtalk.Config) {
		c.Limiters = func(api string) dingtalk.Limiter {
			gates[api] = &gate{waiting: make(chan struct{}, 1)}
			return gates[api]
		}
	})
	ctx := testContext(t)
	if err := env.client.Disable(ctx, alice.UserID, "r"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.client.Disabled(ctx, alice.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.client.Disabled(ctx, alice.UserID); err != nil {
		t.Fatal(err)
	}
	if err := env.client.Enable(ctx, alice.UserID); err != nil {
		t.Fatal(err)
	}
	turns := map[string]int{}
	for api, g := range gates {
		turns[api] = g.count()
	}
	if want := map[string]int{"disable": 1, "enable": 1, "status": 2, "signOut": 0, "getbymobile": 0, "user/get": 0}; !maps.Equal(turns, want) {
		t.Errorf("turns %v, want %v", turns, want)
	}
}
