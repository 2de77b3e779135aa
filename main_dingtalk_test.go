package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
)

// dingtalkHost is one loopback host that serves, like api.dingtalk.com,
// both the OpenAPI and the stream gateway (the latter through a proxy that
// keeps the Host header, so the gateway hands out this host's websocket).
func dingtalkHost(t *testing.T) (*fakedingtalk.OpenAPI, *fakedingtalk.Gateway, string) {
	api := fakedingtalk.NewOpenAPI(t)
	gw := fakedingtalk.NewGateway(t)
	target, _ := url.Parse(gw.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	mux := http.NewServeMux()
	mux.Handle(fakedingtalk.PathOpenConnection, proxy)
	mux.Handle(fakedingtalk.PathConnect, proxy)
	mux.Handle("/", api)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return api, gw, srv.URL
}

// The real process, in stream mode, signing someone out for a DingTalk group.
func TestDingTalkGroupEndToEnd(t *testing.T) {
	api, gw, host := dingtalkHost(t)
	api.AddUser(fakedingtalk.FakeUser{UserID: "alice", Name: "Alice Liddell", Exclusive: true})
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf(`
dingtalk:
  client_id: %s
  client_secret: ${DT_SECRET}
  corp_id: dingcorp1
  api_url: %s
  oapi_url: %s
authz:
  dingtalk_users: [manager4220]
audit:
  file: %s
http:
  listen: ""
log:
  level: debug
`, fakedingtalk.ClientID, host, host, filepath.Join(dir, "audit.jsonl")))
	p := start(t, dir, []string{"DT_SECRET=" + fakedingtalk.ClientSecret}, "-config", cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := gw.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("no stream connection: %v\nstderr: %s", err, p.stderr)
	}

	msg := func(id, text string) fakedingtalk.RobotMessage {
		return fakedingtalk.RobotMessage{
			ConversationID: "cidGroup1", ConversationType: "2", MsgID: id, MsgType: "text",
			SenderStaffID: "manager4220", SenderCorpID: "dingcorp1", ChatbotUserID: "$:bot",
			SessionWebhook: api.SessionWebhookURL("grp"), SessionWebhookExpiredTime: time.Now().Add(time.Hour).UnixMilli(),
			Text: &fakedingtalk.MessageText{Content: " " + text}, IsInAtList: true,
		}
	}
	id, err := gw.SendRobotMessage(ctx, msg("m1", "/signout alice lost phone"))
	if err != nil {
		t.Fatal(err)
	}
	if ack, err := gw.WaitAck(ctx, id); err != nil || ack.Code != 200 {
		t.Fatalf("ack %+v %v", ack, err)
	}
	// DingTalk speaks Chinese by default (language.dingtalk).
	code := awaitSession(ctx, t, api, "grp", `确认 ([A-Z0-9]{6})`)
	if _, err := gw.SendRobotMessage(ctx, msg("m2", "确认 "+code)); err != nil {
		t.Fatal(err)
	}
	awaitSession(ctx, t, api, "grp", `已将 Alice Liddell \(alice\) 在所有设备上强制退出钉钉登录`)
	if so := api.SignOuts(); len(so) != 1 || so[0].UserID != "alice" {
		t.Fatalf("signOuts %+v", so)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if rc := p.wait(); rc != 0 {
		t.Fatalf("exit %d; stderr %s", rc, p.stderr)
	}
	if strings.Contains(p.stderr.String(), fakedingtalk.ClientSecret) {
		t.Fatal("the app secret reached the log at debug level")
	}
	if got := eventNames(auditEvents(t, filepath.Join(dir, "audit.jsonl"))); got != "requested,confirmed,succeeded" {
		t.Fatalf("audit %s", got)
	}
}

// awaitSession waits until a message posted to session matches re and
// returns its first submatch (or the whole match).
func awaitSession(ctx context.Context, t *testing.T, api *fakedingtalk.OpenAPI, session, re string) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	var m []string
	err := api.Await(ctx, re, func() bool {
		for _, msg := range api.SessionMessages(session) {
			if m = rx.FindStringSubmatch(string(msg)); m != nil {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
	return m[len(m)-1]
}
