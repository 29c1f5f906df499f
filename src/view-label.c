/* view-label.c: the labeling screen and the core it shares with the
 * review screen (view-review.c): the task's lifecycle (claim, open, save,
 * submit), the layout, the drawing of the whole screen (image pane on the
 * left, label-image.c; taxonomy / objects / attributes / instructions on
 * the right, label-pane.c; message and status lines at the bottom), the
 * notices without a task (queue empty, lease lost, fatal) with their key
 * table, and the labeling role: submit with training feedback, skip with a
 * reason. The editing keys are label-keys.c, the mouse label-mouse.c; the
 * editing itself is edit.c; the store side is label.c. Coordinates: image
 * pixels unless named d* (display pixels of the pane's raster) or
 * cell/col/row. */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/draft.h"
#include "boxel/edit.h"
#include "boxel/geom.h"
#include "boxel/image.h"
#include "boxel/keymap.h"
#include "boxel/label.h"
#include "boxel/raster.h"
#include "boxel/util.h"
#include "boxel/view.h"
#include "boxel/view-label.h"
#include "view-label-int.h"

static const uint32_t palette[] = {
	BX_RGB(0xe6, 0x19, 0x4b), BX_RGB(0x3c, 0xb4, 0x4b), BX_RGB(0xff, 0xe1, 0x19),
	BX_RGB(0x43, 0x63, 0xd8), BX_RGB(0xf5, 0x82, 0x31), BX_RGB(0x91, 0x1e, 0xb4),
	BX_RGB(0x46, 0xf0, 0xf0), BX_RGB(0xf0, 0x32, 0xe6),
};

/* ---- small helpers ---- */

uint32_t
label_ui(const struct label *L, uint32_t rgb)
{
	return L->no_color ? BX_COLOR_DEFAULT : rgb;
}


void
label_msg(struct label *L, int is_err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(L->msg, sizeof L->msg, fmt, ap);
	va_end(ap);
	L->msg_err = is_err;
}

const struct bx_class *
label_class_of(const struct label *L, const char *name)
{
	return name ? bx_taxonomy_class(L->s->tax, name) : NULL;
}

uint32_t
label_class_color(const struct label *L, const char *name)
{
	const struct bx_class *c = label_class_of(L, name);
	int i;

	if (c != NULL)
		return c->color;
	i = name ? (int)(strlen(name) % BX_ARRAY_LEN(palette)) : 0;
	return palette[i];
}

/* ---- task lifecycle ---- */

static void
task_unload(struct label *L)
{
	/* The class and tool carry over to the next task. */
	/* Only a task that was open has a class: the second unload of a
	 * claim (next_task, then task_open) must not reset the tool. */
	if (L->ed.cls != NULL) {
		free(L->keep_cls);
		L->keep_cls = bx_strdup(L->ed.cls);
		L->keep_tool = L->ed.tool;
	}
	bx_image_release(&L->img);
	memset(&L->img, 0, sizeof L->img);
	L->img_ok = 0;
	label_detail_free(L);
	label_tiles_close(L);
	bx_raster_free(L->mini);
	L->mini = NULL;
	L->mini_of = NULL;
	bx_edit_free(&L->ed);
	bx_edit_init(&L->ed, 1, 1);
}


static void
load_image(struct label *L, int want_w, int want_h)
{
	struct bx_err err;
	struct bx_image im;

	if (L->s->image_path == NULL) {
		snprintf(L->img_err, sizeof L->img_err, "%s: image not found beneath the image root",
		         L->s->claim.image);
		return;
	}
	if (label_image_load(L, want_w, want_h, &im, &err) != 0) {
		snprintf(L->img_err, sizeof L->img_err, "%s: %s", L->s->claim.image, err.msg);
		return;
	}
	bx_image_release(&L->img);
	L->img = im;
	L->img_ok = 1;
	L->img_err[0] = '\0';
}

/* Open the claimed task: image at the size the pane needs, draft or
 * prelabels. */
static int
task_open(struct label *L, int64_t now)
{
	struct bx_err err;
	int w = L->s->claim.width, h = L->s->claim.height;

	task_unload(L);
	if (w < 1 || h < 1) {
		w = 1;
		h = 1;
	}
	bx_edit_free(&L->ed);
	bx_edit_init(&L->ed, w, h);
	if (bx_session_restore(L->s, &L->ed, &L->dv, &err) != 0)
		label_msg(L, 1, "draft could not be restored (%s); starting empty", err.msg);
	if (L->ed.cls == NULL && L->ed.pos == 0 && L->ed.nsteps == 0 && L->keep_cls != NULL &&
	    label_class_of(L, L->keep_cls) != NULL) {
		free(L->ed.cls);
		L->ed.cls = bx_strdup(L->keep_cls);
		L->ed.tool = L->keep_tool;
	}
	if (L->ed.cls == NULL && L->s->tax->nclasses > 0)
		L->ed.cls = bx_strdup(L->s->tax->classes[0].name);
	L->img_err[0] = '\0';
	label_compute_view(L);
	if (!label_prefetch_take(L)) {
		label_tiles_open(L);
		load_image(L, (int)ceil(w * L->sc), (int)ceil(h * L->sc));
	}
	L->last_key_ms = now;
	L->mode = M_NORMAL;
	L->num = L->ndigits = 0;
	L->fine = 0;
	L->grab_named = 0;
	L->named_sel = -1;
	L->wand_obj = -1;
	L->instr_scroll = 0;
	label_prefetch_start(L, now);
	return 0;
}

int
label_next_task(struct label *L, int64_t now)
{
	struct bx_err err;
	int rc;

	task_unload(L);
	rc = bx_session_claim(L->s, now, &err);
	if (rc == BX_EEMPTY) {
		L->mode = M_EMPTY;
		return BX_VIEW_NEWIMAGE;
	}
	if (rc != 0) {
		L->mode = M_FATAL;
		label_msg(L, 1, "%s", err.msg);
		return BX_VIEW_NEWIMAGE;
	}
	task_open(L, now);
	L->role->opened(L);
	return BX_VIEW_NEWIMAGE;
}

/* ---- geometry of the image pane ---- */

void
label_compute_view(struct label *L)
{
	double iw = L->ed.img_w, ih = L->ed.img_h, rw = L->pw, rh = 2.0 * L->ph;
	double fit, vw, vh;

	if (L->pw < 1 || L->ph < 1)
		return;
	fit = fmin(rw / iw, rh / ih);
	if (!(L->dv.zoom >= 1))
		L->dv.zoom = 1;
	if (L->dv.zoom > 64 / fit && 64 / fit >= 1)
		L->dv.zoom = 64 / fit; /* at most 64 display pixels per image pixel */
	L->sc = fit * L->dv.zoom;
	vw = rw / L->sc;
	vh = rh / L->sc;
	/* Pan stays inside the image; an image smaller than the pane is
	 * centred. */
	if (vw >= iw)
		L->dv.vx = iw / 2;
	else
		L->dv.vx = fmin(fmax(L->dv.vx, vw / 2), iw - vw / 2);
	if (vh >= ih)
		L->dv.vy = ih / 2;
	else
		L->dv.vy = fmin(fmax(L->dv.vy, vh / 2), ih - vh / 2);
	L->left = L->dv.vx - vw / 2;
	L->top = L->dv.vy - vh / 2;
	/* At 1:1 each display pixel is one image pixel only when the view
	 * starts on a pixel's edge; zooming about the crosshair leaves it
	 * anywhere (a blend of two rows in every display row). */
	if (fabs(L->sc - 1) < 1e-9) {
		L->left = floor(L->left + 0.5);
		L->top = floor(L->top + 0.5);
	}
}

/* Keep the crosshair inside the visible part: recentre when it leaves. */
void
label_follow_cursor(struct label *L)
{
	double vw = L->pw / L->sc, vh = 2.0 * L->ph / L->sc;

	if (L->ed.cx < L->left || L->ed.cx > L->left + vw ||
	    L->ed.cy < L->top || L->ed.cy > L->top + vh) {
		L->dv.vx = L->ed.cx;
		L->dv.vy = L->ed.cy;
		label_compute_view(L);
	}
}

/* Decode at a higher resolution when the zoom asks for more pixels than
 * the decoded raster has (JPEG DCT scaling). */
static void
ensure_resolution(struct label *L)
{
	double k;

	if (!L->img_ok || label_tiles_building(L))
		return;
	/* Large images: the visible part at the zoom's scale, not the whole. */
	if (label_detail_needed(L) || L->det_ok) {
		label_detail_update(L);
		if (L->det_ok || label_detail_needed(L))
			return;
	}
	k = (double)L->img.pix->w / L->ed.img_w;
	if (k + 1e-9 < L->sc && L->img.pix->w < L->img.full_w)
		load_image(L, (int)fmin(ceil(L->ed.img_w * L->sc), L->img.full_w),
		           (int)fmin(ceil(L->ed.img_h * L->sc), L->img.full_h));
}

int
label_step_display(const struct label *L)
{
	double s = floor(1.0 / L->sc + 0.5);

	return s < 1 ? 1 : (int)s;
}

int
label_fine(const struct label *L)
{
	return L->fine || (L->named_sel >= 0 && L->ed.grab && L->ed.sel == L->named_sel &&
	                   L->ed.handle == L->named_handle && L->ed.npend == 0);
}

int
label_step(const struct label *L)
{
	return label_fine(L) ? 1 : label_step_display(L);
}


static void
draw_status(struct label *L, struct bx_grid *g, int64_t now)
{
	char line[512], lease[32], grab[64] = "";
	int64_t left_ms = L->s->have_task ? L->s->claim.lease_until - now : 0;
	int y = L->rows - 1;
	uint32_t bg = label_ui(L, BX_RGB(0x20, 0x20, 0x30));

	if (left_ms < 0)
		left_ms = 0;
	snprintf(lease, sizeof lease, "%d:%02d", (int)(left_ms / 60000), (int)(left_ms / 1000 % 60));
	if (L->ed.sel >= 0 && L->ed.grab) {
		char hn[32];
		snprintf(grab, sizeof grab, "  grab #%d %s", L->ed.sel + 1,
		         label_handle_name(L, L->ed.handle, hn, sizeof hn));
	}
	if (!L->role->leased)
		snprintf(lease, sizeof lease, "none");
	snprintf(line, sizeof line, " %s  %s  zoom %.1fx%s  x %.0f y %.0f  step %d%s  %s %d/%d  lease %s%s",
	         bx_tool_name(L->ed.tool), L->ed.cls ? L->ed.cls : "-", L->dv.zoom,
	         fabs(L->sc - 1) < 1e-9 ? " (1:1)" : "", L->ed.cx, L->ed.cy,
	         label_step(L), label_fine(L) ? " fine" : "", L->role->unit, L->s->claim.position,
	         L->s->claim.total, lease, grab);
	if (L->ed.npend > 0 && bx_tool_at(L->ed.tool)->place == BX_PLACE_VERTICES) {
		char c[32];
		snprintf(c, sizeof c, "  vertices %d", L->ed.npend);
		strncat(line, c, sizeof line - strlen(line) - 1);
	} else if (L->ed.npend > 0 && bx_tool_at(L->ed.tool)->place == BX_PLACE_RINGS) {
		char c[48];
		int open, closed = bx_edit_rings(&L->ed, &open);
		snprintf(c, sizeof c, "  ring %d  vertices %d", closed + 1, open);
		strncat(line, c, sizeof line - strlen(line) - 1);
	} else if (bx_tool_at(L->ed.tool)->status != NULL &&
	           (L->ed.npend > 0 || bx_tool_at(L->ed.tool)->npts == 0)) {
		const struct bx_class *kc = label_class_of(L, L->ed.cls);
		const struct bx_geom_tool *t = bx_tool_at(L->ed.tool);
		char c[96] = "  ";
		t->status(L->ed.npend, t->npts > 0 ? t->npts : kc != NULL ? kc->nkpts : 0,
		          kc != NULL && L->ed.npend < kc->nkpts ? kc->kpt_names[L->ed.npend] : NULL,
		          c + 2, sizeof c - 2);
		strncat(line, c, sizeof line - strlen(line) - 1);
	}
	if (label_tiles_building(L)) {
		/* Kept here as well as on the message line, which other
		 * messages (submitted ...) take over. */
		char c[40];
		snprintf(c, sizeof c, "  tiles %d%%", label_tiles_progress(L));
		strncat(line, c, sizeof line - strlen(line) - 1);
	}
	if (L->ndigits) {
		char c[40];
		snprintf(c, sizeof c, "  %d_ (move: count, else class)", L->num);
		strncat(line, c, sizeof line - strlen(line) - 1);
	}
	bx_grid_fill(g, 0, y, L->cols, 1, ' ', BX_COLOR_DEFAULT, bg, L->no_color ? BX_CELL_REVERSE : 0);
	bx_grid_put_text(g, 0, y, line, BX_COLOR_DEFAULT, bg, L->no_color ? BX_CELL_REVERSE : 0, L->cols);
	/* The message line above it. */
	y--;
	bx_grid_fill(g, 0, y, L->cols, 1, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	if (L->msg[0] || L->ed.msg[0]) {
		bx_grid_put_text(g, 0, y, L->msg[0] ? L->msg : L->ed.msg,
		                 L->msg_err ? label_ui(L, BX_RGB(0xff, 0x70, 0x70)) : BX_COLOR_DEFAULT,
		                 BX_COLOR_DEFAULT, L->msg_err ? BX_CELL_BOLD : 0, L->cols);
	} else {
		bx_grid_put_text(g, 0, y, L->role->hint, label_ui(L, BX_RGB(0x90, 0x90, 0x90)), BX_COLOR_DEFAULT, 0, L->cols);
	}
}

static void
draw_centered_text(struct label *L, struct bx_grid *g, const char *text)
{
	char **lines;
	int n, i, y;

	bx_grid_fill(g, 0, 0, L->cols, L->rows, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	n = label_wrap(text, L->cols - 4, &lines);
	y = (L->rows - n) / 2;
	if (y < 0)
		y = 0;
	for (i = 0; i < n && y + i < L->rows; i++)
		bx_grid_put_text(g, 2, y + i, lines[i], BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, L->cols - 4);
	label_free_lines(lines, n);
}

static void
label_draw(struct bx_view *v, struct bx_grid *g, int64_t now)
{
	struct label *L = v->data;
	char text[1024];

	if (L->cols < MIN_COLS || L->rows < MIN_ROWS) {
		bx_grid_fill(g, 0, 0, g->w, g->h, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
		snprintf(text, sizeof text, "boxel needs a terminal of at least %dx%d (this one is %dx%d)",
		         MIN_COLS, MIN_ROWS, L->cols, L->rows);
		bx_grid_put_text(g, 0, 0, text, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, g->w);
		return;
	}
	switch (L->mode) {
	case M_EMPTY:
		L->role->empty(L, text, sizeof text);
		draw_centered_text(L, g, text);
		return;
	case M_FATAL:
		snprintf(text, sizeof text, "boxel: %s\n\nq quits.", L->msg);
		draw_centered_text(L, g, text);
		return;
	case M_LOST:
		snprintf(text, sizeof text,
		         "Lease lost on %s: this task was given to someone else or expired.\n"
		         "Your draft was not saved over anyone's work.\n\n"
		         "Enter opens the next task, q quits.", L->s->claim.image ? L->s->claim.image : "the task");
		draw_centered_text(L, g, text);
		return;
	default:
		break;
	}
	bx_grid_fill(g, 0, 0, L->cols, L->rows, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	label_compute_view(L);
	ensure_resolution(L);
	label_draw_image_pane(L, g);
	label_draw_right_pane(L, g);
	draw_status(L, g, now);
}

/* ---- layout ---- */

static void
label_resize(struct bx_view *v, int cols, int rows)
{
	struct label *L = v->data;
	int rw;

	L->cols = cols;
	L->rows = rows;
	rw = cols * 36 / 100;
	if (rw < 34)
		rw = 34;
	if (rw > 64)
		rw = 64;
	L->rw = rw;
	L->rx = cols - rw;
	L->pw = cols - rw - 1;
	L->ph = rows - 2;
	if (L->pw < 1)
		L->pw = 1;
	if (L->ph < 1)
		L->ph = 1;
	bx_raster_free(L->disp);
	L->disp = bx_raster_new(L->pw, 2 * L->ph);
	label_compute_view(L);
}

/* ---- saving ---- */

int
label_apply(struct label *L, int r, int64_t now)
{
	struct bx_err err;

	if (r & (BX_EDIT_ANSWER | BX_EDIT_UNDO)) {
		if (bx_session_save(L->s, &L->ed, &L->dv, r, now, &err) != 0) {
			if (L->s->lost) {
				/* The overlays editing it go with the task. */
				L->mode = M_LOST;
				return BX_VIEW_REDRAW | BX_VIEW_HANDLED | BX_VIEW_UNCOVER;
			}
			label_msg(L, 1, "draft not saved: %s", err.msg);
			L->answer_unsaved = 1;
		} else {
			L->answer_unsaved = 0;
		}
		L->view_dirty = 0;
	} else if (r & BX_EDIT_VIEW) {
		L->view_dirty = 1;
	}
	label_follow_cursor(L);
	return BX_VIEW_HANDLED | (r ? BX_VIEW_REDRAW : 0);
}

/* Save the view (and with it every edit a failed save left on screen
 * only); 0 or the error, in err. */
static int
save_view_err(struct label *L, int64_t now, struct bx_err *err)
{
	int rc;

	if (!L->view_dirty || L->mode == M_LOST || L->fb_on || !L->s->have_task)
		return 0;
	if ((rc = bx_session_save(L->s, &L->ed, &L->dv, 0, now, err)) == 0) {
		L->view_dirty = 0;
		L->answer_unsaved = 0;
	} else if (L->s->lost) {
		L->mode = M_LOST;
	}
	return rc;
}

static void
save_view(struct label *L, int64_t now)
{
	struct bx_err err;

	save_view_err(L, now, &err);
}

/* Edits that could not be saved (a full disk) are not dropped by a quit:
 * the screen stays until they are saved, or until a second q in a row says
 * to leave them. */
int
label_quit(struct label *L, int64_t now)
{
	struct bx_err err;

	L->view_dirty = 1;
	if (save_view_err(L, now, &err) != 0 && L->answer_unsaved && L->mode != M_LOST &&
	    L->quit_keyno != L->keyno - 1) {
		L->quit_keyno = L->keyno;
		label_msg(L, 1, "not saved: %s; your last edits are only on this screen: "
		          "q again quits without them", err.msg);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	return BX_VIEW_QUIT;
}

int
label_push(struct label *L, struct bx_view *v)
{
	L->view->push = v;
	return BX_VIEW_HANDLED | BX_VIEW_REDRAW | BX_VIEW_PUSH;
}

/* ---- submitting: shared, then the labeling role's ---- */

int
label_send(struct label *L, int64_t now, int *kept, int *flags)
{
	struct bx_err err;
	int rc, i;

	*kept = 0;
	*flags = BX_VIEW_REDRAW;
	if (L->ed.npend > 0) {
		label_msg(L, 1, "cannot submit: finish or cancel (Esc) the shape being drawn");
		return -1;
	}
	rc = bx_session_submit(L->s, &L->ed.ans, L->dv.seconds, now, &err);
	if (rc == BX_ELEASE) {
		L->mode = M_LOST;
		return -1;
	}
	if (rc != 0) {
		label_msg(L, 1, "cannot submit: %s", err.msg);
		return -1;
	}
	/* Suggestions not accepted are not submitted: count what was. */
	for (i = 0; i < L->ed.ans.n; i++)
		*kept += !(L->ed.ans.a[i].flags & BX_ANNOT_SUGGESTION);
	label_remember_answer(L);
	L->msg[0] = '\0';
	L->view_dirty = 0;
	return 0;
}

int
label_submit(struct label *L, int64_t now)
{
	struct bx_err err;
	char done[256];
	int rc, r, kept;

	if (label_send(L, now, &kept, &r) != 0)
		return r;
	snprintf(done, sizeof done, "submitted %s (%d object%s, %.0f s)", L->s->claim.image,
	         kept, kept == 1 ? "" : "s", L->dv.seconds);
	/* A training task shows its gold now; the store refuses the gold of
	 * any other batch kind, so ordinary gold tasks look like any task. */
	if (L->s->claim.batch_kind != NULL && strcmp(L->s->claim.batch_kind, "training") == 0) {
		rc = bx_store_training_feedback(L->s->st, L->s->claim.judgment, L->s->user, &L->fb,
		                                &err);
		if (rc == 0) {
			label_msg(L, 0, "%s; any key opens the next task (q quits)", done);
			return label_push(L, label_feedback_new(L, done));
		}
		/* A training task without gold has nothing to show. */
		if (rc != BX_ENOENT) {
			r = label_next_task(L, now);
			label_msg(L, 1, "%s; no training feedback: %s", done, err.msg);
			return r | BX_VIEW_REDRAW;
		}
	}
	r = label_next_task(L, now);
	label_msg(L, 0, "%s", done);
	return r | BX_VIEW_REDRAW;
}

static int
skip_typed(struct label *L, void *ctx, const char *text, int64_t now)
{
	struct bx_err err;
	int r;

	(void)ctx;
	if (text[0] == '\0') {
		label_msg(L, 1, "a skip needs a reason (e.g. \"image unclear\")");
		return BX_VIEW_HANDLED;
	}
	if (bx_session_skip(L->s, text, now, &err) != 0) {
		if (L->s->lost)
			L->mode = M_LOST;
		label_msg(L, 1, "skip failed: %s", err.msg);
		return BX_VIEW_HANDLED | BX_VIEW_CLOSE;
	}
	r = label_next_task(L, now);
	label_msg(L, 0, "skipped (%s)", text);
	return r | BX_VIEW_HANDLED | BX_VIEW_CLOSE;
}

struct bx_view *
label_skip_new(struct label *L)
{
	return label_prompt_new(L, "skip reason (Enter skips, Esc cancels): ", NULL, skip_typed, NULL);
}

/* The labeling screen's words: why this task is here, and the empty queue. */
static void
label_opened(struct label *L)
{
	if (L->s->claim.review_comment != NULL)
		label_msg(L, 1, "returned by %s", L->s->claim.review_comment);
	else if (L->s->claim.resumed && L->msg[0] == '\0')
		label_msg(L, 0, "resumed your task %s", L->s->claim.image);
}

static void
label_empty(const struct label *L, char *buf, size_t n)
{
	snprintf(buf, n,
	         "No tasks for %s right now: the queue is empty (%d submitted in this session).\n\n"
	         "To get more work, ask an admin to create a batch, e.g.\n"
	         "  boxel batch create NAME --kind production\n\n"
	         "r checks again, q quits.", L->s->user, L->s->submitted);
}

static const struct label_role labeling = {
	.unit = "task",
	.leased = 1,
	.hint = "? help  s submit  n skip  q quit  u undo  Tab select  a attributes",
	.help_title = "boxel label: keys (any key closes; j/k scroll)",
	.keys = NULL,
	.key = NULL,
	.opened = label_opened,
	.empty = label_empty,
};

/* ---- vtable ---- */

void
label_touch(struct label *L, int64_t now)
{
	int64_t idle;

	if (L->s->have_task && L->mode != M_EMPTY) {
		idle = now - L->last_key_ms;
		if (idle > 0)
			L->dv.seconds += (idle > IDLE_CAP_MS ? IDLE_CAP_MS : idle) / 1000.0;
	}
	L->last_key_ms = now;
	L->keyno++;
}

static int
label_key(struct bx_view *v, const struct bx_key *k, int64_t now)
{
	struct label *L = v->data;
	int action;

	label_touch(L, now);
	if (L->cols < MIN_COLS || L->rows < MIN_ROWS)
		return bx_keymap_action(&bx_keymap_label, k->key) == BX_LA_QUIT ? label_quit(L, now) : 0;
	if (L->mode == M_NORMAL)
		return label_key_edit(L, k, now);
	action = bx_keymap_action(&bx_keymap_notask, k->key);
	if (action == BX_NA_QUIT)
		return BX_VIEW_QUIT;
	if ((action == BX_NA_AGAIN && L->mode == M_EMPTY) || (action == BX_NA_NEXT && L->mode == M_LOST))
		return label_next_task(L, now) | BX_VIEW_REDRAW;
	return 0;
}

static int
label_tick(struct bx_view *v, int64_t now, int why)
{
	struct label *L = v->data;
	struct bx_err err;
	int rc, r = 0;
	static int64_t last_shown;

	if (why == BX_TICK_STOP) {
		L->view_dirty = 1;
		save_view(L, now);
		return BX_VIEW_QUIT;
	}
	/* Without a task, the overlays over it have nothing to work on. */
	if (L->mode != M_NORMAL || L->fb_on)
		return L->mode != M_NORMAL ? BX_VIEW_UNCOVER : 0;
	r |= label_tiles_tick(L);
	/* Digits followed by a pause pick their class. */
	if (why == BX_TICK_IDLE && L->ndigits > 0 && L->mode == M_NORMAL)
		r |= label_digits_pick(L, now) | BX_VIEW_REDRAW;
	rc = bx_session_heartbeat(L->s, now, &err);
	if (rc == BX_ELEASE || L->s->lost) {
		L->mode = M_LOST;
		return BX_VIEW_REDRAW | BX_VIEW_UNCOVER;
	}
	if (rc != 0) {
		label_msg(L, 1, "heartbeat: %s", err.msg);
		r |= BX_VIEW_REDRAW;
	}
	/* View-only changes (crosshair, zoom, pan) are saved when the keys
	 * pause: a tick comes after tick_ms without keys, or every tick_ms
	 * during a burst, so a dropped link loses at most that much. */
	if (L->view_dirty)
		save_view(L, now);
	/* The lease countdown in the status line, once a second. */
	if (now / 1000 != last_shown / 1000) {
		last_shown = now;
		r |= BX_VIEW_REDRAW;
	}
	if (L->mode == M_LOST)
		r |= BX_VIEW_REDRAW | BX_VIEW_UNCOVER;
	return r;
}

static void
label_free(struct bx_view *v)
{
	struct label *L = v->data;

	if (L == NULL)
		return;
	bx_training_feedback_free(&L->fb);
	task_unload(L);
	bx_edit_free(&L->ed);
	bx_raster_free(L->disp);
	free(L->keep_cls);
	free(L->prev_cls);
	free(L->prev_batch);
	bx_answer_free(&L->prev_answer);
	free(L);
	v->data = NULL;
}

static const struct bx_view_ops label_ops = {
	.name = "label",
	.free = label_free,
	.resize = label_resize,
	.key = label_key,
	.tick = label_tick,
	.draw = label_draw,
};

/* The store waits for a lock another session holds: say so now, while
 * the loop is blocked in the write. */
static void
store_waits(void *ctx, long waited_ms)
{
	char text[160];

	(void)ctx;
	snprintf(text, sizeof text, "store busy: another session is writing; waiting %ld s "
	         "(boxel retries for up to 15 s; your edit is kept either way)",
	         (waited_ms + 500) / 1000);
	bx_view_flash(text);
}

void
label_init(struct bx_view *v, const struct label_role *role, struct bx_session *s,
           enum bx_colors colors, int no_color, int cols, int rows, int64_t now)
{
	struct label *L = bx_calloc(1, sizeof *L);

	L->role = role;
	L->s = s;
	L->colors = colors;
	L->no_color = no_color;
	bx_edit_init(&L->ed, 1, 1);
	L->dv.zoom = 1;
	L->named_sel = -1;
	bx_answer_init(&L->fb.gold);
	bx_answer_init(&L->fb.answer);
	v->ops = &label_ops;
	v->data = L;
	L->view = v;
	bx_store_set_wait_hook(s->st, store_waits, L);
	L->wand_obj = -1;
	L->look.gamma = 10;
	bx_answer_init(&L->prev_answer);
	/* Lay out first so the image decodes at the size the pane needs. */
	label_resize(v, cols, rows);
	label_next_task(L, now);
}

void
bx_view_label_init(struct bx_view *v, struct bx_session *s, enum bx_colors colors, int no_color,
                   int cols, int rows, int64_t now)
{
	label_init(v, &labeling, s, colors, no_color, cols, rows, now);
}
