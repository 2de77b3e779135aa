package dingtalkbot

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

func TestEscapeMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"lost phone", "lost phone"},
		{"[click](dtmd://dingtalkclient/sendMessage?content=confirm+X)", `\[click\](dtmd://dingtalkclient/sendMessage?content=confirm+X)`},
		{"![img](http://x/y.png)", `!\[img\](http://x/y.png)`},
		{"# heading", `\# heading`},
		{"> quote", `\> quote`},
		{"- item", `\- item`},
		{"+ item", `\+ item`},
		{"12. item", `12\. item`},
		{"3) item", `3\) item`},
		{"===", `\===`},
		{"**bold** _it_ `code` ~~del~~ a|b", `\*\*bold\*\* \_it\_ \` + "`" + `code\` + "`" + ` \~\~del\~\~ a\|b`},
		{`<font color=red>x</font>`, `\<font color=red\>x\</font\>`},
		{`back\slash`, `back\\slash`},
		{"line one\nline two\r\n\n- three", "line one\n\nline two\n\n\\- three"},
		{"ok - not a list 1. nor this", "ok - not a list 1. nor this"},
		{"", ""},
	} {
		if got := escapeMarkdown(tc.in); got != tc.want {
			t.Errorf("escapeMarkdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := escapeLine("a\nb\u2028- c"); got != `a b - c` {
		t.Errorf("escapeLine joins lines: %q", got)
	}
}

// FuzzEscapeMarkdown checks that escaped text has no live markup character
// and that dropping the escapes gives back the text.
func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range []string{"[a](b)", "# x", "1. y", "a\\b", "<b>", "\n- z\n", "x\u2028> q", "\\[", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := escapeLine(s)
		escaped := false
		var plain strings.Builder
		for i, r := range out {
			if escaped {
				escaped = false
				plain.WriteRune(r)
				continue
			}
			if r == '\\' {
				escaped = true
				continue
			}
			if r < 0x80 && strings.ContainsRune(markdownInline, r) {
				t.Fatalf("unescaped %q at %d in %q (from %q)", r, i, out, s)
			}
			if r == '\n' || r == '\r' {
				t.Fatalf("line break in %q", out)
			}
			plain.WriteRune(r)
		}
		if escaped {
			t.Fatalf("dangling backslash in %q", out)
		}
		if out != "" && strings.ContainsRune("-+=", rune(out[0])) {
			t.Fatalf("line starts with a list or heading marker: %q", out)
		}
		// Invalid UTF-8 comes out as U+FFFD, one per bad byte.
		want := string([]rune(strings.TrimSpace(lineBreaks.Replace(s))))
		if plain.String() != want {
			t.Fatalf("unescaped %q, want %q", plain.String(), want)
		}
	})
}

func TestDtmdSendMessage(t *testing.T) {
	got := dtmdSendMessage("confirm AB12CD")
	if got != "dtmd://dingtalkclient/sendMessage?content=confirm+AB12CD" {
		t.Fatalf("dtmd link = %q", got)
	}
	u, err := url.Parse(dtmdSendMessage("cancel a&b=c d"))
	if err != nil || u.Host != "dingtalkclient" || u.Query().Get("content") != "cancel a&b=c d" {
		t.Fatalf("dtmd link does not round-trip: %v %v", u, err)
	}
}

func TestPromptMarkdown(t *testing.T) {
	now := time.Date(2026, 1, 2, 6, 12, 0, 0, time.UTC)
	p := bot.Prompt{
		RequestID: "req-abc", Code: "AB12CD", Reason: "lost [phone](http://evil)", ExpiresAt: now.Add(2 * time.Minute),
		Target: bot.Target{UserID: "zhang_san", Name: "**Zhang**", Title: "# CTO", Via: i18n.M(i18n.ViaMention, "@张三"), Warning: i18n.M(i18n.WarnNotEnterprise)},
	}
	en := i18n.For(i18n.EN)
	group := promptMarkdown(en, p, now, false, "")
	for _, want := range []string{
		"confirm AB12CD", "cancel AB12CD", `\*\*Zhang\*\* (zhang\_san)`, `Reason: lost \[phone\](http://evil)`,
		`Title: \# CTO`, "Found by: mention @张三", "⚠️ DingTalk says this is not an Enterprise Account", "06:14 UTC, in 2m0s", "req-abc", "@mention me",
	} {
		if !strings.Contains(group, want) {
			t.Errorf("group prompt lacks %q:\n%s", want, group)
		}
	}
	if named := promptMarkdown(en, p, now, false, "Sign_Out"); !strings.Contains(named, `**@Sign\_Out confirm AB12CD**`) {
		t.Errorf("named prompt:\n%s", named)
	}
	direct := promptMarkdown(en, p, now, true, "")
	if !strings.Contains(direct, "**confirm AB12CD**") || strings.Contains(direct, "@mention") {
		t.Errorf("direct prompt:\n%s", direct)
	}
	p.DryRun, p.Reason, p.Target = true, "", bot.Target{UserID: "u1"}
	dry := promptMarkdown(en, p, now, false, "")
	if !strings.HasPrefix(dry, "**Dry run:**") || !strings.Contains(dry, "Reason: (none given)") || !strings.Contains(dry, "Sign out u1 from") {
		t.Errorf("dry-run prompt:\n%s", dry)
	}
}

// The Chinese prompt carries 确认 CODE and 取消 CODE (spec section 11).
func TestPromptMarkdownChinese(t *testing.T) {
	now := time.Date(2026, 1, 2, 6, 12, 0, 0, time.UTC)
	p := bot.Prompt{RequestID: "req-abc", Code: "AB12CD", Reason: "手机丢失", ExpiresAt: now.Add(90 * time.Second),
		Target: bot.Target{UserID: "zhangsan", Name: "张三", Via: i18n.M(i18n.ViaMobile, "13800138000")}}
	zh := i18n.For(i18n.ZH)
	group := promptMarkdown(zh, p, now, false, "安全助手")
	for _, want := range []string{
		"**确定要将 张三 (zhangsan) 在所有设备上强制退出钉钉登录吗？**", "原因：手机丢失", "查找方式：手机号 13800138000",
		"06:13 UTC（1分30秒后）过期，请求编号 req-abc", "**@安全助手 确认 AB12CD**", "**@安全助手 取消 AB12CD**", "**确认 AB12CD**",
	} {
		if !strings.Contains(group, want) {
			t.Errorf("group prompt lacks %q:\n%s", want, group)
		}
	}
	if direct := promptMarkdown(zh, p, now, true, ""); !strings.Contains(direct, "**确认 AB12CD** 或 **取消 AB12CD**") {
		t.Errorf("direct prompt:\n%s", direct)
	}
}
