package dingtalkbot

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/commands"
)

// robotMessage is the data of a robot message callback.
type robotMessage = chatbot.BotCallbackDataModel

// DingTalk's conversationType values.
const (
	conversationDirect = "1"
	conversationGroup  = "2"
)

// decodeRobotMessage decodes a callback frame's data string.
func decodeRobotMessage(data string) (*robotMessage, error) {
	var m robotMessage
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// toMessage turns a text robot message into the engine's Message. The
// mention data goes to the engine as DingTalk sent it, with the number of
// @-words in the text: the engine decides whether they bind a target.
func toMessage(m *robotMessage) bot.Message {
	return bot.Message{
		Platform:     bot.DingTalk,
		Invoker:      m.SenderStaffId,
		Conversation: m.ConversationId,
		Direct:       m.ConversationType == conversationDirect,
		Text:         commandText(m.Text.Content),
		Mentions:     mentions(m),
		MentionWords: atWords(m.Text.Content),
	}
}

// atWords counts the @-words in text.content, which shows each person
// @mentioned as "@Name" (the bot's own mention removed). Every "@" counts,
// even inside a word ("cc@李四"): counting too many only refuses a target,
// counting too few could bind it to someone else.
func atWords(content string) int {
	return strings.Count(commands.Normalize(content), "@")
}

// mentions is m's atUsers as the engine's mention data, in DingTalk's order
// with repeats kept. Entries with the bot's chatbotUserId are the bot. If
// none has it, one staffId-less entry is taken for the bot where the bot
// must have been mentioned: in a group (only @mentions reach the bot
// there) or when DingTalk gave no chatbotUserId to compare.
func mentions(m *robotMessage) []bot.Mention {
	var out []bot.Mention
	selfSeen := false
	for _, u := range m.AtUsers {
		if m.ChatbotUserId != "" && u.DingtalkId == m.ChatbotUserId {
			out = append(out, bot.Mention{Self: true})
			selfSeen = true
			continue
		}
		out = append(out, bot.Mention{UserID: u.StaffId})
	}
	if selfSeen || (m.ChatbotUserId != "" && m.ConversationType == conversationDirect) {
		return out
	}
	for i := range out {
		if out[i].UserID == "" {
			out[i].Self = true
			break
		}
	}
	return out
}

// selfMentions counts the atUsers entries with the bot's chatbotUserId.
func selfMentions(m *robotMessage) int {
	n := 0
	for _, u := range m.AtUsers {
		if m.ChatbotUserId != "" && u.DingtalkId == m.ChatbotUserId {
			n++
		}
	}
	return n
}

// maxLeadingWords is how many words of a leftover bot mention ("@Sign Out
// Bot") commandText skips to find the command word.
const maxLeadingWords = 4

// commandText is the command in a message's text.content. DingTalk removes
// the @mention of the bot that made it deliver the message, leaving a
// leading space; a mention typed by hand or pasted is left in, so text that
// starts with "@" has everything before its command word removed.
func commandText(content string) string {
	s := strings.TrimFunc(content, unicode.IsSpace)
	first, _ := nextWord(s)
	if !strings.HasPrefix(commands.Normalize(first), "@") {
		return s
	}
	rest := s
	for range maxLeadingWords {
		_, rest = nextWord(rest)
		word, _ := nextWord(rest)
		if word == "" {
			break
		}
		if isCommandWord(word) {
			return rest
		}
	}
	return s
}

// nextWord splits s, which has no leading space, after its first word and
// the spaces that follow it.
func nextWord(s string) (word, rest string) {
	end := strings.IndexFunc(s, unicode.IsSpace)
	if end < 0 {
		return s, ""
	}
	return s[:end], strings.TrimLeftFunc(s[end:], unicode.IsSpace)
}

// isCommandWord reports whether word starts a command as commands.Parse
// sees it (after its normalisation, ASCII case-insensitively).
func isCommandWord(word string) bool {
	w := commands.Normalize(word)
	for _, zh := range []string{"确认", "取消", "帮助", "批准", "拒绝", "状态", "历史"} {
		if strings.HasPrefix(w, zh) { // "确认AB12CD": Chinese input often has no space
			return true
		}
	}
	for i := range len(w) {
		if w[i] >= utf8.RuneSelf {
			return false
		}
	}
	switch strings.ToLower(w) {
	case "/signout", "signout", "confirm", "cancel", "help", "approve", "deny", "status", "history":
		return true
	}
	return false
}
