#!/usr/bin/env bash
# globals.sh: global (per-image) attributes in quality (issue 10, part 8).
# Gold states a scene; a labeler with the right box and the wrong scene
# scores 0.5, unless compare_attributes leaves the scene out. Consensus
# takes the scene by weighted vote (one careful labeler outvotes two who
# are right half the time) and always carries every global attribute,
# defaults included; the batch's alpha covers them.
. "$(dirname "$0")/lib.sh"

export BOXEL_DB=$T_TMP/g.db
py() { /usr/bin/python3 -c "$@"; }
jget() { cjget "$@"; }
IMG=$T_TMP/images
mkdir -p "$IMG"
tiny_pngs "$IMG" 64 48 g1.png g2.png c1.png c2.png
cat > "$T_TMP/tax.json" <<'TAX'
{"name": "scenes", "classes": [{"name": "cup", "hotkey": "m", "geometries": ["box"]}],
 "global": [{"name": "scene", "type": "choice", "options": ["indoor", "outdoor"], "required": true},
            {"name": "light", "type": "choice", "options": ["day", "night"], "default": "day"}]}
TAX
"$BOXEL" init --images "$IMG" --taxonomy "$T_TMP/tax.json" >/dev/null
"$BOXEL" config set serve_order import >/dev/null
"$BOXEL" import "$IMG" >/dev/null
# Gold states the scene and says nothing of the light.
CUP='{"class":"cup","box":[4,5,20,15]}'
printf '{"image":"g1.png","answer":{"annotations":[%s],"global":{"scene":"indoor"}}}\n{"image":"g2.png","answer":{"annotations":[%s],"global":{"scene":"outdoor"}}}\n' \
	"$CUP" "$CUP" > "$T_TMP/gold.jsonl"
expect_rc 0 "import gold with a scene" "$BOXEL" import --as gold "$T_TMP/gold.jsonl"
for u in good bad1 bad2 lax terse; do "$BOXEL" user add $u --role annotator >/dev/null; done
printf 'g1.png\ng2.png\n' > "$T_TMP/gold.txt"
"$BOXEL" batch create rec --kind production --gold-rate 1 --tasks "$T_TMP/gold.txt" >/dev/null

# scene_of IMAGE: the right scene. work USER MODE: claim and submit until no
# work; MODE right (the right scene), wrong (the other one), or blurry
# (wrong, and a light the gold does not state).
scene_of() { case $1 in g2.png|c2.png) echo outdoor;; *) echo indoor;; esac; }
other() { case $1 in indoor) echo outdoor;; *) echo indoor;; esac; }
work() {
	local u=$1 mode=$2 c j t s g n=0
	while c=$("$BOXEL" queue claim --user "$u" --json 2>/dev/null); do
		j=$(jget "$c" judgment); t=$(jget "$c" token); s=$(scene_of "$(jget "$c" image)")
		g="\"scene\":\"$s\""
		case $mode in
		wrong) g="\"scene\":\"$(other "$s")\"";;
		blurry) g="\"scene\":\"$(other "$s")\",\"light\":\"night\"";;
		esac
		printf '{"annotations":[%s],"global":{%s}}\n' "$CUP" "$g" > "$T_TMP/a.json"
		run "$BOXEL" queue submit --user "$u" --judgment "$j" --token "$t" "$T_TMP/a.json"
		[ "$RC" -eq 0 ] || { fail "submit $u: $ERR"; return; }
		n=$((n + 1))
	done
	WORKED=$n
}
acc() { "$BOXEL" user show "$1" --json | py 'import json,sys; d = json.load(sys.stdin); print(d["tp"], d["mismatch"], d["fn"], d["accuracy"])'; }

# --- scoring: the scene is an item of its own
work good right
check "good did both gold tasks" test "$WORKED" = 2
work bad1 wrong
work bad2 blurry
check "right box and scene: 4 TP, accuracy 1" test "$(acc good)" = "4 0 0 1"
check "wrong scene: a mismatch per task, accuracy 0.5" test "$(acc bad1)" = "2 2 0 0.5"
check "a light the gold does not state is not scored" test "$(acc bad2)" = "2 2 0 0.5"
expect_rc 0 "compare no attributes" "$BOXEL" config set compare_attributes none
work lax wrong
check "compare_attributes none: the scene is not scored" test "$(acc lax)" = "2 0 0 1"
expect_rc 0 "compare only the light" "$BOXEL" config set compare_attributes light
work terse wrong
check "a list without the scene: not scored" test "$(acc terse)" = "2 0 0 1"
"$BOXEL" config set compare_attributes all >/dev/null

# --- consensus: the careful labeler's scene wins the weighted vote
printf 'c1.png\n' > "$T_TMP/c1.txt"
"$BOXEL" batch create cal --kind calibration --overlap 3 --tasks "$T_TMP/c1.txt" >/dev/null
work good right
work bad1 wrong
work bad2 wrong
cons() { sqlite3 "$BOXEL_DB" "SELECT json_extract(a.answer, '\$.global') FROM task_answers a JOIN tasks t ON t.id = a.task WHERE t.image = '$1' AND a.kind = 'consensus'"; }
check "weighted: good's scene, the default light present" test "$(cons c1.png)" = '{"light":"day","scene":"indoor"}'
# alpha over (c1, scene): indoor, outdoor, outdoor and (c1, light): day x 3:
# D_o = (9 - 5) / 2 = 2, D_e = 6^2 - (1 + 4 + 9) = 22, alpha = 1 - 5 * 2 / 22.
expect_rc 0 "batch show --json" "$BOXEL" batch show cal --json
check "alpha of global attributes" py '
import json, sys; q = json.loads(sys.argv[1])["quality"]
assert abs(q["kalpha_globals"] - 6 / 11) < 1e-9, q
assert q["kalpha_classes"] is None, q' "$OUT"
expect_rc 0 "batch show" "$BOXEL" batch show cal
check "text: alpha of global attributes" contains "$OUT" "0.545 Krippendorff's alpha, global attributes"

# --- majority: one vote each, the two outvote the careful one
"$BOXEL" config set aggregation majority >/dev/null
printf 'c2.png\n' > "$T_TMP/c2.txt"
"$BOXEL" batch create cal2 --kind calibration --overlap 3 --tasks "$T_TMP/c2.txt" >/dev/null
work good right
work bad1 wrong
work bad2 wrong
check "majority: the two wrong scenes win" test "$(cons c2.png)" = '{"light":"day","scene":"indoor"}'

finish
