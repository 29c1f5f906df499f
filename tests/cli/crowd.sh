#!/usr/bin/env bash
# crowd.sh: Dawid-Skene in consensus (issue 10, part 7). A synthetic crowd
# of known confusion labels 9 tasks through queue claim/submit, overlap 5:
# two careful labelers (always right), two who always say x, and one who
# says x for y and z and y for x. Each answer is a box and an image class.
# Majority per task gets only the x tasks right; Dawid-Skene over the
# batch (boxel consensus --batch) learns who carries information.
# Then: Dawid-Skene's answers survive later merges of their tasks, and
# under aggregation = dawid-skene it runs by itself before an export of a
# stale batch, never in the submit that completes the batch (that labeler
# would wait for the whole batch's EM).
. "$(dirname "$0")/lib.sh"

export BOXEL_DB=$T_TMP/c.db
py() { /usr/bin/python3 -c "$@"; }
jget() { cjget "$@"; }
IMG=$T_TMP/images
mkdir -p "$IMG"
tiny_pngs "$IMG" 32 24 t0{0..8}.png
cat > "$T_TMP/tax.json" <<'TAX'
{"name": "xyz", "classes": [
  {"name": "x", "hotkey": "r", "geometries": ["box", "tag"]},
  {"name": "y", "hotkey": "t", "geometries": ["box", "tag"]},
  {"name": "z", "hotkey": "w", "geometries": ["box", "tag"]}]}
TAX
# project AGGREGATION: a new store at $BOXEL_DB with the crowd and its batch.
project() {
	"$BOXEL" init --images "$IMG" --taxonomy "$T_TMP/tax.json" >/dev/null
	"$BOXEL" import "$IMG" >/dev/null
	"$BOXEL" config set aggregation "$1" >/dev/null
	for u in care1 care2 spam1 spam2 swap; do "$BOXEL" user add $u --role annotator >/dev/null; done
	"$BOXEL" batch create crowd --kind production --overlap 5 --tasks all >/dev/null
}
project majority

# truth tNN: x, y, z in turn. said USER TRUTH: the labeler's confusion.
truth() { local i=${1#t}; i=${i%.png}; echo "xyz" | cut -c$(( 10#$i % 3 + 1 )); }
said() {
	case $1 in
	care*) echo "$2";;
	spam*) echo x;;
	swap) case $2 in x) echo y;; *) echo x;; esac;;
	esac
}
work() {
	local u=$1 c j t s n=0
	while c=$("$BOXEL" queue claim --user "$u" --json 2>/dev/null); do
		j=$(jget "$c" judgment); t=$(jget "$c" token)
		s=$(said "$u" "$(truth "$(jget "$c" image)")")
		printf '{"annotations":[{"class":"%s","box":[2,3,10,8]},{"class":"%s"}]}\n' \
			"$s" "$s" > "$T_TMP/a.json"
		run "$BOXEL" queue submit --user "$u" --judgment "$j" --token "$t" "$T_TMP/a.json"
		[ "$RC" -eq 0 ] || { fail "submit $u: $ERR"; return; }
		n=$((n + 1))
	done
	check "$u labeled all 9 tasks" test "$n" = 9
}
for u in care1 care2 spam1 spam2 swap; do work $u; done

# right: how many tasks' consensus box class and image classes are the truth.
right() {
	sqlite3 -separator ' ' "$BOXEL_DB" "SELECT t.image, a.answer FROM task_answers a JOIN tasks t ON t.id = a.task WHERE a.kind = 'consensus' ORDER BY t.image" |
	py '
import json, sys
box = tag = n = 0
for line in sys.stdin:
    img, ans = line.split(" ", 1)
    want = "xyz"[int(img[1:3]) % 3]
    a = json.loads(ans)["annotations"]
    n += 1
    box += [o["class"] for o in a if "box" in o] == [want]
    tag += sorted(o["class"] for o in a if "box" not in o) == [want]
print(n, box, tag)'
}
MAJ=$(right)
echo "majority: tasks, right box classes, right image classes: $MAJ"
check "majority gets the x tasks only" test "$MAJ" = "9 3 3"
expect_rc 0 "consensus by Dawid-Skene" "$BOXEL" consensus --batch crowd --json
check "counts" py '
import json, sys; d = json.loads(sys.argv[1])
assert d["tasks"] == 9 and d["objects"] == 9 and d["images"] == 9, d
assert d["objects_changed"] == 6 and d["images_changed"] == 6, d' "$OUT"
DS=$(right)
echo "dawid-skene: tasks, right box classes, right image classes: $DS"
check "Dawid-Skene recovers every true class" test "$DS" = "9 9 9"
check "logged" test "$(sqlite3 "$BOXEL_DB" "SELECT count(*) FROM events WHERE what = 'consensus'")" = 1
expect_rc 0 "again, from the judgments" "$BOXEL" consensus --batch crowd
check "text says so" contains "$OUT" "consensus of 9 tasks by Dawid-Skene; 6 of 9 objects"

# --- a late review or submit merges one task again: Dawid-Skene's answer
# stays while the task's judgments are the ones it came from.
q() { sqlite3 "$BOXEL_DB" "$1"; }
jid() { q "SELECT j.id FROM judgments j JOIN tasks t ON t.id = j.task JOIN users u ON u.id = j.labeler
	WHERE t.image = '$1' AND u.name = '$2' AND j.state = 'submitted'"; }
# box IMAGE: the consensus objects of IMAGE as "class x,y,w,h ..."
box() {
	q "SELECT a.answer FROM task_answers a JOIN tasks t ON t.id = a.task
		WHERE a.kind = 'consensus' AND t.image = '$1'" | py '
import json, sys
t = sys.stdin.read().strip()
print(" ".join("%s %s" % (o["class"], ",".join("%g" % v for v in o["box"]))
      for o in (json.loads(t)["annotations"] if t else []) if "box" in o))'
}
"$BOXEL" user add rev --role reviewer >/dev/null
check "t02 (a z task) is z by Dawid-Skene" test "$(box t02.png)" = "z 2,3,10,8"
expect_rc 0 "a late accept of care2's z on t02" "$BOXEL" review accept "$(jid t02.png care2)" --user rev
check "t02 keeps Dawid-Skene's z (the vote would say x)" test "$(box t02.png)" = "z 2,3,10,8"
expect_rc 0 "reject care1's y on t01" "$BOXEL" review reject "$(jid t01.png care1)" --user rev --comment "redo"
check "t01 has no consensus while a judgment is missing" test -z "$(box t01.png)"
c=$("$BOXEL" queue claim --user care1 --json)
check "care1 gets t01 back" test "$(jget "$c" image)" = t01.png
printf '{"annotations":[{"class":"y","box":[3,3,10,8]},{"class":"y"}]}\n' > "$T_TMP/a.json"
expect_rc 0 "care1's redo" "$BOXEL" queue submit --user care1 --judgment "$(jget "$c" judgment)" \
	--token "$(jget "$c" token)" "$T_TMP/a.json"
check "t01 merged again from its new judgments: the vote's x, the box moved" \
	test "$(box t01.png)" = "x 2.2,3,10,8"
LATE=$(right)
check "the other 8 tasks keep Dawid-Skene's classes" test "$LATE" = "9 8 8"
check "stored as 8 by Dawid-Skene, 1 by vote" test \
	"$(q "SELECT group_concat(method || '=' || n) FROM (SELECT method, count(*) n FROM task_consensus GROUP BY 1 ORDER BY 1)")" = "dawid-skene=8,vote=1"

# --- under aggregation = dawid-skene an export of the stale batch runs it first.
classes_of() {  # the exported jsonl: tasks, right box classes, right image classes
	py '
import json, sys
box = tag = n = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    want = "xyz"[int(d["image"][1:3]) % 3]
    a = d["accepted"]["annotations"]
    n += 1
    box += [o["class"] for o in a if "box" in o] == [want]
    tag += sorted(o["class"] for o in a if "box" not in o) == [want]
print(n, box, tag)' "$1"
}
"$BOXEL" config set aggregation dawid-skene >/dev/null
expect_rc 0 "export the stale batch" "$BOXEL" export --format jsonl --batch crowd "$T_TMP/e1.jsonl"
check "exported with Dawid-Skene's classes" test "$(classes_of "$T_TMP/e1.jsonl")" = "9 9 9"
check "logged as run for the export" test "$(q "SELECT count(*) FROM events WHERE what = 'consensus' AND detail LIKE '%\"trigger\":\"export\"%'")" = 1
expect_rc 0 "export again" "$BOXEL" export --format jsonl --batch crowd "$T_TMP/e2.jsonl"
check "not stale: not run again" test "$(q "SELECT count(*) FROM events WHERE what = 'consensus'")" = 3

# --- ... and not in the submit that completes the batch: the export runs it.
export BOXEL_DB=$T_TMP/auto.db
project dawid-skene
for u in care1 care2 spam1 spam2; do work $u; done
check "no task has its overlap before the last labeler" test "$(q "SELECT count(*) FROM task_consensus")" = 0
work swap
check "the completing submit ran no Dawid-Skene: no run logged, no answer kept" test \
	"$(q "SELECT (SELECT count(*) FROM events WHERE what = 'consensus') || ' ' || (SELECT count(*) FROM ds_answers)")" = "0 0"
check "... every task by the per-task vote" test \
	"$(q "SELECT group_concat(method || '=' || n) FROM (SELECT method, count(*) n FROM task_consensus GROUP BY 1)")" = "vote=9"
expect_rc 0 "export right after" "$BOXEL" export --format jsonl --batch crowd "$T_TMP/e3.jsonl"
check "exported with Dawid-Skene's classes, no manual run" test "$(classes_of "$T_TMP/e3.jsonl")" = "9 9 9"
check "run once, for the export, and kept" test \
	"$(q "SELECT (SELECT count(*) FROM events WHERE what = 'consensus' AND detail LIKE '%\"trigger\":\"export\"%') || ' ' || (SELECT count(*) FROM ds_answers)")" = "1 9"
check "the store's consensus is Dawid-Skene's now" test "$(right)" = "9 9 9"

expect_rc 2 "an unknown batch" "$BOXEL" consensus --batch nosuch
check "one line naming it" test "$ERR" = "boxel: no batch nosuch (see 'boxel batch list')"
"$BOXEL" batch create single --kind production --tasks all >/dev/null 2>&1
expect_rc 2 "overlap 1" "$BOXEL" consensus --batch single
check "says why" contains "$ERR" "has overlap 1"
expect_rc 2 "no --batch" "$BOXEL" consensus
expect_rc 0 "the setting takes dawid-skene" "$BOXEL" config set aggregation dawid-skene
finish
