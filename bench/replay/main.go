// Command replay is a small AMI server for the events benchmark: it accepts
// any login (plain or MD5), then streams the events of a captured Asterisk
// corpus, repeated, as fast as the client reads, until the client hangs up
// (or N events are sent, when -events is set).
//
//	replay -listen 127.0.0.1:15100 -corpus ../shared/corpus/asterisk22-calls.raw.gz -events 3000000
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strings"
	"time"

	"github.com/amsh/amsh/internal/benchami"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:15100", "address to listen on")
	corpus := flag.String("corpus", "", "gzipped AMI stream whose events are replayed")
	n := flag.Int("events", 0, "events to send per connection (0: until the client hangs up)")
	rate := flag.Int("rate", 0, "events per second per connection (0: as fast as the client reads)")
	hangUp := flag.Bool("close", false, "close the connection once -events are sent, instead of waiting for the client")
	flag.Parse()
	events, err := loadEvents(*corpus)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "replay: %d distinct events from %s on %s\n", len(events), *corpus, ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(c, events, *n, *rate, *hangUp)
	}
}

func loadEvents(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(z)
	if err != nil {
		return nil, err
	}
	var events [][]byte
	for _, m := range bytes.Split(data, []byte("\r\n\r\n")) {
		if bytes.HasPrefix(m, []byte("Event: ")) {
			events = append(events, append(m, "\r\n\r\n"...))
		}
	}
	if len(events) == 0 {
		return nil, fmt.Errorf("%s: no events", path)
	}
	return events, nil
}

func serve(c net.Conn, events [][]byte, n, rate int, hangUp bool) {
	defer c.Close()
	r := bufio.NewReader(c)
	io.WriteString(c, "Asterisk Call Manager/11.0.0\r\n")
	for {
		action, id := benchami.ReadAction(r)
		switch strings.ToLower(action) {
		case "":
			return
		case "challenge":
			fmt.Fprintf(c, "Response: Success\r\nActionID: %s\r\nChallenge: 1\r\n\r\n", id)
			continue
		case "login":
			fmt.Fprintf(c, "Response: Success\r\nActionID: %s\r\nMessage: Authentication accepted\r\n\r\n", id)
		default:
			fmt.Fprintf(c, "Response: Error\r\nActionID: %s\r\nMessage: replay knows only Login\r\n\r\n", id)
			continue
		}
		break
	}
	w := bufio.NewWriterSize(c, 256<<10)
	// With a rate, events go out in batches every 10 ms, each batch as many
	// as the time since the start allows.
	start, tick := time.Now(), time.NewTicker(10*time.Millisecond)
	defer tick.Stop()
	for i := 0; n == 0 || i < n; i++ {
		if rate > 0 && i >= int(time.Since(start).Seconds()*float64(rate)) {
			if w.Flush() != nil {
				return
			}
			<-tick.C
		}
		if _, err := w.Write(events[i%len(events)]); err != nil {
			return
		}
	}
	if w.Flush() != nil || hangUp {
		return
	}
	io.Copy(io.Discard, r) // wait for the client to leave
}
