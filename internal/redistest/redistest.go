// Package redistest starts real redis-server processes on loopback ports
// for tests: a primary, replicas of it and a Sentinel watching it. Every
// process is killed when the test ends.
//
// Without redis-server in PATH the tests that need one are skipped, unless
// SIGNOUT_REQUIRE_REDIS=1 (CI sets it): then they fail, so that a CI
// machine without Redis cannot pass by skipping.
package redistest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	// RequireEnv set to 1 turns a missing redis-server into a failure.
	RequireEnv = "SIGNOUT_REQUIRE_REDIS"
	// URLEnv names an external Redis for URL to return instead of
	// starting one.
	URLEnv = "SIGNOUT_REDIS_URL"

	startTimeout = 10 * time.Second
	// failoverTimeout bounds a failover: the Sentinel's down-after (1 s),
	// its election and the promotion take a few seconds.
	failoverTimeout = 30 * time.Second
)

// Available reports whether redis-server is installed, for callers that
// fall back to something else (miniredis) rather than skip.
func Available() bool {
	_, err := exec.LookPath("redis-server")
	return err == nil
}

// Binary returns the path of redis-server, or skips t (fails it when
// SIGNOUT_REQUIRE_REDIS=1) if there is none.
func Binary(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err == nil {
		return bin
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("redis-server not found in PATH and %s=1: %v", RequireEnv, err)
		return ""
	}
	t.Skipf("redis-server not found in PATH (install Debian's redis-server, or set %s=1 to fail instead)", RequireEnv)
	return ""
}

// URL returns the URL of a Redis for a test: SIGNOUT_REDIS_URL when it is
// set (the test fails if that server does not answer), else a new
// redis-server's, as Server starts it.
func URL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv(URLEnv); u != "" {
		if err := ping(u); err != nil {
			// The URL may hold a password: name the variable, not its value.
			t.Fatalf("%s is set but that Redis does not answer PING: %v", URLEnv, err)
		}
		return u
	}
	return Server(t).URL()
}

// Redis is one redis-server process (a primary, a replica or a Sentinel)
// on 127.0.0.1.
type Redis struct {
	t    testing.TB
	bin  string
	args []string // after --port and --bind
	Port int
	Addr string // 127.0.0.1:Port
	// Password is its requirepass, "" for none; the helpers' own
	// clients use it.
	Password string

	mu   sync.Mutex
	proc *process // nil when stopped
}

type process struct {
	cmd    *exec.Cmd
	output *syncBuffer
	exited chan struct{} // closed when Wait returned
}

// Server starts a redis-server with no persistence on a free loopback
// port and waits until it answers PING. args are added to its command
// line, e.g. "--requirepass", "pw".
func Server(t testing.TB, args ...string) *Redis {
	t.Helper()
	// A primary waits 5 s by default before it sends a new replica its
	// data, in case more replicas come: none will.
	// A replica writes the data it syncs to dump.rdb in its directory.
	base := []string{"--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0", "--dir", t.TempDir()}
	return startArgs(t, nil, append(base, args...))
}

// Replica starts a replica of primary, with args as Server takes them
// (e.g. "--masterauth", "pw"), and waits until its link to the primary is
// up.
func Replica(t testing.TB, primary *Redis, args ...string) *Redis {
	t.Helper()
	r := Server(t, append([]string{"--replicaof", "127.0.0.1", strconv.Itoa(primary.Port)}, args...)...)
	r.waitFor("its link to the primary to be up", startTimeout, func(ctx context.Context, c *redis.Client) (bool, error) {
		info, err := c.Info(ctx, "replication").Result()
		return strings.Contains(info, "master_link_status:up"), err
	})
	// The primary counts a replica online only once it has acked: until
	// then a write does not wait for it.
	primary.waitFor("the primary to see its replica online", startTimeout, func(ctx context.Context, c *redis.Client) (bool, error) {
		info, err := c.Info(ctx, "replication").Result()
		return strings.Contains(info, "state=online"), err
	})
	return r
}

// Sentinel starts a Sentinel that monitors primary as masterName with a
// quorum of 1 and short timeouts, so that it fails over a few seconds
// after the primary dies. It waits until the Sentinel knows every replica
// the primary has, so that it has one to promote. conf are more lines of
// its config file, e.g. "sentinel auth-pass NAME pw" or "requirepass pw".
func Sentinel(t testing.TB, primary *Redis, masterName string, conf ...string) *Redis {
	t.Helper()
	dir := t.TempDir()
	file := dir + "/sentinel.conf"
	// Sentinel rewrites its config file, so it lives in the test's
	// directory; the port and bind come from the command line.
	text := fmt.Sprintf("dir %s\n"+
		"sentinel monitor %[2]s 127.0.0.1 %[3]d 1\n"+
		"sentinel down-after-milliseconds %[2]s 1000\n"+
		"sentinel failover-timeout %[2]s 5000\n"+
		"sentinel parallel-syncs %[2]s 1\n", dir, masterName, primary.Port)
	text += strings.Join(conf, "\n") + "\n"
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startArgs(t, []string{file, "--sentinel"}, nil)
	for _, line := range conf {
		if pw, ok := strings.CutPrefix(line, "requirepass "); ok {
			s.Password = pw
		}
	}
	want := primary.connectedReplicas()
	s.waitFor(fmt.Sprintf("the sentinel to know %d replica(s) of %s", want, masterName), startTimeout, func(ctx context.Context, c *redis.Client) (bool, error) {
		reps, err := c.Do(ctx, "SENTINEL", "REPLICAS", masterName).Slice()
		return len(reps) >= want, err
	})
	return s
}

// URL is this server's redis:// URL, database 0, without a password.
func (r *Redis) URL() string { return "redis://" + r.Addr + "/0" }

// FailoverURL is go-redis's failover URL through this Sentinel for the
// primary it monitors as masterName.
func (r *Redis) FailoverURL(masterName string) string {
	return "redis://" + r.Addr + "/0?master_name=" + masterName
}

// WaitMaster waits until this Sentinel names want as masterName's primary,
// that is until it has promoted want.
func (r *Redis) WaitMaster(masterName string, want *Redis) {
	r.t.Helper()
	r.waitFor(fmt.Sprintf("%s to be the primary of %s", want.Addr, masterName), failoverTimeout, func(ctx context.Context, c *redis.Client) (bool, error) {
		addr, err := c.Do(ctx, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName).StringSlice()
		return len(addr) == 2 && net.JoinHostPort(addr[0], addr[1]) == want.Addr, err
	})
}

// Client returns a go-redis client for this server, closed at the end of
// the test, for a test to look at what the store wrote.
func (r *Redis) Client() *redis.Client {
	c := redis.NewClient(r.options())
	r.t.Cleanup(func() { _ = c.Close() })
	return c
}

// Stop ends the server with SIGTERM and waits until it has exited.
func (r *Redis) Stop() { r.signalAndWait(syscall.SIGTERM) }

// Kill ends the server with SIGKILL (kill -9) and waits until it has exited.
func (r *Redis) Kill() { r.signalAndWait(syscall.SIGKILL) }

// Pause stops the process (SIGSTOP) without closing its connections: a
// replica that does not answer.
func (r *Redis) Pause() { r.signal(syscall.SIGSTOP) }

// Resume continues a paused process (SIGCONT).
func (r *Redis) Resume() { r.signal(syscall.SIGCONT) }

// Restart starts a stopped or killed server again, on the same port and
// with the same arguments, and waits until it answers PING.
func (r *Redis) Restart() {
	r.t.Helper()
	r.mu.Lock()
	running := r.proc != nil
	r.mu.Unlock()
	if running {
		r.t.Fatalf("redis %s: Restart while it is running", r.Addr)
	}
	if err := r.launch(); err != nil {
		r.t.Fatalf("redis %s: restart: %v", r.Addr, err)
	}
}

// Output is what the process wrote so far, for failure messages.
func (r *Redis) Output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc == nil {
		return ""
	}
	return r.proc.output.String()
}

// startArgs starts redis-server with lead before --port and --bind (a
// config file must come first) and args after them. A port taken between
// finding it free and the server binding it is retried with another.
func startArgs(t testing.TB, lead, args []string) *Redis {
	t.Helper()
	bin := Binary(t)
	var err error
	for range 5 {
		r := &Redis{t: t, bin: bin, args: args, Password: requirepass(args)}
		r.Port, err = freePort()
		if err != nil {
			t.Fatal(err)
		}
		r.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(r.Port))
		r.args = append(append(append([]string{}, lead...), "--port", strconv.Itoa(r.Port), "--bind", "127.0.0.1"), args...)
		if err = r.launch(); err == nil {
			t.Cleanup(r.kill)
			return r
		}
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	t.Fatalf("redis-server: %v", err)
	return nil
}

var errPortTaken = errors.New("port already in use")

// launch starts the process and waits until it answers PING or exits.
func (r *Redis) launch() error {
	out := &syncBuffer{}
	cmd := exec.Command(r.bin, r.args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return err
	}
	p := &process{cmd: cmd, output: out, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.exited) }()

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	c := redis.NewClient(&redis.Options{Addr: r.Addr, MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	for {
		// NOAUTH: a server with a password is up all the same.
		if err := c.Ping(ctx).Err(); err == nil || redis.HasErrorPrefix(err, "NOAUTH") {
			r.mu.Lock()
			r.proc = p
			r.mu.Unlock()
			return nil
		}
		select {
		case <-p.exited:
			if strings.Contains(out.String(), "Address already in use") {
				return errPortTaken
			}
			return fmt.Errorf("%s exited before answering PING: %s", r.Addr, out.String())
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			<-p.exited
			return fmt.Errorf("%s did not answer PING within %v: %s", r.Addr, startTimeout, out.String())
		case <-time.After(10 * time.Millisecond): // poll interval, not a wait for an event
		}
	}
}

func (r *Redis) signal(sig syscall.Signal) {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc == nil {
		r.t.Fatalf("redis %s: signal %v while it is not running", r.Addr, sig)
	}
	if err := r.proc.cmd.Process.Signal(sig); err != nil {
		r.t.Fatalf("redis %s: %v: %v", r.Addr, sig, err)
	}
}

func (r *Redis) signalAndWait(sig syscall.Signal) {
	r.t.Helper()
	r.mu.Lock()
	p := r.proc
	r.proc = nil
	r.mu.Unlock()
	if p == nil {
		r.t.Fatalf("redis %s: %v while it is not running", r.Addr, sig)
	}
	_ = p.cmd.Process.Signal(sig)
	if sig != syscall.SIGKILL {
		_ = p.cmd.Process.Signal(syscall.SIGCONT) // a paused process cannot handle SIGTERM
	}
	select {
	case <-p.exited:
	case <-time.After(startTimeout):
		_ = p.cmd.Process.Kill()
		<-p.exited
		r.t.Errorf("redis %s did not exit on %v within %v", r.Addr, sig, startTimeout)
	}
}

// kill is the cleanup: SIGKILL whatever still runs.
func (r *Redis) kill() {
	r.mu.Lock()
	p := r.proc
	r.proc = nil
	r.mu.Unlock()
	if p != nil {
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// waitFor polls cond against this server until it holds, or fails the
// test after timeout with the last error.
func (r *Redis) waitFor(what string, timeout time.Duration, cond func(context.Context, *redis.Client) (bool, error)) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := redis.NewClient(r.options())
	defer c.Close()
	var last error
	for {
		ok, err := cond(ctx, c)
		if ok && err == nil {
			return
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			r.t.Fatalf("redis %s: waiting for %s: %v (last error: %v)", r.Addr, what, ctx.Err(), last)
		case <-time.After(20 * time.Millisecond): // poll interval
		}
	}
}

// connectedReplicas is the primary's count of replicas.
func (r *Redis) connectedReplicas() int {
	r.t.Helper()
	c := redis.NewClient(r.options())
	defer c.Close()
	info, err := c.Info(context.Background(), "replication").Result()
	if err != nil {
		r.t.Fatalf("redis %s: INFO replication: %v", r.Addr, err)
	}
	for line := range strings.SplitSeq(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "connected_slaves:"); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

func (r *Redis) options() *redis.Options {
	return &redis.Options{Addr: r.Addr, Password: r.Password, MaxRetries: -1}
}

// requirepass is the value of --requirepass in args.
func requirepass(args []string) string {
	for i, a := range args {
		if a == "--requirepass" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// ping checks that the Redis at url answers.
func ping(url string) error {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return errors.New("not a redis:// URL") // go-redis's message may quote the URL
	}
	opt.MaxRetries = -1
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return c.Ping(ctx).Err()
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects a process's output while tests read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
