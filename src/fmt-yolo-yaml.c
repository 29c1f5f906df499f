/* fmt-yolo-yaml.c: Ultralytics' data.yaml read with libyaml: class names
 * ("names" as a list or a {index: name} map), "nc", and where the images of
 * each split are ("path", "train", "val", "test": a folder, a .txt list or a
 * list of those). Any YAML libyaml parses is accepted (flow or block style,
 * quotes, comments, anchors); the rules on top are Ultralytics' own: map
 * keys are the indices 0..n-1, nc, when given, equals the number of names.
 * This file is the only one that includes yaml.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "boxel/formats.h"
#include "boxel/util.h"

static const char *const split_keys[BX_YOLO_NSPLITS] = { "train", "val", "test" };

void
bx_yolo_data_free(struct bx_yolo_data *d)
{
	int s, i;

	if (d == NULL)
		return;
	free(d->path);
	for (s = 0; s < BX_YOLO_NSPLITS; s++) {
		for (i = 0; i < d->nsplit[s]; i++)
			free(d->split[s][i]);
		free(d->split[s]);
	}
	memset(d, 0, sizeof *d);
}

const char *
bx_yolo_split_name(int s)
{
	return s >= 0 && s < BX_YOLO_NSPLITS ? split_keys[s] : "";
}

static int
line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static const char *
scalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int
add_name(struct bx_dataset *out, const char *nm, int at, const char *name, int line,
         struct bx_err *err)
{
	int i;

	if (nm == NULL || nm[0] == '\0')
		return bx_err_set(err, BX_EINVAL, "%s:%d: names: a class name must be a "
		    "non-empty string", name, line);
	for (i = 0; i < out->nclasses; i++)
		if (out->classes[i] != NULL && strcmp(out->classes[i], nm) == 0)
			return bx_err_set(err, BX_EINVAL, "%s:%d: class name \"%.60s\" appears twice",
			    name, line, nm);
	free(out->classes[at]);
	out->classes[at] = bx_strdup(nm);
	out->class_ids[at] = at;
	return 0;
}

/* names: [a, b] or {0: a, 1: b} (keys in any order, each of 0..n-1 once). */
static int
read_names(yaml_document_t *doc, const yaml_node_t *v, const char *name,
           struct bx_dataset *out, struct bx_err *err)
{
	yaml_node_item_t *it;
	yaml_node_pair_t *pr;
	int n, i, rc = 0;

	if (v->type == YAML_SEQUENCE_NODE)
		n = (int)(v->data.sequence.items.top - v->data.sequence.items.start);
	else if (v->type == YAML_MAPPING_NODE)
		n = (int)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
	else
		return bx_err_set(err, BX_EINVAL, "%s:%d: names: expected a list or an "
		    "{index: name} map", name, line_of(v));
	if (n == 0)
		return bx_err_set(err, BX_EINVAL, "%s: no class names", name);
	/* Slots first, so a map may fill them in any order. */
	for (i = 0; i < n; i++)
		bx_dataset_add_class(out, "", i);
	for (i = 0; i < n; i++) {
		free(out->classes[i]);
		out->classes[i] = NULL;
	}
	if (v->type == YAML_SEQUENCE_NODE) {
		for (i = 0, it = v->data.sequence.items.start; rc == 0 && i < n; i++, it++) {
			const yaml_node_t *e = yaml_document_get_node(doc, *it);
			rc = add_name(out, scalar(e), i, name, line_of(e), err);
		}
	} else {
		for (pr = v->data.mapping.pairs.start; rc == 0 && pr < v->data.mapping.pairs.top;
		    pr++) {
			const yaml_node_t *k = yaml_document_get_node(doc, pr->key);
			const yaml_node_t *e = yaml_document_get_node(doc, pr->value);
			const char *ks = scalar(k);
			char *end;
			long idx = ks ? strtol(ks, &end, 10) : -1;

			if (ks == NULL || ks[0] == '\0' || *end != '\0' || idx < 0 || idx >= n)
				rc = bx_err_set(err, BX_EINVAL, "%s:%d: names: expected index keys 0..%d, "
				    "got \"%.20s\"", name, line_of(k), n - 1, ks ? ks : "(not a scalar)");
			else if (out->classes[idx] != NULL)
				rc = bx_err_set(err, BX_EINVAL, "%s:%d: names: index %ld appears twice",
				    name, line_of(k), idx);
			else
				rc = add_name(out, scalar(e), (int)idx, name, line_of(e), err);
		}
	}
	for (i = 0; i < n; i++)
		if (out->classes[i] == NULL)
			out->classes[i] = bx_strdup("");
	return rc;
}

/* A split: one string, or a list of strings. */
static int
read_split(yaml_document_t *doc, const yaml_node_t *v, const char *key, const char *name,
           struct bx_yolo_data *d, int s, struct bx_err *err)
{
	yaml_node_item_t *it;
	const char *str;

	if (v->type == YAML_SCALAR_NODE) {
		str = scalar(v);
		/* "val: " (null) is how data.yaml says a split is absent */
		if (str[0] == '\0' || strcmp(str, "null") == 0 || strcmp(str, "~") == 0)
			return 0;
		d->split[s] = bx_malloc(sizeof(char *));
		d->split[s][d->nsplit[s]++] = bx_strdup(str);
		return 0;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return bx_err_set(err, BX_EINVAL, "%s:%d: %s: expected a path or a list of paths",
		    name, line_of(v), key);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		str = scalar(yaml_document_get_node(doc, *it));
		if (str == NULL || str[0] == '\0')
			return bx_err_set(err, BX_EINVAL, "%s:%d: %s: expected a list of paths", name,
			    line_of(v), key);
		d->split[s] = bx_realloc(d->split[s], sizeof(char *) * (size_t)(d->nsplit[s] + 1));
		d->split[s][d->nsplit[s]++] = bx_strdup(str);
	}
	return 0;
}

int
bx_yolo_read_yaml(const char *text, const char *name, struct bx_dataset *out,
                  struct bx_yolo_data *data_out, struct bx_err *err)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root, *k, *v, *names = NULL, *nc = NULL;
	yaml_node_pair_t *pr;
	struct bx_yolo_data d;
	int rc = 0, s;

	memset(&d, 0, sizeof d);
	if (!yaml_parser_initialize(&p))
		abort();   /* only fails allocating: out of memory aborts */
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	if (!yaml_parser_load(&p, &doc)) {
		rc = bx_err_set(err, BX_EINVAL, "%s:%d:%d: not valid YAML: %s%s%s", name,
		    (int)p.problem_mark.line + 1, (int)p.problem_mark.column + 1,
		    p.problem ? p.problem : "parse error", p.context ? " " : "",
		    p.context ? p.context : "");
		yaml_parser_delete(&p);
		return rc;
	}
	yaml_parser_delete(&p);
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		rc = bx_err_set(err, BX_EINVAL, "%s: expected a mapping with \"names\" (Ultralytics' "
		    "data.yaml)", name);
		goto out;
	}
	for (pr = root->data.mapping.pairs.start; rc == 0 && pr < root->data.mapping.pairs.top;
	    pr++) {
		const char *key;

		k = yaml_document_get_node(&doc, pr->key);
		v = yaml_document_get_node(&doc, pr->value);
		key = scalar(k);
		if (key == NULL)
			continue;
		if (strcmp(key, "names") == 0)
			names = v;
		else if (strcmp(key, "nc") == 0)
			nc = v;
		else if (strcmp(key, "path") == 0 && scalar(v) != NULL && scalar(v)[0] != '\0') {
			free(d.path);
			d.path = bx_strdup(scalar(v));
		} else
			for (s = 0; s < BX_YOLO_NSPLITS; s++)
				if (strcmp(key, split_keys[s]) == 0 && d.nsplit[s] == 0)
					rc = read_split(&doc, v, key, name, &d, s, err);
	}
	if (rc == 0 && names == NULL && nc != NULL) {
		/* Ultralytics names the classes of an "nc" without "names"
		 * class_0, class_1, ... */
		const char *t = scalar(nc);
		char *end, nm[32];
		long n = t ? strtol(t, &end, 10) : -1, i;

		if (t == NULL || t[0] == '\0' || *end != '\0' || n < 1 || n > 100000)
			rc = bx_err_set(err, BX_EINVAL, "%s:%d: nc: expected a number of classes, 1 to "
			    "100000", name, line_of(nc));
		for (i = 0; rc == 0 && i < n; i++) {
			snprintf(nm, sizeof nm, "class_%ld", i);
			bx_dataset_add_class(out, nm, i);
		}
		nc = NULL;
	} else if (rc == 0 && names == NULL)
		rc = bx_err_set(err, BX_EINVAL, "%s: no \"names\" key with the class names", name);
	else if (rc == 0)
		rc = read_names(&doc, names, name, out, err);
	if (rc == 0 && nc != NULL) {
		const char *t = scalar(nc);
		char *end;
		long n = t ? strtol(t, &end, 10) : -1;

		if (t == NULL || t[0] == '\0' || *end != '\0' || n != out->nclasses)
			rc = bx_err_set(err, BX_EINVAL, "%s:%d: nc is %.20s but names has %d entr%s",
			    name, line_of(nc), t ? t : "not a number", out->nclasses,
			    out->nclasses == 1 ? "y" : "ies");
	}
out:
	yaml_document_delete(&doc);
	if (rc == 0 && data_out != NULL)
		*data_out = d;
	else
		bx_yolo_data_free(&d);
	return rc;
}

/* 1 if text is a YAML document whose root is a mapping ("names: ...",
 * data.yaml); a plain list of names parses as one multi-line scalar. */
static int
yaml_mapping(const char *text)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	int is = 0;

	if (!yaml_parser_initialize(&p))
		abort();
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	if (yaml_parser_load(&p, &doc)) {
		root = yaml_document_get_root_node(&doc);
		is = root != NULL && root->type == YAML_MAPPING_NODE;
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&p);
	return is;
}

/* A --names file is data.yaml-like (a YAML mapping) or plain: one name
 * per line. */
int
bx_yolo_read_names(const char *text, const char *name, struct bx_dataset *out,
                   struct bx_err *err)
{
	const char *p, *q;
	size_t len;
	int lineno, i;

	/* "names:" at the start of a line and broken YAML: say where */
	if (yaml_mapping(text) || strncmp(text, "names:", 6) == 0 || strstr(text, "\nnames:"))
		return bx_yolo_read_yaml(text, name, out, NULL, err);
	for (lineno = 1, p = text; *p; lineno++) {
		q = strchr(p, '\n');
		len = q ? (size_t)(q - p) : strlen(p);
		while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len > 0) {
			char *nm = bx_strndup(p, len);
			for (i = 0; i < out->nclasses; i++)
				if (strcmp(out->classes[i], nm) == 0)
					break;
			if (i < out->nclasses) {
				bx_err_set(err, BX_EINVAL, "%s:%d: class name \"%.60s\" appears twice",
				    name, lineno, nm);
				free(nm);
				return BX_EINVAL;
			}
			bx_dataset_add_class(out, nm, out->nclasses);
			free(nm);
		}
		p = q ? q + 1 : p + strlen(p);
	}
	if (out->nclasses == 0)
		return bx_err_set(err, BX_EINVAL, "%s: no class names", name);
	return 0;
}
