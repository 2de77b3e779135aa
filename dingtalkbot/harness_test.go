package dingtalkbot

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/internal/logbuf"

	"go.uber.org/goleak"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/contacts"
	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// The integration tests run the real stream SDK against the fake gateway
// over 127.0.0.1, the real engine (audit file, policy) and the real
// dingtalk.Client against the fake OpenAPI.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	_ Engine    = (*bot.Engine)(nil)
	_ Messenger = (*dingtalk.Client)(nil)
)

const (
	corpID    = "dingcorp0001"
	botUserID = "$:LWCP_v1:$robot0001"
	manager   = "manager4220" // allowed
	manager2  = "manager7777" // allowed
	intern    = "intern01"    // not allowed
	groupID   = "cidGroupSecurity=="
)

// waitTimeout bounds every wait in these tests.
const waitTimeout = 15 * time.Second

// harness is one bot with its fakes.
type harness struct {
	t         testing.TB
	ctx       context.Context
	gw        *fakedingtalk.Gateway
	api       *fakedingtalk.OpenAPI
	bot       *Bot
	engine    *countingEngine
	logs      *logbuf.Buffer
	auditPath string
	clock     *clock
	seq       atomic.Int64

	stopOnce sync.Once
	cancel   context.CancelFunc
	runDone  chan error
}

type harnessOptions struct {
	refuseOpens int
	robotName   string
	language    i18n.Lang     // zero: English
	sweep       time.Duration // how often the engine closes expired requests; zero: its default
	twoPerson   bool          // approval.two_person
}

func newHarness(t testing.TB, opt harnessOptions) *harness {
	t.Helper()
	ctx, cancelTest := context.WithTimeout(context.Background(), 2*waitTimeout)
	t.Cleanup(cancelTest)
	h := &harness{t: t, ctx: ctx, logs: &logbuf.Buffer{}, clock: &clock{}, runDone: make(chan error, 1)}
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	h.api = fakedingtalk.NewOpenAPI(t)
	for _, u := range []fakedingtalk.FakeUser{
		{UserID: "zhangsan", Name: "Zhang San", Title: "Engineer", Exclusive: true},
		{UserID: "lisi", Name: "Li Si", Exclusive: true},
		{UserID: manager, Name: "Manager", Exclusive: true},
		{UserID: manager2, Name: "Manager Two", Exclusive: true},
	} {
		h.api.AddUser(u)
	}
	h.gw = fakedingtalk.NewGateway(t)
	h.gw.RefuseOpens(opt.refuseOpens)

	dcfg := h.api.ClientConfig()
	dcfg.Retry.MaxAttempts, dcfg.Retry.MaxElapsed = 2, time.Second
	dcfg.Logger = logger
	dt, err := dingtalk.New(dcfg)
	if err != nil {
		t.Fatal(err)
	}
	h.auditPath = filepath.Join(t.TempDir(), "audit.jsonl")
	af, err := audit.Open(h.auditPath)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := bot.New(bot.Options{
		Policy:    authz.New(authz.Rules{Invokers: map[string][]string{bot.DingTalk: {manager, manager2}}, Protected: []string{"ceo001"}}),
		Directory: contacts.New(dt), SignOuter: contacts.New(dt), Containment: contacts.New(dt), Audit: af, TwoPerson: opt.twoPerson,
		TTL: 2 * time.Minute, SweepInterval: opt.sweep, Logger: logger, Now: h.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.engine = &countingEngine{e: eng}
	h.bot, err = New(Config{
		ClientID: fakedingtalk.ClientID, ClientSecret: fakedingtalk.ClientSecret, CorpID: corpID,
		APIURL: h.gw.URL(), RobotName: opt.robotName, ConnectRetry: 5 * time.Millisecond, Logger: logger,
		Language: cmp.Or(opt.language, i18n.EN),
	}, h.engine, dt)
	if err != nil {
		t.Fatal(err)
	}
	eng.SetReplier(bot.DingTalk, h.bot)

	runCtx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.runDone <- h.bot.Run(runCtx) }()
	t.Cleanup(func() {
		h.stop()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := eng.Shutdown(sctx); err != nil {
			t.Errorf("engine shutdown: %v", err)
		}
		if err := af.Close(); err != nil {
			t.Errorf("audit close: %v", err)
		}
		if strings.Contains(h.logs.String(), fakedingtalk.ClientSecret) {
			t.Errorf("the client secret reached the logs")
		}
		if t.Failed() {
			t.Logf("logs:\n%s", h.logs.String())
		}
	})
	if err := h.gw.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "Connected()", h.bot.Connected)
	return h
}

// stop cancels Run and waits for it: after stop every reply the bot was
// going to send has been sent.
func (h *harness) stop() {
	h.stopOnce.Do(func() {
		h.cancel()
		select {
		case err := <-h.runDone:
			if err != nil {
				h.t.Errorf("Run returned %v", err)
			}
		case <-time.After(waitTimeout):
			h.t.Fatal("Run did not return after cancel")
		}
		if h.bot.Connected() {
			h.t.Error("Connected() after Run returned")
		}
		if err := h.gw.WaitDisconnected(h.ctx); err != nil {
			h.t.Errorf("the stream client did not close its connection: %v", err)
		}
	})
}

func (h *harness) newMsgID() string {
	return fmt.Sprintf("msgFAKE%04d==", h.seq.Add(1))
}

// group is a text message @mentioning the bot in the group, replying
// through session.
func (h *harness) group(sender, text, session string) fakedingtalk.RobotMessage {
	return fakedingtalk.RobotMessage{
		ConversationID: groupID, ConversationType: "2", ConversationTitle: "Security",
		ChatbotUserID: botUserID, ChatbotCorpID: corpID, RobotCode: fakedingtalk.ClientID,
		MsgID: h.newMsgID(), SenderStaffID: sender, SenderCorpID: corpID, SenderNick: sender, SenderID: "$:LWCP_v1:$" + sender,
		SessionWebhook: h.api.SessionWebhookURL(session), SessionWebhookExpiredTime: time.Now().Add(90 * time.Minute).UnixMilli(),
		CreateAt: time.Now().UnixMilli(), IsInAtList: true, AtUsers: []fakedingtalk.AtUser{{DingtalkID: botUserID}},
		MsgType: "text", Text: &fakedingtalk.MessageText{Content: " " + text},
	}
}

// direct is a text message in the sender's 1:1 chat with the bot.
func (h *harness) direct(sender, text, session string) fakedingtalk.RobotMessage {
	m := h.group(sender, text, session)
	m.ConversationID, m.ConversationType, m.ConversationTitle = "cidDirect-"+sender, "1", ""
	m.AtUsers, m.IsInAtList = nil, false
	return m
}

// send delivers m and waits for its ack, which must be a success.
func (h *harness) send(m fakedingtalk.RobotMessage) fakedingtalk.Ack {
	h.t.Helper()
	id, err := h.gw.SendRobotMessage(h.ctx, m)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.ack(id)
}

func (h *harness) ack(id string) fakedingtalk.Ack {
	h.t.Helper()
	ack, err := h.gw.WaitAck(h.ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	if ack.Code != 200 {
		h.t.Fatalf("ack %+v, want code 200", ack)
	}
	if ack.Latency() > time.Second && !raceEnabled {
		h.t.Errorf("ack took %v", ack.Latency())
	}
	return ack
}

// webhookMsg is a message posted to a sessionWebhook.
type webhookMsg struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Title, Text string
	} `json:"markdown"`
	ActionCard struct {
		Title, Text, BtnOrientation string
		Btns                        []struct {
			Title     string `json:"title"`
			ActionURL string `json:"actionURL"`
		} `json:"btns"`
	} `json:"actionCard"`
	At struct {
		AtUserIDs []string `json:"atUserIds"`
	} `json:"at"`
}

func (m webhookMsg) text() string { return m.Markdown.Text + m.ActionCard.Text }

// session returns the messages posted to a session so far.
func (h *harness) session(session string) []webhookMsg {
	h.t.Helper()
	var out []webhookMsg
	for _, raw := range h.api.SessionMessages(session) {
		var m webhookMsg
		if err := json.Unmarshal(raw, &m); err != nil {
			h.t.Fatalf("session %s: %v in %s", session, err, raw)
		}
		out = append(out, m)
	}
	return out
}

// waitSession waits until session has at least n messages and returns them.
func (h *harness) waitSession(session string, n int) []webhookMsg {
	h.t.Helper()
	h.awaitAPI(fmt.Sprintf("%d messages on session %s", n, session), func() bool {
		return len(h.api.SessionMessages(session)) >= n
	})
	return h.session(session)
}

// awaitAPI blocks until cond over what the OpenAPI fake recorded holds;
// the fake wakes it on every request and message.
func (h *harness) awaitAPI(what string, cond func() bool) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := h.api.Await(ctx, what, cond); err != nil {
		h.t.Fatal(err)
	}
}

// waitFor polls cond until it holds or waitTimeout passes. It is only for
// Connected(), which the SDK reports through no event a test could await.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

var codeInPrompt = regexp.MustCompile(`(?:confirm|确认) ([A-Z0-9]{4,12})\*\*`)

// code is the confirmation code in a prompt, in either language.
func code(t testing.TB, m webhookMsg) string {
	t.Helper()
	sub := codeInPrompt.FindStringSubmatch(m.text())
	if sub == nil {
		t.Fatalf("no confirm code in %q", m.text())
	}
	return sub[1]
}

// withCode puts a prompt's confirmation code where CODE stands in a
// test's expected text.
func withCode(s, code string) string { return strings.ReplaceAll(s, "CODE", code) }

// auditEvents lists the events in the audit file.
func (h *harness) auditEvents() []string {
	h.t.Helper()
	recs, err := audit.ReadFile(h.auditPath)
	if err != nil {
		h.t.Fatal(err)
	}
	var events []string
	for _, r := range recs {
		events = append(events, r.Event)
	}
	return events
}

// countingEngine records the messages it passes to the real engine.
type countingEngine struct {
	e     Engine
	mu    sync.Mutex
	calls []bot.Message
}

func (c *countingEngine) Handle(ctx context.Context, m bot.Message, conv bot.Conversation) {
	c.mu.Lock()
	c.calls = append(c.calls, m)
	c.mu.Unlock()
	c.e.Handle(ctx, m, conv)
}

func (c *countingEngine) Calls() []bot.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]bot.Message(nil), c.calls...)
}

// clock is the engine's clock, which tests can move forward.
type clock struct{ offset atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }
