package redisstore_test

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/redisstore"
)

// storeCase is something a Store does, run against miniredis and a real
// redis-server alike, and if onMemory against bot.MemoryStore too: both
// stores must answer the engine the same.
type storeCase struct {
	name     string
	onMemory bool
	run      func(t *testing.T, e *env)
}

const alsoMemory, redisOnly = true, false

// behaviour is how a Store keeps requests by code; history_test.go has
// how it finds them by id, lists them and notes outcomes.
var behaviour = []storeCase{
	{"add then get", alsoMemory, func(t *testing.T, e *env) {
		s, ctx := e.anyStore(t), ctxT(t)
		p := request("AB12", time.Minute)
		if err := s.Add(ctx, p); err != nil {
			t.Fatalf("Add: %v", err)
		}
		got, st, err := s.Get(ctx, p.Code)
		if err != nil || st != bot.StatePending {
			t.Fatalf("Get = %v, %v; want pending", st, err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Fatalf("Get returned\n%+v\nwant\n%+v", got, p)
		}
	}},
	{"reply data comes back byte for byte", alsoMemory, func(t *testing.T, e *env) {
		s, ctx := e.anyStore(t), ctxT(t)
		p := request("RD01", time.Minute)
		if err := s.Add(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, _, err := s.Get(ctx, p.Code)
		if err != nil || !bytes.Equal(got.ReplyTo.Data, p.ReplyTo.Data) {
			t.Fatalf("Get: Data %q, %v; want %q", got.ReplyTo.Data, err, p.ReplyTo.Data)
		}
		moved, err := s.Move(ctx, p.Code, bot.StatePending, bot.StateConfirmed)
		if err != nil || !reflect.DeepEqual(moved, p) {
			t.Fatalf("Move returned %+v, %v; want %+v", moved, err, p)
		}
		open, err := s.Open(ctx)
		if err != nil || len(open) != 0 {
			t.Fatalf("Open after the move = %v, %v; want none", open, err)
		}
	}},
	{"code taken in any state", alsoMemory, func(t *testing.T, e *env) {
		s, ctx := e.anyStore(t), ctxT(t)
		p := request("TK01", time.Minute)
		if err := s.Add(ctx, p); err != nil {
			t.Fatal(err)
		}
		other := request("TK01", time.Hour)
		other.RequestID = "someone else's"
		if err := s.Add(ctx, other); !errors.Is(err, bot.ErrCodeTaken) {
			t.Fatalf("second Add = %v, want ErrCodeTaken", err)
		}
		if _, err := s.Move(ctx, p.Code, bot.StatePending, bot.StateCancelled); err != nil {
			t.Fatal(err)
		}
		if err := s.Add(ctx, other); !errors.Is(err, bot.ErrCodeTaken) {
			t.Fatalf("Add over a cancelled request = %v, want ErrCodeTaken", err)
		}
		got, st, err := s.Get(ctx, p.Code)
		if err != nil || st != bot.StateCancelled || got.RequestID != p.RequestID {
			t.Fatalf("Get = %q %v, %v; want the first request, cancelled", got.RequestID, st, err)
		}
	}},
	{"unknown code", alsoMemory, func(t *testing.T, e *env) {
		s, ctx := e.anyStore(t), ctxT(t)
		if _, _, err := s.Get(ctx, "NONE"); !errors.Is(err, bot.ErrUnknown) {
			t.Fatalf("Get = %v, want ErrUnknown", err)
		}
		if _, err := s.Move(ctx, "NONE", bot.StatePending, bot.StateConfirmed); !errors.Is(err, bot.ErrUnknown) {
			t.Fatalf("Move = %v, want ErrUnknown", err)
		}
	}},
	{"move from the wrong state", alsoMemory, func(t *testing.T, e *env) {
		s, ctx := e.anyStore(t), ctxT(t)
		p := request("MV01", time.Minute)
		if err := s.Add(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Move(ctx, p.Code, bot.StatePending, bot.StateConfirmed); err != nil {
			t.Fatalf("Move: %v", err)
		}
		for _, from := range []bot.State{bot.StatePending, bot.StateCancelled} {
			_, err := s.Move(ctx, p.Code, from, bot.StateExpired)
			var se *bot.StateError
			if !errors.As(err, &se) || se.State != bot.StateConfirmed {
				t.Fatalf("Move from %v = %v, want StateError{confirmed}", from, err)
			}
		}
		if _, err := s.Move(ctx, p.Code, bot.StateConfirmed, bot.StateAborted); err != nil {
			t.Fatalf("Move confirmed -> aborted: %v", err)
		}
		if _, st, err := s.Get(ctx, p.Code); err != nil || st != bot.StateAborted {
			t.Fatalf("Get = %v, %v; want aborted", st, err)
		}
	}},
	{"open lists pending, soonest expiry first", redisOnly, func(t *testing.T, e *env) {
		s, ctx := e.store(t), ctxT(t)
		late, early, done := request("OP03", 3*time.Minute), request("OP01", time.Minute), request("OP02", 2*time.Minute)
		for _, p := range []bot.Pending{late, early, done} {
			if err := s.Add(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Move(ctx, done.Code, bot.StatePending, bot.StateExpired); err != nil {
			t.Fatal(err)
		}
		open, err := s.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []bot.Pending{early, late}; !reflect.DeepEqual(open, want) {
			t.Fatalf("Open = %v, want %v", codes(open), codes(want))
		}
	}},
	{"a closed request expires after the retention, an open one never", redisOnly, func(t *testing.T, e *env) {
		s, ctx := e.store(t), ctxT(t)
		closed, open := request("EX01", time.Minute), request("EX02", time.Minute)
		for _, p := range []bot.Pending{closed, open} {
			if err := s.Add(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Move(ctx, closed.Code, bot.StatePending, bot.StateConfirmed); err != nil {
			t.Fatal(err)
		}
		// A note afterwards keeps the expiry; so does one on the open one.
		for _, p := range []bot.Pending{closed, open} {
			if err := s.Note(ctx, p.Code, bot.Outcome{Result: "succeeded"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, key := range []string{"req:" + closed.Code, "id:" + closed.RequestID} {
			if d := e.pttl(t, key); d <= bot.Retention-time.Minute || d > bot.Retention {
				t.Fatalf("PTTL of the closed request's %s = %v, want about %v", key, d, bot.Retention)
			}
		}
		for _, key := range []string{"req:" + open.Code, "id:" + open.RequestID} {
			if d := e.pttl(t, key); d != -1 {
				t.Fatalf("PTTL of the open request's %s = %v, want -1 (none)", key, d)
			}
		}
		if e.forward == nil {
			return // a real server's clock cannot be moved
		}
		e.forward(bot.Retention - time.Second)
		if _, st, err := s.Get(ctx, closed.Code); err != nil || st != bot.StateConfirmed {
			t.Fatalf("Get just before the retention = %v, %v; want confirmed", st, err)
		}
		if got, err := s.Find(ctx, closed.RequestID); err != nil || got.State != bot.StateConfirmed {
			t.Fatalf("Find just before the retention = %v, %v; want confirmed", got.State, err)
		}
		e.forward(time.Second)
		if _, _, err := s.Get(ctx, closed.Code); !errors.Is(err, bot.ErrUnknown) {
			t.Fatalf("Get after the retention = %v, want ErrUnknown", err)
		}
		if _, err := s.Find(ctx, closed.RequestID); !errors.Is(err, bot.ErrUnknown) {
			t.Fatalf("Find after the retention = %v, want ErrUnknown", err)
		}
		if err := s.Note(ctx, closed.Code, bot.Outcome{Result: "failed"}); !errors.Is(err, bot.ErrUnknown) {
			t.Fatalf("Note after the retention = %v, want ErrUnknown", err)
		}
		if _, st, err := s.Get(ctx, open.Code); err != nil || st != bot.StatePending {
			t.Fatalf("the open request after the retention: %v, %v; want pending", st, err)
		}
		if got, err := s.Find(ctx, open.RequestID); err != nil || got.State != bot.StatePending {
			t.Fatalf("Find of the open request after the retention = %v, %v; want pending", got.State, err)
		}
		if got, err := s.Recent(ctx, 10); err != nil || len(got) != 1 || got[0].Code != open.Code {
			t.Fatalf("Recent after the retention = %v, %v; want the open request alone", storedCodes(got), err)
		}
	}},
	{"a request moved back to pending keeps its id for good", redisOnly, func(t *testing.T, e *env) {
		s, ctx := e.store(t), ctxT(t)
		p := request("BP01", time.Minute)
		if err := s.Add(ctx, p); err != nil {
			t.Fatal(err)
		}
		for _, m := range [][2]bot.State{{bot.StatePending, bot.StateConfirmed}, {bot.StateConfirmed, bot.StatePending}} {
			if _, err := s.Move(ctx, p.Code, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
		for _, key := range []string{"req:" + p.Code, "id:" + p.RequestID} {
			if d := e.pttl(t, key); d != -1 {
				t.Fatalf("PTTL of %s = %v, want -1 (none)", key, d)
			}
		}
	}},
	{"one winner among 20 moves on two clients", alsoMemory, func(t *testing.T, e *env) {
		stores := []bot.Store{e.anyStore(t), e.anyStore(t)}
		ctx := ctxT(t)
		p := request("CC01", time.Minute)
		if err := stores[0].Add(ctx, p); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 20)
		start := make(chan struct{})
		for i := range errs {
			wg.Go(func() {
				<-start
				_, errs[i] = stores[i%2].Move(ctx, p.Code, bot.StatePending, bot.StateConfirmed)
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			var se *bot.StateError
			switch {
			case err == nil:
				won++
			case errors.As(err, &se) && se.State == bot.StateConfirmed:
			default:
				t.Errorf("move %d: %v", i, err)
			}
		}
		if won != 1 {
			t.Fatalf("%d moves won, want exactly 1", won)
		}
	}},
	{"claim and forget", redisOnly, func(t *testing.T, e *env) {
		a, b := e.store(t), e.store(t)
		ctx := ctxT(t)
		claim := func(s *redisstore.Store, want bool) {
			t.Helper()
			if first, err := s.Claim(ctx, "Ev01", time.Minute); err != nil || first != want {
				t.Fatalf("Claim = %v, %v; want %v", first, err, want)
			}
		}
		claim(a, true)
		claim(a, false)
		claim(b, false) // another replica sees it too
		if d := e.pttl(t, "seen:Ev01"); d <= 0 || d > time.Minute {
			t.Fatalf("PTTL of the claim = %v, want at most a minute", d)
		}
		if err := b.Forget(ctx, "Ev01"); err != nil {
			t.Fatal(err)
		}
		claim(a, true)
		if e.forward != nil {
			e.forward(time.Minute)
			claim(b, true)
		}
		if _, err := a.Claim(ctx, "Ev02", 0); err == nil || isDomain(err) {
			t.Fatalf("Claim with no ttl = %v, want an error", err)
		}
	}},
	{"keys under the prefix", redisOnly, func(t *testing.T, e *env) {
		s, ctx := e.store(t), ctxT(t)
		if err := s.Add(ctx, request("KP01", time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Claim(ctx, "Ev", time.Minute); err != nil {
			t.Fatal(err)
		}
		keys, err := e.raw.Keys(ctx, e.prefix+"*").Result()
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{e.prefix + "req:KP01": true, e.prefix + "open": true, e.prefix + "seen:Ev": true,
			e.prefix + "id:req-KP01": true, e.prefix + "recent": true}
		if len(keys) != len(want) {
			t.Fatalf("keys %v, want %v", keys, want)
		}
		for _, k := range keys {
			if !want[k] {
				t.Fatalf("unexpected key %q among %v", k, keys)
			}
		}
	}},
	{"observer hears every call", redisOnly, func(t *testing.T, e *env) {
		var c calls
		s := e.store(t, func(c2 *redisstore.Config) { c2.Observer = &c })
		ctx := ctxT(t)
		p := request("OB01", time.Minute)
		_ = s.Add(ctx, p)
		_ = s.Add(ctx, p)
		_, _, _ = s.Get(ctx, p.Code)
		_, _ = s.Move(ctx, p.Code, bot.StatePending, bot.StateConfirmed)
		_, _ = s.Open(ctx)
		_, _ = s.Find(ctx, p.RequestID)
		_, _ = s.Recent(ctx, 5)
		_ = s.Note(ctx, p.Code, bot.Outcome{Result: "succeeded"})
		_ = s.Note(ctx, "NONE", bot.Outcome{Result: "succeeded"})
		_, _ = s.Claim(ctx, "k", time.Minute)
		_ = s.Forget(ctx, "k")
		_ = s.Ping(ctx)
		want := "add:ok\nadd:" + bot.ErrCodeTaken.Error() + "\nget:ok\nmove:ok\nopen:ok\nfind:ok\nrecent:ok\nnote:ok\nnote:" +
			bot.ErrUnknown.Error() + "\nclaim:ok\nforget:ok\nping:ok"
		if got := c.String(); got != want {
			t.Fatalf("observer heard\n%s\nwant\n%s", got, want)
		}
	}},
	{"shared and reachable", redisOnly, func(t *testing.T, e *env) {
		s := e.store(t)
		if !s.Shared() {
			t.Fatal("Shared = false")
		}
		if err := s.Ping(ctxT(t)); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	}},
}

func TestStore(t *testing.T) {
	cases := slices.Concat(behaviour, history)
	eachEnv(t, func(t *testing.T, e *env) {
		for _, b := range cases {
			t.Run(b.name, func(t *testing.T) {
				// A fresh prefix per case: cases must not see each other.
				e2 := *e
				e2.prefix += b.name + ":"
				b.run(t, &e2)
			})
		}
	})
	t.Run("memory", func(t *testing.T) {
		for _, b := range cases {
			if b.onMemory {
				t.Run(b.name, func(t *testing.T) { b.run(t, &env{memory: bot.NewMemoryStore()}) })
			}
		}
	})
}

func storedCodes(ss []bot.Stored) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Code+":"+s.State.String())
	}
	return out
}

func codes(ps []bot.Pending) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}
