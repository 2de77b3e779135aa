package bot

import (
	"context"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/dingtalk"
)

// Directory finds DingTalk users. *dingtalk.Client implements it.
type Directory interface {
	UserIDByMobile(ctx context.Context, mobile string) (string, error)
	User(ctx context.Context, userID string) (dingtalk.User, error)
}

// SignOuter performs the sign-out. *dingtalk.Client implements it.
type SignOuter interface {
	SignOut(ctx context.Context, userID, reason string, i18n map[string]string) error
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
