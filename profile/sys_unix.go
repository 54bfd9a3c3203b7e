//go:build unix

package profile

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// openFlags open a file for reading without waiting: should the path turn into a FIFO between
// readSmallFile's Stat and its Open, the open returns at once instead of waiting for a writer.
// O_NONBLOCK has no effect on reading a regular file.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

// ownProcessGroup starts cmd as the leader of a new process group and makes the end of its
// context kill the whole group with SIGKILL, so that nothing the command started outlives it.
// It returns a function that does the same kill, for the caller to use on its own account.
//
// The group's id is the shell's pid. The id stays taken while the shell is an unreaped zombie
// or any member of the group lives, so it names no other group.
func ownProcessGroup(cmd *exec.Cmd) (kill func() error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	kill = func() error {
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
	cmd.Cancel = kill
	return kill
}
