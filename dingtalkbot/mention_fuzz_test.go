package dingtalkbot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/enginetest"
)

// Kinds of word in a generated message.
const (
	wordPlain    = iota // "w3"
	wordMention         // a person picked from the @ list: "@P3" and an atUsers entry with staffId p3
	wordTyped           // "@T3" typed by hand, no atUsers entry
	wordOutsider        // picked from the @ list, no staffId: "@X3"
	wordEmail           // "a3@b.cn"
	wordUserID          // "u3"
	wordKinds
)

type genWord struct {
	kind int
	text string
	user *chatbot.BotCallbackDataAtUserModel
}

func genWordOf(kind, i int) genWord {
	switch kind {
	case wordMention:
		return genWord{kind, fmt.Sprintf("@P%d\u2005", i), &chatbot.BotCallbackDataAtUserModel{DingtalkId: fmt.Sprintf("$:p%d", i), StaffId: fmt.Sprintf("p%d", i)}}
	case wordTyped:
		return genWord{kind, fmt.Sprintf("@T%d", i), nil}
	case wordOutsider:
		return genWord{kind, fmt.Sprintf("@X%d\u2005", i), &chatbot.BotCallbackDataAtUserModel{DingtalkId: fmt.Sprintf("$:x%d", i)}}
	case wordEmail:
		return genWord{kind, fmt.Sprintf("a%d@b.cn", i), nil}
	case wordUserID:
		return genWord{kind, fmt.Sprintf("u%d", i), nil}
	}
	return genWord{kind, fmt.Sprintf("w%d", i), nil}
}

// genMessage builds a group message from b: b[0] chooses a word before the
// command word (none, a mention or a typed @word), b[1] the target, the
// rest the reason; atUsers hold the bot and an entry per picked mention,
// in an order b chooses (DingTalk documents none).
func genMessage(b []byte) (*robotMessage, genWord) {
	at := func(i int) int {
		if i < len(b) {
			return int(b[i])
		}
		return 0
	}
	var words []genWord
	if k := at(0) % 3; k > 0 {
		words = append(words, genWordOf(k, 0))
	}
	words = append(words, genWord{text: "/signout"})
	target := genWordOf(at(1)%wordKinds, 1)
	words = append(words, target)
	for i := 2; i < len(b) && i < 10; i++ {
		words = append(words, genWordOf(int(b[i])%wordKinds, i))
	}
	users := []chatbot.BotCallbackDataAtUserModel{{DingtalkId: botUserID}}
	var text strings.Builder
	for i, w := range words {
		if i > 0 && !strings.HasSuffix(words[i-1].text, "\u2005") {
			text.WriteByte(' ')
		}
		text.WriteString(w.text)
		if w.user != nil {
			// Insert at a position chosen by the input.
			pos := at(10+i) % (len(users) + 1)
			users = append(users[:pos], append([]chatbot.BotCallbackDataAtUserModel{*w.user}, users[pos:]...)...)
		}
	}
	m := &robotMessage{ConversationType: conversationGroup, ChatbotUserId: botUserID, SenderStaffId: manager,
		ConversationId: groupID, Msgtype: "text", AtUsers: users}
	m.Text.Content = " " + text.String()
	return m, target
}

// FuzzMentionTarget: for any message and any order of atUsers, the target
// the engine prompts for is the one typed in the target position (its own
// atUsers entry for a picked mention), or there is no prompt; never someone
// mentioned elsewhere in the message.
func FuzzMentionTarget(f *testing.F) {
	f.Add([]byte{0, wordMention})                       // "/signout @P1 " alone: must prompt for p1
	f.Add([]byte{0, wordTyped, wordPlain, wordMention}) // issue 9 item 1
	f.Add([]byte{1, wordTyped})                         // a picked mention before the command word
	f.Add([]byte{2, wordMention})                       // a typed @word before the command word
	f.Add([]byte{0, wordOutsider, wordMention, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3})
	f.Add([]byte{0, wordUserID, wordMention})
	f.Add([]byte{0, wordMention, wordEmail})
	e := enginetest.Bare(f, manager)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, target := genMessage(b)
		c := &promptRecorder{}
		e.Handle(context.Background(), toMessage(m), c)
		got, asked := c.target()
		if c.several(t, m) {
			return
		}
		if want := typedTarget(target); asked && got != want {
			t.Fatalf("%q with atUsers %+v prompted for %q, want %q", m.Text.Content, m.AtUsers, got, want)
		}
		onlyMention := target.kind == wordMention && strings.Count(m.Text.Content, "@") == 1
		if onlyMention && !asked {
			t.Fatalf("%q with atUsers %+v: no prompt for its one mention", m.Text.Content, m.AtUsers)
		}
	})
}

func TestMentionTargetProperty(t *testing.T) {
	// Every message of up to 5 words, over every kind of word.
	e := enginetest.Bare(t, manager)
	n := 0
	var walk func(b []byte)
	walk = func(b []byte) {
		if len(b) >= 5 {
			return
		}
		for k := range wordKinds {
			next := append(append([]byte(nil), b...), byte(k))
			if len(next) >= 2 {
				m, target := genMessage(next)
				c := &promptRecorder{}
				e.Handle(context.Background(), toMessage(m), c)
				n++
				if got, asked := c.target(); asked && !c.several(t, m) && got != typedTarget(target) {
					t.Fatalf("%q with atUsers %+v prompted for %q", m.Text.Content, m.AtUsers, got)
				}
			}
			walk(next)
		}
	}
	walk(nil)
	t.Logf("%d messages", n)
}

// typedTarget is the userId the target word names; "" if none.
func typedTarget(w genWord) string {
	switch w.kind {
	case wordMention:
		return w.user.StaffId
	case wordUserID, wordPlain:
		return w.text
	}
	return ""
}

type promptRecorder struct {
	mu     sync.Mutex
	prompt *bot.Prompt
}

func (r *promptRecorder) Tell(context.Context, bot.Notice) error     { return nil }
func (r *promptRecorder) Announce(context.Context, bot.Result) error { return nil }
func (r *promptRecorder) Ask(_ context.Context, p bot.Prompt) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.prompt = &p
	return nil
}

func (r *promptRecorder) target() (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.prompt == nil {
		return "", false
	}
	return r.prompt.Target.UserID, true
}

// several checks a prompt for several people: they are exactly the
// people of the mention data besides the bot (whose order DingTalk does
// not document), every @-word being a target. It reports whether the
// prompt was one.
func (r *promptRecorder) several(t testing.TB, m *robotMessage) bool {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.prompt == nil || len(r.prompt.Targets) == 0 {
		return false
	}
	want := map[string]bool{}
	for _, u := range m.AtUsers {
		if u.StaffId != "" {
			want[u.StaffId] = true
		}
	}
	got := map[string]bool{}
	for _, tg := range r.prompt.Targets {
		got[tg.UserID] = true
	}
	for id := range got {
		if !want[id] {
			t.Fatalf("%q with atUsers %+v prompted for %q, not mentioned", m.Text.Content, m.AtUsers, id)
		}
	}
	return true
}
