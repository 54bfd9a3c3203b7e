#!/usr/bin/env bash
# bench/events.sh [EVENTS] — `amsh events --count EVENTS -o json > /dev/null` fed by bench/replay,
# which streams the corpus' events after login, without end, as fast as amsh reads. Prints events/s,
# peak RSS and how many events amsh dropped (its queue overflowing = not keeping up); run with two
# sizes to see that RSS does not grow with the stream's length.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3000000}
corpus=${AMSH_SHARED:-../shared}/corpus/asterisk22-calls.raw.gz
port=${REPLAY_PORT:-15100}
tmp=$(mktemp -d)
make -s build BIN="$tmp/amsh"
go build -o "$tmp/replay" ./bench/replay
"$tmp/replay" -listen "127.0.0.1:$port" -corpus "$corpus" &
replay=$!
trap 'kill $replay 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 0.5
t0=$(date +%s%N)
env AMSH_SECRET=x ${BENCH_ENV:-} /usr/bin/time -f %M -o "$tmp/rss" "$tmp/amsh" --host "127.0.0.1:$port" --user bench \
	events --count "$n" -o json >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
rss=$(cat "$tmp/rss")
dropped=$(grep -o '[0-9]* events dropped' "$tmp/err" | cut -d' ' -f1 || true)
echo "events: $n in ${ms} ms = $((n * 1000 / (ms > 0 ? ms : 1))) events/s, peak RSS $((rss / 1024)) MB, dropped ${dropped:-0}"
