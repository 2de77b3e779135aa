package bot

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/i18n"
)

// bulkWorkers is how many sign-outs of one request run at once: enough
// that the DingTalk client's pacing (dingtalk.qps), not the bot, is the
// bound, few enough not to queue hundreds of calls on the limiter.
const bulkWorkers = 8

// progressEvery is how often a bulk run's progress is shown at most, by
// default (Options.ProgressEvery).
const progressEvery = 2 * time.Second

// notStartedDetail is the audit detail of a target a shutdown left out.
const notStartedDetail = "not started: the bot stopped"

// Progress is how far a request naming several people has got.
type Progress struct {
	RequestID           string
	Total, Done, Failed int
}

// ProgressReporter is a Conversation that can show a bulk run's progress
// in one message, updated in place (Slack). The engine calls it at most
// every Options.ProgressEvery, and once at the end.
type ProgressReporter interface {
	Progress(ctx context.Context, p Progress) error
}

// confirmMany claims p, audits the confirmation for every target failing
// closed, signs them all out and posts one summary.
func (e *Engine) confirmMany(ctx context.Context, c Conversation, p Pending, approver string, disable bool, log *slog.Logger) {
	if _, err := e.move(ctx, p.Code, StatePending, StateConfirmed, log); err != nil {
		if !domainError(err) {
			_, _ = e.move(ctx, p.Code, StateConfirmed, StateAborted, log)
		}
		e.lostClaim(ctx, c, p, err, log)
		return
	}
	event, progress := audit.Confirmed, i18n.M(i18n.BulkSigningOut, len(p.Targets))
	if p.Enable {
		progress = i18n.M(i18n.BulkEnabling, len(p.Targets))
	}
	if approver != "" {
		event, progress = audit.Approved, i18n.M(i18n.BulkApproved, approver, len(p.Targets))
	}
	e.obs.Command(p.Platform, event)
	for _, t := range p.Targets {
		rec := p.recordFor(t)
		rec.Event, rec.Approver = event, approver
		if !e.record(ctx, c, rec, log) {
			_, _ = e.move(ctx, p.Code, StateConfirmed, StateAborted, log)
			return
		}
	}
	e.tell(ctx, c, Notice{Kind: NoticeProgress, RequestID: p.RequestID, Msg: progress})

	each, auditFailed := e.runMany(ctx, c, p, approver, disable, log)
	res := Result{RequestID: p.RequestID, Platform: p.Platform, Invoker: p.Invoker, Approver: approver, Target: p.Target,
		Reason: p.Reason, DryRun: e.opt.DryRun, Enable: p.Enable, Disable: disable, Each: each, Skipped: p.Skipped,
		AuditFailed: auditFailed, OK: true}
	for _, r := range each {
		res.OK = res.OK && r.OK
	}
	outcome := audit.Succeeded
	if !res.OK {
		outcome = audit.Failed
	}
	e.note(ctx, p, Outcome{Approver: approver, Result: outcome}, log)
	e.announce(ctx, c, p, res, log)
}

// recordFor is p's audit record for one of its targets.
func (p Pending) recordFor(t Target) audit.Record {
	rec := p.record()
	rec.Target, rec.TargetName = t.UserID, t.Name
	return rec
}

// runMany signs out every target of p with a few workers. Once a shutdown
// gives up waiting, the targets not started yet are audited as failed,
// not started; the ones in flight end as the single sign-out does.
func (e *Engine) runMany(ctx context.Context, c Conversation, p Pending, approver string, disable bool, log *slog.Logger) ([]TargetResult, bool) {
	n := len(p.Targets)
	each := make([]TargetResult, n)
	var next, done, failed atomic.Int64
	var auditFailed atomic.Bool
	stop := e.reportProgress(ctx, c, Progress{RequestID: p.RequestID, Total: n}, &done, &failed, log)
	var wg sync.WaitGroup
	for range min(bulkWorkers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if e.hurry.Err() != nil || e.end.Err() != nil {
					each[i] = e.notStarted(p, p.Targets[i], approver, &auditFailed, log)
				} else {
					each[i] = e.runOne(ctx, p, p.Targets[i], approver, disable, &auditFailed, log)
				}
				if !each[i].OK {
					failed.Add(1)
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	stop()
	return each, auditFailed.Load()
}

// runOne signs out (or enables) one target of p, audits it, and disables
// it after a sign-out if asked.
func (e *Engine) runOne(ctx context.Context, p Pending, t Target, approver string, disable bool, auditFailed *atomic.Bool, log *slog.Logger) TargetResult {
	one := p
	one.Target, one.Targets, one.Skipped = t, nil, nil
	rec := p.recordFor(t)
	rec.Approver = approver
	if d := e.opt.Policy.MayTarget(t.UserID); !d.Allowed {
		rec.Event, rec.Detail = audit.Failed, "protected: "+d.Code
		e.writeOutcome(rec, auditFailed, log)
		return TargetResult{Target: t, Problem: i18n.M(i18n.BulkProtectedNow)}
	}
	res := e.signOut(ctx, one, log)
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
	e.writeOutcome(rec, auditFailed, log)
	tr := TargetResult{Target: t, OK: res.OK, Problem: res.Problem}
	if res.Code != "" {
		tr.Problem = i18n.Sentences(res.Problem, i18n.M(i18n.ResultCode, res.Code))
	}
	if disable && res.OK {
		e.disable(ctx, one, &res, rec, log)
		tr.Disabled, tr.DisableProblem = res.Disabled, res.DisableProblem
		if res.AuditFailed {
			auditFailed.Store(true)
		}
	}
	return tr
}

// notStarted audits a target the run did not get to.
func (e *Engine) notStarted(p Pending, t Target, approver string, auditFailed *atomic.Bool, log *slog.Logger) TargetResult {
	rec := p.recordFor(t)
	rec.Event, rec.Detail, rec.Approver = audit.Failed, notStartedDetail, approver
	e.writeOutcome(rec, auditFailed, log)
	log.Warn("sign-out not started: the bot is stopping", "target", t.UserID)
	return TargetResult{Target: t, NotStarted: true, Problem: i18n.M(i18n.BulkNotStartedWhy)}
}

func (e *Engine) writeOutcome(rec audit.Record, auditFailed *atomic.Bool, log *slog.Logger) {
	rec.DryRun = e.opt.DryRun
	if err := e.opt.Audit.Write(rec); err != nil {
		e.obs.AuditFailure()
		auditFailed.Store(true)
		log.Error("audit write failed after the sign-out", "event", rec.Event, "target", rec.Target, "err", err)
	}
}

// reportProgress shows progress through c, if it can, at most every
// progressEvery while the run lasts; stop shows the last count and waits.
func (e *Engine) reportProgress(ctx context.Context, c Conversation, pr Progress, done, failed *atomic.Int64, log *slog.Logger) (stop func()) {
	r, ok := c.(ProgressReporter)
	if !ok {
		return func() {}
	}
	show := func() {
		pr.Done, pr.Failed = int(done.Load()), int(failed.Load())
		pctx, cancel := e.bounded(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := r.Progress(pctx, pr); err != nil {
			log.Warn("could not show progress", "err", err)
		}
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(e.opt.ProgressEvery)
		defer t.Stop()
		shown := int64(-1)
		for {
			select {
			case <-quit:
				show()
				return
			case <-t.C:
				if d := done.Load(); d != shown {
					shown = d
					show()
				}
			}
		}
	}()
	return func() { close(quit); <-finished }
}
