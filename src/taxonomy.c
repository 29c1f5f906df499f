/* taxonomy.c: loads and validates the taxonomy JSON (taxonomy.h): classes,
 * their attributes, hotkeys, geometries and skeletons, the global
 * attributes. Validation walks the whole document and collects every
 * problem, each pointed at its line:column (taxonomy-where.c). Lookups are
 * taxonomy-lookup.c; checking answers against a taxonomy taxonomy-check.c. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/formats.h"
#include "boxel/taxonomy.h"
#include "boxel/geom.h"
#include "boxel/util.h"
#include "json-int.h"
#include "taxonomy-int.h"

#define TAXONOMY_MAX_BYTES (4u << 20)

/* ---- problems ---- */

struct check {
	const char *name;
	struct bx_tx_loc *locs;
	int nlocs;
	char **probs;
	int *pos;            /* line * 2^20 + column, to list problems in file order */
	int nprobs;
	struct bx_json_path path;
};

static void
problem(struct check *ck, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
problem(struct check *ck, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	int line, col;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	bx_tx_find_loc(ck->locs, ck->nlocs, ck->path.s, &line, &col);
	ck->probs = bx_realloc(ck->probs, sizeof(char *) * (size_t)(ck->nprobs + 1));
	ck->pos = bx_realloc(ck->pos, sizeof(int) * (size_t)(ck->nprobs + 1));
	ck->pos[ck->nprobs] = line * (1 << 20) + (col < (1 << 20) ? col : (1 << 20) - 1);
	ck->probs[ck->nprobs++] = bx_asprintf("%s:%d:%d: %s%s%s", ck->name, line, col,
	    ck->path.s, ck->path.len ? ": " : "", msg);
}

/* Insertion sort, stable: problems at one position keep their walk order. */
static void
sort_problems(struct check *ck)
{
	int i, j, p;
	char *s;

	for (i = 1; i < ck->nprobs; i++) {
		p = ck->pos[i];
		s = ck->probs[i];
		for (j = i; j > 0 && ck->pos[j - 1] > p; j--) {
			ck->pos[j] = ck->pos[j - 1];
			ck->probs[j] = ck->probs[j - 1];
		}
		ck->pos[j] = p;
		ck->probs[j] = s;
	}
}

static void
unknown_keys(struct check *ck, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	struct bx_buf list;
	size_t old;
	int i, ok;

	json_object_foreach(obj, key, v) {
		ok = 0;
		for (i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				ok = 1;
		if (ok)
			continue;
		bx_buf_init(&list);
		for (i = 0; allowed[i]; i++) {
			bx_buf_puts(&list, i ? ", " : "");
			bx_buf_puts(&list, allowed[i]);
		}
		old = bx_json_path_key(&ck->path, key);
		problem(ck, "unknown key (expected one of %s)", list.p);
		bx_json_path_pop(&ck->path, old);
		bx_buf_free(&list);
	}
}

/* A name: non-empty, at most 100 bytes, no control characters. */
static int
check_name(struct check *ck, json_t *j, const char *what)
{
	const unsigned char *p;

	if (!json_is_string(j)) {
		problem(ck, "%s must be a string, got %s", what, bx_json_type(j));
		return -1;
	}
	p = (const unsigned char *)json_string_value(j);
	if (*p == '\0') {
		problem(ck, "%s must not be empty", what);
		return -1;
	}
	if (strlen((const char *)p) > 100) {
		problem(ck, "%s is longer than 100 bytes", what);
		return -1;
	}
	/* Names are what labelers pick by and what files carry: a name with a
	 * control, a zero-width or a bidi character looks like another name
	 * (or reorders the text after it) on every screen that shows it. */
	for (; *p; p++) {
		unsigned cp;
		size_t n;

		if (*p < 0x20 || *p == 0x7f) {
			problem(ck, "%s contains a control character", what);
			return -1;
		}
		if (*p >= 0xc2 && (cp = bx_utf8_hidden((const char *)p, &n)) != 0) {
			problem(ck, "%s contains %s character U+%04X", what,
			    cp < 0xa0 ? "a control" : (cp >= 0x202a && cp <= 0x202e) ||
			    (cp >= 0x2066 && cp <= 0x2069) ? "a bidi (direction-changing)" :
			    "an invisible", cp);
			return -1;
		}
	}
	return 0;
}

/* j's "name" (attribute or class): a copy, or NULL with the problem noted. */
static char *
take_name(struct check *ck, json_t *j, const char *what)
{
	json_t *v = json_object_get(j, "name");
	size_t old = bx_json_path_key(&ck->path, "name");
	char *name = NULL;

	if (v == NULL)
		problem(ck, "missing");
	else if (check_name(ck, v, what) == 0)
		name = bx_strdup(json_string_value(v));
	bx_json_path_pop(&ck->path, old);
	return name;
}

/* j's optional "description": a copy, or NULL (absent, or a problem noted). */
static char *
take_description(struct check *ck, json_t *j)
{
	json_t *v = json_object_get(j, "description");
	size_t old;
	char *text = NULL;

	if (v == NULL)
		return NULL;
	old = bx_json_path_key(&ck->path, "description");
	if (!json_is_string(v))
		problem(ck, "must be a string, got %s", bx_json_type(v));
	else
		text = bx_strdup(json_string_value(v));
	bx_json_path_pop(&ck->path, old);
	return text;
}

static const char *
attr_type_names[] = { NULL, "choice", "multi", "bool", "text", "number" };

const char *
bx_attr_type_name(enum bx_attr_type t)
{
	if (t >= BX_ATTR_CHOICE && t <= BX_ATTR_NUMBER)
		return attr_type_names[t];
	return "?";
}

/* A set of borrowed strings, for duplicate checks: a taxonomy may list
 * 300,000 options, and comparing each with every earlier one took minutes.
 * Open addressing, FNV-1a, at most half full. */
struct name_set {
	const char **slot;
	size_t mask;
};

static void
name_set_init(struct name_set *ns, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n + 2)
		cap *= 2;
	ns->slot = bx_calloc(cap, sizeof *ns->slot);
	ns->mask = cap - 1;
}

static void
name_set_free(struct name_set *ns)
{
	free(ns->slot);
	ns->slot = NULL;
}

/* 1 if added, 0 if already there. The set holds at most n names (init). */
static int
name_set_add(struct name_set *ns, const char *name)
{
	const unsigned char *p;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	for (i = (size_t)h & ns->mask; ns->slot[i] != NULL; i = (i + 1) & ns->mask)
		if (strcmp(ns->slot[i], name) == 0)
			return 0;
	ns->slot[i] = name;
	return 1;
}

static void
spec_free(struct bx_attr_spec *s)
{
	int i;

	free(s->name);
	for (i = 0; i < s->noptions; i++)
		free(s->options[i]);
	free(s->options);
	bx_value_free(&s->def);
	free(s->description);
}

static void
parse_spec(struct check *ck, json_t *j, struct bx_attr_spec *s)
{
	static const char *const keys[] = { "name", "type", "options", "min", "max",
	    "required", "default", "description", NULL };
	json_t *v, *opt;
	size_t old, i, k;
	int t;
	struct bx_err e;

	memset(s, 0, sizeof *s);
	s->min = -HUGE_VAL;
	s->max = HUGE_VAL;
	if (!json_is_object(j)) {
		problem(ck, "an attribute must be an object, got %s", bx_json_type(j));
		return;
	}
	unknown_keys(ck, j, keys);
	s->name = take_name(ck, j, "an attribute name");

	old = bx_json_path_key(&ck->path, "type");
	v = json_object_get(j, "type");
	if (v == NULL)
		problem(ck, "missing (choice, multi, bool, text or number)");
	else if (!json_is_string(v))
		problem(ck, "must be a string, got %s", bx_json_type(v));
	else {
		for (t = BX_ATTR_CHOICE; t <= BX_ATTR_NUMBER; t++)
			if (strcmp(json_string_value(v), attr_type_names[t]) == 0)
				s->type = (enum bx_attr_type)t;
		if (s->type == 0)
			problem(ck, "\"%.60s\" is not a type (choice, multi, bool, text or number)",
			    json_string_value(v));
	}
	bx_json_path_pop(&ck->path, old);

	opt = json_object_get(j, "options");
	old = bx_json_path_key(&ck->path, "options");
	if (opt != NULL && s->type != 0 && s->type != BX_ATTR_CHOICE && s->type != BX_ATTR_MULTI)
		problem(ck, "options only apply to choice and multi attributes");
	else if (opt == NULL && (s->type == BX_ATTR_CHOICE || s->type == BX_ATTR_MULTI))
		problem(ck, "a %s attribute needs options", bx_attr_type_name(s->type));
	else if (opt != NULL && (!json_is_array(opt) || json_array_size(opt) == 0))
		problem(ck, "must be a non-empty array of strings");
	else if (opt != NULL) {
		struct name_set seen;

		name_set_init(&seen, json_array_size(opt));
		s->options = bx_calloc(json_array_size(opt), sizeof(char *));
		for (i = 0; i < json_array_size(opt); i++) {
			size_t o2 = bx_json_path_idx(&ck->path, i);
			v = json_array_get(opt, i);
			if (check_name(ck, v, "an option") == 0) {
				if (!name_set_add(&seen, json_string_value(v)))
					problem(ck, "\"%.60s\" is listed twice", json_string_value(v));
				else
					s->options[s->noptions++] = bx_strdup(json_string_value(v));
			}
			bx_json_path_pop(&ck->path, o2);
		}
		name_set_free(&seen);
	}
	bx_json_path_pop(&ck->path, old);

	for (k = 0; k < 2; k++) {
		const char *key = k ? "max" : "min";
		v = json_object_get(j, key);
		if (v == NULL)
			continue;
		old = bx_json_path_key(&ck->path, key);
		if (s->type != 0 && s->type != BX_ATTR_NUMBER)
			problem(ck, "%s only applies to number attributes", key);
		else if (!json_is_number(v))
			problem(ck, "must be a number, got %s", bx_json_type(v));
		else if (k)
			s->max = json_number_value(v);
		else
			s->min = json_number_value(v);
		bx_json_path_pop(&ck->path, old);
	}
	if (s->min > s->max) {
		old = bx_json_path_key(&ck->path, "min");
		problem(ck, "min (%g) is greater than max (%g)", s->min, s->max);
		bx_json_path_pop(&ck->path, old);
	}

	if ((v = json_object_get(j, "required")) != NULL) {
		old = bx_json_path_key(&ck->path, "required");
		if (!json_is_boolean(v))
			problem(ck, "must be true or false, got %s", bx_json_type(v));
		else
			s->required = json_is_true(v);
		bx_json_path_pop(&ck->path, old);
	}
	s->description = take_description(ck, j);
	if ((v = json_object_get(j, "default")) != NULL) {
		old = bx_json_path_key(&ck->path, "default");
		bx_err_clear(&e);
		if (bx_json_to_value(v, "", &s->def, &e) != 0) {
			const char *m = strstr(e.msg, ": ");
			problem(ck, "%s", m ? m + 2 : e.msg);
			memset(&s->def, 0, sizeof s->def);
		} else if (s->type != 0 && bx_taxonomy_check_value(s, &s->def, &e) != 0) {
			problem(ck, "not a valid value: %s", e.msg);
			bx_value_free(&s->def);
		}
		bx_json_path_pop(&ck->path, old);
	}
}

static void
parse_specs(struct check *ck, json_t *arr, struct bx_attr_spec **out, int *n_out)
{
	struct bx_attr_spec *specs;
	size_t i, old;
	int k, n = 0;

	*out = NULL;
	*n_out = 0;
	if (!json_is_array(arr)) {
		problem(ck, "must be an array of attributes, got %s", bx_json_type(arr));
		return;
	}
	specs = bx_calloc(json_array_size(arr) + 1, sizeof *specs);
	for (i = 0; i < json_array_size(arr); i++) {
		old = bx_json_path_idx(&ck->path, i);
		parse_spec(ck, json_array_get(arr, i), &specs[n]);
		if (specs[n].name != NULL) {
			for (k = 0; k < n; k++)
				if (strcmp(specs[k].name, specs[n].name) == 0)
					break;
			if (k < n) {
				size_t o2 = bx_json_path_key(&ck->path, "name");
				problem(ck, "\"%.60s\" is already the name of attribute [%d]",
				    specs[n].name, k);
				bx_json_path_pop(&ck->path, o2);
			}
		}
		if (specs[n].name != NULL && specs[n].type != 0)
			n++;
		else
			spec_free(&specs[n]);
		bx_json_path_pop(&ck->path, old);
	}
	*out = specs;
	*n_out = n;
}

static const uint32_t palette[] = {
	0xe6194b, 0x3cb44b, 0xffe119, 0x4363d8, 0xf58231, 0x911eb4,
	0x46f0f0, 0xf032e6, 0xbcf60c, 0xfabebe, 0x008080, 0xe6beff,
};

static int
parse_color(const char *s, uint32_t *out)
{
	unsigned v = 0;
	int i;

	if (s[0] != '#' || strlen(s) != 7)
		return -1;
	for (i = 1; i < 7; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if ((c | 32) >= 'a' && (c | 32) <= 'f')
			v = v * 16 + (unsigned)((c | 32) - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void
class_free(struct bx_class *c)
{
	int i;

	free(c->name);
	for (i = 0; i < c->nattrs; i++)
		spec_free(&c->attrs[i]);
	free(c->attrs);
	free(c->description);
	for (i = 0; i < c->nkpts; i++)
		free(c->kpt_names[i]);
	free(c->kpt_names);
	free(c->edges);
	free(c->sigmas);
}

/* COCO's person keypoints and their sigmas (pycocotools): a skeleton
 * point of the same name takes that sigma unless the file gives one. */
static const struct {
	const char *name;
	double sigma;
} coco_sigmas[] = {
	{ "nose", .026 }, { "left_eye", .025 }, { "right_eye", .025 }, { "left_ear", .035 },
	{ "right_ear", .035 }, { "left_shoulder", .079 }, { "right_shoulder", .079 },
	{ "left_elbow", .072 }, { "right_elbow", .072 }, { "left_wrist", .062 },
	{ "right_wrist", .062 }, { "left_hip", .107 }, { "right_hip", .107 },
	{ "left_knee", .087 }, { "right_knee", .087 }, { "left_ankle", .089 },
	{ "right_ankle", .089 },
};
#define DEFAULT_SIGMA 0.067

/* "keypoints", "skeleton" and "sigmas" of a skeleton class. */
static void
parse_skeleton(struct check *ck, json_t *j, struct bx_class *c)
{
	json_t *v = json_object_get(j, "keypoints"), *e;
	size_t old, o2, i, k;

	if (!(c->geoms & BX_GEOM_SKELETON)) {
		if (v != NULL || json_object_get(j, "skeleton") || json_object_get(j, "sigmas"))
			problem(ck, "keypoints, skeleton and sigmas belong to a class with the "
			    "\"skeleton\" geometry");
		return;
	}
	old = bx_json_path_key(&ck->path, "keypoints");
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 64) {
		problem(ck, "a skeleton class names its points: a list of 1 to 64 names");
		bx_json_path_pop(&ck->path, old);
		return;
	}
	c->nkpts = (int)json_array_size(v);
	c->kpt_names = bx_calloc((size_t)c->nkpts, sizeof *c->kpt_names);
	c->sigmas = bx_calloc((size_t)c->nkpts, sizeof *c->sigmas);
	for (i = 0; i < (size_t)c->nkpts; i++) {
		const char *s = json_string_value(json_array_get(v, i));

		o2 = bx_json_path_idx(&ck->path, i);
		if (s == NULL || s[0] == '\0')
			problem(ck, "a point name is a non-empty string");
		c->kpt_names[i] = bx_strdup(s ? s : "?");
		c->sigmas[i] = DEFAULT_SIGMA;
		for (k = 0; k < BX_ARRAY_LEN(coco_sigmas); k++)
			if (strcmp(coco_sigmas[k].name, c->kpt_names[i]) == 0)
				c->sigmas[i] = coco_sigmas[k].sigma;
		for (k = 0; k < i; k++)
			if (strcmp(c->kpt_names[k], c->kpt_names[i]) == 0)
				problem(ck, "\"%.40s\" is named twice", c->kpt_names[i]);
		bx_json_path_pop(&ck->path, o2);
	}
	bx_json_path_pop(&ck->path, old);
	if ((v = json_object_get(j, "skeleton")) != NULL) {
		old = bx_json_path_key(&ck->path, "skeleton");
		if (!json_is_array(v))
			problem(ck, "edges are a list of [a, b] point numbers, from 1 (COCO's)");
		c->edges = bx_calloc(2 * json_array_size(v) + 1, sizeof *c->edges);
		for (i = 0; json_is_array(v) && i < json_array_size(v); i++) {
			json_int_t a, b;

			e = json_array_get(v, i);
			o2 = bx_json_path_idx(&ck->path, i);
			a = json_integer_value(json_array_get(e, 0));
			b = json_integer_value(json_array_get(e, 1));
			if (!json_is_array(e) || json_array_size(e) != 2 ||
			    !json_is_integer(json_array_get(e, 0)) || !json_is_integer(json_array_get(e, 1)) ||
			    a < 1 || b < 1 || a > c->nkpts || b > c->nkpts || a == b)
				problem(ck, "an edge is [a, b], two different point numbers from 1 to %d",
				    c->nkpts);
			else {
				c->edges[2 * c->nedges] = (int)a - 1;
				c->edges[2 * c->nedges + 1] = (int)b - 1;
				c->nedges++;
			}
			bx_json_path_pop(&ck->path, o2);
		}
		bx_json_path_pop(&ck->path, old);
	}
	if ((v = json_object_get(j, "sigmas")) != NULL) {
		old = bx_json_path_key(&ck->path, "sigmas");
		if (!json_is_array(v) || json_array_size(v) != (size_t)c->nkpts)
			problem(ck, "sigmas are one number > 0 per point (%d)", c->nkpts);
		for (i = 0; json_is_array(v) && i < json_array_size(v) && i < (size_t)c->nkpts; i++) {
			double s = json_number_value(json_array_get(v, i));

			o2 = bx_json_path_idx(&ck->path, i);
			if (!json_is_number(json_array_get(v, i)) || !(s > 0) || s > 10)
				problem(ck, "a sigma is a number > 0");
			else
				c->sigmas[i] = s;
			bx_json_path_pop(&ck->path, o2);
		}
		bx_json_path_pop(&ck->path, old);
	}
}

static void
parse_class(struct check *ck, json_t *j, int index, struct bx_class *c)
{
	static const char *const keys[] = { "name", "color", "hotkey", "geometries",
	    "attributes", "description", "keypoints", "skeleton", "sigmas", NULL };
	json_t *v, *g;
	size_t old, i, o2;

	memset(c, 0, sizeof *c);
	c->color = palette[index % (int)BX_ARRAY_LEN(palette)];
	c->geoms = BX_GEOM_BOX;
	if (!json_is_object(j)) {
		problem(ck, "a class must be an object, got %s", bx_json_type(j));
		return;
	}
	unknown_keys(ck, j, keys);
	c->name = take_name(ck, j, "a class name");

	if ((v = json_object_get(j, "color")) != NULL) {
		old = bx_json_path_key(&ck->path, "color");
		if (!json_is_string(v) || parse_color(json_string_value(v), &c->color) != 0)
			problem(ck, "a color is \"#rrggbb\" (6 hex digits)%s%.20s%s",
			    json_is_string(v) ? ", not \"" : "", json_is_string(v) ?
			    json_string_value(v) : "", json_is_string(v) ? "\"" : "");
		bx_json_path_pop(&ck->path, old);
	}
	if ((v = json_object_get(j, "hotkey")) != NULL) {
		const char *s = json_is_string(v) ? json_string_value(v) : NULL;

		old = bx_json_path_key(&ck->path, "hotkey");
		if (s == NULL || strlen(s) != 1 || s[0] <= ' ' || s[0] > '~')
			problem(ck, "a hotkey is one printable ASCII character (not a space)");
		else if (strchr(BX_TAXONOMY_RESERVED_KEYS, s[0]) != NULL)
			problem(ck, "\"%c\" is reserved: digits pick classes by position and "
			    "\"%s\" are the labeling keys", s[0], &BX_TAXONOMY_RESERVED_KEYS[10]);
		else
			c->hotkey = s[0];
		bx_json_path_pop(&ck->path, old);
	}
	if ((g = json_object_get(j, "geometries")) != NULL) {
		char names[200];

		bx_geom_list(names, sizeof names, ", ", ", ", NULL);
		old = bx_json_path_key(&ck->path, "geometries");
		c->geoms = 0;
		if (!json_is_array(g) || json_array_size(g) == 0)
			problem(ck, "must be a non-empty array of %s", names);
		for (i = 0; json_is_array(g) && i < json_array_size(g); i++) {
			const char *s = json_string_value(json_array_get(g, i));
			const struct bx_geom_kind *k = bx_geom_by_name(s);

			o2 = bx_json_path_idx(&ck->path, i);
			if (k == NULL)
				problem(ck, "%s%.40s%s is not a geometry (%s)",
				    s ? "\"" : "", s ? s : "this", s ? "\"" : "", names);
			else if (c->geoms & (int)k->id)
				problem(ck, "\"%s\" is listed twice", s);
			else
				c->geoms |= (int)k->id;
			bx_json_path_pop(&ck->path, o2);
		}
		if (c->geoms == 0)
			c->geoms = BX_GEOM_BOX;
		bx_json_path_pop(&ck->path, old);
	}
	parse_skeleton(ck, j, c);
	if ((v = json_object_get(j, "attributes")) != NULL) {
		old = bx_json_path_key(&ck->path, "attributes");
		parse_specs(ck, v, &c->attrs, &c->nattrs);
		bx_json_path_pop(&ck->path, old);
	}
	c->description = take_description(ck, j);
}

void
bx_taxonomy_free(struct bx_taxonomy *t)
{
	int i;

	if (t == NULL)
		return;
	free(t->name);
	for (i = 0; i < t->nclasses; i++)
		class_free(&t->classes[i]);
	free(t->classes);
	for (i = 0; i < t->nglobal; i++)
		spec_free(&t->global[i]);
	free(t->global);
	free(t);
}

static void
validate(struct check *ck, json_t *root, struct bx_taxonomy *t)
{
	static const char *const keys[] = { "name", "classes", "global", "description", NULL };
	json_t *v, *cls;
	size_t i, old;
	int n, *file_idx = NULL;

	if (!json_is_object(root)) {
		problem(ck, "a taxonomy is a JSON object with \"classes\", got %s", bx_json_type(root));
		return;
	}
	unknown_keys(ck, root, keys);
	if ((v = json_object_get(root, "name")) != NULL) {
		old = bx_json_path_key(&ck->path, "name");
		if (check_name(ck, v, "the taxonomy name") == 0)
			t->name = bx_strdup(json_string_value(v));
		bx_json_path_pop(&ck->path, old);
	}
	if ((v = json_object_get(root, "description")) != NULL && !json_is_string(v)) {
		old = bx_json_path_key(&ck->path, "description");
		problem(ck, "must be a string, got %s", bx_json_type(v));
		bx_json_path_pop(&ck->path, old);
	}
	cls = json_object_get(root, "classes");
	old = bx_json_path_key(&ck->path, "classes");
	if (cls == NULL)
		problem(ck, "missing: a taxonomy needs at least one class");
	else if (!json_is_array(cls) || json_array_size(cls) == 0)
		problem(ck, "must be a non-empty array of classes");
	bx_json_path_pop(&ck->path, old);
	if (json_is_array(cls)) {
		t->classes = bx_calloc(json_array_size(cls) + 1, sizeof *t->classes);
		file_idx = bx_calloc(json_array_size(cls) + 1, sizeof *file_idx);
		for (i = 0; i < json_array_size(cls); i++) {
			struct bx_class *c = &t->classes[t->nclasses];

			old = bx_json_path_key(&ck->path, "classes");
			bx_json_path_idx(&ck->path, i);
			parse_class(ck, json_array_get(cls, i), (int)i, c);
			/* duplicates are reported against the earlier class's index in the file */
			for (n = 0; n < t->nclasses; n++) {
				size_t o2;
				if (c->name && strcmp(t->classes[n].name, c->name) == 0) {
					o2 = bx_json_path_key(&ck->path, "name");
					problem(ck, "\"%.60s\" is already the name of classes[%d]", c->name,
					    file_idx[n]);
					bx_json_path_pop(&ck->path, o2);
				}
				if (c->hotkey && t->classes[n].hotkey == c->hotkey) {
					o2 = bx_json_path_key(&ck->path, "hotkey");
					problem(ck, "\"%c\" is already used by classes[%d] (\"%.60s\")",
					    c->hotkey, file_idx[n], t->classes[n].name);
					bx_json_path_pop(&ck->path, o2);
				}
			}
			bx_json_path_pop(&ck->path, old);
			if (c->name != NULL)
				file_idx[t->nclasses++] = (int)i;
			else
				class_free(c);
		}
	}
	if ((v = json_object_get(root, "global")) != NULL) {
		old = bx_json_path_key(&ck->path, "global");
		parse_specs(ck, v, &t->global, &t->nglobal);
		bx_json_path_pop(&ck->path, old);
	}
	free(file_idx);
}

int
bx_taxonomy_load_text_all(const char *text, const char *name, struct bx_taxonomy **out,
                          char ***problems_out, int *n_out, struct bx_err *err)
{
	struct check ck = { .name = name ? name : "taxonomy" };
	struct bx_taxonomy *t;
	json_t *root;
	int i;

	*out = NULL;
	if (problems_out)
		*problems_out = NULL;
	if (n_out)
		*n_out = 0;
	root = bx_json_load(text, ck.name, err);
	if (root == NULL) {
		if (problems_out) {
			*problems_out = bx_malloc(sizeof(char *));
			(*problems_out)[0] = bx_strdup(err->msg);
		}
		if (n_out)
			*n_out = 1;
		return BX_EINVAL;
	}
	ck.locs = bx_tx_locs(text, &ck.nlocs);
	t = bx_calloc(1, sizeof *t);
	bx_limits_default(&t->limits);
	validate(&ck, root, t);
	sort_problems(&ck);
	json_decref(root);
	bx_tx_locs_free(ck.locs, ck.nlocs);

	free(ck.pos);
	if (ck.nprobs > 0) {
		bx_taxonomy_free(t);
		if (ck.nprobs > 1)
			bx_err_set(err, BX_EINVAL, "%s (and %d more problem%s)", ck.probs[0],
			    ck.nprobs - 1, ck.nprobs > 2 ? "s" : "");
		else
			bx_err_set(err, BX_EINVAL, "%s", ck.probs[0]);
		if (n_out)
			*n_out = ck.nprobs;
		if (problems_out)
			*problems_out = ck.probs;
		else {
			for (i = 0; i < ck.nprobs; i++)
				free(ck.probs[i]);
			free(ck.probs);
		}
		return BX_EINVAL;
	}
	free(ck.probs);
	*out = t;
	return 0;
}

int
bx_taxonomy_load_text(const char *text, const char *name, struct bx_taxonomy **out,
                      struct bx_err *err)
{
	return bx_taxonomy_load_text_all(text, name, out, NULL, NULL, err);
}

int
bx_taxonomy_load_file(const char *path, struct bx_taxonomy **out, struct bx_err *err)
{
	char *text;
	size_t len;
	int rc;

	*out = NULL;
	rc = bx_read_file(path, TAXONOMY_MAX_BYTES, &text, &len, err);
	if (rc) {
		bx_err_prefix(err, "%s", path);
		return rc;
	}
	if (strlen(text) != len) {
		free(text);
		return bx_err_set(err, BX_EINVAL, "%s: contains a NUL byte (UTF-16? save as UTF-8)",
		    path);
	}
	rc = bx_taxonomy_load_text(text, path, out, err);
	free(text);
	return rc;
}
