package render

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/amsh/amsh/ami"
)

// tsv escapes what would break a row; csv quotes it; a stream keeps its
// first message's columns.
func TestDelimitedStreamEscapes(t *testing.T) {
	msgs := []*ami.Message{
		ami.NewEvent("VarSet", "Privilege", "dialplan,all", "Channel", "PJSIP/a-1", "Value", "x\ty\nz\\w\r"),
		ami.NewEvent("Hangup", "Channel", "PJSIP/b-2", "Cause", "16"),
	}
	for format, want := range map[Format]string{
		TSV: "Event\tChannel\tValue\nVarSet\tPJSIP/a-1\tx\\ty\\nz\\\\w\\r\nHangup\tPJSIP/b-2\t\n",
		CSV: "Event,Channel,Value\nVarSet,PJSIP/a-1,\"x\ty\nz\\w\r\"\nHangup,PJSIP/b-2,\n",
	} {
		var b bytes.Buffer
		r := New(&b, Options{Format: format})
		for _, m := range msgs {
			if err := r.Message(m); err != nil {
				t.Fatal(err)
			}
		}
		if b.String() != want {
			t.Errorf("%v:\n got %q\nwant %q", format, b.String(), want)
		}
	}
}

// --jq prints strings raw, null and other values as compact JSON, and
// reports a run-time error as a *JQError.
func TestJQResults(t *testing.T) {
	q, err := ParseJQ(`.a, .b, .c, null`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.AppendResults(nil, []byte(`{"a": "s\"1", "b": {"x": [1, 2.5]}, "c": 12345678901234567890}`+"\n"))
	if want := "s\"1\n{\"x\":[1,2.5]}\n12345678901234567890\nnull\n"; err != nil || string(got) != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	q, _ = ParseJQ(`.[0]`)
	if _, err := q.AppendResults(nil, []byte(`{"a": 1}`)); err == nil {
		t.Error(".[0] of an object: no error")
	} else if _, ok := err.(*JQError); !ok {
		t.Errorf("error %T %v, want *JQError", err, err)
	}
	for _, bad := range []string{".[", "nosuch(1)", "{"} {
		if _, err := ParseJQ(bad); err == nil {
			t.Errorf("ParseJQ(%q): no error", bad)
		}
	}
}

// An expression that never ends stops: at the output bound, or when its
// context is cancelled (Ctrl-C), with nothing of the run kept.
func TestJQRunaway(t *testing.T) {
	q, err := ParseJQ(`repeat("0123456789abcdef")`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.AppendResults([]byte("kept\n"), []byte(`{}`))
	var je *JQError
	if !errors.As(err, &je) || !strings.Contains(err.Error(), "64MiB") {
		t.Errorf("repeat: error %v, want a *JQError naming the 64MiB bound", err)
	}
	if string(got) != "kept\n" {
		t.Errorf("repeat: kept %d bytes, want only what was there before", len(got))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q, _ = ParseJQ(`def f: f; f`)
	if _, err := q.WithContext(ctx).AppendResults(nil, []byte(`{}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled recursion: error %v, want context.Canceled", err)
	}
}
