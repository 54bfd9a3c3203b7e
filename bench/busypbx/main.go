// Command busypbx is an AMI server that looks like an Asterisk with many
// calls up, for bench/top.sh. It accepts any login (plain or MD5) and
// answers CoreShowChannels (every channel, as internal/busypbx makes them
// from messages Asterisk 22 sent), QueueStatus, Ping and Logoff; any other
// action gets Asterisk's error. Each connection has its own PBX, built when
// it connects. Without -rate nothing else is sent: the server is idle. With
// -rate N, N events a second (in batches every 10 ms) end the oldest call
// and start a new one, so the channels up stay as many.
//
//	busypbx -listen 127.0.0.1:15200 -channels 10000 -rate 100
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/amsh/amsh/internal/benchami"
	"github.com/amsh/amsh/internal/busypbx"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:15200", "address to listen on")
	channels := flag.Int("channels", 10_000, "channels up (in bridged pairs)")
	queues := flag.Int("queues", 4, "queues")
	members := flag.Int("members", 6, "members per queue")
	rate := flag.Int("rate", 0, "events per second after the login (0: idle)")
	flag.Parse()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "busypbx: %d channels, %d queues of %d members, %d events/s on %s\n",
		*channels, *queues, *members, *rate, ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(c, busypbx.New(*channels, *queues, *members, time.Now()), *rate)
	}
}

// conn is one client: its PBX and the writer, both behind mu, which the
// action loop and the trickle share.
type conn struct {
	mu  sync.Mutex
	pbx *busypbx.PBX
	w   *bufio.Writer
	buf []byte
}

// send appends a reply or events with fill and writes them out.
func (c *conn) send(fill func(b []byte) []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = fill(c.buf[:0])
	if _, err := c.w.Write(c.buf); err != nil {
		return err
	}
	return c.w.Flush()
}

func serve(nc net.Conn, pbx *busypbx.PBX, rate int) {
	defer nc.Close()
	c := &conn{pbx: pbx, w: bufio.NewWriterSize(nc, 256<<10)}
	r := bufio.NewReader(nc)
	if c.send(func(b []byte) []byte { return append(b, busypbx.Banner+"\r\n"...) }) != nil {
		return
	}
	done := make(chan struct{})
	defer close(done)
	loggedIn := false
	for {
		action, id := benchami.ReadAction(r)
		now := time.Now()
		var fill func(b []byte) []byte
		switch strings.ToLower(action) {
		case "":
			return
		case "challenge":
			fill = func(b []byte) []byte {
				return fmt.Appendf(b, "Response: Success\r\nActionID: %s\r\nChallenge: 1\r\n\r\n", id)
			}
		case "login":
			fill = func(b []byte) []byte { return busypbx.FullyBooted(busypbx.Login(b, id)) }
		case "logoff":
			c.send(func(b []byte) []byte { return busypbx.Logoff(b, id) })
			return
		case "ping":
			fill = func(b []byte) []byte { return busypbx.Ping(b, id, now) }
		case "coreshowchannels":
			fill = func(b []byte) []byte { return c.pbx.CoreShowChannels(b, id, now) }
		case "queuestatus":
			fill = func(b []byte) []byte { return c.pbx.QueueStatus(b, id) }
		default:
			fill = func(b []byte) []byte { return busypbx.Error(b, id, action) }
		}
		if c.send(fill) != nil {
			return
		}
		if strings.EqualFold(action, "login") && !loggedIn && rate > 0 {
			loggedIn = true
			go c.trickle(rate, done)
		}
	}
}

// trickle sends rate events a second, in batches every 10 ms, each batch
// as many as the time since the start allows, until done.
func (c *conn) trickle(rate int, done <-chan struct{}) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	start, sent := time.Now(), 0
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		due := int(time.Since(start).Seconds()*float64(rate)) - sent
		if due <= 0 {
			continue
		}
		err := c.send(func(b []byte) []byte {
			now := time.Now()
			for range due {
				b = c.pbx.NextEvent(b, now)
			}
			return b
		})
		if err != nil {
			return
		}
		sent += due
	}
}
