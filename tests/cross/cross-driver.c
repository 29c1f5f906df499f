/* cross-driver.c: reads geometry and matching cases on stdin and prints
 * boxel's answers, one line per case, for tests/cross/cross-check.py to
 * compare with shapely and scipy. Lines:
 *   poly NA x y ... NB x y ...  ->  area_a area_b inter iou
 *   box x y w h x y w h         ->  iou
 *   multi KA ring... KB ring...  ->  area_a area_b inter iou (shapes of K
 *                                    rings each, a ring being N x y ...)
 *   match N M THR s00 s01 ...   ->  count total_sim r0 r1 ... (column or -1)
 *   rbox cx cy w h angle (x2)   ->  iou
 *   ellipse cx cy rx ry angle (x2) -> iou
 *   cuboid x y (x8) x y (x8)    ->  iou of the hulls
 *   oks N AREA HASBB [x y w h] then N x (gx gy gv dx dy sigma)  ->  oks
 *   pline THICKNESS NA x y ... NB x y ...  ->  mean_distance similarity
 * Numbers are printed with %.17g. A malformed line prints "error". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/geometry.h"
#include "boxel/match.h"
#include "boxel/shape-math.h"
#include "boxel/util.h"

static int read_ring(FILE *f, struct bx_pt **pts, int *n);

static int
read_doubles(double *v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (scanf("%lf", &v[i]) != 1)
			return -1;
	return 0;
}

/* The shapes of shape-math.h: one line each, see the list above. */
static int
shape_case(const char *word)
{
	double v[32], area, bb[4], thick;
	struct bx_kpt *g = NULL, *d = NULL;
	double *sig = NULL;
	struct bx_pt *pa = NULL, *pb = NULL;
	int i, n, hasbb, na, nb;

	if (strcmp(word, "rbox") == 0) {
		struct bx_rbox a, b;

		if (read_doubles(v, 10))
			return -1;
		a = (struct bx_rbox){ v[0], v[1], v[2], v[3], v[4] };
		b = (struct bx_rbox){ v[5], v[6], v[7], v[8], v[9] };
		printf("%.17g\n", bx_rbox_iou(&a, &b));
		return 0;
	}
	if (strcmp(word, "ellipse") == 0) {
		struct bx_ellipse a, b;

		if (read_doubles(v, 10))
			return -1;
		a = (struct bx_ellipse){ v[0], v[1], v[2], v[3], v[4] };
		b = (struct bx_ellipse){ v[5], v[6], v[7], v[8], v[9] };
		printf("%.17g\n", bx_ellipse_iou(&a, &b));
		return 0;
	}
	if (strcmp(word, "cuboid") == 0) {
		struct bx_cuboid a, b;

		if (read_doubles(v, 32))
			return -1;
		for (i = 0; i < 8; i++) {
			a.v[i] = (struct bx_pt){ v[2 * i], v[2 * i + 1] };
			b.v[i] = (struct bx_pt){ v[16 + 2 * i], v[16 + 2 * i + 1] };
		}
		printf("%.17g\n", bx_cuboid_hull_iou(&a, &b));
		return 0;
	}
	if (strcmp(word, "oks") == 0) {
		if (scanf("%d %lf %d", &n, &area, &hasbb) != 3 || n < 0 || n > 1000 ||
		    (hasbb && read_doubles(bb, 4)))
			return -1;
		g = bx_malloc(sizeof(*g) * (size_t)(n + 1));
		d = bx_malloc(sizeof(*d) * (size_t)(n + 1));
		sig = bx_malloc(sizeof(double) * (size_t)(n + 1));
		for (i = 0; i < n; i++) {
			if (scanf("%lf %lf %d %lf %lf %lf", &g[i].x, &g[i].y, &g[i].v,
			    &d[i].x, &d[i].y, &sig[i]) != 6) {
				n = -1;
				break;
			}
			d[i].v = 2;
		}
		if (n >= 0)
			printf("%.17g\n", bx_oks(g, d, sig, n, area, hasbb ? bb : NULL));
		free(g);
		free(d);
		free(sig);
		return n >= 0 ? 0 : -1;
	}
	if (strcmp(word, "pline") == 0) {
		struct bx_polyline a, b;

		if (scanf("%lf", &thick) != 1 || read_ring(stdin, &pa, &na) ||
		    read_ring(stdin, &pb, &nb)) {
			free(pa);
			free(pb);
			return -1;
		}
		a = (struct bx_polyline){ pa, na };
		b = (struct bx_polyline){ pb, nb };
		printf("%.17g %.17g\n", bx_polyline_mean_distance(&a, &b),
		    bx_polyline_similarity(&a, &b, thick));
		free(pa);
		free(pb);
		return 0;
	}
	return -1;
}

static int
read_ring(FILE *f, struct bx_pt **pts, int *n)
{
	int i;

	if (fscanf(f, "%d", n) != 1 || *n < 0 || *n > 100000)
		return -1;
	*pts = bx_realloc(*pts, sizeof(struct bx_pt) * (size_t)(*n + 1));
	for (i = 0; i < *n; i++)
		if (fscanf(f, "%lf %lf", &(*pts)[i].x, &(*pts)[i].y) != 2)
			return -1;
	return 0;
}

int
main(void)
{
	struct bx_geom_ws *g = bx_geom_ws_new();
	struct bx_match_ws *m = bx_match_ws_new();
	struct bx_pt *pa = NULL, *pb = NULL;
	double *sim = NULL, box[8], total;
	int *rows = NULL, na, nb, n, k, i, cnt;
	char word[16];

	while (scanf("%15s", word) == 1) {
		if (strcmp(word, "poly") == 0) {
			struct bx_shape a, b;
			double aa, ab, in;

			if (read_ring(stdin, &pa, &na) || read_ring(stdin, &pb, &nb)) {
				puts("error");
				return 1;
			}
			a = (struct bx_shape){ pa, na, NULL, 1 };
			b = (struct bx_shape){ pb, nb, NULL, 1 };
			aa = bx_shape_area(g, &a);
			ab = bx_shape_area(g, &b);
			in = bx_shape_inter_area(g, &a, &b);
			printf("%.17g %.17g %.17g %.17g\n", aa, ab, in, bx_shape_iou(g, &a, &b));
		} else if (strcmp(word, "multi") == 0) {
			struct bx_shape sh[2];
			struct bx_pt *mp[2] = { NULL, NULL }, *ring = NULL;
			int *ends[2] = { NULL, NULL }, side, r, nr, tot, nring;

			for (side = 0; side < 2; side++) {
				if (scanf("%d", &nr) != 1 || nr < 1 || nr > 64) {
					puts("error");
					return 1;
				}
				ends[side] = bx_malloc(sizeof(int) * (size_t)nr);
				tot = 0;
				for (r = 0; r < nr; r++) {
					if (read_ring(stdin, &ring, &nring)) {
						puts("error");
						return 1;
					}
					mp[side] = bx_realloc(mp[side], sizeof(struct bx_pt) * (size_t)(tot + nring + 1));
					memcpy(mp[side] + tot, ring, sizeof(struct bx_pt) * (size_t)nring);
					tot += nring;
					ends[side][r] = tot;
				}
				sh[side] = (struct bx_shape){ mp[side], tot, ends[side], nr };
			}
			printf("%.17g %.17g %.17g %.17g\n", bx_shape_area(g, &sh[0]), bx_shape_area(g, &sh[1]),
			    bx_shape_inter_area(g, &sh[0], &sh[1]), bx_shape_iou(g, &sh[0], &sh[1]));
			for (side = 0; side < 2; side++) {
				free(mp[side]);
				free(ends[side]);
			}
			free(ring);
		} else if (strcmp(word, "box") == 0) {
			for (i = 0; i < 8; i++)
				if (scanf("%lf", &box[i]) != 1) {
					puts("error");
					return 1;
				}
			printf("%.17g\n", bx_box_iou(box[0], box[1], box[2], box[3],
			    box[4], box[5], box[6], box[7]));
		} else if (strcmp(word, "match") == 0) {
			double thr;

			if (scanf("%d %d %lf", &na, &nb, &thr) != 3 || na < 0 || nb < 0 ||
			    na > 2000 || nb > 2000) {
				puts("error");
				return 1;
			}
			n = na * nb;
			sim = bx_realloc(sim, sizeof(double) * (size_t)(n + 1));
			rows = bx_realloc(rows, sizeof(int) * (size_t)(na + 1));
			for (k = 0; k < n; k++) {
				if (scanf("%lf", &sim[k]) != 1) {
					puts("error");
					return 1;
				}
				if (sim[k] < thr)
					sim[k] = -1;
			}
			cnt = bx_match_assign(m, sim, na, nb, rows, NULL);
			total = 0;
			for (i = 0; i < na; i++)
				if (rows[i] >= 0)
					total += sim[i * nb + rows[i]];
			printf("%d %.17g", cnt, total);
			for (i = 0; i < na; i++)
				printf(" %d", rows[i]);
			putchar('\n');
		} else if (shape_case(word) != 0) {
			puts("error");
			return 1;
		}
	}
	free(pa);
	free(pb);
	free(sim);
	free(rows);
	bx_geom_ws_free(g);
	bx_match_ws_free(m);
	return 0;
}
