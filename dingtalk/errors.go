package dingtalk

import (
	"errors"
	"fmt"
	"github.com/signout-bot/signout-bot/i18n"
	"slices"
	"strings"
	"time"
)

// Sentinel errors. An *APIError matches them with errors.Is, so callers can
// branch without knowing DingTalk's codes.
var (
	// ErrNotFound: DingTalk does not know the mobile number or user ID
	// (60121, user.not.exist, 33012, 40003).
	ErrNotFound = errors.New("dingtalk: not found")
	// ErrBadCredentials: DingTalk rejected the app's Client ID or Client Secret.
	ErrBadCredentials = errors.New("dingtalk: app credentials rejected")
	// ErrPermissionDenied: the app lacks a permission scope for the call.
	ErrPermissionDenied = errors.New("dingtalk: permission denied")
	// ErrNoResponse: no complete answer arrived (timeout, connection error).
	// The request may or may not have taken effect on DingTalk's side.
	ErrNoResponse = errors.New("no response from DingTalk")
)

// Codes this package sets on an APIError when DingTalk's answer itself is the
// problem. They are snake_case so they never collide with DingTalk's codes.
const (
	CodeNonJSON        = "non_json"       // the body is not JSON (HTML page, proxy error)
	CodeIPBanned       = "ip_banned"      // {"punish":"deny",...}: the egress IP is banned for a while
	CodeBodyTooLarge   = "body_too_large" // the body exceeded the read limit
	CodeBadResponse    = "bad_response"   // JSON, but not the documented shape
	CodeNotConfirmed   = "result_false"   // signOut answered {"result":false}
	CodeInvalidStaff   = "invalid_staff_ids"
	CodeFlowControlled = "flow_controlled_staff_ids"
)

// APIError is an answer from DingTalk that reports a failure, in either the
// new-style {"code","message","requestid"} shape (api host) or the legacy
// {"errcode","errmsg","request_id","sub_code","sub_msg"} shape (oapi host).
// Its text never holds a token or the app secret.
type APIError struct {
	Op             string   // the call: accessToken, signOut, getbymobile, user/get, ...
	HTTPStatus     int      // HTTP status; legacy errors usually come with 200
	Code           string   // new-style code, or the legacy errcode in decimal
	SubCode        string   // legacy sub_code (e.g. "40014" under errcode 88)
	Message        string   // DingTalk's message (often Chinese), cleaned and shortened
	RequestID      string   // requestid / request_id / x-acs-request-id
	RequiredScopes []string // accessdenieddetail.requiredScopes on permission errors
	Target         string   // the user ID or mobile the call was about, if any

	retryAfter time.Duration // Retry-After header, if DingTalk sent one
}

// Error reports op, status, code, message and request ID.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("dingtalk ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	if e.HTTPStatus != 0 && e.HTTPStatus != 200 {
		fmt.Fprintf(&b, "HTTP %d ", e.HTTPStatus)
	}
	switch {
	case e.Code != "" && e.SubCode != "":
		b.WriteString(e.Code + "/" + e.SubCode)
	case e.Code != "":
		b.WriteString(e.Code)
	default:
		b.WriteString("error")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (requestid ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// Is matches the package's sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.notFound()
	case ErrBadCredentials:
		return e.Code == "invalidClientIdOrSecret"
	case ErrPermissionDenied:
		return e.permissionDenied()
	}
	return false
}

func (e *APIError) notFound() bool {
	switch e.Code {
	case "60121", "user.not.exist", "33012", "40003":
		return true
	}
	return false
}

func (e *APIError) permissionDenied() bool {
	return e.Code == "Forbidden.AccessDenied.AccessTokenPermissionDenied" ||
		e.Code == "60011" || (e.Code == "88" && e.SubCode == "60011")
}

// Temporary reports whether trying the same call again later may succeed:
// busy servers, rate limits and 5xx. Business errors (4xx) are not temporary.
func (e *APIError) Temporary() bool {
	switch {
	case e.Code == CodeIPBanned:
		return false // the ban lasts minutes; more calls only extend it
	case e.HTTPStatus == 429, e.HTTPStatus >= 500:
		return true
	case e.Code == "system.busy", e.Code == "-1":
		return true
	}
	return e.rateLimited()
}

// rateLimited reports a per-second or per-minute throttle, which DingTalk
// advises to meet by waiting about a second.
func (e *APIError) rateLimited() bool {
	switch {
	case e.HTTPStatus == 429, e.Code == "90018", e.Code == "90002":
		return true
	}
	return strings.HasPrefix(e.Code, "Forbidden.AccessDenied.Qps") ||
		strings.HasPrefix(e.Code, "Forbidden.AccessDenied.Qpm")
}

// legacyTokenCodes are the old-API codes for an invalid or expired token.
var legacyTokenCodes = []string{"40014", "42001", "40001"}

// tokenRejected reports that the access token used was invalid or expired,
// so a fresh token may make the same call succeed.
func (e *APIError) tokenRejected() bool {
	switch {
	case e.Code == "InvalidAuthentication", e.HTTPStatus == 401:
		return true
	case e.Code == "88":
		return slices.Contains(legacyTokenCodes, e.SubCode)
	}
	return slices.Contains(legacyTokenCodes, e.Code)
}

// Words is Explain as a message for the catalogs. (To be replaced by one
// key per case, in English and Chinese.)
func (e *APIError) Words() i18n.Msg { return i18n.Plain(e.Explain()) }

// Explain says in plain English what went wrong and what to do, for the
// responder who asked for the sign-out.
func (e *APIError) Explain() string {
	if s := e.explainCode(); s != "" {
		return s
	}
	if e.HTTPStatus >= 500 {
		return fmt.Sprintf("DingTalk had an internal problem (HTTP %d); try again in a minute.", e.HTTPStatus)
	}
	if e.Code == "" {
		return fmt.Sprintf("DingTalk refused the request (HTTP %d)%s.", e.HTTPStatus, e.said())
	}
	return fmt.Sprintf("DingTalk refused the request with code %s%s.", e.Code, e.said())
}

func (e *APIError) explainCode() string {
	switch {
	case e.rateLimited() && strings.HasPrefix(e.Code, "Forbidden.AccessDenied.Qpm"):
		return "DingTalk is rate-limiting the bot (too many calls per minute); wait a minute and try again."
	case e.rateLimited():
		return "DingTalk is rate-limiting the bot (too many calls per second); wait a moment and try again."
	case e.tokenRejected():
		return "DingTalk rejected the bot's access token even after a fresh one was fetched; check that the DingTalk app is enabled and its credentials are right."
	case e.permissionDenied():
		return e.explainPermission()
	case e.notFound():
		return e.explainNotFound()
	}
	switch e.Code {
	case "invalid.param", "400002":
		return "DingTalk rejected the request as invalid" + e.said() + "; check the user ID or mobile number."
	case "exclusive.account.only":
		return fmt.Sprintf("Only Enterprise Accounts (专属帐号) owned by this organisation can be signed out; %s is a personal DingTalk account or belongs to another organisation.", e.target("this user"))
	case "system.busy", "-1":
		return "DingTalk was busy and did not complete the request; try again in a minute."
	case "Forbidden.AccessDenied.ApiCountLimitForOrg", "90020":
		return "The organisation has used up its monthly DingTalk API call quota; calls fail until the quota resets next month or the DingTalk plan is upgraded."
	case "invalidClientIdOrSecret":
		return "DingTalk rejected the bot's Client ID or Client Secret; check dingtalk client_id and client_secret in the bot's configuration."
	case "AuthenticationFailed.MissingParameter":
		return "DingTalk received the request without an access token; this is a bug in the bot."
	case "40104":
		return fmt.Sprintf("DingTalk says %s is not a valid mobile number in this organisation.", e.target("the mobile number"))
	case CodeNonJSON:
		return fmt.Sprintf("DingTalk answered with something that is not JSON (HTTP %d). DingTalk may have banned this server's IP address for a few minutes after too many calls, or a proxy answered instead; try again in about 5 minutes.", e.HTTPStatus)
	case CodeIPBanned:
		return "DingTalk has temporarily banned this server's IP address for making too many calls (about 5 minutes); wait and try again."
	case CodeBodyTooLarge:
		return "DingTalk's answer was far larger than expected and was not read; try again later."
	case CodeBadResponse:
		return "DingTalk's answer could not be understood (" + e.Message + ")."
	case CodeNotConfirmed:
		return fmt.Sprintf("DingTalk did not confirm the sign-out of %s (result=false); check the admin console before trying again.", e.target("the user"))
	case CodeInvalidStaff:
		return "DingTalk did not deliver the message to these unknown user IDs: " + e.Message + "."
	case CodeFlowControlled:
		return "DingTalk held back the message to these users because too many messages were sent to them: " + e.Message + "."
	}
	return ""
}

func (e *APIError) explainPermission() string {
	if len(e.RequiredScopes) == 0 {
		return "The bot's DingTalk app lacks the permission for this call; an admin must grant it in the DingTalk developer console and publish the app."
	}
	return fmt.Sprintf("The bot's DingTalk app lacks the permission %s; an admin must grant it in the DingTalk developer console and publish the app.",
		strings.Join(e.RequiredScopes, ", "))
}

func (e *APIError) explainNotFound() string {
	switch {
	case e.Op == opGetByMobile:
		return fmt.Sprintf("DingTalk has no user with mobile %s in this organisation (people who left cannot be found by mobile).", e.target("number"))
	case e.Code == "33012" || e.Code == "40003":
		return fmt.Sprintf("DingTalk says %s is not a valid user ID.", e.target("the given ID"))
	}
	return fmt.Sprintf("DingTalk has no user with ID %s in this organisation.", e.target("given"))
}

func (e *APIError) target(fallback string) string {
	if e.Target == "" {
		return fallback
	}
	return fmt.Sprintf("%q", e.Target)
}

func (e *APIError) said() string {
	if e.Message == "" {
		return ""
	}
	return " (DingTalk said: " + e.Message + ")"
}
