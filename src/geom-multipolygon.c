/* geom-multipolygon.c: one object of several rings (image pixels), as
 * COCO writes an object in parts (a car behind a pole): pts holds the rings
 * one after another, ring_end where each ends. The region is the union of
 * the rings (what COCOeval's masks are). One handle per vertex; its tool
 * draws ring after ring (edit.c's BX_PLACE_RINGS); consensus keeps the
 * medoid. */
#include <stdio.h>
#include <stdlib.h>

#include "boxel/fmt-yolo-map.h"
#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"
#include "boxel/util.h"

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

/* YOLO: its upright box (all parts) in a detect file. A segment line is
 * one polygon an object, so the rings are joined into one, as Ultralytics'
 * own COCO converter joins an object in parts: each ring is linked to the
 * next by the shortest segment between their vertices, and the line runs
 * out along the links and back, every link twice (a cut of no width). The
 * line goes once round ring 0 from its link out, into each middle ring
 * and along it to its link to the next, once round the last ring, then
 * back through the rest of each middle ring to where it came in, and home
 * to ring 0 (the line's closing edge). No other task: the default export's
 * polygon lines read back as polygons, and the joined line would come
 * back as one polygon with its cuts. */
static int
ring_start(const struct bx_annot *an, int r)
{
	return r == 0 ? 0 : an->ring_end[r - 1];
}

static int
ring_len(const struct bx_annot *an, int r)
{
	return an->ring_end[r] - ring_start(an, r);
}

static void
nearest(const struct bx_pt *a, int na, const struct bx_pt *b, int nb, int *ia, int *ib)
{
	double best = -1, dx, dy, d;
	int i, j;

	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++) {
			dx = a[i].x - b[j].x;
			dy = a[i].y - b[j].y;
			d = dx * dx + dy * dy;
			if (best < 0 || d < best) {
				best = d;
				*ia = i;
				*ib = j;
			}
		}
}

/* Append the vertices of ring (n vertices) from index from, count of
 * them, going round; returns the new length. */
static int
walk(struct bx_pt *out, int len, const struct bx_pt *ring, int n, int from, int count)
{
	int k;

	for (k = 0; k < count; k++)
		out[len++] = ring[(from + k) % n];
	return len;
}

static int
yolo_outline(const struct bx_annot *an, struct bx_pt *buf, const struct bx_pt **pts)
{
	int r, nr = an->nrings, len = 0, n, steps, *in, *out;
	const struct bx_pt *ring;

	*pts = an->pts;
	if (nr <= 1)
		return an->npts;
	/* in[r], out[r]: where the line comes into ring r and leaves it for
	 * ring r + 1, as indices into the ring */
	in = bx_malloc(sizeof *in * 2 * (size_t)nr);
	out = in + nr;
	in[0] = out[nr - 1] = 0;
	for (r = 1; r < nr; r++)
		nearest(an->pts + ring_start(an, r - 1), ring_len(an, r - 1),
		    an->pts + ring_start(an, r), ring_len(an, r), &out[r - 1], &in[r]);
	*pts = buf;
	for (r = 0; r < nr; r++) {
		ring = an->pts + ring_start(an, r);
		n = ring_len(an, r);
		if (r == 0)
			len = walk(buf, len, ring, n, out[0], n + 1);   /* round, back out */
		else if (r == nr - 1)
			len = walk(buf, len, ring, n, in[r], n + 1);    /* round, back in */
		else
			len = walk(buf, len, ring, n, in[r], (out[r] - in[r] + n) % n + 1);
	}
	for (r = nr - 2; r >= 1; r--) {
		/* the rest of a middle ring, back to where the line came in */
		ring = an->pts + ring_start(an, r);
		n = ring_len(an, r);
		steps = (out[r] - in[r] + n) % n;
		len = walk(buf, len, ring, n, out[r], n - steps + 1);
	}
	free(in);
	return len;
}

static const struct bx_yolo_map yolo_map = {
	.tasks = BX_YOLO_IN(BX_YOLO_TASK_DETECT) | BX_YOLO_IN(BX_YOLO_TASK_SEGMENT),
	.poly = 1,
	.outline = yolo_outline,
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
	.clip = bx_geom_pts_clip,
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
