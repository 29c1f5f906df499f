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
#include "boxel/image.h"
#include "boxel/keymap.h"
#include "boxel/label.h"
#include "boxel/raster.h"
#include "boxel/util.h"
#include "boxel/view.h"
#include "boxel/view-label.h"

#define MIN_COLS 80
#define MIN_ROWS 24
#define IDLE_CAP_MS 60000      /* longer pauses do not count as time spent */

enum mode { M_NORMAL, M_HELP, M_FORM, M_PROMPT, M_LOST, M_EMPTY, M_FATAL, M_FEEDBACK };
enum prompt { P_SKIP = 1, P_ATTR };

struct form {
	int global;        /* editing the global attributes */
	int obj;           /* object index (when !global) */
	int row;           /* selected field */
	int opt;           /* option cursor in a multi field */
};

/* The image of the task the queue will most likely give next, decoded by
 * one worker thread while the annotator works on this one. The worker
 * touches only this struct (no curses, no store); the main thread reads it
 * only after pthread_join. */
struct prefetch {
	pthread_t th;
	int running;       /* started and not yet joined */
	char *image;       /* as stored (relative to the image root) */
	char *path;        /* resolved before the thread starts */
	int want_w, want_h;
	struct bx_image img;
	int ok;
	struct bx_err err;
};

struct label {
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
	struct bx_image img;
	int img_ok;
	char img_err[800];
	int64_t last_key_ms;
	int view_dirty;

	/* layout, in cells */
	int pw, ph;        /* image pane */
	int rx, rw;        /* right pane */
	struct bx_raster *disp;
	double sc;         /* display pixels per image pixel */
	double left, top;  /* image pixel at the display raster's origin */

	/* input */
	int count;
	char *count_cls;   /* class before the digits of a count */
	int count_pos;     /* undo position before them */
	int mouse_down, mouse_x, mouse_y;

	struct form form;
	enum prompt prompt;
	struct bx_buf line;
	int instr_scroll;
	int help_scroll;
	int list_y, list_first, list_rows; /* where the object list was drawn */
	char *keep_cls;    /* class and tool of the previous task */
	enum bx_tool keep_tool;

	/* after submitting a training task: its gold and score (M_FEEDBACK) */
	struct bx_training_feedback fb;
	int fb_on;
	char fb_done[256];

	int prefetch_on;   /* BOXEL_PREFETCH=0 turns it off (to measure it) */
	struct prefetch pf;
};

static const uint32_t palette[] = {
	BX_RGB(0xe6, 0x19, 0x4b), BX_RGB(0x3c, 0xb4, 0x4b), BX_RGB(0xff, 0xe1, 0x19),
	BX_RGB(0x43, 0x63, 0xd8), BX_RGB(0xf5, 0x82, 0x31), BX_RGB(0x91, 0x1e, 0xb4),
	BX_RGB(0x46, 0xf0, 0xf0), BX_RGB(0xf0, 0x32, 0xe6),
};

/* ---- small helpers ---- */

static uint32_t
ui(const struct label *L, uint32_t rgb)
{
	return L->no_color ? BX_COLOR_DEFAULT : rgb;
}

static void
set_msg(struct label *L, int is_err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
set_msg(struct label *L, int is_err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(L->msg, sizeof L->msg, fmt, ap);
	va_end(ap);
	L->msg_err = is_err;
}

static const struct bx_class *
class_of(const struct label *L, const char *name)
{
	return name ? bx_taxonomy_class(L->s->tax, name) : NULL;
}

static uint32_t
class_color(const struct label *L, const char *name)
{
	const struct bx_class *c = class_of(L, name);
	int i;

	if (c != NULL)
		return c->color;
	i = name ? (int)(strlen(name) % BX_ARRAY_LEN(palette)) : 0;
	return palette[i];
}

static uint32_t
dim(uint32_t c)
{
	return BX_RGB((BX_RGB_R(c) + 0x80) / 2, (BX_RGB_G(c) + 0x80) / 2, (BX_RGB_B(c) + 0x80) / 2);
}

/* ---- task lifecycle ---- */

static void
task_unload(struct label *L)
{
	/* The class and tool carry over to the next task. */
	if (L->ed.cls != NULL) {
		free(L->keep_cls);
		L->keep_cls = bx_strdup(L->ed.cls);
	}
	L->keep_tool = L->ed.tool;
	bx_image_release(&L->img);
	memset(&L->img, 0, sizeof L->img);
	L->img_ok = 0;
	bx_edit_free(&L->ed);
	bx_edit_init(&L->ed, 1, 1);
}

static void compute_view(struct label *L);

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

/* ---- prefetch ---- */

static void *
prefetch_main(void *arg)
{
	struct prefetch *p = arg;

	p->ok = bx_image_load(p->path, p->want_w, p->want_h, NULL, &p->img, &p->err) == 0;
	return NULL;
}

static void
prefetch_join(struct label *L)
{
	if (L->pf.running) {
		pthread_join(L->pf.th, NULL);
		L->pf.running = 0;
	}
}

static void
prefetch_drop(struct label *L)
{
	prefetch_join(L);
	if (L->pf.ok)
		bx_image_release(&L->pf.img);
	free(L->pf.image);
	free(L->pf.path);
	memset(&L->pf, 0, sizeof L->pf);
}

/* Guess the next claim and decode its image at the size the pane would
 * show it (fit zoom) in the background. */
static void
prefetch_start(struct label *L, int64_t now)
{
	struct bx_err err;
	char path[4096], *image = NULL;
	sigset_t all, old;
	double fit;
	int w = 0, h = 0;

	prefetch_drop(L);
	/* (Review walks judgments, not the queue the peek predicts.) */
	if (!L->prefetch_on || !L->s->have_task || L->s->review || L->pw < 1 || L->ph < 1)
		return;
	if (bx_queue_peek_next(L->s->st, L->s->user, L->s->claim.judgment, now, &image, &w, &h,
	                       &err) != 0)
		return;
	if (w < 1 || h < 1 || bx_path_resolve(L->s->image_root, image, path, sizeof path, NULL) != 0) {
		free(image);
		return;
	}
	fit = fmin((double)L->pw / w, 2.0 * L->ph / h);
	L->pf.image = image;
	L->pf.path = bx_strdup(path);
	L->pf.want_w = (int)ceil(w * fit);
	L->pf.want_h = (int)ceil(h * fit);
	/* The worker blocks every signal: SIGHUP/SIGTERM/SIGWINCH must reach
	 * the main thread, whose loop acts on them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&L->pf.th, NULL, prefetch_main, &L->pf) == 0)
		L->pf.running = 1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!L->pf.running)
		prefetch_drop(L);
}

/* The claimed task's image, if the prefetch guessed it: 1 and L->img set. */
static int
prefetch_take(struct label *L)
{
	int hit;

	if (L->pf.image == NULL)
		return 0;
	prefetch_join(L);
	hit = L->pf.ok && L->s->image_path != NULL && strcmp(L->pf.image, L->s->claim.image) == 0 &&
	      strcmp(L->pf.path, L->s->image_path) == 0;
	if (hit) {
		bx_image_release(&L->img);
		L->img = L->pf.img;
		memset(&L->pf.img, 0, sizeof L->pf.img);
		L->pf.ok = 0;
		L->img_ok = 1;
		L->img_err[0] = '\0';
	}
	prefetch_drop(L);
	return hit;
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
		set_msg(L, 1, "draft could not be restored (%s); starting empty", err.msg);
	if (L->ed.cls == NULL && L->ed.pos == 0 && L->ed.nsteps == 0 && L->keep_cls != NULL &&
	    class_of(L, L->keep_cls) != NULL) {
		free(L->ed.cls);
		L->ed.cls = bx_strdup(L->keep_cls);
		L->ed.tool = L->keep_tool;
	}
	if (L->ed.cls == NULL && L->s->tax->nclasses > 0)
		L->ed.cls = bx_strdup(L->s->tax->classes[0].name);
	L->img_err[0] = '\0';
	compute_view(L);
	if (!prefetch_take(L))
		load_image(L, (int)ceil(w * L->sc), (int)ceil(h * L->sc));
	L->last_key_ms = now;
	L->mode = M_NORMAL;
	L->count = 0;
	L->instr_scroll = 0;
	prefetch_start(L, now);
	return 0;
}

static int
next_task(struct label *L, int64_t now)
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
		set_msg(L, 1, "%s", err.msg);
		return BX_VIEW_NEWIMAGE;
	}
	task_open(L, now);
	if (L->s->claim.review_comment != NULL && !L->s->review)
		set_msg(L, 1, "returned by %s", L->s->claim.review_comment);
	else if (L->s->claim.resumed && L->msg[0] == '\0')
		set_msg(L, 0, "resumed your task %s", L->s->claim.image);
	if (L->s->review && L->msg[0] == '\0')
		set_msg(L, 0, "%s", L->s->review_info);
	return BX_VIEW_NEWIMAGE;
}

/* ---- geometry of the image pane ---- */

static void
compute_view(struct label *L)
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
static void
follow_cursor(struct label *L)
{
	double vw = L->pw / L->sc, vh = 2.0 * L->ph / L->sc;

	if (L->ed.cx < L->left || L->ed.cx > L->left + vw ||
	    L->ed.cy < L->top || L->ed.cy > L->top + vh) {
		L->dv.vx = L->ed.cx;
		L->dv.vy = L->ed.cy;
		compute_view(L);
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
	k = (double)L->img.pix->w / L->ed.img_w;
	if (k + 1e-9 < L->sc && L->img.pix->w < L->img.full_w)
		load_image(L, (int)fmin(ceil(L->ed.img_w * L->sc), L->img.full_w),
		           (int)fmin(ceil(L->ed.img_h * L->sc), L->img.full_h));
}

static int
step_px(const struct label *L)
{
	double s = floor(1.0 / L->sc + 0.5);

	return s < 1 ? 1 : (int)s;
}

/* ---- drawing ---- */

static double
dxo(const struct label *L, double x)
{
	return (x - L->left) * L->sc;
}

static double
dyo(const struct label *L, double y)
{
	return (y - L->top) * L->sc;
}

static void
draw_handle(struct label *L, double x, double y, uint32_t c)
{
	double dx = dxo(L, x), dy = dyo(L, y);

	bx_raster_fill_rect(L->disp, dx - 1, dy - 1, dx + 1, dy + 1, c);
}

static void
draw_annot(struct label *L, const struct bx_annot *an, int selected)
{
	uint32_t c = class_color(L, an->cls);
	int dash = 0, i;
	double *xy;

	if (an->flags & BX_ANNOT_SUGGESTION) {
		c = dim(c);
		dash = 2;
	}
	switch (an->geom) {
	case BX_GEOM_BOX:
		bx_raster_rect(L->disp, dxo(L, an->x), dyo(L, an->y), dxo(L, an->x + an->w),
		               dyo(L, an->y + an->h), c, dash);
		break;
	case BX_GEOM_POLYGON:
		xy = bx_malloc(sizeof *xy * 2 * (size_t)an->npts);
		for (i = 0; i < an->npts; i++) {
			xy[2 * i] = dxo(L, an->pts[i].x);
			xy[2 * i + 1] = dyo(L, an->pts[i].y);
		}
		if (selected)
			bx_raster_blend_polygon(L->disp, xy, an->npts, c, 60);
		bx_raster_polyline(L->disp, xy, an->npts, 1, c, dash);
		free(xy);
		break;
	case BX_GEOM_POINT:
		if (an->npts >= 1) {
			double dx = dxo(L, an->pts[0].x), dy = dyo(L, an->pts[0].y);
			bx_raster_fill_rect(L->disp, dx - 1, dy - 1, dx + 1, dy + 1, c);
		}
		break;
	default:
		break;
	}
}

/* A color change costs 11-20 bytes on the wire, and ncurses
 * only resends a color when it changes from the previous cell. So, within
 * a few levels (invisible next to a half block's own coarseness): a cell's
 * two pixels take one color (the cell becomes a space), and a pixel that
 * is close to the same half of the previous cell repeats its color. The
 * error stays bounded per pixel (it is measured against the true pixel). */
static int
near(const uint8_t *a, const uint8_t *b, int limit)
{
	return abs(a[0] - b[0]) + abs(a[1] - b[1]) + abs(a[2] - b[2]) <= limit;
}

/* limit: sum of |dR|+|dG|+|dB| treated as the same color; in 256 colors
 * the palette's own steps are ~40 levels, so a larger one costs nothing
 * visible there. */
static void
economize(struct bx_raster *r, int limit)
{
	int x, y, i;
	uint8_t *a, *b;

	for (y = 0; y + 1 < r->h; y += 2) {
		for (x = 0; x < r->w; x++) {
			a = r->px + 3 * ((size_t)y * r->w + x);
			b = a + 3 * (size_t)r->w;
			if (x > 0 && near(a, a - 3, limit))
				memcpy(a, a - 3, 3);
			if (x > 0 && near(b, b - 3, limit))
				memcpy(b, b - 3, 3);
			if (near(a, b, limit))
				for (i = 0; i < 3; i++)
					b[i] = a[i];
		}
	}
}

/* A space shows only its background: give it the foreground of the cell
 * before it, so the terminal is not sent a color nobody sees. */
static void
economize_cells(struct bx_grid *g, int w, int h)
{
	int x, y;
	struct bx_cell *c;

	for (y = 0; y < h && y < g->h; y++) {
		for (x = 1; x < w && x < g->w; x++) {
			c = &g->c[y * g->w + x];
			if (c->ch == ' ' && c->attr == 0)
				c->fg = c[-1].fg;
		}
	}
}

/* The crosshair: one display pixel in a color that stands out from the
 * pixel it covers. Kept to one pixel so a step changes two cells on the
 * wire (the status line says where it is, in image pixels). */
static void
draw_cursor(struct label *L)
{
	int x = (int)floor(dxo(L, L->ed.cx)), y = (int)floor(dyo(L, L->ed.cy)), lum;
	uint32_t c;

	/* The crosshair may sit on the image's far edge (x = width). */
	if (x >= L->disp->w)
		x = L->disp->w - 1;
	if (y >= L->disp->h)
		y = L->disp->h - 1;
	c = bx_raster_get(L->disp, x, y);
	lum = (BX_RGB_R(c) * 3 + BX_RGB_G(c) * 6 + BX_RGB_B(c)) / 10;
	bx_raster_set(L->disp, x, y, lum > 140 ? BX_RGB(0, 0, 0) : BX_RGB(0xff, 0xff, 0xff));
}

/* A gold object in training feedback and review: dashed white, whatever
 * its class, so it reads apart from the labeler's own (solid, class
 * colors). */
static void
draw_gold(struct label *L, const struct bx_annot *an)
{
	const uint32_t c = BX_RGB(0xff, 0xff, 0xff);
	double *xy;
	int i;

	switch (an->geom) {
	case BX_GEOM_BOX:
		bx_raster_rect(L->disp, dxo(L, an->x), dyo(L, an->y), dxo(L, an->x + an->w),
		               dyo(L, an->y + an->h), c, 3);
		break;
	case BX_GEOM_POLYGON:
		xy = bx_malloc(sizeof *xy * 2 * (size_t)an->npts);
		for (i = 0; i < an->npts; i++) {
			xy[2 * i] = dxo(L, an->pts[i].x);
			xy[2 * i + 1] = dyo(L, an->pts[i].y);
		}
		bx_raster_polyline(L->disp, xy, an->npts, 1, c, 3);
		free(xy);
		break;
	case BX_GEOM_POINT:
		if (an->npts >= 1)
			bx_raster_rect(L->disp, dxo(L, an->pts[0].x) - 3, dyo(L, an->pts[0].y) - 3,
			               dxo(L, an->pts[0].x) + 3, dyo(L, an->pts[0].y) + 3, c, 0);
		break;
	default:
		break;
	}
}

static void
draw_image_pane(struct label *L, struct bx_grid *g)
{
	struct bx_edit *ed = &L->ed;
	const struct bx_annot *an;
	double x, y;
	int i, n;
	uint32_t cc;

	if (L->disp == NULL)
		return;
	if (!L->img_ok) {
		bx_raster_clear(L->disp, BX_RASTER_OUTSIDE);
	} else {
		double k = (double)L->img.pix->w / ed->img_w;
		bx_raster_view_into(L->img.pix, L->left * k, L->top * k, L->pw / L->sc * k,
		                    2.0 * L->ph / L->sc * k, L->disp);
	}
	if (L->mode == M_FEEDBACK) {
		for (i = 0; i < L->fb.answer.n; i++)
			draw_annot(L, &L->fb.answer.a[i], 0);
		for (i = 0; i < L->fb.gold.n; i++)
			draw_gold(L, &L->fb.gold.a[i]);
		economize(L->disp, L->colors == BX_COLORS_FULL ? 10 : 24);
		bx_cells_render(L->disp, BX_SYMBOLS_HALF, L->colors, g, 0, 0);
		economize_cells(g, L->pw, L->ph);
		return;
	}
	for (i = 0; i < ed->ans.n; i++)
		if (i != ed->sel)
			draw_annot(L, &ed->ans.a[i], 0);
	if (L->s->review)
		for (i = 0; i < L->s->review_gold.n; i++)
			draw_gold(L, &L->s->review_gold.a[i]);
	if (ed->sel >= 0 && ed->sel < ed->ans.n) {
		an = &ed->ans.a[ed->sel];
		draw_annot(L, an, 1);
		n = bx_edit_handle_count(ed);
		for (i = 0; i < n; i++) {
			if (bx_edit_handle_pos(ed, i, &x, &y) != 0)
				continue;
			if (an->geom == BX_GEOM_BOX && i >= BX_H_TOP && ed->handle != i)
				continue; /* edge midpoints only when grabbed */
			draw_handle(L, x, y, i == ed->handle ? BX_RGB(0xff, 0xff, 0x00)
			                                     : BX_RGB(0xff, 0xff, 0xff));
		}
		if (an->geom == BX_GEOM_POINT && an->npts >= 1)
			draw_handle(L, an->pts[0].x, an->pts[0].y, BX_RGB(0xff, 0xff, 0xff));
	}
	/* The shape being drawn, up to the crosshair. */
	cc = class_color(L, ed->cls);
	if (ed->npend > 0 && ed->tool == BX_TOOL_BOX) {
		bx_raster_rect(L->disp, dxo(L, ed->pend[0].x), dyo(L, ed->pend[0].y), dxo(L, ed->cx),
		               dyo(L, ed->cy), cc, 1);
	} else if (ed->npend > 0) {
		double *xy = bx_malloc(sizeof *xy * 2 * (size_t)(ed->npend + 1));
		for (i = 0; i < ed->npend; i++) {
			xy[2 * i] = dxo(L, ed->pend[i].x);
			xy[2 * i + 1] = dyo(L, ed->pend[i].y);
		}
		xy[2 * ed->npend] = dxo(L, ed->cx);
		xy[2 * ed->npend + 1] = dyo(L, ed->cy);
		bx_raster_polyline(L->disp, xy, ed->npend + 1, 0, cc, 0);
		for (i = 0; i < ed->npend; i++)
			draw_handle(L, ed->pend[i].x, ed->pend[i].y, cc);
		free(xy);
	}
	economize(L->disp, L->colors == BX_COLORS_FULL ? 10 : 24);
	draw_cursor(L);
	bx_cells_render(L->disp, BX_SYMBOLS_HALF, L->colors, g, 0, 0);
	economize_cells(g, L->pw, L->ph);
	if (!L->img_ok && L->img_err[0])
		bx_grid_put_text(g, 1, L->ph / 2, L->img_err, ui(L, BX_RGB(0xff, 0x60, 0x60)),
		                 BX_COLOR_DEFAULT, BX_CELL_BOLD, L->pw - 2);
}

/* Width in columns of UTF-8 text (sanitized the way the grid writes it). */
static int
text_cols(const char *s, size_t n)
{
	size_t i = 0;
	int cols = 0, len;
	uint32_t cp;

	while (i < n) {
		len = bx_utf8_decode(s + i, n - i, &cp);
		if (len <= 0) {
			cols++;
			i++;
			continue;
		}
		cols += cp < 0x20 ? 1 : bx_wcwidth(cp);
		i += (size_t)len;
	}
	return cols;
}

/* Greedy word wrap of text into lines of at most width columns. Returns
 * the number of lines; *out holds malloc'd strings (free each and it). */
static int
wrap(const char *text, int width, char ***out)
{
	char **lines = NULL;
	int n = 0, cap = 0;
	const char *p = text, *eol, *q, *brk, *end;

	if (width < 8)
		width = 8;
	while (*p != '\0' || n == 0) {
		eol = strchr(p, '\n');
		end = eol ? eol : p + strlen(p);
		do {
			/* Take as many whole words as fit. */
			q = p;
			brk = NULL;
			while (q < end && text_cols(p, (size_t)(q - p + 1)) <= width) {
				if (*q == ' ')
					brk = q;
				q++;
			}
			if (q < end && brk != NULL && brk > p)
				q = brk;
			while (q < end && q > p && ((unsigned char)*q & 0xc0) == 0x80)
				q--; /* never split a UTF-8 character */
			if (q == p && p < end)
				q = p + 1;
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				lines = bx_realloc(lines, sizeof *lines * (size_t)cap);
			}
			lines[n++] = bx_strndup(p, (size_t)(q - p));
			p = q;
			while (p < end && *p == ' ')
				p++;
		} while (p < end);
		if (eol == NULL)
			break;
		p = eol + 1;
		if (*p == '\0')
			break;
	}
	*out = lines;
	return n;
}

/* Markdown-ish instructions come hard-wrapped; join a paragraph's lines so
 * they wrap to the pane. A line starts a new block when it is blank or
 * opens a heading, list item or quote. Caller frees. */
static int
starts_block(const char *p)
{
	while (*p == ' ')
		p++;
	if (*p == '#' || *p == '>' || *p == '\n' || *p == '\0')
		return 1;
	if ((*p == '-' || *p == '*' || *p == '+') && p[1] == ' ')
		return 1;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '.' && p[-1] >= '0' && p[-1] <= '9';
}

static char *
reflow(const char *text)
{
	struct bx_buf b;
	const char *p = text, *eol;
	int prev_text = 0, prev_heading = 0;

	bx_buf_init(&b);
	bx_buf_puts(&b, "");
	while (*p != '\0') {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		if (eol == p) {
			bx_buf_puts(&b, prev_text ? "\n\n" : "\n");
			prev_text = 0;
		} else if (prev_text && !prev_heading && !starts_block(p)) {
			while (*p == ' ')
				p++;
			bx_buf_putc(&b, ' ');
			bx_buf_append(&b, p, (size_t)(eol - p));
		} else {
			if (prev_text)
				bx_buf_putc(&b, '\n');
			bx_buf_append(&b, p, (size_t)(eol - p));
			prev_text = 1;
			prev_heading = *p == '#';
		}
		p = *eol ? eol + 1 : eol;
	}
	return b.p;
}

static void
free_lines(char **lines, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static void
heading(struct label *L, struct bx_grid *g, int y, const char *text)
{
	bx_grid_fill(g, L->rx, y, L->rw, 1, ' ', BX_COLOR_DEFAULT, ui(L, BX_RGB(0x30, 0x30, 0x48)),
	             L->no_color ? BX_CELL_UNDERLINE : 0);
	bx_grid_put_text(g, L->rx, y, text, ui(L, BX_RGB(0xff, 0xff, 0xff)),
	                 ui(L, BX_RGB(0x30, 0x30, 0x48)),
	                 BX_CELL_BOLD | (L->no_color ? BX_CELL_UNDERLINE : 0), L->rw);
}

static void
value_text(const struct bx_value *v, char *buf, size_t n)
{
	struct bx_buf b;
	int i;

	switch (v ? v->type : BX_VAL_NONE) {
	case BX_VAL_STR:
		snprintf(buf, n, "%s", v->str);
		return;
	case BX_VAL_NUM:
		snprintf(buf, n, "%g", v->num);
		return;
	case BX_VAL_BOOL:
		snprintf(buf, n, "%s", v->b ? "yes" : "no");
		return;
	case BX_VAL_LIST:
		bx_buf_init(&b);
		for (i = 0; i < v->nlist; i++) {
			if (i)
				bx_buf_putc(&b, ',');
			bx_buf_puts(&b, v->list[i]);
		}
		snprintf(buf, n, "%s", b.p ? b.p : "");
		bx_buf_free(&b);
		return;
	default:
		snprintf(buf, n, "-");
	}
}

static void
geom_text(const struct bx_annot *an, char *buf, size_t n)
{
	switch (an->geom) {
	case BX_GEOM_BOX:
		snprintf(buf, n, "box %.0f,%.0f %.0fx%.0f", an->x, an->y, an->w, an->h);
		break;
	case BX_GEOM_POLYGON:
		snprintf(buf, n, "poly %d pts @%.0f,%.0f", an->npts, an->npts ? an->pts[0].x : 0,
		         an->npts ? an->pts[0].y : 0);
		break;
	case BX_GEOM_POINT:
		snprintf(buf, n, "point %.0f,%.0f", an->npts ? an->pts[0].x : 0,
		         an->npts ? an->pts[0].y : 0);
		break;
	default:
		snprintf(buf, n, "image class");
	}
}

static void
attrs_summary(const struct bx_attrs *as, char *buf, size_t n)
{
	size_t len = 0;
	char v[64];
	int i;

	buf[0] = '\0';
	for (i = 0; i < as->n && len + 2 < n; i++) {
		value_text(&as->a[i].v, v, sizeof v);
		len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", i ? " " : "", as->a[i].key, v);
	}
}

/* The attribute specs the form edits. */
static const struct bx_attr_spec *
form_specs(const struct label *L, int *n)
{
	const struct bx_class *c;

	if (L->form.global) {
		*n = L->s->tax->nglobal;
		return L->s->tax->global;
	}
	if (L->form.obj < 0 || L->form.obj >= L->ed.ans.n) {
		*n = 0;
		return NULL;
	}
	c = class_of(L, L->ed.ans.a[L->form.obj].cls);
	*n = c ? c->nattrs : 0;
	return c ? c->attrs : NULL;
}

static const struct bx_attrs *
form_attrs(const struct label *L)
{
	if (L->form.global)
		return &L->ed.ans.global;
	return &L->ed.ans.a[L->form.obj].attrs;
}

/* One line per attribute spec: "* name: value". y advances. */
static int
draw_attr_rows(struct label *L, struct bx_grid *g, int y, int ymax,
               const struct bx_attr_spec *specs, int n, const struct bx_attrs *as, int cursor)
{
	char v[160], line[400];
	const struct bx_value *val;
	int i, j;
	uint16_t attr;

	for (i = 0; i < n && y < ymax; i++, y++) {
		val = bx_attrs_get(as, specs[i].name);
		if (val == NULL && specs[i].def.type != BX_VAL_NONE) {
			value_text(&specs[i].def, v, sizeof v);
			strncat(v, " (default)", sizeof v - strlen(v) - 1);
		} else {
			value_text(val, v, sizeof v);
		}
		snprintf(line, sizeof line, "%s%s %s: %s", i == cursor ? ">" : " ",
		         specs[i].required ? "*" : " ", specs[i].name, v);
		if (i == cursor && specs[i].type == BX_ATTR_MULTI) {
			/* Show the options with the option cursor. */
			size_t len = (size_t)snprintf(line, sizeof line, ">%s %s:", specs[i].required ? "*" : " ",
			                              specs[i].name);
			for (j = 0; j < specs[i].noptions && len + 4 < sizeof line; j++) {
				int on = 0, k;
				if (val != NULL && val->type == BX_VAL_LIST)
					for (k = 0; k < val->nlist; k++)
						if (strcmp(val->list[k], specs[i].options[j]) == 0)
							on = 1;
				len += (size_t)snprintf(line + len, sizeof line - len, " %s%s%s%s",
				                        j == L->form.opt ? "<" : "", on ? "+" : "-",
				                        specs[i].options[j], j == L->form.opt ? ">" : "");
			}
		}
		attr = i == cursor ? BX_CELL_REVERSE : 0;
		bx_grid_put_text(g, L->rx, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, attr, L->rw);
	}
	return y;
}

static const char *
verdict_text(const struct bx_annot *mine, const struct bx_annot *gold, enum bx_verdict v)
{
	switch (v) {
	case BX_V_TP: return "matched";
	case BX_V_MISMATCH:
		if (mine && gold && (mine->cls == NULL) != (gold->cls == NULL))
			return "wrong class";
		if (mine && gold && mine->cls && strcmp(mine->cls, gold->cls) != 0)
			return "wrong class";
		return "wrong attributes";
	case BX_V_FP: return "extra";
	case BX_V_FN: return "missed";
	}
	return "?";
}

/* Training feedback: the score, then one line per object (the labeler's
 * in their order, then the gold they missed). */
static void
draw_feedback_pane(struct label *L, struct bx_grid *g, int y, int ymax)
{
	const struct bx_training_feedback *f = &L->fb;
	char line[512], geo[96], ratio[32];
	const struct bx_annot *an, *gd;
	double v;
	int i, m;

	heading(L, g, y++, "Training feedback (any key: next task)");
	snprintf(line, sizeof line, "score: TP %ld  M %ld  FP %ld  FN %ld", f->score.tp,
	         f->score.mismatch, f->score.fp, f->score.fn);
	bx_grid_put_text(g, L->rx, y++, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD, L->rw);
	if (bx_score_accuracy(&f->score, &v))
		snprintf(ratio, sizeof ratio, "%.2f", v);
	else
		snprintf(ratio, sizeof ratio, "-");
	snprintf(line, sizeof line, "accuracy %s", ratio);
	bx_grid_put_text(g, L->rx, y++, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD, L->rw);
	bx_grid_put_text(g, L->rx, y++, "gold: dashed white; yours: class colors", BX_COLOR_DEFAULT,
	                 BX_COLOR_DEFAULT, 0, L->rw);
	snprintf(line, sizeof line, "Your objects (%d), gold (%d)", f->answer.n, f->gold.n);
	heading(L, g, y++, line);
	for (i = 0; i < f->answer.n && y < ymax; i++, y++) {
		an = &f->answer.a[i];
		m = f->lab_match[i];
		gd = m >= 0 && m < f->gold.n ? &f->gold.a[m] : NULL;
		geom_text(an, geo, sizeof geo);
		snprintf(line, sizeof line, "%-16s #%d %s %s", verdict_text(an, gd, f->lab_verdict[i]),
		         i + 1, an->cls ? an->cls : "?", geo);
		if (gd != NULL && f->lab_verdict[i] == BX_V_MISMATCH && an->cls && gd->cls &&
		    strcmp(an->cls, gd->cls) != 0) {
			strncat(line, "  gold: ", sizeof line - strlen(line) - 1);
			strncat(line, gd->cls, sizeof line - strlen(line) - 1);
		} else if (f->lab_note != NULL && f->lab_note[i] != NULL) {
			/* the class is right: the attribute that is not */
			strncat(line, "  ", sizeof line - strlen(line) - 1);
			strncat(line, f->lab_note[i], sizeof line - strlen(line) - 1);
		}
		if (gd != NULL && an->geom != BX_GEOM_TAG) {
			snprintf(ratio, sizeof ratio, "  IoU %.2f", f->gold_sim[m]);
			if (an->geom == BX_GEOM_POINT)
				snprintf(ratio, sizeof ratio, "  sim %.2f", f->gold_sim[m]);
			strncat(line, ratio, sizeof line - strlen(line) - 1);
		}
		bx_grid_fill(g, L->rx, y, 1, 1, ' ', BX_COLOR_DEFAULT, class_color(L, an->cls), 0);
		bx_grid_put_text(g, L->rx + 1, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
		                 f->lab_verdict[i] == BX_V_TP ? 0 : BX_CELL_BOLD, L->rw - 1);
	}
	for (i = 0; i < f->gold.n && y < ymax; i++) {
		if (f->gold_verdict[i] != BX_V_FN)
			continue;
		gd = &f->gold.a[i];
		geom_text(gd, geo, sizeof geo);
		snprintf(line, sizeof line, "%-16s gold %s %s", "missed", gd->cls ? gd->cls : "?", geo);
		bx_grid_put_text(g, L->rx + 1, y++, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
		                 BX_CELL_BOLD, L->rw - 1);
	}
	if (f->answer.n == 0 && f->gold.n == 0 && y < ymax)
		bx_grid_put_text(g, L->rx, y++, " nothing to find, nothing drawn: right", BX_COLOR_DEFAULT,
		                 BX_COLOR_DEFAULT, 0, L->rw);
}

static void
draw_right_pane(struct label *L, struct bx_grid *g)
{
	const struct bx_taxonomy *t = L->s->tax;
	struct bx_edit *ed = &L->ed;
	char line[512], geo[96], sum[256];
	int y = 0, ymax = L->rows - 2, i, first, nlist, n, nl;
	char **lines;
	const struct bx_class *c;

	/* separator */
	for (i = 0; i < ymax; i++)
		bx_grid_fill(g, L->rx - 1, i, 1, 1, 0x2502, ui(L, BX_RGB(0x60, 0x60, 0x60)),
		             BX_COLOR_DEFAULT, 0);

	snprintf(line, sizeof line, "%s", L->s->claim.image ? L->s->claim.image : "");
	bx_grid_put_text(g, L->rx, y++, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD, L->rw);

	if (L->mode == M_FEEDBACK) {
		draw_feedback_pane(L, g, y, ymax);
		return;
	}
	if (L->mode == M_FORM) {
		int ns;
		const struct bx_attr_spec *specs = form_specs(L, &ns);
		if (L->form.global)
			snprintf(line, sizeof line, "Global attributes (Esc closes)");
		else
			snprintf(line, sizeof line, "Attributes of #%d %s (Esc closes)", L->form.obj + 1,
			         ed->ans.a[L->form.obj].cls ? ed->ans.a[L->form.obj].cls : "?");
		heading(L, g, y++, line);
		if (ns == 0)
			bx_grid_put_text(g, L->rx, y++, " (no attributes)", BX_COLOR_DEFAULT,
			                 BX_COLOR_DEFAULT, 0, L->rw);
		y = draw_attr_rows(L, g, y, ymax, specs, ns, form_attrs(L), L->form.row);
		y++;
		if (ns > 0 && y < ymax && L->form.row < ns) {
			const struct bx_attr_spec *sp = &specs[L->form.row];
			const char *how = sp->type == BX_ATTR_CHOICE ? "Left/Right choose" :
			                  sp->type == BX_ATTR_MULTI ? "Left/Right move, Space toggles" :
			                  sp->type == BX_ATTR_BOOL ? "Space toggles" : "Enter edits";
			snprintf(line, sizeof line, "%s (%s)%s%s", how, bx_attr_type_name(sp->type),
			         sp->description ? ": " : "", sp->description ? sp->description : "");
			nl = wrap(line, L->rw, &lines);
			for (i = 0; i < nl && y < ymax; i++)
				bx_grid_put_text(g, L->rx, y++, lines[i], BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0,
				                 L->rw);
			free_lines(lines, nl);
		}
		return;
	}

	heading(L, g, y++, "Classes");
	for (i = 0; i < t->nclasses && y < ymax; i++, y++) {
		c = &t->classes[i];
		int cur = ed->cls && strcmp(ed->cls, c->name) == 0;
		char hk[8] = "";
		if (c->hotkey)
			snprintf(hk, sizeof hk, "%c", c->hotkey);
		bx_grid_put_text(g, L->rx, y, cur ? ">" : " ", BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
		                 BX_CELL_BOLD, 1);
		snprintf(line, sizeof line, "%d", i + 1);
		if (i < 9)
			bx_grid_put_text(g, L->rx + 1, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, 1);
		bx_grid_put_text(g, L->rx + 2, y, hk, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, 1);
		bx_grid_fill(g, L->rx + 4, y, 2, 1, 0x2588, c->color, BX_COLOR_DEFAULT, 0);
		snprintf(line, sizeof line, "%s %s%s%s%s", c->name,
		         c->geoms & BX_GEOM_BOX ? "b" : "", c->geoms & BX_GEOM_POLYGON ? "p" : "",
		         c->geoms & BX_GEOM_POINT ? "o" : "", c->geoms & BX_GEOM_TAG ? "t" : "");
		bx_grid_put_text(g, L->rx + 7, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
		                 cur ? BX_CELL_BOLD : 0, L->rw - 7);
	}

	snprintf(line, sizeof line, "Objects (%d)", ed->ans.n);
	heading(L, g, y++, line);
	nlist = ymax - y - 8;
	if (nlist < 3)
		nlist = 3;
	first = 0;
	if (ed->sel >= nlist)
		first = ed->sel - nlist + 1;
	L->list_y = y;
	L->list_first = first;
	L->list_rows = nlist;
	for (i = first; i < ed->ans.n && i < first + nlist && y < ymax; i++, y++) {
		const struct bx_annot *an = &ed->ans.a[i];
		geom_text(an, geo, sizeof geo);
		attrs_summary(&an->attrs, sum, sizeof sum);
		snprintf(line, sizeof line, "%s%2d %-8s %s%s %s", i == ed->sel ? ">" : " ", i + 1,
		         an->cls ? an->cls : "?", geo,
		         (an->flags & BX_ANNOT_SUGGESTION) ? " [suggested]" : "", sum);
		if (an->flags & BX_ANNOT_SUGGESTION) {
			char sc[32];
			snprintf(sc, sizeof sc, " %.2f", an->score);
			strncat(line, sc, sizeof line - strlen(line) - 1);
		}
		bx_grid_fill(g, L->rx, y, 1, 1, ' ', BX_COLOR_DEFAULT, class_color(L, an->cls), 0);
		bx_grid_put_text(g, L->rx + 1, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT,
		                 i == ed->sel ? BX_CELL_REVERSE : 0, L->rw - 1);
	}
	if (ed->ans.n == 0 && y < ymax)
		bx_grid_put_text(g, L->rx, y++, " none yet: pick a class, b/p/o, Space to place",
		                 BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, L->rw);

	if (ed->sel >= 0 && ed->sel < ed->ans.n && y < ymax) {
		c = class_of(L, ed->ans.a[ed->sel].cls);
		snprintf(line, sizeof line, "#%d attributes (a edits)", ed->sel + 1);
		heading(L, g, y++, line);
		if (c != NULL)
			y = draw_attr_rows(L, g, y, ymax, c->attrs, c->nattrs, &ed->ans.a[ed->sel].attrs, -1);
	}
	if (y < ymax && t->nglobal > 0) {
		heading(L, g, y++, "Global (g edits)");
		y = draw_attr_rows(L, g, y, ymax, t->global, t->nglobal, &ed->ans.global, -1);
	}
	if (y < ymax) {
		heading(L, g, y++, "Instructions (PgUp/PgDn)");
		char *flow = reflow(L->s->instructions[0] ? L->s->instructions : "(none)");
		nl = wrap(flow, L->rw, &lines);
		free(flow);
		if (L->instr_scroll > nl - 1)
			L->instr_scroll = nl > 0 ? nl - 1 : 0;
		for (i = L->instr_scroll; i < nl && y < ymax; i++)
			bx_grid_put_text(g, L->rx, y++, lines[i], BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0,
			                 L->rw);
		free_lines(lines, nl);
	}
	(void)n;
}

static void
draw_status(struct label *L, struct bx_grid *g, int64_t now)
{
	char line[512], lease[32], grab[64] = "";
	int64_t left_ms = L->s->have_task ? L->s->claim.lease_until - now : 0;
	int y = L->rows - 1, n;
	uint32_t bg = ui(L, BX_RGB(0x20, 0x20, 0x30));

	if (left_ms < 0)
		left_ms = 0;
	snprintf(lease, sizeof lease, "%d:%02d", (int)(left_ms / 60000), (int)(left_ms / 1000 % 60));
	if (L->ed.sel >= 0 && L->ed.grab)
		snprintf(grab, sizeof grab, "  grab #%d%s", L->ed.sel + 1,
		         L->ed.handle >= 0 ? " handle" : "");
	if (L->s->review)
		snprintf(lease, sizeof lease, "none");
	snprintf(line, sizeof line, " %s  %s  zoom %.1fx  x %.0f y %.0f  step %d  %s %d/%d  lease %s%s%s",
	         bx_tool_name(L->ed.tool), L->ed.cls ? L->ed.cls : "-", L->dv.zoom, L->ed.cx, L->ed.cy,
	         step_px(L), L->s->review ? "review" : "task", L->s->claim.position,
	         L->s->claim.total, lease, grab, L->count ? "  count " : "");
	if (L->count) {
		char c[16];
		snprintf(c, sizeof c, "%d", L->count);
		strncat(line, c, sizeof line - strlen(line) - 1);
	}
	bx_grid_fill(g, 0, y, L->cols, 1, ' ', BX_COLOR_DEFAULT, bg, L->no_color ? BX_CELL_REVERSE : 0);
	bx_grid_put_text(g, 0, y, line, BX_COLOR_DEFAULT, bg, L->no_color ? BX_CELL_REVERSE : 0, L->cols);
	/* The message line above it. */
	y--;
	bx_grid_fill(g, 0, y, L->cols, 1, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	if (L->mode == M_PROMPT) {
		snprintf(line, sizeof line, "%s%s_", L->prompt != P_SKIP ? "value (Enter sets, Esc cancels): " :
		         L->s->review ? "reject: what is wrong (Enter rejects, Esc cancels): " :
		         "skip reason (Enter skips, Esc cancels): ", L->line.p ? L->line.p : "");
		n = bx_grid_put_text(g, 0, y, line, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD,
		                     L->cols);
		if (L->msg[0] && n + 3 < L->cols)
			bx_grid_put_text(g, n + 2, y, L->msg, ui(L, BX_RGB(0xff, 0x70, 0x70)),
			                 BX_COLOR_DEFAULT, 0, L->cols - n - 2);
	} else if (L->msg[0] || L->ed.msg[0]) {
		bx_grid_put_text(g, 0, y, L->msg[0] ? L->msg : L->ed.msg,
		                 L->msg_err ? ui(L, BX_RGB(0xff, 0x70, 0x70)) : BX_COLOR_DEFAULT,
		                 BX_COLOR_DEFAULT, L->msg_err ? BX_CELL_BOLD : 0, L->cols);
	} else {
		bx_grid_put_text(g, 0, y, L->s->review ?
		                 "? help  s accept (fix once edited)  n reject  ^N pass  q quit  u undo  Tab select" :
		                 "? help  s submit  n skip  q quit  u undo  Tab select  a attributes",
		                 ui(L, BX_RGB(0x90, 0x90, 0x90)), BX_COLOR_DEFAULT, 0, L->cols);
	}
}

static void
draw_help(struct label *L, struct bx_grid *g)
{
	char **lines;
	int n, i, y = 1, col, colw, ncols, per;

	n = bx_keymap_help(&bx_keymap_label, 17, &lines);
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
	                 "1-9 and the class hotkeys pick classes; a count before a move repeats it (5l). "
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
	n = wrap(text, L->cols - 4, &lines);
	y = (L->rows - n) / 2;
	if (y < 0)
		y = 0;
	for (i = 0; i < n && y + i < L->rows; i++)
		bx_grid_put_text(g, 2, y + i, lines[i], BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, L->cols - 4);
	free_lines(lines, n);
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
	compute_view(L);
	ensure_resolution(L);
	draw_image_pane(L, g);
	draw_right_pane(L, g);
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
	compute_view(L);
}

/* ---- saving ---- */

static int
apply(struct label *L, int r, int64_t now)
{
	struct bx_err err;

	if (r & (BX_EDIT_ANSWER | BX_EDIT_UNDO)) {
		if (bx_session_save(L->s, &L->ed, &L->dv, r, now, &err) != 0) {
			if (L->s->lost) {
				L->mode = M_LOST;
				return BX_VIEW_REDRAW | BX_VIEW_HANDLED;
			}
			set_msg(L, 1, "draft not saved: %s", err.msg);
		}
		L->view_dirty = 0;
	} else if (r & BX_EDIT_VIEW) {
		L->view_dirty = 1;
	}
	follow_cursor(L);
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
	const struct bx_class *c = class_of(L, cls);
	int g = tool == BX_TOOL_BOX ? BX_GEOM_BOX : tool == BX_TOOL_POLYGON ? BX_GEOM_POLYGON
	                                                                    : BX_GEOM_POINT;
	return c == NULL || (c->geoms & g) != 0;
}

static int
pick_class(struct label *L, const struct bx_class *c, int64_t now)
{
	int r;

	if (c->geoms == BX_GEOM_TAG)
		return apply(L, bx_edit_toggle_tag(&L->ed, c->name), now);
	r = bx_edit_set_class(&L->ed, c->name);
	/* Switch to a tool the class allows. */
	if (!class_allows(L, c->name, L->ed.tool)) {
		if (c->geoms & BX_GEOM_BOX)
			r |= bx_edit_set_tool(&L->ed, BX_TOOL_BOX);
		else if (c->geoms & BX_GEOM_POLYGON)
			r |= bx_edit_set_tool(&L->ed, BX_TOOL_POLYGON);
		else if (c->geoms & BX_GEOM_POINT)
			r |= bx_edit_set_tool(&L->ed, BX_TOOL_POINT);
	}
	return apply(L, r | BX_EDIT_VIEW, now);
}

static int
set_tool(struct label *L, enum bx_tool tool, int64_t now)
{
	int r = bx_edit_set_tool(&L->ed, tool);

	if (!class_allows(L, L->ed.cls, tool))
		set_msg(L, 0, "note: class %s does not allow %s; pick another class", L->ed.cls,
		        bx_tool_name(tool));
	return apply(L, r | BX_EDIT_VIEW, now);
}

static int
place(struct label *L, int enter, int64_t now)
{
	struct bx_edit *ed = &L->ed;

	if (ed->npend == 0 && !class_allows(L, ed->cls, ed->tool)) {
		set_msg(L, 1, "class %s does not allow %s: pick another class or tool", ed->cls,
		        bx_tool_name(ed->tool));
		return BX_VIEW_REDRAW;
	}
	return apply(L, enter ? bx_edit_enter(ed) : bx_edit_place(ed), now);
}

static int
zoom(struct label *L, double factor, int64_t now)
{
	double old = L->dv.zoom;

	L->dv.zoom *= factor;
	if (L->dv.zoom < 1)
		L->dv.zoom = 1;
	/* Zoom around the crosshair: it keeps its place on the screen. */
	if (L->dv.zoom != old) {
		double ox = L->ed.cx - L->dv.vx, oy = L->ed.cy - L->dv.vy;
		L->dv.vx = L->ed.cx - ox * old / L->dv.zoom;
		L->dv.vy = L->ed.cy - oy * old / L->dv.zoom;
	}
	compute_view(L);
	return apply(L, BX_EDIT_VIEW, now);
}

static int
pan(struct label *L, int dx, int dy, int64_t now)
{
	double vw = L->pw / L->sc, vh = 2.0 * L->ph / L->sc;

	(void)now;
	L->dv.vx += dx * vw / 4;
	L->dv.vy += dy * vh / 4;
	compute_view(L);
	/* Bring the crosshair along if it left the view. */
	bx_edit_cursor_to(&L->ed, fmin(fmax(L->ed.cx, ceil(L->left)), floor(L->left + vw)),
	                  fmin(fmax(L->ed.cy, ceil(L->top)), floor(L->top + vh)));
	L->view_dirty = 1;
	return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
}

static int
submit(struct label *L, int64_t now)
{
	struct bx_err err;
	char done[256];
	int rc, r;

	if (L->ed.npend > 0) {
		set_msg(L, 1, "cannot submit: finish or cancel (Esc) the shape being drawn");
		return BX_VIEW_REDRAW;
	}
	rc = bx_session_submit(L->s, &L->ed.ans, L->dv.seconds, now, &err);
	if (rc == BX_ELEASE) {
		L->mode = M_LOST;
		return BX_VIEW_REDRAW;
	}
	if (rc != 0) {
		set_msg(L, 1, "cannot submit: %s", err.msg);
		return BX_VIEW_REDRAW;
	}
	if (L->s->review)
		snprintf(done, sizeof done, "%s %s (%d object%s)", L->s->verdict, L->s->claim.image,
		         L->ed.ans.n, L->ed.ans.n == 1 ? "" : "s");
	else
		snprintf(done, sizeof done, "submitted %s (%d object%s, %.0f s)", L->s->claim.image,
		         L->ed.ans.n, L->ed.ans.n == 1 ? "" : "s", L->dv.seconds);
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
			set_msg(L, 0, "%s; any key opens the next task (q quits)", done);
			return BX_VIEW_REDRAW;
		}
		/* A training task without gold has nothing to show. */
		if (rc != BX_ENOENT) {
			r = next_task(L, now);
			set_msg(L, 1, "%s; no training feedback: %s", done, err.msg);
			return r | BX_VIEW_REDRAW;
		}
	}
	r = next_task(L, now);
	if (L->s->review && L->s->have_task)
		set_msg(L, 0, "%s; next: %s", done, L->s->review_info);
	else
		set_msg(L, 0, "%s", done);
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

/* Undo what the digits of a count did as class picks. */
static void
count_revert(struct label *L, int64_t now)
{
	int r = 0;

	if (L->ed.pos > L->count_pos) {
		/* The picks were never meant: no redo step for them either. */
		while (L->ed.pos > L->count_pos)
			r |= bx_edit_undo(&L->ed);
		bx_edit_forget_redo(&L->ed);
	}
	if (L->count_cls != NULL) {
		free(L->ed.cls);
		L->ed.cls = L->count_cls;
		L->count_cls = NULL;
	}
	L->ed.msg[0] = '\0';
	if (r)
		apply(L, r, now);
}

static void
count_clear(struct label *L)
{
	L->count = 0;
	free(L->count_cls);
	L->count_cls = NULL;
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
key_normal(struct label *L, const struct bx_key *k, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	const struct bx_class *c;
	int action, dx, dy, far, n, step, r;

	L->msg[0] = '\0';
	ed->msg[0] = '\0';
	/* Taxonomy hotkeys, except on keys this view uses (the taxonomy loader
	 * refuses the reserved ones; a few more are bound here). */
	if (k->key > ' ' && k->key < 127 && strchr(BX_TAXONOMY_RESERVED_KEYS, k->key) == NULL &&
	    bx_keymap_action(&bx_keymap_label, k->key) == 0 &&
	    (c = bx_taxonomy_class_by_hotkey(L->s->tax, k->key)) != NULL) {
		count_clear(L);
		return pick_class(L, c, now);
	}
	action = bx_keymap_action(&bx_keymap_label, k->key);
	if (L->count > 0 && k->key == '0') {
		L->count *= 10;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	if (action == BX_LA_CLASS) {
		n = k->key - '1';
		if (L->count == 0) {
			L->count_pos = ed->pos;
			free(L->count_cls);
			L->count_cls = ed->cls ? bx_strdup(ed->cls) : NULL;
		}
		L->count = L->count * 10 + (n + 1);
		if (L->count > 9999)
			L->count = 9999;
		if (n < L->s->tax->nclasses)
			return pick_class(L, &L->s->tax->classes[n], now);
		set_msg(L, 1, "no class %d", n + 1);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	if (motion(action, &dx, &dy, &far)) {
		n = 1;
		if (L->count > 0) {
			n = L->count;
			count_revert(L, now);
		}
		count_clear(L);
		step = step_px(L) * n * (far ? 10 : 1);
		return apply(L, bx_edit_move(ed, dx * step, dy * step), now);
	}
	count_clear(L);
	switch (action) {
	case BX_LA_PAN_LEFT: return pan(L, -1, 0, now);
	case BX_LA_PAN_RIGHT: return pan(L, 1, 0, now);
	case BX_LA_PAN_UP: return pan(L, 0, -1, now);
	case BX_LA_PAN_DOWN: return pan(L, 0, 1, now);
	case BX_LA_ZOOM_IN: return zoom(L, 2, now);
	case BX_LA_ZOOM_OUT: return zoom(L, 0.5, now);
	case BX_LA_ZOOM_FIT:
		L->dv.zoom = 1;
		compute_view(L);
		return apply(L, BX_EDIT_VIEW, now);
	case BX_LA_TOOL_BOX: return set_tool(L, BX_TOOL_BOX, now);
	case BX_LA_TOOL_POLYGON: return set_tool(L, BX_TOOL_POLYGON, now);
	case BX_LA_TOOL_POINT: return set_tool(L, BX_TOOL_POINT, now);
	case BX_LA_PLACE: return place(L, 0, now);
	case BX_LA_ENTER:
		if (ed->npend == 0 && ed->sel >= 0 && ed->sel < ed->ans.n &&
		    (ed->ans.a[ed->sel].flags & BX_ANNOT_SUGGESTION))
			return apply(L, bx_edit_accept(ed), now);
		return place(L, 1, now);
	case BX_LA_BACKSPACE: return apply(L, bx_edit_backspace(ed), now);
	case BX_LA_CANCEL: return apply(L, bx_edit_cancel(ed) | BX_EDIT_VIEW, now);
	case BX_LA_CLASS_NEXT:
		if (L->s->tax->nclasses == 0)
			return BX_VIEW_HANDLED;
		n = ed->cls ? bx_taxonomy_class_index(L->s->tax, ed->cls) : -1;
		return pick_class(L, &L->s->tax->classes[(n + 1) % L->s->tax->nclasses], now);
	case BX_LA_SELECT_NEXT: return apply(L, bx_edit_select(ed, 1), now);
	case BX_LA_SELECT_PREV: return apply(L, bx_edit_select(ed, -1), now);
	case BX_LA_HANDLE_NEXT: return apply(L, bx_edit_handle(ed, 1), now);
	case BX_LA_HANDLE_PREV: return apply(L, bx_edit_handle(ed, -1), now);
	case BX_LA_INSERT_VERTEX: return apply(L, bx_edit_insert_vertex(ed), now);
	case BX_LA_DELETE_VERTEX: return apply(L, bx_edit_delete_vertex(ed), now);
	case BX_LA_DELETE: return apply(L, bx_edit_delete(ed), now);
	case BX_LA_ATTRS:
		if (ed->sel < 0 || ed->sel >= ed->ans.n) {
			set_msg(L, 1, "select an object first (Tab)");
			return BX_VIEW_REDRAW;
		}
		form_open(L, 0);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_GLOBAL_ATTRS:
		form_open(L, 1);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_ACCEPT: return apply(L, bx_edit_accept(ed), now);
	case BX_LA_REJECT: return apply(L, bx_edit_reject(ed), now);
	case BX_LA_ACCEPT_ALL: return apply(L, bx_edit_accept_all(ed, L->s->suggest_threshold), now);
	case BX_LA_UNDO: return apply(L, bx_edit_undo(ed), now);
	case BX_LA_REDO: return apply(L, bx_edit_redo(ed), now);
	case BX_LA_INSTR_UP:
		L->instr_scroll = L->instr_scroll > 5 ? L->instr_scroll - 5 : 0;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_INSTR_DOWN:
		L->instr_scroll += 5;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_SUBMIT: return submit(L, now);
	case BX_LA_PASS:
		if (!L->s->review) {
			set_msg(L, 1, "Ctrl-N passes a judgment in boxel review; here n skips");
			return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
		}
		bx_session_pass(L->s);
		return next_task(L, now) | BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_SKIP:
		L->mode = M_PROMPT;
		L->prompt = P_SKIP;
		bx_buf_reset(&L->line);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_QUIT:
		L->view_dirty = 1;
		save_view(L, now);
		return BX_VIEW_QUIT;
	case BX_LA_HELP:
		L->mode = M_HELP;
		L->help_scroll = 0;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	case BX_LA_REDRAW:
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW | BX_VIEW_FULL;
	default:
		break;
	}
	(void)r;
	return 0;
}

/* ---- mouse ---- */

static int
cell_to_image(const struct label *L, int col, int row, double *x, double *y)
{
	if (col < 0 || col >= L->pw || row < 0 || row >= L->ph)
		return -1;
	*x = L->left + (col + 0.5) / L->sc;
	*y = L->top + (2.0 * row + 1.0) / L->sc;
	return 0;
}

/* The smallest object whose bounds contain (x, y), or -1. */
static int
object_at(const struct label *L, double x, double y)
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
		if (cell_to_image(L, k->x, k->y, &x, &y) == 0)
			bx_edit_cursor_to(ed, x, y);
		return zoom(L, k->mev == BX_MOUSE_WHEEL_UP ? 2 : 0.5, now);
	}
	/* A click in the object list selects. */
	if (k->mev == BX_MOUSE_PRESS && k->x >= L->rx) {
		row = k->y - L->list_y;
		if (L->mode == M_NORMAL && row >= 0 && row < L->list_rows &&
		    L->list_first + row < ed->ans.n)
			return apply(L, bx_edit_select_index(ed, L->list_first + row), now);
		return 0;
	}
	if (cell_to_image(L, k->x, k->y, &x, &y) != 0)
		return 0;
	switch (k->mev) {
	case BX_MOUSE_PRESS:
		L->mouse_down = 1;
		L->mouse_x = k->x;
		L->mouse_y = k->y;
		r = bx_edit_cursor_to(ed, x, y);
		if (ed->tool == BX_TOOL_BOX && ed->npend == 0)
			return apply(L, r, now);
		if (ed->tool == BX_TOOL_BOX)
			return apply(L, r, now);
		L->mouse_down = 0;
		return place(L, 0, now);
	case BX_MOUSE_DRAG:
		r = bx_edit_cursor_to(ed, x, y);
		if (L->mouse_down && ed->tool == BX_TOOL_BOX && ed->npend == 0 &&
		    (k->x != L->mouse_x || k->y != L->mouse_y)) {
			double sx = x, sy = y;
			cell_to_image(L, L->mouse_x, L->mouse_y, &sx, &sy);
			bx_edit_cursor_to(ed, sx, sy);
			place(L, 0, now);
			bx_edit_cursor_to(ed, x, y);
		}
		return apply(L, r | BX_EDIT_VIEW, now);
	case BX_MOUSE_RELEASE:
		if (!L->mouse_down)
			return 0;
		L->mouse_down = 0;
		bx_edit_cursor_to(ed, x, y);
		if (ed->tool == BX_TOOL_BOX && ed->npend > 0)
			return place(L, 0, now);
		/* A click without a drag selects what is under it. */
		hit = object_at(L, x, y);
		if (hit >= 0)
			return apply(L, bx_edit_select_index(ed, hit), now);
		return apply(L, BX_EDIT_VIEW, now);
	default:
		return 0;
	}
}

/* ---- attribute form ---- */

static int
form_set(struct label *L, const struct bx_attr_spec *sp, const struct bx_value *v, int64_t now)
{
	struct bx_err err;

	if (v->type != BX_VAL_NONE && bx_taxonomy_check_value(sp, v, &err) != 0) {
		set_msg(L, 1, "%s: %s", sp->name, err.msg);
		return BX_VIEW_REDRAW;
	}
	return apply(L, bx_edit_set_attr(&L->ed, L->form.global ? -1 : L->form.obj, sp->name, v),
	             now) | BX_VIEW_REDRAW;
}

static int
form_cycle(struct label *L, const struct bx_attr_spec *sp, const struct bx_value *cur, int dir,
           int64_t now)
{
	struct bx_value v;
	int i, idx = -1, n = sp->noptions;

	memset(&v, 0, sizeof v);
	if (sp->type == BX_ATTR_BOOL) {
		v.type = BX_VAL_BOOL;
		v.b = !(cur != NULL && cur->type == BX_VAL_BOOL ? cur->b
		        : sp->def.type == BX_VAL_BOOL ? sp->def.b : 0);
		return form_set(L, sp, &v, now);
	}
	if (sp->type == BX_ATTR_MULTI) {
		L->form.opt = n > 0 ? ((L->form.opt + dir) % n + n) % n : 0;
		return BX_VIEW_REDRAW;
	}
	if (sp->type != BX_ATTR_CHOICE || n == 0)
		return BX_VIEW_HANDLED;
	if (cur != NULL && cur->type == BX_VAL_STR)
		for (i = 0; i < n; i++)
			if (strcmp(sp->options[i], cur->str) == 0)
				idx = i;
	/* -1 is "unset" in the cycle. */
	idx = ((idx + 1 + dir) % (n + 1) + (n + 1)) % (n + 1) - 1;
	if (idx < 0) {
		v.type = BX_VAL_NONE;
	} else {
		v.type = BX_VAL_STR;
		v.str = sp->options[idx];
	}
	return form_set(L, sp, &v, now);
}

static int
form_toggle_multi(struct label *L, const struct bx_attr_spec *sp, const struct bx_value *cur,
                  int64_t now)
{
	struct bx_value v;
	const char *opt;
	char **list;
	int i, n = 0, on = 0, r;

	if (sp->noptions == 0)
		return BX_VIEW_HANDLED;
	opt = sp->options[L->form.opt];
	list = bx_calloc((size_t)(cur && cur->type == BX_VAL_LIST ? cur->nlist : 0) + 1, sizeof *list);
	if (cur != NULL && cur->type == BX_VAL_LIST) {
		for (i = 0; i < cur->nlist; i++) {
			if (strcmp(cur->list[i], opt) == 0)
				on = 1;
			else
				list[n++] = bx_strdup(cur->list[i]);
		}
	}
	if (!on)
		list[n++] = bx_strdup(opt);
	/* Keep the set sorted, as annot.h wants. */
	for (i = 1; i < n; i++) {
		int j = i;
		while (j > 0 && strcmp(list[j - 1], list[j]) > 0) {
			char *t = list[j];
			list[j] = list[j - 1];
			list[j - 1] = t;
			j--;
		}
	}
	memset(&v, 0, sizeof v);
	v.type = BX_VAL_LIST;
	v.list = list;
	v.nlist = n;
	/* Copies: setting the value frees the old one these came from. */
	r = form_set(L, sp, &v, now);
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return r;
}

static int
key_form(struct label *L, const struct bx_key *k, int64_t now)
{
	int n, action;
	const struct bx_attr_spec *specs = form_specs(L, &n), *sp;
	const struct bx_value *cur;
	struct bx_value none = { .type = BX_VAL_NONE };
	char buf[128];

	L->msg[0] = '\0';
	action = bx_keymap_action(&bx_keymap_form, k->key);
	if (action == BX_FA_CANCEL || n == 0 || (!L->form.global && L->form.obj >= L->ed.ans.n)) {
		L->mode = M_NORMAL;
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	if (L->form.row >= n)
		L->form.row = n - 1;
	sp = &specs[L->form.row];
	cur = bx_attrs_get(form_attrs(L), sp->name);
	switch (action) {
	case BX_FA_UP:
		L->form.row = (L->form.row + n - 1) % n;
		L->form.opt = 0;
		return BX_VIEW_REDRAW;
	case BX_FA_DOWN:
		L->form.row = (L->form.row + 1) % n;
		L->form.opt = 0;
		return BX_VIEW_REDRAW;
	case BX_FA_LEFT:
		return form_cycle(L, sp, cur, -1, now);
	case BX_FA_RIGHT:
		return form_cycle(L, sp, cur, 1, now);
	case BX_FA_TOGGLE:
	case BX_FA_OK:
		if (sp->type == BX_ATTR_MULTI && action == BX_FA_TOGGLE)
			return form_toggle_multi(L, sp, cur, now);
		if (sp->type == BX_ATTR_BOOL || sp->type == BX_ATTR_CHOICE)
			return action == BX_FA_OK ? (L->mode = M_NORMAL, BX_VIEW_REDRAW)
			                          : form_cycle(L, sp, cur, 1, now);
		if (sp->type == BX_ATTR_TEXT || sp->type == BX_ATTR_NUMBER) {
			L->mode = M_PROMPT;
			L->prompt = P_ATTR;
			bx_buf_reset(&L->line);
			if (cur != NULL) {
				value_text(cur, buf, sizeof buf);
				bx_buf_puts(&L->line, buf);
			}
			return BX_VIEW_REDRAW;
		}
		L->mode = M_NORMAL;
		return BX_VIEW_REDRAW;
	case BX_FA_CLEAR:
		return form_set(L, sp, &none, now);
	default:
		return BX_VIEW_HANDLED;
	}
}

/* ---- one-line prompt ---- */

static int
prompt_done(struct label *L, int64_t now)
{
	struct bx_err err;
	const char *text = L->line.p ? L->line.p : "";
	int n, r;

	if (L->prompt == P_SKIP) {
		const char *what = L->s->review ? "reject" : "skip";
		if (text[0] == '\0') {
			set_msg(L, 1, L->s->review ? "a reject needs a comment (e.g. \"box misses the "
			        "handle\")" : "a skip needs a reason (e.g. \"image unclear\")");
			return BX_VIEW_REDRAW;
		}
		if (bx_session_skip(L->s, text, now, &err) != 0) {
			L->mode = L->s->lost ? M_LOST : M_NORMAL;
			set_msg(L, 1, "%s failed: %s", what, err.msg);
			return BX_VIEW_REDRAW;
		}
		L->mode = M_NORMAL;
		r = next_task(L, now);
		if (L->s->review && L->s->have_task)
			set_msg(L, 0, "rejected (%s); next: %s", text, L->s->review_info);
		else
			set_msg(L, 0, "%s (%s)", L->s->review ? "rejected" : "skipped", text);
		return r | BX_VIEW_REDRAW;
	}
	/* P_ATTR: text or number for the form's field. */
	{
		const struct bx_attr_spec *specs = form_specs(L, &n), *sp;
		struct bx_value v;
		char *end;

		L->mode = M_FORM;
		if (n == 0 || L->form.row >= n)
			return BX_VIEW_REDRAW;
		sp = &specs[L->form.row];
		memset(&v, 0, sizeof v);
		if (text[0] == '\0') {
			v.type = BX_VAL_NONE;
		} else if (sp->type == BX_ATTR_NUMBER) {
			v.type = BX_VAL_NUM;
			v.num = strtod(text, &end);
			if (end == text || *end != '\0' || !isfinite(v.num)) {
				set_msg(L, 1, "%s: \"%s\" is not a number", sp->name, text);
				L->mode = M_PROMPT;
				return BX_VIEW_REDRAW;
			}
		} else {
			v.type = BX_VAL_STR;
			v.str = (char *)text;
		}
		r = form_set(L, sp, &v, now);
		if (L->msg_err && L->msg[0])
			L->mode = M_PROMPT; /* out of range: let them fix it */
		return r;
	}
}

static int
key_prompt(struct label *L, const struct bx_key *k, int64_t now)
{
	char u[5];
	size_t i;
	int len;

	switch (k->key) {
	case BX_KEY_ESC:
		L->mode = L->prompt == P_ATTR ? M_FORM : M_NORMAL;
		L->msg[0] = '\0';
		return BX_VIEW_REDRAW;
	case BX_KEY_ENTER:
		L->msg[0] = '\0';
		return prompt_done(L, now);
	case BX_KEY_BACKSPACE:
		/* Drop one whole UTF-8 character. */
		i = L->line.len;
		while (i > 0 && ((unsigned char)L->line.p[i - 1] & 0xc0) == 0x80)
			i--;
		if (i > 0)
			i--;
		L->line.len = i;
		if (L->line.p)
			L->line.p[i] = '\0';
		return BX_VIEW_REDRAW;
	default:
		if (k->key >= ' ' && k->key < BX_KEY_SPECIAL && k->key != 127 &&
		    !(k->key >= 0x80 && k->key < 0xa0) && L->line.len < 200) {
			len = bx_utf8_encode((uint32_t)k->key, u);
			bx_buf_append(&L->line, u, (size_t)len);
			return BX_VIEW_REDRAW;
		}
		return BX_VIEW_HANDLED;
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
			return next_task(L, now) | BX_VIEW_REDRAW;
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
			int r = next_task(L, now);
			set_msg(L, 0, "%s", L->fb_done);
			return r | BX_VIEW_REDRAW;
		}
	case M_LOST:
		if (k->key == 'q')
			return BX_VIEW_QUIT;
		if (k->key == BX_KEY_ENTER)
			return next_task(L, now) | BX_VIEW_REDRAW;
		return 0;
	case M_FORM:
		return key_form(L, k, now);
	case M_PROMPT:
		return key_prompt(L, k, now);
	default:
		break;
	}
	if (k->key == BX_KEY_MOUSE)
		return key_mouse(L, k, now);
	return key_normal(L, k, now);
}

static int
label_tick(struct bx_view *v, int64_t now, int stopping)
{
	struct label *L = v->data;
	struct bx_err err;
	int rc, r = 0;
	static int64_t last_shown;

	if (stopping) {
		L->view_dirty = 1;
		save_view(L, now);
		return BX_VIEW_QUIT;
	}
	if (L->mode == M_LOST || L->mode == M_EMPTY || L->mode == M_FATAL || L->mode == M_FEEDBACK)
		return 0;
	rc = bx_session_heartbeat(L->s, now, &err);
	if (rc == BX_ELEASE || L->s->lost) {
		L->mode = M_LOST;
		return BX_VIEW_REDRAW;
	}
	if (rc != 0) {
		set_msg(L, 1, "heartbeat: %s", err.msg);
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
	prefetch_drop(L);
	bx_training_feedback_free(&L->fb);
	task_unload(L);
	bx_edit_free(&L->ed);
	bx_raster_free(L->disp);
	bx_buf_free(&L->line);
	free(L->count_cls);
	free(L->keep_cls);
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
	/* Lay out first so the image decodes at the size the pane needs. */
	label_resize(v, cols, rows);
	next_task(L, now);
}
