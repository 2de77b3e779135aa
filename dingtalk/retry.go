package dingtalk

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// retry runs attempt until it succeeds, fails for good, or the policy or ctx
// ends it. It is the only place that retries. The error returned is the last
// attempt's, annotated with the attempt count, or ctx's cause if ctx ended
// the call (with the last attempt's error alongside).
func (c *Client) retry(ctx context.Context, op string, attempt func(context.Context) error) error {
	var (
		tries int
		last  error
	)
	operation := func() (struct{}, error) {
		tries++
		err := attempt(ctx)
		last = err
		c.observe.APICall(op, outcomeCode(err))
		switch {
		case err == nil:
			return struct{}{}, nil
		case ctx.Err() != nil || !retryable(err):
			return struct{}{}, backoff.Permanent(err)
		}
		if wait := c.rateLimitWait(err); wait > 0 {
			return struct{}{}, &waitError{err: err, wait: &backoff.RetryAfterError{Duration: wait}}
		}
		return struct{}{}, err
	}
	notify := func(err error, next time.Duration) {
		c.observe.APIRetry(op)
		c.log.Warn("dingtalk call failed; retrying",
			"op", op, "attempt", tries, "max_attempts", c.policy.MaxAttempts,
			"code", errorCode(err), "retry_in", next.Round(time.Millisecond), "error", err.Error())
	}
	_, err := backoff.Retry(ctx, operation,
		backoff.WithBackOff(&backoff.ExponentialBackOff{
			InitialInterval:     c.policy.InitialInterval,
			RandomizationFactor: 0.5,
			Multiplier:          2,
			MaxInterval:         c.policy.MaxInterval,
		}),
		backoff.WithMaxTries(uint(c.policy.MaxAttempts)),
		backoff.WithMaxElapsedTime(c.policy.MaxElapsed),
		backoff.WithNotify(notify),
	)
	switch {
	case err == nil:
		return nil
	case last == nil: // ctx ended before the first attempt could report
		return fmt.Errorf("dingtalk %s: %w", op, err)
	case ctx.Err() != nil && !errors.Is(last, ctx.Err()):
		return fmt.Errorf("dingtalk %s: stopped after %d attempt(s): %w; last error: %w", op, tries, context.Cause(ctx), last)
	case tries > 1:
		return &attemptsError{err: last, tries: tries}
	}
	return last
}

// retryable reports whether another attempt may succeed: DingTalk said it is
// busy or throttling, or no answer arrived for a reason other than a bad
// certificate.
func retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Temporary()
	}
	if !errors.Is(err, ErrNoResponse) {
		return false
	}
	var (
		certErr    *tls.CertificateVerificationError
		unknownCA  x509.UnknownAuthorityError
		hostErr    x509.HostnameError
		invalidErr x509.CertificateInvalidError
	)
	return !errors.As(err, &certErr) && !errors.As(err, &unknownCA) &&
		!errors.As(err, &hostErr) && !errors.As(err, &invalidErr)
}

// rateLimitWait is how long to wait after a throttling answer: DingTalk's
// advice (about a second) or its Retry-After header, capped by MaxInterval.
func (c *Client) rateLimitWait(err error) time.Duration {
	var ae *APIError
	if !errors.As(err, &ae) || !ae.rateLimited() {
		return 0
	}
	return min(max(c.policy.RateLimitWait, ae.retryAfter), c.policy.MaxInterval)
}

// outcomeCode labels an attempt for metrics: "ok", DingTalk's code, or a
// word for a failure without one.
func outcomeCode(err error) string {
	if err == nil {
		return "ok"
	}
	if code := errorCode(err); code != "" {
		return code
	}
	return "error"
}

func errorCode(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	if errors.Is(err, ErrNoResponse) {
		return "no_response"
	}
	return ""
}

// waitError asks backoff.Retry for a fixed wait (via *backoff.RetryAfterError)
// while keeping the real error for logging.
type waitError struct {
	err  error
	wait *backoff.RetryAfterError
}

func (e *waitError) Error() string   { return e.err.Error() }
func (e *waitError) Unwrap() []error { return []error{e.err, e.wait} }

// attemptsError notes how many attempts a call made before giving up.
type attemptsError struct {
	err   error
	tries int
}

func (e *attemptsError) Error() string {
	return fmt.Sprintf("%s (gave up after %d attempts)", e.err.Error(), e.tries)
}
func (e *attemptsError) Unwrap() error { return e.err }
