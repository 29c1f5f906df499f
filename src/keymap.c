/* keymap.c: the key tables of the views and the help generated from them.
 * A table lists every binding; the first binding of an action carries its
 * help text. Works in tty.h key codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/geom.h"
#include "boxel/keymap.h"
#include "boxel/tty.h"
#include "boxel/util.h"

#define CTRL(c) ((c) & 0x1f)

/* Not const: the drawing tools' bindings are filled into its empty slots
 * from the geometry table on first use (tool_keys), so a new kind brings
 * its key without an edit here. */
static struct bx_keybind label_binds[] = {
	{ 'h', BX_LA_LEFT, "move the crosshair (or the grabbed object/handle) one step left" },
	{ BX_KEY_LEFT, BX_LA_LEFT, NULL },
	{ 'l', BX_LA_RIGHT, "... one step right (a count first moves farther: 5l)" },
	{ BX_KEY_RIGHT, BX_LA_RIGHT, NULL },
	{ 'k', BX_LA_UP, "... one step up" },
	{ BX_KEY_UP, BX_LA_UP, NULL },
	{ 'j', BX_LA_DOWN, "... one step down" },
	{ BX_KEY_DOWN, BX_LA_DOWN, NULL },
	{ 'H', BX_LA_LEFT_FAR, "move ten steps left" },
	{ BX_KEY_C_LEFT, BX_LA_LEFT_FAR, NULL },
	{ 'L', BX_LA_RIGHT_FAR, "move ten steps right" },
	{ BX_KEY_C_RIGHT, BX_LA_RIGHT_FAR, NULL },
	{ 'K', BX_LA_UP_FAR, "move ten steps up" },
	{ BX_KEY_C_UP, BX_LA_UP_FAR, NULL },
	{ 'J', BX_LA_DOWN_FAR, "move ten steps down" },
	{ BX_KEY_C_DOWN, BX_LA_DOWN_FAR, NULL },
	{ BX_KEY_S_LEFT, BX_LA_PAN_LEFT, "pan the view left" },
	{ BX_KEY_S_RIGHT, BX_LA_PAN_RIGHT, "pan the view right" },
	{ BX_KEY_S_UP, BX_LA_PAN_UP, "pan the view up" },
	{ BX_KEY_S_DOWN, BX_LA_PAN_DOWN, "pan the view down" },
	{ '+', BX_LA_ZOOM_IN, "zoom in around the crosshair" },
	{ '=', BX_LA_ZOOM_IN, NULL },
	{ '-', BX_LA_ZOOM_OUT, "zoom out" },
	{ '0', BX_LA_ZOOM_FIT, "fit the image to the pane" },
	{ 'Z', BX_LA_ZOOM_1TO1, "zoom to 1:1 (one image pixel per display pixel; + and - stop there too)" },
	{ 'z', BX_LA_ZOOM_OBJECT, "zoom to the selected object" },
	{ 'M', BX_LA_MINIMAP, "overview of the whole image with the view's rectangle (on/off)" },
	{ 'G', BX_LA_GOTO, "go to a point: type x,y in image pixels" },
	{ ';', BX_LA_JUMP, "jump: labels over the image, type one to move the crosshair there (in capitals: and place; a box's first corner placed, the labels stay for the other: ; and four capitals draw a box)" },
	{ ':', BX_LA_JUMP_EXACT, "exact jump: the label, then one letter for the cell in its block (in capitals: and place)" },
	/* Empty slots: the drawing tools' keys go here (tool_keys). */
	{ 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
	{ 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
	{ 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
	{ 0, 0, NULL }, { 0, 0, NULL }, { 0, 0, NULL },
	{ '>', BX_LA_ROTATE_CW, "turn the selected rotated box or ellipse 5 degrees clockwise (a count first: 30> turns 30)" },
	{ '<', BX_LA_ROTATE_CCW, "turn it 5 degrees counter-clockwise (30< turns 30)" },
	{ '@', BX_LA_ANGLE, "set its angle: 45@ is 45 degrees clockwise, @ alone upright" },
	{ 't', BX_LA_TIGHTEN, "tighten the selected box to the object's edges" },
	{ 'T', BX_LA_AUTO_TIGHTEN, "tighten every box as it is drawn (on/off)" },
	{ 'W', BX_LA_WAND, "magic wand: polygon of the region at the crosshair; again: grow it" },
	{ 'B', BX_LA_WAND_BOX, "box of the region at the crosshair (a plain object: jump into it, B); again: grow it" },
	{ CTRL('w'), BX_LA_WAND_SHRINK, "shrink what W or B just proposed" },
	{ ' ', BX_LA_PLACE, "place a corner, vertex or point at the crosshair" },
	{ BX_KEY_ENTER, BX_LA_ENTER, "place; close the polygon or a multipolygon's ring (again: finish it); accept the selected suggestion" },
	{ BX_KEY_BACKSPACE, BX_LA_BACKSPACE, "remove the last vertex of the shape being drawn (on a new ring: reopen the last)" },
	{ 'N', BX_LA_SKIP_POINT, "skeleton: the point being placed is not labeled (v=0), go to the next" },
	{ 'F', BX_LA_OCCLUDED, "skeleton: place the next point occluded (v=1); on a grabbed point: toggle it" },
	{ BX_KEY_ESC, BX_LA_CANCEL, "cancel the shape being drawn; release, then deselect (the current tool's key again does both at once: a new object, as CVAT's N)" },
	{ '1', BX_LA_CLASS, "a number N: before a move, its count (5l); else class N in taxonomy order (12 then a pause or any key: class 12)" },
	{ '2', BX_LA_CLASS, NULL }, { '3', BX_LA_CLASS, NULL }, { '4', BX_LA_CLASS, NULL },
	{ '5', BX_LA_CLASS, NULL }, { '6', BX_LA_CLASS, NULL }, { '7', BX_LA_CLASS, NULL },
	{ '8', BX_LA_CLASS, NULL }, { '9', BX_LA_CLASS, NULL },
	{ '/', BX_LA_PICKER, "find a class by typing part of its name" },
	{ 'C', BX_LA_CLASS_NEXT, "next class" },
	{ '`', BX_LA_CLASS_PREV, "back to the previous class" },
	{ BX_KEY_TAB, BX_LA_SELECT_NEXT, "select and grab the next object (the view follows it)" },
	{ BX_KEY_BTAB, BX_LA_SELECT_PREV, "select and grab the previous object" },
	{ 'v', BX_LA_SELECT_HERE, "select the object under the crosshair (again: the next one there)" },
	{ '\'', BX_LA_GRAB_NEAREST, "grab the corner, edge or vertex nearest the crosshair" },
	{ '"', BX_LA_GRAB_NAMED, "grab the selected box's edge or corner by name, wherever the crosshair is (the next key names it: see named grab); it moves by image pixels, and the next jump or place lets go" },
	{ ']', BX_LA_HANDLE_NEXT, "grab the next corner/edge/vertex of the selected object" },
	{ ',', BX_LA_FINE, "fine steps: one image pixel whatever the zoom, for a 1 px fix without zooming (again or Esc: back)" },
	{ '[', BX_LA_HANDLE_PREV, "grab the previous corner/edge/vertex" },
	{ 'i', BX_LA_INSERT_VERTEX, "insert a vertex after the grabbed one" },
	{ 'X', BX_LA_DELETE_VERTEX, "delete the grabbed vertex" },
	{ BX_KEY_DELETE, BX_LA_DELETE_VERTEX, NULL },
	{ 'd', BX_LA_DELETE, "delete the selected object" },
	{ '.', BX_LA_REPEAT, "give the selected object the previous object's class and attributes" },
	{ CTRL('p'), BX_LA_COPY_PREV, "copy the objects of your previous task in this batch" },
	{ 'V', BX_LA_LOOK, "display: names, hide objects, guides, brightness, contrast, gamma" },
	{ 'a', BX_LA_ATTRS, "edit the selected object's attributes" },
	{ 'g', BX_LA_GLOBAL_ATTRS, "edit the image's global attributes" },
	{ 'y', BX_LA_ACCEPT, "accept the selected suggestion" },
	{ 'x', BX_LA_REJECT, "reject the selected suggestion" },
	{ 'Y', BX_LA_ACCEPT_ALL, "accept all suggestions above the score threshold" },
	{ 'u', BX_LA_UNDO, "undo" },
	{ CTRL('r'), BX_LA_REDO, "redo" },
	{ BX_KEY_PGUP, BX_LA_INSTR_UP, "scroll the instructions up" },
	{ BX_KEY_PGDN, BX_LA_INSTR_DOWN, "scroll the instructions down" },
	{ 's', BX_LA_SUBMIT, "submit and open the next task" },
	{ 'n', BX_LA_SKIP, "skip this task, asks for a reason" },
	{ CTRL('n'), BX_LA_PASS, "(boxel review: pass; here it says so)" },
	{ 'q', BX_LA_QUIT, "quit (the draft is kept)" },
	{ CTRL('c'), BX_LA_QUIT, NULL },
	{ '?', BX_LA_HELP, "this help" },
	{ BX_KEY_F1, BX_LA_HELP, NULL },
	{ CTRL('l'), BX_LA_REDRAW, "redraw the screen" },
	{ BX_KEY_MOUSE, BX_LA_MOUSE, "drag draws a box, a click places or selects, the wheel zooms" },
};

const struct bx_keymap bx_keymap_label = {
	"label", label_binds, (int)BX_ARRAY_LEN(label_binds),
};

static const struct bx_keybind form_binds[] = {
	{ BX_KEY_UP, BX_FA_UP, "previous field" },
	{ 'k', BX_FA_UP, NULL },
	{ BX_KEY_BTAB, BX_FA_UP, NULL },
	{ BX_KEY_DOWN, BX_FA_DOWN, "next field" },
	{ 'j', BX_FA_DOWN, NULL },
	{ BX_KEY_TAB, BX_FA_DOWN, NULL },
	{ BX_KEY_LEFT, BX_FA_LEFT, "previous choice" },
	{ 'h', BX_FA_LEFT, NULL },
	{ BX_KEY_RIGHT, BX_FA_RIGHT, "next choice" },
	{ 'l', BX_FA_RIGHT, NULL },
	{ ' ', BX_FA_TOGGLE, "toggle (bool, multi-choice item); edit (text, number)" },
	{ BX_KEY_ENTER, BX_FA_OK, "edit the field / finish" },
	{ BX_KEY_ESC, BX_FA_CANCEL, "close" },
	{ 'q', BX_FA_CANCEL, NULL },
	{ BX_KEY_DELETE, BX_FA_CLEAR, "clear the field" },
	{ BX_KEY_BACKSPACE, BX_FA_CLEAR, NULL },
};

const struct bx_keymap bx_keymap_form = {
	"attribute editor (a, g)", form_binds, (int)BX_ARRAY_LEN(form_binds),
};

static const struct bx_keybind jump_binds[] = {
	{ BX_KEY_ESC, BX_JA_CANCEL, "close the labels" },
	{ BX_KEY_BACKSPACE, BX_JA_BACK, "take back the last letter typed" },
	{ ':', BX_JA_EXACT, "before a label: make it an exact jump (a third letter picks the cell)" },
	{ ';', BX_JA_PLAIN, "before a label: make it a plain jump (two letters)" },
};
const struct bx_keymap bx_keymap_jump = {
	"jump (;): type the label where the crosshair should go", jump_binds,
	(int)BX_ARRAY_LEN(jump_binds),
};

/* vi's directions for the edges, its diagonals y u b n for the corners. */
static const struct bx_keybind grab_binds[] = {
	{ 'h', BX_GA_LEFT, "the left edge" },
	{ 'j', BX_GA_BOTTOM, "the bottom edge" },
	{ 'k', BX_GA_TOP, "the top edge" },
	{ 'l', BX_GA_RIGHT, "the right edge" },
	{ 'y', BX_GA_TL, "the top-left corner" },
	{ 'u', BX_GA_TR, "the top-right corner" },
	{ 'b', BX_GA_BL, "the bottom-left corner" },
	{ 'n', BX_GA_BR, "the bottom-right corner" },
};
const struct bx_keymap bx_keymap_grab = {
	"named grab (\"): the key after it grabs the selected box's", grab_binds,
	(int)BX_ARRAY_LEN(grab_binds),
};

static const struct bx_keybind picker_binds[] = {
	{ BX_KEY_UP, BX_PA_UP, "previous match" },
	{ BX_KEY_DOWN, BX_PA_DOWN, "next match" },
	{ BX_KEY_TAB, BX_PA_DOWN, NULL },
	{ BX_KEY_ENTER, BX_PA_PICK, "pick the highlighted class" },
	{ BX_KEY_ESC, BX_PA_CANCEL, "close, class unchanged" },
	{ BX_KEY_BACKSPACE, BX_PA_BACK, "delete the last character of the search" },
};
const struct bx_keymap bx_keymap_picker = {
	"class picker (/): type part of a name", picker_binds, (int)BX_ARRAY_LEN(picker_binds),
};

static const struct bx_keybind look_binds[] = {
	{ 'n', BX_KA_NAMES, "class names on the objects (on/off)" },
	{ 'h', BX_KA_HIDE, "objects: all, only the selected, none" },
	{ 's', BX_KA_SUGG, "suggestions shown/hidden" },
	{ 'g', BX_KA_GUIDES, "crosshair guide lines (on/off)" },
	{ 'b', BX_KA_BRIGHT_UP, "brighter" },
	{ 'B', BX_KA_BRIGHT_DOWN, "darker" },
	{ 'c', BX_KA_CONTRAST_UP, "more contrast" },
	{ 'C', BX_KA_CONTRAST_DOWN, "less contrast" },
	{ 'y', BX_KA_GAMMA_UP, "gamma up (lifts shadows)" },
	{ 'Y', BX_KA_GAMMA_DOWN, "gamma down" },
	{ 'r', BX_KA_RESET, "reset brightness, contrast, gamma" },
	{ BX_KEY_ESC, BX_KA_CLOSE, "close the menu" },
	{ 'V', BX_KA_CLOSE, NULL },
	{ 'q', BX_KA_CLOSE, NULL },
};
const struct bx_keymap bx_keymap_look = {
	"display (V)", look_binds, (int)BX_ARRAY_LEN(look_binds),
};

static const struct bx_keybind review_binds[] = {
	{ 's', BX_RA_VERDICT, "accept the judgment, or fix it once edited, and open the next" },
	{ 'n', BX_RA_REJECT, "reject, asks what is wrong (the task goes back to be labeled again)" },
	{ CTRL('n'), BX_RA_PASS, "pass, leave the judgment to another reviewer" },
};
const struct bx_keymap bx_keymap_review = {
	"boxel review (the labeling keys above edit the judgment)", review_binds,
	(int)BX_ARRAY_LEN(review_binds),
};

static const struct bx_keybind help_binds[] = {
	{ 'j', BX_HA_DOWN, "scroll down" },
	{ BX_KEY_DOWN, BX_HA_DOWN, NULL },
	{ 'k', BX_HA_UP, "scroll up" },
	{ BX_KEY_UP, BX_HA_UP, NULL },
};
const struct bx_keymap bx_keymap_helpscreen = {
	"help (?): any other key closes it", help_binds, (int)BX_ARRAY_LEN(help_binds),
};

static const struct bx_keybind prompt_binds[] = {
	{ BX_KEY_ENTER, BX_TA_OK, "done: skip, reject, go, set the value" },
	{ BX_KEY_ESC, BX_TA_CANCEL, "cancel" },
	{ BX_KEY_BACKSPACE, BX_TA_ERASE, "delete the last character" },
};
const struct bx_keymap bx_keymap_prompt = {
	"prompt (n, G, a text value): type the text", prompt_binds, (int)BX_ARRAY_LEN(prompt_binds),
};

static const struct bx_keybind feedback_binds[] = {
	{ 'q', BX_FB_QUIT, "quit" },
	{ CTRL('c'), BX_FB_QUIT, NULL },
	{ BX_KEY_MOUSE, BX_FB_IGNORE, "ignored (a click does not leave the feedback)" },
};
const struct bx_keymap bx_keymap_feedback = {
	"training feedback: any other key opens the next task", feedback_binds,
	(int)BX_ARRAY_LEN(feedback_binds),
};

static const struct bx_keybind notask_binds[] = {
	{ 'q', BX_NA_QUIT, "quit" },
	{ 'r', BX_NA_AGAIN, "queue empty: check again" },
	{ BX_KEY_ENTER, BX_NA_NEXT, "lease lost: open the next task" },
};
const struct bx_keymap bx_keymap_notask = {
	"no task (queue empty, lease lost)", notask_binds, (int)BX_ARRAY_LEN(notask_binds),
};

static const struct bx_keybind admin_binds[] = {
	{ 'q', BX_AD_QUIT, "quit" },
	{ CTRL('c'), BX_AD_QUIT, NULL },
	{ 'r', BX_AD_REFRESH, "refresh now (the confusion too)" },
	{ CTRL('l'), BX_AD_REDRAW, "redraw the screen" },
	{ 'a', BX_AD_SORT_ACC, "labelers by gold accuracy, worst first (who to coach)" },
	{ 'p', BX_AD_SORT_PACE, "labelers by pace over active time, slowest first" },
	{ 'n', BX_AD_SORT_NAME, "labelers by name" },
	{ 'j', BX_AD_DOWN, "scroll the labelers down a line" },
	{ BX_KEY_DOWN, BX_AD_DOWN, NULL },
	{ 'k', BX_AD_UP, "scroll the labelers up a line" },
	{ BX_KEY_UP, BX_AD_UP, NULL },
	{ BX_KEY_PGDN, BX_AD_PGDN, "scroll the labelers down a page" },
	{ ' ', BX_AD_PGDN, NULL },
	{ BX_KEY_PGUP, BX_AD_PGUP, "scroll the labelers up a page" },
	{ 'g', BX_AD_HOME, "the first labelers" },
	{ BX_KEY_HOME, BX_AD_HOME, NULL },
};
const struct bx_keymap bx_keymap_admin = {
	"dashboard (boxel admin)", admin_binds, (int)BX_ARRAY_LEN(admin_binds),
};

const struct bx_keymap *const bx_keymaps_label_screen[] = {
	&bx_keymap_label, &bx_keymap_review, &bx_keymap_form, &bx_keymap_prompt, &bx_keymap_picker,
	&bx_keymap_jump, &bx_keymap_grab, &bx_keymap_look, &bx_keymap_feedback, &bx_keymap_helpscreen, &bx_keymap_notask,
};
const int bx_keymaps_label_screen_n = (int)BX_ARRAY_LEN(bx_keymaps_label_screen);

/* Fill the labeling table's empty slots with the drawing tools' keys, in
 * the geometry table's order. Once: the table is read-only afterwards. */
static void
tool_keys(void)
{
	static int done;
	const struct bx_geom_tool *t;
	size_t i;
	int n = 0;

	if (done)
		return;
	done = 1;
	for (i = 0; i < BX_ARRAY_LEN(label_binds) && (t = bx_tool_at(n)) != NULL; i++) {
		if (label_binds[i].key != 0 || label_binds[i].action != 0)
			continue;
		label_binds[i].key = t->key;
		label_binds[i].action = BX_LA_TOOL + n;
		label_binds[i].help = t->help;
		n++;
	}
	/* More tools than slots is a programming error the unit test catches. */
	if (bx_tool_at(n) != NULL)
		abort();
}

int
bx_keymap_action(const struct bx_keymap *km, int key)
{
	int i;

	tool_keys();
	for (i = 0; i < km->n; i++)
		if (km->binds[i].key == key)
			return km->binds[i].action;
	return 0;
}

static const struct {
	int key;
	const char *name;
} key_names[] = {
	{ BX_KEY_UP, "Up" }, { BX_KEY_DOWN, "Down" }, { BX_KEY_LEFT, "Left" },
	{ BX_KEY_RIGHT, "Right" }, { BX_KEY_S_UP, "Shift-Up" }, { BX_KEY_S_DOWN, "Shift-Down" },
	{ BX_KEY_S_LEFT, "Shift-Left" }, { BX_KEY_S_RIGHT, "Shift-Right" },
	{ BX_KEY_C_UP, "Ctrl-Up" }, { BX_KEY_C_DOWN, "Ctrl-Down" }, { BX_KEY_C_LEFT, "Ctrl-Left" },
	{ BX_KEY_C_RIGHT, "Ctrl-Right" }, { BX_KEY_BTAB, "Shift-Tab" }, { BX_KEY_TAB, "Tab" },
	{ BX_KEY_ENTER, "Enter" }, { BX_KEY_ESC, "Esc" }, { BX_KEY_BACKSPACE, "Backspace" },
	{ BX_KEY_DELETE, "Delete" }, { BX_KEY_INSERT, "Insert" }, { BX_KEY_HOME, "Home" },
	{ BX_KEY_END, "End" }, { BX_KEY_PGUP, "PgUp" }, { BX_KEY_PGDN, "PgDn" },
	{ BX_KEY_F1, "F1" }, { BX_KEY_MOUSE, "Mouse" }, { ' ', "Space" },
};

const char *
bx_key_name(int key, char *buf, int n)
{
	size_t i;
	int len;

	for (i = 0; i < BX_ARRAY_LEN(key_names); i++) {
		if (key_names[i].key == key) {
			snprintf(buf, (size_t)n, "%s", key_names[i].name);
			return buf;
		}
	}
	if (key > 0 && key < 32) {
		snprintf(buf, (size_t)n, "Ctrl-%c", 'A' + key - 1);
		return buf;
	}
	if (key > 32 && key < BX_KEY_SPECIAL && key != 127 && !(key >= 0x80 && key < 0xa0)) {
		char u[5];
		len = bx_utf8_encode((uint32_t)key, u);
		u[len] = '\0';
		snprintf(buf, (size_t)n, "%s", u);
		return buf;
	}
	snprintf(buf, (size_t)n, "key-%d", key);
	return buf;
}

int
bx_keymap_help(const struct bx_keymap *km, int keycol, char ***lines_out)
{
	char **lines = bx_calloc((size_t)km->n + 1, sizeof *lines);
	int nl = 0, i, j;
	struct bx_buf keys, line;
	char name[32];

	tool_keys();
	bx_buf_init(&keys);
	bx_buf_init(&line);
	for (i = 0; i < km->n; i++) {
		if (km->binds[i].help == NULL)
			continue;
		bx_buf_reset(&keys);
		for (j = 0; j < km->n; j++) {
			if (km->binds[j].action != km->binds[i].action)
				continue;
			if (keys.len > 0)
				bx_buf_putc(&keys, ' ');
			bx_buf_puts(&keys, bx_key_name(km->binds[j].key, name, sizeof name));
		}
		bx_buf_reset(&line);
		bx_buf_printf(&line, "%-*s %s", keycol, keys.p, km->binds[i].help);
		lines[nl++] = bx_strdup(line.p);
	}
	bx_buf_free(&keys);
	bx_buf_free(&line);
	*lines_out = lines;
	return nl;
}

int
bx_key_text(int key)
{
	return key >= 0x20 && key < BX_KEY_SPECIAL && key != 0x7f && !(key >= 0x80 && key < 0xa0);
}

int
bx_key_graph(int key)
{
	return key > 0x20 && key < 0x7f;
}

int
bx_key_upper(int key)
{
	return key >= 'A' && key <= 'Z';
}

int
bx_key_digit(int key)
{
	return key >= '0' && key <= '9' ? key - '0' : -1;
}

void
bx_keymap_help_free(char **lines, int n)
{
	int i;

	if (lines == NULL)
		return;
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}
