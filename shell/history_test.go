package shell

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHoldsSecret(t *testing.T) {
	for _, tc := range []struct {
		line   string
		secret bool
	}{
		{"Login Username=admin Secret=s3cret", true},
		{"login", true},
		{"Action: Login", true},
		{"Secret: s3cret", true},
		{"Key: 0123abcd", true},
		{"Setvar Variable=x Value=1 Secret=hunter2", true},
		{"action Originate Channel=x secret=1", true},
		{"Challenge AuthType=MD5 Key=abc", true},
		{"profiles show lab # secret_file", true},
		{"hangup PJSIP/ep1-0001", false},
		{"Setvar Channel=PJSIP/ep1-0001 Variable=x Value=1", false},
		{"!core show channels", false},
		{"queue status support", false},
	} {
		if got := holdsSecret(tc.line); got != tc.secret {
			t.Errorf("holdsSecret(%q) = %v, want %v", tc.line, got, tc.secret)
		}
	}
}

func TestHistoryFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "amsh")
	path := filepath.Join(dir, "history")
	h, lines, err := openHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 0 {
		t.Errorf("new history holds %q", lines)
	}
	for _, l := range []string{
		"ping",
		"Setvar Variable=x Value=1 Secret=hunter2",
		"Login Username=admin Secret=s3cret",
		"Key: 0123",
		"",
		"hangup PJSIP/ep1-0001",
	} {
		if err := h.add(l); err != nil {
			t.Fatal(err)
		}
	}
	h.close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), "ping\nhangup PJSIP/ep1-0001\n"; got != want {
		t.Errorf("history file holds %q, want %q", got, want)
	}
	for _, p := range []struct {
		path string
		mode os.FileMode
	}{{path, 0o600}, {dir, 0o700}} {
		st, err := os.Stat(p.path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != p.mode {
			t.Errorf("%s: mode %o, want %o", p.path, st.Mode().Perm(), p.mode)
		}
	}

	// Reopened: the lines come back, oldest first.
	h, lines, err = openHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	h.close()
	if strings.Join(lines, "|") != "ping|hangup PJSIP/ep1-0001" {
		t.Errorf("reloaded %q", lines)
	}
}

func TestHistoryTrimmedAndNarrowed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	var b strings.Builder
	for i := range historyLimit + 50 {
		fmt.Fprintf(&b, "ping %d\n", i)
	}
	b.WriteString("Login Username=a Secret=leaked\n") // written by something else
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	h, lines, err := openHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	h.close()
	if len(lines) != historyLimit || lines[0] != "ping 50" || lines[len(lines)-1] != fmt.Sprintf("ping %d", historyLimit+49) {
		t.Errorf("got %d lines, %q ... %q", len(lines), lines[0], lines[len(lines)-1])
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "leaked") {
		t.Error("trimming kept a secret line in the file")
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o after trimming, want 600", st.Mode().Perm())
	}
}

func TestHistoryPath(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	if got := HistoryPath(env("XDG_STATE_HOME", "/s", "HOME", "/h")); got != "/s/amsh/history" {
		t.Errorf("with XDG_STATE_HOME: %s", got)
	}
	if got := HistoryPath(env("XDG_STATE_HOME", "relative", "HOME", "/h")); got != "/h/.local/state/amsh/history" {
		t.Errorf("relative XDG_STATE_HOME is ignored (XDG spec): %s", got)
	}
	if got := HistoryPath(env("HOME", "/h")); got != "/h/.local/state/amsh/history" {
		t.Errorf("default: %s", got)
	}
}
