package i18n

// What a request naming several people says (spec section 10). "n" and
// "total" are counts, "target" a target label, "typed" a target as typed,
// "why" a nested message.
const (
	BulkLabel         Key = "bulk.label"          // n
	BulkItem          Key = "bulk.item"           // target
	BulkItemWhy       Key = "bulk.item_why"       // target or typed, why
	BulkMore          Key = "bulk.more"           // n
	BulkSkippedHead   Key = "bulk.skipped_head"   // n
	BulkRepeat        Key = "bulk.repeat"         // target
	BulkNoneLeft      Key = "bulk.none_left"      // skipped lines
	MentionsMismatch  Key = "bulk.mentions"       // @-words, mention entries
	BulkSigningOut    Key = "bulk.signing_out"    // n
	BulkEnabling      Key = "bulk.enabling"       // n
	BulkApproved      Key = "bulk.approved"       // approver, n
	BulkProgress      Key = "bulk.progress"       // done, total, failed
	BulkSummary       Key = "bulk.summary"        // succeeded, total, failed
	BulkSummaryDry    Key = "bulk.summary_dry"    // total
	BulkSummaryEnable Key = "bulk.summary_enable" // succeeded, total, failed
	BulkDisabledCount Key = "bulk.disabled"       // n
	BulkNotStarted    Key = "bulk.not_started"    // n
	BulkFailedHead    Key = "bulk.failed_head"
	BulkNotDisabled   Key = "bulk.not_disabled" // why
	BulkProtectedNow  Key = "bulk.protected_now"
	BulkNotStartedWhy Key = "bulk.not_started_why"
)

var bulkTexts = texts{
	BulkLabel:         {EN: "%[1]d accounts", ZH: "%[1]d 个帐号"},
	BulkItem:          {EN: "• %[1]s", ZH: "• %[1]s"},
	BulkItemWhy:       {EN: "• %[1]s: %[2]s", ZH: "• %[1]s：%[2]s"},
	BulkMore:          {EN: "…and %[1]d more", ZH: "……另有 %[1]d 个"},
	BulkSkippedHead:   {EN: "Skipped (%[1]d), not signed out:", ZH: "已跳过（%[1]d 个），不会强制退出："},
	BulkRepeat:        {EN: "named twice, already listed as %[1]s", ZH: "重复，已列为 %[1]s"},
	BulkNoneLeft:      {EN: "Nothing to sign out: every user in the list was skipped.\n%[1]s", ZH: "没有可强制退出的用户：列表中的用户都已跳过。\n%[1]s"},
	MentionsMismatch:  {EN: "The message has %[1]d @mentions, but DingTalk's mention data holds %[2]d besides me. Mention each person once, before the reason (pick them from the @ list), write others without @, or give userIds.", ZH: "消息中有 %[1]d 个 @，但钉钉的 @ 数据中有 %[2]d 人。请在原因前逐一 @ 要强制退出的人员（从 @ 列表中选择，每人一次），其他人不要加 @，或改用 userId。"},
	BulkSigningOut:    {EN: "Signing out %[1]d accounts…", ZH: "正在将 %[1]d 个帐号强制退出登录…"},
	BulkEnabling:      {EN: "Enabling %[1]d accounts…", ZH: "正在启用 %[1]d 个帐号…"},
	BulkApproved:      {EN: "Approved by %[1]s. Signing out %[2]d accounts…", ZH: "已由 %[1]s 批准。正在将 %[2]d 个帐号强制退出登录…"},
	BulkProgress:      {EN: "Signing out: %[1]d of %[2]d done, %[3]d failed so far.", ZH: "强制退出进行中：已完成 %[1]d/%[2]d，目前失败 %[3]d 个。"},
	BulkSummary:       {EN: "Signed out %[1]d of %[2]d accounts; %[3]d failed.", ZH: "%[2]d 个帐号中已强制退出 %[1]d 个，失败 %[3]d 个。"},
	BulkSummaryDry:    {EN: "Dry run: nothing was sent; %[1]d accounts would have been signed out.", ZH: "演练模式：未发送任何请求；本应强制退出 %[1]d 个帐号。"},
	BulkSummaryEnable: {EN: "Enabled %[1]d of %[2]d accounts; %[3]d failed.", ZH: "%[2]d 个帐号中已启用 %[1]d 个，失败 %[3]d 个。"},
	BulkDisabledCount: {EN: "%[1]d of them disabled.", ZH: "其中 %[1]d 个已停用。"},
	BulkNotStarted:    {EN: "%[1]d not started: the bot stopped before their turn; send the command again for them.", ZH: "%[1]d 个未开始：轮到它们之前机器人已停止；请对这些用户重新发送命令。"},
	BulkFailedHead:    {EN: "Failed or not done:", ZH: "失败或未完成："},
	BulkNotDisabled:   {EN: "signed out, but not disabled: %[1]s", ZH: "已强制退出，但未能停用：%[1]s"},
	BulkProtectedNow:  {EN: "not signed out: the account is protected now", ZH: "未强制退出：该帐号现已受保护"},
	BulkNotStartedWhy: {EN: "not started: the bot stopped", ZH: "未开始：机器人已停止"},
}
