package dingtalkbot

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

func TestGroupHappyPath(t *testing.T) {
	for _, tc := range []struct {
		lang            i18n.Lang
		reason, confirm string   // what the manager types
		prompt          []string // besides the @mention
		progress        string
		resultTitle     string
		result          []string
	}{
		{
			lang: i18n.EN, reason: "lost phone", confirm: "confirm",
			prompt: []string{"**Sign out Zhang San (zhangsan) from DingTalk on every device?**", "Title: Engineer", "Reason: lost phone",
				"UTC, in ", ", request req-", "To go ahead, @mention me and send **confirm CODE**; to stop, send **cancel CODE**.",
				"Or send **confirm CODE** to me in a direct chat."},
			progress:    "Signing out Zhang San (zhangsan)…",
			resultTitle: "Signed out",
			result:      []string{"✅ Signed out Zhang San (zhangsan) from DingTalk on every device.", "Reason: lost phone", "Requested by manager4220. Request req-"},
		},
		{
			lang: i18n.ZH, reason: "手机丢失", confirm: "确认",
			prompt: []string{"**确定要将 Zhang San (zhangsan) 在所有设备上强制退出钉钉登录吗？**", "职位：Engineer", "原因：手机丢失",
				"UTC（", "后）过期，请求编号 req-", "继续请 @我 并发送 **确认 CODE**；取消请发送 **取消 CODE**。",
				"也可以在与我的单聊中发送 **确认 CODE**。", "英文命令同样有效：confirm CODE、cancel CODE。"},
			progress:    "正在将 Zhang San (zhangsan) 强制退出登录…",
			resultTitle: "已强制退出",
			result:      []string{"✅ 已将 Zhang San (zhangsan) 在所有设备上强制退出钉钉登录。", "原因：手机丢失", "发起人：manager4220。请求编号 req-"},
		},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{language: tc.lang})
			if !h.bot.Connected() {
				t.Error("not Connected() after the gateway accepted the connection")
			}
			if h.bot.Name() != "dingtalk" {
				t.Errorf("Name() = %q", h.bot.Name())
			}
			h.send(h.group(manager, "/signout zhangsan "+tc.reason, "s-cmd"))
			prompt := h.waitSession("s-cmd", 1)[0]
			c := code(t, prompt)
			if prompt.MsgType != "markdown" || !slices.Equal(prompt.At.AtUserIDs, []string{manager}) {
				t.Errorf("prompt is not a markdown @%s: %+v", manager, prompt)
			}
			for _, want := range append([]string{"@" + manager + "\n\n"}, tc.prompt...) {
				if want = withCode(want, c); !strings.Contains(prompt.text(), want) {
					t.Errorf("prompt lacks %q:\n%s", want, prompt.text())
				}
			}
			if strings.Contains(prompt.text(), "⚠️") {
				t.Errorf("a warning in a prompt that has none:\n%s", prompt.text())
			}

			h.send(h.group(manager, tc.confirm+" "+c, "s-confirm"))
			h.awaitAPI("the result in the command's conversation", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
			h.stop()

			signOuts := h.api.SignOuts()
			if len(signOuts) != 1 || signOuts[0].UserID != "zhangsan" || signOuts[0].Reason != tc.reason {
				t.Fatalf("signOuts = %+v, want one for zhangsan", signOuts)
			}
			result := h.session("s-cmd")[1]
			if result.Markdown.Title != tc.resultTitle || !slices.Equal(result.At.AtUserIDs, []string{manager}) {
				t.Errorf("result = %+v", result)
			}
			for _, want := range tc.result {
				if !strings.Contains(result.text(), want) {
					t.Errorf("result lacks %q:\n%s", want, result.text())
				}
			}
			if progress := h.session("s-confirm"); len(progress) != 1 || !strings.Contains(progress[0].text(), tc.progress) {
				t.Errorf("confirm conversation got %+v", progress)
			}
			if got := h.auditEvents(); !slices.Equal(got, []string{"requested", "confirmed", "succeeded"}) {
				t.Errorf("audit events = %q", got)
			}
			if n := len(h.api.GroupMessages()) + len(h.api.DirectMessages()); n != 0 {
				t.Errorf("%d robot API messages although the webhook worked", n)
			}
		})
	}
}

// TestDirectPromptHasDtmdButtons: in a 1:1 chat the prompt is an
// actionCard whose buttons send the typed command in the bot's language.
func TestDirectPromptHasDtmdButtons(t *testing.T) {
	for _, tc := range []struct {
		lang                      i18n.Lang
		confirm, cancel           string // what the buttons send
		confirmURL, cancelURL     string
		confirmTitle, cancelTitle string
		typed                     string // the card's typed fallback
		cancelled                 string // the answer to the cancel button
	}{
		{i18n.EN, "confirm CODE", "cancel CODE",
			"dtmd://dingtalkclient/sendMessage?content=confirm+CODE", "dtmd://dingtalkclient/sendMessage?content=cancel+CODE",
			"Confirm sign-out", "Cancel",
			"Tap **Confirm sign-out** or **Cancel** below, or type **confirm CODE** or **cancel CODE**.",
			"Cancelled request req-"},
		{i18n.ZH, "确认 CODE", "取消 CODE",
			"dtmd://dingtalkclient/sendMessage?content=%E7%A1%AE%E8%AE%A4+CODE", "dtmd://dingtalkclient/sendMessage?content=%E5%8F%96%E6%B6%88+CODE",
			"确认强制退出", "取消",
			"点击下方的 **确认强制退出** 或 **取消**，或输入 **确认 CODE** 或 **取消 CODE**。",
			"已取消请求 req-"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{language: tc.lang})
			h.send(h.direct(manager, "/signout zhangsan lost phone", "s-dm"))
			prompt := h.waitSession("s-dm", 1)[0]
			if prompt.MsgType != "actionCard" || len(prompt.ActionCard.Btns) != 2 {
				t.Fatalf("prompt = %+v, want an actionCard with two buttons", prompt)
			}
			c := code(t, prompt)
			confirm, cancel := prompt.ActionCard.Btns[0], prompt.ActionCard.Btns[1]
			if want := withCode(tc.confirmURL, c); confirm.ActionURL != want || confirm.Title != tc.confirmTitle {
				t.Errorf("confirm button %q %q, want %q %q", confirm.Title, confirm.ActionURL, tc.confirmTitle, want)
			}
			if want := withCode(tc.cancelURL, c); cancel.ActionURL != want || cancel.Title != tc.cancelTitle {
				t.Errorf("cancel button %q %q, want %q %q", cancel.Title, cancel.ActionURL, tc.cancelTitle, want)
			}
			if u, err := url.Parse(confirm.ActionURL); err != nil || u.Query().Get("content") != withCode(tc.confirm, c) {
				t.Errorf("confirm button does not decode to the typed text: %v", err)
			}
			if !strings.Contains(prompt.ActionCard.Text, withCode(tc.typed, c)) || len(prompt.At.AtUserIDs) != 0 {
				t.Errorf("card text lacks the typed fallback, or @mentions in a 1:1 chat:\n%+v", prompt)
			}

			// Tapping Cancel sends the cancel text as the user.
			u, _ := url.Parse(cancel.ActionURL)
			if got := u.Query().Get("content"); got != withCode(tc.cancel, c) {
				t.Errorf("cancel button sends %q", got)
			}
			h.send(h.direct(manager, u.Query().Get("content"), "s-dm2"))
			h.waitSession("s-dm2", 1)
			h.stop()
			if got := h.session("s-dm2")[0]; !strings.Contains(got.text(), tc.cancelled) {
				t.Errorf("cancel answered %q", got.text())
			}
			if n := len(h.api.SignOuts()); n != 0 {
				t.Errorf("%d sign-outs after cancel", n)
			}
		})
	}
}

// TestTypedWordsOfEitherLanguage: confirm, cancel, 确认 and 取消 all work
// whatever the bot speaks; the answers are in its language.
func TestTypedWordsOfEitherLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang      i18n.Lang
		cancelled string
	}{
		{i18n.EN, "Cancelled request req-"},
		{i18n.ZH, "已取消请求 req-"},
	} {
		for _, words := range [][2]string{{"confirm", "cancel"}, {"确认", "取消"}} {
			t.Run(string(tc.lang)+"/"+words[0], func(t *testing.T) {
				h := newHarness(t, harnessOptions{language: tc.lang})
				h.send(h.direct(manager, "/signout zhangsan lost phone", "s-cmd1"))
				h.send(h.direct(manager, words[0]+" "+code(t, h.waitSession("s-cmd1", 1)[0]), "s-confirm"))
				h.awaitAPI("the result", func() bool { return len(h.api.SessionMessages("s-cmd1")) >= 2 })
				h.send(h.direct(manager, "/signout lisi lost phone", "s-cmd2"))
				h.send(h.direct(manager, words[1]+" "+code(t, h.waitSession("s-cmd2", 1)[0]), "s-cancel"))
				cancelled := h.waitSession("s-cancel", 1)[0]
				h.stop()
				if so := h.api.SignOuts(); len(so) != 1 || so[0].UserID != "zhangsan" {
					t.Errorf("signOuts = %+v, want zhangsan's alone", so)
				}
				if !strings.Contains(cancelled.text(), tc.cancelled) {
					t.Errorf("cancel answered %q", cancelled.text())
				}
				if got := h.auditEvents(); !slices.Equal(got, []string{"requested", "confirmed", "succeeded", "requested", "cancelled"}) {
					t.Errorf("audit events = %q", got)
				}
			})
		}
	}
}

func TestConfirmInDirectChatForGroupRequest(t *testing.T) {
	for _, tc := range []struct {
		lang          i18n.Lang
		group, direct string // the prompt's lines
		confirm       string // typed in the direct chat
	}{
		{i18n.EN, "To go ahead, send **@signout-bot confirm CODE**; to stop, send **@signout-bot cancel CODE**.",
			"Or send **confirm CODE** to me in a direct chat.", "/signout confirm"},
		{i18n.ZH, "继续请发送 **@signout-bot 确认 CODE**；取消请发送 **@signout-bot 取消 CODE**。",
			"也可以在与我的单聊中发送 **确认 CODE**。", "/signout 确认"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{robotName: "signout-bot", language: tc.lang})
			h.send(h.group(manager, "/signout zhangsan lost phone", "s-cmd"))
			prompt := h.waitSession("s-cmd", 1)[0]
			c := code(t, prompt)
			for _, want := range []string{tc.group, tc.direct} {
				if want = withCode(want, c); !strings.Contains(prompt.text(), want) {
					t.Errorf("prompt lacks %q:\n%s", want, prompt.text())
				}
			}
			h.send(h.direct(manager, tc.confirm+" "+c, "s-dm"))
			h.awaitAPI("the result in the group", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
			h.stop()
			if n := len(h.api.SignOuts()); n != 1 {
				t.Fatalf("%d sign-outs, want 1", n)
			}
		})
	}
}

func TestOtherCorpIgnored(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	m := h.group(manager, "/signout zhangsan lost phone", "s-cmd")
	m.SenderCorpID = "dingothercorp"
	h.send(m)
	m = h.direct(manager, "help", "s-dm")
	m.SenderCorpID = ""
	h.send(m)
	h.stop()
	if calls := h.engine.Calls(); len(calls) != 0 {
		t.Errorf("engine called for another corp: %+v", calls)
	}
	if rs := h.api.Requests(fakedingtalk.PathSessionWebhook); len(rs) != 0 {
		t.Errorf("%d replies to another corp", len(rs))
	}
	if !strings.Contains(h.logs.String(), "sender_corp=dingothercorp") {
		t.Error("the ignored message was not logged")
	}
}

func TestUnauthorizedSender(t *testing.T) {
	for _, tc := range []struct {
		lang               i18n.Lang
		title, reply, anon string
	}{
		{i18n.EN, "Sign-out refused",
			"You may not sign people out: DingTalk user intern01 is not on the allow-list for sign-outs. Ask the security team to add you.",
			"You may not sign people out: the sender could not be identified."},
		{i18n.ZH, "强制退出被拒绝",
			"你无权强制他人退出登录：钉钉 用户 intern01 不在可执行强制退出的名单中。如需权限，请联系安全团队。",
			"你无权强制他人退出登录：无法识别发送者。"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{language: tc.lang})
			h.send(h.group(intern, "/signout zhangsan lost phone", "s-cmd"))
			reply := h.waitSession("s-cmd", 1)[0]
			m := h.group("", "/signout zhangsan lost phone", "s-anon") // a sender DingTalk did not identify
			h.send(m)
			anon := h.waitSession("s-anon", 1)[0]
			h.stop()
			if !strings.Contains(reply.text(), tc.reply) || reply.Markdown.Title != tc.title || !slices.Equal(reply.At.AtUserIDs, []string{intern}) {
				t.Errorf("reply = %+v", reply)
			}
			if !strings.Contains(anon.text(), tc.anon) || anon.At.AtUserIDs != nil {
				t.Errorf("anonymous reply = %+v", anon)
			}
			if n := len(h.api.SignOuts()); n != 0 {
				t.Errorf("%d sign-outs", n)
			}
			if got := h.auditEvents(); !slices.Equal(got, []string{"denied", "denied"}) {
				t.Errorf("audit = %q", got)
			}
		})
	}
}

func TestRedeliveryHandledOnce(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	cmd := h.group(manager, "/signout zhangsan lost phone", "s-cmd")
	h.send(cmd)
	h.send(cmd) // same msgId, new frame
	c := code(t, h.waitSession("s-cmd", 1)[0])
	confirm := h.group(manager, "confirm "+c, "s-confirm")
	h.send(confirm)
	h.send(confirm)
	h.awaitAPI("the result", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
	h.send(confirm) // after it was handled
	h.stop()

	if n := len(h.api.SignOuts()); n != 1 {
		t.Errorf("%d sign-outs, want 1", n)
	}
	if msgs := h.session("s-cmd"); len(msgs) != 2 || !strings.Contains(msgs[1].text(), "Signed out") {
		t.Errorf("command conversation got %d messages, want a prompt and a result", len(msgs))
	}
	if msgs := h.session("s-confirm"); len(msgs) != 1 {
		t.Errorf("confirm conversation got %d messages, want 1", len(msgs))
	}
	if n := len(h.engine.Calls()); n != 2 {
		t.Errorf("engine called %d times, want 2", n)
	}
	if n := strings.Count(h.logs.String(), "ignored a redelivered message"); n != 3 {
		t.Errorf("%d redeliveries logged, want 3", n)
	}
}

func TestConfirmByAnotherUserRefused(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		want []string // around the request id
	}{
		{i18n.EN, []string{"Only manager4220, who asked for request req-", ", can confirm or cancel it."}},
		{i18n.ZH, []string{"只有请求 req-", " 的发起人 manager4220 才能确认或取消。"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{language: tc.lang})
			h.send(h.group(manager, "/signout zhangsan lost phone", "s-cmd"))
			c := code(t, h.waitSession("s-cmd", 1)[0])
			h.send(h.group(manager2, "confirm "+c, "s-other"))
			refusal := h.waitSession("s-other", 1)[0]
			for _, want := range tc.want {
				if !strings.Contains(refusal.text(), want) {
					t.Errorf("refusal lacks %q: %+v", want, refusal)
				}
			}
			if !slices.Equal(refusal.At.AtUserIDs, []string{manager2}) {
				t.Errorf("refusal = %+v", refusal)
			}
			if n := len(h.api.SignOuts()); n != 0 {
				t.Fatalf("another user's confirm signed out %d", n)
			}
			h.send(h.group(manager, "confirm "+c, "s-confirm"))
			h.awaitAPI("the result", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
			h.stop()
			if n := len(h.api.SignOuts()); n != 1 {
				t.Errorf("%d sign-outs, want 1", n)
			}
		})
	}
}

// TestWrongAndExpiredCodes: a wrong code, a malformed one (with the
// usage), the notice when a request expires, and a confirm after that.
func TestWrongAndExpiredCodes(t *testing.T) {
	for _, tc := range []struct {
		lang           i18n.Lang
		wrong, invalid string
		usage          string
		noticeTitle    string
		notice, late   []string // around the request id
	}{
		{
			lang: i18n.EN, wrong: "No pending request has code ZZZZ99. It may have expired, or the bot restarted since; run /signout again.",
			invalid: `invalid code "!!": a code is 4 to 12 letters or digits`, usage: `/signout \<user\> \<reason\>`,
			noticeTitle: "Sign-out request closed",
			notice:      []string{"Request req-", " to sign out Zhang San (zhangsan) expired (no confirmation within the time limit); nothing was done."},
			late:        []string{"Request req-", " has expired; nothing was done. Run /signout again."},
		},
		{
			lang: i18n.ZH, wrong: "没有确认码为 ZZZZ99 的待确认请求。该请求可能已过期，或机器人已重启；请重新发送 /signout。",
			invalid: "确认码“!!”无效：确认码为 4 到 12 位字母或数字", usage: `/signout \<用户\> \<原因\>`,
			noticeTitle: "强制退出请求已关闭",
			notice:      []string{"将 Zhang San (zhangsan) 强制退出登录的请求 req-", " 已过期（未在时限内确认），未执行任何操作。"},
			late:        []string{"请求 req-", " 已过期，未执行任何操作。请重新发送 /signout。"},
		},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{language: tc.lang, sweep: 10 * time.Millisecond})
			h.send(h.direct(manager, "confirm ZZZZ99", "s-wrong"))
			if got := h.waitSession("s-wrong", 1)[0]; !strings.Contains(got.text(), tc.wrong) {
				t.Errorf("wrong code answered %q", got.text())
			}
			h.send(h.direct(manager, "confirm !!", "s-bad"))
			if got := h.waitSession("s-bad", 1)[0]; !strings.Contains(got.text(), tc.invalid+"\n\n"+tc.usage) {
				t.Errorf("malformed code answered %q", got.text())
			}

			h.send(h.direct(manager, "/signout zhangsan lost phone", "s-cmd"))
			c := code(t, h.waitSession("s-cmd", 1)[0])
			h.clock.Advance(3 * time.Minute)
			notice := h.waitSession("s-cmd", 2)[1] // from the engine's sweep
			if notice.Markdown.Title != tc.noticeTitle {
				t.Errorf("expiry notice titled %q", notice.Markdown.Title)
			}
			h.send(h.direct(manager, "confirm "+c, "s-late"))
			late := h.waitSession("s-late", 1)[0]
			h.stop()
			for _, want := range tc.notice {
				if !strings.Contains(notice.text(), want) {
					t.Errorf("expiry notice lacks %q:\n%s", want, notice.text())
				}
			}
			for _, want := range tc.late {
				if !strings.Contains(late.text(), want) {
					t.Errorf("late confirm lacks %q:\n%s", want, late.text())
				}
			}
			if n := len(h.api.SignOuts()); n != 0 {
				t.Errorf("%d sign-outs", n)
			}
			if got := h.auditEvents(); !slices.Equal(got, []string{"requested", "expired"}) {
				t.Errorf("audit = %q", got)
			}
		})
	}
}

// TestSignOutFailureInWords: DingTalk's refusal reaches the conversation
// in words, with its code.
func TestSignOutFailureInWords(t *testing.T) {
	for _, tc := range []struct {
		lang           i18n.Lang
		warning, title string
		result         []string
	}{
		{i18n.EN, "⚠️ DingTalk does not know this userId; the sign-out will likely fail.", "Sign-out failed",
			[]string{`❌ Could not sign out ghost: DingTalk has no user with ID "ghost" in this organisation.`, "(DingTalk code user.not.exist"}},
		{i18n.ZH, "⚠️ 钉钉中没有这个 userId，强制退出很可能会失败。", "强制退出失败",
			[]string{"❌ 未能将 ghost 强制退出登录：本组织通讯录中没有 userId 为“ghost”的用户。", "（钉钉错误码 user.not.exist"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{language: tc.lang})
			h.send(h.direct(manager, "/signout ghost lost phone", "s-cmd"))
			prompt := h.waitSession("s-cmd", 1)[0]
			if !strings.Contains(prompt.text(), tc.warning) {
				t.Errorf("prompt lacks %q:\n%s", tc.warning, prompt.text())
			}
			h.send(h.direct(manager, "confirm "+code(t, prompt), "s-confirm"))
			result := h.waitSession("s-cmd", 2)[1]
			h.stop()
			if result.Markdown.Title != tc.title {
				t.Errorf("result titled %q", result.Markdown.Title)
			}
			for _, want := range tc.result {
				if !strings.Contains(result.text(), want) {
					t.Errorf("result lacks %q:\n%s", want, result.text())
				}
			}
			if got := h.auditEvents(); !slices.Equal(got, []string{"requested", "confirmed", "failed"}) {
				t.Errorf("audit = %q", got)
			}
		})
	}
}

func TestMentionTarget(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		via  string
	}{
		{i18n.EN, "Found by: mention @张三"},
		{i18n.ZH, "查找方式：@张三"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{language: tc.lang})
			m := h.group(manager, "/signout @张三\u2005lost phone", "s-cmd")
			m.AtUsers = append(m.AtUsers, fakedingtalk.AtUser{DingtalkID: "$:LWCP_v1:$zs", StaffID: "zhangsan"})
			h.send(m)
			prompt := h.waitSession("s-cmd", 1)[0]
			for _, want := range []string{"Zhang San (zhangsan)", tc.via} {
				if !strings.Contains(prompt.text(), want) {
					t.Errorf("prompt lacks %q:\n%s", want, prompt.text())
				}
			}
			h.send(h.group(manager, "confirm "+code(t, prompt), "s-confirm"))
			h.awaitAPI("the result", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
			h.stop()
			if so := h.api.SignOuts(); len(so) != 1 || so[0].UserID != "zhangsan" {
				t.Errorf("signOuts = %+v", so)
			}
			if calls := h.engine.Calls(); !slices.Equal(calls[0].Mentions, []bot.Mention{{Self: true}, {UserID: "zhangsan"}}) || calls[0].MentionWords != 1 {
				t.Errorf("mentions = %+v, %d @-words", calls[0].Mentions, calls[0].MentionWords)
			}
		})
	}
}

// TestMentionsThatCannotNameOnePerson: DingTalk's atUsers carry no
// position, so wherever a mention could belong to someone other than the
// target token the refusal goes over the wire and nothing is requested.
func TestMentionsThatCannotNameOnePerson(t *testing.T) {
	zs := fakedingtalk.AtUser{DingtalkID: "$:zs", StaffID: "zhangsan"}
	ls := fakedingtalk.AtUser{DingtalkID: "$:ls", StaffID: "lisi"}
	self := fakedingtalk.AtUser{DingtalkID: botUserID}
	const (
		ambiguousEN = " is not a person picked from the @ list, or other people are @mentioned too. Mention only the person to sign out"
		ambiguousZH = " 不是从 @ 列表中选出的人员，或消息中还 @ 了其他人。请只 @ 要强制退出的人员"
	)
	cases := []struct {
		session, text string
		atUsers       []fakedingtalk.AtUser // besides the bot's own
		en, zh        string
	}{
		{"s-two-one", "/signout @张三\u2005@李四\u2005lost phone", []fakedingtalk.AtUser{zs}, "The message has 2 @mentions, but DingTalk's mention data holds 1 besides me", "消息中有 2 个 @，但钉钉的 @ 数据中有 1 人"},
		// Issue 9 item 1: @Guest typed by hand, 李四 a real mention in the reason.
		{"s-typed", "/signout @Guest lost phone, cc @李四\u2005", []fakedingtalk.AtUser{ls}, "@Guest" + ambiguousEN, "@Guest" + ambiguousZH},
		// The same, with the real mention before the command word.
		{"s-before", "@李四\u2005/signout @Guest lost phone", []fakedingtalk.AtUser{ls}, "@Guest" + ambiguousEN, "@Guest" + ambiguousZH},
		// An outsider (no staffId) as the target, a colleague in the reason.
		{"s-out", "/signout @Guest\u2005lost phone, cc @李四\u2005", []fakedingtalk.AtUser{{DingtalkID: "$:guest"}, ls}, "@Guest" + ambiguousEN, "@Guest" + ambiguousZH},
		{"s-outsider", "/signout @Guest\u2005lost phone", []fakedingtalk.AtUser{{DingtalkID: "$:guest"}},
			"DingTalk gave no userId for @Guest", "钉钉没有提供 @Guest 的 userId：此人不在本组织通讯录中。"},
		{"s-hand", "/signout @Guest lost phone", nil, "@Guest is not a person picked from the @ list", "@Guest 不是从 @ 列表中选出的人员。请从 @ 列表中选择"},
		// The bot @mentioned again, where the target is: whether DingTalk
		// strips that mention too or leaves it in, nothing is requested.
		{"s-self", "/signout @signout-bot\u2005alice asked me to test", []fakedingtalk.AtUser{self}, "I can't sign out myself", "强制自己退出"},
		{"s-self-stripped", "/signout  alice asked me to test", []fakedingtalk.AtUser{self}, "I can't sign out myself", "强制自己退出"},
	}
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{language: lang})
			for _, tc := range cases {
				want := tc.en
				if lang == i18n.ZH {
					want = tc.zh
				}
				m := h.group(manager, tc.text, tc.session)
				m.AtUsers = append(m.AtUsers, tc.atUsers...)
				h.send(m)
				if got := h.waitSession(tc.session, 1)[0]; !strings.Contains(got.text(), want) || codeInPrompt.MatchString(got.text()) {
					t.Errorf("%s: answered %q, want %q", tc.session, got.text(), want)
				}
			}
			h.stop()
			if n := len(h.api.SignOuts()); n != 0 || strings.Contains(h.logs.String(), "sign-out requested") {
				t.Errorf("a request was made: %d sign-outs", n)
			}
			if ev := h.auditEvents(); slices.Contains(ev, "requested") {
				t.Errorf("audit events %q", ev)
			}
		})
	}
}

// TestHelp: an empty message, a bare mention, help and 帮助 get the usage.
func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		lang  i18n.Lang
		title string
		usage []string
	}{
		{i18n.EN, "signout-bot help", []string{`/signout \<user\> \<reason\>`, "confirm CODE / cancel CODE", "/signout help"}},
		{i18n.ZH, "signout-bot 帮助", []string{`/signout \<用户\> \<原因\>`, "确认 CODE / 取消 CODE", "/signout 帮助", "也可用英文：confirm、cancel、help"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{language: tc.lang})
			h.send(h.group(manager, "", "s-group"))
			h.send(h.direct(manager, " \u2005 ", "s-dm"))
			h.send(h.direct(manager, "help", "s-help"))
			h.send(h.direct(manager, "帮助", "s-bangzhu"))
			h.send(h.group(manager, "/signout 帮助", "s-signout-bangzhu"))
			var got []webhookMsg
			for _, s := range []string{"s-group", "s-dm", "s-help", "s-bangzhu", "s-signout-bangzhu"} {
				got = append(got, h.waitSession(s, 1)[0])
			}
			h.stop()
			for _, m := range got {
				if m.Markdown.Title != tc.title {
					t.Errorf("usage titled %q", m.Markdown.Title)
				}
				for _, want := range tc.usage {
					if !strings.Contains(m.text(), want) {
						t.Errorf("usage lacks %q:\n%s", want, m.text())
					}
				}
			}
		})
	}
}

func TestNonTextMessages(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		hint string
	}{
		{i18n.EN, "I only read text messages. Send a command as plain text, e.g. /signout alice lost phone, or help."},
		{i18n.ZH, "我只能读取文本消息。请用纯文本发送命令，例如 /signout alice 手机丢失，或发送“帮助”。"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{language: tc.lang})
			pic := h.direct(manager, "", "s-pic")
			pic.MsgType, pic.Text, pic.Content = "picture", nil, map[string]string{"downloadCode": "abc", "pictureDownloadCode": "def"}
			h.send(pic)
			rich := h.group(manager, "", "s-rich")
			rich.MsgType, rich.Text = "richText", nil
			rich.Content = map[string]any{"richText": []map[string]string{{"text": "/signout zhangsan lost phone"}}}
			h.send(rich)
			p, r := h.waitSession("s-pic", 1)[0], h.waitSession("s-rich", 1)[0]
			h.stop()
			for _, m := range []webhookMsg{p, r} {
				if !strings.Contains(m.text(), tc.hint) {
					t.Errorf("hint = %q", m.text())
				}
			}
			if calls := h.engine.Calls(); len(calls) != 0 {
				t.Errorf("engine called for non-text messages: %+v", calls)
			}
			if !strings.Contains(h.logs.String(), "msgtype=picture") || !strings.Contains(h.logs.String(), "msgtype=richText") {
				t.Error("non-text messages not logged")
			}
		})
	}
}

func TestMalformedFrames(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	for _, data := range []string{"{not json", `{"msgId":5}`, ``, `[]`} {
		id, err := h.gw.SendCallback(h.ctx, fakedingtalk.TopicRobotMessage, data)
		if err != nil {
			t.Fatal(err)
		}
		h.ack(id) // acknowledged: a redelivery would be just as malformed
	}
	// Frames the SDK itself can't decode (not JSON, a numeric header) get no
	// ack; the connection must survive them.
	for _, raw := range []string{`{"type":"CALLBACK"`, `{"specVersion":"1.0","type":"CALLBACK","headers":{"topic":"/v1.0/im/bot/messages/get","messageId":"m1","time":1690362102194},"data":"{}"}`} {
		if err := h.gw.SendRaw(h.ctx, []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	// An unknown topic gets a 404 ack.
	id, err := h.gw.SendCallback(h.ctx, "/v1.0/unknown/topic", "{}")
	if err != nil {
		t.Fatal(err)
	}
	if ack, err := h.gw.WaitAck(h.ctx, id); err != nil || ack.Code != 404 {
		t.Errorf("unknown topic: ack %+v, %v", ack, err)
	}
	ping, err := h.gw.Ping(h.ctx, "still-alive")
	if err != nil {
		t.Fatal(err)
	}
	h.ack(ping)
	h.stop()
	if calls := h.engine.Calls(); len(calls) != 0 {
		t.Errorf("engine called for malformed frames: %+v", calls)
	}
	if rs := h.api.Requests(fakedingtalk.PathSessionWebhook); len(rs) != 0 {
		t.Errorf("%d replies to malformed frames", len(rs))
	}
	if n := strings.Count(h.logs.String(), "dropped a malformed robot message frame"); n != 4 {
		t.Errorf("%d malformed frames logged, want 4", n)
	}
}

func TestPingEcho(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	id, err := h.gw.Ping(h.ctx, "123-dsfs")
	if err != nil {
		t.Fatal(err)
	}
	ack := h.ack(id)
	var echo struct{ Opaque string }
	if err := json.Unmarshal([]byte(ack.Data), &echo); err != nil || echo.Opaque != "123-dsfs" {
		t.Errorf("ping ack data %q, want the opaque echoed", ack.Data)
	}
}

func TestReconnectAfterDisconnect(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	if _, err := h.gw.Disconnect(h.ctx, "connection is expired"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "Connected() to turn false", func() bool { return !h.bot.Connected() })
	if err := h.gw.WaitConnected(h.ctx, 2); err != nil { // the SDK waits about 3 s
		t.Fatal(err)
	}
	waitFor(t, "Connected() to turn true", h.bot.Connected)
	h.send(h.group(manager, "/signout zhangsan lost phone", "s-cmd"))
	c := code(t, h.waitSession("s-cmd", 1)[0])
	h.send(h.group(manager, "confirm "+c, "s-confirm"))
	h.awaitAPI("the result", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
	h.stop()
	if n := len(h.gw.Opens()); n != 2 {
		t.Errorf("%d open calls, want 2", n)
	}
	if n := len(h.api.SignOuts()); n != 1 {
		t.Errorf("%d sign-outs, want 1", n)
	}
	logs := h.logs.String()
	for msg, want := range map[string]int{
		"DingTalk stream connected": 2, "DingTalk stream disconnected": 1, "DingTalk stream closed": 1,
		"DingTalk asked the stream client to reconnect": 1,
	} {
		if n := strings.Count(logs, `msg="`+msg); n != want {
			t.Errorf("%q logged %d times, want %d", msg, n, want)
		}
	}
}

func TestGatewayRefusesFirstConnection(t *testing.T) {
	h := newHarness(t, harnessOptions{refuseOpens: 2})
	opens := h.gw.Opens()
	if len(opens) != 3 || opens[0].Status != 503 || opens[1].Status != 503 || opens[2].Status != 200 {
		t.Fatalf("opens = %+v", opens)
	}
	h.send(h.direct(manager, "help", "s-dm"))
	h.waitSession("s-dm", 1)
	h.stop()
	if n := strings.Count(h.logs.String(), "could not connect to the DingTalk stream gateway; retrying"); n != 2 {
		t.Errorf("%d failed attempts logged, want 2", n)
	}
}

func TestWebhookErrorFallsBackToRobotAPI(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	broken := h.api.URL() + fakedingtalk.PathSessionWebhook + "?session=never-opened" // answers errcode 300001
	cmd := h.group(manager, "/signout zhangsan lost phone", "")
	cmd.SessionWebhook = broken
	h.send(cmd)
	h.awaitAPI("the prompt through the robot API", func() bool { return len(h.api.GroupMessages()) >= 1 })
	prompt := h.api.GroupMessages()[0]
	var param struct{ Title, Text string }
	if err := json.Unmarshal(prompt.MsgParam, &param); err != nil {
		t.Fatal(err)
	}
	if prompt.MsgKey != "sampleMarkdown" || prompt.OpenConversationID != groupID || prompt.RobotCode != fakedingtalk.ClientID {
		t.Errorf("group message = %+v", prompt)
	}
	c := code(t, webhookMsg{Markdown: param})
	if strings.Contains(param.Text, "@"+manager) {
		t.Errorf("robot API markdown carries a dead @mention:\n%s", param.Text)
	}
	confirm := h.group(manager, "confirm "+c, "")
	confirm.SessionWebhook = broken
	h.send(confirm)
	h.awaitAPI("the result through the robot API", func() bool { return len(h.api.GroupMessages()) >= 3 })
	h.stop()
	if n := len(h.api.SignOuts()); n != 1 {
		t.Errorf("%d sign-outs, want 1", n)
	}
	var last struct{ Title, Text string }
	msgs := h.api.GroupMessages()
	_ = json.Unmarshal(msgs[len(msgs)-1].MsgParam, &last)
	if !strings.Contains(last.Text, "Signed out Zhang San") {
		t.Errorf("last group message %q", last.Text)
	}
	if rs := h.api.Requests(fakedingtalk.PathSessionWebhook); len(rs) != 3 {
		t.Errorf("%d webhook attempts, want 3 (prompt, progress, result)", len(rs))
	}
	if !strings.Contains(h.logs.String(), "sessionWebhook failed; replying through the robot API") {
		t.Error("fallback not logged")
	}
	if strings.Contains(h.logs.String(), "never-opened") {
		t.Error("the webhook's session key reached the logs")
	}
}

func TestExpiredWebhookInDirectChatUsesRobotAPI(t *testing.T) {
	for _, tc := range []struct {
		lang                  i18n.Lang
		confirmURL, cancelURL string
		confirmTitle          string
	}{
		{i18n.EN, "dtmd://dingtalkclient/sendMessage?content=confirm+CODE", "dtmd://dingtalkclient/sendMessage?content=cancel+CODE", "Confirm sign-out"},
		{i18n.ZH, "dtmd://dingtalkclient/sendMessage?content=%E7%A1%AE%E8%AE%A4+CODE", "dtmd://dingtalkclient/sendMessage?content=%E5%8F%96%E6%B6%88+CODE", "确认强制退出"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, harnessOptions{language: tc.lang})
			m := h.direct(manager, "/signout zhangsan lost phone", "s-expired")
			m.SessionWebhookExpiredTime = time.Now().Add(-time.Minute).UnixMilli()
			h.send(m)
			h.awaitAPI("the prompt through the robot API", func() bool { return len(h.api.DirectMessages()) >= 1 })
			h.stop()
			if rs := h.api.Requests(fakedingtalk.PathSessionWebhook); len(rs) != 0 {
				t.Errorf("%d posts to an expired webhook", len(rs))
			}
			dm := h.api.DirectMessages()[0]
			var card map[string]string
			if err := json.Unmarshal(dm.MsgParam, &card); err != nil {
				t.Fatal(err)
			}
			c := code(t, webhookMsg{Markdown: struct{ Title, Text string }{Text: card["text"]}})
			if dm.MsgKey != "sampleActionCard2" || !slices.Equal(dm.UserIDs, []string{manager}) ||
				card["actionURL1"] != withCode(tc.confirmURL, c) || card["actionURL2"] != withCode(tc.cancelURL, c) ||
				card["actionTitle1"] != tc.confirmTitle || card["title"] != tc.confirmTitle {
				t.Errorf("direct message = %+v %v", dm, card)
			}
		})
	}
}

func TestShutdownWaitsForConfirmedSignOut(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.send(h.group(manager, "/signout zhangsan lost phone", "s-cmd"))
	c := code(t, h.waitSession("s-cmd", 1)[0])
	h.api.Script(fakedingtalk.PathSignOut, fakedingtalk.Response{Delay: 300 * time.Millisecond})
	h.send(h.group(manager, "confirm "+c, "s-confirm"))
	if _, err := h.api.WaitRequests(h.ctx, fakedingtalk.PathSignOut, 1); err != nil {
		t.Fatal(err)
	}
	h.stop() // while DingTalk is still answering
	if n := len(h.api.SignOuts()); n != 1 {
		t.Fatalf("%d sign-outs, want 1", n)
	}
	msgs := h.session("s-cmd")
	if len(msgs) != 2 || !strings.Contains(msgs[1].text(), "Signed out") {
		t.Fatalf("Run returned before the result was posted: %d messages", len(msgs))
	}
	if got := h.auditEvents(); !slices.Equal(got, []string{"requested", "confirmed", "succeeded"}) {
		t.Errorf("audit = %q", got)
	}
}
