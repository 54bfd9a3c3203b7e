package render

import (
	"strings"

	"github.com/amsh/amsh/ami"
)

// A table is printed as a grid when it fits the terminal, and otherwise as
// one vertical Key: Value block per row: a wrapped grid is unreadable, and
// cutting cells would hide the channel names people came to see.
type table struct {
	title string
	cols  []string
	rows  [][]string
	// sparse tables come from events; an empty cell is usually a header the
	// event did not carry, so vertical blocks leave it out.
	sparse bool
}

// eventNoise are the headers left out of event tables. Response stays: the
// only events that carry it (OriginateResponse, 1.8-11 BridgeExec) mean
// something by it.
func eventNoise(key string) bool {
	switch len(key) {
	case 5:
		return strings.EqualFold(key, "Event")
	case 8:
		return strings.EqualFold(key, "ActionID")
	case 9:
		return strings.EqualFold(key, "EventList") || strings.EqualFold(key, "Privilege")
	}
	return false
}

// eventTables builds one table per event name, in first-seen order, whose
// columns are the headers of its events in first-seen order. A header
// repeated within an event has its values joined with ", ".
func eventTables(events []*ami.Message) []*table {
	var builders []*tableBuilder
	byName := map[string]*tableBuilder{}
	for _, ev := range events {
		name := ev.Event()
		tb := byName[name]
		if tb == nil {
			tb = &tableBuilder{
				t:     &table{title: name, sparse: true},
				event: name,
				index: map[string]int{},
				fold:  map[string]int{},
			}
			byName[name] = tb
			builders = append(builders, tb)
		}
		tb.add(ev)
	}
	tables := make([]*table, 0, len(builders))
	for _, tb := range builders {
		if len(tb.t.cols) > 0 {
			tables = append(tables, tb.t)
		}
	}
	return tables
}

type tableBuilder struct {
	t      *table
	event  string
	index  map[string]int // header name as received -> column
	fold   map[string]int // header name, ASCII lower case -> column
	decode []map[int]string
	set    []bool     // cells of the current row already filled
	parts  [][]string // values of a header repeated in the current event
}

func (tb *tableBuilder) column(key string) int {
	if i, ok := tb.index[key]; ok {
		return i
	}
	lk := asciiLower(key)
	if i, ok := tb.fold[lk]; ok {
		tb.index[key] = i
		return i
	}
	i := len(tb.t.cols)
	tb.t.cols = append(tb.t.cols, key)
	tb.decode = append(tb.decode, tableFor(tb.event, key))
	tb.index[key] = i
	tb.fold[lk] = i
	return i
}

func (tb *tableBuilder) add(ev *ami.Message) {
	row := make([]string, len(tb.t.cols), len(tb.t.cols)+1)
	clear(tb.set)
	repeats := false
	for _, h := range ev.Headers {
		if eventNoise(h.Key) {
			continue
		}
		c := tb.column(h.Key)
		for len(row) <= c {
			row = append(row, "")
		}
		for len(tb.set) <= c {
			tb.set = append(tb.set, false)
			tb.parts = append(tb.parts, nil)
		}
		v := decodedCell(h.Value, tb.decode[c])
		if tb.set[c] {
			if len(tb.parts[c]) == 0 {
				tb.parts[c] = append(tb.parts[c], row[c])
			}
			tb.parts[c] = append(tb.parts[c], v)
			repeats = true
			continue
		}
		row[c] = v
		tb.set[c] = true
	}
	if repeats {
		for c, p := range tb.parts {
			if len(p) > 0 {
				row[c] = strings.Join(p, ", ")
				tb.parts[c] = p[:0]
			}
		}
	}
	tb.t.rows = append(tb.t.rows, row)
}

func decodedCell(v string, codes map[int]string) string {
	if codes == nil {
		return v
	}
	if n, ok := atoi(v); ok {
		if meaning, ok := codes[n]; ok {
			return v + " (" + meaning + ")"
		}
	}
	return v
}

// atoi parses a small decimal integer without allocating an error.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 6 {
		return 0, false
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
		if s == "" {
			return 0, false
		}
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func (r *Renderer) appendTable(b []byte, t *table) []byte {
	n := len(t.cols)
	if n == 0 {
		return b
	}
	widths := make([]int, n)
	for i, c := range t.cols {
		widths[i] = displayWidth(c)
	}
	for _, row := range t.rows {
		for i := 0; i < n && i < len(row); i++ {
			widths[i] = max(widths[i], displayWidth(row[i]))
		}
	}
	total := 2 * (n - 1)
	for _, w := range widths {
		total += w
	}
	if r.opts.Width > 0 && total > r.opts.Width {
		return r.appendVertical(b, t)
	}
	b = r.appendTitle(b, t.title)
	for i, c := range t.cols {
		if r.opts.Color {
			b = append(b, sgrBold...)
			b = appendVisible(b, c)
			b = append(b, sgrReset...)
		} else {
			b = appendVisible(b, c)
		}
		if i < n-1 {
			b = appendSpaces(b, widths[i]-displayWidth(c)+2)
		}
	}
	b = append(b, '\n')
	for _, row := range t.rows {
		last := min(len(row), n) - 1
		for last >= 0 && row[last] == "" {
			last-- // no trailing blanks
		}
		for i := 0; i <= last; i++ {
			b = appendVisible(b, row[i])
			if i < last {
				b = appendSpaces(b, widths[i]-displayWidth(row[i])+2)
			}
		}
		b = append(b, '\n')
		b = r.spill(b)
	}
	return b
}

func (r *Renderer) appendVertical(b []byte, t *table) []byte {
	kw := 0
	for _, c := range t.cols {
		kw = max(kw, displayWidth(c))
	}
	b = r.appendTitle(b, t.title)
	for ri, row := range t.rows {
		if ri > 0 {
			b = append(b, '\n')
		}
		for i, c := range t.cols {
			v := ""
			if i < len(row) {
				v = row[i]
			}
			if t.sparse && v == "" {
				continue
			}
			b = r.appendKey(b, c, kw, v != "")
			b = appendVisible(b, v)
			b = append(b, '\n')
		}
		b = r.spill(b)
	}
	return b
}

func (r *Renderer) appendTitle(b []byte, title string) []byte {
	if title == "" {
		return b
	}
	if r.opts.Color {
		b = append(b, sgrYellow...)
		b = appendVisible(b, title)
		b = append(b, sgrReset...)
	} else {
		b = appendVisible(b, title)
	}
	return append(b, '\n')
}
