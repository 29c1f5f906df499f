/* fuzz-geometry.c: libFuzzer target for the quality engine on hostile
 * shapes: polygon areas and IoU (src/geometry.c) and the assignment
 * (src/match.c), with a cost budget and not only crash checks. The first
 * byte picks the mode:
 *   0-1: two polygons (mode 1: the first has several rings) from int16
 *        pairs, with a few byte patterns standing for NaN, infinity and
 *        huge values; IoU must be in [0, 1] and areas finite and >= 0;
 *   2:   a similarity matrix (NaN, negative and > 1 entries included) for
 *        bx_match_assign; the result must be a one-to-one assignment of
 *        allowed pairs only.
 * Budget: one call may take at most 1 s of CPU, whatever the vertex count
 * (a million-vertex polygon in an answer must not stall the queue, issue
 * 12); inputs are capped by -max_len, so this is generous for them. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boxel/geometry.h"
#include "boxel/match.h"
#include "boxel/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz-geometry: %s\n", #c); abort(); } } while (0)
#define BUDGET_S 1.0

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
budget(double t0, const char *what, int n)
{
	double dt = cpu_now() - t0;

	if (dt > BUDGET_S) {
		fprintf(stderr, "fuzz-geometry: %s on %d vertices took %.2f s of CPU (budget %.1f s)\n",
		    what, n, dt, BUDGET_S);
		abort();
	}
}

static double
coord(const uint8_t *p)
{
	int16_t v = (int16_t)(p[0] | p[1] << 8);

	switch ((uint16_t)v) {
	case 0x7fff: return NAN;
	case 0x7ffe: return INFINITY;
	case 0x7ffd: return -INFINITY;
	case 0x7ffc: return 1e300;
	case 0x7ffb: return 1e-300;
	default: return v / 8.0;
	}
}

static void
shapes(const uint8_t *d, size_t n, int rings)
{
	static struct bx_geom_ws *ws;
	struct bx_pt *pts;
	int np = (int)(n / 4), na, i, ends[8], nr = 0;
	struct bx_shape a = { 0 }, b = { 0 };
	double t0, ia, ib, in, iou;

	if (np < 1)
		return;
	if (ws == NULL)
		ws = bx_geom_ws_new();
	pts = bx_calloc((size_t)np, sizeof *pts);
	for (i = 0; i < np; i++) {
		pts[i].x = coord(d + 4 * i);
		pts[i].y = coord(d + 4 * i + 2);
	}
	na = (int)(d[0] % (np + 1));
	if (na == 0)
		na = (np + 1) / 2;
	a.pts = pts;
	a.npts = na;
	if (rings && na > 2) {
		/* Up to 8 rings at positions the data picks. */
		for (i = 1; i < na && nr < 7; i += 1 + d[(size_t)i * 4 % n] % 16)
			ends[nr++] = i;
		ends[nr++] = na;
		a.ring_end = ends;
		a.nrings = nr;
	}
	b.pts = pts + na;
	b.npts = np - na;
	t0 = cpu_now();
	ia = bx_shape_area(ws, &a);
	ib = bx_shape_area(ws, &b);
	in = bx_shape_inter_area(ws, &a, &b);
	iou = bx_shape_iou(ws, &a, &b);
	budget(t0, "areas and IoU", np);
	CHECK(isfinite(ia) && ia >= 0 && isfinite(ib) && ib >= 0);
	CHECK(isfinite(in) && in >= 0);
	CHECK(!isnan(iou) && iou >= 0 && iou <= 1);
	iou = bx_iou_from_areas(in, ia, ib);
	CHECK(!isnan(iou) && iou >= 0 && iou <= 1);
	free(pts);
}

static void
assign(const uint8_t *d, size_t size)
{
	static struct bx_match_ws *ws;
	int n, m, i, j, k, got, *row, *col, *used;
	double *sim, t0;

	if (size < 2)
		return;
	n = d[0] % 48;
	m = d[1] % 48;
	d += 2;
	size -= 2;
	if (ws == NULL)
		ws = bx_match_ws_new();
	sim = bx_calloc((size_t)(n * m) + 1, sizeof *sim);
	for (k = 0; k < n * m; k++) {
		uint8_t b = size ? d[k % size] : 0;
		sim[k] = b == 255 ? NAN : b == 254 ? INFINITY : b == 253 ? -1 : b == 252 ? 7 : b / 251.0;
	}
	row = bx_calloc((size_t)n + 1, sizeof *row);
	col = bx_calloc((size_t)m + 1, sizeof *col);
	used = bx_calloc((size_t)m + 1, sizeof *used);
	t0 = cpu_now();
	got = bx_match_assign(ws, sim, n, m, row, col);
	budget(t0, "assignment", n * m);
	k = 0;
	for (i = 0; i < n; i++) {
		if (row[i] < 0)
			continue;
		j = row[i];
		CHECK(j < m && !used[j] && col[j] == i);
		CHECK(sim[i * m + j] >= 0); /* NaN and negative are forbidden */
		used[j] = 1;
		k++;
	}
	for (j = 0; j < m; j++)
		CHECK(col[j] < 0 || (col[j] < n && row[col[j]] == j));
	CHECK(k == got);
	free(sim);
	free(row);
	free(col);
	free(used);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0: shapes(data + 1, size - 1, 0); break;
	case 1: shapes(data + 1, size - 1, 1); break;
	default: assign(data + 1, size - 1); break;
	}
	return 0;
}
