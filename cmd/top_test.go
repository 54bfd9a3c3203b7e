package cmd

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/screen"
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
	scr := screen.New(io.Discard, 80, 24)
	opts, err := parseCmd(t, NewCmdTop, "")
	if err != nil {
		t.Fatal(err)
	}
	opts.IO, opts.Connection, opts.SessionConfig = ios, f.Connection, f.sessionConfig
	opts.NewScreen = func() (*screen.Screen, error) { return scr, nil }
	errc := make(chan error, 1)
	go func() { errc <- topRun(context.Background(), opts) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var title strings.Builder
		cells, w, _ := scr.Contents()
		for _, c := range cells[:w] {
			title.WriteString(c.Text)
		}
		if strings.Contains(title.String(), "amsh top  profile fake ("+srv.Addr()+")") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("title %q", title.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	scr.Inject(screen.Event{Key: screen.KeyRune, Rune: 'q'})
	if err := <-errc; err != nil {
		t.Errorf("topRun: %v", err)
	}
}
