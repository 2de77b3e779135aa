package fakeslack_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/signout-bot/signout-bot/internal/fakeslack"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// client is a real slack-go Socket Mode client that acks every envelope
// and reports the ones it saw.
type client struct {
	sm   *socketmode.Client
	seen chan socketmode.Event
	errc chan error
}

func startClient(t *testing.T, s *fakeslack.Server, appToken string, opts ...socketmode.Option) *client {
	t.Helper()
	api := slack.New(fakeslack.BotToken, slack.OptionAppLevelToken(appToken), slack.OptionAPIURL(s.APIURL()))
	c := &client{sm: socketmode.New(api, opts...), seen: make(chan socketmode.Event, 100), errc: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-c.sm.Events:
				if evt.Request != nil && evt.Request.EnvelopeID != "" {
					_ = c.sm.AckCtx(ctx, evt.Request.EnvelopeID, map[string]string{"text": "got it"})
				}
				select {
				case c.seen <- evt:
				default:
				}
			}
		}
	}()
	go func() { c.errc <- c.sm.RunContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-c.errc
	})
	return c
}

func TestSocketModeRoundTrip(t *testing.T) {
	s := fakeslack.New(t, fakeslack.Options{})
	startClient(t, s, fakeslack.AppToken)
	ctx := testCtx(t)
	if err := s.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if o := s.Opens(); len(o) != 1 || !o[0].Accepted || o[0].Authorization != "Bearer "+fakeslack.AppToken {
		t.Fatalf("apps.connections.open calls: %+v", o)
	}
	id, err := s.SendSlash(fakeslack.Slash{ChannelID: "C1", UserID: "U1", Text: "alice lost phone", ResponseURL: s.ResponseURL("r1")})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := s.WaitAck(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Latency <= 0 || ack.Conn != 1 || !strings.Contains(string(ack.Payload), "got it") {
		t.Fatalf("ack %+v", ack)
	}
}

func TestEnvelopesParseInSlackGo(t *testing.T) {
	s := fakeslack.New(t, fakeslack.Options{})
	c := startClient(t, s, fakeslack.AppToken)
	ctx := testCtx(t)
	if err := s.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	next := func(want socketmode.EventType) socketmode.Event {
		t.Helper()
		for {
			select {
			case evt := <-c.seen:
				if evt.Type == want {
					return evt
				}
			case <-ctx.Done():
				t.Fatalf("no %s event", want)
			}
		}
	}
	if _, err := s.SendSlash(fakeslack.Slash{ChannelID: "C1", UserID: "U1", Text: "x", EnterpriseID: "E1"}); err != nil {
		t.Fatal(err)
	}
	cmd := next(socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand)
	if cmd.Command != "/signout" || cmd.TeamID != fakeslack.TeamID || cmd.EnterpriseID != "E1" || cmd.UserID != "U1" {
		t.Fatalf("slash command %+v", cmd)
	}

	if _, err := s.SendClick(fakeslack.Click{UserID: "U1", ChannelID: "C1", ActionID: "signout_confirm", Value: "ABCD12"}); err != nil {
		t.Fatal(err)
	}
	cb := next(socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	if len(cb.ActionCallback.BlockActions) != 1 || cb.ActionCallback.BlockActions[0].BlockID != "signout_actions" || cb.User.TeamID != fakeslack.TeamID {
		t.Fatalf("click %+v", cb.ActionCallback)
	}
	if _, err := s.SendClick(fakeslack.Click{UserID: "U1", ChannelID: "C1", ActionID: "signout_confirm", Value: "ABCD12", NoBlockID: true}); err != nil {
		t.Fatal(err)
	}
	// Without block_id slack-go decodes a button as an attachment action,
	// whose "text" is a string: a real button's text object fails that.
	bad := next(socketmode.EventTypeErrorBadMessage).Data.(*socketmode.ErrorBadMessage)
	if !strings.Contains(string(bad.Message), `"signout_confirm"`) {
		t.Fatalf("bad message %s", bad.Message)
	}
	if _, _, err := s.SendMention(fakeslack.Mention{UserID: "U1", ChannelID: "C1", Text: "<@" + fakeslack.BotUserID + "> help", ThreadTS: "1.2"}); err != nil {
		t.Fatal(err)
	}
	ev := next(socketmode.EventTypeEventsAPI)
	if ev.Request.RetryAttempt != 0 || ev.Data.(slackevents.EventsAPIEvent).InnerEvent.Type != "app_mention" {
		t.Fatalf("events_api envelope without retry_attempt: %+v", ev.Request)
	}
}

func TestWrongAppTokenIsFatal(t *testing.T) {
	s := fakeslack.New(t, fakeslack.Options{})
	api := slack.New(fakeslack.BotToken, slack.OptionAppLevelToken("xapp-wrong"), slack.OptionAPIURL(s.APIURL()))
	sm := socketmode.New(api)
	ctx, cancel := context.WithCancel(testCtx(t))
	drained := make(chan struct{})
	go func() { // drain: slack-go blocks on a full Events channel
		defer close(drained)
		for {
			select {
			case <-sm.Events:
			case <-ctx.Done():
				return
			}
		}
	}()
	err := sm.RunContext(ctx)
	cancel()
	<-drained
	if err == nil || err.Error() != "invalid_auth" {
		t.Fatalf("RunContext = %v, want invalid_auth", err)
	}
	if o := s.Opens(); len(o) != 1 || o[0].Accepted {
		t.Fatalf("opens %+v", o)
	}
}

func TestWebAPIChecksTokenAndScripts(t *testing.T) {
	s := fakeslack.New(t, fakeslack.Options{})
	ctx := testCtx(t)
	api := slack.New(fakeslack.BotToken, slack.OptionAPIURL(s.APIURL()))
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); err != nil {
		t.Fatal(err)
	}
	calls := s.Calls("chat.postMessage")
	if len(calls) != 1 || !calls[0].TokenOK || calls[0].Form.Get("channel") != "C1" || calls[0].Form.Get("text") != "hi" {
		t.Fatalf("calls %+v", calls)
	}
	res, err := api.AuthTestContext(ctx)
	if err != nil || res.UserID != fakeslack.BotUserID || res.TeamID != fakeslack.TeamID {
		t.Fatalf("auth.test = %+v, %v", res, err)
	}

	bad := slack.New("xoxb-wrong", slack.OptionAPIURL(s.APIURL()))
	var ser slack.SlackErrorResponse
	if _, err := bad.AuthTestContext(ctx); !errors.As(err, &ser) || ser.Err != "invalid_auth" {
		t.Fatalf("wrong token: %v", err)
	}

	s.Script("chat.postMessage", fakeslack.Reply{Status: 429, RetryAfter: "7"}, fakeslack.Reply{Error: "not_in_channel"})
	var rl *slack.RateLimitedError
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("want a rate limit, got %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); !errors.As(err, &ser) || ser.Err != "not_in_channel" {
		t.Fatalf("want not_in_channel, got %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); err != nil {
		t.Fatalf("script should be used up: %v", err)
	}
}

func TestResponseURLRecordsJSON(t *testing.T) {
	s := fakeslack.New(t, fakeslack.Options{})
	ctx := testCtx(t)
	api := slack.New(fakeslack.BotToken, slack.OptionAPIURL(s.APIURL()))
	blocks := slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "hello", false, true), nil, nil))
	if _, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionReplaceOriginal(s.ResponseURL("r1")), slack.MsgOptionText("hello", false), blocks); err != nil {
		t.Fatal(err)
	}
	rs, err := s.WaitResponses(ctx, "r1", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !rs[0].ReplaceOriginal || rs[0].Text != "hello" || !json.Valid(rs[0].Blocks) || !strings.Contains(string(rs[0].Blocks), `"verbatim":true`) {
		t.Fatalf("response %+v", rs[0])
	}
	s.Script("resp:r2", fakeslack.Reply{Status: 404, Body: "expired_url"})
	if _, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(s.ResponseURL("r2"), slack.ResponseTypeEphemeral), slack.MsgOptionText("x", false)); err == nil {
		t.Fatal("a scripted 404 should fail")
	}
	if rs := s.Responses("r2"); len(rs) != 1 || rs[0].ResponseType != "ephemeral" {
		t.Fatalf("r2 %+v", rs)
	}
}

// TestPingsKeepTheConnection: with a client that wants a PING every
// 300ms, the fake's 50ms pings keep one connection alive across many
// envelope round trips.
func TestPingsKeepTheConnection(t *testing.T) {
	s := fakeslack.New(t, fakeslack.Options{PingInterval: 50 * time.Millisecond})
	startClient(t, s, fakeslack.AppToken, socketmode.OptionPingInterval(300*time.Millisecond))
	ctx := testCtx(t)
	if err := s.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(time.Second) // the property under test: a second without reconnects
	for time.Now().Before(deadline) {
		<-tick.C
		id, err := s.SendSlash(fakeslack.Slash{ChannelID: "C1", UserID: "U1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.WaitAck(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Connections(); n != 1 {
		t.Fatalf("%d connections, want 1", n)
	}
}

func TestDisconnectAndDropReconnect(t *testing.T) {
	s := fakeslack.New(t, fakeslack.Options{})
	startClient(t, s, fakeslack.AppToken)
	ctx := testCtx(t)
	if err := s.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Disconnect("refresh_requested"); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := s.DropConnection(); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitConnected(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if o := s.Opens(); len(o) != 3 {
		t.Fatalf("%d opens, want 3", len(o))
	}
	id, err := s.SendSlash(fakeslack.Slash{ChannelID: "C1", UserID: "U1"})
	if err != nil {
		t.Fatal(err)
	}
	if ack, err := s.WaitAck(ctx, id); err != nil || ack.Conn != 3 {
		t.Fatalf("ack %+v, %v", ack, err)
	}
}
