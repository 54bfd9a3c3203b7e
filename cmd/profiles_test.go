package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

// goldenProfiles copies testdata/profiles/profiles.yaml to a private file
// (mode 0600, so no warning) and returns its path and folder.
func goldenProfiles(t *testing.T) (path, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "profiles", "profiles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	path = filepath.Join(dir, "profiles.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, dir
}

func TestProfilesListShowGolden(t *testing.T) {
	cfg, dir := goldenProfiles(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"list", []string{"profiles", "list"}},
		{"list-json", []string{"profiles", "list", "-o", "json"}},
		{"list-yaml", []string{"profiles", "list", "-o", "yaml"}},
		{"show-lab", []string{"profiles", "show", "lab"}},
		{"show-default", []string{"profiles", "show"}},
		{"show-prod", []string{"profiles", "show", "prod"}},
		{"show-vault", []string{"profiles", "show", "vault"}},
		{"show-filed", []string{"profiles", "show", "filed"}},
		{"show-prompt", []string{"profiles", "show", "prompt"}},
		{"show-prod-json", []string{"profiles", "show", "prod", "-o", "json"}},
		{"show-lab-yaml", []string{"profiles", "show", "lab", "-o", "yaml"}},
	} {
		for _, tty := range []bool{false, true} {
			name := tc.name
			if tty {
				name += "-tty"
			}
			t.Run(name, func(t *testing.T) {
				r := (&run{Args: append([]string{"--config", cfg}, tc.args...), TTY: tty}).exec(t)
				if r.Code != 0 || r.Stderr != "" {
					t.Fatalf("code %d stderr %q", r.Code, r.Stderr)
				}
				if strings.Contains(r.Stdout, "do-not-print-me") {
					t.Fatalf("the secret was printed:\n%s", r.Stdout)
				}
				golden(t, filepath.Join("profiles", name+".golden"), strings.ReplaceAll(r.Stdout, dir, "$DIR"))
			})
		}
	}
}

func TestProfilesShowPicksLikeOtherCommands(t *testing.T) {
	cfg, _ := goldenProfiles(t)
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"profiles", "show"}, nil, "lab"},
		{[]string{"-p", "vault", "profiles", "show"}, nil, "vault"},
		{[]string{"profiles", "show"}, map[string]string{"AMSH_PROFILE": "filed"}, "filed"},
		{[]string{"-p", "vault", "profiles", "show", "prod"}, nil, "prod"},
	} {
		r := (&run{Args: append([]string{"--config", cfg}, tc.args...), Env: tc.env}).exec(t)
		if r.Code != 0 || !strings.HasPrefix(r.Stdout, "name:") || !strings.Contains(strings.SplitN(r.Stdout, "\n", 2)[0], tc.want) {
			t.Errorf("%v %v: code %d stdout %q stderr %q; want profile %s", tc.args, tc.env, r.Code, r.Stdout, r.Stderr, tc.want)
		}
	}
}

func TestProfilesErrors(t *testing.T) {
	cfg, dir := goldenProfiles(t)
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("profiles:\n  lab:\n    host: h\n    username: u\n    colour: red\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--config", cfg, "profiles", "show", "nope"}, `unknown profile "nope"`},
		{[]string{"--config", cfg, "profiles", "check", "nope"}, `unknown profile "nope"`},
		{[]string{"--config", cfg, "profiles", "show", "lab", "prod"}, "argument"},
		{[]string{"--config", cfg, "profiles", "list", "lab"}, "argument"},
		{[]string{"--config", "/nonexistent/profiles.yaml", "profiles", "list"}, "no such file"},
		{[]string{"--config", bad, "profiles", "show", "lab"}, bad + ":5: profile \"lab\": unknown key \"colour\""},
		{[]string{"--config", bad, "profiles", "show"}, bad + ":5: profile \"lab\": unknown key \"colour\""},
		{[]string{"--config", bad, "ping"}, bad + ":5: profile \"lab\": unknown key \"colour\""},
	} {
		r := (&run{Args: tc.args}).exec(t)
		if r.Code != ExitUsage || !strings.Contains(r.Stderr, tc.want) || strings.Count(r.Stderr, "\n") != 1 || r.Stdout != "" {
			t.Errorf("%v: code %d stdout %q stderr %q; want exit 2 and one line with %q", tc.args[2:], r.Code, r.Stdout, r.Stderr, tc.want)
		}
	}
}

func TestProfilesListWithoutFile(t *testing.T) {
	home := t.TempDir()
	r := (&run{Args: []string{"profiles", "list"}, Env: map[string]string{"HOME": home}}).exec(t)
	if r.Code != 0 || r.Stdout != "" || !strings.Contains(r.Stderr, filepath.Join(home, ".config", "amsh", "profiles.yaml")) {
		t.Errorf("text: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	r = (&run{Args: []string{"profiles", "list", "-o", "json"}, Env: map[string]string{"HOME": home}}).exec(t)
	if r.Code != 0 || r.Stdout != "[]\n" {
		t.Errorf("json: code %d stdout %q stderr %q; want []", r.Code, r.Stdout, r.Stderr)
	}
}

func TestProfilesListWarnsAboutReadableSecret(t *testing.T) {
	cfg, _ := goldenProfiles(t)
	if err := os.Chmod(cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	r := (&run{Args: []string{"--config", cfg, "profiles", "list"}}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stderr, "readable by others") || strings.Contains(r.Stdout, "warning") {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// checkScript is a server that accepts the login and answers check's actions.
func checkScript(c *amitest.Conn) {
	c.AcceptLogin()
	a := c.Expect("CoreSettings")
	c.Reply(a, "Success", "AMIversion: 11.0.0", "AsteriskVersion: 22.10.1")
	a = c.Expect("Ping")
	c.Reply(a, "Success", "Ping: Pong", "Timestamp: 1700000000.000000")
	a = c.Expect("Logoff")
	c.Reply(a, "Goodbye", "Message: Thanks for all the fish.")
}

func TestProfilesCheckFake(t *testing.T) {
	fs := amitest.New(t, checkScript)
	cfg := profilesFile(t, fs.Addr(), "")
	r := (&run{Args: []string{"--config", cfg, "profiles", "check", "fake"}}).exec(t)
	if r.Code != 0 || r.Stderr != "" {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{
		"profile:          fake\n",
		"address:          " + fs.Addr() + "\n",
		"banner:           Asterisk Call Manager/11.0.0\n",
		"asterisk_version: 22.10.1\n",
		"ami_version:      11.0.0\n",
		"login_time:       ",
		"round_trip:       ",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.Stdout)
		}
	}
}

func TestProfilesCheckJSON(t *testing.T) {
	fs := amitest.New(t, checkScript)
	cfg := profilesFile(t, fs.Addr(), "")
	r := (&run{Args: []string{"--config", cfg, "-o", "json", "profiles", "check"}}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stdout, `"asterisk_version": "22.10.1"`) || !strings.HasPrefix(r.Stdout, "{\n") {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// A user who may not read CoreSettings still logs in: check passes and says
// why the version is missing.
func TestProfilesCheckWithoutCoreSettings(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("CoreSettings")
		c.Reply(a, "Error", "Message: Permission denied")
		a = c.Expect("Ping")
		c.Reply(a, "Success", "Ping: Pong")
		a = c.Expect("Logoff")
		c.Reply(a, "Goodbye")
	})
	cfg := profilesFile(t, fs.Addr(), "")
	r := (&run{Args: []string{"--config", cfg, "profiles", "check"}}).exec(t)
	if r.Code != 0 || !strings.Contains(r.Stderr, "Permission denied") || !strings.Contains(r.Stdout, "asterisk_version:\n") {
		t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

func TestProfilesCheckFailures(t *testing.T) {
	refused := amitest.New(t, func(c *amitest.Conn) {
		a, _ := c.Read()
		c.Reply(a, "Error", "Message: Authentication failed")
	})
	cfg := profilesFile(t, refused.Addr(), "")
	r := (&run{Args: []string{"--config", cfg, "profiles", "check", "fake"}}).exec(t)
	if r.Code != ExitAuth || !strings.Contains(r.Stderr, "Authentication failed") || r.Stdout != "" {
		t.Errorf("refused login: code %d stdout %q stderr %q; want exit 4", r.Code, r.Stdout, r.Stderr)
	}
	cfg = profilesFile(t, amitest.ClosedAddr(t), "")
	r = (&run{Args: []string{"--config", cfg, "profiles", "check", "fake"}}).exec(t)
	if r.Code != ExitConn || !strings.Contains(r.Stderr, "profile fake") || r.Stdout != "" {
		t.Errorf("closed port: code %d stdout %q stderr %q; want exit 5", r.Code, r.Stdout, r.Stderr)
	}
}

func TestProfilesCheckSandbox(t *testing.T) {
	sb := sandboxtest.Get(t)
	cfg := filepath.Join(sb.Dir, "profiles.yaml")
	for _, name := range []string{"sandbox", "sandbox-tls", "restricted"} {
		r := (&run{Args: []string{"--config", cfg, "profiles", "check", name}}).exec(t)
		if r.Code != 0 || !strings.Contains(r.Stdout, "banner:           Asterisk Call Manager/") ||
			!strings.Contains(r.Stdout, "asterisk_version: 2") {
			t.Errorf("%s: code %d stdout %q stderr %q", name, r.Code, r.Stdout, r.Stderr)
		}
	}

	host, port, _ := strings.Cut(sb.Addr, ":")
	wrong := filepath.Join(t.TempDir(), "profiles.yaml")
	body := fmt.Sprintf("profiles:\n  wrong:\n    host: %s\n    port: %s\n    username: %s\n    secret: not-the-secret\n", host, port, sb.User)
	if err := os.WriteFile(wrong, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := (&run{Args: []string{"--config", wrong, "profiles", "check", "wrong"}}).exec(t)
	if r.Code != ExitAuth || !strings.Contains(r.Stderr, "failed") {
		t.Errorf("wrong secret: code %d stdout %q stderr %q; want exit 4", r.Code, r.Stdout, r.Stderr)
	}

	closed := filepath.Join(t.TempDir(), "profiles.yaml")
	host, port, _ = strings.Cut(amitest.ClosedAddr(t), ":")
	body = fmt.Sprintf("profiles:\n  closed:\n    host: %s\n    port: %s\n    username: %s\n    secret: x\n", host, port, sb.User)
	if err := os.WriteFile(closed, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r = (&run{Args: []string{"--config", closed, "profiles", "check", "closed"}}).exec(t)
	if r.Code != ExitConn || !strings.Contains(r.Stderr, "refused") {
		t.Errorf("closed port: code %d stdout %q stderr %q; want exit 5", r.Code, r.Stdout, r.Stderr)
	}
}

// brokenProfiles copies testdata/profiles/broken.yaml, whose profiles
// "typo" and "twice" are broken, beside a fake server's address for "good".
func brokenProfiles(t *testing.T, addr, def string) (path, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "profiles", "broken.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(addr, ":")
	body := strings.NewReplacer("HOST", host, "PORT", port, "DEFAULT", def).Replace(string(data))
	dir = t.TempDir()
	path = filepath.Join(dir, "profiles.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, dir
}

// One broken profile does not stop the commands that do not use it:
// profiles list lists it with its error, the others work, and using it is a
// usage error that names the file, the line and the key.
func TestBrokenProfileListedAndAvoided(t *testing.T) {
	cfg, dir := brokenProfiles(t, "127.0.0.1:5038", "good")
	for _, name := range []string{"list-broken", "list-broken-json", "list-broken-yaml"} {
		args := []string{"--config", cfg, "profiles", "list"}
		if f, ok := strings.CutPrefix(name, "list-broken-"); ok {
			args = append(args, "-o", f)
		}
		r := (&run{Args: args}).exec(t)
		if r.Code != 0 || r.Stderr != "" {
			t.Fatalf("%v: code %d stdout %q stderr %q", args, r.Code, r.Stdout, r.Stderr)
		}
		golden(t, filepath.Join("profiles", name+".golden"), strings.ReplaceAll(r.Stdout, dir, "$DIR"))
	}
	r := (&run{Args: []string{"--config", cfg, "profiles", "list", "-o", "json"}}).exec(t)
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil || len(list) != 4 {
		t.Fatalf("list -o json: %v\n%s", err, r.Stdout)
	}
	if list[0]["name"] != "good" || list[0]["port"] != 5038.0 || list[0]["tls"] != false || list[0]["default"] != true || list[0]["error"] != nil {
		t.Errorf("good: %v", list[0])
	}
	if e, _ := list[1]["error"].(string); list[1]["name"] != "typo" || !strings.Contains(e, cfg+`:12: profile "typo": unknown key "prot" (did you mean "port"?)`) {
		t.Errorf("typo: %v", list[1])
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-p", "typo", "ping"}, cfg + `:12: profile "typo": unknown key "prot" (did you mean "port"?)`},
		{[]string{"profiles", "show", "twice"}, cfg + `:16: profile "twice": the profile is written twice (first on line 13); keep one`},
		{[]string{"profiles", "check", "typo"}, `unknown key "prot"`},
		{[]string{"-p", "nope", "ping"}, `unknown profile "nope" in ` + cfg + ` (have: good, typo, twice, other)`},
	} {
		r := (&run{Args: append([]string{"--config", cfg}, tc.args...)}).exec(t)
		if r.Code != ExitUsage || !strings.Contains(r.Stderr, tc.want) || strings.Count(r.Stderr, "\n") != 1 {
			t.Errorf("%v: code %d stderr %q; want exit 2 and one line with %q", tc.args, r.Code, r.Stderr, tc.want)
		}
	}
	if r := (&run{Args: []string{"--config", cfg, "profiles", "show", "other"}}).exec(t); r.Code != 0 || !strings.HasPrefix(r.Stdout, "name:") {
		t.Errorf("show other: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// A working profile is used as ever when another one is broken, by name and
// as the default.
func TestBrokenProfileDoesNotStopOthers(t *testing.T) {
	for _, args := range [][]string{{"-p", "good", "ping"}, {"ping"}} {
		fs := amitest.New(t, func(c *amitest.Conn) {
			c.AcceptLogin()
			a := c.Expect("Ping")
			c.Reply(a, "Success", "Ping: Pong")
			a = c.Expect("Logoff")
			c.Reply(a, "Goodbye")
		})
		cfg, _ := brokenProfiles(t, fs.Addr(), "good")
		r := (&run{Args: append([]string{"--config", cfg}, args...)}).exec(t)
		if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Pong from "+fs.Addr()) || r.Stderr != "" {
			t.Errorf("%v: code %d stdout %q stderr %q", args, r.Code, r.Stdout, r.Stderr)
		}
	}
}

// A default: naming no profile is an error only where the default is
// needed; profiles list notes it on stderr and lists the profiles.
func TestMistypedDefault(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Ping")
		c.Reply(a, "Success", "Ping: Pong")
		a = c.Expect("Logoff")
		c.Reply(a, "Goodbye")
	})
	cfg, _ := brokenProfiles(t, fs.Addr(), "godo")
	want := cfg + `:1: default: no profile named "godo" (have: good, typo, twice, other)`
	if r := (&run{Args: []string{"--config", cfg, "-p", "good", "ping"}}).exec(t); r.Code != 0 || r.Stderr != "" {
		t.Errorf("-p good ping: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	for _, args := range [][]string{{"ping"}, {"profiles", "show"}} {
		r := (&run{Args: append([]string{"--config", cfg}, args...)}).exec(t)
		if r.Code != ExitUsage || r.Stderr != "amsh: "+want+"\n" {
			t.Errorf("%v: code %d stderr %q; want exit 2 and %q", args, r.Code, r.Stderr, want)
		}
	}
	r := (&run{Args: []string{"--config", cfg, "profiles", "list"}}).exec(t)
	if r.Code != 0 || r.Stderr != "note: "+want+"\n" || !strings.Contains(r.Stdout, "good ") || strings.Contains(r.Stdout, "true ") {
		t.Errorf("list: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if r := (&run{Args: []string{"--config", cfg, "-q", "profiles", "list"}}).exec(t); r.Code != 0 || r.Stderr != "" {
		t.Errorf("list -q: code %d stderr %q", r.Code, r.Stderr)
	}
}

func TestNewCmdProfiles(t *testing.T) {
	if opts, err := parseCmd(t, NewCmdProfilesList, "profiles"); err != nil || opts.LoadFile == nil || opts.Note == nil {
		t.Errorf("profiles list: %+v, %v", opts, err)
	}
	_, err := parseCmd(t, NewCmdProfilesList, "profiles", "lab")
	wantUsageError(t, err, `profiles list: too many arguments: "lab" (it takes none)`)

	for _, tc := range []struct{ argv, name string }{{"", ""}, {"lab", "lab"}} {
		show, err := parseCmd(t, NewCmdProfilesShow, "profiles", strings.Fields(tc.argv)...)
		if err != nil || show.Name != tc.name || show.Choose == nil {
			t.Errorf("profiles show %s: %+v, %v; want Name %q", tc.argv, show, err, tc.name)
		}
		check, err := parseCmd(t, NewCmdProfilesCheck, "profiles", strings.Fields(tc.argv)...)
		if err != nil || check.Name != tc.name || check.Login == nil {
			t.Errorf("profiles check %s: %+v, %v; want Name %q", tc.argv, check, err, tc.name)
		}
	}
	_, err = parseCmd(t, NewCmdProfilesShow, "profiles", "a", "b")
	wantUsageError(t, err, `profiles show: too many arguments: "a", "b" (it takes [NAME])`)
	_, err = parseCmd(t, NewCmdProfilesCheck, "profiles", "a", "b")
	wantUsageError(t, err, `profiles check: too many arguments: "a", "b" (it takes [NAME])`)
}
