package fakedingtalk_test

import (
	"net/http"
	"testing"

	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

func TestLimitQPSAnswersAsDingTalk(t *testing.T) {
	f := fakedingtalk.NewOpenAPI(t)
	f.AddUser(fakedingtalk.FakeUser{UserID: "u1", Exclusive: true})
	tok := token(t, f)
	f.Script(fakedingtalk.PathSignOut, fakedingtalk.Response{Status: 500, Body: `{"code":"system.busy"}`})
	f.LimitQPS(0) // every call throttled

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, f.URL()+fakedingtalk.PathSignOut, nil)
	req.Header.Set("x-acs-dingtalk-access-token", tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("x-acs-request-id") == "" {
		t.Errorf("throttled signOut: HTTP %d, x-acs-request-id %q", resp.StatusCode, resp.Header.Get("x-acs-request-id"))
	}
	if status, m := post(t, f.URL()+fakedingtalk.PathSignOut, tok, `{"userId":"u1"}`); status != 403 ||
		m["code"] != "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi" || m["message"] == "" || m["requestid"] == "" {
		t.Errorf("throttled signOut: %d %v", status, m)
	}
	if status, m := post(t, f.URL()+fakedingtalk.PathUserGet+"?access_token="+tok, "", `{"userid":"u1"}`); status != 200 ||
		m["errcode"] != float64(90018) || m["request_id"] == "" {
		t.Errorf("throttled legacy user/get: %d %v", status, m)
	}
	if _, m := post(t, f.SessionWebhookURL("s"), "", `{"msgtype":"text"}`); m["errcode"] != float64(0) {
		t.Errorf("a session webhook was throttled: %v", m)
	}
	if a, b, all := f.Throttled(fakedingtalk.PathSignOut), f.Throttled(fakedingtalk.PathUserGet), f.Throttled(); a != 2 || b != 1 || all != 3 {
		t.Errorf("throttled: signOut %d, user/get %d, all %d; want 2, 1, 3", a, b, all)
	}
	if n := len(f.Requests(fakedingtalk.PathSignOut)); n != 2 {
		t.Errorf("%d signOut requests recorded, want 2", n)
	}

	// Throttled calls leave the script alone; without a cap it plays.
	f.LimitQPS(-1)
	if status, m := post(t, f.URL()+fakedingtalk.PathSignOut, tok, `{"userId":"u1"}`); status != 500 || m["code"] != "system.busy" {
		t.Errorf("after the cap: %d %v, want the scripted answer", status, m)
	}
	if f.Throttled() != 0 || len(f.SignOuts()) != 0 {
		t.Errorf("throttled %d, sign-outs %v", f.Throttled(), f.SignOuts())
	}
}

// TestLimitQPSCountsPerAPIPerSecond: in each whole second of the fake's
// clock the first n calls to an API are served and the rest throttled; other
// APIs have their own count.
func TestLimitQPSCountsPerAPIPerSecond(t *testing.T) {
	const n = 3
	f := fakedingtalk.NewOpenAPI(t)
	f.AddUser(fakedingtalk.FakeUser{UserID: "u1", Exclusive: true})
	tok := token(t, f)
	f.LimitQPS(n)
	var statuses []int
	for i := range 4 * n {
		status, _ := post(t, f.URL()+fakedingtalk.PathSignOut, tok, `{"userId":"u1"}`)
		statuses = append(statuses, status)
		if i >= n {
			continue
		}
		// The first n user/get calls are served however many signOuts went before.
		if _, m := post(t, f.URL()+fakedingtalk.PathUserGet+"?access_token="+tok, "", `{"userid":"u1"}`); m["errcode"] != float64(0) {
			t.Fatalf("user/get %d throttled by signOut's calls: %v", i, m)
		}
	}
	reqs := f.Requests(fakedingtalk.PathSignOut)
	served, throttled := map[int64]int{}, 0
	for i, r := range reqs {
		sec := r.At.Unix()
		want := http.StatusOK
		if served[sec] == n {
			want = http.StatusForbidden
		}
		if statuses[i] != want {
			t.Fatalf("call %d (second %d, %d served before): HTTP %d, want %d", i, sec, served[sec], statuses[i], want)
		}
		if want == http.StatusOK {
			served[sec]++
		} else {
			throttled++
		}
	}
	if throttled == 0 || throttled != f.Throttled(fakedingtalk.PathSignOut) || len(f.SignOuts()) != len(reqs)-throttled {
		t.Errorf("%d throttled by the fake's count %d, %d sign-outs of %d calls", throttled, f.Throttled(fakedingtalk.PathSignOut), len(f.SignOuts()), len(reqs))
	}
}
