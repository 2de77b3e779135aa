package dingtalk

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"golang.org/x/time/rate"
)

// newLimiters gives each paced API its limiter: from custom, or a token
// bucket of qps (DefaultQPS if 0) holding a single token.
//
// A burst of one is what keeps every one-second window at or under qps
// calls: a bucket of b tokens lets b calls go at once after a quiet spell
// and qps more within the same second, so b > 1 would overrun DingTalk's
// cap at the start of every bulk run, just when it matters.
func newLimiters(qps float64, custom func(api string) Limiter) map[string]Limiter {
	if qps == 0 {
		qps = DefaultQPS
	}
	m := make(map[string]Limiter, len(pacedOps))
	for _, op := range pacedOps {
		var l Limiter
		if custom != nil {
			l = custom(op)
		}
		if l == nil {
			l = tokenBucket{rate.NewLimiter(rate.Limit(qps), 1)}
		}
		m[op] = l
	}
	return m
}

// tokenBucket is the in-process Limiter.
type tokenBucket struct{ *rate.Limiter }

// Wait is rate.Limiter's, except that its refusal of a turn that would come
// after ctx's deadline matches context.DeadlineExceeded, as the deadline
// passing does.
func (b tokenBucket) Wait(ctx context.Context) error {
	err := b.Limiter.Wait(ctx)
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%v: %w", err, context.DeadlineExceeded)
}

// turn waits until op may make its next attempt. Unpaced calls (the token,
// robot messages) go at once.
func (c *Client) turn(ctx context.Context, op string) error {
	l, ok := c.limiters[op]
	if !ok {
		return nil
	}
	if err := l.Wait(ctx); err != nil {
		return fmt.Errorf("waiting for a turn under the rate limit: %w", err)
	}
	return nil
}

// throttleWait reports whether err is DingTalk throttling the call, and if
// so how long to wait before sending it again: DingTalk's advice (about a
// second) or its Retry-After, capped by MaxInterval, plus up to half as much
// again at random so that callers throttled together do not return together.
func (c *Client) throttleWait(err error) (time.Duration, bool) {
	var ae *APIError
	if !errors.As(err, &ae) || !ae.rateLimited() {
		return 0, false
	}
	wait := min(max(c.policy.RateLimitWait, ae.retryAfter), c.policy.MaxInterval)
	if wait >= 2 {
		wait += rand.N(wait / 2)
	}
	return wait, true
}

// sleep waits d, or reports false when ctx ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
