/* image-png.c: PNG through libpng into RGB888. Every colour type and depth
 * is expanded to 8-bit RGBA, then alpha is composited on a checkerboard of
 * 8x8-pixel squares of two mid grays (as image viewers do), so transparent
 * parts stay visible as such. Raster pixels, origin top-left. */
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/util.h"
#include "image-int.h"

#define CHECK_DARK 0x66   /* the two grays of the transparency checker */
#define CHECK_LIGHT 0x99
#define CHECK_SQUARE 8    /* side of one checker square, in image pixels */

struct pdec {
	jmp_buf jb;
	int code;
	char msg[sizeof(struct bx_err){0}.msg];
};

/* libpng's messages are "IDAT: CRC error" style (chunk names are printed
 * safely by libpng); turn them into one line that says it is a PNG. */
static void
p_error(png_structp png, png_const_charp m)
{
	struct pdec *d = png_get_error_ptr(png);
	const char *crc = strstr(m, ": CRC error");

	d->code = BX_EINVAL;
	if (strcmp(m, "truncated PNG data") == 0 || strncmp(m, "read error", 10) == 0)
		snprintf(d->msg, sizeof d->msg, "%s", m);
	else if (strcmp(m, "Not enough image data") == 0)
		/* the IDAT chunks end before the rows the header promises */
		snprintf(d->msg, sizeof d->msg, "truncated PNG data");
	else if (crc != NULL && crc - m == 4)
		snprintf(d->msg, sizeof d->msg, "PNG CRC error in %.4s", m);
	else if (strstr(m, "too large") != NULL || strstr(m, "exceeds") != NULL ||
	         strstr(m, "limit") != NULL) {
		d->code = BX_ELIMIT;
		snprintf(d->msg, sizeof d->msg, "PNG over a limit: %s", m);
	} else
		snprintf(d->msg, sizeof d->msg, "invalid PNG: %s", m);
	longjmp(d->jb, 1);
}

static void
p_warning(png_structp png, png_const_charp m)
{
	(void)png;
	(void)m;   /* ancillary-chunk trouble: the image itself is fine */
}

/* A libpng reader reporting through d. The caller sets its own setjmp
 * right after: a jump target must live in the frame that decodes. */
static int
p_start(struct pdec *d, png_structp *png, png_infop *info, struct bx_err *err)
{
	*png = png_create_read_struct(PNG_LIBPNG_VER_STRING, d, p_error, p_warning);
	if (*png == NULL)
		return bx_err_set(err, BX_EINVAL, "cannot start the PNG decoder");
	*info = png_create_info_struct(*png);
	if (*info == NULL) {
		png_destroy_read_struct(png, NULL, NULL);
		return bx_err_set(err, BX_EINVAL, "cannot start the PNG decoder");
	}
	return 0;
}

static void
p_read(png_structp png, png_bytep out, size_t n)
{
	struct bx_image_src *s = png_get_io_ptr(png);

	if (s->f != NULL) {
		if (fread(out, 1, n, s->f) != n)
			png_error(png, ferror(s->f) ? "read error" : "truncated PNG data");
		return;
	}
	if (n > s->len - s->pos)
		png_error(png, "truncated PNG data");
	memcpy(out, s->data + s->pos, n);
	s->pos += n;
}

/* Copy the first n bytes of src without consuming them. */
static size_t
peek(struct bx_image_src *s, uint8_t *out, size_t n)
{
	size_t got;

	if (s->f == NULL) {
		got = s->len < n ? s->len : n;
		memcpy(out, s->data, got);
		return got;
	}
	got = fread(out, 1, n, s->f);
	rewind(s->f);
	return got;
}

/* Chunks boxel never uses. libpng skips them unread (CRC aside), so an
 * oversized or compressed-bomb text/ICC chunk costs nothing. */
static const png_byte skip_chunks[] =
	"bKGD\0cHRM\0eXIf\0gAMA\0hIST\0iCCP\0iTXt\0oFFs\0pCAL\0pHYs\0"
	"sBIT\0sCAL\0sPLT\0sRGB\0tEXt\0tIME\0zTXt\0";

/* Read the signature and the chunks up to the first IDAT, with every limit
 * set, and check the header's size. On failure longjmps into d->jb. */
static void
read_header(png_structp png, png_infop info, struct bx_image_src *src,
            const struct bx_image_limits *lim, struct pdec *d,
            png_uint_32 *w, png_uint_32 *h)
{
	struct bx_err e;
	uint8_t head[24];

	png_set_read_fn(png, src, p_read);
	png_set_user_limits(png, (png_uint_32)lim->max_w, (png_uint_32)lim->max_h);
	png_set_chunk_cache_max(png, 256);
	png_set_chunk_malloc_max(png, lim->max_chunk);
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skip_chunks,
	    (int)(sizeof skip_chunks / 5));
	/* Say "over the limit" ourselves rather than libpng's "Invalid IHDR
	 * data": the IHDR is always the first chunk, at a fixed place. */
	if (peek(src, head, sizeof head) == sizeof head && memcmp(head + 12, "IHDR", 4) == 0) {
		png_uint_32 hw = png_get_uint_32(head + 16), hh = png_get_uint_32(head + 20);

		if (bx_image_check_sides("PNG", hw, hh, lim, &e) < 0) {
			d->code = e.code;
			snprintf(d->msg, sizeof d->msg, "%s", e.msg);
			longjmp(d->jb, 1);
		}
	}
	png_read_info(png, info);
	*w = png_get_image_width(png, info);
	*h = png_get_image_height(png, info);
	if (bx_image_check_sides("PNG", *w, *h, lim, &e) < 0) {
		d->code = e.code;
		snprintf(d->msg, sizeof d->msg, "%s", e.msg);
		longjmp(d->jb, 1);
	}
}

/* Composite n pixels of 8-bit RGBA that start at image pixel (x0, y) on
 * the checker, into RGB888. */
static void
composite_row(uint8_t *dst, const uint8_t *rgba, int n, int x0, int y)
{
	int x;

	for (x = x0; x < x0 + n; x++, dst += 3, rgba += 4) {
		unsigned a = rgba[3], bg, c;

		if (a == 255) {
			memcpy(dst, rgba, 3);
			continue;
		}
		bg = ((x / CHECK_SQUARE + y / CHECK_SQUARE) & 1) ? CHECK_LIGHT : CHECK_DARK;
		for (c = 0; c < 3; c++)
			dst[c] = (uint8_t)((rgba[c] * a + bg * (255 - a) + 127) / 255);
	}
}

/* Turn e into d's message and jump to the decoding frame. */
static void
p_fail(struct pdec *d, const struct bx_err *e)
{
	d->code = e->code;
	snprintf(d->msg, sizeof d->msg, "%s", e->msg);
	longjmp(d->jb, 1);
}

/* Ask libpng for 8-bit RGBA rows whatever the colour type and depth; the
 * number of passes tells Adam7 (7) from plain (1). */
static int
setup_rgba(png_structp png, png_infop info, struct pdec *d, png_uint_32 w)
{
	int type = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
	int passes;

	if (type == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	if (png_get_valid(png, info, PNG_INFO_tRNS))
		png_set_tRNS_to_alpha(png);
	if (depth == 16)
		png_set_scale_16(png);
	if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA)
		png_set_gray_to_rgb(png);
	png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER); /* no-op if alpha is there */
	passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	if (png_get_rowbytes(png, info) != (size_t)w * 4) {
		d->code = BX_EINVAL;
		snprintf(d->msg, sizeof d->msg, "invalid PNG: unexpected row layout");
		longjmp(d->jb, 1);
	}
	return passes;
}

/* What one decode makes of the rows: all of them at full size, all of them
 * averaged to an overview, or a rectangle of them. */
enum pmode { P_FULL, P_OVERVIEW, P_REGION, P_STREAM };

struct pjob {
	enum pmode mode;
	int want_w, want_h;   /* P_OVERVIEW */
	int x, y, w, h, s;    /* P_REGION, in pixels of the image at scale 1/s */
	const struct bx_rowsink *sink; /* P_STREAM */
};

/* A region at scale 1/s covers image pixels [fx0, fx1) x [fy0, fy1): the
 * s x s blocks under it, cut short by the image's right and bottom edges. */
struct pregion {
	int s, fx0, fx1, fy0, fy1;
	uint8_t *rgb;    /* one row of [fx0, fx1), composited */
	uint32_t *sum;   /* per output pixel of the current block row */
	struct bx_raster *pix;
};

/* Add image row y (RGBA of the whole row) to the block sums; at the last
 * row of a block (or of the region) write the block averages out. */
static void
region_row(struct pregion *r, const uint8_t *rgba, int y)
{
	int n = r->fx1 - r->fx0, c, i, k;

	composite_row(r->rgb, rgba + (size_t)r->fx0 * 4, n, r->fx0, y);
	for (c = 0; c < n; c++)
		for (k = 0; k < 3; k++)
			r->sum[(c / r->s) * 3 + k] += r->rgb[c * 3 + k];
	if ((y - r->fy0 + 1) % r->s != 0 && y + 1 != r->fy1)
		return;
	for (i = 0; i < r->pix->w; i++) {
		int cols = n - i * r->s < r->s ? n - i * r->s : r->s;
		uint32_t cnt = (uint32_t)(cols * ((y - r->fy0) % r->s + 1));
		uint8_t *o = r->pix->px + ((size_t)((y - r->fy0) / r->s) * r->pix->w + i) * 3;

		for (k = 0; k < 3; k++)
			o[k] = (uint8_t)((r->sum[i * 3 + k] + cnt / 2) / cnt);
	}
	memset(r->sum, 0, sizeof *r->sum * 3 * (size_t)r->pix->w);
}

static int
png_run(struct bx_image_src *src, const struct pjob *job, const struct bx_image_limits *lim,
        struct bx_image *out, struct bx_err *err)
{
	struct pdec d = { .code = 0 };
	png_structp png;
	png_infop info;
	png_uint_32 w, h, y, last;
	int passes, ow = 0, oh = 0;
	volatile enum pmode mode = job->mode;
	struct bx_raster *volatile pix = NULL;
	struct bx_rowavg *volatile avg = NULL;
	uint8_t *volatile buf = NULL, *volatile rgb = NULL;
	uint32_t *volatile sum = NULL;
	png_bytep *volatile rows = NULL;
	struct pregion reg = { 0 };
	struct bx_err e;

	if (p_start(&d, &png, &info, err) < 0)
		return BX_EINVAL;
	if (setjmp(d.jb)) {
		png_destroy_read_struct(&png, &info, NULL);
		free(rows);
		free(buf);
		free(rgb);
		free(sum);
		bx_rowavg_free(avg);
		bx_raster_free(pix);
		return bx_err_set(err, d.code, "%s", d.msg);
	}
	read_header(png, info, src, lim, &d, &w, &h);
	if (mode == P_OVERVIEW) {
		bx_image_overview_size((int)w, (int)h, job->want_w, job->want_h, &ow, &oh);
		if ((png_uint_32)ow == w && (png_uint_32)oh == h)
			mode = P_FULL;
	}
	passes = setup_rgba(png, info, &d, w);
	if (mode == P_STREAM) {
		/* Adam7 would need the whole image held: the one thing a stream
		 * is there to avoid. */
		if (passes > 1) {
			bx_err_set(&e, BX_EINVAL, "an Adam7-interlaced PNG cannot be read row by row");
			p_fail(&d, &e);
		}
		if (job->sink->begin(job->sink->ctx, (int)w, (int)h, &e) < 0)
			p_fail(&d, &e);
	}

	/* The budget counts what is held: the result, and the whole image
	 * where Adam7 makes us keep it. */
	if (mode == P_REGION) {
		int s = job->s;

		if (bx_image_check_region(job->x, job->y, job->w, job->h, (w + s - 1) / s,
		    (h + s - 1) / s, lim, &e) < 0)
			p_fail(&d, &e);
		reg.s = s;
		reg.fx0 = job->x * s;
		reg.fy0 = job->y * s;
		reg.fx1 = (int64_t)(job->x + job->w) * s < w ? (job->x + job->w) * s : (int)w;
		reg.fy1 = (int64_t)(job->y + job->h) * s < h ? (job->y + job->h) * s : (int)h;
	}
	if ((mode == P_FULL || passes > 1) &&
	    bx_image_check_pixels(mode == P_FULL ? "PNG" : "interlaced PNG", w, h, lim, &e) < 0)
		p_fail(&d, &e);
	if (mode == P_OVERVIEW &&
	    bx_image_check_pixels("PNG overview", (uint32_t)ow, (uint32_t)oh, lim, &e) < 0)
		p_fail(&d, &e);

	last = mode == P_REGION ? (png_uint_32)reg.fy1 : h;
	if (passes > 1) {
		/* Adam7 fills every row over seven passes: keep the whole image
		 * (RGBA) until all are done. The buffers are in the volatile
		 * pointers before libpng may jump out of png_read_image. */
		buf = bx_malloc((size_t)w * h * 4);
		rows = bx_malloc(sizeof(png_bytep) * h);
		for (y = 0; y < h; y++)
			rows[y] = buf + (size_t)y * w * 4;
		png_read_image(png, rows);
	} else {
		buf = bx_malloc((size_t)w * 4);
	}
	if (mode == P_OVERVIEW || mode == P_STREAM) {
		if (mode == P_OVERVIEW)
			avg = bx_rowavg_new((int)w, (int)h, ow, oh);
		rgb = bx_malloc((size_t)w * 3);
	} else if (mode == P_REGION) {
		pix = bx_raster_new(job->w, job->h);
		rgb = bx_malloc((size_t)(reg.fx1 - reg.fx0) * 3);
		sum = calloc((size_t)job->w * 3, sizeof *sum);
		if (sum == NULL)
			abort();
		reg.pix = pix;
		reg.rgb = rgb;
		reg.sum = sum;
	} else {
		pix = bx_raster_new((int)w, (int)h);
	}
	for (y = 0; y < last; y++) {
		const uint8_t *rgba = passes > 1 ? rows[y] : buf;

		if (passes == 1)
			png_read_row(png, buf, NULL);
		if (mode == P_OVERVIEW || mode == P_STREAM) {
			composite_row(rgb, rgba, (int)w, 0, (int)y);
			if (mode == P_STREAM) {
				if (job->sink->row(job->sink->ctx, rgb, (int)y, &e) < 0)
					p_fail(&d, &e);
			} else
				bx_rowavg_push(avg, rgb);
		} else if (mode == P_FULL) {
			composite_row(pix->px + (size_t)y * w * 3, rgba, (int)w, 0, (int)y);
		} else if ((int)y >= reg.fy0) {
			region_row(&reg, rgba, (int)y);
		}
	}
	/* Rows past the last wanted are never read: a region near the top of
	 * a huge PNG costs only the rows down to it. */
	png_destroy_read_struct(&png, &info, NULL);
	free(rows);
	free(buf);
	free(rgb);
	free(sum);
	if (avg != NULL) {
		pix = bx_rowavg_finish(avg);
		bx_rowavg_free(avg);
	}
	out->pix = pix;
	out->full_w = (int)w;
	out->full_h = (int)h;
	return 0;
}

int
bx_png_decode(struct bx_image_src *src, int want_w, int want_h,
              const struct bx_image_limits *lim, struct bx_image *out, struct bx_err *err)
{
	struct pjob job = { .mode = P_FULL, .want_w = want_w, .want_h = want_h };

	if (want_w > 0 || want_h > 0)
		job.mode = P_OVERVIEW;
	return png_run(src, &job, lim, out, err);
}

int
bx_png_region(struct bx_image_src *src, int x, int y, int w, int h, int s,
              const struct bx_image_limits *lim, struct bx_image *out, struct bx_err *err)
{
	struct pjob job = { .mode = P_REGION, .x = x, .y = y, .w = w, .h = h, .s = s };

	return png_run(src, &job, lim, out, err);
}

int
bx_png_stream(struct bx_image_src *src, const struct bx_image_limits *lim,
              const struct bx_rowsink *sink, struct bx_err *err)
{
	struct pjob job = { .mode = P_STREAM, .sink = sink };
	struct bx_image out = { 0 };

	return png_run(src, &job, lim, &out, err);
}

int
bx_png_probe(struct bx_image_src *src, const struct bx_image_limits *lim,
             int *w_out, int *h_out, struct bx_err *err)
{
	struct pdec d = { .code = 0 };
	png_structp png;
	png_infop info;
	png_uint_32 w, h;

	if (p_start(&d, &png, &info, err) < 0)
		return BX_EINVAL;
	if (setjmp(d.jb)) {
		png_destroy_read_struct(&png, &info, NULL);
		return bx_err_set(err, d.code, "%s", d.msg);
	}
	read_header(png, info, src, lim, &d, &w, &h);
	png_destroy_read_struct(&png, &info, NULL);
	*w_out = (int)w;
	*h_out = (int)h;
	return 0;
}
