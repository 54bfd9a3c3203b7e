#!/usr/bin/env bash
# bench/events.sh [EVENTS] — `amsh events -o json` fed by bench/replay, which streams the corpus'
# events right after the login as fast as amsh reads them. Five cases:
#   flat-out  `--count EVENTS | wc -l`, the server as fast as amsh reads: events/s; amsh reads faster
#             than it renders, so the buffer grows until --buffer stops it (exit 5, loudly)
#   300k/s    the same with the server paced at 300,000 events/s (RATE): two sizes, RSS must not grow
#   count     `--count 1000000 | wc -l` at 300k/s: events written (the first ones included)
#   sent      a server that sends exactly 1,000,000 events right after the login and hangs up:
#             events sent vs written (amsh ends with exit 5, connection lost, after writing them)
#   stalled   `| (sleep 3; wc -l)`, a consumer that pauses 3 s, at 300k/s and at Asterisk's 10k/s
# Each line gives events written, the exit status, peak RSS and amsh's longest GC stop-the-world
# pause (from GODEBUG=gctrace=1): a stall of the reader that Asterisk would see.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3000000}
corpus=${AMSH_SHARED:-../shared}/corpus/asterisk22-calls.raw.gz
port=${REPLAY_PORT:-15100}
rate=${RATE:-300000}
tmp=$(mktemp -d)
make -s build BIN="$tmp/amsh"
go build -o "$tmp/replay" ./bench/replay
"$tmp/replay" -listen "127.0.0.1:$port" -corpus "$corpus" 2>/dev/null &
replay=$!
"$tmp/replay" -listen "127.0.0.1:$((port + 1))" -corpus "$corpus" -rate "$rate" 2>/dev/null &
paced=$!
"$tmp/replay" -listen "127.0.0.1:$((port + 2))" -corpus "$corpus" -rate 10000 2>/dev/null &
asterisk=$!
"$tmp/replay" -listen "127.0.0.1:$((port + 3))" -corpus "$corpus" -events 1000000 -close 2>/dev/null &
exact=$!
trap 'kill $replay $paced $asterisk $exact 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 0.5

# amsh PORT ARGS... — runs amsh against a replay server under /usr/bin/time and gctrace.
amsh() {
	local p=$1
	shift
	env AMSH_SECRET=x GODEBUG=gctrace=1 ${BENCH_ENV:-} /usr/bin/time -f %M -o "$tmp/rss" \
		"$tmp/amsh" --host "127.0.0.1:$p" --user bench "$@" 2>"$tmp/err"
}
# report NAME WRITTEN STATUS MS — one result line.
report() {
	local pause rss note
	pause=$(grep -o '[0-9.]*+[0-9.]*+[0-9.]* ms clock' "$tmp/err" |
		awk -F'[+ ]' '{ if ($1 > m) m = $1; if ($3 > m) m = $3 } END { printf "%.2f", m }')
	rss=$(tail -n 1 "$tmp/rss")
	note=$(grep -v '^gc \|^Command exited' "$tmp/err" | tail -n 1 | cut -c1-160 || true)
	printf '%-28s written %8s  exit %3s  %6s ms  peak RSS %4d MB  max GC pause %s ms  %s\n' \
		"$1" "$2" "$3" "$4" $((rss / 1024)) "$pause" "$note"
}
run() { # NAME PORT CONSUMER ARGS...
	local name=$1 p=$2 consumer=$3 t0 t1 written status
	shift 3
	t0=$(date +%s%N)
	set +e
	written=$(amsh "$p" events -o json "$@" | eval "$consumer")
	status=${PIPESTATUS[0]}
	set -e
	t1=$(date +%s%N)
	report "$name" "$written" "$status" $(((t1 - t0) / 1000000))
}

run "flat-out --count $n" "$port" 'wc -l' --count "$n"
run "${rate}/s --count $n" $((port + 1)) 'wc -l' --count "$n"
run "${rate}/s --count $((n / 10))" $((port + 1)) 'wc -l' --count "$((n / 10))"
run "${rate}/s count 1000000" $((port + 1)) 'wc -l' --count 1000000
run "sent 1000000, then closed" $((port + 3)) 'wc -l'
run "${rate}/s stalled 3s" $((port + 1)) '(sleep 3; wc -l)' --count 1000000
run "${rate}/s stalled 3s, 1GiB" $((port + 1)) '(sleep 3; wc -l)' --count 1000000 --buffer 1GiB
run "${rate}/s stalled 3s, --drop" $((port + 1)) '(sleep 3; wc -l)' --count 1000000 --drop
run "10000/s stalled 3s" $((port + 2)) '(sleep 3; wc -l)' --count 100000
