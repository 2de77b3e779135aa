package bot

import (
	"context"

	"github.com/signout-bot/signout-bot/audit"
)

// Directory finds people. contacts.Directory implements it for DingTalk.
// Errors are the engine's own (people.go): ErrNotFound, ErrNoAnswer,
// *AmbiguousMobileError, *UserIDMismatchError, *APIError, or any other
// error, which the engine reports as it reads.
type Directory interface {
	// UserIDByMobile finds the one Enterprise Account behind a mobile
	// number, or says there are several (*AmbiguousMobileError).
	UserIDByMobile(ctx context.Context, mobile string) (string, error)
	// Person describes userID, or says the directory knows the account by
	// another userId (*UserIDMismatchError).
	Person(ctx context.Context, userID string) (Person, error)
}

// SignOuter performs the sign-out. contacts.Directory implements it for
// DingTalk; its errors are the engine's own, as for Directory.
type SignOuter interface {
	SignOut(ctx context.Context, userID, reason string, i18n map[string]string) error
}

// Containment disables an account (so that stolen credentials can't sign
// back in after the sign-out) and enables it again. contacts.Directory
// implements it for DingTalk; errors as for Directory.
type Containment interface {
	Disable(ctx context.Context, userID, reason string) error
	Enable(ctx context.Context, userID string) error
	// Disabled reports whether the account is disabled now.
	Disabled(ctx context.Context, userID string) (bool, error)
}

// Auditor appends audit records durably. *audit.File implements it.
type Auditor interface {
	Write(r audit.Record) error
}

// stamped names the replica in every record it writes.
type stamped struct {
	Auditor
	instance string
}

func (s stamped) Write(r audit.Record) error {
	r.Instance = s.instance
	return s.Auditor.Write(r)
}

// Observer is told what the engine does, for metrics. Every method must be
// cheap and safe for concurrent use.
type Observer interface {
	// Command counts a command or action by platform and outcome
	// ("requested", "denied", "invalid", "confirmed", "cancelled", ...).
	Command(platform, outcome string)
	// SignOut records a sign-out call's outcome ("succeeded", "failed",
	// "dry_run") and how long it took in seconds.
	SignOut(outcome string, seconds float64)
	// AuditFailure counts a record that could not be written.
	AuditFailure()
}

type nopObserver struct{}

func (nopObserver) Command(string, string)  {}
func (nopObserver) SignOut(string, float64) {}
func (nopObserver) AuditFailure()           {}
