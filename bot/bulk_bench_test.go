package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
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
