/* fmt-coco-score.h: COCO files read for `boxel score` (fmt-coco-score.c).
 * Unlike bx_coco_read, an annotation stays one object when its
 * segmentation has several polygons (scored as their union), and a results
 * file may name images the gold lacks (they are scored, not refused). */
#ifndef BOXEL_FMT_COCO_SCORE_H
#define BOXEL_FMT_COCO_SCORE_H

#include <stdint.h>

#include "boxel/err.h"
#include "boxel/quality.h"

struct bx_scoreset {
	struct bx_qobj *obj;   /* sorted by image id, then file order */
	int64_t *obj_img;      /* image id of each object */
	int nobj;
	int64_t *img;          /* every image id (listed or annotated), sorted, distinct */
	int nimg;
	char **cat_name;       /* categories: name and id, file order */
	int64_t *cat_id;
	int ncat;
	/* storage the objects point into */
	struct bx_pt **pts;
	int **ring_end;
	struct bx_attrs *attrs;
};

/* Read a COCO detection file ({"images", "annotations", "categories"}) or,
 * when gold is given, also a COCO results array ([{image_id, category_id,
 * bbox, score, segmentation?}]) whose category ids are gold's. A detection
 * file without "categories" uses gold's. Errors name the file and the
 * element ("labels.json: annotations[3].bbox: ..."). */
int bx_scoreset_read(const char *text, const char *name, const struct bx_scoreset *gold,
                     struct bx_scoreset *out, struct bx_err *err);
void bx_scoreset_free(struct bx_scoreset *s);

#endif
