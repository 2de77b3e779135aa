package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
)

// sharedMemory is a MemoryStore that says it is shared, as the Redis
// store does: two engines on it behave as two replicas on one Redis.
type sharedMemory struct{ *bot.MemoryStore }

func (sharedMemory) Shared() bool { return true }

// A request prompted by one replica is confirmed on another after the
// first shut down: the shutdown left it pending, and the result goes
// where the command was given.
func TestAnotherReplicaCompletesTheRequest(t *testing.T) {
	store := sharedMemory{bot.NewMemoryStore()}
	a := newHarness(t, func(o *bot.Options) { o.Store = store; o.Instance = "a" })
	p, cmd := a.prompt("/signout alice lost phone")
	shutdownWithin(t, a, 5*time.Second)
	if got := a.events(); got != "requested" {
		t.Fatalf("replica a audited %s; a shutdown with a shared store must leave the request pending", got)
	}

	b := newHarness(t, func(o *bot.Options) { o.Store = store; o.Instance = "b" })
	click := b.click(invoker, p.Code)
	click.waitFor(t, "progress", func(e event) bool { return e.kind == "tell" && e.notice.Kind == bot.NoticeProgress })
	res := cmd.waitFor(t, "result where the command was given", func(e event) bool { return e.kind == "announce" }).result
	if !res.OK || res.RequestID != p.RequestID {
		t.Fatalf("result %+v", res)
	}
	if got := b.events(); got != "confirmed,succeeded" {
		t.Fatalf("replica b audited %s", got)
	}
	for _, r := range b.records() {
		if r.Instance != "b" {
			t.Fatalf("record %+v does not name instance b", r)
		}
	}
	if n := len(b.signOuts()); n != 1 {
		t.Fatalf("%d sign-outs", n)
	}
}

// A request whose replica is gone expires on another one: audited once,
// its invoker told once, where the command was given.
func TestAnotherReplicaExpiresTheRequest(t *testing.T) {
	store := sharedMemory{bot.NewMemoryStore()}
	a := newHarness(t, func(o *bot.Options) { o.Store = store })
	_, cmd := a.prompt("/signout alice lost phone")
	shutdownWithin(t, a, 5*time.Second)

	b := newHarness(t, func(o *bot.Options) { o.Store = store; o.SweepInterval = time.Millisecond })
	c := newHarness(t, func(o *bot.Options) { o.Store = store; o.SweepInterval = time.Millisecond })
	b.clock.Advance(3 * time.Minute)
	c.clock.Advance(3 * time.Minute)
	cmd.waitFor(t, "expiry notice", func(e event) bool { return e.kind == "tell" && e.notice.Kind == bot.NoticeClosed })
	shutdownWithin(t, b, 5*time.Second)
	shutdownWithin(t, c, 5*time.Second)
	if got := b.events() + "|" + c.events(); got != "expired|" && got != "|expired" {
		t.Fatalf("audited %q: want one expired record from one replica", got)
	}
	told := 0
	for _, e := range cmd.all() {
		if e.kind == "tell" && e.notice.Kind == bot.NoticeClosed {
			told++
		}
	}
	if told != 1 {
		t.Fatalf("invoker told %d times:%s", told, cmd.dump())
	}
}

// flakyStore is a store that can be taken down, and can go down by
// itself right after the claim of a confirmation.
type flakyStore struct {
	bot.Store
	mu            sync.Mutex
	down          bool
	downAfterMove bool
}

var errStoreDown = errors.New("state store: dial tcp 127.0.0.1:6379: connection refused")

func (f *flakyStore) isDown() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.down
}

func (f *flakyStore) set(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

func (f *flakyStore) Add(ctx context.Context, p bot.Pending) error {
	if f.isDown() {
		return errStoreDown
	}
	return f.Store.Add(ctx, p)
}

func (f *flakyStore) Get(ctx context.Context, code string) (bot.Pending, bot.State, error) {
	if f.isDown() {
		return bot.Pending{}, 0, errStoreDown
	}
	return f.Store.Get(ctx, code)
}

func (f *flakyStore) Move(ctx context.Context, code string, from, to bot.State) (bot.Pending, error) {
	if f.isDown() {
		return bot.Pending{}, errStoreDown
	}
	p, err := f.Store.Move(ctx, code, from, to)
	f.mu.Lock()
	f.down = f.down || f.downAfterMove
	f.mu.Unlock()
	return p, err
}

func (f *flakyStore) Open(ctx context.Context) ([]bot.Pending, error) {
	if f.isDown() {
		return nil, errStoreDown
	}
	return f.Store.Open(ctx)
}

// A store that is down: commands and clicks are told that nothing was
// done, nothing is signed out or audited as requested; once it is back,
// the request made before works.
func TestStoreUnreachable(t *testing.T) {
	store := &flakyStore{Store: bot.NewMemoryStore()}
	h := newHarness(t, func(o *bot.Options) { o.Store = store })
	p, cmd := h.prompt("/signout alice lost phone")

	store.set(true)
	tellOf(t, h.say(invoker, "/signout guest7 lost phone").only(t), bot.NoticeError, "the state store is unreachable; nothing was done")
	tellOf(t, h.click(invoker, p.Code).only(t), bot.NoticeError, "the state store is unreachable; nothing was done")
	tellOf(t, h.say(invoker, "cancel "+p.Code).only(t), bot.NoticeError, "the state store is unreachable; nothing was done")
	if got := h.events(); got != "requested" {
		t.Fatalf("audit %s while the store was down", got)
	}
	if n := len(h.signOuts()); n != 0 {
		t.Fatalf("%d sign-outs while the store was down", n)
	}

	store.set(false)
	h.click(invoker, p.Code)
	if res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result; !res.OK {
		t.Fatalf("result %+v", res)
	}
}

// A sign-out that already ran when the store went away is still audited
// and announced.
func TestStoreLostAfterTheClaim(t *testing.T) {
	store := &flakyStore{Store: bot.NewMemoryStore()}
	h := newHarness(t, func(o *bot.Options) { o.Store = store })
	p, cmd := h.prompt("/signout alice lost phone")
	store.mu.Lock()
	store.downAfterMove = true
	store.mu.Unlock()
	h.click(invoker, p.Code)
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if !res.OK || !strings.Contains(en(bot.ResultMsg(res)), "Signed out") {
		t.Fatalf("result %+v", res)
	}
	if got := h.events(); got != "requested,confirmed,succeeded" {
		t.Fatalf("audit %s", got)
	}
}
