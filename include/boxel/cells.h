/* cells.h: boxel's own character-cell grid, and the pure conversion of a
 * raster into cells (pixels -> glyph + fg + bg). Views draw into a grid; the
 * tty module (the only curses user) and `boxel show` (SGR text) output it.
 *
 * Colors in a cell are either 24-bit RGB, a palette index (BX_COLOR_INDEXED
 * | n, n < 256), or BX_COLOR_DEFAULT (the terminal's own). */
#ifndef BOXEL_CELLS_H
#define BOXEL_CELLS_H

#include <stdint.h>

#include "boxel/raster.h"

#define BX_COLOR_INDEXED 0x01000000u
#define BX_COLOR_DEFAULT 0x02000000u

enum bx_colors { BX_COLORS_FULL, BX_COLORS_256, BX_COLORS_16 };
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

#endif
