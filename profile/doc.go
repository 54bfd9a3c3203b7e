// Package profile owns amsh's connection profiles: finding the profiles file (Locate), reading and
// strictly validating it (Load), choosing a profile (File.Select) and turning a profile's secret
// source into the secret itself (Profile.ResolveSecret).
//
// It must not touch the network or the terminal. It never dials Asterisk and never prompts: when a
// profile names no secret it reports ErrNoSecret, and cmd/ decides between $AMSH_SECRET and a
// no-echo prompt. Warnings are returned as strings for the caller to print, not printed here.
//
// Every problem in the file is a *ConfigError that names the file, the line and the key, so cmd/
// can map it to exit code 2 and the operator can go straight to the line. A problem inside one
// profile breaks only that profile (File.Broken): the others still load, and the error comes when
// the broken profile is selected. No error built here ever holds a secret.
//
// Paths in secret_file and tls_ca may start with "~/" (the user's home directory); a relative path
// is taken relative to the directory of the profiles file, never the current directory.
package profile
