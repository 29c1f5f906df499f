/* image-int.h: what the image module's files share and nobody else sees.
 * image.c sniffs, reads files and orients; image-png.c, image-jpeg.c and
 * image-exif.c wrap one library or format each; image-avg.c averages rows
 * as they stream. Pixels are raster pixels, origin top-left; "raw" sizes
 * are as stored, "oriented" as displayed. */
#ifndef BOXEL_IMAGE_INT_H
#define BOXEL_IMAGE_INT_H

#include <stdint.h>
#include <stdio.h>

#include "boxel/image.h"

/* Where the encoded bytes come from: a memory buffer (data, len), or an open
 * FILE (f != NULL) read only as far as the decoder asks, for probing. */
struct bx_image_src {
	const uint8_t *data;
	size_t len, pos;
	FILE *f;
};

/* Decode into out (pix, full_w, full_h) with every limit in lim checked
 * before the allocation it guards. Each fills err with one line. want_w,
 * want_h as for bx_image_load. */
int bx_png_decode(struct bx_image_src *src, int want_w, int want_h,
                  const struct bx_image_limits *lim, struct bx_image *out,
                  struct bx_err *err);
int bx_jpeg_decode(struct bx_image_src *src, int want_w, int want_h,
                   const struct bx_image_limits *lim, struct bx_image *out,
                   struct bx_err *err);
/* Only [x, x+w) x [y, y+h) of the oriented image at scale 1/s (s = 1, 2,
 * 4 or 8, checked by the caller), as for bx_image_load_region. */
int bx_png_region(struct bx_image_src *src, int x, int y, int w, int h, int s,
                  const struct bx_image_limits *lim, struct bx_image *out,
                  struct bx_err *err);
int bx_jpeg_region(struct bx_image_src *src, int x, int y, int w, int h, int s,
                   const struct bx_image_limits *lim, struct bx_image *out,
                   struct bx_err *err);
/* Where a stream of full-size rows goes (bx_png_stream, bx_image_stream):
 * begin once with the size, then every RGB888 row top to bottom. Either
 * may fail (fill err, return negative): the decode stops there. */
struct bx_rowsink {
	void *ctx;
	int (*begin)(void *ctx, int w, int h, struct bx_err *err);
	int (*row)(void *ctx, const uint8_t *rgb, int y, struct bx_err *err);
};
/* Every row of a non-interlaced PNG at full size, composited on the
 * checker, holding one row. */
int bx_png_stream(struct bx_image_src *src, const struct bx_image_limits *lim,
                  const struct bx_rowsink *sink, struct bx_err *err);
/* Every row of a baseline JPEG without EXIF turn, at full size, holding
 * one row (and libjpeg's iMCU row). */
int bx_jpeg_stream(struct bx_image_src *src, const struct bx_image_limits *lim,
                   const struct bx_rowsink *sink, struct bx_err *err);
/* Probe plus what bx_image_plan needs: EXIF orientation and whether the
 * file has several scans (progressive). */
int bx_jpeg_plan(struct bx_image_src *src, const struct bx_image_limits *lim, int *w_out,
                 int *h_out, int *orient_out, int *progressive_out, struct bx_err *err);
/* The same from a file (a PNG or a JPEG as above; else BX_EINVAL). */
int bx_image_stream(const char *path, const struct bx_image_limits *lim,
                    const struct bx_rowsink *sink, struct bx_err *err);

/* Headers only: oriented size, side limits checked. */
int bx_png_probe(struct bx_image_src *src, const struct bx_image_limits *lim,
                 int *w_out, int *h_out, struct bx_err *err);
int bx_jpeg_probe(struct bx_image_src *src, const struct bx_image_limits *lim,
                  int *w_out, int *h_out, struct bx_err *err);

/* The EXIF orientation (1..8) in one APP1 segment's payload ("Exif\0\0"
 * + TIFF), or 1 when absent, malformed or out of range: a broken EXIF block
 * never makes an image unreadable. */
int bx_exif_orientation(const uint8_t *app1, size_t len);

/* Apply EXIF orientation o to r: returns r itself for 1 (or anything out of
 * range), else a new raster and frees r. Orientations 5..8 swap w and h. */
struct bx_raster *bx_image_orient(struct bx_raster *r, int o);

/* The stored rectangle whose pixels, turned by orientation o, are the
 * oriented rectangle *x, *y, *w, *h of an image shown ow x oh. In place. */
void bx_image_unorient_rect(int o, int ow, int oh, int *x, int *y, int *w, int *h);

/* Area-averaging of a stream of rows (image-avg.c): src_w x src_h pushed
 * one RGB888 row at a time, top to bottom, shrunk to out_w x out_h
 * (1 <= out <= src per axis). Holds two output rows of sums, not the
 * image. finish returns the raster (caller frees) once all rows are in. */
struct bx_rowavg;
struct bx_rowavg *bx_rowavg_new(int src_w, int src_h, int out_w, int out_h);
void bx_rowavg_push(struct bx_rowavg *a, const uint8_t *rgb);
struct bx_raster *bx_rowavg_finish(struct bx_rowavg *a);
void bx_rowavg_free(struct bx_rowavg *a);   /* NULL is a no-op */

/* The overview size for want_w x want_h (as bx_image_load) of a w x h
 * image: one scale for both axes, the smallest that covers the request,
 * never above full size. */
void bx_image_overview_size(int w, int h, int want_w, int want_h, int *ow_out, int *oh_out);

/* One-line limit checks shared by both decoders; w, h are oriented. */
int bx_image_check_sides(const char *what, uint32_t w, uint32_t h,
                         const struct bx_image_limits *lim, struct bx_err *err);
int bx_image_check_pixels(const char *what, uint32_t w, uint32_t h,
                          const struct bx_image_limits *lim, struct bx_err *err);
/* The region lies inside the iw x ih image and is within the pixel budget. */
int bx_image_check_region(int x, int y, int w, int h, uint32_t iw, uint32_t ih,
                          const struct bx_image_limits *lim, struct bx_err *err);

#endif
