/* raster.c: RGB rasters and the pure operations on them (see raster.h):
 * resampling a view rectangle, and clipped drawing of overlays. Raster
 * pixels, origin top-left; pixel (i, j) covers [i, i+1) x [j, j+1). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/raster.h"
#include "boxel/util.h"

struct bx_raster *
bx_raster_new(int w, int h)
{
	struct bx_raster *r = bx_malloc(sizeof *r);

	if (w < 0 || h < 0 || w > BX_RASTER_MAX_SIDE || h > BX_RASTER_MAX_SIDE)
		w = h = 0;
	r->w = w;
	r->h = h;
	r->px = bx_calloc((size_t)(w > 0 ? w : 1) * (size_t)(h > 0 ? h : 1), 3);
	return r;
}

void
bx_raster_free(struct bx_raster *r)
{
	if (r == NULL)
		return;
	free(r->px);
	free(r);
}

struct bx_raster *
bx_raster_dup(const struct bx_raster *r)
{
	struct bx_raster *d = bx_raster_new(r->w, r->h);

	memcpy(d->px, r->px, (size_t)r->w * (size_t)r->h * 3);
	return d;
}

void
bx_raster_clear(struct bx_raster *r, uint32_t rgb)
{
	size_t i, n = (size_t)r->w * (size_t)r->h;
	uint8_t *p = r->px;

	for (i = 0; i < n; i++, p += 3) {
		p[0] = BX_RGB_R(rgb);
		p[1] = BX_RGB_G(rgb);
		p[2] = BX_RGB_B(rgb);
	}
}

uint32_t
bx_raster_get(const struct bx_raster *r, int x, int y)
{
	const uint8_t *p;

	if (x < 0 || y < 0 || x >= r->w || y >= r->h)
		return 0;
	p = r->px + ((size_t)y * (size_t)r->w + (size_t)x) * 3;
	return BX_RGB(p[0], p[1], p[2]);
}

void
bx_raster_set(struct bx_raster *r, int x, int y, uint32_t rgb)
{
	uint8_t *p;

	if (x < 0 || y < 0 || x >= r->w || y >= r->h)
		return;
	p = r->px + ((size_t)y * (size_t)r->w + (size_t)x) * 3;
	p[0] = BX_RGB_R(rgb);
	p[1] = BX_RGB_G(rgb);
	p[2] = BX_RGB_B(rgb);
}

/* ---- Resampling ----
 * Separable: each axis becomes a table of taps (source index, fixed-point
 * weight); index -1 stands for "outside the image". The weights of one
 * destination pixel sum to exactly WONE, so a flat region stays exactly
 * its color. Rows are combined first (into a row of 32-bit sums over the
 * columns the horizontal taps use), then columns (64-bit sums). */

#define WBITS 14
#define WONE (1u << WBITS)

struct taps {
	int *start;  /* out_n + 1: taps of pixel d are [start[d], start[d+1]) */
	int *idx;
	uint32_t *w;
	int lo, hi;  /* range of inside source indices used; lo > hi if none */
};

static void
taps_free(struct taps *t)
{
	free(t->start);
	free(t->idx);
	free(t->w);
}

/* One axis: destination pixels 0..out_n-1 cover [v0, v0 + vlen) of a source
 * axis of src_n pixels. */
static void
taps_build(struct taps *t, int src_n, double v0, double vlen, int out_n)
{
	double s = vlen / out_n;
	/* Inside taps of one pixel <= its coverage + 2 and the coverages sum
	 * to <= src_n; plus at most one outside tap each. */
	size_t cap = (size_t)src_n + 3 * (size_t)out_n + 2;
	int d, n = 0;

	t->start = bx_malloc(sizeof *t->start * ((size_t)out_n + 1));
	t->idx = bx_malloc(sizeof *t->idx * cap);
	t->w = bx_malloc(sizeof *t->w * cap);
	t->lo = src_n;
	t->hi = -1;
	for (d = 0; d < out_n; d++) {
		t->start[d] = n;
		if (s < 1.0) {
			/* Zoomed in: the source pixel under the centre. */
			double c = floor(v0 + (d + 0.5) * s);
			int i = (c >= 0 && c < src_n) ? (int)c : -1;

			t->idx[n] = i;
			t->w[n++] = WONE;
			if (i >= 0) {
				if (i < t->lo)
					t->lo = i;
				if (i > t->hi)
					t->hi = i;
			}
			continue;
		}
		/* Area average: weights are cumulative-rounded coverage, so
		 * they sum to WONE exactly and each is within 1/2 unit. */
		double a = v0 + d * s, b = v0 + (d + 1) * s;
		double ia = a < 0 ? 0 : a, ib = b > src_n ? src_n : b;
		uint32_t used = 0;
		int first = n;

		if (ia < ib) {
			double cum = (ia - a) / s; /* outside part on the left */
			uint32_t prev = (uint32_t)lrint(cum * WONE);
			int i, i0 = (int)floor(ia), i1 = (int)ceil(ib);

			for (i = i0; i < i1; i++) {
				double lo = i > ia ? i : ia, hi = i + 1 < ib ? i + 1 : ib;
				uint32_t next;

				cum += (hi - lo) / s;
				next = (uint32_t)lrint(cum * WONE);
				if (next > WONE)
					next = WONE;
				if (next <= prev)
					continue;
				t->idx[n] = i;
				t->w[n++] = next - prev;
				used += next - prev;
				prev = next;
			}
			if (n > first) {
				if (t->idx[first] < t->lo)
					t->lo = t->idx[first];
				if (t->idx[n - 1] > t->hi)
					t->hi = t->idx[n - 1];
			}
		}
		if (used < WONE) {
			t->idx[n] = -1;
			t->w[n++] = WONE - used;
		}
	}
	t->start[out_n] = n;
}

int
bx_raster_view_into(const struct bx_raster *src, double vx, double vy, double vw,
                    double vh, struct bx_raster *dst)
{
	static const uint8_t out_c[3] = { BX_RGB_R(BX_RASTER_OUTSIDE),
		BX_RGB_G(BX_RASTER_OUTSIDE), BX_RGB_B(BX_RASTER_OUTSIDE) };
	struct taps tx, ty;
	uint32_t *row;
	int x, y, k, ncol;

	if (src == NULL || dst == NULL || src->w <= 0 || src->h <= 0 || dst->w <= 0 || dst->h <= 0)
		return -1;
	if (!isfinite(vx) || !isfinite(vy) || !isfinite(vw) || !isfinite(vh) ||
	    !(vw > 0) || !(vh > 0) || !isfinite(vx + vw) || !isfinite(vy + vh)) {
		bx_raster_clear(dst, BX_RASTER_OUTSIDE);
		return 0;
	}
	taps_build(&tx, src->w, vx, vw, dst->w);
	taps_build(&ty, src->h, vy, vh, dst->h);
	ncol = tx.hi >= tx.lo ? tx.hi - tx.lo + 1 : 0;
	row = bx_malloc(sizeof *row * 3 * (size_t)(ncol > 0 ? ncol : 1));

	for (y = 0; y < dst->h; y++) {
		uint32_t wout = 0;
		uint8_t *o = dst->px + (size_t)y * (size_t)dst->w * 3;

		/* Vertical: row[] = sum over taps of weight * source row, for the
		 * columns in use; the outside weight is kept apart. */
		memset(row, 0, sizeof *row * 3 * (size_t)ncol);
		for (k = ty.start[y]; k < ty.start[y + 1]; k++) {
			const uint8_t *s;
			uint32_t w = ty.w[k], *r = row;
			int c;

			if (ty.idx[k] < 0) {
				wout += w;
				continue;
			}
			s = src->px + ((size_t)ty.idx[k] * (size_t)src->w + (size_t)tx.lo) * 3;
			for (c = 0; c < 3 * ncol; c++)
				r[c] += w * s[c];
		}
		/* Horizontal. */
		for (x = 0; x < dst->w; x++) {
			uint64_t acc[3] = { 0, 0, 0 };
			uint64_t wo = 0; /* total weight of OUTSIDE */

			for (k = tx.start[x]; k < tx.start[x + 1]; k++) {
				uint64_t w = tx.w[k];
				const uint32_t *r;

				if (tx.idx[k] < 0) {
					wo += w * WONE;
					continue;
				}
				r = row + (size_t)(tx.idx[k] - tx.lo) * 3;
				acc[0] += w * r[0];
				acc[1] += w * r[1];
				acc[2] += w * r[2];
				wo += w * wout;
			}
			for (k = 0; k < 3; k++) {
				acc[k] += wo * out_c[k];
				o[3 * x + k] = (uint8_t)((acc[k] + (1u << (2 * WBITS - 1))) >> (2 * WBITS));
			}
		}
	}
	free(row);
	taps_free(&tx);
	taps_free(&ty);
	return 0;
}

static int
size_ok(int w, int h)
{
	return w >= 1 && h >= 1 && w <= BX_RASTER_MAX_SIDE && h <= BX_RASTER_MAX_SIDE;
}

struct bx_raster *
bx_raster_view(const struct bx_raster *src, double vx, double vy, double vw, double vh,
               int out_w, int out_h)
{
	struct bx_raster *d;

	if (src == NULL || src->w <= 0 || src->h <= 0 || !size_ok(out_w, out_h))
		return NULL;
	d = bx_raster_new(out_w, out_h);
	bx_raster_view_into(src, vx, vy, vw, vh, d);
	return d;
}

struct bx_raster *
bx_raster_downscale(const struct bx_raster *src, int out_w, int out_h)
{
	if (src == NULL)
		return NULL;
	return bx_raster_view(src, 0, 0, src->w, src->h, out_w, out_h);
}

struct bx_raster *
bx_raster_upscale(const struct bx_raster *src, int out_w, int out_h)
{
	if (src == NULL)
		return NULL;
	return bx_raster_view(src, 0, 0, src->w, src->h, out_w, out_h);
}

struct bx_raster *
bx_raster_crop(const struct bx_raster *src, int x, int y, int w, int h)
{
	struct bx_raster *d;
	int j, x0, x1;

	if (src == NULL || src->w <= 0 || src->h <= 0 || !size_ok(w, h))
		return NULL;
	d = bx_raster_new(w, h);
	bx_raster_clear(d, BX_RASTER_OUTSIDE);
	/* Inside columns, in 64 bits so x + w cannot overflow. */
	x0 = (int)((int64_t)x < 0 ? 0 : (x > src->w ? src->w : x));
	x1 = (int)((int64_t)x + w > src->w ? src->w : ((int64_t)x + w < 0 ? 0 : x + w));
	if (x1 <= x0)
		return d;
	for (j = 0; j < h; j++) {
		int64_t sy = (int64_t)y + j;

		if (sy < 0 || sy >= src->h)
			continue;
		memcpy(d->px + ((size_t)j * (size_t)w + (size_t)(x0 - x)) * 3,
		       src->px + ((size_t)sy * (size_t)src->w + (size_t)x0) * 3,
		       (size_t)(x1 - x0) * 3);
	}
	return d;
}

void
bx_raster_fit(int src_w, int src_h, int box_w, int box_h, int *w_out, int *h_out)
{
	int w, h;

	if (src_w < 1 || src_h < 1 || box_w < 1 || box_h < 1) {
		*w_out = box_w > 0 ? box_w : 1;
		*h_out = box_h > 0 ? box_h : 1;
		return;
	}
	if ((int64_t)src_w * box_h >= (int64_t)src_h * box_w) {
		w = box_w; /* width-bound */
		h = (int)(((int64_t)src_h * box_w + src_w / 2) / src_w);
	} else {
		h = box_h;
		w = (int)(((int64_t)src_w * box_h + src_h / 2) / src_h);
	}
	*w_out = w < 1 ? 1 : (w > box_w ? box_w : w);
	*h_out = h < 1 ? 1 : (h > box_h ? box_h : h);
}

/* ---- Drawing ----
 * Lines are walked along their major axis in pixel-index space, only over
 * the part inside the raster, with the minor coordinate computed from the
 * unclipped endpoints: the pixels drawn do not depend on how much of the
 * line is off-screen, and the loop never runs longer than the raster. */

static int
dash_on(double t, int dash)
{
	if (dash <= 0)
		return 1;
	return fmod(t, 2.0 * dash) < dash;
}

/* Line between the pixels (i.e. pixel indices, as doubles) p0 and p1.
 * phase: dash position of p0; returns the length walked (major-axis steps). */
static double
line_px(struct bx_raster *r, double px0, double py0, double px1, double py1, uint32_t rgb,
        int dash, double phase)
{
	int xmajor = fabs(px1 / 2 - px0 / 2) >= fabs(py1 / 2 - py0 / 2);
	double i0 = xmajor ? px0 : py0, i1 = xmajor ? px1 : py1;
	double m0 = xmajor ? py0 : px0, m1 = xmajor ? py1 : px1;
	int nmaj = xmajor ? r->w : r->h, nmin = xmajor ? r->h : r->w;
	double lo = i0 < i1 ? i0 : i1, hi = i0 < i1 ? i1 : i0;
	double slope = i1 != i0 ? (m1 / 2 - m0 / 2) / (i1 / 2 - i0 / 2) : 0;
	int i, a, b;

	if (lo < 0)
		lo = 0;
	if (hi > nmaj - 1)
		hi = nmaj - 1;
	if (lo > hi)
		return fabs(i1 - i0);
	a = (int)lo;
	b = (int)hi;
	for (i = a; i <= b; i++) {
		double m = floor(m0 + (i - i0) * slope + 0.5);

		if (m < 0 || m >= nmin || !dash_on(phase + fabs(i - i0), dash))
			continue;
		if (xmajor)
			bx_raster_set(r, i, (int)m, rgb);
		else
			bx_raster_set(r, (int)m, i, rgb);
	}
	return fabs(i1 - i0);
}

void
bx_raster_line(struct bx_raster *r, double x0, double y0, double x1, double y1,
               uint32_t rgb, int dash)
{
	if (r == NULL || !isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1))
		return;
	line_px(r, floor(x0), floor(y0), floor(x1), floor(y1), rgb, dash, 0);
}

void
bx_raster_polyline(struct bx_raster *r, const double *xy, int n, int closed, uint32_t rgb,
                   int dash)
{
	double phase = 0;
	int i;

	if (r == NULL || xy == NULL || n < 1)
		return;
	for (i = 0; i < 2 * n; i++)
		if (!isfinite(xy[i]))
			return;
	if (n == 1) {
		line_px(r, floor(xy[0]), floor(xy[1]), floor(xy[0]), floor(xy[1]), rgb, 0, 0);
		return;
	}
	for (i = 0; i < n - 1 + (closed && n > 2); i++) {
		int j = (i + 1) % n;

		phase += line_px(r, floor(xy[2 * i]), floor(xy[2 * i + 1]), floor(xy[2 * j]),
		                 floor(xy[2 * j + 1]), rgb, dash, phase);
	}
}

/* The pixel index range [*a, *b] that [v0, v1) touches (in either order);
 * returns 0 if a coordinate is not finite. */
static int
touched(double v0, double v1, double *a, double *b)
{
	double lo = v0 < v1 ? v0 : v1, hi = v0 < v1 ? v1 : v0;

	if (!isfinite(lo) || !isfinite(hi))
		return 0;
	*a = floor(lo);
	*b = ceil(hi) - 1;
	if (*b < *a)
		*b = *a;
	return 1;
}

void
bx_raster_rect(struct bx_raster *r, double x0, double y0, double x1, double y1,
               uint32_t rgb, int dash)
{
	double l, rr, t, b, phase = 0;

	if (r == NULL || !touched(x0, x1, &l, &rr) || !touched(y0, y1, &t, &b))
		return;
	phase += line_px(r, l, t, rr, t, rgb, dash, phase);
	phase += line_px(r, rr, t, rr, b, rgb, dash, phase);
	phase += line_px(r, rr, b, l, b, rgb, dash, phase);
	line_px(r, l, b, l, t, rgb, dash, phase);
}

/* Clip the touched pixel range of [v0, v1) to [0, n); 0 if empty. */
static int
span(double v0, double v1, int n, int *a_out, int *b_out)
{
	double a, b;

	if (!touched(v0, v1, &a, &b))
		return 0;
	if (a < 0)
		a = 0;
	if (b > n - 1)
		b = n - 1;
	if (a > b)
		return 0;
	*a_out = (int)a;
	*b_out = (int)b;
	return 1;
}

static void
blend_px(uint8_t *p, uint32_t rgb, int alpha)
{
	int k;
	uint8_t c[3] = { BX_RGB_R(rgb), BX_RGB_G(rgb), BX_RGB_B(rgb) };

	for (k = 0; k < 3; k++)
		p[k] = (uint8_t)((p[k] * (255 - alpha) + c[k] * alpha + 127) / 255);
}

void
bx_raster_blend_rect(struct bx_raster *r, double x0, double y0, double x1, double y1,
                     uint32_t rgb, int alpha)
{
	int xa, xb, ya, yb, x, y;

	if (r == NULL || alpha <= 0 || !span(x0, x1, r->w, &xa, &xb) ||
	    !span(y0, y1, r->h, &ya, &yb))
		return;
	if (alpha > 255)
		alpha = 255;
	for (y = ya; y <= yb; y++)
		for (x = xa; x <= xb; x++)
			blend_px(r->px + ((size_t)y * (size_t)r->w + (size_t)x) * 3, rgb, alpha);
}

void
bx_raster_fill_rect(struct bx_raster *r, double x0, double y0, double x1, double y1,
                    uint32_t rgb)
{
	bx_raster_blend_rect(r, x0, y0, x1, y1, rgb, 255);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void
bx_raster_blend_polygon(struct bx_raster *r, const double *xy, int n, uint32_t rgb,
                        int alpha)
{
	double ymin, ymax, *xs;
	int i, y, ya, yb;

	if (r == NULL || xy == NULL || n < 3 || alpha <= 0)
		return;
	if (alpha > 255)
		alpha = 255;
	ymin = ymax = xy[1];
	for (i = 0; i < 2 * n; i++)
		if (!isfinite(xy[i]))
			return;
	for (i = 0; i < n; i++) {
		if (xy[2 * i + 1] < ymin)
			ymin = xy[2 * i + 1];
		if (xy[2 * i + 1] > ymax)
			ymax = xy[2 * i + 1];
	}
	/* Rows whose centre y + 0.5 lies in [ymin, ymax]. */
	ymin = ceil(ymin - 0.5);
	ymax = floor(ymax - 0.5);
	if (ymin < 0)
		ymin = 0;
	if (ymax > r->h - 1)
		ymax = r->h - 1;
	if (ymin > ymax)
		return;
	ya = (int)ymin;
	yb = (int)ymax;
	xs = bx_malloc(sizeof *xs * (size_t)n);
	for (y = ya; y <= yb; y++) {
		double cy = y + 0.5;
		int m = 0, k;

		for (i = 0; i < n; i++) {
			double ax = xy[2 * i], ay = xy[2 * i + 1];
			double bx = xy[2 * ((i + 1) % n)], by = xy[2 * ((i + 1) % n) + 1];

			/* Half-open in y so a vertex is counted once. */
			if ((ay <= cy) != (by <= cy))
				xs[m++] = ax + (cy - ay) / (by - ay) * (bx - ax);
		}
		qsort(xs, (size_t)m, sizeof *xs, cmp_double);
		for (k = 0; k + 1 < m; k += 2) {
			/* Pixels whose centre x + 0.5 lies in [xs[k], xs[k+1]). */
			double a = ceil(xs[k] - 0.5), b = ceil(xs[k + 1] - 0.5) - 1;
			int x;

			if (!isfinite(a) || !isfinite(b))
				continue;
			if (a < 0)
				a = 0;
			if (b > r->w - 1)
				b = r->w - 1;
			for (x = (int)a; x <= (int)b && a <= b; x++)
				blend_px(r->px + ((size_t)y * (size_t)r->w + (size_t)x) * 3, rgb, alpha);
		}
	}
	free(xs);
}

/* Pixels a..b (inclusive, pixel indices) of row/column c; nothing if a > b. */
static void
seg(struct bx_raster *r, int horiz, double a, double b, double c, uint32_t rgb)
{
	if (a <= b)
		line_px(r, horiz ? a : c, horiz ? c : a, horiz ? b : c, horiz ? c : b, rgb, 0, 0);
}

void
bx_raster_cross(struct bx_raster *r, double x, double y, int arm, uint32_t rgb)
{
	double cx, cy, a;

	if (r == NULL || !isfinite(x) || !isfinite(y))
		return;
	cx = floor(x);
	cy = floor(y);
	if (arm <= 0) {
		/* Edge to edge: the ends are the raster's, not centre +- a length
		 * (which would lose precision for a far-off centre). */
		seg(r, 1, 0, fmin(cx - 1, r->w - 1), cy, rgb);
		seg(r, 1, fmax(cx + 1, 0), r->w - 1, cy, rgb);
		seg(r, 0, 0, fmin(cy - 1, r->h - 1), cx, rgb);
		seg(r, 0, fmax(cy + 1, 0), r->h - 1, cx, rgb);
		return;
	}
	a = arm;
	seg(r, 1, cx - a, cx - 1, cy, rgb);
	seg(r, 1, cx + 1, cx + a, cy, rgb);
	seg(r, 0, cy - a, cy - 1, cx, rgb);
	seg(r, 0, cy + 1, cy + a, cx, rgb);
}
