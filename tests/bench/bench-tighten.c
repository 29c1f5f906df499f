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
 * view would decode is cropped outside the timing).
 *
 *   bench-tighten [PHOTO-TRUTH.json PHOTO-DIR]
 *
 * With the sample photos' hand-set truth (tests/bench/photo-truth.json) it
 * also tightens each photo object from N_PHOTO rough boxes drawn the same
 * way and prints, per object, the mean IoU after and how many came out with
 * all four edges within 1 px. It also measures, per object:
 * - extreme points (E, then four clicks): each click lands within half a
 *   cell of the true extreme point (tests/bench/photo-truth.json's
 *   _extremes) at the fit zoom of a 160x50 screen, on a pixel corner, and
 *   is snapped as the labeling screen does once all four are placed
 *   (bx_assist_snap_extreme within bx_assist_extreme_reach of the click,
 *   at most 3 cells and at least 8 px, label-assist.c's SNAP_CELLS);
 *   the box of the four points against the truth, snapped and as clicked;
 * - the magic wand's box from the seed in _seeds at the first
 *   tolerance (40) and at the best of the tolerances W and Ctrl-W reach in
 *   up to 3 presses;
 * - B (bx_assist_region_box: that box tightened) from the seed and from
 *   the box's centre, pressed again while its box lies inside the object
 *   (at most 4 presses): whether it ends exact and in how many presses;
 *   the same for the wand's box alone (B before it was tightened).
 * And the edges' errors after one tighten from the rough boxes the labeling
 * screen drew where tighten went wrong (screen_rough).
 * Never fails. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "boxel/assist.h"
#include "boxel/geometry.h"
#include "boxel/image.h"
#include "synth.h"

#define N_PHOTO 24

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

/* Tighten rough on the region a view would decode for it (cropped from
 * img); *secs += the time of the tighten alone. Returns its rc. */
static int
tighten_once(const struct bx_raster *img, const double rough[4], double out[4], unsigned *found,
             double *secs)
{
	struct bx_raster *crop;
	struct bx_err err;
	double t0;
	int reg[4], rc;

	bx_assist_tighten_region(rough, img->w, img->h, reg);
	crop = bx_raster_crop(img, reg[0], reg[1], reg[2], reg[3]);
	t0 = now_s();
	rc = bx_assist_tighten(&(struct bx_assist_region){ crop, reg[0], reg[1] }, rough, out, found,
	                       &err);
	*secs += now_s() - t0;
	bx_raster_free(crop);
	return rc;
}

/* e = out's edge errors against truth (left, top, right, bottom); returns
 * whether all four are within 1 px. */
static int
edge_errors(const double out[4], const int truth[4], double e[4])
{
	int s, ok = 1;

	e[0] = out[0] - truth[0];
	e[1] = out[1] - truth[1];
	e[2] = out[0] + out[2] - truth[0] - truth[2];
	e[3] = out[1] + out[3] - truth[1] - truth[3];
	for (s = 0; s < 4; s++)
		ok &= fabs(e[s]) <= 1.0;
	return ok;
}

/* Tighten one photo object from N_PHOTO rough boxes; adds to the totals. */
static void
photo_object(const struct bx_raster *img, const char *name, const int truth[4],
             struct synth_rng *g, double *iou_sum, int *ok_sum, int *n_sum)
{
	double iou0 = 0, iou1 = 0, secs = 0;
	int k, ok_n = 0;

	for (k = 0; k < N_PHOTO; k++) {
		double rough[4], out[4], e[4];
		unsigned found;
		int ok;

		synth_rough(g, truth, 0.10, rough);
		tighten_once(img, rough, out, &found, &secs);
		iou0 += bx_box_iou(rough[0], rough[1], rough[2], rough[3], truth[0], truth[1],
		                   truth[2], truth[3]);
		iou1 += bx_box_iou(out[0], out[1], out[2], out[3], truth[0], truth[1], truth[2],
		                   truth[3]);
		ok = edge_errors(out, truth, e);
		ok_n += ok;
		if (getenv("BENCH_VERBOSE") && !ok)
			printf("  miss %s %d,%d %dx%d found=%x err %+.0f %+.0f %+.0f %+.0f\n", name,
			       truth[0], truth[1], truth[2], truth[3], found, e[0], e[1], e[2], e[3]);
	}
	printf("  %-14s %3d,%-3d %3dx%-3d IoU before %.3f after %.3f, all 4 edges <=1px %d/%d, "
	       "%.1f ms\n", name, truth[0], truth[1], truth[2], truth[3], iou0 / N_PHOTO,
	       iou1 / N_PHOTO, ok_n, N_PHOTO, 1e3 * secs / N_PHOTO);
	*iou_sum += iou1 / N_PHOTO;
	*ok_sum += ok_n;
	(*n_sum)++;
}

/* Cells per image pixel at fit zoom on a 160x50 screen (as label-pane lays
 * it out: the pane is 160 - 57 - 1 columns by 48 rows of 2 pixels). */
#define PANE_W 102
#define PANE_H 48

static double
fit_scale(int w, int h)
{
	double sx = (double)PANE_W / w, sy = 2.0 * PANE_H / h;

	return sx < sy ? sx : sy;
}

static int
all_within_1(const double b[4], const int t[4])
{
	return fabs(b[0] - t[0]) <= 1 && fabs(b[1] - t[1]) <= 1 &&
	       fabs(b[0] + b[2] - t[0] - t[2]) <= 1 && fabs(b[1] + b[3] - t[1] - t[3]) <= 1;
}

/* Extreme points from N_PHOTO sets of four clicks near ext (y of the left
 * point, x of the top one, y of the right one, x of the bottom one); with
 * zoom, the last two at the zoom the screen goes to after the first two
 * (bx_assist_extreme_zoom), else at fit zoom. */
static void
photo_extremes(const struct bx_raster *img, const int t[4], const int ext[4],
               struct synth_rng *g, int zoom, double *iou_sum, int *ok_sum)
{
	double sc = fit_scale(img->w, img->h), reach;
	double iou_raw = 0, iou_snap = 0;
	int k, side, ok_raw = 0, ok_snap = 0, nsnap = 0;

	for (k = 0; k < N_PHOTO; k++) {
		struct bx_pt raw[4], snap[4];
		double braw[4], bsnap[4], scs[4] = { sc, sc, sc, sc };
		struct bx_err err;

		for (side = 0; side < 4; side++) {
			double ex = side == BX_SIDE_LEFT ? t[0] : side == BX_SIDE_RIGHT ? t[0] + t[2]
			          : ext[side];
			double ey = side == BX_SIDE_TOP ? t[1] : side == BX_SIDE_BOTTOM ? t[1] + t[3]
			          : ext[side];
			double c[2], z;

			/* After the first two the screen may zoom in on a small
			 * object: the other two are clicked at that zoom. */
			if (side == BX_SIDE_RIGHT && zoom &&
			    (z = bx_assist_extreme_zoom(raw, sc, PANE_W, PANE_H, c)) > 0)
				scs[BX_SIDE_RIGHT] = scs[BX_SIDE_BOTTOM] = z;
			raw[side].x = fmin(fmax(round(ex + synth_uniform(g, -0.5, 0.5) / scs[side]), 0),
			                   img->w);
			raw[side].y = fmin(fmax(round(ey + synth_uniform(g, -1.0, 1.0) / scs[side]), 0),
			                   img->h);
		}
		/* With the fourth click all four are snapped within the reach
		 * their placing allows (label-assist.c). */
		for (side = 0; side < 4; side++) {
			struct bx_pt p = raw[side], q;
			struct bx_raster *crop;
			int rect[4];

			snap[side] = raw[side];
			reach = bx_assist_extreme_reach(raw, (enum bx_side)side, scs[side],
			                                fmax(2, 3.0 / scs[side]));
			bx_assist_snap_region((enum bx_side)side, &p, reach, img->w, img->h, rect);
			crop = bx_raster_crop(img, rect[0], rect[1], rect[2], rect[3]);
			if (bx_assist_snap_extreme(&(struct bx_assist_region){ crop, rect[0], rect[1] },
			                           (enum bx_side)side, p, reach, &q, &err) == 0) {
				snap[side] = q;
				nsnap++;
			}
			bx_raster_free(crop);
		}
		if (getenv("BENCH_VERBOSE"))
			printf("  extreme err snapped %+.0f %+.0f %+.0f %+.0f clicked %+.0f %+.0f %+.0f %+.0f\n",
			       snap[0].x - t[0], snap[1].y - t[1], snap[2].x - t[0] - t[2],
			       snap[3].y - t[1] - t[3], raw[0].x - t[0], raw[1].y - t[1],
			       raw[2].x - t[0] - t[2], raw[3].y - t[1] - t[3]);
		if (bx_assist_box_from_extremes(raw, braw, &err) == 0) {
			iou_raw += bx_box_iou(braw[0], braw[1], braw[2], braw[3], t[0], t[1], t[2], t[3]);
			ok_raw += all_within_1(braw, t);
		}
		if (bx_assist_box_from_extremes(snap, bsnap, &err) == 0) {
			iou_snap += bx_box_iou(bsnap[0], bsnap[1], bsnap[2], bsnap[3], t[0], t[1], t[2],
			                       t[3]);
			ok_snap += all_within_1(bsnap, t);
		}
	}
	printf("  %-29s extreme points%s: clicked IoU %.3f (%d/%d exact), snapped IoU %.3f "
	       "(%d/%d exact; %d of %d clicks snapped)\n", "", zoom ? ", zoom" : "",
	       iou_raw / N_PHOTO, ok_raw,
	       N_PHOTO, iou_snap / N_PHOTO, ok_snap, N_PHOTO, nsnap, 4 * N_PHOTO);
	*iou_sum += iou_snap / N_PHOTO;
	*ok_sum += ok_snap;
}

/* The wand's box from seed: the tolerances W (x1.4) and Ctrl-W (/1.4)
 * reach from 40 in up to 3 presses. */
static void
photo_wand(const struct bx_raster *img, const int t[4], const int seed[2], double *iou_sum,
           int *ok_sum)
{
	static const double tols[] = { 40, 56, 78.4, 109.8, 28.6, 20.4, 14.6 };
	static const int presses[] = { 1, 2, 3, 4, 2, 3, 4 };
	struct bx_assist_region reg = { img, 0, 0 };
	double first = -1, best = -1;
	int i, best_i = 0, first_ok = 0, best_ok = 0;

	for (i = 0; i < (int)(sizeof tols / sizeof tols[0]); i++) {
		struct bx_pt *pts = NULL, sd = { seed[0] + 0.5, seed[1] + 0.5 };
		double b[4], v;
		struct bx_err err;
		int n = 0;

		if (bx_assist_wand(&reg, sd, tols[i], 0, &pts, &n, &err) < 0)
			continue;
		bx_assist_pts_bounds(pts, n, b);
		free(pts);
		v = bx_box_iou(b[0], b[1], b[2], b[3], t[0], t[1], t[2], t[3]);
		if (i == 0)
			first = v, first_ok = all_within_1(b, t);
		if (v > best)
			best = v, best_i = i, best_ok = all_within_1(b, t);
	}
	printf("  %-29s wand box (B): tolerance 40 IoU %.3f%s; best %.3f%s at tolerance %.0f "
	       "(%d press%s)\n", "", first, first_ok ? " exact" : "", best, best_ok ? " exact" : "",
	       tols[best_i], presses[best_i], presses[best_i] > 1 ? "es" : "");
	*iou_sum += best;
	*ok_sum += best_ok;
}

/* B as an annotator uses it (bx_assist_region_box: the wand's box, then
 * tightened), from a seed: pressed again (the tolerance x1.4, as the
 * labeling screen's B does) while its box lies inside the object and is
 * not yet within 1 px of it, at most 4 presses. Returns the presses it took
 * to an exact box, 0 if none; *iou = IoU of the last box; *ms += the time
 * of each press, the wand's flood on its 1024 px region included. */
static int
photo_region_box(const struct bx_raster *img, const int t[4], double sx, double sy, int tight,
                 double *iou, double *ms)
{
	struct bx_pt sd = { floor(sx) + 0.5, floor(sy) + 0.5 };
	double tol = 40, b[4];
	int press;

	*iou = 0;
	for (press = 1; press <= 4; press++, tol *= 1.4) {
		int reg[4] = { (int)fmax(0, floor(sd.x) - 512), (int)fmax(0, floor(sd.y) - 512) }, rc;
		struct bx_raster *crop;
		struct bx_err err;
		double t0;

		reg[2] = (int)fmin(img->w, reg[0] + 1024) - reg[0];
		reg[3] = (int)fmin(img->h, reg[1] + 1024) - reg[1];
		crop = bx_raster_crop(img, reg[0], reg[1], reg[2], reg[3]);
		t0 = now_s();
		if (tight) {
			rc = bx_assist_region_box(&(struct bx_assist_region){ crop, reg[0], reg[1] }, sd,
			                          tol, b, NULL, &err);
		} else {
			struct bx_pt *pts = NULL;
			int n = 0;

			rc = bx_assist_wand(&(struct bx_assist_region){ crop, reg[0], reg[1] }, sd, tol, 0,
			                    &pts, &n, &err);
			bx_assist_pts_bounds(pts, n, b);
			free(pts);
		}
		*ms += 1e3 * (now_s() - t0);
		bx_raster_free(crop);
		if (rc < 0)
			return 0;
		*iou = bx_box_iou(b[0], b[1], b[2], b[3], t[0], t[1], t[2], t[3]);
		if (all_within_1(b, t))
			return press;
		if (b[0] < t[0] - 1 || b[1] < t[1] - 1 || b[0] + b[2] > t[0] + t[2] + 1 ||
		    b[1] + b[3] > t[1] + t[3] + 1)
			return 0;
	}
	return 0;
}

static void
photo_b(const struct bx_raster *img, const int t[4], const int seed[2], int tight, int *ok_sum,
        int *n_sum, int *press_sum)
{
	const double at[2][2] = { { seed[0], seed[1] }, { t[0] + t[2] / 2.0, t[1] + t[3] / 2.0 } };
	const char *const what[2] = { "seed", "centre" };
	double iou, ms = 0;
	int i, k;

	printf("  %-29s %s; again while inside):", "",
	       tight ? "B (wand box, tightened" : "wand box alone (B before");
	for (i = 0; i < 2; i++) {
		k = photo_region_box(img, t, at[i][0], at[i][1], tight, &iou, &ms);
		printf(" from the %s %s", what[i], k ? "exact" : "not exact");
		if (k)
			printf(" in %d press%s", k, k > 1 ? "es" : "");
		else
			printf(" (IoU %.3f)", iou);
		printf(i ? ";" : ",");
		*ok_sum += k > 0;
		*press_sum += k;
		*n_sum += 1;
	}
	printf(" %.1f ms a press\n", ms / 2);
}

/* The rough boxes the labeling screen drew in bench-effort's assisted
 * strategy (corners placed by jump labels at 160x50), where tighten went
 * wrong: each is tightened once and its edges' errors printed. */
static const struct {
	const char *name, *what;
	int truth[4];
	double rough[4];
} screen_rough[] = {
	{ "coffee.png", "cup rim", { 173, 18, 235, 190 }, { 179, 29, 236, 189 } },
	{ "coffee.png", "spoon", { 326, 67, 98, 258 }, { 321, 76, 94, 259 } },
};

static void
photo_screen_boxes(const struct bx_raster *img, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof screen_rough / sizeof screen_rough[0]; i++) {
		double out[4], e[4], secs = 0;
		unsigned found;
		int rc;

		if (strcmp(screen_rough[i].name, name) != 0)
			continue;
		rc = tighten_once(img, screen_rough[i].rough, out, &found, &secs);
		edge_errors(out, screen_rough[i].truth, e);
		printf("  %-14s %-29s screen's rough box %g,%g %gx%g: %s, edges %+.0f %+.0f %+.0f "
		       "%+.0f, %.1f ms\n", name, screen_rough[i].what, screen_rough[i].rough[0],
		       screen_rough[i].rough[1], screen_rough[i].rough[2], screen_rough[i].rough[3],
		       rc < 0 ? "not found" : "found", e[0], e[1], e[2], e[3], 1e3 * secs);
	}
}

static int
photos(const char *truth_path, const char *dir)
{
	struct synth_rng g = { 0x2545f4914f6cdd1dULL }, ge = { 0x5851f42d4c957f2dULL };
	json_error_t jerr;
	json_t *root = json_load_file(truth_path, 0, &jerr), *boxes;
	const char *name;
	double iou_sum = 0, ext_iou = 0, extz_iou = 0, wand_iou = 0;
	int ok_sum = 0, n = 0, ext_ok = 0, extz_ok = 0, ext_n = 0, wand_ok = 0, wand_n = 0;
	int b_ok = 0, b_n = 0, b_press = 0, w_ok = 0, w_n = 0, w_press = 0;

	if (!root) {
		fprintf(stderr, "bench-tighten: %s: %s\n", truth_path, jerr.text);
		return 1;
	}
	printf("tighten on the sample photos (hand-set truth), %d rough boxes per object\n",
	       N_PHOTO);
	json_object_foreach(root, name, boxes) {
		char path[4096];
		struct bx_image im;
		struct bx_err err;
		size_t i;

		if (name[0] == '_')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if (bx_image_load(path, 0, 0, NULL, &im, &err) < 0) {
			fprintf(stderr, "bench-tighten: %s: %s\n", path, err.msg);
			json_decref(root);
			return 1;
		}
		for (i = 0; i < json_array_size(boxes); i++) {
			json_t *b = json_array_get(boxes, i);
			json_t *e = json_array_get(json_object_get(json_object_get(root, "_extremes"),
			                                           name), i);
			json_t *sd = json_array_get(json_object_get(json_object_get(root, "_seeds"),
			                                            name), i);
			int t[4], ext[4], seed[2], k;

			for (k = 0; k < 4; k++)
				t[k] = (int)json_integer_value(json_array_get(b, k));
			photo_object(im.pix, name, t, &g, &iou_sum, &ok_sum, &n);
			if (json_array_size(e) == 4) {
				for (k = 0; k < 4; k++)
					ext[k] = (int)json_integer_value(json_array_get(e, k));
				struct synth_rng gz = ge;

				photo_extremes(im.pix, t, ext, &ge, 0, &ext_iou, &ext_ok);
				photo_extremes(im.pix, t, ext, &gz, 1, &extz_iou, &extz_ok);
				ext_n++;
			}
			if (json_array_size(sd) == 2) {
				seed[0] = (int)json_integer_value(json_array_get(sd, 0));
				seed[1] = (int)json_integer_value(json_array_get(sd, 1));
				photo_wand(im.pix, t, seed, &wand_iou, &wand_ok);
				photo_b(im.pix, t, seed, 0, &w_ok, &w_n, &w_press);
				photo_b(im.pix, t, seed, 1, &b_ok, &b_n, &b_press);
				wand_n++;
			}
		}
		photo_screen_boxes(im.pix, name);
		bx_image_release(&im);
	}
	if (n)
		printf("  photos: %d objects, mean IoU after %.3f, all 4 edges <=1px %d/%d (%.0f%%)\n",
		       n, iou_sum / n, ok_sum, n * N_PHOTO, 100.0 * ok_sum / (n * N_PHOTO));
	if (ext_n) {
		printf("  extreme points, snapped: mean IoU %.3f, all 4 edges <=1px %d/%d (%.0f%%)\n",
		       ext_iou / ext_n, ext_ok, ext_n * N_PHOTO, 100.0 * ext_ok / (ext_n * N_PHOTO));
		printf("  extreme points, zoom: mean IoU %.3f, all 4 edges <=1px %d/%d (%.0f%%)\n",
		       extz_iou / ext_n, extz_ok, ext_n * N_PHOTO,
		       100.0 * extz_ok / (ext_n * N_PHOTO));
	}
	if (wand_n)
		printf("  wand box at the best tolerance: mean IoU %.3f, exact %d/%d\n",
		       wand_iou / wand_n, wand_ok, wand_n);
	if (w_n)
		printf("  wand box alone, pressed again while inside: exact %d/%d, %.1f presses each\n",
		       w_ok, w_n, w_ok ? (double)w_press / w_ok : 0.0);
	if (b_n)
		printf("  B tightened, pressed again while inside: exact %d/%d (from the seed and the "
		       "centre), %.1f presses each\n", b_ok, b_n, b_ok ? (double)b_press / b_ok : 0.0);
	json_decref(root);
	return 0;
}

int
main(int argc, char **argv)
{
	struct synth_rng g = { 0x9e3779b97f4a7c15ULL };
	double iou0 = 0, iou1 = 0, secs = 0;
	int all_ok = 0, edge_ok[4] = { 0 }, kind_ok[N_KIND] = { 0 }, kind_n[N_KIND] = { 0 }, nfail = 0;
	int bg_ok[BG_N] = { 0 }, bg_n[BG_N] = { 0 }, i, s;

	for (i = 0; i < N_OBJ; i++) {
		struct synth_spec sp = { .bg = (enum synth_bg)(i % BG_N) };
		int kind = (i / BG_N) % N_KIND, truth[4], ok;
		struct bx_raster *img;
		uint8_t *mask;
		double rough[4], out[4], err_e[4];
		unsigned found;

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
		if (tighten_once(img, rough, out, &found, &secs) < 0)
			nfail++;
		iou0 += bx_box_iou(rough[0], rough[1], rough[2], rough[3], truth[0], truth[1],
		                   truth[2], truth[3]);
		iou1 += bx_box_iou(out[0], out[1], out[2], out[3], truth[0], truth[1], truth[2],
		                   truth[3]);
		ok = edge_errors(out, truth, err_e);
		for (s = 0; s < 4; s++)
			edge_ok[s] += fabs(err_e[s]) <= 1.0;
		all_ok += ok;
		kind_ok[kind] += ok;
		kind_n[kind]++;
		bg_ok[sp.bg] += ok;
		bg_n[sp.bg]++;
		if (getenv("BENCH_VERBOSE") && !ok)
			printf("  miss #%d %s %s %s %dx%d found=%x err %+.0f %+.0f %+.0f %+.0f\n", i,
			       synth_bg_name[sp.bg], kind_name[kind], sp.ellipse ? "ellipse" : "rect",
			       truth[2], truth[3], found, err_e[0], err_e[1], err_e[2], err_e[3]);
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
	if (argc == 3)
		return photos(argv[1], argv[2]);
	return 0;
}
