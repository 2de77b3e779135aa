// Package commands parses the chat commands people send to signout-bot:
// "/signout <user> <reason>", "confirm CODE", "cancel CODE" and "help", and
// their Chinese forms "确认 CODE", "取消 CODE" and "帮助".
//
// Text typed on phones arrives with full-width characters, smart quotes,
// odd spaces and invisible characters; Parse normalises all of that first
// (see Normalize) so the same command means the same thing however it was
// typed. Parsing is purely syntactic: resolving a target to a person is the
// caller's job.
package commands

import (
	"strconv"

	"github.com/signout-bot/signout-bot/i18n"
)

// Kind is what a command asks the bot to do. The zero Kind is not valid, so
// a zero Command never means anything.
type Kind int

const (
	Help    Kind = iota + 1 // show Usage
	SignOut                 // sign Target out, because of Reason
	Confirm                 // confirm the pending sign-out identified by Code
	Cancel                  // cancel the pending sign-out identified by Code
	Approve                 // approve another's two-person request identified by Code
	Deny                    // deny (or, by its requester, withdraw) a two-person request
	Status                  // show the request RequestID
	History                 // show the latest Count requests
	Enable                  // enable Target's disabled account again, because of Reason
)

func (k Kind) String() string {
	switch k {
	case Help:
		return "help"
	case SignOut:
		return "signout"
	case Confirm:
		return "confirm"
	case Cancel:
		return "cancel"
	case Approve:
		return "approve"
	case Deny:
		return "deny"
	case Status:
		return "status"
	case History:
		return "history"
	case Enable:
		return "enable"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// TargetKind says how the person to sign out was named. The zero TargetKind
// is not valid.
type TargetKind int

const (
	UserID  TargetKind = iota + 1 // a DingTalk userId (staffId)
	Mobile                        // a mobile number, to resolve with get-by-mobile
	Mention                       // an @mention, to resolve from the message's atUsers
)

func (k TargetKind) String() string {
	switch k {
	case UserID:
		return "userId"
	case Mobile:
		return "mobile"
	case Mention:
		return "mention"
	}
	return "TargetKind(" + strconv.Itoa(int(k)) + ")"
}

// Target is the person a SignOut command names.
type Target struct {
	Kind TargetKind
	// Value is what to look the person up by. UserID: the userId. Mobile:
	// "13800138000" for a mainland China number, "+<digits>" otherwise.
	// Mention: the mention as typed, e.g. "@张三".
	Value string
	// Input is what the user typed for the target, after normalisation,
	// for showing back to them (e.g. "+86 138 0013 8000").
	Input string
}

// Command is a parsed chat command. Target and Reason are set for SignOut,
// Code for Confirm, Cancel, Approve and Deny, RequestID for Status and
// Count for History.
type Command struct {
	Kind   Kind
	Target Target
	// Targets is the whole list when the command names several people
	// ("alice,bob", "@张三 @李四"), in the order typed, Target first;
	// nil for one. Repeats are kept: the engine skips them, saying so.
	Targets   []Target
	Reason    string
	Code      string // upper case, 4 to 12 ASCII letters or digits
	RequestID string // lower case, "req-" and letters or digits
	Count     int    // 1 to MaxHistory
	// Disable, on a Confirm or Approve, also disables the account after
	// the sign-out ("confirm CODE disable", "确认 CODE 停用", "approve CODE disable").
	Disable bool
}

// Options tune the checks Parse applies to a sign-out reason.
type Options struct {
	ReasonRequired bool
	MaxReasonRunes int // zero or less means DefaultMaxReasonRunes
	MaxTargets     int // signout.max_targets; zero or less means DefaultMaxTargets
}

// All is the list of targets a SignOut or Enable names: Targets, or
// Target alone.
func (c Command) All() []Target {
	if len(c.Targets) > 0 {
		return c.Targets
	}
	return []Target{c.Target}
}

// Limits on what Parse accepts.
const (
	DefaultMaxReasonRunes = 300
	DefaultMaxTargets     = 50       // people one command may name (signout.max_targets)
	MaxLineBytes          = 16 << 10 // longer messages are rejected before any other work
	MaxUserIDLen          = 64
	MaxMentionRunes       = 64
	MinCodeLen            = 4
	MaxCodeLen            = 12
	DefaultHistory        = 10 // requests /signout history shows without a number
	MaxHistory            = 50
)

// UsageMsg is the help text, short enough for a phone screen.
var UsageMsg = i18n.M(i18n.CommandUsage)

// Usage is UsageMsg in English, for the callers that don't render
// messages yet; it goes once they all do.
var Usage = i18n.For(i18n.EN).Text(UsageMsg)

// SyntaxError reports a command that could not be understood. Problem is a
// short sentence for the person who typed it; callers show it with UsageMsg.
type SyntaxError struct {
	Problem i18n.Msg
}

// Error is the problem in English, for logs.
func (e *SyntaxError) Error() string { return i18n.For(i18n.EN).Text(e.Problem) }

// syntaxError is a *SyntaxError saying key, with its arguments.
func syntaxError(key i18n.Key, args ...any) error {
	return &SyntaxError{Problem: i18n.M(key, args...)}
}
