package commands

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/signout-bot/signout-bot/i18n"
)

// Parse parses a whole chat message: "/signout alice lost phone",
// "signout …", "/signout confirm AB12CD", "confirm AB12CD", "cancel AB12CD",
// "help", "/signout help", and the same in Chinese: "确认 AB12CD",
// "取消 AB12CD", "帮助", "/signout 帮助". An empty message or a bare
// "/signout" is Help. A message that can't be understood gives a
// *SyntaxError.
func Parse(line string, opt Options) (Command, error) {
	in, err := normalizeLine(line)
	if err != nil {
		return Command{}, err
	}
	word, rest := cut(in.text)
	switch {
	case isHelpWord(word):
		return Command{Kind: Help}, nil
	case equalFoldASCII(word, "/signout"), equalFoldASCII(word, "signout"):
		return parseArgs(in, len(in.text)-len(rest), opt)
	}
	if cmd, ok, err := parseCodeCommand(in.text); ok {
		return cmd, err
	}
	if cmd, ok, err := parseLookBack(in.text); ok {
		return cmd, err
	}
	return Command{}, syntaxError(i18n.SyntaxUnknownCommand, quoteShort(word, 24))
}

// ParseArgs parses the text after the slash command, as Slack delivers it
// in a slash command's text field: "alice lost phone", "help", "",
// "confirm AB12CD", "cancel AB12CD", "帮助", "确认 AB12CD", "取消 AB12CD".
func ParseArgs(args string, opt Options) (Command, error) {
	in, err := normalizeLine(args)
	if err != nil {
		return Command{}, err
	}
	return parseArgs(in, 0, opt)
}

func normalizeLine(line string) (normalized, error) {
	if len(line) > MaxLineBytes {
		return normalized{}, syntaxError(i18n.SyntaxLineTooLong, len(line), MaxLineBytes)
	}
	return normalize(line, true), nil
}

// parseArgs parses in.text[start:], the text after the command word.
func parseArgs(in normalized, start int, opt Options) (Command, error) {
	s := in.text[start:]
	if word, _ := cut(s); isHelpWord(word) {
		return Command{Kind: Help}, nil
	}
	if cmd, ok, err := parseCodeCommand(s); ok {
		return cmd, err
	}
	if cmd, ok, err := parseLookBack(s); ok {
		return cmd, err
	}
	if word, rest := cut(s); equalFoldASCII(word, "enable") || word == "启用" {
		if rest == "" {
			return Command{}, syntaxError(i18n.SyntaxMissingUser, word)
		}
		cmd, err := parseSignOut(in, len(in.text)-len(rest), opt)
		cmd.Kind = Enable
		if err != nil {
			return Command{}, err
		}
		return cmd, nil
	}
	return parseSignOut(in, start, opt)
}

// parseLookBack parses "status <REQUEST-ID>" and "history [N]" (also
// 状态, 历史). Their words can't be userIds: "/signout status x" is a
// status command.
func parseLookBack(s string) (cmd Command, ok bool, err error) {
	word, rest := cut(s)
	switch {
	case equalFoldASCII(word, "status") || word == "状态":
		id, extra := cut(rest)
		switch {
		case id == "":
			return Command{}, true, syntaxError(i18n.SyntaxMissingRequestID, "/signout "+word+" req-…")
		case !validRequestID(id) || extra != "":
			return Command{}, true, syntaxError(i18n.SyntaxInvalidRequestID, quoteShort(rest, 32), exampleRequestID)
		}
		return Command{Kind: Status, RequestID: strings.ToLower(id)}, true, nil
	case equalFoldASCII(word, "history") || word == "历史":
		if rest == "" {
			return Command{Kind: History, Count: DefaultHistory}, true, nil
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 || n > MaxHistory {
			return Command{}, true, syntaxError(i18n.SyntaxHistoryCount, quoteShort(rest, 16), MaxHistory, word)
		}
		return Command{Kind: History, Count: n}, true, nil
	}
	return Command{}, false, nil
}

// exampleRequestID shows what a request id looks like.
const exampleRequestID = "req-7kq2m9xw4e"

// validRequestID reports whether id has the shape of a request id:
// "req-" and 4 to 32 letters or digits.
func validRequestID(id string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(id), "req-")
	if !ok || len(rest) < 4 || len(rest) > 32 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if !isASCIIAlnum(rest[i]) {
			return false
		}
	}
	return true
}

func isHelpWord(w string) bool {
	return w == "" || equalFoldASCII(w, "help") || w == "帮助"
}

// codeWords are the commands that take a code, in English and Chinese.
// Chinese input methods often leave out the space before Latin text, so
// the Chinese words may be followed by the code directly: "确认AB12CD".
// That can't be meant otherwise: no other command starts with a Han
// character, and a userId has none.
var codeWords = []struct {
	word  string
	kind  Kind
	glued bool // the code may follow without a space
}{
	{"confirm", Confirm, false}, {"cancel", Cancel, false}, {"approve", Approve, false}, {"deny", Deny, false},
	{"确认", Confirm, true}, {"取消", Cancel, true}, {"批准", Approve, true}, {"拒绝", Deny, true},
}

// parseCodeCommand parses s as a command that takes a code, if it starts
// with one's word.
func parseCodeCommand(s string) (cmd Command, ok bool, err error) {
	word, rest := cut(s)
	for _, w := range codeWords {
		if equalFoldASCII(word, w.word) { // exact for the Chinese words
			cmd, err := parseCode(w.kind, w.word, rest)
			return cmd, true, err
		}
		if code, found := strings.CutPrefix(s, w.word); w.glued && found && code != "" && isASCIIAlnum(code[0]) {
			cmd, err := parseCode(w.kind, w.word, code)
			return cmd, true, err
		}
	}
	return Command{}, false, nil
}

// parseCode parses s, the text after the command word, as the code alone.
func parseCode(kind Kind, word, s string) (Command, error) {
	code, extra := cut(s)
	if code == "" {
		return Command{}, syntaxError(i18n.SyntaxMissingCode, i18n.Raw(word))
	}
	if !validCode(code) {
		return Command{}, syntaxError(i18n.SyntaxInvalidCode, quoteShort(code, 16), MinCodeLen, MaxCodeLen)
	}
	disable := (kind == Confirm || kind == Approve) && (equalFoldASCII(extra, "disable") || extra == "停用")
	if extra != "" && !disable {
		return Command{}, syntaxError(i18n.SyntaxAfterCode, quoteShort(extra, 16), i18n.Raw(word))
	}
	return Command{Kind: kind, Code: upperASCII(code), Disable: disable}, nil
}

func validCode(code string) bool {
	if len(code) < MinCodeLen || len(code) > MaxCodeLen {
		return false
	}
	for i := 0; i < len(code); i++ {
		if !isASCIIAlnum(code[i]) {
			return false
		}
	}
	return true
}

// parseSignOut parses in.text[start:] as "<user> <reason>".
func parseSignOut(in normalized, start int, opt Options) (Command, error) {
	targets, rest, err := parseTargets(in, start, opt)
	if err != nil {
		return Command{}, err
	}
	target := targets[0]
	end := len(in.text) - len(rest)
	if rest != "" {
		end-- // the space before the reason
	}
	if r, ok := in.removedIn(start, end); ok {
		typed := target.Input
		if len(targets) > 1 {
			typed = in.text[start:end]
		}
		return Command{}, syntaxError(i18n.SyntaxInvisible, quoteShort(typed, 32), i18n.Raw(fmt.Sprintf("%U", r)))
	}
	reason := cleanReason(rest)
	maxRunes := opt.MaxReasonRunes
	if maxRunes <= 0 {
		maxRunes = DefaultMaxReasonRunes
	}
	switch n := utf8.RuneCountInString(reason); {
	case n == 0 && opt.ReasonRequired:
		return Command{}, syntaxError(i18n.SyntaxMissingReason, target.Input)
	case n > maxRunes:
		return Command{}, syntaxError(i18n.SyntaxReasonTooLong, n, maxRunes)
	}
	cmd := Command{Kind: SignOut, Target: target, Reason: reason}
	if len(targets) > 1 {
		cmd.Targets = targets
	}
	return cmd, nil
}

// quoteShort quotes s for a problem, escaping anything unprintable (as a
// Go string literal does) and cutting it to max runes so a hostile word
// can't flood the reply. The quotes are the language's: "x" or “x”.
func quoteShort(s string, max int) i18n.Msg {
	if utf8.RuneCountInString(s) > max {
		n := 0
		for i := range s {
			if n == max {
				s = s[:i] + "…"
				break
			}
			n++
		}
	}
	q := strconv.Quote(s)
	return i18n.M(i18n.SyntaxQuoted, q[1:len(q)-1])
}

func isASCIIAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// upperASCII upper-cases s, which must be ASCII.
func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}
