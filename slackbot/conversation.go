package slackbot

import (
	"cmp"
	"context"
	"sync"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// conversation implements bot.Conversation for one slash command, @mention
// or button click.
//
// Private messages go through the response_url when there is one (it
// needs no channel membership) and fall back to chat.postEphemeral.
// Results go to the channel with chat.postMessage, falling back to the
// response_url "in_channel" when the bot is not a member.
type conversation struct {
	b           *Bot
	channel     string
	user        string // the invoker or clicker: private messages go to them
	thread      string // thread_ts, "" outside threads
	responseURL string // "" for @mentions
	// click: this conversation is a button click, so the message holding
	// the buttons is the one its response_url replaces.
	click bool

	mu            sync.Mutex
	promptInPlace bool   // Ask went through responseURL, so it can be replaced
	progressTS    string // the bulk progress message posted, to update
}

var _ bot.Conversation = (*conversation)(nil)

func (b *Bot) commandConv(cmd slack.SlashCommand) *conversation {
	return &conversation{b: b, channel: cmd.ChannelID, user: cmd.UserID, responseURL: cmd.ResponseURL}
}

func (b *Bot) mentionConv(ev *slackevents.AppMentionEvent) *conversation {
	return &conversation{b: b, channel: ev.Channel, user: ev.User, thread: ev.ThreadTimeStamp}
}

func (b *Bot) clickConv(cb slack.InteractionCallback) *conversation {
	return &conversation{
		b:           b,
		channel:     cmp.Or(cb.Container.ChannelID, cb.Channel.ID),
		user:        cb.User.ID,
		thread:      cmp.Or(cb.Container.ThreadTs, cb.Message.ThreadTimestamp),
		responseURL: cb.ResponseURL,
		click:       true,
	}
}

// Tell replaces the prompt when the notice closes it (used, cancelled,
// expired), so its buttons are gone; anything else goes to the user alone.
func (c *conversation) Tell(ctx context.Context, n bot.Notice) error {
	m := noticeMessage(c.b.lang, n)
	if c.replacesPrompt(n.Kind) {
		err := c.b.respond(ctx, c.responseURL, m, replace)
		if err == nil {
			return nil
		}
		c.b.log.Warn("could not replace the prompt; telling the user privately instead", "request_id", n.RequestID, "err", err)
	}
	return c.private(ctx, m)
}

func (c *conversation) replacesPrompt(k bot.NoticeKind) bool {
	if c.click {
		return k == bot.NoticeProgress || k == bot.NoticeClosed
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return k == bot.NoticeClosed && c.promptInPlace
}

// Ask shows the confirmation prompt to the user alone; a two-person
// approval card goes to the channel, for everyone.
func (c *conversation) Ask(ctx context.Context, p bot.Prompt) error {
	if p.TwoPerson {
		return c.announce(ctx, approvalMessage(c.b.lang, p, c.b.now()), p.RequestID)
	}
	m := promptMessage(c.b.lang, p, c.b.now())
	if c.responseURL != "" {
		// Marked before sending: an expiry or cancel can arrive as soon as
		// Slack has the prompt, before respond returns, and must replace it.
		// A replace that finds no prompt falls back to a private message.
		c.setPromptInPlace(!c.click)
		err := c.b.respond(ctx, c.responseURL, m, ephemeral)
		if err == nil {
			return nil
		}
		c.setPromptInPlace(false)
		c.b.log.Warn("could not show the prompt through response_url; trying chat.postEphemeral", "request_id", p.RequestID, "err", err)
	}
	return c.b.postEphemeral(ctx, c.channel, c.user, c.thread, m)
}

func (c *conversation) setPromptInPlace(v bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.promptInPlace = v
}

// Announce posts the result where the command was given, for everyone.
func (c *conversation) Announce(ctx context.Context, r bot.Result) error {
	return c.announce(ctx, resultMessage(c.b.lang, r), r.RequestID)
}

// announce posts m to the channel, or through the response_url "in
// channel" when the bot is not a member.
func (c *conversation) announce(ctx context.Context, m message, requestID string) error {
	err := c.b.postMessage(ctx, c.channel, c.thread, m)
	if err == nil || c.responseURL == "" || !notInChannel(err) {
		return err
	}
	c.b.log.Info("the bot is not in the channel; posting through response_url", "request_id", requestID, "channel", c.channel)
	return c.b.respond(ctx, c.responseURL, m, inChannel)
}

// private shows m to the user alone.
func (c *conversation) private(ctx context.Context, m message) error {
	if c.responseURL != "" {
		err := c.b.respond(ctx, c.responseURL, m, ephemeral)
		if err == nil {
			return nil
		}
		c.b.log.Warn("response_url failed; trying chat.postEphemeral", "err", err)
	}
	return c.b.postEphemeral(ctx, c.channel, c.user, c.thread, m)
}

// tellRefused tells the user, privately, why nothing was done.
func (c *conversation) tellRefused(ctx context.Context, why i18n.Msg) {
	if err := c.Tell(ctx, bot.Notice{Kind: bot.NoticeRefused, Msg: why}); err != nil {
		c.b.log.Error("could not tell the user why their request was refused", "user", c.user, "err", err)
	}
}
