package cmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/amsh/amsh/internal/amitest"
)

// In batch mode (bare amsh or amsh shell, stdin not a terminal) the global
// flags given to amsh apply to every line: -o json here.
func TestBatchUsesGlobalFlags(t *testing.T) {
	for _, args := range [][]string{{"-o", "json"}, {"-o", "json", "shell"}, {"shell", "-o", "yaml"}} {
		fs := amitest.New(t, func(c *amitest.Conn) {
			c.AcceptLogin()
			a := c.Expect("Ping")
			c.Reply(a, "Success", "Ping: Pong", "Timestamp: 1700000000.000000")
			a = c.Expect("Logoff")
			c.Reply(a, "Goodbye")
		})
		cfg := profilesFile(t, fs.Addr(), "")
		r := (&run{Args: append([]string{"--config", cfg}, args...), Stdin: "ping\n"}).exec(t)
		if r.Code != 0 || r.Stderr != "" {
			t.Errorf("%v: code %d stdout %q stderr %q", args, r.Code, r.Stdout, r.Stderr)
			continue
		}
		if strings.Contains(strings.Join(args, " "), "yaml") {
			if !strings.HasPrefix(r.Stdout, "address: "+fs.Addr()+"\n") {
				t.Errorf("%v: stdout %q; want YAML", args, r.Stdout)
			}
			continue
		}
		var doc struct {
			Address  string
			Response map[string]string
		}
		if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil || doc.Address != fs.Addr() || doc.Response["Response"] != "Success" {
			t.Errorf("%v: stdout %q; want JSON: %v", args, r.Stdout, err)
		}
	}
}
