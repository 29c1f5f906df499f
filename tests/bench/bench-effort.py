#!/usr/bin/env python3
"""bench-effort.py: keystrokes per tight box, by a scripted annotator that
sees only the screen (tmux capture-pane of `boxel label` at 160x50) and types
only keys a person would. Figures only, never pass/fail.

Usage: bench-effort.py BOXEL DB TRUTH.json STRATEGY
  STRATEGY classic: the keys boxel had before the assists: move the
    crosshair with counted steps (5l) to each exact corner, zoom in (+)
    while the step is too coarse, place (Space); 0 back to fit.
  STRATEGY mouse: T once per session, then per object one drag from
    rough corner to rough corner at fit zoom (each end on the nearest
    cell; Esc first, twice when grabbed, when it would start on or inside
    the selected box, which would move it; b once instead with a binary
    where the current tool's key again starts a new object). With a binary that drags
    handles (its --keys), each edge still more than 1 px off (two that
    meet: their corner) is dragged onto its pixel, wheel-zooming in at it
    first while the pixel is not reachable or the box is under 4x3 cells
    on screen, 0 when a zoomed view does not hold the next fix (see
    fix_edges_mouse); else they are fixed by keys as below. Every drag,
    wheel notch and key counts as one gesture.
  STRATEGY extreme: E (the extreme-points tool) when the status line does
    not already name it, then per object four mouse clicks, each on the
    cell nearest the object's left-, top-, right- and
    bottom-most point (the middle of the side for the synthetic
    rectangles; truth.json's _extremes for the photos), each snapped by
    boxel. The first two are clicked at fit zoom; when the screen has
    zoomed in on a small object after them (its status line's zoom), the
    last two are clicked through that view (boxel puts the first two
    points at 40% of the view's width and height from its top left).
    Edges still more than 1 px off are fixed by keys as below, every key
    and click counting as one gesture.
  STRATEGY corners: the assisted strategy without B: T once per session,
    the rough box by its two corners (below), then the fixes: the
    keyboard's counterpart of a drag in CVAT.
  STRATEGY assisted: T once per session (tighten every box as drawn).
    First the one-key box: jump to the label nearest the object's seed
    (truth.json's _seeds: a pixel on its main colour, where a person puts
    the crosshair for the wand; else its centre) (lower case), and for an object thinner than two cells at fit zoom
    zoom in twice (+ +) and step onto it, as a person must to see it;
    then B (box of the region there, tightened), and B again while its
    box lies inside the object (at most 4 presses); when that box is off
    (an edge more than 1 px) but each edge lies within 10% of the
    object's size (at least 3 px), the fixes follow (B's box is already
    tightened, so no t); else u and the corners. Per corner, the exact
    jump (: and the two letters of the label nearest the corner, then the
    letter of the cell of its block nearest the corner, all read off the
    screen): when that cell lies within 10% of the object's width and
    height (at least 3 px) of the corner, the rough box tighten is made
    for, as a person judges by eye, the last letter is typed in capitals
    (jump and place): 4 keys a corner; else in lower case, then one
    counted move per axis to the rough corner (each edge off by up to
    10%, see below) and Space. (A binary without the exact jump: ; and
    the nearest label, in capitals when it lands within that distance.)
    (A binary whose labels stay for a box's other corner: per corner the
    plain jump in capitals where its label lands within that distance,
    : first where only the exact one does; ; and four capitals when both
    do: see box_corner.) The box is tightened as it is drawn. If the
    tightened box is worse than the rough one (IoU under 0.5), u takes the
    tighten back. Every edge still more than 1 px off is fixed by a grab:
    two wrong edges that meet through their corner, else the edge: the
    named grab (" and h j k l or y u b n, wherever the crosshair is), fine
    steps (, once) and one counted move of image pixels per axis, one Esc
    after the object's last fix (none with a binary whose named grab moves
    by image pixels and lets go at the next jump: no , either). (A binary without the named grab: jump
    next to it (unless the crosshair already is: ' grabs a corner within 4
    display pixels of the crosshair, else the nearest edge), ' (what it
    grabbed is read off the status line), fine steps (, : one image pixel
    per step at any zoom) and one counted move per axis; Esc after a fix.)
    (A binary without fine steps: counted moves, zooming in (+) while the
    step is coarser than what is left; the next jump goes back to fit.)
    The keys a binary offers are read from its --keys.
Rough corners: each edge off the truth by a deterministic pseudo-random
amount up to 10% of the object's size (at least 1 px), in or out. (The
tighten figures on random rough boxes of many more objects are
bench-tighten's.)
Per object: keys until all four edges are within 1 px of the truth; for
assisted also the IoU and edges within 1 px right after the one tighten."""
import json
import math
import os
import re
import struct
import subprocess
import sys
import time

BOXEL, DB, TRUTH, STRATEGY = sys.argv[1:5]
SOCK = "boxel-effort-%d" % (id(sys) % 100000)
COLS, ROWS = 160, 50
STATUS = re.compile(r"zoom ([\d.]+)x.*?x (-?\d+) y (-?\d+)\s+step (\d+)")
# What the binary offers (its key list), so that an older one is measured
# with the keys it has: the exact jump (:) and fine steps (,).
_KEYS = subprocess.run([BOXEL, "label", "--keys"], capture_output=True, text=True).stdout
EXACT = re.search(r"^\s*:\s+exact jump", _KEYS, re.M) is not None
NAMED = re.search(r"^\s*\"\s+grab the selected box's edge or corner by name", _KEYS, re.M) is not None
FINE = re.search(r"^\s*,\s+fine steps", _KEYS, re.M) is not None
DRAG = re.search(r"^\s*drag a handle\s", _KEYS, re.M) is not None
# A capital label that places a box's first corner leaves the labels for
# the other one (: or ; before a label switches the kind of jump).
BOXJUMP = re.search(r"the labels stay for the other", _KEYS) is not None
# A handle grabbed by name moves by image pixels; a jump or place lets go.
# The current tool's key again lets go of the selected object and
# deselects it (CVAT's N): one key before a drag that starts on it.
NEWKEY = re.search(r"the current tool's key again does both", _KEYS) is not None
NAMEDPX = re.search(r"by name.*it moves by image pixels, and the next jump or place lets go",
                    _KEYS) is not None
SELBOX = re.compile(r">\s*(\d+)\s+\S+\s+box (\d+),(\d+) (\d+)x(\d+)")


def tmx(*args, check=True):
    return subprocess.run(["tmux", "-L", SOCK, "-f", "/dev/null"] + list(args),
                          capture_output=True, text=True, check=check).stdout


def screen():
    return tmx("capture-pane", "-p", "-t", "t")


def settle(prev=None, limit=3.0):
    """The screen once it stops changing (and differs from prev, if given)."""
    t0, last = time.time(), None
    while time.time() - t0 < limit:
        s = screen()
        if s == last and (prev is None or s != prev or time.time() - t0 > 0.6):
            return s
        last = s
        time.sleep(0.04)
    return last


class Annotator:
    def __init__(self):
        self.keys = 0
        self.nboxes = 0
        self.log = []  # per edge fixed: how far off it was and the keys it took
        self.scr = settle()

    def send(self, *keys, literal=False):
        prev = self.scr
        for k in keys:
            if literal:
                tmx("send-keys", "-t", "t", "-l", k)
                self.keys += len(k)
            else:
                tmx("send-keys", "-t", "t", k)
                self.keys += 1
        self.scr = settle(prev)
        return self.scr

    def status(self):
        m = STATUS.search(self.scr.splitlines()[-1])
        return float(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))

    def boxes(self):
        return [l for l in self.scr.splitlines() if re.search(r"\d+\s+\S+\s+box \d+,\d+ \d+x\d+", l)]

    def selected_box(self):
        for line in self.scr.splitlines():
            m = SELBOX.search(line)
            if m:
                return [int(m.group(i)) for i in range(2, 6)]
        return None

    def move_by(self, dx, dy, step):
        """One counted move per axis, by whole steps."""
        for d, neg, pos in ((dx, "h", "l"), (dy, "k", "j")):
            n = int(round(d / step))
            if n:
                self.send((str(abs(n)) if abs(n) > 1 else "") + (pos if n > 0 else neg),
                          literal=True)

    def goto_exact(self, tx, ty):
        """Counted moves, zooming in while the step is too coarse."""
        for _ in range(12):
            _, x, y, step = self.status()
            if x == tx and y == ty:
                return
            self.move_by(tx - x, ty - y, step)
            _, x, y, step = self.status()
            if (x, y) != (tx, ty) and step > 1 and abs(tx - x) < step and abs(ty - y) < step:
                self.send("+")

    def labels(self, key, tx, ty, img_w, img_h):
        """At fit zoom (0 first if not), key (; or :) and the two-letter
        label drawn nearest (tx, ty), as read off the screen: (distance,
        letters, column, row), and the view (fit_view) with (tx, ty)'s
        cell."""
        zoom, _, _, _ = self.status()
        if zoom != 1.0:
            self.send("0")
        pw, ph, fit, left, top = fit_view(img_w, img_h)
        col, row = (tx - left) * fit, (ty - top) * fit / 2
        scr = self.send(key, literal=True)
        best = None
        for r, line in enumerate(scr.splitlines()[:ph]):
            for m in re.finditer(r"(?<![a-z])([a-z]{2})(?![a-z])", line[:pw]):
                d = (m.start() + 0.5 - col) ** 2 + (2 * (r + 0.5 - row)) ** 2
                if best is None or d < best[0]:
                    best = (d, m.group(1), m.start(), r)
        return best, (pw, ph, fit, left, top, col, row)

    def nearest_label(self, tx, ty, img_w, img_h):
        """The two-letter label drawn nearest (tx, ty) on the screen as it
        is (the labels open, at fit zoom): (distance, letters, column,
        row) and where it lands in the image."""
        pw, ph, fit, left, top = fit_view(img_w, img_h)
        col, row = (tx - left) * fit, (ty - top) * fit / 2
        best = None
        for r, line in enumerate(self.scr.splitlines()[:ph]):
            for m in re.finditer(r"(?<![a-z])([a-z]{2})(?![a-z])", line[:pw]):
                d = (m.start() + 0.5 - col) ** 2 + (2 * (r + 0.5 - row)) ** 2
                if best is None or d < best[0]:
                    best = (d, m.group(1), m.start(), r)
        return best, (left + (best[2] + 0.5) / fit, top + (2 * best[3] + 1) / fit)

    def box_corner(self, tx, ty, img_w, img_h, tol, mode):
        """A binary whose labels stay for a box's other corner: one corner
        by the cheaper jump that lands within tol (x, y) px of (tx, ty), as
        read off the screen. mode: the kind of jump open (";" or ":"), or
        None when the labels are closed: then ; when a plain jump's miss
        (up to two cells across, one row down) is within tol, else :, as a
        person judges the object's size by eye; with the labels open, the
        label within tol in capitals, : first when only an exact jump
        lands there. Returns whether it placed and the kind of jump still
        open (None: closed)."""
        fit = fit_view(img_w, img_h)[2]
        if mode is None:
            mode = ";" if tol[0] >= 2 / fit and tol[1] >= 2 / fit else ":"
            self.send("\\;" if mode == ";" else ":", literal=True)
            if mode == ";":
                self.keys -= 1  # the escape for tmux's parser is not a key
        best, (lx, ly) = self.nearest_label(tx, ty, img_w, img_h)
        if abs(lx - tx) <= tol[0] and abs(ly - ty) <= tol[1]:
            if mode == ":":
                self.send("\\;", literal=True)
                self.keys -= 1
            self.send(best[1].upper(), literal=True)
            return True, ";"
        if mode == ";":
            self.send(":", literal=True)
        placed = self.exact_cell(best, tx, ty, img_w, img_h, tol)
        return placed, ":" if placed else None

    def jump(self, tx, ty, img_w, img_h, place_within=0):
        """; then the label drawn nearest (tx, ty), as read off the screen;
        in capitals (jump and place) when it lands within place_within px.
        Returns whether it placed."""
        best, (pw, ph, fit, left, top, col, row) = self.labels("\\;", tx, ty, img_w, img_h)
        self.keys -= 1  # the escape for tmux's parser is not a key
        lx = left + (best[2] + 0.5) / fit
        ly = top + (2 * best[3] + 1) / fit
        if not isinstance(place_within, tuple):
            place_within = (place_within, place_within)
        if place_within[0] and abs(lx - tx) <= place_within[0] and abs(ly - ty) <= place_within[1]:
            self.send(best[1].upper(), literal=True)
            return True
        self.send(best[1], literal=True)
        return False

    def jump_exact(self, tx, ty, img_w, img_h, place_within):
        """: then the two letters of the label drawn nearest (tx, ty), then,
        read off the screen, the single letter of its block's cell nearest
        (tx, ty): in capitals (and place) when that cell lies within
        place_within (x, y) px. Returns whether it placed."""
        best, _ = self.labels(":", tx, ty, img_w, img_h)
        return self.exact_cell(best, tx, ty, img_w, img_h, place_within)

    def exact_cell(self, best, tx, ty, img_w, img_h, place_within):
        """The exact jump's labels open: the label best's two letters, then
        the letter of its block's cell nearest (tx, ty), in capitals when
        it lies within place_within (x, y) px. Returns whether it placed."""
        pw, ph, fit, left, top = fit_view(img_w, img_h)
        col, row = (tx - left) * fit, (ty - top) * fit / 2
        scr = self.send(best[1], literal=True)
        cell = None
        lines = scr.splitlines()
        for r in range(max(0, best[3] - 3), min(ph, best[3] + 4)):
            line = lines[r][:pw] if r < len(lines) else ""
            for c in range(max(0, best[2] - 6), min(len(line), best[2] + 7)):
                # The block's letters touch (asdf over jklg): each
                # letter is its cell.
                if "a" <= line[c] <= "z":
                    d = (c + 0.5 - col) ** 2 + (2 * (r + 0.5 - row)) ** 2
                    if cell is None or d < cell[0]:
                        cell = (d, line[c], c, r)
        lx = left + (cell[2] + 0.5) / fit
        ly = top + (2 * cell[3] + 1) / fit
        if abs(lx - tx) <= place_within[0] and abs(ly - ty) <= place_within[1]:
            self.send(cell[1].upper(), literal=True)
            return True
        self.send(cell[1], literal=True)
        return False

    def click(self, x, y, img_w, img_h, view=None):
        """One mouse click on the cell nearest image point (x, y) at fit zoom,
        or through view (scale, left, top) when the screen has zoomed in;
        kept on the image (an object's edge on the image's border is
        clicked on its last pixel)."""
        _, _, fit, left, top = fit_view(img_w, img_h)
        if view:
            fit, left, top = view
        x, y = min(max(x, 0.5), img_w - 0.5), min(max(y, 0.5), img_h - 0.5)
        c, r = (int(round((x - left) * fit - 0.5)) + 1,
                int(round((y - top) * fit / 2 - 0.5)) + 1)
        prev = self.scr
        for seq in ("\033[<0;%d;%dM" % (c, r), "\033[<0;%d;%dm" % (c, r)):
            tmx("send-keys", "-t", "t", "-l", seq)
        self.scr = settle(prev)

    def wheel(self, c, r):
        """One wheel notch in at 0-based cell (c, r): one gesture."""
        prev = self.scr
        tmx("send-keys", "-t", "t", "-l", "\033[<64;%d;%dM" % (c + 1, r + 1))
        self.view.wheel_up(c, r)
        self.keys += 1
        self.scr = settle(prev)

    def drag(self, x0, y0, x1, y1, img_w, img_h):
        """One mouse drag at fit zoom from image point (x0, y0) to (x1, y1),
        each end on the nearest cell of the image (xterm SGR reports,
        1-based)."""
        zoom, _, _, _ = self.status()
        if zoom != 1.0:
            self.send("0")
        self.view = View(img_w, img_h)
        _, _, fit, left, top = fit_view(img_w, img_h)
        # Each end on the image, as a person drags along the image's border.
        x0, x1 = [min(max(v, 0.5), img_w - 0.5) for v in (x0, x1)]
        y0, y1 = [min(max(v, 0.5), img_h - 0.5) for v in (y0, y1)]
        cell = lambda x, y: (int(round((x - left) * fit - 0.5)) + 1,
                             int(round((y - top) * fit / 2 - 0.5)) + 1)
        (c0, r0), (c1, r1) = cell(x0, y0), cell(x1, y1)
        # A drag from on or inside the selected box (the last one drawn)
        # would move it: Esc first (twice when it is grabbed), as a
        # person must, each a gesture; b once with a binary where the
        # current tool's key again starts a new object (CVAT's N).
        for _ in range(2):
            sel = self.selected_box() if DRAG else None
            if sel is None:
                break
            pad = 2 / fit
            if not (sel[0] - pad <= x0 <= sel[0] + sel[2] + pad and
                    sel[1] - 2 * pad <= y0 <= sel[1] + sel[3] + 2 * pad):
                break
            if NEWKEY:
                self.send("b")  # the box tool's key again: a new box
                break
            self.send("Escape")
        prev = self.scr
        for seq in ("\033[<0;%d;%dM" % (c0, r0), "\033[<32;%d;%dM" % (c1, r1),
                    "\033[<0;%d;%dm" % (c1, r1)):
            tmx("send-keys", "-t", "t", "-l", seq)
        self.scr = settle(prev)


class View:
    """The image pane's view as boxel computes it (label_compute_view,
    label_zoom): the mouse strategy follows its wheel zooms to know which
    cell is which image point. Starts at fit."""

    def __init__(self, img_w, img_h):
        self.iw, self.ih = img_w, img_h
        self.pw, self.ph, self.fit, _, _ = fit_view(img_w, img_h)
        self.zoom, self.vx, self.vy = 1.0, img_w / 2.0, img_h / 2.0
        self.compute()

    def compute(self):
        self.zoom = max(1.0, min(self.zoom, max(1.0, 64 / self.fit)))
        self.sc = self.fit * self.zoom
        vw, vh = self.pw / self.sc, 2.0 * self.ph / self.sc
        self.vx = self.iw / 2.0 if vw >= self.iw else min(max(self.vx, vw / 2), self.iw - vw / 2)
        self.vy = self.ih / 2.0 if vh >= self.ih else min(max(self.vy, vh / 2), self.ih - vh / 2)
        self.left, self.top = self.vx - vw / 2, self.vy - vh / 2
        if abs(self.sc - 1) < 1e-9:
            self.left, self.top = math.floor(self.left + 0.5), math.floor(self.top + 0.5)

    def point(self, c, r):
        """The crosshair a press on 0-based cell (c, r) sets."""
        x = self.left + (c + 0.5) / self.sc
        y = self.top + (2 * r + 1) / self.sc
        return (min(max(math.floor(x + 0.5), 0), self.iw), min(max(math.floor(y + 0.5), 0), self.ih))

    def cell(self, x, y):
        """The 0-based cell whose crosshair lands nearest (x, y), or None
        outside the pane."""
        c0, r0 = int(round((x - self.left) * self.sc - 0.5)), int(round((y - self.top) * self.sc / 2 - 0.5))
        best = None
        for c in (c0 - 1, c0, c0 + 1):
            for r in (r0 - 1, r0, r0 + 1):
                if 0 <= c < self.pw and 0 <= r < self.ph:
                    px, py = self.point(c, r)
                    d = (abs(px - x), abs(py - y), abs(c - c0) + abs(r - r0))
                    if best is None or d < best[0]:
                        best = (d, (c, r))
        return best[1] if best else None

    def wheel_up(self, c, r):
        cx, cy = self.point(c, r)
        old = self.zoom
        one = 1 / self.fit
        self.zoom *= 2
        if old < one - 1e-9 and self.zoom > one + 1e-9:
            self.zoom = one
        if self.zoom != old:
            self.vx = cx - (cx - self.vx) * old / self.zoom
            self.vy = cy - (cy - self.vy) * old / self.zoom
        self.compute()


def fit_view(img_w, img_h):
    """The image pane's size in cells, the fit scale (cells per pixel) and
    the image point at the pane's top left, as the screen lays them out."""
    pw, ph = COLS - max(34, min(64, COLS * 36 // 100)) - 1, ROWS - 2
    fit = min(pw / img_w, 2.0 * ph / img_h)
    vw, vh = pw / fit, 2.0 * ph / fit
    return pw, ph, fit, img_w / 2 - vw / 2, img_h / 2 - vh / 2


def rough(truth, k):
    """Each edge off by up to 10% of the object's size, at least 1 px."""
    x, y, w, h = truth
    seed = (k * 2654435761) & 0xFFFFFFFF

    def off(size, i):
        v = ((seed >> (i * 5)) % 21 - 10) / 100.0 * size
        v = int(round(v)) or (1 if (seed >> i) & 1 else -1)
        return v
    return [x + off(w, 0), y + off(h, 1), x + w + off(w, 2), y + h + off(h, 3)]


def iou(a, b):
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    i = ix * iy
    return i / float(a[2] * a[3] + b[2] * b[3] - i)


def edges_off(box, t):
    return [abs(box[0] - t[0]), abs(box[1] - t[1]), abs(box[0] + box[2] - t[0] - t[2]),
            abs(box[1] + box[3] - t[1] - t[3])]


# What each handle the status line names ("grab #1 top-left corner")
# moves: left, top, right, bottom.
# The named grab's keys (" then one of them) for each handle.
NAME_KEYS = {(0,): "h", (1,): "k", (2,): "l", (3,): "j",
             (0, 1): "y", (2, 1): "u", (2, 3): "n", (0, 3): "b"}
HANDLES = {"left edge": (0,), "top edge": (1,), "right edge": (2,), "bottom edge": (3,),
           "top-left corner": (0, 1), "top-right corner": (2, 1),
           "bottom-right corner": (2, 3), "bottom-left corner": (0, 3)}
GRAB = re.compile(r"grab #\d+ ([a-z-]+ (?:edge|corner))")


def grabbed(A):
    m = GRAB.search(A.scr.splitlines()[-1])
    return HANDLES.get(m.group(1), ()) if m else ()


def wrong_edges(A, t):
    """The selected box's edges more than 1 px off the truth (indices,
    left top right bottom), its edges and the truth's, the handle to fix
    (the edges it moves) and where it is; None when there is no box or
    nothing is off."""
    box = A.selected_box()
    if box is None:
        return None
    bad = [i for i, o in enumerate(edges_off(box, t)) if o > 1]
    if not bad:
        return None
    x0, y0, x1, y1 = ex = [box[0], box[1], box[0] + box[2], box[1] + box[3]]
    # The handle to fix first: two wrong edges that meet through their
    # corner, else the first wrong edge (at its middle).
    moves = next(((ix, iy) for ix, iy in ((0, 1), (2, 1), (2, 3), (0, 3))
                  if ix in bad and iy in bad), (bad[0],))
    mid = [(x0 + x1) / 2.0, (y0 + y1) / 2.0]
    at = (ex[moves[0]] if moves[0] in (0, 2) else mid[0],
          ex[moves[-1]] if moves[-1] in (1, 3) else mid[1])
    return bad, ex, [t[0], t[1], t[0] + t[2], t[1] + t[3]], moves, at


def each_wrong(A, t, tries=4):
    """wrong_edges after each fix, a bounded number of tries (what is
    still off is reported)."""
    for _ in range(tries):
        wrong = wrong_edges(A, t)
        if wrong is None:
            return
        yield wrong


def fix_edges(A, t, img_w, img_h):
    """Fix what tighten left: each edge more than 1 px off (a bounded number
    of tries; what is still off is reported). Two wrong edges that meet are
    fixed through their corner (one grab, one counted move per axis). The
    crosshair is jumped next to the edge or corner unless it already is
    there (' grabs a corner within 4 display pixels of the crosshair, else
    the nearest edge: the grab the screen shows); what ' grabbed is read off
    the status line. With fine steps (,) each axis is one counted move of
    image pixels; without them, counted moves and + while the step is too
    coarse."""
    grabs = 0
    for bad, ex, want, moves, (ax, ay) in each_wrong(A, t):
        x0, y0, x1, y1 = ex
        k0 = A.keys
        if NAMED:
            # " and the handle's name: no jump to it.
            A.send('"', literal=True)
            A.send(NAME_KEYS[moves], literal=True)
            grabs += 1
        zoom, cx, cy, step = A.status()
        sc = fit_view(img_w, img_h)[2] * zoom
        near = 4 / sc
        if len(moves) == 2:
            here = abs(cx - ax) <= near * 0.7 and abs(cy - ay) <= near * 0.7
        else:
            i = moves[0]
            here = (abs(cx - ex[i]) <= 1 if i in (0, 2) else abs(cy - ex[i]) <= 1) and \
                x0 + near < cx < x1 - near and y0 + near < cy < y1 - near
        if not here and not NAMED:
            A.jump(ax, ay, img_w, img_h)
        if not NAMED:
            A.send("'", literal=True)
        got = grabbed(A)
        if not set(got) & set(bad):
            A.send("Escape")
            A.log.append("grabbed %s, not a wrong edge: %d keys" % (got or "nothing", A.keys - k0))
            continue
        b = A.selected_box()
        cur = [b[0], b[1], b[0] + b[2], b[1] + b[3]]
        d = [want[i] - cur[i] if i in got else 0 for i in range(4)]
        dx = d[0] or d[2]
        dy = d[1] or d[3]
        if FINE:
            # Fine steps: one image pixel per step at any zoom, so one
            # counted move per axis puts the handle on its pixel.
            if (abs(dx) > 1 or abs(dy) > 1) and "fine" not in A.scr.splitlines()[-1]:
                A.send(",", literal=True)
            A.move_by(dx if abs(dx) > 1 else 0, dy if abs(dy) > 1 else 0, 1)
        for _ in range(0 if FINE else 10):
            b = A.selected_box()
            cur = [b[0], b[1], b[0] + b[2], b[1] + b[3]]
            d = [want[i] - cur[i] if i in got else 0 for i in range(4)]
            dx = d[0] or d[2]
            dy = d[1] or d[3]
            if abs(dx) <= 1 and abs(dy) <= 1:
                break
            _, _, _, step = A.status()
            mx = dx if abs(dx) > 1 and abs(dx) >= step else 0
            my = dy if abs(dy) > 1 and abs(dy) >= step else 0
            if not mx and not my:
                A.send("+")
                continue
            A.move_by(mx, my, step)
        if not NAMED:
            A.send("Escape")
        A.log.append("%s %s px: %d keys" % (" and ".join(EDGES[i] + " edge" for i in got),
                                          "/".join("%+d" % (ex[i] - want[i]) for i in got),
                                          A.keys - k0))

    if grabs and not (NAMEDPX and STRATEGY in ("assisted", "corners")):
        # Named grabs go from one handle to the next; one Esc at the end
        # releases the last (and ends the fine steps). A binary whose next
        # jump lets go of it needs none before the next object's jump.
        A.send("Escape")
        A.log.append("Esc: 1 key")

EDGES = ("left", "top", "right", "bottom")


def fix_edges_mouse(A, t, img_w, img_h):
    """The mouse's fixes (a binary with handle drags): each edge more than
    1 px off, two wrong edges that meet through their corner, is dragged
    onto its pixel: press on the handle (a corner, or an edge's middle),
    drag, release, one gesture. When the pixel is not reachable at the
    current zoom (a cell spans more than a pixel), or the box is too small
    on screen to press the handle without catching another (under 4 cells
    by 3 rows), the wheel zooms in first at the middle of the way, one
    gesture a notch, as a person zooms to see it. A fix whose handle or
    pixel lies outside a zoomed view starts again from fit (0, one key)."""
    V = A.view
    for bad, ex, want, moves, (hx, hy) in each_wrong(A, t):
        x0, y0, x1, y1 = ex
        k0 = A.keys
        tx = want[moves[0]] if moves[0] in (0, 2) else hx
        ty = want[moves[-1]] if moves[-1] in (1, 3) else hy

        def ready():
            p, q = V.cell(hx, hy), V.cell(tx, ty)
            if p is None or q is None:
                return None
            px, py = V.point(*q)
            ok = (abs(px - tx) <= 1 or moves[0] in (1, 3)) and \
                (abs(py - ty) <= 1 or moves[-1] in (0, 2))
            big = (x1 - x0) * V.sc >= 4 and (y1 - y0) * V.sc / 2 >= 3
            return (p, q) if ok and big else None
        if V.zoom != 1 and ready() is None:
            A.send("0")
            A.view = V = View(img_w, img_h)
        for _ in range(8):
            if ready() is not None:
                break
            wc = V.cell((hx + tx) / 2.0, (hy + ty) / 2.0)
            if wc is None or V.zoom >= 64 / V.fit:
                break
            A.wheel(wc[0], wc[1])
        pq = ready()
        if pq is None:
            A.log.append("no zoom reaches the %s edge: %d gestures" % (EDGES[moves[0]], A.keys - k0))
            break
        (pc, pr), (qc, qr) = pq
        # An edge's pixel may lie in the press's own cell: the hand leaves
        # it and comes back (still one drag).
        via = (pc + 1 if pc + 1 < V.pw else pc - 1, pr)
        prev = A.scr
        for seq in ("\033[<0;%d;%dM" % (pc + 1, pr + 1),
                    "\033[<32;%d;%dM" % (via[0] + 1, via[1] + 1),
                    "\033[<32;%d;%dM" % (qc + 1, qr + 1),
                    "\033[<0;%d;%dm" % (qc + 1, qr + 1)):
            tmx("send-keys", "-t", "t", "-l", seq)
        A.scr = settle(prev)
        if os.environ.get("EFFORT_DEBUG"):
            print("    drag %s->%s view says %s, screen %s, box %s" % ((pc, pr), (qc, qr), V.point(qc, qr),
                  A.status()[1:3], A.selected_box()))
        A.keys += 1  # the drag: one gesture
        A.log.append("%s %s px: %d gestures (zoom %.1fx)" % (
            " and ".join(EDGES[i] + " edge" for i in moves),
            "/".join("%+d" % (ex[i] - want[i]) for i in moves), A.keys - k0, V.zoom))


def finish(A, t, img_w, img_h):
    """After a drawn box: u when it is far off (IoU under 0.5), then fix
    the edges by keys. Returns the keys and the box as drawn."""
    after = A.selected_box()
    if after is not None and iou(after, t) < 0.5:
        A.send("u")
    if STRATEGY == "mouse" and DRAG:
        fix_edges_mouse(A, t, img_w, img_h)
    else:
        fix_edges(A, t, img_w, img_h)
    A.nboxes += 1
    return A.keys, after


def label_one(A, t, k, img_w, img_h, ext=None, seed=None):
    A.keys = 0
    A.log = []
    after = None
    if STRATEGY == "extreme":
        zoom, _, _, _ = A.status()
        if zoom != 1.0:
            A.send("0")
        if not A.scr.splitlines()[-1].lstrip().startswith("extreme"):
            A.send("E")
        if ext is None:
            ext = [t[1] + t[3] / 2.0, t[0] + t[2] / 2.0, t[1] + t[3] / 2.0, t[0] + t[2] / 2.0]
        view, seen = None, []
        for i, (x, y) in enumerate(((t[0], ext[0]), (ext[1], t[1]), (t[0] + t[2], ext[2]),
                     (ext[3], t[1] + t[3]))):
            if i == 2:
                zoom, _, _, _ = A.status()
                if zoom != 1.0:
                    pw, ph, fit, _, _ = fit_view(img_w, img_h)
                    sc = fit * zoom
                    vw, vh = pw / sc, 2.0 * ph / sc
                    vx = min(max(seen[0][0] + 0.4 * vw, vw / 2), img_w - vw / 2)
                    vy = min(max(seen[1][1] + 0.4 * vh, vh / 2), img_h - vh / 2)
                    view = (sc, vx - vw / 2, vy - vh / 2)
            A.click(x, y, img_w, img_h, view)
            A.keys += 1  # a click: one gesture
            _, cx, cy, _ = A.status()
            seen.append((cx, cy))
        return finish(A, t, img_w, img_h)
    if STRATEGY == "classic":
        A.goto_exact(t[0], t[1])
        A.send("Space")
        A.send("0")
        A.goto_exact(t[0] + t[2], t[1] + t[3])
        A.send("Space")
        A.send("0")
        return A.keys, None
    if STRATEGY == "mouse":
        r = rough(t, k)
        A.drag(r[0], r[1], r[2], r[3], img_w, img_h)
        A.keys += 1  # the drag: one gesture
        return finish(A, t, img_w, img_h)
    if STRATEGY == "assisted":
        # B's crosshair: the object's seed where truth.json has one (a
        # pixel on the object's main colour, where a person puts the
        # crosshair for the wand: not the emblem on the rocket's middle),
        # else its centre (the synthetic objects are one colour)
        cx, cy = (seed[0] + 0.5, seed[1] + 0.5) if seed else (t[0] + t[2] / 2.0, t[1] + t[3] / 2.0)
        A.jump(cx, cy, img_w, img_h)
        fit = fit_view(img_w, img_h)[2]
        if min(t[2] * fit, t[3] * fit / 2) < 2:
            # Thinner than two cells at fit: a person zooms in to see it and
            # steps onto it (+ zooms about the crosshair).
            A.send("+")
            A.send("+")
            _, x, y, step = A.status()
            A.move_by(cx - x, cy - y, step)
        # B; while its box lies inside the object (no edge more than 1 px
        # out) and is not yet tight, B again grows it (README), at most 4
        # presses; a box out past the object is undone (one u: the regrows
        # fold into the first B's step) and the corners drawn instead.
        for press in range(4):
            A.send("B")
            box = A.selected_box()
            if box is None or len(A.boxes()) <= A.nboxes:
                break
            if max(edges_off(box, t)) <= 1:
                A.nboxes += 1
                return A.keys, None
            if (box[0] < t[0] - 1 or box[1] < t[1] - 1 or box[0] + box[2] > t[0] + t[2] + 1
                    or box[1] + box[3] > t[1] + t[3] + 1):
                break
        tol = (max(3, 0.1 * t[2]), max(3, 0.1 * t[3]))
        if box is not None and len(A.boxes()) > A.nboxes and all(
                o <= tl for o, tl in zip(edges_off(box, t), tol + tol)):
            # B's box within 10% of the object on each edge (as a person
            # judges by eye): the fixes, not u and a rough box. B's box is
            # tightened already, so no t.
            after = box
            fix_edges(A, t, img_w, img_h)
            A.nboxes += 1
            return A.keys, after
        if len(A.boxes()) > A.nboxes:
            A.send("u")
    r = rough(t, k)
    tol = (max(3, 0.1 * t[2]), max(3, 0.1 * t[3]))
    mode = None  # BOXJUMP: the kind of jump still open for the other corner
    for (cx, cy), (ax, ay) in (((r[0], r[1]), (t[0], t[1])),
                               ((r[2], r[3]), (t[0] + t[2], t[1] + t[3]))):
        if BOXJUMP:
            if mode is None:
                zoom, _, _, _ = A.status()
                if zoom != 1.0:
                    A.send("0")
            placed, mode = A.box_corner(ax, ay, img_w, img_h, tol, mode)
        else:
            placed = (A.jump_exact(ax, ay, img_w, img_h, tol) if EXACT
                      else A.jump(ax, ay, img_w, img_h, place_within=tol))
        if not placed:
            _, x, y, step = A.status()
            A.move_by(cx - x, cy - y, step)
            A.send("Space")
    box = A.selected_box()
    after = box
    if box is not None and iou(box, t) < 0.5:
        A.send("u")
    fix_edges(A, t, img_w, img_h)
    A.nboxes += 1
    return A.keys, after


def image_size(path):
    """Width and height of a PNG (IHDR) or a JPEG (its SOFn marker)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, seglen = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB,
                          0xCD, 0xCE, 0xCF):
                h, w = struct.unpack(">HH", data[i + 5:i + 9])
                return w, h
            i += 2 + seglen
    raise SystemExit("effort: %s is neither a PNG nor a JPEG with a frame header" % path)


def main():
    alltruth = json.load(open(TRUTH))
    truth = {k: v for k, v in alltruth.items() if not k.startswith("_")}
    extremes = alltruth.get("_extremes", {})
    seeds = alltruth.get("_seeds", {})
    imgdir = os.path.dirname(os.path.abspath(TRUTH))
    tmx("kill-server", check=False)
    tmx("-u", "new-session", "-d", "-s", "t", "-x", str(COLS), "-y", str(ROWS),
        "env TERM=xterm-256color %s label --db %s --user alice; sleep 60" % (BOXEL, DB))
    try:
        time.sleep(0.5)
        A = Annotator()
        rows, k = [], 0
        if STRATEGY in ("assisted", "corners", "mouse"):
            A.send("T")
            print("%s: T once" % STRATEGY + " for the session (tighten every box as drawn): 1 key, "
                  "not counted per box")
        # Tasks come in the server's (random) order: label the image on
        # screen. Each object keeps its rough box (seeded by its place in
        # the sorted truth), whatever the order.
        first = {}
        for name in sorted(truth):
            first[name] = k
            k += len(truth[name])
        todo = set(truth)
        while todo:
            A.scr = settle()
            on = [n for n in sorted(todo) if n in A.scr]
            if not on:
                print("effort: expected one of %s on screen" % ", ".join(sorted(todo)),
                      file=sys.stderr)
                return 1
            name = on[0]
            todo.discard(name)
            img_w, img_h = image_size(os.path.join(imgdir, name))
            for j, t in enumerate(truth[name]):
                k = first[name] + j + 1
                ext = extremes.get(name, [None] * (j + 1))[j]
                seed = seeds.get(name, [None] * (j + 1))[j]
                keys, after = label_one(A, t, k, img_w, img_h, ext, seed)
                final = A.selected_box()
                ok = final is not None and max(edges_off(final, t)) <= 1
                rows.append((name, t, keys, after, ok))
                line = "%-10s %-20s keys %3d%s" % (name, "%d,%d %dx%d" % tuple(t), keys,
                                                  "" if ok else " (NOT tight: gave up)")
                if after:
                    off = edges_off(after, t)
                    line += "   after %s: IoU %.3f, edges within 1 px %d/4" % (
                        "4 points" if STRATEGY == "extreme" else "one t", iou(after, t),
                        sum(o <= 1 for o in off))
                    line += " (left %+d top %+d right %+d bottom %+d)" % (
                        after[0] - t[0], after[1] - t[1], after[0] + after[2] - t[0] - t[2],
                        after[1] + after[3] - t[1] - t[3])
                print(line, flush=True)
                if A.log:
                    print("    fixed: " + "; ".join(A.log), flush=True)
            A.send("s")
            A.nboxes = 0
            time.sleep(0.3)
        keys = sorted(r[2] for r in rows)
        med = keys[len(keys) // 2] if len(keys) % 2 else (keys[len(keys) // 2 - 1] + keys[len(keys) // 2]) / 2.0
        what = {"mouse": "gestures (drags and keys)",
                "extreme": "gestures (E, clicks and keys)"}.get(STRATEGY, "keystrokes")
        print("%s: %d boxes (%d tight), %s per box: median %s, mean %.1f, max %d, total %d"
              % (STRATEGY, len(keys), sum(r[4] for r in rows), what, med,
                 sum(keys) / float(len(keys)), keys[-1], sum(keys)))
        tightened = [r for r in rows if r[3] is not None]
        if STRATEGY == "assisted":
            print("B alone made %d of %d boxes exact; the corners and tighten the other %d"
                  % (len(rows) - len(tightened), len(rows), len(tightened)))
        rows = tightened
        if STRATEGY in ("assisted", "corners", "mouse", "extreme") and rows:
            ious = [iou(r[3], r[1]) for r in rows]
            alle = sum(all(o <= 1 for o in edges_off(r[3], r[1])) for r in rows)
            edges = sum(sum(o <= 1 for o in edges_off(r[3], r[1])) for r in rows)
            print("%s: mean IoU %.3f, boxes with every edge "
                  "within 1 px %d/%d (%.0f%%), edges within 1 px %d/%d"
                  % ("after the four snapped points" if STRATEGY == "extreme"
                     else "after one tighten from the rough box", sum(ious) / len(ious), alle, len(rows), 100.0 * alle / len(rows), edges,
                     4 * len(rows)))
    finally:
        tmx("kill-server", check=False)
    return 0


sys.exit(main())
