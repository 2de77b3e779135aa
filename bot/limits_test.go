package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/logbuf"
)

const tooMany = "Too many refused commands or wrong codes"

// A live code sent by someone not on the allow-list gets exactly the
// answer an unknown code gets: nothing tells them the code is live, who
// asked, the request id or the target; before or after the request closed.

// shownNotice is a notice as the invoker sees it, in English.
type shownNotice struct {
	Kind      bot.NoticeKind
	RequestID string
	Text      string
}

func shown(n bot.Notice) shownNotice { return shownNotice{n.Kind, n.RequestID, en(n.Msg)} }
func TestProbeGetsTheUnknownCodeAnswer(t *testing.T) {
	h := newHarness(t)
	p, cmd := h.prompt("/signout alice lost phone")
	probes := 0
	answer := func(code string, send func(user string) *recorder) shownNotice {
		t.Helper()
		probes++ // a new prober each time: this test is not about the rate limit
		n := shown(send(fmt.Sprintf("U9PROBER%d", probes)).only(t).notice)
		for _, secret := range []string{invoker, p.RequestID, "alice", "Alice", "lost phone"} {
			if strings.Contains(n.Text, secret) {
				t.Fatalf("answer to a prober reveals %q: %q", secret, n.Text)
			}
		}
		n.Text = strings.ReplaceAll(n.Text, code, "<CODE>")
		return n
	}
	click := func(code string) func(string) *recorder {
		return func(user string) *recorder { return h.click(user, code) }
	}
	cancel := func(code string) func(string) *recorder {
		return func(user string) *recorder {
			r := newRecorder(user + " cancel " + code)
			h.engine.Cancel(context.Background(), bot.Action{Platform: bot.Slack, User: user, Conversation: channel, Code: code}, r)
			return r
		}
	}
	typed := func(text string) func(string) *recorder {
		return func(user string) *recorder { return h.say(user, text) }
	}
	unknown := "ZZZZ99"
	if p.Code == unknown {
		t.Skip("drew the unknown code")
	}
	want := answer(unknown, click(unknown))
	if want.Kind != bot.NoticeRefused || want.RequestID != "" || !strings.Contains(want.Text, "No pending request has code <CODE>") {
		t.Fatalf("unknown-code answer %+v", want)
	}
	probe := func(what string, send func(string) *recorder) {
		t.Helper()
		if got := answer(p.Code, send); got != want {
			t.Fatalf("%s of a live code: answer %+v differs from the unknown-code answer %+v", what, got, want)
		}
	}
	probe("click", click(p.Code))
	probe("cancel", cancel(p.Code))
	probe("typed confirm", typed("confirm "+p.Code))
	probe("typed cancel", typed("/signout cancel "+strings.ToLower(p.Code)))
	if len(h.signOuts()) != 0 || h.events() != "requested" {
		t.Fatalf("a probe acted: signOuts %d, audit %s", len(h.signOuts()), h.events())
	}
	// Closed requests answer "already confirmed" to their invoker only.
	h.click(invoker, p.Code)
	cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" })
	probe("click on a confirmed request", click(p.Code))
}

// Wrong codes from one user are answered a few at a time, then once with
// "too many", then not at all until the allowance refills.
func TestWrongCodesAreRateLimited(t *testing.T) {
	h := newHarness(t)
	counts := func(n int, send func() *recorder) (answered, limited, silent int) {
		for range n {
			evs := send().all()
			switch {
			case len(evs) == 0:
				silent++
			case len(evs) == 1 && strings.Contains(en(evs[0].notice.Msg), tooMany):
				limited++
			case len(evs) == 1 && strings.Contains(en(evs[0].notice.Msg), "No pending request has code"):
				answered++
			default:
				t.Fatalf("unexpected answer %+v", evs)
			}
		}
		return
	}
	a, l, s := counts(20, func() *recorder { return h.click(stranger, "ZZZZ99") })
	if a != 5 || l != 1 || s != 14 {
		t.Fatalf("20 wrong codes: %d answered, %d told too many, %d silent; want 5, 1, 14", a, l, s)
	}
	h.clock.Advance(10 * time.Second) // one more answer's worth
	if a, l, s := counts(2, func() *recorder { return h.click(stranger, "ZZZZ99") }); a != 1 || l != 1 || s != 0 {
		t.Fatalf("after 10 s: %d answered, %d too many, %d silent; want 1, 1, 0", a, l, s)
	}

	// The limit is on refusals, not on work: an allowed invoker who
	// mistyped codes still confirms their own request.
	p, cmd := h.prompt("/signout alice lost phone")
	for range 10 {
		h.say(invoker, "confirm ZZZZ99")
	}
	tellOf(t, h.click(invoker, p.Code).all()[0], bot.NoticeProgress, "Signing out")
	cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" && e.result.OK })
}

// A flood of refused commands writes one denied record, then one record
// with the count of the repeats when the window is over; answers stop.
// Nothing is lost: the repeats are written at the next refusal after the
// window, by the sweeper, or at shutdown.
func TestRepeatedRefusalsAreAggregated(t *testing.T) {
	h := newHarness(t)
	answered, limited := 0, 0
	for i := range 100 {
		for _, e := range h.say(stranger, fmt.Sprintf("/signout alice attempt %d", i)).all() {
			switch {
			case strings.Contains(en(e.notice.Msg), "not on the allow-list"):
				answered++
			case strings.Contains(en(e.notice.Msg), tooMany):
				limited++
			}
		}
	}
	if answered != 5 || limited != 1 {
		t.Fatalf("100 refusals: %d answered, %d told too many; want 5 and 1", answered, limited)
	}
	recs := h.records()
	if len(recs) != 1 || recs[0].Event != audit.Denied || recs[0].Reason != "attempt 0" || recs[0].Count != 0 {
		t.Fatalf("audit after the flood %+v", recs)
	}
	// The flood holds up nobody else.
	if p, _ := h.prompt("/signout alice lost phone"); p.Target.UserID != "alice" {
		t.Fatalf("prompt %+v", p)
	}

	h.clock.Advance(time.Minute)
	tellOf(t, h.say(stranger, "/signout guest7 new window").only(t), bot.NoticeRefused, "not on the allow-list")
	recs = h.records()
	if len(recs) != 4 {
		t.Fatalf("want denied, requested, repeats, denied; got %+v", recs)
	}
	rep, next := recs[2], recs[3]
	if rep.Event != audit.Denied || rep.Count != 99 || rep.Invoker != stranger || rep.Platform != bot.Slack ||
		rep.Target != "alice" || rep.Reason != "attempt 99" || rep.RequestID != "" || !strings.Contains(rep.Detail, "99 more refused commands") {
		t.Fatalf("repeats record %+v", rep)
	}
	if next.Event != audit.Denied || next.Count != 0 || next.Reason != "new window" || next.RequestID == "" {
		t.Fatalf("first refusal of the new window %+v", next)
	}

	// The repeats of a window still open are written at shutdown.
	for range 3 {
		h.say(stranger, "/signout alice more")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.engine.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	var counted []int
	for _, r := range h.records() {
		if r.Event == audit.Denied && r.Count > 0 {
			counted = append(counted, r.Count)
		}
	}
	if fmt.Sprint(counted) != "[99 3]" {
		t.Fatalf("repeat counts %v, want [99 3]", counted)
	}
}

// The sweeper writes the repeats of a window that is over, with nobody
// sending anything more.
func TestSweeperWritesRepeatsOfClosedWindows(t *testing.T) {
	logs := &logbuf.Buffer{}
	h := newHarness(t, func(o *bot.Options) {
		o.Logger = slog.New(slog.NewTextHandler(logs, nil))
		o.SweepInterval = time.Millisecond
	})
	for range 10 {
		h.say(stranger, "/signout alice x")
		h.say(stranger, "/signout alice")           // malformed: no reason
		h.click(stranger, "ZZZZ99")                 // wrong code
		h.say(stranger, "/signout alice"+" reason") // denied again
	}
	h.clock.Advance(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := logs.Wait(ctx, "repeated refusals"); err != nil {
		t.Fatalf("%v; log:\n%s", err, logs)
	}
	if !strings.Contains(logs.String(), "denied=19 wrong_codes=9 malformed=9") {
		t.Fatalf("log line lacks the counts:\n%s", logs)
	}
	recs := h.records()
	if len(recs) != 2 || recs[1].Count != 19 {
		t.Fatalf("audit %+v", recs)
	}
	if n := strings.Count(logs.String(), "sign-out denied"); n != 1 {
		t.Fatalf("%d lone denial log lines, want 1:\n%s", n, logs)
	}
}

// gateConversation holds Ask until released, keeping a command in flight.
type gateConversation struct {
	*recorder
	entered, release chan struct{}
}

func (g gateConversation) Ask(ctx context.Context, p bot.Prompt) error {
	close(g.entered)
	<-g.release
	return g.recorder.Ask(ctx, p)
}

// With MaxInFlight commands running, one more is told the bot is busy,
// and does nothing; confirmations have slots of their own, so a click
// still gets its real answer; once the work is done, commands run again.
func TestBusyWhenTooMuchInFlight(t *testing.T) {
	h := newHarness(t, func(o *bot.Options) { o.MaxInFlight = 1 })
	g := gateConversation{newRecorder("held"), make(chan struct{}), make(chan struct{})}
	held := make(chan struct{})
	go func() {
		h.handle(slackMsg(invoker, "/signout alice lost phone"), g)
		close(held)
	}()
	<-g.entered
	tellOf(t, h.say(invoker, "/signout guest7 other").only(t), bot.NoticeError, "busy; try again in a moment")
	tellOf(t, h.click(invoker, "ZZZZ99").only(t), bot.NoticeRefused, "No pending request has code ZZZZ99")
	close(g.release)
	<-held
	g.only(t).mustPrompt(t)
	if p, _ := h.prompt("/signout guest7 other"); p.Target.UserID != "guest7" {
		t.Fatalf("prompt %+v", p)
	}
	if got := h.events(); got != "requested,requested" {
		t.Fatalf("audit %s", got)
	}
}
