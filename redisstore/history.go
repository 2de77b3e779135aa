package redisstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/signout-bot/signout-bot/bot"
)

// recentLimit bounds the index Recent reads (1000 entries take about 90
// KB in Redis 7). History shows at most 50 requests, but index entries
// outlive their records (until Recent finds them gone), and records
// expire out of creation order: a closed one Retention after it closed,
// an open one never. Recent(n) is exact whenever n of the recentLimit newest requests
// still exist, since every request trimmed off is older than all of
// them; 1000 leaves room for 950 of the newest to have expired. A call
// reads only as far down the index as it needs.
const recentLimit = 1000

// Find finds a request by its request id, pending or closed, through the
// id index; bot.ErrUnknown if none.
func (s *Store) Find(ctx context.Context, requestID string) (_ bot.Stored, err error) {
	defer s.observe("find", time.Now(), &err)
	if requestID == "" {
		return bot.Stored{}, bot.ErrUnknown // Add indexes no empty id
	}
	vals, err := findScript.Run(ctx, s.rdb, []string{s.idKey(requestID)}, s.recordKey("")).StringSlice()
	if err != nil {
		return bot.Stored{}, s.fail("find", err)
	}
	if len(vals) == 0 {
		return bot.Stored{}, bot.ErrUnknown
	}
	if len(vals) != 3 {
		return bot.Stored{}, s.fail("find", fmt.Errorf("unexpected script answer of %d values", len(vals)))
	}
	st, err := decodeStored(vals[0], vals[1], vals[2])
	if err != nil {
		return bot.Stored{}, s.fail("find", fmt.Errorf("request %q: %w", requestID, err))
	}
	if st.RequestID != requestID {
		// The index outlived its request and the code was drawn again.
		return bot.Stored{}, bot.ErrUnknown
	}
	return st, nil
}

// Recent lists the latest n requests that still exist, open and closed,
// newest (CreatedAt, then RequestID) first, in one round trip; at most
// recentLimit. A record that cannot be read is logged and left out.
func (s *Store) Recent(ctx context.Context, n int) (_ []bot.Stored, err error) {
	defer s.observe("recent", time.Now(), &err)
	if n <= 0 {
		return nil, nil
	}
	n = min(n, recentLimit)
	vals, err := recentScript.Run(ctx, s.rdb, []string{s.recentKey()}, s.recordKey(""), n).StringSlice()
	if err != nil {
		return nil, s.fail("recent", err)
	}
	if len(vals)%3 != 0 {
		return nil, s.fail("recent", fmt.Errorf("unexpected script answer of %d values", len(vals)))
	}
	out := make([]bot.Stored, 0, len(vals)/3)
	for i := 0; i < len(vals); i += 3 {
		st, err := decodeStored(vals[i], vals[i+1], vals[i+2])
		if err != nil {
			s.log.Error("state store: a recent request cannot be read; leaving it out", "err", err)
			continue
		}
		out = append(out, st)
	}
	// The script orders by the millisecond; within one, this decides.
	slices.SortFunc(out, newestFirst)
	return out[:min(n, len(out))], nil
}

// newestFirst orders as bot.MemoryStore does.
func newestFirst(a, b bot.Stored) int {
	return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), strings.Compare(b.RequestID, a.RequestID))
}

// Note records what became of a request, keeping its expiry;
// bot.ErrUnknown if there is no such request. The user is told of it
// (status shows it), so it waits for a replica like Move.
func (s *Store) Note(ctx context.Context, code string, o bot.Outcome) (err error) {
	defer s.observe("note", time.Now(), &err)
	outcome, err := json.Marshal(o)
	if err != nil {
		return s.fail("note", fmt.Errorf("encoding the outcome of %q: %w", code, err))
	}
	res, err := s.write(ctx, noteScript, []string{s.recordKey(code)}, outcome)
	if err != nil {
		return s.fail("note", err)
	}
	if res.status == "unknown" {
		return bot.ErrUnknown
	}
	return nil
}
