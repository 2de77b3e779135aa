package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// serveAPI serves {APIURL}method. Methods other than apps.connections.open
// are form-encoded POSTs with the bot token in the body, as slack-go
// sends them.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if method == "apps.connections.open" {
		s.serveConnectionsOpen(w, r)
		return
	}
	if r.Method != http.MethodPost || !isForm(r) {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_request", "detail": "fakeslack: want a form-encoded POST"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	call := Call{Method: method, Form: r.PostForm, TokenOK: r.PostForm.Get("token") == BotToken, At: time.Now()}
	var reply Reply
	var scripted bool
	if call.TokenOK {
		reply, scripted = s.scripted(method)
	}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	n := len(s.calls)
	s.notifyLocked()
	s.mu.Unlock()

	switch {
	case !call.TokenOK && call.Form.Get("token") == "":
		writeJSON(w, map[string]any{"ok": false, "error": "not_authed"})
	case !call.TokenOK:
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
	case scripted:
		writeReply(w, reply)
	default:
		s.answer(w, call, n)
	}
}

// answer gives each method the response shape slack-go decodes.
func (s *Server) answer(w http.ResponseWriter, c Call, n int) {
	ts := fmt.Sprintf("1700000000.%06d", n)
	switch c.Method {
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "url": "https://fake.slack.com/", "team": "Fake Team", "user": "signout-bot",
			"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID, "is_enterprise_install": false})
	case "chat.postMessage":
		writeJSON(w, map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": ts,
			"message": map[string]any{"type": "message", "text": c.Form.Get("text"), "ts": ts, "bot_id": BotID}})
	case "chat.postEphemeral":
		writeJSON(w, map[string]any{"ok": true, "message_ts": ts})
	case "chat.update":
		writeJSON(w, map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": c.Form.Get("ts"), "text": c.Form.Get("text")})
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

// serveResponseURL records a JSON post to a response_url and answers as
// Slack does, unless a failure is scripted under "resp:"+id.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	id, err := url.PathUnescape(strings.TrimPrefix(r.URL.Path, "/resp/"))
	if err != nil {
		http.Error(w, "bad response_url", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	resp := Response{}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.Unmarshal(body, &resp) != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	resp.ID, resp.Body, resp.At = id, body, time.Now()
	reply, scripted := s.scripted("resp:" + id)
	s.mu.Lock()
	s.responses = append(s.responses, resp)
	s.notifyLocked()
	s.mu.Unlock()
	if scripted {
		writeReply(w, reply)
		return
	}
	writeJSON(w, map[string]any{"ok": true})
}
