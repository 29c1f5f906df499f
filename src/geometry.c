/* geometry.c: areas, intersections and IoU of boxes, polygons and points.
 * Image pixels, origin top-left, doubles throughout. One slab sweep (see
 * geometry.h) serves every polygon question, so concave and multi-ring
 * shapes need no special cases and self-intersecting rings get the
 * even-odd rule instead of an undefined answer. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/geometry.h"
#include "boxel/util.h"

/* A non-vertical edge, stored left to right (x0 < x1). Vertical edges never
 * cross the inside of a slab, so they are dropped. */
struct edge {
	double x0, y0, x1, y1, slope;
	int ring;  /* global ring index: shape a's rings first, then b's */
	int side;  /* 0: shape a, 1: shape b */
};

struct ypair {
	double y;
	int e;
};

struct yends {
	double yl, yr; /* y at the slab's two ends */
	int e;
};

struct bx_geom_ws {
	struct edge *e;
	int ne, cap_e;
	double *xs;
	int nxs, cap_xs;
	struct ypair *yp; /* active edges with their y at mid-slab, kept in y order */
	double *cx;       /* crossings inside one slab */
	int ncx, cap_cx;
	struct yends *ends; /* one slab's active edges, ordered at its ends */
	int cap_ends;
	int cap_yp;
	unsigned char *par; /* per-ring parity while walking a slab */
	int cap_par;
};

struct bx_geom_ws *
bx_geom_ws_new(void)
{
	return bx_calloc(1, sizeof(struct bx_geom_ws));
}

void
bx_geom_ws_free(struct bx_geom_ws *ws)
{
	if (ws == NULL)
		return;
	free(ws->e);
	free(ws->xs);
	free(ws->yp);
	free(ws->cx);
	free(ws->ends);
	free(ws->par);
	free(ws);
}

static void
grow(void **p, int *cap, int need, size_t elem)
{
	int c;

	if (need <= *cap)
		return;
	c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	*p = bx_realloc(*p, (size_t)c * elem);
	*cap = c;
}

static void
push_x(struct bx_geom_ws *ws, double x)
{
	grow((void **)&ws->xs, &ws->cap_xs, ws->nxs + 1, sizeof(double));
	ws->xs[ws->nxs++] = x;
}

double
bx_ring_signed_area(const struct bx_pt *p, int n)
{
	double s = 0;
	int i, j;

	if (n < 3)
		return 0;
	/* Relative to the first vertex, so large offsets do not eat precision. */
	for (i = 1, j = 2; j < n; i++, j++)
		s += (p[i].x - p[0].x) * (p[j].y - p[0].y) - (p[j].x - p[0].x) * (p[i].y - p[0].y);
	return s / 2;
}

static int
ring_bounds(const struct bx_shape *s, int r, int *lo, int *hi)
{
	*lo = r == 0 || s->ring_end == NULL ? 0 : s->ring_end[r - 1];
	*hi = s->ring_end == NULL ? s->npts : s->ring_end[r];
	if (*hi > s->npts)
		*hi = s->npts;
	return *hi - *lo;
}

static int
nrings(const struct bx_shape *s)
{
	if (s == NULL || s->pts == NULL || s->npts <= 0)
		return 0;
	return s->ring_end == NULL ? 1 : s->nrings;
}

static int
shape_finite(const struct bx_shape *s)
{
	int i;

	for (i = 0; i < s->npts; i++)
		if (!isfinite(s->pts[i].x) || !isfinite(s->pts[i].y))
			return 0;
	return 1;
}

/* Bounding box of a shape's vertices; 0 if it has none usable. */
static int
shape_bbox(const struct bx_shape *s, double *x0, double *y0, double *x1, double *y1)
{
	int i;

	if (nrings(s) == 0 || !shape_finite(s))
		return 0;
	*x0 = *x1 = s->pts[0].x;
	*y0 = *y1 = s->pts[0].y;
	for (i = 1; i < s->npts; i++) {
		if (s->pts[i].x < *x0) *x0 = s->pts[i].x;
		if (s->pts[i].x > *x1) *x1 = s->pts[i].x;
		if (s->pts[i].y < *y0) *y0 = s->pts[i].y;
		if (s->pts[i].y > *y1) *y1 = s->pts[i].y;
	}
	return 1;
}

/* Add the edges of s that reach into the window (wl, wr). */
static void
add_edges(struct bx_geom_ws *ws, const struct bx_shape *s, int side, int ring0,
          double wl, double wr)
{
	int r, lo, hi, i, nr = nrings(s);
	struct edge *e;
	struct bx_pt p, q;

	for (r = 0; r < nr; r++) {
		if (ring_bounds(s, r, &lo, &hi) < 3)
			continue;
		for (i = lo; i < hi; i++) {
			p = s->pts[i];
			q = s->pts[i + 1 < hi ? i + 1 : lo];
			if (p.x == q.x)
				continue;
			if (p.x > q.x) {
				struct bx_pt t = p;
				p = q;
				q = t;
			}
			if (q.x <= wl || p.x >= wr)
				continue;
			grow((void **)&ws->e, &ws->cap_e, ws->ne + 1, sizeof(struct edge));
			e = &ws->e[ws->ne++];
			e->x0 = p.x;
			e->y0 = p.y;
			e->x1 = q.x;
			e->y1 = q.y;
			e->slope = (q.y - p.y) / (q.x - p.x);
			e->ring = ring0 + r;
			e->side = side;
			if (p.x > wl)
				push_x(ws, p.x);
			if (q.x < wr)
				push_x(ws, q.x);
		}
	}
}

static double
yat(const struct edge *e, double x)
{
	if (x == e->x0)
		return e->y0;
	if (x == e->x1)
		return e->y1;
	return e->y0 + (x - e->x0) * e->slope;
}

static int
cmp_edge_x0(const void *a, const void *b)
{
	const struct edge *p = a, *q = b;

	return (p->x0 > q->x0) - (p->x0 < q->x0);
}

static int
cmp_ypair(const void *a, const void *b)
{
	double p = ((const struct ypair *)a)->y, q = ((const struct ypair *)b)->y;

	return (p > q) - (p < q);
}

static int
cmp_double(const void *a, const void *b)
{
	double p = *(const double *)a, q = *(const double *)b;

	return (p > q) - (p < q);
}

/* Work budgets, so a hostile shape (thousands of mutually crossing edges)
 * costs about a second instead of minutes: edge pairs examined for
 * crossings, and edge-slab steps of the sweep. Real annotations (hundreds
 * of vertices, few crossings) stay far below both. Past a budget the sweep
 * measures evenly spaced slabs at their middle instead (the midpoint rule):
 * approximate, still finite and never NaN. */
#define MAX_PAIR_CHECKS 50000000L
#define MAX_SLAB_WORK 50000000L

static void
sort_xs(struct bx_geom_ws *ws)
{
	int i, j;

	qsort(ws->xs, (size_t)ws->nxs, sizeof(double), cmp_double);
	for (i = 1, j = 1; i < ws->nxs; i++)
		if (ws->xs[i] != ws->xs[j - 1])
			ws->xs[j++] = ws->xs[i];
	ws->nxs = j;
}

/* Index of the first x in the sorted xs that is >= x. */
static int
lower_bound(const double *xs, int n, double x)
{
	int lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (xs[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Edge-slab steps the sweep would take: the slabs each edge spans. */
static long
slab_work(const struct bx_geom_ws *ws)
{
	long w = 0;
	int i;

	for (i = 0; i < ws->ne; i++)
		w += lower_bound(ws->xs, ws->nxs, ws->e[i].x1) -
		    lower_bound(ws->xs, ws->nxs, ws->e[i].x0);
	return w;
}

/* Order the nact active edges by their y at x (insertion sort from the
 * last order: it changes only where edges cross, so this is nearly linear;
 * if it is not, qsort), then the lengths of the vertical line at x inside
 * a, inside b and inside both: each ring by the even-odd rule, a shape's
 * rings together as their union. */
static void
slab_lengths(struct bx_geom_ws *ws, int nact, int nrings, double x, double *la,
             double *lb, double *lab)
{
	struct ypair t;
	int i, j, moves = 0, ca = 0, cb = 0;
	double dy;

	for (i = 0; i < nact; i++) {
		t.e = ws->yp[i].e;
		t.y = yat(&ws->e[t.e], x);
		for (j = i; j > 0 && ws->yp[j - 1].y > t.y && moves <= 8 * nact; j--, moves++)
			ws->yp[j] = ws->yp[j - 1];
		ws->yp[j] = t;
	}
	if (moves > 8 * nact) {
		for (i = 0; i < nact; i++)
			ws->yp[i].y = yat(&ws->e[ws->yp[i].e], x);
		qsort(ws->yp, (size_t)nact, sizeof(struct ypair), cmp_ypair);
	}
	memset(ws->par, 0, (size_t)nrings);
	*la = *lb = *lab = 0;
	for (i = 0; i < nact; i++) {
		const struct edge *e = &ws->e[ws->yp[i].e];

		ws->par[e->ring] ^= 1;
		if (e->side == 0)
			ca += ws->par[e->ring] ? 1 : -1;
		else
			cb += ws->par[e->ring] ? 1 : -1;
		if (i + 1 < nact) {
			dy = ws->yp[i + 1].y - ws->yp[i].y;
			if (ca > 0)
				*la += dy;
			if (cb > 0)
				*lb += dy;
			if (ca > 0 && cb > 0)
				*lab += dy;
		}
	}
}

/* Whether the active edges, in their order at the slab's middle, are in
 * that order at both ends too. Each spans the whole slab as a straight
 * segment, so then no two of them cross inside it: a pair crosses only
 * where its vertical order flips. (Edges meeting at a vertex on the slab's
 * end have the same y there, exactly: yat returns a stored end.) */
static int
slab_ordered(const struct bx_geom_ws *ws, int nact, double xl, double xr)
{
	double pl, pr, yl, yr;
	int i;

	pl = yat(&ws->e[ws->yp[0].e], xl);
	pr = yat(&ws->e[ws->yp[0].e], xr);
	for (i = 1; i < nact; i++) {
		yl = yat(&ws->e[ws->yp[i].e], xl);
		yr = yat(&ws->e[ws->yp[i].e], xr);
		if (yl < pl || yr < pr)
			return 0;
		pl = yl;
		pr = yr;
	}
	return 1;
}

/* The x inside (xl, xr) where two active edges cross, sorted and unique,
 * into ws->cx; -1 past the pair budget (*checks counts steps). A pair
 * crosses inside the slab exactly when its vertical order at xl and at xr
 * differ: the edges are put in their order at xl (ties by y at xr, so
 * edges leaving one vertex are no pair), then insertion-sorted by y at xr,
 * and each swap is one crossing. Both sorts start from the order at the
 * middle, so the work is the edges plus the crossings, not every pair. */
static int
slab_crossings(struct bx_geom_ws *ws, int nact, double xl, double xr, long *checks)
{
	struct yends t, *o;
	int i, j, n = 0;
	double dlo, dhi, x;

	grow((void **)&ws->ends, &ws->cap_ends, nact, sizeof(struct yends));
	o = ws->ends;
	ws->ncx = 0;
	for (i = 0; i < nact; i++) {
		t.e = ws->yp[i].e;
		t.yl = yat(&ws->e[t.e], xl);
		t.yr = yat(&ws->e[t.e], xr);
		for (j = i; j > 0 && (o[j - 1].yl > t.yl ||
		    (o[j - 1].yl == t.yl && o[j - 1].yr > t.yr)); j--) {
			if (++*checks > MAX_PAIR_CHECKS)
				return -1;
			o[j] = o[j - 1];
		}
		o[j] = t;
	}
	for (i = 1; i < nact; i++) {
		t = o[i];
		for (j = i; j > 0 && o[j - 1].yr > t.yr; j--) {
			if (++*checks > MAX_PAIR_CHECKS)
				return -1;
			dlo = o[j - 1].yl - t.yl; /* < 0: it was below at xl */
			dhi = o[j - 1].yr - t.yr; /* > 0: above at xr */
			x = xl + (xr - xl) * (dlo / (dlo - dhi));
			if (dlo < 0 && isfinite(x) && x > xl && x < xr) {
				grow((void **)&ws->cx, &ws->cap_cx, n + 1, sizeof(double));
				ws->cx[n++] = x;
			}
			o[j] = o[j - 1];
		}
		o[j] = t;
	}
	qsort(ws->cx, (size_t)n, sizeof(double), cmp_double);
	for (i = 1, j = n > 0; i < n; i++)
		if (ws->cx[i] != ws->cx[j - 1])
			ws->cx[j++] = ws->cx[i];
	ws->ncx = j;
	return 0;
}

/* Sweep the window [wl, wr] and return the areas covered by a, by b and by
 * both (b may be NULL). Exact mode: slabs end at every vertex; a slab whose
 * edges are not in one vertical order at both ends has crossings inside,
 * found among its own edges only, and is cut at them (so the work follows
 * the crossings there are, not every pair of edges sharing an x-range: a
 * 10,000-vertex star outline measured ten times faster). Sampled mode (only
 * past the work budgets): evenly spaced slabs, each measured at its middle
 * - the midpoint rule, approximate. */
static void
sweep(struct bx_geom_ws *ws, const struct bx_shape *a, const struct bx_shape *b,
      double wl, double wr, double *area_a, double *area_b, double *area_ab)
{
	int ra = nrings(a), rb = b ? nrings(b) : 0;
	int k, i, c, nact, next, n, exact;
	long checks, work;
	double sa, sb, sab, xl, xr, xm, la, lb, lab, cl, cr;

	*area_a = *area_b = *area_ab = 0;
	if (!(wl < wr))
		return;
	ws->ne = 0;
	ws->nxs = 0;
	push_x(ws, wl);
	push_x(ws, wr);
	add_edges(ws, a, 0, 0, wl, wr);
	if (b != NULL)
		add_edges(ws, b, 1, ra, wl, wr);
	if (ws->ne == 0)
		return;
	qsort(ws->e, (size_t)ws->ne, sizeof(struct edge), cmp_edge_x0);
	sort_xs(ws);
	work = slab_work(ws);
	exact = work <= MAX_SLAB_WORK;
	if (ws->ne > ws->cap_yp) {
		ws->cap_yp = 2 * ws->ne;
		ws->yp = bx_realloc(ws->yp, (size_t)ws->cap_yp * sizeof(struct ypair));
	}
	grow((void **)&ws->par, &ws->cap_par, ra + rb, 1);

again:
	if (!exact) {
		n = (int)(MAX_SLAB_WORK / ws->ne);
		n = n < 1000 ? 1000 : n > 1000000 ? 1000000 : n;
		ws->nxs = 0;
		for (k = 0; k <= n; k++)
			push_x(ws, k == n ? wr : wl + (wr - wl) * k / n);
	}
	sa = sb = sab = 0;
	nact = next = 0;
	checks = 0;
	for (k = 0; k + 1 < ws->nxs; k++) {
		xl = ws->xs[k];
		xr = ws->xs[k + 1];
		xm = xl + (xr - xl) / 2;
		/* The edges over the slab's middle. In exact mode every edge
		 * end inside the window is a slab boundary, so these are
		 * exactly the edges spanning the whole slab. */
		while (next < ws->ne && ws->e[next].x0 <= xm)
			ws->yp[nact++].e = next++;
		for (i = 0, n = 0; i < nact; i++)
			if (ws->e[ws->yp[i].e].x1 > xm)
				ws->yp[n++].e = ws->yp[i].e;
		nact = n;
		if (nact == 0)
			continue;
		slab_lengths(ws, nact, ra + rb, xm, &la, &lb, &lab);
		if (exact && nact > 1 && !slab_ordered(ws, nact, xl, xr)) {
			if (slab_crossings(ws, nact, xl, xr, &checks) < 0 ||
			    (work += (long)ws->ncx * nact) > MAX_SLAB_WORK) {
				exact = 0; /* past a budget: start again, sampled */
				goto again;
			}
			/* Cut at the crossings: each piece has one order. */
			la = lb = lab = 0;
			for (c = 0; c <= ws->ncx; c++) {
				double pa, pb, pab;

				cl = c == 0 ? xl : ws->cx[c - 1];
				cr = c == ws->ncx ? xr : ws->cx[c];
				slab_lengths(ws, nact, ra + rb, cl + (cr - cl) / 2, &pa, &pb, &pab);
				la += pa * (cr - cl);
				lb += pb * (cr - cl);
				lab += pab * (cr - cl);
			}
			sa += la;
			sb += lb;
			sab += lab;
			continue;
		}
		sa += la * (xr - xl);
		sb += lb * (xr - xl);
		sab += lab * (xr - xl);
	}
	*area_a = isfinite(sa) ? sa : 0;
	*area_b = isfinite(sb) ? sb : 0;
	*area_ab = isfinite(sab) ? sab : 0;
}

double
bx_shape_area(struct bx_geom_ws *ws, const struct bx_shape *s)
{
	double x0, y0, x1, y1, a, b, ab;

	if (!shape_bbox(s, &x0, &y0, &x1, &y1))
		return 0;
	sweep(ws, s, NULL, x0, x1, &a, &b, &ab);
	return a;
}

double
bx_shape_inter_area(struct bx_geom_ws *ws, const struct bx_shape *a, const struct bx_shape *b)
{
	double ax0, ay0, ax1, ay1, bx0, by0, bx1, by1, sa, sb, sab;

	if (!shape_bbox(a, &ax0, &ay0, &ax1, &ay1) || !shape_bbox(b, &bx0, &by0, &bx1, &by1))
		return 0;
	if (ax1 <= bx0 || bx1 <= ax0 || ay1 <= by0 || by1 <= ay0)
		return 0;
	sweep(ws, a, b, fmax(ax0, bx0), fmin(ax1, bx1), &sa, &sb, &sab);
	return sab;
}

double
bx_iou_from_areas(double inter, double area_a, double area_b)
{
	double u = area_a + area_b - inter, r;

	if (!(u > 0) || !isfinite(u) || !isfinite(inter))
		return 0;
	r = inter / u;
	if (!(r > 0))
		return 0;
	return r > 1 ? 1 : r;
}

static void
norm_box(double *x, double *w)
{
	if (*w < 0) {
		*x += *w;
		*w = -*w;
	}
}

double
bx_box_iou(double ax, double ay, double aw, double ah,
           double bx, double by, double bw, double bh)
{
	double iw, ih;

	if (!isfinite(ax) || !isfinite(ay) || !isfinite(aw) || !isfinite(ah) ||
	    !isfinite(bx) || !isfinite(by) || !isfinite(bw) || !isfinite(bh))
		return 0;
	norm_box(&ax, &aw);
	norm_box(&ay, &ah);
	norm_box(&bx, &bw);
	norm_box(&by, &bh);
	if (aw * ah == 0 && bw * bh == 0)
		return ax == bx && ay == by && aw == bw && ah == bh ? 1 : 0;
	iw = fmin(ax + aw, bx + bw) - fmax(ax, bx);
	ih = fmin(ay + ah, by + bh) - fmax(ay, by);
	if (!(iw > 0) || !(ih > 0))
		return 0;
	return bx_iou_from_areas(iw * ih, aw * ah, bw * bh);
}

static int
same_vertices(const struct bx_shape *a, const struct bx_shape *b)
{
	int i, na = nrings(a), nb = nrings(b), lo, hi, lo2, hi2;

	if (na != nb || a->npts != b->npts || !shape_finite(a) || !shape_finite(b))
		return 0;
	for (i = 0; i < na; i++) {
		ring_bounds(a, i, &lo, &hi);
		ring_bounds(b, i, &lo2, &hi2);
		if (lo != lo2 || hi != hi2)
			return 0;
	}
	for (i = 0; i < a->npts; i++)
		if (a->pts[i].x != b->pts[i].x || a->pts[i].y != b->pts[i].y)
			return 0;
	return 1;
}

double
bx_shape_iou(struct bx_geom_ws *ws, const struct bx_shape *a, const struct bx_shape *b)
{
	double aa = bx_shape_area(ws, a), ab = bx_shape_area(ws, b);

	if (aa == 0 && ab == 0)
		return same_vertices(a, b) ? 1 : 0;
	return bx_iou_from_areas(bx_shape_inter_area(ws, a, b), aa, ab);
}

void
bx_box_ring(double x, double y, double w, double h, struct bx_pt c[4])
{
	norm_box(&x, &w);
	norm_box(&y, &h);
	c[0].x = x;     c[0].y = y;
	c[1].x = x + w; c[1].y = y;
	c[2].x = x + w; c[2].y = y + h;
	c[3].x = x;     c[3].y = y + h;
}

double
bx_point_sim(struct bx_pt a, struct bx_pt b, double radius)
{
	double d = hypot(a.x - b.x, a.y - b.y);

	if (!isfinite(d))
		return -1;
	if (!(radius > 0))
		return d == 0 ? 1 : -1;
	if (d > radius)
		return -1;
	return 1 - d / radius;
}
