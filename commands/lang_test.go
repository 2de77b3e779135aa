package commands

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/signout-bot/signout-bot/i18n"
)

// problems is every problem the parse tests expect, with the line that
// gives it.
func problems(t *testing.T) map[string]*SyntaxError {
	t.Helper()
	out := map[string]*SyntaxError{}
	add := func(line string, err error) {
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("%q: %v is not a *SyntaxError", line, err)
		}
		out[line] = se
	}
	for _, tc := range parseCases {
		if tc.wantErr != "" {
			_, err := Parse(tc.line, tc.opt)
			add(tc.line, err)
		}
	}
	for _, tc := range parseArgsCases {
		if tc.wantErr != "" {
			_, err := ParseArgs(tc.args, required)
			add("args: "+tc.args, err)
		}
	}
	return out
}

// latinWord is a run of Latin letters; zhKeepsLatin are those a Chinese
// problem may hold besides what the user typed and code points (U+202E):
// names kept as they are (userId, CODE, Slack, /signout) and the command
// word the user used.
var (
	latinWord    = regexp.MustCompile(`[A-Za-z]{2,}`)
	codePoint    = regexp.MustCompile(`U\+[0-9A-F]{4,6}`)
	zhKeepsLatin = map[string]bool{"userId": true, "ID": true, "CODE": true, "Slack": true, "signout": true, "confirm": true, "cancel": true, "approve": true, "deny": true}
)

// Every problem renders in both languages, and the Chinese one is Chinese:
// with what the user typed masked, no English word is left.
func TestProblemsInBothLanguages(t *testing.T) {
	en, zh := i18n.For(i18n.EN), i18n.For(i18n.ZH)
	for line, se := range problems(t) {
		e, z := en.Text(se.Problem), zh.Text(se.Problem)
		if strings.Contains(en.Escaped(se.Problem, maskTyped), "%!") || strings.Contains(zh.Escaped(se.Problem, maskTyped), "%!") {
			t.Errorf("%q renders badly:\n en %q\n zh %q", line, e, z)
		}
		if e == z || !strings.ContainsFunc(z, isHan) {
			t.Errorf("%q: no Chinese problem: %q", line, z)
		}
		for _, w := range latinWord.FindAllString(codePoint.ReplaceAllString(zh.Escaped(se.Problem, maskTyped), ""), -1) {
			if !zhKeepsLatin[w] {
				t.Errorf("%q: English %q in %q", line, w, z)
			}
		}
	}
}

// maskTyped stands for what the user typed, in a rendered problem.
func maskTyped(string) string { return "…" }

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func TestChineseProblems(t *testing.T) {
	tests := []struct {
		line string
		opt  Options
		want string
	}{
		{"/signout 张三 lost", required, "“张三”不是 userId：请在钉钉中 @ 此人，或提供其 userId 或手机号"},
		{"/signout <@U123ABC> lost laptop", required, "Slack 用户无法强制退出登录：请提供此人的钉钉 userId 或手机号"},
		{"/signout +86 10 1234 5678 x", required, "号码“+86 10 1234 5678”在 86 后有 10 位，中国大陆手机号为 11 位"},
		{"/signout (1) x", required, "号码“(1)”有 1 位，中国大陆手机号为 11 位"},
		{"/signout +86 138 0013 8000 2 laptops", required, "无法判断号码“+86 138 0013 8000 2”到哪里结束、原因从哪里开始：请连写号码、不加空格，例如 +8613800138000"},
		{"/signout ali\u202ece lost", required, "用户“alice”中有不可见字符（U+202E）：请重新输入"},
		{"/signout alice", required, "缺少原因：请写明原因，例如 /signout alice 手机丢失"},
		{"确认", Options{}, "缺少确认码：请发送“确认 CODE”，CODE 为提示中的确认码"},
		{"confirm AB12CD now", Options{}, "确认码后多了“now”：只需发送“confirm CODE”"},
		{"hello", Options{}, "未知命令“hello”"},
		{"/signout alice " + strings.Repeat("x", MaxLineBytes), required, "消息太长（16,399 字节，最多 16,384 字节）"},
	}
	zh := i18n.For(i18n.ZH)
	for _, tc := range tests {
		_, err := Parse(tc.line, tc.opt)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("%q: got %v, want a *SyntaxError", tc.line, err)
		}
		if got := zh.Text(se.Problem); got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.line, got, tc.want)
		}
	}
}

// What the user typed reaches the front end's escaping; the catalog's own
// words and the bot's (the command word, a code point) do not.
func TestProblemArgumentsAreEscaped(t *testing.T) {
	esc := strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace
	var se *SyntaxError
	_, err := Parse("hello<b>", Options{})
	if !errors.As(err, &se) {
		t.Fatalf("got %v", err)
	}
	if got, want := i18n.For(i18n.ZH).Escaped(se.Problem, esc), "未知命令“hello&lt;b&gt;”"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	_, err = Parse("/signout @a<b\u202e lost", required)
	if !errors.As(err, &se) {
		t.Fatalf("got %v", err)
	}
	if got, want := i18n.For(i18n.EN).Escaped(se.Problem, esc), `the user "@a&lt;b" contains an invisible character (U+202E): type it again`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestUsageInBothLanguages(t *testing.T) {
	if got := i18n.For(i18n.EN).Text(UsageMsg); got != Usage {
		t.Errorf("Usage is not UsageMsg in English:\n%s", got)
	}
	zh := i18n.For(i18n.ZH).Text(UsageMsg)
	lines := strings.Split(zh, "\n")
	if len(lines) > 8 {
		t.Errorf("Chinese usage has %d lines, want at most 8", len(lines))
	}
	for _, l := range lines {
		// A Han character or full-width punctuation is as wide as two
		// Latin letters on a phone.
		if n := displayWidth(l); n > 36 {
			t.Errorf("Chinese usage line %q is %d columns wide, want at most 36", l, n)
		}
	}
	for _, want := range []string{"/signout <用户> <原因>", "userId", "手机号", "@姓名", "确认 CODE", "取消 CODE", "/signout 帮助", "confirm", "cancel", "help"} {
		if !strings.Contains(zh, want) {
			t.Errorf("Chinese usage lacks %q", want)
		}
	}
	// Every command the Chinese usage names parses.
	for _, line := range []string{"确认 AB12CD", "取消 AB12CD", "/signout 帮助"} {
		if _, err := Parse(line, required); err != nil {
			t.Errorf("Parse(%q): %v", line, err)
		}
	}
	ex := zh[strings.LastIndex(zh, "例：")+len("例："):]
	if cmd, err := Parse(ex, required); err != nil || !reflect.DeepEqual(cmd, userID("alice", "手机丢失")) {
		t.Errorf("Parse(%q) = %+v, %v", ex, cmd, err)
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// The Chinese usage is measured in columns, the English one in runes: the
// same limit for both.
func TestDisplayWidth(t *testing.T) {
	if got := displayWidth("确认 CODE（x）"); got != 4+1+4+2+1+2 {
		t.Errorf("got %d", got)
	}
	if got := displayWidth(Usage); got != utf8.RuneCountInString(Usage) {
		t.Errorf("English usage: %d columns for %d runes", got, utf8.RuneCountInString(Usage))
	}
}
