/* import-paths.c: image paths an input names, resolved beneath the image
 * root (no "..", no symlink out of it), images found beside a dataset
 * file, and reading an input file as text. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxel/cli.h"
#include "import-int.h"

/* Lexical clean-up of a relative path: drop "./" components and repeated
 * slashes. */
static void
normalize(char *p)
{
	char *r = p, *w = p;

	while (*r) {
		if (r[0] == '/' && (w == p || w[-1] == '/')) {
			r++;
			continue;
		}
		if (r[0] == '.' && (r[1] == '/' || r[1] == '\0') && (w == p || w[-1] == '/')) {
			r += r[1] ? 2 : 1;
			continue;
		}
		*w++ = *r++;
	}
	if (w > p && w[-1] == '/')
		w--;
	*w = '\0';
}

static int
has_dotdot(const char *p)
{
	const char *s = p;

	while ((s = strstr(s, "..")) != NULL) {
		if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return 1;
		s += 2;
	}
	return 0;
}

/* bx_path_resolve with the root's real path computed once (im->root), not
 * per image: the same lexical check, then one realpath() whose result must
 * stay beneath the root (symlinks followed). */
static int
resolve_fast(struct imp *im, const char *rel, char *out, size_t outsz, struct bx_err *err)
{
	char joined[PATH_MAX * 2];
	size_t rl = strlen(im->root);
	struct stat sb;
	char *slash;
	int links = 0;

	if (!bx_path_is_safe_relative(rel))
		return bx_err_set(err, BX_EINVAL,
		    "path must be relative to the image root, without '..'");
	snprintf(joined, sizeof joined, "%s/%s", im->root, rel);
	/* Without a symlink below the root (lstat of each component), the
	 * joined path is already the real one; a symlink anywhere means
	 * realpath() and the prefix check. */
	for (slash = joined + rl + 1; !links; slash++) {
		slash = strchr(slash, '/');
		if (slash != NULL)
			*slash = '\0';
		/* relative to the open root: the kernel walks only the new part */
		if ((im->rootfd >= 0 ? fstatat(im->rootfd, joined + rl + 1, &sb,
		    AT_SYMLINK_NOFOLLOW) : lstat(joined, &sb)) != 0) {
			int e = errno;
			if (slash != NULL)
				*slash = '/';
			return bx_err_set(err, e == ENOENT || e == ENOTDIR ? BX_ENOENT : BX_EIO, "%s",
			    strerror(e));
		}
		links = S_ISLNK(sb.st_mode);
		if (slash == NULL)
			break;
		*slash = '/';
	}
	if (!links) {
		if (strlen(joined) + 1 > outsz)
			return bx_err_set(err, BX_ELIMIT, "path too long");
		memcpy(out, joined, strlen(joined) + 1);
		return 0;
	}
	return bx_path_real_under(im->root, joined, out, outsz, err);
}

/* Turn a path from an input file into one relative to the image root and
 * make sure it exists beneath it (bx_path_resolve: no "..", no symlink
 * escape). Absolute paths are accepted only inside the root. With
 * try_suffixes (COCO, Label Studio, VOC, Scale: files written on other
 * machines), a path that does not exist is retried without its leading
 * directories ("/data/coco/train/a.jpg" -> "train/a.jpg" -> "a.jpg"). */
int
imp_resolve(struct imp *im, const char *given, int try_suffixes, char **rel_out, char **abs_out,
        struct bx_err *err)
{
	char abs[PATH_MAX], *p, *cand;
	size_t rl = strlen(im->root);
	int rc;

	if (given == NULL || given[0] == '\0')
		return bx_err_set(err, BX_EINVAL, "empty image path");
	if (strlen(given) >= PATH_MAX)
		return bx_err_set(err, BX_EINVAL, "image path too long");
	for (p = (char *)given; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return bx_err_set(err, BX_EINVAL, "%s: image path contains a control character",
			    given);
	if (has_dotdot(given))
		return bx_err_set(err, BX_EINVAL, "%s: image path leaves the image root ('..')", given);
	/* Every export format is UTF-8 text (JSON, XML): a name that is not
	 * would make the export invalid, so it is refused here, not mangled. */
	if (!bx_utf8_valid(given))
		return bx_err_set(err, BX_EINVAL, "%s: image path is not valid UTF-8 (rename the "
		    "file)", given);
	if (given[0] == '/') {
		if (strncmp(given, im->root, rl) == 0 && given[rl] == '/')
			p = bx_strdup(given + rl + 1);
		else if (try_suffixes)
			p = bx_strdup(given + 1);
		else
			return bx_err_set(err, BX_EINVAL, "%s: absolute path outside the image root",
			    given);
	} else
		p = bx_strdup(given);
	normalize(p);
	cand = p;
	for (;;) {
		bx_err_clear(err);
		rc = cand[0] ? resolve_fast(im, cand, abs, sizeof abs, err) :
		    bx_err_set(err, BX_ENOENT, "empty path");
		if (rc == 0 || rc != BX_ENOENT || !try_suffixes || strchr(cand, '/') == NULL)
			break;
		cand = strchr(cand, '/') + 1;
	}
	if (rc == 0) {
		struct stat sb;
		if (stat(abs, &sb) != 0 || !S_ISREG(sb.st_mode))
			rc = bx_err_set(err, BX_EINVAL, "not a regular file");
	}
	if (rc != 0) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		if (rc == BX_ENOENT)
			bx_err_set(err, rc, "%s: no such image beneath the image root", given);
		else
			bx_err_set(err, rc, "%s: %s", given, msg);
		free(p);
		return rc;
	}
	*rel_out = bx_strdup(cand);
	*abs_out = bx_strdup(abs);
	free(p);
	return 0;
}

int
imp_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

int
imp_is_dir(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int
imp_exists(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat sb;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &sb) == 0;
}



int
imp_is_dir_in(const char *dir, const char *name)
{
	char p[PATH_MAX];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return imp_is_dir(p);
}

int
imp_read_text(const char *path, char **text_out, size_t *len_out)
{
	struct bx_err err = { 0 };

	if (bx_read_file(path, IMPORT_MAX_FILE, text_out, len_out, &err) < 0) {
		bx_cli_error("%s: %s", path, err.msg);
		return -1;
	}
	if (strlen(*text_out) != *len_out) {
		bx_cli_error("%s: contains a NUL byte: not a text file", path);
		free(*text_out);
		return -1;
	}
	return 0;
}

/* The absolute path of p (which exists) if it lies beneath the image root,
 * as a path relative to it; NULL otherwise. */
char *
imp_rel_to_root(struct imp *im, const char *p)
{
	char real[PATH_MAX];
	size_t rl = strlen(im->root);

	if (realpath(p, real) == NULL)
		return NULL;
	if (strcmp(real, im->root) == 0)
		return bx_strdup("");
	if (strncmp(real, im->root, rl) == 0 && real[rl] == '/')
		return bx_strdup(real + rl + 1);
	return NULL;
}

/* Images a file names by a bare file name that is not beneath the image
 * root but lies at sub/NAME beside the file (and beneath the root): those
 * are the images. The VOC devkit: VOC2007/Annotations/X.xml names
 * <filename>X.jpg</>, which lies in VOC2007/JPEGImages/ (sub
 * "../JPEGImages"); a Roboflow COCO export: train/_annotations.coco.json
 * names a.jpg beside it in train/ (sub "."). */
void
imp_images_beside(struct imp *im, struct bx_dataset *ds, const char *file, const char *sub)
{
	char abs[PATH_MAX * 2], *dir, *slash, *rel;
	int i;

	for (i = 0; i < ds->n; i++) {
		const char *fn = ds->img[i].file_name;

		if (fn == NULL || strchr(fn, '/') != NULL)
			continue;
		snprintf(abs, sizeof abs, "%s/%s", im->root, fn);
		if (access(abs, F_OK) == 0)
			continue;
		dir = bx_strdup(file);
		slash = strrchr(dir, '/');
		if (slash != NULL)
			*slash = '\0';
		snprintf(abs, sizeof abs, "%s/%s/%s", slash ? dir : ".", sub, fn);
		free(dir);
		if (access(abs, F_OK) != 0 || (rel = imp_rel_to_root(im, abs)) == NULL)
			continue;
		free(ds->img[i].file_name);
		ds->img[i].file_name = rel;
	}
}
