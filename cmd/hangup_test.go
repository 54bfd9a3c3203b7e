package cmd

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

func TestHangupChannel(t *testing.T) {
	t.Parallel()
	script := func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Hangup")
		pbxWant(c, a, "Channel", "PJSIP/alice-00000012")
		pbxWant(c, a, "Cause", "17")
		c.Reply(a, "Success", "Message: Channel Hungup")
		pbxBye(c)
	}
	plain, tty := pbxGolden(t, "hangup/channel", script, "hangup", "PJSIP/alice-00000012", "--cause", "user busy")
	if plain.Code != 0 || tty.Code != 0 || !strings.Contains(tty.Stderr, "hang up PJSIP/alice-00000012? [y/N]") {
		t.Errorf("codes %d %d; tty stderr %q", plain.Code, tty.Code, tty.Stderr)
	}
}

func hangupRegexScript(channels ...string) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Hangup")
		pbxWant(c, a, "Channel", `/^Local\/long@amsh/`)
		pbxWant(c, a, "Cause")
		events := make([]string, len(channels))
		for i, ch := range channels {
			events[i] = "Event: ChannelHungup\nChannel: " + ch
		}
		pbxList(c, a, "Channels hung up will follow", "ChannelsHungupListComplete", events...)
		pbxBye(c)
	}
}

func TestHangupRegex(t *testing.T) {
	t.Parallel()
	plain, tty := pbxGolden(t, "hangup/regex", hangupRegexScript(
		"Local/long@amsh-00000003;2", "Local/long@amsh-00000003;1", "Local/long@amsh-00000004;1"),
		"hangup", `/^Local\/long@amsh/`)
	want := "Channel\nLocal/long@amsh-00000003;2\nLocal/long@amsh-00000003;1\nLocal/long@amsh-00000004;1\n"
	if plain.Code != 0 || plain.Stdout != want {
		t.Errorf("code %d stdout %q; want %q", plain.Code, plain.Stdout, want)
	}
	if !strings.Contains(tty.Stderr, `hang up every channel matching /^Local\/long@amsh/? [y/N]`) {
		t.Errorf("tty stderr %q: want a confirmation", tty.Stderr)
	}
}

func TestHangupRegexNoMatch(t *testing.T) {
	t.Parallel()
	plain, _ := pbxGolden(t, "hangup/regex-none", hangupRegexScript(), "hangup", `/^Local\/long@amsh/`)
	if plain.Code != 0 || plain.Stdout != "" || plain.Stderr != "no channel matched /^Local\\/long@amsh/\n" {
		t.Errorf("code %d stdout %q stderr %q", plain.Code, plain.Stdout, plain.Stderr)
	}
	q := pbxExec(t, false, "", hangupRegexScript(), "-q", "hangup", `/^Local\/long@amsh/`)
	if q.Code != 0 || q.Stdout != "" || q.Stderr != "" {
		t.Errorf("-q: code %d stdout %q stderr %q", q.Code, q.Stdout, q.Stderr)
	}
}

func TestHangupRegexJSON(t *testing.T) {
	t.Parallel()
	args := []string{"-o", "json", "hangup", `/^Local\/long@amsh/`}
	r := pbxExec(t, false, "", hangupRegexScript("Local/long@amsh-00000003;1"), args...)
	golden(t, "hangup/regex-json.plain", pbxTranscript(r, args))
	if r.Code != 0 || !strings.Contains(r.Stdout, `"Event": "ChannelHungup"`) {
		t.Errorf("code %d stdout %q", r.Code, r.Stdout)
	}
}

func TestHangupNoSuchChannel(t *testing.T) {
	t.Parallel()
	plain, _ := pbxGolden(t, "hangup/no-such-channel", func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Hangup")
		c.Reply(a, "Error", "Message: No such channel")
		pbxBye(c)
	}, "hangup", "PJSIP/gone-00000001")
	if plain.Code != ExitAsterisk || !strings.Contains(plain.Stderr, "hangup PJSIP/gone-00000001: ") ||
		!strings.Contains(plain.Stderr, "No such channel") {
		t.Errorf("code %d stderr %q", plain.Code, plain.Stderr)
	}
}

func TestHangupUsage(t *testing.T) {
	t.Parallel()
	cfg := pbxUnreachable(t)
	for _, args := range [][]string{
		{"hangup"},
		{"hangup", "a", "b"},
		{"hangup", "PJSIP/a-1", "--cause", "128"},
		{"hangup", "PJSIP/a-1", "--cause", "bogus"},
		{"hangup", ""},
		{"hangup", "PJSIP/a-1\r\nAction: Logoff"},
	} {
		r := (&run{Args: append([]string{"--config", cfg, "-y"}, args...)}).exec(t)
		if r.Code != ExitUsage || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("%q: code %d stderr %q; want exit 2 in one line", args, r.Code, r.Stderr)
		}
	}
}

func TestHangupSandboxRegex(t *testing.T) {
	sb := sandboxtest.Get(t)
	a, b := sandboxOriginateLong(t, sb), sandboxOriginateLong(t, sb)
	// The regex names this test's two calls only, so that calls other tests
	// keep on Local/long@amsh survive.
	id := func(ch string) string { return strings.TrimSuffix(strings.TrimPrefix(ch, "Local/long@amsh-"), ";1") }
	re := `/^Local\/long@amsh-(` + id(a) + "|" + id(b) + `);/`
	r := (&run{Args: sandboxArgs(sb, "hangup", re)}).exec(t)
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Channel\n") {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	for _, ch := range []string{a, b} {
		// Hanging up one half of a Local pair can take the other half down
		// before Asterisk's walk reaches it, so either half may be listed.
		call := strings.TrimSuffix(ch, ";1")
		if !strings.Contains(r.Stdout, call+";") {
			t.Errorf("stdout %q: want a channel of %s listed", r.Stdout, call)
		}
		deadline := time.Now().Add(5 * time.Second)
		for strings.Contains(sb.Rx(t, "core show channels concise"), call) {
			if time.Now().After(deadline) {
				t.Errorf("%s still up 5s after the hangup", call)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	r = (&run{Args: sandboxArgs(sb, "hangup", re)}).exec(t)
	if r.Code != 0 || r.Stdout != "" || !strings.Contains(r.Stderr, "no channel matched") {
		t.Errorf("again: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestHangupSandboxChannel(t *testing.T) {
	sb := sandboxtest.Get(t)
	ch := sandboxOriginateLong(t, sb)
	r := (&run{Args: sandboxArgs(sb, "hangup", ch, "--cause", "normal_clearing")}).exec(t)
	if r.Code != 0 || !regexp.MustCompile(`Message: +Channel Hungup`).MatchString(r.Stdout) {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	r = (&run{Args: sandboxArgs(sb, "hangup", ch)}).exec(t)
	if r.Code != ExitAsterisk || !strings.Contains(r.Stderr, "No such channel") {
		t.Errorf("again: code %d stderr %q; want 1 and No such channel", r.Code, r.Stderr)
	}
}
