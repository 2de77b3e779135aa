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

func startConsole(t *testing.T) *session {
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
		c := console.New(inR, outW, i18n.EN)
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

func TestConsoleFlowAndBadInput(t *testing.T) {
	s := startConsole(t)
	s.send(strings.Repeat("x", 70<<10)) // longer than a line may be
	s.expect(`^! That line is longer than`)
	s.send("/signout alice")
	s.expect(`^missing reason.*\(type help for the usage\)$`)
	for _, help := range []string{"help", "/help", "?"} {
		s.send(help)
		s.expect(`^Up/Down recall earlier lines; Ctrl-D ends the console\.$`)
	}
	s.send("/signout alice lost phone\r") // a Windows line ending
	code := s.expect(`confirm ([A-Z0-9]{6})`)[1]
	s.send("cancel " + code)
	s.expect(`^- Cancelled request req-`)
	s.send("confirm " + code)
	s.expect(`^! Request req-\S+ was cancelled`)
	s.in.Close()
	if err := <-s.done; err != nil {
		t.Fatalf("run: %v", err)
	}
	s.done <- nil // for the cleanup
}
