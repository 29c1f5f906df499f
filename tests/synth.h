/* synth.h: synthetic scenes with exact truth for the assist tests and the
 * tighten benchmark: backgrounds (flat, noisy, checker, stripes, gradient),
 * rectangles and ellipses, a truth mask per object, deterministic noise and
 * rough boxes. A pixel belongs to an ellipse when its centre is inside. */
#ifndef BOXEL_TEST_SYNTH_H
#define BOXEL_TEST_SYNTH_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/raster.h"

struct synth_rng {
	uint64_t s;
};

static inline double
synth_rnd(struct synth_rng *g) /* uniform [0, 1) */
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return (double)(g->s >> 11) / 9007199254740992.0;
}

static inline double
synth_uniform(struct synth_rng *g, double lo, double hi)
{
	return lo + (hi - lo) * synth_rnd(g);
}

enum synth_bg { BG_FLAT, BG_NOISE, BG_CHECKER, BG_STRIPES, BG_GRADIENT, BG_N };
static const char *const synth_bg_name[BG_N] = { "flat", "noise", "checker", "stripes", "gradient" };

static inline uint8_t
synth_clamp(double v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)lround(v);
}

static inline void
synth_put(struct bx_raster *r, int x, int y, double cr, double cg, double cb)
{
	uint8_t *p = r->px + ((size_t)y * r->w + x) * 3;

	p[0] = synth_clamp(cr);
	p[1] = synth_clamp(cg);
	p[2] = synth_clamp(cb);
}

/* Background around base color c: checker squares and stripes alternate c
 * with c + 60 (cell 4..9 px), the gradient runs c - 40 .. c + 40 across. */
static inline void
synth_background(struct bx_raster *r, enum synth_bg kind, const double c[3], int cell)
{
	int x, y;

	for (y = 0; y < r->h; y++)
		for (x = 0; x < r->w; x++) {
			double k = 0;

			if (kind == BG_CHECKER)
				k = ((x / cell + y / cell) & 1) ? 60 : 0;
			else if (kind == BG_STRIPES)
				k = ((x + y) / cell & 1) ? 60 : 0;
			else if (kind == BG_GRADIENT)
				k = -40 + 80.0 * x / (r->w > 1 ? r->w - 1 : 1);
			synth_put(r, x, y, c[0] + k, c[1] + k, c[2] + k);
		}
}

/* Rectangle [x0, x1) x [y0, y1) (ellipse 0) or the ellipse inscribed in it
 * (ellipse 1), filled with c; mask (r-sized, may be NULL) gets 1 there. */
static inline void
synth_shape(struct bx_raster *r, uint8_t *mask, int x0, int y0, int x1, int y1, int ellipse,
            const double c[3])
{
	double cx = (x0 + x1) / 2.0, cy = (y0 + y1) / 2.0, a = (x1 - x0) / 2.0, b = (y1 - y0) / 2.0;
	int x, y;

	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++) {
			if (x < 0 || y < 0 || x >= r->w || y >= r->h)
				continue;
			if (ellipse) {
				double u = (x + 0.5 - cx) / a, v = (y + 0.5 - cy) / b;

				if (u * u + v * v > 1)
					continue;
			}
			synth_put(r, x, y, c[0], c[1], c[2]);
			if (mask)
				mask[(size_t)y * r->w + x] = 1;
		}
}

/* Uniform noise of +-amp on every channel of every pixel. */
static inline void
synth_noise(struct bx_raster *r, struct synth_rng *g, double amp)
{
	size_t i;

	for (i = 0; i < (size_t)r->w * r->h * 3; i++)
		r->px[i] = synth_clamp(r->px[i] + synth_uniform(g, -amp, amp));
}

/* Extent of a mask as x, y, w, h (0 size when empty). */
static inline void
synth_mask_box(const uint8_t *m, int w, int h, int box[4])
{
	int x, y, x0 = w, y0 = h, x1 = -1, y1 = -1;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			if (m[(size_t)y * w + x]) {
				if (x < x0) x0 = x;
				if (y < y0) y0 = y;
				if (x > x1) x1 = x;
				if (y > y1) y1 = y;
			}
	box[0] = x0;
	box[1] = y0;
	box[2] = x1 - x0 + 1;
	box[3] = y1 - y0 + 1;
}

/* A rough copy of the truth box t (x, y, w, h): every edge moved by a
 * uniform amount in [-frac, frac] of the object's size along that axis
 * (at least 1 px, so 3 px wide objects are moved too). */
static inline void
synth_rough(struct synth_rng *g, const int t[4], double frac, double out[4])
{
	double ax = fmax(frac * t[2], 1.0), ay = fmax(frac * t[3], 1.0);
	double l = t[0] + synth_uniform(g, -ax, ax), r = t[0] + t[2] + synth_uniform(g, -ax, ax);
	double u = t[1] + synth_uniform(g, -ay, ay), b = t[1] + t[3] + synth_uniform(g, -ay, ay);

	out[0] = l;
	out[1] = u;
	out[2] = r - l;
	out[3] = b - u;
}

/* Even-odd point-in-polygon at (x, y). */
static inline int
synth_in_poly(const double *xy, int n, double x, double y)
{
	int i, j, in = 0;

	for (i = 0, j = n - 1; i < n; j = i++) {
		double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];

		if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
			in = !in;
	}
	return in;
}

/* One object in a scene: the target, drawn last over an optional touching
 * neighbour of another color, on a background; noise over everything. */
struct synth_spec {
	enum synth_bg bg;
	int ellipse;
	int w, h;          /* target size */
	int low_contrast;  /* target = background base + 20 on each channel */
	int touching;      /* a neighbour shares the target's right or bottom edge */
	double noise;      /* +- per channel */
	int two_tone;      /* the target's top quarter in a third color (a head) */
};

/* Image with the target's truth mask (image-sized, caller frees both) and
 * truth box x, y, w, h. Margins of half the object's size + 24 px leave room
 * for the region a view would decode. */
static inline void
synth_scene(struct synth_rng *g, const struct synth_spec *sp, struct bx_raster **img_out,
            uint8_t **mask_out, int truth[4])
{
	static const double tints[4][3] = { { 90, -60, 30 }, { -50, 70, 90 }, { 100, 80, -50 },
	                                    { -60, -50, 110 } };
	int big = sp->w > sp->h ? sp->w : sp->h, m = big / 2 + 24;
	int x0 = m + (int)(synth_rnd(g) * 4), y0 = m + (int)(synth_rnd(g) * 4);
	int cell = 4 + (int)(synth_rnd(g) * 6), t = (int)(synth_rnd(g) * 4), k;
	struct bx_raster *r = bx_raster_new(sp->w + 2 * m + 4, sp->h + 2 * m + 4);
	uint8_t *mask = calloc((size_t)r->w * r->h, 1);
	double base[3], obj[3], nb[3];

	for (k = 0; k < 3; k++) {
		base[k] = synth_uniform(g, 70, 120);
		obj[k] = sp->low_contrast ? base[k] + 20 : base[k] + tints[t][k];
		nb[k] = base[k] + tints[(t + 2) % 4][k];
	}
	synth_background(r, sp->bg, base, cell);
	if (sp->touching) {
		if (synth_rnd(g) < 0.5)
			synth_shape(r, NULL, x0 + sp->w - (sp->ellipse ? 2 : 0), y0 + sp->h / 3,
			            x0 + sp->w + sp->w * 4 / 5 + 4, y0 + sp->h + sp->h / 2, 0, nb);
		else
			synth_shape(r, NULL, x0 + sp->w / 3, y0 + sp->h - (sp->ellipse ? 2 : 0),
			            x0 + sp->w + sp->w / 2, y0 + sp->h + sp->h * 4 / 5 + 4, 0, nb);
	}
	synth_shape(r, mask, x0, y0, x0 + sp->w, y0 + sp->h, sp->ellipse, obj);
	if (sp->two_tone) {
		double head[3];
		int hy, x;

		for (k = 0; k < 3; k++)
			head[k] = base[k] + tints[(t + 1) % 4][k];
		/* recolor the mask's top quarter, keeping the outline */
		for (hy = y0; hy < y0 + (sp->h + 3) / 4; hy++)
			for (x = x0; x < x0 + sp->w; x++)
				if (mask[(size_t)hy * r->w + x])
					synth_put(r, x, hy, head[0], head[1], head[2]);
	}
	if (sp->noise > 0)
		synth_noise(r, g, sp->noise);
	synth_mask_box(mask, r->w, r->h, truth);
	*img_out = r;
	*mask_out = mask;
}

#endif
