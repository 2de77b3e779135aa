package dingtalkbot

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// paramLog records the robot API's msgParam of each message sent.
type paramLog struct {
	mu     sync.Mutex
	params [][]byte
}

func (p *paramLog) PostSessionWebhook(context.Context, string, any) error { return nil }

func (p *paramLog) SendGroupMessage(_ context.Context, _, _, _ string, param any) error {
	b, err := json.Marshal(param)
	p.mu.Lock()
	p.params = append(p.params, b)
	p.mu.Unlock()
	return err
}

func (p *paramLog) SendDirectMessage(ctx context.Context, robot string, _ []string, key string, param any) error {
	return p.SendGroupMessage(ctx, robot, "", key, param)
}

// maxParamBytes is DingTalk's bound on a robot message's msgParam.
const maxParamBytes = 15000

// Every message the engine can say fits a DingTalk robot message, in
// every language, with arguments as long as the parser lets through (a
// reason of 300 characters; names of 64).
func TestEveryMessageFitsDingTalk(t *testing.T) {
	long := strings.Repeat("长*", 150) // 300 characters, each needing escaping or 3 bytes
	for _, lang := range i18n.Langs {
		sent := &paramLog{}
		b, err := New(Config{ClientID: "app", ClientSecret: "s", CorpID: "corp", Language: lang}, engineFunc(func(context.Context, bot.Message, bot.Conversation) {}), sent)
		if err != nil {
			t.Fatal(err)
		}
		c := &conversation{b: b, id: "cidG", sender: "mgr", robotCode: "robot", log: b.log}
		msgs := i18n.Samples(long)
		for _, m := range msgs {
			for _, kind := range []bot.NoticeKind{bot.NoticeRefused, bot.NoticeUsage} {
				if err := c.Tell(context.Background(), bot.Notice{Kind: kind, Msg: m}); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, direct := range []bool{false, true} {
			c.direct = direct
			p := bot.Prompt{RequestID: "req-1", Code: "AB12CD", Reason: long,
				Target: bot.Target{UserID: strings.Repeat("u", 64), Name: long[:192], Title: long, Via: i18n.M(i18n.ViaMention, long), Warning: i18n.M(i18n.WarnDuplicate, "req-2", long, "slack")}}
			if err := c.Ask(context.Background(), p); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Announce(context.Background(), bot.Result{RequestID: "req-1", Invoker: long, Target: bot.Target{UserID: "u", Name: long},
			Reason: long, Problem: i18n.M(i18n.MobileLookupFailed, long, i18n.Plain(long)), Code: "x", DingTalkRequestID: "y", AuditFailed: true}); err != nil {
			t.Fatal(err)
		}
		if len(sent.params) != 2*len(msgs)+3 {
			t.Fatalf("%s: %d messages sent, want %d", lang, len(sent.params), 2*len(msgs)+3)
		}
		for _, p := range sent.params {
			if len(p) > maxParamBytes {
				t.Errorf("%s: msgParam of %d bytes: %.200s", lang, len(p), p)
			}
			if strings.Contains(string(p), "%!") {
				t.Errorf("%s: a formatting error: %.300s", lang, p)
			}
		}
	}
}
