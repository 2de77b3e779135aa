package main

import (
	"fmt"
	"log/slog"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/config"
	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/ops"
	"github.com/signout-bot/signout-bot/redisstore"
)

// state is where requests waiting for confirmation live: this process
// (the default), or a Redis the replicas share.
type state struct {
	store bot.Store
	// seen is the shared store of delivery ids; nil with the in-process
	// store (each front end then remembers its own).
	seen  bot.Claimer
	check ops.Check // nil: nothing to be ready for
	close func() error
	// pace gives each DingTalk API a budget shared by every replica; nil:
	// the client paces this process alone.
	pace func(qps float64) func(api string) dingtalk.Limiter
}

// openState picks the store state.redis_url asks for. It makes no
// connection: a Redis that is down at start-up is reported by /readyz
// and answered per command, and go-redis reconnects by itself.
func openState(cfg config.StateConfig, log *slog.Logger, obs redisstore.Observer) (state, error) {
	if !cfg.Shared() {
		return state{store: bot.NewMemoryStore(), close: func() error { return nil }}, nil
	}
	s, err := redisstore.New(redisstore.Config{
		URL: cfg.RedisURL.Reveal(), KeyPrefix: cfg.KeyPrefix,
		Logger: log.With("component", "state"), Observer: obs,
	})
	if err != nil {
		return state{}, fmt.Errorf("state.redis_url: %w", err)
	}
	pace := func(qps float64) func(string) dingtalk.Limiter {
		return func(api string) dingtalk.Limiter { return s.Limiter(api, qps) }
	}
	return state{store: s, seen: s, check: s.Ping, close: s.Close, pace: pace}, nil
}
