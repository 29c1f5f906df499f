/* json-int.h: helpers over jansson values shared by the JSON readers
 * (codec.c, taxonomy.c, fmt-*.c, json-util.c). Private to src/: it includes
 * jansson.h, which public headers never do. Messages name the input and the
 * JSON path ("gt.json: annotations[3].bbox[2]: ...") in the words these
 * helpers fix once for every reader. */
#ifndef BOXEL_JSON_INT_H
#define BOXEL_JSON_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "boxel/annot.h"
#include "boxel/err.h"

/* What j is, for messages: "an object", "a number", "null", ... */
const char *bx_json_type(const json_t *j);

/* Parse text strictly (duplicate keys refused). NULL on a syntax error, with
 * err set to "WHAT:LINE:COLUMN: text" (what may be NULL). */
json_t *bx_json_load(const char *text, const char *what, struct bx_err *err);

/* A finite number: 0 and *out set, or -1 (j NULL, not a number, NaN, inf). */
int bx_json_finite(const json_t *j, double *out);
/* The same for obj's key (obj may be NULL or not an object). */
int bx_json_key_finite(const json_t *obj, const char *key, double *out);
/* An integer id: a JSON integer, or a real with an integral value below
 * 9e15 in magnitude (exact in a double). 0 and *out set, or -1. */
int bx_json_id(const json_t *j, int64_t *out);

/* Attribute object -> out (values through bx_json_to_value). where names
 * the object in messages ("attributes"); a key is shown as where.KEY. On a
 * problem: -1 and why = "WHERE: expected an object, got ..." or
 * "WHERE: empty attribute name" or the value's message. */
int bx_json_read_attrs(const json_t *obj, const char *where, struct bx_attrs *out, char *why,
                       size_t whysz);

/* A JSON path such as "annotations[2].box[1]" that grows and shrinks as a
 * walk goes: every push returns the old length for bx_json_path_pop. Keys
 * are cut at 60 bytes; the whole path at 255. */
struct bx_json_path {
	char s[256];
	size_t len;
};
size_t bx_json_path_push(struct bx_json_path *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
size_t bx_json_path_key(struct bx_json_path *p, const char *key);
size_t bx_json_path_idx(struct bx_json_path *p, size_t i);
void bx_json_path_pop(struct bx_json_path *p, size_t old);

#endif
