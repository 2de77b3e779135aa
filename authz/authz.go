// Package authz decides who may sign out whom. It knows platforms only as
// the names its rules give; it knows nothing of Slack or DingTalk.
package authz

import (
	"fmt"
	"strings"
)

// Decision is an answer with its reason, for the user and the audit log.
type Decision struct {
	Allowed bool
	Reason  string
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
		return Decision{Reason: "the sender could not be identified"}
	}
	if !p.invokers[platform][user] {
		return Decision{Reason: fmt.Sprintf("%s user %s is not on the allow-list for sign-outs", platform, user)}
	}
	return Decision{Allowed: true, Reason: fmt.Sprintf("%s user %s is on the allow-list", platform, user)}
}

// MayTarget decides whether userID may be signed out at all. Protected ids
// match after NormalizeUserID, so CEO001 is as protected as ceo001.
func (p *Policy) MayTarget(userID string) Decision {
	if p.protected[NormalizeUserID(userID)] {
		return Decision{Reason: fmt.Sprintf("%s is a protected account and can never be signed out by the bot", userID)}
	}
	return Decision{Allowed: true, Reason: "not protected"}
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
