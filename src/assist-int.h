/* assist-int.h: what the assists' files share (assist.c, assist-tighten.c,
 * assist-extreme.c): region rectangles, color palettes learnt by k-means
 * and the small pixel helpers. Not a public header: see boxel/assist.h. */
#ifndef BOXEL_ASSIST_INT_H
#define BOXEL_ASSIST_INT_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "boxel/raster.h"

/* Palettes: k-means on at most this many samples (a stride picks them), so
 * learning costs the same for a 50 px box and a 2000 px one. */
#define PAL_MAX 8
#define PAL_SAMPLES 4096
#define PAL_ITERS 6

struct rect {
	int x0, y0, x1, y1; /* [x0, x1) x [y0, y1), region pixels */
};

struct palette {
	float c[PAL_MAX][3];
	int n;
};

static inline const uint8_t *
px_at(const struct bx_raster *r, int x, int y)
{
	return r->px + ((size_t)y * (size_t)r->w + (size_t)x) * 3;
}

static inline float
dist2_f(const float *c, const uint8_t *p)
{
	float d0 = c[0] - p[0], d1 = c[1] - p[1], d2 = c[2] - p[2];

	return d0 * d0 + d1 * d1 + d2 * d2;
}

static inline float
step_dist(const uint8_t *a, const uint8_t *b)
{
	float d0 = (float)a[0] - b[0], d1 = (float)a[1] - b[1], d2 = (float)a[2] - b[2];

	return sqrtf(d0 * d0 + d1 * d1 + d2 * d2);
}

static inline int
cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

static inline int
clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static inline long
rect_area(struct rect a)
{
	return (long)(a.x1 - a.x0) * (a.y1 - a.y0);
}

/* Palettes (assist.c). */
void bx_pal_learn(struct palette *pal, const uint8_t *s, int ns);
float bx_pal_dist2(const struct palette *pal, const uint8_t *p);
float bx_pal_spread(const struct palette *pal, const uint8_t *s, int ns);
int bx_pal_sample(const struct bx_raster *r, struct rect a, uint8_t *s, int cap);

#endif
