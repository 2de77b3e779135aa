package redistest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/internal/redistest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// tb records what Binary does instead of ending the test.
type tb struct {
	testing.TB
	skipped, failed bool
}

func (t *tb) Skipf(string, ...any)  { t.skipped = true }
func (t *tb) Fatalf(string, ...any) { t.failed = true }

func TestMissingBinaryPolicy(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, c := range []struct {
		require       string
		skip, failure bool
	}{{"", true, false}, {"1", false, true}} {
		t.Setenv(redistest.RequireEnv, c.require)
		r := &tb{TB: t}
		redistest.Binary(r)
		if r.skipped != c.skip || r.failed != c.failure {
			t.Errorf("%s=%q: skipped %v, failed %v; want %v, %v", redistest.RequireEnv, c.require, r.skipped, r.failed, c.skip, c.failure)
		}
	}
}

func TestServerStopRestartKill(t *testing.T) {
	r := redistest.Server(t)
	c := r.Client()
	ctx := context.Background()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	r.Stop()
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("PING answered after Stop")
	}
	r.Restart()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING after Restart: %v", err)
	}
	// No persistence: a restarted server is empty.
	if n, err := c.Exists(ctx, "k").Result(); err != nil || n != 0 {
		t.Fatalf("EXISTS k after restart = %d, %v; want 0", n, err)
	}
	r.Kill()
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("PING answered after Kill")
	}
}

func TestURLFromEnv(t *testing.T) {
	r := redistest.Server(t)
	t.Setenv(redistest.URLEnv, r.URL())
	if got := redistest.URL(t); got != r.URL() {
		t.Fatalf("URL = %q, want %q from %s", got, r.URL(), redistest.URLEnv)
	}
}

func TestURLStartsServer(t *testing.T) {
	t.Setenv(redistest.URLEnv, "")
	u := redistest.URL(t)
	if !strings.HasPrefix(u, "redis://127.0.0.1:") {
		t.Fatalf("URL = %q, want a loopback redis:// URL", u)
	}
}

func TestSentinelFailover(t *testing.T) {
	primary := redistest.Server(t)
	replica := redistest.Replica(t, primary)
	sentinel := redistest.Sentinel(t, primary, "main")
	sentinel.WaitMaster("main", primary)
	primary.Kill()
	sentinel.WaitMaster("main", replica)
	if err := replica.Client().Set(context.Background(), "k", "v", 0).Err(); err != nil {
		t.Fatalf("the promoted replica does not take writes: %v", err)
	}

}
