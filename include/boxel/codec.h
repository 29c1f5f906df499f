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

int bx_attrs_from_json(const char *text, struct bx_attrs *out, struct bx_err *err);
char *bx_attrs_to_json(const struct bx_attrs *as);

#endif
