package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/completion"
	"github.com/amsh/amsh/internal/amitest"
)

var testCommands = []completion.Command{
	{Name: "action", Args: []completion.ArgKind{completion.ArgAction}},
	{Name: "command", Args: []completion.ArgKind{completion.ArgCLI}},
	{Name: "events", Flags: []string{"--filter", "--count", "--for"}},
	{Name: "hangup", Args: []completion.ArgKind{completion.ArgChannel}},
	{Name: "originate", Args: []completion.ArgKind{completion.ArgEndpoint}},
	{Name: "ping"},
	{Name: "queue", Sub: []completion.Command{{Name: "add"}, {Name: "pause"}}},
}

// runBatch runs lines through a batch-mode shell against a fake server and
// returns the subcommand lines it dispatched, the exit status and stderr.
func runBatch(t *testing.T, rec *recorder, lines ...string) ([][]string, int, string) {
	t.Helper()
	fs := amitest.New(t, func(c *amitest.Conn) { serve(c, nil) })
	var out, errOut syncBuffer
	ed := newFakeEditor(lines...)
	close(ed.in)
	sh, err := New(context.Background(), testOptions(fs.Addr(), ed, rec, &out, &errOut))
	if err != nil {
		t.Fatal(err)
	}
	code := sh.Run()
	return rec.got(), code, errOut.String()
}

func TestDispatchPaths(t *testing.T) {
	for _, tc := range []struct {
		line string
		want [][]string
		code int
		err  string
	}{
		{line: "hangup PJSIP/ep1-0001", want: [][]string{{"hangup", "PJSIP/ep1-0001"}}},
		{line: `originate Local/long@amsh --app Wait --data "600" -y`,
			want: [][]string{{"originate", "Local/long@amsh", "--app", "Wait", "--data", "600", "-y"}}},
		{line: "queue pause Local/101@amsh-agents --reason 'coffee break'",
			want: [][]string{{"queue", "pause", "Local/101@amsh-agents", "--reason", "coffee break"}}},
		{line: "!core show channels", want: [][]string{{"command", "--", "core show channels"}}},
		{line: "!-h", want: [][]string{{"command", "--", "-h"}}},
		{line: "CoreShowChannels", want: [][]string{{"action", "CoreShowChannels"}}},
		{line: "coreshowchannels", want: [][]string{{"action", "CoreShowChannels"}}}, // from ListCommands
		{line: "Setvar Variable=x Value=1", want: [][]string{{"action", "Setvar", "Variable=x", "Value=1"}}},
		{line: "Originate Channel=Local/long@amsh Variable=A=1 Variable=B=2",
			want: [][]string{{"action", "Originate", "Channel=Local/long@amsh", "Variable=A=1", "Variable=B=2"}}},
		{line: "Setvar Value=\"two words\" -o json", want: [][]string{{"action", "Setvar", "Value=two words", "-o", "json"}}},
		{line: "help Ping", want: [][]string{{"command", "--", "manager show command Ping"}}},
		{line: "help queue add", want: [][]string{{"queue", "add", "--help"}}},
		{line: "events --count 1", want: [][]string{{"events", "--count", "1"}}},
		{line: "# a comment"},
		{line: "   "},
		{line: "nosuch thing", code: 2, err: `amsh: unknown command "nosuch"`},
		{line: "help nosuch", code: 2, err: "amsh: help nosuch: not a subcommand"},
		{line: `hangup "PJSIP/ep1`, code: 2, err: "unclosed quote"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			got, code, errOut := runBatch(t, &recorder{}, tc.line)
			if !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("dispatched %q, want %q", got, tc.want)
			}
			if code != tc.code || !strings.Contains(errOut, tc.err) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tc.code, tc.err)
			}
		})
	}
}

func TestRawBlock(t *testing.T) {
	got, code, errOut := runBatch(t, &recorder{},
		"Action: setvar", // the server's spelling, from ListCommands
		"Channel: Local/long@amsh",
		"Application:Wait",
		"Data:  600",
		"Variable: A=1",
		"Variable: B=x:y",
		"this is not a header",
		"",
		"ping",
		"Action: Ping",
		"Action: Ping",
		"X-Y: 1", // the end of the input sends the last block
	)
	want := [][]string{
		{"action", "--", "Setvar", "Channel=Local/long@amsh", "Application=Wait", "Data=600", "Variable=A=1", "Variable=B=x:y"},
		{"ping"},
		{"action", "--", "Ping", "X-Y=1"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("dispatched\n %q\nwant\n %q", got, want)
	}
	if code != 2 || !strings.Contains(errOut, `raw block: "this is not a header" is not a Key: Value line`) ||
		!strings.Contains(errOut, "one Action per block") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestBatchExitStatus(t *testing.T) {
	rec := &recorder{fn: func(ctx context.Context, args []string, out, errOut io.Writer) error {
		switch args[0] {
		case "fail1":
			return errors.New("Asterisk said no")
		case "fail5":
			return &ami.ConnError{Op: "dial", Addr: "x", Err: errors.New("refused")}
		}
		fmt.Fprintf(out, "ran %s\n", args[0])
		return nil
	}}
	testCommands := append(slices.Clone(testCommands), completion.Command{Name: "fail1"}, completion.Command{Name: "fail5"}, completion.Command{Name: "ok"})
	fs := amitest.New(t, func(c *amitest.Conn) { serve(c, nil) })
	var out, errOut syncBuffer
	ed := newFakeEditor("ok", "fail1", "ok", "fail5", "nosuch", "ok")
	close(ed.in)
	opts := testOptions(fs.Addr(), ed, rec, &out, &errOut)
	opts.Commands = testCommands
	sh, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if code := sh.Run(); code != 1 {
		t.Errorf("exit %d, want 1 (the first failure's)", code)
	}
	if got := strings.Count(out.String(), "ran ok"); got != 3 {
		t.Errorf("ran %d of the 3 good lines: the lines after a failure must run too\n%s", got, out.String())
	}
	if got := errOut.String(); strings.Count(got, "amsh: ") != 3 || strings.Count(got, "\n") != 3 {
		t.Errorf("want one error line per failure, got %q", got)
	}
}

func TestBuiltins(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) { serve(c, nil) })
	var out, errOut syncBuffer
	ed := newFakeEditor("events", "events off", "events", "events on", "events filter Hangup", "events",
		"events filter [", "events filter", "events", "help", "exit 7", "ping")
	sh, err := New(context.Background(), testOptions(fs.Addr(), ed, &recorder{}, &out, &errOut))
	if err != nil {
		t.Fatal(err)
	}
	if code := sh.Run(); code != 7 {
		t.Errorf("exit %d, want 7", code)
	}
	for _, want := range []string{
		"events: on (not printed in batch mode)\nevents: off (not printed in batch mode)\n",
		"events: on (not printed in batch mode), filter Hangup\n",
		"events: on (not printed in batch mode)\nA line is one of:",
		"Subcommands:\n  hangup  Hang up a channel\n  ping    Ping\n",
		"Action: NAME",
		"!CLI WORDS",
		"events filter [EXPR...]",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	if got := errOut.String(); got != "amsh: --filter \"[\": bad glob\n" {
		t.Errorf("stderr %q", got)
	}
}

// interactive starts an interactive shell with a fake editor.
func interactive(t *testing.T, addr string, ed *fakeEditor, rec *recorder) (*Shell, *syncBuffer) {
	t.Helper()
	var errOut syncBuffer
	opts := testOptions(addr, ed, rec, &ed.out, &errOut)
	opts.Interactive = true
	sh, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return sh, &errOut
}

func TestPromptAndReconnect(t *testing.T) {
	drop := make(chan struct{})
	second := make(chan struct{})
	fs := amitest.NewN(t, 2, func(c *amitest.Conn) {
		select {
		case <-second:
			serve(c, nil)
			return
		default:
			close(second)
		}
		serve(c, func(c *amitest.Conn, a *amitest.Action) bool {
			select {
			case <-drop:
				c.Conn.Close()          // Asterisk went away...
				time.Sleep(time.Second) // ...for a second: the next accept waits
				return true
			default:
				return false
			}
		})
	})
	ed := newFakeEditor()
	rec := &recorder{}
	sh, errOut := interactive(t, fs.Addr(), ed, rec)
	var pingOut syncBuffer
	rec.fn = func(ctx context.Context, args []string, out, _ io.Writer) error {
		s, err := sh.Session(ctx)
		if err != nil {
			return err
		}
		res, err := s.Send(ctx, ami.NewAction("Ping"))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s from %s\n", res.Response.Get("Ping"), s.Addr())
		fmt.Fprintf(&pingOut, "%s\n", res.Response.Get("Ping"))
		return nil
	}
	done := make(chan int)
	go func() { done <- sh.Run() }()

	ed.waitPrompt(t, "amsh fake> ")
	close(drop)
	// Whatever the session sends next (a refresh, a keepalive, this ping)
	// finds the link gone; a command in flight then fails with exit 5.
	ed.in <- "ping"
	ed.waitPrompt(t, "amsh fake (disconnected)> ")
	waitFor(t, "the screen", &ed.out, "connection lost: ")
	// A command typed while the link is down waits for the reconnection.
	ed.in <- "ping"
	waitFor(t, "the ping output", &pingOut, "Pong")
	ed.waitPrompt(t, "amsh fake> ")
	waitFor(t, "the screen", &ed.out, "reconnected to "+fs.Addr())
	close(ed.in)
	code := <-done
	if code != 0 {
		t.Errorf("exit %d (last line failed?); stderr %q", code, errOut.String())
	}
	if !ed.closed {
		t.Error("the editor was not closed")
	}
	screen := ed.out.String()
	if i, j := strings.Index(screen, "connection lost"), strings.Index(screen, "reconnected"); i > j {
		t.Errorf("notices out of order:\n%s", screen)
	}
}

func TestReconnectRefusedLogin(t *testing.T) {
	first := true
	fs := amitest.NewN(t, 2, func(c *amitest.Conn) {
		if first {
			first = false
			c.AcceptLogin()
			return // then hang up
		}
		a := c.Expect("Login")
		c.Reply(a, "Error", "Message: Authentication failed")
	})
	ed := newFakeEditor()
	rec := &recorder{}
	sh, errOut := interactive(t, fs.Addr(), ed, rec)
	rec.fn = func(ctx context.Context, args []string, out, _ io.Writer) error {
		_, err := sh.Session(ctx)
		return err
	}
	done := make(chan int)
	go func() { done <- sh.Run() }()
	waitFor(t, "the screen", &ed.out, "not retrying")
	ed.in <- "ping"
	close(ed.in)
	if code := <-done; code != 4 {
		t.Errorf("a command after a refused re-login: exit %d, want 4; screen %q", code, ed.out.String())
	}
	if !strings.Contains(ed.out.String(), "error: login to") || !strings.Contains(ed.out.String(), "Authentication failed") || errOut.String() != "" {
		t.Errorf("screen %q, stderr %q; want the error on the screen", ed.out.String(), errOut.String())
	}
	if p := ed.prompts(); p[len(p)-1] != "amsh fake (disconnected)> " {
		t.Errorf("prompt %q", p[len(p)-1])
	}
}

func TestInteractiveHistoryAndEvents(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		serve(c, func(c *amitest.Conn, a *amitest.Action) bool {
			switch a.Get("Action") {
			case "UserEvent":
				c.Reply(a, "Success")
				c.Send("Event: Newchannel\r\nPrivilege: call,all\r\nChannel: PJSIP/ep1-0001\r\nChannelState: 4\r\n\r\n")
				return true
			case "Hangup":
				c.Reply(a, "Success")
				c.Send("Event: Hangup\r\nChannel: PJSIP/ep1-0001\r\nCause: 16\r\n\r\n")
				return true
			}
			return false
		})
	})
	ed := newFakeEditor()
	rec := &recorder{}
	sh, _ := interactive(t, fs.Addr(), ed, rec)
	rec.fn = func(ctx context.Context, args []string, out, _ io.Writer) error {
		s, err := sh.Session(ctx)
		if err != nil {
			return err
		}
		_, err = s.Send(ctx, ami.NewAction(args[1]))
		return err
	}
	done := make(chan int)
	go func() { done <- sh.Run() }()
	waitChannel := func(want bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); slices.Contains(sh.store.Load().Channels, "PJSIP/ep1-0001") != want; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the completion store never saw the channel %s", map[bool]string{true: "come", false: "go"}[want])
			}
		}
	}
	for _, l := range []string{
		"events filter Newchannel",
		"Login Username=admin Secret=x",
		"Setvar Variable=x Value=1 Secret=hunter2",
		"Action: Login",
		"Username: admin",
		"",
		"UserEvent",
	} {
		ed.in <- l
	}
	waitFor(t, "the screen", &ed.out, "Newchannel Channel=PJSIP/ep1-0001 ChannelState=4 (Ring)")
	waitChannel(true)
	ed.in <- "Hangup"
	waitChannel(false)
	close(ed.in)
	<-done
	if strings.Contains(ed.out.String(), "Hangup") {
		t.Errorf("the filter let a Hangup through:\n%s", ed.out.String())
	}
	want := []string{"events filter Newchannel", "UserEvent", "Hangup"}
	if !slices.Equal(ed.history, want) {
		t.Errorf("history %q, want %q (no secret lines, no block of a Login)", ed.history, want)
	}
}

func TestDroppedEventsInPrompt(t *testing.T) {
	const flood = eventQueue + 2000
	fs := amitest.New(t, func(c *amitest.Conn) {
		serve(c, func(c *amitest.Conn, a *amitest.Action) bool {
			if a.Get("Action") != "UserEvent" {
				return false
			}
			c.Reply(a, "Success")
			var b strings.Builder
			for i := range flood {
				fmt.Fprintf(&b, "Event: UserEvent\r\nUserEvent: Flood\r\nSeq: %d\r\n\r\n", i)
			}
			c.Send(b.String())
			return true
		})
	})
	ed := newFakeEditor()
	gate := make(chan struct{})
	gw := &gatedWriter{gate: gate, w: &ed.out}
	ed.stdoutW = gw
	rec := &recorder{}
	sh, _ := interactive(t, fs.Addr(), ed, rec)
	rec.fn = func(ctx context.Context, args []string, out, _ io.Writer) error {
		s, _ := sh.Session(ctx)
		_, err := s.Send(ctx, ami.NewAction("UserEvent"))
		return err
	}
	done := make(chan int)
	go func() { done <- sh.Run() }()
	ed.waitPrompt(t, "amsh fake> ")
	gw.armed.Store(true)
	ed.in <- "UserEvent" // the printer blocks on the first line: the terminal is stuck
	deadline := time.Now().Add(10 * time.Second)
	for sh.prn.dropped() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("nothing dropped while the terminal was stuck")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(gate)
	deadline = time.Now().Add(10 * time.Second)
	for {
		p := ed.prompts()
		if strings.HasPrefix(p[len(p)-1], "amsh fake [dropped ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the prompt never showed the drops: %q", p[len(p)-1])
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(ed.in)
	<-done
	printed := strings.Count(ed.out.String(), "UserEvent UserEvent=Flood")
	if d := int(sh.prn.dropped()); printed+d != flood {
		t.Errorf("printed %d + dropped %d != %d sent", printed, d, flood)
	}
}

// gatedWriter is a terminal that, once armed, takes nothing until the gate opens.
type gatedWriter struct {
	armed atomic.Bool
	gate  chan struct{}
	w     io.Writer
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	if g.armed.Load() {
		<-g.gate
	}
	return g.w.Write(p)
}

func TestCtrlCCancelsOnlyTheCommand(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) { serve(c, nil) })
	ed := newFakeEditor()
	rec := &recorder{}
	sh, errOut := interactive(t, fs.Addr(), ed, rec)
	rec.fn = func(ctx context.Context, args []string, out, _ io.Writer) error {
		if args[0] != "hangup" {
			return nil
		}
		// The terminal sends SIGINT to the foreground process on Ctrl-C.
		syscall.Kill(syscall.Getpid(), syscall.SIGINT)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
			return errors.New("not cancelled")
		}
	}
	done := make(chan int)
	go func() { done <- sh.Run() }()
	ed.in <- "hangup PJSIP/ep1-0001"
	ed.in <- "^C" // at the prompt: readline returns ErrInterrupt
	ed.in <- "Action: Ping"
	ed.in <- "^C" // drops the block
	ed.in <- "ping"
	close(ed.in)
	if code := <-done; code != 0 {
		t.Errorf("exit %d: the line after the interrupted one should have run", code)
	}
	// Each on a line of its own, over the "^C" the terminal echoed, and
	// "interrupted" is not an error.
	if got := ed.out.String(); !strings.Contains(got, "\r\x1b[Kinterrupted\n") || !strings.Contains(got, "\r\x1b[Kraw block dropped\n") || strings.Contains(got, "error") {
		t.Errorf("screen %q", got)
	}
	if got := errOut.String(); got != "" {
		t.Errorf("stderr %q", got)
	}
	want := [][]string{{"hangup", "PJSIP/ep1-0001"}, {"ping"}}
	if got := rec.got(); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("dispatched %q, want %q", got, want)
	}
	if p := ed.shown; !slices.Contains(p, "... ") {
		t.Errorf("no continuation prompt in a raw block: %q", p)
	}
}

func TestPromptText(t *testing.T) {
	for _, tc := range []struct {
		label   string
		up      bool
		dropped uint64
		want    string
	}{
		{"sandbox", true, 0, "amsh sandbox> "},
		{"sandbox", false, 0, "amsh sandbox (disconnected)> "},
		{"sandbox", true, 12, "amsh sandbox [dropped 12]> "},
		{"127.0.0.1:5038", false, 3, "amsh 127.0.0.1:5038 (disconnected) [dropped 3]> "},
	} {
		if got := promptText(tc.label, tc.up, tc.dropped); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestCompleteStartsFetchesAndNeverWaits(t *testing.T) {
	asked := make(chan string, 16)
	release := make(chan struct{})
	fs := amitest.New(t, func(c *amitest.Conn) {
		serve(c, func(c *amitest.Conn, a *amitest.Action) bool {
			cmd := a.Get("Command")
			if strings.HasPrefix(cmd, "_command matchesarray") {
				asked <- cmd
				<-release
				c.Reply(a, "Success", "Output: core  core _EOF_")
				return true
			}
			return false
		})
	})
	ed := newFakeEditor()
	sh, _ := interactive(t, fs.Addr(), ed, &recorder{})
	done := make(chan int)
	go func() { done <- sh.Run() }()
	// The first refresh empties the CLI cache when it ends; wait for it.
	for deadline := time.Now().Add(5 * time.Second); len(sh.store.Load().Actions) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no refresh at start")
		}
	}
	start := time.Now()
	res := sh.complete("!co")
	res2 := sh.complete("!co") // the same miss: not asked twice
	if time.Since(start) > time.Second || res.CLIMiss == nil || res2.CLIMiss == nil {
		t.Fatalf("Tab waited or found nothing missing: %v %+v", time.Since(start), res)
	}
	if cmd := <-asked; !strings.Contains(cmd, `"co"`) {
		t.Errorf("asked %q", cmd)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for len(sh.complete("!co").Candidates) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the fetched CLI words never reached the snapshot")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case cmd := <-asked:
		t.Errorf("asked again: %q", cmd)
	default:
	}
	close(ed.in)
	<-done
}

func TestBatchInterrupted(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) { serve(c, nil) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &recorder{fn: func(lctx context.Context, args []string, out, errOut io.Writer) error {
		if args[0] == "hangup" {
			cancel() // Ctrl-C: cmd.Main's interrupt context ends
			<-lctx.Done()
			return lctx.Err()
		}
		return nil
	}}
	var out, errOut syncBuffer
	ed := newFakeEditor("ping", "hangup x", "ping")
	close(ed.in)
	sh, err := New(ctx, testOptions(fs.Addr(), ed, rec, &out, &errOut))
	if err != nil {
		t.Fatal(err)
	}
	if code := sh.Run(); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	if got := len(rec.got()); got != 2 {
		t.Errorf("ran %d lines, want 2: nothing after the interrupted one", got)
	}
	if got := errOut.String(); got != "amsh: interrupted\n" {
		t.Errorf("stderr %q", got)
	}
}
