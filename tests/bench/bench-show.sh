# bench-show.sh: `boxel show` against chafa on a 12-megapixel JPEG rendered to
# 160x60 truecolor half blocks. Prints median wall time, peak RSS and output
# bytes of both and boxel/chafa ratios. Figures only: never passes or fails
# on them (exit 0 unless a tool is missing or a run fails).
#
#   BOXEL=build/boxel BOXEL_SOURCE_ROOT=. bash tests/bench/bench-show.sh [RUNS]
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
: "${BOXEL_SOURCE_ROOT:?BOXEL_SOURCE_ROOT must point at the source tree}"
RUNS=${1:-${BENCH_RUNS:-7}}
SIZE=160x60

for tool in convert chafa /usr/bin/time; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench-show: $tool not found; skipped"
		exit 0
	fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/boxel-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
IMG=$TMP/12mp.jpg
convert "$BOXEL_SOURCE_ROOT/sample-data/rocket.jpg" -resize '4000x3000!' -quality 90 "$IMG" || exit 1
echo "input: $(identify -format '%wx%h' "$IMG") JPEG, $(stat -c %s "$IMG") bytes; $SIZE cells, truecolor half blocks; $RUNS runs each, alternating"

boxel_cmd=("$BOXEL" show --size "$SIZE" --colors full --symbols half "$IMG")
chafa_cmd=(chafa -f symbols --symbols vhalf --colors full --size "$SIZE" "$IMG")

# run NAME CMD...: one timed run (bash's own microsecond clock, no fork to
# read it); appends "us kb" to $TMP/NAME.runs and keeps
# the output in $TMP/NAME.out.
run() {
	local name=$1 t0 t1 kb
	shift
	t0=${EPOCHREALTIME/./}
	/usr/bin/time -f %M -o "$TMP/$name.rss" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || {
		echo "bench-show: $name failed:"; cat "$TMP/$name.err"; exit 1; }
	t1=${EPOCHREALTIME/./}
	kb=$(tail -1 "$TMP/$name.rss")
	echo "$((t1 - t0)) $kb" >>"$TMP/$name.runs"
}

# Warm the page cache once, untimed.
"${boxel_cmd[@]}" >/dev/null
"${chafa_cmd[@]}" >/dev/null
for i in $(seq "$RUNS"); do
	run boxel "${boxel_cmd[@]}"
	run chafa "${chafa_cmd[@]}"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
b_us=$(cut -d' ' -f1 "$TMP/boxel.runs" | median)
c_us=$(cut -d' ' -f1 "$TMP/chafa.runs" | median)
b_min=$(cut -d' ' -f1 "$TMP/boxel.runs" | sort -n | head -1)
c_min=$(cut -d' ' -f1 "$TMP/chafa.runs" | sort -n | head -1)
b_kb=$(cut -d' ' -f2 "$TMP/boxel.runs" | sort -n | tail -1)
c_kb=$(cut -d' ' -f2 "$TMP/chafa.runs" | sort -n | tail -1)
b_by=$(stat -c %s "$TMP/boxel.out")
c_by=$(stat -c %s "$TMP/chafa.out")
b_rows=$(wc -l <"$TMP/boxel.out")
c_rows=$(wc -l <"$TMP/chafa.out")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }'; }
printf '%-22s %12s %12s %10s\n' "" boxel chafa boxel/chafa
printf '%-22s %12.1f %12.1f %10s   (target <= 0.15)\n' "median wall time (ms)" \
	"$(awk -v v="$b_us" 'BEGIN { print v / 1000 }')" "$(awk -v v="$c_us" 'BEGIN { print v / 1000 }')" \
	"$(ratio "$b_us" "$c_us")"
# The fastest run is the least disturbed by other load on the machine.
printf '%-22s %12.1f %12.1f %10s\n' "min wall time (ms)" \
	"$(awk -v v="$b_min" 'BEGIN { print v / 1000 }')" "$(awk -v v="$c_min" 'BEGIN { print v / 1000 }')" \
	"$(ratio "$b_min" "$c_min")"
printf '%-22s %12s %12s %10s   (target <= 1)\n' "peak RSS (KiB)" "$b_kb" "$c_kb" "$(ratio "$b_kb" "$c_kb")"
printf '%-22s %12s %12s %10s   (target <= 1)\n' "output bytes" "$b_by" "$c_by" "$(ratio "$b_by" "$c_by")"
printf '%-22s %12s %12s\n' "output rows" "$b_rows" "$c_rows"
printf '%-22s %12s %12s\n' "bytes per row" "$((b_by / b_rows))" "$((c_by / c_rows))"
