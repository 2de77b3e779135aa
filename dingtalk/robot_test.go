package dingtalk_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/signout-bot/signout-bot/dingtalk"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

func TestSendGroupMessage(t *testing.T) {
	env := newEnv(t)
	param := map[string]string{"title": "Sign-out", "text": "**alice** signed out"}
	if err := env.client.SendGroupMessage(testContext(t), fakedingtalk.ClientID, "cidGROUP==", "sampleMarkdown", param); err != nil {
		t.Fatal(err)
	}
	r := env.fake.Requests(fakedingtalk.PathGroupSend)[0]
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	s, ok := body["msgParam"].(string)
	if !ok {
		t.Fatalf("msgParam is %T, want a JSON string: %s", body["msgParam"], r.Body)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(s), &got); err != nil || got["title"] != "Sign-out" || got["text"] != param["text"] {
		t.Errorf("msgParam %q (%v)", s, err)
	}
	if body["robotCode"] != fakedingtalk.ClientID || body["openConversationId"] != "cidGROUP==" || body["msgKey"] != "sampleMarkdown" {
		t.Errorf("body %s", r.Body)
	}
	if msgs := env.fake.GroupMessages(); len(msgs) != 1 || msgs[0].OpenConversationID != "cidGROUP==" {
		t.Errorf("fake recorded %+v", msgs)
	}
}

func TestSendGroupMessageRawParam(t *testing.T) {
	env := newEnv(t)
	if err := env.client.SendGroupMessage(testContext(t), fakedingtalk.ClientID, "cid", "sampleText", `{"content":"hi"}`); err != nil {
		t.Fatal(err)
	}
	if msgs := env.fake.GroupMessages(); len(msgs) != 1 || string(msgs[0].MsgParam) != `{"content":"hi"}` {
		t.Errorf("fake recorded %+v", msgs)
	}
}

func TestSendGroupMessageRejected(t *testing.T) {
	env := newEnv(t)
	err := env.client.SendGroupMessage(testContext(t), "wrong-robot", "cid", "sampleText", map[string]string{"content": "x"})
	if ae := apiError(t, err); ae.Code != "invalid.param" || ae.HTTPStatus != 400 {
		t.Errorf("err = %v", err)
	}
}

func TestSendDirectMessageInvalidStaff(t *testing.T) {
	env := newEnv(t)
	err := env.client.SendDirectMessage(testContext(t), fakedingtalk.ClientID, []string{alice.UserID, "ghost"}, "sampleText", map[string]string{"content": "hi"})
	ae := apiError(t, err)
	if ae.Code != dingtalk.CodeInvalidStaff || !strings.Contains(ae.Message, "ghost") || !strings.Contains(ae.Explain(), "ghost") {
		t.Errorf("err = %v, explain %q", err, ae.Explain())
	}
	if msgs := env.fake.DirectMessages(); len(msgs) != 1 || len(msgs[0].UserIDs) != 1 || msgs[0].UserIDs[0] != alice.UserID {
		t.Errorf("delivered %+v", msgs)
	}
	if n := len(env.fake.Requests(fakedingtalk.PathBatchSend)); n != 1 {
		t.Errorf("a partial failure was retried (%d requests)", n)
	}
}

func TestSendDirectMessage(t *testing.T) {
	env := newEnv(t)
	if err := env.client.SendDirectMessage(testContext(t), fakedingtalk.ClientID, []string{alice.UserID, bob.UserID}, "sampleText", map[string]string{"content": "hi"}); err != nil {
		t.Fatal(err)
	}
	var body struct {
		UserIDs  []string `json:"userIds"`
		MsgParam string   `json:"msgParam"`
	}
	if err := json.Unmarshal(env.fake.Requests(fakedingtalk.PathBatchSend)[0].Body, &body); err != nil || len(body.UserIDs) != 2 || body.MsgParam != `{"content":"hi"}` {
		t.Errorf("body %+v (%v)", body, err)
	}
}

func TestSendDirectMessageFlowControlled(t *testing.T) {
	env := newEnv(t)
	env.fake.Script(fakedingtalk.PathBatchSend, fakedingtalk.Response{Body: `{"processQueryKey":"k","invalidStaffIdList":[],"flowControlledStaffIdList":["alice-ea"]}`})
	err := env.client.SendDirectMessage(testContext(t), fakedingtalk.ClientID, []string{alice.UserID}, "sampleText", map[string]string{"content": "hi"})
	if ae := apiError(t, err); ae.Code != dingtalk.CodeFlowControlled || !strings.Contains(ae.Explain(), "alice-ea") {
		t.Errorf("err = %v", err)
	}
}

func TestPostSessionWebhook(t *testing.T) {
	env := newEnv(t)
	hook := env.fake.SessionWebhookURL("sess-1")
	msg := map[string]any{"msgtype": "text", "text": map[string]string{"content": "done"}, "at": map[string]any{"atUserIds": []string{alice.UserID}}}
	if err := env.client.PostSessionWebhook(testContext(t), hook, msg); err != nil {
		t.Fatal(err)
	}
	got := env.fake.SessionMessages("sess-1")
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1", len(got))
	}
	var m map[string]any
	if err := json.Unmarshal(got[0], &m); err != nil || m["msgtype"] != "text" {
		t.Errorf("message %s (%v)", got[0], err)
	}
	r := env.fake.Requests(fakedingtalk.PathSessionWebhook)[0]
	if r.Header.Get("x-acs-dingtalk-access-token") != "" || r.Query.Get("access_token") != "" {
		t.Error("the access token was sent to a session webhook")
	}
	if n := len(env.fake.Requests(fakedingtalk.PathAccessToken)); n != 0 {
		t.Errorf("a session webhook fetched a token (%d requests)", n)
	}
}

func TestPostSessionWebhookErrcode(t *testing.T) {
	env := newEnv(t)
	hook := env.fake.SessionWebhookURL("sess-known")
	unknown := strings.Replace(hook, "sess-known", "sess-secret-key-123", 1)
	err := env.client.PostSessionWebhook(testContext(t), unknown, map[string]string{"msgtype": "text"})
	ae := apiError(t, err)
	if ae.Code != "300001" || ae.Temporary() {
		t.Errorf("err = %v", err)
	}
	if n := len(env.fake.Requests(fakedingtalk.PathSessionWebhook)); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
	if strings.Contains(err.Error(), "sess-secret-key-123") {
		t.Errorf("error shows the session key: %v", err)
	}
}

func TestPostSessionWebhookHTTPErrors(t *testing.T) {
	env := newEnv(t)
	hook := env.fake.SessionWebhookURL("s")
	env.fake.Script(fakedingtalk.PathSessionWebhook,
		fakedingtalk.Response{Status: 500, Body: `{"errcode":-1,"errmsg":"busy"}`},
		fakedingtalk.Response{Status: 503, ContentType: "text/html", Body: "<h1>unavailable</h1>"},
	)
	if err := env.client.PostSessionWebhook(testContext(t), hook, json.RawMessage(`{"msgtype":"text","text":{"content":"x"}}`)); err != nil {
		t.Fatalf("not retried to success: %v", err)
	}
	if n := len(env.fake.SessionMessages("s")); n != 1 {
		t.Errorf("%d messages", n)
	}
	// A 404 with errcode 0 in the body is still a failure.
	env.fake.Script(fakedingtalk.PathSessionWebhook, fakedingtalk.Response{Status: 404, Body: `{"errcode":0,"errmsg":"ok"}`})
	err := env.client.PostSessionWebhook(testContext(t), hook, map[string]string{"msgtype": "text"})
	if ae := apiError(t, err); ae.HTTPStatus != 404 {
		t.Errorf("err = %v", err)
	}
}
