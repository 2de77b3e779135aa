package ops

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestEndpointsOverARealSocket(t *testing.T) {
	m := NewMetrics()
	var slackUp atomic.Bool
	checks := map[string]Check{
		"slack": func(context.Context) error {
			if !slackUp.Load() {
				return errors.New("not connected")
			}
			return nil
		},
		"dingtalk token": func(context.Context) error { return nil },
	}
	srv, err := Listen("127.0.0.1:0", Handler(m, checks), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	base := "http://" + srv.Addr()

	if code, body := get(t, base+"/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("healthz %d %q", code, body)
	}
	if code, body := get(t, base+"/readyz"); code != 503 || body != "slack: not connected\n" {
		t.Fatalf("readyz while slack is down: %d %q", code, body)
	}
	slackUp.Store(true)
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("readyz when ready: %d", code)
	}

	m.Command("slack", "requested")
	m.SignOut("succeeded", 0.3)
	m.APICall("signOut", "system.busy")
	m.APIRetry("signOut")
	m.WatchConnection("slack", slackUp.Load)
	m.WatchPending(func() int { return 1 })
	m.AuditFailure()
	_, body := get(t, base+"/metrics")
	for _, want := range []string{
		`signoutbot_commands_total{outcome="requested",platform="slack"} 1`,
		`signoutbot_signout_duration_seconds_count{outcome="succeeded"} 1`,
		`signoutbot_dingtalk_api_calls_total{code="system.busy",endpoint="signOut"} 1`,
		`signoutbot_dingtalk_api_retries_total{endpoint="signOut"} 1`,
		`signoutbot_platform_connected{platform="slack"} 1`,
		`signoutbot_pending_confirmations 1`,
		`signoutbot_audit_write_failures_total 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func TestListenOnATakenPortFails(t *testing.T) {
	srv, err := Listen("127.0.0.1:0", http.NotFoundHandler(), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.ln.Close()
	if _, err := Listen(srv.Addr(), http.NotFoundHandler(), slog.Default()); err == nil || !strings.Contains(err.Error(), "http.listen") {
		t.Fatalf("want an http.listen error, got %v", err)
	}
}
