package slackbot

import (
	"cmp"
	"context"
	"encoding/json"
	"runtime/debug"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/signout-bot/signout-bot/i18n"
)

// Action IDs of the confirmation buttons and the block that holds them.
const (
	ActionConfirm = "signout_confirm"
	// ActionConfirmDisable signs out and then disables the account.
	ActionConfirmDisable = "signout_confirm_disable"
	ActionCancel         = "signout_cancel"
	ActionsBlock         = "signout_actions"
	// The two-person rule's approval card.
	ActionApprove        = "signout_approve"
	ActionApproveDisable = "signout_approve_disable" // approve, sign out and disable
	ActionDeny           = "signout_deny"
	ApprovalsBlock       = "signout_approval"
	// SlashCommand is the command the bot serves.
	SlashCommand = "/signout"
)

// ackTimeout bounds the wait for room in slack-go's response queue: an
// ack that can't be queued by then goes to a dead socket anyway, and
// Slack redelivers the envelope.
const ackTimeout = 2 * time.Second

// newHandler routes envelopes with slack-go's SocketmodeHandler. Only
// level-2/3 routes and Default are registered, never a level-1 route for
// the same envelope, so each envelope is acked exactly once.
func (b *Bot) newHandler() *socketmode.SocketmodeHandler {
	h := socketmode.NewSocketmodeHandler(b.sm)
	h.HandleSlashCommand(SlashCommand, b.serve(b.onSlashCommand))
	h.HandleInteractionBlockAction(ActionConfirm, b.serve(b.onClick(ActionConfirm)))
	h.HandleInteractionBlockAction(ActionCancel, b.serve(b.onClick(ActionCancel)))
	h.HandleInteractionBlockAction(ActionConfirmDisable, b.serve(b.onClick(ActionConfirmDisable)))
	h.HandleInteractionBlockAction(ActionApprove, b.serve(b.onClick(ActionApprove)))
	h.HandleInteractionBlockAction(ActionApproveDisable, b.serve(b.onClick(ActionApproveDisable)))
	h.HandleInteractionBlockAction(ActionDeny, b.serve(b.onClick(ActionDeny)))
	h.HandleEvents(slackevents.AppMention, b.serve(b.onAppMention))
	h.HandleDefault(b.serve(b.onOther))
	return h
}

// eventLoop reads slack-go's events. Connection lifecycle events are
// handled here, in order (they are cheap); envelopes are dispatched to
// the handler, which runs each in its own goroutine.
func (b *Bot) eventLoop(ctx context.Context, h *socketmode.SocketmodeHandler) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt := <-b.sm.Events:
			if b.lifecycle(evt) {
				continue
			}
			h.DispatchEvent(evt)
		}
	}
}

// lifecycle handles connection state events and unparseable frames; it
// reports whether evt was one of them.
func (b *Bot) lifecycle(evt socketmode.Event) bool {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.connected.Store(false)
		b.conn.connecting()
	case socketmode.EventTypeConnectionError:
		b.connected.Store(false)
		b.conn.failed(evt.Data)
	case socketmode.EventTypeInvalidAuth:
		b.connected.Store(false)
		b.log.Error("Slack rejected the Socket Mode connection (invalid auth)")
	case socketmode.EventTypeConnected:
		b.connected.Store(true)
		b.conn.connected()
	case socketmode.EventTypeHello:
		// A hello carries a Request with no envelope ID: never ack it.
		b.connected.Store(true)
		b.log.Debug("Socket Mode hello")
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.conn.glitch(string(evt.Type), evt.Data)
	case socketmode.EventTypeErrorBadMessage:
		b.badMessage(evt)
	default:
		return false
	}
	return true
}

// badMessage acks a frame slack-go could not parse (an unknown envelope
// type, a malformed payload), so Slack does not redeliver it, and logs it.
// A click that could not be read is refused to the clicker.
func (b *Bot) badMessage(evt socketmode.Event) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		b.log.Warn("unreadable Socket Mode frame")
		return
	}
	var env struct {
		EnvelopeID string          `json:"envelope_id"`
		Type       string          `json:"type"`
		Payload    json.RawMessage `json:"payload"`
	}
	_ = json.Unmarshal(bad.Message, &env) // best effort: the frame is already known to be bad
	b.log.Warn("unsupported or malformed Socket Mode envelope; acknowledged and ignored",
		"envelope_id", env.EnvelopeID, "type", env.Type, "err", bad.Cause)
	b.goWork(func(ctx context.Context) {
		if env.EnvelopeID != "" {
			b.ackID(ctx, env.EnvelopeID)
		}
		if env.Type == socketmode.RequestTypeInteractive {
			b.refuseUnreadableClick(ctx, env.Payload)
		}
	})
}

// refuseUnreadableClick tells a clicker that their click was not acted on.
// slack-go fails to decode, for one, a button payload without block_id.
func (b *Bot) refuseUnreadableClick(ctx context.Context, payload json.RawMessage) {
	var p struct {
		Type        string `json:"type"`
		ResponseURL string `json:"response_url"`
		User        struct {
			ID string `json:"id"`
		} `json:"user"`
		Container struct {
			ChannelID string `json:"channel_id"`
			ThreadTS  string `json:"thread_ts"`
		} `json:"container"`
		Channel struct {
			ID string `json:"id"`
		} `json:"channel"`
	}
	if json.Unmarshal(payload, &p) != nil || p.Type != string(slack.InteractionTypeBlockActions) {
		return
	}
	c := &conversation{b: b, channel: cmp.Or(p.Container.ChannelID, p.Channel.ID), user: p.User.ID,
		thread: p.Container.ThreadTS, responseURL: p.ResponseURL, click: true}
	if c.responseURL == "" && (c.channel == "" || c.user == "") {
		return
	}
	c.tellRefused(ctx, i18n.M(i18n.SlackUnreadableClick))
}

// goWork runs f in its own goroutine as work Run waits for.
func (b *Bot) goWork(f func(ctx context.Context)) {
	ctx, ok := b.work.begin()
	if !ok {
		return
	}
	go func() {
		defer b.work.done()
		f(ctx)
	}()
}

// serve wraps a handler: it registers the work with Run, acks the
// envelope before anything else, and contains panics.
func (b *Bot) serve(f func(ctx context.Context, evt *socketmode.Event)) socketmode.SocketmodeHandlerFunc {
	return func(evt *socketmode.Event, _ *socketmode.Client) {
		ctx, ok := b.work.begin()
		if !ok {
			return // shutting down: unacked, Slack redelivers elsewhere
		}
		defer b.work.done()
		defer func() {
			if r := recover(); r != nil {
				b.log.Error("panic serving a Slack envelope", "type", evt.Type, "panic", r, "stack", string(debug.Stack()))
			}
		}()
		f(ctx, evt)
	}
}

// ack acknowledges evt's envelope. It only queues the ack on slack-go's
// response channel, so it never waits for the network.
func (b *Bot) ack(ctx context.Context, evt *socketmode.Event) {
	if evt.Request == nil || evt.Request.EnvelopeID == "" {
		return
	}
	b.ackID(ctx, evt.Request.EnvelopeID)
}

func (b *Bot) ackID(ctx context.Context, id string) {
	actx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	if err := b.sm.AckCtx(actx, id, nil); err != nil {
		b.log.Warn("could not acknowledge an envelope", "envelope_id", id, "err", err)
	}
}

// onOther acks and logs what the bot does not serve: other commands,
// events, interaction types and action IDs.
func (b *Bot) onOther(ctx context.Context, evt *socketmode.Event) {
	b.ack(ctx, evt)
	switch data := evt.Data.(type) {
	case slack.InteractionCallback:
		b.otherInteraction(ctx, data)
	case slack.SlashCommand:
		b.log.Warn("unexpected slash command; only "+SlashCommand+" is served", "command", data.Command, "user", data.UserID)
		c := b.commandConv(data)
		c.tellRefused(ctx, i18n.M(i18n.SlackOtherCommand, i18n.Raw(SlashCommand), data.Command))
	case slackevents.EventsAPIEvent:
		b.log.Debug("ignored event", "type", data.InnerEvent.Type)
	default:
		b.log.Warn("unexpected Socket Mode event; acknowledged and ignored", "type", evt.Type)
	}
}

func (b *Bot) otherInteraction(ctx context.Context, cb slack.InteractionCallback) {
	if cb.Type != slack.InteractionTypeBlockActions {
		b.log.Info("ignored interaction", "type", cb.Type, "user", cb.User.ID)
		return
	}
	if len(cb.ActionCallback.BlockActions) == 0 && len(cb.ActionCallback.AttachmentActions) > 0 {
		// Without block_id slack-go files a block action as an attachment
		// action and loses its action_id: refuse rather than guess.
		b.log.Warn("button click without block_id; refused", "user", cb.User.ID)
		b.clickConv(cb).tellRefused(ctx, i18n.M(i18n.SlackUnreadableClick))
		return
	}
	ids := make([]string, 0, len(cb.ActionCallback.BlockActions))
	for _, a := range cb.ActionCallback.BlockActions {
		ids = append(ids, a.ActionID)
	}
	b.log.Info("ignored unknown action", "action_ids", ids, "user", cb.User.ID)
}
