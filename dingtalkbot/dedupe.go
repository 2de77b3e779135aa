package dingtalkbot

import (
	"time"

	"github.com/patrickmn/go-cache"
)

// DingTalk redelivers a robot message it thinks was not acknowledged in time,
// sometimes a minute later, with the same msgId. dedupe remembers msgIds
// long enough to drop such copies.
const (
	dedupeTTL   = 15 * time.Minute
	dedupeSweep = time.Minute
)

type msgState int

const (
	stateInFlight msgState = iota + 1 // being handled
	stateDone                         // handed to the engine and finished
)

func (s msgState) String() string {
	if s == stateDone {
		return "done"
	}
	return "in flight"
}

// dedupe tracks the msgIds seen. A msgId is claimed before it is handled and
// released again if handling fails before the engine took the message, so
// that a redelivery gets another chance.
type dedupe struct {
	c   *cache.Cache
	ttl time.Duration
}

// newDedupe returns a dedupe without go-cache's janitor, whose goroutine
// can't be stopped: the owner calls sweep from a loop it controls.
func newDedupe(ttl time.Duration) *dedupe {
	return &dedupe{c: cache.New(ttl, 0), ttl: ttl}
}

// claim marks key in flight. It reports false, with the state the key is
// in, if the key was seen already.
func (d *dedupe) claim(key string) (bool, msgState) {
	if err := d.c.Add(key, stateInFlight, d.ttl); err != nil {
		v, _ := d.c.Get(key)
		s, _ := v.(msgState)
		return false, s
	}
	return true, stateInFlight
}

// done marks key handled; copies are dropped for another TTL.
func (d *dedupe) done(key string) { d.c.Set(key, stateDone, d.ttl) }

// release forgets key, so that a redelivery is handled again.
func (d *dedupe) release(key string) { d.c.Delete(key) }

// sweep drops expired keys.
func (d *dedupe) sweep() { d.c.DeleteExpired() }
