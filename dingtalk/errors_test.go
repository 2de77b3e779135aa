package dingtalk_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/i18n"
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
// decoded error, its explanation in both languages, whether it was retried
// and the sentinels.
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
		// throttled: every answer throttles the call, which is waited out
		// past MaxAttempts (4) until the test cancels it at the last one.
		throttled bool
		is        error
		en, zh    string // the explanation in each language
	}{
		{name: "invalid.param", call: signOutAlice, code: "invalid.param", status: 400, attempts: 1, requestID: "R-IP",
			script: newStyle(400, `{"code":"invalid.param","requestid":"R-IP","message":"无效参数"}`),
			en:     "DingTalk rejected the request as invalid (DingTalk said: 无效参数); check the user ID or mobile number.",
			zh:     "钉钉拒绝了请求：参数无效（钉钉提示：无效参数）。请检查 userId 或手机号。"},
		{name: "user.not.exist", call: signOutGhost, code: "user.not.exist", status: 400, attempts: 1, is: dingtalk.ErrNotFound,
			en: `DingTalk has no user with ID "ghost" in this organisation.`,
			zh: "本组织通讯录中没有 userId 为“ghost”的用户。"},
		{name: "exclusive.account.only", call: signOutBob, code: "exclusive.account.only", status: 400, attempts: 1,
			en: `Only Enterprise Accounts (专属帐号) owned by this organisation can be signed out; "bob-personal" is a personal DingTalk account or belongs to another organisation.`,
			zh: "只能对归属本组织的专属帐号强制退出登录；“bob-personal”是个人钉钉帐号，或归属其他组织。"},
		{name: "system.busy", call: signOutAlice, code: "system.busy", status: 500, temporary: true, attempts: 4,
			script: repeat(4, newStyle(500, `{"code":"system.busy","requestid":"R-B","message":"系统繁忙"}`)),
			en:     "DingTalk was busy and did not complete the request; try again in a minute.",
			zh:     "钉钉系统繁忙，未完成请求，请一分钟后重试。"},
		{name: "permission denied", call: signOutAlice, code: "Forbidden.AccessDenied.AccessTokenPermissionDenied", status: 403, attempts: 1, is: dingtalk.ErrPermissionDenied,
			script: newStyle(403, `{"code":"Forbidden.AccessDenied.AccessTokenPermissionDenied","requestid":"R-P","message":"没有调用该接口的权限","accessdenieddetail":{"requiredScopes":["Contact.OrgAccountSecurity.ReadWrite"]}}`),
			en:     "The bot's DingTalk app lacks the permission Contact.OrgAccountSecurity.ReadWrite; an admin must grant it in the DingTalk developer console and publish the app.",
			zh:     "机器人所属的钉钉应用缺少权限 Contact.OrgAccountSecurity.ReadWrite。请管理员在钉钉开发者后台的“权限管理”中开通，并发布应用。"},
		{name: "qps until cancelled", call: signOutAlice, code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", status: 403, temporary: true, attempts: 6, throttled: true,
			script: repeat(6, newStyle(403, `{"code":"Forbidden.AccessDenied.QpsLimitForAppkeyAndApi","message":"QPS 限流"}`)),
			en:     "DingTalk is rate-limiting the bot (too many calls per second); wait a moment and try again.",
			zh:     "机器人调用钉钉接口过于频繁，已被限流（超过每秒调用次数上限），请稍后重试。"},
		{name: "qpm until cancelled", call: signOutAlice, code: "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi", status: 403, temporary: true, attempts: 6, throttled: true,
			script: repeat(6, newStyle(403, `{"code":"Forbidden.AccessDenied.QpmLimitForAppkeyAndApi","message":"QPM 限流"}`)),
			en:     "DingTalk is rate-limiting the bot (too many calls per minute); wait a minute and try again.",
			zh:     "机器人调用钉钉接口过于频繁，已被限流（超过每分钟调用次数上限），请一分钟后重试。"},
		{name: "monthly quota", call: signOutAlice, code: "Forbidden.AccessDenied.ApiCountLimitForOrg", status: 403, attempts: 1,
			script: newStyle(403, `{"code":"Forbidden.AccessDenied.ApiCountLimitForOrg","message":"超过月调用量"}`),
			en:     "The organisation has used up its monthly DingTalk API call quota; calls fail until the quota resets next month or the DingTalk plan is upgraded.",
			zh:     "本组织本月的钉钉接口调用量已用完；在下月额度恢复或升级钉钉版本之前，接口调用都会失败。"},
		{name: "60121 by mobile", call: byMobile("13999999999"), code: "60121", status: 200, attempts: 1, is: dingtalk.ErrNotFound,
			en: `DingTalk has no user with mobile "13999999999" in this organisation (people who left cannot be found by mobile).`,
			zh: "本组织通讯录中没有手机号为“13999999999”的用户（已离职人员无法通过手机号查到）。"},
		{name: "60121 by id", call: userGet("nobody"), code: "60121", status: 200, attempts: 1, is: dingtalk.ErrNotFound,
			en: `DingTalk has no user with ID "nobody" in this organisation.`,
			zh: "本组织通讯录中没有 userId 为“nobody”的用户。"},
		{name: "33012", call: userGet(alice.UserID), code: "33012", status: 200, attempts: 1, is: dingtalk.ErrNotFound,
			script: legacy(`{"errcode":33012,"errmsg":"无效的USERID","request_id":"r33"}`), requestID: "r33",
			en: `DingTalk says "alice-ea" is not a valid user ID.`,
			zh: "钉钉提示“alice-ea”不是有效的 userId。"},
		{name: "40003", call: userGet(alice.UserID), code: "40003", status: 200, attempts: 1, is: dingtalk.ErrNotFound,
			script: legacy(`{"errcode":40003,"errmsg":"不合法的UserID"}`),
			en:     `DingTalk says "alice-ea" is not a valid user ID.`,
			zh:     "钉钉提示“alice-ea”不是有效的 userId。"},
		{name: "40104", call: byMobile("not-a-number"), code: "40104", status: 200, attempts: 1,
			en: `DingTalk says "not-a-number" is not a valid mobile number in this organisation.`,
			zh: "钉钉提示“not-a-number”不是本组织中有效的手机号。"},
		{name: "400002", call: byMobile(alice.Mobile), code: "400002", status: 200, attempts: 1,
			script: legacy(`{"errcode":400002,"errmsg":"无效的参数"}`),
			en:     "DingTalk rejected the request as invalid (DingTalk said: 无效的参数); check the user ID or mobile number.",
			zh:     "钉钉拒绝了请求：参数无效（钉钉提示：无效的参数）。请检查 userId 或手机号。"},
		{name: "-1 exhausted", call: byMobile(alice.Mobile), code: "-1", status: 200, temporary: true, attempts: 4,
			script: repeat(4, legacy(`{"errcode":-1,"errmsg":"系统繁忙"}`)),
			en:     "DingTalk was busy and did not complete the request; try again in a minute.",
			zh:     "钉钉系统繁忙，未完成请求，请一分钟后重试。"},
		{name: "90018 until cancelled", call: userGet(alice.UserID), code: "90018", status: 200, temporary: true, attempts: 6, throttled: true,
			script: repeat(6, legacy(`{"errcode":90018,"errmsg":"QPS 限流"}`)),
			en:     "DingTalk is rate-limiting the bot (too many calls per second); wait a moment and try again.",
			zh:     "机器人调用钉钉接口过于频繁，已被限流（超过每秒调用次数上限），请稍后重试。"},
		{name: "90002 until cancelled", call: userGet(alice.UserID), code: "90002", status: 200, temporary: true, attempts: 6, throttled: true,
			script: repeat(6, legacy(`{"errcode":90002,"errmsg":"全局限流"}`)),
			en:     "DingTalk is rate-limiting the bot (too many calls per second); wait a moment and try again.",
			zh:     "机器人调用钉钉接口过于频繁，已被限流（超过每秒调用次数上限），请稍后重试。"},
		{name: "90020", call: userGet(alice.UserID), code: "90020", status: 200, attempts: 1,
			script: legacy(`{"errcode":90020,"errmsg":"月调用量超限"}`),
			en:     "The organisation has used up its monthly DingTalk API call quota; calls fail until the quota resets next month or the DingTalk plan is upgraded.",
			zh:     "本组织本月的钉钉接口调用量已用完；在下月额度恢复或升级钉钉版本之前，接口调用都会失败。"},
		{name: "88/60011 no permission", call: userGet(alice.UserID), code: "88", subCode: "60011", status: 200, attempts: 1, is: dingtalk.ErrPermissionDenied,
			script: legacy(`{"errcode":88,"sub_code":"60011","sub_msg":"没有权限","errmsg":"ding talk error"}`),
			en:     "The bot's DingTalk app lacks the permission for this call; an admin must grant it in the DingTalk developer console and publish the app.",
			zh:     "机器人所属的钉钉应用没有调用该接口的权限。请管理员在钉钉开发者后台的“权限管理”中开通该权限，并发布应用。"},
		{name: "sub_code as number", call: userGet(alice.UserID), code: "88", subCode: "60011", status: 200, attempts: 1, is: dingtalk.ErrPermissionDenied,
			script: legacy(`{"errcode":88,"sub_code":60011,"errmsg":"ding talk error"}`),
			en:     "The bot's DingTalk app lacks the permission for this call; an admin must grant it in the DingTalk developer console and publish the app.",
			zh:     "机器人所属的钉钉应用没有调用该接口的权限。请管理员在钉钉开发者后台的“权限管理”中开通该权限，并发布应用。"},
		{name: "request id from header", call: signOutAlice, code: "invalid.param", status: 400, attempts: 1, requestID: "HDR-1",
			script: []fakedingtalk.Response{{Status: 400, Body: `{"code":"invalid.param","message":"x"}`, Header: map[string]string{"x-acs-request-id": "HDR-1"}}},
			en:     "DingTalk rejected the request as invalid (DingTalk said: x); check the user ID or mobile number.",
			zh:     "钉钉拒绝了请求：参数无效（钉钉提示：x）。请检查 userId 或手机号。"},
		{name: "requestId camel case", call: signOutAlice, code: "invalid.param", status: 400, attempts: 1, requestID: "CAMEL-1",
			script: newStyle(400, `{"Code":"invalid.param","Message":"x","requestId":"CAMEL-1"}`),
			en:     "DingTalk rejected the request as invalid (DingTalk said: x); check the user ID or mobile number.",
			zh:     "钉钉拒绝了请求：参数无效（钉钉提示：x）。请检查 userId 或手机号。"},
		{name: "HTML page", call: signOutAlice, code: dingtalk.CodeNonJSON, status: 403, attempts: 1,
			script: []fakedingtalk.Response{{Status: 403, ContentType: "text/html", Body: "<html><head><title>Access Denied</title></head><body>blocked</body></html>"}},
			en:     "DingTalk answered with something that is not JSON (HTTP 403). DingTalk may have banned this server's IP address for a few minutes after too many calls, or a proxy answered instead; try again in about 5 minutes.",
			zh:     "钉钉返回的不是 JSON（HTTP 403）。可能是本服务器调用过于频繁，IP 被钉钉临时封禁几分钟，也可能是代理服务器代为应答。请约 5 分钟后重试。"},
		{name: "HTML 502 exhausted", call: userGet(alice.UserID), code: dingtalk.CodeNonJSON, status: 502, temporary: true, attempts: 4,
			script: repeat(4, []fakedingtalk.Response{{Status: 502, ContentType: "text/html", Body: "<html>Bad Gateway</html>"}}),
			en:     "DingTalk answered with something that is not JSON (HTTP 502). DingTalk may have banned this server's IP address for a few minutes after too many calls, or a proxy answered instead; try again in about 5 minutes.",
			zh:     "钉钉返回的不是 JSON（HTTP 502）。可能是本服务器调用过于频繁，IP 被钉钉临时封禁几分钟，也可能是代理服务器代为应答。请约 5 分钟后重试。"},
		{name: "IP ban JSON", call: signOutAlice, code: dingtalk.CodeIPBanned, status: 200, attempts: 1,
			script: newStyle(200, `{"status":1111,"wait":5,"source":"x5","punish":"deny","uuid":"abc"}`),
			en:     "DingTalk has temporarily banned this server's IP address for making too many calls (about 5 minutes); wait and try again.",
			zh:     "本服务器调用钉钉接口过于频繁，IP 已被钉钉临时封禁（约 5 分钟），请稍后重试。"},
		{name: "IP ban JSON on legacy", call: byMobile(alice.Mobile), code: dingtalk.CodeIPBanned, status: 200, attempts: 1,
			script: legacy(`{"status":1111,"punish":"deny"}`),
			en:     "DingTalk has temporarily banned this server's IP address for making too many calls (about 5 minutes); wait and try again.",
			zh:     "本服务器调用钉钉接口过于频繁，IP 已被钉钉临时封禁（约 5 分钟），请稍后重试。"},
		{name: "huge body", call: signOutAlice, code: dingtalk.CodeBodyTooLarge, status: 200, attempts: 1,
			script: newStyle(200, `{"result":true,"pad":"`+strings.Repeat("x", 2<<20)+`"}`),
			en:     "DingTalk's answer was far larger than expected and was not read; try again later.",
			zh:     "钉钉返回的内容远大于预期，已放弃读取，请稍后重试。"},
		{name: "result false", call: signOutAlice, code: dingtalk.CodeNotConfirmed, status: 200, attempts: 1,
			script: newStyle(200, `{"result":false}`),
			en:     `DingTalk did not confirm the sign-out of "alice-ea" (result=false); check the admin console before trying again.`,
			zh:     "钉钉未确认已将“alice-ea”强制退出登录（result=false）。请先到钉钉管理后台核实，再决定是否重试。"},
		{name: "empty 200 body", call: signOutAlice, code: dingtalk.CodeNonJSON, status: 200, attempts: 1,
			script: newStyle(200, ""),
			en:     "DingTalk answered with something that is not JSON (HTTP 200). DingTalk may have banned this server's IP address for a few minutes after too many calls, or a proxy answered instead; try again in about 5 minutes.",
			zh:     "钉钉返回的不是 JSON（HTTP 200）。可能是本服务器调用过于频繁，IP 被钉钉临时封禁几分钟，也可能是代理服务器代为应答。请约 5 分钟后重试。"},
		{name: "legacy without errcode", call: userGet(alice.UserID), code: dingtalk.CodeBadResponse, status: 200, attempts: 1,
			script: legacy(`{"result":{"userid":"alice-ea"}}`),
			en:     "DingTalk's answer could not be understood (answer has no errcode).",
			zh:     "无法解析钉钉返回的内容（answer has no errcode）。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(testContext(t))
			defer cancel()
			env := newEnv(t, func(c *dingtalk.Config) {
				if tt.throttled {
					c.Observer = &cancelAtThrottle{n: tt.attempts, cancel: cancel}
				}
			})
			if tt.script != nil {
				env.fake.Script(tt.call.path, tt.script...)
			}
			err := tt.call.do(ctx, env.client)
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
			if explain != tt.en {
				t.Errorf("Explain()\n got %q\nwant %q", explain, tt.en)
			}
			zh := i18n.For(i18n.ZH).Text(ae.Words())
			if zh != tt.zh {
				t.Errorf("Words() in zh_CN\n got %q\nwant %q", zh, tt.zh)
			}
			msg := err.Error()
			for _, w := range []string{"dingtalk ", ae.Code} {
				if !strings.Contains(msg, w) {
					t.Errorf("Error() = %q, want it to contain %q", msg, w)
				}
			}
			switch {
			case tt.throttled && (!errors.Is(err, context.Canceled) || !strings.Contains(msg, "stopped after 6 attempt(s)")):
				t.Errorf("Error() = %q, want the cancellation after 6 attempts", msg)
			case !tt.throttled && tt.attempts > 1 && !strings.Contains(msg, "gave up after"):
				t.Errorf("Error() = %q does not say it retried", msg)
			}
			if ae.RequestID != "" && !strings.Contains(msg, ae.RequestID) {
				t.Errorf("Error() = %q lacks request ID %q", msg, ae.RequestID)
			}
			env.assertNoSecretsIn(t, "error", msg+" "+explain+" "+zh)
		})
	}
}

// cancelAtThrottle cancels the call when DingTalk has throttled it n times:
// the client is told before it starts waiting the throttle out.
type cancelAtThrottle struct {
	countingObserver
	n      int
	cancel context.CancelFunc
}

func (o *cancelAtThrottle) APIThrottled(op string) {
	o.countingObserver.APIThrottled(op)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.throttled[op] == o.n {
		o.cancel()
	}
}
