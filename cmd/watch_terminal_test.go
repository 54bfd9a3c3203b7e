package cmd

import (
	"context"
	"os"
	"os/exec"
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

// --watch on a real terminal against the sandbox: the built amsh runs on a
// pty, its screen is read through a terminal emulator. The frame is drawn
// in place (the header stays on the first line, the table under it), a
// member paused behind amsh's back shows in a later frame, a resize is
// followed, and Ctrl-C ends the watch with exit 0.
func TestWatchTerminalSandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bin := sandboxtest.BuildAmsh(t)
	own, err := ami.Dial(ctx, ami.Config{Addr: sb.Addr, Username: sb.User, Secret: sb.Secret})
	if err != nil {
		t.Fatal(err)
	}
	const member, queue = "Local/103@amsh-agents", "sales"
	pause := func(paused string) {
		t.Helper()
		if _, err := own.Send(ctx, ami.NewAction("QueuePause", "Interface", member, "Queue", queue, "Paused", paused)); err != nil {
			t.Fatalf("QueuePause %s: %v", paused, err)
		}
	}
	t.Cleanup(func() {
		defer own.Close()
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		own.Send(cctx, ami.NewAction("QueuePause", "Interface", member, "Queue", queue, "Paused", "false"))
	})
	pause("false")

	c := exec.Command(bin, "--config", sb.Profiles(), "--watch=300ms", "queue", "status", queue)
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TERM=xterm", "NO_COLOR=1"}
	scr := vt.New(24, 120)
	p := ptytest.Start(t, c, 24, 120, scr, func() {
		t.Logf("the screen at the end:\n%s", strings.Join(scr.Lines(), "\n"))
	})
	term, exited := p.Term, p.Exited
	waitFor := func(what string, cond func([]string) bool) []string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			ls := scr.Lines()
			if cond(ls) {
				return ls
			}
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %s:\n%s", what, strings.Join(ls, "\n"))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	memberRow := regexp.MustCompile(`^Agent Three +` + regexp.QuoteMeta(member) + ` +\S.*? (yes|no) +(yes|no) `)
	paused := func(want string) func([]string) bool {
		return func(ls []string) bool {
			if len(ls) == 0 || !strings.HasPrefix(ls[0], "Every 300ms: amsh queue status "+queue) {
				return false // the header stays on the first line
			}
			for _, l := range ls[1:] {
				if m := memberRow.FindStringSubmatch(l); m != nil {
					return m[1] == want
				}
			}
			return false
		}
	}

	ls := waitFor("the member unpaused under the header", paused("no"))
	if n := strings.Count(strings.Join(ls, "\n"), "Every 300ms:"); n != 1 {
		t.Errorf("the header is on the screen %d times, want once (frames drawn in place)", n)
	}
	pause("true")
	waitFor("the member paused in a later frame", paused("yes"))
	pause("false")
	waitFor("the member unpaused again", paused("no"))

	// A narrower terminal: the next frame is rendered for it, so the table
	// drops columns and says so (the 120-column frame needed no such line).
	if strings.Contains(strings.Join(scr.Lines(), "\n"), "(hidden:") {
		t.Fatal("the 120-column frame already hides columns: the resize proves nothing")
	}
	if err := pty.SetSize(term, 24, 60); err != nil {
		t.Fatal(err)
	}
	scr.Resize(24, 60)
	waitFor("a frame fitted to 60 columns", func(ls []string) bool {
		all := strings.Join(ls, "\n")
		return len(ls) > 2 && strings.HasPrefix(ls[0], "Every 300ms:") && strings.Contains(all, "Agent Three") &&
			strings.Contains(all, "(hidden:")
	})

	if _, err := term.Write([]byte{0x03}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("after Ctrl-C: %v, want exit 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("amsh --watch did not end at Ctrl-C")
	}
}
