package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// maxCandidates bounds the accounts listed (and looked up) when one mobile
// number is behind several Enterprise Accounts.
const maxCandidates = 10

// mismatch is the refusal for a target DingTalk knows by another userId:
// acting on either spelling could reach an account the invoker did not
// check. DingTalk's id is checked against the protected accounts too, so
// the refusal says so when it is one.
func (e *Engine) mismatch(t Target, mm *UserIDMismatchError) (text, why string) {
	why = fmt.Sprintf("DingTalk answered about userId %s when asked about %s", mm.Answered, mm.Asked)
	if t.Via == "" {
		text = fmt.Sprintf("You typed %s but DingTalk knows this account as %s; nothing was done.", mm.Asked, mm.Answered)
	} else {
		text = fmt.Sprintf("DingTalk named %s (found by %s) but knows this account as %s; nothing was done.", mm.Asked, t.Via, mm.Answered)
	}
	if d := e.opt.Policy.MayTarget(mm.Answered); !d.Allowed {
		return text + " " + mm.Answered + " is a protected account and can never be signed out by the bot.", why + "; " + d.Reason
	}
	return text + " Check and send the exact userId.", why
}

// ambiguousMobile says which accounts share a mobile number, with the names
// DingTalk gives, and asks for a userId: the bot never picks one itself.
func (e *Engine) ambiguousMobile(ctx context.Context, input string, amb *AmbiguousMobileError, log *slog.Logger) string {
	log.Info("mobile number is behind several Enterprise Accounts; asking for a userId", "accounts", len(amb.UserIDs))
	ids := amb.UserIDs[:min(len(amb.UserIDs), maxCandidates)]
	names := e.candidateNames(ctx, ids, log)
	var b strings.Builder
	fmt.Fprintf(&b, "Mobile %s belongs to %d DingTalk Enterprise Accounts:\n", input, len(amb.UserIDs))
	for i, id := range ids {
		label := TargetLabel(Target{UserID: id, Name: names[i]})
		if d := e.opt.Policy.MayTarget(id); !d.Allowed {
			label += " (protected)"
		}
		fmt.Fprintf(&b, "- %s\n", label)
	}
	if more := len(amb.UserIDs) - len(ids); more > 0 {
		fmt.Fprintf(&b, "- and %d more\n", more)
	}
	b.WriteString("Nothing was done. Send /signout again with the userId of the account you mean.")
	return b.String()
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
