/* cross-driver.c: reads geometry and matching cases on stdin and prints
 * boxel's answers, one line per case, for tests/cross/cross-check.py to
 * compare with shapely and scipy. Lines:
 *   poly NA x y ... NB x y ...  ->  area_a area_b inter iou
 *   box x y w h x y w h         ->  iou
 *   multi KA ring... KB ring...  ->  area_a area_b inter iou (shapes of K
 *                                    rings each, a ring being N x y ...)
 *   match N M THR s00 s01 ...   ->  count total_sim r0 r1 ... (column or -1)
 * Numbers are printed with %.17g. A malformed line prints "error". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/geometry.h"
#include "boxel/match.h"
#include "boxel/util.h"

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
		} else {
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
