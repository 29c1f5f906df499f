/* assist-box.c: the box of the region at the crosshair (B). The magic
 * wand's region gives a first box; that box then gets the same tighten a
 * rough box drawn by hand gets. The wand's box alone is short where the
 * object's color drifts past the tolerance near its border (a shaded
 * side, an anti-aliased rim) and long where a halo of near colors joins
 * the region: on the sample photos it was 1-8 px off on some edge of 5 of
 * the 8 objects at the tolerance that found them. Pure, see assist.h. */
#include <math.h>
#include <stdlib.h>

#include "boxel/assist.h"
#include "boxel/geometry.h"
#include "boxel/util.h"

/* An edge of tighten's box inside the wand's box by more than this is not
 * taken: the wand's region is pixels of the seed's colors connected to it,
 * so it lies on the object save a halo of near colors along a blurred
 * border, about the width refine_edge looks within (assist-tighten.c);
 * further in, tighten has cut off what the fill found attached (a rocket's
 * narrow nose tip, which tighten's 3x3 majority erodes: 4 px). */
#define HALO_PX 3

/* Tighten's box is taken only while it overlaps the wand's this much:
 * tighten is made for a box off by about a tenth of the object per edge,
 * so a result far from the wand's box means they saw different objects
 * (a patch inside the object, the object around it), and the region the
 * annotator pointed at wins. */
#define BOX_AGREE_IOU 0.5

void
bx_assist_pts_bounds(const struct bx_pt *pts, int n, double box_out[4])
{
	double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
	int i;

	for (i = 0; i < n; i++) {
		x0 = fmin(x0, pts[i].x);
		y0 = fmin(y0, pts[i].y);
		x1 = fmax(x1, pts[i].x);
		y1 = fmax(y1, pts[i].y);
	}
	if (n <= 0)
		x0 = y0 = x1 = y1 = 0;
	box_out[0] = x0;
	box_out[1] = y0;
	box_out[2] = x1 - x0;
	box_out[3] = y1 - y0;
}

int
bx_assist_region_box(const struct bx_assist_region *reg, struct bx_pt seed, double tolerance,
                     double box_out[4], unsigned *found_out, struct bx_err *err)
{
	struct bx_pt *pts = NULL;
	double b[4], t[4];
	struct bx_err terr;
	unsigned found = 0;
	int n = 0, i, rc;

	if (found_out)
		*found_out = 0;
	rc = bx_assist_wand(reg, seed, tolerance, 0, &pts, &n, err);
	if (rc < 0)
		return rc;
	bx_assist_pts_bounds(pts, n, b);
	free(pts);
	for (i = 0; i < 4; i++)
		box_out[i] = b[i];
	/* The wand's region is wider than tighten's search area around any
	 * region the fill could close; where it ends inside that area (the
	 * image's border), tighten takes its end as the object's, as it does
	 * for a box drawn there. */
	if (bx_assist_tighten(reg, b, t, &found, &terr) == 0 &&
	    bx_box_iou(t[0], t[1], t[2], t[3], b[0], b[1], b[2], b[3]) >= BOX_AGREE_IOU) {
		double x0 = t[0], y0 = t[1], x1 = t[0] + t[2], y1 = t[1] + t[3];

		if (x0 > b[0] + HALO_PX)
			x0 = b[0];
		if (y0 > b[1] + HALO_PX)
			y0 = b[1];
		if (x1 < b[0] + b[2] - HALO_PX)
			x1 = b[0] + b[2];
		if (y1 < b[1] + b[3] - HALO_PX)
			y1 = b[1] + b[3];
		box_out[0] = x0;
		box_out[1] = y0;
		box_out[2] = x1 - x0;
		box_out[3] = y1 - y0;
		if (found_out)
			*found_out = found;
	}
	return 0;
}
