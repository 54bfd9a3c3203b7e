package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/amsh/amsh/ami"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// A renderCase is one input; results go through Result, streams through
// Message, one Renderer for the whole case.
type renderCase struct {
	name   string
	result *ami.Result
	stream []*ami.Message
}

func cases() []renderCase {
	return []renderCase{
		{name: "command14", result: command14()},
		{name: "command_legacy", result: commandLegacy()},
		{name: "coreshowchannels", result: coreShowChannels()},
		{name: "queuestatus", result: queueStatus()},
		{name: "error", result: errorResponse()},
		{name: "originateresponse", stream: originateResponse()},
		{name: "variables", stream: variables()},
		{name: "stream", stream: stream()},
		// decode of a capture holding Command replies in both formats
		{name: "command_stream", stream: []*ami.Message{commandLegacy().Response, command14().Response}},
	}
}

func (c renderCase) render(t *testing.T, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	r := New(&buf, opts)
	if c.result != nil {
		if err := r.Result(c.result); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range c.stream {
		if err := r.Message(m); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./render -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func TestGolden(t *testing.T) {
	variants := []struct {
		suffix string
		opts   Options
	}{
		{"text", Options{Format: Text}},
		{"text.color", Options{Format: Text, Color: true}},
		{"text.narrow", Options{Format: Text, Width: 60}},
		{"json", Options{Format: JSON}},
		{"yaml", Options{Format: YAML}},
		{"raw", Options{Format: Raw}},
		// Colour is a text-only decision; json must ignore it.
		{"json", Options{Format: JSON, Color: true}},
	}
	for _, c := range cases() {
		for _, v := range variants {
			t.Run(c.name+"."+v.suffix, func(t *testing.T) {
				golden(t, c.name+"."+v.suffix, c.render(t, v.opts))
			})
		}
	}
}

func TestRawIsWhatWasReceived(t *testing.T) {
	for _, c := range cases() {
		var want []byte
		if c.result != nil {
			for _, m := range append(append([]*ami.Message{c.result.Response}, c.result.Events...), c.result.Complete) {
				if m != nil {
					want = append(want, m.Raw...)
				}
			}
		}
		for _, m := range c.stream {
			want = append(want, m.Raw...)
		}
		if got := c.render(t, Options{Format: Raw}); !bytes.Equal(got, want) {
			t.Errorf("%s: raw output is not the bytes received:\n%q\nwant\n%q", c.name, got, want)
		}
	}
	// Without Raw (Reader not asked to keep it) the message is re-encoded.
	m := &ami.Message{Headers: []ami.Header{{Key: "Event", Value: "Ping"}}}
	var buf bytes.Buffer
	if err := New(&buf, Options{Format: Raw}).Message(m); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "Event: Ping\r\n\r\n" {
		t.Errorf("raw without Raw = %q", buf.String())
	}
}

// expectMessage is an independent statement of the JSON object contract:
// names as received, repeats as arrays, legacy body as "output".
func expectMessage(m *ami.Message, skipOutput bool) map[string]any {
	obj := map[string]any{}
	var order []string
	first := map[string]string{}
	for _, h := range m.Headers {
		if skipOutput && strings.EqualFold(h.Key, "Output") {
			continue
		}
		k, seen := first[asciiLower(h.Key)]
		if !seen {
			k = h.Key
			first[asciiLower(h.Key)] = k
			order = append(order, k)
		}
		obj[k] = append(asSlice(obj[k]), validUTF8(h.Value))
	}
	for _, k := range order {
		if vs := obj[k].([]any); len(vs) == 1 {
			obj[k] = vs[0]
		}
	}
	if m.Legacy {
		lines, _ := m.CommandOutput()
		obj["output"] = stringsAny(lines)
	}
	return obj
}

func asSlice(v any) []any {
	if v == nil {
		return nil
	}
	return v.([]any)
}

func stringsAny(ss []string) []any {
	out := []any{}
	for _, s := range ss {
		out = append(out, s)
	}
	return out
}

func expectResult(res *ami.Result) map[string]any {
	lines, isCommand := res.Output()
	doc := map[string]any{"response": nil, "events": []any{}}
	if res.Response != nil {
		doc["response"] = expectMessage(res.Response, isCommand)
		delete(doc["response"].(map[string]any), "output")
	}
	if isCommand {
		doc["output"] = stringsAny(lines)
	}
	for _, ev := range res.Events {
		doc["events"] = append(doc["events"].([]any), expectMessage(ev, false))
	}
	if res.Complete != nil {
		doc["complete"] = expectMessage(res.Complete, false)
	}
	return doc
}

// roundTrip normalises an expected value through encoding/json so map and
// slice types match what Unmarshal produces.
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// jsonDocs decodes every JSON value in out, checking each line of a JSON
// Lines stream is valid on its own.
func jsonDocs(t *testing.T, out []byte, lines bool) []any {
	t.Helper()
	if lines {
		var docs []any
		for _, l := range bytes.SplitAfter(out, []byte("\n")) {
			if len(l) == 0 {
				continue
			}
			if l[len(l)-1] != '\n' || bytes.Count(l, []byte("\n")) != 1 || !json.Valid(l) {
				t.Fatalf("not one valid JSON line: %q", l)
			}
			var v any
			if err := json.Unmarshal(l, &v); err != nil {
				t.Fatal(err)
			}
			docs = append(docs, v)
		}
		return docs
	}
	if !json.Valid(out) {
		t.Fatalf("invalid JSON:\n%s", out)
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return []any{v}
}

func yamlDocs(t *testing.T, out []byte) []any {
	t.Helper()
	var docs []any
	dec := yaml.NewDecoder(bytes.NewReader(out))
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("yaml does not parse: %v\n%s", err, out)
		}
		docs = append(docs, v)
	}
}

func TestJSONAndYAMLStructure(t *testing.T) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			var want []any
			if c.result != nil {
				want = append(want, roundTrip(t, expectResult(c.result)))
			}
			for _, m := range c.stream {
				want = append(want, roundTrip(t, expectMessage(m, false)))
			}
			out := c.render(t, Options{Format: JSON})
			if c.result != nil {
				// The hand-written layout is json.Indent's.
				var flat, pretty bytes.Buffer
				if err := json.Compact(&flat, out); err != nil {
					t.Fatal(err)
				}
				if err := json.Indent(&pretty, flat.Bytes(), "", "  "); err != nil {
					t.Fatal(err)
				}
				pretty.WriteByte('\n')
				if !bytes.Equal(out, pretty.Bytes()) {
					t.Errorf("layout differs from json.Indent:\n%s\nwant\n%s", out, pretty.Bytes())
				}
			}
			gotJSON := jsonDocs(t, out, c.result == nil)
			if !reflect.DeepEqual(gotJSON, want) {
				t.Errorf("json round trip:\n got %#v\nwant %#v", gotJSON, want)
			}
			gotYAML := yamlDocs(t, c.render(t, Options{Format: YAML}))
			if !reflect.DeepEqual(gotYAML, gotJSON) {
				t.Errorf("yaml differs from json:\n got %#v\nwant %#v", gotYAML, gotJSON)
			}
		})
	}
}

// Key order is the arrival order, which a map-based check cannot see.
func TestJSONKeyOrder(t *testing.T) {
	ev := queueStatus().Events[1]
	var buf bytes.Buffer
	if err := New(&buf, Options{Format: JSON}).Message(ev); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&buf)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %v %v", tok, err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		if _, err := dec.Token(); err != nil { // its (string) value
			t.Fatal(err)
		}
	}
	var want []string
	for _, h := range ev.Headers {
		want = append(want, h.Key)
	}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %v, want arrival order %v", keys, want)
	}
}

func TestStreamFlushes(t *testing.T) {
	var out bytes.Buffer
	bw := bufio.NewWriterSize(&out, 64<<10)
	r := New(bw, Options{Format: JSON})
	if err := r.Message(originateResponse()[0]); err != nil {
		t.Fatal(err)
	}
	if out.Len() == 0 {
		t.Fatal("a stream message sat in the bufio.Writer: Message must flush")
	}

	out.Reset()
	r = New(bw, Options{Format: JSON, DeferFlush: true})
	if err := r.Message(originateResponse()[0]); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Fatal("DeferFlush flushed anyway")
	}
	if err := r.Flush(); err != nil || out.Len() == 0 {
		t.Fatalf("Flush: err %v, %d bytes", err, out.Len())
	}
}

// countingWriter counts Write calls: a message must be one write, so
// concurrent printers (the REPL) never interleave half lines.
type countingWriter struct {
	io.Writer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Writer.Write(p)
}

func TestOneWritePerMessage(t *testing.T) {
	for _, f := range []Format{Text, JSON, YAML, Raw, CSV, TSV} {
		w := &countingWriter{Writer: io.Discard}
		r := New(w, Options{Format: f, Color: true})
		for _, m := range stream() {
			if err := r.Message(m); err != nil {
				t.Fatal(err)
			}
		}
		if w.writes != len(stream()) {
			t.Errorf("%v: %d writes for %d messages", f, w.writes, len(stream()))
		}
	}
}

func TestNeverColourOutsideText(t *testing.T) {
	for _, f := range []Format{JSON, YAML, Raw} {
		for _, c := range cases() {
			out := c.render(t, Options{Format: f, Color: true})
			// The only ESC allowed is the one inside the variables fixture,
			// escaped in json and yaml and verbatim in raw.
			if f != Raw && bytes.Contains(out, []byte("\x1b")) {
				t.Errorf("%v %s: raw ESC in output", f, c.name)
			}
			if bytes.Contains(out, []byte("\x1b[0m")) {
				t.Errorf("%v %s: colour in output", f, c.name)
			}
		}
	}
}

func TestTextEscapesControls(t *testing.T) {
	out := string(renderCase{stream: variables()}.render(t, Options{Format: Text}))
	if strings.Contains(out, "\x1b") || !strings.Contains(out, `\x1b[31mred`) {
		t.Errorf("terminal escape not made visible:\n%q", out)
	}
}

func TestTableFitsOrGoesVertical(t *testing.T) {
	cols := []string{"Name", "Host", "Port"}
	rows := [][]string{{"lab", "127.0.0.1", "5038"}, {"prod", "pbx.example.com", "5039"}}
	// "prod  pbx.example.com  5039" is 4+2+15+2+4 = 27 columns.
	for _, tc := range []struct {
		width    int
		vertical bool
	}{{0, false}, {27, false}, {26, true}, {200, false}} {
		var buf bytes.Buffer
		if err := New(&buf, Options{Width: tc.width}).Table("", cols, rows); err != nil {
			t.Fatal(err)
		}
		vertical := strings.Contains(buf.String(), "Name: lab")
		if vertical != tc.vertical {
			t.Errorf("width %d: vertical=%v, want %v:\n%s", tc.width, vertical, tc.vertical, buf.String())
		}
		for _, l := range strings.Split(buf.String(), "\n") {
			if tc.width > 0 && displayWidth(l) > tc.width {
				t.Errorf("width %d: line %q is wider", tc.width, l)
			}
			if strings.HasSuffix(l, " ") {
				t.Errorf("trailing blank in %q", l)
			}
		}
	}
}

func TestTableAndFieldsGolden(t *testing.T) {
	cols := []string{"Name", "Host", "Port", "Note"}
	rows := [][]string{
		{"lab", "127.0.0.1", "5038", ""},
		{"prod", "pbx.example.com", "5039", "TLS"},
		{"서울", "10.0.0.7", "5038", "wide"},
	}
	kv := [][2]string{{"Profile", "lab"}, {"Host", "127.0.0.1:5038"}, {"Secret", "********"}, {"Cause", "17"}}
	for _, v := range []struct {
		suffix string
		opts   Options
	}{
		{"text", Options{}},
		{"text.color", Options{Color: true}},
		{"text.narrow", Options{Width: 20}},
		{"json", Options{Format: JSON}},
		{"yaml", Options{Format: YAML}},
	} {
		var buf bytes.Buffer
		r := New(&buf, v.opts)
		if err := r.Table("Profiles", cols, rows); err != nil {
			t.Fatal(err)
		}
		if err := r.Fields(kv); err != nil {
			t.Fatal(err)
		}
		golden(t, "table_fields."+v.suffix, buf.Bytes())
		if v.opts.Format == YAML {
			docs := yamlDocs(t, buf.Bytes())
			if len(docs) != 2 {
				t.Errorf("yaml: %d documents, want 2", len(docs))
			}
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "JSON": JSON, "yaml": YAML, "yml": YAML, " raw ": Raw} {
		got, err := ParseFormat(in)
		if err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", in, got, err, want)
		}
		if got.String() != strings.ToLower(strings.TrimSpace(in)) && in != "yml" {
			t.Errorf("%v.String() = %q", got, got.String())
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "text, json, yaml, raw, csv or tsv") {
		t.Errorf("ParseFormat(xml) error = %v", err)
	}
}

func TestNilInputs(t *testing.T) {
	for _, f := range []Format{Text, JSON, YAML, Raw, CSV, TSV} {
		var buf bytes.Buffer
		r := New(&buf, Options{Format: f})
		if err := r.Result(nil); err != nil {
			t.Errorf("%v: Result(nil): %v", f, err)
		}
		if err := r.Message(nil); err != nil {
			t.Errorf("%v: Message(nil): %v", f, err)
		}
		if f == JSON && !json.Valid(buf.Bytes()) {
			t.Errorf("json for a nil result is invalid: %s", buf.Bytes())
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorsReturned(t *testing.T) {
	for _, f := range []Format{Text, JSON, YAML, Raw, CSV, TSV} {
		r := New(failingWriter{}, Options{Format: f})
		if err := r.Result(coreShowChannels()); err == nil {
			t.Errorf("%v: Result hid a write error", f)
		}
		if err := r.Message(originateResponse()[0]); err == nil {
			t.Errorf("%v: Message hid a write error", f)
		}
	}
}

// Values with line breaks take YAML's block styles, which must survive the
// piecewise indenting of yamlResult.
func TestYAMLMultilineValues(t *testing.T) {
	res := &ami.Result{
		Response: &ami.Message{Headers: []ami.Header{{Key: "Response", Value: "Error"}, {Key: "Message", Value: "No endpoints found\n"}}},
		Events: []*ami.Message{{Headers: []ami.Header{
			{Key: "Event", Value: "X"},
			{Key: "A", Value: "line1\nline2"},
			{Key: "B", Value: "  lead\n  indented\n"},
			{Key: "C", Value: "trailing \nspace "},
			{Key: "D", Value: "- looks: like yaml\n# comment"},
			{Key: "D", Value: "\n"},
		}}},
		Complete: &ami.Message{Headers: []ami.Header{{Key: "Event", Value: "XComplete"}, {Key: "Note", Value: "a\n\nb"}}},
	}
	c := renderCase{result: res}
	j := jsonDocs(t, c.render(t, Options{Format: JSON}), false)
	y := yamlDocs(t, c.render(t, Options{Format: YAML}))
	if !reflect.DeepEqual(j, y) {
		t.Errorf("yaml differs from json:\n%s\n got %#v\nwant %#v", c.render(t, Options{Format: YAML}), y, j)
	}
}

func TestEventTableKeepsResponse(t *testing.T) {
	ms := originateResponse()
	res := &ami.Result{Response: &ami.Message{Headers: []ami.Header{{Key: "Response", Value: "Success"}}}, Events: ms}
	out := string(renderCase{result: res}.render(t, Options{}))
	if !strings.Contains(out, "Response") || !strings.Contains(out, "Failure") || !strings.Contains(out, "5 (Busy)") {
		t.Errorf("OriginateResponse table lost Response or the decoded Reason:\n%s", out)
	}
	if strings.Contains(out, "Privilege") || strings.Contains(out, "ActionID") || strings.Contains(out, "OriginateResponse") {
		t.Errorf("noise in a single-name table:\n%s", out)
	}
}

// FuzzMessage builds a message from arbitrary header lines and checks every
// format's promises: JSON valid and equal to YAML, text free of raw control
// characters outside CLI output, raw equal to the wire form.
func FuzzMessage(f *testing.F) {
	f.Add("Event: Hangup\nCause: 16\nVariable: a\nvariable: b")
	f.Add("Response: Success\nOutput: x\nOutput: \x1b[1m\xff")
	f.Add("Event: QueueMember\nStatus: 1\n: empty key\nDuration: 01:02:03\nNote: yes")
	f.Fuzz(func(t *testing.T, s string) {
		m := &ami.Message{}
		for _, line := range strings.Split(s, "\n") {
			k, v, _ := strings.Cut(line, ":")
			if !utf8.ValidString(k) {
				// Two such names would both become "\ufffd" in JSON;
				// AMI header names are ASCII.
				return
			}
			m.Add(k, strings.TrimPrefix(v, " "))
		}
		c := renderCase{stream: []*ami.Message{m}}
		j := jsonDocs(t, c.render(t, Options{Format: JSON}), true)
		if want := roundTrip(t, expectMessage(m, false)); !reflect.DeepEqual(j[0], want) {
			t.Fatalf("json %#v, want %#v", j[0], want)
		}
		if y := yamlDocs(t, c.render(t, Options{Format: YAML})); !reflect.DeepEqual(y, j) {
			t.Fatalf("yaml %#v != json %#v", y, j)
		}
		// CLI output (Output headers) is printed verbatim by design.
		for _, opts := range []Options{{}, {Width: 10}} {
			if m.Has("Output") {
				break
			}
			text := c.render(t, opts)
			for _, ch := range text {
				if ch < 0x20 && ch != '\n' || ch == 0x7f {
					t.Fatalf("raw control %q in text:\n%q", ch, text)
				}
			}
		}
		res := &ami.Result{Response: &ami.Message{Headers: []ami.Header{{Key: "Response", Value: "Success"}}}, Events: []*ami.Message{m, m}}
		jsonDocs(t, renderCase{result: res}.render(t, Options{Format: JSON}), false)
		yamlDocs(t, renderCase{result: res}.render(t, Options{Format: YAML}))
		if got := c.render(t, Options{Format: Raw}); string(got) != m.String() {
			t.Fatalf("raw %q, want %q", got, m.String())
		}
	})
}

// A table with a Ranking is fitted like an event list: its last ranked
// columns hidden and named, a long cell cut; vertical only when its key
// columns alone do not fit.
func TestRankedTable(t *testing.T) {
	cols := []string{"Name", "Tech", "Status", "Contact"}
	rows := [][]string{{"alice", "PJSIP", "In use", "alice/sip:alice@192.0.2.10:5060;transport=tls"}}
	rank := Ranking{Keys: 2, Names: []string{"Name", "Status", "Contact", "Tech"}}
	for _, tc := range []struct {
		width int
		want  string
	}{
		{0, "Name   Tech   Status  Contact\nalice  PJSIP  In use  alice/sip:alice@192.0.2.10:5060;transport=tls\n"},
		// 5+2+6+2+30 = 45: Contact cut to 30, Tech hidden.
		{45, "Name   Status  Contact\nalice  In use  alice/sip:alice@192.0.2.10:50…\n" +
			"(hidden: Tech; -o json shows all)\n"},
		// Room left over widens Contact back.
		{50, "Name   Status  Contact\nalice  In use  alice/sip:alice@192.0.2.10:5060;tr…\n" +
			"(hidden: Tech; widen the terminal or use -o json)\n"},
		// Name and Status need 5+2+6 = 13 columns.
		{12, "Name:    alice\nTech:    PJSIP\nStatus:  In use\nContact: alice/sip:alice@192.0.2.10:5060;transport=tls\n"},
	} {
		var buf bytes.Buffer
		if err := New(&buf, Options{Width: tc.width}).RankedTable("", rank, cols, rows); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tc.want {
			t.Errorf("width %d:\n got %q\nwant %q", tc.width, buf.String(), tc.want)
		}
	}
}

// A table's title wider than the terminal is broken after commas.
func TestWrapTitle(t *testing.T) {
	title := "support: ringall, 0 calls (max unlimited), holdtime 0s, talktime 0s, completed 0, abandoned 0"
	for _, tc := range []struct {
		width int
		want  []string
	}{
		{0, []string{title}},
		{len(title), []string{title}},
		{40, []string{"support: ringall,", "0 calls (max unlimited), holdtime 0s,", "talktime 0s, completed 0, abandoned 0"}},
		// A part wider than the width stays whole.
		{12, []string{"support: ringall,", "0 calls (max unlimited),", "holdtime 0s,", "talktime 0s,", "completed 0,", "abandoned 0"}},
	} {
		if got := wrapTitle(title, tc.width); !slices.Equal(got, tc.want) {
			t.Errorf("width %d: %q, want %q", tc.width, got, tc.want)
		}
	}
}
