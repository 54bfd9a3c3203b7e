// Package goami2bench compares amsh's ami.Reader with
// github.com/staskobzar/goami2 v1.7.7 and with a framing-only scan, over the
// Asterisk 22 corpora in shared/corpus. It is a separate module so that
// amsh itself never depends on goami2. Run: go test -bench . -benchmem
package goami2bench
