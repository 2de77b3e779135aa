package slackbot

import (
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/i18n"
)

// BenchmarkPromptRender renders the confirmation prompt's Block Kit in
// each language: the message model's cost on the prompt path.
func BenchmarkPromptRender(b *testing.B) {
	now := time.Now()
	p := bot.Prompt{RequestID: "req-1", Code: "AB12CD", Reason: "lost phone", ExpiresAt: now.Add(2 * time.Minute),
		Target: bot.Target{UserID: "alice", Name: "Alice Liddell", Title: "Engineer", Via: i18n.M(i18n.ViaMobile, "13800138000")}}
	for _, l := range i18n.Langs {
		b.Run("lang="+string(l), func(b *testing.B) {
			lang := i18n.For(l)
			b.ReportAllocs()
			for b.Loop() {
				promptMessage(lang, p, now)
			}
		})
	}
}
