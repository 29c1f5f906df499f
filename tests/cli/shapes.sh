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

expect_rc 0 "export scale (every shape held)" "$BOXEL" export --db a.db --format scale a.scale.json
check "scale line with its vertices" contains "$(cat a.scale.json)" \
	'{"type":"line","label":"whisker","vertices":[{"x":150,"y":100},{"x":190.5,"y":104},{"x":230,"y":98}]'
check "scale: the rotated box as the polygon of its corners" contains "$(cat a.scale.json)" '{"type":"polygon","label":"bed","vertices":[{"x":181.519237886'
check "scale: the rotated box as a polygon, said" test "$ERR" = \
	"boxel: note: wrote 1 rotated_box as a polygon of its 4 corners: scale has no rotated box"
# Scale's ellipse is the ends of its axes (top, right, bottom, left of the
# upright one, turned): centre (300, 100), radii 20 and 10, -30 degrees:
# top (300 - 10 sin 30, 100 - 10 cos 30), right (300 + 20 cos 30, 100 - 20 sin 30), ...
check "scale: the ellipse as its 4 axis ends" contains "$(cat a.scale.json)" \
	'{"type":"ellipse","label":"eye","vertices":[{"x":295,"y":91.3397459622},{"x":317.320508076,"y":90},{"x":305,"y":108.660254038},{"x":282.679491924,"y":110}]'
# Scale's cuboid: the front face and the corners of the side it shows (the
# back face is the front moved by (10, -10): the right side)
check "scale: the cuboid as its face and one side" contains "$(cat a.scale.json)" \
	'{"type":"cuboid","label":"crate","vertices":[{"description":"face-topleft","x":20,"y":40},{"description":"face-topright","x":60,"y":40},{"description":"face-bottomright","x":60,"y":70},{"description":"face-bottomleft","x":20,"y":70},{"description":"side-topcorner","x":70,"y":30},{"description":"side-bottomcorner","x":70,"y":60}]'

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
	"boxel: warning: left out 1 polyline: labelstudio cannot hold a polyline (scale, cvat, jsonl can)
boxel: warning: left out 1 cuboid: labelstudio cannot hold a cuboid (coco, scale, cvat, jsonl can)"
for f in scale:a.scale.json jsonl:a.jsonl labelstudio:a.ls.json; do
	fmt=${f%%:*} out=${f#*:}
	fresh b.db
	expect_rc 0 "$fmt: import the export" "$BOXEL" import --db b.db --format "$fmt" --as accepted "$out"
	expect_rc 0 "$fmt: export again" "$BOXEL" export --db b.db --format "$fmt" "b.$out"
	if [ "$fmt" != scale ]; then
		check "$fmt: round trip identical" cmp "$out" "b.$out"
		continue
	fi
	# a turned ellipse's axis ends, 12 digits each, are not exactly
	# perpendicular: read back and written again, one may move in its 12th
	# digit; everything else is byte-identical
	check "scale: round trip identical but for a turned ellipse's last digit" /usr/bin/python3 -c '
import json, sys
def same(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-8 * max(1, abs(a))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    return a == b
a, b = open(sys.argv[1]).read(), open(sys.argv[2]).read()
assert same(json.loads(a), json.loads(b))
assert [l for l in a.splitlines() if "ellipse" not in l] == [l for l in b.splitlines() if "ellipse" not in l]' "$out" "b.$out"
done

# boxel -> Scale -> boxel: the cuboid exactly, the ellipse within 1e-9
fresh b.db
expect_rc 0 "scale: import the export" "$BOXEL" import --db b.db --format scale --as accepted a.scale.json
expect_rc 0 "scale: export it as jsonl" "$BOXEL" export --db b.db --format jsonl bs.jsonl
check "scale: the ellipse and the cuboid came back" /usr/bin/python3 -c '
import json, sys
t = [json.loads(l) for l in open(sys.argv[1]) if "\"chelsea.png\"" in l][0]
a = {x["class"]: x for x in t["accepted"]["annotations"]}
assert all(abs(p - q) < 1e-9 for p, q in zip(a["eye"]["ellipse"], [300, 100, 20, 10, -30])), a["eye"]
assert a["crate"]["cuboid"] == [[20, 40], [60, 40], [60, 70], [20, 70], [30, 30], [70, 30], [70, 60], [30, 60]], a["crate"]' bs.jsonl
# A cuboid whose back corner was dragged alone is no front face moved:
# Scale cannot hold it, so it is left out and said (exit 1).
fresh c.db
printf '%s\n' '{"image": "chelsea.png", "answer": {"annotations": [{"class": "crate", "cuboid": [[20, 40], [60, 40], [60, 70], [20, 70], [30, 30], [70, 30], [75, 62], [30, 60]]}], "global": {"scene": "indoor"}}}' > skew.jsonl
expect_rc 0 "a dragged cuboid imports" "$BOXEL" import --db c.db --as accepted skew.jsonl
expect_rc 1 "scale: the dragged cuboid left out (exit 1)" "$BOXEL" export --db c.db --format scale c.scale.json
check "scale: says why, in one line" test "$ERR" = \
	"boxel: warning: left out 1 cuboid: scale holds a cuboid as its front face and one side, so its back face must be the front face moved (jsonl can hold it)"
check "scale: the task written without it" contains "$(cat c.scale.json)" '"annotations":[],'
# Scale's own examples (its ellipse and cuboid reference pages): a wheel
# 100x42 px wide and high, and a car whose right side shows; then the
# shapes Scale refuses to be: axes that do not cross at their middles, a
# cuboid vertex named twice.
cat > docs.scale.json <<'J'
[{"task_id": "1", "params": {"attachment": "chelsea.png", "attachment_type": "image", "metadata": {"width": 451, "height": 300}}, "response": {"annotations": [
 {"type": "ellipse", "label": "eye", "vertices": [{"x": 123, "y": 92}, {"x": 173, "y": 113}, {"x": 123, "y": 134}, {"x": 73, "y": 113}], "uuid": "65ec1f52-5902-4b39-bea9-ab6b4d58ef42"},
 {"type": "cuboid", "label": "crate", "vertices": [{"description": "face-topleft", "y": 219.0, "x": 137.0}, {"description": "face-bottomleft", "y": 268.0, "x": 137.0}, {"description": "face-topright", "y": 219.0, "x": 245.0}, {"description": "face-bottomright", "y": 268.0, "x": 245.0}, {"description": "side-topcorner", "y": 165.0, "x": 316.0}, {"description": "side-bottomcorner", "y": 214.0, "x": 316.0}]}]}},
 {"task_id": "2", "params": {"attachment": "coffee.png"}, "response": {"annotations": [
 {"type": "ellipse", "label": "eye", "vertices": [{"x": 123, "y": 92}, {"x": 173, "y": 113}, {"x": 130, "y": 134}, {"x": 73, "y": 113}]}]}},
 {"task_id": "3", "params": {"attachment": "astronaut.png"}, "response": {"annotations": [
 {"type": "cuboid", "label": "crate", "vertices": [{"description": "face-topleft", "x": 1, "y": 1}, {"description": "face-topleft", "x": 1, "y": 1}, {"description": "face-topright", "x": 5, "y": 1}, {"description": "face-bottomright", "x": 5, "y": 5}, {"description": "side-topcorner", "x": 7, "y": 0}, {"description": "side-bottomcorner", "x": 7, "y": 4}]}]}}]
J
fresh d.db
expect_rc 1 "scale docs shapes: the good task imports, the bad ones are refused" "$BOXEL" import --db d.db --format scale --as accepted docs.scale.json
check "scale: the bad ellipse and cuboid named, one line each" test "$ERR" = \
	"boxel: docs.scale.json: tasks[1].response.annotations[0].vertices: not the ends of an ellipse's two perpendicular axes through one centre
boxel: docs.scale.json: tasks[2].response.annotations[0].vertices[1].description: expected each of face-topleft, face-topright, face-bottomright, face-bottomleft, side-topcorner, side-bottomcorner once"
expect_rc 0 "scale docs shapes: as jsonl" "$BOXEL" export --db d.db --format jsonl d.jsonl
check "scale docs: the wheel is centre (123, 113), radii 50 and 21, upright" contains "$(cat d.jsonl)" '"ellipse":[123,113,50,21,0]'
check "scale docs: the car's back face is its face moved by (71, -54)" contains "$(cat d.jsonl)" '"cuboid":[[137,219],[245,219],[245,268],[137,268],[208,165],[316,165],[316,214],[208,214]]'
expect_rc 0 "scale docs shapes: export as scale" "$BOXEL" export --db d.db --format scale d.scale.json
check "scale docs: the ellipse's vertices come back as given" contains "$(cat d.scale.json)" '"vertices":[{"x":123,"y":92},{"x":173,"y":113},{"x":123,"y":134},{"x":73,"y":113}],"attributes":{},"uuid":"65ec1f52-5902-4b39-bea9-ab6b4d58ef42"'

expect_rc 1 "coco: export (lossy: exit 1) with a polyline" "$BOXEL" export --db a.db --format coco a.coco.json
check "coco: the polyline left out, the other shapes held" test "$ERR" = \
	"boxel: warning: left out 1 polyline: coco cannot hold a polyline (scale, cvat, jsonl can)"
check "coco: the rest written" contains "$OUT" "exported 4 tasks (1 with an accepted answer)"
expect_rc 1 "voc: export (lossy: exit 1) with a polyline and a rotated box" "$BOXEL" export --db a.db --format voc a.voc
check "voc: one warning line a kind" test "$ERR" = \
	"boxel: warning: left out 1 polyline: voc cannot hold a polyline (scale, cvat, jsonl can)
boxel: warning: left out 1 rotated_box: voc cannot hold a rotated_box (coco, yolo, labelstudio, cvat, jsonl can)
boxel: warning: left out 1 ellipse: voc cannot hold an ellipse (coco, labelstudio, scale, cvat, jsonl can)
boxel: warning: left out 1 cuboid: voc cannot hold a cuboid (coco, scale, cvat, jsonl can)"
check "voc: the rest written" contains "$OUT" "exported 4 tasks (1 with an accepted answer)"
# COCO has no rotated box, ellipse or cuboid: each is a polygon of its
# outline (what COCOeval and other tools see) plus boxel's key with the
# shape, which an import reads back exactly
check "coco: the shapes as outline polygons with their keys" /usr/bin/python3 -c '
import json, math, sys
d = json.load(open(sys.argv[1]))
a = {x.get("rotated_box") and "bed" or x.get("ellipse") and "eye" or x.get("cuboid") and "crate" or "box": x for x in d["annotations"]}
assert a["box"]["bbox"] == [10, 20, 300, 250]
r = a["bed"]
assert r["rotated_box"] == [200, 150, 60, 30, 30] and r["area"] == 1800
c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
want = sorted((200 + dx * 30 * c - dy * 15 * s, 150 + dx * 30 * s + dy * 15 * c) for dx in (-1, 1) for dy in (-1, 1))
got = sorted(zip(r["segmentation"][0][0::2], r["segmentation"][0][1::2]))
assert all(abs(p - q) < 1e-9 for u, v in zip(want, got) for p, q in zip(u, v)), (want, got)
e = a["eye"]
assert e["ellipse"] == [300, 100, 20, 10, -30] and abs(e["area"] - math.pi * 200) < 1e-9
# the ring of the ellipse descriptor: 64 vertices evenly spaced in the
# parameter of the ellipse, on it with radii scaled so the polygon has
# the area of the ellipse; the bbox is that of the ellipse
seg = e["segmentation"][0]
assert len(seg) == 2 * 64
step = 2 * math.pi / 64
k2 = step / math.sin(step)
t, ct, st = math.radians(-30), math.cos(math.radians(-30)), math.sin(math.radians(-30))
for x, y in zip(seg[0::2], seg[1::2]):
    u, v = (x - 300) * ct + (y - 100) * st, -(x - 300) * st + (y - 100) * ct
    assert abs((u / 20) ** 2 + (v / 10) ** 2 - k2) < 1e-9
poly = sum(seg[2 * i] * seg[(2 * i + 3) % 128] - seg[(2 * i + 2) % 128] * seg[2 * i + 1] for i in range(64)) / 2
assert abs(abs(poly) - math.pi * 200) < 1e-9, poly
hx, hy = math.hypot(20 * ct, 10 * st), math.hypot(20 * st, 10 * ct)
assert all(abs(p - q) < 1e-9 for p, q in zip(e["bbox"], [300 - hx, 100 - hy, 2 * hx, 2 * hy])), e["bbox"]
k = a["crate"]
assert k["cuboid"] == [[20, 40], [60, 40], [60, 70], [20, 70], [30, 30], [70, 30], [70, 60], [30, 60]]
assert k["bbox"] == [20, 30, 50, 40] and k["area"] == 50 * 40 - 2 * (10 * 10 / 2)' a.coco.json
fresh b.db
expect_rc 0 "coco: import the export" "$BOXEL" import --db b.db --format coco --as accepted a.coco.json
expect_rc 0 "coco: export again" "$BOXEL" export --db b.db --format coco b.a.coco.json
check "coco: round trip identical, rotated box, ellipse and cuboid included" cmp a.coco.json b.a.coco.json
printf '%s\n' '{"images": [{"id": 1, "file_name": "chelsea.png", "width": 451, "height": 300}], "categories": [{"id": 1, "name": "bed"}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5], "segmentation": [[1, 1, 6, 1, 6, 6]], "rotated_box": [3, 3, 2]}]}' > badshape.coco.json
fresh c.db
expect_rc 1 "coco: a broken rotated_box key refuses its image" "$BOXEL" import --db c.db --format coco --as accepted badshape.coco.json
check "coco: the key named" contains "$ERR" "rotated_box: "
# YOLO-OBB: a rotated box as its four corners, normalized (bed is class 7;
# corners of 60x30 turned 30 degrees about (200, 150) in 451x300); the cat
# box beside it as a 4-point polygon (one kind per file).
expect_rc 1 "yolo: export (lossy: exit 1) with a rotated box" "$BOXEL" export --db a.db --format yolo a.yolo
check "yolo: polyline and ellipse left out" test "$ERR" = \
	"boxel: warning: left out 1 polyline: yolo cannot hold a polyline (scale, cvat, jsonl can)
boxel: warning: left out 1 ellipse: yolo cannot hold an ellipse (coco, labelstudio, scale, cvat, jsonl can)
boxel: warning: left out 1 cuboid: yolo cannot hold a cuboid (coco, scale, cvat, jsonl can)
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
