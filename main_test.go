package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
	"github.com/signout-bot/signout-bot/internal/logbuf"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "signout-bot-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "signout-bot")
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil { // the fakes this process ran
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// proc is the built binary with its stdin and a line reader on stdout.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *logbuf.Buffer
	seen   []string
}

func start(t *testing.T, dir string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	p := &proc{t: t, cmd: cmd, stdin: stdin, lines: make(chan string, 100), stderr: &logbuf.Buffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return p
}

func (p *proc) send(line string) {
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatalf("write %q: %v", line, err)
	}
}

// expect reads stdout until a line matches re, and returns its submatches.
func (p *proc) expect(re string) []string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	timeout := time.After(15 * time.Second)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("stdout closed before %q; saw %q\nstderr: %s", re, p.seen, p.stderr)
			}
			p.seen = append(p.seen, line)
			if m := rx.FindStringSubmatch(line); m != nil {
				return m
			}
		case <-timeout:
			p.t.Fatalf("no line matching %q; saw %q\nstderr: %s", re, p.seen, p.stderr)
		}
	}
}

func (p *proc) wait() int {
	p.t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			p.t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		p.t.Fatalf("process did not exit; stderr: %s", p.stderr)
	}
	return -1
}

func auditEvents(t *testing.T, path string) []audit.Record {
	t.Helper()
	recs, err := audit.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func eventNames(recs []audit.Record) string {
	var names []string
	for _, r := range recs {
		names = append(names, r.Event)
	}
	return strings.Join(names, ",")
}

// The README's first command: the console with no config, in dry-run mode.
func TestConsoleZeroConfigDryRun(t *testing.T) {
	dir := t.TempDir()
	p := start(t, dir, nil, "-console")
	p.expect(`DRY RUN`)
	p.send("")
	p.send("/signout")
	p.expect(`^/signout <user> <reason>`)
	p.send("／ｓｉｇｎｏｕｔ　alice　lost phone") // typed on a phone
	code := p.expect(`To go ahead send: confirm ([A-Z0-9]+)`)[1]
	p.send("confirm " + strings.ToLower(code))
	p.expect(`^= Dry run: would have signed out alice`)
	p.send("confirm " + code)
	p.expect(`already confirmed`)
	p.send("/signout +86 13800138000 stolen")
	p.expect(`no DingTalk credentials`)
	p.stdin.Close()
	if rc := p.wait(); rc != 0 {
		t.Fatalf("exit %d; stderr %s", rc, p.stderr)
	}
	if strings.Contains(p.stderr.String(), "level=INFO") {
		t.Fatalf("info logs interleaved with the console chat: %s", p.stderr)
	}
	recs := auditEvents(t, filepath.Join(dir, "audit.jsonl"))
	if got := eventNames(recs); got != "requested,confirmed,dry_run" { // never "succeeded": that counts real sign-outs
		t.Fatalf("audit %s", got)
	}
	for _, r := range recs {
		if !r.DryRun || r.Platform != "console" || r.Target != "alice" || r.Reason != "lost phone" {
			t.Fatalf("audit record %v", r)
		}
	}
}

func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The full path with real credentials: console -> engine -> the real
// DingTalk client -> a fake DingTalk OpenAPI on loopback.
func TestConsoleSignsOutThroughDingTalk(t *testing.T) {
	api := fakedingtalk.NewOpenAPI(t)
	api.AddUser(fakedingtalk.FakeUser{UserID: "alice", Name: "Alice Liddell", Mobile: "13800138000", Exclusive: true})
	dir := t.TempDir()
	cfg := writeConfig(t, dir, liveConsoleConfig(api)+fmt.Sprintf(`
authz:
  protected_users: [ceo001]
audit:
  file: %s
`, filepath.Join(dir, "audit.jsonl")))
	p := start(t, dir, []string{"DT_SECRET=" + fakedingtalk.ClientSecret}, "-console", "-config", cfg)
	p.send("/signout +86 138 0013 8000 laptop stolen")
	p.expect(`Sign out Alice Liddell \(alice\)`)
	code := p.expect(`confirm ([A-Z0-9]+)`)[1]
	p.send("/signout ceo001 testing")
	p.expect(`protected`)
	p.send("confirm " + code)
	p.expect(`^= ✅ Signed out Alice Liddell \(alice\)`)
	p.stdin.Close()
	if rc := p.wait(); rc != 0 {
		t.Fatalf("exit %d", rc)
	}
	so := api.SignOuts()
	if len(so) != 1 || so[0].UserID != "alice" || so[0].Reason != "laptop stolen" || so[0].ReasonI18n["zh_CN"] == "" {
		t.Fatalf("signOut calls %+v", so)
	}
	if strings.Contains(p.stderr.String(), fakedingtalk.ClientSecret) {
		t.Fatal("the app secret reached the log")
	}
	if got := eventNames(auditEvents(t, filepath.Join(dir, "audit.jsonl"))); got != "requested,denied,confirmed,succeeded" {
		t.Fatalf("audit %s", got)
	}
}

// liveConsoleConfig is a live (not dry-run) config on the fake DingTalk,
// with the secret in ${DT_SECRET}; tests may append other sections.
func liveConsoleConfig(api *fakedingtalk.OpenAPI) string {
	return fmt.Sprintf(`
dingtalk:
  client_id: %s
  client_secret: ${DT_SECRET}
  corp_id: dingcorp
  api_url: %s
  oapi_url: %s
  stream: false
http:
  listen: ""
`, fakedingtalk.ClientID, api.URL(), api.URL())
}

// The README says to copy the example to config.yaml; the README's first
// command (-console without -config) must still not go live with it.
func TestConsoleWithoutConfigFlagIgnoresLiveConfigYAML(t *testing.T) {
	api := fakedingtalk.NewOpenAPI(t)
	api.AddUser(fakedingtalk.FakeUser{UserID: "alice", Name: "Alice Liddell", Exclusive: true})
	dir := t.TempDir()
	writeConfig(t, dir, liveConsoleConfig(api))
	p := start(t, dir, []string{"DT_SECRET=" + fakedingtalk.ClientSecret}, "-console")
	p.expect(`DRY RUN`)
	p.send("/signout alice laptop stolen")
	code := p.expect(`confirm ([A-Z0-9]+)`)[1]
	p.send("confirm " + code)
	p.expect(`^= Dry run: would have signed out alice`)
	p.stdin.Close()
	if rc := p.wait(); rc != 0 {
		t.Fatalf("exit %d", rc)
	}
	for _, path := range []string{"/v1.0/oauth2/accessToken", "/v1.0/contact/orgAccounts/signOut"} {
		if n := len(api.Requests(path)); n != 0 {
			t.Fatalf("the console without -config called %s %d times", path, n)
		}
	}
}

// With an explicit live config the banner can't be missed.
func TestConsoleLiveBanner(t *testing.T) {
	dir := t.TempDir()
	api := fakedingtalk.NewOpenAPI(t)
	cfg := writeConfig(t, dir, liveConsoleConfig(api))
	p := start(t, dir, []string{"DT_SECRET=" + fakedingtalk.ClientSecret}, "-console", "-verbose", "-config", cfg)
	p.expect(`LIVE: a confirmed sign-out really signs the person out`)
	p.expect(`^Audit log: audit.jsonl`)
	p.stdin.Close()
	if rc := p.wait(); rc != 0 {
		t.Fatalf("exit %d", rc)
	}
	if !strings.Contains(p.stderr.String(), "level=INFO") {
		t.Fatalf("-verbose: no info logs: %s", p.stderr)
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	bad := writeConfig(t, dir, "slack:\n  app_token: xoxb-secret-value\n  bot_token: ${NOPE_UNSET}\nconfirm:\n  ttl: nonsense\n")
	cmd := exec.Command(binary, "-config", bad, "-check")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("want exit 1, got %v: %s", err, out)
	}
	// every problem at once, the type error included, each line ending in a newline
	for _, want := range []string{
		"confirm.ttl: \"nonsense\" is not a duration; write it like 2m or 90s\n",
		"slack.app_token: must start with xapp-\n",
		"slack.bot_token: environment variable NOPE_UNSET is not set\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "secret-value") {
		t.Fatalf("secret printed:\n%s", out)
	}
	good := writeConfig(t, dir, "dry_run: true\n")
	if out, err := exec.Command(binary, "-config", good, "-check").CombinedOutput(); err != nil || string(out) != "config OK\n" {
		t.Fatalf("valid config: %v %q", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "audit.jsonl")); err == nil {
		t.Fatal("-check created the audit log")
	}
}

// issue 15 item 5: -check catches what start-up would, and warns without failing.
func TestCheckAuditDirWarningsAndMissingFile(t *testing.T) {
	dir := t.TempDir()
	missingDir := filepath.Join(dir, "missing")
	cfg := writeConfig(t, dir, "dry_run: true\naudit:\n  file: "+filepath.Join(missingDir, "a.jsonl")+"\n")
	out, err := exec.Command(binary, "-config", cfg, "-check").CombinedOutput()
	want := "audit.file: directory " + missingDir + " does not exist; create it or choose another path\n"
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || string(out) != want {
		t.Fatalf("want exit 1 and %q, got %v: %q", want, err, out)
	}
	if _, err := os.Stat(missingDir); err == nil {
		t.Fatal("-check created the audit directory")
	}

	cfg = writeConfig(t, dir, "dry_run: true\ndingtalk:\n  client_id: app\n  client_secret: ${DT_SECRET}\n  corp_id: dingxxxxxxxxxxxx\n")
	cmd := exec.Command(binary, "-config", cfg, "-check")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DT_SECRET=s")
	out, err = cmd.CombinedOutput()
	want = "warning: authz.dingtalk_users: empty, so nobody can use the bot in DingTalk\n" +
		"warning: dingtalk.corp_id: \"dingxxxxxxxxxxxx\" is the placeholder from config.example.yaml; put your organisation's CorpId here\n" +
		"config OK\n"
	if err != nil || string(out) != want {
		t.Fatalf("want exit 0 and %q, got %v: %q", want, err, out)
	}

	cmd = exec.Command(binary, "-check")
	cmd.Dir = filepath.Join(dir, "empty")
	_ = os.Mkdir(cmd.Dir, 0o700)
	out, err = cmd.CombinedOutput()
	want = "config.yaml: no such file; copy config.example.yaml to config.yaml and edit it\n"
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || string(out) != want {
		t.Fatalf("want exit 1 and %q, got %v: %q", want, err, out)
	}
}

// issue 15 item 6: -version is one line; an unknown flag is one error line and exit 2.
func TestVersionAndUnknownFlag(t *testing.T) {
	out, err := exec.Command(binary, "-version").CombinedOutput()
	if err != nil || !regexp.MustCompile(`^signout-bot \S+ rev \S+.*, go\d[^\n]*\n$`).Match(out) {
		t.Fatalf("-version: %v %q", err, out)
	}
	out, err = exec.Command(binary, "-bogus").CombinedOutput()
	want := "signout-bot: flag provided but not defined: -bogus; run signout-bot -h for usage\n"
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || string(out) != want {
		t.Fatalf("want exit 2 and %q, got %v: %q", want, err, out)
	}
	out, err = exec.Command(binary, "-h").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "-version") || !strings.Contains(string(out), "-check") {
		t.Fatalf("-h: %v %q", err, out)
	}
}

func TestUnwritableAuditLogStopsStartup(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "dry_run: true\naudit:\n  file: "+filepath.Join(dir, "missing", "a.jsonl")+"\n")
	out, err := exec.Command(binary, "-console", "-config", cfg).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "audit") {
		t.Fatalf("want exit 1 naming the audit log, got %v: %s", err, out)
	}
}

func TestSIGTERMStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	p := start(t, dir, nil, "-console")
	p.send("/signout alice lost phone")
	p.expect(`confirm [A-Z0-9]+`)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.expect(`expired \(the bot stopped before it was confirmed\)`)
	if rc := p.wait(); rc != 0 {
		t.Fatalf("exit %d; stderr %s", rc, p.stderr)
	}
	if got := eventNames(auditEvents(t, filepath.Join(dir, "audit.jsonl"))); got != "requested,expired" {
		t.Fatalf("audit %s", got)
	}
}

func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The operations endpoint of the real process, and audit rotation by SIGHUP.
func TestOperations(t *testing.T) {
	api := fakedingtalk.NewOpenAPI(t)
	api.AddUser(fakedingtalk.FakeUser{UserID: "alice", Name: "Alice", Exclusive: true})
	dir := t.TempDir()
	addr := freePort(t)
	auditPath := filepath.Join(dir, "audit.jsonl")
	cfg := writeConfig(t, dir, fmt.Sprintf(`
dry_run: true
dingtalk:
  client_id: %s
  client_secret: %s
  api_url: %s
  oapi_url: %s
  stream: false
audit:
  file: %s
http:
  listen: %s
`, fakedingtalk.ClientID, fakedingtalk.ClientSecret, api.URL(), api.URL(), auditPath, addr))
	p := start(t, dir, nil, "-console", "-verbose", "-config", cfg) // -verbose: the test waits for info lines
	p.expect(`DRY RUN`)
	p.send("/signout alice lost phone")
	p.expect(`confirm [A-Z0-9]+`)

	if code, body := httpGet(t, "http://"+addr+"/healthz"); code != 200 {
		t.Fatalf("healthz %d %s", code, body)
	}
	if code, body := httpGet(t, "http://"+addr+"/readyz"); code != 200 {
		t.Fatalf("readyz %d %s", code, body)
	}
	_, metrics := httpGet(t, "http://"+addr+"/metrics")
	for _, want := range []string{
		`signoutbot_commands_total{outcome="requested",platform="console"} 1`,
		`signoutbot_pending_confirmations 1`,
		`signoutbot_dingtalk_api_calls_total{code="ok",endpoint="user/get"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// Rotate the audit log.
	if err := os.Rename(auditPath, auditPath+".1"); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.send("/signout bob stolen laptop") // may land before or after the reopen
	p.expect(`confirm [A-Z0-9]+`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.stderr.Wait(ctx, "audit log reopened"); err != nil {
		t.Fatal(err)
	}
	p.send("/signout carol stolen laptop")
	p.expect(`confirm [A-Z0-9]+`)
	p.stdin.Close()
	if rc := p.wait(); rc != 0 {
		t.Fatalf("exit %d", rc)
	}
	old, cur := auditEvents(t, auditPath+".1"), auditEvents(t, auditPath)
	if len(old)+len(cur) != 6 || len(cur) < 2 || cur[len(cur)-1].Event != "expired" {
		t.Fatalf("after rotation: old %d records, new %v", len(old), eventNames(cur))
	}
}

// A taken operations port is logged, and the bot still serves.
func TestTakenOperationsPortDoesNotStopTheBot(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "dry_run: true\nhttp:\n  listen: "+ln.Addr().String()+"\naudit:\n  file: "+filepath.Join(dir, "a.jsonl")+"\n")
	p := start(t, dir, nil, "-console", "-config", cfg)
	p.send("/signout alice lost phone")
	p.expect(`confirm [A-Z0-9]+`)
	p.stdin.Close()
	if rc := p.wait(); rc != 0 || !strings.Contains(p.stderr.String(), "operations endpoint not started") {
		t.Fatalf("exit %d; stderr %s", rc, p.stderr)
	}
}

// A record cut short by a crash is removed at start-up, loudly, and the
// next record starts on a clean line.
func TestPartialAuditTailIsCutAtStartup(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "audit.jsonl")
	whole := `{"time":"2026-12-01T00:00:00Z","event":"requested","platform":"console","invoker":"local","target":"bob","reason":"x"}` + "\n"
	if err := os.WriteFile(log, []byte(whole+`{"time":"2026-12-01T00:00:01Z","ev`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, dir, "dry_run: true\naudit:\n  file: "+log+"\nhttp:\n  listen: \"\"\n")
	p := start(t, dir, nil, "-console", "-config", cfg)
	p.send("/signout alice lost phone")
	p.expect(`confirm [A-Z0-9]+`)
	p.stdin.Close()
	if rc := p.wait(); rc != 0 {
		t.Fatalf("exit %d", rc)
	}
	if !strings.Contains(p.stderr.String(), "incomplete record") {
		t.Fatalf("no warning about the cut record: %s", p.stderr)
	}
	recs := auditEvents(t, log)
	if len(recs) < 2 || recs[0].Target != "bob" || recs[1].Target != "alice" {
		t.Fatalf("records after the cut: %+v", recs)
	}
}
