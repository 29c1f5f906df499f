#!/usr/bin/env python3
"""effort-scenes.py DIR: synthetic scenes with exact truth for bench-effort
(standard library only). Writes DIR/sceneN.png and DIR/truth.json:
{"sceneN.png": [[x, y, w, h], ...]} in image pixels (a pixel (i, j) covers
[i, i+1) x [j, j+1)). Objects: flat-colored rectangles with +-8 noise on
textured backgrounds (checker, stripes, gradient), thin ones (4 px), low
contrast ones (about 25 levels from the background) and touching pairs."""
import json
import os
import struct
import sys
import zlib

W, H = 640, 480


class Rnd:
    def __init__(self, seed):
        self.s = seed

    def __call__(self, n):
        self.s = (self.s * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.s >> 8) % n


def background(kind, x, y):
    if kind == 0:
        return 105 if ((x // 7) + (y // 7)) % 2 == 0 else 135
    if kind == 1:
        return 100 if (x // 5) % 2 == 0 else 140
    return 60 + (x * 120) // W


SCENES = [
    # (background, [(x, y, w, h, (r, g, b))...])
    (0, [(40, 40, 120, 80, (200, 40, 40)), (160, 40, 60, 80, (40, 60, 200)),
         (300, 60, 4, 150, (230, 230, 60)), (380, 200, 90, 120, (140, 150, 160)),
         (60, 300, 200, 120, (40, 170, 60)), (520, 60, 70, 300, (200, 120, 40))]),
    (1, [(30, 30, 50, 50, (220, 60, 220)), (120, 100, 180, 40, (40, 40, 40)),
         (420, 40, 160, 100, (150, 150, 150)), (350, 250, 120, 4, (240, 240, 240)),
         (60, 220, 90, 220, (30, 120, 200)), (200, 330, 100, 100, (210, 80, 30))]),
    (2, [(40, 60, 100, 100, (30, 200, 200)), (140, 60, 80, 100, (200, 30, 120)),
         (330, 40, 60, 60, (255, 255, 255)), (430, 220, 150, 200, (10, 10, 60)),
         (250, 250, 40, 170, (230, 200, 20)), (60, 300, 120, 60, (90, 230, 90))]),
]


def write_png(path, rows):
    raw = bytearray()
    for row in rows:
        raw.append(0)
        raw.extend(row)

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    truth = {}
    rnd = Rnd(4242)
    for k, (bg, objs) in enumerate(SCENES):
        rows = []
        for y in range(H):
            row = bytearray()
            for x in range(W):
                n = rnd(17) - 8
                c = None
                for (ox, oy, ow, oh, col) in objs:
                    if ox <= x < ox + ow and oy <= y < oy + oh:
                        c = col
                if c is None:
                    g = background(bg, x, y)
                    c = (g, g, g)
                row.extend(max(0, min(255, v + n)) for v in c)
            rows.append(row)
        name = "scene%d.png" % (k + 1)
        write_png(os.path.join(out, name), rows)
        truth[name] = [[o[0], o[1], o[2], o[3]] for o in objs]
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)


main()
