/* geom-multipolygon.c: one object of several rings (image pixels), as
 * COCO writes an object in parts (a car behind a pole): pts holds the rings
 * one after another, ring_end where each ends. The region is the union of
 * the rings (what COCOeval's masks are). One handle per vertex; its tool
 * draws ring after ring (edit.c's BX_PLACE_RINGS); consensus keeps the
 * medoid. */
#include <stdio.h>

#include "boxel/fmt-yolo-map.h"
#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"

static void
describe(const struct bx_annot *an, char *buf, size_t n)
{
	snprintf(buf, n, "multipoly %d rings %d pts @%.0f,%.0f", an->nrings, an->npts,
	         an->npts ? an->pts[0].x : 0, an->npts ? an->pts[0].y : 0);
}

/* The rings must tile pts exactly: readers and edits keep them so, and a
 * store row that does not is refused rather than drawn wrong. */
static int
check(const struct bx_annot *an, int width, int height, char *why, size_t n)
{
	int r, from = 0;

	if (an->nrings < 1 || an->ring_end == NULL)
		return snprintf(why, n, "a multipolygon needs at least one ring"), -1;
	for (r = 0; r < an->nrings; r++) {
		if (an->ring_end[r] - from < 3)
			return snprintf(why, n, "ring %d of a multipolygon needs at least 3 points", r),
			    -1;
		from = an->ring_end[r];
	}
	if (from != an->npts)
		return snprintf(why, n, "a multipolygon's rings do not hold its %d points", an->npts),
		    -1;
	return bx_geom_pts_check(an, "vertex", width, height, why, n);
}

static void
draw(const struct bx_geom_pen *p, const struct bx_annot *an)
{
	int r, from = 0;

	for (r = 0; r < an->nrings; r++) {
		bx_geom_draw_outline(p, an->pts + from, an->ring_end[r] - from, 1);
		from = an->ring_end[r];
	}
}

static const struct bx_geom_tool tool = {
	.name = "multipolygon",
	.key = 'I',
	.help = "multipolygon tool: an object in parts, ring after ring (Enter or back on "
	        "the first vertex closes a ring; Enter again finishes)",
	.place = BX_PLACE_RINGS,
};

/* YOLO: its upright box (all parts) in a detect file; no other task: a
 * YOLO line is one ring, and one line per part would make the parts
 * objects of their own. */
static const struct bx_yolo_map yolo_map = {
	.tasks = BX_YOLO_IN(BX_YOLO_TASK_DETECT),
};
/* CVAT has no object in parts: one <polygon> per ring, sharing a
 * group_id; the reader joins such a group back (grouped). */
static void
cvat_write(const struct bx_cvat_out *o, const struct bx_annot *an)
{
	struct bx_annot ring = *an;
	int r, from = 0, group = (*o->next_group)++;

	ring.nrings = 0;
	ring.ring_end = NULL;
	for (r = 0; r < an->nrings; r++) {
		ring.pts = an->pts + from;
		ring.npts = an->ring_end[r] - from;
		bx_cvat_write_points(o, "polygon", &ring, group);
		from = an->ring_end[r];
	}
}

static const struct bx_cvat_map cvat_map = { "polygon", 1, cvat_write, NULL };

const struct bx_geom_kind bx_geom_multipolygon = {
	.id = BX_GEOM_MULTIPOLYGON,
	.name = "multipolygon",
	.vertex = "vertex",
	.letter = 'm',
	.form = BX_FORM_RINGS,
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
	/* COCO's segmentation is a list of polygons; the others have one ring
	 * an object */
	.formats = BX_FMT_COCO | BX_FMT_CVAT,
	.yolo = &yolo_map,
	.cvat = &cvat_map,
};
