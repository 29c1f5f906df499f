/* assist.c: what the assists share: side names, the check of a decoded
 * region, and the color palettes (k-means on a strided sample) that
 * tighten and extreme-point snapping learn background and object from.
 * Tighten is in assist-tighten.c, extreme points in assist-extreme.c, the
 * magic wand in assist-wand.c; all are pure, see assist.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/assist.h"
#include "boxel/util.h"
#include "assist-int.h"

static const char *const side_names[4] = { "left", "top", "right", "bottom" };

const char *
bx_side_name(enum bx_side s)
{
	return (unsigned)s < 4 ? side_names[s] : "?";
}

void
bx_assist_missing_sides(unsigned found, char *buf, size_t n)
{
	int s, k = 0, total = 0;
	size_t len = 0;

	for (s = 0; s < 4; s++)
		total += !(found & BX_SIDE_BIT(s));
	if (n == 0)
		return;
	buf[0] = '\0';
	for (s = 0; s < 4 && len < n; s++) {
		if (found & BX_SIDE_BIT(s))
			continue;
		k++;
		len += snprintf(buf + len, n - len, "%s%s",
		                k == 1 ? "" : k == total ? " and " : ", ", side_names[s]);
	}
	if (total && len < n)
		snprintf(buf + len, n - len, total == 1 ? " edge" : " edges");
}

int
bx_assist_region_ok(const struct bx_assist_region *reg, struct bx_err *err)
{
	if (!reg || !reg->r || reg->r->w <= 0 || reg->r->h <= 0 || !reg->r->px)
		return bx_err_set(err, BX_EINVAL, "empty image region");
	if ((long)reg->r->w * reg->r->h > BX_ASSIST_MAX_PIXELS)
		return bx_err_set(err, BX_ELIMIT, "image region %dx%d is over the assists' "
		                  "limit of %ld pixels", reg->r->w, reg->r->h, BX_ASSIST_MAX_PIXELS);
	return 0;
}

float
bx_pal_dist2(const struct palette *pal, const uint8_t *p)
{
	float best = 1e30f;
	int i;

	for (i = 0; i < pal->n; i++) {
		float d = dist2_f(pal->c[i], p);

		if (d < best)
			best = d;
	}
	return best;
}

/* k-means on samples (3 bytes each). Farthest-point initialisation, so a
 * rare color (a checker's second square color, a neighbour reaching into
 * the band) gets its own entry; a new entry is only opened for a sample
 * more than 12 away from all others, so flat noise does not fragment the
 * palette into entries that creep towards the object's color. */
void
bx_pal_learn(struct palette *pal, const uint8_t *s, int ns)
{
	float *mind = bx_malloc(sizeof(float) * (size_t)(ns ? ns : 1));
	int *asg = bx_malloc(sizeof(int) * (size_t)(ns ? ns : 1));
	int i, k, it;

	pal->n = 0;
	if (ns == 0)
		goto out;
	for (k = 0; k < 3; k++)
		pal->c[0][k] = s[k];
	pal->n = 1;
	for (i = 0; i < ns; i++)
		mind[i] = dist2_f(pal->c[0], s + 3 * i);
	while (pal->n < PAL_MAX) {
		int far = 0;

		for (i = 1; i < ns; i++)
			if (mind[i] > mind[far])
				far = i;
		if (mind[far] <= 12.0f * 12.0f)
			break;
		for (k = 0; k < 3; k++)
			pal->c[pal->n][k] = s[3 * far + k];
		for (i = 0; i < ns; i++) {
			float d = dist2_f(pal->c[pal->n], s + 3 * i);

			if (d < mind[i])
				mind[i] = d;
		}
		pal->n++;
	}
	for (it = 0; it < PAL_ITERS; it++) {
		double sum[PAL_MAX][3] = { { 0 } };
		int cnt[PAL_MAX] = { 0 };

		for (i = 0; i < ns; i++) {
			float best = 1e30f;

			asg[i] = 0;
			for (k = 0; k < pal->n; k++) {
				float d = dist2_f(pal->c[k], s + 3 * i);

				if (d < best) {
					best = d;
					asg[i] = k;
				}
			}
			cnt[asg[i]]++;
			for (k = 0; k < 3; k++)
				sum[asg[i]][k] += s[3 * i + k];
		}
		for (k = 0; k < pal->n; k++)
			if (cnt[k])
				for (i = 0; i < 3; i++)
					pal->c[k][i] = (float)(sum[k][i] / cnt[k]);
	}
out:
	free(mind);
	free(asg);
}

/* Pixels of outer minus inner, every stride-th one, appended to *s (3 bytes
 * each). Outer is clipped to the raster here: a strip beside a box that
 * reaches past the image (tighten_by_band's sides) must not read outside.
 * Returns how many. */
static int
collect(const struct bx_raster *r, struct rect outer, struct rect inner, int stride,
        uint8_t *s, int cap)
{
	int x, y, n = 0, i = 0;

	outer.x0 = outer.x0 < 0 ? 0 : outer.x0;
	outer.y0 = outer.y0 < 0 ? 0 : outer.y0;
	outer.x1 = outer.x1 > r->w ? r->w : outer.x1;
	outer.y1 = outer.y1 > r->h ? r->h : outer.y1;
	for (y = outer.y0; y < outer.y1; y++)
		for (x = outer.x0; x < outer.x1; x++) {
			if (x >= inner.x0 && x < inner.x1 && y >= inner.y0 && y < inner.y1)
				continue;
			if (i++ % stride || n >= cap)
				continue;
			memcpy(s + 3 * n++, px_at(r, x, y), 3);
		}
	return n;
}

/* How far (squared) the samples stray from their own palette: the 98th
 * percentile, at least 8 levels. A pixel farther than that from a palette
 * is not one of its colors. */
float
bx_pal_spread(const struct palette *pal, const uint8_t *s, int ns)
{
	float *d = bx_malloc(sizeof(float) * (size_t)(ns ? ns : 1)), v;
	int i;

	for (i = 0; i < ns; i++)
		d[i] = bx_pal_dist2(pal, s + 3 * i);
	qsort(d, (size_t)ns, sizeof(float), cmp_float);
	v = ns ? d[(int)(0.98 * (ns - 1))] : 0;
	free(d);
	return v > 8.0f * 8.0f ? v : 8.0f * 8.0f;
}

/* Up to cap pixels of rectangle a, evenly strided. */
int
bx_pal_sample(const struct bx_raster *r, struct rect a, uint8_t *s, int cap)
{
	long area = rect_area(a);

	if (a.x1 <= a.x0 || a.y1 <= a.y0)
		return 0;
	return collect(r, a, (struct rect){ 0, 0, 0, 0 }, (int)(area / cap) + 1, s, cap);
}
