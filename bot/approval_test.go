package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

const (
	approver  = "U3APPROVER"
	approver2 = "U4APPROVER"
	dtManager = "manager4220"
	dtAdmin   = "admin2"
)

// twoPerson is a harness with the two-person rule, three allowed Slack
// users and two allowed DingTalk admins (dtAdmin is also a DingTalk user
// that can be signed out).
func twoPerson(t *testing.T, mods ...func(*bot.Options)) *harness {
	t.Helper()
	h := newHarness(t, append([]func(*bot.Options){func(o *bot.Options) {
		o.TwoPerson = true
		o.Policy = authz.New(authz.Rules{
			Invokers:  map[string][]string{bot.Slack: {invoker, approver, approver2}, bot.DingTalk: {dtManager, dtAdmin}},
			Protected: []string{"ceo001"},
		})
	}}, mods...)...)
	h.api.AddUser(fakedingtalk.FakeUser{UserID: dtAdmin, Name: "Second Admin", Exclusive: true})
	return h
}

func (h *harness) act(kind, platform, user, code string) *recorder {
	r := newRecorder(user + " " + kind + " " + code)
	a := bot.Action{Platform: platform, User: user, Conversation: channel, Code: code}
	switch kind {
	case "approve":
		h.engine.Approve(context.Background(), a, r)
	case "deny":
		h.engine.Deny(context.Background(), a, r)
	case "cancel":
		h.engine.Cancel(context.Background(), a, r)
	default:
		h.engine.Confirm(context.Background(), a, r)
	}
	return r
}

func approvalCard(t *testing.T, h *harness) (bot.Prompt, *recorder) {
	t.Helper()
	p, cmd := h.prompt("/signout alice lost phone")
	if !p.TwoPerson || p.Requester != invoker {
		t.Fatalf("prompt %+v is not an approval card", p)
	}
	return p, cmd
}

func TestApprovalSignsOutOnce(t *testing.T) {
	h := twoPerson(t)
	p, cmd := approvalCard(t, h)
	tellOf(t, h.act("confirm", bot.Slack, invoker, p.Code).only(t), bot.NoticeRefused, "needs the approval of a second allowed person")
	click := h.act("approve", bot.Slack, approver, p.Code)
	tellOf(t, click.only(t), bot.NoticeProgress, "Approved by "+approver+". Signing out Alice Liddell (alice)")
	res := cmd.waitFor(t, "result where the command was given", func(e event) bool { return e.kind == "announce" }).result
	if !res.OK || res.Approver != approver {
		t.Fatalf("result %+v", res)
	}
	tellOf(t, h.act("approve", bot.Slack, approver2, p.Code).only(t), bot.NoticeRefused, "already confirmed")
	if n := len(h.signOuts()); n != 1 {
		t.Fatalf("%d sign-outs", n)
	}
	recs := h.records()
	if got := h.events(); got != "requested,approved,succeeded" {
		t.Fatalf("audit %s", got)
	}
	for _, r := range recs[1:] {
		if r.Approver != approver || r.Invoker != invoker {
			t.Fatalf("record %+v lacks invoker and approver", r)
		}
	}
}

// The bad input: each refused with a reply, nothing changes.
func TestApprovalRefusals(t *testing.T) {
	h := twoPerson(t)
	p, _ := approvalCard(t, h)
	for _, c := range []struct {
		name, platform, user, want string
	}{
		{"requester", bot.Slack, invoker, "you can't approve it"},
		{"not allowed", bot.Slack, stranger, "You may not approve sign-outs: Slack user " + stranger + " is not on the allow-list"},
		{"another platform", bot.DingTalk, dtManager, "You may not approve sign-outs: Slack user " + dtManager + " is not on the allow-list"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tellOf(t, h.act("approve", c.platform, c.user, p.Code).only(t), bot.NoticeRefused, c.want)
		})
	}
	tellOf(t, h.act("cancel", bot.Slack, approver, p.Code).only(t), bot.NoticeRefused, "Only "+invoker)
	if got := h.events(); got != "requested" {
		t.Fatalf("refusals changed the request: audit %s", got)
	}
	// Still pending: a real approver can approve it.
	tellOf(t, h.act("approve", bot.Slack, approver, p.Code).only(t), bot.NoticeProgress, "Approved by")
}

// An allowed admin asked to sign out another allowed admin, who then
// tries to approve their own sign-out.
func TestApprovalByTheTarget(t *testing.T) {
	h := twoPerson(t)
	r := newRecorder("dingtalk group")
	h.handle(bot.Message{Platform: bot.DingTalk, Invoker: dtManager, Conversation: channel, Text: "/signout ADMIN2 phishing"}, r)
	p := r.only(t).mustPrompt(t)
	tellOf(t, h.act("approve", bot.DingTalk, dtAdmin, p.Code).only(t), bot.NoticeRefused, "You are the person this request would sign out")
	tellOf(t, h.act("deny", bot.DingTalk, dtAdmin, p.Code).only(t), bot.NoticeRefused, "You are the person this request would sign out")
	if n := len(h.signOuts()); n != 0 {
		t.Fatalf("%d sign-outs", n)
	}
}

func TestApprovalDenyWithdrawExpire(t *testing.T) {
	h := twoPerson(t)
	p, cmd := approvalCard(t, h)
	tellOf(t, h.act("deny", bot.Slack, approver, p.Code).only(t), bot.NoticeClosed, "was denied by "+approver)
	cmd.waitFor(t, "requester told", func(e event) bool { return e.kind == "tell" && strings.Contains(en(e.notice.Msg), "denied by") })
	tellOf(t, h.act("approve", bot.Slack, approver2, p.Code).only(t), bot.NoticeRefused, "denied or withdrawn")

	q, _ := approvalCard(t, h)
	tellOf(t, h.act("deny", bot.Slack, invoker, q.Code).only(t), bot.NoticeClosed, "withdrawn by the person who asked")

	e, _ := approvalCard(t, h)
	h.clock.Advance(3 * time.Minute)
	tellOf(t, h.act("approve", bot.Slack, approver, e.Code).only(t), bot.NoticeClosed, "has expired")

	recs := h.records()
	var got []string
	for _, r := range recs {
		got = append(got, r.Event+":"+r.Approver+":"+r.Detail)
	}
	want := "requested::,rejected:" + approver + ":,requested::,rejected:" + invoker + ":withdrawn,requested::,expired::"
	if strings.Join(got, ",") != want {
		t.Fatalf("audit\n %s\nwant\n %s", strings.Join(got, ","), want)
	}
	if n := len(h.signOuts()); n != 0 {
		t.Fatalf("%d sign-outs", n)
	}
}

// Two approvers on two replicas at once: one sign-out, both answered.
func TestConcurrentApprovalsOnTwoReplicas(t *testing.T) {
	store := sharedMemory{bot.NewMemoryStore()}
	a := twoPerson(t, func(o *bot.Options) { o.Store = store })
	b := twoPerson(t, func(o *bot.Options) { o.Store = store })
	b.api = a.api // count sign-outs in one place
	p, _ := approvalCard(t, a)
	var wg sync.WaitGroup
	answers := make([]*recorder, 2)
	for i, h := range []*harness{a, b} {
		wg.Go(func() { answers[i] = h.act("approve", bot.Slack, []string{approver, approver2}[i], p.Code) })
	}
	wg.Wait()
	progress, refused := 0, 0
	for _, r := range answers {
		switch e := r.all()[0]; {
		case e.notice.Kind == bot.NoticeProgress:
			progress++
		case strings.Contains(en(e.notice.Msg), "already confirmed"):
			refused++
		}
	}
	if progress != 1 || refused != 1 {
		t.Fatalf("%d approvals ran, %d told already confirmed", progress, refused)
	}
	approved := 0
	for _, h := range []*harness{a, b} {
		for _, r := range h.records() {
			if r.Event == audit.Approved {
				approved++
			}
		}
	}
	if approved != 1 {
		t.Fatalf("%d approved records", approved)
	}
}

func TestTwoPersonNeedsAGroup(t *testing.T) {
	h := twoPerson(t)
	r := newRecorder("dm")
	h.handle(bot.Message{Platform: bot.DingTalk, Invoker: dtManager, Conversation: "cid1:1", Direct: true, Text: "/signout alice phishing"}, r)
	tellOf(t, r.only(t), bot.NoticeRefused, "Run the command in a group or channel")

	live := twoPerson(t, func(o *bot.Options) {
		o.Policy = authz.New(authz.Rules{Invokers: map[string][]string{bot.Console: {bot.ConsoleUser}}})
	})
	c := newRecorder("console")
	live.handle(bot.Message{Platform: bot.Console, Invoker: bot.ConsoleUser, Conversation: "console", Direct: true, Text: "/signout alice x"}, c)
	tellOf(t, c.only(t), bot.NoticeRefused, "the console has one person")

	dry := twoPerson(t, func(o *bot.Options) {
		o.DryRun = true
		o.Policy = authz.New(authz.Rules{Invokers: map[string][]string{bot.Console: {bot.ConsoleUser}}})
	})
	d := newRecorder("console dry run")
	dry.handle(bot.Message{Platform: bot.Console, Invoker: bot.ConsoleUser, Conversation: "console", Direct: true, Text: "/signout alice x"}, d)
	if p := d.only(t).mustPrompt(t); !p.TwoPerson {
		t.Fatalf("dry-run console prompt %+v", p)
	}
}

func TestStatusAndHistory(t *testing.T) {
	h := twoPerson(t)
	p, cmd := approvalCard(t, h)
	h.act("approve", bot.Slack, approver, p.Code)
	cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" })
	h.clock.Advance(time.Second)
	q, _ := approvalCard(t, h)

	status := h.say(invoker, "/signout status "+p.RequestID).only(t)
	if status.notice.Kind != bot.NoticeInfo || !status.notice.Private {
		t.Fatalf("status notice %+v", status.notice)
	}
	for _, want := range []string{p.RequestID, "asked by " + invoker, "Alice Liddell (alice)", "State: approved.", "Approved or denied by " + approver, "Outcome: signed out."} {
		if !strings.Contains(en(status.notice.Msg), want) {
			t.Errorf("status lacks %q: %s", want, en(status.notice.Msg))
		}
	}
	if s := en(h.say(invoker, "/signout status "+q.RequestID).only(t).notice.Msg); !strings.Contains(s, "waiting for a second person's approval") {
		t.Errorf("open request status: %s", s)
	}
	tellOf(t, h.say(invoker, "/signout status req-zzzzzzzzzz").only(t), bot.NoticeInfo, "No request req-zzzzzzzzzz is known")
	tellOf(t, h.say(invoker, "/signout status nonsense").only(t), bot.NoticeUsage, "is not a request id")

	hist := en(h.say(invoker, "/signout history").only(t).notice.Msg)
	i, j := strings.Index(hist, q.RequestID), strings.Index(hist, p.RequestID)
	if !strings.HasPrefix(hist, "The latest 2 requests") || i < 0 || j < 0 || i > j {
		t.Fatalf("history not newest first:\n%s", hist)
	}
	if one := en(h.say(invoker, "/signout history 1").only(t).notice.Msg); strings.Contains(one, p.RequestID) {
		t.Fatalf("history 1 shows two:\n%s", one)
	}
	for _, bad := range []string{"0", "10000", "abc"} {
		tellOf(t, h.say(invoker, "/signout history "+bad).only(t), bot.NoticeUsage, "takes a number of requests from 1 to 50")
	}
	tellOf(t, h.say(stranger, "/signout history").only(t), bot.NoticeRefused, "You may not look at sign-out requests")
}

// An approver may approve, sign out and disable.
func TestApproveAndDisable(t *testing.T) {
	h := twoPerson(t)
	p, cmd := approvalCard(t, h)
	r := newRecorder("approve and disable")
	h.engine.Approve(context.Background(), bot.Action{Platform: bot.Slack, User: approver, Conversation: channel, Code: p.Code, Disable: true}, r)
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if !res.Disabled || res.Approver != approver {
		t.Fatalf("result %+v", res)
	}
	if got := h.events(); got != "requested,approved,succeeded,disabled" {
		t.Fatalf("audit %s", got)
	}
}
