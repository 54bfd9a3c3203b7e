package render

import (
	"bytes"
	"encoding/json"

	"gopkg.in/yaml.v3"
)

// Document renders one of amsh's own typed documents (version, profiles,
// ping): v is encoded by encoding/json, indented by two spaces, or by
// yaml.v3 (so v keeps its key order by implementing json.Marshaler and
// yaml.Marshaler, or by being a json.RawMessage or a *yaml.Node). Its values have real types, unlike Asterisk's, which are
// strings. --jq applies to it as to every json document. In text, raw, csv
// and tsv the caller prints the document its own way; Document writes json
// for them.
func (r *Renderer) Document(v any) error {
	var b bytes.Buffer
	if r.opts.Format == YAML {
		if r.docs > 0 {
			b.WriteString("---\n")
		}
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(v); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
	} else {
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	r.buf = append(r.buf[:0], b.Bytes()...)
	return r.finish(r.write())
}
