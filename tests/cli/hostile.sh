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

# --- numbers are C-locale under a decimal-comma locale (de_DE.UTF-8)
# The locale is compiled into the test's own directory (LOCPATH), so no
# root is needed; only without the locale sources is this skipped.
mkdir loc
if localedef -i de_DE -f UTF-8 loc/de_DE.UTF-8 >/dev/null 2>&1 &&
    LOCPATH=$T_TMP/loc LC_ALL=de_DE.UTF-8 $PY -c 'import locale; locale.setlocale(locale.LC_ALL, ""); assert locale.localeconv()["decimal_point"] == ","'; then
	de() { LOCPATH=$T_TMP/loc LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 "$@"; }
	"$BOXEL" init --db de.db --images img --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
	"$BOXEL" import --db de.db img >/dev/null
	printf '%s\n' '{"image": "chelsea.png", "answer": {"annotations": [{"class": "cat", "box": [5.5, 10.25, 100.5, 50]}], "global": {"scene": "indoor"}}}' > de.jsonl
	"$BOXEL" import --db de.db --as accepted de.jsonl >/dev/null
	expect_rc 1 "de_DE: export yolo (attributes left out: exit 1)" de "$BOXEL" export --db de.db --format yolo de.yolo
	check "de_DE: yolo numbers have a decimal point" grep -q '^0 0\.[0-9]* 0\.[0-9]* 0\.[0-9]* 0\.[0-9]*$' de.yolo/labels/train/chelsea.txt
	check "de_DE: no decimal comma in any label file" test -z "$(grep -rl , de.yolo/labels)"
	expect_rc 0 "de_DE: export coco" de "$BOXEL" export --db de.db --format coco de.coco.json
	check "de_DE: coco is JSON with the exact box" $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["annotations"][0]["bbox"] == [5.5, 10.25, 100.5, 50]' de.coco.json
	expect_rc 0 "de_DE: score --iou 0.75 accepted" de "$BOXEL" score --iou 0.75 "$BOXEL_TEST_DATA/score/gold.json" "$BOXEL_TEST_DATA/score/labels.json"
	expect_rc 0 "de_DE: config set iou_threshold 0.75" de "$BOXEL" config --db de.db set iou_threshold 0.75
	check "de_DE: stored with a point" test "$(sqlite3 de.db "SELECT value FROM settings WHERE key = 'iou_threshold'")" = 0.75
	expect_rc 0 "de_DE: stats --json" de "$BOXEL" stats --db de.db --json
	check "de_DE: stats JSON parses" $PY -c 'import json,sys; json.loads(sys.argv[1])' "$OUT"
else
	echo "skipped: de_DE.UTF-8 cannot be made here (localedef or the locales package missing)"
fi

# --- a negative schema version used to index migrations[-1]
"$BOXEL" init --db neg.db --images img >/dev/null
sqlite3 neg.db 'PRAGMA user_version = -1'
for c in "stats" "user list" "user add zed --role annotator" "config set quorum 3"; do
	expect_rc 2 "version -1: $c refused" "$BOXEL" $c --db neg.db
	check "version -1: $c: no crash" test "$RC" -lt 128
	check "version -1: $c: one line naming the file" test "$ERR" = "boxel: neg.db: schema version -1 is not one boxel ever wrote (damaged store? restore a backup)"
done
check "version -1 left alone" test "$(sqlite3 neg.db 'PRAGMA user_version')" = -1

# --- read-only stores: reading commands work, writing ones say why
# As root permissions do not bind, so the commands then run as nobody.
ro_ok=1
if [ "$(id -u)" = 0 ]; then
	if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
		asu() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }
		give() { chown -R nobody "$@"; }
		chmod 755 "$T_TMP"
	else
		ro_ok=0
	fi
else
	asu() { "$@"; }
	give() { :; }
fi
if [ $ro_ok = 1 ]; then
	mkdir rostore
	"$BOXEL" init --db rostore/r.db --images img --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
	"$BOXEL" import --db rostore/r.db img >/dev/null
	"$BOXEL" user add ann --role annotator --db rostore/r.db >/dev/null
	"$BOXEL" batch create b1 --kind calibration --overlap 2 --db rostore/r.db >/dev/null
	printf '%s\n' '{"image": "chelsea.png", "answer": {"annotations": [{"class": "cat", "box": [5, 10, 100, 50]}], "global": {"scene": "indoor"}}}' > acc.jsonl
	"$BOXEL" import --db rostore/r.db --as accepted acc.jsonl >/dev/null
	mkdir out; give rostore out
	for mode in file dir; do
		if [ $mode = file ]; then chmod 444 rostore/r.db; else chmod 644 rostore/r.db; chmod 555 rostore; fi
		before=$(sqlite3 rostore/r.db .dump)
		for c in "stats" "stats --json" "user list" "user show ann" "config list" "config get quorum" \
		    "review list" "batch list" "batch show b1" "report calibration b1" \
		    "export --format coco out/$mode.json"; do
			expect_rc 0 "read-only $mode: $c works" asu "$BOXEL" $c --db rostore/r.db
		done
		check "read-only $mode: export wrote its file" test -s out/$mode.json
		check "read-only $mode: the accepted box exported" grep -q '"bbox":\[5,10,100,50\]' out/$mode.json
		for c in "user add zed --role annotator" "config set quorum 3" "batch create b2 --kind production" \
		    "queue claim --user ann"; do
			expect_rc 2 "read-only $mode: $c refused" asu "$BOXEL" $c --db rostore/r.db
			check "read-only $mode: $c: one line" one_line "$ERR"
			check "read-only $mode: $c: names the file and why" contains "$ERR" "rostore/r.db: "
			check "read-only $mode: $c: says read-only" contains "$ERR" "the store is read-only here"
		done
		check "read-only $mode: nothing changed" test "$before" = "$(sqlite3 rostore/r.db .dump)"
		chmod 755 rostore; chmod 644 rostore/r.db
	done
else
	echo "skipped: read-only store checks (running as root without setpriv/nobody)"
fi

# --- two init at once on one path: exactly one creates it
# A large taxonomy (300,000 options, 3 MB) keeps both between their check
# that the file is missing and their open for a while, as a slow disk would.
$PY -c '
import json, sys
t = json.load(open(sys.argv[1]))
t["classes"][0]["attributes"][2]["options"] = ["o%d" % i for i in range(300000)]
json.dump(t, open("big.json", "w"))' "$SRC/sample-data/taxonomy.json"
for i in 1 2 3; do
	rm -f race.db race.db-wal race.db-shm race.db-gate
	"$BOXEL" init --db race.db --images img --taxonomy big.json >r1.out 2>r1.err & p1=$!
	"$BOXEL" init --db race.db --images img --taxonomy big.json >r2.out 2>r2.err & p2=$!
	wait $p1; rc1=$?; wait $p2; rc2=$?
	check "race $i: one init succeeds, one refuses ($rc1, $rc2)" test $((rc1 + rc2)) = 2 -a $((rc1 * rc2)) = 0
	check "race $i: exactly one says created" test "$(cat r1.out r2.out | grep -c '^created race.db')" = 1
	check "race $i: the other says it exists" grep -q "race.db already exists" r1.err r2.err
	check "race $i: the store is sound" test "$(sqlite3 race.db 'PRAGMA integrity_check')" = ok
	expect_rc 0 "race $i: the store opens" "$BOXEL" config get image_root --db race.db
done

# --- init --force --taxonomy must not drop classes still in use
"$BOXEL" init --db drop.db --images img --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
"$BOXEL" import --db drop.db img >/dev/null
# without_class NAME OUT: the sample taxonomy minus one class
without_class() {
	$PY -c '
import json, sys
t = json.load(open(sys.argv[1]))
t["classes"] = [c for c in t["classes"] if c["name"] != sys.argv[2]]
json.dump(t, open(sys.argv[3], "w"))' "$SRC/sample-data/taxonomy.json" "$1" "$2"
}
without_class rocket no-rocket.json
without_class cat no-cat.json
without_class face no-face.json
printf '%s\n' '{"image": "coffee.png", "answer": {"annotations": [{"class": "rocket", "box": [1, 1, 10, 10]}]}}' > gold.jsonl
"$BOXEL" import --db drop.db --as gold gold.jsonl >/dev/null
check "a gold rocket is stored" test "$(sqlite3 drop.db "SELECT count(*) FROM gold")" = 1
"$BOXEL" user add ann --role annotator --db drop.db >/dev/null
"$BOXEL" batch create b --kind production --db drop.db >/dev/null
C=$("$BOXEL" queue claim --user ann --json --db drop.db)
J=$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["judgment"])' "$C")
sqlite3 drop.db "INSERT INTO drafts(judgment, labeler, state, updated_ms) VALUES ($J, (SELECT id FROM users WHERE name = 'ann'), '{\"version\":1,\"answer\":{\"annotations\":[{\"class\":\"cat\",\"box\":[1,1,5,5]}],\"global\":{}}}', 1)"
before=$(sqlite3 drop.db .dump)
expect_rc 2 "dropping a class gold uses is refused" "$BOXEL" init --db drop.db --force --images img --taxonomy no-rocket.json
check "names the class and the use" contains "$ERR" "taxonomy no-rocket.json: the new taxonomy drops class \"rocket\", which objects still use (1 gold answer)"
check "one line" one_line "$ERR"
expect_rc 2 "dropping a class a draft uses is refused" "$BOXEL" init --db drop.db --force --taxonomy no-cat.json
check "names the draft" contains "$ERR" "drops class \"cat\", which objects still use (1 draft)"
check "nothing changed (not even the image root)" test "$before" = "$(sqlite3 drop.db .dump)"
expect_rc 0 "dropping an unused class is fine" "$BOXEL" init --db drop.db --force --taxonomy no-face.json
check "the new taxonomy is in place" test "$(sqlite3 drop.db "SELECT instr(value, '\"face\"') > 0, instr(value, '\"rocket\"') > 0 FROM settings WHERE key = 'taxonomy'")" = "0|1"

# --- import: a refused jsonl line writes neither its task nor its labeler
mkdir imgb
cp img/*.png imgb/
cp img/chelsea.png imgb/first.png
"$BOXEL" init --db imp.db --images imgb --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
printf '%s\n' '{"image": "first.png"}' > first.jsonl
"$BOXEL" import --db imp.db first.jsonl >/dev/null
"$BOXEL" batch create p --kind production --overlap 2 --db imp.db >/dev/null
check "batch p exists" test "$(sqlite3 imp.db "SELECT kind FROM batches WHERE name = 'p'")" = production
# a new labeler's judgment in a batch the store and the line lack
printf '%s\n' '{"image":"chelsea.png","judgments":[{"labeler":"newbie","state":"submitted","annotations":[{"box":[1,2,30,40],"class":"cup"}],"global":{"scene":"indoor"},"seconds":3,"batch":"q","replica":0}]}' > nobatch.jsonl
# a good judgment of a new labeler, then one whose labeler name is invalid
printf '%s\n' '{"image":"coffee.png","judgments":[{"labeler":"newbie2","state":"submitted","annotations":[{"box":[1,2,30,40],"class":"cup"}],"global":{"scene":"indoor"},"seconds":3,"batch":"p","replica":0},{"labeler":"bad name!","state":"submitted","annotations":[{"box":[1,2,30,40],"class":"cup"}],"global":{"scene":"indoor"},"seconds":3,"batch":"p","replica":1}]}' > badname.jsonl
before=$(sqlite3 imp.db .dump)
expect_rc 1 "a line naming a missing batch is refused" "$BOXEL" import --db imp.db nobatch.jsonl
check "the batch is named" contains "$ERR" "nobatch.jsonl:1: judgments[0]: no batch q"
check "summary: nothing imported" contains "$OUT" "imported 0 tasks (0 new), 1 item failed"
expect_rc 1 "a line with an invalid labeler name is refused" "$BOXEL" import --db imp.db badname.jsonl
check "the labeler is named" contains "$ERR" "badname.jsonl:1: "
check "why" contains "$ERR" "user name must be"
check "no task, user, judgment or event written" test "$before" = "$(sqlite3 imp.db .dump)"

# --- every import that committed rows leaves an event, even when killed
mkdir many
$PY -c '
import shutil, sys
for i in range(6000):
    shutil.copyfile(sys.argv[1], "many/%05d.png" % i)' "$SRC/tests/data/png-gray1.png"
"$BOXEL" init --db kill.db --images many >/dev/null
"$BOXEL" import --db kill.db many >/dev/null 2>&1 & pid=$!
# wait until the first chunk of rows is committed (or the import is done)
while kill -0 $pid 2>/dev/null && [ "$(sqlite3 kill.db 'SELECT count(*) FROM tasks' 2>/dev/null || echo 0)" = 0 ]; do
	sleep 0.05
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
check "rows were committed" test "$(sqlite3 kill.db 'SELECT count(*) FROM tasks')" -gt 0
check "the store is sound" test "$(sqlite3 kill.db 'PRAGMA integrity_check')" = ok
check "an import_begin event names the run" test "$(sqlite3 kill.db "SELECT count(*) FROM events WHERE what = 'import_begin' AND json_extract(detail, '\$.paths[0]') = 'many'")" = 1
check "import_begin came with the first rows" test "$(sqlite3 kill.db "SELECT actor IS NOT NULL FROM events WHERE what = 'import_begin'")" = 1
# The kill may come after the first run finished (a loaded machine): then it
# has its closing event too.
first=$(sqlite3 kill.db "SELECT group_concat(what) FROM (SELECT what FROM events WHERE what LIKE 'import%' ORDER BY id)")
"$BOXEL" import --db kill.db many >/dev/null 2>&1
check "a finished run has both events" test "$(sqlite3 kill.db "SELECT group_concat(what) FROM (SELECT what FROM events WHERE what LIKE 'import%' ORDER BY id)")" = "$first,import_begin,import"
check "the killed run left its import_begin" contains "$first" "import_begin"

# --- a terminal that cannot address the cursor is refused, not drawn on
# in_pty TERM CMD...: run CMD on a fresh pseudo-terminal with that TERM (a
# screen that waits for keys is stopped after 30 s: only a hang guard);
# its output (stdout and stderr, one stream) in $OUT, its status in $RC.
in_pty() {
	OUT=$(TERM=$1 timeout 30 $PY - "${@:2}" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        b = os.read(fd, 65536)
    except OSError:
        break
    if not b:
        break
    out += b
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(st))
PY
); RC=$?
}
"$BOXEL" init --db term.db --images img --taxonomy "$SRC/sample-data/taxonomy.json" >/dev/null
"$BOXEL" import --db term.db img >/dev/null
"$BOXEL" user add ann --role annotator --db term.db >/dev/null
"$BOXEL" user add rev --role reviewer --db term.db >/dev/null
"$BOXEL" batch create b --kind production --db term.db >/dev/null
for c in "label --user ann" "review --user rev" "admin"; do
	in_pty dumb "$BOXEL" $c --db term.db
	check "TERM=dumb: $c refused (exit $RC)" test "$RC" = 2
	check "TERM=dumb: $c says why in one line" test "$(printf '%s' "$OUT" | tr -d '\r')" = "boxel: ${c%% *}: terminal type 'dumb' cannot move the cursor; run boxel in an xterm-compatible terminal (TERM=xterm-256color, screen, tmux-256color)"
	check "TERM=dumb: $c drew nothing" no_escape "$(printf '%s' "$OUT" | tr -d '\r\n')"
done
check "TERM=dumb: no task was claimed" test "$(sqlite3 term.db "SELECT count(*) FROM judgments WHERE state = 'leased'")" = 0
in_pty no-such-terminal "$BOXEL" admin --db term.db
check "unknown TERM refused (exit $RC)" test "$RC" = 2
check "unknown TERM named" contains "$OUT" "terminal type 'no-such-terminal' is unknown to terminfo"

finish
