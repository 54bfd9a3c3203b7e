package render

import (
	"bytes"
	"testing"

	"github.com/amsh/amsh/ami"
)

// TestSourcedMessage: a merged stream says where each event came from, in
// every format; the second event of a text stream keeps its blank separator
// line unprefixed.
func TestSourcedMessage(t *testing.T) {
	hangup := ami.NewEvent("Hangup", "Privilege", "call,all", "Channel", "PJSIP/1-01", "Cause", "16")
	raw := &ami.Message{Headers: hangup.Headers, Raw: []byte("Event: Hangup\r\nChannel: PJSIP/1-01\r\n\r\n")}
	for _, tc := range []struct {
		format Format
		cols   []string
		want   string
	}{
		{Text, nil, "[pbx1] Event:   Hangup\n[pbx1] Channel: PJSIP/1-01\n[pbx1] Cause:   16 (Normal Clearing)\n" +
			"\n[p\\x1b2] Event:   Hangup\n[p\\x1b2] Channel: PJSIP/1-01\n[p\\x1b2] Cause:   16 (Normal Clearing)\n"},
		{JSON, nil, `{"_profile":"pbx1","Event":"Hangup","Privilege":"call,all","Channel":"PJSIP/1-01","Cause":"16"}` + "\n" +
			`{"_profile":"p\u001b2","Event":"Hangup","Privilege":"call,all","Channel":"PJSIP/1-01","Cause":"16"}` + "\n"},
		{YAML, nil, "---\n_profile: pbx1\nEvent: Hangup\nPrivilege: call,all\nChannel: PJSIP/1-01\nCause: \"16\"\n" +
			"---\n_profile: \"p\\e2\"\nEvent: Hangup\nPrivilege: call,all\nChannel: PJSIP/1-01\nCause: \"16\"\n"},
		{CSV, nil, "_profile,Event,Channel,Cause\npbx1,Hangup,PJSIP/1-01,16\np\x1b2,Hangup,PJSIP/1-01,16\n"},
		{TSV, []string{"Channel", "_profile"}, "Channel\t_profile\nPJSIP/1-01\tpbx1\nPJSIP/1-01\tp\x1b2\n"},
		{Raw, nil, "_profile: pbx1\r\nEvent: Hangup\r\nChannel: PJSIP/1-01\r\n\r\n_profile: p\x1b2\r\nEvent: Hangup\r\nChannel: PJSIP/1-01\r\n\r\n"},
	} {
		var out bytes.Buffer
		r := New(&out, Options{Format: tc.format, Columns: tc.cols})
		m := hangup
		if tc.format == Raw {
			m = raw
		}
		for _, src := range []string{"pbx1", "p\x1b2"} {
			if err := r.SourcedMessage(src, m); err != nil {
				t.Fatal(err)
			}
		}
		if out.String() != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.format, out.String(), tc.want)
		}
		if len(hangup.Headers) != 4 || hangup.Headers[0].Key != "Event" {
			t.Fatalf("%s: the message was changed: %v", tc.format, hangup.Headers)
		}
	}
}
