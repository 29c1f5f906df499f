/* test-cells.c: the cell grid, text into cells, color quantization, raster
 * -> cells in every symbols x colors mode (golden files under
 * tests/data/golden/, regenerated with BOXEL_GOLDEN_UPDATE=1 and checked by
 * eye before committing), and the SGR text of a grid. */
#include <locale.h>
#include <math.h>

#include "boxel/ansi.h"
#include "boxel/cells.h"
#include "boxel/util.h"
#include "harness.h"

#define IDX(n) (BX_COLOR_INDEXED | (n))

static struct bx_raster *
make(int w, int h, const uint32_t *px)
{
	struct bx_raster *r = bx_raster_new(w, h);
	int i;

	for (i = 0; i < w * h; i++)
		bx_raster_set(r, i % w, i / w, px[i]);
	return r;
}

/* ---- colors ---- */

static void
test_color_256(void)
{
	static const struct { uint32_t rgb; int idx; } cases[] = {
		{ 0xff0000, 196 }, /* cube (5,0,0) = 16 + 180 */
		{ 0x00ff00, 46 },  /* 16 + 6*5 */
		{ 0x0000ff, 21 },
		{ 0xffffff, 231 },
		{ 0x000000, 16 },  /* cube black, not palette 0 */
		{ 0x808080, 244 }, /* gray ramp 8 + 10*12 = 128 exactly */
		{ 0x080808, 232 },
		{ 0xeeeeee, 255 },
		{ 0x5f87af, 67 },  /* exact cube color (1,2,3): 16+36+12+3 */
		{ 0x303030, 236 }, /* 48: ramp 48 (236) beats cube 95/0 */
	};
	size_t i;
	int r, g, b;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE("to_256 table");
		CHECK_INT(bx_color_to_256(cases[i].rgb), cases[i].idx);
	}
	CHECK_INT(bx_color_256_rgb(196), 0xff0000);
	CHECK_INT(bx_color_256_rgb(232), 0x080808);
	CHECK_INT(bx_color_256_rgb(255), 0xeeeeee);
	CHECK_INT(bx_color_256_rgb(67), 0x5f87af);
	CHECK_INT(bx_color_256_rgb(9), 0xff0000);
	/* Over a lattice of colors: never 0..15, grays land on the ramp or
	 * the cube's grays, and the choice is the nearest of 16..255 by brute
	 * force. */
	for (r = 0; r < 256; r += 15)
		for (g = 0; g < 256; g += 17)
			for (b = 0; b < 256; b += 51) {
				uint32_t c = BX_RGB(r, g, b);
				int got = bx_color_to_256(c), k, best = 1 << 30;

				for (k = 16; k < 256; k++) {
					uint32_t q = bx_color_256_rgb(k);
					int dr = r - (int)BX_RGB_R(q), dg = g - (int)BX_RGB_G(q);
					int db = b - (int)BX_RGB_B(q), d = dr * dr + dg * dg + db * db;

					if (d < best)
						best = d;
				}
				{
					uint32_t q = bx_color_256_rgb(got);
					int dr = r - (int)BX_RGB_R(q), dg = g - (int)BX_RGB_G(q);
					int db = b - (int)BX_RGB_B(q);

					CASE("to_256 lattice");
					CHECK(got >= 16 && got <= 255);
					CHECK_INT(dr * dr + dg * dg + db * db, best);
				}
			}
	for (r = 0; r < 256; r += 5) {
		int got = bx_color_to_256(BX_RGB(r, r, r));

		CASE("gray");
		CHECK(got >= 232 || got == 16 || got == 59 || got == 102 || got == 145 ||
		      got == 188 || got == 231);
	}
}

static void
test_color_16(void)
{
	static const struct { uint32_t rgb; int idx; } cases[] = {
		{ 0x000000, 0 }, { 0xff0000, 9 }, { 0xcd0000, 1 }, { 0xc00000, 1 },
		{ 0x00ff00, 10 }, { 0xffffff, 15 }, { 0x808080, 8 }, { 0x0000ff, 4 },
		{ 0x6060ff, 12 },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE("to_16");
		CHECK_INT(bx_color_to_16(cases[i].rgb), cases[i].idx);
	}
	CHECK_INT(bx_color_quantize(0xff0000, BX_COLORS_FULL), 0xff0000);
	CHECK_INT(bx_color_quantize(0xff0000, BX_COLORS_256), IDX(196));
	CHECK_INT(bx_color_quantize(0xff0000, BX_COLORS_16), IDX(9));
}

/* ---- raster -> cells, direct ---- */

static void
test_half(void)
{
	static const uint32_t px[] = { 0xff0000, 0x123456, 0xfa0505,
	                               0x0000ff, 0x123456, 0xff0000 };
	struct bx_raster *r = make(3, 2, px);
	struct bx_grid *g = bx_grid_new(5, 2);
	struct bx_cell *c;

	/* One row of cells at (1, 1): top pixel = background. */
	CHECK_INT(bx_cells_render(r, BX_SYMBOLS_HALF, BX_COLORS_FULL, g, 1, 1), 3);
	c = bx_grid_at(g, 1, 1);
	CHECK_INT(c->ch, 0x2584);
	CHECK_INT(c->fg, 0x0000ff);
	CHECK_INT(c->bg, 0xff0000);
	c = bx_grid_at(g, 2, 1); /* equal halves: a space */
	CHECK_INT(c->ch, ' ');
	CHECK_INT(c->bg, 0x123456);
	c = bx_grid_at(g, 3, 1); /* close but different in full color */
	CHECK_INT(c->ch, 0x2584);
	CHECK_INT(bx_grid_at(g, 0, 1)->bg, BX_COLOR_DEFAULT); /* untouched */
	CHECK_INT(bx_grid_at(g, 1, 0)->bg, BX_COLOR_DEFAULT);
	/* In 256 colors both quantize to 196: a space. */
	bx_cells_render(r, BX_SYMBOLS_HALF, BX_COLORS_256, g, 1, 1);
	c = bx_grid_at(g, 3, 1);
	CHECK_INT(c->ch, ' ');
	CHECK_INT(c->bg, IDX(196));
	CHECK_INT(bx_grid_at(g, 1, 1)->fg, IDX(21));
	/* Clipped at the grid's edge: only 2 of 3 cells fit from x = 3. */
	CHECK_INT(bx_cells_render(r, BX_SYMBOLS_HALF, BX_COLORS_FULL, g, 3, 0), 2);
	CHECK_INT(bx_cells_render(r, BX_SYMBOLS_HALF, BX_COLORS_FULL, g, -10, 0), 0);
	bx_grid_free(g);
	bx_raster_free(r);
	/* Odd height: the last row repeats its pixel -> a space of it. */
	{
		static const uint32_t p1[] = { 0x00ff00 };

		r = make(1, 1, p1);
		g = bx_grid_new(1, 1);
		bx_cells_render(r, BX_SYMBOLS_HALF, BX_COLORS_FULL, g, 0, 0);
		CHECK_INT(g->c[0].ch, ' ');
		CHECK_INT(g->c[0].bg, 0x00ff00);
		bx_grid_free(g);
		bx_raster_free(r);
	}
}

static void
test_quad_choice(void)
{
	static const struct {
		const char *name;
		uint32_t px[4]; /* TL, TR, BL, BR */
		uint32_t ch, fg, bg;
	} cases[] = {
		{ "top/bottom", { 0xff0000, 0xff0000, 0x0000ff, 0x0000ff }, 0x2584, 0x0000ff, 0xff0000 },
		{ "left/right", { 0x00ff00, 0x000000, 0x00ff00, 0x000000 }, 0x2590, 0x000000, 0x00ff00 },
		{ "diagonal", { 0xffffff, 0x000000, 0x000000, 0xffffff }, 0x259a, 0xffffff, 0x000000 },
		/* Ink always includes the bottom-right pixel: this split is drawn as
		 * U+259A in black over white, not U+259E in white over black. */
		{ "anti-diagonal", { 0x000000, 0xffffff, 0xffffff, 0x000000 }, 0x259a, 0x000000, 0xffffff },
		{ "top-left alone", { 0xff0000, 0x0000ff, 0x0000ff, 0x0000ff }, 0x259f, 0x0000ff, 0xff0000 },
		{ "bottom-right alone", { 0x0000ff, 0x0000ff, 0x0000ff, 0xff0000 }, 0x2597, 0xff0000, 0x0000ff },
		{ "top-right alone", { 0x000000, 0xffffff, 0x000000, 0x000000 }, 0x2599, 0x000000, 0xffffff },
		{ "bottom-left alone", { 0x000000, 0x000000, 0xffffff, 0x000000 }, 0x259c, 0x000000, 0xffffff },
		{ "uniform", { 0x445566, 0x445566, 0x445566, 0x445566 }, ' ', 0x445566, 0x445566 },
		/* Near-black top, near-white bottom: split top/bottom, each side
		 * its mean: (0+10)/2 = 5; (250+240)/2 = 245. */
		{ "means", { 0x000000, 0x0a0a0a, 0xfafafa, 0xf0f0f0 }, 0x2584, 0xf5f5f5, 0x050505 },
		/* Three dark, one bright: the bright one alone (BR). */
		{ "outlier", { 0x101010, 0x141414, 0x121212, 0xe0e0e0 }, 0x2597, 0xe0e0e0, 0x121212 },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		struct bx_raster *r = make(2, 2, cases[i].px);
		struct bx_grid *g = bx_grid_new(1, 1);

		CASE(cases[i].name);
		CHECK_INT(bx_cells_render(r, BX_SYMBOLS_QUAD, BX_COLORS_FULL, g, 0, 0), 1);
		CHECK_INT(g->c[0].ch, cases[i].ch);
		CHECK_INT(g->c[0].bg, cases[i].bg);
		if (cases[i].ch != ' ')
			CHECK_INT(g->c[0].fg, cases[i].fg);
		bx_grid_free(g);
		bx_raster_free(r);
	}
}

/* ---- golden files ---- */

static void
put_color(struct bx_buf *b, uint32_t c)
{
	if (c & BX_COLOR_DEFAULT)
		bx_buf_puts(b, "default");
	else if (c & BX_COLOR_INDEXED)
		bx_buf_printf(b, "i%u", c & 0xff);
	else
		bx_buf_printf(b, "#%06x", c);
}

/* Every cell as "glyph fg/bg", then the SGR text with ESC shown as \e. */
static void
serialize(const struct bx_grid *g, struct bx_buf *b)
{
	struct bx_buf sgr;
	int x, y;
	size_t i;

	for (y = 0; y < g->h; y++) {
		for (x = 0; x < g->w; x++) {
			const struct bx_cell *c = bx_grid_at(g, x, y);
			char u[5] = { 0 };

			bx_utf8_encode(c->ch, u);
			bx_buf_printf(b, "%s[%s ", x ? "  " : "", u);
			put_color(b, c->fg);
			bx_buf_putc(b, '/');
			put_color(b, c->bg);
			bx_buf_putc(b, ']');
		}
		bx_buf_putc(b, '\n');
	}
	bx_buf_init(&sgr);
	bx_ansi_grid(g, &sgr);
	bx_buf_puts(b, "sgr:\n");
	for (i = 0; i < sgr.len; i++) {
		if (sgr.p[i] == '\033')
			bx_buf_puts(b, "\\e");
		else
			bx_buf_putc(b, sgr.p[i]);
	}
	bx_buf_free(&sgr);
}

static void
golden(const char *name, const struct bx_raster *r)
{
	static const char *sym_name[] = { "half", "quad" };
	static const char *col_name[] = { "full", "256", "16" };
	const char *dir = getenv("BOXEL_TEST_DATA");
	struct bx_buf b;
	char path[1024];
	int s, c;

	bx_buf_init(&b);
	for (s = BX_SYMBOLS_HALF; s <= BX_SYMBOLS_QUAD; s++)
		for (c = BX_COLORS_FULL; c <= BX_COLORS_16; c++) {
			int cols = s == BX_SYMBOLS_QUAD ? (r->w + 1) / 2 : r->w;
			struct bx_grid *g = bx_grid_new(cols, (r->h + 1) / 2);

			bx_buf_printf(&b, "== %s %s\n", sym_name[s], col_name[c]);
			bx_cells_render(r, s, c, g, 0, 0);
			serialize(g, &b);
			bx_grid_free(g);
		}
	CASE(name);
	CHECK(dir != NULL);
	if (dir == NULL)
		return;
	snprintf(path, sizeof path, "%s/golden/%s.txt", dir, name);
	if (getenv("BOXEL_GOLDEN_UPDATE") != NULL) {
		FILE *f = fopen(path, "w");

		CHECK(f != NULL);
		if (f != NULL) {
			fwrite(b.p, 1, b.len, f);
			fclose(f);
		}
	} else {
		char *want = NULL;
		size_t len = 0;
		struct bx_err err;

		CHECK_MSG(bx_read_file(path, 1 << 20, &want, &len, &err) == 0, "%s", err.msg);
		if (want != NULL && (len != b.len || memcmp(want, b.p, len) != 0)) {
			CHECK_MSG(0, "%s differs; this run gave:\n%s", path, b.p);
		} else
			CHECK(want != NULL);
		free(want);
	}
	bx_buf_free(&b);
}

static void
test_golden(void)
{
	/* 4x4: primaries, black/white/grays, a near-red that 256 colors merge. */
	static const uint32_t prim[] = {
		0xff0000, 0x00ff00, 0x0000ff, 0xffffff,
		0xff0000, 0x000000, 0x0000ff, 0x808080,
		0xffff00, 0x00ffff, 0xff00ff, 0x404040,
		0xfa0505, 0x000000, 0xff8000, 0xc8c8c8,
	};
	/* 4x2: a diagonal quadrant and a lone bottom-right pixel. */
	static const uint32_t quad[] = {
		0xffffff, 0x000000, 0xff0000, 0xff0000,
		0x000000, 0xffffff, 0xff0000, 0x0000ff,
	};
	/* 6x3: a gray ramp left to right, odd height (last row repeats). */
	uint32_t ramp[18];
	struct bx_raster *r;
	int i;

	for (i = 0; i < 18; i++)
		ramp[i] = BX_RGB(51 * (i % 6), 51 * (i % 6), 40 * (i / 6));
	r = make(4, 4, prim);
	golden("primaries", r);
	bx_raster_free(r);
	r = make(4, 2, quad);
	golden("quadrants", r);
	bx_raster_free(r);
	r = make(6, 3, ramp);
	golden("ramp", r);
	bx_raster_free(r);
}

/* ---- SGR text ---- */

static void
test_ansi(void)
{
	struct bx_grid *g = bx_grid_new(3, 2);
	struct bx_buf b;

	bx_buf_init(&b);
	/* Defaults only: no escapes at all. */
	bx_ansi_grid(g, &b);
	CHECK_STR(b.p, "   \n   \n");
	/* Row 0: two equal half blocks share one combined SGR; a space keeps the
	 * foreground (it shows none). Row 1: indexed colors, low 16 as 9x/4x. */
	bx_grid_resize(g, 3, 2);
	g->c[0] = (struct bx_cell){ 0x2584, 0x0000ff, 0xff0000, 0 };
	g->c[1] = (struct bx_cell){ 0x2584, 0x0000ff, 0xff0000, 0 };
	g->c[2] = (struct bx_cell){ ' ', 0x00ff00, 0x102030, 0 };
	g->c[3] = (struct bx_cell){ 0x2584, IDX(196), IDX(21), 0 };
	g->c[4] = (struct bx_cell){ 'x', IDX(9), IDX(1), BX_CELL_BOLD };
	g->c[5] = (struct bx_cell){ 'y', BX_COLOR_DEFAULT, IDX(1), 0 };
	bx_buf_reset(&b);
	bx_ansi_grid(g, &b);
	CHECK_STR(b.p,
	    "\033[38;2;0;0;255;48;2;255;0;0m\xe2\x96\x84\xe2\x96\x84"
	    "\033[48;2;16;32;48m \033[0m\n"
	    "\033[38;5;196;48;5;21m\xe2\x96\x84"
	    "\033[1;91;41mx\033[22;39my\033[0m\n");
	/* A half block whose colors are the current ones swapped goes out as
	 * its mirror, with no SGR at all. */
	bx_grid_resize(g, 2, 1);
	g->c[0] = (struct bx_cell){ 0x2584, 0x0000ff, 0xff0000, 0 };
	g->c[1] = (struct bx_cell){ 0x2584, 0xff0000, 0x0000ff, 0 };
	bx_buf_reset(&b);
	bx_ansi_grid(g, &b);
	CHECK_STR(b.p, "\033[38;2;0;0;255;48;2;255;0;0m\xe2\x96\x84\xe2\x96\x80\033[0m\n");
	/* Wide characters: the tail cell is not printed. */
	bx_grid_resize(g, 3, 1);
	setlocale(LC_CTYPE, "C.UTF-8");
	bx_grid_put_text(g, 0, 0, "\xe6\x97\xa5z", BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0, -1);
	bx_buf_reset(&b);
	bx_ansi_grid(g, &b);
	CHECK_STR(b.p, "\xe6\x97\xa5z\n");
	bx_buf_free(&b);
	bx_grid_free(g);
}

/* ---- grid text ---- */

static void
test_put_text(void)
{
	struct bx_grid *g = bx_grid_new(5, 2);
	int n;

	setlocale(LC_CTYPE, "C.UTF-8");
	CHECK_INT(bx_grid_put_text(g, 1, 0, "abc", 0xffffff, 0, BX_CELL_BOLD, -1), 3);
	CHECK_INT(bx_grid_at(g, 1, 0)->ch, 'a');
	CHECK_INT(bx_grid_at(g, 3, 0)->ch, 'c');
	CHECK_INT(bx_grid_at(g, 3, 0)->attr, BX_CELL_BOLD);
	CHECK_INT(bx_grid_at(g, 4, 0)->ch, ' ');
	/* Cut at max_cols and at the edge. */
	CHECK_INT(bx_grid_put_text(g, 0, 1, "hello world", 0, 0, 0, 2), 2);
	CHECK_INT(bx_grid_at(g, 2, 1)->ch, ' ');
	CHECK_INT(bx_grid_put_text(g, 3, 1, "hello", 0, 0, 0, -1), 2);
	/* Escapes and invalid UTF-8 become '?'. */
	CHECK_INT(bx_grid_put_text(g, 0, 0, "\033[\xff", 0, 0, 0, -1), 3);
	CHECK_INT(bx_grid_at(g, 0, 0)->ch, '?');
	CHECK_INT(bx_grid_at(g, 1, 0)->ch, '[');
	CHECK_INT(bx_grid_at(g, 2, 0)->ch, '?');
	/* Wide: head + tail; no room for the second -> a space. */
	bx_grid_resize(g, 5, 1);
	n = bx_grid_put_text(g, 0, 0, "\xe6\x97\xa5\xe6\x9c\xac", 0, 0, 0, 3);
	CHECK_INT(n, 3);
	CHECK_INT(bx_grid_at(g, 0, 0)->ch, 0x65e5);
	CHECK(bx_grid_at(g, 1, 0)->attr & BX_CELL_WIDE_TAIL);
	CHECK_INT(bx_grid_at(g, 2, 0)->ch, ' ');
	/* Zero-width combining mark dropped. */
	CHECK_INT(bx_grid_put_text(g, 3, 0, "e\xcc\x81", 0, 0, 0, -1), 1);
	/* Overwriting the tail of a wide character blanks its head. */
	CHECK_INT(bx_grid_put_text(g, 1, 0, "x", 0, 0, 0, -1), 1);
	CHECK_INT(bx_grid_at(g, 0, 0)->ch, ' ');
	CHECK_INT(bx_grid_at(g, 1, 0)->ch, 'x');
	CHECK(!(bx_grid_at(g, 1, 0)->attr & BX_CELL_WIDE_TAIL));
	/* Overwriting a head drops its tail. */
	bx_grid_put_text(g, 0, 0, "\xe6\x97\xa5", 0, 0, 0, -1);
	bx_grid_put_text(g, 0, 0, "a", 0, 0, 0, -1);
	CHECK(!(bx_grid_at(g, 1, 0)->attr & BX_CELL_WIDE_TAIL));
	/* Outside: nothing. */
	CHECK_INT(bx_grid_put_text(g, 5, 0, "a", 0, 0, 0, -1), 0);
	CHECK_INT(bx_grid_put_text(g, -1, 0, "a", 0, 0, 0, -1), 0);
	CHECK_INT(bx_grid_put_text(g, 0, 1, "a", 0, 0, 0, -1), 0);
	/* fill clips */
	bx_grid_fill(g, -3, -3, 100, 100, '#', 1, 2, 0);
	CHECK_INT(bx_grid_at(g, 4, 0)->ch, '#');
	CHECK_INT(bx_grid_at(g, 0, 0)->bg, 2);
	bx_grid_free(g);
}

/* Seeded random rasters rendered at random offsets (including off the
 * grid): exactly the overlapping cells are written, nothing else. */
static void
test_render_clipping(void)
{
	uint32_t seed = 777;
	int iter;

	for (iter = 0; iter < 600; iter++) {
		int rw, rh, gw, gh, gx, gy, sym, col, cols, rows, x, y, n, want = 0, stray = 0;
		struct bx_raster *r;
		struct bx_grid *g;

#define RND(m) ((int)((seed = seed * 1103515245u + 12345u) >> 8) % (m))
		rw = 1 + RND(9); rh = 1 + RND(9); gw = 1 + RND(9); gh = 1 + RND(9);
		gx = RND(21) - 10; gy = RND(21) - 10; sym = RND(2); col = RND(3);
		r = bx_raster_new(rw, rh);
		for (x = 0; x < rw * rh * 3; x++)
			r->px[x] = (uint8_t)RND(256);
#undef RND
		g = bx_grid_new(gw, gh);
		n = bx_cells_render(r, (enum bx_symbols)sym, (enum bx_colors)col, g, gx, gy);
		cols = sym == BX_SYMBOLS_QUAD ? (rw + 1) / 2 : rw;
		rows = (rh + 1) / 2;
		for (y = 0; y < gh; y++)
			for (x = 0; x < gw; x++) {
				int in = x >= gx && x < gx + cols && y >= gy && y < gy + rows;
				const struct bx_cell *c = bx_grid_at(g, x, y);

				want += in;
				if (!in)
					stray += c->bg != BX_COLOR_DEFAULT;
				else if (col != BX_COLORS_FULL)
					stray += !(c->bg & BX_COLOR_INDEXED) ||
					         (col == BX_COLORS_16 ? (c->bg & 0xff) > 15 : (c->bg & 0xff) < 16);
			}
		CASE("render clipping");
		CHECK_INT(n, want);
		CHECK_INT(stray, 0);
		bx_grid_free(g);
		bx_raster_free(r);
	}
}

/* 16 colors: flat grays between palette colors keep their brightness on
 * average (ordered dithering), where the nearest color alone is far off. */
static double
lum(uint32_t rgb)
{
	return 0.299 * BX_RGB_R(rgb) + 0.587 * BX_RGB_G(rgb) + 0.114 * BX_RGB_B(rgb);
}

static void
test_dither_16(void)
{
	static const int grays[] = { 24, 40, 60, 90, 150, 180, 210 };
	size_t i;
	int x, y, s, distinct;

	for (i = 0; i < BX_ARRAY_LEN(grays); i++)
		for (s = BX_SYMBOLS_HALF; s <= BX_SYMBOLS_QUAD; s++) {
			int v = grays[i], cols, seen[16] = { 0 };
			struct bx_raster *r = bx_raster_new(32, 32);
			struct bx_grid *g;
			double sum = 0, nearest;

			memset(r->px, v, 32 * 32 * 3);
			cols = s == BX_SYMBOLS_QUAD ? 16 : 32;
			g = bx_grid_new(cols, 16);
			bx_cells_render(r, (enum bx_symbols)s, BX_COLORS_16, g, 0, 0);
			for (y = 0; y < 16; y++)
				for (x = 0; x < cols; x++) {
					const struct bx_cell *c = bx_grid_at(g, x, y);
					double f = lum(bx_color_256_rgb((int)(c->fg & 0xff)));
					double b = lum(bx_color_256_rgb((int)(c->bg & 0xff)));
					/* what the cell shows: a space its background, a
					 * full block its ink, a half block half of each */
					sum += c->ch == ' ' ? b : c->ch == 0x2588 ? f : (f + b) / 2;
					if (c->ch != ' ')
						seen[c->fg & 15] = 1;
					if (c->ch != 0x2588)
						seen[c->bg & 15] = 1;
				}
			sum /= (double)cols * 16;
			nearest = lum(bx_color_256_rgb(bx_color_to_16(BX_RGB(v, v, v))));
			for (distinct = 0, x = 0; x < 16; x++)
				distinct += seen[x];
			CASE(s == BX_SYMBOLS_QUAD ? "dither: gray, quad" : "dither: gray, half");
			CHECK_MSG(fabs(sum - v) < 16, "mean luminance %.1f for gray %d (nearest color alone: %.1f)",
			          sum, v, nearest);
			CHECK(distinct >= 2 || fabs(nearest - v) < 8);
			bx_grid_free(g);
			bx_raster_free(r);
		}
	/* The case this is for: a dark gray alone would go black. */
	CASE("dither: gray 40 alone is black");
	CHECK_INT(bx_color_to_16(BX_RGB(40, 40, 40)), 0);
}

/* 8 colors (TERM=xterm): a photo's mid tones must keep their brightness
 * by dithering onto the 8 ANSI colors, not collapse to black (what mapping
 * the 16-color image onto 8 did). */
static void
test_dither_8(void)
{
	static const uint32_t tones[] = { 0x808080, 0x3c5a8c, 0x6e5a3c, 0xc8c8c8 };
	struct bx_raster *r = bx_raster_new(16, 16);
	struct bx_grid *g = bx_grid_new(16, 8);
	size_t t;
	int x, y, idx, lum;

	CHECK_INT(bx_color_to_8(BX_RGB(250, 10, 10)), 1);
	CHECK_INT(bx_color_to_8(BX_RGB(240, 240, 240)), 7);
	CHECK_INT(bx_color_quantize(0xff0000, BX_COLORS_8), IDX(1));
	for (t = 0; t < BX_ARRAY_LEN(tones); t++) {
		long sum = 0, want = 0, black = 0;
		CASE(t == 0 ? "gray 128" : t == 1 ? "dark blue" : t == 2 ? "brown" : "light gray");
		bx_raster_clear(r, tones[t]);
		bx_cells_render(r, BX_SYMBOLS_HALF, BX_COLORS_8, g, 0, 0);
		for (y = 0; y < 8; y++)
			for (x = 0; x < 16; x++) {
				const struct bx_cell *c = bx_grid_at(g, x, y);
				uint32_t v[2] = { c->bg, c->ch == ' ' ? c->bg : c->fg };
				int k;
				for (k = 0; k < 2; k++) {
					CHECK((v[k] & BX_COLOR_INDEXED) && (v[k] & 0xff) < 8);
					idx = (int)(v[k] & 0xff);
					lum = (BX_RGB_R(bx_color_256_rgb(idx)) + BX_RGB_G(bx_color_256_rgb(idx)) +
					       BX_RGB_B(bx_color_256_rgb(idx))) / 3;
					sum += lum;
					black += idx == 0;
				}
			}
		want = (BX_RGB_R(tones[t]) + BX_RGB_G(tones[t]) + BX_RGB_B(tones[t])) / 3;
		/* The mean brightness of the cells stays near the tone's. */
		CHECK_MSG(labs(sum / 256 - want) <= 45, "mean %ld, tone %ld", sum / 256, want);
		CHECK_MSG(black < 256, "all %ld pixels black", black);
	}
	bx_grid_free(g);
	bx_raster_free(r);
}

BX_TESTS(T(test_color_256), T(test_color_16), T(test_half), T(test_quad_choice),
         T(test_golden), T(test_ansi), T(test_put_text), T(test_render_clipping),
         T(test_dither_16), T(test_dither_8))
