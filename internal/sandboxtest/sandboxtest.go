// Package sandboxtest gives integration tests the address and credentials of
// the real Asterisk sandbox that scripts/sandbox starts (make test sets
// AMSH_SANDBOX to its folder). Without AMSH_SANDBOX the tests skip with one
// line saying how to run them; with it, a sandbox that cannot be read or
// reached is a test failure, never a skip.
package sandboxtest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sandbox describes a running sandbox.
type Sandbox struct {
	Dir          string
	Addr         string // plain AMI, host:port
	TLSAddr      string // AMI over TLS, host:port
	User         string // full rights
	Secret       string
	ReportUser   string // write = reporting only
	ReportSecret string
	CAFile       string // PEM of the CA that signed the TLS certificate
	Root         string // the chroot holding Asterisk
	Endpoints    int
}

var (
	once   sync.Once
	loaded *Sandbox
	err    error
)

// Get returns the sandbox, skipping the test when AMSH_SANDBOX is unset.
func Get(t testing.TB) *Sandbox {
	t.Helper()
	dir := os.Getenv("AMSH_SANDBOX")
	if dir == "" {
		t.Skip("integration test: needs the Asterisk sandbox; run `make test` (or `make sandbox-up` and AMSH_SANDBOX=DIR go test)")
	}
	once.Do(func() { loaded, err = load(dir) })
	if err != nil {
		t.Fatalf("sandbox at %s: %v", dir, err)
	}
	return loaded
}

func load(dir string) (*Sandbox, error) {
	env, err := readEnv(filepath.Join(dir, "sandbox.env"))
	if err != nil {
		return nil, err
	}
	s := &Sandbox{
		Dir:        dir,
		Addr:       env["AMSH_SANDBOX_ADDR"],
		TLSAddr:    env["AMSH_SANDBOX_TLS_ADDR"],
		User:       env["AMSH_SANDBOX_USER"],
		ReportUser: env["AMSH_SANDBOX_REPORT_USER"],
		CAFile:     env["AMSH_SANDBOX_CA"],
		Root:       env["AMSH_SANDBOX_ROOT"],
	}
	fmt.Sscan(env["AMSH_SANDBOX_ENDPOINTS"], &s.Endpoints)
	if s.Secret, err = readSecret(env["AMSH_SANDBOX_SECRET_FILE"]); err != nil {
		return nil, err
	}
	if s.ReportSecret, err = readSecret(env["AMSH_SANDBOX_REPORT_SECRET_FILE"]); err != nil {
		return nil, err
	}
	c, err := net.DialTimeout("tcp", s.Addr, 3*time.Second)
	if err != nil {
		return nil, fmt.Errorf("AMI does not answer (%v); run `make sandbox-up`", err)
	}
	c.Close()
	return s, nil
}

func readEnv(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%v; run `make sandbox-up`", err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			env[k] = v
		}
	}
	return env, sc.Err()
}

func readSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// Rx runs an Asterisk CLI command the way an operator would (asterisk -rx)
// and returns its output.
func (s *Sandbox) Rx(t testing.TB, command string) string {
	t.Helper()
	out, err := exec.Command("chroot", s.Root, "/usr/sbin/asterisk", "-rx", command).CombinedOutput()
	if err != nil {
		t.Fatalf("asterisk -rx %q: %v\n%s", command, err, out)
	}
	return string(out)
}

// BuildAmsh builds the amsh binary into a folder of the test's and returns
// its path, for tests that run amsh as a process (on a pty, or under a real
// flood where a race-instrumented test binary would read too slowly).
func BuildAmsh(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "amsh")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/amsh/amsh").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
