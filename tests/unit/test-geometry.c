/* test-geometry.c: box IoU, polygon areas and intersections (convex,
 * concave, multi-ring, degenerate, self-intersecting), point similarity.
 * Every expectation is computed by hand in the case's comment. */
#include "boxel/geometry.h"
#include "boxel/util.h"
#include "harness.h"

static void
test_box_iou(void)
{
	static const struct {
		const char *name;
		double a[4], b[4], iou;
	} cases[] = {
		/* inter 5x5 = 25, union 100 + 100 - 25 = 175 */
		{ "overlap corner", { 0, 0, 10, 10 }, { 5, 5, 10, 10 }, 25.0 / 175 },
		/* inter 5x10 = 50, union 150 */
		{ "overlap half", { 0, 0, 10, 10 }, { 5, 0, 10, 10 }, 50.0 / 150 },
		{ "nested", { 0, 0, 10, 10 }, { 2, 2, 5, 5 }, 25.0 / 100 },
		{ "identical", { 3, 4, 5, 6 }, { 3, 4, 5, 6 }, 1 },
		{ "disjoint", { 0, 0, 1, 1 }, { 5, 5, 1, 1 }, 0 },
		{ "touching edge", { 0, 0, 10, 10 }, { 10, 0, 10, 10 }, 0 },
		{ "touching corner", { 0, 0, 10, 10 }, { 10, 10, 1, 1 }, 0 },
		{ "negative width is the same box", { 10, 0, -10, 10 }, { 0, 0, 10, 10 }, 1 },
		{ "zero area identical", { 3, 3, 0, 0 }, { 3, 3, 0, 0 }, 1 },
		{ "zero area line identical", { 3, 3, 5, 0 }, { 3, 3, 5, 0 }, 1 },
		{ "zero area different", { 3, 3, 0, 0 }, { 3, 4, 0, 0 }, 0 },
		{ "zero area inside a box", { 3, 3, 0, 0 }, { 0, 0, 10, 10 }, 0 },
		{ "NaN", { NAN, 0, 1, 1 }, { 0, 0, 1, 1 }, 0 },
		{ "infinite", { 0, 0, INFINITY, 1 }, { 0, 0, 1, 1 }, 0 },
		/* inter 0.5 x 0.5, union 1 + 1 - 0.25 */
		{ "fractional", { 0.5, 0.5, 1, 1 }, { 1, 1, 1, 1 }, 0.25 / 1.75 },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].name);
		CHECK_NEAR(bx_box_iou(cases[i].a[0], cases[i].a[1], cases[i].a[2], cases[i].a[3],
		    cases[i].b[0], cases[i].b[1], cases[i].b[2], cases[i].b[3]), cases[i].iou, 1e-12);
		/* symmetric */
		CHECK_NEAR(bx_box_iou(cases[i].b[0], cases[i].b[1], cases[i].b[2], cases[i].b[3],
		    cases[i].a[0], cases[i].a[1], cases[i].a[2], cases[i].a[3]), cases[i].iou, 1e-12);
	}
}

#define MAXP 16
struct ring {
	int n;
	struct bx_pt p[MAXP];
};

static struct bx_shape
one(const struct ring *r)
{
	struct bx_shape s = { r->p, r->n, NULL, 1 };

	return s;
}

/* L: [0,4]x[0,1] plus [0,1]x[1,4]; area 4 + 3 = 7 */
static const struct ring ring_l = { 6, { {0,0}, {4,0}, {4,1}, {1,1}, {1,4}, {0,4} } };
/* U: [0,3]^2 minus the gap [1,2]x[1,3]; area 9 - 2 = 7 */
static const struct ring ring_u = { 8, { {0,0}, {3,0}, {3,3}, {2,3}, {2,1}, {1,1}, {1,3}, {0,3} } };
static const struct ring sq2 = { 4, { {0,0}, {2,0}, {2,2}, {0,2} } };
static const struct ring sq10 = { 4, { {0,0}, {10,0}, {10,10}, {0,10} } };
static const struct ring sq10_cw = { 4, { {0,0}, {0,10}, {10,10}, {10,0} } };
/* bar across the U's gap: [-1,4]x[2,2.5], area 2.5 */
static const struct ring bar = { 4, { {-1,2}, {4,2}, {4,2.5}, {-1,2.5} } };

static void
test_poly_area(void)
{
	static const struct {
		const char *name;
		struct ring r;
		double area;
	} cases[] = {
		{ "square ccw", { 4, { {0,0}, {10,0}, {10,10}, {0,10} } }, 100 },
		{ "square cw", { 4, { {0,0}, {0,10}, {10,10}, {10,0} } }, 100 },
		{ "triangle", { 3, { {0,0}, {4,0}, {0,3} } }, 6 },
		{ "L concave", { 6, { {0,0}, {4,0}, {4,1}, {1,1}, {1,4}, {0,4} } }, 7 },
		{ "U concave", { 8, { {0,0}, {3,0}, {3,3}, {2,3}, {2,1}, {1,1}, {1,3}, {0,3} } }, 7 },
		{ "repeated and collinear vertices",
		  { 7, { {0,0}, {0,0}, {5,0}, {10,0}, {10,10}, {10,10}, {0,10} } }, 100 },
		/* bow-tie (0,0)-(2,2)-(2,0)-(0,2): two triangles of area 1 each
		 * (even-odd); the shoelace formula would say 0 */
		{ "bow-tie even-odd", { 4, { {0,0}, {2,2}, {2,0}, {0,2} } }, 2 },
		{ "collinear", { 3, { {0,0}, {1,1}, {2,2} } }, 0 },
		{ "two points", { 2, { {0,0}, {1,1} } }, 0 },
		{ "one point", { 1, { {5,5} } }, 0 },
		{ "empty", { 0, { {0,0} } }, 0 },
		{ "NaN vertex", { 3, { {0,0}, {NAN,0}, {0,3} } }, 0 },
		/* far from the origin: 1e7 offset must not lose the 0.5 */
		{ "large offset", { 4, { {1e7,1e7}, {1e7+0.5,1e7}, {1e7+0.5,1e7+1}, {1e7,1e7+1} } }, 0.5 },
	};
	struct bx_geom_ws *ws = bx_geom_ws_new();
	struct bx_shape s;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].name);
		s = one(&cases[i].r);
		CHECK_NEAR(bx_shape_area(ws, &s), cases[i].area, 1e-9);
	}
	CASE("shoelace sign");
	CHECK_NEAR(bx_ring_signed_area(sq10.p, 4), 100, 1e-12);
	CHECK_NEAR(bx_ring_signed_area(sq10_cw.p, 4), -100, 1e-12);
	bx_geom_ws_free(ws);
}

static void
test_poly_inter(void)
{
	static const struct {
		const char *name;
		const struct ring *a, *b;
		double inter, iou;
	} cases[] = {
		/* L ∩ [0,2]^2 = [0,2]x[0,1] + [0,1]x[1,2] = 3; union 7 + 4 - 3 = 8 */
		{ "L and square", &ring_l, &sq2, 3, 3.0 / 8 },
		/* U at y in [2,2.5] covers x in [0,1] and [2,3]: 2 x 0.5 = 1;
		 * union 7 + 2.5 - 1 = 8.5 */
		{ "U and bar across its gap", &ring_u, &bar, 1, 1 / 8.5 },
		{ "U with itself", &ring_u, &ring_u, 7, 1 },
		/* same square, opposite orientations */
		{ "cw and ccw square", &sq10, &sq10_cw, 100, 1 },
		/* L ∩ U: L's foot [0,3]x[0,1] = 3 (U is full there), and
		 * [0,1]x[1,3] = 2 (U's left arm): 5; union 7 + 7 - 5 = 9 */
		{ "L and U", &ring_l, &ring_u, 5, 5.0 / 9 },
		{ "square inside square", &sq2, &sq10, 4, 4.0 / 100 },
	};
	struct bx_geom_ws *ws = bx_geom_ws_new();
	struct bx_shape a, b;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].name);
		a = one(cases[i].a);
		b = one(cases[i].b);
		CHECK_NEAR(bx_shape_inter_area(ws, &a, &b), cases[i].inter, 1e-9);
		CHECK_NEAR(bx_shape_inter_area(ws, &b, &a), cases[i].inter, 1e-9);
		CHECK_NEAR(bx_shape_iou(ws, &a, &b), cases[i].iou, 1e-12);
	}
	bx_geom_ws_free(ws);
}

static void
test_degenerate_iou(void)
{
	struct bx_geom_ws *ws = bx_geom_ws_new();
	struct ring line = { 3, { {0,0}, {1,1}, {2,2} } };
	struct ring line2 = { 3, { {0,0}, {1,1}, {3,3} } };
	struct ring touch = { 4, { {2,0}, {4,0}, {4,2}, {2,2} } }; /* shares sq2's right edge */
	struct ring nan = { 3, { {0,0}, {NAN,0}, {0,3} } };
	struct bx_shape a, b;

	CASE("identical zero-area polygons");
	a = one(&line);
	b = one(&line);
	CHECK_NEAR(bx_shape_iou(ws, &a, &b), 1, 0);
	CASE("different zero-area polygons");
	b = one(&line2);
	CHECK_NEAR(bx_shape_iou(ws, &a, &b), 0, 0);
	CASE("zero-area polygon against a square");
	b = one(&sq10);
	CHECK_NEAR(bx_shape_iou(ws, &a, &b), 0, 0);
	CASE("squares sharing an edge");
	a = one(&sq2);
	b = one(&touch);
	CHECK_NEAR(bx_shape_inter_area(ws, &a, &b), 0, 1e-12);
	CHECK_NEAR(bx_shape_iou(ws, &a, &b), 0, 0);
	CASE("NaN polygon");
	b = one(&nan);
	CHECK_NEAR(bx_shape_iou(ws, &a, &b), 0, 0);
	CHECK(!isnan(bx_shape_iou(ws, &b, &b)));
	bx_geom_ws_free(ws);
}

static void
test_multi_ring(void)
{
	/* [0,1]x[0,1] and [2,3]x[0,1]: area 2; against the box [0,3]x[0,1]
	 * (area 3) the intersection is 2: IoU 2/3 */
	static const struct bx_pt two[] = { {0,0}, {1,0}, {1,1}, {0,1}, {2,0}, {3,0}, {3,1}, {2,1} };
	static const int two_end[] = { 4, 8 };
	/* overlapping rings [0,2]^2 and [1,3]^2: union 4 + 4 - 1 = 7 */
	static const struct bx_pt ov[] = { {0,0}, {2,0}, {2,2}, {0,2}, {1,1}, {3,1}, {3,3}, {1,3} };
	static const int ov_end[] = { 4, 8 };
	struct bx_pt strip[4];
	struct bx_geom_ws *ws = bx_geom_ws_new();
	struct bx_shape a = { two, 8, two_end, 2 }, b, c = { ov, 8, ov_end, 2 };

	bx_box_ring(0, 0, 3, 1, strip);
	b = (struct bx_shape){ strip, 4, NULL, 1 };
	CASE("two disjoint rings");
	CHECK_NEAR(bx_shape_area(ws, &a), 2, 1e-12);
	CHECK_NEAR(bx_shape_inter_area(ws, &a, &b), 2, 1e-12);
	CHECK_NEAR(bx_shape_iou(ws, &a, &b), 2.0 / 3, 1e-12);
	CASE("overlapping rings are a union");
	CHECK_NEAR(bx_shape_area(ws, &c), 7, 1e-12);
	bx_geom_ws_free(ws);
}

static void
test_box_as_polygon(void)
{
	/* box (0,0,2,2) against the triangle (0,0),(2,0),(0,2): inter 2,
	 * union 4: IoU 0.5; must equal the box IoU for box-shaped polygons */
	struct ring tri = { 3, { {0,0}, {2,0}, {0,2} } };
	struct bx_pt c[4], d[4];
	struct bx_geom_ws *ws = bx_geom_ws_new();
	struct bx_shape a, b;

	bx_box_ring(0, 0, 2, 2, c);
	a = (struct bx_shape){ c, 4, NULL, 1 };
	b = one(&tri);
	CASE("box vs triangle");
	CHECK_NEAR(bx_shape_iou(ws, &a, &b), 0.5, 1e-12);
	bx_box_ring(1, 1, 2, 2, d);
	b = (struct bx_shape){ d, 4, NULL, 1 };
	CASE("box rings agree with box IoU");
	CHECK_NEAR(bx_shape_iou(ws, &a, &b), bx_box_iou(0, 0, 2, 2, 1, 1, 2, 2), 1e-12);
	CHECK_NEAR(bx_shape_iou(ws, &a, &b), 1.0 / 7, 1e-12);
	bx_geom_ws_free(ws);
}

static void
test_point_sim(void)
{
	static const struct {
		const char *name;
		struct bx_pt a, b;
		double radius, sim;
	} cases[] = {
		{ "same point", { 1, 1 }, { 1, 1 }, 10, 1 },
		{ "3-4-5 at radius 10", { 0, 0 }, { 3, 4 }, 10, 0.5 },
		{ "exactly at the radius", { 0, 0 }, { 6, 8 }, 10, 0 },
		{ "beyond the radius", { 0, 0 }, { 6, 9 }, 10, -1 },
		{ "radius 0, same", { 2, 2 }, { 2, 2 }, 0, 1 },
		{ "radius 0, apart", { 2, 2 }, { 2, 3 }, 0, -1 },
		{ "NaN", { NAN, 2 }, { 2, 3 }, 10, -1 },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].name);
		CHECK_NEAR(bx_point_sim(cases[i].a, cases[i].b, cases[i].radius), cases[i].sim, 1e-12);
	}
}

/* Random garbage (self-intersecting, repeated and collinear vertices,
 * fixed seed): results stay defined and consistent: never NaN, IoU in
 * [0, 1], intersection symmetric, no larger than either area, a shape
 * against itself covers its whole area. */
static void
test_garbage_properties(void)
{
	struct bx_geom_ws *ws = bx_geom_ws_new();
	struct bx_pt a[24], b[24];
	struct bx_shape sa, sb;
	unsigned long long r = 12345;
	double aa, ab, i1, i2, iou;
	int t, k, na, nb, bad = 0;

#define NEXT() (r = r * 6364136223846793005ULL + 1442695040888963407ULL, (double)(r >> 40) / 16777216.0)
	for (t = 0; t < 2000; t++) {
		na = 1 + (int)(NEXT() * 23);
		nb = 1 + (int)(NEXT() * 23);
		for (k = 0; k < na; k++) {
			a[k].x = (double)(int)(NEXT() * 8); /* small grid: many ties */
			a[k].y = (double)(int)(NEXT() * 8);
		}
		for (k = 0; k < nb; k++) {
			b[k].x = NEXT() * 8;
			b[k].y = t % 2 ? (double)(int)(NEXT() * 8) : NEXT() * 8;
		}
		sa = (struct bx_shape){ a, na, NULL, 1 };
		sb = (struct bx_shape){ b, nb, NULL, 1 };
		aa = bx_shape_area(ws, &sa);
		ab = bx_shape_area(ws, &sb);
		i1 = bx_shape_inter_area(ws, &sa, &sb);
		i2 = bx_shape_inter_area(ws, &sb, &sa);
		iou = bx_shape_iou(ws, &sa, &sb);
		if (isnan(aa) || isnan(ab) || isnan(i1) || isnan(iou) || iou < 0 || iou > 1 ||
		    fabs(i1 - i2) > 1e-9 || i1 > aa + 1e-9 || i1 > ab + 1e-9 ||
		    fabs(bx_shape_inter_area(ws, &sa, &sa) - aa) > 1e-9 ||
		    (aa > 0 && bx_shape_iou(ws, &sa, &sa) < 1 - 1e-12))
			bad++;
	}
#undef NEXT
	CHECK_INT(bad, 0);
	bx_geom_ws_free(ws);
}

/* Shapes of many edges, with and without crossings (add_crossings tests
 * the edge pairs on their y ranges first): the areas of the formulas. */
static void
test_many_edges(void)
{
	enum { N = 96, STAR = 9000, SPIKES = 64 };
	static struct bx_pt a[N], b[N], ab[2 * N], star[STAR], spikes[2 * SPIKES];
	static const int ab_end[] = { N, 2 * N };
	const double R = 100, pi = acos(-1);
	/* a regular n-gon of circumradius R: n/2 R^2 sin(2pi/n); two of them
	 * half a step apart meet in a regular 2n-gon whose apothem is theirs,
	 * R cos(pi/n): area 2n apo^2 tan(pi/2n) */
	double apo = R * cos(pi / N), one = N / 2.0 * R * R * sin(2 * pi / N),
	       inter = 2 * N * apo * apo * tan(pi / (2 * N)), shoe, t, r;
	struct bx_geom_ws *ws = bx_geom_ws_new();
	struct bx_shape sa = { a, N, NULL, 1 }, sb = { b, N, NULL, 1 },
	                sab = { ab, 2 * N, ab_end, 2 }, ss = { star, STAR, NULL, 1 },
	                sp = { spikes, 2 * SPIKES, NULL, 1 };
	int i;

	for (i = 0; i < N; i++) {
		t = 2 * pi * i / N;
		a[i] = (struct bx_pt){ 500 + R * cos(t), 500 + R * sin(t) };
		t = 2 * pi * (i + 0.5) / N;
		b[i] = (struct bx_pt){ 500 + R * cos(t), 500 + R * sin(t) };
		ab[i] = a[i];
		ab[N + i] = b[i];
	}
	CASE("regular 96-gon");
	CHECK_NEAR(bx_shape_area(ws, &sa), one, 1e-9 * one);
	CASE("two 96-gons half a step apart meet in a regular 192-gon");
	CHECK_NEAR(bx_shape_inter_area(ws, &sa, &sb), inter, 1e-9 * one);
	CHECK_NEAR(bx_shape_inter_area(ws, &sb, &sa), inter, 1e-9 * one);
	CASE("both as the rings of one shape (192 crossings): their union");
	CHECK_NEAR(bx_shape_area(ws, &sab), 2 * one - inter, 1e-9 * one);

	/* The load test's hostile outline (tests/bench/bench-hostile.sh):
	 * radii 1900 and 1850 in turn, whole pixels; simple, so the
	 * shoelace area. */
	for (i = 0; i < STAR; i++) {
		t = 2 * pi * i / STAR;
		r = i % 2 == 0 ? 1900 : 1850;
		star[i] = (struct bx_pt){ floor(2000 + r * cos(t)), floor(2000 + r * sin(t)) };
	}
	shoe = fabs(bx_ring_signed_area(star, STAR));
	CASE("9,000-vertex star: its shoelace area");
	CHECK_NEAR(bx_shape_area(ws, &ss), shoe, 1e-9 * shoe);
	CHECK_NEAR(bx_shape_inter_area(ws, &ss, &ss), shoe, 1e-9 * shoe);

	/* Long edges sharing most of their x-ranges: radii 1000 and 1 in
	 * turn. */
	for (i = 0; i < 2 * SPIKES; i++) {
		t = pi * i / SPIKES;
		r = i % 2 == 0 ? 1000 : 1;
		spikes[i] = (struct bx_pt){ 2000 + r * cos(t), 2000 + r * sin(t) };
	}
	shoe = fabs(bx_ring_signed_area(spikes, 2 * SPIKES));
	CASE("64 long spikes: their shoelace area");
	CHECK_NEAR(bx_shape_area(ws, &sp), shoe, 1e-9 * shoe);
	bx_geom_ws_free(ws);
}

BX_TESTS(T(test_box_iou), T(test_poly_area), T(test_poly_inter), T(test_degenerate_iou),
         T(test_multi_ring), T(test_box_as_polygon), T(test_point_sim),
         T(test_garbage_properties),
         T(test_many_edges))
