/* fmt-manifest.c: one line of a JSONL manifest into a task to import, with the
 * judgments and batches of a jsonl export (see formats.h). Coordinates in any
 * answer are image pixels; paths are left as written, for the importer to
 * resolve beneath the image root. */
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
    "task", "batch", "judgments", "accepted", "accepted_from", "batches", NULL };
static const char *const judgment_keys[] = { "judgment", "labeler", "state", "annotations",
    "global", "seconds", "batch", "replica", "submitted_ms", NULL };
static const char *const batch_keys[] = { "name", "kind", "overlap", "gold_rate", "priority",
    NULL };
static const char *const jstates[] = { "open", "leased", "submitted", "skipped", "set_aside",
    "accepted", "rejected", NULL };
static const char *const kinds[] = { "self", "calibration", "production", "training", NULL };

void
bx_manifest_line_free(struct bx_manifest_line *ml)
{
	free(ml->image);
	int i;

	free(ml->meta_json);
	bx_answer_free(&ml->ans);
	free(ml->accepted_from);
	for (i = 0; i < ml->nbatches; i++) {
		free(ml->batches[i].name);
		free(ml->batches[i].kind);
	}
	free(ml->batches);
	for (i = 0; i < ml->njudgments; i++) {
		free(ml->judgments[i].labeler);
		free(ml->judgments[i].state);
		free(ml->judgments[i].batch);
		bx_answer_free(&ml->judgments[i].ans);
	}
	free(ml->judgments);
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
one_of(const char *const *list, const char *s)
{
	int k;

	for (k = 0; list[k] != NULL; k++)
		if (strcmp(list[k], s) == 0)
			return 1;
	return 0;
}

/* "where.KEY: unknown key" for the first key of j not in list. */
static int
check_sub_keys(json_t *j, const char *const *list, const char *where, char *msg, size_t msgsz)
{
	const char *key;
	json_t *v;

	json_object_foreach(j, key, v) {
		if (!one_of(list, key)) {
			snprintf(msg, msgsz, "%s.%.60s: unknown key", where, key);
			return -1;
		}
	}
	return 0;
}

/* A whole number in [lo, hi] (absent or null: *out untouched, 0). */
static int
get_whole(json_t *j, const char *key, double lo, double hi, double *out, const char *where,
          char *msg, size_t msgsz)
{
	json_t *v = json_object_get(j, key);
	double d;

	if (v == NULL || json_is_null(v))
		return 0;
	d = json_is_number(v) ? json_number_value(v) : NAN;
	if (!(d >= lo && d <= hi && d == floor(d))) {
		snprintf(msg, msgsz, "%s.%s: expected a whole number, %.0f to %.0f", where, key, lo,
		    hi);
		return -1;
	}
	*out = d;
	return 0;
}

static int
parse_batches(json_t *arr, struct bx_manifest_line *out, char *msg, size_t msgsz)
{
	char where[48];
	size_t i;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr)) {
		snprintf(msg, msgsz, "batches: expected an array");
		return -1;
	}
	out->batches = bx_calloc(json_array_size(arr) + 1, sizeof *out->batches);
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *b = json_array_get(arr, i), *v;
		struct bx_manifest_batch *mb = &out->batches[i];
		double d;

		snprintf(where, sizeof where, "batches[%zu]", i);
		if (!json_is_object(b)) {
			snprintf(msg, msgsz, "%s: expected an object {\"name\": NAME, \"kind\": KIND, "
			    "...}", where);
			return -1;
		}
		if (check_sub_keys(b, batch_keys, where, msg, msgsz) < 0)
			return -1;
		v = json_object_get(b, "name");
		if (!json_is_string(v) || json_string_value(v)[0] == '\0') {
			snprintf(msg, msgsz, "%s.name: expected a batch name (string)", where);
			return -1;
		}
		v = json_object_get(b, "kind");
		if (!json_is_string(v) || !one_of(kinds, json_string_value(v))) {
			snprintf(msg, msgsz, "%s.kind: expected self, calibration, production or "
			    "training", where);
			return -1;
		}
		mb->overlap = 1;
		d = 1;
		if (get_whole(b, "overlap", 1, 1000, &d, where, msg, msgsz) < 0)
			return -1;
		mb->overlap = (int)d;
		d = 0;
		if (get_whole(b, "priority", -1000000000, 1000000000, &d, where, msg, msgsz) < 0)
			return -1;
		mb->priority = (int)d;
		v = json_object_get(b, "gold_rate");
		if (v != NULL && !json_is_null(v)) {
			d = json_is_number(v) ? json_number_value(v) : NAN;
			if (!(d >= 0 && d <= 1)) {
				snprintf(msg, msgsz, "%s.gold_rate: expected a number from 0 to 1", where);
				return -1;
			}
			mb->gold_rate = d;
		}
		mb->name = bx_strdup(json_string_value(json_object_get(b, "name")));
		mb->kind = bx_strdup(json_string_value(json_object_get(b, "kind")));
		out->nbatches++;
	}
	return 0;
}

static int
parse_judgment(json_t *j, const char *where, const char *line_batch,
               struct bx_manifest_judgment *mj, char *msg, size_t msgsz)
{
	struct bx_err err = { 0 };
	json_t *v, *ans;
	double d;

	if (!json_is_object(j)) {
		snprintf(msg, msgsz, "%s: expected an object {\"labeler\": NAME, \"state\": STATE, "
		    "...}", where);
		return -1;
	}
	if (check_sub_keys(j, judgment_keys, where, msg, msgsz) < 0)
		return -1;
	v = json_object_get(j, "labeler");
	if (!json_is_string(v) || json_string_value(v)[0] == '\0') {
		snprintf(msg, msgsz, "%s.labeler: expected a user name (string)", where);
		return -1;
	}
	v = json_object_get(j, "state");
	if (!json_is_string(v) || !one_of(jstates, json_string_value(v))) {
		snprintf(msg, msgsz, "%s.state: expected open, leased, submitted, skipped, "
		    "set_aside, accepted or rejected", where);
		return -1;
	}
	v = json_object_get(j, "batch");
	if (v != NULL && !json_is_null(v) &&
	    (!json_is_string(v) || json_string_value(v)[0] == '\0')) {
		snprintf(msg, msgsz, "%s.batch: expected a batch name (string)", where);
		return -1;
	}
	v = json_object_get(j, "seconds");
	if (v != NULL && !json_is_null(v)) {
		d = json_is_number(v) ? json_number_value(v) : NAN;
		if (!(d >= 0 && d <= 1e9)) {
			snprintf(msg, msgsz, "%s.seconds: expected a number >= 0", where);
			return -1;
		}
		mj->seconds = d;
	}
	d = 0;
	if (get_whole(j, "judgment", 1, 9007199254740992.0, &d, where, msg, msgsz) < 0)
		return -1;
	mj->id = (int64_t)d;
	d = -1;
	if (get_whole(j, "replica", 0, 1000000, &d, where, msg, msgsz) < 0)
		return -1;
	mj->replica = (int)d;
	d = 0;
	if (get_whole(j, "submitted_ms", 0, 9007199254740992.0, &d, where, msg, msgsz) < 0)
		return -1;
	mj->submitted_ms = (int64_t)d;
	/* The answer: the judgment file's two keys, read by the codec. */
	ans = json_object();
	if ((v = json_object_get(j, "annotations")) != NULL)
		json_object_set(ans, "annotations", v);
	if ((v = json_object_get(j, "global")) != NULL)
		json_object_set(ans, "global", v);
	mj->has_answer = json_object_size(ans) > 0;
	if (bx_answer_from_jansson(ans, &mj->ans, &err) < 0) {
		json_decref(ans);
		snprintf(msg, msgsz, "%s: %s", where, err.msg);
		return -1;
	}
	json_decref(ans);
	mj->labeler = bx_strdup(json_string_value(json_object_get(j, "labeler")));
	mj->state = bx_strdup(json_string_value(json_object_get(j, "state")));
	v = json_object_get(j, "batch");
	mj->batch = json_is_string(v) ? bx_strdup(json_string_value(v)) :
	    line_batch ? bx_strdup(line_batch) : NULL;
	return 0;
}

static int
parse_judgments(json_t *j, struct bx_manifest_line *out, char *msg, size_t msgsz)
{
	json_t *arr = json_object_get(j, "judgments"), *b = json_object_get(j, "batch");
	char where[48];
	size_t i;

	if (b != NULL && !json_is_null(b) && !json_is_string(b)) {
		snprintf(msg, msgsz, "batch: expected a batch name (string) or null");
		return -1;
	}
	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr)) {
		snprintf(msg, msgsz, "judgments: expected an array");
		return -1;
	}
	out->judgments = bx_calloc(json_array_size(arr) + 1, sizeof *out->judgments);
	for (i = 0; i < json_array_size(arr); i++) {
		struct bx_manifest_judgment *mj = &out->judgments[i];

		snprintf(where, sizeof where, "judgments[%zu]", i);
		bx_answer_init(&mj->ans);
		out->njudgments++;  /* counted first, so a failure frees what was parsed */
		if (parse_judgment(json_array_get(arr, i), where,
		    json_is_string(b) ? json_string_value(b) : NULL, mj, msg, msgsz) < 0)
			return -1;
	}
	return 0;
}

static int
parse_object(json_t *j, struct bx_manifest_line *out, char *msg, size_t msgsz)
{
	json_t *v, *v2, *ansj;
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
	v2 = json_object_get(j, "accepted_from");
	if (v2 != NULL && !json_is_null(v2) && !json_is_string(v2)) {
		snprintf(msg, msgsz, "accepted_from: expected a string");
		return -1;
	}
	if (parse_batches(json_object_get(j, "batches"), out, msg, msgsz) < 0 ||
	    parse_judgments(j, out, msg, msgsz) < 0)
		return -1;
	if (json_is_string(v2))
		out->accepted_from = bx_strdup(json_string_value(v2));
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
