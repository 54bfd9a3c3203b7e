package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/amsh/amsh/ami"
)

// runBare is what `amsh` with no arguments does. The REPL (shell/) is not
// built yet, so for now it logs in, says what it reached, and logs off.
func runBare(ctx context.Context, f *Factory) error {
	s, err := f.Session(ctx, "off")
	if err != nil {
		return err
	}
	defer s.Close()
	c, _ := f.Connection()
	actx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	version := ""
	if res, err := s.Send(actx, ami.NewAction("CoreSettings")); err == nil {
		version = res.Response.Get("AsteriskVersion")
	}
	where := c.Addr
	if c.ProfileName != "" {
		where = fmt.Sprintf("%s (profile %s)", c.Addr, c.ProfileName)
	}
	fmt.Fprintf(f.IO.Out, "connected to %s: %s", where, s.Banner())
	if version != "" {
		fmt.Fprintf(f.IO.Out, ", Asterisk %s", strings.TrimSpace(version))
	}
	fmt.Fprintln(f.IO.Out)
	f.note("the interactive shell is not built yet; try 'amsh --help' for what works today")
	return s.Logoff(actx)
}
