package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/dingtalk"
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
	if !e.begin() {
		e.tell(ctx, c, Notice{Kind: NoticeError, Text: restartingText})
		return
	}
	defer e.inflight.Done()
	e.act(ctx, kind, a, c)
}

// act checks an action against its pending request and, if everything
// holds, claims the request (one-shot) and carries the action out.
func (e *Engine) act(ctx context.Context, kind commands.Kind, a Action, c Conversation) {
	log := e.log.With("platform", a.Platform, "user", a.User, "action", kind.String())
	p, state, err := e.store.Get(a.Code)
	if err != nil {
		e.obs.Command(a.Platform, "unknown_code")
		log.Info("action on an unknown code", "code", a.Code)
		e.tell(ctx, c, Notice{Kind: NoticeRefused, Text: fmt.Sprintf(
			"No pending request has code %s. It may have expired, or the bot restarted since; run /signout again.", a.Code)})
		return
	}
	log = log.With("request_id", p.RequestID)
	if refusal := e.checkAction(a, p); refusal != "" {
		e.obs.Command(a.Platform, "refused")
		log.Warn("action refused", "why", refusal)
		e.tell(ctx, c, Notice{Kind: NoticeRefused, RequestID: p.RequestID, Text: refusal})
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

// checkAction returns why a (wrong) person or place may not act on p.
// Such attempts do not consume the request.
func (e *Engine) checkAction(a Action, p *Pending) string {
	if a.Platform != p.Platform || a.User != p.Invoker {
		return fmt.Sprintf("Only %s, who asked for request %s, can confirm or cancel it.", p.Invoker, p.RequestID)
	}
	if a.Conversation != p.Conversation && !a.Direct {
		return fmt.Sprintf("Request %s belongs to another conversation: confirm it there, or in a direct chat with the bot.", p.RequestID)
	}
	return ""
}

func (e *Engine) tellClosed(ctx context.Context, c Conversation, p *Pending, s State) {
	e.obs.Command(p.Platform, "already_"+s.String())
	var text string
	switch s {
	case StateConfirmed:
		text = fmt.Sprintf("Request %s was already confirmed; it runs only once.", p.RequestID)
	case StateCancelled:
		text = fmt.Sprintf("Request %s was cancelled; nothing was done. Run /signout again if needed.", p.RequestID)
	case StateAborted:
		text = fmt.Sprintf("Request %s was stopped because the audit log could not be written; nothing was done. Run /signout again.", p.RequestID)
	default:
		text = fmt.Sprintf("Request %s has expired; nothing was done. Run /signout again.", p.RequestID)
	}
	e.tell(ctx, c, Notice{Kind: NoticeRefused, RequestID: p.RequestID, Text: text})
}

// closeAs claims p as cancelled or expired, audits it and says so.
func (e *Engine) closeAs(ctx context.Context, c Conversation, p *Pending, to State, log *slog.Logger) {
	if _, err := e.store.Close(p.Code, to); err != nil {
		e.lostClaim(ctx, c, p, err)
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

func (e *Engine) lostClaim(ctx context.Context, c Conversation, p *Pending, err error) {
	var ce *ClosedError
	if errors.As(err, &ce) {
		e.tellClosed(ctx, c, p, ce.State)
		return
	}
	e.tellClosed(ctx, c, p, StateExpired)
}

// confirm claims p, audits the confirmation (failing closed), signs the
// target out and reports the result where the command was given.
func (e *Engine) confirm(ctx context.Context, c Conversation, p *Pending, log *slog.Logger) {
	if _, err := e.store.Close(p.Code, StateConfirmed); err != nil {
		e.lostClaim(ctx, c, p, err)
		return
	}
	e.obs.Command(p.Platform, "confirmed")
	rec := p.record()
	rec.Event = audit.Confirmed
	if !e.record(ctx, c, rec, log) {
		e.store.Abort(p.Code)
		return
	}
	e.tell(ctx, c, Notice{Kind: NoticeProgress, RequestID: p.RequestID, Text: "Signing out " + TargetLabel(p.Target) + "…"})

	// The sign-out and its report must outlive the caller's context: a
	// shutdown lets a confirmed sign-out finish (bounded by SignOutTimeout).
	octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.opt.SignOutTimeout)
	defer cancel()
	res := e.execute(octx, p, log)

	rec.Event, rec.Time = audit.Succeeded, time.Time{}
	if !res.OK {
		rec.Event, rec.Detail, rec.Code, rec.DingTalkRequestID = audit.Failed, res.Problem, res.Code, res.DingTalkRequestID
	}
	rec.DryRun = e.opt.DryRun
	if err := e.opt.Audit.Write(rec); err != nil {
		e.obs.AuditFailure()
		res.AuditFailed = true
		log.Error("audit write failed after the sign-out", "event", rec.Event, "err", err)
	}
	if err := p.reply.Announce(octx, res); err != nil {
		log.Error("could not post the result where the command was given; telling the confirmer", "err", err)
		e.tell(octx, c, Notice{Kind: NoticeError, RequestID: p.RequestID, Text: ResultText(res)})
	}
}

// execute calls DingTalk (or, in a dry run, doesn't).
func (e *Engine) execute(ctx context.Context, p *Pending, log *slog.Logger) Result {
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
	if noAnswer(err) {
		// Signing out again is harmless, so say so rather than guess.
		res.Problem += "; it is not known whether the sign-out took effect, so run /signout again"
	}
	var apiErr *dingtalk.APIError
	if errors.As(err, &apiErr) {
		res.Code, res.DingTalkRequestID = apiErr.Code, apiErr.RequestID
	}
	log.Error("sign-out failed", "target", p.Target.UserID, "err", err)
	return res
}

func (p *Pending) record() audit.Record {
	return audit.Record{
		RequestID: p.RequestID, Platform: p.Platform, Invoker: p.Invoker, Conversation: p.Conversation,
		Target: p.Target.UserID, TargetName: p.Target.Name, TargetInput: p.TargetInput, Reason: p.Reason,
	}
}

func (e *Engine) expire(ctx context.Context, p *Pending, why string) {
	e.obs.Command(p.Platform, "expired")
	rec := p.record()
	rec.Event, rec.Detail, rec.DryRun = audit.Expired, why, e.opt.DryRun
	log := e.log.With("request_id", p.RequestID)
	log.Info("request expired", "why", why)
	if err := e.opt.Audit.Write(rec); err != nil {
		e.obs.AuditFailure()
		log.Error("audit write failed", "event", rec.Event, "err", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	e.tell(tctx, p.reply, Notice{Kind: NoticeClosed, RequestID: p.RequestID,
		Text: fmt.Sprintf("Request %s to sign out %s expired (%s); nothing was done.", p.RequestID, TargetLabel(p.Target), why)})
}

// Shutdown stops taking commands, waits for work in flight (a confirmed
// sign-out completes, is audited and reported), then closes the requests
// still pending: they are audited as expired and their invokers told.
// It returns ctx's error if the work in flight outlived ctx.
func (e *Engine) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	already := e.closing
	e.closing = true
	e.mu.Unlock()
	if already {
		return nil
	}
	close(e.stop)
	<-e.swept

	done := make(chan struct{})
	go func() { e.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		e.log.Error("shutdown: work in flight did not finish in time")
		return ctx.Err()
	}
	for _, p := range e.store.Open() {
		if _, err := e.store.Close(p.Code, StateExpired); err == nil {
			e.expire(ctx, p, "the bot stopped before it was confirmed")
		}
	}
	return nil
}
