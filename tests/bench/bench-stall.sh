# bench-stall.sh: does one submit's heavy quality work hold other writers
# up? A project with overlap 2 whose admin raised max_vertices: alice and
# bob each submit one polygon of BENCH_VERTICES vertices (150,000), so bob's
# submit merges two huge polygons into a consensus (seconds of CPU). While
# it runs, another process makes ten small writes (`user add`), 0.2 s
# apart; printed: the time of bob's submit and of each small write (a
# process start on this machine is the floor). Before consensus and gold
# scoring moved out of the write transaction, the small writes waited for
# the whole merge. Then a reviewer accepts bob's judgment, which redoes the
# task's consensus (the same merge) while the small writes run again.
# Last, a settings change suspends a third labeler of that task (run_settings
# below; BENCH_PHASE=settings runs that phase alone).
# BOXEL_BEFORE=older/boxel runs the same on that binary. Figures only,
# never pass/fail.
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
V=${BENCH_VERTICES:-150000}
PY=/usr/bin/python3
command -v convert >/dev/null || { echo "bench-stall: ImageMagick's convert not installed"; exit 77; }

# small_writes B T0 TAG: ten `user add`s 0.2 s apart, each one's time.
small_writes() {
	local s e i
	for i in $(seq 1 10); do
		s=$(date +%s.%N)
		"$1" user add "$3$i" --role annotator >/dev/null || echo "bench-stall: user add failed"
		e=$(echo "$(date +%s.%N) - $s" | bc)
		printf 'small write %2d at %5.2f s: %.2f s\n' "$i" "$(echo "$s - $2" | bc)" "$e"
		sleep 0.2
	done
}

run() { # run NAME BINARY
	local B=$2 D A Bc t0
	D=$(mktemp -d "${TMPDIR:-/tmp}/boxel-stall.XXXXXX")
	mkdir "$D/img"
	convert -size 2000x2000 xc:gray "$D/img/a.png"
	printf '{"name":"t","classes":[{"name":"obj","geometries":["polygon"]}]}' >"$D/tax.json"
	"$B" init --db "$D/s.db" --images "$D/img" --taxonomy "$D/tax.json" >/dev/null
	export BOXEL_DB=$D/s.db
	"$B" import "$D/img" >/dev/null
	for u in alice bob; do "$B" user add $u --role annotator >/dev/null; done
	"$B" user add rita --role reviewer >/dev/null
	# (An older binary has no limits to raise.)
	"$B" config set max_vertices 1000000 >/dev/null 2>&1
	"$B" config set max_answer_bytes 67108864 >/dev/null 2>&1
	"$B" batch create b --kind production --overlap 2 >/dev/null
	$PY - "$D" "$V" <<'PY'
import json, math, sys
d, n = sys.argv[1], int(sys.argv[2])
for name, r in (("a.json", 900), ("b.json", 880)):
    pts = [[round(1000 + r * math.cos(2 * math.pi * k / n) * (1 + 0.02 * math.sin(37 * k * 2 * math.pi / n)), 3),
            round(1000 + r * math.sin(2 * math.pi * k / n), 3)] for k in range(n)]
    json.dump({"annotations": [{"class": "obj", "polygon": pts}]}, open(d + "/" + name, "w"))
PY
	jg() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
	A=$("$B" queue claim --user alice --json)
	Bc=$("$B" queue claim --user bob --json)
	"$B" queue submit --user alice --judgment "$(jg "$A" judgment)" --token "$(jg "$A" token)" "$D/a.json" >/dev/null ||
		echo "bench-stall: alice's submit failed"
	echo "== $1: two polygons of $V vertices, consensus at bob's submit"
	t0=$(date +%s.%N)
	( "$B" queue submit --user bob --judgment "$(jg "$Bc" judgment)" --token "$(jg "$Bc" token)" "$D/b.json" >/dev/null ||
		echo "bench-stall: bob's submit failed"
	  printf "bob's submit (consensus): %.2f s\n" "$(echo "$(date +%s.%N) - $t0" | bc)" ) &
	sleep 0.3
	small_writes "$B" "$t0" u
	wait
	printf 'consensus stored: %s\n' "$(sqlite3 "$D/s.db" 'SELECT count(*) FROM task_consensus')"
	echo "== $1: a reviewer accepts bob's judgment (the consensus is merged again)"
	t0=$(date +%s.%N)
	( "$B" review accept "$(jg "$Bc" judgment)" --user rita >/dev/null ||
		echo "bench-stall: the review failed"
	  printf "the review (consensus again): %.2f s\n" "$(echo "$(date +%s.%N) - $t0" | bc)" ) &
	sleep 0.3
	small_writes "$B" "$t0" r
	wait
	rm -rf "$D"
}
# A settings change that re-evaluates everyone: carl shares the task with
# alice and bob (their classes differ, so a third judgment was asked for)
# and answered one gold wrong; `config set gold_min 1` suspends him, which
# holds his work and merges alice's and bob's huge polygons again.
run_settings() { # run_settings NAME BINARY
	local B=$2 D A Bc C t0
	D=$(mktemp -d "${TMPDIR:-/tmp}/boxel-stall.XXXXXX")
	mkdir "$D/img"
	convert -size 2000x2000 xc:gray "$D/img/a.png"
	convert -size 64x64 xc:gray "$D/img/g.png"
	printf '{"name":"t","classes":[{"name":"obj","geometries":["polygon"]},{"name":"other","geometries":["polygon"]}]}' >"$D/tax.json"
	"$B" init --db "$D/s.db" --images "$D/img" --taxonomy "$D/tax.json" >/dev/null
	export BOXEL_DB=$D/s.db
	"$B" import "$D/img" >/dev/null
	printf '{"image":"g.png","answer":{"annotations":[{"class":"obj","polygon":[[1,1],[30,1],[30,30]]}]}}\n' >"$D/gold.jsonl"
	"$B" import --as gold "$D/gold.jsonl" >/dev/null
	for u in alice bob carl; do "$B" user add $u --role annotator >/dev/null; done
	"$B" config set max_vertices 1000000 >/dev/null 2>&1
	"$B" config set max_answer_bytes 67108864 >/dev/null 2>&1
	"$B" config set agreement_bar 1 >/dev/null
	"$B" config set max_overlap 3 >/dev/null
	echo a.png >"$D/a.txt"
	echo g.png >"$D/g.txt"
	"$B" batch create b --kind production --overlap 2 --tasks "$D/a.txt" >/dev/null
	"$B" batch create g --kind production --gold-rate 1 --tasks "$D/g.txt" >/dev/null
	$PY - "$D" "$V" <<'PY'
import json, math, sys
d, n = sys.argv[1], int(sys.argv[2])
for name, r, cls in (("a.json", 900, "obj"), ("b.json", 880, "other")):
    pts = [[round(1000 + r * math.cos(2 * math.pi * k / n) * (1 + 0.02 * math.sin(37 * k * 2 * math.pi / n)), 3),
            round(1000 + r * math.sin(2 * math.pi * k / n), 3)] for k in range(n)]
    json.dump({"annotations": [{"class": cls, "polygon": pts}]}, open(d + "/" + name, "w"))
json.dump({"annotations": [{"class": "obj", "polygon": [[100, 100], [400, 100], [400, 400]]}]},
          open(d + "/c.json", "w"))
json.dump({"annotations": [{"class": "other", "polygon": [[1, 1], [30, 1], [30, 30]]}]},
          open(d + "/g.json", "w"))
PY
	jg() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
	sub() { # sub USER FILE
		local c
		c=$("$B" queue claim --user "$1" --json)
		"$B" queue submit --user "$1" --judgment "$(jg "$c" judgment)" --token "$(jg "$c" token)" "$2" \
			>/dev/null || echo "bench-stall: $1's submit failed"
	}
	sub alice "$D/a.json"
	sub bob "$D/b.json"
	sub carl "$D/c.json"
	sub carl "$D/g.json"
	echo "== $1: config set gold_min 1 suspends carl; his task's two $V-vertex polygons merge again"
	t0=$(date +%s.%N)
	( "$B" config set gold_min 1 || echo "bench-stall: config set failed"
	  printf "config set (consensus again): %.2f s\n" "$(echo "$(date +%s.%N) - $t0" | bc)" ) &
	sleep 0.3
	small_writes "$B" "$t0" s
	wait
	printf 'judgments in the consensus now: %s\n' "$(sqlite3 "$D/s.db" "SELECT njudgments FROM task_consensus c JOIN tasks t ON t.id = c.task WHERE t.image = 'a.png'")"
	rm -rf "$D"
}
if [ "${BENCH_PHASE:-all}" = settings ]; then
	[ -n "${BOXEL_BEFORE:-}" ] && run_settings before "$BOXEL_BEFORE"
	run_settings now "$BOXEL"
	exit 0
fi
[ -n "${BOXEL_BEFORE:-}" ] && run before "$BOXEL_BEFORE"
run now "$BOXEL"
[ -n "${BOXEL_BEFORE:-}" ] && run_settings before "$BOXEL_BEFORE"
run_settings now "$BOXEL"
