package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
	"github.com/signout-bot/signout-bot/redisstore"
)

// BenchmarkBulk200 signs out 200 people in one request against a fake
// DingTalk that enforces 20 calls per second per API with the real
// throttling answer, through the real client paced at dingtalk.qps 20.
// It reports the time from the confirmation to the last signOut answered
// (the physical limit is 10 s; the goal is 10.5 s), the throttling
// answers seen, and the RSS; every target must be signed out exactly once.
// Run it with -benchtime=1x: building the prompt paces 400 lookups too.
func BenchmarkBulk200(b *testing.B) {
	const n = 200
	for range b.N {
		b.StopTimer()
		h := newHarness(b, func(o *bot.Options) {
			o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
			o.Parse.MaxTargets = n
		})
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("bulk%03d", i)
			h.api.AddUser(fakedingtalk.FakeUser{UserID: ids[i], Name: "Person " + ids[i], Exclusive: true})
		}
		h.api.LimitQPS(20)
		c := &nullConversation{}
		asked := time.Now()
		h.handle(slackMsg(invoker, "/signout "+strings.Join(ids, ",")+" credential dump"), c)
		if len(c.prompt.Targets) != n {
			b.Fatalf("prompt for %d targets", len(c.prompt.Targets))
		}
		promptTook := time.Since(asked)
		before := h.api.Throttled()
		b.StartTimer()
		start := time.Now()
		h.engine.Confirm(context.Background(), bot.Action{Platform: bot.Slack, User: invoker, Conversation: channel, Code: c.prompt.Code}, c)
		took := time.Since(start)
		b.StopTimer()
		seen := map[string]int{}
		for _, so := range h.signOuts() {
			seen[so.UserID]++
		}
		for _, id := range ids {
			if seen[id] != 1 {
				b.Fatalf("%s signed out %d times", id, seen[id])
			}
		}
		b.ReportMetric(took.Seconds(), "s-confirm-to-last")
		b.ReportMetric(float64(h.api.Throttled(fakedingtalk.PathSignOut)), "throttled-signOut")
		b.ReportMetric(float64(h.api.Throttled()-before), "throttled-during-run")
		b.ReportMetric(promptTook.Seconds(), "s-command-to-prompt")
		b.ReportMetric(float64(h.api.Throttled()), "throttled-total")
		b.ReportMetric(float64(rss(b))/(1<<20), "RSS-MB")
	}
}

// BenchmarkBulkTwoReplicas runs two requests of 50 at once, one on each of
// two replicas sharing one Redis, against one fake DingTalk enforcing 20
// calls per second per API: the replicas share DingTalk's budget through
// the store (redisstore.Limiter), so nothing is throttled and the 100
// sign-outs take about 5 s. Run it with -benchtime=1x.
func BenchmarkBulkTwoReplicas(b *testing.B) {
	const n = 50
	for range b.N {
		b.StopTimer()
		store := benchRedis(b).(*redisstore.Store)
		var api *fakedingtalk.OpenAPI
		replica := func() *harness {
			return newHarnessWithClient(b, func(c *dingtalk.Config) {
				if api != nil {
					*c = api.ClientConfig() // both replicas call one DingTalk
				}
				c.Limiters = func(op string) dingtalk.Limiter { return store.Limiter(op, 20) }
			}, func(o *bot.Options) {
				o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
				o.Store, o.Parse.MaxTargets = store, n
			})
		}
		a := replica()
		api = a.api
		r2 := replica()
		lists := [2][]string{}
		for i := range 2 * n {
			id := fmt.Sprintf("two%03d", i)
			api.AddUser(fakedingtalk.FakeUser{UserID: id, Name: "Person " + id, Exclusive: true})
			lists[i%2] = append(lists[i%2], id)
		}
		api.LimitQPS(20)
		prompts := [2]*nullConversation{{}, {}}
		for i, h := range []*harness{a, r2} {
			h.handle(slackMsg(invoker, "/signout "+strings.Join(lists[i], ",")+" phishing wave"), prompts[i])
		}
		before := api.Throttled()
		b.StartTimer()
		start := time.Now()
		var wg sync.WaitGroup
		for i, h := range []*harness{a, r2} {
			wg.Go(func() {
				h.engine.Confirm(context.Background(), bot.Action{Platform: bot.Slack, User: invoker, Conversation: channel, Code: prompts[i].prompt.Code}, prompts[i])
			})
		}
		wg.Wait()
		took := time.Since(start)
		b.StopTimer()
		seen := map[string]int{}
		for _, so := range api.SignOuts() {
			seen[so.UserID]++
		}
		for _, l := range lists {
			for _, id := range l {
				if seen[id] != 1 {
					b.Fatalf("%s signed out %d times", id, seen[id])
				}
			}
		}
		b.ReportMetric(took.Seconds(), "s-both-runs")
		b.ReportMetric(float64(api.Throttled()-before), "throttled-during-runs")
		b.ReportMetric(float64(rss(b))/(1<<20), "RSS-MB")
	}
}
