package render

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/amsh/amsh/ami"
)

// coreShowChannels22 is a CoreShowChannels reply from Asterisk 22 (the
// corpus): its response, six of its CoreShowChannel events (two bridged
// queue legs, a Wait and an Echo Local pair, a named caller) and its
// Complete event, whose ListItems was changed to 6 to match.
func coreShowChannels22(t *testing.T) *ami.Result {
	t.Helper()
	raw, err := os.ReadFile("testdata/coreshowchannels22.raw")
	if err != nil {
		t.Fatal(err)
	}
	return result(ami.NewAction("CoreShowChannels"), string(raw))
}

// cscColumns are the columns of the CoreShowChannel table: every header of
// the events but Event and ActionID.
var cscColumns = []string{"Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum", "CallerIDName",
	"ConnectedLineNum", "ConnectedLineName", "Language", "AccountCode", "Context", "Exten", "Priority",
	"Uniqueid", "Linkedid", "Application", "ApplicationData", "Duration", "BridgeId"}

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// textAt renders res as text on a terminal of width columns.
func textAt(t *testing.T, res *ami.Result, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := New(&buf, opts).Result(res); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// checkLines fails on a line wider than width or ending in a blank.
func checkLines(t *testing.T, out string, width int) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		plain := sgr.ReplaceAllString(l, "")
		if w := displayWidth(plain); width > 0 && w > width {
			t.Errorf("width %d: %d columns in %q", width, w, plain)
		}
		if strings.HasSuffix(plain, " ") {
			t.Errorf("trailing blank in %q", plain)
		}
	}
}

// gridHeader returns the columns of the first grid in out (the line after
// the response block's blank line) and the hidden line, if any.
func gridHeader(t *testing.T, out string) (cols []string, hidden string) {
	t.Helper()
	_, rest, ok := strings.Cut(out, "\n\n")
	if !ok {
		t.Fatalf("no table in\n%s", out)
	}
	lines := strings.Split(rest, "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "(") && strings.Contains(l, "hidden") {
			hidden = l
		}
	}
	return strings.Fields(lines[0]), hidden
}

// hiddenCount reads a hidden line: the names it gives and how many more.
func hiddenCount(line string) (names []string, more int) {
	s, ok := strings.CutPrefix(line, "(hidden: ")
	if !ok { // (N columns hidden...)
		more, _ = strconv.Atoi(strings.Fields(strings.TrimPrefix(line, "("))[0])
		return nil, more
	}
	s, _, _ = strings.Cut(s, ";")
	s = strings.TrimSuffix(s, ")")
	if head, tail, ok := strings.Cut(s, " and "); ok {
		s = head
		more, _ = strconv.Atoi(strings.TrimSuffix(tail, " more"))
	}
	return strings.Split(s, ", "), more
}

func TestCoreShowChannelsAt80IsATable(t *testing.T) {
	res := coreShowChannels22(t)
	for _, colour := range []bool{false, true} {
		out := textAt(t, res, Options{Width: 80, Color: colour})
		checkLines(t, out, 80)
		if strings.Contains(out, "Channel:") {
			t.Errorf("colour=%v: vertical blocks at 80 columns:\n%s", colour, out)
		}
		if colour {
			continue
		}
		golden(t, "coreshowchannels22.text.80", []byte(out))
		cols, hidden := gridHeader(t, out)
		if want := []string{"Channel", "ChannelState", "CallerIDNum", "Application"}; strings.Join(cols, " ") != strings.Join(want, " ") {
			t.Errorf("columns %q, want %q", cols, want)
		}
		names, more := hiddenCount(hidden)
		if len(cols)+len(names)+more != len(cscColumns) {
			t.Errorf("%d shown + %d named + %d more != %d columns: %q", len(cols), len(names), more, len(cscColumns), hidden)
		}
		if names[0] != "Duration" {
			t.Errorf("the most useful hidden column should come first: %q", hidden)
		}
		if n := strings.Count(out, "\n") - strings.Count(out, "\n\n"); n > 12 {
			t.Errorf("%d lines for 6 channels:\n%s", n, out)
		}
	}
}

func TestCoreShowChannelsWidths(t *testing.T) {
	res := coreShowChannels22(t)
	full := textAt(t, res, Options{})
	cols, hidden := gridHeader(t, full)
	if strings.Join(cols, " ") != strings.Join(cscColumns, " ") || hidden != "" {
		t.Fatalf("width 0 (a pipe) is not the whole table: %q %q", cols, hidden)
	}
	fullWidth := 0
	for _, l := range strings.Split(full, "\n") {
		fullWidth = max(fullWidth, displayWidth(l))
	}
	// Header names alone take 208 columns: no terminal of 200 shows them all.
	for _, width := range []int{fullWidth, 300} {
		if out := textAt(t, res, Options{Width: width}); out != full {
			t.Errorf("width %d: not the whole table:\n%s", width, out)
		}
	}
	for width := 47; width < fullWidth; width++ {
		out := textAt(t, res, Options{Width: width})
		checkLines(t, out, width)
		cols, hidden := gridHeader(t, out)
		if len(cols) == 0 || cols[0] != "Channel" || cols[1] != "ChannelState" {
			t.Errorf("width %d: key columns missing: %q", width, cols)
		}
		if hidden == "" && len(cols) < len(cscColumns) {
			t.Errorf("width %d: columns hidden without saying so:\n%s", width, out)
		}
		if hidden != "" {
			names, more := hiddenCount(hidden)
			if len(cols)+len(names)+more != len(cscColumns) {
				t.Errorf("width %d: %d shown + %d named + %d more != %d columns: %q", width, len(cols), len(names), more, len(cscColumns), hidden)
			}
		}
		if strings.Contains(out, "Local/1001@amsh-agents-000001c1;1…") || !strings.Contains(out, "Local/1001@amsh-agents-000001c1;1 ") {
			t.Errorf("width %d: the key column was cut", width)
		}
	}
	// 33 for the longest channel name, 2 and 12 for ChannelState: 47.
	if out := textAt(t, res, Options{Width: 46}); !strings.Contains(out, "\nChannel:           Local/1001@amsh-agents-000001c1;1\n") || strings.Contains(out, "(hidden") {
		t.Errorf("width 46: not vertical blocks:\n%s", out)
	}
	for _, width := range []int{30, 47} {
		out := textAt(t, res, Options{Width: width})
		if vertical := strings.Contains(out, "Channel:"); vertical != (width < 47) {
			t.Errorf("width %d: vertical=%v:\n%s", width, vertical, out)
		}
	}
}

func TestHiddenLineOnlyInText(t *testing.T) {
	res := coreShowChannels22(t)
	for _, f := range []Format{JSON, YAML, Raw} {
		if out := textAt(t, res, Options{Format: f, Width: 80}); strings.Contains(out, "hidden") {
			t.Errorf("%v: %q", f, out)
		}
	}
	// Tables cmd/ builds choose their columns: too wide, they go vertical.
	var buf bytes.Buffer
	if err := New(&buf, Options{Width: 20}).Table("", []string{"Name", "Host"}, [][]string{{"prod", "pbx.example.com.invalid"}}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "Name: prod\nHost: pbx.example.com.invalid\n" {
		t.Errorf("cmd table at 20 columns:\n%s", buf.String())
	}
}

// A long cell is cut to 30 columns before columns are hidden, and gets back
// what room is left.
func TestLongCellsAreCut(t *testing.T) {
	long := "PJSIP/alice&PJSIP/bob&PJSIP/carol,30,tTkK" // 41 columns
	res := result(ami.NewAction("CoreShowChannels"),
		"Response: Success\r\n\r\n"+
			"Event: CoreShowChannel\r\nChannel: PJSIP/alice-00000001\r\nChannelState: 4\r\nCallerIDNum: 1001\r\n"+
			"Application: Dial\r\nDuration: 00:00:07\r\nApplicationData: "+long+"\r\nUniqueid: 1795328130.1\r\n\r\n")
	// PJSIP/alice-00000001  ChannelState  CallerIDNum  Application  Duration
	// is 20+2+12+2+11+2+11+2+8 = 70; ApplicationData cut to 30 makes 102.
	out := textAt(t, res, Options{Width: 102})
	checkLines(t, out, 102)
	if want := long[:29] + "…"; !strings.Contains(out, want+"\n") {
		t.Errorf("cell not cut to %q:\n%s", want, out)
	}
	if !strings.Contains(out, "(hidden: Uniqueid; widen the terminal or use -o json)") {
		t.Errorf("hidden line:\n%s", out)
	}
	out = textAt(t, res, Options{Width: 106})
	if want := long[:33] + "…"; !strings.Contains(out, want+"\n") {
		t.Errorf("room left not given back, want %q:\n%s", want, out)
	}
	// The whole cell and Uniqueid: 70+2+41+2+14.
	if out := textAt(t, res, Options{Width: 129}); strings.Contains(out, "…") || strings.Contains(out, "hidden") {
		t.Errorf("width 129 fits everything:\n%s", out)
	}
}

func TestCutCell(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  string
	}{
		{"short", 30, "short"},
		{"abcdefghij", 5, "abcd…"},
		{"김철수김철수", 6, "김철…"}, // 2+2+1: a third 김 would make 7
		{"김철수김철수", 7, "김철수…"},
		{"a\x1b[31mred", 6, `a\x1b…`}, // cut in the visible form
		{"caf\xe9 au lait", 5, "caf\xe9…"},
	} {
		got := cutCell(tc.in, tc.width)
		if got != tc.want {
			t.Errorf("cutCell(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
		if w := displayWidth(got); w > tc.width {
			t.Errorf("cutCell(%q, %d) is %d columns", tc.in, tc.width, w)
		}
		if string(appendVisible(nil, got)) != got && got != tc.in {
			t.Errorf("cutCell(%q) changes again when made visible", tc.in)
		}
	}
}

func TestHiddenLine(t *testing.T) {
	names := []string{"Linkedid", "AccountCode", "Language"}
	for _, tc := range []struct {
		width int
		want  string
	}{
		{76, "(hidden: Linkedid, AccountCode, Language; widen the terminal or use -o json)"},
		{75, "(hidden: Linkedid, AccountCode, Language; -o json shows all)"},
		{60, "(hidden: Linkedid, AccountCode, Language; -o json shows all)"},
		{59, "(hidden: Linkedid and 2 more; -o json shows all)"},
		{48, "(hidden: Linkedid and 2 more; -o json shows all)"},
		{47, "(3 columns hidden; -o json shows all)"},
		{37, "(3 columns hidden; -o json shows all)"},
		{36, "(3 columns hidden)"},
		{10, "(3 columns hidden)"},
	} {
		if got := hiddenLine(names, tc.width); got != tc.want {
			t.Errorf("width %d: %q, want %q", tc.width, got, tc.want)
		}
	}
	if got := hiddenLine([]string{"Uniqueid"}, 20); got != "(1 column hidden)" {
		t.Errorf("one column: %q", got)
	}
}

// Lists without a listOrder: the first column stays, columns empty in every
// row go first, then id-like ones, then the others from the right.
func TestGenericRanking(t *testing.T) {
	tb := &table{
		event: "SomeListItem",
		cols:  []string{"Name", "Uniqueid", "Note", "State", "Context", "CallerID", "Spare"},
		rows:  [][]string{{"a", "1.1", "x", "up", "c", "n", ""}, {"b", "", "", "down"}},
	}
	rank, keys := rankColumns(tb)
	var got []string
	for _, i := range rank {
		got = append(got, tb.cols[i])
	}
	if want := "Name Note State CallerID Uniqueid Context Spare"; strings.Join(got, " ") != want || keys != 1 {
		t.Errorf("rank %q keys %d, want %q keys 1", got, keys, want)
	}
	// Named lists match case-insensitively and skip what is missing.
	tb = &table{event: "queuemember", cols: []string{"queue", "Location", "Status", "Name", "Paused", "Custom"},
		rows: [][]string{{"q", "PJSIP/1", "1", "A", "0", "z"}}}
	rank, keys = rankColumns(tb)
	got = got[:0]
	for _, i := range rank {
		got = append(got, tb.cols[i])
	}
	if want := "queue Name Status Paused Location Custom"; strings.Join(got, " ") != want || keys != 3 {
		t.Errorf("rank %q keys %d, want %q keys 3", got, keys, want)
	}
}
