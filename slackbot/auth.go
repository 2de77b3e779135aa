package slackbot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/slack-go/slack"
)

// fatalAuthErrors are Slack's answers that no retry can fix: the token is
// wrong, revoked, of the wrong type, or its workspace is gone.
var fatalAuthErrors = map[string]bool{
	"invalid_auth":            true,
	"not_authed":              true,
	"account_inactive":        true,
	"token_revoked":           true,
	"token_expired":           true,
	"not_allowed_token_type":  true,
	"team_access_not_granted": true,
	"ekm_access_denied":       true,
	"org_login_required":      true,
	"invalid_token":           true,
}

// isFatalAuth reports whether err is one of fatalAuthErrors, as slack-go
// returns them: a SlackErrorResponse from the Web API, or a plain error
// whose text is the code from the Socket Mode connect loop.
func isFatalAuth(err error) bool {
	var ser slack.SlackErrorResponse
	if errors.As(err, &ser) {
		return fatalAuthErrors[ser.Err]
	}
	return err != nil && fatalAuthErrors[err.Error()]
}

// whoAmI calls auth.test, retrying transient failures until ctx ends: the
// bot needs its own user ID to recognise its mentions.
func (b *Bot) whoAmI(ctx context.Context) (*identity, error) {
	attempt := 0
	op := func() (*identity, error) {
		attempt++
		res, err := b.api.AuthTestContext(ctx)
		switch {
		case err == nil && !validUserID(res.UserID):
			return nil, backoff.Permanent(fmt.Errorf("slackbot: auth.test returned an unusable bot user ID %q", res.UserID))
		case err == nil:
			return &identity{UserID: res.UserID, User: res.User, TeamID: res.TeamID, Team: res.Team, BotID: res.BotID}, nil
		case isFatalAuth(err):
			return nil, backoff.Permanent(fmt.Errorf("slackbot: Slack rejected the bot token (slack.bot_token) in auth.test: %w", err))
		}
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			return nil, &backoff.RetryAfterError{Duration: rl.RetryAfter}
		}
		if attempt == 1 {
			b.log.Warn("auth.test failed; retrying", "err", err)
		} else {
			b.log.Debug("auth.test failed again", "attempt", attempt, "err", err)
		}
		return nil, err
	}
	exp := backoff.NewExponentialBackOff()
	exp.InitialInterval = 200 * time.Millisecond
	exp.MaxInterval = 30 * time.Second
	return backoff.Retry(ctx, op, backoff.WithBackOff(exp), backoff.WithMaxElapsedTime(0))
}
