/* fmt-dataset.c: the in-memory dataset every reader fills and every writer
 * walks (formats.h): images with their answers, the class list, and the
 * per-item problems a reader skipped. Image pixels, origin top-left. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/formats.h"
#include "boxel/util.h"

void
bx_dataset_init(struct bx_dataset *ds)
{
	memset(ds, 0, sizeof *ds);
}

void
bx_dataset_free(struct bx_dataset *ds)
{
	int i;

	for (i = 0; i < ds->n; i++) {
		free(ds->img[i].file_name);
		free(ds->img[i].meta_json);
		free(ds->img[i].group);
		bx_answer_free(&ds->img[i].ans);
		if (ds->img[i].judg != NULL) {
			/* the judgments are a manifest line's: freed as one */
			struct bx_manifest_line ml = { 0 };

			ml.judgments = ds->img[i].judg;
			ml.njudgments = ds->img[i].njudg;
			bx_manifest_line_free(&ml);
		}
	}
	free(ds->img);
	for (i = 0; i < ds->nclasses; i++)
		free(ds->classes[i]);
	free(ds->classes);
	free(ds->class_ids);
	free(ds->class_nkpts);
	for (i = 0; i < ds->nerrors; i++)
		free(ds->errors[i]);
	free(ds->errors);
	for (i = 0; i < ds->nlosses; i++)
		free(ds->loss[i]);
	free(ds->loss);
	free(ds->nlost);
	free(ds->ix_id);
	free(ds->ix_pos);
	bx_dataset_init(ds);
}

struct bx_ds_image *
bx_dataset_add(struct bx_dataset *ds, int64_t id, const char *file_name, int width, int height)
{
	struct bx_ds_image *im;

	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 16;
		ds->img = bx_realloc(ds->img, sizeof *ds->img * (size_t)ds->cap);
	}
	im = &ds->img[ds->n++];
	memset(im, 0, sizeof *im);
	im->id = id;
	im->file_name = file_name ? bx_strdup(file_name) : NULL;
	im->width = width;
	im->height = height;
	im->line = ds->n;
	bx_answer_init(&im->ans);
	return im;
}

int
bx_dataset_add_class(struct bx_dataset *ds, const char *name, int64_t id)
{
	ds->classes = bx_realloc(ds->classes, sizeof(char *) * (size_t)(ds->nclasses + 1));
	ds->class_ids = bx_realloc(ds->class_ids, sizeof(int64_t) * (size_t)(ds->nclasses + 1));
	ds->class_nkpts = bx_realloc(ds->class_nkpts, sizeof(int) * (size_t)(ds->nclasses + 1));
	ds->classes[ds->nclasses] = bx_strdup(name);
	ds->class_ids[ds->nclasses] = id;
	ds->class_nkpts[ds->nclasses] = 0;
	return ds->nclasses++;
}

int
bx_dataset_class_index(const struct bx_dataset *ds, const char *cls)
{
	int i;

	for (i = 0; cls != NULL && i < ds->nclasses; i++)
		if (strcmp(ds->classes[i], cls) == 0)
			return i;
	return -1;
}

int
bx_dataset_class_by_id(const struct bx_dataset *ds, int64_t id)
{
	int i;

	for (i = 0; i < ds->nclasses; i++)
		if ((ds->class_ids ? ds->class_ids[i] : i + 1) == id)
			return i;
	return -1;
}

static const struct bx_dataset *sort_ds;

static int
cmp_pos(const void *a, const void *b)
{
	int64_t x = sort_ds->img[*(const int *)a].id, y = sort_ds->img[*(const int *)b].id;

	if (x != y)
		return x < y ? -1 : 1;
	return *(const int *)a - *(const int *)b; /* first of equal ids wins */
}

void
bx_dataset_index(struct bx_dataset *ds)
{
	int i;

	free(ds->ix_id);
	free(ds->ix_pos);
	ds->ix_pos = bx_malloc(sizeof(int) * (size_t)(ds->n + 1));
	ds->ix_id = bx_malloc(sizeof(int64_t) * (size_t)(ds->n + 1));
	for (i = 0; i < ds->n; i++)
		ds->ix_pos[i] = i;
	sort_ds = ds;
	qsort(ds->ix_pos, (size_t)ds->n, sizeof(int), cmp_pos);
	sort_ds = NULL;
	for (i = 0; i < ds->n; i++)
		ds->ix_id[i] = ds->img[ds->ix_pos[i]].id;
	ds->nix = ds->n;
}

int
bx_dataset_find(const struct bx_dataset *ds, int64_t id)
{
	int lo, hi, mid, i;

	if (ds->nix != ds->n || ds->ix_id == NULL) {
		for (i = 0; i < ds->n; i++)
			if (ds->img[i].id == id)
				return i;
		return -1;
	}
	lo = 0;
	hi = ds->n - 1;
	while (lo < hi) {           /* leftmost match */
		mid = lo + (hi - lo) / 2;
		if (ds->ix_id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ds->n > 0 && ds->ix_id[lo] == id ? ds->ix_pos[lo] : -1;
}

void
bx_dataset_error(struct bx_dataset *ds, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ds->errors = bx_realloc(ds->errors, sizeof(char *) * (size_t)(ds->nerrors + 1));
	ds->errors[ds->nerrors++] = bx_strdup(msg);
}

void
bx_dataset_loss(struct bx_dataset *ds, const char *what)
{
	int i;

	for (i = 0; i < ds->nlosses; i++)
		if (strcmp(ds->loss[i], what) == 0) {
			ds->nlost[i]++;
			return;
		}
	ds->loss = bx_realloc(ds->loss, sizeof(char *) * (size_t)(ds->nlosses + 1));
	ds->nlost = bx_realloc(ds->nlost, sizeof(long) * (size_t)(ds->nlosses + 1));
	ds->loss[ds->nlosses] = bx_strdup(what);
	ds->nlost[ds->nlosses++] = 1;
}
