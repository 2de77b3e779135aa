package slackbot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

func TestPlainText(t *testing.T) {
	cases := map[string]string{
		"alice lost phone":    "alice lost phone",
		"a &amp; b &lt;c&gt;": "a & b <c>",
		"&amp;lt;":            "&lt;", // a typed "&lt;" stays as typed
		"<tel:+8613800138000|+86 138 0013 8000> stolen": "+86 138 0013 8000 stolen",
		"<mailto:a@b.c|a@b.c> x":                        "a@b.c x",
		"<!channel> <@U1|bob> <https://x.y|z>":          "<!channel> <@U1|bob> <https://x.y|z>",
	}
	for in, want := range cases {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStripMention(t *testing.T) {
	cases := map[string]string{
		"<@UBOT> signout alice x":           "signout alice x",
		"<@UBOT|signout-bot> signout alice": "signout alice",
		"<@UBOT><@UBOT> help":               "help",
		"<@UBOTX> help":                     "<@UBOTX> help",
		"<@UBOT":                            "<@UBOT",
		"<@UBOT|x<y> z":                     "<@UBOT|x<y> z",
		"  <@UBOT>  ":                       "",
		// Only the leading mention goes: a later one is where the user put it.
		"hey <@UBOT>":                                     "hey <@UBOT>",
		"signout <@U999> <@UBOT> reason":                  "signout <@U999> <@UBOT> reason",
		"<@UBOT> signout <@UBOT> alice asked me to test":  "signout <@UBOT> alice asked me to test",
		"<@UBOT> signout <@UBOT|bot> alice asked to test": "signout <@UBOT|bot> alice asked to test",
	}
	for in, want := range cases {
		if got := stripMention(in, "UBOT"); got != want {
			t.Errorf("stripMention(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTargetsSelf(t *testing.T) {
	for _, tc := range []struct {
		text     string
		argsOnly bool
		want     bool
	}{
		{"signout <@UBOT> alice asked me to test", false, true},
		{"/SIGNOUT <@UBOT|signout-bot> alice x", false, true},
		{"ｓｉｇｎｏｕｔ\u00a0<@UBOT> alice x", false, true},
		{"<@UBOT> alice x", true, true},
		{"signout alice <@UBOT>", false, false}, // in the reason: text
		{"signout <@UBOTX> alice", false, false},
		{"signout <@U999> alice", false, false}, // another Slack user: the parser refuses it
		{"confirm <@UBOT>", false, false},
		{"signout", false, false},
		{"alice x", true, false},
	} {
		if got := targetsSelf(tc.text, "UBOT", tc.argsOnly); got != tc.want {
			t.Errorf("targetsSelf(%q, %v) = %v, want %v", tc.text, tc.argsOnly, got, tc.want)
		}
	}
	if targetsSelf("signout <@> x", "", false) {
		t.Error("an unknown bot ID matched")
	}
}

func FuzzStripMention(f *testing.F) {
	for _, s := range []string{"<@UBOT> signout a b", "<@UBOT|x> y", "<@UBOT", "<@UBOTT>", "<<@UBOT>>", "<@UBOT|<@UBOT>>", "<@UBOT> signout <@UBOT> a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := stripMention(s, "UBOT")
		if selfMentionLen(out, "UBOT") >= 0 {
			t.Fatalf("stripMention(%q) = %q still starts with the bot's mention", s, out)
		}
		if !strings.Contains(s, out) {
			t.Fatalf("stripMention(%q) = %q is not a part of it", s, out)
		}
		if p := plainText(out); len(p) > len(out) {
			t.Fatalf("plainText(%q) grew to %q", out, p)
		}
	})
}

func TestEscCutsWithinLimits(t *testing.T) {
	for _, n := range []int{1, 2, 5, 10, 100} {
		for _, raw := range []string{strings.Repeat("&", 50), strings.Repeat("é", 300), strings.Repeat("a<", 80)} {
			got := esc(raw, n)
			if utf8.RuneCountInString(got) > n {
				t.Errorf("esc(%q, %d) = %q: too long", raw[:10], n, got)
			}
			if strings.ContainsAny(strings.NewReplacer("&amp;", "", "&lt;", "", "&gt;", "").Replace(got), "<>&") {
				t.Errorf("esc(%q, %d) = %q cuts an entity", raw[:10], n, got)
			}
		}
	}
}

// FuzzMessages: whatever the user text, every message is valid Block
// Kit within Slack's limits, and no text object carries markup other
// than the bot's own mention.
func FuzzMessages(f *testing.F) {
	f.Add("lost <!channel> phone & <@U1>", "<https://evil|x>", "mobile 138", "Note &", "req-1", "U0INVOKER")
	f.Add(strings.Repeat("&<>", 300), strings.Repeat("名", 600), "", "", "", "not an id <@U1>")
	f.Fuzz(func(t *testing.T, reason, name, via, warning, problem, invoker string) {
		now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		target := bot.Target{UserID: "alice", Name: name, Title: name, Via: i18n.M(i18n.ViaMobile, via), Warning: i18n.Plain(warning)}
		own := ""
		if validUserID(invoker) {
			own = "<@" + invoker + ">"
		}
		for _, lang := range i18n.Langs {
			p := i18n.For(lang)
			msgs := []message{
				promptMessage(p, bot.Prompt{RequestID: "req-1", Code: "ABCD12", Target: target, Reason: reason, ExpiresAt: now.Add(time.Minute)}, now),
				resultMessage(p, bot.Result{RequestID: "req-1", Invoker: invoker, Target: target, Reason: reason, Problem: i18n.Plain(problem), Code: "x<y>", AuditFailed: true}),
				noticeMessage(p, bot.Notice{Kind: bot.NoticeRefused, Msg: i18n.M(i18n.MentionTyped, reason+name)}),
				noticeMessage(p, bot.Notice{Kind: bot.NoticeUsage, Msg: i18n.Plain(problem)}),
			}
			for _, m := range msgs {
				checkMessage(t, m, own)
			}
		}
	})
}

// Every message the engine can say fits Slack's limits and carries no
// markup, in every language, whatever its arguments.
func TestEveryMessageFitsSlack(t *testing.T) {
	for _, arg := range []string{"alice", strings.Repeat("<!channel>&", 400)} {
		for _, lang := range i18n.Langs {
			for _, m := range i18n.Samples(arg) {
				for _, kind := range []bot.NoticeKind{bot.NoticeRefused, bot.NoticeUsage} {
					checkMessage(t, noticeMessage(i18n.For(lang), bot.Notice{Kind: kind, Msg: m}), "")
				}
			}
		}
	}
}

func checkMessage(t *testing.T, m message, own string) {
	t.Helper()
	strip := func(s string) string {
		if own != "" {
			s = strings.ReplaceAll(s, own, "")
		}
		return s
	}
	if strings.ContainsAny(strip(m.text), "<>") || utf8.RuneCountInString(m.text) > 3*maxText {
		t.Fatalf("fallback text %q", m.text)
	}
	raw, err := json.Marshal(m.blocks)
	if err != nil {
		t.Fatal(err)
	}
	var blocks slack.Blocks
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatalf("blocks do not decode: %v", err)
	}
	for _, b := range blocks.BlockSet {
		var objs []*slack.TextBlockObject
		switch x := b.(type) {
		case *slack.SectionBlock:
			if x.Text != nil {
				objs = append(objs, x.Text)
			}
			if len(x.Fields) > 10 {
				t.Fatalf("%d fields", len(x.Fields))
			}
			for _, f := range x.Fields {
				if utf8.RuneCountInString(f.Text) > maxField {
					t.Fatalf("field of %d characters", utf8.RuneCountInString(f.Text))
				}
				objs = append(objs, f)
			}
		case *slack.ContextBlock:
			for _, e := range x.ContextElements.Elements {
				if o, ok := e.(*slack.TextBlockObject); ok {
					objs = append(objs, o)
				}
			}
		case *slack.ActionBlock:
			if x.BlockID == "" {
				t.Fatal("actions block without block_id")
			}
		}
		for _, o := range objs {
			if err := o.Validate(); err != nil {
				t.Fatalf("text object %q: %v", o.Text, err)
			}
			if o.Type == slack.MarkdownType && !o.Verbatim {
				t.Fatalf("mrkdwn without verbatim: %q", o.Text)
			}
			if strings.ContainsAny(strip(o.Text), "<>") {
				t.Fatalf("markup in %q", o.Text)
			}
		}
	}
}

func TestMention(t *testing.T) {
	for id, want := range map[string]string{"U0123ABC": "<@U0123ABC>", "W9": "<@W9>", "u1": "u1", "U1|x": "U1|x", "<!channel>": "&lt;!channel&gt;", "": ""} {
		if got := mention(id); got != want {
			t.Errorf("mention(%q) = %q, want %q", id, got, want)
		}
	}
}
