# later.sh: a submit that completes a task beside a heavy answer (over
# 64 KiB) leaves the task's merge to a process of its own, `boxel consensus
# --judgment`, started detached. Checked: that consensus lands by itself, the
# same as when the heavy answer's own submit merged it; it counts the
# submit's judgments; a merge that never landed (its process killed) is
# found and done by `boxel consensus --pending`; the small merge of two
# ordinary answers is still done by the submit itself.
. "$(dirname "$0")/lib.sh"

export BOXEL_DB=$(db_new later)
"$BOXEL" init --images "$T_TMP" --taxonomy "$BOXEL_SOURCE_ROOT/sample-data/taxonomy.json" >/dev/null
"$BOXEL" config set serve_order import >/dev/null
for i in 1 2 3; do
	db_query "$BOXEL_DB" "INSERT INTO tasks(image, width, height, created_ms) VALUES ('img$i.jpg', 4000, 4000, $i)"
done
"$BOXEL" user add alice --role annotator >/dev/null
"$BOXEL" user add bob --role annotator >/dev/null
"$BOXEL" batch create b --kind production --overlap 2 >/dev/null

# heavy: a 6,000-vertex polygon (about 70 KiB) and a box bob's matches.
/usr/bin/python3 - > "$T_TMP/heavy.json" <<'PY'
import math
pts = ",".join("[%d,%d]" % (2000 + (1500 if i % 2 else 1450) * math.cos(2 * math.pi * i / 6000),
                            2000 + (1500 if i % 2 else 1450) * math.sin(2 * math.pi * i / 6000))
               for i in range(6000))
print('{"annotations":[{"class":"plume","polygon":[%s]},'
      '{"class":"rocket","box":[10,10,50,40]}],"global":{"scene":"outdoor"}}' % pts)
PY
cat > "$T_TMP/small.json" <<'JSON'
{"annotations": [{"class": "rocket", "box": [12, 10, 50, 40]},
                 {"class": "rocket", "box": [100, 100, 30, 30]}],
 "global": {"scene": "outdoor"}}
JSON
check "the heavy answer is over 64 KiB" test "$(stat -c %s "$T_TMP/heavy.json")" -gt 65536

jget() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
# work USER FILE: claim and submit FILE; prints the judgment id.
work() {
	local c
	c=$("$BOXEL" queue claim --user "$1" --json) || return 1
	"$BOXEL" queue submit --user "$1" --judgment "$(jget "$c" judgment)" \
		--token "$(jget "$c" token)" "$2" >/dev/null || return 1
	jget "$c" judgment
}
cons() { db_query "$BOXEL_DB" "SELECT c.njudgments || ' ' || c.agreement || ' ' || c.needs_review || ' ' || a.answer FROM task_consensus c JOIN task_answers a ON a.task = c.task AND a.kind = 'consensus' WHERE c.task = $1"; }
# wait_cons TASK: up to 20 s for the detached merge to land.
wait_cons() {
	local i=0
	while [ -z "$(cons "$1")" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	[ -n "$(cons "$1")" ]
}

# Task 1: alice's heavy answer first, bob completes it (the merge left to
# its own process). Task 2: bob first, alice's heavy answer completes it
# (her submit merges, as always).
J1=$(work alice "$T_TMP/heavy.json") && J2=$(work bob "$T_TMP/small.json")
check "task 1: both submits went through" test -n "${J2:-}"
check "task 1's consensus lands by itself" wait_cons 1
J3=$(work bob "$T_TMP/small.json") && J4=$(work alice "$T_TMP/heavy.json")
check "task 2: both submits went through" test -n "${J4:-}"
check "task 2's consensus came with the heavy submit" test -n "$(cons 2)"
check "the merge left to its own process is the one the submit makes" test "$(cons 1)" = "$(cons 2)"
check "it counts both judgments" test "$(cons 1 | cut -d' ' -f1)" = 2
check "the boxes that agree are in it" contains "$(cons 1)" '"box":[11'
check "a submit event for each, no refusal" test "$(db_query "$BOXEL_DB" "SELECT count(*) FROM events WHERE what = 'submit'")" = 4
later() { db_query "$BOXEL_DB" "SELECT count(*) FROM events WHERE what = 'consensus' AND detail LIKE '%\"task\":$1,%\"trigger\":\"later\"%'"; }
check "task 1 was merged by a process of its own (its event)" test "$(later 1)" = 1
check "task 2 by the heavy submit itself" test "$(later 2)" = 0

# A merge whose process was killed: the consensus is missing (as if it
# never landed); --pending finds the task and merges it.
before=$(cons 1)
db_query "$BOXEL_DB" "DELETE FROM task_consensus WHERE task = 1; DELETE FROM task_answers WHERE task = 1 AND kind = 'consensus'"
expect_rc 0 "consensus --pending" "$BOXEL" consensus --pending
check "--pending says how many" contains "$OUT" "1 pending merge done"
check "the same consensus again" test "$(cons 1)" = "$before"
expect_rc 0 "nothing pending now" "$BOXEL" consensus --pending --json
check "--json: none merged" test "$OUT" = '{"merged":0}'
expect_rc 0 "consensus --judgment merges that task again" "$BOXEL" consensus --judgment "$J2"
check "still the same" test "$(cons 1)" = "$before"
expect_rc 2 "an unknown judgment" "$BOXEL" consensus --judgment 999
check "says which" contains "$ERR" "judgment 999: no such judgment"
check "one line" one_line "$ERR"
expect_rc 2 "two modes at once" "$BOXEL" consensus --pending --judgment "$J2"
expect_rc 2 "a bad id" "$BOXEL" consensus --judgment x

# Ordinary answers on both sides: the submit merges it itself, at once.
J5=$(work alice "$T_TMP/small.json") && J6=$(work bob "$T_TMP/small.json")
check "task 3: both submits went through" test -n "${J6:-}"
check "task 3's consensus is there as the submit returns" test -n "$(cons 3)"
check "two agreeing small answers agree fully" awk -v a="$(cons 3 | cut -d' ' -f2)" 'BEGIN { exit !(a == 1) }'
on_file && check "integrity ok" test "$(db_query "$BOXEL_DB" 'PRAGMA integrity_check')" = ok
finish
