/* edit.h: the pure editing model of the labeling view: an answer (annot.h)
 * plus the crosshair, the current tool and class, the shape being drawn,
 * the selection, and undo/redo as a list of (before, after) answer
 * snapshots. No curses, no SQL, no clock. Coordinates are image pixels,
 * origin top-left; the crosshair sits on pixel corners (0..w, 0..h) and
 * moves by whole pixels, so a box drawn from it has integer edges. */
#ifndef BOXEL_EDIT_H
#define BOXEL_EDIT_H

#include "boxel/annot.h"

/* What an operation changed; the caller saves accordingly. */
enum {
	BX_EDIT_VIEW = 1,   /* only view state (crosshair, selection, tool): redraw */
	BX_EDIT_ANSWER = 2, /* the answer changed: save the draft with journal
	                     * entry number ed->pos (bx_edit_step_at(ed, ed->pos)) */
	BX_EDIT_UNDO = 4,   /* undo/redo moved ed->pos: save the draft, no entry */
};

/* Box handles: corners then edges. Polygons: handle i is vertex i. */
enum { BX_H_TL, BX_H_TR, BX_H_BR, BX_H_BL, BX_H_TOP, BX_H_RIGHT, BX_H_BOTTOM, BX_H_LEFT };

struct bx_edit_step {
	char *what;                    /* "add box", "move", "class car", ... */
	struct bx_answer before, after;
	int sel;                       /* selection after the step */
};

struct bx_edit {
	struct bx_answer ans;
	int img_w, img_h;
	int tool;             /* the drawing tool (bx_tool_at, geom.h) */
	double cx, cy;        /* crosshair */
	int sel;              /* selected object, -1 none */
	int grab;             /* 1: moves go to the selected object (or its handle) */
	int handle;           /* -1 whole object, else a handle (see above) */
	char *cls;            /* class for new objects (owned); NULL = none yet */
	struct bx_pt *pend;   /* shape being drawn: box corner / polygon vertices */
	unsigned char *pendv; /* and each place's mark: a skeleton's visibility (0
	                       * skipped, 1 occluded, 2); with a ring tool 1 on
	                       * the last vertex of each closed ring, else 2 */
	int npend, cappend;
	int kpts;             /* places a tool of class-named points takes (the
	                       * class's keypoints: the view sets it; 0 none) */
	int next_vis;         /* visibility of the next such place: 2, or 1 (F) */
	struct bx_edit_step *steps;
	int nsteps, capsteps;
	int pos;              /* steps[0..pos) are applied; the rest can be redone */
	int move_apart;       /* 1: the next nudge starts its own undo step instead
	                       * of merging into a run of moves (a mouse drag is
	                       * one step even after keys moved the same handle) */
	char msg[200];        /* why the last operation was refused, or "" */
};

void bx_edit_init(struct bx_edit *ed, int img_w, int img_h);
void bx_edit_free(struct bx_edit *ed);
/* Drop the steps that could be redone (steps[pos..nsteps)). */
void bx_edit_forget_redo(struct bx_edit *ed);
/* Replace the answer without an undo step (seeding from prelabels or a
 * draft). Copies ans. Clears selection and the shape being drawn. */
void bx_edit_set_answer(struct bx_edit *ed, const struct bx_answer *ans);
/* Append a step to the history (restoring a draft). Copies. */
void bx_edit_push_step(struct bx_edit *ed, const char *what, const struct bx_answer *before,
                       const struct bx_answer *after, int sel);
/* The step a journal entry number (1-based) refers to, or NULL. */
const struct bx_edit_step *bx_edit_step_at(const struct bx_edit *ed, int seq);

/* Crosshair by (dx, dy) image pixels, clamped to the image. */
int bx_edit_cursor(struct bx_edit *ed, double dx, double dy);
int bx_edit_cursor_to(struct bx_edit *ed, double x, double y);
/* Move the grabbed object or handle by (dx, dy), clamped to the image.
 * Consecutive moves of one object/handle merge into one undo step. */
int bx_edit_nudge(struct bx_edit *ed, double dx, double dy);
/* Arrow keys: nudge when grabbed, else the crosshair. */
int bx_edit_move(struct bx_edit *ed, double dx, double dy);

int bx_edit_set_tool(struct bx_edit *ed, int tool);
/* Place at the crosshair, as the tool's descriptor says: a corner (the
 * second makes the object), a vertex (on the first vertex of a closed
 * kind with enough vertices closes it), or the next of a fixed number
 * of places (the last makes the object). */
int bx_edit_place(struct bx_edit *ed);
/* Close the polygon being drawn (>= 3 vertices). */
int bx_edit_close(struct bx_edit *ed);
/* Enter: close a polygon with >= 3 vertices, else place. */
int bx_edit_enter(struct bx_edit *ed);
int bx_edit_backspace(struct bx_edit *ed);
/* A ring tool's shape being drawn: the rings closed so far; *open_out the
 * vertices of the ring being drawn (after the last closed one). */
int bx_edit_rings(const struct bx_edit *ed, int *open_out);
/* Drawing a skeleton: the next named point is not labeled (v = 0). */
int bx_edit_skip_point(struct bx_edit *ed);
/* Drawing a skeleton: the next point is placed occluded (v = 1) or visible
 * (toggles); with a skeleton's point grabbed, toggle that point. */
int bx_edit_toggle_occluded(struct bx_edit *ed);
/* Esc: drop the shape being drawn; else release the grab; else deselect. */
int bx_edit_cancel(struct bx_edit *ed);
/* Let go of the grabbed object or handle, keeping it selected (as a jump
 * elsewhere does: the next moves are the crosshair's again). */
int bx_edit_release(struct bx_edit *ed);

/* Select (and grab) the next (dir 1) or previous (-1) object. */
int bx_edit_select(struct bx_edit *ed, int dir);
int bx_edit_select_index(struct bx_edit *ed, int idx);
/* Cycle the grabbed handle: whole object, handle 0, 1, ... */
int bx_edit_handle(struct bx_edit *ed, int dir);
int bx_edit_handle_count(const struct bx_edit *ed);
/* Grab handle h (-1: the whole object) of the selected object. */
int bx_edit_grab_handle(struct bx_edit *ed, int h);
/* Position of handle h of the selected object. */
int bx_edit_handle_pos(const struct bx_edit *ed, int h, double *x, double *y);
int bx_edit_insert_vertex(struct bx_edit *ed);
int bx_edit_delete_vertex(struct bx_edit *ed);
int bx_edit_delete(struct bx_edit *ed);

/* The class for new objects, and the grabbed object's class. */
int bx_edit_set_class(struct bx_edit *ed, const char *cls);
/* Image-level class: add a tag of cls, or remove it if present. */
int bx_edit_toggle_tag(struct bx_edit *ed, const char *cls);
/* Attribute of object idx (-1: the global attributes); v->type NONE removes. */
int bx_edit_set_attr(struct bx_edit *ed, int idx, const char *key, const struct bx_value *v);

/* Suggestions (BX_ANNOT_SUGGESTION): accept makes the selected one the
 * annotator's own; reject deletes it; accept_all accepts those with
 * score >= threshold. Editing a suggestion in any way also accepts it. */
int bx_edit_accept(struct bx_edit *ed);
int bx_edit_reject(struct bx_edit *ed);
int bx_edit_accept_all(struct bx_edit *ed, double threshold);

/* Replace the shape of object idx by an's geometry (class, attributes and
 * flags stay; a suggestion becomes the annotator's own) as one undo step
 * named what; with merge, fold it into the previous step when that step
 * was also this replacement (a wand regrown). Copies an's points. */
int bx_edit_replace_shape(struct bx_edit *ed, int idx, const struct bx_annot *an,
                          const char *what, int merge);
/* Add copies of a[0..n) (class, attributes, geometry) as the annotator's
 * own, the last one selected, as one undo step named what. */
int bx_edit_add_copies(struct bx_edit *ed, const struct bx_annot *a, int n, const char *what);
/* Give object idx the class and attributes of object from. */
int bx_edit_copy_props(struct bx_edit *ed, int idx, int from);

/* Turn the selected rotated box or ellipse by deg degrees clockwise, or set its
 * angle; refused when a corner would leave the image. */
int bx_edit_rotate(struct bx_edit *ed, double deg);
int bx_edit_set_angle(struct bx_edit *ed, double deg);
int bx_edit_undo(struct bx_edit *ed);
int bx_edit_redo(struct bx_edit *ed);

#endif
