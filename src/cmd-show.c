/* cmd-show.c: `boxel show`, images printed to stdout as block graphics with
 * SGR colors. Sizes here are in cells (the --size box) and display pixels
 * (cells times the symbol's pixels per cell). */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boxel/ansi.h"
#include "boxel/cells.h"
#include "boxel/cli.h"
#include "boxel/image.h"
#include "boxel/raster.h"
#include "boxel/term.h"
#include "boxel/util.h"

#define SHOW_MAX_CELLS 2000 /* per side of --size */

extern const struct bx_cmd bx_cmd_show;

static int
parse_size(const char *s, int *w_out, int *h_out)
{
	char *end;
	long w, h;

	if (*s < '0' || *s > '9')
		return -1;
	w = strtol(s, &end, 10);
	if (*end != 'x' && *end != 'X')
		return -1;
	s = end + 1;
	if (*s < '0' || *s > '9')
		return -1;
	h = strtol(s, &end, 10);
	if (*end != '\0' || w < 1 || h < 1 || w > SHOW_MAX_CELLS || h > SHOW_MAX_CELLS)
		return -1;
	*w_out = (int)w;
	*h_out = (int)h;
	return 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Decode path at the size that fits cols x rows cells and append its text. */
static int
show_one(const char *path, int cols, int rows, enum bx_symbols sym, enum bx_colors colors,
         struct bx_buf *out, struct bx_err *err)
{
	struct bx_image img = { 0 };
	struct bx_image_limits lim;
	struct bx_image_plan plan;
	struct bx_raster *disp;
	struct bx_grid *g;
	int fw, fh, bw, bh, pw, ph, rc;

	/* What the labeling screen can show, this can: an image it reads from
	 * tiles (bx_image_plan) streams its rows here, averaged down as they
	 * come (a PNG of 65535 per side costs a row and the result), so the
	 * decoders' usual side limit does not apply to it. */
	rc = bx_image_plan(path, &plan, err);
	if (rc < 0)
		return rc;
	fw = plan.w;
	fh = plan.h;
	bx_image_limits_default(&lim);
	if (plan.tiles)
		lim.max_w = lim.max_h = BX_TILES_MAX_SIDE;
	/* Display pixels are square: a half-block cell is 1x2 of them, a
	 * quadrant cell 2x2. Round the pixels down to whole cells (at most one
	 * pixel of aspect error) so no cell is half empty. */
	bx_cells_raster_size(sym, cols, rows, &bw, &bh);
	bx_raster_fit(fw, fh, bw, bh, &pw, &ph);
	if (sym == BX_SYMBOLS_QUAD && pw > 1)
		pw &= ~1;
	if (ph > 1)
		ph &= ~1;
	rc = bx_image_load(path, pw, ph, &lim, &img, err);
	if (rc < 0)
		return rc;
	disp = bx_raster_downscale(img.pix, pw, ph);
	bx_image_release(&img);
	if (disp == NULL)
		return bx_err_set(err, BX_EINVAL, "image has no pixels");
	g = bx_grid_new(sym == BX_SYMBOLS_QUAD ? (pw + 1) / 2 : pw, (ph + 1) / 2);
	bx_cells_render(disp, sym, colors, g, 0, 0);
	bx_ansi_grid(g, out);
	bx_grid_free(g);
	bx_raster_free(disp);
	return 0;
}

static int
cmd_show_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "colors", required_argument, NULL, 'c' },
		{ "symbols", required_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	int cols = 0, rows = 0, have_colors = 0, failed = 0, i, o;
	enum bx_colors colors = BX_COLORS_FULL;
	enum bx_symbols sym = BX_SYMBOLS_HALF;
	struct bx_buf out;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			if (parse_size(optarg, &cols, &rows) < 0) {
				bx_cli_error("show: --size %s: expected WxH, each 1..%d cells",
				             optarg, SHOW_MAX_CELLS);
				return BX_EXIT_USAGE;
			}
			break;
		case 'c':
			have_colors = 1;
			if (strcmp(optarg, "full") == 0 || strcmp(optarg, "truecolor") == 0)
				colors = BX_COLORS_FULL;
			else if (strcmp(optarg, "256") == 0)
				colors = BX_COLORS_256;
			else if (strcmp(optarg, "16") == 0)
				colors = BX_COLORS_16;
			else {
				bx_cli_error("show: --colors %s: expected full, 256 or 16", optarg);
				return BX_EXIT_USAGE;
			}
			break;
		case 'y':
			if (strcmp(optarg, "half") == 0)
				sym = BX_SYMBOLS_HALF;
			else if (strcmp(optarg, "quad") == 0)
				sym = BX_SYMBOLS_QUAD;
			else {
				bx_cli_error("show: --symbols %s: expected half or quad", optarg);
				return BX_EXIT_USAGE;
			}
			break;
		default:
			bx_cli_error("show: %s: unknown option or missing value", argv[optind - 1]);
			return bx_cli_usage(&bx_cmd_show);
		}
	}
	if (optind >= argc) {
		bx_cli_error("show: no FILE given");
		return bx_cli_usage(&bx_cmd_show);
	}
	if (cols == 0) {
		/* The terminal's size, one row left for the prompt; 80x24 when
		 * stdout is a file or a pipe. */
		if (bx_term_size(STDOUT_FILENO, &cols, &rows) == 0) {
			if (rows > 1)
				rows--;
		} else {
			cols = 80;
			rows = 24;
		}
		if (cols > SHOW_MAX_CELLS)
			cols = SHOW_MAX_CELLS;
		if (rows > SHOW_MAX_CELLS)
			rows = SHOW_MAX_CELLS;
	}
	if (!have_colors)
		colors = bx_term_detect_colors();

	/* One short run that allocates a decode, a grid and the text, each
	 * freed before the next is made: from the heap rather than a mapping
	 * of their own each (glibc maps blocks over 128 KiB and unmaps them on
	 * free), the later ones reuse pages the earlier ones faulted in. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	bx_buf_init(&out);
	for (i = optind; i < argc; i++) {
		struct bx_err err;

		bx_err_clear(&err);
		bx_buf_reset(&out);
		if (show_one(argv[i], cols, rows, sym, colors, &out, &err) < 0) {
			bx_cli_error("%s: %s", argv[i], err.msg);
			failed = 1;
			continue;
		}
		if (write_all(STDOUT_FILENO, out.p, out.len) < 0) {
			bx_cli_error("show: writing the output: %s", strerror(errno));
			bx_buf_free(&out);
			return BX_EXIT_USAGE;
		}
	}
	bx_buf_free(&out);
	return failed ? BX_EXIT_SOME : BX_EXIT_OK;
}

const struct bx_cmd bx_cmd_show = {
	.name = "show",
	.usage = "[--size WxH] [--colors full|256|16] [--symbols half|quad] FILE...",
	.summary = "print images in the terminal as block graphics",
	.help =
	"  --size WxH        fit each image inside W columns x H rows (default: the\n"
	"                    terminal's size less one row; 80x24 when not a terminal)\n"
	"  --colors MODE     full (24-bit), 256 (6x6x6 cube + grays) or 16; default\n"
	"                    from COLORTERM and terminfo\n"
	"  --symbols KIND    half: lower half blocks, 1x2 pixels a cell (default);\n"
	"                    quad: quadrant blocks, 2x2 pixels a cell\n"
	"Each image is printed in full, aspect ratio kept. A file that cannot be\n"
	"shown prints one line on stderr; the rest are still shown (exit 1).\n",
	.min_role = BX_ROLE_NONE,
	.exec = cmd_show_exec,
};
