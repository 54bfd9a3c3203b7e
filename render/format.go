// Package render turns AMI messages and action results into what amsh
// prints: aligned text and tables with decoded codes, JSON, YAML, or the raw
// AMI bytes. cmd/, shell/ and decode all print through it, so every command
// looks the same in every format.
//
// It owns the output formats and the code tables. It must not read from the
// network, detect terminals or decide on colour: the caller passes the
// width, the colour decision and whether the writer is a terminal in
// Options.
package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/amsh/amsh/ami"
)

// Format is an output format, chosen with -o/--output.
type Format int

const (
	Text Format = iota
	JSON
	YAML
	Raw
	CSV
	TSV
)

// formatNames are the output formats' names, in the order help lists them.
// They are the one list: the root's --output check, its help text and the
// completion of -o values are all built from it (FormatNames, ParseFormat,
// FormatUsage).
var formatNames = [...]string{Text: "text", JSON: "json", YAML: "yaml", Raw: "raw", CSV: "csv", TSV: "tsv"}

// formatAliases are other names ParseFormat accepts: yml, the file
// extension, is yaml.
var formatAliases = map[string]Format{"yml": YAML}

func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// FormatNames returns the output formats' names: text, json, yaml, raw,
// csv, tsv.
// Aliases are not among them.
func FormatNames() []string { return slices.Clone(formatNames[:]) }

// FormatUsage describes the values --output takes, for help and errors:
// "text, json, yaml, raw, csv or tsv (yml is yaml)".
func FormatUsage() string {
	n := len(formatNames)
	s := strings.Join(formatNames[:n-1], ", ") + " or " + formatNames[n-1]
	aliases := make([]string, 0, len(formatAliases))
	for a, f := range formatAliases {
		aliases = append(aliases, a+" is "+f.String())
	}
	slices.Sort(aliases)
	if len(aliases) > 0 {
		s += " (" + strings.Join(aliases, ", ") + ")"
	}
	return s
}

// ParseFormat reads an --output value: one of FormatNames or an alias (yml),
// case-insensitive, blanks around it ignored.
func ParseFormat(s string) (Format, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if i := slices.Index(formatNames[:], name); i >= 0 {
		return Format(i), nil
	}
	if f, ok := formatAliases[name]; ok {
		return f, nil
	}
	return 0, fmt.Errorf("unknown output format %q (want %s)", s, FormatUsage())
}

// Options says how a Renderer writes.
type Options struct {
	Format Format
	// Color turns on ANSI colour in text output. It is ignored for json,
	// yaml and raw, which are for programs.
	Color bool
	// Width is the terminal width in columns; 0 means no limit (not a TTY).
	// An event list wider than Width drops its least useful columns (a line
	// names them); a table whose key columns alone do not fit is printed as
	// vertical Key: Value blocks.
	Width int
	// Terminal says the writer is a terminal. Raw output is then escaped
	// like CLI text (colour sequences shown as escapes, not removed): raw
	// is exact only for programs.
	Terminal bool
	// DeferFlush stops the Renderer from flushing the writer (when it has a
	// Flush method, as *bufio.Writer does) after every call. A stream that
	// must keep up with a flood sets it and calls Flush itself whenever its
	// queue runs dry, so output is batched under load and prompt when idle.
	DeferFlush bool
	// Quiet (--quiet) leaves out of text output what is not data: a list's
	// response block ("Response: Success", "Message: ... will follow") and
	// its item count. A single response is the data and is kept.
	Quiet bool
	// Columns (--columns) chooses and orders the columns of text tables and
	// of csv and tsv rows, and the keys of text blocks. Names match header
	// names ignoring case; a name no message carries is an empty cell.
	Columns []string
	// JQ (--jq) filters json output: each document, each stream line. It
	// makes the format JSON.
	JQ *JQ
}

// Renderer writes results and messages to one writer in one format. In
// text it separates consecutive documents with a blank line, so a command
// that prints several (a Fields block, then a Table) uses one Renderer; the
// REPL makes one per line it runs. It is not safe for concurrent use; give
// each printing goroutine its own, or serialise the calls.
type Renderer struct {
	w    io.Writer
	opts Options

	buf   []byte       // reused output buffer: one Write per message
	err   error        // first error of spill, reported by write
	group grouper      // reused repeated-header index
	hdrs  []ami.Header // reused scratch for text blocks
	docs  int          // documents written, for separators

	streamCols []string // csv and tsv: a stream's columns, from its first message
	cells      []string // csv and tsv: reused row
	csvOut     appendWriter
	csvW       *csv.Writer // csv: writes rows into csvOut, made on first use

	prefix     string       // text: what SourcedMessage puts before each line of a block
	sourceHdrs []ami.Header // reused scratch for SourcedMessage
}

// New returns a Renderer writing to w.
func New(w io.Writer, opts Options) *Renderer {
	if opts.JQ != nil {
		opts.Format = JSON
	}
	if opts.Format < Text || opts.Format > TSV {
		opts.Format = Text
	}
	if opts.Format != Text {
		opts.Color = false
	}
	return &Renderer{w: w, opts: opts, buf: make([]byte, 0, 4096)}
}

// Result renders everything Asterisk sent back for one action.
func (r *Renderer) Result(res *ami.Result) error {
	if res == nil {
		res = &ami.Result{}
	}
	var err error
	switch r.opts.Format {
	case JSON:
		err = r.jsonResult(res)
	case YAML:
		err = r.yamlResult(res)
	case CSV, TSV:
		err = r.delimitedResult(res)
	case Raw:
		r.buf = r.buf[:0]
		r.buf = appendRaw(r.buf, res.Response)
		for _, ev := range res.Events {
			r.buf = appendRaw(r.buf, ev)
		}
		r.buf = appendRaw(r.buf, res.Complete)
		r.escapeRaw()
		err = r.write()
	default:
		err = r.textResult(res)
	}
	return r.finish(err)
}

// Message renders one message of a stream (events, decode): text as a
// Key: Value block with Event first, json as one line (JSON Lines), yaml as
// one "---" document, raw as the bytes received.
func (r *Renderer) Message(m *ami.Message) error {
	if m == nil {
		return nil
	}
	var err error
	switch r.opts.Format {
	case JSON:
		r.buf = r.appendMessageJSON(r.buf[:0], m, compact)
		r.buf = append(r.buf, '\n')
		err = r.write()
	case YAML:
		err = r.yamlMessage(m)
	case CSV, TSV:
		err = r.delimitedMessage(m)
	case Raw:
		r.buf = appendRaw(r.buf[:0], m)
		r.escapeRaw()
		err = r.write()
	default:
		err = r.textMessage(m)
	}
	return r.finish(err)
}

// SourceKey names the server a message of a merged stream came from, in
// every format but text: a first key in json and yaml, a first column in csv
// and tsv, a first header line in raw.
const SourceKey = "_profile"

// SourcedMessage renders m as Message does, for a stream merged from
// several servers, saying which one it came from (source, a profile's
// name): in text every line of its block begins with "[source] " (the blank
// line between blocks stays blank, so grep '^\[pbx1\]' keeps one server's
// lines); in the other formats SourceKey comes first, as a key, a column or
// a header line.
func (r *Renderer) SourcedMessage(source string, m *ami.Message) error {
	if m == nil {
		return nil
	}
	if r.opts.Format == Text {
		r.prefix = "[" + visible(source) + "] "
		err := r.Message(m)
		r.prefix = ""
		return err
	}
	hs := append(r.sourceHdrs[:0], ami.Header{Key: SourceKey, Value: source})
	hs = append(hs, m.Headers...)
	r.sourceHdrs = hs
	tm := ami.Message{Headers: hs, Body: m.Body, Legacy: m.Legacy}
	if m.Raw != nil {
		tm.Raw = append([]byte(SourceKey+": "+source+"\r\n"), m.Raw...)
	}
	err := r.Message(&tm)
	clear(r.sourceHdrs) // keep no event's strings alive
	return err
}

// Table renders rows under columns, for the tables cmd/ builds itself
// (profiles list, hangup). Text wider than Width falls back to vertical
// blocks; json and yaml write an array of objects keyed by column (the title
// is left out); raw writes the text form without colour.
func (r *Renderer) Table(title string, cols []string, rows [][]string) error {
	return r.table(title, nil, cols, rows)
}

// Ranking orders the columns of a table cmd/ builds, most useful first, so
// that text wider than Width is fitted as event lists are: long cells cut,
// the last ranked columns hidden and named in one line. The first Keys
// names are its key columns, always shown and never cut; only when they
// alone do not fit is the table printed as vertical blocks. Names match
// columns case-insensitively; a column it does not name ranks after those
// it does.
type Ranking struct {
	Keys  int
	Names []string
}

// RankedTable is Table for a table with a Ranking (queue status, sippeers).
func (r *Renderer) RankedTable(title string, rank Ranking, cols []string, rows [][]string) error {
	return r.table(title, &listOrder{key: rank.Keys, names: rank.Names}, cols, rows)
}

func (r *Renderer) table(title string, order *listOrder, cols []string, rows [][]string) error {
	var err error
	switch r.opts.Format {
	case JSON:
		err = r.jsonTable(cols, rows)
	case YAML:
		err = r.yamlTable(cols, rows)
	case CSV, TSV:
		err = r.delimitedTable(cols, rows)
	default:
		cols, rows = chooseColumns(r.opts.Columns, cols, rows)
		t := &table{title: title, cols: cols, rows: rows, fit: order != nil, order: order}
		r.buf = r.buf[:0]
		if r.docs > 0 {
			r.buf = append(r.buf, '\n')
		}
		r.buf = r.appendTable(r.buf, t)
		err = r.write()
	}
	return r.finish(err)
}

// Fields renders key/value pairs (profiles show, ping): an aligned block in
// text and raw, an object in json and yaml (a repeated key becomes an array,
// as for headers).
func (r *Renderer) Fields(kv [][2]string) error {
	hs := make([]ami.Header, len(kv))
	for i, p := range kv {
		hs[i] = ami.Header{Key: p[0], Value: p[1]}
	}
	m := &ami.Message{Headers: hs}
	var err error
	switch r.opts.Format {
	case JSON:
		r.buf = r.appendMessageJSON(r.buf[:0], m, 0)
		r.buf = append(r.buf, '\n')
		err = r.write()
	case YAML:
		err = r.yamlDoc(r.messageNode(m), false)
	case CSV, TSV:
		err = r.delimitedFields(m)
	default:
		r.buf = r.buf[:0]
		if r.docs > 0 {
			r.buf = append(r.buf, '\n')
		}
		r.buf = r.appendBlock(r.buf, "", pickHeaders(r.opts.Columns, hs))
		err = r.write()
	}
	return r.finish(err)
}

// Flush flushes the writer when it has a Flush method. Only callers that set
// Options.DeferFlush need it.
func (r *Renderer) Flush() error {
	switch f := r.w.(type) {
	case interface{ Flush() error }:
		return f.Flush()
	case interface{ Flush() }:
		f.Flush()
	}
	return nil
}

func (r *Renderer) finish(err error) error {
	r.docs++
	if err != nil {
		return err
	}
	if r.opts.DeferFlush {
		return nil
	}
	return r.Flush()
}

// write sends the buffer in one Write and keeps the buffer for reuse unless
// a huge document made it too big to keep around.
func (r *Renderer) write() error {
	err := r.err
	if err == nil && r.opts.JQ != nil && r.opts.Format == JSON {
		var out []byte
		out, err = r.opts.JQ.AppendResults(make([]byte, 0, 256), r.buf)
		if r.opts.Terminal && needsTerminalWork(string(out)) {
			// A string result is printed as it is, and it may be
			// Asterisk's text: on a terminal it is escaped as raw is.
			out = appendTerminalSafe(make([]byte, 0, len(out)+64), string(out), false)
		}
		if len(out) > 0 {
			if _, werr := r.w.Write(out); err == nil {
				err = werr
			}
		}
	} else if err == nil {
		_, err = r.w.Write(r.buf)
	}
	r.err = nil
	if cap(r.buf) > 1<<20 {
		r.buf = make([]byte, 0, 4096)
	} else {
		r.buf = r.buf[:0]
	}
	return err
}

// spillSize bounds the output a long list holds in memory: past it, a
// document is written out as it is built. A stream message stays one Write.
const spillSize = 64 << 10

func (r *Renderer) spill(b []byte) []byte {
	if len(b) < spillSize || r.opts.JQ != nil { // --jq needs the whole document
		return b
	}
	if r.err == nil {
		_, r.err = r.w.Write(b)
	}
	return b[:0]
}

// escapeRaw makes the raw bytes in the buffer safe for a terminal when the
// writer is one: line ends and tabs kept, every other control character
// (ESC of a colour sequence included) escaped.
func (r *Renderer) escapeRaw() {
	if !r.opts.Terminal || !needsTerminalWork(string(r.buf)) {
		return
	}
	r.buf = appendTerminalSafe(make([]byte, 0, len(r.buf)+64), string(r.buf), false)
}

func appendRaw(b []byte, m *ami.Message) []byte {
	if m == nil {
		return b
	}
	if m.Raw != nil {
		return append(b, m.Raw...)
	}
	return append(b, m.String()...)
}
