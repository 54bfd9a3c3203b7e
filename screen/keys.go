package screen

import (
	"strings"
	"unicode/utf8"
)

// Key names a key, or a resize of the terminal.
type Key uint8

// The keys a view can tell apart. KeyRune is a character (Event.Rune);
// KeyResize is not a key: the terminal changed size.
const (
	KeyNone Key = iota
	KeyRune
	KeyEnter
	KeyTab
	KeyBacktab
	KeyBackspace
	KeyEscape
	KeyUp
	KeyDown
	KeyLeft
	KeyRight
	KeyHome
	KeyEnd
	KeyPgUp
	KeyPgDn
	KeyDelete
	KeyCtrlC
	KeyCtrlL
	KeyResize
)

// Event is a key the terminal sent, or a resize.
type Event struct {
	Key  Key
	Rune rune // for KeyRune
}

// decode reads the first key of b, the bytes a terminal sent: it returns
// the event (KeyNone for bytes that name no key the view knows, which are
// skipped) and how many bytes it took. n is 0 when b holds the start of a
// longer sequence: the caller waits for more bytes, and after a short wait
// calls decode with final set, which takes a lone ESC as the Escape key.
func decode(b []byte, final bool) (ev Event, n int) {
	if len(b) == 0 {
		return Event{}, 0
	}
	switch c := b[0]; {
	case c == 0x1b:
		return decodeEscape(b, final)
	case c == '\r' || c == '\n':
		return Event{Key: KeyEnter}, 1
	case c == '\t':
		return Event{Key: KeyTab}, 1
	case c == 0x7f || c == 0x08:
		return Event{Key: KeyBackspace}, 1
	case c == 0x03:
		return Event{Key: KeyCtrlC}, 1
	case c == 0x0c:
		return Event{Key: KeyCtrlL}, 1
	case c < 0x20:
		return Event{}, 1
	case c < utf8.RuneSelf:
		return Event{Key: KeyRune, Rune: rune(c)}, 1
	}
	if !utf8.FullRune(b) && !final {
		return Event{}, 0
	}
	r, size := utf8.DecodeRune(b)
	if r == utf8.RuneError || (r >= 0x80 && r < 0xa0) {
		return Event{}, size // not UTF-8, or a C1 control
	}
	return Event{Key: KeyRune, Rune: r}, size
}

// decodeEscape reads a sequence that starts with ESC: a CSI (ESC [) or SS3
// (ESC O) key, or the Escape key itself.
func decodeEscape(b []byte, final bool) (Event, int) {
	if len(b) == 1 {
		if final {
			return Event{Key: KeyEscape}, 1
		}
		return Event{}, 0
	}
	switch b[1] {
	case 'O': // SS3: ESC O A, the arrows in the keypad's application mode
		if len(b) == 2 {
			if final {
				return Event{Key: KeyEscape}, 1
			}
			return Event{}, 0
		}
		return Event{Key: finalKey(b[2], "")}, 3
	case '[':
		// CSI: parameters 0x30–0x3F, intermediates 0x20–0x2F, a final
		// byte 0x40–0x7E.
		i := 2
		for i < len(b) && b[i] >= 0x30 && b[i] <= 0x3f {
			i++
		}
		params := string(b[2:i])
		for i < len(b) && b[i] >= 0x20 && b[i] <= 0x2f {
			i++
		}
		if i == len(b) {
			if final {
				return Event{Key: KeyEscape}, 1
			}
			return Event{}, 0
		}
		if b[i] < 0x40 || b[i] > 0x7e {
			return Event{Key: KeyEscape}, 1 // not a CSI after all
		}
		return Event{Key: finalKey(b[i], params)}, i + 1
	}
	return Event{Key: KeyEscape}, 1
}

// finalKey names the key of a CSI or SS3 sequence from its final byte and
// parameters; modifiers (";5" for Ctrl) are ignored.
func finalKey(f byte, params string) Key {
	switch f {
	case 'A':
		return KeyUp
	case 'B':
		return KeyDown
	case 'C':
		return KeyRight
	case 'D':
		return KeyLeft
	case 'H':
		return KeyHome
	case 'F':
		return KeyEnd
	case 'Z':
		return KeyBacktab
	case '~':
		n, _, _ := strings.Cut(params, ";")
		switch n {
		case "1", "7":
			return KeyHome
		case "4", "8":
			return KeyEnd
		case "3":
			return KeyDelete
		case "5":
			return KeyPgUp
		case "6":
			return KeyPgDn
		}
	}
	return KeyNone
}
