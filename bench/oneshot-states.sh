#!/usr/bin/env bash
# bench/oneshot-states.sh [RUNS] — the one-shot comparison of bench/oneshot.sh (amsh with a plain
# login against bench/minimal), with the same two binaries timed in three states of the page cache:
#
#   as linked          just built: the Go linker wrote the file through a memory map
#   copied             the same bytes written again by cp (as install(1) or a package would)
#   re-read from disk  after the page cache was dropped and the files read back (needs root)
#
# The binaries do not change between the rows, only how their pages sit in memory; starting a
# process maps those pages, and the larger binary (amsh) pays more for it. Each row is the median
# of RUNS rounds (default 100) in a random order (oneshot -shuffle). Needs the sandbox up.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
. bench/oneshot-setup.sh

row() { # row LABEL MINIMAL AMSH
	"$tmp/oneshot" -shuffle -n "$runs" \
		"minimal|$2|command|$AMSH_SANDBOX_ADDR|amsh|$secret|core show channels" \
		"amsh|$3|--config|$tmp/profiles.yaml|-p|plain|command|core show channels" |
		awk -v label="$1" 'NR > 1 { sub("ms", "", $2); t[NR] = $2 }
			END { printf "%-18s minimal %6.2f ms   amsh %6.2f ms   %.2fx\n", label, t[2], t[3], t[3] / t[2] }'
}

row "as linked" "$tmp/minimal" "$tmp/amsh"
cp "$tmp/minimal" "$tmp/minimal.cp"
cp "$tmp/amsh" "$tmp/amsh.cp"
row "copied" "$tmp/minimal.cp" "$tmp/amsh.cp"
if [ "$(stat -f -c %T "$tmp")" = tmpfs ]; then
	echo "re-read from disk  skipped: $tmp is on tmpfs, whose pages dropping the cache keeps (set TMPDIR to a disk)"
elif [ -w /proc/sys/vm/drop_caches ]; then
	sync
	echo 3 >/proc/sys/vm/drop_caches
	for _ in $(seq 20); do # read back in and warm up, Asterisk's side too
		"$tmp/minimal" command "$AMSH_SANDBOX_ADDR" amsh "$secret" 'core show channels' >/dev/null
		"$tmp/amsh" --config "$tmp/profiles.yaml" -p plain command 'core show channels' >/dev/null
	done
	row "re-read from disk" "$tmp/minimal" "$tmp/amsh"
else
	echo "re-read from disk  skipped: dropping the page cache needs root"
fi
