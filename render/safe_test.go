package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/amsh/amsh/ami"
)

func TestTerminalSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"", ""},
		{"tab\there\nnext line\r\nlast", "tab\there\nnext line\r\nlast"},
		// Colour removed, whatever its parameters.
		{"(\x1b[1;32;40mNot in use\x1b[0m)", "(Not in use)"},
		{"\x1b[m\x1b[0m\x1b[38:5:196mred\x1b[39m", "red"},
		// Every other escape sequence made visible.
		{"\x1b[2J\x1b]0;title\x07", `\x1b[2J\x1b]0;title\x07`},
		{"\x1b[1;1H\x1b[K", `\x1b[1;1H\x1b[K`},
		{"\x1b[", `\x1b[`},
		{"\x1b[31", `\x1b[31`},
		{"\x1bc", `\x1bc`},
		// A lone CR, NUL, BEL, backspace, DEL.
		{"over\rwrite", `over\rwrite`},
		{"a\x00b\x07c\x08d\x7fe", `a\x00b\x07c\x08d\x7fe`},
		{"ends in CR\r", `ends in CR\r`},
		// C1 as runes (CSI, NEL, OSC) and as bare bytes.
		{"a\u009b2Jb\u0085c\u009d", `a\u009b2Jb\u0085c\u009d`},
		{"a\x9b2J", `a\x9b2J`},
		// Printable non-ASCII kept, Latin-1 bytes above 0x9f kept.
		{"Zoë 日本 €", "Zoë 日本 €"},
		{"Zo\xeb", "Zo\xeb"},
	} {
		if got := TerminalSafe(tc.in); got != tc.want {
			t.Errorf("TerminalSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// No control character other than tab, LF and CR-before-LF survives,
// whatever the input.
func FuzzTerminalSafe(f *testing.F) {
	for _, s := range []string{"\x1b[0m", "\x1b]0;t\x07", "a\r\nb", "\u009b", "\xc2", "\xc2\x9b", "é\x1b[1;3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := TerminalSafe(s)
		for i, r := range out {
			switch {
			case r == '\t' || r == '\n':
			case r == '\r':
				if !strings.HasPrefix(out[i:], "\r\n") {
					t.Fatalf("lone CR in %q from %q", out, s)
				}
			case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
				t.Fatalf("control %U in %q from %q", r, out, s)
			}
		}
		for i := 0; i < len(out); i++ {
			if c := out[i]; c >= 0x80 && c <= 0x9f && (i == 0 || out[i-1] == 0xc2) {
				t.Fatalf("C1 byte %#x in %q from %q", c, out, s)
			}
		}
	})
}

// Asterisk 13's Queues reply, as the Reader returns it: one header-less
// message, coloured, two queues.
func queues13() *ami.Result {
	lines := []string{
		"support has 0 calls (max unlimited) in 'ringall' strategy (0s holdtime, 0s talktime), W:0, C:0, A:0, SL:0.0% within 0s",
		"   Members: ",
		"      Alice (Local/1001@amsh-agents/n) (ringinuse enabled)\x1b[0m\x1b[0m\x1b[0m\x1b[0m (\x1b[1;32;40mNot in use\x1b[0m) has taken no calls yet",
		"   No Callers",
		"",
		"sales has 0 calls (max unlimited) in 'leastrecent' strategy (0s holdtime, 0s talktime), W:0, C:0, A:0, SL:0.0% within 0s",
		"   No Members",
		"   No Callers",
	}
	m := &ami.Message{}
	for _, l := range lines {
		m.Headers = append(m.Headers, ami.Header{Value: l})
	}
	return &ami.Result{Action: ami.NewAction("Queues"), Response: m}
}

func TestTextQueuesRemovesColour(t *testing.T) {
	for _, colour := range []bool{false, true} {
		var buf bytes.Buffer
		if err := New(&buf, Options{Format: Text, Color: colour}).Result(queues13()); err != nil {
			t.Fatal(err)
		}
		want := "support has 0 calls (max unlimited) in 'ringall' strategy (0s holdtime, 0s talktime), W:0, C:0, A:0, SL:0.0% within 0s\n" +
			"   Members: \n" +
			"      Alice (Local/1001@amsh-agents/n) (ringinuse enabled) (Not in use) has taken no calls yet\n" +
			"   No Callers\n" +
			"\n" +
			"sales has 0 calls (max unlimited) in 'leastrecent' strategy (0s holdtime, 0s talktime), W:0, C:0, A:0, SL:0.0% within 0s\n" +
			"   No Members\n" +
			"   No Callers\n"
		if got := buf.String(); got != want {
			t.Errorf("colour %v:\n got %q\nwant %q", colour, got, want)
		}
	}
}

func TestTextCLIOutputMadeSafe(t *testing.T) {
	legacy := &ami.Result{Action: ami.NewAction("Command"), Response: &ami.Message{
		Headers: []ami.Header{{Key: "Response", Value: "Follows"}, {Key: "Privilege", Value: "Command"}},
		Legacy:  true,
		Body:    "\x1b[1;32mgreen\x1b[0m\tcol\n\x1b[2Jclear\n",
	}}
	new14 := &ami.Result{Action: ami.NewAction("Command"), Response: &ami.Message{Headers: []ami.Header{
		{Key: "Response", Value: "Success"}, {Key: "Message", Value: "Command output follows"},
		{Key: "Output", Value: "\x1b[1;32mgreen\x1b[0m\tcol"}, {Key: "Output", Value: "\x1b[2Jclear\u009b"},
	}}}
	for _, res := range []*ami.Result{legacy, new14} {
		var buf bytes.Buffer
		if err := New(&buf, Options{Format: Text}).Result(res); err != nil {
			t.Fatal(err)
		}
		if got, want := buf.String(), "green\tcol\n\\x1b[2Jclear"; !strings.HasPrefix(got, want) {
			t.Errorf("got %q, want it to start %q", got, want)
		}
		// The same reply in a stream (decode) is escaped the same way.
		buf.Reset()
		if err := New(&buf, Options{Format: Text}).Message(res.Response); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); !strings.Contains(got, "green\tcol\n\\x1b[2Jclear") || strings.Contains(got, "\x1b") {
			t.Errorf("stream: %q", got)
		}
	}
}

func TestTextValuesEscapeC1(t *testing.T) {
	m := &ami.Message{Headers: []ami.Header{{Key: "Event", Value: "X"}, {Key: "CallerIDName", Value: "a\u009b2Jb\x9bc"}}}
	var buf bytes.Buffer
	if err := New(&buf, Options{Format: Text}).Message(m); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.Contains(got, `a\u009b2Jb\x9bc`) {
		t.Errorf("got %q", got)
	}
}

func TestRawOnTerminalIsEscaped(t *testing.T) {
	m := &ami.Message{Raw: []byte("Response: Error\r\nMessage: \x1b[2J\x1b]0;title\x07\u009b\r\n\r\n")}
	res := &ami.Result{Action: ami.NewAction("Ping"), Response: m}

	var buf bytes.Buffer
	if err := New(&buf, Options{Format: Raw}).Result(res); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), m.Raw) {
		t.Errorf("raw to a pipe changed: %q", buf.Bytes())
	}

	want := "Response: Error\r\nMessage: \\x1b[2J\\x1b]0;title\\x07\\u009b\r\n\r\n"
	buf.Reset()
	r := New(&buf, Options{Format: Raw, Terminal: true})
	if err := r.Result(res); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Errorf("raw result on a terminal:\n got %q\nwant %q", got, want)
	}
	buf.Reset()
	if err := r.Message(m); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Errorf("raw message on a terminal:\n got %q\nwant %q", got, want)
	}
}

func TestJSONEscapesC1(t *testing.T) {
	s := "a\u009b2J\u0085b"
	b := appendStringJSON(nil, s)
	if string(b) != `"a\u009b2J\u0085b"` {
		t.Errorf("got %s", b)
	}
	var back string
	if err := json.Unmarshal(b, &back); err != nil || back != s {
		t.Errorf("round trip: %q, %v", back, err)
	}
}

func TestYAMLHasNoRawControls(t *testing.T) {
	m := &ami.Message{Headers: []ami.Header{{Key: "Event", Value: "X"}, {Key: "V", Value: "\x1b[2J\x1b]0;t\x07 \u009b \u0085"}}}
	var buf bytes.Buffer
	if err := New(&buf, Options{Format: YAML}).Message(m); err != nil {
		t.Fatal(err)
	}
	for _, r := range buf.String() {
		if r != '\n' && (r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f) {
			t.Fatalf("control %U in yaml output %q", r, buf.String())
		}
	}
}

// CLI text with CRLF line ends keeps them; a CR inside a line is escaped.
func TestTextCLIKeepsCRLF(t *testing.T) {
	res := &ami.Result{Action: ami.NewAction("Command"), Response: &ami.Message{
		Headers: []ami.Header{{Key: "Response", Value: "Follows"}, {Key: "Privilege", Value: "Command"}},
		Legacy:  true,
		Body:    "1 active call\r\nover\rwrite\r\n",
	}}
	var buf bytes.Buffer
	if err := New(&buf, Options{Format: Text}).Result(res); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "1 active call\r\nover\\rwrite\r\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
