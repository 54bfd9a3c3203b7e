package screen

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/vt"
)

// text is row y of what the screen shows, trailing blanks trimmed.
func text(s *Screen, y int) string {
	cells, w, _ := s.Contents()
	var b strings.Builder
	for _, c := range cells[y*w : (y+1)*w] {
		b.WriteString(c.Text)
	}
	return strings.TrimRight(b.String(), " ")
}

// What Show writes, read by a terminal emulator, is what Contents says the
// screen shows, through overwrites, shorter text, style changes, a Sync and
// a resize.
func TestShowMatchesTerminal(t *testing.T) {
	term := vt.New(4, 12)
	s := New(term, 12, 4)
	bold := Style{}.Bold(true).Foreground(ColorTeal)
	steps := []func(){
		func() { s.PutStr(0, 0, "Channels 3", bold); s.PutStr(0, 1, "SIP/101-0001", Style{}) },
		func() { s.PutStr(9, 0, "4", bold) },
		func() { s.PutStr(0, 1, "Local/x   ", Style{}.Reverse(true)) },
		func() { s.PutStr(0, 3, "q quit / filter", Style{}) }, // cut at 12 columns
		func() { s.PutStr(4, 2, "ab", Style{}); s.Sync() },
		func() { term.Resize(3, 8); s.Resize(8, 3); <-s.Events(); s.Sync() },
		func() { s.PutStr(0, 2, "12345678", Style{}) },
	}
	for i, step := range steps {
		step()
		s.Show()
		got := term.Lines()
		_, _, h := s.Contents()
		for y := range h {
			if got[y] != text(s, y) {
				t.Fatalf("step %d, row %d: the terminal shows %q, the screen says %q", i, y, got[y], text(s, y))
			}
		}
	}
	if got := term.Lines()[2]; got != "12345678" {
		t.Errorf("last row %q", got)
	}
}

// After a change of one cell, Show moves to it and writes it alone; with
// no change it writes nothing.
func TestShowWritesOnlyChanges(t *testing.T) {
	var out bytes.Buffer
	s := New(&out, 20, 3)
	s.PutStr(0, 1, "waiting 0", Style{})
	s.Show()
	out.Reset()
	s.PutStr(0, 1, "waiting 1", Style{})
	s.Show()
	if got, want := out.String(), "\x1b[2;9H\x1b[0m1\x1b[0m"; got != want {
		t.Errorf("Show wrote %q, want %q", got, want)
	}
	out.Reset()
	s.PutStr(0, 1, "waiting 1", Style{})
	s.Show()
	if out.Len() != 0 {
		t.Errorf("Show with nothing changed wrote %q", out.String())
	}
	s.PutStr(0, 0, "A", Style{}.Bold(true).Background(ColorNavy).Foreground(ColorWhite))
	s.Show()
	if got, want := out.String(), "\x1b[1;1H\x1b[0;1;37;44mA\x1b[0m"; got != want {
		t.Errorf("Show wrote %q, want %q", got, want)
	}
}

// Wide clusters take two cells; overwriting either half blanks the other;
// one that does not fit at the edge is not drawn.
func TestPutStrWide(t *testing.T) {
	s := New(&bytes.Buffer{}, 5, 1)
	s.PutStr(0, 0, "a你b", Style{})
	s.Show()
	cells, _, _ := s.Contents()
	if cells[1].Text != "你" || cells[2].Text != "" || cells[3].Text != "b" {
		t.Fatalf("cells %q %q %q", cells[1].Text, cells[2].Text, cells[3].Text)
	}
	s.PutStr(2, 0, "x", Style{}) // the right half
	s.Show()
	if got := text(s, 0); got != "a xb" {
		t.Errorf("after the right half overwritten: %q", got)
	}
	s.PutStr(0, 0, "abcd你", Style{}) // 你 would need columns 4 and 5
	s.Show()
	if got := text(s, 0); got != "abcd" {
		t.Errorf("a wide cluster at the edge: %q", got)
	}
	s.PutStr(1, 0, "你", Style{})
	s.PutStr(1, 0, "z", Style{}) // the left half
	s.Show()
	if got := text(s, 0); got != "az d" {
		t.Errorf("after the left half overwritten: %q", got)
	}
}

// Control characters in text are shown as '?': nothing from a server
// reaches the terminal as a sequence it would act on.
func TestPutStrControls(t *testing.T) {
	var out bytes.Buffer
	s := New(&out, 20, 1)
	s.PutStr(0, 0, "a\x1b[2Jb\x07c\u009b1m\r\nd", Style{})
	s.Show()
	if got := text(s, 0); got != "a?[2Jb?c?1m?d" {
		t.Errorf("shown %q", got)
	}
	// Take out the sequences Show writes; no control character is left.
	rest := regexp.MustCompile("\x1b\\[[0-9;]*[HJm]").ReplaceAllString(out.String(), "")
	for _, r := range rest {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			t.Errorf("Show wrote the control %U to the terminal: %q", r, out.String())
		}
	}
}

// Resize keeps what fits and reports a KeyResize event.
func TestResize(t *testing.T) {
	s := New(&bytes.Buffer{}, 10, 2)
	s.PutStr(0, 0, "abcdefghij", Style{})
	s.PutStr(0, 1, "second", Style{})
	s.Resize(4, 3)
	if ev := <-s.Events(); ev.Key != KeyResize {
		t.Errorf("event %+v", ev)
	}
	s.Sync()
	if w, h := s.Size(); w != 4 || h != 3 {
		t.Errorf("size %dx%d", w, h)
	}
	for y, want := range []string{"abcd", "seco", ""} {
		if got := text(s, y); got != want {
			t.Errorf("row %d: %q, want %q", y, got, want)
		}
	}
}

// Inject after Close returns at once rather than waiting for a reader.
func TestInjectAfterClose(t *testing.T) {
	s := New(&bytes.Buffer{}, 2, 2)
	s.Close()
	for range 100 {
		s.Inject(Event{Key: KeyRune, Rune: 'x'})
	}
	s.Close()
}
