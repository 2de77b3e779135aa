package dingtalk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

func TestTokenFetchedOnceForConcurrentCalls(t *testing.T) {
	env := newEnv(t)
	ctx := testContext(t)
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() { errs <- env.client.SignOut(ctx, alice.UserID, "lost laptop", nil) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("SignOut: %v", err)
		}
	}
	tokReqs := env.fake.Requests(fakedingtalk.PathAccessToken)
	if len(tokReqs) != 1 {
		t.Fatalf("token fetched %d times for %d concurrent calls, want 1", len(tokReqs), n)
	}
	var body map[string]string
	if err := json.Unmarshal(tokReqs[0].Body, &body); err != nil {
		t.Fatalf("token request body %q: %v", tokReqs[0].Body, err)
	}
	if body["appKey"] != fakedingtalk.ClientID || body["appSecret"] != fakedingtalk.ClientSecret || len(body) != 2 {
		t.Errorf("token request body = %v", body)
	}
	if got := len(env.fake.SignOuts()); got != n {
		t.Errorf("fake recorded %d sign-outs, want %d", got, n)
	}
	want := env.fake.CurrentToken()
	for _, r := range env.fake.Requests(fakedingtalk.PathSignOut) {
		if got := r.Header.Get("x-acs-dingtalk-access-token"); got != want {
			t.Fatalf("signOut sent token %q, want the fetched %q", got, want)
		}
	}
}

func TestTokenRenewedBeforeExpireIn(t *testing.T) {
	env := newEnv(t)
	env.fake.SetTokenLifetime(2 * time.Second) // expireIn 2: renewed after ~1 s
	ctx := testContext(t)
	for range 2 {
		if _, err := env.client.Token(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(env.fake.Requests(fakedingtalk.PathAccessToken)); n != 1 {
		t.Fatalf("%d token fetches right after the first, want 1", n)
	}
	eventually(t, 5*time.Second, "a renewal fetch", func() bool {
		if _, err := env.client.Token(ctx); err != nil {
			t.Fatal(err)
		}
		return len(env.fake.Requests(fakedingtalk.PathAccessToken)) == 2
	})
	if first := env.fake.Requests(fakedingtalk.PathAccessToken)[0].At; time.Since(first) < 900*time.Millisecond {
		t.Errorf("token renewed %v after the first fetch, before half its 2 s life", time.Since(first))
	}
}

func TestTokenRejectedMidFlowNewAPI(t *testing.T) {
	env := newEnv(t)
	ctx := testContext(t)
	if err := env.client.SignOut(ctx, alice.UserID, "first", nil); err != nil {
		t.Fatal(err)
	}
	old := env.fake.CurrentToken()
	env.fake.ExpireTokens()
	if err := env.client.SignOut(ctx, alice.UserID, "second", nil); err != nil {
		t.Fatalf("SignOut after token expiry: %v", err)
	}
	if n := len(env.fake.Requests(fakedingtalk.PathAccessToken)); n != 2 {
		t.Errorf("%d token fetches, want 2", n)
	}
	reqs := env.fake.Requests(fakedingtalk.PathSignOut)
	if len(reqs) != 3 {
		t.Fatalf("%d signOut requests, want 3 (ok, rejected, ok)", len(reqs))
	}
	if got := reqs[1].Header.Get("x-acs-dingtalk-access-token"); got != old {
		t.Errorf("second request used %q, want the stale token", got)
	}
	if got := reqs[2].Header.Get("x-acs-dingtalk-access-token"); got == old || got != env.fake.CurrentToken() {
		t.Errorf("retry used %q, want the new token %q", got, env.fake.CurrentToken())
	}
	if n := len(env.fake.SignOuts()); n != 2 {
		t.Errorf("%d sign-outs done, want 2", n)
	}
}

func TestTokenRejectedMidFlowLegacy(t *testing.T) {
	env := newEnv(t)
	ctx := testContext(t)
	if _, err := env.client.User(ctx, alice.UserID); err != nil {
		t.Fatal(err)
	}
	env.fake.ExpireTokens()
	u, err := env.client.User(ctx, alice.UserID)
	if err != nil {
		t.Fatalf("User after token expiry: %v", err)
	}
	if u.Name != alice.Name {
		t.Errorf("name %q, want %q", u.Name, alice.Name)
	}
	reqs := env.fake.Requests(fakedingtalk.PathUserGet)
	if len(reqs) != 3 || len(env.fake.Requests(fakedingtalk.PathAccessToken)) != 2 {
		t.Fatalf("%d user/get and %d token requests, want 3 and 2", len(reqs), len(env.fake.Requests(fakedingtalk.PathAccessToken)))
	}
	if reqs[1].Query.Get("access_token") == reqs[2].Query.Get("access_token") {
		t.Error("retry after errcode 88/40014 reused the rejected token")
	}
}

func TestConcurrentRejectionsRefetchOnce(t *testing.T) {
	env := newEnv(t)
	ctx := testContext(t)
	if _, err := env.client.Token(ctx); err != nil {
		t.Fatal(err)
	}
	env.fake.ExpireTokens()
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() { errs <- env.client.SignOut(ctx, alice.UserID, "x", nil) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(env.fake.Requests(fakedingtalk.PathAccessToken)); n != 2 {
		t.Errorf("%d token fetches, want 2: one at start, one after the stale token was rejected", n)
	}
}

func TestTokenRejectedTwiceGivesUp(t *testing.T) {
	env := newEnv(t)
	invalid := fakedingtalk.Response{Status: 400, Body: `{"code":"InvalidAuthentication","requestid":"R1","message":"不合法的access_token"}`}
	env.fake.Script(fakedingtalk.PathSignOut, invalid, invalid)
	err := env.client.SignOut(testContext(t), alice.UserID, "x", nil)
	ae := apiError(t, err)
	if ae.Code != "InvalidAuthentication" || ae.HTTPStatus != 400 || ae.Temporary() {
		t.Errorf("got %+v", ae)
	}
	if !strings.Contains(ae.Explain(), "access token") {
		t.Errorf("Explain = %q", ae.Explain())
	}
	if a, b := len(env.fake.Requests(fakedingtalk.PathSignOut)), len(env.fake.Requests(fakedingtalk.PathAccessToken)); a != 2 || b != 2 {
		t.Errorf("%d signOut and %d token requests, want 2 and 2", a, b)
	}
}

func TestBadCredentials(t *testing.T) {
	const wrong = "definitely-wrong-secret"
	env := newEnv(t, func(c *dingtalk.Config) { c.ClientSecret = wrong })
	_, err := env.client.Token(testContext(t))
	if !errors.Is(err, dingtalk.ErrBadCredentials) {
		t.Fatalf("err = %v, want ErrBadCredentials", err)
	}
	ae := apiError(t, err)
	if ae.Temporary() || !strings.Contains(ae.Explain(), "Client Secret") {
		t.Errorf("Temporary=%v Explain=%q", ae.Temporary(), ae.Explain())
	}
	if strings.Contains(err.Error(), wrong) || strings.Contains(ae.Explain(), wrong) {
		t.Errorf("error shows the secret: %v", err)
	}
	if n := len(env.fake.Requests(fakedingtalk.PathAccessToken)); n != 1 {
		t.Errorf("bad credentials tried %d times, want 1", n)
	}
	// A call that needs the token fails the same way, without calling signOut.
	if err := env.client.SignOut(testContext(t), alice.UserID, "x", nil); !errors.Is(err, dingtalk.ErrBadCredentials) {
		t.Errorf("SignOut err = %v", err)
	}
	if n := len(env.fake.Requests(fakedingtalk.PathSignOut)); n != 0 {
		t.Errorf("signOut called %d times without a token", n)
	}
}

func TestTokenWaitHonoursContext(t *testing.T) {
	env := newEnv(t)
	env.fake.Script(fakedingtalk.PathAccessToken, fakedingtalk.Response{Delay: time.Minute})
	ctx, cancel := contextWithTimeout(t, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := env.client.Token(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Token returned %v after its context ended", d)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]dingtalk.Config{
		"no id":        {ClientSecret: "s3cr3t-value"},
		"no secret":    {ClientID: "id"},
		"bad api url":  {APIURL: "ftp://x", ClientID: "id", ClientSecret: "s3cr3t-value"},
		"relative url": {OAPIURL: "/oapi", ClientID: "id", ClientSecret: "s3cr3t-value"},
		"query in url": {APIURL: "https://api.dingtalk.com?access_token=abcdef", ClientID: "id", ClientSecret: "s3cr3t-value"},
	} {
		c, err := dingtalk.New(cfg)
		if err == nil {
			t.Errorf("%s: New accepted %v", name, cfg)
			continue
		}
		if c != nil || strings.Contains(err.Error(), "s3cr3t-value") || strings.Contains(err.Error(), "abcdef") {
			t.Errorf("%s: client %v, err %v", name, c, err)
		}
	}
	cfg := dingtalk.Config{ClientID: "id", ClientSecret: "s3cr3t-value"}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		if strings.Contains(s, "s3cr3t-value") {
			t.Errorf("printed Config shows the secret: %s", s)
		}
	}
}
