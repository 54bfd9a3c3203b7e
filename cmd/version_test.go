package cmd

import (
	"encoding/json"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// version -o json and -o yaml are amsh's own documents: lower-case keys.
// --version prints exactly what version prints, in every format.
func TestVersionDocuments(t *testing.T) {
	text := (&run{Args: []string{"version"}}).exec(t)
	if text.Code != 0 || !strings.HasPrefix(text.Stdout, "amsh ") {
		t.Fatalf("version: code %d stdout %q stderr %q", text.Code, text.Stdout, text.Stderr)
	}
	want := map[string]string{}
	ver, rev, gov := VersionInfo()
	want["version"], want["commit"], want["go"] = ver, rev, gov

	r := (&run{Args: []string{"version", "-o", "json"}}).exec(t)
	var doc map[string]string
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || r.Code != 0 {
		t.Fatalf("version -o json: code %d stdout %q: %v", r.Code, r.Stdout, err)
	}
	if len(doc) != 3 || doc["version"] != want["version"] || doc["commit"] != want["commit"] || doc["go"] != want["go"] {
		t.Errorf("version -o json = %v, want %v", doc, want)
	}
	if !strings.HasPrefix(r.Stdout, "{\n  \"version\": ") {
		t.Errorf("version -o json: keys out of order or not indented: %q", r.Stdout)
	}

	y := (&run{Args: []string{"version", "-o", "yaml"}}).exec(t)
	doc = nil
	if err := yaml.Unmarshal([]byte(y.Stdout), &doc); err != nil || y.Code != 0 || doc["go"] != want["go"] || doc["version"] != want["version"] {
		t.Errorf("version -o yaml: code %d stdout %q: %v", y.Code, y.Stdout, err)
	}

	for _, args := range [][]string{{"--version"}, {"--version", "-o", "json"}, {"-o", "yaml", "--version"}} {
		got := (&run{Args: args}).exec(t)
		var same *run
		switch {
		case len(args) == 1:
			same = text
		case strings.Contains(strings.Join(args, " "), "json"):
			same = r
		default:
			same = y
		}
		if got.Code != 0 || got.Stdout != same.Stdout || got.Stderr != "" {
			t.Errorf("%v: code %d stdout %q stderr %q; want %q", args, got.Code, got.Stdout, got.Stderr, same.Stdout)
		}
	}
	if r := (&run{Args: []string{"--version", "extra"}}).exec(t); r.Code != ExitUsage {
		t.Errorf("--version extra: code %d", r.Code)
	}
}

// A mistyped subcommand is a usage error (exit 2) on one line that says
// what was meant, at the top level and inside a group, from the command
// line and from the shell (Dispatch).
func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"pign"}, `unknown command "pign" for "amsh"; did you mean "ping"?`},
		{[]string{"queu", "status"}, `unknown command "queu" for "amsh"; did you mean "queue"?`},
		{[]string{"queue", "statu"}, `queue: unknown subcommand "statu"; did you mean "status"?`},
		{[]string{"queue", "summry", "support"}, `queue: unknown subcommand "summry"; did you mean "summary"?`},
		{[]string{"profiles", "lst"}, `profiles: unknown subcommand "lst"; did you mean "list"?`},
		{[]string{"queue", "p"}, `did you mean "pause" or "penalty"?`},
		{[]string{"nosuchcommand"}, `unknown command "nosuchcommand" for "amsh" (see 'amsh --help')`},
	} {
		r := (&run{Args: tc.args}).exec(t)
		if r.Code != ExitUsage || !strings.Contains(r.Stderr, tc.want) || strings.Count(r.Stderr, "\n") != 1 || r.Stdout != "" {
			t.Errorf("%v: code %d stdout %q stderr %q; want exit 2 and one line with %q", tc.args, r.Code, r.Stdout, r.Stderr, tc.want)
		}
	}
	// A group with no word still prints its help.
	if r := (&run{Args: []string{"queue"}}).exec(t); r.Code != 0 || !strings.Contains(r.Stdout, "Usage:") {
		t.Errorf("queue: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	f := NewFactory(&IOStreams{In: strings.NewReader(""), Out: &strings.Builder{}, ErrOut: &strings.Builder{}, Getenv: func(string) string { return "" }})
	f.Global.Output, f.Global.Color = "text", "auto"
	err := Dispatch(t.Context(), f, []string{"queue", "statu"})
	if err == nil || ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), `did you mean "status"?`) {
		t.Errorf("Dispatch(queue statu) = %v", err)
	}
}

func TestNewCmdVersion(t *testing.T) {
	if opts, err := parseCmd(t, NewCmdVersion, ""); err != nil || opts.IO == nil || opts.Format == nil {
		t.Errorf("version: %+v, %v", opts, err)
	}
	_, err := parseCmd(t, NewCmdVersion, "", "extra")
	wantUsageError(t, err, `version: too many arguments: "extra" (it takes none)`)
}
