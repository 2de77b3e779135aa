package dingtalk

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// Containment of an Enterprise Account beyond signing it out: disabling it so
// that stolen credentials cannot sign back in, enabling it again, and asking
// which it is. The same token handling, pacing, retries and errors as SignOut.

// Disable disables the Enterprise Account userID: it can no longer sign in
// until enabled again. reason is kept in DingTalk's admin console. It
// succeeds only when DingTalk answers {"result":true}.
func (c *Client) Disable(ctx context.Context, userID, reason string) error {
	in := struct {
		UserID string `json:"userId"`
		Reason string `json:"reason,omitempty"`
	}{userID, reason}
	return c.setAccount(ctx, opDisable, "/v1.0/contact/orgAccounts/disable", userID, in)
}

// Enable enables the disabled Enterprise Account userID again. It succeeds
// only when DingTalk answers {"result":true}.
func (c *Client) Enable(ctx context.Context, userID string) error {
	in := struct {
		UserID string `json:"userId"`
	}{userID}
	return c.setAccount(ctx, opEnable, "/v1.0/contact/orgAccounts/enable", userID, in)
}

func (c *Client) setAccount(ctx context.Context, op, path, userID string, in any) error {
	if strings.TrimSpace(userID) == "" {
		return fmt.Errorf("dingtalk %s: empty user ID", op)
	}
	var out struct {
		Result bool `json:"result"`
	}
	if err := c.callAPI(ctx, op, path, userID, in, &out); err != nil {
		return err
	}
	if !out.Result {
		return &APIError{Op: op, HTTPStatus: 200, Code: CodeNotConfirmed,
			Message: "DingTalk answered without result=true", Target: clean(userID, maxCodeLen)}
	}
	return nil
}

// Disabled reports whether the Enterprise Account userID is disabled.
func (c *Client) Disabled(ctx context.Context, userID string) (bool, error) {
	if strings.TrimSpace(userID) == "" {
		return false, fmt.Errorf("dingtalk %s: empty user ID", opStatus)
	}
	var out struct {
		Disable *bool `json:"disable"`
	}
	if err := c.getAPI(ctx, opStatus, "/v1.0/contact/orgAccounts/status", url.Values{"userId": {userID}}, userID, &out); err != nil {
		return false, err
	}
	if out.Disable == nil {
		// No field is no answer: false would claim the account can sign in.
		return false, &APIError{Op: opStatus, HTTPStatus: 200, Code: CodeBadResponse,
			Message: "answer has no disable field", Target: clean(userID, maxCodeLen)}
	}
	return *out.Disable, nil
}
