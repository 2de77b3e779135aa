package slackbot

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
)

func testBot(t *testing.T, now time.Time) *Bot {
	t.Helper()
	b, err := New(Config{AppToken: "xapp-1", BotToken: "xoxb-1", Now: func() time.Time { return now }}, stubEngine{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// An address survives the store as the conversation it came from, with
// the response_url while Slack still takes it.
func TestAddressRoundTrip(t *testing.T) {
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	b := testBot(t, now)
	c := &conversation{b: b, channel: "C1", user: "U1", thread: "1700000000.000100", responseURL: "https://hooks.slack.com/commands/T1/1/x"}
	stored, err := json.Marshal(c.address())
	if err != nil {
		t.Fatal(err)
	}
	var a bot.Address
	if err := json.Unmarshal(stored, &a); err != nil {
		t.Fatal(err)
	}
	conv, err := b.Reply(a)
	if err != nil {
		t.Fatal(err)
	}
	got := conv.(*conversation)
	if got.channel != "C1" || got.user != "U1" || got.thread != c.thread || got.responseURL != c.responseURL || !got.promptInPlace || got.click {
		t.Fatalf("rebuilt %+v from %s", got, a.Data)
	}

	// Past Slack's 30 minutes the response_url is not used.
	later := testBot(t, now.Add(responseURLLife+time.Second))
	conv, err = later.Reply(a)
	if err != nil {
		t.Fatal(err)
	}
	if got := conv.(*conversation); got.responseURL != "" || got.promptInPlace || got.channel != "C1" {
		t.Fatalf("expired response_url kept: %+v", got)
	}
}

func TestReplyRefusesBadAddresses(t *testing.T) {
	b := testBot(t, time.Now())
	for _, a := range []bot.Address{
		{Platform: bot.DingTalk, Data: []byte(`{"channel":"C1","user":"U1"}`)},
		{Platform: bot.Slack, Data: []byte(`not json`)},
		{Platform: bot.Slack, Data: []byte(`{"user":"U1"}`)},
		{Platform: bot.Slack},
	} {
		if c, err := b.Reply(a); err == nil {
			t.Errorf("Reply(%s %s) = %+v, want an error", a.Platform, a.Data, c)
		}
	}
}

type stubEngine struct{}

func (stubEngine) Handle(context.Context, bot.Message, bot.Conversation) {}
func (stubEngine) Confirm(context.Context, bot.Action, bot.Conversation) {}
func (stubEngine) Cancel(context.Context, bot.Action, bot.Conversation)  {}
func (stubEngine) Approve(context.Context, bot.Action, bot.Conversation) {}
func (stubEngine) Deny(context.Context, bot.Action, bot.Conversation)    {}
