/* geom-box.c: the axis-aligned box, x, y, w, h in image pixels. Eight
 * handles: the corners, then the edge midpoints (shown only while
 * grabbed). Consensus averages the four numbers. */
#include <math.h>
#include <stdio.h>

#include "boxel/edit.h"
#include "boxel/fmt-ls-map.h"
#include "boxel/fmt-scale-map.h"
#include "boxel/fmt-voc-map.h"
#include "boxel/fmt-yolo-map.h"
#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"
#include "boxel/raster.h"

#define EDGE_SLACK 0.01

static void
describe(const struct bx_annot *an, char *buf, size_t n)
{
	snprintf(buf, n, "box %.0f,%.0f %.0fx%.0f", an->x, an->y, an->w, an->h);
}

static int
check(const struct bx_annot *an, int width, int height, char *why, size_t n)
{
	if (!isfinite(an->x) || !isfinite(an->y) || !isfinite(an->w) || !isfinite(an->h) ||
	    an->w < 0 || an->h < 0)
		return snprintf(why, n, "box is not finite or has a negative size"), -1;
	if (an->x < -EDGE_SLACK || an->y < -EDGE_SLACK)
		return snprintf(why, n, "box leaves the image: %s = %g < 0", an->x < 0 ? "x" : "y",
		    an->x < 0 ? an->x : an->y), -1;
	if (an->x + an->w > width + EDGE_SLACK)
		return snprintf(why, n, "box leaves the image: x+w = %g > width %d", an->x + an->w,
		    width), -1;
	if (an->y + an->h > height + EDGE_SLACK)
		return snprintf(why, n, "box leaves the image: y+h = %g > height %d", an->y + an->h,
		    height), -1;
	return 0;
}

static void
bounds(const struct bx_annot *an, double *x, double *y, double *w, double *h)
{
	*x = an->x, *y = an->y, *w = an->w, *h = an->h;
}

static void
translate(struct bx_annot *an, double dx, double dy)
{
	an->x += dx;
	an->y += dy;
}

/* Its corners onto the image, so the box is the part inside it. */
static void
clip(struct bx_annot *an, int width, int height)
{
	double x1 = bx_geom_clamp(an->x + an->w, 0, width);
	double y1 = bx_geom_clamp(an->y + an->h, 0, height);

	an->x = bx_geom_clamp(an->x, 0, width);
	an->y = bx_geom_clamp(an->y, 0, height);
	an->w = x1 - an->x;
	an->h = y1 - an->y;
}

static int
nhandles(const struct bx_annot *an)
{
	(void)an;
	return 8;
}

static void
handle_pos(const struct bx_annot *an, int h, double *x, double *y)
{
	switch (h) {
	case BX_H_TL: *x = an->x; *y = an->y; break;
	case BX_H_TR: *x = an->x + an->w; *y = an->y; break;
	case BX_H_BR: *x = an->x + an->w; *y = an->y + an->h; break;
	case BX_H_BL: *x = an->x; *y = an->y + an->h; break;
	case BX_H_TOP: *x = an->x + an->w / 2; *y = an->y; break;
	case BX_H_RIGHT: *x = an->x + an->w; *y = an->y + an->h / 2; break;
	case BX_H_BOTTOM: *x = an->x + an->w / 2; *y = an->y + an->h; break;
	case BX_H_LEFT: *x = an->x; *y = an->y + an->h / 2; break;
	}
}

static void
move_handle(struct bx_annot *an, int hd, double dx, double dy, double img_w, double img_h)
{
	double x0 = an->x, y0 = an->y, x1 = an->x + an->w, y1 = an->y + an->h;
	int left = hd == BX_H_TL || hd == BX_H_BL || hd == BX_H_LEFT;
	int right = hd == BX_H_TR || hd == BX_H_BR || hd == BX_H_RIGHT;
	int top = hd == BX_H_TL || hd == BX_H_TR || hd == BX_H_TOP;
	int bottom = hd == BX_H_BL || hd == BX_H_BR || hd == BX_H_BOTTOM;

	/* An edge stops one pixel short of the opposite edge: boxes never
	 * flip or collapse while being resized. */
	if (left)
		x0 = bx_geom_clamp(x0 + dx, 0, x1 - 1);
	if (right)
		x1 = bx_geom_clamp(x1 + dx, x0 + 1, img_w);
	if (top)
		y0 = bx_geom_clamp(y0 + dy, 0, y1 - 1);
	if (bottom)
		y1 = bx_geom_clamp(y1 + dy, y0 + 1, img_h);
	an->x = x0;
	an->y = y0;
	an->w = x1 - x0;
	an->h = y1 - y0;
}

static void
draw(const struct bx_geom_pen *p, const struct bx_annot *an)
{
	double x0 = p->to_x(p->ctx, an->x), y0 = p->to_y(p->ctx, an->y);
	double x1 = p->to_x(p->ctx, an->x + an->w), y1 = p->to_y(p->ctx, an->y + an->h);

	if (p->style == BX_PEN_GOLD) {
		bx_raster_rect(p->r, x0, y0, x1, y1, p->color, 3);
		return;
	}
	bx_raster_rect(p->r, x0 - 1, y0 - 1, x1 + 1, y1 + 1, p->halo, p->dash);
	bx_raster_rect(p->r, x0, y0, x1, y1, p->color, p->dash);
}

static void
average(struct bx_annot *out, const struct bx_annot *const *m, int n)
{
	double mx = 0, my = 0, mw = 0, mh = 0;
	int i;

	for (i = 0; i < n; i++) {
		mx += m[i]->x;
		my += m[i]->y;
		mw += m[i]->w;
		mh += m[i]->h;
	}
	out->x = mx / n;
	out->y = my / n;
	out->w = mw / n;
	out->h = mh / n;
}

/* The box bounding the four extreme points placed (extreme clicking,
 * Papadopoulos et al. 2017): left and right edges from the 1st and 3rd
 * points, top and bottom from the 2nd and 4th; the other coordinate of
 * each is where along the side it touched, not an extent. */
static int
extreme_make(struct bx_annot *an, const struct bx_pt *p, const unsigned char *vis, int n,
             struct bx_pt *buf, double img_w, double img_h, char *why, size_t whyn)
{
	double x0 = fmin(p[0].x, p[2].x), x1 = fmax(p[0].x, p[2].x);
	double y0 = fmin(p[1].y, p[3].y), y1 = fmax(p[1].y, p[3].y);

	(void)vis, (void)n, (void)buf, (void)img_w, (void)img_h;
	if (x1 <= x0 || y1 <= y0)
		return snprintf(why, whyn, "the four extreme points span no area: place them again"), -1;
	an->x = x0;
	an->y = y0;
	an->w = x1 - x0;
	an->h = y1 - y0;
	return 0;
}

static void
extreme_status(int n, int want, const char *next, char *buf, size_t len)
{
	static const char *const side[] = { "left", "top", "right", "bottom" };
	(void)want, (void)next;
	snprintf(buf, len, "extreme %d/4: %s-most next", n, side[n % 4]);
}

static const struct bx_geom_tool box_tool = {
	.name = "box",
	.key = 'b',
	.help = "box tool",
	.place = BX_PLACE_CORNERS,
	.drag = 1,
	.tighten = 1,
};

static const struct bx_geom_tool extreme_tool = {
	.name = "extreme",
	.key = 'E',
	.help = "extreme-points box tool: place the left-, top-, right-, bottom-most points",
	.place = BX_PLACE_COUNT,
	.npts = 4,
	.snap_extreme = 1,
	.make = extreme_make,
	.status = extreme_status,
};

/* Label Studio: a rectangle at rotation 0 (a turned one is a rotated
 * box's: declined). */
static void
ls_write(struct bx_buf *b, const struct bx_annot *an, int width, int height)
{
	bx_ls_put_pct(b, "x", an->x, width);
	bx_buf_putc(b, ',');
	bx_ls_put_pct(b, "y", an->y, height);
	bx_buf_putc(b, ',');
	bx_ls_put_pct(b, "width", an->w, width);
	bx_buf_putc(b, ',');
	bx_ls_put_pct(b, "height", an->h, height);
	bx_buf_puts(b, ",\"rotation\":0");
}

static int
ls_read(const struct bx_ls_in *in, struct bx_annot *an, char *why, size_t n)
{
	double a;

	if (bx_ls_num(in, "rotation", &a) == 0 && a != 0)
		return 1;
	return bx_ls_rect(in, &an->x, &an->y, &an->w, &an->h, why, n);
}

static const struct bx_ls_map ls_map = {
	.type = "rectanglelabels",
	.control = "box",
	.tag = "RectangleLabels",
	.write = ls_write,
	.read = ls_read,
};

/* Scale: left, top, width, height in pixels, as boxel keeps a box. */
static const char *const scale_keys[4] = { "left", "top", "width", "height" };

static void
scale_write(struct bx_buf *b, const struct bx_annot *an)
{
	const double v[4] = { an->x, an->y, an->w, an->h };

	bx_scale_put_nums(b, scale_keys, v, 4);
}

static int
scale_read(const struct bx_scale_in *in, struct bx_annot *an, char *why, size_t n)
{
	if (bx_scale_num(in, "left", &an->x) || bx_scale_num(in, "top", &an->y) ||
	    bx_scale_num(in, "width", &an->w) || bx_scale_num(in, "height", &an->h) || an->w < 0 ||
	    an->h < 0) {
		snprintf(why, n, ": left, top, width, height must be finite numbers, width and "
		    "height >= 0");
		return -1;
	}
	return 0;
}

static const struct bx_scale_map scale_map = {
	.type = "box",
	.write = scale_write,
	.read = scale_read,
};

/* YOLO: a box line, or its four corners from the top-left clockwise (a
 * polygon line in a file of polygons, an obb line); a polygon line that is
 * exactly such an upright rectangle reads back as the box. */
static int
yolo_outline(const struct bx_annot *an, struct bx_pt *buf, const struct bx_pt **pts)
{
	buf[0].x = an->x, buf[0].y = an->y;
	buf[1].x = an->x + an->w, buf[1].y = an->y;
	buf[2].x = an->x + an->w, buf[2].y = an->y + an->h;
	buf[3].x = an->x, buf[3].y = an->y + an->h;
	*pts = buf;
	return 4;
}

static int
set_box(struct bx_annot *an, double x, double y, double w, double h)
{
	an->x = x, an->y = y, an->w = w, an->h = h;
	return 0;
}

static int
yolo_read_poly(struct bx_annot *an)
{
	const struct bx_pt *p = an->pts;

	if (an->npts != 4 || !(p[0].x == p[3].x && p[0].y == p[1].y && p[1].x == p[2].x &&
	    p[2].y == p[3].y && p[1].x > p[0].x && p[2].y > p[0].y))
		return -1;
	set_box(an, p[0].x, p[0].y, p[1].x - p[0].x, p[2].y - p[0].y);
	an->npts = 0;
	return 0;
}

static const struct bx_yolo_map yolo_map = {
	.tasks = BX_YOLO_IN(BX_YOLO_TASK_ANY) | BX_YOLO_IN(BX_YOLO_TASK_DETECT) |
	    BX_YOLO_IN(BX_YOLO_TASK_SEGMENT) | BX_YOLO_IN(BX_YOLO_TASK_OBB),
	.poly = 0,
	.outline = yolo_outline,
	.read_box = set_box,
	.read_poly = yolo_read_poly,
};

static void
voc_read(struct bx_annot *an, double x, double y, double w, double h)
{
	set_box(an, x, y, w, h);
}

static const struct bx_voc_map voc_map = {
	.bndbox = bounds,
	.read = voc_read,
};
/* CVAT's <box> by its corners; one with a rotation is the rotated
 * box's (declined here). */
static const char *const cvat_corners[4] = { "xtl", "ytl", "xbr", "ybr" };

static void
cvat_write(const struct bx_cvat_out *o, const struct bx_annot *an)
{
	double v[4] = { an->x, an->y, an->x + an->w, an->y + an->h };

	bx_cvat_write_nums(o, "box", an, cvat_corners, v, 4, 0);
}

static int
cvat_read(const struct bx_xml_node *e, const struct bx_class *cls, struct bx_annot *an,
          char *why, size_t n)
{
	double c[4], rot = 0;

	(void)cls;
	if (bx_xml_attr(e, "rotation") != NULL) {
		if (bx_cvat_get_num(e, "rotation", &rot, why, n) < 0)
			return -1;
		if (bx_cvat_angle_in(rot) != 0)
			return snprintf(why, n, "a <box> turned by %g degrees is a rotated box", rot), 0;
	}
	if (bx_cvat_get_num(e, "xtl", &c[0], why, n) < 0 || bx_cvat_get_num(e, "ytl", &c[1], why,
	    n) < 0 || bx_cvat_get_num(e, "xbr", &c[2], why, n) < 0 ||
	    bx_cvat_get_num(e, "ybr", &c[3], why, n) < 0)
		return -1;
	if (c[2] < c[0] || c[3] < c[1])
		return snprintf(why, n, "xbr/ybr is before xtl/ytl"), -1;
	an->geom = BX_GEOM_BOX;
	an->x = c[0];
	an->y = c[1];
	an->w = c[2] - c[0];
	an->h = c[3] - c[1];
	return 1;
}

static const struct bx_cvat_map cvat_map = { "box", 0, cvat_write, cvat_read };

const struct bx_geom_kind bx_geom_box = {
	.id = BX_GEOM_BOX,
	.name = "box",
	.vertex = "corner",
	.letter = 'b',
	.form = BX_FORM_BOX,
	.family = BX_FAM_AREA,
	.tools = { &box_tool, &extreme_tool },
	.major_handles = BX_H_TOP,
	.describe = describe,
	.check = check,
	.bounds = bounds,
	.translate = translate,
	.clip = clip,
	.nhandles = nhandles,
	.handle_pos = handle_pos,
	.move_handle = move_handle,
	.draw = draw,
	.average = average,
	.formats = BX_FMT_ALL,
	.ls = &ls_map,
	.scale = &scale_map,
	.yolo = &yolo_map,
	.voc = &voc_map,
	.cvat = &cvat_map,
};
