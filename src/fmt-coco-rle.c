/* fmt-coco-rle.c: COCO's run-length masks ({"size": [h, w], "counts"}) to
 * a pixel mask. Runs alternate 0s and 1s, starting with 0s, and go down
 * the columns (pixel i is x = i / h, y = i % h). "counts" is a list of run
 * lengths (as COCO writes crowds) or a string in the compressed form
 * pycocotools writes: each run a little-endian number in 5-bit groups,
 * char = 48 + group, 0x20 meaning "more groups", the last group's 0x10 its
 * sign; from the third run on, each number is the difference to the run
 * two before. The mask comes out row-major, 1 inside. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/formats.h"
#include "boxel/util.h"
#include "json-int.h"

/* A mask as large as the largest image boxel shows whole is plenty; a size
 * beyond it is a broken file, not a picture. */
#define RLE_MAX_PIXELS ((int64_t)1 << 28)

/* The compressed string's runs into runs (grown as needed). */
static int
runs_from_string(const char *s, int64_t **runs, size_t *n, char *why, size_t whysz)
{
	size_t cap = 0, p = 0;

	*n = 0;
	while (s[p] != '\0') {
		int64_t x = 0;
		int k = 0, more = 1, c;

		while (more) {
			c = (unsigned char)s[p] - 48;
			if (s[p] == '\0' || c < 0 || c > 63 || k > 12)
				return snprintf(why, whysz, "segmentation.counts: not a compressed RLE "
				    "string (byte %zu)", p), -1;
			x |= (int64_t)(c & 0x1f) << (5 * k);
			more = c & 0x20;
			p++;
			k++;
			if (!more && (c & 0x10))
				x |= -((int64_t)1 << (5 * k));
		}
		if (*n > 2)
			x += (*runs)[*n - 2];
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*runs = bx_realloc(*runs, sizeof **runs * cap);
		}
		(*runs)[(*n)++] = x;
	}
	return 0;
}

int
bx_coco_rle_decode(const void *seg_json, uint8_t **mask_out, int *w_out, int *h_out,
                   char *why, size_t whysz)
{
	const json_t *seg = seg_json, *size = json_object_get(seg, "size");
	const json_t *counts = json_object_get(seg, "counts");
	int64_t *runs = NULL, total = 0, i, x, y, at = 0;
	double dh, dw;
	size_t n = 0, r;
	uint8_t *mask;
	int w, h;

	*mask_out = NULL;
	if (!json_is_array(size) || json_array_size(size) != 2 ||
	    bx_json_finite(json_array_get(size, 0), &dh) != 0 ||
	    bx_json_finite(json_array_get(size, 1), &dw) != 0 || dh < 1 || dw < 1 ||
	    dh != (int)dh || dw != (int)dw || dh * dw > (double)RLE_MAX_PIXELS)
		return snprintf(why, whysz, "segmentation.size: expected [height, width], whole "
		    "numbers >= 1 of at most %lld pixels", (long long)RLE_MAX_PIXELS), -1;
	h = (int)dh;
	w = (int)dw;
	if (json_is_string(counts)) {
		if (runs_from_string(json_string_value(counts), &runs, &n, why, whysz) < 0) {
			free(runs);
			return -1;
		}
	} else if (json_is_array(counts)) {
		n = json_array_size(counts);
		runs = bx_malloc(sizeof *runs * (n > 0 ? n : 1));
		for (r = 0; r < n; r++) {
			double v;

			if (bx_json_finite(json_array_get(counts, r), &v) != 0 || v != (int64_t)v) {
				free(runs);
				return snprintf(why, whysz, "segmentation.counts[%zu]: expected a whole "
				    "number", r), -1;
			}
			runs[r] = (int64_t)v;
		}
	} else
		return snprintf(why, whysz, "segmentation.counts: expected a list of run lengths "
		    "or a compressed RLE string"), -1;
	for (r = 0; r < n; r++) {
		if (runs[r] < 0 || runs[r] > RLE_MAX_PIXELS) {
			free(runs);
			return snprintf(why, whysz, "segmentation.counts: run %zu has length %lld", r,
			    (long long)runs[r]), -1;
		}
		total += runs[r];
	}
	if (total != (int64_t)w * h) {
		free(runs);
		return snprintf(why, whysz, "segmentation.counts: the runs cover %lld pixels, "
		    "size %dx%d has %lld", (long long)total, h, w, (long long)w * h), -1;
	}
	mask = bx_calloc((size_t)w * h, 1);
	for (r = 0; r < n; r++) {
		if (r % 2 == 1)
			for (i = at; i < at + runs[r]; i++) {
				x = i / h;
				y = i % h;
				mask[(size_t)y * w + (size_t)x] = 1;
			}
		at += runs[r];
	}
	free(runs);
	*mask_out = mask;
	*w_out = w;
	*h_out = h;
	return 0;
}
