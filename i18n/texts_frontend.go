package i18n

// What the front ends say themselves, around the engine's messages:
// Slack's Block Kit pieces, DingTalk's titles and prompt lines, the
// console's help. Templates may carry their platform's markup (mrkdwn
// *bold* and `code` for Slack, **bold** for DingTalk); arguments are
// escaped by the front end.
const (
	SlackOutsideTeam          Key = "slack.outside_team"
	SlackOutsideEnterprise    Key = "slack.outside_enterprise"
	SlackSelfTarget           Key = "slack.self_target"
	SlackNoUserOrChannel      Key = "slack.no_user_or_channel"
	SlackEdited               Key = "slack.edited"
	SlackSeveralActions       Key = "slack.several_actions"
	SlackNoClicker            Key = "slack.no_clicker"
	SlackForeignButton        Key = "slack.foreign_button"
	SlackUnreadableClick      Key = "slack.unreadable_click"
	SlackOtherCommand         Key = "slack.other_command" // served command, given command
	SlackDryRun               Key = "slack.dry_run"
	SlackQuestion             Key = "slack.question" // target
	SlackFieldUser            Key = "slack.field.user"
	SlackFieldTitle           Key = "slack.field.title"
	SlackFieldVia             Key = "slack.field.via"
	SlackFieldReason          Key = "slack.field.reason"
	SlackFieldExpires         Key = "slack.field.expires"
	SlackFieldRequest         Key = "slack.field.request"
	SlackFieldRequestedBy     Key = "slack.field.requested_by"
	SlackButtonSignOut        Key = "slack.button.sign_out"
	SlackButtonCancel         Key = "slack.button.cancel"
	SlackOnlyYou              Key = "slack.only_you"        // code
	SlackPromptFallback       Key = "slack.prompt_fallback" // target, reason, expires, request
	SlackNotAudited           Key = "slack.not_audited"
	SlackButtonDisable        Key = "slack.button.disable"
	SlackButtonApproveDisable Key = "slack.button.approve_disable"
	DingTalkApproveDisable    Key = "dingtalk.approve_disable" // approve-and-disable text
	SlackButtonEnable         Key = "slack.button.enable"
	SlackEnableQuestion       Key = "slack.enable_question"    // target
	SlackDisableHint          Key = "slack.disable_hint"       // code
	DingTalkEnableQuestion    Key = "dingtalk.enable_question" // target
	DingTalkDisableHint       Key = "dingtalk.disable_hint"    // confirm-and-disable text
	DingTalkTitleEnable       Key = "dingtalk.title.enable"
	DingTalkDisableWord       Key = "dingtalk.word.disable"
	SlackApprovalQuestion     Key = "slack.approval.question" // target; after the requester's mention
	SlackFieldRequester       Key = "slack.field.requester"
	SlackButtonApprove        Key = "slack.button.approve"
	SlackButtonDeny           Key = "slack.button.deny"
	SlackApprovalHow          Key = "slack.approval.how"      // requester, code
	SlackApprovalFallback     Key = "slack.approval.fallback" // requester, target, reason, expires, request
	SlackApprovedBy           Key = "slack.approved_by"       // before the approver's mention

	DingTalkTitleApproval Key = "dingtalk.title.approval"
	DingTalkApprovalAsk   Key = "dingtalk.approval.ask" // requester, target
	DingTalkApprovalHow   Key = "dingtalk.approval.how" // approve text, deny text
	DingTalkApproveWord   Key = "dingtalk.word.approve"
	DingTalkDenyWord      Key = "dingtalk.word.deny"

	DingTalkNonText        Key = "dingtalk.non_text"
	DingTalkRepeatedSelf   Key = "dingtalk.repeated_self"
	DingTalkTitleHelp      Key = "dingtalk.title.help"
	DingTalkTitleRefused   Key = "dingtalk.title.refused"
	DingTalkTitleProblem   Key = "dingtalk.title.problem"
	DingTalkTitleProgress  Key = "dingtalk.title.progress"
	DingTalkTitleClosed    Key = "dingtalk.title.closed"
	DingTalkTitleBot       Key = "dingtalk.title.bot"
	DingTalkTitleDryRun    Key = "dingtalk.title.dry_run"
	DingTalkTitleSignedOut Key = "dingtalk.title.signed_out"
	DingTalkTitleFailed    Key = "dingtalk.title.failed"
	DingTalkTitleConfirm   Key = "dingtalk.title.confirm"
	DingTalkButtonConfirm  Key = "dingtalk.button.confirm"
	DingTalkButtonCancel   Key = "dingtalk.button.cancel"
	DingTalkConfirmWord    Key = "dingtalk.word.confirm" // the typed word: confirm, 确认
	DingTalkCancelWord     Key = "dingtalk.word.cancel"  // cancel, 取消
	DingTalkDryRun         Key = "dingtalk.dry_run"
	DingTalkQuestion       Key = "dingtalk.question" // target
	DingTalkTitleLine      Key = "dingtalk.title_line"
	DingTalkViaLine        Key = "dingtalk.via_line"
	DingTalkWarningLine    Key = "dingtalk.warning_line"
	DingTalkReasonLine     Key = "dingtalk.reason_line"
	DingTalkExpiresLine    Key = "dingtalk.expires_line"  // when, request
	DingTalkTapOrType      Key = "dingtalk.tap_or_type"   // confirm text, cancel text
	DingTalkSendInGroup    Key = "dingtalk.send_in_group" // confirm text, cancel text (with @robot)
	DingTalkMentionAndSend Key = "dingtalk.mention_and_send"
	DingTalkOrDirect       Key = "dingtalk.or_direct"   // confirm text
	DingTalkEnglishToo     Key = "dingtalk.english_too" // confirm text, cancel text in English

	ConsoleHelp      Key = "console.help"
	ConsoleTooLong   Key = "console.too_long" // bytes
	ConsoleEndHint   Key = "console.end_hint"
	ConsoleUsageHint Key = "console.usage_hint"
	ConsoleDryRun    Key = "console.dry_run"
	ConsoleLive      Key = "console.live"
	ConsoleNoCreds   Key = "console.no_creds"
	ConsoleAuditLog  Key = "console.audit_log" // path
	ConsoleStart     Key = "console.start"
)

var frontEndTexts = texts{
	SlackOutsideTeam:          {EN: "This bot serves only its own Slack workspace, so nothing was done.", ZH: "此机器人只服务于自己的 Slack 工作区，未执行任何操作。"},
	SlackOutsideEnterprise:    {EN: "This bot serves only its own Slack organization, so nothing was done.", ZH: "此机器人只服务于自己的 Slack 组织，未执行任何操作。"},
	SlackSelfTarget:           {EN: "That is me, the bot: I can't sign out myself. Give the DingTalk userId or mobile number of the person to sign out.", ZH: "这是机器人自己，无法强制自己退出。请给出要强制退出的人员的钉钉 userId 或手机号。"},
	SlackNoUserOrChannel:      {EN: "This command arrived without a user or channel, so nothing was done.", ZH: "这条命令没有带用户或频道信息，未执行任何操作。"},
	SlackEdited:               {EN: "Edited messages are not run again; send the command as a new message.", ZH: "编辑过的消息不会再次执行；请作为新消息重新发送命令。"},
	SlackSeveralActions:       {EN: "That click carried several actions, so nothing was done. Press one button.", ZH: "这次点击包含多个操作，未执行任何操作。请只点一个按钮。"},
	SlackNoClicker:            {EN: "Could not tell who clicked, so nothing was done.", ZH: "无法识别点击者，未执行任何操作。"},
	SlackForeignButton:        {EN: "That button does not belong to a request this bot made, so nothing was done. Run /signout again.", ZH: "这个按钮不属于本机器人发起的请求，未执行任何操作。请重新发送 /signout。"},
	SlackUnreadableClick:      {EN: "That button click could not be read, so nothing was done. Run /signout again.", ZH: "无法读取这次点击，未执行任何操作。请重新发送 /signout。"},
	SlackOtherCommand:         {EN: "This app only serves %[1]s; %[2]s was ignored.", ZH: "此应用只处理 %[1]s，已忽略 %[2]s。"},
	SlackDryRun:               {EN: ":test_tube: Dry run: nothing will be sent to DingTalk.", ZH: ":test_tube: 演练模式：不会向钉钉发送任何请求。"},
	SlackQuestion:             {EN: "*Sign out %[1]s from DingTalk on every device?*", ZH: "*确定要将 %[1]s 在所有设备上强制退出钉钉登录吗？*"},
	SlackFieldUser:            {EN: "User", ZH: "用户"},
	SlackFieldTitle:           {EN: "Title", ZH: "职位"},
	SlackFieldVia:             {EN: "Found by", ZH: "查找方式"},
	SlackFieldReason:          {EN: "Reason", ZH: "原因"},
	SlackFieldExpires:         {EN: "Expires", ZH: "过期时间"},
	SlackFieldRequest:         {EN: "Request", ZH: "请求编号"},
	SlackFieldRequestedBy:     {EN: "Requested by", ZH: "发起人"},
	SlackButtonSignOut:        {EN: "Sign out", ZH: "强制退出"},
	SlackButtonCancel:         {EN: "Cancel", ZH: "取消"},
	SlackOnlyYou:              {EN: "Only you can see this. You can also type `/signout confirm %[1]s` or `/signout cancel %[1]s`.", ZH: "仅你可见。也可以输入 `/signout 确认 %[1]s` 或 `/signout 取消 %[1]s`。"},
	SlackPromptFallback:       {EN: "Confirm: sign out %[1]s from DingTalk? Reason: %[2]s. Expires %[3]s. Request %[4]s.", ZH: "请确认：将 %[1]s 强制退出钉钉登录？原因：%[2]s。%[3]s过期。请求编号 %[4]s。"},
	SlackNotAudited:           {EN: ":warning: This outcome could not be written to the audit log.", ZH: ":warning: 此结果未能写入审计日志。"},
	SlackButtonDisable:        {EN: "Sign out and disable", ZH: "强制退出并停用"},
	SlackButtonApproveDisable: {EN: "Approve, sign out and disable", ZH: "批准并停用账号"},
	DingTalkApproveDisable:    {EN: "To approve and also disable the account, send **%[1]s**.", ZH: "如需批准并停用账号，请发送 **%[1]s**。"},
	SlackButtonEnable:         {EN: "Enable", ZH: "启用"},
	SlackEnableQuestion:       {EN: "*Enable %[1]s in DingTalk again?*", ZH: "*确定要在钉钉中重新启用 %[1]s 吗？*"},
	SlackDisableHint:          {EN: "*Sign out and disable* also disables the account, so stolen credentials can't sign back in (`/signout confirm %[1]s disable`).", ZH: "*强制退出并停用* 会同时停用账号，被盗的凭据无法再次登录（`/signout 确认 %[1]s 停用`）。"},
	DingTalkEnableQuestion:    {EN: "**Enable %[1]s in DingTalk again?**", ZH: "**确定要在钉钉中重新启用 %[1]s 吗？**"},
	DingTalkDisableHint:       {EN: "To sign out and also disable the account (stolen credentials can't sign back in), send **%[1]s**.", ZH: "如需强制退出并停用账号（被盗的凭据无法再次登录），请发送 **%[1]s**。"},
	DingTalkTitleEnable:       {EN: "Confirm enabling", ZH: "确认启用"},
	DingTalkDisableWord:       {EN: "disable", ZH: "停用"},
	SlackApprovalQuestion:     {EN: "*asks to sign out %[1]s from DingTalk on every device. A second person must approve.*", ZH: "*请求将 %[1]s 在所有设备上强制退出钉钉登录，需要第二人批准。*"},
	SlackFieldRequester:       {EN: "Asked by", ZH: "发起人"},
	SlackButtonApprove:        {EN: "Approve", ZH: "批准"},
	SlackButtonDeny:           {EN: "Deny", ZH: "拒绝"},
	SlackApprovalHow:          {EN: "Anyone allowed to sign people out, except %[1]s and the person named, can approve. You can also type `/signout approve %[2]s` or `/signout deny %[2]s`.", ZH: "除 %[1]s 和被强制退出的人外，任何有权限的人都可以批准。也可以输入 `/signout 批准 %[2]s` 或 `/signout 拒绝 %[2]s`。"},
	SlackApprovalFallback:     {EN: "%[1]s asks to sign out %[2]s from DingTalk; a second person must approve. Reason: %[3]s. Expires %[4]s. Request %[5]s.", ZH: "%[1]s 请求将 %[2]s 强制退出钉钉登录，需要第二人批准。原因：%[3]s。%[4]s过期。请求编号 %[5]s。"},
	SlackApprovedBy:           {EN: "Approved by", ZH: "批准人："},

	DingTalkTitleApproval: {EN: "Sign-out needs approval", ZH: "强制退出待批准"},
	DingTalkApprovalAsk:   {EN: "**%[1]s asks to sign out %[2]s from DingTalk on every device. A second admin must approve.**", ZH: "**%[1]s 请求将 %[2]s 在所有设备上强制退出钉钉登录，需要另一位管理员批准。**"},
	DingTalkApprovalHow:   {EN: "Another allowed admin (not the requester, not the person named) sends **%[1]s** to approve, or **%[2]s** to deny; the requester can withdraw it with **%[2]s**.", ZH: "请另一位有权限的管理员（发起人和被强制退出的人除外）发送 **%[1]s** 批准，或发送 **%[2]s** 拒绝；发起人可发送 **%[2]s** 撤回。"},
	DingTalkApproveWord:   {EN: "approve", ZH: "批准"},
	DingTalkDenyWord:      {EN: "deny", ZH: "拒绝"},

	DingTalkNonText:        {EN: "I only read text messages. Send a command as plain text, e.g. /signout alice lost phone, or help.", ZH: "我只能读取文本消息。请用纯文本发送命令，例如 /signout alice 手机丢失，或发送“帮助”。"},
	DingTalkRepeatedSelf:   {EN: "You @mentioned me more than once, so I can't tell what is the person to sign out, and I can't sign out myself. Mention me once, at the start, then name the person by userId, mobile number or one @mention.", ZH: "你 @ 了我不止一次，我无法判断要强制退出的是谁，也不能强制自己退出。请只在开头 @ 我一次，再用 userId、手机号或一个 @ 指定人员。"},
	DingTalkTitleHelp:      {EN: "signout-bot help", ZH: "signout-bot 帮助"},
	DingTalkTitleRefused:   {EN: "Sign-out refused", ZH: "强制退出被拒绝"},
	DingTalkTitleProblem:   {EN: "Sign-out problem", ZH: "强制退出出错"},
	DingTalkTitleProgress:  {EN: "Signing out", ZH: "正在强制退出"},
	DingTalkTitleClosed:    {EN: "Sign-out request closed", ZH: "强制退出请求已关闭"},
	DingTalkTitleBot:       {EN: "signout-bot", ZH: "signout-bot"},
	DingTalkTitleDryRun:    {EN: "Dry run: sign-out not sent", ZH: "演练：未发送强制退出"},
	DingTalkTitleSignedOut: {EN: "Signed out", ZH: "已强制退出"},
	DingTalkTitleFailed:    {EN: "Sign-out failed", ZH: "强制退出失败"},
	DingTalkTitleConfirm:   {EN: "Confirm sign-out", ZH: "确认强制退出"},
	DingTalkButtonConfirm:  {EN: "Confirm sign-out", ZH: "确认强制退出"},
	DingTalkButtonCancel:   {EN: "Cancel", ZH: "取消"},
	DingTalkConfirmWord:    {EN: "confirm", ZH: "确认"},
	DingTalkCancelWord:     {EN: "cancel", ZH: "取消"},
	DingTalkDryRun:         {EN: "**Dry run:** nothing will be sent to DingTalk.", ZH: "**演练模式：**不会向钉钉发送任何请求。"},
	DingTalkQuestion:       {EN: "**Sign out %[1]s from DingTalk on every device?**", ZH: "**确定要将 %[1]s 在所有设备上强制退出钉钉登录吗？**"},
	DingTalkTitleLine:      {EN: "Title: %[1]s", ZH: "职位：%[1]s"},
	DingTalkViaLine:        {EN: "Found by: %[1]s", ZH: "查找方式：%[1]s"},
	DingTalkWarningLine:    {EN: "⚠️ %[1]s", ZH: "⚠️ %[1]s"},
	DingTalkReasonLine:     {EN: "Reason: %[1]s", ZH: "原因：%[1]s"},
	DingTalkExpiresLine:    {EN: "Expires %[1]s, request %[2]s", ZH: "%[1]s过期，请求编号 %[2]s"},
	DingTalkTapOrType:      {EN: "Tap **Confirm sign-out** or **Cancel** below, or type **%[1]s** or **%[2]s**.", ZH: "点击下方的 **确认强制退出** 或 **取消**，或输入 **%[1]s** 或 **%[2]s**。"},
	DingTalkSendInGroup:    {EN: "To go ahead, send **%[1]s**; to stop, send **%[2]s**.", ZH: "继续请发送 **%[1]s**；取消请发送 **%[2]s**。"},
	DingTalkMentionAndSend: {EN: "To go ahead, @mention me and send **%[1]s**; to stop, send **%[2]s**.", ZH: "继续请 @我 并发送 **%[1]s**；取消请发送 **%[2]s**。"},
	DingTalkOrDirect:       {EN: "Or send **%[1]s** to me in a direct chat.", ZH: "也可以在与我的单聊中发送 **%[1]s**。"},
	DingTalkEnglishToo:     {EN: "The English words work too: %[1]s, %[2]s.", ZH: "英文命令同样有效：%[1]s、%[2]s。"},

	ConsoleHelp: {EN: `/signout <user> <reason>   ask to sign <user> (a DingTalk userId or mobile number) out of every device
confirm CODE               go ahead with the request that showed CODE
cancel CODE                drop it
help, ?                    this text
Up/Down recall earlier lines; Ctrl-D ends the console.`, ZH: `/signout <用户> <原因>     请求将 <用户>（钉钉 userId 或手机号）从所有设备上强制退出
确认 CODE                 执行确认码为 CODE 的请求（也可用 confirm CODE）
取消 CODE                 放弃该请求（也可用 cancel CODE）
帮助、?                   显示本说明
上/下方向键调出之前的输入；Ctrl-D 结束控制台。`},
	ConsoleTooLong:   {EN: "! That line is longer than %[1]d bytes; it was ignored.", ZH: "! 这一行超过 %[1]d 字节，已忽略。"},
	ConsoleEndHint:   {EN: "- End the console with Ctrl-D.", ZH: "- 按 Ctrl-D 结束控制台。"},
	ConsoleUsageHint: {EN: "(type help for the usage)", ZH: "（输入“帮助”查看用法）"},
	ConsoleDryRun:    {EN: "signout-bot console, DRY RUN: nothing is sent to DingTalk.", ZH: "signout-bot 控制台，演练模式：不会向钉钉发送任何请求。"},
	ConsoleLive:      {EN: "!!! signout-bot console, LIVE: a confirmed sign-out really signs the person out of DingTalk. !!!", ZH: "!!! signout-bot 控制台，正式模式：确认后会真的将此人强制退出钉钉。 !!!"},
	ConsoleNoCreds:   {EN: "No DingTalk credentials: name people by userId.", ZH: "未配置钉钉凭据：请用 userId 指定人员。"},
	ConsoleAuditLog:  {EN: "Audit log: %[1]s", ZH: "审计日志：%[1]s"},
	ConsoleStart:     {EN: "Type /signout <user> <reason>, or help. End with Ctrl-D.", ZH: "输入 /signout <用户> <原因>，或输入“帮助”。按 Ctrl-D 结束。"},
}
