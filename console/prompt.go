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
	lines = append(lines, i18n.M(question, bot.TargetLabel(p.Target)))
	if p.Target.Title != "" {
		lines = append(lines, i18n.M(i18n.PromptTitle, p.Target.Title))
	}
	if !p.Target.Via.IsZero() {
		lines = append(lines, i18n.M(i18n.PromptVia, p.Target.Via))
	}
	if !p.Target.Warning.IsZero() {
		lines = append(lines, i18n.M(i18n.PromptNote, p.Target.Warning))
	}
	if !p.Target.Account.IsZero() {
		lines = append(lines, p.Target.Account)
	}
	lines = append(lines, i18n.M(i18n.PromptReason, p.Reason),
		i18n.M(i18n.PromptTyped, i18n.Raw(p.Code)),
		i18n.M(i18n.PromptExpires, i18n.Raw(lang.Until(p.ExpiresAt, now)), i18n.Raw(p.RequestID)))
	if !p.Enable {
		lines = append(lines, i18n.M(i18n.PromptTypedDisable, i18n.Raw(p.Code)))
	}
	return strings.TrimRight(lang.Text(i18n.Lines(lines...)), "\n")
}
