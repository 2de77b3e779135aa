package slackbot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
	"github.com/signout-bot/signout-bot/slackbot"
)

// gatedSignOuter holds the sign-out of one user until gate returns.
type gatedSignOuter struct {
	bot.SignOuter
	user string
	gate func(context.Context)
}

func (g gatedSignOuter) SignOut(ctx context.Context, userID, reason string, msg map[string]string) error {
	if userID == g.user {
		g.gate(ctx)
	}
	return g.SignOuter.SignOut(ctx, userID, reason, msg)
}

// A list over the wire: the prompt lists both people, the run shows its
// progress in one channel message (posted, then updated with chat.update)
// and ends with one summary.
func TestBulkProgressAndSummaryOverTheWire(t *testing.T) {
	var h *harness
	h = connected(t, func(o *harnessOptions) {
		o.engine = func(opt *bot.Options) {
			opt.ProgressEvery = 5 * time.Millisecond
			// bob9 waits for the progress message, so that the last count is an update of it.
			opt.SignOuter = gatedSignOuter{SignOuter: opt.SignOuter, user: "bob9", gate: func(ctx context.Context) {
				if _, err := h.slack.WaitCalls(ctx, "chat.postMessage", 1); err != nil {
					t.Error(err)
				}
			}}
		}
	})
	h.dingtalk.AddUser(fakedingtalk.FakeUser{UserID: "bob9", Name: "Bob Nine", Exclusive: true})
	env, respID := h.slash(invoker, "alice, bob9 phishing wave 2")
	h.acked(env)
	r := h.response(respID, 1)
	mustContain(t, "prompt", allText(t, "", r.Blocks), "Sign out 2 accounts", "Alice Liddell (alice)", "Bob Nine (bob9)")
	code := buttons(t, r.Blocks)[0].Value
	env, _ = h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env)

	progress := h.post(1)
	if !strings.Contains(progress.Form.Get("text"), "Signing out: 1 of 2 done") {
		t.Fatalf("progress %q", progress.Form.Get("text"))
	}
	summary := h.post(2)
	mustContain(t, "summary", allText(t, summary.Form.Get("text"), []byte(summary.Blocks())), "Signed out 2 of 2 accounts; 0 failed.")
	ups, err := h.slack.WaitCalls(h.ctx(), "chat.update", 1)
	if err != nil {
		t.Fatal(err)
	}
	if ups[0].Form.Get("ts") == "" || ups[0].Form.Get("channel") != progress.Form.Get("channel") || !strings.Contains(ups[0].Form.Get("text"), "2 of 2 done") {
		t.Fatalf("chat.update %v", ups[0].Form)
	}
	if n := len(h.dingtalk.SignOuts()); n != 2 {
		t.Fatalf("%d sign-outs", n)
	}
}
