package slackbot

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackutilsx"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/i18n"
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

// maxArg bounds one argument (a name, a reason) of a rendered message.
const maxArg = 1000

// capArg bounds a message argument before it is rendered.
func capArg(s string) string {
	if utf8.RuneCountInString(s) <= maxArg {
		return s
	}
	return string([]rune(s)[:maxArg-1]) + "…"
}

// say renders m in p's language and escapes it for mrkdwn, cut to max
// characters without cutting an entity. The catalogs' own markup (*bold*,
// `code`) survives: only & < > are escaped, in the text and the
// arguments alike (a usage line shows "<user>" as typed).
func say(p *i18n.Printer, m i18n.Msg, max int) string {
	return cut(slackutilsx.EscapeMessage(p.Escaped(m, capArg)), max)
}

// cut shortens escaped text to at most max characters, marking a cut
// with "…"; it never splits an entity (&lt; &gt; &amp;).
func cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	if i := lastIndexRune(r, '&'); i >= 0 && !containsRune(r[i:], ';') {
		r = r[:i]
	}
	return string(r) + "…"
}

func lastIndexRune(r []rune, x rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == x {
			return i
		}
	}
	return -1
}

func containsRune(r []rune, x rune) bool { return lastIndexRune(r, x) >= 0 }

// noticeMessage renders a message to the invoker alone. A usage notice
// shows its problem, if any, then the usage.
func noticeMessage(p *i18n.Printer, n bot.Notice) message {
	text := say(p, n.Msg, maxText-12)
	prefix := ""
	switch n.Kind {
	case bot.NoticeRefused:
		prefix = ":no_entry: "
	case bot.NoticeError:
		prefix = ":warning: "
	case bot.NoticeProgress:
		prefix = ":hourglass_flowing_sand: "
	case bot.NoticeUsage:
		usage := "```" + say(p, commands.UsageMsg, maxText-600) + "```"
		if text == "" {
			return message{text: usage, blocks: []slack.Block{section(usage)}}
		}
		return message{text: text, blocks: []slack.Block{section(text), section(usage)}}
	}
	if text == "" {
		text = "…" // Slack refuses an empty text; the engine never says nothing on purpose
	}
	return message{text: text, blocks: []slack.Block{section(prefix + text)}}
}

// promptMessage renders the confirmation prompt with its two buttons.
func promptMessage(lang *i18n.Printer, p bot.Prompt, now time.Time) message {
	label := promptLabel(lang, p)
	expires := lang.Until(p.ExpiresAt, now)
	word := func(k i18n.Key) string { return say(lang, i18n.M(k), maxText) }
	var blocks []slack.Block
	if p.DryRun {
		blocks = append(blocks, contextText(word(i18n.SlackDryRun)))
	}
	question := i18n.SlackQuestion
	if p.Enable {
		question = i18n.SlackEnableQuestion
	}
	blocks = append(blocks, section(say(lang, i18n.M(question, label), maxText)))

	blocks = append(blocks, requestBlocks(lang, p, label, expires, false)...)
	code := i18n.Raw(p.Code)
	confirm := slack.NewButtonBlockElement(ActionConfirm, p.Code, plain(word(i18n.SlackButtonSignOut))).WithStyle(slack.StyleDanger)
	buttons := []slack.BlockElement{confirm, slack.NewButtonBlockElement(ActionCancel, p.Code, plain(word(i18n.SlackButtonCancel)))}
	if p.Enable {
		buttons[0] = slack.NewButtonBlockElement(ActionConfirm, p.Code, plain(word(i18n.SlackButtonEnable))).WithStyle(slack.StylePrimary)
	} else {
		buttons = append(buttons, slack.NewButtonBlockElement(ActionConfirmDisable, p.Code, plain(word(i18n.SlackButtonDisable))).WithStyle(slack.StyleDanger))
	}
	blocks = append(blocks, slack.NewActionBlock(ActionsBlock, buttons...), contextText(say(lang, i18n.M(i18n.SlackOnlyYou, code), maxText)))
	if !p.Enable {
		blocks = append(blocks, contextText(say(lang, i18n.M(i18n.SlackDisableHint, code), maxText)))
	}
	text := say(lang, i18n.M(i18n.SlackPromptFallback, label, reasonText(lang, p), i18n.Raw(expires), p.RequestID), maxText)
	return message{text: text, blocks: blocks}
}

// requestBlocks are what a prompt and an approval card both say of the
// request: the person (or the list), who asked (on a card), the reason,
// the expiry, and what the bot should warn of.
func requestBlocks(lang *i18n.Printer, p bot.Prompt, label, expires string, withRequester bool) []slack.Block {
	one := shownTarget(p)
	word := func(k i18n.Key) string { return say(lang, i18n.M(k), maxText) }
	fields := []*slack.TextBlockObject{field(word(i18n.SlackFieldUser), label)}
	if one.Title != "" {
		fields = append(fields, field(word(i18n.SlackFieldTitle), one.Title))
	}
	if !one.Via.IsZero() {
		fields = append(fields, field(word(i18n.SlackFieldVia), lang.Text(one.Via)))
	}
	if withRequester {
		fields = append(fields, mrkdwn("*"+word(i18n.SlackFieldRequester)+"*\n"+mention(p.Requester)))
	}
	fields = append(fields, field(word(i18n.SlackFieldReason), reasonText(lang, p)), field(word(i18n.SlackFieldExpires), expires),
		field(word(i18n.SlackFieldRequest), p.RequestID))
	blocks := []slack.Block{slack.NewSectionBlock(nil, fields, nil)}
	blocks = append(blocks, listBlocks(lang, ls(bot.PromptLines(p))...)...)
	if !one.Warning.IsZero() {
		blocks = append(blocks, section(":warning: "+say(lang, one.Warning, maxText-12)))
	}
	if !one.Account.IsZero() {
		blocks = append(blocks, contextText(say(lang, one.Account, maxText)))
	}
	return blocks
}

// reasonText is the request's reason, or words saying none was given.
func reasonText(lang *i18n.Printer, p bot.Prompt) string {
	if p.Reason == "" {
		return lang.Text(i18n.M(i18n.NoReason))
	}
	return p.Reason
}

// approvalMessage renders a two-person request for the channel, with
// Approve and Deny for anyone but the requester and the target.
func approvalMessage(lang *i18n.Printer, p bot.Prompt, now time.Time) message {
	label := promptLabel(lang, p)
	expires := lang.Until(p.ExpiresAt, now)
	word := func(k i18n.Key) string { return say(lang, i18n.M(k), maxText) }
	var blocks []slack.Block
	if p.DryRun {
		blocks = append(blocks, contextText(word(i18n.SlackDryRun)))
	}
	blocks = append(blocks, section(mention(p.Requester)+" "+say(lang, i18n.M(i18n.SlackApprovalQuestion, label), maxText-100)))
	blocks = append(blocks, requestBlocks(lang, p, label, expires, true)...)
	approvals := []slack.BlockElement{
		slack.NewButtonBlockElement(ActionApprove, p.Code, plain(word(i18n.SlackButtonApprove))).WithStyle(slack.StyleDanger),
		slack.NewButtonBlockElement(ActionDeny, p.Code, plain(word(i18n.SlackButtonDeny))),
	}
	if !p.Enable {
		approvals = append(approvals, slack.NewButtonBlockElement(ActionApproveDisable, p.Code, plain(word(i18n.SlackButtonApproveDisable))).WithStyle(slack.StyleDanger))
	}
	blocks = append(blocks,
		slack.NewActionBlock(ApprovalsBlock, approvals...),
		contextText(say(lang, i18n.M(i18n.SlackApprovalHow, p.Requester, i18n.Raw(p.Code)), maxText)),
	)
	text := say(lang, i18n.M(i18n.SlackApprovalFallback, p.Requester, label, reasonText(lang, p), i18n.Raw(expires), p.RequestID), maxText)
	return message{text: text, blocks: blocks}
}

// resultMessage renders the outcome of a confirmed request for the channel.
func resultMessage(lang *i18n.Printer, r bot.Result) message {
	if len(r.Each) > 0 {
		return summaryMessage(lang, r)
	}
	head := say(lang, bot.ResultHeadline(r), maxText)
	word := func(k i18n.Key) string { return say(lang, i18n.M(k), maxText) }
	reason := r.Reason
	if reason == "" {
		reason = lang.Text(i18n.M(i18n.NoReason))
	}
	blocks := []slack.Block{
		section(head),
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{
			field(word(i18n.SlackFieldReason), reason),
			mrkdwn("*" + word(i18n.SlackFieldRequestedBy) + "*\n" + mention(r.Invoker)),
			field(word(i18n.SlackFieldRequest), r.RequestID),
		}, nil),
	}
	if r.Approver != "" {
		blocks = append(blocks, contextText(word(i18n.SlackApprovedBy)+" "+mention(r.Approver)))
	}
	if r.AuditFailed {
		blocks = append(blocks, contextText(word(i18n.SlackNotAudited)))
	}
	return message{text: head, blocks: blocks}
}
