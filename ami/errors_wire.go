package ami

import (
	"fmt"
	"strconv"
)

// ProtocolError reports bytes from the server that break AMI framing or one
// of the Reader's caps. It is the server (or something in between) speaking
// badly, not the connection failing: connection failures come back as the
// underlying reader's error, and EOF inside a message as io.ErrUnexpectedEOF.
//
// Test for it with errors.As(err, &pe) where pe is a *ProtocolError.
type ProtocolError struct {
	// Reason says what was wrong, for example "line too long (over 65536 bytes)".
	Reason string
	// Input is the start of the offending input (at most wireQuoteMax
	// bytes), for the error text. It is raw bytes, not yet quoted.
	Input string
	// Cut is true when Input is only the start of the input.
	Cut bool
}

func (e *ProtocolError) Error() string {
	s := "ami: " + e.Reason + ": " + strconv.Quote(e.Input)
	if e.Cut {
		s += "..."
	}
	return s
}

// wireQuoteMax is how much of a bad input an error quotes: enough to
// recognise the message, never enough to flood a terminal.
const wireQuoteMax = 64

// newProtocolError builds a ProtocolError quoting at most wireQuoteMax
// bytes of in. in is copied, so it may point into a buffer that is reused.
func newProtocolError(reason string, in []byte) *ProtocolError {
	e := &ProtocolError{Reason: reason}
	if len(in) > wireQuoteMax {
		in, e.Cut = in[:wireQuoteMax], true
	}
	e.Input = string(in)
	return e
}

// UnsafeValueError is returned by ValidateMessage and Writer.WriteMessage for
// a message that cannot be sent as it is: a CR, LF or NUL would end the line
// early and let the rest be read as further headers or a second action; a
// line over Asterisk's input buffer is thrown away or fails the action.
// Nothing is written when it is returned.
//
// The error text quotes the header name, never the value: the value may be a
// Secret or a Key.
type UnsafeValueError struct {
	// Key is the header name (empty for a problem with the whole message).
	Key string
	// Reason says what is wrong, for example "value contains a line break".
	Reason string
}

func (e *UnsafeValueError) Error() string {
	if e.Key == "" && e.Reason != reasonEmptyKey {
		return "ami: refusing to send message: " + e.Reason
	}
	k := e.Key
	cut := ""
	if len(k) > wireQuoteMax {
		k, cut = k[:wireQuoteMax], "..."
	}
	return fmt.Sprintf("ami: refusing to send header %q%s: %s", k, cut, e.Reason)
}
