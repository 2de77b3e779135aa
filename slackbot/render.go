package slackbot

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackutilsx"

	"github.com/signout-bot/signout-bot/bot"
)

// Block Kit limits, in characters.
const (
	maxText  = 3000 // a section's or context element's text, and our fallback text
	maxField = 2000 // one section field
	maxLabel = 500  // a name inside a headline
)

// message is a Slack message: escaped fallback text and blocks.
type message struct {
	text   string // notification and fallback text, already escaped
	blocks []slack.Block
}

// esc escapes user text for mrkdwn and cuts it to at most max characters
// (after escaping), marking a cut with "…". It never cuts an entity.
func esc(raw string, max int) string {
	s := slackutilsx.EscapeMessage(raw)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range raw {
		e := slackutilsx.EscapeMessage(string(r))
		w := utf8.RuneCountInString(e)
		if n+w > max-1 {
			break
		}
		b.WriteString(e)
		n += w
	}
	b.WriteString("…")
	return b.String()
}

// mrkdwn is a text object whose text is already escaped. verbatim stops
// Slack from turning URLs, channel names and @names into links or pings.
func mrkdwn(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, text, false, true)
}

func plain(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, false, false)
}

func section(text string) slack.Block { return slack.NewSectionBlock(mrkdwn(text), nil, nil) }

func contextText(text string) slack.Block { return slack.NewContextBlock("", mrkdwn(text)) }

// field is a bold label (our own text) over an escaped value.
func field(label, rawValue string) *slack.TextBlockObject {
	return mrkdwn("*" + label + "*\n" + esc(rawValue, maxField-len(label)-3))
}

// mention writes a user mention from an ID the bot got from Slack; an ID
// of any other shape is shown as escaped text, never as markup.
func mention(userID string) string {
	if validUserID(userID) {
		return "<@" + userID + ">"
	}
	return esc(userID, 64)
}

// noticeMessage renders a message to the invoker alone.
func noticeMessage(n bot.Notice) message {
	text := esc(n.Text, maxText-12)
	prefix := ""
	switch n.Kind {
	case bot.NoticeRefused:
		prefix = ":no_entry: "
	case bot.NoticeError:
		prefix = ":warning: "
	case bot.NoticeProgress:
		prefix = ":hourglass_flowing_sand: "
	case bot.NoticeUsage:
		return message{text: text, blocks: []slack.Block{section("```" + text + "```")}}
	}
	return message{text: text, blocks: []slack.Block{section(prefix + text)}}
}

// promptMessage renders the confirmation prompt with its two buttons.
func promptMessage(p bot.Prompt, now time.Time) message {
	label := bot.TargetLabel(p.Target)
	expires := bot.Until(p.ExpiresAt, now)
	var blocks []slack.Block
	if p.DryRun {
		blocks = append(blocks, contextText(":test_tube: Dry run: nothing will be sent to DingTalk."))
	}
	blocks = append(blocks, section("*Sign out "+esc(label, maxLabel)+" from DingTalk on every device?*"))

	fields := []*slack.TextBlockObject{field("User", label)}
	if p.Target.Title != "" {
		fields = append(fields, field("Title", p.Target.Title))
	}
	if p.Target.Via != "" {
		fields = append(fields, field("Found by", p.Target.Via))
	}
	reason := p.Reason
	if reason == "" {
		reason = "(none given)"
	}
	fields = append(fields, field("Reason", reason), field("Expires", expires), field("Request", p.RequestID))
	blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))

	if p.Target.Warning != "" {
		blocks = append(blocks, section(":warning: "+esc(p.Target.Warning, maxText-12)))
	}
	code := esc(p.Code, 16)
	blocks = append(blocks,
		slack.NewActionBlock(ActionsBlock,
			slack.NewButtonBlockElement(ActionConfirm, p.Code, plain("Sign out")).WithStyle(slack.StyleDanger),
			slack.NewButtonBlockElement(ActionCancel, p.Code, plain("Cancel")),
		),
		contextText("Only you can see this. You can also type `/signout confirm "+code+"` or `/signout cancel "+code+"`."),
	)
	text := "Confirm: sign out " + esc(label, maxLabel) + " from DingTalk? Reason: " + esc(reason, 1000) +
		". Expires " + expires + ". Request " + esc(p.RequestID, 64) + "."
	return message{text: text, blocks: blocks}
}

// resultMessage renders the outcome of a confirmed request for the channel.
func resultMessage(r bot.Result) message {
	headline, _, _ := strings.Cut(bot.ResultText(r), "\n")
	head := esc(headline, maxText)
	reason := r.Reason
	if reason == "" {
		reason = "(none given)"
	}
	blocks := []slack.Block{
		section(head),
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{
			field("Reason", reason),
			mrkdwn("*Requested by*\n" + mention(r.Invoker)),
			field("Request", r.RequestID),
		}, nil),
	}
	if r.AuditFailed {
		blocks = append(blocks, contextText(":warning: This outcome could not be written to the audit log."))
	}
	return message{text: head, blocks: blocks}
}
