/* test-shape-math.c: rotated boxes, ellipses, OKS, polylines and cuboid
 * hulls. Expectations are worked out by hand in each case's comment, or
 * come from geometry.c's slab sweep - an independent way to the same
 * polygon areas. tests/cross/cross-shapes.py adds thousands of random
 * cases against shapely and reference formulas. */
#include <float.h>

#include "boxel/geometry.h"
#include "boxel/shape-math.h"
#include "boxel/util.h"
#include "harness.h"

static double
rbox_iou_sym(struct bx_rbox a, struct bx_rbox b)
{
	double x = bx_rbox_iou(&a, &b), y = bx_rbox_iou(&b, &a);

	CHECK_NEAR(x, y, 1e-14);
	return x;
}

static void
test_rbox_corners(void)
{
	struct bx_rbox r = { 5, 6, 4, 2, 0 }, q = { 0, 0, 4, 2, 90 };
	struct bx_pt c[4], ring[4];
	int i;

	/* Unrotated: exactly the axis-aligned box's corners. */
	bx_rbox_corners(&r, c);
	bx_box_ring(3, 5, 4, 2, ring);
	for (i = 0; i < 4; i++) {
		CHECK(c[i].x == ring[i].x);
		CHECK(c[i].y == ring[i].y);
	}
	/* 90 degrees clockwise on screen (y down): the top-left corner
	 * (-2, -1) goes to the top right, (1, -2); top-right (2, -1) to (1, 2). */
	bx_rbox_corners(&q, c);
	CHECK_NEAR(c[0].x, 1, 1e-15);
	CHECK_NEAR(c[0].y, -2, 1e-15);
	CHECK_NEAR(c[1].x, 1, 1e-15);
	CHECK_NEAR(c[1].y, 2, 1e-15);
	/* 30 degrees: the right edge's middle (2, 0) goes to (2 cos 30, 2 sin 30),
	 * below the x axis on screen. */
	q.angle = 30;
	bx_rbox_corners(&q, c);
	CHECK_NEAR((c[1].x + c[2].x) / 2, 2 * cos(M_PI / 6), 1e-12);
	CHECK_NEAR((c[1].y + c[2].y) / 2, 1, 1e-12);
	CHECK(bx_ring_signed_area(c, 4) > 0);
}

static void
test_rbox_iou(void)
{
	static const struct {
		const char *name;
		struct bx_rbox a, b;
		double iou;
	} cases[] = {
		{ "identical", { 3, 4, 10, 6, 33 }, { 3, 4, 10, 6, 33 }, 1 },
		{ "angle + 180 is the same box", { 3, 4, 10, 6, 33 }, { 3, 4, 10, 6, 213 }, 1 },
		{ "w, h swapped at angle + 90", { 3, 4, 10, 6, 33 }, { 3, 4, 6, 10, 123 }, 1 },
		{ "negative size", { 3, 4, -10, 6, 33 }, { 3, 4, 10, -6, 33 }, 1 },
		/* square vs itself at 45: the octagon 200 (sqrt2 - 1); IoU 1 / sqrt2 */
		{ "square at 45", { 0, 0, 10, 10, 0 }, { 0, 0, 10, 10, 45 }, M_SQRT1_2 },
		/* axis-aligned half overlap: 50 / 150 */
		{ "half overlap", { 0, 0, 10, 10, 0 }, { 5, 0, 10, 10, 0 }, 1.0 / 3 },
		/* the same, both turned 30 degrees about their centres and the
		 * offset turned with them */
		{ "half overlap turned", { 0, 0, 10, 10, 30 }, { 5 * 0.86602540378443865, 2.5, 10, 10, 30 },
		  1.0 / 3 },
		/* 2x2 anywhere inside a 10x10: 4 / 100 */
		{ "contained", { 50, 50, 10, 10, 10 }, { 51, 49, 2, 2, 77 }, 0.04 },
		/* plus sign: 10x2 and 2x10 share 2x2 = 4; union 36 */
		{ "cross", { 0, 0, 10, 2, 17 }, { 0, 0, 2, 10, 17 }, 4.0 / 36 },
		{ "touching edge", { 0, 0, 10, 10, 30 }, { 10 * 0.86602540378443865, 5, 10, 10, 30 }, 0 },
		{ "disjoint", { 0, 0, 10, 10, 30 }, { 40, 0, 10, 10, 30 }, 0 },
		{ "zero area identical", { 1, 1, 0, 5, 20 }, { 1, 1, 0, 5, 20 }, 1 },
		{ "zero area different", { 1, 1, 0, 5, 20 }, { 1, 1, 0, 5, 21 }, 0 },
		{ "zero area vs box", { 1, 1, 0, 5, 20 }, { 1, 1, 4, 5, 20 }, 0 },
		{ "NaN", { NAN, 1, 4, 5, 20 }, { 1, 1, 4, 5, 20 }, 0 },
		{ "infinite angle", { 1, 1, 4, 5, INFINITY }, { 1, 1, 4, 5, 20 }, 0 },
		/* far out in a big image: the same half overlap */
		{ "far out", { 40000, 30000, 10, 10, 0 }, { 40005, 30000, 10, 10, 0 }, 1.0 / 3 },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].name);
		CHECK_NEAR(rbox_iou_sym(cases[i].a, cases[i].b), cases[i].iou, 1e-12);
	}
}

/* Against geometry.c's slab sweep on the corner polygons, and against
 * bx_box_iou when unrotated. */
static void
test_rbox_vs_sweep(void)
{
	struct bx_geom_ws *ws = bx_geom_ws_new();
	struct bx_pt ca[4], cb[4];
	struct bx_shape sa = { ca, 4, NULL, 1 }, sb = { cb, 4, NULL, 1 };
	struct bx_rbox a, b;
	unsigned s = 12345;
	int i;

#define RND() ((s = s * 1103515245u + 12345u) >> 8 & 0xffff) / 65536.0
	for (i = 0; i < 300; i++) {
		a = (struct bx_rbox){ 50 * RND(), 50 * RND(), 1 + 40 * RND(), 1 + 40 * RND(), 720 * RND() - 360 };
		b = (struct bx_rbox){ 50 * RND(), 50 * RND(), 1 + 40 * RND(), 1 + 40 * RND(), 720 * RND() - 360 };
		if (i % 3 == 0)
			a.angle = b.angle = 0;
		bx_rbox_corners(&a, ca);
		bx_rbox_corners(&b, cb);
		CASE("random pair vs sweep");
		CHECK_NEAR(bx_rbox_iou(&a, &b), bx_shape_iou(ws, &sa, &sb), 1e-9);
		if (i % 3 == 0) {
			CASE("unrotated vs bx_box_iou");
			CHECK_NEAR(bx_rbox_iou(&a, &b), bx_box_iou(a.cx - a.w / 2, a.cy - a.h / 2, a.w, a.h,
			    b.cx - b.w / 2, b.cy - b.h / 2, b.w, b.h), 1e-12);
		}
	}
#undef RND
	bx_geom_ws_free(ws);
}

static double
ell_iou_sym(struct bx_ellipse a, struct bx_ellipse b)
{
	double x = bx_ellipse_iou(&a, &b), y = bx_ellipse_iou(&b, &a);

	CHECK_NEAR(x, y, 1e-12);
	return x;
}

static void
test_ellipse_iou(void)
{
	/* Two unit circles 1 apart: lens 2 acos(1/2) - sqrt(3)/2 = 2 pi/3 - sqrt(3)/2. */
	double lens = 2 * M_PI / 3 - sqrt(3) / 2;
	/* x^2/4 + y^2 <= 1 and its 90-degree turn: each quadrant is two
	 * elliptic sectors of the inner ellipse up to the diagonal, each
	 * (ab/2) atan((a/b) tan 45) = atan(1/2); total 8 atan(1/2). */
	double cross = 8 * atan(0.5);
	struct {
		const char *name;
		struct bx_ellipse a, b;
		double iou;
	} cases[] = {
		{ "identical", { 3, 4, 10, 6, 33 }, { 3, 4, 10, 6, 33 }, 1 },
		{ "angle + 180", { 3, 4, 10, 6, 33 }, { 3, 4, 10, 6, 213 }, 1 },
		{ "axes swapped at angle + 90", { 3, 4, 10, 6, 33 }, { 3, 4, 6, 10, 123 }, 1 },
		{ "circle at any angle", { 3, 4, 5, 5, 0 }, { 3, 4, 5, 5, 71 }, 1 },
		{ "negative radius", { 3, 4, -10, 6, 33 }, { 3, 4, 10, 6, 33 }, 1 },
		{ "concentric circles", { 0, 0, 2, 2, 0 }, { 0, 0, 4, 4, 0 }, 0.25 },
		/* 2x1 inside 5x3: area ratio 2/15 */
		{ "contained", { 0, 0, 2, 1, 0 }, { 0.5, 0, 5, 3, 17 }, 2.0 / 15 },
		{ "circles 1 apart", { 0, 0, 1, 1, 0 }, { 1, 0, 1, 1, 0 }, lens / (2 * M_PI - lens) },
		{ "circles 1 apart, turned", { 0, 0, 1, 1, 10 }, { 0.6, 0.8, 1, 1, 80 }, lens / (2 * M_PI - lens) },
		{ "ellipse and its quarter turn", { 0, 0, 2, 1, 0 }, { 0, 0, 2, 1, 90 }, cross / (4 * M_PI - cross) },
		{ "the same, far out and turned", { 30000, 20000, 2, 1, 25 }, { 30000, 20000, 1, 2, 25 },
		  cross / (4 * M_PI - cross) },
		{ "tangent outside", { 0, 0, 3, 3, 0 }, { 5, 0, 2, 2, 0 }, 0 },
		/* tangent inside: the small one wholly in, 4/9 */
		{ "tangent inside", { 0, 0, 3, 3, 0 }, { 1, 0, 2, 2, 0 }, 4.0 / 9 },
		{ "disjoint", { 0, 0, 3, 1, 0 }, { 0, 3, 3, 1, 0 }, 0 },
		/* a circle of the short semi-axis touches the ellipse at two
		 * opposite points, where the inside test is 0 up to rounding:
		 * r^2 / (rx ry) = 11.2 / 34.4 at any angle of the circle */
		{ "circle touching inside twice", { 57.36, 65.74, 11.2, 34.4, -24.457 },
		  { 57.36, 65.74, 11.2, 11.2, 8.543 }, 11.2 / 34.4 },
		{ "the same, circle unturned", { 57.36, 65.74, 11.2, 34.4, -24.457 },
		  { 57.36, 65.74, 11.2, 11.2, 0 }, 11.2 / 34.4 },
		{ "zero area identical", { 1, 1, 0, 5, 20 }, { 1, 1, 0, 5, 20 }, 1 },
		{ "zero area vs ellipse", { 1, 1, 0, 5, 20 }, { 1, 1, 2, 5, 20 }, 0 },
		{ "NaN", { 1, NAN, 1, 5, 20 }, { 1, 1, 2, 5, 20 }, 0 },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].name);
		CHECK_NEAR(ell_iou_sym(cases[i].a, cases[i].b), cases[i].iou, 1e-12);
	}
}

/* Tangencies: the inside test is 0 at the touching points up to rounding,
 * so they must not become arcs of their own. A circle of an ellipse's
 * short semi-axis touches it inside at two opposite points (IoU rx / ry);
 * two ellipses side by side along their long axes touch outside (IoU 0);
 * one ellipse and the same grown by 1 % about a point of its rim touch
 * there, one inside the other (IoU 1 / 1.01^2). */
static void
test_ellipse_tangent(void)
{
	struct bx_ellipse e, c;
	double ang, s, co;
	int i;

	for (i = 0; i < 90; i++) {
		ang = i * 4.1 - 180;
		s = sin(ang * M_PI / 180);
		co = cos(ang * M_PI / 180);
		e = (struct bx_ellipse){ 10 + i, 20 - i, 3 + i % 7, 11 + i % 5, ang };
		c = (struct bx_ellipse){ e.cx, e.cy, e.rx, e.rx, ang * 7 };
		CASE("circle touching inside twice");
		CHECK_NEAR(ell_iou_sym(e, c), e.rx / e.ry, 1e-12);
		c = (struct bx_ellipse){ e.cx + 2 * e.rx * co, e.cy + 2 * e.rx * s, e.rx, e.ry, ang };
		CASE("touching outside");
		CHECK_NEAR(ell_iou_sym(e, c), 0, 1e-12);
		/* grown by 1 % about the rim point at the end of the rx axis */
		c = (struct bx_ellipse){ e.cx - 0.01 * e.rx * co, e.cy - 0.01 * e.rx * s, 1.01 * e.rx,
			1.01 * e.ry, ang };
		CASE("touching inside once");
		CHECK_NEAR(ell_iou_sym(e, c), 1 / (1.01 * 1.01), 1e-12);
	}
}

/* Against polygons through geometry.c's sweep: the exact IoU lies between
 * the inscribed and circumscribed 1024-gons' intersections (over the exact
 * areas), however the ellipses cross. */
static void
test_ellipse_bracket(void)
{
	enum { N = 1024 };
	static struct bx_pt in[2][N], out[2][N];
	static const struct bx_ellipse e[][2] = {
		{ { 0, 0, 60, 1.5, 0 }, { 0.5, 0, 60, 1.5, 7 } },   /* thin, crossing 4 times */
		{ { 0, 0, 10, 4, 15 }, { 6, 3, 7, 7, 0 } },
		{ { 0, 0, 10, 4, 0 }, { 0, 3.9, 10, 0.2, 0 } },     /* barely inside near the rim */
		{ { 100, 100, 20, 19.99, 45 }, { 101, 100, 20, 19.99, 46 } },
	};
	struct bx_geom_ws *ws = bx_geom_ws_new();
	struct bx_shape si[2], so[2];
	double sa, sb, lo, hi, got, t, sn, cs, k = 1 / cos(M_PI / N);
	size_t c;
	int s, i;

	for (c = 0; c < BX_ARRAY_LEN(e); c++) {
		for (s = 0; s < 2; s++) {
			sn = sin(e[c][s].angle * M_PI / 180);
			cs = cos(e[c][s].angle * M_PI / 180);
			for (i = 0; i < N; i++) {
				double u, v;

				t = 2 * M_PI * i / N;
				u = e[c][s].rx * cos(t);
				v = e[c][s].ry * sin(t);
				in[s][i].x = e[c][s].cx + u * cs - v * sn;
				in[s][i].y = e[c][s].cy + u * sn + v * cs;
				out[s][i].x = e[c][s].cx + k * (u * cs - v * sn);
				out[s][i].y = e[c][s].cy + k * (u * sn + v * cs);
			}
			si[s] = (struct bx_shape){ in[s], N, NULL, 1 };
			so[s] = (struct bx_shape){ out[s], N, NULL, 1 };
		}
		sa = bx_ellipse_area(&e[c][0]);
		sb = bx_ellipse_area(&e[c][1]);
		lo = bx_shape_inter_area(ws, &si[0], &si[1]);
		hi = bx_shape_inter_area(ws, &so[0], &so[1]);
		got = bx_ellipse_iou(&e[c][0], &e[c][1]);
		CASE("ellipse between inscribed and circumscribed polygons");
		CHECK_MSG(got >= lo / (sa + sb - lo) - 1e-12 && got <= hi / (sa + sb - hi) + 1e-12,
		    "case %zu: %.12g not in [%.12g, %.12g]", c, got, lo / (sa + sb - lo), hi / (sa + sb - hi));
		CHECK(hi / (sa + sb - hi) - lo / (sa + sb - lo) < 1e-4);
	}
	bx_geom_ws_free(ws);
}

static void
test_oks(void)
{
	static const double sig[3] = { 0.1, 0.2, 0.3 };
	struct bx_kpt gt[3] = { { 10, 10, 2 }, { 20, 20, 1 }, { 30, 30, 0 } };
	struct bx_kpt dt[3] = { { 11, 10, 2 }, { 20, 20, 0 }, { 500, 500, 2 } };
	double bb[4] = { 0, 0, 10, 10 };
	/* point 0: d^2 = 1, e = 1 / (4 * 0.01) / 100 / 2 = 0.125; point 1
	 * exact (occluded still counts); point 2 not labeled: ignored. */
	double want = (exp(-0.125) + 1) / 2;

	CASE("labeled points only");
	CHECK_NEAR(bx_oks(gt, dt, sig, 3, 100, NULL), want, 1e-15);
	CASE("area scales the distance");
	/* area 400: e = 1 / 0.04 / 400 / 2 */
	CHECK_NEAR(bx_oks(gt, dt, sig, 3, 400, NULL), (exp(-1.0 / 32) + 1) / 2, 1e-15);
	CASE("all exact");
	CHECK_NEAR(bx_oks(gt, gt, sig, 3, 100, NULL), 1, 0);
	CASE("zero area: exact points 1, others 0");
	CHECK_NEAR(bx_oks(gt, dt, sig, 3, 0, NULL), 0.5, 1e-15);
	CASE("a non-finite detected point counts 0");
	dt[1].x = NAN;
	CHECK_NEAR(bx_oks(gt, dt, sig, 3, 100, NULL), exp(-0.125) / 2, 1e-15);
	dt[1].x = 20;
	CASE("no labeled point: distance to the grown gold box");
	gt[0].v = gt[1].v = 0;
	/* box grown to [-10, 20] both ways: (11,10) and (20,20) inside (e = 0),
	 * (500,500) is 480 out each way: d^2 = 2 * 480^2, sigma 0.3, area 100:
	 * e = 460800 / 0.36 / 100 / 2 = 6400; mean over all 3 points */
	CHECK_NEAR(bx_oks(gt, dt, sig, 3, 100, bb), (2 + exp(-6400.0)) / 3, 1e-15);
	dt[2].x = dt[2].y = 21;
	/* 1 out each way: e = 2 / 0.36 / 100 / 2 */
	CHECK_NEAR(bx_oks(gt, dt, sig, 3, 100, bb), (2 + exp(-2 / 0.36 / 200)) / 3, 1e-15);
	CHECK_NEAR(bx_oks(gt, dt, sig, 3, 100, NULL), 0, 0);
	CASE("no points");
	CHECK_NEAR(bx_oks(gt, dt, sig, 0, 100, bb), 0, 0);
}

static double
pline_d(const struct bx_pt *a, int na, const struct bx_pt *b, int nb)
{
	struct bx_polyline la = { a, na }, lb = { b, nb };
	double x = bx_polyline_mean_distance(&la, &lb), y = bx_polyline_mean_distance(&lb, &la);

	CHECK_NEAR(x, y, 1e-12);
	return x;
}

static void
test_polyline(void)
{
	static const struct bx_pt seg10[] = { { 0, 0 }, { 10, 0 } }, half[] = { { 0, 0 }, { 5, 0 } };
	static const struct bx_pt up3[] = { { 0, 3 }, { 10, 3 } };
	static const struct bx_pt split_rev[] = { { 10, 0 }, { 7, 0 }, { 2.5, 0 }, { 0, 0 } };
	static const struct bx_pt tent[] = { { 0, 0 }, { 5, 5 }, { 10, 0 } };
	static const struct bx_pt pt[] = { { 5, 4 } };
	static const struct bx_pt bend[] = { { 0, 0 }, { 10, 0 }, { 10, 10 } };
	static const struct bx_pt bad[] = { { 0, 0 }, { NAN, 1 } };
	struct bx_polyline a = { seg10, 2 }, b = { up3, 2 }, c = { bad, 2 };
	double want;

	CASE("identical");
	CHECK_NEAR(pline_d(bend, 3, bend, 3), 0, 1e-15);
	CASE("reversed and split elsewhere: the same line");
	CHECK_NEAR(pline_d(seg10, 2, split_rev, 4), 0, 1e-15);
	CASE("parallel 3 apart");
	CHECK_NEAR(pline_d(seg10, 2, up3, 2), 3, 1e-12);
	CHECK_NEAR(bx_polyline_similarity(&a, &b, 10), 0.7, 1e-12);
	CHECK_NEAR(bx_polyline_similarity(&a, &b, 3), 0, 0);
	CHECK_NEAR(bx_polyline_similarity(&a, &b, 2), 0, 0);
	CHECK_NEAR(bx_polyline_similarity(&a, &b, 0), 0, 0);
	CHECK_NEAR(bx_polyline_similarity(&a, &a, 0), 1, 0);
	CASE("stops short");
	/* along seg10: 0 up to 5, then x - 5: 12.5 / 10; along half: 0 */
	CHECK_NEAR(pline_d(seg10, 2, half, 2), 1.25 / 2, 1e-12);
	CASE("tent over a base");
	/* base to tent: x / sqrt2 on each half, mean 2.5 / sqrt2; tent to base:
	 * its height, mean 2.5 */
	CHECK_NEAR(pline_d(seg10, 2, tent, 3), (2.5 / M_SQRT2 + 2.5) / 2, 1e-12);
	CASE("a point and a line");
	/* point to line 4; line to point: (1/10) * 2 * int_0^5 sqrt(t^2 + 16)
	 * = 0.1 * (5 sqrt41 + 16 asinh(5/4)) */
	want = (4 + 0.1 * (5 * sqrt(41) + 16 * asinh(1.25))) / 2;
	CHECK_NEAR(pline_d(pt, 1, seg10, 2), want, 1e-12);
	CASE("a bend against its first leg");
	/* bend to seg10: first leg 0, second leg y from 0 to 10: mean over 20
	 * is 50 / 20; seg10 to bend: 0 */
	CHECK_NEAR(pline_d(bend, 3, seg10, 2), 2.5 / 2, 1e-12);
	CASE("invalid");
	CHECK_NEAR(bx_polyline_mean_distance(&a, &c), -1, 0);
	CHECK_NEAR(bx_polyline_similarity(&a, &c, 10), 0, 0);
}

/* Many segments near one another: the exact integral halves a's segments
 * until few of b's stay in reach; two lines of thousands of vertices each
 * go past the work budget to the midpoint rule, within its stated bound. */
static void
test_polyline_many(void)
{
	enum { M = 200, BIG = 4500 };
	static struct bx_pt fine[M + 1], tent[BIG], base[BIG];
	static const struct bx_pt up3[] = { { 0, 3 }, { 10, 3 } };
	double want, step;
	int i;

	for (i = 0; i <= M; i++)
		fine[i] = (struct bx_pt){ 10.0 * i / M, 0 };
	CASE("200 collinear pieces 3 px from a line");
	CHECK_NEAR(pline_d(up3, 2, fine, M + 1), 3, 1e-12);
	for (i = 0; i < BIG; i++) {
		double t = 10.0 * i / (BIG - 1);

		base[i] = (struct bx_pt){ t, 0 };
		tent[i] = (struct bx_pt){ t, t <= 5 ? t : 10 - t };
	}
	CASE("two 4500-vertex lines: sampled, within a quarter step");
	/* as "tent over a base" above; steps of at most the tent's length
	 * (10 sqrt2) over 5e6 / 4499 samples */
	want = (2.5 / M_SQRT2 + 2.5) / 2;
	step = 10 * M_SQRT2 / ceil(5e6 / (BIG - 1));
	CHECK_NEAR(pline_d(tent, BIG, base, BIG), want, step / 4);
}

/* Distance from (x, y) to the polyline p[0..n), by brute force. */
static double
dist_to_line(double x, double y, const struct bx_pt *p, int n)
{
	double best = INFINITY, vx, vy, t, ll;
	int i;

	for (i = 0; i + 1 < n; i++) {
		vx = p[i + 1].x - p[i].x;
		vy = p[i + 1].y - p[i].y;
		ll = vx * vx + vy * vy;
		t = ll > 0 ? ((x - p[i].x) * vx + (y - p[i].y) * vy) / ll : 0;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
		best = fmin(best, hypot(x - p[i].x - t * vx, y - p[i].y - t * vy));
	}
	return best;
}

/* Mean distance along a to b by the midpoint rule with per-segment steps of
 * at most h (off by at most h / 4: the distance is 1-Lipschitz); *len_out
 * gets a's length. */
static double
mean_dist_sampled(const struct bx_pt *a, int na, const struct bx_pt *b, int nb, double h,
                  double *len_out)
{
	double sum = 0, len = 0, l, s;
	int i, k, m;

	for (i = 0; i + 1 < na; i++) {
		l = hypot(a[i + 1].x - a[i].x, a[i + 1].y - a[i].y);
		m = (int)ceil(l / h);
		for (k = 0; k < m; k++) {
			s = (k + 0.5) / m;
			sum += dist_to_line(a[i].x + s * (a[i + 1].x - a[i].x),
			    a[i].y + s * (a[i + 1].y - a[i].y), b, nb) * l / m;
		}
		len += l;
	}
	*len_out = len;
	return sum / len;
}

/* Two 300-vertex scribbles over one 20 px square: every segment is near
 * dozens of the other line's, so the exact integral runs out of its work
 * budget and the midpoint rule takes over. Its bound (a quarter of its
 * step, 5e6 / 299 points along each line) against a finer midpoint rule
 * here (a quarter of 0.05 px). */
static void
test_polyline_tangle(void)
{
	enum { M = 300 };
	static struct bx_pt a[M], b[M];
	unsigned s = 99;
	double ref, la, lb, step;
	int i;

#define RND() ((s = s * 1103515245u + 12345u) >> 8 & 0xffff) / 65536.0
	for (i = 0; i < M; i++) {
		a[i] = (struct bx_pt){ 20 * RND(), 20 * RND() };
		b[i] = (struct bx_pt){ 20 * RND(), 20 * RND() };
	}
#undef RND
	ref = (mean_dist_sampled(a, M, b, M, 0.05, &la) + mean_dist_sampled(b, M, a, M, 0.05, &lb)) / 2;
	step = fmax(la, lb) / ceil(5e6 / (M - 1));
	CASE("scribbles: sampled past the work budget");
	CHECK_NEAR(pline_d(a, M, b, M), ref, step / 4 + 0.05 / 4);
}

static void
test_hull(void)
{
	static const struct bx_pt sq[] = { { 0, 0 }, { 5, 5 }, { 10, 0 }, { 2, 3 }, { 10, 10 },
		{ 0, 10 }, { 5, 0 }, { 0, 5 } };
	static const struct bx_pt same[] = { { 1, 1 }, { 1, 1 }, { 1, 1 } };
	static const struct bx_pt line[] = { { 0, 0 }, { 2, 2 }, { 1, 1 }, { 3, 3 } };
	struct bx_pt h[8];
	int n;

	CASE("square with inside and edge points");
	n = bx_convex_hull(sq, 8, h);
	CHECK_INT(n, 4);
	CHECK_NEAR(bx_ring_signed_area(h, n), 100, 0);
	CASE("all equal");
	CHECK_INT(bx_convex_hull(same, 3, h), 1);
	CASE("collinear");
	n = bx_convex_hull(line, 4, h);
	CHECK_INT(n, 2);
	CHECK(h[0].x == 0 && h[1].x == 3);
}

static void
test_cuboid(void)
{
	/* front 10x10 at the origin, back face offset (2, 2): the hull is the
	 * square swept along (2, 2), 100 + 20 + 20 = 140, a hexagon. */
	struct bx_cuboid a = { { { 0, 0 }, { 10, 0 }, { 10, 10 }, { 0, 10 },
		{ 2, 2 }, { 12, 2 }, { 12, 12 }, { 2, 12 } } }, b, p;
	struct bx_geom_ws *ws = bx_geom_ws_new();
	struct bx_pt ha[8], hb[8];
	struct bx_shape sa, sb;
	int i, na, nb;

	na = bx_convex_hull(a.v, 8, ha);
	CHECK_INT(na, 6);
	CHECK_NEAR(bx_ring_signed_area(ha, na), 140, 1e-12);
	CASE("identical");
	CHECK_NEAR(bx_cuboid_hull_iou(&a, &a), 1, 1e-15);
	CASE("vertex order does not matter");
	for (i = 0; i < 8; i++)
		p.v[i] = a.v[(i * 3) % 8];
	CHECK_NEAR(bx_cuboid_hull_iou(&a, &p), 1, 1e-15);
	CASE("shifted, against the sweep");
	for (i = 0; i < 8; i++)
		b.v[i] = (struct bx_pt){ a.v[i].x + 5 + (i == 6 ? 3 : 0), a.v[i].y + 1 };
	nb = bx_convex_hull(b.v, 8, hb);
	sa = (struct bx_shape){ ha, na, NULL, 1 };
	sb = (struct bx_shape){ hb, nb, NULL, 1 };
	CHECK_NEAR(bx_cuboid_hull_iou(&a, &b), bx_shape_iou(ws, &sa, &sb), 1e-12);
	CHECK(bx_cuboid_hull_iou(&a, &b) > 0.3 && bx_cuboid_hull_iou(&a, &b) < 0.9);
	CASE("disjoint");
	for (i = 0; i < 8; i++)
		b.v[i] = (struct bx_pt){ a.v[i].x + 50, a.v[i].y };
	CHECK_NEAR(bx_cuboid_hull_iou(&a, &b), 0, 0);
	CASE("non-finite vertex");
	b = a;
	b.v[3].y = NAN;
	CHECK_NEAR(bx_cuboid_hull_iou(&a, &b), 0, 0);
	bx_geom_ws_free(ws);
}

BX_TESTS(T(test_rbox_corners), T(test_rbox_iou), T(test_rbox_vs_sweep), T(test_ellipse_iou),
         T(test_ellipse_tangent),
         T(test_ellipse_bracket), T(test_oks), T(test_polyline), T(test_polyline_many), T(test_polyline_tangle),
         T(test_hull),
         T(test_cuboid))
