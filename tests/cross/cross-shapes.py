#!/usr/bin/python3
# cross-shapes.py DRIVER [CASES_OUT]: compares boxel's shape math (shape-math.h) with
# independent answers on random and degenerate cases from a fixed seed.
# Prints what it measured and "N passed, N failed"; exits 77 (skip) when
# shapely or numpy is missing.
#
# Rotated boxes: shapely's rotate() of an axis-aligned box about its centre,
#   intersection area / union area; boxel within 1e-6 (absolute, on IoU).
# Cuboids: shapely's convex_hull of the 8 vertices, same test.
# Ellipses: shapely has no ellipse, so each ellipse is bracketed by polygons
#   of N = 4096 vertices: one inscribed (vertices on the ellipse: a regular
#   N-gon in the unit circle, scaled and rotated by shapely.affinity) and one circumscribed (the same
#   scaled by 1 / cos(pi / N), whose edges touch the ellipse). The exact
#   intersection lies between the two polygon intersections, the exact areas
#   are pi rx ry, so the exact IoU lies in [lo, hi] (a bracket about
#   6e-7 wide): boxel must fall inside it (1e-9 slack for rounding), and
#   within 1e-6 of the inscribed polygons' own IoU (the "fine polygon").
# OKS: a numpy reference written here from COCO's definition
#   (COCOeval.computeOks), within 1e-12.
# Polylines: the definition (mean over each line's length of the distance
#   to the other line, averaged both ways) by the midpoint rule with steps
#   of at most H = 0.005 px, numpy distances to every segment. The distance
#   to a line is 1-Lipschitz along a unit-speed path, so the rule is off by
#   at most H / 4 per unit of length: boxel's mean distance must be within
#   H / 4 (+1e-9), its similarity within H / 4 / thickness.
import math
import random
import subprocess
import sys

try:
    import numpy as np
    from shapely import affinity
    from shapely.geometry import MultiPoint, Polygon, box
except ImportError as e:
    print("cross-shapes: skipped, needs shapely and numpy (%s)" % e)
    sys.exit(77)

SEED = 20261206
N_RBOX = 700
N_ELLIPSE = 240
N_CUBOID = 300
N_OKS = 400
N_PLINE = 160
ELL_N = 4096
H = 0.005

COCO_SIGMAS = [.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07,
               .87, .87, .89, .89]


def fmt(x):
    return repr(float(x))


def rbox_poly(cx, cy, w, h, ang):
    b = box(cx - abs(w) / 2, cy - abs(h) / 2, cx + abs(w) / 2, cy + abs(h) / 2)
    return affinity.rotate(b, ang, origin=(cx, cy))


def gen_rbox(rng, i):
    kind = i % 10
    cx, cy = rng.uniform(0, 100), rng.uniform(0, 100)
    w, h, ang = rng.uniform(1, 60), rng.uniform(1, 60), rng.uniform(-360, 360)
    a = (cx, cy, w, h, ang)
    if kind == 0:  # random, nearby
        return a, (cx + rng.uniform(-30, 30), cy + rng.uniform(-30, 30), rng.uniform(1, 60),
                   rng.uniform(1, 60), rng.uniform(-360, 360))
    if kind == 1:  # the same rectangle under other parameters
        return a, rng.choice([(cx, cy, w, h, ang + 180), (cx, cy, h, w, ang + 90),
                              (cx, cy, w, h, ang - 360), (cx, cy, -w, h, ang)])
    if kind == 2:  # b shares an edge with a (touching: IoU 0) or overlaps it by a sliver
        t = math.radians(ang)
        shift = w * rng.choice([1.0, 0.999, 0.5])
        return a, (cx + shift * math.cos(t), cy + shift * math.sin(t), w, h, ang)
    if kind == 3:  # b inside a, rotated freely
        s = min(w, h) / 2.9
        return a, (cx + rng.uniform(-1, 1), cy + rng.uniform(-1, 1), s, s, rng.uniform(0, 360))
    if kind == 4:  # axis-aligned and multiples of 90
        return (cx, cy, w, h, 90 * rng.randint(-4, 4)), (cx + rng.uniform(-20, 20), cy, w, h,
                                                        90 * rng.randint(-4, 4))
    if kind == 5:  # far out in a large image
        ox, oy = rng.uniform(1e4, 5e4), rng.uniform(1e4, 5e4)
        return (ox, oy, w, h, ang), (ox + rng.uniform(-20, 20), oy + rng.uniform(-20, 20),
                                     rng.uniform(1, 60), rng.uniform(1, 60), rng.uniform(0, 360))
    if kind == 6:  # very thin boxes crossing
        return (cx, cy, w, 1e-3, ang), (cx, cy, w, 1e-3, ang + rng.uniform(1, 179))
    if kind == 7:  # small rotation of the same box (near-identical)
        return a, (cx, cy, w, h, ang + rng.choice([1e-9, 1e-6, 0.01]))
    if kind == 8:  # disjoint
        return a, (cx + 200, cy - 150, w, h, ang)
    # same centre, crossing (a cross shape)
    return a, (cx, cy, h, w, ang)


def ellipse_polys(cx, cy, rx, ry, ang):
    k = np.arange(ELL_N) * (2 * math.pi / ELL_N)
    unit = Polygon(np.column_stack((np.cos(k), np.sin(k))))
    inner = affinity.rotate(affinity.scale(unit, abs(rx), abs(ry), origin=(0, 0)), ang,
                            origin=(0, 0))
    outer = affinity.scale(inner, 1 / math.cos(math.pi / ELL_N), 1 / math.cos(math.pi / ELL_N),
                           origin=(0, 0))
    return (affinity.translate(inner, cx, cy), affinity.translate(outer, cx, cy))


def gen_ellipse(rng, i):
    kind = i % 8
    cx, cy = rng.uniform(0, 100), rng.uniform(0, 100)
    rx, ry, ang = rng.uniform(2, 40), rng.uniform(2, 40), rng.uniform(-180, 180)
    a = (cx, cy, rx, ry, ang)
    if kind in (0, 1):
        return a, (cx + rng.uniform(-40, 40), cy + rng.uniform(-40, 40), rng.uniform(2, 40),
                   rng.uniform(2, 40), rng.uniform(-180, 180))
    if kind == 2:  # the same ellipse under other parameters, or a circle of one
        # semi-axis touching it at two opposite points
        return a, rng.choice([(cx, cy, rx, ry, ang + 180), (cx, cy, ry, rx, ang + 90),
                              (cx, cy, rx, rx, ang + 33), (cx, cy, -rx, ry, ang)])
    if kind == 3:  # contained, or containing
        s = rng.uniform(0.2, 0.45) * min(rx, ry)
        b = (cx + rng.uniform(-0.2, 0.2) * s, cy, s, s * rng.uniform(0.5, 1), rng.uniform(0, 180))
        return (a, b) if rng.random() < 0.5 else (b, a)
    if kind == 4:  # circles tangent outside (IoU 0) or inside
        r1, r2 = rng.uniform(3, 30), rng.uniform(3, 30)
        t = rng.uniform(0, 2 * math.pi)
        if rng.random() < 0.5:
            d = r1 + r2
        else:
            r1, r2 = max(r1, r2) + 1, min(r1, r2)
            d = r1 - r2
        return (cx, cy, r1, r1, 0), (cx + d * math.cos(t), cy + d * math.sin(t), r2, r2, 0)
    if kind == 5:  # very eccentric, crossing in four places
        return (cx, cy, 60, 1.5, ang), (cx + rng.uniform(-1, 1), cy, 60, 1.5, ang + rng.uniform(5, 90))
    if kind == 6:  # far out in a large image
        ox, oy = rng.uniform(1e4, 5e4), rng.uniform(1e4, 5e4)
        return (ox, oy, rx, ry, ang), (ox + rng.uniform(-30, 30), oy + rng.uniform(-30, 30),
                                       rng.uniform(2, 40), rng.uniform(2, 40), rng.uniform(0, 180))
    # near-identical: a tiny shift or turn
    return a, (cx + rng.choice([0, 1e-7, 1e-3]), cy, rx, ry, ang + rng.choice([0, 1e-6, 0.05]))


def cuboid_pts(rng):
    x, y = rng.uniform(0, 80), rng.uniform(0, 80)
    w, h = rng.uniform(5, 40), rng.uniform(5, 40)
    dx, dy, s = rng.uniform(-15, 15), rng.uniform(-15, 15), rng.uniform(0.6, 1)
    front = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    back = [(x + dx, y + dy), (x + dx + w * s, y + dy), (x + dx + w * s, y + dy + h * s),
            (x + dx, y + dy + h * s)]
    pts = front + back
    rng.shuffle(pts)
    return pts


def oks_ref(g, d, sig, area, bbox):
    # COCOeval.computeOks for one gt and one detection, as COCO writes it.
    g, d, sig = np.array(g, float), np.array(d, float), np.array(sig, float)
    xg, yg, vg = g[:, 0], g[:, 1], g[:, 2]
    xd, yd = d[:, 0], d[:, 1]
    var = (sig * 2) ** 2
    k1 = np.count_nonzero(vg > 0)
    if k1 > 0:
        dx, dy = xd - xg, yd - yg
    else:
        x0, x1 = bbox[0] - bbox[2], bbox[0] + bbox[2] * 2
        y0, y1 = bbox[1] - bbox[3], bbox[1] + bbox[3] * 2
        z = np.zeros(len(sig))
        dx = np.max((z, x0 - xd), axis=0) + np.max((z, xd - x1), axis=0)
        dy = np.max((z, y0 - yd), axis=0) + np.max((z, yd - y1), axis=0)
    e = (dx ** 2 + dy ** 2) / var / (area + np.spacing(1)) / 2
    if k1 > 0:
        e = e[vg > 0]
    return float(np.sum(np.exp(-e)) / e.shape[0])


def gen_oks(rng, i):
    n = 17 if i % 3 else rng.randint(1, 8)
    sig = COCO_SIGMAS[:n] if n == 17 else [rng.uniform(0.02, 1.2) for _ in range(n)]
    area = rng.choice([rng.uniform(50, 40000), rng.uniform(1, 10), 0.0])
    x, y = rng.uniform(0, 500), rng.uniform(0, 500)
    side = math.sqrt(area) if area > 0 else 10
    bbox = (x, y, side, side * rng.uniform(0.5, 2))
    g, d = [], []
    none_labeled = i % 11 == 0
    for _ in range(n):
        gx, gy = x + rng.uniform(0, bbox[2]), y + rng.uniform(0, bbox[3])
        v = 0 if none_labeled else rng.choice([0, 1, 2, 2])
        noise = rng.choice([0, 0.5, 3, 20, 200])
        g.append((gx, gy, v))
        d.append((gx + rng.gauss(0, 1) * noise, gy + rng.gauss(0, 1) * noise))
    return g, d, sig, area, bbox


def rand_line(rng, x0, y0, n, step):
    pts = [(x0, y0)]
    ang = rng.uniform(0, 2 * math.pi)
    for _ in range(n - 1):
        ang += rng.uniform(-1.2, 1.2)
        x, y = pts[-1]
        pts.append((x + step * rng.uniform(0.3, 1) * math.cos(ang),
                    y + step * rng.uniform(0.3, 1) * math.sin(ang)))
    return pts


def gen_pline(rng, i):
    kind = i % 6
    a = rand_line(rng, rng.uniform(0, 100), rng.uniform(0, 100), rng.randint(2, 12), 30)
    if kind == 0:  # jittered copy
        return a, [(x + rng.gauss(0, 2), y + rng.gauss(0, 2)) for x, y in a]
    if kind == 1:  # reversed and re-split: same line
        b = []
        for p, q in zip(a, a[1:]):
            b += [p, ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)]
        return a, list(reversed(b + [a[-1]]))
    if kind == 2:  # unrelated line
        return a, rand_line(rng, rng.uniform(0, 100), rng.uniform(0, 100), rng.randint(2, 12), 30)
    if kind == 3:  # a stops short: its counterpart runs on
        return a, a[:max(2, len(a) // 2)]
    if kind == 4:  # parallel offset
        return a, [(x + 3, y - 4) for x, y in a]
    # a zig-zag against a straight line
    return ([(0, 0), (100, 0)], [(k * 10, 5 if k % 2 else -5) for k in range(11)])


def seg_dists(px, py, line):
    # distance from every (px, py) to the polyline, numpy over its segments
    best = np.full(px.shape, np.inf)
    if len(line) == 1:
        return np.hypot(px - line[0][0], py - line[0][1])
    for (x0, y0), (x1, y1) in zip(line, line[1:]):
        vx, vy = x1 - x0, y1 - y0
        ll = vx * vx + vy * vy
        t = np.zeros(px.shape) if ll == 0 else np.clip(((px - x0) * vx + (py - y0) * vy) / ll, 0, 1)
        best = np.minimum(best, np.hypot(px - (x0 + t * vx), py - (y0 + t * vy)))
    return best


def mean_dist_ref(a, b):
    total, length = 0.0, 0.0
    for (x0, y0), (x1, y1) in zip(a, a[1:]):
        ln = math.hypot(x1 - x0, y1 - y0)
        if ln == 0:
            continue
        n = max(1, math.ceil(ln / H))
        s = (np.arange(n) + 0.5) / n
        total += seg_dists(x0 + s * (x1 - x0), y0 + s * (y1 - y0), b).sum() * (ln / n)
        length += ln
    if length == 0:
        return float(seg_dists(np.array([a[0][0]]), np.array([a[0][1]]), b)[0])
    return total / length


def main():
    driver = sys.argv[1]
    rng = random.Random(SEED)
    lines, expect = [], []

    for i in range(N_RBOX):
        a, b = gen_rbox(rng, i)
        pa, pb = rbox_poly(*a), rbox_poly(*b)
        inter = pa.intersection(pb).area
        union = pa.area + pb.area - inter
        lines.append("rbox " + " ".join(fmt(v) for v in a + b))
        expect.append(("rbox", i, inter / union if union > 0 else 0.0))

    for i in range(N_CUBOID):
        a = cuboid_pts(rng)
        b = a if i % 10 == 0 else [(x + rng.uniform(-8, 8), y + rng.uniform(-8, 8)) for x, y in a] \
            if i % 2 else cuboid_pts(rng)
        ha, hb = MultiPoint(a).convex_hull, MultiPoint(b).convex_hull
        inter = ha.intersection(hb).area
        union = ha.area + hb.area - inter
        lines.append("cuboid " + " ".join("%s %s" % (fmt(x), fmt(y)) for x, y in a + b))
        expect.append(("cuboid", i, inter / union if union > 0 else 0.0))

    for i in range(N_ELLIPSE):
        a, b = gen_ellipse(rng, i)
        ia, oa = ellipse_polys(*a)
        ib, ob = ellipse_polys(*b)
        sa, sb = math.pi * abs(a[2] * a[3]), math.pi * abs(b[2] * b[3])
        ilo, ihi = ia.intersection(ib).area, oa.intersection(ob).area
        poly = ilo / (ia.area + ib.area - ilo)
        lines.append("ellipse " + " ".join(fmt(v) for v in a + b))
        expect.append(("ellipse", i, ilo / (sa + sb - ilo), ihi / (sa + sb - ihi), poly))

    for i in range(N_OKS):
        g, d, sig, area, bbox = gen_oks(rng, i)
        lines.append("oks %d %s 1 %s %s" % (len(g), fmt(area), " ".join(fmt(v) for v in bbox),
                     " ".join("%s %s %d %s %s %s" % (fmt(gp[0]), fmt(gp[1]), gp[2], fmt(dp[0]),
                                                     fmt(dp[1]), fmt(s))
                              for gp, dp, s in zip(g, d, sig))))
        expect.append(("oks", i, oks_ref(g, d, sig, area, bbox)))

    for i in range(N_PLINE):
        a, b = gen_pline(rng, i)
        thick = rng.uniform(2, 20)
        ref = (mean_dist_ref(a, b) + mean_dist_ref(b, a)) / 2
        lines.append("pline %s %d %s %d %s" % (
            fmt(thick), len(a), " ".join("%s %s" % (fmt(x), fmt(y)) for x, y in a),
            len(b), " ".join("%s %s" % (fmt(x), fmt(y)) for x, y in b)))
        expect.append(("pline", i, ref, max(0.0, 1 - ref / thick), thick))

    if len(sys.argv) > 2:  # keep the cases, to replay one through the driver
        with open(sys.argv[2], "w") as f:
            f.write("\n".join(lines) + "\n")
    res = subprocess.run([driver], input="\n".join(lines) + "\n", capture_output=True, text=True,
                         timeout=300)
    out = res.stdout.splitlines()
    if res.returncode != 0 or len(out) != len(expect):
        print("cross-shapes: driver failed (exit %d, %d lines for %d cases): %s" %
              (res.returncode, len(out), len(expect), res.stderr.strip()[:200]))
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    worst = {"rbox": 0.0, "cuboid": 0.0, "ellipse": 0.0, "ellipse-bracket": 0.0, "oks": 0.0,
             "pline": 0.0}
    for e, line in zip(expect, out):
        got = [float(v) for v in line.split()]
        kind, i = e[0], e[1]
        if kind in ("rbox", "cuboid"):
            diff = abs(got[0] - e[2])
            ok = diff <= 1e-6
        elif kind == "ellipse":
            lo, hi, poly = e[2], e[3], e[4]
            diff = abs(got[0] - poly)
            worst["ellipse-bracket"] = max(worst["ellipse-bracket"], hi - lo)
            ok = lo - 1e-9 <= got[0] <= hi + 1e-9 and diff <= 1e-6
        elif kind == "oks":
            diff = abs(got[0] - e[2])
            ok = diff <= 1e-12
        else:
            ref, sim, thick = e[2], e[3], e[4]
            diff = abs(got[0] - ref)
            ok = diff <= H / 4 + 1e-9 and abs(got[1] - sim) <= H / 4 / thick + 1e-9
        worst[kind] = max(worst[kind], diff)
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s case %d: boxel %s, reference %r" % (kind, i, line, e[2:]))
    print("cross-shapes: worst |boxel - reference|: rbox IoU %.3g, cuboid IoU %.3g, "
          "ellipse IoU vs %d-gon %.3g (exact-IoU bracket up to %.3g wide), OKS %.3g, "
          "polyline mean distance %.3g px (bound %.3g)" %
          (worst["rbox"], worst["cuboid"], ELL_N, worst["ellipse"], worst["ellipse-bracket"],
           worst["oks"], worst["pline"], H / 4))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
