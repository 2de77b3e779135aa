// Package contacts makes DingTalk's contact API the engine's directory,
// sign-out and account containment (disable, enable, status): it calls a *dingtalk.Client and translates its answers into
// package bot's types, so that bot imports no platform and no API client.
package contacts

import (
	"context"
	"errors"
	"slices"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/dingtalk"
)

// Directory is a bot.Directory and bot.SignOuter on DingTalk, and disables
// and enables accounts.
type Directory struct {
	client *dingtalk.Client
}

var (
	_ bot.Directory = (*Directory)(nil)
	_ bot.SignOuter = (*Directory)(nil)
)

// New returns the directory and sign-out that client calls.
func New(client *dingtalk.Client) *Directory {
	return &Directory{client: client}
}

// UserIDByMobile finds the Enterprise Account behind mobile.
func (d *Directory) UserIDByMobile(ctx context.Context, mobile string) (string, error) {
	id, err := d.client.UserIDByMobile(ctx, mobile)
	return id, translate(err)
}

// Person describes userID as DingTalk knows it.
func (d *Directory) Person(ctx context.Context, userID string) (bot.Person, error) {
	u, err := d.client.User(ctx, userID)
	if err != nil {
		return bot.Person{}, translate(err)
	}
	return bot.Person{UserID: u.UserID, Name: u.Name, Title: u.Title, Enterprise: u.Exclusive}, nil
}

// SignOut signs userID out of DingTalk on all devices.
func (d *Directory) SignOut(ctx context.Context, userID, reason string, i18n map[string]string) error {
	return translate(d.client.SignOut(ctx, userID, reason, i18n))
}

// Disable disables userID's account so that it cannot sign in again until
// enabled; reason is kept in DingTalk's admin console.
func (d *Directory) Disable(ctx context.Context, userID, reason string) error {
	return translate(d.client.Disable(ctx, userID, reason))
}

// Enable enables userID's disabled account again.
func (d *Directory) Enable(ctx context.Context, userID string) error {
	return translate(d.client.Enable(ctx, userID))
}

// Disabled reports whether userID's account is disabled.
func (d *Directory) Disabled(ctx context.Context, userID string) (bool, error) {
	disabled, err := d.client.Disabled(ctx, userID)
	return disabled, translate(err)
}

// translate turns a dingtalk error into bot's. The result keeps err in its
// chain and reads exactly as err, so log lines keep DingTalk's detail;
// errors bot has no word for come back as they are.
func translate(err error) error {
	if err == nil {
		return nil
	}
	out := err
	var (
		amb    *dingtalk.AmbiguousMobileError
		mm     *dingtalk.UserIDMismatchError
		apiErr *dingtalk.APIError
	)
	switch {
	case errors.As(err, &amb):
		out = &bot.AmbiguousMobileError{UserIDs: slices.Clone(amb.UserIDs), Err: err}
	case errors.As(err, &mm):
		out = &bot.UserIDMismatchError{Asked: mm.Asked, Answered: mm.Answered, Err: err}
	case errors.As(err, &apiErr):
		out = &bot.APIError{Code: apiErr.Code, RequestID: apiErr.RequestID, Explanation: apiErr.Words(), Err: err}
	}
	var also []error
	if errors.Is(err, dingtalk.ErrNotFound) {
		also = append(also, bot.ErrNotFound)
	}
	if errors.Is(err, dingtalk.ErrNoResponse) || errors.Is(err, context.DeadlineExceeded) {
		also = append(also, bot.ErrNoAnswer)
	}
	if len(also) == 0 {
		return out
	}
	return &outcome{err: out, is: also}
}

// outcome is err that also matches some of bot's sentinel errors. It reads
// as err.
type outcome struct {
	err error
	is  []error
}

func (o *outcome) Error() string        { return o.err.Error() }
func (o *outcome) Unwrap() error        { return o.err }
func (o *outcome) Is(target error) bool { return slices.Contains(o.is, target) }
