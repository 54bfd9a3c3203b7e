package render

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/itchyny/gojq"
)

// JQ is a compiled --jq expression. The Renderer applies it to each JSON
// document it would print (a result, a table, a field block) and to each
// line of a stream, and prints each result as `jq -r -c` does: a string
// raw, anything else as compact JSON, one a line. Objects the expression
// builds print with their keys sorted, as gojq (and so gh --jq) prints them.
type JQ struct {
	expr string
	code *gojq.Code
	ctx  context.Context // ends a run early (Ctrl-C); nil is never
}

// jqMaxOutput bounds what the expression may print for one document: an
// expression that never ends (repeat, range(infinite)) stops with an error
// instead of filling memory.
const jqMaxOutput = 64 << 20

// ParseJQ parses and compiles expr. Its error says what is wrong with the
// expression, for a usage error before anything is dialled.
func ParseJQ(expr string) (*JQ, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		var pe *gojq.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%v (at byte %d of %q)", err, pe.Offset, expr)
		}
		return nil, err
	}
	code, err := gojq.Compile(q, gojq.WithEnvironLoader(os.Environ))
	if err != nil {
		return nil, err
	}
	return &JQ{expr: expr, code: code}, nil
}

// WithContext returns q bound to ctx: a run stops with ctx's error when ctx
// is done, so Ctrl-C ends an expression that loops.
func (q *JQ) WithContext(ctx context.Context) *JQ {
	c := *q
	c.ctx = ctx
	return &c
}

// String is the expression as given.
func (q *JQ) String() string { return q.expr }

// JQError is a run-time error of the --jq expression on one document: a
// wrong type (.[0] of an object), error("..."), halt_error.
type JQError struct {
	Expr string
	Err  error
}

func (e *JQError) Error() string { return fmt.Sprintf("--jq %q: %v", e.Expr, e.Err) }
func (e *JQError) Unwrap() error { return e.Err }

// AppendResults runs the expression on the JSON documents in doc (one, or
// several for JSON Lines) and appends the results to b.
func (q *JQ) AppendResults(b, doc []byte) ([]byte, error) {
	ctx := q.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	start := len(b)
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber() // gojq takes json.Number: big integers stay exact
	for {
		var v any
		if err := dec.Decode(&v); err == io.EOF {
			return b, nil
		} else if err != nil {
			return b, &JQError{Expr: q.expr, Err: fmt.Errorf("input is not JSON: %w", err)}
		}
		iter := q.code.RunWithContext(ctx, v)
		for {
			r, ok := iter.Next()
			if !ok {
				break
			}
			if err, isErr := r.(error); isErr {
				if ctx.Err() != nil {
					return b, ctx.Err()
				}
				var he *gojq.HaltError
				if errors.As(err, &he) && he.Value() == nil {
					return b, nil // halt: stop quietly, as jq does
				}
				return b, &JQError{Expr: q.expr, Err: err}
			}
			if s, isString := r.(string); isString {
				b = append(b, s...)
			} else {
				out, err := gojq.Marshal(r)
				if err != nil {
					return b, &JQError{Expr: q.expr, Err: err}
				}
				b = append(b, out...)
			}
			b = append(b, '\n')
			if len(b)-start > jqMaxOutput {
				return b[:start], &JQError{Expr: q.expr, Err: errors.New("more than 64MiB of output; stopped (does the expression end?)")}
			}
		}
	}
}
