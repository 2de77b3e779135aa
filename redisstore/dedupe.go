package redisstore

import (
	"context"
	"fmt"
	"time"
)

// Claim marks key as seen for ttl and reports whether this call was the
// first to claim it, on any replica: front ends pass a delivery's id
// (a Slack envelope or event id, a DingTalk msgId) and ignore it when
// first is false.
func (s *Store) Claim(ctx context.Context, key string, ttl time.Duration) (first bool, err error) {
	defer s.observe("claim", time.Now(), &err)
	if ttl < time.Millisecond {
		return false, s.fail("claim", fmt.Errorf("ttl %v is under a millisecond", ttl))
	}
	first, err = s.rdb.SetNX(ctx, s.seenKey(key), 1, ttl).Result()
	if err != nil {
		return false, s.fail("claim", err)
	}
	return first, nil
}

// Forget drops a claim, so that a redelivery of key is handled: for a
// delivery whose handling failed before it was acknowledged.
func (s *Store) Forget(ctx context.Context, key string) (err error) {
	defer s.observe("forget", time.Now(), &err)
	if err := s.rdb.Del(ctx, s.seenKey(key)).Err(); err != nil {
		return s.fail("forget", err)
	}
	return nil
}
