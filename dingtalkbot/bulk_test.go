package dingtalkbot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// A prompt, an approval card and a summary for 50 people with long names
// fit a DingTalk robot message in every language, and every person is
// either shown whole or counted in the "more" line.
func TestBulkMessagesFitDingTalk(t *testing.T) {
	long := strings.Repeat("长*", 150)
	ts := make([]bot.Target, 50)
	ids := make([]string, len(ts))
	for i := range ts {
		ts[i] = bot.Target{UserID: fmt.Sprintf("user%03d", i), Name: fmt.Sprintf("N%03d", i) + long[:190], Warning: i18n.M(i18n.WarnNotEnterprise)}
		ids[i] = ts[i].UserID
	}
	skipped := []bot.Skipped{{Input: "13900000000", Why: i18n.M(i18n.NoSuchMobile, "13900000000")}, {Input: "alice", Why: i18n.M(i18n.BulkRepeat, "Alice (alice)")}}
	each := make([]bot.TargetResult, len(ts))
	for i, x := range ts {
		each[i] = bot.TargetResult{Target: x, Problem: i18n.M(i18n.MobileLookupFailed, long, i18n.Plain(long))}
	}
	more := map[i18n.Lang]*regexp.Regexp{i18n.EN: regexp.MustCompile(`…and (\d+) more`), i18n.ZH: regexp.MustCompile(`……另有 (\d+) 个`)}
	for _, lang := range i18n.Langs {
		sent := &paramLog{}
		b, err := New(Config{ClientID: "app", ClientSecret: "s", CorpID: "corp", Language: lang}, engineFunc(func(context.Context, bot.Message, bot.Conversation) {}), sent)
		if err != nil {
			t.Fatal(err)
		}
		c := &conversation{b: b, id: "cidG", sender: "mgr", robotCode: "robot", log: b.log}
		p := bot.Prompt{RequestID: "req-1", Code: "AB12CD", Reason: long, Target: ts[0], Targets: ts, Skipped: skipped}
		for _, direct := range []bool{false, true} {
			c.direct = direct
			if err := c.Ask(context.Background(), p); err != nil {
				t.Fatal(err)
			}
		}
		c.direct = false
		p.TwoPerson, p.Requester = true, "mgr"
		if err := c.Ask(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		if err := c.Announce(context.Background(), bot.Result{RequestID: "req-1", Invoker: "mgr", Target: ts[0], Reason: long, Each: each, Skipped: skipped}); err != nil {
			t.Fatal(err)
		}
		if len(sent.params) != 4 {
			t.Fatalf("%d messages", len(sent.params))
		}
		for _, raw := range sent.params {
			if len(raw) > maxParamBytes {
				t.Errorf("%s: msgParam of %d bytes", lang, len(raw))
			}
			s := string(raw)
			shown := 0
			for _, id := range ids {
				if strings.Contains(s, "("+id+")") {
					shown++
				}
			}
			n := 0
			if m := more[lang].FindStringSubmatch(s); m != nil {
				n, _ = strconv.Atoi(m[1])
			}
			if shown == 0 || shown+n != len(ids) {
				t.Errorf("%s: %d shown + %d more, of %d: %.300s", lang, shown, n, len(ids), s)
			}
		}
	}
}

// Two @mentions before the reason, with DingTalk's mention data for both:
// one prompt over the wire names both; confirming signs both out and the
// group sees the start message and one summary.
func TestBulkMentionsOverTheWire(t *testing.T) {
	h := newHarness(t, harnessOptions{language: i18n.EN})
	zs := fakedingtalk.AtUser{DingtalkID: "$:zs", StaffID: "zhangsan"}
	ls := fakedingtalk.AtUser{DingtalkID: "$:ls", StaffID: "lisi"}
	m := h.group(manager, "/signout @张三\u2005@李四\u2005lost phones", "s-bulk")
	m.AtUsers = append(m.AtUsers, ls, zs)
	h.send(m)
	prompt := h.waitSession("s-bulk", 1)[0].text()
	for _, want := range []string{"2 accounts", "Zhang San (zhangsan)", "Li Si (lisi)"} {
		if !strings.Contains(prompt, want) {
			t.Fatalf("prompt lacks %q: %s", want, prompt)
		}
	}
	code := codeInPrompt.FindStringSubmatch(prompt)
	if code == nil {
		t.Fatalf("no code in %s", prompt)
	}
	h.send(h.group(manager, "confirm "+code[1], "s-bulk"))
	got := h.waitSession("s-bulk", 3)
	if !strings.Contains(got[1].text(), "Signing out 2 accounts") || !strings.Contains(got[2].text(), "Signed out 2 of 2 accounts; 0 failed.") {
		t.Fatalf("answers %q / %q", got[1].text(), got[2].text())
	}
	if n := len(h.api.SignOuts()); n != 2 {
		t.Fatalf("%d sign-outs", n)
	}
	h.stop()
}
