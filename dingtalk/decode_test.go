package dingtalk

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestTokenExpiry(t *testing.T) {
	issued := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// renewAt is when oauth2's reuse source will treat the token as expired.
	renewAt := func(expireIn int64) time.Duration {
		return tokenExpiry(issued, expireIn).Add(-tokenEarlyExpiry).Sub(issued)
	}
	for _, tt := range []struct {
		expireIn int64
		want     time.Duration
	}{
		{7200, 7200*time.Second - tokenEarlyExpiry},
		{600, 5 * time.Minute}, // exactly 2 × early expiry
		{120, time.Minute},     // too short for 5 min early: renewed at half life
		{2, time.Second},
		{0, 0},
		{-5, 0},
		{1 << 62, maxExpireIn - tokenEarlyExpiry},
	} {
		if got := renewAt(tt.expireIn); got != tt.want {
			t.Errorf("expireIn %d: renewed after %v, want %v", tt.expireIn, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	in := "line1\nline2\r\x00\u202eevil\u2028" + string([]byte{0xff, 0xfe}) + strings.Repeat("长", 400)
	got := clean(in, 50)
	if strings.ContainsFunc(got, unicode.IsControl) || strings.ContainsRune(got, '\u202e') || !utf8.ValidString(got) {
		t.Errorf("clean left unsafe text: %q", got)
	}
	if n := utf8.RuneCountInString(got); n > 51 {
		t.Errorf("clean kept %d runes, want <= 51", n)
	}
	if !strings.HasPrefix(got, "line1 line2") || !strings.HasSuffix(got, "…") {
		t.Errorf("clean(%q) = %q", in[:20], got)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://oapi.dingtalk.com/topapi/v2/user/get?access_token=abc123":  "https://oapi.dingtalk.com/topapi/v2/user/get?REDACTED",
		"https://u:p@oapi.dingtalk.com/robot/sendBySession?session=s3#frag": "https://oapi.dingtalk.com/robot/sendBySession?REDACTED",
		"https://api.dingtalk.com/v1.0/contact/orgAccounts/signOut":         "https://api.dingtalk.com/v1.0/contact/orgAccounts/signOut",
		"::bad?access_token=abc123":                                         "::bad",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestThrottleWaitHonoursRetryAfter(t *testing.T) {
	c := &Client{policy: RetryPolicy{RateLimitWait: time.Second, MaxInterval: 3 * time.Second}}
	r := &response{status: 429, header: http.Header{"Retry-After": {"2"}}, body: []byte(`{}`)}
	// Each wait is the base plus up to half as much again, at random.
	within := func(what string, err error, base time.Duration) {
		t.Helper()
		for range 50 {
			got, ok := c.throttleWait(err)
			if !ok || got < base || got >= base+base/2 {
				t.Fatalf("%s: wait %v (throttled %v), want [%v, %v)", what, got, ok, base, base+base/2)
			}
		}
	}
	within("Retry-After 2", decodeAPI("x", r, nil), 2*time.Second)
	r.header.Set("Retry-After", "60")
	within("Retry-After 60, capped by MaxInterval", decodeAPI("x", r, nil), 3*time.Second)
	r.header.Del("Retry-After")
	within("no Retry-After", decodeAPI("x", r, nil), time.Second)
	legacy := &response{status: 200, header: http.Header{}, body: []byte(`{"errcode":90018,"errmsg":"qps"}`)}
	within("legacy 90018", decodeOAPI("x", legacy, nil), time.Second)
	for _, err := range []error{
		errors.New("other"),
		decodeAPI("x", &response{status: 500, header: http.Header{}, body: []byte(`{"code":"system.busy"}`)}, nil),
		decodeAPI("x", &response{status: 403, header: http.Header{}, body: []byte(`{"code":"Forbidden.AccessDenied.AccessTokenPermissionDenied"}`)}, nil),
	} {
		if got, ok := c.throttleWait(err); ok || got != 0 {
			t.Errorf("%v: throttled %v, wait %v", err, ok, got)
		}
	}
}

// FuzzDecodeError feeds arbitrary answers to both decoders. Whatever arrives,
// they must not panic, must fail on non-2xx, and must yield short one-line
// error text without the secret.
func FuzzDecodeError(f *testing.F) {
	const secret = "fuzz-secret-value"
	seeds := []string{
		`{"code":"InvalidAuthentication","requestid":"30EE8654","message":"不合法的access_token"}`,
		`{"code":"Forbidden.AccessDenied.AccessTokenPermissionDenied","requestid":"r","message":"m","accessdenieddetail":{"requiredScopes":["Contact.User.Read"]}}`,
		`{"Code":"system.busy","Message":"busy","RequestId":"X"}`,
		`{"errcode":88,"sub_code":"40014","sub_msg":"不合法的access_token","errmsg":"e","request_id":"r"}`,
		`{"errcode":"60121","sub_code":40014}`,
		`{"errcode":0,"errmsg":"ok","result":{"userid":"u"}}`,
		`{"status":1111,"wait":5,"source":"x5","punish":"deny","uuid":"u"}`,
		`<html><title>403</title></html>`,
		`{"accessdenieddetail":{"requiredScopes":"nope"},"code":{"x":1}}`,
		`[]`, `null`, `"str"`, `12`, ``, `{"result":true}`, `{"message":"` + secret + "\n\u202e" + `"}`,
	}
	for _, s := range seeds {
		for _, status := range []int{200, 400, 403, 429, 500} {
			f.Add(status, []byte(s), status%2 == 0)
		}
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, legacy bool) {
		if status < 100 || status > 599 {
			return
		}
		r := &response{status: status, header: http.Header{"X-Acs-Request-Id": {"hdr\nid"}}, body: body}
		redactBody(r, secret)
		var out struct {
			Result json.RawMessage `json:"result"`
		}
		var err error
		if legacy {
			err = decodeOAPI("fuzz", r, &out)
		} else {
			err = decodeAPI("fuzz", r, &out)
		}
		if err == nil {
			if status/100 != 2 {
				t.Fatalf("status %d decoded without error", status)
			}
			return
		}
		var ae *APIError
		if !errors.As(err, &ae) {
			t.Fatalf("decoder returned %T, want *APIError", err)
		}
		msg, explain := ae.Error(), ae.Explain()
		for _, s := range []string{msg, explain} {
			if s == "" || strings.ContainsFunc(s, unicode.IsControl) || !utf8.ValidString(s) {
				t.Fatalf("unsafe text %q", s)
			}
			if strings.Contains(s, secret) {
				t.Fatalf("secret in %q", s)
			}
		}
		if utf8.RuneCountInString(msg) > 1200 {
			t.Fatalf("error text of %d runes", utf8.RuneCountInString(msg))
		}
		_ = ae.Temporary()
		_ = errors.Is(err, ErrNotFound)
	})
}
