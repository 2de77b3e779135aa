package dingtalk

import (
	"context"
	"fmt"
	"strings"
)

// SignOut forces the Enterprise Account userID to sign out of DingTalk on all
// devices. reason is shown in the admin console's audit log; i18n, keyed by
// client locale (zh_CN, en_US, ...), is shown to the employee and may be nil.
// It succeeds only when DingTalk answers {"result":true}.
func (c *Client) SignOut(ctx context.Context, userID, reason string, i18n map[string]string) error {
	if strings.TrimSpace(userID) == "" {
		return fmt.Errorf("dingtalk %s: empty user ID", opSignOut)
	}
	in := struct {
		UserID     string            `json:"userId"`
		Reason     string            `json:"reason,omitempty"`
		ReasonI18n map[string]string `json:"reasonI18nForEmployee,omitempty"`
	}{userID, reason, i18n}
	var out struct {
		Result bool `json:"result"`
	}
	if err := c.callAPI(ctx, opSignOut, "/v1.0/contact/orgAccounts/signOut", userID, in, &out); err != nil {
		return err
	}
	if !out.Result {
		return &APIError{Op: opSignOut, HTTPStatus: 200, Code: CodeNotConfirmed,
			Message: "DingTalk answered without result=true", Target: clean(userID, maxCodeLen)}
	}
	return nil
}

// UserIDByMobile finds the user ID for a mobile number, preferring an
// Enterprise Account of this org (the only kind SignOut accepts) over a
// personal account with the same number. Unknown numbers give an error
// matching ErrNotFound.
func (c *Client) UserIDByMobile(ctx context.Context, mobile string) (string, error) {
	if strings.TrimSpace(mobile) == "" {
		return "", fmt.Errorf("dingtalk %s: empty mobile number", opGetByMobile)
	}
	in := struct {
		Mobile                        string `json:"mobile"`
		SupportExclusiveAccountSearch bool   `json:"support_exclusive_account_search"`
	}{mobile, true}
	var out struct {
		Result struct {
			UserID    string   `json:"userid"`
			Exclusive []string `json:"exclusive_account_userid_list"`
		} `json:"result"`
	}
	if err := c.callOAPI(ctx, opGetByMobile, "/topapi/v2/user/getbymobile", mobile, in, &out); err != nil {
		return "", err
	}
	for _, id := range out.Result.Exclusive {
		if id != "" {
			return id, nil
		}
	}
	if out.Result.UserID == "" {
		return "", fmt.Errorf("dingtalk %s: answer names no user: %w", opGetByMobile, ErrNotFound)
	}
	return out.Result.UserID, nil
}

// User is what the bot shows about a person before signing them out.
type User struct {
	UserID    string
	Name      string
	Title     string
	DeptIDs   []int64
	Exclusive bool // an Enterprise Account (专属帐号), which SignOut accepts
	Active    bool // has activated DingTalk
}

// User fetches a user's details. Unknown IDs give an error matching
// ErrNotFound.
func (c *Client) User(ctx context.Context, userID string) (User, error) {
	if strings.TrimSpace(userID) == "" {
		return User{}, fmt.Errorf("dingtalk %s: empty user ID", opUserGet)
	}
	in := struct {
		UserID   string `json:"userid"`
		Language string `json:"language"`
	}{userID, "en_US"}
	var out struct {
		Result *struct {
			UserID    string  `json:"userid"`
			Name      string  `json:"name"`
			Title     string  `json:"title"`
			DeptIDs   []int64 `json:"dept_id_list"`
			Exclusive bool    `json:"exclusive_account"`
			Active    bool    `json:"active"`
		} `json:"result"`
	}
	if err := c.callOAPI(ctx, opUserGet, "/topapi/v2/user/get", userID, in, &out); err != nil {
		return User{}, err
	}
	r := out.Result
	if r == nil {
		return User{}, &APIError{Op: opUserGet, HTTPStatus: 200, Code: CodeBadResponse, Message: "answer has no result", Target: clean(userID, maxCodeLen)}
	}
	if r.UserID != "" && r.UserID != userID {
		return User{}, &APIError{Op: opUserGet, HTTPStatus: 200, Code: CodeBadResponse,
			Message: "answer is about another user", Target: clean(userID, maxCodeLen)}
	}
	return User{UserID: userID, Name: r.Name, Title: r.Title, DeptIDs: r.DeptIDs, Exclusive: r.Exclusive, Active: r.Active}, nil
}
