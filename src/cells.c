/* cells.c: the cell grid and raster -> cells conversion (see cells.h).
 * Works in cells; a cell covers 1x2 raster pixels (half) or 2x2 (quad). */
#include <stdlib.h>

#include "boxel/cells.h"
#include "boxel/util.h"

static void
grid_blank(struct bx_grid *g)
{
	int i;

	for (i = 0; i < g->w * g->h; i++) {
		g->c[i].ch = ' ';
		g->c[i].fg = BX_COLOR_DEFAULT;
		g->c[i].bg = BX_COLOR_DEFAULT;
		g->c[i].attr = 0;
	}
}

struct bx_grid *
bx_grid_new(int w, int h)
{
	struct bx_grid *g = bx_malloc(sizeof *g);

	g->w = w;
	g->h = h;
	g->c = bx_malloc(sizeof *g->c * (size_t)(w > 0 ? w : 1) * (size_t)(h > 0 ? h : 1));
	grid_blank(g);
	return g;
}

void
bx_grid_free(struct bx_grid *g)
{
	if (g == NULL)
		return;
	free(g->c);
	free(g);
}

void
bx_grid_resize(struct bx_grid *g, int w, int h)
{
	g->w = w;
	g->h = h;
	g->c = bx_realloc(g->c, sizeof *g->c * (size_t)(w > 0 ? w : 1) * (size_t)(h > 0 ? h : 1));
	grid_blank(g);
}
