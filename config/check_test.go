package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func joined(lines []string) string { return strings.Join(lines, "\n") }

// issue 9 item 12: a value of the wrong type no longer hides the other problems.
func TestTypeErrorDoesNotStopValidation(t *testing.T) {
	raw := []byte(`
slack:
  app_token: xoxb-wrong
  bot_token: ${UNSET_BOT}
confirm:
  ttl: nonsense
`)
	got := problems(t, func() error { _, err := Parse(raw, env(nil)); return err }())
	want := []string{
		`confirm.ttl: "nonsense" is not a duration; write it like 2m or 90s`,
		"slack.app_token: must start with xapp-",
		"slack.bot_token: environment variable UNSET_BOT is not set",
		"dingtalk.client_id: required unless dry_run is true",
		"dingtalk.client_secret: required unless dry_run is true",
	}
	if joined(got) != joined(want) {
		t.Errorf("problems:\n%s\nwant:\n%s", joined(got), joined(want))
	}
}

func TestTypeErrorsNameKeyAndExpectedForm(t *testing.T) {
	raw := []byte(`
dry_run: maybe
slack:
  enabled: sometimes
  app_token: xapp-1
  bot_token: xoxb-1
  api_url: [https://slack.com/api/]
authz:
  slack_users: U01
  dingtalk_users: [ok1, {a: b}]
confirm:
  ttl: 2 minutes
signout:
  employee_message: [hello]
  max_reason_length: lots
  reason_required: 1
dingtalk: yes
log:
  level: {a: b}
`)
	_, err := Parse(raw, env(nil))
	want := []string{
		`dry_run: "maybe" is not true or false; write true or false`,
		`slack.enabled: "sometimes" is not true or false; write true or false`,
		`slack.api_url: a list is not a single value; write it on the same line as the key`,
		`authz.slack_users: "U01" is not a list; write it like [U01]`,
		`authz.dingtalk_users[1]: a section is not a single value; write it on the same line as the key`,
		`confirm.ttl: "2 minutes" is not a duration; write it like 2m or 90s`,
		`signout.employee_message: a list is not a section; write it like en_US: "text" on the lines below it, indented`,
		`signout.max_reason_length: "lots" is not a whole number; write it like 300`,
		`signout.reason_required: "1" is not true or false; write true or false`,
		`dingtalk: "yes" is not a section; write its keys on the lines below it, indented`,
		`log.level: a section is not a single value; write it on the same line as the key`,
		// dingtalk and authz.slack_users had type problems: validation says nothing more about them
	}
	got := problems(t, err)
	if joined(got) != joined(want) {
		t.Errorf("problems:\n%s\nwant:\n%s", joined(got), joined(want))
	}
}

func TestTypeErrorFromEnvironmentNeverPrintsTheValue(t *testing.T) {
	raw := []byte("dry_run: true\nconfirm:\n  ttl: ${TTL}\nsignout:\n  max_reason_length: ${N}\n")
	_, err := Parse(raw, env(map[string]string{"TTL": "xoxb-secret", "N": ""}))
	got := problems(t, err)
	want := []string{
		"confirm.ttl: the value of ${TTL} is not a duration; write it like 2m or 90s",
		"signout.max_reason_length: environment variable N is set but empty",
	}
	if joined(got) != joined(want) {
		t.Errorf("problems:\n%s\nwant:\n%s", joined(got), joined(want))
	}
}

func TestUnknownAndDuplicateKeysWithLines(t *testing.T) {
	raw := []byte("dry_run: true\nslack:\n  enabled: false\n  ap_token: x\nconfirm:\n  ttl: 1m\n  ttl: 2m\n")
	got := problems(t, func() error { _, err := Parse(raw, env(nil)); return err }())
	want := []string{
		`config: line 4: unknown key "ap_token"`,
		`config: line 7: key "ttl" is already set at line 6`,
	}
	if joined(got) != joined(want) {
		t.Errorf("problems:\n%s\nwant:\n%s", joined(got), joined(want))
	}
}

func TestAnchorsAndMergeKeysStillDecode(t *testing.T) {
	raw := []byte("dry_run: true\nbase: &b\nconfirm:\n  <<: {ttl: 5m}\n")
	if _, err := Parse(raw, env(nil)); err == nil || !strings.Contains(err.Error(), `unknown key "base"`) {
		t.Fatalf("err %v", err)
	}
	cfg, err := Parse([]byte("dry_run: true\nconfirm:\n  <<: {ttl: 5m}\nauthz:\n  protected_users: &p [ceo1]\n  dingtalk_users: *p\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Confirm.TTL != 5*time.Minute || joined(cfg.Authz.DingTalkUsers) != "ceo1" {
		t.Errorf("ttl %v users %v", cfg.Confirm.TTL, cfg.Authz.DingTalkUsers)
	}
}

func TestNotAMapping(t *testing.T) {
	got := problems(t, func() error { _, err := Parse([]byte("- a\n- b\n"), env(nil)); return err }())
	if got[0] != "config: line 1: the file must be keys such as dry_run: and slack:, not a list" {
		t.Errorf("got %q", got)
	}
}

// issue 15 item 5: empty is not unset.
func TestEmptyVariableToldFromUnset(t *testing.T) {
	raw := []byte("slack:\n  app_token: ${SLACK_APP_TOKEN}\n  bot_token: ${SLACK_BOT_TOKEN}\ndry_run: true\n")
	_, err := Parse(raw, env(map[string]string{"SLACK_APP_TOKEN": ""}))
	want := []string{
		"slack.app_token: environment variable SLACK_APP_TOKEN is set but empty",
		"slack.bot_token: environment variable SLACK_BOT_TOKEN is not set",
	}
	if got := problems(t, err); joined(got) != joined(want) {
		t.Errorf("problems:\n%s\nwant:\n%s", joined(got), joined(want))
	}
}

func TestMissingFileSaysCopyTheExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	_, err := Load(path)
	var mf *MissingFileError
	if !errors.As(err, &mf) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err %T %v", err, err)
	}
	want := path + ": no such file; copy config.example.yaml to " + path + " and edit it"
	if err.Error() != want {
		t.Errorf("got  %q\nwant %q", err, want)
	}
	if _, err := Check(path); err == nil || err.Error() != want {
		t.Errorf("Check: %v", err)
	}
}

func checkLines(t *testing.T, raw string) (warnings, probs []string) {
	t.Helper()
	w, err := check([]byte(raw), env(map[string]string{"X": "y"}))
	if err != nil {
		probs = problems(t, err)
	}
	return w, probs
}

func TestCheckAuditDirectory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.jsonl"), 0o700); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		filepath.Join(dir, "missing", "a.jsonl"): "audit.file: directory " + filepath.Join(dir, "missing") + " does not exist; create it or choose another path",
		filepath.Join(file, "a.jsonl"):           "audit.file: " + file + " is not a directory",
		filepath.Join(dir, "sub.jsonl"):          "audit.file: " + filepath.Join(dir, "sub.jsonl") + " is not a regular file",
		filepath.Join(dir, "new.jsonl"):          "",
		file:                                     "",
	}
	for path, want := range cases {
		_, probs := checkLines(t, "dry_run: true\naudit:\n  file: "+path+"\n")
		if joined(probs) != want {
			t.Errorf("audit.file %s: got %q, want %q", path, probs, want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("check created files: %v", entries)
	}
}

func TestCheckAuditNotWritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write anywhere")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	_, probs := checkLines(t, "dry_run: true\naudit:\n  file: "+filepath.Join(dir, "a.jsonl")+"\n")
	if want := "audit.file: directory " + dir + " is not writable by this user"; joined(probs) != want {
		t.Errorf("got %q, want %q", probs, want)
	}
}

func TestCheckWarnsAboutEmptyAllowListsAndPlaceholders(t *testing.T) {
	dir := t.TempDir()
	cfg := "dry_run: true\naudit:\n  file: " + filepath.Join(dir, "a.jsonl") + "\n"
	w, probs := checkLines(t, cfg+`slack:
  app_token: xapp-1
  bot_token: xoxb-1
  team_id: T0123ABCD
dingtalk:
  client_id: app
  client_secret: s
  corp_id: dingxxxxxxxxxxxx
authz:
  protected_users: [boss1, ceo001]
`)
	want := []string{
		"warning: authz.slack_users: empty, so nobody can use the bot in Slack",
		"warning: authz.dingtalk_users: empty, so nobody can use the bot in DingTalk",
		`warning: dingtalk.corp_id: "dingxxxxxxxxxxxx" is the placeholder from config.example.yaml; put your organisation's CorpId here`,
		`warning: slack.team_id: "T0123ABCD" is the placeholder from config.example.yaml; put your workspace's team ID here`,
		`warning: authz.protected_users[1]: "ceo001" is the placeholder from config.example.yaml; list the DingTalk userIds that must never be signed out`,
	}
	if len(probs) != 0 || joined(w) != joined(want) {
		t.Errorf("problems %q\nwarnings:\n%s\nwant:\n%s", probs, joined(w), joined(want))
	}
	// disabled platforms need nobody; warnings come with problems too
	w, probs = checkLines(t, cfg+"slack:\n  enabled: false\nconfirm:\n  ttl: soon\nauthz:\n  dingtalk_users: [manager4220]\n")
	if joined(w) != `warning: authz.dingtalk_users[0]: "manager4220" is the placeholder from config.example.yaml; list your responders' DingTalk userIds` ||
		joined(probs) != `confirm.ttl: "soon" is not a duration; write it like 2m or 90s` {
		t.Errorf("warnings %q problems %q", w, probs)
	}
}

// .ci/run checks the example with the variables set and needs exit 0: its
// placeholders are warnings, never problems.
func TestExampleChecksWithWarningsOnly(t *testing.T) {
	raw, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // audit.file: audit.jsonl, in a writable directory
	w, err := check(raw, env(map[string]string{
		"SLACK_APP_TOKEN": "xapp-ci", "SLACK_BOT_TOKEN": "xoxb-ci", "DINGTALK_CLIENT_ID": "ci", "DINGTALK_CLIENT_SECRET": "ci",
	}))
	if err != nil {
		t.Fatalf("example: %v", err)
	}
	for _, key := range []string{"dingtalk.corp_id", "authz.slack_users[0]", "authz.dingtalk_users[0]", "authz.protected_users[0]"} {
		if !strings.Contains(joined(w), "warning: "+key+": ") {
			t.Errorf("no warning for %s in:\n%s", key, joined(w))
		}
	}
}
