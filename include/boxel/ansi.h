/* ansi.h: a cell grid as text with SGR escape sequences, for `boxel show`
 * and anything else that writes cells to a plain stream. */
#ifndef BOXEL_ANSI_H
#define BOXEL_ANSI_H

#include "boxel/cells.h"
#include "boxel/util.h"

/* Append g to out: each row's cells (wide tails skipped), colors as SGR
 * (RGB: 38;2;R;G;B, indexed >= 16: 38;5;N, indexed < 16: 30-37/90-97 and
 * 40-47/100-107, default: 39/49), emitted only when they change from the
 * previous cell and combined into one sequence; "\e[0m\n" ends every row.
 * Cell code points are trusted (the grid holds sanitized text). */
void bx_ansi_grid(const struct bx_grid *g, struct bx_buf *out);

#endif
