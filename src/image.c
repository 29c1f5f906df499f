/* image.c: the image module's front door: sniff PNG or JPEG by magic bytes,
 * read files under the byte limit, dispatch to image-png.c / image-jpeg.c,
 * and apply EXIF orientation. Raster pixels, origin top-left; sizes handed
 * out are oriented (as displayed). */
#include <errno.h>
#include <fcntl.h>
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
	 * actually decoded (a JPEG at DCT scale 1/8 needs 1/64 of the pixels),
	 * except progressive JPEGs, whose coefficients libjpeg buffers at full
	 * resolution. 100 MP of RGB is 300 MB. */
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
bx_image_load_mem(const uint8_t *data, size_t len, int want_w, int want_h,
                  const struct bx_image_limits *lim, struct bx_image *out,
                  struct bx_err *err)
{
	struct bx_image_limits def;
	struct bx_image_src src = { data, len, 0, NULL };

	memset(out, 0, sizeof *out);
	if (lim == NULL) {
		bx_image_limits_default(&def);
		lim = &def;
	}
	if (len == 0)
		return bx_err_set(err, BX_EINVAL, "empty file");
	if (len > lim->max_file)
		return bx_err_set(err, BX_ELIMIT, "image data too large (%zu bytes, limit %zu)",
		    len, lim->max_file);
	switch (sniff(data, len)) {
	case FMT_PNG:
		return bx_png_decode(&src, lim, out, err);
	case FMT_JPEG:
		return bx_jpeg_decode(&src, want_w, want_h, lim, out, err);
	default:
		return bx_err_set(err, BX_EINVAL, "not a PNG or JPEG image");
	}
}

int
bx_image_load(const char *path, int want_w, int want_h,
              const struct bx_image_limits *lim, struct bx_image *out,
              struct bx_err *err)
{
	struct bx_image_limits def;
	char *data;
	size_t len;
	int rc;

	memset(out, 0, sizeof *out);
	if (lim == NULL) {
		bx_image_limits_default(&def);
		lim = &def;
	}
	rc = bx_read_file(path, lim->max_file, &data, &len, err);
	if (rc < 0)
		return rc;
	rc = bx_image_load_mem((const uint8_t *)data, len, want_w, want_h, lim, out, err);
	free(data);
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
	struct stat st;
	size_t n;
	FILE *f;
	int fd, rc;

	bx_image_limits_default(&lim);
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
	f = fdopen(fd, "rb");
	if (f == NULL) {
		rc = bx_err_set(err, BX_EIO, "%s", strerror(errno));
		close(fd);
		return rc;
	}
	n = fread(head, 1, sizeof head, f);
	if (ferror(f)) {
		rc = bx_err_set(err, BX_EIO, "read failed: %s", strerror(errno));
	} else if (n == 0) {
		rc = bx_err_set(err, BX_EINVAL, "empty file");
	} else {
		rewind(f);
		src.f = f;
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
	}
	fclose(f);
	return rc;
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
