package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/internal/logbuf"
	"github.com/signout-bot/signout-bot/internal/redistest"
	"github.com/signout-bot/signout-bot/redisstore"
)

// server is a Redis a test can stop and start again on the same port.
type server struct {
	url           string // with the password
	stop, restart func()
}

// everyCall runs each store operation once and returns the errors.
func everyCall(ctx context.Context, s *redisstore.Store, code string) map[string]error {
	errs := map[string]error{}
	errs["add"] = s.Add(ctx, request(code, time.Minute))
	_, _, errs["get"] = s.Get(ctx, code)
	_, errs["move"] = s.Move(ctx, code, bot.StatePending, bot.StateConfirmed)
	_, errs["open"] = s.Open(ctx)
	_, errs["find"] = s.Find(ctx, "req-"+code)
	_, errs["recent"] = s.Recent(ctx, 10)
	errs["note"] = s.Note(ctx, code, bot.Outcome{Result: "succeeded"})
	_, errs["claim"] = s.Claim(ctx, "ev-"+code, time.Minute)
	errs["forget"] = s.Forget(ctx, "ev-"+code)
	errs["ping"] = s.Ping(ctx)
	return errs
}

func TestRedisDownThenBack(t *testing.T) {
	servers := map[string]func(t *testing.T) server{
		"miniredis": func(t *testing.T) server {
			m := miniredis.RunT(t)
			m.RequireAuth(password)
			return server{"redis://:" + password + "@" + m.Addr() + "/0", m.Close, func() {
				if err := m.Restart(); err != nil {
					t.Fatal(err)
				}
			}}
		},
		"redis": func(t *testing.T) server {
			r := redistest.Server(t, "--requirepass", password)
			return server{"redis://:" + password + "@" + r.Addr + "/0", r.Stop, r.Restart}
		},
	}
	for name, start := range servers {
		t.Run(name, func(t *testing.T) {
			srv := start(t)
			var heard calls
			s := open(t, redisstore.Config{URL: srv.url, KeyPrefix: "down:", Logger: quiet, Observer: &heard})
			ctx := ctxT(t)
			if err := s.Add(ctx, request("UP01", time.Minute)); err != nil {
				t.Fatalf("Add while up: %v", err)
			}
			srv.stop()
			for op, err := range everyCall(ctx, s, "DN01") {
				switch {
				case err == nil:
					t.Errorf("%s with Redis down: no error", op)
				case isDomain(err):
					t.Errorf("%s with Redis down: %v, a domain error", op, err)
				case !strings.HasPrefix(err.Error(), "state store: "+op+": "):
					t.Errorf("%s with Redis down: %q does not say the state store", op, err)
				case strings.Contains(err.Error(), password):
					t.Errorf("%s with Redis down: %q shows the password", op, err)
				}
				var oe *redisstore.OpError
				if !errors.As(err, &oe) || errors.Unwrap(err) == nil {
					t.Errorf("%s with Redis down: %v does not wrap its cause", op, err)
				}
			}
			if got := heard.String(); strings.Count(got, "\n") != 10 || strings.Contains(got, password) {
				t.Errorf("observer heard\n%s\nwant 11 calls, without the password", got)
			}
			srv.restart()
			// Same Store: go-redis dials again by itself.
			for op, err := range everyCall(ctx, s, "BK01") {
				if err != nil {
					t.Errorf("%s after the restart: %v", op, err)
				}
			}
		})
	}
}

func TestWrongPassword(t *testing.T) {
	r := redistest.Server(t, "--requirepass", "the-right-one")
	s := open(t, redisstore.Config{URL: "redis://:" + password + "@" + r.Addr + "/0", Logger: quiet})
	err := s.Ping(ctxT(t))
	if err == nil || isDomain(err) || strings.Contains(err.Error(), password) || !strings.Contains(err.Error(), "state store") {
		t.Fatalf("Ping with a wrong password = %v; want a state store error without the password", err)
	}
}

// TestMiniredisHasNoReplication: miniredis answers INFO replication with
// an error; the store takes that as no replica, says so once, and writes.
func TestMiniredisHasNoReplication(t *testing.T) {
	e := miniEnv(t)
	var log logbuf.Buffer
	s := e.store(t, func(c *redisstore.Config) { c.Logger = slogTo(&log) })
	ctx := ctxT(t)
	for _, code := range []string{"NR01", "NR02"} {
		if err := s.Add(ctx, request(code, time.Minute)); err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
	if n := strings.Count(log.String(), "does not report replication"); n != 1 {
		t.Fatalf("warned %d times, want once:\n%s", n, log.String())
	}
}

// TestNoReplicaAcknowledges: with its only replica paused, a write is an
// ErrNotReplicated failure; once the replica is back, writes succeed.
func TestNoReplicaAcknowledges(t *testing.T) {
	primary := redistest.Server(t)
	replica := redistest.Replica(t, primary)
	e := newEnv(t, primary.URL(), nil)
	s := e.store(t)
	ctx := ctxT(t)
	if err := s.Add(ctx, request("RA01", time.Minute)); err != nil {
		t.Fatalf("Add with the replica up: %v", err)
	}
	if n, err := replica.Client().Exists(ctx, e.prefix+"req:RA01").Result(); err != nil || n != 1 {
		t.Fatalf("the replica has %d of the request (%v) when Add returns, want 1", n, err)
	}
	replica.Pause()
	for op, err := range map[string]error{
		"add":  s.Add(ctx, request("RA02", time.Minute)),
		"move": func() error { _, err := s.Move(ctx, "RA01", bot.StatePending, bot.StateConfirmed); return err }(),
		"note": s.Note(ctx, "RA01", bot.Outcome{Result: "succeeded"}),
	} {
		if !errors.Is(err, redisstore.ErrNotReplicated) || isDomain(err) || !strings.Contains(err.Error(), "state store") {
			t.Errorf("%s with the replica paused = %v, want ErrNotReplicated from the state store", op, err)
		}
	}
	// A read or a refused write waits for nobody.
	if _, err := s.Move(ctx, "RA01", bot.StatePending, bot.StateCancelled); !errors.As(err, new(*bot.StateError)) {
		t.Errorf("Move from the wrong state with the replica paused = %v, want a StateError", err)
	}
	if err := s.Note(ctx, "NONE", bot.Outcome{}); !errors.Is(err, bot.ErrUnknown) {
		t.Errorf("Note of an unknown code with the replica paused = %v, want ErrUnknown", err)
	}
	if _, err := s.Find(ctx, "req-RA01"); err != nil {
		t.Errorf("Find with the replica paused = %v", err)
	}
	if _, err := s.Recent(ctx, 10); err != nil {
		t.Errorf("Recent with the replica paused = %v", err)
	}
	replica.Resume()
	if _, err := s.Move(ctx, "RA01", bot.StateConfirmed, bot.StateAborted); err != nil {
		t.Fatalf("Move with the replica back: %v", err)
	}
}

// TestFailover: a request added through Sentinel survives kill -9 of the
// primary right after Add returns, and is confirmed exactly once on the
// promoted replica, through the same Stores.
func TestFailover(t *testing.T) {
	primary := redistest.Server(t)
	replica := redistest.Replica(t, primary)
	sentinel := redistest.Sentinel(t, primary, "main")
	e := newEnv(t, primary.URL(), nil)
	e.url = sentinel.FailoverURL("main")
	stores := []*redisstore.Store{e.store(t), e.store(t)}
	ctx := ctxT(t)

	p := request("FO01", time.Minute)
	if err := stores[0].Add(ctx, p); err != nil {
		t.Fatalf("Add: %v", err)
	}
	primary.Kill()
	killed := time.Now()
	sentinel.WaitMaster("main", replica)
	promoted := time.Since(killed)

	// Until each Store reaches the new primary, calls may fail; none
	// may say the request is gone.
	for i, s := range stores {
		waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		for {
			_, st, err := s.Get(waitCtx, p.Code)
			if err == nil && st == bot.StatePending {
				break
			}
			if isDomain(err) || err == nil {
				t.Fatalf("store %d after the failover: Get = %v, %v; the request was lost", i, st, err)
			}
			if waitCtx.Err() != nil {
				t.Fatalf("store %d did not reach the new primary: %v", i, err)
			}
			select {
			case <-waitCtx.Done():
			case <-time.After(50 * time.Millisecond): // poll interval
			}
		}
		cancel()
	}
	t.Logf("sentinel promoted the replica %v after kill -9; stores followed after %v", promoted.Round(time.Millisecond), time.Since(killed).Round(time.Millisecond))

	won := 0
	errs := make(chan error, 20)
	for i := range cap(errs) {
		go func() {
			_, err := stores[i%2].Move(ctx, p.Code, bot.StatePending, bot.StateConfirmed)
			errs <- err
		}()
	}
	for range cap(errs) {
		switch err := <-errs; {
		case err == nil:
			won++
		case !errors.As(err, new(*bot.StateError)):
			t.Errorf("Move on the new primary: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d moves won on the new primary, want 1", won)
	}
	if _, st, err := stores[1].Get(ctx, p.Code); err != nil || st != bot.StateConfirmed {
		t.Fatalf("Get after the move = %v, %v; want confirmed", st, err)
	}
}

// TestFailoverURLPasswords: in the failover form, ?password= is the data
// nodes' password, and the user info's is the sentinels' and, without
// ?password=, theirs too.
func TestFailoverURLPasswords(t *testing.T) {
	for name, c := range map[string]struct {
		sentinelConf []string
		url          func(sentinel string) string
	}{
		"password option, open sentinel": {nil, func(s string) string {
			return "redis://" + s + "/0?master_name=main&password=" + password
		}},
		"user info for all": {[]string{"requirepass " + password}, func(s string) string {
			return "redis://:" + password + "@" + s + "/0?master_name=main"
		}},
	} {
		t.Run(name, func(t *testing.T) {
			primary := redistest.Server(t, "--requirepass", password)
			conf := append([]string{"sentinel auth-pass main " + password}, c.sentinelConf...)
			sentinel := redistest.Sentinel(t, primary, "main", conf...)
			s := open(t, redisstore.Config{URL: c.url(sentinel.Addr), KeyPrefix: "pw:", Logger: quiet})
			ctx := ctxT(t)
			if err := s.Add(ctx, request("PW01", time.Minute)); err != nil {
				t.Fatalf("Add: %v", err)
			}
			if _, st, err := s.Get(ctx, "PW01"); err != nil || st != bot.StatePending {
				t.Fatalf("Get = %v, %v", st, err)
			}
		})
	}
}
