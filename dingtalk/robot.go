package dingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// DingTalk's limits on robot messages.
const (
	maxMsgParamBytes  = 15000
	maxDirectMessages = 20
)

// SendGroupMessage posts a robot message to a group. msgKey names the
// template (sampleText, sampleMarkdown, ...) and msgParam its fields; it is
// sent as a JSON string, as DingTalk wants. A string, []byte or
// json.RawMessage msgParam is taken as JSON already.
func (c *Client) SendGroupMessage(ctx context.Context, robotCode, openConversationID, msgKey string, msgParam any) error {
	if robotCode == "" || openConversationID == "" || msgKey == "" {
		return fmt.Errorf("dingtalk %s: robotCode, openConversationID and msgKey are required", opGroupSend)
	}
	param, err := encodeMsgParam(opGroupSend, msgParam)
	if err != nil {
		return err
	}
	in := struct {
		RobotCode          string `json:"robotCode"`
		OpenConversationID string `json:"openConversationId"`
		MsgKey             string `json:"msgKey"`
		MsgParam           string `json:"msgParam"`
	}{robotCode, openConversationID, msgKey, param}
	var out struct {
		ProcessQueryKey string `json:"processQueryKey"`
	}
	return c.callAPI(ctx, opGroupSend, "/v1.0/robot/groupMessages/send", "", in, &out)
}

// SendDirectMessage sends a robot message to up to 20 users one-to-one. If
// DingTalk reports any user as invalid or flow-controlled, the error is an
// *APIError (CodeInvalidStaff or CodeFlowControlled) naming them; the others
// got the message.
func (c *Client) SendDirectMessage(ctx context.Context, robotCode string, userIDs []string, msgKey string, msgParam any) error {
	if robotCode == "" || msgKey == "" {
		return fmt.Errorf("dingtalk %s: robotCode and msgKey are required", opBatchSend)
	}
	if len(userIDs) == 0 || len(userIDs) > maxDirectMessages {
		return fmt.Errorf("dingtalk %s: want 1 to %d user IDs, got %d", opBatchSend, maxDirectMessages, len(userIDs))
	}
	param, err := encodeMsgParam(opBatchSend, msgParam)
	if err != nil {
		return err
	}
	in := struct {
		RobotCode string   `json:"robotCode"`
		UserIDs   []string `json:"userIds"`
		MsgKey    string   `json:"msgKey"`
		MsgParam  string   `json:"msgParam"`
	}{robotCode, userIDs, msgKey, param}
	var out struct {
		ProcessQueryKey string   `json:"processQueryKey"`
		Invalid         []string `json:"invalidStaffIdList"`
		FlowControlled  []string `json:"flowControlledStaffIdList"`
	}
	if err := c.callAPI(ctx, opBatchSend, "/v1.0/robot/oToMessages/batchSend", "", in, &out); err != nil {
		return err
	}
	switch {
	case len(out.Invalid) > 0:
		return &APIError{Op: opBatchSend, HTTPStatus: 200, Code: CodeInvalidStaff, Message: idList(out.Invalid)}
	case len(out.FlowControlled) > 0:
		return &APIError{Op: opBatchSend, HTTPStatus: 200, Code: CodeFlowControlled, Message: idList(out.FlowControlled)}
	}
	return nil
}

// PostSessionWebhook posts msg (a message object such as
// {"msgtype":"text","text":{"content":"..."}}) to the sessionWebhook of a
// received robot message. Both a non-2xx status and errcode != 0 are errors.
// The webhook URL's query (its session key) never appears in errors.
func (c *Client) PostSessionWebhook(ctx context.Context, webhookURL string, msg any) error {
	u, err := url.Parse(webhookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("dingtalk %s: webhook is not an http(s) URL", opSessionWebhook)
	}
	body, err := rawJSON(msg)
	if err != nil {
		return fmt.Errorf("dingtalk %s: encoding message: %w", opSessionWebhook, err)
	}
	session := u.Query().Get("session")
	return c.retry(ctx, opSessionWebhook, func(ctx context.Context) error {
		r, err := c.post(ctx, opSessionWebhook, webhookURL, "", body)
		if err != nil {
			return scrub(err, session, c.secret)
		}
		redactBody(r, session, c.secret)
		return scrub(decodeOAPI(opSessionWebhook, r, nil), session, c.secret)
	})
}

// encodeMsgParam turns msgParam into the JSON text DingTalk expects.
func encodeMsgParam(op string, msgParam any) (string, error) {
	b, err := rawJSON(msgParam)
	if err != nil {
		return "", fmt.Errorf("dingtalk %s: encoding msgParam: %w", op, err)
	}
	if len(b) > maxMsgParamBytes {
		return "", fmt.Errorf("dingtalk %s: msgParam is %d bytes, DingTalk allows %d", op, len(b), maxMsgParamBytes)
	}
	return string(b), nil
}

// rawJSON marshals v, taking string, []byte and json.RawMessage as JSON text
// already (and checking that they are).
func rawJSON(v any) ([]byte, error) {
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case json.RawMessage:
		b = v
	default:
		return json.Marshal(v)
	}
	if !json.Valid(b) {
		return nil, errors.New("not valid JSON")
	}
	return b, nil
}

func idList(ids []string) string {
	out := make([]string, 0, min(len(ids), maxDirectMessages))
	for _, id := range ids[:min(len(ids), maxDirectMessages)] {
		out = append(out, clean(id, maxCodeLen))
	}
	return strings.Join(out, ", ")
}
