package ami

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// FuzzReader feeds arbitrary bytes to the Reader. Whatever comes in, it
// must not panic, and:
//   - the Raw bytes of the messages it returns, with the empty lines it
//     skipped between them, are exactly the start of the input (all of it
//     when it ends in io.EOF);
//   - reading the input a byte at a time gives the same messages and the
//     same kind of error (where the Read calls end changes nothing, even
//     with every incomplete line checked at each byte);
//   - a non-legacy message with no raw-text lines, written out with
//     String() and read again, has the same headers.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.raw")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"Event: A\r\nX: 1\r\n\r\n",
		"Event: A\nX:1\n\n\r\n\nEvent: B\r\n\n",
		"Response: Follows\r\nPrivilege: Command\r\nActionID: 1\r\na\n\nK: v\n\r\nfoo--END COMMAND--\r\n\r\n",
		"Response: Follows\r\nPrivilege: Command\r\n--END COMMAND--\r\nX: y\r\n\r\n",
		"raw text line\r\nMembers:\r\n\r\n",
		"Output:    x  \r\nOutput: \r\nA:\r\n:b\r\nc d: e\r\n\r\n",
		"Event: A\r\nX: 1",
		"\r\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	// Near the caps set below: a long line, and a long message.
	f.Add([]byte("Event: A\r\nX: " + strings.Repeat("y", 600) + "\r\n\r\n"))
	f.Add([]byte("Response: Success\r\n" + strings.Repeat("Output: "+strings.Repeat("z", 90)+"\r\n", 45) + "\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		opts := ReaderOptions{KeepRaw: true, MaxLine: 512, MaxMessage: 4096, MaxHeaders: 64}
		whole, werr := readAll(NewReader(bytes.NewReader(in), opts))
		split, serr := readAll(NewReader(iotest.OneByteReader(bytes.NewReader(in)), opts))

		if len(whole) != len(split) || errKind(werr) != errKind(serr) {
			t.Fatalf("whole: %d messages, %v; byte by byte: %d messages, %v", len(whole), werr, len(split), serr)
		}
		for i := range whole {
			if !sameMessage(whole[i], split[i]) || !bytes.Equal(whole[i].Raw, split[i].Raw) {
				t.Fatalf("message %d differs:\n%q\n%q", i, whole[i].Headers, split[i].Headers)
			}
		}

		rest := in
		for i, m := range whole {
			rest = skipEmptyLines(rest)
			if len(m.Raw) == 0 || !bytes.HasPrefix(rest, m.Raw) {
				t.Fatalf("message %d: Raw %q is not the next input %q", i, m.Raw, rest)
			}
			rest = rest[len(m.Raw):]
			if len(m.Headers) == 0 {
				t.Fatalf("message %d has no headers", i)
			}
		}
		if werr == io.EOF && len(skipEmptyLines(rest)) != 0 {
			t.Fatalf("io.EOF with input left: %q", rest)
		}

		for i, m := range whole {
			if m.Legacy || m.Has("") {
				continue
			}
			again, err := NewReader(bytes.NewReader([]byte(m.String())), ReaderOptions{}).ReadMessage()
			if err != nil {
				t.Fatalf("message %d: re-reading %q: %v", i, m.String(), err)
			}
			if !sameMessage(m, again) {
				t.Fatalf("message %d: re-read\n%q\nas\n%q", i, m.Headers, again.Headers)
			}
		}
	})
}

// errKind sorts an end-of-stream error into what a caller acts on.
func errKind(err error) string {
	var pe *ProtocolError
	switch {
	case err == io.EOF:
		return "eof"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected eof"
	case errors.As(err, &pe):
		return "protocol: " + pe.Reason
	}
	return "other: " + err.Error()
}

func skipEmptyLines(b []byte) []byte {
	for {
		switch {
		case bytes.HasPrefix(b, []byte("\r\n")):
			b = b[2:]
		case bytes.HasPrefix(b, []byte("\n")):
			b = b[1:]
		default:
			return b
		}
	}
}
