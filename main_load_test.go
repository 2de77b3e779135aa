package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/signout-bot/signout-bot/audit"
	"github.com/signout-bot/signout-bot/internal/fakedingtalk"
	"github.com/signout-bot/signout-bot/internal/fakeslack"
	"github.com/signout-bot/signout-bot/internal/logbuf"
	"github.com/signout-bot/signout-bot/internal/redistest"
)

// The load run's defaults; LOAD_RATES and LOAD_DURATION override them.
var (
	loadDefaultRates    = []int{20, 50, 100, 200, 400, 800} // commands/s, both platforms together
	loadDefaultDuration = 5 * time.Second                   // per step
)

const (
	// Slack redelivers an envelope not acknowledged within 3 s; DingTalk
	// wants "well under 1 s" (spec), so 1 s is its window here.
	loadSlackAckWindow    = 3 * time.Second
	loadDingTalkAckWindow = time.Second

	loadMaxReplicas = 4 // LOAD_REPLICAS at most

	loadFlowTimeout = 10 * time.Second // command to result, per flow
	loadAckGrace    = 5 * time.Second  // how long a flow still waits for an ack after its last step
	loadSettleEvery = 200 * time.Millisecond
	loadSettleRuns  = 10 // equal go_goroutines readings in a row that count as idle
	loadSettleMax   = 30 * time.Second

	loadSlackUser    = "U1LOAD"
	loadDingTalkUser = "manager4220"
	loadCorp         = "dingcorp1"
	loadGroup        = "cidLoadGroup"
)

var (
	loadSlackConfirm = regexp.MustCompile(`"action_id":"signout_confirm"[^}]*"value":"([A-Z0-9]+)"|"value":"([A-Z0-9]+)"[^}]*"action_id":"signout_confirm"`)
	loadTypedConfirm = regexp.MustCompile(`confirm ([A-Z0-9]{6})`)
	// loadDingTalkTrouble matches the titles of every DingTalk reply that
	// ends a flow without a sign-out.
	loadDingTalkTrouble = regexp.MustCompile(`Sign-out refused|Sign-out problem|Sign-out request closed|Sign-out failed|signout-bot help`)
)

// BenchmarkLoad drives both front ends of the built binary, against the
// loopback fakes, with steps of rising command rates. Each command is a
// whole flow: /signout, the prompt, the confirmation, the result. It
// reports the highest rate at which every ack came within its platform's
// window and every flow completed, each bot's peak RSS, and its goroutines
// once idle again compared with before the load; and it checks the audit
// logs and the sign-outs DingTalk received against the flows.
//
// LOAD_REPLICAS=N (2 to 4; default 1) runs the same steps on three setups
// in turn, each a sub-benchmark with its own table and metrics: one bot on
// go-cache, one on Redis, and N bots sharing that Redis, each command and
// each confirm reaching one of them as the platforms deliver (see
// loadRig.route). With -v a last table sets them side by side by rate.
// The Redis is LOAD_REDIS_URL's, else a real redis-server
// (internal/redistest: SIGNOUT_REDIS_URL's or one it starts), else
// miniredis in this process.
//
//	go test -run '^$' -bench BenchmarkLoad -benchtime 1x .
//	LOAD_RATES=50,100 LOAD_DURATION=3s go test -run '^$' -bench BenchmarkLoad -benchtime 1x -v .
//	LOAD_RATES=100,200,400 LOAD_REPLICAS=2 go test -run '^$' -bench BenchmarkLoad -benchtime 1x -v .
//
// Without -v, go test keeps only the first 10 lines of a sub-benchmark's
// log (its table and summary fit) and none of BenchmarkLoad's own. A
// setup's steps stop after its first step not sustained. One call is one
// measurement, whatever b.N is.
func BenchmarkLoad(b *testing.B) {
	rates, dur := loadPlan(b)
	setups := loadSetups(b)
	var rd loadRedis
	if slices.ContainsFunc(setups, func(s loadSetup) bool { return s.shared }) {
		rd = loadStartRedis(b)
	}
	var sums []*loadSummary
	for _, s := range setups {
		b.Run(s.name(), func(b *testing.B) {
			sums = append(sums, loadRun(b, s, rd, rates, dur))
		})
	}
	if len(sums) > 1 {
		loadCompare(b, sums, rd)
	}
}

// loadRun is one setup's run: warm-up, the steps, then the checks.
func loadRun(b *testing.B, setup loadSetup, rd loadRedis, rates []int, dur time.Duration) *loadSummary {
	r := newLoadRig(b, setup, rd)
	r.warmUp()
	sum := &loadSummary{setup: setup, replicas: make([]loadReplicaSummary, len(r.replicas))}
	for i, rep := range r.replicas {
		sum.replicas[i] = loadReplicaSummary{name: rep.name, goroutinesBefore: r.settle(rep, "before the load"),
			idleKB: loadProcKB(b, rep.cmd.Process.Pid, "VmRSS")}
	}

	for _, rate := range rates {
		s := r.step(rate, dur)
		sum.steps = append(sum.steps, s)
		if !s.sustained() {
			sum.stopped = fmt.Sprintf("stopped after %d commands/s: %s", rate, s.example())
			break
		}
	}

	for i, rep := range r.replicas {
		bs := &sum.replicas[i]
		bs.goroutinesIdle = r.settle(rep, "after the load")
		if bs.goroutinesIdle > bs.goroutinesBefore+loadIdleSlack(len(r.replicas)) {
			b.Errorf("%s: goroutines: %d before the load, %d once idle after: a leak?", rep.name, bs.goroutinesBefore, bs.goroutinesIdle)
		}
		bs.peakKB = loadProcKB(b, rep.cmd.Process.Pid, "VmHWM")
	}
	// Past its in-flight bound a bot sheds work with a "busy" answer; a
	// request whose confirm was shed waits for its TTL, as it should. On
	// a shared store every bot counts the requests of all.
	shed := r.shed()
	if shed > 0 {
		b.Logf("overload: %.0f commands and confirmations were answered busy (shed)", shed)
	}
	for _, rep := range r.replicas {
		if pending, err := r.metric(rep, "signoutbot_pending_confirmations"); err != nil || pending > shed {
			b.Errorf("%s: pending confirmations once idle: %v (shed %v) %v", rep.name, pending, shed, err)
		}
	}
	r.stop()
	sum.accounts, sum.crossed, sum.done = r.checkAccounts()
	r.report(sum)
	return sum
}

// loadIdleSlack is how many more goroutines than before the load an idle
// replica may have: its HTTP clients keep up to 8 idle keep-alive
// connections per host (two goroutines each) for 90 s, and the load
// reaches the Slack API and the DingTalk API of its own, and the
// response_url and session webhook hosts of every replica (each replica
// has its fakes). A leak per flow would show as thousands.
func loadIdleSlack(replicas int) int { return 2*8*(2+2*replicas) + 16 }

// loadSummary is what a setup's run found, for the reports.
type loadSummary struct {
	setup         loadSetup
	steps         []*loadStep
	stopped       string // why the steps ended early; "" if they didn't
	accounts      string
	done, crossed int // flows completed; of them, confirmed on another replica than the one that prompted
	replicas      []loadReplicaSummary
}

// loadReplicaSummary is one replica's figures over the run.
type loadReplicaSummary struct {
	name                             string
	goroutinesBefore, goroutinesIdle int
	idleKB, peakKB                   int64 // RSS before the load, and its peak (VmHWM)
}

// loadSetup is how the bots under load keep their requests.
type loadSetup struct {
	replicas int
	shared   bool // in one Redis; else each bot in its own go-cache
}

func (s loadSetup) name() string {
	store := "memory"
	if s.shared {
		store = "redis"
	}
	return fmt.Sprintf("store=%s/replicas=%d", store, s.replicas)
}

// loadSetups reads LOAD_REPLICAS: 1, the default, is one bot on go-cache;
// more adds one bot on Redis and that many on the same Redis.
func loadSetups(b *testing.B) []loadSetup {
	n := 1
	if s := os.Getenv("LOAD_REPLICAS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 || n > loadMaxReplicas {
			b.Fatalf("LOAD_REPLICAS: %q is not a number of bots from 1 to %d", s, loadMaxReplicas)
		}
	}
	setups := []loadSetup{{replicas: 1}}
	if n > 1 {
		setups = append(setups, loadSetup{replicas: 1, shared: true}, loadSetup{replicas: n, shared: true})
	}
	return setups
}

// loadPlan reads the rates and the step duration, bounded so that a typo
// can't start an endless run.
func loadPlan(b *testing.B) ([]int, time.Duration) {
	rates, dur := loadDefaultRates, loadDefaultDuration
	if s := os.Getenv("LOAD_RATES"); s != "" {
		rates = nil
		for f := range strings.SplitSeq(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 || n > 5000 {
				b.Fatalf("LOAD_RATES: %q is not a rate from 1 to 5000 commands/s", f)
			}
			rates = append(rates, n)
		}
		if len(rates) > 10 {
			b.Fatalf("LOAD_RATES: at most 10 steps, got %d", len(rates))
		}
	}
	if s := os.Getenv("LOAD_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < time.Second || d > time.Minute {
			b.Fatalf("LOAD_DURATION: %q is not a duration from 1s to 1m", s)
		}
		dur = d
	}
	return rates, dur
}

// loadRig is the bot processes, the fakes they talk to, and boards that
// hand each flow the records the fakes made for it.
type loadRig struct {
	b        *testing.B
	dir      string
	api      *fakedingtalk.OpenAPI // one organisation, whichever replica calls it
	http     *http.Client
	replicas []*loadReplica

	slackAcks *loadBoard[fakeslack.Ack]      // by envelope ID
	responses *loadBoard[fakeslack.Response] // by response_url ID
	posts     *loadBoard[fakeslack.Call]     // chat.postMessage by channel
	dtAcks    *loadBoard[fakedingtalk.Ack]   // by frame messageId
	sessions  *loadBoard[loadSessionPost]    // sessionWebhook posts by session

	seq   atomic.Int64
	mu    sync.Mutex
	flows []*loadFlow // every flow started, for the final accounts
}

// loadReplica is one bot process and the platform connections that are
// its own. The fakes send every envelope and frame on their newest
// connection, so each replica has a fake Slack and a stream gateway of its
// own: sending through them is delivering on that replica's connection.
// The DingTalk OpenAPI, the session webhooks and every board are shared.
type loadReplica struct {
	name  string // its instance, which its audit records carry
	slack *fakeslack.Server
	gw    *fakedingtalk.Gateway
	host  string // its DingTalk host: the shared OpenAPI and webhooks, its own gateway
	ops   string // http://host:port of its operations endpoint
	audit string // its audit.file

	cmd     *exec.Cmd
	stderr  *logbuf.Buffer
	exited  chan struct{}
	waitErr error
}

// loadSessionPost is a message the bot posted to a sessionWebhook.
type loadSessionPost struct {
	text string
	at   time.Time // when the post arrived
}

func newLoadRig(b *testing.B, setup loadSetup, rd loadRedis) *loadRig {
	r := &loadRig{
		b: b, dir: b.TempDir(),
		api:  fakedingtalk.NewOpenAPI(b),
		http: &http.Client{Timeout: 5 * time.Second},

		slackAcks: newLoadBoard[fakeslack.Ack](),
		responses: newLoadBoard[fakeslack.Response](),
		posts:     newLoadBoard[fakeslack.Call](),
		dtAcks:    newLoadBoard[fakedingtalk.Ack](),
		sessions:  newLoadBoard[loadSessionPost](),
	}
	r.api.AddUser(fakedingtalk.FakeUser{UserID: "alice", Name: "Alice Liddell", Exclusive: true})
	for i := range setup.replicas {
		rep := &loadReplica{name: fmt.Sprintf("load%d", i+1),
			slack: fakeslack.New(b, fakeslack.Options{}), gw: fakedingtalk.NewGateway(b),
			audit: filepath.Join(r.dir, fmt.Sprintf("audit-%d.jsonl", i+1))}
		rep.host = r.dingTalkHost(rep.gw)
		r.replicas = append(r.replicas, rep)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var watchers sync.WaitGroup
	for _, rep := range r.replicas {
		watchers.Go(func() { r.watchSlack(ctx, rep.slack) })
		watchers.Go(func() { r.watchGateway(ctx, rep.gw) })
	}
	b.Cleanup(func() { cancel(); watchers.Wait() })

	var state string
	if setup.shared {
		// A prefix of this run's own, so that no setup (nor an earlier
		// run, on an external Redis) sees another's requests.
		prefix := fmt.Sprintf("signout-bot-load:%d:", time.Now().UnixNano())
		rd.forget(b, prefix)
		state = fmt.Sprintf("state:\n  redis_url: %q\n  key_prefix: %q\n", rd.url, prefix)
	}
	for _, rep := range r.replicas {
		r.startBot(rep, r.writeConfig(rep, state))
	}
	for _, rep := range r.replicas {
		r.waitReady(rep)
	}
	return r
}

// writeConfig writes rep's config: what all replicas share, state among
// it, and what each must have of its own (instance, audit.file,
// http.listen), besides its fakes' URLs.
func (r *loadRig) writeConfig(rep *loadReplica, state string) string {
	addr := freePort(r.b)
	rep.ops = "http://" + addr
	cfg := filepath.Join(r.dir, "config-"+rep.name+".yaml")
	body := fmt.Sprintf(`
instance: %s
slack:
  app_token: %s
  bot_token: %s
  api_url: %s
dingtalk:
  client_id: %s
  client_secret: %s
  corp_id: %s
  api_url: %s
  oapi_url: %s
  qps: 1000 # the bot's own capacity is measured here, not DingTalk's 20 calls/s per API
authz:
  slack_users: [%s]
  dingtalk_users: [%s]
audit:
  file: %s
http:
  listen: %s
log:
  level: warn
`, rep.name, fakeslack.AppToken, fakeslack.BotToken, rep.slack.APIURL(),
		fakedingtalk.ClientID, fakedingtalk.ClientSecret, loadCorp, rep.host, rep.host,
		loadSlackUser, loadDingTalkUser, rep.audit, addr) + state
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		r.b.Fatal(err)
	}
	return cfg
}

// dingTalkHost serves, on one loopback host as api.dingtalk.com does, the
// OpenAPI and (through a proxy that keeps the Host header) the stream
// gateway gw, like dingtalkHost; and it also hands every sessionWebhook
// post to the flow that waits for it.
func (r *loadRig) dingTalkHost(gw *fakedingtalk.Gateway) string {
	target, err := url.Parse(gw.URL())
	if err != nil {
		r.b.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	mux := http.NewServeMux()
	mux.Handle(fakedingtalk.PathOpenConnection, proxy)
	mux.Handle(fakedingtalk.PathConnect, proxy)
	mux.HandleFunc(fakedingtalk.PathSessionWebhook, func(w http.ResponseWriter, req *http.Request) {
		at := time.Now()
		r.api.ServeHTTP(w, req)
		session := req.URL.Query().Get("session")
		msgs := r.api.SessionMessages(session)
		r.sessions.extend(session, len(msgs), func(i int) loadSessionPost {
			return loadSessionPost{text: string(msgs[i]), at: at}
		})
	})
	mux.Handle("/", r.api)
	srv := httptest.NewServer(mux)
	r.b.Cleanup(srv.Close)
	return srv.URL
}

// watchSlack sorts what a fake Slack records onto the boards. One
// watcher per fake, rather than a waiter per flow, keeps the harness's own
// cost linear in the number of records.
func (r *loadRig) watchSlack(ctx context.Context, slack *fakeslack.Server) {
	var na, nr, np int
	for {
		var acks []fakeslack.Ack
		var resps []fakeslack.Response
		var posts []fakeslack.Call
		err := slack.Wait(ctx, "new Slack records", func() bool {
			acks, resps, posts = slack.Acks(), slack.Responses(""), slack.Calls("chat.postMessage")
			return len(acks) > na || len(resps) > nr || len(posts) > np
		})
		if err != nil {
			return
		}
		for _, a := range acks[na:] {
			r.slackAcks.add(a.EnvelopeID, a)
		}
		for _, resp := range resps[nr:] {
			r.responses.add(resp.ID, resp)
		}
		for _, p := range posts[np:] {
			r.posts.add(p.Form.Get("channel"), p)
		}
		na, nr, np = len(acks), len(resps), len(posts)
	}
}

// watchGateway sorts a gateway's stream acks onto their board.
func (r *loadRig) watchGateway(ctx context.Context, gw *fakedingtalk.Gateway) {
	n := 0
	for {
		acks, err := gw.WaitAcks(ctx, n+1)
		if err != nil {
			return
		}
		for _, a := range acks[n:] {
			r.dtAcks.add(a.MessageID(), a)
		}
		n = len(acks)
	}
}

func (r *loadRig) startBot(rep *loadReplica, cfg string) {
	cmd := exec.Command(binary, "-config", cfg)
	cmd.Dir = r.dir
	rep.stderr = &logbuf.Buffer{}
	cmd.Stderr = rep.stderr
	if err := cmd.Start(); err != nil {
		r.b.Fatal(err)
	}
	rep.cmd, rep.exited = cmd, make(chan struct{})
	go func() {
		rep.waitErr = cmd.Wait()
		close(rep.exited)
	}()
	r.b.Cleanup(func() {
		_ = cmd.Process.Kill() // fails harmlessly once it has exited
		<-rep.exited
	})
}

// waitReady waits for rep's two platform connections and a ready /readyz
// (which, on Redis, includes the state store).
func (r *loadRig) waitReady(rep *loadReplica) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := rep.slack.WaitConnected(ctx, 1); err != nil {
		r.b.Fatalf("%s: no Socket Mode connection: %v\nstderr: %s", rep.name, err, rep.stderr)
	}
	if err := rep.gw.WaitConnected(ctx, 1); err != nil {
		r.b.Fatalf("%s: no stream connection: %v\nstderr: %s", rep.name, err, rep.stderr)
	}
	var last string
	err := loadPoll(ctx, 50*time.Millisecond, func() bool {
		resp, err := r.http.Get(rep.ops + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		last = string(body)
		return resp.StatusCode == http.StatusOK
	})
	if err != nil {
		r.b.Fatalf("%s: /readyz never ready: %v; last: %s\nstderr: %s", rep.name, err, loadSnippet(last), rep.stderr)
	}
}

// warmUp runs one flow per platform from each replica, confirmed on the
// next, so that tokens, connection pools and lazily built state exist
// before the idle baseline is taken. Its flows must complete and be
// acked; how fast is not measured.
func (r *loadRig) warmUp() {
	for i := range r.replicas {
		for platform := range 2 {
			f := r.flow(platform, i, (i+1)%len(r.replicas))
			acks := slices.DeleteFunc(slices.Clone(f.ackProblems), func(p string) bool { return p == "late ack" })
			if f.problem != "" || len(acks) > 0 {
				r.b.Fatalf("warm-up %s flow %s: %s %v\nstderr: %s", f.platform, f.route(), f.problem, acks, r.stderrs())
			}
		}
	}
}

// route picks the replicas that a flow's command and its confirm reach.
// Slack sends each payload to any one of an app's connections, DingTalk
// each robot message to one chosen at random: so each is picked at
// random. Besides, one pair of flows in two (a Slack flow and a DingTalk
// one, as step alternates them) has its confirm sent to another replica
// than its command, so that at least half the confirms cross.
func (r *loadRig) route(i int) (command, confirm int) {
	n := len(r.replicas)
	command, confirm = rand.IntN(n), rand.IntN(n)
	if n > 1 && i/2%2 == 0 {
		confirm = (command + 1 + rand.IntN(n-1)) % n
	}
	return command, confirm
}

// step offers rate commands/s for d, paced by a ticker and alternating
// the platforms, and waits for every flow to end (each is bounded).
func (r *loadRig) step(rate int, d time.Duration) *loadStep {
	n := max(2, int(float64(rate)*d.Seconds()))
	s := &loadStep{rate: rate, flows: make([]*loadFlow, n)}
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	botCPU, ownCPU := r.botCPU(), loadOwnCPU()
	start := time.Now()
	// Each tick sends whatever is due by the clock, so a tick the ticker
	// dropped (a busy machine) does not lower the offered rate.
	for sent := 0; sent < n; <-tick.C {
		due := min(n, 1+int(time.Since(start).Seconds()*float64(rate)))
		for ; sent < due; sent++ {
			i := sent
			command, confirm := r.route(i)
			wg.Go(func() { s.flows[i] = r.flow(i%2, command, confirm) })
		}
	}
	wg.Wait()
	wall := time.Since(start).Seconds()
	s.botCores = (r.botCPU() - botCPU) / wall
	s.harnessCores = (loadOwnCPU() - ownCPU) / wall
	for _, rep := range r.replicas {
		s.peakKB = append(s.peakKB, loadProcKB(r.b, rep.cmd.Process.Pid, "VmHWM"))
	}
	return s
}

// botCPU is the replicas' CPU time so far, in seconds, from their /metrics.
func (r *loadRig) botCPU() float64 {
	total := 0.0
	for _, rep := range r.replicas {
		v, err := r.metric(rep, "process_cpu_seconds_total")
		if err != nil {
			r.b.Fatal(err)
		}
		total += v
	}
	return total
}

// stderrs is every replica's stderr, for a failure message.
func (r *loadRig) stderrs() string {
	var sb strings.Builder
	for _, rep := range r.replicas {
		fmt.Fprintf(&sb, "\n%s: %s", rep.name, rep.stderr)
	}
	return sb.String()
}

// loadOwnCPU is this process's CPU time so far (the fakes and the
// harness), in seconds: the bot shares the machine with it.
func loadOwnCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// loadFlow is one command's flow and what happened to it.
type loadFlow struct {
	id, platform     string
	command, confirm *loadReplica // the replicas that its command and its confirm reach
	start, end       time.Time    // end: when the result reached the fake; zero if it didn't in time
	acks             []time.Duration
	ackProblems      []string // "missing ack", "late ack", "ack code 500"
	problemKind      string   // "send", "no prompt", "bad prompt", "no result", "bad result"
	problem          string
	result           func() bool // reports whether a success result has arrived by now
}

func (f *loadFlow) reason() string { return "load " + f.id }

// route names the replicas the flow went through, command first.
func (f *loadFlow) route() string { return f.command.name + "→" + f.confirm.name }

func (f *loadFlow) fail(kind, detail string) *loadFlow {
	f.problemKind, f.problem = kind, kind+": "+detail
	return f
}

// ack records a frame's ack: err if none came, code its status (a Slack
// ack has none: 200 is passed), latency against the platform's window.
func (f *loadFlow) ack(latency time.Duration, err error, code int, window time.Duration) {
	switch {
	case err != nil:
		f.ackProblems = append(f.ackProblems, "missing ack")
		return
	case code != http.StatusOK:
		f.ackProblems = append(f.ackProblems, fmt.Sprintf("ack code %d", code))
	case latency > window:
		f.ackProblems = append(f.ackProblems, "late ack")
	}
	f.acks = append(f.acks, latency)
}

// flow runs one command on platform 0 (Slack) or 1 (DingTalk), sent to
// replica command and confirmed on replica confirm.
func (r *loadRig) flow(platform, command, confirm int) *loadFlow {
	f := &loadFlow{id: fmt.Sprintf("%05d", r.seq.Add(1)), platform: "slack",
		command: r.replicas[command], confirm: r.replicas[confirm]}
	if platform == 1 {
		f.platform = "dingtalk"
	}
	r.mu.Lock()
	r.flows = append(r.flows, f)
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), loadFlowTimeout)
	defer cancel()
	if platform == 1 {
		return r.dingTalkFlow(ctx, f)
	}
	return r.slackFlow(ctx, f)
}

func (r *loadRig) slackFlow(ctx context.Context, f *loadFlow) *loadFlow {
	var envelopes []string
	defer func() {
		for _, env := range envelopes {
			actx, cancel := context.WithTimeout(context.Background(), loadAckGrace)
			a, err := r.slackAcks.await(actx, env, loadAny)
			cancel()
			f.ack(a.Latency, err, http.StatusOK, loadSlackAckWindow)
		}
	}()
	channel, cmdResp := "CLOAD"+f.id, "cmd-"+f.id
	f.result = func() bool {
		return slices.ContainsFunc(r.posts.snapshot(channel), func(c fakeslack.Call) bool {
			return strings.Contains(c.Form.Get("text"), "Signed out")
		})
	}
	f.start = time.Now()
	env, err := f.command.slack.SendSlash(fakeslack.Slash{EnvelopeID: cmdResp, ChannelID: channel, UserID: loadSlackUser,
		Text: "alice " + f.reason(), ResponseURL: f.command.slack.ResponseURL(cmdResp)})
	if err != nil {
		return f.fail("send", err.Error())
	}
	envelopes = append(envelopes, env)
	prompt, err := r.responses.await(ctx, cmdResp, loadAny)
	if err != nil {
		return f.fail("no prompt", err.Error())
	}
	m := loadSlackConfirm.FindStringSubmatch(string(prompt.Body))
	if m == nil {
		return f.fail("bad prompt", loadSnippet(prompt.Text))
	}
	env, err = f.confirm.slack.SendClick(fakeslack.Click{EnvelopeID: "clk-" + f.id, UserID: loadSlackUser, ChannelID: channel,
		ResponseURL: f.confirm.slack.ResponseURL("clk-" + f.id), ActionID: "signout_confirm", Value: m[1] + m[2], Ephemeral: true})
	if err != nil {
		return f.fail("send", err.Error())
	}
	envelopes = append(envelopes, env)
	post, err := r.posts.await(ctx, channel, loadAny)
	if err != nil {
		clicked := r.responses.snapshot("clk-" + f.id)
		if len(clicked) > 0 {
			return f.fail("no result", loadSnippet(clicked[len(clicked)-1].Text))
		}
		return f.fail("no result", err.Error())
	}
	if text := post.Form.Get("text"); !strings.Contains(text, "Signed out") {
		return f.fail("bad result", loadSnippet(text))
	}
	f.end = post.At
	return f
}

func (r *loadRig) dingTalkFlow(ctx context.Context, f *loadFlow) *loadFlow {
	var frames []string
	defer func() {
		for _, id := range frames {
			actx, cancel := context.WithTimeout(context.Background(), loadAckGrace)
			a, err := r.dtAcks.await(actx, id, loadAny)
			cancel()
			f.ack(a.Latency(), err, a.Code, loadDingTalkAckWindow)
		}
	}()
	session := "load-" + f.id
	// The fake's webhook URL, moved to a host that relays its posts.
	webhook := strings.Replace(r.api.SessionWebhookURL(session), r.api.URL(), f.command.host, 1)
	msg := func(msgID, text string) fakedingtalk.RobotMessage {
		return fakedingtalk.RobotMessage{
			ConversationID: loadGroup, ConversationType: "2", MsgID: msgID, MsgType: "text",
			SenderStaffID: loadDingTalkUser, SenderCorpID: loadCorp, ChatbotUserID: "$:bot",
			SessionWebhook: webhook, SessionWebhookExpiredTime: time.Now().Add(time.Hour).UnixMilli(),
			Text: &fakedingtalk.MessageText{Content: " " + text}, IsInAtList: true,
		}
	}
	succeeded := func(p loadSessionPost) bool { return strings.Contains(p.text, "Signed out") }
	f.result = func() bool { return slices.ContainsFunc(r.sessions.snapshot(session), succeeded) }
	f.start = time.Now()
	frame, err := f.command.gw.SendRobotMessage(ctx, msg("msg-"+f.id+"-cmd", "/signout alice "+f.reason()))
	if err != nil {
		return f.fail("send", err.Error())
	}
	frames = append(frames, frame)
	prompt, err := r.sessions.await(ctx, session, func(p loadSessionPost) bool {
		return loadTypedConfirm.MatchString(p.text) || loadDingTalkTrouble.MatchString(p.text)
	})
	if err != nil {
		return f.fail("no prompt", err.Error())
	}
	m := loadTypedConfirm.FindStringSubmatch(prompt.text)
	if m == nil {
		return f.fail("bad prompt", loadSnippet(prompt.text))
	}
	frame, err = f.confirm.gw.SendRobotMessage(ctx, msg("msg-"+f.id+"-confirm", "confirm "+m[1]))
	if err != nil {
		return f.fail("send", err.Error())
	}
	frames = append(frames, frame)
	res, err := r.sessions.await(ctx, session, func(p loadSessionPost) bool {
		return succeeded(p) || loadDingTalkTrouble.MatchString(p.text)
	})
	if err != nil {
		return f.fail("no result", err.Error())
	}
	if !succeeded(res) {
		return f.fail("bad result", loadSnippet(res.text))
	}
	f.end = res.at
	return f
}

// settle waits until rep's go_goroutines holds still and returns it.
func (r *loadRig) settle(rep *loadReplica, what string) int {
	ctx, cancel := context.WithTimeout(context.Background(), loadSettleMax)
	defer cancel()
	tick := time.NewTicker(loadSettleEvery)
	defer tick.Stop()
	last, same := -1.0, 0
	for {
		v, err := r.metric(rep, "go_goroutines")
		if err != nil {
			r.b.Fatalf("%s %s: %v", rep.name, what, err)
		}
		if v == last {
			same++
		} else {
			last, same = v, 1
		}
		if same >= loadSettleRuns {
			return int(v)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			r.b.Errorf("%s: go_goroutines %s did not settle within %v; last %v", rep.name, what, loadSettleMax, last)
			return int(last)
		}
	}
}

// metric scrapes one unlabelled sample from rep's /metrics.
func (r *loadRig) metric(rep *loadReplica, name string) (float64, error) {
	resp, err := r.http.Get(rep.ops + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(body)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
			return strconv.ParseFloat(v, 64)
		}
	}
	return 0, fmt.Errorf("%s: /metrics has no %s", rep.name, name)
}

// shed is how many commands and confirmations the replicas answered "busy".
func (r *loadRig) shed() float64 {
	total := 0.0
	for _, rep := range r.replicas {
		for _, platform := range []string{"dingtalk", "slack"} {
			if v, err := r.metric(rep, `signoutbot_commands_total{outcome="busy",platform="`+platform+`"}`); err == nil {
				total += v
			}
		}
	}
	return total
}

// stop ends every replica with SIGTERM, as systemd does, and expects exit 0.
func (r *loadRig) stop() {
	for _, rep := range r.replicas {
		if err := rep.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			r.b.Fatal(err)
		}
	}
	timeout := time.After(20 * time.Second)
	for _, rep := range r.replicas {
		select {
		case <-rep.exited:
			if rep.waitErr != nil {
				r.b.Errorf("%s exit: %v\nstderr: %s", rep.name, rep.waitErr, rep.stderr)
			}
		case <-timeout:
			r.b.Fatalf("%s did not stop within 20s of SIGTERM", rep.name)
		}
	}
}

// checkAccounts holds the audit logs of all replicas and DingTalk's
// sign-outs against the flows: each flow that succeeded (in time or late)
// has exactly requested (by the replica its command reached), confirmed
// and succeeded (by the one its confirm reached), and exactly one
// sign-out; nothing else is there. With several replicas, at least half
// the flows that succeeded were confirmed on another replica than the one
// that prompted. It returns the counts, the flows completed and how many
// of them crossed.
func (r *loadRig) checkAccounts() (accounts string, crossed, done int) {
	r.mu.Lock()
	flows := slices.Clone(r.flows)
	r.mu.Unlock()
	var records []audit.Record
	for _, rep := range r.replicas {
		records = append(records, loadAudit(r.b, rep.audit)...)
	}
	// One flow's records may be in two logs: in time order, each log's
	// own order kept.
	slices.SortStableFunc(records, func(x, y audit.Record) int { return x.Time.Compare(y.Time) })
	events := map[string][]string{} // event@instance, by reason
	for _, rec := range records {
		events[rec.Reason] = append(events[rec.Reason], rec.Event+"@"+rec.Instance)
	}
	signOuts := map[string]int{} // by reason
	for _, so := range r.api.SignOuts() {
		signOuts[so.Reason]++
	}
	// A systematic fault would give one complaint per flow: the first few
	// say what it is.
	complaints := 0
	complain := func(format string, args ...any) {
		if complaints++; complaints <= 10 {
			r.b.Errorf(format, args...)
		}
	}
	told := 0
	for _, f := range flows {
		got, ok := strings.Join(events[f.reason()], ","), f.result != nil && f.result()
		delete(events, f.reason())
		if !ok {
			if (got != "" || signOuts[f.reason()] != 0) && told < 5 {
				told++
				r.b.Logf("flow %s (%s) did not succeed (%s): audit %q, %d sign-outs", f.id, f.route(), f.problem, got, signOuts[f.reason()])
			}
			if signOuts[f.reason()] != 0 {
				complain("flow %s: signed out but no success was reported", f.id)
			}
			continue
		}
		done++
		if f.command != f.confirm {
			crossed++
		}
		want := fmt.Sprintf("requested@%s,confirmed@%s,succeeded@%[2]s", f.command.name, f.confirm.name)
		if got != want {
			complain("flow %s: audit %q, want %q", f.id, got, want)
		}
		if n := signOuts[f.reason()]; n != 1 {
			complain("flow %s: %d sign-outs, want 1", f.id, n)
		}
	}
	for _, reason := range slices.Sorted(maps.Keys(events)) {
		complain("audit records of no flow: reason %q: %v", reason, events[reason])
	}
	if complaints > 10 {
		r.b.Errorf("… and %d more complaints about the accounts", complaints-10)
	}
	n := len(r.api.SignOuts())
	if n != done {
		r.b.Errorf("DingTalk received %d sign-outs for %d completed flows", n, done)
	}
	if len(r.replicas) > 1 && 2*crossed < done {
		r.b.Errorf("only %d of %d completed flows were confirmed on another replica than the one that prompted; want at least half", crossed, done)
	}
	accounts = fmt.Sprintf("%d flows (warm-up included), %d completed, %d audit records, %d sign-outs at DingTalk",
		len(flows), done, len(records), n)
	if len(r.replicas) > 1 {
		accounts += fmt.Sprintf(", %d confirmed on another replica than the prompt's", crossed)
	}
	return accounts, crossed, done
}

func loadAudit(b *testing.B, path string) []audit.Record {
	recs, err := audit.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return recs
}

// loadStep is one offered rate and its flows.
type loadStep struct {
	rate  int
	flows []*loadFlow
	// CPU cores busy over the step, from its first command to its last
	// flow's end: the replicas', and this process's (fakes and harness).
	botCores, harnessCores float64
	peakKB                 []int64 // each replica's VmHWM after the step: its peak so far
}

// loadPace is the share of the sending rate that completions must keep up
// with: a bot that completes every flow of a step but fewer per second
// than it is sent is building a queue, and would fail a longer step.
const loadPace = 0.95

func (s *loadStep) problems() map[string]int {
	out := map[string]int{}
	for _, f := range s.flows {
		if f.problemKind != "" {
			out[f.problemKind]++
		}
		for _, p := range f.ackProblems {
			out[p]++
		}
	}
	if s.donePerSec() < loadPace*s.sentPerSec() {
		out["fell behind"] = 1
	}
	return out
}

func (s *loadStep) sustained() bool { return len(s.problems()) == 0 }

func (s *loadStep) problemSummary() string {
	p := s.problems()
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(p)) {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, p[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// example describes the first flow that went wrong, or the pace.
func (s *loadStep) example() string {
	for _, f := range s.flows {
		if f.problem != "" {
			return "e.g. " + f.platform + " flow " + f.id + ": " + f.problem
		}
		if len(f.ackProblems) > 0 {
			return "e.g. " + f.platform + " flow " + f.id + ": " + strings.Join(f.ackProblems, ", ")
		}
	}
	return fmt.Sprintf("%.1f flows/s completed of %.1f/s sent", s.donePerSec(), s.sentPerSec())
}

// sentPerSec is the rate at which commands went out, and donePerSec the
// rate at which results came back: each over the middle 90 % of its
// events, so that neither the first flows (no queue yet) nor a slow last
// one sway it. A bot that keeps up completes as fast as it is sent to.
func (s *loadStep) sentPerSec() float64 {
	var at []time.Time
	for _, f := range s.flows {
		at = append(at, f.start)
	}
	return loadRate(at)
}

func (s *loadStep) donePerSec() float64 {
	var at []time.Time
	for _, f := range s.flows {
		if !f.end.IsZero() {
			at = append(at, f.end)
		}
	}
	return loadRate(at)
}

// loadRate is events per second between the 5th and 95th percentile of at.
func loadRate(at []time.Time) float64 {
	slices.SortFunc(at, time.Time.Compare)
	lo, hi := len(at)/20, len(at)-1-len(at)/20
	if hi <= lo {
		return 0
	}
	return float64(hi-lo) / at[hi].Sub(at[lo]).Seconds()
}

func (s *loadStep) completed() int {
	n := 0
	for _, f := range s.flows {
		if !f.end.IsZero() {
			n++
		}
	}
	return n
}

// ackLatencies and flowLatencies are sorted, for one platform.
func (s *loadStep) ackLatencies(platform string) []time.Duration {
	var out []time.Duration
	for _, f := range s.flows {
		if f.platform == platform {
			out = append(out, f.acks...)
		}
	}
	slices.Sort(out)
	return out
}

func (s *loadStep) flowLatencies(platform string) []time.Duration {
	var out []time.Duration
	for _, f := range s.flows {
		if f.platform == platform && !f.end.IsZero() {
			out = append(out, f.end.Sub(f.start))
		}
	}
	slices.Sort(out)
	return out
}

// best is the highest sustained step, or nil.
func (sum *loadSummary) best() *loadStep {
	var best *loadStep
	for _, s := range sum.steps {
		if s.sustained() {
			best = s
		}
	}
	return best
}

// report writes the table and the summary in one log entry, and the
// benchmark metrics. The headline figures are those of the highest
// sustained step; RSS and goroutines are each replica's, over the whole
// run, and their metrics the largest RSS and the goroutines of all.
func (r *loadRig) report(sum *loadSummary) {
	var tb strings.Builder
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', tabwriter.AlignRight)
	rss := "peak RSS MB"
	if len(r.replicas) > 1 {
		rss += " " + strings.Join(loadNames(r.replicas), "/")
	}
	fmt.Fprintln(tw, "offered/s\tsent/s\tdone/s\tflows\tcompleted\t"+
		"slack ack p50/p99/max ms\tdingtalk ack p50/p99/max ms\tslack flow p50/p99 ms\tdingtalk flow p50/p99 ms\t"+
		"bot CPU\tharness CPU\t"+rss+"\tproblems\t")
	for _, s := range sum.steps {
		sa, da := s.ackLatencies("slack"), s.ackLatencies("dingtalk")
		sf, df := s.flowLatencies("slack"), s.flowLatencies("dingtalk")
		fmt.Fprintf(tw, "%d\t%.1f\t%.1f\t%d\t%d\t%s\t%s\t%s\t%s\t%.2f\t%.2f\t%s\t%s\t\n", s.rate, s.sentPerSec(), s.donePerSec(),
			len(s.flows), s.completed(), loadTriple(sa), loadTriple(da), loadPair(sf), loadPair(df),
			s.botCores, s.harnessCores, loadMBs(s.peakKB), s.problemSummary())
	}
	tw.Flush()
	best := sum.best()
	var head string
	if best == nil {
		head = fmt.Sprintf("no step sustained: even %d commands/s missed an ack window, a flow or the pace", sum.steps[0].rate)
	} else {
		head = fmt.Sprintf("sustained: %d commands/s offered, %.1f flows/s completed", best.rate, best.donePerSec())
	}
	if sum.stopped != "" {
		head += "; " + sum.stopped
	}
	head += fmt.Sprintf(" (ack windows: Slack %v, DingTalk %v; CPU in cores of %d; bot CPU summed over replicas)\n",
		loadSlackAckWindow, loadDingTalkAckWindow, runtime.NumCPU())
	var peakKB, idleKB int64
	var before, idle int
	for _, rs := range sum.replicas {
		fmt.Fprintf(&tb, "%s: RSS %.1f MB idle, peak (VmHWM) %.1f MB; goroutines %d before, %d idle after (%+d); ",
			rs.name, float64(rs.idleKB)/1024, float64(rs.peakKB)/1024, rs.goroutinesBefore, rs.goroutinesIdle,
			rs.goroutinesIdle-rs.goroutinesBefore)
		peakKB, idleKB = max(peakKB, rs.peakKB), max(idleKB, rs.idleKB)
		before, idle = before+rs.goroutinesBefore, idle+rs.goroutinesIdle
	}
	tb.WriteString(sum.accounts)
	for _, rep := range r.replicas {
		if log := rep.stderr.String(); log != "" {
			fmt.Fprintf(&tb, "\n%s stderr (warn and above), %d lines; first: %s", rep.name, strings.Count(log, "\n"), loadSnippet(log))
		}
	}
	r.b.Log(head + tb.String())

	r.b.ReportMetric(0, "ns/op") // one run of several steps: a time per op means nothing
	if best == nil {
		r.b.ReportMetric(0, "flows/s")
	} else {
		r.b.ReportMetric(float64(best.rate), "offered_cmds/s")
		r.b.ReportMetric(best.donePerSec(), "flows/s")
		r.b.ReportMetric(best.botCores, "bot_cpu_cores")
		for _, p := range []string{"slack", "dingtalk"} {
			acks, flows := best.ackLatencies(p), best.flowLatencies(p)
			r.b.ReportMetric(loadMS(loadPercentile(acks, 0.99)), "ack_p99_ms_"+p)
			r.b.ReportMetric(loadMS(loadPercentile(acks, 1)), "ack_max_ms_"+p)
			r.b.ReportMetric(loadMS(loadPercentile(flows, 0.50)), "flow_p50_ms_"+p)
			r.b.ReportMetric(loadMS(loadPercentile(flows, 0.99)), "flow_p99_ms_"+p)
		}
	}
	if peakKB > 0 {
		r.b.ReportMetric(float64(peakKB)/1024, "peak_rss_MB")
		r.b.ReportMetric(float64(idleKB)/1024, "idle_rss_MB")
	}
	r.b.ReportMetric(float64(before), "goroutines_before")
	r.b.ReportMetric(float64(idle), "goroutines_idle")
	if len(r.replicas) > 1 && sum.done > 0 {
		r.b.ReportMetric(100*float64(sum.crossed)/float64(sum.done), "confirms_crossed_%")
	}
}

// loadCompare logs the setups' steps side by side, by offered rate, and
// each replica's peak RSS.
func loadCompare(b *testing.B, sums []*loadSummary, rd loadRedis) {
	var tb strings.Builder
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "offered/s\t")
	steps := 0
	for _, sum := range sums {
		fmt.Fprintf(tw, "%s\t", sum.setup.name())
		steps = max(steps, len(sum.steps))
	}
	fmt.Fprintln(tw)
	for i := range steps {
		rate := 0
		var cells []string
		for _, sum := range sums {
			if i >= len(sum.steps) {
				cells = append(cells, "-")
				continue
			}
			s := sum.steps[i]
			rate = s.rate
			cell := fmt.Sprintf("%.1f  %.1f/%.1f", s.donePerSec(),
				loadMS(loadPercentile(s.ackLatencies("slack"), 0.99)), loadMS(loadPercentile(s.ackLatencies("dingtalk"), 0.99)))
			if !s.sustained() {
				cell += " *"
			}
			cells = append(cells, cell)
		}
		fmt.Fprintf(tw, "%d\t%s\t\n", rate, strings.Join(cells, "\t"))
	}
	tw.Flush()
	var rss []string
	for _, sum := range sums {
		var kb []int64
		for _, rs := range sum.replicas {
			kb = append(kb, rs.peakKB)
		}
		one := sum.setup.name() + " " + loadMBs(kb)
		if sum.setup.replicas > 1 {
			one += fmt.Sprintf(" (%d of %d confirms on another replica than the prompt)", sum.crossed, sum.done)
		}
		rss = append(rss, one)
	}
	b.Logf("side by side; Redis: %s. Each cell: flows/s completed, ack p99 ms Slack/DingTalk; * not sustained\n%speak RSS MB: %s",
		rd.label, tb.String(), strings.Join(rss, "; "))
}

func loadNames(reps []*loadReplica) []string {
	var out []string
	for _, rep := range reps {
		out = append(out, rep.name)
	}
	return out
}

// loadMBs writes kB figures as MB, separated by slashes.
func loadMBs(kb []int64) string {
	var out []string
	for _, k := range kb {
		out = append(out, fmt.Sprintf("%.1f", float64(k)/1024))
	}
	return strings.Join(out, "/")
}

// loadRedis is the Redis that the shared setups use.
type loadRedis struct {
	url string
	// label says which it is, for the report; never the URL, which may
	// hold a password.
	label    string
	external bool // it outlives the run, so the run's keys are deleted
}

// loadStartRedis picks the Redis: LOAD_REDIS_URL's, else a real
// redis-server (redistest.URL: SIGNOUT_REDIS_URL's or one it starts),
// else miniredis in this process, which then shares the harness's CPU.
func loadStartRedis(b *testing.B) loadRedis {
	if u := os.Getenv("LOAD_REDIS_URL"); u != "" {
		return loadRedis{url: u, label: "LOAD_REDIS_URL's", external: true}
	}
	external := os.Getenv(redistest.URLEnv) != ""
	if _, err := exec.LookPath("redis-server"); err == nil || external || os.Getenv(redistest.RequireEnv) == "1" {
		label := "a redis-server of its own on loopback"
		if external {
			label = redistest.URLEnv + "'s"
		}
		return loadRedis{url: redistest.URL(b), label: label, external: external}
	}
	m := miniredis.RunT(b)
	return loadRedis{url: "redis://" + m.Addr() + "/0", label: "miniredis in this process (no redis-server in PATH)"}
}

// forget deletes the keys under prefix when b ends, on an external Redis;
// one of the run's own dies with it.
func (rd loadRedis) forget(b *testing.B, prefix string) {
	if !rd.external {
		return
	}
	opt, err := redis.ParseURL(rd.url)
	if err != nil {
		b.Fatalf("%s: not a redis:// URL", rd.label) // go-redis's message may quote the URL
	}
	b.Cleanup(func() {
		c := redis.NewClient(opt)
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			b.Logf("deleting the run's keys under %s: %v", prefix, err)
		}
	})
}

// loadBoard hands keyed records from a fake to the flow waiting for them:
// each key has its own wake-up channel, so a record wakes only its flow.
type loadBoard[V any] struct {
	mu    sync.Mutex
	items map[string][]V
	wake  map[string]chan struct{}
}

func newLoadBoard[V any]() *loadBoard[V] {
	return &loadBoard[V]{items: map[string][]V{}, wake: map[string]chan struct{}{}}
}

func (bd *loadBoard[V]) add(key string, v V) {
	bd.mu.Lock()
	defer bd.mu.Unlock()
	bd.items[key] = append(bd.items[key], v)
	bd.notifyLocked(key)
}

// extend appends mk(i) for every i from the records held under key up to n.
func (bd *loadBoard[V]) extend(key string, n int, mk func(i int) V) {
	bd.mu.Lock()
	defer bd.mu.Unlock()
	for i := len(bd.items[key]); i < n; i++ {
		bd.items[key] = append(bd.items[key], mk(i))
	}
	bd.notifyLocked(key)
}

func (bd *loadBoard[V]) notifyLocked(key string) {
	if ch, ok := bd.wake[key]; ok {
		close(ch)
		delete(bd.wake, key)
	}
}

// await returns the first record under key that match accepts, waiting
// for it until ctx ends.
func (bd *loadBoard[V]) await(ctx context.Context, key string, match func(V) bool) (V, error) {
	for i := 0; ; {
		bd.mu.Lock()
		items := bd.items[key]
		for ; i < len(items); i++ {
			if match(items[i]) {
				bd.mu.Unlock()
				return items[i], nil
			}
		}
		ch, ok := bd.wake[key]
		if !ok {
			ch = make(chan struct{})
			bd.wake[key] = ch
		}
		bd.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			var zero V
			return zero, fmt.Errorf("waiting for %s: %w", key, ctx.Err())
		}
	}
}

func (bd *loadBoard[V]) snapshot(key string) []V {
	bd.mu.Lock()
	defer bd.mu.Unlock()
	return slices.Clone(bd.items[key])
}

func loadAny[V any](V) bool { return true }

// loadPoll calls cond every interval until it holds or ctx ends.
func loadPoll(ctx context.Context, interval time.Duration, cond func() bool) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// loadProcKB reads a kB field of /proc/<pid>/status (Linux); 0 elsewhere.
func loadProcKB(b *testing.B, pid int, field string) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Logf("no %s: %v", field, err)
		return 0
	}
	for line := range strings.Lines(string(raw)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			fs := strings.Fields(v)
			if len(fs) == 2 && fs[1] == "kB" {
				if n, err := strconv.ParseInt(fs[0], 10, 64); err == nil {
					return n
				}
			}
		}
	}
	b.Errorf("/proc/%d/status has no readable %s", pid, field)
	return 0
}

// loadPercentile is the nearest-rank percentile of sorted; 0 if empty.
func loadPercentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func loadMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func loadTriple(sorted []time.Duration) string {
	if len(sorted) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f/%.1f/%.1f", loadMS(loadPercentile(sorted, 0.5)), loadMS(loadPercentile(sorted, 0.99)), loadMS(loadPercentile(sorted, 1)))
}

func loadPair(sorted []time.Duration) string {
	if len(sorted) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f/%.1f", loadMS(loadPercentile(sorted, 0.5)), loadMS(loadPercentile(sorted, 0.99)))
}

func loadSnippet(s string) string {
	rs := []rune(strings.Join(strings.Fields(s), " "))
	if len(rs) > 200 {
		return string(rs[:200]) + "…"
	}
	return string(rs)
}
