package dingtalk_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// BenchmarkSignOut measures one sign-out with a cached token against the fake
// over loopback HTTP: client encoding, transport, decoding (and the fake).
func BenchmarkSignOut(b *testing.B) {
	f := fakedingtalk.NewOpenAPI(b)
	f.AddUser(alice)
	c, err := dingtalk.New(dingtalk.Config{
		APIURL: f.URL(), OAPIURL: f.URL(),
		ClientID: fakedingtalk.ClientID, ClientSecret: fakedingtalk.ClientSecret,
		HTTPClient: &http.Client{Timeout: 5 * time.Second},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.SignOut(ctx, alice.UserID, "benchmark", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPacedSignOuts signs out 200 people at once through one client
// (default retry policy: throttling waited out for about a second) against a
// fake that enforces DingTalk's 20 calls per second with its real
// throttling answer. It reports the seconds until the last sign-out was
// answered (the physical limit at 20/s is 9.95 s after the first) and the
// throttled answers, at the client's default QPS, just under it, and at
// twice the cap.
func BenchmarkPacedSignOuts(b *testing.B) {
	const targets, cap = 200, 20
	for _, qps := range []float64{dingtalk.DefaultQPS, 19, 40} {
		b.Run(fmt.Sprintf("client_qps=%g", qps), func(b *testing.B) {
			f := fakedingtalk.NewOpenAPI(b)
			f.LimitQPS(cap)
			c, err := dingtalk.New(dingtalk.Config{
				APIURL: f.URL(), OAPIURL: f.URL(),
				ClientID: fakedingtalk.ClientID, ClientSecret: fakedingtalk.ClientSecret,
				HTTPClient: &http.Client{Timeout: 5 * time.Second},
				Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
				QPS:        qps,
			})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if _, err := c.Token(ctx); err != nil {
				b.Fatal(err)
			}
			var runs, seconds float64
			throttledBefore := f.Throttled()
			for b.Loop() {
				ids := addUsers(f, fmt.Sprintf("bulk%d", int(runs)), targets)
				start := time.Now()
				for _, err := range concurrently(ids, func(id string) error { return c.SignOut(ctx, id, "bulk", nil) }) {
					if err != nil {
						b.Fatal(err)
					}
				}
				seconds += time.Since(start).Seconds()
				runs++
			}
			if n := len(f.SignOuts()); n != targets*int(runs) {
				b.Fatalf("%d sign-outs in %v runs of %d", n, runs, targets)
			}
			b.ReportMetric(seconds/runs, "s/200-signouts")
			b.ReportMetric(float64(f.Throttled()-throttledBefore)/runs, "throttled/run")
		})
	}
}
