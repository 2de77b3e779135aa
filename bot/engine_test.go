package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/contacts"
	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

const (
	invoker  = "U1ALLOWED"
	stranger = "U2NOTALLOWED"
	channel  = "C1"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t         testing.TB
	api       *fakedingtalk.OpenAPI
	client    *dingtalk.Client
	engine    *bot.Engine
	auditPath string
	clock     *clock
}

// newHarness builds the real engine on the real DingTalk client, which
// talks to a fake DingTalk OpenAPI over 127.0.0.1.
func newHarness(t testing.TB, mods ...func(*bot.Options)) *harness {
	t.Helper()
	return newHarnessWithClient(t, nil, mods...)
}

// newHarnessWithClient is newHarness with the DingTalk client's config
// adjusted by clientMod.
func newHarnessWithClient(t testing.TB, clientMod func(*dingtalk.Config), mods ...func(*bot.Options)) *harness {
	t.Helper()
	h := &harness{t: t, api: fakedingtalk.NewOpenAPI(t), clock: &clock{now: time.Now()}}
	h.api.AddUser(fakedingtalk.FakeUser{UserID: "alice", Name: "Alice Liddell", Title: "Engineer", Mobile: "13800138000", Exclusive: true})
	h.api.AddUser(fakedingtalk.FakeUser{UserID: "ceo001", Name: "The Boss", Exclusive: true})
	h.api.AddUser(fakedingtalk.FakeUser{UserID: "guest7", Name: "Gus", Exclusive: false})
	cc := h.api.ClientConfig()
	if clientMod != nil {
		clientMod(&cc)
	}
	var err error
	h.client, err = dingtalk.New(cc)
	if err != nil {
		t.Fatal(err)
	}
	people := contacts.New(h.client)
	h.auditPath = filepath.Join(t.TempDir(), "audit.jsonl")
	af, err := audit.Open(h.auditPath)
	if err != nil {
		t.Fatal(err)
	}
	opt := bot.Options{
		Policy: authz.New(authz.Rules{
			Invokers:  map[string][]string{bot.Slack: {invoker}, bot.DingTalk: {"manager4220"}},
			Protected: []string{"ceo001"},
		}),
		Directory: people, SignOuter: people, Containment: people, Audit: af,
		TTL:             2 * time.Minute,
		EmployeeMessage: map[string]string{"en_US": "You were signed out."},
		Parse:           commands.Options{ReasonRequired: true},
		Now:             h.clock.Now,
		SweepInterval:   time.Hour, // tests that want the sweeper set it
		Logger:          slog.New(slog.NewTextHandler(testWriter{t}, nil)),
	}
	for _, m := range mods {
		m(&opt)
	}
	h.engine, err = bot.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{bot.Slack, bot.DingTalk, bot.Console} {
		h.engine.SetReplier(p, replier{})
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.engine.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		af.Close()
	})
	return h
}

func slackMsg(user, text string) bot.Message {
	return bot.Message{Platform: bot.Slack, Invoker: user, Conversation: channel, Text: text}
}

// say sends text as user and returns the conversation it was answered in.
func (h *harness) say(user, text string) *recorder {
	r := newRecorder(fmt.Sprintf("%s: %q", user, text))
	h.handle(slackMsg(user, text), r)
	return r
}

// prompt sends a sign-out command and returns the prompt and its conversation.
func (h *harness) prompt(text string) (bot.Prompt, *recorder) {
	h.t.Helper()
	r := h.say(invoker, text)
	return r.only(h.t).mustPrompt(h.t), r
}

func (e event) mustPrompt(t testing.TB) bot.Prompt {
	t.Helper()
	if e.kind != "ask" {
		t.Fatalf("want a prompt, got %s %q", e.kind, en(e.notice.Msg))
	}
	return e.prompt
}

func (h *harness) click(user, code string) *recorder {
	r := newRecorder(user + " confirm " + code)
	h.engine.Confirm(context.Background(), bot.Action{Platform: bot.Slack, User: user, Conversation: channel, Code: code}, r)
	return r
}

func (h *harness) records() []audit.Record {
	h.t.Helper()
	recs, err := audit.ReadFile(h.auditPath)
	if err != nil {
		h.t.Fatal(err)
	}
	return recs
}

func (h *harness) events() string {
	var ev []string
	for _, r := range h.records() {
		ev = append(ev, r.Event)
	}
	return strings.Join(ev, ",")
}

func (h *harness) signOuts() []fakedingtalk.SignOutBody { return h.api.SignOuts() }

func tellOf(t *testing.T, e event, kind bot.NoticeKind, substr string) {
	t.Helper()
	if e.kind != "tell" || e.notice.Kind != kind || !strings.Contains(noticeText(e.notice), substr) {
		t.Fatalf("want tell kind %d containing %q, got %s kind %d %q", kind, substr, e.kind, e.notice.Kind, noticeText(e.notice))
	}
}

func TestHappyPath(t *testing.T) {
	h := newHarness(t)
	p, cmd := h.prompt("/signout alice lost phone on the train")
	if p.Target.UserID != "alice" || p.Target.Name != "Alice Liddell" || p.Reason != "lost phone on the train" {
		t.Fatalf("prompt %+v", p)
	}
	if len(p.Code) != bot.CodeLength || !strings.HasPrefix(p.RequestID, "req-") || !p.ExpiresAt.Equal(h.clock.Now().Add(2*time.Minute)) {
		t.Fatalf("prompt code/id/expiry: %+v", p)
	}
	if len(h.signOuts()) != 0 {
		t.Fatal("signed out before confirmation")
	}
	if n := h.engine.Pending(); n != 1 {
		t.Fatalf("%d pending, want 1", n)
	}

	click := h.click(invoker, p.Code)
	tellOf(t, click.only(t), bot.NoticeProgress, "Signing out Alice Liddell (alice)")
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if !res.OK || res.RequestID != p.RequestID || res.Target.UserID != "alice" {
		t.Fatalf("result %+v", res)
	}
	so := h.signOuts()
	if len(so) != 1 || so[0].UserID != "alice" || so[0].Reason != "lost phone on the train" || so[0].ReasonI18n["en_US"] != "You were signed out." {
		t.Fatalf("signOut calls %+v", so)
	}
	if got := h.events(); got != "requested,confirmed,succeeded" {
		t.Fatalf("audit events %s", got)
	}
	if n := h.engine.Pending(); n != 0 {
		t.Fatalf("%d pending after the confirmation, want 0", n)
	}
	for _, r := range h.records() {
		if r.RequestID != p.RequestID || r.Platform != "slack" || r.Invoker != invoker || r.Target != "alice" || r.Reason != "lost phone on the train" || r.Time.IsZero() {
			t.Fatalf("audit record %+v", r)
		}
	}
	// The code is spent.
	tellOf(t, h.click(invoker, p.Code).only(t), bot.NoticeRefused, "already confirmed")
	if len(h.signOuts()) != 1 {
		t.Fatal("second click signed out again")
	}
}

func TestUnauthorizedInvokerIsDeniedAndAudited(t *testing.T) {
	h := newHarness(t)
	tellOf(t, h.say(stranger, "/signout alice lost phone").only(t), bot.NoticeRefused, "not on the allow-list")
	recs := h.records()
	if len(recs) != 1 || recs[0].Event != audit.Denied || recs[0].Invoker != stranger || recs[0].Detail == "" {
		t.Fatalf("audit %+v", recs)
	}
	if n := len(h.api.Requests("/topapi/v2/user/get")); n != 0 {
		t.Fatalf("looked up the target for an unauthorized invoker (%d calls)", n)
	}
}

func TestProtectedTargetRefused(t *testing.T) {
	h := newHarness(t)
	tellOf(t, h.say(invoker, "/signout ceo001 suspicious").only(t), bot.NoticeRefused, "protected")
	if got := h.events(); got != "denied" {
		t.Fatalf("audit %s", got)
	}
	if n := len(h.api.Requests("/topapi/v2/user/get")) + len(h.api.Requests("/v1.0/oauth2/accessToken")); n != 0 {
		t.Fatalf("asked DingTalk %d times about a protected target", n)
	}
}

func TestOnlyTheInvokerCanConfirm(t *testing.T) {
	h := newHarness(t)
	p, _ := h.prompt("/signout alice lost phone")
	// Someone not on the allow-list learns nothing (see TestProbe...).
	tellOf(t, h.click(stranger, p.Code).only(t), bot.NoticeRefused, "No pending request has code")
	// The same name on another platform is someone else, and not allowed there.
	r := newRecorder("dingtalk")
	h.engine.Confirm(context.Background(), bot.Action{Platform: bot.DingTalk, User: invoker, Conversation: channel, Code: p.Code}, r)
	tellOf(t, r.only(t), bot.NoticeRefused, "No pending request has code")
	// Someone allowed is told whose request it is.
	r = newRecorder("allowed colleague")
	h.engine.Confirm(context.Background(), bot.Action{Platform: bot.DingTalk, User: "manager4220", Conversation: channel, Code: p.Code}, r)
	tellOf(t, r.only(t), bot.NoticeRefused, "Only "+invoker)
	// The request was not consumed.
	tellOf(t, h.click(invoker, p.Code).all()[0], bot.NoticeProgress, "Signing out")
	if len(h.signOuts()) != 1 {
		t.Fatal("want exactly one sign-out")
	}
}

func TestConfirmInAnotherConversation(t *testing.T) {
	h := newHarness(t)
	p, _ := h.prompt("/signout alice lost phone")
	r := newRecorder("elsewhere")
	h.engine.Confirm(context.Background(), bot.Action{Platform: bot.Slack, User: invoker, Conversation: "C999", Code: p.Code}, r)
	tellOf(t, r.only(t), bot.NoticeRefused, "another conversation")
	// A direct chat with the bot is accepted.
	r = newRecorder("dm")
	h.engine.Confirm(context.Background(), bot.Action{Platform: bot.Slack, User: invoker, Conversation: "D1", Direct: true, Code: p.Code}, r)
	tellOf(t, r.all()[0], bot.NoticeProgress, "Signing out")
}

func TestConcurrentConfirmationsSignOutOnce(t *testing.T) {
	h := newHarness(t)
	p, _ := h.prompt("/signout alice lost phone")
	const n = 20
	var wg sync.WaitGroup
	recs := make([]*recorder, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			recs[i] = h.click(invoker, p.Code)
		}()
	}
	wg.Wait()
	progress, already := 0, 0
	for _, r := range recs {
		e := r.all()[0]
		switch {
		case e.notice.Kind == bot.NoticeProgress:
			progress++
		case strings.Contains(en(e.notice.Msg), "already confirmed"):
			already++
		}
	}
	if progress != 1 || already != n-1 || len(h.signOuts()) != 1 {
		t.Fatalf("progress=%d already=%d signOuts=%d", progress, already, len(h.signOuts()))
	}
	if got := h.events(); got != "requested,confirmed,succeeded" {
		t.Fatalf("audit %s", got)
	}
}

func TestExpiredConfirmation(t *testing.T) {
	h := newHarness(t)
	p, _ := h.prompt("/signout alice lost phone")
	h.clock.Advance(2*time.Minute + time.Second)
	tellOf(t, h.click(invoker, p.Code).only(t), bot.NoticeClosed, "expired")
	tellOf(t, h.click(invoker, p.Code).only(t), bot.NoticeRefused, "expired")
	if len(h.signOuts()) != 0 {
		t.Fatal("signed out after expiry")
	}
	if got := h.events(); got != "requested,expired" {
		t.Fatalf("audit %s", got)
	}
}

func TestExpiryIsAuditedAndToldWithoutAnyClick(t *testing.T) {
	h := newHarness(t, func(o *bot.Options) {
		o.TTL = 20 * time.Millisecond
		o.Now = nil
		o.SweepInterval = 5 * time.Millisecond
	})
	_, cmd := h.prompt("/signout alice lost phone")
	cmd.waitFor(t, "expiry notice", func(e event) bool { return e.kind == "tell" && e.notice.Kind == bot.NoticeClosed })
	if got := h.events(); got != "requested,expired" {
		t.Fatalf("audit %s", got)
	}
}

func TestCancel(t *testing.T) {
	h := newHarness(t)
	p, _ := h.prompt("/signout alice lost phone")
	r := newRecorder("cancel")
	h.engine.Cancel(context.Background(), bot.Action{Platform: bot.Slack, User: invoker, Conversation: channel, Code: p.Code}, r)
	tellOf(t, r.only(t), bot.NoticeClosed, "Cancelled")
	tellOf(t, h.click(invoker, p.Code).only(t), bot.NoticeRefused, "cancelled")
	// Typed forms go through Handle.
	p2, _ := h.prompt("/signout alice lost phone again")
	tellOf(t, h.say(invoker, "cancel "+strings.ToLower(p2.Code)).only(t), bot.NoticeClosed, "Cancelled")
	if got := h.events(); got != "requested,cancelled,requested,cancelled" || len(h.signOuts()) != 0 {
		t.Fatalf("audit %s, signOuts %d", got, len(h.signOuts()))
	}
}

func TestTypedConfirm(t *testing.T) {
	h := newHarness(t)
	p, cmd := h.prompt("/signout alice lost phone")
	tellOf(t, h.say(invoker, "/signout confirm "+p.Code).only(t), bot.NoticeProgress, "Signing out")
	cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" && e.result.OK })
}

func TestUnknownCode(t *testing.T) {
	h := newHarness(t)
	tellOf(t, h.click(invoker, "ZZZZ99").only(t), bot.NoticeRefused, "No pending request has code ZZZZ99")
	tellOf(t, h.say(invoker, "confirm ABCDEF").only(t), bot.NoticeRefused, "run /signout again")
}

func TestMobileTarget(t *testing.T) {
	h := newHarness(t)
	p, _ := h.prompt("/signout +86 138 0013 8000 phone stolen")
	if p.Target.UserID != "alice" || !strings.Contains(en(p.Target.Via), "mobile") || p.Reason != "phone stolen" {
		t.Fatalf("prompt %+v", p)
	}
	tellOf(t, h.say(invoker, "/signout 13900000000 phone stolen").only(t), bot.NoticeError, "DingTalk has no user with mobile 13900000000")
}

func TestNotExclusiveAccountWarned(t *testing.T) {
	h := newHarness(t)
	p, _ := h.prompt("/signout guest7 shared laptop")
	if !strings.Contains(en(p.Target.Warning), "not an Enterprise Account") {
		t.Fatalf("warning %q", en(p.Target.Warning))
	}
}

func TestNameLookupFailureDoesNotBlock(t *testing.T) {
	h := newHarness(t)
	h.api.Script("/topapi/v2/user/get", fakedingtalk.Response{Status: 200, Body: `{"errcode":60011,"errmsg":"no permission"}`})
	p, _ := h.prompt("/signout alice lost phone")
	if p.Target.UserID != "alice" || p.Target.Name != "" {
		t.Fatalf("prompt %+v", p)
	}
}

func TestDingTalkErrorsReachTheUserAndAudit(t *testing.T) {
	cases := []struct {
		name, body, code, words string
		status                  int
	}{
		{"user.not.exist", `{"code":"user.not.exist","message":"用户不存在","requestid":"RID-1"}`, "user.not.exist", "no user", 400},
		{"exclusive.account.only", `{"code":"exclusive.account.only","message":"x","requestid":"RID-2"}`, "exclusive.account.only", "Enterprise Account", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.api.Script("/v1.0/contact/orgAccounts/signOut", fakedingtalk.Response{Status: c.status, Body: c.body})
			p, cmd := h.prompt("/signout alice lost phone")
			h.click(invoker, p.Code)
			res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
			if res.OK || res.Code != c.code || !strings.Contains(strings.ToLower(en(res.Problem)), strings.ToLower(c.words)) {
				t.Fatalf("result %+v", res)
			}
			recs := h.records()
			last := recs[len(recs)-1]
			if last.Event != audit.Failed || last.Code != c.code || last.DingTalkRequestID == "" {
				t.Fatalf("audit %+v", last)
			}
			if !strings.Contains(en(bot.ResultMsg(res)), c.code) {
				t.Fatalf("result text lacks the code: %s", en(bot.ResultMsg(res)))
			}
		})
	}
}

func TestSystemBusyThenSuccess(t *testing.T) {
	h := newHarness(t)
	h.api.Script("/v1.0/contact/orgAccounts/signOut",
		fakedingtalk.Response{Status: 500, Body: `{"code":"system.busy","message":"busy","requestid":"R1"}`},
		fakedingtalk.Response{Status: 503, Body: `<html>bad gateway</html>`, ContentType: "text/html"})
	p, cmd := h.prompt("/signout alice lost phone")
	h.click(invoker, p.Code)
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if !res.OK || len(h.signOuts()) != 1 {
		t.Fatalf("result %+v after retries; signOuts %d", res, len(h.signOuts()))
	}
	if n := len(h.api.Requests("/v1.0/contact/orgAccounts/signOut")); n != 3 {
		t.Fatalf("want 3 attempts, got %d", n)
	}
}

// failingAudit fails on one event, to prove the flow fails closed.
type failingAudit struct {
	w      bot.Auditor
	failOn string
}

func (f failingAudit) Write(r audit.Record) error {
	if r.Event == f.failOn {
		return fmt.Errorf("disk full")
	}
	return f.w.Write(r)
}

func TestAuditFailureFailsClosed(t *testing.T) {
	for _, event := range []string{audit.Requested, audit.Confirmed} {
		t.Run(event, func(t *testing.T) {
			h := newHarness(t, func(o *bot.Options) { o.Audit = failingAudit{o.Audit, event} })
			r := h.say(invoker, "/signout alice lost phone")
			if event == audit.Requested {
				tellOf(t, r.only(t), bot.NoticeError, "audit log could not be written")
				return
			}
			p := r.only(t).mustPrompt(t)
			tellOf(t, h.click(invoker, p.Code).only(t), bot.NoticeError, "Nothing was done")
			tellOf(t, h.click(invoker, p.Code).only(t), bot.NoticeRefused, "was stopped before it ran (the audit log or the state store failed); nothing was done")
			if len(h.signOuts()) != 0 || len(h.api.Requests("/v1.0/contact/orgAccounts/signOut")) != 0 {
				t.Fatal("signed out without an audit record")
			}
		})
	}
}

func TestUnwritableAuditDisk(t *testing.T) {
	af, err := audit.Open("/dev/full")
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer af.Close()
	h := newHarness(t, func(o *bot.Options) { o.Audit = af })
	tellOf(t, h.say(invoker, "/signout alice lost phone").only(t), bot.NoticeError, "audit log")
}

func TestDryRunNeverCallsSignOut(t *testing.T) {
	h := newHarness(t, func(o *bot.Options) { o.DryRun = true })
	p, cmd := h.prompt("/signout alice lost phone")
	if !p.DryRun {
		t.Fatal("prompt does not say dry run")
	}
	h.click(invoker, p.Code)
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if !res.OK || !res.DryRun || len(h.api.Requests("/v1.0/contact/orgAccounts/signOut")) != 0 {
		t.Fatalf("dry run result %+v", res)
	}
	for _, r := range h.records() {
		if !r.DryRun {
			t.Fatalf("audit record not marked dry run: %+v", r)
		}
	}
}

func TestBadInput(t *testing.T) {
	h := newHarness(t)
	for _, text := range []string{"", "/signout", "help", "/signout help"} {
		tellOf(t, h.say(invoker, text).only(t), bot.NoticeUsage, "/signout <user> <reason>")
	}
	for text, problem := range map[string]string{
		"/signout alice":      "reason",
		"/frobnicate alice x": "unknown command",
		"/signout alice " + strings.Repeat("x", 10000): "too long",
		"confirm": "code",
	} {
		tellOf(t, h.say(invoker, text).only(t), bot.NoticeUsage, problem)
	}
	if len(h.records()) != 0 {
		t.Fatal("malformed commands wrote audit records")
	}
}

func TestHostileReasonIsCleanedNotTruncated(t *testing.T) {
	h := newHarness(t)
	p, _ := h.prompt("/signout alice <!channel> \x07bell\u202e  ‘quoted’ 张三")
	if strings.ContainsAny(p.Reason, "\x07\u202e") || !strings.Contains(p.Reason, "<!channel>") || !strings.Contains(p.Reason, "张三") {
		t.Fatalf("reason %q", p.Reason)
	}
}

func TestConfirmerNoLongerAllowed(t *testing.T) {
	// A request made under one policy and confirmed under another (a
	// restart with a new allow-list shares nothing, so emulate with a
	// store shared by two engines).
	store := bot.NewMemoryStore()
	h := newHarness(t, func(o *bot.Options) { o.Store = store })
	p, _ := h.prompt("/signout alice lost phone")
	h2 := newHarness(t, func(o *bot.Options) {
		o.Store = store
		o.Policy = authz.New(authz.Rules{})
	})
	tellOf(t, h2.click(invoker, p.Code).only(t), bot.NoticeRefused, "no longer")
	if got := h2.events(); got != "denied" {
		t.Fatalf("audit %s", got)
	}
}

func TestShutdownFinishesConfirmedWorkAndClosesPending(t *testing.T) {
	h := newHarness(t)
	h.api.Script("/v1.0/contact/orgAccounts/signOut", fakedingtalk.Response{Status: 200, Body: `{"result":true}`, Delay: 200 * time.Millisecond})
	p, cmd := h.prompt("/signout alice lost phone")
	_, waiting := h.prompt("/signout guest7 other reason")

	clicked := make(chan struct{})
	go func() { h.click(invoker, p.Code); close(clicked) }()
	if _, err := h.api.WaitRequests(context.Background(), "/v1.0/contact/orgAccounts/signOut", 1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.engine.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	<-clicked
	cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" && e.result.OK })
	waiting.waitFor(t, "restart notice", func(e event) bool { return e.kind == "tell" && strings.Contains(en(e.notice.Msg), "stopped") })
	tellOf(t, h.say(invoker, "/signout alice again").only(t), bot.NoticeError, "restarting")
	got := h.events()
	if strings.Count(got, "succeeded") != 1 || strings.Count(got, "expired") != 1 || strings.Count(got, "requested") != 2 {
		t.Fatalf("audit %s", got)
	}
}

func TestAnnounceFailureFallsBackToConfirmer(t *testing.T) {
	h := newHarness(t)
	p, cmd := h.prompt("/signout alice lost phone")
	cmd.mu.Lock()
	cmd.fail = errDown
	cmd.mu.Unlock()
	click := h.click(invoker, p.Code)
	click.waitFor(t, "fallback result", func(e event) bool {
		return e.kind == "tell" && strings.Contains(en(e.notice.Msg), "Signed out")
	})
}

// testWriter sends the engine's log to the test's log, shown on failure.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}

// A dry run's outcome is its own event, so that counting "succeeded"
// counts real sign-outs only (spec section 7).
func TestDryRunOutcomeIsNotSucceeded(t *testing.T) {
	h := newHarness(t, func(o *bot.Options) { o.DryRun = true })
	p, cmd := h.prompt("/signout alice lost phone")
	h.click(invoker, p.Code)
	res := cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
	if !res.OK || !res.DryRun {
		t.Fatalf("result %+v", res)
	}
	if got := h.events(); got != "requested,confirmed,dry_run" {
		t.Fatalf("audit events %s", got)
	}
	if len(h.signOuts()) != 0 {
		t.Fatal("a dry run called signOut")
	}
}
