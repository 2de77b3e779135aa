package redisstore

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// paceScript reserves the next slot of a budget shared by every replica
// (GCRA): KEYS the API's key; ARGV the interval between calls in µs. It
// answers how long, in µs, the caller waits for its slot. Time is the
// server's, so replicas' clocks don't matter.
var paceScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil((tat + interval - now) / 1000) + 1000)
return tat - now
`)

// Limiter paces one DingTalk API for the whole app: every replica that
// shares the Redis takes its turn from one budget of qps calls a second,
// spaced evenly (a burst of one, as the in-process limiter). When Redis
// can't be reached it falls back to pacing this process alone, so that a
// sign-out already running is not stopped by the store.
type Limiter struct {
	s        *Store
	key      string
	interval time.Duration
	local    *rate.Limiter
	log      *slog.Logger
	warn     rate.Sometimes // a bulk run with Redis down does not log every call
}

// Limiter returns the shared budget of api at qps calls a second.
func (s *Store) Limiter(api string, qps float64) *Limiter {
	return &Limiter{s: s, key: s.prefix + "pace:" + api, interval: time.Duration(float64(time.Second) / qps),
		local: rate.NewLimiter(rate.Limit(qps), 1), log: s.log, warn: rate.Sometimes{Interval: 10 * time.Second}}
}

// Reserve takes the next slot and says how long until it.
func (l *Limiter) Reserve(ctx context.Context) (_ time.Duration, err error) {
	defer l.s.observe("pace", time.Now(), &err)
	us, err := paceScript.Run(ctx, l.s.rdb, []string{l.key}, l.interval.Microseconds()).Int64()
	if err != nil {
		return 0, l.s.fail("pace", err)
	}
	if us < 0 || us > math.MaxInt64/1000 {
		return 0, l.s.fail("pace", fmt.Errorf("unexpected wait %dµs", us))
	}
	return time.Duration(us) * time.Microsecond, nil
}

// Wait blocks until the caller's slot, or ctx ends.
func (l *Limiter) Wait(ctx context.Context) error {
	d, err := l.Reserve(ctx)
	if err != nil {
		l.warn.Do(func() {
			l.log.Warn("state store: the shared DingTalk budget is unreachable; pacing this replica alone", "err", err)
		})
		return l.local.Wait(ctx)
	}
	if d == 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
