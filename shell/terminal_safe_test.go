package shell

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// A line's error quotes Asterisk; it is escaped, never sent raw to the
// terminal.
func TestRecordEscapesError(t *testing.T) {
	var errOut bytes.Buffer
	sh := &Shell{opts: Options{ErrOut: &errOut}, con: &console{w: &errOut}}
	sh.record(errors.New("Getvar: Asterisk said: \x1b[2J\x1b]0;title\x07"))
	if got, want := errOut.String(), "amsh: Getvar: Asterisk said: \\x1b[2J\\x1b]0;title\\x07\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Notices between prompts (connection lost, reconnected with the banner)
// are escaped the same way.
func TestNoteEscapes(t *testing.T) {
	var out bytes.Buffer
	p := newPrinter(&console{w: &out}, false, func() int { return 80 }, nil, nil)
	p.note("reconnected to %s (%s)", "127.0.0.1:5038", "Asterisk Call Manager/\x1b]0;x\x07")
	p.close()
	if got := out.String(); !strings.Contains(got, `(Asterisk Call Manager/\x1b]0;x\x07)`) || strings.Contains(got, "\x1b") {
		t.Errorf("got %q", got)
	}
}
