package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// replicaAckTimeout bounds the wait for a replica to acknowledge a write.
const replicaAckTimeout = time.Second

// ErrNotReplicated is a write that the primary made but no replica
// acknowledged in time: it could be lost with the primary, so the user
// must not be told it happened.
var ErrNotReplicated = errors.New("no replica acknowledged the write")

// scriptResult is what a write script answered.
type scriptResult struct {
	wrote  bool
	status string
	values []string
}

// value is the script's ith value after the status, "" if none.
func (r scriptResult) value(i int) string {
	if i < len(r.values) {
		return r.values[i]
	}
	return ""
}

// write runs a write script and, if it wrote and the primary has a
// replica online, waits until one acknowledges it. Everything runs on one
// connection, since WAIT counts the writes made on its own connection:
// the script and INFO replication in one round trip, then WAIT.
func (s *Store) write(ctx context.Context, sc *redis.Script, keys []string, args ...any) (scriptResult, error) {
	conn := s.rdb.Conn()
	defer conn.Close()

	run, info := s.runWithInfo(ctx, conn, func(p redis.Pipeliner) *redis.Cmd { return sc.EvalSha(ctx, p, keys, args...) })
	if redis.HasErrorPrefix(run.Err(), "NOSCRIPT") {
		// A server that never ran it, e.g. a replica just promoted.
		run, info = s.runWithInfo(ctx, conn, func(p redis.Pipeliner) *redis.Cmd { return sc.Eval(ctx, p, keys, args...) })
	}
	res, err := parseScriptResult(run)
	if err != nil || !res.wrote {
		return res, err
	}
	replicas, err := s.onlineReplicas(info)
	if err != nil || replicas == 0 {
		return res, err
	}
	acked, err := conn.Wait(ctx, 1, replicaAckTimeout).Result()
	if err != nil {
		return res, fmt.Errorf("waiting for a replica: %w", err)
	}
	if acked < 1 {
		return res, fmt.Errorf("%w within %v (%d replica(s) online)", ErrNotReplicated, replicaAckTimeout, replicas)
	}
	return res, nil
}

func (s *Store) runWithInfo(ctx context.Context, conn *redis.Conn, eval func(redis.Pipeliner) *redis.Cmd) (run *redis.Cmd, info *redis.StringCmd) {
	// Each command's own error is looked at below: INFO may fail where
	// the script did not.
	_, _ = conn.Pipelined(ctx, func(p redis.Pipeliner) error {
		run = eval(p)
		info = p.Info(ctx, "replication")
		return nil
	})
	return run, info
}

func parseScriptResult(run *redis.Cmd) (scriptResult, error) {
	vals, err := run.Slice()
	if err != nil {
		return scriptResult{}, err
	}
	var res scriptResult
	if len(vals) < 2 {
		return res, fmt.Errorf("unexpected script answer %v", vals)
	}
	n, _ := vals[0].(int64)
	res.wrote = n == 1
	res.status, _ = vals[1].(string)
	for _, v := range vals[2:] {
		str, _ := v.(string)
		res.values = append(res.values, str)
	}
	return res, nil
}

// onlineReplicas counts the replicas in state online in INFO
// replication. A server that answers INFO replication with an error other
// than a refusal (miniredis does not know the section) has no
// replication to wait for; a refusal (ACL NOPERM) is an error, since the
// store cannot then know whether to wait.
func (s *Store) onlineReplicas(info *redis.StringCmd) (int, error) {
	err := info.Err()
	if err == nil {
		return countOnline(info.Val()), nil
	}
	var rerr redis.Error
	if errors.As(err, &rerr) && !redis.HasErrorPrefix(err, "NOPERM") {
		s.noReplicationInfo.Do(func() {
			s.log.Warn("state store: the server does not report replication, so no write waits for a replica", "err", redact(err.Error(), s.secrets))
		})
		return 0, nil
	}
	return 0, fmt.Errorf("INFO replication (needed to know whether to wait for a replica): %w", err)
}

// countOnline counts the lines slaveN:ip=...,state=online,... of INFO
// replication.
func countOnline(info string) int {
	n := 0
	for line := range strings.SplitSeq(info, "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.HasPrefix(key, "slave") {
			continue
		}
		if _, err := strconv.Atoi(key[len("slave"):]); err != nil {
			continue // slave_read_only, slave_repl_offset...
		}
		for field := range strings.SplitSeq(val, ",") {
			if field == "state=online" {
				n++
			}
		}
	}
	return n
}
