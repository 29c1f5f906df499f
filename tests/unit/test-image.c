/* test-image.c: PNG and JPEG decoding against the fixtures of tests/data
 * (made by tests/data/make-fixtures.sh, whose pixel patterns are restated
 * here), hostile inputs of tests/data/bad, DCT scale choice, EXIF
 * orientation, probe versus load. Coordinates are oriented image pixels. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/image.h"
#include "boxel/util.h"
#include "harness.h"

static char *
data_path(const char *name)
{
	const char *dir = getenv("BOXEL_TEST_DATA");

	return bx_asprintf("%s/%s", dir != NULL ? dir : "tests/data", name);
}

/* The generator's patterns (see make-fixtures.sh). */
static uint32_t
pat_f(int x, int y)
{
	return BX_RGB((x * 37) & 255, (y * 53) & 255, ((x ^ y) * 16) & 255);
}

static int
pat_g(int x, int y)
{
	return (x * 11 + y * 7) & 255;
}

static int
pat_a(int x, int y)
{
	static const int a[3] = { 255, 0, 128 };

	return a[(x / 4 + y / 4) % 3];
}

/* The checker boxel composites alpha on: 8-px squares, 0x66 and 0x99. */
static int
checker(int x, int y)
{
	return ((x / 8 + y / 8) & 1) ? 0x99 : 0x66;
}

static uint32_t
over_checker(uint32_t c, int a, int x, int y)
{
	int bg = checker(x, y), r = (int)(c >> 16), g = (int)(c >> 8 & 255), b = (int)(c & 255);

	r = (r * a + bg * (255 - a) + 127) / 255;
	g = (g * a + bg * (255 - a) + 127) / 255;
	b = (b * a + bg * (255 - a) + 127) / 255;
	return BX_RGB(r, g, b);
}

static uint32_t
gray(int v)
{
	return BX_RGB(v, v, v);
}

enum pattern { P_GRAY, P_GRAY1, P_GRAYA, P_RGB, P_RGBA, P_RGB_KEY, P_PAL8, P_PAL4 };

static uint32_t
expected(enum pattern p, int x, int y)
{
	int i;

	switch (p) {
	case P_GRAY: return gray(pat_g(x, y));
	case P_GRAY1: return gray(((x / 4 + y / 4) & 1) * 255);
	case P_GRAYA: return over_checker(gray(pat_g(x, y)), pat_a(x, y), x, y);
	case P_RGB: return pat_f(x, y);
	case P_RGBA: return over_checker(pat_f(x, y), pat_a(x, y), x, y);
	case P_RGB_KEY: return x == 0 && y == 0 ? gray(checker(0, 0)) : pat_f(x, y);
	case P_PAL8: return pat_f((y * 16 + x) % 16, (y * 16 + x) / 16);
	case P_PAL4:
		i = x / 4 + (y / 4) * 4;
		return over_checker(pat_f(i, 15 - i), (int[]){ 255, 0, 128 }[i % 3], x, y);
	}
	return 0;
}

static uint32_t
pixel(const struct bx_raster *r, int x, int y)
{
	const uint8_t *p = r->px + ((size_t)y * r->w + x) * 3;

	return BX_RGB(p[0], p[1], p[2]);
}

static int
near_rgb(uint32_t a, uint32_t b, int tol)
{
	int s;

	for (s = 0; s < 24; s += 8)
		if (abs((int)(a >> s & 255) - (int)(b >> s & 255)) > tol)
			return 0;
	return 1;
}

/* Lossless PNGs: every pixel must be exactly the pattern (alpha mixes
 * within 1 of the hand formula). */
static void
test_png_good(void)
{
	static const struct { const char *file; int w, h; enum pattern p; } cases[] = {
		{ "png-gray8.png", 24, 16, P_GRAY },
		{ "png-gray1.png", 24, 16, P_GRAY1 },
		{ "png-gray16.png", 24, 16, P_GRAY },
		{ "png-graya8.png", 24, 16, P_GRAYA },
		{ "png-rgb8.png", 24, 16, P_RGB },
		{ "png-rgba8.png", 24, 16, P_RGBA },
		{ "png-rgb16.png", 24, 16, P_RGB },
		{ "png-rgba16.png", 24, 16, P_RGBA },
		{ "png-rgb8-adam7.png", 27, 19, P_RGB },
		{ "png-rgba16-adam7.png", 27, 19, P_RGBA },
		{ "png-rgb8-trns.png", 24, 16, P_RGB_KEY },
		{ "png-palette8.png", 16, 16, P_PAL8 },
		{ "png-palette4-trns.png", 16, 16, P_PAL4 },
		{ "odd-png-ztxt-bomb.png", 24, 16, P_RGB },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *path = data_path(cases[i].file);
		struct bx_image img;
		struct bx_err err = {0};
		int x, y, bad = 0, pw = 0, ph = 0;

		CASE(cases[i].file);
		CHECK_INT(bx_image_load(path, 0, 0, NULL, &img, &err), 0);
		if (img.pix == NULL) {
			fprintf(stderr, "    %s\n", err.msg);
			free(path);
			continue;
		}
		CHECK_INT(img.full_w, cases[i].w);
		CHECK_INT(img.full_h, cases[i].h);
		CHECK_INT(img.pix->w, cases[i].w);
		CHECK_INT(img.pix->h, cases[i].h);
		for (y = 0; y < img.pix->h; y++)
			for (x = 0; x < img.pix->w; x++)
				if (!near_rgb(pixel(img.pix, x, y), expected(cases[i].p, x, y), 1) &&
				    bad++ == 0)
					fprintf(stderr, "    (%d,%d) = %06x, expected %06x\n", x, y,
					    pixel(img.pix, x, y), expected(cases[i].p, x, y));
		CHECK_INT(bad, 0);
		CHECK_INT(bx_image_probe(path, &pw, &ph, &err), 0);
		CHECK_INT(pw, img.full_w);
		CHECK_INT(ph, img.full_h);
		bx_image_release(&img);
		CHECK(img.pix == NULL);
		free(path);
	}
}

/* The alpha pixels above are checked against the formula; pin the two
 * checker grays themselves at fully transparent spots, by hand. */
static void
test_checker(void)
{
	char *path = data_path("png-rgba8.png");
	struct bx_image img;
	struct bx_err err = {0};

	/* a(x,y) = 0 where (x/4 + y/4) % 3 == 1: (4,0) and (8,0), (12,4)... */
	CHECK_INT(bx_image_load(path, 0, 0, NULL, &img, &err), 0);
	if (img.pix != NULL) {
		CHECK_INT(pixel(img.pix, 4, 0), 0x666666);   /* square (0,0): dark */
		CHECK_INT(pixel(img.pix, 12, 4), 0x999999);  /* square (1,0): light */
		CHECK_INT(pixel(img.pix, 0, 0), pat_f(0, 0)); /* opaque */
	}
	bx_image_release(&img);
	free(path);
}

/* JPEG quadrants (48x32 upright): TL red, TR green, BL blue, BR yellow. */
static const uint32_t quad[4] = {
	BX_RGB(220, 40, 40), BX_RGB(40, 200, 40), BX_RGB(40, 40, 220), BX_RGB(230, 230, 60),
};

static uint32_t
luma(uint32_t c)
{
	int r = (int)(c >> 16), g = (int)(c >> 8 & 255), b = (int)(c & 255);
	int y = (int)(0.299 * r + 0.587 * g + 0.114 * b + 0.5);

	return gray(y);
}

static void
check_quadrants(const struct bx_raster *r, int is_gray, int tol)
{
	/* quadrant centres, scaled to the raster */
	static const int cx[4] = { 12, 36, 12, 36 }, cy[4] = { 8, 8, 24, 24 };
	int q;

	for (q = 0; q < 4; q++) {
		int x = cx[q] * r->w / 48, y = cy[q] * r->h / 32;
		uint32_t want = is_gray ? luma(quad[q]) : quad[q], got = pixel(r, x, y);

		CHECK_MSG(near_rgb(got, want, tol), "quadrant %d at (%d,%d) = %06x, expected %06x",
		    q, x, y, got, want);
	}
}

static void
test_jpeg_good(void)
{
	static const struct { const char *file; int gray; } cases[] = {
		{ "jpeg-baseline.jpg", 0 },
		{ "jpeg-progressive.jpg", 0 },
		{ "jpeg-gray.jpg", 1 },
		{ "jpeg-cmyk.jpg", 0 },
		{ "jpeg-exif-1.jpg", 0 }, { "jpeg-exif-2.jpg", 0 }, { "jpeg-exif-3.jpg", 0 },
		{ "jpeg-exif-4.jpg", 0 }, { "jpeg-exif-5.jpg", 0 }, { "jpeg-exif-6.jpg", 0 },
		{ "jpeg-exif-7.jpg", 0 }, { "jpeg-exif-8.jpg", 0 },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *path = data_path(cases[i].file);
		struct bx_image img;
		struct bx_err err = {0};
		int pw = 0, ph = 0;

		CASE(cases[i].file);
		CHECK_INT(bx_image_load(path, 0, 0, NULL, &img, &err), 0);
		if (img.pix != NULL) {
			/* Oriented: all eight EXIF variants come out 48x32 upright. */
			CHECK_INT(img.full_w, 48);
			CHECK_INT(img.full_h, 32);
			CHECK_INT(img.pix->w, 48);
			CHECK_INT(img.pix->h, 32);
			check_quadrants(img.pix, cases[i].gray, 24);
		} else {
			fprintf(stderr, "    %s\n", err.msg);
		}
		CHECK_INT(bx_image_probe(path, &pw, &ph, &err), 0);
		CHECK_INT(pw, 48);
		CHECK_INT(ph, 32);
		bx_image_release(&img);
		free(path);
	}
}

/* Broken EXIF blocks never make an image unreadable. When the orientation
 * cannot be trusted it falls back to 1 and the stored (turned, 32x48)
 * picture shows as stored; an entry count running past the segment is cut
 * to the entries present, which still hold a valid orientation 6. */
static void
test_exif_tolerated(void)
{
	static const struct { const char *file; int upright; } cases[] = {
		{ "odd-exif-ifd-out-of-range.jpg", 0 },
		{ "odd-exif-orientation-9.jpg", 0 },
		{ "odd-exif-wrong-type.jpg", 0 },
		{ "odd-exif-count-past-end.jpg", 1 },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *path = data_path(cases[i].file);
		struct bx_image img;
		struct bx_err err = {0};

		CASE(cases[i].file);
		CHECK_INT(bx_image_load(path, 0, 0, NULL, &img, &err), 0);
		CHECK_INT(img.full_w, cases[i].upright ? 48 : 32);
		CHECK_INT(img.full_h, cases[i].upright ? 32 : 48);
		/* stored = upright turned 90 CCW, so its top-left is TR green */
		if (img.pix != NULL)
			CHECK(near_rgb(pixel(img.pix, 8, 8), quad[cases[i].upright ? 0 : 1], 24));
		bx_image_release(&img);
		free(path);
	}
}

static void
test_bad(void)
{
	static const struct { const char *file; int code; const char *words; } cases[] = {
		{ "bad/empty.png", BX_EINVAL, "empty file" },
		{ "bad/text-named.jpg", BX_EINVAL, "not a PNG or JPEG image" },
		{ "bad/truncated.jpg", BX_EINVAL, "truncated JPEG" },
		{ "bad/missing-eoi.jpg", BX_EINVAL, "truncated JPEG" },
		{ "bad/truncated-scan-then-eoi.jpg", BX_EINVAL, "truncated JPEG data" },
		{ "bad/truncated.png", BX_EINVAL, "truncated PNG" },
		{ "bad/bad-crc.png", BX_EINVAL, "PNG CRC error in IDAT" },
		{ "bad/bad-zlib-in-idat.png", BX_EINVAL, "invalid PNG: IDAT" },
		{ "bad/huge-100000x100000.png", BX_ELIMIT, "100000x100000 pixels, over the limit" },
		{ "bad/huge-65500x65500.jpg", BX_ELIMIT, "65500x65500 pixels, over the limit" },
		/* streamed to an overview, so the budget is not in the way: the
		 * data is (test_limits checks the budget at full size) */
		{ "bad/pixels-30000x30000.png", BX_EINVAL, "truncated PNG data" },
		{ "bad/progressive-30000x30000.jpg", BX_ELIMIT, "900.0 megapixels" },
		{ "bad/progressive-absurd-scans.jpg", BX_ELIMIT, "more than 100 scans" },
		{ "bad/zero-width.png", BX_EINVAL, "zero width" },
		{ "bad/zero-height.jpg", BX_EINVAL, "Empty JPEG image" },
		{ "bad/iccp-length-2gb.png", BX_EINVAL, "truncated PNG" },
		{ "bad/ztxt-9mb-chunk.png", BX_EINVAL, "truncated PNG" },
		{ "bad", BX_EINVAL, "is a directory" },
		{ "no-such-file.png", BX_ENOENT, "No such file" },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *path = data_path(cases[i].file);
		struct bx_image img;
		struct bx_err err = {0};

		CASE(cases[i].file);
		CHECK_INT(bx_image_load(path, 160, 120, NULL, &img, &err), cases[i].code);
		CHECK(img.pix == NULL);
		CHECK_MSG(strstr(err.msg, cases[i].words) != NULL, "message \"%s\" lacks \"%s\"",
		    err.msg, cases[i].words);
		CHECK(strchr(err.msg, '\n') == NULL);
		bx_image_release(&img);
		free(path);
	}
}

/* The DCT scale: the smallest M/8 whose output still covers the request. */
static void
test_dct_scale(void)
{
	static const struct { int want_w, want_h, w, h; } cases[] = {
		{ 0, 0, 4000, 3000 },        /* full size */
		{ 320, 120, 500, 375 },      /* 1/8 covers 320x120 */
		{ 160, 120, 500, 375 },
		{ 501, 0, 1000, 750 },       /* 1/8 is one pixel short: 2/8 */
		{ 0, 376, 1000, 750 },
		{ 1500, 1000, 1500, 1125 },  /* 3/8 */
		{ 3999, 10, 4000, 3000 },    /* only 8/8 covers */
		{ 9000, 9000, 4000, 3000 },  /* nothing covers: full size */
	};
	char *path = data_path("jpeg-12mp-gray.jpg");
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		struct bx_image img;
		struct bx_err err = {0};
		char name[64];

		snprintf(name, sizeof name, "%dx%d", cases[i].want_w, cases[i].want_h);
		CASE(name);
		CHECK_INT(bx_image_load(path, cases[i].want_w, cases[i].want_h, NULL, &img, &err), 0);
		CHECK_INT(img.full_w, 4000);
		CHECK_INT(img.full_h, 3000);
		if (img.pix != NULL) {
			CHECK_INT(img.pix->w, cases[i].w);
			CHECK_INT(img.pix->h, cases[i].h);
			check_quadrants(img.pix, 1, 24);
		}
		bx_image_release(&img);
	}
	free(path);
}

/* The request is in oriented axes: with orientations 5..8 the stored
 * picture is 32x48 and want_w constrains its height. At M/8 a side of n
 * pixels decodes to ceil(n*M/8). */
static void
test_dct_scale_oriented(void)
{
	static const struct { const char *file; int want_w, want_h, w, h; } cases[] = {
		{ "jpeg-exif-1.jpg", 20, 1, 24, 16 },   /* 48: 6M >= 20 -> M = 4 */
		{ "jpeg-exif-6.jpg", 20, 1, 24, 16 },   /* stored 48 high: M = 4 */
		{ "jpeg-exif-8.jpg", 1, 20, 30, 20 },   /* stored 32 wide: 4M >= 20 -> M = 5 */
		{ "jpeg-exif-5.jpg", 6, 4, 6, 4 },      /* 1/8 */
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *path = data_path(cases[i].file);
		struct bx_image img;
		struct bx_err err = {0};

		CASE(cases[i].file);
		CHECK_INT(bx_image_load(path, cases[i].want_w, cases[i].want_h, NULL, &img, &err), 0);
		if (img.pix != NULL) {
			CHECK_INT(img.pix->w, cases[i].w);
			CHECK_INT(img.pix->h, cases[i].h);
		}
		bx_image_release(&img);
		free(path);
	}
}

/* Limits given by the caller apply; load_mem and load agree. */
static void
test_limits(void)
{
	struct bx_image_limits lim;
	struct bx_image img;
	struct bx_err err = {0};
	char *path = data_path("jpeg-12mp-gray.jpg"), *data;
	size_t len;

	bx_image_limits_default(&lim);
	CHECK_INT(lim.max_w, 32768);
	CHECK_INT(lim.max_scans, 100);
	CHECK(bx_read_file(path, 1 << 20, &data, &len, &err) == 0);

	/* 12 MP over a 1 MP budget: refused at full size, fine at 1/8 */
	lim.max_pixels = 1000000;
	CHECK_INT(bx_image_load_mem((uint8_t *)data, len, 0, 0, &lim, &img, &err), BX_ELIMIT);
	CHECK(strstr(err.msg, "megapixels") != NULL);
	CHECK_INT(bx_image_load_mem((uint8_t *)data, len, 320, 120, &lim, &img, &err), 0);
	if (img.pix != NULL)
		CHECK(img.pix->w <= 4000 / 8 + 1);
	bx_image_release(&img);

	bx_image_limits_default(&lim);
	lim.max_w = 3999;
	CHECK_INT(bx_image_load_mem((uint8_t *)data, len, 320, 120, &lim, &img, &err), BX_ELIMIT);
	CHECK(strstr(err.msg, "4000x3000 pixels, over the limit of 3999x32768") != NULL);

	bx_image_limits_default(&lim);
	lim.max_file = len - 1;
	CHECK_INT(bx_image_load(path, 320, 120, &lim, &img, &err), BX_ELIMIT);
	CHECK_INT(bx_image_load_mem((uint8_t *)data, 0, 0, 0, NULL, &img, &err), BX_EINVAL);
	CHECK_STR(err.msg, "empty file");
	free(data);
	free(path);

	/* 900 megapixels are refused at full size before any data is read */
	path = data_path("bad/pixels-30000x30000.png");
	CHECK_INT(bx_image_load(path, 0, 0, NULL, &img, &err), BX_ELIMIT);
	CHECK(strstr(err.msg, "900.0 megapixels") != NULL);
	free(path);

	/* a progressive file under a 10-scan limit */
	path = data_path("jpeg-progressive.jpg");
	bx_image_limits_default(&lim);
	lim.max_scans = 2;
	CHECK_INT(bx_image_load(path, 0, 0, &lim, &img, &err), BX_ELIMIT);
	CHECK(strstr(err.msg, "more than 2 scans") != NULL);
	lim.max_scans = 100;
	CHECK_INT(bx_image_load(path, 0, 0, &lim, &img, &err), 0);
	bx_image_release(&img);
	free(path);
}

/* probe == load for every readable fixture, and probe fails like load on
 * the header-level bad ones. */
static void
test_probe_mem(void)
{
	static const char *files[] = { "png-rgb8.png", "jpeg-exif-6.jpg", "bad/huge-100000x100000.png",
		"bad/text-named.jpg" };
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(files); i++) {
		char *path = data_path(files[i]), *data;
		struct bx_err e1 = {0}, e2 = {0};
		int w1 = 0, h1 = 0, w2 = 0, h2 = 0, r1, r2;
		size_t len;

		CASE(files[i]);
		CHECK(bx_read_file(path, 1 << 20, &data, &len, &e1) == 0);
		r1 = bx_image_probe(path, &w1, &h1, &e1);
		r2 = bx_image_probe_mem((uint8_t *)data, len, &w2, &h2, &e2);
		CHECK_INT(r1, r2);
		CHECK_INT(w1, w2);
		CHECK_INT(h1, h2);
		if (r1 < 0)
			CHECK_STR(e1.msg, e2.msg);
		free(data);
		free(path);
	}
}

/* ---- Regions: pixel for pixel a crop of the full decode. ---- */

/* Count the pixels of region r (at x, y of full) that differ from full. */
static int
region_diff(const struct bx_raster *full, const struct bx_raster *r, int x, int y)
{
	int i, j, bad = 0;

	for (j = 0; j < r->h; j++)
		for (i = 0; i < r->w; i++)
			if (pixel(r, i, j) != pixel(full, x + i, y + j) && bad++ == 0)
				fprintf(stderr, "    region (%d,%d) = %06x, full (%d,%d) = %06x\n", i, j,
				    pixel(r, i, j), x + i, y + j, pixel(full, x + i, y + j));
	return bad;
}

/* Rectangles at odd offsets, from a pixel to the whole, in every corner;
 * r[k] = {x, y, w, h} for a W x H image. */
static int
region_rects(int W, int H, int r[][4])
{
	int n = 0, k;
	const int rel[][4] = {
		{ 0, 0, W, H }, { 1, 1, 1, 1 }, { W - 1, H - 1, 1, 1 }, { 3, 5, 7, 9 },
		{ W / 3 | 1, H / 3 | 1, W / 3, H / 4 + 1 }, { W - 17, H - 13, 17, 13 },
		{ 0, H / 2 | 1, W, 3 }, { W / 2 | 1, 0, 5, H }, { 17, 33, W - 40, H - 50 },
		{ W - 35, 1, 31, H - 3 },
	};

	for (k = 0; k < (int)BX_ARRAY_LEN(rel); k++) {
		if (rel[k][0] < 0 || rel[k][1] < 0 || rel[k][2] < 1 || rel[k][3] < 1 ||
		    rel[k][0] + rel[k][2] > W || rel[k][1] + rel[k][3] > H)
			continue;
		memcpy(r[n++], rel[k], sizeof rel[k]);
	}
	return n;
}

/* A PNG at scale 1/s, by hand: s x s blocks of the full decode, cut
 * short at the right and bottom, averaged and rounded to nearest. */
static struct bx_raster *
block_average(const struct bx_raster *f, int s)
{
	struct bx_raster *r = bx_raster_new((f->w + s - 1) / s, (f->h + s - 1) / s);
	int x, y, i, j, k;

	for (y = 0; y < r->h; y++)
		for (x = 0; x < r->w; x++) {
			unsigned sum[3] = { 0, 0, 0 }, n = 0;

			for (j = y * s; j < (y + 1) * s && j < f->h; j++)
				for (i = x * s; i < (x + 1) * s && i < f->w; i++, n++)
					for (k = 0; k < 3; k++)
						sum[k] += f->px[((size_t)j * f->w + i) * 3 + k];
			for (k = 0; k < 3; k++)
				r->px[((size_t)y * r->w + x) * 3 + k] = (uint8_t)((sum[k] + n / 2) / n);
		}
	return r;
}

/* Compare every region of region_rects at scale 1/s between a whole
 * decode at that scale and load_region, from memory; what names the
 * case. The whole decode at 1/s: for a JPEG, bx_image_load asked for
 * ceil(size / s), which picks DCT scale 1/s; for a PNG, block_average. */
static void
check_regions_mem(const char *what, const uint8_t *data, size_t len, int s)
{
	struct bx_image full, reg, scaled = { 0 };
	struct bx_raster *ref, *avg = NULL;
	struct bx_err err = {0};
	int rects[16][4], n, k;
	char name[128];

	snprintf(name, sizeof name, "%s at 1/%d", what, s);
	CASE(name);
	CHECK_INT(bx_image_load_mem(data, len, 0, 0, NULL, &full, &err), 0);
	if (full.pix == NULL) {
		fprintf(stderr, "    %s: %s\n", name, err.msg);
		return;
	}
	ref = full.pix;
	if (s > 1 && data[0] == 0x89) {
		ref = avg = block_average(full.pix, s);
	} else if (s > 1) {
		CHECK_INT(bx_image_load_mem(data, len, (full.full_w + s - 1) / s,
		    (full.full_h + s - 1) / s, NULL, &scaled, &err), 0);
		if (scaled.pix == NULL || scaled.pix->w != (full.full_w + s - 1) / s ||
		    scaled.pix->h != (full.full_h + s - 1) / s) {
			CHECK_MSG(0, "%s: the whole decode is not at scale 1/%d", name, s);
			bx_image_release(&scaled);
			bx_image_release(&full);
			return;
		}
		ref = scaled.pix;
	}
	n = region_rects(ref->w, ref->h, rects);
	if (s == 1)
		CHECK(n >= 6);
	for (k = 0; k < n; k++) {
		int *r = rects[k];

		CHECK_INT(bx_image_load_region_mem(data, len, r[0], r[1], r[2], r[3], s, NULL, &reg,
		    &err), 0);
		if (reg.pix == NULL) {
			fprintf(stderr, "    %s: %dx%d at %d,%d: %s\n", name, r[2], r[3], r[0], r[1],
			    err.msg);
			continue;
		}
		CHECK_INT(reg.full_w, full.full_w);
		CHECK_INT(reg.full_h, full.full_h);
		CHECK_INT(reg.pix->w, r[2]);
		CHECK_INT(reg.pix->h, r[3]);
		if (reg.pix->w == r[2] && reg.pix->h == r[3])
			CHECK_MSG(region_diff(ref, reg.pix, r[0], r[1]) == 0,
			    "%s: region %dx%d at %d,%d differs", name, r[2], r[3], r[0], r[1]);
		bx_image_release(&reg);
	}
	bx_raster_free(avg);
	bx_image_release(&scaled);
	bx_image_release(&full);
}

static void
test_region_fixtures(void)
{
	static const char *files[] = {
		"png-rgb8.png", "png-rgba8.png", "png-rgba16.png", "png-gray1.png", "png-graya8.png",
		"png-palette4-trns.png", "png-rgb8-trns.png", "png-rgb8-adam7.png",
		"png-rgba16-adam7.png", "png-region-rgba.png", "png-region-rgba-adam7.png",
		"jpeg-baseline.jpg", "jpeg-progressive.jpg", "jpeg-gray.jpg", "jpeg-cmyk.jpg",
		"jpeg-exif-1.jpg", "jpeg-exif-2.jpg", "jpeg-exif-3.jpg", "jpeg-exif-4.jpg",
		"jpeg-exif-5.jpg", "jpeg-exif-6.jpg", "jpeg-exif-7.jpg", "jpeg-exif-8.jpg",
		"jpeg-12mp-gray.jpg", "jpeg-region-420.jpg", "jpeg-region-422-restart.jpg",
		"jpeg-region-444.jpg", "jpeg-region-progressive.jpg",
	};
	size_t i;
	int s;

	for (i = 0; i < BX_ARRAY_LEN(files); i++) {
		char *path = data_path(files[i]), *data;
		struct bx_err err = {0};
		size_t len;

		CHECK(bx_read_file(path, 8 << 20, &data, &len, &err) == 0);
		for (s = 1; s <= 8; s *= 2)
			check_regions_mem(files[i], (uint8_t *)data, len, s);
		free(data);
		free(path);
	}
}

/* The textured JPEGs with each EXIF orientation spliced in after the SOI
 * (the jpeg-exif-N fixtures are 48x32: too small for the crop and skip to
 * leave anything out; these are 333x250). */
static void
test_region_orientations(void)
{
	static const char *files[] = { "jpeg-region-420.jpg", "jpeg-region-progressive.jpg",
		"jpeg-region-422-restart.jpg" };
	size_t i;
	int o, s;

	for (i = 0; i < BX_ARRAY_LEN(files); i++) {
		char *path = data_path(files[i]), *data;
		struct bx_err err = {0};
		size_t len;

		CHECK(bx_read_file(path, 8 << 20, &data, &len, &err) == 0);
		for (o = 1; o <= 8; o++) {
			uint8_t app1[] = { 0xff, 0xe1, 0, 2 + 6 + 8 + 2 + 12 + 4,
				'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0,
				0x12, 0x01, 3, 0, 1, 0, 0, 0, (uint8_t)o, 0, 0, 0, 0, 0, 0, 0 };
			uint8_t *d = bx_malloc(len + sizeof app1);
			char name[96];
			struct bx_image img;

			memcpy(d, data, 2);
			memcpy(d + 2, app1, sizeof app1);
			memcpy(d + 2 + sizeof app1, data + 2, len - 2);
			snprintf(name, sizeof name, "%s orientation %d", files[i], o);
			/* the splice took: 5..8 show the 333x250 image 250x333 */
			CHECK_INT(bx_image_load_mem(d, len + sizeof app1, 0, 0, NULL, &img, &err), 0);
			CHECK_INT(img.full_w, o >= 5 ? 250 : 333);
			bx_image_release(&img);
			for (s = 1; s <= 8; s *= 2)
				check_regions_mem(name, d, len + sizeof app1, s);
			free(d);
		}
		free(data);
		free(path);
	}
}

/* The file path streams: same pixels as from memory. */
static void
test_region_file(void)
{
	static const char *files[] = { "jpeg-region-420.jpg", "png-region-rgba.png" };
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(files); i++) {
		char *path = data_path(files[i]), *data;
		struct bx_image a, b;
		struct bx_err err = {0};
		size_t len;

		CASE(files[i]);
		CHECK(bx_read_file(path, 8 << 20, &data, &len, &err) == 0);
		CHECK_INT(bx_image_load_region(path, 21, 19, 41, 37, 1, NULL, &a, &err), 0);
		CHECK_INT(bx_image_load_region_mem((uint8_t *)data, len, 21, 19, 41, 37, 1, NULL, &b,
		    &err), 0);
		if (a.pix != NULL && b.pix != NULL)
			CHECK(memcmp(a.pix->px, b.pix->px, 41 * 37 * 3) == 0);
		bx_image_release(&a);
		bx_image_release(&b);
		free(data);
		free(path);
	}
}

/* Refusals: outside the image, empty, over the budget; data past the
 * region is not read, data before or in it is. */
static void
test_region_bad(void)
{
	static const struct { const char *file; int x, y, w, h, s, code; const char *words; } cases[] = {
		{ "png-rgb8.png", 0, 0, 25, 16, 1, BX_EINVAL, "region 25x16 at 0,0 is not inside the 24x16 image" },
		{ "png-rgb8.png", -1, 0, 2, 2, 1, BX_EINVAL, "not inside" },
		{ "png-rgb8.png", 0, 15, 1, 2, 1, BX_EINVAL, "not inside" },
		{ "png-rgb8.png", 0, 0, 0, 3, 1, BX_EINVAL, "not inside" },
		{ "jpeg-exif-6.jpg", 0, 0, 49, 1, 1, BX_EINVAL, "not inside the 48x32 image" },
		{ "jpeg-exif-6.jpg", 40, 0, 8, 32, 1, 0, "" },   /* oriented 48 wide */
		{ "jpeg-exif-6.jpg", 2147483647, 0, 1, 1, 1, BX_EINVAL, "not inside" },
		{ "jpeg-region-420.jpg", 0, 0, 333, 250, 1, BX_ELIMIT, "region needs 333x250" },
		{ "bad/truncated.png", 0, 12, 24, 4, 1, BX_EINVAL, "truncated PNG data" },
		{ "bad/truncated.jpg", 0, 24, 48, 8, 1, BX_EINVAL, "truncated JPEG data" },
		{ "bad/truncated-scan-then-eoi.jpg", 0, 24, 48, 8, 1, BX_EINVAL, "truncated JPEG data" },
		{ "bad/progressive-30000x30000.jpg", 0, 0, 8, 8, 1, BX_ELIMIT, "900.0 megapixels" },
		{ "bad/huge-100000x100000.png", 0, 0, 8, 8, 1, BX_ELIMIT, "over the limit" },
		{ "bad/text-named.jpg", 0, 0, 1, 1, 1, BX_EINVAL, "not a PNG or JPEG image" },
		{ "bad", 0, 0, 1, 1, 1, BX_EINVAL, "is a directory" },
		{ "png-rgb8.png", 0, 0, 1, 1, 3, BX_EINVAL, "region scale 1/3 is not 1, 1/2, 1/4 or 1/8" },
		{ "png-rgb8.png", 0, 0, 1, 1, 0, BX_EINVAL, "region scale" },
		{ "png-rgb8.png", 0, 0, 4, 2, 8, BX_EINVAL, "not inside the 3x2 image" },
		{ "png-rgb8.png", 2, 1, 1, 1, 8, 0, "" },
		{ "jpeg-exif-6.jpg", 0, 0, 7, 4, 8, BX_EINVAL, "not inside the 6x4 image" },
		{ "jpeg-exif-6.jpg", 0, 0, 6, 4, 8, 0, "" },
		{ "jpeg-region-420.jpg", 0, 0, 167, 125, 2, 0, "" },  /* in the budget at 1/2 */
	};
	struct bx_image_limits lim;
	size_t i;

	bx_image_limits_default(&lim);
	lim.max_pixels = 333 * 250 - 1;
	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *path = data_path(cases[i].file);
		struct bx_image img;
		struct bx_err err = {0};

		CASE(cases[i].file);
		CHECK_INT(bx_image_load_region(path, cases[i].x, cases[i].y, cases[i].w, cases[i].h,
		    cases[i].s, &lim, &img, &err), cases[i].code);
		if (cases[i].code != 0) {
			CHECK(img.pix == NULL);
			CHECK_MSG(strstr(err.msg, cases[i].words) != NULL, "message \"%s\" lacks \"%s\"",
			    err.msg, cases[i].words);
		} else {
			CHECK(img.pix != NULL && img.pix->w == cases[i].w && img.pix->h == cases[i].h);
		}
		bx_image_release(&img);
		free(path);
	}
}

/* A file cut at 60%: a region above the cut decodes, and is the same
 * pixels as from the whole file; one below it is refused. */
static void
test_region_cut(void)
{
	static const struct { const char *file; int h; const char *words; } cases[] = {
		{ "jpeg-region-420.jpg", 250, "truncated JPEG data" },
		{ "png-region-rgba.png", 83, "truncated PNG data" },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		char *path = data_path(cases[i].file), *data;
		struct bx_image a, b;
		struct bx_err err = {0};
		size_t len, cut;

		CASE(cases[i].file);
		CHECK(bx_read_file(path, 8 << 20, &data, &len, &err) == 0);
		cut = len * 6 / 10;
		CHECK_INT(bx_image_load_region_mem((uint8_t *)data, len, 5, 3, 60, 20, 1, NULL, &a, &err),
		    0);
		CHECK_INT(bx_image_load_region_mem((uint8_t *)data, cut, 5, 3, 60, 20, 1, NULL, &b, &err),
		    0);
		if (a.pix != NULL && b.pix != NULL)
			CHECK(memcmp(a.pix->px, b.pix->px, 60 * 20 * 3) == 0);
		bx_image_release(&a);
		bx_image_release(&b);
		CHECK_INT(bx_image_load_region_mem((uint8_t *)data, cut, 5, cases[i].h - 10, 60, 10, 1,
		    NULL, &b, &err),
		    BX_EINVAL);
		CHECK_STR(err.msg, cases[i].words);
		CHECK_INT(bx_image_load_mem((uint8_t *)data, cut, 0, 0, NULL, &b, &err), BX_EINVAL);
		CHECK_STR(err.msg, cases[i].words);
		free(data);
		free(path);
	}
}

/* ---- PNG overviews: area averages computed while streaming. ---- */

static void
test_png_overview(void)
{
	static const char *files[] = { "png-rgb8.png", "png-rgba16.png", "png-palette4-trns.png",
		"png-rgba16-adam7.png", "png-region-rgba.png", "png-region-rgba-adam7.png" };
	static const int wants[][2] = { { 7, 0 }, { 0, 5 }, { 10, 10 }, { 1, 1 }, { 23, 0 },
		{ 50, 2 }, { 0, 60 } };
	size_t i, k;

	for (i = 0; i < BX_ARRAY_LEN(files); i++) {
		char *path = data_path(files[i]);
		struct bx_image full, ov;
		struct bx_err err = {0};

		CASE(files[i]);
		CHECK_INT(bx_image_load(path, 0, 0, NULL, &full, &err), 0);
		if (full.pix == NULL) {
			free(path);
			continue;
		}
		for (k = 0; k < BX_ARRAY_LEN(wants); k++) {
			int ww = wants[k][0], wh = wants[k][1], W = full.full_w, H = full.full_h;
			int x, y, bad = 0;
			struct bx_raster *ref;

			CHECK_INT(bx_image_load(path, ww, wh, NULL, &ov, &err), 0);
			if (ov.pix == NULL)
				continue;
			CHECK_INT(ov.full_w, W);
			CHECK_INT(ov.full_h, H);
			if (ww >= W || wh >= H) {
				/* asked for full size: the full decode itself */
				CHECK(ov.pix->w == W && ov.pix->h == H &&
				    memcmp(ov.pix->px, full.pix->px, (size_t)W * H * 3) == 0);
				bx_image_release(&ov);
				continue;
			}
			/* covers the request, and is the smallest such of its aspect:
			 * one side is what was asked */
			CHECK(ov.pix->w >= ww && ov.pix->h >= wh);
			CHECK(ov.pix->w == ww || ov.pix->h == wh || (ov.pix->w == 1 && ov.pix->h == 1));
			CHECK_MSG(fabs((double)ov.pix->w / W - (double)ov.pix->h / H) <=
			    1.0 / W + 1.0 / H, "%dx%d of %dx%d: not one scale", ov.pix->w, ov.pix->h, W, H);
			ref = bx_raster_downscale(full.pix, ov.pix->w, ov.pix->h);
			for (y = 0; y < ov.pix->h; y++)
				for (x = 0; x < ov.pix->w; x++)
					if (!near_rgb(pixel(ov.pix, x, y), pixel(ref, x, y), 1) && bad++ == 0)
						fprintf(stderr, "    want %dx%d: (%d,%d) = %06x, average %06x\n",
						    ww, wh, x, y, pixel(ov.pix, x, y), pixel(ref, x, y));
			CHECK_INT(bad, 0);
			bx_raster_free(ref);
			bx_image_release(&ov);
		}
		bx_image_release(&full);
		free(path);
	}
}

/* The budget counts what an overview holds, not the image: a PNG over
 * the budget at full size still gives a small overview, an interlaced one
 * (decoded whole) does not. */
static void
test_png_overview_budget(void)
{
	struct bx_image_limits lim;
	struct bx_image img;
	struct bx_err err = {0};
	char *path = data_path("png-region-rgba.png"), *path7 = data_path("png-region-rgba-adam7.png");

	bx_image_limits_default(&lim);
	lim.max_pixels = 97 * 83 - 1;
	CHECK_INT(bx_image_load(path, 0, 0, &lim, &img, &err), BX_ELIMIT);
	CHECK_INT(bx_image_load(path, 40, 0, &lim, &img, &err), 0);
	if (img.pix != NULL) {
		CHECK_INT(img.pix->w, 40);
		CHECK_INT(img.pix->h, 35);   /* ceil(83 * 40 / 97) */
	}
	bx_image_release(&img);
	CHECK_INT(bx_image_load(path7, 40, 0, &lim, &img, &err), BX_ELIMIT);
	CHECK(strstr(err.msg, "interlaced PNG") != NULL);
	lim.max_pixels = 40 * 35 - 1;
	CHECK_INT(bx_image_load(path, 40, 0, &lim, &img, &err), BX_ELIMIT);
	CHECK(strstr(err.msg, "PNG overview needs 40x35") != NULL);
	free(path);
	free(path7);
}

BX_TESTS(T(test_png_good), T(test_checker), T(test_jpeg_good), T(test_exif_tolerated),
         T(test_bad), T(test_dct_scale), T(test_dct_scale_oriented), T(test_limits),
         T(test_probe_mem), T(test_region_fixtures), T(test_region_orientations),
         T(test_region_file), T(test_region_bad), T(test_region_cut), T(test_png_overview),
         T(test_png_overview_budget))
