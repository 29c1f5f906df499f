/* view-label.c: the labeling screen. Image pane on the left (image pixels
 * mapped to display pixels, 2 per cell vertically, annotations drawn into
 * the display raster), taxonomy / objects / attributes / instructions on the
 * right, status line at the bottom. The editing itself is edit.c; the store
 * side is label.c. Coordinates: image pixels unless named d* (display
 * pixels of the pane's raster) or cell/col/row. */
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
	if (bx_image_load(L->s->image_path, want_w, want_h, NULL, &im, &err) != 0) {
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
	if (!label_prefetch_take(L))
		load_image(L, (int)ceil(w * L->sc), (int)ceil(h * L->sc));
	L->last_key_ms = now;
	L->mode = M_NORMAL;
	L->num = L->ndigits = 0;
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
	if (L->s->claim.review_comment != NULL && !L->s->review)
		label_msg(L, 1, "returned by %s", L->s->claim.review_comment);
	else if (L->s->claim.resumed && L->msg[0] == '\0')
		label_msg(L, 0, "resumed your task %s", L->s->claim.image);
	if (L->s->review && L->msg[0] == '\0')
		label_msg(L, 0, "%s", L->s->review_info);
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

	if (!L->img_ok)
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
label_step(const struct label *L)
{
	double s = floor(1.0 / L->sc + 0.5);

	return s < 1 ? 1 : (int)s;
}


static void
draw_status(struct label *L, struct bx_grid *g, int64_t now)
{
	char line[512], lease[32], grab[64] = "";
	int64_t left_ms = L->s->have_task ? L->s->claim.lease_until - now : 0;
	int y = L->rows - 1, n;
	uint32_t bg = label_ui(L, BX_RGB(0x20, 0x20, 0x30));

	if (left_ms < 0)
		left_ms = 0;
	snprintf(lease, sizeof lease, "%d:%02d", (int)(left_ms / 60000), (int)(left_ms / 1000 % 60));
	if (L->ed.sel >= 0 && L->ed.grab) {
		char hn[32];
		snprintf(grab, sizeof grab, "  grab #%d %s", L->ed.sel + 1,
		         label_handle_name(L, L->ed.handle, hn, sizeof hn));
	}
	if (L->s->review)
		snprintf(lease, sizeof lease, "none");
	snprintf(line, sizeof line, " %s  %s  zoom %.1fx%s  x %.0f y %.0f  step %d  %s %d/%d  lease %s%s",
	         bx_tool_name(L->ed.tool), L->ed.cls ? L->ed.cls : "-", L->dv.zoom,
	         fabs(L->sc - 1) < 1e-9 ? " (1:1)" : "", L->ed.cx, L->ed.cy,
	         label_step(L), L->s->review ? "review" : "task", L->s->claim.position,
	         L->s->claim.total, lease, grab);
	if (L->ed.npend > 0 && (L->ed.tool == BX_TOOL_POLYGON || L->ed.tool == BX_TOOL_POLYLINE)) {
		char c[32];
		snprintf(c, sizeof c, "  vertices %d", L->ed.npend);
		strncat(line, c, sizeof line - strlen(line) - 1);
	} else if (L->ed.npend > 0 && L->ed.tool == BX_TOOL_EXTREME) {
		static const char *const next[] = { "left", "top", "right", "bottom" };
		char c[48];
		snprintf(c, sizeof c, "  extreme %d/4: %s-most next", L->ed.npend, next[L->ed.npend % 4]);
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
	if (L->mode == M_PROMPT) {
		snprintf(line, sizeof line, "%s%s_", L->prompt == P_GOTO ? "go to x,y (Enter goes, Esc cancels): " :
		         L->prompt != P_SKIP ? "value (Enter sets, Esc cancels): " :
		         L->s->review ? "reject: what is wrong (Enter rejects, Esc cancels): " :
		         "skip reason (Enter skips, Esc cancels): ", L->line.p ? L->line.p : "");
		n = bx_grid_put_text(g, 0, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD,
		                     L->cols);
		if (L->msg[0] && n + 3 < L->cols)
			bx_grid_put_text(g, n + 2, y, L->msg, label_ui(L, BX_RGB(0xff, 0x70, 0x70)),
			                 BX_COLOR_DEFAULT, 0, L->cols - n - 2);
	} else if (L->msg[0] || L->ed.msg[0]) {
		bx_grid_put_text(g, 0, y, L->msg[0] ? L->msg : L->ed.msg,
		                 L->msg_err ? label_ui(L, BX_RGB(0xff, 0x70, 0x70)) : BX_COLOR_DEFAULT,
		                 BX_COLOR_DEFAULT, L->msg_err ? BX_CELL_BOLD : 0, L->cols);
	} else {
		bx_grid_put_text(g, 0, y, L->s->review ?
		                 "? help  s accept (fix once edited)  n reject  ^N pass  q quit  u undo  Tab select" :
		                 "? help  s submit  n skip  q quit  u undo  Tab select  a attributes",
		                 label_ui(L, BX_RGB(0x90, 0x90, 0x90)), BX_COLOR_DEFAULT, 0, L->cols);
	}
}

/* Every key table of the screen, one after the other under its name: the
 * help is generated from the tables the views look keys up in. */
static int
help_lines(int keycol, char ***out)
{
	char **all = NULL, **lines;
	int n = 0, i, j, k;

	for (i = 0; i < bx_keymaps_label_screen_n; i++) {
		const struct bx_keymap *km = bx_keymaps_label_screen[i];
		k = bx_keymap_help(km, keycol, &lines);
		all = bx_realloc(all, sizeof *all * (size_t)(n + k + 3));
		if (i > 0) {
			all[n++] = bx_strdup("");
			all[n++] = bx_strdup(km->name);
		}
		for (j = 0; j < k; j++)
			all[n++] = bx_strdup(lines[j]);
		bx_keymap_help_free(lines, k);
	}
	*out = all;
	return n;
}

static void
draw_help(struct label *L, struct bx_grid *g)
{
	char **lines;
	int n, i, y = 1, col, colw, ncols, per;

	n = help_lines(17, &lines);
	bx_grid_fill(g, 0, 0, L->cols, L->rows, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	bx_grid_put_text(g, 0, 0, "boxel label: keys (any key closes; j/k scroll)", BX_COLOR_DEFAULT,
	                 BX_COLOR_DEFAULT, BX_CELL_BOLD, L->cols);
	ncols = L->cols >= 160 ? 2 : 1;
	colw = L->cols / ncols;
	per = L->rows - 3;
	if (L->help_scroll > n - 1)
		L->help_scroll = n > 0 ? n - 1 : 0;
	for (i = L->help_scroll; i < n; i++) {
		col = (i - L->help_scroll) / per;
		if (col >= ncols)
			break;
		y = 1 + (i - L->help_scroll) % per;
		bx_grid_put_text(g, col * colw, y, lines[i], BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0,
		                 colw - 1);
	}
	bx_grid_put_text(g, 0, L->rows - 1,
	                 "A number before a move is a count (5l); else it picks that class. "
	                 "Mouse: drag draws a box, click places/selects, wheel zooms.",
	                 BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, L->cols);
	bx_keymap_help_free(lines, n);
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
	case M_HELP:
		draw_help(L, g);
		return;
	case M_EMPTY:
		if (L->s->review) {
			snprintf(text, sizeof text,
			         "Nothing to review for %s right now (%d reviewed in this session,\n"
			         "%d passed over).\n\nr checks again, q quits.", L->s->user,
			         L->s->submitted, L->s->npassed);
			draw_centered_text(L, g, text);
			return;
		}
		snprintf(text, sizeof text,
		         "No tasks for %s right now: the queue is empty (%d submitted in this session).\n\n"
		         "To get more work, ask an admin to create a batch, e.g.\n"
		         "  boxel batch create NAME --kind production\n\n"
		         "r checks again, q quits.", L->s->user, L->s->submitted);
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
				L->mode = M_LOST;
				return BX_VIEW_REDRAW | BX_VIEW_HANDLED;
			}
			label_msg(L, 1, "draft not saved: %s", err.msg);
		}
		L->view_dirty = 0;
	} else if (r & BX_EDIT_VIEW) {
		L->view_dirty = 1;
	}
	label_follow_cursor(L);
	return BX_VIEW_HANDLED | (r ? BX_VIEW_REDRAW : 0);
}

static void
save_view(struct label *L, int64_t now)
{
	struct bx_err err;

	if (!L->view_dirty || L->mode == M_LOST || L->mode == M_FEEDBACK || !L->s->have_task)
		return;
	if (bx_session_save(L->s, &L->ed, &L->dv, 0, now, &err) == 0)
		L->view_dirty = 0;
	else if (L->s->lost)
		L->mode = M_LOST;
}

/* ---- actions ---- */

static int
class_allows(const struct label *L, const char *cls, enum bx_tool tool)
{
	const struct bx_class *c = label_class_of(L, cls);
	const struct bx_geom_kind *k;
	int i;

	if (c == NULL)
		return 1;
	/* The extreme-point tool draws boxes. */
	if (tool == BX_TOOL_EXTREME)
		tool = BX_TOOL_BOX;
	for (i = 0; (k = bx_geom_at(i)) != NULL; i++)
		if (k->tool == (int)tool)
			return (c->geoms & (int)k->id) != 0;
	return 0;
}

int
label_pick_class(struct label *L, const struct bx_class *c, int64_t now)
{
	int r;

	if (c->geoms == BX_GEOM_TAG)
		return label_apply(L, bx_edit_toggle_tag(&L->ed, c->name), now);
	if (L->ed.cls != NULL && strcmp(L->ed.cls, c->name) != 0) {
		free(L->prev_cls);
		L->prev_cls = bx_strdup(L->ed.cls);
	}
	r = bx_edit_set_class(&L->ed, c->name);
	/* Switch to a tool the class allows. */
	if (!class_allows(L, c->name, L->ed.tool)) {
		const struct bx_geom_kind *k;
		int i;

		for (i = 0; (k = bx_geom_at(i)) != NULL; i++)
			if (k->tool >= 0 && (c->geoms & (int)k->id)) {
				r |= bx_edit_set_tool(&L->ed, (enum bx_tool)k->tool);
				break;
			}
	}
	return label_apply(L, r | BX_EDIT_VIEW, now);
}

static int
set_tool(struct label *L, enum bx_tool tool, int64_t now)
{
	int r = bx_edit_set_tool(&L->ed, tool);

	if (!class_allows(L, L->ed.cls, tool))
		label_msg(L, 0, "note: class %s does not allow %s; pick another class", L->ed.cls,
		        bx_tool_name(tool));
	return label_apply(L, r | BX_EDIT_VIEW, now);
}

int
label_place(struct label *L, int enter, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	int r, n = ed->ans.n;

	if (ed->npend == 0 && !class_allows(L, ed->cls, ed->tool)) {
		label_msg(L, 1, "class %s does not allow %s: pick another class or tool", ed->cls,
		          bx_tool_name(ed->tool));
		return BX_VIEW_REDRAW;
	}
	r = label_apply(L, enter ? bx_edit_enter(ed) : bx_edit_place(ed), now);
	/* A box just drawn with the box tool: tighten it when asked to. */
	if (L->auto_tighten && ed->tool == BX_TOOL_BOX && ed->ans.n == n + 1 && ed->sel == n &&
	    ed->ans.a[n].geom == BX_GEOM_BOX)
		r |= label_tighten(L, now);
	return r;
}

static int
submit(struct label *L, int64_t now)
{
	struct bx_err err;
	char done[256];
	int rc, r, i, kept = 0;

	if (L->ed.npend > 0) {
		label_msg(L, 1, "cannot submit: finish or cancel (Esc) the shape being drawn");
		return BX_VIEW_REDRAW;
	}
	rc = bx_session_submit(L->s, &L->ed.ans, L->dv.seconds, now, &err);
	if (rc == BX_ELEASE) {
		L->mode = M_LOST;
		return BX_VIEW_REDRAW;
	}
	if (rc != 0) {
		label_msg(L, 1, "cannot submit: %s", err.msg);
		return BX_VIEW_REDRAW;
	}
	/* Suggestions not accepted are not submitted: count what was. */
	for (i = 0; i < L->ed.ans.n; i++)
		kept += !(L->ed.ans.a[i].flags & BX_ANNOT_SUGGESTION);
	label_remember_answer(L);
	if (L->s->review)
		snprintf(done, sizeof done, "%s %s (%d object%s)", L->s->verdict, L->s->claim.image,
		         kept, kept == 1 ? "" : "s");
	else
		snprintf(done, sizeof done, "submitted %s (%d object%s, %.0f s)", L->s->claim.image,
		         kept, kept == 1 ? "" : "s", L->dv.seconds);
	L->msg[0] = '\0';
	L->view_dirty = 0;
	/* A training task shows its gold now; the store refuses the gold of
	 * any other batch kind, so ordinary gold tasks look like any task. */
	if (!L->s->review && L->s->claim.batch_kind != NULL &&
	    strcmp(L->s->claim.batch_kind, "training") == 0) {
		rc = bx_store_training_feedback(L->s->st, L->s->claim.judgment, L->s->user, &L->fb,
		                                &err);
		if (rc == 0) {
			L->fb_on = 1;
			L->mode = M_FEEDBACK;
			snprintf(L->fb_done, sizeof L->fb_done, "%s", done);
			label_msg(L, 0, "%s; any key opens the next task (q quits)", done);
			return BX_VIEW_REDRAW;
		}
		/* A training task without gold has nothing to show. */
		if (rc != BX_ENOENT) {
			r = label_next_task(L, now);
			label_msg(L, 1, "%s; no training feedback: %s", done, err.msg);
			return r | BX_VIEW_REDRAW;
		}
	}
	r = label_next_task(L, now);
	if (L->s->review && L->s->have_task)
		label_msg(L, 0, "%s; next: %s", done, L->s->review_info);
	else
		label_msg(L, 0, "%s", done);
	return r | BX_VIEW_REDRAW;
}

static int
motion(int action, int *dx, int *dy, int *far)
{
	*dx = *dy = *far = 0;
	switch (action) {
	case BX_LA_LEFT: *dx = -1; break;
	case BX_LA_RIGHT: *dx = 1; break;
	case BX_LA_UP: *dy = -1; break;
	case BX_LA_DOWN: *dy = 1; break;
	case BX_LA_LEFT_FAR: *dx = -1; *far = 1; break;
	case BX_LA_RIGHT_FAR: *dx = 1; *far = 1; break;
	case BX_LA_UP_FAR: *dy = -1; *far = 1; break;
	case BX_LA_DOWN_FAR: *dy = 1; *far = 1; break;
	default: return 0;
	}
	return 1;
}

/* The digits typed so far pick class N (1-based, taxonomy order). */
static int
digits_pick(struct label *L, int64_t now)
{
	int n = L->num;

	L->num = L->ndigits = 0;
	if (n < 1 || n > L->s->tax->nclasses) {
		label_msg(L, 1, "no class %d (the taxonomy has %d; / searches by name)", n,
		          L->s->tax->nclasses);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	return label_pick_class(L, &L->s->tax->classes[n - 1], now);
}

static void
form_open(struct label *L, int global)
{
	L->form.global = global;
	L->form.obj = L->ed.sel;
	L->form.row = 0;
	L->form.opt = 0;
	L->mode = M_FORM;
}

static int
accept_all(struct label *L, int64_t now)
{
	int i, before = 0, after = 0, r;

	for (i = 0; i < L->ed.ans.n; i++)
		before += (L->ed.ans.a[i].flags & BX_ANNOT_SUGGESTION) != 0;
	r = label_apply(L, bx_edit_accept_all(&L->ed, L->s->suggest_threshold), now);
	for (i = 0; i < L->ed.ans.n; i++)
		after += (L->ed.ans.a[i].flags & BX_ANNOT_SUGGESTION) != 0;
	label_msg(L, 0, "accepted %d suggestion%s with score >= %.2f; %d left", before - after,
	          before - after == 1 ? "" : "s", L->s->suggest_threshold, after);
	return r | BX_VIEW_REDRAW;
}

static int
push(struct label *L, struct bx_view *v)
{
	L->view->push = v;
	return BX_VIEW_HANDLED | BX_VIEW_REDRAW | BX_VIEW_PUSH;
}

static int
key_normal(struct label *L, const struct bx_key *k, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	const struct bx_class *c;
	int action, dx, dy, far, n, step, r = 0;

	L->msg[0] = '\0';
	ed->msg[0] = '\0';
	/* Digits wait for the next key: see struct label. 0 alone fits. */
	if (k->key >= '0' && k->key <= '9' && (L->ndigits > 0 || k->key != '0')) {
		if (L->ndigits < 4) {
			L->num = L->num * 10 + (k->key - '0');
			L->ndigits++;
		}
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	action = bx_keymap_action(&bx_keymap_label, k->key);
	if (motion(action, &dx, &dy, &far)) {
		n = L->ndigits ? L->num : 1;
		L->num = L->ndigits = 0;
		step = label_step(L) * n * (far ? 10 : 1);
		return label_apply(L, bx_edit_move(ed, dx * step, dy * step), now);
	}
	/* Turning takes the count as degrees (30>), or the angle itself (45@). */
	if (action == BX_LA_ROTATE_CW || action == BX_LA_ROTATE_CCW || action == BX_LA_ANGLE) {
		n = L->ndigits ? L->num : -1;
		L->num = L->ndigits = 0;
		if (action == BX_LA_ANGLE)
			return label_apply(L, bx_edit_set_angle(ed, n < 0 ? 0 : n), now);
		return label_apply(L, bx_edit_rotate(ed, (n < 0 ? 5 : n) *
		    (action == BX_LA_ROTATE_CW ? 1 : -1)), now);
	}
	if (L->ndigits > 0 && k->key == BX_KEY_ESC) {
		L->num = L->ndigits = 0;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	/* A number before any other key picks its class, then the key does
	 * what it says: 3b is class 3 and the box tool. */
	if (L->ndigits > 0)
		r = digits_pick(L, now);
	/* Taxonomy hotkeys, except on keys this view uses (the taxonomy loader
	 * refuses the reserved ones; the shadowable ones go to the class). */
	if (k->key > ' ' && k->key < 127 && strchr(BX_TAXONOMY_RESERVED_KEYS, k->key) == NULL &&
	    (action == 0 || strchr(BX_TAXONOMY_SHADOWABLE_KEYS, k->key) != NULL) &&
	    (c = bx_taxonomy_class_by_hotkey(L->s->tax, k->key)) != NULL)
		return r | label_pick_class(L, c, now);
	switch (action) {
	case BX_LA_PAN_LEFT: return r | label_pan(L, -1, 0, now);
	case BX_LA_PAN_RIGHT: return r | label_pan(L, 1, 0, now);
	case BX_LA_PAN_UP: return r | label_pan(L, 0, -1, now);
	case BX_LA_PAN_DOWN: return r | label_pan(L, 0, 1, now);
	case BX_LA_ZOOM_IN: return r | label_zoom(L, 2, now);
	case BX_LA_ZOOM_OUT: return r | label_zoom(L, 0.5, now);
	case BX_LA_ZOOM_FIT:
		L->dv.zoom = 1;
		label_compute_view(L);
		return r | label_apply(L, BX_EDIT_VIEW, now);
	case BX_LA_ZOOM_1TO1:
		label_compute_view(L);
		return r | label_zoom(L, 1 / L->sc, now);
	case BX_LA_ZOOM_OBJECT:
		if (ed->sel < 0 || ed->sel >= ed->ans.n) {
			label_msg(L, 1, "select an object first (Tab, or v under the crosshair)");
			return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
		}
		label_show_selected(L, 1);
		return r | label_apply(L, BX_EDIT_VIEW, now);
	case BX_LA_TOOL_BOX: return r | set_tool(L, BX_TOOL_BOX, now);
	case BX_LA_TOOL_POLYGON: return r | set_tool(L, BX_TOOL_POLYGON, now);
	case BX_LA_TOOL_POINT: return r | set_tool(L, BX_TOOL_POINT, now);
	case BX_LA_TOOL_EXTREME: return r | set_tool(L, BX_TOOL_EXTREME, now);
	case BX_LA_TOOL_POLYLINE: return r | set_tool(L, BX_TOOL_POLYLINE, now);
	case BX_LA_TOOL_RBOX: return r | set_tool(L, BX_TOOL_RBOX, now);
	case BX_LA_TOOL_ELLIPSE: return r | set_tool(L, BX_TOOL_ELLIPSE, now);
	case BX_LA_TOOL_CUBOID: return r | set_tool(L, BX_TOOL_CUBOID, now);
	case BX_LA_PLACE:
		if (ed->tool == BX_TOOL_EXTREME)
			return r | label_extreme_place(L, now);
		return r | label_place(L, 0, now);
	case BX_LA_ENTER:
		if (ed->npend == 0 && ed->sel >= 0 && ed->sel < ed->ans.n &&
		    (ed->ans.a[ed->sel].flags & BX_ANNOT_SUGGESTION))
			return r | label_apply(L, bx_edit_accept(ed), now);
		if (ed->tool == BX_TOOL_EXTREME)
			return r | label_extreme_place(L, now);
		return r | label_place(L, 1, now);
	case BX_LA_BACKSPACE: return r | label_apply(L, bx_edit_backspace(ed), now);
	case BX_LA_CANCEL: return r | label_apply(L, bx_edit_cancel(ed) | BX_EDIT_VIEW, now);
	case BX_LA_CLASS_NEXT:
		if (L->s->tax->nclasses == 0)
			return r | BX_VIEW_HANDLED;
		n = ed->cls ? bx_taxonomy_class_index(L->s->tax, ed->cls) : -1;
		return r | label_pick_class(L, &L->s->tax->classes[(n + 1) % L->s->tax->nclasses], now);
	case BX_LA_CLASS_PREV:
		if (L->prev_cls == NULL || (c = label_class_of(L, L->prev_cls)) == NULL) {
			label_msg(L, 1, "no previous class yet");
			return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
		}
		return r | label_pick_class(L, c, now);
	case BX_LA_PICKER: return r | push(L, label_picker_new(L));
	case BX_LA_JUMP: return r | push(L, label_jump_new(L));
	case BX_LA_LOOK: return r | push(L, label_look_new(L));
	case BX_LA_SELECT_NEXT:
	case BX_LA_SELECT_PREV:
		r |= label_apply(L, bx_edit_select(ed, action == BX_LA_SELECT_NEXT ? 1 : -1), now);
		label_show_selected(L, 0);
		return r;
	case BX_LA_SELECT_HERE: return r | label_select_here(L, now);
	case BX_LA_GRAB_NEAREST: return r | label_grab_nearest(L, now);
	case BX_LA_HANDLE_NEXT: return r | label_apply(L, bx_edit_handle(ed, 1), now);
	case BX_LA_HANDLE_PREV: return r | label_apply(L, bx_edit_handle(ed, -1), now);
	case BX_LA_INSERT_VERTEX: return r | label_apply(L, bx_edit_insert_vertex(ed), now);
	case BX_LA_DELETE_VERTEX: return r | label_apply(L, bx_edit_delete_vertex(ed), now);
	case BX_LA_DELETE: return r | label_apply(L, bx_edit_delete(ed), now);
	case BX_LA_TIGHTEN: return r | label_tighten(L, now);
	case BX_LA_AUTO_TIGHTEN:
		L->auto_tighten = !L->auto_tighten;
		label_msg(L, 0, "tighten after each box: %s", L->auto_tighten ? "on" : "off");
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_WAND: return r | label_wand(L, 1, 0, now);
	case BX_LA_WAND_BOX: return r | label_wand(L, 1, 1, now);
	case BX_LA_WAND_SHRINK: return r | label_wand(L, -1, L->wand_box, now);
	case BX_LA_REPEAT: return r | label_repeat_last(L, now);
	case BX_LA_COPY_PREV: return r | label_copy_previous(L, now);
	case BX_LA_ATTRS:
		if (ed->sel < 0 || ed->sel >= ed->ans.n) {
			label_msg(L, 1, "select an object first (Tab)");
			return r | BX_VIEW_REDRAW;
		}
		form_open(L, 0);
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_GLOBAL_ATTRS:
		form_open(L, 1);
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_ACCEPT: return r | label_apply(L, bx_edit_accept(ed), now);
	case BX_LA_REJECT: return r | label_apply(L, bx_edit_reject(ed), now);
	case BX_LA_ACCEPT_ALL: return r | accept_all(L, now);
	case BX_LA_UNDO: return r | label_apply(L, bx_edit_undo(ed), now);
	case BX_LA_REDO: return r | label_apply(L, bx_edit_redo(ed), now);
	case BX_LA_INSTR_UP:
		L->instr_scroll = L->instr_scroll > 5 ? L->instr_scroll - 5 : 0;
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_INSTR_DOWN:
		L->instr_scroll += 5;
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_SUBMIT: return r | submit(L, now);
	case BX_LA_PASS:
		if (!L->s->review) {
			label_msg(L, 1, "Ctrl-N passes a judgment in boxel review; here n skips");
			return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
		}
		bx_session_pass(L->s);
		return r | label_next_task(L, now) | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_GOTO:
		L->mode = M_PROMPT;
		L->prompt = P_GOTO;
		bx_buf_reset(&L->line);
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_MINIMAP:
		L->look.minimap = !L->look.minimap;
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_SKIP:
		L->mode = M_PROMPT;
		L->prompt = P_SKIP;
		bx_buf_reset(&L->line);
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_QUIT:
		L->view_dirty = 1;
		save_view(L, now);
		return BX_VIEW_QUIT;
	case BX_LA_HELP:
		L->mode = M_HELP;
		L->help_scroll = 0;
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_REDRAW:
		return r | BX_VIEW_HANDLED | BX_VIEW_REDRAW | BX_VIEW_FULL;
	default:
		break;
	}
	return r;
}

/* ---- mouse ---- */

int
label_cell_to_image(const struct label *L, int col, int row, double *x, double *y)
{
	if (col < 0 || col >= L->pw || row < 0 || row >= L->ph)
		return -1;
	*x = L->left + (col + 0.5) / L->sc;
	*y = L->top + (2.0 * row + 1.0) / L->sc;
	return 0;
}

/* The smallest object whose bounds contain (x, y), or -1. */
int
label_object_at(const struct label *L, double x, double y)
{
	double bx, by, bw, bh, best = HUGE_VAL, tol = 2 / L->sc;
	int i, found = -1;

	for (i = 0; i < L->ed.ans.n; i++) {
		const struct bx_annot *an = &L->ed.ans.a[i];
		if (an->geom == BX_GEOM_TAG)
			continue;
		bx_annot_bounds(an, &bx, &by, &bw, &bh);
		if (x >= bx - tol && x <= bx + bw + tol && y >= by - tol && y <= by + bh + tol &&
		    bw * bh < best) {
			best = bw * bh;
			found = i;
		}
	}
	return found;
}

static int
key_mouse(struct label *L, const struct bx_key *k, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	double x, y;
	int r = 0, hit, row;

	if (k->mev == BX_MOUSE_WHEEL_UP || k->mev == BX_MOUSE_WHEEL_DOWN) {
		if (label_cell_to_image(L, k->x, k->y, &x, &y) == 0)
			bx_edit_cursor_to(ed, x, y);
		return label_zoom(L, k->mev == BX_MOUSE_WHEEL_UP ? 2 : 0.5, now);
	}
	/* A click in the object list selects. */
	if (k->mev == BX_MOUSE_PRESS && k->x >= L->rx) {
		row = k->y - L->list_y;
		if (L->mode == M_NORMAL && row >= 0 && row < L->list_rows &&
		    L->list_first + row < ed->ans.n)
			return label_apply(L, bx_edit_select_index(ed, L->list_first + row), now);
		return 0;
	}
	if (label_cell_to_image(L, k->x, k->y, &x, &y) != 0)
		return 0;
	switch (k->mev) {
	case BX_MOUSE_PRESS:
		L->mouse_down = 1;
		L->mouse_x = k->x;
		L->mouse_y = k->y;
		r = bx_edit_cursor_to(ed, x, y);
		if (ed->tool == BX_TOOL_BOX && ed->npend == 0)
			return label_apply(L, r, now);
		if (ed->tool == BX_TOOL_BOX)
			return label_apply(L, r, now);
		L->mouse_down = 0;
		if (ed->tool == BX_TOOL_EXTREME)
			return label_extreme_place(L, now);
		return label_place(L, 0, now);
	case BX_MOUSE_DRAG:
		r = bx_edit_cursor_to(ed, x, y);
		if (L->mouse_down && ed->tool == BX_TOOL_BOX && ed->npend == 0 &&
		    (k->x != L->mouse_x || k->y != L->mouse_y)) {
			double sx = x, sy = y;
			label_cell_to_image(L, L->mouse_x, L->mouse_y, &sx, &sy);
			bx_edit_cursor_to(ed, sx, sy);
			label_place(L, 0, now);
			bx_edit_cursor_to(ed, x, y);
		}
		return label_apply(L, r | BX_EDIT_VIEW, now);
	case BX_MOUSE_RELEASE:
		if (!L->mouse_down)
			return 0;
		L->mouse_down = 0;
		bx_edit_cursor_to(ed, x, y);
		if (ed->tool == BX_TOOL_BOX && ed->npend > 0)
			return label_place(L, 0, now);
		/* A polygon or line being drawn: the press placed a vertex,
		 * and selecting what lies under it would drop the drawing. */
		if (ed->npend > 0)
			return label_apply(L, BX_EDIT_VIEW, now);
		/* A click without a drag selects what is under it. */
		hit = label_object_at(L, x, y);
		if (hit >= 0)
			return label_apply(L, bx_edit_select_index(ed, hit), now);
		return label_apply(L, BX_EDIT_VIEW, now);
	default:
		return 0;
	}
}

/* ---- vtable ---- */

static int
label_key(struct bx_view *v, const struct bx_key *k, int64_t now)
{
	struct label *L = v->data;
	int64_t idle;

	if (L->s->have_task && L->mode != M_EMPTY) {
		idle = now - L->last_key_ms;
		if (idle > 0)
			L->dv.seconds += (idle > IDLE_CAP_MS ? IDLE_CAP_MS : idle) / 1000.0;
	}
	L->last_key_ms = now;
	if (L->cols < MIN_COLS || L->rows < MIN_ROWS)
		return k->key == 'q' ? (save_view(L, now), BX_VIEW_QUIT) : 0;
	switch (L->mode) {
	case M_HELP:
		if (k->key == 'j' || k->key == BX_KEY_DOWN) {
			L->help_scroll++;
			return BX_VIEW_REDRAW;
		}
		if (k->key == 'k' || k->key == BX_KEY_UP) {
			L->help_scroll = L->help_scroll > 0 ? L->help_scroll - 1 : 0;
			return BX_VIEW_REDRAW;
		}
		L->mode = M_NORMAL;
		return BX_VIEW_REDRAW;
	case M_EMPTY:
		if (k->key == 'q')
			return BX_VIEW_QUIT;
		if (k->key == 'r')
			return label_next_task(L, now) | BX_VIEW_REDRAW;
		return 0;
	case M_FATAL:
		return k->key == 'q' ? BX_VIEW_QUIT : 0;
	case M_FEEDBACK:
		if (k->key == BX_KEY_MOUSE)
			return 0;
		bx_training_feedback_free(&L->fb);
		L->fb_on = 0;
		L->mode = M_NORMAL;
		if (k->key == 'q' || k->key == 3)
			return BX_VIEW_QUIT;
		L->msg[0] = '\0';
		{
			int r = label_next_task(L, now);
			label_msg(L, 0, "%s", L->fb_done);
			return r | BX_VIEW_REDRAW;
		}
	case M_LOST:
		if (k->key == 'q')
			return BX_VIEW_QUIT;
		if (k->key == BX_KEY_ENTER)
			return label_next_task(L, now) | BX_VIEW_REDRAW;
		return 0;
	case M_FORM:
		return label_key_form(L, k, now);
	case M_PROMPT:
		return label_key_prompt(L, k, now);
	default:
		break;
	}
	if (k->key == BX_KEY_MOUSE)
		return key_mouse(L, k, now);
	return key_normal(L, k, now);
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
	if (L->mode == M_LOST || L->mode == M_EMPTY || L->mode == M_FATAL || L->mode == M_FEEDBACK)
		return 0;
	/* Digits followed by a pause pick their class. */
	if (why == BX_TICK_IDLE && L->ndigits > 0 && L->mode == M_NORMAL)
		r |= digits_pick(L, now) | BX_VIEW_REDRAW;
	rc = bx_session_heartbeat(L->s, now, &err);
	if (rc == BX_ELEASE || L->s->lost) {
		L->mode = M_LOST;
		return BX_VIEW_REDRAW;
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
		r |= BX_VIEW_REDRAW;
	return r;
}

static void
label_free(struct bx_view *v)
{
	struct label *L = v->data;

	if (L == NULL)
		return;
	label_prefetch_drop(L);
	bx_training_feedback_free(&L->fb);
	task_unload(L);
	bx_edit_free(&L->ed);
	bx_raster_free(L->disp);
	bx_buf_free(&L->line);
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
bx_view_label_init(struct bx_view *v, struct bx_session *s, enum bx_colors colors, int no_color,
                   int cols, int rows, int64_t now)
{
	struct label *L = bx_calloc(1, sizeof *L);

	L->s = s;
	L->colors = colors;
	L->no_color = no_color;
	bx_edit_init(&L->ed, 1, 1);
	bx_buf_init(&L->line);
	L->dv.zoom = 1;
	L->prefetch_on = getenv("BOXEL_PREFETCH") == NULL || strcmp(getenv("BOXEL_PREFETCH"), "0") != 0;
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
