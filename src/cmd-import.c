/* cmd-import.c: `boxel import`: images, manifests and labeled datasets into
 * the store. Readers (fmt-*.c) turn files into datasets; this file resolves
 * image paths beneath the image root, checks answers against the taxonomy,
 * and writes tasks and answers in chunks. Coordinates are image pixels. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxel/cli.h"
#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/image.h"
#include "boxel/tiles.h"
#include "boxel/store.h"
#include "boxel/store-import.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_import;

#define IMPORT_MAX_FILE ((size_t)2 << 30)
#define CHUNK 4096   /* tasks per write transaction */

enum fmt {
	FMT_AUTO, FMT_FOLDER, FMT_JSONL, FMT_COCO, FMT_COCO_RESULTS, FMT_YOLO, FMT_LS,
	FMT_VOC, FMT_SCALE,
};
static const char *const fmt_names[] = { "auto", "folder", "jsonl", "coco", "coco-results",
	"yolo", "labelstudio", "voc", "scale" };

struct item {
	char *image;          /* relative to the image root */
	char *abs;            /* resolved path, for probing */
	int width, height;
	char *meta;
	struct bx_answer ans;
	int has_answer;
	const char *kind;     /* store answer kind, or NULL */
	char *where;          /* "FILE:LINE" / "FILE: images[3]" */
	struct bx_manifest_line *jl; /* jsonl: batches and judgments to restore, or NULL */
	int unlabeled;        /* a labeled format gave this image no labels */
};

/* Counts by name, in first-seen order: objects per geometry, losses per
 * kind. */
struct tally {
	char **name;
	long *n;
	int len;
};

static void
tally_add(struct tally *t, const char *name, long n)
{
	int i;

	for (i = 0; i < t->len; i++)
		if (strcmp(t->name[i], name) == 0) {
			t->n[i] += n;
			return;
		}
	t->name = bx_realloc(t->name, sizeof(char *) * (size_t)(t->len + 1));
	t->n = bx_realloc(t->n, sizeof(long) * (size_t)(t->len + 1));
	t->name[t->len] = bx_strdup(name);
	t->n[t->len++] = n;
}

static void
tally_free(struct tally *t)
{
	int i;

	for (i = 0; i < t->len; i++)
		free(t->name[i]);
	free(t->name);
	free(t->n);
	memset(t, 0, sizeof *t);
}

/* A judgment in a replica row that a skip or reject queued (replica >=
 * overlap): written after every line, in the exporting store's id order,
 * so the rows get ids in the order the originals had. */
struct later {
	int64_t task;
	const struct bx_manifest_judgment *mj;
	const char *where;
};

/* An image the labeling view will show from its tile pyramid. */
struct tiled {
	char *image, *abs;
	int w, h;
};

struct imp {
	struct bx_store *st;
	struct bx_taxonomy *tax;
	char root[PATH_MAX];
	int rootfd;           /* the root, opened for fstatat() */
	char yolo_dir[PATH_MAX]; /* yolo: the dataset folder's real path */
	long yolo_clamped;       /* yolo: objects clamped to the edge (1% tolerance) */
	const char *as;       /* store kind for --as, NULL = the format's default */
	double min_score;
	const char *names_file, *gt_file;
	int64_t now;
	long tasks, created, failed, answers;
	long judgments, users;  /* jsonl: judgments restored, labelers created */
	int64_t *topup;         /* jsonl: tasks with skipped/rejected judgments */
	int ntopup;
	struct later *later;    /* jsonl: judgments beyond the overlap, written last */
	int nlater;
	struct bx_manifest_line **kept; /* lines the later judgments point into */
	char **kept_where;
	int nkept;
	struct bx_manifest_batch *seen; /* jsonl: batches earlier lines gave */
	int nseen;
	const char *last_kind;
	struct item *items;
	int n;
	long total, done;
	int progress;
	int fatal;
	struct bx_import_event ev; /* import_begin, with the first rows committed */
	int dry;              /* --strict's first pass: read and check, write nothing */
	int quiet;            /* --strict's second pass: notes were said in the first */
	int allow_empty;      /* --allow-empty: no tasks or unlabeled images are fine */
	long unlabeled;       /* images a labeled format gave no labels */
	long empty_inputs;    /* paths in which no image was found */
	struct tally geoms;   /* objects imported, per geometry */
	struct tally lost;    /* what could not be carried, per kind */
	struct tally converted; /* what was carried in another form, per kind */
	struct bx_dataset coco_ids; /* category ids of the COCO files imported */
	struct tiled *tiled;    /* images shown from a tile pyramid (bx_image_plan) */
	int ntiled;
};

static void
item_free(struct item *it)
{
	free(it->image);
	free(it->abs);
	free(it->meta);
	free(it->where);
	bx_answer_free(&it->ans);
	if (it->jl != NULL)
		bx_manifest_line_free(it->jl);
	free(it->jl);
	it->jl = NULL;
}

static void
item_fail(struct imp *im, const char *where, const char *msg)
{
	if (where[0] != '\0')
		bx_cli_error("%s: %s", where, msg);
	else
		bx_cli_error("%s", msg);
	im->failed++;
}

/* A bar on stderr, only when it is a terminal and the import is long
 * enough to wait for (every 1,000 tasks; the total grows as inputs are
 * read, so the bar is of what is known so far). */
static void
progress(struct imp *im, int force)
{
	char bar[31];
	long total = im->total > im->done ? im->total : im->done;
	int k, fill;

	if (!im->progress || im->done < 1000 || (!force && im->done % 1000 != 0))
		return;
	fill = total > 0 ? (int)(30 * im->done / total) : 0;
	for (k = 0; k < 30; k++)
		bar[k] = k < fill ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\rimport [%s] %ld/%ld", bar, im->done, total);
	if (force)
		fputc('\n', stderr);
	fflush(stderr);
}

/* ---- writing chunks ---- */

/* The judgments of a jsonl line against the taxonomy, as an import checks
 * answers (partial: attributes an old export lacks are not demanded). */
static int
check_judgments(struct imp *im, const struct bx_manifest_line *jl, int w, int h, char *msg,
                size_t msgsz)
{
	struct bx_err err = { 0 };
	int i;

	for (i = 0; i < jl->njudgments; i++) {
		const struct bx_manifest_judgment *mj = &jl->judgments[i];
		if (mj->ans.n == 0 && mj->ans.global.n == 0)
			continue;
		if (im->tax == NULL) {
			snprintf(msg, msgsz, "judgments[%d]: the project has no taxonomy to check "
			    "annotations against", i);
			return -1;
		}
		/* The limits hold even where the image size is not known yet. */
		if (bx_answer_check_limits(&mj->ans, &im->tax->limits, &err) < 0 ||
		    (w > 0 && bx_taxonomy_check_answer_flags(im->tax, &mj->ans, w, h,
		    BX_CHECK_PARTIAL, &err) < 0)) {
			snprintf(msg, msgsz, "judgments[%d]: %s", i, err.msg);
			return -1;
		}
	}
	return 0;
}

static void
judgment_of(struct bx_judgment_import *j, const struct bx_manifest_judgment *mj)
{
	j->labeler = mj->labeler;
	j->state = mj->state;
	j->batch = mj->batch;
	j->replica = mj->replica;
	j->ans = mj->has_answer ? &mj->ans : NULL;
	j->seconds = mj->seconds;
	j->submitted_ms = mj->submitted_ms;
}

static int
later_cmp(const void *a, const void *b)
{
	const struct later *x = a, *y = b;

	return (x->mj->id > y->mj->id) - (x->mj->id < y->mj->id);
}

/* After every line: the later judgments (one transaction each: they are
 * the few that a skip or reject requeued), then the replicas the queue
 * still owes. */
static void
restore_later(struct imp *im)
{
	struct bx_judgment_import j;
	struct bx_err err = { 0 };
	int i, added, rc;

	if (im->nlater > 1) /* im->later is NULL when there is nothing to sort */
		qsort(im->later, (size_t)im->nlater, sizeof *im->later, later_cmp);
	for (i = 0; i < im->nlater && !im->fatal; i++) {
		judgment_of(&j, im->later[i].mj);
		bx_err_clear(&err);
		added = 0;
		rc = bx_store_judgment_import(im->st, im->later[i].task, NULL, 0, &j, 1,
		    bx_cli_actor(), im->now, &added, &err);
		if (rc < 0) {
			item_fail(im, im->later[i].where, err.msg);
			if (rc == BX_EBUSY || rc == BX_EDB)
				im->fatal = 1;
		}
		im->judgments += added;
	}
	bx_err_clear(&err);
	if (!im->fatal && bx_store_judgment_topup(im->st, im->topup, im->ntopup, &err) < 0) {
		bx_cli_error("%s", err.msg);
		im->failed++;
		im->fatal = 1;
	}
	for (i = 0; i < im->nkept; i++) {
		bx_manifest_line_free(im->kept[i]);
		free(im->kept[i]);
		free(im->kept_where[i]);
	}
	free(im->kept);
	free(im->kept_where);
	free(im->later);
	free(im->topup);
	for (i = 0; i < im->nseen; i++) {
		free(im->seen[i].name);
		free(im->seen[i].kind);
	}
	free(im->seen);
	im->seen = NULL;
	im->nseen = 0;
	im->kept = NULL;
	im->kept_where = NULL;
	im->later = NULL;
	im->topup = NULL;
	im->nkept = im->nlater = im->ntopup = 0;
}

static void
count_task(struct imp *im, struct item *it, int created)
{
	int i;

	im->tasks++;
	im->created += created;
	if (it->kind != NULL) {
		im->answers++;
		im->last_kind = it->kind;
		for (i = 0; i < it->ans.n; i++)
			tally_add(&im->geoms, bx_geom_name(it->ans.a[i].geom), 1);
	}
	im->unlabeled += it->unlabeled;
	im->done++;
	progress(im, 0);
}

/* A jsonl line with batches or judgments: the task, its answer, the
 * labelers missing from the store and its judgments in one transaction
 * (bx_store_item_import), so a refused line leaves nothing behind. */
static void
line_import(struct imp *im, struct item *it, struct bx_import_task *t)
{
	struct bx_manifest_line *jl = it->jl;
	struct bx_batch_new *b;
	struct bx_judgment_import *j;
	struct bx_err err = { 0 };
	char msg[sizeof err.msg + 64];
	const char **who;
	int i, added = 0, users = 0, rc, nj = 0, nlater = 0, nwho = 0;

	if (check_judgments(im, jl, it->width, it->height, msg, sizeof msg) < 0) {
		item_fail(im, it->where, msg);
		return;
	}
	b = bx_calloc((size_t)jl->nbatches + 1, sizeof *b);
	j = bx_calloc((size_t)jl->njudgments + 1, sizeof *j);
	who = bx_calloc((size_t)jl->njudgments + 1, sizeof *who);
	/* Labelers missing from the store are created as annotators (an open
	 * judgment with a labeler is work returned to them; a lease does not
	 * travel). */
	for (i = 0; i < jl->njudgments; i++) {
		const char *st = jl->judgments[i].state;
		if (strcmp(st, "leased") == 0 || jl->judgments[i].labeler == NULL)
			continue;
		who[nwho++] = jl->judgments[i].labeler;
	}
	for (i = 0; i < jl->nbatches; i++) {
		b[i].name = jl->batches[i].name;
		b[i].kind = jl->batches[i].kind;
		b[i].overlap = jl->batches[i].overlap;
		b[i].gold_rate = jl->batches[i].gold_rate;
		b[i].priority = jl->batches[i].priority;
	}
	for (i = 0; i < jl->njudgments; i++) {
		const struct bx_manifest_judgment *mj = &jl->judgments[i];
		int k;

		for (k = 0; k < jl->nbatches; k++)
			if (mj->batch && strcmp(jl->batches[k].name, mj->batch) == 0)
				break;
		if (k < jl->nbatches && mj->replica >= jl->batches[k].overlap) {
			im->later = bx_realloc(im->later, (size_t)(im->nlater + 1) * sizeof *im->later);
			im->later[im->nlater].task = 0; /* known once the line is in */
			im->later[im->nlater].mj = mj;
			im->later[im->nlater++].where = it->where;
			nlater++;
			continue;
		}
		judgment_of(&j[nj++], mj);
	}
	rc = bx_store_item_import(im->st, t, who, nwho, b, jl->nbatches, j, nj, &im->ev,
	    bx_cli_actor(), im->now, &added, &users, &err);
	free(who);
	free(b);
	free(j);
	if (rc < 0) {
		im->nlater -= nlater;  /* the line failed: none of it goes in */
		item_fail(im, it->where, err.msg);
		if (rc == BX_EBUSY || rc == BX_EDB || rc == BX_EPERM)
			im->fatal = 1;
		return;
	}
	for (i = im->nlater - nlater; i < im->nlater; i++)
		im->later[i].task = t->id_out;
	if (nlater > 0) {
		/* The later judgments point into the line (and its where): keep them. */
		im->kept = bx_realloc(im->kept, (size_t)(im->nkept + 2) * sizeof *im->kept);
		im->kept[im->nkept++] = jl;
		it->jl = NULL;
		im->kept_where = bx_realloc(im->kept_where, (size_t)(im->nkept + 1) *
		    sizeof *im->kept_where);
		im->kept_where[im->nkept - 1] = it->where;
		it->where = NULL;
	}
	im->judgments += added;
	im->users += users;
	for (i = 0; i < jl->njudgments; i++)
		if (strcmp(jl->judgments[i].state, "skipped") == 0 ||
		    strcmp(jl->judgments[i].state, "rejected") == 0) {
			im->topup = bx_realloc(im->topup, (size_t)(im->ntopup + 1) * sizeof *im->topup);
			im->topup[im->ntopup++] = t->id_out;
			break;
		}
	count_task(im, it, t->created_out);
}

/* Items [from, from + n) without judgments: one transaction for them all;
 * if it fails, each item alone, so the bad one is named and skipped and
 * the rest still go in. */
static void
flush_run(struct imp *im, struct bx_import_task *t, int from, int n)
{
	struct bx_err err = { 0 };
	int i, rc;

	if (n == 0 || im->fatal)
		return;
	rc = bx_store_import_chunk(im->st, t + from, n, &im->ev, &err);
	if (rc == BX_EBUSY || rc == BX_EDB || rc == BX_EPERM) {
		bx_cli_error("%s", err.msg);
		im->failed += n;
		im->fatal = 1;
	} else if (rc == 0) {
		for (i = from; i < from + n; i++)
			count_task(im, &im->items[i], t[i].created_out);
	} else {
		for (i = from; i < from + n; i++) {
			bx_err_clear(&err);
			if (bx_store_import_chunk(im->st, &t[i], 1, &im->ev, &err) < 0) {
				item_fail(im, im->items[i].where, err.msg);
				if (err.code == BX_EBUSY || err.code == BX_EDB)
					im->fatal = 1;
			} else
				count_task(im, &im->items[i], t[i].created_out);
		}
	}
}

/* The items gathered so far, in file order (task ids follow it). */
static void
flush(struct imp *im)
{
	struct bx_import_task *t;
	char **json;
	int i, run = 0;

	if (im->n == 0)
		return;
	if (im->dry) {
		for (i = 0; i < im->n; i++) {
			count_task(im, &im->items[i], 0);
			item_free(&im->items[i]);
		}
		im->n = 0;
		return;
	}
	t = bx_calloc((size_t)im->n, sizeof *t);
	json = bx_calloc((size_t)im->n, sizeof *json);
	for (i = 0; i < im->n; i++) {
		struct item *it = &im->items[i];
		t[i].task.image = it->image;
		t[i].task.width = it->width;
		t[i].task.height = it->height;
		t[i].task.meta_json = it->meta;
		t[i].task.now_ms = im->now;
		t[i].kind = it->kind;
		if (it->kind != NULL)
			t[i].answer_json = json[i] = bx_answer_to_json(&it->ans);
	}
	for (i = 0; i < im->n; i++) {
		if (im->items[i].jl == NULL)
			continue;
		flush_run(im, t, run, i - run);
		if (!im->fatal)
			line_import(im, &im->items[i], &t[i]);
		run = i + 1;
	}
	flush_run(im, t, run, im->n - run);
	for (i = 0; i < im->n; i++) {
		item_free(&im->items[i]);
		free(json[i]);
	}
	free(json);
	free(t);
	im->n = 0;
}

/* ---- paths ---- */

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
	char joined[PATH_MAX * 2], real[PATH_MAX];
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
	if (realpath(joined, real) == NULL)
		return bx_err_set(err, errno == ENOENT || errno == ENOTDIR ? BX_ENOENT : BX_EIO,
		    "%s", strerror(errno));
	if (strncmp(real, im->root, rl) != 0 || (real[rl] != '/' && rl > 1))
		return bx_err_set(err, BX_EINVAL, "path leaves the image root (symlink)");
	if (strlen(real) + 1 > outsz)
		return bx_err_set(err, BX_ELIMIT, "path too long");
	memcpy(out, real, strlen(real) + 1);
	return 0;
}

/* Turn a path from an input file into one relative to the image root and
 * make sure it exists beneath it (bx_path_resolve: no "..", no symlink
 * escape). Absolute paths are accepted only inside the root. With
 * try_suffixes (COCO, Label Studio, VOC, Scale: files written on other
 * machines), a path that does not exist is retried without its leading
 * directories ("/data/coco/train/a.jpg" -> "train/a.jpg" -> "a.jpg"). */
static int
resolve(struct imp *im, const char *given, int try_suffixes, char **rel_out, char **abs_out,
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

/* ---- answers ---- */

static void
clamp(double *v, double lo, double hi)
{
	if (*v < lo)
		*v = lo;
	if (*v > hi)
		*v = hi;
}

/* Model predictions often overhang the image by a pixel: clip them rather
 * than refuse them. */
static void
clip_suggestions(struct bx_answer *a, int w, int h)
{
	int i, k;

	for (i = 0; i < a->n; i++) {
		struct bx_annot *an = &a->a[i];
		if (an->geom == BX_GEOM_BOX) {
			double x1 = an->x + an->w, y1 = an->y + an->h;
			clamp(&an->x, 0, w);
			clamp(&an->y, 0, h);
			clamp(&x1, 0, w);
			clamp(&y1, 0, h);
			an->w = x1 - an->x;
			an->h = y1 - an->y;
		}
		for (k = 0; k < an->npts; k++) {
			clamp(&an->pts[k].x, 0, w);
			clamp(&an->pts[k].y, 0, h);
		}
	}
}

/* Only a JPEG carries an EXIF orientation that turns it (the probe's size
 * is the turned one). */
static int
is_jpeg(const char *path)
{
	unsigned char m[2] = { 0, 0 };
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return 0;
	if (fread(m, 1, 2, f) != 2)
		m[0] = 0;
	fclose(f);
	return m[0] == 0xff && m[1] == 0xd8;
}

/* The image's size as displayed, from its headers: read even when the
 * file gives a size (see add_item). Refused only when it can never be
 * shown (bx_image_plan says why); one that needs tiles is remembered for
 * the report. */
static int
probe(struct imp *im, const char *image, const char *abs, int *w, int *h, struct bx_err *err)
{
	struct bx_image_plan plan;
	int i, rc;

	if ((rc = bx_image_plan(abs, &plan, err)) < 0)
		return rc;
	*w = plan.w;
	*h = plan.h;
	if (!plan.tiles)
		return 0;
	for (i = 0; i < im->ntiled; i++) /* --strict's two passes see it twice */
		if (strcmp(im->tiled[i].abs, abs) == 0)
			return 0;
	im->tiled = bx_realloc(im->tiled, sizeof *im->tiled * (size_t)(im->ntiled + 1));
	im->tiled[im->ntiled].image = bx_strdup(image);
	im->tiled[im->ntiled].abs = bx_strdup(abs);
	im->tiled[im->ntiled].w = plan.w;
	im->tiled[im->ntiled].h = plan.h;
	im->ntiled++;
	return 0;
}

/* Check and queue one item; takes ownership of it (freed on failure). */
static void
add_item(struct imp *im, struct item *it)
{
	struct bx_err err = { 0 };
	char msg[sizeof err.msg + 600];
	int i, w, h;

	/* The header is read even when the file gives a size: a size written
	 * by another tool may be the unturned one of an EXIF-rotated photo (or
	 * of another image), and coordinates made on it would be drawn
	 * squeezed, off the objects. The probe's size is as displayed. */
	if (probe(im, it->image, it->abs, &w, &h, &err) < 0) {
		snprintf(msg, sizeof msg, "%s: %s", it->image, err.msg);
		item_fail(im, it->where, msg);
		item_free(it);
		return;
	}
	if (it->width > 0 && it->height > 0 && (it->width != w || it->height != h)) {
		if (it->width == h && it->height == w && is_jpeg(it->abs))
			snprintf(msg, sizeof msg, "%s: the file gives the size %dx%d, but the image "
			    "is %dx%d as displayed (its EXIF orientation turns it): coordinates on "
			    "the unturned pixels would land off the objects; not imported", it->image,
			    it->width, it->height, w, h);
		else
			snprintf(msg, sizeof msg, "%s: the file gives the size %dx%d, but the image "
			    "is %dx%d: not imported", it->image, it->width, it->height, w, h);
		item_fail(im, it->where, msg);
		item_free(it);
		return;
	}
	it->width = w;
	it->height = h;
	if (it->has_answer && it->kind != NULL) {
		if (im->tax == NULL) {
			item_fail(im, it->where, "the project has no taxonomy to check annotations "
			    "against (boxel init --force --taxonomy FILE)");
			item_free(it);
			return;
		}
		if (strcmp(it->kind, "suggestion") == 0) {
			for (i = it->ans.n - 1; i >= 0; i--)
				if (it->ans.a[i].score < im->min_score)
					bx_answer_remove(&it->ans, i);
			clip_suggestions(&it->ans, it->width, it->height);
		}
		for (i = 0; i < it->ans.n; i++) {
			const struct bx_class *c = bx_taxonomy_class(im->tax, it->ans.a[i].cls);
			if (c != NULL)
				bx_taxonomy_coerce(c->attrs, c->nattrs, &it->ans.a[i].attrs);
		}
		bx_taxonomy_coerce(im->tax->global, im->tax->nglobal, &it->ans.global);
		/* Required attributes are the labelers' duty (queue submit checks
		 * them); imported answers come from formats that may not carry
		 * attributes at all (YOLO), so only what is there is checked. */
		if (bx_taxonomy_check_answer_flags(im->tax, &it->ans, it->width, it->height,
		    BX_CHECK_PARTIAL, &err) < 0) {
			snprintf(msg, sizeof msg, "%s: %s", it->image, err.msg);
			item_fail(im, it->where, msg);
			item_free(it);
			return;
		}
	} else
		it->kind = NULL;
	im->items[im->n++] = *it;
	if (im->n == CHUNK)
		flush(im);
}

/* Queue a dataset's images (relative to the image root). */
/* A 4-point polygon that is a rectangle (YOLO-OBB's corners, read back
 * with 6 decimals) as a rotated box: centre, side lengths, and the angle
 * of its first side. 0 if it is no rectangle. */
static int
rect_to_rbox(struct bx_annot *an)
{
	const struct bx_pt *p = an->pts;
	double ax = p[1].x - p[0].x, ay = p[1].y - p[0].y, bx = p[3].x - p[0].x, by = p[3].y - p[0].y;
	double la = hypot(ax, ay), lb = hypot(bx, by), tol = 1e-4 * (la + lb);

	if (an->npts != 4 || la == 0 || lb == 0 || fabs(ax * bx + ay * by) > tol * (la + lb) ||
	    hypot(p[0].x + p[2].x - p[1].x - p[3].x, p[0].y + p[2].y - p[1].y - p[3].y) > tol)
		return 0;
	an->geom = BX_GEOM_RBOX;
	an->x = (p[0].x + p[1].x + p[2].x + p[3].x) / 4;
	an->y = (p[0].y + p[1].y + p[2].y + p[3].y) / 4;
	an->w = la;
	an->h = lb;
	an->angle = atan2(ay, ax) * 180 / M_PI;
	free(an->pts);
	an->pts = NULL;
	an->npts = 0;
	return 1;
}

/* For a class that allows rotated boxes but not what a format wrote:
 * an upright box (Label Studio at rotation 0, COCO, VOC) is a rotated box
 * at angle 0, a rectangular 4-point polygon (YOLO-OBB) one at its angle,
 * so the exports of such a class come back as they went. */
static void
upright_boxes(struct imp *im, struct bx_answer *ans)
{
	const struct bx_class *c;
	struct bx_annot *an;
	int k;

	for (k = 0; im->tax != NULL && k < ans->n; k++) {
		an = &ans->a[k];
		c = bx_taxonomy_class(im->tax, an->cls);
		if (c == NULL || !(c->geoms & BX_GEOM_RBOX) || (c->geoms & (int)an->geom))
			continue;
		if (an->geom == BX_GEOM_POLYGON && an->npts == 4) {
			rect_to_rbox(an);
		} else if (an->geom == BX_GEOM_BOX) {
			an->geom = BX_GEOM_RBOX;
			an->x += an->w / 2;
			an->y += an->h / 2;
			an->angle = 0;
		}
	}
}

/* A multipolygon (COCO's object in parts) of a class that allows polygons
 * but not multipolygons: one polygon per ring, and that is a loss (the
 * parts are no longer one object). A class allowing neither refuses it. */
static void
split_rings(struct imp *im, struct bx_answer *ans)
{
	const struct bx_class *c;
	struct bx_answer out;
	struct bx_annot part;
	int k, r, from, split = 0;

	bx_answer_init(&out);
	for (k = 0; im->tax != NULL && k < ans->n; k++) {
		const struct bx_annot *an = &ans->a[k];

		c = an->geom == BX_GEOM_MULTIPOLYGON ? bx_taxonomy_class(im->tax, an->cls) : NULL;
		if (c == NULL || (c->geoms & BX_GEOM_MULTIPOLYGON) || !(c->geoms & BX_GEOM_POLYGON)) {
			bx_answer_add(&out, an);
			continue;
		}
		for (r = 0, from = 0; r < an->nrings; r++) {
			part = *an;
			part.geom = BX_GEOM_POLYGON;
			part.pts = an->pts + from;
			part.npts = an->ring_end[r] - from;
			part.ring_end = NULL;
			part.nrings = 0;
			bx_answer_add(&out, &part);
			from = an->ring_end[r];
		}
		split++;
	}
	if (split > 0) {
		tally_add(&im->lost, "multi-part objects split into one polygon per part: the class "
		    "has no multipolygon geometry", split);
		bx_attrs_copy(&out.global, &ans->global);
		bx_answer_free(ans);
		*ans = out;
	} else
		bx_answer_free(&out);
}

static void
import_dataset(struct imp *im, struct bx_dataset *ds, const char *file, const char *what,
               const char *kind, int try_suffixes)
{
	struct bx_err err;
	struct item it;
	int i;

	for (i = 0; i < ds->nerrors; i++)
		item_fail(im, "", ds->errors[i]);
	for (i = 0; i < ds->nlosses; i++)
		tally_add(&im->lost, ds->loss[i], ds->nlost[i]);
	for (i = 0; i < ds->n; i++) {
		upright_boxes(im, &ds->img[i].ans);
		split_rings(im, &ds->img[i].ans);
	}
	if (ds->nrle > 0)
		tally_add(&im->converted, "RLE masks converted to polygons", ds->nrle);
	im->total += ds->n;
	for (i = 0; i < ds->n && !im->fatal; i++) {
		struct bx_ds_image *d = &ds->img[i];

		if (d->failed)
			continue;        /* already reported with the annotation's index */
		memset(&it, 0, sizeof it);
		if (what == NULL)
			it.where = bx_asprintf("%s:%d", file, d->line);
		else if (strcmp(what, "#") == 0)
			it.where = bx_asprintf("%s: image %lld", file, (long long)d->id);
		else
			it.where = bx_asprintf("%s: %s[%d]", file, what, d->line - 1);
		if (d->file_name == NULL) {
			item_fail(im, it.where, "no image path");
			item_free(&it);
			continue;
		}
		bx_err_clear(&err);
		if (resolve(im, d->file_name, try_suffixes, &it.image, &it.abs, &err) < 0) {
			item_fail(im, it.where, err.msg);
			item_free(&it);
			continue;
		}
		it.width = d->width;
		it.height = d->height;
		it.meta = d->meta_json ? bx_strdup(d->meta_json) : NULL;
		it.has_answer = d->has_answer;
		it.kind = !d->has_answer ? NULL : d->suggested ? "suggestion" : kind;
		it.unlabeled = !d->has_answer;
		it.ans = d->ans;                 /* moved */
		bx_answer_init(&d->ans);
		if (d->njudg > 0) {
			/* annotators' judgments (Label Studio): written with the task
			 * as a jsonl line's are, in a batch of overlap 1 whose one
			 * open row the first takes (no open row left to serve) */
			it.jl = bx_calloc(1, sizeof *it.jl);
			it.jl->judgments = d->judg;  /* moved */
			it.jl->njudgments = d->njudg;
			d->judg = NULL;
			d->njudg = 0;
			it.jl->batches = bx_calloc(1, sizeof *it.jl->batches);
			it.jl->batches[0].name = bx_strdup(BX_LS_BATCH);
			it.jl->batches[0].kind = bx_strdup("production");
			it.jl->batches[0].overlap = 1;
			it.jl->nbatches = 1;
		}
		add_item(im, &it);
	}
}

/* ---- readers ---- */

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

static int
is_dir(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int
exists(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat sb;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &sb) == 0;
}



static int
is_dir_in(const char *dir, const char *name)
{
	char p[PATH_MAX];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return is_dir(p);
}

static int
read_text(const char *path, char **text_out, size_t *len_out)
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

static const char *
default_kind(struct imp *im)
{
	return im->as ? im->as : "prelabel";
}

static int
batch_differs(const struct bx_manifest_batch *mb, const char *kind, int overlap,
              double gold_rate, int priority, const char *had, char *msg, size_t msgsz)
{
	if (strcmp(kind, mb->kind) == 0 && overlap == mb->overlap && gold_rate == mb->gold_rate &&
	    priority == mb->priority)
		return 0;
	snprintf(msg, msgsz, "batch %s %s kind %s, overlap %d, gold rate %g, priority %d; "
	    "this line has kind %s, overlap %d, gold rate %g, priority %d", mb->name, had, kind,
	    overlap, gold_rate, priority, mb->kind, mb->overlap, mb->gold_rate, mb->priority);
	return 1;
}

static const struct bx_manifest_batch *
seen_batch(const struct imp *im, const char *name)
{
	int k;

	for (k = 0; k < im->nseen; k++)
		if (strcmp(im->seen[k].name, name) == 0)
			return &im->seen[k];
	return NULL;
}

/* Before the task is written: a batch the store or an earlier line of the
 * import has with other settings, or judgments the taxonomy refuses, fail
 * the whole line. (Earlier lines count because their batches are written
 * with their chunk, after this line's task would be.) */
static int
jsonl_precheck(struct imp *im, const struct bx_manifest_line *ml, char *msg, size_t msgsz)
{
	struct bx_err err = { 0 };
	struct bx_batch b;
	int i, rc;

	for (i = 0; i < ml->nbatches; i++) {
		const struct bx_manifest_batch *mb = &ml->batches[i], *sb;
		if ((sb = seen_batch(im, mb->name)) != NULL) {
			if (batch_differs(mb, sb->kind, sb->overlap, sb->gold_rate, sb->priority,
			    "is given on an earlier line as", msg, msgsz))
				return -1;
			continue;
		}
		bx_err_clear(&err);
		memset(&b, 0, sizeof b);
		rc = bx_store_batch_get(im->st, mb->name, &b, &err);
		if (rc == BX_ENOENT)
			continue;
		if (rc < 0) {
			snprintf(msg, msgsz, "%s", err.msg);
			return -1;
		}
		rc = batch_differs(mb, b.kind, b.overlap, b.gold_rate, b.priority, "exists as",
		    msg, msgsz);
		bx_batch_free(&b);
		if (rc)
			return -1;
	}
	if (check_judgments(im, ml, ml->width, ml->height, msg, msgsz) < 0)
		return -1;
	for (i = 0; i < ml->nbatches; i++) {
		const struct bx_manifest_batch *mb = &ml->batches[i];
		if (seen_batch(im, mb->name) != NULL)
			continue;
		im->seen = bx_realloc(im->seen, (size_t)(im->nseen + 1) * sizeof *im->seen);
		im->seen[im->nseen] = *mb;
		im->seen[im->nseen].name = bx_strdup(mb->name);
		im->seen[im->nseen].kind = bx_strdup(mb->kind);
		im->nseen++;
	}
	return 0;
}

static int
import_jsonl(struct imp *im, const char *path)
{
	char *text, *line, *next, where[PATH_MAX + 32], msg[600];
	size_t len;
	int lineno = 0;
	struct bx_manifest_line ml;
	struct item it;
	struct bx_err err;

	if (read_text(path, &text, &len) < 0)
		return -1;
	for (line = text; (line = strchr(line, '\n')) != NULL; line++)
		im->total++;       /* for the progress bar: lines, blank ones included */
	for (line = text; line != NULL && *line; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		if (im->fatal)
			break;
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		if (bx_manifest_parse_line(line, &ml, msg, sizeof msg) < 0) {
			item_fail(im, where, msg);
			continue;
		}
		memset(&it, 0, sizeof it);
		bx_err_clear(&err);
		if (resolve(im, ml.image, 0, &it.image, &it.abs, &err) < 0) {
			item_fail(im, where, err.msg);
			item_free(&it);
			bx_manifest_line_free(&ml);
			continue;
		}
		/* The item takes over the parsed answer and metadata. */
		it.ans = ml.ans;
		bx_answer_init(&ml.ans);
		it.has_answer = ml.has_answer;
		it.meta = ml.meta_json;
		ml.meta_json = NULL;
		it.width = ml.width;
		it.height = ml.height;
		it.where = bx_strdup(where);
		it.kind = it.has_answer ? default_kind(im) : NULL;
		/* An accepted answer that is a lone judgment's comes back with the
		 * judgment: stored as well, it would read as a consensus. */
		if (it.kind != NULL && strcmp(it.kind, "consensus") == 0 && ml.accepted_from &&
		    strcmp(ml.accepted_from, "single") == 0 && ml.njudgments > 0)
			it.kind = NULL;
		if (ml.nbatches > 0 || ml.njudgments > 0) {
			if (jsonl_precheck(im, &ml, msg, sizeof msg) < 0) {
				item_fail(im, where, msg);
				item_free(&it);
				bx_manifest_line_free(&ml);
				continue;
			}
			it.jl = bx_malloc(sizeof *it.jl);
			*it.jl = ml;  /* the item owns the rest of the line now */
		} else
			bx_manifest_line_free(&ml);
		add_item(im, &it);
	}
	free(text);
	return 0;
}

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

static int
is_image_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot != NULL && (strcasecmp(dot, ".png") == 0 || strcasecmp(dot, ".jpg") == 0 ||
	    strcasecmp(dot, ".jpeg") == 0);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect image files (ext NULL) or files ending in ext under dir
 * (recursively, sorted, symlinked directories not followed) as paths relative to
 * the image root. */
static void
walk(struct imp *im, const char *dir, const char *ext, char ***list, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat sb;
	char **names = NULL;
	int nn = 0, i;

	if (d == NULL) {
		item_fail(im, dir, strerror(errno));
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
		qsort(names, (size_t)nn, sizeof(char *), cmp_str);
	for (i = 0; i < nn; i++) {
		if (lstat(names[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			walk(im, names[i], ext, list, n);
		else if (ext == NULL && is_other_image_name(names[i])) {
			item_fail(im, names[i], "boxel reads PNG and JPEG images only: not imported "
			    "(convert it)");
			im->total++;
		} else if (ext ? ends_with(names[i], ext) : is_image_name(names[i])) {
			*list = bx_realloc(*list, sizeof(char *) * (size_t)(*n + 1));
			(*list)[(*n)++] = names[i];
			names[i] = NULL;
		}
		free(names[i]);
	}
	free(names);
}

/* The absolute path of p (which exists) if it lies beneath the image root,
 * as a path relative to it; NULL otherwise. */
static char *
rel_to_root(struct imp *im, const char *p)
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
static void
images_beside(struct imp *im, struct bx_dataset *ds, const char *file, const char *sub)
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
		if (access(abs, F_OK) != 0 || (rel = rel_to_root(im, abs)) == NULL)
			continue;
		free(ds->img[i].file_name);
		ds->img[i].file_name = rel;
	}
}

static int
import_folder(struct imp *im, const char *path)
{
	char **files = NULL, *base, *rel;
	struct bx_err err;
	struct item it;
	int n = 0, i;

	base = rel_to_root(im, path);
	if (base == NULL) {
		bx_cli_error("%s: the folder is not beneath the image root %s", path, im->root);
		return -1;
	}
	walk(im, path, NULL, &files, &n);
	im->total += n;
	for (i = 0; i < n && !im->fatal; i++) {
		memset(&it, 0, sizeof it);
		it.where = bx_strdup(files[i]);
		/* files[i] is path + "/" + the part below it */
		rel = base[0] ? bx_asprintf("%s/%s", base, files[i] + strlen(path) + 1) :
		    bx_strdup(files[i] + strlen(path) + 1);
		bx_err_clear(&err);
		if (resolve(im, rel, 0, &it.image, &it.abs, &err) < 0) {
			item_fail(im, it.where, err.msg);
			item_free(&it);
		} else
			add_item(im, &it);
		free(rel);
	}
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(base);
	return 0;
}

struct gt_ctx {
	struct bx_dataset *ds;
};

static int
gt_task(const struct bx_export_task *t, void *ctx)
{
	struct gt_ctx *c = ctx;

	bx_dataset_add(c->ds, t->id, t->image, t->width, t->height);
	return 0;
}

/* The project's images (id = task id, file_name = image path) and the
 * category ids boxel's COCO export uses. */
static int
gt_from_store(struct imp *im, struct bx_dataset *gt)
{
	struct gt_ctx c = { gt };
	struct bx_err err = { 0 };
	char *ids = NULL;
	int i;

	if (im->tax == NULL) {
		bx_cli_error("the project has no taxonomy: category ids cannot be mapped to classes");
		return -1;
	}
	for (i = 0; i < im->tax->nclasses; i++)
		bx_dataset_add_class(gt, im->tax->classes[i].name, i + 1);
	if (bx_store_setting_get(im->st, "coco_category_ids", &ids, &err) == 0)
		bx_coco_ids_apply(gt, ids);
	free(ids);
	bx_err_clear(&err);
	if (bx_store_export_each(im->st, NULL, gt_task, &c, &err) < 0) {
		bx_cli_error("%s", err.msg);
		return -1;
	}
	bx_dataset_index(gt);
	return 0;
}

/* The file's category ids, kept for the COCO export (a project's ids are
 * another tool's class numbering: renumbered, its model's outputs no
 * longer match). Only classes of the taxonomy count. Noted here, written
 * by keep_category_ids once the tasks are in. */
static void
note_category_ids(struct imp *im, const struct bx_dataset *ds)
{
	int i, k;

	for (i = 0; im->tax != NULL && i < ds->nclasses; i++) {
		if (bx_taxonomy_class(im->tax, ds->classes[i]) == NULL)
			continue;
		k = bx_dataset_class_index(&im->coco_ids, ds->classes[i]);
		if (k >= 0)
			im->coco_ids.class_ids[k] = ds->class_ids[i];
		else
			bx_dataset_add_class(&im->coco_ids, ds->classes[i], ds->class_ids[i]);
	}
}

static void
keep_category_ids(struct imp *im)
{
	struct bx_dataset *known = &im->coco_ids;
	struct bx_err err = { 0 };
	char *old = NULL, *merged;
	int rc;

	rc = known->nclasses > 0 ? bx_store_setting_get(im->st, "coco_category_ids", &old, &err) :
	    -1;
	if (rc == 0 || rc == BX_ENOENT) {
		merged = bx_coco_ids_merge(old, known);
		bx_err_clear(&err);
		if (old == NULL || strcmp(old, merged) != 0)
			if (bx_store_setting_set(im->st, "coco_category_ids", merged, bx_cli_actor(),
			    im->now, &err) < 0)
				bx_cli_error("keeping the category ids: %s", err.msg);
		free(merged);
	}
	free(old);
	bx_dataset_free(known);
}

/* COCO keypoint sets arrive as skeletons; a class of the project that
 * does not draw skeletons with that many points keeps what it kept
 * before: the object's box (when no polygon of it was kept), and the set
 * is a named loss. */
static void
coco_skeletons(struct imp *im, struct bx_dataset *ds)
{
	const struct bx_class *c;
	struct bx_annot *an;
	int i, k;

	for (i = 0; i < ds->n; i++) {
		for (k = 0; k < ds->img[i].ans.n; k++) {
			an = &ds->img[i].ans.a[k];
			if (an->geom != BX_GEOM_SKELETON)
				continue;
			c = im->tax != NULL ? bx_taxonomy_class(im->tax, an->cls) : NULL;
			if (c != NULL && (c->geoms & BX_GEOM_SKELETON) && c->nkpts == an->npts)
				continue;
			if (an->w > 0 || an->h > 0) {
				bx_dataset_loss(ds, "keypoint sets dropped: the class has no skeleton "
				    "geometry of that many points (the object's box is kept)");
				free(an->pts);
				free(an->vis);
				an->pts = NULL;
				an->vis = NULL;
				an->npts = 0;
				an->geom = BX_GEOM_BOX;
				continue;
			}
			bx_dataset_loss(ds, "keypoint sets dropped: the class has no skeleton geometry "
			    "of that many points");
			bx_answer_remove(&ds->img[i].ans, k--);
		}
	}
}

static int
import_coco(struct imp *im, const char *path, int results)
{
	struct bx_dataset ds, gt;
	struct bx_err err = { 0 };
	char *text, *gtext;
	size_t len;
	long queued;
	int rc;

	if (read_text(path, &text, &len) < 0)
		return -1;
	if (!results) {
		rc = bx_coco_read(text, path, &ds, &err);
		free(text);
		if (rc < 0) {
			bx_cli_error("%s", err.msg);
			return -1;
		}
		images_beside(im, &ds, path, ".");
		coco_skeletons(im, &ds);
		queued = im->tasks + im->n;
		import_dataset(im, &ds, path, "images", default_kind(im), 1);
		/* only when something of the file is queued: a refused file
		 * leaves the store as it was */
		if (im->tasks + im->n > queued)
			note_category_ids(im, &ds);
		bx_dataset_free(&ds);
		return 0;
	}
	/* Results refer to image and category ids: those of --gt FILE, else
	 * images by file name and categories in boxel's COCO export ids. */
	bx_dataset_init(&gt);
	if (im->gt_file != NULL) {
		if (read_text(im->gt_file, &gtext, &len) < 0) {
			free(text);
			return -1;
		}
		rc = bx_coco_read(gtext, im->gt_file, &gt, &err);
		free(gtext);
		if (rc < 0) {
			bx_cli_error("%s", err.msg);
			free(text);
			return -1;
		}
	} else {
		rc = gt_from_store(im, &gt);
		if (rc < 0) {
			free(text);
			return -1;
		}
	}
	/* without --gt, by file name: a results file's image ids are another
	 * file's, and taking them for task ids would put predictions on the
	 * wrong images */
	rc = bx_coco_read_with(text, path, &gt, BX_COCO_RESULTS |
	    (im->gt_file == NULL ? BX_COCO_BY_NAME : 0), &ds, &err);
	free(text);
	bx_dataset_free(&gt);
	if (rc < 0) {
		bx_cli_error("%s", err.msg);
		return -1;
	}
	{
		int i;
		for (i = 0; i < ds.n; i++)   /* images without predictions are left alone */
			if (!ds.img[i].has_answer)
				ds.img[i].failed = 1;
	}
	import_dataset(im, &ds, path, "#", im->as ? im->as : "suggestion", 1);
	bx_dataset_free(&ds);
	return 0;
}

/* Label Studio and Scale-style exports: one JSON array of tasks. */
static int
import_json_fmt(struct imp *im, const char *path, enum fmt f)
{
	struct bx_dataset ds;
	struct bx_err err = { 0 };
	char *text;
	size_t len;
	int rc, i, k;

	if (read_text(path, &text, &len) < 0)
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
	import_dataset(im, &ds, path, "tasks", default_kind(im), 1);
	bx_dataset_free(&ds);
	return 0;
}

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


static int
import_voc(struct imp *im, const char *path)
{
	struct bx_dataset ds;
	struct bx_err err;
	char **files = NULL, *text;
	size_t len;
	int n = 0, i;
	long dropped[4] = { 0, 0, 0, 0 }, clamped = 0;

	if (is_dir(path))
		walk(im, path, ".xml", &files, &n);
	else {
		files = bx_malloc(sizeof(char *));
		files[n++] = bx_strdup(path);
	}
	for (i = 0; i < n && !im->fatal; i++) {
		if (read_text(files[i], &text, &len) < 0) {
			im->failed++;
			continue;
		}
		bx_dataset_init(&ds);
		bx_err_clear(&err);
		if (bx_voc_read(text, files[i], &ds, &err) < 0) {
			item_fail(im, "", err.msg);
			im->total++;
		} else {
			images_beside(im, &ds, files[i], "../JPEGImages");
			voc_flags(im, &ds, dropped);
			voc_polygons(im, &ds);
			clamped += ds.nclamped;
			import_dataset(im, &ds, files[i], NULL, default_kind(im), 1);
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
			tally_add(&im->lost, what, dropped[i]);
		}
	return 0;
}

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
	if (resolve(im, rel, 0, &it.image, &it.abs, &err) < 0) {
		item_fail(im, it.where, err.msg);
		item_free(&it);
		return;
	}
	it.width = it.height = 0;
	if (probe(im, it.image, it.abs, &it.width, &it.height, &err) < 0) {
		char msg[sizeof err.msg + 300];
		snprintf(msg, sizeof msg, "%s: %s", it.image, err.msg);
		item_fail(im, it.where, msg);
		item_free(&it);
		return;
	}
	if (access(label, F_OK) == 0) {
		if (!inside_dataset(im, label)) {
			item_fail(im, it.where, "the label file leads outside the dataset folder "
			    "(a symlink): not read");
			item_free(&it);
			return;
		}
		if (bx_read_file(label, 64u << 20, &text, &len, &err) < 0) {
			item_fail(im, it.where, err.msg);
			item_free(&it);
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
			item_free(&it);
			return;
		}
		im->yolo_clamped += errs.nclamped;
		upright_boxes(im, &it.ans);
		bx_dataset_free(&errs);
		free(text);
	} else {
		/* No label file is not "nothing here" (an empty file is, as
		 * Ultralytics' background images): the image comes in as a task
		 * without an answer, and the run says so. */
		it.unlabeled = 1;
		add_item(im, &it);
		return;
	}
	it.has_answer = 1;
	it.kind = default_kind(im);
	/* a confidence column: predictions, suggestions unless --as says */
	for (k = 0; k < it.ans.n; k++)
		if (it.ans.a[k].flags & BX_ANNOT_SUGGESTION)
			it.kind = im->as ? im->as : "suggestion";
	add_item(im, &it);
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
	if (is_dir(p))
		walk(im, p, NULL, list, n);
	else if (ends_with(p, ".txt") && access(p, F_OK) == 0) {
		if (read_text(p, &text, &len) == 0) {
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
	} else if (is_image_name(p) && access(p, F_OK) == 0)
		add_path(list, n, bx_strdup(p));
	else {
		char msg[PATH_MAX + 100];
		snprintf(msg, sizeof msg, "%s: %s: no such folder, image list or image", split, p);
		item_fail(im, yaml, msg);
	}
	free(p);
}

/* Each image of an Ultralytics or Roboflow layout with its label file. */
static void
yolo_images(struct imp *im, const struct bx_dataset *names, char **files, int n)
{
	char *rel, *label;
	int i;

	qsort(files, (size_t)n, sizeof(char *), cmp_str);
	for (i = 0; i < n && !im->fatal; i++) {
		if (i > 0 && strcmp(files[i], files[i - 1]) == 0)
			continue;   /* val may name train's folder again */
		label = bx_yolo_label_path(files[i]);
		rel = rel_to_root(im, files[i]);
		if (label == NULL) {
			item_fail(im, files[i], "the image is not in an images/ folder, so it has no "
			    "labels/ file (Ultralytics' layout)");
			im->total++;
		} else if (rel == NULL) {
			item_fail(im, files[i], "the image is not beneath the image root");
			im->total++;
		} else
			yolo_one(im, names, rel, label, files[i]);
		free(rel);
		free(label);
	}
}

static int
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
	if (!is_dir(path) || realpath(path, im->yolo_dir) == NULL) {
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
		if (read_text(p, &text, &len) < 0) {
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
		if (read_text(nf, &text, &len) < 0) {
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
		if (read_text(p, &text, &len) < 0) {
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
	if (data.path != NULL && data.path[0] == '/' && is_dir(data.path))
		base = bx_strdup(data.path);
	else if (data.path != NULL && data.path[0] != '/' &&
	    (snprintf(p, sizeof p, "%s/%s", path, data.path), is_dir(p)))
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
		if (is_dir(p))
			walk(im, p, NULL, &files, &n);
		for (r = 0; !is_dir(p) && r < BX_ARRAY_LEN(roboflow); r++) {
			char q[PATH_MAX];
			snprintf(q, sizeof q, "%s/%s/images", path, roboflow[r]);
			if (is_dir(q))
				walk(im, q, NULL, &files, &n);
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
		if (is_dir(p))
			walk(im, p, ".txt", &files, &n);
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
				item_fail(im, files[i], msg);
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

/* ---- format detection and the command ---- */

/* Guess from the path and the first bytes of JSON documents. */
static enum fmt
detect(const char *path)
{
	char buf[4096];
	size_t n;
	FILE *f;
	char *p;

	if (is_dir(path)) {
		DIR *d;
		struct dirent *e;
		int xml = 0, img = 0;

		if (exists(path, "data.yaml") || exists(path, "labels"))
			return FMT_YOLO;
		if (exists(path, "Annotations") && is_dir_in(path, "Annotations"))
			return FMT_VOC;     /* the devkit layout */
		if ((d = opendir(path)) != NULL) {
			while ((e = readdir(d)) != NULL) {
				xml |= ends_with(e->d_name, ".xml");
				img |= is_image_name(e->d_name);
			}
			closedir(d);
		}
		return xml && !img ? FMT_VOC : FMT_FOLDER;
	}
	if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
		return FMT_JSONL;
	if (ends_with(path, ".xml"))
		return FMT_VOC;
	f = fopen(path, "rb");
	if (f == NULL)
		return FMT_AUTO;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = buf + strspn(buf, " \t\r\n");
	if (*p == '{')
		return FMT_COCO;
	if (*p == '[') {
		if (strstr(p, "\"image_id\"") != NULL)
			return FMT_COCO_RESULTS;
		if (strstr(p, "\"params\"") != NULL || strstr(p, "\"task_id\"") != NULL)
			return FMT_SCALE;
		/* a Label Studio task puts "data" last, after its annotations:
		 * their keys are the sign within the first bytes */
		if (strstr(p, "\"data\"") != NULL || strstr(p, "\"from_name\"") != NULL ||
		    strstr(p, "\"annotations\"") != NULL || strstr(p, "\"predictions\"") != NULL)
			return FMT_LS;
	}
	return FMT_AUTO;
}

static int import_path_as(struct imp *im, const char *path, enum fmt f);

/* A path in which nothing was found is a warning (a Roboflow layout read
 * as something else, a wrong folder), not a silent "imported 0 tasks". */
static int
import_path(struct imp *im, const char *path, enum fmt f)
{
	long before = im->total;
	int rc = import_path_as(im, path, f);

	if (rc == 0 && im->total == before && !im->allow_empty) {
		bx_cli_error("warning: %s: no images found in it (--allow-empty if that is right)",
		    path);
		im->empty_inputs++;
	}
	return rc;
}

static int
import_path_as(struct imp *im, const char *path, enum fmt f)
{
	if (f == FMT_AUTO)
		f = detect(path);
	switch (f) {
	case FMT_FOLDER:
		if (!is_dir(path)) {
			bx_cli_error("%s: not a folder", path);
			return -1;
		}
		return import_folder(im, path);
	case FMT_JSONL: return import_jsonl(im, path);
	case FMT_COCO: return import_coco(im, path, 0);
	case FMT_COCO_RESULTS: return import_coco(im, path, 1);
	case FMT_YOLO: return import_yolo(im, path);
	case FMT_LS: return import_json_fmt(im, path, FMT_LS);
	case FMT_SCALE: return import_json_fmt(im, path, FMT_SCALE);
	case FMT_VOC: return import_voc(im, path);
	case FMT_AUTO:
		break;
	}
	bx_cli_error("%s: cannot tell the format; pass --format (folder, jsonl, coco, "
	    "coco-results, yolo, labelstudio, voc, scale)", path);
	return -1;
}

/* Say which images will be shown from tiles; with build, make their
 * pyramids now (the first open would). Returns how many could not be
 * built. */
static long
report_tiles(struct imp *im, const char *db, int build)
{
	struct bx_tiles *t;
	struct bx_err err;
	char dir[4096], *v = NULL;
	double mb = 20000;
	long bad = 0;
	int i, built;

	if (im->ntiled == 0)
		return 0;
	printf("%d image%s will be shown from a tile pyramid (a PNG over %.0f MP cannot seek to "
	    "a row): %s\n", im->ntiled, im->ntiled == 1 ? "" : "s", BX_TILES_MIN_PIXELS / 1e6,
	    build ? "building now" : "built on first open, or now with --tiles");
	if (bx_tiles_dir_for(bx_cli_db_path(db), dir, sizeof dir) < 0) {
		bx_cli_error("tile cache: path too long");
		return im->ntiled;
	}
	if (bx_store_setting_get(im->st, "tile_cache_mb", &v, &err) == 0 && atof(v) >= 1)
		mb = atof(v);
	free(v);
	for (i = 0; i < im->ntiled; i++) {
		const struct tiled *td = &im->tiled[i];

		if (!build) {
			if (i < 10)
				printf("  %s  %dx%d, up to %.0f MB of tiles\n", td->image, td->w,
				    td->h, bx_tiles_bytes_for(td->w, td->h) / 1e6);
			else if (i == 10)
				printf("  ... and %d more\n", im->ntiled - 10);
			continue;
		}
		if (bx_tiles_open(dir, td->abs, (uint64_t)(mb * 1e6), 1, &t, &built, &err) < 0) {
			bx_cli_error("%s: tiles: %s", td->image, err.msg);
			bad++;
			continue;
		}
		printf("  %s  %dx%d, %.0f MB of tiles%s\n", td->image, td->w, td->h,
		    bx_tiles_file_bytes(t) / 1e6, built ? "" : " (already built)");
		bx_tiles_close(t);
	}
	return bad;
}

static int
run(struct imp *im, int argc, char **argv, int first, enum fmt f)
{
	int i, rc = BX_EXIT_OK;

	for (i = first; i < argc && !im->fatal; i++)
		if (import_path(im, argv[i], f) < 0)
			im->failed++, rc = BX_EXIT_USAGE;
	if (!im->fatal)
		flush(im);
	if (!im->dry)
		restore_later(im);
	if (!im->dry && !im->fatal && im->tasks > 0)
		keep_category_ids(im);
	bx_dataset_free(&im->coco_ids);
	progress(im, 1);
	return rc;
}

/* Anything that makes the run exit 1 (and --strict refuse). */
static int
troubled(const struct imp *im)
{
	return im->failed > 0 || im->lost.len > 0 ||
	    (!im->allow_empty && (im->unlabeled > 0 || im->empty_inputs > 0));
}

/* Counters and what a pass kept, for --strict's second pass and the end. */
static void
imp_reset(struct imp *im)
{
	int i;

	for (i = 0; i < im->nseen; i++) {
		free(im->seen[i].name);
		free(im->seen[i].kind);
	}
	free(im->seen);
	im->seen = NULL;
	im->nseen = 0;
	tally_free(&im->geoms);
	tally_free(&im->lost);
	tally_free(&im->converted);
	im->tasks = im->created = im->failed = im->answers = im->judgments = im->users = 0;
	im->total = im->done = im->unlabeled = im->empty_inputs = 0;
}

/* One line per kind of loss and for unlabeled images. */
static void
summary_warnings(const struct imp *im)
{
	int i;

	for (i = 0; i < im->lost.len; i++)
		bx_cli_error("warning: %ld %s", im->lost.n[i], im->lost.name[i]);
	if (im->unlabeled > 0 && !im->allow_empty)
		bx_cli_error("warning: %ld image%s without labels in a labeled format: imported as "
		    "task%s without an answer, not as \"nothing here\" (--allow-empty if that is "
		    "right)", im->unlabeled, im->unlabeled == 1 ? "" : "s",
		    im->unlabeled == 1 ? "" : "s");
}

/* "key":{"name":n,...} */
static void
tally_json(struct bx_buf *b, const char *key, const struct tally *t)
{
	int i;

	bx_json_put_str(b, key);
	bx_buf_puts(b, ":{");
	for (i = 0; i < t->len; i++) {
		if (i)
			bx_buf_putc(b, ',');
		bx_json_put_str(b, t->name[i]);
		bx_buf_printf(b, ":%ld", t->n[i]);
	}
	bx_buf_putc(b, '}');
}

/* ,"objects":{...},"lost":{...},"converted":{...},"unlabeled":N for
 * --json, in b (reset). */
static const char *
tallies_json(const struct imp *im, struct bx_buf *b)
{
	bx_buf_reset(b);
	tally_json(b, "objects", &im->geoms);
	bx_buf_putc(b, ',');
	tally_json(b, "lost", &im->lost);
	bx_buf_putc(b, ',');
	tally_json(b, "converted", &im->converted);
	bx_buf_printf(b, ",\"unlabeled\":%ld", im->unlabeled);
	return b->p;
}

static int
cmd_import_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "as", required_argument, NULL, 'a' },
		{ "min-score", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "names", required_argument, NULL, 'n' },
		{ "gt", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "strict", no_argument, NULL, 's' },
		{ "allow-empty", no_argument, NULL, 'e' },
		{ "tiles", no_argument, NULL, 't' },
		{ 0, 0, 0, 0 } };
	struct imp im;
	struct bx_buf evd;
	struct bx_err err = { 0 };
	enum fmt f = FMT_AUTO;
	const char *db = NULL;
	char *root = NULL, *tax = NULL, detail[512];
	int c, i, k, rc = BX_EXIT_OK, json = 0, strict = 0, tiles = 0;

	memset(&im, 0, sizeof im);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'a':
			if (strcmp(optarg, "prelabels") == 0 || strcmp(optarg, "prelabel") == 0)
				im.as = "prelabel";
			else if (strcmp(optarg, "gold") == 0)
				im.as = "gold";
			else if (strcmp(optarg, "accepted") == 0)
				im.as = "consensus";
			else if (strcmp(optarg, "suggestions") == 0)
				im.as = "suggestion";
			else {
				bx_cli_error("--as %s: expected prelabels, gold, accepted or suggestions",
				    optarg);
				return BX_EXIT_USAGE;
			}
			break;
		case 'm':
			if (bx_cli_parse_double(optarg, "--min-score", -1e300, 1e300, &im.min_score) < 0)
				return BX_EXIT_USAGE;
			break;
		case 'f':
			for (k = 0; k < (int)BX_ARRAY_LEN(fmt_names); k++)
				if (strcmp(optarg, fmt_names[k]) == 0)
					break;
			if (k == (int)BX_ARRAY_LEN(fmt_names)) {
				bx_cli_error("--format %s: expected auto, folder, jsonl, coco, coco-results, "
				    "yolo, labelstudio, voc or scale", optarg);
				return BX_EXIT_USAGE;
			}
			f = (enum fmt)k;
			break;
		case 'n': im.names_file = optarg; break;
		case 'g': im.gt_file = optarg; break;
		case 'j': json = 1; break;
		case 's': strict = 1; break;
		case 'e': im.allow_empty = 1; break;
		case 't': tiles = 1; break;
		default: return bx_cli_usage(&bx_cmd_import);
		}
	}
	if (optind >= argc)
		return bx_cli_usage(&bx_cmd_import);
	im.st = bx_cli_store_open(db);
	if (im.st == NULL)
		return BX_EXIT_USAGE;
	if (bx_store_setting_get(im.st, "image_root", &root, &err) < 0 || root == NULL ||
	    root[0] == '\0' || realpath(root, im.root) == NULL) {
		bx_cli_error("the image root %s is not usable: %s", root && root[0] ? root : "(unset)",
		    err.msg[0] ? err.msg : strerror(errno));
		free(root);
		bx_store_close(im.st);
		return BX_EXIT_USAGE;
	}
	free(root);
	im.rootfd = open(im.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (bx_store_setting_get(im.st, "taxonomy", &tax, &err) == 0 && tax != NULL && tax[0]) {
		if (bx_taxonomy_load_text(tax, "taxonomy (project)", &im.tax, &err) < 0 ||
		    bx_store_limits(im.st, &im.tax->limits, &err) < 0) {
			bx_cli_error("%s", err.msg);
			free(tax);
			bx_store_close(im.st);
			return BX_EXIT_USAGE;
		}
	}
	free(tax);
	im.now = bx_now_ms();
	/* What the run was asked to import, logged with its first rows. */
	bx_buf_init(&evd);
	bx_buf_puts(&evd, "{\"paths\":[");
	for (i = optind; i < argc; i++) {
		if (i > optind)
			bx_buf_putc(&evd, ',');
		bx_json_put_str(&evd, argv[i]);
	}
	bx_buf_printf(&evd, "],\"as\":");
	bx_json_put_str(&evd, im.as ? im.as : "");
	bx_buf_putc(&evd, '}');
	im.ev.actor = bx_cli_actor();
	im.ev.detail = evd.p;
	im.ev.now_ms = im.now;
	im.items = bx_calloc(CHUNK, sizeof *im.items);
	im.progress = isatty(2);
	/* --strict reads and checks everything first and writes only if
	 * nothing was refused or lost; the second pass reads it all again. */
	im.dry = strict;
	rc = run(&im, argc, argv, optind, f);
	if (strict && !im.fatal && !troubled(&im)) {
		imp_reset(&im);
		im.dry = 0;
		im.quiet = 1;
		rc = run(&im, argc, argv, optind, f);
	}
	summary_warnings(&im);
	snprintf(detail, sizeof detail, "{\"tasks\":%ld,\"new\":%ld,\"answers\":%ld,"
	    "\"judgments\":%ld,\"users\":%ld,\"failed\":%ld}", im.tasks, im.created,
	    im.answers, im.judgments, im.users, im.failed);
	bx_err_clear(&err);
	if (!im.dry && im.tasks > 0 &&
	    bx_store_log(im.st, bx_cli_actor(), "import", detail, im.now, &err) < 0)
		bx_cli_error("event log: %s", err.msg);
	if (im.dry) {
		/* --strict found a refusal or a loss: nothing was written */
		if (json)
			printf("{\"tasks\":0,\"new\":0,\"answers\":0,\"judgments\":0,\"users\":0,"
			    "\"failed\":%ld,\"strict\":\"nothing imported\",\"checked\":%ld,%s}\n",
			    im.failed, im.tasks, tallies_json(&im, &evd));
		else
			printf("imported nothing (--strict): %ld item%s failed, %ld kind%s of loss, "
			    "%ld unlabeled image%s, of %ld task%s checked\n", im.failed,
			    im.failed == 1 ? "" : "s", (long)im.lost.len, im.lost.len == 1 ? "" : "s",
			    im.unlabeled, im.unlabeled == 1 ? "" : "s", im.tasks,
			    im.tasks == 1 ? "" : "s");
		im.tasks = 0;
	} else if (json) {
		detail[strlen(detail) - 1] = '\0';
		printf("%s,%s}\n", detail, tallies_json(&im, &evd));
	} else {
		printf("imported %ld task%s (%ld new", im.tasks, im.tasks == 1 ? "" : "s", im.created);
		if (im.answers > 0)
			printf(", %ld with %s", im.answers, strcmp(im.last_kind, "prelabel") == 0 ?
			    "prelabels" : strcmp(im.last_kind, "suggestion") == 0 ? "suggestions" :
			    strcmp(im.last_kind, "consensus") == 0 ? "accepted answers" : "gold answers");
		if (im.judgments > 0)
			printf(", %ld judgment%s", im.judgments, im.judgments == 1 ? "" : "s");
		if (im.users > 0)
			printf(", created %ld user%s", im.users, im.users == 1 ? "" : "s");
		printf("), %ld item%s failed\n", im.failed, im.failed == 1 ? "" : "s");
		if (im.geoms.len > 0) {
			printf("objects:");
			for (i = 0; i < im.geoms.len; i++)
				printf("%s %ld %s%s", i ? "," : "", im.geoms.n[i], im.geoms.name[i],
				    im.geoms.n[i] == 1 ? "" : ends_with(im.geoms.name[i], "x") ? "es" : "s");
			printf("\n");
		}
		for (i = 0; i < im.converted.len; i++)
			printf("%ld %s\n", im.converted.n[i], im.converted.name[i]);
	}
	if (!json && report_tiles(&im, db, tiles && !im.dry) > 0 && rc == BX_EXIT_OK)
		rc = BX_EXIT_SOME;
	for (i = 0; i < im.ntiled; i++) {
		free(im.tiled[i].image);
		free(im.tiled[i].abs);
	}
	free(im.tiled);
	free(im.items);
	bx_buf_free(&evd);
	if (im.rootfd >= 0)
		close(im.rootfd);
	bx_taxonomy_free(im.tax);
	bx_store_close(im.st);
	if (im.fatal)
		rc = BX_EXIT_USAGE;
	else if (rc == BX_EXIT_OK && troubled(&im))
		rc = BX_EXIT_SOME;
	imp_reset(&im);
	return rc;
}

const struct bx_cmd bx_cmd_import = {
	.name = "import",
	.usage = "[--db FILE] [--format FMT] [--as KIND] [--min-score S] [--names FILE] "
	    "[--gt FILE] [--strict] [--allow-empty] [--json] [--tiles] PATH...",
	.summary = "add tasks (and pre-labels, gold or suggestions) from images or datasets",
	.help =
	    "  --format FMT    auto (default), folder, jsonl, coco, coco-results, yolo,\n"
	    "                  labelstudio, voc, scale\n"
	    "  --as KIND       what imported annotations become: prelabels (default),\n"
	    "                  gold, accepted (the task's accepted answer, as exported),\n"
	    "                  suggestions (default for coco-results)\n"
	    "  --min-score S   coco-results: keep predictions scoring at least S\n"
	    "  --names FILE    yolo: class names, one per line or a YAML names: list\n"
	    "                  (else DIR/data.yaml)\n"
	    "  --gt FILE       coco-results: the COCO file whose image and category ids\n"
	    "                  the results use (without it: images by file_name,\n"
	    "                  categories in boxel's COCO export ids)\n"
	    "  --strict        import nothing if any item is refused or anything lost\n"
	    "  --allow-empty   an input without images, or images a labeled format gives\n"
	    "                  no labels, are not warnings (exit 0)\n"
	    "  --json          the summary as one JSON object: tasks, new, answers,\n"
	    "                  judgments, users, failed, objects, lost, converted,\n"
	    "                  unlabeled\n"
	    "  --tiles         build now the tile pyramids of the images that need one\n"
	    "                  (images over 8 MP; else each is built on its first open)\n"
	    "Image paths must lie beneath the project's image root. Re-importing adds no\n"
	    "duplicate tasks and replaces answers of the same kind. Each bad item is\n"
	    "reported and skipped whole (exit 1), as is anything the format has that boxel\n"
	    "cannot keep (named by kind); unreadable input or store errors exit 2.\n"
	    "Images of any size are imported; only one that can never be shown is refused,\n"
	    "with the reason (an interlaced PNG or progressive JPEG over 100 MP, which\n"
	    "must be decoded whole). Images shown from a tile pyramid are listed.\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_import_exec,
};
