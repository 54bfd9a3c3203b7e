package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/sandboxtest"
)

// Fleet commands against three real Asterisks: the sandbox's instances 1, 2
// and 3 (profiles sandbox, sandbox2, sandbox3), used through the group
// sandboxes of the profiles file scripts/sandbox writes. Instance 3 is the
// one these tests stop and start; instance 1 is never restarted here.

// sandboxTarget is one instance as amsh names it in a fleet's output.
type sandboxTarget struct {
	k       int    // instance number for scripts/sandbox
	profile string // sandbox, sandbox2, ...
	addr    string // host:port of its AMI
}

// fxFleet returns the sandbox, its profiles file and every instance of the
// group sandboxes, in its order, each running and fully booted (a test that
// stopped one and failed before starting it again leaves nothing behind).
func fxFleet(t *testing.T) (*sandboxtest.Sandbox, string, []sandboxTarget) {
	t.Helper()
	sb := sandboxtest.Get(t)
	sb.NeedInstances(t, 3)
	var targets []sandboxTarget
	for i, addr := range sb.Instances() {
		k := i + 1
		sb.Start(t, k)
		name := "sandbox"
		if k > 1 {
			name = fmt.Sprintf("sandbox%d", k)
		}
		targets = append(targets, sandboxTarget{k, name, addr})
	}
	return sb, sb.Profiles(), targets
}

var fleetHeader = regexp.MustCompile(`(?m)^== (\S+) \((\S+)\) ==\n`)

// fleetSections cuts a fleet's text output at its header lines and checks
// that they name targets, in order; it returns what each one printed.
func fleetSections(t *testing.T, stdout string, targets []sandboxTarget) []string {
	t.Helper()
	hs := fleetHeader.FindAllStringSubmatchIndex(stdout, -1)
	if len(hs) != len(targets) || hs[0][0] != 0 {
		t.Fatalf("stdout %q: want %d sections, one per target, from the first line", stdout, len(targets))
	}
	var out []string
	for i, h := range hs {
		if name, addr := stdout[h[2]:h[3]], stdout[h[4]:h[5]]; name != targets[i].profile || addr != targets[i].addr {
			t.Errorf("header %d: == %s (%s) ==; want == %s (%s) ==", i+1, name, addr, targets[i].profile, targets[i].addr)
		}
		end := len(stdout)
		if i+1 < len(hs) {
			end = hs[i+1][0]
		}
		out = append(out, stdout[h[1]:end])
	}
	return out
}

// TestFleetSandboxCommand: one CLI command over the group: each instance's
// output under its header, in the group's order.
func TestFleetSandboxCommand(t *testing.T) {
	_, cfg, targets := fxFleet(t)
	r := (&run{Args: []string{"--config", cfg, "-p", "sandboxes", "command", "core show channels"}}).exec(t)
	if r.Code != 0 || r.Stderr != "" {
		t.Fatalf("exit %d stderr %q stdout %q", r.Code, r.Stderr, r.Stdout)
	}
	cli := regexp.MustCompile(`^Channel +Location +State +Application\(Data\) *\n(?s:.*)\d+ active channels?\n\d+ active calls?\n\d+ calls? processed\n$`)
	for i, s := range fleetSections(t, r.Stdout, targets) {
		if !cli.MatchString(s) {
			t.Errorf("%s printed %q; want core show channels' table and counts", targets[i].profile, s)
		}
	}
}

// TestFleetSandboxJSON: -o json over the group is one array, a document per
// instance in order, each with its profile and host and that instance's
// queue summary (the same queues everywhere).
func TestFleetSandboxJSON(t *testing.T) {
	_, cfg, targets := fxFleet(t)
	r := (&run{Args: []string{"--config", cfg, "-p", "sandboxes", "-o", "json", "queue", "summary"}}).exec(t)
	if r.Code != 0 || r.Stderr != "" {
		t.Fatalf("exit %d stderr %q stdout %q", r.Code, r.Stderr, r.Stdout)
	}
	var docs []struct {
		Profile string              `json:"profile"`
		Host    string              `json:"host"`
		Error   any                 `json:"error"`
		Events  []map[string]string `json:"events"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &docs); err != nil || len(docs) != len(targets) {
		t.Fatalf("stdout %q (%v): want an array of %d documents", r.Stdout, err, len(targets))
	}
	for i, d := range docs {
		var queues []string
		for _, ev := range d.Events {
			if ev["Event"] == "QueueSummary" {
				queues = append(queues, ev["Queue"])
			}
		}
		if d.Profile != targets[i].profile || d.Host != targets[i].addr || d.Error != nil ||
			strings.Join(queues, ",") != "support,sales" {
			t.Errorf("document %d: profile %q host %q error %v queues %q; want %s, %s, no error, support,sales",
				i, d.Profile, d.Host, d.Error, queues, targets[i].profile, targets[i].addr)
		}
	}
}

// TestFleetSandboxProfilesCheck: `profiles check` over the group logs in to
// each instance and reports its Asterisk version, a document per instance
// in order, each naming its profile once.
func TestFleetSandboxProfilesCheck(t *testing.T) {
	_, cfg, targets := fxFleet(t)
	r := (&run{Args: []string{"--config", cfg, "-p", "sandboxes", "-o", "json", "profiles", "check"}}).exec(t)
	var raws []json.RawMessage
	if err := json.Unmarshal([]byte(r.Stdout), &raws); err != nil || len(raws) != len(targets) || r.Code != 0 || r.Stderr != "" {
		t.Fatalf("exit %d stderr %q stdout %q (%v): want an array of %d documents", r.Code, r.Stderr, r.Stdout, err, len(targets))
	}
	for i, raw := range raws {
		var doc map[string]any
		json.Unmarshal(raw, &doc)
		version, _ := doc["asterisk_version"].(string)
		if doc["profile"] != targets[i].profile || doc["host"] != targets[i].addr || doc["address"] != targets[i].addr ||
			!strings.HasPrefix(version, "22.") || strings.Count(string(raw), `"profile":`) != 1 {
			t.Errorf("document %d: %s; want %s at %s, Asterisk 22, its profile named once", i, raw, targets[i].profile, targets[i].addr)
		}
	}
}

var longCall = regexp.MustCompile(`Local/long@amsh-[0-9a-f]+;`)

// longCalls lists the Local/long@amsh calls instance k has up ("…;" without
// the half), from `core show channels concise`.
func longCalls(t *testing.T, sb *sandboxtest.Sandbox, k int) []string {
	t.Helper()
	return longCall.FindAllString(sb.Cli(t, k, "core show channels concise"), -1)
}

// TestFleetSandboxHangup: a call originated on every instance by one fleet
// command, then one fleet hangup by regex: each instance lists its call's
// channels and has no Local/long@amsh channel left.
func TestFleetSandboxHangup(t *testing.T) {
	sb, cfg, targets := fxFleet(t)
	r := (&run{Args: []string{"--config", cfg, "-p", "sandboxes", "originate", "Local/long@amsh",
		"--app", "Wait", "--data", "600", "-y"}}).exec(t)
	if r.Code != 0 || r.Stderr != "" {
		t.Fatalf("originate: exit %d stderr %q stdout %q", r.Code, r.Stderr, r.Stdout)
	}
	for i, s := range fleetSections(t, r.Stdout, targets) {
		if !strings.Contains(s, "Originate successfully queued") {
			t.Errorf("originate on %s printed %q", targets[i].profile, s)
		}
	}
	// Originate is asynchronous: wait for each call to come up.
	calls := make([][]string, len(targets))
	for i, tg := range targets {
		for tries := 0; len(calls[i]) == 0; tries++ {
			if tries == 300 {
				t.Fatalf("%s: no Local/long@amsh channel 30 s after the originate", tg.profile)
			}
			time.Sleep(100 * time.Millisecond)
			calls[i] = longCalls(t, sb, tg.k)
		}
	}
	r = (&run{Args: []string{"--config", cfg, "-p", "sandboxes", "hangup", `/^Local\/long@amsh-/`, "-y"}}).exec(t)
	if r.Code != 0 || r.Stderr != "" {
		t.Fatalf("hangup: exit %d stderr %q stdout %q", r.Code, r.Stderr, r.Stdout)
	}
	t.Logf("hangup over the group:\n%s", r.Stdout)
	for i, s := range fleetSections(t, r.Stdout, targets) {
		if !strings.HasPrefix(s, "Channel\n") {
			t.Errorf("hangup on %s printed %q; want a Channel list", targets[i].profile, s)
		}
		// Either half of a Local pair may be the one listed (see TestHangupSandboxRegex).
		for _, call := range calls[i] {
			if !strings.Contains(s, call) {
				t.Errorf("hangup on %s printed %q; want a channel of %s", targets[i].profile, s, call)
			}
		}
	}
	for _, tg := range targets {
		for tries := 0; ; tries++ {
			left := longCalls(t, sb, tg.k)
			if len(left) == 0 {
				break
			}
			if tries == 100 {
				t.Errorf("%s: %v still up 10 s after the hangup", tg.profile, left)
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// TestFleetSandboxStopped: with instance 3 stopped, the live instances print
// their output, the stopped one a refused connection, and the exit status
// and the summary line are its; started again, the group succeeds again.
func TestFleetSandboxStopped(t *testing.T) {
	sb, cfg, targets := fxFleet(t)
	down := targets[2]
	t.Cleanup(func() { sb.Start(t, down.k) })
	sb.Stop(t, down.k)

	r := (&run{Args: []string{"--config", cfg, "-p", "sandboxes", "command", "core show uptime"}}).exec(t)
	t.Logf("instance %d stopped: exit %d\nstdout:\n%sstderr:\n%s", down.k, r.Code, r.Stdout, r.Stderr)
	refused := "dial " + down.addr + ": connect: connection refused"
	for i, s := range fleetSections(t, r.Stdout, targets) {
		if i == 2 && s != "" {
			t.Errorf("%s (stopped) printed %q on stdout", targets[i].profile, s)
		}
		if i != 2 && !regexp.MustCompile(`^System uptime: .*\nLast reload: .*\n$`).MatchString(s) {
			t.Errorf("%s printed %q; want its uptime", targets[i].profile, s)
		}
	}
	wantErr := fmt.Sprintf("amsh: %s: %s\namsh: 1 of %d failed: %s exit 5 %s\n", down.profile, refused, len(targets), down.profile, refused)
	if r.Code != ExitConn || r.Stderr != wantErr {
		t.Errorf("exit %d stderr %q; want 5 and %q", r.Code, r.Stderr, wantErr)
	}

	r = (&run{Args: []string{"--config", cfg, "-p", "sandboxes", "-o", "json", "queue", "summary"}}).exec(t)
	var docs []struct {
		Profile string `json:"profile"`
		Error   *struct {
			Exit    int    `json:"exit"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &docs); err != nil || len(docs) != len(targets) {
		t.Fatalf("json: stdout %q (%v): want %d documents", r.Stdout, err, len(targets))
	}
	for i, d := range docs {
		if failed := d.Error != nil; failed != (i == 2) || failed && (d.Error.Exit != ExitConn || d.Error.Message != refused) {
			t.Errorf("json document %d (%s): error %+v", i, d.Profile, d.Error)
		}
	}
	if r.Code != ExitConn {
		t.Errorf("json: exit %d, want 5", r.Code)
	}

	sb.Start(t, down.k)
	r = (&run{Args: []string{"--config", cfg, "-p", "sandboxes", "command", "core show uptime"}}).exec(t)
	if r.Code != 0 || r.Stderr != "" || len(fleetSections(t, r.Stdout, targets)) != len(targets) {
		t.Errorf("started again: exit %d stderr %q stdout %q", r.Code, r.Stderr, r.Stdout)
	}
}

// originateOn originates Local/EXTEN@amsh (its other end runs Wait(1)) on
// the AMI at addr, again every 2 s, until cond holds (asked every 100 ms).
func originateOn(t *testing.T, ctx context.Context, sb *sandboxtest.Sandbox, addr, exten string, cond func() bool) {
	t.Helper()
	for {
		s, err := ami.Dial(ctx, ami.Config{Addr: addr, Username: sb.User, Secret: sb.Secret, Auth: "md5", Events: "off"})
		if err == nil {
			_, err = s.Send(ctx, ami.NewAction("Originate", "Channel", "Local/"+exten+"@amsh",
				"Application", "Wait", "Data", "1", "Async", "true"))
			s.Close()
		}
		if err != nil {
			t.Logf("originate %s on %s: %v (retrying)", exten, addr, err)
		}
		for range 20 {
			if cond() {
				return
			}
			if ctx.Err() != nil {
				t.Fatalf("originate %s on %s: gave up: %v", exten, addr, ctx.Err())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// TestFleetSandboxEventsReconnect: `events --reconnect` over the group while
// instance 3 is stopped and started again: its part of the stream resumes
// after an AmshReconnected marker tagged sandbox3; the others stream on.
func TestFleetSandboxEventsReconnect(t *testing.T) {
	sb, cfg, targets := fxFleet(t)
	down := targets[2]
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
		f := NewFactory(ios)
		f.ReadSecret = nil
		// One event from every instance, then one more from the restarted one.
		done <- Run(ctx, f, []string{"--config", cfg, "-p", "sandboxes", "-o", "json", "events", "--reconnect",
			"--filter", "UserEvent=AmshTest", "--filter", "Total=01", "--count", fmt.Sprint(len(targets) + 1)})
	}()
	lines := func() []map[string]string {
		var evs []map[string]string
		for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			var ev map[string]string
			if l != "" && json.Unmarshal([]byte(l), &ev) == nil {
				evs = append(evs, ev)
			}
		}
		return evs
	}
	userEvents := func(profile string) int {
		n := 0
		for _, ev := range lines() {
			if ev["_profile"] == profile && ev["Event"] == "UserEvent" {
				n++
			}
		}
		return n
	}
	for _, tg := range targets {
		originateOn(t, ctx, sb, tg.addr, "ev01", func() bool { return userEvents(tg.profile) == 1 })
	}

	t.Cleanup(func() { sb.Start(t, down.k) })
	sb.Stop(t, down.k)
	sb.Start(t, down.k)
	for !strings.Contains(errOut.String(), "profile "+down.profile+": reconnected after") {
		select {
		case code := <-done:
			t.Fatalf("stream ended: exit %d stderr %q", code, errOut.String())
		case <-ctx.Done():
			t.Fatalf("%s not reconnected after 3 minutes; stderr %q", down.profile, errOut.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
	originateOn(t, ctx, sb, down.addr, "ev01", func() bool { return userEvents(down.profile) == 2 })
	code := <-done
	t.Logf("stdout:\n%sstderr:\n%s", out.String(), errOut.String())
	if code != 0 {
		t.Errorf("exit %d; want 0 after --count events", code)
	}
	per := map[string][]string{}
	for _, ev := range lines() {
		per[ev["_profile"]] = append(per[ev["_profile"]], ev["Event"])
		if ev["Event"] == "AmshReconnected" && (ev["_profile"] != down.profile || ev["Host"] != down.addr || ev["Missed"] != "unknown") {
			t.Errorf("marker %v: want it tagged %s with Host %s and Missed: unknown", ev, down.profile, down.addr)
		}
	}
	for _, tg := range targets {
		want := "UserEvent"
		if tg == down {
			want = "UserEvent AmshReconnected UserEvent"
		}
		if got := strings.Join(per[tg.profile], " "); got != want {
			t.Errorf("%s: events %q; want %q", tg.profile, got, want)
		}
	}
	if !regexp.MustCompile(`(?m)^profile ` + down.profile + `: 127\.0\.0\.1:\d+: connection lost: .*; reconnecting$`).MatchString(errOut.String()) {
		t.Errorf("stderr %q: want %s's loss noted", errOut.String(), down.profile)
	}
}
