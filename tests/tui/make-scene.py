#!/usr/bin/env python3
"""make-scene.py OUT.png: a 400x300 synthetic scene with exact truth, for the
labeling screen's assist tests (standard library only: PNG written with zlib).

Truth (image pixels, origin top-left; a pixel (i, j) covers [i, i+1)):
  red box      x 120..220, y 80..150  -> box 120,80 100x70
  blue ellipse centre (300.0, 220.0), radii 40 x 25: the pixels whose centre
               lies inside -> bounds 260,195 80x50
  green box    x 20..60, y 200..280   -> box 20,200 40x80
Background: a gray checker of 6-pixel squares (110/140) with +-8 noise, so
neither a flat color nor a single edge explains it."""
import struct
import sys
import zlib

W, H = 400, 300


def pixel(x, y, rnd):
    n = rnd() % 17 - 8
    if 120 <= x < 220 and 80 <= y < 150:
        return (200 + n, 40 + n, 40 + n)
    if ((x + 0.5 - 300) / 40) ** 2 + ((y + 0.5 - 220) / 25) ** 2 <= 1:
        return (40 + n, 60 + n, 200 + n)
    if 20 <= x < 60 and 200 <= y < 280:
        return (40 + n, 170 + n, 60 + n)
    g = 110 if ((x // 6) + (y // 6)) % 2 == 0 else 140
    return (g + n, g + n, g + n)


def main():
    state = [12345]

    def rnd():
        state[0] = (state[0] * 1103515245 + 12345) & 0x7FFFFFFF
        return state[0] >> 8

    raw = bytearray()
    for y in range(H):
        raw.append(0)
        for x in range(W):
            raw.extend(bytes(max(0, min(255, c)) for c in pixel(x, y, rnd)))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(bytes(raw), 6)) + chunk(b"IEND", b"")
    with open(sys.argv[1], "wb") as f:
        f.write(png)


main()
