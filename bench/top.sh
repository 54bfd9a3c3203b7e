#!/usr/bin/env bash
# bench/top.sh [CHANNELS] [WINDOW] — amsh top with many live channels (targets, README: a redraw under 30 ms,
# an idle screen under 2% of a core, with 10,000 channels).
#   redraw   go test -bench RedrawTerminal10k ./top: one redraw (the model's snapshot, the frame,
#            the screen's escape sequences to a counting writer) with 10,000 channels at 80x24 and
#            200x50; tick is the redraw of every second (durations moved on), full a whole screen
#            repainted
#   idle     the built amsh top on a pseudo-terminal (bench/ptycpu) against bench/busypbx holding
#            CHANNELS channels (10000) and sending nothing: the CPU amsh uses (utime+stime from
#            /proc/PID/stat) over WINDOW (60s, so two of top's 30 s full refreshes fall in it)
#   trickle  the same with the server sending 100 events/s, calls ending and starting (RATE)
# Each line gives the time until the screen showed every channel, the CPU over the window (seconds,
# % of one core), what amsh wrote to the terminal per second and its RSS at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
window=${2:-60s}
rate=${RATE:-100}
port=${BUSYPBX_PORT:-15200}
tmp=$(mktemp -d)
make -s build BIN="$tmp/amsh"
go build -o "$tmp/busypbx" ./bench/busypbx
go build -o "$tmp/ptycpu" ./bench/ptycpu
"$tmp/busypbx" -listen "127.0.0.1:$port" -channels "$n" 2>/dev/null &
idle=$!
"$tmp/busypbx" -listen "127.0.0.1:$((port + 1))" -channels "$n" -rate "$rate" 2>/dev/null &
busy=$!
trap 'kill $idle $busy 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 0.5

echo "== redraw, 10,000 channels (go test -bench RedrawTerminal10k ./top)"
go test -run '^$' -bench 'RedrawTerminal10k' -benchtime 3s ./top | grep '^Benchmark' |
	awk '{ printf "%-40s %7.2f ms  %8s term-B/op\n", $1, $3 / 1e6, $5 }'

# top NAME PORT SIZE — amsh top on a pty of SIZE against the server on PORT, measured over $window.
top() {
	printf '%-28s ' "$1"
	AMSH_SECRET=x "$tmp/ptycpu" -size "$3" -wait "Channels $((n / 2 * 2))\\b" -settle 3s -window "$window" -- \
		"$tmp/amsh" --host "127.0.0.1:$2" --user bench top
}
echo "== amsh top on a pty, $n channels, over $window"
top "idle" "$port" 80x24
top "idle" "$port" 200x50
top "trickle ${rate} events/s" $((port + 1)) 80x24
top "trickle ${rate} events/s" $((port + 1)) 200x50
