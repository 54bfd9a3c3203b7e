package top

import "github.com/amsh/amsh/screen"

// styles are the screen styles of the line styles: with colour, or with
// attributes only (NO_COLOR, --color never), where reverse video marks the
// selection and the focused pane.
func styles(color bool) [styleFooter + 1]screen.Style {
	var s [styleFooter + 1]screen.Style
	plain := screen.Style{}
	for i := range s {
		s[i] = plain
	}
	s[styleTitle] = plain.Bold(true)
	s[styleBanner] = plain.Reverse(true).Bold(true)
	s[stylePane] = plain.Bold(true)
	s[stylePaneFocus] = plain.Reverse(true).Bold(true)
	s[styleHeading] = plain.Underline(true)
	s[styleGroup] = plain.Bold(true)
	s[styleSelected] = plain.Reverse(true)
	if color {
		s[styleTitle] = plain.Foreground(screen.ColorWhite).Background(screen.ColorNavy).Bold(true)
		s[styleBanner] = plain.Foreground(screen.ColorWhite).Background(screen.ColorMaroon).Bold(true)
		s[stylePaneFocus] = plain.Foreground(screen.ColorBlack).Background(screen.ColorTeal).Bold(true)
		s[styleHeading] = plain.Foreground(screen.ColorOlive).Bold(true)
		s[styleFooter] = plain.Foreground(screen.ColorTeal)
	}
	return s
}

// draw puts the lines on the screen and shows them; the screen sends the
// terminal only the cells that changed.
func draw(scr *screen.Screen, lines []line, st *[styleFooter + 1]screen.Style) {
	for y, l := range lines {
		scr.PutStr(0, y, l.text, st[l.style])
	}
	scr.Show()
}
