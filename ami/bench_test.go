package ami

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// The corpora are server-to-client bytes from a real Asterisk 22.10.1,
// banner first. They live beside the repository, in ../shared from the
// module root, or wherever AMSH_SHARED points.
const (
	corpusMixed = "asterisk22-mixed.raw.gz"
	corpusCalls = "asterisk22-calls.raw.gz"
)

var corpusCache sync.Map // name -> []byte

// sharedDir finds shared/: $AMSH_SHARED, else ../shared next to the module
// root (the first parent holding go.mod).
func sharedDir() string {
	if d := os.Getenv("AMSH_SHARED"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// loadCorpus returns the decompressed corpus, or skips the test when it is
// not there.
func loadCorpus(tb testing.TB, name string) []byte {
	tb.Helper()
	if b, ok := corpusCache.Load(name); ok {
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
		tb.Fatalf("corpus %s: %v", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatalf("corpus %s: %v", path, err)
	}
	corpusCache.Store(name, b)
	return b
}

func BenchmarkReaderMixed(b *testing.B) { benchReader(b, corpusMixed) }
func BenchmarkReaderCalls(b *testing.B) { benchReader(b, corpusCalls) }

// BenchmarkFramingOnly* is the floor the parser is compared with: find
// each "\r\n\r\n" in a bufio stream, parse nothing.
func BenchmarkFramingOnlyMixed(b *testing.B) { benchFraming(b, corpusMixed) }
func BenchmarkFramingOnlyCalls(b *testing.B) { benchFraming(b, corpusCalls) }

func benchReader(b *testing.B, name string) {
	data := loadCorpus(b, name)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	msgs := 0
	b.ResetTimer()
	for range b.N {
		r := NewReader(bytes.NewReader(data), ReaderOptions{})
		if _, err := r.ReadBanner(); err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.ReadMessage()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			msgs++
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	if msgs > 0 {
		b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(msgs), "allocs/msg")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(msgs), "ns/msg")
	}
}

func benchFraming(b *testing.B, name string) {
	data := loadCorpus(b, name)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	sep := []byte("\r\n\r\n")
	b.ResetTimer()
	for range b.N {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64<<10), DefaultMaxMessage)
		sc.Split(func(d []byte, atEOF bool) (int, []byte, error) {
			if i := bytes.Index(d, sep); i >= 0 {
				return i + len(sep), d[:i+len(sep)], nil
			}
			if atEOF && len(d) > 0 {
				return len(d), d, nil
			}
			return 0, nil, nil
		})
		n := 0
		for sc.Scan() {
			n++
		}
		if n == 0 {
			b.Fatal("no messages")
		}
	}
}
