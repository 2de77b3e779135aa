package slackbot

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"golang.org/x/time/rate"
)

// connLog logs connection state changes once each, not once per retry.
type connLog struct {
	log *slog.Logger

	mu       sync.Mutex
	ever     bool // connected at least once
	up       bool
	failures int // connection errors since the last success
	glitches rate.Sometimes
}

func (c *connLog) connecting() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.up {
		c.log.Warn("Slack connection lost; reconnecting")
	} else if !c.ever && c.failures == 0 {
		c.log.Info("connecting to Slack (Socket Mode)")
	}
	c.up = false
}

func (c *connLog) failed(data any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failures++
	var err error
	var wait time.Duration
	if e, ok := data.(*slack.ConnectionErrorEvent); ok {
		err, wait = e.ErrorObj, e.Backoff
	}
	if c.failures == 1 {
		c.log.Warn("could not connect to Slack; retrying with backoff", "err", err, "retry_in", wait)
		return
	}
	c.log.Debug("could not connect to Slack", "attempt", c.failures, "err", err, "retry_in", wait)
}

func (c *connLog) connected() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ever {
		c.log.Info("reconnected to Slack", "failed_attempts", c.failures)
	} else {
		c.log.Info("connected to Slack", "failed_attempts", c.failures)
	}
	c.ever, c.up, c.failures = true, true, 0
}

// glitch logs read and write errors at most once a minute at warn level.
func (c *connLog) glitch(kind string, data any) {
	logged := false
	c.glitches.Do(func() {
		logged = true
		c.log.Warn("Socket Mode "+kind+" (repeats within a minute are logged at debug level)", "detail", describe(data))
	})
	if !logged {
		c.log.Debug("Socket Mode "+kind, "detail", describe(data))
	}
}

func describe(data any) string {
	switch d := data.(type) {
	case *slack.IncomingEventError:
		return d.Error()
	case *socketmode.ErrorWriteFailed:
		return d.Cause.Error()
	case error:
		return d.Error()
	}
	return fmt.Sprintf("%T", data)
}
