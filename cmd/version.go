package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/amsh/amsh/render"
)

// version and commit are set at build time by the Makefile (-X); build info
// fills them in for `go install` builds.
var version, commit = "", ""

// VersionInfo returns amsh's version, the VCS commit it was built from and the Go version.
func VersionInfo() (ver, rev, goVersion string) {
	ver, rev, goVersion = version, commit, "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if ver == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			ver = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && rev == "" {
				rev = s.Value
				if len(rev) > 12 {
					rev = rev[:12]
				}
			}
		}
	}
	if ver == "" {
		ver = "dev"
	}
	if rev == "" {
		rev = "unknown"
	}
	return ver, rev, goVersion
}

// VersionOptions are what `amsh version` needs.
type VersionOptions struct {
	IO       *IOStreams
	Format   func() string // the -o format
	Renderer func() *render.Renderer
}

func newVersionOptions(f *Factory) *VersionOptions {
	return &VersionOptions{IO: f.IO, Format: f.format, Renderer: f.Renderer}
}

// NewCmdVersion is `amsh version`; runF, when set, runs instead of versionRun.
func NewCmdVersion(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := newVersionOptions(f)
	return &cobra.Command{
		Use:   "version",
		Short: "Print amsh's version, commit and Go version",
		Long: `Print the version of amsh, the commit it was built from and the Go
version it was built with. 'amsh --version' prints the same. With -o json or
-o yaml it is a document with the keys version, commit and go.`,
		Example: `  amsh version
  amsh --version
  amsh version -o json | jq -r .version`,
		Args: argsBetween(0, 0),
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
}

// versionRun prints what `amsh version` and `amsh --version` print.
func versionRun(opts *VersionOptions) error {
	v, rev, gov := VersionInfo()
	if format := opts.Format(); ownDocument(format) {
		return opts.Renderer().Document(fields{{"version", v}, {"commit", rev}, {"go", gov}})
	}
	_, err := fmt.Fprintf(opts.IO.Out, "amsh %s (commit %s, %s)\n", v, rev, gov)
	return err
}

// amsh's own documents (version, profiles) are typed: numbers and booleans
// are JSON numbers and booleans, and keys are lower-case. Asterisk's
// messages stay strings, as they are on the wire; render prints those.

// field is one key of a document, in the order it is printed.
type field struct {
	Key   string
	Value any
}

// fields is a JSON or YAML object whose keys keep their order.
type fields []field

func (fs fields) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, kv := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendJSON(b, kv.Key); err != nil {
			return nil, err
		}
		b = append(b, ':')
		if b, err = appendJSON(b, kv.Value); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func (fs fields) MarshalYAML() (any, error) {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, kv := range fs {
		var k, v yaml.Node
		if err := k.Encode(kv.Key); err != nil {
			return nil, err
		}
		if err := v.Encode(kv.Value); err != nil {
			return nil, err
		}
		m.Content = append(m.Content, &k, &v)
	}
	return m, nil
}

// appendJSON appends v to b as compact JSON, with '<', '>' and '&' as they
// are. The error is Encode's; a string never has one.
func appendJSON(b []byte, v any) ([]byte, error) {
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// ownDocument says whether the -o format asks for a document (json or
// yaml) rather than text.
func ownDocument(format string) bool { return format == "json" || format == "yaml" }
