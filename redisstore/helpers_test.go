package redisstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/internal/redistest"
	"github.com/signout-bot/signout-bot/redisstore"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// env is one Redis the store tests run against.
type env struct {
	url    string
	prefix string        // of this test's keys, unique on a shared server
	raw    *redis.Client // to look at what the store wrote
	// forward moves the server's clock; nil on a real server and in
	// memory.
	forward func(time.Duration)
	// memory is the store of the cases that also run on bot.MemoryStore;
	// nil on Redis.
	memory *bot.MemoryStore
}

// anyStore returns a store on e: a new client on Redis, the one store in
// memory. Two of them see the same requests, like two replicas.
func (e *env) anyStore(t testing.TB) bot.Store {
	t.Helper()
	if e.memory != nil {
		return e.memory
	}
	return e.store(t)
}

var prefixes atomic.Int64

func newEnv(t *testing.T, url string, forward func(time.Duration)) *env {
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal("bad test URL")
	}
	opt.MaxRetries = -1
	raw := redis.NewClient(opt)
	t.Cleanup(func() { _ = raw.Close() })
	prefix := fmt.Sprintf("test:%s:%d:%d:", t.Name(), time.Now().UnixNano(), prefixes.Add(1))
	return &env{url: url, prefix: prefix, raw: raw, forward: forward}
}

// miniEnv is a miniredis on a loopback socket.
func miniEnv(t *testing.T) *env {
	m := miniredis.RunT(t)
	return newEnv(t, "redis://"+m.Addr()+"/0", m.FastForward)
}

// realEnv is a real redis-server: SIGNOUT_REDIS_URL's or one started for
// the test.
func realEnv(t *testing.T) *env {
	e := newEnv(t, redistest.URL(t), nil)
	if os.Getenv(redistest.URLEnv) != "" {
		// A server of its own dies with the test; a shared one keeps
		// what the test wrote unless it is deleted.
		t.Cleanup(func() {
			ctx := context.Background()
			iter := e.raw.Scan(ctx, 0, e.prefix+"*", 100).Iterator()
			for iter.Next(ctx) {
				e.raw.Del(ctx, iter.Val())
			}
		})
	}
	return e
}

// eachEnv runs f against miniredis and against a real redis-server.
func eachEnv(t *testing.T, f func(t *testing.T, e *env)) {
	t.Run("miniredis", func(t *testing.T) { f(t, miniEnv(t)) })
	t.Run("redis", func(t *testing.T) { f(t, realEnv(t)) })
}

// store opens a Store on e, closed at the end of the test.
func (e *env) store(t testing.TB, cfg ...func(*redisstore.Config)) *redisstore.Store {
	t.Helper()
	c := redisstore.Config{URL: e.url, KeyPrefix: e.prefix, Logger: quiet}
	for _, f := range cfg {
		f(&c)
	}
	return open(t, c)
}

func open(t testing.TB, c redisstore.Config) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

var quiet = slog.New(slog.DiscardHandler)

// pttl is the time to live of the key, -1 for none, -2 for no key.
func (e *env) pttl(t *testing.T, key string) time.Duration {
	t.Helper()
	d, err := e.raw.PTTL(context.Background(), e.prefix+key).Result()
	if err != nil {
		t.Fatalf("PTTL %s: %v", key, err)
	}
	return d
}

var base = time.Date(2026, 11, 3, 9, 30, 0, 123456789, time.UTC)

// request is a pending request with every field set, its reply address
// in a shape that JSON re-encoding would change (spaces, < & >).
func request(code string, expiresIn time.Duration) bot.Pending {
	return bot.Pending{
		RequestID:    "req-" + code,
		Code:         code,
		Platform:     "slack",
		Invoker:      "U0INVOKER",
		Conversation: "C0CHANNEL",
		Target:       bot.Target{UserID: "user-" + code, Name: "Ann Lee", Title: "SRE", Via: i18n.M(i18n.ViaMobile, "13800138000"), Warning: i18n.M(i18n.WarnNotEnterprise)},
		TargetInput:  "@ann",
		Reason:       "phished, ticket #42",
		CreatedAt:    base,
		ExpiresAt:    base.Add(expiresIn),
		ReplyTo: bot.Address{Platform: "slack", Data: json.RawMessage(
			`{ "channel": "C0CHANNEL",  "thread": "1730000000.000100", "response_url": "https://hooks.example/a?x=1&y=<2>" }`)},
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// calls records what an Observer is told.
type calls struct {
	mu   sync.Mutex
	list []string // "op:ok" or "op:" + error
}

func (c *calls) StoreCall(op string, seconds float64, err error) {
	if seconds < 0 {
		op += "(negative duration)"
	}
	res := "ok"
	if err != nil {
		res = err.Error()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list = append(c.list, op+":"+res)
}

func (c *calls) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.list, "\n")
}

// isDomain reports whether err is one of the engine's store answers
// rather than a failure.
func isDomain(err error) bool {
	var se *bot.StateError
	return errors.Is(err, bot.ErrUnknown) || errors.Is(err, bot.ErrCodeTaken) || errors.As(err, &se)
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
