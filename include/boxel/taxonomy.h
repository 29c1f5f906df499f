/* taxonomy.h: the project's label schema, loaded from JSON: classes (name,
 * color, hotkey, allowed geometries, attributes) and global (per-task)
 * attributes; and the checks of an answer against it. Pure: text in,
 * struct out; no I/O except bx_taxonomy_load_file.
 *
 *   {"name": "sample photos",
 *    "classes": [{"name": "cat", "color": "#ff8800", "hotkey": "c",
 *                 "geometries": ["box", "polygon"],
 *                 "attributes": [{"name": "pose", "type": "choice",
 *                                 "options": ["sitting", "lying"], "required": true}]}],
 *    "global": [{"name": "scene", "type": "choice", "options": ["indoor", "outdoor"]}]}
 *
 * The full schema is in README (Taxonomy). */
#ifndef BOXEL_TAXONOMY_H
#define BOXEL_TAXONOMY_H

#include <stdint.h>

#include "boxel/annot.h"
#include "boxel/codec.h"
#include "boxel/err.h"

/* Keys a class hotkey may not take: the digits select classes by position
 * and the letters/punctuation are the labeling view's own keys. */
#define BX_TAXONOMY_RESERVED_KEYS "0123456789hjklHJKLbpodagunsqxyeiXYC[]+=-?"
/* Keys the labeling view gained later (tighten, wand, jump, picker,
 * ...), and every drawing tool's key outside the reserved ones (each kind
 * brings its own, geom.h). Refusing them would break projects whose
 * taxonomy already uses them, so a class hotkey on one of these is
 * accepted and wins over the view's key (the class keeps working as it
 * did); `boxel taxonomy check` warns that the key's command is then out
 * of reach. */
#define BX_TAXONOMY_SHADOWABLE_KEYS "tTWBMGvVzZ;'`/.<>@NF,:\""
int bx_taxonomy_key_shadowable(int key);

enum bx_attr_type {
	BX_ATTR_CHOICE = 1, /* one of options: BX_VAL_STR */
	BX_ATTR_MULTI,      /* a set of options: BX_VAL_LIST */
	BX_ATTR_BOOL,       /* BX_VAL_BOOL */
	BX_ATTR_TEXT,       /* free text: BX_VAL_STR */
	BX_ATTR_NUMBER,     /* BX_VAL_NUM within [min, max] */
};
const char *bx_attr_type_name(enum bx_attr_type t); /* "choice", "multi", ... */

struct bx_attr_spec {
	char *name;
	enum bx_attr_type type;
	char **options;      /* choice / multi, in file order */
	int noptions;
	double min, max;     /* number: -HUGE_VAL / HUGE_VAL when not given */
	int required;
	struct bx_value def; /* default; type BX_VAL_NONE when none */
	char *description;   /* may be NULL */
};

struct bx_class {
	char *name;
	uint32_t color;      /* 0xRRGGBB; a palette color when the file gives none */
	char hotkey;         /* printable ASCII, or 0 for none */
	int geoms;           /* mask of BX_GEOM_* */
	struct bx_attr_spec *attrs;
	int nattrs;
	char *description;   /* may be NULL */
	/* A skeleton class (geometry "skeleton"): its named points in order
	 * ("keypoints"), its edges as pairs of 0-based indices ("skeleton" in
	 * the file: COCO's 1-based pairs), and per point COCO's sigma
	 * ("sigmas"; by default COCO's person sigma of a point of the same
	 * name, else 0.067, about the mean of COCO's). */
	char **kpt_names;
	int nkpts;
	int *edges;
	int nedges;
	double *sigmas;
};

struct bx_taxonomy {
	char *name;          /* may be NULL */
	struct bx_class *classes;
	int nclasses;
	struct bx_attr_spec *global;
	int nglobal;
	/* Checked first by bx_taxonomy_check_answer*; the defaults of codec.h
	 * after loading, the project's settings once the caller sets them. */
	struct bx_limits limits;
};

/* Parse and validate. name_for_errors prefixes messages ("taxonomy.json").
 * Every problem is found, not just the first: each is one line
 * "NAME:LINE:COL: PATH: reason", e.g.
 *   taxonomy.json:14:7: classes[2].hotkey: "1" is reserved ...
 * err gets the first, followed by "(and N more problems)". */
int bx_taxonomy_load_text(const char *text, const char *name_for_errors,
                          struct bx_taxonomy **out, struct bx_err *err);
/* Same, also handing back every problem (caller frees each and the array;
 * both may be NULL). *n_out is 0 when the taxonomy is valid. */
int bx_taxonomy_load_text_all(const char *text, const char *name_for_errors,
                              struct bx_taxonomy **out, char ***problems_out, int *n_out,
                              struct bx_err *err);
/* Reads path (at most 4 MiB) and names it in errors. */
int bx_taxonomy_load_file(const char *path, struct bx_taxonomy **out, struct bx_err *err);
void bx_taxonomy_free(struct bx_taxonomy *t);

/* Lookups; pointers live as long as t. NULL / -1 when absent. */
const struct bx_class *bx_taxonomy_class(const struct bx_taxonomy *t, const char *name);
int bx_taxonomy_class_index(const struct bx_taxonomy *t, const char *name);
const struct bx_class *bx_taxonomy_class_by_hotkey(const struct bx_taxonomy *t, int key);
const struct bx_attr_spec *bx_class_attr(const struct bx_class *c, const char *name);
const struct bx_attr_spec *bx_taxonomy_global_attr(const struct bx_taxonomy *t,
                                                   const char *name);

/* Is value acceptable for spec? Wrong type, choice not among the options,
 * number out of range: BX_EINVAL with a message naming the value, e.g.
 * "\"big\" is not one of small, medium". */
int bx_taxonomy_check_value(const struct bx_attr_spec *spec, const struct bx_value *value,
                            struct bx_err *err);
/* Add each spec's default to out when out lacks it (for a new annotation:
 * pass the class's specs; for a new task's globals: t->global). */
void bx_taxonomy_fill_defaults(const struct bx_attr_spec *specs, int nspecs,
                               struct bx_attrs *out);
/* The canonical form of an answer: every attribute its class (or the
 * taxonomy's globals) gives a default and the answer leaves unset takes that
 * default, so "unset" and "the default" compare equal wherever the answer
 * came from (import, screen, submit, gold). Objects of unknown classes are
 * left as they are. */
void bx_taxonomy_canonical(const struct bx_taxonomy *t, struct bx_answer *a);

/* Check an answer for an image of width x height: unknown class, geometry
 * not allowed for the class, missing required attribute, unknown attribute,
 * bad attribute value, coordinates outside [0,W]x[0,H] (by more than 0.01 px:
 * normalized formats round, and reading them back may overshoot an edge by a
 * hair). The message names the
 * annotation ("annotations[2] (cat): box leaves the image: x+w = 700 > width
 * 640"); when several are wrong it says how many more. */
int bx_taxonomy_check_answer(const struct bx_taxonomy *t, const struct bx_answer *a,
                             int width, int height, struct bx_err *err);
/* The same with flags: BX_CHECK_PARTIAL skips the required-attribute
 * checks (imports: prelabels and suggestions are starting points, and
 * formats such as YOLO cannot carry attributes at all). */
enum { BX_CHECK_PARTIAL = 1 };
int bx_taxonomy_check_answer_flags(const struct bx_taxonomy *t, const struct bx_answer *a,
                                   int width, int height, int flags, struct bx_err *err);
/* Convert attribute values that arrived as text (VOC, Label Studio) to the
 * spec's type where that is unambiguous: "true"/"false" for bool, a number
 * for number, a comma-separated list for multi; numbers and booleans become
 * text for choice/text. Values already of the right type, and values of
 * unknown attributes, are left as they are (the check reports them). */
void bx_taxonomy_coerce(const struct bx_attr_spec *specs, int nspecs, struct bx_attrs *as);

#endif
