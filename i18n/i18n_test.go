package i18n

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

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
		for _, m := range Samples("x") {
			if got := p.Text(m); strings.Contains(got, "%!") {
				t.Errorf("%s %s renders %q", lang, m.Key, got)
			}
		}
	}
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
	if got := For(ZH).Duration(2*time.Hour + 5*time.Second); got != "2小时5秒" {
		t.Errorf("zh %q", got)
	}
	// A zero expiry, or one long past, says nothing is left (and once
	// recursed forever on the most negative duration).
	for _, lang := range Langs {
		if got := For(lang).Until(time.Time{}, now); !strings.Contains(got, "0s") && !strings.Contains(got, "0秒") {
			t.Errorf("%s past expiry %q", lang, got)
		}
	}
}

func TestMsgSurvivesJSON(t *testing.T) {
	m := M(untilKey, "user <text>", Raw("AB12"), 3, Plain("nested"), []Msg{Plain("a"), Plain("b")})
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Msg
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Fatalf("%s came back as %#v", b, back)
	}
	var zero Msg
	if b, _ := json.Marshal(zero); string(b) != "null" {
		t.Fatalf("zero %s", b)
	}
	if _, err := json.Marshal(M("k", 1.5)); err == nil {
		t.Fatal("a float argument was stored")
	}
}
