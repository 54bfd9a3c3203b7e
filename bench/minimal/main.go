// Command minimal is the benchmark anchor for amsh's one-shot commands: the
// least a Go AMI client can do. No profiles, no ActionID matching, no
// rendering.
//
//	minimal command HOST:PORT USER SECRET 'core show channels'
//	    dial, read the banner, write Login (plain), Command and Logoff in one
//	    write, print the Command's Output lines
//	minimal drain HOST:PORT USER SECRET PJSIPShowEndpoints
//	    same, but send the action and read (discarding) up to its ...Complete event
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strings"
)

func main() {
	if len(os.Args) != 6 || (os.Args[1] != "command" && os.Args[1] != "drain") {
		fmt.Fprintln(os.Stderr, "usage: minimal command|drain HOST:PORT USER SECRET COMMAND|ACTION")
		os.Exit(2)
	}
	mode, addr, user, secret, arg := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5]
	c, err := net.Dial("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(5)
	}
	r := bufio.NewReaderSize(c, 64<<10)
	if _, err := r.ReadString('\n'); err != nil { // banner
		os.Exit(5)
	}
	action := "Action: Command\r\nCommand: " + arg + "\r\n\r\nAction: Logoff\r\n\r\n"
	if mode == "drain" {
		action = "Action: " + arg + "\r\n\r\n"
	}
	fmt.Fprintf(c, "Action: Login\r\nUsername: %s\r\nSecret: %s\r\nEvents: off\r\n\r\n%s", user, secret, action)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	msg := 0
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			os.Exit(5)
		}
		s := strings.TrimRight(string(line), "\r\n")
		if s == "" {
			msg++
			if mode == "command" && msg == 2 {
				return
			}
			continue
		}
		if mode == "command" && msg == 1 {
			if v, ok := strings.CutPrefix(s, "Output: "); ok {
				w.WriteString(v + "\n")
			}
		}
		if mode == "drain" && strings.HasPrefix(s, "EventList: Complete") {
			return
		}
	}
}
