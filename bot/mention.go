package bot

import (
	"strings"

	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/i18n"
)

// bindMention returns the userId of the @mention target t, or the problem
// to tell. The platform's mention data carries no position, so an entry is
// taken for the target only when nothing else could be meant: the target
// is the message's one @-word, and the data holds one entry besides the
// bot's own stripped mention. A hand-typed @word next to a real mention,
// or several mentions, could otherwise bind the target to someone named
// only in the reason.
func bindMention(t commands.Target, m Message) (userID string, problem i18n.Msg) {
	if m.Platform != DingTalk {
		return "", i18n.M(i18n.MentionNotDingTalk, t.Value)
	}
	var others []Mention
	self := 0
	for _, u := range m.Mentions {
		if u.Self {
			self++
		} else {
			others = append(others, u)
		}
	}
	// Each entry shows in the text as one @-word, but for the one mention
	// of the bot the platform strips.
	shown := len(others) + max(self-1, 0)
	words := m.MentionWords
	if n := strings.Count(commands.Normalize(m.Text), "@"); n != 1 {
		words = n // the target must be the text's only "@", whatever the front end counted
	}
	switch {
	case words == 1 && len(others) == 0 && self > 1:
		return "", i18n.M(i18n.MentionIsBot, t.Value)
	case words == 1 && shown == 0:
		return "", i18n.M(i18n.MentionTyped, t.Value)
	case words != 1 || shown != 1:
		return "", i18n.M(i18n.MentionAmbiguous, t.Value)
	case others[0].UserID == "":
		return "", i18n.M(i18n.MentionOutsider, t.Value)
	}
	return others[0].UserID, i18n.Msg{}
}
