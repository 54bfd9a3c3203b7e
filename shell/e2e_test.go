package shell_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/ptytest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

// screen accumulates what amsh writes to its terminal.
type screen struct {
	mu  sync.Mutex
	raw []byte
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|[\r\x07\x08]`)

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.raw = append(s.raw, p...)
	return len(p), nil
}

// mark is where the next wait starts looking.
func (s *screen) mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.raw)
}

// text is the screen from mark on, without escape sequences, \r and \b.
func (s *screen) text(from int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.ReplaceAllString(string(s.raw[from:]), "")
}

// waitFor waits until the text after from matches re and returns the match.
func (s *screen) waitFor(t *testing.T, from int, re string, d time.Duration) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(d)
	for {
		if m := rx.FindString(s.text(from)); m != "" {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed /%s/ within %s; since the mark it shows:\n%s", re, d, tail(s.text(from), 3000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *screen) has(from int, re string) bool {
	return regexp.MustCompile(re).MatchString(s.text(from))
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// TestTerminalSession drives the real binary on a pseudo-terminal against
// the sandbox: Tab completion from the live snapshot, events printed above
// a half-typed line, the history filter, and riding out an Asterisk restart.
//
// It restarts Asterisk: other packages' integration tests running at the
// same time lose their connections. It waits until AMI answers again before
// it ends.
func TestTerminalSession(t *testing.T) {
	sb := sandboxtest.Get(t)
	bin := sandboxtest.BuildAmsh(t)
	state := t.TempDir()
	c := exec.Command(bin, "--config", sb.Profiles())
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TERM=xterm", "XDG_STATE_HOME=" + state}
	scr := &screen{}
	p := ptytest.Start(t, c, 40, 160, scr, func() { t.Logf("whole screen:\n%s", tail(scr.text(0), 6000)) })
	exited := p.Exited
	typ := func(s string) {
		t.Helper()
		p.Type(t, s)
	}
	const prompt = `amsh sandbox> `

	scr.waitFor(t, 0, `connected to `+regexp.QuoteMeta(sb.Addr), 15*time.Second)
	scr.waitFor(t, 0, prompt, 5*time.Second)

	// 1. Tab completes action names from the server's ListCommands, fetched
	// in the background: retry until the first refresh has landed.
	deadline := time.Now().Add(20 * time.Second)
	for {
		m := scr.mark()
		typ("CoreShowChan\t")
		time.Sleep(300 * time.Millisecond)
		typ("\t") // several candidates: the second Tab lists them
		time.Sleep(300 * time.Millisecond)
		if scr.has(m, `CoreShowChannels`) {
			t.Logf("Tab Tab after CoreShowChan:\n%s", tail(scr.text(m), 600))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Tab never offered CoreShowChannels:\n%s", tail(scr.text(m), 2000))
		}
		typ("\x15") // Ctrl-U: clear the line, try again
	}
	m := scr.mark()
	typ("s\t") // now only CoreShowChannels fits
	scr.waitFor(t, m, prompt+`CoreShowChannels $`, 5*time.Second)
	typ("\x15")

	// 2. A live channel reaches the snapshot through the event stream, and
	// Tab completes it.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	own, err := ami.Dial(ctx, ami.Config{Addr: sb.Addr, Username: sb.User, Secret: sb.Secret, Events: "call"})
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	sub := own.Subscribe(0)
	if _, err := own.Send(ctx, ami.NewAction("Originate", "Channel", "Local/long@amsh", "Application", "Wait", "Data", "600", "Async", "true")); err != nil {
		t.Fatal(err)
	}
	var channel string
	for channel == "" {
		select {
		case ev := <-sub.Events():
			if ch := ev.Get("Channel"); ev.Event() == "Newchannel" && strings.HasPrefix(ch, "Local/long@amsh-") && strings.HasSuffix(ch, ";1") {
				channel = ch
			}
		case <-ctx.Done():
			t.Fatal("no Newchannel for the long call")
		}
	}
	sub.Close()
	stem := strings.TrimSuffix(channel, ";1")
	// With events off the channel's name can only reach the screen by Tab
	// (the events still reach the snapshot).
	m = scr.mark()
	typ("events off\r")
	scr.waitFor(t, m, `\n`+prompt, 5*time.Second)
	// The printer feeds events to the snapshot every 100ms: retry briefly.
	for deadline := time.Now().Add(10 * time.Second); ; {
		m = scr.mark()
		typ("hangup Local/long@amsh-\t")
		time.Sleep(300 * time.Millisecond)
		typ("\t")
		time.Sleep(300 * time.Millisecond)
		if got := regexp.MustCompile(regexp.QuoteMeta(stem) + `;[12]?`).FindString(scr.text(m)); got != "" {
			t.Logf("Tab after 'hangup Local/long@amsh-' showed %s:\n%s", got, tail(scr.text(m), 600))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Tab never offered %s:\n%s", channel, tail(scr.text(m), 2000))
		}
		typ("\x15")
	}
	typ("\x15")
	m = scr.mark()
	typ("hangup " + channel + " -y\r")
	scr.waitFor(t, m, `(?s)`+regexp.QuoteMeta(channel)+`.*Success|hung up|`+regexp.QuoteMeta(channel)+`\n`, 10*time.Second)
	scr.waitFor(t, m, `\n`+prompt, 5*time.Second)

	// 3. Events print above a half-typed line, which is drawn again below.
	m = scr.mark()
	typ("events on\r")
	scr.waitFor(t, m, `\n`+prompt, 5*time.Second)
	m = scr.mark()
	typ("Pin")
	scr.waitFor(t, m, prompt+`Pin`, 5*time.Second)
	if _, err := own.Send(ctx, ami.NewAction("Originate", "Channel", "Local/ev10@amsh", "Application", "Wait", "Data", "1", "Async", "true")); err != nil {
		t.Fatal(err)
	}
	got := scr.waitFor(t, m, `\[\d\d:\d\d:\d\d\] UserEvent [^\n]*AmshTest[^\n]*\n`+prompt+`Pin`, 15*time.Second)
	t.Logf("an event above the half-typed line:\n%s", got)
	typ("\x15")

	// 4. History: a line holding a secret never reaches the file.
	m = scr.mark()
	typ("Setvar Variable=amsh_e2e Value=1 Secret=hunter2\r")
	scr.waitFor(t, m, `Response:\s+Success`, 10*time.Second)
	m = scr.mark()
	typ("ping\r")
	scr.waitFor(t, m, `Pong from `+regexp.QuoteMeta(sb.Addr), 10*time.Second)
	histPath := filepath.Join(state, "amsh", "history")
	hist, err := os.ReadFile(histPath)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(hist), "hunter2") || !strings.Contains(string(hist), "ping\n") ||
		!strings.Contains(string(hist), "hangup "+channel+" -y\n") {
		t.Errorf("history file holds:\n%s", hist)
	}
	if st, err := os.Stat(histPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("history file mode: %v %v", st.Mode(), err)
	}

	// 5. Asterisk restarts: the shell says so, reconnects, and the next
	// command works without restarting amsh.
	m = scr.mark()
	if out, err := exec.Command("chroot", sb.Root, "/usr/sbin/asterisk", "-rx", "core restart now").CombinedOutput(); err != nil {
		t.Fatalf("core restart now: %v\n%s", err, out)
	}
	t.Cleanup(func() { waitForAMI(t, sb) })
	scr.waitFor(t, m, `connection lost: [^\n]*; reconnecting`, 30*time.Second)
	scr.waitFor(t, m, `amsh sandbox \(disconnected\)> `, 10*time.Second)
	var pong string
	for deadline := time.Now().Add(90 * time.Second); pong == ""; {
		mm := scr.mark()
		typ("ping\r")
		// A command typed while the link is down waits (up to the per-action
		// timeout) for the reconnection.
		scr.waitFor(t, mm, `Pong from [^\n]*|error: [^\n]*`, 30*time.Second)
		if s := regexp.MustCompile(`Pong from [^\n]*`).FindString(scr.text(mm)); s != "" {
			pong = s
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Pong after the restart:\n%s", tail(scr.text(m), 3000))
		}
		t.Logf("ping while Asterisk restarts: %s", regexp.MustCompile(`error: [^\n]*`).FindString(scr.text(mm)))
	}
	t.Logf("after the restart:\n%s", tail(scr.text(m), 1500))
	if !scr.has(m, `reconnected to `+regexp.QuoteMeta(sb.Addr)) {
		t.Errorf("no 'reconnected' notice:\n%s", scr.text(m))
	}

	// Ctrl-D leaves, with the status of the last line (ping: 0).
	typ("\x04")
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("amsh exited: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Ctrl-D did not end the shell")
	}
}

// waitForAMI returns once the sandbox's AMI logs in again after a restart,
// so the tests that run next find it up.
func waitForAMI(t *testing.T, sb *sandboxtest.Sandbox) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s, err := ami.Dial(ctx, ami.Config{Addr: sb.Addr, Username: sb.User, Secret: sb.Secret})
		if err == nil {
			_, err = s.Send(ctx, ami.NewAction("Ping"))
			s.Logoff(ctx)
		}
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("AMI is still down two minutes after the restart: %v", err)
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}
