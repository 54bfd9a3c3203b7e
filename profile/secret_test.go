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
			err: `profile "lab": secret_file: cannot read the secret: stat FILE: no such file or directory`},
		{name: "file a directory", p: Profile{SecretFile: t.TempDir()},
			err: `profile "lab": secret_file: FILE is a directory, not a regular file`},
		{name: "file over 1 MiB", p: Profile{SecretFile: secretIn(t, "h", strings.Repeat("x", 1<<20+1))},
			err: `profile "lab": secret_file: FILE is larger than 1 MiB`},
		{name: "file of 1 MiB", p: Profile{SecretFile: secretIn(t, "i", strings.Repeat("x", 1<<20-1)+"\n")},
			want: strings.Repeat("x", 1<<20-1)},
		{name: "command", p: Profile{SecretCommand: "printf '%s\\n' " + secretValue}, want: secretValue},
		{name: "command without newline", p: Profile{SecretCommand: "printf %s " + secretValue}, want: secretValue},
		{name: "command crlf", p: Profile{SecretCommand: "printf '%s\\r\\n' " + secretValue}, want: secretValue},
		{name: "command prints two lines", p: Profile{SecretCommand: "echo " + secretValue + "; echo other"}, want: secretValue},
		{name: "command prints like pass show", p: Profile{SecretCommand: "printf '%s\\nlogin: amsh\\nurl: pbx\\n' " + secretValue}, want: secretValue},
		{name: "command prints a line then fails", p: Profile{SecretCommand: "echo " + secretValue + "; exit 2"},
			err: `profile "lab": secret_command: failed: exit status 2; run the secret_command yourself to see its messages`},
		// Its stderr is never quoted: a password manager may print the secret there.
		{name: "command fails with secret on stderr", p: Profile{SecretCommand: "echo 'gpg: decryption failed for " + secretValue + "' >&2; exit 2"},
			err: `profile "lab": secret_command: failed: exit status 2; run the secret_command yourself to see its messages`},
		{name: "command succeeds with secret on stderr", p: Profile{SecretCommand: "echo 'note: " + secretValue + "x' >&2; echo " + secretValue}, want: secretValue},
		{name: "command not found", p: Profile{SecretCommand: "amsh-no-such-command-xyz"},
			err: `profile "lab": secret_command: failed: exit status 127; run the secret_command yourself to see its messages`},
		{name: "command killed", p: Profile{SecretCommand: "kill -9 $$"},
			err: `profile "lab": secret_command: failed: signal: killed; run the secret_command yourself to see its messages`},
		{name: "command prints nothing", p: Profile{SecretCommand: "true"},
			err: `profile "lab": secret_command: printed nothing; run the secret_command yourself to see its messages`},
		{name: "command first line empty", p: Profile{SecretCommand: "echo; echo " + secretValue},
			err: `profile "lab": secret_command: the first line of its output is empty`},
		{name: "command first line only CR", p: Profile{SecretCommand: "printf '\\r\\n%s\\n' " + secretValue},
			err: `profile "lab": secret_command: the first line of its output is empty`},
		{name: "command CR inside", p: Profile{SecretCommand: "printf 'a\\rb\\n'"},
			err: `profile "lab": secret_command: the first line of its output holds a carriage return`},
		{name: "command reads no stdin", p: Profile{SecretCommand: "cat; echo " + secretValue}, want: secretValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.p.Name = "lab"
			got, err := tt.p.ResolveSecret(context.Background(), getenv, SecretOptions{})
			if tt.err != "" {
				want := strings.ReplaceAll(tt.err, "FILE", tt.p.SecretFile)
				var se *SecretError
				if !errors.As(err, &se) || err.Error() != want {
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
	if _, err := p.ResolveSecret(context.Background(), os.Getenv, SecretOptions{}); !errors.Is(err, ErrNoSecret) {
		t.Errorf("err = %v, want ErrNoSecret", err)
	}
}

// A command that hangs is stopped when ctx ends, even when sh leaves a child holding stdout.
func TestResolveSecretCommandTimeout(t *testing.T) {
	for _, cmd := range []string{"sleep 10", "sleep 10; echo x", "(sleep 10 & wait)"} {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		p := &Profile{Name: "lab", SecretCommand: cmd}
		start := time.Now()
		_, err := p.ResolveSecret(ctx, os.Getenv, SecretOptions{})
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
	_, err := p.ResolveSecret(context.Background(), os.Getenv, SecretOptions{})
	want := `profile "lab": secret_command: printed more than 65536 bytes before its first line break; a secret is one short line`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}
