// Package vt is a tiny terminal emulator for tests and benchmarks that read
// the screen of a program on a pseudo-terminal (internal/pty): enough of
// xterm to follow a program that redraws only the cells that changed, as
// amsh's screen package does. It is not used by amsh itself.
package vt

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Term is a tiny terminal: a grid of runes fed with what a program writes. It
// knows the cursor moves, erases and insert-character that full-screen
// programs send to xterm, and ignores attributes, modes and titles: enough to read the
// screen of a program that redraws only the cells that changed.
type Term struct {
	mu         sync.Mutex
	rows, cols int
	grid       [][]rune
	x, y       int
	state      int // 0 text, 1 after ESC, 2 CSI, 3 OSC, 4 OSC after ESC, 5 charset
	params     []byte
	pending    []byte // an incomplete UTF-8 sequence
}

// New returns an empty terminal of rows by cols.
func New(rows, cols int) *Term {
	v := &Term{}
	v.resize(rows, cols)
	return v
}

// Resize changes the size, keeping what fits, as a terminal window resized
// does before the program redraws.
func (v *Term) Resize(rows, cols int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.resize(rows, cols)
}

// resize changes the grid's size, keeping what fits.
func (v *Term) resize(rows, cols int) {
	g := make([][]rune, rows)
	for y := range g {
		g[y] = make([]rune, cols)
		for x := range g[y] {
			g[y][x] = ' '
			if y < len(v.grid) && x < len(v.grid[y]) {
				g[y][x] = v.grid[y][x]
			}
		}
	}
	v.grid, v.rows, v.cols = g, rows, cols
	v.x, v.y = min(v.x, cols-1), min(v.y, rows-1)
}

// Write feeds the terminal what the program wrote.
func (v *Term) Write(p []byte) (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, b := range p {
		v.byte(b)
	}
	return len(p), nil
}

func (v *Term) byte(b byte) {
	switch v.state {
	case 1:
		switch b {
		case '[':
			v.state, v.params = 2, v.params[:0]
		case ']':
			v.state = 3
		case '(', ')':
			v.state = 5
		default:
			v.state = 0
		}
		return
	case 2:
		if b >= 0x40 && b <= 0x7e {
			v.csi(b)
			v.state = 0
		} else {
			v.params = append(v.params, b)
		}
		return
	case 3:
		if b == 0x07 {
			v.state = 0
		} else if b == 0x1b {
			v.state = 4
		}
		return
	case 4:
		v.state = 0 // ESC \ ends the OSC
		return
	case 5:
		v.state = 0
		return
	}
	switch {
	case b == 0x1b:
		v.state = 1
	case b == '\r':
		v.x = 0
	case b == '\n':
		v.y = min(v.y+1, v.rows-1)
	case b == '\b':
		v.x = max(v.x-1, 0)
	case b < 0x20:
	default:
		v.pending = append(v.pending, b)
		if !utf8.FullRune(v.pending) {
			return
		}
		r, _ := utf8.DecodeRune(v.pending)
		v.pending = v.pending[:0]
		if v.x >= v.cols {
			v.x, v.y = 0, min(v.y+1, v.rows-1)
		}
		v.grid[v.y][v.x] = r
		v.x++
	}
}

func (v *Term) csi(final byte) {
	ps := strings.TrimLeft(string(v.params), "?>=<")
	var n []int
	for _, f := range strings.Split(ps, ";") {
		i, _ := strconv.Atoi(f)
		n = append(n, i)
	}
	arg := func(i, def int) int {
		if i < len(n) && n[i] > 0 {
			return n[i]
		}
		return def
	}
	if len(v.params) > 0 && strings.ContainsAny(string(v.params[:1]), "?>=<") {
		return // modes and queries
	}
	clear := func(y, from, to int) {
		for x := from; x < to && x < v.cols; x++ {
			v.grid[y][x] = ' '
		}
	}
	switch final {
	case 'H', 'f':
		v.y, v.x = min(arg(0, 1), v.rows)-1, min(arg(1, 1), v.cols)-1
	case 'A':
		v.y = max(v.y-arg(0, 1), 0)
	case 'B':
		v.y = min(v.y+arg(0, 1), v.rows-1)
	case 'C':
		v.x = min(v.x+arg(0, 1), v.cols-1)
	case 'D':
		v.x = max(v.x-arg(0, 1), 0)
	case 'G':
		v.x = min(arg(0, 1), v.cols) - 1
	case 'd':
		v.y = min(arg(0, 1), v.rows) - 1
	case 'K':
		switch arg(0, 0) {
		case 0:
			clear(v.y, v.x, v.cols)
		case 1:
			clear(v.y, 0, v.x+1)
		case 2:
			clear(v.y, 0, v.cols)
		}
	case 'J':
		switch arg(0, 0) {
		case 0:
			clear(v.y, v.x, v.cols)
			for y := v.y + 1; y < v.rows; y++ {
				clear(y, 0, v.cols)
			}
		case 2, 3:
			for y := range v.rows {
				clear(y, 0, v.cols)
			}
		}
	case '@':
		if v.x >= v.cols {
			return
		}
		k := min(arg(0, 1), v.cols-v.x)
		row := v.grid[v.y]
		copy(row[v.x+k:], row[v.x:])
		clear(v.y, v.x, v.x+k)
	}
}

// Lines is the screen, one string a row, trailing blanks trimmed.
func (v *Term) Lines() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]string, v.rows)
	for y, r := range v.grid {
		out[y] = strings.TrimRight(string(r), " ")
	}
	return out
}
