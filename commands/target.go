package commands

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/signout-bot/signout-bot/i18n"
)

// giveIDOrMobile is the advice that ends a problem with the target.
var giveIDOrMobile = i18n.M(i18n.SyntaxGiveIDOrMobile)

// parseTarget reads the target at the start of in.text[start:], which is
// not empty, and returns it with the text after it. Quotes around the
// target ("alice", “alice”, 「alice」) are not part of it.
func parseTarget(in normalized, start int) (Target, string, error) {
	if t, rest, quoted, err := parseQuotedTarget(in, start); quoted {
		return t, rest, err
	}
	return parseBareTarget(in, start)
}

func parseBareTarget(in normalized, start int) (Target, string, error) {
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
		return parsePhone(word, rest)
	}
	if err := checkUserID(word); err != nil {
		return Target{}, "", err
	}
	return Target{Kind: UserID, Value: word, Input: word}, rest, nil
}

// targetQuotes are the quotes that may surround a target. Normalize has
// already turned smart quotes into ASCII ones.
var targetQuotes = []struct{ open, close string }{
	{`"`, `"`}, {"'", "'"}, {"「", "」"}, {"『", "』"},
}

// parseQuotedTarget reads a target in quotes, which end it explicitly: a
// number in quotes may be written with any spaces ("+44 20 7946 0958").
// quoted is false when in.text[start:] doesn't start with a quoted word.
func parseQuotedTarget(in normalized, start int) (t Target, rest string, quoted bool, err error) {
	s := in.text[start:]
	for _, q := range targetQuotes {
		if !strings.HasPrefix(s, q.open) {
			continue
		}
		n := strings.Index(s[len(q.open):], q.close)
		if n < 0 {
			return Target{}, "", false, nil
		}
		after := s[len(q.open)+n+len(q.close):]
		if after != "" && after[0] != ' ' {
			return Target{}, "", false, nil // a quote inside the word
		}
		lo, hi := start+len(q.open), start+len(q.open)+n
		if lo < hi && in.text[lo] == ' ' {
			lo++
		}
		if hi > lo && in.text[hi-1] == ' ' {
			hi--
		}
		t, err := parseQuotedText(in.prefix(hi), lo)
		return t, strings.TrimPrefix(after, " "), true, err
	}
	return Target{}, "", false, nil
}

// parseQuotedText parses in.text[start:], which was in quotes, as one target.
func parseQuotedText(in normalized, start int) (Target, error) {
	s := in.text[start:]
	if s == "" {
		return Target{}, syntaxError(i18n.SyntaxEmptyQuotes, giveIDOrMobile)
	}
	if strings.Contains(s, " ") && isSpacedPhone(s) {
		return wholePhone(s)
	}
	t, rest, err := parseBareTarget(in, start)
	if err != nil {
		return Target{}, err
	}
	if rest != "" {
		return Target{}, syntaxError(i18n.SyntaxQuotedMany, quoteShort(s, 32))
	}
	return t, nil
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
		if !strings.Contains(name[1:], "@") && !hasSeparator(name) && strings.Count(name, " ") <= maxMentionSpaces {
			word, rest = name, strings.TrimPrefix(s[end:], " ")
		}
	}
	if word == "@" {
		return Target{}, "", syntaxError(i18n.SyntaxEmptyMention)
	}
	if n := utf8.RuneCountInString(word) - 1; n > MaxMentionRunes {
		return Target{}, "", syntaxError(i18n.SyntaxMentionTooLong, n, MaxMentionRunes)
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
		return Target{}, "", syntaxError(i18n.SyntaxUnclosedLink, giveIDOrMobile)
	}
	link, label, _ := strings.Cut(s[1:end], "|")
	rest := strings.TrimSpace(s[end+1:])
	switch {
	case strings.HasPrefix(link, "@"):
		return Target{}, "", syntaxError(i18n.SyntaxSlackUser, giveIDOrMobile)
	case strings.HasPrefix(link, "!"), strings.HasPrefix(link, "#"):
		return Target{}, "", syntaxError(i18n.SyntaxChannel, giveIDOrMobile)
	case hasPrefixFoldASCII(link, "tel:"):
		t, err := parseTel(link[len("tel:"):], label)
		return t, rest, err
	case hasPrefixFoldASCII(link, "mailto:"):
		return Target{}, "", syntaxError(i18n.SyntaxEmailLink, giveIDOrMobile)
	}
	return Target{}, "", syntaxError(i18n.SyntaxLink, giveIDOrMobile)
}

// parseTel reads the number in a Slack tel: link. Input is the link's label
// when that is the same number as typed, else the number itself.
func parseTel(number, label string) (Target, error) {
	number = strings.ReplaceAll(number, " ", "")
	if !isPhoneWord(number) {
		return Target{}, syntaxError(i18n.SyntaxNotPhone, quoteShort(number, 24), giveIDOrMobile)
	}
	t, err := wholePhone(number)
	if err != nil {
		return Target{}, err
	}
	if l, err := wholePhone(label); err == nil && l.Value == t.Value {
		t.Input = label
	}
	return t, nil
}

// PhoneForms lists the ways a mobile number is recognised as the target,
// for the README. The number is only ever made of what was typed in the
// target position: where a reason that starts with digits could be read
// as part of the number, the command is refused with how to write it.
const PhoneForms = `A mobile number is recognised as the user only when written
- in one word: 13800138000, 138-0013-8000, 8613800138000,
  008613800138000, +8613800138000, +86-138-0013-8000, (+86)13800138000;
  other countries with + and the country code, 7 to 15 digits in all:
  +442079460958, +44-20-7946-0958;
- with spaces: 138 0013 8000 (exactly 3, 4 and 4 digits);
  +86 and the 11 digits grouped any way: +86 13800138000, +86 138 0013 8000;
  likewise +1, +65, +852 and +853, whose numbers have a fixed length:
  +1 415 555 2671, +852 9123 4567;
  other countries: + and the country code, a space, and the rest of the
  number in one word: +44 2079460958;
- in quotes, or as a Slack phone link, grouped any way: "+44 20 7946 0958".
The reason may start with digits only after a number in one word of a
fixed length (mainland China, +86, +1, +65, +852, +853):
"13800138000 2 laptops" is 13800138000. Otherwise a reason starting with
a group of digits is refused, as is a word of digits that could begin a
mobile number followed by more digits ("1500123 2025 laptop stolen"):
write the number in one word, put the user in quotes, or start the
reason with a word.`

// parsePhone reads a phone number typed in the target position, starting
// with the word first and taking digit groups from rest only in the forms
// PhoneForms lists. A word without "+" or parentheses that is not a mainland
// mobile number is taken as a userId instead: DingTalk staff ids are often
// numeric.
func parsePhone(first, rest string) (Target, string, error) {
	lead, after := first, rest
	if next, more := cut(rest); first == "+" && isDigitGroup(next) {
		lead, after = first+" "+next, more // "+ 86 138 0013 8000"
	}
	plus, digits, err := phoneDigits(lead)
	if err != nil {
		return Target{}, "", err
	}
	value, problem := phoneNumberValue(plus, digits)
	next, _ := cut(after)
	switch {
	case problem.IsZero():
		return typedPhone(Target{Kind: Mobile, Value: value, Input: lead}, after, plus, digits)
	case isDigitGroup(next):
		// Written with spaces, or a numeric userId followed by digits.
	case lead != first || strings.ContainsAny(first, "+()"):
		return Target{}, "", syntaxError(i18n.SyntaxPhone, quoteShort(lead, 32), problem)
	default:
		return userIDTarget(first, rest)
	}
	if plus {
		return parseSpacedInternational(lead, after, digits)
	}
	return parseSpacedMainland(first, rest, digits)
}

// typedPhone returns t, a valid number typed in the target position, unless
// the reason after it starts with digits that could be read as part of it.
func typedPhone(t Target, after string, plus bool, digits string) (Target, string, error) {
	next, _ := cut(after)
	if !isDigitGroup(next) {
		return t, after, nil
	}
	fixed := !plus || phoneMaxDigits(plus, digits) < maxE164Digits
	switch {
	case strings.Contains(t.Input, " "):
		return Target{}, "", unclearEnd(t.Input, after, noSpaces(plus, digits))
	case !fixed:
		return Target{}, "", unclearEnd(t.Input, after, i18n.M(i18n.SyntaxAdviceReasonByWord))
	}
	return t, after, nil
}

// parseSpacedInternational reads "+<cc> <digits> ...": lead, which is not a
// whole number, and digit groups from after. Where the length of the
// number is fixed its groups are taken until it is complete; otherwise
// lead must be just the country code and one word follow it.
func parseSpacedInternational(lead, after, digits string) (Target, string, error) {
	if digits != "" && digits[0] == '0' {
		_, problem := internationalValue(digits)
		return Target{}, "", syntaxError(i18n.SyntaxPhone, quoteShort(lead, 32), problem)
	}
	input := lead
	if n := phoneMaxDigits(true, digits); n < maxE164Digits {
		for len(digits) < n {
			next, more := cut(after)
			if !isDigitGroup(next) {
				break
			}
			_, d, _ := phoneDigits(next)
			digits, input, after = digits+d, input+" "+next, more
		}
	} else {
		next, more := cut(after)
		if then, _ := cut(more); len(digits) == 0 || len(digits) > 3 || isDigitGroup(then) {
			return Target{}, "", unclearEnd(lead, after, noSpaces(true, digits))
		}
		_, d, err := phoneDigits(next)
		if err != nil {
			return Target{}, "", err
		}
		digits, input, after = digits+d, input+" "+next, more
	}
	value, problem := phoneNumberValue(true, digits)
	if !problem.IsZero() {
		return Target{}, "", syntaxError(i18n.SyntaxPhone, quoteShort(input, 32), problem)
	}
	return typedPhone(Target{Kind: Mobile, Value: value, Input: input}, after, true, digits)
}

// parseSpacedMainland reads a number without "+" written with spaces,
// which is recognised only as 3, 4 and 4 digits ("138 0013 8000"): first
// might be a numeric userId and the digits after it the reason's.
func parseSpacedMainland(first, rest, digits string) (Target, string, error) {
	g2, more := cut(rest)
	g3, after := cut(more)
	if len(first) == 3 && allDigits(first) && len(g2) == 4 && allDigits(g2) && len(g3) == 4 && allDigits(g3) &&
		isMainlandMobile(first+g2+g3) {
		input := first + " " + g2 + " " + g3
		return typedPhone(Target{Kind: Mobile, Value: first + g2 + g3, Input: input}, after, false, first+g2+g3)
	}
	if couldStartMobile(digits) {
		return Target{}, "", syntaxError(i18n.SyntaxPhoneUnclear, quoteShort(first+" "+digitRun(rest), 32))
	}
	if strings.ContainsAny(first, "()") {
		_, problem := phoneNumberValue(false, digits)
		return Target{}, "", syntaxError(i18n.SyntaxPhone, quoteShort(first, 32), problem)
	}
	return userIDTarget(first, rest)
}

// unclearEnd is the error for a number whose end can't be told from the
// reason's start: number is followed by the digit groups at the start of
// after.
func unclearEnd(number, after string, advice i18n.Msg) error {
	if run := digitRun(after); run != "" {
		number += " " + run
	}
	return syntaxError(i18n.SyntaxPhoneUnclearEnd, quoteShort(number, 32), advice)
}

// digitRun is the digit groups at the start of s.
func digitRun(s string) string {
	end := 0
	for rest := s; ; {
		w, more := cut(rest)
		if !isDigitGroup(w) {
			return strings.TrimSuffix(s[:end], " ")
		}
		end, rest = len(s)-len(more), more
	}
}

// noSpaces is the advice to write the number in one word, with an example
// of the same kind as digits.
func noSpaces(plus bool, digits string) i18n.Msg {
	example := "+442079460958"
	switch {
	case !plus:
		example = "13800138000"
	case strings.HasPrefix(digits, "86"):
		example = "+8613800138000"
	}
	return i18n.M(i18n.SyntaxAdviceNoSpaces, i18n.Raw(example))
}

// couldStartMobile reports whether digits, without "+", are the start of
// a mainland mobile number written in any of the forms without "+"
// ("138", "86", "0086 138").
func couldStartMobile(digits string) bool {
	national := digits
	switch {
	case strings.HasPrefix(digits, "0086"):
		national = digits[4:]
	case strings.HasPrefix(digits, "86"):
		national = digits[2:]
	}
	switch {
	case national == "":
		return national != digits
	case national[0] != '1' || len(national) >= 11:
		return false
	}
	return len(national) == 1 || '3' <= national[1] && national[1] <= '9'
}

// isSpacedPhone reports whether s is a phone number's words: a phone word
// and digit groups.
func isSpacedPhone(s string) bool {
	first, rest := cut(s)
	if !isPhoneWord(first) {
		return false
	}
	for rest != "" {
		var w string
		w, rest = cut(rest)
		if !isDigitGroup(w) {
			return false
		}
	}
	return true
}

// wholePhone parses s, all of which is one phone number (in quotes or a
// Slack tel: link), so its digit groups are joined whatever their sizes.
func wholePhone(s string) (Target, error) {
	if !isSpacedPhone(s) {
		return Target{}, syntaxError(i18n.SyntaxNotPhone, quoteShort(s, 24), giveIDOrMobile)
	}
	plus, digits, err := phoneDigits(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		return Target{}, err
	}
	value, problem := phoneNumberValue(plus, digits)
	if !problem.IsZero() {
		return Target{}, syntaxError(i18n.SyntaxPhone, quoteShort(s, 32), problem)
	}
	return Target{Kind: Mobile, Value: value, Input: s}, nil
}

func userIDTarget(word, rest string) (Target, string, error) {
	if err := checkUserID(word); err != nil {
		return Target{}, "", err
	}
	return Target{Kind: UserID, Value: word, Input: word}, rest, nil
}

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
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
				return false, "", syntaxError(i18n.SyntaxPlusMisplaced, quoteShort(word, 32))
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
		return maxE164Digits
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

// phoneNumberValue returns the normalised number, or what is wrong with it.
func phoneNumberValue(plus bool, digits string) (value string, problem i18n.Msg) {
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
		return national, i18n.Msg{}
	case !prefixed && !strings.HasPrefix(digits, "1"):
		return "", i18n.M(i18n.PhoneNotMainland)
	case prefixed && len(national) != 11:
		return "", i18n.M(i18n.PhoneAfter86, digitCount(len(national)))
	case len(national) != 11:
		return "", i18n.M(i18n.PhoneMainlandLength, digitCount(len(national)))
	}
	return "", i18n.M(i18n.PhoneMainlandPrefix)
}

func internationalValue(digits string) (value string, problem i18n.Msg) {
	n := len(digits)
	switch fixed := fixedPlanDigits(digits); {
	case n == 0:
		return "", i18n.M(i18n.PhoneNoDigits)
	case digits[0] == '0':
		return "", i18n.M(i18n.PhoneCountryZero)
	case fixed > 0 && n != fixed:
		return "", i18n.M(i18n.PhonePlanLength, digitCount(n), fixed)
	case n < minE164Digits:
		return "", i18n.M(i18n.PhoneTooShort, digitCount(n))
	case n > maxE164Digits:
		return "", i18n.M(i18n.PhoneTooLong, n, maxE164Digits)
	}
	return "+" + digits, i18n.Msg{}
}

// Lengths of an international number, country code included: E.164 allows
// at most 15 digits; fewer than 7 is no country's mobile number.
const (
	minE164Digits = 7
	maxE164Digits = 15
)

// digitCount is "1 digit", "11 digits".
func digitCount(n int) i18n.Msg {
	if n == 1 {
		return i18n.M(i18n.PhoneDigitsOne)
	}
	return i18n.M(i18n.PhoneDigits, n)
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
		return syntaxError(i18n.SyntaxEncryptedID, quoteShort(w, 24), giveIDOrMobile)
	}
	for _, r := range w {
		if r < utf8.RuneSelf && (isASCIIAlnum(byte(r)) || r == '_' || r == '.' || r == '-') {
			continue
		}
		switch {
		case r == '@':
			return syntaxError(i18n.SyntaxEmailUser, quoteShort(w, 32), giveIDOrMobile)
		case r >= utf8.RuneSelf && unicode.IsLetter(r):
			return syntaxError(i18n.SyntaxNotUserID, quoteShort(w, 32))
		}
		return syntaxError(i18n.SyntaxUserIDChar, quoteShort(w, 32), quoteShort(string(r), 1))
	}
	if len(w) > MaxUserIDLen {
		return syntaxError(i18n.SyntaxUserIDTooLong, len(w), MaxUserIDLen)
	}
	return nil
}

func hasPrefixFoldASCII(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFoldASCII(s[:len(prefix)], prefix)
}
