/* import-tasks.c: Label Studio and Scale exports, one JSON array of tasks
 * each (fmt-labelstudio.c and fmt-scale.c read them): Label Studio
 * predictions become suggestions. */
#include <stdlib.h>

#include "boxel/cli.h"
#include "import-int.h"

/* Label Studio and Scale-style exports: one JSON array of tasks. */
int
import_json_fmt(struct imp *im, const char *path, enum fmt f)
{
	struct bx_dataset ds;
	struct bx_err err = { 0 };
	char *text;
	size_t len;
	int rc, i, k;

	if (imp_read_text(path, &text, &len) < 0)
		return -1;
	bx_dataset_init(&ds);
	rc = f == FMT_LS ? bx_ls_read(text, path, &ds, &err) : bx_scale_read(text, path, &ds, &err);
	free(text);
	if (rc < 0) {
		bx_cli_error("%s", err.msg);
		bx_dataset_free(&ds);
		return -1;
	}
	/* Label Studio predictions (every object a suggestion) are suggestions
	 * unless --as says otherwise, as YOLO's confidence column is. */
	for (i = 0; f == FMT_LS && im->as == NULL && i < ds.n; i++) {
		for (k = 0; k < ds.img[i].ans.n; k++)
			if (!(ds.img[i].ans.a[k].flags & BX_ANNOT_SUGGESTION))
				break;
		if (ds.img[i].ans.n > 0 && k == ds.img[i].ans.n)
			ds.img[i].suggested = 1;
	}
	import_dataset(im, &ds, path, "tasks", imp_default_kind(im), 1);
	bx_dataset_free(&ds);
	return 0;
}
