# skeleton.sh: keypoint skeletons through COCO: a person_keypoints-style
# file imports as skeletons when the class draws them (and as a named loss
# keeping the box when it does not); the COCO export names the category's
# points and edges and round-trips byte-identically; boxel score matches
# skeletons by OKS against a gold.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
cd "$T_TMP" || exit 2
mkdir img
cp "$SRC"/sample-data/chelsea.png img/
cat > tax.json <<'J'
{"name": "t", "classes": [
 {"name": "cat", "geometries": ["skeleton", "box"],
  "keypoints": ["left_eye", "right_eye", "nose", "tail"], "skeleton": [[1, 2], [1, 3], [2, 3]]},
 {"name": "dog", "geometries": ["box"]}]}
J
fresh() {
	rm -f "$1" "$1"-wal "$1"-shm
	"$BOXEL" init --db "$1" --images img --taxonomy tax.json >/dev/null
}
# Two objects: a cat skeleton (nose not labeled, tail occluded) and a dog
# whose class draws no skeletons.
cat > kp.json <<'J'
{"images": [{"id": 1, "file_name": "chelsea.png", "width": 451, "height": 300}],
 "annotations": [
  {"id": 1, "image_id": 1, "category_id": 1, "bbox": [100, 60, 120, 90], "area": 10800, "iscrowd": 0,
   "keypoints": [120, 80, 2, 160, 82, 2, 0, 0, 0, 210, 140, 1], "num_keypoints": 3},
  {"id": 2, "image_id": 1, "category_id": 2, "bbox": [300, 100, 50, 40], "area": 2000, "iscrowd": 0,
   "keypoints": [310, 110, 2, 320, 120, 2], "num_keypoints": 2}],
 "categories": [{"id": 1, "name": "cat", "keypoints": ["left_eye", "right_eye", "nose", "tail"],
                 "skeleton": [[1, 2], [1, 3], [2, 3]]},
                {"id": 2, "name": "dog", "keypoints": ["a", "b"], "skeleton": [[1, 2]]}]}
J
fresh a.db
expect_rc 1 "import COCO keypoints (a loss: exit 1)" "$BOXEL" import --db a.db --format coco --as accepted kp.json
check "the dog's keypoints: a named loss, its box kept" contains "$ERR" \
	"1 keypoint sets dropped: the class has no skeleton geometry of that many points (the object's box is kept)"
expect_rc 0 "export jsonl" "$BOXEL" export --db a.db --format jsonl a.jsonl
check "the cat is a skeleton with COCO's v" contains "$(cat a.jsonl)" \
	'"skeleton":[[120,80,2],[160,82,2],[0,0,0],[210,140,1]]'
check "the dog is its box" contains "$(cat a.jsonl)" '{"box":[300,100,50,40],"class":"dog"}'

expect_rc 0 "export coco" "$BOXEL" export --db a.db --format coco a.coco.json
check "keypoints, their count and the points' box" contains "$(cat a.coco.json)" \
	'"bbox":[120,80,90,60],"area":5400,"iscrowd":0,"segmentation":[],"keypoints":[120,80,2,160,82,2,0,0,0,210,140,1],"num_keypoints":3'
check "the category names its points and 1-based edges" contains "$(cat a.coco.json)" \
	'"name":"cat","supercategory":"","keypoints":["left_eye","right_eye","nose","tail"],"skeleton":[[1,2],[1,3],[2,3]]}'
for fmt in scale labelstudio yolo; do
	expect_rc 1 "export $fmt (the skeleton left out: exit 1)" "$BOXEL" export --db a.db --format "$fmt" "a.$fmt.out"
	check "$fmt: one line for the skeleton it cannot hold" contains "$ERR" \
		"boxel: warning: left out 1 skeleton: $fmt cannot hold a skeleton (coco, cvat, jsonl can)"
done
fresh b.db
expect_rc 0 "import the export" "$BOXEL" import --db b.db --format coco --as accepted a.coco.json
expect_rc 0 "export again" "$BOXEL" export --db b.db --format coco b.coco.json
check "COCO round trip identical" cmp a.coco.json b.coco.json

# OKS: the gold's labeled points span 90x60 (area 5400); the labels move
# the left eye 6 px right, the rest as the gold; sigma 0.067 each (k = 2
# sigma): OKS = (exp(-36 / (2 * 5400 * 0.134^2)) + 2) / 3.
python3 - a.coco.json lab.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["annotations"] = [a for a in d["annotations"] if "keypoints" in a]
d["annotations"][0]["keypoints"][0] += 6
json.dump(d, open(sys.argv[2], "w"))
PY
want=$(python3 -c 'import math; print((math.exp(-36 / (2 * 5400 * 0.134 ** 2)) + 2) / 3)')
# A match needs OKS >= --iou: just under the OKS matches, just over not.
lo=$(python3 -c "print($want - 0.0005)") hi=$(python3 -c "print($want + 0.0005)")
expect_rc 0 "score under the OKS" "$BOXEL" score --json --iou "$lo" a.coco.json lab.json
got=$(printf '%s' "$OUT" | python3 -c 'import json, sys; t = json.load(sys.stdin)["total"]; print(t["tp"], t["fp"], t["fn"])')
check "matched by OKS; the dog's box missed" test "$got" = "1 0 1"
expect_rc 0 "score over the OKS" "$BOXEL" score --json --iou "$hi" a.coco.json lab.json
got=$(printf '%s' "$OUT" | python3 -c 'import json, sys; t = json.load(sys.stdin)["total"]; print(t["tp"], t["fp"], t["fn"])')
check "no match over it" test "$got" = "0 1 2"
# A person_keypoints file from Datumaro's test assets (tests/data/interop/
# SOURCES.md): category a names 3 points; its object has a polygon and
# keypoints (both kept, one object each); b's crowd is the usual loss.
D=${BOXEL_TEST_DATA:?}/interop/datumaro
cat > dtax.json <<'J'
{"name": "d", "classes": [
 {"name": "a", "geometries": ["polygon", "skeleton"], "keypoints": ["a_1", "a_2", "a_3"],
  "attributes": [{"name": "x", "type": "number"}, {"name": "y", "type": "text"}]},
 {"name": "b", "geometries": ["box", "polygon"]}]}
J
rm -f d.db*
"$BOXEL" init --db d.db --images "$D/coco_instances/images/val" --taxonomy dtax.json >/dev/null
expect_rc 1 "Datumaro person_keypoints imports, the crowd reported" "$BOXEL" import --db d.db \
	--as accepted "$D/coco_person_keypoints/annotations/person_keypoints_val.json"
check "the crowd named as a loss" contains "$ERR" "warning: 1 crowd regions (iscrowd 1) dropped"
check "the summary counts a skeleton and a polygon" contains "$OUT" "objects: 1 skeleton, 1 polygon"
check "the skeleton with its 3 points and the polygon" test \
	"$(sqlite3 d.db "SELECT answer FROM task_answers JOIN tasks ON tasks.id = task WHERE image = 'b.jpg'")" = \
	'{"annotations":[{"attributes":{"x":1,"y":"hello"},"class":"a","skeleton":[[1,2,2],[3,4,2],[2,3,2]]},{"attributes":{"x":1,"y":"hello"},"class":"a","polygon":[[0,0],[1,0],[1,2],[0,2]]}],"global":{}}'
finish
