/* cmd-export.c: `boxel export`: the store's tasks and their accepted answers
 * (or, for jsonl, every judgment) written in one of the interchange formats.
 * Files are written whole or not at all: a temporary file or directory is
 * filled, fsynced and renamed over OUT. Coordinates are image pixels until
 * a writer (fmt-*.c) converts them. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxel/cli.h"
#include "boxel/codec.h"
#include "boxel/fmt-scale-map.h"
#include "boxel/formats.h"
#include "boxel/store.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "boxel/xml.h"
#include "boxel/geom.h"
#include "boxel/fmt-yolo-map.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_export;

enum xfmt { X_COCO, X_YOLO, X_VOC, X_LS, X_SCALE, X_CVAT, X_JSONL };
static const char *const xfmt_names[] = { "coco", "yolo", "voc", "labelstudio", "scale",
	"cvat", "jsonl" };

/* --yolo-task's names, by enum bx_yolo_task (ANY: no option). */
static const char *const yolo_tasks[BX_YOLO_NTASKS] = { "", "detect", "segment", "obb" };

struct exp {
	struct bx_dataset ds;
	struct bx_buf jsonl;
	enum xfmt fmt;
	enum bx_yolo_task task;   /* yolo: the Ultralytics task written */
	int64_t naccepted, ntasks;
	int collect_classes;  /* no taxonomy: classes in order of appearance */
	int64_t bad_task;     /* a task whose image path is not UTF-8, or 0 */
	char root[PATH_MAX];  /* the image root, absolute (yolo links to the images) */
};

/* Label Studio needs the labeling config the export's from_names and
 * choices imply: written as labeling-config.xml beside a file export (not
 * beside stdout or a device). */
static int ls_config_beside(const char *out, const struct bx_taxonomy *tax,
                            struct bx_err *err);

/* ---- collecting ---- */

static void
note_classes(struct exp *x, const struct bx_answer *a)
{
	int i, k;

	for (i = 0; i < a->n; i++) {
		for (k = 0; k < x->ds.nclasses; k++)
			if (strcmp(x->ds.classes[k], a->a[i].cls) == 0)
				break;
		if (k == x->ds.nclasses)
			bx_dataset_add_class(&x->ds, a->a[i].cls, k + 1);
	}
}

static void
put_judgment(struct bx_buf *b, const struct bx_export_judgment *j)
{
	int i;

	bx_buf_printf(b, "{\"judgment\":%lld,\"labeler\":", (long long)j->id);
	bx_json_put_str(b, j->labeler ? j->labeler : "");
	bx_buf_puts(b, ",\"state\":");
	bx_json_put_str(b, j->state ? j->state : "");
	bx_buf_puts(b, ",\"annotations\":[");
	for (i = 0; j->has_answer && i < j->answer.n; i++) {
		if (i)
			bx_buf_putc(b, ',');
		bx_json_put_annot(b, &j->answer.a[i]);
	}
	bx_buf_puts(b, "],\"global\":");
	if (j->has_answer)
		bx_json_put_attrs(b, &j->answer.global);
	else
		bx_buf_puts(b, "{}");
	bx_buf_puts(b, ",\"seconds\":");
	bx_json_put_num(b, j->seconds);
	/* What an import needs to put the judgment back in its row. */
	bx_buf_puts(b, ",\"batch\":");
	bx_json_put_str(b, j->batch ? j->batch : "");
	bx_buf_printf(b, ",\"replica\":%d,\"submitted_ms\":", j->replica);
	if (j->submitted_ms > 0)
		bx_buf_printf(b, "%lld", (long long)j->submitted_ms);
	else
		bx_buf_puts(b, "null");
	bx_buf_putc(b, '}');
}

/* Label Studio keeps every annotator's annotation: the task's submitted
 * and accepted judgments go beside its answer, with their labeler, submit
 * time and seconds, so an import of the file restores them. Rejected ones
 * are not written: read back they would be submitted work. */
static void
ls_judgments(struct bx_ds_image *im, const struct bx_export_task *t)
{
	const struct bx_export_judgment *j;
	struct bx_manifest_judgment *mj;
	int i;

	for (i = 0; i < t->njudgments; i++) {
		j = &t->judgments[i];
		if (!j->has_answer || j->labeler == NULL || strcmp(j->state, "rejected") == 0)
			continue;
		im->judg = bx_realloc(im->judg, sizeof *im->judg * (size_t)(im->njudg + 1));
		mj = &im->judg[im->njudg++];
		memset(mj, 0, sizeof *mj);
		mj->labeler = bx_strdup(j->labeler);
		mj->state = bx_strdup(j->state);
		mj->batch = bx_strdup(j->batch ? j->batch : "");
		mj->replica = j->replica;
		mj->has_answer = 1;
		bx_answer_init(&mj->ans);
		bx_answer_copy(&mj->ans, &j->answer);
		mj->seconds = j->seconds;
		mj->submitted_ms = j->submitted_ms;
	}
}

static int
on_task(const struct bx_export_task *t, void *ctx)
{
	struct exp *x = ctx;
	struct bx_ds_image *im;
	int i;

	/* A store from before import checked names: refuse rather than write
	 * JSON or XML that no reader accepts. */
	if (!bx_utf8_valid(t->image)) {
		x->bad_task = t->id;
		return -1;
	}
	x->ntasks++;
	if (t->accepted != NULL)
		x->naccepted++;
	if (x->fmt == X_JSONL) {
		struct bx_buf *b = &x->jsonl;

		bx_buf_printf(b, "{\"task\":%lld,\"image\":", (long long)t->id);
		bx_json_put_str(b, t->image);
		bx_buf_printf(b, ",\"width\":%d,\"height\":%d,\"batch\":", t->width, t->height);
		if (t->batch)
			bx_json_put_str(b, t->batch);
		else
			bx_buf_puts(b, "null");
		if (t->meta_json != NULL && t->meta_json[0] != '\0') {
			bx_buf_puts(b, ",\"meta\":");
			bx_buf_puts(b, t->meta_json);
		}
		bx_buf_puts(b, ",\"judgments\":[");
		for (i = 0; i < t->njudgments; i++) {
			if (i)
				bx_buf_putc(b, ',');
			put_judgment(b, &t->judgments[i]);
		}
		bx_buf_puts(b, "],\"accepted\":");
		if (t->accepted) {
			bx_json_put_answer(b, t->accepted);
			bx_buf_puts(b, ",\"accepted_from\":");
			bx_json_put_str(b, t->accepted_from ? t->accepted_from : "");
		} else
			bx_buf_puts(b, "null");
		if (t->nbatches > 0)
			bx_buf_puts(b, ",\"batches\":[");
		for (i = 0; i < t->nbatches; i++) {
			const struct bx_export_batch *eb = &t->batches[i];
			bx_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
			bx_json_put_str(b, eb->name);
			bx_buf_puts(b, ",\"kind\":");
			bx_json_put_str(b, eb->kind);
			bx_buf_printf(b, ",\"overlap\":%d,\"gold_rate\":", eb->overlap);
			bx_json_put_num(b, eb->gold_rate);
			bx_buf_printf(b, ",\"priority\":%d}", eb->priority);
		}
		if (t->nbatches > 0)
			bx_buf_putc(b, ']');
		bx_buf_puts(b, "}\n");
		return 0;
	}
	im = bx_dataset_add(&x->ds, t->id, t->image, t->width, t->height);
	if (x->fmt == X_LS)
		ls_judgments(im, t);
	if (t->accepted != NULL) {
		bx_answer_copy(&im->ans, t->accepted);
		im->has_answer = 1;
		if (x->collect_classes)
			note_classes(x, t->accepted);
	}
	return 0;
}

/* The yolo tasks other than task that hold k, as "yolo --yolo-task
 * detect|segment, " into can (nothing when none). */
static void
yolo_tasks_can(const struct bx_geom_kind *k, enum bx_yolo_task task, char *can, size_t n)
{
	size_t len;
	int t, first = 1;

	for (t = BX_YOLO_TASK_DETECT; t < BX_YOLO_NTASKS; t++) {
		if (t == (int)task || k->yolo == NULL || !(k->yolo->tasks & BX_YOLO_IN(t)))
			continue;
		len = strlen(can);
		snprintf(can + len, n - len, "%s%s", first ? "yolo --yolo-task " : "|", yolo_tasks[t]);
		first = 0;
	}
	if (!first) {
		len = strlen(can);
		snprintf(can + len, n - len, ", ");
	}
}

/* Kinds the format cannot hold (a polyline in VOC, a point or an image
 * class in YOLO; in a YOLO task, what its lines cannot be) are left out,
 * one warning line per kind, so the writers only see what they can
 * write. Returns how many objects were left out. */
static long
leave_out_unheld(struct bx_dataset *ds, enum xfmt fmt, enum bx_yolo_task task)
{
	static const int bit[] = { BX_FMT_COCO, BX_FMT_YOLO, BX_FMT_VOC, BX_FMT_LS,
		BX_FMT_SCALE, BX_FMT_CVAT, BX_FMT_ALL };
	const struct bx_geom_kind *k;
	char can[300], what[64];
	size_t len;
	long n, all = 0;
	int g, i, j, a, f, held;

	for (g = 0; (k = bx_geom_at(g)) != NULL; g++) {
		/* held, or written as another kind's type (scale_notes) */
		if (fmt == X_YOLO && task != BX_YOLO_TASK_ANY)
			held = k->yolo != NULL && (k->yolo->tasks & BX_YOLO_IN(task));
		else
			held = (k->formats & bit[fmt]) != 0 || (fmt == X_SCALE && k->scale != NULL);
		if (held)
			continue;
		for (n = 0, i = 0; i < ds->n; i++)
			for (j = -1; j < ds->img[i].njudg; j++) {
				/* the answer, then the judgments a Label Studio
				 * export writes beside it */
				struct bx_answer *ans = j < 0 ? &ds->img[i].ans : &ds->img[i].judg[j].ans;

				for (a = ans->n - 1; a >= 0; a--)
					if (ans->a[a].geom == k->id) {
						bx_answer_remove(ans, a);
						n++;
					}
			}
		if (n == 0)
			continue;
		all += n;
		can[0] = '\0';
		if (fmt == X_YOLO && task != BX_YOLO_TASK_ANY)
			yolo_tasks_can(k, task, can, sizeof can);
		for (f = 0; f < X_JSONL; f++)
			if ((k->formats & bit[f]) && !(f == X_YOLO && task != BX_YOLO_TASK_ANY)) {
				len = strlen(can);
				snprintf(can + len, sizeof can - len, "%s, ", xfmt_names[f]);
			}
		if (fmt == X_YOLO && task != BX_YOLO_TASK_ANY)
			snprintf(what, sizeof what, "yolo --yolo-task %s", yolo_tasks[task]);
		else
			snprintf(what, sizeof what, "%s", xfmt_names[fmt]);
		bx_cli_error("warning: left out %ld %s%s: %s cannot hold %s %s (%sjsonl can)", n,
		    k->name, n == 1 ? "" : "s", what, bx_geom_article(k->id), k->name, can);
	}
	return all;
}

/* Kinds Scale writes as another kind's type (a rotated box as the
 * polygon of its corners: its map's note) are said, one line per kind. */
static void
scale_notes(const struct bx_dataset *ds, enum xfmt fmt)
{
	const struct bx_geom_kind *k;
	long n;
	int g, i, a;

	for (g = 0; fmt == X_SCALE && (k = bx_geom_at(g)) != NULL; g++) {
		if (k->scale == NULL || k->scale->note[0] == NULL)
			continue;
		for (n = 0, i = 0; i < ds->n; i++)
			for (a = 0; a < ds->img[i].ans.n; a++)
				n += ds->img[i].ans.a[a].geom == k->id;
		if (n > 0)
			bx_cli_error("note: wrote %ld %s", n, k->scale->note[n != 1]);
	}
}

/* Objects Scale's form of their kind cannot give back (its map's fits:
 * a cuboid whose back face is not its front face moved, a vertex dragged
 * alone, would come back as another shape) are left out and said.
 * Returns how many. */
static long
scale_unfit(struct bx_dataset *ds, enum xfmt fmt)
{
	const struct bx_geom_kind *k;
	struct bx_annot *an;
	long n, all = 0;
	int g, i, a;

	for (g = 0; fmt == X_SCALE && (k = bx_geom_at(g)) != NULL; g++) {
		if (k->scale == NULL || k->scale->fits == NULL)
			continue;
		for (n = 0, i = 0; i < ds->n; i++)
			for (a = ds->img[i].ans.n - 1; a >= 0; a--) {
				an = &ds->img[i].ans.a[a];
				if (an->geom == k->id && !k->scale->fits(an)) {
					bx_answer_remove(&ds->img[i].ans, a);
					n++;
				}
			}
		if (n > 0)
			bx_cli_error("warning: left out %ld %s%s: %s (jsonl can hold %s)", n, k->name,
			    n == 1 ? "" : "s", k->scale->unfit, n == 1 ? "it" : "them");
		all += n;
	}
	return all;
}

/* A YOLO line is a class and coordinates: objects' and images' attributes
 * have nowhere to go; CVAT has no image attributes. Counted (values, not
 * keys) and said, as kinds are. */
static long
leave_out_attributes(const struct bx_dataset *ds, enum xfmt fmt)
{
	long n = 0;
	int i, k;

	if (fmt != X_YOLO && fmt != X_CVAT)
		return 0;
	for (i = 0; i < ds->n; i++) {
		n += ds->img[i].ans.global.n;
		for (k = 0; fmt == X_YOLO && k < ds->img[i].ans.n; k++)
			n += ds->img[i].ans.a[k].attrs.n;
	}
	if (n > 0 && fmt == X_YOLO)
		bx_cli_error("warning: left out %ld attribute%s: yolo cannot hold attributes (coco, "
		    "voc, labelstudio, scale, jsonl can)", n, n == 1 ? "" : "s");
	/* CVAT's attributes are its objects': an image has none */
	if (n > 0 && fmt == X_CVAT)
		bx_cli_error("warning: left out %ld image attribute%s: cvat cannot hold attributes of "
		    "an image (coco, voc, labelstudio, scale, jsonl can)", n, n == 1 ? "" : "s");
	return n;
}

/* One attribute set's names and values XML 1.0 cannot carry (a control
 * character in a free-text value: bx_xml_unfit), left out with a line each
 * naming the task and the attribute, so the XML writers (VOC, CVAT) never
 * write a document parsers refuse. of: whose set ("the image", "a box of
 * \"cat\""). Returns how many. */
static long
leave_out_unfit_attrs(struct bx_attrs *as, const struct bx_ds_image *im, const char *of,
                      enum xfmt fmt)
{
	static const struct bx_value none = { 0 };
	struct bx_buf t, key;
	long cp, n = 0;
	int a, in_key;

	bx_buf_init(&t);
	bx_buf_init(&key);
	for (a = as->n - 1; a >= 0; a--) {
		bx_buf_reset(&t);
		bx_value_put_text(&t, &as->a[a].v);
		in_key = (cp = bx_xml_unfit(as->a[a].key)) >= 0;
		if (!in_key && (cp = bx_xml_unfit(t.p ? t.p : "")) < 0)
			continue;
		bx_buf_reset(&key);
		bx_json_put_str(&key, as->a[a].key);   /* the control escaped */
		bx_cli_error("warning: left out attribute %s of %s in task %lld (%s): its %s holds "
		    "U+%04lX, which XML 1.0 cannot carry (%s writes XML; coco, labelstudio, "
		    "scale, jsonl can)", key.p, of, (long long)im->id,
		    im->file_name ? im->file_name : "", in_key ? "name" : "value", cp,
		    xfmt_names[fmt]);
		bx_attrs_set(as, as->a[a].key, &none);
		n++;
	}
	bx_buf_free(&t);
	bx_buf_free(&key);
	return n;
}

static long
leave_out_unfit_xml(struct bx_dataset *ds, enum xfmt fmt)
{
	char of[200];
	long n = 0;
	int i, k;

	if (fmt != X_VOC && fmt != X_CVAT)
		return 0;
	for (i = 0; i < ds->n; i++) {
		struct bx_ds_image *im = &ds->img[i];

		/* CVAT's image attributes are left out whole (leave_out_attributes) */
		if (fmt == X_VOC)
			n += leave_out_unfit_attrs(&im->ans.global, im, "the image", fmt);
		for (k = 0; k < im->ans.n; k++) {
			snprintf(of, sizeof of, "%s %s of \"%s\" (object %d)",
			    bx_geom_article(im->ans.a[k].geom), bx_geom_name(im->ans.a[k].geom),
			    im->ans.a[k].cls ? im->ans.a[k].cls : "", k + 1);
			n += leave_out_unfit_attrs(&im->ans.a[k].attrs, im, of, fmt);
		}
	}
	return n;
}

/* Answers may name classes the taxonomy no longer has (it was replaced
 * after labeling); the writers leave those out, so say how many. */
static long
warn_unknown_classes(const struct bx_dataset *ds)
{
	long n = 0;
	int i, k, c;

	for (i = 0; i < ds->n; i++)
		for (k = 0; k < ds->img[i].ans.n; k++) {
			for (c = 0; c < ds->nclasses; c++)
				if (strcmp(ds->classes[c], ds->img[i].ans.a[k].cls) == 0)
					break;
			n += c == ds->nclasses;
		}
	if (n > 0)
		bx_cli_error("warning: %ld annotation%s of classes not in the taxonomy left out", n,
		    n == 1 ? "" : "s");
	return n;
}

/* ---- writing ---- */

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw);
static void rm_rf(const char *p);

/* A killed export leaves OUT.tmp.PID behind (a directory export can be
 * large). Before writing OUT, remove those whose process is gone; a live
 * PID (or one of another user: EPERM) may be an export running now. */
static void
clean_stale_tmp(const char *out)
{
	char *dir = bx_strdup(out), *slash = strrchr(dir, '/'), *prefix, *p, *end;
	const char *base = out;
	struct dirent *de;
	DIR *d;
	long pid;

	if (slash == NULL) {
		free(dir);
		dir = bx_strdup(".");
	} else {
		base = out + (slash - dir) + 1;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	prefix = bx_asprintf("%s.tmp.", base);
	d = opendir(dir);
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		p = de->d_name + strlen(prefix);
		errno = 0;
		pid = strtol(p, &end, 10);
		if (*p == '\0' || *end != '\0' || errno != 0 || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		p = bx_asprintf("%s/%s", dir, de->d_name);
		rm_rf(p);
		free(p);
	}
	if (d != NULL)
		closedir(d);
	free(prefix);
	free(dir);
}

static int
write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One-file formats. "-" is stdout. A device, FIFO or socket is written
 * through: renaming a temporary over /dev/null (as root) would replace the
 * device node for every program. A symlink is followed, so the file it
 * points at gets the new content and the link stays. Everything else is
 * written whole or not at all (temporary, fsync, rename). */
static int
write_file(const char *path, const char *data, size_t len, struct bx_err *err)
{
	struct bx_afile af;
	struct stat sb;
	char *real = NULL;
	int fd, rc;

	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			return bx_err_set(err, BX_EIO, "stdout: write failed: %s", strerror(errno));
		return 0;
	}
	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) && stat(path, &sb) == 0 &&
	    S_ISREG(sb.st_mode)) {
		real = realpath(path, NULL);
		if (real == NULL)
			return bx_err_set(err, BX_EIO, "%s: %s", path, strerror(errno));
		path = real;
	}
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		free(real);
		return bx_err_set(err, BX_EINVAL, "%s is a directory (this format writes one file)",
		    path);
	}
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		/* A device, FIFO or socket, or a symlink to one or to nothing
		 * (O_CREAT makes its target, as a shell's > would). A FIFO's open
		 * waits for its reader, which is what writing to one means. */
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return bx_err_set(err, BX_EIO, "%s: %s", path, strerror(errno));
		rc = write_all(fd, data, len);
		if (close(fd) != 0)
			rc = -1;
		if (rc < 0)
			return bx_err_set(err, BX_EIO, "%s: write failed: %s", path, strerror(errno));
		return 0;
	}
	clean_stale_tmp(path);
	rc = bx_afile_open(&af, path, err);
	if (rc == 0 && fwrite(data, 1, len, af.f) != len) {
		bx_afile_abort(&af);
		rc = bx_err_set(err, BX_EIO, "%s: write failed: %s", path, strerror(errno));
	} else if (rc == 0)
		rc = bx_afile_commit(&af, err);
	free(real);
	return rc < 0 ? err->code : 0;
}

static int
ls_config_beside(const char *out, const struct bx_taxonomy *tax, struct bx_err *err)
{
	struct bx_buf b;
	struct stat sb;
	const char *slash;
	char *path;
	int rc;

	/* Beside a file only: not beside stdout, a device or a FIFO. */
	if (strcmp(out, "-") == 0 || (stat(out, &sb) == 0 && !S_ISREG(sb.st_mode)))
		return 0;
	slash = strrchr(out, '/');
	path = slash ? bx_asprintf("%.*s/labeling-config.xml", (int)(slash - out), out) :
	    bx_strdup("labeling-config.xml");
	bx_buf_init(&b);
	bx_ls_write_config(tax, &b);
	rc = write_file(path, b.p, b.len, err);
	bx_buf_free(&b);
	free(path);
	return rc;
}

static int
rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
rm_rf(const char *p)
{
	nftw(p, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int
mkdirs(char *p)
{
	char *s;

	for (s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST) {
				*s = '/';
				return -1;
			}
			*s = '/';
		}
	return 0;
}

/* A file inside the temporary directory: written and fsynced (the directory
 * is renamed into place only after every file is on disk). */
static int
put_file(const char *dir, const char *rel, const char *data, size_t len, struct bx_err *err)
{
	char *p = bx_asprintf("%s/%s", dir, rel);
	int fd, rc = 0;

	if (mkdirs(p) < 0) {
		rc = bx_err_set(err, BX_EIO, "%s: %s", p, strerror(errno));
		free(p);
		return rc;
	}
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (len > 0 && write(fd, data, len) != (ssize_t)len) || fsync(fd) != 0)
		rc = bx_err_set(err, BX_EIO, "%s: %s", p, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(p);
	return rc;
}

/* A symlink dir/rel -> root/target (absolute, so the export can be read
 * from anywhere on this machine). */
static int
put_link(const char *dir, const char *rel, const char *root, const char *target,
         struct bx_err *err)
{
	char *p = bx_asprintf("%s/%s", dir, rel), *t = bx_asprintf("%s/%s", root, target);
	int rc = 0;

	if (mkdirs(p) < 0 || symlink(t, p) != 0)
		rc = bx_err_set(err, BX_EIO, "%s: %s", p, strerror(errno));
	free(p);
	free(t);
	return rc;
}

/* Where OUT will be once renamed into place, as an absolute path. */
static char *
absolute_out(const char *out)
{
	char *dir = bx_strdup(out), *slash = strrchr(dir, '/'), *real, *res;
	const char *base = slash ? slash + 1 : out;

	if (slash == NULL)
		real = realpath(".", NULL);
	else if (slash == dir)
		real = bx_strdup("");
	else {
		*slash = '\0';
		real = realpath(dir, NULL);
	}
	res = real != NULL ? bx_asprintf("%s/%s", real, base) : bx_strdup(out);
	free(real);
	free(dir);
	return res;
}

static void
fsync_path(const char *p)
{
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Move the finished temporary directory over out: atomically swapped with
 * an existing directory (renameat2 RENAME_EXCHANGE), which is then removed. */
static int
commit_dir(const char *tmp, const char *out, struct bx_err *err)
{
	struct stat sb;
	char *parent, *slash;

	fsync_path(tmp);
	if (lstat(out, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode))
			return bx_err_set(err, BX_EINVAL, "%s exists and is not a directory", out);
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE) != 0)
			return bx_err_set(err, BX_EIO, "%s: cannot replace: %s", out, strerror(errno));
		rm_rf(tmp);   /* now the old export */
	} else if (rename(tmp, out) != 0)
		return bx_err_set(err, BX_EIO, "%s: %s", out, strerror(errno));
	parent = bx_strdup(out);
	slash = strrchr(parent, '/');
	if (slash == NULL)
		fsync_path(".");
	else {
		*slash = '\0';
		fsync_path(slash == parent ? "/" : parent);
	}
	free(parent);
	return 0;
}

/* "a/b.jpg" -> "a/b" + suffix */
static char *
with_ext(const char *p, const char *suffix)
{
	const char *dot = strrchr(p, '.'), *slash = strrchr(p, '/');
	size_t n = dot == NULL || (slash != NULL && dot < slash) ? strlen(p) : (size_t)(dot - p);

	return bx_asprintf("%.*s%s", (int)n, p, suffix);
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Two images whose names differ only by extension would share a label
 * file: refuse instead of overwriting one with the other. */
static int
check_stems(const struct bx_dataset *ds, struct bx_err *err)
{
	char **stems = bx_malloc(sizeof(char *) * (size_t)(ds->n + 1));
	int i, rc = 0;

	for (i = 0; i < ds->n; i++)
		stems[i] = with_ext(ds->img[i].file_name, "");
	qsort(stems, (size_t)ds->n, sizeof(char *), cmp_strp);
	for (i = 1; i < ds->n && rc == 0; i++)
		if (strcmp(stems[i - 1], stems[i]) == 0)
			rc = bx_err_set(err, BX_EINVAL, "two images share the name %s (different "
			    "extensions): their label files would collide", stems[i]);
	for (i = 0; i < ds->n; i++)
		free(stems[i]);
	free(stems);
	return rc;
}

static int
write_dir(struct exp *x, const char *out, struct bx_err *err)
{
	struct bx_buf b, list;
	struct stat sb;
	char *rel, *lp, *tmp, *real = NULL, *final;
	int i, rc;

	/* A symlink to a directory: the export replaces the directory it
	 * points at and the link stays. */
	if (lstat(out, &sb) == 0 && S_ISLNK(sb.st_mode) && stat(out, &sb) == 0 &&
	    S_ISDIR(sb.st_mode) && (real = realpath(out, NULL)) != NULL)
		out = real;
	clean_stale_tmp(out);
	tmp = bx_asprintf("%s.tmp.%ld", out, (long)getpid());
	final = absolute_out(out);

	if (mkdir(tmp, 0755) != 0) {
		rc = bx_err_set(err, BX_EIO, "%s: %s", tmp, strerror(errno));
		free(tmp);
		free(real);
		free(final);
		return rc;
	}
	rc = check_stems(&x->ds, err);
	bx_buf_init(&b);
	bx_buf_init(&list);
	for (i = 0; i < x->ds.n && rc == 0; i++) {
		const struct bx_ds_image *im = &x->ds.img[i];

		bx_buf_reset(&b);
		if (x->fmt == X_YOLO) {
			bx_yolo_write_task(&x->ds, im, x->task, &b);
			/* images/train/X links to the image beneath the root (a
			 * copy would double the data); its label goes where
			 * Ultralytics looks: labels/train/X.txt, unless X itself
			 * has an images/ folder, whose last one decides */
			lp = bx_asprintf("images/train/%s", im->file_name);
			rel = bx_yolo_label_path(lp);
			rc = put_file(tmp, rel, b.p ? b.p : "", b.len, err);
			if (rc == 0)
				rc = put_link(tmp, lp, x->root, im->file_name, err);
			free(lp);
			bx_buf_puts(&list, im->file_name);
			bx_buf_putc(&list, '\n');
		} else {
			/* the devkit layout voc_eval and the VOC tools read:
			 * Annotations/X.xml, JPEGImages/X.jpg (a link to the
			 * image beneath the root), ImageSets/Main/trainval.txt */
			if (bx_voc_write(im, &b) < 0)
				/* leave_out_unfit_xml left out what XML cannot carry */
				rc = bx_err_set(err, BX_EINVAL, "task %lld (%s): a text holds a "
				    "character XML cannot carry: nothing written", (long long)im->id,
				    im->file_name);
			lp = with_ext(im->file_name, ".xml");
			rel = bx_asprintf("Annotations/%s", lp);
			free(lp);
			if (rc == 0)
				rc = put_file(tmp, rel, b.p, b.len, err);
			lp = bx_asprintf("JPEGImages/%s", im->file_name);
			if (rc == 0)
				rc = put_link(tmp, lp, x->root, im->file_name, err);
			free(lp);
			lp = with_ext(im->file_name, "");
			bx_buf_puts(&list, lp);
			bx_buf_putc(&list, '\n');
			free(lp);
		}
		free(rel);
	}
	if (rc == 0 && x->fmt == X_VOC)
		rc = put_file(tmp, "ImageSets/Main/trainval.txt", list.p ? list.p : "", list.len,
		    err);
	if (rc == 0 && x->fmt == X_YOLO) {
		rc = put_file(tmp, "images.txt", list.p ? list.p : "", list.len, err);
		bx_buf_reset(&b);
		bx_yolo_write_yaml(&x->ds, final, &b);
		if (rc == 0)
			rc = put_file(tmp, "data.yaml", b.p, b.len, err);
	}
	if (rc == 0)
		rc = commit_dir(tmp, out, err);
	if (rc != 0)
		rm_rf(tmp);
	bx_buf_free(&b);
	bx_buf_free(&list);
	free(tmp);
	free(real);
	free(final);
	return rc;
}

/* Under aggregation = dawid-skene, a batch whose consensus some task now
 * has by the per-task vote gets Dawid-Skene again before it is written
 * (a store opened for writing, for that only). A store that cannot take
 * it (read-only here, judgments still arriving) is exported as it is,
 * with a warning line. < 0: the store could not be opened again. */
static int
ds_refresh(struct bx_store **st, const char *db, const char *batch)
{
	struct bx_err err = { 0 };
	struct bx_store *rw;
	int n = 0, done = 0, rc;

	if (bx_store_consensus_stale(*st, batch, &n, &err) < 0 || n == 0)
		return 0; /* the export's own reads say what is wrong */
	bx_store_close(*st);
	*st = NULL;
	if (bx_store_open(bx_cli_db_path(db), 0, &rw, &err) == 0) {
		rc = bx_store_consensus_refresh(rw, batch, bx_cli_actor(), bx_now_ms(), &done,
		    &err);
		bx_store_close(rw);
		if (rc < 0)
			bx_cli_error("warning: Dawid-Skene's consensus not redone (%s): %d batch%s "
			    "exported with some tasks by the per-task vote", err.msg, n - done,
			    n - done == 1 ? "" : "es");
	} else {
		bx_cli_error("warning: Dawid-Skene's consensus not redone (%s): %d batch%s "
		    "exported with some tasks by the per-task vote", err.msg, n, n == 1 ? "" : "es");
	}
	*st = bx_cli_store_open_ro(db);
	return *st == NULL ? -1 : 0;
}

static int
cmd_export_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "format", required_argument, NULL, 'f' },
		{ "batch", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "strict", no_argument, NULL, 's' },
		{ "labeler", required_argument, NULL, 'L' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "yolo-task", required_argument, NULL, 'Y' },
		{ 0, 0, 0, 0 } };
	struct bx_export_filter flt = { NULL, 0, 0 };
	struct exp x;
	struct bx_store *st;
	struct bx_taxonomy *tax = NULL;
	struct bx_err err = { 0 };
	struct bx_buf b;
	const char *db = NULL, *batch = NULL, *out;
	char *taxt = NULL;
	int c, k, i, rc, fmt = -1, json = 0, strict = 0, task = BX_YOLO_TASK_ANY;
	long lost = 0;
	FILE *sumf;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'b': batch = optarg; break;
		case 'j': json = 1; break;
		case 's': strict = 1; break;
		case 'L': flt.labeler = optarg; break;
		case 'S':
			if (bx_cli_parse_time(optarg, "--since", &flt.since_ms) < 0)
				return BX_EXIT_USAGE;
			break;
		case 'U':
			if (bx_cli_parse_time(optarg, "--until", &flt.until_ms) < 0)
				return BX_EXIT_USAGE;
			break;
		case 'Y':
			for (k = BX_YOLO_TASK_DETECT; k < BX_YOLO_NTASKS; k++)
				if (strcmp(optarg, yolo_tasks[k]) == 0)
					task = k;
			if (task == BX_YOLO_TASK_ANY) {
				bx_cli_error("--yolo-task %s: expected detect, segment or obb", optarg);
				return BX_EXIT_USAGE;
			}
			break;
		case 'f':
			for (k = 0; k < (int)BX_ARRAY_LEN(xfmt_names); k++)
				if (strcmp(optarg, xfmt_names[k]) == 0)
					fmt = k;
			if (fmt < 0) {
				bx_cli_error("--format %s: expected coco, yolo, voc, labelstudio, scale, "
				    "cvat or jsonl", optarg);
				return BX_EXIT_USAGE;
			}
			break;
		default: return bx_cli_usage(&bx_cmd_export);
		}
	}
	if (fmt < 0) {
		bx_cli_error("--format is required (coco, yolo, voc, labelstudio, scale, cvat, "
		    "jsonl)");
		return BX_EXIT_USAGE;
	}
	if (task != BX_YOLO_TASK_ANY && fmt != X_YOLO) {
		bx_cli_error("--yolo-task %s: only for --format yolo", yolo_tasks[task]);
		return BX_EXIT_USAGE;
	}
	if (argc - optind != 1)
		return bx_cli_usage(&bx_cmd_export);
	out = argv[optind];
	if (out[0] == '\0' || (strlen(out) > 1 && out[strlen(out) - 1] == '/')) {
		bx_cli_error("%s: name the output without a trailing '/'", out);
		return BX_EXIT_USAGE;
	}
	if (strcmp(out, "-") == 0 && (fmt == X_YOLO || fmt == X_VOC)) {
		bx_cli_error("-: %s writes a directory; '-' (stdout) is for coco, labelstudio, "
		    "scale, cvat and jsonl", xfmt_names[fmt]);
		return BX_EXIT_USAGE;
	}
	st = bx_cli_store_open_ro(db);
	if (st == NULL)
		return BX_EXIT_USAGE;
	if (ds_refresh(&st, db, batch) < 0)
		return BX_EXIT_USAGE;
	memset(&x, 0, sizeof x);
	x.fmt = (enum xfmt)fmt;
	x.task = (enum bx_yolo_task)task;
	bx_dataset_init(&x.ds);
	bx_buf_init(&x.jsonl);
	if (bx_store_setting_get(st, "taxonomy", &taxt, &err) == 0 && taxt != NULL && taxt[0]) {
		if (bx_taxonomy_load_text(taxt, "taxonomy (project)", &tax, &err) < 0) {
			bx_cli_error("%s", err.msg);
			free(taxt);
			bx_store_close(st);
			return BX_EXIT_USAGE;
		}
	}
	free(taxt);
	if (x.fmt == X_YOLO || x.fmt == X_VOC) {
		char *root = NULL;

		bx_err_clear(&err);
		if (bx_store_setting_get(st, "image_root", &root, &err) < 0 || root == NULL ||
		    root[0] == '\0' || realpath(root, x.root) == NULL) {
			bx_cli_error("the image root %s is not usable: %s", root && root[0] ? root :
			    "(unset)", err.msg[0] ? err.msg : strerror(errno));
			free(root);
			bx_taxonomy_free(tax);
			bx_store_close(st);
			return BX_EXIT_USAGE;
		}
		free(root);
	}
	/* categories: the taxonomy's classes in order, with the ids the COCO
	 * files the project imported gave them, the others from 1 */
	for (i = 0; tax != NULL && i < tax->nclasses; i++)
		bx_dataset_add_class(&x.ds, tax->classes[i].name, i + 1);
	x.ds.tax = tax;
	if (x.fmt == X_COCO) {
		char *ids = NULL;

		bx_err_clear(&err);
		if (bx_store_setting_get(st, "coco_category_ids", &ids, &err) == 0)
			bx_coco_ids_apply(&x.ds, ids);
		free(ids);
	}
	x.collect_classes = tax == NULL;
	bx_err_clear(&err);
	rc = bx_store_export_filtered(st, batch, &flt, on_task, &x, &err);
	bx_store_close(st);
	if (rc < 0) {
		bx_taxonomy_free(tax);
		if (x.bad_task > 0)
			bx_cli_error("task %lld: its image path is not valid UTF-8, which JSON and XML "
			    "cannot carry: rename the file and import it again; nothing written",
			    (long long)x.bad_task);
		else
			bx_cli_error("%s", err.msg);
		bx_dataset_free(&x.ds);
		bx_buf_free(&x.jsonl);
		return BX_EXIT_USAGE;
	}
	/* What the format cannot hold is left out with a warning line per
	 * kind and the rest written, and the exit says so (1), as an import's
	 * losses do; --strict writes nothing. */
	if (x.fmt != X_JSONL) {
		lost = warn_unknown_classes(&x.ds);
		scale_notes(&x.ds, x.fmt);
		lost += scale_unfit(&x.ds, x.fmt);
		lost += leave_out_unheld(&x.ds, x.fmt, x.task);
		lost += leave_out_attributes(&x.ds, x.fmt);
		lost += leave_out_unfit_xml(&x.ds, x.fmt);
		if (lost > 0 && strict) {
			bx_cli_error("exported nothing (--strict): %s%s%s cannot hold all of the answers",
			    xfmt_names[x.fmt], x.task != BX_YOLO_TASK_ANY ? " --yolo-task " : "",
			    yolo_tasks[x.task]);
			bx_taxonomy_free(tax);
			bx_dataset_free(&x.ds);
			return BX_EXIT_SOME;
		}
	}
	bx_buf_init(&b);
	switch (x.fmt) {
	case X_COCO: bx_coco_write(&x.ds, &b); break;
	case X_LS: bx_ls_write_tax(&x.ds, tax, &b); break;
	case X_SCALE: bx_scale_write(&x.ds, &b); break;
	case X_CVAT:
		bx_err_clear(&err);
		if (bx_cvat_write(&x.ds, &b, &err) < 0) {
			bx_cli_error("%s", err.msg);
			bx_buf_free(&b);
			bx_taxonomy_free(tax);
			bx_dataset_free(&x.ds);
			return BX_EXIT_USAGE;
		}
		break;
	case X_JSONL: b = x.jsonl; bx_buf_init(&x.jsonl); break;
	case X_YOLO:
	case X_VOC: break;
	}
	bx_err_clear(&err);
	/* The labeling config goes first: when it cannot be written, nothing
	 * is, and an export that says it failed never stands there complete. */
	rc = 0;
	if (x.fmt == X_LS && tax != NULL)
		rc = ls_config_beside(out, tax, &err);
	if (rc == 0 && (x.fmt == X_YOLO || x.fmt == X_VOC))
		rc = write_dir(&x, out, &err);
	else if (rc == 0)
		rc = write_file(out, b.p ? b.p : "", b.len, &err);
	bx_buf_free(&b);
	bx_taxonomy_free(tax);
	if (rc < 0) {
		bx_cli_error("%s", err.msg);
		bx_dataset_free(&x.ds);
		return BX_EXIT_USAGE;
	}
	/* With OUT "-" stdout is the export itself: the summary goes beside it. */
	sumf = strcmp(out, "-") == 0 ? stderr : stdout;
	if (json) {
		bx_buf_init(&b);
		bx_buf_printf(&b, "{\"tasks\":%lld,\"accepted\":%lld,\"left_out\":%ld,"
		    "\"format\":\"%s\",\"out\":", (long long)x.ntasks, (long long)x.naccepted, lost,
		    xfmt_names[x.fmt]);
		bx_json_put_str(&b, out);
		bx_buf_puts(&b, "}\n");
		fwrite(b.p, 1, b.len, sumf);
		bx_buf_free(&b);
	} else {
		char *safe = bx_sanitize_dup(strcmp(out, "-") == 0 ? "stdout" : out);
		fprintf(sumf, "exported %lld task%s (%lld with an accepted answer) as %s to %s\n",
		    (long long)x.ntasks, x.ntasks == 1 ? "" : "s", (long long)x.naccepted,
		    xfmt_names[x.fmt], safe);
		free(safe);
	}
	bx_dataset_free(&x.ds);
	return lost > 0 ? BX_EXIT_SOME : BX_EXIT_OK;
}

const struct bx_cmd bx_cmd_export = {
	.name = "export",
	.usage = "--format coco|yolo|voc|labelstudio|scale|cvat|jsonl [--yolo-task detect|segment|obb] "
	    "[--batch NAME] [--labeler NAME] [--since T] [--until T] [--strict] [--json] "
	    "[--db FILE] OUT",
	.summary = "write tasks and their accepted answers in an interchange format",
	.help =
	    "  --format F    coco, labelstudio, scale, cvat, jsonl: OUT is a file, or - for\n"
	    "                stdout; yolo, voc: OUT is a directory (replaced whole)\n"
	    "  --yolo-task T yolo for one Ultralytics task: detect (every area object as\n"
	    "                its upright box), segment (each as its outline polygon),\n"
	    "                obb (boxes and rotated boxes as 4 corners); without it,\n"
	    "                boxes, polygons and rotated boxes each in their own line\n"
	    "  --batch NAME  only the tasks of this batch\n"
	    "  --json        the summary as one JSON object (on stderr when OUT is -)\n"
	    "  --strict      write nothing (exit 1) if the format cannot hold everything\n"
	    "  --labeler NAME, --since T, --until T\n"
	    "                only that labeler's judgments, submitted in [since, until)\n"
	    "                (T: ms since the epoch or YYYY-MM-DD[THH:MM[:SS]] UTC);\n"
	    "                tasks without one are left out; the answer is a review of\n"
	    "                theirs, else their own (never a consensus)\n"
	    "Every format but jsonl carries each task's accepted answer: the latest\n"
	    "review's fix, else the answer a review accepted, else the consensus, else\n"
	    "the only submitted judgment; tasks without one are listed with no\n"
	    "annotations. jsonl is lossless: every judgment of every task.\n"
	    "A file or directory OUT is written to a temporary name, fsynced and\n"
	    "renamed: never partial. A device or FIFO is written through, a symlink\n"
	    "followed (its target replaced). Temporaries left by a killed export\n"
	    "(OUT.tmp.PID) are removed by the next export to OUT.\n"
	    "What a format cannot hold (a point or image class in yolo or voc, a\n"
	    "polyline in coco ...) is left out with one warning line per kind, the\n"
	    "rest is written, and the exit is 1 (the --json summary's left_out).\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_export_exec,
};
