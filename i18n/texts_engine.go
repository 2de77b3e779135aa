package i18n

// What the engine says: refusals, errors, progress, results. Arguments
// marked "request" are request ids, "code" confirmation codes, "who" a
// platform user id, "target" a target label (name and userId).
const (
	Restarting       Key = "restarting"
	Busy             Key = "busy"
	TooMany          Key = "too_many"
	StoreUnreachable Key = "store_unreachable"
	AuditFailed      Key = "audit_failed"

	NotAllowed      Key = "not_allowed"       // reason
	NoLongerAllowed Key = "no_longer_allowed" // reason
	Refused         Key = "refused"           // reason
	ReasonNoSender  Key = "reason.no_sender"
	ReasonNotListed Key = "reason.not_listed" // platform, who
	ReasonProtected Key = "reason.protected"  // userId

	NoDirectory        Key = "resolve.no_directory"   // mobile
	NoSuchMobile       Key = "resolve.no_such_mobile" // mobile
	MobileLookupFailed Key = "resolve.mobile_failed"  // mobile, why
	ViaMobile          Key = "via.mobile"             // mobile
	ViaMention         Key = "via.mention"            // @name

	MentionNotDingTalk Key = "mention.not_dingtalk" // @name
	MentionIsBot       Key = "mention.is_bot"       // @name
	MentionTyped       Key = "mention.typed"        // @name
	MentionAmbiguous   Key = "mention.ambiguous"    // @name
	MentionOutsider    Key = "mention.outsider"     // @name

	MismatchTyped      Key = "mismatch.typed"     // typed, DingTalk's id
	MismatchVia        Key = "mismatch.via"       // asked, DingTalk's id, found by
	MismatchProtected  Key = "mismatch.protected" // DingTalk's id
	MismatchCheck      Key = "mismatch.check"
	AmbiguousHead      Key = "ambiguous.head"      // mobile, count
	AmbiguousItem      Key = "ambiguous.item"      // target
	AmbiguousProtected Key = "ambiguous.protected" // target
	AmbiguousMore      Key = "ambiguous.more"      // count
	AmbiguousTail      Key = "ambiguous.tail"

	WarnUnknownUserID  Key = "warn.unknown_userid"
	WarnNotEnterprise  Key = "warn.not_enterprise"
	WarnDuplicate      Key = "warn.duplicate" // request, who, platform
	OnlyInvoker        Key = "only_invoker"   // who, request
	OtherConversation  Key = "other_conversation"
	AlreadyConfirmed   Key = "already_confirmed" // request
	WasCancelled       Key = "was_cancelled"     // request
	WasAborted         Key = "was_aborted"       // request
	HasExpired         Key = "has_expired"       // request
	CancelledNow       Key = "cancelled_now"     // request
	SigningOut         Key = "signing_out"       // target
	ExpiredNotice      Key = "expired_notice"    // request, target, why
	WhyTimeLimit       Key = "why.time_limit"
	WhyStopped         Key = "why.stopped"
	UnknownCode        Key = "unknown_code"      // code
	UnknownCodeOwn     Key = "unknown_code.own"  // code, own code
	UnknownCodeOwnMany Key = "unknown_code.many" // code, count, own codes

	NoAnswer       Key = "call.no_answer"
	CallCancelled  Key = "call.cancelled"
	GaveUp         Key = "call.gave_up"
	OutcomeUnknown Key = "call.outcome_unknown"

	ResultDryRun      Key = "result.dry_run"      // target
	ResultOK          Key = "result.ok"           // target
	ResultFailed      Key = "result.failed"       // target, problem
	ResultCode        Key = "result.code"         // code
	ResultCodeRequest Key = "result.code_request" // code, requestid
	ResultReason      Key = "result.reason"       // reason
	ResultBy          Key = "result.by"           // who, request
	ResultNotAudited  Key = "result.not_audited"
	NoReason          Key = "no_reason"

	TwoPersonNeedsGroup Key = "two_person.needs_group"
	TwoPersonConsole    Key = "two_person.console"
	TwoPersonNotConfirm Key = "two_person.not_confirm" // request
	NoApprovalNeeded    Key = "two_person.no_approval" // request
	ApproveOwn          Key = "two_person.approve_own" // request
	ApproveAsTarget     Key = "two_person.approve_as_target"
	ApproveNotAllowed   Key = "two_person.approve_not_allowed"   // reason
	RequesterNotAllowed Key = "two_person.requester_not_allowed" // requester, reason
	ApprovedSigningOut  Key = "two_person.approved_signing_out"  // approver, target
	Rejected            Key = "two_person.rejected"              // request, who
	Withdrawn           Key = "two_person.withdrawn"             // request
	WasRejected         Key = "two_person.was_rejected"          // request
	ResultApprovedBy    Key = "result.approved_by"               // approver

	LookBackNotAllowed Key = "lookback.not_allowed" // reason
	StatusLine         Key = "status.line"          // request, who, platform, when, target, reason
	StatusState        Key = "status.state"         // state words
	StatusApprover     Key = "status.approver"      // approver
	StatusOutcome      Key = "status.outcome"       // outcome words
	StatusExpires      Key = "status.expires"       // when
	StatusUnknown      Key = "status.unknown"       // request
	HistoryHead        Key = "history.head"         // count
	HistoryEmpty       Key = "history.empty"
	HistoryItem        Key = "history.item" // when, request, who, target, state
	StatePending       Key = "state.pending"
	StateAwaiting      Key = "state.awaiting"
	StateConfirmed     Key = "state.confirmed"
	StateApproved      Key = "state.approved"
	StateCancelled     Key = "state.cancelled"
	StateExpired       Key = "state.expired"
	StateAborted       Key = "state.aborted"
	StateRejected      Key = "state.rejected"
	OutcomeSucceeded   Key = "outcome.succeeded"
	OutcomeFailed      Key = "outcome.failed" // code
	OutcomeDryRun      Key = "outcome.dry_run"
	OutcomeRunning     Key = "outcome.running"

	AccountActive      Key = "account.active"
	AccountDisabled    Key = "account.disabled"
	AccountUnknown     Key = "account.unknown"        // why
	ResultDisabled     Key = "result.disabled"        // target
	ResultDisableFail  Key = "result.disable_failed"  // target, problem
	ResultEnabled      Key = "result.enabled"         // target
	ResultEnableFail   Key = "result.enable_failed"   // target, problem
	ResultDryDisable   Key = "result.dry_run_disable" // target
	ResultDryEnable    Key = "result.dry_run_enable"  // target
	EnablingNow        Key = "enabling"               // target
	PromptEnable       Key = "prompt.enable"          // target
	PromptTypedDisable Key = "prompt.typed_disable"   // code

	PromptDryRun   Key = "prompt.dry_run"
	PromptQuestion Key = "prompt.question" // target
	PromptTitle    Key = "prompt.title"    // title
	PromptVia      Key = "prompt.via"      // found by
	PromptNote     Key = "prompt.note"     // warning
	PromptReason   Key = "prompt.reason"   // reason
	PromptTyped    Key = "prompt.typed"    // code
	PromptExpires  Key = "prompt.expires"  // when, request
)

var engineTexts = texts{
	Restarting:       {EN: "signout-bot is restarting; try again in a minute.", ZH: "signout-bot 正在重启，请一分钟后再试。"},
	Busy:             {EN: "signout-bot is busy; try again in a moment. Nothing was done.", ZH: "signout-bot 正忙，请稍后再试。未执行任何操作。"},
	TooMany:          {EN: "Too many refused commands or wrong codes from you; wait a minute before trying again.", ZH: "你被拒绝的命令或输错的确认码太多，请一分钟后再试。"},
	StoreUnreachable: {EN: "signout-bot: the state store is unreachable; nothing was done. Try again in a minute.", ZH: "signout-bot：状态存储无法连接，未执行任何操作。请一分钟后再试。"},
	AuditFailed:      {EN: "Nothing was done: the audit log could not be written. Tell the bot's operators; try again once it is fixed.", ZH: "未执行任何操作：审计日志无法写入。请联系机器人的运维人员，修复后再试。"},

	NotAllowed:      {EN: "You may not sign people out: %[1]s. Ask the security team to add you.", ZH: "你无权强制他人退出登录：%[1]s。如需权限，请联系安全团队。"},
	NoLongerAllowed: {EN: "You may no longer sign people out: %[1]s.", ZH: "你已无权强制他人退出登录：%[1]s。"},
	Refused:         {EN: "Refused: %[1]s.", ZH: "已拒绝：%[1]s。"},
	ReasonNoSender:  {EN: "the sender could not be identified", ZH: "无法识别发送者"},
	ReasonNotListed: {EN: "%[1]s user %[2]s is not on the allow-list for sign-outs", ZH: "%[1]s 用户 %[2]s 不在可执行强制退出的名单中"},
	ReasonProtected: {EN: "%[1]s is a protected account and can never be signed out by the bot", ZH: "%[1]s 是受保护账号，机器人不会强制其退出"},

	NoDirectory:        {EN: "Can't look up mobile %[1]s: no DingTalk credentials are configured (dry run). Give the DingTalk userId instead.", ZH: "无法查询手机号 %[1]s：未配置钉钉凭据（演练模式）。请改用钉钉 userId。"},
	NoSuchMobile:       {EN: "DingTalk has no user with mobile %[1]s. Check the number, or give the userId.", ZH: "钉钉中没有手机号为 %[1]s 的用户。请核对号码，或改用 userId。"},
	MobileLookupFailed: {EN: "Could not look up mobile %[1]s in DingTalk: %[2]s Nothing was done.", ZH: "无法在钉钉中查询手机号 %[1]s：%[2]s未执行任何操作。"},
	ViaMobile:          {EN: "mobile %[1]s", ZH: "手机号 %[1]s"},
	ViaMention:         {EN: "mention %[1]s", ZH: "%[1]s"},

	MentionNotDingTalk: {EN: "%[1]s: @mentions name a person only in DingTalk. Give the DingTalk userId or mobile number.", ZH: "%[1]s：只有在钉钉里才能用 @ 指定人员。请改用钉钉 userId 或手机号。"},
	MentionIsBot:       {EN: "%[1]s is me, the bot: I can't sign out myself. Give the userId or mobile number of the person to sign out.", ZH: "%[1]s 是机器人自己，无法强制自己退出。请给出要强制退出的人员的 userId 或手机号。"},
	MentionTyped:       {EN: "%[1]s is not a person picked from the @ list. Pick them from the @ list (not typed text), or give their userId.", ZH: "%[1]s 不是从 @ 列表中选出的人员。请从 @ 列表中选择（不要手动输入），或改用 userId。"},
	MentionAmbiguous:   {EN: "%[1]s is not a person picked from the @ list, or other people are @mentioned too. Mention only the person to sign out (pick them from the @ list), write others without @, or give the userId.", ZH: "%[1]s 不是从 @ 列表中选出的人员，或消息中还 @ 了其他人。请只 @ 要强制退出的人员（从 @ 列表中选择），其他人不要加 @，或改用 userId。"},
	MentionOutsider:    {EN: "DingTalk gave no userId for %[1]s: they are not in your organisation's directory. Give their userId.", ZH: "钉钉没有提供 %[1]s 的 userId：此人不在本组织通讯录中。请改用 userId。"},

	MismatchTyped:      {EN: "You typed %[1]s but DingTalk knows this account as %[2]s; nothing was done.", ZH: "你输入的是 %[1]s，但钉钉中该账号为 %[2]s；未执行任何操作。"},
	MismatchVia:        {EN: "DingTalk named %[1]s (found by %[3]s) but knows this account as %[2]s; nothing was done.", ZH: "钉钉返回的是 %[1]s（查找方式：%[3]s），但该账号在钉钉中为 %[2]s；未执行任何操作。"},
	MismatchProtected:  {EN: "%[1]s is a protected account and can never be signed out by the bot.", ZH: "%[1]s 是受保护账号，机器人不会强制其退出。"},
	MismatchCheck:      {EN: "Check and send the exact userId.", ZH: "请核对后发送准确的 userId。"},
	AmbiguousHead:      {EN: "Mobile %[1]s belongs to %[2]d DingTalk Enterprise Accounts:", ZH: "手机号 %[1]s 对应 %[2]d 个钉钉专属帐号："},
	AmbiguousItem:      {EN: "- %[1]s", ZH: "- %[1]s"},
	AmbiguousProtected: {EN: "- %[1]s (protected)", ZH: "- %[1]s（受保护）"},
	AmbiguousMore:      {EN: "- and %[1]d more", ZH: "- 另有 %[1]d 个"},
	AmbiguousTail:      {EN: "Nothing was done. Send /signout again with the userId of the account you mean.", ZH: "未执行任何操作。请用目标账号的 userId 重新发送 /signout。"},

	WarnUnknownUserID:  {EN: "DingTalk does not know this userId; the sign-out will likely fail.", ZH: "钉钉中没有这个 userId，强制退出很可能会失败。"},
	WarnNotEnterprise:  {EN: "DingTalk says this is not an Enterprise Account; it may refuse the sign-out.", ZH: "钉钉显示这不是专属帐号，可能会拒绝强制退出。"},
	WarnDuplicate:      {EN: "Request %[1]s (asked by %[2]s on %[3]s) is already waiting for confirmation for this account; confirm only one of them.", ZH: "该账号已有请求 %[1]s（由 %[2]s 在 %[3]s 发起）在等待确认，请只确认其中一个。"},
	OnlyInvoker:        {EN: "Only %[1]s, who asked for request %[2]s, can confirm or cancel it.", ZH: "只有请求 %[2]s 的发起人 %[1]s 才能确认或取消。"},
	OtherConversation:  {EN: "Request %[1]s belongs to another conversation: confirm it there, or in a direct chat with the bot.", ZH: "请求 %[1]s 属于另一个会话：请在原会话中确认，或在与机器人的单聊中确认。"},
	AlreadyConfirmed:   {EN: "Request %[1]s was already confirmed; it runs only once.", ZH: "请求 %[1]s 已确认过，只会执行一次。"},
	WasCancelled:       {EN: "Request %[1]s was cancelled; nothing was done. Run /signout again if needed.", ZH: "请求 %[1]s 已取消，未执行任何操作。如有需要，请重新发送 /signout。"},
	WasAborted:         {EN: "Request %[1]s was stopped before it ran (the audit log or the state store failed); nothing was done. Run /signout again.", ZH: "请求 %[1]s 在执行前已中止（审计日志或状态存储出错），未执行任何操作。请重新发送 /signout。"},
	HasExpired:         {EN: "Request %[1]s has expired; nothing was done. Run /signout again.", ZH: "请求 %[1]s 已过期，未执行任何操作。请重新发送 /signout。"},
	CancelledNow:       {EN: "Cancelled request %[1]s; nothing was done.", ZH: "已取消请求 %[1]s，未执行任何操作。"},
	SigningOut:         {EN: "Signing out %[1]s…", ZH: "正在将 %[1]s 强制退出登录…"},
	ExpiredNotice:      {EN: "Request %[1]s to sign out %[2]s expired (%[3]s); nothing was done.", ZH: "将 %[2]s 强制退出登录的请求 %[1]s 已过期（%[3]s），未执行任何操作。"},
	WhyTimeLimit:       {EN: "no confirmation within the time limit", ZH: "未在时限内确认"},
	WhyStopped:         {EN: "the bot stopped before it was confirmed", ZH: "确认前机器人已停止"},
	UnknownCode:        {EN: "No pending request has code %[1]s. It may have expired, or the bot restarted since; run /signout again.", ZH: "没有确认码为 %[1]s 的待确认请求。该请求可能已过期，或机器人已重启；请重新发送 /signout。"},
	UnknownCodeOwn:     {EN: "No pending request has code %[1]s; you have one pending: %[2]s.", ZH: "没有确认码为 %[1]s 的待确认请求；你有一个待确认的请求：%[2]s。"},
	UnknownCodeOwnMany: {EN: "No pending request has code %[1]s; you have %[2]d pending: %[3]s.", ZH: "没有确认码为 %[1]s 的待确认请求；你有 %[2]d 个待确认的请求：%[3]s。"},

	NoAnswer:       {EN: "DingTalk did not answer (network error or timeout).", ZH: "钉钉没有响应（网络错误或超时）。"},
	CallCancelled:  {EN: "The request was cancelled.", ZH: "请求已取消。"},
	GaveUp:         {EN: "The bot was stopping and DingTalk had not answered in time.", ZH: "机器人正在停止，钉钉未能及时响应。"},
	OutcomeUnknown: {EN: "It is not known whether the sign-out took effect, so run /signout again.", ZH: "无法确定强制退出是否已生效，请重新发送 /signout。"},

	ResultDryRun:      {EN: "Dry run: would have signed out %[1]s (nothing was sent to DingTalk).", ZH: "演练：本应将 %[1]s 强制退出登录（未向钉钉发送任何请求）。"},
	ResultOK:          {EN: "✅ Signed out %[1]s from DingTalk on every device.", ZH: "✅ 已将 %[1]s 在所有设备上强制退出钉钉登录。"},
	ResultFailed:      {EN: "❌ Could not sign out %[1]s: %[2]s", ZH: "❌ 未能将 %[1]s 强制退出登录：%[2]s"},
	ResultCode:        {EN: "(DingTalk code %[1]s)", ZH: "（钉钉错误码 %[1]s）"},
	ResultCodeRequest: {EN: "(DingTalk code %[1]s, requestid %[2]s)", ZH: "（钉钉错误码 %[1]s，requestid %[2]s）"},
	ResultReason:      {EN: "Reason: %[1]s", ZH: "原因：%[1]s"},
	ResultBy:          {EN: "Requested by %[1]s. Request %[2]s", ZH: "发起人：%[1]s。请求编号 %[2]s"},
	ResultNotAudited:  {EN: "Warning: this outcome could not be written to the audit log.", ZH: "警告：此结果未能写入审计日志。"},
	NoReason:          {EN: "(none given)", ZH: "（未填写）"},

	TwoPersonNeedsGroup: {EN: "Sign-outs need the approval of a second person here (approval.two_person), and a direct chat has nobody else to approve. Run the command in a group or channel where another allowed admin can approve it.", ZH: "此处的强制退出需要第二人批准（approval.two_person），单聊中没有其他人可以批准。请在另一位有权限的管理员也在的群或频道中发送命令。"},
	TwoPersonConsole:    {EN: "Sign-outs need the approval of a second person (approval.two_person), and the console has one person: it takes two-person requests only with dry_run on.", ZH: "强制退出需要第二人批准（approval.two_person），而控制台只有一个人：只有开启 dry_run 时才能在控制台发起。"},
	TwoPersonNotConfirm: {EN: "Request %[1]s needs the approval of a second allowed person: they send approve CODE (or tap Approve). You can withdraw it with deny CODE.", ZH: "请求 %[1]s 需要另一位有权限的人批准：由对方发送“批准 CODE”（或点击“批准”）。你可以发送“拒绝 CODE”撤回请求。"},
	NoApprovalNeeded:    {EN: "Request %[1]s needs no approval: the person who asked for it confirms it.", ZH: "请求 %[1]s 无需批准：由发起人自己确认。"},
	ApproveOwn:          {EN: "You asked for request %[1]s, so you can't approve it: another allowed person must. You can withdraw it with deny CODE.", ZH: "请求 %[1]s 是你发起的，你不能自己批准，需要另一位有权限的人批准。你可以发送“拒绝 CODE”撤回请求。"},
	ApproveAsTarget:     {EN: "You are the person this request would sign out, so you can't approve or deny it.", ZH: "你就是此请求要强制退出的人，不能批准或拒绝它。"},
	ApproveNotAllowed:   {EN: "You may not approve sign-outs: %[1]s.", ZH: "你无权批准强制退出：%[1]s。"},
	RequesterNotAllowed: {EN: "%[1]s, who asked for it, may no longer sign people out: %[2]s. Nothing was done.", ZH: "发起人 %[1]s 已无权强制他人退出登录：%[2]s。未执行任何操作。"},
	ApprovedSigningOut:  {EN: "Approved by %[1]s. Signing out %[2]s…", ZH: "已由 %[1]s 批准。正在将 %[2]s 强制退出登录…"},
	Rejected:            {EN: "Request %[1]s was denied by %[2]s; nothing was done.", ZH: "请求 %[1]s 已被 %[2]s 拒绝，未执行任何操作。"},
	Withdrawn:           {EN: "Request %[1]s was withdrawn by the person who asked for it; nothing was done.", ZH: "请求 %[1]s 已被发起人撤回，未执行任何操作。"},
	WasRejected:         {EN: "Request %[1]s was denied or withdrawn; nothing was done. Run /signout again if needed.", ZH: "请求 %[1]s 已被拒绝或撤回，未执行任何操作。如有需要，请重新发送 /signout。"},
	ResultApprovedBy:    {EN: "Approved by %[1]s.", ZH: "批准人：%[1]s。"},

	LookBackNotAllowed: {EN: "You may not look at sign-out requests: %[1]s.", ZH: "你无权查看强制退出请求：%[1]s。"},
	StatusLine:         {EN: "Request %[1]s: asked by %[2]s on %[3]s at %[4]s to sign out %[5]s. Reason: %[6]s", ZH: "请求 %[1]s：由 %[2]s 于 %[4]s 在 %[3]s 发起，将 %[5]s 强制退出登录。原因：%[6]s"},
	StatusState:        {EN: "State: %[1]s.", ZH: "状态：%[1]s。"},
	StatusApprover:     {EN: "Approved or denied by %[1]s.", ZH: "批准或拒绝人：%[1]s。"},
	StatusOutcome:      {EN: "Outcome: %[1]s.", ZH: "结果：%[1]s。"},
	StatusExpires:      {EN: "Expires %[1]s.", ZH: "%[1]s过期。"},
	StatusUnknown:      {EN: "No request %[1]s is known: requests are kept for 24 hours after they close. Check the id in the prompt or result.", ZH: "找不到请求 %[1]s：请求关闭后只保留 24 小时。请核对提示或结果消息中的编号。"},
	HistoryHead:        {EN: "The latest %[1]d requests, newest first:", ZH: "最近 %[1]d 个请求（最新的在前）："},
	HistoryEmpty:       {EN: "No requests in the last 24 hours.", ZH: "最近 24 小时内没有请求。"},
	HistoryItem:        {EN: "- %[1]s %[2]s: %[3]s → %[4]s, %[5]s", ZH: "- %[1]s %[2]s：%[3]s → %[4]s，%[5]s"},
	StatePending:       {EN: "waiting for confirmation", ZH: "等待确认"},
	StateAwaiting:      {EN: "waiting for a second person's approval", ZH: "等待第二人批准"},
	StateConfirmed:     {EN: "confirmed", ZH: "已确认"},
	StateApproved:      {EN: "approved", ZH: "已批准"},
	StateCancelled:     {EN: "cancelled", ZH: "已取消"},
	StateExpired:       {EN: "expired", ZH: "已过期"},
	StateAborted:       {EN: "stopped before it ran", ZH: "执行前已中止"},
	StateRejected:      {EN: "denied or withdrawn", ZH: "已拒绝或撤回"},
	OutcomeSucceeded:   {EN: "signed out", ZH: "已强制退出"},
	OutcomeFailed:      {EN: "failed (%[1]s)", ZH: "失败（%[1]s）"},
	OutcomeDryRun:      {EN: "dry run, nothing sent", ZH: "演练，未发送"},
	OutcomeRunning:     {EN: "running or unknown", ZH: "执行中或未知"},

	AccountActive:      {EN: "Account: active in DingTalk.", ZH: "账号状态：钉钉中正常启用。"},
	AccountDisabled:    {EN: "Account: already disabled in DingTalk.", ZH: "账号状态：钉钉中已停用。"},
	AccountUnknown:     {EN: "Account status unknown: %[1]s", ZH: "账号状态未知：%[1]s"},
	ResultDisabled:     {EN: "🔒 Also disabled %[1]s: they can't sign back in until the account is enabled.", ZH: "🔒 已同时停用 %[1]s 的账号：重新启用前无法再次登录。"},
	ResultDisableFail:  {EN: "⚠️ Signed out, but could not disable %[1]s: %[2]s", ZH: "⚠️ 已强制退出，但未能停用 %[1]s：%[2]s"},
	ResultEnabled:      {EN: "✅ Enabled %[1]s in DingTalk again.", ZH: "✅ 已在钉钉中重新启用 %[1]s。"},
	ResultEnableFail:   {EN: "❌ Could not enable %[1]s: %[2]s", ZH: "❌ 未能启用 %[1]s：%[2]s"},
	ResultDryDisable:   {EN: "Dry run: would also have disabled %[1]s.", ZH: "演练：本应同时停用 %[1]s。"},
	ResultDryEnable:    {EN: "Dry run: would have enabled %[1]s (nothing was sent to DingTalk).", ZH: "演练：本应启用 %[1]s（未向钉钉发送任何请求）。"},
	EnablingNow:        {EN: "Enabling %[1]s…", ZH: "正在启用 %[1]s…"},
	PromptEnable:       {EN: "Enable %[1]s in DingTalk again?", ZH: "确定要在钉钉中重新启用 %[1]s 吗？"},
	PromptTypedDisable: {EN: "To sign out and disable the account send: confirm %[1]s disable", ZH: "强制退出并停用账号请发送：确认 %[1]s 停用"},

	PromptDryRun:   {EN: "[dry run: nothing will be sent to DingTalk]", ZH: "[演练模式：不会向钉钉发送任何请求]"},
	PromptQuestion: {EN: "Sign out %[1]s from DingTalk on every device?", ZH: "确定要将 %[1]s 在所有设备上强制退出钉钉登录吗？"},
	PromptTitle:    {EN: "Title: %[1]s", ZH: "职位：%[1]s"},
	PromptVia:      {EN: "Found by: %[1]s", ZH: "查找方式：%[1]s"},
	PromptNote:     {EN: "Note: %[1]s", ZH: "注意：%[1]s"},
	PromptReason:   {EN: "Reason: %[1]s", ZH: "原因：%[1]s"},
	PromptTyped:    {EN: "To go ahead send: confirm %[1]s\nTo stop send: cancel %[1]s", ZH: "继续请发送：确认 %[1]s\n取消请发送：取消 %[1]s"},
	PromptExpires:  {EN: "Expires %[1]s. Request %[2]s", ZH: "%[1]s过期。请求编号 %[2]s"},
}
