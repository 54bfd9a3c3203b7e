package cmd

import (
	"context"
	"errors"

	"github.com/amsh/amsh/ami"
	"github.com/amsh/amsh/profile"
)

// amiExitCode maps the session layer's and the profiles' typed errors to SPEC §2.
func amiExitCode(err error) (int, bool) {
	var (
		ue *ami.UnsafeValueError
		ae *ami.AuthError
		ce *ami.ConnError
		xe *ami.ActionError
		pe *ami.ProtocolError
		fe *profile.ConfigError
		se *profile.SelectError
		re *profile.SecretError
	)
	switch {
	case errors.As(err, &ue), errors.As(err, &fe), errors.As(err, &se), errors.As(err, &re):
		return ExitUsage, true
	case errors.As(err, &ae):
		return ExitAuth, true
	case errors.Is(err, context.Canceled):
		return ExitInterrupted, true
	case errors.As(err, &ce), errors.As(err, &pe):
		return ExitConn, true
	case errors.As(err, &xe):
		return ExitAsterisk, true
	}
	return 0, false
}
