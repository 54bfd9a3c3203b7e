package render

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/amsh/amsh/ami"
)

var jsonStrings = []string{
	"", "plain", `quote " backslash \ slash /`, "tab\tcr\rlf\n", "\x00\x01\x1f\x7f", "\b\f",
	"<html> & </html>", "é ü 김철수 张伟 🎉", "bad \xe9 byte", "\xff\xfe", "trunc \xe2\x82",
	"line\u2028para\u2029", "\ufffd literal",
}

// appendStringJSON must write what encoding/json writes (without its HTML
// escaping) for every kind of input.
func TestAppendStringJSONMatchesEncodingJSON(t *testing.T) {
	all := append([]string(nil), jsonStrings...)
	// Every special byte at every offset of the eight-byte fast path.
	for _, special := range []string{"\"", "\\", "\x00", "\x1f", "\n", "\x7f", " ", "é", "\xe9", "\u2028"} {
		for pos := 0; pos <= 17; pos++ {
			pad := "abcdefghijklmnopqrstuvwxyz"
			all = append(all, pad[:pos]+special+pad[pos:])
		}
	}
	for _, s := range all {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		got := string(appendStringJSON(nil, s)) + "\n"
		if got != want.String() {
			t.Errorf("appendStringJSON(%q) = %s, encoding/json says %s", s, got, want.String())
		}
	}
}

func FuzzAppendStringJSON(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendStringJSON(nil, s)
		if !json.Valid(b) {
			t.Fatalf("invalid JSON for %q: %s", s, b)
		}
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back != validUTF8(s) {
			t.Fatalf("round trip of %q gave %q", s, back)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("valid UTF-8 %q changed to %q", s, back)
		}
	})
}

// Many repeated and distinct headers take the indexed path of grouper.
func TestBigMessageGrouping(t *testing.T) {
	m := &ami.Message{}
	m.Add("Response", "Success")
	for i := 0; i < 200; i++ {
		m.Add("Output", string(rune('a'+i%26)))
		m.Add("Key"+string(rune('A'+i%26))+string(rune('a'+i/26)), "v")
	}
	m.Add("output", "last")
	var buf bytes.Buffer
	if err := New(&buf, Options{Format: JSON}).Message(m); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := roundTrip(t, expectMessage(m, false)).(map[string]any)
	if len(got) != len(want) || len(got["Output"].([]any)) != 201 {
		t.Fatalf("big message: %d keys (want %d), %d Output values", len(got), len(want), len(got["Output"].([]any)))
	}
}

// typicalEvent is a 12-header Newchannel as Asterisk 22 sends it.
func typicalEvent() *ami.Message {
	return &ami.Message{Headers: []ami.Header{
		{Key: "Event", Value: "Newchannel"},
		{Key: "Privilege", Value: "call,all"},
		{Key: "Channel", Value: "PJSIP/101-0000004a"},
		{Key: "ChannelState", Value: "0"},
		{Key: "ChannelStateDesc", Value: "Down"},
		{Key: "CallerIDNum", Value: "101"},
		{Key: "CallerIDName", Value: "Alice \"Ops\""},
		{Key: "Context", Value: "from-internal"},
		{Key: "Exten", Value: "200"},
		{Key: "Priority", Value: "1"},
		{Key: "Uniqueid", Value: "1795328130.145"},
		{Key: "Linkedid", Value: "1795328130.145"},
	}}
}

func TestJSONLineDoesNotAllocate(t *testing.T) {
	r := New(io.Discard, Options{Format: JSON})
	m := typicalEvent()
	allocs := testing.AllocsPerRun(1000, func() {
		if err := r.Message(m); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per JSON line, want 0", allocs)
	}
}

func BenchmarkJSONLine(b *testing.B) {
	r := New(io.Discard, Options{Format: JSON})
	m := typicalEvent()
	var n int
	for _, h := range m.Headers {
		n += len(h.Key) + len(h.Value)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Message(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTextMessage(b *testing.B) {
	r := New(io.Discard, Options{Format: Text, Color: true})
	m := typicalEvent()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Message(m); err != nil {
			b.Fatal(err)
		}
	}
}

// sippeers20k is `amsh sippeers` against 20,000 PJSIP endpoints.
func sippeers20k() *ami.Result {
	res := &ami.Result{
		Action:   ami.NewAction("PJSIPShowEndpoints"),
		Response: &ami.Message{Headers: []ami.Header{{Key: "Response", Value: "Success"}, {Key: "EventList", Value: "start"}, {Key: "Message", Value: "A listing of Endpoints follows, presented as EndpointList events"}}},
	}
	for i := range 20000 {
		name := "ep" + string(rune('a'+i%26)) + "-" + itoa(i)
		res.Events = append(res.Events, &ami.Message{Headers: []ami.Header{
			{Key: "Event", Value: "EndpointList"}, {Key: "ActionID", Value: "amsh-9"},
			{Key: "ObjectType", Value: "endpoint"}, {Key: "ObjectName", Value: name},
			{Key: "Transport", Value: "transport-udp"}, {Key: "Aor", Value: name},
			{Key: "Auths", Value: name + "-auth"}, {Key: "OutboundAuths", Value: ""},
			{Key: "Contacts", Value: name + "/sip:" + name + "@10.0.0.1:5060"},
			{Key: "DeviceState", Value: "Not in use"}, {Key: "ActiveChannels", Value: ""},
		}})
	}
	res.Complete = &ami.Message{Headers: []ami.Header{{Key: "Event", Value: "EndpointListComplete"}, {Key: "EventList", Value: "Complete"}, {Key: "ListItems", Value: "20000"}}}
	return res
}

func itoa(i int) string { return string(appendInt(nil, i)) }

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

func BenchmarkResult20k(b *testing.B) {
	res := sippeers20k()
	for _, f := range []Format{Text, JSON, YAML} {
		b.Run(f.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := New(io.Discard, Options{Format: f, Width: 200}).Result(res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
