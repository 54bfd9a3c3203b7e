package render

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/amsh/amsh/ami"
)

// YAML mirrors the JSON structure exactly. It is built as a yaml.Node tree,
// because a Go map would lose the header order. Every value is tagged !!str
// so the encoder quotes what would otherwise read back as a number or a
// boolean (Paused: 0, Dynamic: yes): a YAML reader sees the same strings a
// JSON reader does.

// yamlResult writes the document in pieces, one event at a time, each
// indented under "events:". yaml.v3's emitter keeps every event of a
// document until the document ends, which costs about 45 KB per AMI event:
// a 20,000-endpoint list would take most of a gigabyte as one tree.
func (r *Renderer) yamlResult(res *ami.Result) error {
	lines, isCommand := res.Output()
	head := mapping()
	if res.Response == nil {
		addPair(head, "response", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"})
	} else {
		addPair(head, "response", r.headersNode(res.Response.Headers, isCommand))
	}
	if isCommand {
		addPair(head, "output", stringsNode(lines))
	}
	b := r.buf[:0]
	if r.docs > 0 {
		b = append(b, "---\n"...)
	}
	var err error
	fail := func(err error) error {
		r.buf, r.err = b[:0], nil
		return err
	}
	if b, err = appendYAML(b, head, ""); err != nil {
		return fail(err)
	}
	if len(res.Events) == 0 {
		b = append(b, "events: []\n"...)
	} else {
		b = append(b, "events:\n"...)
	}
	item := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: make([]*yaml.Node, 1)}
	for _, ev := range res.Events {
		item.Content[0] = r.messageNode(ev)
		if b, err = appendYAML(b, item, "  "); err != nil {
			return fail(err)
		}
		b = r.spill(b)
	}
	if res.Complete != nil {
		b = append(b, "complete:\n"...)
		if b, err = appendYAML(b, r.messageNode(res.Complete), "  "); err != nil {
			return fail(err)
		}
	}
	r.buf = b
	return r.write()
}

// appendYAML appends n encoded as a document body, every line prefixed with
// indent.
func appendYAML(b []byte, n *yaml.Node, indent string) ([]byte, error) {
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return b, err
	}
	if err := enc.Close(); err != nil {
		return b, err
	}
	text := out.Bytes()
	if indent == "" {
		return append(b, text...), nil
	}
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n') + 1
		if i == 0 {
			i = len(text)
		}
		b = append(b, indent...)
		b = append(b, text[:i]...)
		text = text[i:]
	}
	return b, nil
}

func (r *Renderer) yamlMessage(m *ami.Message) error {
	return r.yamlDoc(r.messageNode(m), true)
}

func (r *Renderer) yamlTable(cols []string, rows [][]string) error {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, row := range rows {
		obj := mapping()
		for j, c := range cols {
			v := ""
			if j < len(row) {
				v = row[j]
			}
			addPair(obj, c, str(v))
		}
		seq.Content = append(seq.Content, obj)
	}
	return r.yamlDoc(seq, false)
}

// yamlDoc writes one document. Stream messages always start with "---";
// other documents only when something was written before them, so a
// one-shot command prints a plain document.
func (r *Renderer) yamlDoc(n *yaml.Node, stream bool) error {
	var out bytes.Buffer
	if stream || r.docs > 0 {
		out.WriteString("---\n")
	}
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := r.w.Write(out.Bytes())
	return err
}

// messageNode is the YAML twin of appendMessageJSON.
func (r *Renderer) messageNode(m *ami.Message) *yaml.Node {
	n := r.headersNode(m.Headers, false)
	if m.Legacy {
		lines, _ := m.CommandOutput()
		addPair(n, "output", stringsNode(lines))
	}
	return n
}

func (r *Renderer) headersNode(hs []ami.Header, skipOutput bool) *yaml.Node {
	g := &r.group
	g.reset(hs)
	n := mapping()
	for i := range hs {
		if !g.isFirst(i) || skipOutput && strings.EqualFold(hs[i].Key, "Output") {
			continue
		}
		next := g.next(i)
		if next < 0 {
			addPair(n, hs[i].Key, str(hs[i].Value))
			continue
		}
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		seq.Content = append(seq.Content, str(hs[i].Value))
		for j := next; j >= 0; j = g.next(j) {
			seq.Content = append(seq.Content, str(hs[j].Value))
		}
		addPair(n, hs[i].Key, seq)
	}
	return n
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} }

func addPair(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

func stringsNode(ss []string) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, s := range ss {
		seq.Content = append(seq.Content, str(s))
	}
	return seq
}

// str is a string scalar. Invalid UTF-8 is replaced byte by byte, as in
// JSON; yaml.v3 would otherwise write it as !!binary.
func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: validUTF8(s)}
	// Line breaks stay escaped on one line: yaml.v3's block scalars lose a
	// value that is only "\n", and one header per line is easier to grep.
	// yaml.v3 leaves the merge key << bare, which readers then try to merge.
	if sexagesimal(s) || strings.ContainsAny(s, "\n\r") || s == "<<" {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// sexagesimal reports values like 00:01:12 (CoreShowChannel's Duration)
// that YAML 1.1 readers such as PyYAML take for base-60 numbers; yaml.v3
// follows YAML 1.2 and would leave them bare.
func sexagesimal(s string) bool {
	colon := false
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ':' && digits > 0:
			colon = true
			digits = 0
		case c == '.' && colon:
			return digits > 0
		default:
			return false
		}
	}
	return colon && digits > 0
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
