//go:build !unix

package profile

import (
	"os"
	"os/exec"
)

const openFlags = os.O_RDONLY

// ownProcessGroup has no process groups to use here: it kills the shell alone, as
// exec.CommandContext does by default.
func ownProcessGroup(cmd *exec.Cmd) (kill func() error) {
	return func() error { return cmd.Process.Kill() }
}
