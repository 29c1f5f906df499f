# training.sh: after submitting a training task that has gold, boxel label
# shows the gold beside the answer with a verdict per object and the task's
# score until a key is pressed; a gold task of a production batch shows
# nothing of its gold.
. "$(dirname "$0")/lib.sh"

make_project "$T_TMP/p"
"$BOXEL" user qual alice training --db "$DB" >/dev/null
IMG=$(sq "SELECT value FROM settings WHERE key = 'image_root'")
# Gold: astronaut.png (512x512) has two persons, chelsea.png one.
cat > "$IMG/gold.json" <<'J'
{"images": [{"id": 1, "file_name": "astronaut.png", "width": 512, "height": 512},
            {"id": 2, "file_name": "chelsea.png", "width": 451, "height": 300}],
 "annotations": [
  {"id": 1, "image_id": 1, "category_id": 1, "bbox": [256, 256, 30, 20], "attributes": {"occluded": false, "truncated": false}},
  {"id": 2, "image_id": 1, "category_id": 1, "bbox": [40, 40, 60, 60], "attributes": {"occluded": false, "truncated": false}},
  {"id": 3, "image_id": 2, "category_id": 1, "bbox": [10, 10, 50, 50], "attributes": {"occluded": false, "truncated": false}}],
 "categories": [{"id": 1, "name": "person"}]}
J
expect_rc 0 "gold imported" "$BOXEL" import --db "$DB" --as gold "$IMG/gold.json"
echo astronaut.png > "$T_TMP/train.txt"
echo chelsea.png > "$T_TMP/prod.txt"
expect_rc 0 "training batch" "$BOXEL" batch create train --kind training \
	--tasks "$T_TMP/train.txt" --priority 10 --gold-rate 1 --db "$DB"
expect_rc 0 "production batch" "$BOXEL" batch create prod --kind production \
	--tasks "$T_TMP/prod.txt" --priority 5 --gold-rate 1 --db "$DB"

label
expect_screen "the training task opens" "astronaut.png"
# A person box from (256,256) to (281,271): 25x15 inside the 30x20 gold,
# IoU 375/600 = 0.62 -> matched. A second one 100 pixels left -> extra.
# The gold at 40,40 is not found -> missed.
tui_keys P b Space
tui_type 5l3j
tui_keys Space H H Space
tui_type 5l3j
tui_keys Space
expect_screen "two boxes drawn" "Objects (2)"
no_fb() { ! tui_screen | grep -qE 'Training feedback|missed|score: TP'; }
check "no feedback before submit" no_fb
tui_keys g Right Escape s
expect_screen "feedback after submit" "Training feedback (any key: next task)"
expect_screen "score counts" "score: TP 1  M 0  FP 1  FN 1"
expect_screen "accuracy 1/3" "accuracy 0.33"
expect_screen "matched verdict with IoU" "matched          #1 person box 256,256 25x15  IoU 0.62"
expect_screen "extra verdict" "extra            #2 person box 181,271 25x15"
expect_screen "missed verdict" "missed           gold person box 40,40 60x60"
# The lease countdown redraws every second: the feedback outlives a redraw.
sleep 1.5
check "stays until a key" tui_wait "Training feedback" 1
wait_sql "the judgment is submitted and scored" \
	"SELECT tp || ' ' || fp || ' ' || fn FROM gold_scores" "1 1 1"

tui_keys Space
expect_screen "a key opens the next task" "chelsea.png"
check "the feedback is gone" tui_gone "Training feedback"
# The production gold task: submitted and scored, but nothing shown.
tui_keys g Right Escape s
expect_screen "next task at once" "coffee.png"
wait_sql "production gold scored too" "SELECT count(*) FROM gold_scores" "2"
check "a production gold task shows no feedback" no_fb
tui_keys q
finish
