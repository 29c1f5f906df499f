/* assist-tighten.c: box tightening. A rough box becomes the extent of the
 * object in it: a background palette from a band around the box, the
 * object's from the box's middle (or, for an object around a hole, from
 * what meets the box's edges: the band method), the flood of the
 * foreground, then each edge refined onto its strongest step. Works in
 * region pixels (image pixel minus the region's origin) and converts at
 * the API edge; pure, see assist.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/assist.h"
#include "boxel/util.h"
#include "assist-int.h"

/* Boxes at least this wide and tall get the foreground opened (open_mask). */
#define OPEN_MIN_PX 20

static struct rect
grow(struct rect a, int dx, int dy, const struct bx_raster *r)
{
	struct rect g = { clampi(a.x0 - dx, 0, r->w), clampi(a.y0 - dy, 0, r->h),
	                  clampi(a.x1 + dx, 0, r->w), clampi(a.y1 + dy, 0, r->h) };
	return g;
}

/* a lies inside b and is smaller. */
static int
inside(struct rect a, struct rect b)
{
	return b.x0 <= a.x0 && b.y0 <= a.y0 && b.x1 >= a.x1 && b.y1 >= a.y1 &&
	       rect_area(b) > rect_area(a);
}

static double
rect_iou(struct rect a, struct rect b)
{
	struct rect i = { a.x0 > b.x0 ? a.x0 : b.x0, a.y0 > b.y0 ? a.y0 : b.y0,
	                  a.x1 < b.x1 ? a.x1 : b.x1, a.y1 < b.y1 ? a.y1 : b.y1 };
	long in = i.x1 > i.x0 && i.y1 > i.y0 ? rect_area(i) : 0;

	return in ? (double)in / (double)(rect_area(a) + rect_area(b) - in) : 0;
}

void
bx_assist_tighten_region(const double box[4], int img_w, int img_h, int rect_out[4])
{
	double mx = 0.25 * fabs(box[2]) + 8, my = 0.25 * fabs(box[3]) + 8;
	double x0 = floor(box[0] - mx), y0 = floor(box[1] - my);
	double x1 = ceil(box[0] + fabs(box[2]) + mx), y1 = ceil(box[1] + fabs(box[3]) + my);

	x0 = x0 < 0 ? 0 : x0 > img_w ? img_w : x0;
	y0 = y0 < 0 ? 0 : y0 > img_h ? img_h : y0;
	x1 = x1 < x0 ? x0 : x1 > img_w ? img_w : x1;
	y1 = y1 < y0 ? y0 : y1 > img_h ? img_h : y1;
	rect_out[0] = (int)x0;
	rect_out[1] = (int)y0;
	rect_out[2] = (int)(x1 - x0);
	rect_out[3] = (int)(y1 - y0);
}

/* The tighten pass's working state: search area s (box grown by the
 * largest expected error), the box b and its middle m, all region pixels. */
struct tighten {
	const struct bx_raster *r;
	struct rect b, s, m;
	uint8_t *fg;      /* s-sized: 1 foreground, then 2 once reached from m */
	int *stack;
};

static uint8_t *
fg_at(struct tighten *t, int x, int y)
{
	return t->fg + (size_t)(y - t->s.y0) * (size_t)(t->s.x1 - t->s.x0) + (size_t)(x - t->s.x0);
}

/* Classify s: nearer fgp than bgp. Then 3x3 majority with a low bar (4 of
 * 9): an isolated noise pixel (1 of 9) goes, a pixel on a straight edge or
 * at a rectangle's corner (6 or 4 of 9) stays, so thin objects survive. */
static void
classify(struct tighten *t, const struct palette *bgp, float bg_thr, const struct palette *fgp,
         const struct palette *rej)
{
	int w = t->s.x1 - t->s.x0, h = t->s.y1 - t->s.y0, x, y, dx, dy;
	uint8_t *raw = bx_malloc((size_t)w * (size_t)h);

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			const uint8_t *p = px_at(t->r, t->s.x0 + x, t->s.y0 + y);
			float dbg = bx_pal_dist2(bgp, p);

			float dfg = bx_pal_dist2(fgp, p);

			raw[(size_t)y * w + x] = (dbg > bg_thr || dfg < dbg) &&
			                         (!rej || dfg <= bx_pal_dist2(rej, p));
		}
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			int n = 0;

			for (dy = -1; dy <= 1; dy++)
				for (dx = -1; dx <= 1; dx++) {
					int xx = x + dx, yy = y + dy;

					/* Outside s counts as the pixel itself, so s's
					 * border does not erode the object. */
					if (xx < 0 || yy < 0 || xx >= w || yy >= h)
						n += raw[(size_t)y * w + x];
					else
						n += raw[(size_t)yy * w + xx];
				}
			t->fg[(size_t)y * w + x] = n >= 4;
		}
	free(raw);
}

/* One pass of a (2r+1)-wide min (erode) or max (dilate) along rows or
 * columns of the s-sized mask m into o; outside s counts as the pixel
 * itself, as in classify. */
static void
mask_pass(const uint8_t *m, uint8_t *o, int w, int h, int r, int vert, int dilate)
{
	int x, y, k;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			uint8_t v = m[(size_t)y * w + x];

			for (k = -r; k <= r; k++) {
				int xx = vert ? x : x + k, yy = vert ? y + k : y;

				if (xx < 0 || yy < 0 || xx >= w || yy >= h)
					continue;
				if (dilate ? m[(size_t)yy * w + xx] > v : m[(size_t)yy * w + xx] < v)
					v = m[(size_t)yy * w + xx];
			}
			o[(size_t)y * w + x] = v;
		}
}

/* Opening (erode, then dilate) of the foreground with a (2r+1)-square:
 * a structure thinner than that touching the object (a wire, a strap, a
 * thin shadow line) no longer carries the extent out along it. A square
 * keeps a rectangle's corners; the pixel or two a curved extreme loses
 * refine_edge takes back. */
static void
open_mask(struct tighten *t, int r)
{
	int w = t->s.x1 - t->s.x0, h = t->s.y1 - t->s.y0;
	uint8_t *tmp = bx_malloc((size_t)w * (size_t)h);

	mask_pass(t->fg, tmp, w, h, r, 0, 0);
	mask_pass(tmp, t->fg, w, h, r, 1, 0);
	mask_pass(t->fg, tmp, w, h, r, 0, 1);
	mask_pass(tmp, t->fg, w, h, r, 1, 1);
	free(tmp);
}

/* Flood (4-neighbours) from every foreground pixel of seed (within s);
 * *ext = extent of what was reached (empty: x1 <= x0). */
static void
reach(struct tighten *t, struct rect seed, struct rect *ext)
{
	int w = t->s.x1 - t->s.x0, x, y, sp = 0;
	static const int nb[4][2] = { { -1, 0 }, { 1, 0 }, { 0, -1 }, { 0, 1 } };

	*ext = (struct rect){ t->s.x1, t->s.y1, t->s.x0, t->s.y0 };
	for (y = seed.y0; y < seed.y1; y++)
		for (x = seed.x0; x < seed.x1; x++) {
			if (*fg_at(t, x, y) != 1)
				continue;
			*fg_at(t, x, y) = 2;
			t->stack[sp++] = (y - t->s.y0) * w + (x - t->s.x0);
			while (sp) {
				int i = t->stack[--sp], k;
				int cx = t->s.x0 + i % w, cy = t->s.y0 + i / w;

				if (cx < ext->x0) ext->x0 = cx;
				if (cy < ext->y0) ext->y0 = cy;
				if (cx + 1 > ext->x1) ext->x1 = cx + 1;
				if (cy + 1 > ext->y1) ext->y1 = cy + 1;
				for (k = 0; k < 4; k++) {
					int nx = cx + nb[k][0], ny = cy + nb[k][1];

					if (nx < t->s.x0 || ny < t->s.y0 || nx >= t->s.x1 ||
					    ny >= t->s.y1 || *fg_at(t, nx, ny) != 1)
						continue;
					*fg_at(t, nx, ny) = 2;
					t->stack[sp++] = (ny - t->s.y0) * w + (nx - t->s.x0);
				}
			}
		}
}

/* Fallback for one edge: the mean color step between neighbouring lines
 * across the edge, over the middle 60% of the box's extent along it, at
 * each position within the search range; the strongest wins if it is at
 * least 12 and twice the median step. *pos = the corner line. */
static int
step_search(struct tighten *t, int side, int *pos)
{
	int vert = side == BX_SIDE_LEFT || side == BX_SIDE_RIGHT;
	int lo = vert ? t->s.x0 + 1 : t->s.y0 + 1, hi = vert ? t->s.x1 - 1 : t->s.y1 - 1;
	int a0 = vert ? t->b.y0 : t->b.x0, a1 = vert ? t->b.y1 : t->b.x1;
	int len = a1 - a0, q0 = a0 + (int)(0.2 * len), q1 = a1 - (int)(0.2 * len);
	int centre = side == BX_SIDE_LEFT ? t->b.x0 : side == BX_SIDE_TOP ? t->b.y0
	           : side == BX_SIDE_RIGHT ? t->b.x1 : t->b.y1;
	int half = vert ? (t->b.x1 - t->b.x0) / 2 : (t->b.y1 - t->b.y0) / 2;
	int near = (int)ceil(0.12 * 2 * half) + 2;
	int c, i, n = 0, best = -1;
	float *prof, *sorted, med;

	/* Stay on this edge's half of the box so the opposite edge's step
	 * cannot win, and within the rough box's error of the edge: a strong
	 * line inside the object (a printed emblem, a seam) is farther. */
	if (side == BX_SIDE_LEFT || side == BX_SIDE_TOP)
		hi = hi < centre + half ? hi : centre + half;
	else
		lo = lo > centre - half ? lo : centre - half;
	lo = lo > centre - near ? lo : centre - near;
	hi = hi < centre + near ? hi : centre + near;
	if (q1 <= q0)
		q0 = a0, q1 = a1;
	if (hi <= lo || q1 <= q0)
		return 0;
	prof = bx_malloc(sizeof(float) * (size_t)(hi - lo + 1));
	sorted = bx_malloc(sizeof(float) * (size_t)(hi - lo + 1));
	for (c = lo; c <= hi; c++, n++) {
		double sum = 0;

		for (i = q0; i < q1; i++)
			sum += vert ? step_dist(px_at(t->r, c - 1, i), px_at(t->r, c, i))
			            : step_dist(px_at(t->r, i, c - 1), px_at(t->r, i, c));
		prof[n] = sorted[n] = (float)(sum / (q1 - q0));
		if (best < 0 || prof[n] > prof[best])
			best = n;
	}
	qsort(sorted, (size_t)n, sizeof(float), cmp_float);
	med = sorted[n / 2];
	*pos = lo + best;
	c = prof[best] >= 12.0f && prof[best] >= 2.0f * med;
	free(prof);
	free(sorted);
	return c;
}

/* Middle of the box: its central 40% per axis, at least 1 pixel. */
static struct rect
middle(struct rect b)
{
	int mw = (b.x1 - b.x0) * 3 / 10, mh = (b.y1 - b.y0) * 3 / 10;
	struct rect m = { b.x0 + mw, b.y0 + mh, b.x1 - mw, b.y1 - mh };

	if (m.x1 <= m.x0)
		m.x0 = (b.x0 + b.x1 - 1) / 2, m.x1 = m.x0 + 1;
	if (m.y1 <= m.y0)
		m.y0 = (b.y0 + b.y1 - 1) / 2, m.y1 = m.y0 + 1;
	return m;
}

/* Drop the entries fewer than one in PRUNE_SHARE of the samples are
 * nearest to: a highlight on a neighbour in the band (a spoon's glint)
 * would otherwise explain the same white on the object. */
#define PRUNE_SHARE 50

static void
pal_prune(struct palette *pal, const uint8_t *s, int ns)
{
	int cnt[PAL_MAX] = { 0 }, i, k, n = 0;

	for (i = 0; i < ns; i++) {
		float best = 1e30f;
		int bi = 0;

		for (k = 0; k < pal->n; k++)
			if (dist2_f(pal->c[k], s + 3 * i) < best)
				best = dist2_f(pal->c[k], s + 3 * i), bi = k;
		cnt[bi]++;
	}
	for (k = 0; k < pal->n; k++)
		if (cnt[k] * PRUNE_SHARE >= ns)
			memmove(pal->c[n++], pal->c[k], sizeof pal->c[k]);
	if (n)
		pal->n = n;
}

/* Drop the entries rare in the band (fewer than one in PRUNE_SHARE of its
 * samples s are nearest to them) that explain a good part of the box (at
 * least one in INSIDE_SHARE of its samples in, and INSIDE_RATIO times their
 * share of the band): a color the object is made of, seen in the band only
 * as specks (a cup rim's white glinting on the spoon and the saucer beside
 * it). Kept as background, it hides the object from the flood, which then
 * stops at what the rim surrounds. A neighbour reaching into the band keeps
 * its entry: most of it lies outside the box, so its share inside is not
 * larger. */
#define INSIDE_SHARE 20
#define INSIDE_RATIO 5

static void
pal_drop_inside(struct palette *pal, float thr, const uint8_t *s, int ns, const uint8_t *in,
                int nin)
{
	int cnt[PAL_MAX] = { 0 }, icnt[PAL_MAX] = { 0 }, i, k, n = 0;

	for (i = 0; i < ns + nin; i++) {
		const uint8_t *p = i < ns ? s + 3 * i : in + 3 * (i - ns);
		float best = 1e30f;
		int bi = 0;

		for (k = 0; k < pal->n; k++)
			if (dist2_f(pal->c[k], p) < best)
				best = dist2_f(pal->c[k], p), bi = k;
		if (i < ns)
			cnt[bi]++;
		else if (best <= thr)
			icnt[bi]++;
	}
	for (k = 0; k < pal->n; k++)
		if (!(cnt[k] * PRUNE_SHARE < ns && icnt[k] * INSIDE_SHARE >= nin &&
		      (long)icnt[k] * ns >= (long)INSIDE_RATIO * cnt[k] * nin))
			memmove(pal->c[n++], pal->c[k], sizeof pal->c[k]);
	if (n)
		pal->n = n;
}

/* The background palette from the band around the search area, one strip
 * per side. A strip that explains most of the box's middle is the object
 * running on past the search area (the rough box was cut short there), not
 * background: it is left out, so the object leaks on that side and that
 * edge is reported missing instead of the whole object vanishing. */
static int
learn_background(struct tighten *t, struct rect outer, const uint8_t *mid, int nmid,
                 int prune, struct palette *bgp, float *thr, unsigned *like_out,
                 struct bx_err *err)
{
	const struct bx_raster *r = t->r;
	struct rect strip[4] = {
		{ outer.x0, outer.y0, t->s.x0, outer.y1 },
		{ t->s.x0, outer.y0, t->s.x1, t->s.y0 },
		{ t->s.x1, outer.y0, outer.x1, outer.y1 },
		{ t->s.x0, t->s.y1, t->s.x1, outer.y1 },
	};
	uint8_t *s = bx_malloc(3 * (size_t)PAL_SAMPLES);
	int side, i, ns = 0, usable = 0;
	unsigned like_mid = 0;

	for (side = 0; side < 4; side++) {
		struct palette sp;
		float sthr;
		int n = bx_pal_sample(r, strip[side], s + 3 * ns, PAL_SAMPLES / 4), like = 0;

		if (n < 4)
			continue;
		usable++;
		bx_pal_learn(&sp, s + 3 * ns, n);
		sthr = bx_pal_spread(&sp, s + 3 * ns, n);
		for (i = 0; i < nmid; i++)
			like += bx_pal_dist2(&sp, mid + 3 * i) <= sthr;
		if (2 * like <= nmid)
			ns += n;
		else
			like_mid |= BX_SIDE_BIT(side);
	}
	/* Middle colors all round, or on two opposite sides: no object ends
	 * near this box (a flat area, a gradient, a box inside a larger
	 * object). */
	*like_out = like_mid;
	if ((like_mid & 5) == 5 || (like_mid & 10) == 10)
		ns = 0;
	if (ns < 8) {
		free(s);
		if (!usable)
			return bx_err_set(err, BX_ENOENT, "no background around the box to "
			                  "compare with (the region ends at the box)");
		return bx_err_set(err, BX_ENOENT, "no object stands out from the background in "
		                  "the middle of the box");
	}
	bx_pal_learn(bgp, s, ns);
	if (prune)
		pal_prune(bgp, s, ns);
	*thr = bx_pal_spread(bgp, s, ns);
	/* The spread is the whole band's: the specks of a dropped color
	 * would otherwise widen it to explain the object. */
	if (!prune) {
		uint8_t *in = bx_malloc(3 * (size_t)PAL_SAMPLES);
		int nin = bx_pal_sample(r, t->b, in, PAL_SAMPLES);

		pal_drop_inside(bgp, *thr, s, ns, in, nin);
		free(in);
	}
	free(s);
	return 0;
}

/* Step from pixel c-1 to pixel c on line l (rows for left/right), when it
 * can be the object's outer boundary: the inner pixel is not background
 * and the outer one is more like it. Else 0. */
static float
edge_step(const struct tighten *t, const struct palette *bgp, float thr, int side, int l, int c)
{
	int vert = side == BX_SIDE_LEFT || side == BX_SIDE_RIGHT;
	const uint8_t *a = vert ? px_at(t->r, c - 1, l) : px_at(t->r, l, c - 1);
	const uint8_t *b = vert ? px_at(t->r, c, l) : px_at(t->r, l, c);
	const uint8_t *outer = side <= BX_SIDE_TOP ? a : b, *inner = side <= BX_SIDE_TOP ? b : a;
	float din = bx_pal_dist2(bgp, inner);

	if (din <= thr || bx_pal_dist2(bgp, outer) >= din)
		return 0;
	return step_dist(a, b);
}

/* Move a found edge onto the object's outermost strong step within
 * REFINE_PX of it. The foreground extent stops where pixels stop looking
 * unlike the background, which on a photo is past the true edge by the
 * blur (a glow, a soft shadow, anti-aliasing) or short of it where the
 * border's color is near the background's. Per line across the edge the
 * outermost step at least half the window's strongest (and >= 16) is the
 * boundary there (the middle of a blurred edge, where its step is
 * steepest); the edge is the outermost such line position that a
 * neighbouring line confirms within a pixel, so one textured or crossing
 * line (a wire, a highlight) does not decide. */
#define REFINE_PX 3

static void
refine_edge(const struct tighten *t, const struct palette *bgp, float thr, int side,
            struct rect *out)
{
	int vert = side == BX_SIDE_LEFT || side == BX_SIDE_RIGHT, low = side <= BX_SIDE_TOP;
	int *e = side == BX_SIDE_LEFT ? &out->x0 : side == BX_SIDE_TOP ? &out->y0
	       : side == BX_SIDE_RIGHT ? &out->x1 : &out->y1;
	int l0 = vert ? out->y0 : out->x0, l1 = vert ? out->y1 : out->x1;
	int size = vert ? out->x1 - out->x0 : out->y1 - out->y0;
	int npos = vert ? t->r->w : t->r->h, reach = REFINE_PX;
	int c0, c1, l, c, n, best = -1;
	float smax = 0, bar;
	int *pos;

	/* Never past a third of the box: a thin bar's other side is a step
	 * too. */
	if (reach > (size - 1) / 3)
		reach = (size - 1) / 3;
	c0 = clampi(*e - (low ? REFINE_PX : reach), 1, npos - 1);
	c1 = clampi(*e + (low ? reach : REFINE_PX), 1, npos - 1);
	if (c1 < c0 || l1 <= l0)
		return;
	for (l = l0; l < l1; l++)
		for (c = c0; c <= c1; c++) {
			float st = edge_step(t, bgp, thr, side, l, c);

			if (st > smax)
				smax = st;
		}
	bar = smax * 0.5f > 16.0f ? smax * 0.5f : 16.0f;
	if (smax < bar)
		return;
	n = l1 - l0;
	pos = bx_malloc(sizeof(int) * (size_t)n);
	for (l = l0; l < l1; l++) {
		pos[l - l0] = -1;
		for (c = low ? c0 : c1; low ? c <= c1 : c >= c0; c += low ? 1 : -1)
			if (edge_step(t, bgp, thr, side, l, c) >= bar) {
				pos[l - l0] = c;
				break;
			}
	}
	for (l = 0; l < n; l++) {
		int ok = 0, k;

		if (pos[l] < 0)
			continue;
		for (k = l - 1; k <= l + 1; k += 2)
			ok |= k >= 0 && k < n && pos[k] >= 0 && abs(pos[k] - pos[l]) <= 1;
		if (ok && (best < 0 || (low ? pos[l] < best : pos[l] > best)))
			best = pos[l];
	}
	free(pos);
	if (best >= 0)
		*e = best;
}

/* The object's extent from the palettes: classify the search area, open
 * it, flood from the foreground within seed, then place each edge (the
 * extent where the object stopped inside s, else the step search) and
 * refine it. */
static void
tighten_edges(struct tighten *t, const struct palette *bgp, float thr, const struct palette *fgp,
              const struct palette *rej, struct rect seed, struct rect *out, unsigned *found)
{
	const struct bx_raster *r = t->r;
	int bw = t->b.x1 - t->b.x0, bh = t->b.y1 - t->b.y0, side;
	struct rect ext;

	t->fg = bx_malloc((size_t)rect_area(t->s));
	t->stack = bx_malloc(sizeof(int) * (size_t)rect_area(t->s));
	classify(t, bgp, 9.0f * thr, fgp, rej);
	/* Only on boxes wide enough that a 5 px square fits well inside the
	 * object: a thin bar is itself the structure an opening removes. */
	if (bw >= OPEN_MIN_PX && bh >= OPEN_MIN_PX)
		open_mask(t, 2);
	reach(t, seed, &ext);
	free(t->fg);
	free(t->stack);
	t->fg = NULL;
	t->stack = NULL;

	/* An edge holds where the object stopped inside the search area, or
	 * where the region (clamped to the image by the view) ends. */
	*out = t->b;
	*found = 0;
	if (ext.x1 > ext.x0) {
		if (ext.x0 > t->s.x0 || t->s.x0 == 0)
			out->x0 = ext.x0, *found |= BX_SIDE_BIT(BX_SIDE_LEFT);
		if (ext.y0 > t->s.y0 || t->s.y0 == 0)
			out->y0 = ext.y0, *found |= BX_SIDE_BIT(BX_SIDE_TOP);
		if (ext.x1 < t->s.x1 || t->s.x1 == r->w)
			out->x1 = ext.x1, *found |= BX_SIDE_BIT(BX_SIDE_RIGHT);
		if (ext.y1 < t->s.y1 || t->s.y1 == r->h)
			out->y1 = ext.y1, *found |= BX_SIDE_BIT(BX_SIDE_BOTTOM);
	}
	for (side = 0; side < 4; side++) {
		int pos;

		if (*found & BX_SIDE_BIT(side) || !step_search(t, side, &pos))
			continue;
		*found |= BX_SIDE_BIT(side);
		if (side == BX_SIDE_LEFT) out->x0 = pos;
		else if (side == BX_SIDE_TOP) out->y0 = pos;
		else if (side == BX_SIDE_RIGHT) out->x1 = pos;
		else out->y1 = pos;
	}
	/* An edge on the region's end is the image's border cutting the
	 * object: there is no boundary there to refine onto. */
	for (side = 0; side < 4; side++)
		if (*found & BX_SIDE_BIT(side) && out->x1 > out->x0 && out->y1 > out->y0 &&
		    !(side == BX_SIDE_LEFT && out->x0 == 0) && !(side == BX_SIDE_TOP && out->y0 == 0) &&
		    !(side == BX_SIDE_RIGHT && out->x1 == r->w) &&
		    !(side == BX_SIDE_BOTTOM && out->y1 == r->h))
			refine_edge(t, bgp, thr, side, out);
	if (out->x1 <= out->x0 || out->y1 <= out->y0) {
		*out = t->b;
		*found = 0;
	}
}

/* The object's palette: the pixels of the samples s the background does
 * not explain (moved to the front of s); 0 when they are fewer than one in
 * min_share of them: nothing is there. */
static int
learn_object(const struct palette *bgp, float thr, uint8_t *s, int ns, int min_share,
             struct palette *fgp)
{
	int i, nf;

	for (i = nf = 0; i < ns; i++)
		if (bx_pal_dist2(bgp, s + 3 * i) > thr)
			memmove(s + 3 * nf++, s + 3 * i, 3);
	if (nf == 0 || nf * min_share < ns)
		return 0;
	bx_pal_learn(fgp, s, nf);
	return 1;
}

/* Split the object's palette all by where its colors meet the box's
 * edges: an object is what separates inside from outside on every side, so
 * its colors show near at least three of the four rough edges; a neighbour
 * reaching into the box (a spoon's handle across a cup's rim) shows near one
 * or two. Near an edge = between the search area's border and a rough
 * box's error inside the edge. Colors of the first kind go to fgp, the rest
 * to rej. */
#define SHADE_DIST 40.0f

static void
split_by_sides(const struct tighten *t, const struct palette *bgp, float thr,
               const struct palette *all, struct palette *fgp, struct palette *rej)
{
	int ex = (int)ceil(0.12 * (t->b.x1 - t->b.x0)) + 2;
	int ey = (int)ceil(0.12 * (t->b.y1 - t->b.y0)) + 2;
	struct rect strip[4] = {
		{ t->s.x0, t->b.y0, t->b.x0 + ex, t->b.y1 },
		{ t->b.x0, t->s.y0, t->b.x1, t->b.y0 + ey },
		{ t->b.x1 - ex, t->b.y0, t->s.x1, t->b.y1 },
		{ t->b.x0, t->b.y1 - ey, t->b.x1, t->s.y1 },
	};
	uint8_t *s = bx_malloc(3 * (size_t)PAL_SAMPLES);
	int sides[PAL_MAX] = { 0 }, side, i, k;

	for (side = 0; side < 4; side++) {
		int n = bx_pal_sample(t->r, strip[side], s, PAL_SAMPLES / 4), cnt[PAL_MAX] = { 0 };

		for (i = 0; i < n; i++) {
			const uint8_t *p = s + 3 * i;
			float best = 1e30f;
			int bi = 0;

			if (bx_pal_dist2(bgp, p) <= thr)
				continue;
			for (k = 0; k < all->n; k++)
				if (dist2_f(all->c[k], p) < best)
					best = dist2_f(all->c[k], p), bi = k;
			cnt[bi]++;
		}
		for (k = 0; k < all->n; k++)
			sides[k] += cnt[k] >= 4 && cnt[k] * 100 >= n;
	}
	free(s);
	fgp->n = rej->n = 0;
	for (k = 0; k < all->n; k++)
		if (sides[k] >= 3)
			memcpy(fgp->c[fgp->n++], all->c[k], sizeof all->c[k]);
	/* A shade of a kept color (the rim's warm white beside its cold
	 * white) is the object too, whichever sides it showed on. */
	for (k = 0; k < all->n; k++) {
		int near = 0;

		if (sides[k] >= 3)
			continue;
		for (i = 0; i < fgp->n && !near; i++) {
			float d0 = fgp->c[i][0] - all->c[k][0], d1 = fgp->c[i][1] - all->c[k][1];
			float d2 = fgp->c[i][2] - all->c[k][2];

			near = d0 * d0 + d1 * d1 + d2 * d2 < SHADE_DIST * SHADE_DIST;
		}
		memcpy(near ? fgp->c[fgp->n++] : rej->c[rej->n++], all->c[k], sizeof all->c[k]);
	}
}

/* The second method, for an object that is not in the middle of its box (a
 * cup's rim around coffee the color of the table): the background
 * is the whole band around the search area, the object is what inside the
 * box that band does not explain and meets the box's edges all round
 * (split_by_sides), and the flood starts from all of it inside the box. It
 * has no guard against a box cut short (the band on that side is the
 * object), so it only stands in when the middle could not decide. */
static int
tighten_by_band(struct tighten *t, struct rect outer, struct rect *out, unsigned *found)
{
	struct palette bgp, all, fgp, rej;
	struct bx_err err;
	unsigned like;
	uint8_t *s = bx_malloc(3 * (size_t)PAL_SAMPLES);
	float thr = 0;
	int ns, ok;

	if (learn_background(t, outer, NULL, 0, 1, &bgp, &thr, &like, &err) < 0) {
		free(s);
		return 0;
	}
	ns = bx_pal_sample(t->r, t->b, s, PAL_SAMPLES);
	ok = learn_object(&bgp, thr, s, ns, 50, &all);
	free(s);
	if (!ok)
		return 0;
	split_by_sides(t, &bgp, thr, &all, &fgp, &rej);
	if (!fgp.n)
		return 0;
	tighten_edges(t, &bgp, thr, &fgp, rej.n ? &rej : NULL, t->b, out, found);
	return 1;
}

static int
tighten_run(struct tighten *t, struct rect *out, unsigned *found, struct bx_err *err)
{
	const struct bx_raster *r = t->r;
	int bw = t->b.x1 - t->b.x0, bh = t->b.y1 - t->b.y0;
	int band = (int)ceil(0.1 * (bw > bh ? bw : bh));
	struct rect outer, bout;
	struct palette bgp, fgp;
	unsigned like = 0, bfound = 0;
	uint8_t *s;
	float thr = 0;
	int nm, rc, inner = 0;

	band = band < 3 ? 3 : band;
	t->s = grow(t->b, (int)ceil(0.15 * bw) + 2, (int)ceil(0.15 * bh) + 2, r);
	t->m = middle(t->b);
	outer = grow(t->s, band, band, r);
	s = bx_malloc(3 * (size_t)PAL_SAMPLES);
	nm = bx_pal_sample(r, t->m, s, PAL_SAMPLES);
	*out = t->b;
	*found = 0;
	rc = learn_background(t, outer, s, nm, 0, &bgp, &thr, &like, err);
	/* Under a fifth of the middle unexplained: nothing is there. */
	if (rc == 0 && !learn_object(&bgp, thr, s, nm, 5, &fgp))
		rc = bx_err_set(err, BX_ENOENT, "no object stands out from the background "
		                "in the middle of the box");
	free(s);
	if (rc == 0)
		tighten_edges(t, &bgp, thr, &fgp, NULL, t->m, out, found);
	/* What the middle found lies well inside the rough box on all four
	 * sides: it may be a hole whose rim the background's colors explained
	 * (the rim's white matched by a spoon's glint in the strips, the
	 * crema unlike the table). The band method is asked too, on the same
	 * terms. */
	if (rc == 0 && *found == BX_SIDES_ALL && bw >= OPEN_MIN_PX && bh >= OPEN_MIN_PX) {
		int mx = bw / 20 > 3 ? bw / 20 : 3, my = bh / 20 > 3 ? bh / 20 : 3;

		if (out->x0 - t->b.x0 >= mx && t->b.x1 - out->x1 >= mx && out->y0 - t->b.y0 >= my &&
		    t->b.y1 - out->y1 >= my)
			inner = 1;
	}
	/* The middle failed; or a side's band looked like the middle and what
	 * the middle found lies inside what the band method finds: the middle
	 * was a hole in the object (coffee in a cup's rim; a hole needs a box
	 * of some size). The band method wins when it closes all four edges on
	 * a box not far from the rough one. */
	if ((rc < 0 || inner || (like && bw >= OPEN_MIN_PX && bh >= OPEN_MIN_PX)) &&
	    tighten_by_band(t, outer, &bout, &bfound) && bfound == BX_SIDES_ALL &&
	    rect_iou(bout, t->b) >= 0.5 && (rc < 0 || (*found == BX_SIDES_ALL && inside(*out, bout)))) {
		*out = bout;
		*found = bfound;
		rc = 0;
	}
	if (rc < 0)
		return rc;
	if (!*found)
		return bx_err_set(err, BX_ENOENT, "could not find the object's boundary on any "
		                  "edge");
	return 0;
}

int
bx_assist_tighten(const struct bx_assist_region *reg, const double box[4], double box_out[4],
                  unsigned *found_out, struct bx_err *err)
{
	struct tighten t = { 0 };
	struct rect out;
	unsigned found = 0;
	double in[4];
	int rc, i;

	if (found_out)
		*found_out = 0;
	if ((rc = bx_assist_region_ok(reg, err)) < 0)
		return rc;
	for (i = 0; i < 4; i++) {
		if (!isfinite(box[i]) || fabs(box[i]) > 1e7)
			return bx_err_set(err, BX_EINVAL, "box has a non-finite or huge "
			                  "coordinate");
		in[i] = box[i];
	}
	if (in[2] <= 0 || in[3] <= 0)
		return bx_err_set(err, BX_EINVAL, "box is empty (%gx%g)", in[2], in[3]);
	t.r = reg->r;
	t.b.x0 = clampi((int)lround(in[0] - reg->rx), 0, reg->r->w);
	t.b.y0 = clampi((int)lround(in[1] - reg->ry), 0, reg->r->h);
	t.b.x1 = clampi((int)lround(in[0] + in[2] - reg->rx), 0, reg->r->w);
	t.b.y1 = clampi((int)lround(in[1] + in[3] - reg->ry), 0, reg->r->h);
	if (t.b.x1 <= t.b.x0 || t.b.y1 <= t.b.y0)
		return bx_err_set(err, BX_EINVAL, "box %g,%g %gx%g lies outside the decoded region "
		                  "%d,%d %dx%d (or is under a pixel)", in[0], in[1], in[2], in[3],
		                  reg->rx, reg->ry, reg->r->w, reg->r->h);
	out = t.b;
	rc = tighten_run(&t, &out, &found, err);
	if (rc < 0)
		out = t.b;
	box_out[0] = out.x0 + reg->rx;
	box_out[1] = out.y0 + reg->ry;
	box_out[2] = out.x1 - out.x0;
	box_out[3] = out.y1 - out.y0;
	if (found_out)
		*found_out = found;
	return rc;
}
