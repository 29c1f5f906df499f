#!/usr/bin/python3
# cross-check.py DRIVER: compares boxel's polygon areas / IoU and its optimal
# matching with independent implementations (shapely, scipy) on random cases
# from a fixed seed. Prints "N passed, N failed"; exits 77 (skip) when
# shapely or scipy is missing.
#
# Multi-ring shapes (a COCO segmentation with several polygons): 1-3 rings
# each, possibly overlapping; boxel's union of rings against shapely's union.
# Geometry: random simple polygons (star-shaped around a centre with random
# radii, so concave; convex ones from sorted angles at one radius; boxes;
# small-integer-grid polygons that share edges and vertices), compared to
# shapely's areas and intersection area within 1e-6 relative.
# Matching: random similarity matrices (IoU matrices of random boxes, uniform
# and coarse values that tie), compared with linear_sum_assignment on
# 1 - sim with pairs under the threshold at a prohibitive cost: the same
# number of pairs and the same total similarity within 1e-9.
import math
import random
import subprocess
import sys

try:
    import numpy as np
    from scipy.optimize import linear_sum_assignment
    from shapely.geometry import Polygon
    from shapely.ops import unary_union
except ImportError as e:
    print("cross-check: skipped, needs shapely, scipy and numpy (%s)" % e)
    sys.exit(77)

SEED = 20260101
N_POLY = 900
N_MULTI = 150
N_MATCH = 700


def star(rng, cx, cy, rmin, rmax, n, convex=False):
    angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(n))
    r0 = rng.uniform(rmin, rmax)
    pts = []
    for a in angles:
        r = r0 if convex else rng.uniform(rmin, rmax)
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def box(rng, lo, hi):
    x, y = rng.uniform(lo, hi), rng.uniform(lo, hi)
    w, h = rng.uniform(1, hi / 2), rng.uniform(1, hi / 2)
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def grid_poly(rng):
    # Integer star polygon on a small grid: many shared edges, collinear
    # runs and touching vertices between the two polygons.
    while True:
        cx, cy = rng.randint(4, 8), rng.randint(4, 8)
        n = rng.randint(3, 8)
        pts = []
        for a in sorted(rng.sample(range(0, 360, 15), n)):
            r = rng.randint(1, 5)
            pts.append((round(cx + r * math.cos(math.radians(a))),
                        round(cy + r * math.sin(math.radians(a)))))
        p = Polygon(pts)
        if p.is_valid and p.area > 0 and len(set(pts)) == len(pts):
            return pts


def gen_poly(rng, i):
    kind = i % 6
    if kind == 0:
        return box(rng, 0, 100), box(rng, 0, 100)
    if kind == 1:
        return (star(rng, rng.uniform(40, 60), rng.uniform(40, 60), 5, 50, rng.randint(3, 12), True),
                star(rng, rng.uniform(40, 60), rng.uniform(40, 60), 5, 50, rng.randint(3, 12), True))
    if kind == 2:
        return (star(rng, rng.uniform(40, 60), rng.uniform(40, 60), 2, 50, rng.randint(3, 40)),
                star(rng, rng.uniform(40, 60), rng.uniform(40, 60), 2, 50, rng.randint(3, 40)))
    if kind == 3:
        return (star(rng, 50, 50, 2, 50, rng.randint(3, 30)), box(rng, 0, 80))
    if kind == 4:
        return grid_poly(rng), grid_poly(rng)
    # Far apart coordinates (image pixels of a big image), small shapes.
    ox, oy = rng.uniform(0, 20000), rng.uniform(0, 20000)
    return (star(rng, ox, oy, 1, 30, rng.randint(3, 20)),
            star(rng, ox + rng.uniform(-20, 20), oy + rng.uniform(-20, 20), 1, 30, rng.randint(3, 20)))


def fmt(x):
    return repr(float(x))


def close(a, b, scale):
    return abs(a - b) <= 1e-6 * max(abs(b), scale)


def main():
    driver = sys.argv[1]
    rng = random.Random(SEED)
    lines, expect = [], []
    for i in range(N_POLY):
        while True:
            a, b = gen_poly(rng, i)
            pa, pb = Polygon(a), Polygon(b)
            if pa.is_valid and pb.is_valid:
                break
        inter = pa.intersection(pb).area
        lines.append("poly %d %s %d %s" % (
            len(a), " ".join("%s %s" % (fmt(x), fmt(y)) for x, y in a),
            len(b), " ".join("%s %s" % (fmt(x), fmt(y)) for x, y in b)))
        union = pa.union(pb).area
        expect.append(("poly", i, pa.area, pb.area, inter, inter / union if union > 0 else 0.0))

    for i in range(N_MULTI):
        shapes = []
        for side in range(2):
            rings = []
            for _ in range(rng.randint(1, 3)):
                while True:
                    cx, cy = rng.uniform(0, 100), rng.uniform(0, 100)
                    r = star(rng, cx, cy, 3, 30, rng.randint(3, 15), rng.random() < 0.3)
                    if Polygon(r).is_valid:
                        break
                rings.append(r)
            shapes.append(rings)
        ua = unary_union([Polygon(r) for r in shapes[0]])
        ub = unary_union([Polygon(r) for r in shapes[1]])
        inter = ua.intersection(ub).area
        union = ua.union(ub).area
        lines.append("multi " + " ".join(
            "%d %s" % (len(rings), " ".join(
                "%d %s" % (len(r), " ".join("%s %s" % (fmt(x), fmt(y)) for x, y in r)) for r in rings))
            for rings in shapes))
        expect.append(("poly", N_POLY + i, ua.area, ub.area, inter, inter / union if union > 0 else 0.0))

    for i in range(N_MATCH):
        n, m = rng.randint(0, 12), rng.randint(0, 12)
        kind = i % 3
        thr = rng.choice([0.3, 0.5, 0.75])
        if kind == 0:
            # IoU matrix of random boxes, gold and labels jittered copies.
            g = [(rng.uniform(0, 200), rng.uniform(0, 200), rng.uniform(10, 60), rng.uniform(10, 60))
                 for _ in range(n)]
            lab = []
            for j in range(m):
                if g and rng.random() < 0.7:
                    x, y, w, h = rng.choice(g)
                    lab.append((x + rng.gauss(0, 8), y + rng.gauss(0, 8), w * rng.uniform(0.7, 1.3),
                                h * rng.uniform(0.7, 1.3)))
                else:
                    lab.append((rng.uniform(0, 200), rng.uniform(0, 200), rng.uniform(10, 60),
                                rng.uniform(10, 60)))
            sim = np.zeros((n, m))
            for r in range(n):
                for c in range(m):
                    ax, ay, aw, ah = g[r]
                    bx, by, bw, bh = lab[c]
                    iw = min(ax + aw, bx + bw) - max(ax, bx)
                    ih = min(ay + ah, by + bh) - max(ay, by)
                    if iw > 0 and ih > 0:
                        sim[r, c] = iw * ih / (aw * ah + bw * bh - iw * ih)
        elif kind == 1:
            sim = np.array([[rng.random() for _ in range(m)] for _ in range(n)]).reshape(n, m)
        else:
            # Coarse values: many ties, the assignment may differ, totals not.
            sim = np.array([[rng.randint(0, 10) / 10 for _ in range(m)] for _ in range(n)]).reshape(n, m)
        lines.append("match %d %d %s %s" % (n, m, fmt(thr), " ".join(fmt(v) for v in sim.flat)))
        if n == 0 or m == 0:
            expect.append(("match", i, 0, 0.0, sim, thr))
            continue
        cost = np.where(sim >= thr, 1 - sim, 1e6)
        rows, cols = linear_sum_assignment(cost)
        ok = sim[rows, cols] >= thr
        expect.append(("match", i, int(ok.sum()), float(sim[rows, cols][ok].sum()), sim, thr))

    res = subprocess.run([driver], input="\n".join(lines) + "\n", capture_output=True, text=True)
    out = res.stdout.splitlines()
    passed = failed = 0
    worst = 0.0
    if res.returncode != 0 or len(out) != len(expect):
        print("cross-check: driver failed (exit %d, %d lines for %d cases): %s" %
              (res.returncode, len(out), len(expect), res.stderr.strip()[:200]))
        print("0 passed, 1 failed")
        return 1
    for e, line in zip(expect, out):
        f = line.split()
        if e[0] == "poly":
            _, i, aa, ab, inter, iou = e
            got = [float(v) for v in f]
            scale = 1e-9 * max(aa, ab)
            ok = (close(got[0], aa, scale) and close(got[1], ab, scale) and
                  close(got[2], inter, scale) and abs(got[3] - iou) <= 1e-6)
            if inter > 0:
                worst = max(worst, abs(got[2] - inter) / inter)
            if not ok:
                print("FAIL poly case %d: boxel %s, shapely %r %r %r %r" % (i, line, aa, ab, inter, iou))
        else:
            _, i, cnt, total, sim, thr = e
            gcnt, gtotal = int(f[0]), float(f[1])
            rows = [int(v) for v in f[2:]]
            # The assignment itself must be valid: distinct columns, allowed pairs.
            used = [c for c in rows if c >= 0]
            valid = len(used) == len(set(used)) and all(
                sim[r, c] >= thr for r, c in enumerate(rows) if c >= 0)
            ok = valid and gcnt == cnt and abs(gtotal - total) <= 1e-9
            if not ok:
                print("FAIL match case %d: boxel %d pairs, total %r; scipy %d pairs, total %r" %
                      (i, gcnt, gtotal, cnt, total))
        if ok:
            passed += 1
        else:
            failed += 1
    print("cross-check: worst relative intersection-area difference %.3g" % worst)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
