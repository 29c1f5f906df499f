/* geom-polyline.c: an open line through at least 2 vertices (Scale
 * "line", CVAT polyline): lanes, wires, edges. One handle per vertex.
 *
 * Similarity: bx_polyline_similarity (shape-math.h): the symmetric mean
 * distance between the two lines, d, integrated exactly, turned into a
 * score s = max(0, 1 - d / t) at line thickness t. Two lines drawn within
 * t/2 of each other on average score >= 0.5, the default match threshold.
 * Consensus keeps the medoid, as for polygons. */
#include <math.h>
#include <stdio.h>

#include "boxel/fmt-scale-map.h"
#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"
#include "boxel/raster.h"
#include "boxel/shape-math.h"

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

/* shape-math's measure: the symmetric mean distance, integrated exactly. */
static double
similarity(const struct bx_pt *a, int na, const struct bx_pt *b, int nb, double t)
{
	struct bx_polyline la = { a, na }, lb = { b, nb };

	return bx_polyline_similarity(&la, &lb, t);
}

static const struct bx_geom_tool tool = {
	.name = "polyline",
	.key = '_',
	.help = "polyline tool: an open line, Enter ends it",
	.place = BX_PLACE_VERTICES,
};

/* Scale: a "line", its vertex list. */
static void
scale_write(struct bx_buf *b, const struct bx_annot *an)
{
	bx_scale_put_vertices(b, an->pts, an->npts, NULL, 0);
}

static int
scale_read(const struct bx_scale_in *in, struct bx_annot *an, char *why, size_t n)
{
	return bx_scale_vertices(in, 2, &an->pts, &an->npts, why, n);
}

static const struct bx_scale_map scale_map = {
	.type = "line",
	.write = scale_write,
	.read = scale_read,
};
/* CVAT's <polyline>: its vertices. */
static const struct bx_cvat_map cvat_map = { "polyline", 0, NULL, NULL };

const struct bx_geom_kind bx_geom_polyline = {
	.id = BX_GEOM_POLYLINE,
	.name = "polyline",
	.vertex = "vertex",
	.letter = 'l',
	.form = BX_FORM_POINTS,
	.min_pts = 2,
	.family = BX_FAM_LINE,
	.tools = { &tool },
	.describe = describe,
	.check = check,
	.bounds = bx_geom_pts_bounds,
	.translate = bx_geom_pts_translate,
	.clip = bx_geom_pts_clip,
	.nhandles = bx_geom_pts_nhandles,
	.handle_pos = bx_geom_pts_handle_pos,
	.move_handle = bx_geom_pts_move,
	.draw = draw,
	.similarity = similarity,
	.formats = BX_FMT_SCALE | BX_FMT_CVAT,
	.scale = &scale_map,
	.cvat = &cvat_map,
};
