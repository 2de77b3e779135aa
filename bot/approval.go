package bot

import (
	"context"
	"log/slog"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/i18n"
)

// The two-person rule (approval.two_person): a sign-out request is posted
// for the channel, and another allowed person of the same platform, not
// the requester and not the target, approves it; approval is the same
// one-shot claim as a confirmation.

// twoPersonRefusal refuses a two-person request where no second person
// can see it: a direct chat, and the console but in a dry run.
func (e *Engine) twoPersonRefusal(m Message) i18n.Msg {
	switch {
	case !e.opt.TwoPerson:
		return i18n.Msg{}
	case m.Platform == Console && !e.opt.DryRun:
		return i18n.M(i18n.TwoPersonConsole)
	case m.Direct && m.Platform != Console:
		return i18n.M(i18n.TwoPersonNeedsGroup)
	}
	return i18n.Msg{}
}

// checkApproval returns why a may not act on the two-person request p.
// The requester may only withdraw it; an approver must be on the
// platform's allow-list now, and be neither the requester nor the target.
func (e *Engine) checkApproval(kind commands.Kind, a Action, p Pending) i18n.Msg {
	if why := sameConversation(a, p); !why.IsZero() {
		return why
	}
	requester := a.Platform == p.Platform && a.User == p.Invoker
	switch {
	case kind == commands.Confirm:
		return i18n.M(i18n.TwoPersonNotConfirm, i18n.Raw(p.RequestID))
	case requester && kind == commands.Approve:
		return i18n.M(i18n.ApproveOwn, i18n.Raw(p.RequestID))
	case requester:
		return i18n.Msg{} // withdrawing (deny or cancel) is the requester's own
	case kind == commands.Cancel:
		return i18n.M(i18n.OnlyInvoker, p.Invoker, i18n.Raw(p.RequestID))
	case a.Platform == DingTalk && p.names(a.User):
		return i18n.M(i18n.ApproveAsTarget)
	}
	if a.Platform != p.Platform {
		return i18n.M(i18n.ApproveNotAllowed, i18n.M(i18n.ReasonNotListed, i18n.PlatformName(p.Platform), a.User))
	}
	if d := e.opt.Policy.MayInvoke(p.Platform, a.User); !d.Allowed {
		return i18n.M(i18n.ApproveNotAllowed, d.Reason)
	}
	return i18n.Msg{}
}

// reject closes a two-person request: denied by an approver, or withdrawn
// by its requester. The card is replaced where the click came from, and
// the requester is told where they asked.
func (e *Engine) reject(ctx context.Context, c Conversation, p Pending, by string, log *slog.Logger) {
	if _, err := e.move(ctx, p.Code, StatePending, StateRejected, log); err != nil {
		e.lostClaim(ctx, c, p, err, log)
		return
	}
	e.obs.Command(p.Platform, "rejected")
	withdrawn := by == p.Invoker
	rec := p.record()
	rec.Event, rec.Approver = audit.Rejected, by
	text := i18n.M(i18n.Rejected, i18n.Raw(p.RequestID), by)
	if withdrawn {
		rec.Detail, text = "withdrawn", i18n.M(i18n.Withdrawn, i18n.Raw(p.RequestID))
	}
	log.Info("two-person request rejected", "by", by, "withdrawn", withdrawn)
	if !e.record(ctx, c, rec, log) {
		return
	}
	e.note(ctx, p, Outcome{Approver: by}, log)
	closed := Notice{Kind: NoticeClosed, RequestID: p.RequestID, Msg: text}
	e.tell(ctx, c, closed)
	if !withdrawn {
		if rc, err := e.replyTo(p.ReplyTo); err == nil {
			e.tell(ctx, rc, closed)
		}
	}
}
