package slackbot_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
	"github.com/signout-bot/signout-bot/internal/fakeslack"
	"github.com/signout-bot/signout-bot/slackbot"
)

// BenchmarkSlashAck measures, over the real slack-go client and the real
// engine: the ack latency of each of a burst of 500 /signout commands sent
// at once (p50, p99, max), and the time from a confirm click to DingTalk's
// signOut request.
//
//	go test -run '^$' -bench BenchmarkSlashAck -benchtime 3x ./slackbot/
func BenchmarkSlashAck(b *testing.B) {
	const burst = 500
	h := connected(b)
	var acks, clicks []time.Duration
	for b.Loop() {
		acks = append(acks, h.burst(burst)...)
		clicks = append(clicks, h.clickToSignOut())
	}
	b.ReportMetric(ms(percentile(acks, 50)), "ack-p50-ms")
	b.ReportMetric(ms(percentile(acks, 99)), "ack-p99-ms")
	b.ReportMetric(ms(percentile(acks, 100)), "ack-max-ms")
	b.ReportMetric(ms(percentile(clicks, 50)), "click-to-signout-p50-ms")
	b.ReportMetric(ms(percentile(clicks, 100)), "click-to-signout-max-ms")
	if p := percentile(acks, 100); p > 3*time.Second {
		b.Fatalf("an ack took %v, over Slack's 3 s", p)
	}
}

// burst sends n slash commands back to back and returns their ack
// latencies, once every command got its prompt.
func (h *harness) burst(n int) []time.Duration {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	before := len(h.slack.Responses(""))
	ids := make(map[string]bool, n)
	for range n {
		id, err := h.slack.SendSlash(fakeslack.Slash{ChannelID: channel, UserID: invoker, Text: "alice lost laptop",
			ResponseURL: h.slack.ResponseURL(h.nextRespID("burst"))})
		if err != nil {
			h.t.Fatal(err)
		}
		ids[id] = true
	}
	var lat []time.Duration
	err := h.slack.Wait(ctx, "the burst's acks", func() bool {
		lat = lat[:0]
		for _, a := range h.slack.Acks() {
			if ids[a.EnvelopeID] {
				lat = append(lat, a.Latency)
			}
		}
		return len(lat) == n
	})
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.slack.Wait(ctx, "the burst's prompts", func() bool { return len(h.slack.Responses("")) >= before+n }); err != nil {
		h.t.Fatal(err)
	}
	return lat
}

// clickToSignOut makes a prompt, clicks Sign out and returns the time
// until DingTalk receives the signOut request.
func (h *harness) clickToSignOut() time.Duration {
	h.t.Helper()
	code, _ := h.prompt("alice lost laptop")
	n := len(h.signOutRequests())
	start := time.Now()
	h.click(invoker, slackbot.ActionConfirm, code)
	reqs, err := h.dingtalk.WaitRequests(h.ctx(), fakedingtalk.PathSignOut, n+1)
	if err != nil {
		h.t.Fatal(err)
	}
	h.post(len(h.slack.Calls("chat.postMessage")) + 1)
	return reqs[n].At.Sub(start)
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(i-1, 0)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
