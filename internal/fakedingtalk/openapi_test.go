package fakedingtalk_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

func post(t *testing.T, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
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
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s answered %q: %v", url, data, err)
	}
	return resp.StatusCode, m
}

func token(t *testing.T, f *fakedingtalk.OpenAPI) string {
	t.Helper()
	status, m := post(t, f.URL()+fakedingtalk.PathAccessToken, "", `{"appKey":"`+fakedingtalk.ClientID+`","appSecret":"`+fakedingtalk.ClientSecret+`"}`)
	tok, _ := m["accessToken"].(string)
	if status != 200 || tok == "" || m["expireIn"] != float64(7200) {
		t.Fatalf("token answer %d %v", status, m)
	}
	return tok
}

func TestAuthShapes(t *testing.T) {
	f := fakedingtalk.NewOpenAPI(t)
	f.AddUser(fakedingtalk.FakeUser{UserID: "u1", Exclusive: true})
	signOut := f.URL() + fakedingtalk.PathSignOut
	body := `{"userId":"u1"}`

	if status, m := post(t, f.URL()+fakedingtalk.PathAccessToken, "", `{"appKey":"ding-test-app","appSecret":"wrong"}`); status != 400 || m["code"] != "invalidClientIdOrSecret" {
		t.Errorf("bad secret: %d %v", status, m)
	}
	if status, m := post(t, signOut, "", body); status != 400 || m["code"] != "AuthenticationFailed.MissingParameter" {
		t.Errorf("no token: %d %v", status, m)
	}
	if status, m := post(t, signOut, "forged", body); status != 400 || m["code"] != "InvalidAuthentication" || m["requestid"] == "" {
		t.Errorf("forged token: %d %v", status, m)
	}
	tok := token(t, f)
	if again := token(t, f); again != tok {
		t.Errorf("a fetch within the validity gave a new token")
	}
	if status, m := post(t, signOut, tok, body); status != 200 || m["result"] != true {
		t.Errorf("valid token: %d %v", status, m)
	}
	userGet := f.URL() + fakedingtalk.PathUserGet + "?access_token="
	if status, m := post(t, userGet+"forged", "", `{"userid":"u1"}`); status != 200 || m["errcode"] != float64(88) || m["sub_code"] != "40014" {
		t.Errorf("legacy forged token: %d %v", status, m)
	}
	f.ExpireTokens()
	if status, m := post(t, signOut, tok, body); status != 400 || m["code"] != "InvalidAuthentication" {
		t.Errorf("expired token: %d %v", status, m)
	}
	if status, m := post(t, userGet+tok, "", `{"userid":"u1"}`); status != 200 || m["errcode"] != float64(88) {
		t.Errorf("legacy expired token: %d %v", status, m)
	}
	if tok2 := token(t, f); tok2 == tok {
		t.Error("token reissued after ExpireTokens")
	}
	if n := len(f.SignOuts()); n != 1 {
		t.Errorf("%d sign-outs recorded, want 1", n)
	}
}

func TestGetByMobileAndUserGet(t *testing.T) {
	f := fakedingtalk.NewOpenAPI(t)
	f.AddUser(fakedingtalk.FakeUser{UserID: "p", Mobile: "138", Name: "P"})
	f.AddUser(fakedingtalk.FakeUser{UserID: "e", Mobile: "138", Name: "E", Exclusive: true, DeptIDs: []int64{7}})
	tok := token(t, f)
	_, m := post(t, f.URL()+fakedingtalk.PathGetByMobile+"?access_token="+tok, "", `{"mobile":"138","support_exclusive_account_search":true}`)
	res, _ := m["result"].(map[string]any)
	if m["errcode"] != float64(0) || res["userid"] != "p" || len(res["exclusive_account_userid_list"].([]any)) != 1 {
		t.Errorf("getbymobile: %v", m)
	}
	_, m = post(t, f.URL()+fakedingtalk.PathGetByMobile+"?access_token="+tok, "", `{"mobile":"139"}`)
	if m["errcode"] != float64(60121) {
		t.Errorf("unknown mobile: %v", m)
	}
	_, m = post(t, f.URL()+fakedingtalk.PathUserGet+"?access_token="+tok, "", `{"userid":"e","language":"en_US"}`)
	res, _ = m["result"].(map[string]any)
	if res["name"] != "E" || res["exclusive_account"] != true || res["active"] != true || res["dept_id_list"].([]any)[0] != float64(7) {
		t.Errorf("user/get: %v", m)
	}
}

func TestSeveralEnterpriseAccountsOnOneMobile(t *testing.T) {
	f := fakedingtalk.NewOpenAPI(t)
	f.AddUser(fakedingtalk.FakeUser{UserID: "p", Mobile: "138"})
	f.AddUser(fakedingtalk.FakeUser{UserID: "e2", Mobile: "138", Exclusive: true})
	f.AddUser(fakedingtalk.FakeUser{UserID: "e1", Mobile: "138", Exclusive: true})
	_, m := post(t, f.URL()+fakedingtalk.PathGetByMobile+"?access_token="+token(t, f), "", `{"mobile":"138","support_exclusive_account_search":true}`)
	res, _ := m["result"].(map[string]any)
	if ids, _ := res["exclusive_account_userid_list"].([]any); len(ids) != 2 || ids[0] != "e1" || ids[1] != "e2" || res["userid"] != "p" {
		t.Errorf("getbymobile: %v", m)
	}
}

func TestAliasAnswersWithCanonicalUserID(t *testing.T) {
	f := fakedingtalk.NewOpenAPI(t)
	f.AddUser(fakedingtalk.FakeUser{UserID: "ceo001", Name: "Boss", Exclusive: true, Aliases: []string{"CEO001"}})
	tok := token(t, f)
	_, m := post(t, f.URL()+fakedingtalk.PathUserGet+"?access_token="+tok, "", `{"userid":"CEO001","language":"en_US"}`)
	if res, _ := m["result"].(map[string]any); res["userid"] != "ceo001" || res["name"] != "Boss" {
		t.Errorf("user/get by alias: %v", m)
	}
	if status, m := post(t, f.URL()+fakedingtalk.PathSignOut, tok, `{"userId":"CEO001"}`); status != 200 || m["result"] != true {
		t.Errorf("signOut by alias: %d %v", status, m)
	}
	if _, m := post(t, f.URL()+fakedingtalk.PathUserGet+"?access_token="+tok, "", `{"userid":"Ceo001"}`); m["errcode"] != float64(60121) {
		t.Errorf("a spelling that is no alias was found: %v", m)
	}
}

func TestScriptAndWaitRequests(t *testing.T) {
	f := fakedingtalk.NewOpenAPI(t)
	f.Script(fakedingtalk.PathSignOut, fakedingtalk.Response{Status: 500, Body: `{"code":"system.busy"}`, Header: map[string]string{"x-acs-request-id": "S1"}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		status, m := post(t, f.URL()+fakedingtalk.PathSignOut, "", `{}`)
		if status != 500 || m["code"] != "system.busy" {
			t.Errorf("scripted answer %d %v", status, m)
		}
	}()
	reqs, err := f.WaitRequests(t.Context(), fakedingtalk.PathSignOut, 1)
	if err != nil || len(reqs) != 1 || string(reqs[0].Body) != `{}` {
		t.Fatalf("WaitRequests: %v %v", reqs, err)
	}
	<-done
	// Once the script is used up the normal handler answers again.
	if status, m := post(t, f.URL()+fakedingtalk.PathSignOut, "", `{}`); status != 400 || m["code"] != "AuthenticationFailed.MissingParameter" {
		t.Errorf("after script: %d %v", status, m)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := f.WaitRequests(ctx, fakedingtalk.PathUserGet, 1); err == nil {
		t.Error("WaitRequests returned without requests")
	}
}

func TestDelayEndsWhenClientLeaves(t *testing.T) {
	f := fakedingtalk.NewOpenAPI(t)
	f.Script(fakedingtalk.PathSignOut, fakedingtalk.Response{Delay: time.Hour})
	client := &http.Client{Timeout: 50 * time.Millisecond}
	if _, err := client.Post(f.URL()+fakedingtalk.PathSignOut, "application/json", strings.NewReader(`{}`)); err == nil {
		t.Fatal("delayed request answered")
	}
	// Close waits for running handlers; it returns quickly only if the
	// delayed handler noticed the client leave.
	start := time.Now()
	f.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v: the delayed handler outlived its client", d)
	}
}

func TestSessionWebhook(t *testing.T) {
	f := fakedingtalk.NewOpenAPI(t)
	hook := f.SessionWebhookURL("s1")
	if _, m := post(t, hook, "", `{"msgtype":"text","text":{"content":"hi"}}`); m["errcode"] != float64(0) {
		t.Errorf("known session: %v", m)
	}
	if _, m := post(t, strings.Replace(hook, "s1", "s2", 1), "", `{"msgtype":"text"}`); m["errcode"] == float64(0) {
		t.Errorf("unknown session accepted: %v", m)
	}
	if got := f.SessionMessages("s1"); len(got) != 1 || !strings.Contains(string(got[0]), `"hi"`) {
		t.Errorf("messages %s", got)
	}
}
