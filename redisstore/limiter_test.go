package redisstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// Two replicas' limiters on one Redis hand out one budget: every slot is
// at least one interval after the one before, whoever reserved it.
func TestSharedLimiterIsOneBudget(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		{
			a, b := e.store(t).Limiter("signOut", 20), e.store(t).Limiter("signOut", 20)
			ctx := ctxT(t)
			var slots []time.Duration
			start := time.Now()
			for i := range 20 {
				l := a
				if i%2 == 1 {
					l = b
				}
				d, err := l.Reserve(ctx)
				if err != nil {
					t.Fatal(err)
				}
				slots = append(slots, time.Since(start)+d) // when the slot falls, on this test's clock
			}
			slices.Sort(slots)
			for i := 1; i < len(slots); i++ {
				// 50 ms apart in Redis's time; this test's clock may lag a
				// round trip behind, never gain on it.
				if gap := slots[i] - slots[i-1]; gap < 40*time.Millisecond {
					t.Fatalf("slots %d and %d are %v apart: two replicas overran the budget (%v)", i-1, i, gap, slots)
				}
			}
			if other := e.store(t).Limiter("getbymobile", 20); other == nil {
				t.Fatal("no limiter")
			} else if d, err := other.Reserve(ctx); err != nil || d != 0 {
				t.Fatalf("another API waited %v (%v): each API has its own budget", d, err)
			}
		}
	})
}

// A budget that can't be reached paces this replica alone: a sign-out
// already running is not stopped by the store.
func TestSharedLimiterFallsBackWhenRedisIsDown(t *testing.T) {
	m := miniredis.RunT(t)
	e := newEnv(t, "redis://"+m.Addr()+"/0", nil)
	l := e.store(t).Limiter("signOut", 1000)
	m.Close()
	ctx := ctxT(t)
	for range 3 {
		if err := l.Wait(ctx); err != nil {
			t.Fatalf("Wait with Redis down = %v, want the local pacing", err)
		}
	}
}
