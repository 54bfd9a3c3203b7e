package screen

import "testing"

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Event
		n    int
	}{
		{"q", Event{Key: KeyRune, Rune: 'q'}, 1},
		{"/x", Event{Key: KeyRune, Rune: '/'}, 1},
		{"é", Event{Key: KeyRune, Rune: 'é'}, 2},
		{"你", Event{Key: KeyRune, Rune: '你'}, 3},
		{"\r", Event{Key: KeyEnter}, 1},
		{"\n", Event{Key: KeyEnter}, 1},
		{"\t", Event{Key: KeyTab}, 1},
		{"\x7f", Event{Key: KeyBackspace}, 1},
		{"\x08", Event{Key: KeyBackspace}, 1},
		{"\x03", Event{Key: KeyCtrlC}, 1},
		{"\x0c", Event{Key: KeyCtrlL}, 1},
		{"\x01", Event{}, 1}, // Ctrl-A: no key the view knows
		{"\x1b[A", Event{Key: KeyUp}, 3},
		{"\x1b[B", Event{Key: KeyDown}, 3},
		{"\x1bOA", Event{Key: KeyUp}, 3}, // the keypad's application mode
		{"\x1bOB", Event{Key: KeyDown}, 3},
		{"\x1b[1;5A", Event{Key: KeyUp}, 6}, // Ctrl-Up
		{"\x1b[Z", Event{Key: KeyBacktab}, 3},
		{"\x1b[5~", Event{Key: KeyPgUp}, 4},
		{"\x1b[6~", Event{Key: KeyPgDn}, 4},
		{"\x1b[5;2~", Event{Key: KeyPgUp}, 6},
		{"\x1b[H", Event{Key: KeyHome}, 3},
		{"\x1bOH", Event{Key: KeyHome}, 3},
		{"\x1b[1~", Event{Key: KeyHome}, 4},
		{"\x1b[7~", Event{Key: KeyHome}, 4},
		{"\x1b[F", Event{Key: KeyEnd}, 3},
		{"\x1b[4~", Event{Key: KeyEnd}, 4},
		{"\x1b[8~", Event{Key: KeyEnd}, 4},
		{"\x1b[3~", Event{Key: KeyDelete}, 4},
		{"\x1b[15~", Event{}, 5}, // F5: skipped whole
		{"\x1b[200~", Event{}, 6},
		{"\x1bq", Event{Key: KeyEscape}, 1}, // Alt-q: Escape, then q
		{"\x1b\x1b[A", Event{Key: KeyEscape}, 1},
		{"\x80", Event{}, 1},     // not UTF-8
		{"\xc2\x9b", Event{}, 2}, // C1 CSI
		// The start of a longer sequence: wait for more.
		{"\x1b", Event{}, 0},
		{"\x1b[", Event{}, 0},
		{"\x1b[5", Event{}, 0},
		{"\x1bO", Event{}, 0},
		{"\xe4\xbd", Event{}, 0},
	} {
		ev, n := decode([]byte(tc.in), false)
		if ev != tc.want || n != tc.n {
			t.Errorf("decode(%q) = %+v, %d; want %+v, %d", tc.in, ev, n, tc.want, tc.n)
		}
	}
}

// After the wait, what is still incomplete is the Escape key, or bytes
// skipped.
func TestDecodeFinal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Event
		n    int
	}{
		{"\x1b", Event{Key: KeyEscape}, 1},
		{"\x1b[", Event{Key: KeyEscape}, 1},
		{"\x1b[5", Event{Key: KeyEscape}, 1},
		{"\x1bO", Event{Key: KeyEscape}, 1},
		{"\xe4\xbd", Event{}, 1},
	} {
		ev, n := decode([]byte(tc.in), true)
		if ev != tc.want || n != tc.n {
			t.Errorf("decode(%q, final) = %+v, %d; want %+v, %d", tc.in, ev, n, tc.want, tc.n)
		}
	}
}

// Any bytes at all decode to events without a panic and always make
// progress once final.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"q", "\x1b[A", "\x1b[5;2~", "\x1b", "你", "\xff\x1bO"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for len(b) > 0 {
			_, n := decode(b, true)
			if n <= 0 || n > len(b) {
				t.Fatalf("decode(%q, final) took %d bytes", b, n)
			}
			b = b[n:]
		}
	})
}
