package bot

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/i18n"
)

// A request naming several people (spec section 10): each is resolved,
// checked and described like a single target, those that can't be signed
// out are listed as skipped with why, and one prompt covers the rest.

// bulkLookups bounds the directory lookups of one request run at once;
// the DingTalk client paces each API on top of that.
const bulkLookups = 8

// names reports whether p names the DingTalk user id among its targets.
func (p Pending) names(userID string) bool {
	id := authz.NormalizeUserID(userID)
	for _, t := range p.all() {
		if authz.NormalizeUserID(t.UserID) == id {
			return true
		}
	}
	return false
}

// label names what p acts on: its target, or "5 accounts" for a list.
func (p Pending) label() any {
	if len(p.Targets) > 0 {
		return i18n.M(i18n.BulkLabel, len(p.Targets))
	}
	return TargetLabel(p.Target)
}

// all is every target p acts on.
func (p Pending) all() []Target {
	if len(p.Targets) > 0 {
		return p.Targets
	}
	return []Target{p.Target}
}

// candidate is one typed target after resolving and checking it.
type candidate struct {
	target Target
	skip   i18n.Msg // why it is left out; zero if it is not
}

// requestMany handles "/signout alice,bob,… <reason>" up to the prompt.
func (e *Engine) requestMany(ctx context.Context, m Message, cmd commands.Command, c Conversation) {
	rec := audit.Record{RequestID: newRequestID(), Platform: m.Platform, Invoker: m.Invoker, Conversation: m.Conversation,
		TargetInput: typedList(cmd.Targets), Reason: cmd.Reason, DryRun: e.opt.DryRun}
	log := e.log.With("request_id", rec.RequestID, "platform", m.Platform, "invoker", m.Invoker, "targets", len(cmd.Targets))
	if d := e.opt.Policy.MayInvoke(m.Platform, m.Invoker); !d.Allowed {
		e.deny(ctx, c, rec, log, i18n.M(i18n.NotAllowed, d.Reason), d.Code)
		return
	}
	if why := e.twoPersonRefusal(m); !why.IsZero() {
		e.obs.Command(m.Platform, "refused")
		e.tell(ctx, c, Notice{Kind: NoticeRefused, RequestID: rec.RequestID, Msg: why})
		return
	}
	mentioned, problem := bindMentions(cmd.Targets, m)
	if !problem.IsZero() {
		log.Info("@mention targets not bound to the mention data; refused", "mention_words", m.MentionWords, "mentions", len(m.Mentions))
		e.obs.Command(m.Platform, "unresolved")
		e.tell(ctx, c, Notice{Kind: NoticeError, RequestID: rec.RequestID, Msg: problem})
		return
	}
	targets, skipped := e.pick(ctx, rec, cmd.Targets, e.resolveAll(ctx, m, rec, cmd.Targets, mentioned, log), log)
	if len(targets) == 0 {
		e.deny(ctx, c, rec, log, i18n.M(i18n.BulkNoneLeft, i18n.Lines(skippedLines(skipped)...)), "no_targets")
		return
	}
	now := e.opt.Now()
	p := Pending{
		RequestID: rec.RequestID, Platform: m.Platform, Invoker: m.Invoker, Conversation: m.Conversation,
		Target: targets[0], Targets: targets, Skipped: skipped, TargetInput: rec.TargetInput, Reason: cmd.Reason,
		CreatedAt: now, ExpiresAt: now.Add(e.opt.TTL), ReplyTo: m.ReplyTo, TwoPerson: e.opt.TwoPerson,
		Enable: cmd.Kind == commands.Enable,
	}
	if err := e.add(ctx, &p); err != nil {
		e.storeFailed(ctx, c, m.Platform, p.RequestID, "add", err, log)
		return
	}
	for _, t := range targets {
		r := rec
		r.Event, r.Target, r.TargetName = audit.Requested, t.UserID, t.Name
		if !e.record(ctx, c, r, log) {
			_, _ = e.move(ctx, p.Code, StatePending, StateAborted, log)
			return
		}
	}
	e.obs.Command(m.Platform, "requested")
	log.Info("sign-out of several requested", "resolved", len(targets), "skipped", len(skipped), "expires", p.ExpiresAt)
	prompt := p.prompt(e.opt.DryRun)
	prompt.Targets = e.duplicateWarnings(ctx, p)
	if err := c.Ask(ctx, prompt); err != nil {
		log.Error("could not show the confirmation prompt", "err", err)
	}
}

// duplicateWarnings is p's targets, each warned of the oldest other open
// request that names it too, as a single request is.
func (e *Engine) duplicateWarnings(ctx context.Context, p Pending) []Target {
	open, _ := e.openRequests(ctx) // a courtesy, as for one target
	out := slices.Clone(p.Targets)
	for i, t := range out {
		var first *Pending
		for j, o := range open {
			if o.RequestID != p.RequestID && o.names(t.UserID) && (first == nil || o.CreatedAt.Before(first.CreatedAt)) {
				first = &open[j]
			}
		}
		if first != nil {
			out[i].Warning = i18n.Sentences(t.Warning, i18n.M(i18n.WarnDuplicate, i18n.Raw(first.RequestID), first.Invoker, i18n.PlatformName(first.Platform)))
		}
	}
	return out
}

// typedList is the targets as typed, for the audit record.
func typedList(ts []commands.Target) string {
	in := make([]string, len(ts))
	for i, t := range ts {
		in[i] = t.Input
	}
	return strings.Join(in, ", ")
}

// resolveAll resolves, checks and describes every target, a few at a time.
func (e *Engine) resolveAll(ctx context.Context, m Message, rec audit.Record, ts []commands.Target, mentioned []string, log *slog.Logger) []candidate {
	out := make([]candidate, len(ts))
	sem := make(chan struct{}, bulkLookups)
	var wg sync.WaitGroup
	for i, t := range ts {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = e.resolveOne(ctx, m, rec, t, mentioned[i], log)
		})
	}
	wg.Wait()
	return out
}

// resolveOne is one target of a list: resolved (a mention already bound
// to userID), not protected, described.
func (e *Engine) resolveOne(ctx context.Context, m Message, rec audit.Record, t commands.Target, userID string, log *slog.Logger) candidate {
	target := Target{UserID: userID}
	if t.Kind != commands.Mention {
		var problem i18n.Msg
		if target, problem = e.resolve(ctx, m, t, log); !problem.IsZero() {
			return candidate{skip: problem}
		}
	}
	if d := e.opt.Policy.MayTarget(target.UserID); !d.Allowed {
		rec.Event, rec.Detail, rec.Target, rec.TargetInput = audit.Denied, d.Code, target.UserID, t.Input
		if err := e.opt.Audit.Write(rec); err != nil {
			e.obs.AuditFailure()
			log.Error("audit write failed for a skipped protected target", "err", err)
		}
		log.Warn("protected target skipped", "target", target.UserID, "why", d.Code)
		return candidate{skip: i18n.M(i18n.Refused, d.Reason)}
	}
	if refusal, _ := e.describe(ctx, &target, log); !refusal.IsZero() {
		return candidate{skip: refusal}
	}
	return candidate{target: target}
}

// pick keeps the candidates to act on, in the order typed, and lists the
// others, repeats included, as skipped.
func (e *Engine) pick(ctx context.Context, rec audit.Record, ts []commands.Target, cs []candidate, log *slog.Logger) ([]Target, []Skipped) {
	var targets []Target
	var skipped []Skipped
	seen := map[string]Target{}
	for i, c := range cs {
		if !c.skip.IsZero() {
			skipped = append(skipped, Skipped{Input: ts[i].Input, Why: c.skip})
			continue
		}
		id := authz.NormalizeUserID(c.target.UserID)
		if first, ok := seen[id]; ok {
			skipped = append(skipped, Skipped{Input: ts[i].Input, Why: i18n.M(i18n.BulkRepeat, TargetLabel(first))})
			continue
		}
		seen[id] = c.target
		targets = append(targets, c.target)
	}
	return targets, skipped
}

// skippedLines is one line per skipped target: as typed, and why.
func skippedLines(s []Skipped) []i18n.Msg {
	lines := make([]i18n.Msg, len(s))
	for i, x := range s {
		lines[i] = i18n.M(i18n.BulkItemWhy, x.Input, x.Why)
	}
	return lines
}

// bindMentions binds the @mention targets of a list to the message's
// mention data, which has no positions or names: only when nothing else
// could be meant. Every @-word of the message must be one of the targets,
// and the mention entries besides the bot's own must be as many, each
// with a userId. They are bound in order; the prompt shows each one's
// name from the directory, so a wrong order shows before anything is
// done. It returns one userId per target ("" for the others).
func bindMentions(ts []commands.Target, m Message) ([]string, i18n.Msg) {
	ids := make([]string, len(ts))
	var at []int
	for i, t := range ts {
		if t.Kind == commands.Mention {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		return ids, i18n.Msg{}
	}
	first := ts[at[0]].Value
	if m.Platform != DingTalk {
		return nil, i18n.M(i18n.MentionNotDingTalk, first)
	}
	var others []Mention
	self := 0
	for _, u := range m.Mentions {
		if u.Self {
			self++
		} else {
			others = append(others, u)
		}
	}
	shown := len(others) + max(self-1, 0)
	words := max(m.MentionWords, strings.Count(commands.Normalize(m.Text), "@"))
	if words != len(at) || shown != len(at) || len(others) != len(at) {
		return nil, i18n.M(i18n.MentionsMismatch, words, len(others))
	}
	for k, i := range at {
		if others[k].UserID == "" {
			return nil, i18n.M(i18n.MentionOutsider, ts[i].Value)
		}
		ids[i] = others[k].UserID
	}
	return ids, i18n.Msg{}
}
