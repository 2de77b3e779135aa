// Package redisstore is a bot.Store in Redis, shared by every replica of
// the bot: any of them can finish any request, and requests outlive
// restarts.
//
// Every state change is one Lua script, so Move is a compare-and-set that
// exactly one of any number of concurrent callers wins. A change the user
// is told about waits until a replica has it (WAIT) whenever the primary
// has one, so that a Sentinel failover right after it loses nothing.
//
// The Redis user needs EVAL, EVALSHA, HMGET, SET, DEL, PING, INFO and
// WAIT on the keys under the prefix, and for the scripts EXISTS, GET,
// HSET, PEXPIRE, PERSIST, ZADD, ZRANGE, ZREVRANGE, ZREM and
// ZREMRANGEBYRANK. Redis Cluster is not supported: the scripts reach keys
// they are not given.
package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/signout-bot/signout-bot/bot"
)

// Store is a bot.Store in Redis. It is safe for concurrent use.
type Store struct {
	// rdb is a plain or a Sentinel failover client: both are a
	// *redis.Client, and a write needs Conn to WAIT on its connection.
	rdb       *redis.Client
	prefix    string
	log       *slog.Logger
	obs       Observer
	secrets   []string // passwords in the URL, redacted from errors
	retention time.Duration

	noReplicationInfo sync.Once // warned that the server has no INFO replication
}

var _ bot.Store = (*Store)(nil)

// New returns a Store for cfg. It makes no network call: a Redis that is
// down shows in the first operation, or in Ping.
func New(cfg Config) (*Store, error) {
	rdb, secrets, err := clientFor(cfg.URL)
	if err != nil {
		return nil, err
	}
	s := &Store{rdb: rdb, prefix: cfg.KeyPrefix, log: cfg.Logger, obs: cfg.Observer,
		secrets: secrets, retention: bot.Retention}
	if s.prefix == "" {
		s.prefix = DefaultKeyPrefix
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.obs == nil {
		s.obs = nopObserver{}
	}
	setLibLogger(s.log, secrets)
	return s, nil
}

func (s *Store) recordKey(code string) string  { return s.prefix + "req:" + code }
func (s *Store) openKey() string               { return s.prefix + "open" }
func (s *Store) seenKey(key string) string     { return s.prefix + "seen:" + key }
func (s *Store) idKey(requestID string) string { return s.prefix + "id:" + requestID }
func (s *Store) recentKey() string             { return s.prefix + "recent" }

// Add saves a new pending request; bot.ErrCodeTaken if a request with its
// code exists, in any state.
func (s *Store) Add(ctx context.Context, p bot.Pending) (err error) {
	defer s.observe("add", time.Now(), &err)
	rec, err := encode(p)
	if err != nil {
		return s.fail("add", err)
	}
	keys := []string{s.recordKey(p.Code), s.openKey(), s.idKey(p.RequestID), s.recentKey()}
	res, err := s.write(ctx, addScript, keys,
		p.Code, rec, p.ExpiresAt.UnixMilli(), p.RequestID, p.CreatedAt.UnixMilli(), recentLimit)
	if err != nil {
		return s.fail("add", err)
	}
	if res.status == "taken" {
		return bot.ErrCodeTaken
	}
	return nil
}

// Get finds a request by code, pending or closed; bot.ErrUnknown if none.
func (s *Store) Get(ctx context.Context, code string) (_ bot.Pending, _ bot.State, err error) {
	defer s.observe("get", time.Now(), &err)
	vals, err := s.rdb.HMGet(ctx, s.recordKey(code), "state", "record", "outcome").Result()
	if err != nil {
		return bot.Pending{}, 0, s.fail("get", err)
	}
	state, _ := vals[0].(string)
	rec, _ := vals[1].(string)
	outcome, _ := vals[2].(string)
	if state == "" {
		return bot.Pending{}, 0, bot.ErrUnknown
	}
	st, err := decodeStored(state, rec, outcome)
	if err != nil {
		return bot.Pending{}, 0, s.fail("get", fmt.Errorf("request %q: %w", code, err))
	}
	return st.Pending, st.State, nil
}

// Move changes a request's state from from to to in one script: of any
// number of concurrent moves from one state, on any clients, one wins and
// the others get a *bot.StateError with the state it moved to.
func (s *Store) Move(ctx context.Context, code string, from, to bot.State) (_ bot.Pending, err error) {
	defer s.observe("move", time.Now(), &err)
	fromName, err := from.MarshalText()
	if err != nil {
		return bot.Pending{}, s.fail("move", err)
	}
	toName, err := to.MarshalText()
	if err != nil {
		return bot.Pending{}, s.fail("move", err)
	}
	res, err := s.write(ctx, moveScript, []string{s.recordKey(code), s.openKey()},
		code, fromName, toName, s.retention.Milliseconds(), s.idKey(""))
	if err != nil {
		return bot.Pending{}, s.fail("move", err)
	}
	switch res.status {
	case "unknown":
		return bot.Pending{}, bot.ErrUnknown
	case "state":
		var st bot.State
		if err := st.UnmarshalText([]byte(res.value(0))); err != nil {
			return bot.Pending{}, s.fail("move", fmt.Errorf("request %q: %w", code, err))
		}
		return bot.Pending{}, &bot.StateError{State: st}
	}
	p, err := decode(res.value(0), res.value(1))
	if err != nil {
		return bot.Pending{}, s.fail("move", fmt.Errorf("request %q: %w", code, err))
	}
	return p, nil
}

// Open lists the pending requests, soonest expiry first. A record that
// cannot be read is logged and left out, so that one bad record does not
// stop the others from expiring.
func (s *Store) Open(ctx context.Context) (_ []bot.Pending, err error) {
	defer s.observe("open", time.Now(), &err)
	vals, err := openScript.Run(ctx, s.rdb, []string{s.openKey()}, s.recordKey("")).StringSlice()
	if err != nil {
		return nil, s.fail("open", err)
	}
	if len(vals)%2 != 0 {
		return nil, s.fail("open", fmt.Errorf("unexpected script answer of %d values", len(vals)))
	}
	out := make([]bot.Pending, 0, len(vals)/2)
	for i := 0; i < len(vals); i += 2 {
		p, err := decode(vals[i], vals[i+1])
		if err != nil {
			s.log.Error("state store: an open request cannot be read; leaving it out", "err", err)
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// Shared is true: requests outlive this process.
func (s *Store) Shared() bool { return true }

// Ping checks that Redis answers, for /readyz.
func (s *Store) Ping(ctx context.Context) (err error) {
	defer s.observe("ping", time.Now(), &err)
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return s.fail("ping", err)
	}
	return nil
}

// Close closes the connections.
func (s *Store) Close() error { return s.rdb.Close() }

func (s *Store) observe(op string, start time.Time, err *error) {
	s.obs.StoreCall(op, time.Since(start).Seconds(), *err)
}

// OpError is a store operation that failed: Redis could not be reached,
// did not answer in time, refused, or no replica acknowledged a write.
// Nothing is known to have changed.
type OpError struct {
	Op      string
	Err     error
	secrets []string
}

func (e *OpError) Error() string {
	return "state store: " + e.Op + ": " + redact(e.Err.Error(), e.secrets)
}

func (e *OpError) Unwrap() error { return e.Err }

func (s *Store) fail(op string, err error) error {
	return &OpError{Op: op, Err: err, secrets: s.secrets}
}

// record is what is stored of a request. The reply address's data is kept
// apart, as bytes: encoding/json would compact and re-escape it as part
// of the request, and the front end that wrote it gets it back as is.
type record struct {
	Pending   bot.Pending `json:"pending"`
	ReplyData []byte      `json:"reply_data,omitempty"`
}

func encode(p bot.Pending) (string, error) {
	r := record{Pending: p, ReplyData: p.ReplyTo.Data}
	r.Pending.ReplyTo.Data = nil
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("encoding request %q: %w", p.Code, err)
	}
	return string(b), nil
}

// decode reads a record and the outcome noted on it ("" if none).
func decode(rec, outcome string) (bot.Pending, error) {
	var r record
	if err := json.Unmarshal([]byte(rec), &r); err != nil {
		return bot.Pending{}, fmt.Errorf("decoding a stored request: %w", err)
	}
	if r.Pending.Code == "" {
		return bot.Pending{}, errors.New("decoding a stored request: it has no code")
	}
	r.Pending.ReplyTo.Data = r.ReplyData
	if outcome != "" {
		if err := json.Unmarshal([]byte(outcome), &r.Pending.Outcome); err != nil {
			return bot.Pending{}, fmt.Errorf("decoding the outcome of a stored request: %w", err)
		}
	}
	return r.Pending, nil
}

// decodeStored reads a request's hash fields: its state's name, its
// record and its outcome.
func decodeStored(state, rec, outcome string) (bot.Stored, error) {
	var st bot.State
	if err := st.UnmarshalText([]byte(state)); err != nil {
		return bot.Stored{}, err
	}
	p, err := decode(rec, outcome)
	if err != nil {
		return bot.Stored{}, err
	}
	return bot.Stored{Pending: p, State: st}, nil
}
