package slackbot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/internal/fakeslack"
	"github.com/signout-bot/signout-bot/slackbot"
)

func TestUnknownEnvelopesAndActionsAreAckedAndLogged(t *testing.T) {
	h := connected(t)
	// An envelope type slack-go does not know, and a slash_commands
	// envelope whose payload is not an object.
	for _, frame := range []string{
		`{"envelope_id":"env-mystery","type":"mystery_type","accepts_response_payload":false,"payload":{}}`,
		`{"envelope_id":"env-broken","type":"slash_commands","accepts_response_payload":true,"payload":"not an object"}`,
	} {
		if err := h.slack.SendRaw([]byte(frame)); err != nil {
			t.Fatal(err)
		}
	}
	h.acked("env-mystery")
	h.acked("env-broken")

	// An unknown action ID.
	env, resp := h.click(invoker, "some_other_action", "ABCD12")
	h.acked(env)
	// Another slash command.
	other, err := h.slack.SendSlash(fakeslack.Slash{Command: "/other", ChannelID: channel, UserID: invoker, ResponseURL: h.slack.ResponseURL("other")})
	if err != nil {
		t.Fatal(err)
	}
	h.acked(other)
	mustContain(t, "answer to /other", h.response("other", 1).Text, "only serves /signout")
	// An event type the bot did not subscribe to.
	envEv, err := h.slack.Send("", "events_api", map[string]any{"type": "event_callback", "team_id": fakeslack.TeamID, "event_id": "Ev9",
		"event": map[string]any{"type": "reaction_added", "user": invoker, "reaction": "+1"}})
	if err != nil {
		t.Fatal(err)
	}
	h.acked(envEv)

	h.waitLog("ignored unknown action")
	h.waitLog("mystery_type")
	if rs := h.slack.Responses(resp); len(rs) != 0 {
		t.Fatalf("an unknown action got an answer: %s", rs[0].Body)
	}
	if n := len(h.records()); n != 0 {
		t.Fatalf("%d audit records: the engine was reached", n)
	}
	// Each envelope was acked exactly once.
	count := map[string]int{}
	for _, a := range h.slack.Acks() {
		count[a.EnvelopeID]++
	}
	for id, n := range count {
		if n != 1 {
			t.Fatalf("envelope %s acked %d times", id, n)
		}
	}
}

func TestClickWithoutBlockIDIsRefused(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.EN, "That button click could not be read, so nothing was done. Run /signout again."},
		{i18n.ZH, "无法读取这次点击，未执行任何操作。请重新发送 /signout。"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
			code, _ := h.prompt("alice lost laptop")
			// A realistic button payload without block_id fails slack-go's decoding.
			env, err := h.slack.SendClick(fakeslack.Click{UserID: invoker, ChannelID: channel, ActionID: slackbot.ActionConfirm, Value: code,
				NoBlockID: true, ResponseURL: h.slack.ResponseURL("noblock")})
			if err != nil {
				t.Fatal(err)
			}
			h.acked(env)
			r := h.response("noblock", 1)
			if r.ReplaceOriginal || r.ResponseType != "ephemeral" {
				t.Fatalf("refusal %s", r.Body)
			}
			mustContain(t, "refusal", r.Text, tc.want)

			// One whose text is a string decodes as a legacy attachment action.
			env, err = h.slack.Send("", "interactive", map[string]any{
				"type": "block_actions", "user": map[string]any{"id": invoker, "team_id": fakeslack.TeamID}, "team": map[string]any{"id": fakeslack.TeamID},
				"container": map[string]any{"type": "message", "channel_id": channel}, "response_url": h.slack.ResponseURL("legacy"),
				"actions": []map[string]any{{"type": "button", "name": slackbot.ActionConfirm, "value": code, "text": "Sign out"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			h.acked(env)
			mustContain(t, "refusal", h.response("legacy", 1).Text, tc.want)

			if n := len(h.signOutRequests()); n != 0 {
				t.Fatalf("%d signOut requests", n)
			}
		})
	}
}

func TestForgedButtonValues(t *testing.T) {
	for _, tc := range []struct {
		lang             i18n.Lang
		foreign, many    string
		unknown, yourOwn string // before and after the code of the pending prompt
	}{
		{i18n.EN, "That button does not belong to a request this bot made, so nothing was done. Run /signout again.",
			"That click carried several actions, so nothing was done. Press one button.",
			"No pending request has code ZZZZ99; you have one pending: ", "."},
		{i18n.ZH, "这个按钮不属于本机器人发起的请求，未执行任何操作。请重新发送 /signout。",
			"这次点击包含多个操作，未执行任何操作。请只点一个按钮。",
			"没有确认码为 ZZZZ99 的待确认请求；你有一个待确认的请求：", "。"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
			code, _ := h.prompt("alice lost laptop")
			for i, value := range []string{"", "<!channel>", strings.Repeat("A", 2000), "ABC", "ABCD-1234", "req-123 OR 1=1"} {
				env, resp := h.click(invoker, slackbot.ActionConfirm, value)
				h.acked(env)
				r := h.response(resp, 1)
				if r.ReplaceOriginal {
					t.Fatalf("value %d replaced the message: %s", i, r.Body)
				}
				mustContain(t, "refusal", r.Text, tc.foreign)
			}
			// A well-formed code that matches nothing reaches the engine and is refused there.
			env, resp := h.click(invoker, slackbot.ActionConfirm, "ZZZZ99")
			h.acked(env)
			mustContain(t, "refusal", h.response(resp, 1).Text, tc.unknown+code+tc.yourOwn)
			// Two actions in one payload.
			env, err := h.slack.SendClick(fakeslack.Click{UserID: invoker, ChannelID: channel, ResponseURL: h.slack.ResponseURL("two"),
				Actions: []fakeslack.Action{{ActionID: slackbot.ActionConfirm, BlockID: "b", Value: "ZZZZ99"}, {ActionID: slackbot.ActionCancel, BlockID: "b", Value: "ZZZZ99"}}})
			if err != nil {
				t.Fatal(err)
			}
			h.acked(env)
			mustContain(t, "refusal", h.response("two", 1).Text, tc.many)
			if n := len(h.signOutRequests()); n != 0 {
				t.Fatalf("%d signOut requests", n)
			}
			count := 0
			for _, a := range h.slack.Acks() {
				if a.EnvelopeID == env {
					count++
				}
			}
			if count != 1 {
				t.Fatalf("a two-action click was acked %d times", count)
			}
		})
	}
}

func TestResponseURLFailsPromptFallsBackToEphemeral(t *testing.T) {
	h := connected(t)
	h.slack.Script("resp:gone", fakeslack.Reply{Status: 404, Body: "expired_url"})
	env := h.slashTo(invoker, "alice lost laptop", "gone")
	h.acked(env)
	calls, err := h.slack.WaitCalls(h.ctx(), "chat.postEphemeral", 1)
	if err != nil {
		t.Fatal(err)
	}
	f := calls[0].Form
	if f.Get("channel") != channel || f.Get("user") != invoker {
		t.Fatalf("fallback prompt %v", f)
	}
	bs := buttons(t, json.RawMessage(f.Get("blocks")))
	if len(bs) != 3 {
		t.Fatalf("fallback prompt buttons %+v", bs)
	}
	// The click on it still works.
	clickEnv, clickResp := h.click(invoker, slackbot.ActionConfirm, bs[0].Value)
	h.acked(clickEnv)
	h.response(clickResp, 1)
	h.post(1)
	if n := len(h.dingtalk.SignOuts()); n != 1 {
		t.Fatalf("%d sign-outs", n)
	}
}

func TestClickResponseURLFails(t *testing.T) {
	h := connected(t)
	code, _ := h.prompt("alice lost laptop")
	h.slack.Script("resp:broken", fakeslack.Reply{Status: 500, Body: "oops"}, fakeslack.Reply{Status: 500, Body: "oops"})
	env := h.clickTo(invoker, slackbot.ActionConfirm, code, "broken")
	h.acked(env)
	// The progress note falls back to an ephemeral message; the sign-out goes on.
	calls, err := h.slack.WaitCalls(h.ctx(), "chat.postEphemeral", 1)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "fallback progress", calls[0].Form.Get("text"), "Signing out")
	h.post(1)
	if n := len(h.dingtalk.SignOuts()); n != 1 {
		t.Fatalf("%d sign-outs", n)
	}
}

func TestResultNotInChannelUsesResponseURL(t *testing.T) {
	h := connected(t)
	code, cmdResp := h.prompt("alice lost laptop")
	h.slack.Script("chat.postMessage", fakeslack.Reply{Error: "not_in_channel"})
	env, _ := h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env)
	r := h.response(cmdResp, 2)
	if r.ResponseType != "in_channel" || r.ReplaceOriginal {
		t.Fatalf("result via response_url: %s", r.Body)
	}
	mustContain(t, "result", r.Text, "Signed out Alice Liddell (alice)")
	if n := len(h.slack.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("%d chat.postMessage calls", n)
	}
}

func TestResultNowhereToPostTellsTheConfirmer(t *testing.T) {
	h := connected(t)
	code, cmdResp := h.prompt("alice lost laptop")
	h.slack.Script("chat.postMessage", fakeslack.Reply{Error: "channel_not_found"})
	h.slack.Script("resp:"+cmdResp, fakeslack.Reply{Status: 404, Body: "expired_url"})
	env, clickResp := h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env)
	// The confirmer is told the outcome privately.
	r := h.response(clickResp, 2)
	if r.ReplaceOriginal || r.ResponseType != "ephemeral" {
		t.Fatalf("%s", r.Body)
	}
	mustContain(t, "private result", r.Text, "Signed out Alice Liddell (alice)")
}

func TestRateLimitedPostIsRetriedAfterRetryAfter(t *testing.T) {
	h := connected(t)
	code, _ := h.prompt("alice lost laptop")
	h.slack.Script("chat.postMessage", fakeslack.Reply{Status: 429, RetryAfter: "1"})
	env, _ := h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env)
	second := h.post(2)
	first := h.slack.Calls("chat.postMessage")[0]
	if gap := second.At.Sub(first.At); gap < time.Second {
		t.Fatalf("retried after %v, before Retry-After's 1s", gap)
	}
	mustContain(t, "result", second.Form.Get("text"), "Signed out Alice Liddell (alice)")

	// Acks are not delayed while a post waits out a rate limit.
	h.slack.Script("chat.postEphemeral", fakeslack.Reply{Status: 429, RetryAfter: "1"})
	h.slack.Script("resp:slow", fakeslack.Reply{Status: 404, Body: "expired_url"})
	slow, err := h.slack.SendSlash(fakeslack.Slash{ChannelID: channel, UserID: invoker, Text: "alice again", ResponseURL: h.slack.ResponseURL("slow")})
	if err != nil {
		t.Fatal(err)
	}
	h.acked(slow)
	if _, err := h.slack.WaitCalls(h.ctx(), "chat.postEphemeral", 1); err != nil {
		t.Fatal(err)
	}
	quick, _ := h.slash(invoker, "help")
	if a := h.acked(quick); a.Latency > 500*time.Millisecond {
		t.Fatalf("ack took %v while another request waited for a rate limit", a.Latency)
	}
	if _, err := h.slack.WaitCalls(h.ctx(), "chat.postEphemeral", 2); err != nil {
		t.Fatal(err)
	}
}

func TestReconnectAfterDisconnect(t *testing.T) {
	h := connected(t)
	if err := h.slack.Disconnect("refresh_requested"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.slack.WaitOpens(h.ctx(), 2); err != nil {
		t.Fatal(err)
	}
	h.waitConnected(2)
	code, _ := h.prompt("alice lost laptop")
	env, _ := h.click(invoker, slackbot.ActionConfirm, code)
	if a := h.acked(env); a.Conn != 2 {
		t.Fatalf("acked on connection %d", a.Conn)
	}
	h.post(1)
	h.waitLog("reconnected to Slack")
}

func TestReconnectAfterDroppedSocket(t *testing.T) {
	h := connected(t)
	if err := h.slack.DropConnection(); err != nil {
		t.Fatal(err)
	}
	if _, err := h.slack.WaitOpens(h.ctx(), 2); err != nil {
		t.Fatal(err)
	}
	h.waitConnected(2)
	env, resp := h.slash(invoker, "alice lost laptop")
	h.acked(env)
	if len(buttons(t, h.response(resp, 1).Blocks)) != 3 {
		t.Fatal("no prompt after reconnecting")
	}
	l := h.logs.String()
	if strings.Count(l, "Slack connection lost; reconnecting") != 1 {
		t.Fatalf("the connection loss should be logged once:\n%s", l)
	}
}

func TestConnectionErrorsAreRetriedAndLoggedOnce(t *testing.T) {
	h := newHarness(t, func(o *harnessOptions) {
		// Not fatal: slack-go retries with backoff (100ms, 200ms, ...).
		o.beforeRun = func(s *fakeslack.Server) {
			s.Script("apps.connections.open", fakeslack.Reply{Status: 503, Body: "down"}, fakeslack.Reply{Status: 503, Body: "down"})
		}
	})
	h.waitConnected(1)
	if n := len(h.slack.Opens()); n < 3 {
		t.Fatalf("%d opens", n)
	}
	l := h.logs.String()
	if strings.Count(l, "could not connect to Slack; retrying") != 1 {
		t.Fatalf("want one warning for the failure streak:\n%s", l)
	}
}

func TestOrgBoundary(t *testing.T) {
	for _, tc := range []struct {
		lang                i18n.Lang
		otherTeam, otherOrg string
	}{
		{i18n.EN, "This bot serves only its own Slack workspace, so nothing was done.", "This bot serves only its own Slack organization, so nothing was done."},
		{i18n.ZH, "此机器人只服务于自己的 Slack 工作区，未执行任何操作。", "此机器人只服务于自己的 Slack 组织，未执行任何操作。"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang), func(o *harnessOptions) {
				o.cfg.TeamID, o.cfg.EnterpriseID = fakeslack.TeamID, "E0ORG"
			})
			// Another team, another enterprise, and no enterprise at all.
			for _, c := range []struct {
				slash fakeslack.Slash
				want  string
			}{
				{fakeslack.Slash{TeamID: "T0OTHER", EnterpriseID: "E0ORG", Text: "alice x"}, tc.otherTeam},
				{fakeslack.Slash{EnterpriseID: "E0OTHER", Text: "alice x"}, tc.otherOrg},
				{fakeslack.Slash{Text: "alice x"}, tc.otherOrg},
			} {
				id := h.nextRespID("org")
				c.slash.ChannelID, c.slash.UserID, c.slash.ResponseURL = channel, invoker, h.slack.ResponseURL(id)
				env, err := h.slack.SendSlash(c.slash)
				if err != nil {
					t.Fatal(err)
				}
				h.acked(env)
				r := h.response(id, 1)
				if r.ResponseType != "ephemeral" || len(buttons(t, r.Blocks)) != 0 {
					t.Fatalf("refusal %s", r.Body)
				}
				mustContain(t, "refusal", r.Text, c.want)
			}
			// A Slack Connect guest clicking, and mentioning the bot.
			env, err := h.slack.SendClick(fakeslack.Click{UserID: invoker, UserTeamID: "T0GUEST", EnterpriseID: "E0ORG", ChannelID: channel,
				ActionID: slackbot.ActionConfirm, Value: "ABCD12", ResponseURL: h.slack.ResponseURL("guest-click")})
			if err != nil {
				t.Fatal(err)
			}
			h.acked(env)
			mustContain(t, "click refusal", h.response("guest-click", 1).Text, tc.otherTeam)
			env, _, err = h.slack.SendMention(fakeslack.Mention{UserID: invoker, UserTeam: "T0GUEST", EnterpriseID: "E0ORG", ExtShared: true,
				ChannelID: channel, Text: "<@" + fakeslack.BotUserID + "> signout alice x"})
			if err != nil {
				t.Fatal(err)
			}
			h.acked(env)
			eph, err := h.slack.WaitCalls(h.ctx(), "chat.postEphemeral", 1)
			if err != nil {
				t.Fatal(err)
			}
			mustContain(t, "mention refusal", eph[0].Form.Get("text"), tc.otherTeam)

			if n := len(h.records()); n != 0 {
				t.Fatalf("%d audit records: a refused request reached the engine", n)
			}
			// The org's own users are served.
			env, err = h.slack.SendSlash(fakeslack.Slash{EnterpriseID: "E0ORG", ChannelID: channel, UserID: invoker, Text: "alice x", ResponseURL: h.slack.ResponseURL("own")})
			if err != nil {
				t.Fatal(err)
			}
			h.acked(env)
			if len(buttons(t, h.response("own", 1).Blocks)) != 3 {
				t.Fatal("no prompt for the org's own user")
			}
		})
	}
}

func TestFatalAuth(t *testing.T) {
	t.Run("bot token", func(t *testing.T) {
		s := fakeslack.New(t, fakeslack.Options{})
		b, err := slackbot.New(slackbot.Config{AppToken: fakeslack.AppToken, BotToken: "xoxb-revoked", APIURL: s.APIURL()}, nopEngine{})
		if err != nil {
			t.Fatal(err)
		}
		err = b.Run(context.Background())
		if err == nil || !strings.Contains(err.Error(), "bot token") || !strings.Contains(err.Error(), "invalid_auth") || strings.Contains(err.Error(), "xoxb-revoked") {
			t.Fatalf("Run = %v", err)
		}
	})
	t.Run("app token", func(t *testing.T) {
		s := fakeslack.New(t, fakeslack.Options{})
		b, err := slackbot.New(slackbot.Config{AppToken: "xapp-revoked", BotToken: fakeslack.BotToken, APIURL: s.APIURL()}, nopEngine{})
		if err != nil {
			t.Fatal(err)
		}
		err = b.Run(context.Background())
		if err == nil || !strings.Contains(err.Error(), "app token") || !strings.Contains(err.Error(), "invalid_auth") || strings.Contains(err.Error(), "xapp-revoked") {
			t.Fatalf("Run = %v", err)
		}
		if b.Connected() {
			t.Fatal("Connected after a fatal error")
		}
	})
	t.Run("transient auth.test failures are retried", func(t *testing.T) {
		h := newHarness(t, func(o *harnessOptions) {
			o.beforeRun = func(s *fakeslack.Server) {
				s.Script("auth.test", fakeslack.Reply{Status: 503, Body: "down"}, fakeslack.Reply{Error: "internal_error"})
			}
		})
		h.waitConnected(1)
		if _, err := h.slack.WaitCalls(h.ctx(), "auth.test", 3); err != nil {
			t.Fatal(err)
		}
	})
}

// A Slack whose auth.test keeps failing must not keep commands waiting:
// the identity is only needed to recognise the bot's own mentions.
func TestCommandsServedWhileAuthTestFails(t *testing.T) {
	failing := make([]fakeslack.Reply, 100)
	for i := range failing {
		failing[i] = fakeslack.Reply{Status: 404, Body: "not found"}
	}
	h := newHarness(t, func(o *harnessOptions) {
		o.beforeRun = func(s *fakeslack.Server) { s.Script("auth.test", failing...) }
	})
	h.waitConnected(1)
	code, _ := h.prompt("alice lost laptop")
	if code == "" {
		t.Fatal("no prompt")
	}
}

func TestRunStopsOnCancelBeforeConnecting(t *testing.T) {
	s := fakeslack.New(t, fakeslack.Options{})
	s.Script("auth.test", fakeslack.Reply{Status: 503, Body: "down"}, fakeslack.Reply{Status: 503, Body: "down"}, fakeslack.Reply{Status: 503, Body: "down"})
	b, err := slackbot.New(slackbot.Config{AppToken: fakeslack.AppToken, BotToken: fakeslack.BotToken, APIURL: s.APIURL()}, nopEngine{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	if _, err := s.WaitCalls(context.Background(), "auth.test", 2); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v after cancel, want nil", err)
	}
	if err := b.Run(context.Background()); err == nil {
		t.Fatal("a second Run should fail")
	}
}

func TestNewValidatesConfig(t *testing.T) {
	cases := []struct {
		cfg  slackbot.Config
		want string
	}{
		{slackbot.Config{BotToken: "xoxb-1"}, "app token is empty"},
		{slackbot.Config{AppToken: "xoxb-1", BotToken: "xoxb-1"}, "app token must start with xapp-"},
		{slackbot.Config{AppToken: "xapp-1", BotToken: "xapp-1"}, "bot token must start with xoxb-"},
		{slackbot.Config{AppToken: "xapp-1 ", BotToken: "xoxb-1"}, "spaces"},
		{slackbot.Config{AppToken: "xapp-1", BotToken: "xoxb-1", APIURL: "ftp://x/"}, "not an http(s) URL"},
		{slackbot.Config{AppToken: "xapp-1", BotToken: "xoxb-1", APIURL: "https://x/api/?token=1"}, "query"},
	}
	for _, c := range cases {
		_, err := slackbot.New(c.cfg, nopEngine{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%v) = %v, want %q", c.cfg, err, c.want)
		}
		if err != nil && (strings.Contains(err.Error(), "xoxb-1") || strings.Contains(err.Error(), "xapp-1")) {
			t.Errorf("error leaks a token: %v", err)
		}
	}
	if _, err := slackbot.New(slackbot.Config{AppToken: "xapp-1", BotToken: "xoxb-1"}, nil); err == nil {
		t.Error("New without an engine should fail")
	}
	cfg := slackbot.Config{AppToken: "xapp-secret", BotToken: "xoxb-secret"}
	for _, s := range []string{cfgString(cfg), cfgGoString(cfg)} {
		if strings.Contains(s, "secret") && !strings.Contains(s, "<secret>") {
			t.Errorf("Config printed a token: %s", s)
		}
		if strings.Contains(s, "xapp-secret") || strings.Contains(s, "xoxb-secret") {
			t.Errorf("Config printed a token: %s", s)
		}
	}
	b, err := slackbot.New(slackbot.Config{AppToken: "xapp-1", BotToken: "xoxb-1", APIURL: "http://127.0.0.1:1/api"}, nopEngine{})
	if err != nil || b.Name() != "slack" || b.Connected() {
		t.Fatalf("New = %v, %v", b, err)
	}
}

// nopEngine is an Engine for tests that never reach it.
type nopEngine struct{}

func (nopEngine) Handle(context.Context, bot.Message, bot.Conversation) {}
func (nopEngine) Confirm(context.Context, bot.Action, bot.Conversation) {}
func (nopEngine) Cancel(context.Context, bot.Action, bot.Conversation)  {}
func (nopEngine) Approve(context.Context, bot.Action, bot.Conversation) {}
func (nopEngine) Deny(context.Context, bot.Action, bot.Conversation)    {}

func cfgString(c slackbot.Config) string   { return fmt.Sprintf("%v", c) }
func cfgGoString(c slackbot.Config) string { return fmt.Sprintf("%#v", c) }

// Until auth.test answers, the bot knows itself from the event's
// authorizations, so its own mention is still stripped.
func TestMentionWhileAuthTestFails(t *testing.T) {
	failing := make([]fakeslack.Reply, 100)
	for i := range failing {
		failing[i] = fakeslack.Reply{Status: 404, Body: "not found"}
	}
	h := newHarness(t, func(o *harnessOptions) {
		o.beforeRun = func(s *fakeslack.Server) { s.Script("auth.test", failing...) }
	})
	h.waitConnected(1)
	env, _, err := h.slack.SendMention(fakeslack.Mention{UserID: invoker, ChannelID: channel,
		Text: "<@" + fakeslack.BotUserID + "> signout alice lost phone"})
	if err != nil {
		t.Fatal(err)
	}
	h.acked(env)
	eph, err := h.slack.WaitCalls(h.ctx(), "chat.postEphemeral", 1)
	if err != nil {
		t.Fatal(err)
	}
	if bs := buttons(t, json.RawMessage(eph[0].Form.Get("blocks"))); len(bs) != 3 {
		t.Fatalf("want a prompt with buttons, got %v", eph[0].Form)
	}
}
