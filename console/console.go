// Package console is the terminal front end: a chat with the bot on stdin
// and stdout, as the local admin. It is the zero-config way to try the bot
// and, with piped stdin, a way for tests and scripts to drive it.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/bot"
)

// Handler is the part of the engine the console needs.
type Handler interface {
	Handle(ctx context.Context, m bot.Message, c bot.Conversation)
}

// maxLine bounds one typed line; longer input is refused, not truncated.
const maxLine = 64 << 10

// Console reads commands from in and writes answers to out.
type Console struct {
	in  io.Reader
	out *output
	now func() time.Time
}

// New returns a console on in and out.
func New(in io.Reader, out io.Writer) *Console {
	return &Console{in: in, out: &output{w: out}, now: time.Now}
}

// Run handles one line at a time until in ends (nil) or ctx is done.
func (c *Console) Run(ctx context.Context, h Handler, banner string) error {
	if banner != "" {
		c.out.println(banner)
	}
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() { errc <- readLines(ctx, c.in, lines, c.out) }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		case line := <-lines:
			h.Handle(ctx, c.message(line), c)
		}
	}
}

func (c *Console) message(line string) bot.Message {
	return bot.Message{Platform: authz.Console, Invoker: authz.ConsoleUser, Conversation: "console", Direct: true, Text: line}
}

func readLines(ctx context.Context, in io.Reader, lines chan<- string, out *output) error {
	r := bufio.NewReaderSize(in, 4096)
	for {
		line, tooLong, err := readLine(r)
		if tooLong {
			out.println(fmt.Sprintf("! That line is longer than %d bytes; it was ignored.", maxLine))
		} else if line != "" {
			select {
			case lines <- line:
			case <-ctx.Done():
				return nil
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("console: read: %w", err)
		}
	}
}

// readLine reads up to '\n', discarding lines over maxLine.
func readLine(r *bufio.Reader) (line string, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) > maxLine {
			tooLong = true
		} else {
			buf = append(buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			buf = nil
		}
		return string(trimEOL(buf)), tooLong, err
	}
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// Tell, Ask and Announce implement bot.Conversation.

func (c *Console) Tell(_ context.Context, n bot.Notice) error {
	return c.out.println(prefix(n.Kind) + n.Text)
}

func (c *Console) Ask(_ context.Context, p bot.Prompt) error {
	return c.out.println("? " + bot.PromptText(p, c.now()))
}

func (c *Console) Announce(_ context.Context, r bot.Result) error {
	return c.out.println("= " + bot.ResultText(r))
}

func prefix(k bot.NoticeKind) string {
	switch k {
	case bot.NoticeRefused, bot.NoticeError:
		return "! "
	case bot.NoticeProgress, bot.NoticeClosed:
		return "- "
	}
	return ""
}

// output serialises writes: expiry notices arrive from another goroutine.
type output struct {
	mu sync.Mutex
	w  io.Writer
}

func (o *output) println(s string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, err := fmt.Fprintln(o.w, s)
	return err
}
