package slackbot

import (
	"cmp"
	"context"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// seenTTL is how long event and envelope IDs are remembered to drop
// duplicates; Slack retries an unacked event for a few minutes.
const seenTTL = 10 * time.Minute

// onSlashCommand serves /signout.
func (b *Bot) onSlashCommand(ctx context.Context, evt *socketmode.Event) {
	b.ack(ctx, evt)
	cmd, ok := evt.Data.(slack.SlashCommand)
	if !ok {
		b.log.Warn("slash command envelope without a command; ignored", "data", describe(evt.Data))
		return
	}
	c := b.commandConv(cmd)
	log := b.log.With("user", cmd.UserID, "channel", cmd.ChannelID, "team_id", cmd.TeamID)
	if why := b.org.refuse(cmd.TeamID, cmd.EnterpriseID); !why.IsZero() {
		log.Warn("command from outside the org boundary refused", "enterprise_id", cmd.EnterpriseID)
		c.tellRefused(ctx, why)
		return
	}
	if cmd.UserID == "" || cmd.ChannelID == "" {
		log.Warn("slash command without user_id or channel_id; refused")
		c.tellRefused(ctx, i18n.M(i18n.SlackNoUserOrChannel))
		return
	}
	log.Debug("slash command")
	if targetsSelf(cmd.Text, b.selfID(nil), true) {
		log.Info("the bot named as the target; refused")
		c.tellRefused(ctx, i18n.M(i18n.SlackSelfTarget))
		return
	}
	b.engine.Handle(ctx, bot.Message{
		Platform:     bot.Slack,
		Invoker:      cmd.UserID,
		Conversation: cmd.ChannelID,
		Direct:       isDM(cmd.ChannelID),
		Text:         plainText(cmd.Text),
		ArgsOnly:     true,
		ReplyTo:      c.address(),
	}, c)
}

// onAppMention serves "@signout-bot signout <user> <reason>", which also
// works in threads, where slash commands don't.
func (b *Bot) onAppMention(ctx context.Context, evt *socketmode.Event) {
	b.ack(ctx, evt)
	ev, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok {
		return
	}
	am, ok := ev.InnerEvent.Data.(*slackevents.AppMentionEvent)
	if !ok {
		b.log.Warn("app_mention event without its body; ignored", "data", describe(ev.InnerEvent.Data))
		return
	}
	log := b.log.With("user", am.User, "channel", am.Channel, "team_id", cmp.Or(am.UserTeam, ev.TeamID))
	if cb := cb(ev); cb != nil && cb.EventID != "" && !b.seen.First(ctx, "slack:event:"+cb.EventID, seenTTL) {
		log.Info("redelivered event ignored", "event_id", cb.EventID)
		return
	}
	selfID := b.selfID(cb(ev))
	if am.BotID != "" || am.User == "" || am.User == selfID {
		log.Debug("mention by a bot ignored", "bot_id", am.BotID)
		return
	}
	c := b.mentionConv(am)
	if why := b.org.refuseMention(ev, am); !why.IsZero() {
		log.Warn("mention from outside the org boundary refused", "enterprise_id", ev.EnterpriseID)
		c.tellRefused(ctx, why)
		return
	}
	if am.Channel == "" {
		log.Warn("app_mention without a channel; ignored")
		return
	}
	if am.Edited != nil {
		log.Info("edited mention not run again")
		c.tellRefused(ctx, i18n.M(i18n.SlackEdited))
		return
	}
	text := stripMention(am.Text, selfID)
	if targetsSelf(text, selfID, false) {
		log.Info("the bot named as the target; refused")
		c.tellRefused(ctx, i18n.M(i18n.SlackSelfTarget))
		return
	}
	b.engine.Handle(ctx, bot.Message{
		Platform:     bot.Slack,
		Invoker:      am.User,
		Conversation: am.Channel,
		Direct:       isDM(am.Channel),
		Text:         plainText(text),
		ReplyTo:      c.address(),
	}, c)
}

// cb is the outer event_callback of an Events API event, or nil.
func cb(ev slackevents.EventsAPIEvent) *slackevents.EventsAPICallbackEvent {
	c, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
	return c
}

// selfID is the bot's own user ID: from auth.test, or, until that has
// answered, from the event's authorizations.
func (b *Bot) selfID(c *slackevents.EventsAPICallbackEvent) string {
	if self := b.self.Load(); self != nil {
		return self.UserID
	}
	if c != nil {
		for _, a := range c.Authorizations {
			if a.IsBot && validUserID(a.UserID) {
				return a.UserID
			}
		}
	}
	return ""
}

// onClick serves the Sign out and Cancel buttons.
func (b *Bot) onClick(actionID string) func(ctx context.Context, evt *socketmode.Event) {
	return func(ctx context.Context, evt *socketmode.Event) {
		if !b.claim(ctx, evt) {
			return
		}
		b.ack(ctx, evt)
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			return
		}
		c := b.clickConv(cb)
		log := b.log.With("user", cb.User.ID, "channel", c.channel, "action", actionID)
		if why := b.org.refuse(cmp.Or(cb.User.TeamID, cb.Team.ID), cb.Enterprise.ID); !why.IsZero() {
			log.Warn("click from outside the org boundary refused", "team_id", cmp.Or(cb.User.TeamID, cb.Team.ID), "enterprise_id", cb.Enterprise.ID)
			c.tellRefused(ctx, why)
			return
		}
		actions := cb.ActionCallback.BlockActions
		if len(actions) != 1 {
			log.Warn("click payload with several actions refused", "actions", len(actions))
			c.tellRefused(ctx, i18n.M(i18n.SlackSeveralActions))
			return
		}
		if cb.User.ID == "" {
			log.Warn("click without a user refused")
			c.tellRefused(ctx, i18n.M(i18n.SlackNoClicker))
			return
		}
		code := actions[0].Value
		if !codePattern.MatchString(code) {
			log.Warn("button value is not a confirmation code; refused", "value_len", len(code))
			c.tellRefused(ctx, i18n.M(i18n.SlackForeignButton))
			return
		}
		a := bot.Action{Platform: bot.Slack, User: cb.User.ID, Conversation: c.channel, Direct: isDM(c.channel), Code: code}
		switch actionID {
		case ActionConfirm:
			b.engine.Confirm(ctx, a, c)
		case ActionConfirmDisable:
			a.Disable = true
			b.engine.Confirm(ctx, a, c)
		case ActionApprove:
			b.engine.Approve(ctx, a, c)
		case ActionApproveDisable:
			a.Disable = true
			b.engine.Approve(ctx, a, c)
		case ActionDeny:
			b.engine.Deny(ctx, a, c)
		default:
			b.engine.Cancel(ctx, a, c)
		}
	}
}

// claim reports whether this call is the first for evt's envelope, in
// any replica. slack-go calls a route once per matching action in the
// payload: one call serves (and acks) the envelope. A copy that another
// replica served is acked here, so that Slack stops sending it.
func (b *Bot) claim(ctx context.Context, evt *socketmode.Event) bool {
	if evt.Request == nil || evt.Request.EnvelopeID == "" {
		b.log.Warn("interactive envelope without envelope_id ignored") // Slack always sends one
		return false
	}
	switch b.seen.Check(ctx, "slack:envelope:"+evt.Request.EnvelopeID, seenTTL) {
	case bot.SeenHere:
		return false
	case bot.SeenElsewhere:
		b.ack(ctx, evt)
		b.log.Info("interactive envelope another replica served; acked and ignored", "envelope_id", evt.Request.EnvelopeID)
		return false
	}
	return true
}
