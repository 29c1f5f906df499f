/* assist-wand.c: the magic wand: flood fill from a seed, fill holes, trace
 * the outer boundary along pixel corners, simplify to a simple polygon of
 * at most max_vertices. Region pixels inside (corners are integers, which
 * keeps the simplicity test exact); image pixels at the API edge. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/assist.h"
#include "boxel/util.h"

/* Distance a simplified edge may stray from the traced boundary before
 * another vertex goes in: half a pixel keeps staircases of a slanted edge
 * out while every real corner stays. */
#define WAND_EPS 0.5

struct ipt {
	int x, y;
};

/* Directions clockwise on screen (y down): +x, +y, -x, -y. */
static const int dir_x[4] = { 1, 0, -1, 0 };
static const int dir_y[4] = { 0, 1, 0, -1 };

/* Padded mask: the fill's bounding box plus one pixel of outside all
 * round, so tracing never needs bounds checks. */
struct pmask {
	int w, h;       /* padded size */
	int ox, oy;     /* region pixel of padded (1, 1) */
	uint8_t *m;     /* 1 inside */
};

static int
pm_in(const struct pmask *pm, int x, int y)
{
	return pm->m[(size_t)y * pm->w + x];
}

/* The padded mask of the pixels equal to `of` in src's (w wide) bbox
 * bb[4] (x0, y0, x1, y1); those pixels of src become of + 1 (taken).
 * Returns how many there were. */
static long
pm_take(struct pmask *pm, uint8_t *src, int w, const int bb[4], uint8_t of)
{
	long n = 0;
	int x, y;

	pm->w = bb[2] - bb[0] + 3;
	pm->h = bb[3] - bb[1] + 3;
	pm->ox = bb[0];
	pm->oy = bb[1];
	pm->m = bx_calloc((size_t)pm->w * pm->h, 1);
	for (y = bb[1]; y <= bb[3]; y++)
		for (x = bb[0]; x <= bb[2]; x++)
			if (src[(size_t)y * w + x] == of) {
				pm->m[(size_t)(y - bb[1] + 1) * pm->w + (x - bb[0] + 1)] = 1;
				src[(size_t)y * w + x] = (uint8_t)(of + 1);
				n++;
			}
	return n;
}

static int
flood(uint8_t *m, int w, int h, int *stack, int sx, int sy,
      int (*ok)(const void *, int, int), const void *ctx, int bbox[4])
{
	static const int nb[4][2] = { { -1, 0 }, { 1, 0 }, { 0, -1 }, { 0, 1 } };
	int sp = 0, n = 0, k;

	bbox[0] = bbox[2] = sx;
	bbox[1] = bbox[3] = sy;
	m[(size_t)sy * w + sx] = 1;
	stack[sp++] = sy * w + sx;
	while (sp) {
		int i = stack[--sp], x = i % w, y = i / w;

		n++;
		if (x < bbox[0]) bbox[0] = x;
		if (y < bbox[1]) bbox[1] = y;
		if (x > bbox[2]) bbox[2] = x;
		if (y > bbox[3]) bbox[3] = y;
		for (k = 0; k < 4; k++) {
			int nx = x + nb[k][0], ny = y + nb[k][1];

			if (nx < 0 || ny < 0 || nx >= w || ny >= h || m[(size_t)ny * w + nx])
				continue;
			if (!ok(ctx, nx, ny))
				continue;
			m[(size_t)ny * w + nx] = 1;
			stack[sp++] = ny * w + nx;
		}
	}
	return n;
}

struct color_ctx {
	const struct bx_raster *r;
	double c[3];
	double tol2;
};

static int
color_ok(const void *vctx, int x, int y)
{
	const struct color_ctx *ctx = vctx;
	const uint8_t *p = ctx->r->px + ((size_t)y * ctx->r->w + x) * 3;
	double d0 = p[0] - ctx->c[0], d1 = p[1] - ctx->c[1], d2 = p[2] - ctx->c[2];

	return d0 * d0 + d1 * d1 + d2 * d2 <= ctx->tol2;
}

static int
outside_ok(const void *vctx, int x, int y)
{
	const struct pmask *pm = vctx;

	return !pm_in(pm, x, y);
}

/* Holes: everything the outside cannot reach (4-neighbours) from the
 * padding is inside. */
static void
fill_holes(struct pmask *pm, int *stack)
{
	uint8_t *out = bx_calloc((size_t)pm->w * pm->h, 1);
	size_t i;
	int bb[4];

	flood(out, pm->w, pm->h, stack, 0, 0, outside_ok, pm, bb);
	for (i = 0; i < (size_t)pm->w * pm->h; i++)
		pm->m[i] = !out[i];
	free(out);
}

/* Inside pixel in the quadrant (qx, qy) (each -1 or +1) of corner (x, y)? */
static int
quad_in(const struct pmask *pm, int x, int y, int qx, int qy)
{
	return pm_in(pm, x + (qx > 0 ? 0 : -1), y + (qy > 0 ? 0 : -1));
}

/* Walk the outer boundary clockwise with the inside on the right, from the
 * top-left corner of the first inside pixel in scan order. At each corner:
 * turn right if the pixel ahead on the right is outside, else left if the
 * one ahead on the left is inside, else straight. Turning right at a pinch
 * (two inside pixels touching only at a corner) follows 4-connectivity,
 * the fill's own. Emits corners where the direction changes. */
static int
trace(const struct pmask *pm, struct ipt **out)
{
	int sx = -1, sy = -1, x, y, d = 0, n = 0, cap = 64;
	long steps = 0, limit = 4L * pm->w * pm->h + 8;
	struct ipt *c = bx_malloc(sizeof(*c) * (size_t)cap);

	for (y = 0; y < pm->h && sx < 0; y++)
		for (x = 0; x < pm->w; x++)
			if (pm_in(pm, x, y)) {
				sx = x;
				sy = y;
				break;
			}
	x = sx;
	y = sy;
	do {
		int r = (d + 1) & 3, l = (d + 3) & 3, nd;

		x += dir_x[d];
		y += dir_y[d];
		if (!quad_in(pm, x, y, dir_x[d] + dir_x[r], dir_y[d] + dir_y[r]))
			nd = r;
		else if (quad_in(pm, x, y, dir_x[d] + dir_x[l], dir_y[d] + dir_y[l]))
			nd = l;
		else
			nd = d;
		if (nd != d) {
			if (n == cap) {
				cap *= 2;
				c = bx_realloc(c, sizeof(*c) * (size_t)cap);
			}
			c[n++] = (struct ipt){ x, y };
		}
		d = nd;
	} while ((x != sx || y != sy || d != 0) && ++steps < limit);
	*out = c;
	return n;
}

static double
seg_dist(struct ipt p, struct ipt a, struct ipt b)
{
	double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy, t;

	if (len2 == 0)
		return hypot(p.x - a.x, p.y - a.y);
	t = ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2;
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

static long long
orient(struct ipt a, struct ipt b, struct ipt c)
{
	long long v = (long long)(b.x - a.x) * (c.y - a.y) - (long long)(b.y - a.y) * (c.x - a.x);

	return (v > 0) - (v < 0);
}

static int
on_seg(struct ipt a, struct ipt b, struct ipt p)
{
	return p.x >= (a.x < b.x ? a.x : b.x) && p.x <= (a.x > b.x ? a.x : b.x) &&
	       p.y >= (a.y < b.y ? a.y : b.y) && p.y <= (a.y > b.y ? a.y : b.y);
}

/* Closed segments ab and cd share a point (exact: integer corners). */
static int
seg_touch(struct ipt a, struct ipt b, struct ipt c, struct ipt d)
{
	long long o1 = orient(a, b, c), o2 = orient(a, b, d);
	long long o3 = orient(c, d, a), o4 = orient(c, d, b);

	if (o1 != o2 && o3 != o4)
		return 1;
	return (o1 == 0 && on_seg(a, b, c)) || (o2 == 0 && on_seg(a, b, d)) ||
	       (o3 == 0 && on_seg(c, d, a)) || (o4 == 0 && on_seg(c, d, b));
}

/* Simple: no two edges meet except neighbours at their shared vertex, and
 * neighbours do not fold back onto each other. O(n^2), n <= max_vertices. */
static int
poly_simple(const struct ipt *p, int n)
{
	int i, j;

	if (n < 3)
		return 0;
	for (i = 0; i < n; i++) {
		struct ipt a = p[i], b = p[(i + 1) % n], c = p[(i + 2) % n];
		long long dot = (long long)(b.x - a.x) * (c.x - b.x) +
		                (long long)(b.y - a.y) * (c.y - b.y);

		if ((a.x == b.x && a.y == b.y) || (orient(a, b, c) == 0 && dot <= 0))
			return 0;
		for (j = i + 2; j < n; j++) {
			if (i == 0 && j == n - 1)
				continue;
			if (seg_touch(a, b, p[j], p[(j + 1) % n]))
				return 0;
		}
	}
	return 1;
}

/* Greedy Douglas-Peucker on a closed contour c[0..n): idx holds the chosen
 * contour indices in order. Returns the count of the last simple polygon,
 * left in best. */
static int
simplify(const struct ipt *c, int n, int maxv, int *best)
{
	int *idx = bx_malloc(sizeof(int) * (size_t)(maxv + 1));
	struct ipt *poly = bx_malloc(sizeof(*poly) * (size_t)(maxv + 1));
	int k = 2, nbest = 0, i, j, far = 0;
	double fd = -1;

	/* Anchors: contour corner 0 and the corner farthest from it. */
	for (i = 1; i < n; i++) {
		double d = hypot(c[i].x - c[0].x, c[i].y - c[0].y);

		if (d > fd)
			fd = d, far = i;
	}
	idx[0] = 0;
	idx[1] = far;
	while (k < maxv) {
		int at = -1, pick = -1, simple;
		double md = 0;

		for (j = 0; j < k; j++) {
			int a = idx[j], b = j + 1 < k ? idx[j + 1] : idx[0] + n;

			for (i = a + 1; i < b; i++) {
				double d = seg_dist(c[i % n], c[a], c[b % n]);

				if (d > md)
					md = d, at = j + 1, pick = i % n;
			}
		}
		if (pick < 0 || (md <= WAND_EPS && nbest == k))
			break;
		memmove(idx + at + 1, idx + at, sizeof(int) * (size_t)(k - at));
		idx[at] = pick;
		k++;
		for (j = 0; j < k; j++)
			poly[j] = c[idx[j]];
		simple = poly_simple(poly, k);
		if (simple) {
			memcpy(best, idx, sizeof(int) * (size_t)k);
			nbest = k;
		}
	}
	free(idx);
	free(poly);
	return nbest;
}

/* A chosen corner that ended up on the straight line between its
 * neighbours adds nothing: drop it (the outline is the same point set, so
 * it stays simple). Repeat until none is left; n <= max_vertices. */
static int
drop_collinear(const struct ipt *c, int *idx, int n)
{
	int i, again = 1;

	while (again && n > 3) {
		again = 0;
		for (i = 0; i < n; i++)
			if (orient(c[idx[(i + n - 1) % n]], c[idx[i]], c[idx[(i + 1) % n]]) == 0) {
				memmove(idx + i, idx + i + 1, sizeof(int) * (size_t)(n - i - 1));
				n--;
				again = 1;
				break;
			}
	}
	return n;
}

int
bx_assist_wand(const struct bx_assist_region *reg, struct bx_pt seed, double tolerance,
               int max_vertices, struct bx_pt **pts_out, int *npts_out, struct bx_err *err)
{
	const struct bx_raster *r;
	struct color_ctx ctx;
	struct pmask pm;
	struct ipt *c = NULL;
	uint8_t *fill;
	int *stack, *best = NULL, sx, sy, x, y, k, n, nc, bb[4];
	size_t npx;

	*pts_out = NULL;
	*npts_out = 0;
	if ((k = bx_assist_region_ok(reg, err)) < 0)
		return k;
	r = reg->r;
	if (!isfinite(tolerance) || tolerance < 0 || tolerance > 442)
		return bx_err_set(err, BX_EINVAL, "wand tolerance must be 0..442 (got %g)",
		                  tolerance);
	if (max_vertices <= 0)
		max_vertices = BX_ASSIST_WAND_VERTICES;
	if (max_vertices < 3)
		return bx_err_set(err, BX_EINVAL, "a polygon needs at least 3 vertices (got %d)",
		                  max_vertices);
	if (!isfinite(seed.x) || !isfinite(seed.y) || seed.x < reg->rx || seed.y < reg->ry ||
	    seed.x >= (double)reg->rx + r->w || seed.y >= (double)reg->ry + r->h)
		return bx_err_set(err, BX_EINVAL, "seed %g,%g is outside the decoded region",
		                  seed.x, seed.y);
	sx = (int)floor(seed.x - reg->rx);
	sy = (int)floor(seed.y - reg->ry);

	ctx.r = r;
	ctx.tol2 = tolerance * tolerance;
	ctx.c[0] = ctx.c[1] = ctx.c[2] = 0;
	n = 0;
	for (y = sy - 1; y <= sy + 1; y++)
		for (x = sx - 1; x <= sx + 1; x++) {
			const uint8_t *p;

			if (x < 0 || y < 0 || x >= r->w || y >= r->h)
				continue;
			p = r->px + ((size_t)y * r->w + x) * 3;
			for (k = 0; k < 3; k++)
				ctx.c[k] += p[k];
			n++;
		}
	for (k = 0; k < 3; k++)
		ctx.c[k] /= n;

	npx = (size_t)r->w * r->h;
	fill = bx_calloc(npx, 1);
	stack = bx_malloc(sizeof(int) * (npx + 2 * (size_t)r->w + 2 * (size_t)r->h + 8));
	/* The seed itself is in even when the 3x3 mean is beyond tolerance
	 * of it (a one-pixel detail): the fill always starts somewhere. */
	flood(fill, r->w, r->h, stack, sx, sy, color_ok, &ctx, bb);
	if (bb[0] == 0 && bb[1] == 0 && bb[2] == r->w - 1 && bb[3] == r->h - 1) {
		free(fill);
		free(stack);
		return bx_err_set(err, BX_ENOENT, "the fill from %g,%g leaked to every side of the "
		                  "region: nothing there stands out within tolerance %g",
		                  seed.x, seed.y, tolerance);
	}

	pm_take(&pm, fill, r->w, bb, 1);
	free(fill);
	fill_holes(&pm, stack);
	free(stack);

	nc = trace(&pm, &c);
	best = bx_malloc(sizeof(int) * (size_t)(max_vertices + 1));
	n = simplify(c, nc, max_vertices, best);
	n = drop_collinear(c, best, n);
	if (n < 3) {
		/* Not expected: the first triangle of a traced pixel set is
		 * simple. Still, never return a non-polygon. */
		free(c);
		free(best);
		free(pm.m);
		return bx_err_set(err, BX_ENOENT, "the fill from %g,%g gave no polygon",
		                  seed.x, seed.y);
	}
	*pts_out = bx_malloc(sizeof(struct bx_pt) * (size_t)n);
	for (k = 0; k < n; k++) {
		/* padded (1, 1) is region pixel (ox, oy) */
		(*pts_out)[k].x = c[best[k]].x - 1 + pm.ox + reg->rx;
		(*pts_out)[k].y = c[best[k]].y - 1 + pm.oy + reg->ry;
	}
	*npts_out = n;
	free(c);
	free(best);
	free(pm.m);
	return 0;
}

/* ---- a mask's outlines (COCO's RLE masks) ---- */

struct mask_ctx {
	const uint8_t *mask;
	int w;
};

static int
mask_ok(const void *vctx, int x, int y)
{
	const struct mask_ctx *ctx = vctx;

	return ctx->mask[(size_t)y * ctx->w + x] != 0;
}

int
bx_assist_mask_rings(const uint8_t *mask, int w, int h, int max_vertices,
                     struct bx_pt **pts_out, int **ring_end_out, int *nrings_out,
                     int *holes_out)
{
	struct mask_ctx ctx = { mask, w };
	uint8_t *seen = bx_calloc((size_t)w * h, 1);
	int *stack = bx_malloc(sizeof(int) * ((size_t)w * h + 1)), *pstack = NULL;
	struct bx_pt *pts = NULL;
	int *ring_end = NULL, nrings = 0, npts = 0, holes = 0, x, y, bb[4];
	size_t pcap = 0;

	if (max_vertices < 3)
		max_vertices = 3;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			struct pmask pm;
			struct ipt *c = NULL;
			int *best, n, nc, k;
			long inside = 0;

			if (!mask[(size_t)y * w + x] || seen[(size_t)y * w + x])
				continue;
			/* this part: 4-neighbours, as the trace follows them;
			 * marked 1 now, 2 once it is traced */
			flood(seen, w, h, stack, x, y, mask_ok, &ctx, bb);
			inside = pm_take(&pm, seen, w, bb, 1);
			pstack = bx_realloc(pstack, sizeof(int) * ((size_t)pm.w * pm.h + 1));
			fill_holes(&pm, pstack);
			for (k = 0; k < pm.w * pm.h; k++)
				inside -= pm.m[k];
			holes += inside != 0;
			nc = trace(&pm, &c);
			best = bx_malloc(sizeof(int) * (size_t)(max_vertices + 1));
			n = simplify(c, nc, max_vertices, best);
			n = drop_collinear(c, best, n);
			if (n >= 3) {
				if ((size_t)(npts + n) > pcap) {
					pcap = (size_t)(npts + n) * 2;
					pts = bx_realloc(pts, sizeof *pts * pcap);
				}
				for (k = 0; k < n; k++) {
					pts[npts].x = c[best[k]].x - 1 + pm.ox;
					pts[npts++].y = c[best[k]].y - 1 + pm.oy;
				}
				ring_end = bx_realloc(ring_end, sizeof(int) * (size_t)(nrings + 1));
				ring_end[nrings++] = npts;
			}
			free(best);
			free(c);
			free(pm.m);
		}
	free(seen);
	free(stack);
	free(pstack);
	*pts_out = pts;
	*ring_end_out = ring_end;
	*nrings_out = nrings;
	*holes_out = holes;
	return nrings;
}
