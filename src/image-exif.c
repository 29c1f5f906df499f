/* image-exif.c: the orientation tag (0x0112) of an EXIF APP1 segment. Only
 * IFD0 is read and no offset is followed beyond it, so a looping or
 * out-of-range IFD chain cannot make us loop or read outside the segment. */
#include <string.h>

#include "image-int.h"

static unsigned
get16(const uint8_t *p, int be)
{
	return be ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static uint32_t
get32(const uint8_t *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	          : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

int
bx_exif_orientation(const uint8_t *app1, size_t len)
{
	const uint8_t *t;
	size_t n, count, i;
	uint32_t ifd;
	int be;

	if (app1 == NULL || len < 6 + 8 || memcmp(app1, "Exif\0\0", 6) != 0)
		return 1;
	t = app1 + 6;   /* TIFF header; all offsets count from here */
	n = len - 6;
	if (t[0] == 'I' && t[1] == 'I')
		be = 0;
	else if (t[0] == 'M' && t[1] == 'M')
		be = 1;
	else
		return 1;
	if (get16(t + 2, be) != 42)
		return 1;
	ifd = get32(t + 4, be);
	if (ifd < 8 || ifd > n - 2)
		return 1;
	count = get16(t + ifd, be);
	if (count > (n - ifd - 2) / 12)
		count = (n - ifd - 2) / 12;   /* entries cut off by the segment end */
	for (i = 0; i < count; i++) {
		const uint8_t *e = t + ifd + 2 + 12 * i;
		unsigned v;

		if (get16(e, be) != 0x0112)
			continue;
		/* type SHORT, count 1: the value sits in the entry itself */
		if (get16(e + 2, be) != 3 || get32(e + 4, be) < 1)
			return 1;
		v = get16(e + 8, be);
		return v >= 1 && v <= 8 ? (int)v : 1;
	}
	return 1;
}
