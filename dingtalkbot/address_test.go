package dingtalkbot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/internal/logbuf"
)

// sendLog is a Messenger that records where each message went.
type sendLog struct {
	mu    sync.Mutex
	calls []string
}

func (s *sendLog) add(c string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	return nil
}

func (s *sendLog) PostSessionWebhook(_ context.Context, url string, _ any) error {
	return s.add("webhook " + url)
}

func (s *sendLog) SendGroupMessage(_ context.Context, robot, conv, _ string, _ any) error {
	return s.add(fmt.Sprintf("group %s %s", robot, conv))
}

func (s *sendLog) SendDirectMessage(_ context.Context, robot string, users []string, _ string, _ any) error {
	return s.add(fmt.Sprintf("direct %s %v", robot, users))
}

// storedReply makes the address of a message the way the engine stores
// it, and replies there from a Bot of another process.
func storedReply(t *testing.T, m *robotMessage, robotCode string) (*sendLog, bot.Conversation) {
	t.Helper()
	logs := &logbuf.Buffer{}
	first := newTestBot(t, engineFunc(func(context.Context, bot.Message, bot.Conversation) {}), logs)
	first.cfg.RobotCode = robotCode
	stored, err := json.Marshal(first.conversation(m, first.log).address())
	if err != nil {
		t.Fatal(err)
	}
	var a bot.Address
	if err := json.Unmarshal(stored, &a); err != nil {
		t.Fatal(err)
	}
	sent := &sendLog{}
	other, err := New(Config{ClientID: "app", ClientSecret: "s", CorpID: "corp", Logger: slog.New(slog.NewTextHandler(logs, nil))},
		engineFunc(func(context.Context, bot.Message, bot.Conversation) {}), sent)
	if err != nil {
		t.Fatal(err)
	}
	c, err := other.Reply(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Tell(context.Background(), bot.Notice{Kind: bot.NoticeClosed, Msg: i18n.Plain("expired")}); err != nil {
		t.Fatal(err)
	}
	return sent, c
}

func TestStoredAddressReplies(t *testing.T) {
	soon := time.Now().Add(time.Hour).UnixMilli()
	past := time.Now().Add(-time.Minute).UnixMilli()
	cases := []struct {
		name string
		m    robotMessage
		want string
	}{
		{"group, webhook valid", robotMessage{ConversationId: "cidG", ConversationType: conversationGroup, SenderStaffId: "mgr",
			SessionWebhook: "http://127.0.0.1/hook", SessionWebhookExpiredTime: soon}, "webhook http://127.0.0.1/hook"},
		{"group, webhook expired", robotMessage{ConversationId: "cidG", ConversationType: conversationGroup, SenderStaffId: "mgr",
			SessionWebhook: "http://127.0.0.1/hook", SessionWebhookExpiredTime: past}, "group robot-1 cidG"},
		{"1:1, no webhook", robotMessage{ConversationId: "cidD", ConversationType: conversationDirect, SenderStaffId: "mgr"},
			"direct robot-1 [mgr]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sent, _ := storedReply(t, &c.m, "robot-1")
			if len(sent.calls) != 1 || sent.calls[0] != c.want {
				t.Fatalf("sent %v, want [%s]", sent.calls, c.want)
			}
		})
	}
}

func TestReplyRefusesBadAddresses(t *testing.T) {
	b := newTestBot(t, engineFunc(func(context.Context, bot.Message, bot.Conversation) {}), &logbuf.Buffer{})
	for _, a := range []bot.Address{
		{Platform: bot.Slack, Data: []byte(`{}`)},
		{Platform: bot.DingTalk, Data: []byte(`[`)},
	} {
		if c, err := b.Reply(a); err == nil {
			t.Errorf("Reply(%s %s) = %+v, want an error", a.Platform, a.Data, c)
		}
	}
}
