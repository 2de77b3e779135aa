package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/redistest"
	"github.com/signout-bot/signout-bot/redisstore"
)

// BenchmarkMove is a Move that wins, in this process and in Redis with
// no replica (miniredis, and a real redis-server when there is one).
func BenchmarkMove(b *testing.B) {
	redisStore := func(b *testing.B, url string) bot.Store {
		s, err := redisstore.New(redisstore.Config{URL: url, KeyPrefix: "bench:" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":", Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = s.Close() })
		return s
	}
	for _, c := range []struct {
		name  string
		store func(b *testing.B) bot.Store
	}{
		{"memory", func(*testing.B) bot.Store { return bot.NewMemoryStore() }},
		{"miniredis", func(b *testing.B) bot.Store { return redisStore(b, "redis://"+miniredis.RunT(b).Addr()+"/0") }},
		{"redis", func(b *testing.B) bot.Store { return redisStore(b, redistest.Server(b).URL()) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := c.store(b)
			ctx := context.Background()
			p := request("BM01", time.Minute)
			if err := s.Add(ctx, p); err != nil {
				b.Fatal(err)
			}
			// Back and forth: each Move is a compare-and-set that wins.
			from, to := bot.StatePending, bot.StateConfirmed
			for b.Loop() {
				if _, err := s.Move(ctx, p.Code, from, to); err != nil {
					b.Fatal(err)
				}
				from, to = to, from
			}
		})
	}
}
