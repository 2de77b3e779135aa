package commands

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Normalize undoes what phone keyboards and chat clients do to typed text:
// it folds full-width ASCII (ｓｉｇｎｏｕｔ, １３８) to ASCII, turns smart
// quotes into ASCII quotes, turns every run of Unicode spaces (NBSP, U+3000,
// the U+2005 DingTalk puts after @mentions, tabs, newlines, ...) into a
// single ASCII space, and removes zero-width, other control (Cc) and format
// (Cf) characters such as the bidi override U+202E. Terminal control
// sequences (colours, titles, the arrow keys of a console) are removed
// whole, not just their ESC: see sequenceScanner. The result has no
// leading or trailing space. Invalid UTF-8 becomes U+FFFD.
func Normalize(s string) string {
	return normalize(s, false).text
}

// normalized is normalised text with a record of the invisible characters
// taken out of it, so that the parser can refuse a target that had one:
// what the user saw is not what they typed.
type normalized struct {
	text    string
	removed []removal // in order of offset
	// mentionEnds are the offsets of the U+2005 spaces DingTalk puts after
	// an @mention, which let a mention hold spaces ("@Alice Wu").
	mentionEnds []int
}

// removal is a control or format character removed at offset at of the
// normalised text (zero-width characters are removed without a record).
type removal struct {
	at int
	r  rune
}

func normalize(s string, track bool) normalized {
	var (
		b           strings.Builder
		removed     []removal
		mentionEnds []int
		space       bool // a space is due before the next character
	)
	var seq sequenceScanner
	b.Grow(len(s))
	for _, r := range s {
		if inSeq, started := seq.scan(r); inSeq {
			if started && track {
				removed = append(removed, removal{at: removalOffset(b.Len(), space), r: r})
			}
			continue
		}
		r = foldRune(r)
		switch {
		case r < 0:
			continue
		case unicode.IsSpace(r):
			if track && r == '\u2005' && !space && b.Len() > 0 {
				mentionEnds = append(mentionEnds, b.Len())
			}
			space = b.Len() > 0
			continue
		case isControlOrFormat(r):
			if track {
				removed = append(removed, removal{at: removalOffset(b.Len(), space), r: r})
			}
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return normalized{text: b.String(), removed: removed, mentionEnds: mentionEnds}
}

// removalOffset is where a character removed now sits in the normalised
// text: after the space that is due, if one is.
func removalOffset(n int, space bool) int {
	if space {
		return n + 1
	}
	return n
}

// removedIn returns the first character removed within text[lo:hi], or
// right at its end (attached to the last word).
func (n normalized) removedIn(lo, hi int) (rune, bool) {
	for _, rm := range n.removed {
		if rm.at > hi {
			break
		}
		if rm.at >= lo {
			return rm.r, true
		}
	}
	return 0, false
}

// mentionEnd returns the offset of the first U+2005 after start.
func (n normalized) mentionEnd(start int) (int, bool) {
	for _, e := range n.mentionEnds {
		if e > start {
			return e, true
		}
	}
	return 0, false
}

// prefix is in cut to its first n bytes, for parsing a quoted target.
func (n normalized) prefix(end int) normalized {
	p := normalized{text: n.text[:end]}
	for _, e := range n.mentionEnds {
		if e <= end {
			p.mentionEnds = append(p.mentionEnds, e)
		}
	}
	return p
}

// foldRune maps r to its normal form, or returns -1 to drop it silently.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return r
	}
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF': // zero-width
		return -1
	case '\u201C', '\u201D': // “ ”
		return '"'
	case '\u2018', '\u2019': // ‘ ’
		return '\''
	}
	if f := width.LookupRune(r).Folded(); f != 0 {
		return f
	}
	return r
}

func isControlOrFormat(r rune) bool {
	if r < utf8.RuneSelf {
		return r < 0x20 || r == 0x7f
	}
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r)
}

// cut splits normalised text at its first space.
func cut(s string) (word, rest string) {
	word, rest, _ = strings.Cut(s, " ")
	return word, rest
}

// equalFoldASCII reports whether s equals the lower-case ASCII word, ignoring
// ASCII case only (so "ſignout" is not "signout").
func equalFoldASCII(s, word string) bool {
	if len(s) != len(word) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}
