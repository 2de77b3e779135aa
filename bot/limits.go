package bot

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/signout-bot/signout-bot/audit"
)

// Bounds on the work that refused commands can cause. Anyone in the org
// can send "/signout x y"; without these, each refusal costs an fsync'd
// audit record, a log line and a chat message, and a flood of them fills
// the disk that real sign-outs need (the audit fails closed).
const (
	// refusalWindow is how long the repeated refusals of one invoker are
	// gathered into one audit record and one log line.
	refusalWindow = time.Minute
	// An invoker's refusals are answered refusalAnswerBurst at once, then
	// one per refusalAnswerEvery; past that, one "too many" notice, then
	// nothing until the allowance refills.
	refusalAnswerBurst = 5
	refusalAnswerEvery = 10 * time.Second
	// maxTrackedInvokers bounds the memory the limits use. An invoker
	// beyond it is treated as before the limits: audited and answered.
	maxTrackedInvokers = 10000
	// DefaultMaxInFlight is how many commands and actions run at once
	// unless Options.MaxInFlight says otherwise; more are told busyText.
	// Refusals take microseconds, so only real work (lookups, fsyncs,
	// sign-outs) fills it.
	DefaultMaxInFlight = 128
)

// refusalKind is what was refused.
type refusalKind int

const (
	refusedCommand refusalKind = iota // a denied command or action: audited
	wrongCode                         // a code that is unknown, or not the sender's
	malformed                         // a command that did not parse
	numRefusalKinds
)

// answer is what the invoker is told about one refusal.
type answer int

const (
	answerFully   answer = iota // the refusal's own text
	answerTooMany               // tooManyText
	answerNothing               // silence: tooManyText was said already
)

// verdict is what the limits allow of one refusal.
type verdict struct {
	// first: the first of its kind from this invoker in the window, so it
	// is logged and audited as a lone refusal is. Later ones are counted.
	first  bool
	answer answer
	// ended is this invoker's previous window, to be written now.
	ended *refusalSummary
}

// refusalSummary is the repeats of one invoker's window: everything but
// the first refusal of each kind.
type refusalSummary struct {
	platform, invoker string
	since, until      time.Time
	counts            [numRefusalKinds]int
	lastDenied        audit.Record // the latest repeated denial
}

func (s *refusalSummary) empty() bool { return s.counts == [numRefusalKinds]int{} }

// record is the one audit record of a window's repeated denials.
func (s *refusalSummary) record() audit.Record {
	rec := s.lastDenied
	rec.Time, rec.RequestID, rec.Event = time.Time{}, "", audit.Denied
	rec.Count = s.counts[refusedCommand]
	rec.Detail = fmt.Sprintf("%d more refused commands between %s and %s; the latest: %s",
		rec.Count, s.since.UTC().Format(time.RFC3339), s.until.UTC().Format(time.RFC3339), s.lastDenied.Detail)
	return rec
}

// invokerRefusals is one invoker's current window and answer allowance.
type invokerRefusals struct {
	repeats     refusalSummary
	seen        [numRefusalKinds]bool // a first of this kind was let through
	windowEnd   time.Time
	answers     *rate.Limiter
	toldTooMany bool
	lastSeen    time.Time
}

// refusals applies the per-invoker limits. Times come from the engine's
// clock. Safe for concurrent use.
type refusals struct {
	mu        sync.Mutex
	byInvoker map[string]*invokerRefusals // platform + "\x00" + user
	closed    bool                        // after shutdown: nothing is held back any more
}

func newRefusals() *refusals {
	return &refusals{byInvoker: map[string]*invokerRefusals{}}
}

// note counts one refusal and says what of it to write and say. rec is the
// denied record for refusedCommand, nil otherwise.
func (r *refusals) note(kind refusalKind, platform, invoker string, rec *audit.Record, now time.Time) verdict {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.invoker(platform, invoker)
	if w == nil {
		return verdict{first: true, answer: answerFully}
	}
	var v verdict
	if !now.Before(w.windowEnd) {
		v.ended = w.endWindow()
		w.repeats = refusalSummary{platform: platform, invoker: invoker, since: now}
		w.windowEnd = now.Add(refusalWindow)
	}
	if !w.seen[kind] {
		w.seen[kind], v.first = true, true
	} else {
		w.repeats.counts[kind]++
		w.repeats.until = now
		if rec != nil {
			w.repeats.lastDenied = *rec
		}
	}
	w.lastSeen = now
	v.answer = w.answer(now)
	return v
}

// invoker finds or starts an invoker's state; nil when closed or full.
func (r *refusals) invoker(platform, user string) *invokerRefusals {
	if r.closed {
		return nil
	}
	key := platform + "\x00" + user
	if w, ok := r.byInvoker[key]; ok {
		return w
	}
	if len(r.byInvoker) >= maxTrackedInvokers {
		return nil
	}
	w := &invokerRefusals{answers: rate.NewLimiter(rate.Every(refusalAnswerEvery), refusalAnswerBurst)}
	r.byInvoker[key] = w
	return w
}

// endWindow takes the window's repeats, nil if there were none.
func (w *invokerRefusals) endWindow() *refusalSummary {
	w.seen = [numRefusalKinds]bool{}
	if w.repeats.empty() {
		return nil
	}
	s := w.repeats
	w.repeats = refusalSummary{}
	return &s
}

func (w *invokerRefusals) answer(now time.Time) answer {
	switch {
	case w.answers.AllowN(now, 1):
		w.toldTooMany = false
		return answerFully
	case !w.toldTooMany:
		w.toldTooMany = true
		return answerTooMany
	}
	return answerNothing
}

// due ends the windows that are over and forgets invokers quiet for a
// whole window (their answer allowance has refilled by then).
func (r *refusals) due(now time.Time) []refusalSummary {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []refusalSummary
	for key, w := range r.byInvoker {
		if now.Before(w.windowEnd) {
			continue
		}
		if s := w.endWindow(); s != nil {
			out = append(out, *s)
		}
		if now.Sub(w.lastSeen) >= refusalWindow {
			delete(r.byInvoker, key)
		}
	}
	return out
}

// close ends every window, for shutdown. Refusals after it are written
// one by one, so that none is lost.
func (r *refusals) close() []refusalSummary {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []refusalSummary
	for _, w := range r.byInvoker {
		if s := w.endWindow(); s != nil {
			out = append(out, *s)
		}
	}
	r.closed, r.byInvoker = true, nil
	return out
}
