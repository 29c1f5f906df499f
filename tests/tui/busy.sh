# busy.sh: another process holds the store's write lock (sqlite3, as a
# backup or a stuck script would) while the annotator edits: the screen
# says "store busy" while it waits instead of freezing without a word, and
# the edit is saved once the lock is released; also when the wait is
# behind another boxel writer (the gate that lines them up).
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { fail "sqlite3 not installed"; finish; }

make_project "$T_TMP/p"
label
expect_screen "opens" "task 1/4"
# Hold the write lock for 4 s.
{ echo "BEGIN IMMEDIATE;"; sleep 4; echo "COMMIT;"; } | sqlite3 "$DB" &
holder=$!
sleep 0.5
tui_keys b Space
tui_type 5l
tui_type 3j
tui_keys Space
expect_screen "the screen says the store is busy" "store busy: another session is writing"
wait $holder
expect_screen "the box is drawn once the lock is released" "Objects (1)"
wait_sql "and saved" "SELECT json_array_length(json_extract(state, '\$.answer.annotations')) FROM drafts" "1"
if tui_gone "store busy" 5; then pass; else fail "the busy line goes away"; fi

# Behind another boxel writer: sqlite3 holds the lock, a `boxel user add`
# takes boxel's writers' gate and waits for SQLite; the screen's next save
# waits for the gate, and says so too.
{ echo "BEGIN IMMEDIATE;"; sleep 4; echo "COMMIT;"; } | sqlite3 "$DB" &
holder=$!
sleep 0.3
"$BOXEL" user add zed --role annotator --db "$DB" >/dev/null 2>&1 &
writer=$!
sleep 0.5
tui_keys d
expect_screen "waiting behind another boxel writer is said too" "store busy: another session is writing"
wait $holder
wait $writer
check "the other writer went through" test "$(sq "SELECT count(*) FROM users WHERE name = 'zed'")" = 1
wait_sql "the delete is saved after it" "SELECT json_array_length(json_extract(state, '\$.answer.annotations')) FROM drafts" "0"
tui_keys q
finish
