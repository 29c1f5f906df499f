/* fmt-yolo-map.h: how a geometry kind goes into and out of YOLO label
 * files, as the kind's descriptor declares it (struct bx_geom_kind.yolo).
 * fmt-yolo.c walks the table instead of naming kinds; a kind YOLO can hold
 * brings its map in its own geom-*.c.
 *
 * A line is "CLASS CX CY W H" (a box line) or "CLASS X1 Y1 ... XN YN" (a
 * polygon line, N >= 3), normalized by the image size (fmt-yolo.c does the
 * normalizing and the 6 decimals). Ultralytics trains one task per folder:
 *  - detect: box lines only; every kind it holds goes as its upright box
 *    (bx_annot_bounds);
 *  - segment: polygon lines only, one per object: the kind's outline
 *    (an object in parts: its rings joined into one line);
 *  - obb: polygon lines of exactly 4 corners: the kind's outline, which
 *    must be 4 points;
 *  - the default export (no task named): each kind in its own line (map's
 *    poly), and in a file with any polygon line every line is one (a box
 *    as its 4 corners), as Ultralytics reads a file as all boxes or all
 *    polygons.
 *
 * Reading back: a line becomes the first kind, in table order, whose read
 * hook takes it (a box's takes a box line and a polygon line that is
 * exactly an upright rectangle, as its writer puts boxes; a polygon's any
 * polygon line). What a class does not allow is converted afterwards by
 * the kinds' convert_from (a rectangle of a rotated-box class becomes a
 * rotated box), as for every format. */
#ifndef BOXEL_FMT_YOLO_MAP_H
#define BOXEL_FMT_YOLO_MAP_H

#include "boxel/annot.h"

enum bx_yolo_task {
	BX_YOLO_TASK_ANY = 0, /* the default export */
	BX_YOLO_TASK_DETECT,
	BX_YOLO_TASK_SEGMENT,
	BX_YOLO_TASK_OBB,
	BX_YOLO_NTASKS
};
/* A task's bit in struct bx_yolo_map.tasks. */
#define BX_YOLO_IN(task) (1 << (task))

struct bx_yolo_map {
	/* The tasks whose files hold the kind (BX_YOLO_IN bits). The default
	 * export's bit is the kind's BX_FMT_YOLO. */
	int tasks;
	/* In the default export: 1 when its line is a polygon line (and so
	 * makes every line of its file one), 0 for a box line. */
	int poly;
	/* Its outline as a polygon line's vertices, image pixels: returns how
	 * many, with *pts pointing into buf (bx_yolo_outline_room(an) points)
	 * or into an's own points. */
	int (*outline)(const struct bx_annot *an, struct bx_pt *buf, const struct bx_pt **pts);
	/* Read back. A box line (pixels, clamped to the image by the reader)
	 * becomes this kind: fills an; 0, or -1 when it is not this kind. A
	 * polygon line: an arrives with its vertices in pts / npts (pixels,
	 * the reader's); make it this kind (setting x, y, w, h and npts 0
	 * when the kind keeps no vertices), 0, or -1 when it is not this
	 * kind. NULL: such lines never are. */
	int (*read_box)(struct bx_annot *an, double x, double y, double w, double h);
	int (*read_poly)(struct bx_annot *an);
};

/* Outline hooks the kinds share (fmt-yolo.c): the vertices themselves
 * (polygon), the kind's ring of its five numbers (rotated box, ellipse),
 * the kind's outline of its vertices (cuboid's hull). */
int bx_yolo_outline_pts(const struct bx_annot *an, struct bx_pt *buf, const struct bx_pt **pts);
/* Room an outline hook has in its buf: a ring's (BX_GEOM_RING_MAX + 1),
 * or, for an object in rings joined into one line, its vertices and two
 * more a ring (where the line goes into a ring and out again). */
int bx_yolo_outline_room(const struct bx_annot *an);
int bx_yolo_outline_ring(const struct bx_annot *an, struct bx_pt *buf, const struct bx_pt **pts);

#endif
