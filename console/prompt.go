package console

import (
	"strings"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// promptLines is the confirmation prompt as plain text, with the typed
// confirm and cancel commands.
func promptLines(lang *i18n.Printer, p bot.Prompt, now time.Time) string {
	var lines []i18n.Msg
	if p.DryRun {
		lines = append(lines, i18n.M(i18n.PromptDryRun))
	}
	question := i18n.PromptQuestion
	if p.Enable {
		question = i18n.PromptEnable
	}
	label, one := bot.TargetLabel(p.Target), p.Target
	if len(p.Targets) > 0 {
		label, one = lang.Text(i18n.M(i18n.BulkLabel, len(p.Targets))), bot.Target{}
	}
	lines = append(lines, i18n.M(question, label))
	if one.Title != "" {
		lines = append(lines, i18n.M(i18n.PromptTitle, one.Title))
	}
	if !one.Via.IsZero() {
		lines = append(lines, i18n.M(i18n.PromptVia, one.Via))
	}
	if !one.Warning.IsZero() {
		lines = append(lines, i18n.M(i18n.PromptNote, one.Warning))
	}
	if !one.Account.IsZero() {
		lines = append(lines, one.Account)
	}
	targets, skipped := bot.PromptLines(p) // a terminal has room for the whole list
	lines = append(append(lines, targets...), skipped...)
	lines = append(lines, i18n.M(i18n.PromptReason, p.Reason),
		i18n.M(i18n.PromptTyped, i18n.Raw(p.Code)),
		i18n.M(i18n.PromptExpires, i18n.Raw(lang.Until(p.ExpiresAt, now)), i18n.Raw(p.RequestID)))
	if !p.Enable {
		lines = append(lines, i18n.M(i18n.PromptTypedDisable, i18n.Raw(p.Code)))
	}
	return strings.TrimRight(lang.Text(i18n.Lines(lines...)), "\n")
}
