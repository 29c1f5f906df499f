/* bench-tighten.c: how well one bx_assist_tighten pass recovers the exact
 * box from a rough one, on synthetic objects with exact truth (tests/synth.h):
 * 5 backgrounds (flat, noisy, checker, stripes, gradient) x 5 kinds (plain
 * rectangles and ellipses of 16..120 px, 3 px wide bars, low contrast (+20
 * levels, noise +-5), a touching neighbour of another color, two-tone: the
 * top quarter in a color the box's middle does not have), 48 objects per
 * kind, 240 in all. Every edge of the rough box is off by a uniform random
 * amount up to 10% of the object's size along its axis (at least 1 px).
 * Prints mean IoU before and after, the share of boxes with all four edges
 * within 1 px, per edge and per kind, and the time per tighten (the region a
 * view would decode is cropped outside the timing). Never fails. */
#include <stdio.h>
#include <time.h>

#include "boxel/assist.h"
#include "boxel/geometry.h"
#include "synth.h"

#define N_OBJ 240

#define N_KIND 5
static const char *const kind_name[N_KIND] = { "plain", "thin", "low-contrast", "touching",
                                               "two-tone" };

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	struct synth_rng g = { 0x9e3779b97f4a7c15ULL };
	double iou0 = 0, iou1 = 0, secs = 0;
	int all_ok = 0, edge_ok[4] = { 0 }, kind_ok[N_KIND] = { 0 }, kind_n[N_KIND] = { 0 }, nfail = 0;
	int bg_ok[BG_N] = { 0 }, bg_n[BG_N] = { 0 }, i, s;

	for (i = 0; i < N_OBJ; i++) {
		struct synth_spec sp = { .bg = (enum synth_bg)(i % BG_N) };
		int kind = (i / BG_N) % N_KIND, truth[4], reg[4], ok = 1;
		struct bx_raster *img, *crop;
		uint8_t *mask;
		double rough[4], out[4], t0, err_e[4];
		unsigned found;
		struct bx_err err;

		sp.ellipse = i / (BG_N * N_KIND) % 2;
		sp.w = 16 + (int)(synth_rnd(&g) * 105);
		sp.h = 16 + (int)(synth_rnd(&g) * 105);
		sp.noise = (i / 2) % 2 ? synth_uniform(&g, 2, 8) : 0;
		if (kind == 1) {
			sp.ellipse = 0;
			if (i % 2)
				sp.w = 3;
			else
				sp.h = 3;
		} else if (kind == 2) {
			sp.low_contrast = 1;
			sp.noise = 5;
		} else if (kind == 3) {
			sp.touching = 1;
		} else if (kind == 4) {
			sp.two_tone = 1;
		}
		synth_scene(&g, &sp, &img, &mask, truth);
		synth_rough(&g, truth, 0.10, rough);
		bx_assist_tighten_region(rough, img->w, img->h, reg);
		crop = bx_raster_crop(img, reg[0], reg[1], reg[2], reg[3]);
		t0 = now_s();
		if (bx_assist_tighten(&(struct bx_assist_region){ crop, reg[0], reg[1] }, rough, out,
		                      &found, &err) < 0)
			nfail++;
		secs += now_s() - t0;
		iou0 += bx_box_iou(rough[0], rough[1], rough[2], rough[3], truth[0], truth[1],
		                   truth[2], truth[3]);
		iou1 += bx_box_iou(out[0], out[1], out[2], out[3], truth[0], truth[1], truth[2],
		                   truth[3]);
		err_e[0] = out[0] - truth[0];
		err_e[1] = out[1] - truth[1];
		err_e[2] = out[0] + out[2] - truth[0] - truth[2];
		err_e[3] = out[1] + out[3] - truth[1] - truth[3];
		for (s = 0; s < 4; s++) {
			int e = fabs(err_e[s]) <= 1.0;

			edge_ok[s] += e;
			ok &= e;
		}
		all_ok += ok;
		kind_ok[kind] += ok;
		kind_n[kind]++;
		bg_ok[sp.bg] += ok;
		bg_n[sp.bg]++;
		if (getenv("BENCH_VERBOSE") && !ok)
			printf("  miss #%d %s %s %s %dx%d found=%x err %+.0f %+.0f %+.0f %+.0f\n", i,
			       synth_bg_name[sp.bg], kind_name[kind], sp.ellipse ? "ellipse" : "rect",
			       truth[2], truth[3], found, err_e[0], err_e[1], err_e[2], err_e[3]);
		bx_raster_free(crop);
		bx_raster_free(img);
		free(mask);
	}
	printf("tighten: %d synthetic objects, rough edges off by up to 10%% of the object's size\n",
	       N_OBJ);
	printf("  mean IoU          before %.3f  after %.3f\n", iou0 / N_OBJ, iou1 / N_OBJ);
	printf("  all 4 edges <=1px %.1f%%   (target >= 70%%)\n", 100.0 * all_ok / N_OBJ);
	printf("  per edge <=1px    left %.1f%%  top %.1f%%  right %.1f%%  bottom %.1f%%\n",
	       100.0 * edge_ok[0] / N_OBJ, 100.0 * edge_ok[1] / N_OBJ, 100.0 * edge_ok[2] / N_OBJ,
	       100.0 * edge_ok[3] / N_OBJ);
	printf("  all 4 by kind    ");
	for (s = 0; s < N_KIND; s++)
		printf("  %s %.0f%%", kind_name[s], 100.0 * kind_ok[s] / kind_n[s]);
	printf("\n  all 4 by backgr. ");
	for (s = 0; s < BG_N; s++)
		printf("  %s %.0f%%", synth_bg_name[s], 100.0 * bg_ok[s] / bg_n[s]);
	printf("\n  returned an error %d of %d\n", nfail, N_OBJ);
	printf("  time per tighten  %.3f ms\n", 1e3 * secs / N_OBJ);
	return 0;
}
