# store.sh: boxel init, user, batch and stats over a temporary store, with
# every bad input refused in one line and the store left unchanged.
. "$(dirname "$0")/lib.sh"

DB=$(db_new p)
IMG=$T_TMP/images
mkdir -p "$IMG"
TAX=$BOXEL_SOURCE_ROOT/sample-data/taxonomy.json
dump() { db_dump "$DB"; }
# tasks: the store's own import lives in another command; here rows are
# written directly so this test depends on nothing but init.
add_tasks() {
	local i
	for i in $(seq 1 "$1"); do
		db_query "$DB" "INSERT INTO tasks(image, width, height, created_ms) VALUES ('img$i.jpg', 64, 48, $i)"
	done
}

# --- missing store
expect_rc 2 "no store" "$BOXEL" user list --db "$T_TMP/none.db"
check "missing store suggests init" contains "$ERR" "boxel init"
check "missing store: one line" one_line "$ERR"
check "missing store not created" test ! -e "$T_TMP/none.db"
(cd "$T_TMP" && BOXEL_DB=$T_TMP/env.db "$BOXEL" user list >/dev/null 2>&1)
check "BOXEL_DB names the store" test ! -e "$T_TMP/env.db"

# --- init
expect_rc 2 "bad taxonomy" "$BOXEL" init --db "$DB" --images "$IMG" --taxonomy /dev/null
check "bad taxonomy: no store created" test ! -e "$DB"
echo '{"classes": [{"name": "a", "geometries": ["blob"]}]}' > "$T_TMP/bad-tax.json"
expect_rc 2 "invalid taxonomy" "$BOXEL" init --db "$DB" --taxonomy "$T_TMP/bad-tax.json"
check "invalid taxonomy names the file" contains "$ERR" "bad-tax.json"
check "invalid taxonomy: no store created" test ! -e "$DB"
expect_rc 2 "images not a dir" "$BOXEL" init --db "$DB" --images "$T_TMP/nope"
check "images not a dir: no store" test ! -e "$DB"
expect_rc 2 "init stray argument" "$BOXEL" init --db "$DB" extra
expect_rc 0 "init" "$BOXEL" init --db "$DB" --images "$IMG" --taxonomy "$TAX"
check "init says created" contains "$OUT" "created"
on_file && check "journal_mode is wal" test "$(sqlite3 "$DB" 'PRAGMA journal_mode')" = wal
on_file && check "user_version set" test "$(sqlite3 "$DB" 'PRAGMA user_version')" -ge 1
check "image root is absolute" test "$(db_query "$DB" "SELECT value FROM settings WHERE key='image_root'")" = "$(cd "$IMG" && pwd -P)"
check "taxonomy stored" test "$(db_query "$DB" "SELECT CASE WHEN length(value) > 100 THEN 1 ELSE 0 END FROM settings WHERE key='taxonomy'")" = 1
expect_rc 2 "init refuses an existing store" "$BOXEL" init --db "$DB"
check "refusal mentions --force" contains "$ERR" "--force"
echo "Draw tight boxes." > "$T_TMP/inst.md"
expect_rc 0 "init --force updates settings" "$BOXEL" init --db "$DB" --force --instructions "$T_TMP/inst.md"
check "instructions stored" test "$(db_query "$DB" "SELECT value FROM settings WHERE key='instructions'")" = "Draw tight boxes."
check "image root kept" test "$(db_query "$DB" "SELECT value FROM settings WHERE key='image_root'")" = "$(cd "$IMG" && pwd -P)"
printf 'not sqlite at all, just text .......................................................' > "$T_TMP/junk.db"
expect_rc 2 "a non-database file" "$BOXEL" user list --db "$T_TMP/junk.db"
check "non-database: one line" one_line "$ERR"

# --- users
export BOXEL_DB=$DB
expect_rc 0 "user add" "$BOXEL" user add alice --role annotator
expect_rc 0 "user add reviewer" "$BOXEL" user add rita --role reviewer
expect_rc 0 "user add admin" "$BOXEL" user add root --role admin
before=$(dump)
expect_rc 2 "duplicate user" "$BOXEL" user add alice --role admin
check "duplicate says exists" contains "$ERR" "already exists"
expect_rc 2 "bad role" "$BOXEL" user add bob --role boss
check "bad role names the roles" contains "$ERR" "annotator, reviewer or admin"
expect_rc 2 "missing role" "$BOXEL" user add bob
expect_rc 2 "bad name" "$BOXEL" user add 'bob smith' --role annotator
check "bad name: one line" one_line "$ERR"
expect_rc 2 "hostile name" "$BOXEL" user add $'\e]0;pwned\a' --role annotator
check "hostile name: no escapes" no_escape "$ERR"
expect_rc 2 "unknown subcommand" "$BOXEL" user frob
expect_rc 2 "disable unknown user" "$BOXEL" user disable ghost
check "unknown user named" contains "$ERR" "ghost"
expect_rc 2 "qual bad state" "$BOXEL" user qual alice great
check "bad inputs left the store unchanged" test "$before" = "$(dump)"
expect_rc 0 "user list" "$BOXEL" user list
check "list shows alice" contains "$OUT" "alice"
check "annotators start in training" contains "$(printf '%s\n' "$OUT" | grep alice)" training
expect_rc 0 "user list --json" "$BOXEL" user list --json
check "json list is valid" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert [u["name"] for u in d]==["alice","rita","root"] and d[1]["role"]=="reviewer"' "$OUT"
expect_rc 0 "user qual" "$BOXEL" user qual alice qualified
expect_rc 0 "user disable" "$BOXEL" user add carl --role annotator
expect_rc 0 "user disable" "$BOXEL" user disable carl
check "disabled shown" contains "$("$BOXEL" user list | grep carl)" disabled
check "user events logged" test "$(db_query "$DB" "SELECT count(*) FROM events WHERE what LIKE 'user%'")" = 6

# --- batches
add_tasks 6
printf 'img2.jpg\r\n# a comment\n\nimg1.jpg\n' > "$T_TMP/list.txt"
expect_rc 0 "batch create from a list" "$BOXEL" batch create cal --kind calibration --overlap 2 --tasks "$T_TMP/list.txt"
check "2 tasks x 2" contains "$OUT" "2 tasks x overlap 2 = 4 judgments"
before=$(dump)
expect_rc 2 "duplicate batch" "$BOXEL" batch create cal --kind production
check "duplicate batch says exists" contains "$ERR" "already exists"
expect_rc 2 "bad kind" "$BOXEL" batch create b1 --kind weekly
expect_rc 2 "no kind" "$BOXEL" batch create b1
for bad in 0 -1 x 2.5 ''; do
	expect_rc 2 "bad --overlap '$bad'" "$BOXEL" batch create b1 --kind production --overlap "$bad"
	check "bad --overlap '$bad' one line" one_line "$ERR"
done
for bad in 1.5 -0.1 nan abc; do
	expect_rc 2 "bad --gold-rate $bad" "$BOXEL" batch create b1 --kind production --gold-rate "$bad"
done
expect_rc 2 "bad --priority" "$BOXEL" batch create b1 --kind production --priority 1e3
printf 'img3.jpg\nmissing.jpg\n' > "$T_TMP/bad-list.txt"
expect_rc 2 "unknown image in list" "$BOXEL" batch create b1 --kind production --tasks "$T_TMP/bad-list.txt"
check "unknown image named" contains "$ERR" "missing.jpg"
printf 'img3.jpg\n../etc/passwd\n' > "$T_TMP/esc-list.txt"
expect_rc 2 "escaping path in list" "$BOXEL" batch create b1 --kind production --tasks "$T_TMP/esc-list.txt"
check "escaping path: file:line" contains "$ERR" "esc-list.txt:2"
expect_rc 2 "missing list file" "$BOXEL" batch create b1 --kind production --tasks "$T_TMP/none.txt"
check "bad batches left the store unchanged" test "$before" = "$(dump)"
expect_rc 0 "batch create unbatched" "$BOXEL" batch create prod --kind production --gold-rate 0.1 --priority 5
check "unbatched takes the other 4" contains "$OUT" "4 tasks"
expect_rc 2 "nothing unbatched left" "$BOXEL" batch create empty --kind production
check "empty batch explained" contains "$ERR" "no tasks"
expect_rc 0 "batch create all" "$BOXEL" batch create everything --kind self --tasks all --priority -1
expect_rc 0 "batch list" "$BOXEL" batch list
check "list order: priority first" test "$(printf '%s\n' "$OUT" | sed -n 2p | cut -d' ' -f1)" = prod
expect_rc 0 "batch list --json" "$BOXEL" batch list --json
check "list json" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert [b["name"] for b in d]==["prod","cal","everything"]; assert d[1]["judgments"]["open"]==4 and d[2]["tasks"]==6' "$OUT"
expect_rc 0 "batch show" "$BOXEL" batch show cal
check "show counts" contains "$OUT" "open       4"
expect_rc 0 "batch show --json" "$BOXEL" batch show prod --json
check "show json" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["gold_rate"]==0.1 and d["priority"]==5 and d["overlap"]==1' "$OUT"
expect_rc 2 "show unknown batch" "$BOXEL" batch show nope
check "unknown batch named" contains "$ERR" "no batch nope"
expect_rc 2 "batch unknown subcommand" "$BOXEL" batch frob

# --- stats
expect_rc 0 "stats" "$BOXEL" stats
check "stats lists batches" contains "$OUT" "everything"
expect_rc 0 "stats --json" "$BOXEL" stats --json
check "stats json" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert len(d["batches"])==3 and d["labelers"]==[]' "$OUT"
expect_rc 2 "stats stray arg" "$BOXEL" stats extra
on_file && check "integrity ok" test "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok

# --- synchronous: full syncs each commit to disk, normal leaves that to
# the checkpoint; counted as the sync calls of one small write.
# LeakSanitizer cannot stop the world under ptrace (the sanitizer build
# would exit 1 under strace): leaks are checked everywhere else.
syncs() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=fsync,fdatasync -o "$T_TMP/syncs" "$BOXEL" "$@" >/dev/null 2>&1 || return 1
	grep -c 'sync(' "$T_TMP/syncs"
}
expect_rc 0 "synchronous is listed" "$BOXEL" config get synchronous --db "$DB"
check "synchronous defaults to full" test "$OUT" = full
expect_rc 2 "synchronous refuses another word" "$BOXEL" config set synchronous off --db "$DB"
check "synchronous refusal: one line" one_line "$ERR"
check "synchronous refusal names the words" contains "$ERR" "full or normal"
if on_file && command -v strace >/dev/null; then
	n_full=$(syncs user add sync1 --role annotator --db "$DB")
	check "full: the write synced ($n_full)" test "${n_full:-0}" -ge 1
	expect_rc 0 "synchronous normal" "$BOXEL" config set synchronous normal --db "$DB"
	n_norm=$(syncs user add sync2 --role annotator --db "$DB")
	check "normal: the write did not sync ($n_norm)" test "${n_norm:-x}" = 0
	check "normal: the write is there" test "$(db_query "$DB" "SELECT count(*) FROM users WHERE name = 'sync2'")" = 1
	expect_rc 0 "synchronous full again" "$BOXEL" config set synchronous full --db "$DB"
	n_full=$(syncs user add sync3 --role annotator --db "$DB")
	check "full again: the write synced ($n_full)" test "${n_full:-0}" -ge 1
else
	echo "skipped: sync counts (PostgreSQL store or no strace)"
fi

# --- one command at a time (an annotator over SSH): the WAL stays small.
# Each command is the store's only connection, and SQLite's rebuild of the
# WAL's index at its open forgets the last checkpoint, so the log never
# restarted: it grew by every commit and every open read all of it. Eight
# claims and submits of 400 boxes made it 1.2 MB; past 256 KiB the last
# connection to close now checkpoints and deletes it.
if on_file; then
	W=$T_TMP/wal.db
	expect_rc 0 "wal: init" "$BOXEL" init --db "$W" --images "$IMG" --taxonomy "$TAX"
	sqlite3 "$W" "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 20)
	    INSERT INTO tasks(image, width, height, created_ms) SELECT 'w' || i || '.jpg', 64, 48, i FROM k"
	"$BOXEL" user add wal1 --role annotator --db "$W" >/dev/null
	"$BOXEL" batch create wb --kind production --db "$W" >/dev/null
	/usr/bin/python3 -c 'import json; print(json.dumps({"global": {"scene": "space"},
	    "annotations": [{"class": "rocket", "box": [1 + k % 40, 1 + k // 40, 1, 1]} for k in range(400)]}))' \
		> "$T_TMP/many.json"
	for i in 1 2 3 4 5 6 7 8; do
		C=$("$BOXEL" queue claim --user wal1 --json --db "$W")
		j=${C#*\"judgment\":}; j=${j%%,*}; tok=${C#*\"token\":\"}; tok=${tok%%\"*}
		"$BOXEL" queue submit --user wal1 --judgment "$j" --token "$tok" "$T_TMP/many.json" \
			--db "$W" >/dev/null || fail "wal: submit $i"
	done
	wal=$(stat -c %s "$W-wal" 2>/dev/null || echo 0)
	check "wal: one command at a time, the WAL stays under 512 KiB ($wal bytes)" test "$wal" -lt 524288
	# (read with boxel: sqlite3 closing last would checkpoint it itself)
	expect_rc 0 "wal: the submits are all there" "$BOXEL" stats --json --db "$W"
	check "wal: 8 submitted" /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["batches"][0]["judgments"]["submitted"]==8, d' "$OUT"
	check "wal: integrity ok" test "$(sqlite3 "$W" 'PRAGMA integrity_check')" = ok

	# --- a heavy answer (over 64 KiB) pays the WAL's checkpoint itself,
	# after the writers' gate: with another connection open (its close is
	# then not the last), its pages are in the database file when the
	# submit returns. Before, they stayed in the WAL until some later
	# writer's commit crossed SQLite's 1000 frames and copied them inside
	# the gate, every other writer waiting.
	/usr/bin/python3 -c 'import json; print(json.dumps({"global": {"scene": "space"},
	    "annotations": [{"class": "rocket", "box": [1 + k % 40, 1 + k % 30, 1 + k % 7, 1]} for k in range(3000)]}))' \
		> "$T_TMP/heavy.json"
	check "heavy: the answer is over 64 KiB" test "$(stat -c %s "$T_TMP/heavy.json")" -gt 65536
	rm -f "$T_TMP/hold" && mkfifo "$T_TMP/hold"
	/usr/bin/python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("SELECT count(*) FROM tasks").fetchone()
print("open", flush=True); sys.stdin.read()' "$W" < "$T_TMP/hold" > "$T_TMP/held" &
	hp=$!
	exec 7> "$T_TMP/hold"
	for _ in $(seq 50); do grep -q open "$T_TMP/held" 2>/dev/null && break; sleep 0.1; done
	C=$("$BOXEL" queue claim --user wal1 --json --db "$W")
	j=${C#*\"judgment\":}; j=${j%%,*}; tok=${C#*\"token\":\"}; tok=${tok%%\"*}
	before=$(stat -c %s "$W")
	expect_rc 0 "heavy: submit" "$BOXEL" queue submit --user wal1 --judgment "$j" --token "$tok" \
		"$T_TMP/heavy.json" --db "$W"
	after=$(stat -c %s "$W")
	check "heavy: its pages are in the database file ($before -> $after bytes)" \
		test "$after" -gt "$((before + 65536))"
	exec 7>&-
	wait "$hp"
	check "heavy: integrity ok" test "$(sqlite3 "$W" 'PRAGMA integrity_check')" = ok
fi

finish
