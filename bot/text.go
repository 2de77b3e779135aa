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
	ok, dry, failedKey := i18n.ResultOK, i18n.ResultDryRun, i18n.ResultFailed
	if r.Enable {
		ok, dry, failedKey = i18n.ResultEnabled, i18n.ResultDryEnable, i18n.ResultEnableFail
	}
	switch {
	case r.OK && r.DryRun:
		return i18n.Sentences(i18n.M(dry, label), disableLine(r))
	case r.OK:
		return i18n.Sentences(i18n.M(ok, label), disableLine(r))
	}
	failed := i18n.M(failedKey, label, r.Problem)
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

// disableLine says how disabling went, if it was asked for.
func disableLine(r Result) i18n.Msg {
	label := TargetLabel(r.Target)
	switch {
	case !r.Disable:
		return i18n.Msg{}
	case r.Disabled && r.DryRun:
		return i18n.M(i18n.ResultDryDisable, label)
	case r.Disabled:
		return i18n.M(i18n.ResultDisabled, label)
	}
	return i18n.M(i18n.ResultDisableFail, label, r.DisableProblem)
}
