package dingtalkbot

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"

	"github.com/signout-bot/signout-bot/authz"
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

// toMessage turns a text robot message into the engine's Message.
// unresolved counts the people @mentioned whom DingTalk gave no staffId.
func toMessage(m *robotMessage) (msg bot.Message, unresolved int) {
	mentions, unresolved := mentionedUsers(m)
	return bot.Message{
		Platform:     authz.DingTalk,
		Invoker:      m.SenderStaffId,
		Conversation: m.ConversationId,
		Direct:       m.ConversationType == conversationDirect,
		Text:         commandText(m.Text.Content),
		Mentions:     mentions,
	}, unresolved
}

// mentionedUsers returns the staffIds of the people @mentioned in m, the bot
// excluded, in order and without repeats. If anyone else was mentioned
// without a staffId (someone outside the org), it returns no mentions at
// all: an @mention target could otherwise resolve to the wrong person, the
// one mention that did have a staffId.
func mentionedUsers(m *robotMessage) (staffIDs []string, unresolved int) {
	seen := map[string]bool{}
	botSeen := false
	for _, u := range m.AtUsers {
		switch {
		case m.ChatbotUserId != "" && u.DingtalkId == m.ChatbotUserId:
			botSeen = true // the bot itself
		case u.StaffId == "":
			// With no chatbotUserId to compare, an entry without a staffId is
			// taken for the bot.
			if m.ChatbotUserId != "" {
				unresolved++
			}
		case !seen[u.StaffId]:
			seen[u.StaffId] = true
			staffIDs = append(staffIDs, u.StaffId)
		}
	}
	if !botSeen && unresolved > 0 && m.ConversationType != conversationDirect {
		// A group message reaches the bot only when it is @mentioned, so
		// one entry without a staffId is the bot under an ID that did not
		// match chatbotUserId.
		unresolved--
	}
	if unresolved > 0 {
		return nil, unresolved
	}
	return staffIDs, 0
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
	for i := range len(w) {
		if w[i] >= utf8.RuneSelf {
			return false
		}
	}
	switch strings.ToLower(w) {
	case "/signout", "signout", "confirm", "cancel", "help":
		return true
	}
	return false
}
