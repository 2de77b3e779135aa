package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	// StateRejected is a two-person request denied by an approver or
	// withdrawn by its requester.
	StateRejected
)

var stateNames = [...]string{"pending", "confirmed", "cancelled", "expired", "aborted", "rejected"}

func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText stores a state by name, so that stored requests stay
// readable and keep their meaning if states are added.
func (s State) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(stateNames) {
		return nil, fmt.Errorf("bot: no such state %d", int(s))
	}
	return []byte(s.String()), nil
}

func (s *State) UnmarshalText(b []byte) error {
	for i, n := range stateNames {
		if n == string(b) {
			*s = State(i)
			return nil
		}
	}
	return fmt.Errorf("bot: unknown state %q", b)
}

// Pending is a request as stored: plain values only, so that any process
// can finish it. ReplyTo is where the command was given: the result and
// the expiry notice go there.
type Pending struct {
	RequestID    string `json:"request_id"`
	Code         string `json:"code"`
	Platform     string `json:"platform"`
	Invoker      string `json:"invoker"`
	Conversation string `json:"conversation"`
	Target       Target `json:"target"`
	// Targets, for a request naming several people, is every target to
	// act on, Target first; Skipped the ones named but left out.
	Targets     []Target  `json:"targets,omitempty"`
	Skipped     []Skipped `json:"skipped,omitempty"`
	TargetInput string    `json:"target_input,omitempty"`
	Reason      string    `json:"reason"`
	CreatedAt   time.Time `json:"created_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	ReplyTo     Address   `json:"reply_to"`
	// TwoPerson: a second allowed person must approve it (approval.two_person).
	TwoPerson bool `json:"two_person,omitempty"`
	// Enable: the request enables the account instead of signing it out.
	Enable bool `json:"enable,omitempty"`
	// What happened, once it did: for /signout status and history.
	Outcome Outcome `json:"outcome,omitzero"`
}

// Outcome is what became of a request after it left pending: who
// approved or rejected it, and how the sign-out ended.
type Outcome struct {
	Approver string `json:"approver,omitempty"` // who approved or rejected it (two-person rule)
	Result   string `json:"result,omitempty"`   // an audit event: succeeded, failed, dry_run
	Code     string `json:"code,omitempty"`     // DingTalk's error code, if it failed
}

// Stored is a request with its state, as the store lists it.
type Stored struct {
	Pending
	State State
}

// Store errors. Any other error from a Store means it could not be
// reached or did not answer: nothing is known to have changed.
var (
	ErrCodeTaken = errors.New("confirmation code already in use")
	ErrUnknown   = errors.New("no such request")
)

// StateError is returned by Move when the request is not in the state the
// move starts from: someone else moved it first.
type StateError struct{ State State }

func (e *StateError) Error() string { return "request is " + e.State.String() }

// Store keeps requests, in this process or shared by replicas. Move is
// the one-shot claim: of any number of concurrent moves of one request
// from one state, in any process, exactly one succeeds.
type Store interface {
	// Add saves a new pending request; ErrCodeTaken if its code is in use.
	Add(ctx context.Context, p Pending) error
	// Get finds a request by code, pending or closed.
	Get(ctx context.Context, code string) (Pending, State, error)
	// Move changes a request's state from from to to, atomically:
	// *StateError if it is in another state, ErrUnknown if there is no
	// such request.
	Move(ctx context.Context, code string, from, to State) (Pending, error)
	// Open lists the requests still pending.
	Open(ctx context.Context) ([]Pending, error)
	// Find finds a request by its request id, pending or closed;
	// ErrUnknown if none (closed ones are kept for Retention).
	Find(ctx context.Context, requestID string) (Stored, error)
	// Recent lists the latest n requests, open and closed, newest
	// (CreatedAt) first; at most n, from a bounded index.
	Recent(ctx context.Context, n int) ([]Stored, error)
	// Note records what became of a request that left pending; ErrUnknown
	// if there is no such request.
	Note(ctx context.Context, code string, o Outcome) error
	// Shared reports whether requests outlive this process (so that a
	// shutdown leaves them pending for another replica or a restart).
	Shared() bool
}

// MemoryStore is a Store in this process, on go-cache. One mutex makes
// Move one-shot (go-cache has no compare-and-swap).
//
// It never forgets an open request: deciding expiry is the engine's job
// (it moves a request to expired, audits it and tells the invoker), and a
// store that dropped the request first would leave it unaudited. Closed
// requests are remembered for Retention, then dropped on Sweep.
//
// It also remembers the platforms' delivery ids (Claim), so that front
// ends drop redeliveries with the same store in memory as in Redis.
type MemoryStore struct {
	mu        sync.Mutex
	c         *cache.Cache // code -> memoryEntry
	seen      *cache.Cache // delivery ids
	seenSwept time.Time
}

type memoryEntry struct {
	p     Pending
	state State
}

// Retention is how long a closed code still gets a precise answer
// ("already confirmed", "expired") instead of "unknown", and cannot be
// drawn again.
const Retention = 24 * time.Hour

// NewMemoryStore returns an empty store. It starts no goroutine: the
// engine's sweeper calls Sweep.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{c: cache.New(cache.NoExpiration, 0), seen: cache.New(cache.NoExpiration, 0)}
}

func (s *MemoryStore) Add(_ context.Context, p Pending) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.c.Add(p.Code, memoryEntry{p, StatePending}, cache.NoExpiration); err != nil {
		return ErrCodeTaken
	}
	return nil
}

func (s *MemoryStore) Get(_ context.Context, code string) (Pending, State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, found := s.c.Get(code)
	if !found {
		return Pending{}, 0, ErrUnknown
	}
	e := v.(memoryEntry)
	return e.p, e.state, nil
}

func (s *MemoryStore) Move(_ context.Context, code string, from, to State) (Pending, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, found := s.c.Get(code)
	if !found {
		return Pending{}, ErrUnknown
	}
	e := v.(memoryEntry)
	if e.state != from {
		return Pending{}, &StateError{e.state}
	}
	ttl := cache.NoExpiration
	if to != StatePending {
		ttl = Retention
	}
	s.c.Set(code, memoryEntry{e.p, to}, ttl)
	return e.p, nil
}

func (s *MemoryStore) Open(context.Context) ([]Pending, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Pending
	for _, it := range s.c.Items() {
		if e := it.Object.(memoryEntry); e.state == StatePending {
			out = append(out, e.p)
		}
	}
	return out, nil
}

func (s *MemoryStore) Find(_ context.Context, requestID string) (Stored, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range s.c.Items() {
		if e := it.Object.(memoryEntry); e.p.RequestID == requestID {
			return Stored{e.p, e.state}, nil
		}
	}
	return Stored{}, ErrUnknown
}

func (s *MemoryStore) Recent(_ context.Context, n int) ([]Stored, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []Stored
	for _, it := range s.c.Items() {
		e := it.Object.(memoryEntry)
		all = append(all, Stored{e.p, e.state})
	}
	slices.SortFunc(all, func(a, b Stored) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), strings.Compare(b.RequestID, a.RequestID))
	})
	return all[:max(min(n, len(all)), 0)], nil
}

func (s *MemoryStore) Note(_ context.Context, code string, o Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, exp, found := s.c.GetWithExpiration(code)
	if !found {
		return ErrUnknown
	}
	e := v.(memoryEntry)
	e.p.Outcome = o
	ttl := cache.NoExpiration
	if !exp.IsZero() {
		ttl = time.Until(exp)
	}
	s.c.Set(code, e, ttl)
	return nil
}

// Shared is false: requests live and die with this process.
func (s *MemoryStore) Shared() bool { return false }

// Sweep drops requests that closed more than Retention ago, and delivery
// ids past their TTL. Open requests never expire in go-cache.
func (s *MemoryStore) Sweep() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.c.DeleteExpired()
	s.seen.DeleteExpired()
	s.seenSwept = time.Now()
}

// seenSweepEvery bounds how often Claim drops expired keys: each sweep
// walks them all.
const seenSweepEvery = time.Minute

// Claim records key (a platform's delivery id) as seen for ttl. It
// reports false if key was seen already: the delivery is a copy.
func (s *MemoryStore) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := time.Now(); now.Sub(s.seenSwept) > seenSweepEvery {
		s.seen.DeleteExpired()
		s.seenSwept = now
	}
	return s.seen.Add(key, struct{}{}, ttl) == nil, nil
}

// Forget drops key, so that a copy of its delivery is handled again.
func (s *MemoryStore) Forget(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen.Delete(key)
	return nil
}
