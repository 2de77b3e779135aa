package slackbot

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// A request naming several people: the prompt and the summary list them
// in sections of at most maxText characters, up to maxListChars in all,
// and say how many more there are past that.
const maxListChars = 4 * (maxText - 100)

// promptLabel names what p acts on: its one target, or "5 accounts".
func promptLabel(lang *i18n.Printer, p bot.Prompt) string {
	if len(p.Targets) > 0 {
		return lang.Text(i18n.M(i18n.BulkLabel, len(p.Targets)))
	}
	return bot.TargetLabel(p.Target)
}

// shownTarget is the target whose details (title, warning...) a prompt
// shows in its fields: none for a list, which shows them line by line.
func shownTarget(p bot.Prompt) bot.Target {
	if len(p.Targets) > 0 {
		return bot.Target{}
	}
	return p.Target
}

// listBlocks renders lists of lines as sections, each list summarised
// past its share of maxListChars.
func listBlocks(lang *i18n.Printer, lists ...[]i18n.Msg) []slack.Block {
	var blocks []slack.Block
	for _, l := range lists {
		blocks = append(blocks, listSections(lang, l, maxListChars/len(lists))...)
	}
	return blocks
}

func listSections(lang *i18n.Printer, lines []i18n.Msg, budget int) []slack.Block {
	if len(lines) == 0 {
		return nil
	}
	text := make([]string, len(lines))
	for i, l := range lines {
		text[i] = say(lang, l, maxField)
	}
	size := func(s string) int { return utf8.RuneCountInString(s) + 1 }
	more := func(n int) string { return say(lang, i18n.M(i18n.BulkMore, n), maxText) }
	var blocks []slack.Block
	var b strings.Builder
	for _, l := range bot.FitLines(text, budget, size, more) {
		if b.Len() > 0 && utf8.RuneCountInString(b.String())+size(l) > maxText {
			blocks = append(blocks, section(b.String()))
			b.Reset()
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	return append(blocks, section(b.String()))
}

// summaryMessage renders the outcome of a request naming several people.
func summaryMessage(lang *i18n.Printer, r bot.Result) message {
	head := say(lang, bot.SummaryHead(r), maxText)
	word := func(k i18n.Key) string { return say(lang, i18n.M(k), maxText) }
	reason := r.Reason
	if reason == "" {
		reason = lang.Text(i18n.M(i18n.NoReason))
	}
	blocks := []slack.Block{section(head)}
	blocks = append(blocks, listBlocks(lang, ls(bot.SummaryLines(r))...)...)
	blocks = append(blocks, slack.NewSectionBlock(nil, []*slack.TextBlockObject{
		field(word(i18n.SlackFieldReason), reason),
		mrkdwn("*" + word(i18n.SlackFieldRequestedBy) + "*\n" + mention(r.Invoker)),
		field(word(i18n.SlackFieldRequest), r.RequestID),
	}, nil))
	if r.Approver != "" {
		blocks = append(blocks, contextText(word(i18n.SlackApprovedBy)+" "+mention(r.Approver)))
	}
	if r.AuditFailed {
		blocks = append(blocks, contextText(word(i18n.SlackNotAudited)))
	}
	return message{text: head, blocks: blocks}
}

// progressMessage is a bulk run's progress, one line.
func progressMessage(lang *i18n.Printer, p bot.Progress) message {
	text := ":hourglass_flowing_sand: " + say(lang, i18n.M(i18n.BulkProgress, p.Done, p.Total, p.Failed), maxText-30)
	return message{text: text, blocks: []slack.Block{section(text)}}
}

// Progress shows a bulk run's progress in the channel: posted once, then
// updated in place with chat.update.
func (c *conversation) Progress(ctx context.Context, p bot.Progress) error {
	m := progressMessage(c.b.lang, p)
	c.mu.Lock()
	ts := c.progressTS
	c.mu.Unlock()
	if ts != "" {
		return c.b.updateMessage(ctx, c.channel, ts, m)
	}
	ts, err := c.b.postMessageTS(ctx, c.channel, c.thread, m)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.progressTS = ts
	c.mu.Unlock()
	return nil
}

// postMessageTS posts m like postMessage and returns its ts, to update it.
func (b *Bot) postMessageTS(ctx context.Context, channel, thread string, m message) (string, error) {
	opts := []slack.MsgOption{
		slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...),
		slack.MsgOptionParse(false), slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl(),
	}
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	var ts string
	err := b.call(ctx, "chat.postMessage", func(ctx context.Context) error {
		var err error
		_, ts, err = b.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("chat.postMessage: %w", err)
	}
	return ts, nil
}

// updateMessage replaces the bot's own message ts in channel with m.
func (b *Bot) updateMessage(ctx context.Context, channel, ts string, m message) error {
	err := b.call(ctx, "chat.update", func(ctx context.Context) error {
		_, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...))
		return err
	})
	if err != nil {
		return fmt.Errorf("chat.update: %w", err)
	}
	return nil
}

// ls gathers lists returned together.
func ls(a, b []i18n.Msg) [][]i18n.Msg { return [][]i18n.Msg{a, b} }
