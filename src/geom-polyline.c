/* geom-polyline.c: an open line through at least 2 vertices (Scale
 * "line", CVAT polyline): lanes, wires, edges. One handle per vertex.
 *
 * Similarity: the symmetric mean distance between the two lines, d (each
 * line sampled every pixel along its length; each sample's distance to the
 * other line; the mean over both directions), turned into a score
 * s = max(0, 1 - d / t) at line thickness t. Two lines drawn within t/2 of
 * each other on average score >= 0.5, the default match threshold. This
 * is the fallback until shape-math.c's bx_polyline_similarity is merged
 * (see the report of issue 13); the descriptor's similarity hook is the
 * one place to switch. Consensus keeps the medoid, as for polygons. */
#include <math.h>
#include <stdio.h>

#include "boxel/edit.h"
#include "boxel/geom.h"
#include "boxel/raster.h"

static void
describe(const struct bx_annot *an, char *buf, size_t n)
{
	snprintf(buf, n, "line %d pts @%.0f,%.0f", an->npts, an->npts ? an->pts[0].x : 0,
	         an->npts ? an->pts[0].y : 0);
}

static int
check(const struct bx_annot *an, int width, int height, char *why, size_t n)
{
	if (an->npts < 2)
		return snprintf(why, n, "a polyline needs at least 2 points"), -1;
	return bx_geom_pts_check(an, "vertex", width, height, why, n);
}

static void
draw(const struct bx_geom_pen *p, const struct bx_annot *an)
{
	bx_geom_draw_outline(p, an->pts, an->npts, 0);
}

static double
seg_dist(struct bx_pt p, struct bx_pt a, struct bx_pt b)
{
	double dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy, t = 0;

	if (l2 > 0)
		t = fmax(0, fmin(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2));
	return hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

static double
line_dist(struct bx_pt p, const struct bx_pt *l, int n)
{
	double d = INFINITY;
	int i;

	if (n == 1)
		return hypot(p.x - l[0].x, p.y - l[0].y);
	for (i = 0; i + 1 < n; i++)
		d = fmin(d, seg_dist(p, l[i], l[i + 1]));
	return d;
}

/* Sum and count of the distances from samples of a (every pixel along
 * each segment, ends included) to the line b. */
static void
directed(const struct bx_pt *a, int na, const struct bx_pt *b, int nb, double *sum, long *cnt)
{
	int i, k, steps;
	struct bx_pt p;

	*sum += line_dist(a[0], b, nb);
	(*cnt)++;
	for (i = 0; i + 1 < na; i++) {
		double len = hypot(a[i + 1].x - a[i].x, a[i + 1].y - a[i].y);

		/* At most 4096 samples a segment: hostile coordinates stay cheap. */
		steps = (int)fmin(4096, fmax(1, ceil(len)));
		for (k = 1; k <= steps; k++) {
			p.x = a[i].x + (a[i + 1].x - a[i].x) * k / steps;
			p.y = a[i].y + (a[i + 1].y - a[i].y) * k / steps;
			*sum += line_dist(p, b, nb);
			(*cnt)++;
		}
	}
}

static double
similarity(const struct bx_pt *a, int na, const struct bx_pt *b, int nb, double t)
{
	double sum = 0, d;
	long cnt = 0;

	if (na < 1 || nb < 1)
		return 0;
	directed(a, na, b, nb, &sum, &cnt);
	directed(b, nb, a, na, &sum, &cnt);
	d = sum / (double)cnt;
	if (!isfinite(d))
		return 0;
	if (t <= 0)
		return d == 0 ? 1 : 0;
	return fmax(0, 1 - d / t);
}

const struct bx_geom_kind bx_geom_polyline = {
	.id = BX_GEOM_POLYLINE,
	.name = "polyline",
	.vertex = "vertex",
	.letter = 'l',
	.form = BX_FORM_POINTS,
	.min_pts = 2,
	.family = BX_FAM_LINE,
	.tool = BX_TOOL_POLYLINE,
	.describe = describe,
	.check = check,
	.bounds = bx_geom_pts_bounds,
	.translate = bx_geom_pts_translate,
	.nhandles = bx_geom_pts_nhandles,
	.handle_pos = bx_geom_pts_handle_pos,
	.move_handle = bx_geom_pts_move,
	.draw = draw,
	.similarity = similarity,
	.formats = BX_FMT_SCALE,
	.ls_type = NULL,      /* Label Studio has no open line */
	.scale_type = "line",
};
