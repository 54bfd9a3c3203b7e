package cmd

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
)

// The tables queue status and sippeers build are fitted to the terminal as
// event lists are: on 80 columns the last ranked columns are hidden and
// named, a long cell cut, a queue's long title broken after a comma; on 160
// columns everything shows. No line is wider than the terminal. The transcripts
// are golden (NAME.80, NAME.160); the columns of each grid are checked here
// too, so a change of ranking fails with what moved.
func TestTablesFitTerminal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		script func(c *amitest.Conn)
		args   []string
		// grid columns, in order, and the hidden line ("" for none), of each
		// table in the output, per width
		want map[int][]grid
	}{
		{"queue/status", queueStatusScript("", ""), []string{"queue", "status"}, map[int][]grid{
			80: {
				{"Member|Interface|Status|Paused|In call|Calls", "(hidden: Penalty, Membership; widen the terminal or use -o json)"},
				{"Position|Channel|Caller ID|Wait|Priority", ""},
			},
			160: {
				{"Member|Interface|Status|Paused|In call|Calls|Penalty|Membership", ""},
				{"Position|Channel|Caller ID|Wait|Priority", ""},
			},
		}},
		{"sippeers/pjsip", pjsipScript(true), []string{"sippeers"}, map[int][]grid{
			80:  {{"Name|Tech|Status|Contact|Channels", ""}},
			160: {{"Name|Tech|Status|Contact|Channels", ""}},
		}},
		{"sippeers/pjsip-many", pjsipManyScript, []string{"sippeers"}, map[int][]grid{
			80:  {{"Name|Status|Contact", "(hidden: Channels, Tech; widen the terminal or use -o json)"}},
			160: {{"Name|Tech|Status|Contact|Channels", ""}},
		}},
	}
	for _, tc := range tests {
		for _, width := range []int{80, 160} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, width), func(t *testing.T) {
				fs := amitest.New(t, tc.script)
				r := (&run{Args: append([]string{"--config", profilesFile(t, fs.Addr(), "")}, tc.args...),
					TTY: true, Width: width, Env: map[string]string{"NO_COLOR": "1"}}).exec(t)
				if r.Code != 0 {
					t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
				}
				golden(t, fmt.Sprintf("%s.%d", tc.name, width), pbxTranscript(r, tc.args))
				got := grids(r.Stdout)
				if fmt.Sprint(got) != fmt.Sprint(tc.want[width]) {
					t.Errorf("tables at %d columns:\n got %q\nwant %q\n%s", width, got, tc.want[width], r.Stdout)
				}
				for _, l := range strings.Split(r.Stdout, "\n") {
					if displayWidthOf(l) > width {
						t.Errorf("%d columns wide at %d: %q", displayWidthOf(l), width, l)
					}
				}
			})
		}
	}
}

// grid is one table as printed: its column headings joined with "|", and
// the hidden line under it.
type grid struct{ cols, hidden string }

var headingLine = regexp.MustCompile(`^(Member|Position|Name)  `)

// grids finds the tables in out by their heading lines.
func grids(out string) []grid {
	var gs []grid
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !headingLine.MatchString(l) {
			continue
		}
		g := grid{cols: strings.Join(regexp.MustCompile(`  +`).Split(strings.TrimSpace(l), -1), "|")}
		for _, next := range lines[i+1:] {
			if next == "" {
				break
			}
			if strings.HasPrefix(next, "(hidden: ") {
				g.hidden = next
			}
		}
		gs = append(gs, g)
	}
	return gs
}

func displayWidthOf(s string) int { return len([]rune(s)) }

// pjsipManyScript answers PJSIPShowEndpoints with endpoints whose names and
// contacts are long, as on a hosted PBX: at 80 columns Channels and Tech
// are hidden and the contacts cut.
func pjsipManyScript(c *amitest.Conn) {
	c.AcceptLogin()
	pbxListCommands(c, "Ping", "PJSIPShowEndpoint", "PJSIPShowEndpoints")
	a := c.Expect("PJSIPShowEndpoints")
	var events []string
	for i, state := range []string{"Not in use", "In use", "Unavailable", "Ringing"} {
		name := fmt.Sprintf("tenant-%02d-reception-desk-%d", i+7, 100+i)
		events = append(events, fmt.Sprintf("Event: EndpointList\nObjectType: endpoint\nObjectName: %s\nTransport: transport-tls\n"+
			"Aor: %s\nAuths: %s\nOutboundAuths: \nContacts: %s/sip:%s@203.0.113.%d:5061;transport=tls,\nDeviceState: %s\nActiveChannels: %d",
			name, name, name, name, name, 40+i, state, i))
	}
	pbxList(c, a, "A listing of Endpoints follows, presented as EndpointList events", "EndpointListComplete", events...)
	pbxBye(c)
}
