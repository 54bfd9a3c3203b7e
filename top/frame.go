package top

import (
	"strconv"
	"strings"
	"time"

	"github.com/amsh/amsh/live"
	"github.com/amsh/amsh/render"
)

// snapshot is what one frame shows: copies taken from the model, so drawing
// never touches it.
type snapshot struct {
	now      time.Time
	target   string // "profile sandbox (127.0.0.1:15038)"
	channels []live.Channel
	queues   []live.Queue
}

type pane uint8

const (
	channelsPane pane = iota
	queuesPane
)

// uiState is what the keys change: the focused pane, the filter, the
// selection and scroll of each pane, the question or note of the last line.
type uiState struct {
	pane    pane
	filter  string
	editing bool // the filter is being typed
	sel     [2]selection
	prompt  string // a y/N question awaiting its answer; "" when none
	message string // what the last action did; shown until the next key
	down    string // why the link is down, for the banner; "" when connected
	dropped uint64 // events the display dropped (the next refresh corrects the model)
	loading bool   // the first refresh has not come yet
}

// selection is one pane's selected row and scroll. key names the row (a
// Uniqueid, or queue and member), so the selection follows it as rows move;
// idx is where it was, used when the row is gone (or key is empty, after an
// arrow moved the selection).
type selection struct {
	key string
	idx int
	top int // the first row shown
}

// lineStyle says how draw shows a line.
type lineStyle uint8

const (
	styleNormal    lineStyle = iota
	styleTitle               // the first line
	styleBanner              // the link is down
	stylePane                // a pane's title, the pane not focused
	stylePaneFocus           // the focused pane's title
	styleHeading             // column headings
	styleGroup               // a queue's own line
	styleSelected            // the selected row of the focused pane
	styleFooter              // the last line: keys, the filter, a question, a note
)

// line is one screen row: its text fitted to the width, and its style.
type line struct {
	text  string
	style lineStyle
}

// rowKind is what a row shows, and so what h and p can do with it.
type rowKind uint8

const (
	rowChannel rowKind = iota
	rowQueue
	rowCaller
	rowMember
)

// row is a selectable row: what the keys act on.
type row struct {
	kind    rowKind
	key     string
	channel string // rowChannel, rowCaller: the channel to hang up
	queue   string // rowQueue, rowCaller, rowMember
	iface   string // rowMember: the member's interface
	paused  bool   // rowMember
}

// frameResult is a frame and the selection it resolved: the owner keeps
// sel as the new state and acts on selected.
type frameResult struct {
	lines    []line
	sel      [2]selection
	selected [2]*row // nil when the pane shows no row
	shown    [2]int  // rows each pane has after the filter
	height   [2]int  // rows of each pane's list area, for PgUp and PgDn
}

// frame lays out one screen of w columns and h rows. It is a pure function
// of its arguments.
func frame(s *snapshot, st *uiState, w, h int) frameResult {
	var res frameResult
	res.sel = st.sel
	if w <= 0 || h <= 0 {
		return res
	}
	lines := make([]line, 0, h)
	lines = append(lines, line{titleLine(s, w), styleTitle})
	if st.down != "" {
		lines = append(lines, line{fit("DISCONNECTED: "+clean(st.down), w), styleBanner})
	}
	body := h - len(lines) - 1 // the footer takes the last line

	needle := strings.ToLower(st.filter)
	chIdx := filterChannels(s.channels, needle)
	qRows, qTexts := queueRows(s.queues, s.now, needle)

	// The focused pane gets what it needs; the other keeps at least half
	// of the body when it needs it. Each pane has a title line; the channels
	// pane a line of column headings too.
	chNeed, qNeed := 2+max(len(chIdx), 1), 1+max(len(qRows), 1)
	var chH, qH int
	if st.pane == channelsPane {
		qH = min(qNeed, body/2)
		chH = body - qH
	} else {
		chH = min(chNeed, body/2)
		qH = body - chH
	}
	if chH < 0 {
		chH = 0
	}
	if qH < 0 {
		qH = 0
	}

	// Channels.
	if chH > 0 {
		title := "Channels " + strconv.Itoa(len(chIdx))
		if len(chIdx) != len(s.channels) {
			title += " of " + strconv.Itoa(len(s.channels))
		}
		lines = append(lines, paneTitle(title, st, channelsPane, w))
	}
	listH := max(chH-2, 0)
	res.height[channelsPane] = listH
	res.shown[channelsPane] = len(chIdx)
	sel := resolve(st.sel[channelsPane], len(chIdx), listH, func(i int) string { return s.channels[chIdx[i]].Uniqueid })
	res.sel[channelsPane] = sel
	if len(chIdx) > 0 {
		c := &s.channels[chIdx[sel.idx]]
		res.selected[channelsPane] = &row{kind: rowChannel, key: c.Uniqueid, channel: c.Name}
	}
	if chH > 1 {
		end := min(sel.top+listH, len(chIdx))
		cells := make([][chCols]string, 0, end-sel.top)
		for _, i := range chIdx[sel.top:end] {
			cells = append(cells, channelCells(&s.channels[i]))
		}
		widths := channelWidths(cells, w)
		lines = append(lines, line{joinCells(chHeadings[:], widths[:], w), styleHeading})
		for k, c := range cells {
			style := styleNormal
			if sel.top+k == sel.idx && st.pane == channelsPane {
				style = styleSelected
			}
			lines = append(lines, line{joinCells(c[:], widths[:], w), style})
		}
		if len(chIdx) == 0 && listH > 0 {
			lines = append(lines, line{fit(emptyNote(st, "no channels"), w), styleNormal})
			listH--
		}
		for range listH - (end - sel.top) {
			lines = append(lines, line{blank(w), styleNormal})
		}
	}

	// Queues.
	if qH > 0 {
		callers, members := 0, 0
		for _, q := range s.queues {
			callers += len(q.Callers)
			members += len(q.Members)
		}
		title := "Queues " + strconv.Itoa(len(s.queues)) + "  callers " + strconv.Itoa(callers) + "  members " + strconv.Itoa(members)
		lines = append(lines, paneTitle(title, st, queuesPane, w))
	}
	listH = max(qH-1, 0)
	res.height[queuesPane] = listH
	res.shown[queuesPane] = len(qRows)
	sel = resolve(st.sel[queuesPane], len(qRows), listH, func(i int) string { return qRows[i].key })
	res.sel[queuesPane] = sel
	if len(qRows) > 0 {
		r := qRows[sel.idx]
		res.selected[queuesPane] = &r
	}
	if listH > 0 {
		end := min(sel.top+listH, len(qRows))
		for i := sel.top; i < end; i++ {
			style := styleNormal
			switch {
			case i == sel.idx && st.pane == queuesPane:
				style = styleSelected
			case qRows[i].kind == rowQueue:
				style = styleGroup
			}
			lines = append(lines, line{fit(qTexts[i], w), style})
		}
		rest := listH - (end - sel.top)
		if len(qRows) == 0 && rest > 0 {
			lines = append(lines, line{fit(emptyNote(st, "no queues"), w), styleNormal})
			rest--
		}
		for range rest {
			lines = append(lines, line{blank(w), styleNormal})
		}
	}

	for len(lines) < h-1 {
		lines = append(lines, line{blank(w), styleNormal})
	}
	lines = append(lines[:min(len(lines), h-1)], line{footer(st, res.selected[st.pane], w), styleFooter})
	res.lines = lines
	return res
}

// resolve finds the selected row among n rows (key first, else the index
// clamped) and scrolls so that it is among the height rows shown.
func resolve(sel selection, n, height int, key func(int) string) selection {
	if n == 0 {
		return selection{}
	}
	found := false
	if sel.key != "" {
		// Look near the old place first: rows rarely move far.
		for d := 0; d < n && !found; d++ {
			for _, i := range [2]int{sel.idx - d, sel.idx + d} {
				if i >= 0 && i < n && key(i) == sel.key {
					sel.idx, found = i, true
					break
				}
			}
			if sel.idx-d < 0 && sel.idx+d >= n {
				break
			}
		}
	}
	if !found {
		sel.idx = min(max(sel.idx, 0), n-1)
	}
	sel.key = key(sel.idx)
	if height <= 0 {
		sel.top = sel.idx
		return sel
	}
	sel.top = min(max(sel.top, sel.idx-height+1, 0), sel.idx, max(n-height, 0))
	return sel
}

func titleLine(s *snapshot, w int) string {
	left := "amsh top  " + s.target
	right := s.now.Format("15:04:05")
	return spread(left, right, w)
}

// spread puts left at the start and right at the end of w columns, right
// dropped when both do not fit.
func spread(left, right string, w int) string {
	lw, rw := width(left), width(right)
	if lw+1+rw > w {
		return fit(left, w)
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

func paneTitle(title string, st *uiState, p pane, w int) line {
	if st.filter != "" {
		title += "  filter /" + st.filter
	}
	style := stylePane
	if st.pane == p {
		style = stylePaneFocus
	}
	return line{fit(title, w), style}
}

func emptyNote(st *uiState, none string) string {
	if st.loading {
		return "  loading…"
	}
	if st.filter != "" {
		return "  nothing matches /" + st.filter
	}
	return "  " + none
}

// footer is the last line: the question awaiting y or n, the filter being
// typed, a note about the last action, or the keys. The text is cleaned
// here, where it is measured: notes carry server text (Asterisk's error
// messages, a channel's name).
func footer(st *uiState, selected *row, w int) string {
	switch {
	case st.prompt != "":
		return fit(clean(st.prompt)+" [y/N] ", w)
	case st.editing:
		return fit("/"+clean(st.filter), w)
	case st.message != "":
		return fit(clean(st.message), w)
	}
	keys := "q quit  / filter  Tab pane  arrows select"
	if selected != nil {
		switch selected.kind {
		case rowChannel, rowCaller:
			keys += "  h hang up"
		case rowMember:
			if selected.paused {
				keys += "  p unpause"
			} else {
				keys += "  p pause"
			}
		}
	}
	if st.dropped > 0 {
		keys += "  (" + strconv.FormatUint(st.dropped, 10) + " events dropped)"
	}
	return fit(keys, w)
}

// Channels pane.

const chCols = 6

var chHeadings = [chCols]string{"Channel", "State", "Caller ID", "Application", "Peer", "Time"}

// channelCells are a channel's cells, as shown and as matched by the filter.
func channelCells(c *live.Channel) [chCols]string {
	return [chCols]string{
		clean(c.Name),
		channelState(c),
		clean(callerID(c.CallerIDName, c.CallerIDNum)),
		clean(application(c.Application, c.AppData)),
		clean(peer(c)),
		duration(c.Duration),
	}
}

// stateNames are render's names of the channel states 0-15, looked up once.
var stateNames = func() (names [16]string) {
	for i := range names {
		names[i], _ = render.Decode("Newstate", "ChannelState", strconv.Itoa(i))
	}
	return names
}()

func channelState(c *live.Channel) string {
	if c.State >= 0 && c.State < len(stateNames) && stateNames[c.State] != "" {
		return stateNames[c.State]
	}
	if c.StateDesc != "" {
		return clean(c.StateDesc)
	}
	return "?"
}

func callerID(name, num string) string {
	switch {
	case name == "" || name == num:
		return num
	case num == "":
		return name
	}
	return name + " <" + num + ">"
}

func application(app, data string) string {
	if data == "" {
		return app
	}
	return app + "(" + data + ")"
}

func peer(c *live.Channel) string {
	if c.Peer == "" {
		return ""
	}
	p := c.Peer
	if c.Link == live.LinkDial {
		p = "dialing " + p
	}
	if c.Peers > 1 {
		p += " +" + strconv.Itoa(c.Peers-1)
	}
	return p
}

// duration is 0:07, 12:34 or 1:02:03.
func duration(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	h, m, sec := s/3600, s/60%60, s%60
	var b []byte
	if h > 0 {
		b = strconv.AppendInt(b, h, 10)
		b = append(b, ':')
		b = append(b, byte('0'+m/10), byte('0'+m%10))
	} else {
		b = strconv.AppendInt(b, m, 10)
	}
	b = append(b, ':', byte('0'+sec/10), byte('0'+sec%10))
	return string(b)
}

// filterChannels returns the indexes of the channels whose row text holds
// needle (lower case), or all of them when needle is empty. The text is the
// row's cells but Time, which changes every second.
func filterChannels(chans []live.Channel, needle string) []int {
	idx := make([]int, 0, len(chans))
	for i := range chans {
		c := &chans[i]
		if needle == "" || containsFold(c.Name, needle) || containsFold(channelState(c), needle) ||
			containsFold(callerID(c.CallerIDName, c.CallerIDNum), needle) ||
			containsFold(application(c.Application, c.AppData), needle) || containsFold(peer(c), needle) {
			idx = append(idx, i)
		}
	}
	return idx
}

// containsFold reports whether s holds needle (lower case), ignoring case.
func containsFold(s, needle string) bool {
	if !ascii(s) || !ascii(needle) {
		return strings.Contains(strings.ToLower(s), needle)
	}
	n := len(needle)
	if n == 0 {
		return true
	}
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for j < n {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				break
			}
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

// channelWidths shares w columns between the channel columns: each gets
// what its widest cell (heading included) needs when all fit; otherwise
// State and Time keep theirs and the others share the rest by weight, none
// taking more than it needs.
func channelWidths(rows [][chCols]string, w int) [chCols]int {
	var need [chCols]int
	for i, h := range chHeadings {
		need[i] = width(h)
	}
	for _, r := range rows {
		for i, c := range r {
			need[i] = max(need[i], width(c))
		}
	}
	gaps := chCols - 1
	total := gaps
	for _, n := range need {
		total += n
	}
	if total <= w {
		return need
	}
	var out [chCols]int
	out[1], out[5] = min(need[1], 8), need[5]
	flex := []int{0, 2, 3, 4}
	weight := [chCols]int{0: 5, 2: 3, 3: 3, 4: 4}
	left := max(w-gaps-out[1]-out[5], 0)
	// Give each flexible column its weighted share, capped at its need, and
	// hand what the capped ones leave to the others until nothing changes.
	open := map[int]bool{0: true, 2: true, 3: true, 4: true}
	for len(open) > 0 {
		sum := 0
		for i := range open {
			sum += weight[i]
		}
		capped := false
		for _, i := range flex {
			if open[i] && need[i]*sum <= left*weight[i] {
				out[i] = need[i]
				left -= need[i]
				delete(open, i)
				capped = true
			}
		}
		if capped {
			continue
		}
		given := 0
		var last int
		for _, i := range flex {
			if open[i] {
				out[i] = left * weight[i] / sum
				given += out[i]
				last = i
			}
		}
		out[last] += left - given
		break
	}
	return out
}

// joinCells fits each cell to its width (Time right-aligned; Channel and
// Peer shortened in the middle, where their names differ least) and joins
// them with one space, in w columns.
func joinCells(cells []string, widths []int, w int) string {
	var b strings.Builder
	b.Grow(w + 16)
	for i, c := range cells {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch i {
		case 0, 4:
			b.WriteString(fitMiddle(c, widths[i]))
		case 5:
			b.WriteString(strings.Repeat(" ", max(widths[i]-width(c), 0)))
			b.WriteString(fit(c, min(width(c), widths[i])))
		default:
			b.WriteString(fit(c, widths[i]))
		}
	}
	return fit(b.String(), w)
}

// Queues pane.

// queueRows are the rows of the queues pane and their texts: each queue,
// then its callers waiting, then its members. With a filter, a caller or
// member is kept when its text holds needle, and a queue when it does or
// any of its rows is kept.
func queueRows(queues []live.Queue, now time.Time, needle string) ([]row, []string) {
	var rows []row
	var texts []string
	for qi := range queues {
		q := &queues[qi]
		name := clean(q.Name)
		head := queueText(q)
		var sub []row
		var subTexts []string
		for _, c := range q.Callers {
			t := callerText(&c)
			if needle == "" || containsFold(t, needle) {
				sub = append(sub, row{kind: rowCaller, key: "c\x00" + q.Name + "\x00" + c.Uniqueid, channel: c.Channel, queue: q.Name})
				subTexts = append(subTexts, t)
			}
		}
		for _, m := range q.Members {
			t := memberText(&m)
			if needle == "" || containsFold(t, needle) {
				sub = append(sub, row{kind: rowMember, key: "m\x00" + q.Name + "\x00" + m.Interface, queue: q.Name, iface: m.Interface, paused: m.Paused})
				subTexts = append(subTexts, t)
			}
		}
		if needle != "" && len(sub) == 0 && !containsFold(name, needle) {
			continue
		}
		rows = append(rows, row{kind: rowQueue, key: "q\x00" + q.Name, queue: q.Name})
		texts = append(texts, head)
		rows = append(rows, sub...)
		texts = append(texts, subTexts...)
	}
	return rows, texts
}

func queueText(q *live.Queue) string {
	var b strings.Builder
	b.WriteString(clean(q.Name))
	if q.Strategy != "" {
		b.WriteString("  " + clean(q.Strategy))
	}
	paused := 0
	for _, m := range q.Members {
		if m.Paused {
			paused++
		}
	}
	b.WriteString("  waiting " + strconv.Itoa(len(q.Callers)))
	b.WriteString("  members " + strconv.Itoa(len(q.Members)))
	if paused > 0 {
		b.WriteString(" (" + strconv.Itoa(paused) + " paused)")
	}
	b.WriteString("  completed " + strconv.Itoa(q.Completed))
	b.WriteString("  abandoned " + strconv.Itoa(q.Abandoned))
	if q.HoldTime > 0 {
		b.WriteString("  hold " + duration(q.HoldTime))
	}
	return b.String()
}

func callerText(c *live.Caller) string {
	return "  " + pad("#"+strconv.Itoa(c.Position), 4) + " " + pad(duration(c.Wait), 7) + " " +
		pad(clean(c.Channel), 30) + " " + clean(callerID(c.CallerIDName, c.CallerIDNum))
}

func memberText(m *live.Member) string {
	status := strconv.Itoa(m.Status)
	if s, ok := render.Decode("QueueMemberStatus", "Status", status); ok {
		status = s
	}
	flags := ""
	if m.Paused {
		flags = "paused"
		if m.PausedReason != "" {
			flags += " (" + clean(m.PausedReason) + ")"
		}
	}
	inCall := ""
	if m.InCall {
		inCall = "in call"
	}
	name := clean(m.Name)
	if name == "" || name == m.Interface {
		name = clean(m.Interface)
	} else {
		name += " " + clean(m.Interface)
	}
	return "  " + pad(name, 32) + " " + pad(status, 11) + " " + pad(inCall, 7) + " " + pad(flags, 14) +
		" taken " + strconv.Itoa(m.CallsTaken)
}
