/* image.c: the image module's front door: sniff PNG or JPEG by magic bytes,
 * read files under the byte limit, dispatch to image-png.c / image-jpeg.c,
 * and apply EXIF orientation. Raster pixels, origin top-left; sizes handed
 * out are oriented (as displayed). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxel/image.h"
#include "boxel/util.h"
#include "image-int.h"

static const uint8_t png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const uint8_t jpeg_magic[3] = { 0xff, 0xd8, 0xff };

enum fmt { FMT_NONE, FMT_PNG, FMT_JPEG };

void
bx_image_limits_default(struct bx_image_limits *lim)
{
	/* The side limit is checked on the header; the pixel budget on what is
	 * held (a JPEG at DCT scale 1/8 needs 1/64 of the pixels, a PNG
	 * overview or a region its result), except progressive JPEGs, whose
	 * coefficients libjpeg buffers at full resolution, and interlaced
	 * PNGs. 100 MP of RGB is 300 MB. (PNGs shown from tiles have their
	 * own side limit, BX_TILES_MAX_SIDE: see bx_image_plan.) */
	lim->max_w = 32768;
	lim->max_h = 32768;
	lim->max_pixels = 100000000;
	lim->max_scans = 100;
	lim->max_chunk = 8u << 20;
	lim->max_file = 256u << 20;
}

static enum fmt
sniff(const uint8_t *p, size_t n)
{
	if (n >= sizeof png_magic && memcmp(p, png_magic, sizeof png_magic) == 0)
		return FMT_PNG;
	if (n >= sizeof jpeg_magic && memcmp(p, jpeg_magic, sizeof jpeg_magic) == 0)
		return FMT_JPEG;
	return FMT_NONE;
}

int
bx_image_check_sides(const char *what, uint32_t w, uint32_t h,
                     const struct bx_image_limits *lim, struct bx_err *err)
{
	if (w == 0 || h == 0)
		return bx_err_set(err, BX_EINVAL, "%s has zero width or height (%ux%u)", what, w, h);
	if (w > (uint32_t)lim->max_w || h > (uint32_t)lim->max_h)
		return bx_err_set(err, BX_ELIMIT, "%s is %ux%u pixels, over the limit of %dx%d",
		    what, w, h, lim->max_w, lim->max_h);
	return 0;
}

int
bx_image_check_pixels(const char *what, uint32_t w, uint32_t h,
                      const struct bx_image_limits *lim, struct bx_err *err)
{
	uint64_t n = (uint64_t)w * h;

	if (n > lim->max_pixels)
		return bx_err_set(err, BX_ELIMIT,
		    "%s needs %ux%u = %.1f megapixels decoded, over the limit of %.1f",
		    what, w, h, n / 1e6, lim->max_pixels / 1e6);
	return 0;
}

int
bx_image_check_region(int x, int y, int w, int h, uint32_t iw, uint32_t ih,
                      const struct bx_image_limits *lim, struct bx_err *err)
{
	if (w <= 0 || h <= 0 || x < 0 || y < 0 || (int64_t)x + w > iw || (int64_t)y + h > ih)
		return bx_err_set(err, BX_EINVAL, "region %dx%d at %d,%d is not inside the %ux%u image",
		    w, h, x, y, iw, ih);
	return bx_image_check_pixels("region", (uint32_t)w, (uint32_t)h, lim, err);
}

void
bx_image_overview_size(int w, int h, int want_w, int want_h, int *ow_out, int *oh_out)
{
	int64_t ow, oh;

	if (want_w < 0)
		want_w = 0;
	if (want_h < 0)
		want_h = 0;
	/* The axis asking the larger fraction of its side sets the scale; the
	 * other side is rounded up so the raster still covers the request. */
	if ((int64_t)want_w * h >= (int64_t)want_h * w) {
		ow = want_w;
		oh = ((int64_t)h * want_w + w - 1) / w;
	} else {
		oh = want_h;
		ow = ((int64_t)w * want_h + h - 1) / h;
	}
	*ow_out = ow < 1 ? 1 : ow > w ? w : (int)ow;
	*oh_out = oh < 1 ? 1 : oh > h ? h : (int)oh;
}

/* Dispatch on the magic bytes head[0..n) to a decoder of src. */
static int
decode(struct bx_image_src *src, const uint8_t *head, size_t n, int want_w, int want_h,
       const struct bx_image_limits *lim, struct bx_image *out, struct bx_err *err)
{
	switch (sniff(head, n)) {
	case FMT_PNG:
		return bx_png_decode(src, want_w, want_h, lim, out, err);
	case FMT_JPEG:
		return bx_jpeg_decode(src, want_w, want_h, lim, out, err);
	default:
		return bx_err_set(err, BX_EINVAL, "not a PNG or JPEG image");
	}
}

static int
decode_region(struct bx_image_src *src, const uint8_t *head, size_t n, const int *rect,
              const struct bx_image_limits *lim, struct bx_image *out, struct bx_err *err)
{
	switch (sniff(head, n)) {
	case FMT_PNG:
		return bx_png_region(src, rect[0], rect[1], rect[2], rect[3], rect[4], lim, out, err);
	case FMT_JPEG:
		return bx_jpeg_region(src, rect[0], rect[1], rect[2], rect[3], rect[4], lim, out, err);
	default:
		return bx_err_set(err, BX_EINVAL, "not a PNG or JPEG image");
	}
}

/* Open path to be decoded as a stream: a regular file of at most max bytes,
 * its first bytes in head (n_out of them), positioned at its start. The
 * decoders read it as far as they need, so an overview or a region never
 * holds the file itself. */
static int
open_image(const char *path, size_t max, FILE **f_out, uint8_t *head, size_t *n_out,
           struct bx_err *err)
{
	struct stat st;
	FILE *f;
	int fd, rc;

	*f_out = NULL;
	/* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return bx_err_set(err, errno == ENOENT ? BX_ENOENT : BX_EIO, "%s", strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = bx_err_set(err, BX_EINVAL, "%s", fstat(fd, &st) != 0 ? strerror(errno) :
		    S_ISDIR(st.st_mode) ? "is a directory, not a file" : "not a regular file");
		close(fd);
		return rc;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return bx_err_set(err, BX_ELIMIT, "image data too large (%jd bytes, limit %zu)",
		    (intmax_t)st.st_size, max);
	}
	f = fdopen(fd, "rb");
	if (f == NULL) {
		rc = bx_err_set(err, BX_EIO, "%s", strerror(errno));
		close(fd);
		return rc;
	}
	*n_out = fread(head, 1, 8, f);
	if (ferror(f)) {
		rc = bx_err_set(err, BX_EIO, "read failed: %s", strerror(errno));
		fclose(f);
		return rc;
	}
	if (*n_out == 0) {
		fclose(f);
		return bx_err_set(err, BX_EINVAL, "empty file");
	}
	rewind(f);
	*f_out = f;
	return 0;
}

/* In-memory data: the default limits when lim is NULL (def holds them),
 * and the data's size checked against them. */
static const struct bx_image_limits *
mem_limits(const struct bx_image_limits *lim, struct bx_image_limits *def)
{
	if (lim != NULL)
		return lim;
	bx_image_limits_default(def);
	return def;
}

static int
check_mem(size_t len, const struct bx_image_limits *lim, struct bx_err *err)
{
	if (len == 0)
		return bx_err_set(err, BX_EINVAL, "empty file");
	if (len > lim->max_file)
		return bx_err_set(err, BX_ELIMIT, "image data too large (%zu bytes, limit %zu)",
		    len, lim->max_file);
	return 0;
}

int
bx_image_load_mem(const uint8_t *data, size_t len, int want_w, int want_h,
                  const struct bx_image_limits *lim, struct bx_image *out,
                  struct bx_err *err)
{
	struct bx_image_limits def;
	struct bx_image_src src = { data, len, 0, NULL };
	int rc;

	memset(out, 0, sizeof *out);
	lim = mem_limits(lim, &def);
	if ((rc = check_mem(len, lim, err)) < 0)
		return rc;
	return decode(&src, data, len, want_w, want_h, lim, out, err);
}

int
bx_image_load(const char *path, int want_w, int want_h,
              const struct bx_image_limits *lim, struct bx_image *out,
              struct bx_err *err)
{
	struct bx_image_limits def;
	struct bx_image_src src = { NULL, 0, 0, NULL };
	uint8_t head[8];
	size_t n;
	int rc;

	memset(out, 0, sizeof *out);
	if (lim == NULL) {
		bx_image_limits_default(&def);
		lim = &def;
	}
	rc = open_image(path, lim->max_file, &src.f, head, &n, err);
	if (rc < 0)
		return rc;
	rc = decode(&src, head, n, want_w, want_h, lim, out, err);
	fclose(src.f);
	return rc;
}

/* The scales libjpeg's DCT scaling gives exactly (M/8 with M = 8/s). */
static int
check_scale(int s, struct bx_err *err)
{
	if (s != 1 && s != 2 && s != 4 && s != 8)
		return bx_err_set(err, BX_EINVAL, "region scale 1/%d is not 1, 1/2, 1/4 or 1/8", s);
	return 0;
}

int
bx_image_load_region_mem(const uint8_t *data, size_t len, int x, int y, int w, int h,
                         int scale_den, const struct bx_image_limits *lim,
                         struct bx_image *out, struct bx_err *err)
{
	struct bx_image_limits def;
	struct bx_image_src src = { data, len, 0, NULL };
	int rc;
	const int rect[5] = { x, y, w, h, scale_den };

	memset(out, 0, sizeof *out);
	if (check_scale(scale_den, err) < 0)
		return BX_EINVAL;
	lim = mem_limits(lim, &def);
	if ((rc = check_mem(len, lim, err)) < 0)
		return rc;
	return decode_region(&src, data, len, rect, lim, out, err);
}

int
bx_image_load_region(const char *path, int x, int y, int w, int h, int scale_den,
                     const struct bx_image_limits *lim, struct bx_image *out,
                     struct bx_err *err)
{
	struct bx_image_limits def;
	struct bx_image_src src = { NULL, 0, 0, NULL };
	const int rect[5] = { x, y, w, h, scale_den };
	uint8_t head[8];
	size_t n;
	int rc;

	memset(out, 0, sizeof *out);
	if (check_scale(scale_den, err) < 0)
		return BX_EINVAL;
	if (lim == NULL) {
		bx_image_limits_default(&def);
		lim = &def;
	}
	rc = open_image(path, lim->max_file, &src.f, head, &n, err);
	if (rc < 0)
		return rc;
	rc = decode_region(&src, head, n, rect, lim, out, err);
	fclose(src.f);
	return rc;
}

int
bx_image_probe_mem(const uint8_t *data, size_t len, int *w_out, int *h_out,
                   struct bx_err *err)
{
	struct bx_image_limits lim;
	struct bx_image_src src = { data, len, 0, NULL };

	bx_image_limits_default(&lim);
	if (len == 0)
		return bx_err_set(err, BX_EINVAL, "empty file");
	switch (sniff(data, len)) {
	case FMT_PNG:
		return bx_png_probe(&src, &lim, w_out, h_out, err);
	case FMT_JPEG:
		return bx_jpeg_probe(&src, &lim, w_out, h_out, err);
	default:
		return bx_err_set(err, BX_EINVAL, "not a PNG or JPEG image");
	}
}

int
bx_image_probe(const char *path, int *w_out, int *h_out, struct bx_err *err)
{
	struct bx_image_limits lim;
	struct bx_image_src src = { NULL, 0, 0, NULL };
	uint8_t head[8];
	size_t n;
	int rc;

	bx_image_limits_default(&lim);
	/* No size limit: probing reads the headers only. */
	rc = open_image(path, SIZE_MAX, &src.f, head, &n, err);
	if (rc < 0)
		return rc;
	switch (sniff(head, n)) {
	case FMT_PNG:
		rc = bx_png_probe(&src, &lim, w_out, h_out, err);
		break;
	case FMT_JPEG:
		rc = bx_jpeg_probe(&src, &lim, w_out, h_out, err);
		break;
	default:
		rc = bx_err_set(err, BX_EINVAL, "not a PNG or JPEG image");
	}
	fclose(src.f);
	return rc;
}

int
bx_image_stream(const char *path, const struct bx_image_limits *lim,
                const struct bx_rowsink *sink, struct bx_err *err)
{
	struct bx_image_limits def;
	struct bx_image_src src = { NULL, 0, 0, NULL };
	uint8_t head[8];
	size_t n;
	int rc;

	if (lim == NULL) {
		bx_image_limits_default(&def);
		lim = &def;
	}
	rc = open_image(path, SIZE_MAX, &src.f, head, &n, err);
	if (rc < 0)
		return rc;
	if (sniff(head, n) == FMT_PNG)
		rc = bx_png_stream(&src, lim, sink, err);
	else if (sniff(head, n) == FMT_JPEG)
		rc = bx_jpeg_stream(&src, lim, sink, err);
	else
		rc = bx_err_set(err, BX_EINVAL, "not a PNG or JPEG image");
	fclose(src.f);
	return rc;
}

int
bx_image_plan(const char *path, struct bx_image_plan *out, struct bx_err *err)
{
	struct bx_image_limits lim;
	struct bx_image_src src = { NULL, 0, 0, NULL };
	uint8_t head[29];
	uint64_t px;
	size_t n;
	int rc, interlaced = 0, progressive = 0, orient = 1;
	enum fmt fmt;

	memset(out, 0, sizeof *out);
	bx_image_limits_default(&lim);
	if ((rc = open_image(path, SIZE_MAX, &src.f, head, &n, err)) < 0)
		return rc;
	fmt = sniff(head, n);
	if (fmt == FMT_PNG) {
		/* The IHDR is the first chunk: its interlace byte is at 28. A
		 * non-interlaced PNG is read a row at a time whatever its
		 * size, so only its row (and tile band) bounds its sides. */
		interlaced = fread(head, 1, sizeof head, src.f) == sizeof head && head[28] != 0;
		rewind(src.f);
		if (!interlaced)
			lim.max_w = lim.max_h = BX_TILES_MAX_SIDE;
		rc = bx_png_probe(&src, &lim, &out->w, &out->h, err);
	} else if (fmt == FMT_JPEG) {
		rc = bx_jpeg_plan(&src, &lim, &out->w, &out->h, &orient, &progressive, err);
	} else {
		rc = bx_err_set(err, BX_EINVAL, "not a PNG or JPEG image");
	}
	fclose(src.f);
	if (rc < 0)
		return rc;
	px = (uint64_t)out->w * (uint64_t)out->h;
	/* What is decoded whole can never be shown past the pixel budget;
	 * everything else can, from regions or tiles. */
	if ((interlaced || progressive) && px > lim.max_pixels)
		return bx_err_set(err, BX_ELIMIT, "%s %dx%d (%.0f MP) is decoded whole, over the "
		    "budget of %.0f MP: it can never be shown; save it %s",
		    interlaced ? "an Adam7-interlaced PNG" : "a progressive JPEG", out->w, out->h,
		    px / 1e6, lim.max_pixels / 1e6, interlaced ? "non-interlaced" : "as baseline");
	/* A JPEG seeks (skipping scanlines), but each zoom step re-decodes
	 * and each pan past the margin decodes a region: 50-800 ms on 12-108
	 * MP (bench-tiles); tiles make both a copy. Rows must stream upright:
	 * an EXIF-turned JPEG keeps the region path. */
	out->tiles = px > BX_TILES_MIN_PIXELS &&
	    ((fmt == FMT_PNG && !interlaced) || (fmt == FMT_JPEG && !progressive && orient == 1));
	return 0;
}

void
bx_image_release(struct bx_image *img)
{
	if (img == NULL)
		return;
	bx_raster_free(img->pix);
	img->pix = NULL;
}

/* EXIF orientation o says how the stored rows map to the display: for each
 * displayed pixel (x, y) pick the stored pixel (sx, sy). W, H are stored. */
static void
orient_source(int o, int x, int y, int W, int H, int *sx, int *sy)
{
	switch (o) {
	case 2: *sx = W - 1 - x; *sy = y; break;             /* mirrored */
	case 3: *sx = W - 1 - x; *sy = H - 1 - y; break;     /* rotated 180 */
	case 4: *sx = x; *sy = H - 1 - y; break;             /* flipped */
	case 5: *sx = y; *sy = x; break;                     /* transposed */
	case 6: *sx = y; *sy = H - 1 - x; break;             /* stored 90 CCW: turn CW */
	case 7: *sx = W - 1 - y; *sy = H - 1 - x; break;     /* transversed */
	case 8: *sx = W - 1 - y; *sy = x; break;             /* stored 90 CW: turn CCW */
	default: *sx = x; *sy = y; break;
	}
}

void
bx_image_unorient_rect(int o, int ow, int oh, int *x, int *y, int *w, int *h)
{
	int W = o >= 5 ? oh : ow, H = o >= 5 ? ow : oh;
	int ax, ay, bx, by;

	/* Orientations map rectangles to rectangles: the stored one spans the
	 * sources of two opposite corners. */
	orient_source(o, *x, *y, W, H, &ax, &ay);
	orient_source(o, *x + *w - 1, *y + *h - 1, W, H, &bx, &by);
	*x = ax < bx ? ax : bx;
	*y = ay < by ? ay : by;
	*w = (ax < bx ? bx - ax : ax - bx) + 1;
	*h = (ay < by ? by - ay : ay - by) + 1;
}

struct bx_raster *
bx_image_orient(struct bx_raster *r, int o)
{
	struct bx_raster *d;
	int x, y, sx, sy;

	if (o < 2 || o > 8)
		return r;
	d = o >= 5 ? bx_raster_new(r->h, r->w) : bx_raster_new(r->w, r->h);
	for (y = 0; y < d->h; y++) {
		uint8_t *dp = d->px + (size_t)y * d->w * 3;

		for (x = 0; x < d->w; x++, dp += 3) {
			const uint8_t *sp;

			orient_source(o, x, y, r->w, r->h, &sx, &sy);
			sp = r->px + ((size_t)sy * r->w + sx) * 3;
			dp[0] = sp[0];
			dp[1] = sp[1];
			dp[2] = sp[2];
		}
	}
	bx_raster_free(r);
	return d;
}
