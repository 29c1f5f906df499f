/* test-fmt-maps.c: the Label Studio and Scale mappings in the kinds'
 * descriptors (boxel/fmt-ls-map.h, boxel/fmt-scale-map.h) agree with the
 * table: a kind's format bit is set exactly when the format holds it
 * through its map, maps are whole (a type has one control; a kind written
 * as another's type says so), and every kind a format holds comes back
 * through the format's writer and reader as the kind the maps say, with
 * its geometry. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/fmt-ls-map.h"
#include "boxel/fmt-scale-map.h"
#include "boxel/formats.h"
#include "boxel/geom.h"
#include "boxel/util.h"
#include "harness.h"

static void
test_bits(void)
{
	const struct bx_geom_kind *k;
	int i;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++) {
		CASE(k->name);
		CHECK_MSG(!!(k->formats & BX_FMT_LS) == (k->ls != NULL),
		    "%s: BX_FMT_LS is set exactly when it has a Label Studio map", k->name);
		/* a kind Scale writes as another's type (note) is not one it
		 * holds: the export's "left out ... (x can)" lines say so */
		CHECK_MSG(!!(k->formats & BX_FMT_SCALE) ==
		    (k->scale != NULL && k->scale->note[0] == NULL),
		    "%s: BX_FMT_SCALE is set exactly when its Scale map holds it", k->name);
	}
}

/* The first kind whose Scale map reads type (NULL: none). */
static const struct bx_geom_kind *
scale_reader(const char *type)
{
	const struct bx_geom_kind *k;
	int i;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++)
		if (k->scale != NULL && k->scale->read != NULL && strcmp(k->scale->type, type) == 0)
			return k;
	return NULL;
}

static void
test_maps(void)
{
	const struct bx_geom_kind *k, *o;
	int i, j, ls_images = 0, scale_images = 0;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++) {
		CASE(k->name);
		if (k->ls != NULL) {
			CHECK(k->ls->type != NULL && k->ls->control != NULL && k->ls->tag != NULL);
			/* both hooks, or neither (the image's classes) */
			CHECK((k->ls->write == NULL) == (k->ls->read == NULL));
			if (k->ls->write == NULL) {
				ls_images++;
				CHECK_INT(k->form, BX_FORM_NONE);
			}
			/* one type, one control: the config has one per type */
			for (j = 0; (o = bx_geom_at(j)) != NULL; j++)
				if (o->ls != NULL && strcmp(o->ls->type, k->ls->type) == 0)
					CHECK(strcmp(o->ls->control, k->ls->control) == 0 &&
					    strcmp(o->ls->tag, k->ls->tag) == 0);
		}
		if (k->scale != NULL) {
			if (k->scale->write == NULL) {
				scale_images++;
				CHECK(k->scale->read == NULL && k->scale->type == NULL);
				CHECK_INT(k->form, BX_FORM_NONE);
				continue;
			}
			CHECK(k->scale->type != NULL);
			/* written as another kind's type: said, and read back
			 * as that kind */
			CHECK((k->scale->read == NULL) == (k->scale->note[0] != NULL));
			CHECK((k->scale->note[0] == NULL) == (k->scale->note[1] == NULL));
			CHECK(scale_reader(k->scale->type) != NULL);
			CHECK((k->scale->fits == NULL) == (k->scale->unfit == NULL));
		}
	}
	CASE("image classes");
	CHECK_INT(ls_images, 1);
	CHECK_INT(scale_images, 1);
}

/* One object of each kind either format holds, as boxel's JSON. */
static const char sample[] = "{\"annotations\": ["
	"{\"class\": \"a\", \"box\": [10, 20, 300.5, 250]},"
	"{\"class\": \"b\", \"polygon\": [[1, 2], [50.5, 3], [40, 60.25]]},"
	"{\"class\": \"c\", \"point\": [33.3, 44.4]},"
	"{\"class\": \"d\"},"
	"{\"class\": \"e\", \"polyline\": [[150, 100], [190.5, 104], [230, 98]]},"
	"{\"class\": \"f\", \"rotated_box\": [200, 150, 60, 30, 30]},"
	"{\"class\": \"g\", \"ellipse\": [300, 100, 20, 10, -30]},"
	"{\"class\": \"h\", \"cuboid\": [[20, 40], [60, 40], [60, 70], [20, 70], [30, 30], "
	"[70, 30], [70, 60], [30, 60]]},"
	"{\"class\": \"i\", \"multipolygon\": [[[1, 1], [5, 1], [5, 5]], [[10, 10], [20, 10], "
	"[20, 20]]]}]}";

/* The objects of src a format holds (by its map), in order, against the
 * ones read back: each of the kind that reads its type, with the same
 * bounds (Label Studio's percentages carry 12 digits). */
static void
check_back(const struct bx_answer *src, const struct bx_answer *back, int ls)
{
	const struct bx_geom_kind *k, *want;
	double x0, y0, w0, h0, x1, y1, w1, h1;
	int i, j = 0, nheld = 0;

	for (i = 0; i < src->n; i++) {
		k = bx_geom_kind(src->a[i].geom);
		if (ls ? k->ls == NULL || k->ls->write == NULL : k->scale == NULL ||
		    k->scale->write == NULL)
			continue;
		nheld++;
		CASE(k->name);
		if (j >= back->n) {
			CHECK_MSG(0, "%s did not come back", k->name);
			continue;
		}
		/* itself (a turned rectangle is the rotated box's, not the
		 * box's), or for a kind written as another's type, that one */
		want = ls || k->scale->read != NULL ? k : scale_reader(k->scale->type);
		CHECK_STR(back->a[j].cls, src->a[i].cls);
		CHECK_MSG(back->a[j].geom == want->id, "%s came back as %s", k->name,
		    bx_geom_name(back->a[j].geom));
		bx_annot_bounds(&src->a[i], &x0, &y0, &w0, &h0);
		bx_annot_bounds(&back->a[j], &x1, &y1, &w1, &h1);
		CHECK_NEAR(x1, x0, 1e-6);
		CHECK_NEAR(y1, y0, 1e-6);
		CHECK_NEAR(w1, w0, 1e-6);
		CHECK_NEAR(h1, h0, 1e-6);
		j++;
	}
	/* and the image's class */
	CASE("tag");
	CHECK_INT(back->n, nheld + 1);
	if (back->n == nheld + 1) {
		CHECK_STR(back->a[nheld].cls, "d");
		CHECK_INT(bx_geom_kind(back->a[nheld].geom)->form, BX_FORM_NONE);
	}
}

static void
round_trip(int ls)
{
	struct bx_dataset src, back;
	struct bx_err err = { 0 };
	struct bx_ds_image *im;
	struct bx_buf b;

	bx_dataset_init(&src);
	im = bx_dataset_add(&src, 1, "a.png", 451, 300);
	im->has_answer = 1;
	CHECK_INT(bx_answer_from_json(sample, &im->ans, &err), 0);
	bx_buf_init(&b);
	if (ls)
		bx_ls_write(&src, &b);
	else
		bx_scale_write(&src, &b);
	bx_dataset_init(&back);
	CHECK_INT(ls ? bx_ls_read(b.p, "x.json", &back, &err) :
	    bx_scale_read(b.p, "x.json", &back, &err), 0);
	CHECK_INT(back.nerrors, 0);
	CHECK_INT(back.n, 1);
	if (back.n == 1)
		check_back(&im->ans, &back.img[0].ans, ls);
	bx_buf_free(&b);
	bx_dataset_free(&back);
	bx_dataset_free(&src);
}

static void
test_labelstudio(void)
{
	round_trip(1);
}

static void
test_scale(void)
{
	round_trip(0);
}

BX_TESTS(T(test_bits), T(test_maps), T(test_labelstudio), T(test_scale))
