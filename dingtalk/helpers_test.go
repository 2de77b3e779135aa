package dingtalk_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/internal/logbuf"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// Test users in the fake org.
var (
	alice = fakedingtalk.FakeUser{UserID: "alice-ea", Name: "Alice Wang", Title: "Engineer", Mobile: "13800000001", DeptIDs: []int64{1, 42}, Exclusive: true}
	bob   = fakedingtalk.FakeUser{UserID: "bob-personal", Name: "Bob Li", Title: "Sales", Mobile: "13800000002"}
)

// fastRetry keeps retries quick in tests while still exercising them.
var fastRetry = dingtalk.RetryPolicy{
	MaxAttempts:     4,
	InitialInterval: time.Millisecond,
	MaxInterval:     5 * time.Millisecond,
	MaxElapsed:      5 * time.Second,
	RateLimitWait:   2 * time.Millisecond,
}

type testEnv struct {
	fake   *fakedingtalk.OpenAPI
	client *dingtalk.Client
	logs   *logbuf.Buffer
}

// newEnv starts a fake with alice and bob and a client for it. Options edit
// the client's Config. When the test ends it checks that no log line holds
// the app secret or any token the client sent.
func newEnv(t *testing.T, opts ...func(*dingtalk.Config)) *testEnv {
	t.Helper()
	f := fakedingtalk.NewOpenAPI(t)
	f.AddUser(alice)
	f.AddUser(bob)
	logs := &logbuf.Buffer{}
	cfg := dingtalk.Config{
		APIURL:       f.URL() + "/", // a trailing slash is tolerated
		OAPIURL:      f.URL(),
		ClientID:     fakedingtalk.ClientID,
		ClientSecret: fakedingtalk.ClientSecret,
		HTTPClient:   &http.Client{Timeout: 2 * time.Second},
		Retry:        fastRetry,
		Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := dingtalk.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	env := &testEnv{fake: f, client: c, logs: logs}
	t.Cleanup(func() { env.assertNoSecretsIn(t, "logs", logs.String()) })
	return env
}

// tokensSent lists every access token the client put on the wire.
func (e *testEnv) tokensSent() []string {
	var toks []string
	for _, p := range []string{fakedingtalk.PathSignOut, fakedingtalk.PathGroupSend, fakedingtalk.PathBatchSend,
		fakedingtalk.PathDisable, fakedingtalk.PathEnable, fakedingtalk.PathStatus} {
		for _, r := range e.fake.Requests(p) {
			toks = append(toks, r.Header.Get("x-acs-dingtalk-access-token"))
		}
	}
	for _, p := range []string{fakedingtalk.PathGetByMobile, fakedingtalk.PathUserGet} {
		for _, r := range e.fake.Requests(p) {
			toks = append(toks, r.Query.Get("access_token"))
		}
	}
	if tok := e.fake.CurrentToken(); tok != "" {
		toks = append(toks, tok)
	}
	return toks
}

func (e *testEnv) assertNoSecretsIn(t *testing.T, what, text string) {
	t.Helper()
	secrets := append(e.tokensSent(), fakedingtalk.ClientSecret)
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contain a secret %q:\n%s", what, s, text)
		}
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls cond every 10 ms until it holds or the deadline passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// closedURL is an http URL on which nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func apiError(t *testing.T, err error) *dingtalk.APIError {
	t.Helper()
	var ae *dingtalk.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	return ae
}

func contextWithTimeout(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), d)
}
