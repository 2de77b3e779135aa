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
// ends it. It is the only place that retries, in two ways:
//
//   - A throttling answer is waited out (throttleWait) and the call sent
//     again, for as long as ctx allows. It is not a failure, so it counts
//     against neither MaxAttempts nor MaxElapsed.
//   - Other temporary failures (system.busy, 5xx, no answer) are retried
//     with exponential backoff and jitter within MaxAttempts and MaxElapsed.
//
// Every attempt of a paced call first waits its turn (Client.turn); that
// wait is outside the budget too. The error returned is the last attempt's,
// annotated with the attempt count, or what stopped the call (ctx's cause,
// the limiter's error) with the last attempt's error alongside.
func (c *Client) retry(ctx context.Context, op string, attempt func(context.Context) error) error {
	r := &run{c: c, op: op, attempt: attempt, started: time.Now()}
	operation := func() (struct{}, error) {
		err := r.answer(ctx)
		switch {
		case err == nil:
			return struct{}{}, nil
		case r.halt != nil || ctx.Err() != nil || !retryable(err):
			return struct{}{}, backoff.Permanent(err)
		}
		return struct{}{}, err
	}
	notify := func(err error, next time.Duration) {
		c.observe.APIRetry(op)
		c.log.Warn("dingtalk call failed; retrying",
			"op", op, "attempt", r.answers, "max_attempts", c.policy.MaxAttempts,
			"code", errorCode(err), "retry_in", next.Round(time.Millisecond), "error", err.Error())
	}
	_, err := backoff.Retry(ctx, operation,
		backoff.WithBackOff(&budget{
			BackOff: &backoff.ExponentialBackOff{
				InitialInterval:     c.policy.InitialInterval,
				RandomizationFactor: 0.5,
				Multiplier:          2,
				MaxInterval:         c.policy.MaxInterval,
			},
			max:   c.policy.MaxElapsed,
			spent: r.spent,
		}),
		backoff.WithMaxTries(uint(c.policy.MaxAttempts)),
		backoff.WithMaxElapsedTime(0), // budget does it, leaving out waits for a turn and throttling
		backoff.WithNotify(notify),
	)
	return r.result(ctx, err)
}

// run is the state of one call through retry.
type run struct {
	c       *Client
	op      string
	attempt func(context.Context) error
	started time.Time

	tries     int           // attempts sent
	answers   int           // attempts that ended other than throttled
	throttled int           // attempts DingTalk throttled
	outside   time.Duration // spent waiting for a turn or on throttled attempts
	last      error         // the last attempt's error
	halt      error         // what stopped the call other than an attempt's error
}

// answer sends the call, waiting its turn first, until an answer other than
// throttling comes or ctx ends while waiting one out.
func (r *run) answer(ctx context.Context) error {
	for {
		began := time.Now()
		if err := r.c.turn(ctx, r.op); err != nil {
			r.outside += time.Since(began)
			r.halt = err
			return err
		}
		r.outside += time.Since(began)
		began = time.Now()
		r.tries++
		err := r.attempt(ctx)
		r.last = err
		r.c.observe.APICall(r.op, outcomeCode(err))
		wait, throttled := r.c.throttleWait(err)
		if !throttled || ctx.Err() != nil {
			r.answers++
			return err
		}
		r.throttled++
		r.c.observe.APIThrottled(r.op)
		r.c.log.Info("dingtalk throttled the call; waiting it out",
			"op", r.op, "code", errorCode(err), "throttled", r.throttled, "retry_in", wait.Round(time.Millisecond))
		ok := sleep(ctx, wait)
		r.outside += time.Since(began)
		if !ok {
			return err
		}
	}
}

// spent is the time the ordinary budget (MaxElapsed) has used.
func (r *run) spent() time.Duration { return time.Since(r.started) - r.outside }

// result words the outcome of backoff.Retry.
func (r *run) result(ctx context.Context, err error) error {
	stop := r.halt
	if stop == nil && ctx.Err() != nil && !errors.Is(r.last, ctx.Err()) {
		stop = context.Cause(ctx)
	}
	switch {
	case err == nil:
		return nil
	case r.last == nil: // stopped before the first attempt could report
		return fmt.Errorf("dingtalk %s: %w", r.op, err)
	case stop != nil:
		return fmt.Errorf("dingtalk %s: stopped after %d attempt(s): %w; last error: %w", r.op, r.tries, stop, r.last)
	case r.tries > 1:
		return &attemptsError{err: r.last, tries: r.tries, throttled: r.throttled}
	}
	return r.last
}

// budget is a BackOff that stops once the next wait would take the call's
// ordinary time (spent) past max, as backoff's MaxElapsedTime would, but
// without counting the time spent waiting for a turn or on throttling.
type budget struct {
	backoff.BackOff
	max   time.Duration
	spent func() time.Duration
}

func (b *budget) NextBackOff() time.Duration {
	next := b.BackOff.NextBackOff()
	if next == backoff.Stop || b.spent()+next > b.max {
		return backoff.Stop
	}
	return next
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

// attemptsError notes how many attempts a call made before giving up.
type attemptsError struct {
	err              error
	tries, throttled int
}

func (e *attemptsError) Error() string {
	if e.throttled > 0 {
		return fmt.Sprintf("%s (gave up after %d attempts, %d of them throttled)", e.err.Error(), e.tries, e.throttled)
	}
	return fmt.Sprintf("%s (gave up after %d attempts)", e.err.Error(), e.tries)
}
func (e *attemptsError) Unwrap() error { return e.err }
