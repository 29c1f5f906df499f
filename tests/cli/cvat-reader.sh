# cvat-reader.sh: boxel's CVAT for images 1.1 XML read by CVAT's own code.
# CVAT's importer for an XML file is load_anno() in
# cvat/apps/dataset_manager/formats/cvat.py: it parses the file into
# LabeledShape/Tag records (type, points, rotation, occluded, outside,
# group, attributes, a skeleton's elements) and hands them to the task's
# annotation store. The test loads that file unmodified from a CVAT source
# tree named by CVAT_SRC, with stand-ins for the Django and Datumaro pieces
# it imports (the store that collects the records is the test's), and
# checks every shape against boxel's numbers, computed here: a rotated box
# as CVAT draws it (its unturned box turned clockwise about its centre),
# an ellipse's centre and radii, a cuboid's corners joined as CVAT's canvas
# joins them. An altered file must be found different. Then CVAT's writer
# (dump_as_cvat_annotation, same file) writes what its reader read, and
# boxel imports that XML back to the same numbers.
#
# Run it with CVAT_SRC=<a CVAT checkout> meson test -C build cli-cvat-reader;
# without CVAT_SRC (CVAT is a Django server, not in Debian) it skips with a
# line. Last run with cvat-ai/cvat's tree at commit f3dcc3e8352f (Aug 2024,
# through a fork's snapshot), python3 3.11 and python3-defusedxml 0.7.1
# (Debian bookworm).
. "$(dirname "$0")/lib.sh"

sample_images # img/k.png (chelsea, 451x300), img/c.png (coffee, 600x400)
cp "$SRC/tests/cli/shapes.py" .
CVAT_PY=${CVAT_SRC:-}/cvat/apps/dataset_manager/formats/cvat.py
if [ -z "${CVAT_SRC:-}" ] || [ ! -f "$CVAT_PY" ]; then
	echo "skip: CVAT_SRC does not name a CVAT source tree (with $CVAT_PY): the CVAT export is not read by CVAT's own code"
	exit 77
fi

# cvatshim.py: CVAT's cvat.py as a module, its imports stood in for. Only
# load_anno, create_xml_dumper and dump_as_cvat_annotation are run; what
# they call of the stand-ins is match_dm_item (which frame an <image> is)
# and the instance data below.
cat > cvatshim.py <<'PY'
import importlib.abc, importlib.machinery, importlib.util, os, sys, types
from collections import OrderedDict, namedtuple

class Stub:
    """a name cvat.py imports but the code run here does not use"""
    def __init__(self, *a, **k):
        self.args, self.kwargs = a, k

class StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """every datumaro.* and cvat.* module, as one whose names are Stubs"""
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("datumaro", "cvat"):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
    def create_module(self, spec):
        m = types.ModuleType(spec.name)
        m.__path__ = []
        m.__getattr__ = lambda n: type(n, (Stub,), {})
        return m
    def exec_module(self, m):
        pass
sys.meta_path.insert(0, StubFinder())

def match_dm_item(item, instance_data, root_hint=None):
    # CVAT matches the item's name against the task's frames
    return instance_data.frames.index(item.kwargs["id"])
sys.modules["cvat.apps.dataset_manager.bindings"] = b = types.ModuleType("bindings")
b.__getattr__ = lambda n: type(n, (Stub,), {})
b.match_dm_item = match_dm_item
class Env:
    def __getattr__(self, n):
        return self
    def register(self, *a):
        pass
sys.modules["cvat.apps.dataset_manager.formats.registry"] = r = types.ModuleType("registry")
r.__getattr__ = lambda n: type(n, (Stub,), {})
r.dm_env = Env()
r.exporter = r.importer = lambda **k: (lambda f: f)

path = os.environ["CVAT_SRC"] + "/cvat/apps/dataset_manager/formats/cvat.py"
spec = importlib.util.spec_from_file_location("cvat.apps.dataset_manager.formats.cvat", path)
cvat = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = cvat
spec.loader.exec_module(cvat)

def rec(name, fields, **defaults):
    return namedtuple(name, fields, defaults=[defaults[f] for f in fields.split() if f in defaults])

class Task:
    """the task's annotations as CVAT's instance data holds them"""
    Attribute = rec("Attribute", "name value")
    LabeledShape = rec("LabeledShape", "type frame label points occluded attributes source group "
                       "rotation z_order elements outside id",
                       group=0, rotation=0, z_order=0, elements=(), outside=False, id=None)
    TrackedShape = rec("TrackedShape", "type frame points occluded outside keyframe attributes source "
                       "rotation z_order elements", rotation=0, z_order=0, elements=(), source="file")
    Track = rec("Track", "label group source shapes elements")
    Tag = rec("Tag", "frame label attributes source group", group=0)
    Frame = rec("Frame", "frame name width height labeled_shapes tags")

    def __init__(self, images):
        self.images = images  # [(name, width, height)] as the task's frames
        self.frames = [os.path.splitext(n)[0] for n, _, _ in images]
        self.shapes, self.tags, self.tracks = [], [], []
        self.meta = OrderedDict([("task", OrderedDict([("name", "t"), ("mode", "annotation")]))])
    def abs_frame_id(self, f):
        return f
    def add_shape(self, s):
        self.shapes.append(s)
    def add_tag(self, t):
        self.tags.append(t)
    def add_track(self, t):
        self.tracks.append(t)
    def group_by_frame(self, include_empty=False):
        return [self.Frame(i, n, w, h, [s for s in self.shapes if s.frame == i],
                           [t for t in self.tags if t.frame == i])
                for i, (n, w, h) in enumerate(self.images)]

IMAGES = [("c.png", 600, 400), ("k.png", 451, 300)]

def load(path):
    t = Task(IMAGES)
    with open(path, "rb") as f:
        cvat.load_anno(f, t)
    return t

def dump(task, path):
    with open(path, "wb") as f:
        cvat.dump_task_or_job_anno(f, task, cvat.dump_as_cvat_annotation)
PY
if ! $PY -c 'import cvatshim' 2>cvat.err; then
	echo "skip: CVAT's cvat.py did not load with the stand-ins ($(tail -1 cvat.err)): the CVAT export is not read by CVAT's own code"
	exit 77
fi

cp "$BOXEL_TEST_DATA/formats/taxonomy-cvat-kinds.json" tax.json
# every kind, rotated boxes and ellipses turned both ways and past 90 degrees
cat > ans.jsonl <<'J'
{"image": "k.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 120.5, 90], "attributes": {"pose": "lie & \"rest\" <x>", "n": 3, "ok": true}}, {"class": "plume", "polygon": [[200, 30], [280, 40], [260, 120], [215, 95]]}, {"class": "edge", "polyline": [[5, 5], [50, 60.25], [70, 10]]}, {"class": "dot", "point": [33.5, 44]}, {"class": "bed", "rotated_box": [330, 80, 80, 40, 30]}, {"class": "bed", "rotated_box": [120, 200, 50, 20, 125]}, {"class": "eye", "ellipse": [330, 200, 50, 25, -20]}, {"class": "eye", "ellipse": [60, 250, 30, 12.5, 100]}, {"class": "indoor"}], "global": {}}}
{"image": "c.png", "answer": {"annotations": [{"class": "crate", "cuboid": [[170, 170], [240, 170], [240, 230], [170, 230], [195, 150], [265, 150], [265, 210], [195, 210]]}, {"class": "parts", "multipolygon": [[[100, 100], [150, 100], [150, 150]], [[200, 200], [250, 200], [250, 260], [210, 240]]]}, {"class": "body", "skeleton": [[400, 40, 2], [0, 0, 0], [410, 200, 1]]}, {"class": "bed", "rotated_box": [300, 250, 30, 60, -50]}], "global": {}}}
J
"$BOXEL" init --db t.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db t.db img >/dev/null
expect_rc 0 "import every kind" "$BOXEL" import --db t.db --as accepted ans.jsonl
expect_rc 0 "export cvat" "$BOXEL" export --db t.db --format cvat boxel.xml

# compare.py XML: the mismatches between what CVAT's reader reads of XML and
# ans.jsonl, one line each (none: it reads boxel's numbers)
cat > compare.py <<'PY'
import json, math, sys
from cvatshim import load
from shapes import corners, ellipse_points

def near(a, b, tol=0.006):
    return len(a) == len(b) and all(math.dist(p, q) < tol for p, q in zip(a, b))

def pairs(v):
    return [tuple(v[i:i + 2]) for i in range(0, len(v), 2)]

# CVAT's canvas (cvat-canvas/src/typescript/cuboid.ts) holds a cuboid as
# tl1 bl1 tr1 br1 tl2 bl2 tr2 br2 and draws its depth edges tr1-tl2,
# br1-bl2, tl1-tr2, bl1-br2: boxel's front corner i is joined to back i
FRONT_BACK = (("tl1", "tr2"), ("tr1", "tl2"), ("br1", "bl2"), ("bl1", "br2"))
CVAT_ORDER = ("tl1", "bl1", "tr1", "br1", "tl2", "bl2", "tr2", "br2")

def compare(path):
    want = {}
    for line in open("ans.jsonl"):
        t = json.loads(line)
        want[t["image"]] = t["answer"]["annotations"]
    task = load(path)
    bad = []
    for f in task.group_by_frame():
        objs = [o for o in want[f.name] if o["class"] != "indoor"]
        tags = [o["class"] for o in want[f.name] if o["class"] == "indoor"]
        got = list(f.labeled_shapes)
        if [t.label for t in f.tags] != tags:
            bad.append("%s: tags %r" % (f.name, f.tags))
        # a multipolygon is one polygon per ring, in one group
        rings = [s for s in got if s.label == "parts"]
        got = [s for s in got if s.label != "parts"] + ([rings] if rings else [])
        objs = [o for o in objs if o["class"] != "parts"] + [o for o in objs if o["class"] == "parts"]
        if len(got) != len(objs):
            bad.append("%s: %d shapes, want %d" % (f.name, len(got), len(objs)))
            continue
        for s, o in zip(got, objs):
            cls = o["class"]
            if cls == "parts":
                groups = {r.group for r in s}
                if len(groups) != 1 or 0 in groups or [r.type for r in s] != ["polygon"] * len(o["multipolygon"]) \
                        or not all(near(pairs(r.points), [tuple(p) for p in ring]) for r, ring in zip(s, o["multipolygon"])):
                    bad.append("parts: %r" % (s,))
                continue
            if s.label != cls or s.occluded or s.outside:
                bad.append("%s: label %s occluded %s outside %s" % (cls, s.label, s.occluded, s.outside))
            pts = pairs(s.points)
            if cls == "cat":
                x, y, w, h = o["box"]
                ok = s.type == "rectangle" and s.rotation == 0 and near(pts, [(x, y), (x + w, y + h)])
                attrs = {a.name: a.value for a in s.attributes}
                ok = ok and attrs == {"pose": o["attributes"]["pose"], "n": "3", "ok": "true"}
            elif cls == "bed":
                # CVAT's box: the unturned corners, turned "rotation" degrees
                # clockwise about their centre
                (x0, y0), (x1, y1) = pts
                ok = s.type == "rectangle" and 0 <= s.rotation < 360 and near(
                    corners((x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, s.rotation),
                    corners(*o["rotated_box"]), 0.02)
            elif cls == "eye":
                # CVAT's ellipse: centre, then (cx + rx, cy - ry), turned
                # "rotation" degrees clockwise
                (cx, cy), (px, py) = pts
                ok = s.type == "ellipse" and 0 <= s.rotation < 360 and near(
                    ellipse_points(cx, cy, px - cx, cy - py, s.rotation), ellipse_points(*o["ellipse"]), 0.02)
            elif cls == "crate":
                c = dict(zip(CVAT_ORDER, pts))
                front, back = o["cuboid"][:4], o["cuboid"][4:]
                ok = s.type == "cuboid" and all(
                    near([c[a], c[b]], [tuple(front[i]), tuple(back[i])]) for i, (a, b) in enumerate(FRONT_BACK))
            elif cls == "plume":
                ok = s.type == "polygon" and near(pts, [tuple(p) for p in o["polygon"]])
            elif cls == "edge":
                ok = s.type == "polyline" and near(pts, [tuple(p) for p in o["polyline"]])
            elif cls == "dot":
                ok = s.type == "points" and near(pts, [tuple(o["point"])])
            elif cls == "body":
                # COCO's v: 0 not labeled (outside), 1 hidden (occluded)
                els = [(e.label, e.type, pairs(e.points), e.occluded, e.outside) for e in s.elements]
                ok = s.type == "skeleton" and len(els) == 3 and all(
                    e[:2] == (n, "points") and near(e[2], [(x, y)]) and e[3:] == (v == 1, v == 0)
                    for e, n, (x, y, v) in zip(els, ("head", "hip", "foot"), o["skeleton"]))
            if not ok:
                bad.append("%s: %r" % (cls, s))
    return bad

if __name__ == "__main__":
    bad = compare(sys.argv[1])
    for b in bad:
        print(b)
    if not bad:
        print("%s: every shape as boxel stores it" % sys.argv[1], file=sys.stderr)
    sys.exit(1 if bad else 0)
PY
check "CVAT's load_anno reads boxel's XML: every kind with boxel's numbers" $PY compare.py boxel.xml

# altered copies must be found different: a rotated box turned 1 degree
# more, a cuboid's back face named as its corners are (tl2 behind tl1), an
# ellipse's rotation dropped
differs() { ! $PY compare.py "$1" >/dev/null 2>&1; }
sed 's/rotation="30.00"/rotation="31.00"/' boxel.xml > turned.xml
sed -E 's/xtl2="([0-9.]+)" ytl2="([0-9.]+)" xbl2="([0-9.]+)" ybl2="([0-9.]+)" xtr2="([0-9.]+)" ytr2="([0-9.]+)" xbr2="([0-9.]+)" ybr2="([0-9.]+)"/xtl2="\5" ytl2="\6" xbl2="\7" ybl2="\8" xtr2="\1" ytr2="\2" xbr2="\3" ybr2="\4"/' boxel.xml > faces.xml
sed 's/ rotation="340.00"//' boxel.xml > flat.xml
for f in turned faces flat; do
	check "$f.xml differs from boxel.xml" $PY -c 'import sys; sys.exit(open("boxel.xml").read() == open(sys.argv[1]).read())' $f.xml
	check "CVAT's reader finds $f.xml different" differs $f.xml
done

# Text through CVAT's parser: a label with XML's special characters and a
# free-text attribute with a newline, a tab, a carriage return (which XML
# turns into a newline unless written as a reference), "]]>", a written-out
# "&amp;" and non-ASCII must come back as stored
cat > text.tax.json <<'J'
{"name": "x", "classes": [{"name": "cat & <dog> \"q\" 'a'", "geometries": ["box"], "attributes": [{"name": "note", "type": "text"}]}]}
J
$PY -c 'import json; print(json.dumps({"image": "k.png", "answer": {"annotations": [{"class": "cat & <dog> \"q\" '"'"'a'"'"'", "box": [10, 20, 30, 40], "attributes": {"note": "one\ntwo\tthree\r four  ]]> &amp; é \u2028 猫"}}], "global": {}}}))' > text.jsonl
"$BOXEL" init --db text.db --images img --taxonomy text.tax.json >/dev/null
"$BOXEL" import --db text.db img >/dev/null
expect_rc 0 "import a label and a text attribute with XML's special characters" "$BOXEL" import --db text.db --as accepted text.jsonl
expect_rc 0 "export them as cvat" "$BOXEL" export --db text.db --format cvat text.xml
check "CVAT's reader reads the label and the text as stored" $PY -c '
import json, sys
from cvatshim import load
want = json.loads(open("text.jsonl").read())["answer"]["annotations"][0]
got = [(s.label, [(a.name, a.value) for a in s.attributes]) for s in load("text.xml").shapes]
sys.exit(got != [(want["class"], [("note", want["attributes"]["note"])])])'

# CVAT's writer: what its reader read of boxel's XML, written back by
# CVAT's dump_as_cvat_annotation; boxel imports it to the same numbers
check "CVAT's dump_as_cvat_annotation writes what its reader read" $PY -c '
from cvatshim import load, dump
dump(load("boxel.xml"), "cvat.xml")'
check "CVAT-written XML reads back through CVAT's reader" $PY compare.py cvat.xml
"$BOXEL" init --db back.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db back.db img >/dev/null
expect_rc 0 "boxel imports CVAT-written XML" "$BOXEL" import --db back.db --format cvat --as accepted cvat.xml
expect_rc 0 "export jsonl" "$BOXEL" export --db back.db --format jsonl back.jsonl
check "boxel reads CVAT-written XML as the numbers it exported" $PY - <<'PY'
import json, sys

def num(v):
    """every number of a value, flattened"""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return [float(v)]
    if isinstance(v, list):
        return [x for e in v for x in num(e)]
    return []

def key(o):
    return json.dumps({k: v for k, v in o.items() if k == "class"})

want, got = {}, {}
for line in open("ans.jsonl"):
    t = json.loads(line)
    want[t["image"]] = t["answer"]["annotations"]
for line in open("back.jsonl"):
    t = json.loads(line)
    got[t["image"]] = t["accepted"]["annotations"]
assert sorted(want) == sorted(got), (want.keys(), got.keys())
n = 0
for img in want:
    w = sorted(want[img], key=lambda o: (o["class"], json.dumps(o)))
    g = sorted(got[img], key=lambda o: (o["class"], json.dumps(o)))
    assert [o["class"] for o in w] == [o["class"] for o in g], (img, w, g)
    for a, b in zip(w, g):
        kinds = sorted(k for k in a if k not in ("class", "attributes"))
        assert kinds == sorted(k for k in b if k not in ("class", "attributes")), (a, b)
        for k in kinds:
            x, y = num(a[k]), num(b[k])
            if k in ("rotated_box", "ellipse"):  # angles come back in (-180, 180]
                x[4], y[4] = x[4] % 360, y[4] % 360
            assert len(x) == len(y) and all(abs(p - q) < 0.006 for p, q in zip(x, y)), (k, a, b)
        assert a.get("attributes", {}) == b.get("attributes", {}), (a, b)
        n += 1
print("boxel read %d objects of CVAT's XML as it wrote them" % n, file=sys.stderr)
PY
finish
