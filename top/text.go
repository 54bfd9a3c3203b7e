package top

import (
	"strings"

	"github.com/rivo/uniseg"

	"github.com/amsh/amsh/render"
)

// Text is measured in terminal columns, by grapheme cluster (uniseg, the
// segmentation the screen package draws with), so a wide character takes two
// columns and a combining mark none.

// width is the number of columns s takes.
func width(s string) int {
	if ascii(s) {
		return len(s)
	}
	return uniseg.StringWidth(s)
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// fit makes s exactly w columns: padded with spaces, or cut with "…" in
// the last column. A wide character that would straddle the cut is
// replaced by spaces.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := width(s)
	if sw <= w {
		return s + strings.Repeat(" ", w-sw)
	}
	head := cut(s, w-1)
	return head + strings.Repeat(" ", w-1-width(head)) + "…"
}

// pad is fit without the cut: s padded to at least w columns.
func pad(s string, w int) string {
	if sw := width(s); sw < w {
		return s + strings.Repeat(" ", w-sw)
	}
	return s
}

// fitMiddle is fit, shortened in the middle ("Local/lon…0001;1").
func fitMiddle(s string, w int) string {
	sw := width(s)
	if sw <= w || w < 8 {
		return fit(s, w)
	}
	tail := (w - 1) / 2
	head := cut(s, w-1-tail)
	rest := s[len(head):]
	for width(rest) > tail {
		_, rest, _, _ = uniseg.FirstGraphemeClusterInString(rest, -1)
	}
	out := head + "…" + rest
	return out + strings.Repeat(" ", max(w-width(out), 0))
}

// cut returns the longest prefix of s at most w columns wide, ending on a
// grapheme boundary.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ascii(s) {
		return s[:min(w, len(s))]
	}
	used, end := 0, 0
	rest, state := s, -1
	for rest != "" {
		var cluster string
		var cw int
		cluster, rest, cw, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if used+cw > w {
			break
		}
		used += cw
		end += len(cluster)
	}
	return s[:end]
}

func blank(w int) string { return strings.Repeat(" ", max(w, 0)) }

// clean makes text from the server fit for one screen cell row: control
// characters are escaped as render.TerminalSafe does, and tabs and line
// breaks become spaces.
func clean(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			s = render.TerminalSafe(s)
			return strings.Map(func(r rune) rune {
				if r == '\t' || r == '\n' || r == '\r' {
					return ' '
				}
				return r
			}, s)
		}
	}
	return s
}
