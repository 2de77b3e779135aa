package bot

import (
	"context"
	"log/slog"
	"time"

	"golang.org/x/time/rate"
)

// Claimer remembers delivery ids in a store that replicas share; the
// Redis store implements it.
type Claimer interface {
	// Claim records key for ttl and reports whether it is new.
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Forget drops key again.
	Forget(ctx context.Context, key string) error
}

// claimTimeout bounds a shared claim: it runs before a platform's ack.
const claimTimeout = time.Second

// Deliveries tells a front end whether a platform delivery (a Slack
// envelope or event, a DingTalk message) is new or a copy. It always
// knows the copies this process saw; with a shared Claimer it knows
// those any replica saw, while the store answers. When the store does
// not answer the delivery counts as new: the engine then answers that
// the store is unreachable, rather than a message being dropped.
type Deliveries struct {
	local  *MemoryStore
	shared Claimer // nil: this process only
	log    *slog.Logger
	errLog rate.Sometimes
}

// NewDeliveries returns a Deliveries; shared may be nil.
func NewDeliveries(shared Claimer, log *slog.Logger) *Deliveries {
	if log == nil {
		log = slog.Default()
	}
	return &Deliveries{local: NewMemoryStore(), shared: shared, log: log, errLog: rate.Sometimes{Interval: 10 * time.Second}}
}

// Seen is what Deliveries knows of a delivery.
type Seen int

const (
	SeenNew       Seen = iota // the first copy anywhere
	SeenHere                  // a copy this process had already
	SeenElsewhere             // a copy another replica had already
)

// Check reports whether key was seen before, remembering it for ttl.
func (d *Deliveries) Check(ctx context.Context, key string, ttl time.Duration) Seen {
	if first, _ := d.local.Claim(ctx, key, ttl); !first {
		return SeenHere
	}
	if d.shared == nil {
		return SeenNew
	}
	ctx, cancel := context.WithTimeout(ctx, claimTimeout)
	defer cancel()
	first, err := d.shared.Claim(ctx, key, ttl)
	switch {
	case err != nil:
		d.errLog.Do(func() {
			d.log.Warn("could not check a delivery against the state store; handling it as new", "err", err)
		})
		return SeenNew
	case !first:
		// Remembered here only for what this replica handles: if the
		// other one forgets the key, a redelivery here is handled.
		_ = d.local.Forget(ctx, key)
		return SeenElsewhere
	}
	return SeenNew
}

// First reports whether key is seen for the first time, remembering it
// for ttl.
func (d *Deliveries) First(ctx context.Context, key string, ttl time.Duration) bool {
	return d.Check(ctx, key, ttl) == SeenNew
}

// Forget drops key, so that a redelivery is handled again.
func (d *Deliveries) Forget(ctx context.Context, key string) {
	_ = d.local.Forget(ctx, key)
	if d.shared == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	if err := d.shared.Forget(ctx, key); err != nil {
		d.log.Warn("could not release a delivery in the state store; a redelivery may be dropped", "err", err)
	}
}
