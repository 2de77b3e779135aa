package commands

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/signout-bot/signout-bot/i18n"
)

var (
	codePattern    = regexp.MustCompile(`^[A-Z0-9]{4,12}$`)
	userIDPattern  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	mobilePattern  = regexp.MustCompile(`^(1[3-9][0-9]{9}|\+[1-9][0-9]{6,14})$`)
	invisibleChars = func(r rune) bool { return isControlOrFormat(r) || r == '\u200b' || r == '\ufeff' }
)

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.line, tc.opt.ReasonRequired)
	}
	for _, line := range []string{"/signout alice,bob,13800138000 phishing wave 2", "/signout alice, bob lost phones",
		"/signout alice，bob、carol 钓鱼", "/signout @张三\u2005@李四\u2005手机丢了", "/signout alice,,bob x", "/signout a , b"} {
		f.Add(line, true)
	}
	f.Fuzz(func(t *testing.T, line string, reasonRequired bool) {
		opt := Options{ReasonRequired: reasonRequired}
		n := Normalize(line)
		if Normalize(n) != n {
			t.Fatalf("Normalize is not idempotent: %q -> %q -> %q", line, n, Normalize(n))
		}
		if strings.IndexFunc(n, invisibleChars) >= 0 {
			t.Fatalf("Normalize(%q) = %q keeps control or format characters", line, n)
		}
		// A whole control sequence added at the end leaves nothing, however
		// the text before it ends (even inside an unfinished sequence).
		for _, seq := range terminalSequences {
			if got := Normalize(line + seq); got != n {
				t.Fatalf("Normalize(%q + %q) = %q, want %q", line, seq, got, n)
			}
		}
		cmd, err := Parse(line, opt)
		checkInvariants(t, line, cmd, err, opt)
		if err != nil {
			return
		}
		checkNoEscapes(t, line, cmd, opt)
		if cmd.Kind == SignOut {
			checkTargetOwnDigits(t, line, cmd)
			if len(cmd.Targets) == 0 {
				checkReasonCantMoveTarget(t, line, cmd, opt)
			}
		}
		checkChineseForms(t, line, cmd, opt)
		if len(cmd.Targets) > 1 {
			checkList(t, line, cmd, opt)
			return
		}
		if startsWithSeparator(cmd.Reason) {
			return // typed after a target in quotes; written bare it would continue a list
		}
		// Parsing the command as a person would type it gives it back.
		again, err := Parse(render(cmd), opt)
		if err != nil || !reflect.DeepEqual(again, cmd) {
			t.Fatalf("Parse(%q) = %+v\nre-rendered %q parses to %+v, %v", line, cmd, render(cmd), again, err)
		}
		if cmd.Kind != Help {
			args := strings.TrimPrefix(render(cmd), "/signout ")
			if again, err := ParseArgs(args, opt); err != nil || !reflect.DeepEqual(again, cmd) {
				t.Fatalf("ParseArgs(%q) = %+v, %v; want %+v", args, again, err, cmd)
			}
		}
	})
}

func checkInvariants(t *testing.T, line string, cmd Command, err error, opt Options) {
	t.Helper()
	if err != nil {
		var se *SyntaxError
		if !errors.As(err, &se) || se.Problem.IsZero() {
			t.Fatalf("Parse(%q) error %#v is not a *SyntaxError with a problem", line, err)
		}
		if p := se.Error(); len(p) > 300 || !utf8.ValidString(p) {
			t.Fatalf("Parse(%q) problem is too long or not UTF-8: %q", line, se.Problem)
		}
		// What the user typed may hold "%!" itself: it is masked.
		for _, lang := range i18n.Langs {
			if p := i18n.For(lang).Escaped(se.Problem, maskTyped); strings.Contains(p, "%!") {
				t.Fatalf("Parse(%q) problem in %s: %q", line, lang, p)
			}
		}
		if zh := i18n.For(i18n.ZH).Text(se.Problem); !strings.ContainsFunc(zh, isHan) {
			t.Fatalf("Parse(%q) problem is not Chinese: %q", line, zh)
		}
		if !reflect.DeepEqual(cmd, Command{}) {
			t.Fatalf("Parse(%q) returned %+v with an error", line, cmd)
		}
		return
	}
	switch cmd.Kind {
	case Help:
		if !reflect.DeepEqual(cmd, Command{Kind: Help}) {
			t.Fatalf("Parse(%q) = %+v: help with data", line, cmd)
		}
	case Confirm, Cancel, Approve, Deny:
		if !codePattern.MatchString(cmd.Code) || cmd.Target != (Target{}) || cmd.Reason != "" || cmd.RequestID != "" {
			t.Fatalf("Parse(%q) = %+v: bad %v", line, cmd, cmd.Kind)
		}
	case Status:
		if !validRequestID(cmd.RequestID) || cmd.RequestID != strings.ToLower(cmd.RequestID) || cmd.Code != "" || cmd.Count != 0 {
			t.Fatalf("Parse(%q) = %+v: bad status", line, cmd)
		}
	case History:
		if cmd.Count < 1 || cmd.Count > MaxHistory || cmd.RequestID != "" || cmd.Code != "" {
			t.Fatalf("Parse(%q) = %+v: bad history", line, cmd)
		}
	case SignOut, Enable:
		checkSignOut(t, line, cmd, opt)
	default:
		t.Fatalf("Parse(%q) = %+v: invalid Kind", line, cmd)
	}
}

// checkTarget checks one target of cmd.
func checkTarget(t *testing.T, line string, cmd Command, tg Target) {
	t.Helper()
	if tg.Value == "" || tg.Input == "" {
		t.Fatalf("Parse(%q) = %+v: empty target", line, cmd)
	}
	switch tg.Kind {
	case UserID:
		if !userIDPattern.MatchString(tg.Value) || tg.Input != tg.Value {
			t.Fatalf("Parse(%q) = %+v: bad userId", line, cmd)
		}
	case Mobile:
		if !mobilePattern.MatchString(tg.Value) {
			t.Fatalf("Parse(%q) = %+v: bad mobile", line, cmd)
		}
	case Mention:
		spaces := strings.Count(tg.Value, " ")
		if !strings.HasPrefix(tg.Value, "@") || len(tg.Value) < 2 || tg.Input != tg.Value ||
			strings.Contains(tg.Value, "  ") || strings.HasSuffix(tg.Value, " ") || tg.Value[1] == ' ' ||
			spaces > maxMentionSpaces || spaces > 0 && strings.Contains(tg.Value[1:], "@") {
			t.Fatalf("Parse(%q) = %+v: bad mention", line, cmd)
		}
	default:
		t.Fatalf("Parse(%q) = %+v: invalid TargetKind", line, cmd)
	}
	if strings.IndexFunc(tg.Input, invisibleChars) >= 0 {
		t.Fatalf("Parse(%q) = %+v: invisible characters in the target", line, cmd)
	}
}

func checkSignOut(t *testing.T, line string, cmd Command, opt Options) {
	t.Helper()
	if cmd.Code != "" {
		t.Fatalf("Parse(%q) = %+v: stray code", line, cmd)
	}
	if n := len(cmd.Targets); n == 1 || n > DefaultMaxTargets || n > 1 && !reflect.DeepEqual(cmd.Targets[0], cmd.Target) {
		t.Fatalf("Parse(%q) = %+v: bad target list", line, cmd)
	}
	for _, tg := range cmd.All() {
		checkTarget(t, line, cmd, tg)
	}
	r := cmd.Reason
	switch {
	case r == "" && opt.ReasonRequired:
		t.Fatalf("Parse(%q) = %+v: empty reason although required", line, cmd)
	case utf8.RuneCountInString(r) > DefaultMaxReasonRunes:
		t.Fatalf("Parse(%q): reason of %d characters", line, utf8.RuneCountInString(r))
	case !utf8.ValidString(r), strings.IndexFunc(r, invisibleChars) >= 0:
		t.Fatalf("Parse(%q): reason %q has invalid or invisible characters", line, r)
	case strings.TrimSpace(r) != r, strings.Contains(r, "  "):
		t.Fatalf("Parse(%q): reason %q has untidy spaces", line, r)
	}
}

// chineseWords are the Chinese forms of the commands that take a code.
var chineseWords = map[Kind]string{Confirm: "确认", Cancel: "取消"}

// checkChineseForms checks that a confirmation or cancellation typed in
// Chinese, with the space or without, is the same command.
func checkChineseForms(t *testing.T, line string, cmd Command, opt Options) {
	t.Helper()
	word, ok := chineseWords[cmd.Kind]
	if !ok {
		return
	}
	suffix := ""
	if cmd.Disable {
		suffix = " 停用"
	}
	for _, typed := range []string{word + " " + cmd.Code + suffix, word + cmd.Code + suffix, "/signout " + word + cmd.Code + suffix} {
		if got, err := Parse(typed, opt); err != nil || !reflect.DeepEqual(got, cmd) {
			t.Fatalf("Parse(%q) = %+v, but Parse(%q) = %+v, %v", line, cmd, typed, got, err)
		}
	}
}

// terminalSequences are whole terminal control sequences: colours, a title,
// an arrow key, a two-byte escape, 8-bit CSI and OSC.
var terminalSequences = []string{"\x1b[0m", "\x1b[1;31m", "\x1b]0;title\x07", "\x1b[D", "\x1b7", "\u009b2J", "\u009d2;t\u009c", "\x1bP1$r\x1b\\"}

// checkNoEscapes checks that no control sequence survives into the
// command, and that one typed after the reason changes nothing.
func checkNoEscapes(t *testing.T, line string, cmd Command, opt Options) {
	t.Helper()
	for _, f := range []string{cmd.Target.Value, cmd.Target.Input, cmd.Reason, cmd.Code} {
		if strings.IndexFunc(f, invisibleChars) >= 0 {
			t.Fatalf("Parse(%q) = %+v: control or format character in %q", line, cmd, f)
		}
	}
	if cmd.Kind != SignOut || cmd.Reason == "" {
		return
	}
	for _, seq := range terminalSequences {
		if got, err := Parse(line+" "+seq, opt); err != nil || !reflect.DeepEqual(got, cmd) {
			t.Fatalf("Parse(%q) = %+v, %v; without %q it is %+v", line+" "+seq, got, err, seq, cmd)
		}
	}
}

// checkTargetOwnDigits checks that a mobile number's digits are those typed
// in the target, and only those.
func checkTargetOwnDigits(t *testing.T, line string, cmd Command) {
	t.Helper()
	tg := cmd.Target
	if tg.Kind != Mobile {
		return
	}
	typed := digitsOf(tg.Input)
	ok := typed == digitsOf(tg.Value)
	if !strings.HasPrefix(tg.Value, "+") {
		ok = ok || typed == "86"+tg.Value || typed == "0086"+tg.Value
	}
	if !ok {
		t.Fatalf("Parse(%q) = %+v: the number's digits are not the target's", line, cmd)
	}
}

// reasonsStartingWithDigits are reasons that a parser joining digit groups
// would take into the number before them.
var reasonsStartingWithDigits = []string{"2 laptops", "2025 laptop stolen", "0958 x", "12", "138 0013 8000", "(1) x", "2-3 phones", "lost", ""}

// checkReasonCantMoveTarget checks that the target is what was typed in the
// target position: the same target followed by any other reason is the
// same target, or refused.
func checkReasonCantMoveTarget(t *testing.T, line string, cmd Command, opt Options) {
	t.Helper()
	target := cmd.Target.Input
	if cmd.Target.Kind == Mention {
		target += "\u2005"
	}
	for _, reason := range reasonsStartingWithDigits {
		again := "/signout " + target + " " + reason
		got, err := Parse(again, Options{})
		if err == nil && got.Target != cmd.Target {
			t.Fatalf("Parse(%q) = %+v\nbut %q names %+v", line, cmd, again, got.Target)
		}
	}
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// render writes cmd the way a person would type it, quoting a userId
// followed by digits (1500123 2025 would be refused). A mobile number is
// given as a Slack tel: link, which ends the number explicitly: typed out,
// "+44 20 7946 0958 2 laptops" can't tell the number's last group from the
// reason's first word, so Input alone could be read differently. A mention
// ends with U+2005, as DingTalk sends it.
func render(cmd Command) string {
	switch cmd.Kind {
	case Confirm, Cancel, Approve, Deny:
		if cmd.Disable {
			return cmd.Kind.String() + " " + cmd.Code + " disable"
		}
		return cmd.Kind.String() + " " + cmd.Code
	case Status:
		return "/signout status " + cmd.RequestID
	case History:
		return fmt.Sprintf("/signout history %d", cmd.Count)
	case SignOut, Enable:
		target := cmd.Target.Input
		switch cmd.Target.Kind {
		case UserID:
			if first, _ := cut(cmd.Reason); isDigitGroup(first) {
				target = `"` + target + `"` // "1500123" 2025 laptops
			}
		case Mobile:
			target = "<tel:" + cmd.Target.Value + "|" + cmd.Target.Input + ">"
		case Mention:
			target += "\u2005"
		}
		if cmd.Kind == Enable {
			return "/signout enable " + target + " " + cmd.Reason
		}
		return "/signout " + target + " " + cmd.Reason
	}
	return "help"
}

// checkList checks a list of targets: each written alone names the same
// person, and the list written with commas is the same command.
func checkList(t *testing.T, line string, cmd Command, opt Options) {
	t.Helper()
	inputs := make([]string, len(cmd.Targets))
	plain := true
	for i, tg := range cmd.Targets {
		inputs[i] = tg.Input
		plain = plain && tg.Kind == UserID && !strings.ContainsAny(tg.Input, ",、 \"'")
		alone := render(Command{Kind: cmd.Kind, Target: tg, Reason: cmd.Reason})
		if tg.Kind == UserID {
			alone = "/signout \"" + tg.Input + "\" " + cmd.Reason // "help" alone is a command
			if cmd.Kind == Enable {
				alone = "/signout enable \"" + tg.Input + "\" " + cmd.Reason
			}
		}
		if startsWithSeparator(cmd.Reason) || tg.Kind == Mention && strings.HasPrefix(cmd.Reason, "@") {
			continue // alone, the reason's start would continue the list
		}
		again, err := Parse(alone, opt)
		if err != nil || again.Target != tg {
			t.Fatalf("Parse(%q) = %+v\ntarget %d alone (%q) parses to %+v, %v", line, cmd, i, alone, again, err)
		}
	}
	if first, _ := cut(cmd.Reason); !plain || cmd.Reason == "" || isDigitGroup(first) || cmd.Kind != SignOut {
		// only plain userIds are written back as a list
		return
	}
	list := "/signout " + strings.Join(inputs, ", ") + " " + cmd.Reason
	if again, err := Parse(list, opt); err != nil || !reflect.DeepEqual(again, cmd) {
		t.Fatalf("Parse(%q) = %+v\nlist %q parses to %+v, %v", line, cmd, list, again, err)
	}
}
