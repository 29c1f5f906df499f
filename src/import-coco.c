/* import-coco.c: COCO instances and COCO results files: results mapped to
 * the project's images and category ids, keypoint sets to skeletons where
 * the class draws them, the file's category ids kept for the export. */
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "import-int.h"
#include "store-cli.h"

struct gt_ctx {
	struct bx_dataset *ds;
};

static int
gt_task(const struct bx_export_task *t, void *ctx)
{
	struct gt_ctx *c = ctx;

	bx_dataset_add(c->ds, t->id, t->image, t->width, t->height);
	return 0;
}

/* The project's images (id = task id, file_name = image path) and the
 * category ids boxel's COCO export uses. */
static int
gt_from_store(struct imp *im, struct bx_dataset *gt)
{
	struct gt_ctx c = { gt };
	struct bx_err err = { 0 };
	char *ids = NULL;
	int i;

	if (im->tax == NULL) {
		bx_cli_error("the project has no taxonomy: category ids cannot be mapped to classes");
		return -1;
	}
	for (i = 0; i < im->tax->nclasses; i++)
		bx_dataset_add_class(gt, im->tax->classes[i].name, i + 1);
	if (bx_store_setting_get(im->st, "coco_category_ids", &ids, &err) == 0)
		bx_coco_ids_apply(gt, ids);
	free(ids);
	bx_err_clear(&err);
	if (bx_store_export_each(im->st, NULL, gt_task, &c, &err) < 0) {
		bx_cli_error("%s", err.msg);
		return -1;
	}
	bx_dataset_index(gt);
	return 0;
}

/* The file's category ids, kept for the COCO export (a project's ids are
 * another tool's class numbering: renumbered, its model's outputs no
 * longer match). Only classes of the taxonomy count. Noted here, written
 * by keep_category_ids once the tasks are in. */
static void
note_category_ids(struct imp *im, const struct bx_dataset *ds)
{
	int i, k;

	for (i = 0; im->tax != NULL && i < ds->nclasses; i++) {
		if (bx_taxonomy_class(im->tax, ds->classes[i]) == NULL)
			continue;
		k = bx_dataset_class_index(&im->coco_ids, ds->classes[i]);
		if (k >= 0)
			im->coco_ids.class_ids[k] = ds->class_ids[i];
		else
			bx_dataset_add_class(&im->coco_ids, ds->classes[i], ds->class_ids[i]);
	}
}

void
imp_keep_category_ids(struct imp *im)
{
	struct bx_dataset *known = &im->coco_ids;
	struct bx_err err = { 0 };
	char *old = NULL, *merged;
	int rc;

	rc = known->nclasses > 0 ? bx_store_setting_get(im->st, "coco_category_ids", &old, &err) :
	    -1;
	if (rc == 0 || rc == BX_ENOENT) {
		merged = bx_coco_ids_merge(old, known);
		bx_err_clear(&err);
		if (old == NULL || strcmp(old, merged) != 0)
			if (bx_store_setting_set(im->st, "coco_category_ids", merged, bx_cli_actor(),
			    im->now, &err) < 0)
				bx_cli_error("keeping the category ids: %s", err.msg);
		free(merged);
	}
	free(old);
	bx_dataset_free(known);
}

/* COCO keypoint sets arrive as skeletons; a class of the project that
 * does not draw skeletons with that many points keeps what it kept
 * before: the object's box (when no polygon of it was kept), and the set
 * is a named loss. */
static void
coco_skeletons(struct imp *im, struct bx_dataset *ds)
{
	const struct bx_class *c;
	struct bx_annot *an;
	int i, k;

	for (i = 0; i < ds->n; i++) {
		for (k = 0; k < ds->img[i].ans.n; k++) {
			an = &ds->img[i].ans.a[k];
			if (an->geom != BX_GEOM_SKELETON)
				continue;
			c = im->tax != NULL ? bx_taxonomy_class(im->tax, an->cls) : NULL;
			if (c != NULL && (c->geoms & BX_GEOM_SKELETON) && c->nkpts == an->npts)
				continue;
			if (an->w > 0 || an->h > 0) {
				bx_dataset_loss(ds, "keypoint sets dropped: the class has no skeleton "
				    "geometry of that many points (the object's box is kept)");
				free(an->pts);
				free(an->vis);
				an->pts = NULL;
				an->vis = NULL;
				an->npts = 0;
				an->geom = BX_GEOM_BOX;
				continue;
			}
			bx_dataset_loss(ds, "keypoint sets dropped: the class has no skeleton geometry "
			    "of that many points");
			bx_answer_remove(&ds->img[i].ans, k--);
		}
	}
}

int
import_coco(struct imp *im, const char *path, int results)
{
	struct bx_dataset ds, gt;
	struct bx_err err = { 0 };
	char *text, *gtext;
	size_t len;
	long queued;
	int rc;

	if (imp_read_text(path, &text, &len) < 0)
		return -1;
	if (!results) {
		rc = bx_coco_read(text, path, &ds, &err);
		free(text);
		if (rc < 0) {
			bx_cli_error("%s", err.msg);
			return -1;
		}
		imp_images_beside(im, &ds, path, ".");
		coco_skeletons(im, &ds);
		queued = im->tasks + im->n;
		import_dataset(im, &ds, path, "images", imp_default_kind(im), 1);
		/* only when something of the file is queued: a refused file
		 * leaves the store as it was */
		if (im->tasks + im->n > queued)
			note_category_ids(im, &ds);
		bx_dataset_free(&ds);
		return 0;
	}
	/* Results refer to image and category ids: those of --gt FILE, else
	 * images by file name and categories in boxel's COCO export ids. */
	bx_dataset_init(&gt);
	if (im->gt_file != NULL) {
		if (imp_read_text(im->gt_file, &gtext, &len) < 0) {
			free(text);
			return -1;
		}
		rc = bx_coco_read(gtext, im->gt_file, &gt, &err);
		free(gtext);
		if (rc < 0) {
			bx_cli_error("%s", err.msg);
			free(text);
			return -1;
		}
	} else {
		rc = gt_from_store(im, &gt);
		if (rc < 0) {
			free(text);
			return -1;
		}
	}
	/* without --gt, by file name: a results file's image ids are another
	 * file's, and taking them for task ids would put predictions on the
	 * wrong images */
	rc = bx_coco_read_with(text, path, &gt, BX_COCO_RESULTS |
	    (im->gt_file == NULL ? BX_COCO_BY_NAME : 0), &ds, &err);
	free(text);
	bx_dataset_free(&gt);
	if (rc < 0) {
		bx_cli_error("%s", err.msg);
		return -1;
	}
	{
		int i;
		for (i = 0; i < ds.n; i++)   /* images without predictions are left alone */
			if (!ds.img[i].has_answer)
				ds.img[i].failed = 1;
	}
	import_dataset(im, &ds, path, "#", im->as ? im->as : "suggestion", 1);
	bx_dataset_free(&ds);
	return 0;
}
