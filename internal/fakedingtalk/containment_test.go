package fakedingtalk_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// get sends a GET with the new-style token header and decodes the answer.
func get(t *testing.T, rawURL, token string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("x-acs-dingtalk-access-token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	return resp.StatusCode, m
}

func TestDisableEnableStatus(t *testing.T) {
	f := fakedingtalk.NewOpenAPI(t)
	f.AddUser(fakedingtalk.FakeUser{UserID: "ea", Exclusive: true, Aliases: []string{"EA"}})
	f.AddUser(fakedingtalk.FakeUser{UserID: "was-off", Exclusive: true, Disabled: true})
	f.AddUser(fakedingtalk.FakeUser{UserID: "personal"})
	tok := token(t, f)
	status := func(id string) (int, map[string]any) {
		return get(t, f.URL()+fakedingtalk.PathStatus+"?userId="+url.QueryEscape(id), tok)
	}
	if code, m := status("ea"); code != 200 || m["disable"] != false {
		t.Errorf("status before: %d %v", code, m)
	}
	if code, m := status("was-off"); code != 200 || m["disable"] != true {
		t.Errorf("status of a user added disabled: %d %v", code, m)
	}
	if code, m := post(t, f.URL()+fakedingtalk.PathDisable, tok, `{"userId":"EA","reason":"stolen"}`); code != 200 || m["result"] != true {
		t.Errorf("disable by alias: %d %v", code, m)
	}
	if code, m := status("ea"); code != 200 || m["disable"] != true || !f.Disabled("ea") {
		t.Errorf("status after disable: %d %v", code, m)
	}
	if code, m := post(t, f.URL()+fakedingtalk.PathEnable, tok, `{"userId":"ea"}`); code != 200 || m["result"] != true || f.Disabled("ea") {
		t.Errorf("enable: %d %v", code, m)
	}
	if got := f.Disables(); len(got) != 1 || got[0] != (fakedingtalk.DisableBody{UserID: "EA", Reason: "stolen"}) {
		t.Errorf("disables %+v", got)
	}
	if got := f.Enables(); !slices.Equal(got, []string{"ea"}) {
		t.Errorf("enables %v", got)
	}

	// Refusals, in DingTalk's shapes: nothing changes.
	for _, c := range []struct {
		name     string
		do       func() (int, map[string]any)
		wantCode string
	}{
		{"disable unknown", func() (int, map[string]any) {
			return post(t, f.URL()+fakedingtalk.PathDisable, tok, `{"userId":"ghost"}`)
		}, "user.not.exist"},
		{"disable personal", func() (int, map[string]any) {
			return post(t, f.URL()+fakedingtalk.PathDisable, tok, `{"userId":"personal","reason":"r"}`)
		}, "exclusive.account.only"},
		{"enable without userId", func() (int, map[string]any) {
			return post(t, f.URL()+fakedingtalk.PathEnable, tok, `{}`)
		}, "invalid.param"},
		{"status personal", func() (int, map[string]any) { return status("personal") }, "exclusive.account.only"},
		{"status without userId", func() (int, map[string]any) { return get(t, f.URL()+fakedingtalk.PathStatus, tok) }, "invalid.param"},
		{"status without token", func() (int, map[string]any) {
			return get(t, f.URL()+fakedingtalk.PathStatus+"?userId=ea", "")
		}, "AuthenticationFailed.MissingParameter"},
		{"status forged token", func() (int, map[string]any) {
			return get(t, f.URL()+fakedingtalk.PathStatus+"?userId=ea", "forged")
		}, "InvalidAuthentication"},
	} {
		if code, m := c.do(); code != 400 || m["code"] != c.wantCode || m["requestid"] == "" {
			t.Errorf("%s: %d %v, want 400 %s", c.name, code, m, c.wantCode)
		}
	}
	if len(f.Disables()) != 1 || len(f.Enables()) != 1 || f.Disabled("personal") {
		t.Error("a refused call changed an account")
	}
	// The methods are DingTalk's: status is a GET, the others POSTs.
	if code, _ := get(t, f.URL()+fakedingtalk.PathDisable, tok); code != http.StatusMethodNotAllowed {
		t.Errorf("GET disable: %d", code)
	}
	resp, err := http.Post(f.URL()+fakedingtalk.PathStatus+"?userId=ea", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST status: %d", resp.StatusCode)
	}
	if n := len(f.Requests(fakedingtalk.PathStatus)); n != 8 {
		t.Errorf("%d status requests recorded, want 8", n)
	}
}

func TestContainmentScripted(t *testing.T) {
	f := fakedingtalk.NewOpenAPI(t)
	f.AddUser(fakedingtalk.FakeUser{UserID: "ea", Exclusive: true})
	tok := token(t, f)
	f.Script(fakedingtalk.PathStatus, fakedingtalk.Response{Status: 500, Body: `{"code":"system.busy"}`})
	f.Script(fakedingtalk.PathDisable, fakedingtalk.Response{Body: `{"result":false}`})
	if code, m := get(t, f.URL()+fakedingtalk.PathStatus+"?userId=ea", tok); code != 500 || m["code"] != "system.busy" {
		t.Errorf("scripted status: %d %v", code, m)
	}
	if _, m := post(t, f.URL()+fakedingtalk.PathDisable, tok, `{"userId":"ea"}`); m["result"] != false || f.Disabled("ea") {
		t.Errorf("scripted disable: %v (disabled %v)", m, f.Disabled("ea"))
	}
}
