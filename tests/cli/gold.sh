#!/usr/bin/env bash
# gold.sh: gold an annotator cannot spot (issue 10, part 1), and the gold
# set's management (part 10). A production batch of 30 ordinary and 10 gold
# tasks, gold rate 0.3: what each claim and submit prints is compared
# between gold and ordinary work, and the order work comes in is checked
# against the import order.
. "$(dirname "$0")/lib.sh"

export BOXEL_DB=$(db_new g)
G2=$(db_new g2)
py() { /usr/bin/python3 -c "$@"; }
jget() { py 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
IMG=$T_TMP/images
mkdir -p "$IMG"
# 40 tiny PNGs (t000..t029 ordinary, g000..g009 gold) and COCO gold: one cup.
py '
import json, struct, sys, zlib
d = sys.argv[1]
def chunk(t, b):
    return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
coco = {"images": [], "annotations": [], "categories": [{"id": 1, "name": "cup"}]}
names = ["t%03d.png" % i for i in range(30)] + ["g%03d.png" % i for i in range(10)]
for i, name in enumerate(names):
    row = b"\0" + bytes([i % 256, 90, 140]) * 64
    open("%s/%s" % (d, name), "wb").write(b"\x89PNG\r\n\x1a\n" +
        chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 48, 8, 2, 0, 0, 0)) +
        chunk(b"IDAT", zlib.compress(row * 48)) + chunk(b"IEND", b""))
    if name[0] == "g":
        coco["images"].append({"id": i + 1, "file_name": name, "width": 64, "height": 48})
        coco["annotations"].append({"id": i + 1, "image_id": i + 1, "category_id": 1,
                                    "bbox": [4, 5, 20, 15]})
json.dump(coco, open(sys.argv[2], "w"))' "$IMG" "$T_TMP/gold.json"
cat > "$T_TMP/tax.json" <<'TAX'
{"name": "tableware", "classes": [
  {"name": "cup", "hotkey": "m", "geometries": ["box"]},
  {"name": "plate", "hotkey": "t", "geometries": ["box"]}]}
TAX
"$BOXEL" init --images "$IMG" --taxonomy "$T_TMP/tax.json" >/dev/null
"$BOXEL" import "$IMG" >/dev/null
expect_rc 0 "import COCO gold" "$BOXEL" import --format coco --as gold "$T_TMP/gold.json"
for u in ann bob sam; do "$BOXEL" user add $u --role annotator >/dev/null; done
expect_rc 0 "production batch, overlap 2, gold rate 0.3" "$BOXEL" batch create prod --kind production --overlap 2 --gold-rate 0.3

CUP='{"annotations":[{"class":"cup","box":[4,5,20,15]}]}'
PLATE='{"annotations":[{"class":"plate","box":[4,5,20,15]}]}'
printf '%s\n' "$CUP" > "$T_TMP/cup.json"
printf '%s\n' "$PLATE" > "$T_TMP/plate.json"

# work USER ANSWER LOG: claim and submit until no work (or refused); each
# line of LOG: judgment id, image, claim --json keys, submit output with
# its numbers blanked, exit codes.
work() {
	local u=$1 a=$2 log=$3 c j t
	: > "$log"
	while [ "$(wc -l < "$log")" -lt 100 ]; do
		c=$("$BOXEL" queue claim --user "$u" --json 2>"$T_TMP/err") || { cat "$T_TMP/err" >> "$log.end"; break; }
		j=$(jget "$c" judgment); t=$(jget "$c" token)
		s=$("$BOXEL" queue submit --user "$u" --judgment "$j" --token "$t" "$a" 2>&1)
		printf '%s\t%s\t%s\t%s\n' "$j" "$(jget "$c" image)" \
		    "$(py 'import json,sys; print(",".join(sorted(json.loads(sys.argv[1]))))' "$c")" \
		    "$(printf '%s' "$s" | sed 's/[0-9][0-9]*/N/g')" >> "$log"
	done
}
work ann "$T_TMP/cup.json" "$T_TMP/ann.log"
work bob "$T_TMP/cup.json" "$T_TMP/bob.log"

check "ann did all 30 ordinary tasks and some gold" py '
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
imgs = [r[1] for r in rows]
assert sorted(i for i in imgs if i[0] == "t") == ["t%03d.png" % i for i in range(30)], imgs
assert len(set(imgs)) == len(imgs), imgs
assert 1 <= sum(i[0] == "g" for i in imgs) <= 10, imgs' "$T_TMP/ann.log"
check "judgment ids follow the claims, gold or not" py '
import sys
for f in sys.argv[1:]:
    ids = [int(l.split("\t")[0]) for l in open(f)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), (f, ids)' "$T_TMP/ann.log" "$T_TMP/bob.log"
check "claim keys and submit output the same for gold and ordinary" py '
import sys
for f in sys.argv[1:]:
    rows = [l.rstrip("\n").split("\t") for l in open(f)]
    assert len({(r[2], r[3]) for r in rows}) == 1, (f, {(r[2], r[3]) for r in rows})' "$T_TMP/ann.log" "$T_TMP/bob.log"
# Not the import order, and not one order for everyone: served in import
# order, a gold image would stand out among its neighbours.
check "ordinary work not in import order" py '
import sys
o = [l.split("\t")[1] for l in open(sys.argv[1]) if l.split("\t")[1][0] == "t"]
assert o != sorted(o), o' "$T_TMP/ann.log"
check "ann and bob get different orders" py '
import sys
a, b = ([l.split("\t")[1] for l in open(f) if l.split("\t")[1][0] == "t"] for f in sys.argv[1:])
assert a != b, (a, b)' "$T_TMP/ann.log" "$T_TMP/bob.log"
check "gold at more than one position" py '
import sys
pos = [i for f in sys.argv[1:] for i, l in enumerate(open(f)) if l.split("\t")[1][0] == "g"]
assert len(set(pos)) > 1, pos' "$T_TMP/ann.log" "$T_TMP/bob.log"
check "batch progress: the ordinary work, no gold" contains "$("$BOXEL" batch show prod)" "progress   60 of 60 judgments done"

# The submit that suspends says what every submit says; the next claim why.
"$BOXEL" config set gold_min 3 >/dev/null
"$BOXEL" config set gold_window 3 >/dev/null
"$BOXEL" batch create prod2 --kind production --gold-rate 1 --tasks all >/dev/null
work sam "$T_TMP/plate.json" "$T_TMP/sam.log"
check "sam suspended after 3 wrong gold" contains "$("$BOXEL" user show sam)" "suspended (gold accuracy under the bar)"
check "sam's submits all read alike" py '
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
assert len(rows) >= 3 and len({r[3] for r in rows}) == 1, rows' "$T_TMP/sam.log"
check "the next claim says why" contains "$(cat "$T_TMP/sam.log.end")" "sam is suspended (gold accuracy under the project's bar)"

# Import order, for projects whose order matters (frames of a video).
"$BOXEL" user reinstate sam >/dev/null
"$BOXEL" user add cal --role annotator >/dev/null
expect_rc 0 "serve_order import" "$BOXEL" config set serve_order import
expect_rc 2 "serve_order bad" "$BOXEL" config set serve_order shuffled
check "names the words" contains "$ERR" "random or import"
"$BOXEL" batch create seq --kind production --tasks all --priority 9 >/dev/null
o=""
for k in 1 2 3 4 5; do
	c=$("$BOXEL" queue claim --user cal --json); o="$o $(jget "$c" image)"
	"$BOXEL" queue submit --user cal --judgment "$(jget "$c" judgment)" --token "$(jget "$c" token)" "$T_TMP/cup.json" >/dev/null
done
check "import order" test "$o" = " t000.png t001.png t002.png t003.png t004.png"

# --- the gold set (part 10)
expect_rc 0 "gold list --json" "$BOXEL" gold list --json
check "pass rates: ann and bob always right, sam never" py '
import json, sys
d = {x["image"]: x for x in json.loads(sys.argv[1])}
assert len(d) == 10, d
for x in d.values():
    assert x["passed"] <= x["judged"] and not x["retired"], x
assert sum(x["judged"] for x in d.values()) == sum(x["passed"] for x in d.values()) + int(sys.argv[2]), d
rated = [x for x in d.values() if x["judged"]]
assert all(x["pass_rate"] == x["passed"] / x["judged"] for x in rated), rated' "$OUT" "$(grep -c $'\tg' "$T_TMP/sam.log")"
first=$(printf '%s\n' "$("$BOXEL" gold list)" | sed -n 2p)
check "text: hardest first" py '
import json, sys
d = json.loads(sys.argv[1]); lo = min((x["pass_rate"] for x in d if x["judged"]), default=None)
assert lo is None or sys.argv[2].split()[0] in [x["image"] for x in d if x["pass_rate"] == lo], sys.argv[2]' "$OUT" "$first"
expect_rc 0 "export the gold set" "$BOXEL" gold export "$T_TMP/gold.jsonl"
check "one line per gold task" test "$(wc -l < "$T_TMP/gold.jsonl")" = 10
"$BOXEL" init --db "$G2" --images "$IMG" --taxonomy "$T_TMP/tax.json" >/dev/null
expect_rc 0 "import it as gold into a fresh store" "$BOXEL" import --db "$G2" --as gold "$T_TMP/gold.jsonl"
expect_rc 0 "export again" "$BOXEL" gold export --db "$G2" -
check "round trip identical" test "$OUT" = "$(cat "$T_TMP/gold.jsonl")"
expect_rc 2 "export to a missing directory" "$BOXEL" gold export "$T_TMP/no/such/dir.jsonl"
check "one line naming the file" one_line "$ERR"

for g in 000 001 002 003 004 005 006 007 008; do "$BOXEL" gold retire g$g.png >/dev/null; done
expect_rc 0 "retire the 10th" "$BOXEL" gold retire g009.png
check "says so" contains "$OUT" "g009.png: gold retired"
expect_rc 2 "retire an image without gold" "$BOXEL" gold retire t000.png
check "names it" contains "$ERR" "no gold for image 't000.png'"
"$BOXEL" user add dan --role annotator >/dev/null
"$BOXEL" config set serve_order random >/dev/null
"$BOXEL" batch create all-gold --kind production --gold-rate 1 --tasks all --priority 20 >/dev/null
work dan "$T_TMP/cup.json" "$T_TMP/dan.log"
check "retired gold is served to nobody" test "$(grep -c $'\tg' "$T_TMP/dan.log")" = 0
check "dan had work" test "$(wc -l < "$T_TMP/dan.log")" -gt 0
expect_rc 0 "recycle one" "$BOXEL" gold recycle g004.png
check "back in the pool" contains "$("$BOXEL" gold list)" "in the pool"
check "only that one" test "$("$BOXEL" gold list | grep -c 'in the pool')" = 1

# promote: an accepted answer becomes gold; anything else is refused
"$BOXEL" user add rev --role reviewer >/dev/null
J=$(db_query "$BOXEL_DB" "SELECT j.id FROM judgments j JOIN tasks t ON t.id = j.task WHERE t.image = 't007.png' AND j.state = 'submitted' LIMIT 1")
expect_rc 2 "promote an unreviewed answer" "$BOXEL" gold promote "$J"
check "says why" contains "$ERR" "only an accepted (reviewed) answer can become gold"
expect_rc 2 "promote a bad id" "$BOXEL" gold promote x7
expect_rc 0 "review accept" "$BOXEL" review accept "$J" --user rev
expect_rc 0 "promote it" "$BOXEL" gold promote "$J"
check "t007 is gold now" contains "$("$BOXEL" gold list)" "t007.png"
check "with the accepted answer" test "$(db_query "$BOXEL_DB" "SELECT g.answer ->> '$.annotations[0].class' FROM gold g JOIN tasks t ON t.id = g.task WHERE t.image = 't007.png'")" = cup
expect_rc 2 "gold: unknown subcommand" "$BOXEL" gold polish

finish
