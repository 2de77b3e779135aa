package commands

import (
	"strings"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	lines := []struct{ name, line string }{
		{"userId", "/signout alice lost phone on the train"},
		{"mobile grouped", "/signout +86 138 0013 8000 lost phone"},
		{"full-width", "／ｓｉｇｎｏｕｔ　ａｌｉｃｅ　ｌｏｓｔ　ｐｈｏｎｅ"},
		{"DingTalk mention", "signout @张三\u2005手机丢了，请立即退出登录"},
		{"confirm", "confirm ab12cd"},
		{"reason at cap", "/signout alice " + strings.Repeat("x", DefaultMaxReasonRunes)},
		{"reason 10 kB", "/signout alice " + strings.Repeat("x", 10240)},
		{"over 16 KiB", strings.Repeat("x", MaxLineBytes+1)},
	}
	for _, l := range lines {
		b.Run(l.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(l.line)))
			for b.Loop() {
				Parse(l.line, required)
			}
		})
	}
}
