package dingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// tokenEarlyExpiry is how long before expireIn the token is renewed
// (DingTalk's docs suggest caching a 7200 s token for about 7000 s).
const tokenEarlyExpiry = 5 * time.Minute

// maxExpireIn bounds a (hostile) expireIn so the arithmetic cannot overflow.
const maxExpireIn = 7 * 24 * time.Hour

// Token returns the app's access token, fetching it only when the cached one
// is near expiry. Concurrent callers share one fetch; each stops waiting when
// its ctx ends. A successful call also shows that the credentials work.
func (c *Client) Token(ctx context.Context) (string, error) {
	return c.tokens.get(ctx)
}

// tokenCache hands out the current token. oauth2's reuse source caches it
// and makes concurrent callers wait for a single fetch; tokenCache adds the
// one thing it lacks: dropping a token DingTalk rejected.
type tokenCache struct {
	fetch func() (*oauth2.Token, error)
	mu    sync.Mutex
	cur   *tokenGeneration
}

// tokenGeneration is one reuse source and the token it fetched last.
type tokenGeneration struct {
	src  oauth2.TokenSource
	last atomic.Pointer[string]
}

func newTokenCache(fetch func() (*oauth2.Token, error)) *tokenCache {
	tc := &tokenCache{fetch: fetch}
	tc.cur = tc.newGeneration()
	return tc
}

func (tc *tokenCache) newGeneration() *tokenGeneration {
	g := &tokenGeneration{}
	g.src = oauth2.ReuseTokenSourceWithExpiry(nil, recordingSource{tc.fetch, g}, tokenEarlyExpiry)
	return g
}

// recordingSource fetches a token and notes it in its generation.
type recordingSource struct {
	fetch func() (*oauth2.Token, error)
	gen   *tokenGeneration
}

func (s recordingSource) Token() (*oauth2.Token, error) {
	t, err := s.fetch()
	if err != nil {
		return nil, err
	}
	s.gen.last.Store(&t.AccessToken)
	return t, nil
}

type tokenResult struct {
	tok *oauth2.Token
	err error
}

func (tc *tokenCache) get(ctx context.Context) (string, error) {
	tc.mu.Lock()
	g := tc.cur
	tc.mu.Unlock()
	// oauth2.TokenSource takes no context; wait in a goroutine so the caller
	// can give up. The fetch itself carries on for the other callers.
	ch := make(chan tokenResult, 1)
	go func() {
		t, err := g.src.Token()
		ch <- tokenResult{t, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return "", r.err
		}
		return r.tok.AccessToken, nil
	case <-ctx.Done():
		return "", fmt.Errorf("dingtalk %s: waiting for the access token: %w", opAccessToken, context.Cause(ctx))
	}
}

// invalidate drops the cached token if it is still bad, so that many calls
// failing with the same stale token cause one new fetch, not many.
func (tc *tokenCache) invalidate(bad string) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if last := tc.cur.last.Load(); last != nil && *last == bad {
		tc.cur = tc.newGeneration()
	}
}

// fetchToken gets a token from POST /v1.0/oauth2/accessToken. It runs on
// behalf of every waiting caller, so it has its own deadline rather than any
// one caller's context.
func (c *Client) fetchToken() (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.policy.MaxElapsed+c.attemptTimeout)
	defer cancel()
	body, err := json.Marshal(struct {
		AppKey    string `json:"appKey"`
		AppSecret string `json:"appSecret"`
	}{c.clientID, c.secret})
	if err != nil {
		return nil, fmt.Errorf("dingtalk %s: %w", opAccessToken, err)
	}
	var out struct {
		AccessToken string `json:"accessToken"`
		ExpireIn    int64  `json:"expireIn"`
	}
	err = c.retry(ctx, opAccessToken, func(ctx context.Context) error {
		r, err := c.post(ctx, opAccessToken, c.apiURL+"/v1.0/oauth2/accessToken", "", body)
		if err != nil {
			return scrub(err, c.secret)
		}
		redactBody(r, c.secret)
		return scrub(decodeAPI(opAccessToken, r, &out), c.secret)
	})
	if err != nil {
		return nil, err
	}
	if out.AccessToken == "" {
		return nil, &APIError{Op: opAccessToken, HTTPStatus: 200, Code: CodeBadResponse, Message: "answer has no accessToken"}
	}
	c.log.Debug("dingtalk access token fetched", "expire_in_s", out.ExpireIn)
	return &oauth2.Token{AccessToken: out.AccessToken, Expiry: tokenExpiry(time.Now(), out.ExpireIn)}, nil
}

// tokenExpiry turns expireIn into the Expiry the reuse source checks with
// tokenEarlyExpiry subtracted. The token is renewed tokenEarlyExpiry before
// its end, or halfway through a lifetime too short for that.
func tokenExpiry(issued time.Time, expireIn int64) time.Time {
	life := time.Duration(min(max(expireIn, 0), int64(maxExpireIn/time.Second))) * time.Second
	if life < 2*tokenEarlyExpiry {
		return issued.Add(life/2 + tokenEarlyExpiry)
	}
	return issued.Add(life)
}

// withToken runs call with the current token. If DingTalk rejects the token
// as invalid or expired, it drops it and runs call once more with a new one.
func (c *Client) withToken(ctx context.Context, call func(token string) error) error {
	token, err := c.tokens.get(ctx)
	if err != nil {
		return err
	}
	err = call(token)
	var ae *APIError
	if !errors.As(err, &ae) || !ae.tokenRejected() {
		return err
	}
	c.log.Info("dingtalk rejected the access token; fetching a new one", "op", ae.Op, "code", ae.Code, "sub_code", ae.SubCode)
	c.tokens.invalidate(token)
	if token, err = c.tokens.get(ctx); err != nil {
		return err
	}
	return call(token)
}
