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
	return c.send(ctx, c.markdown(noticeTitle(n.Kind), escapeMarkdown(n.Text)))
}

// Ask implements bot.Conversation. In a group the prompt says what to type
// (with an @mention of the bot, or DingTalk won't deliver it); in a 1:1 chat
// it is an actionCard whose buttons send the same text.
func (c *conversation) Ask(ctx context.Context, p bot.Prompt) error {
	text := promptMarkdown(p, time.Now(), c.direct, c.b.cfg.RobotName)
	if !c.direct {
		return c.send(ctx, c.markdown("Confirm sign-out", text))
	}
	return c.send(ctx, actionCard("Confirm sign-out", text,
		button{"Confirm sign-out", dtmdSendMessage("confirm " + p.Code)},
		button{"Cancel", dtmdSendMessage("cancel " + p.Code)}))
}

// Announce implements bot.Conversation.
func (c *conversation) Announce(ctx context.Context, r bot.Result) error {
	return c.send(ctx, c.markdown(resultTitle(r), escapeMarkdown(bot.ResultText(r))))
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

func noticeTitle(k bot.NoticeKind) string {
	switch k {
	case bot.NoticeUsage:
		return "signout-bot help"
	case bot.NoticeRefused:
		return "Sign-out refused"
	case bot.NoticeError:
		return "Sign-out problem"
	case bot.NoticeProgress:
		return "Signing out"
	case bot.NoticeClosed:
		return "Sign-out request closed"
	}
	return "signout-bot"
}

func resultTitle(r bot.Result) string {
	switch {
	case r.OK && r.DryRun:
		return "Dry run: sign-out not sent"
	case r.OK:
		return "Signed out"
	}
	return "Sign-out failed"
}

// targetLabel is bot.TargetLabel with its user-supplied parts escaped.
func targetLabel(t bot.Target) string {
	if t.Name == "" {
		return escapeLine(t.UserID)
	}
	return escapeLine(t.Name) + " (" + escapeLine(t.UserID) + ")"
}

// promptMarkdown is the confirmation prompt. The literal "confirm CODE" and
// "cancel CODE" appear in it whatever the chat.
func promptMarkdown(p bot.Prompt, now time.Time, direct bool, robotName string) string {
	var lines []string
	add := func(s string) { lines = append(lines, s) }
	if p.DryRun {
		add("**Dry run:** nothing will be sent to DingTalk.")
	}
	add(bold("Sign out " + targetLabel(p.Target) + " from DingTalk on every device?"))
	if p.Target.Title != "" {
		add("Title: " + escapeLine(p.Target.Title))
	}
	if p.Target.Via != "" {
		add("Found by: " + escapeLine(p.Target.Via))
	}
	if p.Target.Warning != "" {
		add("⚠️ " + escapeLine(p.Target.Warning))
	}
	reason := "(none given)"
	if p.Reason != "" {
		reason = escapeLine(p.Reason)
	}
	add("Reason: " + reason)
	add("Expires " + bot.Until(p.ExpiresAt, now) + ", request " + escapeLine(p.RequestID))
	confirm, cancel := "confirm "+escapeLine(p.Code), "cancel "+escapeLine(p.Code)
	switch {
	case direct:
		add("Tap **Confirm sign-out** or **Cancel** below, or type " + bold(confirm) + " or " + bold(cancel) + ".")
	case robotName != "":
		at := "@" + escapeLine(robotName) + " "
		add("To go ahead, send " + bold(at+confirm) + "; to stop, send " + bold(at+cancel) + ".")
		add("Or send " + bold(confirm) + " to me in a direct chat.")
	default:
		add("To go ahead, @mention me and send " + bold(confirm) + "; to stop, send " + bold(cancel) + ".")
		add("Or send " + bold(confirm) + " to me in a direct chat.")
	}
	return strings.Join(lines, "\n\n")
}
