// Package bot is the platform-neutral engine of signout-bot:
//
//	message -> command -> policy -> resolve target -> pending confirmation
//	-> confirm (or cancel, or expiry) -> sign-out -> result and audit
//
// Front ends (Slack, DingTalk, console) turn platform events into Message
// and Action values and implement Conversation to carry the answers back,
// and Replier to answer a stored request's Address from any process.
// The engine knows nothing of any chat platform; it talks to DingTalk's
// directory and sign-out API through the small interfaces in deps.go.
package bot

import (
	"context"
	"time"

	"github.com/signout-bot/signout-bot/i18n"
)

// Message is one chat command, stripped of platform syntax (bot mentions,
// slash-command envelopes).
type Message struct {
	Platform     string // Slack, DingTalk, Console
	Invoker      string // the sender's platform user ID
	Conversation string // where it was said: channel or conversation ID
	Direct       bool   // a 1:1 chat with the bot
	// ReplyTo is where the command was given, as plain data: the result
	// and the expiry notice of a request it makes go there, from any
	// replica.
	ReplyTo Address
	// Text is the whole command ("/signout alice lost phone", "confirm AB12CD"),
	// or, when ArgsOnly, the text after a slash command ("alice lost phone").
	Text     string
	ArgsOnly bool
	// Mentions is the platform's mention data (DingTalk's atUsers), one
	// entry per mention as the platform sent them, the bot's own included.
	// DingTalk gives no position or name and documents no order, so an
	// entry names an @mention target only when it is bound to it: see
	// MentionWords.
	Mentions []Mention
	// MentionWords is the number of @-words in the message as the platform
	// delivered it, counting any the front end removed from Text (a
	// hand-typed mention of the bot before the command word). An @mention
	// target resolves only when it is the message's one @-word and the
	// mention data holds exactly one entry for it; otherwise it is refused.
	MentionWords int
}

// Mention is one entry of a message's mention data.
type Mention struct {
	UserID string // the DingTalk userId; "" when the platform gave none (someone outside the org)
	// Self marks the bot itself. The platform strips one mention of the
	// bot from the text; any further one is an @-word like the others.
	Self bool
}

// Action is a button press or typed code that confirms or cancels a request.
type Action struct {
	Platform     string
	User         string
	Conversation string
	Direct       bool
	Code         string
	// Disable, on a confirmation, also disables the account after a
	// successful sign-out ("sign out and disable").
	Disable bool
}

// Conversation carries the engine's answers back to a chat. Each front end
// implements it for one incoming message or click.
type Conversation interface {
	// Tell says something to the invoker only: usage, refusals, errors, progress.
	Tell(ctx context.Context, n Notice) error
	// Ask shows the invoker the confirmation prompt.
	Ask(ctx context.Context, p Prompt) error
	// Announce posts the outcome of a confirmed request where the command was given.
	Announce(ctx context.Context, r Result) error
}

// NoticeKind tells a front end how to present a Notice.
type NoticeKind int

const (
	// NoticeUsage is help text, possibly after a syntax problem.
	NoticeUsage NoticeKind = iota
	// NoticeRefused is a refusal: not allowed, wrong user, protected target...
	NoticeRefused
	// NoticeError is a failure: a lookup error, the audit log, a restart.
	NoticeError
	// NoticeProgress means the prompt was used: the sign-out is running.
	NoticeProgress
	// NoticeClosed means the prompt was closed: cancelled or expired.
	NoticeClosed
	// NoticeInfo answers a question: status and history.
	NoticeInfo
)

// Notice is a message to the invoker alone, as data: front ends render
// Msg in their platform's language, escaping its arguments. A
// NoticeUsage shows the usage after Msg (a syntax problem), or alone
// when Msg is zero.
type Notice struct {
	Kind      NoticeKind
	RequestID string
	Msg       i18n.Msg
	// Private: for the reader alone, even in a group (a DingTalk group
	// reply goes to them in a 1:1 chat instead).
	Private bool
}

// Target is the account to be signed out, as resolved.
type Target struct {
	UserID string
	Name   string // "" when DingTalk could not tell
	Title  string
	// Via says how the user was named, e.g. "mobile 13800138000"; zero for a userId.
	Via i18n.Msg `json:"via"`
	// Warning is something the invoker should know before confirming, e.g.
	// that DingTalk says this is not an Enterprise Account.
	Warning i18n.Msg `json:"warning"`
	// Account is whether the account is disabled now, as far as the
	// directory said before the prompt: a message, zero if not asked.
	Account i18n.Msg `json:"account"`
}

// Skipped is a target of a list that will not be signed out, and why:
// it could not be resolved, it repeats an earlier one, it is protected.
type Skipped struct {
	Input string   `json:"input"` // as typed
	Why   i18n.Msg `json:"why"`
}

// Prompt asks the invoker to confirm one pending request.
type Prompt struct {
	RequestID string
	Code      string
	Target    Target
	// Targets, for a request naming several people, is every resolved
	// target, Target first; Skipped lists the ones left out, with why.
	Targets   []Target
	Skipped   []Skipped
	Reason    string
	ExpiresAt time.Time
	DryRun    bool
	// TwoPerson: the prompt is an approval card for the whole channel,
	// asking anyone allowed but Requester and the target to approve.
	TwoPerson bool
	Requester string
	// Enable: the request enables the account instead of signing it out.
	Enable bool
}

// Result is the outcome of a confirmed request.
type Result struct {
	RequestID string
	Platform  string
	Invoker   string
	Approver  string // who approved it, under the two-person rule
	Target    Target
	Reason    string
	DryRun    bool
	OK        bool
	// Problem says in words why it failed; Code and DingTalkRequestID come
	// from DingTalk's error when there was one.
	Problem           i18n.Msg
	Code              string
	DingTalkRequestID string
	// Enable: the request enabled the account instead of signing it out.
	Enable bool
	// Disable: disabling was asked for after the sign-out; Disabled says
	// it worked, DisableProblem why not.
	Disable        bool
	Disabled       bool
	DisableProblem i18n.Msg
	// Each, for a request naming several people, is every target's
	// outcome, in the prompt's order; Skipped the ones left out before.
	Each    []TargetResult
	Skipped []Skipped
	// AuditFailed is set when the outcome could not be written to the audit log.
	AuditFailed bool
	failure     string // the audit detail of a failure: a machine value
}

// TargetResult is one target's outcome in a request naming several.
type TargetResult struct {
	Target     Target
	OK         bool
	Problem    i18n.Msg // why it failed, in words
	NotStarted bool     // the bot stopped before its turn
	// Disabled: it was disabled after the sign-out; DisableProblem why not.
	Disabled       bool
	DisableProblem i18n.Msg
}
