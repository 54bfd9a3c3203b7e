package ami

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// recordingWriter keeps every Write call separately.
type recordingWriter struct {
	calls []string
	err   error
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.calls = append(w.calls, string(p))
	if w.err != nil {
		return 0, w.err
	}
	return len(p), nil
}

func TestWriterWritesOneCall(t *testing.T) {
	rec := &recordingWriter{}
	w := NewWriter(rec)
	m := NewAction("Originate", "Channel", "PJSIP/ep1", "Variable", "a=1", "Variable", "b=2", "Async", "true", "Empty", "")
	if err := w.WriteMessage(m); err != nil {
		t.Fatal(err)
	}
	want := "Action: Originate\r\nChannel: PJSIP/ep1\r\nVariable: a=1\r\nVariable: b=2\r\nAsync: true\r\nEmpty: \r\n\r\n"
	if len(rec.calls) != 1 || rec.calls[0] != want {
		t.Fatalf("Write calls = %q, want one call %q", rec.calls, want)
	}
	// The buffer is reused: a second message must not see the first.
	if err := w.WriteMessage(NewAction("Ping")); err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != 2 || rec.calls[1] != "Action: Ping\r\n\r\n" || rec.calls[0] != want {
		t.Fatalf("Write calls = %q", rec.calls)
	}
}

func TestWriterRefusesUnsafe(t *testing.T) {
	long := func(n int) string { return strings.Repeat("v", n) }
	tests := []struct {
		name   string
		m      *Message
		key    string // the header the error names
		reason string // substring of the reason
	}{
		{"CR in value", NewAction("Setvar", "Value", "x\rAction: Hangup"), "Value", "line break"},
		{"LF in value", NewAction("Setvar", "Value", "x\nAction: Hangup"), "Value", "line break"},
		{"CRLF CRLF in value", NewAction("Setvar", "Value", "x\r\n\r\nAction: Hangup\r\nChannel: all"), "Value", "line break"},
		{"LF in secret", NewAction("Login", "Username", "admin", "Secret", "s3cret\nAction: Reload"), "Secret", "line break"},
		{"NUL in value", NewAction("Setvar", "Value", "a\x00b"), "Value", "NUL"},
		{"LF in key", NewAction("Setvar", "Va\nlue", "x"), "Va\nlue", "line break"},
		{"CR in key", NewAction("Setvar", "Va\rlue", "x"), "Va\rlue", "line break"},
		{"colon in key", NewAction("Setvar", "Channel: x", "y"), "Channel: x", "':'"},
		{"empty key", NewAction("Setvar", "", "y"), "", "empty header name"},
		{"LF in action name", NewAction("Ping\r\n\r\nAction: Reload"), "Action", "line break"},
		{"line over 1022", NewAction("Setvar", "Value", long(1022-len("Value: ")+1)), "Value", "1023 bytes"},
		{"no headers", &Message{}, "", "no headers"},
		{"nil message", nil, "", "no headers"},
		{"body", &Message{Headers: []Header{{"Action", "Command"}}, Body: "x", Legacy: true}, "", "body"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingWriter{}
			err := NewWriter(rec).WriteMessage(tc.m)
			var ue *UnsafeValueError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want *UnsafeValueError", err)
			}
			if ue.Key != tc.key || !strings.Contains(ue.Reason, tc.reason) {
				t.Errorf("got Key %q Reason %q, want Key %q and a reason with %q", ue.Key, ue.Reason, tc.key, tc.reason)
			}
			if len(rec.calls) != 0 {
				t.Errorf("wrote %q before refusing", rec.calls)
			}
			if verr := ValidateMessage(tc.m); verr == nil || verr.Error() != err.Error() {
				t.Errorf("ValidateMessage = %v, WriteMessage = %v", verr, err)
			}
			// Never echo a value: it may be a secret.
			if tc.m != nil {
				for _, h := range tc.m.Headers {
					if len(h.Value) > 3 && strings.Contains(err.Error(), h.Value) {
						t.Errorf("error %q quotes the value of %q", err, h.Key)
					}
				}
			}
		})
	}
}

func TestWriterLineLimitBoundary(t *testing.T) {
	// "Key: Value" of exactly 1022 bytes, 1024 with CRLF: Asterisk's buffer holds it.
	val := strings.Repeat("v", MaxHeaderLine-len("Variable: "))
	rec := &recordingWriter{}
	if err := NewWriter(rec).WriteMessage(NewAction("Setvar", "Variable", val)); err != nil {
		t.Fatalf("1022-byte line refused: %v", err)
	}
	if len(rec.calls) != 1 || !strings.Contains(rec.calls[0], "\r\nVariable: "+val+"\r\n\r\n") {
		t.Fatalf("Write calls = %d", len(rec.calls))
	}
	rec = &recordingWriter{}
	err := NewWriter(rec).WriteMessage(NewAction("Setvar", "Variable", val+"v"))
	var ue *UnsafeValueError
	if !errors.As(err, &ue) || len(rec.calls) != 0 {
		t.Fatalf("1023-byte line: err = %v, %d writes", err, len(rec.calls))
	}
	if want := `ami: refusing to send header "Variable": line is 1023 bytes, over Asterisk's limit of 1022 (1024 with CRLF)`; err.Error() != want {
		t.Errorf("error text:\n got %s\nwant %s", err, want)
	}
}

func TestWriterWriteError(t *testing.T) {
	rec := &recordingWriter{err: io.ErrClosedPipe}
	err := NewWriter(rec).WriteMessage(NewAction("Ping"))
	if !errors.Is(err, io.ErrClosedPipe) || !strings.Contains(err.Error(), "Ping") {
		t.Fatalf("err = %v, want a wrapped io.ErrClosedPipe naming the action", err)
	}
	var ue *UnsafeValueError
	if errors.As(err, &ue) {
		t.Fatalf("a connection error must not look like an unsafe value")
	}
}

func TestUnsafeValueErrorText(t *testing.T) {
	tests := []struct {
		err  *UnsafeValueError
		want string
	}{
		{&UnsafeValueError{Key: "Secret", Reason: "value contains a line break (CR or LF)"}, `ami: refusing to send header "Secret": value contains a line break (CR or LF)`},
		{&UnsafeValueError{Key: "A\r\nB", Reason: "header name contains a line break (CR or LF)"}, `ami: refusing to send header "A\r\nB": header name contains a line break (CR or LF)`},
		{&UnsafeValueError{Key: strings.Repeat("k", 70), Reason: "r"}, `ami: refusing to send header "` + strings.Repeat("k", 64) + `"...: r`},
		{&UnsafeValueError{Reason: reasonNoHeaders}, "ami: refusing to send message: " + reasonNoHeaders},
		{&UnsafeValueError{Reason: reasonEmptyKey}, `ami: refusing to send header "": empty header name`},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

// TestWriterReaderRoundTrip: what the Writer sends, the Reader reads back
// unchanged.
func TestWriterReaderRoundTrip(t *testing.T) {
	var sb strings.Builder
	w := NewWriter(&sb)
	in := []*Message{
		NewAction("Login", "Username", "admin", "Secret", "p@ss: word", "Events", "off"),
		NewAction("Command", "Command", "core show channels"),
		NewAction("Originate", "Channel", "Local/100@ctx", "Variable", "A=1", "Variable", "B= 2 ", "Empty", ""),
	}
	for _, m := range in {
		if err := w.WriteMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	out, err := readAll(NewReader(strings.NewReader(sb.String()), ReaderOptions{}))
	if err != io.EOF || len(out) != len(in) {
		t.Fatalf("read back %d messages, %v", len(out), err)
	}
	for i := range in {
		if got, want := out[i].String(), in[i].String(); got != want {
			t.Errorf("message %d: read back %q, sent %q", i, got, want)
		}
	}
}
