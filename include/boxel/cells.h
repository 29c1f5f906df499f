/* cells.h: boxel's own character-cell grid, and the pure conversion of a
 * raster into cells (pixels -> glyph + fg + bg). Views draw into a grid; the
 * tty module (the only curses user) and `boxel show` (SGR text, ansi.h)
 * output it.
 *
 * Colors in a cell are either 24-bit RGB, a palette index (BX_COLOR_INDEXED
 * | n, n < 256), or BX_COLOR_DEFAULT (the terminal's own). */
#ifndef BOXEL_CELLS_H
#define BOXEL_CELLS_H

#include <stdint.h>

#include "boxel/raster.h"

#define BX_COLOR_INDEXED 0x01000000u
#define BX_COLOR_DEFAULT 0x02000000u

/* BX_COLORS_8: terminals with only the 8 ANSI colors (TERM=xterm). */
enum bx_colors { BX_COLORS_FULL, BX_COLORS_256, BX_COLORS_16, BX_COLORS_8 };
enum bx_symbols { BX_SYMBOLS_HALF, BX_SYMBOLS_QUAD };

enum {
	BX_CELL_BOLD = 1,
	BX_CELL_REVERSE = 2,
	BX_CELL_UNDERLINE = 4,
	BX_CELL_WIDE_TAIL = 8, /* right half of a double-width character */
};

struct bx_cell {
	uint32_t ch; /* Unicode code point */
	uint32_t fg, bg;
	uint16_t attr;
};

struct bx_grid {
	int w, h;
	struct bx_cell *c; /* w*h, row-major */
};

struct bx_grid *bx_grid_new(int w, int h); /* spaces, default colors */
void bx_grid_free(struct bx_grid *g);
void bx_grid_resize(struct bx_grid *g, int w, int h); /* contents reset */
/* The cell at (x, y), or NULL outside the grid. Valid until the next resize. */
struct bx_cell *bx_grid_at(const struct bx_grid *g, int x, int y);
/* Set every cell of the rectangle [x, x+w) x [y, y+h), clipped to the grid. */
void bx_grid_fill(struct bx_grid *g, int x, int y, int w, int h, uint32_t ch,
                  uint32_t fg, uint32_t bg, uint16_t attr);
/* Write utf8 from (x, y) rightwards, at most max_cols columns (max_cols < 0:
 * to the grid's edge), sanitized like bx_sanitize (controls and invalid
 * UTF-8 become '?'). A double-width character takes its cell plus a
 * BX_CELL_WIDE_TAIL cell and is replaced by a space if only one column is
 * left; zero-width characters are dropped. Returns the columns used. */
int bx_grid_put_text(struct bx_grid *g, int x, int y, const char *utf8,
                     uint32_t fg, uint32_t bg, uint16_t attr, int max_cols);

/* ---- Raster -> cells ----
 * Half blocks (default): a cell is 1x2 pixels, drawn as the lower half block
 * U+2584 with background = top pixel and foreground = bottom pixel, or as a
 * space of that background where both quantize to the same color.
 * Quadrants: a cell is 2x2 pixels; of the 2-color splits of its 4 pixels
 * (glyphs U+2596..U+259F, U+2580, U+2584, U+258C, U+2590, space) the one
 * with the least squared error, each side's color the mean of its pixels,
 * quantized after the split is chosen. Foreground is the color of the
 * glyph's ink, background the rest. */

/* The raster size that fills cols x rows cells. */
void bx_cells_raster_size(enum bx_symbols sym, int cols, int rows, int *w_out, int *h_out);
/* Convert r into the cells of g from (gx, gy): r->w x ceil(r->h / 2) cells
 * in half mode, ceil(r->w / 2) x ceil(r->h / 2) in quad mode (a missing last
 * row/column of pixels repeats its neighbour), clipped to the grid. Returns
 * the number of cells written. */
int bx_cells_render(const struct bx_raster *r, enum bx_symbols sym, enum bx_colors colors,
                    struct bx_grid *g, int gx, int gy);

/* ---- Colors ---- */
/* rgb as a cell color in the given mode: rgb itself (FULL), or
 * BX_COLOR_INDEXED | bx_color_to_256 / bx_color_to_16. */
uint32_t bx_color_quantize(uint32_t rgb, enum bx_colors colors);
/* Nearest of the 6x6x6 cube (16..231) and the gray ramp (232..255); never
 * 0..15, whose colors depend on the terminal's theme. */
int bx_color_to_256(uint32_t rgb);
/* Nearest of the 16 xterm default colors (0..15). */
int bx_color_to_16(uint32_t rgb);
/* The nearest of the 8 ANSI colors (0..7). */
int bx_color_to_8(uint32_t rgb);
/* The RGB of a palette index 0..255 (xterm defaults for 0..15). */
uint32_t bx_color_256_rgb(int idx);

#endif
