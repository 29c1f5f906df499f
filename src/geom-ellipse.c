/* geom-ellipse.c: the ellipse (Scale, CVAT, Label Studio): centre x, y,
 * radii w (along its own x axis) and h, and angle in degrees clockwise on
 * screen about the centre, kept in (-180, 180]. JSON [cx, cy, rx, ry,
 * angle]. Drawn from two corners of its upright bounding box, then turned
 * like a rotated box.
 *
 * It is an area: two ellipses compare by their exact IoU (bx_ellipse_iou,
 * shape-math.h); overlaps with boxes, polygons and rotated boxes go through
 * its ring of BX_ELLIPSE_RING vertices scaled to the ellipse's own area
 * (geom.h). Handles: the ends of its two axes, each moving
 * its radius with the centre fixed. Consensus keeps the medoid. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "boxel/fmt-ls-map.h"
#include "boxel/fmt-scale-map.h"
#include "boxel/fmt-yolo-map.h"
#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"
#include "boxel/raster.h"
#include "boxel/shape-math.h"
#include "boxel/util.h"

#define EDGE_SLACK 0.01

void
bx_geom_ellipse_ring(double cx, double cy, double rx, double ry, double angle,
                     struct bx_pt out[BX_ELLIPSE_RING])
{
	const double step = 2 * M_PI / BX_ELLIPSE_RING;
	/* An inscribed n-gon has n/2 sin(2 pi/n) r^2 of the circle's pi r^2. */
	double k = sqrt(step / sin(step));
	double t = angle * M_PI / 180, c = cos(t), s = sin(t), u, v;
	int i;

	for (i = 0; i < BX_ELLIPSE_RING; i++) {
		u = k * rx * cos(i * step);
		v = k * ry * sin(i * step);
		out[i].x = cx + u * c - v * s;
		out[i].y = cy + u * s + v * c;
	}
}

static int
ring(double x, double y, double w, double h, double angle, struct bx_pt *out)
{
	bx_geom_ellipse_ring(x, y, w, h, angle, out);
	return BX_ELLIPSE_RING;
}

static void
describe(const struct bx_annot *an, char *buf, size_t n)
{
	snprintf(buf, n, "ellipse %.0f,%.0f r%.0fx%.0f %.0fdeg", an->x, an->y, an->w, an->h,
	         an->angle);
}

/* Half the width and height of its upright bounding box. */
static void
extent(const struct bx_annot *an, double *ex, double *ey)
{
	double t = an->angle * M_PI / 180, c = cos(t), s = sin(t);

	*ex = sqrt(an->w * an->w * c * c + an->h * an->h * s * s);
	*ey = sqrt(an->w * an->w * s * s + an->h * an->h * c * c);
}

static void
bounds(const struct bx_annot *an, double *x, double *y, double *w, double *h)
{
	double ex, ey;

	extent(an, &ex, &ey);
	*x = an->x - ex;
	*y = an->y - ey;
	*w = 2 * ex;
	*h = 2 * ey;
}

static int
inside(const struct bx_annot *an, double width, double height)
{
	double x, y, w, h;

	bounds(an, &x, &y, &w, &h);
	return x >= -EDGE_SLACK && y >= -EDGE_SLACK && x + w <= width + EDGE_SLACK &&
	       y + h <= height + EDGE_SLACK;
}

static int
check(const struct bx_annot *an, int width, int height, char *why, size_t n)
{
	double x, y, w, h;

	if (!isfinite(an->x) || !isfinite(an->y) || !isfinite(an->w) || !isfinite(an->h) ||
	    !isfinite(an->angle) || an->w < 0 || an->h < 0)
		return snprintf(why, n, "ellipse is not finite or has a negative radius"), -1;
	if (!inside(an, width, height)) {
		bounds(an, &x, &y, &w, &h);
		return snprintf(why, n, "ellipse leaves the image: it spans %g,%g to %g,%g of the "
		    "%dx%d image", x, y, x + w, y + h, width, height), -1;
	}
	return 0;
}

static int
nhandles(const struct bx_annot *an)
{
	(void)an;
	return 4;
}

/* Handle h: the end of an axis, clockwise from its own +x (0: +x, 1: +y,
 * 2: -x, 3: -y, before turning). */
static void
handle_pos(const struct bx_annot *an, int h, double *x, double *y)
{
	static const double ux[4] = { 1, 0, -1, 0 }, uy[4] = { 0, 1, 0, -1 };
	double t = an->angle * M_PI / 180, c = cos(t), s = sin(t);
	double u = ux[h & 3] * an->w, v = uy[h & 3] * an->h;

	*x = an->x + u * c - v * s;
	*y = an->y + u * s + v * c;
}

static void
move_handle(struct bx_annot *an, int h, double dx, double dy, double img_w, double img_h)
{
	static const double ux[4] = { 1, 0, -1, 0 }, uy[4] = { 0, 1, 0, -1 };
	double t = an->angle * M_PI / 180, c = cos(t), s = sin(t);
	double du = dx * c + dy * s, dv = -dx * s + dy * c;
	struct bx_annot nb = *an;

	h &= 3;
	if (ux[h] != 0)
		nb.w = fmax(1, an->w + ux[h] * du);
	else
		nb.h = fmax(1, an->h + uy[h] * dv);
	if (inside(&nb, img_w, img_h))
		*an = nb;
}

static void
draw(const struct bx_geom_pen *p, const struct bx_annot *an)
{
	struct bx_pt q[BX_ELLIPSE_RING];

	bx_geom_ellipse_ring(an->x, an->y, an->w, an->h, an->angle, q);
	bx_geom_draw_outline(p, q, BX_ELLIPSE_RING, 1);
}

static double
iou_same(const double a[5], const double b[5])
{
	struct bx_ellipse ea = { a[0], a[1], a[2], a[3], a[4] };
	struct bx_ellipse eb = { b[0], b[1], b[2], b[3], b[4] };

	return bx_ellipse_iou(&ea, &eb);
}

/* From the two corners of its upright bounding box; turned afterwards. */
static int
make(struct bx_annot *an, const struct bx_pt *pend, const unsigned char *vis, int n,
     struct bx_pt *buf, double img_w, double img_h, char *why, size_t whyn)
{
	(void)pend, (void)vis, (void)n, (void)buf, (void)img_w, (void)img_h, (void)why, (void)whyn;
	an->w /= 2;
	an->h /= 2;
	an->x += an->w;
	an->y += an->h;
	return 0;
}

static const struct bx_geom_tool tool = {
	.name = "ellipse",
	.key = 'O',
	.help = "ellipse tool: two corners of its upright bounding box, then turn it with > and <",
	.place = BX_PLACE_CORNERS,
	.make = make,
};

/* Label Studio: centre and radii in percent, turned clockwise about the
 * centre. */
static void
ls_write(struct bx_buf *b, const struct bx_annot *an, int width, int height)
{
	bx_ls_put_turned(b, width, height, an->x, an->y, "radiusX", an->w, "radiusY", an->h,
	    an->angle);
}

static int
ls_read(const struct bx_ls_in *in, struct bx_annot *an, char *why, size_t n)
{
	double x, y, rx, ry, a = 0;
	int rot = 1;

	if (bx_ls_num(in, "x", &x) || bx_ls_num(in, "y", &y) || bx_ls_num(in, "radiusX", &rx) ||
	    bx_ls_num(in, "radiusY", &ry) || rx < 0 || ry < 0 ||
	    (rot = bx_ls_num(in, "rotation", &a)) < 0) {
		snprintf(why, n, ": x, y, radiusX, radiusY (>= 0) and rotation must be finite "
		    "numbers");
		return -1;
	}
	an->x = bx_ls_px(in, x, 0);
	an->y = bx_ls_px(in, y, 1);
	an->w = bx_ls_px(in, rx, 0);
	an->h = bx_ls_px(in, ry, 1);
	an->angle = bx_ls_angle(rot == 0 ? a : 0);
	return 0;
}

static const struct bx_ls_map ls_map = {
	.type = "ellipselabels",
	.control = "ellipse",
	.tag = "EllipseLabels",
	.write = ls_write,
	.read = ls_read,
};

/* Scale: the ends of its axes. */
static void
scale_write(struct bx_buf *b, const struct bx_annot *an)
{
	struct bx_pt v[4];

	bx_scale_ellipse_vertices(an, v);
	bx_scale_put_vertices(b, v, 4, NULL, 1);
}

static int
scale_read(const struct bx_scale_in *in, struct bx_annot *an, char *why, size_t n)
{
	struct bx_pt v[4];

	if (bx_scale_fixed_vertices(in, 4, NULL, "an ellipse", " (the ends of its axes)", v, why,
	    n) < 0)
		return -1;
	if (bx_scale_ellipse_of(v, an) < 0) {
		snprintf(why, n, ".vertices: not the ends of an ellipse's two perpendicular axes "
		    "through one centre");
		return -1;
	}
	return 0;
}

static const struct bx_scale_map scale_map = {
	.type = "ellipse",
	.write = scale_write,
	.read = scale_read,
};

/* YOLO: no line of the default export; its upright box in a detect
 * file, its ring (the 64 vertices with the ellipse's area, as COCO's
 * segmentation) in a segment file. Not read back: such a line is a
 * polygon. */
static const struct bx_yolo_map yolo_map = {
	.tasks = BX_YOLO_IN(BX_YOLO_TASK_DETECT) | BX_YOLO_IN(BX_YOLO_TASK_SEGMENT),
	.outline = bx_yolo_outline_ring,
};
/* CVAT's <ellipse>: centre, radii, rotation (degrees clockwise, written
 * when not 0, as CVAT does). */
static const char *const cvat_names[4] = { "cx", "cy", "rx", "ry" };

static void
cvat_write(const struct bx_cvat_out *o, const struct bx_annot *an)
{
	double v[4] = { an->x, an->y, an->w, an->h };

	bx_cvat_write_nums(o, "ellipse", an, cvat_names, v, 4, an->angle);
}

static int
cvat_read(const struct bx_xml_node *e, const struct bx_class *cls, struct bx_annot *an,
          char *why, size_t n)
{
	double c[5] = { 0, 0, 0, 0, 0 };

	(void)cls;
	if (bx_cvat_get_num(e, "cx", &c[0], why, n) < 0 || bx_cvat_get_num(e, "cy", &c[1], why,
	    n) < 0 || bx_cvat_get_num(e, "rx", &c[2], why, n) < 0 ||
	    bx_cvat_get_num(e, "ry", &c[3], why, n) < 0 || (bx_xml_attr(e, "rotation") != NULL &&
	    bx_cvat_get_num(e, "rotation", &c[4], why, n) < 0))
		return -1;
	if (c[2] < 0 || c[3] < 0)
		return snprintf(why, n, "a radius is negative"), -1;
	an->geom = BX_GEOM_ELLIPSE;
	an->x = c[0];
	an->y = c[1];
	an->w = c[2];
	an->h = c[3];
	an->angle = bx_cvat_angle_in(c[4]);
	return 1;
}

static const struct bx_cvat_map cvat_map = { "ellipse", 0, cvat_write, cvat_read };

const struct bx_geom_kind bx_geom_ellipse = {
	.id = BX_GEOM_ELLIPSE,
	.name = "ellipse",
	.vertex = "axis end",
	.letter = 'e',
	.form = BX_FORM_RBOX,
	.form_hint = "[cx, cy, rx, ry, angle]",
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
	.iou_same = iou_same,
	.formats = BX_FMT_COCO | BX_FMT_LS | BX_FMT_SCALE | BX_FMT_CVAT,
	.ls = &ls_map,
	.scale = &scale_map,
	.yolo = &yolo_map,
	.cvat = &cvat_map,
};
