/* test-raster.c: resampling and overlay drawing on small hand-made rasters,
 * every expected value computed by hand in the comments. */
#include "boxel/raster.h"
#include "boxel/util.h"
#include "harness.h"

#define OUT BX_RASTER_OUTSIDE

static struct bx_raster *
make(int w, int h, const uint32_t *px)
{
	struct bx_raster *r = bx_raster_new(w, h);
	int i;

	for (i = 0; i < w * h; i++)
		bx_raster_set(r, i % w, i / w, px[i]);
	return r;
}

static int
count(const struct bx_raster *r, uint32_t c)
{
	int x, y, n = 0;

	for (y = 0; y < r->h; y++)
		for (x = 0; x < r->w; x++)
			n += bx_raster_get(r, x, y) == c;
	return n;
}

/* Channel-wise |a - b| <= tol. */
static int
near(uint32_t a, uint32_t b, int tol)
{
	int k;

	for (k = 0; k < 24; k += 8) {
		int d = (int)((a >> k) & 0xff) - (int)((b >> k) & 0xff);

		if (d > tol || d < -tol)
			return 0;
	}
	return 1;
}

static void
test_new_get_set(void)
{
	struct bx_raster *r = bx_raster_new(3, 2);

	CHECK_INT(r->w, 3);
	CHECK_INT(r->h, 2);
	CHECK_INT(count(r, 0), 6);
	bx_raster_set(r, 2, 1, 0x123456);
	bx_raster_set(r, 3, 1, 0xffffff);  /* outside: ignored */
	bx_raster_set(r, -1, 0, 0xffffff);
	CHECK_INT(bx_raster_get(r, 2, 1), 0x123456);
	CHECK_INT(r->px[(1 * 3 + 2) * 3 + 0], 0x12);
	CHECK_INT(r->px[(1 * 3 + 2) * 3 + 2], 0x56);
	CHECK_INT(bx_raster_get(r, 5, 5), 0);
	CHECK_INT(count(r, 0), 5);
	bx_raster_free(r);
	bx_raster_free(NULL);
}

static void
test_downscale_2x2(void)
{
	static const uint32_t px[] = { BX_RGB(10, 20, 30), BX_RGB(30, 40, 50),
	                               BX_RGB(50, 60, 70), BX_RGB(70, 80, 90) };
	struct bx_raster *r = make(2, 2, px), *d = bx_raster_downscale(r, 1, 1);

	/* (10+30+50+70)/4 = 40, and +10 for the other channels. */
	CHECK_INT(d->w, 1);
	CHECK_INT(bx_raster_get(d, 0, 0), BX_RGB(40, 50, 60));
	bx_raster_free(d);
	/* Halve only horizontally: row averages. */
	d = bx_raster_downscale(r, 1, 2);
	CHECK_INT(bx_raster_get(d, 0, 0), BX_RGB(20, 30, 40));
	CHECK_INT(bx_raster_get(d, 0, 1), BX_RGB(60, 70, 80));
	bx_raster_free(d);
	bx_raster_free(r);
}

static void
test_downscale_fractional(void)
{
	/* 3x3 -> 2x2: each output pixel covers 1.5 source pixels per axis, so
	 * weights are 2/3 and 1/3. R = 30x, G = 30y, B = 90 at the centre only.
	 * out(0,0): R = 2/3*0 + 1/3*30 = 10, G = 10, B = 1/3*1/3*90 = 10.
	 * out(1,0): R = 1/3*30 + 2/3*60 = 50, G = 10, B = 10.
	 * out(1,1): R = 50, G = 50, B = 10. */
	uint32_t px[9];
	struct bx_raster *r, *d;
	int i;

	for (i = 0; i < 9; i++)
		px[i] = BX_RGB(30 * (i % 3), 30 * (i / 3), i == 4 ? 90 : 0);
	r = make(3, 3, px);
	d = bx_raster_downscale(r, 2, 2);
	CHECK(near(bx_raster_get(d, 0, 0), BX_RGB(10, 10, 10), 1));
	CHECK(near(bx_raster_get(d, 1, 0), BX_RGB(50, 10, 10), 1));
	CHECK(near(bx_raster_get(d, 0, 1), BX_RGB(10, 50, 10), 1));
	CHECK(near(bx_raster_get(d, 1, 1), BX_RGB(50, 50, 10), 1));
	bx_raster_free(d);
	bx_raster_free(r);
}

static void
test_flat_stays_exact(void)
{
	/* Weights of one output pixel sum to exactly one, so a flat image stays
	 * exactly its color at any ratio. */
	static const int sizes[][4] = { { 7, 5, 3, 2 }, { 100, 3, 7, 1 }, { 5, 5, 5, 5 },
	                                { 13, 11, 4, 9 }, { 1, 1, 1, 1 } };
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(sizes); i++) {
		struct bx_raster *r = bx_raster_new(sizes[i][0], sizes[i][1]), *d;

		CASE("flat");
		bx_raster_clear(r, BX_RGB(201, 99, 3));
		d = bx_raster_downscale(r, sizes[i][2], sizes[i][3]);
		CHECK_INT(count(d, BX_RGB(201, 99, 3)), sizes[i][2] * sizes[i][3]);
		bx_raster_free(d);
		bx_raster_free(r);
	}
}

static void
test_crop(void)
{
	static const uint32_t px[] = { 0x111111, 0x222222, 0x333333, 0x444444 };
	struct bx_raster *r = make(2, 2, px), *c;

	/* Inside: 1:1. */
	c = bx_raster_crop(r, 1, 0, 1, 2);
	CHECK_INT(c->w, 1);
	CHECK_INT(bx_raster_get(c, 0, 0), 0x222222);
	CHECK_INT(bx_raster_get(c, 0, 1), 0x444444);
	bx_raster_free(c);
	/* Beyond every edge: (1,1) of the crop is (0,0) of the source. */
	c = bx_raster_crop(r, -1, -1, 4, 4);
	CHECK_INT(bx_raster_get(c, 0, 0), OUT);
	CHECK_INT(bx_raster_get(c, 1, 1), 0x111111);
	CHECK_INT(bx_raster_get(c, 2, 1), 0x222222);
	CHECK_INT(bx_raster_get(c, 2, 2), 0x444444);
	CHECK_INT(bx_raster_get(c, 3, 1), OUT);
	CHECK_INT(bx_raster_get(c, 1, 3), OUT);
	CHECK_INT(count(c, OUT), 12);
	bx_raster_free(c);
	/* Entirely outside, and with offsets that would overflow int. */
	c = bx_raster_crop(r, 2147483600, -2147483600, 3, 3);
	CHECK_INT(count(c, OUT), 9);
	bx_raster_free(c);
	CHECK(bx_raster_crop(r, 0, 0, 0, 5) == NULL);
	bx_raster_free(r);
}

static void
test_upscale(void)
{
	static const uint32_t px[] = { 0xaa0000, 0x00bb00 };
	struct bx_raster *r = make(2, 1, px), *u;

	/* x2: each source pixel becomes a 2x2 block. */
	u = bx_raster_upscale(r, 4, 2);
	CHECK_INT(bx_raster_get(u, 0, 0), 0xaa0000);
	CHECK_INT(bx_raster_get(u, 1, 1), 0xaa0000);
	CHECK_INT(bx_raster_get(u, 2, 0), 0x00bb00);
	CHECK_INT(bx_raster_get(u, 3, 1), 0x00bb00);
	bx_raster_free(u);
	/* 2 -> 3: centres at 1/3, 1, 5/3 source pixels -> 0, 1, 1. */
	u = bx_raster_upscale(r, 3, 1);
	CHECK_INT(bx_raster_get(u, 0, 0), 0xaa0000);
	CHECK_INT(bx_raster_get(u, 1, 0), 0x00bb00);
	CHECK_INT(bx_raster_get(u, 2, 0), 0x00bb00);
	bx_raster_free(u);
	bx_raster_free(r);
}

static void
test_view(void)
{
	static const uint32_t px[] = { 0x102030, 0x405060, 0x708090, 0xa0b0c0 };
	struct bx_raster *r = make(2, 2, px), *v;

	/* Zoom into the top-left pixel: 4x4 copies of it. */
	v = bx_raster_view(r, 0, 0, 1, 1, 4, 4);
	CHECK_INT(count(v, 0x102030), 16);
	bx_raster_free(v);
	/* Half-pixel offset, zoomed x2: centres at 0.75 and 1.25 -> pixels 0, 1. */
	v = bx_raster_view(r, 0.5, 0.5, 1, 1, 2, 2);
	CHECK_INT(bx_raster_get(v, 0, 0), 0x102030);
	CHECK_INT(bx_raster_get(v, 1, 1), 0xa0b0c0);
	bx_raster_free(v);
	/* Half outside: output pixel 0 covers [-1, 1) x [0, 1): half OUTSIDE
	 * (0x26 each channel), half 0x102030 -> (0x26+0x10)/2 = 0x1b, (0x26+0x20)/2
	 * = 0x23, (0x26+0x30)/2 = 0x2b. Pixel 1 covers [1, 3): 0x405060 and
	 * outside -> 0x33, 0x3b, 0x43. */
	v = bx_raster_view(r, -1, 0, 4, 1, 2, 1);
	CHECK(near(bx_raster_get(v, 0, 0), 0x1b232b, 1));
	CHECK(near(bx_raster_get(v, 1, 0), 0x333b43, 1));
	bx_raster_free(v);
	/* Degenerate and hostile views: all OUTSIDE, never a crash. */
	{
		static const double bad[][4] = {
			{ NAN, 0, 2, 2 }, { 0, 0, INFINITY, 2 }, { 0, 0, 0, 2 }, { 0, 0, 2, -1 },
			{ 1e300, 0, 2, 2 }, { -1e300, -1e300, 1e10, 1e10 }, { 0, 1e308, 2, 1e308 },
		};
		size_t i;

		for (i = 0; i < BX_ARRAY_LEN(bad); i++) {
			CASE("hostile view");
			v = bx_raster_view(r, bad[i][0], bad[i][1], bad[i][2], bad[i][3], 3, 2);
			CHECK_INT(count(v, OUT), 6);
			bx_raster_free(v);
		}
	}
	/* The whole image inside a huge view: its weight rounds away. */
	v = bx_raster_view(r, -1e6, -1e6, 2e6, 2e6, 1, 1);
	CHECK_INT(bx_raster_get(v, 0, 0), OUT);
	bx_raster_free(v);
	CHECK(bx_raster_view(r, 0, 0, 2, 2, 0, 1) == NULL);
	CHECK(bx_raster_view(r, 0, 0, 2, 2, 1, BX_RASTER_MAX_SIDE + 1) == NULL);
	/* view_into reuses the destination. */
	v = bx_raster_new(2, 2);
	CHECK_INT(bx_raster_view_into(r, 0, 0, 2, 2, v), 0);
	CHECK_INT(bx_raster_get(v, 1, 0), 0x405060);
	bx_raster_free(v);
	bx_raster_free(r);
}

static void
test_fit(void)
{
	static const int cases[][6] = {
		/* src w, h, box w, h, expected w, h */
		{ 4000, 3000, 160, 120, 160, 120 },
		{ 3000, 4000, 160, 120, 90, 120 },
		{ 1, 1000, 160, 120, 1, 120 },
		{ 1000, 1, 160, 120, 160, 1 },
		{ 10, 10, 80, 48, 48, 48 },
		{ 3, 2, 80, 48, 72, 48 },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		int w, h;

		CASE("fit");
		bx_raster_fit(cases[i][0], cases[i][1], cases[i][2], cases[i][3], &w, &h);
		CHECK_INT(w, cases[i][4]);
		CHECK_INT(h, cases[i][5]);
	}
}

static void
test_line(void)
{
	struct bx_raster *r = bx_raster_new(6, 4);

	/* (0.5,0.5) -> (4.9,2.2): pixels (0,0) -> (4,2), slope 1/2 along x:
	 * y = round(0, .5, 1, 1.5, 2) with halves up -> 0, 1, 1, 2, 2. */
	bx_raster_line(r, 0.5, 0.5, 4.9, 2.2, 0xffffff, 0);
	CHECK_INT(count(r, 0xffffff), 5);
	CHECK_INT(bx_raster_get(r, 0, 0), 0xffffff);
	CHECK_INT(bx_raster_get(r, 1, 1), 0xffffff);
	CHECK_INT(bx_raster_get(r, 2, 1), 0xffffff);
	CHECK_INT(bx_raster_get(r, 3, 2), 0xffffff);
	CHECK_INT(bx_raster_get(r, 4, 2), 0xffffff);
	/* Reverse direction, steep: both endpoints included. */
	bx_raster_clear(r, 0);
	bx_raster_line(r, 5.2, 3.7, 4.0, 0.0, 0xff0000, 0);
	CHECK_INT(bx_raster_get(r, 5, 3), 0xff0000);
	CHECK_INT(bx_raster_get(r, 4, 0), 0xff0000);
	CHECK_INT(count(r, 0xff0000), 4);
	/* A single point. */
	bx_raster_clear(r, 0);
	bx_raster_line(r, 2.9, 1.1, 2.2, 1.9, 0xff, 0);
	CHECK_INT(count(r, 0xff), 1);
	CHECK_INT(bx_raster_get(r, 2, 1), 0xff);
	bx_raster_free(r);
}

static void
test_line_clipping(void)
{
	struct bx_raster *r = bx_raster_new(6, 4);

	/* Huge horizontal: exactly row 2. */
	bx_raster_line(r, -1e300, 2.5, 1e300, 2.5, 0xffffff, 0);
	CHECK_INT(count(r, 0xffffff), 6);
	CHECK_INT(bx_raster_get(r, 0, 2), 0xffffff);
	CHECK_INT(bx_raster_get(r, 5, 2), 0xffffff);
	/* Long diagonal through the origin: the pixels drawn do not depend on
	 * where the line starts: (0,0), (1,1), (2,2), (3,3). */
	bx_raster_clear(r, 0);
	bx_raster_line(r, -1e9, -1e9, 1e9, 1e9, 0xff00, 0);
	CHECK_INT(count(r, 0xff00), 4);
	CHECK_INT(bx_raster_get(r, 3, 3), 0xff00);
	/* Off the raster entirely, non-finite, extreme: nothing, no crash. */
	bx_raster_clear(r, 0);
	bx_raster_line(r, -10, -10, -5, 100, 0xff, 0);
	bx_raster_line(r, NAN, 1, 3, 3, 0xff, 0);
	bx_raster_line(r, 1, 1, INFINITY, 3, 0xff, 0);
	bx_raster_line(r, 0, 100, 5, 100, 0xff, 0);
	CHECK_INT(count(r, 0xff), 0);
	bx_raster_line(r, 1.7e308, -1.7e308, -1.7e308, 1.7e308, 0xff, 3);
	bx_raster_line(r, -1.7e308, 2, 1.7e308, 1, 0xff, 0);
	CHECK(count(r, 0xff) <= 6 * 4);
	bx_raster_free(r);
}

static void
test_dash(void)
{
	struct bx_raster *r = bx_raster_new(10, 3);
	int x;

	/* dash 2: on on off off on on ... from the first point. */
	bx_raster_line(r, 0, 1, 9, 1, 0xffffff, 2);
	for (x = 0; x < 10; x++) {
		CASE("dash 2");
		CHECK_INT(bx_raster_get(r, x, 1) == 0xffffff, (x / 2) % 2 == 0);
	}
	/* The pattern is measured from the first point even when it is off the
	 * raster: starting at x = -1, pixel 0 is the second "on". */
	bx_raster_clear(r, 0);
	bx_raster_line(r, -1, 1, 9, 1, 0xffffff, 2);
	for (x = 0; x < 10; x++) {
		CASE("dash 2 from -1");
		CHECK_INT(bx_raster_get(r, x, 1) == 0xffffff, ((x + 1) / 2) % 2 == 0);
	}
	bx_raster_free(r);
}

static void
test_rect(void)
{
	struct bx_raster *r = bx_raster_new(6, 5);

	/* [1,5) x [1,4) touches columns 1..4, rows 1..3: outline = 4*3 - 2. */
	bx_raster_rect(r, 1, 1, 5, 4, 0xff, 0);
	CHECK_INT(count(r, 0xff), 10);
	CHECK_INT(bx_raster_get(r, 2, 2), 0);
	CHECK_INT(bx_raster_get(r, 3, 2), 0);
	CHECK_INT(bx_raster_get(r, 4, 3), 0xff);
	CHECK_INT(bx_raster_get(r, 5, 3), 0);
	/* Corners in any order, fractional: [1.5, 3.2) touches columns 1..3. */
	bx_raster_clear(r, 0);
	bx_raster_rect(r, 3.2, 2.5, 1.5, 0.5, 0xff, 0);
	CHECK_INT(count(r, 0xff), 8);  /* columns 1..3 x rows 0..2, minus (2,1) */
	CHECK_INT(bx_raster_get(r, 2, 1), 0);
	/* Covering the whole raster and beyond: only the part inside. */
	bx_raster_clear(r, 0);
	bx_raster_rect(r, -1e300, 1, 1e300, 3, 0xff, 0);
	CHECK_INT(count(r, 0xff), 12);  /* rows 1 and 2, all 6 columns */
	bx_raster_rect(r, NAN, 0, 1, 1, 0xff00, 0);
	CHECK_INT(count(r, 0xff00), 0);
	bx_raster_free(r);
}

static void
test_polyline(void)
{
	struct bx_raster *r = bx_raster_new(6, 6);
	static const double tri[] = { 0.5, 0.5, 4.5, 0.5, 0.5, 4.5 };
	double bad[] = { 1, 1, NAN, 2, 3, 3 };

	/* Open: (0,0)-(4,0) and (4,0)-(0,4): 5 + 5 - 1 shared = 9. */
	bx_raster_polyline(r, tri, 3, 0, 0xff, 0);
	CHECK_INT(count(r, 0xff), 9);
	CHECK_INT(bx_raster_get(r, 0, 1), 0);
	/* Closed adds (0,4)-(0,0): 5 - 2 shared = 3 more. */
	bx_raster_polyline(r, tri, 3, 1, 0xff, 0);
	CHECK_INT(count(r, 0xff), 12);
	CHECK_INT(bx_raster_get(r, 0, 2), 0xff);
	bx_raster_clear(r, 0);
	bx_raster_polyline(r, bad, 3, 1, 0xff, 0);
	bx_raster_polyline(r, tri, 1, 0, 0xff00, 0);
	CHECK_INT(count(r, 0xff), 0);
	CHECK_INT(count(r, 0xff00), 1);
	bx_raster_free(r);
}

static void
test_fill_blend(void)
{
	struct bx_raster *r = bx_raster_new(6, 4);

	/* [0.5, 2.5) x [0.5, 1.2) touches columns 0..2, rows 0..1. */
	bx_raster_fill_rect(r, 0.5, 0.5, 2.5, 1.2, 0xffffff);
	CHECK_INT(count(r, 0xffffff), 6);
	CHECK_INT(bx_raster_get(r, 3, 0), 0);
	bx_raster_clear(r, 0);
	bx_raster_fill_rect(r, -1e300, -1e300, 1e300, 1e300, 0x0000ff);
	CHECK_INT(count(r, 0x0000ff), 24);
	bx_raster_fill_rect(r, NAN, 0, 2, 2, 0);
	CHECK_INT(count(r, 0x0000ff), 24);
	/* White at alpha 128 over black: (255*128 + 127) / 255 = 128. */
	bx_raster_clear(r, 0);
	bx_raster_blend_rect(r, 0, 0, 1, 1, 0xffffff, 128);
	CHECK_INT(bx_raster_get(r, 0, 0), 0x808080);
	/* Red at 64 over (0, 0, 200): R = 255*64/255 = 64, B = (200*191 + 127)/255 = 150. */
	bx_raster_set(r, 1, 0, 0x0000c8);
	bx_raster_blend_rect(r, 1, 0, 2, 1, 0xff0000, 64);
	CHECK_INT(bx_raster_get(r, 1, 0), BX_RGB(64, 0, 150));
	bx_raster_blend_rect(r, 0, 0, 6, 4, 0xffffff, 0);  /* alpha 0: no change */
	CHECK_INT(bx_raster_get(r, 0, 0), 0x808080);
	bx_raster_free(r);
}

static void
test_polygon(void)
{
	struct bx_raster *r = bx_raster_new(6, 5);
	static const double sq[] = { 1, 1, 4, 1, 4, 3, 1, 3 };
	/* Right triangle (0,0) (4,0) (0,4): centre (x+.5, y+.5) inside when
	 * x + y + 1 < 4 (on the edge is outside): rows 0..3 have 3, 2, 1, 0
	 * pixels = 6. */
	static const double tri[] = { 0, 0, 4, 0, 0, 4 };
	double huge[] = { -1e300, -1e300, 1e300, -1e300, 1e300, 1e300, -1e300, 1e300 };

	/* Centres inside [1,4) x [1,3): columns 1..3, rows 1..2. */
	bx_raster_blend_polygon(r, sq, 4, 0xffffff, 255);
	CHECK_INT(count(r, 0xffffff), 6);
	CHECK_INT(bx_raster_get(r, 1, 1), 0xffffff);
	CHECK_INT(bx_raster_get(r, 4, 1), 0);
	bx_raster_clear(r, 0);
	bx_raster_blend_polygon(r, tri, 3, 0xff, 255);
	CHECK_INT(count(r, 0xff), 6);
	CHECK_INT(bx_raster_get(r, 2, 0), 0xff);
	CHECK_INT(bx_raster_get(r, 3, 0), 0);
	CHECK_INT(bx_raster_get(r, 1, 1), 0xff);
	CHECK_INT(bx_raster_get(r, 2, 1), 0);
	bx_raster_clear(r, 0);
	bx_raster_blend_polygon(r, huge, 4, 0xff, 255);
	CHECK_INT(count(r, 0xff), 30);
	huge[3] = NAN;
	bx_raster_blend_polygon(r, huge, 4, 0xff00, 255);
	CHECK_INT(count(r, 0xff00), 0);
	bx_raster_free(r);
}

static void
test_cross(void)
{
	struct bx_raster *r = bx_raster_new(5, 4);

	/* Whole-raster crosshair at pixel (2,1): row 1 and column 2, not the
	 * centre: 4 + 3 = 7. */
	bx_raster_cross(r, 2.5, 1.5, 0, 0xff);
	CHECK_INT(count(r, 0xff), 7);
	CHECK_INT(bx_raster_get(r, 2, 1), 0);
	CHECK_INT(bx_raster_get(r, 0, 1), 0xff);
	CHECK_INT(bx_raster_get(r, 2, 3), 0xff);
	bx_raster_clear(r, 0);
	bx_raster_cross(r, 2.5, 1.5, 1, 0xff);
	CHECK_INT(count(r, 0xff), 4);
	CHECK_INT(bx_raster_get(r, 1, 1), 0xff);
	CHECK_INT(bx_raster_get(r, 2, 0), 0xff);
	/* At the corner, and far outside (only the row that exists). */
	bx_raster_clear(r, 0);
	bx_raster_cross(r, 0, 0, 0, 0xff);
	CHECK_INT(count(r, 0xff), 7);
	bx_raster_clear(r, 0);
	bx_raster_cross(r, -1e300, 2, 0, 0xff);
	CHECK_INT(count(r, 0xff), 5);
	bx_raster_cross(r, NAN, 2, 0, 0xff00);
	CHECK_INT(count(r, 0xff00), 0);
	bx_raster_free(r);
}

/* Seeded random views and shapes mixing ordinary, huge and non-finite
 * values (run under the sanitizer build, this is where an out-of-bounds
 * write would show). Properties: resampling a flat image only ever mixes
 * its color with OUTSIDE; drawing only ever writes the pen's color. */
static uint32_t rng_state = 12345;

static uint32_t
rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static double
wild(int span)
{
	static const double odd[] = { NAN, INFINITY, -INFINITY, 1e300, -1e300, 1e18, -1e18,
	                              2147483648.0, -2147483649.0, 0.5, -0.5, 1e-300 };

	if (rng() % 6 == 0)
		return odd[rng() % BX_ARRAY_LEN(odd)];
	return ((double)(rng() % 20000) / 10000.0 - 0.5) * 3 * span;
}

static int
between(int v, int a, int b)
{
	return a < b ? v >= a && v <= b : v >= b && v <= a;
}

static void
test_random_hostile(void)
{
	int iter;

	for (iter = 0; iter < 1500; iter++) {
		int sw = 1 + (int)(rng() % 17), sh = 1 + (int)(rng() % 17);
		int ow = 1 + (int)(rng() % 23), oh = 1 + (int)(rng() % 23), x, y, k, bad = 0;
		struct bx_raster *src = bx_raster_new(sw, sh), *v;
		double xy[10];

		bx_raster_clear(src, 0xc08040);
		v = bx_raster_view(src, wild(sw), wild(sh), wild(sw), wild(sh), ow, oh);
		for (y = 0; y < oh; y++)
			for (x = 0; x < ow; x++) {
				uint32_t c = bx_raster_get(v, x, y);

				bad += !between(BX_RGB_R(c), 0xc0, BX_RGB_R(OUT)) ||
				       !between(BX_RGB_G(c), 0x80, BX_RGB_G(OUT)) ||
				       !between(BX_RGB_B(c), 0x40, BX_RGB_B(OUT));
			}
		CASE("random view");
		CHECK_INT(bad, 0);
		bx_raster_free(v);

		bx_raster_clear(src, 0);
		for (k = 0; k < 10; k++)
			xy[k] = wild(k % 2 ? sh : sw);
		switch (iter % 7) {
		case 0: bx_raster_line(src, xy[0], xy[1], xy[2], xy[3], 0xffffff, (int)(rng() % 4)); break;
		case 1: bx_raster_rect(src, xy[0], xy[1], xy[2], xy[3], 0xffffff, (int)(rng() % 4)); break;
		case 2: bx_raster_polyline(src, xy, 5, (int)(rng() % 2), 0xffffff, (int)(rng() % 3)); break;
		case 3: bx_raster_fill_rect(src, xy[0], xy[1], xy[2], xy[3], 0xffffff); break;
		case 4: bx_raster_blend_rect(src, xy[0], xy[1], xy[2], xy[3], 0xffffff, 255); break;
		case 5: bx_raster_blend_polygon(src, xy, 5, 0xffffff, 255); break;
		default: bx_raster_cross(src, xy[0], xy[1], (int)(rng() % 5), 0xffffff); break;
		}
		CASE("random shape");
		CHECK_INT(count(src, 0) + count(src, 0xffffff), sw * sh);
		bx_raster_free(src);
	}
}

BX_TESTS(T(test_new_get_set), T(test_downscale_2x2), T(test_downscale_fractional),
         T(test_flat_stays_exact), T(test_crop), T(test_upscale), T(test_view), T(test_fit),
         T(test_line), T(test_line_clipping), T(test_dash), T(test_rect), T(test_polyline),
         T(test_fill_blend), T(test_polygon), T(test_cross),
         T(test_random_hostile))
