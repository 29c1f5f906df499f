# review.sh: `boxel review`, the review screen: a reviewer walks bob's
# submitted judgments over their images; s accepts one as it is, s after an
# edit fixes it (the edited answer is stored with the review), n rejects with
# a comment (the task is queued again for someone else), Ctrl-N passes one
# over; annotators are refused.
. "$(dirname "$0")/lib.sh"

make_project "$T_TMP/p"
"$BOXEL" user add bob --role annotator --db "$DB" >/dev/null
"$BOXEL" user add rita --role reviewer --db "$DB" >/dev/null
# gold for every task: the box bob draws, so his gold accuracy is 1
sq "INSERT INTO gold(task, answer) SELECT id, '{\"annotations\":[{\"box\":[10,20,100,120],\"class\":\"cup\"}],\"global\":{\"scene\":\"indoor\"}}' FROM tasks"
# bob submits all four tasks: one cup box each, in claim order
printf '{"annotations":[{"class":"cup","box":[10,20,100,120]}],"global":{"scene":"indoor"}}\n' > "$T_TMP/a.json"
for i in 1 2 3 4; do
	c=$("$BOXEL" queue claim --db "$DB" --user bob --json) || { fail "claim $i"; break; }
	j=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["judgment"])' "$c")
	t=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$c")
	"$BOXEL" queue submit --db "$DB" --judgment "$j" --token "$t" "$T_TMP/a.json" >/dev/null || fail "submit $i"
done
J=($(sq "SELECT id FROM judgments WHERE state = 'submitted' ORDER BY submitted_ms, id"))
check "four judgments to review" test "${#J[@]}" = 4
img() { sq "SELECT t.image FROM judgments j JOIN tasks t ON t.id = j.task WHERE j.id = $1"; }

tui_start "$BOXEL" review --db "$DB" --user bob
expect_screen "an annotator is refused" "bob may not review"

tui_start "$BOXEL" review --db "$DB" --user rita
expect_screen "the first judgment opens, with who made it" "judgment ${J[0]} by bob in demo; gold accuracy 1.00"
expect_screen "its image" "$(img "${J[0]}")"
expect_screen "the status line counts reviews" "review 1/4"
expect_screen "the labeler's box is drawn" "Objects (1)"

tui_keys s
expect_screen "s accepts" "accepted $(img "${J[0]}") (1 object); next: judgment ${J[1]} by bob"
wait_sql "accept stored" "SELECT verdict FROM reviews WHERE judgment = ${J[0]}" accept
check "judgment accepted" test "$(sq "SELECT state FROM judgments WHERE id = ${J[0]}")" = accepted

# move the box 3 steps right: an edited answer is a fix
# (Waited for, not read at once: a slow build may not have drawn all three
# steps yet, and the draft must hold the last one before the kill.)
step=$(tui_screen | grep -o 'step [0-9]*' | head -1 | cut -d' ' -f2)
tui_keys Tab
tui_type lll
tui_keys Escape Escape
moved="box $((10 + 3 * ${step:-0})),20 100x120"
expect_screen "the box moved three steps on screen ($moved)" "$moved"
wait_sql "the fix in progress is rita's draft" \
	"SELECT u.name FROM drafts d JOIN users u ON u.id = d.labeler WHERE d.judgment = ${J[1]}" rita
wait_sql "... holding the moved box" \
	"SELECT json_extract(state, '\$.answer.annotations[0].box') FROM drafts WHERE judgment = ${J[1]}" \
	"[$((10 + 3 * ${step:-0})),20,100,120]"
# the connection drops (SIGHUP) and rita comes back: the fix is still there
tmx kill-server
tui_start "$BOXEL" review --db "$DB" --user rita
expect_screen "reopened on the same judgment" "judgment ${J[1]} by bob"
expect_screen "with the moved box" "$moved"
tui_keys s
expect_screen "s after an edit fixes" "fixed $(img "${J[1]}")"
wait_sql "fix stored" "SELECT verdict FROM reviews WHERE judgment = ${J[1]}" fix
check "the verdict dropped the draft" test "$(sq "SELECT count(*) FROM drafts WHERE judgment = ${J[1]}")" = 0
check "the fixed box moved right" /usr/bin/python3 -c '
import json, sys
a = json.loads(sys.argv[1])["annotations"][0]
assert a["class"] == "cup" and a["box"][0] > 10 and a["box"][1:] == [20, 100, 120], a' \
	"$(sq "SELECT answer FROM reviews WHERE judgment = ${J[1]}")"

tui_keys n
expect_screen "n asks what is wrong" "reject: what is wrong"
tui_keys Enter
expect_screen "a reject needs a comment" "a reject needs a comment"
tui_type "box misses the handle"
tui_keys Enter
expect_screen "rejected" "rejected (box misses the handle); next: judgment ${J[3]}"
wait_sql "reject stored with the comment" \
	"SELECT verdict || ': ' || comment FROM reviews WHERE judgment = ${J[2]}" "reject: box misses the handle"
check "the task goes back to bob: a new replica, open, his" test \
	"$(sq "SELECT count(*) || ' ' || group_concat(u.name) FROM judgments j JOIN users u ON u.id = j.labeler WHERE j.state = 'open'")" = "1 bob"

tui_keys C-n
expect_screen "Ctrl-N passes: nothing left" "Nothing to review for rita right now (2 reviewed in this session"
check "the passed judgment is still submitted" test "$(sq "SELECT state FROM judgments WHERE id = ${J[3]}")" = submitted
check "no review row for it" test "$(sq "SELECT count(*) FROM reviews WHERE judgment = ${J[3]}")" = 0
tui_keys q
expect_screen "leaves with a count (of this session)" "boxel: 2 judgments reviewed"

# a reopened screen starts over: the passed judgment comes back
tui_start "$BOXEL" review --db "$DB" --user rita
expect_screen "reopened: the passed judgment" "judgment ${J[3]} by bob"
tui_keys q

# bob labels: the rejected task comes first, with the comment and his answer
tui_start "$BOXEL" label --db "$DB" --user bob
expect_screen "bob gets the rejected task back" "$(img "${J[2]}")"
expect_screen "with rita's comment" "returned by rita: box misses the handle"
expect_screen "starting from his rejected answer" "Objects (1)"
tui_keys s
expect_screen "the rework submitted (and nothing else for bob)" "the queue is empty (1 submitted in this session)"
wait_sql "and waiting for review again" \
	"SELECT count(*) FROM judgments WHERE state = 'submitted' AND labeler = (SELECT id FROM users WHERE name = 'bob')" 2
tui_keys q
finish
