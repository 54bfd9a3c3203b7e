package top

import "github.com/gdamore/tcell/v2"

// styles are the tcell styles of the line styles: with colour, or with
// attributes only (NO_COLOR, --color never), where reverse video marks the
// selection and the focused pane.
func styles(color bool) [styleFooter + 1]tcell.Style {
	var s [styleFooter + 1]tcell.Style
	plain := tcell.StyleDefault
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
		s[styleTitle] = plain.Foreground(tcell.ColorWhite).Background(tcell.ColorNavy).Bold(true)
		s[styleBanner] = plain.Foreground(tcell.ColorWhite).Background(tcell.ColorMaroon).Bold(true)
		s[stylePaneFocus] = plain.Foreground(tcell.ColorBlack).Background(tcell.ColorTeal).Bold(true)
		s[styleHeading] = plain.Foreground(tcell.ColorOlive).Bold(true)
		s[styleFooter] = plain.Foreground(tcell.ColorTeal)
	}
	return s
}

// draw puts the lines on the screen and shows them; tcell sends the
// terminal only the cells that changed.
func draw(scr tcell.Screen, lines []line, st *[styleFooter + 1]tcell.Style) {
	for y, l := range lines {
		scr.PutStrStyled(0, y, l.text, st[l.style])
	}
	scr.Show()
}
