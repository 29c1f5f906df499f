/* raster.c: RGB rasters and the pure operations on them (see raster.h).
 * Raster pixels, origin top-left. */
#include <stdlib.h>

#include "boxel/raster.h"
#include "boxel/util.h"

struct bx_raster *
bx_raster_new(int w, int h)
{
	struct bx_raster *r = bx_malloc(sizeof *r);

	r->w = w;
	r->h = h;
	r->px = bx_calloc((size_t)w * (size_t)h, 3);
	return r;
}

void
bx_raster_free(struct bx_raster *r)
{
	if (r == NULL)
		return;
	free(r->px);
	free(r);
}
