// Package console is the terminal front end: a chat with the bot on stdin
// and stdout, as the local admin. It is the zero-config way to try the bot
// and, with piped stdin, a way for tests and scripts to drive it.
//
// On a terminal it is a line editor (golang.org/x/term's Terminal: a
// prompt, cursor keys, history with Up and Down) so that arrow keys move
// the cursor instead of typing escape sequences into a reason. Piped
// input is read line by line, unchanged, for scripts.
package console

import (
	"cmp"
	"context"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// Handler is the part of the engine the console needs.
type Handler interface {
	Handle(ctx context.Context, m bot.Message, c bot.Conversation)
}

// maxLine bounds one typed line; longer input is refused, not truncated.
const maxLine = 64 << 10

// promptText is shown before each typed line on a terminal.
const promptText = "signout> "

// Console reads commands from in and writes answers to out.
type Console struct {
	in    lineReader
	out   *output
	now   func() time.Time
	lang  *i18n.Printer
	style style
	// restore puts the terminal back as it was; nil for piped input.
	restore func()
}

// lineReader yields one typed line at a time; io.EOF ends the session.
type lineReader interface {
	ReadLine() (line string, tooLong bool, err error)
}

// New returns a console on in and out, speaking lang (zero: English).
// When both are the same terminal (os.Stdin and os.Stdout on a tty) it
// edits lines in raw mode; otherwise it reads plain lines.
func New(in io.Reader, out io.Writer, lang i18n.Lang) *Console {
	c := &Console{now: time.Now, style: plainStyle, lang: i18n.For(cmp.Or(lang, i18n.EN))}
	if t, restore, ok := openTerminal(in, out); ok {
		c.in, c.out, c.restore = t, &output{w: t}, restore
		c.style = styleFor(out)
		return c
	}
	c.in, c.out = newPipeReader(in), &output{w: out}
	c.style = styleFor(out)
	return c
}

// openTerminal switches in to raw mode when in and out are terminals.
func openTerminal(in io.Reader, out io.Writer) (*terminal, func(), bool) {
	fin, ok1 := in.(*os.File)
	fout, ok2 := out.(*os.File)
	if !ok1 || !ok2 || !term.IsTerminal(int(fin.Fd())) || !term.IsTerminal(int(fout.Fd())) {
		return nil, nil, false
	}
	old, err := term.MakeRaw(int(fin.Fd()))
	if err != nil {
		return nil, nil, false
	}
	t := newTerminal(fin, fout)
	return t, func() { _ = term.Restore(int(fin.Fd()), old) }, true
}

// Run handles one line at a time until in ends (nil) or ctx is done.
func (c *Console) Run(ctx context.Context, h Handler, banner string) error {
	if c.restore != nil {
		defer c.restore()
	}
	if banner != "" {
		c.out.println(c.style.banner(banner))
	}
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() { errc <- c.readLines(ctx, lines) }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		case line := <-lines:
			c.handle(ctx, h, line)
		}
	}
}

// handle answers the console's own words and passes the rest on.
func (c *Console) handle(ctx context.Context, h Handler, line string) {
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "help", "/help", "?", "h", "帮助":
		c.out.println(c.say(i18n.ConsoleHelp))
		return
	case "exit", "quit", "/exit", "/quit":
		c.out.println(c.say(i18n.ConsoleEndHint))
		return
	}
	h.Handle(ctx, bot.Message{Platform: bot.Console, Invoker: bot.ConsoleUser, Conversation: "console", Direct: true,
		Text: line, ReplyTo: bot.Address{Platform: bot.Console}}, c)
}

// Reply implements bot.Replier: there is one console, this one.
func (c *Console) Reply(bot.Address) (bot.Conversation, error) { return c, nil }

// say renders one of the console's own messages.
func (c *Console) say(k i18n.Key, args ...any) string { return c.lang.Text(i18n.M(k, args...)) }

func (c *Console) readLines(ctx context.Context, lines chan<- string) error {
	for {
		line, tooLong, err := c.in.ReadLine()
		if tooLong {
			c.out.println(c.style.problem(c.say(i18n.ConsoleTooLong, maxLine)))
		} else if strings.TrimSpace(line) != "" {
			select {
			case lines <- line:
			case <-ctx.Done():
				return nil
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Tell, Ask and Announce implement bot.Conversation.

func (c *Console) Tell(_ context.Context, n bot.Notice) error {
	return c.out.println(c.noticeText(n))
}

// noticeText shortens usage after a mistake to the mistake and a hint:
// the whole usage after every typo doubles the screen.
func (c *Console) noticeText(n bot.Notice) string {
	text := c.lang.Text(n.Msg)
	switch n.Kind {
	case bot.NoticeUsage:
		if n.Msg.IsZero() {
			return c.say(i18n.ConsoleHelp) // the usage as it applies here: no @mentions, no buttons
		}
		return c.style.problem(text) + "  " + c.say(i18n.ConsoleUsageHint)
	case bot.NoticeRefused, bot.NoticeError:
		return c.style.problem("! " + text)
	case bot.NoticeProgress, bot.NoticeClosed:
		return "- " + text
	}
	return text
}

func (c *Console) Ask(_ context.Context, p bot.Prompt) error {
	return c.out.println(c.style.prompt("? " + promptLines(c.lang, p, c.now())))
}

func (c *Console) Announce(_ context.Context, r bot.Result) error {
	if len(r.Each) > 0 {
		failed, skipped := bot.SummaryLines(r)
		lines := append(append([]i18n.Msg{bot.SummaryHead(r)}, failed...), skipped...)
		lines = append(lines, i18n.M(i18n.ResultReason, r.Reason), i18n.M(i18n.ResultBy, r.Invoker, i18n.Raw(r.RequestID)))
		return c.out.println(c.style.result("= "+c.lang.Text(i18n.Lines(lines...)), r.OK))
	}
	return c.out.println(c.style.result("= "+c.lang.Text(bot.ResultMsg(r)), r.OK))
}
