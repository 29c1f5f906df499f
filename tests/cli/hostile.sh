# hostile.sh: faults and hostile inputs around the store's commands (issue
# 12): UTF-16 files given to init, a decimal-comma locale, a damaged schema
# version, read-only stores, concurrent init, import atomicity. Each refusal
# is one clear line, a non-zero exit, no crash and nothing half written.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
BAD=$SRC/tests/data/bad
PY=/usr/bin/python3
cd "$T_TMP" || exit 2
mkdir img
cp "$SRC"/sample-data/chelsea.png "$SRC"/sample-data/coffee.png img/
# crashed RC: the exit status of a process killed by a signal (abort, segv)
crashed() { [ "$1" -ge 128 ]; }

# --- init with a UTF-16 file (a NUL byte in text) used to double-free
for f in instructions-utf16-double-free.md taxonomy-utf16-double-free.json; do
	case $f in instructions*) opt=--instructions; what=instructions;; *) opt=--taxonomy; what=taxonomy;; esac
	expect_rc 2 "init $f refused" "$BOXEL" init --db u.db --images img "$opt" "$BAD/$f"
	check "$f: no crash" test "$RC" -lt 128
	check "$f: one line" one_line "$ERR"
	check "$f: says what and why" contains "$ERR" "$what $BAD/$f: contains a NUL byte (UTF-16? save as UTF-8)"
	check "$f: no store left" test ! -e u.db
done

finish
