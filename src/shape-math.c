/* shape-math.c: IoU and similarity of rotated boxes, ellipses, keypoint
 * skeletons, polylines and projected cuboids (see shape-math.h). Image
 * pixels, y down, angles in degrees clockwise on screen. Polygon areas and
 * the IoU ratio come from geometry.c; what is here is what those shapes add:
 * convex clipping, the ellipse boundary integral, the distance integral
 * along a polyline and COCO's keypoint formula. Pure; only the polyline
 * and hull scratch is allocated (boxes and cuboids clip to <= 16 vertices
 * on the stack). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/geometry.h"
#include "boxel/shape-math.h"
#include "boxel/util.h"

/* Largest convex polygon a clip can produce: Sutherland-Hodgman adds at
 * most one vertex per clipping edge, and hulls of 8 points clip to <= 16. */
#define MAXV 24

/* sin and cos of an angle in degrees, exact at multiples of 90 so that an
 * unrotated box gives exactly the corners bx_box_ring gives. */
static void
sincos_deg(double deg, double *s, double *c)
{
	double r = fmod(deg, 360);

	if (r < 0)
		r += 360;
	if (r == 0 || r == 90 || r == 180 || r == 270) {
		*c = r == 0 ? 1 : r == 180 ? -1 : 0;
		*s = r == 90 ? 1 : r == 270 ? -1 : 0;
		return;
	}
	r *= M_PI / 180;
	*s = sin(r);
	*c = cos(r);
}

static int
finite5(double a, double b, double c, double d, double e)
{
	return isfinite(a) && isfinite(b) && isfinite(c) && isfinite(d) && isfinite(e);
}

/* ---- convex polygons ---- */

static double
cross3(struct bx_pt o, struct bx_pt a, struct bx_pt b)
{
	return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/* Intersection of two convex polygons given with positive orientation
 * (bx_ring_signed_area > 0): subj is cut by each of clip's edges in turn.
 * Points on an edge count as inside, so shared edges survive. Returns the
 * vertex count written to out (room for MAXV). */
static int
convex_clip(const struct bx_pt *subj, int ns, const struct bx_pt *clip, int nc,
            struct bx_pt *out)
{
	struct bx_pt buf[2][MAXV], p, q;
	int n = ns, i, j, m, cur = 0;
	double sp, sq, t;

	memcpy(buf[0], subj, sizeof(struct bx_pt) * (size_t)ns);
	for (i = 0; i < nc && n > 0; i++) {
		struct bx_pt e0 = clip[i], e1 = clip[(i + 1) % nc];
		const struct bx_pt *in = buf[cur];
		struct bx_pt *o = buf[cur ^ 1];

		m = 0;
		for (j = 0; j < n; j++) {
			p = in[j];
			q = in[(j + 1) % n];
			sp = cross3(e0, e1, p);
			sq = cross3(e0, e1, q);
			if (sp >= 0 && m < MAXV)
				o[m++] = p;
			if (((sp > 0 && sq < 0) || (sp < 0 && sq > 0)) && m < MAXV) {
				t = sp / (sp - sq);
				o[m].x = p.x + t * (q.x - p.x);
				o[m].y = p.y + t * (q.y - p.y);
				m++;
			}
		}
		n = m;
		cur ^= 1;
	}
	memcpy(out, buf[cur], sizeof(struct bx_pt) * (size_t)n);
	return n;
}

static double
convex_inter_area(const struct bx_pt *a, int na, const struct bx_pt *b, int nb)
{
	struct bx_pt out[MAXV];
	int n = convex_clip(a, na, b, nb, out);

	return n < 3 ? 0 : fabs(bx_ring_signed_area(out, n));
}

/* ---- rotated boxes ---- */

/* Corners relative to the origin (ox, oy): working near the origin keeps
 * the clip's products small when boxes sit far out in a large image. */
static void
rbox_corners_at(const struct bx_rbox *r, double ox, double oy, struct bx_pt c[4])
{
	static const double ux[4] = { -1, 1, 1, -1 }, uy[4] = { -1, -1, 1, 1 };
	double s, co, hw = fabs(r->w) / 2, hh = fabs(r->h) / 2, dx, dy;
	int i;

	sincos_deg(r->angle, &s, &co);
	for (i = 0; i < 4; i++) {
		dx = ux[i] * hw;
		dy = uy[i] * hh;
		c[i].x = (r->cx - ox) + dx * co - dy * s;
		c[i].y = (r->cy - oy) + dx * s + dy * co;
	}
}

void
bx_rbox_corners(const struct bx_rbox *r, struct bx_pt c[4])
{
	rbox_corners_at(r, 0, 0, c);
}

static int
rbox_ok(const struct bx_rbox *r)
{
	return r != NULL && finite5(r->cx, r->cy, r->w, r->h, r->angle);
}

double
bx_rbox_iou(const struct bx_rbox *a, const struct bx_rbox *b)
{
	struct bx_pt pa[4], pb[4];
	double aa, ab, ox, oy, reach;
	int i;

	if (!rbox_ok(a) || !rbox_ok(b))
		return 0;
	aa = fabs(a->w * a->h);
	ab = fabs(b->w * b->h);
	ox = a->cx + (b->cx - a->cx) / 2;
	oy = a->cy + (b->cy - a->cy) / 2;
	rbox_corners_at(a, ox, oy, pa);
	rbox_corners_at(b, ox, oy, pb);
	if (aa == 0 || ab == 0) {
		if (aa != 0 || ab != 0)
			return 0;
		for (i = 0; i < 4; i++)
			if (pa[i].x != pb[i].x || pa[i].y != pb[i].y)
				return 0;
		return 1;
	}
	if (a->cx == b->cx && a->cy == b->cy && fabs(a->w) == fabs(b->w) &&
	    fabs(a->h) == fabs(b->h) && a->angle == b->angle)
		return 1;
	/* Circumscribed circles apart: nothing to clip. */
	reach = (hypot(a->w, a->h) + hypot(b->w, b->h)) / 2;
	if (hypot(a->cx - b->cx, a->cy - b->cy) >= reach)
		return 0;
	return bx_iou_from_areas(convex_inter_area(pa, 4, pb, 4), aa, ab);
}

/* ---- ellipses ---- */

/* An ellipse ready for integration: centre relative to the working origin,
 * semi-axes, and its axis directions. */
struct ell {
	double cx, cy, a, b, s, c, ang;
};

/* g(t) = k0 + c1 cos t + s1 sin t + c2 cos 2t + s2 sin 2t */
struct trig2 {
	double k0, c1, s1, c2, s2;
};

/* The k-th derivative of g at t. d^k/dt^k of cos(nt) is n^k cos(nt + k pi/2). */
static double
trig2_d(const struct trig2 *g, int k, double t)
{
	double v = k == 0 ? g->k0 : 0, cs[2], n, nk, x, cx, sx;
	int i;

	cs[0] = g->c1;
	cs[1] = g->c2;
	for (i = 0; i < 2; i++) {
		n = i + 1;
		nk = k == 0 ? 1 : pow(n, k);
		x = n * t;
		cx = cos(x);
		sx = sin(x);
		switch (k & 3) { /* cos and sin of x + k pi / 2 */
		case 0: break;
		case 1: { double tmp = cx; cx = -sx; sx = tmp; break; }
		case 2: cx = -cx; sx = -sx; break;
		case 3: { double tmp = cx; cx = sx; sx = -tmp; break; }
		}
		v += nk * (cs[i] * cx + (i == 0 ? g->s1 : g->s2) * sx);
	}
	return v;
}

/* A bound on |g^(k)| over all t. */
static double
trig2_bound(const struct trig2 *g, int k)
{
	return hypot(g->c1, g->s1) + pow(2, k) * hypot(g->c2, g->s2);
}

/* A trig polynomial of degree 2 has at most 4 sign changes; the rest of the
 * room takes harmless extra points (see add_root). */
#define MAXROOTS 64

struct roots {
	double t[MAXROOTS];
	int n;
	int splits; /* intervals halved so far (see sign_changes) */
};

/* A root is only ever an arc boundary: arcs are classified by the sign at
 * their middle, so a spurious extra point splits an arc in two and changes
 * nothing. */
static void
add_root(struct roots *r, double t)
{
	if (r->n < MAXROOTS)
		r->t[r->n++] = t;
}

/* The point in [l, r] where the k-th derivative changes sign, given that it
 * does (fl and the value at r of opposite signs). */
static double
bisect(const struct trig2 *g, int k, double l, double r, double fl)
{
	double m, fm;
	int i;

	for (i = 0; i < 200; i++) {
		m = l + (r - l) / 2;
		if (!(m > l && m < r))
			break;
		fm = trig2_d(g, k, m);
		if (fm == 0)
			return m;
		if ((fm < 0) == (fl < 0)) {
			l = m;
			fl = fm;
		} else {
			r = m;
		}
	}
	return l + (r - l) / 2;
}

/* g is monotone on [l, r]: its one sign change, if any. */
static void
monotone_root(const struct trig2 *g, double l, double r, struct roots *out)
{
	double gl = trig2_d(g, 0, l), gr = trig2_d(g, 0, r);

	if (gl == 0)
		add_root(out, l);
	if (gr == 0)
		add_root(out, r);
	if ((gl < 0 && gr > 0) || (gl > 0 && gr < 0))
		add_root(out, bisect(g, 0, l, r, gl));
}

/* Every sign change of g in [l, r]. Around the middle m, |g^(k)(x)| >=
 * |g^(k)(m)| - bound(k+1) * h/2, so: g has no root, or is monotone (one
 * root at most), or g' is monotone (g rises then falls: two at most, split
 * at g's extremum) - else halve. Only a root of g, g' and g'' at once (a
 * triple contact) reaches the width floor; its middle is kept as a
 * boundary, harmless either way. */
static void
sign_changes(const struct trig2 *g, double l, double r, struct roots *out)
{
	double h = r - l, m = l + h / 2, tc, dl, dr;

	if (fabs(trig2_d(g, 0, m)) > trig2_bound(g, 1) * h / 2)
		return;
	if (fabs(trig2_d(g, 1, m)) > trig2_bound(g, 2) * h / 2) {
		monotone_root(g, l, r, out);
		return;
	}
	if (fabs(trig2_d(g, 2, m)) > trig2_bound(g, 3) * h / 2) {
		dl = trig2_d(g, 1, l);
		dr = trig2_d(g, 1, r);
		if ((dl < 0 && dr > 0) || (dl > 0 && dr < 0)) {
			tc = bisect(g, 1, l, r, dl);
			monotone_root(g, l, tc, out);
			monotone_root(g, tc, r, out);
		} else {
			monotone_root(g, l, r, out);
		}
		return;
	}
	/* The floor, or a guard far above what real pairs need (tests/cross's
	 * tangent and near-identical pairs halve 48 times at most), in case
	 * rounding keeps every test undecided. */
	if (h < 1e-13 || ++out->splits > 100000) {
		add_root(out, m);
		return;
	}
	sign_changes(g, l, m, out);
	sign_changes(g, m, r, out);
}

/* f_b(p) - 1 along ellipse a's boundary p = a(t), f_b being b's quadratic
 * form (1 on b's boundary, < 1 inside). a(t) - b's centre is
 * D0 + U cos t + V sin t; in b's frame, scaled by its semi-axes, it is
 * D + P cos t + Q sin t, whose squared length expands to the five terms.
 * a's axes are turned by the difference of the angles in one step: turning
 * them into the image frame and back would leave rounding of order epsilon
 * times a's size, which b's short axis, divided into it, magnifies - a
 * needle-thin ellipse would then not recognise a copy of itself. */
static struct trig2
inside_fn(const struct ell *a, const struct ell *b)
{
	double d0x = a->cx - b->cx, d0y = a->cy - b->cy, sd, cd;
	double dx, dy, px, py, qx, qy, pp, qq;
	struct trig2 g;

	sincos_deg(a->ang - b->ang, &sd, &cd);
	dx = (d0x * b->c + d0y * b->s) / b->a;
	dy = (-d0x * b->s + d0y * b->c) / b->b;
	px = a->a * cd / b->a;
	py = a->a * sd / b->b;
	qx = -a->b * sd / b->a;
	qy = a->b * cd / b->b;
	pp = px * px + py * py;
	qq = qx * qx + qy * qy;
	g.k0 = dx * dx + dy * dy + (pp + qq) / 2 - 1;
	g.c1 = 2 * (dx * px + dy * py);
	g.s1 = 2 * (dx * qx + dy * qy);
	g.c2 = (pp - qq) / 2;
	g.s2 = px * qx + py * qy;
	return g;
}

/* (x dy - y dx) / 2 integrated along e from t1 to t2. With
 * (x, y) = centre + (u, v), u v' - v u' = a b for every t. */
static double
arc_integral(const struct ell *e, double t1, double t2)
{
	double u1 = e->a * cos(t1) * e->c - e->b * sin(t1) * e->s;
	double v1 = e->a * cos(t1) * e->s + e->b * sin(t1) * e->c;
	double u2 = e->a * cos(t2) * e->c - e->b * sin(t2) * e->s;
	double v2 = e->a * cos(t2) * e->s + e->b * sin(t2) * e->c;

	return (e->a * e->b * (t2 - t1) + e->cx * (v2 - v1) - e->cy * (u2 - u1)) / 2;
}

static int
cmp_double(const void *a, const void *b)
{
	double p = *(const double *)a, q = *(const double *)b;

	return (p > q) - (p < q);
}

/* g's value of largest magnitude at a quarter, half and three quarters of
 * (t1, t2), where g keeps one sign: the middle alone can be the other
 * touching point of a symmetric pair (a circle inside an ellipse touches it
 * at two opposite points), where g is 0 up to rounding. */
static double
clearest(const struct trig2 *g, double t1, double t2)
{
	double best = 0, v;
	int k;

	for (k = 1; k <= 3; k++) {
		v = trig2_d(g, 0, t1 + (t2 - t1) * k / 4);
		if (fabs(v) > fabs(best))
			best = v;
	}
	return best;
}

/* The part of the intersection's boundary integral that runs along e:
 * the arcs between the crossing parameters t[0..n) where g (the other
 * ellipse's form along e) is negative. */
static double
arcs_inside(const struct ell *e, const struct trig2 *g, double *t, int n)
{
	double sum = 0, t1, t2, probe, best = 0;
	int i, k;

	if (n == 0) {
		/* One sign all round (touching at most): take the clearest. */
		for (k = 0; k < 8; k++) {
			probe = trig2_d(g, 0, 2 * M_PI * k / 8);
			if (fabs(probe) > fabs(best))
				best = probe;
		}
		return best < 0 ? arc_integral(e, 0, 2 * M_PI) : 0;
	}
	qsort(t, (size_t)n, sizeof(double), cmp_double);
	for (i = 0; i < n; i++) {
		t1 = t[i];
		t2 = i + 1 < n ? t[i + 1] : t[0] + 2 * M_PI;
		if (t2 > t1 && clearest(g, t1, t2) < 0)
			sum += arc_integral(e, t1, t2);
	}
	return sum;
}

static void
ell_point(const struct ell *e, double t, struct bx_pt *p)
{
	p->x = e->cx + e->a * cos(t) * e->c - e->b * sin(t) * e->s;
	p->y = e->cy + e->a * cos(t) * e->s + e->b * sin(t) * e->c;
}

/* The parameter of a point on e's boundary. */
static double
ell_param(const struct ell *e, struct bx_pt p)
{
	double dx = p.x - e->cx, dy = p.y - e->cy;
	double t = atan2((-dx * e->s + dy * e->c) / e->b, (dx * e->c + dy * e->s) / e->a);

	return t < 0 ? t + 2 * M_PI : t;
}

/* Area of the intersection. The crossings are found once, along a, and
 * the same points end b's arcs, so the two sets of arcs always close into
 * one boundary. Near a tangency rounding can report a crossing as several
 * points a hair apart: points closer than 1e-7 of the larger semi-axis are
 * one point (two real crossings that close bound a lens of area ~1e-21 of
 * the ellipses'), so no arc is too short for its sign to be read. */
static double
ell_inter_area(const struct ell *a, const struct ell *b)
{
	struct trig2 ga = inside_fn(a, b), gb = inside_fn(b, a);
	struct roots r = { .n = 0, .splits = 0 };
	struct bx_pt p[MAXROOTS];
	double ta[MAXROOTS], tb[MAXROOTS], tau;
	int i, k, n = 0;

	for (k = 0; k < 8; k++)
		sign_changes(&ga, 2 * M_PI * k / 8, 2 * M_PI * (k + 1) / 8, &r);
	qsort(r.t, (size_t)r.n, sizeof(double), cmp_double);
	tau = 1e-7 * fmax(fmax(a->a, a->b), fmax(b->a, b->b));
	for (i = 0; i < r.n; i++) {
		ell_point(a, r.t[i], &p[n]);
		if (n > 0 && hypot(p[n].x - p[n - 1].x, p[n].y - p[n - 1].y) <= tau)
			continue;
		ta[n++] = r.t[i];
	}
	if (n > 1 && hypot(p[n - 1].x - p[0].x, p[n - 1].y - p[0].y) <= tau)
		n--;
	for (i = 0; i < n; i++)
		tb[i] = ell_param(b, p[i]);
	return arcs_inside(a, &ga, ta, n) + arcs_inside(b, &gb, tb, n);
}

static int
ellipse_ok(const struct bx_ellipse *e)
{
	return e != NULL && finite5(e->cx, e->cy, e->rx, e->ry, e->angle);
}

double
bx_ellipse_area(const struct bx_ellipse *e)
{
	if (!ellipse_ok(e))
		return 0;
	return M_PI * fabs(e->rx) * fabs(e->ry);
}

static struct ell
ell_at(const struct bx_ellipse *e, double ox, double oy)
{
	struct ell r;

	r.cx = e->cx - ox;
	r.cy = e->cy - oy;
	r.a = fabs(e->rx);
	r.b = fabs(e->ry);
	r.ang = e->angle;
	sincos_deg(e->angle, &r.s, &r.c);
	return r;
}

/* The two boundaries coincide: b's form is 1 all along a's boundary (the
 * same ellipse under other parameters). Rounding leaves terms of order
 * epsilon times the terms that cancelled. */
static int
same_boundary(const struct ell *a, const struct ell *b)
{
	struct trig2 g = inside_fn(a, b);
	double mag = fabs(g.k0) + fabs(g.c1) + fabs(g.s1) + fabs(g.c2) + fabs(g.s2);

	return mag <= 64 * DBL_EPSILON;
}

double
bx_ellipse_iou(const struct bx_ellipse *a, const struct bx_ellipse *b)
{
	struct ell ea, eb;
	double aa, ab, inter, ox, oy;

	if (!ellipse_ok(a) || !ellipse_ok(b))
		return 0;
	aa = bx_ellipse_area(a);
	ab = bx_ellipse_area(b);
	if (aa == 0 || ab == 0) {
		if (aa != 0 || ab != 0)
			return 0;
		return a->cx == b->cx && a->cy == b->cy && fabs(a->rx) == fabs(b->rx) &&
		    fabs(a->ry) == fabs(b->ry) && a->angle == b->angle;
	}
	if (a->cx == b->cx && a->cy == b->cy && fabs(a->rx) == fabs(b->rx) &&
	    fabs(a->ry) == fabs(b->ry) && a->angle == b->angle)
		return 1;
	if (hypot(a->cx - b->cx, a->cy - b->cy) >=
	    fmax(fabs(a->rx), fabs(a->ry)) + fmax(fabs(b->rx), fabs(b->ry)))
		return 0;
	ox = a->cx + (b->cx - a->cx) / 2;
	oy = a->cy + (b->cy - a->cy) / 2;
	ea = ell_at(a, ox, oy);
	eb = ell_at(b, ox, oy);
	if (same_boundary(&ea, &eb))
		return 1;
	inter = ell_inter_area(&ea, &eb);
	if (inter > fmin(aa, ab))
		inter = fmin(aa, ab);
	return bx_iou_from_areas(inter, aa, ab);
}

/* ---- keypoints ---- */

double
bx_oks(const struct bx_kpt *gt, const struct bx_kpt *dt, const double *sigmas, int n,
       double area, const double *bb)
{
	double s2, sum = 0, dx, dy, var, e;
	int i, labeled = 0, cnt = 0;

	if (gt == NULL || dt == NULL || sigmas == NULL || n <= 0)
		return 0;
	for (i = 0; i < n; i++)
		if (gt[i].v > 0)
			labeled++;
	if (labeled == 0 && (bb == NULL || !isfinite(bb[0]) || !isfinite(bb[1]) ||
	    !isfinite(bb[2]) || !isfinite(bb[3])))
		return 0;
	/* COCO adds np.spacing(1) so a zero area does not divide by zero. */
	s2 = (isfinite(area) && area > 0 ? area : 0) + DBL_EPSILON;
	for (i = 0; i < n; i++) {
		if (labeled > 0 && gt[i].v <= 0)
			continue;
		cnt++;
		if (labeled > 0) {
			dx = dt[i].x - gt[i].x;
			dy = dt[i].y - gt[i].y;
		} else {
			/* Distance to the gold box grown by its size on each side. */
			dx = fmax(0, (bb[0] - bb[2]) - dt[i].x) + fmax(0, dt[i].x - (bb[0] + 2 * bb[2]));
			dy = fmax(0, (bb[1] - bb[3]) - dt[i].y) + fmax(0, dt[i].y - (bb[1] + 2 * bb[3]));
		}
		var = 4 * sigmas[i] * sigmas[i];
		if (!(sigmas[i] > 0) || !isfinite(var))
			continue;
		e = (dx * dx + dy * dy) / var / s2 / 2;
		if (e == e) /* NaN (a non-finite point) contributes 0 */
			sum += exp(-e);
	}
	return cnt ? sum / cnt : 0;
}

/* ---- polylines ---- */

/* Integral of sqrt(t^2 + k) from t = t0 to t1 (k >= 0). */
static double
int_hypot(double t0, double t1, double k)
{
	double f0, f1;

	if (k <= 0)
		return (t1 * fabs(t1) - t0 * fabs(t0)) / 2;
	f0 = t0 * sqrt(t0 * t0 + k) + k * asinh(t0 / sqrt(k));
	f1 = t1 * sqrt(t1 * t1 + k) + k * asinh(t1 / sqrt(k));
	return (f1 - f0) / 2;
}

/* Integral of |k0 + k1 s| for s from l to r. */
static double
int_abs_lin(double k0, double k1, double l, double r)
{
	double s0, fl = k0 + k1 * l, fr = k0 + k1 * r;

	if ((fl < 0 && fr > 0) || (fl > 0 && fr < 0)) {
		s0 = -k0 / k1;
		return (fabs(fl) * (s0 - l) + fabs(fr) * (r - s0)) / 2;
	}
	return (fabs(fl) + fabs(fr)) / 2 * (r - l);
}

/* A segment from p with unit direction (ux, uy) and length len. */
struct seg {
	struct bx_pt p;
	double ux, uy, len;
};

static struct seg
seg_make(struct bx_pt p, struct bx_pt q)
{
	struct seg s;

	s.p = p;
	s.len = hypot(q.x - p.x, q.y - p.y);
	s.ux = s.len > 0 ? (q.x - p.x) / s.len : 0;
	s.uy = s.len > 0 ? (q.y - p.y) / s.len : 0;
	return s;
}

static double
dist_pt_seg(double x, double y, const struct seg *t)
{
	double px = x - t->p.x, py = y - t->p.y, tau = px * t->ux + py * t->uy;

	if (tau <= 0)
		return hypot(px, py);
	if (tau >= t->len)
		return hypot(px - t->ux * t->len, py - t->uy * t->len);
	return fabs(px * t->uy - py * t->ux);
}

/* Integral of the distance to the point q along a from s = l to r. */
static double
int_to_point(const struct seg *a, struct bx_pt q, double l, double r)
{
	double wx = a->p.x - q.x, wy = a->p.y - q.y;
	double b = wx * a->ux + wy * a->uy, c = wx * a->uy - wy * a->ux;

	/* |a(s) - q|^2 = (s + b)^2 + c^2 */
	return int_hypot(l + b, r + b, c * c);
}

/* Integral of the distance to segment t along a from s = l to r: split
 * where the foot of the perpendicular leaves t, then a point distance or
 * an absolute linear function on each piece. */
static double
int_to_seg(const struct seg *a, const struct seg *t, double l, double r)
{
	double cut[4], tau0, dtau, mid, tm, sum = 0, wx, wy;
	int n = 0, i, j;
	struct bx_pt q1;

	if (t->len == 0)
		return int_to_point(a, t->p, l, r);
	wx = a->p.x - t->p.x;
	wy = a->p.y - t->p.y;
	tau0 = wx * t->ux + wy * t->uy;
	dtau = a->ux * t->ux + a->uy * t->uy;
	cut[n++] = l;
	if (dtau != 0) {
		double c0 = -tau0 / dtau, c1 = (t->len - tau0) / dtau, lo = fmin(c0, c1), hi = fmax(c0, c1);

		if (lo > l && lo < r)
			cut[n++] = lo;
		if (hi > l && hi < r && hi != lo)
			cut[n++] = hi;
	}
	cut[n++] = r;
	q1.x = t->p.x + t->ux * t->len;
	q1.y = t->p.y + t->uy * t->len;
	for (i = 0, j = 1; j < n; i++, j++) {
		mid = cut[i] + (cut[j] - cut[i]) / 2;
		tm = tau0 + mid * dtau;
		if (tm <= 0)
			sum += int_to_point(a, t->p, cut[i], cut[j]);
		else if (tm >= t->len)
			sum += int_to_point(a, q1, cut[i], cut[j]);
		else
			sum += int_abs_lin(wx * t->uy - wy * t->ux, a->ux * t->uy - a->uy * t->ux,
			    cut[i], cut[j]);
	}
	return sum;
}

/* Index of the nearest of b's segments to the point at s along a, and
 * the distances to all of them in d. */
static int
nearest(const struct seg *a, double s, const struct seg *b, int nb, double *d)
{
	double x = a->p.x + a->ux * s, y = a->p.y + a->uy * s;
	int j, k = 0;

	for (j = 0; j < nb; j++) {
		d[j] = dist_pt_seg(x, y, &b[j]);
		if (d[j] < d[k])
			k = j;
	}
	return k;
}

/* The squared distance to one feature of a segment (an end point, or the
 * line through it) along a: q(s) = q2 s^2 + q1 s + q0 for s in [lo, hi]. */
struct piece {
	double lo, hi, q2, q1, q0;
	int seg;
};

static int
add_pieces(const struct seg *a, const struct seg *t, int j, struct piece *out)
{
	double wx = a->p.x - t->p.x, wy = a->p.y - t->p.y, tau0, dtau, cut[4], mid, tm, px, py, k0, k1;
	int n = 0, m = 0, i;

	cut[n++] = 0;
	tau0 = wx * t->ux + wy * t->uy;
	dtau = a->ux * t->ux + a->uy * t->uy;
	if (t->len > 0 && dtau != 0) {
		double c0 = -tau0 / dtau, c1 = (t->len - tau0) / dtau;

		if (fmin(c0, c1) > 0 && fmin(c0, c1) < a->len)
			cut[n++] = fmin(c0, c1);
		if (fmax(c0, c1) > 0 && fmax(c0, c1) < a->len && c1 != c0)
			cut[n++] = fmax(c0, c1);
	}
	cut[n++] = a->len;
	for (i = 0; i + 1 < n; i++) {
		struct piece *p = &out[m++];

		p->lo = cut[i];
		p->hi = cut[i + 1];
		p->seg = j;
		mid = cut[i] + (cut[i + 1] - cut[i]) / 2;
		tm = tau0 + mid * dtau;
		if (t->len > 0 && tm > 0 && tm < t->len) {
			k0 = wx * t->uy - wy * t->ux;
			k1 = a->ux * t->uy - a->uy * t->ux;
			p->q2 = k1 * k1;
			p->q1 = 2 * k0 * k1;
			p->q0 = k0 * k0;
			continue;
		}
		px = a->p.x - (t->p.x + (tm > 0 ? t->ux * t->len : 0));
		py = a->p.y - (t->p.y + (tm > 0 ? t->uy * t->len : 0));
		p->q2 = 1;
		p->q1 = 2 * (px * a->ux + py * a->uy);
		p->q0 = px * px + py * py;
	}
	return m;
}

/* Roots in (lo, hi) of c2 s^2 + c1 s + c0, by the stable formula. A pair
 * of features with the same function (the shared end of two segments)
 * has all three near zero: it never changes which is nearer. */
static int
quad_roots(double c2, double c1, double c0, double scale, double lo, double hi, double *out)
{
	double disc, q, r[2];
	int n = 0, i, m = 0;

	if (fabs(c2) + fabs(c1) / scale + fabs(c0) / (scale * scale) <= 1e-12)
		return 0;
	if (fabs(c2) <= 1e-15) {
		if (c1 != 0)
			r[n++] = -c0 / c1;
	} else {
		disc = c1 * c1 - 4 * c2 * c0;
		if (disc < 0)
			return 0; /* touching at most: no change of order */
		q = -(c1 + copysign(sqrt(disc), c1)) / 2;
		r[n++] = q / c2;
		if (q != 0)
			r[n++] = c0 / q;
	}
	for (i = 0; i < n; i++)
		if (r[i] > lo && r[i] < hi)
			out[m++] = r[i];
	return m;
}

static double
seg_seg_dist(const struct seg *a, const struct seg *b)
{
	struct bx_pt a1 = { a->p.x + a->ux * a->len, a->p.y + a->uy * a->len };
	struct bx_pt b1 = { b->p.x + b->ux * b->len, b->p.y + b->uy * b->len };
	double d1 = cross3(a->p, a1, b->p), d2 = cross3(a->p, a1, b1);
	double d3 = cross3(b->p, b1, a->p), d4 = cross3(b->p, b1, a1);

	if (((d1 < 0 && d2 > 0) || (d1 > 0 && d2 < 0)) && ((d3 < 0 && d4 > 0) || (d3 > 0 && d4 < 0)))
		return 0;
	return fmin(fmin(dist_pt_seg(b->p.x, b->p.y, a), dist_pt_seg(b1.x, b1.y, a)),
	    fmin(dist_pt_seg(a->p.x, a->p.y, b), dist_pt_seg(a1.x, a1.y, b)));
}

/* Integral over a of the distance to the polyline b (nb segments), exact:
 * the distance to b is the least of its segments' distances, each made of
 * up to three pieces whose squares are quadratics in s. Between the
 * pieces' ends and the points where two pieces are equal, the nearest
 * segment cannot change, so each such interval is integrated in closed
 * form for the segment nearest at its middle. Segments that cannot be
 * nearest anywhere on a (farther from a than the distance to b can be:
 * 1-Lipschitz, so at most the mean of the ends' distances plus half of a's
 * length) are left out first; the rest costs O(m^3) for m kept. d is
 * scratch of nb doubles. */
static double
int_exact(const struct seg *a, const struct seg *b, const int *keep, int nk, double bound,
          double *work)
{
	struct piece *pc = bx_malloc(sizeof(struct piece) * 3 * (size_t)nk);
	double *cut, scale, sum = 0, l, r, x, y, dj, best;
	int np = 0, nc = 0, i, j, k;
	size_t cap;

	for (k = 0; k < nk; k++)
		np += add_pieces(a, &b[keep[k]], keep[k], pc + np);
	cap = 2 + (size_t)np * 2 + (size_t)np * (size_t)np;
	cut = bx_malloc(sizeof(double) * cap);
	scale = fmax(a->len, bound) + 1e-300;
	cut[nc++] = 0;
	cut[nc++] = a->len;
	for (i = 0; i < np; i++) {
		cut[nc++] = pc[i].lo;
		for (j = i + 1; j < np; j++) {
			double lo = fmax(pc[i].lo, pc[j].lo), hi = fmin(pc[i].hi, pc[j].hi);

			if (pc[i].seg == pc[j].seg || !(lo < hi))
				continue;
			nc += quad_roots(pc[i].q2 - pc[j].q2, pc[i].q1 - pc[j].q1, pc[i].q0 - pc[j].q0,
			    scale, lo, hi, cut + nc);
		}
	}
	qsort(cut, (size_t)nc, sizeof(double), cmp_double);
	*work += (double)np * np + (double)nc * nk;
	for (i = 0; i + 1 < nc; i++) {
		l = cut[i];
		r = cut[i + 1];
		if (!(r > l))
			continue;
		x = a->p.x + a->ux * (l + (r - l) / 2);
		y = a->p.y + a->uy * (l + (r - l) / 2);
		for (j = 0, best = INFINITY, k = keep[0]; j < nk; j++) {
			dj = dist_pt_seg(x, y, &b[keep[j]]);
			if (dj < best) {
				best = dj;
				k = keep[j];
			}
		}
		sum += int_to_seg(a, &b[k], l, r);
	}
	free(cut);
	free(pc);
	return sum;
}

/* The exact integral's cost grows with the cube of the segments kept; past
 * MAX_KEPT the piece of a is halved (a shorter piece keeps fewer), and
 * after MAX_HALVING halvings the piece takes the midpoint rule (off by at
 * most len^2 / 4). work counts the steps taken; past MAX_WORK the exact
 * integral gives up (NaN) and the caller samples instead. */
#define MAX_KEPT 24
#define MAX_HALVING 16
#define MAX_WORK 5000000.0

static double
int_seg_to_line(const struct seg *a, const struct seg *b, int nb, double *d, int *keep, int depth,
                double *work)
{
	double bound;
	int j, nk = 0;
	struct seg h;

	*work += 3.0 * nb;
	if (*work > MAX_WORK)
		return NAN;
	bound = (d[nearest(a, 0, b, nb, d)] + d[nearest(a, a->len, b, nb, d)] + a->len) / 2;
	for (j = 0; j < nb; j++)
		if (seg_seg_dist(a, &b[j]) <= bound * (1 + 1e-12))
			keep[nk++] = j;
	if (nk <= MAX_KEPT)
		return int_exact(a, b, keep, nk, bound, work);
	if (depth >= MAX_HALVING)
		return d[nearest(a, a->len / 2, b, nb, d)] * a->len;
	h = *a;
	h.len = a->len / 2;
	bound = int_seg_to_line(&h, b, nb, d, keep, depth + 1, work);
	h.p.x = a->p.x + a->ux * h.len;
	h.p.y = a->p.y + a->uy * h.len;
	h.len = a->len - h.len;
	return bound + int_seg_to_line(&h, b, nb, d, keep, depth + 1, work);
}

static int
line_ok(const struct bx_polyline *p)
{
	int i;

	if (p == NULL || p->pts == NULL || p->npts <= 0)
		return 0;
	for (i = 0; i < p->npts; i++)
		if (!isfinite(p->pts[i].x) || !isfinite(p->pts[i].y))
			return 0;
	return 1;
}

/* Segments of a line; a single vertex is one zero-length segment. */
static int
line_segs(const struct bx_polyline *p, struct seg *out)
{
	int i;

	if (p->npts == 1) {
		out[0] = seg_make(p->pts[0], p->pts[0]);
		return 1;
	}
	for (i = 0; i + 1 < p->npts; i++)
		out[i] = seg_make(p->pts[i], p->pts[i + 1]);
	return p->npts - 1;
}

/* Work budget: real annotations (hundreds of vertices, not folded into a
 * tangle) stay far below it. Past it - two lines of thousands of vertices,
 * or lines scribbled over one small area - D is measured by the midpoint
 * rule at SAMPLE_WORK / nb points along a (at least 64), off by at most a
 * quarter of the step since the distance is 1-Lipschitz along a:
 * approximate, bounded in time. */
#define MAX_PAIRS 5000000.0
#define SAMPLE_WORK 5000000.0

static double
directed_sampled(const struct seg *a, int na, const struct seg *b, int nb, double len,
                 double *d)
{
	long n = (long)ceil(fmax(64, SAMPLE_WORK / nb)), k;
	double step = len / (double)n, pos, start = 0, sum = 0;
	int i = 0;

	for (k = 0; k < n; k++) {
		pos = ((double)k + 0.5) * step;
		while (i + 1 < na && pos > start + a[i].len) {
			start += a[i].len;
			i++;
		}
		sum += d[nearest(&a[i], fmin(pos - start, a[i].len), b, nb, d)];
	}
	return sum / (double)n;
}

/* D(a, b): mean distance along a to b. */
static double
directed_mean(const struct seg *a, int na, const struct seg *b, int nb, double *d, int *keep)
{
	double sum = 0, len = 0, work = 0;
	int i;

	for (i = 0; i < na; i++)
		len += a[i].len;
	if (len == 0) /* a is one point */
		return d[nearest(&a[0], 0, b, nb, d)];
	if ((double)na * nb > MAX_PAIRS)
		return directed_sampled(a, na, b, nb, len, d);
	for (i = 0; i < na && !isnan(sum); i++)
		if (a[i].len > 0)
			sum += int_seg_to_line(&a[i], b, nb, d, keep, 0, &work);
	if (isnan(sum))
		return directed_sampled(a, na, b, nb, len, d);
	return sum / len;
}

double
bx_polyline_mean_distance(const struct bx_polyline *a, const struct bx_polyline *b)
{
	struct seg *sa, *sb;
	double *scratch, d;
	int na, nb, *keep;
	size_t most = (size_t)(a->npts > b->npts ? a->npts : b->npts);

	if (!line_ok(a) || !line_ok(b))
		return -1;
	sa = bx_malloc(sizeof(struct seg) * (size_t)a->npts);
	sb = bx_malloc(sizeof(struct seg) * (size_t)b->npts);
	scratch = bx_malloc(sizeof(double) * most);
	keep = bx_malloc(sizeof(int) * most);
	na = line_segs(a, sa);
	nb = line_segs(b, sb);
	d = (directed_mean(sa, na, sb, nb, scratch, keep) +
	    directed_mean(sb, nb, sa, na, scratch, keep)) / 2;
	free(sa);
	free(sb);
	free(scratch);
	free(keep);
	return isfinite(d) ? d : -1;
}

double
bx_polyline_similarity(const struct bx_polyline *a, const struct bx_polyline *b, double thickness)
{
	double d = bx_polyline_mean_distance(a, b);

	if (d < 0 || isnan(thickness))
		return 0;
	if (!(thickness > 0))
		return d == 0 ? 1 : 0;
	return d >= thickness ? 0 : 1 - d / thickness;
}

/* ---- cuboids ---- */

static int
cmp_pt(const void *a, const void *b)
{
	const struct bx_pt *p = a, *q = b;

	if (p->x != q->x)
		return (p->x > q->x) - (p->x < q->x);
	return (p->y > q->y) - (p->y < q->y);
}

int
bx_convex_hull(const struct bx_pt *pts, int n, struct bx_pt *hull_out)
{
	struct bx_pt *s, *h;
	int i, k = 0, lo;

	if (pts == NULL || n <= 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!isfinite(pts[i].x) || !isfinite(pts[i].y))
			return 0;
	s = bx_malloc(sizeof(struct bx_pt) * (size_t)n);
	h = bx_malloc(sizeof(struct bx_pt) * (size_t)(2 * n + 1));
	memcpy(s, pts, sizeof(struct bx_pt) * (size_t)n);
	qsort(s, (size_t)n, sizeof(struct bx_pt), cmp_pt);
	/* Lower chain left to right, then upper chain back; a turn that is not
	 * strictly to the left drops the middle point. */
	for (i = 0; i < n; i++) {
		while (k >= 2 && cross3(h[k - 2], h[k - 1], s[i]) <= 0)
			k--;
		h[k++] = s[i];
	}
	for (i = n - 2, lo = k + 1; i >= 0; i--) {
		while (k >= lo && cross3(h[k - 2], h[k - 1], s[i]) <= 0)
			k--;
		h[k++] = s[i];
	}
	if (k > 1)
		k--; /* the first point came round again */
	if (k == 2 && h[0].x == h[1].x && h[0].y == h[1].y)
		k = 1; /* all points equal */
	memcpy(hull_out, h, sizeof(struct bx_pt) * (size_t)k);
	free(s);
	free(h);
	return k;
}

double
bx_cuboid_hull_iou(const struct bx_cuboid *a, const struct bx_cuboid *b)
{
	struct bx_pt pa[8], pb[8], ha[9], hb[9];
	double ox, oy, aa, ab;
	int i, na, nb;

	if (a == NULL || b == NULL)
		return 0;
	ox = a->v[0].x;
	oy = a->v[0].y;
	for (i = 0; i < 8; i++) {
		pa[i].x = a->v[i].x - ox;
		pa[i].y = a->v[i].y - oy;
		pb[i].x = b->v[i].x - ox;
		pb[i].y = b->v[i].y - oy;
	}
	na = bx_convex_hull(pa, 8, ha);
	nb = bx_convex_hull(pb, 8, hb);
	if (na == 0 || nb == 0)
		return 0;
	aa = na >= 3 ? bx_ring_signed_area(ha, na) : 0;
	ab = nb >= 3 ? bx_ring_signed_area(hb, nb) : 0;
	if (aa == 0 || ab == 0) {
		if (aa != 0 || ab != 0 || na != nb)
			return 0;
		for (i = 0; i < na; i++)
			if (ha[i].x != hb[i].x || ha[i].y != hb[i].y)
				return 0;
		return 1;
	}
	return bx_iou_from_areas(convex_inter_area(ha, na, hb, nb), aa, ab);
}
