package profile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const secretValue = "Zq9-s3cret-Xw"

func secretIn(t *testing.T, name, contents string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(contents), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestResolveSecret(t *testing.T) {
	env := map[string]string{"LAB_SECRET": secretValue, "EMPTY": ""}
	getenv := func(k string) string { return env[k] }
	missing := filepath.Join(t.TempDir(), "missing.secret")
	tests := []struct {
		name string
		p    Profile
		want string
		err  string // the exact error; FILE stands for p.SecretFile
		// prefix: err need only start the error (shells word "not found" their own way)
		prefix bool
	}{
		{name: "literal", p: Profile{Secret: secretValue}, want: secretValue},
		{name: "env", p: Profile{SecretEnv: "LAB_SECRET"}, want: secretValue},
		{name: "env unset", p: Profile{SecretEnv: "NOPE"},
			err: `profile "lab": secret_env: $NOPE is not set or empty`},
		{name: "env empty", p: Profile{SecretEnv: "EMPTY"},
			err: `profile "lab": secret_env: $EMPTY is not set or empty`},
		{name: "file", p: Profile{SecretFile: secretIn(t, "a", secretValue)}, want: secretValue},
		{name: "file newline", p: Profile{SecretFile: secretIn(t, "b", secretValue+"\n")}, want: secretValue},
		{name: "file crlf", p: Profile{SecretFile: secretIn(t, "c", secretValue+"\r\n")}, want: secretValue},
		{name: "file keeps spaces", p: Profile{SecretFile: secretIn(t, "d", " "+secretValue+" \n")}, want: " " + secretValue + " "},
		{name: "file two newlines", p: Profile{SecretFile: secretIn(t, "e", secretValue+"\n\n")},
			err: `profile "lab": secret_file: FILE holds more than one line`},
		{name: "file two lines", p: Profile{SecretFile: secretIn(t, "f", secretValue+"\nmore\n")},
			err: `profile "lab": secret_file: FILE holds more than one line`},
		{name: "file empty", p: Profile{SecretFile: secretIn(t, "g", "\n")},
			err: `profile "lab": secret_file: FILE is empty`},
		{name: "file missing", p: Profile{SecretFile: missing},
			err: `profile "lab": secret_file: cannot read the secret: open FILE: no such file or directory`},
		{name: "command", p: Profile{SecretCommand: "printf '%s\\n' " + secretValue}, want: secretValue},
		{name: "command without newline", p: Profile{SecretCommand: "printf %s " + secretValue}, want: secretValue},
		{name: "command fails", p: Profile{SecretCommand: "echo " + secretValue + "; echo 'gpg: decryption failed' >&2; exit 2"},
			err: `profile "lab": secret_command: failed: exit status 2: gpg: decryption failed`},
		{name: "command echoes secret to stderr", p: Profile{SecretCommand: "echo " + secretValue + "; echo bad " + secretValue + " >&2; exit 1"},
			err: `profile "lab": secret_command: failed: exit status 1: bad ********`},
		{name: "command long stderr", p: Profile{SecretCommand: "printf 'x%.0s' $(seq 300) >&2; exit 1"},
			err: `profile "lab": secret_command: failed: exit status 1: ` + strings.Repeat("x", 200) + "…"},
		{name: "command not found", p: Profile{SecretCommand: "amsh-no-such-command-xyz"},
			err: `profile "lab": secret_command: failed: exit status 127: `, prefix: true},
		{name: "command prints nothing", p: Profile{SecretCommand: "true"},
			err: `profile "lab": secret_command: output is empty`},
		{name: "command prints two lines", p: Profile{SecretCommand: "echo " + secretValue + "; echo " + secretValue},
			err: `profile "lab": secret_command: output holds more than one line`},
		{name: "command reads no stdin", p: Profile{SecretCommand: "cat; echo " + secretValue}, want: secretValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.p.Name = "lab"
			got, err := tt.p.ResolveSecret(context.Background(), getenv)
			if tt.err != "" {
				want := strings.ReplaceAll(tt.err, "FILE", tt.p.SecretFile)
				var se *SecretError
				if !errors.As(err, &se) || err.Error() != want && !(tt.prefix && strings.HasPrefix(err.Error(), want)) {
					t.Fatalf("err = %v (%T)\nwant *SecretError %s", err, err, want)
				}
				if strings.Contains(err.Error(), secretValue) {
					t.Errorf("error shows the secret: %s", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ResolveSecret = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestResolveSecretNone(t *testing.T) {
	p := &Profile{Name: "lab", Host: "h", Username: "u"}
	if _, err := p.ResolveSecret(context.Background(), os.Getenv); !errors.Is(err, ErrNoSecret) {
		t.Errorf("err = %v, want ErrNoSecret", err)
	}
}

// A command that hangs is stopped when ctx ends, even when sh leaves a child holding stdout.
func TestResolveSecretCommandTimeout(t *testing.T) {
	for _, cmd := range []string{"sleep 10", "sleep 10; echo x", "(sleep 10 & wait)"} {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		p := &Profile{Name: "lab", SecretCommand: cmd}
		start := time.Now()
		_, err := p.ResolveSecret(ctx, os.Getenv)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%q: err = %v, want DeadlineExceeded", cmd, err)
		}
		if want := `profile "lab": secret_command: stopped: context deadline exceeded`; err != nil && err.Error() != want {
			t.Errorf("%q: err = %q, want %q", cmd, err, want)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%q: took %v to stop", cmd, d)
		}
	}
}

func TestResolveSecretCommandTooLong(t *testing.T) {
	p := &Profile{Name: "lab", SecretCommand: "head -c 100000 /dev/zero | tr '\\0' x"}
	_, err := p.ResolveSecret(context.Background(), os.Getenv)
	want := `profile "lab": secret_command: printed more than 65536 bytes; a secret is one short line`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}
