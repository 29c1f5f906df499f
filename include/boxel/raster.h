/* raster.h: RGB pixel rectangles and the pure operations on them: area-average
 * downscale, crop of a view rectangle, upscale for zoom, and drawing of
 * annotation overlays. Coordinates are raster pixels, origin top-left; a
 * pixel (i, j) covers [i, i+1) x [j, j+1). */
#ifndef BOXEL_RASTER_H
#define BOXEL_RASTER_H

#include <stdint.h>

struct bx_raster {
	int w, h;
	uint8_t *px; /* RGB888, row-major, 3*w bytes per row, no padding */
};

struct bx_raster *bx_raster_new(int w, int h); /* zero-filled (black) */
void bx_raster_free(struct bx_raster *r);

#define BX_RGB(r, g, b) (((uint32_t)(r) << 16) | ((uint32_t)(g) << 8) | (uint32_t)(b))

#endif
