package cmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
)

// channelListScript answers one CoreShowChannels with the given channels
// (name, state), n times.
func channelListScript(channels ...[2]string) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		fxLogin(c, "off")
		a := c.Expect("CoreShowChannels")
		var evs []string
		for _, ch := range channels {
			evs = append(evs, "Event: CoreShowChannel\nChannel: "+ch[0]+"\nChannelState: "+ch[1]+
				"\nContext: amsh\nApplication: Wait\nDuration: 00:00:05")
		}
		listReply(c, a, "CoreShowChannelsComplete", evs...)
		fxBye(c)
	}
}

// mergeFleet starts two servers with channels and a dead address, and
// returns a profiles file naming them a, b and dead. Each server answers
// runs connections.
func mergeFleet(t *testing.T, runs int) string {
	a := amitest.NewN(t, runs, channelListScript([2]string{"PJSIP/101-00000001", "6"}, [2]string{"Local/ev10@amsh-00000002;2", "4"}))
	b := amitest.NewN(t, runs, channelListScript([2]string{"PJSIP/alice-0000000a", "5"}))
	return fleetProfiles(t, []string{"a", "b", "dead"}, map[string]string{"a": a.Addr(), "b": b.Addr(), "dead": amitest.ClosedAddr(t)}, "")
}

// TestFleetMerge: --merge prints one list with a first column Profile, in
// the order the targets were given, in every format; a target that failed
// has its error on stderr and in the summary.
func TestFleetMerge(t *testing.T) {
	for _, format := range []string{"text", "csv", "json", "yaml"} {
		t.Run(format, func(t *testing.T) {
			cfg := mergeFleet(t, 1)
			args := []string{"-p", "a,b,dead", "--merge", "-o", format, "action", "CoreShowChannels"}
			r := (&run{Args: append([]string{"--config", cfg}, args...)}).exec(t)
			golden(t, "fleet/merge."+format, fxTranscript(r, args))
			if r.Code != ExitConn {
				t.Errorf("exit %d, want 5 (dead's)", r.Code)
			}
		})
	}
	// --columns chooses among them, Profile included; a terminal fits the
	// table and decodes codes as for one profile.
	cfg := mergeFleet(t, 1)
	args := []string{"-p", "a,b", "--merge", "--columns", "channel,profile,channelstate", "action", "CoreShowChannels"}
	r := (&run{Args: append([]string{"--config", cfg}, args...), TTY: true, Env: map[string]string{"NO_COLOR": "1"}}).exec(t)
	golden(t, "fleet/merge-columns.tty", fxTranscript(r, args))
}

// TestFleetDelimitedMerges: csv and tsv over several profiles are one table
// with a Profile column, as --merge makes it: never blocks under header
// lines, which a csv reader would take for rows.
func TestFleetDelimitedMerges(t *testing.T) {
	cfg := mergeFleet(t, 4)
	for _, format := range []string{"csv", "tsv"} {
		args := []string{"--config", cfg, "-p", "a,b", "-o", format, "action", "CoreShowChannels"}
		plain := (&run{Args: args}).exec(t)
		merged := (&run{Args: append(args, "--merge")}).exec(t)
		if plain.Code != 0 || plain.Stdout != merged.Stdout || strings.Contains(plain.Stdout, "==") {
			t.Errorf("-o %s: exit %d stdout %q; with --merge %q", format, plain.Code, plain.Stdout, merged.Stdout)
		}
		if first, _, _ := strings.Cut(plain.Stdout, "\n"); !strings.HasPrefix(strings.ToLower(first), "profile") {
			t.Errorf("-o %s: header %q, want Profile first", format, first)
		}
	}
}

// TestFleetMergeShapes: what --merge makes of documents that are not
// lists: ping's object is one row, its nested response flattened; a CLI
// command's output is a row a line; one profile still has the Profile
// column.
func TestFleetMergeShapes(t *testing.T) {
	a := amitest.New(t, pingScript(0))
	b := amitest.New(t, commandScript("core show uptime", "Success", "Output: System uptime: 1 minute", "Output: Last reload: 1 minute"))
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": a.Addr(), "b": b.Addr()}, "")
	r := (&run{Args: []string{"--config", cfg, "-p", "a,a", "--merge", "-o", "json", "ping"}}).exec(t)
	var recs []map[string]any
	var raws []json.RawMessage
	if err := json.Unmarshal([]byte(r.Stdout), &recs); err != nil || r.Code != 0 || len(recs) != 1 {
		t.Fatalf("ping: exit %d stdout %q stderr %q (%v)", r.Code, r.Stdout, r.Stderr, err)
	}
	json.Unmarshal([]byte(r.Stdout), &raws)
	if k := keysOf(t, raws[0]); k != "Profile address round_trip_ms response.Response response.Ping response.Timestamp" {
		t.Errorf("ping record keys %q", k)
	}
	if _, isNumber := recs[0]["round_trip_ms"].(float64); !isNumber || recs[0]["Profile"] != "a" {
		t.Errorf("ping record %v: want Profile a and round_trip_ms a number", recs[0])
	}
	r = (&run{Args: []string{"--config", cfg, "-p", "b", "--merge", "command", "core", "show", "uptime"}}).exec(t)
	want := "Profile  Output\nb        System uptime: 1 minute\nb        Last reload: 1 minute\n"
	if r.Stdout != want || r.Code != 0 || r.Stderr != "" {
		t.Errorf("command on one profile: exit %d stdout %q, want %q; stderr %q", r.Code, r.Stdout, want, r.Stderr)
	}
}

// TestFleetJQ: --jq over several profiles applies to the fleet's one
// document, the array; with --merge, to the merged list.
func TestFleetJQ(t *testing.T) {
	cfg := mergeFleet(t, 2)
	r := (&run{Args: []string{"--config", cfg, "-p", "a,b,dead", "--jq", `.[] | "\(.profile) \(.events | length) \(.error.exit)"`,
		"action", "CoreShowChannels"}}).exec(t)
	if want := "a 2 null\nb 1 null\ndead 0 5\n"; r.Stdout != want || r.Code != ExitConn {
		t.Errorf("exit %d stdout %q, want 5 and %q; stderr %q", r.Code, r.Stdout, want, r.Stderr)
	}
	r = (&run{Args: []string{"--config", cfg, "-p", "a,b", "--merge", "--jq", `map(select(.ChannelState == "6")) | .[] | .Profile + " " + .Channel`,
		"action", "CoreShowChannels"}}).exec(t)
	if want := "a PJSIP/101-00000001\n"; r.Stdout != want || r.Code != 0 {
		t.Errorf("--merge: exit %d stdout %q, want %q; stderr %q", r.Code, r.Stdout, want, r.Stderr)
	}
}
