package ami

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
)

// An action that times out on a live session is a *TimeoutError, not a
// connection error: the session stays up, the late reply is dropped, and
// the next action works.
func TestSessionTimeoutIsNotAConnError(t *testing.T) {
	late := make(chan struct{})
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		q := c.Expect("QueueStatus")
		<-late
		c.Reply(q, "Success", "EventList: start", "Message: Queue status will follow") // nobody waits for it now
		p := c.Expect("Ping")
		c.Reply(p, "Success", "Ping: Pong")
	})
	s := dialFake(t, fs)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err := s.Send(ctx, NewAction("QueueStatus"))
	close(late)

	var te *TimeoutError
	var ce *ConnError
	switch {
	case !errors.As(err, &te):
		t.Fatalf("err = %#v, want a *TimeoutError", err)
	case errors.As(err, &ce) || IsConnError(err) || IsClosed(err):
		t.Fatalf("err = %v is a connection error", err)
	case !IsTimeout(err) || !errors.Is(err, context.DeadlineExceeded):
		t.Errorf("IsTimeout / errors.Is(DeadlineExceeded) false for %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"QueueStatus", "no response within", "the connection is still up"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "connection lost") || strings.Contains(msg, fs.Addr()) {
		t.Errorf("message %q reads like a connection failure", msg)
	}
	if s.Err() != nil {
		t.Fatalf("the session ended after a timeout: %v", s.Err())
	}
	res, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping"))
	if err != nil || res.Response.Get("Ping") != "Pong" {
		t.Fatalf("the next action on the same session: %+v, %v", res, err)
	}
}

// An action whose deadline passed before it was written is not sent, and is
// a timeout on a live session too.
func TestSessionExpiredDeadlineIsATimeout(t *testing.T) {
	got := make(chan string, 1)
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		p := c.Expect("Ping")
		got <- p.Get("Action")
		c.Reply(p, "Success", "Ping: Pong")
	})
	s := dialFake(t, fs)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := s.Send(ctx, NewAction("Hangup", "Channel", "PJSIP/x-1"))
	var te *TimeoutError
	if !errors.As(err, &te) || !te.NotSent || IsConnError(err) || !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("err = %#v, want a not-sent *TimeoutError", err)
	}
	if _, err := s.Send(ctxTimeout(t, 5*time.Second), NewAction("Ping")); err != nil {
		t.Fatal(err)
	}
	if a := <-got; a != "Ping" {
		t.Errorf("the server saw %q first", a)
	}
}

// A login that gets no answer in time is a connection error: the session
// is closed, not kept.
func TestDialLoginTimeoutIsAConnError(t *testing.T) {
	release := make(chan struct{})
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.Expect("Login")
		<-release
	})
	defer close(release)
	_, err := Dial(context.Background(), Config{Addr: fs.Addr(), Username: "u", Secret: "s", Auth: "plain", DialTimeout: 150 * time.Millisecond})
	var ce *ConnError
	var te *TimeoutError
	if !errors.As(err, &ce) || ce.Op != OpTimeout || errors.As(err, &te) || !IsTimeout(err) {
		t.Fatalf("err = %#v, want a ConnError timeout", err)
	}
	if !strings.Contains(err.Error(), "login: no answer within") {
		t.Errorf("message %q", err)
	}
}

func TestErrorPredicates(t *testing.T) {
	timeout := &TimeoutError{Action: "Ping", Wait: 10 * time.Second}
	closed := &ConnError{Op: OpClosed, Addr: "h:5038", Err: io.ErrUnexpectedEOF}
	keepalive := &ConnError{Op: OpTimeout, Addr: "h:5038", Err: errors.New("keepalive Ping unanswered for 20s")}
	dial := &ConnError{Op: OpDial, Addr: "h:5038", Err: errors.New("connection refused")}
	refused := &ActionError{Action: "Ping", Message: "no"}
	for _, tc := range []struct {
		err                    error
		timeout, closed, isCon bool
	}{
		{err: timeout, timeout: true},
		{err: fmt.Errorf("profile lab: %w", timeout), timeout: true},
		{err: closed, closed: true, isCon: true},
		{err: fmt.Errorf("profile lab: %w", closed), closed: true, isCon: true},
		{err: keepalive, timeout: true, isCon: true},
		{err: dial, isCon: true},
		{err: refused},
		{err: context.DeadlineExceeded},
		{err: nil},
	} {
		if got := IsTimeout(tc.err); got != tc.timeout {
			t.Errorf("IsTimeout(%v) = %v", tc.err, got)
		}
		if got := IsClosed(tc.err); got != tc.closed {
			t.Errorf("IsClosed(%v) = %v", tc.err, got)
		}
		if got := IsConnError(tc.err); got != tc.isCon {
			t.Errorf("IsConnError(%v) = %v", tc.err, got)
		}
	}
	if got := timeout.Error(); got != "Ping: no response within 10s (the connection is still up)" {
		t.Errorf("message %q", got)
	}
	partial := &TimeoutError{Action: "QueueStatus", Wait: 2500 * time.Millisecond, Result: &Result{Response: &Message{}, Events: make([]*Message, 3)}}
	if got := partial.Error(); got != "QueueStatus: list not complete within 2.5s (3 items so far; the connection is still up)" {
		t.Errorf("message %q", got)
	}
}

// A server that accepts but never sends its banner: cancelling the context
// ends Dial at once, not at the dial timeout. (A merged event stream stops
// its targets' dials this way at --count, --for or Ctrl-C.)
func TestDialBannerCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := Dial(ctx, Config{Addr: amitest.Silent(t), Username: "u", Secret: "s", Auth: "plain", DialTimeout: 5 * time.Second})
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Dial returned %s after the cancel, want at once", took)
	}
	var ce *ConnError
	if !errors.As(err, &ce) || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "banner") {
		t.Errorf("err = %v, want a ConnError reading the banner, context.Canceled", err)
	}
}
