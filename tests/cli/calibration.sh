#!/usr/bin/env bash
# calibration.sh: `report calibration` scores against gold as the store's
# gold scoring does (issue 10). COCO gold has no attributes; the taxonomy
# gives `occluded` a default. The screen fills the default in, so a
# pixel-perfect box arrives with occluded=false: the store scores it a TP,
# and so must the report. A labeler who says occluded=true is a mismatch in
# both.
# Between labelers the report compares canonical answers, as the store's
# merge does: one labeler leaving occluded unset and another setting it to
# the default agree 1.0 in the pairs and in the consensus.
. "$(dirname "$0")/lib.sh"

export BOXEL_DB=$T_TMP/c.db
py() { /usr/bin/python3 -c "$@"; }
IMG=$T_TMP/img
mkdir -p "$IMG"
tiny_pngs "$IMG" 32 24 g1.png c1.png
cat > "$T_TMP/tax.json" <<'TAX'
{"name": "t", "classes": [{"name": "cup", "hotkey": "m", "geometries": ["box"],
  "attributes": [{"name": "occluded", "type": "bool", "default": false}]}]}
TAX
py '
import json, sys
json.dump({"images": [{"id": 1, "file_name": "g1.png", "width": 32, "height": 24}],
           "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [2, 3, 10, 8]}],
           "categories": [{"id": 1, "name": "cup"}]}, open(sys.argv[1], "w"))' "$T_TMP/gold.json"
"$BOXEL" init --images "$IMG" --taxonomy "$T_TMP/tax.json" >/dev/null
"$BOXEL" import "$IMG" >/dev/null
expect_rc 0 "COCO gold without attributes" "$BOXEL" import --format coco --as gold "$T_TMP/gold.json"
for u in ann occ; do "$BOXEL" user add $u --role annotator >/dev/null; done
"$BOXEL" batch create cal --kind calibration --overlap 2 --tasks all >/dev/null
# work USER OCCLUDED: the right box everywhere, occluded as given ("" unset).
work() {
	local c n=0 at=
	[ -n "$2" ] && at=',"attributes":{"occluded":'"$2"'}'
	printf '{"annotations":[{"class":"cup","box":[2,3,10,8]%s}]}\n' "$at" > "$T_TMP/a.json"
	while c=$("$BOXEL" queue claim --user "$1" --json 2>/dev/null); do
		run "$BOXEL" queue submit --user "$1" --judgment "$(cjget "$c" judgment)" \
			--token "$(cjget "$c" token)" "$T_TMP/a.json"
		[ "$RC" -eq 0 ] || { fail "submit $1: $ERR"; return; }
		n=$((n + 1))
	done
	check "$1 judged both tasks" test "$n" = 2
}
work ann false
work occ true
expect_rc 0 "the store's scores" "$BOXEL" user show ann --json
check "store: ann's default-filled box is right" contains "$OUT" '"accuracy":1,'
expect_rc 0 "report calibration" "$BOXEL" report calibration cal --json
check "report: the same scores as the store" py '
import json, sys
d = {l["labeler"]: l for l in json.loads(sys.argv[1])["labelers"]}
assert d["ann"]["gold_judgments"] == 1 and d["ann"]["gold_accuracy"] == 1, d
assert d["occ"]["gold_judgments"] == 1 and d["occ"]["gold_accuracy"] == 0, d' "$OUT"

"$BOXEL" batch create pair --kind calibration --overlap 2 --tasks all >/dev/null
for u in uns def; do "$BOXEL" user add $u --role annotator >/dev/null; done
work uns ""
work def false
expect_rc 0 "report calibration, unset beside the default" "$BOXEL" report calibration pair --json
check "report: unset and the default agree 1.0, pairwise and in consensus" py '
import json, sys
d = json.loads(sys.argv[1])
m = d["agreement_matrix"]
assert m == [[None, 1], [1, None]], m
ts = [t for t in d["tasks"] if t["judgments"] == 2]
assert ts and all(t["agreement"] == 1 for t in ts), d["tasks"]' "$OUT"
expect_rc 0 "the store's agreement" "$BOXEL" batch show pair --json
check "store: the batch's consensus agreement is 1.0" contains "$OUT" '"mean_agreement":1,'
finish
