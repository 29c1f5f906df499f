/* test-codec.c: judgment JSON <-> answers. Canonical output is fixed by hand
 * (sorted keys, compact, shortest exact numbers); every malformed input
 * yields an error naming its JSON path, or line:column for syntax. */
#include <float.h>

#include "boxel/codec.h"
#include "boxel/formats.h"
#include "boxel/util.h"
#include "harness.h"
#include "src/json-int.h" /* the error path writer */

/* input -> canonical output */
static const struct {
	const char *name, *in, *out;
} canon[] = {
	{ "empty object", "{}", "{\"annotations\":[],\"global\":{}}" },
	{ "box", "{\"annotations\":[{\"class\":\"cat\",\"box\":[1,2.5,3,4]}]}",
	  "{\"annotations\":[{\"box\":[1,2.5,3,4],\"class\":\"cat\"}],\"global\":{}}" },
	{ "keys sorted, attrs sorted",
	  "{ \"global\": {\"scene\": \"indoor\", \"quality\": \"good\"},\n"
	  "  \"annotations\": [ {\"point\": [3, 4], \"class\": \"eye\","
	  " \"attributes\": {\"z\": true, \"a\": 1.5}} ] }",
	  "{\"annotations\":[{\"attributes\":{\"a\":1.5,\"z\":true},\"class\":\"eye\","
	  "\"point\":[3,4]}],\"global\":{\"quality\":\"good\",\"scene\":\"indoor\"}}" },
	{ "polygon", "{\"annotations\":[{\"class\":\"plume\",\"polygon\":[[0,0],[10,0],[5,8.25]]}]}",
	  "{\"annotations\":[{\"class\":\"plume\",\"polygon\":[[0,0],[10,0],[5,8.25]]}],\"global\":{}}" },
	{ "image class (tag)", "{\"annotations\":[{\"class\":\"outdoor\"}]}",
	  "{\"annotations\":[{\"class\":\"outdoor\"}],\"global\":{}}" },
	{ "suggestion with score",
	  "{\"annotations\":[{\"class\":\"cup\",\"box\":[0,0,1,1],\"score\":0.75,\"suggestion\":true}]}",
	  "{\"annotations\":[{\"box\":[0,0,1,1],\"class\":\"cup\",\"score\":0.75,\"suggestion\":true}],"
	  "\"global\":{}}" },
	{ "suggestion score 0 kept", "{\"annotations\":[{\"class\":\"a\",\"suggestion\":true}]}",
	  "{\"annotations\":[{\"class\":\"a\",\"score\":0,\"suggestion\":true}],\"global\":{}}" },
	{ "suggestion false dropped", "{\"annotations\":[{\"class\":\"a\",\"suggestion\":false}]}",
	  "{\"annotations\":[{\"class\":\"a\"}],\"global\":{}}" },
	{ "multi sorted", "{\"global\":{\"tags\":[\"b\",\"a\",\"c\"],\"e\":[]}}",
	  "{\"annotations\":[],\"global\":{\"e\":[],\"tags\":[\"a\",\"b\",\"c\"]}}" },
	{ "numbers shortest exact",
	  "{\"global\":{\"a\":0.1,\"b\":-0.0,\"c\":1e20,\"d\":12.0,\"e\":0.30000000000000004,\"f\":-2.5e-7}}",
	  "{\"annotations\":[],\"global\":{\"a\":0.1,\"b\":0,\"c\":1e+20,\"d\":12,"
	  "\"e\":0.30000000000000004,\"f\":-2.5e-07}}" },
	{ "string escapes", "{\"global\":{\"t\":\"a\\\"b\\\\c\\n\\u0001\\u00e9\"}}",
	  "{\"annotations\":[],\"global\":{\"t\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"}}" },
	{ "zero-size box allowed", "{\"annotations\":[{\"class\":\"a\",\"box\":[-1,-2,0,0]}]}",
	  "{\"annotations\":[{\"box\":[-1,-2,0,0],\"class\":\"a\"}],\"global\":{}}" },
};

static void
test_canonical(void)
{
	struct bx_answer a, b;
	struct bx_err err = {0};
	char *s, *s2;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(canon); i++) {
		CASE(canon[i].name);
		CHECK_INT(bx_answer_from_json(canon[i].in, &a, &err), 0);
		s = bx_answer_to_json(&a);
		CHECK_STR(s, canon[i].out);
		/* the canonical text parses back to an equal answer and the same bytes */
		CHECK_INT(bx_answer_from_json(s, &b, &err), 0);
		s2 = bx_answer_to_json(&b);
		CHECK_STR(s2, s);
		free(s);
		free(s2);
		bx_answer_free(&a);
		bx_answer_free(&b);
	}
}

static void
test_model(void)
{
	struct bx_answer a;
	struct bx_err err = {0};
	const char *in = "{\"annotations\":[{\"class\":\"cat\",\"box\":[1,2,3,4],"
	    "\"attributes\":{\"pose\":\"sitting\",\"n\":3,\"occ\":false,\"tags\":[\"y\",\"x\"]}},"
	    "{\"class\":\"plume\",\"polygon\":[[0,0],[4,0],[4,3]]},{\"class\":\"eye\",\"point\":[7,8]},"
	    "{\"class\":\"indoor\"},{\"class\":\"cup\",\"box\":[0,0,1,1],\"score\":0.5,\"suggestion\":true}],"
	    "\"global\":{\"scene\":\"space\"}}";
	const struct bx_value *v;

	CASE("model");
	CHECK_INT(bx_answer_from_json(in, &a, &err), 0);
	CHECK_INT(a.n, 5);
	CHECK_INT(a.a[0].geom, BX_GEOM_BOX);
	CHECK_STR(a.a[0].cls, "cat");
	CHECK_NEAR(a.a[0].x, 1, 0);
	CHECK_NEAR(a.a[0].h, 4, 0);
	CHECK_INT(a.a[0].attrs.n, 4);
	v = bx_attrs_get(&a.a[0].attrs, "pose");
	CHECK(v != NULL && v->type == BX_VAL_STR && strcmp(v->str, "sitting") == 0);
	v = bx_attrs_get(&a.a[0].attrs, "n");
	CHECK(v != NULL && v->type == BX_VAL_NUM && v->num == 3);
	v = bx_attrs_get(&a.a[0].attrs, "occ");
	CHECK(v != NULL && v->type == BX_VAL_BOOL && v->b == 0);
	v = bx_attrs_get(&a.a[0].attrs, "tags");
	CHECK(v != NULL && v->type == BX_VAL_LIST && v->nlist == 2 && strcmp(v->list[0], "x") == 0);
	CHECK_INT(a.a[1].geom, BX_GEOM_POLYGON);
	CHECK_INT(a.a[1].npts, 3);
	CHECK_NEAR(a.a[1].pts[2].y, 3, 0);
	CHECK_INT(a.a[2].geom, BX_GEOM_POINT);
	CHECK_INT(a.a[2].npts, 1);
	CHECK_NEAR(a.a[2].pts[0].x, 7, 0);
	CHECK_INT(a.a[3].geom, BX_GEOM_TAG);
	CHECK_INT(a.a[4].flags & BX_ANNOT_SUGGESTION, BX_ANNOT_SUGGESTION);
	CHECK_NEAR(a.a[4].score, 0.5, 0);
	v = bx_attrs_get(&a.global, "scene");
	CHECK(v != NULL && strcmp(v->str, "space") == 0);
	bx_answer_free(&a);
}

/* Every double survives the trip through text bit for bit. */
static void
test_numbers_exact(void)
{
	static const double vals[] = { 0.1, 1.0 / 3, 2.0 / 3, 1e-300, 123456.789, DBL_MAX,
	    DBL_MIN, 4.9e-324, 0.1 + 0.2, 1e15 + 0.3, -7.25, 9007199254740993.0 };
	struct bx_buf b;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(vals); i++) {
		CASE("exact");
		bx_buf_init(&b);
		bx_json_put_num(&b, vals[i]);
		CHECK_MSG(strtod(b.p, NULL) == vals[i], "%s != %.17g", b.p, vals[i]);
		bx_buf_free(&b);
	}
	bx_buf_init(&b);
	bx_json_put_num(&b, 0.1);
	CHECK_STR(b.p, "0.1");
	bx_buf_free(&b);
}

/* Whole numbers take a shortcut past snprintf: the text must stay the one
 * %.15g gives (stored answers compare as text), on both sides of the
 * shortcut's 15-digit edge. */
static void
test_numbers_whole(void)
{
	static const double vals[] = { 1, -1, 7, 10, 4000, -4000, 1900, 123456789012345.0,
	    -123456789012345.0, 999999999999999.0, -999999999999999.0, 1e15, -1e15, 1e16,
	    9007199254740992.0, 1e300, 3.5, -0.5 };
	struct bx_buf b;
	char want[40];
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(vals); i++) {
		CASE("whole");
		bx_buf_init(&b);
		bx_json_put_num(&b, vals[i]);
		snprintf(want, sizeof want, "%.15g", vals[i]);
		if (strtod(want, NULL) != vals[i])
			snprintf(want, sizeof want, "%.17g", vals[i]);
		CHECK_STR(b.p, want);
		bx_buf_free(&b);
	}
}

/* The index writer is hand-made (it runs for every vertex): it writes
 * what "[%zu]" does, and truncates as push does when the path is full. */
static void
test_path_idx(void)
{
	static const size_t idx[] = { 0, 7, 10, 9999, 1000000, (size_t)-1 };
	struct bx_json_path a, b;
	size_t i, fill, oa, ob;

	for (fill = 0; fill < sizeof a.s; fill += 5)
		for (i = 0; i < BX_ARRAY_LEN(idx); i++) {
			CASE("path idx");
			memset(&a, 0, sizeof a);
			memset(&b, 0, sizeof b);
			memset(a.s, 'k', fill < sizeof a.s - 1 ? fill : sizeof a.s - 1);
			a.len = strlen(a.s);
			b = a;
			oa = bx_json_path_idx(&a, idx[i]);
			ob = bx_json_path_push(&b, "[%zu]", idx[i]);
			CHECK_INT(oa, ob);
			CHECK_INT(a.len, b.len);
			CHECK_STR(a.s, b.s);
		}
}

/* input -> substring the error must contain */
static const struct {
	const char *name, *in, *want;
} bad[] = {
	{ "syntax", "{\"annotations\": [\n  {\"class\": \"a\",}\n]}", "2:" },
	{ "syntax line col", "{\n\n   x}", "3:4:" },
	{ "trailing garbage", "{} x", "1:" },
	{ "duplicate key", "{\"global\":{},\"global\":{}}", "duplicate" },
	{ "duplicate attr key", "{\"global\":{\"a\":1,\"a\":2}}", "duplicate" },
	{ "not an object", "[]", "must be a JSON object" },
	{ "annotations not array", "{\"annotations\":{}}", "annotations: expected an array" },
	{ "unknown top key", "{\"anotations\":[]}", "anotations: unknown key" },
	{ "unknown annot key", "{\"annotations\":[{\"class\":\"a\",\"bbox\":[1,2,3,4]}]}",
	  "annotations[0].bbox: unknown key" },
	{ "annot not object", "{\"annotations\":[1]}", "annotations[0]: an annotation must be an object" },
	{ "missing class", "{\"annotations\":[{\"box\":[1,2,3,4]}]}", "annotations[0].class: missing" },
	{ "class not string", "{\"annotations\":[{\"class\":3}]}", "annotations[0].class: expected a string" },
	{ "empty class", "{\"annotations\":[{\"class\":\"\"}]}", "annotations[0].class: empty" },
	{ "two geometries", "{\"annotations\":[{\"class\":\"a\",\"box\":[1,2,3,4],\"point\":[1,2]}]}",
	  "annotations[0]: an annotation has one geometry" },
	{ "box short", "{\"annotations\":[{\"class\":\"a\",\"box\":[1,2,3]}]}",
	  "annotations[0].box: a box must be [x, y, w, h]" },
	{ "box string", "{\"annotations\":[{\"class\":\"a\"},{\"class\":\"a\",\"box\":[1,\"2\",3,4]}]}",
	  "annotations[1].box[1]: expected a number" },
	{ "negative width", "{\"annotations\":[{\"class\":\"a\",\"box\":[1,2,-3,4]}]}",
	  "annotations[0].box[2]: width must be >= 0" },
	{ "negative height", "{\"annotations\":[{\"class\":\"a\",\"box\":[1,2,3,-0.5]}]}",
	  "annotations[0].box[3]: height must be >= 0" },
	{ "NaN literal", "{\"annotations\":[{\"class\":\"a\",\"box\":[NaN,2,3,4]}]}", "1:" },
	{ "huge number", "{\"annotations\":[{\"class\":\"a\",\"box\":[1e999,2,3,4]}]}", "1:" },
	{ "null coordinate", "{\"annotations\":[{\"class\":\"a\",\"box\":[null,2,3,4]}]}",
	  "annotations[0].box[0]: expected a number, got null" },
	{ "polygon 2 points", "{\"annotations\":[{\"class\":\"a\",\"polygon\":[[0,0],[1,1]]}]}",
	  "annotations[0].polygon: a polygon must be a list of at least 3" },
	{ "polygon flat", "{\"annotations\":[{\"class\":\"a\",\"polygon\":[0,0,1,1,2,0]}]}",
	  "annotations[0].polygon[0]: a point must be [x, y]" },
	{ "polygon bad coord", "{\"annotations\":[{\"class\":\"a\",\"polygon\":[[0,0],[1,1],[2,true]]}]}",
	  "annotations[0].polygon[2][1]: expected a number" },
	{ "point 3 numbers", "{\"annotations\":[{\"class\":\"a\",\"point\":[1,2,3]}]}",
	  "annotations[0].point: a point must be [x, y]" },
	{ "attributes not object", "{\"annotations\":[{\"class\":\"a\",\"attributes\":[]}]}",
	  "annotations[0].attributes: expected an object" },
	{ "attr null", "{\"annotations\":[{\"class\":\"a\",\"attributes\":{\"x\":null}}]}",
	  "annotations[0].attributes.x: an attribute value must be" },
	{ "attr nested", "{\"global\":{\"x\":{}}}", "global.x: an attribute value must be" },
	{ "multi non-string", "{\"global\":{\"tags\":[\"a\",1]}}", "global.tags[1]: multi-choice values" },
	{ "multi duplicate", "{\"global\":{\"tags\":[\"a\",\"a\"]}}", "global.tags: \"a\" appears twice" },
	{ "empty attr name", "{\"global\":{\"\":1}}", "empty attribute name" },
	{ "score string", "{\"annotations\":[{\"class\":\"a\",\"score\":\"0.5\"}]}",
	  "annotations[0].score: expected a number" },
	{ "suggestion not bool", "{\"annotations\":[{\"class\":\"a\",\"suggestion\":1}]}",
	  "annotations[0].suggestion: expected true or false" },
	{ "global not object", "{\"global\":[]}", "global: expected an object" },
	{ "empty text", "", "1:" },
	{ "NUL escape", "{\"global\":{\"a\":\"x\\u0000y\"}}", "1:" },
};

static void
test_malformed(void)
{
	struct bx_answer a;
	struct bx_err err;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(bad); i++) {
		CASE(bad[i].name);
		bx_err_clear(&err);
		a.n = 99;
		CHECK_INT(bx_answer_from_json(bad[i].in, &a, &err), BX_EINVAL);
		CHECK_MSG(strstr(err.msg, bad[i].want) != NULL, "message \"%s\" lacks \"%s\"",
		    err.msg, bad[i].want);
		CHECK_INT(a.n, 0);          /* left empty */
		CHECK(a.a == NULL);
		bx_answer_free(&a);
	}
}

static void
test_attrs_json(void)
{
	struct bx_attrs as;
	struct bx_err err = {0};
	char *s;

	CASE("attrs");
	CHECK_INT(bx_attrs_from_json("{\"pose\":\"up\",\"count\":3,\"ok\":true,\"t\":[\"b\",\"a\"]}",
	    &as, &err), 0);
	CHECK_INT(as.n, 4);
	s = bx_attrs_to_json(&as);
	CHECK_STR(s, "{\"count\":3,\"ok\":true,\"pose\":\"up\",\"t\":[\"a\",\"b\"]}");
	free(s);
	bx_attrs_free(&as);
	CHECK_INT(bx_attrs_from_json("[1]", &as, &err), BX_EINVAL);
	CHECK(strstr(err.msg, "expected an object") != NULL);
	CHECK_INT(as.n, 0);
	CHECK_INT(bx_attrs_from_json("{\"a\":{}}", &as, &err), BX_EINVAL);
	CHECK(strstr(err.msg, "a: an attribute value") != NULL);
	CHECK_INT(as.n, 0);
	s = bx_attrs_to_json(&as);
	CHECK_STR(s, "{}");
	free(s);
}

/* The JSON writer never emits invalid UTF-8: valid sequences pass through,
 * a stray byte becomes U+FFFD, and the result parses back. */
static void
test_str_utf8(void)
{
	static const struct { const char *in, *want; } c[] = {
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "caf\xe9.png", "\"caf\xef\xbf\xbd.png\"" },         /* Latin-1 e-acute */
		{ "\xf0\x9f\x98\x80!", "\"\xf0\x9f\x98\x80!\"" },         /* 4-byte sequence */
		{ "a\xf0\x9f", "\"a\xef\xbf\xbd\xef\xbf\xbd\"" },          /* cut short at the end */
		{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" }, /* a surrogate */
	};
	struct bx_buf b;
	size_t k;

	for (k = 0; k < BX_ARRAY_LEN(c); k++) {
		CASE(c[k].want);
		bx_buf_init(&b);
		bx_json_put_str(&b, c[k].in);
		CHECK_STR(b.p, c[k].want);
		CHECK(bx_utf8_valid(b.p));
		bx_buf_free(&b);
	}
	CHECK(!bx_utf8_valid("caf\xe9"));
	CHECK(bx_utf8_valid(""));
}

/* The three limits of codec.h, each at its bound and one past it, in the
 * order they are checked (objects, vertices, canonical bytes). */
static void
test_limits(void)
{
	struct bx_limits l = { .max_vertices = 4, .max_objects = 2, .max_answer_bytes = 0 };
	struct bx_answer a;
	struct bx_err err = {0};
	char *s;

	CASE("limits: defaults");
	bx_limits_default(&l);
	CHECK_INT(l.max_vertices, 10000);
	CHECK_INT(l.max_objects, 5000);
	CHECK_INT(l.max_answer_bytes, 4L << 20);
	l.max_vertices = 4;
	l.max_objects = 2;
	l.max_answer_bytes = 0;

	CASE("limits: 4 vertices, 2 objects pass");
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"a\",\"box\":[0,0,1,1]},"
	    "{\"class\":\"p\",\"polygon\":[[0,0],[1,0],[1,1],[0,1]]}]}", &a, &err), 0);
	CHECK_INT(bx_answer_check_limits(&a, &l, &err), 0);
	CASE("limits: canonical bytes at and past the limit");
	s = bx_answer_to_json(&a);
	l.max_answer_bytes = (long)strlen(s);
	CHECK_INT(bx_answer_check_limits(&a, &l, &err), 0);
	l.max_answer_bytes = (long)strlen(s) - 1;
	CHECK_INT(bx_answer_check_limits(&a, &l, &err), BX_ELIMIT);
	CHECK(strstr(err.msg, "(setting max_answer_bytes)") != NULL);
	CHECK_INT(bx_answer_check_size(strlen(s), &l, &err), BX_ELIMIT);
	l.max_answer_bytes = 0;
	free(s);
	bx_answer_free(&a);

	CASE("limits: a fifth vertex");
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"a\",\"box\":[0,0,1,1]},"
	    "{\"class\":\"p\",\"polygon\":[[0,0],[1,0],[1,1],[0,1],[0,0.5]]}]}", &a, &err), 0);
	CHECK_INT(bx_answer_check_limits(&a, &l, &err), BX_ELIMIT);
	CHECK_STR(err.msg, "annotations[1]: polygon has 5 vertices, the project allows 4 "
	    "(setting max_vertices)");
	bx_answer_free(&a);

	CASE("limits: a third object, checked before any vertex");
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"a\"},{\"class\":\"b\"},"
	    "{\"class\":\"p\",\"polygon\":[[0,0],[1,0],[1,1],[0,1],[0,0.5]]}]}", &a, &err), 0);
	CHECK_INT(bx_answer_check_limits(&a, &l, &err), BX_ELIMIT);
	CHECK_STR(err.msg, "answer has 3 objects, the project allows 2 (setting max_objects)");
	bx_answer_free(&a);
}

/* JSON strings escape what could hide or reorder text on a terminal. */
static void
test_hidden_escapes(void)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "a\xe2\x80\xae" "b", "\"a\\u202eb\"" },      /* RLO */
		{ "\xe2\x81\xa6x\xe2\x81\xa9", "\"\\u2066x\\u2069\"" }, /* isolates */
		{ "c1\xc2\x85\xc2\x9f", "\"c1\\u0085\\u009f\"" },
		{ "del\x7f", "\"del\\u007f\"" },
		{ "\xc3\xa9\xe2\x80\x94", "\"\xc3\xa9\xe2\x80\x94\"" }, /* e-acute, em dash kept */
		{ "\xc2\xa0", "\"\xc2\xa0\"" },            /* U+00A0 is not C1 */
	};
	struct bx_buf b;
	size_t i, n;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].out);
		bx_buf_init(&b);
		bx_json_put_str(&b, cases[i].in);
		CHECK_STR(b.p, cases[i].out);
		bx_buf_free(&b);
	}
	CASE("bx_utf8_hidden");
	CHECK_INT(bx_utf8_hidden("\xe2\x80\x8b", &n), 0x200b);
	CHECK_INT(n, 3);
	CHECK_INT(bx_utf8_hidden("\xef\xbb\xbf", &n), 0xfeff);
	CHECK_INT(bx_utf8_hidden("\xe2\x81\xa0", &n), 0x2060);
	CHECK_INT(bx_utf8_hidden("\xe2\x80\x94", &n), 0);
	CHECK_INT(bx_utf8_hidden("\xe2\x80", &n), 0);    /* truncated */
	CHECK_INT(bx_utf8_hidden("a", &n), 0);
}

BX_TESTS(T(test_canonical), T(test_model), T(test_numbers_exact), T(test_numbers_whole), T(test_path_idx), T(test_malformed),
         T(test_attrs_json), T(test_str_utf8), T(test_limits), T(test_hidden_escapes))
