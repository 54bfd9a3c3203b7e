package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
	"github.com/amsh/amsh/internal/sandboxtest"
)

// --host without a port moves the profile to another host and keeps its
// port; with a port it replaces both.
func TestHostFlagKeepsProfilePort(t *testing.T) {
	fs := amitest.New(t, func(c *amitest.Conn) {
		c.AcceptLogin()
		a := c.Expect("Ping")
		c.Reply(a, "Success", "Ping: Pong")
		a = c.Expect("Logoff")
		c.Reply(a, "Goodbye")
	})
	_, port, _ := strings.Cut(fs.Addr(), ":")
	// The profile's host does not resolve: only --host can reach the server.
	cfg := filepath.Join(t.TempDir(), "profiles.yaml")
	body := "profiles:\n  fake:\n    host: pbx.invalid\n    port: " + port + "\n    username: amsh\n    secret: s3cret\n    auth: plain\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := (&run{Args: []string{"--config", cfg, "-p", "fake", "--host", "127.0.0.1", "ping"}}).exec(t)
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Pong from 127.0.0.1:"+port+" ") {
		t.Errorf("--host 127.0.0.1: code %d stdout %q stderr %q; want the profile's port %s", r.Code, r.Stdout, r.Stderr, port)
	}
}

// Where --host's default port comes from, read off the "no secret" error,
// which names the address before anything is dialled.
func TestHostFlagDefaultPort(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "profiles.yaml")
	body := "profiles:\n" +
		"  plain:\n    host: pbx.invalid\n    username: u\n" +
		"  custom:\n    host: pbx.invalid\n    port: 6000\n    username: u\n" +
		"  tls:\n    host: pbx.invalid\n    username: u\n    tls: true\n" +
		"  tls-custom:\n    host: pbx.invalid\n    port: 6001\n    username: u\n    tls: true\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		addr string
	}{
		{[]string{"-p", "plain", "--host", "10.0.0.9"}, nil, "10.0.0.9:5038"},
		{[]string{"-p", "custom", "--host", "10.0.0.9"}, nil, "10.0.0.9:6000"},
		{[]string{"-p", "custom", "--host", "10.0.0.9:7000"}, nil, "10.0.0.9:7000"},
		{[]string{"-p", "custom", "--host", "::1"}, nil, "[::1]:6000"},
		{[]string{"-p", "tls", "--host", "10.0.0.9"}, nil, "10.0.0.9:5039"},
		{[]string{"-p", "tls-custom", "--host", "10.0.0.9"}, nil, "10.0.0.9:6001"},
		{[]string{"-p", "custom"}, map[string]string{"AMSH_HOST": "10.0.0.9"}, "10.0.0.9:6000"},
		{[]string{"--host", "10.0.0.9", "--user", "u"}, nil, "10.0.0.9:5038"}, // ad hoc: no profile
	} {
		env := map[string]string{"AMSH_CONFIG": cfg}
		for k, v := range tc.env {
			env[k] = v
		}
		r := (&run{Args: append(tc.args, "ping"), Env: env}).exec(t)
		if r.Code != ExitUsage || !strings.Contains(r.Stderr, "no secret for u@"+tc.addr+":") {
			t.Errorf("%v %v: code %d stderr %q; want the address %s", tc.args, tc.env, r.Code, r.Stderr, tc.addr)
		}
	}
}

// The sandbox's TLS profile moved with --host keeps its port, 15039.
func TestHostFlagSandboxTLS(t *testing.T) {
	sb := sandboxtest.Get(t)
	_, port, _ := strings.Cut(sb.TLSAddr, ":")
	cfg := filepath.Join(sb.Dir, "profiles.yaml")
	r := (&run{Args: []string{"--config", cfg, "-p", "sandbox-tls", "--host", "localhost", "ping"}}).exec(t)
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Pong from localhost:"+port+" ") {
		t.Errorf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}
