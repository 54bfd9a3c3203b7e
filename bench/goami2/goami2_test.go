package goami2bench

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/amsh/amsh/ami"
	"github.com/staskobzar/goami2"
)

// The corpora are what a real Asterisk 22.10.1 sent one client, banner
// first. They live in shared/corpus beside the repository (../../../shared
// from here), or wherever AMSH_SHARED points.
const (
	corpusMixed = "asterisk22-mixed.raw.gz"
	corpusCalls = "asterisk22-calls.raw.gz"
)

var cache sync.Map

func sharedDir() string {
	if d := os.Getenv("AMSH_SHARED"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared")
}

func load(tb testing.TB, name string) []byte {
	tb.Helper()
	if b, ok := cache.Load(name); ok {
		return b.([]byte)
	}
	path := filepath.Join(sharedDir(), "corpus", name)
	f, err := os.Open(path)
	if err != nil {
		tb.Skipf("corpus %s not available (set AMSH_SHARED to the shared/ folder): %v", name, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	cache.Store(name, b)
	return b
}

// goami2Inline is goami2's framing loop (client.go consume: ReadString('\n')
// into a strings.Builder until a "\r\n" line) followed by goami2.Parse, run
// in one goroutine. It is the cheapest way to use goami2's code, so the
// fairest baseline.
func goami2Inline(data []byte) (msgs, errs int) {
	reader := bufio.NewReader(bytes.NewReader(data))
	if _, err := reader.ReadString('\n'); err != nil { // the banner, which goami2 reads in login()
		panic(err)
	}
	buf := &strings.Builder{}
	for {
		line, err := reader.ReadString('\n')
		if err != nil {
			return msgs, errs
		}
		_, _ = buf.WriteString(line)
		if line == "\r\n" { // end of packet
			if _, err := goami2.Parse(buf.String()); err != nil {
				errs++
			} else {
				msgs++
			}
			buf.Reset()
		}
	}
}

// goami2Client is the same loop shaped as goami2's Client runs it: consume()
// in its own goroutine handing each packet over an unbuffered channel to
// loop(), which parses it. (The client's last hop, emitMsg with a
// time.After per message, is left out.)
func goami2Client(data []byte) (msgs, errs int) {
	chPack, chErr := make(chan string), make(chan error)
	go func() {
		defer close(chPack)
		defer close(chErr)
		reader := bufio.NewReader(bytes.NewReader(data))
		if _, err := reader.ReadString('\n'); err != nil {
			chErr <- err
			return
		}
		buf := &strings.Builder{}
		for {
			line, err := reader.ReadString('\n')
			if err != nil {
				chErr <- err
				return
			}
			_, _ = buf.WriteString(line)
			if line == "\r\n" {
				chPack <- buf.String()
				buf.Reset()
			}
		}
	}()
	for {
		select {
		case pack := <-chPack:
			if _, err := goami2.Parse(pack); err != nil {
				errs++
			} else {
				msgs++
			}
		case <-chErr:
			return msgs, errs
		}
	}
}

// framingOnly finds each "\r\n\r\n" in a bufio stream and parses nothing:
// the floor for any reader.
func framingOnly(data []byte) (msgs int) {
	sep := []byte("\r\n\r\n")
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	sc.Split(func(d []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.Index(d, sep); i >= 0 {
			return i + len(sep), d[:i+len(sep)], nil
		}
		if atEOF && len(d) > 0 {
			return len(d), d, nil
		}
		return 0, nil, nil
	})
	for sc.Scan() {
		msgs++
	}
	return msgs
}

// amsh reads the stream with ami.Reader, as the session does.
func amsh(data []byte) (msgs int) {
	r := ami.NewReader(bytes.NewReader(data), ami.ReaderOptions{})
	if _, err := r.ReadBanner(); err != nil {
		panic(err)
	}
	for {
		_, err := r.ReadMessage()
		if err == io.EOF {
			return msgs
		}
		if err != nil {
			panic(err)
		}
		msgs++
	}
}

func BenchmarkMixed(b *testing.B) { benchAll(b, corpusMixed) }
func BenchmarkCalls(b *testing.B) { benchAll(b, corpusCalls) }

func benchAll(b *testing.B, name string) {
	data := load(b, name)
	cases := []struct {
		name string
		run  func([]byte) int
	}{
		{"goami2", func(d []byte) int { n, _ := goami2Inline(d); return n }},
		{"goami2client", func(d []byte) int { n, _ := goami2Client(d); return n }},
		{"framing", framingOnly},
		{"amsh", amsh},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			msgs := 0
			b.ResetTimer()
			for range b.N {
				msgs += c.run(data)
			}
			b.StopTimer()
			runtime.ReadMemStats(&ms1)
			if msgs > 0 {
				b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(msgs), "allocs/msg")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(msgs), "ns/msg")
			}
		})
	}
}

// TestCounts checks that the readers agree on the corpora before their
// speeds are compared.
func TestCounts(t *testing.T) {
	for _, name := range []string{corpusMixed, corpusCalls} {
		data := load(t, name)
		g, gerr := goami2Inline(data)
		f := framingOnly(data) // the banner line rides with the first message
		a := amsh(data)
		t.Logf("%s: goami2 %d ok + %d parse errors, framing %d, amsh %d", name, g, gerr, f, a)
		if a != f {
			t.Errorf("%s: amsh read %d messages, framing-only found %d", name, a, f)
		}
	}
}
