/* view-label-int.h: the labeling screen's state, shared by the files that
 * make the labeling and review screens: view-label.c (task lifecycle,
 * drawing, the screen's modes, the labeling role), view-review.c (the
 * review role), label-keys.c and label-mouse.c (the editing keys and mouse
 * both share), label-image.c, label-pane.c, label-nav.c, label-assist.c,
 * label-detail.c, and the overlays they push
 * (view-jump.c, view-picker.c, view-look.c, view-form.c, view-prompt.c,
 * view-feedback.c; view-help.c is generic). Coordinates: image pixels
 * unless named d* (display pixels of the pane's raster) or cell/col/row.
 * Not a public header: only the label screen's files. */
#ifndef BOXEL_VIEW_LABEL_INT_H
#define BOXEL_VIEW_LABEL_INT_H

#include <stdint.h>

#include "boxel/draft.h"
#include "boxel/edit.h"
#include "boxel/image.h"
#include "boxel/label.h"
#include "boxel/raster.h"
#include "boxel/tiles.h"
#include "boxel/util.h"
#include "boxel/view.h"

/* What the annotator chose to see (the `V` menu): display only. */
struct label_look {
	int names;         /* class names drawn on objects */
	int hide;          /* 0 all, 1 only the selected, 2 none */
	int hide_sugg;     /* suggestions hidden */
	int guides;        /* crosshair guide lines across the pane */
	int minimap;       /* the whole image small, with the view's rectangle */
	int bright;        /* -100..100 */
	int contrast;      /* -100..100 */
	int gamma;         /* gamma x 10, 10 = 1.0 */
};

#define MIN_COLS 80
#define MOUSE_NO_GRAB (-2)    /* mouse_grab: the press grabbed nothing */
#define MIN_ROWS 24
#define IDLE_CAP_MS 60000      /* longer pauses do not count as time spent */

/* Without a task the screen is a notice, not the editor: overlays close. */
enum mode { M_NORMAL, M_LOST, M_EMPTY, M_FATAL };

struct label;

/* What differs between the labeling screen (view-label.c) and the review
 * screen (view-review.c); everything else, the editing above all, they
 * share. */
struct label_role {
	const char *unit;  /* the status line's count: "task 3/40", "review 3/40" */
	int leased;        /* the status line counts the lease down */
	const char *hint;  /* the message line when there is nothing to say */
	const char *help_title; /* the top line of the help (?) */
	/* The role's own keys, looked up before the editing keys (a number
	 * typed before them still picks its class first). */
	const struct bx_keymap *keys;
	int (*key)(struct label *L, int action, int64_t now);
	/* A claim just opened a task: say what it is (returned, resumed). */
	void (*opened)(struct label *L);
	/* The screen's text when the queue is empty. */
	void (*empty)(const struct label *L, char *buf, size_t n);
};

struct label {
	struct bx_view *view;  /* the view this is the data of (for pushing overlays) */
	const struct label_role *role;
	struct bx_session *s;
	enum bx_colors colors;
	int no_color;
	int cols, rows;
	enum mode mode;
	char msg[320];
	int msg_err;

	/* the task */
	struct bx_edit ed;
	struct bx_draft_view dv;
	struct bx_image img;   /* the whole image at some scale (the overview for large ones) */
	int img_ok;
	struct bx_raster *mini;          /* the minimap, cached per image and size */
	const struct bx_raster *mini_of; /* the overview it was made from */
	struct bx_image det;   /* large images: the visible part at the zoom's scale */
	int det_ok, det_den;
	double det_x0, det_y0, det_x1, det_y1; /* what det covers, image pixels */
	char img_err[800];
	struct bx_tiles *tiles; /* large PNGs: the tile pyramid img and det come from */
	struct bx_tiles_job *tjob; /* ... being built: img is its preview until it ends */
	int tjob_rows;             /* preview rows img holds */
	char tiles_dir[4096];   /* where this store keeps them, and how many bytes */
	uint64_t tiles_limit;
	int64_t last_key_ms;
	int view_dirty;
	int answer_unsaved;           /* an edit's save failed: it is only on screen */
	long keyno;                   /* keys seen, to tell "q again" from "q, then more" */
	long quit_keyno;              /* the q whose save failed (keyno), 0: none */

	/* layout, in cells */
	int pw, ph;        /* image pane */
	int rx, rw;        /* right pane */
	struct bx_raster *disp;
	double sc;         /* display pixels per image pixel */
	double left, top;  /* image pixel at the display raster's origin */

	/* input: digits typed and not yet read. A number followed by a move
	 * is its count; followed by anything else (or a pause) it picks that
	 * class. Nothing happens while they wait, so a count never changes
	 * the class, the tool or the grab. */
	int num, ndigits;
	/* `,`: a step is one image pixel whatever the zoom, so a grabbed
	 * edge is put on its pixel at fit zoom (5h: five pixels) instead of
	 * zooming in until the display step is 1. Until `,` again, Esc or
	 * the next task; the status line says "step 1 fine". */
	int fine;
	/* `"` was typed: the next key names the box handle to grab. */
	int grab_named;
	/* The handle a named grab took (object, handle; sel -1: none). While
	 * it is held it moves by image pixels, as a dragged handle follows
	 * the pointer in CVAT: a fix is `"h` and one counted move, no `,`. */
	int named_sel, named_handle;
	int mouse_down, mouse_x, mouse_y;
	/* A press on a handle of the selected object (>= 0) or inside it
	 * (-1) waits for a drag to move it; MOUSE_NO_GRAB otherwise. The
	 * drag is one undo step; a release without a drag is a click. */
	int mouse_grab, mouse_moved;
	double mouse_ox, mouse_oy; /* whole object: its corner minus the pointer */
	struct bx_pt ext_click[4]; /* extreme points as placed, before snapping */
	double ext_sc[4];          /* the zoom (sc) each was placed at */
	int ext_zoomed;            /* the view zoomed in for the last two points */
	struct bx_draft_view ext_dv; /* the view to return to then */
	char *prev_cls;    /* the class before the current one (` returns) */

	/* display toggles (session only, never saved) */
	struct label_look look;

	/* assists */
	int auto_tighten;  /* tighten every box as it is drawn */
	int wand_obj;      /* object the last wand proposal made, -1 none */
	int wand_pos;      /* ed.pos right after it (a further press regrows it) */
	double wand_x, wand_y;
	int wand_tol;
	int wand_box;      /* the proposal was B's box, not W's polygon */
	struct bx_answer prev_answer; /* the annotator's previous task in this session */
	char *prev_batch;
	int prev_w, prev_h;           /* its image's size: copies only onto the same size */

	int instr_scroll;
	int list_y, list_first, list_rows; /* where the object list was drawn */
	char *keep_cls;    /* class and tool of the previous task */
	int keep_tool;

	/* after submitting a training task: its gold and score, shown while
	 * the feedback view (view-feedback.c) is open */
	struct bx_training_feedback fb;
	int fb_on;
};

/* view-label.c */
/* Count the time since the last key towards the task (overlays call it too). */
void label_touch(struct label *L, int64_t now);
/* Put v on the stack over the screen; returns view flags. */
int label_push(struct label *L, struct bx_view *v);
/* Save the view and leave (q). */
int label_quit(struct label *L, int64_t now);
/* The labeling role's submit (s) and skip (n, a prompt for the reason);
 * the review screen's own keys shadow them. */
int label_submit(struct label *L, int64_t now);
struct bx_view *label_skip_new(struct label *L);
/* Submit the answer (the session knows whether it is a verdict): 0 and
 * the number of objects kept, or -1 and *flags to return (not submitted). */
int label_send(struct label *L, int64_t now, int *kept, int *flags);
/* Set up v as the labeling or the review screen and claim the first task. */
void label_init(struct bx_view *v, const struct label_role *role, struct bx_session *s,
                enum bx_colors colors, int no_color, int cols, int rows, int64_t now);
void label_msg(struct label *L, int is_err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const struct bx_class *label_class_of(const struct label *L, const char *name);
uint32_t label_class_color(const struct label *L, const char *name);
void label_compute_view(struct label *L);
void label_follow_cursor(struct label *L);
/* One display pixel in whole image pixels (at least 1); label_step is
 * that, or 1 with fine steps on (`,`). */
int label_step_display(const struct label *L);
int label_step(const struct label *L);
/* Whether steps are one image pixel: `,`, or a named grab held. */
int label_fine(const struct label *L);
/* Save after an edit (flags from bx_edit_*) and return view flags. */
int label_apply(struct label *L, int r, int64_t now);
int label_pick_class(struct label *L, const struct bx_class *c, int64_t now);
int label_place(struct label *L, int enter, int64_t now);
int label_zoom(struct label *L, double factor, int64_t now);
/* Pan by (dx, dy) quarters of the view (label-nav.c). */
int label_pan(struct label *L, int dx, int dy, int64_t now);
int label_cell_to_image(const struct label *L, int col, int row, double *x, double *y);
int label_object_at(const struct label *L, double x, double y);
/* Bring the selected object into view (zoom out if it does not fit; with
 * fill, zoom so it fills most of the pane). */
void label_show_selected(struct label *L, int fill);

uint32_t label_ui(const struct label *L, uint32_t rgb); /* default color under NO_COLOR */

/* Claim and open the next task; returns view flags. */
int label_next_task(struct label *L, int64_t now);


/* label-keys.c: the editing keys, shared by the labeling and review screens */
int label_key_edit(struct label *L, const struct bx_key *k, int64_t now);
/* The digits typed so far pick class N (also after a pause). */
int label_digits_pick(struct label *L, int64_t now);

/* label-mouse.c */
int label_key_mouse(struct label *L, const struct bx_key *k, int64_t now);

/* label-nav.c: go to a point typed as x,y (G) */
struct bx_view *label_goto_new(struct label *L);

/* label-detail.c */
int label_detail_needed(const struct label *L);
void label_detail_update(struct label *L);
void label_detail_free(struct label *L);
const struct bx_raster *label_detail_source(const struct label *L, double *k, double *ox,
                                            double *oy);
/* The claimed image's tile pyramid, when bx_image_plan says it needs one:
 * opened, or when missing or damaged built on a worker thread while the
 * screen shows the preview and the progress (label_tiles_tick).
 * Negative (and a message) only when it needs one and cannot have it. */
int label_tiles_open(struct label *L);
void label_tiles_close(struct label *L);
/* A pyramid being built (label_tiles_open no longer blocks): from a tick,
 * the progress on the message line and the preview as the image; the
 * pyramid once it is made. View flags. */
int label_tiles_tick(struct label *L);
int label_tiles_building(const struct label *L);
int label_tiles_progress(const struct label *L); /* percent, while building */
/* Ask the session's prefetch (prefetch.h) to ready the task after this one
 * for this pane; take its image or pyramid if the claim returned it (1). */
void label_prefetch_start(struct label *L, int64_t now);
int label_prefetch_take(struct label *L);
/* The cache directory and its byte limit (the tile_cache_mb setting). */
const char *label_tiles_dir(struct label *L, uint64_t *limit_out);
/* The whole image at the size the pane needs: from the tiles, else the
 * file. */
int label_image_load(struct label *L, int want_w, int want_h, struct bx_image *out,
                     struct bx_err *err);
/* [x, x+w) x [y, y+h) of the image at scale 1/den (a power of 2), as
 * bx_image_load_region: from the tiles when there are (a damaged tile gets
 * the pyramid rebuilt first), else the file. */
int label_image_region(struct label *L, int x, int y, int w, int h, int den,
                       struct bx_image *out, struct bx_err *err);

/* label-image.c */
void label_draw_image_pane(struct label *L, struct bx_grid *g);

/* label-pane.c */
void label_draw_right_pane(struct label *L, struct bx_grid *g);
/* Wrap text to width columns: *out (free with label_free_lines). */
int label_wrap(const char *text, int width, char ***out);
void label_free_lines(char **lines, int n);
void label_value_text(const struct bx_value *v, char *buf, size_t n);
void label_pane_heading(struct label *L, struct bx_grid *g, int y, const char *text);
/* One row per attribute spec, cursor row (and opt in a multi field)
 * highlighted, -1 none; returns the next y. */
int label_draw_attr_rows(struct label *L, struct bx_grid *g, int y, int ymax,
                         const struct bx_attr_spec *specs, int n, const struct bx_attrs *as,
                         int cursor, int opt);
void label_draw_feedback_pane(struct label *L, struct bx_grid *g, int y, int ymax);

/* label-assist.c */
int label_tighten(struct label *L, int64_t now);
int label_extreme_place(struct label *L, int64_t now);
int label_wand(struct label *L, int dir, int as_box, int64_t now);
int label_select_here(struct label *L, int64_t now);
int label_grab_nearest(struct label *L, int64_t now);
int label_repeat_last(struct label *L, int64_t now);
int label_copy_previous(struct label *L, int64_t now);
void label_remember_answer(struct label *L);
/* The name of handle h of the selected object ("left edge", "vertex 7"). */
const char *label_handle_name(const struct label *L, int h, char *buf, size_t n);

/* view-jump.c, view-picker.c, view-look.c, view-form.c, view-feedback.c:
 * overlays pushed by the label view */
struct bx_view *label_jump_new(struct label *L, int exact);
struct bx_view *label_picker_new(struct label *L);
struct bx_view *label_look_new(struct label *L);
/* The attributes of object obj, or the global ones (global). */
struct bx_view *label_form_new(struct label *L, int global, int obj);
/* Training feedback over the screen; done is said once the next task opens. */
struct bx_view *label_feedback_new(struct label *L, const char *done);

/* view-prompt.c: one line of text on the message line. done() gets the
 * text on Enter and returns view flags; with BX_VIEW_CLOSE the prompt
 * goes, without it the prompt stays (to fix what label_msg said). */
typedef int (*label_prompt_done)(struct label *L, void *ctx, const char *text, int64_t now);
struct bx_view *label_prompt_new(struct label *L, const char *title, const char *text,
                                 label_prompt_done done, void *ctx);

#endif
