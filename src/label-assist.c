/* label-assist.c: the labeling screen's fast paths: tighten a box, extreme
 * points, the magic wand (each decodes only the region it needs at full
 * resolution and asks the pure assist module), picking the object or the
 * handle under the crosshair, and reuse (repeat the previous object's class
 * and attributes, copy the previous task's objects). Image pixels, origin
 * top-left. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/assist.h"
#include "boxel/image.h"
#include "boxel/geom.h"
#include "view-label-int.h"

#define WAND_TOL0 40.0  /* first proposal: RGB distance from the seed */
#define WAND_GROW 1.4   /* each further press */
#define WAND_SIDE 1024  /* the wand looks at most this far around the seed */
/* An extreme point snaps to a boundary at most this many cells of the
 * current zoom away (at least 8 px): a click lands within half a cell of
 * where it was aimed, a point placed by keys within a step or two, and a
 * wider reach finds lines inside the object or a neighbour's edge instead
 * (bench-tighten on the sample photos: at 6 cells 36% of boxes exact, mean
 * IoU 0.75; at 3 cells 41%, 0.88). */
#define SNAP_CELLS 3.0

/* Decode [x, x+w) x [y, y+h) of the task's image at full resolution into
 * *reg (the caller frees reg->r). Only that region is held in memory. */
static int
load_region(struct label *L, const int rect[4], struct bx_assist_region *reg, struct bx_err *err)
{
	struct bx_image im;

	if (L->s->image_path == NULL) {
		bx_err_set(err, BX_ENOENT, "image not found beneath the image root");
		return BX_ENOENT;
	}
	if (label_image_region(L, rect[0], rect[1], rect[2], rect[3], 1, &im, err) != 0)
		return BX_EINVAL;
	reg->r = im.pix;
	reg->rx = rect[0];
	reg->ry = rect[1];
	return 0;
}

static void
region_free(struct bx_assist_region *reg)
{
	bx_raster_free((struct bx_raster *)reg->r);
	reg->r = NULL;
}

static struct bx_annot *
selected_box(struct label *L)
{
	struct bx_annot *an;

	if (L->ed.sel < 0 || L->ed.sel >= L->ed.ans.n)
		return NULL;
	an = &L->ed.ans.a[L->ed.sel];
	return an->geom == BX_GEOM_BOX ? an : NULL;
}

int
label_tighten(struct label *L, int64_t now)
{
	struct bx_annot *an = selected_box(L), nb;
	struct bx_assist_region reg;
	struct bx_err err;
	double box[4], out[4];
	unsigned found = 0;
	int rect[4], rc;
	char missing[64];

	if (an == NULL) {
		label_msg(L, 1, "tighten: select a box first (Tab, v, or draw one)");
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	box[0] = an->x;
	box[1] = an->y;
	box[2] = an->w;
	box[3] = an->h;
	bx_assist_tighten_region(box, L->ed.img_w, L->ed.img_h, rect);
	if (load_region(L, rect, &reg, &err) != 0) {
		label_msg(L, 1, "tighten: %s", err.msg);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	rc = bx_assist_tighten(&reg, box, out, &found, &err);
	region_free(&reg);
	if (rc != 0) {
		label_msg(L, 1, "tighten: %s; the box is unchanged", err.msg);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	memset(&nb, 0, sizeof nb);
	nb.geom = BX_GEOM_BOX;
	nb.x = out[0];
	nb.y = out[1];
	nb.w = out[2];
	nb.h = out[3];
	rc = label_apply(L, bx_edit_replace_shape(&L->ed, L->ed.sel, &nb, "tighten", 0), now);
	bx_assist_missing_sides(found, missing, sizeof missing);
	if (missing[0])
		label_msg(L, 1, "tightened; no boundary found on the %s: left as drawn", missing);
	else
		label_msg(L, 0, "tightened to %.0f,%.0f %.0fx%.0f", nb.x, nb.y, nb.w, nb.h);
	return rc | BX_VIEW_REDRAW;
}

/* Snap click (a crosshair position) on side within radius; returns 1 and
 * *out, or 0 when no boundary is near it. */
static int
snap_click(struct label *L, enum bx_side side, struct bx_pt click, double radius,
           struct bx_pt *out)
{
	struct bx_assist_region reg;
	struct bx_err err;
	struct bx_pt p = click;
	int rect[4], ok = 0;

	/* The crosshair sits on pixel corners: the pixel it touches on the
	 * inside of the side is the one to look from. */
	bx_assist_snap_region(side, &p, radius, L->ed.img_w, L->ed.img_h, rect);
	if (rect[2] > 0 && rect[3] > 0 && load_region(L, rect, &reg, &err) == 0) {
		ok = bx_assist_snap_extreme(&reg, side, p, radius, out, &err) == 0;
		region_free(&reg);
	}
	return ok;
}

/* After the first two extreme points of an object too small to place the
 * other two precisely at this zoom (bx_assist_extreme_zoom), zoom in on it;
 * the view they were placed in comes back with the box (extreme_zoom_back):
 * the zoom was the tool's, for those two points, not the annotator's, whose
 * view the next object is found in. */
static int
extreme_zoom_in(struct label *L, int64_t now)
{
	struct bx_pt first[2] = { { L->ed.pend[0].x, L->ed.pend[0].y },
	                          { L->ed.pend[1].x, L->ed.pend[1].y } };
	double c[2], nsc = bx_assist_extreme_zoom(first, L->sc, L->pw, L->ph, c);

	if (nsc <= 0)
		return 0;
	L->ext_dv = L->dv;
	L->ext_zoomed = 1;
	L->dv.zoom *= nsc / L->sc;
	L->dv.vx = c[0];
	L->dv.vy = c[1];
	label_compute_view(L);
	L->view_dirty = 1;
	return label_apply(L, BX_EDIT_VIEW, now);
}

static int
extreme_zoom_back(struct label *L, int64_t now)
{
	L->ext_zoomed = 0;
	L->dv.zoom = L->ext_dv.zoom;
	L->dv.vx = L->ext_dv.vx;
	L->dv.vy = L->ext_dv.vy;
	label_compute_view(L);
	L->view_dirty = 1;
	return label_apply(L, BX_EDIT_VIEW, now);
}

/* Place the next extreme point, snapped to the boundary near the
 * crosshair on its side (left, top, right, bottom in that order). With the
 * fourth, all four clicks are snapped again, each within the reach their
 * box and its placing allow (bx_assist_extreme_reach: a quarter of the
 * box, or half a cell or a row of the zoom it was placed at; at most 3
 * cells of that zoom, at least 2 px): a wider reach finds a neighbour's
 * edge, a narrower one misses the boundary a click at fit zoom lands
 * several pixels from, and a click zoomed in is where the annotator saw
 * the boundary. */
int
label_extreme_place(struct label *L, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	struct bx_pt click = { ed->cx, ed->cy }, q;
	enum bx_side side = (enum bx_side)(ed->npend % 4);
	double radius = fmax(8, SNAP_CELLS / L->sc);
	int r, snapped, k;

	if (ed->npend == 0 && ed->cls == NULL)
		return label_place(L, 0, now); /* says what is missing */
	L->ext_click[side] = click;
	L->ext_sc[side] = L->sc;
	if (side == BX_SIDE_BOTTOM && ed->npend == 3) {
		for (k = 0; k < 3; k++) {
			q = L->ext_click[k];
			snap_click(L, (enum bx_side)k, L->ext_click[k],
			           bx_assist_extreme_reach(L->ext_click, (enum bx_side)k, L->ext_sc[k],
			                                   fmax(2, SNAP_CELLS / L->ext_sc[k])), &q);
			bx_edit_cursor_to(ed, q.x, q.y);
			ed->pend[k].x = ed->cx;
			ed->pend[k].y = ed->cy;
		}
		bx_edit_cursor_to(ed, click.x, click.y);
		radius = bx_assist_extreme_reach(L->ext_click, side, L->sc,
		                                 fmax(2, SNAP_CELLS / L->sc));
	}
	snapped = snap_click(L, side, click, radius, &q);
	if (snapped)
		bx_edit_cursor_to(ed, q.x, q.y);
	if (ed->npend == 0)
		L->ext_zoomed = 0;
	r = label_place(L, 0, now);
	if (ed->npend == 2 && bx_tool_at(ed->tool)->snap_extreme)
		r |= extreme_zoom_in(L, now);
	else if (ed->npend == 0 && L->ext_zoomed)
		r |= extreme_zoom_back(L, now);
	if (ed->npend > 0 && bx_tool_at(ed->tool)->snap_extreme)
		label_msg(L, 0, "%s-most point %s%s", bx_side_name(side),
		          snapped ? "snapped to the boundary" : "placed (no boundary near it)",
		          ed->npend == 2 && L->ext_zoomed ? "; zoomed in on the object for the other "
		          "two (the view comes back with the box)" : "");
	else if (!snapped && (r & BX_VIEW_REDRAW))
		label_msg(L, 0, "box from extreme points (the bottom one had no boundary near it)");
	return r | BX_VIEW_REDRAW;
}

/* The wand's region: WAND_SIDE around the seed, inside the image. */
static void
wand_rect(const struct label *L, double x, double y, int rect[4])
{
	rect[0] = (int)fmax(0, floor(x) - WAND_SIDE / 2);
	rect[1] = (int)fmax(0, floor(y) - WAND_SIDE / 2);
	rect[2] = (int)fmin(L->ed.img_w, rect[0] + WAND_SIDE) - rect[0];
	rect[3] = (int)fmin(L->ed.img_h, rect[1] + WAND_SIDE) - rect[1];
}

/* W (as_box 0): a polygon of the region at the crosshair; B (as_box 1):
 * the box bounding that region, tightened as a drawn box would be
 * (bx_assist_region_box), so a tight box of a plain object is a jump into
 * it and one key. A further press regrows the last proposal. */
int
label_wand(struct label *L, int dir, int as_box, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	struct bx_assist_region reg;
	struct bx_annot an;
	struct bx_err err;
	struct bx_pt seed;
	int again, rect[4], rc, n = 0, r;
	struct bx_pt *pts = NULL;
	double box[4];
	unsigned found = 0;
	const struct bx_class *c = label_class_of(L, ed->cls);

	/* A further press right after a proposal regrows that polygon. */
	again = L->wand_obj >= 0 && L->wand_obj < ed->ans.n && ed->pos == L->wand_pos &&
	        ed->cx == L->wand_x && ed->cy == L->wand_y && L->wand_box == as_box;
	if (dir < 0 && !again) {
		label_msg(L, 1, "Ctrl-W shrinks what W or B just proposed: press W or B first");
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	if (!again) {
		if (ed->cls == NULL ||
		    (c != NULL && !(c->geoms & (as_box ? BX_GEOM_BOX : BX_GEOM_POLYGON)))) {
			label_msg(L, 1, "%s makes a %s: pick a class that allows %ss", as_box ? "B" : "W",
			          as_box ? "box" : "polygon", as_box ? "box" : "polygon");
			return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
		}
		L->wand_tol = (int)WAND_TOL0;
	} else {
		L->wand_tol = (int)fmax(4, fmin(400, dir > 0 ? L->wand_tol * WAND_GROW
		                                             : L->wand_tol / WAND_GROW));
	}
	seed.x = fmin(ed->cx + 0.5, ed->img_w - 0.5);
	seed.y = fmin(ed->cy + 0.5, ed->img_h - 0.5);
	wand_rect(L, seed.x, seed.y, rect);
	if (load_region(L, rect, &reg, &err) != 0) {
		label_msg(L, 1, "wand: %s", err.msg);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	memset(&an, 0, sizeof an);
	if (as_box) {
		rc = bx_assist_region_box(&reg, seed, L->wand_tol, box, &found, &err);
		an.geom = BX_GEOM_BOX;
		an.x = box[0];
		an.y = box[1];
		an.w = box[2];
		an.h = box[3];
	} else {
		rc = bx_assist_wand(&reg, seed, L->wand_tol, 0, &pts, &n, &err);
		an.geom = BX_GEOM_POLYGON;
		an.pts = pts;
		an.npts = n;
	}
	region_free(&reg);
	if (rc != 0) {
		label_msg(L, 1, "wand (tolerance %d): %s", L->wand_tol, err.msg);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	if (again) {
		r = label_apply(L, bx_edit_replace_shape(ed, L->wand_obj, &an, "wand", 1), now);
	} else {
		an.cls = ed->cls;
		r = label_apply(L, bx_edit_add_copies(ed, &an, 1, "wand"), now);
		L->wand_obj = ed->sel;
	}
	free(pts);
	L->wand_pos = ed->pos;
	L->wand_x = ed->cx;
	L->wand_y = ed->cy;
	L->wand_box = as_box;
	if (as_box)
		label_msg(L, 0, "box of the region%s: %.0f,%.0f %.0fx%.0f at tolerance %d (B grows, "
		          "Ctrl-W shrinks, u undoes)", found ? ", tightened" : "", an.x, an.y, an.w,
		          an.h, L->wand_tol);
	else
		label_msg(L, 0, "wand: polygon of %d vertices at tolerance %d (W grows, Ctrl-W shrinks, "
		          "u undoes)", n, L->wand_tol);
	return r | BX_VIEW_REDRAW;
}

/* Objects under the crosshair: those whose bounds hold it first, then
 * those within a few display pixels of it; smallest first within each.
 * A further press takes the next one (cycling through overlaps). */
struct hit {
	int i;
	double d, area;
};

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	if (x->area != y->area)
		return x->area < y->area ? -1 : 1;
	return x->i - y->i;
}

int
label_select_here(struct label *L, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	double bx, by, bw, bh, tol = 2 / L->sc, dx, dy;
	struct hit *h;
	int i, n = 0, k, pick;

	h = bx_calloc((size_t)ed->ans.n + 1, sizeof *h);
	for (i = 0; i < ed->ans.n; i++) {
		if (ed->ans.a[i].geom == BX_GEOM_TAG)
			continue;
		bx_annot_bounds(&ed->ans.a[i], &bx, &by, &bw, &bh);
		dx = fmax(0, fmax(bx - ed->cx, ed->cx - (bx + bw)));
		dy = fmax(0, fmax(by - ed->cy, ed->cy - (by + bh)));
		if (dx > tol || dy > tol)
			continue;
		h[n].i = i;
		h[n].d = fmax(dx, dy) > 0 ? 1 : 0; /* inside, or near */
		h[n].area = bw * bh;
		n++;
	}
	if (n == 0) {
		free(h);
		label_msg(L, 1, "no object under the crosshair");
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	qsort(h, (size_t)n, sizeof *h, hit_cmp);
	pick = h[0].i;
	for (k = 0; k < n; k++)
		if (h[k].i == ed->sel)
			pick = h[(k + 1) % n].i;
	free(h);
	return label_apply(L, bx_edit_select_index(ed, pick), now);
}

static double
seg_dist(double px, double py, double ax, double ay, double bx, double by)
{
	double dx = bx - ax, dy = by - ay, t = 0, len = dx * dx + dy * dy;

	if (len > 0)
		t = fmin(1, fmax(0, ((px - ax) * dx + (py - ay) * dy) / len));
	return hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/* The handle nearest the crosshair: a box's corner when the crosshair is
 * within a few display pixels of it, else the nearest edge (by distance to
 * the edge, not its midpoint); a polygon's nearest vertex. */
int
label_grab_nearest(struct label *L, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	const struct bx_annot *an;
	double x, y, d, best = HUGE_VAL, near = 4 / L->sc;
	int h, pick = -1, r = 0;
	char name[32];

	if (ed->sel < 0 || ed->sel >= ed->ans.n) {
		r = label_select_here(L, now);
		if (ed->sel < 0 || ed->sel >= ed->ans.n)
			return r;
	}
	an = &ed->ans.a[ed->sel];
	if (an->geom == BX_GEOM_BOX) {
		for (h = BX_H_TL; h <= BX_H_BL; h++) {
			bx_edit_handle_pos(ed, h, &x, &y);
			d = hypot(ed->cx - x, ed->cy - y);
			if (d <= near && d < best) {
				best = d;
				pick = h;
			}
		}
		if (pick < 0) {
			double x0 = an->x, y0 = an->y, x1 = an->x + an->w, y1 = an->y + an->h;
			const double e[4][4] = { { x0, y0, x1, y0 }, { x1, y0, x1, y1 },
			                         { x0, y1, x1, y1 }, { x0, y0, x0, y1 } };
			for (h = 0; h < 4; h++) {
				d = seg_dist(ed->cx, ed->cy, e[h][0], e[h][1], e[h][2], e[h][3]);
				if (d < best) {
					best = d;
					pick = BX_H_TOP + h;
				}
			}
		}
	} else if (an->geom == BX_GEOM_POLYGON) {
		for (h = 0; h < an->npts; h++) {
			d = hypot(ed->cx - an->pts[h].x, ed->cy - an->pts[h].y);
			if (d < best) {
				best = d;
				pick = h;
			}
		}
	}
	r |= label_apply(L, bx_edit_grab_handle(ed, pick), now);
	label_msg(L, 0, "grabbed the %s: arrows move it", label_handle_name(L, pick, name, sizeof name));
	return r | BX_VIEW_REDRAW;
}

const char *
label_handle_name(const struct label *L, int h, char *buf, size_t n)
{
	static const char *const box[] = {
		"top-left corner", "top-right corner", "bottom-right corner", "bottom-left corner",
		"top edge", "right edge", "bottom edge", "left edge",
	};
	const struct bx_edit *ed = &L->ed;

	if (h < 0 || ed->sel < 0 || ed->sel >= ed->ans.n)
		snprintf(buf, n, "whole object");
	else if (ed->ans.a[ed->sel].geom == BX_GEOM_BOX && h < 8)
		snprintf(buf, n, "%s", box[h]);
	else if (bx_geom_kind(ed->ans.a[ed->sel].geom) != NULL)
		snprintf(buf, n, "%s %d", bx_geom_kind(ed->ans.a[ed->sel].geom)->vertex, h + 1);
	else
		snprintf(buf, n, "vertex %d", h + 1);
	return buf;
}

/* The selected object takes the class and attributes of the object drawn
 * before it (the previous one in the list). */
int
label_repeat_last(struct label *L, int64_t now)
{
	struct bx_edit *ed = &L->ed;
	int from;

	if (ed->sel < 0 || ed->sel >= ed->ans.n) {
		label_msg(L, 1, "select the object to change first (it takes the previous one's class)");
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	for (from = ed->sel - 1; from >= 0 && ed->ans.a[from].geom == BX_GEOM_TAG; from--)
		;
	if (from < 0) {
		label_msg(L, 1, "no object before this one to repeat");
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	label_msg(L, 0, "class %s and its attributes from object %d", ed->ans.a[from].cls, from + 1);
	return label_apply(L, bx_edit_copy_props(ed, ed->sel, from), now) | BX_VIEW_REDRAW;
}

void
label_remember_answer(struct label *L)
{
	int i;

	bx_answer_free(&L->prev_answer);
	bx_answer_init(&L->prev_answer);
	for (i = 0; i < L->ed.ans.n; i++)
		if (!(L->ed.ans.a[i].flags & BX_ANNOT_SUGGESTION) && L->ed.ans.a[i].geom != BX_GEOM_TAG)
			bx_answer_add(&L->prev_answer, &L->ed.ans.a[i]);
	free(L->prev_batch);
	L->prev_batch = L->s->claim.batch ? bx_strdup(L->s->claim.batch) : NULL;
	L->prev_w = L->ed.img_w;
	L->prev_h = L->ed.img_h;
}

/* Copy the objects of the annotator's previous task in this batch (same
 * camera, next frame: most objects are still there). Only onto an image of
 * the same size: pixel coordinates of another size would land beside the
 * objects or past the edge, and scaling them guesses at a crop nobody made. */
int
label_copy_previous(struct label *L, int64_t now)
{
	int r;

	if (L->prev_answer.n == 0 || L->prev_batch == NULL || L->s->claim.batch == NULL ||
	    strcmp(L->prev_batch, L->s->claim.batch) != 0) {
		label_msg(L, 1, "no objects from a previous task of this batch in this session");
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	if (L->prev_w != L->ed.img_w || L->prev_h != L->ed.img_h) {
		label_msg(L, 1, "not copied: your previous image was %dx%d, this one is %dx%d",
		          L->prev_w, L->prev_h, L->ed.img_w, L->ed.img_h);
		return BX_VIEW_HANDLED | BX_VIEW_REDRAW;
	}
	r = label_apply(L, bx_edit_add_copies(&L->ed, L->prev_answer.a, L->prev_answer.n,
	                                      "copy previous task"), now);
	label_msg(L, 0, "copied %d object%s from your previous task (u undoes)", L->prev_answer.n,
	          L->prev_answer.n == 1 ? "" : "s");
	return r | BX_VIEW_REDRAW;
}
