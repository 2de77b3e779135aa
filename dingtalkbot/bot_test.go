package dingtalkbot

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

func TestGroupHappyPath(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	if !h.bot.Connected() {
		t.Error("not Connected() after the gateway accepted the connection")
	}
	if h.bot.Name() != "dingtalk" {
		t.Errorf("Name() = %q", h.bot.Name())
	}
	h.send(h.group(manager, "/signout zhangsan lost phone", "s-cmd"))
	prompt := h.waitSession("s-cmd", 1)[0]
	c := code(t, prompt)
	if prompt.MsgType != "markdown" || !slices.Equal(prompt.At.AtUserIDs, []string{manager}) {
		t.Errorf("prompt is not a markdown @%s: %+v", manager, prompt)
	}
	for _, want := range []string{"@" + manager, "Zhang San (zhangsan)", "Title: Engineer", "Reason: lost phone", "confirm " + c, "cancel " + c, "@mention me", "req-"} {
		if !strings.Contains(prompt.text(), want) {
			t.Errorf("prompt lacks %q:\n%s", want, prompt.text())
		}
	}

	h.send(h.group(manager, "confirm "+c, "s-confirm"))
	h.awaitAPI("the result in the command's conversation", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
	h.stop()

	signOuts := h.api.SignOuts()
	if len(signOuts) != 1 || signOuts[0].UserID != "zhangsan" || signOuts[0].Reason != "lost phone" {
		t.Fatalf("signOuts = %+v, want one for zhangsan", signOuts)
	}
	result := h.session("s-cmd")[1]
	if !strings.Contains(result.text(), "Signed out Zhang San (zhangsan)") || result.Markdown.Title != "Signed out" ||
		!slices.Equal(result.At.AtUserIDs, []string{manager}) {
		t.Errorf("result = %+v", result)
	}
	if progress := h.session("s-confirm"); len(progress) != 1 || !strings.Contains(progress[0].text(), "Signing out") {
		t.Errorf("confirm conversation got %+v", progress)
	}
	if got := h.auditEvents(); !slices.Equal(got, []string{"requested", "confirmed", "succeeded"}) {
		t.Errorf("audit events = %q", got)
	}
	if n := len(h.api.GroupMessages()) + len(h.api.DirectMessages()); n != 0 {
		t.Errorf("%d robot API messages although the webhook worked", n)
	}
}

func TestDirectPromptHasDtmdButtons(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.send(h.direct(manager, "/signout zhangsan lost phone", "s-dm"))
	prompt := h.waitSession("s-dm", 1)[0]
	if prompt.MsgType != "actionCard" || len(prompt.ActionCard.Btns) != 2 {
		t.Fatalf("prompt = %+v, want an actionCard with two buttons", prompt)
	}
	c := code(t, prompt)
	confirm, cancel := prompt.ActionCard.Btns[0], prompt.ActionCard.Btns[1]
	if want := "dtmd://dingtalkclient/sendMessage?content=confirm+" + c; confirm.ActionURL != want {
		t.Errorf("confirm button %q, want %q", confirm.ActionURL, want)
	}
	if want := "dtmd://dingtalkclient/sendMessage?content=cancel+" + c; cancel.ActionURL != want {
		t.Errorf("cancel button %q, want %q", cancel.ActionURL, want)
	}
	if u, err := url.Parse(confirm.ActionURL); err != nil || u.Query().Get("content") != "confirm "+c {
		t.Errorf("confirm button does not decode to the typed text: %v", err)
	}
	if !strings.Contains(prompt.ActionCard.Text, "**confirm "+c+"**") || len(prompt.At.AtUserIDs) != 0 {
		t.Errorf("card text lacks the typed fallback, or @mentions in a 1:1 chat:\n%+v", prompt)
	}

	// Tapping Cancel sends "cancel CODE" as the user.
	u, _ := url.Parse(cancel.ActionURL)
	h.send(h.direct(manager, u.Query().Get("content"), "s-dm2"))
	h.waitSession("s-dm2", 1)
	h.stop()
	if got := h.session("s-dm2")[0]; !strings.Contains(got.text(), "Cancelled request") {
		t.Errorf("cancel answered %q", got.text())
	}
	if n := len(h.api.SignOuts()); n != 0 {
		t.Errorf("%d sign-outs after cancel", n)
	}
}

func TestConfirmInDirectChatForGroupRequest(t *testing.T) {
	h := newHarness(t, harnessOptions{robotName: "signout-bot"})
	h.send(h.group(manager, "/signout zhangsan lost phone", "s-cmd"))
	prompt := h.waitSession("s-cmd", 1)[0]
	c := code(t, prompt)
	if !strings.Contains(prompt.text(), "**@signout-bot confirm "+c+"**") {
		t.Errorf("prompt does not name the robot:\n%s", prompt.text())
	}
	h.send(h.direct(manager, "/signout confirm "+c, "s-dm"))
	h.awaitAPI("the result in the group", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
	h.stop()
	if n := len(h.api.SignOuts()); n != 1 {
		t.Fatalf("%d sign-outs, want 1", n)
	}
}

func TestOtherCorpIgnored(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	m := h.group(manager, "/signout zhangsan lost phone", "s-cmd")
	m.SenderCorpID = "dingothercorp"
	h.send(m)
	m = h.direct(manager, "help", "s-dm")
	m.SenderCorpID = ""
	h.send(m)
	h.stop()
	if calls := h.engine.Calls(); len(calls) != 0 {
		t.Errorf("engine called for another corp: %+v", calls)
	}
	if rs := h.api.Requests(fakedingtalk.PathSessionWebhook); len(rs) != 0 {
		t.Errorf("%d replies to another corp", len(rs))
	}
	if !strings.Contains(h.logs.String(), "sender_corp=dingothercorp") {
		t.Error("the ignored message was not logged")
	}
}

func TestUnauthorizedSender(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.send(h.group(intern, "/signout zhangsan lost phone", "s-cmd"))
	reply := h.waitSession("s-cmd", 1)[0]
	m := h.group("", "/signout zhangsan lost phone", "s-anon") // a sender DingTalk did not identify
	h.send(m)
	anon := h.waitSession("s-anon", 1)[0]
	h.stop()
	if !strings.Contains(reply.text(), "You may not sign people out") || !slices.Equal(reply.At.AtUserIDs, []string{intern}) {
		t.Errorf("reply = %+v", reply)
	}
	if !strings.Contains(anon.text(), "could not be identified") || anon.At.AtUserIDs != nil {
		t.Errorf("anonymous reply = %+v", anon)
	}
	if n := len(h.api.SignOuts()); n != 0 {
		t.Errorf("%d sign-outs", n)
	}
	if got := h.auditEvents(); !slices.Equal(got, []string{"denied", "denied"}) {
		t.Errorf("audit = %q", got)
	}
}

func TestRedeliveryHandledOnce(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	cmd := h.group(manager, "/signout zhangsan lost phone", "s-cmd")
	h.send(cmd)
	h.send(cmd) // same msgId, new frame
	c := code(t, h.waitSession("s-cmd", 1)[0])
	confirm := h.group(manager, "confirm "+c, "s-confirm")
	h.send(confirm)
	h.send(confirm)
	h.awaitAPI("the result", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
	h.send(confirm) // after it was handled
	h.stop()

	if n := len(h.api.SignOuts()); n != 1 {
		t.Errorf("%d sign-outs, want 1", n)
	}
	if msgs := h.session("s-cmd"); len(msgs) != 2 || !strings.Contains(msgs[1].text(), "Signed out") {
		t.Errorf("command conversation got %d messages, want a prompt and a result", len(msgs))
	}
	if msgs := h.session("s-confirm"); len(msgs) != 1 {
		t.Errorf("confirm conversation got %d messages, want 1", len(msgs))
	}
	if n := len(h.engine.Calls()); n != 2 {
		t.Errorf("engine called %d times, want 2", n)
	}
	if n := strings.Count(h.logs.String(), "ignored a redelivered message"); n != 3 {
		t.Errorf("%d redeliveries logged, want 3", n)
	}
}

func TestConfirmByAnotherUserRefused(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.send(h.group(manager, "/signout zhangsan lost phone", "s-cmd"))
	c := code(t, h.waitSession("s-cmd", 1)[0])
	h.send(h.group(manager2, "confirm "+c, "s-other"))
	refusal := h.waitSession("s-other", 1)[0]
	if !strings.Contains(refusal.text(), "Only "+manager) || !slices.Equal(refusal.At.AtUserIDs, []string{manager2}) {
		t.Errorf("refusal = %+v", refusal)
	}
	if n := len(h.api.SignOuts()); n != 0 {
		t.Fatalf("another user's confirm signed out %d", n)
	}
	h.send(h.group(manager, "confirm "+c, "s-confirm"))
	h.awaitAPI("the result", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
	h.stop()
	if n := len(h.api.SignOuts()); n != 1 {
		t.Errorf("%d sign-outs, want 1", n)
	}
}

func TestWrongAndExpiredCodes(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.send(h.direct(manager, "confirm ZZZZ99", "s-wrong"))
	if got := h.waitSession("s-wrong", 1)[0]; !strings.Contains(got.text(), "No pending request has code ZZZZ99") {
		t.Errorf("wrong code answered %q", got.text())
	}
	h.send(h.direct(manager, "confirm !!", "s-bad"))
	if got := h.waitSession("s-bad", 1)[0]; !strings.Contains(got.text(), "invalid code") {
		t.Errorf("malformed code answered %q", got.text())
	}

	h.send(h.direct(manager, "/signout zhangsan lost phone", "s-cmd"))
	c := code(t, h.waitSession("s-cmd", 1)[0])
	h.clock.Advance(3 * time.Minute)
	h.send(h.direct(manager, "confirm "+c, "s-late"))
	late := h.waitSession("s-late", 1)[0]
	h.stop()
	if !strings.Contains(late.text(), "expired") {
		t.Errorf("late confirm answered %q", late.text())
	}
	if n := len(h.api.SignOuts()); n != 0 {
		t.Errorf("%d sign-outs", n)
	}
}

func TestMentionTarget(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	m := h.group(manager, "/signout @张三\u2005lost phone", "s-cmd")
	m.AtUsers = append(m.AtUsers, fakedingtalk.AtUser{DingtalkID: "$:LWCP_v1:$zs", StaffID: "zhangsan"})
	h.send(m)
	prompt := h.waitSession("s-cmd", 1)[0]
	for _, want := range []string{"Zhang San (zhangsan)", "Found by: mention @张三"} {
		if !strings.Contains(prompt.text(), want) {
			t.Errorf("prompt lacks %q:\n%s", want, prompt.text())
		}
	}
	h.send(h.group(manager, "confirm "+code(t, prompt), "s-confirm"))
	h.awaitAPI("the result", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
	h.stop()
	if so := h.api.SignOuts(); len(so) != 1 || so[0].UserID != "zhangsan" {
		t.Errorf("signOuts = %+v", so)
	}
	if calls := h.engine.Calls(); !slices.Equal(calls[0].Mentions, []bot.Mention{{Self: true}, {UserID: "zhangsan"}}) || calls[0].MentionWords != 1 {
		t.Errorf("mentions = %+v, %d @-words", calls[0].Mentions, calls[0].MentionWords)
	}
}

// TestMentionsThatCannotNameOnePerson: DingTalk's atUsers carry no
// position, so wherever a mention could belong to someone other than the
// target token the refusal goes over the wire and nothing is requested.
func TestMentionsThatCannotNameOnePerson(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	zs := fakedingtalk.AtUser{DingtalkID: "$:zs", StaffID: "zhangsan"}
	ls := fakedingtalk.AtUser{DingtalkID: "$:ls", StaffID: "lisi"}
	self := fakedingtalk.AtUser{DingtalkID: botUserID}
	const ambiguous = "is not a person picked from the @ list, or other people are @mentioned too. Mention only the person to sign out"
	for _, tc := range []struct {
		session, text string
		atUsers       []fakedingtalk.AtUser // besides the bot's own
		want          string
	}{
		{"s-two", "/signout @张三\u2005@李四\u2005lost phone", []fakedingtalk.AtUser{zs, ls}, "@张三 " + ambiguous},
		// Issue 9 item 1: @Guest typed by hand, 李四 a real mention in the reason.
		{"s-typed", "/signout @Guest lost phone, cc @李四\u2005", []fakedingtalk.AtUser{ls}, "@Guest " + ambiguous},
		// The same, with the real mention before the command word.
		{"s-before", "@李四\u2005/signout @Guest lost phone", []fakedingtalk.AtUser{ls}, "@Guest " + ambiguous},
		// An outsider (no staffId) as the target, a colleague in the reason.
		{"s-out", "/signout @Guest\u2005lost phone, cc @李四\u2005", []fakedingtalk.AtUser{{DingtalkID: "$:guest"}, ls}, "@Guest " + ambiguous},
		{"s-outsider", "/signout @Guest\u2005lost phone", []fakedingtalk.AtUser{{DingtalkID: "$:guest"}}, "DingTalk gave no userId for @Guest"},
		{"s-hand", "/signout @Guest lost phone", nil, "@Guest is not a person picked from the @ list"},
		// The bot @mentioned again, where the target is: whether DingTalk
		// strips that mention too or leaves it in, nothing is requested.
		{"s-self", "/signout @signout-bot\u2005alice asked me to test", []fakedingtalk.AtUser{self}, "I can't sign out myself"},
		{"s-self-stripped", "/signout  alice asked me to test", []fakedingtalk.AtUser{self}, "I can't sign out myself"},
	} {
		m := h.group(manager, tc.text, tc.session)
		m.AtUsers = append(m.AtUsers, tc.atUsers...)
		h.send(m)
		if got := h.waitSession(tc.session, 1)[0]; !strings.Contains(got.text(), tc.want) || strings.Contains(got.text(), "confirm ") {
			t.Errorf("%s: answered %q, want %q", tc.session, got.text(), tc.want)
		}
	}
	h.stop()
	if n := len(h.api.SignOuts()); n != 0 || strings.Contains(h.logs.String(), "sign-out requested") {
		t.Errorf("a request was made: %d sign-outs", n)
	}
	if ev := h.auditEvents(); slices.Contains(ev, "requested") {
		t.Errorf("audit events %q", ev)
	}
}

func TestBotMentionOnlyAndEmptyText(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.send(h.group(manager, "", "s-group"))
	h.send(h.direct(manager, " \u2005 ", "s-dm"))
	g, d := h.waitSession("s-group", 1)[0], h.waitSession("s-dm", 1)[0]
	h.stop()
	for _, m := range []webhookMsg{g, d} {
		if m.Markdown.Title != "signout-bot help" || !strings.Contains(m.text(), `/signout \<user\> \<reason\>`) {
			t.Errorf("usage reply = %+v", m)
		}
	}
}

func TestNonTextMessages(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	pic := h.direct(manager, "", "s-pic")
	pic.MsgType, pic.Text, pic.Content = "picture", nil, map[string]string{"downloadCode": "abc", "pictureDownloadCode": "def"}
	h.send(pic)
	rich := h.group(manager, "", "s-rich")
	rich.MsgType, rich.Text = "richText", nil
	rich.Content = map[string]any{"richText": []map[string]string{{"text": "/signout zhangsan lost phone"}}}
	h.send(rich)
	p, r := h.waitSession("s-pic", 1)[0], h.waitSession("s-rich", 1)[0]
	h.stop()
	for _, m := range []webhookMsg{p, r} {
		if !strings.Contains(m.text(), "I only read text messages") {
			t.Errorf("hint = %q", m.text())
		}
	}
	if calls := h.engine.Calls(); len(calls) != 0 {
		t.Errorf("engine called for non-text messages: %+v", calls)
	}
	if !strings.Contains(h.logs.String(), "msgtype=picture") || !strings.Contains(h.logs.String(), "msgtype=richText") {
		t.Error("non-text messages not logged")
	}
}

func TestMalformedFrames(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	for _, data := range []string{"{not json", `{"msgId":5}`, ``, `[]`} {
		id, err := h.gw.SendCallback(h.ctx, fakedingtalk.TopicRobotMessage, data)
		if err != nil {
			t.Fatal(err)
		}
		h.ack(id) // acknowledged: a redelivery would be just as malformed
	}
	// Frames the SDK itself can't decode (not JSON, a numeric header) get no
	// ack; the connection must survive them.
	for _, raw := range []string{`{"type":"CALLBACK"`, `{"specVersion":"1.0","type":"CALLBACK","headers":{"topic":"/v1.0/im/bot/messages/get","messageId":"m1","time":1690362102194},"data":"{}"}`} {
		if err := h.gw.SendRaw(h.ctx, []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	// An unknown topic gets a 404 ack.
	id, err := h.gw.SendCallback(h.ctx, "/v1.0/unknown/topic", "{}")
	if err != nil {
		t.Fatal(err)
	}
	if ack, err := h.gw.WaitAck(h.ctx, id); err != nil || ack.Code != 404 {
		t.Errorf("unknown topic: ack %+v, %v", ack, err)
	}
	ping, err := h.gw.Ping(h.ctx, "still-alive")
	if err != nil {
		t.Fatal(err)
	}
	h.ack(ping)
	h.stop()
	if calls := h.engine.Calls(); len(calls) != 0 {
		t.Errorf("engine called for malformed frames: %+v", calls)
	}
	if rs := h.api.Requests(fakedingtalk.PathSessionWebhook); len(rs) != 0 {
		t.Errorf("%d replies to malformed frames", len(rs))
	}
	if n := strings.Count(h.logs.String(), "dropped a malformed robot message frame"); n != 4 {
		t.Errorf("%d malformed frames logged, want 4", n)
	}
}

func TestPingEcho(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	id, err := h.gw.Ping(h.ctx, "123-dsfs")
	if err != nil {
		t.Fatal(err)
	}
	ack := h.ack(id)
	var echo struct{ Opaque string }
	if err := json.Unmarshal([]byte(ack.Data), &echo); err != nil || echo.Opaque != "123-dsfs" {
		t.Errorf("ping ack data %q, want the opaque echoed", ack.Data)
	}
}

func TestReconnectAfterDisconnect(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	if _, err := h.gw.Disconnect(h.ctx, "connection is expired"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "Connected() to turn false", func() bool { return !h.bot.Connected() })
	if err := h.gw.WaitConnected(h.ctx, 2); err != nil { // the SDK waits about 3 s
		t.Fatal(err)
	}
	waitFor(t, "Connected() to turn true", h.bot.Connected)
	h.send(h.group(manager, "/signout zhangsan lost phone", "s-cmd"))
	c := code(t, h.waitSession("s-cmd", 1)[0])
	h.send(h.group(manager, "confirm "+c, "s-confirm"))
	h.awaitAPI("the result", func() bool { return len(h.api.SessionMessages("s-cmd")) >= 2 })
	h.stop()
	if n := len(h.gw.Opens()); n != 2 {
		t.Errorf("%d open calls, want 2", n)
	}
	if n := len(h.api.SignOuts()); n != 1 {
		t.Errorf("%d sign-outs, want 1", n)
	}
	logs := h.logs.String()
	for msg, want := range map[string]int{
		"DingTalk stream connected": 2, "DingTalk stream disconnected": 1, "DingTalk stream closed": 1,
		"DingTalk asked the stream client to reconnect": 1,
	} {
		if n := strings.Count(logs, `msg="`+msg); n != want {
			t.Errorf("%q logged %d times, want %d", msg, n, want)
		}
	}
}

func TestGatewayRefusesFirstConnection(t *testing.T) {
	h := newHarness(t, harnessOptions{refuseOpens: 2})
	opens := h.gw.Opens()
	if len(opens) != 3 || opens[0].Status != 503 || opens[1].Status != 503 || opens[2].Status != 200 {
		t.Fatalf("opens = %+v", opens)
	}
	h.send(h.direct(manager, "help", "s-dm"))
	h.waitSession("s-dm", 1)
	h.stop()
	if n := strings.Count(h.logs.String(), "could not connect to the DingTalk stream gateway; retrying"); n != 2 {
		t.Errorf("%d failed attempts logged, want 2", n)
	}
}

func TestWebhookErrorFallsBackToRobotAPI(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	broken := h.api.URL() + fakedingtalk.PathSessionWebhook + "?session=never-opened" // answers errcode 300001
	cmd := h.group(manager, "/signout zhangsan lost phone", "")
	cmd.SessionWebhook = broken
	h.send(cmd)
	h.awaitAPI("the prompt through the robot API", func() bool { return len(h.api.GroupMessages()) >= 1 })
	prompt := h.api.GroupMessages()[0]
	var param struct{ Title, Text string }
	if err := json.Unmarshal(prompt.MsgParam, &param); err != nil {
		t.Fatal(err)
	}
	if prompt.MsgKey != "sampleMarkdown" || prompt.OpenConversationID != groupID || prompt.RobotCode != fakedingtalk.ClientID {
		t.Errorf("group message = %+v", prompt)
	}
	c := code(t, webhookMsg{Markdown: param})
	if strings.Contains(param.Text, "@"+manager) {
		t.Errorf("robot API markdown carries a dead @mention:\n%s", param.Text)
	}
	confirm := h.group(manager, "confirm "+c, "")
	confirm.SessionWebhook = broken
	h.send(confirm)
	h.awaitAPI("the result through the robot API", func() bool { return len(h.api.GroupMessages()) >= 3 })
	h.stop()
	if n := len(h.api.SignOuts()); n != 1 {
		t.Errorf("%d sign-outs, want 1", n)
	}
	var last struct{ Title, Text string }
	msgs := h.api.GroupMessages()
	_ = json.Unmarshal(msgs[len(msgs)-1].MsgParam, &last)
	if !strings.Contains(last.Text, "Signed out Zhang San") {
		t.Errorf("last group message %q", last.Text)
	}
	if rs := h.api.Requests(fakedingtalk.PathSessionWebhook); len(rs) != 3 {
		t.Errorf("%d webhook attempts, want 3 (prompt, progress, result)", len(rs))
	}
	if !strings.Contains(h.logs.String(), "sessionWebhook failed; replying through the robot API") {
		t.Error("fallback not logged")
	}
	if strings.Contains(h.logs.String(), "never-opened") {
		t.Error("the webhook's session key reached the logs")
	}
}

func TestExpiredWebhookInDirectChatUsesRobotAPI(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	m := h.direct(manager, "/signout zhangsan lost phone", "s-expired")
	m.SessionWebhookExpiredTime = time.Now().Add(-time.Minute).UnixMilli()
	h.send(m)
	h.awaitAPI("the prompt through the robot API", func() bool { return len(h.api.DirectMessages()) >= 1 })
	h.stop()
	if rs := h.api.Requests(fakedingtalk.PathSessionWebhook); len(rs) != 0 {
		t.Errorf("%d posts to an expired webhook", len(rs))
	}
	dm := h.api.DirectMessages()[0]
	var card map[string]string
	if err := json.Unmarshal(dm.MsgParam, &card); err != nil {
		t.Fatal(err)
	}
	c := code(t, webhookMsg{Markdown: struct{ Title, Text string }{Text: card["text"]}})
	if dm.MsgKey != "sampleActionCard2" || !slices.Equal(dm.UserIDs, []string{manager}) ||
		card["actionURL1"] != "dtmd://dingtalkclient/sendMessage?content=confirm+"+c ||
		card["actionURL2"] != "dtmd://dingtalkclient/sendMessage?content=cancel+"+c {
		t.Errorf("direct message = %+v %v", dm, card)
	}
}

func TestShutdownWaitsForConfirmedSignOut(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.send(h.group(manager, "/signout zhangsan lost phone", "s-cmd"))
	c := code(t, h.waitSession("s-cmd", 1)[0])
	h.api.Script(fakedingtalk.PathSignOut, fakedingtalk.Response{Delay: 300 * time.Millisecond})
	h.send(h.group(manager, "confirm "+c, "s-confirm"))
	if _, err := h.api.WaitRequests(h.ctx, fakedingtalk.PathSignOut, 1); err != nil {
		t.Fatal(err)
	}
	h.stop() // while DingTalk is still answering
	if n := len(h.api.SignOuts()); n != 1 {
		t.Fatalf("%d sign-outs, want 1", n)
	}
	msgs := h.session("s-cmd")
	if len(msgs) != 2 || !strings.Contains(msgs[1].text(), "Signed out") {
		t.Fatalf("Run returned before the result was posted: %d messages", len(msgs))
	}
	if got := h.auditEvents(); !slices.Equal(got, []string{"requested", "confirmed", "succeeded"}) {
		t.Errorf("audit = %q", got)
	}
}
