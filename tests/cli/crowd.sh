#!/usr/bin/env bash
# crowd.sh: Dawid-Skene in consensus (issue 10, part 7). A synthetic crowd
# of known confusion labels 9 tasks through queue claim/submit, overlap 5:
# two careful labelers (always right), two who always say x, and one who
# says x for y and z and y for x. Each answer is a box and an image class.
# Majority per task gets only the x tasks right; Dawid-Skene over the
# batch (boxel consensus --batch) learns who carries information.
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
"$BOXEL" init --images "$IMG" --taxonomy "$T_TMP/tax.json" >/dev/null
"$BOXEL" import "$IMG" >/dev/null
"$BOXEL" config set aggregation majority >/dev/null
for u in care1 care2 spam1 spam2 swap; do "$BOXEL" user add $u --role annotator >/dev/null; done
"$BOXEL" batch create crowd --kind production --overlap 5 --tasks all >/dev/null

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

expect_rc 2 "an unknown batch" "$BOXEL" consensus --batch nosuch
check "one line naming it" test "$ERR" = "boxel: no batch nosuch (see 'boxel batch list')"
"$BOXEL" batch create single --kind production --tasks all >/dev/null 2>&1
expect_rc 2 "overlap 1" "$BOXEL" consensus --batch single
check "says why" contains "$ERR" "has overlap 1"
expect_rc 2 "no --batch" "$BOXEL" consensus
expect_rc 0 "the setting takes dawid-skene" "$BOXEL" config set aggregation dawid-skene
finish
