// Package screen is the full-screen terminal of `amsh top`: a grid of cells
// the view puts text on, shown by writing to the terminal only the part of
// each row that changed, and the keys and resizes of the terminal as events.
//
// It speaks the ECMA-48 (ANSI) sequences every terminal in use today
// understands (xterm, VTE, konsole, kitty, alacritty, tmux, screen, the
// Linux console): cursor position, erase, the eight colours with bold,
// underline and reverse, and xterm's alternate screen, hidden cursor and
// autowrap modes. It reads no terminfo. Text put on the screen is measured
// and cut by grapheme cluster (uniseg), as top's layout measures it, and
// control characters in it are shown as '?', never sent to the terminal.
//
// Open drives the process's terminal; New makes a screen over any writer,
// for tests and benchmarks, that reads no keys but those given to Inject.
package screen

import (
	"bufio"
	"io"
	"strconv"
	"sync"

	"github.com/rivo/uniseg"
)

// Color is one of the eight ANSI colours, or the terminal's default.
type Color uint8

// The colours, named as ANSI names them; ColorDefault is the terminal's own
// foreground or background.
const (
	ColorDefault Color = iota
	ColorBlack
	ColorMaroon
	ColorGreen
	ColorOlive
	ColorNavy
	ColorPurple
	ColorTeal
	ColorWhite
)

// Attr is a set of text attributes.
type Attr uint8

// The attributes a Style can carry.
const (
	AttrBold Attr = 1 << iota
	AttrUnderline
	AttrReverse
)

// Style is how a cell is drawn. The zero Style is the terminal's default.
type Style struct {
	Fg, Bg Color
	Attrs  Attr
}

// Bold returns s with bold on or off.
func (s Style) Bold(on bool) Style { return s.with(AttrBold, on) }

// Underline returns s with underline on or off.
func (s Style) Underline(on bool) Style { return s.with(AttrUnderline, on) }

// Reverse returns s with reverse video on or off.
func (s Style) Reverse(on bool) Style { return s.with(AttrReverse, on) }

// Foreground returns s with the text colour c.
func (s Style) Foreground(c Color) Style { s.Fg = c; return s }

// Background returns s with the background colour c.
func (s Style) Background(c Color) Style { s.Bg = c; return s }

func (s Style) with(a Attr, on bool) Style {
	if on {
		s.Attrs |= a
	} else {
		s.Attrs &^= a
	}
	return s
}

// sgr appends the Select Graphic Rendition sequence that sets exactly s.
func (s Style) sgr(b []byte) []byte {
	b = append(b, "\x1b[0"...)
	if s.Attrs&AttrBold != 0 {
		b = append(b, ";1"...)
	}
	if s.Attrs&AttrUnderline != 0 {
		b = append(b, ";4"...)
	}
	if s.Attrs&AttrReverse != 0 {
		b = append(b, ";7"...)
	}
	if s.Fg != ColorDefault {
		b = append(b, ';', '3', byte('0'+s.Fg-ColorBlack))
	}
	if s.Bg != ColorDefault {
		b = append(b, ';', '4', byte('0'+s.Bg-ColorBlack))
	}
	return append(b, 'm')
}

// Cell is one column of a row: a grapheme cluster and its style. The
// column after a wide cluster holds an empty Text.
type Cell struct {
	Text  string
	Style Style
	wide  bool // Text takes this column and the next
}

var blank = Cell{Text: " "}

// Screen is a grid of cells and the terminal it is shown on. Its methods
// may be called from several goroutines.
type Screen struct {
	mu    sync.Mutex
	out   *bufio.Writer
	w, h  int
	cells []Cell // what the view put
	shown []Cell // what the terminal shows; nil after a Sync, a resize or at the start
	buf   []byte

	events chan Event
	done   chan struct{}
	close  func() // restores the terminal (Open)
	once   sync.Once
}

// New returns a w×h screen that writes to out (a counting writer in a
// benchmark, io.Discard in a test) and reads no keys: its events are the
// ones given to Inject and Resize.
func New(out io.Writer, w, h int) *Screen {
	s := &Screen{out: bufio.NewWriterSize(out, 16<<10), events: make(chan Event, 64), done: make(chan struct{})}
	s.resize(w, h)
	return s
}

// Size returns the screen's width and height in columns and rows.
func (s *Screen) Size() (w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w, s.h
}

// Events returns the screen's keys and resizes. The channel is never
// closed: a view ends on its own key (q) or its context.
func (s *Screen) Events() <-chan Event { return s.events }

// Inject adds ev to the screen's events, as if the terminal had sent it.
func (s *Screen) Inject(ev Event) {
	select {
	case s.events <- ev:
	case <-s.done:
	}
}

// Resize gives the screen a new size, keeping the cells that fit (the next
// Show clears the terminal and writes every cell), and sends a KeyResize
// event, as a terminal window resized does.
func (s *Screen) Resize(w, h int) {
	s.mu.Lock()
	s.resize(w, h)
	s.mu.Unlock()
	s.Inject(Event{Key: KeyResize})
}

func (s *Screen) resize(w, h int) {
	w, h = max(w, 1), max(h, 1)
	cells := make([]Cell, w*h)
	for y := range h {
		for x := range w {
			c := blank
			if x < s.w && y < s.h {
				c = s.cells[y*s.w+x]
			}
			cells[y*w+x] = c
		}
		if last := &cells[y*w+w-1]; last.wide {
			*last = blank // half a wide cluster at the new edge
		}
	}
	s.w, s.h, s.cells, s.shown = w, h, cells, nil
}

// PutStr puts str on row y from column x in style st, cut at the right
// edge. Cells past the end of str keep what they held.
func (s *Screen) PutStr(x, y int, str string, st Style) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if y < 0 || y >= s.h || x < 0 {
		return
	}
	row := s.cells[y*s.w : (y+1)*s.w]
	if printableASCII(str) {
		// Each byte is a cluster of its own, one column wide: the lines a
		// view draws are mostly such, and splitting them cluster by
		// cluster was a fifth of a 200x50 redraw.
		for i := 0; i < len(str) && x < s.w; i++ {
			put(row, x, str[i:i+1], 1, st)
			x++
		}
		return
	}
	state := -1
	for str != "" && x < s.w {
		var cluster string
		var cw int
		cluster, str, cw, state = uniseg.FirstGraphemeClusterInString(str, state)
		if cw == 0 {
			if !printable(cluster) {
				cluster, cw = "?", 1
			} else {
				continue // a zero-width cluster of its own takes no column
			}
		}
		if x+cw > s.w {
			break
		}
		put(row, x, cluster, cw, st)
		x += cw
	}
}

// put sets row[x] to cluster, cw columns wide (1 or 2), mending the wide
// clusters it overwrites half of.
func put(row []Cell, x int, cluster string, cw int, st Style) {
	if x > 0 && row[x].Text == "" && row[x-1].wide {
		row[x-1] = Cell{Text: " ", Style: row[x-1].Style} // its right half is overwritten
	}
	if row[x].wide && x+1 < len(row) && cw == 1 {
		row[x+1] = Cell{Text: " ", Style: row[x].Style} // its left half is overwritten
	}
	row[x] = Cell{Text: cluster, Style: st, wide: cw == 2}
	if cw == 2 {
		if x+2 < len(row) && row[x+1].wide {
			row[x+2] = Cell{Text: " ", Style: row[x+1].Style}
		}
		row[x+1] = Cell{Style: st}
	}
}

// printableASCII reports whether s holds only the bytes 0x20 to 0x7e.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// printable reports whether a cluster holds no control character: a C0 or
// C1 control or DEL, which the terminal would act on rather than show.
func printable(cluster string) bool {
	for _, r := range cluster {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return false
		}
	}
	return true
}

// Contents returns what the terminal shows, as of the last Show or Sync:
// a copy of the cells row by row, and the size.
func (s *Screen) Contents() (cells []Cell, w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shown == nil {
		cells = make([]Cell, s.w*s.h)
		for i := range cells {
			cells[i] = blank
		}
		return cells, s.w, s.h
	}
	return append([]Cell(nil), s.shown...), s.w, s.h
}

// Show writes to the terminal what changed since the last Show: on each
// row, the run from the first changed cell to the last.
func (s *Screen) Show() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.show()
}

// Sync clears the terminal and writes every cell again: for a terminal
// whose content is not known (after a resize, or Ctrl-L).
func (s *Screen) Sync() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shown = nil
	s.show()
}

func (s *Screen) show() {
	b := s.buf[:0]
	full := s.shown == nil
	if full {
		s.shown = make([]Cell, len(s.cells))
		b = append(b, "\x1b[0m\x1b[H\x1b[2J"...)
	}
	cur, started := Style{}, false
	for y := range s.h {
		row, was := s.cells[y*s.w:(y+1)*s.w], s.shown[y*s.w:(y+1)*s.w]
		x0, x1 := 0, s.w-1
		if full {
			// The terminal was just cleared: trailing blanks are there.
			copy(was, row)
			for x1 >= 0 && row[x1] == blank {
				x1--
			}
			if x1 < 0 {
				continue
			}
		} else {
			for x0 < s.w && row[x0] == was[x0] {
				x0++
			}
			if x0 == s.w {
				continue
			}
			for row[x1] == was[x1] {
				x1--
			}
		}
		if x0 > 0 && row[x0].Text == "" {
			x0-- // start at the wide cluster whose right half changed
		}
		if row[x1].wide && x1+1 < s.w {
			x1++
		}
		b = append(b, "\x1b["...)
		b = strconv.AppendInt(b, int64(y+1), 10)
		b = append(b, ';')
		b = strconv.AppendInt(b, int64(x0+1), 10)
		b = append(b, 'H')
		for x := x0; x <= x1; x++ {
			c := row[x]
			if c.Text == "" && x > 0 && row[x-1].wide {
				continue // the right half of the cluster just written
			}
			if !started || c.Style != cur {
				cur, started = c.Style, true
				b = cur.sgr(b)
			}
			if c.Text == "" {
				b = append(b, ' ')
			} else {
				b = append(b, c.Text...)
			}
		}
		copy(was[x0:x1+1], row[x0:x1+1])
	}
	if started {
		b = append(b, "\x1b[0m"...)
	}
	s.buf = b
	if len(b) > 0 {
		s.out.Write(b)
		s.out.Flush()
	}
}

// Close ends the screen: for a terminal, it leaves the alternate screen,
// shows the cursor and restores the terminal's modes. Close may be called
// more than once.
func (s *Screen) Close() {
	s.once.Do(func() {
		close(s.done)
		if s.close != nil {
			s.close()
		}
	})
}
