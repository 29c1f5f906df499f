/* fmt-coco-score.c: COCO gold and labels/results files read into the
 * objects `boxel score` compares (fmt-coco-score.h). Pixels, origin
 * top-left, bbox [x, y, w, h], polygons flat [x1, y1, x2, y2, ...], as COCO
 * writes them. Every value is checked; the first problem names its place. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/formats.h"
#include "boxel/util.h"
#include "fmt-coco-score.h"

struct tmpobj {
	int64_t img;
	int order;
	int cat;                /* index into categories */
	enum bx_geom geom;
	double bbox[4];
	struct bx_pt *pts;
	int npts;
	int *ring_end;
	int nrings;
	struct bx_attrs attrs;
};

struct idx {
	int64_t id;
	int i;
};

static int
cmp_idx(const void *a, const void *b)
{
	const struct idx *p = a, *q = b;

	return (p->id > q->id) - (p->id < q->id);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t p = *(const int64_t *)a, q = *(const int64_t *)b;

	return (p > q) - (p < q);
}

static int
cmp_tmpobj(const void *a, const void *b)
{
	const struct tmpobj *p = a, *q = b;

	if (p->img != q->img)
		return (p->img > q->img) - (p->img < q->img);
	return (p->order > q->order) - (p->order < q->order);
}

/* Sorted (id, index) table; 1 if an id repeats (*dup set). */
static int
build_index(const int64_t *ids, int n, struct idx **out, int64_t *dup)
{
	struct idx *t = bx_malloc(sizeof *t * (size_t)(n + 1));
	int i;

	for (i = 0; i < n; i++) {
		t[i].id = ids[i];
		t[i].i = i;
	}
	qsort(t, (size_t)n, sizeof *t, cmp_idx);
	*out = t;
	for (i = 1; i < n; i++) {
		if (t[i].id == t[i - 1].id) {
			*dup = t[i].id;
			return 1;
		}
	}
	return 0;
}

static int
lookup(const struct idx *t, int n, int64_t id)
{
	struct idx key = { id, 0 }, *hit;

	hit = bsearch(&key, t, (size_t)n, sizeof *t, cmp_idx);
	return hit ? hit->i : -1;
}

/* An integer id: a JSON integer, or a real with an integral value. */
static int
get_id(const json_t *j, int64_t *out)
{
	double d;

	if (json_is_integer(j)) {
		*out = json_integer_value(j);
		return 0;
	}
	if (json_is_real(j)) {
		d = json_real_value(j);
		if (d == floor(d) && fabs(d) < 9e15) {
			*out = (int64_t)d;
			return 0;
		}
	}
	return -1;
}

static int
get_finite(const json_t *j, double *out)
{
	if (!json_is_number(j))
		return -1;
	*out = json_number_value(j);
	return isfinite(*out) ? 0 : -1;
}

static void
tmp_free(struct tmpobj *t, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(t[i].pts);
		free(t[i].ring_end);
		bx_attrs_free(&t[i].attrs);
	}
	free(t);
}

/* segmentation: polygons (list of flat lists) become rings; an RLE object
 * or an empty list leaves the annotation to its bbox. */
static int
read_segmentation(const json_t *seg, const char *name, size_t ai, struct tmpobj *o,
                  struct bx_err *err)
{
	size_t r, k, total = 0, nr;
	const json_t *ring, *v;
	int at = 0;

	if (seg == NULL || json_is_null(seg) || json_is_object(seg))
		return 0;
	if (!json_is_array(seg))
		return bx_err_set(err, BX_EINVAL,
		    "%s: annotations[%zu].segmentation: expected a list of polygons", name, ai);
	nr = json_array_size(seg);
	for (r = 0; r < nr; r++) {
		ring = json_array_get(seg, r);
		if (!json_is_array(ring))
			return bx_err_set(err, BX_EINVAL,
			    "%s: annotations[%zu].segmentation[%zu]: expected a list of numbers",
			    name, ai, r);
		k = json_array_size(ring);
		if (k < 6 || k % 2 != 0)
			return bx_err_set(err, BX_EINVAL,
			    "%s: annotations[%zu].segmentation[%zu]: a polygon needs an even count "
			    "of at least 6 numbers, got %zu", name, ai, r, k);
		if (k > 2000000)
			return bx_err_set(err, BX_ELIMIT,
			    "%s: annotations[%zu].segmentation[%zu]: too many vertices", name, ai, r);
		total += k / 2;
	}
	if (nr == 0)
		return 0;
	if (total > 10000000)
		return bx_err_set(err, BX_ELIMIT, "%s: annotations[%zu].segmentation: too many vertices",
		    name, ai);
	o->pts = bx_malloc(sizeof(struct bx_pt) * total);
	o->ring_end = bx_malloc(sizeof(int) * nr);
	for (r = 0; r < nr; r++) {
		ring = json_array_get(seg, r);
		for (k = 0; k < json_array_size(ring); k += 2) {
			v = json_array_get(ring, k);
			if (get_finite(v, &o->pts[at].x) ||
			    get_finite(json_array_get(ring, k + 1), &o->pts[at].y))
				return bx_err_set(err, BX_EINVAL,
				    "%s: annotations[%zu].segmentation[%zu][%zu]: expected a finite number",
				    name, ai, r, json_is_number(v) ? k + 1 : k);
			at++;
		}
		o->ring_end[r] = at;
	}
	o->npts = at;
	o->nrings = (int)nr;
	o->geom = BX_GEOM_POLYGON;
	return 0;
}

static int
read_attributes(const json_t *ja, const char *name, size_t ai, struct tmpobj *o,
                struct bx_err *err)
{
	const char *key;
	json_t *v;
	struct bx_value val;
	char where[160];
	int rc;

	if (ja == NULL || json_is_null(ja))
		return 0;
	if (!json_is_object(ja))
		return bx_err_set(err, BX_EINVAL, "%s: annotations[%zu].attributes: expected an object",
		    name, ai);
	json_object_foreach((json_t *)ja, key, v) {
		snprintf(where, sizeof where, "annotations[%zu].attributes.%s", ai, key);
		rc = bx_json_to_value(v, where, &val, err);
		if (rc < 0) {
			bx_err_prefix(err, "%s", name);
			return rc;
		}
		bx_attrs_set(&o->attrs, key, &val);
		bx_value_free(&val);
	}
	return 0;
}

static int
read_categories(const json_t *jc, const char *name, struct bx_scoreset *out, struct bx_err *err)
{
	size_t i, n;
	const json_t *c, *jn;
	int64_t id;

	if (!json_is_array(jc))
		return bx_err_set(err, BX_EINVAL, "%s: categories: expected a list", name);
	n = json_array_size(jc);
	out->cat_name = bx_calloc(n + 1, sizeof(char *));
	out->cat_id = bx_malloc(sizeof(int64_t) * (n + 1));
	for (i = 0; i < n; i++) {
		c = json_array_get(jc, i);
		if (!json_is_object(c) || get_id(json_object_get(c, "id"), &id))
			return bx_err_set(err, BX_EINVAL, "%s: categories[%zu]: needs an integer \"id\"",
			    name, i);
		jn = json_object_get(c, "name");
		if (!json_is_string(jn))
			return bx_err_set(err, BX_EINVAL, "%s: categories[%zu]: needs a string \"name\"",
			    name, i);
		out->cat_name[i] = bx_strdup(json_string_value(jn));
		out->cat_id[i] = id;
		out->ncat = (int)i + 1;
	}
	return 0;
}

static void
copy_categories(const struct bx_scoreset *g, struct bx_scoreset *out)
{
	int i;

	out->cat_name = bx_calloc((size_t)g->ncat + 1, sizeof(char *));
	out->cat_id = bx_malloc(sizeof(int64_t) * ((size_t)g->ncat + 1));
	for (i = 0; i < g->ncat; i++) {
		out->cat_name[i] = bx_strdup(g->cat_name[i]);
		out->cat_id[i] = g->cat_id[i];
	}
	out->ncat = g->ncat;
}

static int
read_doc(const json_t *root, const char *name, const struct bx_scoreset *gold,
         struct bx_scoreset *out, struct tmpobj **tmp_out, int *ntmp_out,
         int64_t **imgs_out, int *nimgs_out, struct bx_err *err)
{
	const json_t *anns, *images = NULL, *a, *v;
	struct idx *cat_ix = NULL, *img_ix = NULL, *ann_ix = NULL;
	int64_t *listed = NULL, *ann_ids = NULL, id, dup;
	size_t i, n, nlisted = 0, nann_ids = 0;
	struct tmpobj *t = NULL;
	int rc = 0, k, ntmp = 0;

	if (json_is_array(root)) {
		if (gold == NULL)
			return bx_err_set(err, BX_EINVAL,
			    "%s: a results list (no images or categories) cannot be the gold", name);
		anns = root;
		copy_categories(gold, out);
	} else if (json_is_object(root)) {
		anns = json_object_get(root, "annotations");
		if (!json_is_array(anns))
			return bx_err_set(err, BX_EINVAL, "%s: \"annotations\" must be a list", name);
		v = json_object_get(root, "categories");
		if (v != NULL) {
			if ((rc = read_categories(v, name, out, err)) < 0)
				return rc;
		} else if (gold != NULL) {
			copy_categories(gold, out);
		} else {
			return bx_err_set(err, BX_EINVAL, "%s: \"categories\" is missing", name);
		}
		images = json_object_get(root, "images");
		if (images != NULL && !json_is_array(images))
			return bx_err_set(err, BX_EINVAL, "%s: \"images\" must be a list", name);
	} else {
		return bx_err_set(err, BX_EINVAL, "%s: expected a COCO object or a results list", name);
	}

	if (build_index(out->cat_id, out->ncat, &cat_ix, &dup)) {
		rc = bx_err_set(err, BX_EINVAL, "%s: categories: duplicate id %lld", name, (long long)dup);
		goto done;
	}
	if (images != NULL) {
		nlisted = json_array_size(images);
		listed = bx_malloc(sizeof(int64_t) * (nlisted + 1));
		for (i = 0; i < nlisted; i++) {
			a = json_array_get(images, i);
			if (!json_is_object(a) || get_id(json_object_get(a, "id"), &listed[i])) {
				rc = bx_err_set(err, BX_EINVAL, "%s: images[%zu]: needs an integer \"id\"",
				    name, i);
				goto done;
			}
		}
		if (build_index(listed, (int)nlisted, &img_ix, &dup)) {
			rc = bx_err_set(err, BX_EINVAL, "%s: images: duplicate id %lld", name,
			    (long long)dup);
			goto done;
		}
	}

	n = json_array_size(anns);
	t = bx_calloc(n + 1, sizeof *t);
	ann_ids = bx_malloc(sizeof(int64_t) * (n + 1));
	for (i = 0; i < n; i++) {
		struct tmpobj *o = &t[ntmp];

		a = json_array_get(anns, i);
		if (!json_is_object(a)) {
			rc = bx_err_set(err, BX_EINVAL, "%s: annotations[%zu]: expected an object", name, i);
			goto done;
		}
		ntmp++;
		o->order = (int)i;
		if (get_id(json_object_get(a, "image_id"), &o->img)) {
			rc = bx_err_set(err, BX_EINVAL, "%s: annotations[%zu]: needs an integer \"image_id\"",
			    name, i);
			goto done;
		}
		if (img_ix != NULL && lookup(img_ix, (int)nlisted, o->img) < 0) {
			rc = bx_err_set(err, BX_EINVAL, "%s: annotations[%zu]: image_id %lld is not in images",
			    name, i, (long long)o->img);
			goto done;
		}
		if (get_id(json_object_get(a, "category_id"), &id)) {
			rc = bx_err_set(err, BX_EINVAL,
			    "%s: annotations[%zu]: needs an integer \"category_id\"", name, i);
			goto done;
		}
		if ((o->cat = lookup(cat_ix, out->ncat, id)) < 0) {
			rc = bx_err_set(err, BX_EINVAL, "%s: annotations[%zu]: unknown category_id %lld%s",
			    name, i, (long long)id, json_is_array(root) ? " (not in the gold's categories)" : "");
			goto done;
		}
		v = json_object_get(a, "id");
		if (v != NULL) {
			if (get_id(v, &ann_ids[nann_ids])) {
				rc = bx_err_set(err, BX_EINVAL, "%s: annotations[%zu].id: expected an integer",
				    name, i);
				goto done;
			}
			nann_ids++;
		}
		v = json_object_get(a, "bbox");
		if (v != NULL) {
			if (!json_is_array(v) || json_array_size(v) != 4) {
				rc = bx_err_set(err, BX_EINVAL,
				    "%s: annotations[%zu].bbox: expected [x, y, width, height]", name, i);
				goto done;
			}
			for (k = 0; k < 4; k++) {
				if (get_finite(json_array_get(v, (size_t)k), &o->bbox[k])) {
					rc = bx_err_set(err, BX_EINVAL,
					    "%s: annotations[%zu].bbox[%d]: expected a finite number", name, i, k);
					goto done;
				}
			}
			if (o->bbox[2] < 0 || o->bbox[3] < 0) {
				rc = bx_err_set(err, BX_EINVAL,
				    "%s: annotations[%zu].bbox: width and height must be >= 0", name, i);
				goto done;
			}
		}
		o->geom = BX_GEOM_BOX;
		if ((rc = read_segmentation(json_object_get(a, "segmentation"), name, i, o, err)) < 0)
			goto done;
		if (o->geom == BX_GEOM_BOX && v == NULL) {
			rc = bx_err_set(err, BX_EINVAL,
			    "%s: annotations[%zu]: no \"bbox\" (and no polygon segmentation)", name, i);
			goto done;
		}
		v = json_object_get(a, "score");
		if (v != NULL && !json_is_number(v)) {
			rc = bx_err_set(err, BX_EINVAL, "%s: annotations[%zu].score: expected a number",
			    name, i);
			goto done;
		}
		if ((rc = read_attributes(json_object_get(a, "attributes"), name, i, o, err)) < 0)
			goto done;
	}
	if (build_index(ann_ids, (int)nann_ids, &ann_ix, &dup)) {
		rc = bx_err_set(err, BX_EINVAL, "%s: annotations: duplicate id %lld", name, (long long)dup);
		goto done;
	}
	/* Image ids: listed ones plus annotated ones. */
	*imgs_out = bx_malloc(sizeof(int64_t) * (nlisted + (size_t)ntmp + 1));
	*nimgs_out = 0;
	for (i = 0; i < nlisted; i++)
		(*imgs_out)[(*nimgs_out)++] = listed[i];
	for (k = 0; k < ntmp; k++)
		(*imgs_out)[(*nimgs_out)++] = t[k].img;
done:
	free(cat_ix);
	free(img_ix);
	free(ann_ix);
	free(listed);
	free(ann_ids);
	*tmp_out = t;
	*ntmp_out = ntmp;
	return rc;
}

int
bx_scoreset_read(const char *text, const char *name, const struct bx_scoreset *gold,
                 struct bx_scoreset *out, struct bx_err *err)
{
	json_error_t je;
	json_t *root;
	struct tmpobj *t = NULL;
	int64_t *imgs = NULL;
	int ntmp = 0, nimgs = 0, i, j, rc;

	memset(out, 0, sizeof *out);
	root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return bx_json_syntax_error(&je, name, err);
	rc = read_doc(root, name, gold, out, &t, &ntmp, &imgs, &nimgs, err);
	json_decref(root);
	if (rc < 0) {
		tmp_free(t, ntmp);
		free(imgs);
		bx_scoreset_free(out);
		return rc;
	}

	qsort(imgs, (size_t)nimgs, sizeof(int64_t), cmp_i64);
	for (i = 0, j = 0; i < nimgs; i++)
		if (j == 0 || imgs[i] != imgs[j - 1])
			imgs[j++] = imgs[i];
	out->img = imgs;
	out->nimg = j;

	/* Objects grouped by image; they point into storage this set owns. */
	qsort(t, (size_t)ntmp, sizeof *t, cmp_tmpobj);
	out->nobj = ntmp;
	out->obj = bx_calloc((size_t)ntmp + 1, sizeof(struct bx_qobj));
	out->obj_img = bx_malloc(sizeof(int64_t) * ((size_t)ntmp + 1));
	out->pts = bx_calloc((size_t)ntmp + 1, sizeof(struct bx_pt *));
	out->ring_end = bx_calloc((size_t)ntmp + 1, sizeof(int *));
	out->attrs = bx_calloc((size_t)ntmp + 1, sizeof(struct bx_attrs));
	for (i = 0; i < ntmp; i++) {
		struct bx_qobj *q = &out->obj[i];

		out->obj_img[i] = t[i].img;
		out->pts[i] = t[i].pts;
		out->ring_end[i] = t[i].ring_end;
		out->attrs[i] = t[i].attrs;
		t[i].pts = NULL;
		t[i].ring_end = NULL;
		memset(&t[i].attrs, 0, sizeof t[i].attrs);
		q->geom = t[i].geom;
		q->cls = out->cat_name[t[i].cat];
		q->attrs = &out->attrs[i];
		q->x = t[i].bbox[0];
		q->y = t[i].bbox[1];
		q->w = t[i].bbox[2];
		q->h = t[i].bbox[3];
		q->pts = out->pts[i];
		q->npts = t[i].npts;
		q->ring_end = out->ring_end[i];
		q->nrings = t[i].nrings;
	}
	tmp_free(t, ntmp);
	return 0;
}

void
bx_scoreset_free(struct bx_scoreset *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nobj; i++) {
		if (s->pts)
			free(s->pts[i]);
		if (s->ring_end)
			free(s->ring_end[i]);
		if (s->attrs)
			bx_attrs_free(&s->attrs[i]);
	}
	for (i = 0; i < s->ncat; i++)
		free(s->cat_name[i]);
	free(s->cat_name);
	free(s->cat_id);
	free(s->obj);
	free(s->obj_img);
	free(s->img);
	free(s->pts);
	free(s->ring_end);
	free(s->attrs);
	memset(s, 0, sizeof *s);
}
