# datumaro.sh: boxel's YOLO exports read by an independent reader, Datumaro
# (the library CVAT imports and exports datasets with): a project of boxes
# loads with its Ultralytics detection importer, boxes and polygons with the
# segmentation one, rotated boxes (YOLO-OBB lines) with the oriented-box one;
# each object comes back with its class and the numbers boxel stores (its
# JSONL export), rotated boxes as the same four corners; each --yolo-task
# export loads with its task's reader. The COCO export of
# every kind loads with its COCO readers, skeletons with their points,
# visibility and edges; the CVAT XML export with its cvat reader (all but
# the ellipses and cuboids it skips, rotated boxes unturned). Datumaro is not in
# Debian: the test runs where it is importable (PYTHONPATH) and skips with a
# line elsewhere.
. "$(dirname "$0")/lib.sh"

sample_images # img/k.png (chelsea, 451x300), img/c.png (coffee, 600x400)
if ! $PY -W ignore -c 'from datumaro.components.dataset import Dataset
from datumaro.plugins.yolo_format.extractor import YOLOv8OrientedBoxesExtractor' 2>/dev/null; then
	echo "skip: datumaro (with its YOLOv8 importers) not importable by $PY: the YOLO export is not checked by an independent reader"
	exit 77
fi
cp "$BOXEL_TEST_DATA/formats/taxonomy-kinds.json" tax.json
# project NAME ANSWERS: a store of the two images with ANSWERS accepted,
# exported as yolo (NAME.yolo) and as jsonl (NAME.jsonl, the numbers stored)
project() {
	"$BOXEL" init --db "$1.db" --images img --taxonomy tax.json >/dev/null
	"$BOXEL" import --db "$1.db" img >/dev/null
	printf '%s\n' "$2" > "$1.ans.jsonl"
	expect_rc 0 "$1: import" "$BOXEL" import --db "$1.db" --as accepted "$1.ans.jsonl"
	expect_rc 0 "$1: export yolo" "$BOXEL" export --db "$1.db" --format yolo "$1.yolo"
	expect_rc 0 "$1: export jsonl" "$BOXEL" export --db "$1.db" --format jsonl "$1.jsonl"
}
# Boxes only: CLASS CX CY W H lines
project det '{"image": "k.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 120.5, 90]}, {"class": "cat", "box": [200.25, 33, 40, 170.75]}], "global": {}}}
{"image": "c.png", "answer": {"annotations": [{"class": "cat", "box": [30, 40, 200, 150]}], "global": {}}}'
# Boxes and polygons: a file with polygons writes its boxes as polygons
project seg '{"image": "k.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 120.5, 90]}, {"class": "plume", "polygon": [[200, 30], [280, 40], [260, 120], [230.5, 140.25], [215, 95]]}], "global": {}}}
{"image": "c.png", "answer": {"annotations": [{"class": "plume", "polygon": [[300, 250], [350, 260], [320, 330]]}], "global": {}}}'
# Rotated boxes: YOLO-OBB corner lines (boxes then as their 4 corners)
project obb '{"image": "k.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 120.5, 90]}, {"class": "bed", "rotated_box": [330, 80, 80, 40, 30]}], "global": {}}}
{"image": "c.png", "answer": {"annotations": [{"class": "bed", "rotated_box": [300, 250, 30, 60, -50]}, {"class": "bed", "rotated_box": [120, 300, 50, 20, 125]}], "global": {}}}'

# shapes.py: what the checks below compare with
cp "$SRC/tests/cli/shapes.py" .

check "datumaro loads each export; classes and numbers are boxel's" $PY -W ignore - <<'PY'
import json, math, sys
from datumaro.components.annotation import AnnotationType, Bbox, Polygon
from datumaro.components.dataset import Dataset
from shapes import corners, same_points

def stored(name):
    """boxel's objects per image id, from its JSONL export"""
    out = {}
    for line in open(name + ".jsonl"):
        t = json.loads(line)
        out[t["image"].rsplit(".", 1)[0]] = t["accepted"]["annotations"]
    return out

def expected(o):
    """(class, kind, points) of one stored object as the reader should see it"""
    if "box" in o:
        x, y, w, h = o["box"]
        return o["class"], [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    if "rotated_box" in o:
        return o["class"], corners(*o["rotated_box"])
    return o["class"], [tuple(p) for p in o["polygon"]]

def got(a):
    if isinstance(a, Bbox):
        # the OBB reader turns corners into centre, size and "rotation"
        # (degrees, clockwise on screen) through OpenCV's minAreaRect
        x, y, w, h = a.get_bbox()
        return corners(x + w / 2, y + h / 2, w, h, a.attributes.get("rotation", 0))
    assert isinstance(a, Polygon), a
    return list(zip(a.points[0::2], a.points[1::2]))

# 6 decimals of a fraction of the image: 451 px wide -> 0.0003 px; the OBB
# reader computes in float32 -> 0.01 px
for name, fmt, kind, tol in (("det", "yolov8_detection", Bbox, 1e-3),
                             ("seg", "yolov8_segmentation", Polygon, 1e-3),
                             ("obb", "yolov8_oriented_boxes", Bbox, 1e-2)):
    want = stored(name)
    ds = Dataset.import_from(name + ".yolo", fmt)
    labels = ds.categories()[AnnotationType.label]
    assert [c.name for c in labels] == [c["name"] for c in json.load(open("tax.json"))["classes"]], list(labels)
    # boxel writes train and val as the same folder: both subsets hold it all
    assert sorted(ds.subsets()) == ["train", "val"], ds.subsets()
    n = 0
    for item in ds:
        objs = want[item.id]
        assert len(item.annotations) == len(objs), (name, item.id, item.annotations, objs)
        for a, o in zip(item.annotations, objs):
            assert isinstance(a, kind), (name, a)
            cls, pts = expected(o)
            assert labels[a.label].name == cls, (name, labels[a.label].name, cls)
            if name == "det":
                # upright boxes: x, y, w, h themselves
                assert all(abs(g - w) < tol for g, w in zip(a.get_bbox(), o["box"])), (a, o)
            same_points(got(a), pts, tol)
            n += 1
    print("%-4s %-22s %d objects match" % (name, fmt, n), file=sys.stderr)
    assert n == 2 * sum(map(len, want.values())), (name, n)
PY

# COCO: every kind in one file through coco_instances (Datumaro's COCO
# detection/segmentation reader; it rounds coordinates to 2 decimals);
# skeletons through coco_person_keypoints, which wants a file whose every
# category names keypoints, as COCO's person_keypoints files are
cat > kp.json <<'J'
{"name": "k", "classes": [{"name": "body", "geometries": ["skeleton"], "keypoints": ["head", "hip", "foot"], "skeleton": [[1, 2], [2, 3]]}]}
J
"$BOXEL" init --db coco.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db coco.db img >/dev/null
printf '%s\n' '{"image": "k.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 120.5, 90]}, {"class": "plume", "polygon": [[200, 30], [280, 40], [260, 120], [215, 95]]}, {"class": "bed", "rotated_box": [330, 80, 80, 40, 30]}, {"class": "eye", "ellipse": [330, 200, 50, 25, -20]}, {"class": "crate", "cuboid": [[170, 170], [240, 170], [240, 230], [170, 230], [195, 150], [265, 150], [265, 210], [195, 210]]}, {"class": "body", "skeleton": [[400, 40, 2], [0, 0, 0], [410, 200, 1]]}], "global": {}}}' > coco.ans.jsonl
expect_rc 0 "coco: import every kind" "$BOXEL" import --db coco.db --as accepted coco.ans.jsonl
expect_rc 0 "coco: export" "$BOXEL" export --db coco.db --format coco coco.json
"$BOXEL" init --db kp.db --images img --taxonomy kp.json >/dev/null
"$BOXEL" import --db kp.db img >/dev/null
printf '%s\n' '{"image": "k.png", "answer": {"annotations": [{"class": "body", "skeleton": [[400, 40, 2], [0, 0, 0], [410, 200, 1]]}, {"class": "body", "skeleton": [[100, 50, 2], [105.5, 120, 2], [110, 200, 2]]}], "global": {}}}' > kp.ans.jsonl
expect_rc 0 "keypoints: import" "$BOXEL" import --db kp.db --as accepted kp.ans.jsonl
expect_rc 0 "keypoints: export coco" "$BOXEL" export --db kp.db --format coco kp.coco.json

check "datumaro's COCO readers load every kind with boxel's numbers" $PY -W ignore - <<'PY'
import json, math, sys
from datumaro.components.annotation import AnnotationType, Bbox, Polygon, Skeleton
from datumaro.components.dataset import Dataset
from shapely.geometry import MultiPoint
from shapes import corners, same_points

want = {o["class"]: o for o in json.loads(open("coco.ans.jsonl").read())["answer"]["annotations"]}
ds = Dataset.import_from("coco.json", "coco_instances")
labels = ds.categories()[AnnotationType.label]
seen = set()
for item in ds:
    for a in item.annotations:
        cls = labels[a.label].name
        o, tol = want[cls], 0.006
        seen.add(cls)
        if cls == "body":
            # no mask: the reader keeps the bbox of the labeled points
            assert isinstance(a, Bbox), a
            assert a.get_bbox() == [400, 40, 10, 160], a.get_bbox()
            continue
        assert isinstance(a, Polygon), (cls, a)
        pts = list(zip(a.points[0::2], a.points[1::2]))
        if cls == "cat":
            x, y, w, h = o["box"]
            same_points(pts, [(x, y), (x + w, y), (x + w, y + h), (x, y + h)], tol)
        elif cls == "plume":
            same_points(pts, [tuple(p) for p in o["polygon"]], tol)
        elif cls == "bed":
            same_points(pts, corners(*o["rotated_box"]), tol)
        elif cls == "crate":
            hull = MultiPoint(o["cuboid"]).convex_hull.exterior.coords[:-1]
            same_points(pts, hull, tol)
        elif cls == "eye":
            # the outline holds the ellipse's area; its vertices lie on an
            # ellipse of the same centre, axes and turn
            cx, cy, rx, ry, deg = o["ellipse"]
            area = abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]))) / 2
            assert abs(area - math.pi * rx * ry) < 1e-3 * math.pi * rx * ry, area
            c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
            r = [math.hypot(((x - cx) * c + (y - cy) * s) / rx, (-(x - cx) * s + (y - cy) * c) / ry) for x, y in pts]
            assert max(r) - min(r) < 1e-3 and abs(sum(r) / len(r) - 1) < 0.01, (min(r), max(r))
print("coco_instances: %s" % ", ".join(sorted(seen)), file=sys.stderr)
assert seen == set(want), seen

ds = Dataset.import_from("kp.coco.json", "coco_person_keypoints")
labels = ds.categories()[AnnotationType.label]
assert [(c.name, c.parent) for c in labels] == [("body", ""), ("head", "body"), ("hip", "body"), ("foot", "body")], list(labels)
pc = ds.categories()[AnnotationType.points].items[0]
assert pc.labels == ["head", "hip", "foot"] and pc.joints == {(1, 2), (2, 3)}, (pc.labels, pc.joints)
skels = [a for item in ds for a in item.annotations if isinstance(a, Skeleton)]
objs = json.loads(open("kp.ans.jsonl").read())["answer"]["annotations"]
assert len(skels) == len(objs), skels
for a, o in zip(skels, objs):
    assert labels[a.label].name == "body"
    got = [(labels[e.label].name, e.points, e.visibility[0].value) for e in a.elements]
    # COCO's v: 0 not labeled (at 0,0), 1 labeled but not visible, 2 visible
    assert got == [(n, [x, y], v) for n, (x, y, v) in zip(pc.labels, o["skeleton"])], got
print("coco_person_keypoints: %d skeletons" % len(skels), file=sys.stderr)
PY

# --yolo-task: every kind in one project, exported for each Ultralytics
# task and loaded by that task's reader: detect holds every area object as
# its upright box, segment as its outline polygon (a box's and a rotated
# box's corners, the ellipse's ring, the cuboid's hull), obb the box and the
# rotated box as 4 corners; the skeleton (and in obb the rest) is left out
"$BOXEL" init --db task.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db task.db img >/dev/null
expect_rc 0 "tasks: import every kind" "$BOXEL" import --db task.db --as accepted coco.ans.jsonl
for t in detect segment obb; do
	expect_rc 1 "tasks: export --yolo-task $t (the skeleton left out)" \
		"$BOXEL" export --db task.db --format yolo --yolo-task $t task.$t
done
check "datumaro loads each task's export with boxel's shapes" $PY -W ignore - <<'PY'
import json, math, sys
from datumaro.components.annotation import AnnotationType, Bbox, Polygon
from datumaro.components.dataset import Dataset
from shapes import corners, on_ellipse, outline, same_points, upright

want = json.loads(open("coco.ans.jsonl").read())["answer"]["annotations"]

# the readers keep 2 decimals of a pixel
for task, fmt, held, tol in (("detect", "yolov8_detection", ("cat", "plume", "bed", "eye", "crate"), 6e-3),
                             ("segment", "yolov8_segmentation", ("cat", "plume", "bed", "eye", "crate"), 6e-3),
                             ("obb", "yolov8_oriented_boxes", ("cat", "bed"), 1e-2)):
    ds = Dataset.import_from("task." + task, fmt)
    labels = ds.categories()[AnnotationType.label]
    objs = [o for o in want if o["class"] in held]
    anns = [a for item in ds.get_subset("train") for a in item.annotations]
    assert len(anns) == len(objs), (task, anns)
    for a, o in zip(anns, objs):
        assert labels[a.label].name == o["class"], (task, labels[a.label].name, o["class"])
        if task == "detect":
            assert isinstance(a, Bbox) and "rotation" not in a.attributes, a
            x, y, w, h = a.get_bbox()
            assert all(abs(g - e) < tol for g, e in zip((x, y, x + w, y + h), upright(o))), (o, a)
        elif task == "segment":
            assert isinstance(a, Polygon), a
            pts = list(zip(a.points[0::2], a.points[1::2]))
            if "ellipse" in o:
                on_ellipse(pts, o)
            else:
                same_points(pts, outline(o), tol)
        else:
            assert isinstance(a, Bbox), a
            x, y, w, h = a.get_bbox()
            same_points(corners(x + w / 2, y + h / 2, w, h, a.attributes.get("rotation", 0)), outline(o), tol)
    print("--yolo-task %-8s %-22s %d objects match" % (task, fmt, len(anns)), file=sys.stderr)
PY

# CVAT for images XML through Datumaro's cvat reader (the one CVAT's own
# import uses): boxes, polygons, polylines, points, skeletons (named points,
# occluded and outside), tags, a multipolygon as polygons of one group,
# attributes. It ignores a box's rotation (a rotated box comes back as its
# unturned box) and skips <ellipse> and <cuboid>: asserted, so a reader
# that starts reading them shows here.
cp "$BOXEL_TEST_DATA/formats/taxonomy-cvat-kinds.json" cvat.tax.json
"$BOXEL" init --db cvat.db --images img --taxonomy cvat.tax.json >/dev/null
"$BOXEL" import --db cvat.db img >/dev/null
printf '%s\n' '{"image": "k.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 120.5, 90], "attributes": {"pose": "lie & \"rest\" <x>", "n": 3, "ok": true}}, {"class": "plume", "polygon": [[200, 30], [280, 40], [260, 120], [215, 95]]}, {"class": "edge", "polyline": [[5, 5], [50, 60.25], [70, 10]]}, {"class": "dot", "point": [33.5, 44]}, {"class": "bed", "rotated_box": [330, 80, 80, 40, 30]}, {"class": "eye", "ellipse": [330, 200, 50, 25, -20]}, {"class": "indoor"}], "global": {}}}' \
	'{"image": "c.png", "answer": {"annotations": [{"class": "crate", "cuboid": [[170, 170], [240, 170], [240, 230], [170, 230], [195, 150], [265, 150], [265, 210], [195, 210]]}, {"class": "parts", "multipolygon": [[[100, 100], [150, 100], [150, 150]], [[200, 200], [250, 200], [250, 260], [210, 240]]]}, {"class": "body", "skeleton": [[400, 40, 2], [0, 0, 0], [410, 200, 1]]}], "global": {}}}' > cvat.ans.jsonl
expect_rc 0 "cvat: import every kind" "$BOXEL" import --db cvat.db --as accepted cvat.ans.jsonl
mkdir cvat.out
expect_rc 0 "cvat: export" "$BOXEL" export --db cvat.db --format cvat cvat.out/default.xml

check "datumaro's cvat reader loads boxel's CVAT XML with its classes and numbers" $PY -W ignore - <<'PY'
import json, sys
from datumaro.components.annotation import AnnotationType, Bbox, Label, Points, Polygon, PolyLine, Skeleton
from datumaro.components.dataset import Dataset

want = {}
for line in open("cvat.ans.jsonl"):
    t = json.loads(line)
    want[t["image"].rsplit(".", 1)[0]] = {o["class"]: o for o in t["answer"]["annotations"]}
ds = Dataset.import_from("cvat.out", "cvat")
labels = ds.categories()[AnnotationType.label]
tax = json.load(open("cvat.tax.json"))["classes"]
assert [(c.name, c.parent) for c in labels] == [(c["name"], "") for c in tax] + \
    [(n, "body") for n in ("head", "hip", "foot")], list(labels)
pc = ds.categories()[AnnotationType.points]
assert pc.items[labels.find("body")[0]].joints == {(0, 1), (1, 2)}, pc
seen = []
for item in ds:
    objs = want[item.id]
    for a in item.annotations:
        cls = labels[a.label].name
        o = objs[cls]
        seen.append(cls)
        pts = list(zip(a.points[0::2], a.points[1::2])) if hasattr(a, "points") and a.points else None
        if cls == "cat":
            assert isinstance(a, Bbox) and a.get_bbox() == o["box"], a
            assert {k: a.attributes[k] for k in ("pose", "n", "ok")} == \
                {"pose": 'lie & "rest" <x>', "n": 3.0, "ok": True}, a.attributes
        elif cls == "bed":
            # the unturned box about the same centre: the rotation is not read
            cx, cy, w, h, _ = o["rotated_box"]
            assert isinstance(a, Bbox) and a.get_bbox() == [cx - w / 2, cy - h / 2, w, h], a
            assert "rotation" not in a.attributes, a.attributes
        elif cls == "plume":
            assert isinstance(a, Polygon) and pts == [tuple(p) for p in o["polygon"]], a
        elif cls == "edge":
            assert isinstance(a, PolyLine) and pts == [tuple(p) for p in o["polyline"]], a
        elif cls == "dot":
            assert isinstance(a, Points) and pts == [tuple(o["point"])], a
        elif cls == "indoor":
            assert isinstance(a, Label), a
        elif cls == "parts":
            # one polygon per ring, the rings' group the object
            assert isinstance(a, Polygon) and a.group > 0, a
            assert pts in [[tuple(p) for p in r] for r in o["multipolygon"]], pts
        elif cls == "body":
            assert isinstance(a, Skeleton), a
            got = [(labels[e.label].name, e.points, e.attributes["occluded"], e.attributes["outside"])
                   for e in a.elements]
            assert got == [(n, [x, y], v == 1, v == 0) for n, (x, y, v) in
                           zip(("head", "hip", "foot"), o["skeleton"])], got
        else:
            raise AssertionError("unexpected %s: %r" % (cls, a))
groups = {a.group for item in ds for a in item.annotations if labels[a.label].name == "parts"}
assert len(groups) == 1, groups
assert sorted(seen) == sorted(["cat", "bed", "plume", "edge", "dot", "indoor", "parts", "parts", "body"]), seen
print("cvat: %s read; ellipse and cuboid skipped by the reader" % ", ".join(sorted(set(seen))), file=sys.stderr)
PY

# --yolo-task segment joins a multipolygon's rings into one line (as
# Ultralytics' COCO converter does): Datumaro's segmentation reader takes it
# as one polygon of the class, every ring vertex on it
expect_rc 1 "cvat store as yolo segment (points, polylines, skeletons, tags left out)" \
	"$BOXEL" export --db cvat.db --format yolo --yolo-task segment cvat.seg
check "datumaro reads the joined multipolygon as one polygon with every ring vertex" $PY -W ignore - <<'PY'
import json
from datumaro.components.annotation import AnnotationType, Polygon
from datumaro.components.dataset import Dataset

o = [a for l in open("cvat.ans.jsonl") for a in json.loads(l)["answer"]["annotations"]
     if a["class"] == "parts"][0]
ds = Dataset.import_from("cvat.seg", "yolov8_segmentation")
labels = ds.categories()[AnnotationType.label]
got = [a for item in ds.get_subset("train") for a in item.annotations
       if labels[a.label].name == "parts"]
assert len(got) == 1 and isinstance(got[0], Polygon), got
pts = list(zip(got[0].points[0::2], got[0].points[1::2]))
for r in o["multipolygon"]:
    for x, y in r:
        # the reader keeps 2 decimals of a pixel
        assert any(abs(x - px) < 1e-2 and abs(y - py) < 1e-2 for px, py in pts), ((x, y), pts)
PY

# The readers are strict: an OBB line the oriented-box reader cannot take is
# an error, so the checks above are not passing on objects left out
printf '1 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2 0.15 0.25\n' >> obb.yolo/labels/train/c.txt
refused() { ! "$@" 2>/dev/null; }
check "datumaro refuses a 5-point polygon in an OBB file" refused $PY -W ignore -c '
from datumaro.components.dataset import Dataset
list(Dataset.import_from("obb.yolo", "yolov8_oriented_boxes"))'
# and its CVAT reader reads the numbers: a box corner that is none fails it
mkdir cvat.bad
sed 's/xtl="10.00"/xtl="ten"/' cvat.out/default.xml > cvat.bad/default.xml
check "datumaro refuses a CVAT box whose corner is not a number" refused $PY -W ignore -c '
from datumaro.components.dataset import Dataset
list(Dataset.import_from("cvat.bad", "cvat"))'
finish
