package bot

import (
	"fmt"

	"github.com/signout-bot/signout-bot/i18n"
)

// TargetLabel names a target: "Zhang San (zhangsan)" or the bare userId.
func TargetLabel(t Target) string {
	if t.Name == "" {
		return t.UserID
	}
	return fmt.Sprintf("%s (%s)", t.Name, t.UserID)
}

// ResultHeadline is the outcome in one line.
func ResultHeadline(r Result) i18n.Msg {
	label := TargetLabel(r.Target)
	switch {
	case r.OK && r.DryRun:
		return i18n.M(i18n.ResultDryRun, label)
	case r.OK:
		return i18n.M(i18n.ResultOK, label)
	}
	failed := i18n.M(i18n.ResultFailed, label, r.Problem)
	switch {
	case r.Code != "" && r.DingTalkRequestID != "":
		return i18n.Sentences(failed, i18n.M(i18n.ResultCodeRequest, r.Code, r.DingTalkRequestID))
	case r.Code != "":
		return i18n.Sentences(failed, i18n.M(i18n.ResultCode, r.Code))
	}
	return failed
}

// ResultMsg is the whole outcome: the headline, the reason, who asked.
func ResultMsg(r Result) i18n.Msg {
	reason := i18n.M(i18n.ResultReason, r.Reason)
	if r.Reason == "" {
		reason = i18n.M(i18n.ResultReason, i18n.M(i18n.NoReason))
	}
	lines := []i18n.Msg{ResultHeadline(r), reason, i18n.M(i18n.ResultBy, r.Invoker, i18n.Raw(r.RequestID))}
	if r.AuditFailed {
		lines = append(lines, i18n.M(i18n.ResultNotAudited))
	}
	return i18n.Lines(lines...)
}
