# datumaro.sh: boxel's YOLO exports read by an independent reader, Datumaro
# (the library CVAT imports and exports datasets with): a project of boxes
# loads with its Ultralytics detection importer, boxes and polygons with the
# segmentation one, rotated boxes (YOLO-OBB lines) with the oriented-box one;
# each object comes back with its class and the numbers boxel stores (its
# JSONL export), rotated boxes as the same four corners. Datumaro is not in
# Debian: the test runs where it is importable (PYTHONPATH) and skips with a
# line elsewhere.
. "$(dirname "$0")/lib.sh"

sample_images # img/k.png (chelsea, 451x300), img/c.png (coffee, 600x400)
if ! $PY -W ignore -c 'from datumaro.components.dataset import Dataset
from datumaro.plugins.yolo_format.extractor import YOLOv8OrientedBoxesExtractor' 2>/dev/null; then
	echo "skip: datumaro (with its YOLOv8 importers) not importable by $PY: the YOLO export is not checked by an independent reader"
	exit 77
fi
cat > tax.json <<'J'
{"name": "p", "classes": [
 {"name": "cat", "geometries": ["box"]},
 {"name": "plume", "geometries": ["polygon"]},
 {"name": "bed", "geometries": ["rotated_box"]}]}
J
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

check "datumaro loads each export; classes and numbers are boxel's" $PY -W ignore - <<'PY'
import json, math, sys
from datumaro.components.annotation import AnnotationType, Bbox, Polygon
from datumaro.components.dataset import Dataset

def stored(name):
    """boxel's objects per image id, from its JSONL export"""
    out = {}
    for line in open(name + ".jsonl"):
        t = json.loads(line)
        out[t["image"].rsplit(".", 1)[0]] = t["accepted"]["annotations"]
    return out

def corners(cx, cy, w, h, deg):
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return [(cx + dx * c - dy * s, cy + dx * s + dy * c)
            for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2))]

def same_points(got, want, tol):
    # the same points, in any order (a reader may start a ring elsewhere)
    assert len(got) == len(want), (got, want)
    left = list(want)
    for p in got:
        d, i = min((math.dist(p, q), i) for i, q in enumerate(left))
        assert d < tol, (p, left)
        left.pop(i)

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
    assert [c.name for c in labels] == ["cat", "plume", "bed"], [c.name for c in labels]
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

# The readers are strict: an OBB line the oriented-box reader cannot take is
# an error, so the checks above are not passing on objects left out
printf '1 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2 0.15 0.25\n' >> obb.yolo/labels/train/c.txt
refused() { ! "$@" 2>/dev/null; }
check "datumaro refuses a 5-point polygon in an OBB file" refused $PY -W ignore -c '
from datumaro.components.dataset import Dataset
list(Dataset.import_from("obb.yolo", "yolov8_oriented_boxes"))'
finish
