package redisstore_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/redistest"
	"github.com/signout-bot/signout-bot/redisstore"
)

// benchStores are a store in this process, and in Redis with no replica
// (miniredis, and a real redis-server when there is one).
func benchStores() []struct {
	name  string
	store func(b *testing.B) bot.Store
} {
	redisStore := func(b *testing.B, url string) bot.Store {
		s, err := redisstore.New(redisstore.Config{URL: url, KeyPrefix: "bench:" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":", Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = s.Close() })
		return s
	}
	return []struct {
		name  string
		store func(b *testing.B) bot.Store
	}{
		{"memory", func(*testing.B) bot.Store { return bot.NewMemoryStore() }},
		{"miniredis", func(b *testing.B) bot.Store { return redisStore(b, "redis://"+miniredis.RunT(b).Addr()+"/0") }},
		{"redis", func(b *testing.B) bot.Store { return redisStore(b, redistest.Server(b).URL()) }},
	}
}

// BenchmarkMove is a Move that wins.
func BenchmarkMove(b *testing.B) {
	for _, c := range benchStores() {
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

// BenchmarkRecent is /signout history 50 over a full index, one request
// in ten closed.
func BenchmarkRecent(b *testing.B) {
	for _, c := range benchStores() {
		b.Run(c.name, func(b *testing.B) {
			s := c.store(b)
			ctx := context.Background()
			for i := range redisstore.RecentLimit {
				p := request(fmt.Sprintf("R%04d", i), time.Minute)
				p.CreatedAt = base.Add(time.Duration(i) * time.Second)
				if err := s.Add(ctx, p); err != nil {
					b.Fatal(err)
				}
				if i%10 == 0 {
					if _, err := s.Move(ctx, p.Code, bot.StatePending, bot.StateConfirmed); err != nil {
						b.Fatal(err)
					}
				}
			}
			for b.Loop() {
				if got, err := s.Recent(ctx, 50); err != nil || len(got) != 50 {
					b.Fatalf("Recent = %d, %v", len(got), err)
				}
			}
		})
	}
}
