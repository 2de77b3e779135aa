package dingtalk_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// These tests assert counts and orders only; how fast pacing goes is
// measured by BenchmarkPacedSignOuts.

// addUsers adds n Enterprise Accounts to the fake and returns their IDs.
func addUsers(f *fakedingtalk.OpenAPI, prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%03d", prefix, i)
		f.AddUser(fakedingtalk.FakeUser{UserID: ids[i], Name: ids[i], Exclusive: true})
	}
	return ids
}

// concurrently runs do for every id at once and returns the errors.
func concurrently(ids []string, do func(id string) error) []error {
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { errs[i] = do(id) })
	}
	wg.Wait()
	return errs
}

func wantNoErrors(t *testing.T, errs []error) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// signedOutOnce fails unless the fake signed out each of ids exactly once.
func signedOutOnce(t *testing.T, f *fakedingtalk.OpenAPI, ids []string) {
	t.Helper()
	var got []string
	for _, s := range f.SignOuts() {
		got = append(got, s.UserID)
	}
	slices.Sort(got)
	if !slices.Equal(got, ids) {
		t.Fatalf("signed out %v, want each of %v once", got, ids)
	}
}

// TestPacedUnderTheCapIsNeverThrottled: concurrent callers of one client
// share each API's budget, so at a QPS under the fake's cap no call is
// throttled. (At exactly the cap, network delay may bunch two calls into one
// second now and then; the benchmark reports how often.)
func TestPacedUnderTheCapIsNeverThrottled(t *testing.T) {
	obs := &countingObserver{}
	env := newEnv(t, func(c *dingtalk.Config) { c.QPS = 16; c.Observer = obs })
	env.fake.LimitQPS(20)
	ctx := testContext(t)
	ids := addUsers(env.fake, "paced", 24)
	errs := concurrently(ids, func(id string) error { return env.client.SignOut(ctx, id, "paced", nil) })
	errs = append(errs, concurrently(ids, func(id string) error { _, err := env.client.User(ctx, id); return err })...)
	wantNoErrors(t, errs)
	if n := env.fake.Throttled(); n != 0 {
		t.Errorf("the fake throttled %d calls", n)
	}
	if len(obs.throttled) != 0 {
		t.Errorf("the client saw throttling: %v", obs.throttled)
	}
	signedOutOnce(t, env.fake, ids)
	if n := len(env.fake.Requests(fakedingtalk.PathSignOut)); n != len(ids) {
		t.Errorf("%d signOut requests for %d users", n, len(ids))
	}
}

// TestThrottledAnswersRetriedToSuccess: a client paced above the fake's cap
// is throttled; every throttled call is waited out and succeeds, without
// using the ordinary retries (there are none here).
func TestThrottledAnswersRetriedToSuccess(t *testing.T) {
	obs := &countingObserver{}
	env := newEnv(t, func(c *dingtalk.Config) {
		c.QPS = 1000
		c.Observer = obs
		c.Retry.MaxAttempts = 1
		c.Retry.RateLimitWait = 50 * time.Millisecond
		c.Retry.MaxInterval = time.Second
	})
	env.fake.LimitQPS(10)
	ctx := testContext(t)
	ids := addUsers(env.fake, "burst", 20)
	wantNoErrors(t, concurrently(ids, func(id string) error { return env.client.SignOut(ctx, id, "burst", nil) }))
	signedOutOnce(t, env.fake, ids)
	throttled := env.fake.Throttled(fakedingtalk.PathSignOut)
	if throttled == 0 {
		t.Fatal("20 calls at once against a cap of 10 per second were not throttled")
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.throttled["signOut"] != throttled || obs.retries != 0 {
		t.Errorf("observer: %v throttled, %d retries; the fake throttled %d", obs.throttled, obs.retries, throttled)
	}
	if n := len(env.fake.Requests(fakedingtalk.PathSignOut)); n != len(ids)+throttled {
		t.Errorf("%d signOut requests, want %d accepted + %d throttled", n, len(ids), throttled)
	}
	var ok, limited int
	for _, c := range obs.calls {
		switch c {
		case "signOut:ok":
			ok++
		case "signOut:Forbidden.AccessDenied.QpsLimitForAppkeyAndApi":
			limited++
		}
	}
	if ok != len(ids) || limited != throttled {
		t.Errorf("observer saw %d successful and %d throttled signOut attempts, want %d and %d", ok, limited, len(ids), throttled)
	}
}

// TestThrottlingNeverExhaustsTheAttempts: throttling answers go on past
// MaxAttempts and MaxElapsed until the caller's deadline, which ends the call
// with DingTalk's answer and the deadline in the error.
func TestThrottlingNeverExhaustsTheAttempts(t *testing.T) {
	env := newEnv(t, func(c *dingtalk.Config) {
		c.Retry.RateLimitWait = 10 * time.Millisecond
		c.Retry.MaxInterval = time.Second
		c.Retry.MaxElapsed = 50 * time.Millisecond
	})
	if _, err := env.client.Token(testContext(t)); err != nil {
		t.Fatal(err)
	}
	env.fake.LimitQPS(0) // every call throttled
	ctx, cancel := context.WithTimeout(testContext(t), 500*time.Millisecond)
	defer cancel()
	err := env.client.SignOut(ctx, alice.UserID, "x", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	if ae := apiError(t, err); ae.Code != "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi" || ae.HTTPStatus != 403 {
		t.Errorf("last answer %v", ae)
	}
	n := len(env.fake.Requests(fakedingtalk.PathSignOut))
	if n <= fastRetry.MaxAttempts || n != env.fake.Throttled(fakedingtalk.PathSignOut) {
		t.Errorf("%d attempts, %d throttled; want more than MaxAttempts (%d), all throttled", n, env.fake.Throttled(), fastRetry.MaxAttempts)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("stopped after %d attempt(s)", n)) {
		t.Errorf("error %q does not count the %d attempts", err, n)
	}
}

// TestCancelStopsThrottleWait: a call waiting out a throttle stops when its
// context is cancelled, without another attempt.
func TestCancelStopsThrottleWait(t *testing.T) {
	env := newEnv(t, func(c *dingtalk.Config) {
		c.Retry.RateLimitWait = time.Hour
		c.Retry.MaxInterval = time.Hour
	})
	if _, err := env.client.Token(testContext(t)); err != nil {
		t.Fatal(err)
	}
	env.fake.LimitQPS(0) // every call throttled
	ctx, cancel := context.WithCancel(testContext(t))
	done := make(chan error, 1)
	go func() { _, err := env.client.User(ctx, alice.UserID); done <- err }()
	if err := env.logs.Wait(testContext(t), "waiting it out"); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || apiError(t, err).Code != "90018" {
			t.Errorf("err = %v, want the cancellation and the throttling answer", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("User kept waiting after its context was cancelled")
	}
	if n := len(env.fake.Requests(fakedingtalk.PathUserGet)); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

// TestTurnAfterDeadlineIsNotTaken: when the next turn under the QPS comes
// after the caller's deadline, the call fails at once, unsent, matching the
// deadline.
func TestTurnAfterDeadlineIsNotTaken(t *testing.T) {
	env := newEnv(t, func(c *dingtalk.Config) { c.QPS = 0.001 }) // one call per 1000 s
	ctx := testContext(t)
	if err := env.client.SignOut(ctx, alice.UserID, "first", nil); err != nil {
		t.Fatal(err)
	}
	err := env.client.SignOut(ctx, alice.UserID, "second", nil)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for a turn under the rate limit") {
		t.Errorf("err = %v, want the deadline while waiting for a turn", err)
	}
	if n := len(env.fake.Requests(fakedingtalk.PathSignOut)); n != 1 {
		t.Errorf("%d signOut requests, want 1", n)
	}
	// Each API has its own budget: user/get still has its turn.
	if _, err := env.client.User(ctx, alice.UserID); err != nil {
		t.Errorf("User after signOut used its budget: %v", err)
	}
}

// gate is a Limiter that counts its turns and, when closed, blocks until
// the caller's context ends.
type gate struct {
	mu      sync.Mutex
	turns   int
	closed  bool
	waiting chan struct{} // receives when a caller blocks
}

func (g *gate) Wait(ctx context.Context) error {
	g.mu.Lock()
	g.turns++
	closed := g.closed
	g.mu.Unlock()
	if !closed {
		return nil
	}
	g.waiting <- struct{}{}
	<-ctx.Done()
	return ctx.Err()
}

func (g *gate) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.turns
}

// TestLimitersPerAPIBeforeEveryAttempt: a plugged-in limiter is asked for
// each paced API by name, and waited on before every attempt of that API,
// throttled and busy ones included; other calls are not paced.
func TestLimitersPerAPIBeforeEveryAttempt(t *testing.T) {
	gates := map[string]*gate{}
	env := newEnv(t, func(c *dingtalk.Config) {
		c.Limiters = func(api string) dingtalk.Limiter {
			gates[api] = &gate{waiting: make(chan struct{}, 1)}
			return gates[api]
		}
	})
	var names []string
	for api := range gates {
		names = append(names, api)
	}
	slices.Sort(names)
	if want := []string{"disable", "enable", "getbymobile", "signOut", "status", "user/get"}; !slices.Equal(names, want) {
		t.Fatalf("limiters asked for %v, want %v", names, want)
	}
	ctx := testContext(t)
	env.fake.Script(fakedingtalk.PathSignOut,
		fakedingtalk.Response{Status: 403, Body: `{"code":"Forbidden.AccessDenied.QpsLimitForAppkeyAndApi","message":"QPS"}`},
		fakedingtalk.Response{Status: 500, Body: `{"code":"system.busy","message":"busy"}`})
	if err := env.client.SignOut(ctx, alice.UserID, "x", nil); err != nil {
		t.Fatal(err)
	}
	if err := env.client.SendGroupMessage(ctx, fakedingtalk.ClientID, "cid", "sampleText", map[string]string{"content": "hi"}); err != nil {
		t.Fatal(err)
	}
	turns := map[string]int{}
	for api, g := range gates {
		turns[api] = g.count()
	}
	if want := map[string]int{"signOut": 3, "disable": 0, "enable": 0, "getbymobile": 0, "status": 0, "user/get": 0}; !maps.Equal(turns, want) {
		t.Errorf("turns %v, want %v", turns, want)
	}

	// A limiter that never gives a turn holds the call unsent until ctx ends.
	g := gates["user/get"]
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { _, err := env.client.User(sctx, alice.UserID); done <- err }()
	<-g.waiting
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "waiting for a turn") {
		t.Errorf("err = %v, want the cancellation while waiting for a turn", err)
	}
	if n := len(env.fake.Requests(fakedingtalk.PathUserGet)); n != 0 {
		t.Errorf("%d user/get requests sent without a turn", n)
	}
}

func TestNewRejectsBadQPS(t *testing.T) {
	for _, qps := range []float64{-1, math.NaN(), math.Inf(1)} {
		_, err := dingtalk.New(dingtalk.Config{ClientID: "id", ClientSecret: "secret", QPS: qps})
		if err == nil || !strings.Contains(err.Error(), "QPS") {
			t.Errorf("QPS %v: err = %v", qps, err)
		}
	}
}
