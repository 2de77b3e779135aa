package console_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/creack/pty"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/console"
	"github.com/signout-bot/signout-bot/i18n"
)

// screen collects what the console writes to the terminal and wakes
// waiters on every write.
type screen struct {
	mu   sync.Mutex
	cond *sync.Cond
	buf  strings.Builder
	eof  bool
}

func newScreen(r io.Reader) *screen {
	s := &screen{}
	s.cond = sync.NewCond(&s.mu)
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := r.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.eof = err != nil
			s.cond.Broadcast()
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return s
}

// wait blocks until the output so far matches re, or the pty closes.
func (s *screen) wait(t *testing.T, re string) []string {
	t.Helper()
	rx := regexp.MustCompile(re)
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if m := rx.FindStringSubmatch(s.buf.String()); m != nil {
			return m
		}
		if s.eof {
			t.Fatalf("terminal closed without %q; screen:\n%q", re, s.buf.String())
		}
		s.cond.Wait()
	}
}

type ptySession struct {
	master *os.File
	screen *screen
	audit  string
	done   chan error
}

// startPTY runs the console on a pseudo-terminal, as a person would see it.
func startPTY(t *testing.T) *ptySession {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	e, af := newEngine(t, path)
	s := &ptySession{master: master, screen: newScreen(master), audit: path, done: make(chan error, 1)}
	c := console.New(tty, tty, i18n.EN)
	e.SetReplier(bot.Console, c)
	go func() { s.done <- c.Run(context.Background(), e, "hello") }()
	t.Cleanup(func() {
		_ = e.Shutdown(context.Background())
		af.Close()
		tty.Close()
		master.Close()
	})
	s.screen.wait(t, `signout> `)
	return s
}

func (s *ptySession) typeKeys(t *testing.T, keys string) {
	t.Helper()
	if _, err := io.WriteString(s.master, keys); err != nil {
		t.Fatal(err)
	}
}

const (
	keyLeft  = "\x1b[D"
	keyUp    = "\x1b[A"
	keyEnter = "\r"
	keyCtrlD = "\x04"
)

func TestTerminalLineEditing(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	s := startPTY(t)
	// Arrow keys move the cursor: "lost phone" becomes "lost my phone".
	s.typeKeys(t, "/signout alice lost phone"+strings.Repeat(keyLeft, 5)+"my "+keyEnter)
	code := s.screen.wait(t, `confirm ([A-Z0-9]{6})`)[1]
	s.screen.wait(t, `Reason: lost my phone`)
	s.typeKeys(t, "cancel "+code+keyEnter)
	s.screen.wait(t, `Cancelled request`)
	// Up recalls the last line: the same command again, not "[A".
	s.typeKeys(t, keyUp+keyUp+keyEnter)
	s.screen.wait(t, `(?s)Cancelled request.*confirm [A-Z0-9]{6}`)
	s.typeKeys(t, "?"+keyEnter)
	s.screen.wait(t, `Ctrl-D ends the console`)
	s.typeKeys(t, keyCtrlD)
	if err := <-s.done; err != nil {
		t.Fatalf("run: %v", err)
	}
	recs, err := audit.ReadFile(s.audit)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Reason != "lost my phone" {
			t.Fatalf("audit reason %q", r.Reason)
		}
	}
	if len(recs) != 3 {
		t.Fatalf("want requested, cancelled, requested; got %d records", len(recs))
	}
	if strings.Contains(s.screen.String(), "\x1b[31m") {
		t.Fatal("colour despite NO_COLOR")
	}
}

func TestTerminalColoursProblems(t *testing.T) {
	t.Setenv("NO_COLOR", "") // restored after the test
	os.Unsetenv("NO_COLOR")
	s := startPTY(t)
	s.typeKeys(t, "/signout alice"+keyEnter)
	s.screen.wait(t, "\x1b\\[31mmissing reason")
	s.screen.wait(t, `type help for the usage`)
	s.typeKeys(t, keyCtrlD)
	if err := <-s.done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
