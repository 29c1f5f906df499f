# later.sh: in the labeling screen, a submit that completes a task beside
# another labeler's heavy answer (a 6,000-vertex polygon, over 64 KiB) goes
# on to the next task at once; the task's consensus is merged by a process
# of its own (started detached from the screen) and lands by itself, with
# the screen still drawing and nothing of that process reaching it.
. "$(dirname "$0")/lib.sh"

make_project "$T_TMP/p"
"$BOXEL" user add bob --role annotator --db "$DB" >/dev/null
"$BOXEL" batch create pair --kind production --overlap 2 --priority 10 --tasks all \
	--db "$DB" >/dev/null
c=$("$BOXEL" queue claim --db "$DB" --user bob --json)
j=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["judgment"])' "$c")
t=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$c")
task=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["task"])' "$c")
/usr/bin/python3 - > "$T_TMP/heavy.json" <<'PY'
import math
pts = ",".join("[%.3f,%.3f]" % (256 + (200 if i % 2 else 190) * math.cos(2 * math.pi * i / 6000),
                                256 + (200 if i % 2 else 190) * math.sin(2 * math.pi * i / 6000))
               for i in range(6000))
print('{"annotations":[{"class":"plume","polygon":[%s]}],"global":{"scene":"indoor"}}' % pts)
PY
check "bob's answer is heavy (over 64 KiB)" test "$(stat -c %s "$T_TMP/heavy.json")" -gt 65536
submit() { "$BOXEL" queue submit --db "$DB" --judgment "$j" --token "$t" "$T_TMP/heavy.json" >/dev/null; }
check "bob submits it" submit

label
expect_screen "alice gets the task bob answered" "task 1/4"
wait_sql "the other replica of bob's task" \
	"SELECT task FROM judgments WHERE state = 'leased' AND labeler = (SELECT id FROM users WHERE name = 'alice')" "$task"
tui_keys 2 b Space l j Space
expect_screen "a cup box" "cup      box"
tui_keys g
expect_screen "global editor opens" "Global attributes"
tui_keys Right Escape
wait_sql "scene set" "SELECT json_extract(state, '\$.answer.global.scene') FROM drafts" "indoor"
tui_keys s
expect_screen "the next task at once" "task 2/4"
wait_sql "the task's consensus lands, merged by a process of its own" \
	"SELECT count(*) FROM events WHERE what = 'consensus' AND json_extract(detail, '\$.trigger') = 'later' AND json_extract(detail, '\$.task') = $task" "1"
wait_sql "from both judgments" "SELECT njudgments FROM task_consensus WHERE task = $task" "2"
expect_screen "the screen is still the label screen" "task 2/4"
no_merge_text() { ! tui_screen | grep -q "consensus"; }
check "nothing of the merge's process on the screen" no_merge_text
tui_keys q
finish
