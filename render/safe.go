package render

import (
	"io"
	"unicode/utf8"
)

// Text from the server must never reach a terminal as it is: a CLI line, a
// queue listing or an error message quoting Asterisk could otherwise clear
// the screen, set the window title or move the cursor. Asterisk 13 colours
// parts of its CLI text (the "Queues" reply: "\x1b[1;32;40mNot in use\x1b[0m"),
// so colour is taken out rather than shown as escapes.

// TerminalSafe returns s fit to print on a terminal, for CLI text and error
// messages:
//   - SGR colour sequences (ESC [ digits and semicolons m) are removed;
//   - tab and line feed are kept, and so is a carriage return just before a
//     line feed;
//   - every other control character is written as a visible escape: C0 and
//     DEL as \xNN (a lone carriage return as \r), C1 (U+0080–U+009F) as
//     \u00NN, and a byte 0x80–0x9F that is not part of valid UTF-8 as \xNN.
//
// So "\x1b]0;title\x07" comes out as `\x1b]0;title\x07` and "\x1b[2J" as
// `\x1b[2J`. Other bytes, invalid UTF-8 outside 0x80–0x9F included (Latin-1
// text), are kept as they are.
func TerminalSafe(s string) string {
	if !needsTerminalWork(s) {
		return s
	}
	return string(appendTerminalSafe(make([]byte, 0, len(s)+16), s, true))
}

// needsTerminalWork reports whether s may hold a byte TerminalSafe changes.
// It errs on the side of yes: 0x80–0x9F are also UTF-8 continuation bytes.
func needsTerminalWork(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && c != '\n' || c == '\r' || c == 0x7f || c >= 0x80 && c <= 0x9f || c == 0xc2 {
			return true
		}
	}
	return false
}

// appendTerminalSafe appends s made safe as TerminalSafe says. With
// stripSGR false, colour sequences are escaped like any other (raw output
// on a terminal shows what was received).
func appendTerminalSafe(b []byte, s string, stripSGR bool) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\t' || c == '\n' || c >= 0x20 && c < 0x7f:
				b = append(b, c)
			case c == '\r':
				if i+1 < len(s) && s[i+1] == '\n' {
					b = append(b, c)
				} else {
					b = append(b, '\\', 'r')
				}
			case c == 0x1b && stripSGR:
				if n := sgrLen(s[i:]); n > 0 {
					i += n
					continue
				}
				b = appendHexEscape(b, c)
			default:
				b = appendHexEscape(b, c)
			}
			i++
			continue
		}
		var size int
		b, size = appendNonASCII(b, s[i:])
		i += size
	}
	return b
}

// appendNonASCII appends the character s starts with (its first byte is
// not ASCII) and returns how many bytes it took: a C1 control
// (U+0080–U+009F) as \u00NN, a byte 0x80–0x9F that is not UTF-8 as \xNN,
// anything else as it is.
func appendNonASCII(b []byte, s string) ([]byte, int) {
	rn, size := utf8.DecodeRuneInString(s)
	switch {
	case rn == utf8.RuneError && size == 1 && s[0] <= 0x9f:
		return appendHexEscape(b, s[0]), 1
	case rn >= 0x80 && rn <= 0x9f:
		return append(b, '\\', 'u', '0', '0', hexDigits[rn>>4], hexDigits[rn&0xf]), size
	}
	return append(b, s[:size]...), size
}

func appendHexEscape(b []byte, c byte) []byte {
	return append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
}

// sgrLen returns the length of the SGR sequence s starts with ("\x1b[m",
// "\x1b[1;32;40m"), or 0 when it starts with none.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'm':
			return i + 1
		case c >= '0' && c <= '9' || c == ';' || c == ':':
		default:
			return 0
		}
	}
	return 0
}

// NewTerminalWriter returns a writer that passes what it is given on to w
// with every control character escaped as TerminalSafe escapes them, except
// that colour sequences are escaped too rather than removed: for a
// byte-level view of server text (a protocol trace) on a terminal. Each
// Write is escaped on its own; a UTF-8 C1 character cut between two Writes
// still comes out escaped (its second byte as \xNN).
func NewTerminalWriter(w io.Writer) io.Writer { return &terminalWriter{w: w} }

type terminalWriter struct {
	w   io.Writer
	buf []byte
}

func (t *terminalWriter) Write(p []byte) (int, error) {
	if !needsTerminalWork(string(p)) {
		return t.w.Write(p)
	}
	t.buf = appendTerminalSafe(t.buf[:0], string(p), false)
	if _, err := t.w.Write(t.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}
