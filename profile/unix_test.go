//go:build unix

package profile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func mkfifo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return path
}

// A FIFO with no writer would block the open, or the read, for ever.
func TestLoadFIFO(t *testing.T) {
	path := mkfifo(t)
	ce := loadErr(t, path)
	if want := path + ": is a named pipe, not a regular file"; ce.Error() != want {
		t.Errorf("error = %q, want %q", ce, want)
	}
}

func TestSecretFileNotRegular(t *testing.T) {
	fifo := mkfifo(t)
	tests := []struct{ path, want string }{
		{fifo, `profile "lab": secret_file: ` + fifo + ` is a named pipe, not a regular file`},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		tests = append(tests, struct{ path, want string }{"/dev/zero", `profile "lab": secret_file: /dev/zero is a device, not a regular file`})
	}
	for _, tt := range tests {
		p := &Profile{Name: "lab", SecretFile: tt.path}
		var err error
		within(t, "secret_file "+tt.path, func() { _, err = p.ResolveSecret(context.Background(), os.Getenv, SecretOptions{}) })
		var se *SecretError
		if !errors.As(err, &se) || err.Error() != tt.want {
			t.Errorf("err = %v (%T), want %s", err, err, tt.want)
		}
	}
}

// runSecret runs ResolveSecret on a secret_command, failing the test if it hangs.
func runSecret(t *testing.T, ctx context.Context, command string, o SecretOptions) (string, error) {
	t.Helper()
	p := &Profile{Name: "lab", SecretCommand: command}
	var s string
	var err error
	within(t, command, func() { s, err = p.ResolveSecret(ctx, os.Getenv, o) })
	return s, err
}

// gone waits until the process pid has ended: it no longer exists, or is a zombie waiting for a
// parent that amsh does not control to reap it.
func gone(t *testing.T, pid int) bool {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return true
		}
		if stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
			if _, after, ok := strings.Cut(string(stat), ") "); ok && strings.HasPrefix(after, "Z") {
				return true
			}
		}
	}
	return false
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the command wrote no pid file: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		t.Fatalf("pid file holds %q", b)
	}
	return pid
}

// Without a terminal the command gets the connection timeout, and everything it started is
// killed with it, even a child that sh left running and that holds stdout.
func TestSecretCommandTimeoutKillsItsGroup(t *testing.T) {
	for _, script := range []string{
		"echo $$ > PIDFILE; sleep 100000",                  // the shell (or sleep, if sh execs it)
		"sleep 100000 & echo $! > PIDFILE; wait",           // a child of the shell
		"(sleep 100000 & echo $! > PIDFILE); sleep 100000", // an orphan, reparented away from sh
	} {
		pidfile := filepath.Join(t.TempDir(), "pid")
		command := strings.ReplaceAll(script, "PIDFILE", "'"+pidfile+"'")
		_, err := runSecret(t, context.Background(), command, SecretOptions{Timeout: time.Second})
		want := `profile "lab": secret_command: timed out after 1s (the connection timeout, which bounds it when stdin is not a terminal); run the secret_command yourself to see its messages`
		var se *SecretError
		if !errors.As(err, &se) || err.Error() != want {
			t.Errorf("%s:\n got: %v\nwant: %s", script, err, want)
		}
		if pid := readPid(t, pidfile); !gone(t, pid) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("%s: process %d still runs", script, pid)
		}
	}
}

// The caller's ctx ending kills the group too.
func TestSecretCommandCancelKillsItsGroup(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for range 500 {
			if _, err := os.Stat(pidfile); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	_, err := runSecret(t, ctx, "sleep 100000 & echo $! > '"+pidfile+".tmp'; mv '"+pidfile+".tmp' '"+pidfile+"'; wait", SecretOptions{})
	if want := `profile "lab": secret_command: stopped: context canceled`; err == nil || err.Error() != want || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want %s", err, want)
	}
	if pid := readPid(t, pidfile); !gone(t, pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("process %d still runs", pid)
	}
}

// On a terminal a person may be unlocking a password store: the connection timeout does not
// apply, only ctx.
func TestSecretCommandTerminalHasNoTimeout(t *testing.T) {
	s, err := runSecret(t, context.Background(), "sleep 1; echo "+secretValue, SecretOptions{Terminal: true, Timeout: 100 * time.Millisecond})
	if err != nil || s != secretValue {
		t.Errorf("ResolveSecret = %q, %v; want %q", s, err, secretValue)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	// exec: in amsh's process group only the shell itself can be killed; a child it left behind
	// would get the terminal's Ctrl-C, but not ctx's end.
	pidfile := filepath.Join(t.TempDir(), "pid")
	_, err = runSecret(t, ctx, "echo $$ > '"+pidfile+"'; exec sleep 100000", SecretOptions{Terminal: true})
	if want := `profile "lab": secret_command: stopped: context deadline exceeded`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	if pid := readPid(t, pidfile); !gone(t, pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("process %d still runs", pid)
	}
}

// Without a terminal the command leads a process group of its own; on a terminal it stays in
// amsh's, where it may read the terminal and gets Ctrl-C.
func TestSecretCommandProcessGroup(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	// Field 5 of /proc/PID/stat is the process group; sh's name holds no space.
	const command = `echo "$(cut -d' ' -f5 /proc/$$/stat) $$"`
	s, err := runSecret(t, context.Background(), command, SecretOptions{})
	if pgid, pid, _ := strings.Cut(s, " "); err != nil || pgid != pid {
		t.Errorf("without a terminal: %q, %v; want the shell leading its own group", s, err)
	}
	s, err = runSecret(t, context.Background(), command, SecretOptions{Terminal: true})
	if pgid, _, _ := strings.Cut(s, " "); err != nil || pgid != strconv.Itoa(syscall.Getpgrp()) {
		t.Errorf("on a terminal: %q, %v; want amsh's group %d", s, err, syscall.Getpgrp())
	}
}

// A command that never stops printing is stopped after 64 KiB; its first line is the secret.
func TestSecretCommandEndless(t *testing.T) {
	for _, o := range []SecretOptions{{}, {Terminal: true}} {
		for _, command := range []string{"yes", "trap '' PIPE; yes", "yes | cat", "echo " + secretValue + "; yes"} {
			want := "y"
			if strings.HasPrefix(command, "echo") {
				want = secretValue
			}
			s, err := runSecret(t, context.Background(), command, o)
			if err != nil || s != want {
				t.Errorf("%q, terminal %v: ResolveSecret = %q, %v; want %q", command, o.Terminal, s, err, want)
			}
		}
	}
}

// A first line over 64 KiB is refused, not cut.
func TestSecretCommandFirstLineTooLong(t *testing.T) {
	for _, n := range []int{maxSecretOutput + 1, maxSecretOutput + 10} {
		_, err := runSecret(t, context.Background(), "head -c "+strconv.Itoa(n)+" /dev/zero | tr '\\0' x; echo; echo "+secretValue, SecretOptions{})
		want := `profile "lab": secret_command: printed more than 65536 bytes before its first line break; a secret is one short line`
		if err == nil || err.Error() != want {
			t.Errorf("%d bytes: err = %v, want %s", n, err, want)
		}
	}
	s, err := runSecret(t, context.Background(), "head -c "+strconv.Itoa(maxSecretOutput)+" /dev/zero | tr '\\0' x; echo; yes", SecretOptions{})
	if err != nil || s != strings.Repeat("x", maxSecretOutput) {
		t.Errorf("a line of 64 KiB: %d bytes, %v", len(s), err)
	}
}

// A command that succeeds but leaves a child holding stdout is waited for one WaitDelay, not until
// the child ends. The child is not killed: it may be an agent the command started on purpose.
func TestSecretCommandLeavesAChild(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "pid")
	s, err := runSecret(t, context.Background(), "echo "+secretValue+"; sleep 100000 & echo $! > '"+pidfile+"'", SecretOptions{Timeout: time.Minute})
	pid := readPid(t, pidfile)
	defer syscall.Kill(pid, syscall.SIGKILL)
	if err != nil || s != secretValue {
		t.Errorf("ResolveSecret = %q, %v; want %q", s, err, secretValue)
	}
}
