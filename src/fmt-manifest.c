/* fmt-manifest.c: one line of a JSONL manifest into a task to import (see
 * formats.h). Coordinates in any answer are image pixels; paths are left as
 * written, for the importer to resolve beneath the image root. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "json-int.h"

/* The manifest's keys, and those of boxel's jsonl export (read back for the
 * accepted answer). */
static const char *const manifest_keys[] = { "image", "width", "height", "meta", "answer",
    "task", "batch", "judgments", "accepted", "accepted_from", NULL };

void
bx_manifest_line_free(struct bx_manifest_line *ml)
{
	free(ml->image);
	free(ml->meta_json);
	bx_answer_free(&ml->ans);
	memset(ml, 0, sizeof *ml);
}

static int
check_keys(json_t *j, char *msg, size_t msgsz)
{
	const char *key;
	json_t *v;
	int k;

	json_object_foreach(j, key, v) {
		for (k = 0; manifest_keys[k] && strcmp(manifest_keys[k], key) != 0; k++)
			;
		if (manifest_keys[k] == NULL) {
			snprintf(msg, msgsz, "%.60s: unknown key (expected image, width, height, "
			    "meta, answer)", key);
			return -1;
		}
	}
	return 0;
}

static int
get_size(json_t *j, struct bx_manifest_line *out, char *msg, size_t msgsz)
{
	int k;

	for (k = 0; k < 2; k++) {
		json_t *s = json_object_get(j, k ? "height" : "width");
		double d;

		if (s == NULL || json_is_null(s))
			continue;
		d = json_is_number(s) ? json_number_value(s) : -1;
		if (!(d >= 1 && d <= 1000000 && d == floor(d))) {
			snprintf(msg, msgsz, "%s: expected a whole number of pixels, 1 to 1000000",
			    k ? "height" : "width");
			return -1;
		}
		if (k)
			out->height = (int)d;
		else
			out->width = (int)d;
	}
	if ((out->width == 0) != (out->height == 0)) {
		snprintf(msg, msgsz, "give both width and height, or neither");
		return -1;
	}
	return 0;
}

static int
parse_object(json_t *j, struct bx_manifest_line *out, char *msg, size_t msgsz)
{
	json_t *v, *ansj;
	struct bx_err err = { 0 };

	if (!json_is_object(j)) {
		snprintf(msg, msgsz, "expected an object {\"image\": PATH, ...}");
		return -1;
	}
	if (check_keys(j, msg, msgsz) < 0)
		return -1;
	v = json_object_get(j, "image");
	if (!json_is_string(v) || json_string_value(v)[0] == '\0') {
		snprintf(msg, msgsz, "image: expected a path (string)");
		return -1;
	}
	if (get_size(j, out, msg, msgsz) < 0)
		return -1;
	v = json_object_get(j, "meta");
	if (v != NULL && !json_is_object(v) && !json_is_null(v)) {
		snprintf(msg, msgsz, "meta: expected an object");
		return -1;
	}
	ansj = json_object_get(j, "answer");
	if (ansj == NULL || json_is_null(ansj))
		ansj = json_object_get(j, "accepted");
	if (ansj != NULL && !json_is_null(ansj)) {
		if (bx_answer_from_jansson(ansj, &out->ans, &err) < 0) {
			snprintf(msg, msgsz, "answer: %s", err.msg);
			return -1;
		}
		out->has_answer = 1;
	}
	out->image = bx_strdup(json_string_value(json_object_get(j, "image")));
	if (v != NULL && json_is_object(v) && json_object_size(v) > 0)
		out->meta_json = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	return 0;
}

int
bx_manifest_parse_line(const char *line, struct bx_manifest_line *out, char *msg,
                       size_t msgsz)
{
	json_error_t je;
	json_t *j;
	int rc;

	memset(out, 0, sizeof *out);
	bx_answer_init(&out->ans);
	j = json_loads(line, JSON_REJECT_DUPLICATES, &je);
	if (j == NULL) {
		snprintf(msg, msgsz, "column %d: %s", je.column, je.text);
		return -1;
	}
	rc = parse_object(j, out, msg, msgsz);
	json_decref(j);
	if (rc < 0)
		bx_manifest_line_free(out);
	return rc;
}
