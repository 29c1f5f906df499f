/* image.h: decoding PNG and JPEG files into RGB rasters, with every size
 * limit checked before allocating. The only module that includes png.h and
 * jpeglib.h.
 *
 * Sizes are those of the image as displayed: EXIF orientation applied, so
 * full_w x full_h is what annotation coordinates refer to. */
#ifndef BOXEL_IMAGE_H
#define BOXEL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "boxel/err.h"
#include "boxel/raster.h"

/* The side limits apply to the size the header claims; the pixel budget to
 * what a decode holds (a JPEG at DCT scale 1/8 decodes 1/64 of the pixels;
 * a PNG overview or a region holds only its result), except for
 * progressive JPEGs, whose coefficients libjpeg keeps at full resolution,
 * and interlaced PNGs, decoded whole. Defaults: 32768 per side, 100
 * megapixels, 100 scans, 8 MB per PNG chunk, 256 MB per file. */
struct bx_image_limits {
	int max_w, max_h;        /* per side, oriented */
	uint64_t max_pixels;     /* pixel budget of what is held */
	int max_scans;           /* progressive JPEG scans */
	size_t max_chunk;        /* PNG chunk size / ancillary chunk memory */
	size_t max_file;         /* size of a file (or of the data of _mem) */
};
void bx_image_limits_default(struct bx_image_limits *lim);

struct bx_image {
	struct bx_raster *pix; /* decoded pixels, possibly reduced (see below) */
	int full_w, full_h;    /* oriented full-resolution size */
};

/* Decode path. want_w x want_h (0, 0 = full resolution; a single 0 leaves
 * that axis free) is the smallest oriented size the caller needs, so pix
 * may be smaller than full_w x full_h; pix->w / full_w is the scale (the
 * same on both axes to within a pixel of rounding). A JPEG is decoded with
 * DCT scaling at the smallest scale M/8 whose output still covers the
 * request. A PNG asked for less than its size is area-averaged row by row
 * as it is read, to the smallest size of its aspect covering the request:
 * memory is a row plus the result, and the pixel budget applies to the
 * result (an Adam7-interlaced PNG is decoded whole, within the budget, then
 * averaged). lim NULL = defaults. Alpha is composited on a gray
 * checkerboard (8x8-pixel squares of the full-size image) before any
 * averaging. The file is read as a stream, never held whole. On failure
 * *out is zeroed and err holds one line ("truncated PNG data", "not a PNG
 * or JPEG image", ...). */
int bx_image_load(const char *path, int want_w, int want_h,
                  const struct bx_image_limits *lim, struct bx_image *out,
                  struct bx_err *err);
int bx_image_load_mem(const uint8_t *data, size_t len, int want_w, int want_h,
                      const struct bx_image_limits *lim, struct bx_image *out,
                      struct bx_err *err);
/* Only the rectangle [x, x+w) x [y, y+h) of the image at scale
 * 1/scale_den (1, 2, 4 or 8), in pixels of the oriented image (EXIF
 * applied, as annotations use) at that scale, whose size is
 * ceil(full_w / scale_den) x ceil(full_h / scale_den): at 1 full-resolution
 * image pixels. pix is w x h and pixel for pixel what a whole decode at
 * that scale holds there: for a JPEG, bx_image_load's pix when it picks
 * DCT scale 1/scale_den; for a PNG, the full-size pixels averaged in
 * scale_den x scale_den blocks (cut short at the right and bottom edges),
 * rounded to nearest. full_w x full_h is the whole image's oriented size.
 * The rectangle must lie inside the scaled image, and w x h within lim's
 * pixel budget. Memory is about the region plus a row of the image, whatever
 * the image's size: a JPEG is cropped to the iMCU columns around the
 * region and skips the rows above it (a progressive JPEG still buffers its
 * coefficients for the whole image, so its full size is checked against
 * the pixel budget); a PNG is read row by row, keeps only the region's
 * rows and stops after the last (Adam7-interlaced: decoded whole, within
 * the budget, then cropped). Data past the region is not read, so damage
 * there goes unnoticed. pix is the caller's until bx_image_release. */
int bx_image_load_region(const char *path, int x, int y, int w, int h, int scale_den,
                         const struct bx_image_limits *lim, struct bx_image *out,
                         struct bx_err *err);
int bx_image_load_region_mem(const uint8_t *data, size_t len, int x, int y, int w, int h,
                             int scale_den, const struct bx_image_limits *lim,
                             struct bx_image *out, struct bx_err *err);
/* Read only the headers: oriented width and height (default side limits
 * checked). The file is read only as far as its headers go. */
int bx_image_probe(const char *path, int *w_out, int *h_out, struct bx_err *err);
int bx_image_probe_mem(const uint8_t *data, size_t len, int *w_out, int *h_out,
                       struct bx_err *err);
void bx_image_release(struct bx_image *img); /* frees pix; img itself is the caller's */

/* How an image will be shown. An image over BX_TILES_MIN_PIXELS (the size
 * the labeling view decodes whole at 1:1) is shown from a tile pyramid
 * (boxel/tiles.h) when its rows can be streamed upright: a non-interlaced
 * PNG (which cannot seek to a row: a region near its bottom costs
 * decoding everything above it), a baseline JPEG without EXIF turn (which
 * can, but then re-decodes on every zoom step and pan past the margin).
 * The others are decoded whole at the view's scale plus regions. */
#define BX_TILES_MIN_PIXELS 8000000
/* Their sides may reach JPEG's own maximum, past the decoders' 32768: what
 * is held grows with the width only (a row, a band of tiles). */
#define BX_TILES_MAX_SIDE 65535
struct bx_image_plan {
	int w, h;          /* oriented size */
	int tiles;         /* shown from a tile pyramid */
};
/* Read the headers of path and say how it will be shown (as
 * bx_image_probe, but a non-interlaced PNG may reach BX_TILES_MAX_SIDE per
 * side). Refuses
 * (BX_ELIMIT, the reason and the fix in err) only what can never be
 * shown: an Adam7-interlaced PNG or a progressive JPEG over the pixel
 * budget, which their decoders must hold whole, and whatever
 * bx_image_probe refuses. */
int bx_image_plan(const char *path, struct bx_image_plan *out, struct bx_err *err);

#endif
