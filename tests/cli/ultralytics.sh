# ultralytics.sh: boxel's per-task YOLO exports read by Ultralytics itself,
# the trainer the layout is for. Each --yolo-task export (detect, segment,
# obb) of a store of every kind goes through what a training run does
# before its first batch: check_det_dataset() reads data.yaml (classes,
# paths), YOLODataset(task=...).get_labels() verifies every image and label
# file (verify_image_label: column counts, bounds, classes, duplicates) and
# gives each image's classes, boxes and segments; an OBB's corners are then
# turned into centre, size and angle by ops.xyxyxyxy2xywhr, as its training
# does. Every object must come back with its class and boxel's numbers
# (computed here from the answers: an ellipse's exact box and its outline's
# area, a cuboid's hull, a rotated box's corners); altered label files must
# be noticed.
#
# Ultralytics is not in Debian: the test runs where it is importable
# (PYTHONPATH=<its source tree>) and skips with a line elsewhere. Last run
# with ultralytics 8.4.52 (ultralytics/ultralytics' tree at 93e0555251bd,
# May 2026, through a fork's snapshot), no stubs, on Debian bookworm's
# python3-torch 1.13.1, python3-torchvision 0.14.1, python3-opencv 4.6.0,
# python3-numpy 1.24.2, python3-yaml 6.0, python3-matplotlib 3.6.3,
# python3-pandas 1.5.3, python3-psutil 5.9.4, python3-scipy 1.10.1,
# python3-pil 9.4.0, python3-requests 2.28.1, python3-tqdm 4.64.1 and
# python3-shapely 1.8.5.
. "$(dirname "$0")/lib.sh"

sample_images # img/k.png (chelsea, 451x300), img/c.png (coffee, 600x400)
cp "$SRC/tests/cli/shapes.py" .
# Ultralytics writes its settings under YOLO_CONFIG_DIR and must not go online
export YOLO_CONFIG_DIR=$PWD/ycfg YOLO_OFFLINE=1
mkdir -p ycfg
if ! $PY -W ignore -c 'from ultralytics.data.dataset import YOLODataset
from ultralytics.data.utils import check_det_dataset' 2>ul.err; then
	echo "skip: ultralytics not importable by $PY ($(tail -1 ul.err)): the YOLO task exports are not read by Ultralytics"
	exit 77
fi
cp "$BOXEL_TEST_DATA/formats/taxonomy-kinds.json" tax.json
# rotated boxes turned both ways and past 90 degrees, ellipses too; the
# skeleton no task holds (left out with a line, exit 1); an image in a
# subfolder, its name with a space (Ultralytics finds a label file from its
# image's path)
mkdir img/sub && cp img/k.png "img/sub/k k.png"
cat > ans.jsonl <<'J'
{"image": "k.png", "answer": {"annotations": [{"class": "cat", "box": [10, 20, 120.5, 90]}, {"class": "plume", "polygon": [[200, 30], [280, 40], [260, 120], [230.5, 140.25], [215, 95]]}, {"class": "bed", "rotated_box": [330, 80, 80, 40, 30]}, {"class": "eye", "ellipse": [330, 200, 50, 25, -20]}, {"class": "crate", "cuboid": [[170, 170], [240, 170], [240, 230], [170, 230], [195, 150], [265, 150], [265, 210], [195, 210]]}, {"class": "body", "skeleton": [[400, 40, 2], [0, 0, 0], [410, 200, 1]]}], "global": {}}}
{"image": "c.png", "answer": {"annotations": [{"class": "bed", "rotated_box": [300, 250, 30, 60, -50]}, {"class": "cat", "box": [30, 40, 200, 150]}, {"class": "bed", "rotated_box": [120, 300, 50, 20, 125]}, {"class": "eye", "ellipse": [450, 100, 40, 20, 100]}], "global": {}}}
{"image": "sub/k k.png", "answer": {"annotations": [{"class": "plume", "polygon": [[20, 30], [120, 30], [70, 100]]}, {"class": "bed", "rotated_box": [300, 150, 60, 30, 90]}], "global": {}}}
J
"$BOXEL" init --db t.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db t.db img >/dev/null
expect_rc 0 "import every kind" "$BOXEL" import --db t.db --as accepted ans.jsonl
for t in detect segment obb; do
	expect_rc 1 "export --yolo-task $t (what it cannot hold left out)" \
		"$BOXEL" export --db t.db --format yolo --yolo-task $t $t
done

# check.py DIR:TASK...: for each, DIR read as Ultralytics' TASK dataset and
# compared with ans.jsonl; prints "DIR ok" or one "DIR bad: ..." line per
# mismatch (one process for all: importing Ultralytics takes seconds)
cat > check.py <<'PY'
import json, math, sys
import numpy as np
from shapes import corners, holds, on_ellipse, outline, same_points, upright
from ultralytics.data.dataset import YOLODataset
from ultralytics.data.utils import check_det_dataset, verify_image_label
from ultralytics.utils import LOGGER
from ultralytics.utils.ops import xyxyxyxy2xywhr

LOGGER.setLevel(40)  # its progress bars and cache notes
HOLDS = {"detect": ("box", "polygon", "rotated_box", "ellipse", "cuboid"),
         "segment": ("box", "polygon", "rotated_box", "ellipse", "cuboid"),
         "obb": ("box", "rotated_box")}
TOL = 1e-3  # px: 6 decimals of the image's size, read as float32

def kind(o):
    return next(k for k in o if k not in ("class", "attributes"))

def check(path, task):
    """the mismatches, and the number of objects compared"""
    want = {}
    for line in open("ans.jsonl"):
        t = json.loads(line)
        want[t["image"]] = [o for o in t["answer"]["annotations"] if kind(o) in HOLDS[task]]
    names = [c["name"] for c in json.load(open("tax.json"))["classes"]]
    data = check_det_dataset(path + "/data.yaml", autodownload=False)
    bad = []
    if data["names"] != dict(enumerate(names)) or data["nc"] != len(names):
        bad.append("data.yaml: names %r" % data["names"])
    ds = YOLODataset(img_path=data["train"], data=data, task=task, augment=False)
    labels = ds.get_labels()
    if sorted(lb["im_file"].split("/images/train/", 1)[1] for lb in labels) != sorted(want):
        bad.append("images: %r" % [lb["im_file"] for lb in labels])
    n = 0
    for lb in labels:
        name = lb["im_file"].split("/images/train/", 1)[1]
        h, w = lb["shape"]
        objs = want.get(name, [])
        cls = [names[int(c)] for c in lb["cls"].ravel()]
        if cls != [o["class"] for o in objs] or not lb["normalized"] or lb["bbox_format"] != "xywh":
            bad.append("%s: classes %r, want %r" % (name, cls, [o["class"] for o in objs]))
            continue
        px = lambda a: [(x * w, y * h) for x, y in a]
        for i, o in enumerate(objs):
            n += 1
            bx, by, bw, bh = lb["bboxes"][i]
            x0, y0, x1, y1 = upright(o)
            # a segment's box is its outline's (an ellipse's ring reaches out
            # of the ellipse's exact box by its vertices' error)
            tol = 0.05 if task == "segment" and kind(o) == "ellipse" else TOL
            if task != "obb" and not holds(same_points, [((bx - bw / 2) * w, (by - bh / 2) * h), ((bx + bw / 2) * w, (by + bh / 2) * h)],
                                           [(x0, y0), (x1, y1)], tol):
                bad.append("%s %s: box %r, want %r" % (name, o["class"], lb["bboxes"][i], (x0, y0, x1, y1)))
            if task == "detect":
                continue
            pts = px(lb["segments"][i])
            if kind(o) == "ellipse":
                ok = holds(on_ellipse, pts, o)
            else:
                ok = holds(same_points, pts, outline(o), TOL)
            if task == "obb":
                # what its training turns the corners into
                cx, cy, rw, rh, th = xyxyxyxy2xywhr(np.array([sum(pts, ())], dtype=np.float32))[0]
                ok = ok and holds(same_points, corners(cx, cy, rw, rh, math.degrees(th)), outline(o), 0.01)
            if not ok:
                bad.append("%s %s: %r" % (name, o["class"], pts))
    return bad, n

for arg in sys.argv[1:]:
    path, task = arg.split(":")
    if task == "verify":
        # its per-file check, as get_labels runs it: (image, label file,
        # prefix, keypoint, classes, nkpt, ndim, single_cls)
        r = verify_image_label((path + "/images/train/c.png", path + "/labels/train/c.txt", "", False, 6, 0, 0, False))
        print(path, "corrupt" if r[-2] == 1 else "taken", r[-1])
        continue
    try:
        bad, n = check(path, task)
    except Exception as e:  # a file its reader refuses
        bad, n = ["%s: %s" % (type(e).__name__, e)], 0
    for b in bad:
        print(path, "bad:", b)
    if not bad:
        print(path, "ok")
        print("%-7s %d objects as boxel stores them" % (task, n), file=sys.stderr)
PY
# Altered copies: a rotated box's corner moved by 1 px (within bounds:
# Ultralytics takes it, the numbers differ), and a class number past the
# classes (Ultralytics drops the file as corrupt)
# (data.yaml names its folder by its absolute path: each copy names its own)
for d in moved class9; do
	cp -r obb $d && rm -f $d/labels/train.cache
	sed -i "s|^path: .*|path: \"$PWD/$d\"|" $d/data.yaml
done
$PY - <<'PY'
path = "moved/labels/train/c.txt"
lines = open(path).read().splitlines()
f = lines[0].split()
f[1] = "%.6f" % (float(f[1]) + 1 / 600)
lines[0] = " ".join(f)
open(path, "w").write("\n".join(lines) + "\n")
PY
sed -i '1s/^[0-9]* /9 /' class9/labels/train/c.txt
$PY -W ignore check.py detect:detect segment:segment obb:obb moved:obb class9:obb class9:verify > got.txt
for t in detect segment obb; do
	check "ultralytics reads the $t export with boxel's classes and numbers" grep -qx "$t ok" got.txt
done
check "a corner moved by 1 px is found" grep -q "^moved bad: c.png bed" got.txt
# the corrupt file's image is dropped: the images listed lack c.png
dropped() { grep "^class9 bad: images: " got.txt | grep -q "/k.png" && ! grep "^class9 bad: images: " got.txt | grep -q "/c.png"; }
check "a class past data.yaml's names is found (the file dropped)" dropped
check "ultralytics' own verify_image_label calls that file corrupt" grep -q "^class9 corrupt .*exceeds dataset class count" got.txt
if [ "$T_FAILED" -ne 0 ]; then cat got.txt >&2; fi
finish
