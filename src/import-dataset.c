/* import-dataset.c: a reader's dataset into queued items: each image
 * probed for its size, each answer checked against the taxonomy and the
 * image, objects clipped, kinds the class does not draw converted (by
 * the kinds' convert_from) or counted as losses. Coordinates are image
 * pixels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/geom.h"
#include "boxel/image.h"
#include "import-int.h"

/* Model predictions often overhang the image by a pixel: each kind clips
 * its own to the image rather than have the image refused. A kind that
 * cannot be clipped and stay itself (its clip hook NULL) has such a
 * suggestion dropped, counted in the report by kind. One that fits, or
 * is wrong in another way than reaching out (its bounds inside the image),
 * is left to the taxonomy check. */
static void
clip_suggestions(struct imp *im, struct bx_answer *a, int w, int h)
{
	const struct bx_geom_kind *k;
	double x, y, bw, bh;
	char what[160];
	int i;

	for (i = 0; i < a->n; i++) {
		struct bx_annot *an = &a->a[i];

		if ((k = bx_geom_kind(an->geom)) == NULL || k->form == BX_FORM_NONE ||
		    k->check(an, w, h, what, sizeof what) == 0)
			continue;
		k->bounds(an, &x, &y, &bw, &bh);
		if (!(x < 0 || y < 0 || x + bw > w || y + bh > h))
			continue;
		if (k->clip != NULL) {
			k->clip(an, w, h);
			continue;
		}
		snprintf(what, sizeof what, "%s suggestions dropped: they reach outside the image, "
		    "and %s %s cut by its edge is no longer one", k->name, bx_geom_article(k->id),
		    k->name);
		imp_tally_add(&im->lost, what, 1);
		bx_answer_remove(a, i--);
	}
}

/* Only a JPEG carries an EXIF orientation that turns it (the probe's size
 * is the turned one). */
static int
is_jpeg(const char *path)
{
	unsigned char m[2] = { 0, 0 };
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return 0;
	if (fread(m, 1, 2, f) != 2)
		m[0] = 0;
	fclose(f);
	return m[0] == 0xff && m[1] == 0xd8;
}

/* The image's size as displayed, from its headers: read even when the
 * file gives a size (see add_item). Refused only when it can never be
 * shown (bx_image_plan says why); one that needs tiles is remembered for
 * the report. */
int
imp_probe(struct imp *im, const char *image, const char *abs, int *w, int *h, struct bx_err *err)
{
	struct bx_image_plan plan;
	int i, rc;

	if ((rc = bx_image_plan(abs, &plan, err)) < 0)
		return rc;
	*w = plan.w;
	*h = plan.h;
	if (!plan.tiles)
		return 0;
	for (i = 0; i < im->ntiled; i++) /* --strict's two passes see it twice */
		if (strcmp(im->tiled[i].abs, abs) == 0)
			return 0;
	im->tiled = bx_realloc(im->tiled, sizeof *im->tiled * (size_t)(im->ntiled + 1));
	im->tiled[im->ntiled].image = bx_strdup(image);
	im->tiled[im->ntiled].abs = bx_strdup(abs);
	im->tiled[im->ntiled].w = plan.w;
	im->tiled[im->ntiled].h = plan.h;
	im->ntiled++;
	return 0;
}

/* Check and queue one item; takes ownership of it (freed on failure). */
void
imp_add_item(struct imp *im, struct item *it)
{
	struct bx_err err = { 0 };
	char msg[sizeof err.msg + 600];
	int i, w, h;

	/* The header is read even when the file gives a size: a size written
	 * by another tool may be the unturned one of an EXIF-rotated photo (or
	 * of another image), and coordinates made on it would be drawn
	 * squeezed, off the objects. The probe's size is as displayed. */
	if (imp_probe(im, it->image, it->abs, &w, &h, &err) < 0) {
		snprintf(msg, sizeof msg, "%s: %s", it->image, err.msg);
		imp_item_fail(im, it->where, msg);
		imp_item_free(it);
		return;
	}
	if (it->width > 0 && it->height > 0 && (it->width != w || it->height != h)) {
		if (it->width == h && it->height == w && is_jpeg(it->abs))
			snprintf(msg, sizeof msg, "%s: the file gives the size %dx%d, but the image "
			    "is %dx%d as displayed (its EXIF orientation turns it): coordinates on "
			    "the unturned pixels would land off the objects; not imported", it->image,
			    it->width, it->height, w, h);
		else
			snprintf(msg, sizeof msg, "%s: the file gives the size %dx%d, but the image "
			    "is %dx%d: not imported", it->image, it->width, it->height, w, h);
		imp_item_fail(im, it->where, msg);
		imp_item_free(it);
		return;
	}
	it->width = w;
	it->height = h;
	if (it->has_answer && it->kind != NULL) {
		if (im->tax == NULL) {
			imp_item_fail(im, it->where, "the project has no taxonomy to check annotations "
			    "against (boxel init --force --taxonomy FILE)");
			imp_item_free(it);
			return;
		}
		if (strcmp(it->kind, "suggestion") == 0) {
			for (i = it->ans.n - 1; i >= 0; i--)
				if (it->ans.a[i].score < im->min_score)
					bx_answer_remove(&it->ans, i);
			clip_suggestions(im, &it->ans, it->width, it->height);
		}
		for (i = 0; i < it->ans.n; i++) {
			const struct bx_class *c = bx_taxonomy_class(im->tax, it->ans.a[i].cls);
			if (c != NULL)
				bx_taxonomy_coerce(c->attrs, c->nattrs, &it->ans.a[i].attrs);
		}
		bx_taxonomy_coerce(im->tax->global, im->tax->nglobal, &it->ans.global);
		/* Required attributes are the labelers' duty (queue submit checks
		 * them); imported answers come from formats that may not carry
		 * attributes at all (YOLO), so only what is there is checked. */
		if (bx_taxonomy_check_answer_flags(im->tax, &it->ans, it->width, it->height,
		    BX_CHECK_PARTIAL, &err) < 0) {
			snprintf(msg, sizeof msg, "%s: %s", it->image, err.msg);
			imp_item_fail(im, it->where, msg);
			imp_item_free(it);
			return;
		}
	} else
		it->kind = NULL;
	im->items[im->n++] = *it;
	if (im->n == CHUNK)
		imp_flush(im);
}

/* The conversion into a kind the class c draws for an object of a kind it
 * does not: the first kind in table order that c allows with a conversion
 * from an's kind that fits appends the result to out; 0 when none does
 * (an is kept as it is, and the taxonomy check refuses it). */
static int
convert_one(const struct bx_class *c, const struct bx_annot *an, struct bx_answer *out,
            const char **loss)
{
	const struct bx_geom_kind *k;
	const struct bx_geom_conv *cv;
	int g, n;

	int pass;

	for (pass = 0; pass < 2; pass++)
		for (g = 0; (k = bx_geom_at(g)) != NULL; g++) {
			if (!(c->geoms & (int)k->id) || k->convert_from == NULL)
				continue;
			for (cv = k->convert_from; cv->convert != NULL; cv++)
				if (cv->from == an->geom && cv->fallback == pass &&
				    (n = cv->convert(an, out)) > 0) {
					*loss = cv->loss;
					return n;
				}
		}
	return 0;
}

/* Objects of kinds their class does not draw, converted into one it
 * does (an upright box or a rectangle of a rotated-box class becomes a
 * rotated box, an upright box of a polygon class its rectangle, a
 * multipolygon of a polygon class its polygons): so the
 * exports of such a class come back as they went. A conversion that
 * loses something is counted in the report. */
void
imp_convert_kinds(struct imp *im, struct bx_answer *ans)
{
	const struct bx_class *c;
	const char *loss;
	struct bx_answer out;
	int k, converted = 0;

	bx_answer_init(&out);
	for (k = 0; im->tax != NULL && k < ans->n; k++) {
		const struct bx_annot *an = &ans->a[k];

		c = bx_taxonomy_class(im->tax, an->cls);
		loss = NULL;
		if (c != NULL && !(c->geoms & (int)an->geom) && convert_one(c, an, &out, &loss) > 0) {
			converted++;
			if (loss != NULL)
				imp_tally_add(&im->lost, loss, 1);
			continue;
		}
		bx_answer_add(&out, an);
	}
	if (converted > 0) {
		bx_attrs_copy(&out.global, &ans->global);
		bx_answer_free(ans);
		*ans = out;
	} else
		bx_answer_free(&out);
}

/* Queue a dataset's images (relative to the image root). */
void
import_dataset(struct imp *im, struct bx_dataset *ds, const char *file, const char *what,
               const char *kind, int try_suffixes)
{
	struct bx_err err;
	struct item it;
	int i;

	for (i = 0; i < ds->nerrors; i++)
		imp_item_fail(im, "", ds->errors[i]);
	for (i = 0; i < ds->nlosses; i++)
		imp_tally_add(&im->lost, ds->loss[i], ds->nlost[i]);
	for (i = 0; i < ds->n; i++)
		imp_convert_kinds(im, &ds->img[i].ans);
	if (ds->nrle > 0)
		imp_tally_add(&im->converted, "RLE masks converted to polygons", ds->nrle);
	im->total += ds->n;
	for (i = 0; i < ds->n && !im->fatal; i++) {
		struct bx_ds_image *d = &ds->img[i];

		if (d->failed)
			continue;        /* already reported with the annotation's index */
		memset(&it, 0, sizeof it);
		if (what == NULL)
			it.where = bx_asprintf("%s:%d", file, d->line);
		else if (strcmp(what, "#") == 0)
			it.where = bx_asprintf("%s: image %lld", file, (long long)d->id);
		else
			it.where = bx_asprintf("%s: %s[%d]", file, what, d->line - 1);
		if (d->file_name == NULL) {
			imp_item_fail(im, it.where, "no image path");
			imp_item_free(&it);
			continue;
		}
		bx_err_clear(&err);
		if (imp_resolve(im, d->file_name, try_suffixes, &it.image, &it.abs, &err) < 0) {
			imp_item_fail(im, it.where, err.msg);
			imp_item_free(&it);
			continue;
		}
		it.width = d->width;
		it.height = d->height;
		it.meta = d->meta_json ? bx_strdup(d->meta_json) : NULL;
		it.has_answer = d->has_answer;
		it.kind = !d->has_answer ? NULL : d->suggested ? "suggestion" : kind;
		it.unlabeled = !d->has_answer;
		it.ans = d->ans;                 /* moved */
		bx_answer_init(&d->ans);
		if (d->njudg > 0) {
			/* annotators' judgments (Label Studio): written with the task
			 * as a jsonl line's are, in a batch of overlap 1 whose one
			 * open row the first takes (no open row left to serve) */
			it.jl = bx_calloc(1, sizeof *it.jl);
			it.jl->judgments = d->judg;  /* moved */
			it.jl->njudgments = d->njudg;
			d->judg = NULL;
			d->njudg = 0;
			it.jl->batches = bx_calloc(1, sizeof *it.jl->batches);
			it.jl->batches[0].name = bx_strdup(BX_LS_BATCH);
			it.jl->batches[0].kind = bx_strdup("production");
			it.jl->batches[0].overlap = 1;
			it.jl->nbatches = 1;
		}
		imp_add_item(im, &it);
	}
}

const char *
imp_default_kind(struct imp *im)
{
	return im->as ? im->as : "prelabel";
}
