package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/i18n"
)

// Options configures an Engine. Policy and Audit are required; SignOuter
// is required unless DryRun.
type Options struct {
	Policy    *authz.Policy
	Directory Directory // nil: targets by userId only, no names
	SignOuter SignOuter
	// Containment disables and enables accounts; nil: only in a dry run.
	Containment Containment
	Audit       Auditor
	Store       Store    // nil: a MemoryStore
	Observer    Observer // nil: none

	// Instance names this replica in every audit record.
	Instance        string
	TTL             time.Duration
	DryRun          bool
	TwoPerson       bool // approval.two_person: a second allowed person approves every sign-out
	EmployeeMessage map[string]string
	Parse           commands.Options

	LookupTimeout  time.Duration // per directory lookup; default 5s
	SignOutTimeout time.Duration // for the sign-out with its retries; default 30s
	SweepInterval  time.Duration // how often requests past their TTL are closed; default TTL/4, within 100ms..5s
	ProgressEvery  time.Duration // how often a bulk run's progress is shown at most; default 2s
	MaxInFlight    int           // new commands run at once, and as many confirms/cancels; more are told to retry; default DefaultMaxInFlight
	Logger         *slog.Logger
	Now            func() time.Time
}

// Engine runs the sign-out flow. Its methods are safe for concurrent use.
type Engine struct {
	opt   Options
	log   *slog.Logger
	store Store
	obs   Observer

	mu          sync.Mutex
	closing     bool
	inflight    sync.WaitGroup
	slots       chan struct{} // one per new command in flight
	actionSlots chan struct{} // one per confirm or cancel in flight: they finish work already started
	stop        chan struct{}
	swept       chan struct{}
	refusals    *refusals
	busyLog     rate.Sometimes // an overload does not flood the log as well
	storeLog    rate.Sometimes // nor does a state store that is down

	repliersMu sync.Mutex
	repliers   map[string]Replier // platform -> how to answer a stored Address
	pending    atomic.Int64       // open requests when last listed, for metrics

	// replies are the expiry notices being sent; Shutdown waits for them.
	replies sync.WaitGroup
	// hurry is cancelled when Shutdown gives up on sign-outs in flight, end
	// when its budget is over: every bounded wait ends then at the latest.
	hurry    context.Context
	hurryNow context.CancelCauseFunc
	end      context.Context
	endNow   context.CancelFunc
}

// New checks opt and starts the engine's expiry sweeper.
func New(opt Options) (*Engine, error) {
	if opt.Policy == nil || opt.Audit == nil {
		return nil, errors.New("bot: Policy and Audit are required")
	}
	if opt.SignOuter == nil && !opt.DryRun {
		return nil, errors.New("bot: a SignOuter is required unless DryRun")
	}
	if opt.TTL <= 0 {
		return nil, errors.New("bot: TTL must be positive")
	}
	setDefault(&opt.LookupTimeout, 5*time.Second)
	setDefault(&opt.SignOutTimeout, 30*time.Second)
	setDefault(&opt.ProgressEvery, progressEvery)
	// Expiry is noticed within a quarter of the TTL, at most 5 s late.
	setDefault(&opt.SweepInterval, min(max(opt.TTL/4, 100*time.Millisecond), 5*time.Second))
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxInFlight <= 0 {
		opt.MaxInFlight = DefaultMaxInFlight
	}
	if opt.Instance != "" {
		opt.Audit = stamped{opt.Audit, opt.Instance}
	}
	e := &Engine{opt: opt, log: opt.Logger, store: opt.Store, obs: opt.Observer,
		slots: make(chan struct{}, opt.MaxInFlight), actionSlots: make(chan struct{}, opt.MaxInFlight), stop: make(chan struct{}), swept: make(chan struct{}),
		refusals: newRefusals(), busyLog: rate.Sometimes{Interval: 10 * time.Second},
		storeLog: rate.Sometimes{Interval: 10 * time.Second}, repliers: map[string]Replier{}}
	e.hurry, e.hurryNow = context.WithCancelCause(context.Background())
	e.end, e.endNow = context.WithCancel(context.Background())
	if e.obs == nil {
		e.obs = nopObserver{}
	}
	if e.store == nil {
		e.store = NewMemoryStore()
	}
	go e.sweep()
	return e, nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// Pending is the number of requests waiting for confirmation, for
// metrics: as listed now, or when last listed if the store is down.
func (e *Engine) Pending() int {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if open, err := e.store.Open(ctx); err == nil {
		e.pending.Store(int64(len(open)))
	}
	return int(e.pending.Load())
}

// sweeper is implemented by stores that need a periodic sweep.
type sweeper interface{ Sweep() }

// sweep closes requests past their expiry, so that each is audited and its
// invoker told even if nobody clicks again, and writes the repeated
// refusals of windows that are over. It returns as soon as stop closes:
// the notices it started are waited for by Shutdown.
func (e *Engine) sweep() {
	defer close(e.swept)
	t := time.NewTicker(e.opt.SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
		}
		now := e.opt.Now()
		open, err := e.openRequests(context.Background())
		if err == nil {
			e.pending.Store(int64(len(open)))
		}
		for _, p := range open {
			if e.stopped() {
				return // Shutdown expires the rest
			}
			if !now.Before(p.ExpiresAt) {
				e.expire(p, expiredTimeLimit)
			}
		}
		e.writeRepeats(e.refusals.due(now))
		if s, ok := e.store.(sweeper); ok {
			s.Sweep()
		}
	}
}

func (e *Engine) stopped() bool {
	select {
	case <-e.stop:
		return true
	default:
		return false
	}
}

// poolFor picks the slots a command runs in: confirming or cancelling a
// request already made has slots of its own, so that under overload the
// bot finishes what it started instead of turning its confirmations away.
func (e *Engine) poolFor(kind commands.Kind, parseErr error) chan struct{} {
	if parseErr == nil && (kind == commands.Confirm || kind == commands.Cancel || kind == commands.Approve || kind == commands.Deny) {
		return e.actionSlots
	}
	return e.slots
}

// begin registers one unit of work in pool. Once Shutdown started, or
// with the pool full, it answers through c and returns false; otherwise
// the caller must call done with the same pool.
func (e *Engine) begin(ctx context.Context, c Conversation, platform string, pool chan struct{}) bool {
	e.mu.Lock()
	if e.closing {
		e.mu.Unlock()
		e.tell(ctx, c, Notice{Kind: NoticeError, Msg: i18n.M(i18n.Restarting)})
		return false
	}
	e.inflight.Add(1)
	e.mu.Unlock()
	if e.claimSlot(ctx, pool) {
		return true
	}
	e.inflight.Done()
	e.obs.Command(platform, "busy")
	e.busyLog.Do(func() {
		e.log.Warn("busy: too much work in flight; commands are being turned away", "max_in_flight", cap(pool))
	})
	e.tell(ctx, c, Notice{Kind: NoticeError, Msg: i18n.M(i18n.Busy)})
	return false
}

// actionWait is how long a confirm or cancel waits for a slot: finishing
// a request already prompted is worth a short queue, a new one is not.
const actionWait = 2 * time.Second

// claimSlot takes a slot in pool: at once for new commands, within
// actionWait for confirms and cancels.
func (e *Engine) claimSlot(ctx context.Context, pool chan struct{}) bool {
	select {
	case pool <- struct{}{}:
		return true
	default:
	}
	if pool != e.actionSlots {
		return false
	}
	t := time.NewTimer(actionWait)
	defer t.Stop()
	select {
	case pool <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	case <-e.stop:
	}
	return false
}

func (e *Engine) done(pool chan struct{}) {
	<-pool
	e.inflight.Done()
}

// Handle runs one chat command to its end: every outcome is told to the
// user through c, logged, and audited where the spec asks for it. Callers
// run it off their platform's event loop.
func (e *Engine) Handle(ctx context.Context, m Message, c Conversation) {
	parse := commands.Parse
	if m.ArgsOnly {
		parse = commands.ParseArgs
	}
	cmd, err := parse(m.Text, e.opt.Parse)
	pool := e.poolFor(cmd.Kind, err)
	if !e.begin(ctx, c, m.Platform, pool) {
		return
	}
	defer e.done(pool)
	if err != nil {
		e.obs.Command(m.Platform, "invalid")
		e.refuse(ctx, c, refusal{kind: malformed, platform: m.Platform, invoker: m.Invoker,
			notice: Notice{Kind: NoticeUsage, Msg: problemOf(err)},
			log:    func() { e.log.Info("malformed command", "platform", m.Platform, "invoker", m.Invoker, "problem", err) }})
		return
	}
	switch cmd.Kind {
	case commands.Confirm, commands.Cancel, commands.Approve, commands.Deny:
		a := Action{Platform: m.Platform, User: m.Invoker, Conversation: m.Conversation, Direct: m.Direct, Code: cmd.Code, Disable: cmd.Disable}
		e.act(ctx, cmd.Kind, a, c)
	case commands.Status, commands.History:
		e.lookBack(ctx, m, cmd, c)
	case commands.SignOut, commands.Enable:
		if len(cmd.Targets) > 1 {
			e.requestMany(ctx, m, cmd, c)
			return
		}
		e.request(ctx, m, cmd, c)
	default:
		e.obs.Command(m.Platform, "help")
		e.tell(ctx, c, Notice{Kind: NoticeUsage})
	}
}

// request handles "/signout <user> <reason>" up to the confirmation prompt.
func (e *Engine) request(ctx context.Context, m Message, cmd commands.Command, c Conversation) {
	rec := audit.Record{
		RequestID: newRequestID(), Platform: m.Platform, Invoker: m.Invoker, Conversation: m.Conversation,
		Target: cmd.Target.Value, TargetInput: cmd.Target.Input, Reason: cmd.Reason, DryRun: e.opt.DryRun,
	}
	log := e.log.With("request_id", rec.RequestID, "platform", m.Platform, "invoker", m.Invoker)

	if d := e.opt.Policy.MayInvoke(m.Platform, m.Invoker); !d.Allowed {
		e.deny(ctx, c, rec, log, i18n.M(i18n.NotAllowed, d.Reason), d.Code)
		return
	}
	target, problem := e.resolve(ctx, m, cmd.Target, log)
	if !problem.IsZero() {
		e.obs.Command(m.Platform, "unresolved")
		e.tell(ctx, c, Notice{Kind: NoticeError, RequestID: rec.RequestID, Msg: problem})
		return
	}
	rec.Target = target.UserID
	if why := e.twoPersonRefusal(m); !why.IsZero() {
		e.obs.Command(m.Platform, "refused")
		e.tell(ctx, c, Notice{Kind: NoticeRefused, RequestID: rec.RequestID, Msg: why})
		return
	}
	// Protected accounts are refused before anything more is asked of DingTalk.
	if d := e.opt.Policy.MayTarget(target.UserID); !d.Allowed {
		e.deny(ctx, c, rec, log, i18n.M(i18n.Refused, d.Reason), d.Code)
		return
	}
	if refusal, why := e.describe(ctx, &target, log); !refusal.IsZero() {
		e.deny(ctx, c, rec, log, refusal, why)
		return
	}
	rec.TargetName = target.Name

	now := e.opt.Now()
	p := Pending{
		RequestID: rec.RequestID, Platform: m.Platform, Invoker: m.Invoker, Conversation: m.Conversation,
		Target: target, TargetInput: cmd.Target.Input, Reason: cmd.Reason,
		CreatedAt: now, ExpiresAt: now.Add(e.opt.TTL), ReplyTo: m.ReplyTo, TwoPerson: e.opt.TwoPerson,
		Enable: cmd.Kind == commands.Enable,
	}
	// Stored before it is audited: a store that is down leaves nothing
	// half made, and a stored request is never shown before its record.
	if err := e.add(ctx, &p); err != nil {
		e.storeFailed(ctx, c, m.Platform, p.RequestID, "add", err, log)
		return
	}
	rec.Event = audit.Requested
	if !e.record(ctx, c, rec, log) {
		_, _ = e.move(ctx, p.Code, StatePending, StateAborted, log)
		return
	}
	e.obs.Command(m.Platform, "requested")
	log.Info("sign-out requested", "target", target.UserID, "via", cmd.Target.Kind.String(), "expires", p.ExpiresAt)
	prompt := p.prompt(e.opt.DryRun)
	if dup := e.duplicateWarning(ctx, p); !dup.IsZero() {
		prompt.Target.Warning = i18n.Sentences(prompt.Target.Warning, dup)
	}
	if err := c.Ask(ctx, prompt); err != nil {
		log.Error("could not show the confirmation prompt", "err", err)
	}
}

// duplicateWarning names the oldest other request still pending for p's
// target, from anyone on any platform: both prompts are shown (two
// responders must not block each other), but the later one says so, so
// that nobody confirms both by accident. It runs after p is stored, so of
// two concurrent requests the later always sees the earlier.
func (e *Engine) duplicateWarning(ctx context.Context, p Pending) i18n.Msg {
	open, _ := e.openRequests(ctx) // a store that is down was just reached; the warning is a courtesy
	var first *Pending
	for i, o := range open {
		if o.RequestID == p.RequestID || !o.names(p.Target.UserID) {
			continue
		}
		if first == nil || o.CreatedAt.Before(first.CreatedAt) {
			first = &open[i]
		}
	}
	if first == nil {
		return i18n.Msg{}
	}
	return i18n.M(i18n.WarnDuplicate, i18n.Raw(first.RequestID), first.Invoker, i18n.PlatformName(first.Platform))
}

// add stores p under a fresh code, drawing again on the rare collision.
func (e *Engine) add(ctx context.Context, p *Pending) error {
	var err error
	for range 5 {
		p.Code = newCode()
		sctx, cancel := context.WithTimeout(ctx, storeTimeout)
		err = e.store.Add(sctx, *p)
		cancel()
		if !errors.Is(err, ErrCodeTaken) {
			return err
		}
	}
	return err
}

func (p Pending) prompt(dryRun bool) Prompt {
	return Prompt{RequestID: p.RequestID, Code: p.Code, Target: p.Target, Targets: p.Targets, Skipped: p.Skipped, Reason: p.Reason, ExpiresAt: p.ExpiresAt, DryRun: dryRun,
		TwoPerson: p.TwoPerson, Requester: p.Invoker, Enable: p.Enable}
}

// deny audits and tells a refusal, within the invoker's limits.
func (e *Engine) deny(ctx context.Context, c Conversation, rec audit.Record, log *slog.Logger, text i18n.Msg, why string) {
	e.obs.Command(rec.Platform, "denied")
	rec.Event, rec.Detail = audit.Denied, why
	e.refuse(ctx, c, refusal{kind: refusedCommand, platform: rec.Platform, invoker: rec.Invoker, rec: &rec, auditLog: log,
		notice: Notice{Kind: NoticeRefused, RequestID: rec.RequestID, Msg: text},
		log:    func() { log.Warn("sign-out denied", "target", rec.Target, "why", why) }})
}

// refusal is one refused command or action, before the invoker's limits
// decide how much of it is logged, audited and said.
type refusal struct {
	kind              refusalKind
	platform, invoker string
	rec               *audit.Record // the denied record, for refusedCommand
	auditLog          *slog.Logger  // where a failed write of rec is logged
	notice            Notice
	log               func() // logs it as a lone refusal
}

// refuse logs, audits and answers a refusal: the first of its kind from an
// invoker in a window as it is, the repeats counted and written as one
// when the window is over.
func (e *Engine) refuse(ctx context.Context, c Conversation, r refusal) {
	v := e.refusals.note(r.kind, r.platform, r.invoker, r.rec, e.opt.Now())
	if v.ended != nil {
		e.writeRepeats([]refusalSummary{*v.ended})
	}
	if v.first {
		r.log()
		if r.rec != nil && !e.record(ctx, c, *r.rec, r.auditLog) {
			return
		}
	}
	switch v.answer {
	case answerFully:
		e.tell(ctx, c, r.notice)
	case answerTooMany:
		e.log.Warn("invoker rate limited: further refusals are not answered for a while", "platform", r.platform, "invoker", r.invoker)
		e.tell(ctx, c, Notice{Kind: NoticeRefused, Msg: i18n.M(i18n.TooMany)})
	}
}

// writeRepeats logs and audits the repeated refusals of windows that are
// over. There is nobody to tell if the write fails: it is logged.
func (e *Engine) writeRepeats(repeats []refusalSummary) {
	for _, s := range repeats {
		if s.counts[refusedCommand] > 0 {
			rec := s.record()
			rec.DryRun = e.opt.DryRun
			if err := e.opt.Audit.Write(rec); err != nil {
				e.obs.AuditFailure()
				e.log.Error("audit write failed", "event", rec.Event, "count", rec.Count, "invoker", s.invoker, "err", err)
			}
		}
		e.log.Warn("repeated refusals", "platform", s.platform, "invoker", s.invoker,
			"since", s.since, "until", s.until, "denied", s.counts[refusedCommand],
			"wrong_codes", s.counts[wrongCode], "malformed", s.counts[malformed])
	}
}

// record writes rec. On failure it tells the user that nothing will be
// done and returns false: the flow fails closed.
func (e *Engine) record(ctx context.Context, c Conversation, rec audit.Record, log *slog.Logger) bool {
	rec.DryRun = e.opt.DryRun
	if err := e.opt.Audit.Write(rec); err != nil {
		e.obs.AuditFailure()
		log.Error("audit write failed; refusing to go on", "event", rec.Event, "err", err)
		e.tell(ctx, c, Notice{Kind: NoticeError, RequestID: rec.RequestID,
			Msg: i18n.M(i18n.AuditFailed)})
		return false
	}
	return true
}

// tell says n through c; it gives up at the end of a shutdown at the latest.
func (e *Engine) tell(ctx context.Context, c Conversation, n Notice) {
	ctx, cancel := e.bounded(ctx, 0)
	defer cancel()
	if err := c.Tell(ctx, n); err != nil {
		e.log.Error("could not reply", "request_id", n.RequestID, "err", err)
	}
}

// resolve turns the typed target into a DingTalk userId, or a problem to tell.
func (e *Engine) resolve(ctx context.Context, m Message, t commands.Target, log *slog.Logger) (Target, i18n.Msg) {
	var target Target
	switch t.Kind {
	case commands.UserID:
		target.UserID = t.Value
	case commands.Mobile:
		if e.opt.Directory == nil {
			return target, i18n.M(i18n.NoDirectory, t.Input)
		}
		lctx, cancel := context.WithTimeout(ctx, e.opt.LookupTimeout)
		id, err := e.opt.Directory.UserIDByMobile(lctx, t.Value)
		cancel()
		if errors.Is(err, ErrNotFound) {
			return target, i18n.M(i18n.NoSuchMobile, t.Input)
		}
		var amb *AmbiguousMobileError
		if errors.As(err, &amb) {
			return target, e.ambiguousMobile(ctx, t.Input, amb, log)
		}
		if err != nil {
			log.Warn("mobile lookup failed", "err", err)
			return target, i18n.M(i18n.MobileLookupFailed, t.Input, Explain(err))
		}
		target.UserID, target.Via = id, i18n.M(i18n.ViaMobile, t.Input)
	case commands.Mention:
		id, problem := bindMention(t, m)
		if !problem.IsZero() {
			log.Info("@mention target not bound to the mention data; refused", "target", t.Value,
				"mention_words", m.MentionWords, "mentions", len(m.Mentions))
			return target, problem
		}
		target.UserID, target.Via = id, i18n.M(i18n.ViaMention, t.Value)
	}
	return target, i18n.Msg{}
}

// describe adds the name and warnings DingTalk knows. It refuses (returns
// the text to tell and why) a target DingTalk knows by another userId, so
// that the policy checks, and the API is called with, DingTalk's own id.
// Any other failure never blocks the flow: the prompt then shows the bare
// userId, which was already checked against the protected accounts.
func (e *Engine) describe(ctx context.Context, t *Target, log *slog.Logger) (refusal i18n.Msg, why string) {
	if e.opt.Directory == nil {
		return i18n.Msg{}, ""
	}
	lctx, cancel := context.WithTimeout(ctx, e.opt.LookupTimeout)
	defer cancel()
	u, err := e.opt.Directory.Person(lctx, t.UserID)
	if mm, ok := asMismatch(err); ok {
		return e.mismatch(*t, mm)
	}
	switch {
	case errors.Is(err, ErrNotFound):
		t.Warning = i18n.M(i18n.WarnUnknownUserID)
	case err != nil:
		log.Warn("user lookup failed; showing the bare userId", "target", t.UserID, "err", err)
	default:
		t.UserID, t.Name, t.Title = u.UserID, u.Name, u.Title
		if !u.Enterprise {
			t.Warning = i18n.M(i18n.WarnNotEnterprise)
		}
	}
	t.Account = e.accountState(ctx, t.UserID, log)
	return i18n.Msg{}, ""
}

// noAnswer reports a call whose outcome is unknown: it may have taken
// effect without its answer arriving.
func noAnswer(err error) bool {
	return errors.Is(err, ErrNoAnswer) || errors.Is(err, context.DeadlineExceeded)
}

// Explain says in words what went wrong in a DingTalk call.
func Explain(err error) i18n.Msg {
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr) && !apiErr.Explanation.IsZero():
		return apiErr.Explanation
	case noAnswer(err):
		return i18n.M(i18n.NoAnswer)
	case errors.Is(err, context.Canceled):
		return i18n.M(i18n.CallCancelled)
	}
	return i18n.Plain(err.Error())
}

// problemOf is a command's syntax problem as a message.
func problemOf(err error) i18n.Msg {
	var se *commands.SyntaxError
	if errors.As(err, &se) {
		return se.Problem
	}
	return i18n.Plain(err.Error())
}
