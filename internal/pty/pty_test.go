package pty

import (
	"bufio"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestStartGivesATerminal(t *testing.T) {
	c := exec.Command("sh", "-c", `stty size; test -t 0 && echo tty-yes; read x; echo "got $x"`)
	m, err := Start(c, 30, 100)
	if errors.Is(err, ErrUnsupported) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(m)
		for sc.Scan() {
			lines <- strings.TrimRight(sc.Text(), "\r")
		}
		close(lines)
	}()
	want := []string{"30 100", "tty-yes"}
	for _, w := range want {
		select {
		case l := <-lines:
			if l != w {
				t.Fatalf("got %q, want %q", l, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %q from the child", w)
		}
	}
	m.Write([]byte("hello\n"))
	deadline := time.After(5 * time.Second)
	for {
		select {
		case l := <-lines:
			if l == "got hello" {
				c.Wait()
				return
			}
		case <-deadline:
			t.Fatal("the child did not read what was typed")
		}
	}
}
