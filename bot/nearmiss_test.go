package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/bot"
)

// A mistyped code, from an allowed user with requests pending, is answered
// with their pending codes, never with "run /signout again".
func TestNearMissCodeListsOwnPending(t *testing.T) {
	h := newHarness(t)
	first, _ := h.prompt("/signout alice lost phone")
	wrong := "ZZZZ99"
	n := h.click(invoker, wrong).only(t)
	tellOf(t, n, bot.NoticeRefused, "No pending request has code ZZZZ99; you have one pending: "+first.Code+".")
	if strings.Contains(en(n.notice.Msg), "run /signout") {
		t.Fatalf("near miss suggests a new request: %q", en(n.notice.Msg))
	}
	second, _ := h.prompt("/signout guest7 shared laptop")
	codes := []string{first.Code, second.Code}
	slices.Sort(codes) // same clock: ordered by code
	n = h.say(invoker, "confirm "+wrong).only(t)
	tellOf(t, n, bot.NoticeRefused, "you have 2 pending: "+strings.Join(codes, ", ")+".")
	if strings.Contains(en(n.notice.Msg), "run /signout") {
		t.Fatalf("near miss suggests a new request: %q", en(n.notice.Msg))
	}
	// Another allowed user with nothing pending gets today's answer.
	r := newRecorder("colleague")
	h.engine.Confirm(context.Background(), bot.Action{Platform: bot.DingTalk, User: "manager4220", Conversation: channel, Code: wrong}, r)
	tellOf(t, r.only(t), bot.NoticeRefused, "run /signout again")
	if len(h.signOuts()) != 0 {
		t.Fatal("a wrong code signed someone out")
	}
}

// Someone not on the allow-list gets the one unknown-code answer whatever
// they send, even while requests are pending, and never sees a code.
func TestNearMissNotAllowedLearnsNothing(t *testing.T) {
	fresh := newHarness(t)
	want := shown(fresh.click(stranger, "ZZZZ99").only(t).notice)

	h := newHarness(t)
	p, _ := h.prompt("/signout alice lost phone")
	if p.Code == "ZZZZ99" {
		t.Skip("drew the unknown code")
	}
	for _, got := range []shownNotice{
		shown(h.click(stranger, "ZZZZ99").only(t).notice),
		shown(h.say(stranger, "confirm ZZZZ99").only(t).notice),
	} {
		if got != want {
			t.Fatalf("answer to a stranger %+v differs from the unknown-code answer %+v", got, want)
		}
		if strings.Contains(got.Text, p.Code) {
			t.Fatalf("stranger told a live code: %q", got.Text)
		}
	}
	// The same name on a platform where it is not allowed is someone else.
	r := newRecorder("dingtalk")
	h.engine.Confirm(context.Background(), bot.Action{Platform: bot.DingTalk, User: invoker, Conversation: channel, Code: "ZZZZ99"}, r)
	if got := shown(r.only(t).notice); got != want {
		t.Fatalf("answer on another platform %+v differs from the unknown-code answer %+v", got, want)
	}
}

// A second request for a target already pending still gets its prompt, but
// the prompt names the first request; the first prompt has no such warning.
func TestDuplicateTargetWarned(t *testing.T) {
	h := newHarness(t)
	first, _ := h.prompt("/signout alice lost phone")
	if en(first.Target.Warning) != "" {
		t.Fatalf("first prompt warned: %q", en(first.Target.Warning))
	}
	r := newRecorder("second responder")
	h.handle(bot.Message{Platform: bot.DingTalk, Invoker: "manager4220", Conversation: channel,
		Text: "/signout alice phone stolen"}, r)
	second := r.only(t).mustPrompt(t)
	want := "Request " + first.RequestID + " (asked by " + invoker + " on Slack" +
		") is already waiting for confirmation for this account; confirm only one of them."
	if en(second.Target.Warning) != want {
		t.Fatalf("second prompt warning %q, want %q", en(second.Target.Warning), want)
	}
	// Once the first is closed, a new request is not warned.
	h.click(invoker, first.Code)
	third, _ := h.prompt("/signout guest7 shared laptop")
	if strings.Contains(en(third.Target.Warning), "already waiting") {
		t.Fatalf("unrelated target warned: %q", en(third.Target.Warning))
	}
}

// Targets are compared by canonical userId: without a directory to
// canonicalise them, ALICE and alice are still the same account.
func TestDuplicateTargetCaseInsensitive(t *testing.T) {
	h := newHarness(t, func(o *bot.Options) { o.Directory = nil })
	first, _ := h.prompt("/signout alice lost phone")
	second, _ := h.prompt("/signout ALICE lost phone")
	if second.Target.UserID != "ALICE" {
		t.Skipf("target canonicalised to %q before the check", second.Target.UserID)
	}
	if !strings.Contains(en(second.Target.Warning), "Request "+first.RequestID+" ") {
		t.Fatalf("case-differing duplicate not warned: %q", en(second.Target.Warning))
	}
}
