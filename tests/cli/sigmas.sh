# sigmas.sh: skeletons are scored with their class's sigmas (taxonomy
# "sigmas"), by every scorer: gold scoring at submit, consensus, the
# calibration report and `boxel score --taxonomy`. Two classes with the
# same two points and different sigmas; on each, one labeler answers as the
# gold and one moves the first point 3, 4 px. The expected OKS is COCO's
# formula, computed here in Python; the IoU threshold sits between the
# classes' values, so the loose class matches and the tight one does not.
. "$(dirname "$0")/lib.sh"

export BOXEL_DB=$(db_new s)
T0=$BOXEL_NOW_MS
at() { local s=$1; shift; BOXEL_NOW_MS=$((T0 + s * 1000)) "$@"; }
py() { /usr/bin/python3 -c "$@"; }
cd "$T_TMP" || exit 2
mkdir img
tiny_pngs img 100 100 wide.png tight.png
cat > tax.json <<'J'
{"name": "s", "classes": [
 {"name": "wide", "geometries": ["skeleton"], "keypoints": ["a", "b"], "sigmas": [0.1, 0.1]},
 {"name": "tight", "geometries": ["skeleton"], "keypoints": ["a", "b"], "sigmas": [0.02, 0.05]}]}
J
# COCO's computeOks, gold (10,10) (30,50): area 20 x 40; d^2 25 and 0.
# wide, tight, COCO's default 0.067 for both; mid between the classes.
read -r wide tight dflt mid <<<"$(py "import math
oks = lambda s0, s1: (math.exp(-25 / (2 * 800 * (2 * s0) ** 2)) + math.exp(0)) / 2
w, t = oks(0.1, 0.1), oks(0.02, 0.05)
print(w, t, oks(0.067, 0.067), (w + t) / 2)")"
check "the classes' OKS differ" py "assert $wide - $tight > 0.2"

"$BOXEL" init --images img --taxonomy tax.json >/dev/null
"$BOXEL" config set serve_order import >/dev/null
"$BOXEL" config set iou_threshold "$mid" >/dev/null
expect_rc 0 "import the images" "$BOXEL" import img
# coco FILE DX DY: both images, each with its class's skeleton, the first
# point moved by DX, DY.
coco() { py "import json
d = {'images': [{'id': 1, 'file_name': 'wide.png', 'width': 100, 'height': 100},
                {'id': 2, 'file_name': 'tight.png', 'width': 100, 'height': 100}],
     'categories': [{'id': 1, 'name': 'wide', 'keypoints': ['a', 'b']},
                    {'id': 2, 'name': 'tight', 'keypoints': ['a', 'b']}],
     'annotations': [{'id': i, 'image_id': i, 'category_id': i, 'bbox': [10, 10, 20, 40],
                      'area': 800, 'iscrowd': 0, 'num_keypoints': 2,
                      'keypoints': [10 + $2, 10 + $3, 2, 30, 50, 2]} for i in (1, 2)]}
json.dump(d, open('$1', 'w'))"; }
coco gold.json 0 0
coco lab.json 3 4
expect_rc 0 "import gold" "$BOXEL" import --format coco --as gold gold.json
for u in alice bob; do "$BOXEL" user add $u --role annotator >/dev/null; done
expect_rc 0 "calibration batch, overlap 2" "$BOXEL" batch create cal --kind calibration \
	--overlap 2 --tasks all

# answer USER IMAGE: alice answers as the gold, bob 3, 4 px off.
answer() {
	local d=0 e=0 c=${2%.png}
	[ "$1" = bob ] && d=3 e=4
	printf '{"annotations": [{"class": "%s", "skeleton": [[%d, %d, 2], [30, 50, 2]]}], "global": {}}\n' \
		"$c" $((10 + d)) $((10 + e))
}
t=100
for u in alice bob; do
	for k in 1 2; do
		run at $t "$BOXEL" queue claim --user $u --json
		j=$(cjget "$OUT" judgment) tok=$(cjget "$OUT" token) img=$(cjget "$OUT" image)
		answer $u "$img" > a.json
		expect_rc 0 "$u submits $img" at $((t + 20)) "$BOXEL" queue submit --user $u \
			--judgment "$j" --token "$tok" --seconds 20 a.json
		t=$((t + 100))
	done
done

# Gold scoring: bob's OKS is the class's, matched only on the loose class.
gs() { db_query "$BOXEL_DB" "SELECT g.tp, g.fp, g.fn FROM gold_scores g
	JOIN users u ON u.id = g.labeler JOIN tasks t ON t.id = g.task
	WHERE u.name = '$1' AND t.image = '$2'"; }
check "gold scoring: alice matches both" test "$(gs alice wide.png)$(gs alice tight.png)" = "1|0|01|0|0"
check "gold scoring: bob matches the wide class (OKS $wide >= $mid)" test "$(gs bob wide.png)" = "1|0|0"
check "gold scoring: bob misses the tight class (OKS $tight < $mid)" test "$(gs bob tight.png)" = "0|1|1"

# Consensus (quorum 2): the two skeletons join only on the loose class.
cons() { db_query "$BOXEL_DB" "SELECT a.answer FROM task_answers a JOIN tasks t ON t.id = a.task
	WHERE t.image = '$1' AND a.kind = 'consensus'"; }
check "consensus: wide keeps the merged skeleton" contains "$(cons wide.png)" '"class":"wide"'
check "consensus: tight keeps nothing" py "
import json; assert json.loads('''$(cons tight.png)''')['annotations'] == []"

# The calibration report scores against gold with the same sigmas.
expect_rc 0 "report calibration" "$BOXEL" report calibration cal --json
check "report: gold accuracy 1 on wide, 1/3 on tight" py '
import json, sys
t = {x["image"]: x for x in json.loads(sys.argv[1])["tasks"]}
assert t["wide.png"]["gold_accuracy"] == 1, t
assert abs(t["tight.png"]["gold_accuracy"] - 1 / 3) < 1e-9, t' "$OUT"

# boxel score: with --taxonomy, each class's sigmas; without, COCO's 0.067
# for both. Just under a value it matches, just over not: the OKS is the
# formula's to 5e-4.
tps() { # IOU [--taxonomy FILE]: the tp of image 1 and image 2
	local iou=$1; shift
	run "$BOXEL" score --json --iou "$iou" "$@" gold.json lab.json
	[ "$RC" -eq 0 ] || { echo "exit $RC: $ERR"; return; }
	[[ $OUT =~ \"image_id\":1,\"tp\":([0-9]+).*\"image_id\":2,\"tp\":([0-9]+) ]] &&
		echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
}
read -r wlo whi tlo thi dlo dhi <<<"$(py "d = 0.0005
print($wide - d, $wide + d, $tight - d, $tight + d, $dflt - d, $dflt + d)")"
check "score --taxonomy: under wide's OKS" test "$(tps "$wlo" --taxonomy tax.json)" = "1 0"
check "score --taxonomy: over wide's OKS" test "$(tps "$whi" --taxonomy tax.json)" = "0 0"
check "score --taxonomy: under tight's OKS" test "$(tps "$tlo" --taxonomy tax.json)" = "1 1"
check "score --taxonomy: over tight's OKS" test "$(tps "$thi" --taxonomy tax.json)" = "1 0"
check "score without a taxonomy: under 0.067's OKS" test "$(tps "$dlo")" = "1 1"
check "score without a taxonomy: over it" test "$(tps "$dhi")" = "0 0"
expect_rc 2 "score --taxonomy of a missing file" "$BOXEL" score --taxonomy nosuch.json gold.json lab.json
check "one line naming the file" one_line "$ERR"
check "the line names it" contains "$ERR" nosuch.json
finish
