package dingtalk

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/signout-bot/signout-bot/i18n"
)

// Sentinel errors. An *APIError matches them with errors.Is, so callers can
// branch without knowing DingTalk's codes.
var (
	// ErrNotFound: DingTalk does not know the mobile number or user ID
	// (60121, user.not.exist, 33012, 40003; profile.not.exist and
	// employee.not.exist from other orgAccounts calls).
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
	CodeNotConfirmed   = "result_false"   // signOut, disable or enable answered {"result":false}
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
	case "60121", "user.not.exist", "33012", "40003", "profile.not.exist", "employee.not.exist":
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

// Words says what went wrong and what to do, for the responder who asked
// for the sign-out, as a message of the catalogs: the user and DingTalk's
// own text are its arguments, so a front end escapes them.
func (e *APIError) Words() i18n.Msg {
	if m := e.codeWords(); !m.IsZero() {
		return m
	}
	switch {
	case e.HTTPStatus >= 500:
		return i18n.M(i18n.DingTalkServerError, e.HTTPStatus)
	case e.Code == "":
		return i18n.M(i18n.DingTalkRefusedStatus, e.HTTPStatus, e.said())
	}
	// The code comes from the answer: a string, escaped like any of DingTalk's text.
	return i18n.M(i18n.DingTalkRefusedCode, e.Code, e.said())
}

// Explain is Words in English.
func (e *APIError) Explain() string { return i18n.For(i18n.EN).Text(e.Words()) }

func (e *APIError) codeWords() i18n.Msg {
	switch {
	case e.rateLimited() && strings.HasPrefix(e.Code, "Forbidden.AccessDenied.Qpm"):
		return i18n.M(i18n.DingTalkRateLimitedPerMinute)
	case e.rateLimited():
		return i18n.M(i18n.DingTalkRateLimitedPerSecond)
	case e.tokenRejected():
		return i18n.M(i18n.DingTalkTokenRejected)
	case e.permissionDenied():
		if len(e.RequiredScopes) == 0 {
			return i18n.M(i18n.DingTalkPermissionDenied)
		}
		return i18n.M(i18n.DingTalkPermissionDeniedScopes, strings.Join(e.RequiredScopes, ", "))
	case e.notFound():
		return e.notFoundWords()
	}
	switch e.Code {
	case "invalid.param", "400002":
		return i18n.M(i18n.DingTalkInvalidParam, e.said())
	case "exclusive.account.only", "exclusive.account.limit":
		if e.Op == opDisable || e.Op == opEnable || e.Op == opStatus {
			return e.about(i18n.DingTalkAccountEnterpriseOnly, i18n.DingTalkAccountEnterpriseOnlyUnnamed)
		}
		return e.about(i18n.DingTalkEnterpriseAccountOnly, i18n.DingTalkEnterpriseAccountOnlyUnnamed)
	case "system.busy", "-1":
		return i18n.M(i18n.DingTalkBusy)
	case "Forbidden.AccessDenied.ApiCountLimitForOrg", "90020":
		return i18n.M(i18n.DingTalkMonthlyQuota)
	case "invalidClientIdOrSecret":
		// Arguments, so that each front end escapes the underscores for its markup.
		return i18n.M(i18n.DingTalkBadCredentials, "client_id", "client_secret")
	case "AuthenticationFailed.MissingParameter":
		return i18n.M(i18n.DingTalkNoAccessToken)
	case "40104":
		return e.about(i18n.DingTalkInvalidMobile, i18n.DingTalkInvalidMobileUnnamed)
	case CodeNonJSON:
		return i18n.M(i18n.DingTalkNotJSON, e.HTTPStatus)
	case CodeIPBanned:
		return i18n.M(i18n.DingTalkIPBanned)
	case CodeBodyTooLarge:
		return i18n.M(i18n.DingTalkBodyTooLarge)
	case CodeBadResponse:
		return i18n.M(i18n.DingTalkBadResponse, e.Message)
	case CodeNotConfirmed:
		return e.notConfirmedWords()
	case CodeInvalidStaff:
		return i18n.M(i18n.DingTalkInvalidStaff, e.Message)
	case CodeFlowControlled:
		return i18n.M(i18n.DingTalkFlowControlled, e.Message)
	}
	return i18n.Msg{}
}

func (e *APIError) notFoundWords() i18n.Msg {
	switch {
	case e.Op == opGetByMobile:
		return e.about(i18n.DingTalkNoUserWithMobile, i18n.DingTalkNoUserWithMobileUnnamed)
	case e.Code == "33012" || e.Code == "40003":
		return e.about(i18n.DingTalkInvalidUserID, i18n.DingTalkInvalidUserIDUnnamed)
	}
	return e.about(i18n.DingTalkNoUserWithID, i18n.DingTalkNoUserWithIDUnnamed)
}

// notConfirmedWords says which change DingTalk did not confirm.
func (e *APIError) notConfirmedWords() i18n.Msg {
	switch e.Op {
	case opDisable:
		return e.about(i18n.DingTalkNotDisabled, i18n.DingTalkNotDisabledUnnamed)
	case opEnable:
		return e.about(i18n.DingTalkNotEnabled, i18n.DingTalkNotEnabledUnnamed)
	}
	return e.about(i18n.DingTalkNotConfirmed, i18n.DingTalkNotConfirmedUnnamed)
}

// about is key said of the user or mobile the call was about, or unnamed
// when it named no one. The target has Go's escapes (as %q writes it) and
// no quotes: each language puts its own around it.
func (e *APIError) about(key, unnamed i18n.Key) i18n.Msg {
	if e.Target == "" {
		return i18n.M(unnamed)
	}
	q := strconv.Quote(e.Target)
	return i18n.M(key, q[1:len(q)-1])
}

// said is DingTalk's own message as a clause of a sentence, or nothing.
func (e *APIError) said() i18n.Msg {
	if e.Message == "" {
		return i18n.Plain("")
	}
	return i18n.M(i18n.DingTalkSaid, e.Message)
}
