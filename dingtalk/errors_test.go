package dingtalk_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

type call struct {
	path string
	do   func(context.Context, *dingtalk.Client) error
}

var (
	signOutAlice = call{fakedingtalk.PathSignOut, func(ctx context.Context, c *dingtalk.Client) error {
		return c.SignOut(ctx, alice.UserID, "test", nil)
	}}
	signOutBob = call{fakedingtalk.PathSignOut, func(ctx context.Context, c *dingtalk.Client) error {
		return c.SignOut(ctx, bob.UserID, "test", nil)
	}}
	signOutGhost = call{fakedingtalk.PathSignOut, func(ctx context.Context, c *dingtalk.Client) error {
		return c.SignOut(ctx, "ghost", "test", nil)
	}}
	byMobile = func(m string) call {
		return call{fakedingtalk.PathGetByMobile, func(ctx context.Context, c *dingtalk.Client) error {
			_, err := c.UserIDByMobile(ctx, m)
			return err
		}}
	}
	userGet = func(id string) call {
		return call{fakedingtalk.PathUserGet, func(ctx context.Context, c *dingtalk.Client) error {
			_, err := c.User(ctx, id)
			return err
		}}
	}
)

func legacy(body string) []fakedingtalk.Response {
	return []fakedingtalk.Response{{Body: body}}
}

func newStyle(status int, body string) []fakedingtalk.Response {
	return []fakedingtalk.Response{{Status: status, Body: body}}
}

func repeat(n int, r []fakedingtalk.Response) []fakedingtalk.Response {
	var out []fakedingtalk.Response
	for range n {
		out = append(out, r...)
	}
	return out
}

// TestErrorCodes drives each documented failure over the wire and checks the
// decoded error, its explanation, whether it was retried and the sentinels.
func TestErrorCodes(t *testing.T) {
	tests := []struct {
		name      string
		call      call
		script    []fakedingtalk.Response // nil: the fake's own behaviour produces the error
		code      string
		subCode   string
		status    int
		requestID string
		temporary bool
		attempts  int
		is        error
		explain   []string
	}{
		{name: "invalid.param", call: signOutAlice, code: "invalid.param", status: 400, attempts: 1, requestID: "R-IP",
			script:  newStyle(400, `{"code":"invalid.param","requestid":"R-IP","message":"无效参数"}`),
			explain: []string{"invalid", "无效参数"}},
		{name: "user.not.exist", call: signOutGhost, code: "user.not.exist", status: 400, attempts: 1, is: dingtalk.ErrNotFound,
			explain: []string{"no user with ID", `"ghost"`}},
		{name: "exclusive.account.only", call: signOutBob, code: "exclusive.account.only", status: 400, attempts: 1,
			explain: []string{"Only Enterprise Accounts", "owned by this organisation", `"bob-personal"`}},
		{name: "system.busy", call: signOutAlice, code: "system.busy", status: 500, temporary: true, attempts: 4,
			script:  repeat(4, newStyle(500, `{"code":"system.busy","requestid":"R-B","message":"系统繁忙"}`)),
			explain: []string{"busy", "try again"}},
		{name: "permission denied", call: signOutAlice, code: "Forbidden.AccessDenied.AccessTokenPermissionDenied", status: 403, attempts: 1, is: dingtalk.ErrPermissionDenied,
			script:  newStyle(403, `{"code":"Forbidden.AccessDenied.AccessTokenPermissionDenied","requestid":"R-P","message":"没有调用该接口的权限","accessdenieddetail":{"requiredScopes":["Contact.OrgAccountSecurity.ReadWrite"]}}`),
			explain: []string{"Contact.OrgAccountSecurity.ReadWrite", "developer console"}},
		{name: "qps exhausted", call: signOutAlice, code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", status: 403, temporary: true, attempts: 4,
			script:  repeat(4, newStyle(403, `{"code":"Forbidden.AccessDenied.QpsLimitForAppkeyAndApi","message":"QPS 限流"}`)),
			explain: []string{"rate-limiting", "per second"}},
		{name: "qpm exhausted", call: signOutAlice, code: "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi", status: 403, temporary: true, attempts: 4,
			script:  repeat(4, newStyle(403, `{"code":"Forbidden.AccessDenied.QpmLimitForAppkeyAndApi","message":"QPM 限流"}`)),
			explain: []string{"per minute"}},
		{name: "monthly quota", call: signOutAlice, code: "Forbidden.AccessDenied.ApiCountLimitForOrg", status: 403, attempts: 1,
			script:  newStyle(403, `{"code":"Forbidden.AccessDenied.ApiCountLimitForOrg","message":"超过月调用量"}`),
			explain: []string{"monthly", "quota"}},
		{name: "60121 by mobile", call: byMobile("13999999999"), code: "60121", status: 200, attempts: 1, is: dingtalk.ErrNotFound,
			explain: []string{"no user with mobile", "13999999999"}},
		{name: "60121 by id", call: userGet("nobody"), code: "60121", status: 200, attempts: 1, is: dingtalk.ErrNotFound,
			explain: []string{"no user with ID", `"nobody"`}},
		{name: "33012", call: userGet(alice.UserID), code: "33012", status: 200, attempts: 1, is: dingtalk.ErrNotFound,
			script: legacy(`{"errcode":33012,"errmsg":"无效的USERID","request_id":"r33"}`), requestID: "r33",
			explain: []string{"not a valid user ID"}},
		{name: "40003", call: userGet(alice.UserID), code: "40003", status: 200, attempts: 1, is: dingtalk.ErrNotFound,
			script: legacy(`{"errcode":40003,"errmsg":"不合法的UserID"}`), explain: []string{"not a valid user ID"}},
		{name: "40104", call: byMobile("not-a-number"), code: "40104", status: 200, attempts: 1,
			explain: []string{"not a valid mobile number", "not-a-number"}},
		{name: "400002", call: byMobile(alice.Mobile), code: "400002", status: 200, attempts: 1,
			script: legacy(`{"errcode":400002,"errmsg":"无效的参数"}`), explain: []string{"invalid"}},
		{name: "-1 exhausted", call: byMobile(alice.Mobile), code: "-1", status: 200, temporary: true, attempts: 4,
			script: repeat(4, legacy(`{"errcode":-1,"errmsg":"系统繁忙"}`)), explain: []string{"busy"}},
		{name: "90018 exhausted", call: userGet(alice.UserID), code: "90018", status: 200, temporary: true, attempts: 4,
			script: repeat(4, legacy(`{"errcode":90018,"errmsg":"QPS 限流"}`)), explain: []string{"rate-limiting"}},
		{name: "90002 exhausted", call: userGet(alice.UserID), code: "90002", status: 200, temporary: true, attempts: 4,
			script: repeat(4, legacy(`{"errcode":90002,"errmsg":"全局限流"}`)), explain: []string{"rate-limiting"}},
		{name: "90020", call: userGet(alice.UserID), code: "90020", status: 200, attempts: 1,
			script: legacy(`{"errcode":90020,"errmsg":"月调用量超限"}`), explain: []string{"monthly"}},
		{name: "88/60011 no permission", call: userGet(alice.UserID), code: "88", subCode: "60011", status: 200, attempts: 1, is: dingtalk.ErrPermissionDenied,
			script: legacy(`{"errcode":88,"sub_code":"60011","sub_msg":"没有权限","errmsg":"ding talk error"}`), explain: []string{"lacks the permission"}},
		{name: "sub_code as number", call: userGet(alice.UserID), code: "88", subCode: "60011", status: 200, attempts: 1, is: dingtalk.ErrPermissionDenied,
			script: legacy(`{"errcode":88,"sub_code":60011,"errmsg":"ding talk error"}`), explain: []string{"lacks the permission"}},
		{name: "request id from header", call: signOutAlice, code: "invalid.param", status: 400, attempts: 1, requestID: "HDR-1",
			script:  []fakedingtalk.Response{{Status: 400, Body: `{"code":"invalid.param","message":"x"}`, Header: map[string]string{"x-acs-request-id": "HDR-1"}}},
			explain: []string{"invalid"}},
		{name: "requestId camel case", call: signOutAlice, code: "invalid.param", status: 400, attempts: 1, requestID: "CAMEL-1",
			script:  newStyle(400, `{"Code":"invalid.param","Message":"x","requestId":"CAMEL-1"}`),
			explain: []string{"invalid"}},
		{name: "HTML page", call: signOutAlice, code: dingtalk.CodeNonJSON, status: 403, attempts: 1,
			script:  []fakedingtalk.Response{{Status: 403, ContentType: "text/html", Body: "<html><head><title>Access Denied</title></head><body>blocked</body></html>"}},
			explain: []string{"not JSON", "IP address", "HTTP 403"}},
		{name: "HTML 502 exhausted", call: userGet(alice.UserID), code: dingtalk.CodeNonJSON, status: 502, temporary: true, attempts: 4,
			script:  repeat(4, []fakedingtalk.Response{{Status: 502, ContentType: "text/html", Body: "<html>Bad Gateway</html>"}}),
			explain: []string{"not JSON"}},
		{name: "IP ban JSON", call: signOutAlice, code: dingtalk.CodeIPBanned, status: 200, attempts: 1,
			script:  newStyle(200, `{"status":1111,"wait":5,"source":"x5","punish":"deny","uuid":"abc"}`),
			explain: []string{"banned", "IP address"}},
		{name: "IP ban JSON on legacy", call: byMobile(alice.Mobile), code: dingtalk.CodeIPBanned, status: 200, attempts: 1,
			script:  legacy(`{"status":1111,"punish":"deny"}`),
			explain: []string{"banned"}},
		{name: "huge body", call: signOutAlice, code: dingtalk.CodeBodyTooLarge, status: 200, attempts: 1,
			script:  newStyle(200, `{"result":true,"pad":"`+strings.Repeat("x", 2<<20)+`"}`),
			explain: []string{"larger than expected"}},
		{name: "result false", call: signOutAlice, code: dingtalk.CodeNotConfirmed, status: 200, attempts: 1,
			script:  newStyle(200, `{"result":false}`),
			explain: []string{"did not confirm", `"alice-ea"`}},
		{name: "empty 200 body", call: signOutAlice, code: dingtalk.CodeNonJSON, status: 200, attempts: 1,
			script: newStyle(200, ""), explain: []string{"not JSON"}},
		{name: "legacy without errcode", call: userGet(alice.UserID), code: dingtalk.CodeBadResponse, status: 200, attempts: 1,
			script: legacy(`{"result":{"userid":"alice-ea"}}`), explain: []string{"could not be understood"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			if tt.script != nil {
				env.fake.Script(tt.call.path, tt.script...)
			}
			err := tt.call.do(testContext(t), env.client)
			ae := apiError(t, err)
			t.Logf("Error():   %v\nExplain(): %s", err, ae.Explain())
			if ae.Code != tt.code || ae.SubCode != tt.subCode || ae.HTTPStatus != tt.status {
				t.Errorf("code %q/%q status %d, want %q/%q %d (err: %v)", ae.Code, ae.SubCode, ae.HTTPStatus, tt.code, tt.subCode, tt.status, err)
			}
			if tt.requestID != "" && ae.RequestID != tt.requestID {
				t.Errorf("RequestID %q, want %q", ae.RequestID, tt.requestID)
			}
			if ae.Temporary() != tt.temporary {
				t.Errorf("Temporary() = %v, want %v", ae.Temporary(), tt.temporary)
			}
			if n := len(env.fake.Requests(tt.call.path)); n != tt.attempts {
				t.Errorf("%d attempts, want %d", n, tt.attempts)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(err, %v) = false", tt.is)
			}
			if tt.is == nil && errors.Is(err, dingtalk.ErrNotFound) {
				t.Errorf("err unexpectedly matches ErrNotFound")
			}
			explain := ae.Explain()
			for _, w := range tt.explain {
				if !strings.Contains(explain, w) {
					t.Errorf("Explain() = %q, want it to mention %q", explain, w)
				}
			}
			msg := err.Error()
			for _, w := range []string{"dingtalk ", ae.Code} {
				if !strings.Contains(msg, w) {
					t.Errorf("Error() = %q, want it to contain %q", msg, w)
				}
			}
			if tt.attempts > 1 && !strings.Contains(msg, "gave up after") {
				t.Errorf("Error() = %q does not say it retried", msg)
			}
			if ae.RequestID != "" && !strings.Contains(msg, ae.RequestID) {
				t.Errorf("Error() = %q lacks request ID %q", msg, ae.RequestID)
			}
			env.assertNoSecretsIn(t, "error", msg+" "+explain)
		})
	}
}
