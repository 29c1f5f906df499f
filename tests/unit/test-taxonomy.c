/* test-taxonomy.c: every validation error with its line:column and JSON
 * path (positions counted by hand in the one-line or two-line inputs),
 * lookups, defaults, and the checks of answers against a taxonomy. */
#include "boxel/codec.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "harness.h"

static const char *good =
    "{\"name\": \"t\",\n"
    " \"classes\": [\n"
    "  {\"name\": \"cat\", \"color\": \"#FF8800\", \"hotkey\": \"c\", \"geometries\": [\"box\", \"polygon\"],\n"
    "   \"attributes\": [{\"name\": \"pose\", \"type\": \"choice\", \"options\": [\"sit\", \"lie\"], \"required\": true},\n"
    "                  {\"name\": \"occ\", \"type\": \"bool\", \"default\": false}]},\n"
    "  {\"name\": \"eye\", \"geometries\": [\"point\"]},\n"
    "  {\"name\": \"indoor\", \"hotkey\": \"I\", \"geometries\": [\"tag\"]},\n"
    "  {\"name\": \"cup\", \"attributes\": [{\"name\": \"n\", \"type\": \"number\", \"min\": 0, \"max\": 10},\n"
    "                  {\"name\": \"tags\", \"type\": \"multi\", \"options\": [\"a\", \"b\"]},\n"
    "                  {\"name\": \"note\", \"type\": \"text\"}]}],\n"
    " \"global\": [{\"name\": \"scene\", \"type\": \"choice\", \"options\": [\"in\", \"out\"], \"default\": \"in\"},\n"
    "            {\"name\": \"q\", \"type\": \"bool\", \"required\": true}]}\n";

static void
test_load_good(void)
{
	struct bx_taxonomy *t;
	struct bx_err err = {0};
	const struct bx_class *c;
	const struct bx_attr_spec *s;
	struct bx_attrs as = {0};

	CASE("good");
	CHECK_INT(bx_taxonomy_load_text(good, "t.json", &t, &err), 0);
	if (t == NULL)
		return;
	CHECK_STR(t->name, "t");
	CHECK_INT(t->nclasses, 4);
	c = bx_taxonomy_class(t, "cat");
	CHECK(c == &t->classes[0]);
	CHECK_INT(c->color, 0xff8800);
	CHECK_INT(c->hotkey, 'c');
	CHECK_INT(c->geoms, BX_GEOM_BOX | BX_GEOM_POLYGON);
	CHECK_INT(c->nattrs, 2);
	s = bx_class_attr(c, "pose");
	CHECK(s != NULL && s->type == BX_ATTR_CHOICE && s->noptions == 2 && s->required);
	CHECK_STR(s->options[1], "lie");
	CHECK(bx_class_attr(c, "nope") == NULL);
	CHECK_INT(t->classes[1].geoms, BX_GEOM_POINT);
	CHECK_INT(t->classes[1].hotkey, 0);
	CHECK_INT(t->classes[3].geoms, BX_GEOM_BOX);       /* default geometry */
	CHECK(t->classes[3].color != 0);                   /* palette color */
	CHECK(bx_taxonomy_class_by_hotkey(t, 'I') == &t->classes[2]);
	CHECK(bx_taxonomy_class_by_hotkey(t, 'i') == NULL);
	CHECK_INT(bx_taxonomy_class_index(t, "cup"), 3);
	CHECK_INT(bx_taxonomy_class_index(t, "dog"), -1);
	s = bx_class_attr(&t->classes[3], "n");
	CHECK(s != NULL && s->min == 0 && s->max == 10);
	CHECK(bx_taxonomy_global_attr(t, "q") != NULL && bx_taxonomy_global_attr(t, "q")->required);
	bx_taxonomy_fill_defaults(t->global, t->nglobal, &as);
	CHECK_INT(as.n, 1);
	CHECK_STR(bx_attrs_get(&as, "scene")->str, "in");
	bx_attrs_free(&as);
	bx_taxonomy_fill_defaults(c->attrs, c->nattrs, &as);
	CHECK(as.n == 1 && bx_attrs_get(&as, "occ")->type == BX_VAL_BOOL);
	bx_attrs_free(&as);
	bx_taxonomy_free(t);
	bx_taxonomy_free(NULL);
}

/* Each input has exactly one problem; want is "LINE:COL: PATH: reason-part". */
static const struct {
	const char *name, *in, *want;
} bad[] = {
	{ "syntax", "{\"classes\": [\n  {\"name\": \"a\",}]}", "t.json:2:16: " },
	{ "duplicate key", "{\"classes\": [{\"name\": \"a\", \"name\": \"b\"}]}", "t.json:1:" },
	{ "not object", "[1]", "t.json:1:1: a taxonomy is a JSON object" },
	{ "no classes", "{}", "t.json:1:1: classes: missing" },
	{ "empty classes", "{\"classes\": []}", "t.json:1:13: classes: must be a non-empty array" },
	{ "unknown top key", "{\"clases\": 1, \"classes\": [{\"name\": \"a\"}]}",
	  "t.json:1:12: clases: unknown key" },
	{ "unknown class key", "{\"classes\": [{\"name\": \"a\", \"colour\": \"#000000\"}]}",
	  "t.json:1:38: classes[0].colour: unknown key" },
	{ "class not object", "{\"classes\": [\"a\"]}", "t.json:1:14: classes[0]: a class must be an object" },
	{ "missing name", "{\"classes\": [{\"color\": \"#000000\"}]}", "t.json:1:14: classes[0].name: missing" },
	{ "empty name", "{\"classes\": [{\"name\": \"\"}]}", "t.json:1:23: classes[0].name: a class name must not be empty" },
	{ "name control char", "{\"classes\": [{\"name\": \"a\\u001bb\"}]}", "classes[0].name: a class name contains a control" },
	{ "duplicate class", "{\"classes\": [{\"name\": \"a\"},\n {\"name\": \"a\"}]}",
	  "t.json:2:11: classes[1].name: \"a\" is already the name of classes[0]" },
	{ "duplicate hotkey", "{\"classes\": [{\"name\": \"a\", \"hotkey\": \"w\"},\n {\"name\": \"b\", \"hotkey\": \"w\"}]}",
	  "t.json:2:26: classes[1].hotkey: \"w\" is already used by classes[0]" },
	{ "reserved digit", "{\"classes\": [{\"name\": \"a\", \"hotkey\": \"1\"}]}",
	  "t.json:1:38: classes[0].hotkey: \"1\" is reserved" },
	{ "reserved letter", "{\"classes\": [{\"name\": \"a\", \"hotkey\": \"j\"}]}", "classes[0].hotkey: \"j\" is reserved" },
	{ "hotkey two chars", "{\"classes\": [{\"name\": \"a\", \"hotkey\": \"ab\"}]}", "classes[0].hotkey: a hotkey is one printable" },
	{ "hotkey space", "{\"classes\": [{\"name\": \"a\", \"hotkey\": \" \"}]}", "classes[0].hotkey: a hotkey is one" },
	{ "hotkey number", "{\"classes\": [{\"name\": \"a\", \"hotkey\": 3}]}", "classes[0].hotkey: a hotkey is one" },
	{ "bad color", "{\"classes\": [{\"name\": \"a\", \"color\": \"red\"}]}",
	  "t.json:1:37: classes[0].color: a color is \"#rrggbb\"" },
	{ "bad color hex", "{\"classes\": [{\"name\": \"a\", \"color\": \"#12345g\"}]}", "classes[0].color: a color is" },
	{ "color number", "{\"classes\": [{\"name\": \"a\", \"color\": 255}]}", "classes[0].color: a color is" },
	{ "unknown geometry", "{\"classes\": [{\"name\": \"a\", \"geometries\": [\"box\", \"circle\"]}]}",
	  "t.json:1:50: classes[0].geometries[1]: \"circle\" is not a geometry" },
	{ "duplicate geometry", "{\"classes\": [{\"name\": \"a\", \"geometries\": [\"box\", \"box\"]}]}",
	  "classes[0].geometries[1]: \"box\" is listed twice" },
	{ "empty geometries", "{\"classes\": [{\"name\": \"a\", \"geometries\": []}]}", "classes[0].geometries: must be a non-empty" },
	{ "attributes not array", "{\"classes\": [{\"name\": \"a\", \"attributes\": {}}]}",
	  "classes[0].attributes: must be an array" },
	{ "choice no options", "{\"classes\": [{\"name\": \"a\", \"attributes\": [\n  {\"name\": \"p\", \"type\": \"choice\"}]}]}",
	  "t.json:2:3: classes[0].attributes[0].options: a choice attribute needs options" },
	{ "multi empty options", "{\"global\": [{\"name\": \"p\", \"type\": \"multi\", \"options\": []}], \"classes\": [{\"name\": \"a\"}]}",
	  "t.json:1:55: global[0].options: must be a non-empty array" },
	{ "duplicate option", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"p\", \"type\": \"choice\", \"options\": [\"x\", \"x\"]}]}",
	  "global[0].options[1]: \"x\" is listed twice" },
	{ "options on bool", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"p\", \"type\": \"bool\", \"options\": [\"x\"]}]}",
	  "global[0].options: options only apply to choice and multi" },
	{ "missing type", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"p\"}]}",
	  "t.json:1:41: global[0].type: missing" },
	{ "unknown type", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"p\", \"type\": \"float\"}]}",
	  "t.json:1:63: global[0].type: \"float\" is not a type" },
	{ "min > max", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"n\", \"type\": \"number\", \"min\": 5, \"max\": 1}]}",
	  "t.json:1:80: global[0].min: min (5) is greater than max (1)" },
	{ "min on text", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"n\", \"type\": \"text\", \"min\": 5}]}",
	  "global[0].min: min only applies to number" },
	{ "max not number", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"n\", \"type\": \"number\", \"max\": \"9\"}]}",
	  "global[0].max: must be a number" },
	{ "default out of range", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"n\", \"type\": \"number\", \"max\": 3, \"default\": 4}]}",
	  "t.json:1:94: global[0].default: not a valid value: 4 is above the maximum 3" },
	{ "default not option", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"s\", \"type\": \"choice\", \"options\": [\"x\"], \"default\": \"y\"}]}",
	  "global[0].default: not a valid value: \"y\" is not one of x" },
	{ "default wrong type", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"b\", \"type\": \"bool\", \"default\": \"yes\"}]}",
	  "global[0].default: not a valid value: expected true or false" },
	{ "default null", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"b\", \"type\": \"bool\", \"default\": null}]}",
	  "global[0].default: an attribute value must be" },
	{ "required not bool", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"b\", \"type\": \"bool\", \"required\": 1}]}",
	  "global[0].required: must be true or false" },
	{ "unknown attr key", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"b\", \"type\": \"bool\", \"requird\": true}]}",
	  "t.json:1:82: global[0].requird: unknown key" },
	{ "duplicate attr", "{\"classes\": [{\"name\": \"a\"}], \"global\": [{\"name\": \"b\", \"type\": \"bool\"}, {\"name\": \"b\", \"type\": \"text\"}]}",
	  "global[1].name: \"b\" is already the name of attribute [0]" },
	{ "unicode column", "{\"name\": \"\xc3\xa9t\xc3\xa9\", \"classes\": [], \"x\": 1}",
	  "t.json:1:28: classes: must be a non-empty" },
};

static void
test_load_bad(void)
{
	struct bx_taxonomy *t;
	struct bx_err err;
	char **probs;
	int n, i;
	size_t k;

	for (k = 0; k < BX_ARRAY_LEN(bad); k++) {
		CASE(bad[k].name);
		bx_err_clear(&err);
		CHECK_INT(bx_taxonomy_load_text_all(bad[k].in, "t.json", &t, &probs, &n, &err), BX_EINVAL);
		CHECK(t == NULL);
		if (strcmp(bad[k].name, "unicode column") == 0)
			CHECK_INT(n, 2); /* the unknown key "x" too */
		else
			CHECK_INT(n, 1);
		CHECK_MSG(n > 0 && strstr(probs[0], bad[k].want) != NULL, "got \"%s\", want \"%s\"",
		    n > 0 ? probs[0] : "", bad[k].want);
		CHECK_MSG(strstr(err.msg, bad[k].want) != NULL, "err \"%s\"", err.msg);
		for (i = 0; i < n; i++)
			free(probs[i]);
		free(probs);
	}
}

/* All problems are reported, in file order, and err counts the rest. */
static void
test_all_problems(void)
{
	const char *in =
	    "{\"classes\": [{\"name\": \"a\", \"hotkey\": \"q\", \"color\": \"x\"},\n"
	    "  {\"name\": \"a\", \"geometries\": [\"line\"]}],\n"
	    " \"oops\": 1}";
	struct bx_taxonomy *t;
	struct bx_err err;
	char **probs;
	int n, i;

	CASE("all");
	CHECK_INT(bx_taxonomy_load_text_all(in, "t.json", &t, &probs, &n, &err), BX_EINVAL);
	CHECK_INT(n, 5);
	if (n == 5) {
		CHECK(strstr(probs[0], "t.json:1:38: classes[0].hotkey") != NULL);
		CHECK(strstr(probs[1], "t.json:1:52: classes[0].color") != NULL);
		CHECK(strstr(probs[2], "t.json:2:12: classes[1].name") != NULL);
		CHECK(strstr(probs[3], "t.json:2:32: classes[1].geometries[0]") != NULL);
		CHECK(strstr(probs[4], "t.json:3:10: oops: unknown key") != NULL);
	}
	CHECK(strstr(err.msg, "(and 4 more problems)") != NULL);
	for (i = 0; i < n; i++)
		free(probs[i]);
	free(probs);
}

static void
test_check_value(void)
{
	struct bx_taxonomy *t;
	struct bx_err err;
	const struct bx_class *cup;
	char *l_ok[] = { "a", "b" }, *l_bad[] = { "a", "z" };
	struct bx_value num = { .type = BX_VAL_NUM, .num = 10 }, str = { .type = BX_VAL_STR, .str = "x" };
	struct bx_value multi = { .type = BX_VAL_LIST, .list = l_ok, .nlist = 2 };
	struct bx_value mbad = { .type = BX_VAL_LIST, .list = l_bad, .nlist = 2 };

	CHECK_INT(bx_taxonomy_load_text(good, "t.json", &t, &err), 0);
	if (t == NULL)
		return;
	cup = bx_taxonomy_class(t, "cup");
	CASE("number in range (inclusive)");
	CHECK_INT(bx_taxonomy_check_value(bx_class_attr(cup, "n"), &num, &err), 0);
	num.num = 10.5;
	CASE("number out of range");
	CHECK_INT(bx_taxonomy_check_value(bx_class_attr(cup, "n"), &num, &err), BX_EINVAL);
	CHECK(strstr(err.msg, "10.5 is outside [0, 10]") != NULL);
	CASE("number given a string");
	CHECK_INT(bx_taxonomy_check_value(bx_class_attr(cup, "n"), &str, &err), BX_EINVAL);
	CHECK(strstr(err.msg, "expected a number") != NULL);
	CASE("multi");
	CHECK_INT(bx_taxonomy_check_value(bx_class_attr(cup, "tags"), &multi, &err), 0);
	CHECK_INT(bx_taxonomy_check_value(bx_class_attr(cup, "tags"), &mbad, &err), BX_EINVAL);
	CHECK(strstr(err.msg, "\"z\" is not one of a, b") != NULL);
	CASE("text");
	CHECK_INT(bx_taxonomy_check_value(bx_class_attr(cup, "note"), &str, &err), 0);
	CASE("choice");
	CHECK_INT(bx_taxonomy_check_value(bx_class_attr(&t->classes[0], "pose"), &str, &err), BX_EINVAL);
	CHECK(strstr(err.msg, "\"x\" is not one of sit, lie") != NULL);
	bx_taxonomy_free(t);
}

/* answer JSON (image 100x50) -> "" for ok, else a part of the message */
static const struct {
	const char *name, *json, *want;
} answers[] = {
	{ "ok", "{\"annotations\":[{\"class\":\"cat\",\"box\":[0,0,100,50],\"attributes\":{\"pose\":\"sit\"}},"
	  "{\"class\":\"eye\",\"point\":[100,50]},{\"class\":\"indoor\"},"
	  "{\"class\":\"cat\",\"polygon\":[[0,0],[100,0],[50,50]],\"attributes\":{\"pose\":\"lie\",\"occ\":true}}],"
	  "\"global\":{\"q\":true}}", "" },
	{ "unknown class", "{\"annotations\":[{\"class\":\"eye\",\"point\":[1,1]},{\"class\":\"dog\"}],\"global\":{\"q\":true}}",
	  "annotations[1]: unknown class \"dog\"" },
	{ "geometry not allowed", "{\"annotations\":[{\"class\":\"eye\",\"box\":[1,1,2,2]}],\"global\":{\"q\":true}}",
	  "annotations[0] (eye): a box is not allowed for this class" },
	{ "tag not allowed", "{\"annotations\":[{\"class\":\"cup\"}],\"global\":{\"q\":true}}",
	  "annotations[0] (cup): a tag is not allowed" },
	{ "missing required", "{\"annotations\":[{\"class\":\"cat\",\"box\":[1,1,2,2]}],\"global\":{\"q\":true}}",
	  "annotations[0] (cat): required attribute \"pose\" is missing" },
	{ "missing global", "{\"annotations\":[]}", "global: required attribute \"q\" is missing" },
	{ "unknown attribute", "{\"annotations\":[{\"class\":\"cup\",\"box\":[1,1,2,2],\"attributes\":{\"pose\":\"sit\"}}],\"global\":{\"q\":true}}",
	  "annotations[0] (cup): unknown attribute \"pose\"" },
	{ "unknown global", "{\"global\":{\"q\":true,\"zz\":1}}", "global: unknown attribute \"zz\"" },
	{ "wrong type", "{\"annotations\":[{\"class\":\"cup\",\"box\":[1,1,2,2],\"attributes\":{\"n\":\"3\"}}],\"global\":{\"q\":true}}",
	  "annotations[0] (cup): attribute \"n\": expected a number" },
	{ "not an option", "{\"global\":{\"q\":true,\"scene\":\"space\"}}", "global: attribute \"scene\": \"space\" is not one of in, out" },
	{ "out of range", "{\"annotations\":[{\"class\":\"cup\",\"box\":[1,1,2,2],\"attributes\":{\"n\":-1}}],\"global\":{\"q\":true}}",
	  "attribute \"n\": -1 is outside [0, 10]" },
	{ "box right edge", "{\"annotations\":[{\"class\":\"cup\",\"box\":[50,0,50.5,10]}],\"global\":{\"q\":true}}",
	  "annotations[0] (cup): box leaves the image: x+w = 100.5 > width 100" },
	{ "box bottom edge", "{\"annotations\":[{\"class\":\"cup\",\"box\":[0,40,1,11]}],\"global\":{\"q\":true}}",
	  "y+h = 51 > height 50" },
	{ "box negative x", "{\"annotations\":[{\"class\":\"cup\",\"box\":[-1,0,1,1]}],\"global\":{\"q\":true}}",
	  "box leaves the image: x = -1 < 0" },
	{ "point outside", "{\"annotations\":[{\"class\":\"eye\",\"point\":[3,51]}],\"global\":{\"q\":true}}",
	  "annotations[0] (eye): point (3, 51) is outside the 100x50 image" },
	{ "vertex outside", "{\"annotations\":[{\"class\":\"cat\",\"polygon\":[[0,0],[101,0],[5,5]],\"attributes\":{\"pose\":\"sit\"}}],\"global\":{\"q\":true}}",
	  "vertex (101, 0) is outside" },
	{ "counts the rest", "{\"annotations\":[{\"class\":\"x\"},{\"class\":\"y\"},{\"class\":\"z\"}],\"global\":{\"q\":true}}",
	  "annotations[0]: unknown class \"x\" (and 2 more problems)" },
};

static void
test_check_answer(void)
{
	struct bx_taxonomy *t;
	struct bx_answer a;
	struct bx_err err;
	size_t k;

	CHECK_INT(bx_taxonomy_load_text(good, "t.json", &t, &err), 0);
	if (t == NULL)
		return;
	for (k = 0; k < BX_ARRAY_LEN(answers); k++) {
		CASE(answers[k].name);
		bx_err_clear(&err);
		CHECK_INT(bx_answer_from_json(answers[k].json, &a, &err), 0);
		if (answers[k].want[0] == '\0')
			CHECK_MSG(bx_taxonomy_check_answer(t, &a, 100, 50, &err) == 0, "%s", err.msg);
		else {
			CHECK_INT(bx_taxonomy_check_answer(t, &a, 100, 50, &err), BX_EINVAL);
			CHECK_MSG(strstr(err.msg, answers[k].want) != NULL, "got \"%s\"", err.msg);
		}
		bx_answer_free(&a);
	}
	bx_taxonomy_free(t);
}

static void
test_sample_file(void)
{
	struct bx_taxonomy *t;
	struct bx_err err = {0};
	const char *root = getenv("BOXEL_SOURCE_ROOT");
	char *path;

	CASE("sample-data/taxonomy.json");
	if (root == NULL)
		root = ".";
	path = bx_asprintf("%s/sample-data/taxonomy.json", root);
	CHECK_MSG(bx_taxonomy_load_file(path, &t, &err) == 0, "%s", err.msg);
	CHECK(t != NULL && bx_taxonomy_class(t, "plume") != NULL &&
	    bx_taxonomy_class(t, "plume")->geoms == BX_GEOM_POLYGON);
	bx_taxonomy_free(t);
	CHECK_INT(bx_taxonomy_load_file("/nonexistent/t.json", &t, &err), BX_ENOENT);
	CHECK(strstr(err.msg, "/nonexistent/t.json") != NULL);
	free(path);
}


static void
test_partial_and_coerce(void)
{
	struct bx_taxonomy *t;
	struct bx_answer a;
	struct bx_err err;
	struct bx_attrs as = {0};
	struct bx_value v = { .type = BX_VAL_STR };
	const struct bx_class *cup;

	CHECK_INT(bx_taxonomy_load_text(good, "t.json", &t, &err), 0);
	if (t == NULL)
		return;
	CASE("partial skips required");
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"cat\",\"box\":[1,1,2,2]}]}", &a, &err), 0);
	CHECK_INT(bx_taxonomy_check_answer(t, &a, 100, 50, &err), BX_EINVAL);
	CHECK_INT(bx_taxonomy_check_answer_flags(t, &a, 100, 50, BX_CHECK_PARTIAL, &err), 0);
	bx_answer_free(&a);
	CASE("partial still checks values");
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"cat\",\"box\":[1,1,2,2],"
	    "\"attributes\":{\"pose\":\"fly\"}}]}", &a, &err), 0);
	CHECK_INT(bx_taxonomy_check_answer_flags(t, &a, 100, 50, BX_CHECK_PARTIAL, &err), BX_EINVAL);
	bx_answer_free(&a);
	CASE("edge slack 0.01 px");
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"cup\",\"box\":[-0.005,0,100.01,50]}],"
	    "\"global\":{\"q\":true}}", &a, &err), 0);
	CHECK_INT(bx_taxonomy_check_answer(t, &a, 100, 50, &err), 0);
	bx_answer_free(&a);
	CHECK_INT(bx_answer_from_json("{\"annotations\":[{\"class\":\"cup\",\"box\":[-0.02,0,10,50]}],"
	    "\"global\":{\"q\":true}}", &a, &err), 0);
	CHECK_INT(bx_taxonomy_check_answer(t, &a, 100, 50, &err), BX_EINVAL);
	bx_answer_free(&a);

	CASE("coerce text to types");
	cup = bx_taxonomy_class(t, "cup");
	v.str = "7";
	bx_attrs_set(&as, "n", &v);
	v.str = "b, a";
	bx_attrs_set(&as, "tags", &v);
	v.str = "free text";
	bx_attrs_set(&as, "note", &v);
	v.str = "x";
	bx_attrs_set(&as, "unknown", &v);
	bx_taxonomy_coerce(cup->attrs, cup->nattrs, &as);
	CHECK(bx_attrs_get(&as, "n")->type == BX_VAL_NUM && bx_attrs_get(&as, "n")->num == 7);
	CHECK(bx_attrs_get(&as, "tags")->type == BX_VAL_LIST && bx_attrs_get(&as, "tags")->nlist == 2);
	CHECK_STR(bx_attrs_get(&as, "tags")->list[0], "a");
	CHECK_STR(bx_attrs_get(&as, "note")->str, "free text");
	CHECK_STR(bx_attrs_get(&as, "unknown")->str, "x");
	bx_attrs_free(&as);
	v.str = "true";
	bx_attrs_set(&as, "occ", &v);
	v.str = "maybe";
	bx_attrs_set(&as, "pose", &v);
	bx_taxonomy_coerce(t->classes[0].attrs, t->classes[0].nattrs, &as);
	CHECK(bx_attrs_get(&as, "occ")->type == BX_VAL_BOOL && bx_attrs_get(&as, "occ")->b == 1);
	CHECK_STR(bx_attrs_get(&as, "pose")->str, "maybe");   /* left for the check to refuse */
	bx_attrs_free(&as);
	{
		struct bx_value num = { .type = BX_VAL_NUM, .num = 3 };
		bx_attrs_set(&as, "note", &num);
		bx_taxonomy_coerce(cup->attrs, cup->nattrs, &as);
		CHECK_STR(bx_attrs_get(&as, "note")->str, "3");
		bx_attrs_free(&as);
	}
	bx_taxonomy_free(t);
}

BX_TESTS(T(test_load_good), T(test_load_bad), T(test_all_problems), T(test_check_value),
         T(test_check_answer), T(test_partial_and_coerce), T(test_sample_file))
