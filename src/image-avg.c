/* image-avg.c: area-averaging a stream of rows down to a smaller raster,
 * so a decoder can make an overview while holding one source row and two
 * output rows, never the whole image. Image pixels, origin top-left; a
 * source pixel i covers [i, i+1), an output pixel d covers
 * [d*src/out, (d+1)*src/out) of the same axis. */
#include <stdlib.h>
#include <string.h>

#include "boxel/util.h"
#include "image-int.h"

/* One axis, shrinking src_n pixels to out_n <= src_n: source pixel i
 * overlaps output pixels first[i] and first[i] + 1, with weight w0[i] for
 * the first (the rest, if any, for the second). Weights are overlap /
 * (src_n / out_n), computed in exact integer units of 1/out_n pixel so that
 * every output pixel's weights sum to 1. */
struct axis {
	int *first;
	double *w0, *w1;
};

static void
axis_build(struct axis *a, int src_n, int out_n)
{
	int64_t i;

	a->first = bx_malloc(sizeof *a->first * (size_t)src_n);
	a->w0 = bx_malloc(sizeof *a->w0 * (size_t)src_n);
	a->w1 = bx_malloc(sizeof *a->w1 * (size_t)src_n);
	for (i = 0; i < src_n; i++) {
		int64_t lo = i * out_n, hi = lo + out_n;   /* pixel i, in 1/out_n units */
		int64_t d = lo / src_n, edge = (d + 1) * src_n;

		a->first[i] = (int)d;
		if (edge < hi) {
			a->w0[i] = (double)(edge - lo) / src_n;
			a->w1[i] = (double)(hi - edge) / src_n;
		} else {
			a->w0[i] = (double)out_n / src_n;
			a->w1[i] = 0;
		}
	}
}

static void
axis_free(struct axis *a)
{
	free(a->first);
	free(a->w0);
	free(a->w1);
}

struct bx_rowavg {
	int src_w, src_h;
	struct axis ax, ay;
	double *line;          /* the current source row, shrunk horizontally */
	double *acc[2];        /* output rows cur and cur + 1 being summed */
	int cur;               /* output row held in acc[0] */
	int next_y;            /* source row expected next */
	struct bx_raster *out;
};

struct bx_rowavg *
bx_rowavg_new(int src_w, int src_h, int out_w, int out_h)
{
	struct bx_rowavg *a = bx_malloc(sizeof *a);
	size_t n = (size_t)out_w * 3;

	a->src_w = src_w;
	a->src_h = src_h;
	axis_build(&a->ax, src_w, out_w);
	axis_build(&a->ay, src_h, out_h);
	a->line = bx_malloc(sizeof *a->line * n);
	a->acc[0] = calloc(n, sizeof *a->acc[0]);
	a->acc[1] = calloc(n, sizeof *a->acc[1]);
	if (a->acc[0] == NULL || a->acc[1] == NULL)
		abort();
	a->cur = 0;
	a->next_y = 0;
	a->out = bx_raster_new(out_w, out_h);
	return a;
}

void
bx_rowavg_free(struct bx_rowavg *a)
{
	if (a == NULL)
		return;
	axis_free(&a->ax);
	axis_free(&a->ay);
	free(a->line);
	free(a->acc[0]);
	free(a->acc[1]);
	bx_raster_free(a->out);
	free(a);
}

/* Output row cur is complete: round it into the raster, move on. */
static void
emit(struct bx_rowavg *a)
{
	size_t n = (size_t)a->out->w * 3, k;
	uint8_t *o = a->out->px + (size_t)a->cur * n;
	double *t;

	for (k = 0; k < n; k++) {
		double v = a->acc[0][k] + 0.5;

		o[k] = (uint8_t)(v >= 255 ? 255 : v);
	}
	t = a->acc[0];
	a->acc[0] = a->acc[1];
	a->acc[1] = t;
	memset(a->acc[1], 0, sizeof *t * n);
	a->cur++;
}

void
bx_rowavg_push(struct bx_rowavg *a, const uint8_t *rgb)
{
	size_t n = (size_t)a->out->w * 3;
	int y = a->next_y++, x, d, c;
	double wy0, wy1;

	memset(a->line, 0, sizeof *a->line * n);
	for (x = 0; x < a->src_w; x++, rgb += 3) {
		double *l = a->line + (size_t)a->ax.first[x] * 3;
		double w0 = a->ax.w0[x], w1 = a->ax.w1[x];

		for (c = 0; c < 3; c++)
			l[c] += w0 * rgb[c];
		if (w1 > 0)
			for (c = 0; c < 3; c++)
				l[3 + c] += w1 * rgb[c];
	}
	d = a->ay.first[y];
	while (a->cur < d)
		emit(a);
	wy0 = a->ay.w0[y];
	wy1 = a->ay.w1[y];
	for (x = 0; x < (int)n; x++) {
		a->acc[0][x] += wy0 * a->line[x];
		a->acc[1][x] += wy1 * a->line[x];
	}
}

struct bx_raster *
bx_rowavg_finish(struct bx_rowavg *a)
{
	struct bx_raster *r;

	while (a->cur < a->out->h)
		emit(a);
	r = a->out;
	a->out = NULL;
	return r;
}
