package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/dingtalk"
)

// Options configures an Engine. Policy and Audit are required; SignOuter
// is required unless DryRun.
type Options struct {
	Policy    *authz.Policy
	Directory Directory // nil: targets by userId only, no names
	SignOuter SignOuter
	Audit     Auditor
	Store     Store    // nil: a MemoryStore
	Observer  Observer // nil: none

	TTL             time.Duration
	DryRun          bool
	EmployeeMessage map[string]string
	Parse           commands.Options

	LookupTimeout  time.Duration // per directory lookup; default 5s
	SignOutTimeout time.Duration // for the sign-out with its retries; default 30s
	SweepInterval  time.Duration // how often requests past their TTL are closed; default TTL/4, within 100ms..5s
	Logger         *slog.Logger
	Now            func() time.Time
}

// Engine runs the sign-out flow. Its methods are safe for concurrent use.
type Engine struct {
	opt   Options
	log   *slog.Logger
	store Store
	obs   Observer

	mu       sync.Mutex
	closing  bool
	inflight sync.WaitGroup
	stop     chan struct{}
	swept    chan struct{}
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
	// Expiry is noticed within a quarter of the TTL, at most 5 s late.
	setDefault(&opt.SweepInterval, min(max(opt.TTL/4, 100*time.Millisecond), 5*time.Second))
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	e := &Engine{opt: opt, log: opt.Logger, store: opt.Store, obs: opt.Observer,
		stop: make(chan struct{}), swept: make(chan struct{})}
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

// Pending is the number of requests waiting for confirmation, for metrics.
func (e *Engine) Pending() int { return len(e.store.Open()) }

// sweeper is implemented by stores that need a periodic sweep.
type sweeper interface{ Sweep() }

// sweep closes requests past their expiry, so that each is audited and its
// invoker told even if nobody clicks again.
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
		for _, p := range e.store.Open() {
			if !now.Before(p.ExpiresAt) {
				if _, err := e.store.Close(p.Code, StateExpired); err == nil {
					e.expire(context.Background(), p, "no confirmation within the time limit")
				}
			}
		}
		if s, ok := e.store.(sweeper); ok {
			s.Sweep()
		}
	}
}

// begin registers one unit of work, or refuses it once Shutdown started.
func (e *Engine) begin() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return false
	}
	e.inflight.Add(1)
	return true
}

const restartingText = "signout-bot is restarting; try again in a minute."

// Handle runs one chat command to its end: every outcome is told to the
// user through c, logged, and audited where the spec asks for it. Callers
// run it off their platform's event loop.
func (e *Engine) Handle(ctx context.Context, m Message, c Conversation) {
	if !e.begin() {
		e.tell(ctx, c, Notice{Kind: NoticeError, Text: restartingText})
		return
	}
	defer e.inflight.Done()

	parse := commands.Parse
	if m.ArgsOnly {
		parse = commands.ParseArgs
	}
	cmd, err := parse(m.Text, e.opt.Parse)
	if err != nil {
		e.obs.Command(m.Platform, "invalid")
		e.log.Info("malformed command", "platform", m.Platform, "invoker", m.Invoker, "problem", err)
		e.tell(ctx, c, Notice{Kind: NoticeUsage, Text: err.Error() + "\n\n" + commands.Usage})
		return
	}
	switch cmd.Kind {
	case commands.Confirm, commands.Cancel:
		a := Action{Platform: m.Platform, User: m.Invoker, Conversation: m.Conversation, Direct: m.Direct, Code: cmd.Code}
		e.act(ctx, cmd.Kind, a, c)
	case commands.SignOut:
		e.request(ctx, m, cmd, c)
	default:
		e.obs.Command(m.Platform, "help")
		e.tell(ctx, c, Notice{Kind: NoticeUsage, Text: commands.Usage})
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
		e.deny(ctx, c, rec, log, "You may not sign people out: "+d.Reason+". Ask the security team to add you.", d.Reason)
		return
	}
	target, problem := e.resolve(ctx, m, cmd.Target, log)
	if problem != "" {
		e.obs.Command(m.Platform, "unresolved")
		e.tell(ctx, c, Notice{Kind: NoticeError, RequestID: rec.RequestID, Text: problem})
		return
	}
	rec.Target = target.UserID
	// Protected accounts are refused before anything more is asked of DingTalk.
	if d := e.opt.Policy.MayTarget(target.UserID); !d.Allowed {
		e.deny(ctx, c, rec, log, "Refused: "+d.Reason+".", d.Reason)
		return
	}
	if refusal, why := e.describe(ctx, &target, log); refusal != "" {
		e.deny(ctx, c, rec, log, refusal, why)
		return
	}
	rec.TargetName = target.Name

	now := e.opt.Now()
	p := &Pending{
		RequestID: rec.RequestID, Platform: m.Platform, Invoker: m.Invoker, Conversation: m.Conversation,
		Target: target, TargetInput: cmd.Target.Input, Reason: cmd.Reason,
		CreatedAt: now, ExpiresAt: now.Add(e.opt.TTL), reply: c,
	}
	rec.Event = audit.Requested
	if !e.record(ctx, c, rec, log) {
		return
	}
	if err := e.add(p); err != nil {
		log.Error("could not store the pending request", "err", err)
		e.tell(ctx, c, Notice{Kind: NoticeError, RequestID: p.RequestID, Text: "Internal error: the request could not be stored; nothing will be done. Try again."})
		return
	}
	e.obs.Command(m.Platform, "requested")
	log.Info("sign-out requested", "target", target.UserID, "via", target.Via, "expires", p.ExpiresAt)
	if err := c.Ask(ctx, p.prompt(e.opt.DryRun)); err != nil {
		log.Error("could not show the confirmation prompt", "err", err)
	}
}

// add stores p under a fresh code, drawing again on the rare collision.
func (e *Engine) add(p *Pending) error {
	var err error
	for range 5 {
		p.Code = newCode()
		if err = e.store.Add(p); !errors.Is(err, ErrCodeTaken) {
			return err
		}
	}
	return err
}

func (p *Pending) prompt(dryRun bool) Prompt {
	return Prompt{RequestID: p.RequestID, Code: p.Code, Target: p.Target, Reason: p.Reason, ExpiresAt: p.ExpiresAt, DryRun: dryRun}
}

// deny audits and tells a refusal.
func (e *Engine) deny(ctx context.Context, c Conversation, rec audit.Record, log *slog.Logger, text, why string) {
	e.obs.Command(rec.Platform, "denied")
	log.Warn("sign-out denied", "target", rec.Target, "why", why)
	rec.Event, rec.Detail = audit.Denied, why
	if !e.record(ctx, c, rec, log) {
		return
	}
	e.tell(ctx, c, Notice{Kind: NoticeRefused, RequestID: rec.RequestID, Text: text})
}

// record writes rec. On failure it tells the user that nothing will be
// done and returns false: the flow fails closed.
func (e *Engine) record(ctx context.Context, c Conversation, rec audit.Record, log *slog.Logger) bool {
	rec.DryRun = e.opt.DryRun
	if err := e.opt.Audit.Write(rec); err != nil {
		e.obs.AuditFailure()
		log.Error("audit write failed; refusing to go on", "event", rec.Event, "err", err)
		e.tell(ctx, c, Notice{Kind: NoticeError, RequestID: rec.RequestID,
			Text: "Nothing was done: the audit log could not be written. Tell the bot's operators; try again once it is fixed."})
		return false
	}
	return true
}

func (e *Engine) tell(ctx context.Context, c Conversation, n Notice) {
	if err := c.Tell(ctx, n); err != nil {
		e.log.Error("could not reply", "request_id", n.RequestID, "err", err)
	}
}

// resolve turns the typed target into a DingTalk userId, or a problem to tell.
func (e *Engine) resolve(ctx context.Context, m Message, t commands.Target, log *slog.Logger) (Target, string) {
	var target Target
	switch t.Kind {
	case commands.UserID:
		target.UserID = t.Value
	case commands.Mobile:
		if e.opt.Directory == nil {
			return target, fmt.Sprintf("Can't look up mobile %s: no DingTalk credentials are configured (dry run). Give the DingTalk userId instead.", t.Input)
		}
		lctx, cancel := context.WithTimeout(ctx, e.opt.LookupTimeout)
		id, err := e.opt.Directory.UserIDByMobile(lctx, t.Value)
		cancel()
		if errors.Is(err, dingtalk.ErrNotFound) {
			return target, fmt.Sprintf("DingTalk has no user with mobile %s. Check the number, or give the userId.", t.Input)
		}
		var amb *dingtalk.AmbiguousMobileError
		if errors.As(err, &amb) {
			return target, e.ambiguousMobile(ctx, t.Input, amb, log)
		}
		if err != nil {
			log.Warn("mobile lookup failed", "err", err)
			return target, fmt.Sprintf("Could not look up mobile %s in DingTalk: %s. Nothing was done.", t.Input, Explain(err))
		}
		target.UserID, target.Via = id, "mobile "+t.Input
	case commands.Mention:
		id, problem := bindMention(t, m)
		if problem != "" {
			log.Info("@mention target not bound to the mention data; refused", "target", t.Value,
				"mention_words", m.MentionWords, "mentions", len(m.Mentions))
			return target, problem
		}
		target.UserID, target.Via = id, "mention "+t.Value
	}
	return target, ""
}

// describe adds the name and warnings DingTalk knows. It refuses (returns
// the text to tell and why) a target DingTalk knows by another userId, so
// that the policy checks, and the API is called with, DingTalk's own id.
// Any other failure never blocks the flow: the prompt then shows the bare
// userId, which was already checked against the protected accounts.
func (e *Engine) describe(ctx context.Context, t *Target, log *slog.Logger) (refusal, why string) {
	if e.opt.Directory == nil {
		return "", ""
	}
	lctx, cancel := context.WithTimeout(ctx, e.opt.LookupTimeout)
	defer cancel()
	u, err := e.opt.Directory.User(lctx, t.UserID)
	if mm, ok := asMismatch(err); ok {
		return e.mismatch(*t, mm)
	}
	switch {
	case errors.Is(err, dingtalk.ErrNotFound):
		t.Warning = "DingTalk does not know this userId; the sign-out will likely fail."
	case err != nil:
		log.Warn("user lookup failed; showing the bare userId", "target", t.UserID, "err", err)
	default:
		t.UserID, t.Name, t.Title = u.UserID, u.Name, u.Title
		if !u.Exclusive {
			t.Warning = "DingTalk says this is not an Enterprise Account; it may refuse the sign-out."
		}
	}
	return "", ""
}

// noAnswer reports a call whose outcome is unknown: it may have taken
// effect without its answer arriving.
func noAnswer(err error) bool {
	return errors.Is(err, dingtalk.ErrNoResponse) || errors.Is(err, context.DeadlineExceeded)
}

// Explain says in words what went wrong in a DingTalk call.
func Explain(err error) string {
	var apiErr *dingtalk.APIError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Explain()
	case noAnswer(err):
		return "DingTalk did not answer (network error or timeout)"
	case errors.Is(err, context.Canceled):
		return "the request was cancelled"
	}
	return err.Error()
}
