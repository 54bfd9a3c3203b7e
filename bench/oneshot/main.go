// Command oneshot times whole commands: each is run -n times, interleaved so
// that machine noise hits all of them alike, and reported as median and p90
// wall time and peak RSS. Commands are given as NAME|ARG0|ARG1|..., so
// arguments may hold spaces.
//
//	oneshot -n 50 'asterisk|chroot|/root/...|asterisk|-rx|core show channels' 'amsh|bin/amsh|command|core show channels'
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

type result struct {
	name  string
	walls []time.Duration
	rss   int64 // KiB, max over runs
}

func main() {
	n := flag.Int("n", 30, "runs per command")
	shuffle := flag.Bool("shuffle", false, "run the commands of each round in a random order, so none always follows another")
	flag.Parse()
	var cmds [][]string
	for _, a := range flag.Args() {
		cmds = append(cmds, strings.Split(a, "|"))
	}
	if len(cmds) == 0 {
		fmt.Fprintln(os.Stderr, "usage: oneshot [-n N] 'NAME|ARG0|ARG1...' ...")
		os.Exit(2)
	}
	res := make([]result, len(cmds))
	for i, c := range cmds {
		res[i].name = c[0]
	}
	order := make([]int, len(cmds))
	for i := range order {
		order[i] = i
	}
	for run := 0; run < *n; run++ {
		if *shuffle {
			rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		for _, i := range order {
			c := cmds[i]
			cmd := exec.Command(c[1], c[2:]...)
			cmd.Stdout, cmd.Stderr = nil, os.Stderr
			t0 := time.Now()
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", c[0], err)
				os.Exit(1)
			}
			res[i].walls = append(res[i].walls, time.Since(t0))
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				res[i].rss = max(res[i].rss, ru.Maxrss)
			}
		}
	}
	base := median(res[0].walls)
	fmt.Printf("%-12s %10s %10s %8s %10s\n", "command", "median", "p90", "vs first", "peak RSS")
	for _, r := range res {
		m := median(r.walls)
		fmt.Printf("%-12s %10s %10s %7.2fx %7.1f MB\n", r.name, round(m), round(pct(r.walls, 90)),
			float64(m)/float64(base), float64(r.rss)/1024)
	}
}

func median(ds []time.Duration) time.Duration { return pct(ds, 50) }

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

func round(d time.Duration) time.Duration {
	if d > 100*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}
