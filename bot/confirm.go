package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/commands"
)

// Confirm handles a confirmation (a button click or a typed code).
func (e *Engine) Confirm(ctx context.Context, a Action, c Conversation) {
	e.runAction(ctx, commands.Confirm, a, c)
}

// Cancel handles a cancellation.
func (e *Engine) Cancel(ctx context.Context, a Action, c Conversation) {
	e.runAction(ctx, commands.Cancel, a, c)
}

func (e *Engine) runAction(ctx context.Context, kind commands.Kind, a Action, c Conversation) {
	if !e.begin(ctx, c, a.Platform, e.actionSlots) {
		return
	}
	defer e.done(e.actionSlots)
	e.act(ctx, kind, a, c)
}

// act checks an action against its pending request and, if everything
// holds, claims the request (one-shot) and carries the action out.
func (e *Engine) act(ctx context.Context, kind commands.Kind, a Action, c Conversation) {
	log := e.log.With("platform", a.Platform, "user", a.User, "action", kind.String())
	p, state, err := e.get(ctx, a.Code)
	if err != nil && !domainError(err) {
		e.storeFailed(ctx, c, a.Platform, "", "get", err, log)
		return
	}
	if err != nil || !e.mayKnow(a, p) {
		e.unknownCode(ctx, c, a, err == nil, log)
		return
	}
	log = log.With("request_id", p.RequestID)
	if why := e.checkAction(a, p); why != "" {
		e.obs.Command(a.Platform, "refused")
		e.refuse(ctx, c, refusal{kind: wrongCode, platform: a.Platform, invoker: a.User,
			notice: Notice{Kind: NoticeRefused, RequestID: p.RequestID, Text: why},
			log:    func() { log.Warn("action refused", "why", why) }})
		return
	}
	if state != StatePending {
		e.tellClosed(ctx, c, p, state)
		return
	}
	rec := p.record()
	if kind == commands.Confirm {
		if d := e.opt.Policy.MayInvoke(a.Platform, a.User); !d.Allowed {
			e.deny(ctx, c, rec, log, "You may no longer sign people out: "+d.Reason+".", d.Reason)
			return
		}
		if d := e.opt.Policy.MayTarget(p.Target.UserID); !d.Allowed {
			e.deny(ctx, c, rec, log, "Refused: "+d.Reason+".", d.Reason)
			return
		}
	}
	if !e.opt.Now().Before(p.ExpiresAt) {
		e.closeAs(ctx, c, p, StateExpired, log)
		return
	}
	if kind == commands.Cancel {
		e.closeAs(ctx, c, p, StateCancelled, log)
		return
	}
	e.confirm(ctx, c, p, log)
}

// mayKnow reports whether a's sender may learn anything about p: its
// invoker may, and so may whoever is on the allow-list. To anyone else a
// live code looks exactly like an unknown one, so that guessing codes
// tells nothing (who asked, the request id, that it exists).
func (e *Engine) mayKnow(a Action, p Pending) bool {
	if a.Platform == p.Platform && a.User == p.Invoker {
		return true
	}
	return e.opt.Policy.MayInvoke(a.Platform, a.User).Allowed
}

// unknownCode answers a code that is unknown, or not the sender's to know
// (exists): the same answer either way, within the sender's limits.
func (e *Engine) unknownCode(ctx context.Context, c Conversation, a Action, exists bool, log *slog.Logger) {
	e.obs.Command(a.Platform, "unknown_code")
	logIt := func() { log.Info("action on an unknown code", "code", a.Code) }
	if exists {
		logIt = func() {
			log.Warn("action on another's request by someone not on the allow-list; answered as an unknown code", "code", a.Code)
		}
	}
	e.refuse(ctx, c, refusal{kind: wrongCode, platform: a.Platform, invoker: a.User, log: logIt,
		notice: Notice{Kind: NoticeRefused, Text: e.unknownCodeText(ctx, a)}})
}

// unknownCodeText answers an unknown code. An allowed sender with requests
// pending is shown their own codes (a mistyped code is not a reason to ask
// again); anyone else gets the one answer that tells nothing.
func (e *Engine) unknownCodeText(ctx context.Context, a Action) string {
	var own []string
	if e.opt.Policy.MayInvoke(a.Platform, a.User).Allowed {
		own = e.pendingCodes(ctx, a.Platform, a.User)
	}
	switch len(own) {
	case 0:
		return fmt.Sprintf("No pending request has code %s. It may have expired, or the bot restarted since; run /signout again.", a.Code)
	case 1:
		return fmt.Sprintf("No pending request has code %s; you have one pending: %s.", a.Code, own[0])
	default:
		return fmt.Sprintf("No pending request has code %s; you have %d pending: %s.", a.Code, len(own), strings.Join(own, ", "))
	}
}

// pendingCodes lists the codes of user's open requests, oldest first.
func (e *Engine) pendingCodes(ctx context.Context, platform, user string) []string {
	open, _ := e.openRequests(ctx) // logged; without the list the answer just names none
	var mine []Pending
	for _, p := range open {
		if p.Platform == platform && p.Invoker == user {
			mine = append(mine, p)
		}
	}
	slices.SortFunc(mine, func(x, y Pending) int {
		return cmp.Or(x.CreatedAt.Compare(y.CreatedAt), strings.Compare(x.Code, y.Code))
	})
	codes := make([]string, len(mine))
	for i, p := range mine {
		codes[i] = p.Code
	}
	return codes
}

// checkAction returns why a (wrong) person or place may not act on p.
// Such attempts do not consume the request.
func (e *Engine) checkAction(a Action, p Pending) string {
	if a.Platform != p.Platform || a.User != p.Invoker {
		return fmt.Sprintf("Only %s, who asked for request %s, can confirm or cancel it.", p.Invoker, p.RequestID)
	}
	if a.Conversation != p.Conversation && !a.Direct {
		return fmt.Sprintf("Request %s belongs to another conversation: confirm it there, or in a direct chat with the bot.", p.RequestID)
	}
	return ""
}

func (e *Engine) tellClosed(ctx context.Context, c Conversation, p Pending, s State) {
	e.obs.Command(p.Platform, "already_"+s.String())
	var text string
	switch s {
	case StateConfirmed:
		text = fmt.Sprintf("Request %s was already confirmed; it runs only once.", p.RequestID)
	case StateCancelled:
		text = fmt.Sprintf("Request %s was cancelled; nothing was done. Run /signout again if needed.", p.RequestID)
	case StateAborted:
		text = fmt.Sprintf("Request %s was stopped before it ran (the audit log or the state store failed); nothing was done. Run /signout again.", p.RequestID)
	default:
		text = fmt.Sprintf("Request %s has expired; nothing was done. Run /signout again.", p.RequestID)
	}
	e.tell(ctx, c, Notice{Kind: NoticeRefused, RequestID: p.RequestID, Text: text})
}

// closeAs claims p as cancelled or expired, audits it and says so.
func (e *Engine) closeAs(ctx context.Context, c Conversation, p Pending, to State, log *slog.Logger) {
	if _, err := e.move(ctx, p.Code, StatePending, to, log); err != nil {
		e.lostClaim(ctx, c, p, err, log)
		return
	}
	event, text := audit.Cancelled, fmt.Sprintf("Cancelled request %s; nothing was done.", p.RequestID)
	if to == StateExpired {
		event, text = audit.Expired, fmt.Sprintf("Request %s has expired; nothing was done. Run /signout again.", p.RequestID)
	}
	e.obs.Command(p.Platform, event)
	log.Info("request closed", "state", to.String())
	rec := p.record()
	rec.Event = event
	if !e.record(ctx, c, rec, log) {
		return
	}
	e.tell(ctx, c, Notice{Kind: NoticeClosed, RequestID: p.RequestID, Text: text})
}

// lostClaim answers a move that did not happen: someone else moved the
// request first, or the store could not be reached.
func (e *Engine) lostClaim(ctx context.Context, c Conversation, p Pending, err error, log *slog.Logger) {
	var se *StateError
	switch {
	case errors.As(err, &se):
		e.tellClosed(ctx, c, p, se.State)
	case errors.Is(err, ErrUnknown):
		e.tellClosed(ctx, c, p, StateExpired)
	default:
		e.storeFailed(ctx, c, p.Platform, p.RequestID, "claim", err, log)
	}
}

// confirm claims p, audits the confirmation (failing closed), signs the
// target out and reports the result where the command was given.
func (e *Engine) confirm(ctx context.Context, c Conversation, p Pending, log *slog.Logger) {
	if _, err := e.move(ctx, p.Code, StatePending, StateConfirmed, log); err != nil {
		if !domainError(err) {
			// The claim may have been made before the store went away:
			// make sure nobody can take it as a sign-out that ran.
			_, _ = e.move(ctx, p.Code, StateConfirmed, StateAborted, log)
		}
		e.lostClaim(ctx, c, p, err, log)
		return
	}
	e.obs.Command(p.Platform, "confirmed")
	rec := p.record()
	rec.Event = audit.Confirmed
	if !e.record(ctx, c, rec, log) {
		_, _ = e.move(ctx, p.Code, StateConfirmed, StateAborted, log)
		return
	}
	e.tell(ctx, c, Notice{Kind: NoticeProgress, RequestID: p.RequestID, Text: "Signing out " + TargetLabel(p.Target) + "…"})

	res := e.signOut(ctx, p, log)

	rec.Event, rec.Time = audit.Succeeded, time.Time{}
	if e.opt.DryRun {
		rec.Event = audit.DryRunDone
	}
	if !res.OK {
		rec.Event, rec.Detail, rec.Code, rec.DingTalkRequestID = audit.Failed, res.Problem, res.Code, res.DingTalkRequestID
	}
	rec.DryRun = e.opt.DryRun
	if err := e.opt.Audit.Write(rec); err != nil {
		e.obs.AuditFailure()
		res.AuditFailed = true
		log.Error("audit write failed after the sign-out", "event", rec.Event, "err", err)
	}
	e.announce(ctx, c, p, res, log)
}

// signOut runs the sign-out. It outlives the caller's context, so that a
// shutdown lets it finish, bounded by SignOutTimeout and by the point where
// Shutdown gives up on it (then its outcome is unknown).
func (e *Engine) signOut(ctx context.Context, p Pending, log *slog.Logger) Result {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.opt.SignOutTimeout)
	defer cancel()
	hctx, hcancel := context.WithCancelCause(sctx)
	defer hcancel(nil)
	defer context.AfterFunc(e.hurry, func() { hcancel(context.Cause(e.hurry)) })()
	return e.execute(hctx, p, log)
}

// announce posts the result where the command was given, or else tells
// the confirmer; it too outlives the caller's context.
func (e *Engine) announce(ctx context.Context, c Conversation, p Pending, res Result, log *slog.Logger) {
	actx, cancel := e.bounded(context.WithoutCancel(ctx), e.opt.SignOutTimeout)
	defer cancel()
	if err := e.announceTo(actx, p.ReplyTo, res); err != nil {
		log.Error("could not post the result where the command was given; telling the confirmer", "err", err)
		e.tell(context.WithoutCancel(ctx), c, Notice{Kind: NoticeError, RequestID: p.RequestID, Text: ResultText(res)})
	}
}

// expiryReplyTimeout bounds each expiry notice: nobody waits for it.
const expiryReplyTimeout = 5 * time.Second

// bounded derives a context that ends after d (if d > 0), or when a
// shutdown's budget is over, whichever comes first.
func (e *Engine) bounded(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	var ctx context.Context
	var cancel context.CancelFunc
	if d > 0 {
		ctx, cancel = context.WithTimeout(parent, d)
	} else {
		ctx, cancel = context.WithCancel(parent)
	}
	stop := context.AfterFunc(e.end, cancel)
	return ctx, func() { stop(); cancel() }
}

// execute calls DingTalk (or, in a dry run, doesn't).
func (e *Engine) execute(ctx context.Context, p Pending, log *slog.Logger) Result {
	res := Result{RequestID: p.RequestID, Platform: p.Platform, Invoker: p.Invoker, Target: p.Target, Reason: p.Reason, DryRun: e.opt.DryRun}
	if e.opt.DryRun {
		res.OK = true
		e.obs.SignOut("dry_run", 0)
		log.Info("dry run: sign-out not sent", "target", p.Target.UserID)
		return res
	}
	start := time.Now()
	err := e.opt.SignOuter.SignOut(ctx, p.Target.UserID, p.Reason, e.opt.EmployeeMessage)
	took := time.Since(start).Seconds()
	if err == nil {
		res.OK = true
		e.obs.SignOut("succeeded", took)
		log.Info("signed out", "target", p.Target.UserID, "seconds", took)
		return res
	}
	e.obs.SignOut("failed", took)
	res.Problem = Explain(err)
	if errors.Is(context.Cause(ctx), errGaveUp) {
		res.Problem = "the bot was stopping and DingTalk had not answered in time"
	}
	if noAnswer(err) || ctx.Err() != nil {
		// Signing out again is harmless, so say so rather than guess.
		res.Problem += "; it is not known whether the sign-out took effect, so run /signout again"
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		res.Code, res.DingTalkRequestID = apiErr.Code, apiErr.RequestID
	}
	log.Error("sign-out failed", "target", p.Target.UserID, "err", err)
	return res
}

func (p Pending) record() audit.Record {
	return audit.Record{
		RequestID: p.RequestID, Platform: p.Platform, Invoker: p.Invoker, Conversation: p.Conversation,
		Target: p.Target.UserID, TargetName: p.Target.Name, TargetInput: p.TargetInput, Reason: p.Reason,
	}
}

// expire claims p as expired, audits it and tells its invoker in the
// background (Shutdown waits for that). The audit record is written before
// anything that could hang.
func (e *Engine) expire(p Pending, why string) {
	log := e.log.With("request_id", p.RequestID)
	if _, err := e.move(context.Background(), p.Code, StatePending, StateExpired, log); err != nil {
		return // confirmed, cancelled or expired by someone else, or the store is down (logged)
	}
	e.obs.Command(p.Platform, "expired")
	rec := p.record()
	rec.Event, rec.Detail, rec.DryRun = audit.Expired, why, e.opt.DryRun
	log.Info("request expired", "why", why)
	if err := e.opt.Audit.Write(rec); err != nil {
		e.obs.AuditFailure()
		log.Error("audit write failed", "event", rec.Event, "err", err)
	}
	e.replies.Add(1)
	go func() {
		defer e.replies.Done()
		ctx, cancel := context.WithTimeout(context.Background(), expiryReplyTimeout)
		defer cancel()
		c, err := e.replyTo(p.ReplyTo)
		if err != nil {
			log.Error("could not tell the invoker that their request expired", "err", err)
			return
		}
		e.tell(ctx, c, Notice{Kind: NoticeClosed, RequestID: p.RequestID,
			Text: fmt.Sprintf("Request %s to sign out %s expired (%s); nothing was done.", p.RequestID, TargetLabel(p.Target), why)})
	}()
}

// errGaveUp is why a sign-out still running late in a shutdown is stopped.
var errGaveUp = errors.New("shutdown: gave up waiting for the sign-out")

const stoppedWhy = "the bot stopped before it was confirmed"

// Shutdown stops taking commands and closes everything within ctx's
// deadline, its one budget:
//   - at once, the requests still pending are audited as expired and
//     their invokers told, in parallel, each reply bounded;
//   - a confirmed sign-out in flight completes, is audited and reported;
//     one still running when most of the budget is gone is stopped and
//     audited as failed with an unknown outcome, then reported;
//   - repeated refusals not yet written are written.
//
// It returns ctx's error if something outlived ctx; whatever still waits
// on a chat platform then is cut off.
func (e *Engine) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	already := e.closing
	e.closing = true
	e.mu.Unlock()
	if already {
		return nil
	}
	defer e.endNow()
	defer e.hurryNow(errGaveUp)
	defer context.AfterFunc(ctx, e.endNow)()
	close(e.stop)
	<-e.swept

	e.expireOpen()
	err := e.drain(ctx)
	e.expireOpen() // requests whose prompt was still being made
	e.writeRepeats(e.refusals.close())
	return errors.Join(err, e.waitReplies(ctx))
}

// expireOpen expires the requests still pending, unless they are in a
// shared store: another replica, or this one after its restart, serves
// them there.
func (e *Engine) expireOpen() {
	if e.store.Shared() {
		return
	}
	open, _ := e.openRequests(context.Background())
	for _, p := range open {
		e.expire(p, stoppedWhy)
	}
}

// drain waits for the work in flight. Near the end of ctx's budget it
// stops the sign-outs still running, keeping the rest of the budget for
// their audit records and reports.
func (e *Engine) drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() { e.inflight.Wait(); close(done) }()
	var giveUp <-chan time.Time
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		t := time.NewTimer(left - min(left*3/10, 3*time.Second))
		defer t.Stop()
		giveUp = t.C
	}
	select {
	case <-done:
		return nil
	case <-giveUp:
		e.log.Warn("shutdown: stopping sign-outs still in flight; their outcome will be unknown")
		e.hurryNow(errGaveUp)
	case <-ctx.Done():
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		e.log.Error("shutdown: work in flight did not finish in time")
		return fmt.Errorf("shutdown: work in flight: %w", ctx.Err())
	}
}

func (e *Engine) waitReplies(ctx context.Context) error {
	done := make(chan struct{})
	go func() { e.replies.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		e.log.Error("shutdown: some expiry notices were not delivered in time")
		return fmt.Errorf("shutdown: expiry notices: %w", ctx.Err())
	}
}
