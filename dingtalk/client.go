// Package dingtalk is a client for the few DingTalk OpenAPI calls the bot
// makes: the app access token, forced sign-out of an Enterprise Account, its
// disabling and enabling and their status, user lookup by mobile and by ID,
// and robot messages.
//
// Every call goes through one retry helper (exponential backoff with jitter,
// github.com/cenkalti/backoff/v5) and one decoder for DingTalk's two error
// shapes. The contact calls are paced under DingTalk's per-app, per-API cap
// (see Config.QPS), and throttling answers are waited out, never failures.
// Failures DingTalk reports are *APIError values with an Explain method for
// humans; sentinels (ErrNotFound, ...) let callers branch. No error or log
// line carries the access token or the app secret.
package dingtalk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Default hosts of mainland DingTalk.
const (
	DefaultAPIURL  = "https://api.dingtalk.com"
	DefaultOAPIURL = "https://oapi.dingtalk.com"
)

// Operation names, used in errors and logs.
const (
	opAccessToken    = "accessToken"
	opSignOut        = "signOut"
	opGetByMobile    = "getbymobile"
	opUserGet        = "user/get"
	opGroupSend      = "groupMessages/send"
	opBatchSend      = "oToMessages/batchSend"
	opSessionWebhook = "sessionWebhook"
	opDisable        = "disable"
	opEnable         = "enable"
	opStatus         = "status"
)

// pacedOps are the calls paced under Config.QPS, each with its own budget:
// DingTalk counts calls per app and per API.
var pacedOps = []string{opSignOut, opGetByMobile, opUserGet, opDisable, opEnable, opStatus}

// DefaultQPS is DingTalk's documented cap for a standard-edition org: 20 calls
// per second per app per API.
const DefaultQPS = 20

// Config configures a Client.
type Config struct {
	APIURL       string       // new-style API host; "" means DefaultAPIURL
	OAPIURL      string       // legacy API host; "" means DefaultOAPIURL
	ClientID     string       // the app's Client ID (AppKey)
	ClientSecret string       // the app's Client Secret; never logged or put in errors
	HTTPClient   *http.Client // nil: a client with a 5 s timeout
	Retry        RetryPolicy  // zero fields take defaults
	Logger       *slog.Logger // nil: slog.Default()
	Observer     Observer     // nil: none
	// QPS is how many calls per second each contact API (signOut,
	// getbymobile, user/get, disable, enable, status) may get from this
	// Client, shared by all its callers. 0 means DefaultQPS.
	QPS float64
	// Limiters, if set, gives the limiter for each paced API (called once
	// per API name by New), so that a budget shared by several replicas can
	// replace the in-process one. QPS is then unused. A nil Limiter means
	// the in-process one for that API.
	Limiters func(api string) Limiter
}

// Limiter paces calls. Wait blocks until the caller may make one call, or
// returns an error, matching ctx's error when ctx ends (or, like
// rate.Limiter, would end) first. It must be safe for concurrent use.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Observer is told about every attempt, retry and throttling answer, for
// metrics. Its methods must be cheap and safe for concurrent use.
type Observer interface {
	APICall(op, code string) // code is "ok" on success
	APIRetry(op string)      // an ordinary retry (busy, 5xx, no answer)
	APIThrottled(op string)  // DingTalk throttled the call; it is waited out and sent again
}

type nopObserver struct{}

func (nopObserver) APICall(string, string) {}
func (nopObserver) APIRetry(string)        {}
func (nopObserver) APIThrottled(string)    {}

// String hides the secret when a Config is printed.
func (c Config) String() string {
	return fmt.Sprintf("dingtalk.Config{APIURL:%q OAPIURL:%q ClientID:%q ClientSecret:<secret> QPS:%v}", c.APIURL, c.OAPIURL, c.ClientID, c.QPS)
}

// GoString hides the secret from %#v.
func (c Config) GoString() string { return c.String() }

// LogValue hides the secret from slog.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("api_url", c.APIURL), slog.String("oapi_url", c.OAPIURL), slog.String("client_id", c.ClientID), slog.Float64("qps", c.QPS))
}

// RetryPolicy bounds the retries of one call. Zero fields take defaults:
// 4 attempts, 300 ms initial interval doubling up to 3 s, at most 10 s
// overall, and 1 s (plus up to half as much again) after a throttling
// answer. Throttling answers and waiting for a turn under the QPS count
// against neither MaxAttempts nor MaxElapsed: they are retried for as long
// as the caller's context allows.
type RetryPolicy struct {
	MaxAttempts     int           // attempts including the first; 1 disables retries
	InitialInterval time.Duration // first wait, randomised ±50 %
	MaxInterval     time.Duration // cap on one wait
	MaxElapsed      time.Duration // no new attempt starts after this much time
	RateLimitWait   time.Duration // wait after a QPS/QPM limit or 429 (DingTalk advises ~1 s)
}

// defaultAttemptTimeout bounds one HTTP attempt. It is half the retry budget
// so a hung attempt still leaves room for one more.
const defaultAttemptTimeout = 5 * time.Second

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.InitialInterval <= 0 {
		p.InitialInterval = 300 * time.Millisecond
	}
	if p.MaxInterval <= 0 {
		p.MaxInterval = 3 * time.Second
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = 10 * time.Second
	}
	if p.RateLimitWait <= 0 {
		p.RateLimitWait = time.Second
	}
	return p
}

// Client calls the DingTalk OpenAPI. It is safe for concurrent use.
type Client struct {
	apiURL, oapiURL string
	clientID        string
	secret          string
	http            *http.Client
	attemptTimeout  time.Duration
	policy          RetryPolicy
	log             *slog.Logger
	observe         Observer
	tokens          *tokenCache
	limiters        map[string]Limiter // by op; read-only after New
}

// New checks cfg and builds a Client. It makes no network call.
func New(cfg Config) (*Client, error) {
	apiURL, err := baseURL("APIURL", cfg.APIURL, DefaultAPIURL)
	if err != nil {
		return nil, err
	}
	oapiURL, err := baseURL("OAPIURL", cfg.OAPIURL, DefaultOAPIURL)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New("dingtalk: ClientID is empty")
	}
	if cfg.ClientSecret == "" {
		return nil, errors.New("dingtalk: ClientSecret is empty")
	}
	if cfg.QPS < 0 || math.IsNaN(cfg.QPS) || math.IsInf(cfg.QPS, 0) {
		return nil, fmt.Errorf("dingtalk: QPS %v must be 0 (the default, %d) or a positive number", cfg.QPS, DefaultQPS)
	}
	c := &Client{
		apiURL:   apiURL,
		oapiURL:  oapiURL,
		clientID: cfg.ClientID,
		secret:   cfg.ClientSecret,
		http:     cfg.HTTPClient,
		policy:   cfg.Retry.withDefaults(),
		log:      cfg.Logger,
		observe:  cfg.Observer,
	}
	if c.observe == nil {
		c.observe = nopObserver{}
	}
	if c.http == nil {
		c.http = defaultHTTPClient()
	}
	c.attemptTimeout = c.http.Timeout
	if c.attemptTimeout <= 0 {
		c.attemptTimeout = defaultAttemptTimeout
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	c.tokens = newTokenCache(c.fetchToken)
	c.limiters = newLimiters(cfg.QPS, cfg.Limiters)
	return c, nil
}

// String keeps the secret out of %v.
func (c *Client) String() string {
	return fmt.Sprintf("dingtalk.Client{api:%s oapi:%s client_id:%s}", c.apiURL, c.oapiURL, c.clientID)
}

func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 3 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	// A burst of sign-outs reuses connections instead of a TLS handshake each.
	t.MaxIdleConnsPerHost = 8
	t.TLSHandshakeTimeout = 3 * time.Second
	t.ResponseHeaderTimeout = defaultAttemptTimeout
	return &http.Client{Timeout: defaultAttemptTimeout, Transport: t}
}

// baseURL checks a configured host URL and drops a trailing slash.
func baseURL(field, raw, def string) (string, error) {
	if raw == "" {
		raw = def
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("dingtalk: %s %q is not an http(s) URL", field, raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("dingtalk: %s must not carry a query, fragment or user info", field)
	}
	return strings.TrimRight(raw, "/"), nil
}
