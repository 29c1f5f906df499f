/* import-int.h: the state of one `boxel import` run, shared by the files
 * that make the command: cmd-import.c (options, detection, the summary)
 * and import-*.c (one per concern: writing, paths, datasets, and each
 * format's reading). Not a public header: only the import's files. */
#ifndef BOXEL_IMPORT_INT_H
#define BOXEL_IMPORT_INT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "boxel/formats.h"
#include "boxel/store.h"
#include "boxel/store-import.h"
#include "boxel/taxonomy.h"

#define IMPORT_MAX_FILE ((size_t)2 << 30)
#define CHUNK 4096   /* tasks per write transaction */

enum fmt {
	FMT_AUTO, FMT_FOLDER, FMT_JSONL, FMT_COCO, FMT_COCO_RESULTS, FMT_YOLO, FMT_LS,
	FMT_VOC, FMT_SCALE, FMT_CVAT,
};

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

/* cmd-import.c */
void imp_tally_add(struct tally *t, const char *name, long n);
void imp_item_free(struct item *it);
void imp_item_fail(struct imp *im, const char *where, const char *msg);
void imp_progress(struct imp *im, int force);

/* import-write.c */
int imp_check_judgments(struct imp *im, const struct bx_manifest_line *jl, int w, int h, char *msg,
                        size_t msgsz);
void imp_forget_batches(struct imp *im);
void imp_restore_later(struct imp *im);
void imp_flush(struct imp *im);

/* import-paths.c */
int imp_resolve(struct imp *im, const char *given, int try_suffixes, char **rel_out,
                char **abs_out, struct bx_err *err);
int imp_ends_with(const char *s, const char *suffix);
int imp_is_dir(const char *p);
int imp_exists(const char *dir, const char *name);
int imp_is_dir_in(const char *dir, const char *name);
int imp_read_text(const char *path, char **text_out, size_t *len_out);
char *imp_rel_to_root(struct imp *im, const char *p);
void imp_images_beside(struct imp *im, struct bx_dataset *ds, const char *file, const char *sub);

/* import-dataset.c */
int imp_probe(struct imp *im, const char *image, const char *abs, int *w, int *h,
              struct bx_err *err);
void imp_add_item(struct imp *im, struct item *it);
/* Objects of kinds their class does not draw, converted by the kinds'
 * convert_from (losses counted in im->lost). */
void imp_convert_kinds(struct imp *im, struct bx_answer *ans);
void import_dataset(struct imp *im, struct bx_dataset *ds, const char *file, const char *what,
                    const char *kind, int try_suffixes);
const char *imp_default_kind(struct imp *im);

/* import-jsonl.c */
int import_jsonl(struct imp *im, const char *path);

/* import-folder.c */
int imp_is_image_name(const char *name);
int imp_cmp_str(const void *a, const void *b);
void imp_walk(struct imp *im, const char *dir, const char *ext, char ***list, int *n);
int import_folder(struct imp *im, const char *path);

/* import-coco.c */
void imp_keep_category_ids(struct imp *im);
int import_coco(struct imp *im, const char *path, int results);

/* import-tasks.c */
int import_json_fmt(struct imp *im, const char *path, enum fmt f);

/* import-voc.c */
int import_voc(struct imp *im, const char *path);

/* import-cvat.c */
int import_cvat(struct imp *im, const char *path);

/* import-yolo.c */
int import_yolo(struct imp *im, const char *path);

#endif
