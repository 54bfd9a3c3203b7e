package top

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/sandboxtest"
)

// Against the sandbox: two calls to Local/long@amsh show up by their
// events, h and y on one hangs it up in Asterisk, q ends top. With -v the
// screens at 80x24 and 200x50 are logged.
func TestTopSandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg := ami.Config{Addr: sb.Addr, Username: sb.User, Secret: sb.Secret, Auth: "md5"}
	// A caller number of this run's own marks its calls.
	num := fmt.Sprintf("7%06d", time.Now().UnixNano()/1e3%1e6)

	sim, errc := startTop(t, Config{Session: cfg, Target: "sandbox (" + sb.Addr + ")", Confirm: true}, 200, 50)
	s, err := ami.Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Whatever the test left: hang up this run's calls. (A cleanup,
		// not a defer, so it runs before the session is closed.)
		defer s.Close()
		out := sb.Rx(t, "core show channels concise")
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, num) {
				name, _, _ := strings.Cut(l, "!")
				s.Send(context.Background(), ami.NewAction("Hangup", "Channel", name))
			}
		}
	})
	for i := range 2 {
		_, err := s.Send(ctx, ami.NewAction("Originate", "Channel", "Local/long@amsh", "Application", "Wait",
			"Data", "600", "Async", "true", "CallerID", fmt.Sprintf("top test %d <%s>", i+1, num)))
		if err != nil {
			t.Fatalf("originate: %v", err)
		}
	}
	key(sim, '/', num, tcell.KeyEnter)
	// Both halves of both calls. The ;2 halves run the dialplan (Wait(3600),
	// from Newexten); a ;1 half shows AppDial2 until a refresh lists its
	// Wait(600), since Asterisk sends no event when an originated channel
	// starts its application, so that column is not checked here.
	waitScreen(t, sim, "both calls", func(sc screen) bool {
		n := 0
		for _, l := range sc.lines {
			if strings.HasPrefix(l, "Local/long@amsh-") && strings.Contains(l, num) {
				n++
			}
		}
		return n == 4
	})
	key(sim, tcell.KeyEscape)
	time.Sleep(1100 * time.Millisecond) // a tick: the durations move
	t.Logf("200x50:\n%s", readScreen(sim))
	sim.SetSize(80, 24)
	sim.PostEvent(tcell.NewEventResize(80, 24))
	waitScreen(t, sim, "80x24", func(sc screen) bool { return len(sc.lines) == 24 })
	time.Sleep(200 * time.Millisecond)
	t.Logf("80x24:\n%s", readScreen(sim))
	sim.SetSize(200, 50)
	sim.PostEvent(tcell.NewEventResize(200, 50))

	// Select the first of this run's channels and hang it up.
	key(sim, '/', num, tcell.KeyEnter, tcell.KeyHome)
	// Either half of a Local pair may be listed first; hanging up one
	// ends both.
	var name string
	waitScreen(t, sim, "the selected call", func(sc screen) bool {
		if len(sc.lines) != 50 {
			return false
		}
		for i, l := range sc.lines[:49] {
			if sc.reverse[i] && strings.HasPrefix(l, "Local/long@amsh-") && strings.Contains(l, num) {
				name, _, _ = strings.Cut(l, " ")
				return true
			}
		}
		return false
	})
	key(sim, 'h')
	waitScreen(t, sim, "the question", func(sc screen) bool {
		return strings.HasPrefix(sc.lines[49], "hang up "+name+"? [y/N]")
	})
	if !strings.Contains(sb.Rx(t, "core show channels concise"), name+"!") {
		t.Fatalf("%s is not up before y", name)
	}
	key(sim, 'y')
	deadline := time.Now().Add(10 * time.Second)
	for strings.Contains(sb.Rx(t, "core show channels concise"), name+"!") {
		if time.Now().After(deadline) {
			t.Fatalf("%s still up after h, y:\n%s", name, readScreen(sim))
		}
		time.Sleep(100 * time.Millisecond)
	}
	waitScreen(t, sim, "the row gone", func(sc screen) bool {
		for _, l := range sc.lines[:49] {
			if strings.HasPrefix(l, name+" ") {
				return false
			}
		}
		return true
	})
	key(sim, 'q')
	if err := <-errc; err != nil {
		t.Errorf("Run: %v", err)
	}
}
