# shapes.sh: shapes beyond box, polygon, point through import, export and
# scoring: a polyline goes to Scale as a "line" and to JSONL and back
# unchanged; formats that cannot hold it leave it out with one warning line
# and write the rest; a class that does not allow it refuses it.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
cd "$T_TMP" || exit 2
mkdir img
cp "$SRC"/sample-data/*.png "$SRC"/sample-data/*.jpg img/
python3 - "$SRC/sample-data/taxonomy.json" tax.json <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t["classes"].append({"name": "whisker", "geometries": ["polyline"]})
t["classes"].append({"name": "bed", "geometries": ["rotated_box"]})
t["classes"].append({"name": "eye", "geometries": ["ellipse"]})
t["classes"].append({"name": "crate", "geometries": ["cuboid"]})
json.dump(t, open(sys.argv[2], "w"))
PY
fresh() {
	rm -f "$1" "$1"-wal "$1"-shm
	"$BOXEL" init --db "$1" --images img --taxonomy tax.json >/dev/null
	"$BOXEL" import --db "$1" img >/dev/null
}
fresh a.db
cat > ans.jsonl <<'J'
{"image": "chelsea.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 300, 250]}, {"class": "whisker", "polyline": [[150, 100], [190.5, 104], [230, 98]]}, {"class": "bed", "rotated_box": [200, 150, 60, 30, 30]}, {"class": "eye", "ellipse": [300, 100, 20, 10, -30]}, {"class": "crate", "cuboid": [[20, 40], [60, 40], [60, 70], [20, 70], [30, 30], [70, 30], [70, 60], [30, 60]]}], "global": {"scene": "indoor"}}}
J
expect_rc 0 "import a polyline" "$BOXEL" import --db a.db --as accepted ans.jsonl

expect_rc 1 "export scale (a shape left out: exit 1)" "$BOXEL" export --db a.db --format scale a.scale.json
check "scale line with its vertices" contains "$(cat a.scale.json)" \
	'{"type":"line","label":"whisker","vertices":[{"x":150,"y":100},{"x":190.5,"y":104},{"x":230,"y":98}]'
check "scale: the rotated box as the polygon of its corners" contains "$(cat a.scale.json)" '{"type":"polygon","label":"bed","vertices":[{"x":181.519237886'
check "scale: the rotated box as a polygon, the ellipse left out" test "$ERR" = \
	"boxel: note: wrote 1 rotated_box as a polygon of its 4 corners: scale has no rotated box
boxel: warning: left out 1 ellipse: scale cannot hold an ellipse (labelstudio, jsonl can)
boxel: warning: left out 1 cuboid: scale cannot hold a cuboid (jsonl can)"
expect_rc 0 "export jsonl" "$BOXEL" export --db a.db --format jsonl a.jsonl
check "jsonl keeps the polyline" contains "$(cat a.jsonl)" '"polyline":[[150,100],[190.5,104],[230,98]]'
check "jsonl keeps the cuboid's 8 vertices" contains "$(cat a.jsonl)" '"cuboid":[[20,40],[60,40],[60,70],[20,70],[30,30],[70,30],[70,60],[30,60]]'
check "jsonl keeps the rotated box" contains "$(cat a.jsonl)" '"rotated_box":[200,150,60,30,30]'
expect_rc 1 "export labelstudio (a shape left out: exit 1)" "$BOXEL" export --db a.db --format labelstudio a.ls.json
# Label Studio turns about the top-left corner: the corner of the upright
# 60x30 box at (170, 135), turned 30 degrees about the centre (200, 150):
# (200 - 30 cos 30 + 15 sin 30, 150 - 30 sin 30 - 15 cos 30)
# = (181.5192378865, 122.0096189432); of 451x300: 40.2481680458%, 40.6698729811%.
check "labelstudio rotated rectangle" contains "$(cat a.ls.json)" \
	'"value":{"x":40.2481680458,"y":40.6698729811,"width":13.3037694013,"height":10,"rotation":30,"rectanglelabels":["bed"]}'
# ellipse: centre and radii in percent of 451x300, rotation 0..360
check "labelstudio ellipse" contains "$(cat a.ls.json)" \
	'"value":{"x":66.5188470067,"y":33.3333333333,"radiusX":4.43458980044,"radiusY":3.33333333333,"rotation":330,"ellipselabels":["eye"]}'
check "labelstudio: the polyline left out" test "$ERR" = \
	"boxel: warning: left out 1 polyline: labelstudio cannot hold a polyline (scale, jsonl can)
boxel: warning: left out 1 cuboid: labelstudio cannot hold a cuboid (jsonl can)"
for f in scale:a.scale.json jsonl:a.jsonl labelstudio:a.ls.json; do
	fmt=${f%%:*} out=${f#*:}
	fresh b.db
	expect_rc 0 "$fmt: import the export" "$BOXEL" import --db b.db --format "$fmt" --as accepted "$out"
	expect_rc 0 "$fmt: export again" "$BOXEL" export --db b.db --format "$fmt" "b.$out"
	check "$fmt: round trip identical" cmp "$out" "b.$out"
done

for f in coco:a.coco.json voc:a.voc; do
	fmt=${f%%:*} out=${f#*:}
	expect_rc 1 "$fmt: export (lossy: exit 1) with a polyline and a rotated box" "$BOXEL" export --db a.db --format "$fmt" "$out"
	check "$fmt: one warning line a kind" test "$ERR" = \
		"boxel: warning: left out 1 polyline: $fmt cannot hold a polyline (scale, jsonl can)
boxel: warning: left out 1 rotated_box: $fmt cannot hold a rotated_box (yolo, labelstudio, jsonl can)
boxel: warning: left out 1 ellipse: $fmt cannot hold an ellipse (labelstudio, jsonl can)
boxel: warning: left out 1 cuboid: $fmt cannot hold a cuboid (jsonl can)"
	check "$fmt: the rest written" contains "$OUT" "exported 4 tasks (1 with an accepted answer)"
done
# YOLO-OBB: a rotated box as its four corners, normalized (bed is class 7;
# corners of 60x30 turned 30 degrees about (200, 150) in 451x300); the cat
# box beside it as a 4-point polygon (one kind per file).
expect_rc 1 "yolo: export (lossy: exit 1) with a rotated box" "$BOXEL" export --db a.db --format yolo a.yolo
check "yolo: polyline and ellipse left out" test "$ERR" = \
	"boxel: warning: left out 1 polyline: yolo cannot hold a polyline (scale, jsonl can)
boxel: warning: left out 1 ellipse: yolo cannot hold an ellipse (labelstudio, jsonl can)
boxel: warning: left out 1 cuboid: yolo cannot hold a cuboid (jsonl can)
boxel: warning: left out 1 attribute: yolo cannot hold attributes (coco, voc, labelstudio, scale, jsonl can)"
check "yolo-obb corners" contains "$(cat a.yolo/labels/train/chelsea.txt)" \
	"14 0.402482 0.406699 0.517696 0.506699 0.484436 0.593301 0.369222 0.493301"
fresh b.db
expect_rc 0 "yolo: import the export" "$BOXEL" import --db b.db --format yolo --as accepted a.yolo
expect_rc 0 "yolo: export again" "$BOXEL" export --db b.db --format yolo b.a.yolo
check "yolo: round trip identical" diff -r -I '^path: ' a.yolo b.a.yolo
expect_rc 0 "yolo: export b as jsonl" "$BOXEL" export --db b.db --format jsonl b.jsonl
# 6 decimals of 451 px: within 1e-3 px and 1e-3 degrees
check "yolo: the rotated box came back as one" /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    for a in (t["accepted"] or {}).get("annotations", []):
        if a["class"] == "bed":
            want = [200, 150, 60, 30, 30]
            assert all(abs(x - y) < 1e-3 for x, y in zip(a["rotated_box"], want)), a
            sys.exit(0)
sys.exit(1)' b.jsonl
check "coco has the box only" /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [a["bbox"] for a in d["annotations"]]==[[10,20,300,250]]' a.coco.json
check "voc has the box" contains "$(cat a.voc/Annotations/chelsea.xml)" "<name>cat</name>"

# A class that does not allow lines refuses one, naming it.
printf '%s\n' '{"image": "coffee.png", "answer": {"annotations": [{"class": "cup", "polyline": [[1, 2], [3, 4]]}], "global": {"scene": "indoor"}}}' > bad.jsonl
expect_rc 1 "polyline on a box class refused" "$BOXEL" import --db a.db --as accepted bad.jsonl
check "says which and why" contains "$ERR" "annotations[0] (cup): a polyline is not allowed for this class"
printf '%s\n' '{"image": "coffee.png", "answer": {"annotations": [{"class": "whisker", "polyline": [[1, 2]]}], "global": {"scene": "indoor"}}}' > one.jsonl
expect_rc 1 "a one-vertex line refused" "$BOXEL" import --db a.db --as accepted one.jsonl
check "says at least 2" contains "$ERR" "a polyline must be a list of at least 2 [x, y] points"

# The polyline tolerance is the project's line_thickness: two labelers'
# whiskers 6 px apart (mean distance 6) agree at t = 20 (similarity 0.7)
# and not at the default t = 10 (0.4, under the IoU threshold 0.5).
printf '%s\n' '{"image":"chelsea.png","judgments":[{"labeler":"l1","state":"submitted","annotations":[{"class":"whisker","polyline":[[100,100],[200,100]]}],"global":{"scene":"indoor"},"seconds":3,"batch":"p","replica":0},{"labeler":"l2","state":"submitted","annotations":[{"class":"whisker","polyline":[[100,106],[200,106]]}],"global":{"scene":"indoor"},"seconds":3,"batch":"p","replica":1}]}' > two.jsonl
fresh t.db
"$BOXEL" batch create p --kind calibration --overlap 2 --db t.db >/dev/null
expect_rc 0 "two labelers' whiskers" "$BOXEL" import --db t.db two.jsonl
agreement() { "$BOXEL" report calibration p --json --db t.db | python3 -c 'import json, sys; print(json.load(sys.stdin)["tasks"][0]["agreement"])'; }
check "t 10 (default): the whiskers disagree" test "$(agreement)" = 0
expect_rc 0 "line_thickness 20" "$BOXEL" config --db t.db set line_thickness 20
check "t 20: they agree" test "$(agreement)" = 1
expect_rc 2 "line_thickness 0 refused" "$BOXEL" config --db t.db set line_thickness 0
finish
