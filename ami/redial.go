package ami

import (
	"context"
	"errors"
	"time"
)

// Backoff is a capped exponential delay between reconnection attempts.
type Backoff struct {
	Min, Max time.Duration
}

// Delay returns the wait before attempt n (0-based): Min, 2·Min, 4·Min, ... capped at Max.
func (b Backoff) Delay(n int) time.Duration {
	if b.Min <= 0 {
		b.Min = 500 * time.Millisecond
	}
	if b.Max < b.Min {
		b.Max = 30 * time.Second
	}
	d := b.Min
	for i := 0; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Redial dials until it gets a session, waiting b.Delay(n) between attempts.
// It gives up at once on an authentication failure (retrying cannot fix a
// wrong secret, and Asterisk throttles failed logins) and when ctx ends.
// onRetry, when set, is told about each failed attempt and the wait before
// the next one.
func Redial(ctx context.Context, cfg Config, b Backoff, onRetry func(attempt int, err error, wait time.Duration)) (*Session, error) {
	for n := 0; ; n++ {
		s, err := Dial(ctx, cfg)
		if err == nil {
			return s, nil
		}
		var ae *AuthError
		if errors.As(err, &ae) || ctx.Err() != nil {
			return nil, err
		}
		wait := b.Delay(n)
		if onRetry != nil {
			onRetry(n+1, err, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
	}
}
