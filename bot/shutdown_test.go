package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// deafConversation is a chat platform that doesn't answer: Tell and
// Announce block, ignoring their context, until released.
type deafConversation struct {
	release chan struct{}
	mu      sync.Mutex
	told    []bot.Notice
	changed chan struct{}
}

func newDeafConversation(t *testing.T) *deafConversation {
	d := &deafConversation{release: make(chan struct{}), changed: make(chan struct{})}
	t.Cleanup(func() { close(d.release) })
	return d
}

func (d *deafConversation) Tell(_ context.Context, n bot.Notice) error {
	d.mu.Lock()
	d.told = append(d.told, n)
	close(d.changed)
	d.changed = make(chan struct{})
	d.mu.Unlock()
	<-d.release
	return nil
}
func (d *deafConversation) Ask(context.Context, bot.Prompt) error { return nil }
func (d *deafConversation) Announce(context.Context, bot.Result) error {
	<-d.release
	return nil
}

// waitTold waits until n notices were (being) told.
func (d *deafConversation) waitTold(t *testing.T, n int) []bot.Notice {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		d.mu.Lock()
		told, ch := append([]bot.Notice(nil), d.told...), d.changed
		d.mu.Unlock()
		if len(told) >= n {
			return told
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("%d notices told, want %d", len(told), n)
		}
	}
}

// pendOn makes n pending requests whose invoker's chat is c.
func pendOn(h *harness, n int, c bot.Conversation) {
	for i := range n {
		h.handle(slackMsg(invoker, fmt.Sprintf("/signout guest7 pending %d", i)), c)
	}
}

// shutdownWithin runs Shutdown with the given budget. The generous guard
// only turns a hang into a failure; nothing here asserts on time.
func shutdownWithin(t *testing.T, h *harness, budget time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := h.engine.Shutdown(ctx); err != nil {
			t.Logf("shutdown: %v", err) // expected: the deaf platform outlives the budget
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Shutdown did not return")
	}
}

func expiredIDs(recs []audit.Record) map[string]int {
	ids := map[string]int{}
	for _, r := range recs {
		if r.Event == audit.Expired {
			ids[r.RequestID]++
		}
	}
	return ids
}

// Within one budget, with DingTalk hanging on a confirmed sign-out and a
// chat platform that doesn't answer: every pending request is audited
// expired and its invoker's chat is told (in parallel), the sign-out in
// flight is audited as failed with an unknown outcome and reported, and
// Shutdown returns.
func TestShutdownWithHangingDingTalkAndDeafPlatform(t *testing.T) {
	h := newHarness(t)
	hang := fakedingtalk.Response{Delay: time.Hour}
	h.api.Script("/v1.0/contact/orgAccounts/signOut", hang, hang, hang)
	deaf := newDeafConversation(t)
	pendOn(h, 12, deaf)
	p, cmd := h.prompt("/signout alice lost phone")
	clicked := make(chan struct{})
	go func() { h.click(invoker, p.Code); close(clicked) }()
	if _, err := h.api.WaitRequests(context.Background(), "/v1.0/contact/orgAccounts/signOut", 1); err != nil {
		t.Fatal(err)
	}

	shutdownWithin(t, h, 2*time.Second)
	<-clicked

	recs := h.records()
	ids := expiredIDs(recs)
	if len(ids) != 12 {
		t.Fatalf("%d requests audited expired, want 12: %v", len(ids), h.events())
	}
	for id, n := range ids {
		if n != 1 {
			t.Fatalf("request %s audited expired %d times", id, n)
		}
	}
	told := deaf.waitTold(t, 12)
	for _, n := range told {
		if n.Kind != bot.NoticeClosed || !strings.Contains(en(n.Msg), "stopped before it was confirmed") || ids[n.RequestID] != 1 {
			t.Fatalf("expiry notice %+v", n)
		}
	}
	var outcome []audit.Record
	for _, r := range recs {
		if r.RequestID == p.RequestID {
			outcome = append(outcome, r)
		}
	}
	if len(outcome) != 3 || outcome[2].Event != audit.Failed || !strings.Contains(outcome[2].Detail, "outcome unknown") {
		t.Fatalf("in-flight request's audit %+v", outcome)
	}
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if res.OK || !strings.Contains(en(bot.ResultMsg(res)), "not known whether the sign-out took effect") {
		t.Fatalf("result %+v", res)
	}
}

// The sweeper does not hold shutdown: expiring requests whose chat doesn't
// answer, it returns at once when told to stop.
func TestSweeperDoesNotHoldShutdown(t *testing.T) {
	h := newHarness(t, func(o *bot.Options) { o.SweepInterval = time.Millisecond })
	deaf := newDeafConversation(t)
	pendOn(h, 12, deaf)
	h.clock.Advance(2*time.Minute + time.Second)
	deaf.waitTold(t, 12) // all 12 expired by the sweeper, their notices hanging
	shutdownWithin(t, h, 2*time.Second)
	ids := expiredIDs(h.records())
	if len(ids) != 12 {
		t.Fatalf("%d requests audited expired, want 12", len(ids))
	}
	for id, n := range ids {
		if n != 1 {
			t.Fatalf("request %s audited expired %d times", id, n)
		}
	}
}

// Expiry holds at the longest TTL config accepts (24h, config/validate.go):
// the store keeps the request until the engine has audited it as expired.
func TestExpiryAtTheLongestTTL(t *testing.T) {
	h := newHarness(t, func(o *bot.Options) {
		o.TTL = 24 * time.Hour
		o.SweepInterval = time.Millisecond
	})
	p, cmd := h.prompt("/signout alice lost phone")
	if !p.ExpiresAt.Equal(h.clock.Now().Add(24 * time.Hour)) {
		t.Fatalf("expires %v", p.ExpiresAt)
	}
	h.clock.Advance(24 * time.Hour)
	cmd.waitFor(t, "expiry notice", func(e event) bool { return e.kind == "tell" && e.notice.Kind == bot.NoticeClosed })
	if got := h.events(); got != "requested,expired" {
		t.Fatalf("audit %s", got)
	}
	tellOf(t, h.click(invoker, p.Code).only(t), bot.NoticeRefused, "expired")
}

// The store itself never forgets an open request, however old.
func TestMemoryStoreKeepsOpenRequests(t *testing.T) {
	s := bot.NewMemoryStore()
	ctx := context.Background()
	p := bot.Pending{Code: "ABC234", RequestID: "req-1", ExpiresAt: time.Now().Add(-48 * time.Hour)}
	if err := s.Add(ctx, p); err != nil {
		t.Fatal(err)
	}
	s.Sweep()
	if open, err := s.Open(ctx); err != nil || len(open) != 1 || open[0].RequestID != p.RequestID {
		t.Fatalf("open %v %v", open, err)
	}
	if _, err := s.Move(ctx, p.Code, bot.StatePending, bot.StateExpired); err != nil {
		t.Fatal(err)
	}
	if _, state, err := s.Get(ctx, p.Code); err != nil || state != bot.StateExpired {
		t.Fatalf("after close: %v %v", state, err)
	}
}
