package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/alicebob/miniredis/v2"
	"github.com/signout-bot/signout-bot/redisstore"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

func addPeople(h *harness, ids ...string) {
	for _, id := range ids {
		h.api.AddUser(fakedingtalk.FakeUser{UserID: id, Name: "Person " + id, Exclusive: true})
	}
}

func userIDs(ts []bot.Target) string {
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.UserID
	}
	return strings.Join(ids, ",")
}

// countEvents counts the audit records per event, checking they all
// belong to the request.
func countEvents(t *testing.T, h *harness, requestID string) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, r := range h.records() {
		if r.RequestID != requestID {
			t.Fatalf("record of another request: %+v", r)
		}
		n[r.Event]++
	}
	return n
}

func summaryText(r bot.Result) string {
	failed, skipped := bot.SummaryLines(r)
	return en(i18n.Lines(append(append([]i18n.Msg{bot.SummaryHead(r)}, failed...), skipped...)...))
}

// A list with a repeat, a protected account and an unknown mobile: one
// prompt names the three people left, the others are skipped with why,
// and confirming signs out exactly those three, each audited.
func TestBulkListSkipsWithWhy(t *testing.T) {
	h := newHarness(t)
	addPeople(h, "bob9", "carol9")
	p, cmd := h.prompt("/signout alice, bob9,ALICE，ceo001、13900000000,carol9 phishing wave 2")
	if got := userIDs(p.Targets); got != "alice,bob9,carol9" || p.Target.UserID != "alice" || p.Reason != "phishing wave 2" {
		t.Fatalf("prompt targets %s, target %s, reason %q", got, p.Target.UserID, p.Reason)
	}
	if p.Targets[1].Name != "Person bob9" {
		t.Fatalf("no name: %+v", p.Targets[1])
	}
	want := map[string]string{"ALICE": "named twice, already listed as Alice Liddell (alice)", "ceo001": "Refused: ", "13900000000": "13900000000"}
	if len(p.Skipped) != 3 {
		t.Fatalf("skipped %+v", p.Skipped)
	}
	for _, s := range p.Skipped {
		if w, ok := want[s.Input]; !ok || !strings.Contains(en(s.Why), w) {
			t.Errorf("skipped %q: %q, want %q", s.Input, en(s.Why), w)
		}
	}
	if len(h.signOuts()) != 0 {
		t.Fatal("signed out before the confirmation")
	}
	tellOf(t, h.click(invoker, p.Code).only(t), bot.NoticeProgress, "Signing out 3 accounts")
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if !res.OK || len(res.Each) != 3 || len(res.Skipped) != 3 {
		t.Fatalf("result %+v", res)
	}
	if s := summaryText(res); !strings.Contains(s, "Signed out 3 of 3 accounts; 0 failed.") || !strings.Contains(s, "Skipped (3)") {
		t.Fatalf("summary %s", s)
	}
	got := map[string]int{}
	for _, so := range h.signOuts() {
		got[so.UserID]++
	}
	if len(got) != 3 || got["alice"] != 1 || got["bob9"] != 1 || got["carol9"] != 1 {
		t.Fatalf("signOut calls %v", got)
	}
	n := countEvents(t, h, p.RequestID)
	if n[audit.Requested] != 3 || n[audit.Denied] != 1 || n[audit.Confirmed] != 3 || n[audit.Succeeded] != 3 || len(n) != 4 {
		t.Fatalf("audit events %v", n)
	}
}

func TestBulkTooManyRefusedNamingTheLimit(t *testing.T) {
	h := newHarness(t)
	ids := make([]string, 60)
	for i := range ids {
		ids[i] = fmt.Sprintf("u%02d", i)
	}
	r := h.say(invoker, "/signout "+strings.Join(ids, ",")+" phishing")
	tellOf(t, r.only(t), bot.NoticeUsage, "too many users (60): at most 50 in one request (signout.max_targets)")
	if len(h.records()) != 0 || len(h.api.Requests(fakedingtalk.PathSignOut)) != 0 {
		t.Fatal("something was done")
	}
}

func TestBulkEveryoneSkippedIsRefused(t *testing.T) {
	h := newHarness(t)
	r := h.say(invoker, "/signout ceo001,13900000000 phishing")
	tellOf(t, r.only(t), bot.NoticeRefused, "Nothing to sign out: every user in the list was skipped.")
}

// One target failing among several is reported in words in the summary
// and audited with its code; the others go ahead.
func TestBulkOneFailureInWords(t *testing.T) {
	h := newHarness(t)
	addPeople(h, "bob9")
	p, cmd := h.prompt("/signout alice,guest7,bob9 leaked passwords")
	h.click(invoker, p.Code)
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if res.OK || len(res.Each) != 3 {
		t.Fatalf("result %+v", res)
	}
	s := summaryText(res)
	if !strings.Contains(s, "Signed out 2 of 3 accounts; 1 failed.") || !strings.Contains(s, "Gus (guest7): ") || !strings.Contains(s, "Enterprise Account") || !strings.Contains(s, "exclusive.account.only") {
		t.Fatalf("summary %s", s)
	}
	var failed []audit.Record
	for _, r := range h.records() {
		if r.Event == audit.Failed {
			failed = append(failed, r)
		}
	}
	if len(failed) != 1 || failed[0].Target != "guest7" || failed[0].Code != "exclusive.account.only" || failed[0].RequestID != p.RequestID {
		t.Fatalf("failed records %+v", failed)
	}
	if n := countEvents(t, h, p.RequestID); n[audit.Succeeded] != 2 {
		t.Fatalf("audit %v", n)
	}
}

func TestBulkSignOutAndDisable(t *testing.T) {
	h := newHarness(t)
	addPeople(h, "bob9")
	p, cmd := h.prompt("/signout alice,bob9 stolen laptop")
	h.engine.Confirm(context.Background(), bot.Action{Platform: bot.Slack, User: invoker, Conversation: channel, Code: p.Code, Disable: true}, newRecorder("confirm disable"))
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if !res.OK || !strings.Contains(summaryText(res), "2 of them disabled.") {
		t.Fatalf("result %s", summaryText(res))
	}
	if !h.api.Disabled("alice") || !h.api.Disabled("bob9") {
		t.Fatal("not disabled")
	}
	if n := countEvents(t, h, p.RequestID); n[audit.Disabled] != 2 || n[audit.Succeeded] != 2 {
		t.Fatalf("audit %v", n)
	}
}

// Several DingTalk @mentions before the reason are bound to the mention data.
func TestBulkMentionsBound(t *testing.T) {
	h := newHarness(t)
	addPeople(h, "bob")
	p := h.dingTalkSay("/signout @Alice\u2005@Bob\u2005lost phones", 2, selfMention, bobM, aliceM).only(t).mustPrompt(t)
	if got := userIDs(p.Targets); got != "bob,alice" && got != "alice,bob" {
		t.Fatalf("targets %s", got)
	}
	for _, tg := range p.Targets {
		if tg.Name == "" {
			t.Fatalf("no name for %s: the prompt must show who was bound", tg.UserID)
		}
	}
}

// blockingSignOuter holds every sign-out until its context ends.
type blockingSignOuter struct{ started chan string }

func (b blockingSignOuter) SignOut(ctx context.Context, userID, _ string, _ map[string]string) error {
	b.started <- userID
	<-ctx.Done()
	return context.Cause(ctx)
}

// A shutdown in the middle of a run records each target honestly: the
// ones in flight fail as stopped, the ones not started are audited as
// failed, not started, and the summary says so.
func TestBulkShutdownMidRunAuditsNotStarted(t *testing.T) {
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = fmt.Sprintf("p%02d", i)
	}
	so := blockingSignOuter{started: make(chan string, len(ids))}
	h := newHarness(t, func(o *bot.Options) { o.SignOuter = so })
	addPeople(h, ids...)
	p, cmd := h.prompt("/signout " + strings.Join(ids, ",") + " phishing")
	var running atomic.Int32
	go h.click(invoker, p.Code)
	deadline := time.After(10 * time.Second)
	for running.Load() < 8 {
		select {
		case <-so.started:
			running.Add(1)
		case <-deadline:
			t.Fatalf("only %d sign-outs started", running.Load())
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := h.engine.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	notStarted := 0
	for _, x := range res.Each {
		if x.NotStarted {
			notStarted++
		}
	}
	if notStarted != len(ids)-8 || !strings.Contains(summaryText(res), fmt.Sprintf("%d not started: the bot stopped", len(ids)-8)) {
		t.Fatalf("%d not started; summary %s", notStarted, summaryText(res))
	}
	outcome := map[string]string{}
	for _, r := range h.records() {
		if r.Event == audit.Failed {
			outcome[r.Target] = r.Detail
		}
	}
	nsRecords := 0
	for _, id := range ids {
		switch d := outcome[id]; {
		case d == "not started: the bot stopped":
			nsRecords++
		case strings.HasPrefix(d, "gave_up"):
		default:
			t.Errorf("%s: audit detail %q", id, d)
		}
	}
	if nsRecords != len(ids)-8 {
		t.Fatalf("%d not-started records", nsRecords)
	}
}

// Under the two-person rule the approval card lists the targets; the
// approval signs them all out, audited as approved by the approver.
func TestBulkTwoPerson(t *testing.T) {
	h := twoPerson(t)
	addPeople(h, "bob9")
	p, cmd := h.prompt("/signout alice,bob9 phishing")
	if !p.TwoPerson || userIDs(p.Targets) != "alice,bob9" {
		t.Fatalf("card %+v", p)
	}
	tellOf(t, h.act("confirm", bot.Slack, invoker, p.Code).only(t), bot.NoticeRefused, "")
	h.act("approve", bot.Slack, approver, p.Code)
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if !res.OK || res.Approver != approver || len(res.Each) != 2 || len(h.signOuts()) != 2 {
		t.Fatalf("result %+v, %d sign-outs", res, len(h.signOuts()))
	}
	for _, r := range h.records() {
		if (r.Event == audit.Approved || r.Event == audit.Succeeded) && r.Approver != approver {
			t.Fatalf("record %+v", r)
		}
	}
	if n := countEvents(t, h, p.RequestID); n[audit.Approved] != 2 || n[audit.Succeeded] != 2 {
		t.Fatalf("audit %v", n)
	}
}

// A list naming someone another open request names warns on that line,
// and a later single request for someone in an open list is warned too.
func TestBulkDuplicateWarnings(t *testing.T) {
	h := newHarness(t)
	addPeople(h, "bob9")
	single, _ := h.prompt("/signout alice lost phone")
	p, _ := h.prompt("/signout bob9,alice phishing")
	if !p.Targets[0].Warning.IsZero() || !strings.Contains(en(p.Targets[1].Warning), single.RequestID) {
		t.Fatalf("warnings %q / %q", en(p.Targets[0].Warning), en(p.Targets[1].Warning))
	}
	later, _ := h.prompt("/signout bob9 again")
	if !strings.Contains(en(later.Target.Warning), p.RequestID) {
		t.Fatalf("warning %q", en(later.Target.Warning))
	}
}

// A list's Pending is plain data: any replica reads back the same
// targets and the same reasons for the skipped ones.
func TestBulkPendingRoundTrips(t *testing.T) {
	p := bot.Pending{RequestID: "req-abcd1234", Code: "AB12CD", Target: bot.Target{UserID: "alice", Name: "Alice"},
		Targets: []bot.Target{{UserID: "alice", Name: "Alice"}, {UserID: "bob9", Warning: i18n.M(i18n.WarnUnknownUserID)}},
		Skipped: []bot.Skipped{{Input: "ALICE", Why: i18n.M(i18n.BulkRepeat, "Alice (alice)")}, {Input: "13900000000", Why: i18n.M(i18n.NoSuchMobile, "13900000000")}}}
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back bot.Pending
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if userIDs(back.Targets) != "alice,bob9" || len(back.Skipped) != 2 || en(back.Targets[1].Warning) != en(p.Targets[1].Warning) {
		t.Fatalf("read back %+v", back)
	}
	for i, s := range back.Skipped {
		if s.Input != p.Skipped[i].Input || en(s.Why) != en(p.Skipped[i].Why) {
			t.Fatalf("skipped %d: %q %q", i, s.Input, en(s.Why))
		}
	}
}

// A list prompted on one replica is confirmed on another through Redis:
// the targets and skipped ones survive the store, and every target is
// signed out once, by the replica that claimed it.
func TestBulkAnotherReplicaCompletesThroughRedis(t *testing.T) {
	store, err := redisstore.New(redisstore.Config{URL: "redis://" + miniredis.RunT(t).Addr() + "/0", KeyPrefix: "bulk:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	a := newHarness(t, func(o *bot.Options) { o.Store = store; o.Instance = "a" })
	addPeople(a, "bob9")
	p, cmd := a.prompt("/signout alice,bob9,13900000000 phishing")
	shutdownWithin(t, a, 5*time.Second)

	b := newHarness(t, func(o *bot.Options) { o.Store = store; o.Instance = "b" })
	addPeople(b, "bob9")
	b.click(invoker, p.Code)
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if !res.OK || len(res.Each) != 2 || len(res.Skipped) != 1 || !strings.Contains(en(res.Skipped[0].Why), "13900000000") {
		t.Fatalf("result %+v", res)
	}
	if n := len(b.signOuts()); n != 2 {
		t.Fatalf("%d sign-outs on b", n)
	}
	if got := b.events(); got != "confirmed,confirmed,succeeded,succeeded" {
		t.Fatalf("replica b audited %s", got)
	}
}
