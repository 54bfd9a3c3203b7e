package top

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/sandboxtest"
	"github.com/amsh/amsh/screen"
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
	key(sim, '/', num, screen.KeyEnter)
	// Both halves of both calls. The ;2 halves run the dialplan (Wait(3600),
	// from Newexten); a ;1 half gets no Newexten when it starts its
	// application, which reaches the model from the OriginateResponse or the
	// next refresh, so that column is not checked here.
	waitScreen(t, sim, "both calls", func(sc shot) bool {
		n := 0
		for _, l := range sc.lines {
			if strings.HasPrefix(l, "Local/long@amsh-") && strings.Contains(l, num) {
				n++
			}
		}
		return n == 4
	})
	key(sim, screen.KeyEscape)
	time.Sleep(1100 * time.Millisecond) // a tick: the durations move
	t.Logf("200x50:\n%s", readScreen(sim))
	sim.Resize(80, 24)
	waitScreen(t, sim, "80x24", func(sc shot) bool { return len(sc.lines) == 24 })
	time.Sleep(200 * time.Millisecond)
	t.Logf("80x24:\n%s", readScreen(sim))
	sim.Resize(200, 50)

	// Select the first of this run's channels and hang it up.
	key(sim, '/', num, screen.KeyEnter, screen.KeyHome)
	// Either half of a Local pair may be listed first; hanging up one
	// ends both.
	var name string
	waitScreen(t, sim, "the selected call", func(sc shot) bool {
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
	waitScreen(t, sim, "the question", func(sc shot) bool {
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
	waitScreen(t, sim, "the row gone", func(sc shot) bool {
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

// Against sandbox instance 3, stopped and started again (the other
// instances keep running), through a gate: a TCP proxy the test can shut.
// A call up before the stop shows; while Asterisk is down the DISCONNECTED
// banner says so. With the gate shut, Asterisk is started and a call
// originated; only then is the gate opened, so top logs in after that
// call's events were sent and only the refresh after the reconnect can
// show it, as it must (with the call the stop ended gone).
func TestTopSandboxReconnect(t *testing.T) {
	sb := sandboxtest.Get(t)
	sb.NeedInstances(t, 3)
	const k = 3
	addr := sb.Instances()[k-1]
	sb.Start(t, k) // in case an earlier run left it stopped
	t.Cleanup(func() { sb.Start(t, k) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	g := newGate(t, addr)
	direct := ami.Config{Addr: addr, Username: sb.User, Secret: sb.Secret, Auth: "md5"}
	gated := direct
	gated.Addr = g.addr()
	// Caller numbers of this run's own mark its calls: before and after.
	stamp := time.Now().UnixNano() / 1e3 % 1e6
	before, after := fmt.Sprintf("5%06d", stamp), fmt.Sprintf("6%06d", stamp)
	originate := func(num string) {
		t.Helper()
		s, err := ami.Dial(ctx, direct)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Send(ctx, ami.NewAction("Originate", "Channel", "Local/long@amsh", "Application", "Wait",
			"Data", "600", "Async", "true", "CallerID", "<"+num+">")); err != nil {
			t.Fatalf("originate: %v", err)
		}
	}
	t.Cleanup(func() {
		// This run's calls hung up, whatever happened.
		for _, l := range strings.Split(sb.Cli(t, k, "core show channels concise"), "\n") {
			if strings.Contains(l, before) || strings.Contains(l, after) {
				name, _, _ := strings.Cut(l, "!")
				sb.Cli(t, k, "channel request hangup "+name)
			}
		}
	})
	rows := func(sc shot, num string) int {
		n := 0
		for _, l := range sc.lines {
			if strings.HasPrefix(l, "Local/long@amsh-") && strings.Contains(l, num) {
				n++
			}
		}
		return n
	}
	banner := func(sc shot) bool { return strings.HasPrefix(sc.lines[1], "DISCONNECTED: ") }
	// No periodic refresh within the test: only the one after the
	// reconnect can bring the call in.
	sim, errc := startTop(t, Config{Session: gated, Target: "sandbox3 (" + addr + ")", Refresh: time.Hour,
		Backoff: ami.Backoff{Min: 200 * time.Millisecond, Max: time.Second}}, 120, 40)
	// wait is waitScreen with room for Asterisk to stop and boot.
	wait := func(what string, cond func(shot) bool) shot {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			sc := readScreen(sim)
			if cond(sc) {
				return sc
			}
			if time.Now().After(deadline) {
				t.Fatalf("screen never showed %s:\n%s", what, sc)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	originate(before)
	wait("the call before the stop", func(sc shot) bool { return rows(sc, before) == 2 })

	sb.Stop(t, k)
	down := wait("the banner", banner)
	t.Logf("down:\n%s", down)
	g.shut(true)
	sb.Start(t, k)
	originate(after)
	for deadline := time.Now().Add(10 * time.Second); strings.Count(sb.Cli(t, k, "core show channels concise"), after) < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the call after the start is not up in Asterisk")
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // the gate turns away an attempt or two
	if sc := readScreen(sim); !banner(sc) || rows(sc, after) != 0 {
		t.Fatalf("top is past the shut gate:\n%s", sc)
	}
	g.shut(false)
	up := wait("the call after the start, and the one before gone", func(sc shot) bool {
		return !banner(sc) && rows(sc, after) == 2 && rows(sc, before) == 0
	})
	t.Logf("up:\n%s", up)
	key(sim, 'q')
	if err := <-errc; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// gate is a TCP proxy to an address that the test can shut: shut, it
// closes each new connection at once, as a server that is down would.
// Connections made while it was open stay.
type gate struct {
	ln     net.Listener
	to     string
	closed atomic.Bool
}

func newGate(t *testing.T, to string) *gate {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{ln: ln, to: to}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go g.serve(c)
		}
	}()
	return g
}

func (g *gate) addr() string { return g.ln.Addr().String() }

func (g *gate) shut(shut bool) { g.closed.Store(shut) }

func (g *gate) serve(c net.Conn) {
	defer c.Close()
	if g.closed.Load() {
		return
	}
	up, err := net.Dial("tcp", g.to)
	if err != nil {
		return
	}
	defer up.Close()
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done // either side ended: end both
}
