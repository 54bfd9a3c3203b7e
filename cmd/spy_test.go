package cmd

import (
	"strconv"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

func TestSpy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		flag, data, mode string
	}{
		{"", "PJSIP/alice-00000012,qES", "listen"},
		{"--whisper", "PJSIP/alice-00000012,qESw", "whisper"},
		{"--barge", "PJSIP/alice-00000012,qESB", "barge"},
	} {
		script := func(c *amitest.Conn) {
			c.AcceptLogin()
			a := c.Expect("Originate")
			pbxWant(c, a, "Channel", "PJSIP/supervisor")
			pbxWant(c, a, "Application", "ChanSpy")
			pbxWant(c, a, "Data", tc.data)
			pbxWant(c, a, "Async", "true")
			c.Reply(a, "Success", "Message: Originate successfully queued")
			pbxBye(c)
		}
		args := []string{"spy", "PJSIP/alice-00000012", "--from", "PJSIP/supervisor"}
		if tc.flag != "" {
			args = append(args, tc.flag)
		}
		r := pbxExec(t, true, "y\n", script, args...)
		if r.Code != 0 || !strings.Contains(r.Stdout, "Originate successfully queued") {
			t.Errorf("%s: code %d stdout %q stderr %q", tc.mode, r.Code, r.Stdout, r.Stderr)
		}
		if q := "spy on PJSIP/alice-00000012 from PJSIP/supervisor (" + tc.mode + ")? [y/N]"; !strings.Contains(r.Stderr, q) {
			t.Errorf("%s: stderr %q; want %q", tc.mode, r.Stderr, q)
		}
	}
}

func TestNewCmdSpy(t *testing.T) {
	for _, tc := range []struct{ argv, want string }{
		{"PJSIP/a-1 --from PJSIP/sup", "PJSIP/a-1 PJSIP/sup false false false"},
		{"--whisper PJSIP/a-1 --from Local/9@x --wait", "PJSIP/a-1 Local/9@x true false true"},
		{"PJSIP/a-1 --from PJSIP/sup --barge", "PJSIP/a-1 PJSIP/sup false true false"},
	} {
		opts, err := parseCmd(t, NewCmdSpy, "", strings.Fields(tc.argv)...)
		if err != nil {
			t.Errorf("spy %s: %v", tc.argv, err)
			continue
		}
		got := strings.Join([]string{opts.Channel, opts.From, strconv.FormatBool(opts.Whisper), strconv.FormatBool(opts.Barge), strconv.FormatBool(opts.Originate.Wait)}, " ")
		if got != tc.want || opts.Originate.Send == nil || opts.Originate.Confirm == nil {
			t.Errorf("spy %s: %s; want %s", tc.argv, got, tc.want)
		}
	}
	_, err := parseCmd(t, NewCmdSpy, "")
	wantUsageError(t, err, `spy: needs CHANNEL`)
	for _, tc := range []struct {
		opts SpyOptions
		want string
	}{
		{SpyOptions{Channel: "PJSIP/a-1"}, "spy PJSIP/a-1: give --from ENDPOINT, the channel that listens"},
		{SpyOptions{Channel: "PJSIP/a-1", From: "PJSIP/s", Whisper: true, Barge: true}, "spy PJSIP/a-1: --whisper and --barge exclude each other"},
		{SpyOptions{Channel: "PJSIP/a,1", From: "PJSIP/s"}, "spy PJSIP/a,1: CHANNEL holds a comma, '|' or a line break"},
		{SpyOptions{From: "PJSIP/s"}, "spy: CHANNEL is empty"},
	} {
		_, _, err := tc.opts.chanSpyData()
		wantUsageError(t, err, tc.want)
	}
}

func TestSpySandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	sandboxOperatorDialplan(t, sb)
	target := sandboxOriginate(t, sb, "tone")
	r := (&run{Args: sandboxArgs(sb, "-o", "json", "spy", target, "--from", "Local/parked@amsh", "--barge", "--wait")}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stdout, `"Reason": "4"`) {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	var spy string
	out, ok := sandboxWaitChannels(t, sb, func(s string) bool {
		for line := range strings.Lines(s) {
			if strings.Contains(line, "!ChanSpy!"+target+",qESB!") {
				spy, _, _ = strings.Cut(line, "!")
				return true
			}
		}
		return false
	})
	if !ok {
		t.Fatalf("no ChanSpy on %s:\n%s", target, out)
	}
	// E: the spy call ends with the channel it listens to.
	sb.Rx(t, "channel request hangup "+target)
	if out, ok := sandboxWaitChannels(t, sb, func(s string) bool { return !strings.Contains(s, spy+"!") }); !ok {
		sb.Rx(t, "channel request hangup "+spy)
		t.Errorf("%s still up 5s after %s hung up:\n%s", spy, target, out)
	}
}
