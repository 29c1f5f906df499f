/* geom-cuboid.c: a cuboid as Scale and CVAT draw it in 2D: eight
 * vertices, the front face (0-3: top-left, top-right, bottom-right,
 * bottom-left) then the back face (4-7, same order). JSON "cuboid":
 * [[x, y] x 8]. Drawn from its front face as a box; the back face starts a
 * third of the smaller side up and right, and each vertex is a handle.
 *
 * It is an area: compared by the IoU of the convex hulls of its vertices
 * (exact, through geometry.c's polygon overlap), so it matches boxes and
 * polygons too. Consensus keeps the medoid. JSONL and COCO (its hull as
 * the segmentation, the vertices in boxel's key) hold it, and Scale one
 * whose back face is its front face moved (fmt-scale.c); the other
 * formats leave it out with the export warning line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/fmt-scale-map.h"
#include "boxel/fmt-yolo-map.h"
#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"
#include "boxel/raster.h"
#include "boxel/util.h"
#include "boxel/shape-math.h"

static void
describe(const struct bx_annot *an, char *buf, size_t n)
{
	double x, y, w, h;

	bx_geom_pts_bounds(an, &x, &y, &w, &h);
	snprintf(buf, n, "cuboid %.0f,%.0f %.0fx%.0f", x, y, w, h);
}

static int
check(const struct bx_annot *an, int width, int height, char *why, size_t n)
{
	if (an->npts != 8)
		return snprintf(why, n, "a cuboid has 8 vertices, not %d", an->npts), -1;
	return bx_geom_pts_check(an, "vertex", width, height, why, n);
}

/* The region is the convex hull of the 8 vertices (shape-math.h). */
static int
outline(const struct bx_pt *pts, int n, struct bx_pt *out)
{
	return bx_convex_hull(pts, n, out);
}

static void
draw(const struct bx_geom_pen *p, const struct bx_annot *an)
{
	struct bx_pt e[2];
	int i;

	if (an->npts != 8)
		return;
	bx_geom_draw_outline(p, an->pts + 4, 4, 1); /* back face first: the front covers it */
	bx_geom_draw_outline(p, an->pts, 4, 1);
	for (i = 0; i < 4; i++) {
		e[0] = an->pts[i];
		e[1] = an->pts[4 + i];
		bx_geom_draw_outline(p, e, 2, 0);
	}
}

/* From its front face (the box the corners span): the back face is the
 * front moved up and right by a third of its smaller side, kept in the
 * image; its vertices are handles to fit it to the object. */
static int
make(struct bx_annot *an, const struct bx_pt *pend, const unsigned char *vis, int n,
     struct bx_pt *p, double img_w, double img_h, char *why, size_t whyn)
{
	double d = fmin(an->w, an->h) / 3, dx, dy;
	int i;

	(void)pend, (void)vis, (void)n, (void)img_h, (void)why, (void)whyn;
	dx = fmin(d, img_w - (an->x + an->w));
	dy = -fmin(d, an->y);
	p[0] = (struct bx_pt){ an->x, an->y };
	p[1] = (struct bx_pt){ an->x + an->w, an->y };
	p[2] = (struct bx_pt){ an->x + an->w, an->y + an->h };
	p[3] = (struct bx_pt){ an->x, an->y + an->h };
	for (i = 0; i < 4; i++)
		p[4 + i] = (struct bx_pt){ round(p[i].x + dx), round(p[i].y + dy) };
	an->x = an->y = an->w = an->h = 0;
	an->pts = p;
	an->npts = 8;
	return 0;
}

static const struct bx_geom_tool tool = {
	.name = "cuboid",
	.key = 'U',
	.help = "cuboid tool: draw its front face as a box, then fit its 8 vertices",
	.place = BX_PLACE_CORNERS,
	.make = make,
};

/* Scale: its front face and the two corners of the side it shows. */
static void
scale_write(struct bx_buf *b, const struct bx_annot *an)
{
	struct bx_pt six[6];

	bx_scale_cuboid_six(an, six);
	bx_scale_put_vertices(b, six, 6, bx_scale_cuboid_names, 0);
}

static int
scale_read(const struct bx_scale_in *in, struct bx_annot *an, char *why, size_t n)
{
	struct bx_pt six[6];

	if (bx_scale_fixed_vertices(in, 6, bx_scale_cuboid_names, "a cuboid", " named by "
	    "description (face-topleft, ..., side-bottomcorner)", six, why, n) < 0)
		return -1;
	an->npts = 8;
	an->pts = bx_malloc(8 * sizeof *an->pts);
	bx_scale_cuboid_of(six, an->pts);
	return 0;
}

static const struct bx_scale_map scale_map = {
	.type = "cuboid",
	.write = scale_write,
	.read = scale_read,
	.fits = bx_scale_cuboid_fits,
	.unfit = "scale holds a cuboid as its front face and one side, so its back face must be "
	         "the front face moved",
};

/* YOLO: no line of the default export; its upright box in a detect
 * file, its hull (as COCO's segmentation) in a segment file. Not read
 * back: such a line is a polygon. */
static const struct bx_yolo_map yolo_map = {
	.tasks = BX_YOLO_IN(BX_YOLO_TASK_DETECT) | BX_YOLO_IN(BX_YOLO_TASK_SEGMENT),
	.outline = bx_yolo_outline_ring,
};
/* CVAT's <cuboid>: face 1 is boxel's front face (0-3), face 2 its back
 * (4-7); its attributes, in CVAT's order, name each face's corners tl,
 * bl, tr, br: pair i is vertex cvat_vertex[i]. CVAT names the back face's
 * corners as seen from behind: tl2/bl2 lie behind tr1/br1 and tr2/br2
 * behind tl1/bl1 (in CVAT's own exports the back face is the front one
 * moved with tl2 = tr1 + d), so tl2 is boxel's back top-right. */
static const char *const cvat_names[16] = { "xtl1", "ytl1", "xbl1", "ybl1", "xtr1", "ytr1",
	"xbr1", "ybr1", "xtl2", "ytl2", "xbl2", "ybl2", "xtr2", "ytr2", "xbr2", "ybr2" };
static const int cvat_vertex[8] = { 0, 3, 1, 2, 5, 6, 4, 7 };

static void
cvat_write(const struct bx_cvat_out *o, const struct bx_annot *an)
{
	double v[16];
	int i;

	for (i = 0; i < 8; i++) {
		v[2 * i] = an->pts[cvat_vertex[i]].x;
		v[2 * i + 1] = an->pts[cvat_vertex[i]].y;
	}
	bx_cvat_write_nums(o, "cuboid", an, cvat_names, v, 16, 0);
}

static int
cvat_read(const struct bx_xml_node *e, const struct bx_class *cls, struct bx_annot *an,
          char *why, size_t n)
{
	struct bx_pt p[8];
	int i;

	(void)cls;
	for (i = 0; i < 8; i++)
		if (bx_cvat_get_num(e, cvat_names[2 * i], &p[cvat_vertex[i]].x, why, n) < 0 ||
		    bx_cvat_get_num(e, cvat_names[2 * i + 1], &p[cvat_vertex[i]].y, why, n) < 0)
			return -1;
	an->geom = BX_GEOM_CUBOID;
	an->pts = bx_malloc(sizeof p);
	memcpy(an->pts, p, sizeof p);
	an->npts = 8;
	return 1;
}

static const struct bx_cvat_map cvat_map = { "cuboid", 0, cvat_write, cvat_read };

const struct bx_geom_kind bx_geom_cuboid = {
	.id = BX_GEOM_CUBOID,
	.name = "cuboid",
	.vertex = "vertex",
	.letter = 'u',
	.form = BX_FORM_POINTS,
	.min_pts = 8,
	.max_pts = 8,
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
	.outline = outline,
	.formats = BX_FMT_COCO | BX_FMT_SCALE | BX_FMT_CVAT,
	.scale = &scale_map,
	.yolo = &yolo_map,
	.cvat = &cvat_map,
};
