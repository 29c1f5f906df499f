#!/usr/bin/env bash
# reevaluate.sh: a settings change that re-evaluates everyone (issue 10
# part 2, issue 12 part 1). carl and dan each answered their one gold
# wrong; with gold_min 10 that is no verdict. `config set gold_min 1`
# suspends both at once, their unreviewed work is held, and the consensus
# of the task both shared with alice and bob is merged again without either:
# the same answer as a merge of alice's and bob's alone. (Both are held
# before the task is merged, once, as predicted ahead of the write.)
. "$(dirname "$0")/lib.sh"

export BOXEL_DB=$T_TMP/r.db
py() { /usr/bin/python3 -c "$@"; }
IMG=$T_TMP/img
mkdir -p "$IMG"
tiny_pngs "$IMG" 32 24 a.png g.png
cat > "$T_TMP/tax.json" <<'TAX'
{"name": "t", "classes": [{"name": "cup", "hotkey": "m", "geometries": ["box"]},
                          {"name": "dish", "hotkey": "t", "geometries": ["box"]}]}
TAX
"$BOXEL" init --images "$IMG" --taxonomy "$T_TMP/tax.json" >/dev/null
"$BOXEL" import "$IMG" >/dev/null
printf '{"image":"g.png","answer":{"annotations":[{"class":"cup","box":[4,4,8,8]}]}}\n' > "$T_TMP/gold.jsonl"
"$BOXEL" import --as gold "$T_TMP/gold.jsonl" >/dev/null
for u in alice bob carl dan; do "$BOXEL" user add $u --role annotator >/dev/null; done
# alice and bob disagree on the class: the task asks for a third judgment.
"$BOXEL" config set agreement_bar 1 >/dev/null
"$BOXEL" config set max_overlap 4 >/dev/null
printf 'a.png\n' > "$T_TMP/a.txt"
printf 'g.png\n' > "$T_TMP/g.txt"
"$BOXEL" batch create shared --kind production --overlap 2 --tasks "$T_TMP/a.txt" >/dev/null
"$BOXEL" batch create gold --kind production --gold-rate 1 --tasks "$T_TMP/g.txt" >/dev/null
# do USER IMAGE ANSWER: claim (it must be IMAGE) and submit ANSWER.
do_() {
	local c
	c=$("$BOXEL" queue claim --user "$1" --json) || { fail "claim $1"; return; }
	check "$1 is given $2" test "$(cjget "$c" image)" = "$2"
	printf '{"annotations":[%s]}\n' "$3" > "$T_TMP/x.json"
	expect_rc 0 "$1 submits $2" "$BOXEL" queue submit --user "$1" --judgment "$(cjget "$c" judgment)" \
		--token "$(cjget "$c" token)" "$T_TMP/x.json"
}
do_ alice a.png '{"class":"cup","box":[0,0,10,10]}'
do_ bob a.png '{"class":"dish","box":[1,1,10,10]}'
do_ carl a.png '{"class":"cup","box":[0,0,10,10]}'
do_ carl g.png '{"class":"dish","box":[4,4,8,8]}'
do_ dan a.png '{"class":"cup","box":[0,0,10,10]}'
do_ dan g.png '{"class":"dish","box":[4,4,8,8]}'
cons() {
	sqlite3 "$BOXEL_DB" "SELECT c.njudgments, a.answer FROM task_consensus c JOIN task_answers a
		ON a.task = c.task AND a.kind = 'consensus' JOIN tasks t ON t.id = c.task WHERE t.image = 'a.png'" |
	py 'import json, sys; n, a = sys.stdin.read().split("|", 1); o = json.loads(a)["annotations"]
print(n, " ".join("%s %s" % (x["class"], ",".join("%.4g" % v for v in x["box"])) for x in o))'
}
check "four judgments merged" test "$(cons)" = "4 cup 0.25,0.25,10,10"
check "carl not suspended on one gold" contains "$("$BOXEL" user list | grep '^carl ')" training
expect_rc 0 "gold_min 1 re-evaluates everyone" "$BOXEL" config set gold_min 1
check "says who" contains "$OUT" "2 suspended"
for u in carl dan; do
	check "$u suspended" contains "$("$BOXEL" user list | grep "^$u ")" suspended
	check "$u's two judgments held" test "$(sqlite3 "$BOXEL_DB" "SELECT group_concat(held) FROM judgments j JOIN users u ON u.id = j.labeler WHERE u.name = '$u' AND j.state = 'submitted'")" = 1,1
done
# alice's and bob's boxes averaged; the class a tie of equal weights, the
# earliest judgment's (alice's cup), as a merge of the two always gives.
check "the task merged again without either" test "$(cons)" = "2 cup 0.5,0.5,10,10"
finish
