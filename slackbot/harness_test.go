package slackbot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/internal/logbuf"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/authz"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/commands"
	"github.com/signout-bot/signout-bot/contacts"
	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
	"github.com/signout-bot/signout-bot/internal/fakeslack"
	"github.com/signout-bot/signout-bot/slackbot"
)

const (
	invoker  = "U0INVOKER"
	stranger = "U0STRANGER"
	channel  = "C0OPS"
	ttl      = 2 * time.Minute
)

// clock is the engine's and the front end's controllable time.
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

type harnessOptions struct {
	cfg       slackbot.Config
	engine    func(*bot.Options)
	beforeRun func(*fakeslack.Server) // e.g. to script failures of the first calls
}

// harness runs the real Slack front end on the real engine, over a fake
// Slack and a fake DingTalk OpenAPI, both on 127.0.0.1.
type harness struct {
	t         testing.TB
	slack     *fakeslack.Server
	dingtalk  *fakedingtalk.OpenAPI
	engine    *bot.Engine
	bot       *slackbot.Bot
	clock     *clock
	auditPath string
	logs      *logbuf.Buffer
	cancel    context.CancelFunc
	runErr    chan error
	seq       int
}

func newHarness(t testing.TB, mods ...func(*harnessOptions)) *harness {
	t.Helper()
	h := &harness{
		t:        t,
		slack:    fakeslack.New(t, fakeslack.Options{PingInterval: 100 * time.Millisecond}),
		dingtalk: fakedingtalk.NewOpenAPI(t),
		clock:    &clock{now: time.Date(2025, 6, 1, 6, 0, 0, 0, time.UTC)},
		logs:     &logbuf.Buffer{},
		runErr:   make(chan error, 1),
	}
	h.dingtalk.AddUser(fakedingtalk.FakeUser{UserID: "alice", Name: "Alice Liddell", Title: "Engineer", Mobile: "13800138000", Exclusive: true})
	h.dingtalk.AddUser(fakedingtalk.FakeUser{UserID: "ceo001", Name: "The Boss", Exclusive: true})
	h.dingtalk.AddUser(fakedingtalk.FakeUser{UserID: "mallory", Name: "<!here> Mallory & <@U0VICTIM>", Title: "<https://evil.example|Admin>", Exclusive: true})
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", h.logs)
		}
	})

	dcfg := h.dingtalk.ClientConfig()
	dcfg.Logger = log
	dt, err := dingtalk.New(dcfg)
	if err != nil {
		t.Fatal(err)
	}
	h.auditPath = filepath.Join(t.TempDir(), "audit.jsonl")
	af, err := audit.Open(h.auditPath)
	if err != nil {
		t.Fatal(err)
	}
	opt := harnessOptions{
		cfg: slackbot.Config{
			AppToken: fakeslack.AppToken, BotToken: fakeslack.BotToken, APIURL: h.slack.APIURL(),
			Logger: log, Now: h.clock.Now,
		},
		engine: func(*bot.Options) {},
	}
	for _, m := range mods {
		m(&opt)
	}
	eopt := bot.Options{
		Policy: authz.New(authz.Rules{
			Invokers:  map[string][]string{bot.Slack: {invoker}},
			Protected: []string{"ceo001"},
		}),
		Directory: contacts.New(dt), SignOuter: contacts.New(dt), Containment: contacts.New(dt), Audit: af,
		TTL:             ttl,
		EmployeeMessage: map[string]string{"en_US": "You were signed out."},
		Parse:           commands.Options{ReasonRequired: true},
		Now:             h.clock.Now,
		SweepInterval:   time.Hour,
		Logger:          log,
	}
	opt.engine(&eopt)
	h.engine, err = bot.New(eopt)
	if err != nil {
		t.Fatal(err)
	}
	h.bot, err = slackbot.New(opt.cfg, h.engine)
	if err != nil {
		t.Fatal(err)
	}
	h.engine.SetReplier(bot.Slack, h.bot)
	if opt.beforeRun != nil {
		opt.beforeRun(h.slack)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.runErr <- h.bot.Run(ctx) }()
	t.Cleanup(func() {
		h.stop()
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		if err := h.engine.Shutdown(sctx); err != nil {
			t.Errorf("engine shutdown: %v", err)
		}
		af.Close()
		if l := h.logs.String(); strings.Contains(l, fakeslack.AppToken) || strings.Contains(l, fakeslack.BotToken) || strings.Contains(l, "/resp/") {
			t.Errorf("a token or response_url reached the logs:\n%s", l)
		}
	})
	return h
}

// stop cancels Run and checks that it returns nil.
func (h *harness) stop() {
	h.t.Helper()
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.runErr:
		if err != nil {
			h.t.Errorf("Run returned %v after cancel, want nil", err)
		}
	case <-time.After(15 * time.Second):
		h.t.Errorf("Run did not return after cancel")
	}
}

// speaking sets the language the bot writes in.
func speaking(lang i18n.Lang) func(*harnessOptions) {
	return func(o *harnessOptions) { o.cfg.Language = lang }
}

// connected starts the harness and waits until the bot is connected.
func connected(t testing.TB, mods ...func(*harnessOptions)) *harness {
	t.Helper()
	h := newHarness(t, mods...)
	h.waitConnected(1)
	return h
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

// waitLog blocks until the bot has logged substr.
func (h *harness) waitLog(substr string) {
	h.t.Helper()
	if err := h.logs.Wait(h.ctx(), substr); err != nil {
		h.t.Fatal(err)
	}
}

// waitConnected waits for the n-th websocket and for Connected().
func (h *harness) waitConnected(n int) {
	h.t.Helper()
	if err := h.slack.WaitConnected(h.ctx(), n); err != nil {
		h.t.Fatal(err)
	}
	eventually(h.t, "Connected() true", h.bot.Connected)
}

// eventually polls cond until it holds or 10s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

func (h *harness) nextRespID(prefix string) string {
	h.seq++
	return fmt.Sprintf("%s%d", prefix, h.seq)
}

// slash sends /signout text as user in channel; it returns the envelope
// ID and the ID of its response_url.
func (h *harness) slash(user, text string) (envID, respID string) {
	h.t.Helper()
	respID = h.nextRespID("cmd")
	return h.slashTo(user, text, respID), respID
}

// slashTo is slash with a given response_url ID, for scripting its
// answers before the command is sent.
func (h *harness) slashTo(user, text, respID string) (envID string) {
	h.t.Helper()
	envID, err := h.slack.SendSlash(fakeslack.Slash{ChannelID: channel, UserID: user, Text: text, ResponseURL: h.slack.ResponseURL(respID)})
	if err != nil {
		h.t.Fatal(err)
	}
	return envID
}

// click presses a button as user; it returns the envelope ID and the ID
// of the click's response_url.
func (h *harness) click(user, actionID, code string) (envID, respID string) {
	h.t.Helper()
	respID = h.nextRespID("click")
	return h.clickTo(user, actionID, code, respID), respID
}

// clickTo is click with a given response_url ID.
func (h *harness) clickTo(user, actionID, code, respID string) (envID string) {
	h.t.Helper()
	envID, err := h.slack.SendClick(fakeslack.Click{UserID: user, ChannelID: channel, ActionID: actionID, Value: code, ResponseURL: h.slack.ResponseURL(respID)})
	if err != nil {
		h.t.Fatal(err)
	}
	return envID
}

// acked waits for an envelope's ack and checks it came within 3 s and
// carried no payload.
func (h *harness) acked(envID string) fakeslack.Ack {
	h.t.Helper()
	a, err := h.slack.WaitAck(h.ctx(), envID)
	if err != nil {
		h.t.Fatal(err)
	}
	if a.Latency <= 0 || a.Latency > 3*time.Second {
		h.t.Fatalf("ack of %s took %v", envID, a.Latency)
	}
	if len(a.Payload) != 0 && string(a.Payload) != "null" {
		h.t.Fatalf("ack of %s carried a payload: %s", envID, a.Payload)
	}
	return a
}

// response waits for the n-th post (from 1) to a response_url.
func (h *harness) response(respID string, n int) fakeslack.Response {
	h.t.Helper()
	rs, err := h.slack.WaitResponses(h.ctx(), respID, n)
	if err != nil {
		h.t.Fatal(err)
	}
	return rs[n-1]
}

// prompt runs /signout text as the invoker and returns the code from the
// prompt's buttons and the command's response_url ID.
func (h *harness) prompt(text string) (code, respID string) {
	h.t.Helper()
	env, respID := h.slash(invoker, text)
	h.acked(env)
	r := h.response(respID, 1)
	if r.ResponseType != "ephemeral" || r.ReplaceOriginal {
		h.t.Fatalf("prompt not ephemeral: %s", r.Body)
	}
	bs := buttons(h.t, r.Blocks)
	if len(bs) != 3 {
		h.t.Fatalf("want 3 buttons in the prompt, got %+v in %s", bs, r.Body)
	}
	return bs[0].Value, respID
}

// post waits for the n-th chat.postMessage.
func (h *harness) post(n int) fakeslack.Call {
	h.t.Helper()
	cs, err := h.slack.WaitCalls(h.ctx(), "chat.postMessage", n)
	if err != nil {
		h.t.Fatal(err)
	}
	c := cs[n-1]
	if !c.TokenOK {
		h.t.Fatalf("chat.postMessage without the bot token")
	}
	return c
}

func (h *harness) signOutRequests() []fakedingtalk.Request {
	return h.dingtalk.Requests(fakedingtalk.PathSignOut)
}

// records reads the audit log.
func (h *harness) records() []audit.Record {
	h.t.Helper()
	recs, err := audit.ReadFile(h.auditPath)
	if err != nil {
		h.t.Fatal(err)
	}
	return recs
}

func (h *harness) events() []string {
	var out []string
	for _, r := range h.records() {
		out = append(out, r.Event)
	}
	return out
}

// button is a button element found in blocks.
type button struct {
	BlockID, ActionID, Value, Style, Label string
}

// buttons lists the buttons in a blocks array, checking each sits in an
// actions block with a non-empty block_id.
func buttons(t testing.TB, blocks json.RawMessage) []button {
	t.Helper()
	if len(blocks) == 0 || string(blocks) == "null" {
		return nil
	}
	var bs []struct {
		Type     string `json:"type"`
		BlockID  string `json:"block_id"`
		Elements []struct {
			Type     string          `json:"type"`
			ActionID string          `json:"action_id"`
			Value    string          `json:"value"`
			Style    string          `json:"style"`
			Text     json.RawMessage `json:"text"` // a text object in buttons, a string in context elements
			Confirm  json.RawMessage `json:"confirm"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatalf("blocks %s: %v", blocks, err)
	}
	var out []button
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.Type != "button" {
				continue
			}
			if b.Type != "actions" || b.BlockID == "" {
				t.Fatalf("button %q outside an actions block with a block_id: %s", e.ActionID, blocks)
			}
			if len(e.Confirm) != 0 {
				t.Fatalf("button %q uses Slack's confirm dialog", e.ActionID)
			}
			var label struct {
				Type string `json:"type"`
				Text string `json:"text"`
			}
			if err := json.Unmarshal(e.Text, &label); err != nil || label.Type != "plain_text" {
				t.Fatalf("button %q label %s: %v", e.ActionID, e.Text, err)
			}
			out = append(out, button{BlockID: b.BlockID, ActionID: e.ActionID, Value: e.Value, Style: e.Style, Label: label.Text})
		}
	}
	return out
}

// textObject is a Block Kit text object.
type textObject struct {
	Type     string
	Text     string
	Verbatim bool
}

// texts returns every text object in a JSON document.
func texts(t testing.TB, doc json.RawMessage) []textObject {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	var out []textObject
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			typ, _ := x["type"].(string)
			text, isText := x["text"].(string)
			if isText && (typ == "mrkdwn" || typ == "plain_text") {
				verb, _ := x["verbatim"].(bool)
				out = append(out, textObject{Type: typ, Text: text, Verbatim: verb})
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return out
}

// allText joins the texts of blocks and the fallback text.
func allText(t testing.TB, fallback string, blocks json.RawMessage) string {
	t.Helper()
	parts := []string{fallback}
	if len(blocks) > 0 && string(blocks) != "null" {
		for _, o := range texts(t, blocks) {
			parts = append(parts, o.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func mustContain(t testing.TB, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Fatalf("%s lacks %q:\n%s", what, sub, s)
		}
	}
}
