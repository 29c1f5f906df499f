/* fmt-ls-map.h: how a geometry kind is written into and read from Label
 * Studio's JSON export: each kind's descriptor (src/geom-<kind>.c) points
 * at its struct bx_ls_map (struct bx_geom_kind.ls; NULL: Label Studio
 * cannot hold the kind, and export leaves it out with a line).
 * fmt-labelstudio.c does the rest (tasks, annotations, attributes) and
 * defines the helpers below, which keep Label Studio's conventions in one
 * place: coordinates in percent of the image's original size, rectangles
 * and ellipses turned clockwise by "rotation" (0 to 360 degrees) about
 * their top-left corner and centre.
 *
 * One result type may be shared by several kinds (a "rectanglelabels" is
 * a box, or with a rotation other than 0 a rotated box): the reader offers
 * a region to the read hook of each kind of that type in table order, and
 * the first that does not decline takes it. So a kind whose results are a
 * special case of another kind's must decline what is not its case (the
 * box declines a turned rectangle), and one type has one control. */
#ifndef BOXEL_FMT_LS_MAP_H
#define BOXEL_FMT_LS_MAP_H

#include <stddef.h>

#include "boxel/annot.h"
#include "boxel/util.h"

/* A region result's value as the read hooks see it (fmt-labelstudio.c):
 * the JSON object and the image's original size. */
struct bx_ls_in;

struct bx_ls_map {
	/* The result's type, which is also the key of the value's labels:
	 * "rectanglelabels" ... value.rectanglelabels = ["cat"]. */
	const char *type;
	/* Its control in the labeling config: the results' from_name ("box")
	 * and the tag ("RectangleLabels"). Kinds of one type share them. */
	const char *control;
	const char *tag;
	/* The value's geometry keys for an on a width x height image, after
	 * "value":{ and before its labels: "x":10,"y":20,... NULL with read
	 * NULL: the kind is the image's class, no region (the tag): its
	 * classes are the choices of one result of type under control, whose
	 * config lists them as Choice, choice="multiple". */
	void (*write)(struct bx_buf *b, const struct bx_annot *an, int width, int height);
	/* A region of type into an, which arrives with its kind, class and
	 * score set. Returns 0 (taken), 1 (not this kind's: the next kind of
	 * the type is asked), or -1 with why: the rest of a message after
	 * ".result[i].value" (": x and y must be numbers"). */
	int (*read)(const struct bx_ls_in *in, struct bx_annot *an, char *why, size_t n);
	/* Nonzero: the config numbers the control's labels (model_index="0",
	 * "1", ...), which Label Studio's COCO and YOLO converters require of
	 * KeyPointLabels to order the keypoints; without it they refuse. */
	int label_index;
};

/* Writing: "key":v with v = 100 * px / size in percent, 12 significant
 * digits (reading back and writing again gives the same text); key NULL:
 * the number alone. */
void bx_ls_put_pct(struct bx_buf *b, const char *key, double px, int size);
/* A turned region's numbers: "x", "y" (the corner or centre it turns
 * about), its two sizes under wkey and hkey, all in percent, and
 * "rotation" (angle in degrees clockwise, as 0 to 360). */
void bx_ls_put_turned(struct bx_buf *b, int width, int height, double x, double y,
                      const char *wkey, double w, const char *hkey, double h, double angle);

/* Reading: the value's key as a number: 0 (a finite number in *out), 1
 * (absent) or -1 (there, but not a finite number). */
int bx_ls_num(const struct bx_ls_in *in, const char *key, double *out);
/* A percentage v of the image's width (axis 0) or height (1) in pixels. */
double bx_ls_px(const struct bx_ls_in *in, double v, int axis);
/* A rotation in degrees as boxel keeps angles, in (-180, 180]. */
double bx_ls_angle(double deg);
/* The value's x, y, width, height (>= 0) in pixels, or -1 with why. */
int bx_ls_rect(const struct bx_ls_in *in, double *x, double *y, double *w, double *h, char *why,
               size_t n);
/* The value's key as a list of at least min [x, y] pairs in pixels into
 * *pts (the caller frees) and *npts, or -1 with why. */
int bx_ls_points(const struct bx_ls_in *in, const char *key, int min, struct bx_pt **pts,
                 int *npts, char *why, size_t n);

#endif
