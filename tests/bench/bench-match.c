/* bench-match.c: matching throughput, in box pairs per second. One image =
 * n gold boxes scored against n labeler boxes (jittered copies of the gold
 * with some classes swapped and some boxes moved away) with
 * bx_score_objs: n x n IoU evaluations plus the two-pass assignment. Pairs
 * per second = n * n * images / seconds. Also the worst case for the
 * assignment: a dense n x n matrix where every pair is allowed. Prints
 * figures; never fails. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "boxel/match.h"
#include "boxel/quality.h"
#include "boxel/util.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long long rng = 88172645463325252ULL;

static double
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static const char *classes[] = { "car", "person", "bike", "dog", "sign" };

static void
make_image(struct bx_qobj *g, struct bx_qobj *l, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		g[i] = (struct bx_qobj){ .geom = BX_GEOM_BOX, .cls = classes[i % 5] };
		g[i].x = rnd() * 1800;
		g[i].y = rnd() * 1000;
		g[i].w = 20 + rnd() * 120;
		g[i].h = 20 + rnd() * 120;
		l[i] = g[i];
		l[i].x += (rnd() - 0.5) * 10;
		l[i].y += (rnd() - 0.5) * 10;
		l[i].w *= 0.9 + rnd() * 0.2;
		if (rnd() < 0.1)
			l[i].cls = classes[(i + 1) % 5];
		if (rnd() < 0.1)
			l[i].x = rnd() * 1800;
	}
}

int
main(void)
{
	static const int sizes[] = { 1, 10, 100 };
	struct bx_quality_ws *ws = bx_quality_ws_new();
	struct bx_match_ws *mw = bx_match_ws_new();
	struct bx_score_opts o;
	struct bx_score s, total = { 0 };
	struct bx_qobj *g, *l;
	double t0, t, *sim;
	long iters, it;
	int si, n, i, *rows;

	bx_score_opts_default(&o);
	printf("bench-match: boxes, IoU >= %.2f, two-pass class-aware matching\n", o.iou);
	for (si = 0; si < 3; si++) {
		n = sizes[si];
		g = bx_malloc(sizeof *g * (size_t)n * 64);
		l = bx_malloc(sizeof *l * (size_t)n * 64);
		for (i = 0; i < 64; i++)
			make_image(g + i * n, l + i * n, n);
		/* warm up the workspace, then time about 0.4 s */
		iters = 1;
		for (;;) {
			t0 = now_s();
			for (it = 0; it < iters; it++) {
				bx_score_objs(ws, g + (it % 64) * n, n, l + (it % 64) * n, n, &o, &s, NULL);
				bx_score_add(&total, &s);
			}
			t = now_s() - t0;
			if (t > 0.4 || iters > (1L << 30))
				break;
			iters *= 2;
		}
		printf("  %3d objects/image: %10.0f images/s  %12.0f pairs/s  (%ld images in %.3f s)\n",
		    n, iters / t, (double)n * n * iters / t, iters, t);
		free(g);
		free(l);
	}

	/* Polygons: 16-vertex concave stars, labeler copies jittered. */
	for (si = 1; si < 3; si++) {
		struct bx_pt *pts;
		int k, npoly = 16;

		n = sizes[si];
		g = bx_malloc(sizeof *g * (size_t)n);
		l = bx_malloc(sizeof *l * (size_t)n);
		pts = bx_malloc(sizeof *pts * (size_t)n * 2 * (size_t)npoly);
		make_image(g, l, n);
		for (i = 0; i < 2 * n; i++) {
			struct bx_qobj *q = i < n ? &g[i] : &l[i - n];
			struct bx_pt *p = pts + (size_t)i * npoly;

			for (k = 0; k < npoly; k++) {
				double a = 6.283185307179586 * k / npoly, r = (k % 2 ? 0.6 : 1.0) * q->w / 2;

				p[k].x = q->x + q->w / 2 + r * cos(a) + (rnd() - 0.5) * 2;
				p[k].y = q->y + q->h / 2 + r * sin(a) + (rnd() - 0.5) * 2;
			}
			q->geom = BX_GEOM_POLYGON;
			q->pts = p;
			q->npts = npoly;
		}
		iters = 1;
		for (;;) {
			t0 = now_s();
			for (it = 0; it < iters; it++) {
				bx_score_objs(ws, g, n, l, n, &o, &s, NULL);
				bx_score_add(&total, &s);
			}
			t = now_s() - t0;
			if (t > 0.4 || iters > (1L << 30))
				break;
			iters *= 2;
		}
		printf("  %3d polygons (16 vertices)/image: %8.0f images/s  %12.0f pairs/s\n",
		    n, iters / t, (double)n * n * iters / t);
		free(pts);
		free(g);
		free(l);
	}

	/* Worst case for the assignment alone: every pair allowed. */
	n = 100;
	sim = bx_malloc(sizeof(double) * (size_t)n * n);
	rows = bx_malloc(sizeof(int) * (size_t)n);
	for (i = 0; i < n * n; i++)
		sim[i] = 0.5 + rnd() / 2;
	iters = 1;
	for (;;) {
		t0 = now_s();
		for (it = 0; it < iters; it++)
			bx_match_assign(mw, sim, n, n, rows, NULL);
		t = now_s() - t0;
		if (t > 0.4 || iters > (1L << 30))
			break;
		iters *= 2;
	}
	printf("  dense 100x100, all pairs allowed (assignment only): %.0f assignments/s, %.0f pairs/s\n",
	    iters / t, (double)n * n * iters / t);
	printf("  (checksum tp=%ld)\n", total.tp);
	free(sim);
	free(rows);
	bx_match_ws_free(mw);
	bx_quality_ws_free(ws);
	return 0;
}
