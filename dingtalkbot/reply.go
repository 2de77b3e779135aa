package dingtalkbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/i18n"
)

// Robot API message templates (msgKey).
const (
	msgKeyMarkdown   = "sampleMarkdown"
	msgKeyActionCard = "sampleActionCard2" // title, text and two buttons
)

// webhookMargin is how long before its stated expiry a sessionWebhook is no
// longer trusted: a post must not race the expiry.
const webhookMargin = 30 * time.Second

// conversation answers one robot message: through its sessionWebhook while
// that is valid, else (or when the webhook fails) through the robot API,
// to the group or, for a 1:1 chat, to the sender.
type conversation struct {
	b              *Bot
	id             string // conversationId: a group's openConversationId
	direct         bool
	sender         string    // senderStaffId: @mentioned in group replies
	webhook        string    // sessionWebhook; "" if none
	webhookExpires time.Time // zero if DingTalk did not say
	robotCode      string    // the robot the robot API speaks as
	log            *slog.Logger
}

func (b *Bot) conversation(m *robotMessage, log *slog.Logger) *conversation {
	c := &conversation{
		b: b, id: m.ConversationId, direct: m.ConversationType == conversationDirect,
		sender: m.SenderStaffId, webhook: m.SessionWebhook, robotCode: b.cfg.RobotCode, log: log,
	}
	if m.SessionWebhookExpiredTime > 0 {
		c.webhookExpires = time.UnixMilli(m.SessionWebhookExpiredTime)
	}
	return c
}

// Tell implements bot.Conversation.
func (c *conversation) Tell(ctx context.Context, n bot.Notice) error {
	lang := c.b.lang
	text := escapeMarkdown(lang.Text(n.Msg))
	if n.Kind == bot.NoticeUsage {
		usage := escapeMarkdown(lang.Text(commands.UsageMsg))
		text = strings.TrimPrefix(text+"\n\n"+usage, "\n\n")
	}
	out := c.markdown(lang.Text(i18n.M(noticeTitle(n.Kind))), text)
	if n.Private && !c.direct {
		return c.sendPrivately(ctx, out)
	}
	return c.send(ctx, out)
}

// sendPrivately sends out to the sender alone, in a 1:1 chat with the
// robot: a status or history answer asked for in a group.
func (c *conversation) sendPrivately(ctx context.Context, out outgoing) error {
	if c.sender == "" {
		return errors.New("dingtalkbot: no sender to reply to privately")
	}
	if err := c.b.messenger.SendDirectMessage(ctx, c.robotCode, []string{c.sender}, out.msgKey, out.msgParam); err != nil {
		return fmt.Errorf("dingtalkbot: replying in a 1:1 chat: %w", err)
	}
	return nil
}

// Ask implements bot.Conversation. In a group the prompt says what to type
// (with an @mention of the bot, or DingTalk won't deliver it); in a 1:1 chat
// it is an actionCard whose buttons send the same text.
func (c *conversation) Ask(ctx context.Context, p bot.Prompt) error {
	lang := c.b.lang
	word := func(k i18n.Key) string { return lang.Text(i18n.M(k)) }
	if p.TwoPerson {
		return c.send(ctx, c.markdown(word(i18n.DingTalkTitleApproval), approvalMarkdown(lang, p, time.Now(), c.b.cfg.RobotName)))
	}
	text := promptMarkdown(lang, p, time.Now(), c.direct, c.b.cfg.RobotName)
	title := word(i18n.DingTalkTitleConfirm)
	if p.Enable {
		title = word(i18n.DingTalkTitleEnable)
	}
	if !c.direct {
		return c.send(ctx, c.markdown(title, text))
	}
	return c.send(ctx, actionCard(title, text,
		button{word(i18n.DingTalkButtonConfirm), dtmdSendMessage(word(i18n.DingTalkConfirmWord) + " " + p.Code)},
		button{word(i18n.DingTalkButtonCancel), dtmdSendMessage(word(i18n.DingTalkCancelWord) + " " + p.Code)}))
}

// Announce implements bot.Conversation.
func (c *conversation) Announce(ctx context.Context, r bot.Result) error {
	lang := c.b.lang
	if len(r.Each) > 0 {
		return c.send(ctx, c.markdown(lang.Text(i18n.M(resultTitle(r))), summaryMarkdown(lang, r)))
	}
	return c.send(ctx, c.markdown(lang.Text(i18n.M(resultTitle(r))), escapeMarkdown(lang.Text(bot.ResultMsg(r)))))
}

// outgoing is one message in both shapes DingTalk takes: the body of a
// sessionWebhook post and a robot API template.
type outgoing struct {
	webhook  map[string]any
	msgKey   string
	msgParam map[string]string
}

// mentionable matches the staffIds that can go into markdown as "@id"
// without escaping; others are only listed in at.atUserIds.
var mentionable = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

// markdown builds a markdown message; in a group the sessionWebhook version
// @mentions the sender. (The robot API's sampleMarkdown can't mention.)
func (c *conversation) markdown(title, text string) outgoing {
	body := map[string]any{"msgtype": "markdown"}
	webhookText := text
	if !c.direct && c.sender != "" {
		body["at"] = map[string]any{"atUserIds": []string{c.sender}}
		if mentionable.MatchString(c.sender) {
			webhookText = "@" + c.sender + "\n\n" + text
		}
	}
	body["markdown"] = map[string]string{"title": title, "text": webhookText}
	return outgoing{webhook: body, msgKey: msgKeyMarkdown, msgParam: map[string]string{"title": title, "text": text}}
}

type button struct{ title, url string }

func actionCard(title, text string, b1, b2 button) outgoing {
	return outgoing{
		webhook: map[string]any{"msgtype": "actionCard", "actionCard": map[string]any{
			"title": title, "text": text, "btnOrientation": "1",
			"btns": []map[string]string{{"title": b1.title, "actionURL": b1.url}, {"title": b2.title, "actionURL": b2.url}},
		}},
		msgKey: msgKeyActionCard,
		msgParam: map[string]string{"title": title, "text": text,
			"actionTitle1": b1.title, "actionURL1": b1.url, "actionTitle2": b2.title, "actionURL2": b2.url},
	}
}

// send posts out through the sessionWebhook if it is still valid, and
// otherwise, or if that fails, through the robot API.
func (c *conversation) send(ctx context.Context, out outgoing) error {
	var webhookErr error
	if c.webhookUsable(time.Now()) {
		webhookErr = c.b.messenger.PostSessionWebhook(ctx, c.webhook, out.webhook)
		if webhookErr == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("dingtalkbot: replying: %w", webhookErr)
		}
		c.log.Warn("sessionWebhook failed; replying through the robot API", "err", webhookErr)
	}
	err := c.sendRobot(ctx, out)
	switch {
	case err == nil:
		return nil
	case webhookErr != nil:
		return fmt.Errorf("dingtalkbot: replying: sessionWebhook: %v; robot API: %w", webhookErr, err)
	}
	return fmt.Errorf("dingtalkbot: replying through the robot API: %w", err)
}

func (c *conversation) webhookUsable(now time.Time) bool {
	if c.webhook == "" {
		return false
	}
	return c.webhookExpires.IsZero() || now.Add(webhookMargin).Before(c.webhookExpires)
}

func (c *conversation) sendRobot(ctx context.Context, out outgoing) error {
	robot := c.robotCode
	if c.direct {
		if c.sender == "" {
			return errors.New("no sender to reply to")
		}
		return c.b.messenger.SendDirectMessage(ctx, robot, []string{c.sender}, out.msgKey, out.msgParam)
	}
	if c.id == "" {
		return errors.New("no conversationId to reply to")
	}
	return c.b.messenger.SendGroupMessage(ctx, robot, c.id, out.msgKey, out.msgParam)
}

func noticeTitle(k bot.NoticeKind) i18n.Key {
	switch k {
	case bot.NoticeUsage:
		return i18n.DingTalkTitleHelp
	case bot.NoticeRefused:
		return i18n.DingTalkTitleRefused
	case bot.NoticeError:
		return i18n.DingTalkTitleProblem
	case bot.NoticeProgress:
		return i18n.DingTalkTitleProgress
	case bot.NoticeClosed:
		return i18n.DingTalkTitleClosed
	}
	return i18n.DingTalkTitleBot
}

func resultTitle(r bot.Result) i18n.Key {
	switch {
	case r.OK && r.DryRun:
		return i18n.DingTalkTitleDryRun
	case r.OK:
		return i18n.DingTalkTitleSignedOut
	}
	return i18n.DingTalkTitleFailed
}

// promptMarkdown is the confirmation prompt. The literal "confirm CODE"
// and "cancel CODE" (in Chinese "确认 CODE" and "取消 CODE") appear in it
// whatever the chat; the parser takes either language.
func promptMarkdown(lang *i18n.Printer, p bot.Prompt, now time.Time, direct bool, robotName string) string {
	var lines []string
	add := func(m i18n.Msg) { lines = append(lines, lang.Escaped(m, escapeLine)) }
	if p.DryRun {
		add(i18n.M(i18n.DingTalkDryRun))
	}
	question := i18n.DingTalkQuestion
	if p.Enable {
		question = i18n.DingTalkEnableQuestion
	}
	add(i18n.M(question, promptLabel(lang, p)))
	lines = append(lines, requestLines(lang, p, now)...)
	word := func(k i18n.Key) string { return lang.Text(i18n.M(k)) }
	code := escapeLine(p.Code)
	confirm, cancel := word(i18n.DingTalkConfirmWord)+" "+code, word(i18n.DingTalkCancelWord)+" "+code
	switch {
	case direct:
		add(i18n.M(i18n.DingTalkTapOrType, i18n.Raw(confirm), i18n.Raw(cancel)))
	case robotName != "":
		at := "@" + escapeLine(robotName) + " "
		add(i18n.M(i18n.DingTalkSendInGroup, i18n.Raw(at+confirm), i18n.Raw(at+cancel)))
		add(i18n.M(i18n.DingTalkOrDirect, i18n.Raw(confirm)))
	default:
		add(i18n.M(i18n.DingTalkMentionAndSend, i18n.Raw(confirm), i18n.Raw(cancel)))
		add(i18n.M(i18n.DingTalkOrDirect, i18n.Raw(confirm)))
	}
	if !p.Enable {
		add(i18n.M(i18n.DingTalkDisableHint, i18n.Raw(confirm+" "+word(i18n.DingTalkDisableWord))))
	}
	if lang.Lang() != i18n.EN {
		// Admins used to the English commands, and scripts, keep them.
		add(i18n.M(i18n.DingTalkEnglishToo, i18n.Raw("confirm "+code), i18n.Raw("cancel "+code)))
	}
	return strings.Join(lines, "\n\n")
}

// approvalMarkdown is a two-person request for the group: another allowed
// admin sends "approve CODE" ("批准 CODE"), the requester may withdraw it.
// requestLines are what a prompt and an approval card both say of the
// request: the person (or the list), the reason, the expiry.
func requestLines(lang *i18n.Printer, p bot.Prompt, now time.Time) []string {
	var lines []string
	one := shownTarget(p)
	add := func(m i18n.Msg) { lines = append(lines, lang.Escaped(m, escapeLine)) }
	if one.Title != "" {
		add(i18n.M(i18n.DingTalkTitleLine, one.Title))
	}
	if !one.Via.IsZero() {
		add(i18n.M(i18n.DingTalkViaLine, one.Via))
	}
	if !one.Warning.IsZero() {
		add(i18n.M(i18n.DingTalkWarningLine, one.Warning))
	}
	if !one.Account.IsZero() {
		add(one.Account)
	}
	targets, skipped := bot.PromptLines(p)
	lines = append(lines, listLines(lang, targets, skipped)...)
	reason := i18n.M(i18n.NoReason)
	if p.Reason != "" {
		reason = i18n.Plain(p.Reason)
	}
	add(i18n.M(i18n.DingTalkReasonLine, reason))
	add(i18n.M(i18n.DingTalkExpiresLine, i18n.Raw(lang.Until(p.ExpiresAt, now)), p.RequestID))
	return lines
}

func approvalMarkdown(lang *i18n.Printer, p bot.Prompt, now time.Time, robotName string) string {
	var lines []string
	add := func(m i18n.Msg) { lines = append(lines, lang.Escaped(m, escapeLine)) }
	if p.DryRun {
		add(i18n.M(i18n.DingTalkDryRun))
	}
	add(i18n.M(i18n.DingTalkApprovalAsk, p.Requester, promptLabel(lang, p)))
	lines = append(lines, requestLines(lang, p, now)...)
	at := ""
	if robotName != "" {
		at = "@" + escapeLine(robotName) + " "
	}
	word := func(k i18n.Key) string { return lang.Text(i18n.M(k)) }
	code := escapeLine(p.Code)
	add(i18n.M(i18n.DingTalkApprovalHow, i18n.Raw(at+word(i18n.DingTalkApproveWord)+" "+code), i18n.Raw(at+word(i18n.DingTalkDenyWord)+" "+code)))
	if !p.Enable {
		add(i18n.M(i18n.DingTalkApproveDisable, i18n.Raw(at+word(i18n.DingTalkApproveWord)+" "+code+" "+word(i18n.DingTalkDisableWord))))
	}
	if lang.Lang() != i18n.EN {
		add(i18n.M(i18n.DingTalkEnglishToo, i18n.Raw("approve "+code), i18n.Raw("deny "+code)))
	}
	return strings.Join(lines, "\n\n")
}
