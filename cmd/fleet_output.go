package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// fleetPrinter prints the targets' results in the order given, each as it
// is reached (that is, once it and every target before it are done), and
// then lets go of what the target printed. text and raw: a
// "== NAME (host:port) ==" line on stdout before the target's stdout, and
// every line the target wrote on stderr after "NAME: ". json and yaml: one
// array of the targets' documents with "profile" and "host" keys first
// and, for a target that failed, an "error" object with its exit status
// and message, each element written as it is reached. The stderr lines are
// printed, attributed, in every format. Only --jq (over the whole array)
// and --merge (one list, fitted as a whole) hold every target's output to
// the end.
type fleetPrinter struct {
	f      *Factory
	n      int
	format string

	elems int         // json and yaml: the array's elements written so far
	docs  [][]byte    // json with --jq: each target's document, compact
	merge *fleetMerge // --merge: the targets' records

	failed fleetFailures
}

// fleetFailures are the targets that failed, for the summary line.
type fleetFailures struct {
	list []string // "NAME exit N MESSAGE", in the order given
	code int      // the first failing target's exit status
}

// add records a target's outcome; it is a failure unless code is 0.
func (ff *fleetFailures) add(name string, code int, msg string) {
	if code == ExitOK {
		return
	}
	if len(ff.list) == 0 {
		ff.code = code
	}
	why := name + " exit " + strconv.Itoa(code)
	if msg != "" {
		why += " " + msg
	}
	ff.list = append(ff.list, why)
}

// err is nil when no target failed, else the first failure's exit status
// with the summary line: "2 of 5 failed: pbx2 exit 5 ...; pbx4 exit 4 ...".
func (ff *fleetFailures) err(n int) error {
	if len(ff.list) == 0 {
		return nil
	}
	return &ExitError{Code: ff.code, Err: fmt.Errorf("%d of %d failed: %s", len(ff.list), n, strings.Join(ff.list, "; "))}
}

func newFleetPrinter(f *Factory, n int) *fleetPrinter {
	p := &fleetPrinter{f: f, n: n, format: f.format()}
	if f.Global.Merge {
		p.merge = &fleetMerge{}
	}
	return p
}

func (p *fleetPrinter) add(t *fleetTarget) {
	code, msg := Classify(t.err)
	msg = withoutProfile(msg, t.name)
	ios := p.f.IO
	switch {
	case p.merge != nil:
		p.merge.add(t.name, t.out.Bytes())
	case p.format == "json" && p.f.Global.jq != nil:
		p.docs = append(p.docs, fleetJSON(t, code, msg))
	case p.format == "json":
		p.jsonElem(fleetJSON(t, code, msg))
	case p.format == "yaml":
		// A block sequence of one is the line "- " and its mapping: the
		// elements written one after the other are the whole sequence.
		p.f.Renderer().Document(&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{fleetYAML(t, code, msg)}})
		p.elems++
	default:
		header := "== " + t.name + " =="
		if t.addr != "" {
			header = "== " + t.name + " (" + t.addr + ") =="
		}
		out := t.out.String()
		if out != "" && !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
		io.WriteString(ios.Out, header+"\n"+out)
	}
	var b strings.Builder
	for line := range strings.Lines(t.errOut.String()) {
		b.WriteString(t.name + ": " + strings.TrimSuffix(line, "\n") + "\n")
	}
	if msg != "" {
		b.WriteString(ios.errorPrefix(p.f.Global.Color) + t.name + ": " + msg + "\n")
	}
	io.WriteString(ios.ErrOut, b.String())
	p.failed.add(t.name, code, msg)
	t.out, t.errOut = bytes.Buffer{}, bytes.Buffer{} // printed: not kept to the end
}

// jsonElem writes one element of the json array, indented as the whole
// array would be: "[" before the first, "," between them.
func (p *fleetPrinter) jsonElem(doc []byte) {
	var b bytes.Buffer
	if p.elems == 0 {
		b.WriteString("[\n  ")
	} else {
		b.WriteString(",\n  ")
	}
	json.Indent(&b, doc, "  ", "  ") // fleetJSON made it: valid
	p.elems++
	p.f.IO.Out.Write(b.Bytes())
}

// finish writes the json or yaml array, or the merged list, and returns
// the fleet's outcome: exit 0, or the first failing target's status with
// the summary line.
func (p *fleetPrinter) finish() error {
	var err error
	switch {
	case p.merge != nil:
		err = p.merge.write(p.f)
	case p.format == "json" && p.f.Global.jq != nil:
		err = writeFleetJSON(p.f, append(append([]byte("["), bytes.Join(p.docs, []byte(","))...), ']'))
	case p.format == "json" && p.elems == 0, p.format == "yaml" && p.elems == 0:
		_, err = io.WriteString(p.f.IO.Out, "[]\n")
	case p.format == "json":
		_, err = io.WriteString(p.f.IO.Out, "\n]\n")
	}
	if err != nil {
		return err
	}
	if err := p.failed.err(p.n); err != nil {
		return err
	}
	return &ExitError{Code: ExitOK, Err: errSilent}
}

// fleetJSON is one target's document, compact: {"profile", "host", the
// keys of the document the target printed, "error"}. A target that printed
// something other than one object has it under "document" (one value) or
// "documents" (several); output that is not JSON at all is kept as "text".
func fleetJSON(t *fleetTarget, code int, msg string) []byte {
	b := []byte(`{"profile":`)
	b, _ = appendJSON(b, t.name)
	b = append(b, `,"host":`...)
	if t.addr == "" {
		b = append(b, "null"...)
	} else {
		b, _ = appendJSON(b, t.addr)
	}
	vals, err := jsonValues(t.out.Bytes())
	switch {
	case err != nil:
		b = append(b, `,"text":`...)
		b, _ = appendJSON(b, t.out.String())
	case len(vals) == 1 && vals[0][0] == '{':
		for _, fl := range jsonObject(vals[0]) {
			if namesTarget(fl, t.name) {
				continue
			}
			b = append(b, ',')
			b, _ = appendJSON(b, fl.key)
			b = append(append(b, ':'), fl.val...)
		}
	case len(vals) == 1:
		b = append(append(b, `,"document":`...), vals[0]...)
	case len(vals) > 1:
		b = append(append(b, `,"documents":[`...), bytes.Join(vals, []byte(","))...)
		b = append(b, ']')
	}
	if code != ExitOK {
		b = append(b, `,"error":{"exit":`...)
		b = strconv.AppendInt(b, int64(code), 10)
		b = append(b, `,"message":`...)
		b, _ = appendJSON(b, msg)
		b = append(b, '}')
	}
	return append(b, '}')
}

// namesTarget says whether fl is amsh's own "profile" key with the
// target's name for its value, as `profiles check` prints it: the
// envelope's "profile" (or the merged list's Profile column) says it
// already, and a second key of the same name would make the object
// ambiguous. A server's "Profile" header is data and stays.
func namesTarget(fl jsonField, name string) bool {
	if fl.key != "profile" {
		return false
	}
	var v string
	return json.Unmarshal(fl.val, &v) == nil && v == name
}

// jsonValues splits data into its JSON values, each compact.
func jsonValues(data []byte) ([][]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var vals [][]byte
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return vals, nil
		}
		if err != nil {
			return nil, err
		}
		var c bytes.Buffer
		if err := json.Compact(&c, raw); err != nil {
			return nil, err
		}
		vals = append(vals, c.Bytes())
	}
}

// fleetYAML is fleetJSON's twin for -o yaml.
func fleetYAML(t *fleetTarget, code int, msg string) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(k string, v *yaml.Node) {
		m.Content = append(m.Content, yamlStr(k), v)
	}
	add("profile", yamlStr(t.name))
	if t.addr == "" {
		add("host", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"})
	} else {
		add("host", yamlStr(t.addr))
	}
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(t.out.Bytes()))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			docs = nil
			add("text", yamlStr(t.out.String()))
			break
		}
		docs = append(docs, n.Content[0])
	}
	switch {
	case len(docs) == 1 && docs[0].Kind == yaml.MappingNode:
		kv := docs[0].Content
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i].Value == "profile" && kv[i+1].Kind == yaml.ScalarNode && kv[i+1].Value == t.name {
				continue // as in fleetJSON
			}
			m.Content = append(m.Content, kv[i], kv[i+1])
		}
	case len(docs) == 1:
		add("document", docs[0])
	case len(docs) > 1:
		add("documents", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: docs})
	}
	if code != ExitOK {
		e := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		e.Content = append(e.Content,
			yamlStr("exit"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(code)},
			yamlStr("message"), yamlStr(msg))
		add("error", e)
	}
	return m
}
