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
	"github.com/signout-bot/signout-bot/i18n"
)

// Confirm handles a confirmation (a button click or a typed code).
func (e *Engine) Confirm(ctx context.Context, a Action, c Conversation) {
	e.runAction(ctx, commands.Confirm, a, c)
}

// Cancel handles a cancellation.
func (e *Engine) Cancel(ctx context.Context, a Action, c Conversation) {
	e.runAction(ctx, commands.Cancel, a, c)
}

// Approve handles an approval of a two-person request by a second person.
func (e *Engine) Approve(ctx context.Context, a Action, c Conversation) {
	e.runAction(ctx, commands.Approve, a, c)
}

// Deny handles a denial of a two-person request, or its withdrawal by the
// requester.
func (e *Engine) Deny(ctx context.Context, a Action, c Conversation) {
	e.runAction(ctx, commands.Deny, a, c)
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
	if why := e.checkAction(kind, a, p); !why.IsZero() {
		e.obs.Command(a.Platform, "refused")
		e.refuse(ctx, c, refusal{kind: wrongCode, platform: a.Platform, invoker: a.User,
			notice: Notice{Kind: NoticeRefused, RequestID: p.RequestID, Msg: why},
			log:    func() { log.Warn("action refused", "why", why) }})
		return
	}
	if state != StatePending {
		e.tellClosed(ctx, c, p, state)
		return
	}
	if kind == commands.Confirm || kind == commands.Approve {
		// The requester must still be allowed, and the target still not
		// protected, when the sign-out is let go.
		rec := p.record()
		if d := e.opt.Policy.MayInvoke(p.Platform, p.Invoker); !d.Allowed {
			text := i18n.M(i18n.NoLongerAllowed, d.Reason)
			if kind == commands.Approve {
				text, rec.Approver = i18n.M(i18n.RequesterNotAllowed, p.Invoker, d.Reason), a.User
			}
			e.deny(ctx, c, rec, log, text, d.Code)
			return
		}
		// A list's targets are checked one by one when their turn comes.
		if d := e.opt.Policy.MayTarget(p.Target.UserID); !d.Allowed && len(p.Targets) == 0 {
			e.deny(ctx, c, rec, log, i18n.M(i18n.Refused, d.Reason), d.Code)
			return
		}
	}
	if !e.opt.Now().Before(p.ExpiresAt) {
		e.closeAs(ctx, c, p, StateExpired, log)
		return
	}
	switch {
	case kind == commands.Deny || (kind == commands.Cancel && p.TwoPerson):
		e.reject(ctx, c, p, a.User, log)
	case kind == commands.Cancel:
		e.closeAs(ctx, c, p, StateCancelled, log)
	case kind == commands.Approve:
		e.confirm(ctx, c, p, a.User, a.Disable && !p.Enable, log)
	default:
		e.confirm(ctx, c, p, "", a.Disable && !p.Enable, log)
	}
}

// mayKnow reports whether a's sender may learn anything about p: its
// invoker may, and so may whoever is on the allow-list. To anyone else a
// live code looks exactly like an unknown one, so that guessing codes
// tells nothing (who asked, the request id, that it exists).
func (e *Engine) mayKnow(a Action, p Pending) bool {
	if p.TwoPerson || (a.Platform == p.Platform && a.User == p.Invoker) {
		return true // a two-person request's code is on a card the whole channel sees
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
		notice: Notice{Kind: NoticeRefused, Msg: e.unknownCodeText(ctx, a)}})
}

// unknownCodeText answers an unknown code. An allowed sender with requests
// pending is shown their own codes (a mistyped code is not a reason to ask
// again); anyone else gets the one answer that tells nothing.
func (e *Engine) unknownCodeText(ctx context.Context, a Action) i18n.Msg {
	var own []string
	if e.opt.Policy.MayInvoke(a.Platform, a.User).Allowed {
		own = e.pendingCodes(ctx, a.Platform, a.User)
	}
	// Codes are letters and digits only (the front ends and the parser
	// check): safe to show as they are.
	switch len(own) {
	case 0:
		return i18n.M(i18n.UnknownCode, i18n.Raw(a.Code))
	case 1:
		return i18n.M(i18n.UnknownCodeOwn, i18n.Raw(a.Code), i18n.Raw(own[0]))
	default:
		return i18n.M(i18n.UnknownCodeOwnMany, i18n.Raw(a.Code), len(own), i18n.Raw(strings.Join(own, ", ")))
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
func (e *Engine) checkAction(kind commands.Kind, a Action, p Pending) i18n.Msg {
	if p.TwoPerson {
		return e.checkApproval(kind, a, p)
	}
	if kind == commands.Approve || kind == commands.Deny {
		return i18n.M(i18n.NoApprovalNeeded, i18n.Raw(p.RequestID))
	}
	if a.Platform != p.Platform || a.User != p.Invoker {
		return i18n.M(i18n.OnlyInvoker, p.Invoker, i18n.Raw(p.RequestID))
	}
	return sameConversation(a, p)
}

// sameConversation refuses an action from another conversation than the
// request's, but for a direct chat with the bot.
func sameConversation(a Action, p Pending) i18n.Msg {
	if a.Conversation != p.Conversation && !a.Direct {
		return i18n.M(i18n.OtherConversation, i18n.Raw(p.RequestID))
	}
	return i18n.Msg{}
}

func (e *Engine) tellClosed(ctx context.Context, c Conversation, p Pending, s State) {
	e.obs.Command(p.Platform, "already_"+s.String())
	key := i18n.HasExpired
	switch s {
	case StateConfirmed:
		key = i18n.AlreadyConfirmed
	case StateCancelled:
		key = i18n.WasCancelled
	case StateAborted:
		key = i18n.WasAborted
	case StateRejected:
		key = i18n.WasRejected
	}
	e.tell(ctx, c, Notice{Kind: NoticeRefused, RequestID: p.RequestID, Msg: i18n.M(key, i18n.Raw(p.RequestID))})
}

// closeAs claims p as cancelled or expired, audits it and says so.
func (e *Engine) closeAs(ctx context.Context, c Conversation, p Pending, to State, log *slog.Logger) {
	if _, err := e.move(ctx, p.Code, StatePending, to, log); err != nil {
		e.lostClaim(ctx, c, p, err, log)
		return
	}
	event, key := audit.Cancelled, i18n.CancelledNow
	if to == StateExpired {
		event, key = audit.Expired, i18n.HasExpired
	}
	e.obs.Command(p.Platform, event)
	log.Info("request closed", "state", to.String())
	rec := p.record()
	rec.Event = event
	if !e.record(ctx, c, rec, log) {
		return
	}
	e.tell(ctx, c, Notice{Kind: NoticeClosed, RequestID: p.RequestID, Msg: i18n.M(key, i18n.Raw(p.RequestID))})
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

// confirm claims p, audits the confirmation (or, with an approver, the
// approval) failing closed, signs the target out and reports the result
// where the command was given.
func (e *Engine) confirm(ctx context.Context, c Conversation, p Pending, approver string, disable bool, log *slog.Logger) {
	if len(p.Targets) > 0 {
		e.confirmMany(ctx, c, p, approver, disable, log)
		return
	}
	if _, err := e.move(ctx, p.Code, StatePending, StateConfirmed, log); err != nil {
		if !domainError(err) {
			// The claim may have been made before the store went away:
			// make sure nobody can take it as a sign-out that ran.
			_, _ = e.move(ctx, p.Code, StateConfirmed, StateAborted, log)
		}
		e.lostClaim(ctx, c, p, err, log)
		return
	}
	rec := p.record()
	rec.Event, rec.Approver = audit.Confirmed, approver
	progress := i18n.M(i18n.SigningOut, TargetLabel(p.Target))
	if p.Enable {
		progress = i18n.M(i18n.EnablingNow, TargetLabel(p.Target))
	}
	if approver != "" {
		rec.Event, progress = audit.Approved, i18n.M(i18n.ApprovedSigningOut, approver, TargetLabel(p.Target))
	}
	e.obs.Command(p.Platform, rec.Event)
	if !e.record(ctx, c, rec, log) {
		_, _ = e.move(ctx, p.Code, StateConfirmed, StateAborted, log)
		return
	}
	e.tell(ctx, c, Notice{Kind: NoticeProgress, RequestID: p.RequestID, Msg: progress})

	res := e.signOut(ctx, p, log)
	res.Approver = approver

	rec.Event, rec.Time = audit.Succeeded, time.Time{}
	if p.Enable {
		rec.Event = audit.Enabled
	}
	if e.opt.DryRun {
		rec.Event = audit.DryRunDone
	}
	if !res.OK {
		rec.Event, rec.Detail, rec.Code, rec.DingTalkRequestID = audit.Failed, res.failure, res.Code, res.DingTalkRequestID
	}
	rec.DryRun = e.opt.DryRun
	if err := e.opt.Audit.Write(rec); err != nil {
		e.obs.AuditFailure()
		res.AuditFailed = true
		log.Error("audit write failed after the sign-out", "event", rec.Event, "err", err)
	}
	if disable && res.OK {
		e.disable(ctx, p, &res, rec, log)
	}
	e.note(ctx, p, Outcome{Approver: approver, Result: rec.Event, Code: res.Code}, log)
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
		e.tell(context.WithoutCancel(ctx), c, Notice{Kind: NoticeError, RequestID: p.RequestID, Msg: ResultMsg(res)})
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
	res := Result{RequestID: p.RequestID, Platform: p.Platform, Invoker: p.Invoker, Target: p.Target, Reason: p.Reason, DryRun: e.opt.DryRun, Enable: p.Enable}
	if e.opt.DryRun {
		res.OK = true
		e.obs.SignOut("dry_run", 0)
		log.Info("dry run: nothing sent", "target", p.Target.UserID, "enable", p.Enable)
		return res
	}
	start := time.Now()
	var err error
	switch {
	case p.Enable && e.opt.Containment == nil:
		err = errNoContainment
	case p.Enable:
		err = e.opt.Containment.Enable(ctx, p.Target.UserID)
	default:
		err = e.opt.SignOuter.SignOut(ctx, p.Target.UserID, p.Reason, e.opt.EmployeeMessage)
	}
	took := time.Since(start).Seconds()
	if err == nil {
		res.OK = true
		e.obs.SignOut("succeeded", took)
		log.Info("signed out", "target", p.Target.UserID, "seconds", took)
		return res
	}
	e.obs.SignOut("failed", took)
	res.Problem, res.failure = Explain(err), failureCode(err)
	if errors.Is(context.Cause(ctx), errGaveUp) {
		res.Problem, res.failure = i18n.M(i18n.GaveUp), "gave_up"
	}
	if noAnswer(err) || ctx.Err() != nil {
		// Signing out again is harmless, so say so rather than guess.
		res.Problem = i18n.Sentences(res.Problem, i18n.M(i18n.OutcomeUnknown))
		res.failure += ": outcome unknown"
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		res.Code, res.DingTalkRequestID = apiErr.Code, apiErr.RequestID
	}
	log.Error("sign-out failed", "target", p.Target.UserID, "err", err)
	return res
}

// note records what became of p, for status and history; a failure is
// logged only: the audit log has the record that counts.
func (e *Engine) note(ctx context.Context, p Pending, o Outcome, log *slog.Logger) {
	sctx, cancel := storeCtx(context.WithoutCancel(ctx))
	defer cancel()
	if err := e.store.Note(sctx, p.Code, o); err != nil {
		log.Warn("could not note the outcome in the state store; status will not show it", "err", err)
	}
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
func (e *Engine) expire(p Pending, why expiry) {
	log := e.log.With("request_id", p.RequestID)
	if _, err := e.move(context.Background(), p.Code, StatePending, StateExpired, log); err != nil {
		return // confirmed, cancelled or expired by someone else, or the store is down (logged)
	}
	e.obs.Command(p.Platform, "expired")
	rec := p.record()
	rec.Event, rec.Detail, rec.DryRun = audit.Expired, why.code, e.opt.DryRun
	log.Info("request expired", "why", why.code)
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
			Msg: i18n.M(i18n.ExpiredNotice, i18n.Raw(p.RequestID), p.label(), i18n.M(why.words))})
	}()
}

// errGaveUp is why a sign-out still running late in a shutdown is stopped.
var errGaveUp = errors.New("shutdown: gave up waiting for the sign-out")

// expiry is why a request expired: a code for the audit log, words for
// the invoker.
type expiry struct {
	code  string
	words i18n.Key
}

var (
	expiredTimeLimit = expiry{"time_limit", i18n.WhyTimeLimit}
	expiredStopped   = expiry{"stopped", i18n.WhyStopped}
)

// failureCode is a failed sign-out's audit detail: a machine value (the
// DingTalk code itself goes in the record's code).
func failureCode(err error) string {
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		return "api_error"
	case noAnswer(err):
		return "no_answer"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "error"
}

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
		e.expire(p, expiredStopped)
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
