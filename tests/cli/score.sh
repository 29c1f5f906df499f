# score.sh: `boxel score` on hand-made COCO fixtures (tests/data/score).
# Expected totals, worked out by hand from the fixtures:
#  image 1: cat IoU 90/110 -> TP; labeler cat on gold dog (IoU 1) -> M;
#           cat with color blue vs red -> M
#  image 2: lake, gold = union of two 10x10 squares (200), labels = a 10x10
#           and a 10x5 square (150), inside it: IoU 150/200 = 0.75 -> TP
#  image 3: gold dog, nothing labeled -> FN
#  image 4: in both files, gold has nothing, labels a dog -> FP
#  image 5: listed in labels only, nothing anywhere -> all null
#  image 6: labels only, a cat -> FP
#  total TP 2, M 2, FP 2, FN 1: precision 2/6, recall 2/5, accuracy 2/7,
#  mean IoU (90/110 + 1 + 1 + 0.75) / 4.
. "$(dirname "$0")/lib.sh"
D=$BOXEL_TEST_DATA/score
PY=/usr/bin/python3

# jq-free JSON check: jcheck DESC JSON PYTHON-EXPR (d is the parsed JSON)
jcheck() {
	local desc=$1 json=$2 expr=$3
	if [ ! -x "$PY" ]; then pass; return; fi
	if printf '%s' "$json" | "$PY" -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if ($expr) else 1)"; then
		pass
	else
		fail "$desc: $expr"
	fi
}

expect_rc 0 "score text" "$BOXEL" score "$D/gold.json" "$D/labels.json"
check "table header" contains "$OUT" "precision"
check "total row" contains "$OUT" "total             2        2      2      1    0.3333    0.4000    0.2857    0.8920"
check "image only in gold and labels lists counted" contains "$OUT" "6 images"
check "undefined ratio shown as -" contains "$OUT" "5                 0        0      0      0         -         -         -         -"

expect_rc 0 "score --json" "$BOXEL" score --json "$D/gold.json" "$D/labels.json"
J=$OUT
jcheck "total counts" "$J" "d['total']['tp']==2 and d['total']['mismatch']==2 and d['total']['fp']==2 and d['total']['fn']==1"
jcheck "total ratios" "$J" "abs(d['total']['precision']-2/6)<1e-12 and abs(d['total']['recall']-0.4)<1e-12 and abs(d['total']['accuracy']-2/7)<1e-12"
jcheck "mean IoU" "$J" "abs(d['total']['mean_iou']-(90/110+1+1+0.75)/4)<1e-12"
jcheck "six images in id order" "$J" "[i['image_id'] for i in d['images']]==[1,2,3,4,5,6]"
jcheck "keys" "$J" "all(set(i)=={'image_id','tp','mismatch','fp','fn','precision','recall','accuracy','mean_iou'} for i in d['images'])"
jcheck "image 1: TP 1, two mismatches (class, attributes)" "$J" "d['images'][0]['tp']==1 and d['images'][0]['mismatch']==2"
jcheck "image 2: union of polygons, IoU 0.75" "$J" "d['images'][1]['tp']==1 and abs(d['images'][1]['mean_iou']-0.75)<1e-12"
jcheck "image 3: missed" "$J" "d['images'][2]['fn']==1 and d['images'][2]['precision'] is None and d['images'][2]['recall']==0"
jcheck "image 4: extra" "$J" "d['images'][3]['fp']==1 and d['images'][3]['recall'] is None"
jcheck "image 5: nothing, all null" "$J" "all(d['images'][4][k] is None for k in ('precision','recall','accuracy','mean_iou'))"
jcheck "image 6: labels-only image counted" "$J" "d['images'][5]['fp']==1"

# A stricter threshold: the lake (0.75) no longer matches: FN + FP.
expect_rc 0 "score --iou 0.8" "$BOXEL" score --iou 0.8 --json "$D/gold.json" "$D/labels.json"
jcheck "--iou 0.8 totals" "$OUT" "(d['total']['tp'],d['total']['mismatch'],d['total']['fp'],d['total']['fn'])==(1,2,3,2)"
# Everything below the cat's 90/110 = 0.818: it stays a match at 0.81, not at 0.82.
expect_rc 0 "score --iou 0.81" "$BOXEL" score --iou 0.81 --json "$D/gold.json" "$D/labels.json"
jcheck "--iou 0.81 keeps the cat" "$OUT" "d['images'][0]['tp']==1"
expect_rc 0 "score --iou 0.82" "$BOXEL" score --iou 0.82 --json "$D/gold.json" "$D/labels.json"
jcheck "--iou 0.82 drops the cat" "$OUT" "d['images'][0]['tp']==0 and d['images'][0]['fn']==1 and d['images'][0]['fp']==1"

# COCO results list against the gold's category ids. Image 1: the cat box
# is exact (TP), dog and red cat missed; image 2: lake missed; image 3: TP;
# image 4: nothing; image 7 (results only): FP. Total TP 2, FP 1, FN 3.
expect_rc 0 "score results list" "$BOXEL" score --json "$D/gold.json" "$D/results.json"
jcheck "results totals" "$OUT" "(d['total']['tp'],d['total']['mismatch'],d['total']['fp'],d['total']['fn'])==(2,0,1,3)"
jcheck "results images" "$OUT" "[i['image_id'] for i in d['images']]==[1,2,3,4,7]"

# Gold against itself: perfect.
expect_rc 0 "gold against itself" "$BOXEL" score --json "$D/gold.json" "$D/gold.json"
jcheck "self score" "$OUT" "d['total']['accuracy']==1 and d['total']['mean_iou']==1 and d['total']['fn']==0"

# Usage errors.
expect_rc 2 "missing argument" "$BOXEL" score "$D/gold.json"
expect_rc 2 "bad --iou" "$BOXEL" score --iou 0 "$D/gold.json" "$D/labels.json"
check "bad --iou in one line" one_line "$ERR"
expect_rc 2 "--iou above 1" "$BOXEL" score --iou 1.5 "$D/gold.json" "$D/labels.json"
expect_rc 2 "--iou not a number" "$BOXEL" score --iou abc "$D/gold.json" "$D/labels.json"
expect_rc 2 "missing file" "$BOXEL" score "$D/nope.json" "$D/labels.json"
check "missing file in one line" one_line "$ERR"
expect_rc 2 "results list as gold" "$BOXEL" score "$D/results.json" "$D/labels.json"
check "results as gold says why" contains "$ERR" "cannot be the gold"
expect_rc 2 "a directory" "$BOXEL" score "$D" "$D/labels.json"
printf '{"categories":[],"annotations":[]}\0{}' > "$T_TMP/nul.json"
expect_rc 2 "NUL byte" "$BOXEL" score "$T_TMP/nul.json" "$D/labels.json"

# Malformed files, as gold and as labels: one clear line naming the file, exit 2.
for f in "$D"/bad-*.json; do
	name=$(basename "$f")
	expect_rc 2 "$name as gold" "$BOXEL" score "$f" "$D/labels.json"
	check "$name as gold: one line" one_line "$ERR"
	check "$name as gold: names the file" contains "$ERR" "$name"
	check "$name as gold: no escape reaches the terminal" no_escape "$ERR"
	check "$name as gold: nothing on stdout" test -z "$OUT"
	expect_rc 2 "$name as labels" "$BOXEL" score "$D/gold.json" "$f"
	check "$name as labels: one line" one_line "$ERR"
done
run "$BOXEL" score "$D/bad-nan-bbox.json" "$D/labels.json"
check "NaN is refused by the parser" contains "$ERR" "NaN"
run "$BOXEL" score "$D/bad-unknown-category.json" "$D/labels.json"
check "unknown category named" contains "$ERR" "unknown category_id 9"
run "$BOXEL" score "$D/bad-duplicate-annotation-id.json" "$D/labels.json"
check "duplicate id named" contains "$ERR" "duplicate id 7"
run "$BOXEL" score "$D/bad-missing-bbox.json" "$D/labels.json"
check "missing bbox named" contains "$ERR" "bbox"

# More gold x labeled objects in one image than one call scores (2100 x 2100
# > 4,000,000 pairs): refused in one line, nothing half-printed.
{
	printf '{"images":[{"id":1}],"categories":[{"id":1,"name":"a"}],"annotations":['
	for i in $(seq 0 2099); do
		[ "$i" -gt 0 ] && printf ','
		printf '{"id":%d,"image_id":1,"category_id":1,"bbox":[%d,0,5,5]}' "$i" "$i"
	done
	printf ']}'
} > "$T_TMP/many.json"
expect_rc 2 "too many objects in one image" "$BOXEL" score "$T_TMP/many.json" "$T_TMP/many.json"
check "too many objects: one line" one_line "$ERR"
check "too many objects: nothing on stdout" test -z "$OUT"

finish
