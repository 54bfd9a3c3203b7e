//go:build unix

package screen

import (
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/term"

	"github.com/amsh/amsh/internal/pty"
	"github.com/amsh/amsh/internal/ptytest"
	"github.com/amsh/amsh/internal/vt"
)

// Open on a real pseudo-terminal: the size, keys as a terminal sends them
// (a lone ESC, a UTF-8 character in two writes, an arrow), a resize, and
// the terminal's modes as they were after Close. The test binary runs
// itself on the pty, as openChild (see TestMain).
func TestOpenOnTerminal(t *testing.T) {
	scr := vt.New(10, 40)
	c := exec.Command(os.Args[0])
	c.Env = []string{"AMSH_SCREEN_CHILD=1", "TERM=xterm", "PATH=" + os.Getenv("PATH")}
	out := &recorder{term: scr}
	p := ptytest.Start(t, c, 10, 40, out, func() { t.Logf("screen:\n%s", strings.Join(scr.Lines(), "\n")) })
	waitFor := func(what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			for _, l := range scr.Lines() {
				if strings.Contains(l, what) {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %q:\n%s", what, strings.Join(scr.Lines(), "\n"))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	typeIn := func(s string) {
		t.Helper()
		if _, err := p.Term.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor("ready 40x10")
	typeIn("\x1b[A")
	waitFor(fmt.Sprintf("1: key %d rune 0", KeyUp))
	typeIn("\x1b") // alone: the Escape key once the wait is over
	waitFor(fmt.Sprintf("2: key %d rune 0", KeyEscape))
	typeIn("\xc3")
	time.Sleep(20 * time.Millisecond)
	typeIn("\xa9")
	waitFor(fmt.Sprintf("3: key %d rune 233", KeyRune))
	typeIn("\x03") // raw mode: Ctrl-C is a key, not SIGINT
	waitFor(fmt.Sprintf("4: key %d rune 0", KeyCtrlC))
	scr.Resize(12, 50)
	if err := pty.SetSize(p.Term, 12, 50); err != nil {
		t.Fatal(err)
	}
	waitFor("5: resize 50x12")
	typeIn("q")
	select {
	case err := <-p.Exited:
		if err != nil {
			t.Fatalf("the child: %v\n%q", err, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the child did not end after q")
	}
	w := out.String()
	for _, want := range []string{"\x1b[?1049h", "\x1b[?25l", "\x1b[?1049l", "\x1b[?25h", "\x1b[?7h", "restored true"} {
		if !strings.Contains(w, want) {
			t.Errorf("the terminal never got %q:\n%q", want, w)
		}
	}
}

// TestMain runs the tests, or, in the child TestOpenOnTerminal starts,
// openChild.
func TestMain(m *testing.M) {
	if os.Getenv("AMSH_SCREEN_CHILD") != "" {
		if err := openChild(); err != nil {
			fmt.Printf("\r\nchild: %v\r\n", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// openChild is the program TestOpenOnTerminal runs on its pty: it shows
// each event on a row of its own until q.
func openChild() error {
	before, err := term.GetState(0)
	if err != nil {
		return err
	}
	s, err := Open()
	if err != nil {
		return err
	}
	w, h := s.Size()
	s.PutStr(0, 0, fmt.Sprintf("ready %dx%d", w, h), Style{})
	s.Show()
	for n := 1; ; n++ {
		ev := <-s.Events()
		if ev.Key == KeyRune && ev.Rune == 'q' {
			break
		}
		line := fmt.Sprintf("%d: key %d rune %d", n, ev.Key, ev.Rune)
		if ev.Key == KeyResize {
			w, h = s.Size()
			line = fmt.Sprintf("%d: resize %dx%d", n, w, h)
		}
		s.PutStr(0, n, line, Style{})
		s.Show()
	}
	s.Close()
	after, err := term.GetState(0)
	if err != nil {
		return err
	}
	fmt.Printf("\r\nrestored %v\r\n", reflect.DeepEqual(before, after))
	return nil
}

// recorder keeps what the child wrote and passes it on to a terminal
// emulator; the pty's reader calls Write from its own goroutine.
type recorder struct {
	mu   sync.Mutex
	term *vt.Term
	all  []byte
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, p...)
	return r.term.Write(p)
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.all)
}
