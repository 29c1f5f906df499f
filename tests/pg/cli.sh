# tests/pg/cli.sh: boxel's commands on a project in PostgreSQL (run by
# tests/pg/run.sh, which exports BOXEL_TEST_PG and the cluster helpers).
# The same steps run on a SQLite file beside it, and both exports must be
# byte for byte the same: the backends keep the same project.
set -u
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/cluster.sh"
: "${BOXEL_TEST_PG:?run through tests/pg/run.sh}"
SRC=$BOXEL_SOURCE_ROOT/sample-data
PG=$(pg_new_db)
LITE=$T_TMP/p.db

steps() { # steps DB: the same project on either backend
	local db=$1 j jid tok first=
	export BOXEL_DB=$db
	expect_rc 0 "$db: init" "$BOXEL" init --images "$SRC" --taxonomy "$SRC/taxonomy.json"
	# Import order on both: each project's random serving order has its
	# own secret, and the exports are compared byte for byte.
	expect_rc 0 "$db: serve_order import" "$BOXEL" config set serve_order import
	expect_rc 0 "$db: import" "$BOXEL" import "$SRC"
	expect_rc 0 "$db: user add" "$BOXEL" user add ann --role annotator
	expect_rc 0 "$db: user add" "$BOXEL" user add bob --role annotator
	expect_rc 0 "$db: user add" "$BOXEL" user add rev --role reviewer
	expect_rc 0 "$db: batch create" "$BOXEL" batch create b1 --kind production --overlap 2 --tasks all
	for u in ann bob ann bob; do
		run "$BOXEL" queue claim --user $u --json
		check "$db: $u claims" test "$RC" -eq 0
		jid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["judgment"])' "$OUT")
		tok=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$OUT")
		[ -z "$first" ] && first=$jid
		expect_rc 0 "$db: $u submits" "$BOXEL" queue submit --user $u --judgment "$jid" \
			--token "$tok" "$T_TMP/ans.json" --seconds 12
		expect_rc 4 "$db: a second submit with the same token is refused" \
			"$BOXEL" queue submit --user $u --judgment "$jid" --token "$tok" "$T_TMP/ans.json"
	done
	expect_rc 0 "$db: review accept" env BOXEL_ACTOR=rev "$BOXEL" review accept "$first" --comment ok
	expect_rc 0 "$db: stats" "$BOXEL" stats
	# Quality's reads and writes speak both dialects: Dawid-Skene over the
	# batch (stored as consensus, so the exports compare it too), the
	# batch's alphas, the calibration report's labeler matrix.
	expect_rc 0 "$db: consensus --batch" "$BOXEL" consensus --batch b1 --json
	check "$db: consensus of the tasks with two judgments" contains "$OUT" '"tasks":2'
	expect_rc 0 "$db: batch show" "$BOXEL" batch show b1 --json
	check "$db: alpha of global attributes" contains "$OUT" '"kalpha_globals":'
	expect_rc 0 "$db: report calibration" "$BOXEL" report calibration b1 --json
	check "$db: labeler matrix" contains "$OUT" '"agreement_matrix":[['
	expect_rc 0 "$db: export" "$BOXEL" export --format jsonl "$2"
}

cat >"$T_TMP/ans.json" <<'J'
{"annotations":[{"class":"cat","box":[10,12,50,40],"attributes":{"pose":"lying"}}],"global":{"scene":"indoor"}}
J
steps "$PG" "$T_TMP/pg.jsonl"
steps "$LITE" "$T_TMP/lite.jsonl"
check "the PostgreSQL and SQLite exports are identical" cmp -s "$T_TMP/pg.jsonl" "$T_TMP/lite.jsonl"
check "the export has the four submits" test "$(grep -o '"state":"\(submitted\|accepted\)"' "$T_TMP/pg.jsonl" | wc -l)" -eq 4

export BOXEL_DB=$PG
expect_rc 2 "init on a project is refused without --force" "$BOXEL" init
run "$BOXEL" --db "postgresql://ann:secret@localhost/x" stats
check "a password in the URI is refused" test "$RC" -ne 0
check "... in one line naming the remedy" one_line "$ERR"
check "... naming PGPASSFILE" contains "$ERR" PGPASSFILE
run pg_psql "$PG" -c "DELETE FROM events"
check "the event log refuses DELETE (trigger)" test "$RC" -ne 0
run pg_psql "$PG" -c "UPDATE events SET what = 'x'"
check "the event log refuses UPDATE (trigger)" test "$RC" -ne 0
check "schema version recorded" test "$(pg_psql "$PG" -At -c 'SELECT version FROM boxel_version')" -ge 7
run "$BOXEL" --db "postgresql:///nosuchdb?host=$PG_CLUSTER_DIR&user=boxel" stats
check "an unknown database: one clear line" one_line "$ERR"
check "... not a crash" test "$RC" -gt 0 -a "$RC" -lt 128

# Moving the SQLite project through JSONL (README: "Moving a project") into
# PostgreSQL and into a new file: both arrive the same, byte for byte. (The
# JSONL does not carry review verdicts, so neither equals the original.)
MOVED=$(pg_new_db)
for db in "$MOVED" "$T_TMP/moved.db"; do
	expect_rc 0 "moved: init" "$BOXEL" --db "$db" init --images "$SRC" --taxonomy "$SRC/taxonomy.json"
	expect_rc 0 "moved: import the file's export" "$BOXEL" --db "$db" import "$T_TMP/lite.jsonl"
done
expect_rc 0 "moved: export" "$BOXEL" --db "$MOVED" export --format jsonl "$T_TMP/moved-pg.jsonl"
expect_rc 0 "moved: export" "$BOXEL" --db "$T_TMP/moved.db" export --format jsonl "$T_TMP/moved-lite.jsonl"
check "moved: the PostgreSQL copy exports as the file copy" \
	cmp -s "$T_TMP/moved-pg.jsonl" "$T_TMP/moved-lite.jsonl"
check "moved: the four judgments arrived" \
	test "$(grep -o '"labeler":"\(ann\|bob\)"' "$T_TMP/moved-pg.jsonl" | wc -l)" -eq 4
finish
