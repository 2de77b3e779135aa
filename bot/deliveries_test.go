package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"log/slog"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/logbuf"
)

// flakyClaimer is a shared store of delivery ids that can be down.
type flakyClaimer struct {
	mu   sync.Mutex
	down bool
	keys map[string]bool
}

func (f *flakyClaimer) Claim(_ context.Context, key string, _ time.Duration) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return false, errors.New("state store: connection refused")
	}
	if f.keys[key] {
		return false, nil
	}
	f.keys[key] = true
	return true, nil
}

func (f *flakyClaimer) Forget(_ context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("state store: connection refused")
	}
	delete(f.keys, key)
	return nil
}

func TestDeliveriesAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	shared := &flakyClaimer{keys: map[string]bool{}}
	logs := &logbuf.Buffer{}
	a := bot.NewDeliveries(shared, slog.New(slog.NewTextHandler(logs, nil)))
	b := bot.NewDeliveries(shared, nil)
	if got := a.Check(ctx, "k1", time.Minute); got != bot.SeenNew {
		t.Fatalf("first copy: %v", got)
	}
	if got := a.Check(ctx, "k1", time.Minute); got != bot.SeenHere {
		t.Fatalf("second copy on the same replica: %v", got)
	}
	if got := b.Check(ctx, "k1", time.Minute); got != bot.SeenElsewhere {
		t.Fatalf("copy on another replica: %v", got)
	}
	a.Forget(ctx, "k1")
	if got := b.Check(ctx, "k1", time.Minute); got != bot.SeenNew {
		t.Fatalf("after Forget: %v", got)
	}

	// A store that is down: the delivery is handled (the engine answers
	// that the store is unreachable) rather than dropped, and it is logged.
	shared.mu.Lock()
	shared.down = true
	shared.mu.Unlock()
	if got := a.Check(ctx, "k2", time.Minute); got != bot.SeenNew {
		t.Fatalf("store down: %v", got)
	}
	if got := a.Check(ctx, "k2", time.Minute); got != bot.SeenHere {
		t.Fatalf("store down, same replica: %v", got)
	}
	if !strings.Contains(logs.String(), "could not check a delivery against the state store") {
		t.Fatalf("no log line: %s", logs.String())
	}
}

func TestDeliveriesExpire(t *testing.T) {
	ctx := context.Background()
	d := bot.NewDeliveries(nil, nil)
	if !d.First(ctx, "k", time.Nanosecond) {
		t.Fatal("first")
	}
	deadline := time.Now().Add(time.Second)
	for !d.First(ctx, "k", time.Nanosecond) {
		if time.Now().After(deadline) {
			t.Fatal("a delivery id outlived its TTL")
		}
	}
}
