package fakeslack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wsConn is one Socket Mode websocket connection.
type wsConn struct {
	n    int
	c    *websocket.Conn
	wmu  sync.Mutex // gorilla allows one writer of data frames at a time
	done chan struct{}
	once sync.Once

	// guarded by Server.mu
	ready bool // hello sent
	gone  bool // closed by either side
}

func (c *wsConn) close() {
	c.once.Do(func() {
		close(c.done)
		_ = c.c.Close() // closes the TCP connection, no close frame
	})
}

func (c *wsConn) write(data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.c.WriteMessage(websocket.TextMessage, data)
}

// serveConnectionsOpen answers apps.connections.open: a JSON POST with the
// app-level token as a Bearer token and an empty body.
func (s *Server) serveConnectionsOpen(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	open := Open{At: time.Now(), Authorization: auth, Accepted: r.Method == http.MethodPost && auth == "Bearer "+AppToken}
	reply, scripted := s.scripted("apps.connections.open")
	if scripted {
		open.Accepted = false
	}
	s.mu.Lock()
	s.opens = append(s.opens, open)
	n := len(s.opens)
	s.notifyLocked()
	s.mu.Unlock()
	switch {
	case scripted:
		writeReply(w, reply)
	case r.Method != http.MethodPost:
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_request"})
	case auth == "" || auth == "Bearer ":
		writeJSON(w, map[string]any{"ok": false, "error": "not_authed"})
	case auth != "Bearer "+AppToken:
		// What Slack says to a bot token, or to a wrong app token.
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
	default:
		writeJSON(w, map[string]any{"ok": true, "url": fmt.Sprintf("ws://%s/link/?ticket=ticket-%d&app_id=%s", r.Host, n, AppID)})
	}
}

var upgrader = websocket.Upgrader{
	// slack-go sends "Origin: https://api.slack.com", which gorilla's
	// same-origin default would refuse.
	CheckOrigin: func(*http.Request) bool { return true },
}

// serveSocket is the Socket Mode websocket. Query parameters (ticket,
// app_id, debug_reconnects) are ignored.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade already answered with an HTTP error
	}
	conn := &wsConn{c: c, done: make(chan struct{})}
	s.mu.Lock()
	s.conns = append(s.conns, conn)
	conn.n = len(s.conns)
	closed := s.closed
	s.mu.Unlock()
	if closed {
		conn.close()
		return
	}
	defer s.connGone(conn)

	hello := fmt.Sprintf(`{"type":"hello","num_connections":1,"debug_info":{"host":"fakeslack","build_number":1,"approximate_connection_time":3600},"connection_info":{"app_id":%q}}`, AppID)
	if err := conn.write([]byte(hello)); err != nil {
		return
	}
	s.mu.Lock()
	conn.ready = true
	s.notifyLocked()
	s.mu.Unlock()

	go s.pings(conn)
	s.readAcks(conn)
}

func (s *Server) connGone(c *wsConn) {
	c.close()
	s.mu.Lock()
	c.gone = true
	s.notifyLocked()
	s.mu.Unlock()
}

// pings sends PING control frames, as Slack does; slack-go answers PONG.
func (s *Server) pings(c *wsConn) {
	t := time.NewTicker(s.ping)
	defer t.Stop()
	for i := 1; ; i++ {
		select {
		case <-c.done:
			return
		case <-t.C:
			// WriteControl may run concurrently with other writes.
			if err := c.c.WriteControl(websocket.PingMessage, fmt.Appendf(nil, "ping-%d", i), time.Now().Add(time.Second)); err != nil {
				return
			}
		}
	}
}

// readAcks records every frame the client sends until the socket closes.
func (s *Server) readAcks(c *wsConn) {
	for {
		_, data, err := c.c.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now()
		var frame struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &frame) != nil {
			frame.EnvelopeID = "" // recorded as an ack with no envelope: a test can see it
		}
		s.mu.Lock()
		a := Ack{EnvelopeID: frame.EnvelopeID, Payload: frame.Payload, Conn: c.n, At: now}
		if sent, ok := s.sentAt[frame.EnvelopeID]; ok {
			a.Latency = now.Sub(sent)
		}
		s.acks = append(s.acks, a)
		s.notifyLocked()
		s.mu.Unlock()
	}
}

// ErrNotConnected is returned when there is no open websocket to write to.
var ErrNotConnected = errors.New("fakeslack: no open Socket Mode connection")

// current returns the newest open connection.
func (s *Server) current() (*wsConn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.conns) - 1; i >= 0; i-- {
		if c := s.conns[i]; c.ready && !c.gone {
			return c, nil
		}
	}
	return nil, ErrNotConnected
}

// SendRaw writes one text frame to the newest open connection. If the
// frame has an envelope_id its send time is recorded for Ack.Latency.
func (s *Server) SendRaw(frame []byte) error {
	c, err := s.current()
	if err != nil {
		return err
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
	}
	_ = json.Unmarshal(frame, &env) // raw frames may be deliberately malformed
	if env.EnvelopeID != "" {
		s.mu.Lock()
		s.sentAt[env.EnvelopeID] = time.Now()
		s.mu.Unlock()
	}
	return c.write(frame)
}

// Disconnect sends Slack's disconnect frame ("warning",
// "refresh_requested", "link_disabled", ...). slack-go then closes the
// socket and opens a new connection.
func (s *Server) Disconnect(reason string) error {
	frame := fmt.Sprintf(`{"type":"disconnect","reason":%q,"debug_info":{"host":"fakeslack"}}`, reason)
	return s.SendRaw([]byte(frame))
}

// DropConnection closes the newest connection's TCP socket without a
// close frame, as a network failure would.
func (s *Server) DropConnection() error {
	c, err := s.current()
	if err != nil {
		return err
	}
	c.close()
	return nil
}
