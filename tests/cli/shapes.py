# shapes.py: what the independent-reader tests (datumaro.sh, ultralytics.sh,
# cvat-reader.sh) compare a reader's numbers with, computed from boxel's
# answer JSON by the definitions of its kinds, not by boxel's code. The
# tests copy it into their directory and import it.
import math

from shapely.geometry import MultiPoint


def corners(cx, cy, w, h, deg):
    """a rotated box's corners (turned clockwise on screen, y down)"""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return [(cx + dx * c - dy * s, cy + dx * s + dy * c)
            for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2))]


def same_points(got, want, tol):
    """the same points, in any order (a reader may start a ring elsewhere)"""
    assert len(got) == len(want), (got, want)
    left = list(want)
    for p in got:
        d, i = min((math.dist(p, q), i) for i, q in enumerate(left))
        assert d < tol, (p, left)
        left.pop(i)


def outline(o):
    """the points of answer object o's outline as a polygon or corner line
    holds them: a box's and a rotated box's corners, a cuboid's hull (None:
    an ellipse, which has no corners)"""
    if "box" in o:
        x, y, w, h = o["box"]
        return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    if "rotated_box" in o:
        return corners(*o["rotated_box"])
    if "polygon" in o:
        return [tuple(p) for p in o["polygon"]]
    if "cuboid" in o:
        return list(MultiPoint(o["cuboid"]).convex_hull.exterior.coords[:-1])
    return None


def upright(o):
    """o's upright box x0, y0, x1, y1: its outline's, an ellipse's exact one"""
    if "ellipse" in o:
        cx, cy, rx, ry, deg = o["ellipse"]
        c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
        hx, hy = math.hypot(rx * c, ry * s), math.hypot(rx * s, ry * c)
        return cx - hx, cy - hy, cx + hx, cy + hy
    xs, ys = zip(*outline(o))
    return min(xs), min(ys), max(xs), max(ys)


def on_ellipse(pts, o):
    """pts is boxel's outline of ellipse o: 64 vertices holding its area, on
    one ellipse of its centre, axes ratio and turn"""
    cx, cy, rx, ry, deg = o["ellipse"]
    assert len(pts) == 64, len(pts)
    area = abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]))) / 2
    assert abs(area - math.pi * rx * ry) < 1e-3 * math.pi * rx * ry, area
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    r = [math.hypot(((x - cx) * c + (y - cy) * s) / rx, (-(x - cx) * s + (y - cy) * c) / ry) for x, y in pts]
    assert max(r) - min(r) < 1e-3, (min(r), max(r))


def ellipse_points(cx, cy, rx, ry, deg, n=8):
    """n points on an ellipse, its rx axis turned deg clockwise"""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return [(cx + rx * math.cos(t) * c - ry * math.sin(t) * s, cy + rx * math.cos(t) * s + ry * math.sin(t) * c)
            for t in (2 * math.pi * k / n for k in range(n))]


def holds(check, *args):
    """whether check(*args) passes (for a test that lists every mismatch)"""
    try:
        check(*args)
    except AssertionError:
        return False
    return True
