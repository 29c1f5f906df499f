#!/usr/bin/python3
# bench-shapes.py BENCH: microseconds per call of boxel's shape measures
# (the bench-shapes program) beside shapely's and numpy's on the same cases,
# the random and degenerate ones tests/cross/cross-shapes.py generates.
# shapely's figures include building the polygons from the parameters, as a
# caller holding (cx, cy, w, h, angle) would; its ellipse is a polygon
# (64 and 4096 vertices), so approximate where boxel's is exact. Polylines
# have no shapely counterpart; only boxel's figure is printed. CPU time
# per call on both sides (a shared machine skews wall-clock). Prints
# figures; never fails (exits 77 without shapely).
import importlib.util
import math
import os
import random
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("cross_shapes",
                                              os.path.join(here, "..", "cross", "cross-shapes.py"))
cs = importlib.util.module_from_spec(spec)
try:
    spec.loader.exec_module(cs)
    from shapely import affinity
    from shapely.geometry import MultiPoint, Polygon
    import numpy as np
except (ImportError, SystemExit) as e:
    print("bench-shapes: skipped, needs shapely and numpy (%s)" % e)
    sys.exit(77)

N = 400


def per_call(fn, cases):
    t0 = time.process_time()
    reps = 0
    while True:
        for c in cases:
            fn(*c)
        reps += 1
        t = time.process_time() - t0
        if t > 1.0 and reps >= 2:
            return t / (reps * len(cases)) * 1e6


def rbox_iou(a, b):
    pa, pb = cs.rbox_poly(*a), cs.rbox_poly(*b)
    inter = pa.intersection(pb).area
    return inter / (pa.area + pb.area - inter)


def ellipse_iou(n):
    k = np.arange(n) * (2 * math.pi / n)
    unit = Polygon(np.column_stack((np.cos(k), np.sin(k))))

    def f(a, b):
        p = [affinity.translate(affinity.rotate(affinity.scale(unit, e[2], e[3], origin=(0, 0)),
                                                e[4], origin=(0, 0)), e[0], e[1]) for e in (a, b)]
        inter = p[0].intersection(p[1]).area
        return inter / (p[0].area + p[1].area - inter)
    return f


def cuboid_iou(a, b):
    ha, hb = MultiPoint(a).convex_hull, MultiPoint(b).convex_hull
    inter = ha.intersection(hb).area
    return inter / (ha.area + hb.area - inter)


def main():
    rng = random.Random(cs.SEED)
    f = cs.fmt
    rb = [cs.gen_rbox(rng, i) for i in range(N)]
    el = [cs.gen_ellipse(rng, i) for i in range(N)]
    cu = [(cs.cuboid_pts(rng), cs.cuboid_pts(rng)) for _ in range(N)]
    ok = [cs.gen_oks(rng, i + 1) for i in range(N)]
    pl = [cs.gen_pline(rng, i) + (rng.uniform(2, 20),) for i in range(N)]
    lines = ["rbox " + " ".join(f(v) for v in a + b) for a, b in rb]
    lines += ["ellipse " + " ".join(f(v) for v in a + b) for a, b in el]
    lines += ["cuboid " + " ".join("%s %s" % (f(x), f(y)) for x, y in a + b) for a, b in cu]
    lines += ["oks %d %s 1 %s %s" % (len(g), f(area), " ".join(f(v) for v in bb), " ".join(
        "%s %s %d %s %s %s" % (f(gp[0]), f(gp[1]), gp[2], f(dp[0]), f(dp[1]), f(s))
        for gp, dp, s in zip(g, d, sig))) for g, d, sig, area, bb in ok]
    lines += ["pline %s %d %s %d %s" % (f(t), len(a), " ".join("%s %s" % (f(x), f(y)) for x, y in a),
                                        len(b), " ".join("%s %s" % (f(x), f(y)) for x, y in b))
              for a, b, t in pl]
    res = subprocess.run([sys.argv[1]], input="\n".join(lines) + "\n", capture_output=True,
                         text=True)
    sys.stdout.write(res.stdout)
    if res.returncode != 0:
        print("bench-shapes: %s" % res.stderr.strip())
        return 0
    print("shapely  rbox     %8.2f us/call" % per_call(rbox_iou, rb))
    print("shapely  ellipse  %8.2f us/call (64-gons, approximate)" % per_call(ellipse_iou(64), el))
    print("shapely  ellipse  %8.2f us/call (4096-gons, approximate)" %
          per_call(ellipse_iou(4096), el[:40]))
    print("shapely  cuboid   %8.2f us/call" % per_call(cuboid_iou, cu))
    print("numpy    oks      %8.2f us/call (COCO's computeOks for one pair)" %
          per_call(lambda g, d, sig, area, bb: cs.oks_ref(g, d, sig, area, bb), ok))
    return 0


if __name__ == "__main__":
    sys.exit(main())
