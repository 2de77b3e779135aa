package fakeslack

import (
	"cmp"
	"encoding/json"
	"fmt"
)

// envelope is a Socket Mode request frame.
type envelope struct {
	EnvelopeID             string `json:"envelope_id"`
	Type                   string `json:"type"`
	AcceptsResponsePayload bool   `json:"accepts_response_payload"`
	RetryAttempt           *int   `json:"retry_attempt,omitempty"`
	RetryReason            string `json:"retry_reason,omitempty"`
	Payload                any    `json:"payload"`
}

// Send writes an envelope with the given type and payload (marshalled to
// JSON) and returns its envelope ID ("" means a fresh one).
func (s *Server) Send(envelopeID, typ string, payload any) (string, error) {
	if envelopeID == "" {
		envelopeID = s.nextID("env-")
	}
	env := envelope{EnvelopeID: envelopeID, Type: typ, AcceptsResponsePayload: typ != "events_api", Payload: payload}
	if typ == "events_api" {
		zero := 0
		env.RetryAttempt = &zero
	}
	frame, err := json.Marshal(env)
	if err != nil {
		return "", fmt.Errorf("fakeslack: encode envelope: %w", err)
	}
	return envelopeID, s.SendRaw(frame)
}

// Slash is a slash command invocation. Empty TeamID and Command take the
// fake's team and "/signout".
type Slash struct {
	EnvelopeID   string
	TeamID       string
	EnterpriseID string
	ChannelID    string
	UserID       string
	Command      string
	Text         string
	ResponseURL  string
}

// SendSlash sends a slash_commands envelope as Slack does (all fields
// strings, is_enterprise_install included) and returns its envelope ID.
func (s *Server) SendSlash(c Slash) (string, error) {
	p := map[string]any{
		"token": "deprecated-verification-token", "team_id": cmp.Or(c.TeamID, TeamID), "team_domain": "fake",
		"channel_id": c.ChannelID, "channel_name": "ops", "user_id": c.UserID, "user_name": "someone",
		"command": cmp.Or(c.Command, "/signout"), "text": c.Text, "response_url": c.ResponseURL,
		"trigger_id": "1337.42.fake", "api_app_id": AppID, "is_enterprise_install": "false",
	}
	if c.EnterpriseID != "" {
		p["enterprise_id"], p["enterprise_name"] = c.EnterpriseID, "Fake Org"
	}
	return s.Send(c.EnvelopeID, "slash_commands", p)
}

// Action is one element of a block_actions payload's actions.
type Action struct {
	ActionID string
	BlockID  string // "" omits block_id (slack-go then sees no block action)
	Value    string
}

// Click is a block_actions interaction: a button press. An empty Actions
// means one action built from ActionID, Value and the block ID
// "signout_actions" (none with NoBlockID).
type Click struct {
	EnvelopeID   string
	TeamID       string // the payload's team; "" means the fake's team
	UserTeamID   string // user.team_id; "" means TeamID
	EnterpriseID string
	UserID       string
	ChannelID    string
	MessageTS    string
	ThreadTS     string
	Ephemeral    bool
	ResponseURL  string
	ActionID     string
	Value        string
	NoBlockID    bool
	Actions      []Action
}

// SendClick sends an interactive envelope with a block_actions payload.
func (s *Server) SendClick(c Click) (string, error) {
	team := cmp.Or(c.TeamID, TeamID)
	actions := c.Actions
	if len(actions) == 0 {
		a := Action{ActionID: c.ActionID, BlockID: "signout_actions", Value: c.Value}
		if c.NoBlockID {
			a.BlockID = ""
		}
		actions = []Action{a}
	}
	acts := make([]map[string]any, 0, len(actions))
	for _, a := range actions {
		m := map[string]any{"type": "button", "action_id": a.ActionID, "value": a.Value,
			"text": map[string]any{"type": "plain_text", "text": "Button"}, "action_ts": "1700000001.000001"}
		if a.BlockID != "" {
			m["block_id"] = a.BlockID
		}
		acts = append(acts, m)
	}
	ts := cmp.Or(c.MessageTS, "1700000000.000100")
	container := map[string]any{"type": "message", "message_ts": ts, "channel_id": c.ChannelID, "is_ephemeral": c.Ephemeral}
	message := map[string]any{"type": "message", "ts": ts, "bot_id": BotID, "text": "prompt"}
	if c.ThreadTS != "" {
		container["thread_ts"] = c.ThreadTS
		message["thread_ts"] = c.ThreadTS
	}
	var enterprise any
	if c.EnterpriseID != "" {
		enterprise = map[string]any{"id": c.EnterpriseID, "name": "Fake Org"}
	}
	p := map[string]any{
		"type": "block_actions", "team": map[string]any{"id": team, "domain": "fake"},
		"user":       map[string]any{"id": c.UserID, "username": "someone", "name": "someone", "team_id": cmp.Or(c.UserTeamID, team)},
		"api_app_id": AppID, "token": "deprecated-verification-token", "trigger_id": "1337.43.fake",
		"container": container, "channel": map[string]any{"id": c.ChannelID, "name": "ops"},
		"message": message, "enterprise": enterprise, "is_enterprise_install": false,
		"response_url": c.ResponseURL, "state": map[string]any{"values": map[string]any{}},
		"actions": acts,
	}
	return s.Send(c.EnvelopeID, "interactive", p)
}

// Mention is an app_mention event. Text is the message text as Slack
// sends it, e.g. "<@UBOT0001> signout alice lost phone".
type Mention struct {
	EnvelopeID   string
	EventID      string // "" means a fresh one
	TeamID       string // the event's team; "" means the fake's team
	UserTeam     string // user_team, set in shared channels
	EnterpriseID string
	ExtShared    bool // is_ext_shared_channel
	UserID       string
	BotID        string // set when a bot wrote the message
	ChannelID    string
	Text         string
	TS           string
	ThreadTS     string
	Edited       bool
}

// SendMention sends an events_api envelope with an app_mention event.
func (s *Server) SendMention(m Mention) (envelopeID, eventID string, err error) {
	eventID = cmp.Or(m.EventID, s.nextID("Ev"))
	team := cmp.Or(m.TeamID, TeamID)
	ts := cmp.Or(m.TS, "1700000002.000200")
	ev := map[string]any{"type": "app_mention", "user": m.UserID, "text": m.Text, "ts": ts,
		"channel": m.ChannelID, "event_ts": ts}
	if m.ThreadTS != "" {
		ev["thread_ts"] = m.ThreadTS
	}
	if m.UserTeam != "" {
		ev["user_team"], ev["source_team"] = m.UserTeam, m.UserTeam
	}
	if m.BotID != "" {
		ev["bot_id"] = m.BotID
	}
	if m.Edited {
		ev["edited"] = map[string]any{"user": m.UserID, "ts": "1700000003.000300"}
	}
	var enterprise any
	if m.EnterpriseID != "" {
		enterprise = m.EnterpriseID
	}
	p := map[string]any{
		"token": "deprecated-verification-token", "team_id": team, "enterprise_id": m.EnterpriseID, "api_app_id": AppID,
		"type": "event_callback", "event_id": eventID, "event_time": 1700000002, "event": ev,
		"is_ext_shared_channel": m.ExtShared,
		"authorizations":        []map[string]any{{"enterprise_id": enterprise, "team_id": team, "user_id": BotUserID, "is_bot": true, "is_enterprise_install": false}},
	}
	envelopeID, err = s.Send(m.EnvelopeID, "events_api", p)
	return envelopeID, eventID, err
}
