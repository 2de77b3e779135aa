package bot_test

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// Each fault below must end with an answer to the user, a complete audit
// trail (requested, confirmed, then exactly one outcome) and no repeat.

func confirmAndWait(t *testing.T, h *harness, text string) bot.Result {
	t.Helper()
	p, cmd := h.prompt(text)
	h.click(invoker, p.Code)
	return cmd.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result
}

func TestFaultDingTalkRefusesConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close() // nothing listens here now: every dial is refused
	h := newHarnessWithClient(t, func(c *dingtalk.Config) { c.APIURL, c.OAPIURL = closed, closed })
	res := confirmAndWait(t, h, "/signout alice lost phone")
	if res.OK || !strings.Contains(en(res.Problem), "did not answer") || res.Target.UserID != "alice" {
		t.Fatalf("result %+v", res)
	}
	if got := h.events(); got != "requested,confirmed,failed" {
		t.Fatalf("audit %s", got)
	}
}

func TestFaultDingTalkHangs(t *testing.T) {
	h := newHarnessWithClient(t, func(c *dingtalk.Config) {
		c.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond}
	})
	hang := fakedingtalk.Response{Delay: time.Minute} // answers only when the client gives up
	h.api.Script("/v1.0/contact/orgAccounts/signOut", hang, hang, hang)
	res := confirmAndWait(t, h, "/signout alice lost phone")
	if res.OK || !strings.Contains(en(res.Problem), "timeout") {
		t.Fatalf("want a timeout in words, got %+v", res)
	}
	if n := len(h.api.Requests("/v1.0/contact/orgAccounts/signOut")); n != 3 {
		t.Fatalf("want 3 attempts, got %d", n)
	}
	if got := h.events(); got != "requested,confirmed,failed" {
		t.Fatalf("audit %s", got)
	}
}

func TestFaultServerErrorsOutlastRetriesThenRecover(t *testing.T) {
	h := newHarness(t)
	busy := fakedingtalk.Response{Status: 500, Body: `{"code":"system.busy","message":"busy","requestid":"RB"}`}
	h.api.Script("/v1.0/contact/orgAccounts/signOut", busy, busy, busy)
	res := confirmAndWait(t, h, "/signout alice lost phone")
	if res.OK || res.Code != "system.busy" || !strings.Contains(en(bot.ResultMsg(res)), "system.busy") {
		t.Fatalf("result %+v", res)
	}
	// DingTalk is back: a new request works, the failed one is not re-run.
	res = confirmAndWait(t, h, "/signout alice lost phone, second try")
	if !res.OK || len(h.signOuts()) != 1 {
		t.Fatalf("result %+v, signOuts %d", res, len(h.signOuts()))
	}
	if got := h.events(); got != "requested,confirmed,failed,requested,confirmed,succeeded" {
		t.Fatalf("audit %s", got)
	}
}

func TestFaultTokenExpiresMidBurst(t *testing.T) {
	h := newHarness(t)
	const n = 20
	prompts := make([]bot.Prompt, n)
	cmds := make([]*recorder, n)
	for i := range n {
		prompts[i], cmds[i] = h.prompt("/signout alice burst")
	}
	tokensBefore := len(h.api.Requests("/v1.0/oauth2/accessToken"))
	h.api.ExpireTokens()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); h.click(invoker, prompts[i].Code) }()
	}
	wg.Wait()
	for i, c := range cmds {
		if res := c.waitFor(t, "result", func(e event) bool { return e.kind == "announce" }).result; !res.OK {
			t.Fatalf("request %d: %+v", i, res)
		}
	}
	if got := len(h.signOuts()); got != n {
		t.Fatalf("%d sign-outs, want %d", got, n)
	}
	if fetched := len(h.api.Requests("/v1.0/oauth2/accessToken")) - tokensBefore; fetched != 1 {
		t.Fatalf("the burst fetched %d new tokens, want exactly 1", fetched)
	}
	recs := h.records()
	count := map[string]int{}
	for _, r := range recs {
		count[r.Event]++
	}
	if count[audit.Requested] != n || count[audit.Confirmed] != n || count[audit.Succeeded] != n || len(recs) != 3*n {
		t.Fatalf("audit counts %v", count)
	}
}
