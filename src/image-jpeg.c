/* image-jpeg.c: JPEG through libjpeg(-turbo) into RGB888, decoded with DCT
 * scaling at the smallest M/8 that still covers the requested size, then
 * turned upright by the EXIF orientation. libjpeg's errors longjmp back
 * here and become one line. Raster pixels, origin top-left. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "boxel/util.h"
#include "image-int.h"

struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
	int code;
	char msg[sizeof(struct bx_err){0}.msg];
};

struct jprog {
	struct jpeg_progress_mgr pub;
	int max_scans;
};

static void
j_fail(j_common_ptr c, int code, const char *msg)
{
	struct jerr *e = (struct jerr *)c->err;

	e->code = code;
	snprintf(e->msg, sizeof e->msg, "%s", msg);
	longjmp(e->jb, 1);
}

static void
j_error_exit(j_common_ptr c)
{
	char buf[JMSG_LENGTH_MAX], line[JMSG_LENGTH_MAX + 32];

	c->err->format_message(c, buf);
	snprintf(line, sizeof line, "invalid JPEG: %s", buf);
	j_fail(c, c->err->msg_code == JERR_IMAGE_TOO_BIG ? BX_ELIMIT : BX_EINVAL, line);
}

/* libjpeg only warns where the data runs out and decodes the rest as gray;
 * for a labeling tool a cut-off image is an error. It runs out two ways:
 * at the end of the file (JWRN_JPEG_EOF), or at a marker, typically the
 * EOI of a file whose scan is shorter than its header says
 * (JWRN_HIT_MARKER: the entropy decoder needed bits that were not there).
 * Other warnings (stray bytes before a marker and the like) are
 * tolerated, as viewers do. */
static void
j_emit_message(j_common_ptr c, int level)
{
	if (level < 0) {
		c->err->num_warnings++;
		if (c->err->msg_code == JWRN_JPEG_EOF || c->err->msg_code == JWRN_HIT_MARKER)
			j_fail(c, BX_EINVAL, "truncated JPEG data");
	}
}

/* Progressive files can hold any number of scans, each a full pass over the
 * coefficients; cap them as TurboJPEG does. */
static void
j_progress(j_common_ptr c)
{
	struct jprog *p = (struct jprog *)c->progress;
	j_decompress_ptr d = (j_decompress_ptr)c;
	char line[96];

	if (d->input_scan_number > p->max_scans) {
		snprintf(line, sizeof line, "progressive JPEG has more than %d scans (limit)",
		    p->max_scans);
		j_fail(c, BX_ELIMIT, line);
	}
}

/* A file source with a larger buffer than jpeg_stdio_src's 4 KiB.
 * libjpeg-turbo's fast Huffman decoder runs only while the buffer holds
 * 512 bytes per block of an MCU (1.5 KiB for 4:4:4, 3 KiB for 4:2:0), and
 * falls back to its bit-at-a-time path for the rest of each refill: with
 * 4 KiB that is a third to three quarters of every buffer; with 64 KiB,
 * a few percent. The buffer lives in libjpeg's permanent pool, freed by
 * jpeg_destroy_decompress like the stdio source's. */
#define JSRC_BUF 65536

struct jsrc {
	struct jpeg_source_mgr pub;
	FILE *f;
	JOCTET *buf;
};

static void
jsrc_init(j_decompress_ptr ci)
{
	(void)ci;
}

/* At the end of the file, what jpeg_stdio_src does: warn (which
 * j_emit_message makes an error for a scan cut short) and hand over a
 * fake EOI so the header reader ends cleanly. */
static boolean
jsrc_fill(j_decompress_ptr ci)
{
	struct jsrc *s = (struct jsrc *)ci->src;
	size_t n = fread(s->buf, 1, JSRC_BUF, s->f);

	if (n == 0) {
		if (ferror(s->f))
			j_fail((j_common_ptr)ci, BX_EIO, "JPEG read failed");
		WARNMS(ci, JWRN_JPEG_EOF);
		s->buf[0] = (JOCTET)0xFF;
		s->buf[1] = (JOCTET)JPEG_EOI;
		n = 2;
	}
	s->pub.next_input_byte = s->buf;
	s->pub.bytes_in_buffer = n;
	return TRUE;
}

static void
jsrc_skip(j_decompress_ptr ci, long n)
{
	struct jsrc *s = (struct jsrc *)ci->src;

	if (n <= 0)
		return;
	while (n > (long)s->pub.bytes_in_buffer) {
		n -= (long)s->pub.bytes_in_buffer;
		jsrc_fill(ci);
	}
	s->pub.next_input_byte += n;
	s->pub.bytes_in_buffer -= (size_t)n;
}

static void
jsrc_term(j_decompress_ptr ci)
{
	(void)ci;
}

static void
jsrc_set(struct jpeg_decompress_struct *ci, FILE *f)
{
	struct jsrc *s = (*ci->mem->alloc_small)((j_common_ptr)ci, JPOOL_PERMANENT, sizeof *s);

	s->buf = (*ci->mem->alloc_small)((j_common_ptr)ci, JPOOL_PERMANENT, JSRC_BUF);
	s->f = f;
	s->pub.init_source = jsrc_init;
	s->pub.fill_input_buffer = jsrc_fill;
	s->pub.skip_input_data = jsrc_skip;
	s->pub.resync_to_restart = jpeg_resync_to_restart;
	s->pub.term_source = jsrc_term;
	s->pub.bytes_in_buffer = 0;
	s->pub.next_input_byte = NULL;
	ci->src = &s->pub;
}

static void
j_setup(struct jpeg_decompress_struct *ci, struct jerr *je, struct bx_image_src *src)
{
	ci->err = jpeg_std_error(&je->pub);
	je->pub.error_exit = j_error_exit;
	je->pub.emit_message = j_emit_message;
	jpeg_create_decompress(ci);
	if (src->f != NULL)
		jsrc_set(ci, src->f);
	else
		jpeg_mem_src(ci, src->data, (unsigned long)src->len);
	jpeg_save_markers(ci, JPEG_APP0 + 1, 0xffff);
}

static int
orientation_of(struct jpeg_decompress_struct *ci)
{
	jpeg_saved_marker_ptr m;

	for (m = ci->marker_list; m != NULL; m = m->next)
		if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 &&
		    memcmp(m->data, "Exif\0\0", 6) == 0)
			return bx_exif_orientation(m->data, m->data_length);
	return 1;
}

/* Header checks common to probe and decode: side limits on the oriented
 * size. Longjmps on failure. */
static void
check_header(struct jpeg_decompress_struct *ci, const struct bx_image_limits *lim,
             int o, uint32_t *ow, uint32_t *oh)
{
	struct bx_err e;

	*ow = o >= 5 ? ci->image_height : ci->image_width;
	*oh = o >= 5 ? ci->image_width : ci->image_height;
	if (bx_image_check_sides("JPEG", *ow, *oh, lim, &e) < 0)
		j_fail((j_common_ptr)ci, e.code, e.msg);
}

/* The smallest scale M/8 (M = 1..8) whose output covers want (raw axes);
 * a want <= 0 leaves that axis free. Leaves the choice in ci. */
static void
choose_scale(struct jpeg_decompress_struct *ci, int want_w, int want_h)
{
	unsigned m;

	ci->scale_denom = 8;
	ci->scale_num = 8;
	if (want_w <= 0 && want_h <= 0)
		return;
	for (m = 1; m <= 8; m++) {
		ci->scale_num = m;
		jpeg_calc_output_dimensions(ci);
		if ((want_w <= 0 || ci->output_width >= (unsigned)want_w) &&
		    (want_h <= 0 || ci->output_height >= (unsigned)want_h))
			return;
	}
	ci->scale_num = 8;
}

/* Adobe CMYK JPEGs store inverted inks; plain ones do not. */
static void
cmyk_row(uint8_t *dst, const uint8_t *src, unsigned w, int inverted)
{
	unsigned x, c, k;

	for (x = 0; x < w; x++, dst += 3, src += 4) {
		k = inverted ? src[3] : 255u - src[3];
		for (c = 0; c < 3; c++) {
			unsigned ink = inverted ? src[c] : 255u - src[c];

			dst[c] = (uint8_t)((ink * k + 127) / 255);
		}
	}
}

/* RGB out, or CMYK to be inverted by cmyk_row (returns 1). */
static int
set_output_rgb(struct jpeg_decompress_struct *ci)
{
	switch (ci->jpeg_color_space) {
	case JCS_GRAYSCALE:
	case JCS_YCbCr:
	case JCS_RGB:
		ci->out_color_space = JCS_RGB;
		return 0;
	case JCS_CMYK:
	case JCS_YCCK:
		ci->out_color_space = JCS_CMYK;
		return 1;
	default:
		j_fail((j_common_ptr)ci, BX_EINVAL, "unsupported JPEG color space");
		return 0;
	}
}

int
bx_jpeg_decode(struct bx_image_src *src, int want_w, int want_h,
               const struct bx_image_limits *lim, struct bx_image *out,
               struct bx_err *err)
{
	struct jpeg_decompress_struct ci;
	struct jerr je = { .code = 0 };
	struct jprog prog;
	struct bx_raster *volatile pix = NULL;
	uint8_t *volatile row = NULL;
	struct bx_err e;
	uint32_t ow, oh;
	int o, cmyk;

	if (setjmp(je.jb)) {
		jpeg_destroy_decompress(&ci);
		free(row);
		bx_raster_free(pix);
		return bx_err_set(err, je.code, "%s", je.msg);
	}
	j_setup(&ci, &je, src);
	jpeg_read_header(&ci, TRUE);
	o = orientation_of(&ci);
	check_header(&ci, lim, o, &ow, &oh);
	/* Multi-scan files are decoded through a full-resolution coefficient
	 * buffer (2 bytes per sample), whatever the output scale. */
	if (jpeg_has_multiple_scans(&ci) &&
	    bx_image_check_pixels("progressive JPEG", ow, oh, lim, &e) < 0)
		j_fail((j_common_ptr)&ci, e.code, e.msg);

	cmyk = set_output_rgb(&ci);
	if (o >= 5)
		choose_scale(&ci, want_h, want_w);
	else
		choose_scale(&ci, want_w, want_h);
	jpeg_calc_output_dimensions(&ci);
	if (bx_image_check_pixels("JPEG", ci.output_width, ci.output_height, lim, &e) < 0)
		j_fail((j_common_ptr)&ci, e.code, e.msg);

	prog.pub.progress_monitor = j_progress;
	prog.max_scans = lim->max_scans;
	ci.progress = &prog.pub;
	jpeg_start_decompress(&ci);

	pix = bx_raster_new((int)ci.output_width, (int)ci.output_height);
	if (cmyk)
		row = bx_malloc((size_t)ci.output_width * 4);
	while (ci.output_scanline < ci.output_height) {
		uint8_t *dst = pix->px + (size_t)ci.output_scanline * ci.output_width * 3;
		JSAMPROW rp = cmyk ? row : dst;

		if (jpeg_read_scanlines(&ci, &rp, 1) != 1)
			j_fail((j_common_ptr)&ci, BX_EINVAL, "truncated JPEG data");
		if (cmyk)
			cmyk_row(dst, row, ci.output_width, ci.saw_Adobe_marker);
	}
	/* No jpeg_finish_decompress: every pixel is here; whatever follows the
	 * last scan need not be read. */
	jpeg_destroy_decompress(&ci);
	free(row);
	out->pix = bx_image_orient(pix, o);
	out->full_w = (int)ow;
	out->full_h = (int)oh;
	return 0;
}

/* The region: the stored rectangle under the oriented one is decoded at
 * the DCT scale asked, cropped with jpeg_crop_scanline and started with
 * jpeg_skip_scanlines, then turned upright.
 *
 * Both calls work in whole iMCUs (crop rounds x down to an iMCU column and
 * widens the width to match), and the pixels next to a crop edge are not
 * those of a full decode: fancy upsampling of subsampled chroma and
 * progressive block smoothing read the neighbouring blocks, which a crop
 * edge replaces by the edge itself. So the crop and the skip stop MARGIN
 * iMCUs short of the region (the smoothing window is at most two blocks of
 * the component, one iMCU of a subsampled one), and those rows and columns
 * are decoded and dropped: what is kept is pixel for pixel a full decode. */
#define MARGIN 2

int
bx_jpeg_region(struct bx_image_src *src, int x, int y, int w, int h, int s,
               const struct bx_image_limits *lim, struct bx_image *out,
               struct bx_err *err)
{
	struct jpeg_decompress_struct ci;
	struct jerr je = { .code = 0 };
	struct jprog prog;
	struct bx_raster *volatile pix = NULL;
	uint8_t *volatile row = NULL;
	struct bx_err e;
	uint32_t ow, oh;
	JDIMENSION cx, cw, cy, end;
	int o, cmyk, sx = x, sy = y, sw = w, sh = h, mx, my, bpp;

	if (setjmp(je.jb)) {
		jpeg_destroy_decompress(&ci);
		free(row);
		bx_raster_free(pix);
		return bx_err_set(err, je.code, "%s", je.msg);
	}
	j_setup(&ci, &je, src);
	jpeg_read_header(&ci, TRUE);
	o = orientation_of(&ci);
	check_header(&ci, lim, o, &ow, &oh);
	/* Scale 1/s is DCT scaling at M/8 = 1/s, the same as bx_jpeg_decode's
	 * choose_scale lands on; the region is in its (oriented) pixels. */
	ci.scale_num = 8 / (unsigned)s;
	ci.scale_denom = 8;
	jpeg_calc_output_dimensions(&ci);
	if (bx_image_check_region(x, y, w, h, o >= 5 ? ci.output_height : ci.output_width,
	    o >= 5 ? ci.output_width : ci.output_height, lim, &e) < 0)
		j_fail((j_common_ptr)&ci, e.code, e.msg);
	/* A multi-scan file buffers all its coefficients before the first
	 * row comes out, whatever is cropped. */
	if (jpeg_has_multiple_scans(&ci) &&
	    bx_image_check_pixels("progressive JPEG", ow, oh, lim, &e) < 0)
		j_fail((j_common_ptr)&ci, e.code, e.msg);
	cmyk = set_output_rgb(&ci);
	bx_image_unorient_rect(o, (int)(o >= 5 ? ci.output_height : ci.output_width),
	    (int)(o >= 5 ? ci.output_width : ci.output_height), &sx, &sy, &sw, &sh);

	prog.pub.progress_monitor = j_progress;
	prog.max_scans = lim->max_scans;
	ci.progress = &prog.pub;
	jpeg_start_decompress(&ci);

	/* In output pixels: MARGIN iMCUs at scale 1. Scaled, an iMCU shrinks
	 * and this stays, which is only more margin than needed. */
	mx = MARGIN * ci.max_h_samp_factor * DCTSIZE;
	my = MARGIN * ci.max_v_samp_factor * DCTSIZE;
	cx = sx > mx ? (JDIMENSION)(sx - mx) : 0;
	end = (JDIMENSION)(sx + sw + mx) < ci.output_width ? (JDIMENSION)(sx + sw + mx)
	                                                    : ci.output_width;
	cw = end - cx;
	jpeg_crop_scanline(&ci, &cx, &cw);   /* cx moves left to an iMCU edge */
	cy = sy > my ? (JDIMENSION)(sy - my) : 0;
	if (cy > 0 && jpeg_skip_scanlines(&ci, cy) != cy)
		j_fail((j_common_ptr)&ci, BX_EINVAL, "truncated JPEG data");

	bpp = cmyk ? 4 : 3;
	pix = bx_raster_new(sw, sh);
	row = bx_malloc((size_t)ci.output_width * bpp);
	while (ci.output_scanline < (JDIMENSION)(sy + sh)) {
		JSAMPROW rp = row;
		JDIMENSION r = ci.output_scanline;
		uint8_t *dst;

		if (jpeg_read_scanlines(&ci, &rp, 1) != 1)
			j_fail((j_common_ptr)&ci, BX_EINVAL, "truncated JPEG data");
		if (r < (JDIMENSION)sy)
			continue;
		dst = pix->px + (size_t)(r - sy) * sw * 3;
		if (cmyk)
			cmyk_row(dst, row + (size_t)(sx - cx) * 4, (unsigned)sw, ci.saw_Adobe_marker);
		else
			memcpy(dst, row + (size_t)(sx - cx) * 3, (size_t)sw * 3);
	}
	/* Rows below the region are never decoded. */
	jpeg_destroy_decompress(&ci);
	free(row);
	out->pix = bx_image_orient(pix, o);
	out->full_w = (int)ow;
	out->full_h = (int)oh;
	return 0;
}

int
bx_jpeg_stream(struct bx_image_src *src, const struct bx_image_limits *lim,
               const struct bx_rowsink *sink, struct bx_err *err)
{
	struct jpeg_decompress_struct ci;
	struct jerr je = { .code = 0 };
	uint8_t *volatile rgb = NULL, *volatile row = NULL;
	struct bx_err e;
	uint32_t ow, oh;
	int cmyk;

	if (setjmp(je.jb)) {
		jpeg_destroy_decompress(&ci);
		free(rgb);
		free(row);
		return bx_err_set(err, je.code, "%s", je.msg);
	}
	j_setup(&ci, &je, src);
	jpeg_read_header(&ci, TRUE);
	check_header(&ci, lim, 1, &ow, &oh);
	/* Rows come in stored order: upright only without a turn; and a
	 * progressive file holds every coefficient until its last scan. */
	if (orientation_of(&ci) != 1)
		j_fail((j_common_ptr)&ci, BX_EINVAL, "an EXIF-turned JPEG is not read row by row");
	if (jpeg_has_multiple_scans(&ci))
		j_fail((j_common_ptr)&ci, BX_EINVAL, "a progressive JPEG is not read row by row");
	cmyk = set_output_rgb(&ci);
	jpeg_start_decompress(&ci);
	if (sink->begin(sink->ctx, (int)ci.output_width, (int)ci.output_height, &e) < 0)
		j_fail((j_common_ptr)&ci, e.code, e.msg);
	rgb = bx_malloc((size_t)ci.output_width * 3);
	if (cmyk)
		row = bx_malloc((size_t)ci.output_width * 4);
	while (ci.output_scanline < ci.output_height) {
		JSAMPROW rp = cmyk ? row : rgb;
		int y = (int)ci.output_scanline;

		if (jpeg_read_scanlines(&ci, &rp, 1) != 1)
			j_fail((j_common_ptr)&ci, BX_EINVAL, "truncated JPEG data");
		if (cmyk)
			cmyk_row(rgb, row, ci.output_width, ci.saw_Adobe_marker);
		if (sink->row(sink->ctx, rgb, y, &e) < 0)
			j_fail((j_common_ptr)&ci, e.code, e.msg);
	}
	jpeg_destroy_decompress(&ci);
	free(rgb);
	free(row);
	return 0;
}

int
bx_jpeg_plan(struct bx_image_src *src, const struct bx_image_limits *lim, int *w_out,
             int *h_out, int *orient_out, int *progressive_out, struct bx_err *err)
{
	struct jpeg_decompress_struct ci;
	struct jerr je = { .code = 0 };
	uint32_t ow, oh;

	if (setjmp(je.jb)) {
		jpeg_destroy_decompress(&ci);
		return bx_err_set(err, je.code, "%s", je.msg);
	}
	j_setup(&ci, &je, src);
	jpeg_read_header(&ci, TRUE);
	*orient_out = orientation_of(&ci);
	check_header(&ci, lim, *orient_out, &ow, &oh);
	*progressive_out = jpeg_has_multiple_scans(&ci);
	jpeg_destroy_decompress(&ci);
	*w_out = (int)ow;
	*h_out = (int)oh;
	return 0;
}

int
bx_jpeg_probe(struct bx_image_src *src, const struct bx_image_limits *lim,
              int *w_out, int *h_out, struct bx_err *err)
{
	int orient, progressive;

	return bx_jpeg_plan(src, lim, w_out, h_out, &orient, &progressive, err);
}
