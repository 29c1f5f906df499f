/* keymap.h: one key table per view (key, action, help text). Views look
 * keys up here, and the `?` overlay and `boxel label --keys` are generated
 * from the same tables, so the help can never drift from the keys. */
#ifndef BOXEL_KEYMAP_H
#define BOXEL_KEYMAP_H

struct bx_keybind {
	int key;          /* tty.h key code */
	int action;       /* the view's action number, > 0 */
	const char *help; /* shown once per action, on its first binding */
};

struct bx_keymap {
	const char *name;
	const struct bx_keybind *binds;
	int n;
};

/* The action bound to key, or 0. */
int bx_keymap_action(const struct bx_keymap *km, int key);
/* Human name of a key code: "a", "Enter", "Space", "Ctrl-R", "Shift-Tab",
 * "Up", "Shift-Left". Writes into buf (size n) and returns it. */
const char *bx_key_name(int key, char *buf, int n);
/* Help text, one line per action in table order: the names of all its
 * keys, padded to keycol columns, then the help. Returns the number of
 * lines; *lines_out is an array of strings, free with bx_keymap_help_free. */
int bx_keymap_help(const struct bx_keymap *km, int keycol, char ***lines_out);
void bx_keymap_help_free(char **lines, int n);
/* Keys that are typed text rather than commands (a search, a comment, a
 * count): the views read them with these, so no view holds key literals. */
int bx_key_text(int key);   /* a printable character (Space too) */
int bx_key_graph(int key);  /* printable ASCII other than Space (class hotkeys) */
int bx_key_upper(int key);  /* an ASCII capital */
int bx_key_digit(int key);  /* 0..9, or -1 */

/* The labeling view's actions and table. */
enum bx_label_action {
	BX_LA_LEFT = 1, BX_LA_RIGHT, BX_LA_UP, BX_LA_DOWN,
	BX_LA_LEFT_FAR, BX_LA_RIGHT_FAR, BX_LA_UP_FAR, BX_LA_DOWN_FAR,
	BX_LA_PAN_LEFT, BX_LA_PAN_RIGHT, BX_LA_PAN_UP, BX_LA_PAN_DOWN,
	BX_LA_ZOOM_IN, BX_LA_ZOOM_OUT, BX_LA_ZOOM_FIT,
	BX_LA_ZOOM_1TO1, BX_LA_ZOOM_OBJECT, BX_LA_MINIMAP, BX_LA_GOTO,
	BX_LA_ROTATE_CW, BX_LA_ROTATE_CCW, BX_LA_ANGLE,
	BX_LA_PLACE, BX_LA_ENTER, BX_LA_BACKSPACE, BX_LA_CANCEL, BX_LA_SKIP_POINT, BX_LA_OCCLUDED,
	BX_LA_CLASS, BX_LA_CLASS_NEXT, BX_LA_CLASS_PREV, BX_LA_PICKER, BX_LA_JUMP, BX_LA_JUMP_EXACT, BX_LA_LOOK,
	BX_LA_SELECT_HERE, BX_LA_GRAB_NEAREST, BX_LA_GRAB_NAMED, BX_LA_FINE, BX_LA_TIGHTEN, BX_LA_AUTO_TIGHTEN,
	BX_LA_WAND, BX_LA_WAND_BOX, BX_LA_WAND_SHRINK, BX_LA_REPEAT, BX_LA_COPY_PREV,
	BX_LA_SELECT_NEXT, BX_LA_SELECT_PREV, BX_LA_HANDLE_NEXT, BX_LA_HANDLE_PREV,
	BX_LA_INSERT_VERTEX, BX_LA_DELETE_VERTEX, BX_LA_DELETE,
	BX_LA_ATTRS, BX_LA_GLOBAL_ATTRS,
	BX_LA_ACCEPT, BX_LA_REJECT, BX_LA_ACCEPT_ALL,
	BX_LA_UNDO, BX_LA_REDO,
	BX_LA_INSTR_UP, BX_LA_INSTR_DOWN,
	BX_LA_SUBMIT, BX_LA_SKIP, BX_LA_QUIT, BX_LA_HELP, BX_LA_REDRAW,
	BX_LA_PASS, BX_LA_MOUSE,
	/* Drawing tool t (geom.h's numbering) is action BX_LA_TOOL + t: the
	 * kinds' descriptors bring their keys and help lines. */
	BX_LA_TOOL = 1000,
};
extern const struct bx_keymap bx_keymap_label;

/* Keys of the small editors (attribute editor, prompts, help overlay). */
enum bx_form_action {
	BX_FA_UP = 1, BX_FA_DOWN, BX_FA_LEFT, BX_FA_RIGHT, BX_FA_TOGGLE, BX_FA_OK,
	BX_FA_CANCEL, BX_FA_CLEAR,
};
extern const struct bx_keymap bx_keymap_form;

/* The overlays the labeling view pushes: jump labels, class picker, the
 * display menu. Typed text (labels, a search) is not in a table: these
 * are the keys that do something else. */
enum bx_jump_action { BX_JA_CANCEL = 1, BX_JA_BACK, BX_JA_EXACT, BX_JA_PLAIN };
extern const struct bx_keymap bx_keymap_jump;

/* The key after `"` (the named grab): the selected box's edge or corner. */
enum bx_grab_action {
	BX_GA_LEFT = 1, BX_GA_BOTTOM, BX_GA_TOP, BX_GA_RIGHT,
	BX_GA_TL, BX_GA_TR, BX_GA_BL, BX_GA_BR,
};
extern const struct bx_keymap bx_keymap_grab;
enum bx_picker_action { BX_PA_UP = 1, BX_PA_DOWN, BX_PA_PICK, BX_PA_CANCEL, BX_PA_BACK };
extern const struct bx_keymap bx_keymap_picker;
enum bx_look_action {
	BX_KA_NAMES = 1, BX_KA_HIDE, BX_KA_SUGG, BX_KA_GUIDES, BX_KA_BRIGHT_UP, BX_KA_BRIGHT_DOWN,
	BX_KA_CONTRAST_UP, BX_KA_CONTRAST_DOWN, BX_KA_GAMMA_UP, BX_KA_GAMMA_DOWN, BX_KA_RESET,
	BX_KA_CLOSE,
};
extern const struct bx_keymap bx_keymap_look;
/* The review screen's own keys, looked up before the labeling view's
 * (whose editing keys it shares). */
enum bx_review_action { BX_RA_VERDICT = 1, BX_RA_REJECT, BX_RA_PASS };
extern const struct bx_keymap bx_keymap_review;

/* The help overlay: any key not in its table closes it. */
enum bx_help_action { BX_HA_UP = 1, BX_HA_DOWN };
extern const struct bx_keymap bx_keymap_helpscreen;

/* The one-line prompt (a skip reason, a reject comment, go to x,y, a text
 * or number value): other keys are typed text. */
enum bx_prompt_action { BX_TA_OK = 1, BX_TA_CANCEL, BX_TA_ERASE };
extern const struct bx_keymap bx_keymap_prompt;

/* Training feedback after a submit: any key not in the table opens the
 * next task. */
enum bx_feedback_action { BX_FB_QUIT = 1, BX_FB_IGNORE };
extern const struct bx_keymap bx_keymap_feedback;

/* The screens without a task (queue empty, lease lost, fatal error). */
enum bx_notask_action { BX_NA_QUIT = 1, BX_NA_AGAIN, BX_NA_NEXT };
extern const struct bx_keymap bx_keymap_notask;

/* The dashboard (boxel admin, view-admin.c). */
enum bx_admin_action {
	BX_AD_QUIT = 1, BX_AD_REFRESH, BX_AD_REDRAW, BX_AD_SORT_ACC, BX_AD_SORT_PACE,
	BX_AD_SORT_NAME, BX_AD_DOWN, BX_AD_UP, BX_AD_PGDN, BX_AD_PGUP, BX_AD_HOME,
};
extern const struct bx_keymap bx_keymap_admin;

/* Every table, for the help overlay and --keys: label first. */
extern const struct bx_keymap *const bx_keymaps_label_screen[];
extern const int bx_keymaps_label_screen_n;

#endif
