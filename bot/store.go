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
	// StateAborted is a confirmation that could not be audited, so
	// nothing was done.
	StateAborted
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
	case StateAborted:
		return "aborted"
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
	// Abort marks a confirmed request as aborted: its sign-out never ran.
	Abort(code string)
	// Open lists the requests still pending.
	Open() []*Pending
}

// MemoryStore is a Store in process memory, built on go-cache: Add is
// go-cache's atomic insert-if-absent, which makes Close one-shot.
type MemoryStore struct {
	open   *cache.Cache // code -> *Pending
	closed *cache.Cache // code -> closedEntry, remembered for retention
}

type closedEntry struct {
	p     *Pending
	state State
}

// retention is how long a closed code still gets a precise answer
// ("already confirmed", "expired") instead of "unknown". It also bounds how
// long an open request is kept if nobody closes it.
const retention = 24 * time.Hour

// NewMemoryStore returns an empty store. The engine decides expiry (it
// closes due requests as expired); the store only forgets old entries on
// Sweep. go-cache's own janitor is not used: its goroutine can't be
// stopped, so the engine calls Sweep from a loop it owns.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		open:   cache.New(cache.NoExpiration, 0),
		closed: cache.New(retention, 0),
	}
}

func (s *MemoryStore) Add(p *Pending) error {
	if _, found := s.closed.Get(p.Code); found {
		return ErrCodeTaken
	}
	if err := s.open.Add(p.Code, p, retention); err != nil {
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

func (s *MemoryStore) Abort(code string) {
	if v, found := s.closed.Get(code); found && v.(closedEntry).state == StateConfirmed {
		// Only the winner of the claim calls Abort, so nothing races this Set.
		s.closed.Set(code, closedEntry{v.(closedEntry).p, StateAborted}, cache.DefaultExpiration)
	}
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

// Sweep forgets entries older than retention.
func (s *MemoryStore) Sweep() {
	s.open.DeleteExpired()
	s.closed.DeleteExpired()
}
