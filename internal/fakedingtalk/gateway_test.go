package fakedingtalk

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/chatbot"
	"github.com/open-dingtalk/dingtalk-stream-sdk-go/client"
)

// These tests drive the gateway with the real stream SDK over 127.0.0.1.

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startSDK connects a stream client to g; received robot messages go to the
// returned channel.
func startSDK(t *testing.T, g *Gateway, secret string) (*client.StreamClient, <-chan *chatbot.BotCallbackDataModel, error) {
	t.Helper()
	got := make(chan *chatbot.BotCallbackDataModel, 16)
	cli := client.NewStreamClient(
		client.WithAppCredential(client.NewAppCredentialConfig(ClientID, secret)),
		client.WithOpenApiHost(g.URL()),
	)
	cli.RegisterChatBotCallbackRouter(func(_ context.Context, m *chatbot.BotCallbackDataModel) ([]byte, error) {
		got <- m
		return nil, nil
	})
	t.Cleanup(cli.Close)
	return cli, got, cli.Start(testContext(t))
}

func TestGatewayChecksCredentials(t *testing.T) {
	g := NewGateway(t)
	if _, _, err := startSDK(t, g, "wrong-secret"); err == nil {
		t.Fatal("Start with a wrong secret succeeded")
	}
	opens := g.Opens()
	if len(opens) != 1 || opens[0].Status != http.StatusUnauthorized {
		t.Fatalf("opens = %+v, want one refused with 401", opens)
	}
	if g.Connections() != 0 {
		t.Fatalf("a websocket was accepted without valid credentials")
	}
}

func TestGatewayOpenRecordsSubscriptions(t *testing.T) {
	g := NewGateway(t)
	if _, _, err := startSDK(t, g, ClientSecret); err != nil {
		t.Fatal(err)
	}
	if err := g.WaitConnected(testContext(t), 1); err != nil {
		t.Fatal(err)
	}
	opens := g.Opens()
	if len(opens) != 1 || opens[0].Status != http.StatusOK || opens[0].ClientID != ClientID || opens[0].ClientSecret != ClientSecret {
		t.Fatalf("opens = %+v", opens)
	}
	for _, want := range []Subscription{{TypeCallback, TopicRobotMessage}, {TypeSystem, TopicPing}, {TypeSystem, TopicDisconnect}} {
		if !hasSubscription(opens[0].Subscriptions, want.Type, want.Topic) {
			t.Errorf("subscriptions %+v lack %+v", opens[0].Subscriptions, want)
		}
	}
	if !strings.HasPrefix(opens[0].UserAgent, "dingtalk-sdk-go/") {
		t.Errorf("ua = %q", opens[0].UserAgent)
	}
}

func TestGatewayRefusesFirstOpen(t *testing.T) {
	g := NewGateway(t)
	g.RefuseOpens(1)
	cli, _, err := startSDK(t, g, ClientSecret)
	if err == nil || !strings.Contains(err.Error(), "RefuseOpens") {
		t.Fatalf("first Start: err = %v, want the refusal", err)
	}
	if err := cli.Start(testContext(t)); err != nil {
		t.Fatalf("second Start: %v", err)
	}
	opens := g.Opens()
	if len(opens) != 2 || opens[0].Status != http.StatusServiceUnavailable || opens[1].Status != http.StatusOK {
		t.Fatalf("opens = %+v", opens)
	}
}

func TestGatewayCallbackAckAndPing(t *testing.T) {
	ctx := testContext(t)
	g := NewGateway(t)
	_, got, err := startSDK(t, g, ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	id, err := g.SendRobotMessage(ctx, RobotMessage{
		ConversationID: "cid1", MsgID: "msg1", SenderStaffID: "u1", ConversationType: "2",
		MsgType: "text", Text: &MessageText{Content: " hello"}, RobotCode: ClientID,
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if m.MsgId != "msg1" || m.Text.Content != " hello" || m.RobotCode != ClientID {
			t.Fatalf("handler got %+v", m)
		}
	case <-ctx.Done():
		t.Fatal("handler not called")
	}
	ack, err := g.WaitAck(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Code != 200 || ack.Conn != 1 || ack.Sent.IsZero() || ack.Latency() < 0 {
		t.Fatalf("ack = %+v", ack)
	}

	pingID, err := g.Ping(ctx, "123-dsfs")
	if err != nil {
		t.Fatal(err)
	}
	pong, err := g.WaitAck(ctx, pingID)
	if err != nil {
		t.Fatal(err)
	}
	var echo struct{ Opaque string }
	if pong.Code != 200 || json.Unmarshal([]byte(pong.Data), &echo) != nil || echo.Opaque != "123-dsfs" {
		t.Fatalf("pong = %+v", pong)
	}
}

func TestGatewayDisconnectThenReconnect(t *testing.T) {
	ctx := testContext(t)
	g := NewGateway(t)
	if _, _, err := startSDK(t, g, ClientSecret); err != nil {
		t.Fatal(err)
	}
	if err := g.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Disconnect(ctx, "connection is expired"); err != nil {
		t.Fatal(err)
	}
	// The SDK acks, closes, and reconnects after its own backoff (about 3 s).
	if err := g.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if n := len(g.Opens()); n != 2 {
		t.Fatalf("%d open calls, want 2", n)
	}
}

func TestGatewayTicketIsSingleUse(t *testing.T) {
	g := NewGateway(t)
	resp, err := http.Post(g.URL()+PathOpenConnection, "application/json", strings.NewReader(`{"clientId":"`+ClientID+`","clientSecret":"`+ClientSecret+`",
		"subscriptions":[{"type":"CALLBACK","topic":"/v1.0/im/bot/messages/get"},{"type":"SYSTEM","topic":"ping"},{"type":"SYSTEM","topic":"disconnect"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var ep struct{ Endpoint, Ticket string }
	err = json.NewDecoder(resp.Body).Decode(&ep)
	resp.Body.Close()
	if err != nil || ep.Ticket == "" || !strings.HasPrefix(ep.Endpoint, "ws://127.0.0.1:") {
		t.Fatalf("open: %+v, %v", ep, err)
	}
	dial := func(url string) int {
		ws, resp, err := websocket.DefaultDialer.Dial(url, nil)
		if err == nil {
			ws.Close()
			return http.StatusSwitchingProtocols
		}
		if resp == nil {
			t.Fatalf("dial %s: %v", url, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := dial(ep.Endpoint); code != http.StatusUnauthorized {
		t.Errorf("no ticket: status %d, want 401", code)
	}
	if code := dial(ep.Endpoint + "?ticket=" + ep.Ticket); code != http.StatusSwitchingProtocols {
		t.Errorf("valid ticket: status %d", code)
	}
	if code := dial(ep.Endpoint + "?ticket=" + ep.Ticket); code != http.StatusUnauthorized {
		t.Errorf("reused ticket: status %d, want 401", code)
	}
}

func TestGatewaySendWithoutConnection(t *testing.T) {
	g := NewGateway(t)
	if _, err := g.Ping(testContext(t), "x"); err == nil {
		t.Fatal("Ping without a connection succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.WaitConnected(ctx, 1); err == nil {
		t.Fatal("WaitConnected on a cancelled context succeeded")
	}
}
