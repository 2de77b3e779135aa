package slackbot

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/signout-bot/signout-bot/bot"
)

// responseURLLife is how long Slack accepts posts to a response_url (30
// minutes, at most 5 posts): past it the channel and user are used.
const responseURLLife = 30 * time.Minute

// address is where a command was given, as stored with its request, so
// that any replica can post the result there or tell the invoker it
// expired.
type address struct {
	Channel            string    `json:"channel"`
	Thread             string    `json:"thread,omitempty"`
	User               string    `json:"user"` // the invoker: private notices go to them
	ResponseURL        string    `json:"response_url,omitempty"`
	ResponseURLExpires time.Time `json:"response_url_expires,omitzero"`
}

// address describes c for a stored request.
func (c *conversation) address() bot.Address {
	a := address{Channel: c.channel, Thread: c.thread, User: c.user}
	if c.responseURL != "" {
		a.ResponseURL, a.ResponseURLExpires = c.responseURL, c.b.now().Add(responseURLLife)
	}
	data, _ := json.Marshal(a) // strings and a time: it can't fail
	return bot.Address{Platform: bot.Slack, Data: data}
}

var errNoChannel = errors.New("slackbot: the address has no channel or user")

// Reply implements bot.Replier: the conversation at a stored address. Its
// response_url is used while Slack still takes it; a prompt that it
// showed is replaced when the request closes.
func (b *Bot) Reply(a bot.Address) (bot.Conversation, error) {
	if a.Platform != bot.Slack {
		return nil, fmt.Errorf("slackbot: an address of platform %q", a.Platform)
	}
	var addr address
	if err := json.Unmarshal(a.Data, &addr); err != nil {
		return nil, fmt.Errorf("slackbot: reading a stored address: %w", err)
	}
	if addr.Channel == "" || addr.User == "" {
		return nil, errNoChannel
	}
	c := &conversation{b: b, channel: addr.Channel, user: addr.User, thread: addr.Thread}
	if addr.ResponseURL != "" && b.now().Before(addr.ResponseURLExpires) {
		c.responseURL = addr.ResponseURL
		c.promptInPlace = true // a replace that finds no prompt falls back to a private message
	}
	return c, nil
}
