package ami

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the reader's output")

// splitReaders feed the same bytes in differently cut Read calls: framing
// must not depend on where a Read ends.
var splitReaders = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{"whole", func(r io.Reader) io.Reader { return r }},
	{"onebyte", iotest.OneByteReader},
	{"half", iotest.HalfReader},
	{"dataerr", iotest.DataErrReader},
}

// h is one expected header: key, value.
type h [2]string

type wantMsg struct {
	h      []h
	body   string
	legacy bool
}

// errUnexpected marks a case that must end in io.ErrUnexpectedEOF.
var errUnexpected = io.ErrUnexpectedEOF

func readAll(r *Reader) ([]*Message, error) {
	var ms []*Message
	for {
		m, err := r.ReadMessage()
		if err != nil {
			return ms, err
		}
		ms = append(ms, m)
	}
}

func checkMessages(t *testing.T, got []*Message, want []wantMsg) {
	t.Helper()
	if len(got) != len(want) {
		for i, m := range got {
			t.Logf("got[%d] = %q legacy=%v body=%q", i, m.Headers, m.Legacy, m.Body)
		}
		t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
	for i, w := range want {
		m := got[i]
		var gh []h
		for _, x := range m.Headers {
			gh = append(gh, h{x.Key, x.Value})
		}
		if fmt.Sprintf("%q", gh) != fmt.Sprintf("%q", w.h) {
			t.Errorf("message %d headers:\n got %q\nwant %q", i, gh, w.h)
		}
		if m.Legacy != w.legacy || m.Body != w.body {
			t.Errorf("message %d: legacy=%v body=%q, want legacy=%v body=%q", i, m.Legacy, m.Body, w.legacy, w.body)
		}
	}
}

// checkRawCover checks that the messages' Raw bytes, with the empty lines
// the reader skipped between them, are exactly in.
func checkRawCover(t *testing.T, in string, ms []*Message) {
	t.Helper()
	rest := in
	skipBlank := func() {
		for {
			switch {
			case strings.HasPrefix(rest, "\r\n"):
				rest = rest[2:]
			case strings.HasPrefix(rest, "\n"):
				rest = rest[1:]
			default:
				return
			}
		}
	}
	for i, m := range ms {
		skipBlank()
		if !strings.HasPrefix(rest, string(m.Raw)) || len(m.Raw) == 0 {
			t.Fatalf("message %d: Raw %q is not the next input %q", i, m.Raw, rest[:min(len(rest), len(m.Raw)+10)])
		}
		rest = rest[len(m.Raw):]
	}
	skipBlank()
	if rest != "" {
		t.Fatalf("input left after the last message: %q", rest)
	}
}

func TestReaderFraming(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []wantMsg
		err  error // io.EOF unless set
	}{
		{
			name: "crlf",
			in:   "Response: Success\r\nMessage: Authentication accepted\r\n\r\n",
			want: []wantMsg{{h: []h{{"Response", "Success"}, {"Message", "Authentication accepted"}}}},
		},
		{
			name: "two messages",
			in:   "Event: A\r\nX: 1\r\n\r\nEvent: B\r\nX: 2\r\n\r\n",
			want: []wantMsg{{h: []h{{"Event", "A"}, {"X", "1"}}}, {h: []h{{"Event", "B"}, {"X", "2"}}}},
		},
		{
			name: "bare lf",
			in:   "Event: A\nX: 1\n\nEvent: B\n\n",
			want: []wantMsg{{h: []h{{"Event", "A"}, {"X", "1"}}}, {h: []h{{"Event", "B"}}}},
		},
		{
			name: "crlf lf terminator",
			in:   "Event: A\r\nX: 1\r\n\nEvent: B\r\n\n",
			want: []wantMsg{{h: []h{{"Event", "A"}, {"X", "1"}}}, {h: []h{{"Event", "B"}}}},
		},
		{
			name: "stray empty lines are skipped",
			in:   "\r\n\r\nEvent: A\r\n\r\n\r\n\n\r\nEvent: B\r\n\r\n\r\n\r\n",
			want: []wantMsg{{h: []h{{"Event", "A"}}}, {h: []h{{"Event", "B"}}}},
		},
		{
			name: "QueueRule extra empty line",
			in:   "Response: Success\r\nActionID: q\r\n\r\nRule: a\r\n\r\n\r\nEvent: X\r\n\r\n",
			want: []wantMsg{{h: []h{{"Response", "Success"}, {"ActionID", "q"}}}, {h: []h{{"Rule", "a"}}}, {h: []h{{"Event", "X"}}}},
		},
		{
			name: "no space after colon",
			in:   "Event: RTCPReceived\r\nReportBlock:1\r\nA:\r\n\r\n",
			want: []wantMsg{{h: []h{{"Event", "RTCPReceived"}, {"ReportBlock", "1"}, {"A", ""}}}},
		},
		{
			name: "empty values",
			in:   "Event: CoreShowChannel\r\nAccountCode: \r\nActiveChannels:\r\nApplication: \r\n\r\n",
			want: []wantMsg{{h: []h{{"Event", "CoreShowChannel"}, {"AccountCode", ""}, {"ActiveChannels", ""}, {"Application", ""}}}},
		},
		{
			name: "only one space dropped, trailing blanks kept",
			in:   "Output:    indented  \r\nValue: x \t\r\nTab:\tv\r\n\r\n",
			want: []wantMsg{{h: []h{{"Output", "   indented  "}, {"Value", "x \t"}, {"Tab", "\tv"}}}},
		},
		{
			name: "colon inside the value",
			in:   "Event: X\r\nLocalAddress: IPV4/TCP/127.0.0.1:5038\r\nTime: 12:00:01\r\n\r\n",
			want: []wantMsg{{h: []h{{"Event", "X"}, {"LocalAddress", "IPV4/TCP/127.0.0.1:5038"}, {"Time", "12:00:01"}}}},
		},
		{
			name: "names with digits and parentheses",
			in:   "Event: Status\r\nChanVariable(SIP/foo-0001): a=b\r\nVar1: x\r\nSIP-AuthInsecure: no\r\n\r\n",
			want: []wantMsg{{h: []h{{"Event", "Status"}, {"ChanVariable(SIP/foo-0001)", "a=b"}, {"Var1", "x"}, {"SIP-AuthInsecure", "no"}}}},
		},
		{
			name: "repeated headers keep order and case",
			in:   "Event: X\r\nVariable: a=1\r\nvariable: b=2\r\nVARIABLE: c=3\r\n\r\n",
			want: []wantMsg{{h: []h{{"Event", "X"}, {"Variable", "a=1"}, {"variable", "b=2"}, {"VARIABLE", "c=3"}}}},
		},
		{
			name: "CR inside a value is kept",
			in:   "Response: Success\r\nOutput: foo\r\r\nOutput: a\rb\r\n\r\n",
			want: []wantMsg{{h: []h{{"Response", "Success"}, {"Output", "foo\r"}, {"Output", "a\rb"}}}},
		},
		{
			name: "14+ command output verbatim",
			in: "Response: Success\r\nActionID: 7\r\nMessage: Command output follows\r\n" +
				"Output: Channel              Location\r\nOutput:    PJSIP/ep1 (None)\r\nOutput: \r\nOutput: 1 active call\r\n\r\n",
			want: []wantMsg{{h: []h{{"Response", "Success"}, {"ActionID", "7"}, {"Message", "Command output follows"},
				{"Output", "Channel              Location"}, {"Output", "   PJSIP/ep1 (None)"}, {"Output", ""}, {"Output", "1 active call"}}}},
		},
		{
			name: "legacy command with ActionID",
			in: "Response: Follows\r\nPrivilege: Command\r\nActionID: 5\r\n" +
				"Channel (Context Extension Pri ) State Appl. Data\n0 active channel(s)\n--END COMMAND--\r\n\r\n",
			want: []wantMsg{{h: []h{{"Response", "Follows"}, {"Privilege", "Command"}, {"ActionID", "5"}},
				body: "Channel (Context Extension Pri ) State Appl. Data\n0 active channel(s)\n", legacy: true}},
		},
		{
			name: "legacy command without ActionID",
			in:   "Response: Follows\r\nPrivilege: Command\r\nline one\nline two\n--END COMMAND--\r\n\r\nEvent: After\r\n\r\n",
			want: []wantMsg{
				{h: []h{{"Response", "Follows"}, {"Privilege", "Command"}}, body: "line one\nline two\n", legacy: true},
				{h: []h{{"Event", "After"}}},
			},
		},
		{
			name: "legacy body with empty lines and header look-alikes",
			in: "Response: Follows\r\nPrivilege: Command\r\nActionID: d\r\n" +
				"\n[ Context 'default' created by 'pbx_config' ]\n  's' => 1. Answer()\n\nKey: value\nEvent: Fake\n\r\nmore\r\n\r\nend\n" +
				"--END COMMAND--\r\n\r\n",
			want: []wantMsg{{h: []h{{"Response", "Follows"}, {"Privilege", "Command"}, {"ActionID", "d"}},
				body:   "\n[ Context 'default' created by 'pbx_config' ]\n  's' => 1. Answer()\n\nKey: value\nEvent: Fake\n\r\nmore\r\n\r\nend\n",
				legacy: true}},
		},
		{
			name: "legacy marker glued to the last line",
			in:   "Response: Follows\r\nPrivilege: Command\r\nActionID: g\r\nline\nfoo--END COMMAND--\r\n\r\n",
			want: []wantMsg{{h: []h{{"Response", "Follows"}, {"Privilege", "Command"}, {"ActionID", "g"}}, body: "line\nfoo", legacy: true}},
		},
		{
			name: "legacy marker after a leading space",
			in:   "Response: Follows\r\nPrivilege: Command\r\nout\n --END COMMAND--\r\n\r\n",
			want: []wantMsg{{h: []h{{"Response", "Follows"}, {"Privilege", "Command"}}, body: "out\n ", legacy: true}},
		},
		{
			name: "legacy empty output",
			in:   "Response: Follows\r\nPrivilege: Command\r\nActionID: e\r\n--END COMMAND--\r\n\r\n",
			want: []wantMsg{{h: []h{{"Response", "Follows"}, {"Privilege", "Command"}, {"ActionID", "e"}}, legacy: true}},
		},
		{
			name: "legacy detection ignores case",
			in:   "response: follows\r\nPRIVILEGE: COMMAND\r\nactionid: x\r\nKey: v\n--END COMMAND--\r\n\r\n",
			want: []wantMsg{{h: []h{{"response", "follows"}, {"PRIVILEGE", "COMMAND"}, {"actionid", "x"}}, body: "Key: v\n", legacy: true}},
		},
		{
			name: "legacy with bare LF after the marker",
			in:   "Response: Follows\r\nPrivilege: Command\r\nx\n--END COMMAND--\n\nEvent: Y\n\n",
			want: []wantMsg{
				{h: []h{{"Response", "Follows"}, {"Privilege", "Command"}}, body: "x\n", legacy: true},
				{h: []h{{"Event", "Y"}}},
			},
		},
		{
			name: "Follows without Privilege: Command is not legacy",
			in:   "Response: Follows\r\nActionID: 1\r\n\r\n",
			want: []wantMsg{{h: []h{{"Response", "Follows"}, {"ActionID", "1"}}}},
		},
		{
			name: "event with Privilege: command,all is not legacy",
			in:   "Event: X\r\nPrivilege: command,all\r\nResponse: Follows\r\n\r\n",
			want: []wantMsg{{h: []h{{"Event", "X"}, {"Privilege", "command,all"}, {"Response", "Follows"}}}},
		},
		{
			name: "OriginateResponse",
			in:   "Event: OriginateResponse\r\nPrivilege: call,all\r\nActionID: o1\r\nResponse: Success\r\nReason: 4\r\n\r\n",
			want: []wantMsg{{h: []h{{"Event", "OriginateResponse"}, {"Privilege", "call,all"}, {"ActionID", "o1"}, {"Response", "Success"}, {"Reason", "4"}}}},
		},
		{
			name: "raw Queues text",
			in: "200 has 0 calls (max unlimited) in 'ringall' strategy (0s holdtime), W:0, C:0, A:0, SL:0.0% within 0s\r\n" +
				"   Members: \r\n      Local/2002@from-internal/n (Invalid) has taken no calls yet\r\n   No Callers\r\n\r\n",
			want: []wantMsg{{h: []h{
				{"", "200 has 0 calls (max unlimited) in 'ringall' strategy (0s holdtime), W:0, C:0, A:0, SL:0.0% within 0s"},
				{"", "   Members: "}, {"", "      Local/2002@from-internal/n (Invalid) has taken no calls yet"}, {"", "   No Callers"}}}},
		},
		{
			name: "raw text first line makes the whole message raw",
			in:   "default has 0 calls\r\nMembers:\r\nX: y\r\n\r\nEvent: Z\r\n\r\n",
			want: []wantMsg{
				{h: []h{{"", "default has 0 calls"}, {"", "Members:"}, {"", "X: y"}}},
				{h: []h{{"Event", "Z"}}},
			},
		},
		{
			name: "non-header lines inside a normal message",
			in:   "Event: UserEvent\r\nData: first\r\nsecond line\r\n:leading colon\r\nname with space: v\r\n\r\n",
			want: []wantMsg{{h: []h{{"Event", "UserEvent"}, {"Data", "first"}, {"", "second line"}, {"", ":leading colon"}, {"", "name with space: v"}}}},
		},
		{
			name: "LF inside an error message value",
			in:   "Response: Error\r\nActionID: p\r\nMessage: No endpoints found\n\r\n\r\nEvent: Next\r\n\r\n",
			want: []wantMsg{{h: []h{{"Response", "Error"}, {"ActionID", "p"}, {"Message", "No endpoints found"}}}, {h: []h{{"Event", "Next"}}}},
		},
		{
			name: "empty input",
			in:   "",
		},
		{
			name: "only empty lines",
			in:   "\r\n\n\r\n",
		},
		{
			name: "EOF after headers",
			in:   "Event: A\r\n\r\nEvent: B\r\nX: 1\r\n",
			want: []wantMsg{{h: []h{{"Event", "A"}}}},
			err:  errUnexpected,
		},
		{
			name: "EOF inside a line",
			in:   "Event: A\r\nX: 1",
			err:  errUnexpected,
		},
		{
			name: "EOF after a lone CR",
			in:   "Event: A\r\n\r\n\r",
			want: []wantMsg{{h: []h{{"Event", "A"}}}},
			err:  errUnexpected,
		},
		{
			name: "EOF inside a legacy body",
			in:   "Response: Follows\r\nPrivilege: Command\r\nsome output\n\r\n\r\n",
			err:  errUnexpected,
		},
		{
			name: "EOF after the legacy marker",
			in:   "Response: Follows\r\nPrivilege: Command\r\nx\n--END COMMAND--\r\n",
			err:  errUnexpected,
		},
	}
	for _, tc := range tests {
		for _, sr := range splitReaders {
			t.Run(tc.name+"/"+sr.name, func(t *testing.T) {
				r := NewReader(sr.wrap(strings.NewReader(tc.in)), ReaderOptions{KeepRaw: true})
				got, err := readAll(r)
				checkMessages(t, got, tc.want)
				want := tc.err
				if want == nil {
					want = io.EOF
				}
				if want == io.EOF && err != io.EOF {
					t.Fatalf("error = %v, want exactly io.EOF", err)
				}
				if !errors.Is(err, want) {
					t.Fatalf("error = %v, want %v", err, want)
				}
				if _, again := r.ReadMessage(); again == nil || again.Error() != err.Error() {
					t.Errorf("second call after %v returned %v", err, again)
				}
				if want == io.EOF {
					checkRawCover(t, tc.in, got)
				}
			})
		}
	}
}

func TestReaderMessageAccessors(t *testing.T) {
	in := "Event: OriginateResponse\r\nActionID: o1\r\nResponse: Failure\r\n\r\n" +
		"Response: Follows\r\nPrivilege: Command\r\nActionID: c\r\na\n\nb\n--END COMMAND--\r\n\r\n" +
		"Response: Success\r\nOutput:  x\r\nOutput: \r\n\r\n"
	ms, err := readAll(NewReader(strings.NewReader(in), ReaderOptions{}))
	if err != io.EOF || len(ms) != 3 {
		t.Fatalf("got %d messages, %v", len(ms), err)
	}
	if !ms[0].IsEvent() || ms[0].IsResponse() || ms[0].Response() != "Failure" {
		t.Errorf("OriginateResponse: IsEvent=%v IsResponse=%v", ms[0].IsEvent(), ms[0].IsResponse())
	}
	if lines, ok := ms[1].CommandOutput(); !ok || fmt.Sprintf("%q", lines) != `["a" "" "b"]` {
		t.Errorf("legacy CommandOutput = %q, %v", lines, ok)
	}
	if lines, ok := ms[2].CommandOutput(); !ok || fmt.Sprintf("%q", lines) != `[" x" ""]` {
		t.Errorf("14+ CommandOutput = %q, %v", lines, ok)
	}
}

func TestReaderBanner(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		banner string
		next   string // Response value of the message after the banner
		err    string // substring of the error, or "EOF"/"unexpected"
	}{
		{name: "1.4", in: "Asterisk Call Manager/1.0\r\nResponse: Success\r\n\r\n", banner: "Asterisk Call Manager/1.0", next: "Success"},
		{name: "22", in: "Asterisk Call Manager/11.0.0\r\nResponse: Error\r\n\r\n", banner: "Asterisk Call Manager/11.0.0", next: "Error"},
		{name: "bare LF", in: "Asterisk Call Manager/2.8.0\nResponse: Goodbye\n\n", banner: "Asterisk Call Manager/2.8.0", next: "Goodbye"},
		{name: "proxy", in: "Asterisk Call Manager Proxy/1.0\r\n", banner: "Asterisk Call Manager Proxy/1.0"},
		{name: "http server", in: "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", err: `ami: not an AMI banner: "HTTP/1.1 400 Bad Request"`},
		{name: "ssh server", in: "SSH-2.0-OpenSSH_9.6\r\n", err: `not an AMI banner: "SSH-2.0-OpenSSH_9.6"`},
		{name: "long garbage", in: strings.Repeat("x", 100) + "\n", err: `not an AMI banner: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"...`},
		{name: "no newline ever", in: strings.Repeat("y", 70000), err: "banner line too long"},
		{name: "closed before banner", in: "", err: "EOF"},
		{name: "closed inside banner", in: "Asterisk Call Man", err: "unexpected"},
	}
	for _, tc := range tests {
		for _, sr := range splitReaders {
			t.Run(tc.name+"/"+sr.name, func(t *testing.T) {
				r := NewReader(sr.wrap(strings.NewReader(tc.in)), ReaderOptions{})
				b, err := r.ReadBanner()
				switch tc.err {
				case "":
					if err != nil || b != tc.banner {
						t.Fatalf("ReadBanner = %q, %v; want %q", b, err, tc.banner)
					}
				case "EOF":
					if err != io.EOF {
						t.Fatalf("err = %v, want io.EOF", err)
					}
					return
				case "unexpected":
					if !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
					}
					return
				default:
					var pe *ProtocolError
					if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.err) {
						t.Fatalf("err = %v, want a *ProtocolError containing %q", err, tc.err)
					}
					return
				}
				m, err := r.ReadMessage()
				if tc.next == "" {
					if err != io.EOF {
						t.Fatalf("after banner: %v, %v; want io.EOF", m, err)
					}
					return
				}
				if err != nil || m.Response() != tc.next {
					t.Fatalf("after banner: %v, %v; want Response %q", m, err, tc.next)
				}
			})
		}
	}
}

// lazyStream produces prefix, then n copies of fill, then suffix, without
// ever holding more than one Read's worth of it.
type lazyStream struct {
	prefix string
	fill   []byte // repeated
	n      int64  // bytes of fill
	suffix string
	read   int64 // bytes handed out so far
}

func (l *lazyStream) Read(p []byte) (int, error) {
	total := int64(len(l.prefix)) + l.n + int64(len(l.suffix))
	if l.read >= total {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && l.read < total {
		switch i := l.read; {
		case i < int64(len(l.prefix)):
			c := copy(p[n:], l.prefix[i:])
			n += c
			l.read += int64(c)
		case i < int64(len(l.prefix))+l.n:
			off := (i - int64(len(l.prefix))) % int64(len(l.fill))
			lim := min(int64(len(p)-n), int64(len(l.prefix))+l.n-i, int64(len(l.fill))-off)
			c := copy(p[n:n+int(lim)], l.fill[off:])
			n += c
			l.read += int64(c)
		default:
			c := copy(p[n:], l.suffix[i-int64(len(l.prefix))-l.n:])
			n += c
			l.read += int64(c)
		}
	}
	return n, nil
}

// allocatedDuring returns how many bytes of heap f allocated in total.
func allocatedDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestReaderLineTooLongBoundedMemory(t *testing.T) {
	src := &lazyStream{prefix: "Event: Foo\r\nX: ", fill: bytes.Repeat([]byte("X"), 4096), n: 1 << 30, suffix: "\r\n\r\n"}
	var err error
	alloc := allocatedDuring(func() {
		_, err = NewReader(src, ReaderOptions{}).ReadMessage()
	})
	var pe *ProtocolError
	if !errors.As(err, &pe) || !strings.HasPrefix(pe.Reason, "line too long") {
		t.Fatalf("err = %v, want a *ProtocolError for a line too long", err)
	}
	const bound = 64 << 20
	if alloc > bound {
		t.Errorf("reading a 1 GiB line allocated %d bytes, want under %d", alloc, bound)
	}
	if src.read > 1<<20 {
		t.Errorf("reader consumed %d bytes of the line before giving up", src.read)
	}
	want := `ami: line too long (over 65536 bytes): "Event: Foo\r\nX: ` + strings.Repeat("X", 64-15) + `"...`
	if err.Error() != want {
		t.Errorf("error text:\n got %s\nwant %s", err, want)
	}
}

func TestReaderMessageTooLargeBoundedMemory(t *testing.T) {
	line := "Output: " + strings.Repeat("y", 190) + "\r\n"
	src := &lazyStream{prefix: "Response: Success\r\n", fill: []byte(line), n: int64(len(line)) * (DefaultMaxMessage/int64(len(line)) + 100), suffix: "\r\n"}
	var err error
	alloc := allocatedDuring(func() {
		_, err = NewReader(src, ReaderOptions{}).ReadMessage()
	})
	var pe *ProtocolError
	if !errors.As(err, &pe) || !strings.HasPrefix(pe.Reason, "message too large") {
		t.Fatalf("err = %v, want a *ProtocolError for a message too large", err)
	}
	if alloc > 64<<20 {
		t.Errorf("reading a %d-byte message allocated %d bytes, want under 64 MiB", src.n, alloc)
	}
}

func TestReaderCaps(t *testing.T) {
	tests := []struct {
		name   string
		opts   ReaderOptions
		in     string
		reason string // "" when the input must be read whole
	}{
		{name: "line at MaxLine", opts: ReaderOptions{MaxLine: 16}, in: "Event: 1234567\r\n\r\n"},
		{name: "line over MaxLine", opts: ReaderOptions{MaxLine: 16}, in: "Event: 12345678\r\n\r\n", reason: "line too long (over 16 bytes)"},
		{name: "LF line at MaxLine", opts: ReaderOptions{MaxLine: 16}, in: "Event: 12345678\n\n"},
		{name: "unterminated line over MaxLine", opts: ReaderOptions{MaxLine: 16}, in: "Event: 123456789", reason: "line too long (over 16 bytes)"},
		{name: "legacy body line over MaxLine", opts: ReaderOptions{MaxLine: 20}, in: "Response: Follows\r\nPrivilege: Command\r\n" + strings.Repeat("z", 30) + "\n--END COMMAND--\r\n\r\n", reason: "line too long"},
		{name: "message at MaxMessage", opts: ReaderOptions{MaxMessage: 22}, in: "Event: A\r\nX: 12345\r\n\r\n"},
		{name: "message over MaxMessage", opts: ReaderOptions{MaxMessage: 22}, in: "Event: A\r\nX: 123456\r\n\r\n", reason: "message too large (over 22 bytes)"},
		{name: "skipped empty lines do not count", opts: ReaderOptions{MaxMessage: 22}, in: "\r\n\r\n\r\n\r\nEvent: A\r\nX: 12345\r\n\r\n"},
		{name: "message cap crossed before the line cap", opts: ReaderOptions{MaxLine: 30, MaxMessage: 35}, in: "Event: A\r\nX: " + strings.Repeat("y", 40) + "\r\n\r\n", reason: "message too large (over 35 bytes)"},
		{name: "line cap crossed before the message cap", opts: ReaderOptions{MaxLine: 20, MaxMessage: 100}, in: "Event: A\r\nX: " + strings.Repeat("y", 200) + "\r\n\r\n", reason: "line too long (over 20 bytes)"},
		{name: "headers at MaxHeaders", opts: ReaderOptions{MaxHeaders: 3}, in: "A: 1\r\nB: 2\r\nC: 3\r\n\r\n"},
		{name: "headers over MaxHeaders", opts: ReaderOptions{MaxHeaders: 3}, in: "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", reason: "too many header lines (over 3)"},
		{name: "legacy body lines are not headers", opts: ReaderOptions{MaxHeaders: 3}, in: "Response: Follows\r\nPrivilege: Command\r\na\nb\nc\nd\n--END COMMAND--\r\n\r\n"},
	}
	for _, tc := range tests {
		for _, sr := range splitReaders {
			t.Run(tc.name+"/"+sr.name, func(t *testing.T) {
				r := NewReader(sr.wrap(strings.NewReader(tc.in)), tc.opts)
				ms, err := readAll(r)
				if tc.reason == "" {
					if err != io.EOF || len(ms) != 1 {
						t.Fatalf("got %d messages and %v, want 1 message and io.EOF", len(ms), err)
					}
					return
				}
				var pe *ProtocolError
				if !errors.As(err, &pe) || !strings.HasPrefix(pe.Reason, tc.reason) {
					t.Fatalf("err = %v, want a *ProtocolError %q", err, tc.reason)
				}
				if _, again := r.ReadMessage(); again != err {
					t.Errorf("the error is not sticky: then %v", again)
				}
			})
		}
	}
}

func TestProtocolErrorText(t *testing.T) {
	tests := []struct {
		err  *ProtocolError
		want string
	}{
		{newProtocolError("line too long (over 16 bytes)", []byte("Event: Foo\r\n")), `ami: line too long (over 16 bytes): "Event: Foo\r\n"`},
		{newProtocolError("x", bytes.Repeat([]byte{0xff}, 100)), `ami: x: "` + strings.Repeat(`\xff`, 64) + `"...`},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %s, want %s", got, tc.want)
		}
	}
}

// flakyReader returns a timeout error once, at a chosen offset.
type flakyReader struct {
	data   []byte
	failAt int
	failed bool
}

type timeoutErr struct{}

func (timeoutErr) Error() string { return "i/o timeout" }
func (timeoutErr) Timeout() bool { return true }

func (f *flakyReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, io.EOF
	}
	if !f.failed && f.failAt == 0 {
		f.failed = true
		return 0, timeoutErr{}
	}
	n := len(p)
	if !f.failed {
		n = min(n, f.failAt)
	}
	n = copy(p, f.data[:min(n, len(f.data))])
	f.data = f.data[n:]
	f.failAt -= n
	return n, nil
}

func TestReaderResumesAfterReadError(t *testing.T) {
	in := "Event: A\r\nX: 1\r\n\r\nResponse: Follows\r\nPrivilege: Command\r\nline\n--END COMMAND--\r\n\r\nEvent: B\r\n\r\n"
	for at := 0; at < len(in); at++ {
		r := NewReader(&flakyReader{data: []byte(in), failAt: at}, ReaderOptions{KeepRaw: true})
		var ms []*Message
		timeouts := 0
		for {
			m, err := r.ReadMessage()
			if err == io.EOF {
				break
			}
			if err != nil {
				if _, ok := err.(timeoutErr); !ok {
					t.Fatalf("cut at %d: %v", at, err)
				}
				timeouts++
				continue
			}
			ms = append(ms, m)
		}
		if timeouts != 1 || len(ms) != 3 || ms[1].Body != "line\n" || ms[2].Event() != "B" {
			t.Fatalf("cut at %d: %d timeouts, %d messages", at, timeouts, len(ms))
		}
		checkRawCover(t, in, ms)
	}
}

func TestReaderRawIsACopy(t *testing.T) {
	r := NewReader(strings.NewReader("Event: A\r\n\r\n"), ReaderOptions{KeepRaw: true})
	m, err := r.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	m.Raw[0] = 'X'
	if m.Headers[0].Key != "Event" {
		t.Fatalf("writing to Raw changed a header: %q", m.Headers[0].Key)
	}
}

// TestReaderGolden reads the transcripts in testdata/*.raw (taken from the
// seed documents, plus an Asterisk 22 Command reply) and compares what
// came out with testdata/*.golden. Run with -update to rewrite them.
func TestReaderGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.raw")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.raw: %v", err)
	}
	for _, file := range files {
		in, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, sr := range splitReaders {
			t.Run(filepath.Base(file)+"/"+sr.name, func(t *testing.T) {
				got := dumpStream(bytes.HasPrefix(in, []byte("Asterisk Call Manager")), sr.wrap(bytes.NewReader(in)))
				golden := strings.TrimSuffix(file, ".raw") + ".golden"
				if *update && sr.name == "whole" {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -run TestReaderGolden -update)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from %s:\n%s", file, golden, got)
				}
			})
		}
	}
}

// dumpStream renders every message of a stream as text, one header a line.
// withBanner says whether the stream starts with the banner line.
func dumpStream(withBanner bool, src io.Reader) string {
	var b strings.Builder
	r := NewReader(src, ReaderOptions{})
	if withBanner {
		bn, err := r.ReadBanner()
		fmt.Fprintf(&b, "banner %q %v\n", bn, err)
	}
	for i := 1; ; i++ {
		m, err := r.ReadMessage()
		if err != nil {
			fmt.Fprintf(&b, "end: %v\n", err)
			return b.String()
		}
		kind := "response"
		switch {
		case m.IsEvent():
			kind = "event " + m.Event()
		case !m.Has("Response"):
			kind = "raw"
		}
		fmt.Fprintf(&b, "--- %d %s\n", i, kind)
		for _, x := range m.Headers {
			fmt.Fprintf(&b, "%q: %q\n", x.Key, x.Value)
		}
		if m.Legacy {
			fmt.Fprintf(&b, "legacy body %q\n", m.Body)
		}
	}
}

// raggedReader returns reads of varying small sizes, so that lines and
// messages are cut at every kind of place.
type raggedReader struct {
	r io.Reader
	n int
}

func (rr *raggedReader) Read(p []byte) (int, error) {
	rr.n = (rr.n*31 + 7) % 97
	return rr.r.Read(p[:min(len(p), rr.n+1)])
}

func sameMessage(a, b *Message) bool {
	if len(a.Headers) != len(b.Headers) || a.Body != b.Body || a.Legacy != b.Legacy {
		return false
	}
	for i := range a.Headers {
		if a.Headers[i] != b.Headers[i] {
			return false
		}
	}
	return true
}

// TestReaderCorpus reads what a real Asterisk 22 sent, whole and in ragged
// pieces, in lockstep: both must give the same messages, cover the input
// exactly, and (for the smaller corpus, whose messages are all kept) still
// hold their text once the Reader's buffer has been reused for later ones.
func TestReaderCorpus(t *testing.T) {
	for _, tc := range []struct {
		name  string
		count int
		keep  bool
	}{
		{corpusCalls, 14542, true},
		{corpusMixed, 124030, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && !tc.keep {
				t.Skip("large corpus skipped in -short mode")
			}
			data := loadCorpus(t, tc.name)
			a := NewReader(bytes.NewReader(data), ReaderOptions{KeepRaw: true})
			b := NewReader(&raggedReader{r: bytes.NewReader(data)}, ReaderOptions{})
			for _, r := range []*Reader{a, b} {
				if bn, err := r.ReadBanner(); err != nil || bn != "Asterisk Call Manager/11.0.0" {
					t.Fatalf("banner %q, %v", bn, err)
				}
			}
			rest := data[len("Asterisk Call Manager/11.0.0\r\n"):]
			var kept []*Message
			n := 0
			for ; ; n++ {
				ma, erra := a.ReadMessage()
				mb, errb := b.ReadMessage()
				if erra != nil || errb != nil {
					if erra != io.EOF || errb != io.EOF {
						t.Fatalf("message %d: errors %v / %v", n, erra, errb)
					}
					break
				}
				if !sameMessage(ma, mb) {
					t.Fatalf("message %d differs:\n%q\n%q", n, ma.Headers, mb.Headers)
				}
				if !bytes.HasPrefix(rest, ma.Raw) {
					t.Fatalf("message %d: Raw is not the next input", n)
				}
				rest = rest[len(ma.Raw):]
				if ma.Legacy {
					t.Errorf("message %d: Asterisk 22 sent no legacy Command reply", n)
				}
				for _, hd := range ma.Headers {
					if hd.Key == "" {
						t.Fatalf("message %d: non-header line %q in Asterisk 22 output", n, hd.Value)
					}
				}
				if tc.keep {
					kept = append(kept, ma)
				}
			}
			if n != tc.count || len(rest) != 0 {
				t.Fatalf("read %d messages, want %d; %d bytes left over", n, tc.count, len(rest))
			}
			for i, m := range kept {
				again, err := NewReader(bytes.NewReader(m.Raw), ReaderOptions{}).ReadMessage()
				if err != nil || !sameMessage(m, again) {
					t.Fatalf("kept message %d changed after later reads: %q", i, m.Headers)
				}
			}
		})
	}
}

// TestReaderRawBlocks covers header-less text that spans several blocks
// (the pre-15 Queues reply): one message up to a run of two or more empty
// lines, or up to a line that starts a message, or EOF.
func TestReaderRawBlocks(t *testing.T) {
	queues13 := "support has 0 calls (max unlimited) in 'ringall' strategy (0s holdtime, 0s talktime), W:0, C:0, A:0, SL:0.0% within 0s\r\n" +
		"   Members: \r\n" +
		"      Alice (Local/1001@amsh-agents/n) (ringinuse enabled)\x1b[0m (\x1b[1;32;40mNot in use\x1b[0m) has taken no calls yet\r\n" +
		"   No Callers\r\n" +
		"\r\n" +
		"sales has 0 calls (max unlimited) in 'leastrecent' strategy (0s holdtime, 0s talktime), W:0, C:0, A:0, SL:0.0% within 0s\r\n" +
		"   No Members\r\n" +
		"   No Callers\r\n" +
		"\r\n\r\n\r\n"
	queues13Headers := []h{
		{"", "support has 0 calls (max unlimited) in 'ringall' strategy (0s holdtime, 0s talktime), W:0, C:0, A:0, SL:0.0% within 0s"},
		{"", "   Members: "},
		{"", "      Alice (Local/1001@amsh-agents/n) (ringinuse enabled)\x1b[0m (\x1b[1;32;40mNot in use\x1b[0m) has taken no calls yet"},
		{"", "   No Callers"},
		{"", ""},
		{"", "sales has 0 calls (max unlimited) in 'leastrecent' strategy (0s holdtime, 0s talktime), W:0, C:0, A:0, SL:0.0% within 0s"},
		{"", "   No Members"},
		{"", "   No Callers"},
	}
	tests := []struct {
		name string
		in   string
		opts ReaderOptions
		want []wantMsg
		err  string // a ProtocolError reason, or "unexpected" for io.ErrUnexpectedEOF; io.EOF when empty
	}{
		{
			name: "13 Queues reply then the next reply",
			in:   queues13 + "Response: Success\r\nActionID: 11\r\nPing: Pong\r\n\r\n",
			want: []wantMsg{{h: queues13Headers}, {h: []h{{"Response", "Success"}, {"ActionID", "11"}, {"Ping", "Pong"}}}},
		},
		{
			name: "bare LF line ends",
			in:   "a has 0 calls\nM: x\n\nb has 1 call\n\n\nEvent: E\n\n",
			want: []wantMsg{{h: []h{{"", "a has 0 calls"}, {"", "M: x"}, {"", ""}, {"", "b has 1 call"}}}, {h: []h{{"Event", "E"}}}},
		},
		{
			name: "no queues",
			in:   "No queues.\r\n\r\n\r\nEvent: E\r\n\r\n",
			want: []wantMsg{{h: []h{{"", "No queues."}}}, {h: []h{{"Event", "E"}}}},
		},
		{
			name: "a block starting with a header look-alike goes on",
			in:   "a has 0 calls\r\n\r\nq:1 has 0 calls\r\nEvent: not a start inside a block\r\n\r\n\r\n",
			want: []wantMsg{{h: []h{{"", "a has 0 calls"}, {"", ""}, {"", "q:1 has 0 calls"}, {"", "Event: not a start inside a block"}}}},
		},
		{
			name: "a block starting with Response: ends the raw text",
			in:   "a has 0 calls\r\n\r\nresponse: Success\r\nActionID: 2\r\n\r\n",
			want: []wantMsg{{h: []h{{"", "a has 0 calls"}}}, {h: []h{{"response", "Success"}, {"ActionID", "2"}}}},
		},
		{
			name: "a block starting with Event: ends the raw text",
			in:   "a has 0 calls\r\n\r\nEvent:X\r\n\r\n",
			want: []wantMsg{{h: []h{{"", "a has 0 calls"}}}, {h: []h{{"Event", "X"}}}},
		},
		{
			name: "EOF after one empty line",
			in:   "a has 0 calls\r\n\r\n",
			want: []wantMsg{{h: []h{{"", "a has 0 calls"}}}},
		},
		{
			name: "EOF inside the next message",
			in:   "a has 0 calls\r\n\r\nEvent: X\r\n",
			want: []wantMsg{{h: []h{{"", "a has 0 calls"}}}},
			err:  "unexpected",
		},
		{
			name: "EOF inside a line after the empty line",
			in:   "a has 0 calls\r\n\r\nEve",
			want: []wantMsg{{h: []h{{"", "a has 0 calls"}}}},
			err:  "unexpected",
		},
		{
			name: "the message cap counts every block",
			in:   "a has 0 calls\r\n\r\n" + strings.Repeat("x", 60) + "\r\n\r\n\r\n",
			opts: ReaderOptions{MaxMessage: 64},
			err:  "message too large (over 64 bytes)",
		},
		{
			name: "a raw message near the cap, then a message",
			in:   strings.Repeat("y", 58) + "\r\n\r\nEvent: " + strings.Repeat("z", 40) + "\r\n\r\n",
			opts: ReaderOptions{MaxMessage: 64},
			want: []wantMsg{{h: []h{{"", strings.Repeat("y", 58)}}}, {h: []h{{"Event", strings.Repeat("z", 40)}}}},
		},
		{
			name: "a raw message, then a first line over the line cap",
			in:   "a has 0 calls\r\n\r\nEvent: " + strings.Repeat("z", 40) + "\r\n\r\n",
			opts: ReaderOptions{MaxLine: 32},
			want: []wantMsg{{h: []h{{"", "a has 0 calls"}}}},
			err:  "line too long (over 32 bytes)",
		},
		{
			name: "the header cap counts the empty lines kept",
			in:   "a\r\nb\r\n\r\nc\r\n\r\n\r\n",
			opts: ReaderOptions{MaxHeaders: 3},
			err:  "too many header lines (over 3)",
		},
		{
			name: "the header cap met exactly",
			in:   "a\r\nb\r\n\r\nc\r\n\r\n\r\n",
			opts: ReaderOptions{MaxHeaders: 4},
			want: []wantMsg{{h: []h{{"", "a"}, {"", "b"}, {"", ""}, {"", "c"}}}},
		},
	}
	for _, tc := range tests {
		for _, sr := range splitReaders {
			t.Run(tc.name+"/"+sr.name, func(t *testing.T) {
				opts := tc.opts
				opts.KeepRaw = true
				r := NewReader(sr.wrap(strings.NewReader(tc.in)), opts)
				got, err := readAll(r)
				checkMessages(t, got, tc.want)
				var pe *ProtocolError
				switch {
				case tc.err == "":
					if err != io.EOF {
						t.Fatalf("error = %v, want io.EOF", err)
					}
					checkRawCover(t, tc.in, got)
				case tc.err == "unexpected":
					if !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Fatalf("error = %v, want io.ErrUnexpectedEOF", err)
					}
				case !errors.As(err, &pe) || pe.Reason != tc.err:
					t.Fatalf("error = %v, want a ProtocolError %q", err, tc.err)
				}
			})
		}
	}
}

// TestReaderAllocations: a message costs three allocations (its text, its
// Headers, the Message itself), whatever its size and however many the
// Reader has read before.
func TestReaderAllocations(t *testing.T) {
	msg := "Event: Newchannel\r\nPrivilege: call,all\r\nChannel: PJSIP/alice-00000001\r\nChannelState: 0\r\nUniqueid: 1.1\r\n\r\n"
	r := NewReader(strings.NewReader(strings.Repeat(msg, 2000)), ReaderOptions{})
	if _, err := r.ReadMessage(); err != nil { // the buffer is allocated once
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := r.ReadMessage(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 3 {
		t.Errorf("%.1f allocations a message, want 3", allocs)
	}
}

// TestReaderKeepsNoLargeBuffer: a message larger than the read buffer
// grows it, and the buffer goes back to its size after that message; the
// messages before and after it are unharmed.
func TestReaderKeepsNoLargeBuffer(t *testing.T) {
	out := strings.Repeat("Output: "+strings.Repeat("x", 100)+"\r\n", 3000) // 330 KB
	in := "Event: Before\r\n\r\nResponse: Success\r\n" + out + "\r\nEvent: After\r\n\r\n"
	r := NewReader(iotest.HalfReader(strings.NewReader(in)), ReaderOptions{})
	ms, err := readAll(r)
	if err != io.EOF || len(ms) != 3 {
		t.Fatalf("got %d messages, %v", len(ms), err)
	}
	if ms[0].Event() != "Before" || len(ms[1].Headers) != 3001 || ms[1].Headers[3000].Value != strings.Repeat("x", 100) || ms[2].Event() != "After" {
		t.Fatalf("messages: %q / %d headers / %q", ms[0].Headers, len(ms[1].Headers), ms[2].Headers)
	}
	if len(r.buf) != readBuffer {
		t.Errorf("the buffer is %d bytes after the large message, want %d", len(r.buf), readBuffer)
	}
}
