package cmd

import (
	"context"
	"fmt"
	"strconv"
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

Text output is one line; json and yaml give the address, the round trip in
milliseconds and the server's Timestamp; raw prints the response as received.`,
		Example: `  amsh ping
  amsh -p lab ping
  amsh -o json ping | jq -r .RoundTripMs`,
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
		kv := [][2]string{
			{"Address", s.Addr()},
			{"RoundTripMs", strconv.FormatFloat(millis(rtt), 'f', 3, 64)},
			{"Response", res.Response.Response()},
		}
		// Asterisk 1.8+ sends its clock; 1.4's Pong has none.
		if ts, ok := res.Response.Lookup("Timestamp"); ok {
			kv = append(kv, [2]string{"Timestamp", ts})
		}
		return opts.Renderer().Fields(kv)
	})
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
