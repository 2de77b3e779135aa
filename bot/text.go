package bot

import (
	"fmt"
	"strings"
	"time"
)

// The plain-text wording shared by every front end. Text here is unescaped:
// a front end escapes user-supplied parts (reason, names) for its markup.

// TargetLabel names a target: "Zhang San (zhangsan)" or the bare userId.
func TargetLabel(t Target) string {
	if t.Name == "" {
		return t.UserID
	}
	return fmt.Sprintf("%s (%s)", t.Name, t.UserID)
}

// Until says when a prompt expires, e.g. "06:14 UTC, in 2m0s".
func Until(at, now time.Time) string {
	return fmt.Sprintf("%s UTC, in %s", at.UTC().Format("15:04"), at.Sub(now).Round(time.Second))
}

// PromptText is the confirmation prompt as plain text, with the typed
// confirm and cancel commands.
func PromptText(p Prompt, now time.Time) string {
	var b strings.Builder
	if p.DryRun {
		b.WriteString("[dry run: nothing will be sent to DingTalk]\n")
	}
	fmt.Fprintf(&b, "Sign out %s from DingTalk on every device?\n", TargetLabel(p.Target))
	if p.Target.Title != "" {
		fmt.Fprintf(&b, "Title: %s\n", p.Target.Title)
	}
	if p.Target.Via != "" {
		fmt.Fprintf(&b, "Found by: %s\n", p.Target.Via)
	}
	if p.Target.Warning != "" {
		fmt.Fprintf(&b, "Note: %s\n", p.Target.Warning)
	}
	fmt.Fprintf(&b, "Reason: %s\n", p.Reason)
	fmt.Fprintf(&b, "To go ahead send: confirm %s\nTo stop send: cancel %s\n", p.Code, p.Code)
	fmt.Fprintf(&b, "Expires %s. Request %s", Until(p.ExpiresAt, now), p.RequestID)
	return b.String()
}

// ResultText is the outcome as plain text.
func ResultText(r Result) string {
	var b strings.Builder
	switch {
	case r.OK && r.DryRun:
		fmt.Fprintf(&b, "Dry run: would have signed out %s (nothing was sent to DingTalk).", TargetLabel(r.Target))
	case r.OK:
		fmt.Fprintf(&b, "✅ Signed out %s from DingTalk on every device.", TargetLabel(r.Target))
	default:
		fmt.Fprintf(&b, "❌ Could not sign out %s: %s.", TargetLabel(r.Target), strings.TrimSuffix(r.Problem, "."))
		if r.Code != "" {
			fmt.Fprintf(&b, " (DingTalk code %s", r.Code)
			if r.DingTalkRequestID != "" {
				fmt.Fprintf(&b, ", requestid %s", r.DingTalkRequestID)
			}
			b.WriteString(")")
		}
	}
	fmt.Fprintf(&b, "\nReason: %s\nRequested by %s. Request %s", r.Reason, r.Invoker, r.RequestID)
	if r.AuditFailed {
		b.WriteString("\nWarning: this outcome could not be written to the audit log.")
	}
	return b.String()
}
