# labelstudio-sdk.sh: boxel's Label Studio export read by an independent
# reader, Label Studio's own converter (label_studio_sdk.converter: what
# Label Studio runs to turn a project's JSON and its labeling config into
# COCO, YOLO and VOC). A project of boxes, rotated boxes, polygons,
# ellipses, points and image classes is exported with its
# labeling-config.xml; every object must come back with its class and the
# numbers boxel stores (its JSONL export): percent -> pixels, a rotated box
# turned about its top-left corner as Label Studio turns it. The converter
# is not in Debian: the test runs where it is importable (PYTHONPATH) and
# skips with a line elsewhere.
. "$(dirname "$0")/lib.sh"

sample_images # img/k.png (chelsea, 451x300), img/c.png (coffee, 600x400)
if ! $PY -W ignore -c 'from label_studio_sdk.converter import Converter' 2>/dev/null; then
	echo "skip: label_studio_sdk.converter not importable by $PY: the Label Studio export is not checked by an independent reader"
	exit 77
fi
cat > tax.json <<'J'
{"name": "p", "classes": [
 {"name": "cat", "geometries": ["box"]},
 {"name": "plume", "geometries": ["polygon"]},
 {"name": "bed", "geometries": ["rotated_box"]},
 {"name": "eye", "geometries": ["ellipse"]},
 {"name": "nose", "geometries": ["point"]},
 {"name": "indoor", "geometries": ["tag"]}]}
J
"$BOXEL" init --db t.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db t.db img >/dev/null
cat > ans.jsonl <<'J'
{"image": "k.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 120.5, 90]}, {"class": "plume", "polygon": [[200, 30], [280, 40], [260, 120], [230.5, 140.25], [215, 95]]}, {"class": "bed", "rotated_box": [330, 80, 80, 40, 30]}, {"class": "eye", "ellipse": [330, 200, 50, 25, -20]}, {"class": "nose", "point": [100.5, 60.25]}, {"class": "indoor"}], "global": {}}}
{"image": "c.png", "answer": {"annotations": [{"class": "bed", "rotated_box": [300, 250, 30, 60, -50]}, {"class": "cat", "box": [30, 40, 200, 150]}, {"class": "bed", "rotated_box": [120, 300, 50, 20, 125]}, {"class": "nose", "point": [500, 300]}], "global": {}}}
J
expect_rc 0 "import every kind" "$BOXEL" import --db t.db --as accepted ans.jsonl
mkdir -p out
expect_rc 0 "export labelstudio" "$BOXEL" export --db t.db --format labelstudio out/ls.json
expect_rc 0 "export jsonl" "$BOXEL" export --db t.db --format jsonl stored.jsonl

# check.py LS.JSON,OUT,STORED.JSONL ...: for each, converts LS.JSON with the
# labeling-config.xml beside it into OUT as COCO, YOLO, YOLO-OBB, VOC and
# JSON_MIN and compares each with STORED.JSONL (boxel's numbers); prints
# "ok", "error:" and what the converter raised, or "differs:" and the first
# object that differs or is missing (one process for all: importing the
# converter takes a second)
cat > check.py <<'PY'
import json, logging, math, os, shutil, sys
import xml.etree.ElementTree as ET
logging.disable(logging.WARNING)
from label_studio_sdk.converter import Converter

def check(src, out, stored):
    """every comparison below; an AssertionError on the first that fails"""
    src = os.path.abspath(src)
    cfg = os.path.join(os.path.dirname(src), "labeling-config.xml")
    out = os.path.abspath(out)
    shutil.rmtree(out, ignore_errors=True)
    want = {}
    for line in open(stored):
        t = json.loads(line)
        want[t["image"]] = t["accepted"]["annotations"]

    def corners(cx, cy, w, h, deg):
        """a rotated box's corners from its top-left (turned clockwise, y down)"""
        c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
        return [(cx + dx * c - dy * s, cy + dx * s + dy * c)
                for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2))]

    def box_corners(o):
        if "box" in o:
            x, y, w, h = o["box"]
            return corners(x + w / 2, y + h / 2, w, h, 0)
        return corners(*o["rotated_box"])

    def hull_pct(o, W, H):
        """the COCO bbox the converter gives a rotated box: it turns the box
        about its top-left corner in percent units, not pixels, so on an image
        that is not square the hull is not the pixel one; what is compared is
        that boxel's corner, sizes and angle are the ones it turns"""
        x, y = box_corners(o)[0]
        cx, cy, w, h, deg = o["rotated_box"]
        x, y, w, h = 100 * x / W, 100 * y / H, 100 * w / W, 100 * h / H
        c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
        xs, ys = zip(*[(x + dx * c - dy * s, y + dx * s + dy * c) for dx, dy in ((0, 0), (w, 0), (w, h), (0, h))])
        return [min(xs) * W / 100, min(ys) * H / 100, (max(xs) - min(xs)) * W / 100, (max(ys) - min(ys)) * H / 100]

    def near(a, b, tol, what):
        assert len(a) == len(b) and all(abs(p - q) < tol for p, q in zip(a, b)), (what, a, b)

    def of(kinds):
        """(image, object) of the stored objects of these kinds, in file order"""
        return [(im, o) for im in sorted(want) for o in want[im] if any(k in o for k in kinds)]

    size = {"k.png": (451, 300), "c.png": (600, 400)}
    conv = Converter(config=cfg, project_dir=os.path.abspath("img"), download_resources=False)
    os.chdir("img")  # data.image is relative to the image root, as boxel writes it

    # COCO: boxes as bbox (a rotated box as an upright hull, see hull_pct),
    # polygons as segmentation, the points of an image as one instance of the
    # "default" keypoint category (whole pixels); ellipses and image classes
    # are not COCO objects to the converter
    conv.convert_to_coco(src, out + "/coco", is_dir=False)
    coco = json.load(open(out + "/coco/result.json"))
    cats = {c["id"]: c for c in coco["categories"]}
    files = {i["id"]: i["file_name"] for i in coco["images"]}
    got = [(files[a["image_id"]], a) for a in coco["annotations"] if "keypoints" not in a]
    exp = of(("box", "rotated_box", "polygon"))
    assert len(got) == len(exp), ("coco objects", len(got), len(exp))

    def coco_numbers(im, o):
        if "polygon" in o:
            return "segmentation", [v for p in o["polygon"] for v in p]
        return "bbox", o["box"] if "box" in o else hull_pct(o, *size[im])

    # the converter groups an image's results by control: match in any order
    left = list(got)
    for wi, o in exp:
        key, nums = coco_numbers(wi, o)
        def same(g):
            gi, a = g
            v = a[key][0] if key == "segmentation" and a[key] else a[key]
            return (gi == wi and cats[a["category_id"]]["name"] == o["class"] and len(v) == len(nums)
                    and all(abs(p - q) < 1e-6 for p, q in zip(v, nums)))
        m = [g for g in left if same(g)]
        assert m, ("coco: no object with the class and numbers of", wi, o, left)
        left.remove(m[0])
    kps = {files[a["image_id"]]: a for a in coco["annotations"] if "keypoints" in a}
    for im, o in of(("point",)):
        k = cats[kps[im]["category_id"]]
        i = k["keypoints"].index(o["class"])
        assert kps[im]["keypoints"][3 * i:3 * i + 3] == [round(o["point"][0]), round(o["point"][1]), 2], (im, kps[im], o)
    assert len(kps) == len({im for im, _ in of(("point",))}), kps
    n = len(got) + len(kps)

    # With KeyPointLabels in the config the converter writes YOLO pose rows
    # (rectangles with the points whose parentID they are) and no OBB: the
    # rectangles are checked on the export without points
    pose = "KeyPointLabels" in open(cfg).read()
    # YOLO-OBB: every rectangle as its 4 corners, turned as Label Studio turns
    # (about the top-left corner it stores), in fractions of the image
    conv.convert_to_yolo(src, out + "/obb", is_dir=False, is_obb=True)
    def yolo_row(o, W, H, obb):
        """the numbers of o's row: OBB the 4 turned corners, else the centre
        and size of the rectangle unturned at its stored top-left corner (the
        converter drops the rotation); a polygon its points"""
        if "polygon" in o:
            return [v for x, y in o["polygon"] for v in (x / W, y / H)]
        c = box_corners(o)
        if obb:
            return [v for x, y in c for v in (x / W, y / H)]
        w, h = (o["box"] if "box" in o else o["rotated_box"])[2:4]
        return [(c[0][0] + w / 2) / W, (c[0][1] + h / 2) / H, w / W, h / H]

    def match(got, objs, same, what):
        """each object matched by one element of got, none left over"""
        left = list(got)
        for o in objs:
            m = [g for g in left if same(g, o)]
            assert m, (what, "no match for", o, left)
            left.remove(m[0])
        assert not left, (what, "left over", left)
        return len(objs)

    for fmt, obb in (("obb", True), ("yolo", False)):
        if pose and obb:
            continue
        conv.convert_to_yolo(src, out + "/" + fmt, is_dir=False, is_obb=obb)
        names = open(out + "/" + fmt + "/classes.txt").read().split("\n")
        for im in sorted(want):
            W, H = size[im]
            rows = [l.split() for l in open(out + "/" + fmt + "/labels/" + im.rsplit(".", 1)[0] + ".txt") if l.strip()]
            objs = [o for o in want[im] if "box" in o or "rotated_box" in o or ("polygon" in o and not pose)]
            def same(r, o):
                w = yolo_row(o, W, H, obb)
                v = [float(x) for x in r[1:]]
                # pose rows carry the keypoints after the rectangle
                return (names[int(r[0])] == o["class"] and (len(v) == len(w) or pose)
                        and all(abs(p - q) < 1e-9 for p, q in zip(v, w)))
            n += match(rows, objs, same, (fmt, im))

    # VOC: whole-pixel rectangles, upright at the stored top-left corner (it
    # truncates x, y, width and height: within a pixel)
    conv.convert_to_voc(src, out + "/voc", is_dir=False)
    for im in sorted(want):
        objs = [o for o in want[im] if "box" in o or "rotated_box" in o]
        got = ET.parse(out + "/voc/Annotations/" + im.rsplit(".", 1)[0] + ".xml").findall("object")
        def same(g, o):
            x, y = box_corners(o)[0]
            w, h = (o["box"] if "box" in o else o["rotated_box"])[2:4]
            b = [float(g.find("bndbox").findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax")]
            return (g.findtext("name") == o["class"] and
                    all(abs(p - q) <= 1 + 1e-9 for p, q in zip([b[0], b[1], b[2] - b[0], b[3] - b[1]], [x, y, w, h])))
        n += match(got, objs, same, ("voc", im))

    # JSON_MIN: what its regions say through the config's controls: ellipses
    # (centre and radii in percent, rotation 0..360) and the image classes
    conv.convert_to_json_min(src, out + "/min", is_dir=False)
    rows = {r["image"]: r for r in json.load(open(out + "/min/result.json"))}
    for im in sorted(want):
        W, H = size[im]
        ell = [o for o in want[im] if "ellipse" in o]
        got = rows[im].get("ellipse", [])
        assert len(got) == len(ell), (im, got, ell)
        for g, o in zip(got, ell):
            cx, cy, rx, ry, deg = o["ellipse"]
            assert g["ellipselabels"] == [o["class"]], (g, o)
            near([g["x"] * W / 100, g["y"] * H / 100, g["radiusX"] * W / 100, g["radiusY"] * H / 100,
                  g["rotation"] % 360], [cx, cy, rx, ry, deg % 360], 1e-6, o)
            n += 1
        tags = sorted(o["class"] for o in want[im] if len(o) == 1 or set(o) <= {"class", "attributes"})
        got = rows[im].get("image_class", [])
        assert sorted(got if isinstance(got, list) else [got]) == tags, (im, got, tags)
        n += len(tags)
    print("%s: %d objects read back as boxel stores them" % (stored, n), file=sys.stderr)

# each argument SRC,OUT,STORED a job: one line per job, "ok" or "differs: why"
home = os.getcwd()
for job in sys.argv[1:]:
    os.chdir(home)
    try:
        check(*job.split(","))
        print(job, "ok")
    except AssertionError as e:
        print(job, "differs:", str(e)[:400])
    except Exception as e:  # the converter refused the file
        print(job, "error:", type(e).__name__, str(e).split("\n")[0])
PY

# the rectangles again without points, for the YOLO-OBB rows
grep -v '"nose"' tax.json > rb.tax.json
grep -v '"c.png"' ans.jsonl | sed 's/, {"class": "nose", "point": \[100.5, 60.25\]}//' > rb.ans.jsonl
"$BOXEL" init --db rb.db --images img --taxonomy rb.tax.json >/dev/null
"$BOXEL" import --db rb.db img >/dev/null
printf '%s\n' '{"image": "c.png", "answer": {"annotations": [{"class": "bed", "rotated_box": [300, 250, 30, 60, -50]}, {"class": "cat", "box": [30, 40, 200, 150]}, {"class": "bed", "rotated_box": [120, 300, 50, 20, 125]}], "global": {}}}' >> rb.ans.jsonl
expect_rc 0 "rectangles: import" "$BOXEL" import --db rb.db --as accepted rb.ans.jsonl
mkdir -p rb
expect_rc 0 "rectangles: export labelstudio" "$BOXEL" export --db rb.db --format labelstudio rb/ls.json
expect_rc 0 "rectangles: export jsonl" "$BOXEL" export --db rb.db --format jsonl rb.jsonl
# the same checks on a copy with one rotated box's angle changed and one
# box left out must fail: the test cannot pass on dropped or wrong objects
$PY - <<'PY'
import json
t = json.load(open("out/ls.json"))
rs = [r for r in t[0]["annotations"][0]["result"] if r["type"] == "rectanglelabels"]
rs[0]["value"]["rotation"] = (rs[0]["value"]["rotation"] + 1) % 360
json.dump(t, open("out/turned.json", "w"))
t = json.load(open("out/ls.json"))
res = t[1]["annotations"][0]["result"]
res.remove(next(r for r in res if r["type"] == "rectanglelabels"))
json.dump(t, open("out/dropped.json", "w"))
PY
PYTHONWARNINGS=ignore $PY check.py out/ls.json,conv,stored.jsonl rb/ls.json,conv,rb.jsonl \
	out/turned.json,conv,stored.jsonl out/dropped.json,conv,stored.jsonl > results.txt
cat results.txt >&2
check "Label Studio's converter reads every object with boxel's class and numbers" \
	grep -qx 'out/ls.json,conv,stored.jsonl ok' results.txt
check "without points its YOLO-OBB rows are boxel's turned corners" \
	grep -qx 'rb/ls.json,conv,rb.jsonl ok' results.txt
check "a rotated box turned by a degree is told apart" grep -q '^out/turned.json,conv,stored.jsonl differs: ' results.txt
check "a box left out is told apart" grep -q '^out/dropped.json,conv,stored.jsonl differs: ' results.txt
finish
