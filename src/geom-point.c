/* geom-point.c: one point (a keypoint without a skeleton). No handles:
 * moving the object moves the point. Consensus averages positions. */
#include <stdio.h>

#include "boxel/fmt-ls-map.h"
#include "boxel/fmt-scale-map.h"
#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"
#include "boxel/raster.h"

static void
describe(const struct bx_annot *an, char *buf, size_t n)
{
	snprintf(buf, n, "point %.0f,%.0f", an->npts ? an->pts[0].x : 0,
	         an->npts ? an->pts[0].y : 0);
}

static int
check(const struct bx_annot *an, int width, int height, char *why, size_t n)
{
	if (an->npts < 1)
		return snprintf(why, n, "point has no coordinates"), -1;
	return bx_geom_pts_check(an, "point", width, height, why, n);
}

static int
nhandles(const struct bx_annot *an)
{
	(void)an;
	return 0;
}

static void
draw(const struct bx_geom_pen *p, const struct bx_annot *an)
{
	double x, y;

	if (an->npts < 1)
		return;
	x = p->to_x(p->ctx, an->pts[0].x);
	y = p->to_y(p->ctx, an->pts[0].y);
	if (p->style == BX_PEN_GOLD) {
		bx_raster_rect(p->r, x - 3, y - 3, x + 3, y + 3, p->color, 0);
		return;
	}
	bx_raster_fill_rect(p->r, x - 2, y - 2, x + 2, y + 2, p->halo);
	bx_raster_fill_rect(p->r, x - 1, y - 1, x + 1, y + 1, p->color);
}

static void
average(struct bx_annot *out, const struct bx_annot *const *m, int n)
{
	double mx = 0, my = 0;
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (m[i]->npts >= 1) {
			mx += m[i]->pts[0].x;
			my += m[i]->pts[0].y;
			k++;
		}
	if (out->npts >= 1 && k > 0) {
		out->pts[0].x = mx / k;
		out->pts[0].y = my / k;
	}
}

static int
make(struct bx_annot *an, const struct bx_pt *pend, const unsigned char *vis, int n,
     struct bx_pt *buf, double img_w, double img_h, char *why, size_t whyn)
{
	(void)vis, (void)n, (void)img_w, (void)img_h, (void)why, (void)whyn;
	buf[0] = pend[0];
	an->pts = buf;
	an->npts = 1;
	return 0;
}

static const struct bx_geom_tool tool = {
	.name = "point",
	.key = 'o',
	.help = "point tool",
	.place = BX_PLACE_COUNT,
	.npts = 1,
	.make = make,
};

/* Label Studio: a keypoint, x and y in percent (and the width of its
 * dot, 1%). */
static void
ls_write(struct bx_buf *b, const struct bx_annot *an, int width, int height)
{
	bx_ls_put_pct(b, "x", an->npts ? an->pts[0].x : 0, width);
	bx_buf_putc(b, ',');
	bx_ls_put_pct(b, "y", an->npts ? an->pts[0].y : 0, height);
	bx_buf_puts(b, ",\"width\":1");
}

static int
ls_read(const struct bx_ls_in *in, struct bx_annot *an, char *why, size_t n)
{
	double x, y;

	if (bx_ls_num(in, "x", &x) || bx_ls_num(in, "y", &y)) {
		snprintf(why, n, ": x and y must be numbers");
		return -1;
	}
	an->npts = 1;
	an->pts = bx_malloc(sizeof *an->pts);
	an->pts[0].x = bx_ls_px(in, x, 0);
	an->pts[0].y = bx_ls_px(in, y, 1);
	return 0;
}

static const struct bx_ls_map ls_map = {
	.type = "keypointlabels",
	.control = "point",
	.tag = "KeyPointLabels",
	.write = ls_write,
	.read = ls_read,
	.label_index = 1,
};

/* Scale: x and y in pixels. */
static const char *const scale_keys[2] = { "x", "y" };

static void
scale_write(struct bx_buf *b, const struct bx_annot *an)
{
	const double v[2] = { an->npts ? an->pts[0].x : 0, an->npts ? an->pts[0].y : 0 };

	bx_scale_put_nums(b, scale_keys, v, 2);
}

static int
scale_read(const struct bx_scale_in *in, struct bx_annot *an, char *why, size_t n)
{
	struct bx_pt p;

	if (bx_scale_num(in, "x", &p.x) || bx_scale_num(in, "y", &p.y)) {
		snprintf(why, n, ": x and y must be numbers");
		return -1;
	}
	an->npts = 1;
	an->pts = bx_malloc(sizeof *an->pts);
	an->pts[0] = p;
	return 0;
}

static const struct bx_scale_map scale_map = {
	.type = "point",
	.write = scale_write,
	.read = scale_read,
};
/* CVAT's <points> of one point (more are a set boxel has no kind for). */
static const struct bx_cvat_map cvat_map = { "points", 0, NULL, NULL };

const struct bx_geom_kind bx_geom_point = {
	.id = BX_GEOM_POINT,
	.name = "point",
	.vertex = "point",
	.letter = 'o',
	.form = BX_FORM_POINT,
	.min_pts = 1,
	.family = BX_FAM_POINT,
	.tools = { &tool },
	.describe = describe,
	.check = check,
	.bounds = bx_geom_pts_bounds,
	.translate = bx_geom_pts_translate,
	.clip = bx_geom_pts_clip,
	.nhandles = nhandles,
	.draw = draw,
	.average = average,
	/* YOLO and VOC have no object without an extent */
	.formats = BX_FMT_ALL & ~(BX_FMT_YOLO | BX_FMT_VOC),
	.ls = &ls_map,
	.scale = &scale_map,
	.cvat = &cvat_map,
};
