package dingtalk_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

func TestServerErrorsThenSuccess(t *testing.T) {
	env := newEnv(t)
	env.fake.Script(fakedingtalk.PathSignOut,
		fakedingtalk.Response{Status: 502, ContentType: "text/html", Body: "<html>bad gateway</html>"},
		fakedingtalk.Response{Status: 500, Body: `{"code":"system.busy","message":"系统繁忙","requestid":"R"}`},
		fakedingtalk.Response{Status: 503, Body: `{}`},
	)
	if err := env.client.SignOut(testContext(t), alice.UserID, "retry me", nil); err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	if n := len(env.fake.Requests(fakedingtalk.PathSignOut)); n != 4 {
		t.Errorf("%d attempts, want 4", n)
	}
	if got := env.fake.SignOuts(); len(got) != 1 || got[0].UserID != alice.UserID {
		t.Errorf("sign-outs %+v", got)
	}
	logs := env.logs.String()
	for _, w := range []string{"retrying", "op=signOut", "attempt=1", "attempt=3", "code=non_json", "code=system.busy"} {
		if !strings.Contains(logs, w) {
			t.Errorf("retry logs lack %q:\n%s", w, logs)
		}
	}
}

func TestRateLimitRetriedAfterWait(t *testing.T) {
	const wait = 30 * time.Millisecond
	for name, r := range map[string]fakedingtalk.Response{
		"403 QpsLimitForAppkeyAndApi": {Status: 403, Body: `{"code":"Forbidden.AccessDenied.QpsLimitForAppkeyAndApi","message":"QPS"}`},
		"403 QpsLimitForApi":          {Status: 403, Body: `{"code":"Forbidden.AccessDenied.QpsLimitForApi","message":"QPS"}`},
		"403 QpmLimitForAppkeyAndApi": {Status: 403, Body: `{"code":"Forbidden.AccessDenied.QpmLimitForAppkeyAndApi","message":"QPM"}`},
		"429 Qps":                     {Status: 429, Body: `{"code":"Forbidden.AccessDenied.QpsLimitForAppkeyAndApi","message":"QPS"}`},
		"429 other code":              {Status: 429, Body: `{"code":"send.too.fast","message":"slow down"}`},
		"429 plain text":              {Status: 429, ContentType: "text/plain", Body: "Too Many Requests"},
	} {
		t.Run(name, func(t *testing.T) {
			env := newEnv(t, func(c *dingtalk.Config) {
				c.Retry.RateLimitWait = wait
				c.Retry.MaxInterval = time.Second
			})
			env.fake.Script(fakedingtalk.PathSignOut, r)
			if err := env.client.SignOut(testContext(t), alice.UserID, "x", nil); err != nil {
				t.Fatalf("SignOut: %v", err)
			}
			reqs := env.fake.Requests(fakedingtalk.PathSignOut)
			if len(reqs) != 2 {
				t.Fatalf("%d attempts, want 2", len(reqs))
			}
			if gap := reqs[1].At.Sub(reqs[0].At); gap < wait {
				t.Errorf("retried %v after a rate limit, want >= %v", gap, wait)
			}
		})
	}
}

func TestForbiddenNotRetried(t *testing.T) {
	env := newEnv(t)
	env.fake.Script(fakedingtalk.PathSignOut, fakedingtalk.Response{Status: 403, Body: `{"code":"Forbidden.Other","message":"no"}`})
	err := env.client.SignOut(testContext(t), alice.UserID, "x", nil)
	if ae := apiError(t, err); ae.Temporary() || ae.Code != "Forbidden.Other" {
		t.Errorf("got %v (temporary %v)", err, ae.Temporary())
	}
	if n := len(env.fake.Requests(fakedingtalk.PathSignOut)); n != 1 {
		t.Errorf("a plain 403 was tried %d times", n)
	}
}

func TestTimeoutRetriedThenClearError(t *testing.T) {
	env := newEnv(t, func(c *dingtalk.Config) { c.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond} })
	slow := fakedingtalk.Response{Delay: 10 * time.Second}
	env.fake.Script(fakedingtalk.PathSignOut, slow, slow, slow, slow)
	start := time.Now()
	err := env.client.SignOut(testContext(t), alice.UserID, "x", nil)
	if err == nil {
		t.Fatal("SignOut succeeded against a hung server")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v; attempts are not bounded by the 100 ms timeout", d)
	}
	if !errors.Is(err, dingtalk.ErrNoResponse) {
		t.Errorf("err %v does not match ErrNoResponse", err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("err %v is not a timeout", err)
	}
	for _, w := range []string{"dingtalk signOut", "no response from DingTalk", "gave up after 4 attempts", "no answer within 100ms"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if n := len(env.fake.Requests(fakedingtalk.PathSignOut)); n != 4 {
		t.Errorf("%d attempts, want 4", n)
	}
	if n := len(env.fake.SignOuts()); n != 0 {
		t.Errorf("%d sign-outs recorded", n)
	}
}

func TestTimeoutThenSuccess(t *testing.T) {
	env := newEnv(t, func(c *dingtalk.Config) { c.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond} })
	env.fake.Script(fakedingtalk.PathSignOut, fakedingtalk.Response{Delay: 10 * time.Second})
	if err := env.client.SignOut(testContext(t), alice.UserID, "x", nil); err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	if n := len(env.fake.SignOuts()); n != 1 {
		t.Errorf("%d sign-outs, want 1", n)
	}
}

func TestCancelStopsRetriesDuringBackoff(t *testing.T) {
	env := newEnv(t, func(c *dingtalk.Config) {
		c.Retry = dingtalk.RetryPolicy{MaxAttempts: 10, InitialInterval: time.Minute, MaxInterval: time.Minute, MaxElapsed: time.Hour}
	})
	busy := fakedingtalk.Response{Status: 503, Body: `{"code":"system.busy","message":"busy"}`}
	env.fake.Script(fakedingtalk.PathSignOut, busy, busy)
	ctx, cancel := context.WithCancel(testContext(t))
	done := make(chan error, 1)
	go func() { done <- env.client.SignOut(ctx, alice.UserID, "x", nil) }()
	// The client logs each retry just before it starts waiting.
	if err := env.logs.Wait(testContext(t), "retrying"); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if !strings.Contains(err.Error(), "system.busy") {
			t.Errorf("err %q does not name the last failure", err)
		}
		if ae := apiError(t, err); ae.Code != "system.busy" {
			t.Errorf("last error code %q", ae.Code)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("SignOut kept waiting after its context was cancelled")
	}
	if n := len(env.fake.Requests(fakedingtalk.PathSignOut)); n != 1 {
		t.Errorf("%d attempts after cancel, want 1", n)
	}
}

func TestCancelStopsAttemptInFlight(t *testing.T) {
	env := newEnv(t)
	env.fake.Script(fakedingtalk.PathUserGet, fakedingtalk.Response{Delay: time.Minute})
	ctx, cancel := context.WithCancel(testContext(t))
	done := make(chan error, 1)
	go func() {
		_, err := env.client.User(ctx, alice.UserID)
		done <- err
	}()
	if _, err := env.fake.WaitRequests(testContext(t), fakedingtalk.PathUserGet, 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("User kept waiting after its context was cancelled")
	}
	if n := len(env.fake.Requests(fakedingtalk.PathUserGet)); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestConnectionRefusedRetried(t *testing.T) {
	env := newEnv(t, func(c *dingtalk.Config) { c.OAPIURL = closedURL(t) })
	_, err := env.client.UserIDByMobile(testContext(t), alice.Mobile)
	if !errors.Is(err, dingtalk.ErrNoResponse) || !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Fatalf("err = %v", err)
	}
	var ae *dingtalk.APIError
	if errors.As(err, &ae) {
		t.Errorf("a connection error became an APIError: %v", ae)
	}
}

func TestMaxElapsedBoundsRetries(t *testing.T) {
	env := newEnv(t, func(c *dingtalk.Config) {
		c.Retry = dingtalk.RetryPolicy{MaxAttempts: 100, InitialInterval: 20 * time.Millisecond, MaxInterval: 20 * time.Millisecond, MaxElapsed: 100 * time.Millisecond}
	})
	busy := fakedingtalk.Response{Status: 500, Body: `{"code":"system.busy"}`}
	env.fake.Script(fakedingtalk.PathSignOut, repeat(100, []fakedingtalk.Response{busy})...)
	start := time.Now()
	if err := env.client.SignOut(testContext(t), alice.UserID, "x", nil); err == nil {
		t.Fatal("want an error")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("retries ran %v, past MaxElapsed 100 ms", d)
	}
	if n := len(env.fake.Requests(fakedingtalk.PathSignOut)); n < 2 || n > 10 {
		t.Errorf("%d attempts within 100 ms at ~20 ms apart", n)
	}
}

// countingObserver records what the client reports for metrics.
type countingObserver struct {
	mu        sync.Mutex
	calls     []string
	retries   int
	throttled map[string]int
}

func (o *countingObserver) APICall(op, code string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, op+":"+code)
}

func (o *countingObserver) APIRetry(string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.retries++
}

func (o *countingObserver) APIThrottled(op string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.throttled == nil {
		o.throttled = map[string]int{}
	}
	o.throttled[op]++
}

func TestObserverSeesEveryAttempt(t *testing.T) {
	obs := &countingObserver{}
	env := newEnv(t, func(c *dingtalk.Config) { c.Observer = obs })
	env.fake.Script(fakedingtalk.PathSignOut,
		fakedingtalk.Response{Status: 500, Body: `{"code":"system.busy","message":"busy","requestid":"R"}`})
	if err := env.client.SignOut(testContext(t), alice.UserID, "x", nil); err != nil {
		t.Fatal(err)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	var signOuts []string
	for _, c := range obs.calls {
		if strings.HasPrefix(c, "signOut:") {
			signOuts = append(signOuts, c)
		}
	}
	if strings.Join(signOuts, ",") != "signOut:system.busy,signOut:ok" || obs.retries != 1 {
		t.Fatalf("calls %v retries %d", obs.calls, obs.retries)
	}
}
