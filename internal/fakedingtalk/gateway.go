package fakedingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Stream protocol names (DingTalk stream mode, spec section 6).
const (
	PathOpenConnection = "/v1.0/gateway/connections/open"
	PathConnect        = "/connect"

	TypeSystem   = "SYSTEM"
	TypeCallback = "CALLBACK"
	TypeEvent    = "EVENT"

	TopicRobotMessage = "/v1.0/im/bot/messages/get"
	TopicPing         = "ping"
	TopicDisconnect   = "disconnect"
)

// ticketLifetime is how long DingTalk accepts a ticket (single use).
const ticketLifetime = 90 * time.Second

// Subscription is one entry of an open-connection request.
type Subscription struct {
	Type  string `json:"type"`
	Topic string `json:"topic"`
}

// OpenRequest is a POST /v1.0/gateway/connections/open the gateway received.
type OpenRequest struct {
	ClientID      string
	ClientSecret  string
	Subscriptions []Subscription
	UserAgent     string
	At            time.Time
	// Status is the HTTP status the gateway answered; Problem says why it
	// refused ("" when it accepted).
	Status  int
	Problem string
}

// Frame is a server-to-client data frame. Every header value is a JSON
// string, as DingTalk sends them: the SDK decodes headers into a
// map[string]string and silently drops a frame with any other type there.
type Frame struct {
	SpecVersion string            `json:"specVersion"`
	Type        string            `json:"type"`
	Headers     map[string]string `json:"headers"`
	Data        string            `json:"data"`
}

// Ack is a client-to-server frame response the gateway received.
type Ack struct {
	Code    int               `json:"code"`
	Headers map[string]string `json:"headers"`
	Message string            `json:"message"`
	Data    string            `json:"data"`

	Conn     int       `json:"-"` // the connection that carried it, from 1
	Sent     time.Time `json:"-"` // when the frame it answers was written; zero if unknown
	Received time.Time `json:"-"`
}

// MessageID is the messageId header: the frame the ack answers.
func (a Ack) MessageID() string { return a.Headers["messageId"] }

// Latency is the time from writing the frame to reading its ack.
func (a Ack) Latency() time.Duration {
	if a.Sent.IsZero() {
		return 0
	}
	return a.Received.Sub(a.Sent)
}

// AtUser is an entry of a robot message's atUsers.
type AtUser struct {
	DingtalkID string `json:"dingtalkId"`
	StaffID    string `json:"staffId,omitempty"`
}

// MessageText is the text of a text robot message.
type MessageText struct {
	Content string `json:"content"`
}

// RobotMessage is the data of a robot message callback, in DingTalk's field
// names. Fields left empty are omitted from the JSON.
type RobotMessage struct {
	ConversationID            string       `json:"conversationId,omitempty"`
	AtUsers                   []AtUser     `json:"atUsers,omitempty"`
	ChatbotCorpID             string       `json:"chatbotCorpId,omitempty"`
	ChatbotUserID             string       `json:"chatbotUserId,omitempty"`
	MsgID                     string       `json:"msgId,omitempty"`
	SenderNick                string       `json:"senderNick,omitempty"`
	IsAdmin                   bool         `json:"isAdmin,omitempty"`
	SenderStaffID             string       `json:"senderStaffId,omitempty"`
	SessionWebhookExpiredTime int64        `json:"sessionWebhookExpiredTime,omitempty"`
	CreateAt                  int64        `json:"createAt,omitempty"`
	SenderCorpID              string       `json:"senderCorpId,omitempty"`
	ConversationType          string       `json:"conversationType,omitempty"` // "1" direct, "2" group
	SenderID                  string       `json:"senderId,omitempty"`
	ConversationTitle         string       `json:"conversationTitle,omitempty"`
	IsInAtList                bool         `json:"isInAtList,omitempty"`
	SessionWebhook            string       `json:"sessionWebhook,omitempty"`
	Text                      *MessageText `json:"text,omitempty"`
	RobotCode                 string       `json:"robotCode,omitempty"`
	MsgType                   string       `json:"msgtype,omitempty"`
	Content                   any          `json:"content,omitempty"`
}

// Gateway fakes DingTalk's stream gateway: the open-connection endpoint
// (pass URL() to the SDK's WithOpenApiHost) and the websocket it hands out.
// It checks the app credentials, the subscriptions and the single-use ticket,
// sends CALLBACK and SYSTEM frames on the newest connection, and records
// every ack with the time it arrived. Each connection has a read loop
// running all the time, so gorilla answers the client's websocket pings.
type Gateway struct {
	srv       *httptest.Server
	upgrader  websocket.Upgrader
	closeOnce sync.Once
	loops     sync.WaitGroup // connection read loops

	clientID, clientSecret string

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every recorded change
	closed  bool
	refuse  int
	opens   []OpenRequest
	tickets map[string]time.Time // unused ticket -> expiry
	conns   []*gatewayConn
	sent    map[string]time.Time // messageId -> when last written
	acks    []Ack
	seq     int
}

type gatewayConn struct {
	n    int
	ws   *websocket.Conn
	wmu  sync.Mutex // gorilla allows one writer at a time
	done chan struct{}
}

// NewGateway starts a gateway on 127.0.0.1 that accepts the ClientID and
// ClientSecret of this package, and closes it when t ends.
func NewGateway(t testing.TB) *Gateway {
	return NewGatewayFor(t, ClientID, ClientSecret)
}

// NewGatewayFor starts a gateway that accepts the given app credentials.
func NewGatewayFor(t testing.TB, clientID, clientSecret string) *Gateway {
	g := &Gateway{
		clientID:     clientID,
		clientSecret: clientSecret,
		changed:      make(chan struct{}),
		tickets:      map[string]time.Time{},
		sent:         map[string]time.Time{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc(PathOpenConnection, g.open)
	mux.HandleFunc(PathConnect, g.connect)
	g.srv = httptest.NewServer(mux)
	t.Cleanup(g.Close)
	return g
}

// URL is the open-connection host, for client.WithOpenApiHost.
func (g *Gateway) URL() string { return g.srv.URL }

// Close drops every connection, waits for their read loops and stops the
// server. It may be called more than once.
func (g *Gateway) Close() {
	g.closeOnce.Do(func() {
		g.mu.Lock()
		g.closed = true
		conns := slices.Clone(g.conns)
		g.mu.Unlock()
		for _, c := range conns {
			_ = c.ws.Close()
		}
		g.loops.Wait()
		g.srv.Close()
	})
}

// RefuseOpens makes the next n open-connection requests fail with HTTP 503
// (after they are recorded), as a gateway under maintenance would.
func (g *Gateway) RefuseOpens(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refuse = n
}

// Opens returns the open-connection requests received so far.
func (g *Gateway) Opens() []OpenRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.opens)
}

// Connections is the number of websocket connections accepted so far.
func (g *Gateway) Connections() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.conns)
}

// WaitConnected blocks until the n-th websocket connection has been accepted
// and is still open, or ctx ends.
func (g *Gateway) WaitConnected(ctx context.Context, n int) error {
	return g.wait(ctx, func() bool {
		if len(g.conns) < n {
			return false
		}
		select {
		case <-g.conns[n-1].done:
			return false
		default:
			return true
		}
	}, func() string { return fmt.Sprintf("connection %d (have %d)", n, len(g.conns)) })
}

// WaitDisconnected blocks until every accepted connection has closed.
func (g *Gateway) WaitDisconnected(ctx context.Context) error {
	return g.wait(ctx, func() bool {
		for _, c := range g.conns {
			select {
			case <-c.done:
			default:
				return false
			}
		}
		return true
	}, func() string { return "all connections closed" })
}

// Acks returns the acks received so far, in order of arrival.
func (g *Gateway) Acks() []Ack {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.acks)
}

// WaitAck blocks until the ack for messageID arrives and returns it (the
// first one if there are several).
func (g *Gateway) WaitAck(ctx context.Context, messageID string) (Ack, error) {
	var ack Ack
	err := g.wait(ctx, func() bool {
		for _, a := range g.acks {
			if a.MessageID() == messageID {
				ack = a
				return true
			}
		}
		return false
	}, func() string { return "ack for " + messageID })
	return ack, err
}

// WaitAcks blocks until at least n acks have arrived and returns them all.
func (g *Gateway) WaitAcks(ctx context.Context, n int) ([]Ack, error) {
	var acks []Ack
	err := g.wait(ctx, func() bool {
		acks = slices.Clone(g.acks)
		return len(acks) >= n
	}, func() string { return fmt.Sprintf("%d acks (have %d)", n, len(g.acks)) })
	return acks, err
}

// wait blocks until ready (called with g.mu held) reports true.
func (g *Gateway) wait(ctx context.Context, ready func() bool, what func() string) error {
	for {
		g.mu.Lock()
		ok, changed := ready(), g.changed
		desc := ""
		if !ok && ctx.Err() != nil {
			desc = what()
		}
		g.mu.Unlock()
		if ok {
			return nil
		}
		if desc != "" {
			return fmt.Errorf("fakedingtalk gateway: waiting for %s: %w", desc, ctx.Err())
		}
		select {
		case <-changed:
		case <-ctx.Done():
		}
	}
}

// notifyLocked wakes the waiters; g.mu must be held.
func (g *Gateway) notifyLocked() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// Send writes f on the newest open connection and returns its messageId.
// Missing specVersion, messageId, time and contentType headers are filled in.
func (g *Gateway) Send(ctx context.Context, f Frame) (string, error) {
	if f.SpecVersion == "" {
		f.SpecVersion = "1.0"
	}
	h := make(map[string]string, len(f.Headers)+4)
	for k, v := range f.Headers {
		h[k] = v
	}
	if h["messageId"] == "" {
		h["messageId"] = g.newMessageID()
	}
	if h["time"] == "" {
		h["time"] = strconv.FormatInt(time.Now().UnixMilli(), 10)
	}
	if h["contentType"] == "" {
		h["contentType"] = "application/json"
	}
	f.Headers = h
	b, err := json.Marshal(f)
	if err != nil {
		return "", err
	}
	return h["messageId"], g.write(ctx, h["messageId"], b)
}

// SendRaw writes b as a text frame on the newest open connection, for
// frames that are not valid JSON.
func (g *Gateway) SendRaw(ctx context.Context, b []byte) error {
	return g.write(ctx, "", b)
}

// SendCallback sends a CALLBACK frame on topic with data as its data string.
func (g *Gateway) SendCallback(ctx context.Context, topic, data string) (string, error) {
	return g.Send(ctx, Frame{Type: TypeCallback, Headers: map[string]string{"topic": topic}, Data: data})
}

// SendRobotMessage sends m as a robot message callback.
func (g *Gateway) SendRobotMessage(ctx context.Context, m RobotMessage) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	return g.SendCallback(ctx, TopicRobotMessage, string(b))
}

// Ping sends a SYSTEM ping frame; the client's ack must echo its data.
func (g *Gateway) Ping(ctx context.Context, opaque string) (string, error) {
	data, _ := json.Marshal(map[string]string{"opaque": opaque})
	return g.Send(ctx, Frame{Type: TypeSystem, Headers: map[string]string{"topic": TopicPing}, Data: string(data)})
}

// Disconnect sends a SYSTEM disconnect frame, as DingTalk does before it
// drops a connection; the client is expected to reconnect.
func (g *Gateway) Disconnect(ctx context.Context, reason string) (string, error) {
	data, _ := json.Marshal(map[string]string{"reason": reason})
	return g.Send(ctx, Frame{Type: TypeSystem, Headers: map[string]string{"topic": TopicDisconnect}, Data: string(data)})
}

// DropConnections closes every open connection from the server side without
// a word, as a network failure would.
func (g *Gateway) DropConnections() {
	g.mu.Lock()
	conns := slices.Clone(g.conns)
	g.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.Close()
	}
}

func (g *Gateway) newMessageID() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seq++
	return fmt.Sprintf("fake_%d_%s", g.seq, openAPIRandomHex(6))
}

func (g *Gateway) write(ctx context.Context, messageID string, b []byte) error {
	g.mu.Lock()
	var c *gatewayConn
	for i := len(g.conns) - 1; i >= 0 && c == nil; i-- {
		select {
		case <-g.conns[i].done:
		default:
			c = g.conns[i]
		}
	}
	g.mu.Unlock()
	if c == nil {
		return errors.New("fakedingtalk gateway: no open connection")
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(5 * time.Second)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if messageID != "" {
		// Recorded before the write: the ack may be read before Write returns.
		g.mu.Lock()
		g.sent[messageID] = time.Now()
		g.mu.Unlock()
	}
	_ = c.ws.SetWriteDeadline(deadline)
	if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		return fmt.Errorf("fakedingtalk gateway: writing frame: %w", err)
	}
	return nil
}

// open serves POST /v1.0/gateway/connections/open.
func (g *Gateway) open(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var in struct {
		ClientID      string         `json:"clientId"`
		ClientSecret  string         `json:"clientSecret"`
		Subscriptions []Subscription `json:"subscriptions"`
		UA            string         `json:"ua"`
	}
	status, problem := http.StatusOK, ""
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		status, problem = http.StatusBadRequest, "content type is not application/json"
	} else if err := json.Unmarshal(body, &in); err != nil {
		status, problem = http.StatusBadRequest, "body is not JSON: "+err.Error()
	}
	req := OpenRequest{ClientID: in.ClientID, ClientSecret: in.ClientSecret, Subscriptions: in.Subscriptions, UserAgent: in.UA, At: time.Now()}

	g.mu.Lock()
	switch {
	case problem != "":
	case in.ClientID != g.clientID || in.ClientSecret != g.clientSecret:
		status, problem = http.StatusUnauthorized, "invalid clientId or clientSecret"
	case !hasSubscription(in.Subscriptions, TypeCallback, TopicRobotMessage):
		status, problem = http.StatusBadRequest, "no CALLBACK subscription to "+TopicRobotMessage
	case !hasSubscription(in.Subscriptions, TypeSystem, TopicPing), !hasSubscription(in.Subscriptions, TypeSystem, TopicDisconnect):
		status, problem = http.StatusBadRequest, "SYSTEM ping and disconnect subscriptions are missing"
	case g.refuse > 0:
		g.refuse--
		status, problem = http.StatusServiceUnavailable, "refused by the fake (RefuseOpens)"
	}
	ticket := ""
	if problem == "" {
		ticket = "ticket-" + openAPIRandomHex(16)
		g.tickets[ticket] = time.Now().Add(ticketLifetime)
	}
	req.Status, req.Problem = status, problem
	g.opens = append(g.opens, req)
	g.notifyLocked()
	g.mu.Unlock()

	if problem != "" {
		openAPIWriteJSON(w, status, map[string]string{"code": "fake.refused", "message": problem})
		return
	}
	openAPIWriteJSON(w, http.StatusOK, map[string]string{"endpoint": "ws://" + r.Host + PathConnect, "ticket": ticket})
}

func hasSubscription(subs []Subscription, typ, topic string) bool {
	return slices.Contains(subs, Subscription{Type: typ, Topic: topic})
}

// connect serves the websocket: it checks and spends the ticket, then reads
// acks until the connection closes.
func (g *Gateway) connect(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	g.mu.Lock()
	exp, ok := g.tickets[ticket]
	delete(g.tickets, ticket)
	closed := g.closed
	g.mu.Unlock()
	switch {
	case closed:
		http.Error(w, "gateway closed", http.StatusServiceUnavailable)
		return
	case !ok || time.Now().After(exp):
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	ws, err := g.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered the client
	}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		_ = ws.Close()
		return
	}
	c := &gatewayConn{n: len(g.conns) + 1, ws: ws, done: make(chan struct{})}
	g.conns = append(g.conns, c)
	g.loops.Add(1)
	g.notifyLocked()
	g.mu.Unlock()

	defer g.loops.Done()
	g.readLoop(c)
}

// readLoop records acks until the connection fails. While it reads, gorilla
// answers the client's keep-alive pings.
func (g *Gateway) readLoop(c *gatewayConn) {
	defer func() {
		_ = c.ws.Close()
		g.mu.Lock()
		close(c.done)
		g.notifyLocked()
		g.mu.Unlock()
	}()
	for {
		typ, b, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		if typ != websocket.TextMessage {
			continue
		}
		var a Ack
		if json.Unmarshal(b, &a) != nil {
			a = Ack{Code: -1, Message: "unparsable ack: " + string(b)}
		}
		a.Conn, a.Received = c.n, time.Now()
		g.mu.Lock()
		a.Sent = g.sent[a.MessageID()]
		g.acks = append(g.acks, a)
		g.notifyLocked()
		g.mu.Unlock()
	}
}
