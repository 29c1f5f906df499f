# yolo-task.sh: `boxel export --format yolo --yolo-task detect|segment|obb`
# writes one Ultralytics task's lines: detect every area object as its
# upright box, segment as its outline polygon, obb boxes and rotated boxes
# as 4 corners; what the task cannot hold is left out with one warning
# line per kind and exit 1 (--strict: nothing written); an obb export
# imports back as the boxes and rotated boxes it was.
. "$(dirname "$0")/lib.sh"

cd "$T_TMP" || exit 2
mkdir img
tiny_pngs img 200 100 a.png
# a class per kind: CLASS:KIND ...
/usr/bin/python3 -c 'import json, sys
print(json.dumps({"name": "p", "classes": [{"name": c, "geometries": [k]}
    for c, k in (a.split(":") for a in sys.argv[1:])]}))' cat:box plume:polygon \
	bed:rotated_box eye:ellipse face:point whisker:polyline > tax.json
"$BOXEL" init --db a.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db a.db img >/dev/null
cat > ans.jsonl <<'J'
{"image": "a.png", "answer": {"annotations": [{"class": "cat", "box": [80, 30, 40, 40]}, {"class": "plume", "polygon": [[20, 20], [60, 20], [40, 60]]}, {"class": "bed", "rotated_box": [100, 50, 20, 10, 90]}, {"class": "eye", "ellipse": [150, 50, 20, 10, 0]}, {"class": "face", "point": [10, 10]}, {"class": "whisker", "polyline": [[5, 5], [30, 8]]}], "global": {}}}
J
expect_rc 0 "import every kind" "$BOXEL" import --db a.db --as accepted ans.jsonl

# detect: the box, the polygon's (20..60, 20..60), the rotated box's
# (95..105, 40..60) and the ellipse's (130..170, 40..60) upright boxes
expect_rc 1 "detect: the point and the polyline left out" \
	"$BOXEL" export --db a.db --format yolo --yolo-task detect d
check "detect: one line per kind left out" test "$ERR" = \
"boxel: warning: left out 1 point: yolo --yolo-task detect cannot hold a point (coco, labelstudio, scale, cvat, jsonl can)
boxel: warning: left out 1 polyline: yolo --yolo-task detect cannot hold a polyline (scale, cvat, jsonl can)"
check "detect: every area object as CLASS CX CY W H" test "$(cat d/labels/train/a.txt)" = \
"0 0.500000 0.500000 0.200000 0.400000
1 0.200000 0.400000 0.200000 0.400000
2 0.500000 0.500000 0.050000 0.200000
3 0.750000 0.500000 0.200000 0.200000"

# segment: the box's corners, the polygon, the rotated box's corners
# (clockwise from the unturned top-left), the ellipse's 64-vertex ring
expect_rc 1 "segment: the point and the polyline left out" \
	"$BOXEL" export --db a.db --format yolo --yolo-task segment s
check "segment: the point said" contains "$ERR" "left out 1 point: yolo --yolo-task segment cannot hold a point"
check "segment: box, polygon and rotated box as polygon lines" test "$(head -n 3 s/labels/train/a.txt)" = \
"0 0.400000 0.300000 0.600000 0.300000 0.600000 0.700000 0.400000 0.700000
1 0.100000 0.200000 0.300000 0.200000 0.200000 0.600000
2 0.525000 0.400000 0.525000 0.600000 0.475000 0.600000 0.475000 0.400000"
check "segment: the ellipse as a ring of 64 vertices" test \
	"$(sed -n 4p s/labels/train/a.txt | wc -w)" = 129
check "segment: 4 lines" test "$(wc -l < s/labels/train/a.txt)" = 4

# obb: 4-corner lines only
expect_rc 1 "obb: polygon, ellipse, point, polyline left out" \
	"$BOXEL" export --db a.db --format yolo --yolo-task obb --json o
check "obb: which other tasks hold the polygon" contains "$ERR" \
	"boxel: warning: left out 1 polygon: yolo --yolo-task obb cannot hold a polygon (yolo --yolo-task detect|segment, coco, voc, labelstudio, scale, cvat, jsonl can)"
check "obb: the ellipse said" contains "$ERR" \
	"left out 1 ellipse: yolo --yolo-task obb cannot hold an ellipse (yolo --yolo-task detect|segment, coco, labelstudio, scale, cvat, jsonl can)"
check "obb: --json counts the 4 left out" contains "$OUT" '"left_out":4'
check "obb: box and rotated box as their corners" test "$(cat o/labels/train/a.txt)" = \
"0 0.400000 0.300000 0.600000 0.300000 0.600000 0.700000 0.400000 0.700000
2 0.525000 0.400000 0.525000 0.600000 0.475000 0.600000 0.475000 0.400000"

expect_rc 1 "obb --strict refuses" "$BOXEL" export --db a.db --format yolo --yolo-task obb --strict o2
check "obb --strict: said" contains "$ERR" "exported nothing (--strict): yolo --yolo-task obb cannot hold all of the answers"
check "obb --strict: nothing written" test ! -e o2

expect_rc 2 "--yolo-task with another format" "$BOXEL" export --db a.db --format coco --yolo-task obb c.json
check "--yolo-task with coco: one line" test "$ERR" = "boxel: --yolo-task obb: only for --format yolo"
check "--yolo-task with coco: nothing written" test ! -e c.json
expect_rc 2 "an unknown task" "$BOXEL" export --db a.db --format yolo --yolo-task pose p
check "an unknown task: one line" test "$ERR" = "boxel: --yolo-task pose: expected detect, segment or obb"

# the obb export imports back: the box a box, the corners of the class
# that draws rotated boxes a rotated box (angle 90 or the same box at -90)
"$BOXEL" init --db b.db --images img --taxonomy tax.json >/dev/null
expect_rc 0 "import the obb export" "$BOXEL" import --db b.db --format yolo --as accepted o
expect_rc 0 "export it as jsonl" "$BOXEL" export --db b.db --format jsonl b.jsonl
check "obb round trip" /usr/bin/python3 - <<'PY'
import json, math
a = json.loads(open("b.jsonl").readline())["accepted"]["annotations"]
assert [o["class"] for o in a] == ["cat", "bed"], a
assert all(abs(g - w) < 1e-3 for g, w in zip(a[0]["box"], [80, 30, 40, 40])), a[0]
cx, cy, w, h, deg = a[1]["rotated_box"]
assert abs(cx - 100) < 1e-3 and abs(cy - 50) < 1e-3 and abs(w - 20) < 1e-3 and abs(h - 10) < 1e-3, a[1]
assert abs(deg - 90) < 1e-3, a[1]
PY

# A rectangle polygon goes out as a box (YOLO's rectangle line, COCO's
# bbox) and comes back as one: for a class that draws polygons but not
# boxes it is its rectangle again; a class that draws rotated boxes too
# gets the rotated box at angle 0 (the polygon is the fallback)
printf '{"name": "r", "classes": [{"name": "poly", "geometries": ["polygon"]}, {"name": "both", "geometries": ["polygon", "rotated_box"]}]}\n' > rect.tax.json
"$BOXEL" init --db r.db --images img --taxonomy rect.tax.json >/dev/null
"$BOXEL" import --db r.db img >/dev/null
printf '%s\n' '{"image": "a.png", "answer": {"annotations": [{"class": "poly", "polygon": [[10, 10], [60, 10], [60, 40], [10, 40]]}, {"class": "both", "rotated_box": [120, 50, 40, 20, 0]}], "global": {}}}' > rect.jsonl
expect_rc 0 "rectangles: import" "$BOXEL" import --db r.db --as accepted rect.jsonl
for f in yolo coco; do
	expect_rc 0 "rectangles: $f export" "$BOXEL" export --db r.db --format $f rect.$f
	"$BOXEL" init --db r.$f.db --images img --taxonomy rect.tax.json >/dev/null
	"$BOXEL" import --db r.$f.db img >/dev/null
	expect_rc 0 "rectangles: $f import back" "$BOXEL" import --db r.$f.db --as accepted rect.$f
	"$BOXEL" export --db r.$f.db --format jsonl rect.$f.jsonl 2>/dev/null
	check "rectangles: $f round trip keeps the polygon and the rotated box" /usr/bin/python3 - rect.$f.jsonl <<'PY'
import json, sys
a = json.loads(open(sys.argv[1]).readline())["accepted"]["annotations"]
assert a == [{"class": "poly", "polygon": [[10, 10], [60, 10], [60, 40], [10, 40]]},
             {"class": "both", "rotated_box": [120, 50, 40, 20, 0]}], a
PY
done
# segment: a multipolygon is one line, its rings joined as Ultralytics'
# COCO converter joins them (each ring linked to the next by the shortest
# segment between their vertices, there and back): every ring vertex on
# the line, the links the shortest, and the line's area the rings' own
printf '{"name": "m", "classes": [{"name": "parts", "geometries": ["multipolygon"]}]}\n' > mp.tax.json
"$BOXEL" init --db m.db --images img --taxonomy mp.tax.json >/dev/null
"$BOXEL" import --db m.db img >/dev/null
printf '%s\n' '{"image": "a.png", "answer": {"annotations": [{"class": "parts", "multipolygon": [[[10, 10], [50, 10], [50, 40]], [[100, 50], [150, 50], [150, 90], [110, 80]]]}, {"class": "parts", "multipolygon": [[[10, 60], [40, 60], [40, 90]], [[120, 10], [180, 10], [150, 40]], [[70, 50], [90, 50], [80, 70]]]}], "global": {}}}' > mp.jsonl
expect_rc 0 "multipolygons: import" "$BOXEL" import --db m.db --as accepted mp.jsonl
expect_rc 0 "multipolygons: segment export, nothing left out" \
	"$BOXEL" export --db m.db --format yolo --yolo-task segment ms
check "multipolygons: no left-out line" test -z "$ERR"
check "multipolygons: one line each, the rings joined" /usr/bin/python3 - ms/labels/train/a.txt <<'PY'
import json, sys
rings_of = [json.loads(l)["answer"]["annotations"] for l in open("mp.jsonl")][0]
lines = open(sys.argv[1]).read().split("\n")[:-1]
assert len(lines) == len(rings_of), lines

def area(r):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(r, r[1:] + r[:1])) / 2

def d2(p, q):
    return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2

for line, o in zip(lines, rings_of):
    # in pixels (the links are the shortest on the image), from the
    # normalized line (6 decimals: exact for these whole pixels)
    rings = [[tuple(p) for p in r] for r in o["multipolygon"]]
    v = [float(t) for t in line.split()]
    assert v[0] == 0, line
    pts = [(round(x * 200, 3), round(y * 100, 3)) for x, y in zip(v[1::2], v[2::2])]
    for r in rings:
        for p in r:
            assert p in pts, (p, line)
    # edges of the line that are no ring's edge: the links, each twice,
    # between consecutive rings' nearest vertices
    def ring_edge(p, q):
        for r in rings:
            for a, b in zip(r, r[1:] + r[:1]):
                if {a, b} == {p, q}:
                    return True
        return p == q
    links = [tuple(sorted((p, q))) for p, q in zip(pts, pts[1:] + pts[:1]) if not ring_edge(p, q)]
    want = []
    for a, b in zip(rings, rings[1:]):
        best = min(d2(p, q) for p in a for q in b)
        want.append(best)
    assert sorted(d2(*l) for l in links) == sorted(w for w in want for _ in (0, 1)), (links, want)
    assert all(links.count(l) == 2 for l in links), links
    assert abs(area(pts) - sum(area(r) for r in rings)) < 1e-6, (area(pts), [area(r) for r in rings])
PY
# A line holds as many vertices as the project allows (max_vertices,
# 10000): a polygon of 5000 comes back whole (the reader cut lines at
# 4097 points)
/usr/bin/python3 -c 'import json, math
n = 5000
pts = [[round(100 + 90 * math.cos(2 * math.pi * i / n), 3), round(50 + 45 * math.sin(2 * math.pi * i / n), 3)] for i in range(n)]
print(json.dumps({"image": "a.png", "answer": {"annotations": [{"class": "plume", "polygon": pts}], "global": {}}}))' > big.jsonl
"$BOXEL" init --db big.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db big.db img >/dev/null
expect_rc 0 "5000 vertices: import" "$BOXEL" import --db big.db --as accepted big.jsonl
expect_rc 0 "5000 vertices: segment export" "$BOXEL" export --db big.db --format yolo --yolo-task segment big.y
"$BOXEL" init --db big2.db --images img --taxonomy tax.json >/dev/null
"$BOXEL" import --db big2.db img >/dev/null
expect_rc 0 "5000 vertices: import back" "$BOXEL" import --db big2.db --as accepted big.y
"$BOXEL" export --db big2.db --format jsonl big2.jsonl 2>/dev/null
check "5000 vertices: all come back" /usr/bin/python3 - <<'PY'
import json
a = json.loads(open("big2.jsonl").readline())["accepted"]["annotations"]
w = json.loads(open("big.jsonl").readline())["answer"]["annotations"]
assert len(a) == 1 and len(a[0]["polygon"]) == 5000, [len(o.get("polygon", [])) for o in a]
assert all(abs(p - q) < 1e-3 for g, e in zip(a[0]["polygon"], w[0]["polygon"]) for p, q in zip(g, e))
PY
finish
