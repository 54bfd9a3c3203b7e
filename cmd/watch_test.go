package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
)

// pingsScript answers n Pings on one login, the ones listed in fail with
// Response: Error, then the Logoff.
func pingsScript(n int, fail ...int) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		fxLogin(c, "off")
		for i := 1; i <= n; i++ {
			a := c.Expect("Ping")
			if a == nil {
				return
			}
			if slices.Contains(fail, i) {
				c.Reply(a, "Error", "Message: Ping refused for the test")
				continue
			}
			c.Reply(a, "Success", "Ping: Pong", "Timestamp: 1795329590.896851")
		}
		fxBye(c)
	}
}

var fxWatchMark = regexp.MustCompile(`(?m)^--- \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d) fake$`)

// ping --watch off a terminal: each run after a timestamp line, all of
// them over the one login the fake server accepts.
func TestWatchPingPlain(t *testing.T) {
	r := fxExec(t, false, "", pingsScript(3), "ping", "--watch=100ms", "--count", "3")
	if r.Code != 0 || r.Stderr != "" {
		t.Fatalf("exit %d stderr %q", r.Code, r.Stderr)
	}
	runs := fxWatchMark.Split(r.Stdout, -1)
	if len(runs) != 4 || runs[0] != "" {
		t.Fatalf("want 3 runs after timestamp lines, got %q", r.Stdout)
	}
	for _, run := range runs[1:] {
		if !regexp.MustCompile(`^\nPong from 127\.0\.0\.1:\d+ in [0-9.]+ ms\n$`).MatchString(run) {
			t.Errorf("run %q", run)
		}
	}
}

// -o json: one line per run, "time" and "profile" before ping's own keys.
func TestWatchPingJSON(t *testing.T) {
	r := fxExec(t, false, "", pingsScript(3), "-o", "json", "ping", "--watch=100ms", "--count=3")
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if r.Code != 0 || len(lines) != 3 {
		t.Fatalf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	var prev time.Time
	for _, l := range lines {
		var doc struct {
			Time, Profile string
			RoundTripMs   float64 `json:"round_trip_ms"`
			Response      map[string]string
		}
		if err := json.Unmarshal([]byte(l), &doc); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		at, err := time.Parse(time.RFC3339, doc.Time)
		if err != nil || !at.After(prev) || doc.Profile != "fake" || doc.Response["Response"] != "Success" || doc.RoundTripMs <= 0 {
			t.Errorf("line %q (time %v)", l, err)
		}
		prev = at
		if !strings.HasPrefix(l, `{"time":"`) || !strings.Contains(l, `"profile":"fake","address":"127.0.0.1:`) {
			t.Errorf("keys out of order: %q", l)
		}
	}
}

// A run that fails shows its error and the watch goes on; the exit status
// after --count is the last run's.
func TestWatchRunFails(t *testing.T) {
	r := fxExec(t, false, "", pingsScript(3, 2), "ping", "--watch=100ms", "--count", "3")
	runs := fxWatchMark.Split(r.Stdout, -1)
	if r.Code != 0 || len(runs) != 4 {
		t.Fatalf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if want := "\nerror: profile fake: Ping: Asterisk said: Ping refused for the test\n"; runs[2] != want {
		t.Errorf("failed run %q, want %q", runs[2], want)
	}
	if !strings.HasPrefix(runs[3], "\nPong from ") {
		t.Errorf("the run after the failure: %q", runs[3])
	}

	r = fxExec(t, false, "", pingsScript(2, 2), "-o", "json", "ping", "--watch=100ms", "--count", "2")
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if r.Code != ExitAsterisk || r.Stderr != "" || len(lines) != 2 {
		t.Fatalf("last run failed: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	var doc map[string]string
	if err := json.Unmarshal([]byte(lines[1]), &doc); err != nil || doc["error"] != "profile fake: Ping: Asterisk said: Ping refused for the test" || doc["Response"] != "" {
		t.Errorf("failed run as JSON %q: %v", lines[1], err)
	}
}

// A session that drops between runs is dialled again for the next one.
func TestWatchRedials(t *testing.T) {
	logins := 0
	fs := amitest.NewN(t, 2, func(c *amitest.Conn) {
		logins++
		fxLogin(c, "off")
		a := c.Expect("Ping")
		c.Reply(a, "Success", "Ping: Pong")
		if logins == 2 {
			fxBye(c)
		} // the first connection closes after its Ping
	})
	cfg := profilesFile(t, fs.Addr(), "")
	r := (&run{Args: []string{"--config", cfg, "ping", "--watch=100ms", "--count", "2"}}).exec(t)
	if r.Code != 0 || len(fxWatchMark.FindAllString(r.Stdout, -1)) != 2 || strings.Contains(r.Stdout, "error") {
		t.Errorf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// Ctrl-C (the context's end) stops a watch without --count: exit 0.
func TestWatchInterrupted(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		fxLogin(c, "off")
		for {
			a, ok := c.Read()
			if !ok || strings.EqualFold(a.Get("Action"), "Logoff") {
				return
			}
			c.Reply(a, "Success", "Ping: Pong")
		}
	})
	cfg := profilesFile(t, fs.Addr(), "")
	var out, errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithTimeout(context.Background(), 350*time.Millisecond)
	defer cancel()
	code := Run(ctx, NewFactory(ios), []string{"--config", cfg, "ping", "--watch=100ms"})
	if n := len(fxWatchMark.FindAllString(out.String(), -1)); code != 0 || n < 2 || errOut.Len() > 0 {
		t.Errorf("exit %d, %d runs, stdout %q stderr %q", code, n, out.String(), errOut.String())
	}
}

// frameWriter records each Write on its own.
type frameWriter struct {
	mu     sync.Mutex
	writes []string
}

func (w *frameWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

// On a terminal each run is one frame, one Write: the cursor home, the
// header, the output, every line cleared to its end, the rest of the
// screen cleared.
func TestWatchTerminalFrames(t *testing.T) {
	fs := amitest.New(t, pingsScript(2))
	cfg := profilesFile(t, fs.Addr(), "")
	out := &frameWriter{}
	var errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &errOut, OutTTY: true, Width: 60,
		Getenv: func(string) string { return "" }}
	code := Run(context.Background(), NewFactory(ios), []string{"--config", cfg, "ping", "--watch=100ms", "--count", "2"})
	if code != 0 || len(out.writes) != 2 {
		t.Fatalf("exit %d, %d writes %q, stderr %q", code, len(out.writes), out.writes, errOut.String())
	}
	frame := regexp.MustCompile(`^\x1b\[HEvery 100ms: amsh ping +fake    \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n` +
		`\x1b\[K\n` +
		`Pong from 127\.0\.0\.1:\d+ in [0-9.]+ ms\x1b\[K\n` +
		`\x1b\[J$`)
	for _, w := range out.writes {
		if !frame.MatchString(w) {
			t.Errorf("frame %q", w)
		}
		if header, _, _ := strings.Cut(w, "\n"); len(header) != len("\x1b[H")+60 {
			t.Errorf("header %q is not the width (60) wide", header)
		}
	}
}

func TestWatchFrameFitsScreen(t *testing.T) {
	w := &watcher{label: "amsh command core show channels", interval: 2 * time.Second}
	at := time.Date(2025, 11, 30, 8, 40, 1, 0, time.UTC)
	body := []byte("Channel\tLocation\n" + strings.Repeat("x", 30) + "\nthree\nfour\nfive\n")
	got := string(w.frame(at, "pbx1", body, 20, 5))
	want := "\x1b[HEvery 2s: amsh comma\n" + // as wide as the screen: no clear
		"\x1b[K\n" +
		"Channel Location\x1b[K\n" +
		strings.Repeat("x", 20) + "\n" +
		"\x1b[J" // four lines on five rows: the cursor stays on the screen
	if got != want {
		t.Errorf("frame\n got %q\nwant %q", got, want)
	}
	if h := w.header(at, "pbx1", 80); h != "Every 2s: amsh command core show channels       pbx1    Sun Nov 30 08:40:01 2025" || len(h) != 80 {
		t.Errorf("header %q", h)
	}
}

func TestWatchJSONDocuments(t *testing.T) {
	at := time.Date(2025, 11, 30, 8, 40, 1, 0, time.UTC)
	for _, tc := range []struct {
		doc, err, want string
	}{
		{"{\n  \"a\": \"<1>\",\n  \"b\": [1, 2]\n}\n", "", `{"time":"2025-11-30T08:40:01.000Z","profile":"p","a":"<1>","b":[1,2]}`},
		{"", "", `{"time":"2025-11-30T08:40:01.000Z","profile":"p"}`},
		{"[1]", "", `{"time":"2025-11-30T08:40:01.000Z","profile":"p","document":[1]}`},
		{"not json", "", `{"time":"2025-11-30T08:40:01.000Z","profile":"p","output":"not json"}`},
		{`{"a":1}`, "Ping: refused", `{"time":"2025-11-30T08:40:01.000Z","profile":"p","error":"Ping: refused"}`},
	} {
		if got := string(watchJSON(at, "p", []byte(tc.doc), tc.err)); got != tc.want+"\n" {
			t.Errorf("%q: got %q, want %q", tc.doc, got, tc.want)
		}
	}
}

// --watch is refused, before dialing, for what would change something;
// --count needs --watch.
func TestWatchUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"action", "Hangup", "Channel=PJSIP/ep1-0001", "--watch"},
			`action Hangup --watch: Hangup is not an action that only reads; --watch re-runs those only (CoreShowChannels, QueueStatus, Status, ...)`},
		{[]string{"action", "Command", "Command=core restart now", "--watch"},
			`command core restart now --watch: --watch re-runs CLI commands that show or list (core show channels, pjsip list endpoints) only`},
		{[]string{"command", "channel", "request", "hangup", "all", "--watch=5s"},
			`command channel request hangup all --watch: --watch re-runs CLI commands that show or list (core show channels, pjsip list endpoints) only`},
		{[]string{"ping", "--count", "3"}, `ping: --count goes with --watch`},
		{[]string{"ping", "--watch", "--count", "-1"}, `ping: --count -1: want 1 or more (none: until Ctrl-C)`},
		{[]string{"ping", "--watch=10ms"}, `invalid argument "10ms" for "--watch" flag: want at least 100ms (see 'amsh ping --help')`},
		{[]string{"queue", "summary", "--watch=soon"}, `invalid argument "soon" for "--watch" flag: want a duration such as 500ms, 2s or 1m, or seconds (see 'amsh queue summary --help')`},
		{[]string{"hangup", "PJSIP/ep1-0001", "--watch"}, `unknown flag: --watch (see 'amsh hangup --help')`},
	} {
		r := fxExec(t, false, "", fxNeverDialed, tc.args...)
		if r.Code != ExitUsage || r.Stderr != "amsh: "+tc.want+"\n" || r.Stdout != "" {
			t.Errorf("%q: exit %d stdout %q stderr %q", tc.args, r.Code, r.Stdout, r.Stderr)
		}
	}
}

func TestWatchReadOnly(t *testing.T) {
	for _, tc := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"CoreShowChannels"}, true},
		{[]string{"coreshowchannels"}, true},
		{[]string{"QueueStatus", "Queue=support"}, true},
		{[]string{"Command", "Command=core show channels"}, true},
		{[]string{"command", "command=pjsip list contacts"}, true},
		{[]string{"Originate", "Channel=Local/1@x"}, false},
		{[]string{"QueueReload"}, false},
		{[]string{"Events", "EventMask=on"}, false}, // it would change the shared session's mask
		{[]string{"Command"}, false},
	} {
		if err := watchAction(tc.args); tc.ok != (err == nil) {
			t.Errorf("action %q: %v", tc.args, err)
		}
	}
	for cli, ok := range map[string]bool{
		"core show channels":         true,
		"queue show support":         true,
		"pjsip list endpoints":       true,
		"core show channels concise": true,
		"sip show peers":             true,
		"core restart now":           false,
		"module unload chan_sip.so":  false,
		"database put a b c":         false,
		"channel request hangup all": false,
		"core set verbose 3":         false,
	} {
		if err := watchCLI(strings.Fields(cli)); ok != (err == nil) {
			t.Errorf("command %s: %v", cli, err)
		}
		if err := watchCLI([]string{cli}); ok != (err == nil) { // the REPL's !CLI
			t.Errorf("command %q: %v", cli, err)
		}
	}
}

func TestWatchSandbox(t *testing.T) {
	_, cfg := fxSandbox(t)
	r := (&run{Args: []string{"--config", cfg, "queue", "summary", "--watch=200ms", "--count", "2"}}).exec(t)
	mark := regexp.MustCompile(`(?m)^--- \S+ sandbox\n`)
	runs := mark.Split(r.Stdout, -1)
	if r.Code != 0 || len(runs) != 3 {
		t.Fatalf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	for _, run := range runs[1:] {
		if !regexp.MustCompile(`(?m)^Queue +LoggedIn`).MatchString(run) || !regexp.MustCompile(`(?m)^support +\d`).MatchString(run) {
			t.Errorf("run %q", run)
		}
	}
}

// --jq --watch on a terminal: a string result (Asterisk's text) is escaped
// in the frame, not written as received.
func TestWatchJQEscapedOnTerminal(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		fxLogin(c, "off")
		a := c.Expect("Ping")
		c.Reply(a, "Success", "Ping: Pong\x1b]0;title\x07\x1b[2J")
		fxBye(c)
	})
	cfg := profilesFile(t, fs.Addr(), "")
	out := &frameWriter{}
	var errOut bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &errOut, OutTTY: true, Width: 60,
		Getenv: func(string) string { return "" }}
	code := Run(context.Background(), NewFactory(ios), []string{"--config", cfg, "--jq", ".response.Ping", "ping", "--watch=100ms", "--count", "1"})
	if code != 0 || len(out.writes) != 1 {
		t.Fatalf("exit %d, %d writes %q, stderr %q", code, len(out.writes), out.writes, errOut.String())
	}
	if w := out.writes[0]; strings.Contains(w, "\x07") || strings.Contains(w, "\x1b]") || strings.Contains(w, "\x1b[2J") ||
		!strings.Contains(w, `Pong\x1b]0;title\x07`) {
		t.Errorf("frame %q: want the string's control characters escaped", w)
	}
}
