package commands

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/i18n"
)

func uid(id string) Target { return Target{Kind: UserID, Value: id, Input: id} }

func TestParseTargetLists(t *testing.T) {
	phone := Target{Kind: Mobile, Value: "13800138000", Input: "13800138000"}
	cases := []struct {
		line    string
		targets []Target
		reason  string
	}{
		{"/signout alice,bob,13800138000 phishing wave 2", []Target{uid("alice"), uid("bob"), phone}, "phishing wave 2"},
		{"/signout alice, bob lost phones", []Target{uid("alice"), uid("bob")}, "lost phones"},
		{"/signout alice ,bob lost phones", []Target{uid("alice"), uid("bob")}, "lost phones"},
		{"/signout alice , bob , carol lost", []Target{uid("alice"), uid("bob"), uid("carol")}, "lost"},
		{"/signout alice，bob，carol 钓鱼", []Target{uid("alice"), uid("bob"), uid("carol")}, "钓鱼"},
		{"/signout alice、bob 钓鱼", []Target{uid("alice"), uid("bob")}, "钓鱼"},
		{"/signout alice， bob 钓鱼", []Target{uid("alice"), uid("bob")}, "钓鱼"},
		{`/signout "alice",bob x`, []Target{uid("alice"), uid("bob")}, "x"},
		{"/signout alice,alice x", []Target{uid("alice"), uid("alice")}, "x"}, // repeats are the engine's to skip
		{"/signout @张三\u2005@李四\u2005手机丢了", []Target{{Kind: Mention, Value: "@张三", Input: "@张三"}, {Kind: Mention, Value: "@李四", Input: "@李四"}}, "手机丢了"},
		{"/signout @张三 @李四 钓鱼", []Target{{Kind: Mention, Value: "@张三", Input: "@张三"}, {Kind: Mention, Value: "@李四", Input: "@李四"}}, "钓鱼"},
		{"/signout @张三，@李四 钓鱼", []Target{{Kind: Mention, Value: "@张三", Input: "@张三"}, {Kind: Mention, Value: "@李四", Input: "@李四"}}, "钓鱼"},
		{"/signout alice lost, phone", []Target{uid("alice")}, "lost, phone"}, // a comma in the reason is the reason's
	}
	for _, tc := range cases {
		cmd, err := Parse(tc.line, required)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.line, err)
			continue
		}
		want := Command{Kind: SignOut, Target: tc.targets[0], Reason: tc.reason}
		if len(tc.targets) > 1 {
			want.Targets = tc.targets
		}
		if !reflect.DeepEqual(cmd, want) {
			t.Errorf("Parse(%q)\n got %+v\nwant %+v", tc.line, cmd, want)
		}
	}
}

func TestParseTargetListProblems(t *testing.T) {
	sixty := make([]string, 60)
	for i := range sixty {
		sixty[i] = "user" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	cases := []struct {
		line string
		opt  Options
		key  i18n.Key
		en   string
	}{
		{"/signout " + strings.Join(sixty, ",") + " phishing", required, i18n.SyntaxTooManyTargets, "too many users (60): at most 50 in one request (signout.max_targets)"},
		{"/signout a,b,c x", Options{MaxTargets: 2}, i18n.SyntaxTooManyTargets, "too many users (3): at most 2 in one request (signout.max_targets)"},
		{"/signout @a @b @c x", Options{MaxTargets: 2}, i18n.SyntaxTooManyTargets, "too many users (3): at most 2 in one request (signout.max_targets)"},
		{"/signout alice,,bob x", required, i18n.SyntaxEmptyListItem, "empty entry in the list of users: write one user between two commas"},
		{"/signout alice,", Options{}, i18n.SyntaxEmptyListItem, ""},
	}
	for _, tc := range cases {
		_, err := Parse(tc.line, tc.opt)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Problem.Key != tc.key {
			t.Errorf("Parse(%q) = %v, want %s", tc.line, err, tc.key)
			continue
		}
		if tc.en != "" && se.Error() != tc.en {
			t.Errorf("Parse(%q) problem %q, want %q", tc.line, se.Error(), tc.en)
		}
	}
}
