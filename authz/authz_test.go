package authz

import "testing"

func TestPolicy(t *testing.T) {
	p := New(Rules{
		Invokers:  map[string][]string{"slack": {"U1"}, "dingtalk": {"manager4220"}},
		Protected: []string{"ceo001"},
	})
	cases := []struct {
		platform, user string
		want           bool
	}{
		{"slack", "U1", true},
		{"slack", "U2", false},
		{"dingtalk", "U1", false}, // an ID allowed on one platform is not allowed on another
		{"dingtalk", "manager4220", true},
		{"slack", "", false},
		{"irc", "U1", false},
	}
	for _, c := range cases {
		d := p.MayInvoke(c.platform, c.user)
		if d.Allowed != c.want || d.Code == "" || (!d.Allowed && d.Reason.IsZero()) {
			t.Errorf("MayInvoke(%q,%q) = %+v, want allowed=%v with a reason", c.platform, c.user, d, c.want)
		}
	}
	if d := p.MayTarget("ceo001"); d.Allowed || d.Code != "protected" || d.Reason.IsZero() {
		t.Errorf("protected target allowed: %+v", d)
	}
	if d := p.MayTarget("alice"); !d.Allowed {
		t.Errorf("ordinary target refused: %+v", d)
	}
	if d := New(Rules{}).MayInvoke("console", "console"); d.Allowed {
		t.Error("a platform without rules allowed someone")
	}
}

func TestProtectedComparedAfterNormalisation(t *testing.T) {
	p := New(Rules{Protected: []string{"ceo001", " CFO002 ", "Board-Chair"}})
	for _, id := range []string{"ceo001", "CEO001", "Ceo001", " ceo001\t", "cfo002", "CFO002", "board-chair", "BOARD-CHAIR"} {
		if d := p.MayTarget(id); d.Allowed {
			t.Errorf("MayTarget(%q) allowed a protected account", id)
		}
	}
	for _, id := range []string{"ceo0011", "ceo00", "alice", ""} {
		if d := p.MayTarget(id); !d.Allowed {
			t.Errorf("MayTarget(%q) refused: %+v", id, d)
		}
	}
}
