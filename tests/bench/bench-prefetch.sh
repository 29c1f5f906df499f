# bench-prefetch.sh: time from pressing `s` in boxel label to the frame of
# the next task, on 12-megapixel JPEG tasks (shown from tile pyramids),
# with the prefetch (the next pyramid built in the background while the
# annotator works) and without it (BOXEL_PREFETCH=0). tmux drives the real
# program; the time is taken from sending the key until the status line
# counts the next task, and until no tile build is left going on (the
# picture is exact), polling the pane (a few ms per poll, the same for
# both). Figures only.
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
SRC=${BOXEL_SOURCE_ROOT:-$(dirname "$0")/../..}
N=${BENCH_TASKS:-6}
command -v tmux >/dev/null || { echo "tmux not installed: skipping"; exit 0; }
command -v convert >/dev/null || { echo "ImageMagick convert not installed: skipping"; exit 0; }
T=$(mktemp -d "${TMPDIR:-/tmp}/boxel-bench.XXXXXX")
SOCK="boxel-bench-$$"
tmx() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tmx kill-server 2>/dev/null; rm -rf "$T"' EXIT
export LANG=C.UTF-8

"$BOXEL" demo "$T/p" --no-label --user alice >/dev/null || exit 1
DB=$T/p/boxel.db
mkdir -p "$T/p/images/big"
convert "$SRC/sample-data/rocket.jpg" -resize '4000x3000!' -quality 90 "$T/big.jpg" || exit 1
for i in $(seq 1 "$N"); do
	# distinct files (a comment changes the bytes), same pixels
	convert "$T/big.jpg" -set comment "task $i" -quality 90 "$T/p/images/big/big$i.jpg"
done
"$BOXEL" import --db "$DB" "$T/p/images/big" >/dev/null || exit 1
"$BOXEL" batch create big --kind production --priority 10 --db "$DB" >/dev/null || exit 1
cp "$DB" "$T/fresh.db"
W=t0

screen_has() { tmx capture-pane -p -t "$W" | grep -qF -- "$1"; }
wait_for() {
	local i=0
	while ! screen_has "$1"; do
		i=$((i + 1))
		if [ "$i" -gt 20000 ]; then echo "timed out waiting for $1" >&2; return 1; fi
	done
	return 0
}

# run MODE: one session, N-1 submits; prints the times in ms.
run() {
	local mode=$1 i t0 t1 out="" db=$T/run$1.db
	# a copy per run (the image root is absolute), a window per run
	cp "$T/fresh.db" "$db"
	tmx -u new-session -d -s "t$mode" -x 160 -y 50 \
		"env TERM=xterm-256color BOXEL_PREFETCH=$mode $(printf '%q' "$BOXEL") label --db $(printf '%q' "$db") --user alice; sleep 600"
	W=t$mode
	wait_for "big/big" || return 1
	for i in $(seq 2 "$N"); do
		# the annotator works on the task (the scene attribute is required)
		tmx send-keys -t "$W" g Right Escape
		sleep 1.5
		# Tasks come in a random order: the next frame is the one whose
		# status counts task i (the submitted one's name stays on the
		# message line).
		t0=$(date +%s%N)
		tmx send-keys -t "$W" s
		wait_for "task $i/$N" || return 1
		t1=$(date +%s%N)
		# ... and until its picture is exact: no tile build still going
		# on (the status line counts "tiles N%" while there is).
		while tmx capture-pane -p -t "$W" | tail -1 | grep -q " tiles [0-9]*%"; do :; done
		t2=$(date +%s%N)
		out="$out $(( (t1 - t0) / 1000 )):$(( (t2 - t0) / 1000 ))"
	done
	tmx send-keys -t "$W" q
	echo "$out"
}

stats() {
	/usr/bin/python3 -c '
import sys, statistics
v = [int(x) / 1000 for x in sys.argv[2:]]
print("%-16s n=%d  median %6.1f ms  mean %6.1f ms  min %6.1f  max %6.1f" % (sys.argv[1], len(v),
      statistics.median(v), statistics.mean(v), min(v), max(v)))' "$@"
}

echo "submit -> next frame, 4000x3000 JPEG tasks, 160x50 pane:"
# run in this shell (not $(...)) so W is kept between helpers
run 0 > "$T/off" || exit 1
run 1 > "$T/on" || exit 1
first() { for v in $1; do printf '%s ' "${v%%:*}"; done; }
exact() { for v in $1; do printf '%s ' "${v##*:}"; done; }
OFF=$(cat "$T/off")
ON=$(cat "$T/on")
echo "next task on screen (its picture may still be filling in):"
stats "no prefetch" $(first "$OFF")
stats "prefetch" $(first "$ON")
echo "next task's picture exact (its tile pyramid ready):"
stats "no prefetch" $(exact "$OFF")
stats "prefetch" $(exact "$ON")
# For scale: one decode at the pane's size, outside boxel (djpeg -scale 1/8).
if command -v djpeg >/dev/null; then
	t0=$(date +%s%N); djpeg -scale 1/8 "$T/big.jpg" >/dev/null; t1=$(date +%s%N)
	echo "djpeg -scale 1/8 of one image: $(( (t1 - t0) / 1000000 )) ms"
fi
