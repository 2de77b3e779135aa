package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/signout-bot/signout-bot/i18n"
)

// maxCandidates bounds the accounts listed (and looked up) when one mobile
// number is behind several Enterprise Accounts.
const maxCandidates = 10

// mismatch is the refusal for a target DingTalk knows by another userId:
// acting on either spelling could reach an account the invoker did not
// check. DingTalk's id is checked against the protected accounts too, so
// the refusal says so when it is one.
func (e *Engine) mismatch(t Target, mm *UserIDMismatchError) (text i18n.Msg, why string) {
	why = fmt.Sprintf("id_mismatch asked=%s answered=%s", mm.Asked, mm.Answered)
	if t.Via.IsZero() {
		text = i18n.M(i18n.MismatchTyped, mm.Asked, mm.Answered)
	} else {
		text = i18n.M(i18n.MismatchVia, mm.Asked, mm.Answered, t.Via)
	}
	if d := e.opt.Policy.MayTarget(mm.Answered); !d.Allowed {
		return i18n.Sentences(text, i18n.M(i18n.MismatchProtected, mm.Answered)), why + " " + d.Code
	}
	return i18n.Sentences(text, i18n.M(i18n.MismatchCheck)), why
}

// ambiguousMobile says which accounts share a mobile number, with the names
// DingTalk gives, and asks for a userId: the bot never picks one itself.
func (e *Engine) ambiguousMobile(ctx context.Context, input string, amb *AmbiguousMobileError, log *slog.Logger) i18n.Msg {
	log.Info("mobile number is behind several Enterprise Accounts; asking for a userId", "accounts", len(amb.UserIDs))
	ids := amb.UserIDs[:min(len(amb.UserIDs), maxCandidates)]
	names := e.candidateNames(ctx, ids, log)
	lines := []i18n.Msg{i18n.M(i18n.AmbiguousHead, input, len(amb.UserIDs))}
	for i, id := range ids {
		key := i18n.AmbiguousItem
		if d := e.opt.Policy.MayTarget(id); !d.Allowed {
			key = i18n.AmbiguousProtected
		}
		lines = append(lines, i18n.M(key, TargetLabel(Target{UserID: id, Name: names[i]})))
	}
	if more := len(amb.UserIDs) - len(ids); more > 0 {
		lines = append(lines, i18n.M(i18n.AmbiguousMore, more))
	}
	return i18n.Lines(append(lines, i18n.M(i18n.AmbiguousTail))...)
}

// candidateNames looks the names of ids up in parallel within one
// LookupTimeout; a failed lookup leaves its name empty.
func (e *Engine) candidateNames(ctx context.Context, ids []string, log *slog.Logger) []string {
	names := make([]string, len(ids))
	lctx, cancel := context.WithTimeout(ctx, e.opt.LookupTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			u, err := e.opt.Directory.Person(lctx, id)
			if err != nil {
				log.Warn("name lookup of a candidate failed; showing the bare userId", "target", id, "err", err)
				return
			}
			names[i] = u.Name
		})
	}
	wg.Wait()
	return names
}

// asMismatch reports whether err says DingTalk knows the user by another id.
func asMismatch(err error) (*UserIDMismatchError, bool) {
	var mm *UserIDMismatchError
	ok := errors.As(err, &mm)
	return mm, ok
}
