/* codec.h: JSON text <-> the answer model (annot.h). The judgment-file format
 * of `boxel queue submit`, drafts and the store's answer columns all use it.
 *
 *   {"annotations": [ {"class": "car", "box": [x, y, w, h]},
 *                     {"class": "road", "polygon": [[x, y], ...]},
 *                     {"class": "person", "point": [x, y]},
 *                     {"class": "outdoor"}                    <- image class
 *                   ],                  each may add "attributes": {...},
 *                                       suggestions add "score": S, "suggestion": true
 *    "global": {...}}
 *
 * Attribute values: string, number, bool, or array of strings (multi-choice).
 * Only this module, taxonomy and formats include jansson. */
#ifndef BOXEL_CODEC_H
#define BOXEL_CODEC_H

#include "boxel/annot.h"
#include "boxel/err.h"

/* Parse a judgment document. Structural checks only (types, finite numbers,
 * w/h >= 0, polygon >= 3 points, point = 2 numbers); taxonomy checks are
 * taxonomy.h's. Errors name the JSON path, e.g. "annotations[2].box: ...",
 * and line:column for syntax errors. On error out is left empty. */
int bx_answer_from_json(const char *text, struct bx_answer *out, struct bx_err *err);
/* Canonical compact JSON (keys sorted, numbers %.17g-exact). Caller frees. */
char *bx_answer_to_json(const struct bx_answer *ans);

/* How much one answer may hold: the project's settings max_vertices,
 * max_objects and max_answer_bytes. Every path by which an answer enters
 * (submit, draft, import, review fix) checks them, so one request's work is
 * bounded whoever sends it. */
#define BX_DEFAULT_MAX_VERTICES 10000
#define BX_DEFAULT_MAX_OBJECTS 5000
#define BX_DEFAULT_MAX_ANSWER_BYTES (4L << 20)
struct bx_limits {
	long max_vertices, max_objects, max_answer_bytes;
};
/* The defaults above. */
void bx_limits_default(struct bx_limits *l);
/* 0, or BX_ELIMIT with "annotations[3]: polygon has 1000000 vertices, the
 * project allows 10000 (setting max_vertices)"; bytes are the canonical
 * JSON's. */
int bx_answer_check_limits(const struct bx_answer *ans, const struct bx_limits *l,
                           struct bx_err *err);
/* The size of a text before it is parsed: 0 or BX_ELIMIT naming the setting. */
int bx_answer_check_size(size_t len, const struct bx_limits *l, struct bx_err *err);

int bx_attrs_from_json(const char *text, struct bx_attrs *out, struct bx_err *err);
char *bx_attrs_to_json(const struct bx_attrs *as);

#endif
