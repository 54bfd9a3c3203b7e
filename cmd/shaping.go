package cmd

import (
	"strings"

	"github.com/amsh/amsh/render"
)

// Output shaping for scripts: --jq filters json output, and
// --columns chooses the columns of text tables, csv and tsv. Both are
// checked, and --jq compiled, in validateGlobal, before anything is
// dialled; render applies them.

// outputFlag is -o/--output: a string that remembers it was given, so --jq
// can tell the default text (which it turns into json) from -o text.
type outputFlag struct {
	value *string
	set   *bool
}

func (o *outputFlag) String() string {
	if o.value == nil {
		return ""
	}
	return *o.value
}

func (o *outputFlag) Set(s string) error {
	*o.value, *o.set = s, true
	return nil
}

func (o *outputFlag) Type() string { return "string" }

// shapeOutput checks --jq and --columns against the output format and
// returns the format to use: json when --jq is given without -o.
func (f *Factory) shapeOutput(format render.Format) (render.Format, error) {
	g := &f.Global
	g.jq = nil
	if g.JQ != "" {
		if format == render.Text && !g.outputSet {
			format = render.JSON
		}
		if format != render.JSON {
			return format, usageErrorf("--jq filters json output: leave out -o %s (--jq implies -o json)", format)
		}
		jq, err := render.ParseJQ(g.JQ)
		if err != nil {
			return format, usageErrorf("--jq: %v", err)
		}
		g.jq = jq
	}
	for _, c := range g.Columns {
		if strings.TrimSpace(c) == "" {
			return format, usageErrorf("--columns %q: a column name is empty", strings.Join(g.Columns, ","))
		}
	}
	if len(g.Columns) > 0 && format != render.Text && format != render.CSV && format != render.TSV {
		return format, usageErrorf("--columns chooses the columns of text, csv and tsv, not %s (with json, use --jq)", format)
	}
	return format, nil
}
