/* import-voc.c: Pascal VOC XML files, one per image, alone or in the
 * devkit layout (Annotations/ beside JPEGImages/): a bndbox as the kind
 * the class draws (the kinds' VOC maps), VOC's flags kept or counted. */
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/fmt-voc-map.h"
#include "boxel/geom.h"
#include "import-int.h"

/* VOC has only boxes, and kinds VOC holds are written as a box (a
 * polygon as its bounding box): an object whose class does not draw the
 * kind the reader made becomes the first kind in table order that the
 * class draws and that reads a bndbox (a polygon: the 4-point rectangle,
 * which writes out as the same bndbox). */
static void
voc_kinds(struct imp *im, struct bx_dataset *ds)
{
	const struct bx_geom_kind *k;
	const struct bx_class *c;
	struct bx_annot *an;
	double x, y, w, h;
	int i, j, g;

	for (i = 0; im->tax != NULL && i < ds->n; i++)
		for (j = 0; j < ds->img[i].ans.n; j++) {
			an = &ds->img[i].ans.a[j];
			c = bx_taxonomy_class(im->tax, an->cls);
			if (c == NULL || (c->geoms & (int)an->geom))
				continue;
			for (g = 0; (k = bx_geom_at(g)) != NULL; g++)
				if (k->voc != NULL && k->voc->read != NULL && (c->geoms & (int)k->id))
					break;
			if (k == NULL)
				continue;
			bx_annot_bounds(an, &x, &y, &w, &h);
			free(an->pts);
			an->pts = NULL;
			an->npts = 0;
			an->geom = k->id;
			k->voc->read(an, x, y, w, h);
		}
}

/* VOC's <pose>, <truncated>, <difficult>, <occluded> arrive as "voc:KEY":
 * kept as attribute KEY when the object's class has that attribute (and
 * <attributes> did not already give it), else dropped and counted for the
 * report at the end. */
static const char *const voc_flag_keys[4] = { "pose", "truncated", "difficult", "occluded" };

static void
voc_flags(struct imp *im, struct bx_dataset *ds, long dropped[4])
{
	const struct bx_class *c;
	struct bx_annot *an;
	char key[16];
	int i, k, f, j;

	for (i = 0; i < ds->n; i++)
		for (k = 0; k < ds->img[i].ans.n; k++) {
			an = &ds->img[i].ans.a[k];
			c = im->tax != NULL ? bx_taxonomy_class(im->tax, an->cls) : NULL;
			for (f = 0; f < 4; f++) {
				const struct bx_value *v;
				struct bx_value copy;
				int has = 0;

				snprintf(key, sizeof key, "voc:%s", voc_flag_keys[f]);
				if ((v = bx_attrs_get(&an->attrs, key)) == NULL)
					continue;
				for (j = 0; c != NULL && j < c->nattrs; j++)
					has |= strcmp(c->attrs[j].name, voc_flag_keys[f]) == 0;
				if (has && bx_attrs_get(&an->attrs, voc_flag_keys[f]) == NULL) {
					bx_value_copy(&copy, v);
					bx_attrs_set(&an->attrs, voc_flag_keys[f], &copy);
					bx_value_free(&copy);
				} else if (!has)
					dropped[f]++;
				memset(&copy, 0, sizeof copy);   /* BX_VAL_NONE removes key */
				bx_attrs_set(&an->attrs, key, &copy);
			}
		}
}


int
import_voc(struct imp *im, const char *path)
{
	struct bx_dataset ds;
	struct bx_err err;
	char **files = NULL, *text;
	size_t len;
	int n = 0, i;
	long dropped[4] = { 0, 0, 0, 0 }, clamped = 0;

	if (imp_is_dir(path))
		imp_walk(im, path, ".xml", &files, &n);
	else {
		files = bx_malloc(sizeof(char *));
		files[n++] = bx_strdup(path);
	}
	for (i = 0; i < n && !im->fatal; i++) {
		if (imp_read_text(files[i], &text, &len) < 0) {
			im->failed++;
			continue;
		}
		bx_dataset_init(&ds);
		bx_err_clear(&err);
		if (bx_voc_read(text, files[i], &ds, &err) < 0) {
			imp_item_fail(im, "", err.msg);
			im->total++;
		} else {
			imp_images_beside(im, &ds, files[i], "../JPEGImages");
			voc_flags(im, &ds, dropped);
			voc_kinds(im, &ds);
			clamped += ds.nclamped;
			import_dataset(im, &ds, files[i], NULL, imp_default_kind(im), 1);
		}
		bx_dataset_free(&ds);
		free(text);
	}
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	if (clamped > 0 && !im->quiet)
		bx_cli_error("note: %s: %ld box%s one pixel past the image edge (corners counted "
		    "from 0) clamped to it", path, clamped, clamped == 1 ? "" : "es");
	for (i = 0; i < 4; i++)
		if (dropped[i] > 0) {
			char what[200];
			snprintf(what, sizeof what, "VOC <%s> values dropped: the object's class has no "
			    "'%s' attribute", voc_flag_keys[i], voc_flag_keys[i]);
			imp_tally_add(&im->lost, what, dropped[i]);
		}
	return 0;
}
