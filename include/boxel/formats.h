/* formats.h: datasets in memory and the converters between them and the
 * interchange formats (COCO, COCO results, YOLO, Pascal VOC, Label Studio,
 * Scale-style, boxel's JSONL). Readers and writers are pure: text in,
 * struct bx_dataset out (or the reverse); the CLI glue (cmd-import.c and import-*.c,
 * cmd-export.c) moves datasets in and out of the store.
 *
 * Coordinates are image pixels as doubles, origin top-left, as in annot.h;
 * each format's own convention (normalized, percent, 1-based) is converted at
 * the edge, in the reader or writer. */
#ifndef BOXEL_FORMATS_H
#define BOXEL_FORMATS_H

#include <stdint.h>

#include "boxel/annot.h"
#include "boxel/err.h"
#include "boxel/fmt-yolo-map.h"
#include "boxel/util.h"

struct bx_taxonomy;

/* ---- canonical JSON writers (codec.c) ----
 * Compact output; numbers are the shortest text that parses back to the
 * identical double ("0.1", "12", "1e+20"), -0 prints as 0, non-finite values
 * (never produced by the readers) print as 0. Strings are escaped, UTF-8 kept. */
void bx_json_put_num(struct bx_buf *b, double v);
void bx_json_put_box(struct bx_buf *b, double x, double y, double w, double h); /* [x,y,w,h] */
void bx_json_put_str(struct bx_buf *b, const char *s);
void bx_json_put_value(struct bx_buf *b, const struct bx_value *v);
/* A value as the text XML formats carry (VOC, CVAT): a string as it is,
 * a number as in JSON, "true"/"false", a set comma-separated. */
void bx_value_put_text(struct bx_buf *b, const struct bx_value *v);
void bx_json_put_attrs(struct bx_buf *b, const struct bx_attrs *as);
void bx_json_put_annot(struct bx_buf *b, const struct bx_annot *an);
/* "name":value, the object's coordinates under its kind's key, as in an
 * answer (nothing for a kind without coordinates). */
void bx_json_put_geom(struct bx_buf *b, const struct bx_annot *an);
void bx_json_put_answer(struct bx_buf *b, const struct bx_answer *ans);

/* Helpers over jansson values for the readers (passed as void * so this
 * header stays free of library headers). bx_json_to_value converts a JSON
 * attribute value (string, number, bool, array of distinct strings) naming
 * `where` in errors; bx_answer_from_jansson is bx_answer_from_json on an
 * already parsed json_t. The readers' other helpers are in src/json-int.h. */
int bx_json_to_value(const void *json, const char *where, struct bx_value *out,
                     struct bx_err *err);
int bx_answer_from_jansson(const void *json, struct bx_answer *out, struct bx_err *err);

/* ---- datasets ---- */

struct bx_manifest_judgment;

struct bx_ds_image {
	int64_t id;          /* the format's image id (COCO id, boxel task id), or 0 */
	char *file_name;     /* as written in the file; NULL when the format has none */
	int width, height;   /* 0 when unknown (probe the file) */
	char *meta_json;     /* JSONL "meta" object as compact JSON, or NULL */
	struct bx_answer ans;
	int has_answer;      /* the format carried annotations for this image */
	int line;            /* 1-based line (JSONL) or index + 1 in the file, for errors */
	int *group;          /* BX_COCO_GROUPS: group[k] is the index in the file of the
	                        COCO annotation ans.a[k] came from (-1: image tag); equal
	                        values are one object. NULL otherwise. */
	int failed;          /* an annotation of this image was refused (see errors):
	                        importers skip the image rather than keep a partial answer */
	int suggested;       /* the answer is a model's output: store it as suggestions
	                        (set by the importer, not the readers) */
	struct bx_manifest_judgment *judg; /* Label Studio: each annotator's judgment
	                        (batch BX_LS_BATCH, replica -1), owned; NULL when none */
	int njudg;
};

struct bx_dataset {
	struct bx_ds_image *img;
	int n, cap;
	char **classes;      /* category names in the file's order */
	int64_t *class_ids;  /* the file's category ids, parallel to classes */
	int *class_nkpts;    /* COCO: how many keypoints a category names (0: none),
	                      * parallel to classes */
	int nclasses;
	/* The project's taxonomy when the caller has one (not owned): COCO's
	 * writer gives a skeleton class's category its keypoints and edges. */
	const struct bx_taxonomy *tax;
	/* Per-item problems found by a reader, one line each ("gt.json:
	 * annotations[3].bbox[2]: width must be >= 0"); those items were
	 * skipped. A caller wanting all-or-nothing checks nerrors. */
	char **errors;
	int nerrors;
	int results;         /* bx_coco_read*: the text was a COCO results array */
	long nrle;           /* RLE masks a reader traced to polygons (bx_coco_read) */
	int nclamped;        /* boxes a reader clamped to the image edge (VOC corners
	                        one pixel out, YOLO within Ultralytics' 1%) */
	/* What a reader read but could not carry, by kind, with counts
	 * ("keypoint sets dropped: ...", "RLE masks dropped: ..."): the images
	 * are kept without it, and the importer reports each kind (and
	 * --strict refuses). */
	char **loss;
	long *nlost;
	int nlosses;
	/* internal: image ids sorted for bx_dataset_find */
	int64_t *ix_id;
	int *ix_pos;
	int nix;
};

void bx_dataset_init(struct bx_dataset *ds);
void bx_dataset_free(struct bx_dataset *ds);
/* Append an empty image and return it (valid until the next add). Copies
 * file_name (may be NULL). */
struct bx_ds_image *bx_dataset_add(struct bx_dataset *ds, int64_t id, const char *file_name,
                                   int width, int height);
/* Append a class (copying name) with its file id; returns its index. */
int bx_dataset_add_class(struct bx_dataset *ds, const char *name, int64_t id);
/* Index of the class named cls (may be NULL), or -1. */
int bx_dataset_class_index(const struct bx_dataset *ds, const char *cls);
/* Index of the class with file id, or -1. */
int bx_dataset_class_by_id(const struct bx_dataset *ds, int64_t id);
/* Index of the image with id, or -1. Binary search once bx_dataset_index()
 * has run after the last add, linear otherwise. */
void bx_dataset_index(struct bx_dataset *ds);
int bx_dataset_find(const struct bx_dataset *ds, int64_t id);
/* Count one thing of kind `what` a reader could not carry (the text is
 * the key: the same text adds to the same count). */
void bx_dataset_loss(struct bx_dataset *ds, const char *what);
/* Record a per-item problem (printf-style). */
void bx_dataset_error(struct bx_dataset *ds, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- COCO (fmt-coco.c) ----
 * A COCO detection file: {"images": [{id, file_name, width, height}],
 * "annotations": [{id, image_id, category_id, bbox, segmentation?, area?,
 * iscrowd?, keypoints?, attributes?, score?}], "categories": [{id, name}]}.
 *  - bbox [x, y, w, h] in pixels becomes a box;
 *  - a polygon segmentation (one or several flat [x1, y1, x2, y2, ...]
 *    lists of >= 3 points) becomes a polygon, several one multipolygon
 *    (with BX_COCO_GROUPS: one polygon per list, grouped);
 *  - RLE segmentation is traced to a polygon or multipolygon (out->nrle
 *    counts them; filled holes are a loss); with BX_COCO_GROUPS it is kept
 *    as its bbox (a loss), or dropped without one (a loss);
 *  - iscrowd 1 (with a bbox): a region COCOeval ignores, not an object:
 *    dropped (a loss), except for results and BX_COCO_IDS_ONLY (scoring,
 *    which scores crowds like any annotation);
 *  - keypoints [x, y, v, ...]: one labeled keypoint (v > 0) without a box
 *    (boxel's points: bbox [x, y, 0, 0]) is a point; a set of them is a
 *    loss (with a box, the box is kept);
 *  - no bbox, segmentation or keypoints: an image class (a classification),
 *    except for results and BX_COCO_IDS_ONLY (scoring), where it is refused;
 *  - "area" and "iscrowd" are checked (finite, >= 0; 0 or 1) but not kept;
 *  - "attributes" (object) become the annotation's attributes; "score"
 *    marks it as a suggestion with that score;
 *  - an image's "attributes" object is the global attributes and its
 *    "tags" list of category names the image-level classes (boxel's
 *    extensions; other tools ignore them).
 * Other keys (info, licenses, ...) are ignored. Classes are the categories in
 * file order with their ids. Structural problems (not JSON, no "images"
 * array) fail the whole file (BX_EINVAL); a bad image or annotation
 * (duplicate id, unknown image or category id, NaN or negative size) is
 * recorded in out->errors naming its index and skipped.
 * A bare array is a results file: [{image_id, category_id, bbox, score,
 * segmentation?}, ...]; its images carry only ids and, without a
 * ground truth, class names are the category ids in decimal. */
int bx_coco_read(const char *text, const char *name_for_errors, struct bx_dataset *out,
                 struct bx_err *err);
/* A results file interpreted against gt (read by bx_coco_read): out gets
 * gt's images in gt's order (id, file_name, width, height), those with
 * predictions marked has_answer; category ids map to gt's names. Every
 * prediction gets BX_ANNOT_SUGGESTION and its score (0 when absent). A
 * prediction with an image or category id gt lacks is a per-item error. */
int bx_coco_read_results(const char *text, const char *name_for_errors,
                         const struct bx_dataset *gt, struct bx_dataset *out,
                         struct bx_err *err);
/* Both readers above, with options (flags, or'ed):
 *  BX_COCO_GROUPS: out->img[i].group says which polygons came from one
 *    annotation (one object of several rings, whose union is scored);
 *  BX_COCO_IDS_ONLY: an image needs only its id (file_name optional); a file
 *    without "images" has the images its annotations name, one without
 *    "categories" uses ref's classes; an unknown category is reported as
 *    "unknown category_id N";
 *  BX_COCO_NEW_IMAGES: a results array read against ref may name images ref
 *    lacks: each gets an image of its own (id only) instead of an error;
 *  BX_COCO_RESULTS: the text must be a results array;
 *  BX_COCO_BY_NAME: a results array names its images by "file_name" (ref's
 *    file names, or those without leading folders), not by image_id.
 * ref: what a results array is read against (as gt above), or NULL; it is
 * not needed for a detection file. out->results tells which the text was.
 * bx_coco_read is (NULL, 0), bx_coco_read_results (gt, BX_COCO_RESULTS). */
enum {
	BX_COCO_GROUPS = 1,
	BX_COCO_IDS_ONLY = 2,
	BX_COCO_NEW_IMAGES = 4,
	BX_COCO_RESULTS = 8,
	BX_COCO_BY_NAME = 16
};
int bx_coco_read_with(const char *text, const char *name_for_errors,
                      const struct bx_dataset *ref, int flags, struct bx_dataset *out,
                      struct bx_err *err);
/* A COCO RLE segmentation object (a json_t, see fmt-coco-rle.c) as a w x h
 * row-major mask (1 inside; caller frees). -1 with why filled for a bad
 * size, counts that are not runs, or runs that do not cover the size. */
int bx_coco_rle_decode(const void *seg_json, uint8_t **mask_out, int *w_out, int *h_out,
                       char *why, size_t whysz);
/* Write ds as COCO: images (id, file_name, width, height, and attributes /
 * tags when present), annotations with ids 1..N in image order, categories
 * from ds->classes with ds->class_ids (ids 1..N when class_ids is NULL).
 * Every annotation as COCOeval loads it (bbox, area, iscrowd 0 and a
 * segmentation): boxes with area w*h and their rectangle as segmentation
 * [[x,y, x+w,y, x+w,y+h, x,y+h]] (read back as the box); polygons with
 * segmentation [[x1,y1,...]], the bbox of the points, area by the shoelace
 * formula. Points are not COCO objects (a zero-size box would be scored as
 * a missed object): they go in the image's "points" list, boxel's
 * extension, as tags do. Annotations whose class is not in ds->classes are
 * left out. */
void bx_coco_write(const struct bx_dataset *ds, struct bx_buf *out);
/* bx_coco_write's info.description: the one sign, when the file is read
 * back, that a box's rectangle segmentation stands for the box, not a
 * polygon. */
#define BX_COCO_DESCRIPTION "exported by boxel"

/* Category ids a project keeps from the COCO files it imported, as a JSON
 * object {"name": id} (the store setting coco_category_ids).
 * bx_coco_ids_apply sets ds->class_ids: a class's stored id when it has one
 * no earlier class took, else the smallest id still free (1, 2, ...: the
 * taxonomy order, as before any import). bx_coco_ids_merge returns stored
 * (may be NULL) updated with ds's names and ids, a fresh string. */
void bx_coco_ids_apply(struct bx_dataset *ds, const char *stored);
char *bx_coco_ids_merge(const char *stored, const struct bx_dataset *ds);

/* ---- YOLO (fmt-yolo.c) ----
 * One text file per image, a line per object: "CLASS CX CY W H" (box) or
 * "CLASS X1 Y1 X2 Y2 ..." (polygon, YOLO-seg, >= 3 points), all coordinates
 * normalized by the image width/height, CLASS a 0-based index into names.
 * Points and image-level classes have no YOLO form and are left out. */
int bx_yolo_read_labels(const char *text, const char *name_for_errors, int width, int height,
                        const struct bx_dataset *names, struct bx_answer *out,
                        struct bx_dataset *errors_to);
void bx_yolo_write_labels(const struct bx_dataset *ds, const struct bx_ds_image *im,
                          struct bx_buf *out);
/* bx_yolo_write_labels for one Ultralytics task (boxel/fmt-yolo-map.h:
 * BX_YOLO_TASK_*; ANY is the default export): objects the task does not
 * hold are not written. */
void bx_yolo_write_task(const struct bx_dataset *ds, const struct bx_ds_image *im,
                        enum bx_yolo_task task, struct bx_buf *out);
/* Ultralytics' data.yaml (fmt-yolo-yaml.c, libyaml): class names into
 * out->classes ("names" a list, or a map of the indices 0..n-1 in any
 * order; "nc", when present, must match) and, when data_out is not NULL,
 * "path" and the splits (each a path or a list of paths, as written;
 * relative ones are relative to path, else to the file's folder). */
enum { BX_YOLO_TRAIN, BX_YOLO_VAL, BX_YOLO_TEST, BX_YOLO_NSPLITS };
struct bx_yolo_data {
	char *path;                      /* "path:", or NULL */
	char **split[BX_YOLO_NSPLITS];   /* train, val, test entries */
	int nsplit[BX_YOLO_NSPLITS];
};
int bx_yolo_read_yaml(const char *text, const char *name_for_errors, struct bx_dataset *out,
                      struct bx_yolo_data *data_out, struct bx_err *err);
void bx_yolo_data_free(struct bx_yolo_data *d);
/* "train", "val", "test". */
const char *bx_yolo_split_name(int split);
/* Ultralytics' rule for where an image's labels are: the last "/images/"
 * of its path (or a leading "images/") becomes "/labels/", the extension
 * ".txt". A fresh string, or NULL when the path has no images/ folder. */
char *bx_yolo_label_path(const char *image_path);
/* A --names file: data.yaml-like (read as above) or one name per line. */
int bx_yolo_read_names(const char *text, const char *name_for_errors, struct bx_dataset *out,
                       struct bx_err *err);
/* data.yaml as Ultralytics reads it: path (the dataset folder, absolute),
 * train and val (images/train), nc and names (block list, quoted). */
void bx_yolo_write_yaml(const struct bx_dataset *ds, const char *path, struct bx_buf *out);

/* ---- Pascal VOC (fmt-voc.c) ----
 * One XML file per image. Pixel indices are 1-based and inclusive:
 * xmin = round(x) + 1, ymin = round(y) + 1, xmax = round(x + w),
 * ymax = round(y + h); read back as x = xmin - 1, w = xmax - xmin + 1 ...
 * Polygons are written as their bounding box. Attributes as
 * <attributes><attribute><name/><value/></attribute></attributes>, except
 * an object's pose, truncated, difficult and occluded, which are VOC's own
 * elements (<occluded> only when the answer has it).
 * Reading: <path>, or <filename> when the path is a Windows one; boxes one
 * pixel past an edge are clamped (out->nclamped counts them); an object's
 * <pose>, <truncated>, <difficult>, <occluded> other than 0/Unspecified
 * become text attributes "voc:pose" ... for the importer to keep or drop.
 * Writing returns -1 when a text held a character XML cannot carry
 * (bx_xml_unfit: left out of the still well-formed file; the export
 * leaves such attributes out with a line before writing), else 0. */
int bx_voc_write(const struct bx_ds_image *im, struct bx_buf *out);
int bx_voc_read(const char *text, const char *name_for_errors, struct bx_dataset *out,
                struct bx_err *err);

/* ---- Label Studio (fmt-labelstudio.c) ----
 * The JSON export: [{"id", "data": {"image": PATH}, "annotations": [{"result":
 * [...]}]}]; results of type rectanglelabels, polygonlabels, keypointlabels
 * (x, y, width, height, points in percent of original_width/height) and
 * choices (image classes). */
int bx_ls_read(const char *text, const char *name_for_errors, struct bx_dataset *out,
               struct bx_err *err);
/* The batch Label Studio annotators' judgments go in (see bx_ls_read: each
 * non-cancelled annotation with completed_by is one; the first annotation
 * is also the image's answer). */
#define BX_LS_BATCH "labelstudio"
void bx_ls_write(const struct bx_dataset *ds, struct bx_buf *out);
/* bx_ls_write with the project's taxonomy (may be NULL): a choice
 * attribute is written as a "choices" result, as its control is one. Each
 * geometry has its control: regions' from_name is "box", "polygon" or
 * "point". */
struct bx_taxonomy;
void bx_ls_write_tax(const struct bx_dataset *ds, const struct bx_taxonomy *tax,
                     struct bx_buf *out);
/* The labeling config (XML) an export implies: an Image "image", one
 * RectangleLabels / PolygonLabels / KeyPointLabels per geometry the
 * taxonomy uses (Labels of its classes), Choices "image_class" for image
 * classes, and per attribute name (first spec wins) Choices (choice,
 * multi, bool), TextArea or Number, perRegion for class attributes. */
void bx_ls_write_config(const struct bx_taxonomy *tax, struct bx_buf *out);
/* How each geometry kind maps to Label Studio: boxel/fmt-ls-map.h. */

/* ---- Scale-style (fmt-scale.c) ----
 * [{"task_id", "params": {"attachment": PATH, "attachment_type": "image",
 * "metadata": {"width", "height"}}, "response": {"annotations": [{"type":
 * "box", "left", "top", "width", "height", "label", "attributes"} |
 * {"type": "polygon", "vertices": [{"x", "y"}], ...} | {"type": "point",
 * "x", "y", ...} | {"type": "ellipse", "vertices": the 4 ends of its axes}
 * | {"type": "cuboid", "vertices": 6 {"description", "x", "y"}}],
 * "global_attributes": {...}}}] */
int bx_scale_read(const char *text, const char *name_for_errors, struct bx_dataset *out,
                  struct bx_err *err);
void bx_scale_write(const struct bx_dataset *ds, struct bx_buf *out);
/* How each geometry kind maps to Scale: boxel/fmt-scale-map.h. */

/* ---- CVAT for images 1.1 XML (fmt-cvat.c) ----
 * <annotations><version>1.1</version><meta><task> with the labels (the
 * taxonomy's classes; a skeleton class its points as labels of type
 * points with it as parent, and its edges in the <svg> CVAT keeps) and
 * their attributes (input type and values), then per image <image id
 * name width height> and its objects, each kind as its descriptor's
 * struct bx_cvat_map (boxel/fmt-cvat-map.h) writes it, label, source
 * "manual", occluded 0, z_order 0, and <attribute name> children.
 * Numbers in the C locale with 2 decimals, as CVAT writes them. Writing
 * fails (nothing written) on a string with a control character other
 * than tab and line ends, which XML cannot carry.
 * Reading: each <image> (its name is the image path) and each object
 * element through the kinds' maps (table order; attribute values as
 * text for the importer to convert); ds->tax, when set, names a
 * skeleton's points and decides which polygons sharing a group_id are
 * one multipolygon. An element no kind reads, or one a kind refuses,
 * fails its image (out->errors); <mask> is a loss; <track> (CVAT for
 * video) an error. */
int bx_cvat_write(const struct bx_dataset *ds, struct bx_buf *out, struct bx_err *err);
int bx_cvat_read(const char *text, const char *name_for_errors, struct bx_dataset *out,
                 struct bx_err *err);

/* ---- JSONL manifest (fmt-manifest.c) ----
 * One task per line: {"image": PATH, "width"?: W, "height"?: H, "meta"?: {...},
 * "answer"?: ANSWER}; the keys of boxel's own jsonl export are accepted too,
 * so an export reads back ("accepted" stands for "answer"; "judgments" and
 * "batches" are parsed for the importer to recreate them). */
struct bx_manifest_batch {    /* an entry of "batches" (jsonl export) */
	char *name, *kind;
	int overlap, priority;
	double gold_rate;
};
struct bx_manifest_judgment { /* an entry of "judgments" (jsonl export) */
	char *labeler, *state;    /* state: one of bx_jstate_name's names */
	int64_t id;               /* "judgment": its id in the exporting store, 0 if absent */
	char *batch;              /* the judgment's "batch", else the line's; NULL if neither */
	int replica;              /* -1 when absent */
	int has_answer;           /* annotations or global given */
	struct bx_answer ans;
	double seconds;
	int64_t submitted_ms;     /* 0 when absent or null */
};
struct bx_manifest_line {
	char *image;       /* as written: resolving it is the caller's */
	int width, height; /* 0 when absent */
	char *meta_json;   /* compact, sorted keys; NULL when absent or empty */
	int has_answer;
	struct bx_answer ans;
	char *accepted_from;                  /* NULL when absent */
	struct bx_manifest_batch *batches;    /* "batches" */
	int nbatches;
	struct bx_manifest_judgment *judgments;
	int njudgments;
};
/* Parse one non-blank line. On error returns -1 with one line in msg
 * ("column 7: ..." for syntax) and out left empty. */
int bx_manifest_parse_line(const char *line, struct bx_manifest_line *out, char *msg,
                           size_t msgsz);
void bx_manifest_line_free(struct bx_manifest_line *ml);

#endif
