package bot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/signout-bot/signout-bot/i18n"
)

// The engine's own words for people and for the outcomes of directory and
// sign-out calls. An adapter (package contacts for DingTalk) translates a
// platform's answers into these, so the engine imports no platform and no
// API client. Each error type carries the platform's error as Err, in the
// chain, and then reads as it, so logs keep the platform's detail.

// Person is what the directory says about someone before they are signed
// out.
type Person struct {
	UserID string // the directory's own spelling of the userId
	Name   string
	Title  string
	// Enterprise: an Enterprise Account owned by the organisation, the
	// only kind the platform signs out; the prompt warns about any other.
	Enterprise bool
}

var (
	// ErrNotFound: the directory does not know the mobile number or
	// userId. The engine says so instead of reporting a failure.
	ErrNotFound = errors.New("not found in the directory")
	// ErrNoAnswer: no complete answer arrived (network error, timeout), so
	// the call may or may not have taken effect; the engine says it is
	// unknown rather than guess.
	ErrNoAnswer = errors.New("no answer: the outcome is unknown")
)

// AmbiguousMobileError: one mobile number is behind several Enterprise
// Accounts. The engine lists them and asks for a userId, since picking one
// could sign out the wrong person.
type AmbiguousMobileError struct {
	UserIDs []string // in the directory's order
	Err     error    // the platform's error, if any
}

func (e *AmbiguousMobileError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("%d Enterprise Accounts share the mobile number: %s", len(e.UserIDs), strings.Join(e.UserIDs, ", "))
}

func (e *AmbiguousMobileError) Unwrap() error { return e.Err }

// UserIDMismatchError: the directory answered about another userId than
// the one asked about (ceo001 for CEO001, or someone else). The engine
// refuses: acting on either spelling could reach an account the invoker
// did not check.
type UserIDMismatchError struct {
	Asked, Answered string
	Err             error // the platform's error, if any
}

func (e *UserIDMismatchError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("asked about userId %q, the answer is about %q", e.Asked, e.Answered)
}

func (e *UserIDMismatchError) Unwrap() error { return e.Err }

// APIError: the platform answered the call with an error. The engine tells
// the invoker Explanation and audits Code and RequestID, so the platform's
// support can find the call.
type APIError struct {
	Code        string   // the platform's error code
	RequestID   string   // the platform's id for the call, if it gave one
	Explanation i18n.Msg // what went wrong and what to do, in words for the invoker
	Err         error    // the platform's error, if any
}

func (e *APIError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	s := "the platform refused the call with code " + e.Code
	if !e.Explanation.IsZero() {
		s += ": " + i18n.For(i18n.EN).Text(e.Explanation)
	}
	if e.RequestID != "" {
		s += " (requestid " + e.RequestID + ")"
	}
	return s
}

func (e *APIError) Unwrap() error { return e.Err }
