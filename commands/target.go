package commands

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

const giveIDOrMobile = "give the person's DingTalk userId or mobile number"

// parseTarget reads the target at the start of in.text[start:], which is
// not empty, and returns it with the text after it.
func parseTarget(in normalized, start int) (Target, string, error) {
	s := in.text[start:]
	switch s[0] {
	case '@':
		end, ok := in.mentionEnd(start)
		return parseMention(s, end-start, ok)
	case '<':
		return parseSlackLink(s)
	}
	word, rest := cut(s)
	if isPhoneWord(word) {
		return parsePhone(word, rest, false)
	}
	if err := checkUserID(word); err != nil {
		return Target{}, "", err
	}
	return Target{Kind: UserID, Value: word, Input: word}, rest, nil
}

// Most spaces a DingTalk mention ended by U+2005 may hold.
const maxMentionSpaces = 3

// parseMention reads an @mention. A mention typed by hand is one word;
// DingTalk ends the mentions it inserts with U+2005, at s[end] when marked,
// so those may hold spaces ("@Alice Wu").
func parseMention(s string, end int, marked bool) (Target, string, error) {
	word, rest := cut(s)
	if marked && len(word) > 1 && end > len(word) && end-len(word) < 4*MaxMentionRunes {
		name := s[:end]
		if !strings.Contains(name[1:], "@") && strings.Count(name, " ") <= maxMentionSpaces {
			word, rest = name, strings.TrimPrefix(s[end:], " ")
		}
	}
	if word == "@" {
		return Target{}, "", syntaxErrorf(`empty mention: write "@" and the name with no space between`)
	}
	if n := utf8.RuneCountInString(word) - 1; n > MaxMentionRunes {
		return Target{}, "", syntaxErrorf("mention is too long (%d characters, at most %d)", n, MaxMentionRunes)
	}
	return Target{Kind: Mention, Value: word, Input: word}, rest, nil
}

// parseSlackLink reads Slack's <…> markup: Slack wraps user mentions
// (<@U123|bob>), channel mentions (<!here>, <#C1>) and links, including
// phone numbers it recognises (<tel:+8613800138000|+86 138 0013 8000>).
// Only the phone numbers name a DingTalk person.
func parseSlackLink(s string) (Target, string, error) {
	end := strings.IndexByte(s, '>')
	if end < 0 {
		return Target{}, "", syntaxErrorf(`unclosed "<" in the user: %s`, giveIDOrMobile)
	}
	link, label, _ := strings.Cut(s[1:end], "|")
	rest := strings.TrimSpace(s[end+1:])
	switch {
	case strings.HasPrefix(link, "@"):
		return Target{}, "", syntaxErrorf("Slack users can't be signed out: %s", giveIDOrMobile)
	case strings.HasPrefix(link, "!"), strings.HasPrefix(link, "#"):
		return Target{}, "", syntaxErrorf("a channel or group is not a person: %s", giveIDOrMobile)
	case hasPrefixFoldASCII(link, "tel:"):
		t, err := parseTel(link[len("tel:"):], label)
		return t, rest, err
	case hasPrefixFoldASCII(link, "mailto:"):
		return Target{}, "", syntaxErrorf("email addresses can't be used: %s", giveIDOrMobile)
	}
	return Target{}, "", syntaxErrorf("links can't be used as the user: %s", giveIDOrMobile)
}

// parseTel reads the number in a Slack tel: link. Input is the link's label
// when that is the same number as typed, else the number itself.
func parseTel(number, label string) (Target, error) {
	number = strings.ReplaceAll(number, " ", "")
	value, err := phoneValue(number)
	if err != nil {
		return Target{}, err
	}
	input := number
	if v, err := phoneValue(label); err == nil && v == value {
		input = label
	}
	return Target{Kind: Mobile, Value: value, Input: input}, nil
}

// phoneValue parses s, all of which must be one phone number.
func phoneValue(s string) (string, error) {
	first, rest := cut(s)
	if !isPhoneWord(first) {
		return "", syntaxErrorf("%s is not a phone number: %s", quoteShort(s, 24), giveIDOrMobile)
	}
	t, rest, err := parsePhone(first, rest, true)
	if err != nil {
		return "", err
	}
	if rest != "" {
		return "", syntaxErrorf("%s is not a phone number: %s", quoteShort(s, 24), giveIDOrMobile)
	}
	return t.Value, nil
}

// parsePhone reads a phone number starting with the word first, taking
// digit groups from rest ("+86 138 0013 8000") while the number is not yet
// complete. A word without "+" or parentheses that is not a mainland
// mobile number is taken as a userId instead, unless strict is set: DingTalk
// staff ids are often numeric.
func parsePhone(first, rest string, strict bool) (Target, string, error) {
	strict = strict || strings.ContainsAny(first, "+()")
	plus, digits, err := phoneDigits(first)
	if err != nil {
		return Target{}, "", err
	}
	input, after := first, rest
	for !phoneComplete(plus, digits) {
		next, more := cut(after)
		if !isDigitGroup(next) {
			break
		}
		_, nd, _ := phoneDigits(next)
		nd = digits + nd
		if len(nd) > phoneMaxDigits(plus, nd) {
			break
		}
		digits, input, after = nd, input+" "+next, more
	}
	value, problem := phoneNumberValue(plus, digits)
	switch {
	case problem == "":
		return Target{Kind: Mobile, Value: value, Input: input}, after, nil
	case strict:
		return Target{}, "", syntaxErrorf("phone number %s %s", quoteShort(input, 32), problem)
	}
	if err := checkUserID(first); err != nil {
		return Target{}, "", err
	}
	return Target{Kind: UserID, Value: first, Input: first}, rest, nil
}

// phoneDigits extracts the digits of a phone word, which may start with
// "+" (after an optional "(") and contain "-", "(" and ")".
func phoneDigits(word string) (plus bool, digits string, err error) {
	var b strings.Builder
	for i := 0; i < len(word); i++ {
		switch c := word[i]; {
		case isDigit(c):
			b.WriteByte(c)
		case c == '+':
			if plus || strings.Trim(word[:i], "(") != "" {
				return false, "", syntaxErrorf(`misplaced "+" in phone number %s`, quoteShort(word, 32))
			}
			plus = true
		}
	}
	return plus, b.String(), nil
}

// Numbering plans where every number has the same length, so a number is
// known to be complete and following digits belong to the reason.
var fixedLengthPlans = []struct {
	countryCode string
	digits      int // including the country code
}{
	{"86", 13},  // mainland China mobiles
	{"852", 11}, // Hong Kong
	{"853", 11}, // Macau
	{"65", 10},  // Singapore
	{"1", 11},   // North America (NANP)
}

func fixedPlanDigits(digits string) int {
	for _, p := range fixedLengthPlans {
		if strings.HasPrefix(digits, p.countryCode) {
			return p.digits
		}
	}
	return 0
}

// phoneMaxDigits is the most digits a number starting with digits can have;
// zero when a number without "+" can't be a mainland mobile.
func phoneMaxDigits(plus bool, digits string) int {
	if plus {
		if n := fixedPlanDigits(digits); n > 0 {
			return n
		}
		return 15 // E.164
	}
	switch {
	case strings.HasPrefix(digits, "0086"):
		return 15
	case strings.HasPrefix(digits, "86"):
		return 13
	case strings.HasPrefix(digits, "1"):
		return 11
	}
	return 0
}

func phoneComplete(plus bool, digits string) bool {
	return len(digits) >= phoneMaxDigits(plus, digits)
}

// phoneNumberValue returns the normalised number, or what is wrong with it.
func phoneNumberValue(plus bool, digits string) (value, problem string) {
	national := digits
	switch {
	case plus && strings.HasPrefix(digits, "86"):
		national = digits[2:]
	case plus:
		return internationalValue(digits)
	case strings.HasPrefix(digits, "0086"):
		national = digits[4:]
	case strings.HasPrefix(digits, "86"):
		national = digits[2:]
	}
	prefixed := national != digits
	switch {
	case isMainlandMobile(national):
		return national, ""
	case !prefixed && !strings.HasPrefix(digits, "1"):
		return "", "is not a mainland China mobile number: add + and the country code for other countries"
	case prefixed && len(national) != 11:
		return "", "has " + digitCount(len(national)) + " after the 86, a mainland China mobile number has 11"
	case len(national) != 11:
		return "", "has " + digitCount(len(national)) + ", a mainland China mobile number has 11"
	}
	return "", "is not a mainland China mobile number (those start with 13 to 19)"
}

func internationalValue(digits string) (value, problem string) {
	n := len(digits)
	switch fixed := fixedPlanDigits(digits); {
	case n == 0:
		return "", "has no digits"
	case digits[0] == '0':
		return "", "is not valid: a country code never starts with 0"
	case fixed > 0 && n != fixed:
		return "", fmt.Sprintf("has %s, numbers in that country have %d (with the country code)", digitCount(n), fixed)
	case n < 7:
		return "", "is too short (" + digitCount(n) + ")"
	case n > 15:
		return "", fmt.Sprintf("is too long (%d digits, at most 15)", n)
	}
	return "+" + digits, ""
}

func digitCount(n int) string {
	if n == 1 {
		return "1 digit"
	}
	return strconv.Itoa(n) + " digits"
}

func isMainlandMobile(d string) bool {
	if len(d) != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9' {
		return false
	}
	for i := 2; i < len(d); i++ {
		if !isDigit(d[i]) {
			return false
		}
	}
	return true
}

// isPhoneWord reports whether w looks like (the start of) a phone number.
func isPhoneWord(w string) bool {
	return w != "" && strings.Trim(w, "0123456789+()-") == "" && strings.ContainsAny(w, "0123456789+")
}

// isDigitGroup reports whether w can continue a phone number.
func isDigitGroup(w string) bool {
	return w != "" && strings.Trim(w, "0123456789()-") == "" && strings.ContainsAny(w, "0123456789")
}

// checkUserID says what is wrong with w as a DingTalk userId, if anything.
func checkUserID(w string) error {
	if strings.HasPrefix(w, "$:") {
		return syntaxErrorf("%s is an encrypted DingTalk id, not a userId: %s", quoteShort(w, 24), giveIDOrMobile)
	}
	for _, r := range w {
		if r < utf8.RuneSelf && (isASCIIAlnum(byte(r)) || r == '_' || r == '.' || r == '-') {
			continue
		}
		switch {
		case r == '@':
			return syntaxErrorf("%s looks like an email address: %s", quoteShort(w, 32), giveIDOrMobile)
		case r >= utf8.RuneSelf && unicode.IsLetter(r):
			return syntaxErrorf("%s is not a userId: @mention the person in DingTalk, or give their userId or mobile number", quoteShort(w, 32))
		}
		return syntaxErrorf(`user %s contains %s: a DingTalk userId has only letters, digits, "_", "." and "-"`, quoteShort(w, 32), quoteShort(string(r), 1))
	}
	if len(w) > MaxUserIDLen {
		return syntaxErrorf("user ID is too long (%d characters, at most %d)", len(w), MaxUserIDLen)
	}
	return nil
}

func hasPrefixFoldASCII(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFoldASCII(s[:len(prefix)], prefix)
}
