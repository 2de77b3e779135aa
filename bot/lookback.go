package bot

import (
	"context"
	"errors"

	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/i18n"
)

// lookBack answers /signout status and history, to allowed users only and
// to them alone. Both read the store (every replica's requests when it is
// shared): open requests and the closed ones it keeps for Retention.
func (e *Engine) lookBack(ctx context.Context, m Message, cmd commands.Command, c Conversation) {
	log := e.log.With("platform", m.Platform, "invoker", m.Invoker, "command", cmd.Kind.String())
	if d := e.opt.Policy.MayInvoke(m.Platform, m.Invoker); !d.Allowed {
		e.obs.Command(m.Platform, "refused")
		e.refuse(ctx, c, refusal{kind: wrongCode, platform: m.Platform, invoker: m.Invoker,
			notice: Notice{Kind: NoticeRefused, Msg: i18n.M(i18n.LookBackNotAllowed, d.Reason), Private: true},
			log:    func() { log.Warn("status or history refused", "why", d.Code) }})
		return
	}
	e.obs.Command(m.Platform, cmd.Kind.String())
	sctx, cancel := storeCtx(ctx)
	defer cancel()
	var answer i18n.Msg
	if cmd.Kind == commands.Status {
		s, err := e.store.Find(sctx, cmd.RequestID)
		switch {
		case errors.Is(err, ErrUnknown):
			answer = i18n.M(i18n.StatusUnknown, cmd.RequestID)
		case err != nil:
			e.storeFailed(ctx, c, m.Platform, "", "find", err, log)
			return
		default:
			answer = e.status(s)
		}
	} else {
		recent, err := e.store.Recent(sctx, cmd.Count)
		if err != nil {
			e.storeFailed(ctx, c, m.Platform, "", "recent", err, log)
			return
		}
		answer = history(recent)
	}
	e.tell(ctx, c, Notice{Kind: NoticeInfo, Msg: answer, Private: true})
}

// timeOf is a time for status and history, in UTC.
func timeOf(s Stored, layout string) i18n.Raw { return i18n.Raw(s.CreatedAt.UTC().Format(layout)) }

func (e *Engine) status(s Stored) i18n.Msg {
	reason := i18n.Msg(i18n.Plain(s.Reason))
	if s.Reason == "" {
		reason = i18n.M(i18n.NoReason)
	}
	lines := []i18n.Msg{
		i18n.M(i18n.StatusLine, i18n.Raw(s.RequestID), s.Invoker, i18n.PlatformName(s.Platform), timeOf(s, "2006-01-02 15:04 UTC"), s.label(), reason),
		i18n.M(i18n.StatusState, stateWords(s)),
	}
	if s.Outcome.Approver != "" {
		lines = append(lines, i18n.M(i18n.StatusApprover, s.Outcome.Approver))
	}
	if s.State == StateConfirmed {
		lines = append(lines, i18n.M(i18n.StatusOutcome, outcomeWords(s.Outcome)))
	}
	if s.State == StatePending {
		lines = append(lines, i18n.M(i18n.StatusExpires, i18n.Raw(s.ExpiresAt.UTC().Format("15:04 UTC"))))
	}
	return i18n.Sentences(lines...)
}

func history(recent []Stored) i18n.Msg {
	if len(recent) == 0 {
		return i18n.M(i18n.HistoryEmpty)
	}
	lines := []i18n.Msg{i18n.M(i18n.HistoryHead, len(recent))}
	for _, s := range recent {
		what := stateWords(s)
		if s.State == StateConfirmed {
			what = outcomeWords(s.Outcome)
		}
		lines = append(lines, i18n.M(i18n.HistoryItem, timeOf(s, "01-02 15:04"), i18n.Raw(s.RequestID), s.Invoker, s.label(), what))
	}
	return i18n.Lines(lines...)
}

func stateWords(s Stored) i18n.Msg {
	switch s.State {
	case StatePending:
		if s.TwoPerson {
			return i18n.M(i18n.StateAwaiting)
		}
		return i18n.M(i18n.StatePending)
	case StateConfirmed:
		if s.TwoPerson {
			return i18n.M(i18n.StateApproved)
		}
		return i18n.M(i18n.StateConfirmed)
	case StateCancelled:
		return i18n.M(i18n.StateCancelled)
	case StateExpired:
		return i18n.M(i18n.StateExpired)
	case StateRejected:
		return i18n.M(i18n.StateRejected)
	}
	return i18n.M(i18n.StateAborted)
}

func outcomeWords(o Outcome) i18n.Msg {
	switch o.Result {
	case "succeeded":
		return i18n.M(i18n.OutcomeSucceeded)
	case "dry_run":
		return i18n.M(i18n.OutcomeDryRun)
	case "failed":
		code := o.Code
		if code == "" {
			code = "-"
		}
		return i18n.M(i18n.OutcomeFailed, code)
	}
	return i18n.M(i18n.OutcomeRunning)
}
