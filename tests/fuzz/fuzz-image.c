/* fuzz-image.c: libFuzzer target for the PNG and JPEG decoders. Each input
 * is decoded under modest limits (so a huge header is refused, not
 * allocated), at full size for a third of the inputs and at a small
 * requested size (DCT scaling, EXIF turns, PNG overviews) for the rest,
 * probed, and decoded again as a region. */
#include <stddef.h>
#include <stdint.h>

#include "boxel/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bx_image_limits lim;
	struct bx_image img;
	struct bx_err err = {0};
	int w, h;

	bx_image_limits_default(&lim);
	lim.max_w = 4096;
	lim.max_h = 4096;
	lim.max_pixels = 4u << 20;
	lim.max_scans = 30;
	lim.max_chunk = 1u << 20;
	lim.max_file = 4u << 20;
	if (size % 3 == 0)
		bx_image_load_mem(data, size, 0, 0, &lim, &img, &err);
	else
		bx_image_load_mem(data, size, 64, 48, &lim, &img, &err);
	bx_image_release(&img);
	/* a region off the top-left corner, at some scale: crop and skip
	 * engage on any image wider and taller than a few iMCUs */
	if (bx_image_probe_mem(data, size, &w, &h, &err) == 0) {
		int s = 1 << (size % 4);   /* scale 1/1, 1/2, 1/4 or 1/8 */

		w = (w + s - 1) / s;
		h = (h + s - 1) / s;
		if (w > 3 && h > 3)
			bx_image_load_region_mem(data, size, w / 3, h / 2, w / 3 + 1, h / 2 - 1, s, &lim,
			    &img, &err);
	}
	bx_image_release(&img);
	return 0;
}
