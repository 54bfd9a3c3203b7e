package cmd

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
)

// --trace shows every byte both ways on stderr, with the values of Secret:
// and Key: masked, and the secret nowhere in the output.
func TestTraceMasksSecrets(t *testing.T) {
	const secret = "s3cret" // profilesFile's
	for _, auth := range []string{"plain", "md5"} {
		t.Run(auth, func(t *testing.T) {
			var sentKey, sentSecret string
			fs := amitest.New(t, func(c *amitest.Conn) {
				a, _ := c.Read()
				if a.Get("Action") == "Challenge" {
					c.Reply(a, "Success", "Challenge: 840404173")
					a = c.Expect("Login")
				}
				sentKey, sentSecret = a.Get("Key"), a.Get("Secret")
				c.Reply(a, "Success", "Message: Authentication accepted")
				checkScriptAfterLogin(c)
			})
			cfg := traceProfiles(t, fs.Addr(), auth)
			r := (&run{Args: []string{"--config", cfg, "--trace", "profiles", "check"}}).exec(t)
			if r.Code != 0 {
				t.Fatalf("code %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
			}
			for _, want := range []string{
				"< Asterisk Call Manager/11.0.0\\r\\n\n",
				"> Action: Login\\r\\n\n",
				"> Username: amsh\\r\\n\n",
				"< Response: Success\\r\\n\n",
				"< Message: Authentication accepted\\r\\n\n",
				"> Action: CoreSettings\\r\\n\n",
				"< AsteriskVersion: 22.10.1\\r\\n\n",
				"> Action: Ping\\r\\n\n",
				"> Action: Logoff\\r\\n\n",
				"< Response: Goodbye\\r\\n\n",
			} {
				if !strings.Contains(r.Stderr, want) {
					t.Errorf("trace lacks %q", want)
				}
			}
			masked := map[string]string{"plain": "> Secret: ********\\r\\n\n", "md5": "> Key: ********\\r\\n\n"}[auth]
			if !strings.Contains(r.Stderr, masked) {
				t.Errorf("trace lacks %q:\n%s", masked, r.Stderr)
			}
			// What went over the wire, so a mask that hid nothing fails too.
			leaks := []string{secret}
			switch auth {
			case "plain":
				if sentSecret != secret {
					t.Fatalf("server got Secret %q", sentSecret)
				}
			case "md5":
				sum := md5.Sum([]byte("840404173" + secret))
				if sentKey != hex.EncodeToString(sum[:]) {
					t.Fatalf("server got Key %q", sentKey)
				}
				leaks = append(leaks, sentKey)
			}
			for _, leak := range leaks {
				if strings.Contains(r.Stderr, leak) || strings.Contains(r.Stdout, leak) {
					t.Errorf("%q is in the output:\nstdout %s\nstderr %s", leak, r.Stdout, r.Stderr)
				}
			}
			if strings.Contains(r.Stdout, "> ") || !strings.Contains(r.Stdout, "asterisk_version: 22.10.1") {
				t.Errorf("stdout should hold the result and no trace:\n%s", r.Stdout)
			}
		})
	}
}

func checkScriptAfterLogin(c *amitest.Conn) {
	a := c.Expect("CoreSettings")
	c.Reply(a, "Success", "AMIversion: 11.0.0", "AsteriskVersion: 22.10.1")
	a = c.Expect("Ping")
	c.Reply(a, "Success", "Ping: Pong")
	a = c.Expect("Logoff")
	c.Reply(a, "Goodbye", "Message: Thanks for all the fish.")
}

func traceProfiles(t *testing.T, addr, auth string) string {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	body := fmt.Sprintf("profiles:\n  fake:\n    host: %s\n    port: %s\n    username: amsh\n    secret: s3cret\n    auth: %s\n", host, port, auth)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
