// Package pty opens pseudo-terminals for tests that must drive amsh the way
// a person at a terminal does (readline, Tab, Ctrl-C), and for benchmarks
// that run it full-screen (bench/ptycpu). Linux only; it uses /dev/ptmx
// directly so the tests need no dependency beyond x/sys.
//
// It must not be used outside tests and benchmarks: amsh itself never
// allocates a terminal.
package pty

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// ErrUnsupported is returned where pseudo-terminals are not available.
var ErrUnsupported = errors.New("pty: pseudo-terminals are not supported here")

// Open allocates a pseudo-terminal and returns its master side and the open
// slave side. The caller closes both.
func Open() (master, slave *os.File, err error) {
	return open()
}

// SetSize sets the window size of the terminal behind f (either side).
func SetSize(f *os.File, rows, cols uint16) error {
	return setSize(f, rows, cols)
}

// Start runs c with stdin, stdout and stderr on a new pseudo-terminal of the
// given size, as the session leader with that terminal as its controlling
// terminal (so Ctrl-C typed on it reaches c as SIGINT). It returns the
// master side, which the caller reads (what c prints) and writes (what is
// typed), and closes once c has exited.
func Start(c *exec.Cmd, rows, cols uint16) (*os.File, error) {
	master, slave, err := Open()
	if err != nil {
		return nil, err
	}
	defer slave.Close() // the child holds its own copies
	if err := SetSize(master, rows, cols); err != nil {
		master.Close()
		return nil, err
	}
	c.Stdin, c.Stdout, c.Stderr = slave, slave, slave
	if c.SysProcAttr == nil {
		c.SysProcAttr = &syscall.SysProcAttr{}
	}
	c.SysProcAttr.Setsid = true
	c.SysProcAttr.Setctty = true
	c.SysProcAttr.Ctty = 0 // the child's stdin
	if err := c.Start(); err != nil {
		master.Close()
		return nil, fmt.Errorf("pty: start %s: %w", c.Path, err)
	}
	return master, nil
}
