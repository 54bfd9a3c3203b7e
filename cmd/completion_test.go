package cmd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

func TestCompletionScripts(t *testing.T) {
	for shell, prefix := range map[string]string{
		"bash":       "# bash completion V2 for amsh",
		"zsh":        "#compdef amsh",
		"fish":       "# fish completion for amsh",
		"powershell": "# powershell completion for amsh",
	} {
		for _, extra := range [][]string{nil, {"--no-descriptions"}} {
			r := (&run{Args: append([]string{"completion", shell}, extra...)}).exec(t)
			if r.Code != 0 || r.Stderr != "" || !strings.HasPrefix(r.Stdout, prefix) || !strings.Contains(r.Stdout, "__complete") {
				t.Errorf("completion %s %v: code %d stderr %q stdout starts %q", shell, extra, r.Code, r.Stderr, head(r.Stdout))
			}
		}
	}
	r := (&run{Args: []string{"completion", "--help"}}).exec(t)
	for _, want := range []string{"source <(amsh completion bash)", "${fpath[1]}/_amsh", "amsh completion fish | source", "Invoke-Expression"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("completion --help does not say %q", want)
		}
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		r := (&run{Args: args}).exec(t)
		if r.Code != ExitUsage || r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("%v: code %d stdout %q stderr %q; want exit 2 and one line", args, r.Code, head(r.Stdout), r.Stderr)
		}
	}
}

func head(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// completed is what one run of the hidden __complete command printed.
type completed struct {
	Candidates []string // "value" or "value\tdescription"
	Directive  string   // ":4" and the like
	Stderr     string
	Code       int
	Took       time.Duration
}

func (c *completed) values() []string {
	var vs []string
	for _, cand := range c.Candidates {
		v, _, _ := strings.Cut(cand, "\t")
		vs = append(vs, v)
	}
	return vs
}

// complete runs `amsh __complete ARGS...` (what the shell scripts run on
// Tab) over a command tree with registerCompletions applied, as NewRootCmd
// does. Commands the tree lacks get a stub with the same shape, so the
// completion can be tested whichever subcommands exist yet.
func complete(t *testing.T, args ...string) *completed {
	t.Helper()
	var out, errOut bytes.Buffer
	ios := &IOStreams{
		In: strings.NewReader(""), Out: &out, ErrOut: &errOut,
		Getenv: func(string) string { return "" },
	}
	f := NewFactory(ios)
	root := NewRootCmd(f)
	addStubs(root)
	registerCompletions(root, f)
	root.SetArgs(append([]string{cobra.ShellCompRequestCmd}, args...))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	err := root.ExecuteContext(ctx)
	res := &completed{Stderr: errOut.String(), Code: ExitCode(err), Took: time.Since(start)}
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if strings.HasPrefix(line, ":") {
			res.Directive = line
			break
		}
		res.Candidates = append(res.Candidates, line)
	}
	return res
}

func addStubs(root *cobra.Command) {
	stub := func(use string, flags ...string) *cobra.Command {
		c := &cobra.Command{Use: use, RunE: func(*cobra.Command, []string) error { return nil }}
		for _, fl := range flags {
			c.Flags().String(fl, "", "")
		}
		return c
	}
	if childCommand(root, "hangup") == nil {
		root.AddCommand(stub("hangup CHANNEL", "cause"))
	}
	if childCommand(root, "originate") == nil {
		root.AddCommand(stub("originate CHANNEL", "exten", "context"))
	}
	if childCommand(root, "action") == nil {
		root.AddCommand(stub("action NAME [KEY=VALUE ...]"))
	}
	if childCommand(root, "queue") == nil {
		q := stub("queue")
		q.AddCommand(stub("status [QUEUE]", "member"), stub("summary [QUEUE]"), stub("add QUEUE IFACE"),
			stub("remove QUEUE IFACE"), stub("pause IFACE", "queue"), stub("unpause IFACE", "queue"),
			stub("penalty IFACE N", "queue"), stub("reset [QUEUE]"), stub("reload [QUEUE]"), stub("log QUEUE EVENT", "interface"))
		root.AddCommand(q)
	}
}

func TestCompleteProfilesNeverDials(t *testing.T) {
	cfg, _ := goldenProfiles(t)
	r := complete(t, "--config", cfg, "--profile", "")
	want := []string{
		"lab\tadmin@127.0.0.1:5038 (default)", "prod\tops@pbx.example.com:5039", "vault\treader@[::1]:5039",
		"filed\tamsh@10.0.0.7:5038", "prompt\tnobody@10.0.0.8:5038",
	}
	if !slices.Equal(r.Candidates, want) || r.Directive != ":4" || r.Code != 0 {
		t.Errorf("--profile: got %q %s (code %d, stderr %q)", r.Candidates, r.Directive, r.Code, r.Stderr)
	}
	if r := complete(t, "--config", cfg, "profiles", "show", "p"); !slices.Equal(r.values(), []string{"prod", "prompt"}) {
		t.Errorf("profiles show p: got %q", r.Candidates)
	}
	if r := complete(t, "--config", cfg, "profiles", "check", "lab", ""); len(r.Candidates) != 0 {
		t.Errorf("profiles check lab <Tab>: got %q, want nothing", r.Candidates)
	}
	if r := complete(t, "-o", ""); !slices.Equal(r.values(), []string{"text", "json", "yaml", "raw", "csv", "tsv"}) {
		t.Errorf("-o: got %q", r.Candidates)
	}
	if r := complete(t, "--config", "/nonexistent.yaml", "-p", ""); len(r.Candidates) != 0 || r.Code != 0 {
		t.Errorf("missing file: got %q code %d", r.Candidates, r.Code)
	}
}

// listReply answers a with a list of events, then its Complete event.
func listReply(c *amitest.Conn, a *amitest.Action, complete string, events ...string) {
	id := a.ID()
	var b strings.Builder
	fmt.Fprintf(&b, "Response: Success\nActionID: %s\nEventList: start\nMessage: list will follow\n\n", id)
	for _, ev := range events {
		fmt.Fprintf(&b, "%s\nActionID: %s\n\n", ev, id)
	}
	fmt.Fprintf(&b, "Event: %s\nActionID: %s\nEventList: Complete\nListItems: %d\n\n", complete, id, len(events))
	c.Send(b.String())
}

func logoff(c *amitest.Conn) {
	a := c.Expect("Logoff")
	c.Reply(a, "Goodbye", "Message: Thanks for all the fish.")
}

func TestCompleteHangupChannelsFake(t *testing.T) {
	fs := amitest.NewN(t, 2, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("CoreShowChannels")
		if a.Get("Events") != "" {
			t.Errorf("CoreShowChannels carries %q", a.Raw)
		}
		listReply(c, a, "CoreShowChannelsComplete",
			"Event: CoreShowChannel\nChannel: PJSIP/alice-00000001\nChannelState: 6",
			"Event: CoreShowChannel\nChannel: Local/100@from-internal-00000002;1\nChannelState: 6")
		logoff(c)
	})
	cfg := profilesFile(t, fs.Addr(), "")
	r := complete(t, "--config", cfg, "hangup", "")
	want := []string{"Local/100@from-internal-00000002;1", "PJSIP/alice-00000001"}
	if !slices.Equal(r.Candidates, want) || r.Directive != ":4" || r.Code != 0 {
		t.Errorf("hangup <Tab>: got %q %s code %d stderr %q", r.Candidates, r.Directive, r.Code, r.Stderr)
	}
	r = complete(t, "--config", cfg, "hangup", "pjsip/")
	if !slices.Equal(r.Candidates, want[1:]) {
		t.Errorf("hangup pjsip/<Tab>: got %q", r.Candidates)
	}
}

func TestCompleteUnreachableIsQuickAndQuiet(t *testing.T) {
	// A server that accepts and never greets: the budget, not the profile's
	// 10s timeout, must end the wait.
	silent := amitest.Silent(t)
	for name, addr := range map[string]string{"closed port": amitest.ClosedAddr(t), "silent server": silent} {
		cfg := profilesFile(t, addr, "")
		for _, args := range [][]string{{"hangup", ""}, {"action", "Orig"}, {"action", "Originate", ""}, {"queue", "pause", "--queue", ""}} {
			t.Run(name+" "+strings.Join(args, " "), func(t *testing.T) {
				t.Parallel()
				r := complete(t, append([]string{"--config", cfg}, args...)...)
				if r.Code != 0 || len(r.Candidates) != 0 || r.Took > completionBudget+time.Second {
					t.Errorf("code %d candidates %q took %v", r.Code, r.Candidates, r.Took)
				}
				if !strings.Contains(r.Stderr, "[Debug] amsh: completion:") {
					t.Errorf("stderr %q; want the reason as a debug line", r.Stderr)
				}
			})
		}
	}
}

func TestCompleteNeverPromptsForSecret(t *testing.T) {
	host, port, _ := strings.Cut(amitest.ClosedAddr(t), ":")
	cfg := filepath.Join(t.TempDir(), "profiles.yaml")
	body := fmt.Sprintf("profiles:\n  nosecret:\n    host: %s\n    port: %s\n    username: u\n", host, port)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := complete(t, "--config", cfg, "hangup", "")
	if r.Code != 0 || len(r.Candidates) != 0 || !strings.Contains(r.Stderr, "AMSH_SECRET") {
		t.Errorf("code %d candidates %q stderr %q", r.Code, r.Candidates, r.Stderr)
	}
}

func TestCompleteSandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	cfg := filepath.Join(sb.Dir, "profiles.yaml")
	run := func(args ...string) *completed {
		t.Helper()
		r := complete(t, append([]string{"--config", cfg}, args...)...)
		if r.Code != 0 {
			t.Fatalf("%q: code %d stderr %q", args, r.Code, r.Stderr)
		}
		return r
	}

	r := run("action", "Orig")
	if !slices.Equal(r.Candidates, []string{"Originate\tOriginate a call."}) || r.Directive != ":4" {
		t.Errorf("action Orig: got %q %s", r.Candidates, r.Directive)
	}
	if r := run("action", "queues"); !slices.Contains(r.values(), "QueueStatus") || !slices.Contains(r.values(), "QueueSummary") {
		t.Errorf("action queues: got %q", r.values())
	}
	if r := run("-p", "sandbox-tls", "action", ""); len(r.Candidates) < 100 {
		t.Errorf("action <Tab> over TLS: %d candidates", len(r.Candidates))
	}

	r = run("action", "Originate", "")
	for _, want := range []string{"Channel=\trequired", "Exten=", "Context=", "Application=", "Variable="} {
		if !slices.Contains(r.Candidates, want) {
			t.Errorf("action Originate <Tab>: no %q in %q", want, r.Candidates)
		}
	}
	if slices.Contains(r.values(), "ActionID=") || r.Directive != ":6" {
		t.Errorf("action Originate <Tab>: got %q %s; want no ActionID= and NoSpace|NoFileComp", r.values(), r.Directive)
	}
	r = run("action", "originate", "Channel=PJSIP/ep00001", "Variable=a=1", "")
	if slices.Contains(r.values(), "Channel=") || !slices.Contains(r.values(), "Variable=") || !slices.Contains(r.values(), "Exten=") {
		t.Errorf("action originate Channel=... <Tab>: got %q", r.values())
	}
	if r := run("action", "Originate", "Ex"); !slices.Equal(r.values(), []string{"Exten="}) {
		t.Errorf("action Originate Ex: got %q", r.values())
	}
	if r := run("action", "NoSuchAction", ""); len(r.Candidates) != 0 {
		t.Errorf("unknown action: got %q", r.Candidates)
	}
	if r := run("action", "Ping;core stop now", ""); len(r.Candidates) != 0 {
		t.Errorf("odd action name: got %q", r.Candidates)
	}

	if r := run("queue", "status", ""); !slices.Equal(r.values(), []string{"sales", "support"}) {
		t.Errorf("queue status: got %q", r.Candidates)
	}
	if r := run("queue", "remove", "sales", ""); !slices.Equal(r.values(), []string{"Local/103@amsh-agents"}) {
		t.Errorf("queue remove sales: got %q", r.Candidates)
	}
	if r := run("queue", "pause", ""); !slices.Equal(r.values(), []string{"Local/102@amsh-agents", "Local/101@amsh-agents", "Local/103@amsh-agents"}) {
		t.Errorf("queue pause: got %q", r.Candidates)
	}
	if r := run("queue", "pause", "--queue", "s"); !slices.Equal(r.values(), []string{"sales", "support"}) {
		t.Errorf("queue pause --queue s: got %q", r.Candidates)
	}
	if r := run("queue", "pause", "--queue", "sales", ""); !slices.Equal(r.values(), []string{"Local/103@amsh-agents"}) {
		t.Errorf("queue pause --queue sales: got %q", r.Candidates)
	}
	if r := run("queue", "add", "support", "PJSIP/"); len(r.Candidates) != sb.Endpoints || !strings.HasPrefix(r.Candidates[0], "PJSIP/ep") {
		t.Errorf("queue add support PJSIP/: got %q; want %d endpoints", r.Candidates, sb.Endpoints)
	}
	if r := run("originate", ""); len(r.Candidates) != sb.Endpoints {
		t.Errorf("originate: got %q; want %d endpoints", r.Candidates, sb.Endpoints)
	}
	if r := run("hangup", "/"); len(r.Candidates) != 0 {
		t.Errorf("hangup /: got %q", r.Candidates)
	}
}

// Once NewRootCmd calls registerCompletions, the real `amsh __complete`
// (through Run, as the shell scripts reach it) offers the dynamic values.
func TestRootWiresCompletions(t *testing.T) {
	ios := &IOStreams{In: strings.NewReader(""), Getenv: func(string) string { return "" }}
	root := NewRootCmd(NewFactory(ios))
	if _, ok := root.GetFlagCompletionFunc("profile"); !ok {
		t.Fatal("cmd/root.go does not call registerCompletions(root, f) yet")
	}
	cfg, _ := goldenProfiles(t)
	r := (&run{Args: []string{"__complete", "--config", cfg, "-p", "pr"}}).exec(t)
	if r.Code != 0 || r.Stdout != "prod\tops@pbx.example.com:5039\nprompt\tnobody@10.0.0.8:5038\n:4\n" {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// Asterisk 1.4 has no CoreShowChannels: the channels come from Status.
func TestCompleteHangupFallsBackToStatus(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("CoreShowChannels")
		c.Reply(a, "Error", "Message: Invalid/unknown command: CoreShowChannels. Use Action: ListCommands to show available commands.")
		a = c.Expect("Status")
		listReply(c, a, "StatusComplete", "Event: Status\nChannel: SIP/100-0a1b2c3d\nState: Up")
		logoff(c)
	})
	cfg := profilesFile(t, fs.Addr(), "")
	r := complete(t, "--config", cfg, "hangup", "")
	if !slices.Equal(r.Candidates, []string{"SIP/100-0a1b2c3d"}) || r.Code != 0 {
		t.Errorf("got %q code %d stderr %q", r.Candidates, r.Code, r.Stderr)
	}
}

func TestNewCmdCompletion(t *testing.T) {
	for _, tc := range []struct {
		argv   []string
		shell  string
		noDesc bool
	}{
		{[]string{"bash"}, "bash", false},
		{[]string{"zsh", "--no-descriptions"}, "zsh", true},
		{[]string{"powershell"}, "powershell", false},
	} {
		opts, err := parseCmd(t, NewCmdCompletion, "", tc.argv...)
		if err != nil || opts.Shell != tc.shell || opts.NoDescriptions != tc.noDesc || opts.Root == nil || opts.Root.Name() != "amsh" {
			t.Errorf("completion %q: %+v, %v", tc.argv, opts, err)
		}
	}
	_, err := parseCmd(t, NewCmdCompletion, "")
	wantUsageError(t, err, `completion: needs bash|zsh|fish|powershell`)
	_, err = parseCmd(t, NewCmdCompletion, "", "tcsh")
	wantUsageError(t, err, `completion: unknown shell "tcsh"; want bash, zsh, fish or powershell`)
	_, err = parseCmd(t, NewCmdCompletion, "", "bash", "zsh")
	wantUsageError(t, err, `completion: too many arguments: "bash", "zsh" (it takes bash|zsh|fish|powershell)`)
}

// TestCompleteFleetChannels: with several profiles, Tab offers every
// target's channels, each described by the profiles that have it; a target
// that cannot be reached is left out.
func TestCompleteFleetChannels(t *testing.T) {
	server := func(channels ...string) string {
		return amitest.New(t, func(c *amitest.Conn) {
			c.AcceptLogin()
			a := c.Expect("CoreShowChannels")
			var evs []string
			for _, ch := range channels {
				evs = append(evs, "Event: CoreShowChannel\nChannel: "+ch+"\nChannelState: 6")
			}
			listReply(c, a, "CoreShowChannelsComplete", evs...)
			logoff(c)
		}).Addr()
	}
	a := server("PJSIP/alice-00000001", "Local/100@amsh-00000002;1")
	b := server("PJSIP/bob-00000003", "Local/100@amsh-00000002;1")
	cfg := fleetProfiles(t, []string{"a", "b", "dead"}, map[string]string{"a": a, "b": b, "dead": amitest.ClosedAddr(t)}, "")
	r := complete(t, "--config", cfg, "-p", "a,b,dead", "hangup", "")
	want := []string{"Local/100@amsh-00000002;1\ta, b", "PJSIP/alice-00000001\ta", "PJSIP/bob-00000003\tb"}
	if !slices.Equal(r.Candidates, want) || r.Code != 0 {
		t.Errorf("-p a,b,dead hangup <Tab>: got %q code %d stderr %q, want %q", r.Candidates, r.Code, r.Stderr, want)
	}
	if !strings.Contains(r.Stderr, "profile dead: dial") {
		t.Errorf("stderr %q: want a debug line for dead", r.Stderr)
	}
}

// TestCompleteProfileList: -p completes profiles and groups, in a comma
// list, leaving out those already listed.
func TestCompleteProfileList(t *testing.T) {
	cfg := fleetProfiles(t, []string{"a", "b"}, map[string]string{"a": "127.0.0.1:1", "b": "127.0.0.1:2"}, "groups:\n  both: [a, b]\n")
	r := complete(t, "--config", cfg, "-p", "")
	want := []string{"a\tamsh@127.0.0.1:1", "b\tamsh@127.0.0.1:2", "both\tgroup: a, b"}
	if !slices.Equal(r.Candidates, want) {
		t.Errorf("-p <Tab>: got %q, want %q", r.Candidates, want)
	}
	r = complete(t, "--config", cfg, "-p", "a,")
	want = []string{"a,b\tamsh@127.0.0.1:2", "a,both\tgroup: a, b"}
	if !slices.Equal(r.Candidates, want) {
		t.Errorf("-p a,<Tab>: got %q, want %q", r.Candidates, want)
	}
}
