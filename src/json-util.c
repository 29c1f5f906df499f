/* json-util.c: the small jansson helpers every JSON reader shares
 * (json-int.h): type names, strict loading with line:column errors,
 * number and id getters, attribute objects, and error-message paths. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boxel/formats.h"
#include "json-int.h"

const char *
bx_json_type(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

/* "WHAT:LINE:COLUMN: text", or "WHAT: text" when jansson knows no line. */
static int
syntax_error(const json_error_t *je, const char *what, struct bx_err *err)
{
	if (je->line < 0)
		return bx_err_set(err, BX_EINVAL, "%s%s%s", what ? what : "", what ? ": " : "",
		    je->text);
	return bx_err_set(err, BX_EINVAL, "%s%s%d:%d: %s", what ? what : "", what ? ":" : "",
	    je->line, je->column, je->text);
}

json_t *
bx_json_load(const char *text, const char *what, struct bx_err *err)
{
	json_error_t je;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je);

	if (root == NULL)
		syntax_error(&je, what, err);
	return root;
}

int
bx_json_finite(const json_t *j, double *out)
{
	if (!json_is_number(j))
		return -1;
	*out = json_number_value(j);
	return isfinite(*out) ? 0 : -1;
}

int
bx_json_key_finite(const json_t *obj, const char *key, double *out)
{
	return bx_json_finite(json_object_get(obj, key), out);
}

int
bx_json_id(const json_t *j, int64_t *out)
{
	double d;

	if (json_is_integer(j)) {
		*out = json_integer_value(j);
		return 0;
	}
	if (json_is_real(j)) {
		d = json_real_value(j);
		if (d == floor(d) && fabs(d) < 9e15) {
			*out = (int64_t)d;
			return 0;
		}
	}
	return -1;
}

int
bx_json_read_attrs(const json_t *obj, const char *where, struct bx_attrs *out, char *why,
                   size_t whysz)
{
	const char *key;
	json_t *v;
	struct bx_value val;
	struct bx_err e;
	char path[200];

	if (!json_is_object(obj)) {
		snprintf(why, whysz, "%s: expected an object, got %s", where, bx_json_type(obj));
		return -1;
	}
	json_object_foreach((json_t *)obj, key, v) {
		snprintf(path, sizeof path, "%s.%.60s", where, key);
		bx_err_clear(&e);
		if (key[0] == '\0') {
			snprintf(why, whysz, "%s: empty attribute name", where);
			return -1;
		}
		if (bx_json_to_value(v, path, &val, &e) != 0) {
			snprintf(why, whysz, "%s", e.msg);
			return -1;
		}
		bx_attrs_set(out, key, &val);
		bx_value_free(&val);
	}
	return 0;
}

size_t
bx_json_path_push(struct bx_json_path *p, const char *fmt, ...)
{
	size_t old = p->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p->s + p->len, sizeof p->s - p->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->len += (size_t)n < sizeof p->s - p->len ? (size_t)n : sizeof p->s - 1 - p->len;
	return old;
}

size_t
bx_json_path_key(struct bx_json_path *p, const char *key)
{
	return p->len == 0 ? bx_json_path_push(p, "%.60s", key) : bx_json_path_push(p, ".%.60s", key);
}

/* Called for every vertex of every polygon read (the path is built ahead
 * of any error): written by hand, not by vsnprintf, which cost a
 * 9,000-vertex answer a fifth of its submit. Truncates as push does. */
size_t
bx_json_path_idx(struct bx_json_path *p, size_t i)
{
	char tmp[24], *t = tmp + sizeof tmp;
	size_t old = p->len, n, room = sizeof p->s - 1 - p->len;

	*--t = ']';
	do {
		*--t = (char)('0' + i % 10);
		i /= 10;
	} while (i != 0);
	*--t = '[';
	n = (size_t)(tmp + sizeof tmp - t);
	if (n > room)
		n = room;
	memcpy(p->s + p->len, t, n);
	p->len += n;
	p->s[p->len] = '\0';
	return old;
}

void
bx_json_path_pop(struct bx_json_path *p, size_t old)
{
	p->len = old;
	p->s[old] = '\0';
}
