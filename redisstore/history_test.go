package redisstore_test

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/signout-bot/signout-bot/bot"
	"github.com/signout-bot/signout-bot/redisstore"
)

// history is how a Store finds requests by id, lists the latest and notes
// what became of them (for /signout status and history).
var history = []storeCase{
	{"find open and closed requests by id", alsoMemory, func(t *testing.T, e *env) {
		s, other, ctx := e.anyStore(t), e.anyStore(t), ctxT(t)
		open, closed := request("FD01", time.Minute), request("FD02", time.Minute)
		add(t, s, open, closed)
		if _, err := s.Move(ctx, closed.Code, bot.StatePending, bot.StateConfirmed); err != nil {
			t.Fatal(err)
		}
		for _, want := range []bot.Stored{{Pending: open, State: bot.StatePending}, {Pending: closed, State: bot.StateConfirmed}} {
			got, err := other.Find(ctx, want.RequestID)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("Find(%q) =\n%+v, %v\nwant\n%+v", want.RequestID, got, err, want)
			}
		}
		// A code is not an id.
		for _, id := range []string{"req-NONE", open.Code, ""} {
			if got, err := other.Find(ctx, id); !errors.Is(err, bot.ErrUnknown) {
				t.Fatalf("Find(%q) = %v, %v; want ErrUnknown", id, got.Code, err)
			}
		}
	}},
	{"recent: newest first, ties by request id, at most n", alsoMemory, func(t *testing.T, e *env) {
		s, other, ctx := e.anyStore(t), e.anyStore(t), ctxT(t)
		at := func(code, id string, created time.Time) bot.Pending {
			p := request(code, time.Minute)
			p.RequestID, p.CreatedAt, p.ExpiresAt = id, created, created.Add(time.Minute)
			return p
		}
		// Codes run against the order wanted where times tie, and within
		// one millisecond, so that only CreatedAt and RequestID decide.
		hour := base.Add(time.Hour)
		ms := base.Add(2 * time.Hour)
		oldest := at("RC01", "req-m", base)
		tieA, tieB, tieC := at("RC02", "req-c", hour), at("RC03", "req-b", hour), at("RC04", "req-a", hour)
		early, late := at("RC06", "req-y", ms.Add(100*time.Microsecond)), at("RC05", "req-x", ms.Add(200*time.Microsecond))
		add(t, s, tieB, late, oldest, tieA, early, tieC)
		if _, err := s.Move(ctx, tieB.Code, bot.StatePending, bot.StateCancelled); err != nil {
			t.Fatal(err)
		}
		want := []bot.Stored{
			{Pending: late, State: bot.StatePending}, {Pending: early, State: bot.StatePending},
			{Pending: tieA, State: bot.StatePending}, {Pending: tieB, State: bot.StateCancelled},
			{Pending: tieC, State: bot.StatePending}, {Pending: oldest, State: bot.StatePending},
		}
		for n := range len(want) + 3 {
			got, err := other.Recent(ctx, n)
			if w := want[:min(n, len(want))]; err != nil || len(got) != len(w) || (len(w) > 0 && !reflect.DeepEqual(got, w)) {
				t.Fatalf("Recent(%d) = %v, %v; want %v", n, storedCodes(got), err, storedCodes(w))
			}
		}
	}},
	{"recent keeps the latest RecentLimit", redisOnly, func(t *testing.T, e *env) {
		s, ctx := e.store(t), ctxT(t)
		const over = 3
		var all []bot.Pending
		for i := range redisstore.RecentLimit + over {
			p := request(fmt.Sprintf("L%04d", i), time.Minute)
			p.CreatedAt = base.Add(time.Duration(i) * time.Second)
			all = append(all, p)
		}
		add(t, s, all...)
		got, err := s.Recent(ctx, redisstore.RecentLimit+50)
		if err != nil || len(got) != redisstore.RecentLimit {
			t.Fatalf("Recent = %d requests, %v; want %d", len(got), err, redisstore.RecentLimit)
		}
		for i, st := range got {
			if want := all[len(all)-1-i]; st.Code != want.Code {
				t.Fatalf("Recent[%d] = %s, want %s", i, st.Code, want.Code)
			}
		}
		if n, err := e.raw.ZCard(ctx, e.prefix+"recent").Result(); err != nil || n != redisstore.RecentLimit {
			t.Fatalf("the index holds %d (%v), want %d", n, err, redisstore.RecentLimit)
		}
		// Out of the index is not out of the store.
		if st, err := s.Find(ctx, all[0].RequestID); err != nil || st.Code != all[0].Code {
			t.Fatalf("Find of a request off the index = %v, %v", st.Code, err)
		}
	}},
	{"recent skips requests that expired", redisOnly, func(t *testing.T, e *env) {
		s, ctx := e.store(t), ctxT(t)
		var ps []bot.Pending
		for i := range 4 {
			p := request(fmt.Sprintf("SK0%d", i), time.Minute)
			p.CreatedAt = base.Add(time.Duration(i) * time.Minute)
			ps = append(ps, p)
		}
		add(t, s, ps...)
		gone := ps[2:] // the newest two
		for _, p := range gone {
			if _, err := s.Move(ctx, p.Code, bot.StatePending, bot.StateConfirmed); err != nil {
				t.Fatal(err)
			}
		}
		if e.forward != nil {
			e.forward(bot.Retention)
		} else {
			// What expiry does on a real server: the record goes, here
			// with its id key left behind.
			for _, p := range gone {
				if err := e.raw.Del(ctx, e.prefix+"req:"+p.Code).Err(); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := s.Recent(ctx, 2)
		if want := []bot.Stored{{Pending: ps[1]}, {Pending: ps[0]}}; err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Recent(2) = %v, %v; want %v", storedCodes(got), err, storedCodes(want))
		}
		for _, p := range gone {
			if err := e.raw.ZScore(ctx, e.prefix+"recent", p.Code).Err(); !errors.Is(err, redis.Nil) {
				t.Errorf("%s is still in the index (%v); want it dropped", p.Code, err)
			}
			if _, err := s.Find(ctx, p.RequestID); !errors.Is(err, bot.ErrUnknown) {
				t.Errorf("Find of an expired request = %v, want ErrUnknown", err)
			}
		}
	}},
	{"note shows in get, find, recent and open", alsoMemory, func(t *testing.T, e *env) {
		s, other, ctx := e.anyStore(t), e.anyStore(t), ctxT(t)
		p := request("NT01", time.Minute)
		add(t, s, p)
		approved := bot.Outcome{Approver: "U0APPROVER"}
		if err := s.Note(ctx, p.Code, approved); err != nil {
			t.Fatalf("Note: %v", err)
		}
		want := p
		want.Outcome = approved
		if open, err := other.Open(ctx); err != nil || !reflect.DeepEqual(open, []bot.Pending{want}) {
			t.Fatalf("Open = %+v, %v; want the approver noted", open, err)
		}
		if moved, err := other.Move(ctx, p.Code, bot.StatePending, bot.StateConfirmed); err != nil || !reflect.DeepEqual(moved, want) {
			t.Fatalf("Move = %+v, %v; want the approver noted", moved, err)
		}
		want.Outcome = bot.Outcome{Approver: "U0APPROVER", Result: "failed", Code: "Forbidden.AccessDenied"}
		if err := other.Note(ctx, p.Code, want.Outcome); err != nil {
			t.Fatalf("second Note: %v", err)
		}
		if got, st, err := s.Get(ctx, p.Code); err != nil || st != bot.StateConfirmed || !reflect.DeepEqual(got, want) {
			t.Fatalf("Get = %+v %v, %v; want %+v confirmed", got, st, err, want)
		}
		stored := bot.Stored{Pending: want, State: bot.StateConfirmed}
		if got, err := s.Find(ctx, p.RequestID); err != nil || !reflect.DeepEqual(got, stored) {
			t.Fatalf("Find = %+v, %v; want %+v", got, err, stored)
		}
		if got, err := s.Recent(ctx, 1); err != nil || !reflect.DeepEqual(got, []bot.Stored{stored}) {
			t.Fatalf("Recent(1) = %+v, %v; want %+v", got, err, stored)
		}
	}},
	{"note on an unknown code", alsoMemory, func(t *testing.T, e *env) {
		s, ctx := e.anyStore(t), ctxT(t)
		if err := s.Note(ctx, "NONE", bot.Outcome{Result: "succeeded"}); !errors.Is(err, bot.ErrUnknown) {
			t.Fatalf("Note = %v, want ErrUnknown", err)
		}
		if _, _, err := s.Get(ctx, "NONE"); !errors.Is(err, bot.ErrUnknown) {
			t.Fatalf("Get after the note = %v, want ErrUnknown: a note makes no request", err)
		}
	}},
	{"notes and moves at once lose neither", alsoMemory, func(t *testing.T, e *env) {
		stores := []bot.Store{e.anyStore(t), e.anyStore(t)}
		ctx := ctxT(t)
		p := request("NM01", time.Minute)
		add(t, stores[0], p)
		noted := map[bot.Outcome]bool{}
		var wg sync.WaitGroup
		errs := make([]error, 20)
		start := make(chan struct{})
		for i := range errs {
			s := stores[i%2]
			if i%4 < 2 {
				wg.Go(func() {
					<-start
					_, errs[i] = s.Move(ctx, p.Code, bot.StatePending, bot.StateConfirmed)
				})
				continue
			}
			o := bot.Outcome{Approver: fmt.Sprintf("U%02d", i)}
			noted[o] = true
			wg.Go(func() {
				<-start
				errs[i] = s.Note(ctx, p.Code, o)
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			var se *bot.StateError
			move := i%4 < 2
			switch {
			case move && err == nil:
				won++
			case move && errors.As(err, &se) && se.State == bot.StateConfirmed:
			case !move && err == nil:
			default:
				t.Errorf("call %d (a move: %v): %v", i, move, err)
			}
		}
		if won != 1 {
			t.Fatalf("%d moves won, want exactly 1", won)
		}
		got, st, err := stores[1].Get(ctx, p.Code)
		if err != nil || st != bot.StateConfirmed || !noted[got.Outcome] {
			t.Fatalf("Get = %+v %v, %v; want confirmed with one of the outcomes noted", got.Outcome, st, err)
		}
		want := p
		want.Outcome = got.Outcome
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Get = %+v, want %+v", got, want)
		}
	}},
}

// add adds the requests, in order.
func add(t *testing.T, s bot.Store, ps ...bot.Pending) {
	t.Helper()
	ctx := ctxT(t)
	for _, p := range ps {
		if err := s.Add(ctx, p); err != nil {
			t.Fatalf("Add %s: %v", p.Code, err)
		}
	}
}
