package bot_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/signout-bot/signout-bot/bot"
)

// nullConversation discards answers but keeps the last prompt.
type nullConversation struct{ prompt bot.Prompt }

func (c *nullConversation) Tell(context.Context, bot.Notice) error     { return nil }
func (c *nullConversation) Ask(_ context.Context, p bot.Prompt) error  { c.prompt = p; return nil }
func (c *nullConversation) Announce(context.Context, bot.Result) error { return nil }

func newBenchHarness(b *testing.B) *harness {
	return newHarness(b, func(o *bot.Options) { o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) })
}

// BenchmarkCommandToPrompt measures a sign-out command up to its prompt:
// parse, policy, user lookup over loopback HTTP, audit write with fsync.
func BenchmarkCommandToPrompt(b *testing.B) {
	h := newBenchHarness(b)
	c := &nullConversation{}
	m := slackMsg(invoker, "/signout alice lost phone")
	b.ReportAllocs()
	for b.Loop() {
		h.engine.Handle(context.Background(), m, c)
	}
}

// BenchmarkConfirmToSignOut measures a confirmation up to the signOut
// call's answer: claim, audit (two fsyncs), the DingTalk call over loopback.
func BenchmarkConfirmToSignOut(b *testing.B) {
	h := newBenchHarness(b)
	c := &nullConversation{}
	m := slackMsg(invoker, "/signout alice lost phone")
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		h.engine.Handle(context.Background(), m, c)
		a := bot.Action{Platform: m.Platform, User: invoker, Conversation: channel, Code: c.prompt.Code}
		b.StartTimer()
		h.engine.Confirm(context.Background(), a, c)
	}
}
