package slackbot_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
	"github.com/signout-bot/signout-bot/internal/fakeslack"
	"github.com/signout-bot/signout-bot/slackbot"
)

func TestHappyPath(t *testing.T) {
	h := connected(t)
	env, cmdResp := h.slash(invoker, "alice lost laptop")
	h.acked(env)

	prompt := h.response(cmdResp, 1)
	if prompt.ResponseType != "ephemeral" || prompt.ReplaceOriginal {
		t.Fatalf("prompt must be ephemeral: %s", prompt.Body)
	}
	bs := buttons(t, prompt.Blocks)
	if len(bs) != 3 || bs[0].ActionID != slackbot.ActionConfirm || bs[0].Style != "danger" || bs[1].ActionID != slackbot.ActionCancel ||
		bs[2].ActionID != slackbot.ActionConfirmDisable || bs[2].Value != bs[0].Value || bs[2].Label != "Sign out and disable" ||
		bs[0].Value == "" || bs[0].Value != bs[1].Value || bs[0].Label != "Sign out" || bs[1].Label != "Cancel" {
		t.Fatalf("prompt buttons %+v", bs)
	}
	mustContain(t, "prompt", allText(t, prompt.Text, prompt.Blocks),
		"Alice Liddell (alice)", "Engineer", "lost laptop", "06:02 UTC, in 2m0s", "req-", "/signout confirm "+bs[0].Value)
	mustContain(t, "prompt fallback text", prompt.Text, "Alice Liddell (alice)", "lost laptop")

	clickEnv, clickResp := h.click(invoker, slackbot.ActionConfirm, bs[0].Value)
	h.acked(clickEnv)
	replaced := h.response(clickResp, 1)
	if !replaced.ReplaceOriginal || len(buttons(t, replaced.Blocks)) != 0 {
		t.Fatalf("the prompt must be replaced without buttons: %s", replaced.Body)
	}
	mustContain(t, "progress", replaced.Text, "Signing out Alice Liddell (alice)")

	post := h.post(1)
	if post.Form.Get("channel") != channel || post.Form.Get("thread_ts") != "" {
		t.Fatalf("result posted to %v", post.Form)
	}
	mustContain(t, "result", allText(t, post.Form.Get("text"), json.RawMessage(post.Form.Get("blocks"))),
		"Signed out Alice Liddell (alice)", "lost laptop", "<@"+invoker+">")

	so := h.dingtalk.SignOuts()
	if len(so) != 1 || so[0].UserID != "alice" || so[0].Reason != "lost laptop" || len(h.signOutRequests()) != 1 {
		t.Fatalf("signOut requests %+v", so)
	}
	if got := h.events(); !slices.Equal(got, []string{audit.Requested, audit.Confirmed, audit.Succeeded}) {
		t.Fatalf("audit %v", got)
	}
}

func TestUnauthorizedInvoker(t *testing.T) {
	h := connected(t)
	env, resp := h.slash(stranger, "alice lost laptop")
	h.acked(env)
	r := h.response(resp, 1)
	if r.ResponseType != "ephemeral" || len(buttons(t, r.Blocks)) != 0 {
		t.Fatalf("refusal %s", r.Body)
	}
	mustContain(t, "refusal", r.Text, "not on the allow-list")
	if got := h.events(); !slices.Equal(got, []string{audit.Denied}) {
		t.Fatalf("audit %v", got)
	}
	if n := len(h.signOutRequests()); n != 0 {
		t.Fatalf("%d signOut requests", n)
	}
}

func TestClickByAnotherUser(t *testing.T) {
	h := connected(t)
	code, _ := h.prompt("alice lost laptop")
	env, resp := h.click(stranger, slackbot.ActionConfirm, code)
	h.acked(env)
	r := h.response(resp, 1)
	if r.ReplaceOriginal || r.ResponseType != "ephemeral" {
		t.Fatalf("a refusal must go to the clicker alone, leaving the prompt: %s", r.Body)
	}
	// Someone not on the allow-list is answered as for an unknown code.
	mustContain(t, "refusal", r.Text, "No pending request has code "+code)
	if n := len(h.signOutRequests()); n != 0 {
		t.Fatalf("%d signOut requests after a stranger's click", n)
	}
	// The prompt is still good for the invoker.
	env, resp = h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env)
	if r := h.response(resp, 1); !r.ReplaceOriginal {
		t.Fatalf("invoker's click: %s", r.Body)
	}
	h.post(1)
	if n := len(h.dingtalk.SignOuts()); n != 1 {
		t.Fatalf("%d sign-outs", n)
	}
}

func TestDoubleClickSignsOutOnce(t *testing.T) {
	h := connected(t)
	code, _ := h.prompt("alice lost laptop")
	env1, resp1 := h.click(invoker, slackbot.ActionConfirm, code)
	env2, resp2 := h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env1)
	h.acked(env2)
	h.post(1)
	r1, r2 := h.response(resp1, 1), h.response(resp2, 1)
	if r1.ReplaceOriginal == r2.ReplaceOriginal {
		t.Fatalf("one click must win (replace), the other be told: %s / %s", r1.Body, r2.Body)
	}
	loser := r1
	if r1.ReplaceOriginal {
		loser = r2
	}
	mustContain(t, "second click", loser.Text, "already confirmed")
	if n := len(h.signOutRequests()); n != 1 {
		t.Fatalf("%d signOut requests, want exactly 1", n)
	}
	// A third click, after the result, is refused too.
	env3, resp3 := h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env3)
	mustContain(t, "third click", h.response(resp3, 1).Text, "already confirmed")
	if n := len(h.signOutRequests()); n != 1 {
		t.Fatalf("%d signOut requests, want exactly 1", n)
	}
}

func TestExpiredPrompt(t *testing.T) {
	h := connected(t)
	code, _ := h.prompt("alice lost laptop")
	h.clock.Advance(ttl + time.Second)
	env, resp := h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env)
	r := h.response(resp, 1)
	if !r.ReplaceOriginal || len(buttons(t, r.Blocks)) != 0 {
		t.Fatalf("an expired prompt must be replaced: %s", r.Body)
	}
	mustContain(t, "expiry", r.Text, "expired")
	if n := len(h.signOutRequests()); n != 0 {
		t.Fatalf("%d signOut requests after expiry", n)
	}
	if got := h.events(); !slices.Equal(got, []string{audit.Requested, audit.Expired}) {
		t.Fatalf("audit %v", got)
	}
	// Clicking again is told it expired, privately.
	env, resp = h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env)
	mustContain(t, "late click", h.response(resp, 1).Text, "expired")
}

// TestShutdownClosesPrompt: a pending prompt is replaced through the
// command's response_url when the bot stops before it is confirmed.
func TestShutdownClosesPrompt(t *testing.T) {
	h := connected(t)
	_, cmdResp := h.prompt("alice lost laptop")
	if err := h.engine.Shutdown(h.ctx()); err != nil {
		t.Fatal(err)
	}
	r := h.response(cmdResp, 2)
	if !r.ReplaceOriginal || len(buttons(t, r.Blocks)) != 0 {
		t.Fatalf("the prompt must be replaced: %s", r.Body)
	}
	mustContain(t, "restart notice", r.Text, "expired", "stopped")
}

func TestCancel(t *testing.T) {
	h := connected(t)
	code, _ := h.prompt("alice lost laptop")
	env, resp := h.click(invoker, slackbot.ActionCancel, code)
	h.acked(env)
	r := h.response(resp, 1)
	if !r.ReplaceOriginal || len(buttons(t, r.Blocks)) != 0 {
		t.Fatalf("cancel must replace the prompt: %s", r.Body)
	}
	mustContain(t, "cancel", r.Text, "Cancelled")
	// Confirming after cancelling does nothing.
	env, resp = h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env)
	mustContain(t, "confirm after cancel", h.response(resp, 1).Text, "cancelled")
	if n := len(h.signOutRequests()); n != 0 {
		t.Fatalf("%d signOut requests", n)
	}
	if got := h.events(); !slices.Equal(got, []string{audit.Requested, audit.Cancelled}) {
		t.Fatalf("audit %v", got)
	}
}

func TestProtectedTarget(t *testing.T) {
	h := connected(t)
	env, resp := h.slash(invoker, "ceo001 lost laptop")
	h.acked(env)
	r := h.response(resp, 1)
	if len(buttons(t, r.Blocks)) != 0 || r.ResponseType != "ephemeral" {
		t.Fatalf("protected target: %s", r.Body)
	}
	mustContain(t, "refusal", r.Text, "protected")
	if n := len(h.signOutRequests()); n != 0 {
		t.Fatalf("%d signOut requests", n)
	}
}

func TestDingTalkUserNotExist(t *testing.T) {
	h := connected(t)
	code, cmdResp := h.prompt("ghost lost laptop")
	mustContain(t, "prompt", allText(t, "", h.response(cmdResp, 1).Blocks), "DingTalk does not know this userId")
	env, _ := h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env)
	post := h.post(1)
	mustContain(t, "result", post.Form.Get("text"), "Could not sign out ghost", "user.not.exist")
	recs := h.records()
	if last := recs[len(recs)-1]; last.Event != audit.Failed || last.Code != "user.not.exist" {
		t.Fatalf("audit %+v", last)
	}
}

func TestDingTalkSystemBusy(t *testing.T) {
	t.Run("then success", func(t *testing.T) {
		h := connected(t)
		h.dingtalk.Script(fakedingtalk.PathSignOut,
			fakedingtalk.Response{Status: 503, Body: `{"code":"system.busy","message":"busy","requestid":"R1"}`})
		code, _ := h.prompt("alice lost laptop")
		env, _ := h.click(invoker, slackbot.ActionConfirm, code)
		h.acked(env)
		mustContain(t, "result", h.post(1).Form.Get("text"), "Signed out Alice Liddell (alice)")
		if n, ok := len(h.signOutRequests()), len(h.dingtalk.SignOuts()); n != 2 || ok != 1 {
			t.Fatalf("%d signOut attempts, %d accepted; want 2 and 1", n, ok)
		}
	})
	t.Run("persistently", func(t *testing.T) {
		h := connected(t)
		busy := fakedingtalk.Response{Status: 503, Body: `{"code":"system.busy","message":"busy","requestid":"R2"}`}
		h.dingtalk.Script(fakedingtalk.PathSignOut, busy, busy, busy)
		code, _ := h.prompt("alice lost laptop")
		env, _ := h.click(invoker, slackbot.ActionConfirm, code)
		h.acked(env)
		mustContain(t, "result", h.post(1).Form.Get("text"), "Could not sign out Alice Liddell (alice)", "system.busy")
		if n := len(h.dingtalk.SignOuts()); n != 0 {
			t.Fatalf("%d sign-outs", n)
		}
	})
}

// TestEscaping: a reason full of Slack markup reaches DingTalk as typed
// but can never ping, mention or link in Slack.
func TestEscaping(t *testing.T) {
	h := connected(t)
	// As Slack delivers it: real mentions and links in <…>, typed & < > escaped.
	typed := "alice <!channel> <!here|here> <@U0VICTIM> <https://evil.example/x|click here> &amp; &lt;b&gt;bold&lt;/b&gt;"
	code, cmdResp := h.prompt(typed)
	prompt := h.response(cmdResp, 1)
	reason := "<!channel> <!here|here> <@U0VICTIM> <https://evil.example/x|click here> & <b>bold</b>"
	escaped := "&lt;!channel&gt; &lt;!here|here&gt; &lt;@U0VICTIM&gt; &lt;https://evil.example/x|click here&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
	checkSafe(t, "prompt", prompt.Text, prompt.Blocks, escaped)
	mustContain(t, "prompt fallback text", prompt.Text, escaped)

	env, _ := h.click(invoker, slackbot.ActionConfirm, code)
	h.acked(env)
	post := h.post(1)
	checkSafe(t, "result", post.Form.Get("text"), json.RawMessage(post.Form.Get("blocks")), escaped)
	if post.Form.Get("parse") != "none" || post.Form.Get("link_names") != "" {
		t.Fatalf("result posted with parse=%q link_names=%q", post.Form.Get("parse"), post.Form.Get("link_names"))
	}
	mustContain(t, "result", allText(t, "", json.RawMessage(post.Form.Get("blocks"))), "<@"+invoker+">") // the bot's own, validated mention
	if so := h.dingtalk.SignOuts(); len(so) != 1 || so[0].Reason != reason {
		t.Fatalf("DingTalk got reason %+v, want %q", so, reason)
	}
}

// TestEscapingDingTalkNames: names and titles from DingTalk are user text too.
func TestEscapingDingTalkNames(t *testing.T) {
	h := connected(t)
	_, cmdResp := h.prompt("mallory phished")
	p := h.response(cmdResp, 1)
	checkSafe(t, "prompt", p.Text, p.Blocks, "&lt;!here&gt; Mallory &amp; &lt;@U0VICTIM&gt;")
	mustContain(t, "prompt", allText(t, "", p.Blocks), "&lt;https://evil.example|Admin&gt;")
}

// checkSafe asserts that no markup survives in a message: no <! or <@ or
// <http except the bot's own validated mentions, and every mrkdwn text
// object is verbatim.
func checkSafe(t *testing.T, what, fallback string, blocks json.RawMessage, wantEscaped string) {
	t.Helper()
	all := allText(t, fallback, blocks)
	mustContain(t, what, all, wantEscaped)
	for _, bad := range []string{"<!channel>", "<!here", "<@U0VICTIM", "<https://", "<b>"} {
		if strings.Contains(all, bad) { // all is decoded: the raw JSON has \u003c for <
			t.Fatalf("%s contains %q unescaped:\n%s", what, bad, all)
		}
	}
	for _, o := range texts(t, blocks) {
		if o.Type == "mrkdwn" && !o.Verbatim {
			t.Fatalf("%s: mrkdwn text without verbatim: %q", what, o.Text)
		}
	}
}

func TestMentionInThread(t *testing.T) {
	h := connected(t)
	const thread = "1700000000.000001"
	env, eventID, err := h.slack.SendMention(fakeslack.Mention{UserID: invoker, ChannelID: channel, ThreadTS: thread,
		Text: "<@" + fakeslack.BotUserID + "> signout alice lost phone"})
	if err != nil {
		t.Fatal(err)
	}
	h.acked(env)
	eph, err := h.slack.WaitCalls(h.ctx(), "chat.postEphemeral", 1)
	if err != nil {
		t.Fatal(err)
	}
	f := eph[0].Form
	if f.Get("user") != invoker || f.Get("channel") != channel || f.Get("thread_ts") != thread || !eph[0].TokenOK {
		t.Fatalf("prompt posted as %v", f)
	}
	bs := buttons(t, json.RawMessage(f.Get("blocks")))
	if len(bs) != 3 {
		t.Fatalf("buttons %+v", bs)
	}
	// Slack redelivers the same event: no second prompt.
	env2, _, err := h.slack.SendMention(fakeslack.Mention{EventID: eventID, UserID: invoker, ChannelID: channel, ThreadTS: thread,
		Text: "<@" + fakeslack.BotUserID + "> signout alice lost phone"})
	if err != nil {
		t.Fatal(err)
	}
	h.acked(env2)
	h.waitLog("redelivered event ignored")

	respID := "mention-click"
	clickEnv, err := h.slack.SendClick(fakeslack.Click{UserID: invoker, ChannelID: channel, ThreadTS: thread, Ephemeral: true,
		ActionID: slackbot.ActionConfirm, Value: bs[0].Value, ResponseURL: h.slack.ResponseURL(respID)})
	if err != nil {
		t.Fatal(err)
	}
	h.acked(clickEnv)
	if r := h.response(respID, 1); !r.ReplaceOriginal {
		t.Fatalf("click on the ephemeral prompt: %s", r.Body)
	}
	post := h.post(1)
	if post.Form.Get("channel") != channel || post.Form.Get("thread_ts") != thread {
		t.Fatalf("result posted as %v", post.Form)
	}
	mustContain(t, "result", post.Form.Get("text"), "Signed out Alice Liddell (alice)")
	if n := len(h.slack.Calls("chat.postEphemeral")); n != 1 {
		t.Fatalf("%d ephemeral posts, want 1 (the redelivery made another prompt?)", n)
	}
	if so := h.dingtalk.SignOuts(); len(so) != 1 || so[0].Reason != "lost phone" {
		t.Fatalf("sign-outs %+v", so)
	}
}

func TestMentionEdgeCases(t *testing.T) {
	h := connected(t)
	mention := "<@" + fakeslack.BotUserID + ">"
	send := func(m fakeslack.Mention) {
		t.Helper()
		m.ChannelID = channel
		env, _, err := h.slack.SendMention(m)
		if err != nil {
			t.Fatal(err)
		}
		h.acked(env)
	}
	// A bare mention gets the usage; so does an unknown word.
	send(fakeslack.Mention{UserID: invoker, Text: mention})
	send(fakeslack.Mention{UserID: invoker, Text: mention + " hello there"})
	// A bot's mention is ignored; an edited one is refused.
	send(fakeslack.Mention{UserID: "U0OTHERBOT", BotID: "B0OTHER", Text: mention + " signout alice x"})
	send(fakeslack.Mention{UserID: invoker, Text: mention + " signout alice x", Edited: true})
	calls, err := h.slack.WaitCalls(h.ctx(), "chat.postEphemeral", 3)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, c := range calls {
		if c.Form.Get("user") != invoker {
			t.Fatalf("ephemeral to %q", c.Form.Get("user"))
		}
		all = append(all, c.Form.Get("text"))
	}
	joined := strings.Join(all, "\n---\n")
	mustContain(t, "answers", joined, "/signout &lt;user&gt; &lt;reason&gt;", "unknown command", "Edited messages are not run again")
	h.waitLog("mention by a bot ignored")
	if n := len(h.records()); n != 0 {
		t.Fatalf("%d audit records, want none", n)
	}
}

func TestMalformedCommands(t *testing.T) {
	h := connected(t)
	cases := []struct{ text, want string }{
		{"", "/signout &lt;user&gt; &lt;reason&gt;"},
		{"   ", "/signout &lt;user&gt; &lt;reason&gt;"},
		{"help", "/signout &lt;user&gt; &lt;reason&gt;"},
		{"confirm", "missing code"},
		{"confirm !!", "invalid code"},
		{"alice", "missing reason"},
		{strings.Repeat("x", 20000), "too long"},
		{"confirm ZZZZ99", "No pending request has code ZZZZ99"},
	}
	for _, c := range cases {
		env, resp := h.slash(invoker, c.text)
		h.acked(env)
		r := h.response(resp, 1)
		if r.ResponseType != "ephemeral" || len(buttons(t, r.Blocks)) != 0 {
			t.Fatalf("%q: %s", c.text, r.Body)
		}
		mustContain(t, "answer to "+c.text[:min(len(c.text), 20)], r.Text, c.want)
	}
	if n := len(h.records()); n != 0 {
		t.Fatalf("%d audit records, want none", n)
	}
}

func TestHundredCommandsAtOnceAreAllAcked(t *testing.T) {
	h := connected(t)
	const n = 100
	ids := make([]string, n)
	for i := range ids {
		ids[i], _ = h.slash(invoker, "alice lost laptop")
	}
	acks, err := h.slack.WaitAcks(h.ctx(), n)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, a := range acks {
		seen[a.EnvelopeID]++
		if a.Latency > 3*time.Second {
			t.Errorf("ack of %s took %v", a.EnvelopeID, a.Latency)
		}
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Fatalf("envelope %s acked %d times", id, seen[id])
		}
	}
	// And every command got its prompt.
	if err := h.slack.Wait(h.ctx(), "100 prompts", func() bool { return len(h.slack.Responses("")) >= n }); err != nil {
		t.Fatal(err)
	}
	for _, r := range h.slack.Responses("") {
		if len(buttons(t, r.Blocks)) != 3 {
			t.Fatalf("not a prompt: %s", r.Body)
		}
	}
}

// TestConcurrentClicksOnManyPrompts drives several prompts and their
// confirmations at once.
func TestConcurrentClicksOnManyPrompts(t *testing.T) {
	h := connected(t)
	const n = 10
	codes := make([]string, n)
	for i := range codes {
		codes[i], _ = h.prompt("alice lost laptop")
	}
	var envs []string
	for _, code := range codes { // back to back: the bot serves them concurrently
		env, _ := h.click(invoker, slackbot.ActionConfirm, code)
		envs = append(envs, env)
	}
	for _, env := range envs {
		h.acked(env)
	}
	h.post(n)
	if got := len(h.dingtalk.SignOuts()); got != n {
		t.Fatalf("%d sign-outs, want %d", got, n)
	}
}
