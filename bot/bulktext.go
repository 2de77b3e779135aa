package bot

import "github.com/signout-bot/signout-bot/i18n"

// What front ends show for a request naming several people. They render
// the lines in their language and markup, then fit them with FitLines.

// PromptLines lists a prompt's targets, each with name and userId (and
// its warning), and, as a second list with its heading, the skipped ones
// with why. Front ends fit each list on its own.
func PromptLines(p Prompt) (targets, skipped []i18n.Msg) {
	for _, t := range p.Targets {
		targets = append(targets, targetLine(t))
	}
	return targets, skippedSection(p.Skipped)
}

func targetLine(t Target) i18n.Msg {
	if t.Warning.IsZero() {
		return i18n.M(i18n.BulkItem, TargetLabel(t))
	}
	return i18n.M(i18n.BulkItemWhy, TargetLabel(t), t.Warning)
}

func skippedSection(s []Skipped) []i18n.Msg {
	if len(s) == 0 {
		return nil
	}
	return append([]i18n.Msg{i18n.M(i18n.BulkSkippedHead, len(s))}, skippedLines(s)...)
}

// SummaryHead is a bulk result in one paragraph: the counts.
func SummaryHead(r Result) i18n.Msg {
	ok, notStarted, disabled := 0, 0, 0
	for _, x := range r.Each {
		if x.OK {
			ok++
		}
		if x.NotStarted {
			notStarted++
		}
		if x.Disabled {
			disabled++
		}
	}
	failed := len(r.Each) - ok
	head := i18n.M(i18n.BulkSummary, ok, len(r.Each), failed)
	switch {
	case r.DryRun:
		head = i18n.M(i18n.BulkSummaryDry, len(r.Each))
	case r.Enable:
		head = i18n.M(i18n.BulkSummaryEnable, ok, len(r.Each), failed)
	}
	parts := []i18n.Msg{head}
	if r.Disable && disabled > 0 {
		parts = append(parts, i18n.M(i18n.BulkDisabledCount, disabled))
	}
	if notStarted > 0 {
		parts = append(parts, i18n.M(i18n.BulkNotStarted, notStarted))
	}
	return i18n.Sentences(parts...)
}

// SummaryLines lists every failure (and every account signed out but not
// disabled) with its reason in words, and, as a second list, the skipped
// targets.
func SummaryLines(r Result) (failed, skipped []i18n.Msg) {
	var lines []i18n.Msg
	for _, x := range r.Each {
		switch {
		case !x.OK:
			lines = append(lines, i18n.M(i18n.BulkItemWhy, TargetLabel(x.Target), x.Problem))
		case r.Disable && !x.Disabled:
			lines = append(lines, i18n.M(i18n.BulkItemWhy, TargetLabel(x.Target), i18n.M(i18n.BulkNotDisabled, x.DisableProblem)))
		}
	}
	if len(lines) > 0 {
		lines = append([]i18n.Msg{i18n.M(i18n.BulkFailedHead)}, lines...)
	}
	return lines, skippedSection(r.Skipped)
}

// FitLines keeps lines, in order, while they and the line saying how many
// were left out fit in budget (as size measures them), so that a long
// list is summarised, never cut inside a name. more renders that line.
func FitLines(lines []string, budget int, size func(string) int, more func(n int) string) []string {
	total := 0
	for _, l := range lines {
		total += size(l)
	}
	if total <= budget {
		return lines
	}
	reserve := size(more(len(lines)))
	kept, used := 0, 0
	for _, l := range lines {
		if used+size(l)+reserve > budget {
			break
		}
		used += size(l)
		kept++
	}
	return append(lines[:kept:kept], more(len(lines)-kept))
}
