package slackbot

import (
	"regexp"
	"strings"
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

// stripMention removes every mention of the bot (<@UBOT> or <@UBOT|name>)
// from a message's raw text, including mentions that removing others
// forms ("<@UBOT|<@UBOT>>"). Each pass shrinks the text, so it ends.
func stripMention(text, botUserID string) string {
	if botUserID == "" {
		return strings.TrimSpace(text)
	}
	for {
		out := stripMentionOnce(text, botUserID)
		if out == text {
			return strings.TrimSpace(out)
		}
		text = out
	}
}

func stripMentionOnce(text, botUserID string) string {
	var b strings.Builder
	rest := text
	open := "<@" + botUserID
	for {
		i := strings.Index(rest, open)
		if i < 0 {
			b.WriteString(rest)
			break
		}
		after := rest[i+len(open):]
		end := mentionEnd(after)
		if end < 0 { // "<@UBOTX…" or unterminated: not our mention
			b.WriteString(rest[:i+len(open)])
			rest = after
			continue
		}
		b.WriteString(rest[:i])
		b.WriteByte(' ')
		rest = after[end:]
	}
	return b.String()
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
