package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/sandboxtest"
)

// TLS against the sandbox: with its CA the login works; without it (system
// roots, which do not know the sandbox's self-signed CA) the handshake fails
// as a connection error, exit 5, naming the address.
func TestTLSWithAndWithoutCA(t *testing.T) {
	sb := sandboxtest.Get(t)
	host, port, _ := strings.Cut(sb.TLSAddr, ":")
	secretFile := filepath.Join(sb.Dir, "amsh.secret")
	profiles := func(ca string) string {
		path := filepath.Join(t.TempDir(), "profiles.yaml")
		body := "profiles:\n  tls:\n    host: " + host + "\n    port: " + port + "\n    username: " + sb.User +
			"\n    secret_file: " + secretFile + "\n    tls: true\n    tls_server_name: localhost\n" + ca
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	r := (&run{Args: []string{"--config", profiles("    tls_ca: " + sb.CAFile + "\n"), "ping"}}).exec(t)
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "Pong from "+sb.TLSAddr) {
		t.Errorf("with the CA: code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	r = (&run{Args: []string{"--config", profiles(""), "ping"}}).exec(t)
	if r.Code != ExitConn || !strings.Contains(r.Stderr, sb.TLSAddr) || strings.Count(r.Stderr, "\n") != 1 {
		t.Errorf("without the CA: code %d stderr %q; want exit 5 in one line naming the address", r.Code, r.Stderr)
	}
}
