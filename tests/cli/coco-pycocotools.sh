# coco-pycocotools.sh: boxel's COCO export read by an independent reader,
# pycocotools (COCO's own API): every kind COCO can hold (box, polygon,
# multipolygon, rotated box, ellipse, cuboid, skeleton keypoints) loads
# with COCO(); each mask from annToMask covers the shape's exact area
# (shapely) to within its rasterized outline, and boxel's "area" is that
# exact area; COCOeval (bbox, segm, keypoints) of the export against itself
# gives AP 1, against a copy with one shape moved AP < 1. pycocotools is
# not packaged in Debian: the test runs where it is importable (PYTHONPATH)
# and skips with a line elsewhere.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! $PY -c 'import pycocotools.coco, pycocotools.cocoeval, shapely, numpy' 2>/dev/null; then
	echo "skip: pycocotools (with numpy and shapely) not importable by $PY: the COCO export is not checked by an independent reader"
	exit 77
fi
SRC=${BOXEL_SOURCE_ROOT:?}
cd "$T_TMP" || exit 2
mkdir img
cp "$SRC"/sample-data/chelsea.png "$SRC"/sample-data/coffee.png img/
cat > tax.json <<'J'
{"name": "p", "classes": [
 {"name": "cat", "geometries": ["box"]},
 {"name": "plume", "geometries": ["polygon"]},
 {"name": "spots", "geometries": ["multipolygon"]},
 {"name": "bed", "geometries": ["rotated_box"]},
 {"name": "eye", "geometries": ["ellipse"]},
 {"name": "crate", "geometries": ["cuboid"]},
 {"name": "body", "geometries": ["skeleton"], "keypoints": ["head", "hip", "foot"],
  "skeleton": [[1, 2], [2, 3]], "sigmas": [0.05, 0.08, 0.1]}]}
J
"$BOXEL" init --db p.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db p.db img >/dev/null
# Two images, every kind; the multipolygon's rings overlap (area is their
# union), the rotated box and the ellipse are turned.
cat > ans.jsonl <<'J'
{"image": "chelsea.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 120.5, 90]}, {"class": "plume", "polygon": [[200, 30], [280, 40], [260, 120], [215, 95]]}, {"class": "spots", "multipolygon": [[[20, 150], [90, 150], [90, 210], [20, 210]], [[70, 190], [140, 190], [140, 260], [70, 260]]]}, {"class": "bed", "rotated_box": [330, 80, 80, 40, 30]}, {"class": "eye", "ellipse": [330, 200, 50, 25, -20]}, {"class": "crate", "cuboid": [[170, 170], [240, 170], [240, 230], [170, 230], [195, 150], [265, 150], [265, 210], [195, 210]]}, {"class": "body", "skeleton": [[400, 40, 2], [405, 120, 2], [410, 200, 1]]}], "global": {}}}
{"image": "coffee.png", "answer": {"annotations": [{"class": "cat", "box": [30, 40, 200, 150]}, {"class": "eye", "ellipse": [300, 250, 30, 60, 45]}, {"class": "body", "skeleton": [[100, 250, 2], [0, 0, 0], [150, 350, 2]]}], "global": {}}}
J
expect_rc 0 "import every kind" "$BOXEL" import --db p.db --as accepted ans.jsonl
expect_rc 0 "export coco" "$BOXEL" export --db p.db --format coco p.coco.json

check "pycocotools reads it; masks, areas and the exact shapes agree" $PY - p.coco.json <<'PY'
import contextlib, io, json, math, sys
import numpy as np
from pycocotools.coco import COCO
from shapely import affinity
from shapely.geometry import Point, Polygon
from shapely.ops import unary_union

with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(sys.argv[1])
names = {c["id"]: c["name"] for c in gt.loadCats(gt.getCatIds())}
seen = set()
for a in gt.loadAnns(gt.getAnnIds()):
    kind = names[a["category_id"]]
    seen.add(kind)
    if kind == "body":
        assert "keypoints" in a and len(a["keypoints"]) == 9, a
        continue
    if "ellipse" in a:
        cx, cy, rx, ry, ang = a["ellipse"]
        exact = affinity.rotate(affinity.scale(Point(cx, cy).buffer(1, 4096), rx, ry), ang, origin=(cx, cy))
        area = math.pi * rx * ry
        # the outline written keeps the ellipse's region: same area, and
        # it strays from the true ellipse by a thin sliver only
        ring = Polygon(list(zip(a["segmentation"][0][0::2], a["segmentation"][0][1::2])))
        assert abs(ring.area - area) < 1e-6 * area, (ring.area, area)
        assert ring.symmetric_difference(exact).area < 0.002 * area, ring.symmetric_difference(exact).area
        print("ellipse outline: %d vertices, area %.6f of %.6f, off the ellipse by %.4f%%" %
              (len(ring.exterior.coords) - 1, ring.area, area,
               100 * ring.symmetric_difference(exact).area / area), file=sys.stderr)
    elif "cuboid" in a:
        exact = Polygon(a["cuboid"]).convex_hull
    elif "rotated_box" in a:
        cx, cy, w, h, ang = a["rotated_box"]
        exact = affinity.rotate(Polygon([(cx - w / 2, cy - h / 2), (cx + w / 2, cy - h / 2),
                                         (cx + w / 2, cy + h / 2), (cx - w / 2, cy + h / 2)]),
                                ang, origin=(cx, cy))
    else:
        exact = unary_union([Polygon(list(zip(s[0::2], s[1::2]))) for s in a["segmentation"]])
    area = exact.area
    # boxel's area is the shape's exact one
    assert abs(a["area"] - area) < 1e-6 * area, (kind, a["area"], area)
    # pycocotools' mask: the shape rasterized; it may differ from the exact
    # area by about one pixel along the outline
    m = gt.annToMask(a)
    assert m.shape == (gt.imgs[a["image_id"]]["height"], gt.imgs[a["image_id"]]["width"])
    px = int(m.sum())
    assert abs(px - area) <= exact.length, (kind, px, area, exact.length)
    # the mask lies in boxel's bbox (one pixel of rounding)
    ys, xs = np.nonzero(m)
    x, y, w, h = a["bbox"]
    assert xs.min() >= math.floor(x) - 1 and xs.max() <= math.ceil(x + w) + 1, (kind, a["bbox"])
    assert ys.min() >= math.floor(y) - 1 and ys.max() <= math.ceil(y + h) + 1, (kind, a["bbox"])
    print("%-6s area %10.3f  mask %6d px  outline %7.2f" % (kind, area, px, exact.length), file=sys.stderr)
assert seen == set(names.values()), seen
PY

check "COCOeval of the export against itself and against one shape moved" $PY - p.coco.json <<'PY'
import contextlib, copy, io, sys
import numpy as np
from pycocotools.coco import COCO
from pycocotools import mask as maskUtils
from pycocotools.cocoeval import COCOeval

with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(sys.argv[1])
body = [c["id"] for c in gt.loadCats(gt.getCatIds()) if c["name"] == "body"][0]
anns = gt.loadAnns(gt.getAnnIds())

def results(kind):
    out = []
    for a in anns:
        if (kind == "keypoints") != (a["category_id"] == body):
            continue
        r = {"image_id": a["image_id"], "category_id": a["category_id"], "score": 1.0}
        if kind == "keypoints":
            r["keypoints"] = list(a["keypoints"])
        elif kind == "segm":
            # results carry masks as RLE (loadRes reads them so); the polygons
            # stay in r["poly"] for moving
            r["poly"] = copy.deepcopy(a["segmentation"])
        else:
            r["bbox"] = list(a["bbox"])
        out.append(r)
    return out

def ap(kind, res):
    res = copy.deepcopy(res)
    for r in res:
        if "poly" in r:
            im = gt.imgs[r["image_id"]]
            r["segmentation"] = maskUtils.merge(maskUtils.frPyObjects(r.pop("poly"), im["height"], im["width"]))
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes(res)
        e = COCOeval(gt, dt, kind)
        e.params.imgIds = sorted(gt.getImgIds())
        if kind == "keypoints":
            e.params.catIds = [body]
            e.params.kpt_oks_sigmas = np.array([0.05, 0.08, 0.1])
        else:
            e.params.catIds = [c for c in gt.getCatIds() if c != body]
        e.evaluate()
        e.accumulate()
        e.summarize()
    return e.stats[0]

def moved(res, kind):
    res = copy.deepcopy(res)
    r = res[0]
    if kind == "keypoints":
        r["keypoints"] = [v + 60 if i % 3 != 2 else v for i, v in enumerate(r["keypoints"])]
    elif kind == "segm":
        r["poly"] = [[v + 60 for v in s] for s in r["poly"]]
    else:
        r["bbox"][0] += 60
    return res

for kind in ("bbox", "segm", "keypoints"):
    res = results(kind)
    same, off = ap(kind, res), ap(kind, moved(res, kind))
    print("%-9s AP itself %.4f, one shape moved %.4f" % (kind, same, off), file=sys.stderr)
    assert abs(same - 1) < 1e-12, (kind, same)
    assert 0 <= off < 1 - 1e-3, (kind, off)
PY
finish
