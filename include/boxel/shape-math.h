/* shape-math.h: overlap and similarity of the shapes beyond boxes and
 * polygons - rotated boxes, ellipses, keypoint skeletons, polylines and
 * projected cuboids. Image pixels (doubles, origin top-left, y down). Pure:
 * no I/O, no globals (the polyline and hull functions allocate scratch).
 *
 * Angles are degrees, clockwise on screen: with y pointing down, a positive
 * angle turns the shape's +x axis towards +y, which is what the eye sees as
 * clockwise. It is the standard rotation matrix applied to image
 * coordinates, so shapely.affinity.rotate(g, angle, origin=centre),
 * OpenCV's RotatedRect and DOTA/YOLO-OBB corner lists agree with it.
 *
 * Every function returns a number, never NaN: non-finite input gives 0 (no
 * overlap, no similarity), as bx_box_iou does. */
#ifndef BOXEL_SHAPE_MATH_H
#define BOXEL_SHAPE_MATH_H

#include "boxel/annot.h"

/* Rotated rectangle: centre, full width and height (a negative size is read
 * as its absolute value), angle as above (the box's width runs along its
 * rotated x axis). */
struct bx_rbox {
	double cx, cy, w, h, angle;
};

/* Corners in drawing order: the unrotated box's top-left, top-right,
 * bottom-right, bottom-left, each turned about the centre - clockwise on
 * screen. */
void bx_rbox_corners(const struct bx_rbox *r, struct bx_pt corners_out[4]);

/* Exact IoU of two rotated rectangles: one rectangle clipped by the other's
 * four half-planes (both convex, so the clip is their intersection), areas
 * by the shoelace formula. Exact up to floating-point rounding (agrees with
 * shapely to 1e-12 in tests/cross). Two zero-area boxes: 1 if the same
 * corners, else 0. */
double bx_rbox_iou(const struct bx_rbox *a, const struct bx_rbox *b);

/* Rotated ellipse: centre, semi-axes (rx along the rotated x axis; negative
 * read as absolute), angle as above. */
struct bx_ellipse {
	double cx, cy, rx, ry, angle;
};

/* IoU of two ellipses with the exact intersection area, by Green's theorem:
 * the intersection's boundary is made of arcs of each ellipse that lie
 * inside the other, and the area enclosed by an elliptic arc has a closed
 * form, so area = sum over those arcs of (x dy - y dx) / 2.
 *
 * The arcs' ends are where one boundary crosses the other. Along ellipse A,
 * t -> f_B(A(t)) - 1 (f_B is B's quadratic form) is a trigonometric
 * polynomial of degree 2; its sign changes are located by subdividing
 * [0, 2 pi) with bounds on it and its first two derivatives, so an interval
 * is either proven root-free, proven to hold one sign change (bisected to
 * machine precision), or split - no crossing is missed, however close two
 * crossings are. The crossings found along A also end B's arcs, so the
 * arcs always close; crossings closer than 1e-7 of the larger semi-axis
 * (what rounding makes of a tangency) count as one. Error bound: floating-point rounding only (crossing
 * angles to ~1e-15 rad, IoU to ~1e-12). tests/cross checks it lies between
 * the IoUs of inscribed and circumscribed 4096-gons (shapely; a bracket at
 * most 1.2e-6 wide) and within 1e-6 of the inscribed one's (measured:
 * 8e-8). Identical ellipses (also under other parameters: angle + 180,
 * axes swapped with angle + 90, circles at any angle) give 1, disjoint 0,
 * one inside the other the area ratio. Zero-area ellipses: 1 if the same
 * parameters, else 0. */
double bx_ellipse_iou(const struct bx_ellipse *a, const struct bx_ellipse *b);

/* Area of an ellipse, pi * rx * ry. */
double bx_ellipse_area(const struct bx_ellipse *e);

/* One keypoint. v is COCO's visibility flag: 0 not labeled, 1 labeled but
 * not visible (occluded), 2 labeled and visible. */
struct bx_kpt {
	double x, y;
	int v;
};

/* COCO object keypoint similarity, as pycocotools' COCOeval.computeOks:
 *   OKS = sum over gt points with v > 0 of exp(-d^2 / (2 s^2 k^2)) / count
 * with d the distance from the detected to the gold point, s^2 the gold
 * object's area (plus DBL_EPSILON, as COCO adds np.spacing(1)) and
 * k = 2 sigma for that point. The detected points' v is not used. When no
 * gold point is labeled, COCO measures each detected point's distance to
 * the gold bbox enlarged by its size on every side (x - w .. x + 2w,
 * y - h .. y + 2h) and averages over all n points; gt_bbox (x, y, w, h) is
 * needed for that case - NULL then gives 0. A detected point with
 * non-finite coordinates, or a sigma that is not > 0, contributes 0.
 * n <= 0 gives 0. */
double bx_oks(const struct bx_kpt *gt, const struct bx_kpt *dt, const double *sigmas, int n,
              double area, const double *gt_bbox);

/* An open polyline: npts vertices joined in order (not closed). */
struct bx_polyline {
	const struct bx_pt *pts;
	int npts;
};

/* Symmetric mean distance between two polylines, in pixels:
 *   D(A, B) = mean over the length of A of the distance to the nearest point
 *             of B (an integral along A divided by A's length),
 *   D = (D(A, B) + D(B, A)) / 2.
 * It does not care about direction or how the lines are split into
 * vertices, and a line that stops short or runs on is charged for the part
 * that has no counterpart. A line of zero length (one vertex, or all
 * vertices equal) is that point. Computed exactly (closed-form integrals
 * between the points where the nearest segment of the other line changes;
 * see shape-math.c). Only lines past a work budget (thousands of vertices
 * each, or hundreds scribbled over one small area: about 0.25 s of work
 * each way) get the midpoint rule instead, at 5e6 / m points for m
 * segments of the other line: off by at most a quarter of the step,
 * bounded in time. Returns -1 if either line has no vertex or a non-finite
 * one. */
double bx_polyline_mean_distance(const struct bx_polyline *a, const struct bx_polyline *b);

/* Polyline similarity in [0, 1]: 1 - D / thickness, floored at 0 - two
 * lines as far apart on average as the thickness the taxonomy gives the
 * class score 0, identical lines 1. (The same shape as bx_point_sim's
 * 1 - d / radius.) thickness <= 0 accepts only D == 0. Invalid lines: 0. */
double bx_polyline_similarity(const struct bx_polyline *a, const struct bx_polyline *b,
                              double thickness);

/* A projected cuboid: its 8 vertices in image pixels (Scale and CVAT draw
 * the front face's 4 then the back face's 4; the order does not matter
 * here). */
struct bx_cuboid {
	struct bx_pt v[8];
};

/* Convex hull of n points (Andrew's monotone chain), counter-clockwise in
 * a y-up frame (positive bx_ring_signed_area), collinear points dropped.
 * hull_out needs room for n points; returns the hull's vertex count (0 for
 * n <= 0 or a non-finite point, 1 or 2 for degenerate input). */
int bx_convex_hull(const struct bx_pt *pts, int n, struct bx_pt *hull_out);

/* IoU of the convex hulls of two cuboids' vertices (hull, then convex
 * clipping as bx_rbox_iou). Two zero-area hulls: 1 if the same hull, else 0. */
double bx_cuboid_hull_iou(const struct bx_cuboid *a, const struct bx_cuboid *b);

#endif
