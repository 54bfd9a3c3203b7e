package ami

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxHeaderLine is the longest "Key: Value" line, without its CRLF, that
// Asterisk takes whole: its input buffer holds 1024 bytes terminator
// included. Longer lines are thrown away (before
// 1.8.18) or fail the action ("line too long"), so they are refused here.
const MaxHeaderLine = 1024 - len("\r\n")

const (
	reasonNoHeaders = "it has no headers (an empty line alone is an empty action)"
	reasonBody      = "an action cannot carry a body; send it as headers"
	reasonEmptyKey  = "empty header name"
)

// Writer writes AMI messages to a stream. It is not safe for concurrent use:
// the caller serialises whole messages.
type Writer struct {
	w   io.Writer
	buf []byte
}

// NewWriter returns a Writer that writes each message to w in one Write call.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w}
}

// WriteMessage checks m with ValidateMessage and, when it is safe, writes
// "Key: Value\r\n" for every header and the closing "\r\n" in one Write
// call, so a message is never interleaved with another writer's bytes nor
// half sent because of a later header. When it is not safe nothing at all
// is written and the error is an *UnsafeValueError.
func (w *Writer) WriteMessage(m *Message) error {
	if err := ValidateMessage(m); err != nil {
		return err
	}
	n := len("\r\n")
	for _, h := range m.Headers {
		n += len(h.Key) + len(": ") + len(h.Value) + len("\r\n")
	}
	b := w.buf[:0]
	if cap(b) < n {
		b = make([]byte, 0, n)
	}
	for _, h := range m.Headers {
		b = append(b, h.Key...)
		b = append(b, ": "...)
		b = append(b, h.Value...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	if cap(b) <= 64<<10 {
		w.buf = b
	}
	if _, err := w.w.Write(b); err != nil {
		if a := m.Action(); a != "" {
			return fmt.Errorf("ami: write action %s: %w", a, err)
		}
		return fmt.Errorf("ami: write: %w", err)
	}
	return nil
}

// ValidateMessage reports whether m can be sent as it is. It refuses, with
// an *UnsafeValueError naming the header (never quoting a value, which may
// be a secret):
//   - a message with no headers, or with a Body (only replies carry one);
//   - an empty key, or a key holding ':' (the server would split there);
//   - a CR or LF in a key or value: it would end the line early and the rest
//     would be read as more headers, or as a second action after an empty
//     line (header injection);
//   - a NUL in a key or value: Asterisk ends the line there and silently
//     drops the rest;
//   - a "Key: Value" line longer than MaxHeaderLine bytes.
func ValidateMessage(m *Message) error {
	if m == nil || len(m.Headers) == 0 {
		return &UnsafeValueError{Reason: reasonNoHeaders}
	}
	if m.Legacy || m.Body != "" {
		return &UnsafeValueError{Reason: reasonBody}
	}
	for _, h := range m.Headers {
		if err := validateHeader(h.Key, h.Value); err != nil {
			return err
		}
	}
	return nil
}

func validateHeader(k, v string) error {
	switch {
	case k == "":
		return &UnsafeValueError{Key: k, Reason: reasonEmptyKey}
	case strings.IndexByte(k, ':') >= 0:
		return &UnsafeValueError{Key: k, Reason: "header name contains ':'"}
	case strings.ContainsAny(k, "\r\n"):
		return &UnsafeValueError{Key: k, Reason: "header name contains a line break (CR or LF)"}
	case strings.IndexByte(k, 0) >= 0:
		return &UnsafeValueError{Key: k, Reason: "header name contains a NUL byte"}
	case strings.ContainsAny(v, "\r\n"):
		return &UnsafeValueError{Key: k, Reason: "value contains a line break (CR or LF)"}
	case strings.IndexByte(v, 0) >= 0:
		return &UnsafeValueError{Key: k, Reason: "value contains a NUL byte"}
	}
	if n := len(k) + len(": ") + len(v); n > MaxHeaderLine {
		return &UnsafeValueError{Key: k, Reason: "line is " + strconv.Itoa(n) +
			" bytes, over Asterisk's limit of " + strconv.Itoa(MaxHeaderLine) + " (1024 with CRLF)"}
	}
	return nil
}
