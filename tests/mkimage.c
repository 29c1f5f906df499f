/* mkimage.c: writes a synthetic PNG or JPEG of any size, row by row (so
 * a 20000x20000 image costs one row of memory), for the region fixtures of
 * tests/data (see make-fixtures.sh) and the region benchmark. Not part of
 * boxel: the encoders live here only to make test inputs.
 *
 *   mkimage OUT.jpg|OUT.png W H [-p] [-s 420|422|444] [-r ROWS] [-q Q]
 *           [-o ORIENTATION] [-a] [-i] [-n NOISE] [-z LEVEL] [-f]
 *
 * -p progressive JPEG, -s chroma subsampling (default 420), -r restart
 * interval in MCU rows, -q quality (85), -o an EXIF orientation tag,
 * -a PNG with alpha, -i Adam7-interlaced PNG, -n per-pixel noise amplitude
 * (default 24; 0 for a smooth image that compresses well), -z zlib level,
 * -f fast PNG writing (one filter, run-length zlib).
 *
 * The picture: gradients, 13x11 checker squares (sharp edges for chroma
 * upsampling to get wrong) and hashed noise, all a function of (x, y). */
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>

struct opts {
	int w, h, progressive, sampling, restart, quality, orientation, alpha, interlace;
	int noise, zlevel, fast;
};

static unsigned
hash(unsigned x, unsigned y)
{
	unsigned v = x * 0x9e3779b1u ^ y * 0x85ebca77u;

	v ^= v >> 15;
	v *= 0x2c1b3c6du;
	return v ^ v >> 12;
}

static void
pixel_row(const struct opts *o, int y, uint8_t *out, int channels)
{
	int x;

	for (x = 0; x < o->w; x++, out += channels) {
		int sq = (x / 13 + y / 11) & 1, n = 0, v[4], c;

		if (o->noise > 0)
			n = (int)(hash((unsigned)x, (unsigned)y) % (unsigned)(2 * o->noise + 1)) - o->noise;
		v[0] = (int)((int64_t)x * 255 / (o->w > 1 ? o->w - 1 : 1)) + (sq ? 40 : -40) + n;
		v[1] = (int)((int64_t)y * 255 / (o->h > 1 ? o->h - 1 : 1)) + n;
		v[2] = (sq ? 200 : 50) + n;
		v[3] = ((x / 7 + y / 5) % 3) * 127;   /* 0, 127, 254 */
		for (c = 0; c < channels; c++)
			out[c] = (uint8_t)(v[c] < 0 ? 0 : v[c] > 255 ? 255 : v[c]);
	}
}

static void
exif_orientation(j_compress_ptr ci, int o)
{
	/* "Exif\0\0", a big-endian TIFF header, IFD0 with one SHORT entry. */
	uint8_t app1[6 + 8 + 2 + 12 + 4] = { 'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0, 42, 0, 0, 0, 8,
		0, 1,
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0,
		0, 0, 0, 0 };

	app1[6 + 8 + 2 + 8 + 1] = (uint8_t)o;
	jpeg_write_marker(ci, JPEG_APP0 + 1, app1, sizeof app1);
}

static int
write_jpeg(const char *path, const struct opts *o)
{
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr je;
	FILE *f = fopen(path, "wb");
	uint8_t *row;
	int y;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	ci.err = jpeg_std_error(&je);
	jpeg_create_compress(&ci);
	jpeg_stdio_dest(&ci, f);
	ci.image_width = (JDIMENSION)o->w;
	ci.image_height = (JDIMENSION)o->h;
	ci.input_components = 3;
	ci.in_color_space = JCS_RGB;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, o->quality, TRUE);
	ci.comp_info[0].h_samp_factor = o->sampling == 444 ? 1 : 2;
	ci.comp_info[0].v_samp_factor = o->sampling == 420 ? 2 : 1;
	ci.restart_in_rows = o->restart;
	if (o->progressive)
		jpeg_simple_progression(&ci);
	jpeg_start_compress(&ci, TRUE);
	if (o->orientation > 0)
		exif_orientation(&ci, o->orientation);
	row = malloc((size_t)o->w * 3);
	for (y = 0; y < o->h; y++) {
		JSAMPROW rp = row;

		pixel_row(o, y, row, 3);
		jpeg_write_scanlines(&ci, &rp, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	free(row);
	return fclose(f) != 0;
}

static int
write_png(const char *path, const struct opts *o)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	int ch = o->alpha ? 4 : 3, passes, p, y;
	FILE *f = fopen(path, "wb");
	uint8_t *row;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	if (setjmp(png_jmpbuf(png))) {
		fprintf(stderr, "mkimage: libpng failed on %s\n", path);
		return 1;
	}
	png_init_io(png, f);
	png_set_compression_level(png, o->zlevel);
	/* -f: one filter (SUB) instead of trying all five per row, and zlib's
	 * RLE strategy: a 40000x40000 image in a minute, not several. */
	if (o->fast) {
		png_set_filter(png, 0, PNG_FILTER_SUB);
		png_set_compression_strategy(png, 3 /* Z_RLE */);
	}
	png_set_IHDR(png, info, (png_uint_32)o->w, (png_uint_32)o->h, 8,
	    o->alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
	    o->interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	passes = png_set_interlace_handling(png);
	row = malloc((size_t)o->w * ch);
	/* libpng picks each pass's pixels out of full rows it is handed again
	 * per pass. */
	for (p = 0; p < passes; p++)
		for (y = 0; y < o->h; y++) {
			pixel_row(o, y, row, ch);
			png_write_row(png, row);
		}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	return fclose(f) != 0;
}

int
main(int argc, char **argv)
{
	struct opts o = { .sampling = 420, .quality = 85, .noise = 24, .zlevel = 6 };
	const char *out, *dot;
	int c;

	while ((c = getopt(argc, argv, "ps:r:q:o:ain:z:f")) != -1) {
		switch (c) {
		case 'p': o.progressive = 1; break;
		case 's': o.sampling = atoi(optarg); break;
		case 'r': o.restart = atoi(optarg); break;
		case 'q': o.quality = atoi(optarg); break;
		case 'o': o.orientation = atoi(optarg); break;
		case 'a': o.alpha = 1; break;
		case 'i': o.interlace = 1; break;
		case 'n': o.noise = atoi(optarg); break;
		case 'z': o.zlevel = atoi(optarg); break;
		case 'f': o.fast = 1; break;
		default: return 2;
		}
	}
	if (argc - optind != 3 || (o.w = atoi(argv[optind + 1])) <= 0 ||
	    (o.h = atoi(argv[optind + 2])) <= 0) {
		fprintf(stderr, "usage: mkimage OUT.jpg|OUT.png W H [options]\n");
		return 2;
	}
	out = argv[optind];
	dot = strrchr(out, '.');
	if (dot != NULL && strcmp(dot, ".png") == 0)
		return write_png(out, &o);
	return write_jpeg(out, &o);
}
