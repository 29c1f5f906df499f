/* import-folder.c: a folder of images (recursively, sorted, symlinked
 * folders not followed) as tasks without answers; image files boxel cannot
 * decode are named, never skipped in silence. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "boxel/cli.h"
#include "import-int.h"

/* Image files boxel cannot decode: named in the run, never passed over
 * in silence. */
static int
is_other_image_name(const char *name)
{
	static const char *const exts[] = { ".webp", ".bmp", ".tif", ".tiff", ".gif", ".heic",
	    ".heif", ".avif", ".jxl", ".jp2" };
	const char *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot != NULL && i < BX_ARRAY_LEN(exts); i++)
		if (strcasecmp(dot, exts[i]) == 0)
			return 1;
	return 0;
}

int
imp_is_image_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot != NULL && (strcasecmp(dot, ".png") == 0 || strcasecmp(dot, ".jpg") == 0 ||
	    strcasecmp(dot, ".jpeg") == 0);
}

int
imp_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect image files (ext NULL) or files ending in ext under dir
 * (recursively, sorted, symlinked directories not followed) as paths relative to
 * the image root. */
void
imp_walk(struct imp *im, const char *dir, const char *ext, char ***list, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat sb;
	char **names = NULL;
	int nn = 0, i;

	if (d == NULL) {
		imp_item_fail(im, dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;         /* ".", "..", hidden files */
		names = bx_realloc(names, sizeof(char *) * (size_t)(nn + 1));
		names[nn++] = bx_asprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (nn > 1)
		qsort(names, (size_t)nn, sizeof(char *), imp_cmp_str);
	for (i = 0; i < nn; i++) {
		if (lstat(names[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			imp_walk(im, names[i], ext, list, n);
		else if (ext == NULL && is_other_image_name(names[i])) {
			imp_item_fail(im, names[i], "boxel reads PNG and JPEG images only: not imported "
			    "(convert it)");
			im->total++;
		} else if (ext ? imp_ends_with(names[i], ext) : imp_is_image_name(names[i])) {
			*list = bx_realloc(*list, sizeof(char *) * (size_t)(*n + 1));
			(*list)[(*n)++] = names[i];
			names[i] = NULL;
		}
		free(names[i]);
	}
	free(names);
}

int
import_folder(struct imp *im, const char *path)
{
	char **files = NULL, *base, *rel;
	struct bx_err err;
	struct item it;
	int n = 0, i;

	base = imp_rel_to_root(im, path);
	if (base == NULL) {
		bx_cli_error("%s: the folder is not beneath the image root %s", path, im->root);
		return -1;
	}
	imp_walk(im, path, NULL, &files, &n);
	im->total += n;
	for (i = 0; i < n && !im->fatal; i++) {
		memset(&it, 0, sizeof it);
		it.where = bx_strdup(files[i]);
		/* files[i] is path + "/" + the part below it */
		rel = base[0] ? bx_asprintf("%s/%s", base, files[i] + strlen(path) + 1) :
		    bx_strdup(files[i] + strlen(path) + 1);
		bx_err_clear(&err);
		if (imp_resolve(im, rel, 0, &it.image, &it.abs, &err) < 0) {
			imp_item_fail(im, it.where, err.msg);
			imp_item_free(&it);
		} else
			imp_add_item(im, &it);
		free(rel);
	}
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(base);
	return 0;
}
