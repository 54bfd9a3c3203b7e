package ami

import (
	"errors"
	"fmt"
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

// ConnError is a failure of the connection itself: dial, TLS handshake,
// timeout, a protocol violation by the server, or the link lost. Err holds
// the cause (a *ProtocolError, context.DeadlineExceeded, io.EOF, ...).
type ConnError struct {
	Op   string // "dial", "tls", "read", "write", "timeout", "closed"
	Addr string
	Err  error
}

func (e *ConnError) Error() string {
	switch e.Op {
	case "timeout":
		return fmt.Sprintf("%s: %v", e.Addr, e.Err)
	case "closed":
		return fmt.Sprintf("%s: connection lost: %v", e.Addr, e.Err)
	}
	return fmt.Sprintf("%s %s: %v", e.Op, e.Addr, e.Err)
}

func (e *ConnError) Unwrap() error { return e.Err }

// ErrClosed is the cause of a ConnError on a session that was closed locally.
var ErrClosed = errors.New("session closed")

// TimeoutError reports an action that got no (complete) answer in time.
// Result holds what arrived before the deadline (a partial list).
type TimeoutError struct {
	Action string
	Result *Result
}

func (e *TimeoutError) Error() string {
	if e.Result != nil && e.Result.Response != nil {
		return fmt.Sprintf("%s: list not complete in time (%d items so far)", e.Action, len(e.Result.Events))
	}
	return fmt.Sprintf("%s: no response in time", e.Action)
}
