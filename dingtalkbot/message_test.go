package dingtalkbot

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/commands"
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

func TestMentions(t *testing.T) {
	const botID = "$:LWCP_v1:$bot"
	at := func(users ...chatbot.BotCallbackDataAtUserModel) *robotMessage {
		return &robotMessage{ChatbotUserId: botID, AtUsers: users}
	}
	group := func(users ...chatbot.BotCallbackDataAtUserModel) *robotMessage {
		return &robotMessage{ChatbotUserId: botID, ConversationType: "2", AtUsers: users}
	}
	botU := chatbot.BotCallbackDataAtUserModel{DingtalkId: botID}
	zs := chatbot.BotCallbackDataAtUserModel{DingtalkId: "$:zs", StaffId: "zhangsan"}
	ls := chatbot.BotCallbackDataAtUserModel{DingtalkId: "$:ls", StaffId: "lisi"}
	ext := chatbot.BotCallbackDataAtUserModel{DingtalkId: "$:ext"}
	self, zsM, lsM, extM := bot.Mention{Self: true}, bot.Mention{UserID: "zhangsan"}, bot.Mention{UserID: "lisi"}, bot.Mention{}
	for _, tc := range []struct {
		name string
		m    *robotMessage
		want []bot.Mention
	}{
		{"bot only", at(botU), []bot.Mention{self}},
		{"bot and one", at(botU, zs), []bot.Mention{self, zsM}},
		{"two in order", at(ls, botU, zs), []bot.Mention{lsM, self, zsM}},
		// Repeats are kept: the engine compares counts.
		{"repeat", at(zs, zs), []bot.Mention{zsM, zsM}},
		{"outsider", at(botU, ext, zs), []bot.Mention{self, extM, zsM}},
		// A bot entry that carries a staffId is still the bot.
		{"bot with staffId", at(chatbot.BotCallbackDataAtUserModel{DingtalkId: botID, StaffId: "robot"}, zs), []bot.Mention{self, zsM}},
		// No chatbotUserId: the first staffId-less entry is taken for the bot.
		{"no chatbotUserId", &robotMessage{AtUsers: []chatbot.BotCallbackDataAtUserModel{ext, zs, ext}}, []bot.Mention{self, zsM, extM}},
		{"none", at(), nil},
		// In a group the bot is always among atUsers: one staffId-less entry
		// that did not match chatbotUserId is the bot, not an outsider...
		{"bot under another id", group(ext, zs), []bot.Mention{self, zsM}},
		// ...but a second one is an outsider.
		{"bot under another id and an outsider", group(ext, chatbot.BotCallbackDataAtUserModel{DingtalkId: "$:ext2"}, zs), []bot.Mention{self, extM, zsM}},
		{"direct chat", &robotMessage{ChatbotUserId: botID, ConversationType: "1", AtUsers: []chatbot.BotCallbackDataAtUserModel{ext, zs}}, []bot.Mention{extM, zsM}},
	} {
		if got := mentions(tc.m); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %+v; want %+v", tc.name, got, tc.want)
		}
	}
}

func TestAtWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{" /signout @Guest lost phone, cc @李四\u2005", 2},
		{" /signout alice lost phone", 0},
		{"@bot /signout @张三\u2005x", 2},    // a typed mention before the command word counts
		{"/signout ＠Ｇｕｅｓｔ x", 1},           // full-width
		{"/signout @Alice cc@李四\u2005", 2}, // glued to a word
	} {
		if got := atWords(tc.in); got != tc.want {
			t.Errorf("atWords(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestToMessage(t *testing.T) {
	m, err := decodeRobotMessage(`{"conversationId":"cid1","conversationType":"1","senderStaffId":"manager4220",
		"msgtype":"text","text":{"content":" confirm ABC123"},"atUsers":[]}`)
	if err != nil {
		t.Fatal(err)
	}
	msg := toMessage(m)
	if msg.Platform != "dingtalk" || msg.Invoker != "manager4220" || msg.Conversation != "cid1" || !msg.Direct ||
		msg.Text != "confirm ABC123" || msg.ArgsOnly || msg.Mentions != nil || msg.MentionWords != 0 {
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
		msg := toMessage(m)
		if len(msg.Text) > len(m.Text.Content) {
			t.Fatalf("text grew: %q -> %q", m.Text.Content, msg.Text)
		}
		if utf8.ValidString(m.Text.Content) && !utf8.ValidString(msg.Text) {
			t.Fatalf("invalid UTF-8 from %q", m.Text.Content)
		}
		if !strings.Contains(m.Text.Content, msg.Text) {
			t.Fatalf("text %q is not part of %q", msg.Text, m.Text.Content)
		}
		if len(msg.Mentions) != len(m.AtUsers) {
			t.Fatalf("%d mentions from %d atUsers", len(msg.Mentions), len(m.AtUsers))
		}
		if msg.MentionWords < strings.Count(commands.Normalize(msg.Text), "@") {
			t.Fatalf("%d @-words counted, more in the text %q", msg.MentionWords, msg.Text)
		}
	})
}
