package cmd

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// DecodeOptions are what `amsh decode` needs.
type DecodeOptions struct {
	IO             *IOStreams
	Format         func() string // the -o format
	StreamRenderer func(w io.Writer) *render.Renderer
	Note           func(format string, a ...any)

	File string // "" or "-" for stdin
}

// NewCmdDecode is `amsh decode`; runF, when set, runs instead of decodeRun.
func NewCmdDecode(f *Factory, runF func(*DecodeOptions) error) *cobra.Command {
	opts := &DecodeOptions{IO: f.IO, Format: f.format, StreamRenderer: f.streamRenderer, Note: f.note}
	return &cobra.Command{
		Use:   "decode [FILE]",
		Short: "Render a captured AMI server stream",
		Long: `Read what an Asterisk server sent (the server's side of a TCP stream saved
from Wireshark or tshark, a telnet session) and print every response and
event in order, through the same renderer as the other commands: text blocks
with codes decoded, JSON Lines with -o json, one YAML document per message
with -o yaml, the bytes unchanged with -o raw.

FILE may be gzip-compressed (detected, not guessed from the name); without
FILE, or with "-", decode reads stdin. A leading "Asterisk Call Manager/..."
banner is shown in text and raw and left out of json and yaml, whose every
item is one message. Nothing is dialed.

Input that breaks AMI framing (a line or message over the reader's caps, a
stream cut inside a message) stops decode with one line naming the input and
the message number, after everything before it has been printed (exit 1).`,
		Example: `  amsh decode capture.ami
  zcat day.ami.gz | amsh -o json decode | jq -c 'select(.Event == "Hangup")'
  amsh decode day.ami.gz | less`,
		Args: argsBetween(0, 1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return decodeRun(c.Context(), opts)
		},
	}
}

// gzipMagic starts every gzip stream (RFC 1952); an AMI stream starts with
// printable text, so the two cannot be confused.
var gzipMagic = []byte{0x1f, 0x8b}

// amiBanner starts the line Asterisk greets with (astmanproxy's too).
const amiBanner = "Asterisk Call Manager"

// decodeRun renders the stream in opts.File.
//
// Exit codes: a FILE that cannot be opened is a bad argument (2); input that
// is not a well-formed AMI stream, or a read that fails, exits 1. Neither is
// 5: no connection is involved.
func decodeRun(ctx context.Context, opts *DecodeOptions) error {
	name, in := "stdin", opts.IO.In
	if opts.File != "" && opts.File != "-" {
		file, err := os.Open(opts.File)
		if err != nil {
			return usageErrorf("decode: %v", err)
		}
		defer file.Close()
		name, in = opts.File, file
	} else if opts.IO.InTTY {
		opts.Note("decode: reading an AMI stream from the terminal; end it with Ctrl-D")
	}
	out := bufio.NewWriterSize(opts.IO.Out, streamBuffer)
	err := decodeStream(ctx, opts, in, out)
	if ferr := out.Flush(); err == nil && ferr != nil {
		return fmt.Errorf("decode %s: writing output: %w", name, ferr)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return &ExitError{Code: ExitAsterisk, Err: fmt.Errorf("decode %s: %v", name, err)}
	}
	return nil
}

// decodeStream renders every message of in to out. Errors in the stream
// name the message, counted from 1 after the banner.
func decodeStream(ctx context.Context, opts *DecodeOptions, in io.Reader, out *bufio.Writer) error {
	// One 64 KiB buffer for sniffing and parsing: ami.NewReader reuses a
	// *bufio.Reader of at least its own buffer size.
	br := bufio.NewReaderSize(in, streamBuffer)
	if head, _ := br.Peek(len(gzipMagic)); bytes.Equal(head, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return err // "gzip: invalid header"
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, streamBuffer)
	}
	r := opts.StreamRenderer(out)
	format := opts.Format()
	if head, _ := br.Peek(len(amiBanner)); string(head) == amiBanner {
		line, err := br.ReadSlice('\n')
		if err != nil && !(err == io.EOF && len(line) > 0) {
			return fmt.Errorf("banner: %w", err)
		}
		switch format {
		case "raw":
			if opts.IO.OutTTY {
				render.NewTerminalWriter(out).Write(line) // raw is exact only for programs
			} else {
				out.Write(line)
			}
		case "text":
			// As render does for values: a capture must not be able to
			// drive the terminal.
			banner := string(bytes.TrimRight(line, "\r\n"))
			if strings.ContainsFunc(banner, unicode.IsControl) {
				banner = strconv.QuoteToGraphic(banner)
			}
			out.WriteString(banner + "\n\n")
		}
	}
	rd := ami.NewReader(br, ami.ReaderOptions{KeepRaw: format == "raw"})
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		m, err := rd.ReadMessage()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, io.ErrUnexpectedEOF):
			return fmt.Errorf("message %d: the input ends inside it (a truncated capture?)", n+1)
		case err != nil:
			return fmt.Errorf("message %d: %v", n+1, err)
		}
		if err := r.Message(m); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
}
