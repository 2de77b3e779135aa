package dingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// callAPI POSTs in as JSON to a new-style path with the token in the header
// and decodes the answer into out. target names the user or mobile the call
// is about, for error explanations.
func (c *Client) callAPI(ctx context.Context, op, path, target string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("dingtalk %s: encoding request: %w", op, err)
	}
	return c.withToken(ctx, func(token string) error {
		return c.retry(ctx, op, func(ctx context.Context) error {
			r, err := c.post(ctx, op, c.apiURL+path, token, body)
			if err != nil {
				return scrub(err, token, c.secret)
			}
			redactBody(r, token, c.secret)
			return withTarget(scrub(decodeAPI(op, r, out), token, c.secret), target)
		})
	})
}

// getAPI GETs a new-style path with query, the token in the header, and
// decodes the answer into out.
func (c *Client) getAPI(ctx context.Context, op, path string, query url.Values, target string, out any) error {
	u := c.apiURL + path + "?" + query.Encode()
	return c.withToken(ctx, func(token string) error {
		return c.retry(ctx, op, func(ctx context.Context) error {
			r, err := c.send(ctx, op, http.MethodGet, u, token, nil)
			if err != nil {
				return scrub(err, token, c.secret)
			}
			redactBody(r, token, c.secret)
			return withTarget(scrub(decodeAPI(op, r, out), token, c.secret), target)
		})
	})
}

// callOAPI POSTs in as JSON to a legacy path with the token in the query and
// decodes the answer into out.
func (c *Client) callOAPI(ctx context.Context, op, path, target string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("dingtalk %s: encoding request: %w", op, err)
	}
	return c.withToken(ctx, func(token string) error {
		u := c.oapiURL + path + "?access_token=" + url.QueryEscape(token)
		return c.retry(ctx, op, func(ctx context.Context) error {
			r, err := c.post(ctx, op, u, "", body)
			if err != nil {
				return scrub(err, token, c.secret)
			}
			redactBody(r, token, c.secret)
			return withTarget(scrub(decodeOAPI(op, r, out), token, c.secret), target)
		})
	})
}

func withTarget(err error, target string) error {
	var ae *APIError
	if target != "" && errors.As(err, &ae) {
		ae.Target = clean(target, maxCodeLen)
	}
	return err
}
