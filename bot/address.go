package bot

import (
	"context"
	"encoding/json"
	"fmt"
)

// Address is where the answers about a request go, as plain data: the
// front end that received the command describes the conversation in Data
// (channel, thread, response_url, sessionWebhook and their expiry...) and
// any process running that front end can reply to it, from a stored
// request, after a restart or on another replica. The engine never looks
// inside Data.
type Address struct {
	Platform string          `json:"platform"`
	Data     json.RawMessage `json:"data,omitempty"`
}

// Replier rebuilds a Conversation from an Address of its platform. Each
// front end is one; the engine uses it for what it says about a request
// later than the message that made it (the result, the expiry).
type Replier interface {
	Reply(a Address) (Conversation, error)
}

// NoReplierError is an address whose platform has no front end here.
type NoReplierError struct{ Platform string }

func (e *NoReplierError) Error() string {
	return fmt.Sprintf("no %s front end runs in this process to reply", e.Platform)
}

// SetReplier makes r the way to answer addresses of platform. Front ends
// call it before they serve.
func (e *Engine) SetReplier(platform string, r Replier) {
	e.repliersMu.Lock()
	defer e.repliersMu.Unlock()
	e.repliers[platform] = r
}

// replyTo rebuilds the conversation at a.
func (e *Engine) replyTo(a Address) (Conversation, error) {
	e.repliersMu.Lock()
	r := e.repliers[a.Platform]
	e.repliersMu.Unlock()
	if r == nil {
		return nil, &NoReplierError{a.Platform}
	}
	return r.Reply(a)
}

// announceTo posts r at a.
func (e *Engine) announceTo(ctx context.Context, a Address, r Result) error {
	c, err := e.replyTo(a)
	if err != nil {
		return err
	}
	return c.Announce(ctx, r)
}
