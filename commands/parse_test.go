package commands

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

var required = Options{ReasonRequired: true}

func userID(id, reason string) Command {
	return Command{Kind: SignOut, Target: Target{Kind: UserID, Value: id, Input: id}, Reason: reason}
}

func mobile(value, input, reason string) Command {
	return Command{Kind: SignOut, Target: Target{Kind: Mobile, Value: value, Input: input}, Reason: reason}
}

func mention(m, reason string) Command {
	return Command{Kind: SignOut, Target: Target{Kind: Mention, Value: m, Input: m}, Reason: reason}
}

var (
	help = Command{Kind: Help}
	// giveID is the advice that ends every error about a target that can't be one.
	giveID = "give the person's DingTalk userId or mobile number"
)

type parseCase struct {
	name    string
	line    string
	opt     Options
	want    Command
	wantErr string // the exact problem; empty means success
}

// parseCases drive TestParse and seed FuzzParse.
var parseCases = []parseCase{
	// Help.
	{name: "empty", line: "", want: help},
	{name: "only spaces", line: " \t\n\u00a0\u3000\u2005", want: help},
	{name: "only zero-width", line: "\u200b\ufeff", want: help},
	{name: "bare slash command", line: "/signout", want: help},
	{name: "bare command upper case", line: "  /SIGNOUT  ", want: help},
	{name: "bare word command", line: "signout", want: help},
	{name: "help", line: "help", want: help},
	{name: "HELP", line: "HELP", want: help},
	{name: "slash help", line: "/signout help", want: help},
	{name: "slash help with words", line: "/signout Help me please", want: help},
	{name: "full-width bare command", line: "／ｓｉｇｎｏｕｔ", want: help},

	// Sign-out by userId.
	{name: "userId", line: "/signout alice lost phone", opt: required, want: userID("alice", "lost phone")},
	{name: "word command", line: "signout alice lost phone", opt: required, want: userID("alice", "lost phone")},
	{name: "mixed case command", line: "SignOut alice lost phone", opt: required, want: userID("alice", "lost phone")},
	{name: "leading and trailing space", line: "  /signout   alice   lost   phone  ", opt: required, want: userID("alice", "lost phone")},
	{name: "full-width everything", line: "／ｓｉｇｎｏｕｔ　ａｌｉｃｅ　ｌｏｓｔ", opt: required, want: userID("alice", "lost")},
	{name: "NBSP separators", line: "/signout\u00a0alice\u00a0lost\u00a0phone", opt: required, want: userID("alice", "lost phone")},
	{name: "odd Unicode spaces", line: "/signout\u2003alice\u202flost\u205fphone\u2000\u200anow", opt: required, want: userID("alice", "lost phone now")},
	{name: "tabs and newlines", line: "/signout\talice\n\nlost\r\nphone", opt: required, want: userID("alice", "lost phone")},
	{name: "zero-width inside userId", line: "/signout ali\u200bce lost", opt: required, want: userID("alice", "lost")},
	{name: "dotted userId", line: "/signout a.b_c-D9 lost", opt: required, want: userID("a.b_c-D9", "lost")},
	{name: "numeric staff id", line: "/signout 0447654442691174 left the company", opt: required, want: userID("0447654442691174", "left the company")},
	{name: "short numeric id", line: "/signout 1001 2345 678 broke rules", opt: required, want: userID("1001", "2345 678 broke rules")},
	{name: "ten digits is a userId", line: "/signout 1380013800 x", opt: required, want: userID("1380013800", "x")},
	{name: "12x is not a mobile", line: "/signout 12800138000 x", opt: required, want: userID("12800138000", "x")},
	{name: "dashed id that is no mobile", line: "/signout 2023-001 x", opt: required, want: userID("2023-001", "x")},
	{name: "userId of 64", line: "/signout " + strings.Repeat("a", 64) + " x", opt: required, want: userID(strings.Repeat("a", 64), "x")},
	{name: "userId of 65", line: "/signout " + strings.Repeat("a", 65) + " x", opt: required, wantErr: "user ID is too long (65 characters, at most 64)"},
	{name: "unicode name without @", line: "/signout 张三 lost", opt: required, wantErr: `"张三" is not a userId: @mention the person in DingTalk, or give their userId or mobile number`},
	{name: "email", line: "/signout alice@example.com lost", opt: required, wantErr: `"alice@example.com" looks like an email address: ` + giveID},
	{name: "encrypted id", line: "/signout $:LWCP_v1:$abc lost", opt: required, wantErr: `"$:LWCP_v1:$abc" is an encrypted DingTalk id, not a userId: ` + giveID},
	{name: "dollar in userId", line: "/signout ali$ce lost", opt: required, wantErr: `user "ali$ce" contains "$": a DingTalk userId has only letters, digits, "_", "." and "-"`},
	{name: "colon in userId", line: "/signout ali:ce lost", opt: required, wantErr: `user "ali:ce" contains ":": a DingTalk userId has only letters, digits, "_", "." and "-"`},
	{name: "quote inside userId", line: `/signout ali"ce lost`, opt: required, wantErr: `user "ali\"ce" contains "\"": a DingTalk userId has only letters, digits, "_", "." and "-"`},
	{name: "quote glued after userId", line: `/signout "alice"x lost`, opt: required, wantErr: `user "\"alice\"x" contains "\"": a DingTalk userId has only letters, digits, "_", "." and "-"`},
	{name: "unclosed quote", line: `/signout "alice lost`, opt: required, wantErr: `user "\"alice" contains "\"": a DingTalk userId has only letters, digits, "_", "." and "-"`},
	{name: "bidi override in userId", line: "/signout ali\u202ece lost", opt: required, wantErr: `the user "alice" contains an invisible character (U+202E): type it again`},
	{name: "bidi override before userId", line: "/signout \u202ealice lost", opt: required, wantErr: `the user "alice" contains an invisible character (U+202E): type it again`},
	{name: "bidi override after userId", line: "/signout alice\u202e lost", opt: required, wantErr: `the user "alice" contains an invisible character (U+202E): type it again`},
	{name: "control char in userId", line: "/signout ali\x00ce lost", opt: required, wantErr: `the user "alice" contains an invisible character (U+0000): type it again`},

	// Sign-out by @mention.
	{name: "mention", line: "/signout @张三 lost phone", opt: required, want: mention("@张三", "lost phone")},
	{name: "DingTalk mention with U+2005", line: "signout @张三\u2005丢了手机", opt: required, want: mention("@张三", "丢了手机")},
	{name: "DingTalk mention with spaces", line: "signout @Alice Wu\u2005 lost phone", opt: required, want: mention("@Alice Wu", "lost phone")},
	{name: "DingTalk mention glued to reason", line: "signout @Alice Wu\u2005lost", opt: required, want: mention("@Alice Wu", "lost")},
	{name: "typed mention before a DingTalk one", line: "signout @张三 and @李四\u2005 x", opt: required, want: mention("@张三", "and @李四 x")},
	{name: "U+2005 too far for a mention", line: "signout @a b c d e\u2005 x", opt: required, want: mention("@a", "b c d e x")},
	{name: "lone @ before U+2005", line: "signout @ 张三\u2005 x", opt: required, wantErr: `empty mention: write "@" and the name with no space between`},
	{name: "U+2005 right after @", line: "signout @\u2005张三 x", opt: required, wantErr: `empty mention: write "@" and the name with no space between`},
	{name: "U+2005 ends a typed mention", line: "signout @张三 lost\u2005phone", opt: required, want: mention("@张三 lost", "phone")},
	{name: "lone @", line: "/signout @ alice lost", opt: required, wantErr: `empty mention: write "@" and the name with no space between`},
	{name: "mention of 64", line: "/signout @" + strings.Repeat("张", 64) + " x", opt: required, want: mention("@"+strings.Repeat("张", 64), "x")},
	{name: "mention of 65", line: "/signout @" + strings.Repeat("张", 65) + " x", opt: required, wantErr: "mention is too long (65 characters, at most 64)"},
	{name: "LRM in mention", line: "/signout @张三\u200e lost", opt: required, wantErr: `the user "@张三" contains an invisible character (U+200E): type it again`},

	// Sign-out by mobile number.
	{name: "mainland mobile", line: "/signout 13800138000 lost phone", opt: required, want: mobile("13800138000", "13800138000", "lost phone")},
	{name: "complete mobile keeps digits in reason", line: "/signout 13800138000 2 laptops stolen", opt: required, want: mobile("13800138000", "13800138000", "2 laptops stolen")},
	{name: "+86 grouped", line: "/signout +86 138 0013 8000 lost phone", opt: required, want: mobile("13800138000", "+86 138 0013 8000", "lost phone")},
	{name: "+86 grouped then digits", line: "/signout +86 138 0013 8000 2 laptops", opt: required, wantErr: `can't tell where the phone number "+86 138 0013 8000 2" ends and the reason begins: write the number without spaces, like +8613800138000`},
	{name: "+86 then one word then digits", line: "/signout +86 13800138000 2025 laptops", opt: required, wantErr: `can't tell where the phone number "+86 13800138000 2025" ends and the reason begins: write the number without spaces, like +8613800138000`},
	{name: "+86 joined then digits", line: "/signout +8613800138000 2 laptops", opt: required, want: mobile("13800138000", "+8613800138000", "2 laptops")},
	{name: "+86 any grouping", line: "/signout +86 1380 013 8000 lost", opt: required, want: mobile("13800138000", "+86 1380 013 8000", "lost")},
	{name: "+86 grouped then digit word", line: "/signout +86 138 0013 8000 2nd phone", opt: required, want: mobile("13800138000", "+86 138 0013 8000", "2nd phone")},
	{name: "+86 joined", line: "/signout +8613800138000 lost", opt: required, want: mobile("13800138000", "+8613800138000", "lost")},
	{name: "0086 grouped", line: "/signout 0086 138 0013 8000 lost", opt: required, wantErr: `can't tell if "0086 138 0013 8000" is one mobile number: write it without spaces, like 13800138000, or start the reason with a word`},
	{name: "0086 joined", line: "/signout 008613800138000 lost", opt: required, want: mobile("13800138000", "008613800138000", "lost")},
	{name: "86 grouped", line: "/signout 86 138 0013 8000 lost", opt: required, wantErr: `can't tell if "86 138 0013 8000" is one mobile number: write it without spaces, like 13800138000, or start the reason with a word`},
	{name: "86 joined", line: "/signout 8613800138000 lost", opt: required, want: mobile("13800138000", "8613800138000", "lost")},
	{name: "mainland grouped", line: "/signout 138 0013 8000 lost", opt: required, want: mobile("13800138000", "138 0013 8000", "lost")},
	{name: "mainland grouped then digits", line: "/signout 138 0013 8000 2 laptops", opt: required, wantErr: `can't tell where the phone number "138 0013 8000 2" ends and the reason begins: write the number without spaces, like 13800138000`},
	{name: "reason digits never join a number", line: "/signout 1500123 2025 laptop stolen", opt: required, wantErr: `can't tell if "1500123 2025" is one mobile number: write it without spaces, like 13800138000, or start the reason with a word`},
	{name: "reason digits after a mobile prefix", line: "/signout 138 00138000 x", opt: required, wantErr: `can't tell if "138 00138000" is one mobile number: write it without spaces, like 13800138000, or start the reason with a word`},
	{name: "mainland grouped wrongly", line: "/signout 1380 013 8000 x", opt: required, wantErr: `can't tell if "1380 013 8000" is one mobile number: write it without spaces, like 13800138000, or start the reason with a word`},
	{name: "numeric id then words", line: "/signout 1500123 laptop stolen in 2025", opt: required, want: userID("1500123", "laptop stolen in 2025")},
	{name: "mainland dashed then digits", line: "/signout 138-0013-8000 2 laptops", opt: required, want: mobile("13800138000", "138-0013-8000", "2 laptops")},
	{name: "mainland dashed", line: "/signout 138-0013-8000 lost", opt: required, want: mobile("13800138000", "138-0013-8000", "lost")},
	{name: "+86 dashed", line: "/signout +86-138-0013-8000 lost", opt: required, want: mobile("13800138000", "+86-138-0013-8000", "lost")},
	{name: "parenthesised country code", line: "/signout (+86) 138 0013 8000 lost", opt: required, want: mobile("13800138000", "(+86) 138 0013 8000", "lost")},
	{name: "plus apart", line: "/signout + 86 138 0013 8000 lost", opt: required, want: mobile("13800138000", "+ 86 138 0013 8000", "lost")},
	{name: "full-width mobile", line: "/signout ＋８６　１３８００１３８０００　丢了", opt: required, want: mobile("13800138000", "+86 13800138000", "丢了")},
	{name: "full-width dashes", line: "ｓｉｇｎｏｕｔ　１３８－００１３－８０００　丢了", opt: required, want: mobile("13800138000", "138-0013-8000", "丢了")},
	{name: "UK number in groups", line: "/signout +44 20 7946 0958 laptop stolen", opt: required, wantErr: `can't tell where the phone number "+44 20 7946 0958" ends and the reason begins: write the number without spaces, like +442079460958`},
	{name: "UK number joined", line: "/signout +442079460958 laptop stolen", opt: required, want: mobile("+442079460958", "+442079460958", "laptop stolen")},
	{name: "UK number dashed", line: "/signout +44-20-7946-0958 laptop stolen", opt: required, want: mobile("+442079460958", "+44-20-7946-0958", "laptop stolen")},
	{name: "UK country code apart", line: "/signout +44 2079460958 laptop stolen", opt: required, want: mobile("+442079460958", "+44 2079460958", "laptop stolen")},
	{name: "UK country code apart then digits", line: "/signout +44 2079460958 2 laptops", opt: required, wantErr: `can't tell where the phone number "+44 2079460958 2" ends and the reason begins: write the number without spaces, like +442079460958`},
	{name: "UK joined then digits", line: "/signout +442079460958 2 laptops", opt: required, wantErr: `can't tell where the phone number "+442079460958 2" ends and the reason begins: start the reason with a word, not a number`},
	{name: "UK joined then digit word", line: "/signout +442079460958 2nd laptop", opt: required, want: mobile("+442079460958", "+442079460958", "2nd laptop")},
	{name: "UK groups then digits", line: "/signout +44 20 7946 0958 2 laptops", opt: required, wantErr: `can't tell where the phone number "+44 20 7946 0958 2" ends and the reason begins: write the number without spaces, like +442079460958`},
	{name: "country code too long to stand apart", line: "/signout +4420 79460958 x", opt: required, wantErr: `can't tell where the phone number "+4420 79460958" ends and the reason begins: write the number without spaces, like +442079460958`},
	{name: "NANP grouped", line: "/signout +1 415 555 2671 laptop", opt: required, want: mobile("+14155552671", "+1 415 555 2671", "laptop")},
	{name: "NANP grouped then digits", line: "/signout +1 415 555 2671 2 laptops", opt: required, wantErr: `can't tell where the phone number "+1 415 555 2671 2" ends and the reason begins: write the number without spaces, like +442079460958`},
	{name: "NANP joined then digits", line: "/signout +14155552671 2 laptops", opt: required, want: mobile("+14155552671", "+14155552671", "2 laptops")},
	{name: "Hong Kong", line: "/signout +852 9123 4567 lost", opt: required, want: mobile("+85291234567", "+852 9123 4567", "lost")},
	{name: "Hong Kong then digits", line: "/signout +852 9123 4567 12 laptops", opt: required, wantErr: `can't tell where the phone number "+852 9123 4567 12" ends and the reason begins: write the number without spaces, like +442079460958`},
	{name: "+86 landline", line: "/signout +86 10 1234 5678 x", opt: required, wantErr: `phone number "+86 10 1234 5678" has 10 digits after the 86, a mainland China mobile number has 11`},
	{name: "+86 not a mobile", line: "/signout +86 12800138000 x", opt: required, wantErr: `phone number "+86 12800138000" is not a mainland China mobile number (those start with 13 to 19)`},
	{name: "+86 alone", line: "/signout +86 lost phone", opt: required, wantErr: `phone number "+86" has 0 digits after the 86, a mainland China mobile number has 11`},
	{name: "+86 too long", line: "/signout +861380013800012 x", opt: required, wantErr: `phone number "+861380013800012" has 13 digits after the 86, a mainland China mobile number has 11`},
	{name: "too short", line: "/signout +49 30 x", opt: required, wantErr: `phone number "+49 30" is too short (4 digits)`},
	{name: "too long", line: "/signout +4412345678901234 x", opt: required, wantErr: `phone number "+4412345678901234" is too long (16 digits, at most 15)`},
	{name: "NANP too short", line: "/signout +1 415 555 x", opt: required, wantErr: `phone number "+1 415 555" has 7 digits, numbers in that country have 11 (with the country code)`},
	{name: "country code 0", line: "/signout +0044 20 7946 0958 x", opt: required, wantErr: `phone number "+0044" is not valid: a country code never starts with 0`},
	{name: "misplaced plus", line: "/signout 86+13800138000 x", opt: required, wantErr: `misplaced "+" in phone number "86+13800138000"`},
	{name: "one digit", line: "/signout (1) x", opt: required, wantErr: `phone number "(1)" has 1 digit, a mainland China mobile number has 11`},
	{name: "plus without digits", line: "/signout + lost", opt: required, wantErr: `phone number "+" has no digits`},
	{name: "landline in parentheses", line: "/signout (010) 1234 5678 x", opt: required, wantErr: `phone number "(010)" is not a mainland China mobile number: add + and the country code for other countries`},
	{name: "soft hyphen in mobile", line: "/signout 138\u00ad00138000 x", opt: required, wantErr: `the user "13800138000" contains an invisible character (U+00AD): type it again`},
	{name: "soft hyphen in grouped mobile", line: "/signout 138 0013\u00ad 8000 x", opt: required, wantErr: `the user "138 0013 8000" contains an invisible character (U+00AD): type it again`},

	// Targets in quotes.
	{name: "quoted userId", line: `/signout "staff046" lost`, opt: required, want: userID("staff046", "lost")},
	{name: "single-quoted userId", line: `/signout 'staff046' lost`, opt: required, want: userID("staff046", "lost")},
	{name: "smart-quoted userId", line: "/signout “staff046” lost", opt: required, want: userID("staff046", "lost")},
	{name: "smart single-quoted userId", line: "/signout ‘staff046’ lost", opt: required, want: userID("staff046", "lost")},
	{name: "corner-bracketed userId", line: "/signout 「staff046」 丢了", opt: required, want: userID("staff046", "丢了")},
	{name: "quoted userId, spaces inside", line: `/signout " staff046 " lost`, opt: required, want: userID("staff046", "lost")},
	{name: "quoted userId, quoted reason", line: `/signout "staff046" "lost phone"`, opt: required, want: userID("staff046", "lost phone")},
	{name: "quoted userId, no reason", line: `/signout "staff046"`, want: userID("staff046", "")},
	{name: "quoted numeric id then digits", line: `/signout "1500123" 2025 laptop stolen`, opt: required, want: userID("1500123", "2025 laptop stolen")},
	{name: "quoted mobile", line: `/signout "13800138000" lost`, opt: required, want: mobile("13800138000", "13800138000", "lost")},
	{name: "quoted spaced number then digits", line: `/signout "+44 20 7946 0958" 2 laptops`, opt: required, want: mobile("+442079460958", "+44 20 7946 0958", "2 laptops")},
	{name: "quoted grouped mainland then digits", line: `/signout "138 0013 8000" 2 laptops`, opt: required, want: mobile("13800138000", "138 0013 8000", "2 laptops")},
	{name: "quoted mention", line: `/signout "@张三" lost`, opt: required, want: mention("@张三", "lost")},
	{name: "quoted two words", line: `/signout "alice lost" phone`, opt: required, wantErr: `"alice lost" is more than one user: put only the user in quotes, and the reason after them`},
	{name: "empty quotes", line: `/signout "" lost`, opt: required, wantErr: "nothing between the quotes: " + giveID},
	{name: "quoted bad number", line: `/signout "+86 138 0013" lost`, opt: required, wantErr: `phone number "+86 138 0013" has 7 digits after the 86, a mainland China mobile number has 11`},
	{name: "quoted email", line: `/signout "a@b.com" lost`, opt: required, wantErr: `"a@b.com" looks like an email address: ` + giveID},
	{name: "bidi override in quoted userId", line: "/signout \"ali\u202ece\" lost", opt: required, wantErr: `the user "alice" contains an invisible character (U+202E): type it again`},

	// Slack markup.
	{name: "Slack user mention", line: "/signout <@U123ABC> lost laptop", opt: required, wantErr: "Slack users can't be signed out: " + giveID},
	{name: "Slack user mention with name", line: "/signout <@U123|bob> lost laptop", opt: required, wantErr: "Slack users can't be signed out: " + giveID},
	{name: "Slack tel link", line: "/signout <tel:+8613800138000|+86 138 0013 8000> lost phone", opt: required, want: mobile("13800138000", "+86 138 0013 8000", "lost phone")},
	{name: "Slack tel link without label", line: "/signout <tel:13800138000> lost", opt: required, want: mobile("13800138000", "13800138000", "lost")},
	{name: "Slack tel link odd label", line: "/signout <tel:+442079460958|call me> 58 lost", opt: required, want: mobile("+442079460958", "+442079460958", "58 lost")},
	{name: "Slack tel link, bad number", line: "/signout <tel:12345|12345> x", opt: required, wantErr: `phone number "12345" has 5 digits, a mainland China mobile number has 11`},
	{name: "Slack tel link, empty", line: "/signout <tel:> x", opt: required, wantErr: `"" is not a phone number: ` + giveID},
	{name: "Slack mailto link", line: "/signout <mailto:a@b.com|a@b.com> x", opt: required, wantErr: "email addresses can't be used: " + giveID},
	{name: "Slack web link", line: "/signout <https://evil.example/|alice> x", opt: required, wantErr: "links can't be used as the user: " + giveID},
	{name: "Slack channel ping", line: "/signout <!channel> x", opt: required, wantErr: "a channel or group is not a person: " + giveID},
	{name: "Slack channel link", line: "/signout <#C123|general> x", opt: required, wantErr: "a channel or group is not a person: " + giveID},
	{name: "unclosed <", line: "/signout <alice lost", opt: required, wantErr: `unclosed "<" in the user: ` + giveID},

	// Reasons.
	{name: "smart double quotes", line: "/signout alice “lost phone”", opt: required, want: userID("alice", "lost phone")},
	{name: "smart single quotes", line: "/signout alice ‘lost’", opt: required, want: userID("alice", "lost")},
	{name: "apostrophe", line: "/signout alice it’s gone", opt: required, want: userID("alice", "it's gone")},
	{name: "nested quotes", line: `/signout alice " 'lost' "`, opt: required, want: userID("alice", "lost")},
	{name: "unmatched quote kept", line: `/signout alice "lost phone`, opt: required, want: userID("alice", `"lost phone`)},
	{name: "quotes only", line: `/signout alice ""`, opt: required, wantErr: "missing reason: say why, e.g. /signout alice lost phone"},
	{name: "channel ping stays text", line: "/signout alice ping <!channel> and <@U1>", opt: required, want: userID("alice", "ping <!channel> and <@U1>")},
	{name: "control chars", line: "/signout alice lost\x00 phone\x07\x1b[31m\x7f", opt: required, want: userID("alice", "lost phone")},
	{name: "colour codes in reason", line: "/signout alice \x1b[31mRED\x1b[0m alert", opt: required, want: userID("alice", "RED alert")},
	{name: "8-bit CSI in reason", line: "/signout alice \u009b1;31mRED\u009b0m", opt: required, want: userID("alice", "RED")},
	{name: "OSC title ended by BEL", line: "/signout alice lost\x1b]0;pwned title\x07 phone", opt: required, want: userID("alice", "lost phone")},
	{name: "OSC hyperlink ended by ST", line: "/signout alice \x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ here", opt: required, want: userID("alice", "click here")},
	{name: "8-bit OSC and ST", line: "/signout alice a\u009d0;title\u009cb", opt: required, want: userID("alice", "ab")},
	{name: "unterminated OSC", line: "/signout alice lost phone\x1b]0;rest of the line is a title", opt: required, want: userID("alice", "lost phone")},
	{name: "DCS payload", line: "/signout alice a\x1bPq#0;2;0;0;0\x1b\\b", opt: required, want: userID("alice", "ab")},
	{name: "APC PM SOS", line: "/signout alice a\x1b_x y\x1b\\b\x1b^z\x1b\\c\x1bXw\u009cd", opt: required, want: userID("alice", "abcd")},
	{name: "console arrow keys", line: "/signout alice lost\x1b[D\x1b[D\x1b[A phone", opt: required, want: userID("alice", "lost phone")},
	{name: "arrow keys in application mode", line: "/signout alice lost\x1bOD\x1bOA phone\u008fB", opt: required, want: userID("alice", "lost phone")},
	{name: "function key", line: "/signout alice lost\x1b[15~\x1bOP phone", opt: required, want: userID("alice", "lost phone")},
	{name: "two-byte escapes", line: "/signout alice a\x1b7b\x1b(Bc\x1bMd", opt: required, want: userID("alice", "abcd")},
	{name: "only escapes as reason", line: "/signout alice \x1b[31m\x1b]0;t\x07", opt: required, wantErr: "missing reason: say why, e.g. /signout alice lost phone"},
	{name: "arrow key in userId", line: "/signout ali\x1b[Dce lost", opt: required, wantErr: `the user "alice" contains an invisible character (U+001B): type it again`},
	{name: "OSC before userId", line: "/signout \x1b]0;x\x07alice lost", opt: required, wantErr: `the user "alice" contains an invisible character (U+001B): type it again`},
	{name: "CSI in mobile", line: "/signout 138\u009b0m00138000 lost", opt: required, wantErr: `the user "13800138000" contains an invisible character (U+009B): type it again`},
	{name: "bidi override in reason", line: "/signout alice \u202eenohp tsol\u202c", opt: required, want: userID("alice", "enohp tsol")},
	{name: "format char between spaces", line: "/signout alice a \u2066 b", opt: required, want: userID("alice", "a b")},
	{name: "zero-width joiner in reason", line: "/signout alice lo\u200dst", opt: required, want: userID("alice", "lost")},
	{name: "invalid UTF-8", line: "/signout alice lost \xff\xfe", opt: required, want: userID("alice", "lost \ufffd\ufffd")},
	{name: "missing reason", line: "/signout alice", opt: required, wantErr: "missing reason: say why, e.g. /signout alice lost phone"},
	{name: "reason optional", line: "/signout alice", want: userID("alice", "")},
	{name: "reason of 300", line: "/signout alice " + strings.Repeat("丢", 300), opt: required, want: userID("alice", strings.Repeat("丢", 300))},
	{name: "reason of 301", line: "/signout alice " + strings.Repeat("丢", 301), opt: required, wantErr: "reason is too long (301 characters, at most 300)"},
	{name: "reason of 10 kB", line: "/signout alice " + strings.Repeat("x", 10240), opt: required, wantErr: "reason is too long (10,240 characters, at most 300)"},
	{name: "custom cap", line: "/signout alice lost my phone", opt: Options{MaxReasonRunes: 7}, wantErr: "reason is too long (13 characters, at most 7)"},
	{name: "message over 16 KiB", line: "/signout alice " + strings.Repeat("x", MaxLineBytes), opt: required, wantErr: "message is too long (16,399 bytes, at most 16,384)"},

	// Confirm and cancel.
	{name: "confirm", line: "confirm AB12CD", want: Command{Kind: Confirm, Code: "AB12CD"}},
	{name: "confirm lower case", line: "confirm ab12cd", want: Command{Kind: Confirm, Code: "AB12CD"}},
	{name: "CONFIRM", line: "CONFIRM abcd", want: Command{Kind: Confirm, Code: "ABCD"}},
	{name: "slash confirm", line: "/signout confirm AB12CD", want: Command{Kind: Confirm, Code: "AB12CD"}},
	{name: "signout cancel", line: "signout cancel x1y2", want: Command{Kind: Cancel, Code: "X1Y2"}},
	{name: "cancel of 12", line: "cancel ABCDEFGHIJKL", want: Command{Kind: Cancel, Code: "ABCDEFGHIJKL"}},
	{name: "full-width confirm", line: "ｃｏｎｆｉｒｍ　ａｂ１２ｃｄ", want: Command{Kind: Confirm, Code: "AB12CD"}},
	{name: "code of 13", line: "cancel ABCDEFGHIJKLM", wantErr: `invalid code "ABCDEFGHIJKLM": a code is 4 to 12 letters or digits`},
	{name: "code of 3", line: "confirm AB1", wantErr: `invalid code "AB1": a code is 4 to 12 letters or digits`},
	{name: "code with dash", line: "confirm AB-12", wantErr: `invalid code "AB-12": a code is 4 to 12 letters or digits`},
	{name: "code in Chinese", line: "confirm 确认确认", wantErr: `invalid code "确认确认": a code is 4 to 12 letters or digits`},
	{name: "confirm without code", line: "confirm", wantErr: `missing code: send "confirm CODE" with the code from the prompt`},
	{name: "slash cancel without code", line: "/signout cancel", wantErr: `missing code: send "cancel CODE" with the code from the prompt`},
	{name: "text after code", line: "confirm AB12CD now", wantErr: `unexpected "now" after the code: send just "confirm CODE"`},

	// Chinese commands. A userId has no Han characters, so "确认AB12CD" (as
	// Chinese input methods leave out the space) can only be a confirmation;
	// in quotes a word is a target, never a command.
	// Containment: enable, and confirm with disable.
	{name: "enable", line: "/signout enable alice back from leave", opt: required, want: Command{Kind: Enable, Target: Target{Kind: UserID, Value: "alice", Input: "alice"}, Reason: "back from leave"}},
	{name: "启用", line: "/signout 启用 alice 已找回手机", opt: required, want: Command{Kind: Enable, Target: Target{Kind: UserID, Value: "alice", Input: "alice"}, Reason: "已找回手机"}},
	{name: "enable without reason", line: "/signout enable alice", opt: required, wantErr: "missing reason: say why, e.g. /signout alice lost phone"},
	{name: "confirm disable", line: "confirm AB12CD disable", want: Command{Kind: Confirm, Code: "AB12CD", Disable: true}},
	{name: "确认 停用", line: "确认 AB12CD 停用", want: Command{Kind: Confirm, Code: "AB12CD", Disable: true}},
	{name: "approve disable", line: "批准 AB12CD 停用", want: Command{Kind: Approve, Code: "AB12CD", Disable: true}},
	{name: "cancel disable", line: "cancel AB12CD disable", wantErr: `unexpected "disable" after the code: send just "cancel CODE"`},

	// The two-person rule, status and history.
	{name: "approve", line: "approve ab12cd", want: Command{Kind: Approve, Code: "AB12CD"}},
	{name: "slash deny", line: "/signout deny AB12CD", want: Command{Kind: Deny, Code: "AB12CD"}},
	{name: "批准", line: "批准 AB12CD", want: Command{Kind: Approve, Code: "AB12CD"}},
	{name: "拒绝 glued", line: "拒绝AB12CD", want: Command{Kind: Deny, Code: "AB12CD"}},
	{name: "approve without code", line: "approve", wantErr: `missing code: send "approve CODE" with the code from the prompt`},
	{name: "status", line: "/signout status REQ-7kq2m9xw4e", want: Command{Kind: Status, RequestID: "req-7kq2m9xw4e"}},
	{name: "status args", line: "status req-7kq2m9xw4e", want: Command{Kind: Status, RequestID: "req-7kq2m9xw4e"}},
	{name: "status without id", line: "/signout status", wantErr: `missing request id: send "/signout status req-…" with the id from the prompt or result`},
	{name: "status malformed", line: "/signout status lost phone", wantErr: `"lost phone" is not a request id: it looks like req-7kq2m9xw4e`},
	{name: "status bad id", line: "/signout status req-<b>", wantErr: `"req-<b>" is not a request id: it looks like req-7kq2m9xw4e`},
	{name: "history", line: "/signout history", want: Command{Kind: History, Count: 10}},
	{name: "history 50", line: "/signout history 50", want: Command{Kind: History, Count: 50}},
	{name: "历史 3", line: "/signout 历史 3", want: Command{Kind: History, Count: 3}},
	{name: "history 0", line: "/signout history 0", wantErr: `history takes a number of requests from 1 to 50, not "0"`},
	{name: "history 10000", line: "/signout history 10000", wantErr: `history takes a number of requests from 1 to 50, not "10000"`},
	{name: "history abc", line: "/signout history abc", wantErr: `history takes a number of requests from 1 to 50, not "abc"`},

	{name: "帮助", line: "帮助", want: help},
	{name: "slash 帮助", line: "/signout 帮助", want: help},
	{name: "帮助 with words", line: "signout 帮助 一下", want: help},
	{name: "full-width slash 帮助", line: "／ｓｉｇｎｏｕｔ　帮助", want: help},
	{name: "帮助 glued is no help", line: "帮助我", wantErr: `unknown command "帮助我"`},
	{name: "确认", line: "确认 AB12CD", want: Command{Kind: Confirm, Code: "AB12CD"}},
	{name: "取消", line: "取消 x1y2", want: Command{Kind: Cancel, Code: "X1Y2"}},
	{name: "确认 full-width", line: "确认　ａｂ１２ｃｄ", want: Command{Kind: Confirm, Code: "AB12CD"}},
	{name: "确认 NBSP", line: "确认\u00a0AB12CD", want: Command{Kind: Confirm, Code: "AB12CD"}},
	{name: "确认 glued", line: "确认AB12CD", want: Command{Kind: Confirm, Code: "AB12CD"}},
	{name: "取消 glued lower case", line: "取消ab12cd", want: Command{Kind: Cancel, Code: "AB12CD"}},
	{name: "确认 glued full-width", line: "确认ＡＢ１２ＣＤ", want: Command{Kind: Confirm, Code: "AB12CD"}},
	{name: "slash 确认", line: "/signout 确认 AB12CD", want: Command{Kind: Confirm, Code: "AB12CD"}},
	{name: "signout 取消 glued", line: "signout 取消X1Y2", want: Command{Kind: Cancel, Code: "X1Y2"}},
	{name: "确认 without code", line: "确认", wantErr: `missing code: send "确认 CODE" with the code from the prompt`},
	{name: "slash 取消 without code", line: "/signout 取消", wantErr: `missing code: send "取消 CODE" with the code from the prompt`},
	{name: "确认 glued short code", line: "确认AB1", wantErr: `invalid code "AB1": a code is 4 to 12 letters or digits`},
	{name: "确认 Chinese code", line: "确认 确认确认", wantErr: `invalid code "确认确认": a code is 4 to 12 letters or digits`},
	{name: "确认 glued then text", line: "确认AB12CD 现在", wantErr: `unexpected "现在" after the code: send just "确认 CODE"`},
	{name: "确认 glued to Han", line: "确认一下", wantErr: `unknown command "确认一下"`},
	{name: "确认 glued to a dash", line: "确认-AB12", wantErr: `unknown command "确认-AB12"`},
	{name: "English glued is unknown", line: "confirmAB12CD", wantErr: `unknown command "confirmAB12CD"`},
	{name: "确认 word as target", line: "/signout 确认一下 x", opt: required, wantErr: `"确认一下" is not a userId: @mention the person in DingTalk, or give their userId or mobile number`},
	{name: "quoted 确认 is a target", line: `/signout "确认" AB12CD`, opt: required, wantErr: `"确认" is not a userId: @mention the person in DingTalk, or give their userId or mobile number`},
	{name: "quoted 帮助 is a target", line: "/signout 「帮助」 x", opt: required, wantErr: `"帮助" is not a userId: @mention the person in DingTalk, or give their userId or mobile number`},
	{name: "mention named 确认", line: "/signout @确认\u2005 x", opt: required, want: mention("@确认", "x")},
	{name: "Han inside userId", line: "/signout alice确认 x", opt: required, wantErr: `"alice确认" is not a userId: @mention the person in DingTalk, or give their userId or mobile number`},

	// Unknown commands.
	{name: "unknown", line: "hello", wantErr: `unknown command "hello"`},
	{name: "unknown with args", line: "hello alice lost", wantErr: `unknown command "hello"`},
	{name: "slash help is unknown", line: "/help", wantErr: `unknown command "/help"`},
	{name: "glued command", line: "/signoutalice lost", wantErr: `unknown command "/signoutalice"`},
	{name: "long unknown word", line: strings.Repeat("w", 100), wantErr: `unknown command "` + strings.Repeat("w", 24) + `…"`},
	{name: "unknown with quote", line: `say"hi`, wantErr: `unknown command "say\"hi"`},
	{name: "unknown non-ASCII s", line: "ſignout alice lost", wantErr: `unknown command "ſignout"`},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.line, tc.opt)
			checkResult(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func checkResult(t *testing.T, got Command, err error, want Command, wantErr string) {
	t.Helper()
	if wantErr != "" {
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("got %+v, %v; want *SyntaxError %q", got, err, wantErr)
		}
		if err.Error() != wantErr {
			t.Fatalf("problem:\n got %q\nwant %q", err.Error(), wantErr)
		}
		if !reflect.DeepEqual(got, Command{}) {
			t.Errorf("got %+v with the error; want a zero Command", got)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("\n got %+v\nwant %+v", got, want)
	}
}

// parseArgsCases drive TestParseArgs, with Options required.
var parseArgsCases = []struct {
	args    string
	want    Command
	wantErr string
}{
	{args: "", want: help},
	{args: "  ", want: help},
	{args: "help", want: help},
	{args: "帮助", want: help},
	{args: "alice lost phone", want: userID("alice", "lost phone")},
	{args: "+86 138 0013 8000 lost phone", want: mobile("13800138000", "+86 138 0013 8000", "lost phone")},
	{args: "<tel:+8613800138000|+86 138 0013 8000> lost", want: mobile("13800138000", "+86 138 0013 8000", "lost")},
	{args: "confirm ab12", want: Command{Kind: Confirm, Code: "AB12"}},
	{args: "cancel X1Y2Z3", want: Command{Kind: Cancel, Code: "X1Y2Z3"}},
	{args: "确认 ab12", want: Command{Kind: Confirm, Code: "AB12"}},
	{args: "取消X1Y2Z3", want: Command{Kind: Cancel, Code: "X1Y2Z3"}},
	{args: "confirm", wantErr: `missing code: send "confirm CODE" with the code from the prompt`},
	{args: "<@U456|bob> lost laptop", wantErr: "Slack users can't be signed out: " + giveID},
	{args: "\u202ealice lost", wantErr: `the user "alice" contains an invisible character (U+202E): type it again`},
	{args: "alice", wantErr: "missing reason: say why, e.g. /signout alice lost phone"},
	{args: strings.Repeat("a", MaxLineBytes+1), wantErr: "message is too long (16,385 bytes, at most 16,384)"},
}

func TestParseArgs(t *testing.T) {
	for _, tc := range parseArgsCases {
		t.Run(tc.args, func(t *testing.T) {
			got, err := ParseArgs(tc.args, required)
			checkResult(t, got, err, tc.want, tc.wantErr)
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  a  b  ", "a b"},
		{"／ｓｉｇｎｏｕｔ　ＡＢＣ１２３！", "/signout ABC123!"},
		{"a\u00a0b\u3000c\u2005d\u2000e\u200af\u202fg\u205fh\ti\nj\r\nk", "a b c d e f g h i j k"},
		{"a\u200bb\u200cc\u200dd\u2060e\ufefff", "abcdef"},
		{"“x” ‘y’", `"x" 'y'`},
		{"a\u202eb\x00c\u00add", "abcd"},
		{"a \u202e b", "a b"},
		{"\xff", "\ufffd"},
		{"张三", "张三"},
		{"\x1b[31mRED\x1b[0m", "RED"},
		{"a\x1b[1;31;42mb", "ab"},
		{"a\x1b[?25lb\x1b[2 qc", "abc"}, // private parameters, an intermediate
		{"a\u009b31mb", "ab"},           // 8-bit CSI
		{"a\x1b]0;title\x07b", "ab"},    // OSC ended by BEL
		{"a\x1b]2;title\x1b\\b", "ab"},  // OSC ended by ST
		{"a\u009d0;title\u009cb", "ab"}, // 8-bit OSC and ST
		{"a\x1b]0;title", "a"},          // OSC never ended
		{"a\x1bPpayload", "a"},          // DCS never ended
		{"a\x1b]0;t\x1b[31mb", "ab"},    // ESC ends the OSC and starts a CSI
		{"a\x1b]0;t\x18b", "ab"},        // CAN cancels it
		{"a\x1bP1$r0m\x1b\\b", "ab"},    // DCS
		{"a\x1bXsos\u009cb\x1b^pm\x1b\\c\x1b_apc\x1b\\d", "abcd"},
		{"a\u0090dcs\u009cb\u0098sos\u009cc\u009epm\u009cd\u009fapc\u009ce", "abcde"},
		{"a\x1b[Db\x1b[Ac\x1bODd", "abcd"},      // arrow keys
		{"a\x1b7b\x1b8c\x1b(Bd\x1bce", "abcde"}, // two-byte escapes
		{"a\x1b\x1b[0mb", "ab"},                 // ESC ESC
		{"a\x1b[3\x1b[0mb", "ab"},               // ESC inside a CSI starts another
		{"a\x1b[31", "a"},                       // CSI never ended
		{"a\x1b", "a"},
		{"a \x1b[0m b", "a b"},
		{"a\x1b[31m中", "a中"},
		{"a\x1b[3中b", "a中b"}, // not part of a CSI: ends it
	}
	for _, tc := range tests {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Normalize(Normalize(tc.in)); got != tc.want {
			t.Errorf("Normalize is not idempotent on %q: %q", tc.in, got)
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Help: "help", SignOut: "signout", Confirm: "confirm", Cancel: "cancel", Enable: "enable", 0: "Kind(0)", 99: "Kind(99)"} {
		if got := k.String(); !reflect.DeepEqual(got, want) {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
	for k, want := range map[TargetKind]string{UserID: "userId", Mobile: "mobile", Mention: "mention", 0: "TargetKind(0)"} {
		if got := k.String(); !reflect.DeepEqual(got, want) {
			t.Errorf("TargetKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func TestUsageFitsAPhone(t *testing.T) {
	lines := strings.Split(Usage, "\n")
	if len(lines) > 8 {
		t.Errorf("Usage has %d lines, want at most 8", len(lines))
	}
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > 36 {
			t.Errorf("Usage line %q has %d characters, want at most 36", l, n)
		}
	}
	for _, want := range []string{"/signout <user> <reason>", "userId", "mobile", "@name", "confirm CODE", "cancel CODE", "help"} {
		if !strings.Contains(Usage, want) {
			t.Errorf("Usage lacks %q", want)
		}
	}
	// The example in Usage must itself parse.
	ex := Usage[strings.LastIndex(Usage, "e.g. ")+len("e.g. "):]
	if cmd, err := Parse(ex, required); err != nil || !reflect.DeepEqual(cmd, userID("alice", "lost phone")) {
		t.Errorf("Parse(%q) = %+v, %v", ex, cmd, err)
	}
}

// TestPhoneForms checks that every form PhoneForms lists is recognised as
// it says, and that its refusals are refusals.
func TestPhoneForms(t *testing.T) {
	const cn, uk = "13800138000", "+442079460958"
	forms := []struct{ typed, value string }{
		{"13800138000", cn}, {"138-0013-8000", cn}, {"8613800138000", cn}, {"008613800138000", cn},
		{"+8613800138000", cn}, {"+86-138-0013-8000", cn}, {"(+86)13800138000", cn},
		{"+442079460958", uk}, {"+44-20-7946-0958", uk},
		{"138 0013 8000", cn}, {"+86 13800138000", cn}, {"+86 138 0013 8000", cn},
		{"+1 415 555 2671", "+14155552671"}, {"+852 9123 4567", "+85291234567"},
		{"+44 2079460958", uk}, {`"+44 20 7946 0958"`, uk},
	}
	for _, f := range forms {
		if !strings.Contains(PhoneForms, f.typed) {
			t.Errorf("PhoneForms doesn't list %s", f.typed)
		}
		input := strings.Trim(f.typed, `"`)
		want := mobile(f.value, input, "lost phone")
		if got, err := Parse("/signout "+f.typed+" lost phone", required); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, %v; want %+v", f.typed, got, err, want)
		}
	}
	for _, line := range []string{"13800138000 2 laptops", `"+44 20 7946 0958" 2 laptops`} {
		if _, err := Parse("/signout "+line, required); err != nil {
			t.Errorf("%s: %v", line, err)
		}
	}
	for _, line := range []string{"1500123 2025 laptop stolen", "+86 138 0013 8000 2 laptops", "+442079460958 2 laptops"} {
		if !strings.Contains(PhoneForms, strings.Fields(line)[0]) {
			t.Errorf("PhoneForms doesn't mention %s", line)
		}
		var se *SyntaxError
		if got, err := Parse("/signout "+line, required); !errors.As(err, &se) {
			t.Errorf("%s: got %+v, %v; want it refused", line, got, err)
		}
	}
}
