package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/internal/amitest"
)

func TestDispatchFlagsDoNotLeakBetweenLines(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		for range 2 {
			a := c.Expect("Ping")
			c.Reply(a, "Success", "Ping: Pong", "Timestamp: 1.0")
		}
	})
	var out, errOut bytes.Buffer
	env := map[string]string{"AMSH_CONFIG": profilesFile(t, fs.Addr(), "")}
	f := NewFactory(&IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(k string) string { return env[k] }})
	f.Global.Output = "text"
	f.Global.Color = "never"
	s, err := f.Session(context.Background(), "off")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f.Shared = func(context.Context) (*ami.Session, error) { return s, nil }

	if err := Dispatch(context.Background(), f, []string{"ping", "-o", "json"}); err != nil {
		t.Fatalf("ping -o json: %v (%s)", err, errOut.String())
	}
	if !strings.HasPrefix(strings.TrimSpace(out.String()), "{") {
		t.Errorf("-o json on the line: %q", out.String())
	}
	out.Reset()
	if err := Dispatch(context.Background(), f, []string{"ping"}); err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(strings.TrimSpace(out.String()), "{") || f.Global.Output != "text" {
		t.Errorf("the previous line's -o json leaked: %q (shell output %q)", out.String(), f.Global.Output)
	}
}

func TestDispatchErrors(t *testing.T) {
	f := NewFactory(&IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}, Getenv: func(string) string { return "" }})
	f.Global.Output, f.Global.Color = "text", "auto"
	for _, args := range [][]string{{"nosuchcommand"}, {"ping", "--nosuchflag"}, {"ping", "-o", "xml"}} {
		if err := Dispatch(context.Background(), f, args); ExitCode(err) != ExitUsage {
			t.Errorf("%v: err %v (exit %d), want a usage error", args, err, ExitCode(err))
		}
	}
}

// A line's flag and argument errors name the command once, by the words
// typed: "queue add", not "add" or "amsh queue add".
func TestDispatchErrorsNameTheCommand(t *testing.T) {
	f := NewFactory(&IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}, Getenv: func(string) string { return "" }})
	f.Global.Output, f.Global.Color = "text", "auto"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"queue", "add", "support", "PJSIP/a", "--nosuch"}, `queue add: unknown flag: --nosuch (see 'queue add --help')`},
		{[]string{"queue", "add", "support"}, `queue add: needs QUEUE IFACE (got "support")`},
		{[]string{"hangup"}, `hangup: needs CHANNEL|/REGEX/`},
	} {
		err := Dispatch(context.Background(), f, tc.args)
		if code, msg := Classify(err); code != ExitUsage || msg != tc.want || err.Error() != tc.want {
			t.Errorf("%q: exit %d, message %q (error %q); want %q", tc.args, code, msg, err, tc.want)
		}
	}
}
