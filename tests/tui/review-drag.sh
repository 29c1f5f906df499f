# review-drag.sh: the review screen drags handles as the labeling screen
# does (they share label-mouse.c): a reviewer drags the corner of the
# labeler's box onto the object, the status line names it, the box
# follows, one undo puts it back, and s stores the edited answer as a fix.
. "$(dirname "$0")/lib.sh"

scene_project 1
"$BOXEL" user add rita --role reviewer --db "$DB" >/dev/null
# alice submits one box: 120,123 102x54 (drag-handle.sh's: its bottom-right
# corner is cell (57,28) at 160x50, and (61,30) is 237,193).
printf '{"annotations":[{"class":"thing","box":[120,123,102,54]}]}\n' > "$T_TMP/a.json"
c=$("$BOXEL" queue claim --db "$DB" --user alice --json)
j=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["judgment"])' "$c")
t=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$c")
"$BOXEL" queue submit --db "$DB" --judgment "$j" --token "$t" "$T_TMP/a.json" >/dev/null || fail "submit"


tui_start "$BOXEL" review --db "$DB" --user rita
expect_screen "the judgment opens" "judgment $j by alice"
expect_screen "alice's box" "box 120,123 102x54"
tui_keys Tab
expect_screen "selected" "grab #1"
press 57 28; drag 61 30
expect_screen "the status line names the dragged corner" "grab #1 bottom-right corner"
release 61 30
expect_screen "the corner went under the pointer" "box 120,123 117x70"
tui_keys u
expect_screen "one undo puts it back" "box 120,123 102x54"
tui_keys Tab
expect_screen "selected again" "grab #1"
press 57 28; drag 61 30; release 61 30
expect_screen "dragged again" "box 120,123 117x70"
tui_keys s
wait_sql "the edit is stored as a fix" "SELECT verdict FROM reviews WHERE judgment = $j" fix
tui_keys q
finish
