/* raster.h: RGB pixel rectangles and the pure operations on them: area-average
 * downscale, crop of a view rectangle, upscale for zoom, and drawing of
 * annotation overlays. Coordinates are raster pixels, origin top-left; a
 * pixel (i, j) covers [i, i+1) x [j, j+1). Colors are 0xRRGGBB (BX_RGB). */
#ifndef BOXEL_RASTER_H
#define BOXEL_RASTER_H

#include <stdint.h>

struct bx_raster {
	int w, h;
	uint8_t *px; /* RGB888, row-major, 3*w bytes per row, no padding */
};

#define BX_RGB(r, g, b) (((uint32_t)(r) << 16) | ((uint32_t)(g) << 8) | (uint32_t)(b))
#define BX_RGB_R(c) ((uint8_t)((c) >> 16))
#define BX_RGB_G(c) ((uint8_t)((c) >> 8))
#define BX_RGB_B(c) ((uint8_t)(c))

/* What a view shows where it extends past the image: a dark neutral gray,
 * distinct from black image content and from every overlay color. */
#define BX_RASTER_OUTSIDE BX_RGB(0x26, 0x26, 0x26)

/* Largest side bx_raster_new and the resamplers accept (display rasters are
 * a few hundred pixels; this only guards against arithmetic overflow). */
#define BX_RASTER_MAX_SIDE 65535

/* Zero-filled (black). w and h must be 1..BX_RASTER_MAX_SIDE (0 is allowed
 * and gives an empty raster). Never NULL: out of memory aborts. */
struct bx_raster *bx_raster_new(int w, int h);
void bx_raster_free(struct bx_raster *r); /* NULL is a no-op */
struct bx_raster *bx_raster_dup(const struct bx_raster *r);

/* Whole-raster fill, and single pixels. get returns 0 outside; set ignores
 * coordinates outside. */
void bx_raster_clear(struct bx_raster *r, uint32_t rgb);
uint32_t bx_raster_get(const struct bx_raster *r, int x, int y);
void bx_raster_set(struct bx_raster *r, int x, int y, uint32_t rgb);

/* ---- Resampling. Each returns a new raster (caller frees), or NULL when
 * out_w/out_h are outside 1..BX_RASTER_MAX_SIDE or src is empty. ---- */

/* The view rectangle [vx, vx+vw) x [vy, vy+vh), in src pixels (fractional,
 * may extend past src: outside is BX_RASTER_OUTSIDE), resampled to
 * out_w x out_h. Per axis: where a destination pixel covers more than one
 * source pixel, the exact area average (fractional coverage weighted);
 * where it covers less (zoomed in), the source pixel under its centre
 * (nearest, so pixels stay crisp squares). Non-finite or non-positive
 * vw/vh give an all-OUTSIDE raster. This is pan and zoom's hot path: no
 * allocation per pixel, fixed-point weights. */
struct bx_raster *bx_raster_view(const struct bx_raster *src, double vx, double vy,
                                 double vw, double vh, int out_w, int out_h);
/* Same into an existing raster (its size is the output size), so a view can
 * reuse its display raster across frames. Returns 0, or -1 (dst untouched)
 * if src or dst is empty. */
int bx_raster_view_into(const struct bx_raster *src, double vx, double vy,
                        double vw, double vh, struct bx_raster *dst);

/* The whole of src area-averaged to out_w x out_h (any size; enlarging an
 * axis falls back to nearest as in bx_raster_view). */
struct bx_raster *bx_raster_downscale(const struct bx_raster *src, int out_w, int out_h);
/* The integer rectangle [x, x+w) x [y, y+h) of src, 1:1; parts outside src
 * are BX_RASTER_OUTSIDE. */
struct bx_raster *bx_raster_crop(const struct bx_raster *src, int x, int y, int w, int h);
/* The whole of src enlarged to out_w x out_h by nearest neighbour (each
 * source pixel becomes a block; with integer factors all blocks are equal). */
struct bx_raster *bx_raster_upscale(const struct bx_raster *src, int out_w, int out_h);

/* Fit a src_w x src_h image inside box_w x box_h keeping its aspect ratio
 * (display pixels square): the largest size with one side equal to the
 * box's, both at least 1. */
void bx_raster_fit(int src_w, int src_h, int box_w, int box_h, int *w_out, int *h_out);

/* ---- Drawing overlays, in raster-pixel coordinates given as doubles (the
 * caller maps image pixels to display pixels). Every function clips to the
 * raster and accepts any input, including NaN, infinities and huge values:
 * a shape with a non-finite coordinate is not drawn; nothing is ever written
 * outside the raster. ---- */

/* dash: 0 draws solid; n > 0 draws n pixels on, n pixels off, the pattern
 * measured along the line from its first point (so dashes do not crawl as
 * a clipped line pans), continuing across the segments of a polyline or
 * rectangle. Used for suggestions (model predictions). */

/* A 1-pixel line through the pixels containing (x0, y0) and (x1, y1) and
 * the 8-connected Bresenham path between them; both ends included. */
void bx_raster_line(struct bx_raster *r, double x0, double y0, double x1, double y1,
                    uint32_t rgb, int dash);
/* Outline of the pixels that the area [x0, x1) x [y0, y1) touches (corners
 * in any order); a box in image pixels maps to this directly, so its edge
 * can sit on half a cell. A degenerate area still draws its one pixel wide
 * line. */
void bx_raster_rect(struct bx_raster *r, double x0, double y0, double x1, double y1,
                    uint32_t rgb, int dash);
/* n points as x,y pairs in xy[0..2n); closed joins the last to the first.
 * n == 1 draws one pixel. */
void bx_raster_polyline(struct bx_raster *r, const double *xy, int n, int closed,
                        uint32_t rgb, int dash);
/* Fill the pixels that [x0, x1) x [y0, y1) touches (handles, vertex
 * squares, point markers). */
void bx_raster_fill_rect(struct bx_raster *r, double x0, double y0, double x1, double y1,
                         uint32_t rgb);
/* Blend rgb over those pixels with alpha 0 (nothing) .. 255 (opaque). */
void bx_raster_blend_rect(struct bx_raster *r, double x0, double y0, double x1, double y1,
                          uint32_t rgb, int alpha);
/* Blend rgb (alpha 0..255) over the inside of the polygon xy (n points,
 * even-odd rule, sampled at pixel centres), e.g. a selected polygon's
 * translucent fill. */
void bx_raster_blend_polygon(struct bx_raster *r, const double *xy, int n,
                             uint32_t rgb, int alpha);
/* Crosshair through the pixel containing (x, y): a horizontal and a vertical
 * line, each arm pixels long on every side of it (arm <= 0: across the whole
 * raster). The centre pixel is left untouched so the pixel under the cursor
 * stays visible. */
void bx_raster_cross(struct bx_raster *r, double x, double y, int arm, uint32_t rgb);

#endif
