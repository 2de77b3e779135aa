// Package enginetest builds engines for the property tests and fuzz
// targets of several packages.
package enginetest

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/bot"
)

// nopAudit keeps nothing: fuzzing must not fill a disk.
type nopAudit struct{}

func (nopAudit) Write(audit.Record) error { return nil }

// Bare is a dry-run engine with no directory and an audit log that keeps
// nothing, where dingtalkUser may act in DingTalk. It is shut down when
// the test ends.
func Bare(tb testing.TB, dingtalkUser string) *bot.Engine {
	tb.Helper()
	e, err := bot.New(bot.Options{
		Policy: authz.New(authz.Rules{Invokers: map[string][]string{bot.DingTalk: {dingtalkUser}}}),
		Audit:  nopAudit{}, DryRun: true, TTL: time.Hour, SweepInterval: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.Shutdown(ctx); err != nil {
			tb.Errorf("shutdown: %v", err)
		}
	})
	return e
}
