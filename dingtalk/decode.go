package dingtalk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// response is one HTTP answer, read in full (up to maxBodyBytes).
type response struct {
	status   int
	header   http.Header
	body     []byte
	tooLarge bool
}

// envelope holds every field of both DingTalk error shapes. encoding/json
// matches keys case-insensitively, so "requestid" also takes "requestId" and
// "RequestId", and "code" takes "Code".
type envelope struct {
	Code       flexString      `json:"code"`
	Message    flexString      `json:"message"`
	RequestID  flexString      `json:"requestid"`
	ErrCode    flexString      `json:"errcode"`
	ErrMsg     flexString      `json:"errmsg"`
	LegacyReq  flexString      `json:"request_id"`
	SubCode    flexString      `json:"sub_code"`
	SubMsg     flexString      `json:"sub_msg"`
	Punish     flexString      `json:"punish"`
	AccessDeny json.RawMessage `json:"accessdenieddetail"` // parsed leniently in apiError
}

// flexString takes a JSON string, number or bool, because sloppy or hostile
// answers put numbers where strings belong (sub_code, errcode). It ignores
// null, objects and arrays rather than failing the whole envelope.
type flexString struct {
	set bool
	v   string
}

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null" || b[0] == '{' || b[0] == '[':
		return nil
	case b[0] == '"':
		if json.Unmarshal(b, &f.v) != nil {
			return nil
		}
	default:
		f.v = string(b) // number or bool
	}
	f.set = true
	return nil
}

// decodeAPI interprets an answer from the new-style api host: 2xx carries the
// result, anything else {"code","message","requestid"}.
func decodeAPI(op string, r *response, out any) error {
	env, apiErr := parseEnvelope(op, r)
	if apiErr != nil {
		return apiErr
	}
	if r.status/100 != 2 {
		return env.apiError(op, r)
	}
	if env.ErrCode.set && env.ErrCode.v != "0" {
		return env.apiError(op, r) // a legacy-shaped failure behind a 200
	}
	return decodeResult(op, r, out)
}

// decodeOAPI interprets an answer from the legacy oapi host (and session
// webhooks): HTTP 200 with errcode 0 on success, errcode != 0 on failure.
func decodeOAPI(op string, r *response, out any) error {
	env, apiErr := parseEnvelope(op, r)
	if apiErr != nil {
		return apiErr
	}
	switch {
	case env.ErrCode.set && env.ErrCode.v != "0":
		return env.apiError(op, r)
	case r.status/100 != 2:
		return env.apiError(op, r)
	case !env.ErrCode.set:
		return &APIError{Op: op, HTTPStatus: r.status, Code: CodeBadResponse,
			Message: "answer has no errcode", RequestID: env.requestID(r)}
	}
	return decodeResult(op, r, out)
}

// parseEnvelope reads the error fields, or says why the body is unusable.
func parseEnvelope(op string, r *response) (*envelope, *APIError) {
	if r.tooLarge {
		return nil, &APIError{Op: op, HTTPStatus: r.status, Code: CodeBodyTooLarge,
			Message:   fmt.Sprintf("answer exceeds %d bytes", maxBodyBytes),
			RequestID: clean(r.header.Get("x-acs-request-id"), maxIDLen)}
	}
	var env envelope
	if err := json.Unmarshal(r.body, &env); err != nil {
		if json.Valid(r.body) {
			return nil, &APIError{Op: op, HTTPStatus: r.status, Code: CodeBadResponse,
				Message:   "unexpected JSON: " + snippet(r.body),
				RequestID: clean(r.header.Get("x-acs-request-id"), maxIDLen)}
		}
		return nil, nonJSONError(op, r)
	}
	if env.Punish.v != "" {
		return nil, &APIError{Op: op, HTTPStatus: r.status, Code: CodeIPBanned,
			Message: "punish=" + clean(env.Punish.v, maxCodeLen), RequestID: env.requestID(r)}
	}
	return &env, nil
}

func decodeResult(op string, r *response, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(r.body, out); err != nil {
		return &APIError{Op: op, HTTPStatus: r.status, Code: CodeBadResponse,
			Message: clean(err.Error(), maxMessageLen), RequestID: clean(r.header.Get("x-acs-request-id"), maxIDLen)}
	}
	return nil
}

func (env *envelope) apiError(op string, r *response) *APIError {
	e := &APIError{
		Op:         op,
		HTTPStatus: r.status,
		Code:       clean(firstNonEmpty(env.Code.v, env.ErrCode.v), maxCodeLen),
		SubCode:    clean(env.SubCode.v, maxCodeLen),
		Message:    clean(firstNonEmpty(env.Message.v, env.ErrMsg.v), maxMessageLen),
		RequestID:  env.requestID(r),
		retryAfter: retryAfter(r.header),
	}
	if sub := clean(env.SubMsg.v, maxMessageLen); sub != "" && !strings.Contains(e.Message, sub) {
		e.Message = strings.TrimPrefix(e.Message+"; "+sub, "; ")
	}
	var deny struct {
		RequiredScopes []flexString `json:"requiredScopes"`
	}
	if len(env.AccessDeny) > 0 && json.Unmarshal(env.AccessDeny, &deny) == nil {
		for _, fs := range deny.RequiredScopes {
			s := fs.v
			if len(e.RequiredScopes) == maxScopes {
				break
			}
			if s = clean(s, maxCodeLen); s != "" {
				e.RequiredScopes = append(e.RequiredScopes, s)
			}
		}
	}
	return e
}

func (env *envelope) requestID(r *response) string {
	return clean(firstNonEmpty(env.RequestID.v, env.LegacyReq.v, r.header.Get("x-acs-request-id")), maxIDLen)
}

// nonJSONError describes a body that is not JSON at all: an HTML ban or
// error page from DingTalk's edge, or a proxy's answer.
func nonJSONError(op string, r *response) *APIError {
	ct := r.header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		ct = mt
	}
	msg := fmt.Sprintf("%d-byte %s answer", len(r.body), firstNonEmpty(clean(ct, maxCodeLen), "untyped"))
	if s := snippet(r.body); s != "" {
		msg += ": " + s
	}
	return &APIError{Op: op, HTTPStatus: r.status, Code: CodeNonJSON, Message: msg,
		RequestID: clean(r.header.Get("x-acs-request-id"), maxIDLen), retryAfter: retryAfter(r.header)}
}

// retryAfter reads a Retry-After header given in seconds.
func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || s <= 0 {
		return 0
	}
	return time.Duration(min(s, 3600)) * time.Second
}

const (
	maxBodyBytes  = 1 << 20
	maxMessageLen = 300 // runes
	maxCodeLen    = 100
	maxIDLen      = 100
	maxSnippetLen = 120
	maxScopes     = 10
)

func snippet(b []byte) string {
	return clean(string(b[:min(len(b), 4*maxSnippetLen)]), maxSnippetLen)
}

// clean makes text from DingTalk safe to show: valid UTF-8, no control
// characters (so no line breaks in logs or chat), at most n runes.
func clean(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	count := 0
	for _, r := range s {
		if count == n {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			r = ' '
		}
		b.WriteRune(r)
		count++
	}
	return strings.TrimSpace(b.String())
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
