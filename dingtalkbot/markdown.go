package dingtalkbot

import (
	"net/url"
	"strings"
)

// escapeMarkdown makes s literal in DingTalk markdown: a backslash before
// every character that can start emphasis, code, a link or image ("[",
// "]"), an HTML tag such as <font>, strikethrough or a table, and before the
// markers that only count at the start of a line (headings, quotes, lists,
// setext underlines). Lines are escaped one by one and joined with blank
// lines, since DingTalk joins single newlines into one paragraph.
func escapeMarkdown(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
	for _, line := range lines {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, escapeLine(line))
		}
	}
	return strings.Join(out, "\n\n")
}

var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\u2028", " ", "\u2029", " ")

// markdownInline are escaped wherever they appear.
const markdownInline = "\\`*_[]<>~|#"

// escapeLine escapes text for use within one line: line breaks become spaces.
func escapeLine(line string) string {
	line = strings.TrimSpace(lineBreaks.Replace(line))
	if line == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(line) + 8)
	if n := orderedMarker(line); n > 0 {
		// "1. item" or "1) item": escape the punctuation after the digits.
		b.WriteString(line[:n])
		b.WriteByte('\\')
		line = line[n:]
	} else if line[0] == '-' || line[0] == '+' || line[0] == '=' {
		b.WriteByte('\\')
	}
	for _, r := range line {
		if r < 0x80 && strings.ContainsRune(markdownInline, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// orderedMarker returns the number of digits before a "." or ")" that
// would make line an ordered list item, or 0.
func orderedMarker(line string) int {
	n := 0
	for n < len(line) && n < 10 && '0' <= line[n] && line[n] <= '9' {
		n++
	}
	if n > 0 && n < len(line) && (line[n] == '.' || line[n] == ')') {
		return n
	}
	return 0
}

// dtmdSendMessage is a link that makes the DingTalk client of whoever taps it
// send content as a message in the current chat. The host must be lowercase:
// DingTalk ignores "dingtalkClient".
func dtmdSendMessage(content string) string {
	return "dtmd://dingtalkclient/sendMessage?content=" + url.QueryEscape(content)
}
