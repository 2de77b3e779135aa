package bot

import (
	"errors"
	"fmt"
	"sync"
	"time"
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

// MemoryStore is a Store in process memory. One mutex makes Close
// one-shot.
//
// It never forgets an open request: deciding expiry is the engine's job
// (it closes a request as expired, audits it and tells the invoker), and a
// store that dropped the request first would leave it unaudited. Closed
// requests are remembered for retention after they closed, then forgotten
// on Sweep.
type MemoryStore struct {
	mu     sync.Mutex
	open   map[string]*Pending    // code -> request
	closed map[string]closedEntry // code -> how it ended
}

type closedEntry struct {
	p        *Pending
	state    State
	closedAt time.Time
}

// retention is how long a closed code still gets a precise answer
// ("already confirmed", "expired") instead of "unknown", and cannot be
// drawn again.
const retention = 24 * time.Hour

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{open: map[string]*Pending{}, closed: map[string]closedEntry{}}
}

func (s *MemoryStore) Add(p *Pending) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.taken(p.Code) {
		return ErrCodeTaken
	}
	s.open[p.Code] = p
	return nil
}

func (s *MemoryStore) taken(code string) bool {
	_, open := s.open[code]
	_, closed := s.closed[code]
	return open || closed
}

func (s *MemoryStore) Get(code string) (*Pending, State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, found := s.closed[code]; found {
		return e.p, e.state, nil
	}
	if p, found := s.open[code]; found {
		return p, StatePending, nil
	}
	return nil, 0, ErrUnknown
}

func (s *MemoryStore) Close(code string, to State) (*Pending, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, found := s.open[code]
	if !found {
		if e, closed := s.closed[code]; closed {
			return nil, &ClosedError{e.state}
		}
		return nil, ErrUnknown
	}
	delete(s.open, code)
	// The wall clock, not the engine's: retention only bounds memory.
	s.closed[code] = closedEntry{p, to, time.Now()}
	return p, nil
}

func (s *MemoryStore) Abort(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, found := s.closed[code]; found && e.state == StateConfirmed {
		e.state = StateAborted
		s.closed[code] = e
	}
}

func (s *MemoryStore) Open() []*Pending {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Pending, 0, len(s.open))
	for _, p := range s.open {
		out = append(out, p)
	}
	return out
}

// Sweep forgets requests that closed more than retention ago. Open
// requests are never forgotten here.
func (s *MemoryStore) Sweep() {
	s.mu.Lock()
	defer s.mu.Unlock()
	cutoff := time.Now().Add(-retention)
	for code, e := range s.closed {
		if e.closedAt.Before(cutoff) {
			delete(s.closed, code)
		}
	}
}
