package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
	"github.com/signout-bot/signout-bot/internal/fakeslack"
	"github.com/signout-bot/signout-bot/internal/redistest"
)

// End to end with replicas (spec section 8): two real processes share one
// Redis and one key prefix; each has its own instance name, audit file,
// operations port, Socket Mode connection and DingTalk stream. Slack
// sends each payload to one of an app's connections and DingTalk pushes
// each robot message to one stream, so each replica gets its own fake
// Slack and its own stream gateway, and a test picks the replica a
// payload reaches by the fake it sends it through. The DingTalk OpenAPI
// is one fake, so sign-outs are counted across replicas.

// stateStore is the Redis the replicas of one test share.
type stateStore struct {
	url    string // state.redis_url, with the password if there is one
	prefix string // state.key_prefix: this test's keys only
	// down stops the server and up starts it again on the same address;
	// both nil for SIGNOUT_REDIS_URL's server, which the test doesn't own.
	down, up func()
}

var testPrefixes atomic.Int64

func newStateStore(t *testing.T, url string) *stateStore {
	return &stateStore{url: url, prefix: fmt.Sprintf("e2e:%s:%d:%d:", t.Name(), time.Now().UnixNano(), testPrefixes.Add(1))}
}

// sharedRedis is SIGNOUT_REDIS_URL's Redis when it is set (CI), else one
// of the test's own (see privateRedis).
func sharedRedis(t *testing.T) *stateStore {
	t.Helper()
	if os.Getenv(redistest.URLEnv) == "" {
		return privateRedis(t, "")
	}
	s := newStateStore(t, redistest.URL(t)) // fails the test if it does not answer
	t.Cleanup(func() { deleteKeys(t, s) })
	return s
}

// privateRedis is a Redis for this test alone, which it may stop and
// start: a real redis-server when there is one (or when
// SIGNOUT_REQUIRE_REDIS=1, so that CI fails without one), else miniredis
// in this process, on a loopback socket. password "" means none.
func privateRedis(t *testing.T, password string) *stateStore {
	t.Helper()
	userinfo := ""
	if password != "" {
		userinfo = ":" + password + "@"
	}
	if _, err := exec.LookPath("redis-server"); err == nil || os.Getenv(redistest.RequireEnv) == "1" {
		var args []string
		if password != "" {
			args = []string{"--requirepass", password}
		}
		r := redistest.Server(t, args...)
		s := newStateStore(t, "redis://"+userinfo+r.Addr+"/0")
		s.down, s.up = r.Stop, r.Restart
		return s
	}
	m := miniredis.RunT(t)
	if password != "" {
		m.RequireAuth(password)
	}
	s := newStateStore(t, "redis://"+userinfo+m.Addr()+"/0")
	s.down = m.Close
	s.up = func() {
		if err := m.Restart(); err != nil {
			t.Fatalf("miniredis restart: %v", err)
		}
	}
	return s
}

// deleteKeys removes what a test wrote to a Redis it shares with others.
func deleteKeys(t *testing.T, s *stateStore) {
	opt, err := redis.ParseURL(s.url)
	if err != nil {
		t.Errorf("%s is not a redis URL", redistest.URLEnv) // the URL may hold a password
		return
	}
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, s.prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		c.Del(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Logf("deleting this test's keys: %v", err)
	}
}

// deployment is what the replicas of one test share: the Redis, the
// DingTalk OpenAPI, and the config but for instance, audit.file and
// http.listen.
type deployment struct {
	t     *testing.T
	state *stateStore
	api   *fakedingtalk.OpenAPI
}

func newDeployment(t *testing.T, state *stateStore) *deployment {
	api := fakedingtalk.NewOpenAPI(t)
	for _, u := range []fakedingtalk.FakeUser{
		{UserID: "alice", Name: "Alice Liddell", Exclusive: true},
		{UserID: "bob", Name: "Bob Builder", Exclusive: true},
		{UserID: "carol", Name: "Carol Danvers", Exclusive: true},
	} {
		api.AddUser(u)
	}
	return &deployment{t: t, state: state, api: api}
}

// serves says what a replica connects to: Slack, a DingTalk stream, and
// an operations port (http.listen).
type serves struct{ slack, stream, listen bool }

var (
	slackOnly      = serves{slack: true}
	streamOnly     = serves{stream: true}
	slackAndStream = serves{slack: true, stream: true}
)

// replica is one process of the deployment and the fakes only it talks
// to; it can be stopped and started again with the same config.
type replica struct {
	t      *testing.T
	name   string // its instance
	dir    string
	config string
	audit  string
	listen string                // http.listen, "" for none
	slack  *fakeslack.Server     // the Socket Mode connection Slack picks; nil: Slack off
	stream *fakedingtalk.Gateway // its DingTalk stream; nil: stream off
	p      *proc
	exited chan struct{} // closed when p has exited
	// The connections its fakes had when it was last started.
	slackConns, streamConns int
}

const replicaConfig = `
instance: %s
state:
  redis_url: ${STATE_URL}
  key_prefix: %q
dingtalk:
  client_id: %s
  client_secret: ${DT_SECRET}
  corp_id: dingcorp1
  api_url: %s
  oapi_url: %s
  stream: %t
authz:
  slack_users: [U1ALLOWED]
  dingtalk_users: [manager4220]
audit:
  file: %s
http:
  listen: %q
log:
  level: debug
language:
  dingtalk: en # these tests read English; main_dingtalk_test.go covers the default, Chinese
`

func (d *deployment) replica(name string, on serves) *replica {
	r := &replica{t: d.t, name: name, dir: d.t.TempDir()}
	r.audit = filepath.Join(r.dir, "audit.jsonl")
	if on.listen {
		r.listen = freePort(d.t)
	}
	dtURL := d.api.URL()
	if on.stream {
		r.stream, dtURL = d.streamHost()
	}
	body := fmt.Sprintf(replicaConfig, name, d.state.prefix, fakedingtalk.ClientID, dtURL, dtURL, on.stream, r.audit, r.listen)
	if on.slack {
		r.slack = fakeslack.New(d.t, fakeslack.Options{})
		body += "slack:\n  app_token: ${SLACK_APP_TOKEN}\n  bot_token: ${SLACK_BOT_TOKEN}\n  api_url: " + r.slack.APIURL() + "\n"
	}
	r.config = writeConfig(d.t, r.dir, body)
	return r
}

// streamHost is a DingTalk host of its own for one replica's stream
// (as dingtalkHost), serving the deployment's one OpenAPI besides.
func (d *deployment) streamHost() (*fakedingtalk.Gateway, string) {
	gw := fakedingtalk.NewGateway(d.t)
	target, _ := url.Parse(gw.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	mux := http.NewServeMux()
	mux.Handle(fakedingtalk.PathOpenConnection, proxy)
	mux.Handle(fakedingtalk.PathConnect, proxy)
	mux.Handle("/", d.api)
	srv := httptest.NewServer(mux)
	d.t.Cleanup(srv.Close)
	return gw, srv.URL
}

func (d *deployment) env() []string {
	return []string{"STATE_URL=" + d.state.url, "DT_SECRET=" + fakedingtalk.ClientSecret,
		"SLACK_APP_TOKEN=" + fakeslack.AppToken, "SLACK_BOT_TOKEN=" + fakeslack.BotToken}
}

// startAll starts the replicas together and waits until each is
// connected to its platforms.
func (d *deployment) startAll(ctx context.Context, rs ...*replica) {
	d.t.Helper()
	for _, r := range rs {
		if r.slack != nil {
			r.slackConns = r.slack.Connections()
		}
		if r.stream != nil {
			r.streamConns = r.stream.Connections()
		}
		r.p = start(d.t, r.dir, d.env(), "-config", r.config)
		r.exited = make(chan struct{})
		go func(lines <-chan string, exited chan<- struct{}) {
			for range lines { // stdout closes when the process exits
			}
			close(exited)
		}(r.p.lines, r.exited)
	}
	for _, r := range rs {
		up, cancel := r.whileUp(ctx)
		if r.slack != nil {
			if err := r.slack.WaitConnected(up, r.slackConns+1); err != nil {
				d.t.Fatalf("%s: no Socket Mode connection: %v\nstderr: %s", r.name, err, r.p.stderr)
			}
		}
		if r.stream != nil {
			if err := r.stream.WaitConnected(up, r.streamConns+1); err != nil {
				d.t.Fatalf("%s: no DingTalk stream: %v\nstderr: %s", r.name, err, r.p.stderr)
			}
		}
		cancel()
	}
}

// whileUp is ctx, cancelled early if r's process exits: a wait for what
// it would send fails at once, not at the deadline.
func (r *replica) whileUp(ctx context.Context) (context.Context, context.CancelFunc) {
	up, cancel := context.WithCancel(ctx)
	exited := r.exited // a restart replaces it
	go func() {
		select {
		case <-exited:
			cancel()
		case <-up.Done():
		}
	}()
	return up, cancel
}

// stopAll sends every replica SIGTERM at once, and wants each to exit 0.
func stopAll(rs ...*replica) {
	for _, r := range rs {
		if err := r.p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			r.t.Fatal(err)
		}
	}
	for _, r := range rs {
		if rc := r.p.wait(); rc != 0 {
			r.t.Fatalf("%s: exit %d; stderr %s", r.name, rc, r.p.stderr)
		}
	}
}

// kill is kill -9.
func (r *replica) kill() {
	if err := r.p.cmd.Process.Kill(); err != nil {
		r.t.Fatal(err)
	}
	r.p.wait()
}

var deliveries atomic.Int64

// deliveryID is a fresh Slack envelope id or DingTalk msgId. The replicas
// claim these in the one Redis, and each fake numbers its own from 1, so
// two fakes' ids would collide.
func deliveryID(kind string) string { return fmt.Sprintf("%s-%d", kind, deliveries.Add(1)) }

// slackCommand sends "/signout text" in channel C1 through r's connection,
// with the response_url named resp.
func (r *replica) slackCommand(resp, text string) {
	r.t.Helper()
	_, err := r.slack.SendSlash(fakeslack.Slash{EnvelopeID: deliveryID("env"), ChannelID: "C1", UserID: "U1ALLOWED",
		Text: text, ResponseURL: r.slack.ResponseURL(resp)})
	if err != nil {
		r.t.Fatalf("%s: %v", r.name, err)
	}
}

var confirmValue = regexp.MustCompile(`"action_id":"signout_confirm"[^}]*"value":"([A-Z0-9]+)"|"value":"([A-Z0-9]+)"[^}]*"action_id":"signout_confirm"`)

// slackPrompt gives a command through r and returns the code of the
// prompt posted to its response_url.
func (r *replica) slackPrompt(ctx context.Context, resp, text string) string {
	r.t.Helper()
	r.slackCommand(resp, text)
	body := r.slackAnswer(ctx, resp)
	m := confirmValue.FindStringSubmatch(body)
	if m == nil {
		r.t.Fatalf("%s: no confirm button in %s", r.name, body)
	}
	return m[1] + m[2]
}

// slackClick clicks Confirm for code through r's connection, with the
// response_url named resp.
func (r *replica) slackClick(code, resp string) {
	r.t.Helper()
	_, err := r.slack.SendClick(fakeslack.Click{EnvelopeID: deliveryID("env"), UserID: "U1ALLOWED", ChannelID: "C1",
		ResponseURL: r.slack.ResponseURL(resp), ActionID: "signout_confirm", Value: code, Ephemeral: true})
	if err != nil {
		r.t.Errorf("%s: %v", r.name, err) // Errorf: clicks are sent from goroutines too
	}
}

// slackAnswer waits for the first post to the response_url resp.
func (r *replica) slackAnswer(ctx context.Context, resp string) string {
	r.t.Helper()
	ctx, cancel := r.whileUp(ctx)
	defer cancel()
	rs, err := r.slack.WaitResponses(ctx, resp, 1)
	if err != nil {
		r.t.Fatalf("%s: %v\nstderr: %s", r.name, err, r.p.stderr)
	}
	return string(rs[0].Body)
}

// wantSlackAnswer waits for the first post to the response_url resp,
// which must say want.
func (r *replica) wantSlackAnswer(ctx context.Context, resp, want string) string {
	r.t.Helper()
	got := r.slackAnswer(ctx, resp)
	if !strings.Contains(got, want) {
		r.t.Fatalf("%s answered %s with %s; want %q", r.name, resp, got, want)
	}
	return got
}

// slackResult waits for the result saying want, posted by r, and checks
// that it went to channel C1, once.
func (r *replica) slackResult(ctx context.Context, want string) {
	r.t.Helper()
	ctx, cancel := r.whileUp(ctx)
	defer cancel()
	var found []fakeslack.Call
	err := r.slack.Wait(ctx, "a result saying "+want, func() bool {
		found = nil
		for _, c := range r.slack.Calls("chat.postMessage") {
			if strings.Contains(c.Form.Get("text"), want) {
				found = append(found, c)
			}
		}
		return len(found) > 0
	})
	if err != nil {
		r.t.Fatalf("%s: %v\nposts: %v\nstderr: %s", r.name, err, r.slack.Calls("chat.postMessage"), r.p.stderr)
	}
	if len(found) != 1 || found[0].Form.Get("channel") != "C1" {
		r.t.Fatalf("%s posted the result %d times, the first in %q; want once in C1", r.name, len(found), found[0].Form.Get("channel"))
	}
}

// groupMessage is a message in group cidGroup1 from an allowed sender
// whose replies go to the sessionWebhook named session.
func (d *deployment) groupMessage(session, text string) fakedingtalk.RobotMessage {
	return fakedingtalk.RobotMessage{
		ConversationID: "cidGroup1", ConversationType: "2", MsgID: deliveryID("msg"), MsgType: "text",
		SenderStaffID: "manager4220", SenderCorpID: "dingcorp1", ChatbotUserID: "$:bot",
		SessionWebhook: d.api.SessionWebhookURL(session), SessionWebhookExpiredTime: time.Now().Add(time.Hour).UnixMilli(),
		Text: &fakedingtalk.MessageText{Content: " " + text}, IsInAtList: true,
	}
}

// dingtalkSay sends a group message through r's stream and waits for its ack.
func (r *replica) dingtalkSay(ctx context.Context, d *deployment, session, text string) {
	r.t.Helper()
	ctx, cancel := r.whileUp(ctx)
	defer cancel()
	id, err := r.stream.SendRobotMessage(ctx, d.groupMessage(session, text))
	if err != nil {
		r.t.Fatalf("%s: %v", r.name, err)
	}
	if ack, err := r.stream.WaitAck(ctx, id); err != nil || ack.Code != 200 {
		r.t.Fatalf("%s: ack %+v %v\nstderr: %s", r.name, ack, err, r.p.stderr)
	}
}

// dingtalkPrompt gives a command through r and returns the code of the
// prompt posted to the sessionWebhook.
func (r *replica) dingtalkPrompt(ctx context.Context, d *deployment, session, text string) string {
	r.t.Helper()
	r.dingtalkSay(ctx, d, session, text)
	ctx, cancel := r.whileUp(ctx)
	defer cancel()
	return awaitSession(ctx, r.t, d.api, session, `confirm ([A-Z0-9]{6})`)
}

// wantDingTalkAnswer waits for the first post to the sessionWebhook
// named session, which must say want.
func (r *replica) wantDingTalkAnswer(ctx context.Context, d *deployment, session, want string) {
	r.t.Helper()
	ctx, cancel := r.whileUp(ctx)
	defer cancel()
	if err := d.api.Await(ctx, "a post to "+session, func() bool { return len(d.api.SessionMessages(session)) > 0 }); err != nil {
		r.t.Fatalf("%s: %v\nstderr: %s", r.name, err, r.p.stderr)
	}
	if got := string(d.api.SessionMessages(session)[0]); !strings.Contains(got, want) {
		r.t.Fatalf("%s answered %s with %s; want %q", r.name, session, got, want)
	}
}

// wantSignOuts checks the signOut calls DingTalk received, from any
// replica: one per user named, in order.
func (d *deployment) wantSignOuts(users ...string) {
	d.t.Helper()
	var got []string
	for _, so := range d.api.SignOuts() {
		got = append(got, so.UserID)
	}
	if strings.Join(got, ",") != strings.Join(users, ",") {
		d.t.Fatalf("signOut calls for %q, want %q", got, users)
	}
}

// wantAudit checks r's audit file: these events, each written by r.
func (r *replica) wantAudit(events string) {
	r.t.Helper()
	recs := auditEvents(r.t, r.audit)
	if got := eventNames(recs); got != events {
		r.t.Fatalf("%s audit %q, want %q", r.name, got, events)
	}
	for _, rec := range recs {
		if rec.Instance != r.name {
			r.t.Fatalf("%s audit record by instance %q: %+v", r.name, rec.Instance, rec)
		}
	}
}

// wantAuditOfOne checks the audit of one request that a prompted and
// winner (a or b) confirmed.
func wantAuditOfOne(a, b, winner *replica) {
	want := map[*replica][]string{a: {"requested"}}
	want[winner] = append(want[winner], "confirmed", "succeeded")
	a.wantAudit(strings.Join(want[a], ","))
	b.wantAudit(strings.Join(want[b], ","))
}

// readyz returns the operations endpoint's readiness answer.
func (r *replica) readyz() (int, string) {
	r.t.Helper()
	return httpGet(r.t, "http://"+r.listen+"/readyz")
}

func replicaCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// 1. Slack: the prompt shown by one replica, the click reaching the other.
func TestReplicasSlackPromptOnOneConfirmOnOther(t *testing.T) {
	d := newDeployment(t, sharedRedis(t))
	a, b := d.replica("bot-a", slackOnly), d.replica("bot-b", slackOnly)
	ctx := replicaCtx(t)
	d.startAll(ctx, a, b)

	code := a.slackPrompt(ctx, "cmd", "alice lost phone")
	b.slackClick(code, "click")
	b.wantSlackAnswer(ctx, "click", "Signing out Alice Liddell")
	b.slackResult(ctx, "Signed out Alice Liddell")
	stopAll(a, b)
	if n := len(a.slack.Calls("chat.postMessage")); n != 0 {
		t.Fatalf("the replica that showed the prompt posted %d results too", n)
	}
	d.wantSignOuts("alice")
	a.wantAudit("requested")
	b.wantAudit("confirmed,succeeded")
}

// 2. DingTalk: a group command on one replica, "confirm CODE" on the
// other; the result goes to the sessionWebhook of the command.
func TestReplicasDingTalkPromptOnOneConfirmOnOther(t *testing.T) {
	d := newDeployment(t, sharedRedis(t))
	a, b := d.replica("bot-a", streamOnly), d.replica("bot-b", streamOnly)
	ctx := replicaCtx(t)
	d.startAll(ctx, a, b)

	code := a.dingtalkPrompt(ctx, d, "grp-cmd", "/signout alice lost phone")
	b.dingtalkSay(ctx, d, "grp-confirm", "confirm "+code)
	b.wantDingTalkAnswer(ctx, d, "grp-confirm", "Signing out Alice Liddell")
	awaitSession(ctx, t, d.api, "grp-cmd", `Signed out Alice Liddell`)
	stopAll(a, b)
	for _, m := range d.api.SessionMessages("grp-confirm") {
		if strings.Contains(string(m), "Signed out") {
			t.Fatalf("the result went to the confirm's session too: %s", m)
		}
	}
	d.wantSignOuts("alice")
	a.wantAudit("requested")
	b.wantAudit("confirmed,succeeded")
}

// 3. Twenty confirms at once, ten through each replica: one sign-out,
// and every clicker answered.
func TestReplicasConcurrentConfirms(t *testing.T) {
	d := newDeployment(t, sharedRedis(t))
	a, b := d.replica("bot-a", slackOnly), d.replica("bot-b", slackOnly)
	ctx := replicaCtx(t)
	d.startAll(ctx, a, b)
	code := a.slackPrompt(ctx, "cmd", "alice lost phone")

	const clicks = 20
	via := func(i int) *replica { return []*replica{a, b}[i%2] }
	var wg sync.WaitGroup
	for i := range clicks {
		wg.Go(func() { via(i).slackClick(code, fmt.Sprint("click", i)) })
	}
	wg.Wait()
	var winners []*replica
	for i := range clicks {
		switch got := via(i).slackAnswer(ctx, fmt.Sprint("click", i)); {
		case strings.Contains(got, "Signing out Alice Liddell"):
			winners = append(winners, via(i))
		case !strings.Contains(got, "was already confirmed; it runs only once"):
			t.Errorf("click %d through %s was told %s", i, via(i).name, got)
		}
	}
	if len(winners) != 1 {
		t.Fatalf("%d clicks ran the sign-out, want 1", len(winners))
	}
	winners[0].slackResult(ctx, "Signed out Alice Liddell")
	stopAll(a, b)
	if n := len(a.slack.Calls("chat.postMessage")) + len(b.slack.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("%d results posted, want 1", n)
	}
	for i := range clicks {
		if n := len(via(i).slack.Responses(fmt.Sprint("click", i))); n != 1 {
			t.Errorf("click %d was answered %d times", i, n)
		}
	}
	d.wantSignOuts("alice")
	wantAuditOfOne(a, b, winners[0])
}

// 4. kill -9 of the replica that showed the prompts; the other completes
// them.
func TestReplicasConfirmAfterKill9(t *testing.T) {
	d := newDeployment(t, sharedRedis(t))
	a, b := d.replica("bot-a", slackAndStream), d.replica("bot-b", slackAndStream)
	ctx := replicaCtx(t)
	d.startAll(ctx, a, b)
	slackCode := a.slackPrompt(ctx, "cmd", "alice lost phone")
	dtCode := a.dingtalkPrompt(ctx, d, "grp-cmd", "/signout bob stolen laptop")
	a.kill()

	b.slackClick(slackCode, "click")
	b.wantSlackAnswer(ctx, "click", "Signing out Alice Liddell")
	b.slackResult(ctx, "Signed out Alice Liddell")
	b.dingtalkSay(ctx, d, "grp-confirm", "confirm "+dtCode)
	b.wantDingTalkAnswer(ctx, d, "grp-confirm", "Signing out Bob Builder")
	awaitSession(ctx, t, d.api, "grp-cmd", `Signed out Bob Builder`)
	stopAll(b)
	d.wantSignOuts("alice", "bob")
	a.wantAudit("requested,requested")
	b.wantAudit("confirmed,succeeded,confirmed,succeeded")
}

// 5. Both replicas stopped (SIGTERM) and started again: the requests are
// still pending, nobody was told they expired, and they complete.
func TestReplicasConfirmAfterBothRestart(t *testing.T) {
	d := newDeployment(t, sharedRedis(t))
	a, b := d.replica("bot-a", slackAndStream), d.replica("bot-b", slackAndStream)
	ctx := replicaCtx(t)
	d.startAll(ctx, a, b)
	slackCode := a.slackPrompt(ctx, "cmd", "alice lost phone")
	dtCode := a.dingtalkPrompt(ctx, d, "grp-cmd", "/signout bob stolen laptop")

	stopAll(a, b)
	if n := len(a.slack.Responses("cmd")); n != 1 {
		t.Fatalf("the Slack invoker got %d messages, want the prompt alone", n)
	}
	if n := len(d.api.SessionMessages("grp-cmd")); n != 1 {
		t.Fatalf("the DingTalk invoker got %d messages, want the prompt alone", n)
	}
	a.wantAudit("requested,requested") // no expired
	b.wantAudit("")

	d.startAll(ctx, a, b)
	a.slackClick(slackCode, "click") // the same replica, restarted
	a.wantSlackAnswer(ctx, "click", "Signing out Alice Liddell")
	a.slackResult(ctx, "Signed out Alice Liddell")
	b.dingtalkSay(ctx, d, "grp-confirm", "confirm "+dtCode) // the other one
	b.wantDingTalkAnswer(ctx, d, "grp-confirm", "Signing out Bob Builder")
	awaitSession(ctx, t, d.api, "grp-cmd", `Signed out Bob Builder`)
	stopAll(a, b)
	d.wantSignOuts("alice", "bob")
	a.wantAudit("requested,requested,confirmed,succeeded")
	b.wantAudit("confirmed,succeeded")
}

// 6. Redis stopped mid-test: commands and clicks on either replica are
// answered that nothing was done, /readyz names the state store; once it
// is back the replicas serve again by themselves.
func TestReplicasRedisDownAndBack(t *testing.T) {
	state := privateRedis(t, "")
	d := newDeployment(t, state)
	on := slackAndStream
	on.listen = true
	a, b := d.replica("bot-a", on), d.replica("bot-b", on)
	ctx := replicaCtx(t)
	d.startAll(ctx, a, b)
	slackCode := a.slackPrompt(ctx, "cmd", "alice lost phone")
	dtCode := a.dingtalkPrompt(ctx, d, "grp-cmd", "/signout bob stolen laptop")

	state.down()
	for _, r := range []*replica{a, b} {
		code, body := r.readyz()
		if code != http.StatusServiceUnavailable || !regexp.MustCompile(`(?m)^state: `).MatchString(body) {
			t.Fatalf("%s /readyz with Redis down: %d %q", r.name, code, body)
		}
	}
	const unreachable = "the state store is unreachable; nothing was done"
	a.slackCommand("cmd-down", "carol lost phone")
	b.slackClick(slackCode, "click-down")
	for _, w := range []struct {
		r    *replica
		resp string
	}{{a, "cmd-down"}, {b, "click-down"}} {
		if got := w.r.wantSlackAnswer(ctx, w.resp, unreachable); !strings.Contains(got, `"response_type":"ephemeral"`) {
			t.Fatalf("%s answered %s with Redis down for all to see: %s", w.r.name, w.resp, got)
		}
	}
	a.dingtalkSay(ctx, d, "grp-down-cmd", "/signout carol lost phone")
	b.dingtalkSay(ctx, d, "grp-down-confirm", "confirm "+dtCode)
	a.wantDingTalkAnswer(ctx, d, "grp-down-cmd", unreachable)
	b.wantDingTalkAnswer(ctx, d, "grp-down-confirm", unreachable)
	d.wantSignOuts()

	state.up()
	for _, r := range []*replica{a, b} {
		if code, body := r.readyz(); code != http.StatusOK {
			t.Fatalf("%s /readyz after Redis came back: %d %q", r.name, code, body)
		}
	}
	code := b.slackPrompt(ctx, "cmd-up", "carol lost phone")
	a.slackClick(code, "click-up")
	a.wantSlackAnswer(ctx, "click-up", "Signing out Carol Danvers")
	a.slackResult(ctx, "Signed out Carol Danvers")
	stopAll(a, b)
	d.wantSignOuts("carol")
	a.wantAudit("requested,requested,confirmed,succeeded")
	b.wantAudit("requested")
}

// 7. A Sentinel-managed primary killed right after the prompt: once the
// replica is promoted, the click runs the sign-out once.
func TestReplicasSentinelFailover(t *testing.T) {
	primary := redistest.Server(t) // skips without redis-server, fails with SIGNOUT_REQUIRE_REDIS=1
	standby := redistest.Replica(t, primary)
	sentinel := redistest.Sentinel(t, primary, "e2e")
	d := newDeployment(t, newStateStore(t, sentinel.FailoverURL("e2e")))
	a, b := d.replica("bot-a", slackOnly), d.replica("bot-b", slackOnly)
	ctx := replicaCtx(t)
	d.startAll(ctx, a, b)

	code := a.slackPrompt(ctx, "cmd", "alice lost phone")
	primary.Kill()
	killed := time.Now()
	sentinel.WaitMaster("e2e", standby)
	t.Logf("promoted %v after kill -9", time.Since(killed).Round(time.Millisecond))

	b.slackClick(code, "click-b")
	a.slackClick(code, "click-a")
	answers := b.slackAnswer(ctx, "click-b") + "\n" + a.slackAnswer(ctx, "click-a")
	if !strings.Contains(answers, "Signing out Alice Liddell") || !strings.Contains(answers, "was already confirmed") {
		t.Fatalf("the two clicks after the failover were told:\n%s", answers)
	}
	winner := b
	if strings.Contains(a.slackAnswer(ctx, "click-a"), "Signing out") {
		winner = a
	}
	winner.slackResult(ctx, "Signed out Alice Liddell")
	stopAll(a, b)
	d.wantSignOuts("alice")
	wantAuditOfOne(a, b, winner)
}

// 8. The Redis password appears in no log line (at debug level, Redis up
// and down), audit record, metric or -check output.
func TestReplicasRedisPasswordStaysSecret(t *testing.T) {
	const password = "e2e-redis-Pa55word-7d1f"
	state := privateRedis(t, password)
	d := newDeployment(t, state)
	a := d.replica("bot-a", serves{slack: true, listen: true})
	ctx := replicaCtx(t)
	d.startAll(ctx, a)

	code := a.slackPrompt(ctx, "cmd", "alice lost phone")
	a.slackClick(code, "click")
	a.wantSlackAnswer(ctx, "click", "Signing out Alice Liddell")
	a.slackResult(ctx, "Signed out Alice Liddell")
	state.down()
	a.slackCommand("cmd-down", "bob stolen laptop")
	a.wantSlackAnswer(ctx, "cmd-down", "the state store is unreachable; nothing was done")
	_, readyz := a.readyz()
	_, metrics := httpGet(t, "http://"+a.listen+"/metrics")
	if !strings.Contains(metrics, "signoutbot_state_store_errors_total") {
		t.Fatalf("no state store error metric:\n%s", metrics)
	}
	state.up()
	code = a.slackPrompt(ctx, "cmd-up", "bob stolen laptop") // dialled again, with AUTH
	a.slackClick(code, "click-up")
	a.wantSlackAnswer(ctx, "click-up", "Signing out Bob Builder")
	a.slackResult(ctx, "Signed out Bob Builder")
	stopAll(a)
	d.wantSignOuts("alice", "bob")

	seen := map[string]string{
		"stderr": a.p.stderr.String(), "/readyz": readyz, "/metrics": metrics,
	}
	auditBytes, err := os.ReadFile(a.audit)
	if err != nil {
		t.Fatal(err)
	}
	seen["audit"] = string(auditBytes)
	// -check on the config as it runs, and on URLs that it refuses.
	check := func(stateURL string) (string, error) {
		cmd := exec.Command(binary, "-config", a.config, "-check")
		cmd.Env = append(os.Environ(), append(d.env(), "STATE_URL="+stateURL)...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := check(state.url)
	if err != nil || !strings.HasSuffix(out, "config OK\n") {
		t.Fatalf("-check of the running config: %v\n%s", err, out)
	}
	seen["-check"] = out
	u, err := url.Parse(state.url)
	if err != nil {
		t.Fatal("bad test URL")
	}
	for _, bad := range []string{
		"redis://:" + password + "@" + u.Host + "/nodb",
		"rediss://:" + password + "@" + u.Host + "/0?master_name=",
		"redis://:" + password + "@" + u.Host + "/0?dial_timeout=soon",
		"redis://:" + password + "@127.0.0.1:notaport/0",
	} {
		out, err := check(bad)
		if !strings.Contains(out, "state.redis_url: ") || err == nil {
			t.Errorf("-check of a bad URL: %v\n%s", err, out)
		}
		seen["-check of "+strings.ReplaceAll(bad, password, "PASSWORD")] = out
	}
	for where, text := range seen {
		if strings.Contains(text, password) {
			t.Errorf("the Redis password appears in %s:\n%s", where, text)
		}
	}
	if !strings.Contains(seen["stderr"], "state store unreachable") {
		t.Fatalf("no log line about the store being down, so nothing was tested:\n%s", seen["stderr"])
	}
}

// 9. Slack retries an event that one replica already handled; the copy
// reaches the other replica, which acks it and ignores it (spec section 8).
func TestReplicasEventRetryIgnored(t *testing.T) {
	d := newDeployment(t, sharedRedis(t))
	a, b := d.replica("bot-a", slackOnly), d.replica("bot-b", slackOnly)
	ctx := replicaCtx(t)
	d.startAll(ctx, a, b)

	event := deliveryID("Ev")
	mention := func(r *replica) string {
		t.Helper()
		env, _, err := r.slack.SendMention(fakeslack.Mention{EnvelopeID: deliveryID("env"), EventID: event, ChannelID: "C1",
			UserID: "U1ALLOWED", Text: "<@" + fakeslack.BotUserID + "> signout alice lost phone"})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	mention(a)
	if _, err := a.slack.WaitCalls(ctx, "chat.postEphemeral", 1); err != nil {
		t.Fatalf("bot-a showed no prompt: %v\nstderr: %s", err, a.p.stderr)
	}
	retry := mention(b)
	if _, err := b.slack.WaitAck(ctx, retry); err != nil {
		t.Fatalf("bot-b did not ack the retry: %v", err)
	}
	if err := b.p.stderr.Wait(ctx, "redelivered event ignored"); err != nil {
		t.Fatalf("bot-b did not ignore the retry: %v\nstderr: %s", err, b.p.stderr)
	}
	stopAll(a, b)
	if n := len(b.slack.Calls("chat.postEphemeral")); n != 0 {
		t.Fatalf("bot-b answered the retry %d times", n)
	}
	a.wantAudit("requested")
	b.wantAudit("")
}
