package console_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/console"
	"github.com/signout-bot/signout-bot/i18n"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type session struct {
	t     *testing.T
	in    *io.PipeWriter
	lines chan string
	done  chan error
}

func startConsole(t *testing.T, lang i18n.Lang) *session {
	t.Helper()
	e, af := newEngine(t, filepath.Join(t.TempDir(), "audit.jsonl"))
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	s := &session{t: t, in: inW, lines: make(chan string, 64), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	go func() {
		c := console.New(inR, outW, lang)
		e.SetReplier(bot.Console, c)
		s.done <- c.Run(context.Background(), e, "hello")
		outW.Close()
	}()
	t.Cleanup(func() {
		inW.Close()
		<-s.done
		_ = e.Shutdown(context.Background())
		af.Close()
	})
	s.expect("^hello$")
	return s
}

// newEngine is a dry-run engine that trusts the console, auditing to path.
func newEngine(t *testing.T, path string) (*bot.Engine, *audit.File) {
	t.Helper()
	af, err := audit.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := bot.New(bot.Options{
		Policy: authz.New(authz.Rules{Invokers: map[string][]string{bot.Console: {bot.ConsoleUser}}}), Audit: af, TTL: time.Minute, DryRun: true, Parse: commands.Options{ReasonRequired: true},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e, af
}

func (s *session) send(line string) {
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		s.t.Fatal(err)
	}
}

func (s *session) expect(re string) []string {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case line := <-s.lines:
			s.t.Logf("out: %q", line)
			if m := rx.FindStringSubmatch(line); m != nil {
				return m
			}
		case <-deadline:
			s.t.Fatalf("no line matching %q", re)
		}
	}
}

// next reads the very next line, which must match re.
func (s *session) next(re string) []string {
	s.t.Helper()
	select {
	case line := <-s.lines:
		s.t.Logf("out: %q", line)
		m := regexp.MustCompile(re).FindStringSubmatch(line)
		if m == nil {
			s.t.Fatalf("line %q does not match %q", line, re)
		}
		return m
	case <-time.After(10 * time.Second):
		s.t.Fatalf("no line matching %q", re)
	}
	return nil
}

// expectPrompt reads a prompt, one regular expression a line, and
// returns the code that one of them captures.
func (s *session) expectPrompt(lines []string) (code string) {
	s.t.Helper()
	s.expect(lines[0])
	for _, re := range lines[1:] {
		if m := s.next(re); len(m) > 1 {
			code = m[1]
		}
	}
	return code
}

// TestConsoleFlowAndBadInput is a session in each language. The words of
// either language work in both: the session cancels with its own and
// confirms with the other's.
func TestConsoleFlowAndBadInput(t *testing.T) {
	for _, tc := range []struct {
		lang            i18n.Lang
		reason          string
		tooLong         string // the answers, as regular expressions
		noReason        string
		helpEnd         string
		prompt          []string // line by line; one captures the code
		cancel, confirm string   // typed before the code
		cancelled       string
		refused         string
		otherConfirm    string // the other language's confirm word
		result          string
	}{
		{
			lang: i18n.EN, reason: "lost phone",
			tooLong:  `^! That line is longer than 65,536 bytes; it was ignored\.$`,
			noReason: `^missing reason: say why, e\.g\. /signout alice lost phone  \(type help for the usage\)$`,
			helpEnd:  `^Up/Down recall earlier lines; Ctrl-D ends the console\.$`,
			prompt: []string{`^\? \[dry run: nothing will be sent to DingTalk\]$`, `^Sign out alice from DingTalk on every device\?$`, `^Reason: lost phone$`,
				`^To go ahead send: confirm ([A-Z0-9]{6})$`, `^To stop send: cancel [A-Z0-9]{6}$`, `^Expires \d\d:\d\d UTC, in \S+\. Request req-\S+$`},
			cancel: "cancel", confirm: "confirm",
			cancelled:    `^- Cancelled request req-\S+; nothing was done\.$`,
			refused:      `^! Request req-\S+ was cancelled; nothing was done\. Run /signout again if needed\.$`,
			otherConfirm: "确认",
			result:       `^= Dry run: would have signed out alice \(nothing was sent to DingTalk\)\.$`,
		},
		{
			lang: i18n.ZH, reason: "手机丢失",
			tooLong:  `^! 这一行超过 65,536 字节，已忽略。$`,
			noReason: `^缺少原因：请写明原因，例如 /signout alice 手机丢失  （输入“帮助”查看用法）$`,
			helpEnd:  `^上/下方向键调出之前的输入；Ctrl-D 结束控制台。$`,
			prompt: []string{`^\? \[演练模式：不会向钉钉发送任何请求\]$`, `^确定要将 alice 在所有设备上强制退出钉钉登录吗？$`, `^原因：手机丢失$`,
				`^继续请发送：确认 ([A-Z0-9]{6})$`, `^取消请发送：取消 [A-Z0-9]{6}$`, `^\d\d:\d\d UTC（\S+后）过期。请求编号 req-\S+$`},
			cancel: "取消", confirm: "确认",
			cancelled:    `^- 已取消请求 req-\S+，未执行任何操作。$`,
			refused:      `^! 请求 req-\S+ 已取消，未执行任何操作。如有需要，请重新发送 /signout。$`,
			otherConfirm: "confirm",
			result:       `^= 演练：本应将 alice 强制退出登录（未向钉钉发送任何请求）。$`,
		},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			s := startConsole(t, tc.lang)
			s.send(strings.Repeat("x", 70<<10)) // longer than a line may be
			s.expect(tc.tooLong)
			s.send("/signout alice")
			s.expect(tc.noReason)
			for _, help := range []string{"help", "/help", "?", "帮助"} {
				s.send(help)
				s.expect(tc.helpEnd)
			}
			s.send("/signout alice " + tc.reason + "\r") // a Windows line ending
			code := s.expectPrompt(tc.prompt)
			s.send(tc.cancel + " " + code)
			s.expect(tc.cancelled)
			s.send(tc.confirm + " " + code)
			s.expect(tc.refused)
			s.send("/signout alice " + tc.reason)
			code = s.expectPrompt(tc.prompt)
			s.send(tc.otherConfirm + " " + code)
			s.expect(tc.result)
			s.in.Close()
			if err := <-s.done; err != nil {
				t.Fatalf("run: %v", err)
			}
			s.done <- nil // for the cleanup
		})
	}
}
