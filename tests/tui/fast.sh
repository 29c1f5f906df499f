# fast.sh: the annotator's fast paths through the real terminal, on a
# synthetic scene with exact truth (tests/tui/make-scene.py) and an
# 80-class taxonomy: tighten, extreme points, the magic wand, jump labels,
# selecting and grabbing under the crosshair, the key grammar (a count
# never picks a class), the class picker, the display menu.
. "$(dirname "$0")/lib.sh"

P=$T_TMP/p
mkdir -p "$P/img"
python3 "$(dirname "$0")/make-scene.py" "$P/img/scene.png"
cp "$P/img/scene.png" "$P/img/scene2.png"
{
	printf '{"name": "eighty", "classes": [\n'
	for i in $(seq 1 80); do
		case $i in
		1) n="red thing" ;;
		57) n="zebra crossing" ;;
		*) n=$(printf 'class %02d' "$i") ;;
		esac
		printf '  {"name": "%s", "geometries": ["box", "polygon"]}%s\n' "$n" "$([ "$i" -lt 80 ] && echo ,)"
	done
	printf ']}\n'
} > "$P/tax.json"
DB=$P/boxel.db
"$BOXEL" init --db "$DB" --images "$P/img" --taxonomy "$P/tax.json" >/dev/null
"$BOXEL" config set --db "$DB" serve_order import >/dev/null # screens in import order
"$BOXEL" import --db "$DB" "$P/img" >/dev/null
"$BOXEL" user add alice --role annotator --db "$DB" >/dev/null
"$BOXEL" batch create b --kind production --tasks all --db "$DB" >/dev/null
check "project made" [ "$(sq 'SELECT count(*) FROM tasks')" = 2 ]

label
expect_screen "opens on the scene" "x 200 y 150"
expect_screen "fit zoom: step 4" "step 4"

# The grammar: a number before a move is a count and leaves the class alone.
tui_type 22h
expect_screen "22h moves 22 steps left" "x 112 y 150"
expect_screen "class stays the first" "box  red thing"
tui_type 19k
expect_screen "19k" "x 112 y 74"

# A rough box around the red one (truth 120,80 100x70): corners 8 px out
# on the left/top and 8 px out right, 8 px in at the bottom.
tui_keys Space
tui_type 29l
tui_type 17j
expect_screen "second corner" "x 228 y 142"
tui_keys Space
expect_screen "rough box drawn" "box 112,74 116x68"
tui_keys t
expect_screen "t tightens it to the truth" "box 120,80 100x70"
expect_screen "message says so" "tightened to 120,80 100x70"
wait_sql "tighten is saved as one journal step" "SELECT count(*) FROM journal" "2"
tui_keys u
expect_screen "one undo brings the rough box back" "box 112,74 116x68"
tui_keys C-r
expect_screen "redo" "box 120,80 100x70"

# Grab the nearest handle: from (228,118) the nearest is the right edge of
# the tightened box (x 220): one key, named in the status line.
tui_type 6k
expect_screen "crosshair beside the right edge" "x 228 y 118"
tui_keys "'"
expect_screen "nearest handle grabbed and named" "grab #1 right edge"
tui_type 2l
expect_screen "a count moves the grabbed edge and keeps the grab" "box 120,80 108x70"
expect_screen "still grabbed" "grab #1 right edge"
tui_keys u Escape Escape

# Extreme points on the ellipse (truth bounds 260,195 80x50): points placed
# a few pixels off each extreme (by whole 4-pixel steps at fit zoom) snap
# to the boundary.
tui_keys E
expect_screen "extreme tool" "extreme  red thing"
tui_type 7l
tui_type 25j
tui_keys Space
expect_screen "first point placed" "extreme 1/4: top-most next"
tui_type 11l
tui_type 6k
tui_keys Space
expect_screen "second point placed" "extreme 2/4: right-most next"
tui_type 11l
tui_type 6j
tui_keys Space
tui_type 11h
tui_type 7j
tui_keys Space
expect_screen "four extreme points make the tight box" "box 260,195 80x50"

# Select under the crosshair, zoom to it, Tab brings the view along.
tui_keys b Escape Escape v
expect_screen "v selects the ellipse's box under the crosshair" "grab #2 whole object"
tui_keys z
if tui_gone "zoom 1.0x"; then pass; else fail "z zooms to the object"; fi
tui_keys Tab
expect_screen "Tab selects the first box" "grab #1 whole object"
expect_screen "the view follows it: crosshair at its centre" "x 170 y 115"
tui_keys 0 Escape Escape

# The magic wand on the green box (truth 20,200 40x80): crosshair inside.
tui_type 32h
tui_type 31j
expect_screen "inside the green box" "x 42 y 239"
tui_keys W
expect_screen "the wand proposes a polygon" "wand: polygon of"
wait_sql "the wand's polygon is in the draft" \
	"SELECT json_array_length(json_extract(state, '\$.answer.annotations[2].polygon')) BETWEEN 3 AND 30 FROM drafts" "1"
tui_keys W
expect_screen "W again regrows it at a higher tolerance" "tolerance 56"
tui_keys u
wait_sql "one undo removes the wand's polygon (grown twice: one step)" \
	"SELECT json_array_length(json_extract(state, '\$.answer.annotations')) FROM drafts" "2"
# B there: the region's box, tightened as a drawn box is.
tui_keys B
expect_screen "B boxes the region and tightens it" "box of the region, tightened: 20,200 40x80"
tui_keys u
tui_keys Escape Escape

# Class picker: class 57 of 80 by typing part of its name.
tui_keys /
expect_screen "picker opens" "80 of 80 match"
tui_type zeb
expect_screen "one match" "1 of 80 match"
tui_keys Enter
expect_screen "class picked" "zebra crossing"
tui_keys '`'
expect_screen "backtick returns to the previous class" "box  red thing"
# Two digits and a pause pick class 12; 4 then 7 then a pause, class 47.
tui_type 47
expect_screen "a number then a pause picks that class" "class 47"

# The display menu: class names on objects.
tui_keys V
expect_screen "display menu" "names off"
tui_keys n
expect_screen "names on" "names on"
tui_keys Escape
expect_screen "a class name is drawn on the object" "red thing"

# Jump labels: ; then two letters move the crosshair; Esc closes.
tui_type '\;'
expect_screen "jump labels shown" "jump: type the label"
tui_type aa
expect_screen "aa moves the crosshair to the top-left target" "x 10 y 0"
tui_gone "jump: type the label"

# With the mouse: T once, then one drag around the red box (rough by 4-9
# px per side) gives the tight box. Cell (c, r) is image point
# ((c + 0.5) / 0.255, -38.24 + (2r + 1) / 0.255); reports are 1-based.
tui_keys T
expect_screen "T turns tightening on" "tighten after each box: on"
tui_keys b
tui_type $'\033[<0;29;15M'
tui_type $'\033[<32;59;25M'
tui_type $'\033[<0;59;25m'
expect_screen "one drag and the box is tight" "tightened to 120,80 100x70"

tui_keys q
finish
