/* geom-polygon.c: a closed ring of at least 3 vertices (image pixels).
 * One handle per vertex. Consensus keeps the cluster's medoid: averaging
 * vertices of rings drawn from different starting points means nothing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"
#include "boxel/raster.h"
#include "boxel/util.h"

#define EDGE_SLACK 0.01

static void
describe(const struct bx_annot *an, char *buf, size_t n)
{
	snprintf(buf, n, "poly %d pts @%.0f,%.0f", an->npts, an->npts ? an->pts[0].x : 0,
	         an->npts ? an->pts[0].y : 0);
}

/* Shared by the kinds made of vertices: every one inside the image. */
int
bx_geom_pts_check(const struct bx_annot *an, const char *noun, int width, int height,
                  char *why, size_t n)
{
	int i;

	for (i = 0; i < an->npts; i++)
		if (!(an->pts[i].x >= -EDGE_SLACK && an->pts[i].y >= -EDGE_SLACK &&
		      an->pts[i].x <= width + EDGE_SLACK && an->pts[i].y <= height + EDGE_SLACK))
			return snprintf(why, n, "%s (%g, %g) is outside the %dx%d image", noun,
			    an->pts[i].x, an->pts[i].y, width, height), -1;
	return 0;
}

static int
check(const struct bx_annot *an, int width, int height, char *why, size_t n)
{
	if (an->npts < 3)
		return snprintf(why, n, "a polygon needs at least 3 points"), -1;
	return bx_geom_pts_check(an, "vertex", width, height, why, n);
}

int
bx_geom_pts_nhandles(const struct bx_annot *an)
{
	return an->npts;
}

void
bx_geom_pts_handle_pos(const struct bx_annot *an, int h, double *x, double *y)
{
	*x = an->pts[h].x;
	*y = an->pts[h].y;
}

void
bx_geom_pts_move(struct bx_annot *an, int h, double dx, double dy, double img_w, double img_h)
{
	if (h < 0 || h >= an->npts)
		return;
	an->pts[h].x = bx_geom_clamp(an->pts[h].x + dx, 0, img_w);
	an->pts[h].y = bx_geom_clamp(an->pts[h].y + dy, 0, img_h);
}

/* Vertices as display x,y pairs, shifted by off (the halo's offset). */
double *
bx_geom_pts_xy(const struct bx_geom_pen *p, const struct bx_annot *an, double off)
{
	double *xy = bx_malloc(sizeof *xy * 2 * (size_t)(an->npts > 0 ? an->npts : 1));
	int i;

	for (i = 0; i < an->npts; i++) {
		xy[2 * i] = p->to_x(p->ctx, an->pts[i].x) + off;
		xy[2 * i + 1] = p->to_y(p->ctx, an->pts[i].y) + off;
	}
	return xy;
}

void
bx_geom_draw_outline(const struct bx_geom_pen *p, const struct bx_pt *pts, int n, int closed)
{
	struct bx_annot ring = { 0 };
	double *xy;

	ring.pts = (struct bx_pt *)pts;
	ring.npts = n;
	if (p->style == BX_PEN_GOLD) {
		xy = bx_geom_pts_xy(p, &ring, 0);
		bx_raster_polyline(p->r, xy, n, closed, p->color, 3);
		free(xy);
		return;
	}
	xy = bx_geom_pts_xy(p, &ring, 1);
	bx_raster_polyline(p->r, xy, n, closed, p->halo, p->dash);
	free(xy);
	xy = bx_geom_pts_xy(p, &ring, 0);
	if (closed && p->style == BX_PEN_SELECTED)
		bx_raster_blend_polygon(p->r, xy, n, p->color, 60);
	bx_raster_polyline(p->r, xy, n, closed, p->color, p->dash);
	free(xy);
}

void
bx_geom_centre_translate(struct bx_annot *an, double dx, double dy)
{
	an->x += dx;
	an->y += dy;
}

void
bx_geom_turn(struct bx_annot *an, double deg)
{
	double a = fmod(an->angle + deg, 360);

	if (a <= -180)
		a += 360;
	else if (a > 180)
		a -= 360;
	an->angle = a;
}

static void
draw(const struct bx_geom_pen *p, const struct bx_annot *an)
{
	bx_geom_draw_outline(p, an->pts, an->npts, 1);
}

static const struct bx_geom_tool tool = {
	.name = "polygon",
	.key = 'p',
	.help = "polygon tool",
	.place = BX_PLACE_VERTICES,
};

/* CVAT's <polygon>: its vertices. */
static const struct bx_cvat_map cvat_map = { "polygon", 0, NULL, NULL };

const struct bx_geom_kind bx_geom_polygon = {
	.id = BX_GEOM_POLYGON,
	.name = "polygon",
	.vertex = "vertex",
	.letter = 'p',
	.form = BX_FORM_POINTS,
	.min_pts = 3,
	.closed = 1,
	.family = BX_FAM_AREA,
	.tools = { &tool },
	.describe = describe,
	.check = check,
	.bounds = bx_geom_pts_bounds,
	.translate = bx_geom_pts_translate,
	.nhandles = bx_geom_pts_nhandles,
	.handle_pos = bx_geom_pts_handle_pos,
	.move_handle = bx_geom_pts_move,
	.draw = draw,
	.formats = BX_FMT_ALL,
	.ls_type = "polygonlabels",
	.scale_type = "polygon",
	.cvat = &cvat_map,
};
