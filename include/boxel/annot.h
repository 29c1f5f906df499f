/* annot.h: the in-memory answer to one task: annotations plus global
 * (per-task) attributes. Pure: no I/O, no JSON (the JSON codec lives in the
 * formats layer, answer-json.c).
 *
 * Coordinates are image pixels as doubles, origin top-left of the oriented
 * full-resolution image; a box is x, y, w, h with w, h >= 0. */
#ifndef BOXEL_ANNOT_H
#define BOXEL_ANNOT_H

#include <stddef.h>

/* Geometry kinds, one bit each (a class allows a mask of them), in the
 * order of boxel/geom-kinds.def. What a kind is and does lives in its
 * descriptor (geom.h, src/geom-*.c); code asks the table rather than
 * switching on these values. */
enum {
#define KIND(file, ID) BX_GEOM_INDEX_##ID,
#include "boxel/geom-kinds.def"
#undef KIND
	BX_GEOM_NKINDS
};
enum bx_geom {
#define KIND(file, ID) BX_GEOM_##ID = 1 << BX_GEOM_INDEX_##ID,
#include "boxel/geom-kinds.def"
#undef KIND
};
const char *bx_geom_name(enum bx_geom g); /* the kind's name; "?" for none (geom-table.c) */

struct bx_pt {
	double x, y;
};

enum bx_value_type {
	BX_VAL_NONE = 0,
	BX_VAL_STR,  /* choice or text */
	BX_VAL_NUM,
	BX_VAL_BOOL,
	BX_VAL_LIST, /* multi-choice: a set of strings, kept sorted */
};

struct bx_value {
	enum bx_value_type type;
	double num;
	int b;
	char *str;
	char **list;
	int nlist;
};

struct bx_attr {
	char *key;
	struct bx_value v;
};

/* Attribute set, kept sorted by key so equality is a linear walk. */
struct bx_attrs {
	struct bx_attr *a;
	int n;
};

enum {
	BX_ANNOT_SUGGESTION = 1, /* imported prediction not yet accepted */
};

struct bx_annot {
	enum bx_geom geom;
	char *cls;           /* class name (owned) */
	double x, y, w, h;   /* BX_GEOM_BOX; RBOX: x, y is the centre; ELLIPSE: and w, h the radii */
	double angle;        /* RBOX, ELLIPSE: degrees, clockwise on screen, about the centre */
	struct bx_pt *pts;   /* polygon (npts >= 3), polyline (>= 2), point (1); owned */
	int npts;
	int *ring_end;       /* MULTIPOLYGON: ring r is pts[ring_end[r - 1] .. ring_end[r])
	                        (ring 0 from 0); owned; NULL for other kinds */
	int nrings;
	unsigned char *vis;  /* skeleton: per point COCO's v (0 not labeled, 1
	                      * occluded, 2 visible), npts long; else NULL; owned */
	struct bx_attrs attrs;
	double score;        /* suggestions: model score; otherwise 0 */
	int flags;
	char *uuid;          /* the object's id in another tool (Scale's "uuid"; see
	                        bx_object_id_valid); owned; NULL when it has none */
};

struct bx_answer {
	struct bx_annot *a;
	int n, cap;
	struct bx_attrs global;
};

/* Values and attribute sets. Setters copy their inputs. */
void bx_value_free(struct bx_value *v);
void bx_value_copy(struct bx_value *dst, const struct bx_value *src);
int bx_value_equal(const struct bx_value *a, const struct bx_value *b);
void bx_attrs_free(struct bx_attrs *as);
void bx_attrs_copy(struct bx_attrs *dst, const struct bx_attrs *src);
/* Replace or insert key (copying v). v->type == BX_VAL_NONE removes key. */
void bx_attrs_set(struct bx_attrs *as, const char *key, const struct bx_value *v);
const struct bx_value *bx_attrs_get(const struct bx_attrs *as, const char *key);
int bx_attrs_equal(const struct bx_attrs *a, const struct bx_attrs *b);

void bx_annot_free(struct bx_annot *an);       /* frees members, not an itself */
void bx_annot_copy(struct bx_annot *dst, const struct bx_annot *src);
/* Bounding box of any geometry (tag: 0,0,0,0). */
void bx_annot_bounds(const struct bx_annot *an, double *x, double *y, double *w, double *h);

void bx_answer_init(struct bx_answer *ans);
void bx_answer_free(struct bx_answer *ans);   /* frees members; ans may be reused after init */
void bx_answer_copy(struct bx_answer *dst, const struct bx_answer *src);
/* Append a copy of an; returns its index. */
int bx_answer_add(struct bx_answer *ans, const struct bx_annot *an);
void bx_answer_remove(struct bx_answer *ans, int idx);

#endif
