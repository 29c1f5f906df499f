/* geom-skeleton.c: a keypoint skeleton, COCO's keypoints: the points its
 * class names (taxonomy "keypoints"), each with COCO's visibility v (0
 * not labeled, kept at 0, 0; 1 occluded; 2 visible), joined by the class's
 * edges when drawn. JSON "skeleton": [[x, y, v], ...]. Image pixels.
 *
 * Drawn by its tool one named point after another (the status line names
 * the next; a point may be skipped, v = 0, or placed occluded, v = 1);
 * each point is a handle, and moving one that was not labeled labels it.
 * Compared by COCO's object keypoint similarity (quality.c, bx_oks), so
 * it only matches skeletons. Consensus: per point, the mean of the
 * members' visible points (else of their occluded ones). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"
#include "boxel/raster.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"

static int
labeled(const struct bx_annot *an, int i)
{
	return an->vis == NULL || an->vis[i] > 0;
}

static void
bounds(const struct bx_annot *an, double *x, double *y, double *w, double *h)
{
	double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
	int i;

	for (i = 0; i < an->npts; i++) {
		if (!labeled(an, i))
			continue;
		x0 = fmin(x0, an->pts[i].x);
		y0 = fmin(y0, an->pts[i].y);
		x1 = fmax(x1, an->pts[i].x);
		y1 = fmax(y1, an->pts[i].y);
	}
	if (x0 > x1) {
		*x = *y = *w = *h = 0;
		return;
	}
	*x = x0, *y = y0, *w = x1 - x0, *h = y1 - y0;
}

static void
describe(const struct bx_annot *an, char *buf, size_t n)
{
	int i, k = 0;

	for (i = 0; i < an->npts; i++)
		k += labeled(an, i);
	snprintf(buf, n, "skeleton %d/%d points", k, an->npts);
}

static int
check(const struct bx_annot *an, int width, int height, char *why, size_t n)
{
	int i;

	for (i = 0; an->vis != NULL && i < an->npts; i++)
		if (an->vis[i] > 2)
			return snprintf(why, n, "point %d: visibility %d is not 0, 1 or 2", i + 1,
			                an->vis[i]), -1;
	for (i = 0; i < an->npts; i++)
		if (labeled(an, i) && (an->pts[i].x < -0.01 || an->pts[i].y < -0.01 ||
		    an->pts[i].x > width + 0.01 || an->pts[i].y > height + 0.01))
			return snprintf(why, n, "point %d (%g, %g) is outside the %dx%d image", i + 1,
			                an->pts[i].x, an->pts[i].y, width, height), -1;
	return 0;
}

/* Moves the labeled points; those not labeled stay at 0, 0. */
static void
translate(struct bx_annot *an, double dx, double dy)
{
	int i;

	for (i = 0; i < an->npts; i++)
		if (labeled(an, i)) {
			an->pts[i].x += dx;
			an->pts[i].y += dy;
		}
}

/* A point not labeled is moved from the crosshair's start, not from 0, 0:
 * grabbing it labels it visible where it is taken to. */
static void
move_handle(struct bx_annot *an, int h, double dx, double dy, double img_w, double img_h)
{
	bx_geom_pts_move(an, h, dx, dy, img_w, img_h);
	if (an->vis != NULL && h >= 0 && h < an->npts && an->vis[h] == 0)
		an->vis[h] = 2;
}

static void
draw(const struct bx_geom_pen *p, const struct bx_annot *an)
{
	struct bx_pt e[2];
	double x, y;
	int i, a, b;

	for (i = 0; i < p->nedges && p->edges != NULL; i++) {
		a = p->edges[2 * i];
		b = p->edges[2 * i + 1];
		if (a < 0 || b < 0 || a >= an->npts || b >= an->npts || !labeled(an, a) ||
		    !labeled(an, b))
			continue;
		e[0] = an->pts[a];
		e[1] = an->pts[b];
		bx_geom_draw_outline(p, e, 2, 0);
	}
	for (i = 0; i < an->npts; i++) {
		if (!labeled(an, i))
			continue;
		x = p->to_x(p->ctx, an->pts[i].x);
		y = p->to_y(p->ctx, an->pts[i].y);
		if (p->style == BX_PEN_GOLD || (an->vis != NULL && an->vis[i] == 1)) {
			/* occluded (and gold): a hollow square */
			bx_raster_rect(p->r, x - 2, y - 2, x + 2, y + 2, p->color, 0);
			continue;
		}
		bx_raster_fill_rect(p->r, x - 2, y - 2, x + 2, y + 2, p->halo);
		bx_raster_fill_rect(p->r, x - 1, y - 1, x + 1, y + 1, p->color);
	}
}

static void
average(struct bx_annot *out, const struct bx_annot *const *m, int n)
{
	double sx, sy;
	int i, j, v, k;

	if (out->vis == NULL)
		return;
	for (i = 0; i < out->npts; i++) {
		for (v = 2; v >= 1; v--) {
			sx = sy = 0;
			k = 0;
			for (j = 0; j < n; j++)
				if (m[j]->npts == out->npts && m[j]->vis != NULL && m[j]->vis[i] == v) {
					sx += m[j]->pts[i].x;
					sy += m[j]->pts[i].y;
					k++;
				}
			if (k > 0)
				break;
		}
		if (k > 0) {
			out->pts[i].x = sx / k;
			out->pts[i].y = sy / k;
			out->vis[i] = (unsigned char)v;
		} else {
			out->pts[i].x = out->pts[i].y = 0;
			out->vis[i] = 0;
		}
	}
}

/* The places are the points, in the class's order (edit.c counts them). */
static int
make(struct bx_annot *an, const struct bx_pt *pend, const unsigned char *vis, int n,
     struct bx_pt *buf, double img_w, double img_h, char *why, size_t whyn)
{
	int i, k = 0;

	(void)buf, (void)img_w, (void)img_h;
	for (i = 0; i < n; i++)
		k += vis[i] > 0;
	if (k == 0)
		return snprintf(why, whyn, "no point of the skeleton was placed: nothing added"), -1;
	an->pts = (struct bx_pt *)pend;
	an->vis = (unsigned char *)vis;
	an->npts = n;
	return 0;
}

static void
status(int n, int want, const char *next, char *buf, size_t len)
{
	if (next != NULL)
		snprintf(buf, len, "skeleton %d/%d: %s next", n, want, next);
	else
		snprintf(buf, len, "skeleton %d/%d", n, want);
}

static const struct bx_geom_tool tool = {
	.name = "skeleton",
	.key = 'S',
	.help = "skeleton tool: place the class's named points in order (N skips one, F: occluded)",
	.place = BX_PLACE_COUNT,
	.npts = 0,
	.make = make,
	.status = status,
};

/* CVAT's <skeleton>: a <points> child per point, labeled with the
 * class's point name; COCO's v 0 is outside="1" (at 0, 0), 1 occluded. */
static void
cvat_write(const struct bx_cvat_out *o, const struct bx_annot *an)
{
	char num[16];
	int i;

	bx_cvat_open(o, 2, "skeleton", an->cls, 0, 0);
	bx_cvat_body(o, an, 1);
	for (i = 0; i < an->npts; i++) {
		snprintf(num, sizeof num, "%d", i + 1);
		bx_cvat_open(o, 3, "points", o->cls != NULL && i < o->cls->nkpts ?
		    o->cls->kpt_names[i] : num, 0, 0);
		bx_cvat_attr_put(o, "outside", an->vis[i] == 0 ? "1" : "0");
		bx_cvat_attr_put(o, "occluded", an->vis[i] == 1 ? "1" : "0");
		bx_cvat_points(o, &an->pts[i], 1);
		bx_buf_puts(o->b, " z_order=\"0\">\n");
		bx_cvat_end(o, 3, "points");
	}
	bx_cvat_end(o, 2, "skeleton");
}

static int
cvat_read(const struct bx_xml_node *e, const struct bx_class *cls, struct bx_annot *an,
          char *why, size_t n)
{
	const struct bx_xml_node *k;
	const char *name, *flag;
	struct bx_pt *p;
	int i, j, np;

	if (cls == NULL || cls->nkpts == 0)
		return snprintf(why, n, "a skeleton of '%.60s', which the taxonomy does not name "
		    "points of", an->cls), -1;
	an->geom = BX_GEOM_SKELETON;
	an->npts = cls->nkpts;
	an->pts = bx_calloc((size_t)an->npts, sizeof *an->pts);
	an->vis = bx_calloc((size_t)an->npts, 1);
	for (i = 0; i < e->nkids; i++) {
		k = e->kids[i];
		if (strcmp(k->name, "attribute") == 0)
			continue;
		name = bx_xml_attr(k, "label");
		for (j = 0; name != NULL && j < cls->nkpts; j++)
			if (strcmp(cls->kpt_names[j], name) == 0)
				break;
		if (strcmp(k->name, "points") != 0 || name == NULL || j == cls->nkpts)
			return snprintf(why, n, "line %d: <%.20s label=\"%.40s\"> is not a point '%.40s' "
			    "names", k->line, k->name, name ? name : "", an->cls), -1;
		if (bx_cvat_get_points(k, &p, &np, why, n) < 0)
			return -1;
		if (np != 1) {
			free(p);
			return snprintf(why, n, "line %d: a skeleton's point is one x,y", k->line), -1;
		}
		flag = bx_xml_attr(k, "outside");
		if (flag != NULL && strcmp(flag, "1") == 0) {
			free(p);
			continue;   /* not labeled: v 0 at 0, 0 */
		}
		an->pts[j] = p[0];
		flag = bx_xml_attr(k, "occluded");
		an->vis[j] = flag != NULL && strcmp(flag, "1") == 0 ? 1 : 2;
		free(p);
	}
	return 1;
}

static const struct bx_cvat_map cvat_map = { "skeleton", 0, cvat_write, cvat_read };

const struct bx_geom_kind bx_geom_skeleton = {
	.id = BX_GEOM_SKELETON,
	.name = "skeleton",
	.vertex = "keypoint",
	.letter = 'k',
	.form = BX_FORM_KPTS,
	.min_pts = 1,
	.family = BX_FAM_KPTS,
	.tools = { &tool },
	.describe = describe,
	.check = check,
	.bounds = bounds,
	.translate = translate,
	.clip = bx_geom_pts_clip,
	.nhandles = bx_geom_pts_nhandles,
	.handle_pos = bx_geom_pts_handle_pos,
	.move_handle = move_handle,
	.draw = draw,
	.average = average,
	.formats = BX_FMT_COCO | BX_FMT_CVAT,
	.cvat = &cvat_map,
};
