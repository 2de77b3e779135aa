package dingtalkbot

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// burstSize is the burst that left about 2 % of frames unacknowledged with
// the SDK's default handler limit.
const burstSize = 500

// burst sends n robot messages as fast as the websocket takes them and
// returns the frame-to-ack latency of each, waiting for every reply too.
func burst(h *harness, n int, session string) []time.Duration {
	h.t.Helper()
	before := len(h.gw.Acks())
	replies := len(h.api.SessionMessages(session))
	ids := make(map[string]bool, n)
	for range n {
		id, err := h.gw.SendRobotMessage(h.ctx, h.group(manager, "help", session))
		if err != nil {
			h.t.Fatal(err)
		}
		ids[id] = true
	}
	acks, err := h.gw.WaitAcks(h.ctx, before+n)
	if err != nil {
		h.t.Fatal(err)
	}
	var lat []time.Duration
	for _, a := range acks[before:] {
		if !ids[a.MessageID()] || a.Code != 200 {
			h.t.Fatalf("unexpected ack %+v", a)
		}
		lat = append(lat, a.Latency())
	}
	h.awaitAPI("every reply", func() bool { return len(h.api.SessionMessages(session)) >= replies+n })
	slices.Sort(lat)
	return lat
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

// TestBurstIsAcknowledged sends 500 messages at once: every frame must be
// acknowledged (none left for redelivery) and quickly, and every one answered.
func TestBurstIsAcknowledged(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	lat := burst(h, burstSize, "s-burst")
	h.stop()
	p50, p99, worst := percentile(lat, 0.50), percentile(lat, 0.99), lat[len(lat)-1]
	t.Logf("frame-to-ack over %d frames: p50 %v, p99 %v, max %v", len(lat), p50, p99, worst)
	limit := time.Second // DingTalk redelivers late acks
	if raceEnabled {
		limit = 5 * time.Second
	}
	if worst > limit {
		t.Errorf("slowest ack took %v, over %v", worst, limit)
	}
	if n := len(h.engine.Calls()); n != burstSize {
		t.Errorf("engine called %d times, want %d", n, burstSize)
	}
}

// BenchmarkBurstAck reports frame-to-ack latency percentiles over bursts of
// 500 robot messages handled by the real engine.
func BenchmarkBurstAck(b *testing.B) {
	h := newHarness(b, harnessOptions{})
	var all []time.Duration
	b.ResetTimer()
	for i := range b.N {
		all = append(all, burst(h, burstSize, fmt.Sprintf("s-burst-%d", i))...)
	}
	b.StopTimer()
	slices.Sort(all)
	b.ReportMetric(float64(percentile(all, 0.50).Microseconds())/1000, "ack-p50-ms")
	b.ReportMetric(float64(percentile(all, 0.99).Microseconds())/1000, "ack-p99-ms")
	b.ReportMetric(float64(all[len(all)-1].Microseconds())/1000, "ack-max-ms")
}

// BenchmarkConfirmToSignOut reports the time from writing the confirm frame
// to the signOut request reaching DingTalk (the fake).
func BenchmarkConfirmToSignOut(b *testing.B) {
	h := newHarness(b, harnessOptions{})
	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		session := fmt.Sprintf("s-cmd-%d", i)
		h.send(h.group(manager, "/signout zhangsan lost phone", session))
		c := code(b, h.waitSession(session, 1)[0])
		b.StartTimer()
		start := time.Now()
		if _, err := h.gw.SendRobotMessage(h.ctx, h.group(manager, "confirm "+c, session+"-confirm")); err != nil {
			b.Fatal(err)
		}
		rs, err := h.api.WaitRequests(h.ctx, fakedingtalk.PathSignOut, i+1)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, rs[i].At.Sub(start))
		b.StopTimer()
		h.waitSession(session, 2) // the result, before the next round
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(percentile(lat, 0.50).Microseconds())/1000, "confirm-to-signout-p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "confirm-to-signout-p99-ms")
}
