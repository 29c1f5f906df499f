/* geometry.h: exact areas and overlaps of boxes, polygons and points, in
 * image pixels (doubles, origin top-left). Pure: no I/O, no globals.
 *
 * A shape is one or more rings (closed vertex lists, the last vertex joined
 * to the first). Its region is the union of its rings' regions, and a ring's
 * region is its even-odd fill: for a simple ring (convex or concave) that is
 * its interior; a self-intersecting ring (a bow-tie) counts the parts covered
 * an odd number of times. Repeated vertices and collinear runs change
 * nothing. A ring with fewer than 3 vertices, or with all vertices on one
 * line, has area 0. Non-finite coordinates make a shape empty (area 0).
 *
 * Areas come from one sweep over vertical slabs bounded by every vertex and
 * edge crossing: inside a slab no edges cross, so the covered length is
 * linear in x and the slab's area is its width times the length at mid-slab.
 * Results are exact up to floating-point rounding, never NaN. Only shapes
 * with thousands of mutually crossing edges (hostile input) exceed the work
 * budget; they get evenly spaced slabs (the midpoint rule): approximate,
 * bounded in time. */
#ifndef BOXEL_GEOMETRY_H
#define BOXEL_GEOMETRY_H

#include "boxel/annot.h"

struct bx_shape {
	const struct bx_pt *pts; /* all rings' vertices, one after another */
	int npts;
	const int *ring_end;     /* ring r is pts[ring_end[r-1] .. ring_end[r]); NULL: one ring */
	int nrings;
};

/* Scratch buffers reused across calls so steady-state calls do not
 * allocate. One per thread. */
struct bx_geom_ws;
struct bx_geom_ws *bx_geom_ws_new(void);
void bx_geom_ws_free(struct bx_geom_ws *ws);

/* Signed shoelace area of one ring (positive counter-clockwise in a y-up
 * frame, i.e. clockwise on screen). Exact only for simple rings. */
double bx_ring_signed_area(const struct bx_pt *pts, int n);

/* Area of a shape's region (see above). */
double bx_shape_area(struct bx_geom_ws *ws, const struct bx_shape *s);
/* Area of the intersection of two shapes' regions. */
double bx_shape_inter_area(struct bx_geom_ws *ws, const struct bx_shape *a,
                           const struct bx_shape *b);

/* Intersection over union given the intersection and both areas: 0 when the
 * union is empty (callers decide identical degenerate shapes), clamped to
 * [0, 1], never NaN. */
double bx_iou_from_areas(double inter, double area_a, double area_b);

/* Box IoU: boxes are x, y, w, h; a negative w or h is read as the box
 * spanning the other way. Two zero-area boxes have IoU 1 if identical, else 0. */
double bx_box_iou(double ax, double ay, double aw, double ah,
                  double bx, double by, double bw, double bh);

/* Polygon (or multi-ring shape) IoU. Two zero-area shapes: 1 if they have
 * the same vertices in the same order, else 0. */
double bx_shape_iou(struct bx_geom_ws *ws, const struct bx_shape *a, const struct bx_shape *b);

/* The four corners of a box as a ring (for comparing a box with a polygon). */
void bx_box_ring(double x, double y, double w, double h, struct bx_pt corners_out[4]);

/* Points: similarity 1 - d / radius for distance d <= radius (a match),
 * -1 beyond (no match). radius <= 0 accepts only d == 0 (similarity 1). */
double bx_point_sim(struct bx_pt a, struct bx_pt b, double radius);

#endif
