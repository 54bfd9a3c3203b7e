package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
)

// watchedBuffer is a syncBuffer that closes seen once it holds every one of
// want: a fake server waits on it for amsh to have reported something.
type watchedBuffer struct {
	syncBuffer
	want []string
	seen chan struct{}
	once sync.Once
}

func newWatchedBuffer(want ...string) *watchedBuffer {
	return &watchedBuffer{want: want, seen: make(chan struct{})}
}

func (w *watchedBuffer) Write(p []byte) (int, error) {
	n, err := w.syncBuffer.Write(p)
	s := w.String()
	for _, x := range w.want {
		if !strings.Contains(s, x) {
			return n, err
		}
	}
	w.once.Do(func() { close(w.seen) })
	return n, err
}

// wait blocks a fake server's script until w has seen what it wants.
func (w *watchedBuffer) wait(c *amitest.Conn) {
	select {
	case <-w.seen:
	case <-time.After(10 * time.Second):
		c.T.Errorf("amsh did not write %q; it wrote %q", w.want, w.String())
	}
}

// fleetEventsRun runs amsh with stderr going to errOut (which a script may
// watch) and returns the exit code and stdout.
func fleetEventsRun(t *testing.T, errOut *watchedBuffer, args ...string) (int, string) {
	t.Helper()
	var out syncBuffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: errOut, Getenv: func(string) string { return "" }}
	f := NewFactory(ios)
	f.ReadSecret = nil
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return Run(ctx, f, args), out.String()
}

// userEventsScript logs in with events on, sends one UserEvent AmshTest per
// seq, then answers the Logoff that --count makes amsh send.
func userEventsScript(seqs ...int) func(c *amitest.Conn) {
	var b strings.Builder
	for _, i := range seqs {
		b.WriteString(userEvent(i, "AmshTest"))
	}
	return func(c *amitest.Conn) {
		fxEventsOn(c, "on")
		c.Send(b.String())
		fxMaybeBye(c)
	}
}

// fxMaybeBye answers a Logoff if one comes. A target whose events reach
// --count before its Dial has returned (they are delivered from the login
// on) is closed without one.
func fxMaybeBye(c *amitest.Conn) {
	if a, ok := c.Read(); ok {
		if !strings.EqualFold(a.Get("Action"), "Logoff") {
			c.T.Errorf("fake AMI server: want Logoff, got %q", a.Raw)
		}
		c.Reply(a, "Goodbye")
	}
}

// jsonEventLines parses JSON Lines into objects, keeping each line's keys
// in order under "" (space-separated).
func jsonEventLines(t *testing.T, out string) []map[string]string {
	t.Helper()
	var evs []map[string]string
	for l := range strings.Lines(out) {
		var ev map[string]string
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		ev[""] = keysOf(t, []byte(l))
		evs = append(evs, ev)
	}
	return evs
}

// checkPerTarget checks that each profile's UserEvents come in Seq order
// from 0 and returns how many each sent.
func checkPerTarget(t *testing.T, evs []map[string]string) map[string]int {
	t.Helper()
	next := map[string]int{}
	for _, ev := range evs {
		if ev["Event"] != "UserEvent" {
			continue
		}
		p := ev["_profile"]
		if ev["Seq"] != fmt.Sprint(next[p]) {
			t.Errorf("%s: Seq %s, want %d: a target's events in order, none missing", p, ev["Seq"], next[p])
		}
		next[p]++
	}
	return next
}

// TestFleetEventsJSON: events over two profiles, merged; every line has
// "_profile" as its first key; --count counts the merged stream (4 of the
// 6 sent), and both sessions are logged off.
func TestFleetEventsJSON(t *testing.T) {
	a := amitest.New(t, userEventsScript(0, 1, 2))
	b := amitest.New(t, userEventsScript(0, 1, 2))
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
	errOut := newWatchedBuffer()
	code, out := fleetEventsRun(t, errOut, "--config", cfg, "-p", "a,b", "-o", "json", "events", "--filter", "UserEvent", "--count", "4")
	evs := jsonEventLines(t, out)
	if code != 0 || len(evs) != 4 || errOut.String() != "" {
		t.Fatalf("exit %d, %d lines, stderr %q; want 0, 4 lines and nothing\n%s", code, len(evs), errOut.String(), out)
	}
	for _, ev := range evs {
		if !strings.HasPrefix(ev[""], "_profile Event ") || (ev["_profile"] != "a" && ev["_profile"] != "b") {
			t.Errorf("keys %q, _profile %q: want _profile (a or b) first", ev[""], ev["_profile"])
		}
	}
	if n := checkPerTarget(t, evs); n["a"]+n["b"] != 4 || n["a"] == 0 || n["b"] == 0 {
		t.Errorf("per target %v: want 4 in all from both", n)
	}
}

// TestFleetEventsText: in text every line of an event's block begins with
// "[NAME] "; the blank line between blocks stays blank.
func TestFleetEventsText(t *testing.T) {
	a := amitest.New(t, userEventsScript(0))
	b := amitest.New(t, userEventsScript(0))
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
	errOut := newWatchedBuffer()
	code, out := fleetEventsRun(t, errOut, "--config", cfg, "-p", "a,b", "events", "--filter", "UserEvent", "--count", "2")
	blocks := strings.Split(out, "\n\n")
	if code != 0 || len(blocks) != 2 || errOut.String() != "" {
		t.Fatalf("exit %d stderr %q stdout:\n%s\nwant 0 and two blocks", code, errOut.String(), out)
	}
	want := "Event:            UserEvent\nChannel:          Local/ev10@amsh-00000001;2\nChannelState:     6 (Up)\n" +
		"ChannelStateDesc: Up\nUniqueid:         1795330259.257\nUserEvent:        AmshTest\nSeq:              0\nTotal:            10\n"
	var got []string
	for _, blk := range blocks {
		name := strings.TrimPrefix(blk[:strings.Index(blk, "]")], "[")
		got = append(got, name)
		var plain strings.Builder
		for l := range strings.Lines(strings.TrimSuffix(blk, "\n") + "\n") {
			line, ok := strings.CutPrefix(l, "["+name+"] ")
			if !ok {
				t.Errorf("line %q: want the prefix [%s]", l, name)
			}
			plain.WriteString(line)
		}
		if plain.String() != want {
			t.Errorf("block from %s without its prefix:\n%s\nwant:\n%s", name, plain.String(), want)
		}
	}
	slices.Sort(got)
	if strings.Join(got, " ") != "a b" {
		t.Errorf("blocks from %q, want one from a and one from b", got)
	}
}

// TestFleetEventsReconnect: --reconnect applies per target: a's link drops
// and is redialled, its AmshReconnected marker tagged with a and before its
// next event, while b streams on.
func TestFleetEventsReconnect(t *testing.T) {
	conns := 0
	a := amitest.NewN(t, 2, func(c *amitest.Conn) {
		conns++
		fxEventsOn(c, "on")
		if conns == 1 {
			c.Send(userEvent(0, "AmshTest")) // then the connection closes
			return
		}
		c.Send(userEvent(1, "AmshTest"))
		fxMaybeBye(c)
	})
	b := amitest.New(t, userEventsScript(0))
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
	errOut := newWatchedBuffer()
	code, out := fleetEventsRun(t, errOut, "--config", cfg, "-p", "a,b", "-o", "json", "events",
		"--reconnect", "--filter", "UserEvent", "--count", "3")
	evs := jsonEventLines(t, out)
	if code != 0 || len(evs) != 4 {
		t.Fatalf("exit %d stderr %q stdout:\n%s\nwant 0 and 3 events and a marker", code, errOut.String(), out)
	}
	var fromA []string
	for _, ev := range evs {
		if ev["_profile"] == "a" {
			fromA = append(fromA, ev["Event"]+" "+ev["Seq"])
		}
		if ev["Event"] == "AmshReconnected" && (ev["_profile"] != "a" || ev["Host"] != a.Addr() || ev["Missed"] != "unknown" ||
			!strings.HasPrefix(ev[""], "_profile Event Host Down Up Missed")) {
			t.Errorf("marker %v: want it tagged a, with a's Host", ev)
		}
	}
	if strings.Join(fromA, ", ") != "UserEvent 0, AmshReconnected , UserEvent 1" {
		t.Errorf("from a: %q; want event 0, the marker, event 1", fromA)
	}
	if n := checkPerTarget(t, evs); n["b"] != 1 {
		t.Errorf("per target %v: want b's event", n)
	}
	if !regexp.MustCompile(`(?m)^profile a: 127.0.0.1:\d+: connection lost: .*; reconnecting\nprofile a: reconnected after `).MatchString(errOut.String()) {
		t.Errorf("stderr %q: want a's loss and reconnection noted", errOut.String())
	}
}

// TestFleetEventsTargetsDown: a target that cannot be reached and one that
// refuses the login are reported at once; the other streams on; at the end
// the exit status is the first failure's in the order given and the last
// line sums the failures up.
func TestFleetEventsTargetsDown(t *testing.T) {
	errOut := newWatchedBuffer("amsh: dead: ", "amsh: refused: ")
	ok := amitest.New(t, func(c *amitest.Conn) {
		fxEventsOn(c, "on")
		errOut.wait(c) // the failures are in: what follows streams after them
		c.Send(userEvent(0, "AmshTest") + userEvent(1, "AmshTest"))
		fxMaybeBye(c)
	})
	refused := amitest.New(t, func(c *amitest.Conn) {
		a, _ := c.Read()
		c.Reply(a, "Error", "Message: Authentication failed")
	})
	dead := amitest.ClosedAddr(t)
	cfg := fleetProfiles(t, []string{"ok", "dead", "refused"},
		map[string]string{"ok": ok.Addr(), "dead": dead, "refused": refused.Addr()}, "")
	code, out := fleetEventsRun(t, errOut, "--config", cfg, "-p", "ok,dead,refused", "-o", "json", "events", "--filter", "UserEvent", "--count", "2")
	evs := jsonEventLines(t, out)
	if n := checkPerTarget(t, evs); code != ExitConn || len(evs) != 2 || n["ok"] != 2 {
		t.Errorf("exit %d, events %v; want 5 (dead's) and ok's 2 events", code, evs)
	}
	lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	slices.Sort(lines[:2]) // the two failures, in the order they happened
	want := []*regexp.Regexp{
		regexp.MustCompile(`^amsh: dead: dial 127.0.0.1:\d+: .*refused$`),
		regexp.MustCompile(`^amsh: refused: login to 127.0.0.1:\d+ as "amsh" failed: Authentication failed$`),
		regexp.MustCompile(`^amsh: 2 of 3 failed: dead exit 5 dial .*refused; refused exit 4 login .*Authentication failed$`),
	}
	if len(lines) != len(want) {
		t.Fatalf("stderr %q", errOut.String())
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("stderr line %q, want %s", lines[i], re)
		}
	}
}

// TestFleetEventsReconnectRefused: with --reconnect, a target whose login
// is refused on redial ends with exit 4 while the other goes on.
func TestFleetEventsReconnectRefused(t *testing.T) {
	errOut := newWatchedBuffer("amsh: a: ")
	conns := 0
	a := amitest.NewN(t, 2, func(c *amitest.Conn) {
		conns++
		if conns == 2 {
			l, _ := c.Read()
			c.Reply(l, "Error", "Message: Authentication failed")
			return
		}
		fxEventsOn(c, "on")
		c.Send(userEvent(0, "AmshTest"))
	})
	b := amitest.New(t, func(c *amitest.Conn) {
		fxEventsOn(c, "on")
		c.Send(userEvent(0, "AmshTest"))
		errOut.wait(c) // a has ended: b still streams
		c.Send(userEvent(1, "AmshTest"))
		fxMaybeBye(c)
	})
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
	code, out := fleetEventsRun(t, errOut, "--config", cfg, "-p", "a,b", "-o", "json", "events", "--reconnect", "--count", "3")
	evs := jsonEventLines(t, out)
	if n := checkPerTarget(t, evs); code != ExitAuth || n["a"] != 1 || n["b"] != 2 {
		t.Errorf("exit %d per target %v stderr %q; want 4, a's event and b's two", code, n, errOut.String())
	}
	if !regexp.MustCompile(`(?m)^amsh: a: login to 127.0.0.1:\d+ as "amsh" failed: Authentication failed\n` +
		`amsh: 1 of 2 failed: a exit 4 login .*Authentication failed\n\z`).MatchString(errOut.String()) {
		t.Errorf("stderr %q", errOut.String())
	}
}

// TestFleetEventsLost: without --reconnect a target whose link drops ends
// its part with its error and the count of its events; the stream goes on
// until the last target ends.
func TestFleetEventsLost(t *testing.T) {
	errOut := newWatchedBuffer("amsh: a: ")
	a := amitest.New(t, func(c *amitest.Conn) {
		fxEventsOn(c, "on")
		c.Send(userEvent(0, "AmshTest")) // then the connection closes
	})
	b := amitest.New(t, func(c *amitest.Conn) {
		fxEventsOn(c, "on")
		errOut.wait(c)
		c.Send(userEvent(0, "AmshTest") + userEvent(1, "AmshTest")) // then it closes too
	})
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
	code, out := fleetEventsRun(t, errOut, "--config", cfg, "-p", "a,b", "-o", "json", "events", "--filter", "UserEvent")
	evs := jsonEventLines(t, out)
	if n := checkPerTarget(t, evs); code != ExitConn || n["a"] != 1 || n["b"] != 2 {
		t.Errorf("exit %d per target %v; want 5, a's event and b's two", code, n)
	}
	re := regexp.MustCompile(`^amsh: a: 127.0.0.1:\d+: connection lost.* \(after 1 events; --reconnect redials\)\n` +
		`amsh: b: 127.0.0.1:\d+: connection lost.* \(after 2 events; --reconnect redials\)\n` +
		`amsh: 2 of 2 failed: a exit 5 .*; b exit 5 .*\n$`)
	if !re.MatchString(errOut.String()) {
		t.Errorf("stderr %q, want %s", errOut.String(), re)
	}
}

// TestFleetEventsInterrupted: Ctrl-C ends a merged stream as it ends one:
// what arrived is written, exit 130; a target that failed before is in the
// summary line, before "interrupted".
func TestFleetEventsInterrupted(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	script := func(c *amitest.Conn) {
		fxEventsOn(c, "on")
		c.Send(userEvent(0, "AmshTest"))
		<-release
	}
	a, b := amitest.New(t, script), amitest.New(t, script)
	dead := amitest.ClosedAddr(t)
	cfg := fleetProfiles(t, []string{"a", "dead", "b"}, map[string]string{"a": a.Addr(), "dead": dead, "b": b.Addr()}, "")
	out := newWatchedBuffer(`{"_profile":"a"`, `{"_profile":"b"`)
	errOut := newWatchedBuffer("amsh: dead: ")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		ios := &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut, Getenv: func(string) string { return "" }}
		done <- Run(ctx, NewFactory(ios), []string{"--config", cfg, "-p", "a,dead,b", "-o", "json", "events"})
	}()
	for _, w := range []*watchedBuffer{out, errOut} {
		select {
		case <-w.seen:
		case <-time.After(10 * time.Second):
			t.Fatalf("amsh did not write %q: stdout %q stderr %q", w.want, out.String(), errOut.String())
		}
	}
	cancel()
	code := <-done
	evs := jsonEventLines(t, out.String())
	if n := checkPerTarget(t, evs); code != ExitInterrupted || len(evs) != 2 || n["a"] != 1 || n["b"] != 1 {
		t.Errorf("exit %d, events %v; want 130 and one event from each", code, evs)
	}
	re := regexp.MustCompile(`^amsh: dead: dial .*refused\namsh: 1 of 3 failed: dead exit 5 dial .*refused\namsh: interrupted\n$`)
	if !re.MatchString(errOut.String()) {
		t.Errorf("stderr %q, want %s", errOut.String(), re)
	}
}

// TestFleetEventsSilentTarget: a target that accepts but never sends its
// banner does not hold the stream past --count: its dial is stopped with
// the others, and it is no failure.
func TestFleetEventsSilentTarget(t *testing.T) {
	ok := amitest.New(t, userEventsScript(0))
	cfg := fleetProfiles(t, []string{"silent", "ok"}, map[string]string{"silent": amitest.Silent(t), "ok": ok.Addr()}, "")
	errOut := newWatchedBuffer()
	start := time.Now()
	code, out := fleetEventsRun(t, errOut, "--config", cfg, "-p", "silent,ok", "-o", "json", "events", "--filter", "UserEvent", "--count", "1")
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %s: want the stream to end at --count, not at the silent target's dial timeout (10s)", took)
	}
	if evs := jsonEventLines(t, out); code != 0 || len(evs) != 1 || errOut.String() != "" {
		t.Errorf("exit %d, events %v, stderr %q; want 0, ok's event and nothing", code, evs, errOut.String())
	}
}

// TestFleetEventsTrace: --trace over several profiles names the target on
// every line, as a one-shot command over several does ("a: > Action: ..."),
// and masks the secret.
func TestFleetEventsTrace(t *testing.T) {
	a := amitest.New(t, userEventsScript(0))
	b := amitest.New(t, userEventsScript(0))
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
	errOut := newWatchedBuffer()
	code, _ := fleetEventsRun(t, errOut, "--config", cfg, "-p", "a,b", "--trace", "-o", "json", "events", "--filter", "UserEvent", "--count", "2")
	lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	if code != 0 || len(lines) < 10 {
		t.Fatalf("exit %d stderr %q", code, errOut.String())
	}
	from := map[string]int{}
	for _, l := range lines {
		name, rest, _ := strings.Cut(l, ": ")
		if (name != "a" && name != "b") || !strings.HasPrefix(rest, "< ") && !strings.HasPrefix(rest, "> ") {
			t.Errorf("stderr line %q: want it to begin with the target's name and the direction", l)
		}
		from[name]++
	}
	if from["a"] == 0 || from["b"] == 0 || strings.Contains(errOut.String(), "s3cret") {
		t.Errorf("stderr %q: want both targets' traces, the secret masked", errOut.String())
	}
}
