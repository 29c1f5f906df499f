# lib.sh: shared helpers for boxel's CLI tests (bash). Source it first.
# Each check counts one assertion; `finish` prints "N passed, N failed" and
# exits non-zero on failure. Every test gets its own temporary directory,
# removed at exit, and a pinned clock (BOXEL_NOW_MS).
set -u
: "${BOXEL:?BOXEL must point at the boxel binary}"
T_PASSED=0
T_FAILED=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/boxel-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT
export BOXEL_NOW_MS=${BOXEL_NOW_MS:-1767225600000}   # 2026-01-01T00:00:00Z
export NO_COLOR=1
unset BOXEL_DB

# The store a test works on. By default a SQLite file in T_TMP; with
# BOXEL_TEST_ON_PG=1 (tests/pg/run.sh runs some suites so, on its throwaway
# cluster) a fresh PostgreSQL database per store, and db_query/db_dump read
# it with psql. A check that only means something on a file (PRAGMAs, the
# file's permissions) runs under `on_file`.
if [ -n "${BOXEL_TEST_ON_PG:-}" ]; then
	. "$(dirname "${BASH_SOURCE[0]}")/../pg/cluster.sh"
	: "${PG_CLUSTER_DIR:?BOXEL_TEST_ON_PG needs the cluster of tests/pg/run.sh}"
fi
on_file() { [ -z "${BOXEL_TEST_ON_PG:-}" ]; }
# db_new NAME: a new store's location (the file T_TMP/NAME.db, or a URI).
db_new() { if on_file; then echo "$T_TMP/$1.db"; else pg_new_db; fi; }
# db_query DB SQL: the rows as sqlite3 prints them (columns joined by |).
db_query() {
	case "$1" in
	postgresql://*) pg_psql "$1" -At -c "$2" ;;
	*) sqlite3 "$1" "$2" ;;
	esac
}
# db_dump DB: every row of the store as text, to tell "nothing changed"
# (not PostgreSQL's sequences: a rolled-back insert still used its id).
db_dump() {
	case "$1" in
	postgresql://*) "$PG_CLUSTER_BIN/pg_dump" --data-only --inserts -d "$1" |
			grep -v -e '^--' -e '^\\' -e '^$' -e 'pg_catalog.setval' ;;
	*) sqlite3 "$1" .dump ;;
	esac
}

pass() { T_PASSED=$((T_PASSED + 1)); }
fail() { T_FAILED=$((T_FAILED + 1)); echo "FAIL: $*" >&2; }

# run CMD...: runs it, capturing stdout/stderr/status in $OUT $ERR $RC.
run() {
	OUT=$("$@" 2>"$T_TMP/.stderr"); RC=$?
	ERR=$(cat "$T_TMP/.stderr")
}

# expect_rc N DESC CMD...: run and check the exit status.
expect_rc() {
	local want=$1 desc=$2; shift 2
	run "$@"
	if [ "$RC" -eq "$want" ]; then pass; else
		fail "$desc: exit $RC, expected $want"; echo "  stderr: $ERR" >&2; fi
}

# check DESC TEST...: pass if the test command succeeds.
check() {
	local desc=$1; shift
	if "$@"; then pass; else fail "$desc"; fi
}

contains() { case "$1" in *"$2"*) return 0;; esac; return 1; }
# one_line S: S is exactly one non-empty line.
one_line() { [ -n "$1" ] && [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ]; }
# no_escape S: S contains no ESC or other C0 control except newline/tab.
no_escape() { ! printf '%s' "$1" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; }

# cjget JSON KEY: a string or number field of a flat object such as a
# claim's --json, without starting a python per claim (loops claim often).
cjget() { [[ $1 =~ \"$2\":(\"([^\"]*)\"|([0-9]+)) ]] && echo "${BASH_REMATCH[2]}${BASH_REMATCH[3]}"; }

# tiny_pngs DIR W H NAME...: plain RGB PNGs (a color per name), written with
# Python's zlib, so no image tool is needed.
tiny_pngs() {
	/usr/bin/python3 -c '
import struct, sys, zlib
d, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def chunk(t, b):
    return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
for i, name in enumerate(sys.argv[4:]):
    row = b"\0" + bytes([i * 20 % 256, 90, 140]) * w
    open("%s/%s" % (d, name), "wb").write(b"\x89PNG\r\n\x1a\n" +
        chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
        chunk(b"IDAT", zlib.compress(row * h)) + chunk(b"IEND", b""))' "$@"
}

# sample_images: into $T_TMP (the shell stays there), with img/c.png (the
# sample coffee, 600x400) and img/k.png (chelsea, 451x300); SRC is the
# source tree, PY the system Python (numpy, shapely).
sample_images() {
	SRC=${BOXEL_SOURCE_ROOT:?}
	PY=/usr/bin/python3
	cd "$T_TMP" || exit 2
	mkdir -p img
	cp "$SRC/sample-data/coffee.png" img/c.png
	cp "$SRC/sample-data/chelsea.png" img/k.png
}

finish() {
	echo "$T_PASSED passed, $T_FAILED failed"
	[ "$T_FAILED" -eq 0 ]
	exit $?
}
