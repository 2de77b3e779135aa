package bot_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/i18n"
)

// recorder is a front end that records what the engine tells it. It is the
// same bot.Conversation interface the Slack, DingTalk and console front
// ends implement.
type recorder struct {
	name    string
	mu      sync.Mutex
	events  []event
	changed chan struct{} // closed and replaced on every event
	fail    error         // returned by every call when set
}

type event struct {
	kind   string // "tell", "ask", "announce"
	notice bot.Notice
	prompt bot.Prompt
	result bot.Result
}

func newRecorder(name string) *recorder {
	return &recorder{name: name, changed: make(chan struct{})}
}

func (r *recorder) add(e event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	close(r.changed)
	r.changed = make(chan struct{})
	return r.fail
}

func (r *recorder) Tell(_ context.Context, n bot.Notice) error {
	return r.add(event{kind: "tell", notice: n})
}
func (r *recorder) Ask(_ context.Context, p bot.Prompt) error {
	return r.add(event{kind: "ask", prompt: p})
}
func (r *recorder) Announce(_ context.Context, x bot.Result) error {
	return r.add(event{kind: "announce", result: x})
}

func (r *recorder) all() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event(nil), r.events...)
}

// waitFor blocks until an event matching ok has been recorded.
func (r *recorder) waitFor(t testing.TB, what string, ok func(event) bool) event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		for _, e := range r.events {
			if ok(e) {
				r.mu.Unlock()
				return e
			}
		}
		ch := r.changed
		r.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("%s: no %s; got %s", r.name, what, r.dump())
		}
	}
}

func (r *recorder) dump() string {
	var s string
	for _, e := range r.all() {
		switch e.kind {
		case "tell":
			s += fmt.Sprintf("\n  tell[%d] %q", e.notice.Kind, noticeText(e.notice))
		case "ask":
			s += fmt.Sprintf("\n  ask %+v", e.prompt)
		case "announce":
			s += fmt.Sprintf("\n  announce %+v", e.result)
		}
	}
	return s
}

// only returns the single event recorded, failing otherwise.
func (r *recorder) only(t testing.TB) event {
	t.Helper()
	evs := r.all()
	if len(evs) != 1 {
		t.Fatalf("%s: want exactly one event, got %d:%s", r.name, len(evs), r.dump())
	}
	return evs[0]
}

var errDown = errors.New("platform down")

// en renders m as the English front ends show it: what the tests read.
func en(m i18n.Msg) string { return i18n.For(i18n.EN).Text(m) }

// noticeText is a notice as an English front end shows it: a usage
// notice ends with the usage.
func noticeText(n bot.Notice) string {
	if n.Kind != bot.NoticeUsage {
		return en(n.Msg)
	}
	if n.Msg.IsZero() {
		return commands.Usage
	}
	return en(n.Msg) + "\n\n" + commands.Usage
}

// conversations is the tests' reply registry: a Message's ReplyTo names
// its conversation by a number, as a front end's would name a channel.
var conversations struct {
	sync.Mutex
	next int
	byID map[string]bot.Conversation
}

// replier answers the addresses the tests made, on every platform.
type replier struct{}

func (replier) Reply(a bot.Address) (bot.Conversation, error) {
	conversations.Lock()
	defer conversations.Unlock()
	c, ok := conversations.byID[string(a.Data)]
	if !ok {
		return nil, fmt.Errorf("no test conversation %s", a.Data)
	}
	return c, nil
}

// addressed gives m the address of c.
func addressed(m bot.Message, c bot.Conversation) bot.Message {
	conversations.Lock()
	defer conversations.Unlock()
	if conversations.byID == nil {
		conversations.byID = map[string]bot.Conversation{}
	}
	conversations.next++
	id := fmt.Sprintf("%d", conversations.next)
	conversations.byID[id] = c
	m.ReplyTo = bot.Address{Platform: m.Platform, Data: []byte(id)}
	return m
}

// handle runs m as said in c.
func (h *harness) handle(m bot.Message, c bot.Conversation) {
	h.engine.Handle(context.Background(), addressed(m, c), c)
}
