package dingtalk_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

func TestSignOutWireFormat(t *testing.T) {
	env := newEnv(t)
	i18n := map[string]string{"en_US": "Signed out by IT: lost laptop", "zh_CN": "IT 已将您登出：笔记本丢失"}
	if err := env.client.SignOut(testContext(t), alice.UserID, "lost laptop (INC-42)", i18n); err != nil {
		t.Fatal(err)
	}
	r := env.fake.Requests(fakedingtalk.PathSignOut)[0]
	if r.Method != "POST" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
	}
	if r.Header.Get("x-acs-dingtalk-access-token") == "" || r.Header.Get("Authorization") != "" || len(r.Query) != 0 {
		t.Errorf("token not sent (only) in x-acs-dingtalk-access-token: header %v query %v", r.Header, r.Query)
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"userId": alice.UserID, "reason": "lost laptop (INC-42)",
		"reasonI18nForEmployee": map[string]any{"en_US": i18n["en_US"], "zh_CN": i18n["zh_CN"]},
	}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("body %s\nwant %v", r.Body, want)
	}
	if got := env.fake.SignOuts(); len(got) != 1 || got[0].Reason != "lost laptop (INC-42)" || got[0].ReasonI18n["zh_CN"] != i18n["zh_CN"] {
		t.Errorf("fake recorded %+v", got)
	}
}

func TestSignOutOmitsEmptyOptionalFields(t *testing.T) {
	env := newEnv(t)
	if err := env.client.SignOut(testContext(t), alice.UserID, "", map[string]string{}); err != nil {
		t.Fatal(err)
	}
	if got := string(env.fake.Requests(fakedingtalk.PathSignOut)[0].Body); got != `{"userId":"alice-ea"}` {
		t.Errorf("body %s", got)
	}
}

func TestInvalidInputMakesNoCall(t *testing.T) {
	env := newEnv(t)
	ctx := testContext(t)
	errs := []error{
		env.client.SignOut(ctx, "  ", "x", nil),
		func() error { _, err := env.client.UserIDByMobile(ctx, ""); return err }(),
		func() error { _, err := env.client.User(ctx, ""); return err }(),
		env.client.SendGroupMessage(ctx, "", "cid", "sampleText", map[string]string{"content": "x"}),
		env.client.SendDirectMessage(ctx, fakedingtalk.ClientID, nil, "sampleText", map[string]string{"content": "x"}),
		env.client.SendDirectMessage(ctx, fakedingtalk.ClientID, make([]string, 21), "sampleText", map[string]string{"content": "x"}),
		env.client.SendGroupMessage(ctx, fakedingtalk.ClientID, "cid", "sampleText", "{not json"),
		env.client.SendGroupMessage(ctx, fakedingtalk.ClientID, "cid", "sampleText", map[string]string{"content": strings.Repeat("x", 15001)}),
		env.client.PostSessionWebhook(ctx, "file:///etc/passwd", map[string]string{"msgtype": "text"}),
	}
	for i, err := range errs {
		if err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
	if n := len(env.fake.Requests(fakedingtalk.PathAccessToken)); n != 0 {
		t.Errorf("invalid input still reached DingTalk (%d token requests)", n)
	}
}

func TestUserIDByMobilePrefersEnterpriseAccount(t *testing.T) {
	env := newEnv(t)
	// Carol has a personal account and an Enterprise Account on one number.
	env.fake.AddUser(fakedingtalk.FakeUser{UserID: "carol-personal", Name: "Carol", Mobile: "13800000003"})
	env.fake.AddUser(fakedingtalk.FakeUser{UserID: "carol-ea", Name: "Carol", Mobile: "13800000003", Exclusive: true})
	ctx := testContext(t)
	id, err := env.client.UserIDByMobile(ctx, "13800000003")
	if err != nil || id != "carol-ea" {
		t.Fatalf("UserIDByMobile = %q, %v; want carol-ea", id, err)
	}
	r := env.fake.Requests(fakedingtalk.PathGetByMobile)[0]
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["mobile"] != "13800000003" || body["support_exclusive_account_search"] != true {
		t.Errorf("body %s", r.Body)
	}
	if r.Query.Get("access_token") != env.fake.CurrentToken() {
		t.Errorf("query token %q, want the current token", r.Query.Get("access_token"))
	}
	// Without an Enterprise Account the plain userid comes back.
	if id, err := env.client.UserIDByMobile(ctx, bob.Mobile); err != nil || id != bob.UserID {
		t.Errorf("UserIDByMobile(bob) = %q, %v", id, err)
	}
}

func TestUserIDByMobileEmptyResult(t *testing.T) {
	env := newEnv(t)
	env.fake.Script(fakedingtalk.PathGetByMobile, fakedingtalk.Response{Body: `{"errcode":0,"errmsg":"ok","result":{"exclusive_account_userid_list":[]}}`})
	_, err := env.client.UserIDByMobile(testContext(t), alice.Mobile)
	if !errors.Is(err, dingtalk.ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}

func TestUserFields(t *testing.T) {
	env := newEnv(t)
	env.fake.AddUser(fakedingtalk.FakeUser{UserID: "dave", Name: "Dave", Inactive: true})
	ctx := testContext(t)
	u, err := env.client.User(ctx, alice.UserID)
	if err != nil {
		t.Fatal(err)
	}
	want := dingtalk.User{UserID: alice.UserID, Name: alice.Name, Title: alice.Title, DeptIDs: alice.DeptIDs, Exclusive: true, Active: true}
	if !reflect.DeepEqual(u, want) {
		t.Errorf("User = %+v, want %+v", u, want)
	}
	var body map[string]string
	if err := json.Unmarshal(env.fake.Requests(fakedingtalk.PathUserGet)[0].Body, &body); err != nil || body["userid"] != alice.UserID || body["language"] != "en_US" {
		t.Errorf("body %v (%v)", body, err)
	}
	d, err := env.client.User(ctx, "dave")
	if err != nil || d.Active || d.Exclusive || d.Name != "Dave" {
		t.Errorf("User(dave) = %+v, %v", d, err)
	}
}

func TestUserAnswerAboutSomeoneElseRejected(t *testing.T) {
	env := newEnv(t)
	env.fake.Script(fakedingtalk.PathUserGet, fakedingtalk.Response{Body: `{"errcode":0,"errmsg":"ok","result":{"userid":"mallory","name":"Mallory"}}`})
	_, err := env.client.User(testContext(t), alice.UserID)
	var mm *dingtalk.UserIDMismatchError
	if !errors.As(err, &mm) || mm.Asked != alice.UserID || mm.Answered != "mallory" {
		t.Errorf("err = %v, want a UserIDMismatchError naming both", err)
	}
}

// DingTalk answers user/get for CEO001 about ceo001: the caller learns the
// canonical id instead of getting details it would file under the typed one.
func TestUserCanonicalIDDiffersFromTyped(t *testing.T) {
	env := newEnv(t)
	env.fake.AddUser(fakedingtalk.FakeUser{UserID: "ceo001", Name: "The Boss", Exclusive: true, Aliases: []string{"CEO001"}})
	u, err := env.client.User(testContext(t), "CEO001")
	var mm *dingtalk.UserIDMismatchError
	if !errors.As(err, &mm) || mm.Asked != "CEO001" || mm.Answered != "ceo001" {
		t.Fatalf("User(CEO001) = %+v, %v; want a UserIDMismatchError", u, err)
	}
	if !strings.Contains(err.Error(), `"CEO001"`) || !strings.Contains(err.Error(), `"ceo001"`) {
		t.Errorf("error text %q does not name both ids", err)
	}
	// A control character in DingTalk's answer does not reach the caller's text.
	env.fake.Script(fakedingtalk.PathUserGet, fakedingtalk.Response{Body: `{"errcode":0,"errmsg":"ok","result":{"userid":"ceo\n001"}}`})
	if _, err := env.client.User(testContext(t), "ceo001"); !errors.As(err, &mm) || strings.ContainsAny(mm.Answered, "\n\r") {
		t.Errorf("err = %v", err)
	}
}

func TestUserIDByMobileSeveralEnterpriseAccounts(t *testing.T) {
	env := newEnv(t)
	env.fake.AddUser(fakedingtalk.FakeUser{UserID: "carol-personal", Name: "Carol", Mobile: "13800000003"})
	env.fake.AddUser(fakedingtalk.FakeUser{UserID: "carol-ea2", Name: "Carol (contractor)", Mobile: "13800000003", Exclusive: true})
	env.fake.AddUser(fakedingtalk.FakeUser{UserID: "carol-ea1", Name: "Carol", Mobile: "13800000003", Exclusive: true})
	id, err := env.client.UserIDByMobile(testContext(t), "13800000003")
	var amb *dingtalk.AmbiguousMobileError
	if !errors.As(err, &amb) || id != "" {
		t.Fatalf("UserIDByMobile = %q, %v; want an AmbiguousMobileError", id, err)
	}
	if !reflect.DeepEqual(amb.UserIDs, []string{"carol-ea1", "carol-ea2"}) || amb.Mobile != "13800000003" {
		t.Errorf("error %+v", amb)
	}
	if errors.Is(err, dingtalk.ErrNotFound) || !strings.Contains(err.Error(), "carol-ea1, carol-ea2") {
		t.Errorf("error text %q", err)
	}
}

func TestUserIDByMobileListShapes(t *testing.T) {
	cases := []struct {
		name, result string
		want         string
		ambiguous    []string
	}{
		{"repeated id is one account", `{"userid":"p","exclusive_account_userid_list":["e1","e1"]}`, "e1", nil},
		{"empty entries ignored", `{"userid":"p","exclusive_account_userid_list":["","e1",""]}`, "e1", nil},
		{"no list: the userid", `{"userid":"p"}`, "p", nil},
		{"two distinct", `{"userid":"p","exclusive_account_userid_list":["e2","","e1","e2"]}`, "", []string{"e2", "e1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := newEnv(t)
			env.fake.Script(fakedingtalk.PathGetByMobile, fakedingtalk.Response{Body: `{"errcode":0,"errmsg":"ok","result":` + c.result + `}`})
			id, err := env.client.UserIDByMobile(testContext(t), alice.Mobile)
			var amb *dingtalk.AmbiguousMobileError
			switch {
			case c.ambiguous != nil:
				if !errors.As(err, &amb) || !reflect.DeepEqual(amb.UserIDs, c.ambiguous) {
					t.Errorf("= %q, %v; want ambiguous %v", id, err, c.ambiguous)
				}
			case err != nil || id != c.want:
				t.Errorf("= %q, %v; want %q", id, err, c.want)
			}
		})
	}
}
