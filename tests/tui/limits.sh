# limits.sh: the labeling screen holds drafts to the project's answer limits
# (max_objects here): an edit past them is not saved, the screen says why
# in its message line, and the stored draft keeps the last one within them.
. "$(dirname "$0")/lib.sh"

make_project "$T_TMP/p"
"$BOXEL" config set max_objects 1 --db "$DB" >/dev/null
label
expect_screen "first task opens" "task 1/4"

# One box: within the limit, saved.
tui_keys b 1 Space
tui_type 5l
tui_type 3j
tui_keys Space
expect_screen "the first box is listed" "Objects (1)"
wait_sql "the draft holds it" \
	"SELECT json_array_length(state, '\$.answer.annotations') FROM drafts" "1"

# A second box from where the first ended: past max_objects, refused by
# the draft save.
tui_keys Space
tui_type 5l
tui_type 3j
tui_keys Space
expect_screen "the refusal names the setting" "answer has 2 objects, the project allows 1"
expect_screen "and that the draft was not saved" "draft not saved"
check "the stored draft still holds one object" \
	test "$(sq "SELECT json_array_length(state, '\$.answer.annotations') FROM drafts")" = 1
tui_keys q

finish
