// Package ami is amsh's AMI session layer: the wire format (Message, Reader,
// Writer) and the Session that owns one connection to Asterisk, logs in,
// matches replies to actions by ActionID and fans events out to subscribers.
//
// It owns every byte that crosses the socket. It must not touch a terminal,
// print, read profiles files or know about output formats: cmd/, shell/ and
// render/ do that on top of it.
package ami
