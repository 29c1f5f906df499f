# output.sh: export writes where the user points: "-" is stdout, a device,
# FIFO or symlink is written through (never renamed over), temporaries a
# killed export left behind are removed, and options may come before the
# command word.
. "$(dirname "$0")/lib.sh"

SRC=${BOXEL_SOURCE_ROOT:?}
cd "$T_TMP" || exit 2
mkdir img
cp "$SRC"/sample-data/*.png "$SRC"/sample-data/*.jpg img/

# --- options before the command word ---
expect_rc 0 "boxel --db X init" "$BOXEL" --db a.db init --images img --taxonomy "$SRC/sample-data/taxonomy.json"
check "the store is where --db said" test -f a.db
check "no default store made" test ! -e boxel.db
expect_rc 0 "boxel --db=X import" "$BOXEL" --db=a.db import img
expect_rc 0 "accepted answers" "$BOXEL" --db a.db import --as accepted "$SRC/tests/data/formats/accepted.jsonl"
expect_rc 2 "an option the command does not take is refused" "$BOXEL" --db a.db --no-such export --format coco x.json
check "no file for a refused command" test ! -e x.json

# --- "-" is stdout ---
expect_rc 0 "coco to -" "$BOXEL" --db a.db export --format coco -
check "no file named -" test ! -e ./-
check "stdout is the COCO document" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert len(d["images"])==4 and len(d["annotations"]) + sum(len(i.get("points", [])) for i in d["images"])==5' "$OUT"
check "the summary goes to stderr" contains "$ERR" "exported 4 tasks (3 with an accepted answer) as coco to stdout"
"$BOXEL" --db a.db export --format coco - 2>/dev/null | /usr/bin/python3 -m json.tool >pretty.json
check "export - | python3 -m json.tool" test "${PIPESTATUS[0]}${PIPESTATUS[1]}" = 00
check "json.tool printed the categories" grep -q '"name": "plume"' pretty.json
expect_rc 0 "jsonl to -" "$BOXEL" --db a.db export --format jsonl -
check "jsonl on stdout, one line per task" test "$(printf '%s\n' "$OUT" | wc -l)" -eq 4
expect_rc 2 "yolo to - is refused" "$BOXEL" --db a.db export --format yolo -
check "one line saying why" one_line "$ERR"
check "the line names the directory" contains "$ERR" "yolo writes a directory"

# --- a symlink is followed, the link stays ---
echo old > target.json
ln -s target.json link.json
expect_rc 0 "export to a symlink" "$BOXEL" --db a.db export --format scale link.json
check "the link is still a link" test -L link.json
check "its target got the export" /usr/bin/python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1])))==4' target.json
mkdir realdir && ln -s realdir dirlink
expect_rc 1 "voc (lossy: exit 1) to a symlink to a directory" "$BOXEL" --db a.db export --format voc dirlink
check "the directory link is still a link" test -L dirlink
check "the export is in the directory it points at" test -f realdir/Annotations/chelsea.xml

# --- a FIFO is written through ---
mkfifo pipe
cat pipe > fromfifo.json &
reader=$!
expect_rc 0 "export to a FIFO" "$BOXEL" --db a.db export --format coco pipe
wait "$reader"
check "still a FIFO" test -p pipe
check "the reader got the export" /usr/bin/python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["images"])==4' fromfifo.json

# --- /dev/null stays a device (the test may run as root) ---
expect_rc 0 "export to /dev/null" "$BOXEL" --db a.db export --format labelstudio /dev/null
check "/dev/null is still a character device" test "$(stat -c %F /dev/null)" = "character special file"

# --- a directory is not a one-file target ---
mkdir adir
expect_rc 2 "coco onto a directory" "$BOXEL" --db a.db export --format coco adir
check "one line" one_line "$ERR"
check "the directory is untouched" test -d adir

# --- temporaries of a killed export are removed ---
# A PID that cannot be running: above the kernel's pid_max.
dead=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))
mkdir -p "out.yolo.tmp.$dead/labels" && touch "out.yolo.tmp.$dead/labels/a.txt"
touch "one.json.tmp.$dead" "one.json.tmp.$$x"
sleep 1000 & alive=$!
mkdir "out.yolo.tmp.$alive"
expect_rc 1 "yolo export (lossy: exit 1)" "$BOXEL" --db a.db export --format yolo out.yolo
check "a dead export's directory is gone" test ! -e "out.yolo.tmp.$dead"
check "a live process's temporary is kept" test -d "out.yolo.tmp.$alive"
kill "$alive"
expect_rc 0 "coco export" "$BOXEL" --db a.db export --format coco one.json
check "a dead export's file is gone" test ! -e "one.json.tmp.$dead"
check "a name that is not OUT.tmp.PID is kept" test -e "one.json.tmp.$$x"

# --- --json summaries ---
expect_rc 0 "export --json" "$BOXEL" --db a.db export --json --format coco j.json
check "export summary is JSON" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d=={"tasks":4,"accepted":3,"left_out":0,"format":"coco","out":"j.json"}, d' "$OUT"
expect_rc 1 "a lossy export --json: exit 1" "$BOXEL" --db a.db export --json --format voc jv
check "its summary counts what was left out" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["left_out"] > 0 and d["format"] == "voc", d' "$OUT"
expect_rc 0 "import --json" "$BOXEL" --db a.db import --json img
check "import summary is JSON" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["tasks"]==4 and d["new"]==0 and d["failed"]==0, d' "$OUT"

# --- file names that are not UTF-8: refused at import and at export ---
mkdir u
cp img/coffee.png u/ok.png
cp img/coffee.png "u/caf$(printf '\351').png"
expect_rc 0 "a store for u" "$BOXEL" init --db u.db --images u
expect_rc 1 "import of a folder with a Latin-1 name" "$BOXEL" import --db u.db u
check "one line for it" one_line "$ERR"
check "it says why" contains "$ERR" "image path is not valid UTF-8"
check "the other image went in" contains "$OUT" "imported 1 task (1 new), 1 item failed"
# a store from before that check: the name put in by SQL
sqlite3 u.db "UPDATE tasks SET image = CAST(X'636166E92E706E67' AS TEXT)"
expect_rc 2 "export of a store holding one refuses" "$BOXEL" export --db u.db --format coco u.json
check "one line naming the task" contains "$ERR" "task 1: its image path is not valid UTF-8"
check "nothing written" test ! -e u.json
expect_rc 2 "jsonl refuses it too" "$BOXEL" export --db u.db --format jsonl -
check "nothing on stdout" test -z "$OUT"

finish
