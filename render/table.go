package render

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/amsh/amsh/ami"
)

// A table is printed as a grid when it fits the terminal. A wrapped grid is
// unreadable, so a wider one is fitted when it is an event list or cmd/
// ranked its columns (see fitTable): long cells cut, the least useful
// columns hidden and named in one line under it. A table that cannot be
// fitted (its key columns alone are too wide, or cmd/ built it without a
// Ranking) is printed as one vertical Key: Value block per row instead.
type table struct {
	title string
	cols  []string
	rows  [][]string
	// sparse tables come from events; an empty cell is usually a header the
	// event did not carry, so vertical blocks leave it out.
	sparse bool
	// fit is set on event lists and ranked tables: too wide, they are
	// fitted to the width. The column order for that is order, else the
	// listOrder of event, the name of an event list's events.
	fit   bool
	event string
	order *listOrder
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
				t:     &table{title: name, sparse: true, fit: true, event: name},
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
	if r.opts.Width > 0 && gridWidth(widths) > r.opts.Width {
		if !t.fit {
			return r.appendVertical(b, t)
		}
		f, ok := fitTable(t, widths, r.opts.Width)
		if !ok {
			return r.appendVertical(b, t)
		}
		b = r.appendGrid(b, f.t, f.widths)
		if len(f.hidden) > 0 {
			b = r.appendHidden(b, f.hidden)
		}
		return b
	}
	return r.appendGrid(b, t, widths)
}

// gridWidth is the width of a grid whose columns have these widths.
func gridWidth(widths []int) int {
	total := 2 * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	return total
}

func (r *Renderer) appendGrid(b []byte, t *table, widths []int) []byte {
	n := len(t.cols)
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

// Fitting an event list to the terminal. The columns are ranked, most
// useful first: the list's key columns, then the columns its listOrder
// names in that order, then the others in table order with the id-like ones
// (lowValue) after them; a column empty in every row goes to the end unless
// it is a key. Cells longer than cellCap columns are cut to cellCap with
// "…", except in key columns. The grid then shows the key columns and as
// many of the next ranked columns as fit, in table order; what is left
// over widens cut columns back, most useful first. The hidden columns are
// named in one line under the grid. When the key columns alone do not fit,
// the list is printed as vertical blocks.

// cellCap is the width a long cell of a non-key column is cut to.
const cellCap = 30

// A listOrder ranks the columns of one event list. The first key names are
// its key columns: they always stay and are never cut. A name that is not
// in a table is skipped; names match case-insensitively.
type listOrder struct {
	key   int
	names []string
}

// listOrders are for the lists people read most, by event name. Channel
// lists keep ChannelState rather than ChannelStateDesc: decoded, "6 (Up)"
// says the same in a narrower column. They are built on first use: most
// commands print no event list.
var listOrders = sync.OnceValue(func() map[string]listOrder {
	return map[string]listOrder{
		// CoreShowChannels; before 12 Asterisk says Extension, BridgedChannel,
		// BridgedUniqueID.
		"coreshowchannel": {2, []string{"Channel", "ChannelState",
			"CallerIDNum", "Application", "Duration", "ApplicationData", "CallerIDName",
			"BridgeId", "BridgedChannel", "ConnectedLineNum", "ConnectedLineName",
			"Exten", "Extension", "Context", "Priority", "ChannelStateDesc",
			"AccountCode", "Language", "Linkedid", "Uniqueid", "BridgedUniqueID"}},
		// Status; 1.4 says State, Link and Account, 1.8 BridgedChannel.
		"status": {3, []string{"Channel", "ChannelState", "State",
			"CallerIDNum", "Application", "Seconds", "Data", "CallerIDName",
			"BridgeID", "BridgedChannel", "Link", "ConnectedLineNum", "ConnectedLineName",
			"Exten", "Extension", "Context", "Priority", "Type", "DNID",
			"EffectiveConnectedLineNum", "EffectiveConnectedLineName", "TimeToHangup",
			"ChannelStateDesc", "Nativeformats", "Readformat", "Writeformat",
			"Readtrans", "Writetrans", "Callgroup", "Pickupgroup",
			"AccountCode", "Account", "Language", "Linkedid", "Uniqueid", "BridgedUniqueid"}},
		// QueueStatus; old versions send no Name, only Location.
		"queuemember": {3, []string{"Queue", "Name", "Status",
			"Paused", "InCall", "CallsTaken", "Location", "Penalty", "PausedReason",
			"LastCall", "Membership", "Wrapuptime", "LoginTime", "LastPause", "StateInterface"}},
		"queueentry": {3, []string{"Queue", "Position", "Channel",
			"Wait", "CallerIDNum", "CallerIDName", "ConnectedLineNum", "ConnectedLineName",
			"Priority", "Uniqueid"}},
		"queueparams": {1, []string{"Queue",
			"Calls", "Holdtime", "TalkTime", "Completed", "Abandoned", "Strategy",
			"ServiceLevel", "ServicelevelPerf", "ServicelevelPerf2", "Max", "Weight"}},
		"queuesummary": {1, []string{"Queue",
			"LoggedIn", "Available", "Callers", "HoldTime", "TalkTime", "LongestHoldTime"}},
		// PJSIPShowEndpoints
		"endpointlist": {2, []string{"ObjectName", "DeviceState",
			"ActiveChannels", "Contacts", "Aor", "Transport", "Auths", "OutboundAuths", "ObjectType"}},
		// SIPpeers
		"peerentry": {2, []string{"ObjectName", "Status",
			"IPaddress", "IPport", "Dynamic", "Description", "Forcerport", "Comedia", "ACL",
			"AutoForcerport", "AutoComedia", "VideoSupport", "TextSupport", "RealtimeDevice",
			"Accountcode", "ChanObjectType", "Channeltype"}},
	}
})

// lowValue reports whether col, when no listOrder names it, ranks after the
// other such columns: ids (Uniqueid, Linkedid, BridgeId, DestUniqueid...;
// CallerID is not one), account, language and dialplan position, long or
// rarely what a person looks for.
func lowValue(col string) bool {
	c := asciiLower(col)
	for _, s := range [...]string{"accountcode", "language", "context", "exten", "extension", "priority"} {
		if strings.HasSuffix(c, s) {
			return true
		}
	}
	return strings.HasSuffix(c, "id") && !strings.HasSuffix(c, "callerid")
}

// rankColumns returns the columns of t, most useful first, and how many of
// the first are key columns. Without a listOrder the first column is the
// key.
func rankColumns(t *table) (rank []int, keys int) {
	n := len(t.cols)
	placed := make([]bool, n)
	place := func(i int) {
		rank = append(rank, i)
		placed[i] = true
	}
	lookup := func(name string) int {
		for i, c := range t.cols {
			if !placed[i] && strings.EqualFold(c, name) {
				return i
			}
		}
		return -1
	}
	var lo listOrder
	ok := t.order != nil
	if ok {
		lo = *t.order
	} else {
		lo, ok = listOrders()[asciiLower(t.event)]
	}
	if ok {
		for _, name := range lo.names[:lo.key] {
			if i := lookup(name); i >= 0 {
				place(i)
			}
		}
	}
	if len(rank) == 0 {
		place(0)
	}
	keys = len(rank)
	if ok {
		for _, name := range lo.names[lo.key:] {
			if i := lookup(name); i >= 0 {
				place(i)
			}
		}
	}
	for _, low := range [...]bool{false, true} {
		for i, c := range t.cols {
			if !placed[i] && lowValue(c) == low {
				place(i)
			}
		}
	}
	// Columns empty in every row last, in the order reached so far.
	empty := make([]bool, n)
	for i := range empty {
		empty[i] = true
	}
	for _, row := range t.rows {
		for i, v := range row {
			if v != "" {
				empty[i] = false
			}
		}
	}
	full, blank := rank[:keys:keys], []int(nil)
	for _, i := range rank[keys:] {
		if empty[i] {
			blank = append(blank, i)
		} else {
			full = append(full, i)
		}
	}
	return append(full, blank...), keys
}

type fitted struct {
	t      *table
	widths []int
	hidden []string // most useful first
}

// fitTable fits t, whose columns have widths, to width; ok is false when
// even its key columns do not fit.
func fitTable(t *table, widths []int, width int) (f fitted, ok bool) {
	rank, keys := rankColumns(t)
	// capped[i] is column i's width with its long cells cut.
	capped := make([]int, len(t.cols))
	for ri, i := range rank {
		capped[i] = widths[i]
		if ri >= keys && widths[i] > cellCap {
			capped[i] = displayWidth(t.cols[i])
			for _, row := range t.rows {
				if i < len(row) {
					capped[i] = max(capped[i], min(displayWidth(row[i]), cellCap))
				}
			}
		}
	}
	total := -2
	shown := 0
	for _, i := range rank {
		if total+2+capped[i] > width {
			break
		}
		total += 2 + capped[i]
		shown++
	}
	if shown < keys {
		return fitted{}, false
	}
	// Give what is left to cut columns, most useful first.
	slack := width - total
	for _, i := range rank[keys:shown] {
		grow := min(slack, widths[i]-capped[i])
		capped[i] += grow
		slack -= grow
	}
	show := slices.Clone(rank[:shown])
	slices.Sort(show) // table order
	ft := &table{title: t.title, cols: make([]string, len(show)), rows: make([][]string, len(t.rows))}
	f.t, f.widths = ft, make([]int, len(show))
	for j, i := range show {
		ft.cols[j] = t.cols[i]
		f.widths[j] = capped[i]
	}
	for ri, row := range t.rows {
		out := make([]string, len(show))
		for j, i := range show {
			if i < len(row) {
				out[j] = cutCell(row[i], capped[i])
			}
		}
		ft.rows[ri] = out
	}
	for _, i := range rank[shown:] {
		f.hidden = append(f.hidden, t.cols[i])
	}
	return f, true
}

// cutCell returns s when it takes at most width columns once made visible,
// and otherwise its visible form cut to width columns, the last one "…".
// The visible form is left as it is by appendVisible.
func cutCell(s string, width int) string {
	if displayWidth(s) <= width {
		return s
	}
	v := visible(s)
	room := width - 1 // for "…"
	end := 0
	for end < len(v) {
		_, size := utf8.DecodeRuneInString(v[end:])
		w := displayWidth(v[end : end+size])
		if w > room {
			break
		}
		room -= w
		end += size
	}
	return v[:end] + "…"
}

// appendHidden writes the line naming the hidden columns, most useful
// first: all of them when they fit the width, else as many as fit and how
// many more; with a hint to see them, the longer one when it fits.
func (r *Renderer) appendHidden(b []byte, hidden []string) []byte {
	names := make([]string, len(hidden))
	for i, h := range hidden {
		names[i] = visible(h)
	}
	line := hiddenLine(names, r.opts.Width)
	if r.opts.Color {
		b = append(b, sgrDim...)
		b = append(b, line...)
		b = append(b, sgrReset...)
	} else {
		b = append(b, line...)
	}
	return append(b, '\n')
}

func hiddenLine(names []string, width int) string {
	const long, short = "; widen the terminal or use -o json", "; -o json shows all"
	fits := func(s string) bool { return displayWidth(s) <= width }
	all := "(hidden: " + strings.Join(names, ", ")
	for _, hint := range [...]string{long, short} {
		if s := all + hint + ")"; fits(s) {
			return s
		}
	}
	for k := len(names) - 1; k >= 1; k-- {
		s := "(hidden: " + strings.Join(names[:k], ", ") + " and " + strconv.Itoa(len(names)-k) + " more" + short + ")"
		if fits(s) {
			return s
		}
	}
	count := strconv.Itoa(len(names)) + " columns hidden"
	if len(names) == 1 {
		count = "1 column hidden"
	}
	if s := "(" + count + short + ")"; fits(s) {
		return s
	}
	return "(" + count + ")"
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
	for _, line := range wrapTitle(title, r.opts.Width) {
		if r.opts.Color {
			b = append(b, sgrYellow...)
			b = appendVisible(b, line)
			b = append(b, sgrReset...)
		} else {
			b = appendVisible(b, line)
		}
		b = append(b, '\n')
	}
	return b
}

// wrapTitle breaks a title wider than width (when width > 0) after its
// commas into lines that fit, so that the terminal does not break a long
// one (queue status' summary of a queue) in the middle of a word. A part
// between commas that is wider than width stays whole.
func wrapTitle(title string, width int) []string {
	if width <= 0 || displayWidth(title) <= width {
		return []string{title}
	}
	var lines []string
	line := ""
	for part := range strings.SplitAfterSeq(title, ", ") {
		if line != "" && displayWidth(strings.TrimSuffix(line+part, " ")) > width {
			lines = append(lines, strings.TrimSuffix(line, " "))
			line = ""
		}
		line += part
	}
	return append(lines, line)
}
