package profile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeFile writes a profiles file in a fresh temp dir and returns its path.
func writeFile(t *testing.T, body string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask may have cut the mode
		t.Fatal(err)
	}
	return path
}

func TestLoadErrors(t *testing.T) {
	const lab = "profiles:\n  lab:\n    host: h\n    username: u\n"
	tests := []struct {
		name, body string
		line       int
		key        string
		want       string // FILE stands for the path
		// whole is set for problems with the file as a whole, which Load reports. Any other
		// breaks one profile only: Load succeeds and Select(pick) reports it ("lab" when
		// pick is empty; the default for "default missing").
		whole bool
		pick  string
	}{
		{"unknown key", "profiles:\n  lab:\n    hots: h\n    username: u\n", 3, "hots",
			`FILE:3: profile "lab": unknown key "hots" (did you mean "host"?)`, false, ""},
		{"unknown key far from any", lab + "    colour: red\n", 5, "colour",
			`FILE:5: profile "lab": unknown key "colour"`, false, ""},
		{"unknown top key", "defualt: lab\n" + lab, 1, "defualt",
			`FILE:1: unknown key "defualt" (did you mean "default"?)`, true, ""},
		{"port not a number", lab + "    port: abc\n", 5, "port",
			`FILE:5: profile "lab": port: "abc" is not a port number from 1 to 65535`, false, ""},
		{"port zero", lab + "    port: 0\n", 5, "port",
			`FILE:5: profile "lab": port: "0" is not a port number from 1 to 65535`, false, ""},
		{"port too big", lab + "    port: 65536\n", 5, "port",
			`FILE:5: profile "lab": port: "65536" is not a port number from 1 to 65535`, false, ""},
		{"port a list", lab + "    port: [1, 2]\n", 5, "port",
			`FILE:5: profile "lab": port: must be a single value, not a list`, false, ""},
		{"tls maybe", lab + "    tls: maybe\n", 5, "tls",
			`FILE:5: profile "lab": tls: "maybe" is not true or false`, false, ""},
		{"confirm empty", lab + "    confirm:\n", 5, "confirm",
			`FILE:5: profile "lab": confirm: "" is not true or false`, false, ""},
		{"timeout parsecs", lab + "    timeout: 10 parsecs\n", 5, "timeout",
			`FILE:5: profile "lab": timeout: "10 parsecs" is not a duration such as 10s or 1m30s`, false, ""},
		{"timeout without unit", lab + "    timeout: 10\n", 5, "timeout",
			`FILE:5: profile "lab": timeout: "10" is not a duration such as 10s or 1m30s`, false, ""},
		{"timeout negative", lab + "    timeout: -1s\n", 5, "timeout",
			`FILE:5: profile "lab": timeout: "-1s" is not a duration such as 10s or 1m30s`, false, ""},
		{"auth", lab + "    auth: sha1\n", 5, "auth",
			`FILE:5: profile "lab": auth: "sha1" is not md5 or plain`, false, ""},
		{"events", lab + "    events: system,calls\n", 5, "events",
			`FILE:5: profile "lab": events: "system,calls" is not on, off or a comma list of ` + strings.Join(EventClasses, ", "), false, ""},
		{"events boolean", lab + "    events: true\n", 5, "events",
			`FILE:5: profile "lab": events: "true" is not on, off or a comma list of ` + strings.Join(EventClasses, ", "), false, ""},
		{"missing host", "profiles:\n  lab:\n    username: u\n", 2, "host",
			`FILE:2: profile "lab": missing required key "host"`, false, ""},
		{"missing username", "profiles:\n  lab:\n    host: h\n", 2, "username",
			`FILE:2: profile "lab": missing required key "username"`, false, ""},
		{"empty host", "profiles:\n  lab:\n    host: \"\"\n    username: u\n", 3, "host",
			`FILE:3: profile "lab": host: is empty`, false, ""},
		{"host with space", "profiles:\n  lab:\n    host: a b\n    username: u\n", 3, "host",
			`FILE:3: profile "lab": host: "a b" is not a host name or address`, false, ""},
		{"empty profile", "profiles:\n  lab:\n", 2, "",
			`FILE:2: profile "lab": has no keys; it needs at least host and username`, false, ""},
		{"profile not a mapping", "profiles:\n  lab: 127.0.0.1\n", 2, "",
			`FILE:2: profile "lab": must be a mapping of keys, not a single value`, false, ""},
		{"two secrets", lab + "    secret: s3cretvalue\n    secret_env: X\n", 6, "secret_env",
			`FILE:6: profile "lab": secret_env: secret is already set on line 5; use only one of secret, secret_env, secret_file, secret_command`, false, ""},
		{"secret and command", lab + "    secret_command: pass x\n    secret: s3cretvalue\n", 6, "secret",
			`FILE:6: profile "lab": secret: secret_command is already set on line 5; use only one of secret, secret_env, secret_file, secret_command`, false, ""},
		{"secret two lines", lab + "    secret: \"s3cret\\nvalue\"\n", 5, "secret",
			`FILE:5: profile "lab": secret: must be one line without control characters`, false, ""},
		{"secret a list", lab + "    secret: [s3cretvalue]\n", 5, "secret",
			`FILE:5: profile "lab": secret: must be a single value, not a list`, false, ""},
		{"secret_env with dollar", lab + "    secret_env: $X\n", 5, "secret_env",
			`FILE:5: profile "lab": secret_env: "$X" is not a variable name (write FOO, not $FOO)`, false, ""},
		{"tilde user", lab + "    secret_file: ~bob/s\n", 5, "secret_file",
			`FILE:5: profile "lab": secret_file: only ~/ is expanded, not ~user/`, false, ""},
		{"tls_ca without tls", lab + "    tls_ca: ca.pem\n", 5, "tls_ca",
			`FILE:5: profile "lab": tls_ca is set but tls is not true; add tls: true or remove tls_ca`, false, ""},
		{"tls_insecure without tls", lab + "    tls_insecure: true\n", 5, "tls_insecure",
			`FILE:5: profile "lab": tls_insecure is set but tls is not true; add tls: true or remove tls_insecure`, false, ""},
		{"default missing", "default: prod\n" + lab, 1, "default",
			`FILE:1: default: no profile named "prod" (have: lab)`, false, "-"},
		{"duplicate key", lab + "    host: other\n", 5, "host",
			`FILE:5: profile "lab": duplicate key "host" (first on line 3)`, false, ""},
		{"duplicate profile", lab + "  lab:\n    host: h\n    username: u\n", 5, "lab",
			`FILE:5: profile "lab": the profile is written twice (first on line 2); keep one`, false, ""},
		{"profile name with space", "profiles:\n  my lab:\n    host: h\n    username: u\n", 2, "profiles",
			`FILE:2: profile name "my lab": use a name without spaces`, false, "my lab"},
		{"profiles a list", "profiles:\n  - lab\n", 2, "profiles",
			`FILE:2: profiles: must be a mapping of profile names, not a list`, true, ""},
		{"top a list", "- a\n- b\n", 1, "",
			`FILE:1: the file must be a mapping with default: and profiles:, not a list`, true, ""},
		{"syntax", "profiles:\n  lab:\n    host: h\n   username: u\n", 4, "",
			`FILE:4: not valid YAML: did not find expected key`, true, ""},
		{"unclosed bracket", lab + "    port: [1\n", 5, "",
			`FILE:5: not valid YAML: did not find expected ',' or ']'`, true, ""},
		{"tab indent", "profiles:\n\tlab:\n", 2, "",
			`FILE:2: not valid YAML: indent with spaces, not tabs`, true, ""},
		{"two documents", lab + "---\n" + lab, 5, "",
			`FILE:5: more than one YAML document; keep everything in one`, true, ""},
		{"merge not a mapping", "profiles:\n  lab:\n    <<: 1\n    host: h\n    username: u\n", 3, "<<",
			`FILE:3: profile "lab": <<: must name a mapping (<<: *anchor), not a single value`, false, ""},
		{"merge loop", "profiles:\n  lab: &x\n    <<: *x\n", 2, "<<",
			`FILE:2: profile "lab": <<: merges nested too deep (an anchor that includes itself?)`, false, ""},
		{"error inside a merged anchor", "profiles:\n  a: &base\n    host: h\n    username: u\n    port: x\n", 5, "port",
			`FILE:5: profile "a": port: "x" is not a port number from 1 to 65535`, false, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.body, 0o600)
			f, err := Load(path)
			switch {
			case tt.whole && err == nil:
				t.Fatalf("Load: no error; profiles %v", f.Order)
			case !tt.whole && err != nil:
				t.Fatalf("Load: %v; want the error only when the profile is selected", err)
			case !tt.whole:
				pick := tt.pick
				switch pick {
				case "":
					pick = "lab"
				case "-":
					pick = ""
				}
				var p *Profile
				if p, err = f.Select(pick); err == nil {
					t.Fatalf("Select(%q) = %+v, want an error", pick, p)
				}
				if pick != "" && f.Profiles[pick] != nil || slices.Contains(f.Order, pick) {
					t.Errorf("broken profile %q is in Profiles or Order", pick)
				}
			}
			want := strings.ReplaceAll(tt.want, "FILE", path)
			if err.Error() != want {
				t.Errorf("error\n got: %s\nwant: %s", err, want)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error is %T, want *ConfigError", err)
			}
			if ce.File != path || ce.Line != tt.line || ce.Key != tt.key {
				t.Errorf("ConfigError{File: %q, Line: %d, Key: %q}, want {%q, %d, %q}", ce.File, ce.Line, ce.Key, path, tt.line, tt.key)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the secret: %s", err)
			}
		})
	}
}

func TestLoadDefaults(t *testing.T) {
	path := writeFile(t, `
profiles:
  plain:
    host: pbx.example.com
    username: admin
  tls:
    host: ::1
    username: admin
    tls: true
  set:
    host: h
    username: "1001"
    port: 6000
    auth: PLAIN
    tls: yes
    tls_insecure: on
    events: " System , CALL "
    timeout: 1m30s
    confirm: false
`, 0o600)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"plain", "tls", "set"}; !reflect.DeepEqual(f.Order, want) {
		t.Errorf("Order = %v, want %v", f.Order, want)
	}
	want := map[string]Profile{
		"plain": {Name: "plain", Host: "pbx.example.com", Port: 5038, Username: "admin", Auth: "md5", Timeout: 10 * time.Second, Confirm: true},
		"tls":   {Name: "tls", Host: "::1", Port: 5039, Username: "admin", Auth: "md5", TLS: true, Timeout: 10 * time.Second, Confirm: true},
		"set": {Name: "set", Host: "h", Port: 6000, Username: "1001", Auth: "plain", TLS: true, TLSInsecure: true,
			Events: "system,call", Timeout: 90 * time.Second, Confirm: false},
	}
	for name, w := range want {
		if got := *f.Profiles[name]; got != w {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, w)
		}
	}
	if f.Default != "" {
		t.Errorf("Default = %q, want empty", f.Default)
	}
}

func TestLoadMergeAndPaths(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	path := writeFile(t, `
default: b
profiles:
  a: &base
    host: h
    username: u
    secret_file: ~/a.secret
    timeout: 5s
  b:
    <<: *base
    username: other
    tls: true
    tls_ca: certs/ca.pem
`, 0o600)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Select("")
	if err != nil {
		t.Fatal(err)
	}
	want := Profile{Name: "b", Host: "h", Port: 5039, Username: "other", SecretFile: filepath.Join(home, "a.secret"),
		Auth: "md5", TLS: true, TLSCA: filepath.Join(filepath.Dir(path), "certs", "ca.pem"), Timeout: 5 * time.Second, Confirm: true}
	if *b != want {
		t.Errorf("b:\n got %+v\nwant %+v", *b, want)
	}
}

func TestLoadEmpty(t *testing.T) {
	for _, body := range []string{"", "# nothing yet\n", "profiles:\n", "~\n"} {
		f, err := Load(writeFile(t, body, 0o600))
		if err != nil {
			t.Errorf("%q: %v", body, err)
			continue
		}
		if len(f.Profiles) != 0 {
			t.Errorf("%q: profiles %v", body, f.Order)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	for _, path := range []string{"", filepath.Join(t.TempDir(), "nope.yaml")} {
		if _, err := Load(path); !errors.Is(err, ErrNoFile) {
			t.Errorf("Load(%q) = %v, want ErrNoFile", path, err)
		}
	}
}

func TestWarnings(t *testing.T) {
	const withSecret = "profiles:\n  lab:\n    host: h\n    username: u\n    secret: s3cretvalue\n"
	const withFile = "profiles:\n  lab:\n    host: h\n    username: u\n    secret_file: /x\n"
	tests := []struct {
		body string
		mode os.FileMode
		want string // the "(mode ...)" text, empty for no warning
	}{
		{withSecret, 0o644, "0644"},
		{withSecret, 0o640, "0640"},
		{withSecret, 0o604, "0604"},
		{withSecret, 0o600, ""},
		{withSecret, 0o400, ""},
		{withFile, 0o644, ""},
	}
	for _, tt := range tests {
		path := writeFile(t, tt.body, tt.mode)
		f, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		if tt.want != "" {
			want = []string{"warning: " + path + " holds a secret and is readable by others (mode " + tt.want + "); chmod 600 " + path}
		}
		if got := f.Warnings(); !reflect.DeepEqual(got, want) {
			t.Errorf("mode %v, secret %v: warnings %q, want %q", tt.mode, tt.body == withSecret, got, want)
		}
	}
}

func TestExampleFile(t *testing.T) {
	t.Setenv("HOME", "/home/op")
	f, err := Load("../profiles.yaml.example")
	if err != nil {
		t.Fatal(err)
	}
	if w := f.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
	if want := []string{"sandbox", "sandbox-tls", "restricted"}; !reflect.DeepEqual(f.Order, want) {
		t.Errorf("Order = %v, want %v", f.Order, want)
	}
	p, err := f.Select("")
	if err != nil {
		t.Fatal(err)
	}
	want := Profile{Name: "sandbox", Host: "127.0.0.1", Port: 15038, Username: "amsh",
		SecretFile: "/home/op/.cache/amsh/sandbox/amsh.secret", Auth: "md5", Events: "on", Timeout: 10 * time.Second, Confirm: true}
	if *p != want {
		t.Errorf("sandbox:\n got %+v\nwant %+v", *p, want)
	}
	tls := f.Profiles["sandbox-tls"]
	if !tls.TLS || tls.Port != 15039 || tls.TLSCA != "/home/op/.cache/amsh/sandbox/ca.pem" || tls.TLSServerName != "localhost" {
		t.Errorf("sandbox-tls: %+v", *tls)
	}
	r := f.Profiles["restricted"]
	if r.Username != "amsh-report" || r.SecretFile != "/home/op/.cache/amsh/sandbox/amsh-report.secret" {
		t.Errorf("restricted: %+v", *r)
	}
}

// within runs f and fails the test if it has not returned after a generous bound: what it
// tests must not hang.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still running after 10s", what)
	}
}

// loadErr loads path, which must fail promptly with a *ConfigError, and returns it.
func loadErr(t *testing.T, path string) *ConfigError {
	t.Helper()
	var err error
	within(t, "Load "+path, func() { _, err = Load(path) })
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("Load(%s) = %v (%T), want a *ConfigError", path, err, err)
	}
	return ce
}

func TestLoadNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	// Valid YAML, so only the size can be refused: a comment line repeated past 2 MiB.
	if err := os.WriteFile(big, []byte(strings.Repeat("# "+strings.Repeat("x", 1021)+"\n", 2<<10)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, want string }{
		{big, big + ": is larger than 1 MiB"},
		{dir, dir + ": is a directory, not a regular file"},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		tests = append(tests, struct{ path, want string }{"/dev/zero", "/dev/zero: is a device, not a regular file"})
	}
	for _, tt := range tests {
		ce := loadErr(t, tt.path)
		if ce.Error() != tt.want || ce.File != tt.path || ce.Line != 0 {
			t.Errorf("Load(%s) = %q (line %d), want %q", tt.path, ce, ce.Line, tt.want)
		}
	}
}

func TestLoadAtTheSizeCap(t *testing.T) {
	body := "profiles:\n  lab:\n    host: h\n    username: u\n"
	body += strings.Repeat("#", maxFileSize-len(body)-1) + "\n"
	f, err := Load(writeFile(t, body, 0o600))
	if err != nil || len(f.Profiles) != 1 {
		t.Fatalf("a file of exactly 1 MiB: %v", err)
	}
}

// mergeBomb is a profiles file of about 1 KB whose last anchor, with merge keys expanded, holds
// about 10^levels mappings: each level merges the previous one ten times.
func mergeBomb(levels int) string {
	var b strings.Builder
	b.WriteString("profiles:\n  p0: &p0\n    host: h\n    username: u\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "  p%d: &p%d\n    <<: [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*p%d, ", i-1), 10), ", "))
	}
	return b.String()
}

func TestLoadMergeBomb(t *testing.T) {
	for _, levels := range []int{7, 40} { // 10^40 would overflow any count that did not saturate
		path := writeFile(t, mergeBomb(levels), 0o600)
		ce := loadErr(t, path)
		// p4 stands for about 64,000 nodes: counted once where it is written (line 11) and once
		// more for the first *p4 in p5's merge list (line 14), the count passes 100,000.
		want := path + ":14: *p4: aliases expand the file to more than 100000 YAML nodes; use fewer aliases and merge keys"
		if ce.Error() != want {
			t.Errorf("%d levels: error\n got: %s\nwant: %s", levels, ce, want)
		}
		if ce.Line != 14 {
			t.Errorf("%d levels: Line = %d, want 14", levels, ce.Line)
		}
	}
}

// A file below the limit still loads, merges and all.
func TestLoadMergesUnderTheLimit(t *testing.T) {
	f, err := Load(writeFile(t, mergeBomb(3), 0o600))
	if err != nil {
		t.Fatal(err)
	}
	if p := f.Profiles["p3"]; p == nil || p.Host != "h" || p.Username != "u" {
		t.Errorf("p3 = %+v", p)
	}
}

func TestLoadTooManyNodes(t *testing.T) {
	body := "profiles:\n  lab:\n    host: h\n    username: u\nx: [" + strings.Repeat("1,", maxExpandedNodes) + "1]\n"
	path := writeFile(t, body, 0o600)
	ce := loadErr(t, path)
	if want := path + ":5: the file holds more than 100000 YAML nodes"; ce.Error() != want {
		t.Errorf("error\n got: %s\nwant: %s", ce, want)
	}
}

// An anchor that refers to itself is not an expansion to count: pairs refuses it.
func TestExpansionCycle(t *testing.T) {
	path := writeFile(t, "profiles:\n  lab: &x\n    host: h\n    username: u\n    other: [*x, *x]\n", 0o600)
	var f *File
	var err error
	within(t, "Load "+path, func() { f, err = Load(path) })
	if err != nil {
		t.Fatal(err)
	}
	if want := path + `:5: profile "lab": unknown key "other"`; f.Broken["lab"] == nil || f.Broken["lab"].Error() != want {
		t.Errorf("error\n got: %v\nwant: %s", f.Broken["lab"], want)
	}
}

// Finding the line of a syntax error re-parses the file a line at a time; a large file must not
// make that quadratic.
func TestLoadLargeSyntaxError(t *testing.T) {
	body := strings.Repeat("# "+strings.Repeat("x", 600)+"\n", 1500) + "profiles:\n  lab:\n    host: h\n   username: u\n"
	path := writeFile(t, body, 0o600)
	ce := loadErr(t, path)
	if !strings.HasPrefix(ce.Msg, "not valid YAML: ") {
		t.Errorf("error = %s, want not valid YAML", ce)
	}
}

// One broken profile, and a default: that names no profile, leave the rest of the file usable;
// each error comes when what it is about is chosen, naming the file, the line and the key.
func TestLoadKeepsGoodProfiles(t *testing.T) {
	path := writeFile(t, `default: sandbx
profiles:
  good:
    host: h
    username: u
  typo:
    host: h
    username: u
    prot: 5038
  twice:
    host: a
    username: u
  twice:
    host: b
    username: u
  other:
    host: h2
    username: u2
    secret: s3cretvalue
`, 0o600)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"good", "other"}; !reflect.DeepEqual(f.Order, want) {
		t.Errorf("Order = %v, want %v", f.Order, want)
	}
	if want := []string{"good", "typo", "twice", "other"}; !reflect.DeepEqual(f.Names, want) {
		t.Errorf("Names = %v, want %v", f.Names, want)
	}
	if p, err := f.Select("good"); err != nil || p.Host != "h" {
		t.Errorf("Select(good) = %+v, %v", p, err)
	}
	if p, err := f.Select("other"); err != nil || p.Host != "h2" {
		t.Errorf("Select(other) = %+v, %v", p, err)
	}
	for _, tt := range []struct {
		pick, want, key string
		line            int
	}{
		{"typo", `FILE:9: profile "typo": unknown key "prot" (did you mean "port"?)`, "prot", 9},
		{"twice", `FILE:13: profile "twice": the profile is written twice (first on line 10); keep one`, "twice", 13},
		{"", `FILE:1: default: no profile named "sandbx" (have: good, typo, twice, other)`, "default", 1},
	} {
		_, err := f.Select(tt.pick)
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Fatalf("Select(%q) = %v (%T), want a *ConfigError", tt.pick, err, err)
		}
		if want := strings.ReplaceAll(tt.want, "FILE", path); ce.Error() != want || ce.Line != tt.line || ce.Key != tt.key || ce.File != path {
			t.Errorf("Select(%q):\n got %s (line %d, key %q)\nwant %s (line %d, key %q)", tt.pick, ce, ce.Line, ce.Key, want, tt.line, tt.key)
		}
	}
	if f.DefaultError() == nil || f.DefaultName() != "" {
		t.Errorf("DefaultError() = %v, DefaultName() = %q; want the error and no name", f.DefaultError(), f.DefaultName())
	}
	if len(f.Broken) != 2 || f.Broken["typo"] == nil || f.Broken["twice"] == nil {
		t.Errorf("Broken = %v", f.Broken)
	}
}

// A default: that names a broken profile reports that profile's error; an only profile that is
// broken is reported when no name is given.
func TestSelectBrokenDefault(t *testing.T) {
	for body, line := range map[string]string{
		"default: bad\nprofiles:\n  bad:\n    host: h\n  ok:\n    host: h\n    username: u\n": "3",
		"profiles:\n  bad:\n    host: h\n": "2",
	} {
		path := writeFile(t, body, 0o600)
		f, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Select("")
		if want := path + ":" + line + `: profile "bad": missing required key "username"`; err == nil || err.Error() != want {
			t.Errorf("%q: Select(\"\") = %v, want %s", body, err, want)
		}
		if f.DefaultError() != nil || f.DefaultName() != "bad" {
			t.Errorf("%q: DefaultError() = %v, DefaultName() = %q", body, f.DefaultError(), f.DefaultName())
		}
	}
}

// A broken profile's literal secret still gets the file the readable-by-others warning.
func TestWarningForBrokenProfileSecret(t *testing.T) {
	path := writeFile(t, "profiles:\n  lab:\n    host: h\n    username: u\n    secret: s3cretvalue\n    colour: red\n", 0o644)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if w := f.Warnings(); len(w) != 1 || !strings.Contains(w[0], "readable by others") {
		t.Errorf("warnings %q", w)
	}
}
