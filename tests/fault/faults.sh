# faults.sh: SQLite's discipline for boxel's own write paths. For each of
# queue submit, draft save, import (JSONL, COCO), export (every format:
# files and directories) and store migration, fail the N-th counted I/O call (write,
# pwrite, fsync, fdatasync, rename, creating open, ftruncate; the shim
# tests/fault/fault.c) for N = 1, 2, 3, ... until the operation runs to the
# end without a fault firing; once with ENOSPC on that call alone, once
# with EIO from that call on (a disk that stays broken). After each run:
#   - success (exit 0), or a non-zero exit with exactly one clear line;
#   - the store passes PRAGMA integrity_check;
#   - the operation happened whole or not at all (counted rows), and whole
#     when it said it succeeded; when it failed but happened (a failed sync
#     after the commit frame reached the WAL), the line says it may have;
#   - an export target is complete and valid, or absent; no temporary left;
#   - run again without faults, the same operation succeeds whole (the
#     failure left nothing that blocks a retry).
# The operations start from copies of one prepared store, so every run of
# a sweep starts from the same state.
. "$(dirname "$0")/../cli/lib.sh"

SO=${BOXEL_FAULT_SO:?BOXEL_FAULT_SO must point at the fault shim}
DRV=${BOXEL_FAULT_DRIVER:?BOXEL_FAULT_DRIVER must point at fault-driver}
SRC=${BOXEL_SOURCE_ROOT:?}
PY=/usr/bin/python3
MAXN=${FAULT_MAX_N:-2000}
cd "$T_TMP" || exit 2
export BOXEL_DB=$T_TMP/w.db
q() { sqlite3 -batch "$BOXEL_DB" "$1"; }
jget() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# A sanitizer build's runtime must come first in the preload list.
PRELOAD=$SO
asan=$(ldd "$BOXEL" 2>/dev/null | awk '/libasan/ {print $3}')
[ -n "$asan" ] && PRELOAD="$asan $SO"
# The normal build walks every N; a sanitizer build (there to find memory
# errors on the error paths, each run several times slower) every third,
# which keeps CI's two passes under its time budget. FAULT_STEP overrides.
STEP=${FAULT_STEP:-1}
[ -n "$asan" ] && [ -z "${FAULT_STEP:-}" ] && STEP=3
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0

# faulted SPEC CMD...: run CMD with the shim failing per SPEC; fills OUT, ERR,
# RC (lib.sh's run) and FIRED (1 if the fault fired).
faulted() {
	local spec=$1; shift
	rm -f "$T_TMP/fired"
	run env LD_PRELOAD="$PRELOAD" BOXEL_FAULT="$spec" BOXEL_FAULT_LOG="$T_TMP/fired" "$@"
	if [ -s "$T_TMP/fired" ]; then FIRED=1; else FIRED=0; fi
}

# restore BASE: the working store becomes a copy of the prepared BASE.
restore() {
	rm -f w.db w.db-wal w.db-shm
	cp "$1" w.db
}
# seal DB: checkpoint and drop the WAL so a plain copy is the whole store.
seal() { sqlite3 -batch "$1" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null; rm -f "$1-wal" "$1-shm"; }

# sweep NAME BASE STATE_FN CMD...: the loop described at the top. STATE_FN
# prints "whole", "none" or anything else (a half-done state, reported).
SWEEP_RUNS=0
LATE=
sweep() {
	local name=$1 base=$2 statefn=$3; shift 3
	local spec mode n st bad=0 done base_rc base_err said
	# The operation without faults: its exit and warnings are what a run
	# that went through looks like (a lossy export exits 1 and says what
	# it left out); a faulted run's own line is what it adds to them.
	restore "$base"
	rm -rf out out.json out.tmp.* out.json.tmp.* .out.* 2>/dev/null
	run "$@"
	base_rc=$RC base_err=$ERR
	for mode in ENOSPC EIO:persist; do
		done=0
		for ((n = 1; n <= MAXN; n += STEP)); do
			restore "$base"
			rm -rf out out.json out.tmp.* out.json.tmp.* .out.* 2>/dev/null
			case $mode in
			ENOSPC) spec="any:ENOSPC:$n" ;;
			*) spec="any:EIO:$n:persist" ;;
			esac
			faulted "$spec" "$@"
			SWEEP_RUNS=$((SWEEP_RUNS + 1))
			st=$($statefn)
			local where="$name, $spec (exit $RC)"
			said=$ERR
			[ -n "$base_err" ] && said=$(printf '%s\n' "$ERR" | grep -vxF -f <(printf '%s\n' "$base_err"))
			# Went through as without faults: same exit, same lines.
			[ "$RC" -eq "$base_rc" ] && [ -z "$said" ] && RC=0
			if [ "$RC" -ne 0 ]; then
				if ! one_line "$said" || ! no_escape "$said"; then
					fail "$where: not one clean line on stderr: $(printf '%q' "$said")"; bad=1
				fi
				case $RC in 1|2|3|4) ;; *) fail "$where: exit $RC (a crash?): $ERR"; bad=1 ;; esac
			fi
			if [ "$(sqlite3 -batch "$BOXEL_DB" 'PRAGMA integrity_check' 2>&1)" != ok ]; then
				fail "$where: integrity_check fails"; bad=1
			fi
			if [ "$RC" -eq 0 ] && [ "$st" != whole ]; then
				fail "$where: said it succeeded but the result is '$st'"; bad=1
			elif [ "$st" != whole ] && [ "$st" != none ]; then
				fail "$where: half done: $st; stderr: $ERR"; bad=1
			fi
			# A failure after the commit (the WAL checkpoint at close) leaves
			# the work done and says it failed: a retry then finds it done.
			if [ "$RC" -ne 0 ] && [ "$st" = whole ]; then
				LATE="$LATE
  $where: done, and said: $ERR"
				if ! contains "$ERR" "may have been saved"; then
					fail "$where: done, but said it failed without saying it may have been saved: $ERR"
					bad=1
				fi
			fi
			# Nothing left behind may block doing it again.
			if [ "$st" != whole ]; then
				run "$@"
				if [ "$RC" -ne "$base_rc" ] || [ "$($statefn)" != whole ]; then
					fail "$where: the retry without faults fails (exit $RC, $($statefn)): $ERR"
					bad=1
				fi
			fi
			[ "$bad" -eq 1 ] && break
			if [ "$FIRED" -eq 0 ]; then done=1; break; fi
		done
		[ "$bad" -eq 1 ] && break
		if [ "$done" -eq 1 ]; then
			pass
			echo "faults: $name, $mode: each of $((n - 1)) I/O calls failed in turn; nothing half-written"
		else
			fail "$name, $mode: still faulting after $MAXN calls"
		fi
	done
	[ "$bad" -eq 1 ] && echo "faults: $name: stopped at the first finding" >&2
}

# --- the prepared project: 3 tasks (sample images), alice and bob, a batch
mkdir -p img
cp "$SRC"/sample-data/*.png "$SRC"/sample-data/*.jpg img/
"$BOXEL" init --db base.db --images img --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null ||
	{ echo "faults: init failed"; exit 2; }
BOXEL_DB=base.db "$BOXEL" import img >/dev/null
for u in alice bob; do BOXEL_DB=base.db "$BOXEL" user add $u --role annotator >/dev/null; done
BOXEL_DB=base.db "$BOXEL" batch create b --kind production --overlap 1 >/dev/null
NTASKS=$(sqlite3 base.db 'SELECT count(*) FROM tasks')
check "the base project has tasks" test "$NTASKS" -ge 3

# submit: alice holds a lease; the base store is copied, so her token stays good.
cp base.db claimed.db
A=$(BOXEL_DB=claimed.db "$BOXEL" queue claim --user alice --json)
J=$(jget "$A" judgment); TOK=$(jget "$A" token)
seal claimed.db
cat > answer.json <<'JSON'
{"annotations": [{"class": "cat", "box": [10, 10, 50, 40], "attributes": {"pose": "sitting"}},
                 {"class": "plume", "polygon": [[1, 1], [20, 1], [10, 30]]}],
 "global": {"scene": "indoor"}}
JSON
submit_state() {
	local s a
	s=$(q "SELECT state FROM judgments WHERE id = $J")
	a=$(q "SELECT count(*) FROM annotations WHERE judgment = $J")
	if [ "$s" = submitted ] && [ "$a" = 2 ]; then echo whole
	elif [ "$s" = leased ] && [ "$a" = 0 ]; then echo none
	else echo "state $s with $a annotations"; fi
}
sweep "queue submit" claimed.db submit_state \
	"$BOXEL" queue submit --user alice --judgment "$J" --token "$TOK" answer.json

# draft save (the labeling view's bx_session_save), after alice's claim.
draft_state() {
	local d j
	d=$(q "SELECT count(*) FROM drafts WHERE judgment = $J")
	j=$(q "SELECT count(*) FROM journal WHERE judgment = $J")
	if [ "$d" = 1 ] && [ "$j" = 1 ]; then echo whole
	elif [ "$d" = 0 ] && [ "$j" = 0 ]; then echo none
	else echo "$d drafts, $j journal entries"; fi
}
sweep "draft save" claimed.db draft_state "$DRV" draft "$BOXEL_DB" alice

# import JSONL: three new images (copies under new names) in one run.
for k in 1 2 3; do cp img/coffee.png "img/new$k.png"; done
printf '{"image": "new1.png"}\n{"image": "new2.png", "meta": {"k": 2}}\n{"image": "new3.png"}\n' >new.jsonl
seal base.db
import_state() {
	local n
	n=$(q "SELECT count(*) FROM tasks")
	if [ "$n" = $((NTASKS + 3)) ]; then echo whole
	elif [ "$n" = "$NTASKS" ]; then echo none
	else echo "$((n - NTASKS)) of 3 tasks"; fi
}
sweep "import jsonl" base.db import_state "$BOXEL" import new.jsonl

# import COCO as gold: the answers arrive with their tasks or not at all.
coco_state() {
	local g
	g=$(q "SELECT count(*) FROM gold")
	if [ "$g" -ge 2 ]; then echo whole
	elif [ "$g" = 0 ]; then echo none
	else echo "$g gold answers"; fi
}
sweep "import coco" base.db coco_state "$BOXEL" import --as gold "$SRC/tests/data/formats/coco-gt.json"

# exports, from a store with alice's submitted answer.
cp claimed.db submitted.db
BOXEL_DB=submitted.db "$BOXEL" queue submit --user alice --judgment "$J" --token "$TOK" answer.json >/dev/null
seal submitted.db
leftovers() { ls -a | grep -E '^(\.?out.*tmp|\.out)' ; }
file_state() {
	local left
	left=$(leftovers)
	if [ -n "$left" ]; then echo "temporary left: $left"
	elif [ ! -e out.json ]; then echo none
	elif $PY -c 'import json,sys; d=json.load(open("out.json")); sys.exit(0 if len(d["images"]) == int(sys.argv[1]) and len(d["annotations"]) == 2 else 1)' "$NTASKS" 2>/dev/null; then
		echo whole
	else echo "out.json incomplete"; fi
}
sweep "export coco" submitted.db file_state "$BOXEL" export --format coco out.json
dir_state() {
	local left n
	left=$(leftovers)
	if [ -n "$left" ]; then echo "temporary left: $left"; return; fi
	if [ ! -e out ]; then echo none; return; fi
	n=$(find out/labels -name '*.txt' 2>/dev/null | wc -l)
	if [ -s out/data.yaml ] && [ "$n" = "$NTASKS" ] && [ "$(cat out/labels/train/*.txt | wc -l)" = 2 ] &&
	   [ "$(wc -l <out/images.txt)" = "$NTASKS" ]; then echo whole
	else echo "out/ incomplete"; fi
}
sweep "export yolo" submitted.db dir_state "$BOXEL" export --format yolo out

# The other formats: whole means the same bytes as an export without
# faults (exports are deterministic), so a torn file or directory shows.
restore submitted.db
for f in voc labelstudio scale jsonl; do
	rm -rf "ref.$f"
	BOXEL_DB=w.db "$BOXEL" export --format "$f" "ref.$f" >/dev/null || { echo "faults: export $f failed"; exit 2; }
done
same_state() { # same_state REF
	local left
	left=$(leftovers)
	if [ -n "$left" ]; then echo "temporary left: $left"
	elif [ ! -e out ]; then echo none
	elif diff -r "$1" out >/dev/null 2>&1; then echo whole
	else echo "out differs from a fault-free export"; fi
}
voc_state() { same_state ref.voc; }
ls_state() { same_state ref.labelstudio; }
scale_state() { same_state ref.scale; }
jsonl_state() { same_state ref.jsonl; }
sweep "export voc" submitted.db voc_state "$BOXEL" export --format voc out
sweep "export labelstudio" submitted.db ls_state "$BOXEL" export --format labelstudio out
sweep "export scale" submitted.db scale_state "$BOXEL" export --format scale out
sweep "export jsonl" submitted.db jsonl_state "$BOXEL" export --format jsonl out

# migration: a version-1 store with rows, opened by `init --force` with
# nothing to change, which writes only the migration (a reading command
# opens the store read-only and refuses to migrate it).
"$DRV" old-store v1.db 1 || exit 2
sqlite3 v1.db "INSERT INTO tasks(id, image, width, height, created_ms) VALUES (1, 'a.jpg', 10, 10, 0), (2, 'b.jpg', 10, 10, 0);
INSERT INTO gold(task, answer) VALUES (2, '{\"annotations\":[]}');
INSERT INTO batches(id, name, kind, overlap, created_ms) VALUES (1, 'b', 'production', 2, 0);
INSERT INTO batch_tasks VALUES (1, 1), (1, 2);
INSERT INTO judgments(task, batch, replica) VALUES (1,1,0), (1,1,1), (2,1,0), (2,1,1);"
seal v1.db
LATEST=$(sqlite3 base.db 'PRAGMA user_version')
ROWS='SELECT (SELECT count(*) FROM tasks) || "/" || (SELECT count(*) FROM judgments) || "/" || (SELECT count(*) FROM gold)'
# What a clean migration leaves (a migration may rewrite rows: 7 drops
# the ownerless judgments of gold tasks, gold being each labeler's own).
cp v1.db clean.db
"$BOXEL" --db clean.db init --force >/dev/null 2>&1 || exit 2
MIGRATED=$(sqlite3 clean.db "$ROWS")
rm -f clean.db clean.db-wal clean.db-shm
migrate_state() {
	local v rows
	v=$(q 'PRAGMA user_version')
	rows=$(q "$ROWS")
	if [ "$v" = "$LATEST" ] && [ "$rows" = "$MIGRATED" ]; then echo whole
	elif [ "$v" = 1 ] && [ "$rows" = 2/4/1 ]; then echo none
	else echo "version $v, rows $rows"; fi
}
sweep "migration 1 -> $LATEST" v1.db migrate_state "$BOXEL" init --force

echo "faults: $SWEEP_RUNS faulted runs (N in steps of $STEP)"
[ -n "$LATE" ] && echo "faults: failed after the operation was committed:$LATE"
finish
