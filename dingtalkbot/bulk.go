package dingtalkbot

import (
	"encoding/json"
	"strings"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// A request naming several people: the prompt and the summary list them,
// each list summarised ("…and 37 more") past its share of maxListBytes, so
// that the whole message stays well within DingTalk's 15000-byte msgParam.
const maxListBytes = 9000

// promptLabel names what p acts on: its one target, or "5 accounts".
func promptLabel(lang *i18n.Printer, p bot.Prompt) string {
	if len(p.Targets) > 0 {
		return lang.Text(i18n.M(i18n.BulkLabel, len(p.Targets)))
	}
	return bot.TargetLabel(p.Target)
}

// shownTarget is the target whose details a prompt shows: none for a list.
func shownTarget(p bot.Prompt) bot.Target {
	if len(p.Targets) > 0 {
		return bot.Target{}
	}
	return p.Target
}

// listLines renders lists of lines, escaped, each fitted to its share.
func listLines(lang *i18n.Printer, lists ...[]i18n.Msg) []string {
	var out []string
	for _, list := range lists {
		text := make([]string, len(list))
		for i, m := range list {
			text[i] = lang.Escaped(m, escapeLine)
		}
		size := func(s string) int {
			b, _ := json.Marshal(s) // as it goes over the wire
			return len(b) + 2
		}
		more := func(n int) string { return lang.Escaped(i18n.M(i18n.BulkMore, n), escapeLine) }
		if len(text) > 0 {
			out = append(out, bot.FitLines(text, maxListBytes/len(lists), size, more)...)
		}
	}
	return out
}

// summaryMarkdown is the outcome of a request naming several people.
func summaryMarkdown(lang *i18n.Printer, r bot.Result) string {
	lines := []string{lang.Escaped(bot.SummaryHead(r), escapeLine)}
	failed, skipped := bot.SummaryLines(r)
	lines = append(lines, listLines(lang, failed, skipped)...)
	reason := i18n.M(i18n.ResultReason, r.Reason)
	if r.Reason == "" {
		reason = i18n.M(i18n.ResultReason, i18n.M(i18n.NoReason))
	}
	lines = append(lines, lang.Escaped(reason, escapeLine), lang.Escaped(i18n.M(i18n.ResultBy, r.Invoker, i18n.Raw(r.RequestID)), escapeLine))
	if r.AuditFailed {
		lines = append(lines, lang.Escaped(i18n.M(i18n.ResultNotAudited), escapeLine))
	}
	return strings.Join(lines, "\n\n")
}
