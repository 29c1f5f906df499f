# bench-import.sh: `boxel import` of a 100,000-line JSONL manifest (each line
# gives width and height, so no image is probed) into a fresh store, then the
# same again (idempotent: no new tasks). Prints tasks per second; never
# passes or fails on time. Images are hard links to a few tiny PNGs (ext4
# allows 65,000 links per file), so every task points at a real file.
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
N=${BOXEL_BENCH_TASKS:-100000}
T=$(mktemp -d "${TMPDIR:-/tmp}/boxel-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
export BOXEL_NOW_MS=1767225600000
cd "$T" || exit 2
mkdir -p img
/usr/bin/python3 - "$N" <<'PY'
import os, struct, sys, zlib
n = int(sys.argv[1])
def png(path):  # a valid 8x8 gray PNG
    raw = b"".join(b"\0" + bytes(8) for _ in range(8))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
per_base = 50000
with open("manifest.jsonl", "w") as m:
    for i in range(n):
        d = "img/d%03d" % (i // 1000)
        if i % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        if i % per_base == 0:
            base = "img/base%d.png" % (i // per_base)
            png(base)
        os.link(base, "%s/%d.png" % (d, i))
        m.write('{"image": "d%03d/%d.png", "width": 8, "height": 8, "meta": {"n": %d}}\n' % (i // 1000, i, i))
PY
"$BOXEL" init --db b.db --images img >/dev/null || exit 2
ms() { date +%s%N | cut -c1-13; }
t0=$(ms)
"$BOXEL" import --db b.db manifest.jsonl || exit 2
t1=$(ms)
"$BOXEL" import --db b.db manifest.jsonl || exit 2
t2=$(ms)
awk -v n="$N" -v a=$((t1 - t0)) -v b=$((t2 - t1)) 'BEGIN {
	printf "import, fresh store:    %d tasks in %.2f s = %.0f tasks/s\n", n, a / 1000, n * 1000 / a
	printf "import again (no new):  %d tasks in %.2f s = %.0f tasks/s\n", n, b / 1000, n * 1000 / b
}'
echo "0 passed, 0 failed"
