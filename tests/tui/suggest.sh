# suggest.sh: imported predictions show as suggestions (dashed, with their
# score); y accepts the selected one, x rejects it, editing one makes it the
# annotator's own, Y accepts all at or above the threshold (0.5), and
# suggestions left unaccepted are not submitted.
. "$(dirname "$0")/lib.sh"

make_project "$T_TMP/p"
cat > "$T_TMP/pred.jsonl" <<'J'
{"image": "astronaut.png", "answer": {"annotations": [{"class": "person", "box": [10, 10, 100, 200], "score": 0.9}, {"class": "person", "box": [300, 40, 50, 50], "score": 0.3}, {"class": "cup", "box": [200, 300, 40, 40], "score": 0.6}, {"class": "face", "point": [60, 40], "score": 0.2}]}}
J
"$BOXEL" import --db "$DB" --as suggestions "$T_TMP/pred.jsonl" >/dev/null 2>&1
check "suggestions imported" [ "$(sq "SELECT count(*) FROM task_answers WHERE kind = 'suggestion'")" = 1 ]

label
expect_screen "opens" "task 1/4"
expect_screen "suggestions listed with score" "box 10,10 100x200 [suggested]"
expect_screen "score shown" "0.90"
tui_keys Tab Tab
expect_screen "second selected" "grab #2"
tui_keys x
expect_screen "x rejects it" "Objects (3)"
tui_keys Tab
expect_screen "point selected" "grab #3"
tui_keys l
expect_screen "the point moved" "3 face     point 65,40"
ours() { tui_screen | grep "3 face     point 65,40" | grep -vq suggested; }
check "moving a suggestion makes it ours" ours
tui_keys Y
wait_sql "Y accepts those >= 0.5 (0.9 and 0.6), the moved one is ours" \
	"SELECT json_extract(state, '\$.answer') LIKE '%suggestion%' FROM drafts" "0"
tui_keys u
wait_sql "undo brings the two back as suggestions" \
	"SELECT (length(json_extract(state, '\$.answer')) - length(replace(json_extract(state, '\$.answer'), '\"suggestion\"', ''))) / 12 FROM drafts" "2"
tui_keys Tab Enter
wait_sql "Enter accepts the selected suggestion" \
	"SELECT (length(json_extract(state, '\$.answer')) - length(replace(json_extract(state, '\$.answer'), '\"suggestion\"', ''))) / 12 FROM drafts" "1"
tui_keys g Right Escape s
expect_screen "submitted" "task 2/4"
wait_sql "the unaccepted suggestion is not submitted" \
	"SELECT json_array_length(json_extract(answer, '\$.annotations')) || ' ' || (answer LIKE '%suggestion%') FROM judgments WHERE state = 'submitted'" "2 0"
tui_keys q
finish
