package dingtalk_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// TestNoSecretsInErrors provokes failures whose natural text would carry the
// token (legacy URLs, echoed messages) or the app secret, and checks every
// rendering of the error. newEnv also checks the logs.
func TestNoSecretsInErrors(t *testing.T) {
	closed := closedURL(t)
	tests := []struct {
		name  string
		cfg   func(*dingtalk.Config)
		setup func(env *testEnv, token string)
		call  func(env *testEnv) error
	}{
		{
			name: "legacy call, connection refused",
			cfg:  func(c *dingtalk.Config) { c.OAPIURL = closed },
			call: func(env *testEnv) error { _, err := env.client.User(testContext(t), alice.UserID); return err },
		},
		{
			name: "legacy call, timeout",
			cfg:  func(c *dingtalk.Config) { c.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond} },
			setup: func(env *testEnv, _ string) {
				slow := fakedingtalk.Response{Delay: 10 * time.Second}
				env.fake.Script(fakedingtalk.PathGetByMobile, slow, slow, slow, slow)
			},
			call: func(env *testEnv) error {
				_, err := env.client.UserIDByMobile(testContext(t), alice.Mobile)
				return err
			},
		},
		{
			name: "legacy answer echoes token and secret",
			setup: func(env *testEnv, token string) {
				env.fake.Script(fakedingtalk.PathUserGet, fakedingtalk.Response{
					Body: fmt.Sprintf(`{"errcode":400002,"errmsg":"bad access_token=%s appsecret=%s","sub_code":"%s","request_id":"%s"}`, token, fakedingtalk.ClientSecret, token, token)})
			},
			call: func(env *testEnv) error { _, err := env.client.User(testContext(t), alice.UserID); return err },
		},
		{
			name: "new-style answer echoes token and secret",
			setup: func(env *testEnv, token string) {
				env.fake.Script(fakedingtalk.PathSignOut, fakedingtalk.Response{Status: 400,
					Body: fmt.Sprintf(`{"code":"invalid.param","message":"%s %s","requestid":"x","accessdenieddetail":{"requiredScopes":["%s"]}}`, token, fakedingtalk.ClientSecret, token)})
			},
			call: func(env *testEnv) error { return env.client.SignOut(testContext(t), alice.UserID, "x", nil) },
		},
		{
			name: "non-JSON answer echoes token",
			setup: func(env *testEnv, token string) {
				env.fake.Script(fakedingtalk.PathGetByMobile, fakedingtalk.Response{Status: 403, ContentType: "text/html",
					Body: "<html>denied " + strings.Repeat("x", 100) + token + "</html>"})
			},
			call: func(env *testEnv) error {
				_, err := env.client.UserIDByMobile(testContext(t), alice.Mobile)
				return err
			},
		},
		{
			name: "token endpoint echoes the secret",
			setup: func(env *testEnv, _ string) {
				env.fake.ExpireTokens()
				env.fake.Script(fakedingtalk.PathSignOut, fakedingtalk.Response{Status: 400, Body: `{"code":"InvalidAuthentication","message":"expired"}`})
				env.fake.Script(fakedingtalk.PathAccessToken, fakedingtalk.Response{Status: 400,
					Body: `{"code":"invalidClientIdOrSecret","message":"bad secret ` + fakedingtalk.ClientSecret + `"}`})
			},
			call: func(env *testEnv) error { return env.client.SignOut(testContext(t), alice.UserID, "x", nil) },
		},
		{
			name: "token endpoint unreachable",
			cfg:  func(c *dingtalk.Config) { c.APIURL = closed },
			call: func(env *testEnv) error { _, err := env.client.Token(testContext(t)); return err },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []func(*dingtalk.Config)
			if tt.cfg != nil {
				opts = append(opts, tt.cfg)
			}
			env := newEnv(t, opts...)
			token, _ := env.client.Token(testContext(t)) // "" when the api host is down
			if tt.setup != nil {
				tt.setup(env, token)
			}
			err := tt.call(env)
			if err == nil {
				t.Fatal("want an error")
			}
			texts := []string{err.Error(), fmt.Sprintf("%v|%+v|%#v|%q", err, err, err, err)}
			for e := err; e != nil; e = errors.Unwrap(e) {
				texts = append(texts, e.Error())
			}
			var ae *dingtalk.APIError
			if errors.As(err, &ae) {
				texts = append(texts, ae.Explain(), fmt.Sprintf("%+v", *ae))
			}
			all := strings.Join(texts, "\n")
			if token != "" && strings.Contains(all, token) {
				t.Errorf("error text holds the token:\n%s", all)
			}
			if strings.Contains(all, fakedingtalk.ClientSecret) {
				t.Errorf("error text holds the app secret:\n%s", all)
			}
			env.assertNoSecretsIn(t, "error text", all)
			t.Logf("error: %v", err)
		})
	}
}

func TestClientPrintsWithoutSecret(t *testing.T) {
	env := newEnv(t)
	for _, s := range []string{fmt.Sprint(env.client), fmt.Sprintf("%+v", env.client)} {
		if strings.Contains(s, fakedingtalk.ClientSecret) {
			t.Errorf("printed client shows the secret: %s", s)
		}
	}
}
