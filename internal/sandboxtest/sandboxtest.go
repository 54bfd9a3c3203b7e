// Package sandboxtest gives integration tests the address and credentials of
// the real Asterisk sandbox that scripts/sandbox starts (make test sets
// AMSH_SANDBOX to its folder). Without AMSH_SANDBOX the tests skip with one
// line saying how to run them; with it, a sandbox that cannot be read or
// reached is a test failure, never a skip.
//
// The sandbox may run several Asterisk instances (AMSH_SANDBOX_INSTANCES):
// Addr, TLSAddr and Rx are instance 1's; Instances lists every instance's
// address, and Cli, Stop and Start reach instance K through scripts/sandbox.
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

	addrs []string // plain AMI of instances 1..N
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
	n := 1 // a sandbox.env written before there were several instances has no count
	if v, ok := env["AMSH_SANDBOX_INSTANCES"]; ok {
		if _, err := fmt.Sscan(v, &n); err != nil || n < 1 {
			return nil, fmt.Errorf("AMSH_SANDBOX_INSTANCES=%q: want a number from 1", v)
		}
	}
	s.addrs = []string{s.Addr}
	for k := 2; k <= n; k++ {
		a := env[fmt.Sprintf("AMSH_SANDBOX_ADDR_%d", k)]
		if a == "" {
			return nil, fmt.Errorf("sandbox.env has AMSH_SANDBOX_INSTANCES=%d but no AMSH_SANDBOX_ADDR_%d; run `make sandbox-up`", n, k)
		}
		s.addrs = append(s.addrs, a)
	}
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

// Profiles is the profiles file scripts/sandbox wrote: profiles sandbox,
// sandbox-tls and restricted for instance 1, sandboxK for instance K, and
// the group sandboxes listing sandbox, sandbox2... in order.
func (s *Sandbox) Profiles() string { return filepath.Join(s.Dir, "profiles.yaml") }

// Instances returns the plain AMI address of every instance, instance 1's
// first.
func (s *Sandbox) Instances() []string { return append([]string(nil), s.addrs...) }

// NeedInstances fails the test unless the sandbox runs at least n instances.
func (s *Sandbox) NeedInstances(t testing.TB, n int) {
	t.Helper()
	if len(s.addrs) < n {
		t.Fatalf("the sandbox runs %d Asterisk instance(s), this test needs %d; run `make sandbox-up` (or AMSH_SANDBOX_INSTANCES=%d scripts/sandbox up)", len(s.addrs), n, n)
	}
}

// Cli runs an Asterisk CLI command on instance k (scripts/sandbox cli -i K)
// and returns its output.
func (s *Sandbox) Cli(t testing.TB, k int, command string) string {
	t.Helper()
	return s.script(t, "cli", "-i", fmt.Sprint(k), command)
}

// Stop stops instance k (scripts/sandbox stop K); the others keep running.
func (s *Sandbox) Stop(t testing.TB, k int) {
	t.Helper()
	s.script(t, "stop", fmt.Sprint(k))
}

// Start starts instance k if it is not running (scripts/sandbox start K)
// and returns once it is fully booted and its AMI answers.
func (s *Sandbox) Start(t testing.TB, k int) {
	t.Helper()
	s.script(t, "start", fmt.Sprint(k))
}

// script runs scripts/sandbox with args on this sandbox's folder.
func (s *Sandbox) script(t testing.TB, args ...string) string {
	t.Helper()
	path, err := scriptPath()
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(path, args...)
	c.Env = append(os.Environ(), "AMSH_SANDBOX_DIR="+s.Dir)
	var out, errOut strings.Builder
	c.Stdout, c.Stderr = &out, &errOut
	if err := c.Run(); err != nil {
		t.Fatalf("scripts/sandbox %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// scriptPath finds scripts/sandbox in the module's root: the first folder
// holding go.mod at or above the working directory (a package's folder
// under go test).
func scriptPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "scripts", "sandbox"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory: cannot find scripts/sandbox")
		}
		dir = parent
	}
}
