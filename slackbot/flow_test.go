package slackbot_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
	"github.com/signout-bot/signout-bot/internal/fakeslack"
	"github.com/signout-bot/signout-bot/slackbot"
)

func TestHappyPath(t *testing.T) {
	for _, tc := range []struct {
		lang            i18n.Lang
		reason          string
		signOut, cancel string   // the button labels
		prompt          []string // in the blocks, besides the typed command
		typed           string   // how to confirm by typing, before the code
		fallback        string   // the prompt's notification text
		progress        string
		result          []string
	}{
		{
			lang: i18n.EN, reason: "lost laptop", signOut: "Sign out", cancel: "Cancel",
			prompt:   []string{"*Sign out Alice Liddell (alice) from DingTalk on every device?*", "*User*\nAlice Liddell (alice)", "*Title*\nEngineer", "*Reason*\nlost laptop", "*Expires*\n06:02 UTC, in 2m0s", "*Request*\nreq-"},
			typed:    "Only you can see this. You can also type `/signout confirm ",
			fallback: "Confirm: sign out Alice Liddell (alice) from DingTalk? Reason: lost laptop. Expires 06:02 UTC, in 2m0s. Request req-",
			progress: "Signing out Alice Liddell (alice)…",
			result:   []string{"✅ Signed out Alice Liddell (alice) from DingTalk on every device.", "*Reason*\nlost laptop", "*Requested by*\n<@" + invoker + ">"},
		},
		{
			lang: i18n.ZH, reason: "笔记本电脑丢失", signOut: "强制退出", cancel: "取消",
			prompt:   []string{"*确定要将 Alice Liddell (alice) 在所有设备上强制退出钉钉登录吗？*", "*用户*\nAlice Liddell (alice)", "*职位*\nEngineer", "*原因*\n笔记本电脑丢失", "*过期时间*\n06:02 UTC（2分钟后）", "*请求编号*\nreq-"},
			typed:    "仅你可见。也可以输入 `/signout 确认 ",
			fallback: "请确认：将 Alice Liddell (alice) 强制退出钉钉登录？原因：笔记本电脑丢失。06:02 UTC（2分钟后）过期。请求编号 req-",
			progress: "正在将 Alice Liddell (alice) 强制退出登录…",
			result:   []string{"✅ 已将 Alice Liddell (alice) 在所有设备上强制退出钉钉登录。", "*原因*\n笔记本电脑丢失", "*发起人*\n<@" + invoker + ">"},
		},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
			env, cmdResp := h.slash(invoker, "alice "+tc.reason)
			h.acked(env)

			prompt := h.response(cmdResp, 1)
			if prompt.ResponseType != "ephemeral" || prompt.ReplaceOriginal {
				t.Fatalf("prompt must be ephemeral: %s", prompt.Body)
			}
			bs := buttons(t, prompt.Blocks)
			if len(bs) != 3 || bs[0].ActionID != slackbot.ActionConfirm || bs[0].Style != "danger" || bs[1].ActionID != slackbot.ActionCancel ||
				bs[2].ActionID != slackbot.ActionConfirmDisable || bs[2].Value != bs[0].Value || bs[2].Style != "danger" ||
				bs[0].Value == "" || bs[0].Value != bs[1].Value || bs[0].Label != tc.signOut || bs[1].Label != tc.cancel {
				t.Fatalf("prompt buttons %+v", bs)
			}
			mustContain(t, "prompt", allText(t, "", prompt.Blocks), append(tc.prompt, tc.typed+bs[0].Value+"`")...)
			mustContain(t, "prompt fallback text", prompt.Text, tc.fallback)
			if all := allText(t, "", prompt.Blocks); strings.Contains(all, ":warning:") {
				t.Errorf("a warning in a prompt that has none:\n%s", all)
			}

			clickEnv, clickResp := h.click(invoker, slackbot.ActionConfirm, bs[0].Value)
			h.acked(clickEnv)
			replaced := h.response(clickResp, 1)
			if !replaced.ReplaceOriginal || len(buttons(t, replaced.Blocks)) != 0 {
				t.Fatalf("the prompt must be replaced without buttons: %s", replaced.Body)
			}
			mustContain(t, "progress", replaced.Text, tc.progress)

			post := h.post(1)
			if post.Form.Get("channel") != channel || post.Form.Get("thread_ts") != "" {
				t.Fatalf("result posted to %v", post.Form)
			}
			mustContain(t, "result", allText(t, post.Form.Get("text"), json.RawMessage(post.Form.Get("blocks"))), tc.result...)

			so := h.dingtalk.SignOuts()
			if len(so) != 1 || so[0].UserID != "alice" || so[0].Reason != tc.reason || len(h.signOutRequests()) != 1 {
				t.Fatalf("signOut requests %+v", so)
			}
			if got := h.events(); !slices.Equal(got, []string{audit.Requested, audit.Confirmed, audit.Succeeded}) {
				t.Fatalf("audit %v", got)
			}
		})
	}
}

// TestTypedCommandsInEitherLanguage: "/signout confirm CODE" and
// "/signout 确认 CODE" (and cancel, 取消) work whatever the bot speaks;
// the answers are in its language.
func TestTypedCommandsInEitherLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang      i18n.Lang
		cancelled string
	}{
		{i18n.EN, "Cancelled request req-"},
		{i18n.ZH, "已取消请求 req-"},
	} {
		for _, words := range [][2]string{{"confirm", "cancel"}, {"确认", "取消"}} {
			t.Run(string(tc.lang)+"/"+words[0], func(t *testing.T) {
				h := connected(t, speaking(tc.lang))
				code, _ := h.prompt("alice lost laptop")
				env, resp := h.slash(invoker, words[0]+" "+code)
				h.acked(env)
				h.response(resp, 1) // the progress note
				h.post(1)
				code, _ = h.prompt("alice lost laptop")
				env, resp = h.slash(invoker, words[1]+" "+code)
				h.acked(env)
				mustContain(t, "cancel", h.response(resp, 1).Text, tc.cancelled)
				if got := h.events(); !slices.Equal(got, []string{audit.Requested, audit.Confirmed, audit.Succeeded, audit.Requested, audit.Cancelled}) {
					t.Fatalf("audit %v", got)
				}
				if n := len(h.dingtalk.SignOuts()); n != 1 {
					t.Fatalf("%d sign-outs", n)
				}
			})
		}
	}
}

func TestUnauthorizedInvoker(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.EN, "You may not sign people out: Slack user U0STRANGER is not on the allow-list for sign-outs. Ask the security team to add you."},
		{i18n.ZH, "你无权强制他人退出登录：Slack 用户 U0STRANGER 不在可执行强制退出的名单中。如需权限，请联系安全团队。"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
			env, resp := h.slash(stranger, "alice lost laptop")
			h.acked(env)
			r := h.response(resp, 1)
			if r.ResponseType != "ephemeral" || len(buttons(t, r.Blocks)) != 0 {
				t.Fatalf("refusal %s", r.Body)
			}
			mustContain(t, "refusal", r.Text, tc.want)
			if got := h.events(); !slices.Equal(got, []string{audit.Denied}) {
				t.Fatalf("audit %v", got)
			}
			if n := len(h.signOutRequests()); n != 0 {
				t.Fatalf("%d signOut requests", n)
			}
		})
	}
}

func TestClickByAnotherUser(t *testing.T) {
	for _, tc := range []struct {
		lang         i18n.Lang
		unknown, run string // before and after the code
	}{
		{i18n.EN, "No pending request has code ", ". It may have expired, or the bot restarted since; run /signout again."},
		{i18n.ZH, "没有确认码为 ", " 的待确认请求。该请求可能已过期，或机器人已重启；请重新发送 /signout。"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
			code, _ := h.prompt("alice lost laptop")
			env, resp := h.click(stranger, slackbot.ActionConfirm, code)
			h.acked(env)
			r := h.response(resp, 1)
			if r.ReplaceOriginal || r.ResponseType != "ephemeral" {
				t.Fatalf("a refusal must go to the clicker alone, leaving the prompt: %s", r.Body)
			}
			// Someone not on the allow-list is answered as for an unknown code.
			mustContain(t, "refusal", r.Text, tc.unknown+code+tc.run)
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
		})
	}
}

func TestDoubleClickSignsOutOnce(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		want string // after the request id
	}{
		{i18n.EN, " was already confirmed; it runs only once."},
		{i18n.ZH, " 已确认过，只会执行一次。"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
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
			mustContain(t, "second click", loser.Text, tc.want)
			if n := len(h.signOutRequests()); n != 1 {
				t.Fatalf("%d signOut requests, want exactly 1", n)
			}
			// A third click, after the result, is refused too.
			env3, resp3 := h.click(invoker, slackbot.ActionConfirm, code)
			h.acked(env3)
			mustContain(t, "third click", h.response(resp3, 1).Text, tc.want)
			if n := len(h.signOutRequests()); n != 1 {
				t.Fatalf("%d signOut requests, want exactly 1", n)
			}
		})
	}
}

func TestExpiredPrompt(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		want string // after the request id
	}{
		{i18n.EN, " has expired; nothing was done. Run /signout again."},
		{i18n.ZH, " 已过期，未执行任何操作。请重新发送 /signout。"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
			code, _ := h.prompt("alice lost laptop")
			h.clock.Advance(ttl + time.Second)
			env, resp := h.click(invoker, slackbot.ActionConfirm, code)
			h.acked(env)
			r := h.response(resp, 1)
			if !r.ReplaceOriginal || len(buttons(t, r.Blocks)) != 0 {
				t.Fatalf("an expired prompt must be replaced: %s", r.Body)
			}
			mustContain(t, "expiry", r.Text, tc.want)
			if n := len(h.signOutRequests()); n != 0 {
				t.Fatalf("%d signOut requests after expiry", n)
			}
			if got := h.events(); !slices.Equal(got, []string{audit.Requested, audit.Expired}) {
				t.Fatalf("audit %v", got)
			}
			// Clicking again is told it expired, privately.
			env, resp = h.click(invoker, slackbot.ActionConfirm, code)
			h.acked(env)
			late := h.response(resp, 1)
			if late.ReplaceOriginal {
				t.Fatalf("a late click replaced the message: %s", late.Body)
			}
			mustContain(t, "late click", late.Text, tc.want)
		})
	}
}

// TestShutdownClosesPrompt: a pending prompt is replaced through the
// command's response_url when the bot stops before it is confirmed.
func TestShutdownClosesPrompt(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		want []string // around the request id
	}{
		{i18n.EN, []string{"Request req-", " to sign out Alice Liddell (alice) expired (the bot stopped before it was confirmed); nothing was done."}},
		{i18n.ZH, []string{"将 Alice Liddell (alice) 强制退出登录的请求 req-", " 已过期（确认前机器人已停止），未执行任何操作。"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
			_, cmdResp := h.prompt("alice lost laptop")
			if err := h.engine.Shutdown(h.ctx()); err != nil {
				t.Fatal(err)
			}
			r := h.response(cmdResp, 2)
			if !r.ReplaceOriginal || len(buttons(t, r.Blocks)) != 0 {
				t.Fatalf("the prompt must be replaced: %s", r.Body)
			}
			mustContain(t, "restart notice", r.Text, tc.want...)
		})
	}
}

func TestCancel(t *testing.T) {
	for _, tc := range []struct {
		lang              i18n.Lang
		cancelled, refuse []string // around the request id
	}{
		{i18n.EN, []string{"Cancelled request req-", "; nothing was done."}, []string{"Request req-", " was cancelled; nothing was done. Run /signout again if needed."}},
		{i18n.ZH, []string{"已取消请求 req-", "，未执行任何操作。"}, []string{"请求 req-", " 已取消，未执行任何操作。如有需要，请重新发送 /signout。"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
			code, _ := h.prompt("alice lost laptop")
			env, resp := h.click(invoker, slackbot.ActionCancel, code)
			h.acked(env)
			r := h.response(resp, 1)
			if !r.ReplaceOriginal || len(buttons(t, r.Blocks)) != 0 {
				t.Fatalf("cancel must replace the prompt: %s", r.Body)
			}
			mustContain(t, "cancel", r.Text, tc.cancelled...)
			// Confirming after cancelling does nothing.
			env, resp = h.click(invoker, slackbot.ActionConfirm, code)
			h.acked(env)
			mustContain(t, "confirm after cancel", h.response(resp, 1).Text, tc.refuse...)
			if n := len(h.signOutRequests()); n != 0 {
				t.Fatalf("%d signOut requests", n)
			}
			if got := h.events(); !slices.Equal(got, []string{audit.Requested, audit.Cancelled}) {
				t.Fatalf("audit %v", got)
			}
		})
	}
}

func TestProtectedTarget(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.EN, "ceo001 is a protected account and can never be signed out by the bot"},
		{i18n.ZH, "ceo001 是受保护账号，机器人不会强制其退出"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
			env, resp := h.slash(invoker, "ceo001 lost laptop")
			h.acked(env)
			r := h.response(resp, 1)
			if len(buttons(t, r.Blocks)) != 0 || r.ResponseType != "ephemeral" {
				t.Fatalf("protected target: %s", r.Body)
			}
			mustContain(t, "refusal", r.Text, tc.want)
			if n := len(h.signOutRequests()); n != 0 {
				t.Fatalf("%d signOut requests", n)
			}
		})
	}
}

// TestDingTalkUserNotExist: DingTalk's error reaches the channel in words,
// with its code.
func TestDingTalkUserNotExist(t *testing.T) {
	for _, tc := range []struct {
		lang    i18n.Lang
		warning string
		result  []string
	}{
		{i18n.EN, ":warning: DingTalk does not know this userId; the sign-out will likely fail.",
			[]string{`❌ Could not sign out ghost: DingTalk has no user with ID "ghost" in this organisation.`, "(DingTalk code user.not.exist"}},
		{i18n.ZH, ":warning: 钉钉中没有这个 userId，强制退出很可能会失败。",
			[]string{"❌ 未能将 ghost 强制退出登录：本组织通讯录中没有 userId 为“ghost”的用户。", "（钉钉错误码 user.not.exist"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
			code, cmdResp := h.prompt("ghost lost laptop")
			mustContain(t, "prompt", allText(t, "", h.response(cmdResp, 1).Blocks), tc.warning)
			env, _ := h.click(invoker, slackbot.ActionConfirm, code)
			h.acked(env)
			post := h.post(1)
			mustContain(t, "result", post.Form.Get("text"), tc.result...)
			recs := h.records()
			if last := recs[len(recs)-1]; last.Event != audit.Failed || last.Code != "user.not.exist" {
				t.Fatalf("audit %+v", last)
			}
		})
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

// The usage's first line, as Slack shows it.
const (
	usageEN = "/signout &lt;user&gt; &lt;reason&gt;"
	usageZH = "/signout &lt;用户&gt; &lt;原因&gt;"
)

func TestMentionEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.EN, []string{usageEN, `unknown command "hello"`, "Edited messages are not run again; send the command as a new message."}},
		{i18n.ZH, []string{usageZH, "未知命令“hello”", "编辑过的消息不会再次执行；请作为新消息重新发送命令。"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := connected(t, speaking(tc.lang))
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
			mustContain(t, "answers", strings.Join(all, "\n---\n"), tc.want...)
			h.waitLog("mention by a bot ignored")
			if n := len(h.records()); n != 0 {
				t.Fatalf("%d audit records, want none", n)
			}
		})
	}
}

func TestMalformedCommands(t *testing.T) {
	cases := []struct {
		text   string
		en, zh string // in the answer
		usage  bool   // the usage follows the problem
	}{
		{"", usageEN, usageZH, true},
		{"   ", usageEN, usageZH, true},
		{"help", usageEN, usageZH, true},
		{"帮助", usageEN, usageZH, true},
		{"confirm", `missing code: send "confirm CODE" with the code from the prompt`, "缺少确认码：请发送“confirm CODE”，CODE 为提示中的确认码", true},
		{"confirm !!", `invalid code "!!": a code is 4 to 12 letters or digits`, "确认码“!!”无效：确认码为 4 到 12 位字母或数字", true},
		{"alice", "missing reason: say why, e.g. /signout alice lost phone", "缺少原因：请写明原因，例如 /signout alice 手机丢失", true},
		{strings.Repeat("x", 20000), "message is too long (20,000 bytes, at most 16,384)", "消息太长（20,000 字节，最多 16,384 字节）", true},
		{"confirm ZZZZ99", "No pending request has code ZZZZ99.", "没有确认码为 ZZZZ99 的待确认请求。", false},
	}
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			h := connected(t, speaking(lang))
			for _, c := range cases {
				want, usage := c.en, usageEN
				if lang == i18n.ZH {
					want, usage = c.zh, usageZH
				}
				env, resp := h.slash(invoker, c.text)
				h.acked(env)
				r := h.response(resp, 1)
				if r.ResponseType != "ephemeral" || len(buttons(t, r.Blocks)) != 0 {
					t.Fatalf("%q: %s", c.text, r.Body)
				}
				what := "answer to " + c.text[:min(len(c.text), 20)]
				mustContain(t, what, r.Text, want)
				if c.usage {
					mustContain(t, what, allText(t, "", r.Blocks), "```"+usage)
				}
			}
			if n := len(h.records()); n != 0 {
				t.Fatalf("%d audit records, want none", n)
			}
		})
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
