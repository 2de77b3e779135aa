package commands

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
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
	f.Fuzz(func(t *testing.T, line string, reasonRequired bool) {
		opt := Options{ReasonRequired: reasonRequired}
		if n := Normalize(line); Normalize(n) != n {
			t.Fatalf("Normalize is not idempotent: %q -> %q -> %q", line, n, Normalize(n))
		}
		cmd, err := Parse(line, opt)
		checkInvariants(t, line, cmd, err, opt)
		if err != nil {
			return
		}
		// Parsing the command as a person would type it gives it back.
		again, err := Parse(render(cmd), opt)
		if err != nil || again != cmd {
			t.Fatalf("Parse(%q) = %+v\nre-rendered %q parses to %+v, %v", line, cmd, render(cmd), again, err)
		}
		if cmd.Kind != Help {
			args := strings.TrimPrefix(render(cmd), "/signout ")
			if again, err := ParseArgs(args, opt); err != nil || again != cmd {
				t.Fatalf("ParseArgs(%q) = %+v, %v; want %+v", args, again, err, cmd)
			}
		}
	})
}

func checkInvariants(t *testing.T, line string, cmd Command, err error, opt Options) {
	t.Helper()
	if err != nil {
		var se *SyntaxError
		if !errors.As(err, &se) || se.Problem == "" {
			t.Fatalf("Parse(%q) error %#v is not a *SyntaxError with a problem", line, err)
		}
		if len(se.Problem) > 300 || !utf8.ValidString(se.Problem) {
			t.Fatalf("Parse(%q) problem is too long or not UTF-8: %q", line, se.Problem)
		}
		if cmd != (Command{}) {
			t.Fatalf("Parse(%q) returned %+v with an error", line, cmd)
		}
		return
	}
	switch cmd.Kind {
	case Help:
		if cmd != (Command{Kind: Help}) {
			t.Fatalf("Parse(%q) = %+v: help with data", line, cmd)
		}
	case Confirm, Cancel:
		if !codePattern.MatchString(cmd.Code) || cmd.Target != (Target{}) || cmd.Reason != "" {
			t.Fatalf("Parse(%q) = %+v: bad %v", line, cmd, cmd.Kind)
		}
	case SignOut:
		checkSignOut(t, line, cmd, opt)
	default:
		t.Fatalf("Parse(%q) = %+v: invalid Kind", line, cmd)
	}
}

func checkSignOut(t *testing.T, line string, cmd Command, opt Options) {
	t.Helper()
	tg := cmd.Target
	if tg.Value == "" || tg.Input == "" || cmd.Code != "" {
		t.Fatalf("Parse(%q) = %+v: empty target or stray code", line, cmd)
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

// render writes cmd the way a person would type it. A mobile number is
// given as a Slack tel: link, which ends the number explicitly: typed out,
// "+44 20 7946 0958 2 laptops" can't tell the number's last group from the
// reason's first word, so Input alone could be read differently. A mention
// ends with U+2005, as DingTalk sends it.
func render(cmd Command) string {
	switch cmd.Kind {
	case Confirm, Cancel:
		return cmd.Kind.String() + " " + cmd.Code
	case SignOut:
		target := cmd.Target.Input
		switch cmd.Target.Kind {
		case Mobile:
			target = "<tel:" + cmd.Target.Value + "|" + cmd.Target.Input + ">"
		case Mention:
			target += "\u2005"
		}
		return "/signout " + target + " " + cmd.Reason
	}
	return "help"
}
