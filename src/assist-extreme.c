/* assist-extreme.c: extreme points. Each click on the object's left-,
 * top-, right- or bottom-most point snaps to the nearest strong step of
 * the boundary (against a background learnt just outside it) and slides
 * along it to the extreme; four of them make the box, and small objects
 * get the view zoomed after the first two. Region pixels inside, image
 * pixels at the API; pure, see assist.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/assist.h"
#include "boxel/util.h"
#include "assist-int.h"

/* Snapping works along lines across the side: rows for left/right,
 * columns for top/bottom. Position c on line l is a pixel; the step at c
 * is between pixels c-1 and c. out_dir is -1 when outside lies towards
 * smaller c (left, top). */
struct snap {
	const struct bx_raster *r;
	int vert, out_dir, nlines, npos;
	struct palette bg;
	float thr;
	int has_bg;
};

static const uint8_t *
snap_px(const struct snap *sn, int l, int c)
{
	return sn->vert ? px_at(sn->r, c, l) : px_at(sn->r, l, c);
}

/* Strength of the step at c on line l if it can be the object's boundary:
 * with a background palette, the inner pixel must not look like background
 * and the outer one must look more like it (a step inside a checkered or
 * striped background has background on both sides; "more like" rather than
 * "like" because a gradient drifts between the strip and the boundary).
 * Else 0. */
static float
snap_step(const struct snap *sn, int l, int c)
{
	const uint8_t *a = snap_px(sn, l, c - 1), *b = snap_px(sn, l, c);
	const uint8_t *outer = sn->out_dir < 0 ? a : b, *inner = sn->out_dir < 0 ? b : a;

	if (sn->has_bg) {
		float din = bx_pal_dist2(&sn->bg, inner);

		if (din <= sn->thr || bx_pal_dist2(&sn->bg, outer) >= din)
			return 0;
	}
	return step_dist(a, b);
}

/* Background for a click: the strip just beyond the radius on the outer
 * side, across all lines of the window. When the click is within radius
 * of the boundary that strip is outside the object. */
static void
snap_learn(struct snap *sn, int l0, int l1, int pc, int rad)
{
	int band = rad / 2 > 4 ? rad / 2 : 4;
	int c0 = sn->out_dir < 0 ? pc - rad - band : pc + rad, c1 = c0 + band, l, c, n = 0;
	uint8_t *s;

	c0 = clampi(c0, 0, sn->npos);
	c1 = clampi(c1, 0, sn->npos);
	sn->has_bg = 0;
	if ((c1 - c0) * (l1 - l0 + 1) < 8)
		return;
	s = bx_malloc(3 * (size_t)(c1 - c0) * (size_t)(l1 - l0 + 1));
	for (l = l0; l <= l1; l++)
		for (c = c0; c < c1; c++)
			memcpy(s + 3 * n++, snap_px(sn, l, c), 3);
	bx_pal_learn(&sn->bg, s, n < PAL_SAMPLES ? n : PAL_SAMPLES);
	sn->thr = bx_pal_spread(&sn->bg, s, n);
	sn->has_bg = 1;
	free(s);
}

/* pos[l - l0] = per line, the strong step nearest the click along the
 * line (-1: none); returns the index of the line whose step is nearest the
 * click (pc, pl: click along and across lines), -1 if none within radius. */
static int
snap_lines(const struct snap *sn, int l0, int l1, int c0, int c1, double pc, double pl,
           double radius, int *pos)
{
	float smax = 0, bar;
	double bestd = 0;
	int l, c, best = -1;

	for (l = l0; l <= l1; l++)
		for (c = c0; c <= c1; c++) {
			float st = snap_step(sn, l, c);

			if (st > smax)
				smax = st;
		}
	bar = smax * 0.5f > 16.0f ? smax * 0.5f : 16.0f;
	for (l = l0; l <= l1; l++) {
		int bc = -1;

		for (c = c0; c <= c1; c++)
			if (snap_step(sn, l, c) >= bar && (bc < 0 || fabs(c - pc) < fabs(bc - pc)))
				bc = c;
		pos[l - l0] = bc;
		if (bc >= 0) {
			double dl = l + 0.5 - pl, dc = bc - pc, dd = dl * dl + dc * dc;

			if (dd <= radius * radius && (best < 0 || dd < bestd))
				best = l - l0, bestd = dd;
		}
	}
	return best;
}

int
bx_assist_snap_extreme(const struct bx_assist_region *reg, enum bx_side side, struct bx_pt p,
                       double radius, struct bx_pt *out, struct bx_err *err)
{
	struct snap sn;
	int rad, pl, pc, l0, l1, c0, c1, nl, best, rc;
	int *pos;
	double px, py;

	*out = p;
	if ((rc = bx_assist_region_ok(reg, err)) < 0)
		return rc;
	if ((unsigned)side > 3)
		return bx_err_set(err, BX_EINVAL, "unknown side %d", (int)side);
	if (!isfinite(p.x) || !isfinite(p.y) || !isfinite(radius) || radius < 1 || radius > 4096)
		return bx_err_set(err, BX_EINVAL, "snap needs a finite point and a radius of "
		                  "1..4096");
	px = p.x - reg->rx;
	py = p.y - reg->ry;
	if (px < 0 || py < 0 || px >= reg->r->w || py >= reg->r->h)
		return bx_err_set(err, BX_EINVAL, "point %g,%g is outside the decoded region",
		                  p.x, p.y);
	sn.r = reg->r;
	sn.vert = side == BX_SIDE_LEFT || side == BX_SIDE_RIGHT;
	sn.out_dir = side == BX_SIDE_LEFT || side == BX_SIDE_TOP ? -1 : 1;
	sn.nlines = sn.vert ? sn.r->h : sn.r->w;
	sn.npos = sn.vert ? sn.r->w : sn.r->h;
	rad = (int)radius;
	/* pl: line index through p; pc: corner position along the line. */
	pl = (int)floor(sn.vert ? py : px);
	pc = (int)lround(sn.vert ? px : py);
	l0 = clampi(pl - rad, 0, sn.nlines - 1);
	l1 = clampi(pl + rad, 0, sn.nlines - 1);
	c0 = clampi(pc - rad, 1, sn.npos - 1);
	c1 = clampi(pc + rad, 1, sn.npos - 1);
	if (c1 < c0 || sn.npos < 2)
		return bx_err_set(err, BX_ENOENT, "no boundary within %g px of the point", radius);
	snap_learn(&sn, l0, l1, pc, rad);
	nl = l1 - l0 + 1;
	pos = bx_malloc(sizeof(int) * (size_t)nl);
	best = snap_lines(&sn, l0, l1, c0, c1, pc, sn.vert ? py : px, radius, pos);
	/* No step passes the color test (a boundary of nearly the
	 * background's color, or no background strip): plain steps. */
	if (best < 0 && sn.has_bg) {
		sn.has_bg = 0;
		best = snap_lines(&sn, l0, l1, c0, c1, pc, sn.vert ? py : px, radius, pos);
	}
	if (best < 0) {
		free(pos);
		return bx_err_set(err, BX_ENOENT, "no boundary within %g px of the point", radius);
	}
	/* Slide along the boundary towards the extreme: to a neighbouring line
	 * whose step is at most 2 px away and further out, while one exists. */
	for (;;) {
		int cur = pos[best], next = -1, k;

		for (k = -1; k <= 1; k += 2) {
			int j = best + k;

			if (j < 0 || j >= nl || pos[j] < 0 || abs(pos[j] - cur) > 2)
				continue;
			if ((pos[j] - cur) * sn.out_dir > 0 &&
			    (next < 0 || (pos[j] - pos[next]) * sn.out_dir > 0))
				next = j;
		}
		if (next < 0)
			break;
		best = next;
	}
	/* On a flat extreme (a rectangle's side) stay on the line nearest the
	 * click rather than the run's end. */
	{
		int cur = pos[best], j, k, lo = best, hi = best, pick = best;

		for (j = best - 1; j >= 0 && pos[j] == cur; j--)
			lo = j;
		for (j = best + 1; j < nl && pos[j] == cur; j++)
			hi = j;
		for (k = lo; k <= hi; k++)
			if (fabs(l0 + k + 0.5 - (sn.vert ? py : px)) <
			    fabs(l0 + pick + 0.5 - (sn.vert ? py : px)))
				pick = k;
		best = pick;
	}
	if (sn.vert) {
		out->x = pos[best] + reg->rx;
		out->y = l0 + best + 0.5 + reg->ry;
	} else {
		out->x = l0 + best + 0.5 + reg->rx;
		out->y = pos[best] + reg->ry;
	}
	free(pos);
	return 0;
}

void
bx_assist_snap_region(enum bx_side side, struct bx_pt *p, double radius, int img_w, int img_h,
                      int rect_out[4])
{
	rect_out[0] = (int)fmax(0, floor(p->x - radius - 4));
	rect_out[1] = (int)fmax(0, floor(p->y - radius - 4));
	rect_out[2] = (int)fmin(img_w, ceil(p->x + radius + 4)) - rect_out[0];
	rect_out[3] = (int)fmin(img_h, ceil(p->y + radius + 4)) - rect_out[1];
	p->x = fmin(fmax(p->x + (side == BX_SIDE_RIGHT ? -0.5 : 0.5), 0), img_w - 0.5);
	p->y = fmin(fmax(p->y + (side == BX_SIDE_BOTTOM ? -0.5 : 0.5), 0), img_h - 0.5);
}

double
bx_assist_extreme_reach(const struct bx_pt clicks[4], enum bx_side side, double sc, double reach)
{
	double w = fabs(clicks[BX_SIDE_RIGHT].x - clicks[BX_SIDE_LEFT].x);
	double h = fabs(clicks[BX_SIDE_BOTTOM].y - clicks[BX_SIDE_TOP].y);
	double r = fmax(2.0, 0.25 * fmin(w, h));
	double e = (side == BX_SIDE_LEFT || side == BX_SIDE_RIGHT ? 0.5 : 1.0) / sc;

	if (sc > 0 && isfinite(e))
		r = fmax(r, 1.5 * e + 1);
	if (!isfinite(r))
		return reach;
	return fmin(reach, r);
}

double
bx_assist_extreme_zoom(const struct bx_pt first[2], double sc, int pw, int ph,
                       double centre_out[2])
{
	double hw, hh, need;

	if (!(sc > 0) || !isfinite(sc) || pw < 1 || ph < 1)
		return 0;
	hw = fabs(first[BX_SIDE_TOP].x - first[BX_SIDE_LEFT].x) + 0.5 / sc;
	hh = fabs(first[BX_SIDE_LEFT].y - first[BX_SIDE_TOP].y) + 1.0 / sc;
	if (!isfinite(hw) || !isfinite(hh))
		return 0;
	if (2 * hw * sc >= BX_EXTREME_ZOOM_COLS && hh * sc >= BX_EXTREME_ZOOM_ROWS)
		return 0;
	need = fmin(fmin(8, 4 * sc), fmin(0.7 * pw / (2 * hw), 0.7 * 2.0 * ph / (2 * hh)));
	if (need < 2 * sc)
		return 0;
	/* The rest of the object lies right of the left point and below the
	 * top one, how far the two points cannot say (a rectangle's left-most
	 * point may be at its top corner): they go near the view's top left. */
	centre_out[0] = first[BX_SIDE_LEFT].x + 0.4 * pw / need;
	centre_out[1] = first[BX_SIDE_TOP].y + 0.4 * 2.0 * ph / need;
	return need;
}

int
bx_assist_box_from_extremes(const struct bx_pt pts[4], double box_out[4], struct bx_err *err)
{
	double l = pts[BX_SIDE_LEFT].x, t = pts[BX_SIDE_TOP].y;
	double rr = pts[BX_SIDE_RIGHT].x, b = pts[BX_SIDE_BOTTOM].y;

	if (!isfinite(l) || !isfinite(t) || !isfinite(rr) || !isfinite(b))
		return bx_err_set(err, BX_EINVAL, "extreme point is not finite");
	if (rr <= l || b <= t)
		return bx_err_set(err, BX_EINVAL, "extreme points do not make a box: left %g, "
		                  "right %g, top %g, bottom %g", l, rr, t, b);
	box_out[0] = l;
	box_out[1] = t;
	box_out[2] = rr - l;
	box_out[3] = b - t;
	return 0;
}
