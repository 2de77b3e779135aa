package slackbot

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/signout-bot/signout-bot/commands"
)

// userIDPattern is a Slack user ID: U… or, on Enterprise Grid, W….
var userIDPattern = regexp.MustCompile(`^[UW][A-Z0-9]+$`)

// validUserID reports whether id may be written into a <@…> mention.
func validUserID(id string) bool { return len(id) <= 32 && userIDPattern.MatchString(id) }

// isDM reports whether a channel ID is a direct message with the bot.
func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// codePattern is the shape of a confirmation code in a button value.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9]{4,12}$`)

// slackEntities undoes Slack's escaping of message text: Slack sends the
// characters & < > typed by a person as &amp; &lt; &gt;. A Replacer scans
// once, so "&amp;lt;" correctly becomes "&lt;".
var slackEntities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// contactLink matches the links Slack makes of phone numbers and e-mail
// addresses people type: <tel:+8613800138000|+86 138 0013 8000>.
var contactLink = regexp.MustCompile(`<(?:tel|mailto):[^<>|]*\|([^<>]*)>`)

// plainText turns the text of a slash command or message, as Slack sends
// it, into what the person typed: Slack's phone and e-mail links become
// their labels and & < > are unescaped. Mentions, channel references and
// other links stay in Slack's <…> syntax; the engine treats them as text.
func plainText(s string) string {
	s = contactLink.ReplaceAllString(s, "$1")
	return slackEntities.Replace(s)
}

// stripMention removes the mention of the bot (<@UBOT> or <@UBOT|name>)
// that starts an app_mention's raw text, and any repeats of it right after.
// A mention of the bot further on stays: where the target goes it is
// refused (see targetsSelf), and removing it would make the next word of
// the reason the target.
func stripMention(text, botUserID string) string {
	s := strings.TrimSpace(text)
	if botUserID == "" {
		return s
	}
	for {
		n := selfMentionLen(s, botUserID)
		if n < 0 {
			return s
		}
		s = strings.TrimSpace(s[n:])
	}
}

// selfMentionLen is the length of the mention of the bot that starts s,
// or -1 if s does not start with one.
func selfMentionLen(s, botUserID string) int {
	open := "<@" + botUserID
	if botUserID == "" || !strings.HasPrefix(s, open) {
		return -1
	}
	end := mentionEnd(s[len(open):])
	if end < 0 { // "<@UBOTX…" or unterminated: not our mention
		return -1
	}
	return len(open) + end
}

// targetsSelf reports whether a command, as Slack sent it, has a mention
// of the bot where the target goes: first in a slash command's text
// (argsOnly), else right after the command word "signout" or "/signout".
func targetsSelf(text, botUserID string, argsOnly bool) bool {
	s := strings.TrimSpace(text)
	if !argsOnly {
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 || !isSignOutWord(s[:end]) {
			return false
		}
		s = strings.TrimSpace(s[end:])
	}
	return selfMentionLen(s, botUserID) >= 0
}

// isSignOutWord reports whether word is the sign-out command word as
// commands.Parse reads it.
func isSignOutWord(word string) bool {
	w := strings.ToLower(commands.Normalize(word))
	return w == "signout" || w == "/signout"
}

// mentionEnd returns the index just after the '>' that closes a mention
// whose ID has already been read, or -1 if s does not close one.
func mentionEnd(s string) int {
	switch {
	case strings.HasPrefix(s, ">"):
		return 1
	case strings.HasPrefix(s, "|"):
		if j := strings.IndexAny(s, "<>"); j > 0 && s[j] == '>' {
			return j + 1
		}
	}
	return -1
}
