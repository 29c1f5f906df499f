/* cells.c: the cell grid, text into cells, raster -> cells conversion and
 * color quantization (see cells.h). Works in cells (column x, row y, origin
 * top-left); a cell covers 1x2 raster pixels (half) or 2x2 (quad). */
#include <stdlib.h>
#include <string.h>

#include "boxel/cells.h"
#include "boxel/util.h"

static void
grid_blank(struct bx_grid *g)
{
	int i;

	for (i = 0; i < g->w * g->h; i++) {
		g->c[i].ch = ' ';
		g->c[i].fg = BX_COLOR_DEFAULT;
		g->c[i].bg = BX_COLOR_DEFAULT;
		g->c[i].attr = 0;
	}
}

struct bx_grid *
bx_grid_new(int w, int h)
{
	struct bx_grid *g = bx_malloc(sizeof *g);

	g->w = w > 0 ? w : 0;
	g->h = h > 0 ? h : 0;
	g->c = bx_malloc(sizeof *g->c * (size_t)(w > 0 ? w : 1) * (size_t)(h > 0 ? h : 1));
	grid_blank(g);
	return g;
}

void
bx_grid_free(struct bx_grid *g)
{
	if (g == NULL)
		return;
	free(g->c);
	free(g);
}

void
bx_grid_resize(struct bx_grid *g, int w, int h)
{
	g->w = w > 0 ? w : 0;
	g->h = h > 0 ? h : 0;
	g->c = bx_realloc(g->c, sizeof *g->c * (size_t)(w > 0 ? w : 1) * (size_t)(h > 0 ? h : 1));
	grid_blank(g);
}

struct bx_cell *
bx_grid_at(const struct bx_grid *g, int x, int y)
{
	if (g == NULL || x < 0 || y < 0 || x >= g->w || y >= g->h)
		return NULL;
	return &g->c[(size_t)y * (size_t)g->w + (size_t)x];
}

/* Before overwriting cells [x, x+n) of row y: a wide character cut in half
 * by the write loses its other half (it becomes a space of its colors). */
static void
unsplit(struct bx_grid *g, int x, int n, int y)
{
	struct bx_cell *c;

	c = bx_grid_at(g, x, y);
	if (c != NULL && (c->attr & BX_CELL_WIDE_TAIL) && (c = bx_grid_at(g, x - 1, y)) != NULL)
		c->ch = ' ';
	c = bx_grid_at(g, x + n, y);
	if (c != NULL && (c->attr & BX_CELL_WIDE_TAIL)) {
		c->ch = ' ';
		c->attr &= (uint16_t)~BX_CELL_WIDE_TAIL;
	}
}

void
bx_grid_fill(struct bx_grid *g, int x, int y, int w, int h, uint32_t ch, uint32_t fg,
             uint32_t bg, uint16_t attr)
{
	int i, j, x1, y1;

	if (g == NULL)
		return;
	x1 = (int)((int64_t)x + w > g->w ? g->w : (int64_t)x + w);
	y1 = (int)((int64_t)y + h > g->h ? g->h : (int64_t)y + h);
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	for (j = y; j < y1; j++) {
		if (x < x1)
			unsplit(g, x, x1 - x, j);
		for (i = x; i < x1; i++) {
			struct bx_cell *c = &g->c[(size_t)j * (size_t)g->w + (size_t)i];

			c->ch = ch;
			c->fg = fg;
			c->bg = bg;
			c->attr = attr;
		}
	}
}

int
bx_grid_put_text(struct bx_grid *g, int x, int y, const char *utf8, uint32_t fg, uint32_t bg,
                 uint16_t attr, int max_cols)
{
	size_t i = 0, n;
	int col = 0, limit;

	if (g == NULL || utf8 == NULL || x < 0 || y < 0 || x >= g->w || y >= g->h)
		return 0;
	limit = g->w - x;
	if (max_cols >= 0 && max_cols < limit)
		limit = max_cols;
	attr &= (uint16_t)~BX_CELL_WIDE_TAIL;
	n = strlen(utf8);
	while (i < n && col < limit) {
		uint32_t cp;
		int len = bx_utf8_decode(utf8 + i, n - i, &cp), wd;
		struct bx_cell *c;

		/* The same rules as bx_sanitize. */
		if (len == 0) {
			cp = '?';
			len = 1;
		} else if (cp == '\t' || cp == '\n' || cp == '\r')
			cp = ' ';
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		         (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			cp = '?';
		i += (size_t)len;
		wd = bx_wcwidth(cp);
		if (wd <= 0)
			continue;
		if (wd == 2 && col + 2 > limit) {
			cp = ' '; /* no room for the second half */
			wd = 1;
		}
		unsplit(g, x + col, wd, y);
		c = bx_grid_at(g, x + col, y);
		c->ch = cp;
		c->fg = fg;
		c->bg = bg;
		c->attr = attr;
		if (wd == 2) {
			c = bx_grid_at(g, x + col + 1, y);
			c->ch = ' ';
			c->fg = fg;
			c->bg = bg;
			c->attr = attr | BX_CELL_WIDE_TAIL;
		}
		col += wd;
	}
	return col;
}

/* ---- Colors ---- */

static const uint32_t xterm16[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};
static const uint8_t cube_level[6] = { 0, 95, 135, 175, 215, 255 };

static int
dist2(uint32_t a, uint32_t b)
{
	int dr = BX_RGB_R(a) - BX_RGB_R(b), dg = BX_RGB_G(a) - BX_RGB_G(b);
	int db = BX_RGB_B(a) - BX_RGB_B(b);

	return dr * dr + dg * dg + db * db;
}

/* Nearest cube level index for one channel (midpoints between levels). */
static int
cube_index(int v)
{
	if (v < 48)
		return 0;
	if (v < 115)
		return 1;
	return (v - 35) / 40; /* 115..154 -> 2, ..., 235..255 -> 5 */
}

uint32_t
bx_color_256_rgb(int idx)
{
	if (idx < 0 || idx > 255)
		return 0;
	if (idx < 16)
		return xterm16[idx];
	if (idx < 232) {
		idx -= 16;
		return BX_RGB(cube_level[idx / 36], cube_level[idx / 6 % 6], cube_level[idx % 6]);
	}
	idx = 8 + 10 * (idx - 232);
	return BX_RGB(idx, idx, idx);
}

int
bx_color_to_256(uint32_t rgb)
{
	int r = BX_RGB_R(rgb), g = BX_RGB_G(rgb), b = BX_RGB_B(rgb);
	int cube = 16 + 36 * cube_index(r) + 6 * cube_index(g) + cube_index(b);
	int sum = r + g + b, gi;

	/* The best gray for rgb is the ramp step (8 + 10 i) nearest to the mean
	 * sum / 3: i = round((sum / 3 - 8) / 10) = floor((sum - 9) / 30). */
	gi = sum < 9 ? 0 : (sum - 9) / 30;
	if (gi > 23)
		gi = 23;
	if (dist2(rgb, bx_color_256_rgb(232 + gi)) < dist2(rgb, bx_color_256_rgb(cube)))
		return 232 + gi;
	return cube;
}

/* The nearest of the first n xterm colors. */
static int
nearest_xterm(uint32_t rgb, int n)
{
	int i, best = 0, bd = dist2(rgb, xterm16[0]);

	for (i = 1; i < n; i++) {
		int d = dist2(rgb, xterm16[i]);

		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	return best;
}

int
bx_color_to_8(uint32_t rgb)
{
	return nearest_xterm(rgb, 8);
}

int
bx_color_to_16(uint32_t rgb)
{
	return nearest_xterm(rgb, 16);
}

uint32_t
bx_color_quantize(uint32_t rgb, enum bx_colors colors)
{
	rgb &= 0xffffff;
	switch (colors) {
	case BX_COLORS_256:
		return BX_COLOR_INDEXED | (uint32_t)bx_color_to_256(rgb);
	case BX_COLORS_16:
		return BX_COLOR_INDEXED | (uint32_t)bx_color_to_16(rgb);
	case BX_COLORS_8:
		return BX_COLOR_INDEXED | (uint32_t)bx_color_to_8(rgb);
	default:
		return rgb;
	}
}

/* ---- Raster -> cells ---- */

void
bx_cells_raster_size(enum bx_symbols sym, int cols, int rows, int *w_out, int *h_out)
{
	*w_out = sym == BX_SYMBOLS_QUAD ? 2 * cols : cols;
	*h_out = 2 * rows;
}

/* A small cache in front of quantization: photos repeat colors along a row,
 * and the 16-color search is 16 distance computations. */
struct qcache {
	uint32_t key[64], val[64];
	enum bx_colors mode;
};

static uint32_t
quant(struct qcache *q, uint32_t rgb)
{
	unsigned h;

	if (q->mode == BX_COLORS_FULL)
		return rgb;
	h = (rgb * 2654435761u) >> 26;
	if (q->key[h] != rgb) {
		q->key[h] = rgb;
		q->val[h] = bx_color_quantize(rgb, q->mode);
	}
	return q->val[h];
}

/* 16 colors are too few for photos: nearest-color alone turns a dark
 * scene black. In 16-color mode each pixel is nudged by a 4x4 Bayer
 * threshold (ordered dithering) before the search, so areas between two
 * palette colors become a fine mix of both and keep their mean brightness.
 * Ordered rather than error diffusion: the same pixel always gives the same
 * cell, so a redraw of an unchanged image sends nothing. */
static const int8_t bayer4[4][4] = {
	{ 0, 8, 2, 10 }, { 12, 4, 14, 6 }, { 3, 11, 1, 9 }, { 15, 7, 13, 5 },
};
#define DITHER_SPREAD 128 /* per channel, lowest to highest threshold: about the
                            * gap between neighbouring grays of the palette */
#define DITHER_SPREAD_8 205 /* 8 colors: each channel is 0 or 205, so the
                             * threshold spans the whole gap */

static uint32_t
dither(uint32_t rgb, int x, int y, int spread)
{
	int d = (2 * bayer4[y & 3][x & 3] - 15) * spread / 30, c[3], k;

	c[0] = BX_RGB_R(rgb) + d;
	c[1] = BX_RGB_G(rgb) + d;
	c[2] = BX_RGB_B(rgb) + d;
	for (k = 0; k < 3; k++)
		c[k] = c[k] < 0 ? 0 : c[k] > 255 ? 255 : c[k];
	return BX_RGB(c[0], c[1], c[2]);
}

/* The color of the pixel at raster (x, y), quantized for the mode. */
static uint32_t
quant_at(struct qcache *q, uint32_t rgb, int x, int y)
{
	if (q->mode == BX_COLORS_16)
		return quant(q, dither(rgb, x, y, DITHER_SPREAD));
	if (q->mode == BX_COLORS_8)
		return quant(q, dither(rgb, x, y, DITHER_SPREAD_8));
	return quant(q, rgb);
}

static void
put(struct bx_cell *c, uint32_t ch, uint32_t fg, uint32_t bg)
{
	if (fg == bg) {
		ch = ' '; /* fewer bytes, same look */
	}
	c->ch = ch;
	c->fg = fg;
	c->bg = bg;
	c->attr = 0;
}

/* Quadrant glyphs by ink mask (bit 0 top-left, 1 top-right, 2 bottom-left,
 * 3 bottom-right). Only masks with bit 3 set are used, so the background is
 * always the top-left pixel's side and mask 12 is the same lower half block
 * as half mode; 15 (all one color) is a space. */
static const uint32_t quad_glyph[16] = {
	' ', 0x2598, 0x259d, 0x2580, 0x2596, 0x258c, 0x259e, 0x259b,
	0x2597, 0x259a, 0x2590, 0x259c, 0x2584, 0x2599, 0x259f, 0x2588,
};

/* Best 2-color split of the pixels p[0..3] (TL, TR, BL, BR): fills the mean
 * colors of the ink (mask) side and the other side. */
static int
quad_split(const uint8_t *p[4], uint32_t *ink_out, uint32_t *back_out)
{
	int mask, best = 15, k, i;
	int64_t best_gain = -1;
	int tot[3] = { 0, 0, 0 };

	for (i = 0; i < 4; i++)
		for (k = 0; k < 3; k++)
			tot[k] += p[i][k];
	/* SSE of a side = sum of squares - sum^2 / n; comparing partitions,
	 * the sum of squares is common, so maximize sum(s_side^2 / n_side). */
	for (mask = 8; mask < 16; mask++) {
		int s1[3] = { 0, 0, 0 }, n1 = 0, n0;
		int64_t gain = 0;

		for (i = 0; i < 4; i++)
			if (mask & (1 << i)) {
				n1++;
				for (k = 0; k < 3; k++)
					s1[k] += p[i][k];
			}
		n0 = 4 - n1;
		/* gain * 12 (= lcm of 1..4) keeps it an integer. */
		for (k = 0; k < 3; k++) {
			int s0 = tot[k] - s1[k];

			gain += (int64_t)s1[k] * s1[k] * (12 / n1);
			if (n0 > 0)
				gain += (int64_t)s0 * s0 * (12 / n0);
		}
		if (gain > best_gain) {
			best_gain = gain;
			best = mask;
		}
	}
	{
		int s1[3] = { 0, 0, 0 }, n1 = 0, n0;
		uint32_t c1, c0 = 0;

		for (i = 0; i < 4; i++)
			if (best & (1 << i)) {
				n1++;
				for (k = 0; k < 3; k++)
					s1[k] += p[i][k];
			}
		n0 = 4 - n1;
		c1 = BX_RGB((s1[0] + n1 / 2) / n1, (s1[1] + n1 / 2) / n1, (s1[2] + n1 / 2) / n1);
		if (n0 > 0)
			c0 = BX_RGB((tot[0] - s1[0] + n0 / 2) / n0, (tot[1] - s1[1] + n0 / 2) / n0,
			            (tot[2] - s1[2] + n0 / 2) / n0);
		else
			c0 = c1;
		*ink_out = c1;
		*back_out = c0;
	}
	return best;
}

int
bx_cells_render(const struct bx_raster *r, enum bx_symbols sym, enum bx_colors colors,
                struct bx_grid *g, int gx, int gy)
{
	struct qcache q;
	int cols, rows, x, y, n = 0;

	if (r == NULL || g == NULL || r->w <= 0 || r->h <= 0)
		return 0;
	memset(&q, 0, sizeof q);
	q.key[0] = 1; /* slot 0 holds color 0's hash: make it miss first */
	q.mode = colors;
	cols = sym == BX_SYMBOLS_QUAD ? (r->w + 1) / 2 : r->w;
	rows = (r->h + 1) / 2;
	for (y = 0; y < rows; y++) {
		int ty = 2 * y, by = 2 * y + 1 < r->h ? 2 * y + 1 : 2 * y;
		const uint8_t *top = r->px + (size_t)ty * (size_t)r->w * 3;
		const uint8_t *bot = r->px + (size_t)by * (size_t)r->w * 3;
		struct bx_cell *row;

		if (gy + y < 0 || gy + y >= g->h)
			continue;
		row = g->c + (size_t)(gy + y) * (size_t)g->w;
		for (x = 0; x < cols; x++) {
			int cx = gx + x;

			if (cx < 0 || cx >= g->w)
				continue;
			if (sym == BX_SYMBOLS_QUAD) {
				int lx = 2 * x, rx = 2 * x + 1 < r->w ? 2 * x + 1 : 2 * x;
				const uint8_t *p[4] = { top + 3 * lx, top + 3 * rx, bot + 3 * lx,
				                        bot + 3 * rx };
				uint32_t ink, back;
				int mask = quad_split(p, &ink, &back);

				/* Dithered by cell: the two colors take opposite
				 * thresholds, so a flat area covers all 16. */
				put(&row[cx], quad_glyph[mask], quant_at(&q, ink, x, y),
				    quant_at(&q, back, x + 2, y + 2));
			} else {
				const uint8_t *t = top + 3 * x, *b = bot + 3 * x;

				put(&row[cx], 0x2584, quant_at(&q, BX_RGB(b[0], b[1], b[2]), x, by),
				    quant_at(&q, BX_RGB(t[0], t[1], t[2]), x, ty));
			}
			n++;
		}
	}
	return n;
}
