package commands

import (
	"strconv"
	"unicode/utf8"
)

// Parse parses a whole chat message: "/signout alice lost phone",
// "signout …", "/signout confirm AB12CD", "confirm AB12CD", "cancel AB12CD",
// "help", "/signout help". An empty message or a bare "/signout" is Help.
// A message that can't be understood gives a *SyntaxError.
func Parse(line string, opt Options) (Command, error) {
	in, err := normalizeLine(line)
	if err != nil {
		return Command{}, err
	}
	word, rest := cut(in.text)
	switch {
	case word == "", equalFoldASCII(word, "help"):
		return Command{Kind: Help}, nil
	case equalFoldASCII(word, "/signout"), equalFoldASCII(word, "signout"):
		return parseArgs(in, len(in.text)-len(rest), opt)
	case equalFoldASCII(word, "confirm"):
		return parseCode(Confirm, rest)
	case equalFoldASCII(word, "cancel"):
		return parseCode(Cancel, rest)
	}
	return Command{}, syntaxErrorf("unknown command %s", quoteShort(word, 24))
}

// ParseArgs parses the text after the slash command, as Slack delivers it
// in a slash command's text field: "alice lost phone", "help", "",
// "confirm AB12CD", "cancel AB12CD".
func ParseArgs(args string, opt Options) (Command, error) {
	in, err := normalizeLine(args)
	if err != nil {
		return Command{}, err
	}
	return parseArgs(in, 0, opt)
}

func normalizeLine(line string) (normalized, error) {
	if len(line) > MaxLineBytes {
		return normalized{}, syntaxErrorf("message is too long (%d bytes, at most %d)", len(line), MaxLineBytes)
	}
	return normalize(line, true), nil
}

// parseArgs parses in.text[start:], the text after the command word.
func parseArgs(in normalized, start int, opt Options) (Command, error) {
	s := in.text[start:]
	word, rest := cut(s)
	switch {
	case word == "", equalFoldASCII(word, "help"):
		return Command{Kind: Help}, nil
	case equalFoldASCII(word, "confirm"):
		return parseCode(Confirm, rest)
	case equalFoldASCII(word, "cancel"):
		return parseCode(Cancel, rest)
	}
	return parseSignOut(in, start, opt)
}

func parseCode(kind Kind, s string) (Command, error) {
	code, extra := cut(s)
	if code == "" {
		return Command{}, syntaxErrorf("missing code: send \"%s CODE\" with the code from the prompt", kind)
	}
	if !validCode(code) {
		return Command{}, syntaxErrorf("invalid code %s: a code is %d to %d letters or digits", quoteShort(code, 16), MinCodeLen, MaxCodeLen)
	}
	if extra != "" {
		return Command{}, syntaxErrorf("unexpected %s after the code: send just \"%s CODE\"", quoteShort(extra, 16), kind)
	}
	return Command{Kind: kind, Code: upperASCII(code)}, nil
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
	target, rest, err := parseTarget(in, start)
	if err != nil {
		return Command{}, err
	}
	end := len(in.text) - len(rest)
	if rest != "" {
		end-- // the space before the reason
	}
	if r, ok := in.removedIn(start, end); ok {
		return Command{}, syntaxErrorf("the user %s contains an invisible character (%U): type it again", quoteShort(target.Input, 32), r)
	}
	reason := cleanReason(rest)
	maxRunes := opt.MaxReasonRunes
	if maxRunes <= 0 {
		maxRunes = DefaultMaxReasonRunes
	}
	switch n := utf8.RuneCountInString(reason); {
	case n == 0 && opt.ReasonRequired:
		return Command{}, syntaxErrorf("missing reason: say why, e.g. /signout %s lost phone", target.Input)
	case n > maxRunes:
		return Command{}, syntaxErrorf("reason is too long (%d characters, at most %d)", n, maxRunes)
	}
	return Command{Kind: SignOut, Target: target, Reason: reason}, nil
}

// quoteShort quotes s for an error message, escaping anything unprintable
// and cutting it to max runes so a hostile word can't flood the reply.
func quoteShort(s string, max int) string {
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
	return strconv.Quote(s)
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
