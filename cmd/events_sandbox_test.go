package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/sandboxtest"
)

// originateUntil originates Local/EXTEN@amsh, again every 2 s, until cond
// holds (cond is asked once per poll, so it may consume what it checks). The
// call's other end waits wait seconds: the ev extensions stop when it hangs up.
func originateUntil(t *testing.T, ctx context.Context, sb *sandboxtest.Sandbox, exten string, wait int, cond func() bool) {
	t.Helper()
	for {
		s, err := ami.Dial(ctx, ami.Config{Addr: sb.Addr, Username: sb.User, Secret: sb.Secret, Auth: "md5", Events: "off"})
		if err == nil {
			_, err = s.Send(ctx, ami.NewAction("Originate", "Channel", "Local/"+exten+"@amsh",
				"Application", "Wait", "Data", fmt.Sprint(wait), "Async", "true"))
			s.Close()
		}
		if err != nil {
			t.Logf("originate %s: %v (retrying)", exten, err)
		}
		for range 20 {
			if cond() {
				return
			}
			if ctx.Err() != nil {
				t.Fatalf("originate %s: gave up: %v", exten, ctx.Err())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// seqLines decodes JSON Lines of UserEvents, keeping those whose Total is total.
func seqLines(t *testing.T, out string, total string) (seqs []string, events []map[string]string) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var ev map[string]string
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		events = append(events, ev)
		if ev["Total"] == total {
			seqs = append(seqs, ev["Seq"])
		}
	}
	return seqs, events
}

// TestEventsSandboxFloodStalled: a real Asterisk floods 50,000 UserEvents
// (with their VarSet and Newexten companions, about 300,000 events) into
// `amsh events` while its consumer stalls for 3 s; then SIGTERM. Every
// UserEvent is written, in order, and amsh exits 130.
func TestEventsSandboxFloodStalled(t *testing.T) {
	sb, cfg := fxSandbox(t)
	const total = 50000
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := exec.Command(sandboxtest.BuildAmsh(t), "--config", cfg, "-o", "json", "events", "--filter", "UserEvent=AmshTest")
	var stderr syncBuffer
	c.Stderr = &stderr
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Process.Kill()
	lines := make(chan string, 1<<17)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() { t.Logf("amsh stderr: %q", stderr.String()) })
	// One event read shows the stream is up.
	var got []string
	originateUntil(t, ctx, sb, "ev01", 1, func() bool {
		select {
		case l := <-lines:
			got = append(got, l)
			return true
		default:
			return false
		}
	})
	// The flood, while nobody reads amsh's output.
	originateUntil(t, ctx, sb, fmt.Sprintf("ev%d", total), 300, func() bool { return true })
	time.Sleep(3 * time.Second)
	last := fmt.Sprintf(`"Seq":"%d","Total":"%d"`, total-1, total)
	for !strings.Contains(got[len(got)-1], last) {
		select {
		case l, ok := <-lines:
			if !ok {
				c.Wait()
				t.Fatalf("stream ended early: %s; stderr %q; %d lines", c.ProcessState, stderr.String(), len(got))
			}
			got = append(got, l)
		case <-ctx.Done():
			t.Fatalf("no %s after 3 minutes; %d lines", last, len(got))
		}
	}
	sb.Rx(t, "channel request hangup all")
	rss := peakRSS(c.Process.Pid)
	c.Process.Signal(syscall.SIGTERM) // as Ctrl-C: exit 130 after writing everything received
	for l := range lines {
		got = append(got, l)
	}
	err = c.Wait()
	if code := c.ProcessState.ExitCode(); code != ExitInterrupted {
		t.Errorf("exit %d (%v) stderr %q; want 130", code, err, stderr.String())
	}
	seqs, _ := seqLines(t, strings.Join(got, "\n"), fmt.Sprint(total))
	if len(seqs) != total {
		t.Fatalf("%d of %d UserEvents written", len(seqs), total)
	}
	for i, s := range seqs {
		if s != fmt.Sprint(i) {
			t.Fatalf("event %d has Seq %s: out of order or missing", i, s)
		}
	}
	t.Logf("%d UserEvents written in order after a 3 s stall; peak RSS %s", total, rss)
}

// peakRSS reads a process's peak resident set size from /proc.
func peakRSS(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// TestEventsSandboxReconnect: `core restart now` under `events --reconnect`:
// the stream goes on, with one AmshReconnected marker at the gap.
func TestEventsSandboxReconnect(t *testing.T) {
	sb, cfg := fxSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out syncBuffer
	var errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
		f := NewFactory(ios)
		f.ReadSecret = nil
		done <- Run(ctx, f, []string{"--config", cfg, "-o", "json", "events", "--reconnect",
			"--filter", "UserEvent=AmshTest", "--filter", "Total=01", "--count", "2"})
	}()
	originateUntil(t, ctx, sb, "ev01", 1, func() bool { return out.String() != "" })
	before := time.Now()
	sb.Rx(t, "core restart now")
	for !strings.Contains(errOut.String(), "reconnected after") {
		select {
		case code := <-done:
			t.Fatalf("stream ended: exit %d stderr %q", code, errOut.String())
		case <-ctx.Done():
			t.Fatalf("not reconnected after 3 minutes; stderr %q", errOut.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
	originateUntil(t, ctx, sb, "ev01", 1, func() bool { return strings.Count(out.String(), "\n") >= 3 })
	code := <-done
	t.Logf("stdout:\n%sstderr:\n%s", out.String(), errOut.String())
	_, events := seqLines(t, out.String(), "01")
	if code != 0 || len(events) != 3 {
		t.Fatalf("exit %d, %d lines; want 0 and 3 (event, marker, event)", code, len(events))
	}
	mk := events[1]
	down, derr := time.Parse(time.RFC3339, mk["Down"])
	up, uerr := time.Parse(time.RFC3339, mk["Up"])
	if events[0]["Event"] != "UserEvent" || events[2]["Event"] != "UserEvent" || mk["Event"] != "AmshReconnected" ||
		mk["Host"] != sb.Addr || mk["Missed"] != "unknown" || derr != nil || uerr != nil ||
		down.Before(before.Truncate(time.Second)) || up.Before(down) {
		t.Errorf("lines %v: want a UserEvent, the AmshReconnected marker (Host %s, Down <= Up, Missed: unknown), a UserEvent", events, sb.Addr)
	}
}

// TestEventsSandboxFirstEvents: the events Asterisk sends right after the
// login reach the stream: FullyBooted, then the SuccessfulAuth of amsh's
// own login.
func TestEventsSandboxFirstEvents(t *testing.T) {
	_, cfg := fxSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out syncBuffer
	code, stderr := fxRunStreams(ctx, &out, "--config", cfg, "-o", "json", "events", "--count", "2", "--for", "10s")
	_, events := seqLines(t, out.String(), "")
	if code != 0 || len(events) != 2 {
		t.Fatalf("exit %d stderr %q stdout %q; want 0 and two events", code, stderr, out.String())
	}
	if events[0]["Event"] != "FullyBooted" || events[1]["Event"] != "SuccessfulAuth" || events[1]["AccountID"] != "amsh" {
		t.Errorf("first events %v; want FullyBooted, then SuccessfulAuth of account amsh", events)
	}
}
