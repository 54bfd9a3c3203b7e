// Package ptytest runs a program on a pseudo-terminal for end-to-end tests:
// what it writes is copied into a screen the test reads (a terminal
// emulator, a transcript), what the test types reaches it as keys, and it is
// killed when the test ends.
package ptytest

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/amsh/amsh/internal/pty"
)

// Proc is a program running on a pseudo-terminal.
type Proc struct {
	// Term is the master side: a test may resize it (pty.SetSize).
	Term *os.File
	// Exited receives c.Wait's error once the program has ended.
	Exited <-chan error
}

// Start runs c on a rows×cols pseudo-terminal and copies what it writes
// into screen, which must take writes from another goroutine. Without
// pseudo-terminals the test is skipped. When the test ends the program is
// killed, and if the test failed, dump (when not nil) is called to log what
// the screen showed.
func Start(t testing.TB, c *exec.Cmd, rows, cols uint16, screen io.Writer, dump func()) *Proc {
	t.Helper()
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no pseudo-terminals here")
	}
	term, err := pty.Start(c, rows, cols)
	if errors.Is(err, pty.ErrUnsupported) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := term.Read(buf)
			screen.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- c.Wait() }()
	t.Cleanup(func() {
		c.Process.Kill()
		term.Close()
		if t.Failed() && dump != nil {
			dump()
		}
	})
	return &Proc{Term: term, Exited: exited}
}

// Type writes s to the terminal as keys; a failed write fails the test.
func (p *Proc) Type(t testing.TB, s string) {
	t.Helper()
	if _, err := p.Term.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
}
