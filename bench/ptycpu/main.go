// Command ptycpu runs a full-screen program on a pseudo-terminal and
// measures the CPU it uses while it runs undisturbed, for bench/top.sh.
// It reads the program's screen through a small terminal emulator
// (internal/vt), waits until the screen matches -wait, lets it settle, then
// reads utime+stime from /proc/PID/stat (all its threads) at the start and
// the end of the window, types -quit and waits for the program to exit.
//
//	ptycpu -size 200x50 -wait 'Channels 10000' -window 30s -- amsh top
//
// One line goes to stdout: the size, the time until the screen matched, the
// window, the CPU used (seconds and % of one core), the bytes written to
// the terminal per second and the resident memory at the end. -screen adds
// the screen as it was at the end of the window.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/amsh/amsh/internal/pty"
	"github.com/amsh/amsh/internal/vt"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat:
// 100 on every Linux architecture amsh builds for.
const clockTicks = 100

func main() {
	size := flag.String("size", "80x24", "terminal size, COLSxROWS")
	wait := flag.String("wait", "", "regular expression the screen must match before the window starts")
	waitFor := flag.Duration("wait-timeout", time.Minute, "how long to wait for -wait")
	settle := flag.Duration("settle", 3*time.Second, "time between the match and the window")
	window := flag.Duration("window", 30*time.Second, "how long to measure")
	screen := flag.Bool("screen", false, "print the screen at the end of the window")
	quit := flag.String("quit", "q", "what to type to end the program")
	flag.Parse()
	if flag.NArg() == 0 {
		fail(errors.New("usage: ptycpu [flags] -- COMMAND [ARGS...]"))
	}
	var cols, rows int
	if _, err := fmt.Sscanf(*size, "%dx%d", &cols, &rows); err != nil || cols <= 0 || rows <= 0 {
		fail(fmt.Errorf("-size %q: want COLSxROWS", *size))
	}
	var match *regexp.Regexp
	if *wait != "" {
		match = regexp.MustCompile(*wait)
	}

	c := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	c.Env = append(os.Environ(), "TERM=xterm-256color")
	start := time.Now()
	term, err := pty.Start(c, uint16(rows), uint16(cols))
	if err != nil {
		fail(err)
	}
	defer term.Close()
	scr := vt.New(rows, cols)
	var written atomic.Int64
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := term.Read(buf)
			scr.Write(buf[:n])
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- c.Wait() }()
	stop := func(err error) {
		c.Process.Kill()
		fail(fmt.Errorf("%w\nthe screen:\n%s", err, strings.Join(scr.Lines(), "\n")))
	}

	// The screen as one text; the program may have exited meanwhile.
	text := func() string { return strings.Join(scr.Lines(), "\n") }
	if match != nil {
		deadline := time.Now().Add(*waitFor)
		for !match.MatchString(text()) {
			select {
			case err := <-exited:
				stop(fmt.Errorf("%s exited before the screen matched %q: %v", c.Path, *wait, err))
			default:
			}
			if time.Now().After(deadline) {
				stop(fmt.Errorf("the screen did not match %q within %s", *wait, *waitFor))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	ready := time.Since(start)
	time.Sleep(*settle)

	pid := c.Process.Pid
	cpu0, err := cpuTicks(pid)
	if err != nil {
		stop(err)
	}
	out0, t0 := written.Load(), time.Now()
	select {
	case err := <-exited:
		stop(fmt.Errorf("%s exited during the window: %v", c.Path, err))
	case <-time.After(*window):
	}
	cpu1, err := cpuTicks(pid)
	if err != nil {
		stop(err)
	}
	elapsed := time.Since(t0)
	out1 := written.Load()
	rss := rssKB(pid)
	last := text()

	term.Write([]byte(*quit))
	select {
	case err := <-exited:
		if err != nil {
			fail(fmt.Errorf("%s exited after %q: %v", c.Path, *quit, err))
		}
	case <-time.After(5 * time.Second):
		c.Process.Kill()
		fail(fmt.Errorf("%s did not exit within 5 s of %q", c.Path, *quit))
	}

	used := float64(cpu1-cpu0) / clockTicks
	fmt.Printf("%s  %-8s ready %5.2f s  window %4.1f s  cpu %6.3f s = %5.2f%% of a core  terminal %6.1f KB/s  RSS %d MB\n",
		filepath.Base(c.Path), *size, ready.Seconds(), elapsed.Seconds(), used, 100*used/elapsed.Seconds(),
		float64(out1-out0)/1024/elapsed.Seconds(), rss/1024)
	if *screen {
		fmt.Printf("%s\n", last)
	}
}

// cpuTicks is utime+stime of process pid, all its threads, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15, the 12th and 13th after it.
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the name", pid, len(f))
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return u + s, nil
}

// rssKB is VmRSS of process pid in KiB, 0 when unknown.
func rssKB(pid int) int64 {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "ptycpu: %v\n", err)
	os.Exit(1)
}
