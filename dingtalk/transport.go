package dingtalk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

const headerToken = "x-acs-dingtalk-access-token"

// post makes one HTTP attempt, bounded by the attempt timeout, and reads the
// whole answer. token, if set, goes in the new-style header. Errors wrap
// ErrNoResponse and never contain the URL's query (the legacy token).
func (c *Client) post(parent context.Context, op, rawURL, token string, body []byte) (*response, error) {
	return c.send(parent, op, http.MethodPost, rawURL, token, body)
}

// send is post for any method; a nil body sends none.
func (c *Client) send(parent context.Context, op, method, rawURL, token string, body []byte) (*response, error) {
	ctx, cancel := context.WithTimeout(parent, c.attemptTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, fmt.Errorf("dingtalk %s: %w", op, redactURLError(err))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set(headerToken, token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.noResponse(parent, op, "", redactURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, c.noResponse(parent, op, fmt.Sprintf(" (HTTP %d, body cut short)", resp.StatusCode), redactURLError(err))
	}
	r := &response{status: resp.StatusCode, header: resp.Header, body: data}
	if len(data) > maxBodyBytes {
		r.body, r.tooLarge = nil, true
	}
	return r, nil
}

// noResponse wraps a transport error in ErrNoResponse, saying plainly when
// the attempt ran out of time rather than the caller's context ending.
func (c *Client) noResponse(parent context.Context, op, detail string, err error) error {
	var ne net.Error
	if parent.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()) {
		detail += fmt.Sprintf(" (no answer within %v)", c.attemptTimeout)
	}
	return fmt.Errorf("dingtalk %s: %w%s: %w", op, ErrNoResponse, detail, err)
}

// redactURLError drops the query from the URL a *url.Error carries: legacy
// calls put the access token there, session webhooks their session key.
func redactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	cp := *ue
	cp.URL = redactURL(ue.URL)
	if ue == err {
		return &cp
	}
	// The *url.Error sits deeper in the chain; rebuild the text around it.
	return &redactedError{msg: strings.ReplaceAll(err.Error(), ue.URL, cp.URL), err: &cp}
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			return raw[:i]
		}
		return raw
	}
	if u.RawQuery != "" {
		u.RawQuery = "REDACTED"
	}
	u.Fragment, u.RawFragment, u.User = "", "", nil
	return u.String()
}

// redactedError replaces the text of an error while keeping it in the chain
// for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// scrub is the last guard against a secret in an error's text, whatever its
// source (DingTalk echoing a parameter, a library quoting a URL). It replaces
// each secret by "[redacted]" in the text and in *APIError fields.
func scrub(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		ae.redact(secrets)
	}
	msg := err.Error()
	clean := redactString(msg, secrets)
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

func (e *APIError) redact(secrets []string) {
	e.Code = redactString(e.Code, secrets)
	e.SubCode = redactString(e.SubCode, secrets)
	e.Message = redactString(e.Message, secrets)
	e.RequestID = redactString(e.RequestID, secrets)
	for i := range e.RequiredScopes {
		e.RequiredScopes[i] = redactString(e.RequiredScopes[i], secrets)
	}
}

// minSecretLen keeps a pathological one-letter secret from garbling text.
const minSecretLen = 4

func redactString(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= minSecretLen && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// redactBody blanks secrets in an answer before it is decoded, so no message
// DingTalk echoes can carry them, not even cut in half by truncation.
func redactBody(r *response, secrets ...string) {
	for _, sec := range secrets {
		if len(sec) >= minSecretLen && bytes.Contains(r.body, []byte(sec)) {
			r.body = bytes.ReplaceAll(r.body, []byte(sec), []byte("[redacted]"))
		}
	}
}
