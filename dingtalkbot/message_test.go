package dingtalkbot

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"
)

func TestCommandText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{" /signout alice lost phone", "/signout alice lost phone"},
		{"\u2005 confirm ABC123 \n", "confirm ABC123"},
		{"", ""},
		{"   ", ""},
		// A bot mention DingTalk left in (typed by hand) is dropped...
		{"@signout-bot /signout alice lost phone", "/signout alice lost phone"},
		{"@Sign Out Bot\u2005confirm ABC123", "confirm ABC123"},
		{"＠bot ｃｏｎｆｉｒｍ ABC123", "ｃｏｎｆｉｒｍ ABC123"},
		{"@bot HELP", "HELP"},
		// ...but only up to the command word, and only if there is one.
		{"@bot hello there", "@bot hello there"},
		{"@a b c d e confirm X1234", "@a b c d e confirm X1234"},
		{"@bot", "@bot"},
		// A mention after the command word is the target, kept.
		{"/signout @张三\u2005lost phone", "/signout @张三\u2005lost phone"},
		// ASCII case folding only: "ſ" is not "s".
		{"@bot ſignout alice x", "@bot ſignout alice x"},
		// Invisible characters after the command word reach the parser.
		{"@bot /signout ali\u202ece x", "/signout ali\u202ece x"},
	} {
		if got := commandText(tc.in); got != tc.want {
			t.Errorf("commandText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMentionedUsers(t *testing.T) {
	const botID = "$:LWCP_v1:$bot"
	at := func(users ...chatbot.BotCallbackDataAtUserModel) *robotMessage {
		return &robotMessage{ChatbotUserId: botID, AtUsers: users}
	}
	group := func(users ...chatbot.BotCallbackDataAtUserModel) *robotMessage {
		return &robotMessage{ChatbotUserId: botID, ConversationType: "2", AtUsers: users}
	}
	bot := chatbot.BotCallbackDataAtUserModel{DingtalkId: botID}
	zs := chatbot.BotCallbackDataAtUserModel{DingtalkId: "$:zs", StaffId: "zhangsan"}
	ls := chatbot.BotCallbackDataAtUserModel{DingtalkId: "$:ls", StaffId: "lisi"}
	ext := chatbot.BotCallbackDataAtUserModel{DingtalkId: "$:ext"}
	for _, tc := range []struct {
		name       string
		m          *robotMessage
		want       []string
		unresolved int
	}{
		{"bot only", at(bot), nil, 0},
		{"bot and one", at(bot, zs), []string{"zhangsan"}, 0},
		{"two in order", at(ls, bot, zs), []string{"lisi", "zhangsan"}, 0},
		{"repeat", at(zs, zs), []string{"zhangsan"}, 0},
		// Someone without a staffId: no mention may resolve, or @ext could
		// come out as zhangsan.
		{"outsider", at(bot, ext, zs), nil, 1},
		// A bot entry that carries a staffId is still the bot.
		{"bot with staffId", at(chatbot.BotCallbackDataAtUserModel{DingtalkId: botID, StaffId: "robot"}, zs), []string{"zhangsan"}, 0},
		// No chatbotUserId: staffId-less entries are taken for the bot.
		{"no chatbotUserId", &robotMessage{AtUsers: []chatbot.BotCallbackDataAtUserModel{ext, zs}}, []string{"zhangsan"}, 0},
		{"none", at(), nil, 0},
		// In a group the bot is always among atUsers: one staffId-less entry
		// that did not match chatbotUserId is the bot, not an outsider...
		{"bot under another id", group(ext, zs), []string{"zhangsan"}, 0},
		// ...but a second one still is.
		{"bot under another id and an outsider", group(ext, chatbot.BotCallbackDataAtUserModel{DingtalkId: "$:ext2"}, zs), nil, 1},
		{"direct chat", &robotMessage{ChatbotUserId: botID, ConversationType: "1", AtUsers: []chatbot.BotCallbackDataAtUserModel{ext, zs}}, nil, 1},
	} {
		got, unresolved := mentionedUsers(tc.m)
		if !slices.Equal(got, tc.want) || unresolved != tc.unresolved {
			t.Errorf("%s: got %q, %d unresolved; want %q, %d", tc.name, got, unresolved, tc.want, tc.unresolved)
		}
	}
}

func TestToMessage(t *testing.T) {
	m, err := decodeRobotMessage(`{"conversationId":"cid1","conversationType":"1","senderStaffId":"manager4220",
		"msgtype":"text","text":{"content":" confirm ABC123"},"atUsers":[]}`)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := toMessage(m)
	if msg.Platform != "dingtalk" || msg.Invoker != "manager4220" || msg.Conversation != "cid1" || !msg.Direct ||
		msg.Text != "confirm ABC123" || msg.ArgsOnly || msg.Mentions != nil {
		t.Fatalf("toMessage = %+v", msg)
	}
	if _, err := decodeRobotMessage(`{"msgId":5}`); err == nil {
		t.Error("a msgId of the wrong type decoded")
	}
}

// FuzzRobotMessage checks that any frame data decodes or fails cleanly, and
// that the command text never grows and keeps valid UTF-8 valid.
func FuzzRobotMessage(f *testing.F) {
	f.Add(`{"msgtype":"text","text":{"content":" /signout alice x"},"atUsers":[{"dingtalkId":"a","staffId":"b"}]}`)
	f.Add(`{"text":{"content":"@bot\u2005confirm ABC123"}}`)
	f.Add(`{"text":{"content":"@ @ @ @ @ @"}}`)
	f.Add(`null`)
	f.Add(`{"sessionWebhookExpiredTime":"soon"}`)
	f.Fuzz(func(t *testing.T, data string) {
		m, err := decodeRobotMessage(data)
		if err != nil {
			return
		}
		msg, unresolved := toMessage(m)
		if len(msg.Text) > len(m.Text.Content) {
			t.Fatalf("text grew: %q -> %q", m.Text.Content, msg.Text)
		}
		if utf8.ValidString(m.Text.Content) && !utf8.ValidString(msg.Text) {
			t.Fatalf("invalid UTF-8 from %q", m.Text.Content)
		}
		if !strings.Contains(m.Text.Content, msg.Text) {
			t.Fatalf("text %q is not part of %q", msg.Text, m.Text.Content)
		}
		if unresolved > 0 && msg.Mentions != nil {
			t.Fatalf("mentions %q despite %d unresolved", msg.Mentions, unresolved)
		}
		for _, id := range msg.Mentions {
			if id == "" {
				t.Fatal("empty staffId among mentions")
			}
		}
	})
}
