// Command fleetsrv is a fleet of fake Asterisks for the fleet benchmark: it
// listens on -n consecutive ports from -port and on each answers Challenge
// and Login (any secret), Command (a 14+ `core show channels` reply of
// -channels channels, whatever the command), Ping and Logoff, one action
// after the other as Asterisk does, every reply after a delay: -delay on
// the first port, rising evenly to -delay plus -spread on the last, so the
// fleet has one slowest PBX, the last.
//
//	fleetsrv -port 25200 -n 50 -delay 20ms -spread 10ms
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"strings"
	"time"

	"github.com/amsh/amsh/internal/benchami"
)

func main() {
	port := flag.Int("port", 25200, "first port; the others follow it")
	n := flag.Int("n", 50, "how many servers (ports)")
	delay := flag.Duration("delay", 20*time.Millisecond, "wait before each reply on the first port")
	spread := flag.Duration("spread", 10*time.Millisecond, "added to -delay, evenly, up to the last port")
	channels := flag.Int("channels", 20, "channels in the core show channels reply")
	flag.Parse()
	reply := commandOutput(*channels)
	for i := range *n {
		d := *delay
		if *n > 1 {
			d += *spread * time.Duration(i) / time.Duration(*n-1)
		}
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port+i))
		if err != nil {
			log.Fatal(err)
		}
		go accept(ln, d, reply)
	}
	fmt.Fprintf(os.Stderr, "fleetsrv: %d servers on 127.0.0.1:%d-%d, replies after %s to %s\n",
		*n, *port, *port+*n-1, *delay, *delay+*spread)
	select {}
}

func accept(ln net.Listener, d time.Duration, reply string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(c, d, reply)
	}
}

// commandOutput is the Output lines of `core show channels` with n channels.
func commandOutput(n int) string {
	var b strings.Builder
	b.WriteString("Output: Channel              Location             State   Application(Data)             \r\n")
	for i := range n {
		fmt.Fprintf(&b, "Output: PJSIP/ep%05d-%08x ep%05d@amsh:1       Up      Wait(600)                     \r\n", i, i, i)
	}
	fmt.Fprintf(&b, "Output: %d active channels\r\nOutput: %d active calls\r\nOutput: 0 calls processed\r\n", n, n/2)
	return b.String()
}

func serve(c net.Conn, d time.Duration, output string) {
	defer c.Close()
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	w.WriteString("Asterisk Call Manager/9.0.0\r\n")
	w.Flush()
	for {
		action, id := benchami.ReadAction(r)
		if action == "" {
			return
		}
		time.Sleep(d)
		switch strings.ToLower(action) {
		case "challenge":
			fmt.Fprintf(w, "Response: Success\r\nActionID: %s\r\nChallenge: 123456789\r\n\r\n", id)
		case "login":
			fmt.Fprintf(w, "Response: Success\r\nActionID: %s\r\nMessage: Authentication accepted\r\n\r\n", id)
		case "command":
			fmt.Fprintf(w, "Response: Success\r\nActionID: %s\r\nMessage: Command output follows\r\n%s\r\n", id, output)
		case "ping":
			fmt.Fprintf(w, "Response: Success\r\nActionID: %s\r\nPing: Pong\r\nTimestamp: 1795329590.896851\r\n\r\n", id)
		case "logoff":
			fmt.Fprintf(w, "Response: Goodbye\r\nActionID: %s\r\nMessage: Thanks for all the fish.\r\n\r\n", id)
			w.Flush()
			return
		default:
			fmt.Fprintf(w, "Response: Error\r\nActionID: %s\r\nMessage: Invalid/unknown command\r\n\r\n", id)
		}
		if w.Flush() != nil {
			return
		}
	}
}
