/* import-cvat.c: a CVAT for images XML file (fmt-cvat.c reads it against
 * the project's taxonomy, which names a skeleton's points); images are
 * found beneath the image root or in the images/ folder CVAT's export
 * puts beside the file. */
#include <stdlib.h>

#include "import-int.h"

int
import_cvat(struct imp *im, const char *path)
{
	struct bx_dataset ds;
	struct bx_err err;
	char *text;
	size_t len;

	if (imp_read_text(path, &text, &len) < 0) {
		im->failed++;
		return 0;
	}
	bx_dataset_init(&ds);
	ds.tax = im->tax;
	bx_err_clear(&err);
	if (bx_cvat_read(text, path, &ds, &err) < 0) {
		imp_item_fail(im, "", err.msg);
		im->total++;
	} else {
		imp_images_beside(im, &ds, path, "images");
		import_dataset(im, &ds, path, NULL, imp_default_kind(im), 1);
	}
	bx_dataset_free(&ds);
	free(text);
	return 0;
}
