package cmd

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/amsh/amsh/internal/amitest"
)

func TestNewCmdTop(t *testing.T) {
	opts, err := parseCmd(t, NewCmdTop, "")
	if err != nil || opts.IO == nil || opts.Connection == nil || opts.SessionConfig == nil || opts.Color == nil || opts.NewScreen == nil {
		t.Errorf("top: %+v, %v", opts, err)
	}
	_, err = parseCmd(t, NewCmdTop, "", "now")
	wantUsageError(t, err, `top: too many arguments: "now" (it takes none)`)
}

// top is full-screen only: without a terminal it says so and exits 2.
func TestTopNeedsTerminal(t *testing.T) {
	r := (&run{Args: []string{"--host", "127.0.0.1:1", "--user", "u", "top"}}).exec(t)
	if r.Code != ExitUsage || !strings.Contains(r.Stderr, "top: needs a terminal") {
		t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// topRun dials the profile with top's event mask, titles the screen with
// the profile and quits on q.
func TestTopRunShowsProfile(t *testing.T) {
	srv := amitest.New(t, func(c *amitest.Conn) {
		a, _ := c.Read()
		if got := a.Get("Events"); got != "call,agent,dialplan" {
			t.Errorf("Login Events %q", got)
		}
		c.Reply(a, "Success", "Message: Authentication accepted")
		a = c.Expect("CoreShowChannels")
		c.Reply(a, "Success", "EventList: start", "Message: Channels will follow")
		c.Send("Event: CoreShowChannelsComplete\nActionID: " + a.ID() + "\nEventList: Complete\nListItems: 0\n\n")
		a = c.Expect("QueueStatus")
		c.Reply(a, "Success", "EventList: start", "Message: Queue status will follow")
		c.Send("Event: QueueStatusComplete\nActionID: " + a.ID() + "\nEventList: Complete\nListItems: 0\n\n")
		c.Expect("Logoff")
	})
	env := map[string]string{"AMSH_CONFIG": profilesFile(t, srv.Addr(), "")}
	ios := &IOStreams{In: strings.NewReader(""), Out: &strings.Builder{}, ErrOut: &strings.Builder{},
		InTTY: true, OutTTY: true, ErrTTY: true, Getenv: func(k string) string { return env[k] }}
	f := NewFactory(ios)
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil { // here, so reading it below does not race with Init
		t.Fatal(err)
	}
	opts, err := parseCmd(t, NewCmdTop, "")
	if err != nil {
		t.Fatal(err)
	}
	opts.IO, opts.Connection, opts.SessionConfig = ios, f.Connection, f.sessionConfig
	scr := &lockedScreen{SimulationScreen: sim}
	opts.NewScreen = func() (tcell.Screen, error) { return scr, nil }
	errc := make(chan error, 1)
	go func() { errc <- topRun(context.Background(), opts) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var title strings.Builder
		scr.mu.Lock()
		cells, w, _ := sim.GetContents()
		for _, c := range cells[:min(w, len(cells))] {
			title.WriteString(string(c.Runes))
		}
		scr.mu.Unlock()
		if strings.Contains(title.String(), "amsh top  profile fake ("+srv.Addr()+")") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("title %q", title.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	sim.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
	if err := <-errc; err != nil {
		t.Errorf("topRun: %v", err)
	}
}

// lockedScreen is a screen the test has initialised already and reads
// while top draws: GetContents hands out the cells Show writes, so the two
// are serialised.
type lockedScreen struct {
	tcell.SimulationScreen
	mu sync.Mutex
}

func (*lockedScreen) Init() error { return nil }

func (s *lockedScreen) Show() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.SimulationScreen.Show()
}
