package i18n

// DingTalk's errors in words: what went wrong and what to do, for the
// responder who asked for the sign-out (dingtalk.APIError.Words).
//
// Arguments: a userId or mobile is a string with Go's escapes (%q without
// its quotes: each language quotes it its own way); a key ending in
// Unnamed is the same sentence for a call that named no one. "said" is
// DingTalkSaid with DingTalk's own message, or nothing when it gave none.
const (
	DingTalkRateLimitedPerMinute         Key = "dingtalk.rate_limited_per_minute"
	DingTalkRateLimitedPerSecond         Key = "dingtalk.rate_limited_per_second"
	DingTalkTokenRejected                Key = "dingtalk.token_rejected"
	DingTalkPermissionDenied             Key = "dingtalk.permission_denied"
	DingTalkPermissionDeniedScopes       Key = "dingtalk.permission_denied_scopes" // 1 the scopes DingTalk named
	DingTalkNoUserWithMobile             Key = "dingtalk.no_user_with_mobile"      // 1 mobile
	DingTalkNoUserWithMobileUnnamed      Key = "dingtalk.no_user_with_mobile_unnamed"
	DingTalkInvalidUserID                Key = "dingtalk.invalid_user_id" // 1 userId
	DingTalkInvalidUserIDUnnamed         Key = "dingtalk.invalid_user_id_unnamed"
	DingTalkNoUserWithID                 Key = "dingtalk.no_user_with_id" // 1 userId
	DingTalkNoUserWithIDUnnamed          Key = "dingtalk.no_user_with_id_unnamed"
	DingTalkEnterpriseAccountOnly        Key = "dingtalk.enterprise_account_only" // 1 userId
	DingTalkEnterpriseAccountOnlyUnnamed Key = "dingtalk.enterprise_account_only_unnamed"
	DingTalkInvalidMobile                Key = "dingtalk.invalid_mobile" // 1 mobile
	DingTalkInvalidMobileUnnamed         Key = "dingtalk.invalid_mobile_unnamed"
	DingTalkNotConfirmed                 Key = "dingtalk.not_confirmed" // 1 userId
	DingTalkNotConfirmedUnnamed          Key = "dingtalk.not_confirmed_unnamed"
	DingTalkNotDisabled                  Key = "dingtalk.not_disabled" // 1 userId
	DingTalkNotDisabledUnnamed           Key = "dingtalk.not_disabled_unnamed"
	DingTalkNotEnabled                   Key = "dingtalk.not_enabled" // 1 userId
	DingTalkNotEnabledUnnamed            Key = "dingtalk.not_enabled_unnamed"
	DingTalkAccountEnterpriseOnly        Key = "dingtalk.account_enterprise_only" // 1 userId; disable, enable, status
	DingTalkAccountEnterpriseOnlyUnnamed Key = "dingtalk.account_enterprise_only_unnamed"
	DingTalkInvalidParam                 Key = "dingtalk.invalid_param" // 1 said
	DingTalkBusy                         Key = "dingtalk.busy"
	DingTalkMonthlyQuota                 Key = "dingtalk.monthly_quota"
	DingTalkBadCredentials               Key = "dingtalk.bad_credentials" // 1, 2 the config keys
	DingTalkNoAccessToken                Key = "dingtalk.no_access_token"
	DingTalkNotJSON                      Key = "dingtalk.not_json" // 1 HTTP status
	DingTalkIPBanned                     Key = "dingtalk.ip_banned"
	DingTalkBodyTooLarge                 Key = "dingtalk.body_too_large"
	DingTalkBadResponse                  Key = "dingtalk.bad_response"    // 1 what is wrong with it
	DingTalkInvalidStaff                 Key = "dingtalk.invalid_staff"   // 1 the userIds
	DingTalkFlowControlled               Key = "dingtalk.flow_controlled" // 1 the userIds
	DingTalkServerError                  Key = "dingtalk.server_error"    // 1 HTTP status
	DingTalkRefusedStatus                Key = "dingtalk.refused_status"  // 1 HTTP status, 2 said
	DingTalkRefusedCode                  Key = "dingtalk.refused_code"    // 1 DingTalk's code, 2 said
	DingTalkSaid                         Key = "dingtalk.said"            // 1 DingTalk's own message
)

var dingTalkTexts = texts{
	DingTalkRateLimitedPerMinute: {
		EN: "DingTalk is rate-limiting the bot (too many calls per minute); wait a minute and try again.",
		ZH: "机器人调用钉钉接口过于频繁，已被限流（超过每分钟调用次数上限），请一分钟后重试。",
	},
	DingTalkRateLimitedPerSecond: {
		EN: "DingTalk is rate-limiting the bot (too many calls per second); wait a moment and try again.",
		ZH: "机器人调用钉钉接口过于频繁，已被限流（超过每秒调用次数上限），请稍后重试。",
	},
	DingTalkTokenRejected: {
		EN: "DingTalk rejected the bot's access token even after a fresh one was fetched; check that the DingTalk app is enabled and its credentials are right.",
		ZH: "钉钉拒绝了机器人的 accessToken，重新获取后仍被拒绝。请检查钉钉应用是否已启用、应用凭证是否正确。",
	},
	DingTalkPermissionDenied: {
		EN: "The bot's DingTalk app lacks the permission for this call; an admin must grant it in the DingTalk developer console and publish the app.",
		ZH: "机器人所属的钉钉应用没有调用该接口的权限。请管理员在钉钉开发者后台的“权限管理”中开通该权限，并发布应用。",
	},
	DingTalkPermissionDeniedScopes: {
		EN: "The bot's DingTalk app lacks the permission %[1]s; an admin must grant it in the DingTalk developer console and publish the app.",
		ZH: "机器人所属的钉钉应用缺少权限 %[1]s。请管理员在钉钉开发者后台的“权限管理”中开通，并发布应用。",
	},
	DingTalkNoUserWithMobile: {
		EN: `DingTalk has no user with mobile "%[1]s" in this organisation (people who left cannot be found by mobile).`,
		ZH: "本组织通讯录中没有手机号为“%[1]s”的用户（已离职人员无法通过手机号查到）。",
	},
	DingTalkNoUserWithMobileUnnamed: {
		EN: "DingTalk has no user with mobile number in this organisation (people who left cannot be found by mobile).",
		ZH: "本组织通讯录中没有使用该手机号的用户（已离职人员无法通过手机号查到）。",
	},
	DingTalkInvalidUserID: {
		EN: `DingTalk says "%[1]s" is not a valid user ID.`,
		ZH: "钉钉提示“%[1]s”不是有效的 userId。",
	},
	DingTalkInvalidUserIDUnnamed: {
		EN: "DingTalk says the given ID is not a valid user ID.",
		ZH: "钉钉提示所给的 userId 无效。",
	},
	DingTalkNoUserWithID: {
		EN: `DingTalk has no user with ID "%[1]s" in this organisation.`,
		ZH: "本组织通讯录中没有 userId 为“%[1]s”的用户。",
	},
	DingTalkNoUserWithIDUnnamed: {
		EN: "DingTalk has no user with ID given in this organisation.",
		ZH: "本组织通讯录中没有该 userId 对应的用户。",
	},
	DingTalkEnterpriseAccountOnly: {
		EN: `Only Enterprise Accounts (专属帐号) owned by this organisation can be signed out; "%[1]s" is a personal DingTalk account or belongs to another organisation.`,
		ZH: "只能对归属本组织的专属帐号强制退出登录；“%[1]s”是个人钉钉帐号，或归属其他组织。",
	},
	DingTalkEnterpriseAccountOnlyUnnamed: {
		EN: "Only Enterprise Accounts (专属帐号) owned by this organisation can be signed out; this user is a personal DingTalk account or belongs to another organisation.",
		ZH: "只能对归属本组织的专属帐号强制退出登录；该用户是个人钉钉帐号，或归属其他组织。",
	},
	DingTalkInvalidMobile: {
		EN: `DingTalk says "%[1]s" is not a valid mobile number in this organisation.`,
		ZH: "钉钉提示“%[1]s”不是本组织中有效的手机号。",
	},
	DingTalkInvalidMobileUnnamed: {
		EN: "DingTalk says the mobile number is not a valid mobile number in this organisation.",
		ZH: "钉钉提示该手机号在本组织中无效。",
	},
	DingTalkNotConfirmed: {
		EN: `DingTalk did not confirm the sign-out of "%[1]s" (result=false); check the admin console before trying again.`,
		ZH: "钉钉未确认已将“%[1]s”强制退出登录（result=false）。请先到钉钉管理后台核实，再决定是否重试。",
	},
	DingTalkNotConfirmedUnnamed: {
		EN: "DingTalk did not confirm the sign-out of the user (result=false); check the admin console before trying again.",
		ZH: "钉钉未确认已将该用户强制退出登录（result=false）。请先到钉钉管理后台核实，再决定是否重试。",
	},
	DingTalkNotDisabled: {
		EN: `DingTalk did not confirm that "%[1]s" is disabled (result=false); check the admin console before trying again.`,
		ZH: "钉钉未确认帐号“%[1]s”已停用（result=false）。请先到钉钉管理后台核实，再决定是否重试。",
	},
	DingTalkNotDisabledUnnamed: {
		EN: "DingTalk did not confirm that the account is disabled (result=false); check the admin console before trying again.",
		ZH: "钉钉未确认该帐号已停用（result=false）。请先到钉钉管理后台核实，再决定是否重试。",
	},
	DingTalkNotEnabled: {
		EN: `DingTalk did not confirm that "%[1]s" is enabled again (result=false); check the admin console before trying again.`,
		ZH: "钉钉未确认帐号“%[1]s”已重新启用（result=false）。请先到钉钉管理后台核实，再决定是否重试。",
	},
	DingTalkNotEnabledUnnamed: {
		EN: "DingTalk did not confirm that the account is enabled again (result=false); check the admin console before trying again.",
		ZH: "钉钉未确认该帐号已重新启用（result=false）。请先到钉钉管理后台核实，再决定是否重试。",
	},
	DingTalkAccountEnterpriseOnly: {
		EN: `Only Enterprise Accounts (专属帐号) owned by this organisation can be disabled or enabled; "%[1]s" is a personal DingTalk account or belongs to another organisation.`,
		ZH: "只能停用或启用归属本组织的专属帐号；“%[1]s”是个人钉钉帐号，或归属其他组织。",
	},
	DingTalkAccountEnterpriseOnlyUnnamed: {
		EN: "Only Enterprise Accounts (专属帐号) owned by this organisation can be disabled or enabled; this user is a personal DingTalk account or belongs to another organisation.",
		ZH: "只能停用或启用归属本组织的专属帐号；该用户是个人钉钉帐号，或归属其他组织。",
	},
	DingTalkInvalidParam: {
		EN: "DingTalk rejected the request as invalid%[1]s; check the user ID or mobile number.",
		ZH: "钉钉拒绝了请求：参数无效%[1]s。请检查 userId 或手机号。",
	},
	DingTalkBusy: {
		EN: "DingTalk was busy and did not complete the request; try again in a minute.",
		ZH: "钉钉系统繁忙，未完成请求，请一分钟后重试。",
	},
	DingTalkMonthlyQuota: {
		EN: "The organisation has used up its monthly DingTalk API call quota; calls fail until the quota resets next month or the DingTalk plan is upgraded.",
		ZH: "本组织本月的钉钉接口调用量已用完；在下月额度恢复或升级钉钉版本之前，接口调用都会失败。",
	},
	DingTalkBadCredentials: {
		EN: "DingTalk rejected the bot's Client ID or Client Secret; check dingtalk %[1]s and %[2]s in the bot's configuration.",
		ZH: "钉钉提示机器人的 Client ID 或 Client Secret 无效，请检查机器人配置中的 dingtalk %[1]s 和 %[2]s。",
	},
	DingTalkNoAccessToken: {
		EN: "DingTalk received the request without an access token; this is a bug in the bot.",
		ZH: "钉钉收到的请求没有携带 accessToken，这是机器人程序的 bug。",
	},
	DingTalkNotJSON: {
		EN: "DingTalk answered with something that is not JSON (HTTP %[1]d). DingTalk may have banned this server's IP address for a few minutes after too many calls, or a proxy answered instead; try again in about 5 minutes.",
		ZH: "钉钉返回的不是 JSON（HTTP %[1]d）。可能是本服务器调用过于频繁，IP 被钉钉临时封禁几分钟，也可能是代理服务器代为应答。请约 5 分钟后重试。",
	},
	DingTalkIPBanned: {
		EN: "DingTalk has temporarily banned this server's IP address for making too many calls (about 5 minutes); wait and try again.",
		ZH: "本服务器调用钉钉接口过于频繁，IP 已被钉钉临时封禁（约 5 分钟），请稍后重试。",
	},
	DingTalkBodyTooLarge: {
		EN: "DingTalk's answer was far larger than expected and was not read; try again later.",
		ZH: "钉钉返回的内容远大于预期，已放弃读取，请稍后重试。",
	},
	DingTalkBadResponse: {
		EN: "DingTalk's answer could not be understood (%[1]s).",
		ZH: "无法解析钉钉返回的内容（%[1]s）。",
	},
	DingTalkInvalidStaff: {
		EN: "DingTalk did not deliver the message to these unknown user IDs: %[1]s.",
		ZH: "以下 userId 无效，钉钉未送达消息：%[1]s。",
	},
	DingTalkFlowControlled: {
		EN: "DingTalk held back the message to these users because too many messages were sent to them: %[1]s.",
		ZH: "以下用户收到的消息过多，已被钉钉流控，消息未送达：%[1]s。",
	},
	DingTalkServerError: {
		EN: "DingTalk had an internal problem (HTTP %[1]d); try again in a minute.",
		ZH: "钉钉服务端出现内部错误（HTTP %[1]d），请一分钟后重试。",
	},
	DingTalkRefusedStatus: {
		EN: "DingTalk refused the request (HTTP %[1]d)%[2]s.",
		ZH: "钉钉拒绝了请求，HTTP 状态码 %[1]d%[2]s。",
	},
	DingTalkRefusedCode: {
		EN: "DingTalk refused the request with code %[1]s%[2]s.",
		ZH: "钉钉拒绝了请求，错误码 %[1]s%[2]s。",
	},
	DingTalkSaid: {
		EN: " (DingTalk said: %[1]s)",
		ZH: "（钉钉提示：%[1]s）",
	},
}
