/* import-voc.c: Pascal VOC XML files, one per image, alone or in the
 * devkit layout (Annotations/ beside JPEGImages/): boxes back to polygons
 * where the class draws no boxes, VOC's flags kept or counted. */
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "import-int.h"

/* VOC has only boxes, and boxel writes polygons as their bounding box: for
 * a class that allows polygons but not boxes, the box comes back as a
 * 4-point polygon (which writes out as the same bndbox). */
static void
voc_polygons(struct imp *im, struct bx_dataset *ds)
{
	const struct bx_class *c;
	struct bx_annot *an;
	int i, k;

	for (i = 0; im->tax != NULL && i < ds->n; i++)
		for (k = 0; k < ds->img[i].ans.n; k++) {
			an = &ds->img[i].ans.a[k];
			c = bx_taxonomy_class(im->tax, an->cls);
			if (an->geom != BX_GEOM_BOX || c == NULL || (c->geoms & BX_GEOM_BOX) ||
			    !(c->geoms & BX_GEOM_POLYGON))
				continue;
			an->geom = BX_GEOM_POLYGON;
			an->npts = 4;
			an->pts = bx_malloc(sizeof *an->pts * 4);
			an->pts[0].x = an->x, an->pts[0].y = an->y;
			an->pts[1].x = an->x + an->w, an->pts[1].y = an->y;
			an->pts[2].x = an->x + an->w, an->pts[2].y = an->y + an->h;
			an->pts[3].x = an->x, an->pts[3].y = an->y + an->h;
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
			voc_polygons(im, &ds);
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
