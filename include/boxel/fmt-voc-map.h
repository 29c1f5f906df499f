/* fmt-voc-map.h: how a geometry kind goes into and out of Pascal VOC XML,
 * as the kind's descriptor declares it (struct bx_geom_kind.voc). VOC has
 * one shape, the <bndbox> (fmt-voc.c writes and reads its 1-based
 * inclusive pixel indices): a kind VOC holds is written as the upright box
 * of bndbox below.
 *
 * Reading back, a <bndbox> becomes the first kind, in table order, with a
 * read hook (a box). The importer, which knows the taxonomy, then gives an
 * object whose class does not allow that kind to the first kind in table
 * order that the class allows and that reads a bndbox (a polygon, written
 * as its bounds, comes back as that rectangle for a class that draws
 * polygons but no boxes); the kinds' convert_from go after that (a class
 * of rotated boxes only gets a rotated box at angle 0). */
#ifndef BOXEL_FMT_VOC_MAP_H
#define BOXEL_FMT_VOC_MAP_H

#include "boxel/annot.h"

struct bx_voc_map {
	/* The upright box written as its <bndbox>, image pixels. */
	void (*bndbox)(const struct bx_annot *an, double *x, double *y, double *w, double *h);
	/* A <bndbox> (pixels: x, y, w, h) as this kind: fills an's
	 * coordinates (an's class, attributes and kind are the caller's).
	 * NULL: a bndbox never becomes this kind. */
	void (*read)(struct bx_annot *an, double x, double y, double w, double h);
};

#endif
