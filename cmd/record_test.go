package cmd

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

func TestRecordStartStop(t *testing.T) {
	t.Parallel()
	start := func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("MixMonitor")
		pbxWant(c, a, "Channel", "PJSIP/alice-00000012")
		pbxWant(c, a, "File", "calls/4711.wav")
		c.Reply(a, "Success")
		pbxBye(c)
	}
	plain, tty := pbxGolden(t, "record/start", start, "record", "start", "PJSIP/alice-00000012", "--file", "calls/4711.wav")
	if want := "Result:  recording\nChannel: PJSIP/alice-00000012\nFile:    calls/4711.wav\n"; plain.Code != 0 || plain.Stdout != want {
		t.Errorf("start: code %d stdout %q; want %q", plain.Code, plain.Stdout, want)
	}
	if !strings.Contains(tty.Stderr, "record PJSIP/alice-00000012 into calls/4711.wav? [y/N]") {
		t.Errorf("start: tty stderr %q: want a confirmation", tty.Stderr)
	}
	r := pbxExec(t, false, "", start, "-o", "json", "record", "start", "PJSIP/alice-00000012", "--file", "calls/4711.wav")
	if r.Code != 0 || !strings.Contains(r.Stdout, `"File": "calls/4711.wav"`) {
		t.Errorf("start -o json: code %d stdout %q", r.Code, r.Stdout)
	}

	stop := func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("StopMixMonitor")
		pbxWant(c, a, "Channel", "PJSIP/alice-00000012")
		c.Reply(a, "Error", "Message: Could not stop monitoring channel")
	}
	r = pbxExec(t, false, "", stop, "record", "stop", "PJSIP/alice-00000012")
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "record stop PJSIP/alice-00000012: profile fake: StopMixMonitor: Asterisk said: Could not stop monitoring channel") {
		t.Errorf("stop: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestRecordFileName(t *testing.T) {
	at := time.Unix(1796028323, 0)
	for _, tc := range []struct{ channel, want string }{
		{"PJSIP/alice-00000012", "amsh-PJSIP-alice-00000012-1796028323.wav"},
		{"Local/tone@amsh-00000005;1", "amsh-Local-tone-amsh-00000005-1-1796028323.wav"},
		{"SIP/a,b c", "amsh-SIP-a-b-c-1796028323.wav"},
	} {
		if got := recordFileName(tc.channel, at); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.channel, got, tc.want)
		}
	}
}

func TestNewCmdRecord(t *testing.T) {
	opts, err := parseCmd(t, NewCmdRecordStart, "record", "PJSIP/a-1", "--file", "x.wav")
	if err != nil || opts.Channel != "PJSIP/a-1" || opts.File != "x.wav" || opts.Stop || opts.Now == nil || opts.Confirm == nil {
		t.Errorf("record start: %+v, %v", opts, err)
	}
	opts, err = parseCmd(t, NewCmdRecordStop, "record", "PJSIP/a-1")
	if err != nil || opts.Channel != "PJSIP/a-1" || !opts.Stop || opts.Send == nil {
		t.Errorf("record stop: %+v, %v", opts, err)
	}
	_, err = parseCmd(t, NewCmdRecordStart, "record")
	wantUsageError(t, err, `record start: needs CHANNEL`)
	_, err = parseCmd(t, NewCmdRecordStop, "record", "PJSIP/a-1", "--file", "x.wav")
	wantUsageError(t, err, `unknown flag: --file`)

	o := &RecordOptions{Channel: "PJSIP/a-1", File: "a,b.wav", Now: time.Now}
	_, err = o.action()
	wantUsageError(t, err, `record start PJSIP/a-1: --file a,b.wav: a comma would end the file name; use another character`)
	o = &RecordOptions{Channel: "PJSIP/a-1", Now: func() time.Time { return time.Unix(7, 0) }}
	if a, err := o.action(); err != nil || a.Get("File") != "amsh-PJSIP-a-1-7.wav" {
		t.Errorf("default file: %v, %v", a, err)
	}
}

func TestRecordSandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	sandboxOperatorDialplan(t, sb)
	ch := sandboxOriginate(t, sb, "tone")
	r := (&run{Args: sandboxArgs(sb, "record", "start", ch)}).exec(t)
	m := regexp.MustCompile(`(?m)^File: +(amsh-Local-tone-amsh-[0-9a-f]+-1-\d+\.wav)$`).FindStringSubmatch(r.Stdout)
	if r.Code != 0 || m == nil {
		t.Fatalf("start: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	path := filepath.Join(sb.Root, "var/spool/asterisk/monitor", m[1])
	t.Cleanup(func() { os.Remove(path) })
	// Asterisk mixes the two directions in blocks, so audio reaches the
	// file some hundreds of milliseconds after it passed.
	deadline := time.Now().Add(5 * time.Second)
	for {
		fi, err := os.Stat(path)
		if err == nil && fi.Size() > 44 { // more than a WAV header
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v, %v; want a recording", path, fi, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	r = (&run{Args: sandboxArgs(sb, "record", "stop", ch)}).exec(t)
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Result:  stopped\n") {
		t.Fatalf("stop: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	r = (&run{Args: sandboxArgs(sb, "record", "stop", ch)}).exec(t)
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "Could not stop monitoring channel") {
		t.Errorf("stop again: code %d stderr %q", r.Code, r.Stderr)
	}
}

// sandboxOriginate originates an answered call to Local/EXTEN@amsh that
// waits in Wait(600), and returns its ;1 channel, hung up when the test ends.
func sandboxOriginate(t *testing.T, sb *sandboxtest.Sandbox, exten string) string {
	t.Helper()
	r := (&run{Args: sandboxArgs(sb, "-o", "json", "originate", "Local/"+exten+"@amsh", "--app", "Wait", "--data", "600", "--wait")}).exec(t)
	if r.Code != 0 {
		t.Fatalf("originate Local/%s@amsh: code %d stderr %q", exten, r.Code, r.Stderr)
	}
	m := regexp.MustCompile(`"Channel": "(Local/` + regexp.QuoteMeta(exten) + `@amsh-[0-9a-f]+;1)"`).FindStringSubmatch(r.Stdout)
	if m == nil {
		t.Fatalf("no channel in %s", r.Stdout)
	}
	t.Cleanup(func() { sb.Rx(t, "channel request hangup "+m[1]) })
	return m[1]
}
