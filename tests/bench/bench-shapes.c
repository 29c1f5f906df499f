/* bench-shapes.c: time per call of shape-math's measures. Reads cases in
 * cross-driver's format (rbox, ellipse, cuboid, oks, pline lines; see
 * tests/cross/cross-driver.c) into memory, then calls each kind's function
 * on all its cases again and again for about a second and prints
 * microseconds of CPU time per call (the machine may be shared, so not
 * wall-clock). bench-shapes.py feeds it the same cases it times
 * shapely and numpy on. Prints figures; never fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boxel/shape-math.h"
#include "boxel/util.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum { RBOX, ELLIPSE, CUBOID, OKS, PLINE, NKIND };
static const char *names[NKIND] = { "rbox", "ellipse", "cuboid", "oks", "pline" };

struct kcase { /* one OKS case */
	struct bx_kpt *g, *d;
	double *sig, area, bb[4];
	int n;
};

struct lcase { /* one polyline case */
	struct bx_polyline a, b;
	double thick;
};

struct cases {
	struct bx_rbox *rb;
	struct bx_ellipse *el;
	struct bx_cuboid *cu;
	struct kcase *ok;
	struct lcase *pl;
	int n[NKIND];
};

static int
doubles(double *v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (scanf("%lf", &v[i]) != 1)
			return -1;
	return 0;
}

static struct bx_pt *
line_pts(int *n)
{
	struct bx_pt *p;
	int i;

	if (scanf("%d", n) != 1 || *n < 1 || *n > 1000000)
		return NULL;
	p = bx_malloc(sizeof(*p) * (size_t)*n);
	for (i = 0; i < *n; i++)
		if (scanf("%lf %lf", &p[i].x, &p[i].y) != 2) {
			free(p);
			return NULL;
		}
	return p;
}

#define PUSH(arr, cnt) (arr = bx_realloc(arr, sizeof(*arr) * (size_t)((cnt) + 1)), &arr[(cnt)++])

static int
read_cases(struct cases *c)
{
	char word[16];
	double v[32];
	int i, hasbb;

	while (scanf("%15s", word) == 1) {
		if (strcmp(word, "rbox") == 0 || strcmp(word, "ellipse") == 0) {
			int e = word[0] == 'e';

			if (doubles(v, 10))
				return -1;
			for (i = 0; i < 10; i += 5) {
				if (e)
					*PUSH(c->el, c->n[ELLIPSE]) = (struct bx_ellipse){ v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4] };
				else
					*PUSH(c->rb, c->n[RBOX]) = (struct bx_rbox){ v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4] };
			}
		} else if (strcmp(word, "cuboid") == 0) {
			if (doubles(v, 32))
				return -1;
			for (i = 0; i < 16; i++) {
				if (i % 8 == 0)
					PUSH(c->cu, c->n[CUBOID]);
				c->cu[c->n[CUBOID] - 1].v[i % 8] = (struct bx_pt){ v[2 * i], v[2 * i + 1] };
			}
		} else if (strcmp(word, "oks") == 0) {
			struct kcase *k = PUSH(c->ok, c->n[OKS]);

			if (scanf("%d %lf %d", &k->n, &k->area, &hasbb) != 3 || k->n < 1 || k->n > 1000 ||
			    !hasbb || doubles(k->bb, 4))
				return -1;
			k->g = bx_malloc(sizeof(*k->g) * (size_t)k->n);
			k->d = bx_malloc(sizeof(*k->d) * (size_t)k->n);
			k->sig = bx_malloc(sizeof(double) * (size_t)k->n);
			for (i = 0; i < k->n; i++)
				if (scanf("%lf %lf %d %lf %lf %lf", &k->g[i].x, &k->g[i].y, &k->g[i].v,
				    &k->d[i].x, &k->d[i].y, &k->sig[i]) != 6)
					return -1;
		} else if (strcmp(word, "pline") == 0) {
			struct lcase *l = PUSH(c->pl, c->n[PLINE]);
			struct bx_pt *pa, *pb;

			if (scanf("%lf", &l->thick) != 1 || (pa = line_pts(&l->a.npts)) == NULL ||
			    (pb = line_pts(&l->b.npts)) == NULL)
				return -1;
			l->a.pts = pa;
			l->b.pts = pb;
		} else {
			return -1;
		}
	}
	return 0;
}

/* One pass over a kind's cases; the sum keeps the calls from being
 * optimised away. */
static double
pass(const struct cases *c, int kind)
{
	double s = 0;
	int i;

	for (i = 0; i < c->n[kind]; i++) {
		switch (kind) {
		case RBOX: s += bx_rbox_iou(&c->rb[i], &c->rb[i ^ 1]); i++; break;
		case ELLIPSE: s += bx_ellipse_iou(&c->el[i], &c->el[i ^ 1]); i++; break;
		case CUBOID: s += bx_cuboid_hull_iou(&c->cu[i], &c->cu[i ^ 1]); i++; break;
		case OKS: s += bx_oks(c->ok[i].g, c->ok[i].d, c->ok[i].sig, c->ok[i].n, c->ok[i].area,
		    c->ok[i].bb); break;
		case PLINE: s += bx_polyline_similarity(&c->pl[i].a, &c->pl[i].b, c->pl[i].thick); break;
		}
	}
	return s;
}

int
main(void)
{
	static struct cases c;
	double t0, t, sink = 0;
	long reps, calls;
	int k;

	if (read_cases(&c) != 0) {
		fprintf(stderr, "bench-shapes: malformed case on stdin\n");
		return 1;
	}
	for (k = 0; k < NKIND; k++) {
		if (c.n[k] == 0)
			continue;
		t0 = now_s();
		for (reps = 0; (t = now_s() - t0) < 1.0 || reps < 3; reps++)
			sink += pass(&c, k);
		calls = reps * (k <= CUBOID ? c.n[k] / 2 : c.n[k]);
		printf("boxel %-8s %8.2f us/call (%ld calls)\n", names[k], t / (double)calls * 1e6, calls);
	}
	if (sink == 0.123456789)
		puts("");
	return 0;
}
