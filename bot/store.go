package bot

import (
	"errors"
	"fmt"
	"time"

	"github.com/patrickmn/go-cache"
)

// State is where a request is in its life.
type State int

const (
	StatePending State = iota
	StateConfirmed
	StateCancelled
	StateExpired
)

func (s State) String() string {
	switch s {
	case StatePending:
		return "pending"
	case StateConfirmed:
		return "already confirmed"
	case StateCancelled:
		return "cancelled"
	case StateExpired:
		return "expired"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Pending is a request waiting for its invoker's confirmation.
type Pending struct {
	RequestID    string
	Code         string
	Platform     string
	Invoker      string
	Conversation string
	Target       Target
	TargetInput  string
	Reason       string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	// reply is where the command was given: the result goes there. An
	// in-memory store can hold it; a shared store would keep an address.
	reply Conversation
}

// Store errors.
var (
	ErrCodeTaken = errors.New("confirmation code already in use")
	ErrUnknown   = errors.New("no such request")
)

// ClosedError is returned when a request has already left the pending state.
type ClosedError struct{ State State }

func (e *ClosedError) Error() string { return "request is " + e.State.String() }

// Store keeps pending requests. Close is the one-shot claim: of any number
// of concurrent callers for one code, exactly one wins.
type Store interface {
	// Add saves a new pending request; ErrCodeTaken if its code is in use.
	Add(p *Pending) error
	// Get finds a request by code, pending or closed.
	Get(code string) (*Pending, State, error)
	// Close moves a pending request to state to; *ClosedError if it has left
	// the pending state already, ErrUnknown if there is no such request.
	Close(code string, to State) (*Pending, error)
	// Open lists the requests still pending.
	Open() []*Pending
}

// MemoryStore is a Store in process memory, built on go-cache: Add is
// go-cache's atomic insert-if-absent, which makes Close one-shot.
type MemoryStore struct {
	open   *cache.Cache // code -> *Pending, until grace after it expires
	closed *cache.Cache // code -> closedEntry, remembered for retention
	grace  time.Duration
}

type closedEntry struct {
	p     *Pending
	state State
}

// retention is how long a closed code still gets a precise answer
// ("already confirmed") instead of "unknown".
const retention = 24 * time.Hour

// NewMemoryStore returns a store that keeps an expired request findable for
// grace, so that a late confirmation is told "expired" rather than
// "unknown". Sweep evicts it after that and calls onExpire (if not nil) once
// for each request that expired unconfirmed.
//
// go-cache's own janitor is not used: its goroutine can't be stopped, so
// the engine calls Sweep from a loop it owns.
func NewMemoryStore(grace time.Duration, onExpire func(*Pending)) *MemoryStore {
	s := &MemoryStore{
		open:   cache.New(cache.NoExpiration, 0),
		closed: cache.New(retention, 0),
		grace:  grace,
	}
	s.open.OnEvicted(func(code string, v any) {
		// Also called for Delete in Close, where closed has the code already.
		p := v.(*Pending)
		if s.closed.Add(code, closedEntry{p, StateExpired}, cache.DefaultExpiration) == nil && onExpire != nil {
			onExpire(p)
		}
	})
	return s
}

func (s *MemoryStore) Add(p *Pending) error {
	if _, found := s.closed.Get(p.Code); found {
		return ErrCodeTaken
	}
	// go-cache treats a duration <= 0 as "never": keep it positive.
	ttl := max(time.Until(p.ExpiresAt)+s.grace, time.Millisecond)
	if err := s.open.Add(p.Code, p, ttl); err != nil {
		return ErrCodeTaken
	}
	return nil
}

func (s *MemoryStore) Get(code string) (*Pending, State, error) {
	if v, found := s.closed.Get(code); found {
		e := v.(closedEntry)
		return e.p, e.state, nil
	}
	if v, found := s.open.Get(code); found {
		return v.(*Pending), StatePending, nil
	}
	return nil, 0, ErrUnknown
}

func (s *MemoryStore) Close(code string, to State) (*Pending, error) {
	v, found := s.open.Get(code)
	if !found {
		if _, state, err := s.Get(code); err == nil {
			return nil, &ClosedError{state}
		}
		return nil, ErrUnknown
	}
	p := v.(*Pending)
	if err := s.closed.Add(code, closedEntry{p, to}, cache.DefaultExpiration); err != nil {
		_, state, _ := s.Get(code)
		return nil, &ClosedError{state}
	}
	s.open.Delete(code)
	return p, nil
}

func (s *MemoryStore) Open() []*Pending {
	items := s.open.Items()
	out := make([]*Pending, 0, len(items))
	for code, it := range items {
		if _, closed := s.closed.Get(code); !closed {
			out = append(out, it.Object.(*Pending))
		}
	}
	return out
}

// Sweep evicts expired requests, reporting each to onExpire, and forgets
// closed codes past retention.
func (s *MemoryStore) Sweep() {
	s.open.DeleteExpired()
	s.closed.DeleteExpired()
}
