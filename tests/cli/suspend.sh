#!/usr/bin/env bash
# suspend.sh: a gold suspension does not name the gold task (issue 10,
# part 4). Twenty labelers who answer every task wrong, gold_min 1: the gold
# submit that puts each under the bar only arms the suspension; it takes
# effect at the claim after 0, 1 or 2 more ordinary submits (at random),
# no gold is served meanwhile, and every submit and the refusal read alike.
# Admins see the armed suspension; the labeler never does.
. "$(dirname "$0")/lib.sh"

export BOXEL_DB=$T_TMP/s.db
py() { /usr/bin/python3 -c "$@"; }
jget() { cjget "$@"; }
IMG=$T_TMP/images
mkdir -p "$IMG"
# 40 ordinary tasks: gold is drawn at random at the gold rate only while
# ordinary work is left, so each labeler must have enough of it to meet
# their gold (at rate 0.5, missing it in 40 claims has chance 1e-12).
tiny_pngs "$IMG" 16 12 t{00..39}.png g0{0..3}.png
# COCO gold for g00..g03: one cup each.
py '
import json, sys
coco = {"images": [], "annotations": [], "categories": [{"id": 1, "name": "cup"}]}
for i in range(4):
    coco["images"].append({"id": i + 1, "file_name": "g%02d.png" % i, "width": 16, "height": 12})
    coco["annotations"].append({"id": i + 1, "image_id": i + 1, "category_id": 1,
                                "bbox": [1, 1, 8, 6]})
json.dump(coco, open(sys.argv[1], "w"))' "$T_TMP/gold.json"
cat > "$T_TMP/tax.json" <<'TAX'
{"name": "t", "classes": [{"name": "cup", "hotkey": "m", "geometries": ["box"]},
                          {"name": "plate", "hotkey": "t", "geometries": ["box"]}]}
TAX
"$BOXEL" init --images "$IMG" --taxonomy "$T_TMP/tax.json" >/dev/null
"$BOXEL" import "$IMG" >/dev/null
"$BOXEL" import --format coco --as gold "$T_TMP/gold.json" >/dev/null
"$BOXEL" config set gold_min 1 >/dev/null
"$BOXEL" config set gold_window 1 >/dev/null
USERS=$(echo u{00..19})
LOGS=$(for u in $USERS; do echo "$T_TMP/$u.log"; done)
for u in $USERS; do "$BOXEL" user add $u --role annotator >/dev/null; done
"$BOXEL" batch create prod --kind production --overlap 20 --gold-rate 0.5 >/dev/null
printf '{"annotations":[{"class":"plate","box":[1,1,8,6]}]}\n' > "$T_TMP/plate.json"

# Each line of USER.log: image, claim keys, submit output with numbers
# squeezed; USER.end: what the claim that stopped said.
for u in $USERS; do
	: > "$T_TMP/$u.log"
	while c=$("$BOXEL" queue claim --user $u --json 2>"$T_TMP/$u.end"); do
		s=$("$BOXEL" queue submit --user $u --judgment "$(jget "$c" judgment)" \
		    --token "$(jget "$c" token)" "$T_TMP/plate.json" 2>&1)
		k=$(printf '%s' "$c" | grep -o '"[a-z_]*":' | sort | tr -d '\n')
		printf '%s\t%s\t%s\n' "$(jget "$c" image)" "$k" "$(printf '%s' "$s" | tr -s '0-9' 'N')" \
			>> "$T_TMP/$u.log"
		# After each of u00's submits: what an admin (this login, no user
		# of the project) sees of the armed suspension, and what u00 sees.
		[ $u = u00 ] && printf '%s\t%s\t%s\t%s\n' \
			"$("$BOXEL" user show u00 --json | py 'import json, sys; print(json.dumps(json.load(sys.stdin)["suspension_armed"]))')" \
			"$("$BOXEL" user list | grep '^u00 ')" \
			"$( (BOXEL_ACTOR=u00 "$BOXEL" user show u00 --json; BOXEL_ACTOR=u00 "$BOXEL" user show u00) | tr '\n\t' '  ')" \
			"$(BOXEL_ACTOR=u00 "$BOXEL" user list --json | tr -d '\n')" >> "$T_TMP/view.log"
		[ "$(wc -l < "$T_TMP/$u.log")" -lt 44 ] || break
	done
done
check "every labeler ends suspended" test "$("$BOXEL" user list | grep -c ' suspended')" = 20
check "the suspension takes effect 0-2 ordinary submits after the gold, no gold between" py '
import sys
ks = []
for f in sys.argv[1:]:
    imgs = [l.split("\t")[0] for l in open(f)]
    gold = [i for i, m in enumerate(imgs) if m[0] == "g"]
    assert len(gold) == 1, (f, imgs)
    k = len(imgs) - 1 - gold[-1]
    assert 0 <= k <= 2, (f, imgs)
    ks.append(k)
print("ordinary submits between the gold and the suspension:", ks)
# Each grace is 0, 1 or 2 with chance 1/3, independently: 20 labelers all
# alike has chance 3 * (1/3)^20 = 8.6e-10. A grace that never varied (the
# claim after the gold would say it) fails here every time.
assert len(set(ks)) > 1, ks' $LOGS
check "admins see the armed suspension count down; the labeler never sees it" py '
import json, sys
imgs = [l.split("\t")[0] for l in open(sys.argv[1])]
g = [i for i, m in enumerate(imgs) if m[0] == "g"][0]
k = len(imgs) - 1 - g
for i, l in enumerate(open(sys.argv[2])):
    armed, line, own_show, own_list = l.rstrip("\n").split("\t")
    if i < g:
        assert armed == "null" and "armed" not in line, (i, l)
    else:
        assert json.loads(armed) == {"submits_left": k - (i - g)}, (i, g, k, l)
        assert "suspension armed" in line, (i, l)
    assert "armed" not in own_show + own_list, (i, l)
print("u00: gold at submit", g + 1, "then", k, "ordinary")' "$T_TMP/u00.log" "$T_TMP/view.log"
check "every claim and submit reads alike, gold or not" py '
import sys
rows = {tuple(l.rstrip("\n").split("\t")[1:]) for f in sys.argv[1:] for l in open(f)}
assert len(rows) == 1, rows' $LOGS
check "the refusal names the reason, the same for all" test \
	"$(for u in $USERS; do cat "$T_TMP/$u.end"; done | sed 's/user u[0-9]*/user U/' | sort -u)" = \
	"boxel: user U is suspended (gold accuracy under the project's bar); an admin can reinstate them"
check "each suspension is logged" test "$(sqlite3 "$BOXEL_DB" "SELECT count(*) FROM events WHERE what = 'user_qual' AND detail ->> '\$.qual' = 'suspended'")" = 20
# An admin's reinstatement clears it: the labeler works again.
"$BOXEL" user reinstate u00 >/dev/null
expect_rc 0 "reinstated: a claim works" "$BOXEL" queue claim --user u00
finish
