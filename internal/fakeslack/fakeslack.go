// Package fakeslack is an in-process fake of the parts of Slack that
// signout-bot uses, for tests: apps.connections.open, the Socket Mode
// websocket (hello, PING control frames, envelopes, acks), the Web API
// methods the bot calls, and response_url endpoints. It speaks Slack's
// wire shapes over real sockets on 127.0.0.1, so the real slack-go client
// connects to it, and it records everything it receives with the time it
// arrived. Errors can be scripted per method or response_url.
package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The credentials and identity of the fake workspace and its app.
const (
	AppToken  = "xapp-1-A0FAKE-1-fakeapptoken"
	BotToken  = "xoxb-1-fakebottoken"
	BotUserID = "UBOT0001"
	BotID     = "B0FAKE"
	TeamID    = "T0FAKE"
	AppID     = "A0FAKE"
)

// Options tune a Server.
type Options struct {
	// PingInterval is how often the websocket sends a PING control frame;
	// 0 means 200ms. slack-go reconnects if none comes for 30s.
	PingInterval time.Duration
}

// Open is one apps.connections.open call.
type Open struct {
	At            time.Time
	Authorization string // the Authorization header as sent
	Accepted      bool   // Bearer AppToken, not scripted to fail
}

// Ack is a frame the client sent on the websocket: an envelope ack.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // null or absent when the ack carried none
	Conn       int             // the connection it came on, from 1
	At         time.Time
	// Latency is the time from writing the envelope to reading its ack;
	// zero if the envelope was not sent by this server.
	Latency time.Duration
}

// Call is a Web API call (form-encoded, token in the body).
type Call struct {
	Method  string
	Form    url.Values
	TokenOK bool // the body's token was BotToken
	At      time.Time
}

// Blocks returns the blocks form field, "" if none.
func (c Call) Blocks() string { return c.Form.Get("blocks") }

// Response is a JSON body posted to a response_url.
type Response struct {
	ID              string // the response_url's ID, as given to ResponseURL
	Body            json.RawMessage
	Text            string          `json:"text"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	Blocks          json.RawMessage `json:"blocks"`
	At              time.Time
}

// Reply is a scripted answer. Error alone gives HTTP 200 with
// {"ok":false,"error":Error}; Status 429 with RetryAfter is a rate limit.
type Reply struct {
	Status      int    // 0 means 200
	Error       string // Slack error code
	RetryAfter  string // Retry-After header value, e.g. "1"
	Body        string // raw body, overriding Error
	ContentType string // for Body; "" means text/plain
}

// Server is the fake. Create it with New; it closes when the test ends.
type Server struct {
	srv  *httptest.Server
	ping time.Duration
	wg   sync.WaitGroup // websocket handlers

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every recorded change
	opens     []Open
	conns     []*wsConn
	acks      []Ack
	sentAt    map[string]time.Time
	calls     []Call
	responses []Response
	scripts   map[string][]Reply
	seq       int
	closed    bool
}

// New starts a fake Slack on 127.0.0.1 and closes it when t ends.
func New(t testing.TB, opt Options) *Server {
	s := &Server{
		ping:    opt.PingInterval,
		changed: make(chan struct{}),
		sentAt:  map[string]time.Time{},
		scripts: map[string][]Reply{},
	}
	if s.ping <= 0 {
		s.ping = 200 * time.Millisecond
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	mux.HandleFunc("/resp/", s.serveResponseURL)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// APIURL is the Web API base URL, with the trailing slash slack-go needs.
func (s *Server) APIURL() string { return s.srv.URL + "/api/" }

// ResponseURL is a response_url whose posts are recorded under id.
func (s *Server) ResponseURL(id string) string { return s.srv.URL + "/resp/" + url.PathEscape(id) }

// Close drops every websocket and stops the server. It may be called
// more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := slices.Clone(s.conns)
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
	s.wg.Wait()
}

// Script queues replies for the next calls of a Web API method
// ("chat.postMessage", "apps.connections.open") or, with the key
// "resp:"+id, for the next posts to ResponseURL(id).
func (s *Server) Script(key string, rs ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts[key] = append(s.scripts[key], rs...)
}

// scripted pops the next scripted reply for key.
func (s *Server) scripted(key string) (Reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.scripts[key]
	if len(q) == 0 {
		return Reply{}, false
	}
	s.scripts[key] = q[1:]
	return q[0], true
}

// notifyLocked wakes waiters; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond (called with s.mu held) is true or ctx ends.
func (s *Server) waitFor(ctx context.Context, what string, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		changed := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("fakeslack: waiting for %s: %w", what, ctx.Err())
		}
	}
}

func (s *Server) nextID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("%s%d", prefix, s.seq)
}

// Opens returns the apps.connections.open calls so far.
func (s *Server) Opens() []Open {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.opens)
}

// WaitOpens waits until at least n apps.connections.open calls arrived.
func (s *Server) WaitOpens(ctx context.Context, n int) ([]Open, error) {
	err := s.waitFor(ctx, fmt.Sprintf("%d apps.connections.open calls", n), func() bool { return len(s.opens) >= n })
	return s.Opens(), err
}

// WaitConnected waits until the n-th websocket connection (from 1) has
// received its hello and is still open.
func (s *Server) WaitConnected(ctx context.Context, n int) error {
	return s.waitFor(ctx, fmt.Sprintf("websocket connection %d", n), func() bool {
		return len(s.conns) >= n && s.conns[n-1].ready && !s.conns[n-1].gone
	})
}

// Connections returns how many websocket connections were made.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Acks returns the acks so far, in arrival order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks)
}

// WaitAcks waits until at least n acks arrived.
func (s *Server) WaitAcks(ctx context.Context, n int) ([]Ack, error) {
	err := s.waitFor(ctx, fmt.Sprintf("%d acks", n), func() bool { return len(s.acks) >= n })
	return s.Acks(), err
}

// WaitAck waits for the ack of one envelope.
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	var found Ack
	err := s.waitFor(ctx, "the ack of "+envelopeID, func() bool {
		for _, a := range s.acks {
			if a.EnvelopeID == envelopeID {
				found = a
				return true
			}
		}
		return false
	})
	return found, err
}

// Calls returns the Web API calls of method so far ("" for all).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

func (s *Server) callsLocked(method string) []Call {
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until at least n calls of method arrived.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	err := s.waitFor(ctx, fmt.Sprintf("%d %s calls", n, method), func() bool { return len(s.callsLocked(method)) >= n })
	return s.Calls(method), err
}

// Responses returns the posts to ResponseURL(id) so far ("" for all).
func (s *Server) Responses(id string) []Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.responsesLocked(id)
}

func (s *Server) responsesLocked(id string) []Response {
	var out []Response
	for _, r := range s.responses {
		if id == "" || r.ID == id {
			out = append(out, r)
		}
	}
	return out
}

// WaitResponses waits until at least n posts to ResponseURL(id) arrived.
func (s *Server) WaitResponses(ctx context.Context, id string, n int) ([]Response, error) {
	err := s.waitFor(ctx, fmt.Sprintf("%d posts to response_url %s", n, id), func() bool { return len(s.responsesLocked(id)) >= n })
	return s.Responses(id), err
}

// Wait waits until cond holds; cond reads the fake through its accessors
// and must not block. It is re-checked after every recorded change.
func (s *Server) Wait(ctx context.Context, what string, cond func() bool) error {
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("fakeslack: waiting for %s: %w", what, ctx.Err())
		}
	}
}

// writeReply writes a scripted reply.
func writeReply(w http.ResponseWriter, r Reply) {
	if r.RetryAfter != "" {
		w.Header().Set("Retry-After", r.RetryAfter)
	}
	body, ctype := r.Body, r.ContentType
	if body == "" && r.Error != "" {
		b, _ := json.Marshal(map[string]any{"ok": false, "error": r.Error})
		body, ctype = string(b), "application/json"
	}
	if ctype == "" {
		ctype = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// isForm reports whether r is form-encoded, as slack-go sends Web API calls.
func isForm(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
}
