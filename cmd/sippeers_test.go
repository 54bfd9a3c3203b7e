package cmd

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
	"github.com/amsh/amsh/render"
)

// pbxListCommands answers ListCommands as Asterisk does: one header per action.
func pbxListCommands(c *amitest.Conn, actions ...string) {
	a := c.Expect("ListCommands")
	lines := make([]string, len(actions))
	for i, name := range actions {
		lines[i] = name + ": " + name + " does things.  (Priv: system,all)"
	}
	c.Reply(a, "Success", lines...)
}

// chan_sip (Asterisk 20 and before): SIPpeers is listed, PeerEntry events.
func sipPeersScript(c *amitest.Conn) {
	c.AcceptLogin()
	pbxListCommands(c, "Ping", "PJSIPShowEndpoints", "SIPpeers", "SIPshowpeer")
	a := c.Expect("SIPpeers")
	pbxList(c, a, "Peer status list will follow", "PeerlistComplete",
		"Event: PeerEntry\nChanneltype: SIP\nObjectName: alice\nChanObjectType: peer\nIPaddress: 192.0.2.10\nIPport: 5060\n"+
			"Dynamic: yes\nAutoForcerport: no\nForcerport: yes\nAutoComedia: no\nComedia: no\nVideoSupport: no\nTextSupport: no\n"+
			"ACL: no\nStatus: OK (12 ms)\nRealtimeDevice: no\nDescription: \nAccountcode: ",
		"Event: PeerEntry\nChanneltype: SIP\nObjectName: bob\nChanObjectType: peer\nIPaddress: -none-\nIPport: 0\n"+
			"Dynamic: yes\nStatus: UNKNOWN\nRealtimeDevice: no",
		"Event: PeerEntry\nChanneltype: SIP\nObjectName: trunk\nChanObjectType: peer\nIPaddress: 198.51.100.7\nIPport: 5061\n"+
			"Dynamic: no\nStatus: Unmonitored\nRealtimeDevice: no")
	pbxBye(c)
}

// res_pjsip only (Asterisk 21+): no SIPpeers, EndpointList events.
func pjsipScript(listed bool) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		c.AcceptLogin()
		if listed {
			pbxListCommands(c, "Ping", "PJSIPShowEndpoint", "PJSIPShowEndpoints")
		}
		a := c.Expect("PJSIPShowEndpoints")
		pbxList(c, a, "A listing of Endpoints follows, presented as EndpointList events", "EndpointListComplete",
			"Event: EndpointList\nObjectType: endpoint\nObjectName: ep00001\nTransport: udp\nAor: ep00001\nAuths: ep00001\n"+
				"OutboundAuths: \nContacts: ep00001/sip:ep00001@192.0.2.21:5060,\nDeviceState: Not in use\nActiveChannels: 0",
			"Event: EndpointList\nObjectType: endpoint\nObjectName: ep00002\nTransport: \nAor: ep00002\nAuths: \n"+
				"OutboundAuths: \nContacts: ep00002/sip:a@192.0.2.22:5060,ep00002/sip:b@192.0.2.23:5060,\nDeviceState: In use\nActiveChannels: 2",
			"Event: EndpointList\nObjectType: endpoint\nObjectName: ep00003\nTransport: \nAor: ep00003\nAuths: \n"+
				"OutboundAuths: \nContacts: \nDeviceState: Unavailable\nActiveChannels: 0")
		pbxBye(c)
	}
}

func TestSIPPeersChanSIP(t *testing.T) {
	t.Parallel()
	plain, _ := pbxGolden(t, "sippeers/sip", sipPeersScript, "sippeers")
	want := "Name   Tech  Status       Contact            Channels\n" +
		"alice  SIP   OK (12 ms)   192.0.2.10:5060\n" +
		"bob    SIP   UNKNOWN\n" +
		"trunk  SIP   Unmonitored  198.51.100.7:5061\n"
	if plain.Code != 0 || plain.Stdout != want {
		t.Errorf("code %d stdout %q stderr %q\nwant %q", plain.Code, plain.Stdout, plain.Stderr, want)
	}
}

func TestSIPPeersPJSIP(t *testing.T) {
	t.Parallel()
	plain, _ := pbxGolden(t, "sippeers/pjsip", pjsipScript(true), "sippeers")
	want := "Name     Tech   Status       Contact                                                       Channels\n" +
		"ep00001  PJSIP  Not in use   ep00001/sip:ep00001@192.0.2.21:5060                           0\n" +
		"ep00002  PJSIP  In use       ep00002/sip:a@192.0.2.22:5060, ep00002/sip:b@192.0.2.23:5060  2\n" +
		"ep00003  PJSIP  Unavailable                                                                0\n"
	if plain.Code != 0 || plain.Stdout != want {
		t.Errorf("code %d stdout %q stderr %q\nwant %q", plain.Code, plain.Stdout, plain.Stderr, want)
	}
}

func TestSIPPeersForced(t *testing.T) {
	t.Parallel()
	// --tech pjsip sends PJSIPShowEndpoints without asking ListCommands.
	r := pbxExec(t, false, "", pjsipScript(false), "sippeers", "--tech", "pjsip")
	if r.Code != 0 || !strings.Contains(r.Stdout, "ep00002") {
		t.Errorf("pjsip: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	r = pbxExec(t, false, "", func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("SIPpeers")
		c.Reply(a, "Error", "Message: Invalid/unknown command: SIPpeers. Use Action: ListCommands to show available commands.")
		pbxBye(c)
	}, "sippeers", "--tech", "SIP")
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "Invalid/unknown command: SIPpeers") {
		t.Errorf("sip: code %d stderr %q", r.Code, r.Stderr)
	}
}

func TestSIPPeersJSON(t *testing.T) {
	t.Parallel()
	args := []string{"-o", "json", "sippeers"}
	r := pbxExec(t, false, "", pjsipScript(true), args...)
	golden(t, "sippeers/pjsip-json.plain", pbxTranscript(r, args))
	if r.Code != 0 || !strings.Contains(r.Stdout, `"Event": "EndpointList"`) || !strings.Contains(r.Stdout, `"OutboundAuths": ""`) {
		t.Errorf("code %d stdout %q", r.Code, r.Stdout)
	}
}

func TestSIPPeersNoEndpoints(t *testing.T) {
	t.Parallel()
	r := pbxExec(t, false, "", func(c *amitest.Conn) {
		c.AcceptLogin()
		pbxListCommands(c, "PJSIPShowEndpoints")
		a := c.Expect("PJSIPShowEndpoints")
		// res_pjsip's own words, stray LF and all.
		c.Send("Response: Error\r\nActionID: " + a.ID() + "\r\nMessage: No endpoints found\n\r\n\r\n")
		pbxBye(c)
	}, "sippeers")
	if r.Code != 0 || r.Stdout != "" || r.Stderr != "sippeers: no PJSIP endpoints\n" {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestSIPPeersUsage(t *testing.T) {
	t.Parallel()
	cfg := pbxUnreachable(t)
	for _, args := range [][]string{{"sippeers", "--tech", "iax"}, {"sippeers", "extra"}} {
		r := (&run{Args: append([]string{"--config", cfg}, args...)}).exec(t)
		if r.Code != ExitUsage || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("%q: code %d stderr %q; want exit 2 in one line", args, r.Code, r.Stderr)
		}
	}
}

func TestSIPPeersSandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	r := (&run{Args: sandboxArgs(sb, "sippeers")}).exec(t)
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Name     Tech   Status") {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	for i := 1; i <= sb.Endpoints; i++ {
		if want := fmt.Sprintf("ep%05d  PJSIP  ", i); !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.Stdout)
		}
	}
	if n := strings.Count(r.Stdout, "\n"); n != sb.Endpoints+1 {
		t.Errorf("%d lines, want a heading and %d endpoints:\n%s", n, sb.Endpoints, r.Stdout)
	}
}

// BenchmarkSIPPeersTable is the text path of `sippeers` over 20,000
// endpoints once the list is in: rows from events, then the table.
func BenchmarkSIPPeersTable(b *testing.B) {
	events := make([]*ami.Message, 20000)
	for i := range events {
		name := fmt.Sprintf("ep%05d", i)
		events[i] = &ami.Message{Headers: []ami.Header{
			{Key: "Event", Value: "EndpointList"}, {Key: "ActionID", Value: "amsh-1-1-2"},
			{Key: "ObjectType", Value: "endpoint"}, {Key: "ObjectName", Value: name},
			{Key: "Transport", Value: "transport-udp"}, {Key: "Aor", Value: name}, {Key: "Auths", Value: name},
			{Key: "OutboundAuths", Value: ""}, {Key: "Contacts", Value: name + "/sip:" + name + "@192.0.2.1:5060,"},
			{Key: "DeviceState", Value: "Not in use"}, {Key: "ActiveChannels", Value: "0"},
		}}
	}
	b.ReportAllocs()
	for b.Loop() {
		r := render.New(io.Discard, render.Options{})
		if err := r.Table("", sipPeerColumns, sipPeerRows(events)); err != nil {
			b.Fatal(err)
		}
	}
}

func TestNewCmdSIPPeers(t *testing.T) {
	for _, tc := range []struct{ argv, want string }{
		{"", "Tech="},
		{"--tech pjsip", "Tech=pjsip"},
		{"--tech=SIP", "Tech=SIP"}, // checked by sipPeersRun, case-insensitively
	} {
		opts, err := parseCmd(t, NewCmdSIPPeers, "", strings.Fields(tc.argv)...)
		if err != nil || parsedFields(opts) != tc.want {
			t.Errorf("sippeers %s: %v; got %s, want %s", tc.argv, err, parsedFields(opts), tc.want)
		}
	}
	_, err := parseCmd(t, NewCmdSIPPeers, "", "PJSIP")
	wantUsageError(t, err, `sippeers: too many arguments: "PJSIP" (it takes none)`)
}
