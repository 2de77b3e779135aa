package i18n

// What the command parser says: the usage text and what was wrong with a
// command. Arguments marked "quoted" are a SyntaxQuoted message around a
// fragment the user typed; "advice" is a nested message (usually
// SyntaxGiveIDOrMobile); "word" is the command word as the parser knows
// it (confirm, 确认), Raw; "digit count" is a PhoneDigits or PhoneDigitsOne
// message. Counts and limits are ints.
const (
	CommandUsage Key = "commands.usage"

	SyntaxQuoted         Key = "syntax.quoted"            // fragment typed, unprintable characters escaped as in a Go string
	SyntaxGiveIDOrMobile Key = "syntax.give_id_or_mobile" // advice ending a problem with the target
	SyntaxLineTooLong    Key = "syntax.line_too_long"     // bytes, most bytes
	SyntaxUnknownCommand Key = "syntax.unknown_command"   // quoted word

	SyntaxMissingCode Key = "syntax.missing_code" // word
	SyntaxInvalidCode Key = "syntax.invalid_code" // quoted code, fewest, most characters
	SyntaxAfterCode   Key = "syntax.after_code"   // quoted extra text, word

	SyntaxMissingRequestID Key = "syntax.missing_request_id" // word
	SyntaxInvalidRequestID Key = "syntax.invalid_request_id" // quoted text
	SyntaxHistoryCount     Key = "syntax.history_count"      // quoted text, most

	SyntaxInvisible     Key = "syntax.invisible"       // quoted target, code point (Raw "U+202E")
	SyntaxMissingReason Key = "syntax.missing_reason"  // target as typed
	SyntaxReasonTooLong Key = "syntax.reason_too_long" // characters, most characters

	SyntaxEmptyQuotes    Key = "syntax.empty_quotes"     // advice
	SyntaxTooManyTargets Key = "syntax.too_many_targets" // users named, most users
	SyntaxEmptyListItem  Key = "syntax.empty_list_item"
	SyntaxMissingUser    Key = "syntax.missing_user"   // command word
	SyntaxListItemMany   Key = "syntax.list_item_many" // quoted item
	SyntaxQuotedMany     Key = "syntax.quoted_many"    // quoted text
	SyntaxEmptyMention   Key = "syntax.empty_mention"
	SyntaxMentionTooLong Key = "syntax.mention_too_long" // characters, most characters
	SyntaxUnclosedLink   Key = "syntax.unclosed_link"    // advice
	SyntaxSlackUser      Key = "syntax.slack_user"       // advice
	SyntaxChannel        Key = "syntax.channel"          // advice
	SyntaxEmailLink      Key = "syntax.email_link"       // advice
	SyntaxLink           Key = "syntax.link"             // advice

	SyntaxEncryptedID   Key = "syntax.encrypted_id"    // quoted word, advice
	SyntaxEmailUser     Key = "syntax.email_user"      // quoted word, advice
	SyntaxNotUserID     Key = "syntax.not_userid"      // quoted word
	SyntaxUserIDChar    Key = "syntax.userid_char"     // quoted word, quoted character
	SyntaxUserIDTooLong Key = "syntax.userid_too_long" // characters, most characters

	SyntaxNotPhone           Key = "syntax.not_phone"         // quoted text, advice
	SyntaxPlusMisplaced      Key = "syntax.plus_misplaced"    // quoted number
	SyntaxPhone              Key = "syntax.phone"             // quoted number, a Phone* predicate
	SyntaxPhoneUnclearEnd    Key = "syntax.phone_unclear_end" // quoted number and digits, advice
	SyntaxPhoneUnclear       Key = "syntax.phone_unclear"     // quoted digit groups
	SyntaxAdviceNoSpaces     Key = "syntax.advice_no_spaces"  // example number (Raw)
	SyntaxAdviceReasonByWord Key = "syntax.advice_reason_by_word"

	// What is wrong with a phone number: predicates of SyntaxPhone.
	PhoneNotMainland    Key = "phone.not_mainland"
	PhoneAfter86        Key = "phone.after_86"        // digit count
	PhoneMainlandLength Key = "phone.mainland_length" // digit count
	PhoneMainlandPrefix Key = "phone.mainland_prefix"
	PhoneNoDigits       Key = "phone.no_digits"
	PhoneCountryZero    Key = "phone.country_zero"
	PhonePlanLength     Key = "phone.plan_length" // digit count, digits in that plan
	PhoneTooShort       Key = "phone.too_short"   // digit count
	PhoneTooLong        Key = "phone.too_long"    // digits, most digits
	PhoneDigitsOne      Key = "phone.digits_one"  // "1 digit"
	PhoneDigits         Key = "phone.digits"      // digits
)

var commandTexts = texts{
	CommandUsage: {
		EN: `/signout <user> <reason>
  user: DingTalk userId, mobile
  (13800138000, +86 138 0013 8000)
  or @name (in DingTalk)
confirm CODE / cancel CODE
approve CODE / deny CODE
/signout help | status REQ | history
e.g. /signout alice lost phone`,
		ZH: `/signout <用户> <原因>
  用户：钉钉 userId、手机号
  （13800138000、+86 138 0013 8000）
  或 @姓名（限钉钉）
确认 CODE / 取消 CODE / 批准 / 拒绝
/signout 帮助 | 状态 编号 | 历史
也可用英文：confirm、cancel、help
例：/signout alice 手机丢失`,
	},

	SyntaxQuoted:         {EN: `"%[1]s"`, ZH: `“%[1]s”`},
	SyntaxGiveIDOrMobile: {EN: "give the person's DingTalk userId or mobile number", ZH: "请提供此人的钉钉 userId 或手机号"},
	SyntaxLineTooLong:    {EN: "message is too long (%[1]d bytes, at most %[2]d)", ZH: "消息太长（%[1]d 字节，最多 %[2]d 字节）"},
	SyntaxUnknownCommand: {EN: "unknown command %[1]s", ZH: "未知命令%[1]s"},

	SyntaxMissingCode: {EN: `missing code: send "%[1]s CODE" with the code from the prompt`, ZH: "缺少确认码：请发送“%[1]s CODE”，CODE 为提示中的确认码"},
	SyntaxInvalidCode: {EN: "invalid code %[1]s: a code is %[2]d to %[3]d letters or digits", ZH: "确认码%[1]s无效：确认码为 %[2]d 到 %[3]d 位字母或数字"},
	SyntaxAfterCode:   {EN: `unexpected %[1]s after the code: send just "%[2]s CODE"`, ZH: "确认码后多了%[1]s：只需发送“%[2]s CODE”"},

	SyntaxMissingRequestID: {EN: `missing request id: send "%[1]s" with the id from the prompt or result`, ZH: "缺少请求编号：请发送“%[1]s”，编号见提示或结果消息"},
	SyntaxInvalidRequestID: {EN: "%[1]s is not a request id: it looks like %[2]s", ZH: "%[1]s不是请求编号：请求编号形如 %[2]s"},
	SyntaxHistoryCount:     {EN: "%[3]s takes a number of requests from 1 to %[2]d, not %[1]s", ZH: "%[3]s 后面应为 1 到 %[2]d 之间的数字，而不是%[1]s"},

	SyntaxInvisible:     {EN: "the user %[1]s contains an invisible character (%[2]s): type it again", ZH: "用户%[1]s中有不可见字符（%[2]s）：请重新输入"},
	SyntaxMissingReason: {EN: "missing reason: say why, e.g. /signout %[1]s lost phone", ZH: "缺少原因：请写明原因，例如 /signout %[1]s 手机丢失"},
	SyntaxReasonTooLong: {EN: "reason is too long (%[1]d characters, at most %[2]d)", ZH: "原因太长（%[1]d 个字符，最多 %[2]d 个）"},

	SyntaxTooManyTargets: {EN: "too many users (%[1]d): at most %[2]d in one request (signout.max_targets)", ZH: "用户太多（%[1]d 个）：一次请求最多 %[2]d 个（signout.max_targets）"},
	SyntaxMissingUser:    {EN: "missing user: send /signout %[1]s <user> <reason>", ZH: "缺少用户：请发送 /signout %[1]s <用户> <原因>"},
	SyntaxEmptyListItem:  {EN: "empty entry in the list of users: write one user between two commas", ZH: "用户列表中有空项：两个逗号之间要写一个用户"},
	SyntaxListItemMany:   {EN: "%[1]s in the list of users is more than one word: write each user in one word (or in quotes), separated by commas", ZH: "用户列表中的%[1]s不止一个词：每个用户写成一个词（或加引号），用逗号分隔"},
	SyntaxEmptyQuotes:    {EN: "nothing between the quotes: %[1]s", ZH: "引号中没有内容：%[1]s"},
	SyntaxQuotedMany:     {EN: "%[1]s is more than one user: put only the user in quotes, and the reason after them", ZH: "%[1]s不止一个用户：引号中只写用户，原因写在引号后面"},
	SyntaxEmptyMention:   {EN: `empty mention: write "@" and the name with no space between`, ZH: "@ 后没有名字：“@”和名字之间不要有空格"},
	SyntaxMentionTooLong: {EN: "mention is too long (%[1]d characters, at most %[2]d)", ZH: "@ 后的名字太长（%[1]d 个字符，最多 %[2]d 个）"},
	SyntaxUnclosedLink:   {EN: `unclosed "<" in the user: %[1]s`, ZH: "用户中的“<”没有闭合：%[1]s"},
	SyntaxSlackUser:      {EN: "Slack users can't be signed out: %[1]s", ZH: "Slack 用户无法强制退出登录：%[1]s"},
	SyntaxChannel:        {EN: "a channel or group is not a person: %[1]s", ZH: "频道或群组不是具体的人：%[1]s"},
	SyntaxEmailLink:      {EN: "email addresses can't be used: %[1]s", ZH: "不能使用邮箱地址：%[1]s"},
	SyntaxLink:           {EN: "links can't be used as the user: %[1]s", ZH: "不能用链接指定用户：%[1]s"},

	SyntaxEncryptedID:   {EN: "%[1]s is an encrypted DingTalk id, not a userId: %[2]s", ZH: "%[1]s是钉钉加密 ID，不是 userId：%[2]s"},
	SyntaxEmailUser:     {EN: "%[1]s looks like an email address: %[2]s", ZH: "%[1]s像是邮箱地址：%[2]s"},
	SyntaxNotUserID:     {EN: "%[1]s is not a userId: @mention the person in DingTalk, or give their userId or mobile number", ZH: "%[1]s不是 userId：请在钉钉中 @ 此人，或提供其 userId 或手机号"},
	SyntaxUserIDChar:    {EN: `user %[1]s contains %[2]s: a DingTalk userId has only letters, digits, "_", "." and "-"`, ZH: "用户%[1]s中有%[2]s：钉钉 userId 只能包含字母、数字、“_”、“.”和“-”"},
	SyntaxUserIDTooLong: {EN: "user ID is too long (%[1]d characters, at most %[2]d)", ZH: "userId 太长（%[1]d 个字符，最多 %[2]d 个）"},

	SyntaxNotPhone:           {EN: "%[1]s is not a phone number: %[2]s", ZH: "%[1]s不是电话号码：%[2]s"},
	SyntaxPlusMisplaced:      {EN: `misplaced "+" in phone number %[1]s`, ZH: "号码%[1]s中“+”的位置不对"},
	SyntaxPhone:              {EN: "phone number %[1]s %[2]s", ZH: "号码%[1]s%[2]s"},
	SyntaxPhoneUnclearEnd:    {EN: "can't tell where the phone number %[1]s ends and the reason begins: %[2]s", ZH: "无法判断号码%[1]s到哪里结束、原因从哪里开始：%[2]s"},
	SyntaxPhoneUnclear:       {EN: "can't tell if %[1]s is one mobile number: write it without spaces, like 13800138000, or start the reason with a word", ZH: "无法判断%[1]s是不是一个手机号：请连写号码、不加空格，例如 13800138000，或让原因以文字开头"},
	SyntaxAdviceNoSpaces:     {EN: "write the number without spaces, like %[1]s", ZH: "请连写号码、不加空格，例如 %[1]s"},
	SyntaxAdviceReasonByWord: {EN: "start the reason with a word, not a number", ZH: "原因请以文字开头，不要以数字开头"},

	PhoneNotMainland:    {EN: "is not a mainland China mobile number: add + and the country code for other countries", ZH: "不是中国大陆手机号：其他国家和地区的号码请加上“+”和国际区号"},
	PhoneAfter86:        {EN: "has %[1]s after the 86, a mainland China mobile number has 11", ZH: "在 86 后有 %[1]s，中国大陆手机号为 11 位"},
	PhoneMainlandLength: {EN: "has %[1]s, a mainland China mobile number has 11", ZH: "有 %[1]s，中国大陆手机号为 11 位"},
	PhoneMainlandPrefix: {EN: "is not a mainland China mobile number (those start with 13 to 19)", ZH: "不是中国大陆手机号（大陆手机号以 13 到 19 开头）"},
	PhoneNoDigits:       {EN: "has no digits", ZH: "中没有数字"},
	PhoneCountryZero:    {EN: "is not valid: a country code never starts with 0", ZH: "无效：国际区号不会以 0 开头"},
	PhonePlanLength:     {EN: "has %[1]s, numbers in that country have %[2]d (with the country code)", ZH: "有 %[1]s，该国家或地区的号码（含国际区号）为 %[2]d 位"},
	PhoneTooShort:       {EN: "is too short (%[1]s)", ZH: "太短（%[1]s）"},
	PhoneTooLong:        {EN: "is too long (%[1]d digits, at most %[2]d)", ZH: "太长（%[1]d 位，最多 %[2]d 位）"},
	PhoneDigitsOne:      {EN: "1 digit", ZH: "1 位"},
	PhoneDigits:         {EN: "%[1]d digits", ZH: "%[1]d 位"},
}
