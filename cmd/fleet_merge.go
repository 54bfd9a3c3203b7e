package cmd

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/amsh/amsh/ami"
)

// --merge prints a fleet's results as one list instead of one block per
// target: every record of every target, in the order the targets were
// given, with a first field Profile naming its target. Each target prints
// json (its run ignores -o, --jq and --columns); its documents are cut into
// records here:
//
//   - a list action's result ({"response", "events", "complete"}): its
//     events; a result with no list: its response; a CLI command's output:
//     one record {"Output": LINE} a line;
//   - an array (a table amsh built): its elements;
//   - any other object (ping): itself, a nested object's keys flattened as
//     "key.sub".
//
// text, csv and tsv then render the records as the event list of one
// result, so they look like a single target's list with a Profile column
// first (a table per event name; codes decoded; fitted to the terminal;
// --columns chooses). json and yaml are one array of the records, values
// keeping their JSON types, and --jq applies to that array.

// mergeKey is the field naming a record's target.
const mergeKey = "Profile"

// jsonField is one key of a JSON object, its value as written.
type jsonField struct {
	key string
	val json.RawMessage
}

// mergedRecord is one record of a merged list.
type mergedRecord struct {
	profile string
	fields  []jsonField
}

// fleetMerge collects the records of --merge.
type fleetMerge struct {
	recs []mergedRecord
}

// add cuts one target's output into records. Output that is not JSON is
// kept a line a record, as {"Output": LINE}.
func (m *fleetMerge) add(name string, out []byte) {
	vals, err := jsonValues(out)
	if err != nil {
		for line := range strings.Lines(string(out)) {
			v, _ := appendJSON(nil, strings.TrimSuffix(line, "\n"))
			m.recs = append(m.recs, mergedRecord{name, []jsonField{{"Output", v}}})
		}
		return
	}
	for _, v := range vals {
		for _, fs := range jsonRecords(v) {
			fs = slices.DeleteFunc(fs, func(fl jsonField) bool { return namesTarget(fl, name) })
			m.recs = append(m.recs, mergedRecord{name, fs})
		}
	}
}

// jsonRecords cuts one JSON document into records (see above).
func jsonRecords(v json.RawMessage) [][]jsonField {
	switch v[0] {
	case '[':
		var elems []json.RawMessage
		json.Unmarshal(v, &elems) // v came from jsonValues: valid
		var recs [][]jsonField
		for _, e := range elems {
			recs = append(recs, jsonRecord(e))
		}
		return recs
	case '{':
		fs := jsonObject(v)
		res := map[string]json.RawMessage{}
		for _, f := range fs {
			res[f.key] = f.val
		}
		_, hasEvents := res["events"]
		_, hasResponse := res["response"]
		if !hasEvents || !hasResponse {
			return [][]jsonField{flatten(nil, "", fs)}
		}
		if out, ok := res["output"]; ok {
			var lines []string
			json.Unmarshal(out, &lines)
			var recs [][]jsonField
			for _, l := range lines {
				v, _ := appendJSON(nil, l)
				recs = append(recs, []jsonField{{"Output", v}})
			}
			return recs
		}
		var events []json.RawMessage
		json.Unmarshal(res["events"], &events)
		if _, list := res["complete"]; list || len(events) > 0 {
			var recs [][]jsonField
			for _, e := range events {
				recs = append(recs, jsonRecord(e))
			}
			return recs
		}
		if r := res["response"]; r[0] == '{' {
			var kept []jsonField
			for _, f := range jsonObject(r) {
				if !strings.EqualFold(f.key, "ActionID") {
					kept = append(kept, f)
				}
			}
			return [][]jsonField{kept}
		}
		return nil
	}
	return [][]jsonField{{{"Value", v}}}
}

// jsonRecord is one element of a list as a record.
func jsonRecord(v json.RawMessage) []jsonField {
	if len(v) > 0 && v[0] == '{' {
		return flatten(nil, "", jsonObject(v))
	}
	return []jsonField{{"Value", v}}
}

// jsonObject lists the keys of the JSON object v in order.
func jsonObject(v json.RawMessage) []jsonField {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.Token() // {
	var fs []jsonField
	for dec.More() {
		k, err := dec.Token()
		var val json.RawMessage
		if err != nil || dec.Decode(&val) != nil {
			break
		}
		fs = append(fs, jsonField{k.(string), val})
	}
	return fs
}

// flatten appends fs to out, the keys of nested objects as "key.sub".
func flatten(out []jsonField, prefix string, fs []jsonField) []jsonField {
	for _, f := range fs {
		if len(f.val) > 0 && f.val[0] == '{' {
			out = flatten(out, prefix+f.key+".", jsonObject(f.val))
			continue
		}
		out = append(out, jsonField{prefix + f.key, f.val})
	}
	return out
}

// write prints the merged list in the fleet's format.
func (m *fleetMerge) write(f *Factory) error {
	switch f.format() {
	case "json":
		return m.writeJSON(f)
	case "yaml":
		return m.writeYAML(f)
	}
	res := &ami.Result{}
	for _, rec := range m.recs {
		msg := &ami.Message{Headers: []ami.Header{{Key: mergeKey, Value: rec.profile}}}
		for _, fl := range rec.fields {
			for _, v := range jsonCells(fl.val) {
				msg.Add(fl.key, v)
			}
		}
		res.Events = append(res.Events, msg)
	}
	if len(res.Events) == 0 {
		return nil
	}
	return f.Renderer().Result(res)
}

// jsonCells is a JSON value as header values: a string as it is, an
// array one value an element (a header repeated, as Asterisk repeats
// them), null as "", anything else as its JSON text.
func jsonCells(v json.RawMessage) []string {
	switch v[0] {
	case '"':
		var s string
		json.Unmarshal(v, &s)
		return []string{s}
	case 'n':
		return []string{""}
	case '[':
		var elems []json.RawMessage
		json.Unmarshal(v, &elems)
		var out []string
		for _, e := range elems {
			out = append(out, jsonCells(e)...)
		}
		return out
	}
	return []string{string(v)}
}

// writeJSON prints the records as one array, through --jq when given.
func (m *fleetMerge) writeJSON(f *Factory) error {
	b := []byte{'['}
	for i, rec := range m.recs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"`+mergeKey+`":`...)
		b, _ = appendJSON(b, rec.profile)
		for _, fl := range rec.fields {
			b = append(b, ',')
			b, _ = appendJSON(b, fl.key)
			b = append(b, ':')
			b = append(b, fl.val...)
		}
		b = append(b, '}')
	}
	b = append(b, ']')
	return writeFleetJSON(f, b)
}

// writeFleetJSON prints a fleet's JSON document as one profile's are
// printed: indented, or through --jq (escaped on a terminal).
func writeFleetJSON(f *Factory, doc []byte) error {
	return f.Renderer().Document(json.RawMessage(doc))
}

// writeYAML prints the records as one sequence of mappings.
func (m *fleetMerge) writeYAML(f *Factory) error {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, rec := range m.recs {
		mp := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		mp.Content = append(mp.Content, yamlStr(mergeKey), yamlStr(rec.profile))
		for _, fl := range rec.fields {
			mp.Content = append(mp.Content, yamlStr(fl.key), jsonYAML(fl.val))
		}
		seq.Content = append(seq.Content, mp)
	}
	return f.Renderer().Document(seq)
}

func yamlStr(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// jsonYAML is a flattened JSON value (a scalar, or an array of values) as
// a YAML node of the same type.
func jsonYAML(v json.RawMessage) *yaml.Node {
	switch v[0] {
	case '"':
		var s string
		json.Unmarshal(v, &s)
		return yamlStr(s)
	case 'n':
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case 't', 'f':
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: string(v)}
	case '[':
		var elems []json.RawMessage
		json.Unmarshal(v, &elems)
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range elems {
			seq.Content = append(seq.Content, jsonYAML(e))
		}
		return seq
	case '{':
		mp := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, fl := range jsonObject(v) {
			mp.Content = append(mp.Content, yamlStr(fl.key), jsonYAML(fl.val))
		}
		return mp
	}
	tag := "!!int"
	if bytes.ContainsAny(v, ".eE") {
		tag = "!!float"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(v)}
}
