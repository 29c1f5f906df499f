# tests/pg/copy.sh: `boxel store copy` (run by tests/pg/run.sh, which
# exports BOXEL_TEST_PG and the cluster helpers). A project with something
# in every table goes SQLite -> PostgreSQL -> SQLite; the first and last
# files must export the same JSONL byte for byte and hold the same rows in
# every table, value and type. Labeling goes on in the PostgreSQL copy with
# fresh ids. A refused copy leaves its target without data.
set -u
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/cluster.sh"
: "${BOXEL_TEST_PG:?run through tests/pg/run.sh}"
SRC=$BOXEL_SOURCE_ROOT/sample-data
A=$T_TMP/a.db
PY=/usr/bin/python3
# jget JSON KEY: a number or plain string of queue claim --json's one-line
# object (no escapes in the values this test reads).
jget() { [[ $1 =~ \"$2\":\"?([^\",}]*) ]] && echo "${BASH_REMATCH[1]}"; }
# dump FILE: every row of every table of a SQLite file, sorted, each value
# with its type (1, 1.0 and '1' differ).
dump() {
	$PY - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (t,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"):
    rows = sorted(db.execute("SELECT * FROM \"%s\"" % t).fetchall(), key=repr)
    print(t, len(rows))
    for r in rows:
        print(" ", repr(r))
PY
}
rows() { pg_psql "$1" -At -c "SELECT count(*) FROM $2"; }

cat >"$T_TMP/cat.json" <<'J'
{"annotations":[{"class":"cat","box":[10,12,50,40],"attributes":{"pose":"lying"}}],"global":{"scene":"indoor"}}
J
cat >"$T_TMP/fix.json" <<'J'
{"annotations":[{"class":"cat","box":[11,12,49.25,40.5],"attributes":{"pose":"sitting"}}],"global":{"scene":"indoor"}}
J
ssh-keygen -q -N '' -C ann@example -f "$T_TMP/ann" 2>/dev/null || true

# --- a project with something in every table
export BOXEL_DB=$A
expect_rc 0 "init" "$BOXEL" init --images "$SRC" --taxonomy "$SRC/taxonomy.json"
expect_rc 0 "serve_order import" "$BOXEL" config set serve_order import
expect_rc 0 "a setting" "$BOXEL" config set iou_threshold 0.625
expect_rc 0 "import" "$BOXEL" import "$SRC"
cat >"$T_TMP/sug.jsonl" <<'J'
{"image":"coffee.png","answer":{"annotations":[{"class":"cup","box":[1,2,30,40],"score":0.875}]}}
J
expect_rc 0 "suggestions" "$BOXEL" import --as suggestions --format jsonl "$T_TMP/sug.jsonl"
for u in ann bob cid; do expect_rc 0 "user $u" "$BOXEL" user add $u --role annotator; done
[ -f "$T_TMP/ann.pub" ] && expect_rc 0 "ann's key" "$BOXEL" user key ann "$T_TMP/ann.pub"
expect_rc 0 "reviewer" "$BOXEL" user add rev --role reviewer
expect_rc 0 "batch" "$BOXEL" batch create b1 --kind production --overlap 2 --tasks all
declare -a J
for u in ann bob ann bob ann bob; do
	run "$BOXEL" queue claim --user $u --json
	[ "$RC" -eq 0 ] || continue
	jid=$(jget "$OUT" judgment)
	J+=("$jid")
	expect_rc 0 "$u submits $jid" "$BOXEL" queue submit --user $u --judgment "$jid" \
		--token "$(jget "$OUT" token)" --seconds 7.5 "$T_TMP/cat.json"
done
check "six judgments submitted" test "${#J[@]}" -eq 6
expect_rc 0 "accept" env BOXEL_ACTOR=rev "$BOXEL" review accept "${J[0]}" --user rev --comment ok
expect_rc 0 "fix" env BOXEL_ACTOR=rev "$BOXEL" review fix "${J[1]}" "$T_TMP/fix.json" --user rev
expect_rc 0 "reject" env BOXEL_ACTOR=rev "$BOXEL" review reject "${J[2]}" --user rev --comment redo
expect_rc 0 "Dawid-Skene's answers kept" "$BOXEL" consensus --batch b1
expect_rc 0 "promote to gold" "$BOXEL" gold promote "${J[0]}"
expect_rc 0 "a gold-only batch first" "$BOXEL" batch create g1 --kind calibration \
	--gold-rate 1 --priority 5 --tasks all
run "$BOXEL" queue claim --user cid --json
expect_rc 0 "cid submits on gold" "$BOXEL" queue submit --user cid --judgment \
	"$(jget "$OUT" judgment)" --token "$(jget "$OUT" token)" "$T_TMP/fix.json"
run "$BOXEL" queue claim --user cid --json
check "cid holds a lease" test "$RC" -eq 0
lease=$(jget "$OUT" judgment)
run "$BOXEL" queue claim --user bob --json
[ "$RC" -eq 0 ] && expect_rc 0 "bob skips" "$BOXEL" queue skip --user bob \
	--judgment "$(jget "$OUT" judgment)" --token "$(jget "$OUT" token)" --reason blurry
# Drafts and their journal are written only by the label screen: put one
# in by SQL, as that screen would leave it mid-work.
sqlite3 "$A" "INSERT INTO drafts VALUES ($lease, (SELECT id FROM users WHERE name='cid'),
	'{\"v\":1}', 1767225600000); INSERT INTO journal VALUES ($lease, 1, '{\"op\":\"add\"}')"
expect_rc 0 "user disable" "$BOXEL" user disable bob
dump "$A" >"$T_TMP/a.dump"
for t in settings users tasks batches batch_tasks gold judgments drafts journal annotations \
	task_answers reviews gold_scores task_consensus ds_answers events; do
	check "the project has rows in $t" grep -Eq "^$t [1-9]" "$T_TMP/a.dump"
done
unset BOXEL_DB

# --- SQLite -> PostgreSQL -> SQLite
PG=$(pg_new_db)
expect_rc 0 "copy the file into PostgreSQL" "$BOXEL" store copy "$A" "$PG"
check "... says what it copied" contains "$OUT" "in 16 tables"
expect_rc 0 "copy PostgreSQL into a new file" "$BOXEL" store copy "$PG" "$T_TMP/c.db"
dump "$T_TMP/c.db" >"$T_TMP/c.dump"
check "every row of every table came back the same" cmp -s "$T_TMP/a.dump" "$T_TMP/c.dump"
[ "$T_FAILED" -gt 0 ] && diff "$T_TMP/a.dump" "$T_TMP/c.dump" | head -20 >&2
for db in "$A" "$PG" "$T_TMP/c.db"; do
	n=$((${n:-0} + 1))
	expect_rc 0 "export $n" "$BOXEL" --db "$db" export --format jsonl "$T_TMP/e$n.jsonl"
done
check "the PostgreSQL copy exports as the file" cmp -s "$T_TMP/e1.jsonl" "$T_TMP/e2.jsonl"
check "the copied-back file exports as the first" cmp -s "$T_TMP/e1.jsonl" "$T_TMP/e3.jsonl"
expect_rc 0 "SQLite -> SQLite" "$BOXEL" store copy "$A" "$T_TMP/d.db"
check "... the same rows" cmp -s "$T_TMP/a.dump" <(dump "$T_TMP/d.db")
run "$BOXEL" --db "$PG" config get serve_key
check "the serving secret came across" test "$OUT" = "$(sqlite3 "$A" "SELECT value FROM settings WHERE key='serve_key'")"

# --- work goes on in the PostgreSQL copy, with fresh ids
export BOXEL_DB=$PG
maxj=$(pg_psql "$PG" -At -c "SELECT max(id) FROM judgments")
maxe=$(pg_psql "$PG" -At -c "SELECT max(id) FROM events")
maxr=$(pg_psql "$PG" -At -c "SELECT max(id) FROM reviews")
expect_rc 0 "cid's lease resumes in the copy" "$BOXEL" queue claim --user cid --json
check "... the same judgment" test "$(jget "$OUT" judgment)" = "$lease"
expect_rc 0 "cid submits" "$BOXEL" queue submit --user cid --judgment "$lease" \
	--token "$(jget "$OUT" token)" "$T_TMP/cat.json"
expect_rc 0 "rev accepts it" "$BOXEL" review accept "$lease" --user rev
expect_rc 0 "a new user" "$BOXEL" user add dan --role annotator
expect_rc 0 "a new batch" "$BOXEL" batch create b2 --kind production --tasks all
q="SELECT min(j.id), count(*) FROM judgments j JOIN batches b ON b.id = j.batch
	WHERE b.name = 'b2'"
# (Without the copy setting PostgreSQL's sequences, the batch's inserts
# would start at id 1 and collide.)
IFS='|' read -r min n <<<"$(pg_psql "$PG" -At -c "$q")"
check "its judgments get fresh ids past the copied ones" test "$min" -gt "$maxj" -a "$n" -eq 3
check "new events continue after the copied ones" \
	test "$(pg_psql "$PG" -At -c "SELECT min(id) FROM events WHERE id > $maxe")" -eq $((maxe + 1))
check "the review got a fresh id" \
	test "$(pg_psql "$PG" -At -c "SELECT max(id) FROM reviews")" -eq $((maxr + 1))
check "the new user got a fresh id" \
	test "$(pg_psql "$PG" -At -c "SELECT id FROM users WHERE name='dan'")" -gt \
	"$(sqlite3 "$A" "SELECT max(id) FROM users")"
unset BOXEL_DB

# --- refusals: one line, exit != 0, the target without data
ev=$(rows "$PG" events)
run "$BOXEL" store copy "$A" "$PG"
check "into a database holding a project: refused" test "$RC" -ne 0
check "... in one line" one_line "$ERR"
check "... saying it holds a project" contains "$ERR" "already holds a project"
check "... nothing written" test "$(rows "$PG" events)" -eq "$ev"
dump "$T_TMP/c.db" >"$T_TMP/c2.dump"
run "$BOXEL" store copy "$A" "$T_TMP/c.db"
check "onto an existing file: refused" test "$RC" -eq 2
check "... in one line" one_line "$ERR"
check "... the file untouched" cmp -s "$T_TMP/c2.dump" <(dump "$T_TMP/c.db")
run "$BOXEL" store copy "postgresql:///nosuchdb?host=$PG_CLUSTER_DIR&user=boxel" "$T_TMP/n.db"
check "from an unknown database: one line" one_line "$ERR"
check "... exit 2, not a crash" test "$RC" -eq 2
check "... no file made" test ! -e "$T_TMP/n.db"
run "$BOXEL" store copy "$A" "postgresql:///x?host=$T_TMP/nosocket&user=boxel"
check "to an unreachable server: one line" one_line "$ERR"
check "... exit 2" test "$RC" -eq 2
run "$BOXEL" store copy "$A" "postgresql://ann:secret@localhost/x"
check "a password in the URI: refused" test "$RC" -eq 2
check "... in one line naming PGPASSFILE" one_line "$ERR"
check "... naming PGPASSFILE" contains "$ERR" PGPASSFILE
cp "$A" "$T_TMP/x.db"
sqlite3 "$T_TMP/x.db" "CREATE TABLE notes(id INTEGER PRIMARY KEY, t TEXT)"
E=$(pg_new_db)
run "$BOXEL" store copy "$T_TMP/x.db" "$E"
check "a table the copy does not know: refused" test "$RC" -eq 2
check "... naming it" contains "$ERR" notes
check "... in one line" one_line "$ERR"
check "... the database without data" test "$(rows "$E" users)" -eq 0 -a "$(rows "$E" events)" -eq 0
run "$BOXEL" store copy "$T_TMP/x.db" "$T_TMP/y.db"
check "... into a file: refused" test "$RC" -eq 2
check "... and the new file removed" test ! -e "$T_TMP/y.db"
expect_rc 0 "the empty database takes a copy afterwards" "$BOXEL" store copy "$A" "$E"
check "... all of it" cmp -s "$T_TMP/e1.jsonl" <("$BOXEL" --db "$E" export --format jsonl - 2>/dev/null)
run "$BOXEL" store copy "$PG" "$PG"
check "onto itself: refused" test "$RC" -eq 2
run "$BOXEL" store copy "$E" "${E/\?/?application_name=again&}"
check "onto the same database by another URI: refused in one line" test "$RC" -eq 2
check "... one line" one_line "$ERR"

# A table longer than the copy's page (10,000 rows per FETCH of its cursor):
# every row arrives once, across the pages.
pg_psql "$E" -c "INSERT INTO events(ms, actor, what, detail) SELECT g, 'bulk', 'note',
	'{\"n\":' || g || '}' FROM generate_series(1, 25003) g" >/dev/null
expect_rc 0 "a 25,000-event store from PostgreSQL into a file" "$BOXEL" store copy "$E" "$T_TMP/big.db"
sum="SELECT count(*), sum(id), sum(ms), sum(length(detail)) FROM events"
check "... every event, the same ids and contents" test "$(pg_psql "$E" -At -F '|' -c "$sum")" = \
	"$(sqlite3 "$T_TMP/big.db" "$sum")"
finish
