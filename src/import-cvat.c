/* import-cvat.c: CVAT for images XML files (fmt-cvat.c reads each against
 * the project's taxonomy, which names a skeleton's points); images are
 * found beneath the image root or in the images/ folder CVAT's export
 * puts beside the file. */
#include <stdlib.h>

#include "import-int.h"

static void
import_file(struct imp *im, const char *path)
{
	struct bx_dataset ds;
	struct bx_err err;
	char *text;
	size_t len;

	if (imp_read_text(path, &text, &len) < 0) {
		im->failed++;
		return;
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
}

/* A file, or every .xml file in a folder (CVAT's export unpacked:
 * annotations.xml beside images/). */
int
import_cvat(struct imp *im, const char *path)
{
	char **files = NULL;
	int n = 0, i;

	if (!imp_is_dir(path)) {
		import_file(im, path);
		return 0;
	}
	imp_walk(im, path, ".xml", &files, &n);
	for (i = 0; i < n; i++) {
		if (!im->fatal)
			import_file(im, files[i]);
		free(files[i]);
	}
	free(files);
	return 0;
}
