package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/amsh/amsh/internal/amitest"
)

// fleetProfiles writes a profiles file with one profile per name, in the
// order given, each pointing at its address for user amsh with secret
// "s3cret" (auth plain), then extra, and returns its path.
func fleetProfiles(t *testing.T, names []string, addrs map[string]string, extra string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("profiles:\n")
	for _, n := range names {
		host, port, _ := strings.Cut(addrs[n], ":")
		b.WriteString("  " + n + ": {host: " + host + ", port: " + port + ", username: amsh, secret: s3cret, auth: plain}\n")
	}
	b.WriteString(extra)
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// pingError answers Ping with Response: Error.
func pingError(c *amitest.Conn) {
	fxLogin(c, "off")
	a := c.Expect("Ping")
	c.Reply(a, "Error", "Message: Permission denied")
}

var fxPong = regexp.MustCompile(`in [0-9.]+ ms`)

// TestFleetText: each target's output under its header, in the order
// given, although b answers first.
func TestFleetText(t *testing.T) {
	a := amitest.New(t, pingScript(200*time.Millisecond))
	b := amitest.New(t, pingScript(0))
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
	r := (&run{Args: []string{"--config", cfg, "-p", "a,b", "ping"}}).exec(t)
	want := "== a (" + a.Addr() + ") ==\nPong from " + a.Addr() + " in RTT\n" +
		"== b (" + b.Addr() + ") ==\nPong from " + b.Addr() + " in RTT\n"
	if got := fxPong.ReplaceAllString(r.Stdout, "in RTT"); got != want || r.Code != 0 || r.Stderr != "" {
		t.Errorf("exit %d\nstdout %q\nwant   %q\nstderr %q", r.Code, got, want, r.Stderr)
	}
}

// keysOf lists the keys of the JSON object obj, in order.
func keysOf(t *testing.T, obj []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %q", obj)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		var v json.RawMessage
		if err != nil || dec.Decode(&v) != nil {
			t.Fatalf("not an object: %q", obj)
		}
		keys = append(keys, k.(string))
	}
	return strings.Join(keys, " ")
}

// TestFleetJSON: one array, in order, each document with profile and host
// added, and an error object for the target that could not be reached.
func TestFleetJSON(t *testing.T) {
	a := amitest.NewN(t, 2, pingScript(0))
	dead := amitest.ClosedAddr(t)
	cfg := fleetProfiles(t, []string{"a", "dead"}, map[string]string{"a": a.Addr(), "dead": dead}, "")
	r := (&run{Args: []string{"--config", cfg, "-p", "a,dead", "-o", "json", "ping"}}).exec(t)
	var docs []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &docs); err != nil || len(docs) != 2 {
		t.Fatalf("stdout %q: %v", r.Stdout, err)
	}
	if docs[0]["profile"] != "a" || docs[0]["host"] != a.Addr() || len(docs[0]) < 3 || docs[0]["error"] != nil {
		t.Errorf("a: %v", docs[0])
	}
	e, _ := docs[1]["error"].(map[string]any)
	if docs[1]["profile"] != "dead" || docs[1]["host"] != dead || e == nil || e["exit"] != float64(ExitConn) ||
		!strings.Contains(e["message"].(string), "refused") || strings.HasPrefix(e["message"].(string), "profile") {
		t.Errorf("dead: %v", docs[1])
	}
	// The keys amsh adds come first, then the document's own, in order:
	// ping's, as one target prints them.
	one := (&run{Args: []string{"--config", cfg, "-p", "a", "-o", "json", "ping"}}).exec(t)
	var raws []json.RawMessage
	json.Unmarshal([]byte(r.Stdout), &raws)
	if !strings.HasPrefix(r.Stdout, "[\n  {\n    \"profile\": \"a\",\n    \"host\": \""+a.Addr()+"\",\n") ||
		keysOf(t, raws[0]) != "profile host "+keysOf(t, []byte(one.Stdout)) || keysOf(t, raws[1]) != "profile host error" {
		t.Errorf("layout:\n%s", r.Stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.Stderr, "\n"), "\n")
	if r.Code != ExitConn || !strings.HasPrefix(lines[len(lines)-1], "amsh: 1 of 2 failed: dead exit 5 ") ||
		!strings.HasPrefix(lines[0], "amsh: dead: ") {
		t.Errorf("exit %d stderr %q", r.Code, r.Stderr)
	}
}

func TestFleetYAML(t *testing.T) {
	a := amitest.New(t, pingScript(0))
	dead := amitest.ClosedAddr(t)
	cfg := fleetProfiles(t, []string{"a", "dead"}, map[string]string{"a": a.Addr(), "dead": dead}, "")
	r := (&run{Args: []string{"--config", cfg, "--all", "-o", "yaml", "ping"}}).exec(t)
	var docs []map[string]any
	if err := yaml.Unmarshal([]byte(r.Stdout), &docs); err != nil || len(docs) != 2 {
		t.Fatalf("stdout %q: %v", r.Stdout, err)
	}
	if docs[0]["profile"] != "a" || len(docs[0]) < 3 {
		t.Errorf("a: %v", docs[0])
	}
	if e, _ := docs[1]["error"].(map[string]any); e == nil || e["exit"] != ExitConn {
		t.Errorf("dead: %v", docs[1])
	}
	if !strings.HasPrefix(r.Stdout, "- profile: a\n  host: ") || r.Code != ExitConn {
		t.Errorf("exit %d stdout:\n%s", r.Code, r.Stdout)
	}
}

// TestFleetSelection: globs (matches sorted by name), groups (in their
// order), --all (file order), duplicates dropped, and a glob or group of
// one that runs as -p NAME does, with no header.
func TestFleetSelection(t *testing.T) {
	names := []string{"pbx-b", "pbx-a", "lab"}
	const runs = 6
	addrs := map[string]string{}
	for _, n := range names {
		addrs[n] = amitest.NewN(t, runs, pingScript(0)).Addr()
	}
	cfg := fleetProfiles(t, names, addrs, "groups:\n  prod: [pbx-b, lab]\n  one: ['l*']\n")
	for _, tc := range []struct {
		args []string
		want string // the headers' names, or "" for no header
	}{
		{[]string{"-p", "pbx-*"}, "pbx-a pbx-b"},
		{[]string{"-p", "prod"}, "pbx-b lab"},
		{[]string{"-p", "lab,pbx-*,lab"}, "lab pbx-a pbx-b"},
		{[]string{"--all"}, "pbx-b pbx-a lab"},
		{[]string{"-p", "one"}, ""},
		{[]string{"-p", "pbx-a*"}, ""},
	} {
		r := (&run{Args: append(append([]string{"--config", cfg}, tc.args...), "ping")}).exec(t)
		var got []string
		for _, m := range regexp.MustCompile(`(?m)^== (\S+) \(`).FindAllStringSubmatch(r.Stdout, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, " ") != tc.want || r.Code != 0 || strings.Count(r.Stdout, "Pong") != max(1, len(got)) {
			t.Errorf("%q: exit %d headers %q, want %q\nstdout %q stderr %q", tc.args, r.Code, got, tc.want, r.Stdout, r.Stderr)
		}
	}
	// $AMSH_PROFILE names several too.
	r := (&run{Args: []string{"--config", cfg, "ping"}, Env: map[string]string{"AMSH_PROFILE": "prod"}}).exec(t)
	if strings.Count(r.Stdout, "== ") != 2 || r.Code != 0 {
		t.Errorf("$AMSH_PROFILE=prod: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// TestFleetFailures: exit status of the first failing target in the order
// given, a summary line last, and a broken profile failing only itself.
func TestFleetFailures(t *testing.T) {
	ok := amitest.New(t, pingScript(0))
	refused := amitest.New(t, pingError)
	dead := amitest.ClosedAddr(t)
	cfg := fleetProfiles(t, []string{"ok", "refused", "dead"},
		map[string]string{"ok": ok.Addr(), "refused": refused.Addr(), "dead": dead},
		"  broken: {host: h}\n")
	r := (&run{Args: []string{"--config", cfg, "-p", "ok,refused,broken,dead", "ping"}}).exec(t)
	if r.Code != ExitAsterisk {
		t.Errorf("exit %d, want 1 (the first failure's)", r.Code)
	}
	if !regexp.MustCompile(`^== ok \(127.0.0.1:\d+\) ==\nPong from [^\n]+\n== refused \(127.0.0.1:\d+\) ==\n== broken ==\n== dead \(127.0.0.1:\d+\) ==\n$`).MatchString(r.Stdout) {
		t.Errorf("stdout %q", r.Stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.Stderr, "\n"), "\n")
	want := []*regexp.Regexp{
		regexp.MustCompile(`^amsh: refused: Ping: Asterisk said: Permission denied$`),
		regexp.MustCompile(`^amsh: broken: .*profiles.yaml:5: profile "broken": missing required key "username"$`),
		regexp.MustCompile(`^amsh: dead: .*refused`),
		regexp.MustCompile(`^amsh: 3 of 4 failed: refused exit 1 Ping: Asterisk said: Permission denied; broken exit 2 .*; dead exit 5 .*refused`),
	}
	if len(lines) != len(want) {
		t.Fatalf("stderr %q", r.Stderr)
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("stderr line %d %q, want %s", i+1, lines[i], re)
		}
	}
}

// TestFleetRefused: what does not run on several profiles yet says so
// (exit 2) before dialling; what never dials runs once.
func TestFleetRefused(t *testing.T) {
	a := amitest.New(t, fxNeverDialed)
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": a.Addr()}, "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-p", "a,b", "shell"}, "the shell over several profiles is not supported yet; give one profile"},
		{[]string{"--all"}, "the shell over several profiles is not supported yet; give one profile"},
		{[]string{"-p", "a,b", "ping", "--watch"}, "--watch over several profiles is not supported yet"},
		{[]string{"-p", "a,b", "--host", "127.0.0.1", "ping"}, "--host ($AMSH_HOST) names one server; it cannot go with 2 profiles"},
		{[]string{"-p", "a", "--all", "ping"}, "--all and --profile: give one of them"},
		{[]string{"-p", "a,b", "--parallel", "0", "ping"}, "--parallel 0: want at least 1"},
		{[]string{"-p", "a,c", "ping"}, `unknown profile "c" in CFG (have: a, b)`},
		{[]string{"-p", "x*", "ping"}, `no profile in CFG matches "x*" (have: a, b)`},
	} {
		r := (&run{Args: append([]string{"--config", cfg}, tc.args...)}).exec(t)
		if r.Code != ExitUsage || strings.ReplaceAll(r.Stderr, cfg, "CFG") != "amsh: "+tc.want+"\n" || r.Stdout != "" {
			t.Errorf("%q: exit %d stdout %q stderr %q", tc.args, r.Code, r.Stdout, r.Stderr)
		}
	}
	r := (&run{Args: []string{"--config", cfg, "-p", "a,b", "profiles", "list"}}).exec(t)
	if r.Code != 0 || strings.Contains(r.Stdout, "==") || !strings.Contains(r.Stdout, "a") {
		t.Errorf("profiles list: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// hangupScript answers one Hangup of channel.
func hangupScript(channel string) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		fxLogin(c, "off")
		a := c.Expect("Hangup")
		if got := a.Get("Channel"); got != channel {
			c.T.Errorf("Hangup Channel %q, want %q", got, channel)
		}
		c.Reply(a, "Success", "Message: Channel Hungup")
		fxBye(c)
	}
}

// TestFleetConfirm: one question for all targets, naming how many; a no
// does nothing anywhere.
func TestFleetConfirm(t *testing.T) {
	a := amitest.New(t, hangupScript("PJSIP/1-00000001"))
	b := amitest.New(t, hangupScript("PJSIP/1-00000001"))
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
	r := (&run{Args: []string{"--config", cfg, "-p", "a,b", "hangup", "PJSIP/1-00000001"}, TTY: true, Stdin: "y\n"}).exec(t)
	if r.Code != 0 || r.Stderr != "hang up PJSIP/1-00000001 on 2 PBXes? [y/N] " || strings.Count(r.Stdout, "== ") != 2 {
		t.Errorf("yes: exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}

	never := amitest.New(t, fxNeverDialed)
	cfg = fleetProfiles(t, []string{"a", "b", "c"}, map[string]string{"a": never.Addr(), "b": never.Addr(), "c": never.Addr()},
		"  d: {host: 127.0.0.1, port: 1, username: amsh, confirm: false}\n")
	noColor := map[string]string{"NO_COLOR": "1"}
	r = (&run{Args: []string{"--config", cfg, "--all", "command", "core", "restart", "now"}, TTY: true, Stdin: "n\n", Env: noColor}).exec(t)
	want := "run \"core restart now\" on 3 PBXes? [y/N] amsh: not confirmed; nothing done\n"
	if r.Code != ExitAsterisk || r.Stderr != want || r.Stdout != "" {
		t.Errorf("no: exit %d stdout %q stderr %q, want %q", r.Code, r.Stdout, r.Stderr, want)
	}
	// With --yes nothing is asked, as with one profile.
	dead := amitest.ClosedAddr(t)
	cfg = fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": dead, "b": dead}, "")
	r = (&run{Args: []string{"--config", cfg, "-p", "a,b", "--yes", "hangup", "x"}, TTY: true, Env: noColor}).exec(t)
	if strings.Contains(r.Stderr, "[y/N]") || r.Code != ExitConn {
		t.Errorf("--yes: exit %d stderr %q", r.Code, r.Stderr)
	}
}

// TestFleetErrorNamesTargetOnce: a target's error names it once, at the
// start of its line and in the summary, even when the command's name comes
// before "profile NAME: " in the message (queue summary: profile b: ...).
func TestFleetErrorNamesTargetOnce(t *testing.T) {
	b := amitest.New(t, func(c *amitest.Conn) {
		fxLogin(c, "off")
		a := c.Expect("QueueSummary")
		c.Reply(a, "Error", "Message: Permission denied")
	})
	dead := amitest.ClosedAddr(t)
	cfg := fleetProfiles(t, []string{"b", "dead"}, map[string]string{"b": b.Addr(), "dead": dead}, "")
	r := (&run{Args: []string{"--config", cfg, "-p", "b,dead", "queue", "summary"}}).exec(t)
	want := "amsh: b: queue summary: QueueSummary: Asterisk said: Permission denied\n" +
		"amsh: dead: dial " + dead + ": connect: connection refused\n" +
		"amsh: 2 of 2 failed: b exit 1 queue summary: QueueSummary: Asterisk said: Permission denied; " +
		"dead exit 5 dial " + dead + ": connect: connection refused\n"
	if r.Code != ExitAsterisk || r.Stderr != want {
		t.Errorf("exit %d stderr\n%s\nwant 1 and\n%s", r.Code, r.Stderr, want)
	}
}

// TestFleetInterrupted: Ctrl-C during a fleet: the targets done are
// printed, the summary line names the others, then "interrupted" and exit
// 130, as a merged event stream ends.
func TestFleetInterrupted(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	a := amitest.New(t, pingScript(0))
	b := amitest.New(t, func(c *amitest.Conn) {
		fxLogin(c, "off")
		c.Expect("Ping")
		<-release // never answered
	})
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
	out := newWatchedBuffer("Pong from ")
	var errOut syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-out.seen:
		case <-time.After(10 * time.Second):
		}
		time.Sleep(50 * time.Millisecond) // b's Ping is out
		cancel()
	}()
	ios := &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	code := Run(ctx, NewFactory(ios), []string{"--config", cfg, "-p", "a,b", "ping"})
	want := "amsh: b: interrupted\namsh: 1 of 2 failed: b exit 130 interrupted\namsh: interrupted\n"
	if code != ExitInterrupted || errOut.String() != want || !strings.Contains(out.String(), "== b (") {
		t.Errorf("exit %d stdout %q stderr %q; want 130, both headers and stderr %q", code, out.String(), errOut.String(), want)
	}
}

// TestFleetDocumentsStream: with -o json or yaml (no --jq) a target's
// document is written as soon as it and those before it are done, not when
// the last target is: b answers only once a's document is on stdout. The
// array is the same as printed whole.
func TestFleetDocumentsStream(t *testing.T) {
	for _, tc := range []struct{ format, aDone string }{
		{"json", "[\n  {\n    \"profile\": \"a\","},
		{"yaml", "- profile: a\n"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			out := newWatchedBuffer(tc.aDone)
			a := amitest.New(t, pingScript(0))
			b := amitest.New(t, func(c *amitest.Conn) {
				fxLogin(c, "off")
				p := c.Expect("Ping")
				out.wait(c) // a's document first
				c.Reply(p, "Success", "Ping: Pong", "Timestamp: 1795329590.896851")
				fxBye(c)
			})
			cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
			var errOut syncBuffer
			ios := &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
			code := Run(context.Background(), NewFactory(ios), []string{"--config", cfg, "-p", "a,b", "-o", tc.format, "ping"})
			var docs []map[string]any
			var err error
			if tc.format == "json" {
				err = json.Unmarshal([]byte(out.String()), &docs)
			} else {
				err = yaml.Unmarshal([]byte(out.String()), &docs)
			}
			if code != 0 || err != nil || len(docs) != 2 || docs[0]["profile"] != "a" || docs[1]["profile"] != "b" {
				t.Errorf("exit %d (%v) stdout %q stderr %q", code, err, out.String(), errOut.String())
			}
		})
	}
}

// TestFleetProfilesCheck: `profiles check` without NAME checks each profile
// -p names, as any one-shot command runs on several, and the target's name
// is said once (the envelope's "profile", the merged list's Profile), not
// twice. With NAME it checks that one profile only, once.
func TestFleetProfilesCheck(t *testing.T) {
	a := amitest.NewN(t, 3, checkScript)
	b := amitest.NewN(t, 4, checkScript)
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")

	r := (&run{Args: []string{"--config", cfg, "-p", "a,b", "-o", "json", "profiles", "check"}}).exec(t)
	var raws []json.RawMessage
	if err := json.Unmarshal([]byte(r.Stdout), &raws); err != nil || len(raws) != 2 || r.Code != 0 || r.Stderr != "" {
		t.Fatalf("exit %d stderr %q stdout %q (%v): want an array of 2 documents", r.Code, r.Stderr, r.Stdout, err)
	}
	for i, want := range []struct{ name, addr string }{{"a", a.Addr()}, {"b", b.Addr()}} {
		var doc map[string]any
		json.Unmarshal(raws[i], &doc)
		keys := keysOf(t, raws[i])
		if keys != "profile host address username tls banner asterisk_version ami_version login_time round_trip" ||
			doc["profile"] != want.name || doc["host"] != want.addr || doc["address"] != want.addr || doc["asterisk_version"] != "22.10.1" {
			t.Errorf("document %d: keys %q, %v; want profile %s at %s once, first", i, keys, doc, want.name, want.addr)
		}
	}

	r = (&run{Args: []string{"--config", cfg, "-p", "a,b", "--merge", "profiles", "check"}}).exec(t)
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if r.Code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "Profile ") || strings.Contains(strings.ToLower(lines[0][1:]), "profile") ||
		!strings.HasPrefix(lines[1], "a ") || !strings.HasPrefix(lines[2], "b ") || strings.Contains(r.Stdout, "a, a") {
		t.Errorf("--merge: exit %d stderr %q stdout:\n%s\nwant one Profile column and a row for a, then b", r.Code, r.Stderr, r.Stdout)
	}

	r = (&run{Args: []string{"--config", cfg, "-p", "a,b", "profiles", "check", ""}}).exec(t) // "" is no NAME
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "== a (") || !strings.Contains(r.Stdout, "\n== b (") {
		t.Errorf(`check "": exit %d stderr %q stdout:\n%s\nwant a's and b's blocks`, r.Code, r.Stderr, r.Stdout)
	}

	r = (&run{Args: []string{"--config", cfg, "-p", "a,b", "profiles", "check", "b"}}).exec(t)
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "profile:          b\naddress:          "+b.Addr()+"\n") || strings.Contains(r.Stdout, "==") {
		t.Errorf("check b: exit %d stderr %q stdout:\n%s\nwant b's fields alone", r.Code, r.Stderr, r.Stdout)
	}
}

// namesTarget drops only amsh's own "profile" key naming the target: a
// server's Profile header, or a profile key naming another, is data.
func TestNamesTarget(t *testing.T) {
	for _, tc := range []struct {
		key, val string
		want     bool
	}{
		{"profile", `"a"`, true},
		{"profile", `"b"`, false},
		{"Profile", `"a"`, false},
		{"profile", `1`, false},
		{"host", `"a"`, false},
	} {
		if got := namesTarget(jsonField{tc.key, json.RawMessage(tc.val)}, "a"); got != tc.want {
			t.Errorf("namesTarget(%s: %s, a) = %v, want %v", tc.key, tc.val, got, tc.want)
		}
	}
}
