package dingtalk

import (
	"context"
	"fmt"
	"slices"
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
// matching ErrNotFound; a number behind several Enterprise Accounts gives an
// *AmbiguousMobileError, since picking one could sign out the wrong person.
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
	switch ids := distinctIDs(out.Result.Exclusive); len(ids) {
	case 0:
	case 1:
		return ids[0], nil
	default:
		return "", &AmbiguousMobileError{Mobile: mobile, UserIDs: ids}
	}
	if out.Result.UserID == "" {
		return "", fmt.Errorf("dingtalk %s: answer names no user: %w", opGetByMobile, ErrNotFound)
	}
	return out.Result.UserID, nil
}

// distinctIDs drops empty and repeated IDs, keeping DingTalk's order.
func distinctIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// AmbiguousMobileError reports a mobile number shared by several Enterprise
// Accounts of this org. UserIDs lists them in DingTalk's order.
type AmbiguousMobileError struct {
	Mobile  string
	UserIDs []string
}

func (e *AmbiguousMobileError) Error() string {
	shown := make([]string, len(e.UserIDs))
	for i, id := range e.UserIDs {
		shown[i] = clean(id, maxCodeLen)
	}
	return fmt.Sprintf("dingtalk %s: %d Enterprise Accounts share mobile %s: %s",
		opGetByMobile, len(e.UserIDs), clean(e.Mobile, maxCodeLen), strings.Join(shown, ", "))
}

// UserIDMismatchError reports a user/get answer about another userId than
// the one asked for, such as ceo001 for CEO001: DingTalk knows the account
// by Answered (cleaned for display). Callers must not act on Asked.
type UserIDMismatchError struct {
	Asked, Answered string
}

func (e *UserIDMismatchError) Error() string {
	return fmt.Sprintf("dingtalk %s: asked about %q, the answer is about %q",
		opUserGet, clean(e.Asked, maxCodeLen), e.Answered)
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
// ErrNotFound; an answer about another userId (DingTalk's own spelling of
// it, or someone else) gives a *UserIDMismatchError.
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
		return User{}, &UserIDMismatchError{Asked: userID, Answered: clean(r.UserID, maxCodeLen)}
	}
	return User{UserID: userID, Name: r.Name, Title: r.Title, DeptIDs: r.DeptIDs, Exclusive: r.Exclusive, Active: r.Active}, nil
}
