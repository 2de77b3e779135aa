package dingtalkbot

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/i18n"
)

// The two-person rule in a DingTalk group, in Chinese: the request asks
// for 批准 CODE; the requester's own 批准 is refused; a second admin's
// signs out once; status asked in the group is answered in a 1:1 chat.
func TestTwoPersonApprovalInAGroup(t *testing.T) {
	h := newHarness(t, harnessOptions{language: i18n.ZH, twoPerson: true})
	h.ack(h.send(h.group(manager, "/signout zhangsan 钓鱼邮件", "g1")).MessageID())
	card := h.waitSession("g1", 1)[0].text()
	for _, want := range []string{manager + " 请求将 Zhang San (zhangsan)", "需要另一位管理员批准", "批准 ", "拒绝 ", "approve "} {
		if !strings.Contains(card, want) {
			t.Fatalf("approval card lacks %q:\n%s", want, card)
		}
	}
	code := regexp.MustCompile(`批准 ([A-Z0-9]{6})`).FindStringSubmatch(card)[1]

	h.ack(h.send(h.group(manager, "批准 "+code, "g2")).MessageID())
	if got := h.waitSession("g2", 1)[0].text(); !strings.Contains(got, "不能自己批准") {
		t.Fatalf("self-approval answer: %s", got)
	}
	// The same admin id from another organisation is not served at all.
	outsider := h.group(manager2, "批准 "+code, "gx")
	outsider.SenderCorpID = "dingOtherCorp"
	h.ack(h.send(outsider).MessageID())
	h.ack(h.send(h.group(manager2, "批准"+code, "g3")).MessageID())
	if got := h.waitSession("g3", 1)[0].text(); !strings.Contains(got, "已由 "+manager2+" 批准") {
		t.Fatalf("approval answer: %s", got)
	}
	h.awaitAPI("the result in the group", func() bool {
		for _, m := range h.session("g1") {
			if strings.Contains(m.text(), "已将 Zhang San (zhangsan) 在所有设备上强制退出钉钉登录") {
				return true
			}
		}
		return false
	})
	if so := h.api.SignOuts(); len(so) != 1 || so[0].UserID != "zhangsan" {
		t.Fatalf("signOuts %+v", so)
	}
	if n := len(h.session("gx")); n != 0 {
		t.Fatalf("the outsider was answered %d times", n)
	}
	if got := h.auditEvents(); !slices.Equal(got, []string{"requested", "approved", "succeeded"}) {
		t.Fatalf("audit %v", got)
	}

	// status in the group: answered to the asker alone.
	rid := regexp.MustCompile(`req-[a-z0-9]+`).FindString(card)
	h.ack(h.send(h.group(manager2, "/signout status "+rid, "g4")).MessageID())
	h.awaitAPI("a 1:1 answer", func() bool { return len(h.api.DirectMessages()) == 1 })
	dm := h.api.DirectMessages()[0]
	if !slices.Equal(dm.UserIDs, []string{manager2}) || !strings.Contains(string(dm.MsgParam), "已批准") || len(h.session("g4")) != 0 {
		t.Fatalf("status answer %+v; group got %d messages", dm, len(h.session("g4")))
	}
}

// In a 1:1 chat there is nobody else to approve.
func TestTwoPersonRefusedInADirectChat(t *testing.T) {
	h := newHarness(t, harnessOptions{language: i18n.ZH, twoPerson: true})
	h.ack(h.send(h.direct(manager, "/signout zhangsan 钓鱼邮件", "d1")).MessageID())
	if got := h.waitSession("d1", 1)[0].text(); !strings.Contains(got, "单聊中没有其他人可以批准") {
		t.Fatalf("answer: %s", got)
	}
	if len(h.api.SignOuts()) != 0 {
		t.Fatal("signed out")
	}
}

// 确认 CODE 停用 signs out and disables; the prompt offers it.
func TestConfirmAndDisableInChinese(t *testing.T) {
	h := newHarness(t, harnessOptions{language: i18n.ZH})
	h.ack(h.send(h.group(manager, "/signout zhangsan 手机丢失", "p1")).MessageID())
	prompt := h.waitSession("p1", 1)[0].text()
	m := regexp.MustCompile(`确认 ([A-Z0-9]{6}) 停用`).FindStringSubmatch(prompt)
	if m == nil || !strings.Contains(prompt, "账号状态：钉钉中正常启用") {
		t.Fatalf("prompt lacks the disable offer or the account state:\n%s", prompt)
	}
	h.ack(h.send(h.group(manager, "确认 "+m[1]+" 停用", "p2")).MessageID())
	h.awaitAPI("the disable call", func() bool { return len(h.api.Disables()) == 1 })
	h.awaitAPI("the result", func() bool {
		for _, msg := range h.session("p1") {
			if strings.Contains(msg.text(), "已同时停用 Zhang San (zhangsan) 的账号") {
				return true
			}
		}
		return false
	})
}
