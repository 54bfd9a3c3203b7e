package cmd

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/amsh/amsh/internal/amitest"
)

// The table rootFor matches a command line against must say what the
// commands it builds say of themselves.
func TestSubcommandTable(t *testing.T) {
	ios := &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard, Getenv: func(string) string { return "" }}
	f := NewFactory(ios)
	seen := map[string]bool{}
	for _, s := range subcommands() {
		c := s.build(f)
		if c.Name() != s.name {
			t.Errorf("table name %q, the command's %q", s.name, c.Name())
		}
		if !slices.Equal(c.Aliases, s.aliases) {
			t.Errorf("%s: table aliases %q, the command's %q", s.name, s.aliases, c.Aliases)
		}
		for _, n := range append([]string{s.name}, s.aliases...) {
			if seen[n] {
				t.Errorf("%q names two subcommands", n)
			}
			seen[n] = true
		}
	}
}

func TestNamedSubcommand(t *testing.T) {
	ios := &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard, Getenv: func(string) string { return "" }}
	pf := rootCmd(NewFactory(ios)).PersistentFlags()
	for _, tc := range []struct {
		line, want string // want "" for the whole tree
	}{
		{"-p x command core show channels", "command"},
		{"--output=json queue status", "queue"},
		{"-o json ping", "ping"},
		{"-pqueue ping", "ping"},
		{"-p queue ping", "ping"},
		{"--profile queue --trace -q ping", "ping"},
		{"--all --merge --parallel 3 --timeout 1s --color never --jq .x --columns A,B --config c --host h --user u ping", "ping"},
		{"queue status", "queue"},
		{"queue --help", "queue"},
		{"version", "version"},
		{"completion bash", "completion"},
		{"", ""},
		{"help queue", ""},
		{"pign", ""},
		{"--help", ""},
		{"-h queue", ""},
		{"--help queue", ""},
		{"--version", ""},
		{"-- ping", ""},
		{"-p x -- ping", ""},
		{"-p", ""},
		{"-qy ping", ""},
		{"-qp x ping", ""},
		{"--no-such-flag ping", ""},
		{"--watch ping", ""},
		{"__complete ping", ""},
	} {
		got := ""
		if s, ok := namedSubcommand(pf, strings.Fields(tc.line)); ok {
			got = s.name
		}
		if got != tc.want {
			t.Errorf("%q: named %q, want %q", tc.line, got, tc.want)
		}
	}
}

// A command line prints the same, and exits the same, on the tree rootFor
// builds for it as on the whole tree.
func TestLazyTreeSameAsWhole(t *testing.T) {
	fs := amitest.NewParallel(t, 100, func(c *amitest.Conn) {
		c.AcceptLogin()
		for {
			a, ok := c.Read()
			if !ok {
				return
			}
			switch strings.ToLower(a.Get("Action")) {
			case "ping":
				c.Reply(a, "Success", "Ping: Pong")
			case "command":
				c.Reply(a, "Success", "Message: Command output follows", "Output: 0 active channels")
			case "logoff":
				c.Reply(a, "Goodbye", "Message: Thanks for all the fish.")
				return
			default:
				c.Reply(a, "Error", "Message: Invalid/unknown command")
			}
		}
	})
	cfg := profilesFile(t, fs.Addr(), "")
	env := map[string]string{"AMSH_CONFIG": cfg}
	for _, line := range [][]string{
		{"-p", "x", "command", "core show channels"},
		{"-p", "fake", "command", "core show channels"},
		{"command", "core show channels"},
		{"--output=json", "queue", "status"},
		{"-o", "json", "ping"},
		{"ping"},
		{"ping", "extra"},
		{"--jq", ".x", "ping"},
		{"queue", "status"},
		{"queue"},
		{"queue", "statu"},
		{"help", "queue"},
		{"pign"},
		{"--help"},
		{"queue", "--help"},
		{"command", "--help"},
		{"profiles", "--help"},
		{"profiles", "list"},
		{"--", "ping"},
		{"--version"},
		{"version", "--help"},
		{"-o", "xml", "version"},
		{"--bogus", "ping"},
		{"-qy", "ping"},
		{"completion", "bash"},
	} {
		lazy := execTree(t, rootFor, env, line)
		whole := execTree(t, func(f *Factory, _ []string) *cobra.Command { return newRoot(f, false) }, env, line)
		lazy.Stdout, whole.Stdout = roundTrip.ReplaceAllString(lazy.Stdout, "RTT"), roundTrip.ReplaceAllString(whole.Stdout, "RTT")
		if lazy != whole {
			t.Errorf("%q:\nrootFor:    %+v\nwhole tree: %+v", line, lazy, whole)
		}
	}
}

// roundTrip is the time a ping took, which differs from run to run.
var roundTrip = regexp.MustCompile(`in [0-9.]+ ms|"round_trip_ms": [0-9.]+`)

type treeRun struct {
	Stdout, Stderr string
	Code           int
}

// execTree runs args as Run does, on the tree build makes.
func execTree(t *testing.T, build func(*Factory, []string) *cobra.Command, env map[string]string, args []string) treeRun {
	t.Helper()
	var out, errOut bytes.Buffer
	ios := &IOStreams{
		In: strings.NewReader(""), Out: &out, ErrOut: &errOut,
		Getenv: func(k string) string { return env[k] },
	}
	f := NewFactory(ios)
	f.args = args
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := execute(ctx, f, build(f, args), args)
	return treeRun{out.String(), errOut.String(), code}
}
