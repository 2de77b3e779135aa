package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func problems(t *testing.T, err error) []string {
	t.Helper()
	var p Problems
	if !errors.As(err, &p) {
		t.Fatalf("want Problems, got %v", err)
	}
	return p
}

func TestExampleConfigIsValid(t *testing.T) {
	raw, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(raw, env(map[string]string{
		"SLACK_APP_TOKEN": "xapp-1-abc", "SLACK_BOT_TOKEN": "xoxb-123",
		"DINGTALK_CLIENT_ID": "dingapp", "DINGTALK_CLIENT_SECRET": "s3cr3t: # odd",
	}))
	if err != nil {
		t.Fatalf("example config: %v", err)
	}
	if !cfg.Slack.On() || cfg.Slack.AppToken.Reveal() != "xapp-1-abc" {
		t.Errorf("slack not loaded: %+v", cfg.Slack)
	}
	if got := cfg.DingTalk.ClientSecret.Reveal(); got != "s3cr3t: # odd" {
		t.Errorf("secret with YAML syntax changed by expansion: %q", got)
	}
	if cfg.Confirm.TTL != 2*time.Minute || cfg.HTTP.Addr() != "127.0.0.1:9090" || cfg.DingTalk.RobotCode != "dingapp" {
		t.Errorf("values: ttl=%v listen=%q robot=%q", cfg.Confirm.TTL, cfg.HTTP.Addr(), cfg.DingTalk.RobotCode)
	}
}

func TestEveryProblemReportedAtOnce(t *testing.T) {
	raw := []byte(`
slack:
  app_token: xoxb-wrong
  bot_token: ${MISSING_BOT}
  api_url: ftp://nope
dingtalk:
  client_id: app
  client_secret: ${MISSING_SECRET}
authz:
  slack_users: [alice]
  protected_users: ["bad id!"]
confirm:
  ttl: 500ms
log:
  level: loud
  format: xml
http:
  listen: nonsense
`)
	_, err := Parse(raw, env(nil))
	got := problems(t, err)
	want := []string{
		"slack.app_token: must start with xapp-",
		"slack.bot_token: environment variable MISSING_BOT is not set",
		`slack.api_url: must be an http(s) URL, got "ftp://nope"`,
		`authz.slack_users[0]: "alice" is not a Slack user ID (U... or W...)`,
		"dingtalk.client_secret: environment variable MISSING_SECRET is not set",
		"dingtalk.corp_id: required when dingtalk.stream is on (messages from other corps are ignored)",
		`authz.protected_users[0]: "bad id!" is not a DingTalk userId`,
		"confirm.ttl: must be between 1s and 24h, got 500ms",
		`http.listen: must be host:port or empty, got "nonsense"`,
		`log.level: must be debug, info, warn or error, got "loud"`,
		`log.format: must be text or json, got "xml"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUnknownKeysNamedWithLine(t *testing.T) {
	_, err := Parse([]byte("dry_run: true\nslak:\n  app_token: x\n"), env(nil))
	got := problems(t, err)
	if len(got) != 1 || got[0] != `config: line 2: unknown key "slak"` {
		t.Errorf("got %q", got)
	}
}

func TestMissingEnvInDisabledPartIsFine(t *testing.T) {
	raw := []byte("dry_run: true\nslack:\n  enabled: false\n  app_token: ${NOPE}\n")
	cfg, err := Parse(raw, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Slack.On() {
		t.Error("slack should be off")
	}
}

func TestEmptyFileNeedsDryRunOrDingTalk(t *testing.T) {
	_, err := Parse(nil, env(nil))
	got := problems(t, err)
	if len(got) != 2 || !strings.HasPrefix(got[0], "dingtalk.client_id: required unless dry_run") {
		t.Errorf("got %q", got)
	}
	cfg, err := Parse([]byte("dry_run: ${DRY}\n"), env(map[string]string{"DRY": "true"}))
	if err != nil || !cfg.DryRun || cfg.Slack.On() || cfg.DingTalk.StreamOn() {
		t.Fatalf("dry-run only config: %+v %v", cfg, err)
	}
}

func TestExpansionKeepsStrings(t *testing.T) {
	raw := []byte("dry_run: true\ndingtalk:\n  client_id: ${ID}\n  client_secret: \"${S}\"\n  corp_id: ding1\n  stream: ${STREAM}\n")
	cfg, err := Parse(raw, env(map[string]string{"ID": "0123", "S": "null", "STREAM": "false"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DingTalk.ClientID != "0123" || cfg.DingTalk.ClientSecret.Reveal() != "null" || cfg.DingTalk.StreamOn() {
		t.Errorf("got id=%q secret=%q stream=%v", cfg.DingTalk.ClientID, cfg.DingTalk.ClientSecret.Reveal(), cfg.DingTalk.StreamOn())
	}
}

func TestSlackAPIURLGetsTrailingSlash(t *testing.T) {
	raw := []byte("dry_run: true\nslack:\n  app_token: xapp-1\n  bot_token: xoxb-1\n  api_url: http://127.0.0.1:1/api\n")
	cfg, err := Parse(raw, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Slack.APIURL != "http://127.0.0.1:1/api/" {
		t.Errorf("api_url %q", cfg.Slack.APIURL)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	const value = "xoxb-very-secret"
	cfg := Default()
	cfg.Slack.BotToken = Secret(value)
	var buf bytes.Buffer
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		fmt.Fprintf(&buf, f+"\n", cfg)
		fmt.Fprintf(&buf, f+"\n", cfg.Slack.BotToken)
	}
	j, _ := json.Marshal(cfg.Slack)
	buf.Write(j)
	y, _ := yaml.Marshal(cfg.Slack)
	buf.Write(y)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "tok", cfg.Slack.BotToken, "cfg", cfg.Slack)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "tok", cfg.Slack.BotToken)
	if strings.Contains(buf.String(), value) || strings.Contains(buf.String(), "very") {
		t.Fatalf("secret leaked:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "<secret>") {
		t.Fatal("expected <secret> placeholder")
	}
}

func TestProblemsNeverContainSecrets(t *testing.T) {
	raw := []byte("slack:\n  app_token: xoxb-leakme\n  bot_token: xapp-leakme\n")
	_, err := Parse(raw, env(nil))
	if err == nil || strings.Contains(err.Error(), "leakme") {
		t.Fatalf("err %v", err)
	}
}

func FuzzParse(f *testing.F) {
	if raw, err := os.ReadFile("../config.example.yaml"); err == nil {
		f.Add(raw)
	}
	f.Add([]byte("slack: [1, 2]\n"))
	f.Add([]byte("dry_run: ${X}\nconfirm: {ttl: -5s}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		cfg, err := Parse(raw, env(map[string]string{"X": "true"}))
		if err == nil && cfg == nil {
			t.Fatal("nil config without error")
		}
	})
}
