package top

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/screen"
)

// shot is what a screen shows, as lines of text, and which lines are drawn
// in reverse video (the selection, the focused pane's title).
type shot struct {
	lines   []string
	reverse []bool
}

func readScreen(scr *screen.Screen) shot {
	cells, w, h := scr.Contents()
	var sc shot
	for y := range h {
		var b strings.Builder
		rev := true
		for x := range w {
			c := cells[y*w+x]
			b.WriteString(c.Text)
			if c.Style.Attrs&screen.AttrReverse == 0 {
				rev = false
			}
		}
		sc.lines = append(sc.lines, b.String())
		sc.reverse = append(sc.reverse, rev)
	}
	return sc
}

func (sc shot) String() string { return strings.Join(sc.lines, "\n") }

// find returns the first line holding s, or -1.
func (sc shot) find(s string) int {
	for i, l := range sc.lines {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}

// waitScreen polls the screen until cond holds, failing after 10 s (the
// sandbox can be slow while other tests flood it).
func waitScreen(t *testing.T, scr *screen.Screen, what string, cond func(shot) bool) shot {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sc := readScreen(scr)
		if cond(sc) {
			return sc
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %s:\n%s", what, sc)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// key types keys on scr: runes, strings of runes, and named keys.
func key(scr *screen.Screen, keys ...any) {
	for _, k := range keys {
		switch k := k.(type) {
		case rune:
			scr.Inject(screen.Event{Key: screen.KeyRune, Rune: k})
		case string:
			for _, r := range k {
				scr.Inject(screen.Event{Key: screen.KeyRune, Rune: r})
			}
		case screen.Key:
			scr.Inject(screen.Event{Key: k})
		}
	}
}

// startTop runs top on a w×h screen that writes to a terminal emulator,
// against cfg's server; the returned channel gives Run's error.
func startTop(t *testing.T, cfg Config, w, h int) (*screen.Screen, <-chan error) {
	t.Helper()
	scr := screen.New(io.Discard, w, h)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		errc <- Run(ctx, func() (*screen.Screen, error) { return scr, nil }, cfg)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-ended:
		case <-time.After(5 * time.Second):
			t.Error("top did not end")
		}
	})
	return scr, errc
}

// channelList is a CoreShowChannels reply to a.
func channelList(a *amitest.Action, chans ...[3]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Response: Success\nActionID: %s\nEventList: start\nMessage: Channels will follow\n\n", a.ID())
	for _, c := range chans {
		fmt.Fprintf(&b, "Event: CoreShowChannel\nActionID: %s\nChannel: %s\nChannelState: 6\nChannelStateDesc: Up\n"+
			"CallerIDNum: <unknown>\nCallerIDName: <unknown>\nConnectedLineNum: <unknown>\nConnectedLineName: <unknown>\n"+
			"Language: en\nAccountCode: \nContext: amsh\nExten: long\nPriority: 2\nUniqueid: %s\nLinkedid: %s\n"+
			"Application: %s\nApplicationData: 3600\nDuration: 00:00:07\nBridgeId: \n\n", a.ID(), c[0], c[1], c[1], c[2])
	}
	fmt.Fprintf(&b, "Event: CoreShowChannelsComplete\nActionID: %s\nEventList: Complete\nListItems: %d\n\n", a.ID(), len(chans))
	return b.String()
}

func queueList(a *amitest.Action) string {
	id := a.ID()
	return "Response: Success\nActionID: " + id + "\nEventList: start\nMessage: Queue status will follow\n\n" +
		"Event: QueueParams\nActionID: " + id + "\nQueue: support\nMax: 0\nStrategy: ringall\nCalls: 0\nHoldtime: 0\nTalkTime: 0\nCompleted: 0\nAbandoned: 0\nServiceLevel: 0\nServicelevelPerf: 0.0\nWeight: 0\n\n" +
		"Event: QueueMember\nActionID: " + id + "\nQueue: support\nName: Agent One\nLocation: Local/101@amsh-agents\nStateInterface: Local/101@amsh-agents\nMembership: static\nPenalty: 0\nCallsTaken: 0\nLastCall: 0\nLastPause: 0\nLoginTime: 0\nInCall: 0\nStatus: 1\nPaused: 0\nPausedReason: \nWrapuptime: 0\n\n" +
		"Event: QueueStatusComplete\nActionID: " + id + "\nEventList: Complete\nListItems: 2\n\n"
}

// Keys on a test screen (screen.New) against a scripted server: the refresh and an
// event fill the panes, / filters, arrows select, h asks and sends Hangup
// for the selected channel only after y, Tab and p pause the selected
// member, q logs off.
func TestKeysAgainstFakeServer(t *testing.T) {
	hangups := make(chan string, 1)
	pauses := make(chan *amitest.Action, 1)
	srv := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("CoreShowChannels")
		c.Send(channelList(a,
			[3]string{"Local/long@amsh-00000001;1", "1773480000.1", "Wait"},
			[3]string{"Local/long@amsh-00000001;2", "1773480000.2", "Wait"}))
		a = c.Expect("QueueStatus")
		c.Send(queueList(a))
		c.Send("Event: Newchannel\nChannel: PJSIP/alice-00000003\nChannelState: 4\nChannelStateDesc: Ring\n" +
			"CallerIDNum: 2001\nCallerIDName: Alice\nUniqueid: 1773480001.3\nLinkedid: 1773480001.3\nContext: amsh\nExten: 100\nPriority: 1\n\n")
		a = c.Expect("Hangup")
		hangups <- a.Get("Channel")
		c.Reply(a, "Success", "Message: Channel Hungup")
		c.Send("Event: Hangup\nChannel: " + a.Get("Channel") + "\nUniqueid: 1773480000.2\nCause: 16\nCause-txt: Normal Clearing\n\n")
		a = c.Expect("QueuePause")
		pauses <- a
		c.Reply(a, "Success", "Message: Interface paused successfully")
		a = c.Expect("Logoff")
		c.Reply(a, "Goodbye", "Message: Thanks for all the fish.")
	})
	sim, errc := startTop(t, Config{
		Session: ami.Config{Addr: srv.Addr(), Username: "u", Secret: "s", Auth: "plain"},
		Target:  "fake", Confirm: true,
	}, 80, 24)

	sc := waitScreen(t, sim, "the refresh and the event", func(sc shot) bool {
		return sc.find("00000001;2") >= 0 && sc.find("Alice <2001>") >= 0 && sc.find("Agent One") >= 0
	})
	if !sc.reverse[sc.find("00000001;1")] {
		t.Errorf("the first channel is not selected:\n%s", sc)
	}

	// Filter: only the matching row stays, and the title says so.
	key(sim, '/', "ALICE", screen.KeyEnter)
	sc = waitScreen(t, sim, "the filter", func(sc shot) bool { return sc.find("Channels 1 of 3") >= 0 })
	if sc.find("0001;") >= 0 || !sc.reverse[sc.find("Alice <2001>")] {
		t.Errorf("the filter kept other rows, or the one it kept is not selected:\n%s", sc)
	}
	key(sim, screen.KeyEscape)
	sc = waitScreen(t, sim, "the filter cleared", func(sc shot) bool { return sc.find("Channels 3 ") >= 0 })
	if !sc.reverse[sc.find("Alice <2001>")] {
		t.Errorf("the selection left the row the filter showed:\n%s", sc)
	}

	// Up selects the channel above; h asks about it, n does nothing.
	key(sim, screen.KeyUp, 'h')
	sc = waitScreen(t, sim, "the question", func(sc shot) bool {
		return strings.HasPrefix(sc.lines[23], "hang up Local/long@amsh-00000001;2? [y/N]")
	})
	key(sim, 'n')
	waitScreen(t, sim, "the refusal", func(sc shot) bool { return strings.HasPrefix(sc.lines[23], "not confirmed") })
	select {
	case ch := <-hangups:
		t.Fatalf("Hangup %s sent after n", ch)
	case <-time.After(100 * time.Millisecond):
	}

	// Up, then Down: the same row again; h, y sends the Hangup.
	key(sim, screen.KeyUp, screen.KeyDown, 'h', 'y')
	select {
	case ch := <-hangups:
		if ch != "Local/long@amsh-00000001;2" {
			t.Errorf("Hangup of %q, want the selected Local/long@amsh-00000001;2", ch)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no Hangup sent")
	}
	waitScreen(t, sim, "the channel gone", func(sc shot) bool {
		return sc.find("Channels 2") >= 0 && sc.find("0001;2") == 23 && strings.HasPrefix(sc.lines[23], "hung up Local/long@amsh-00000001;2")
	})

	// Tab to the queues; Down to the member; p, y.
	key(sim, screen.KeyTab, screen.KeyDown, 'p')
	waitScreen(t, sim, "the pause question", func(sc shot) bool {
		return strings.HasPrefix(sc.lines[23], "pause Local/101@amsh-agents in support? [y/N]")
	})
	key(sim, 'y')
	select {
	case a := <-pauses:
		if a.Get("Interface") != "Local/101@amsh-agents" || a.Get("Queue") != "support" || a.Get("Paused") != "true" {
			t.Errorf("QueuePause %q", a.Raw)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no QueuePause sent")
	}

	key(sim, 'q')
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("q did not end top")
	}
}

// Without confirmation (-y, or confirm: false) h sends at once; a resize
// redraws at the new size.
func TestHangupWithoutConfirmAndResize(t *testing.T) {
	hangups := make(chan string, 1)
	srv := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("CoreShowChannels")
		c.Send(channelList(a, [3]string{"Local/long@amsh-00000001;1", "1773480000.1", "Wait"}))
		a = c.Expect("QueueStatus")
		c.Send(queueList(a))
		a = c.Expect("Hangup")
		hangups <- a.Get("Channel")
		c.Reply(a, "Success", "Message: Channel Hungup")
		c.Expect("Logoff")
	})
	sim, errc := startTop(t, Config{
		Session: ami.Config{Addr: srv.Addr(), Username: "u", Secret: "s", Auth: "plain"},
		Target:  "fake",
	}, 80, 24)
	waitScreen(t, sim, "the channel", func(sc shot) bool { return sc.find("Local/long@amsh-00000001;1") >= 0 })
	sim.Resize(120, 30)
	waitScreen(t, sim, "120x30", func(sc shot) bool {
		return len(sc.lines) == 30 && len([]rune(sc.lines[0])) == 120 && strings.HasPrefix(sc.lines[29], "q quit")
	})
	key(sim, 'h')
	select {
	case ch := <-hangups:
		if ch != "Local/long@amsh-00000001;1" {
			t.Errorf("Hangup of %q", ch)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no Hangup sent")
	}
	key(sim, screen.KeyCtrlC)
	if err := <-errc; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// A lost link shows the banner; the redial brings a refresh.
func TestBannerAndReconnect(t *testing.T) {
	conns := 0
	srv := amitest.NewN(t, 3, func(c *amitest.Conn) {
		conns++
		if conns == 2 {
			return // the first redial fails: closed before the login
		}
		c.AcceptLogin()
		a := c.Expect("CoreShowChannels")
		name := "Local/long@amsh-00000001;1"
		if conns == 3 {
			name = "Local/long@amsh-00000002;1"
		}
		c.Send(channelList(a, [3]string{name, "1773480000.1", "Wait"}))
		a = c.Expect("QueueStatus")
		c.Send(queueList(a))
		if conns == 1 {
			time.Sleep(300 * time.Millisecond)
			return // the connection closes: the link is lost
		}
		c.Expect("Logoff")
	})
	sim, errc := startTop(t, Config{
		Session: ami.Config{Addr: srv.Addr(), Username: "u", Secret: "s", Auth: "plain"},
		Target:  "fake",
		Backoff: ami.Backoff{Min: 500 * time.Millisecond, Max: time.Second},
	}, 80, 24)
	waitScreen(t, sim, "the first channel", func(sc shot) bool { return sc.find("amsh-00000001;1") >= 0 })
	waitScreen(t, sim, "the banner", func(sc shot) bool { return strings.HasPrefix(sc.lines[1], "DISCONNECTED: ") })
	waitScreen(t, sim, "the refresh after the redial", func(sc shot) bool {
		return sc.find("amsh-00000002;1") >= 0 && sc.find("amsh-00000001;1") < 0 && sc.find("DISCONNECTED") < 0
	})
	key(sim, 'q')
	if err := <-errc; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// A channel events bring in before the first refresh is selected while the
// list loads; once the list has come, the view starts at its top (the
// oldest channel selected), not wherever that channel sorts.
func TestFirstRefreshStartsAtTheTop(t *testing.T) {
	listed := make(chan struct{})
	srv := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("CoreShowChannels")
		c.Send("Event: Newchannel\nChannel: PJSIP/alice-00000100\nChannelState: 4\nChannelStateDesc: Ring\n" +
			"CallerIDNum: 2001\nCallerIDName: Alice\nUniqueid: 1773480100.1\nLinkedid: 1773480100.1\nContext: amsh\nExten: 100\nPriority: 1\n\n")
		<-listed // the screen shows Alice, selected
		var chans [][3]string
		for i := range 40 {
			chans = append(chans, [3]string{fmt.Sprintf("Local/long@amsh-%08x;2", i), fmt.Sprintf("1773470000.%d", i), "Wait"})
		}
		c.Send(channelList(a, chans...))
		a = c.Expect("QueueStatus")
		c.Send(queueList(a))
		c.Read()
	})
	sim, _ := startTop(t, Config{Session: ami.Config{Addr: srv.Addr(), Username: "u", Secret: "s", Auth: "plain"}}, 80, 24)
	waitScreen(t, sim, "Alice selected while loading", func(sc shot) bool {
		i := sc.find("Alice <2001>")
		return i >= 0 && sc.reverse[i]
	})
	close(listed)
	sc := waitScreen(t, sim, "the list", func(sc shot) bool { return strings.HasPrefix(sc.lines[1], "Channels 41") })
	if !strings.HasPrefix(sc.lines[3], "Local/long@amsh-00000000;2 ") || !sc.reverse[3] {
		t.Errorf("the first row is not the oldest channel, selected:\n%s", sc)
	}
}
