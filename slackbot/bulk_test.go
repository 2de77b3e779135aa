package slackbot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// longTargets is n targets with long names full of markup characters.
func longTargets(n int) []bot.Target {
	ts := make([]bot.Target, n)
	for i := range ts {
		ts[i] = bot.Target{UserID: fmt.Sprintf("user%03d", i), Name: fmt.Sprintf("Name%03d ", i) + strings.Repeat("<长名字&>", 40)}
	}
	return ts
}

// checkList checks that a message fits Slack and that every id is either
// shown whole or counted in the "…and N more" line.
func checkList(t *testing.T, m message, ids []string) {
	t.Helper()
	checkMessage(t, m, "<@U0123ABC>")
	if len(m.blocks) > 50 {
		t.Fatalf("%d blocks", len(m.blocks))
	}
	var all strings.Builder
	for _, b := range m.blocks {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			if n := utf8.RuneCountInString(s.Text.Text); n > maxText {
				t.Fatalf("section of %d characters", n)
			}
			all.WriteString(s.Text.Text + "\n")
		}
	}
	shown := 0
	for _, id := range ids {
		if strings.Contains(all.String(), "("+id+")") {
			shown++
		}
	}
	more := 0
	if mm := regexp.MustCompile(`…and (\d+) more`).FindStringSubmatch(all.String()); mm != nil {
		more, _ = strconv.Atoi(mm[1])
	}
	if shown+more != len(ids) || shown == 0 {
		t.Fatalf("%d shown + %d counted as more, of %d", shown, more, len(ids))
	}
}

func TestBulkPromptAndSummaryFitSlack(t *testing.T) {
	lang := i18n.For(i18n.EN)
	ts := longTargets(50)
	ids := make([]string, len(ts))
	for i, x := range ts {
		ids[i] = x.UserID
	}
	skipped := []bot.Skipped{{Input: "13900000000", Why: i18n.M(i18n.NoSuchMobile, "13900000000")}, {Input: "boss", Why: i18n.M(i18n.Refused, "boss is protected")}}
	now := time.Now()
	p := bot.Prompt{RequestID: "req-abcd1234", Code: "AB12CD", Target: ts[0], Targets: ts, Skipped: skipped, Reason: "phishing wave 2", ExpiresAt: now.Add(time.Minute)}
	checkList(t, promptMessage(lang, p, now), ids)
	p.TwoPerson, p.Requester = true, "U0123ABC"
	checkList(t, approvalMessage(lang, p, now), ids)

	r := bot.Result{RequestID: p.RequestID, Invoker: "U0123ABC", Target: ts[0], Reason: p.Reason, Skipped: skipped}
	for i, x := range ts {
		tr := bot.TargetResult{Target: x, OK: i%2 == 0}
		if !tr.OK {
			tr.Problem = i18n.M(i18n.NoAnswer)
		}
		r.Each = append(r.Each, tr)
	}
	m := resultMessage(lang, r)
	var failed []string
	for i, id := range ids {
		if i%2 == 1 {
			failed = append(failed, id)
		}
	}
	checkList(t, m, failed)
	if !strings.HasPrefix(m.text, "Signed out 25 of 50 accounts; 25 failed.") {
		t.Fatalf("summary %q", m.text)
	}
}

func TestBulkSummarySaysWhyInWords(t *testing.T) {
	lang := i18n.For(i18n.EN)
	ts := longTargets(3)
	r := bot.Result{RequestID: "req-abcd1234", Invoker: "U0123ABC", Target: ts[0], Each: []bot.TargetResult{
		{Target: ts[0], OK: true}, {Target: ts[1], Problem: i18n.M(i18n.NoAnswer)}, {Target: ts[2], NotStarted: true, Problem: i18n.M(i18n.BulkNotStartedWhy)}}}
	m := resultMessage(lang, r)
	var all strings.Builder
	for _, b := range m.blocks {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			all.WriteString(s.Text.Text)
		}
	}
	for _, want := range []string{"Signed out 1 of 3 accounts; 2 failed.", "1 not started: the bot stopped", "(user001): " + lang.Text(i18n.M(i18n.NoAnswer)), "(user002): not started: the bot stopped"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, all.String())
		}
	}
}
