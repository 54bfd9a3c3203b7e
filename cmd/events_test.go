package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/amitest"
)

// fxEventsOn answers the login, checking the event mask it asks for. Events
// may follow at once: amsh's subscription exists before the login is sent.
func fxEventsOn(c *amitest.Conn, mask string) {
	fxLogin(c, mask)
}

// eventsScript logs in with events, sends raw, then answers the Logoff that
// follows --count or --for.
func eventsScript(mask, raw string) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		fxEventsOn(c, mask)
		c.Send(raw)
		fxBye(c)
	}
}

func userEvent(seq int, name string) string {
	return fmt.Sprintf("Event: UserEvent\r\nPrivilege: user,all\r\nChannel: Local/ev10@amsh-00000001;2\r\n"+
		"ChannelState: 6\r\nChannelStateDesc: Up\r\nUniqueid: 1795330259.257\r\nUserEvent: %s\r\nSeq: %d\r\nTotal: 10\r\n\r\n", name, seq)
}

// mixedEvents: four UserEvents AmshTest among others; the filters in
// TestEvents pick the first three of them and --count stops there.
var mixedEvents = "Event: Newchannel\r\nPrivilege: call,all\r\nChannel: Local/ev10@amsh-00000001;1\r\nChannelState: 0\r\nChannelStateDesc: Down\r\nExten: ev10\r\n\r\n" +
	userEvent(0, "AmshTest") +
	"Event: VarSet\r\nPrivilege: dialplan,all\r\nChannel: Local/ev10@amsh-00000001;2\r\nVariable: i\r\nValue: 1\r\n\r\n" +
	userEvent(1, "AmshTest") +
	userEvent(7, "Other") +
	"Event: Hangup\r\nPrivilege: call,all\r\nChannel: PJSIP/ep1-00000002\r\nCause: 17\r\nCause-txt: User busy\r\n\r\n" +
	userEvent(2, "AmshTest") +
	userEvent(3, "AmshTest")

func TestEvents(t *testing.T) {
	for _, format := range []string{"text", "json", "yaml", "raw"} {
		t.Run(format, func(t *testing.T) {
			plain, tty := fxGolden(t, "events/userevents."+format, eventsScript("on", mixedEvents),
				"-o", format, "events", "--filter", "UserEvent", "--filter", "UserEvent=AmshTest", "--count", "3")
			if plain.Code != 0 || tty.Code != 0 {
				t.Errorf("exit %d and %d on a terminal; stderr %q", plain.Code, tty.Code, plain.Stderr)
			}
			if format == "json" && strings.Count(plain.Stdout, "\n") != 3 {
				t.Errorf("want 3 JSON lines, got %q", plain.Stdout)
			}
		})
	}
	// Every event, no filter.
	r, _ := fxGolden(t, "events/all", eventsScript("on", mixedEvents), "events", "--count", "8")
	if n := len(regexp.MustCompile(`(?m)^Event:`).FindAllString(r.Stdout, -1)); r.Code != 0 || n != 8 {
		t.Errorf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// TestEventsFor: --for ends a quiet stream with exit 0 and a Logoff.
func TestEventsFor(t *testing.T) {
	start := time.Now()
	r := fxExec(t, false, "", eventsScript("on", ""), "events", "--for", "300ms")
	if took := time.Since(start); r.Code != 0 || r.Stdout != "" || r.Stderr != "" || took < 300*time.Millisecond {
		t.Errorf("exit %d stdout %q stderr %q after %s", r.Code, r.Stdout, r.Stderr, took)
	}
}

// TestEventsMask: the profile's event mask is used when it sets one; "off"
// (meant for the REPL) would make the command pointless, so it becomes "on".
func TestEventsMask(t *testing.T) {
	for mask, want := range map[string]string{"call,user": "call,user", "off": "on", "": "on"} {
		fs := amitest.New(t, eventsScript(want, userEvent(0, "AmshTest")))
		extra := ""
		if mask != "" {
			extra = "    events: " + mask + "\n"
		}
		cfg := profilesFile(t, fs.Addr(), extra)
		r := (&run{Args: []string{"--config", cfg, "events", "--count", "1"}}).exec(t)
		if r.Code != 0 || !strings.Contains(r.Stdout, "AmshTest") {
			t.Errorf("events: %q: exit %d stdout %q stderr %q", mask, r.Code, r.Stdout, r.Stderr)
		}
	}
}

func TestEventsBadArgs(t *testing.T) {
	for _, args := range [][]string{
		{"events", "--filter", "Channel~("},
		{"events", "--filter", "=x"},
		{"events", "--count", "-1"},
		{"events", "--for", "-1s"},
		{"events", "--for", "soon"},
		{"events", "extra"},
	} {
		r := fxExec(t, false, "", fxNeverDialed, args...)
		if r.Code != ExitUsage || r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("%q: exit %d stdout %q stderr %q; want exit 2 and one line", args, r.Code, r.Stdout, r.Stderr)
		}
	}
	r := fxExec(t, false, "", fxNeverDialed, "events", "--filter", "Chan~(")
	golden(t, "events/bad-regex", fxTranscript(r, []string{"events", "--filter", "Chan~("}))
}

// TestEventsConnectionLost: Asterisk going away ends the stream with exit 5,
// after what arrived has been printed.
func TestEventsConnectionLost(t *testing.T) {
	script := func(c *amitest.Conn) {
		fxEventsOn(c, "on")
		c.Send(userEvent(0, "AmshTest"))
	}
	r := fxExec(t, false, "", script, "events")
	if r.Code != ExitConn || !strings.Contains(r.Stdout, "AmshTest") || !strings.Contains(r.Stderr, "connection lost") {
		t.Errorf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// syncBuffer is a bytes.Buffer that a test may read while amsh writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fxRunStreams runs amsh with ctx and the given stdout, for the tests that
// need to interrupt it or slow its output down.
func fxRunStreams(ctx context.Context, out io.Writer, args ...string) (code int, stderr string) {
	var errOut syncBuffer
	ios := &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	f := NewFactory(ios)
	f.ReadSecret = nil
	return Run(ctx, f, args), errOut.String()
}

// TestEventsInterrupted: events appear as they arrive (the buffer is flushed
// whenever the queue runs dry, not only at the end), and Ctrl-C stops the
// stream with exit 130 and the output intact.
func TestEventsInterrupted(t *testing.T) {
	release := make(chan struct{})
	fs := amitest.New(t, func(c *amitest.Conn) {
		fxEventsOn(c, "on")
		c.Send(userEvent(0, "AmshTest") + userEvent(1, "AmshTest") + userEvent(2, "AmshTest"))
		<-release
	})
	defer close(release)
	cfg := profilesFile(t, fs.Addr(), "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	type result struct {
		code   int
		stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, stderr := fxRunStreams(ctx, &out, "--config", cfg, "-o", "json", "events")
		done <- result{code, stderr}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(out.String(), "\n") < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("3 events sent, still not printed after 5s: %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case r := <-done:
		if r.code != ExitInterrupted || r.stderr != "amsh: interrupted\n" || strings.Count(out.String(), "\n") != 3 {
			t.Errorf("exit %d stderr %q stdout %q; want 130 and the 3 events", r.code, r.stderr, out.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("events did not stop on cancel")
	}
}

// gatedWriter blocks every Write until open is closed: a terminal or pipe
// that cannot keep up.
type gatedWriter struct {
	open chan struct{}
	syncBuffer
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	<-g.open
	return g.syncBuffer.Write(p)
}

// floodServer sends n UserEvents (Seq 0..n-1) in the same write as the
// login's answer, then closes the connection once release is closed.
func floodServer(t *testing.T, n int, release <-chan struct{}) (addr string, sent <-chan struct{}) {
	done := make(chan struct{})
	fs := amitest.New(t, func(c *amitest.Conn) {
		a, ok := c.Read()
		if !ok {
			t.Error("want Login")
			return
		}
		var b strings.Builder
		b.WriteString("Response: Success\r\nActionID: " + a.ID() + "\r\nMessage: Authentication accepted\r\n\r\n")
		for i := range n {
			b.WriteString(userEvent(i, "AmshTest"))
		}
		c.Send(b.String())
		close(done)
		<-release
	})
	return fs.Addr(), done
}

// checkSeqLines checks that lines are JSON UserEvents with Seq 0, 1, 2, ...
func checkSeqLines(t *testing.T, out string) int {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, l := range lines {
		var ev map[string]string
		if err := json.Unmarshal([]byte(l), &ev); err != nil || ev["Seq"] != fmt.Sprint(i) {
			t.Fatalf("line %d: %q (%v); want Seq %d: events in order, none missing", i, l, err, i)
		}
	}
	return len(lines)
}

// TestEventsStalledConsumer: when stdout stalls, the session's reader does
// not; every event waits in the buffer and is written, in order, once the
// output moves again — the first one, sent with the login's answer, too.
func TestEventsStalledConsumer(t *testing.T) {
	const flood = 50000
	release := make(chan struct{})
	addr, sent := floodServer(t, flood, release)
	cfg := profilesFile(t, addr, "")
	out := &gatedWriter{open: make(chan struct{})}
	go func() {
		<-sent
		time.Sleep(time.Second) // the client reads the flood off the socket meanwhile
		close(out.open)
		close(release)
	}()
	code, stderr := fxRunStreams(context.Background(), out, "--config", cfg, "-o", "json", "events")
	if code != ExitConn || !strings.Contains(stderr, "connection lost") || !strings.Contains(stderr, fmt.Sprintf("after %d events", flood)) {
		t.Fatalf("exit %d stderr %q; want 5, the lost connection and the count", code, stderr)
	}
	if strings.Contains(stderr, "dropped") {
		t.Errorf("stderr %q: nothing may be dropped", stderr)
	}
	if n := checkSeqLines(t, out.String()); n != flood {
		t.Errorf("%d events written, want all %d", n, flood)
	}
}

// TestEventsBufferFull: past --buffer the stream stops loudly (exit 5, how
// many events, what to do), after writing what it held.
func TestEventsBufferFull(t *testing.T) {
	const flood = 2000 // about 500 KiB of events against a 64 KiB budget
	release := make(chan struct{})
	defer close(release)
	addr, sent := floodServer(t, flood, release)
	cfg := profilesFile(t, addr, "")
	out := &gatedWriter{open: make(chan struct{})}
	go func() {
		<-sent
		time.Sleep(500 * time.Millisecond)
		close(out.open)
	}()
	code, stderr := fxRunStreams(context.Background(), out, "--config", cfg, "-o", "json", "events", "--buffer", "64KiB")
	re := regexp.MustCompile(`^amsh: event buffer full: (\d+) events \(\S+\) waiting for the output, over the 64KiB budget; ` +
		`stopped after writing (\d+) events: raise --buffer, narrow --filter or --mask, or use --drop\n$`)
	m := re.FindStringSubmatch(stderr)
	if code != ExitConn || m == nil {
		t.Fatalf("exit %d stderr %q; want 5 and %s", code, stderr, re)
	}
	n := checkSeqLines(t, out.String())
	// Written: what was buffered, and what the output had taken before.
	var buffered int
	fmt.Sscan(m[1], &buffered)
	if m[2] != fmt.Sprint(n) || buffered == 0 || n < buffered || n >= flood {
		t.Errorf("%d written; stderr says %s buffered, %s written", n, m[1], m[2])
	}
}

// TestEventsDrop: --drop opts into drop-and-count: the events kept are in
// order, and the count of the others is on stderr.
func TestEventsDrop(t *testing.T) {
	const flood = 2000
	release := make(chan struct{})
	addr, sent := floodServer(t, flood, release)
	cfg := profilesFile(t, addr, "")
	out := &gatedWriter{open: make(chan struct{})}
	go func() {
		<-sent
		time.Sleep(500 * time.Millisecond)
		close(out.open)
		close(release)
	}()
	code, stderr := fxRunStreams(context.Background(), out, "--config", cfg, "-o", "json", "events", "--buffer", "64KiB", "--drop")
	m := regexp.MustCompile(`(?m)^(\d+) events dropped: the output could not keep up \(past --buffer 64KiB\)$`).FindStringSubmatch(stderr)
	if code != ExitConn || m == nil {
		t.Fatalf("exit %d stderr %q; want 5 and a dropped count", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	n, last := len(lines), -1
	for i, l := range lines {
		var ev map[string]string
		seq := -1
		if err := json.Unmarshal([]byte(l), &ev); err == nil {
			fmt.Sscan(ev["Seq"], &seq)
		}
		if seq <= last || (i == 0 && seq != 0) {
			t.Fatalf("line %d: %q; want Seq rising from 0", i, l)
		}
		last = seq
	}
	var dropped int
	fmt.Sscan(m[1], &dropped)
	if n+dropped != flood || n == 0 {
		t.Errorf("%d written + %d dropped, want %d in all", n, dropped, flood)
	}
}

// TestEventsReconnect: a lost link is redialled; the AmshReconnected marker
// (which passes any filter) comes before the new session's events.
func TestEventsReconnect(t *testing.T) {
	conns := 0
	fs := amitest.NewN(t, 2, func(c *amitest.Conn) {
		conns++
		fxEventsOn(c, "on")
		if conns == 1 {
			c.Send(userEvent(0, "AmshTest")) // then the connection closes
			return
		}
		c.Send(userEvent(1, "AmshTest"))
		// --count may be reached before Dial has returned the new session,
		// which then closes without a Logoff.
		if a, ok := c.Read(); ok {
			c.Reply(a, "Goodbye")
		}
	})
	cfg := profilesFile(t, fs.Addr(), "")
	var out syncBuffer
	before := time.Now().Truncate(time.Second)
	code, stderr := fxRunStreams(context.Background(), &out, "--config", cfg, "-o", "json", "events",
		"--reconnect", "--filter", "UserEvent", "--count", "2")
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if code != 0 || len(lines) != 3 {
		t.Fatalf("exit %d stderr %q stdout %q; want 0 and 3 lines", code, stderr, out.String())
	}
	var mk map[string]string
	if err := json.Unmarshal([]byte(lines[1]), &mk); err != nil {
		t.Fatal(err)
	}
	down, derr := time.Parse(time.RFC3339, mk["Down"])
	up, uerr := time.Parse(time.RFC3339, mk["Up"])
	if mk["Event"] != "AmshReconnected" || mk["Host"] != fs.Addr() || mk["Missed"] != "unknown" ||
		derr != nil || uerr != nil || down.Before(before) || up.Before(down) {
		t.Errorf("marker %q; want AmshReconnected with Host %s, Down <= Up and Missed: unknown", lines[1], fs.Addr())
	}
	if !strings.Contains(lines[0], `"Seq":"0"`) || !strings.Contains(lines[2], `"Seq":"1"`) {
		t.Errorf("lines %q: want Seq 0, the marker, Seq 1", lines)
	}
	if !regexp.MustCompile(`(?m)^profile fake: 127.0.0.1:\d+: connection lost: .*; reconnecting\nprofile fake: reconnected after \S+; events in the gap are lost`).MatchString(stderr) {
		t.Errorf("stderr %q: want the loss and the reconnection noted", stderr)
	}
}

// TestEventsReconnectRefused: a refused login ends --reconnect with exit 4.
func TestEventsReconnectRefused(t *testing.T) {
	conns := 0
	fs := amitest.NewN(t, 2, func(c *amitest.Conn) {
		conns++
		if conns == 2 {
			a, _ := c.Read()
			c.Reply(a, "Error", "Message: Authentication failed")
			return
		}
		fxEventsOn(c, "on")
		c.Send(userEvent(0, "AmshTest"))
	})
	cfg := profilesFile(t, fs.Addr(), "")
	var out syncBuffer
	code, stderr := fxRunStreams(context.Background(), &out, "--config", cfg, "-o", "json", "events", "--reconnect")
	if code != ExitAuth || !strings.Contains(stderr, "Authentication failed") || !strings.Contains(out.String(), `"Seq":"0"`) {
		t.Errorf("exit %d stderr %q stdout %q; want 4 after the first event", code, stderr, out.String())
	}
}

// TestEventsMaskFlag: --mask sets the Login's Events header.
func TestEventsMaskFlag(t *testing.T) {
	r := fxExec(t, false, "", eventsScript("call,user", userEvent(0, "AmshTest")), "events", "--mask", "call,user", "--count", "1")
	if r.Code != 0 || !strings.Contains(r.Stdout, "AmshTest") {
		t.Errorf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"256MiB": 256 << 20, "1GiB": 1 << 30, "64k": 64 << 10, "1.5M": 3 << 19, "100000": 100000, "2 GB": 2 << 30} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1MiB", "10", "5XB", "2TiB", "1..2M"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestEventsSandbox(t *testing.T) {
	sb, cfg := fxSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out syncBuffer
	done := make(chan [2]any, 1)
	go func() {
		code, stderr := fxRunStreams(ctx, &out, "--config", cfg, "-o", "json", "events",
			"--filter", "UserEvent", "--filter", "UserEvent=AmshTest", "--count", "5")
		done <- [2]any{code, stderr}
	}()

	// Another session makes the events: Local/ev05@amsh raises UserEvent
	// AmshTest five times. An originate made before `events` has logged
	// in is missed, so it is repeated until `events` has its five.
	s, err := ami.Dial(ctx, ami.Config{Addr: sb.Addr, Username: sb.User, Secret: sb.Secret, Auth: "md5", Events: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var res [2]any
wait:
	for {
		if _, err := s.Send(ctx, ami.NewAction("Originate", "Channel", "Local/ev05@amsh",
			"Application", "Wait", "Data", "1", "Async", "true")); err != nil {
			t.Fatalf("Originate: %v", err)
		}
		select {
		case res = <-done:
			break wait
		case <-time.After(2 * time.Second):
		case <-ctx.Done():
			t.Fatalf("no 5 UserEvents in 20s; got %q", out.String())
		}
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if res[0] != 0 || len(lines) != 5 {
		t.Fatalf("exit %v stderr %q; %d lines %q; want 5", res[0], res[1], len(lines), out.String())
	}
	for _, l := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil || ev["Event"] != "UserEvent" || ev["UserEvent"] != "AmshTest" {
			t.Errorf("line %q (%v): want a UserEvent AmshTest object", l, err)
		}
	}
}

// BenchmarkEventsJSON streams events from a fake server as fast as amsh
// reads them, through `events -o json` into a discarding writer, and
// reports how many were dropped: the stream is meant to keep up with a
// server replaying events as fast as it can.
func BenchmarkEventsJSON(b *testing.B) {
	ev := "Event: Newexten\r\nPrivilege: dialplan,all\r\nChannel: PJSIP/ep1-00000001\r\nChannelState: 6\r\n" +
		"ChannelStateDesc: Up\r\nCallerIDNum: 101\r\nCallerIDName: Alice\r\nConnectedLineNum: 102\r\n" +
		"ConnectedLineName: Bob\r\nLanguage: en\r\nAccountCode: \r\nContext: amsh\r\nExten: ev10\r\nPriority: 4\r\n" +
		"Uniqueid: 1795330259.257\r\nLinkedid: 1795330259.256\r\nExtension: ev10\r\nApplication: UserEvent\r\n" +
		"AppData: AmshTest,Seq: 1,Total: 10\r\n\r\n"
	const batch = 1000
	rounds := (b.N + batch - 1) / batch
	fs := amitest.New(b, func(c *amitest.Conn) {
		fxLogin(c, "on")
		chunk := strings.Repeat(ev, batch)
		for range rounds {
			c.Send(chunk)
		}
		// Then hang up: the stream ends (exit 5) once all is printed.
	})
	host, port, _ := strings.Cut(fs.Addr(), ":")
	cfg := filepath.Join(b.TempDir(), "profiles.yaml")
	os.WriteFile(cfg, []byte("profiles:\n  fake:\n    host: "+host+"\n    port: "+port+
		"\n    username: amsh\n    secret: s3cret\n    auth: plain\n"), 0o600)
	b.SetBytes(int64(len(ev)))
	b.ResetTimer()
	code, stderr := fxRunStreams(context.Background(), discard{}, "--config", cfg, "-o", "json", "events")
	b.StopTimer()
	var dropped float64
	fmt.Sscan(stderr, &dropped)
	b.ReportMetric(dropped/float64(rounds*batch)*100, "%dropped")
	if code != ExitConn {
		b.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestNewCmdEvents(t *testing.T) {
	for _, tc := range []struct {
		argv string
		want EventsOptions
	}{
		{"", EventsOptions{Buffer: defaultBuffer}},
		{"--count 3 --filter A --buffer 1GiB --reconnect",
			EventsOptions{Count: 3, Filters: []string{"A"}, Buffer: "1GiB", Reconnect: true}},
		{"--filter Hangup --filter Cause~^(17|21)$ --for 1m --drop --mask call,user",
			EventsOptions{Filters: []string{"Hangup", "Cause~^(17|21)$"}, For: time.Minute, Buffer: defaultBuffer, Drop: true, Mask: "call,user"}},
	} {
		got, err := parseCmd(t, NewCmdEvents, "", strings.Fields(tc.argv)...)
		if err != nil {
			t.Errorf("events %s: %v", tc.argv, err)
			continue
		}
		if got.IO == nil || got.Connection == nil || got.SessionConfig == nil || got.StreamRenderer == nil || got.Note == nil {
			t.Errorf("events %s: the factory's functions are not all set: %+v", tc.argv, got)
		}
		if !slices.Equal(got.Filters, tc.want.Filters) || got.Count != tc.want.Count || got.For != tc.want.For ||
			got.Buffer != tc.want.Buffer || got.Drop != tc.want.Drop || got.Reconnect != tc.want.Reconnect || got.Mask != tc.want.Mask {
			t.Errorf("events %s:\n got %+v\nwant %+v", tc.argv, *got, tc.want)
		}
	}
	_, err := parseCmd(t, NewCmdEvents, "", "Hangup")
	wantUsageError(t, err, `events: too many arguments: "Hangup" (it takes none)`)
	_, err = parseCmd(t, NewCmdEvents, "", "--count", "three")
	wantUsageError(t, err, `invalid argument "three" for "--count" flag: strconv.ParseInt: parsing "three": invalid syntax`)
}
