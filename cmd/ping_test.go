package cmd

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
)

// pingScript answers Ping as Asterisk 22 does, after delay.
func pingScript(delay time.Duration) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		fxLogin(c, "off")
		a := c.Expect("Ping")
		time.Sleep(delay)
		c.Reply(a, "Success", "Ping: Pong", "Timestamp: 1795329590.896851")
		fxBye(c)
	}
}

// fxRTT hides the measured round trip, which changes from run to run.
var fxRTT = regexp.MustCompile(`(in |"round_trip_ms": |round_trip_ms: |\n127\.0\.0\.1:PORT[,\t])[0-9.]+`)

func TestPing(t *testing.T) {
	for _, format := range []string{"text", "json", "yaml", "raw", "csv", "tsv"} {
		t.Run(format, func(t *testing.T) {
			args := []string{"-o", format, "ping"}
			for _, tty := range []bool{false, true} {
				r := fxExec(t, tty, "", pingScript(0), args...)
				name := "ping/pong." + format + ".plain"
				if tty {
					name = "ping/pong." + format + ".tty"
				}
				golden(t, name, fxRTT.ReplaceAllString(fxTranscript(r, args), "${1}RTT"))
				if r.Code != 0 {
					t.Errorf("tty=%v: exit %d stderr %q", tty, r.Code, r.Stderr)
				}
			}
		})
	}
}

// TestPingMeasures: the time printed is the round trip of the Ping, not
// something made up.
func TestPingMeasures(t *testing.T) {
	const delay = 30 * time.Millisecond
	r := fxExec(t, false, "", pingScript(delay), "-o", "json", "ping")
	var doc struct {
		RoundTripMs float64 `json:"round_trip_ms"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatalf("exit %d stdout %q: %v", r.Code, r.Stdout, err)
	}
	if ms := doc.RoundTripMs; ms < 30 || ms > 5000 {
		t.Errorf("round_trip_ms %v for a server that waits %s", ms, delay)
	}
}

func TestFormatMillis(t *testing.T) {
	for d, want := range map[time.Duration]string{
		412 * time.Microsecond:   "0.41",
		40 * time.Microsecond:    "0.04",
		4120 * time.Microsecond:  "4.1",
		41200 * time.Microsecond: "41.2",
		412 * time.Millisecond:   "412",
		3 * time.Second:          "3000",
	} {
		if got := formatMillis(d); got != want {
			t.Errorf("formatMillis(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestPingErrors(t *testing.T) {
	refused := profilesFile(t, "127.0.0.1:1", "")
	r := (&run{Args: []string{"--config", refused, "ping"}}).exec(t)
	if r.Code != ExitConn || !strings.Contains(r.Stderr, "127.0.0.1:1") {
		t.Errorf("refused: exit %d stderr %q", r.Code, r.Stderr)
	}
	silent := func(c *amitest.Conn) {
		fxLogin(c, "off")
		c.Expect("Ping")
		c.Read() // never answered: the client gives up after --timeout
	}
	r = fxExec(t, false, "", silent, "--timeout", "200ms", "ping")
	if r.Code != ExitConn || !strings.Contains(r.Stderr, "Ping") {
		t.Errorf("no answer: exit %d stderr %q", r.Code, r.Stderr)
	}
}

func TestPingSandbox(t *testing.T) {
	sb, cfg := fxSandbox(t)
	for _, p := range []string{"sandbox", "sandbox-tls"} {
		r := (&run{Args: []string{"--config", cfg, "-p", p, "ping"}}).exec(t)
		addr := sb.Addr
		if p == "sandbox-tls" {
			addr = sb.TLSAddr
		}
		if !regexp.MustCompile(`^Pong from `+regexp.QuoteMeta(addr)+` in [0-9.]+ ms\n$`).MatchString(r.Stdout) || r.Code != 0 {
			t.Errorf("-p %s: exit %d stdout %q stderr %q", p, r.Code, r.Stdout, r.Stderr)
		}
	}
	r := (&run{Args: []string{"--config", cfg, "-o", "json", "ping"}}).exec(t)
	var doc struct{ Response map[string]string }
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || doc.Response["Response"] != "Success" || doc.Response["Timestamp"] == "" {
		t.Errorf("-o json: exit %d stdout %q: %v", r.Code, r.Stdout, err)
	}
}

func TestNewCmdPing(t *testing.T) {
	opts, err := parseCmd(t, NewCmdPing, "")
	if err != nil || opts.IO == nil || opts.WithSession == nil || opts.Send == nil || opts.Renderer == nil || opts.Format == nil {
		t.Errorf("ping: %+v, %v", opts, err)
	}
	_, err = parseCmd(t, NewCmdPing, "", "|", "head")
	wantUsageError(t, err, `ping: too many arguments: "|", "head" (it takes none)`)
	_, err = parseCmd(t, NewCmdPing, "", "--count", "3")
	wantUsageError(t, err, `ping: --count goes with --watch`)
}
