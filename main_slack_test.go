package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
	"github.com/signout-bot/signout-bot/internal/fakeslack"
)

// The real process in Socket Mode: a slash command, the ephemeral prompt,
// the click, the sign-out and the result in the channel.
func TestSlackEndToEnd(t *testing.T) {
	api := fakedingtalk.NewOpenAPI(t)
	api.AddUser(fakedingtalk.FakeUser{UserID: "alice", Name: "Alice Liddell", Exclusive: true})
	slack := fakeslack.New(t, fakeslack.Options{})
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf(`
slack:
  app_token: ${SLACK_APP_TOKEN}
  bot_token: ${SLACK_BOT_TOKEN}
  api_url: %s
dingtalk:
  client_id: %s
  client_secret: %s
  api_url: %s
  oapi_url: %s
  stream: false
authz:
  slack_users: [U1ALLOWED]
audit:
  file: %s
http:
  listen: ""
log:
  level: debug
`, slack.APIURL(), fakedingtalk.ClientID, fakedingtalk.ClientSecret, api.URL(), api.URL(), filepath.Join(dir, "audit.jsonl")))
	p := start(t, dir, []string{"SLACK_APP_TOKEN=" + fakeslack.AppToken, "SLACK_BOT_TOKEN=" + fakeslack.BotToken}, "-config", cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := slack.WaitConnected(ctx, 1); err != nil {
		t.Fatalf("no socket: %v\nstderr: %s", err, p.stderr)
	}

	env, err := slack.SendSlash(fakeslack.Slash{ChannelID: "C1", UserID: "U1ALLOWED", Text: "alice lost phone <!channel>", ResponseURL: slack.ResponseURL("cmd")})
	if err != nil {
		t.Fatal(err)
	}
	ack, err := slack.WaitAck(ctx, env)
	if err != nil || ack.Latency > 3*time.Second {
		t.Fatalf("ack %+v %v", ack, err)
	}
	rs, err := slack.WaitResponses(ctx, "cmd", 1)
	if err != nil {
		t.Fatal(err)
	}
	prompt := string(rs[0].Body)
	if rs[0].ResponseType != "ephemeral" || !strings.Contains(prompt, `"signout_confirm"`) || strings.Contains(prompt, "<!channel>") {
		t.Fatalf("prompt %s", prompt)
	}
	code := regexp.MustCompile(`"action_id":"signout_confirm"[^}]*"value":"([A-Z0-9]+)"|"value":"([A-Z0-9]+)"[^}]*"action_id":"signout_confirm"`).FindStringSubmatch(prompt)
	if code == nil {
		t.Fatalf("no confirm value in %s", prompt)
	}
	value := code[1] + code[2]
	if _, err := slack.SendClick(fakeslack.Click{UserID: "U1ALLOWED", ChannelID: "C1", ResponseURL: slack.ResponseURL("click"), ActionID: "signout_confirm", Value: value, Ephemeral: true}); err != nil {
		t.Fatal(err)
	}
	posts, err := slack.WaitCalls(ctx, "chat.postMessage", 1)
	if err != nil {
		t.Fatal(err)
	}
	if posts[0].Form.Get("channel") != "C1" || !strings.Contains(posts[0].Form.Get("text"), "Signed out Alice Liddell") || !posts[0].TokenOK {
		t.Fatalf("result post %v", posts[0].Form)
	}
	if so := api.SignOuts(); len(so) != 1 || so[0].UserID != "alice" {
		t.Fatalf("signOuts %+v", so)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if rc := p.wait(); rc != 0 {
		t.Fatalf("exit %d; stderr %s", rc, p.stderr)
	}
	for _, secret := range []string{fakeslack.AppToken, fakeslack.BotToken, fakedingtalk.ClientSecret} {
		if strings.Contains(p.stderr.String(), secret) {
			t.Fatalf("a secret reached the log at debug level")
		}
	}
	if got := eventNames(auditEvents(t, filepath.Join(dir, "audit.jsonl"))); got != "requested,confirmed,succeeded" {
		t.Fatalf("audit %s", got)
	}
}

// A revoked bot token stops the process with a clear message, exit 1.
func TestSlackFatalAuth(t *testing.T) {
	slack := fakeslack.New(t, fakeslack.Options{})
	slack.Script("auth.test", fakeslack.Reply{Error: "invalid_auth"})
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf(`
dry_run: true
slack:
  app_token: %s
  bot_token: %s
  api_url: %s
audit:
  file: %s
http:
  listen: ""
`, fakeslack.AppToken, fakeslack.BotToken, slack.APIURL(), filepath.Join(dir, "audit.jsonl")))
	p := start(t, dir, nil, "-config", cfg)
	if rc := p.wait(); rc != 1 || !strings.Contains(p.stderr.String(), "invalid_auth") {
		t.Fatalf("exit %d; stderr %s", rc, p.stderr)
	}
}
