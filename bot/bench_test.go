package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/signout-bot/signout-bot/audit"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/redistest"
	"github.com/signout-bot/signout-bot/redisstore"
)

// nullConversation discards answers but keeps the last prompt.
type nullConversation struct{ prompt bot.Prompt }

func (c *nullConversation) Tell(context.Context, bot.Notice) error     { return nil }
func (c *nullConversation) Ask(_ context.Context, p bot.Prompt) error  { c.prompt = p; return nil }
func (c *nullConversation) Announce(context.Context, bot.Result) error { return nil }

func newBenchHarness(b *testing.B) *harness {
	return newHarness(b, func(o *bot.Options) { o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) })
}

// BenchmarkCommandToPrompt measures a sign-out command up to its prompt:
// parse, policy, user lookup over loopback HTTP, audit write with fsync.
func BenchmarkCommandToPrompt(b *testing.B) {
	h := newBenchHarness(b)
	c := &nullConversation{}
	m := slackMsg(invoker, "/signout alice lost phone")
	b.ReportAllocs()
	for b.Loop() {
		h.handle(m, c)
	}
}

// BenchmarkConfirmToSignOut measures a confirmation up to the signOut
// call's answer: claim, audit (two fsyncs), the DingTalk call over
// loopback, for each store side by side: go-cache in this process, and
// Redis (a real redis-server when one is installed or SIGNOUT_REDIS_URL
// names one; miniredis otherwise, which is slower than the real thing).
func BenchmarkConfirmToSignOut(b *testing.B) {
	b.Run("store=memory", func(b *testing.B) { benchConfirm(b, bot.NewMemoryStore()) })
	b.Run("store=redis", func(b *testing.B) { benchConfirm(b, benchRedis(b)) })
}

func benchConfirm(b *testing.B, store bot.Store) {
	// Pacing at DingTalk's 20 calls/s is not what this measures.
	unpaced := func(c *dingtalk.Config) { c.QPS = 1e6 }
	h := newHarnessWithClient(b, unpaced, func(o *bot.Options) {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		o.Store = store
	})
	c := &nullConversation{}
	m := slackMsg(invoker, "/signout alice lost phone")
	var toSignOut []time.Duration // click -> the signOut request at DingTalk
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		h.handle(m, c)
		a := bot.Action{Platform: m.Platform, User: invoker, Conversation: channel, Code: c.prompt.Code}
		b.StartTimer()
		start := time.Now()
		h.engine.Confirm(context.Background(), a, c)
		rs := h.api.Requests("/v1.0/contact/orgAccounts/signOut")
		toSignOut = append(toSignOut, rs[len(rs)-1].At.Sub(start))
	}
	slices.Sort(toSignOut)
	b.ReportMetric(float64(toSignOut[len(toSignOut)/2].Microseconds())/1000, "ms-click-to-signOut-median")
}

// benchRedis is a Redis store on a server of its own, for benchmarks.
func benchRedis(b *testing.B) bot.Store {
	url := os.Getenv("SIGNOUT_REDIS_URL")
	switch {
	case url != "":
	case redistest.Available():
		url = redistest.Server(b).URL()
	default:
		b.Log("no redis-server: using miniredis")
		url = "redis://" + miniredis.RunT(b).Addr() + "/0"
	}
	s, err := redisstore.New(redisstore.Config{URL: url, KeyPrefix: fmt.Sprintf("bench-%d:", time.Now().UnixNano())})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// countingConversation counts answers; safe for concurrent use.
type countingConversation struct{ tells, asks atomic.Int64 }

func (c *countingConversation) Tell(context.Context, bot.Notice) error {
	c.tells.Add(1)
	return nil
}
func (c *countingConversation) Ask(context.Context, bot.Prompt) error {
	c.asks.Add(1)
	return nil
}
func (c *countingConversation) Announce(context.Context, bot.Result) error { return nil }

// BenchmarkRefusalFlood sends 10 000 /signout from one user not on the
// allow-list over 10 s, each in its own goroutine as the front ends do,
// with an allowed user's command in the middle. It reports the peak heap
// and RSS of the test process, how much the audit log grew, how many
// answers the flood got, and how long the allowed command took to its
// prompt. Run it alone: go test -run '^$' -bench RefusalFlood -benchtime 1x ./bot/
func BenchmarkRefusalFlood(b *testing.B) {
	const n, over = 10000, 10 * time.Second
	for b.Loop() {
		h := newHarness(b, func(o *bot.Options) {
			o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
			o.Now = nil // real time: the windows and allowances run as in production
			o.SweepInterval = time.Second
		})
		flood := &countingConversation{}
		var peakHeap, peakRSS uint64
		sample := func() {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peakHeap = max(peakHeap, ms.HeapInuse)
			peakRSS = max(peakRSS, rss(b))
		}
		var wg sync.WaitGroup
		var allowedTook time.Duration
		tick := time.NewTicker(over / n)
		for i := range n {
			<-tick.C
			wg.Add(1)
			go func() {
				defer wg.Done()
				h.handle(slackMsg(stranger, fmt.Sprintf("/signout alice attempt %d", i)), flood)
			}()
			if i == n/2 {
				allowed := &countingConversation{}
				start := time.Now()
				h.handle(slackMsg(invoker, "/signout alice lost phone"), allowed)
				allowedTook = time.Since(start)
				if allowed.asks.Load() != 1 {
					b.Fatalf("the allowed command was not prompted (%d tells)", allowed.tells.Load())
				}
			}
			if i%100 == 0 {
				sample()
			}
		}
		tick.Stop()
		wg.Wait()
		sample()
		// Shutdown writes the repeats of the window still open.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := h.engine.Shutdown(ctx); err != nil {
			b.Fatal(err)
		}
		cancel()
		denied := 0
		for _, r := range h.records() {
			if r.Event == audit.Denied {
				denied += max(r.Count, 1)
			}
		}
		if denied != n {
			b.Fatalf("the audit accounts for %d refusals, want %d", denied, n)
		}
		st, err := os.Stat(h.auditPath)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(peakRSS)/(1<<20), "peak-RSS-MB")
		b.ReportMetric(float64(st.Size()), "audit-bytes")
		b.ReportMetric(float64(flood.tells.Load()), "flood-answers")
		b.ReportMetric(float64(allowedTook.Microseconds())/1000, "allowed-prompt-ms")
	}
}

// rss is the process's resident set size, from /proc (0 where there is none).
func rss(b *testing.B) uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
