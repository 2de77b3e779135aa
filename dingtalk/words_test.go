package dingtalk_test

import (
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/i18n"
)

// TestWords renders every explanation in both languages, including the
// paths the fake server does not reach: a call about no one in particular,
// an answer without DingTalk's own message, an unknown code.
func TestWords(t *testing.T) {
	tests := []struct {
		name   string
		err    dingtalk.APIError
		en, zh string
	}{
		{name: "qpm", err: dingtalk.APIError{HTTPStatus: 403, Code: "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi"},
			en: "DingTalk is rate-limiting the bot (too many calls per minute); wait a minute and try again.",
			zh: "机器人调用钉钉接口过于频繁，已被限流（超过每分钟调用次数上限），请一分钟后重试。"},
		{name: "qps legacy", err: dingtalk.APIError{HTTPStatus: 200, Code: "90018"},
			en: "DingTalk is rate-limiting the bot (too many calls per second); wait a moment and try again.",
			zh: "机器人调用钉钉接口过于频繁，已被限流（超过每秒调用次数上限），请稍后重试。"},
		{name: "429 without a code", err: dingtalk.APIError{HTTPStatus: 429},
			en: "DingTalk is rate-limiting the bot (too many calls per second); wait a moment and try again.",
			zh: "机器人调用钉钉接口过于频繁，已被限流（超过每秒调用次数上限），请稍后重试。"},
		{name: "token", err: dingtalk.APIError{HTTPStatus: 400, Code: "InvalidAuthentication"},
			en: "DingTalk rejected the bot's access token even after a fresh one was fetched; check that the DingTalk app is enabled and its credentials are right.",
			zh: "钉钉拒绝了机器人的 accessToken，重新获取后仍被拒绝。请检查钉钉应用是否已启用、应用凭证是否正确。"},
		{name: "legacy token under 88", err: dingtalk.APIError{HTTPStatus: 200, Code: "88", SubCode: "40014"},
			en: "DingTalk rejected the bot's access token even after a fresh one was fetched; check that the DingTalk app is enabled and its credentials are right.",
			zh: "钉钉拒绝了机器人的 accessToken，重新获取后仍被拒绝。请检查钉钉应用是否已启用、应用凭证是否正确。"},
		{name: "legacy token expired", err: dingtalk.APIError{HTTPStatus: 200, Code: "42001"},
			en: "DingTalk rejected the bot's access token even after a fresh one was fetched; check that the DingTalk app is enabled and its credentials are right.",
			zh: "钉钉拒绝了机器人的 accessToken，重新获取后仍被拒绝。请检查钉钉应用是否已启用、应用凭证是否正确。"},
		{name: "no permission", err: dingtalk.APIError{HTTPStatus: 200, Code: "60011"},
			en: "The bot's DingTalk app lacks the permission for this call; an admin must grant it in the DingTalk developer console and publish the app.",
			zh: "机器人所属的钉钉应用没有调用该接口的权限。请管理员在钉钉开发者后台的“权限管理”中开通该权限，并发布应用。"},
		{name: "no permission, two scopes", err: dingtalk.APIError{HTTPStatus: 403, Code: "Forbidden.AccessDenied.AccessTokenPermissionDenied",
			RequiredScopes: []string{"Contact.User.Read", "Contact.OrgAccountSecurity.ReadWrite"}},
			en: "The bot's DingTalk app lacks the permission Contact.User.Read, Contact.OrgAccountSecurity.ReadWrite; an admin must grant it in the DingTalk developer console and publish the app.",
			zh: "机器人所属的钉钉应用缺少权限 Contact.User.Read, Contact.OrgAccountSecurity.ReadWrite。请管理员在钉钉开发者后台的“权限管理”中开通，并发布应用。"},
		{name: "no user with mobile", err: dingtalk.APIError{Op: "getbymobile", HTTPStatus: 200, Code: "60121", Target: "13999999999"},
			en: `DingTalk has no user with mobile "13999999999" in this organisation (people who left cannot be found by mobile).`,
			zh: "本组织通讯录中没有手机号为“13999999999”的用户（已离职人员无法通过手机号查到）。"},
		{name: "no user with mobile, unnamed", err: dingtalk.APIError{Op: "getbymobile", HTTPStatus: 200, Code: "60121"},
			en: "DingTalk has no user with mobile number in this organisation (people who left cannot be found by mobile).",
			zh: "本组织通讯录中没有使用该手机号的用户（已离职人员无法通过手机号查到）。"},
		{name: "invalid user ID", err: dingtalk.APIError{Op: "user/get", HTTPStatus: 200, Code: "33012", Target: "alice-ea"},
			en: `DingTalk says "alice-ea" is not a valid user ID.`,
			zh: "钉钉提示“alice-ea”不是有效的 userId。"},
		{name: "invalid user ID, unnamed", err: dingtalk.APIError{HTTPStatus: 200, Code: "40003"},
			en: "DingTalk says the given ID is not a valid user ID.",
			zh: "钉钉提示所给的 userId 无效。"},
		{name: "no user with ID", err: dingtalk.APIError{Op: "signOut", HTTPStatus: 400, Code: "user.not.exist", Target: "ghost"},
			en: `DingTalk has no user with ID "ghost" in this organisation.`,
			zh: "本组织通讯录中没有 userId 为“ghost”的用户。"},
		{name: "no user with ID, unnamed", err: dingtalk.APIError{HTTPStatus: 400, Code: "user.not.exist"},
			en: "DingTalk has no user with ID given in this organisation.",
			zh: "本组织通讯录中没有该 userId 对应的用户。"},
		{name: "target quoted as %q", err: dingtalk.APIError{HTTPStatus: 400, Code: "user.not.exist", Target: `a"b\c`},
			en: `DingTalk has no user with ID "a\"b\\c" in this organisation.`,
			zh: `本组织通讯录中没有 userId 为“a\"b\\c”的用户。`},
		{name: "invalid param", err: dingtalk.APIError{HTTPStatus: 400, Code: "invalid.param", Message: "无效参数"},
			en: "DingTalk rejected the request as invalid (DingTalk said: 无效参数); check the user ID or mobile number.",
			zh: "钉钉拒绝了请求：参数无效（钉钉提示：无效参数）。请检查 userId 或手机号。"},
		{name: "invalid param, nothing said", err: dingtalk.APIError{HTTPStatus: 200, Code: "400002"},
			en: "DingTalk rejected the request as invalid; check the user ID or mobile number.",
			zh: "钉钉拒绝了请求：参数无效。请检查 userId 或手机号。"},
		{name: "enterprise accounts only", err: dingtalk.APIError{HTTPStatus: 400, Code: "exclusive.account.only", Target: "bob-personal"},
			en: `Only Enterprise Accounts (专属帐号) owned by this organisation can be signed out; "bob-personal" is a personal DingTalk account or belongs to another organisation.`,
			zh: "只能对归属本组织的专属帐号强制退出登录；“bob-personal”是个人钉钉帐号，或归属其他组织。"},
		{name: "enterprise accounts only, unnamed", err: dingtalk.APIError{HTTPStatus: 400, Code: "exclusive.account.only"},
			en: "Only Enterprise Accounts (专属帐号) owned by this organisation can be signed out; this user is a personal DingTalk account or belongs to another organisation.",
			zh: "只能对归属本组织的专属帐号强制退出登录；该用户是个人钉钉帐号，或归属其他组织。"},
		{name: "busy", err: dingtalk.APIError{HTTPStatus: 500, Code: "system.busy"},
			en: "DingTalk was busy and did not complete the request; try again in a minute.",
			zh: "钉钉系统繁忙，未完成请求，请一分钟后重试。"},
		{name: "busy legacy", err: dingtalk.APIError{HTTPStatus: 200, Code: "-1"},
			en: "DingTalk was busy and did not complete the request; try again in a minute.",
			zh: "钉钉系统繁忙，未完成请求，请一分钟后重试。"},
		{name: "monthly quota", err: dingtalk.APIError{HTTPStatus: 403, Code: "Forbidden.AccessDenied.ApiCountLimitForOrg"},
			en: "The organisation has used up its monthly DingTalk API call quota; calls fail until the quota resets next month or the DingTalk plan is upgraded.",
			zh: "本组织本月的钉钉接口调用量已用完；在下月额度恢复或升级钉钉版本之前，接口调用都会失败。"},
		{name: "bad credentials", err: dingtalk.APIError{HTTPStatus: 400, Code: "invalidClientIdOrSecret"},
			en: "DingTalk rejected the bot's Client ID or Client Secret; check dingtalk client_id and client_secret in the bot's configuration.",
			zh: "钉钉提示机器人的 Client ID 或 Client Secret 无效，请检查机器人配置中的 dingtalk client_id 和 client_secret。"},
		{name: "no access token sent", err: dingtalk.APIError{HTTPStatus: 400, Code: "AuthenticationFailed.MissingParameter"},
			en: "DingTalk received the request without an access token; this is a bug in the bot.",
			zh: "钉钉收到的请求没有携带 accessToken，这是机器人程序的 bug。"},
		{name: "invalid mobile", err: dingtalk.APIError{Op: "getbymobile", HTTPStatus: 200, Code: "40104", Target: "not-a-number"},
			en: `DingTalk says "not-a-number" is not a valid mobile number in this organisation.`,
			zh: "钉钉提示“not-a-number”不是本组织中有效的手机号。"},
		{name: "invalid mobile, unnamed", err: dingtalk.APIError{HTTPStatus: 200, Code: "40104"},
			en: "DingTalk says the mobile number is not a valid mobile number in this organisation.",
			zh: "钉钉提示该手机号在本组织中无效。"},
		{name: "not JSON", err: dingtalk.APIError{HTTPStatus: 403, Code: dingtalk.CodeNonJSON},
			en: "DingTalk answered with something that is not JSON (HTTP 403). DingTalk may have banned this server's IP address for a few minutes after too many calls, or a proxy answered instead; try again in about 5 minutes.",
			zh: "钉钉返回的不是 JSON（HTTP 403）。可能是本服务器调用过于频繁，IP 被钉钉临时封禁几分钟，也可能是代理服务器代为应答。请约 5 分钟后重试。"},
		{name: "IP banned", err: dingtalk.APIError{HTTPStatus: 200, Code: dingtalk.CodeIPBanned},
			en: "DingTalk has temporarily banned this server's IP address for making too many calls (about 5 minutes); wait and try again.",
			zh: "本服务器调用钉钉接口过于频繁，IP 已被钉钉临时封禁（约 5 分钟），请稍后重试。"},
		{name: "body too large", err: dingtalk.APIError{HTTPStatus: 200, Code: dingtalk.CodeBodyTooLarge},
			en: "DingTalk's answer was far larger than expected and was not read; try again later.",
			zh: "钉钉返回的内容远大于预期，已放弃读取，请稍后重试。"},
		{name: "bad response", err: dingtalk.APIError{HTTPStatus: 200, Code: dingtalk.CodeBadResponse, Message: "answer has no result"},
			en: "DingTalk's answer could not be understood (answer has no result).",
			zh: "无法解析钉钉返回的内容（answer has no result）。"},
		{name: "not confirmed", err: dingtalk.APIError{HTTPStatus: 200, Code: dingtalk.CodeNotConfirmed, Target: "alice-ea"},
			en: `DingTalk did not confirm the sign-out of "alice-ea" (result=false); check the admin console before trying again.`,
			zh: "钉钉未确认已将“alice-ea”强制退出登录（result=false）。请先到钉钉管理后台核实，再决定是否重试。"},
		{name: "not confirmed, unnamed", err: dingtalk.APIError{HTTPStatus: 200, Code: dingtalk.CodeNotConfirmed},
			en: "DingTalk did not confirm the sign-out of the user (result=false); check the admin console before trying again.",
			zh: "钉钉未确认已将该用户强制退出登录（result=false）。请先到钉钉管理后台核实，再决定是否重试。"},
		{name: "invalid staff", err: dingtalk.APIError{HTTPStatus: 200, Code: dingtalk.CodeInvalidStaff, Message: "ghost, nobody"},
			en: "DingTalk did not deliver the message to these unknown user IDs: ghost, nobody.",
			zh: "以下 userId 无效，钉钉未送达消息：ghost, nobody。"},
		{name: "flow controlled", err: dingtalk.APIError{HTTPStatus: 200, Code: dingtalk.CodeFlowControlled, Message: "alice-ea"},
			en: "DingTalk held back the message to these users because too many messages were sent to them: alice-ea.",
			zh: "以下用户收到的消息过多，已被钉钉流控，消息未送达：alice-ea。"},
		{name: "5xx, unknown code", err: dingtalk.APIError{HTTPStatus: 503, Code: "ServiceUnavailable", Message: "维护中"},
			en: "DingTalk had an internal problem (HTTP 503); try again in a minute.",
			zh: "钉钉服务端出现内部错误（HTTP 503），请一分钟后重试。"},
		{name: "refused, no code", err: dingtalk.APIError{HTTPStatus: 404, Message: "请求的URI地址不存在"},
			en: "DingTalk refused the request (HTTP 404) (DingTalk said: 请求的URI地址不存在).",
			zh: "钉钉拒绝了请求，HTTP 状态码 404（钉钉提示：请求的URI地址不存在）。"},
		{name: "refused, no code, nothing said", err: dingtalk.APIError{HTTPStatus: 404},
			en: "DingTalk refused the request (HTTP 404).",
			zh: "钉钉拒绝了请求，HTTP 状态码 404。"},
		{name: "refused, unknown code", err: dingtalk.APIError{HTTPStatus: 400, Code: "invalidRequest.duplicateClientToken", Message: "幂等键重复"},
			en: "DingTalk refused the request with code invalidRequest.duplicateClientToken (DingTalk said: 幂等键重复).",
			zh: "钉钉拒绝了请求，错误码 invalidRequest.duplicateClientToken（钉钉提示：幂等键重复）。"},
		{name: "refused, unknown code, nothing said", err: dingtalk.APIError{HTTPStatus: 200, Code: "22"},
			en: "DingTalk refused the request with code 22.",
			zh: "钉钉拒绝了请求，错误码 22。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			en, zh := tt.err.Explain(), i18n.For(i18n.ZH).Text(tt.err.Words())
			if en != tt.en {
				t.Errorf("Explain()\n got %q\nwant %q", en, tt.en)
			}
			if zh != tt.zh {
				t.Errorf("Words() in zh_CN\n got %q\nwant %q", zh, tt.zh)
			}
			if strings.Contains(en+zh, "%!") {
				t.Errorf("a formatting error in %q or %q", en, zh)
			}
		})
	}
}

// The user and DingTalk's own text are arguments that a front end escapes
// for its markup; the catalog's words are not touched.
func TestWordsEscapeArgumentsOnly(t *testing.T) {
	mark := func(s string) string { return "<" + s + ">" }
	tests := []struct {
		err    dingtalk.APIError
		en, zh string
	}{
		{dingtalk.APIError{HTTPStatus: 400, Code: "user.not.exist", Target: "ghost"},
			`DingTalk has no user with ID "<ghost>" in this organisation.`,
			"本组织通讯录中没有 userId 为“<ghost>”的用户。"},
		{dingtalk.APIError{HTTPStatus: 400, Code: "odd*code", Message: "*bold*"},
			"DingTalk refused the request with code <odd*code> (DingTalk said: <*bold*>).",
			"钉钉拒绝了请求，错误码 <odd*code>（钉钉提示：<*bold*>）。"},
		{dingtalk.APIError{HTTPStatus: 400, Code: "invalidClientIdOrSecret"},
			"DingTalk rejected the bot's Client ID or Client Secret; check dingtalk <client_id> and <client_secret> in the bot's configuration.",
			"钉钉提示机器人的 Client ID 或 Client Secret 无效，请检查机器人配置中的 dingtalk <client_id> 和 <client_secret>。"},
		{dingtalk.APIError{HTTPStatus: 502}, // a status is a number, never escaped
			"DingTalk had an internal problem (HTTP 502); try again in a minute.",
			"钉钉服务端出现内部错误（HTTP 502），请一分钟后重试。"},
	}
	for _, tt := range tests {
		if got := i18n.For(i18n.EN).Escaped(tt.err.Words(), mark); got != tt.en {
			t.Errorf("en\n got %q\nwant %q", got, tt.en)
		}
		if got := i18n.For(i18n.ZH).Escaped(tt.err.Words(), mark); got != tt.zh {
			t.Errorf("zh_CN\n got %q\nwant %q", got, tt.zh)
		}
	}
}
