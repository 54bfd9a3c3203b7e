package render

import (
	"encoding/csv"
	"strings"

	"github.com/amsh/amsh/ami"
)

// csv and tsv print a header row and one row per item, for spreadsheets
// and awk. The columns are those a text table would have: an event list's
// headers in first-seen order, noise (Event, ActionID, EventList,
// Privilege) left out, with Event as the first column when the list mixes
// events of several names (QueueStatus: QueueParams, QueueMember). A
// single response is one row of its headers; a CLI reply is one Output
// column, a row a line. A stream's columns are fixed by its first message
// (Event first, then its headers; a merged stream's SourceKey column
// before Event): a later message's other headers are dropped and a header
// it lacks is an empty cell, so --columns is the way to a stable header
// row. Cells are the values as received, codes not decoded; a header
// repeated within a message is one cell, its values joined with ", " as in
// text tables.
//
// csv is RFC 4180 as encoding/csv writes it (quoted when needed, \n line
// ends). tsv has no quoting: in a cell a backslash is written \\, a tab
// \t, a newline \n and a carriage return \r, as PostgreSQL's text COPY
// format does, so each line is one row. On a terminal, other control
// characters are escaped as in text output.

// delimitedResult writes a result's rows.
func (r *Renderer) delimitedResult(res *ami.Result) error {
	if lines, ok := res.Output(); ok {
		rows := make([][]string, len(lines))
		for i, l := range lines {
			rows[i] = []string{l}
		}
		return r.delimitedTable([]string{"Output"}, rows)
	}
	if res.Complete == nil && len(res.Events) == 0 {
		if res.Response == nil {
			return nil
		}
		var cols []string
		for _, h := range res.Response.Headers {
			if h.Key != "" && !resultNoise(h.Key) && !hasKey(cols, h.Key) {
				cols = append(cols, h.Key)
			}
		}
		return r.delimitedMessages(r.columns(cols), []*ami.Message{res.Response})
	}
	var cols []string
	mixed := false
	for _, ev := range res.Events {
		mixed = mixed || !strings.EqualFold(ev.Event(), res.Events[0].Event())
		for _, h := range ev.Headers {
			if h.Key != "" && !eventNoise(h.Key) && !hasKey(cols, h.Key) {
				cols = append(cols, h.Key)
			}
		}
	}
	if mixed {
		cols = append([]string{"Event"}, cols...)
	}
	return r.delimitedMessages(r.columns(cols), res.Events)
}

// delimitedMessage writes one message of a stream, after the header row
// when it is the first.
func (r *Renderer) delimitedMessage(m *ami.Message) error {
	if r.streamCols == nil {
		var cols []string
		for _, k := range []string{SourceKey, "Event"} { // a merged stream's source first
			if _, ok := m.Lookup(k); ok {
				cols = append(cols, k)
			}
		}
		for _, h := range m.Headers {
			if h.Key != "" && !streamNoise(h.Key) && !hasKey(cols, h.Key) {
				cols = append(cols, h.Key)
			}
		}
		r.streamCols = r.columns(cols)
		if len(r.streamCols) == 0 {
			r.streamCols = nil
			return nil
		}
		r.buf = r.appendRecord(r.buf[:0], r.streamCols)
	} else {
		r.buf = r.buf[:0]
	}
	r.cells = r.cells[:0]
	for _, c := range r.streamCols {
		r.cells = append(r.cells, cell(m, c))
	}
	r.buf = r.appendRecord(r.buf, r.cells)
	return r.write()
}

// delimitedFields writes a field block as a header row and one row.
func (r *Renderer) delimitedFields(m *ami.Message) error {
	var cols []string
	for _, h := range m.Headers {
		if h.Key != "" && !hasKey(cols, h.Key) {
			cols = append(cols, h.Key)
		}
	}
	return r.delimitedMessages(r.columns(cols), []*ami.Message{m})
}

// delimitedMessages writes a header row and a row per message.
func (r *Renderer) delimitedMessages(cols []string, ms []*ami.Message) error {
	if len(cols) == 0 {
		return nil
	}
	b := r.appendRecord(r.buf[:0], cols)
	cells := make([]string, len(cols))
	for _, m := range ms {
		for i, c := range cols {
			cells[i] = cell(m, c)
		}
		b = r.appendRecord(b, cells)
		b = r.spill(b)
	}
	r.buf = b
	return r.write()
}

// delimitedTable writes a table cmd/ built, its columns chosen by --columns.
func (r *Renderer) delimitedTable(cols []string, rows [][]string) error {
	cols, rows = chooseColumns(r.opts.Columns, cols, rows)
	if len(cols) == 0 {
		return nil
	}
	b := r.appendRecord(r.buf[:0], cols)
	cells := make([]string, len(cols))
	for _, row := range rows {
		for i := range cols {
			cells[i] = ""
			if i < len(row) {
				cells[i] = row[i]
			}
		}
		b = r.appendRecord(b, cells)
		b = r.spill(b)
	}
	r.buf = b
	return r.write()
}

// columns is --columns when given, else cols.
func (r *Renderer) columns(cols []string) []string {
	if len(r.opts.Columns) > 0 {
		return r.opts.Columns
	}
	return cols
}

// cell is the value of column c in m: every value of the header, its name
// compared ignoring case, joined with ", ".
func cell(m *ami.Message, c string) string {
	v, n := "", 0
	for _, h := range m.Headers {
		if h.Key != "" && strings.EqualFold(h.Key, c) {
			if n == 0 {
				v = h.Value
			} else {
				v += ", " + h.Value
			}
			n++
		}
	}
	return v
}

func hasKey(cols []string, key string) bool {
	for _, c := range cols {
		if strings.EqualFold(c, key) {
			return true
		}
	}
	return false
}

// appendRecord appends one row in the Renderer's format, csv or tsv.
func (r *Renderer) appendRecord(b []byte, cells []string) []byte {
	if r.opts.Terminal {
		safe := make([]string, len(cells))
		for i, c := range cells {
			if r.opts.Format == TSV {
				c = tsvCell(c)
			}
			safe[i] = visible(c)
		}
		cells = safe
	}
	if r.opts.Format == TSV {
		for i, c := range cells {
			if i > 0 {
				b = append(b, '\t')
			}
			if r.opts.Terminal {
				b = append(b, c...) // escaped above
			} else {
				b = append(b, tsvCell(c)...)
			}
		}
		return append(b, '\n')
	}
	if r.csvW == nil {
		r.csvW = csv.NewWriter(&r.csvOut)
	}
	r.csvOut.b = b
	r.csvW.Write(cells) // an appendWriter does not fail
	r.csvW.Flush()
	b, r.csvOut.b = r.csvOut.b, nil
	return b
}

var tsvEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

func tsvCell(s string) string {
	if !strings.ContainsAny(s, "\\\t\n\r") {
		return s
	}
	return tsvEscaper.Replace(s)
}

// appendWriter is an io.Writer that appends to a byte slice.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// chooseColumns reorders a table's columns to --columns (want): each
// wanted name takes the first column whose name matches ignoring case, or
// is empty. With no want it returns cols and rows as they are.
func chooseColumns(want, cols []string, rows [][]string) ([]string, [][]string) {
	if len(want) == 0 {
		return cols, rows
	}
	from := make([]int, len(want))
	for i, w := range want {
		from[i] = -1
		for j, c := range cols {
			if strings.EqualFold(c, w) {
				from[i] = j
				break
			}
		}
	}
	out := make([][]string, len(rows))
	for k, row := range rows {
		nr := make([]string, len(want))
		for i, j := range from {
			if j >= 0 && j < len(row) {
				nr[i] = row[j]
			}
		}
		out[k] = nr
	}
	return want, out
}

// pickHeaders keeps the headers named in want, in want's order (all values
// of a repeated one); with no want it returns hs.
func pickHeaders(want []string, hs []ami.Header) []ami.Header {
	if len(want) == 0 {
		return hs
	}
	var out []ami.Header
	for _, w := range want {
		for _, h := range hs {
			if h.Key != "" && strings.EqualFold(h.Key, w) {
				out = append(out, h)
			}
		}
	}
	return out
}
