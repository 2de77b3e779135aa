package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

func (h *harness) confirmDisable(code string) *recorder {
	r := newRecorder(invoker + " confirm " + code + " disable")
	h.engine.Confirm(context.Background(), bot.Action{Platform: bot.Slack, User: invoker, Conversation: channel, Code: code, Disable: true}, r)
	return r
}

func TestSignOutAndDisable(t *testing.T) {
	h := newHarness(t)
	p, cmd := h.prompt("/signout alice lost phone")
	if got := en(p.Target.Account); got != "Account: active in DingTalk." {
		t.Fatalf("prompt account line %q", got)
	}
	h.confirmDisable(p.Code)
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	text := en(bot.ResultMsg(res))
	if !res.OK || !res.Disabled || !strings.Contains(text, "Signed out Alice Liddell (alice)") || !strings.Contains(text, "Also disabled Alice Liddell (alice)") {
		t.Fatalf("result %q", text)
	}
	if d := h.api.Disables(); len(d) != 1 || d[0].UserID != "alice" || d[0].Reason != "lost phone" || len(h.signOuts()) != 1 {
		t.Fatalf("disables %+v, sign-outs %d", d, len(h.signOuts()))
	}
	if got := h.events(); got != "requested,confirmed,succeeded,disabled" {
		t.Fatalf("audit %s", got)
	}
}

// A failed sign-out does not disable; a failed disable is audited with
// its code and said, the sign-out still counted.
func TestDisableOnlyAfterASignOut(t *testing.T) {
	h := newHarness(t)
	h.api.Script(fakedingtalk.PathSignOut, fakedingtalk.Response{Status: 400, Body: `{"code":"invalid.param","message":"bad","requestid":"r1"}`})
	p, cmd := h.prompt("/signout alice lost phone")
	h.confirmDisable(p.Code)
	if res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result; res.OK || res.Disable {
		t.Fatalf("result %+v", res)
	}
	if n := len(h.api.Disables()); n != 0 {
		t.Fatalf("%d disables after a failed sign-out", n)
	}

	h2 := newHarness(t)
	h2.api.Script(fakedingtalk.PathDisable, fakedingtalk.Response{Status: 403, Body: `{"code":"Forbidden.AccessDenied.AccessTokenPermissionDenied","message":"no","requestid":"r2"}`})
	q, cmd2 := h2.prompt("/signout alice lost phone")
	h2.confirmDisable(q.Code)
	res := cmd2.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if text := en(bot.ResultMsg(res)); !res.OK || res.Disabled || !strings.Contains(text, "Signed out, but could not disable Alice Liddell (alice)") {
		t.Fatalf("result %q", text)
	}
	recs := h2.records()
	last := recs[len(recs)-1]
	if got := h2.events(); got != "requested,confirmed,succeeded,failed" || last.Code != "Forbidden.AccessDenied.AccessTokenPermissionDenied" || !strings.HasPrefix(last.Detail, "disable") {
		t.Fatalf("audit %s, last %+v", got, last)
	}
}

func TestEnable(t *testing.T) {
	h := newHarness(t)
	h.api.AddUser(fakedingtalk.FakeUser{UserID: "bob", Name: "Bob", Exclusive: true, Disabled: true})
	p, cmd := h.prompt("/signout enable bob found his phone")
	if !p.Enable || en(p.Target.Account) != "Account: already disabled in DingTalk." {
		t.Fatalf("prompt %+v account %q", p, en(p.Target.Account))
	}
	h.click(invoker, p.Code)
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if text := en(bot.ResultMsg(res)); !res.OK || !strings.Contains(text, "Enabled Bob (bob) in DingTalk again") {
		t.Fatalf("result %q", text)
	}
	if e := h.api.Enables(); len(e) != 1 || e[0] != "bob" || len(h.signOuts()) != 0 {
		t.Fatalf("enables %v, sign-outs %d", e, len(h.signOuts()))
	}
	if got := h.events(); got != "requested,confirmed,enabled" {
		t.Fatalf("audit %s", got)
	}
	tellOf(t, h.say(invoker, "/signout enable ceo001 back").only(t), bot.NoticeRefused, "protected account")
}

// A status lookup that fails never blocks the prompt; it says so.
func TestAccountStatusLookupFails(t *testing.T) {
	h := newHarness(t)
	for range 5 {
		h.api.Script(fakedingtalk.PathStatus, fakedingtalk.Response{Status: 500, Body: `{"code":"system.busy","message":"busy","requestid":"r3"}`})
	}
	p, _ := h.prompt("/signout alice lost phone")
	if got := en(p.Target.Account); !strings.HasPrefix(got, "Account status unknown: ") {
		t.Fatalf("account line %q", got)
	}
}

func TestDryRunDisableSendsNothing(t *testing.T) {
	h := newHarness(t, func(o *bot.Options) { o.DryRun = true })
	p, cmd := h.prompt("/signout alice lost phone")
	h.confirmDisable(p.Code)
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if text := en(bot.ResultMsg(res)); !strings.Contains(text, "Dry run: would also have disabled") {
		t.Fatalf("result %q", text)
	}
	if len(h.api.Disables()) != 0 || len(h.signOuts()) != 0 {
		t.Fatal("a dry run called DingTalk")
	}
	if got := h.events(); got != "requested,confirmed,dry_run,dry_run" {
		t.Fatalf("audit %s", got)
	}
}
