package render

import (
	"strings"
	"unicode/utf8"
)

// ClipLine fits one line of rendered text output (no line feed) to width
// terminal columns, for a screen redrawn in place (amsh's --watch), where a
// line that wrapped would push the frame's last lines off the screen. It
// returns the line and the columns it takes. Colour sequences are kept and
// take no column; a line cut while a colour is on ends with a reset. Tabs
// become the spaces up to the next multiple of 8, which is where the
// terminal would move; a carriage return at the end goes. width <= 0 keeps
// the whole line.
func ClipLine(s string, width int) (string, int) {
	s = strings.TrimSuffix(s, "\r")
	if width <= 0 {
		width = int(^uint(0) >> 1)
	}
	var b strings.Builder
	cols, coloured, cut := 0, false, false
	for i := 0; i < len(s) && !cut; {
		if n := sgrLen(s[i:]); n > 0 {
			b.WriteString(s[i : i+n])
			coloured = s[i:i+n] != "\x1b[m" && s[i:i+n] != "\x1b[0m"
			i += n
			continue
		}
		if s[i] == '\t' {
			next := (cols/8 + 1) * 8
			if next > width {
				next = width
			}
			b.WriteString(strings.Repeat(" ", next-cols))
			cols = next
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		w := displayWidth(s[i : i+size])
		if cols+w > width {
			cut = true
			break
		}
		b.WriteString(s[i : i+size])
		cols += w
		i += size
	}
	if coloured && cut {
		b.WriteString("\x1b[0m")
	}
	return b.String(), cols
}
