package top_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/pty"
	"github.com/amsh/amsh/internal/ptytest"
	"github.com/amsh/amsh/internal/sandboxtest"
	"github.com/amsh/amsh/internal/vt"
)

// TestTopTerminal runs the built amsh top on an 80x24 pseudo-terminal
// against the sandbox: a new call's row appears and its time ticks; /, h,
// y hang it up in Asterisk; Tab, /103, p, y pause a queue member and p, y
// unpause it; a resize to 100x30 redraws the whole screen; q exits 0.
func TestTopTerminal(t *testing.T) {
	sb := sandboxtest.Get(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin := sandboxtest.BuildAmsh(t)
	cfg := ami.Config{Addr: sb.Addr, Username: sb.User, Secret: sb.Secret}
	own, err := ami.Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A caller number of this run's own marks its call.
	num := fmt.Sprintf("8%06d", time.Now().UnixNano()/1e3%1e6)
	const member, queue = "Local/103@amsh-agents", "sales"
	t.Cleanup(func() {
		// Whatever happened: the member unpaused, this run's call hung up.
		// (A cleanup, not a defer, so it runs before the session closes.)
		defer own.Close()
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		own.Send(cctx, ami.NewAction("QueuePause", "Interface", member, "Queue", queue, "Paused", "false"))
		for _, l := range strings.Split(sb.Rx(t, "core show channels concise"), "\n") {
			if strings.Contains(l, num) {
				name, _, _ := strings.Cut(l, "!")
				own.Send(cctx, ami.NewAction("Hangup", "Channel", name))
			}
		}
	})

	c := exec.Command(bin, "--config", filepath.Join(sb.Dir, "profiles.yaml"), "top")
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TERM=xterm-256color", "NO_COLOR=1"}
	scr := vt.New(24, 80)
	p := ptytest.Start(t, c, 24, 80, scr, func() {
		t.Logf("the screen at the end:\n%s", strings.Join(scr.Lines(), "\n"))
	})
	term, exited := p.Term, p.Exited
	typ := func(s string) {
		t.Helper()
		p.Type(t, s)
	}
	// waitFor polls the screen until cond holds, failing after d.
	waitFor := func(what string, d time.Duration, cond func([]string) bool) []string {
		t.Helper()
		deadline := time.Now().Add(d)
		for {
			ls := scr.Lines()
			if cond(ls) {
				return ls
			}
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %s within %s:\n%s", what, d, strings.Join(ls, "\n"))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	has := func(re string) func([]string) bool {
		rx := regexp.MustCompile(re)
		return func(ls []string) bool { return rx.MatchString(strings.Join(ls, "\n")) }
	}

	waitFor("the title", 15*time.Second, has(`(?m)^amsh top  profile sandbox \(`+regexp.QuoteMeta(sb.Addr)+`\) +\d\d:\d\d:\d\d$`))
	waitFor("the queues pane", 10*time.Second, has(`(?m)^Queues \d+`))

	// 1. A new call's row appears, and its Time cell ticks.
	if _, err := own.Send(ctx, ami.NewAction("Originate", "Channel", "Local/long@amsh", "Application", "Wait",
		"Data", "600", "Async", "true", "CallerID", "<"+num+">")); err != nil {
		t.Fatalf("originate: %v", err)
	}
	rowTime := regexp.MustCompile(`(?m)^Local/long\S* .*\b` + num + `\b.* (\d+:\d\d)$`)
	first := rowTime.FindStringSubmatch(strings.Join(waitFor("the call's row", 10*time.Second, has(rowTime.String())), "\n"))[1]
	waitFor("the call's time move on from "+first, 5*time.Second, func(ls []string) bool {
		m := rowTime.FindStringSubmatch(strings.Join(ls, "\n"))
		return m != nil && m[1] != first
	})

	// 2. Filter on the number, h, y: Asterisk has no channel of it left.
	typ("/" + num + "\r")
	waitFor("the filter", 5*time.Second, has(`(?m)^Channels 2\b.*  filter /`+num+`$`))
	typ("h")
	waitFor("the hangup question", 5*time.Second, has(`(?m)^hang up Local/long@amsh-[0-9a-f]+;[12]\? \[y/N\]`))
	if !strings.Contains(sb.Rx(t, "core show channels concise"), num) {
		t.Fatal("the call is not up before y")
	}
	typ("y")
	for deadline := time.Now().Add(10 * time.Second); strings.Contains(sb.Rx(t, "core show channels concise"), num); {
		if time.Now().After(deadline) {
			t.Fatalf("the call is still up after h, y:\n%s", strings.Join(scr.Lines(), "\n"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	waitFor("the rows gone", 5*time.Second, has(`(?m)^Channels 0\b.*  filter /`+num+`$`))

	// 3. Tab to the queues, select 103 by a filter, p, y: paused in
	// Asterisk; p, y again: unpaused.
	paused := regexp.MustCompile(`\(` + regexp.QuoteMeta(member) + `\)[^\n]*\(paused`)
	if paused.MatchString(sb.Rx(t, "queue show "+queue)) {
		t.Fatalf("%s is paused in %s before the test", member, queue)
	}
	typ("\x1b") // clear the filter
	waitFor("the filter cleared", 5*time.Second, has(`(?m)^Channels \d+$`))
	typ("\t/103\r")
	waitFor("the filtered queues", 5*time.Second, has(`(?m)^  Agent Three `+regexp.QuoteMeta(member)))
	typ("j")
	for i, want := range []bool{true, false} {
		verb := "pause"
		if !want {
			verb = "unpause"
		}
		typ("p")
		waitFor("the "+verb+" question", 5*time.Second, has(`(?m)^`+verb+` `+regexp.QuoteMeta(member)+` in `+queue+`\? \[y/N\]`))
		typ("y")
		for deadline := time.Now().Add(10 * time.Second); paused.MatchString(sb.Rx(t, "queue show "+queue)) != want; {
			if time.Now().After(deadline) {
				t.Fatalf("p, y #%d: %s not %sd in Asterisk:\n%s", i+1, member, verb, strings.Join(scr.Lines(), "\n"))
			}
			time.Sleep(100 * time.Millisecond)
		}
		// The member's row follows the event before the next p.
		waitFor("the member's row "+verb+"d", 5*time.Second, func(ls []string) bool {
			for _, l := range ls {
				if strings.HasPrefix(l, "  Agent Three "+member) {
					return strings.Contains(l, " paused") == want
				}
			}
			return false
		})
	}

	// 4. A resize to 100x30 redraws the whole screen at the new size.
	scr.Resize(30, 100)
	if err := pty.SetSize(term, 30, 100); err != nil {
		t.Fatal(err)
	}
	big := waitFor("the screen at 100x30", 5*time.Second, func(ls []string) bool {
		return regexp.MustCompile(`^amsh top .* \d\d:\d\d:\d\d$`).MatchString(ls[0]) && len(ls[0]) == 100 &&
			ls[29] != "" // the footer, on a row the 80x24 screen did not have
	})
	t.Logf("100x30:\n%s", strings.Join(big, "\n"))

	// 5. q ends top with status 0.
	typ("q")
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("amsh top exited: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("q did not end amsh top within 5 s")
	}
}
