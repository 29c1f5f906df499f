/* assist.h: annotator assists that turn a rough shape into an exact one:
 * tighten a box, snap an extreme click to the object's boundary, grow a
 * polygon from a seed (magic wand). Pure: each takes a full-resolution
 * region of the image and returns a shape; no I/O, no clock, no globals. The
 * view decodes the region (bx_assist_tighten_region says which).
 *
 * Coordinates are image pixels as doubles, origin top-left; a pixel (i, j)
 * covers [i, i+1) x [j, j+1), so boxes and polygons returned here have their
 * edges on pixel corners (integers). The region's pixel (0, 0) is image pixel
 * (rx, ry). Colors are compared as Euclidean distances in RGB (0..442). */
#ifndef BOXEL_ASSIST_H
#define BOXEL_ASSIST_H

#include <stddef.h>

#include "boxel/annot.h"
#include "boxel/err.h"
#include "boxel/raster.h"

/* Largest region accepted (BX_ELIMIT beyond): 8192 x 8192. */
#define BX_ASSIST_MAX_PIXELS (8192L * 8192L)

struct bx_assist_region {
	const struct bx_raster *r; /* borrowed for the call */
	int rx, ry;                /* image pixel of r's pixel (0, 0) */
};

/* 0 for a usable region; BX_EINVAL when it has no pixels, BX_ELIMIT when
 * it is over BX_ASSIST_MAX_PIXELS. Every assist checks this first. */
int bx_assist_region_ok(const struct bx_assist_region *reg, struct bx_err *err);

/* A box's sides, also the side an extreme click is on. */
enum bx_side {
	BX_SIDE_LEFT = 0,
	BX_SIDE_TOP = 1,
	BX_SIDE_RIGHT = 2,
	BX_SIDE_BOTTOM = 3,
};
#define BX_SIDE_BIT(s) (1u << (s))
#define BX_SIDES_ALL 15u

const char *bx_side_name(enum bx_side s); /* "left", "top", "right", "bottom" */

/* "left and bottom edges" style list of the sides missing from found (a set
 * of BX_SIDE_BIT), for "could not find the boundary on the ..." messages.
 * Writes "" when none is missing. */
void bx_assist_missing_sides(unsigned found, char *buf, size_t n);

/* ---- Tighten ----
 *
 * The rough box's edges may each be off by about 10% of the object's size,
 * inward or outward. Method:
 * - The background is a small color palette (k-means, at most 8 colors)
 *   learned from a band of the region just outside the search area (the box
 *   grown by 15% + 2 px per side); textured and gradient backgrounds and a
 *   neighbour reaching under the band become palette colors.
 * - A side whose band looks like the box's middle is the object running on
 *   past the search area: it is left out of the background, and that edge
 *   comes out missing. Looking like the middle on two opposite sides means
 *   no object ends near the box.
 * - The object's palette comes from the box's middle (its central 40%), from
 *   the pixels there the background does not explain.
 * - A pixel of the search area is object when it is nearer the object's
 *   palette than the background's, or clearly not background (3x farther
 *   from its palette than the band's own pixels stray: a head or wheels the
 *   middle never saw). A 3x3 majority pass (4 of 9) removes isolated noise
 *   without eroding 3-pixel-wide objects.
 * - On boxes of 20 px and more both ways the object mask is opened with a
 *   5 px square, so a thin structure touching the object (a wire, a strap)
 *   does not carry the extent out along it.
 * - The object pixels connected (4-neighbours) to the middle are the object;
 *   their extent is the tight box.
 * - Each edge found moves onto the object's outermost strong step within
 *   3 px (per line the outermost step >= half the window's strongest whose
 *   inner pixel is not background and outer one more like it, confirmed by
 *   a neighbouring line within 1 px): a blurred edge's glow or soft shadow
 *   is not the object.
 * An edge is found when the object stops short of the search area there (or
 * at the region's border, which the view clamps to the image). An edge the
 * object leaks across falls back to the strongest step in the mean color
 * profile across that edge within the rough box's error of it (12% of the
 * box + 2 px), if one stands out (>= 12, >= twice the median).
 * Edges not found keep the rough box's position.
 *
 * Cost: O(search area pixels x palette sizes (<= 16)) time, one byte and
 * one int per search area pixel; palettes learn from at most 4096 samples
 * (about 2 ms for a 100 px object, 0.2 s for a 1200x900 one). */

/* The region a view should decode for tightening box (x, y, w, h): the box
 * grown by 25% + 8 px on each side, clamped to the image img_w x img_h.
 * rect_out is x, y, w, h (integers). A smaller region still works but leaves
 * less background to learn from. */
void bx_assist_tighten_region(const double box[4], int img_w, int img_h, int rect_out[4]);

/* box and box_out are x, y, w, h in image pixels (box_out may alias box).
 * Returns 0 when at least one edge was found, with *found_out the set of
 * found sides; BX_ENOENT (box_out = box rounded, *found_out = 0) when no
 * object stands out from the background in the box's middle or no edge was
 * found; BX_EINVAL for a non-finite or empty box or one outside the region.
 * found_out may be NULL. */
int bx_assist_tighten(const struct bx_assist_region *reg, const double box[4],
                      double box_out[4], unsigned *found_out, struct bx_err *err);

/* ---- Extreme clicking (Papadopoulos et al., ICCV 2017) ----
 *
 * The annotator clicks near the object's left-, top-, right- or bottom-most
 * point. Snap works along lines across that side (rows for left/right,
 * columns for top/bottom):
 * - The background is learned from a strip just beyond the radius on the
 *   outer side of the click.
 * - On each line within radius, the strong color step nearest the click
 *   whose inner pixel is not background and whose outer pixel is more like
 *   it ("strong": at least half the strongest such step in the window and
 *   at least 16). A step inside a checkered background has background on
 *   both sides and does not count. When no step passes that test (an object
 *   close to the strip's color, as on a gradient) plain strong steps count.
 * - Take the step nearest the click, then slide along the boundary
 *   (neighbouring lines whose step is within 2 px) while it moves further
 *   out, which reaches the extreme even when the click was a little off;
 *   on a flat extreme (a rectangle's side) keep the line nearest the click.
 * The snapped point lies on the boundary's pixel-corner line (left: the left
 * edge of the object's outermost pixel) at the middle of that pixel along
 * the side. Cost: O(radius^2). */

/* For a point placed at pixel corner *p (a crosshair) on side's extreme of
 * an image img_w x img_h: rect_out (x, y, w, h) is the region to decode for
 * snapping within radius (p +- radius + 4 px, clamped to the image; empty
 * when p is off the image), and *p moves half a pixel to the centre of the
 * pixel it touches on the inside of that side, the point to snap from. */
void bx_assist_snap_region(enum bx_side side, struct bx_pt *p, double radius, int img_w,
                           int img_h, int rect_out[4]);
/* Returns 0 and *out = the snapped point; BX_ENOENT (*out = p) when no strong
 * step lies within radius; BX_EINVAL for non-finite input, radius < 1 or p
 * outside the region. */
int bx_assist_snap_extreme(const struct bx_assist_region *reg, enum bx_side side,
                           struct bx_pt p, double radius, struct bx_pt *out,
                           struct bx_err *err);

/* The reach for snapping the extreme click on side again once all four
 * (indexed by side) are placed, at most reach (the one it was first snapped
 * within): the larger of a quarter of the smaller side of their box (at
 * least 2 px; a reach of a few screen cells spans a small object and the
 * edge of what it lies on, an emblem on a rocket's fairing) and what the
 * click can be off by on a screen of sc cells per image pixel, 1.5 times
 * that plus a pixel (it lands within half a cell of its aim across a left
 * or right boundary, within a row, two half-block pixels, across a top or
 * bottom one: 3-7 px at fit zoom on a photo, more than a small object's
 * quarter). */
double bx_assist_extreme_reach(const struct bx_pt clicks[4], enum bx_side side, double sc,
                               double reach);

/* Whether to zoom in after an object's first two extreme points (left,
 * top; placed on a screen of sc cells per image pixel whose image pane is
 * pw cells by ph rows, a row two pixels tall) so the other two are placed
 * more precisely: the object they outline (twice their offsets wide and
 * tall, grown by what a click can be off by) is under EXTREME_ZOOM_COLS
 * cells wide or EXTREME_ZOOM_ROWS rows tall, and filling 70% of the pane
 * zooms in at least twice. The zoom is at most 4 times sc (the view still
 * spans a quarter of the old one: the outline is a guess, short for an
 * object whose left-most point is near its top corner) and 8 cells per
 * pixel; the view puts the two points 10% from its left and top. Returns
 * the new cells per pixel and centre_out, the point to centre on; 0 when
 * the zoom stays. */
#define BX_EXTREME_ZOOM_COLS 8
#define BX_EXTREME_ZOOM_ROWS 4
double bx_assist_extreme_zoom(const struct bx_pt first[2], double sc, int pw, int ph,
                              double centre_out[2]);

/* The box whose left edge is pts[BX_SIDE_LEFT].x, top edge pts[BX_SIDE_TOP].y
 * and so on (points indexed by side). Returns 0, or BX_EINVAL when the
 * points do not make a box of positive size (left >= right or top >= bottom)
 * or one is not finite. */
int bx_assist_box_from_extremes(const struct bx_pt pts[4], double box_out[4],
                                struct bx_err *err);

/* ---- Magic wand ----
 *
 * Flood fill (4-neighbours) from the seed over the region's pixels whose
 * color is within tolerance of the seed color (the mean of the 3x3 pixels
 * around the seed, so one noisy pixel does not decide), holes filled, outer
 * boundary traced along pixel corners, then simplified by greedy
 * Douglas-Peucker insertion (the contour corner farthest from the polygon
 * goes in next) until it is within 0.5 px of the boundary or has
 * max_vertices vertices. The result is always a simple polygon: when an
 * insertion makes it cross itself, the last simple one is kept; corners
 * left on a straight line are dropped.
 * Cost: O(region pixels) time, one byte and one int per region pixel, plus
 * O(contour corners x max_vertices + max_vertices^3) to simplify (about
 * 0.1 s for a 2452x2152 region). */

#define BX_ASSIST_WAND_VERTICES 30

/* seed in image pixels; tolerance 0..442; max_vertices <= 0 means
 * BX_ASSIST_WAND_VERTICES (else at least 3). On success returns 0 with
 * *pts_out (caller frees) holding *npts_out >= 3 vertices. BX_ENOENT when
 * the fill reaches every side of the region (nothing stands out from its
 * surroundings there); BX_EINVAL for a seed outside the region or a bad
 * tolerance. */
int bx_assist_wand(const struct bx_assist_region *reg, struct bx_pt seed, double tolerance,
                   int max_vertices, struct bx_pt **pts_out, int *npts_out,
                   struct bx_err *err);

/* ---- The box of the region at the crosshair (B) ----
 *
 * The wand's region from seed at tolerance (as bx_assist_wand), its
 * bounding box, then that box tightened (bx_assist_tighten on the same
 * region): tighten's box is taken when it found the object and overlaps
 * the wand's box by IoU >= 0.5, save an edge more than 3 px inside the
 * wand's box (the wand's stands there); else the wand's box stands. box_out: x, y,
 * w, h in image pixels; *found_out (may be NULL) the sides tighten placed,
 * 0 when the wand's box stands. Errors are the wand's. */
/* The box (x, y, w, h) bounding n points (pixel corners: a wand's polygon
 * bounds its region exactly); 0,0 0x0 for none. */
void bx_assist_pts_bounds(const struct bx_pt *pts, int n, double box_out[4]);

int bx_assist_region_box(const struct bx_assist_region *reg, struct bx_pt seed,
                         double tolerance, double box_out[4], unsigned *found_out,
                         struct bx_err *err);

/* ---- A mask's outlines ----
 *
 * mask: w x h bytes, row-major, non-zero inside. Each 4-connected part
 * becomes one ring: holes filled, outer boundary traced along pixel corners
 * and simplified as the wand's (within 0.5 px, at most max_vertices).
 * Corners are image pixels (a pixel x covers [x, x + 1]). Returns the number
 * of rings (0 for an empty mask) with *pts_out / *ring_end_out (caller
 * frees; ring r ends before ring_end[r]) and *holes_out the parts that had
 * holes (filled). Cost: O(w h) plus each part's simplification. */
int bx_assist_mask_rings(const uint8_t *mask, int w, int h, int max_vertices,
                         struct bx_pt **pts_out, int **ring_end_out, int *nrings_out,
                         int *holes_out);

#endif
