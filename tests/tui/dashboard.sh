# dashboard.sh: `boxel admin` at 80x24 with 60 labelers (issue 10, part
# 9): every column fits, the labelers scroll, and a p n sort them (worst
# gold accuracy first: who to coach). ann, bob and cy did gold work of
# known accuracy (1, 0.5, 0.67: the scene is a scored item) at known paces (60, 30, 40 an hour of
# active time). With gold_min 2 (bar 0.8) bob's and cy's second gold arms
# their suspension, and l01, under the bar on one gold, is at risk: the
# ALERT column says so within 80 columns, and the accuracy sort puts them
# first (who to coach).
. "$(dirname "$0")/lib.sh"
TUI_W=80
TUI_H=24

make_project "$T_TMP/p"
for u in ann bob cy; do "$BOXEL" user add $u --role annotator --db "$DB" >/dev/null; done
for i in $(seq -w 1 57); do "$BOXEL" user add "l$i" --role annotator --db "$DB" >/dev/null; done
sq "INSERT INTO gold(task, answer) SELECT id, '{\"annotations\":[{\"box\":[10,20,100,120],\"class\":\"cup\"},{\"box\":[200,100,80,80],\"class\":\"cat\",\"attributes\":{\"pose\":\"sitting\"}}],\"global\":{\"scene\":\"indoor\"}}' FROM tasks"
"$BOXEL" config set --db "$DB" gold_min 2 >/dev/null
jget() { cjget "$@"; }
# work USER SECONDS ANSWER: claim, and submit SECONDS of the clock later.
T=$BOXEL_NOW_MS
work() {
	local c
	c=$(BOXEL_NOW_MS=$T "$BOXEL" queue claim --db "$DB" --user "$1" --json) || { fail "claim $1"; return; }
	printf '%s' "$3" > "$T_TMP/a.json"
	T=$((T + $2 * 1000))
	BOXEL_NOW_MS=$T "$BOXEL" queue submit --db "$DB" --judgment "$(jget "$c" judgment)" \
	    --token "$(jget "$c" token)" "$T_TMP/a.json" >/dev/null || fail "submit $1"
	T=$((T + 1000))
}
box() { printf '{"class":"%s","box":[%s]%s}' "$1" "$2" "$([ "$1" = cat ] && echo ',"attributes":{"pose":"sitting"}')"; }
G='"global":{"scene":"indoor"}'
BOTH="{\"annotations\":[$(box cup 10,20,100,120),$(box cat 200,100,80,80)],$G}"
CUP="{\"annotations\":[$(box cup 10,20,100,120)],$G}"
CAT="{\"annotations\":[$(box cat 10,20,100,120)],$G}"
work ann 60 "$BOTH"; work ann 60 "$BOTH"      # 4 of 4: 1
work bob 120 "$CUP"; work bob 120 "$CAT"      # 3 TP (2 scenes), 1 M, 2 FN: 0.5
work cy 90 "$CUP"; work cy 90 "$CUP"          # 4 TP, 2 FN: 0.67
work l01 20 "$CAT"                            # scene TP, 1 M, 1 FN: 0.33 on one gold

tui_start "$BOXEL" admin --db "$DB" --interval 3600
expect_screen "the labelers' table, 61 of them" "of 61 by gold accuracy, worst first"
row() { tui_screen | grep -E "^ $1 " | head -1; }
# The whole row fits in 80 columns, the reviews column last.
R=$(row bob)
check "bob's row whole: gold 2, 0.50, no skips, no reviews, 30 an hour, armed ($R)" \
	eval '[[ "$R" =~ ^\ bob\ +training\ +2\ +0\.50\ +0%\ +0/0/0\ +30\.0\ +0\ armed\ [0-2]$ ]]'
R=$(row l01)
check "l01 under the bar on one gold: at risk ($R)" \
	eval '[[ "$R" =~ ^\ l01\ +training\ +1\ +0\.33\ .*\ 0\ at\ risk$ ]]'
R=$(row ann)
check "ann at 1.0: no alert ($R)" eval '[[ "$R" =~ \ 60\.0\ +0$ ]]'
check "the header ends with ALERT" eval 'tui_screen | grep -qE "^ NAME .* REVIEWS ALERT$"'
check "every line fits 80 columns" eval '! tui_screen | grep -qE "^.{81}"'
check "the batch header ends with GOLD" eval 'tui_screen | grep -qE "^ BATCH .* GOLD$"'
# Worst first: l01 0.33, bob 0.5, cy 0.67, ann 1, then those without gold.
first3() { tui_screen | sed -n '/^ NAME /,$p' | sed -n '2,4p' | awk '{print $1}' | tr '\n' ' '; }
check "sorted by accuracy: l01 bob cy, the alerts first" test "$(first3)" = "l01 bob cy "
tui_keys p
expect_screen "p: by pace" "by pace, slowest first"
check "slowest first: bob (30), cy (40), ann (60)" test "$(first3)" = "bob cy ann "
tui_keys n
expect_screen "n: by name" "by name (a p n sort"
check "by name: alice ann bob" test "$(first3)" = "alice ann bob "
# Scrolling: a page down shows later names, the heading says which.
shown() { tui_screen | grep -oE 'Labelers [0-9]+-[0-9]+ of 61' | head -1; }
before=$(shown)
tui_keys PageDown
check "a page down moves the window" tui_gone "$before"
check "... to later labelers" eval 'tui_screen | grep -qE "^ l[0-9]+ "'
for k in 1 2 3 4 5 6; do tui_keys PageDown; done
expect_screen "the last page ends at 61" "-61 of 61"
check "the last labeler by name is on it" eval 'tui_screen | grep -qE "^ l57 "'
tui_keys k
check "k scrolls up a line" tui_gone "-61 of 61"
tui_keys g
expect_screen "g: the first page again" "Labelers 1-"
tui_keys q
check "q quits" tui_gone "boxel admin"
finish
