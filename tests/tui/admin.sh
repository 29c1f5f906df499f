# admin.sh: `boxel admin`, the live dashboard, on a store where bob has
# submitted gold tasks with one right class, one wrong and one missed
# object: the batch's progress, bob's line (gold sample, gold accuracy,
# sparklines), the confusion against gold; a refresh shows new work; q quits.
. "$(dirname "$0")/lib.sh"

make_project "$T_TMP/p"
"$BOXEL" user add bob --role annotator --db "$DB" >/dev/null
"$BOXEL" user qual bob qualified --db "$DB" >/dev/null
# gold for every task: a cup and a cat
sq "INSERT INTO gold(task, answer) SELECT id, '{\"annotations\":[{\"box\":[10,20,100,120],\"class\":\"cup\"},{\"box\":[200,100,80,80],\"class\":\"cat\",\"attributes\":{\"pose\":\"sitting\"}}],\"global\":{\"scene\":\"indoor\"}}' FROM tasks"
work() { # work CLASS: bob claims one task and draws one CLASS box over the gold cup
	local c j t
	c=$("$BOXEL" queue claim --db "$DB" --user bob --json) || { fail "claim"; return; }
	j=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["judgment"])' "$c")
	t=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$c")
	printf '{"annotations":[{"class":"%s","box":[10,20,100,120]%s}],"global":{"scene":"indoor"}}' "$1" \
	    "$([ "$1" = cat ] && echo ',"attributes":{"pose":"sitting"}')" > "$T_TMP/a.json"
	"$BOXEL" queue submit --db "$DB" --judgment "$j" --token "$t" "$T_TMP/a.json" >/dev/null || fail "submit $1"
}
work cup; work cat
check "two gold scores" test "$(sq 'SELECT count(*) FROM gold_scores')" = 2

tui_start "$BOXEL" admin --db "$DB" --interval 3600
expect_screen "title" "boxel admin  $DB"
expect_screen "the demo batch" " demo         self            4  "
# Every task is gold, and gold is each labeler's own (outside the
# overlap): the batch has no ordinary work, so progress is complete; bob
# has 2 of the 4 gold tasks left.
expect_screen "... no ordinary work left, 2 gold left" "100%     0     0     -      0     2"
# bob: 2 gold judgments; accuracy = TP / (TP + M + FP + FN), the gold's
# scene a scored item: task 1 cup right (TP), cat missed (FN), scene (TP);
# task 2 cup called cat (M), cat missed (FN), scene (TP): 3/6
expect_screen "bob's line: gold sample, accuracy, skips, reviews" \
	" bob          qualified      2  0.50    0%       0/0/0       -       0"
# at risk (0.50 under the bar 0.8 on 2 gold, fewer than gold_min 10), then
# his two gold judgments, 2/3 and 1/3 (▆▃), then both submits in this hour
spark_now() { tui_screen | grep -qE '^ bob .* 0/0/0 +- +0 at risk  ▆▃ +█ *$'; }
check "bob's sparklines: recent gold, submits in the last hour" spark_now
expect_screen "confusion heading counts gold judgments" "Confusion against gold (2 gold judgments)"
# rows are gold classes: the gold cat was missed twice; the gold cup was
# taken for a cup once and for a cat once
expect_screen "gold cat: missed twice" " cat                ·       ·       2"
expect_screen "gold cup: 1 as cat, 1 as cup" " cup                1       1       ·"

work cup
tui_keys r
expect_screen "r refreshes: the confusion counts 3" "Confusion against gold (3 gold judgments)"
tui_keys q
check "q quits" tui_gone "boxel admin"
finish
