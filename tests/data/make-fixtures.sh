#!/usr/bin/env bash
# make-fixtures.sh: regenerate the image fixtures of tests/data and
# tests/data/bad. The outputs are committed; tests never run this. Needs
# ImageMagick (`convert`), a python3 (standard library only) and, for the
# region fixtures, the build's tests/mkimage.
#
# Pixel patterns, shared with tests/unit/test-image.c (keep them in step):
#   colour   f(x,y) = ((x*37)&255, (y*53)&255, ((x^y)*16)&255)
#   gray     g(x,y) = (x*11 + y*7) & 255
#   alpha    a(x,y) = {255, 0, 128}[(x/4 + y/4) % 3]
#   16-bit   sample*257 +- ((x*3+y) & 127) (+ below 128, - above), which
#            rounds back to the 8-bit sample
#   quadrants (JPEG, 48x32): TL (220,40,40) TR (40,200,40)
#                            BL (40,40,220) BR (230,230,60)
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p bad

# --- PNG: a tiny writer, so colour type, depth, tRNS and Adam7 are exact ---
"$PY" - <<'PY'
import struct, zlib

def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)

def f(x, y): return ((x * 37) & 255, (y * 53) & 255, ((x ^ y) * 16) & 255)
def g(x, y): return (x * 11 + y * 7) & 255
def a(x, y): return (255, 0, 128)[(x // 4 + y // 4) % 3]
def s16(v, x, y): return v * 257 + ((x * 3 + y) & 127) * (1 if v < 128 else -1)

def pack_row(samples, depth):
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    out, acc, n = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | s
        n += depth
        if n == 8:
            out.append(acc); acc = n = 0
    if n:
        out.append(acc << (8 - n))
    return bytes(out)

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]

def png(name, w, h, ctype, depth, pixel, extra=b"", interlace=0, pre_idat=b""):
    """pixel(x, y) -> tuple of samples for the colour type."""
    raw = bytearray()
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            xs = range(x0, w, dx)
            for y in range(y0, h, dy):
                if len(xs):
                    raw += b"\0" + pack_row([s for x in xs for s in pixel(x, y)], depth)
    else:
        for y in range(h):
            raw += b"\0" + pack_row([s for x in range(w) for s in pixel(x, y)], depth)
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + pre_idat +
            chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))
    open(name, "wb").write(data)
    return data

rgb = lambda x, y: f(x, y)
rgba = lambda x, y: f(x, y) + (a(x, y),)
png("png-gray8.png", 24, 16, 0, 8, lambda x, y: (g(x, y),))
png("png-gray1.png", 24, 16, 0, 1, lambda x, y: ((x // 4 + y // 4) & 1,))
png("png-gray16.png", 24, 16, 0, 16, lambda x, y: (s16(g(x, y), x, y),))
png("png-graya8.png", 24, 16, 4, 8, lambda x, y: (g(x, y), a(x, y)))
png("png-rgb8.png", 24, 16, 2, 8, rgb)
png("png-rgba8.png", 24, 16, 6, 8, rgba)
png("png-rgb16.png", 24, 16, 2, 16, lambda x, y: tuple(s16(v, x, y) for v in f(x, y)))
png("png-rgba16.png", 24, 16, 6, 16, lambda x, y: tuple(s16(v, x, y) for v in rgba(x, y)))
png("png-rgb8-adam7.png", 27, 19, 2, 8, rgb, interlace=1)
png("png-rgba16-adam7.png", 27, 19, 6, 16,
    lambda x, y: tuple(s16(v, x, y) for v in rgba(x, y)), interlace=1)
# tRNS colour key: f(0,0) = black is the only transparent pixel.
png("png-rgb8-trns.png", 24, 16, 2, 8, rgb, extra=chunk(b"tRNS", struct.pack(">HHH", 0, 0, 0)))
# Palette: 16x16 pixels, 256 distinct f colours, index = y*16 + x.
pal = b"".join(bytes(f(i % 16, i // 16)) for i in range(256))
png("png-palette8.png", 16, 16, 3, 8, lambda x, y: (y * 16 + x,), extra=chunk(b"PLTE", pal))
# Palette, 4-bit, 16 entries i = x/4 + (y/4)*4 with colour f(i, 15-i), alpha a-like.
pal4 = b"".join(bytes(f(i, 15 - i)) for i in range(16))
trns4 = bytes((255, 0, 128)[i % 3] for i in range(16))
png("png-palette4-trns.png", 16, 16, 3, 4, lambda x, y: (x // 4 + (y // 4) * 4,),
    extra=chunk(b"PLTE", pal4) + chunk(b"tRNS", trns4))

# Tolerated oddity (decodes fine): a zTXt that inflates to 16 MB, more than
# the chunk limit; boxel skips text chunks unread.
bomb = zlib.compress(b"\0" * (16 << 20), 9)
png("odd-png-ztxt-bomb.png", 24, 16, 2, 8, rgb,
    pre_idat=chunk(b"zTXt", b"Comment\0\0" + bomb))

# --- bad PNGs ---
good = open("png-rgb8.png", "rb").read()
open("bad/truncated.png", "wb").write(good[: len(good) // 2])
# bad-crc: the IDAT's stored CRC is wrong, its data intact.
i = good.index(b"IDAT"); n = struct.unpack(">I", good[i - 4:i])[0]
c = i + 4 + n
open("bad/bad-crc.png", "wb").write(good[:c] + bytes(b ^ 0xff for b in good[c:c + 4]) + good[c + 4:])
# bad-zlib: IDAT data corrupted, CRC recomputed, so zlib is what fails.
d = bytearray(good[i + 4:c]); d[2] ^= 0xff; d[3] ^= 0x5a
open("bad/bad-zlib-in-idat.png", "wb").write(good[:i - 4] + chunk(b"IDAT", bytes(d)) + good[c + 4:])

def with_ihdr(w, h, name):
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    open(name, "wb").write(good[:8] + chunk(b"IHDR", ihdr) + good[8 + 25:])
with_ihdr(100000, 100000, "bad/huge-100000x100000.png")
with_ihdr(0, 16, "bad/zero-width.png")
# 30000x30000 passes the side limit but is 900 megapixels: the pixel budget.
with_ihdr(30000, 30000, "bad/pixels-30000x30000.png")
# A chunk claiming 2^31-1 bytes (an iCCP, before IDAT): refused from its
# length alone, nothing allocated or read.
open("bad/iccp-length-2gb.png", "wb").write(good[:33] + struct.pack(">I", 0x7fffffff) + b"iCCP" + b"x" * 64)
# A real 9 MB-long chunk is too big to commit; one announcing 9 MB but cut
# short shows the chunk limit fires before the data is read.
open("bad/ztxt-9mb-chunk.png", "wb").write(good[:33] + struct.pack(">I", 9 << 20) + b"zTXt" + b"x" * 64)
open("bad/empty.png", "wb").close()
PY

# --- JPEG: ImageMagick encodes, python splices EXIF and edits headers ---
convert -size 24x16 xc:'rgb(220,40,40)' -size 24x16 xc:'rgb(40,200,40)' +append "$tmp/top.png"
convert -size 24x16 xc:'rgb(40,40,220)' -size 24x16 xc:'rgb(230,230,60)' +append "$tmp/bot.png"
convert "$tmp/top.png" "$tmp/bot.png" -append "$tmp/quad.png"
jpg() { local out=$1; shift; convert "$@" -strip -sampling-factor 2x2 -quality 90 "$out"; }
jpg jpeg-baseline.jpg "$tmp/quad.png"
jpg jpeg-progressive.jpg "$tmp/quad.png" -interlace JPEG
jpg jpeg-gray.jpg "$tmp/quad.png" -colorspace Gray
convert "$tmp/quad.png" -colorspace CMYK -strip -quality 90 jpeg-cmyk.jpg
# Stored image S_o such that applying orientation o shows the quadrants upright.
xf=("" "" "-flop" "-rotate 180" "-flip" "-transpose" "-rotate 270" "-transverse" "-rotate 90")
for o in 1 2 3 4 5 6 7 8; do
	# shellcheck disable=SC2086
	jpg "$tmp/stored-$o.jpg" "$tmp/quad.png" ${xf[$o]}
done
# 12 megapixels (4000x3000) of the quadrants, gray to stay small on disk.
convert "$tmp/quad.png" -filter point -resize 4000x3000! -colorspace Gray -strip -quality 50 jpeg-12mp-gray.jpg
jpg "$tmp/prog16.jpg" -size 16x16 xc:gray50 -interlace JPEG
printf 'this is text, not a JPEG\n' > bad/text-named.jpg

"$PY" - "$tmp" <<'PY'
import struct, sys
tmp = sys.argv[1]

def exif_app1(order, entries, ifd_off=8, count=None, next_ifd=True):
    """APP1 segment: Exif header + TIFF with IFD0 at ifd_off holding entries
    [(tag, type, count, value16)]; count overrides the entry count field."""
    e = ">" if order == b"MM" else "<"
    tiff = order + struct.pack(e + "HI", 42, ifd_off)
    tiff += b"\0" * (ifd_off - len(tiff)) if ifd_off >= 8 and ifd_off < 64 else b""
    ifd = struct.pack(e + "H", len(entries) if count is None else count)
    for tag, typ, cnt, val in entries:
        ifd += struct.pack(e + "HHI", tag, typ, cnt) + struct.pack(e + "H", val) + b"\0\0"
    if next_ifd:
        ifd += struct.pack(e + "I", ifd_off)   # next IFD: itself (a loop, never followed)
    body = b"Exif\0\0" + tiff + ifd
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body

def splice(src, app1, dst):
    d = open(src, "rb").read()
    assert d[:2] == b"\xff\xd8"
    open(dst, "wb").write(d[:2] + app1 + d[2:])

for o in range(1, 9):
    order = b"MM" if o % 2 else b"II"   # both byte orders
    splice(f"{tmp}/stored-{o}.jpg",
           exif_app1(order, [(0x010f, 2, 4, 0), (0x0112, 3, 1, o)]),
           f"jpeg-exif-{o}.jpg")
# Tolerated EXIF oddities: orientation read as 1, the image still decodes.
base = f"{tmp}/stored-6.jpg"   # stored rotated: a wrong guess would show
splice(base, exif_app1(b"II", [(0x0112, 3, 1, 6)], ifd_off=0xfffffff0), "odd-exif-ifd-out-of-range.jpg")
splice(base, exif_app1(b"MM", [(0x0112, 3, 1, 6)], count=0xffff, next_ifd=False), "odd-exif-count-past-end.jpg")
splice(base, exif_app1(b"II", [(0x0112, 3, 1, 9)]), "odd-exif-orientation-9.jpg")
splice(base, exif_app1(b"MM", [(0x0112, 4, 1, 6)]), "odd-exif-wrong-type.jpg")

good = open("jpeg-baseline.jpg", "rb").read()
open("bad/missing-eoi.jpg", "wb").write(good[:-2])   # libjpeg reads past the end
sos = good.index(b"\xff\xda")   # cut in the middle of the entropy-coded data
open("bad/truncated.jpg", "wb").write(good[: (sos + len(good)) // 2])
# The same cut, closed by an EOI: the file ends properly but its scan is
# shorter than the header's height (libjpeg warns and pads with gray).
open("bad/truncated-scan-then-eoi.jpg", "wb").write(good[: (sos + len(good)) // 2] + b"\xff\xd9")

def set_sof(d, w, h, prog=False):
    d = bytearray(d)
    i = 2
    while i < len(d):
        m, n = d[i + 1], struct.unpack(">H", d[i + 2:i + 4])[0]
        if m in (0xc0, 0xc1, 0xc2):
            d[i + 5:i + 9] = struct.pack(">HH", h, w)
            return bytes(d)
        i += 2 + n
    raise SystemExit("no SOF")
open("bad/huge-65500x65500.jpg", "wb").write(set_sof(good, 65500, 65500))
open("bad/zero-height.jpg", "wb").write(set_sof(good, 48, 0))
prog = open("jpeg-progressive.jpg", "rb").read()
open("bad/progressive-30000x30000.jpg", "wb").write(set_sof(prog, 30000, 30000))

# progressive-absurd-scans: the DC scan of a 16x16 progressive JPEG, repeated
# 1000 times (each a legal refresh of the DC coefficients).
d = open(f"{tmp}/prog16.jpg", "rb").read()
i = 2
while True:
    m, n = d[i + 1], struct.unpack(">H", d[i + 2:i + 4])[0]
    if m == 0xda:
        break
    i += 2 + n
j = i + 2 + n
while not (d[j] == 0xff and d[j + 1] not in (0x00,) and not 0xd0 <= d[j + 1] <= 0xd7):
    j += 1
head, scan = d[:i], d[i:j]
open("bad/progressive-absurd-scans.jpg", "wb").write(head + scan * 1000 + b"\xff\xd9")
PY

# --- Region fixtures: textured, odd-sized (not whole iMCUs), written by the
# test tool tests/mkimage.c (build it first: ./bootstrap build). Large
# enough that a region's crop and skip leave iMCUs out on every side.
MKIMAGE=${MKIMAGE:-../../build/tests/mkimage}
"$MKIMAGE" jpeg-region-420.jpg 333 250
"$MKIMAGE" jpeg-region-422-restart.jpg 333 250 -s 422 -r 1
"$MKIMAGE" jpeg-region-444.jpg 333 250 -s 444
"$MKIMAGE" jpeg-region-progressive.jpg 333 250 -p
"$MKIMAGE" png-region-rgba.png 97 83 -a
"$MKIMAGE" png-region-rgba-adam7.png 97 83 -a -i
ls -l . bad
