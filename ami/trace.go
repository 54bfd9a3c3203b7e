package ami

import (
	"bytes"
	"io"
	"sync"
)

// tracer writes every byte both ways to w, each line prefixed with its
// direction ("> " sent, "< " received), with the values of Secret: and Key:
// headers masked. Lines are written whole, so the two directions never
// interleave inside a line.
type tracer struct {
	mu sync.Mutex
	w  io.Writer
}

func newTracer(w io.Writer) *tracer { return &tracer{w: w} }

func (t *tracer) in() io.Writer  { return &traceDir{t: t, prefix: "< "} }
func (t *tracer) out() io.Writer { return &traceDir{t: t, prefix: "> "} }

type traceDir struct {
	t      *tracer
	prefix string
	line   []byte // a partial line waiting for its LF
}

var maskedHeaders = [][]byte{[]byte("secret:"), []byte("key:")}

func (d *traceDir) Write(p []byte) (int, error) {
	n := len(p)
	var out bytes.Buffer
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			d.line = append(d.line, p...)
			// Bound a server's endless line: flush it in pieces.
			if len(d.line) >= 4096 {
				d.emit(&out, d.line, false)
				d.line = d.line[:0]
			}
			break
		}
		d.line = append(d.line, p[:i+1]...)
		d.emit(&out, d.line, true)
		d.line = d.line[:0]
		p = p[i+1:]
	}
	if out.Len() > 0 {
		d.t.mu.Lock()
		d.t.w.Write(out.Bytes())
		d.t.mu.Unlock()
	}
	return n, nil
}

func (d *traceDir) emit(out *bytes.Buffer, line []byte, complete bool) {
	out.WriteString(d.prefix)
	body := bytes.TrimRight(line, "\r\n")
	for _, h := range maskedHeaders {
		if len(body) >= len(h) && bytes.EqualFold(body[:len(h)], h) {
			body = append(append([]byte{}, body[:len(h)]...), " ********"...)
			break
		}
	}
	out.Write(body)
	if complete && bytes.HasSuffix(line, []byte("\r\n")) {
		out.WriteString("\\r\\n")
	} else if complete {
		out.WriteString("\\n")
	}
	out.WriteByte('\n')
}
