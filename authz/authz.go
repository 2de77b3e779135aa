// Package authz decides who may sign out whom. It knows platforms only as
// the names its rules give; it knows nothing of Slack or DingTalk.
package authz

import (
	"strings"

	"github.com/signout-bot/signout-bot/i18n"
)

// Decision is an answer with its reason: Code for the audit log (a
// machine value), Reason for the user (a message in their language).
type Decision struct {
	Allowed bool
	Code    string // "allowed", "no_sender", "not_allowed", "protected", "not_protected"
	Reason  i18n.Msg
}

// Policy is an immutable set of allow-lists.
type Policy struct {
	invokers  map[string]map[string]bool // platform -> user -> allowed
	protected map[string]bool
}

// Rules configures a Policy.
type Rules struct {
	// Invokers maps a platform name to the user IDs allowed to invoke and
	// confirm there.
	Invokers map[string][]string
	// Protected are DingTalk userIds that can never be signed out.
	Protected []string
}

// New builds a Policy from rules.
func New(r Rules) *Policy {
	p := &Policy{invokers: map[string]map[string]bool{}, protected: map[string]bool{}}
	for _, id := range r.Protected {
		p.protected[NormalizeUserID(id)] = true
	}
	for platform, users := range r.Invokers {
		p.invokers[platform] = set(users)
	}
	return p
}

// MayInvoke decides whether user on platform may ask for or confirm a sign-out.
func (p *Policy) MayInvoke(platform, user string) Decision {
	if user == "" {
		return Decision{Code: "no_sender", Reason: i18n.M(i18n.ReasonNoSender)}
	}
	if !p.invokers[platform][user] {
		return Decision{Code: "not_allowed", Reason: i18n.M(i18n.ReasonNotListed, i18n.PlatformName(platform), user)}
	}
	return Decision{Allowed: true, Code: "allowed"}
}

// MayTarget decides whether userID may be signed out at all. Protected ids
// match after NormalizeUserID, so CEO001 is as protected as ceo001.
func (p *Policy) MayTarget(userID string) Decision {
	if p.protected[NormalizeUserID(userID)] {
		return Decision{Code: "protected", Reason: i18n.M(i18n.ReasonProtected, userID)}
	}
	return Decision{Allowed: true, Code: "not_protected"}
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// NormalizeUserID is DingTalk's own normalisation of a userId (lower case,
// no surrounding space): two ids equal after it name the same account.
func NormalizeUserID(id string) string {
	return strings.ToLower(strings.TrimSpace(id))
}
