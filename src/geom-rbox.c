/* geom-rbox.c: the rotated box (CVAT rotated rectangle, DOTA / YOLO-OBB
 * oriented box, Label Studio rotated rectangle): centre x, y, size w, h,
 * and angle in degrees, clockwise on screen (image y points down), about
 * the centre; kept in (-180, 180]. JSON [cx, cy, w, h, angle].
 *
 * It is an area: it matches boxes, polygons and other rotated boxes by the
 * exact IoU of its 4-corner ring (geometry.c's polygon overlap). Handles
 * are the four corners; dragging one resizes the box in its own frame with
 * the opposite corner fixed. Consensus keeps the medoid. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "boxel/fmt-ls-map.h"
#include "boxel/fmt-scale-map.h"
#include "boxel/fmt-yolo-map.h"
#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"
#include "boxel/raster.h"
#include "boxel/util.h"

#define EDGE_SLACK 0.01

void
bx_geom_rbox_corners(double cx, double cy, double w, double h, double angle,
                     struct bx_pt out[4])
{
	static const double sx[4] = { -1, 1, 1, -1 }, sy[4] = { -1, -1, 1, 1 };
	double t = angle * M_PI / 180, c = cos(t), s = sin(t), dx, dy;
	int i;

	for (i = 0; i < 4; i++) {
		dx = sx[i] * w / 2;
		dy = sy[i] * h / 2;
		out[i].x = cx + dx * c - dy * s;
		out[i].y = cy + dx * s + dy * c;
	}
}

static int
ring(double x, double y, double w, double h, double angle, struct bx_pt *out)
{
	bx_geom_rbox_corners(x, y, w, h, angle, out);
	return 4;
}

static void
corners(const struct bx_annot *an, struct bx_pt out[4])
{
	bx_geom_rbox_corners(an->x, an->y, an->w, an->h, an->angle, out);
}

static void
describe(const struct bx_annot *an, char *buf, size_t n)
{
	snprintf(buf, n, "rbox %.0f,%.0f %.0fx%.0f %.0fdeg", an->x, an->y, an->w, an->h, an->angle);
}

static int
inside(const struct bx_annot *an, double width, double height)
{
	struct bx_pt q[4];
	int i;

	corners(an, q);
	for (i = 0; i < 4; i++)
		if (!(q[i].x >= -EDGE_SLACK && q[i].y >= -EDGE_SLACK && q[i].x <= width + EDGE_SLACK &&
		      q[i].y <= height + EDGE_SLACK))
			return 0;
	return 1;
}

static int
check(const struct bx_annot *an, int width, int height, char *why, size_t n)
{
	struct bx_pt q[4];
	int i;

	if (!isfinite(an->x) || !isfinite(an->y) || !isfinite(an->w) || !isfinite(an->h) ||
	    !isfinite(an->angle) || an->w < 0 || an->h < 0)
		return snprintf(why, n, "rotated box is not finite or has a negative size"), -1;
	corners(an, q);
	for (i = 0; i < 4; i++)
		if (!(q[i].x >= -EDGE_SLACK && q[i].y >= -EDGE_SLACK && q[i].x <= width + EDGE_SLACK &&
		      q[i].y <= height + EDGE_SLACK))
			return snprintf(why, n, "rotated box corner (%g, %g) is outside the %dx%d image",
			    q[i].x, q[i].y, width, height), -1;
	return 0;
}

static void
bounds(const struct bx_annot *an, double *x, double *y, double *w, double *h)
{
	struct bx_annot tmp = { 0 };
	struct bx_pt q[4];

	corners(an, q);
	tmp.pts = q;
	tmp.npts = 4;
	bx_geom_pts_bounds(&tmp, x, y, w, h);
}

static int
nhandles(const struct bx_annot *an)
{
	(void)an;
	return 4;
}

static void
handle_pos(const struct bx_annot *an, int h, double *x, double *y)
{
	struct bx_pt q[4];

	corners(an, q);
	*x = q[h & 3].x;
	*y = q[h & 3].y;
}

/* The move in the box's own frame: the corner follows it, the opposite
 * corner stays, the size stops at 1 pixel; a move that would take a corner
 * out of the image is not made. */
static void
move_handle(struct bx_annot *an, int h, double dx, double dy, double img_w, double img_h)
{
	static const double sx[4] = { -1, 1, 1, -1 }, sy[4] = { -1, -1, 1, 1 };
	double t = an->angle * M_PI / 180, c = cos(t), s = sin(t);
	double du = dx * c + dy * s, dv = -dx * s + dy * c, w, hh, mu, mv;
	struct bx_annot nb = *an;

	h &= 3;
	w = fmax(1, an->w + sx[h] * du);
	hh = fmax(1, an->h + sy[h] * dv);
	mu = sx[h] * (w - an->w) / 2;
	mv = sy[h] * (hh - an->h) / 2;
	nb.w = w;
	nb.h = hh;
	nb.x = an->x + mu * c - mv * s;
	nb.y = an->y + mu * s + mv * c;
	if (inside(&nb, img_w, img_h))
		*an = nb;
}

static void
draw(const struct bx_geom_pen *p, const struct bx_annot *an)
{
	struct bx_pt q[4];

	corners(an, q);
	bx_geom_draw_outline(p, q, 4, 1);
	if (p->style == BX_PEN_GOLD)
		return;
	/* A tick from the centre to the top edge shows which way is up. */
	bx_raster_line(p->r, p->to_x(p->ctx, an->x), p->to_y(p->ctx, an->y),
	               p->to_x(p->ctx, (q[0].x + q[1].x) / 2), p->to_y(p->ctx, (q[0].y + q[1].y) / 2),
	               p->color, p->dash);
}

/* Drawn upright from two corners, turned afterwards (bx_edit_rotate). */
static int
make(struct bx_annot *an, const struct bx_pt *pend, const unsigned char *vis, int n,
     struct bx_pt *buf, double img_w, double img_h, char *why, size_t whyn)
{
	(void)pend, (void)vis, (void)n, (void)buf, (void)img_w, (void)img_h, (void)why, (void)whyn;
	an->x += an->w / 2;
	an->y += an->h / 2;
	return 0;
}

static const struct bx_geom_tool tool = {
	.name = "rotated_box",
	.key = 'R',
	.help = "rotated box tool: draw it upright, then turn it with > and <",
	.place = BX_PLACE_CORNERS,
	.make = make,
};

/* Label Studio: a rectangle turned about its top-left corner, clockwise,
 * 0 to 360 degrees (at rotation 0 it is the box's). */
static void
ls_write(struct bx_buf *b, const struct bx_annot *an, int width, int height)
{
	struct bx_pt q[4];

	bx_geom_rbox_corners(an->x, an->y, an->w, an->h, an->angle, q);
	bx_ls_put_turned(b, width, height, q[0].x, q[0].y, "width", an->w, "height", an->h,
	    an->angle);
}

static int
ls_read(const struct bx_ls_in *in, struct bx_annot *an, char *why, size_t n)
{
	double a, t;

	if (bx_ls_num(in, "rotation", &a) != 0 || a == 0)
		return 1;
	if (bx_ls_rect(in, &an->x, &an->y, &an->w, &an->h, why, n) < 0)
		return -1;
	/* the centre is the corner plus the turned half-diagonal */
	a = bx_ls_angle(a);
	t = a * M_PI / 180;
	an->angle = a;
	an->x += an->w / 2 * cos(t) - an->h / 2 * sin(t);
	an->y += an->w / 2 * sin(t) + an->h / 2 * cos(t);
	return 0;
}

static const struct bx_ls_map ls_map = {
	.type = "rectanglelabels",
	.control = "box",
	.tag = "RectangleLabels",
	.write = ls_write,
	.read = ls_read,
};

/* Scale has no rotated box, but its polygon holds the four corners
 * exactly: written so, and said (a class that allows rotated boxes but not
 * polygons reads such a polygon back as a rotated box). */
static void
scale_write(struct bx_buf *b, const struct bx_annot *an)
{
	struct bx_pt q[4];

	bx_geom_rbox_corners(an->x, an->y, an->w, an->h, an->angle, q);
	bx_scale_put_vertices(b, q, 4, NULL, 0);
}

static const struct bx_scale_map scale_map = {
	.type = "polygon",
	.write = scale_write,
	.note = { "rotated_box as a polygon of its 4 corners: scale has no rotated box",
	          "rotated_boxes as polygons of their 4 corners: scale has no rotated box" },
};

/* Import, for a class that allows rotated boxes but not what a format
 * wrote: an upright box (Label Studio at rotation 0, COCO, VOC) is one at
 * angle 0; a 4-point polygon that is a rectangle (YOLO-OBB's corners,
 * read back with 6 decimals; Scale's polygon of the corners) one at its
 * angle: centre, side lengths, and the angle of its first side. So the
 * exports of such a class come back as they went. */
static int
from_box(const struct bx_annot *an, struct bx_annot *rb)
{
	(void)an;
	rb->x += rb->w / 2;
	rb->y += rb->h / 2;
	rb->angle = 0;
	return 1;
}

static int
from_rectangle(const struct bx_annot *an, struct bx_annot *rb)
{
	const struct bx_pt *p = an->pts;
	double ax, ay, bx, by, la, lb, tol;

	if (an->npts != 4)
		return 0;
	ax = p[1].x - p[0].x, ay = p[1].y - p[0].y, bx = p[3].x - p[0].x, by = p[3].y - p[0].y;
	la = hypot(ax, ay), lb = hypot(bx, by), tol = 1e-4 * (la + lb);
	if (la == 0 || lb == 0 || fabs(ax * bx + ay * by) > tol * (la + lb) ||
	    hypot(p[0].x + p[2].x - p[1].x - p[3].x, p[0].y + p[2].y - p[1].y - p[3].y) > tol)
		return 0;
	rb->x = (p[0].x + p[1].x + p[2].x + p[3].x) / 4;
	rb->y = (p[0].y + p[1].y + p[2].y + p[3].y) / 4;
	rb->w = la;
	rb->h = lb;
	rb->angle = atan2(ay, ax) * 180 / M_PI;
	rb->pts = NULL;
	rb->npts = 0;
	return 1;
}

/* The object as a rotated box made by make from a copy of it, appended. */
static int
convert(const struct bx_annot *an, struct bx_answer *out,
        int (*make)(const struct bx_annot *an, struct bx_annot *rb))
{
	struct bx_annot rb = *an;

	rb.geom = BX_GEOM_RBOX;
	if (!make(an, &rb))
		return 0;
	bx_answer_add(out, &rb);
	return 1;
}

static int
convert_box(const struct bx_annot *an, struct bx_answer *out)
{
	return convert(an, out, from_box);
}

static int
convert_polygon(const struct bx_annot *an, struct bx_answer *out)
{
	return convert(an, out, from_rectangle);
}

static const struct bx_geom_conv convert_from[] = {
	{ BX_GEOM_POLYGON, convert_polygon, NULL, 0 },
	{ BX_GEOM_BOX, convert_box, NULL, 0 },
	{ 0, NULL, NULL, 0 },
};

/* YOLO-OBB: its four corners, clockwise on screen from the unturned
 * top-left; a polygon line in the default export (so its file's boxes go
 * as corners too); its upright box in a detect file. Read back as a
 * polygon, made a rotated box again by convert_from above. */
static const struct bx_yolo_map yolo_map = {
	.tasks = BX_YOLO_IN(BX_YOLO_TASK_ANY) | BX_YOLO_IN(BX_YOLO_TASK_DETECT) |
	    BX_YOLO_IN(BX_YOLO_TASK_SEGMENT) | BX_YOLO_IN(BX_YOLO_TASK_OBB),
	.poly = 1,
	.outline = bx_yolo_outline_ring,
};
/* CVAT's <box> with a rotation about its centre (degrees clockwise, in
 * [0, 360)); at angle 0 it is written as CVAT does, without one, and
 * read back as a box (the importer makes it a rotated box for a class
 * that draws no boxes). */
static const char *const cvat_corners[4] = { "xtl", "ytl", "xbr", "ybr" };

static void
cvat_write(const struct bx_cvat_out *o, const struct bx_annot *an)
{
	double v[4] = { an->x - an->w / 2, an->y - an->h / 2, an->x + an->w / 2, an->y + an->h / 2 };

	bx_cvat_write_nums(o, "box", an, cvat_corners, v, 4, an->angle);
}

static int
cvat_read(const struct bx_xml_node *e, const struct bx_class *cls, struct bx_annot *an,
          char *why, size_t n)
{
	double c[5];

	(void)cls;
	if (bx_xml_attr(e, "rotation") == NULL)
		return snprintf(why, n, "a <box> without a rotation is a box"), 0;
	if (bx_cvat_get_num(e, "xtl", &c[0], why, n) < 0 || bx_cvat_get_num(e, "ytl", &c[1], why,
	    n) < 0 || bx_cvat_get_num(e, "xbr", &c[2], why, n) < 0 ||
	    bx_cvat_get_num(e, "ybr", &c[3], why, n) < 0 ||
	    bx_cvat_get_num(e, "rotation", &c[4], why, n) < 0)
		return -1;
	if (c[2] < c[0] || c[3] < c[1])
		return snprintf(why, n, "xbr/ybr is before xtl/ytl"), -1;
	an->geom = BX_GEOM_RBOX;
	an->x = (c[0] + c[2]) / 2;
	an->y = (c[1] + c[3]) / 2;
	an->w = c[2] - c[0];
	an->h = c[3] - c[1];
	an->angle = bx_cvat_angle_in(c[4]);
	return 1;
}

static const struct bx_cvat_map cvat_map = { "box", 0, cvat_write, cvat_read };

const struct bx_geom_kind bx_geom_rbox = {
	.id = BX_GEOM_RBOX,
	.name = "rotated_box",
	.vertex = "corner",
	.letter = 'r',
	.form = BX_FORM_RBOX,
	.form_hint = "[cx, cy, w, h, angle]",
	.family = BX_FAM_AREA,
	.tools = { &tool },
	.describe = describe,
	.check = check,
	.bounds = bounds,
	.translate = bx_geom_centre_translate,
	.nhandles = nhandles,
	.handle_pos = handle_pos,
	.move_handle = move_handle,
	.draw = draw,
	.rotate = bx_geom_turn,
	.ring = ring,
	.convert_from = convert_from,
	.formats = BX_FMT_COCO | BX_FMT_LS | BX_FMT_YOLO | BX_FMT_CVAT,
	.ls = &ls_map,
	.scale = &scale_map,
	.yolo = &yolo_map,
	.cvat = &cvat_map,
};
