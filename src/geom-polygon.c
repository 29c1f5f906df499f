/* geom-polygon.c: a closed ring of at least 3 vertices (image pixels).
 * One handle per vertex. Consensus keeps the cluster's medoid: averaging
 * vertices of rings drawn from different starting points means nothing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "boxel/fmt-ls-map.h"
#include "boxel/fmt-scale-map.h"
#include "boxel/fmt-voc-map.h"
#include "boxel/fmt-yolo-map.h"
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

/* Label Studio: its points in percent, closed. */
static void
ls_write(struct bx_buf *b, const struct bx_annot *an, int width, int height)
{
	int p;

	bx_buf_puts(b, "\"points\":[");
	for (p = 0; p < an->npts; p++) {
		bx_buf_puts(b, p ? ",[" : "[");
		bx_ls_put_pct(b, NULL, an->pts[p].x, width);
		bx_buf_putc(b, ',');
		bx_ls_put_pct(b, NULL, an->pts[p].y, height);
		bx_buf_putc(b, ']');
	}
	bx_buf_puts(b, "],\"closed\":true");
}

static int
ls_read(const struct bx_ls_in *in, struct bx_annot *an, char *why, size_t n)
{
	return bx_ls_points(in, "points", 3, &an->pts, &an->npts, why, n);
}

static const struct bx_ls_map ls_map = {
	.type = "polygonlabels",
	.control = "polygon",
	.tag = "PolygonLabels",
	.write = ls_write,
	.read = ls_read,
};

/* Scale: its vertex list. */
static void
scale_write(struct bx_buf *b, const struct bx_annot *an)
{
	bx_scale_put_vertices(b, an->pts, an->npts, NULL, 0);
}

static int
scale_read(const struct bx_scale_in *in, struct bx_annot *an, char *why, size_t n)
{
	return bx_scale_vertices(in, 3, &an->pts, &an->npts, why, n);
}

static const struct bx_scale_map scale_map = {
	.type = "polygon",
	.write = scale_write,
	.read = scale_read,
};

/* A multipolygon (COCO's object in parts) of a class that draws polygons
 * but not multipolygons: one polygon per ring, and that is a loss (the
 * parts are no longer one object). */
static int
from_multipolygon(const struct bx_annot *an, struct bx_answer *out)
{
	struct bx_annot part;
	int r, from;

	for (r = 0, from = 0; r < an->nrings; r++) {
		part = *an;
		part.geom = BX_GEOM_POLYGON;
		part.pts = an->pts + from;
		part.npts = an->ring_end[r] - from;
		part.ring_end = NULL;
		part.nrings = 0;
		bx_answer_add(out, &part);
		from = an->ring_end[r];
	}
	return an->nrings;
}

/* An upright box of a class that draws polygons but not boxes: its
 * rectangle from the top-left corner clockwise. YOLO and COCO files hold a
 * rectangle polygon as a box (YOLO's rectangle line, COCO's bbox), so a
 * polygon class's rectangles come back this way. A fallback: a class that
 * draws rotated boxes too gets the rotated box. */
static int
from_box(const struct bx_annot *an, struct bx_answer *out)
{
	struct bx_pt c[4] = { { an->x, an->y }, { an->x + an->w, an->y },
		{ an->x + an->w, an->y + an->h }, { an->x, an->y + an->h } };
	struct bx_annot p = *an;

	if (!(an->w > 0 && an->h > 0))
		return 0;
	p.geom = BX_GEOM_POLYGON;
	p.pts = c;
	p.npts = 4;
	bx_answer_add(out, &p);
	return 1;
}

static const struct bx_geom_conv convert_from[] = {
	{ BX_GEOM_MULTIPOLYGON, from_multipolygon, "multi-part objects split into one polygon "
	    "per part: the class has no multipolygon geometry", 0 },
	{ BX_GEOM_BOX, from_box, NULL, 1 },
	{ 0, NULL, NULL, 0 },
};

/* YOLO: a polygon line of its vertices (YOLO-seg); its upright box in a
 * detect file. Any polygon line an earlier kind (a box) declines is one. */
static int
yolo_read_poly(struct bx_annot *an)
{
	return an->npts >= 3 ? 0 : -1;
}

static const struct bx_yolo_map yolo_map = {
	.tasks = BX_YOLO_IN(BX_YOLO_TASK_ANY) | BX_YOLO_IN(BX_YOLO_TASK_DETECT) |
	    BX_YOLO_IN(BX_YOLO_TASK_SEGMENT),
	.poly = 1,
	.outline = bx_yolo_outline_pts,
	.read_poly = yolo_read_poly,
};

/* VOC: written as its bounding box; a bndbox of a class that draws
 * polygons but no boxes comes back as that rectangle (which writes out as
 * the same bndbox). */
static void
voc_read(struct bx_annot *an, double x, double y, double w, double h)
{
	an->npts = 4;
	an->pts = bx_malloc(sizeof *an->pts * 4);
	an->pts[0].x = x, an->pts[0].y = y;
	an->pts[1].x = x + w, an->pts[1].y = y;
	an->pts[2].x = x + w, an->pts[2].y = y + h;
	an->pts[3].x = x, an->pts[3].y = y + h;
}

static const struct bx_voc_map voc_map = {
	.bndbox = bx_geom_pts_bounds,
	.read = voc_read,
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
	.clip = bx_geom_pts_clip,
	.nhandles = bx_geom_pts_nhandles,
	.handle_pos = bx_geom_pts_handle_pos,
	.move_handle = bx_geom_pts_move,
	.draw = draw,
	.convert_from = convert_from,
	.formats = BX_FMT_ALL,
	.ls = &ls_map,
	.scale = &scale_map,
	.yolo = &yolo_map,
	.voc = &voc_map,
	.cvat = &cvat_map,
};
