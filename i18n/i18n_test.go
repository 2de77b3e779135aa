package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// placeholders lists a text's verbs, sorted, "%%" left out.
func placeholders(s string) []string {
	var out []string
	for _, v := range verb.FindAllString(s, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// Every key has every language, and each language has the same
// placeholders: a translation can reorder them, never drop or add one.
func TestEveryKeyInEveryLanguage(t *testing.T) {
	seen := map[Key]bool{}
	for _, area := range all {
		for k, text := range area {
			if seen[k] {
				t.Errorf("%s is defined twice", k)
			}
			seen[k] = true
			if strings.TrimSpace(text.EN) == "" || strings.TrimSpace(text.ZH) == "" {
				t.Errorf("%s lacks a language: %+v", k, text)
				continue
			}
			if en, zh := placeholders(text.EN), placeholders(text.ZH); !slices.Equal(en, zh) {
				t.Errorf("%s: placeholders differ: en %v, zh_CN %v", k, en, zh)
			}
			for _, v := range placeholders(text.EN) {
				if !strings.HasPrefix(v, "%[") {
					t.Errorf("%s: %s is not positional (%%[1]s): a translation could not reorder it", k, v)
				}
			}
		}
	}
}

// Rendering every key with arguments of the right kinds never shows a
// formatting error.
func TestEveryKeyRenders(t *testing.T) {
	for _, lang := range Langs {
		p := For(lang)
		for _, area := range all {
			for k, text := range area {
				args := sampleArgs(text.EN)
				got := p.Text(M(k, args...))
				if strings.Contains(got, "%!") {
					t.Errorf("%s %s renders %q", lang, k, got)
				}
			}
		}
	}
}

// sampleArgs gives one argument per positional verb of text.
func sampleArgs(text string) []any {
	var args []any
	for _, v := range placeholders(text) {
		n := int(v[2] - '0')
		for len(args) < n {
			args = append(args, nil)
		}
		if strings.HasSuffix(v, "d") {
			args[n-1] = 3
		} else {
			args[n-1] = "x"
		}
	}
	return args
}

func TestEscapingTouchesArgumentsOnly(t *testing.T) {
	upper := strings.ToUpper
	got := For(EN).Escaped(M(untilKey, "at", Raw("raw")), upper)
	if got != "AT UTC, in raw" {
		t.Fatalf("got %q", got)
	}
	if got := For(ZH).Text(Sentences(Plain("一。"), Plain("二。"))); got != "一。二。" {
		t.Fatalf("zh sentences %q", got)
	}
	if got := For(EN).Text(Sentences(Plain("One."), Msg{}, Plain("Two."))); got != "One. Two." {
		t.Fatalf("en sentences %q", got)
	}
	if got := For(EN).Text(Lines(Plain("a"), Plain("b"))); got != "a\nb" {
		t.Fatalf("lines %q", got)
	}
}

func TestDurations(t *testing.T) {
	now := time.Date(2026, 12, 2, 6, 12, 0, 0, time.UTC)
	if got := For(EN).Until(now.Add(2*time.Minute), now); got != "06:14 UTC, in 2m0s" {
		t.Errorf("en %q", got)
	}
	if got := For(ZH).Until(now.Add(90*time.Second), now); got != "06:13 UTC（1分30秒后）" {
		t.Errorf("zh %q", got)
	}
	if got := For(ZH).Duration(2*time.Hour + 5*time.Second); got != "2小时0分5秒" {
		t.Errorf("zh %q", got)
	}
}
