# bench-ds-submit.sh: how long does the submit that completes a batch take
# under aggregation = dawid-skene? A synthetic crowd (5 labelers of known
# confusion, overlap 5, BENCH_TASKS tasks, 300 by default) labels the batch
# through queue claim/submit; the last labeler holds the claim of the last
# task. The store is then copied, and that completing submit is timed once
# with $BOXEL and, when BOXEL_BEFORE=older/boxel is given, once with that
# binary on the same copy (the schema must be the same). Printed: each
# binary's completing submit, its ordinary submit just before (for
# scale), and whether Dawid-Skene ran inside that process (its event).
# Figures only, never pass/fail.
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
N=${BENCH_TASKS:-300}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export BOXEL_DB=$T/crowd.db
mkdir -p "$T/img"
/usr/bin/python3 - "$T/img" "$N" <<'PY'
import struct, sys, zlib
d, n = sys.argv[1], int(sys.argv[2])
def chunk(t, b):
    return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
for i in range(n):
    row = b"\0" + bytes([i % 256, i // 256 % 256, 140]) * 8
    open("%s/t%05d.png" % (d, i), "wb").write(b"\x89PNG\r\n\x1a\n" +
        chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 6, 8, 2, 0, 0, 0)) +
        chunk(b"IDAT", zlib.compress(row * 6)) + chunk(b"IEND", b""))
PY
# Three classes, each a box or an image class.
/usr/bin/python3 -c 'import json, sys
json.dump({"name": "xyz", "classes": [{"name": c, "hotkey": k, "geometries": ["box", "tag"]}
           for c, k in zip("xyz", "rtw")]}, open(sys.argv[1], "w"))' "$T/tax.json"
B=${BOXEL_BEFORE:-$BOXEL}
"$B" init --images "$T/img" --taxonomy "$T/tax.json" >/dev/null
"$B" import "$T/img" >/dev/null
"$B" config set aggregation dawid-skene >/dev/null
for u in care1 care2 spam1 spam2 swap; do "$B" user add $u --role annotator >/dev/null; done
"$B" batch create crowd --kind production --overlap 5 --tasks all >/dev/null
field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
said() {
	local i=${2#t}; i=${i%.png}; local t; t=$(echo xyz | cut -c$(( 10#$i % 3 + 1 )))
	case $1 in care*) echo "$t";; spam*) echo x;; swap) [ "$t" = x ] && echo y || echo x;; esac
}
# work USER LEAVE: claim and submit until LEAVE tasks are left (the last
# claim is kept in $T/held.json, unsubmitted).
work() {
	local c s left=$N
	while c=$("$B" queue claim --user "$1" --json 2>/dev/null); do
		if [ "$left" -le "$2" ]; then printf '%s' "$c" > "$T/held.json"; return; fi
		s=$(said "$1" "$(field "$c" image)")
		printf '{"annotations":[{"class":"%s","box":[1,1,4,3]},{"class":"%s"}]}\n' "$s" "$s" > "$T/a.json"
		"$B" queue submit --user "$1" --judgment "$(field "$c" judgment)" \
			--token "$(field "$c" token)" "$T/a.json" >/dev/null || echo "bench: submit failed"
		left=$((left - 1))
	done
}
for u in care1 care2 spam1 spam2; do work $u 0; done
work swap 2     # submits all but two; holds the next-to-last claim
cp "$BOXEL_DB" "$T/base.db"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for bin in ${BOXEL_BEFORE:+"$BOXEL_BEFORE"} "$BOXEL"; do
	cp "$T/base.db" "$BOXEL_DB"
	rm -f "$BOXEL_DB-wal" "$BOXEL_DB-shm"
	c=$(cat "$T/held.json")
	printf '{"annotations":[{"class":"x","box":[1,1,4,3]},{"class":"x"}]}\n' > "$T/a.json"
	s=$(date +%s.%N)
	"$bin" queue submit --user swap --judgment "$(field "$c" judgment)" --token "$(field "$c" token)" "$T/a.json" >/dev/null
	e=$(date +%s.%N)
	c=$("$bin" queue claim --user swap --json)
	s2=$(date +%s.%N)
	"$bin" queue submit --user swap --judgment "$(field "$c" judgment)" --token "$(field "$c" token)" "$T/a.json" >/dev/null
	e2=$(date +%s.%N)
	ran=$(sqlite3 "$BOXEL_DB" "SELECT count(*) FROM events WHERE what = 'consensus' AND detail LIKE '%\"trigger\":\"complete\"%'")
	printf '%s: ordinary submit %.3f s, completing submit %.3f s, Dawid-Skene run in the submit: %s\n' \
		"$bin" "$(echo "$e - $s" | bc)" "$(echo "$e2 - $s2" | bc)" "$ran"
done
# What the completing submit no longer does: Dawid-Skene over the batch.
s=$(date +%s.%N)
"$BOXEL" consensus --batch crowd >/dev/null
printf 'consensus --batch crowd (Dawid-Skene over %d tasks): %.3f s\n' "$N" "$(echo "$(date +%s.%N) - $s" | bc)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
