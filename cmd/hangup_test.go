package cmd

import (
	"bufio"
	"io"
	"net"
	"os"
	"path/filepath"
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
		{"hangup", "/"},
		{"hangup", "/^Local"},
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

// bannerProxy relays each client to addr, replacing the server's banner
// line with banner, so an amitest script or the sandbox greets as an older
// Asterisk does. It returns the address to dial.
func bannerProxy(t *testing.T, addr, banner string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				u, err := net.Dial("tcp", addr)
				if err != nil {
					return
				}
				defer u.Close()
				br := bufio.NewReader(u)
				if _, err := br.ReadString('\n'); err != nil {
					return
				}
				if _, err := io.WriteString(c, banner+"\r\n"); err != nil {
					return
				}
				done := make(chan struct{}, 2)
				go func() { io.Copy(u, c); u.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
				go func() { io.Copy(c, br); c.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
				<-done
				<-done
			}()
		}
	}()
	return ln.Addr().String()
}

// oldExec is pbxExec against a server that greets with banner.
func oldExec(t *testing.T, banner string, script func(c *amitest.Conn), args ...string) *run {
	t.Helper()
	fs := amitest.New(t, script)
	cfg := profilesFile(t, bannerProxy(t, fs.Addr(), banner), "")
	return (&run{Args: append([]string{"--config", cfg}, args...)}).exec(t)
}

// Asterisk 1.6 and 1.8 greet with "Asterisk Call Manager/1.1".
const banner18 = "Asterisk Call Manager/1.1"

// oldHangupScript answers CoreShowChannels with three channels, of which
// /^Local\/long@amsh-/ matches two, and expects a Hangup of exactly those
// two, by name, with cause (none when empty).
func oldHangupScript(cause string) func(c *amitest.Conn) {
	return func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("CoreShowChannels")
		pbxList(c, a, "Channels will follow", "CoreShowChannelsComplete",
			"Event: CoreShowChannel\nChannel: SIP/alice-00000001\nContext: from-internal",
			"Event: CoreShowChannel\nChannel: Local/long@amsh-00000003;1\nContext: amsh",
			"Event: CoreShowChannel\nChannel: Local/long@amsh-00000003;2\nContext: amsh")
		for _, ch := range []string{"Local/long@amsh-00000003;1", "Local/long@amsh-00000003;2"} {
			a := c.Expect("Hangup")
			pbxWant(c, a, "Channel", ch)
			if cause == "" {
				pbxWant(c, a, "Cause")
			} else {
				pbxWant(c, a, "Cause", cause)
			}
			c.Reply(a, "Success", "Message: Channel Hungup")
		}
		pbxBye(c)
	}
}

func TestHangupRegexOldServer(t *testing.T) {
	t.Parallel()
	r := oldExec(t, banner18, oldHangupScript("17"), "-y", "hangup", `/^Local\/long@amsh-/`, "--cause", "user_busy")
	want := "Channel\nLocal/long@amsh-00000003;1\nLocal/long@amsh-00000003;2\n"
	if r.Code != 0 || r.Stdout != want || r.Stderr != "" {
		t.Errorf("code %d stdout %q stderr %q; want 0 and %q", r.Code, r.Stdout, r.Stderr, want)
	}
}

// In json the list has the shape Asterisk 11+ answers with (see
// testdata/hangup/regex-json.plain), without ActionIDs.
func TestHangupRegexOldServerJSON(t *testing.T) {
	t.Parallel()
	args := []string{"-o", "json", "hangup", `/^Local\/long@amsh-/`}
	r := oldExec(t, banner18, oldHangupScript(""), args...)
	golden(t, "hangup/regex-old-json.plain", pbxTranscript(r, args))
	if r.Code != 0 || strings.Count(r.Stdout, `"Event": "ChannelHungup"`) != 2 {
		t.Errorf("code %d stdout %q", r.Code, r.Stdout)
	}
}

func TestHangupRegexOldServerNoMatch(t *testing.T) {
	t.Parallel()
	r := oldExec(t, banner18, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("CoreShowChannels")
		pbxList(c, a, "Channels will follow", "CoreShowChannelsComplete",
			"Event: CoreShowChannel\nChannel: SIP/alice-00000001")
		pbxBye(c)
	}, "hangup", `/^Local\/long@amsh-/`)
	if r.Code != 0 || r.Stdout != "" || r.Stderr != "no channel matched /^Local\\/long@amsh-/\n" {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// A regex amsh cannot compile is a usage error, and nothing is sent after
// the login: no list, no Hangup.
func TestHangupRegexOldServerBadRegex(t *testing.T) {
	t.Parallel()
	for _, re := range []string{`/(/`, `/\d+/`} {
		r := oldExec(t, banner18, func(c *amitest.Conn) {
			c.AcceptLogin()
			pbxBye(c)
		}, "hangup", re)
		if r.Code != ExitUsage || r.Stdout != "" || !strings.HasPrefix(r.Stderr, "amsh: hangup "+re+": error parsing regexp: ") ||
			strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("%s: code %d stdout %q stderr %q; want exit 2", re, r.Code, r.Stdout, r.Stderr)
		}
	}
}

// Asterisk 1.4 (banner 1.0) has no CoreShowChannels: Status lists the
// channels. Elsewhere Status is used when CoreShowChannels is refused. A
// matching channel gone by the time of its Hangup is left out of the list.
func TestHangupRegexOldServerStatus(t *testing.T) {
	t.Parallel()
	for _, banner := range []string{"Asterisk Call Manager/1.0", "Asterisk Call Manager/1.2"} {
		r := oldExec(t, banner, func(c *amitest.Conn) {
			c.AcceptLogin()
			a, _ := c.Read()
			if strings.EqualFold(a.Get("Action"), "CoreShowChannels") && banner != "Asterisk Call Manager/1.0" {
				c.Reply(a, "Error", "Message: Permission denied")
				a = c.Expect("Status")
			} else if !strings.EqualFold(a.Get("Action"), "Status") {
				c.T.Errorf("%s: got %q, want Status", banner, a.Raw)
			}
			id := a.ID()
			c.Send("Response: Success\nActionID: " + id + "\nMessage: Channel status will follow\n\n" +
				"Event: Status\nChannel: Local/long@amsh-0001;1\nActionID: " + id + "\n\n" +
				"Event: Status\nChannel: Local/long@amsh-0001;2\nActionID: " + id + "\n\n" +
				"Event: Status\nChannel: SIP/alice-0002\nActionID: " + id + "\n\n" +
				"Event: StatusComplete\nActionID: " + id + "\n\n")
			h := c.Expect("Hangup")
			pbxWant(c, h, "Channel", "Local/long@amsh-0001;1")
			c.Reply(h, "Error", "Message: No such channel")
			h = c.Expect("Hangup")
			pbxWant(c, h, "Channel", "Local/long@amsh-0001;2")
			c.Reply(h, "Success", "Message: Channel Hungup")
			pbxBye(c)
		}, "hangup", `/^Local/`)
		if r.Code != 0 || r.Stdout != "Channel\nLocal/long@amsh-0001;2\n" {
			t.Errorf("%s: code %d stdout %q stderr %q", banner, r.Code, r.Stdout, r.Stderr)
		}
	}
}

// A Hangup refused for another reason stops the walk: the channels hung up
// so far are listed, and the refusal is the error (exit 1).
func TestHangupRegexOldServerRefused(t *testing.T) {
	t.Parallel()
	r := oldExec(t, banner18, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("CoreShowChannels")
		pbxList(c, a, "Channels will follow", "CoreShowChannelsComplete",
			"Event: CoreShowChannel\nChannel: Local/a-1;1",
			"Event: CoreShowChannel\nChannel: Local/b-2;1",
			"Event: CoreShowChannel\nChannel: Local/c-3;1")
		h := c.Expect("Hangup")
		c.Reply(h, "Success", "Message: Channel Hungup")
		h = c.Expect("Hangup")
		c.Reply(h, "Error", "Message: Permission denied")
		pbxBye(c)
	}, "hangup", `/^Local/`)
	if r.Code != ExitAsterisk || r.Stdout != "Channel\nLocal/a-1;1\n" ||
		!strings.Contains(r.Stderr, "Local/b-2;1: ") || !strings.Contains(r.Stderr, "Permission denied") {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestServerMatchesRegex(t *testing.T) {
	t.Parallel()
	for banner, want := range map[string]bool{
		"Asterisk Call Manager/1.0":        false, // 1.4
		"Asterisk Call Manager/1.1":        false, // 1.6, 1.8
		"Asterisk Call Manager/1.2":        false, // 10
		"Asterisk Call Manager/1.3":        true,  // 11
		"Asterisk Call Manager/2.10.6":     true,  // 13
		"Asterisk Call Manager/11.0.0":     true,  // 22
		"Asterisk Call Manager Proxy/1.22": true,  // not Asterisk's own version
		"Asterisk Call Manager/":           true,
	} {
		if got := serverMatchesRegex(banner); got != want {
			t.Errorf("serverMatchesRegex(%q) = %v, want %v", banner, got, want)
		}
	}
}

// Against the real Asterisk behind a banner of 1.8, amsh matches the
// regex itself: CoreShowChannels, then a Hangup by name of each match.
func TestHangupSandboxRegexOldBanner(t *testing.T) {
	sb := sandboxtest.Get(t)
	a, b := sandboxOriginateLong(t, sb), sandboxOriginateLong(t, sb)
	id := func(ch string) string { return strings.TrimSuffix(strings.TrimPrefix(ch, "Local/long@amsh-"), ";1") }
	re := `/^Local\/long@amsh-(` + id(a) + "|" + id(b) + `);/`
	// The sandbox's account, reached through the proxy.
	dir := t.TempDir()
	host, port, _ := net.SplitHostPort(bannerProxy(t, sb.Addr, banner18))
	secret, cfg := filepath.Join(dir, "secret"), filepath.Join(dir, "profiles.yaml")
	if err := os.WriteFile(secret, []byte(sb.Secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	body := "default: old\nprofiles:\n  old:\n    host: " + host + "\n    port: " + port +
		"\n    username: " + sb.User + "\n    secret_file: " + secret + "\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	args := func(args ...string) []string { return append([]string{"--config", cfg, "-y"}, args...) }
	r := (&run{Args: args("hangup", re)}).exec(t)
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Channel\n") {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	for _, ch := range []string{a, b} {
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
	r = (&run{Args: args("hangup", re)}).exec(t)
	if r.Code != 0 || r.Stdout != "" || !strings.Contains(r.Stderr, "no channel matched") {
		t.Errorf("again: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestNewCmdHangup(t *testing.T) {
	for _, tc := range []struct{ argv, channel, cause string }{
		{"PJSIP/alice-00000012", "PJSIP/alice-00000012", ""},
		{"PJSIP/alice-00000012 --cause user_busy", "PJSIP/alice-00000012", "user_busy"},
		{"--cause 17 /^Local\\/.*@dialer-/", "/^Local\\/.*@dialer-/", "17"},
	} {
		opts, err := parseCmd(t, NewCmdHangup, "", strings.Fields(tc.argv)...)
		if err != nil || opts.Channel != tc.channel || opts.Cause != tc.cause || opts.Confirm == nil || opts.Send == nil {
			t.Errorf("hangup %s: %+v, %v; want Channel %q Cause %q", tc.argv, opts, err, tc.channel, tc.cause)
		}
	}
	_, err := parseCmd(t, NewCmdHangup, "")
	wantUsageError(t, err, `hangup: needs CHANNEL|/REGEX/`)
	_, err = parseCmd(t, NewCmdHangup, "", "a", "b")
	wantUsageError(t, err, `hangup: too many arguments: "a", "b" (it takes CHANNEL|/REGEX/)`)
	_, err = parseCmd(t, NewCmdHangup, "", "a", "--cause")
	wantUsageError(t, err, `flag needs an argument: --cause`)
}
