package cmd

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/render"
	"github.com/spf13/cobra"
)

// PingOptions are what `amsh ping` needs.
type PingOptions struct {
	IO          *IOStreams
	Format      func() string // the -o format
	Renderer    func() *render.Renderer
	WithSession SessionFunc
	Send        SendFunc
}

// NewCmdPing is `amsh ping`; runF, when set, runs instead of pingRun.
func NewCmdPing(f *Factory, runF func(*PingOptions) error) *cobra.Command {
	opts := &PingOptions{IO: f.IO, Format: f.format, Renderer: f.Renderer, WithSession: f.WithSession, Send: f.Send}
	return addWatch(f, &cobra.Command{
		Use:   "ping",
		Short: "Log in, send Ping and print the round-trip time",
		Long: `Log in, send one Ping action and print how long Asterisk took to answer,
measured from writing the action to reading its response (the login is not
counted). It is the quickest check that a profile's host, credentials and
network path work.

Text output is one line. json and yaml give a document of amsh's own:
address, round_trip_ms (a number) and response, Asterisk's response as
received (its strings) without its ActionID. csv and tsv give the same as one
row: address, round_trip_ms, then the response's headers. raw prints the
response as received.`,
		Example: `  amsh ping
  amsh -p lab ping
  amsh ping --jq .round_trip_ms`,
		Args: argsBetween(0, 0),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return pingRun(c.Context(), opts)
		},
	}, nil)
}

func pingRun(ctx context.Context, opts *PingOptions) error {
	return opts.WithSession(ctx, "off", func(s *ami.Session) error {
		start := time.Now()
		res, err := opts.Send(ctx, s, ami.NewAction("Ping"))
		rtt := time.Since(start)
		if err != nil {
			return err
		}
		switch opts.Format() {
		case "text":
			_, err := fmt.Fprintf(opts.IO.Out, "Pong from %s in %s ms\n", s.Addr(), formatMillis(rtt))
			return err
		case "raw":
			return opts.Renderer().Result(res)
		}
		addr, ms := s.Addr(), math.Round(millis(rtt)*1000)/1000
		if f := opts.Format(); f == "csv" || f == "tsv" {
			kv := [][2]string{{"address", addr}, {"round_trip_ms", strconv.FormatFloat(ms, 'f', -1, 64)}}
			for _, h := range res.Response.Headers {
				if !strings.EqualFold(h.Key, "ActionID") {
					kv = append(kv, [2]string{h.Key, h.Value})
				}
			}
			return opts.Renderer().Fields(kv)
		}
		return opts.Renderer().Document(fields{
			{"address", addr},
			{"round_trip_ms", ms},
			{"response", headerFields(res.Response, "ActionID")},
		})
	})
}

// headerFields is an AMI message as a document's object: its headers as
// received, strings, in order; a repeated header one key holding an array,
// as render prints it. Headers named in leave are left out.
func headerFields(m *ami.Message, leave ...string) fields {
	var doc fields
	index := map[string]int{}
	for _, h := range m.Headers {
		if h.Key == "" || slices.ContainsFunc(leave, func(k string) bool { return strings.EqualFold(k, h.Key) }) {
			continue
		}
		k := strings.ToLower(h.Key)
		i, seen := index[k]
		if !seen {
			index[k] = len(doc)
			doc = append(doc, field{h.Key, h.Value})
			continue
		}
		switch v := doc[i].Value.(type) {
		case string:
			doc[i].Value = []string{v, h.Value}
		case []string:
			doc[i].Value = append(v, h.Value)
		}
	}
	return doc
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// formatMillis gives a round trip two or three significant digits: 0.41,
// 4.1, 41, 412.
func formatMillis(d time.Duration) string {
	ms := millis(d)
	switch {
	case ms < 1:
		return strconv.FormatFloat(ms, 'f', 2, 64)
	case ms < 100:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	}
	return strconv.FormatFloat(ms, 'f', 0, 64)
}
