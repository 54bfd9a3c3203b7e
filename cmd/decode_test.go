package cmd

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The seed transcripts are what the server sent in the examples of the
// documents the project started from (shared/seeds), cut out by hand; see
// testdata/decode/seeds/README.md. Each is listed with its message count.
var decodeSeeds = []struct {
	name     string
	messages int
}{
	{"zh-command-legacy", 2},
	{"zh-actions", 48}, // its 1.4 Queues reply, two queues, is one message
	{"ko-actions", 29},
}

func seedPath(name string) string { return filepath.Join("testdata", "decode", "seeds", name+".ami") }

func TestDecodeSeeds(t *testing.T) {
	for _, seed := range decodeSeeds {
		t.Run(seed.name, func(t *testing.T) {
			in, err := os.ReadFile(seedPath(seed.name))
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"text", "json", "yaml", "raw"} {
				args := []string{"-o", format, "decode", seedPath(seed.name)}
				for _, tty := range []bool{false, true} {
					r := (&run{Args: args, TTY: tty}).exec(t)
					name := "decode/" + seed.name + "." + format + ".plain"
					if tty {
						name = "decode/" + seed.name + "." + format + ".tty"
					}
					golden(t, name, fxTranscript(r, args))
					if r.Code != 0 || r.Stderr != "" {
						t.Errorf("-o %s: exit %d stderr %q", format, r.Code, r.Stderr)
					}
					switch format {
					case "json":
						checkJSONLines(t, r.Stdout, seed.messages)
					case "raw":
						// Every byte back, banner included: the seeds hold no
						// stray empty lines between messages.
						if r.Stdout != string(in) {
							t.Errorf("-o raw: the output differs from the input")
						}
					}
				}
			}
		})
	}
}

// checkJSONLines checks that out is want lines, each one JSON object.
func checkJSONLines(t *testing.T, out string, want int) {
	t.Helper()
	n := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		n++
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("line %d is not a JSON object (%v): %.200q", n, err, sc.Text())
		}
	}
	if n != want {
		t.Errorf("%d JSON lines, want %d (one per message)", n, want)
	}
}

// TestDecodeInputs: stdin ("-" or no FILE) and gzip (by its magic, not its
// name) give the same output as the plain file.
func TestDecodeInputs(t *testing.T) {
	in, err := os.ReadFile(seedPath("ko-actions"))
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(in)
	zw.Close()
	gzFile := filepath.Join(t.TempDir(), "capture.ami") // no .gz: detected by content
	if err := os.WriteFile(gzFile, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	want := (&run{Args: []string{"-o", "json", "decode", seedPath("ko-actions")}}).exec(t).Stdout
	for _, r := range []*run{
		{Args: []string{"-o", "json", "decode"}, Stdin: string(in)},
		{Args: []string{"-o", "json", "decode", "-"}, Stdin: string(in)},
		{Args: []string{"-o", "json", "decode"}, Stdin: gz.String()},
		{Args: []string{"-o", "json", "decode", gzFile}},
	} {
		r.exec(t)
		if r.Code != 0 || r.Stdout != want {
			t.Errorf("%q: exit %d stderr %q; output differs from the plain file's", r.Args, r.Code, r.Stderr)
		}
	}
	// Without a banner, and with bare LF line ends.
	r := (&run{Args: []string{"-o", "json", "decode"}, Stdin: "Event: Hangup\nCause: 16\n\nResponse: Pong\n\n"}).exec(t)
	if r.Code != 0 || r.Stdout != "{\"Event\":\"Hangup\",\"Cause\":\"16\"}\n{\"Response\":\"Pong\"}\n" {
		t.Errorf("no banner: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	// Empty input: nothing to print, nothing wrong.
	r = (&run{Args: []string{"decode"}}).exec(t)
	if r.Code != 0 || r.Stdout != "" || r.Stderr != "" {
		t.Errorf("empty: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// TestDecodeBadInput: what precedes the fault is printed; the fault is one
// line naming the input and the message number, exit 1. A FILE that cannot
// be opened is a bad argument, exit 2.
func TestDecodeBadInput(t *testing.T) {
	for _, c := range []struct {
		name, stdin string
		printed     int
		want        string
	}{
		{"truncated", "Asterisk Call Manager/11.0.0\r\nResponse: Success\r\n\r\nEvent: Hangup\r\nCause: 1",
			1, "amsh: decode stdin: message 2: the input ends inside it (a truncated capture?)\n"},
		{"line-too-long", "Response: Success\r\n\r\nEvent: Hangup\r\nChannel: " + strings.Repeat("x", 70<<10) + "\r\n\r\n",
			1, "amsh: decode stdin: message 2: ami: line too long (over 65536 bytes)"},
		{"bad-gzip", "\x1f\x8bnot gzip at all", 0, "amsh: decode stdin: gzip: invalid header\n"},
	} {
		r := (&run{Args: []string{"-o", "json", "decode"}, Stdin: c.stdin}).exec(t)
		if r.Code != ExitAsterisk || !strings.HasPrefix(r.Stderr, c.want) || strings.Count(r.Stderr, "\n") != 1 ||
			strings.Count(r.Stdout, "\n") != c.printed {
			t.Errorf("%s: exit %d stdout %q stderr %q; want exit 1, %d messages and %q", c.name, r.Code, r.Stdout, r.Stderr, c.printed, c.want)
		}
	}
	r := (&run{Args: []string{"decode", filepath.Join(t.TempDir(), "missing.ami")}}).exec(t)
	if r.Code != ExitUsage || !strings.Contains(r.Stderr, "missing.ami") {
		t.Errorf("missing file: exit %d stderr %q", r.Code, r.Stderr)
	}
	golden(t, "decode/truncated", fxTranscript((&run{Args: []string{"decode"},
		Stdin: "Asterisk Call Manager/11.0.0\r\nResponse: Success\r\n\r\nEvent: Hangup\r\nCause: 1"}).exec(t), []string{"decode"}))
}

// corpusDir finds shared/corpus: $AMSH_SHARED, else ../shared beside the
// module root.
func corpusDir(t testing.TB) string {
	t.Helper()
	shared := os.Getenv("AMSH_SHARED")
	if shared == "" {
		dir, _ := os.Getwd()
		for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				shared = filepath.Join(dir, "..", "shared")
				break
			}
		}
	}
	dir := filepath.Join(shared, "corpus")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not available (set AMSH_SHARED to the shared/ folder): %v", err)
	}
	return dir
}

// jsonLineCounter checks JSON Lines as they are written, so a 52 MB
// corpus is not held in memory twice.
type jsonLineCounter struct {
	partial []byte
	lines   int
	err     error
}

func (c *jsonLineCounter) Write(p []byte) (int, error) {
	n := len(p)
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			c.partial = append(c.partial, p...)
			return n, nil
		}
		line := p[:i]
		if len(c.partial) > 0 {
			line = append(c.partial, line...)
			c.partial = c.partial[:0]
		}
		c.lines++
		if c.err == nil && (len(line) == 0 || line[0] != '{' || !json.Valid(line)) {
			c.err = fmt.Errorf("line %d: not a JSON object: %.200q", c.lines, line)
		}
		p = p[i+1:]
	}
}

// TestDecodeCorpus decodes the Asterisk 22 corpora (shared/README.md gives
// their message counts): every message a valid JSON line, none lost; and
// -o raw gives back the bytes.
func TestDecodeCorpus(t *testing.T) {
	dir := corpusDir(t)
	for name, messages := range map[string]int{
		"asterisk22-mixed.raw.gz": 124030,
		"asterisk22-calls.raw.gz": 14542,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, name)
			var c jsonLineCounter
			code, stderr := fxRunStreams(context.Background(), &c, "-o", "json", "decode", path)
			if code != 0 || stderr != "" || c.err != nil || len(c.partial) != 0 {
				t.Fatalf("exit %d stderr %q: %v (partial %q)", code, stderr, c.err, c.partial)
			}
			if c.lines != messages {
				t.Errorf("%d JSON lines, want %d", c.lines, messages)
			}

			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			want := &bytes.Buffer{}
			want.ReadFrom(zr)
			var got bytes.Buffer
			if code, stderr := fxRunStreams(context.Background(), &got, "-o", "raw", "decode", path); code != 0 ||
				!bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("-o raw: exit %d stderr %q; %d bytes out for %d in, or different bytes", code, stderr, got.Len(), want.Len())
			}
		})
	}
}

func BenchmarkDecodeCorpusJSON(b *testing.B) {
	path := filepath.Join(corpusDir(b), "asterisk22-mixed.raw.gz")
	for b.Loop() {
		if code, stderr := fxRunStreams(context.Background(), discard{}, "-o", "json", "decode", path); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestNewCmdDecode(t *testing.T) {
	for _, tc := range []struct{ argv, file string }{{"", ""}, {"-", "-"}, {"day.ami.gz", "day.ami.gz"}} {
		opts, err := parseCmd(t, NewCmdDecode, "", strings.Fields(tc.argv)...)
		if err != nil || opts.File != tc.file || opts.StreamRenderer == nil || opts.Note == nil {
			t.Errorf("decode %s: %+v, %v; want File %q", tc.argv, opts, err, tc.file)
		}
	}
	_, err := parseCmd(t, NewCmdDecode, "", "a", "b")
	wantUsageError(t, err, `decode: too many arguments: "a", "b" (it takes [FILE])`)
}
