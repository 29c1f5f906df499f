/* import-yolo.c: YOLO datasets: a data.yaml's splits or a labels/ folder
 * beside images/, one label file per image, class names from the yaml or
 * --names; normalized centers to image pixels, clamped within 1%. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boxel/cli.h"
#include "import-int.h"

/* "a/b.jpg" -> "a/b" */
static char *
strip_ext(const char *p)
{
	const char *dot = strrchr(p, '.'), *slash = strrchr(p, '/');

	if (dot == NULL || (slash != NULL && dot < slash))
		return bx_strdup(p);
	return bx_strndup(p, (size_t)(dot - p));
}

/* A label file's real path lies beneath the dataset folder: a symlink
 * labels/x.txt -> /etc/passwd must not be read (its lines would be echoed
 * in error messages). */
static int
inside_dataset(const struct imp *im, const char *label)
{
	char real[PATH_MAX];
	size_t n = strlen(im->yolo_dir);

	if (realpath(label, real) == NULL)
		return 0;
	return strncmp(real, im->yolo_dir, n) == 0 && (real[n] == '/' ||
	    (n == 1 && im->yolo_dir[0] == '/'));
}

/* One YOLO image: rel (beneath the root) and its label file (may not exist:
 * no objects). */
static void
yolo_one(struct imp *im, const struct bx_dataset *names, const char *rel, const char *label,
         const char *where_default)
{
	struct bx_dataset errs;
	struct bx_err err = { 0 };
	struct item it;
	char *text = NULL;
	size_t len;
	int k;

	memset(&it, 0, sizeof it);
	it.where = bx_strdup(access(label, F_OK) == 0 ? label : where_default);
	im->total++;
	if (imp_resolve(im, rel, 0, &it.image, &it.abs, &err) < 0) {
		imp_item_fail(im, it.where, err.msg);
		imp_item_free(&it);
		return;
	}
	it.width = it.height = 0;
	if (imp_probe(im, it.image, it.abs, &it.width, &it.height, &err) < 0) {
		char msg[sizeof err.msg + 300];
		snprintf(msg, sizeof msg, "%s: %s", it.image, err.msg);
		imp_item_fail(im, it.where, msg);
		imp_item_free(&it);
		return;
	}
	if (access(label, F_OK) == 0) {
		if (!inside_dataset(im, label)) {
			imp_item_fail(im, it.where, "the label file leads outside the dataset folder "
			    "(a symlink): not read");
			imp_item_free(&it);
			return;
		}
		if (bx_read_file(label, 64u << 20, &text, &len, &err) < 0) {
			imp_item_fail(im, it.where, err.msg);
			imp_item_free(&it);
			return;
		}
		bx_dataset_init(&errs);
		if (bx_yolo_read_labels(text, label, it.width, it.height, names, &it.ans,
		    &errs) < 0) {
			for (k = 0; k < errs.nerrors; k++)
				bx_cli_error("%s", errs.errors[k]);
			im->failed++;
			bx_dataset_free(&errs);
			free(text);
			imp_item_free(&it);
			return;
		}
		im->yolo_clamped += errs.nclamped;
		imp_convert_kinds(im, &it.ans);
		bx_dataset_free(&errs);
		free(text);
	} else {
		/* No label file is not "nothing here" (an empty file is, as
		 * Ultralytics' background images): the image comes in as a task
		 * without an answer, and the run says so. */
		it.unlabeled = 1;
		imp_add_item(im, &it);
		return;
	}
	it.has_answer = 1;
	it.kind = imp_default_kind(im);
	/* a confidence column: predictions, suggestions unless --as says */
	for (k = 0; k < it.ans.n; k++)
		if (it.ans.a[k].flags & BX_ANNOT_SUGGESTION)
			it.kind = im->as ? im->as : "suggestion";
	imp_add_item(im, &it);
}

static void
add_path(char ***list, int *n, char *p)
{
	*list = bx_realloc(*list, sizeof(char *) * (size_t)(*n + 1));
	(*list)[(*n)++] = p;
}

/* The images of one data.yaml split entry: a folder (walked), a .txt
 * list of image paths ("./x" relative to the list's folder, others to
 * the dataset root), or a single image. Relative entries are relative to
 * base; Roboflow writes "../train/images", which Ultralytics also looks
 * for as base/train/images. */
static void
split_images(struct imp *im, const char *yaml, const char *split, const char *base,
             const char *entry, char ***list, int *n)
{
	char *p = entry[0] == '/' ? bx_strdup(entry) : bx_asprintf("%s/%s", base, entry);
	char *text, *line, *next, *dir;
	size_t len;

	if (access(p, F_OK) != 0 && strncmp(entry, "../", 3) == 0) {
		free(p);
		p = bx_asprintf("%s/%s", base, entry + 3);
	}
	if (imp_is_dir(p))
		imp_walk(im, p, NULL, list, n);
	else if (imp_ends_with(p, ".txt") && access(p, F_OK) == 0) {
		if (imp_read_text(p, &text, &len) == 0) {
			dir = bx_strdup(p);
			*strrchr(dir, '/') = '\0';
			for (line = text; line && *line; line = next) {
				next = strchr(line, '\n');
				if (next)
					*next++ = '\0';
				len = strlen(line);
				while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
					line[--len] = '\0';
				if (line[0] == '\0')
					continue;
				add_path(list, n, strncmp(line, "./", 2) == 0 ?
				    bx_asprintf("%s/%s", dir, line + 2) : line[0] == '/' ?
				    bx_strdup(line) : bx_asprintf("%s/%s", base, line));
			}
			free(dir);
			free(text);
		} else
			im->failed++;
	} else if (imp_is_image_name(p) && access(p, F_OK) == 0)
		add_path(list, n, bx_strdup(p));
	else {
		char msg[PATH_MAX + 100];
		snprintf(msg, sizeof msg, "%s: %s: no such folder, image list or image", split, p);
		imp_item_fail(im, yaml, msg);
	}
	free(p);
}

/* Each image of an Ultralytics or Roboflow layout with its label file. */
static void
yolo_images(struct imp *im, const struct bx_dataset *names, char **files, int n)
{
	char *rel, *label;
	int i;

	qsort(files, (size_t)n, sizeof(char *), imp_cmp_str);
	for (i = 0; i < n && !im->fatal; i++) {
		if (i > 0 && strcmp(files[i], files[i - 1]) == 0)
			continue;   /* val may name train's folder again */
		label = bx_yolo_label_path(files[i]);
		rel = imp_rel_to_root(im, files[i]);
		if (label == NULL) {
			imp_item_fail(im, files[i], "the image is not in an images/ folder, so it has no "
			    "labels/ file (Ultralytics' layout)");
			im->total++;
		} else if (rel == NULL) {
			imp_item_fail(im, files[i], "the image is not beneath the image root");
			im->total++;
		} else
			yolo_one(im, names, rel, label, files[i]);
		free(rel);
		free(label);
	}
}

int
import_yolo(struct imp *im, const char *path)
{
	struct bx_dataset names;
	struct bx_yolo_data data;
	struct bx_err err = { 0 };
	char p[PATH_MAX], *text, **files = NULL, *rel, *stem, *label, *line, *next, *base;
	const char *nf;
	size_t len;
	int n = 0, i, s, lineno, has_yaml;

	memset(&data, 0, sizeof data);
	if (!imp_is_dir(path) || realpath(path, im->yolo_dir) == NULL) {
		bx_cli_error("%s: a YOLO dataset is a folder (labels/, data.yaml)", path);
		return -1;
	}
	snprintf(p, sizeof p, "%s/data.yaml", path);
	has_yaml = access(p, F_OK) == 0;
	if (!has_yaml) {
		snprintf(p, sizeof p, "%s/data.yml", path);
		has_yaml = access(p, F_OK) == 0;
	}
	if (im->names_file == NULL && !has_yaml) {
		bx_cli_error("%s: no data.yaml with class names; pass --names FILE", path);
		return -1;
	}
	bx_dataset_init(&names);
	/* data.yaml gives the splits, and the names unless --names does */
	if (has_yaml) {
		if (imp_read_text(p, &text, &len) < 0) {
			bx_dataset_free(&names);
			return -1;
		}
		if (bx_yolo_read_yaml(text, p, &names, &data, &err) < 0 && im->names_file == NULL) {
			bx_cli_error("%s", err.msg);
			free(text);
			bx_dataset_free(&names);
			return -1;
		}
		free(text);
	}
	if (im->names_file != NULL) {
		nf = im->names_file;
		bx_dataset_free(&names);
		bx_dataset_init(&names);
		bx_err_clear(&err);
		if (imp_read_text(nf, &text, &len) < 0) {
			bx_yolo_data_free(&data);
			return -1;
		}
		if (bx_yolo_read_names(text, nf, &names, &err) < 0) {
			bx_cli_error("%s", err.msg);
			free(text);
			bx_dataset_free(&names);
			bx_yolo_data_free(&data);
			return -1;
		}
		free(text);
	}
	snprintf(p, sizeof p, "%s/images.txt", path);
	if (access(p, F_OK) == 0) {
		/* boxel's export: the image list, relative to the image root,
		 * labels where Ultralytics finds those of images/train/X
		 * (labels/X.txt in exports before that layout) */
		if (imp_read_text(p, &text, &len) < 0) {
			bx_dataset_free(&names);
			bx_yolo_data_free(&data);
			return -1;
		}
		for (lineno = 1, line = text; line && *line && !im->fatal; line = next, lineno++) {
			char where[PATH_MAX + 32];
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			if (line[0] == '\0')
				continue;
			stem = strip_ext(line);
			/* where Ultralytics looks for the label of images/train/LINE */
			rel = bx_asprintf("images/train/%s", line);
			label = bx_yolo_label_path(rel);
			free(rel);
			rel = label;
			label = bx_asprintf("%s/%s", path, rel);
			free(rel);
			if (access(label, F_OK) != 0) {
				free(label);
				label = bx_asprintf("%s/labels/%s.txt", path, stem);
			}
			snprintf(where, sizeof where, "%s:%d", p, lineno);
			yolo_one(im, &names, line, label, where);
			free(stem);
			free(label);
		}
		free(text);
		goto done;
	}
	/* data.yaml's splits; its path when that is a folder here, else the
	 * dataset folder, is what relative entries are relative to */
	if (data.path != NULL && data.path[0] == '/' && imp_is_dir(data.path))
		base = bx_strdup(data.path);
	else if (data.path != NULL && data.path[0] != '/' &&
	    (snprintf(p, sizeof p, "%s/%s", path, data.path), imp_is_dir(p)))
		base = bx_strdup(p);
	else
		base = bx_strdup(path);
	snprintf(p, sizeof p, "%s/data.yaml", path);
	for (s = 0; s < BX_YOLO_NSPLITS; s++)
		for (i = 0; i < data.nsplit[s]; i++)
			split_images(im, p, bx_yolo_split_name(s), base, data.split[s][i], &files, &n);
	free(base);
	if (n == 0) {
		static const char *const roboflow[] = { "train", "valid", "val", "test" };
		size_t r;

		/* no splits: images/ beside labels/ (Ultralytics), else
		 * Roboflow's train/images, valid/images, test/images */
		snprintf(p, sizeof p, "%s/images", path);
		if (imp_is_dir(p))
			imp_walk(im, p, NULL, &files, &n);
		for (r = 0; !imp_is_dir(p) && r < BX_ARRAY_LEN(roboflow); r++) {
			char q[PATH_MAX];
			snprintf(q, sizeof q, "%s/%s/images", path, roboflow[r]);
			if (imp_is_dir(q))
				imp_walk(im, q, NULL, &files, &n);
		}
	}
	if (n > 0)
		yolo_images(im, &names, files, n);
	else {
		/* labels only: each labels/X.txt names image X.png|.jpg|.jpeg
		 * beneath the image root */
		static const char *const exts[] = { ".jpg", ".jpeg", ".png", ".JPG", ".JPEG",
		    ".PNG" };
		snprintf(p, sizeof p, "%s/labels", path);
		if (imp_is_dir(p))
			imp_walk(im, p, ".txt", &files, &n);
		for (i = 0; i < n && !im->fatal; i++) {
			size_t e;
			char abs[PATH_MAX * 2];
			stem = strip_ext(files[i] + strlen(p) + 1);
			rel = NULL;
			for (e = 0; e < BX_ARRAY_LEN(exts) && rel == NULL; e++) {
				snprintf(abs, sizeof abs, "%s/%s%s", im->root, stem, exts[e]);
				if (access(abs, F_OK) == 0)
					rel = bx_asprintf("%s%s", stem, exts[e]);
			}
			if (rel == NULL) {
				char msg[PATH_MAX + 100];
				snprintf(msg, sizeof msg, "no image %s.jpg/.jpeg/.png beneath the image "
				    "root", stem);
				imp_item_fail(im, files[i], msg);
				im->total++;
			} else
				yolo_one(im, &names, rel, files[i], files[i]);
			free(rel);
			free(stem);
		}
	}
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
done:
	if (im->yolo_clamped > 0 && !im->quiet)
		bx_cli_error("note: %s: %ld object%s within 1%% past the image edge clamped to it "
		    "(as Ultralytics does)", path, im->yolo_clamped, im->yolo_clamped == 1 ? "" : "s");
	im->yolo_clamped = 0;
	bx_dataset_free(&names);
	bx_yolo_data_free(&data);
	return 0;
}
