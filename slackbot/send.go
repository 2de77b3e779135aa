package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/slack-go/slack"
)

// responseMode is how a message goes through a response_url.
type responseMode int

const (
	ephemeral responseMode = iota // a new message only the user sees
	replace                       // replaces the message that had the buttons
	inChannel                     // a new message everyone in the channel sees
)

func (m responseMode) String() string {
	switch m {
	case replace:
		return "replace_original"
	case inChannel:
		return "in_channel"
	}
	return "ephemeral"
}

var errNoResponseURL = errors.New("no response_url")

// respond posts m to a response_url.
func (b *Bot) respond(ctx context.Context, responseURL string, m message, mode responseMode) error {
	if responseURL == "" {
		return errNoResponseURL
	}
	opts := []slack.MsgOption{slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...)}
	switch mode {
	case replace:
		opts = append(opts, slack.MsgOptionReplaceOriginal(responseURL))
	case inChannel:
		opts = append(opts, slack.MsgOptionResponseURL(responseURL, slack.ResponseTypeInChannel))
	default:
		opts = append(opts, slack.MsgOptionResponseURL(responseURL, slack.ResponseTypeEphemeral))
	}
	err := b.call(ctx, "response_url", func(ctx context.Context) error {
		_, _, err := b.api.PostMessageContext(ctx, "", opts...)
		return err
	})
	if err != nil {
		return fmt.Errorf("response_url (%s): %w", mode, redactURL(err))
	}
	return nil
}

// postEphemeral shows m to user alone, in channel (and thread).
func (b *Bot) postEphemeral(ctx context.Context, channel, user, thread string, m message) error {
	opts := []slack.MsgOption{slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...)}
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	err := b.call(ctx, "chat.postEphemeral", func(ctx context.Context) error {
		_, err := b.api.PostEphemeralContext(ctx, channel, user, opts...)
		return err
	})
	if err != nil {
		return fmt.Errorf("chat.postEphemeral: %w", err)
	}
	return nil
}

// postMessage posts m to channel (and thread) for everyone to see.
func (b *Bot) postMessage(ctx context.Context, channel, thread string, m message) error {
	opts := []slack.MsgOption{
		slack.MsgOptionText(m.text, false), slack.MsgOptionBlocks(m.blocks...),
		slack.MsgOptionParse(false), slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl(),
	}
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	err := b.call(ctx, "chat.postMessage", func(ctx context.Context) error {
		_, _, err := b.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	if err != nil {
		return fmt.Errorf("chat.postMessage: %w", err)
	}
	return nil
}

// notInChannel reports whether a post failed because the bot is not a
// member of the channel (or can't see it, as with a DM between others).
func notInChannel(err error) bool {
	var ser slack.SlackErrorResponse
	return errors.As(err, &ser) && (ser.Err == "not_in_channel" || ser.Err == "channel_not_found")
}

// call runs op, retrying while Slack answers 429, after the wait Slack
// asks for. Nothing else is retried: a post that may have gone through
// is never sent twice.
func (b *Bot) call(ctx context.Context, what string, op func(context.Context) error) error {
	var last error
	_, err := backoff.Retry(ctx, func() (struct{}, error) {
		last = op(ctx)
		if last == nil {
			return struct{}{}, nil
		}
		wait, limited := b.rateLimited(last)
		if !limited {
			return struct{}{}, backoff.Permanent(last)
		}
		b.log.Warn("Slack rate limit; waiting as asked", "call", what, "retry_after", wait)
		return struct{}{}, &backoff.RetryAfterError{Duration: wait}
	},
		backoff.WithMaxTries(uint(b.retry.MaxAttempts)),
		backoff.WithMaxElapsedTime(b.retry.MaxElapsed),
	)
	switch {
	case err == nil:
		return nil
	case last == nil:
		return err
	case ctx.Err() != nil && !errors.Is(last, ctx.Err()):
		return fmt.Errorf("%w (gave up waiting: %v)", last, context.Cause(ctx))
	}
	return last
}

// rateLimited reports whether err is Slack's "too many requests", and how
// long Slack asked to wait.
func (b *Bot) rateLimited(err error) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, 0), true
	}
	var sce slack.StatusCodeError
	if errors.As(err, &sce) && sce.Code == http.StatusTooManyRequests {
		return b.retry.DefaultWait, true
	}
	var ser slack.SlackErrorResponse
	if errors.As(err, &ser) && (ser.Err == "ratelimited" || ser.Err == "rate_limited") {
		return b.retry.DefaultWait, true
	}
	return 0, false
}

// redactURL drops the URL from a transport error: a response_url is a
// credential for posting into the conversation.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s <redacted>: %w", ue.Op, ue.Err)
	}
	return err
}
