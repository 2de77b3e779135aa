package commands

import (
	"strings"

	"github.com/signout-bot/signout-bot/i18n"
)

// A target list: "alice,bob,13800138000", with full-width commas ("，",
// folded to "," by Normalize) and "、" too. A space after (or before) a
// comma continues the list: "alice, bob lost phones" names alice and bob.
// In DingTalk several @mentions in a row name several people: "@张三 @李四 …".
// Each item is one target written as it would be alone, in one word or
// in quotes.

// listSeparators separate the items of a target list.
var listSeparators = []string{",", "、"}

// maxTargets is opt's limit on the people one command names.
func maxTargets(opt Options) int {
	if opt.MaxTargets > 0 {
		return opt.MaxTargets
	}
	return DefaultMaxTargets
}

// parseTargets reads the target or targets at the start of in.text[start:],
// which is not empty, and returns them with the text after them.
func parseTargets(in normalized, start int, opt Options) ([]Target, string, error) {
	end := listEnd(in.text, start)
	if !hasSeparator(in.text[start:end]) {
		t, rest, err := parseTarget(in, start)
		if err != nil {
			return nil, "", err
		}
		if t.Kind == Mention {
			return moreMentions(in, t, rest, opt)
		}
		return []Target{t}, rest, nil
	}
	items := splitList(in.text, start, end)
	if len(items) > maxTargets(opt) {
		return nil, "", syntaxError(i18n.SyntaxTooManyTargets, len(items), maxTargets(opt))
	}
	targets := make([]Target, 0, len(items))
	for _, it := range items {
		t, err := parseListItem(in.prefix(it.hi), it.lo, it.hi)
		if err != nil {
			return nil, "", err
		}
		targets = append(targets, t)
	}
	return targets, strings.TrimPrefix(in.text[end:], " "), nil
}

// moreMentions reads the @mentions that follow the first one directly
// (themselves perhaps a list).
func moreMentions(in normalized, first Target, rest string, opt Options) ([]Target, string, error) {
	if !strings.HasPrefix(rest, "@") || rest == "@" || strings.HasPrefix(rest, "@ ") {
		return []Target{first}, rest, nil
	}
	more, after, err := parseTargets(in, len(in.text)-len(rest), opt)
	if err != nil {
		return nil, "", err
	}
	if n := 1 + len(more); n > maxTargets(opt) {
		return nil, "", syntaxError(i18n.SyntaxTooManyTargets, n, maxTargets(opt))
	}
	return append([]Target{first}, more...), after, nil
}

// listEnd is where the target list starting at s[start] ends: at the
// first space that neither follows nor precedes a separator.
func listEnd(s string, start int) int {
	i := start
	for {
		sp := strings.IndexByte(s[i:], ' ')
		if sp < 0 {
			return len(s)
		}
		word, next := s[i:i+sp], s[i+sp+1:]
		if !endsWithSeparator(word) && !startsWithSeparator(next) {
			return i + sp
		}
		i += sp + 1
	}
}

func hasSeparator(s string) bool {
	for _, sep := range listSeparators {
		if strings.Contains(s, sep) {
			return true
		}
	}
	return false
}

func endsWithSeparator(s string) bool {
	for _, sep := range listSeparators {
		if strings.HasSuffix(s, sep) {
			return true
		}
	}
	return false
}

func startsWithSeparator(s string) bool {
	for _, sep := range listSeparators {
		if strings.HasPrefix(s, sep) {
			return true
		}
	}
	return false
}

// span is an item of a list: s[lo:hi], spaces around it left out.
type span struct{ lo, hi int }

// splitList splits s[start:end] at its separators.
func splitList(s string, start, end int) []span {
	var items []span
	lo := start
	for i := start; i <= end; {
		n := 0
		if i < end {
			for _, sep := range listSeparators {
				if strings.HasPrefix(s[i:end], sep) {
					n = len(sep)
				}
			}
		}
		if i == end || n > 0 {
			items = append(items, trimSpan(s, lo, i))
			if i == end {
				break
			}
			i += n
			lo = i
			continue
		}
		i++
	}
	return items
}

func trimSpan(s string, lo, hi int) span {
	for lo < hi && s[lo] == ' ' {
		lo++
	}
	for hi > lo && s[hi-1] == ' ' {
		hi--
	}
	return span{lo, hi}
}

// parseListItem parses in.text[lo:hi], one item of a list, as one target.
func parseListItem(in normalized, lo, hi int) (Target, error) {
	if lo == hi {
		return Target{}, syntaxError(i18n.SyntaxEmptyListItem)
	}
	t, rest, err := parseTarget(in, lo)
	if err != nil {
		return Target{}, err
	}
	if rest != "" {
		return Target{}, syntaxError(i18n.SyntaxListItemMany, quoteShort(in.text[lo:hi], 32))
	}
	return t, nil
}
