/* fmt-coco.c: COCO detection files and COCO results files -> struct
 * bx_dataset (formats.h), and the category ids a project keeps from the
 * files it imported; fmt-coco-write.c writes the other way. COCO and boxel
 * share the convention: pixels, origin top-left, bbox [x, y, w, h],
 * polygons as flat [x1, y1, x2, ...]. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/assist.h"
#include "boxel/formats.h"
#include "boxel/geom.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "json-int.h"

/* ---- a small set of int64 ids, to find duplicates in one pass ---- */

struct idset {
	int64_t *v;
	int *val;            /* a value per id (idset_put / idset_get) */
	unsigned char *used;
	size_t cap, n;
};

static size_t
id_hash(int64_t id, size_t cap)
{
	uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ull;

	return (size_t)(x >> 17) & (cap - 1);
}

/* Insert id with value val; returns 1 if id was new, 0 if already present
 * (then its value is left alone). */
static int
idset_put(struct idset *s, int64_t id, int val)
{
	size_t i, k;

	if ((s->n + 1) * 2 > s->cap) {
		struct idset big = { 0 };
		big.cap = s->cap ? s->cap * 2 : 64;
		big.v = bx_malloc(sizeof(int64_t) * big.cap);
		big.val = bx_malloc(sizeof(int) * big.cap);
		big.used = bx_calloc(big.cap, 1);
		for (k = 0; k < s->cap; k++)
			if (s->used[k])
				idset_put(&big, s->v[k], s->val[k]);
		free(s->v);
		free(s->val);
		free(s->used);
		*s = big;
	}
	for (i = id_hash(id, s->cap); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == id)
			return 0;
	s->used[i] = 1;
	s->v[i] = id;
	s->val[i] = val;
	s->n++;
	return 1;
}

static int
idset_add(struct idset *s, int64_t id)
{
	return idset_put(s, id, 0);
}

/* The value stored with id, or -1. */
static int
idset_get(const struct idset *s, int64_t id)
{
	size_t i;

	if (s->cap == 0)
		return -1;
	for (i = id_hash(id, s->cap); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == id)
			return s->val[i];
	return -1;
}

static void
idset_free(struct idset *s)
{
	free(s->v);
	free(s->val);
	free(s->used);
}

/* ---- reading ---- */

/* Image size: absent (0), or an integral number in 1..1,000,000. */
static int
get_size(const json_t *obj, const char *key, int *out, char *why, size_t whysz)
{
	const json_t *j = json_object_get(obj, key);
	double d;

	*out = 0;
	if (j == NULL || json_is_null(j))
		return 0;
	if (!json_is_number(j)) {
		snprintf(why, whysz, "%s: expected a number, got %s", key, bx_json_type(j));
		return -1;
	}
	d = json_number_value(j);
	if (!isfinite(d) || d <= 0 || d != floor(d) || d > 1000000) {
		snprintf(why, whysz, "%s: %g is not a positive whole number of pixels (up to 1000000)",
		    key, d);
		return -1;
	}
	*out = (int)d;
	return 0;
}

/* seg is [[x, y, x+w, y, x+w, y+h, x, y+h]] of box, as bx_coco_write
 * writes a box (the same double sums, so equality is exact). */
static int
is_box_ring(const json_t *seg, const double box[4])
{
	const json_t *r = json_is_array(seg) && json_array_size(seg) == 1 ?
	    json_array_get(seg, 0) : NULL;
	double want[8], v;
	size_t i;

	if (!json_is_array(r) || json_array_size(r) != 8)
		return 0;
	want[0] = box[0], want[1] = box[1];
	want[2] = box[0] + box[2], want[3] = box[1];
	want[4] = box[0] + box[2], want[5] = box[1] + box[3];
	want[6] = box[0], want[7] = box[1] + box[3];
	for (i = 0; i < 8; i++)
		if (bx_json_finite(json_array_get(r, i), &v) != 0 || v != want[i])
			return 0;
	return 1;
}

/* Vertices a traced RLE part may have: within half a pixel of a mask's
 * outline takes far fewer, and the simplification's cost grows with the
 * cube of it. */
#define RLE_RING_VERTICES 1000

/* An RLE mask into an: its parts as one polygon or a multipolygon (holes
 * filled: a loss). 1 done, 0 for an empty mask, -1 with why. */
static int
rle_to_rings(const json_t *seg, struct bx_annot *an, struct bx_dataset *ds, char *why,
             size_t whysz)
{
	uint8_t *mask;
	int w, h, nrings, holes;

	if (bx_coco_rle_decode(seg, &mask, &w, &h, why, whysz) < 0)
		return -1;
	nrings = bx_assist_mask_rings(mask, w, h, RLE_RING_VERTICES, &an->pts, &an->ring_end,
	    &an->nrings, &holes);
	free(mask);
	if (nrings == 0)
		return 0;
	an->npts = an->ring_end[nrings - 1];
	an->geom = nrings > 1 ? BX_GEOM_MULTIPOLYGON : BX_GEOM_POLYGON;
	if (nrings == 1) {
		free(an->ring_end);
		an->ring_end = NULL;
		an->nrings = 0;
	}
	if (holes > 0)
		bx_dataset_loss(ds, "RLE masks with holes filled: a boxel ring has no holes");
	ds->nrle++;
	return 1;
}

/* boxel's key for a kind COCO has no form for (a kind with an outline in
 * its descriptor: "rotated_box", "ellipse", "cuboid"; fmt-coco-write.c),
 * read as jsonl reads it; the segmentation beside it is only its outline.
 * 1 and the object added to tmp, 0 when the annotation has no such key,
 * -1 with why. */
static int
shape_key(const json_t *a, struct bx_annot *an, struct bx_answer *tmp, char *why,
          size_t whysz)
{
	const struct bx_geom_kind *k = NULL;
	struct bx_answer one;
	struct bx_err err = { 0 };
	const json_t *j = NULL;
	json_t *wrap;
	char *text;
	int i, rc;

	for (i = 0; j == NULL && (k = bx_geom_at(i)) != NULL; i++)
		if (k->ring != NULL || k->outline != NULL)
			j = json_object_get(a, k->name);
	if (j == NULL)
		return 0;
	wrap = json_pack("{s:[{s:s,s:O}],s:{}}", "annotations", "class", "x", k->name, j,
	    "global");
	text = wrap != NULL ? json_dumps(wrap, JSON_COMPACT) : NULL;
	json_decref(wrap);
	bx_answer_init(&one);
	rc = text != NULL ? bx_answer_from_json(text, &one, &err) : -1;
	free(text);
	if (rc < 0 || one.n != 1) {
		snprintf(why, whysz, "%s: %s", k->name, err.msg[0] ? err.msg : "not a shape");
		bx_answer_free(&one);
		return -1;
	}
	an->geom = one.a[0].geom;
	an->x = one.a[0].x, an->y = one.a[0].y, an->w = one.a[0].w, an->h = one.a[0].h;
	an->angle = one.a[0].angle;
	an->pts = one.a[0].pts;
	an->npts = one.a[0].npts;
	bx_answer_add(tmp, an);    /* copies */
	an->pts = NULL;
	an->npts = 0;
	bx_answer_free(&one);
	return 1;
}

/* Parse one annotation object into tmp (one or more annots of class cls,
 * or none when all of it is a loss, counted in ds). With rings (a file
 * boxel wrote), a box's rectangle segmentation is the box. With tags, one without
 * any geometry is a classification of the image (an image class); scoring
 * (detections only) refuses it. With split (BX_COCO_GROUPS), an object of
 * several polygons is one annot per polygon (the caller groups them) and
 * an RLE mask stays its bbox; else it is one multipolygon and a mask is
 * traced. Returns 0, or -1 with why filled (without the "annotations[i]"
 * prefix). */
static int
parse_ann(const json_t *a, const char *cls, int nkpts, int tags, int rings, int split,
          struct bx_dataset *ds, struct bx_answer *tmp, char *why, size_t whysz)
{
	const json_t *bbox = json_object_get(a, "bbox"), *seg = json_object_get(a, "segmentation");
	const json_t *kp = json_object_get(a, "keypoints"), *j;
	struct bx_annot an;
	struct bx_attrs attrs = { 0 };
	double box[4] = { 0 }, score = 0, v;
	int has_box = 0, has_score = 0, npoly = 0, rc = -1, crowd = 0;
	size_t i, k, n;

	memset(&an, 0, sizeof an);
	if (bbox != NULL) {
		if (!json_is_array(bbox) || json_array_size(bbox) != 4) {
			snprintf(why, whysz, "bbox: expected [x, y, w, h]");
			goto out;
		}
		for (i = 0; i < 4; i++)
			if (bx_json_finite(json_array_get(bbox, i), &box[i]) != 0) {
				snprintf(why, whysz, "bbox[%zu]: expected a finite number", i);
				goto out;
			}
		if (box[2] < 0 || box[3] < 0) {
			snprintf(why, whysz, "bbox[%d]: %s must be >= 0", box[2] < 0 ? 2 : 3,
			    box[2] < 0 ? "width" : "height");
			goto out;
		}
		has_box = 1;
	}
	if ((j = json_object_get(a, "area")) != NULL &&
	    (!json_is_number(j) || !isfinite(json_number_value(j)) || json_number_value(j) < 0)) {
		snprintf(why, whysz, "area: expected a number >= 0");
		goto out;
	}
	if ((j = json_object_get(a, "iscrowd")) != NULL &&
	    !(json_is_number(j) && (json_number_value(j) == 0 || json_number_value(j) == 1)) &&
	    !json_is_boolean(j)) {
		snprintf(why, whysz, "iscrowd: expected 0 or 1");
		goto out;
	}
	crowd = j != NULL && (json_is_true(j) || (json_is_number(j) && json_number_value(j) == 1));
	if ((j = json_object_get(a, "score")) != NULL) {
		if (!json_is_number(j) || !isfinite(json_number_value(j))) {
			snprintf(why, whysz, "score: expected a finite number");
			goto out;
		}
		score = json_number_value(j);
		has_score = 1;
	}
	if ((j = json_object_get(a, "attributes")) != NULL &&
	    bx_json_read_attrs(j, "attributes", &attrs, why, whysz) != 0)
		goto out;

	an.cls = (char *)cls;
	an.attrs = attrs;
	an.score = score;
	an.flags = has_score ? BX_ANNOT_SUGGESTION : 0;

	/* A crowd is a region COCOeval ignores, not an object: imported as one,
	 * it would be scored as a missed object. (`boxel score`, which reads
	 * without tags, scores it as documented: like any other annotation.) */
	if (crowd && has_box && tags) {
		bx_dataset_loss(ds, "crowd regions (iscrowd 1) dropped: boxel has no ignore "
		    "regions");
		rc = 0;
		goto out;
	}
	if (!crowd && (rc = shape_key(a, &an, tmp, why, whysz)) != 0) {
		rc = rc < 0 ? -1 : 0;
		goto out;
	}
	rc = -1;
	/* boxel writes a box's segmentation as its rectangle (COCOeval's segm
	 * mode needs one on every annotation): in boxel's own files (rings)
	 * that is the box again; elsewhere it is a polygon drawn so */
	if (rings && has_box && is_box_ring(seg, box))
		goto box;
	/* The keypoints of a category that names them are a skeleton (the
	 * importer turns it back into a named loss when the project's class
	 * has no skeleton geometry): its box rides along in x, y, w, h for
	 * that, unless a polygon of the object is kept below. */
	if (nkpts > 0 && kp != NULL && json_is_array(kp) && json_array_size(kp) == 3 * (size_t)nkpts &&
	    !crowd) {
		struct bx_annot sk = an;

		sk.geom = BX_GEOM_SKELETON;
		sk.npts = nkpts;
		sk.pts = bx_malloc(sizeof *sk.pts * (size_t)nkpts);
		sk.vis = bx_malloc((size_t)nkpts);
		for (i = 0; i < (size_t)nkpts; i++) {
			if (bx_json_finite(json_array_get(kp, 3 * i), &sk.pts[i].x) != 0 ||
			    bx_json_finite(json_array_get(kp, 3 * i + 1), &sk.pts[i].y) != 0 ||
			    bx_json_finite(json_array_get(kp, 3 * i + 2), &v) != 0 ||
			    (v != 0 && v != 1 && v != 2)) {
				snprintf(why, whysz, "keypoints[%zu]: expected x, y and v (0, 1 or 2)", 3 * i);
				free(sk.pts);
				free(sk.vis);
				goto out;
			}
			sk.vis[i] = (unsigned char)v;
			if (v == 0)
				sk.pts[i].x = sk.pts[i].y = 0;
		}
		if (has_box && !(seg != NULL && json_is_array(seg) && json_array_size(seg) > 0)) {
			sk.x = box[0], sk.y = box[1], sk.w = box[2], sk.h = box[3];
		}
		bx_answer_add(tmp, &sk);
		free(sk.pts);
		free(sk.vis);
		if (!(seg != NULL && json_is_array(seg) && json_array_size(seg) > 0)) {
			rc = 0;
			goto out;
		}
	}
	/* polygons first: they are the finer geometry */
	if (seg != NULL && json_is_array(seg) && json_array_size(seg) > 0) {
		for (k = 0; k < json_array_size(seg); k++) {
			const json_t *poly = json_array_get(seg, k);

			if (!json_is_array(poly)) {
				snprintf(why, whysz, "segmentation[%zu]: expected a flat list of "
				    "coordinates [x1, y1, x2, y2, ...]", k);
				goto out;
			}
			n = json_array_size(poly);
			if (n % 2 != 0 || n < 6) {
				snprintf(why, whysz, "segmentation[%zu]: a polygon needs an even number "
				    "of coordinates, at least 6 (3 points), got %zu", k, n);
				goto out;
			}
			for (i = 0; i < n; i++)
				if (bx_json_finite(json_array_get(poly, i), &v) != 0) {
					snprintf(why, whysz, "segmentation[%zu][%zu]: expected a finite number",
					    k, i);
					goto out;
				}
		}
		if (!split && json_array_size(seg) > 1) {
			/* one object in parts: one multipolygon */
			for (n = 0, k = 0; k < json_array_size(seg); k++)
				n += json_array_size(json_array_get(seg, k)) / 2;
			an.geom = BX_GEOM_MULTIPOLYGON;
			an.pts = bx_malloc(sizeof *an.pts * n);
			an.nrings = (int)json_array_size(seg);
			an.ring_end = bx_malloc(sizeof *an.ring_end * (size_t)an.nrings);
			for (k = 0; k < json_array_size(seg); k++) {
				const json_t *poly = json_array_get(seg, k);

				for (i = 0; i + 1 < json_array_size(poly); i += 2, an.npts++) {
					bx_json_finite(json_array_get(poly, i), &an.pts[an.npts].x);
					bx_json_finite(json_array_get(poly, i + 1), &an.pts[an.npts].y);
				}
				an.ring_end[k] = an.npts;
			}
			bx_answer_add(tmp, &an);
			free(an.pts);
			free(an.ring_end);
			an.pts = NULL;
			an.ring_end = NULL;
			an.npts = an.nrings = 0;
			rc = 0;
			goto out;
		}
		for (k = 0; k < json_array_size(seg); k++) {
			const json_t *poly = json_array_get(seg, k);

			n = json_array_size(poly) / 2;
			an.geom = BX_GEOM_POLYGON;
			an.npts = (int)n;
			an.pts = bx_malloc(sizeof *an.pts * n);
			for (i = 0; i < n; i++) {
				bx_json_finite(json_array_get(poly, 2 * i), &an.pts[i].x);
				bx_json_finite(json_array_get(poly, 2 * i + 1), &an.pts[i].y);
			}
			bx_answer_add(tmp, &an);
			free(an.pts);
			an.pts = NULL;
			npoly++;
		}
		rc = 0;
		goto out;
	}
	if (seg != NULL && !json_is_array(seg) && !json_is_object(seg) && !json_is_null(seg)) {
		snprintf(why, whysz, "segmentation: expected a list of polygons or an RLE object, "
		    "got %s", bx_json_type(seg));
		goto out;
	}
	/* keypoints: boxel's points (bbox with no size), or labeled keypoints of
	 * an annotation without a box */
	if (kp != NULL && json_is_array(kp) && json_array_size(kp) > 0) {
		size_t labeled = 0;

		n = json_array_size(kp);
		if (n % 3 != 0) {
			snprintf(why, whysz, "keypoints: expected triples [x, y, v, ...]");
			goto out;
		}
		for (i = 0; i < n; i++)
			if (bx_json_finite(json_array_get(kp, i), &v) != 0) {
				snprintf(why, whysz, "keypoints[%zu]: expected a finite number", i);
				goto out;
			}
		for (i = 2; i < n; i += 3)
			labeled += bx_json_finite(json_array_get(kp, i), &v) == 0 && v > 0;
		/* One labeled keypoint without a box is a point (boxel writes its
		 * points so); a set of them is a skeleton boxel cannot keep yet. */
		if (has_box && (box[2] > 0 || box[3] > 0)) {
			if (labeled > 0)
				bx_dataset_loss(ds, "keypoint sets dropped: boxel has no keypoint geometry "
				    "(the object's box is kept)");
			goto box;
		}
		if (labeled > 1) {
			bx_dataset_loss(ds, "keypoint sets dropped: boxel has no keypoint geometry "
			    "(the annotation has no box to keep)");
			rc = 0;
			goto out;
		}
		an.geom = BX_GEOM_POINT;
		an.npts = 1;
		an.pts = bx_malloc(sizeof *an.pts);
		for (i = 0; i < n; i += 3) {
			bx_json_finite(json_array_get(kp, i + 2), &v);
			if (v <= 0)
				continue;
			bx_json_finite(json_array_get(kp, i), &an.pts[0].x);
			bx_json_finite(json_array_get(kp, i + 1), &an.pts[0].y);
			bx_answer_add(tmp, &an);
		}
		free(an.pts);
		an.pts = NULL;
		rc = 0;
		goto out;
	}
	if (!split && seg != NULL && json_is_object(seg)) {
		int got = rle_to_rings(seg, &an, ds, why, whysz);

		if (got < 0)
			goto out;
		if (got > 0) {
			bx_answer_add(tmp, &an);
			free(an.pts);
			free(an.ring_end);
			an.pts = NULL;
			an.ring_end = NULL;
			rc = 0;
			goto out;
		}
		if (!has_box) {
			bx_dataset_loss(ds, "empty RLE masks dropped: no pixel is set");
			rc = 0;
			goto out;
		}
		bx_dataset_loss(ds, "empty RLE masks kept as their bbox: no pixel is set");
		goto box;
	}
	if (!has_box && seg != NULL && json_is_object(seg)) {
		bx_dataset_loss(ds, "RLE masks without a bbox dropped: boxel draws polygons, not "
		    "masks");
		rc = 0;
		goto out;
	}
	if (!has_box && !tags) {
		snprintf(why, whysz, ": no bbox, polygon segmentation or keypoints");
		goto out;
	}
	if (!has_box) {
		/* no geometry at all: a classification of the image */
		an.geom = BX_GEOM_TAG;
		bx_answer_add(tmp, &an);
		rc = 0;
		goto out;
	}
	if (seg != NULL && json_is_object(seg))
		bx_dataset_loss(ds, "RLE masks kept as their bbox: boxel draws polygons, not masks");
box:
	an.geom = BX_GEOM_BOX;
	an.x = box[0], an.y = box[1], an.w = box[2], an.h = box[3];
	bx_answer_add(tmp, &an);
	rc = 0;
out:
	bx_attrs_free(&attrs);
	return rc;
}

/* How read_annotations treats what it meets, besides the BX_COCO_* flags. */
enum {
	ANN_RESULTS = 1 << 8,     /* results: every annotation a suggestion */
	ANN_MAKE_IMAGES = 1 << 9, /* an unknown image id gets an image (id only) */
	ANN_MAKE_CLASSES = 1 << 10, /* an unknown category id gets a class named by it */
	ANN_BOXEL = 1 << 11       /* boxel wrote the file (info.description) */
};

static int
written_by_boxel(const json_t *root)
{
	const json_t *d = json_object_get(json_object_get(root, "info"), "description");

	return json_is_string(d) && strcmp(json_string_value(d), BX_COCO_DESCRIPTION) == 0;
}

/* Move src's annotations to im. With group >= 0 (BX_COCO_GROUPS) they are
 * marked as one group, earlier annotations (tags) as none. */
static void
take_annots(struct bx_ds_image *im, struct bx_answer *src, int group)
{
	int i, n0 = im->ans.n, had = im->group != NULL;

	if (group >= 0) {
		im->group = bx_realloc(im->group, sizeof(int) * (size_t)(n0 + src->n + 1));
		for (i = 0; !had && i < n0; i++)
			im->group[i] = -1;
		for (i = 0; i < src->n; i++)
			im->group[n0 + i] = group;
	}
	for (i = 0; i < src->n; i++)
		bx_answer_add(&im->ans, &src->a[i]);
	bx_answer_free(src);
}

/* 64-bit FNV-1a: image paths as idset keys (a hit is checked by strcmp). */
static int64_t
name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (int64_t)h;
}

/* The id of ds's image whose file_name is fn, or fn without its leading
 * folders ("/data/val/a.jpg" -> "val/a.jpg" -> "a.jpg": results written
 * on another machine). */
static int
by_name(const struct idset *names, const struct bx_dataset *ds, const json_t *fn,
        int64_t *id_out)
{
	const char *p = json_string_value(fn);
	int k;

	while (p != NULL && *p) {
		k = idset_get(names, name_hash(p));
		if (k >= 0 && strcmp(ds->img[k].file_name, p) == 0) {
			*id_out = ds->img[k].id;
			return 0;
		}
		p = strchr(p, '/');
		if (p != NULL)
			p++;
	}
	return -1;
}

/* Annotations (GT or results) into ds, with classes from cats. Images made
 * here are found through a map of their own: the dataset's sorted index
 * would need rebuilding after every add. */
static void
read_annotations(const json_t *anns, const char *name, const char *arrname, struct bx_dataset *ds,
                 const struct bx_dataset *cats, int how)
{
	struct idset ids = { 0 }, made = { 0 }, names = { 0 };
	struct bx_answer tmp;
	char why[600], num[32];
	const json_t *a, *j;
	int64_t id, image_id, cat_id;
	size_t i;
	int im, ci, k;

	for (k = 0; (how & ANN_MAKE_IMAGES) && k < ds->n; k++)
		idset_put(&made, ds->img[k].id, k);
	for (k = 0; (how & BX_COCO_BY_NAME) && k < ds->n; k++)
		if (ds->img[k].file_name != NULL)
			idset_put(&names, name_hash(ds->img[k].file_name), k);
	for (i = 0; i < json_array_size(anns); i++) {
		a = json_array_get(anns, i);
		if (!json_is_object(a)) {
			bx_dataset_error(ds, "%s: %s[%zu]: expected an object, got %s", name, arrname,
			    i, bx_json_type(a));
			continue;
		}
		if ((how & BX_COCO_BY_NAME) &&
		    by_name(&names, ds, json_object_get(a, "file_name"), &image_id) != 0) {
			bx_dataset_error(ds, "%s: %s[%zu].file_name: %s", name, arrname, i,
			    json_is_string(json_object_get(a, "file_name")) ?
			    "no such image in the project" : "missing (results are matched by file "
			    "name without --gt)");
			continue;
		}
		if (!(how & BX_COCO_BY_NAME) &&
		    bx_json_id(json_object_get(a, "image_id"), &image_id) != 0) {
			bx_dataset_error(ds, "%s: %s[%zu].image_id: missing or not an integer", name,
			    arrname, i);
			continue;
		}
		if (bx_json_id(json_object_get(a, "category_id"), &cat_id) != 0) {
			bx_dataset_error(ds, "%s: %s[%zu].category_id: missing or not an integer", name,
			    arrname, i);
			continue;
		}
		/* image first, so that a refused annotation can mark its image */
		im = how & ANN_MAKE_IMAGES ? idset_get(&made, image_id) : bx_dataset_find(ds, image_id);
		if (im < 0 && (how & ANN_MAKE_IMAGES)) {
			bx_dataset_add(ds, image_id, NULL, 0, 0)->line = (int)i + 1;
			im = ds->n - 1;
			idset_put(&made, image_id, im);
		}
		if (im < 0) {
			bx_dataset_error(ds, "%s: %s[%zu].image_id: unknown image %lld", name, arrname,
			    i, (long long)image_id);
			continue;
		}
		if ((j = json_object_get(a, "id")) != NULL) {
			if (bx_json_id(j, &id) != 0) {
				bx_dataset_error(ds, "%s: %s[%zu].id: expected an integer", name, arrname, i);
				ds->img[im].failed = 1;
				continue;
			}
			if (!idset_add(&ids, id)) {
				bx_dataset_error(ds, "%s: %s[%zu].id: duplicate id %lld", name, arrname, i,
				    (long long)id);
				ds->img[im].failed = 1;
				continue;
			}
		}
		ci = bx_dataset_class_by_id(cats, cat_id);
		if (ci < 0 && (how & ANN_MAKE_CLASSES)) {
			snprintf(num, sizeof num, "%lld", (long long)cat_id);
			ci = bx_dataset_add_class(ds, num, cat_id);
		}
		if (ci < 0) {
			/* `boxel score` (BX_COCO_IDS_ONLY) has always named the key */
			bx_dataset_error(ds, how & BX_COCO_IDS_ONLY ?
			    "%s: %s[%zu]: unknown category_id %lld" :
			    "%s: %s[%zu].category_id: unknown category %lld", name, arrname, i,
			    (long long)cat_id);
			ds->img[im].failed = 1;
			continue;
		}
		bx_answer_init(&tmp);
		if (parse_ann(a, cats->classes[ci], cats->class_nkpts ? cats->class_nkpts[ci] : 0,
		    !(how & (BX_COCO_IDS_ONLY | ANN_RESULTS)),
		    (how & ANN_BOXEL) != 0, (how & BX_COCO_GROUPS) != 0, ds, &tmp, why,
		    sizeof why) != 0) {
			bx_answer_free(&tmp);
			/* why starts with the key it is about, or ": " when none */
			bx_dataset_error(ds, "%s: %s[%zu]%s%s", name, arrname, i,
			    why[0] == ':' ? "" : ".", why);
			ds->img[im].failed = 1;
			continue;
		}
		for (k = 0; (how & ANN_RESULTS) && k < tmp.n; k++)
			tmp.a[k].flags |= BX_ANNOT_SUGGESTION;
		take_annots(&ds->img[im], &tmp, how & BX_COCO_GROUPS ? (int)i : -1);
		ds->img[im].has_answer = 1;
	}
	idset_free(&ids);
	idset_free(&made);
	idset_free(&names);
}

static void
copy_classes(const struct bx_dataset *from, struct bx_dataset *to)
{
	int i;

	for (i = 0; i < from->nclasses; i++)
		bx_dataset_add_class(to, from->classes[i],
		    from->class_ids ? from->class_ids[i] : i + 1);
}

static int
read_categories(const json_t *cats, const char *name, struct bx_dataset *ds)
{
	struct idset ids = { 0 };
	const json_t *c, *nm;
	int64_t id;
	size_t i;
	int k, dup;

	for (i = 0; i < json_array_size(cats); i++) {
		c = json_array_get(cats, i);
		nm = json_object_get(c, "name");
		if (!json_is_object(c) || bx_json_id(json_object_get(c, "id"), &id) != 0) {
			bx_dataset_error(ds, "%s: categories[%zu]: expected an object with an integer id",
			    name, i);
			continue;
		}
		if (!json_is_string(nm) || json_string_value(nm)[0] == '\0') {
			bx_dataset_error(ds, "%s: categories[%zu].name: expected a non-empty string",
			    name, i);
			continue;
		}
		if (!idset_add(&ids, id)) {
			bx_dataset_error(ds, "%s: categories[%zu].id: duplicate id %lld", name, i,
			    (long long)id);
			continue;
		}
		for (dup = 0, k = 0; k < ds->nclasses; k++)
			if (strcmp(ds->classes[k], json_string_value(nm)) == 0)
				dup = 1;
		if (dup) {
			bx_dataset_error(ds, "%s: categories[%zu].name: duplicate name \"%.60s\"", name, i,
			    json_string_value(nm));
			continue;
		}
		k = bx_dataset_add_class(ds, json_string_value(nm), id);
		/* a keypoint category (person_keypoints) names its points */
		if (json_is_array(json_object_get(c, "keypoints")))
			ds->class_nkpts[k] = (int)json_array_size(json_object_get(c, "keypoints"));
	}
	idset_free(&ids);
	return 0;
}

/* An image's "points" (boxel's extension: COCO has no point geometry, and
 * a point as a zero-size box would count as a missed object in COCOeval):
 * [{"class": C, "point": [x, y], "attributes"?: {...}, "score"?: S}]. */
static int
read_points(const json_t *list, struct bx_answer *ans, char *why, size_t whysz)
{
	const json_t *p, *pt, *j;
	struct bx_annot an;
	struct bx_pt xy;
	size_t k;

	if (!json_is_array(list)) {
		snprintf(why, whysz, ": expected a list of {class, point}");
		return -1;
	}
	for (k = 0; k < json_array_size(list); k++) {
		p = json_array_get(list, k);
		pt = json_object_get(p, "point");
		if (!json_is_object(p) || !json_is_string(json_object_get(p, "class")) ||
		    json_string_value(json_object_get(p, "class"))[0] == '\0') {
			snprintf(why, whysz, "[%zu]: expected {\"class\": NAME, \"point\": [x, y]}", k);
			return -1;
		}
		if (!json_is_array(pt) || json_array_size(pt) != 2 ||
		    bx_json_finite(json_array_get(pt, 0), &xy.x) != 0 ||
		    bx_json_finite(json_array_get(pt, 1), &xy.y) != 0) {
			snprintf(why, whysz, "[%zu].point: expected [x, y] (finite numbers)", k);
			return -1;
		}
		memset(&an, 0, sizeof an);
		an.geom = BX_GEOM_POINT;
		an.cls = (char *)json_string_value(json_object_get(p, "class"));
		an.pts = &xy;
		an.npts = 1;
		if ((j = json_object_get(p, "score")) != NULL) {
			if (bx_json_finite(j, &an.score) != 0) {
				snprintf(why, whysz, "[%zu].score: expected a finite number", k);
				return -1;
			}
			an.flags = BX_ANNOT_SUGGESTION;
		}
		if ((j = json_object_get(p, "attributes")) != NULL) {
			char sub[400];
			if (bx_json_read_attrs(j, "attributes", &an.attrs, sub, sizeof sub) != 0) {
				snprintf(why, whysz, "[%zu].%s", k, sub);
				return -1;
			}
		}
		bx_answer_add(ans, &an);
		bx_attrs_free(&an.attrs);
	}
	return 0;
}

static void
read_images(const json_t *imgs, const char *name, int flags, struct bx_dataset *ds)
{
	struct idset ids = { 0 };
	const json_t *o, *fn, *j;
	struct bx_ds_image *im;
	struct bx_annot tag;
	char why[600];
	int64_t id;
	int w, h;
	size_t i, k;

	for (i = 0; i < json_array_size(imgs); i++) {
		o = json_array_get(imgs, i);
		if (!json_is_object(o)) {
			bx_dataset_error(ds, "%s: images[%zu]: expected an object, got %s", name, i,
			    bx_json_type(o));
			continue;
		}
		if (bx_json_id(json_object_get(o, "id"), &id) != 0) {
			bx_dataset_error(ds, "%s: images[%zu].id: missing or not an integer", name, i);
			continue;
		}
		fn = json_object_get(o, "file_name");
		if ((fn != NULL || !(flags & BX_COCO_IDS_ONLY)) &&
		    (!json_is_string(fn) || json_string_value(fn)[0] == '\0')) {
			bx_dataset_error(ds, "%s: images[%zu].file_name: expected a non-empty string",
			    name, i);
			continue;
		}
		if (get_size(o, "width", &w, why, sizeof why) != 0 ||
		    get_size(o, "height", &h, why, sizeof why) != 0) {
			bx_dataset_error(ds, "%s: images[%zu].%s", name, i, why);
			continue;
		}
		if (!idset_add(&ids, id)) {
			bx_dataset_error(ds, "%s: images[%zu].id: duplicate id %lld", name, i,
			    (long long)id);
			continue;
		}
		im = bx_dataset_add(ds, id, fn ? json_string_value(fn) : NULL, w, h);
		im->line = (int)i + 1;
		im->has_answer = 1;
		if ((j = json_object_get(o, "attributes")) != NULL &&
		    bx_json_read_attrs(j, "attributes", &im->ans.global, why, sizeof why) != 0) {
			bx_dataset_error(ds, "%s: images[%zu].%s", name, i, why);
			bx_answer_free(&im->ans);
			free(im->file_name);
			ds->n--;
			continue;
		}
		if ((j = json_object_get(o, "points")) != NULL &&
		    read_points(j, &im->ans, why, sizeof why) != 0) {
			bx_dataset_error(ds, "%s: images[%zu].points%s", name, i, why);
			bx_answer_free(&im->ans);
			free(im->file_name);
			ds->n--;
			continue;
		}
		if ((j = json_object_get(o, "tags")) != NULL) {
			for (k = 0; json_is_array(j) && k < json_array_size(j); k++)
				if (!json_is_string(json_array_get(j, k)) ||
				    json_string_value(json_array_get(j, k))[0] == '\0')
					break;
			if (!json_is_array(j) || k < json_array_size(j)) {
				bx_dataset_error(ds, "%s: images[%zu].tags: expected a list of class names",
				    name, i);
				bx_answer_free(&im->ans);
				free(im->file_name);
				ds->n--;
				continue;
			}
			for (k = 0; k < json_array_size(j); k++) {
				memset(&tag, 0, sizeof tag);
				tag.geom = BX_GEOM_TAG;
				tag.cls = (char *)json_string_value(json_array_get(j, k));
				bx_answer_add(&im->ans, &tag);
			}
		}
	}
	idset_free(&ids);
	bx_dataset_index(ds);
}

/* A results array: against ref (its images and classes), or on its own
 * (images and classes made from the ids). */
static void
read_results(const json_t *root, const char *name, const struct bx_dataset *ref, int flags,
             struct bx_dataset *out)
{
	int i, how = flags | ANN_RESULTS;

	if (ref == NULL) {
		how |= ANN_MAKE_IMAGES | ANN_MAKE_CLASSES;
	} else {
		for (i = 0; i < ref->n; i++) {
			struct bx_ds_image *im = bx_dataset_add(out, ref->img[i].id,
			    ref->img[i].file_name, ref->img[i].width, ref->img[i].height);
			im->line = ref->img[i].line;
		}
		copy_classes(ref, out);
		bx_dataset_index(out);
		if (flags & BX_COCO_NEW_IMAGES)
			how |= ANN_MAKE_IMAGES;
	}
	read_annotations(root, name, "results", out, out, how);
	bx_dataset_index(out);
}

static int
read_detection(const json_t *root, const char *name, const struct bx_dataset *ref, int flags,
               struct bx_dataset *out, struct bx_err *err)
{
	json_t *imgs, *anns, *cats;
	int ids_only = flags & BX_COCO_IDS_ONLY;

	imgs = json_object_get(root, "images");
	anns = json_object_get(root, "annotations");
	cats = json_object_get(root, "categories");
	if (!json_is_array(imgs) && !(ids_only && imgs == NULL))
		return bx_err_set(err, BX_EINVAL, "%s: images: %s", name, imgs ?
		    "expected an array" : "missing (not a COCO file?)");
	if (anns != NULL && !json_is_array(anns))
		return bx_err_set(err, BX_EINVAL, "%s: annotations: expected an array", name);
	if (cats != NULL && !json_is_array(cats))
		return bx_err_set(err, BX_EINVAL, "%s: categories: expected an array", name);
	if (cats == NULL && anns != NULL && json_array_size(anns) > 0 && !(ids_only && ref))
		return bx_err_set(err, BX_EINVAL, "%s: categories: missing, but there are "
		    "annotations", name);
	if (cats)
		read_categories(cats, name, out);
	else if (ref)
		copy_classes(ref, out);
	if (imgs)
		read_images(imgs, name, flags, out);
	if (anns)
		read_annotations(anns, name, "annotations", out, out,
		    flags | (imgs ? 0 : ANN_MAKE_IMAGES) | (written_by_boxel(root) ? ANN_BOXEL : 0));
	if (imgs == NULL)
		bx_dataset_index(out);
	return 0;
}

int
bx_coco_read_with(const char *text, const char *name, const struct bx_dataset *ref, int flags,
                  struct bx_dataset *out, struct bx_err *err)
{
	json_t *root;
	int rc = 0;

	bx_dataset_init(out);
	if ((root = bx_json_load(text, name, err)) == NULL)
		return BX_EINVAL;
	if (json_is_array(root) && (flags & BX_COCO_BY_NAME) && json_array_size(root) > 0 &&
	    !json_is_string(json_object_get(json_array_get(root, 0), "file_name"))) {
		rc = bx_err_set(err, BX_EINVAL, "%s: the results name their images by image_id "
		    "only: pass --gt FILE, the COCO file whose ids they use (boxel's own export, or "
		    "the file the images came from), or give each result a file_name", name);
	} else if (json_is_array(root)) {
		out->results = 1;
		read_results(root, name, ref, flags, out);
	} else if (flags & BX_COCO_RESULTS) {
		rc = bx_err_set(err, BX_EINVAL, "%s: a results file is a JSON array of "
		    "{image_id, category_id, bbox, score}, got %s", name, bx_json_type(root));
	} else if (!json_is_object(root)) {
		rc = bx_err_set(err, BX_EINVAL, "%s: a COCO file is a JSON object (or an array of "
		    "results), got %s", name, bx_json_type(root));
	} else {
		rc = read_detection(root, name, ref, flags, out, err);
	}
	json_decref(root);
	return rc;
}

int
bx_coco_read(const char *text, const char *name, struct bx_dataset *out, struct bx_err *err)
{
	return bx_coco_read_with(text, name, NULL, 0, out, err);
}

int
bx_coco_read_results(const char *text, const char *name, const struct bx_dataset *gt,
                     struct bx_dataset *out, struct bx_err *err)
{
	return bx_coco_read_with(text, name, gt, BX_COCO_RESULTS, out, err);
}

/* ---- category ids kept from the files a project imported ---- */

void
bx_coco_ids_apply(struct bx_dataset *ds, const char *stored)
{
	json_t *m = stored != NULL ? json_loads(stored, 0, NULL) : NULL;
	struct idset used = { 0 };
	const json_t *j;
	int64_t next = 1, id;
	int i;

	if (ds->class_ids == NULL && ds->nclasses > 0)
		ds->class_ids = bx_calloc((size_t)ds->nclasses, sizeof(int64_t));
	for (i = 0; i < ds->nclasses; i++) {
		j = json_is_object(m) ? json_object_get(m, ds->classes[i]) : NULL;
		id = json_is_integer(j) ? json_integer_value(j) : 0;
		ds->class_ids[i] = id > 0 && idset_add(&used, id) ? id : 0;
	}
	for (i = 0; i < ds->nclasses; i++) {
		if (ds->class_ids[i] != 0)
			continue;
		while (idset_get(&used, next) >= 0)
			next++;
		ds->class_ids[i] = next;
		idset_add(&used, next);
	}
	idset_free(&used);
	json_decref(m);
}

char *
bx_coco_ids_merge(const char *stored, const struct bx_dataset *ds)
{
	json_t *m = stored != NULL ? json_loads(stored, 0, NULL) : NULL;
	char *out, *copy;
	int i;

	if (!json_is_object(m)) {
		json_decref(m);
		m = json_object();
	}
	for (i = 0; ds->class_ids != NULL && i < ds->nclasses; i++)
		json_object_set_new(m, ds->classes[i], json_integer(ds->class_ids[i]));
	out = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(m);
	copy = bx_strdup(out ? out : "{}");
	free(out);
	return copy;
}
