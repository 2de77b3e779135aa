package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/i18n"
)

// Containment: a sign-out ends the sessions, but stolen credentials can
// sign straight back in; "sign out and disable" disables the account after
// a successful sign-out, and /signout enable lets it in again.

// accountState says whether target's account is disabled now. A failed
// lookup never blocks the flow: the prompt says it is unknown.
func (e *Engine) accountState(ctx context.Context, userID string, log *slog.Logger) i18n.Msg {
	if e.opt.Containment == nil {
		return i18n.Msg{}
	}
	lctx, cancel := context.WithTimeout(ctx, e.opt.LookupTimeout)
	defer cancel()
	disabled, err := e.opt.Containment.Disabled(lctx, userID)
	switch {
	case err != nil:
		log.Warn("account status lookup failed; the prompt says it is unknown", "target", userID, "err", err)
		return i18n.M(i18n.AccountUnknown, Explain(err))
	case disabled:
		return i18n.M(i18n.AccountDisabled)
	}
	return i18n.M(i18n.AccountActive)
}

// disable disables p's account after its sign-out succeeded, audits the
// outcome (disabled, or failed with the code) and adds it to res.
func (e *Engine) disable(ctx context.Context, p Pending, res *Result, rec audit.Record, log *slog.Logger) {
	res.Disable = true
	rec.Event, rec.Time, rec.Detail, rec.Code, rec.DingTalkRequestID = audit.Disabled, time.Time{}, "", "", ""
	if e.opt.DryRun {
		res.Disabled = true
		rec.Event = audit.DryRunDone
		rec.Detail = "disable"
	} else if err := e.callDisable(ctx, p); err != nil {
		res.DisableProblem = Explain(err)
		rec.Event, rec.Detail = audit.Failed, "disable: "+failureCode(err)
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			rec.Code, rec.DingTalkRequestID = apiErr.Code, apiErr.RequestID
		}
		log.Error("disable failed after the sign-out", "target", p.Target.UserID, "err", err)
	} else {
		res.Disabled = true
		log.Info("disabled", "target", p.Target.UserID)
	}
	if err := e.opt.Audit.Write(rec); err != nil {
		e.obs.AuditFailure()
		res.AuditFailed = true
		log.Error("audit write failed after disabling", "event", rec.Event, "err", err)
	}
}

// callDisable runs the disable call under the sign-out's bounds.
func (e *Engine) callDisable(ctx context.Context, p Pending) error {
	if e.opt.Containment == nil {
		return errNoContainment
	}
	sctx, cancel := e.bounded(context.WithoutCancel(ctx), e.opt.SignOutTimeout)
	defer cancel()
	return e.opt.Containment.Disable(sctx, p.Target.UserID, p.Reason)
}

// errNoContainment: no DingTalk client to disable with (a dry run has none
// and never gets here).
var errNoContainment = errors.New("no DingTalk client to disable or enable the account with")
