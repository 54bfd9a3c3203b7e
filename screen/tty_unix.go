//go:build unix

package screen

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"
)

// escWait is how long a lone ESC (or the start of a key's sequence) waits
// for the rest before it is taken as the Escape key: a terminal sends a
// key's whole sequence in one write.
const escWait = 50 * time.Millisecond

// Open takes over the process's terminal (/dev/tty): raw mode, the
// alternate screen, the cursor hidden and autowrap off, so writing the last
// column of the last row never scrolls. Close gives it back as it was.
func Open() (*Screen, error) {
	if t := os.Getenv("TERM"); t == "dumb" {
		return nil, errors.New("the terminal (TERM=dumb) cannot move its cursor")
	}
	// Non-blocking, the file's reads wait in Go's poller, so Close ends the
	// key reader's Read rather than leaving it to take the next key typed.
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open the terminal: %w", err)
	}
	rc, err := tty.SyscallConn()
	if err != nil {
		tty.Close()
		return nil, err
	}
	var (
		old  *term.State
		w, h int
	)
	cerr := rc.Control(func(fd uintptr) {
		if w, h, err = term.GetSize(int(fd)); err != nil {
			return
		}
		old, err = term.MakeRaw(int(fd))
	})
	if err == nil {
		err = cerr
	}
	if err != nil {
		tty.Close()
		return nil, fmt.Errorf("set up the terminal: %w", err)
	}
	s := New(tty, w, h)
	s.out.WriteString("\x1b[?1049h\x1b[?25l\x1b[?7l")
	s.Sync()

	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	read := make(chan struct{})
	go s.readKeys(tty, read)
	go s.watchSize(rc, winch)
	s.close = func() {
		signal.Stop(winch)
		s.mu.Lock()
		s.out.WriteString("\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l")
		s.out.Flush()
		s.mu.Unlock()
		rc.Control(func(fd uintptr) { term.Restore(int(fd), old) })
		tty.Close()
		<-read
	}
	return s, nil
}

// readKeys decodes the terminal's bytes into events until the terminal is
// closed.
func (s *Screen) readKeys(tty *os.File, done chan<- struct{}) {
	defer close(done)
	var buf [256]byte
	var pending []byte
	for {
		wait := time.Time{}
		if len(pending) > 0 {
			wait = time.Now().Add(escWait)
		}
		tty.SetReadDeadline(wait)
		n, err := tty.Read(buf[:])
		pending = append(pending, buf[:n]...)
		final := errors.Is(err, os.ErrDeadlineExceeded)
		if err != nil && !final {
			return // closed, or the terminal is gone (SIGHUP ends amsh)
		}
		for len(pending) > 0 {
			ev, used := decode(pending, final)
			if used == 0 {
				break
			}
			pending = pending[used:]
			if ev.Key != KeyNone {
				s.Inject(ev)
			}
		}
	}
}

// watchSize follows SIGWINCH: the new size, then a KeyResize event.
func (s *Screen) watchSize(rc syscall.RawConn, winch <-chan os.Signal) {
	for {
		select {
		case <-s.done:
			return
		case <-winch:
		}
		var w, h int
		var err error
		rc.Control(func(fd uintptr) { w, h, err = term.GetSize(int(fd)) })
		if err != nil {
			continue
		}
		s.Resize(w, h)
	}
}
