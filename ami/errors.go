package ami

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ActionError is "Asterisk said Error": the action reached Asterisk and was
// refused (Response: Error, or Failure on some modules). The connection is
// still good.
type ActionError struct {
	Action   string   // the action's name
	Message  string   // Asterisk's Message header
	Response *Message // the whole response
}

func (e *ActionError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "Response: " + e.Response.Response()
	}
	return fmt.Sprintf("%s: Asterisk said: %s", e.Action, msg)
}

// AuthError is a refused login. Asterisk closes the connection after it.
type AuthError struct {
	Addr    string
	User    string
	Message string
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("login to %s as %q failed: %s", e.Addr, e.User, e.Message)
}

// ConnOp is the step of a connection that failed.
type ConnOp string

const (
	OpDial  ConnOp = "dial"  // connecting (refused, unreachable, no reconnection in time)
	OpTLS   ConnOp = "tls"   // the TLS handshake
	OpRead  ConnOp = "read"  // reading the banner
	OpWrite ConnOp = "write" // writing an action; the session is closed after it
	// OpTimeout is the login or a keepalive Ping getting no answer in time:
	// the connection itself is in doubt and the session is closed. An
	// action timing out on a live session is a *TimeoutError instead.
	OpTimeout ConnOp = "timeout"
	// OpClosed is a session that has ended: closed here (Err is ErrClosed),
	// lost (io.ErrUnexpectedEOF, a reset), or ended by Asterisk (Goodbye).
	OpClosed ConnOp = "closed"
)

// ConnError is a failure of the connection itself: dial, TLS handshake,
// a login or keepalive that timed out, a protocol violation by the server,
// or the link lost. The session it happened on cannot be used any more. Err
// holds the cause (a *ProtocolError, io.EOF, ...). Test for kinds with
// IsClosed, IsTimeout, or Op against the ConnOp constants.
type ConnError struct {
	Op   ConnOp
	Addr string
	Err  error
}

func (e *ConnError) Error() string {
	switch e.Op {
	case OpTimeout:
		return fmt.Sprintf("%s: %v", e.Addr, e.Err)
	case OpClosed:
		return fmt.Sprintf("%s: connection lost: %v", e.Addr, e.Err)
	}
	return fmt.Sprintf("%s %s: %v", e.Op, e.Addr, e.Err)
}

func (e *ConnError) Unwrap() error { return e.Err }

// ErrClosed is the cause of a ConnError on a session that was closed locally.
var ErrClosed = errors.New("session closed")

// TimeoutError reports an action that got no (complete) answer before its
// context's deadline, on a session that is still up: it is not a
// *ConnError, and the session may be used for the next action. Result holds
// what arrived before the deadline (a partial list). errors.Is(err,
// context.DeadlineExceeded) holds for it.
type TimeoutError struct {
	Action string
	Result *Result
	// Wait is how long the action waited; 0 when it was not sent at all
	// because its deadline had passed already (NotSent).
	Wait    time.Duration
	NotSent bool
}

func (e *TimeoutError) Error() string {
	const up = "the connection is still up"
	switch {
	case e.NotSent:
		return fmt.Sprintf("%s: not sent, its time ran out first (%s)", e.Action, up)
	case e.Result != nil && e.Result.Response != nil:
		return fmt.Sprintf("%s: list not complete %s (%d items so far; %s)", e.Action, within(e.Wait), len(e.Result.Events), up)
	}
	return fmt.Sprintf("%s: no response %s (%s)", e.Action, within(e.Wait), up)
}

// Is makes errors.Is(err, context.DeadlineExceeded) true.
func (e *TimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// within says how long was waited: "within 10s", "within 250ms".
func within(d time.Duration) string {
	switch {
	case d <= 0:
		return "in time"
	case d >= time.Second:
		return "within " + d.Round(100*time.Millisecond).String()
	}
	return "within " + d.Round(time.Millisecond).String()
}

// IsTimeout reports whether err is something that got no answer in time: an
// action on a live session (*TimeoutError), or the login or a keepalive
// Ping (a *ConnError with Op OpTimeout, after which the session is closed).
func IsTimeout(err error) bool {
	var te *TimeoutError
	if errors.As(err, &te) {
		return true
	}
	var ce *ConnError
	return errors.As(err, &ce) && ce.Op == OpTimeout
}

// IsClosed reports whether err says the session has ended: closed here,
// lost, or ended by Asterisk (Response: Goodbye).
func IsClosed(err error) bool {
	var ce *ConnError
	return errors.As(err, &ce) && ce.Op == OpClosed
}

// IsConnError reports whether the connection itself failed (any
// *ConnError): the session it happened on cannot be used any more. A
// *TimeoutError is not one.
func IsConnError(err error) bool {
	var ce *ConnError
	return errors.As(err, &ce)
}
