package bot

import (
	"fmt"
	"strings"

	"github.com/signout-bot/signout-bot/commands"
)

// bindMention returns the userId of the @mention target t, or the problem
// to tell. The platform's mention data carries no position, so an entry is
// taken for the target only when nothing else could be meant: the target
// is the message's one @-word, and the data holds one entry besides the
// bot's own stripped mention. A hand-typed @word next to a real mention,
// or several mentions, could otherwise bind the target to someone named
// only in the reason.
func bindMention(t commands.Target, m Message) (userID, problem string) {
	if m.Platform != DingTalk {
		return "", fmt.Sprintf("%s: @mentions name a person only in DingTalk. Give the DingTalk userId or mobile number.", t.Value)
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
		return "", fmt.Sprintf("%s is me, the bot: I can't sign out myself. Give the userId or mobile number of the person to sign out.", t.Value)
	case words == 1 && shown == 0:
		return "", fmt.Sprintf("%s is not a person picked from the @ list. Pick them from the @ list (not typed text), or give their userId.", t.Value)
	case words != 1 || shown != 1:
		return "", fmt.Sprintf("%s is not a person picked from the @ list, or other people are @mentioned too. "+
			"Mention only the person to sign out (pick them from the @ list), write others without @, or give the userId.", t.Value)
	case others[0].UserID == "":
		return "", fmt.Sprintf("DingTalk gave no userId for %s: they are not in your organisation's directory. Give their userId.", t.Value)
	}
	return others[0].UserID, ""
}
