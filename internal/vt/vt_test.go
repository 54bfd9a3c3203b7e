package vt

import (
	"strings"
	"testing"
)

// What a full-screen program sends to xterm: cursor moves, text with attributes, erase to
// the end of a line, insert-character, a UTF-8 sequence split across writes.
func TestTerm(t *testing.T) {
	v := New(3, 10)
	for _, s := range []string{
		"\x1b[?1049h\x1b[H\x1b[2J",      // alternate screen, home, clear
		"\x1b[1;1H\x1b[1mhello\x1b[0m",  // bold text
		"\x1b[2;3Hworld\x1b[2;5H\x1b[K", // "wo", then erased from x=5
		"\x1b[3;1Habc\x1b[3;2H\x1b[2@",  // insert two blanks at x=2
		"\x1b]0;title\x07",              // a window title: ignored
		"\x1b[1;7H\xe2\x94", "\x80",     // "─" split in two writes
	} {
		v.Write([]byte(s))
	}
	want := []string{"hello ─", "  wo", "a  bc"}
	if got := v.Lines(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("screen %q, want %q", got, want)
	}
	v.Resize(2, 4)
	if got := v.Lines(); strings.Join(got, "|") != "hell|  wo" {
		t.Errorf("after resize %q", got)
	}
}
