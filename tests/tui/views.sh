# views.sh: the overlays of the labeling and review screens are views
# pushed on a stack, each with its own key table: the help (scrolls with
# j/k, any other key closes it without acting), the prompt (go to x,y; a
# skip reason; Backspace, Esc), the attribute editor with the prompt over
# it (both dropped when the lease is lost under them), and the review
# screen's own keys over the shared editing keys.
. "$(dirname "$0")/lib.sh"

make_project "$T_TMP/p"
label
expect_screen "first task opens" "task 1/4"
expect_screen "crosshair at the centre" "x 256 y 256"

# Help: every table, under its name; j/Down scroll, k/Up back.
tui_keys '?'
expect_screen "help opens" "boxel label: keys (any key closes; j/k scroll)"
expect_screen "the labeling table" "move the crosshair (or the grabbed"
expect_screen "the review table, under its name" "boxel review (the labeling keys above edit the judgment)"
expect_screen "the attribute editor's table" "attribute editor (a, g)"
tui_keys j
check "j scrolls: the first line is gone" tui_gone "move the crosshair (or the grabbed"
expect_screen "the second line is on top" "... one step right"
tui_keys Down
check "Down scrolls too" tui_gone "... one step right"
# The tables past the first page come up as it scrolls.
tui_keys j j j
expect_screen "the prompt's table, further down" "prompt (n, G, a text value): type the text"
tui_keys k k k k k
expect_screen "k scrolls back" "move the crosshair (or the grabbed"
tui_keys Up
check "Up stops at the top" tui_wait "move the crosshair (or the grabbed" 1
# x rejects a suggestion on the labeling screen: here it only closes.
tui_keys x
expect_screen "any other key closes it" "task 1/4"
check "the help is gone" tui_gone "any key closes"
check "x did nothing else (no draft, no journal)" test "$(sq "SELECT count(*) FROM journal")" = 0

# The go-to prompt: typed text, Backspace, a refusal that keeps it open.
tui_keys G
expect_screen "G asks for x,y" "go to x,y (Enter goes, Esc cancels): _"
tui_type "99999,5"
tui_keys Enter
expect_screen "outside the image: refused, prompt kept" "go to: \"99999,5\" is not x,y inside the image"
expect_screen "with the text still there" "Esc cancels): 99999,5_"
tui_keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace
tui_type "100,40"
tui_keys Enter
expect_screen "the crosshair went there" "x 100 y 40"
check "the prompt closed" tui_gone "go to x,y"
tui_keys G
tui_type "7,7"
tui_keys Escape
check "Esc cancels the prompt" tui_gone "go to x,y"
check "and goes nowhere" tui_wait "x 100 y 40" 1

# The attribute editor, and the prompt over it: Esc in the prompt goes
# back to the editor, Esc there to the labeling screen.
tui_keys g
expect_screen "g opens the global attributes" "Global attributes (Esc closes)"
tui_keys Escape
check "Esc closes the editor" tui_gone "Global attributes"
tui_keys 2 b Space l j Space
expect_screen "a cup box" "cup      box"
tui_keys a Down Enter
expect_screen "Enter on a text field opens the prompt over the editor" "value (Enter sets, Esc cancels): _"
expect_screen "the editor is still under it" "Attributes of #1 cup"
tui_keys Escape
check "Esc closes the prompt only" tui_gone "value (Enter sets"
expect_screen "back in the editor" "Attributes of #1 cup"
tui_keys Enter
tui_type "blue"
tui_keys Enter
expect_screen "the prompt sets the value" "color: blue"
expect_screen "and the editor stays" "Attributes of #1 cup"
wait_sql "the value in the draft" \
	"SELECT json_extract(state, '\$.answer.annotations[0].attributes.color') FROM drafts" blue

# The lease is lost under the editor and its prompt: the save fails, the
# screen says so, and neither overlay is left over it.
tui_keys Enter
expect_screen "prompt open again" "value (Enter sets, Esc cancels): blue_"
"$BOXEL" user add bob --role annotator --db "$DB" >/dev/null
sq "UPDATE judgments SET lease_token = 'bobs-token', labeler = (SELECT id FROM users WHERE name = 'bob') WHERE state = 'leased'"
tui_keys BSpace BSpace BSpace BSpace
tui_type "red"
tui_keys Enter
expect_screen "lost lease said" "Lease lost on"
check "no prompt left" tui_gone "value (Enter sets"
check "no editor left" tui_gone "Attributes of #1"
tui_keys Enter
expect_screen "Enter opens the next task" "lease 5:00"
check "with no overlay" tui_gone "Lease lost"

# The skip prompt: a reason is required.
tui_keys n
expect_screen "n asks for a reason" "skip reason (Enter skips, Esc cancels): _"
tui_keys Enter
expect_screen "an empty reason is refused" "a skip needs a reason"
tui_type "too dark"
tui_keys Enter
expect_screen "skipped with the reason" "skipped (too dark)"
wait_sql "the skip stored" "SELECT count(*) FROM judgments WHERE state = 'skipped'" 1
# Ctrl-N is the review screen's key.
tui_keys C-n
expect_screen "Ctrl-N says where it works" "Ctrl-N passes a judgment in boxel review; here n skips"
tui_keys q

# The review screen: its own table over the editing keys.
printf '{"annotations":[{"class":"cup","box":[10,20,100,120]}],"global":{"scene":"indoor"}}\n' > "$T_TMP/a.json"
for i in 1 2; do
	c=$("$BOXEL" queue claim --db "$DB" --user bob --json) || { fail "claim $i"; break; }
	j=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["judgment"])' "$c")
	t=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$c")
	"$BOXEL" queue submit --db "$DB" --judgment "$j" --token "$t" "$T_TMP/a.json" >/dev/null || fail "submit $i"
done
"$BOXEL" user add rita --role reviewer --db "$DB" >/dev/null
tui_start "$BOXEL" review --db "$DB" --user rita
expect_screen "the review screen opens" "review 1/2"
expect_screen "no lease counted" "lease none"
expect_screen "says whose judgment it is" "by bob in"
tui_keys '?'
expect_screen "its help has its own title" "boxel review: keys (any key closes; j/k scroll)"
tui_keys Escape
check "help closed" tui_gone "boxel review: keys"
tui_keys n
expect_screen "n asks what is wrong" "reject: what is wrong (Enter rejects, Esc cancels): _"
tui_keys Escape
check "Esc cancels the reject" tui_gone "reject: what is wrong"
# the editing keys are shared: select and delete the box, then s is a fix
tui_keys Tab d
expect_screen "the box deleted" "Objects (0)"
tui_keys s
expect_screen "s after an edit fixes" "fixed"
wait_sql "the fix stored" "SELECT group_concat(verdict) FROM reviews" fix
tui_keys C-n
expect_screen "Ctrl-N passes the last one" "Nothing to review for rita right now (1 reviewed in this session"
tui_keys q
finish
