/* cmd-config.c: `boxel config list|get|set`: the project's tunable settings
 * (quality bars, windows, leases), each checked against its own range before
 * the store sees it. The image root, taxonomy and instructions have their
 * own commands (init, taxonomy) and are read-only here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_config;

/* integer: 1 lo..hi as integers; 0 a number in lo..hi, lo excluded when
 * open_lo; TEXT a word checked by text_ok. */
#define TEXT (-1)
static const struct key {
	const char *name;
	int integer, open_lo;
	double lo, hi;
	const char *what;
} keys[] = {
	{ "iou_threshold", 0, 1, 0, 1, "smallest IoU of a box/polygon match (gold, consensus)" },
	{ "line_thickness", 0, 1, 0, 1000, "polyline tolerance t in pixels: similarity 1 - d/t" },
	{ "accuracy_bar", 0, 0, 0, 1, "gold accuracy to qualify; under it, suspension" },
	{ "agreement_bar", 0, 0, 0, 1, "consensus agreement under which a task needs review" },
	{ "quorum", 1, 0, 0, 1000, "judgments a consensus object needs (0: strict majority)" },
	{ "gold_window", 1, 0, 1, 1000000, "gold judgments in a labeler's rolling window" },
	{ "gold_min", 1, 0, 1, 1000000, "gold judgments in the window before anyone is suspended" },
	{ "training_min", 1, 0, 1, 1000000, "training gold judgments before qualifying" },
	{ "lease_seconds", 1, 0, 1, 604800, "how long a claim holds a task" },
	{ "max_attempts", 1, 0, 1, 1000000, "expired leases before a task is set aside" },
	{ "require_training", 1, 0, 0, 1, "1: labelers in training get only training work" },
	/* Bounds on one request's work: a polygon of a million vertices or an
	 * answer of 100 MB is an attack or a bug, never a label. */
	{ "max_vertices", 1, 0, 3, 1000000, "vertices one polygon may have" },
	{ "max_objects", 1, 0, 1, 1000000, "objects one answer may hold" },
	{ "max_answer_bytes", 1, 0, 1024, 67108864, "bytes of one answer's JSON" },
	{ "gold_recycle", 1, 0, 0, 1, "1: a labeler who did a batch's whole gold pool gets it again" },
	{ "max_overlap", 1, 0, 0, 1000, "low agreement asks for judgments up to this many (0: off)" },
	{ "compare_attributes", TEXT, 0, 0, 0, "what scoring compares: all, none or attr,attr,..." },
	{ "on_suspend", TEXT, 0, 0, 0, "a suspended labeler's unreviewed work: review or requeue" },
	/* A 40000x40000 PNG's pyramid is 6.4 GB. */
	{ "tile_cache_mb", 1, 0, 1, 100000000, "disk the tile cache beside the store may hold, MB" },
	{ "serve_order", TEXT, 0, 0, 0, "order of a batch's tasks: random or import" },
	{ "aggregation", TEXT, 0, 0, 0,
	  "class votes in consensus: majority, weighted or dawid-skene" },
	{ "synchronous", TEXT, 0, 0, 0,
	  "SQLite commits: full (survive power loss) or normal (survive a crash)" },
};

/* The TEXT keys that take one of a few words, and the words. */
static const struct {
	const char *key, *words[4], *say;
} choices[] = {
	{ "on_suspend", { "review", "requeue" }, "review or requeue" },
	{ "serve_order", { "random", "import" }, "random or import" },
	{ "aggregation", { "majority", "weighted", "dawid-skene" },
	  "majority, weighted or dawid-skene" },
	{ "synchronous", { "full", "normal" }, "full or normal" },
};
static const char *const readonly[] = { "image_root", "taxonomy", "instructions", "serve_key" };

static const struct key *
find_key(const char *name)
{
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(keys); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int
is_readonly(const char *name)
{
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(readonly); i++)
		if (strcmp(readonly[i], name) == 0)
			return 1;
	return 0;
}

static int
unknown(const char *name)
{
	char *s = bx_sanitize_dup(name);

	bx_cli_error("config: unknown key '%s' (see 'boxel config list')", s);
	free(s);
	return BX_EXIT_USAGE;
}

/* The settings of the suspension rule: changing one re-evaluates everyone. */
static int
rule_key(const char *name)
{
	return strcmp(name, "accuracy_bar") == 0 || strcmp(name, "gold_window") == 0 ||
	    strcmp(name, "gold_min") == 0;
}

/* The words a TEXT key takes: compare_attributes all | none | a comma list
 * of attribute names; the others one word of choices[]. */
static int
text_ok(const char *key, const char *val)
{
	const char *p;
	size_t i, w;

	for (i = 0; i < BX_ARRAY_LEN(choices); i++) {
		if (strcmp(key, choices[i].key) != 0)
			continue;
		for (w = 0; w < 4 && choices[i].words[w] != NULL; w++)
			if (strcmp(val, choices[i].words[w]) == 0)
				return 1;
		return 0;
	}
	if (*val == '\0' || *val == ',' || val[strlen(val) - 1] == ',' || strstr(val, ",,"))
		return 0;
	for (p = val; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("_-.,", *p)))
			return 0;
	return strlen(val) < 1000;
}

static const char *
text_words(const char *key)
{
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(choices); i++)
		if (strcmp(key, choices[i].key) == 0)
			return choices[i].say;
	return "all, none or a comma list of attribute names";
}

static int
config_set(struct bx_store *st, const char *name, const char *val)
{
	const struct key *k = find_key(name);
	struct bx_err err = { 0 };
	char what[64], canon[64];
	double d;
	long l;

	if (k == NULL) {
		if (is_readonly(name)) {
			bx_cli_error("config: %s is set by 'boxel init' / 'boxel taxonomy', not here",
			    name);
			return BX_EXIT_USAGE;
		}
		return unknown(name);
	}
	snprintf(what, sizeof what, "config %s", k->name);
	if (k->integer == TEXT) {
		if (!text_ok(k->name, val)) {
			char *v = bx_sanitize_dup(val);
			bx_cli_error("%s: '%.80s' is not %s", what, v, text_words(k->name));
			free(v);
			return BX_EXIT_USAGE;
		}
		if (bx_store_setting_set(st, k->name, val, bx_cli_actor(), bx_now_ms(), &err) < 0)
			return bx_cli_store_fail(&err);
		printf("%s = %s\n", k->name, val);
		return BX_EXIT_OK;
	}
	if (k->integer) {
		if (bx_cli_parse_long(val, what, (long)k->lo, (long)k->hi, &l) < 0)
			return BX_EXIT_USAGE;
		snprintf(canon, sizeof canon, "%ld", l);
	} else {
		if (bx_cli_parse_double(val, what, k->lo, k->hi, &d) < 0)
			return BX_EXIT_USAGE;
		if (k->open_lo && d <= k->lo) {
			bx_cli_error("%s: must be greater than %g", what, k->lo);
			return BX_EXIT_USAGE;
		}
		bx_cli_num(canon, sizeof canon, "%.15g", d); /* "0.8", not 0.80000000000000004 */
	}
	if (rule_key(k->name)) {
		int susp = 0, lifted = 0;
		if (bx_store_quality_setting_set(st, k->name, canon, bx_cli_actor(), bx_now_ms(),
		    &susp, &lifted, &err) < 0)
			return bx_cli_store_fail(&err);
		printf("%s = %s; every labeler re-evaluated: %d suspended, %d gold suspension%s "
		    "lifted\n", k->name, canon, susp, lifted, lifted == 1 ? "" : "s");
		return BX_EXIT_OK;
	}
	if (bx_store_setting_set(st, k->name, canon, bx_cli_actor(), bx_now_ms(), &err) < 0)
		return bx_cli_store_fail(&err);
	printf("%s = %s\n", k->name, canon);
	return BX_EXIT_OK;
}

static int
config_get(struct bx_store *st, const char *name, int list)
{
	struct bx_err err = { 0 };
	char *v;
	size_t i;

	if (!list) {
		if (find_key(name) == NULL && !is_readonly(name))
			return unknown(name);
		if (bx_store_setting_get(st, name, &v, &err) < 0)
			return bx_cli_store_fail(&err);
		if (strcmp(name, "taxonomy") == 0) {
			printf("(%zu bytes of JSON; see 'boxel taxonomy')\n", strlen(v));
		} else {
			char *s = bx_sanitize_dup(v);
			printf("%s\n", s);
			free(s);
		}
		free(v);
		return BX_EXIT_OK;
	}
	for (i = 0; i < BX_ARRAY_LEN(keys); i++) {
		if (bx_store_setting_get(st, keys[i].name, &v, &err) < 0)
			return bx_cli_store_fail(&err);
		printf("%-18s %-8s %s\n", keys[i].name, v, keys[i].what);
		free(v);
	}
	return BX_EXIT_OK;
}

static int
cmd_config_exec(int argc, char **argv)
{
	const char *db, *sub;
	struct bx_store *st;
	int rc;

	db = bx_cli_take_db(&argc, argv);
	if (argc < 2)
		return bx_cli_usage(&bx_cmd_config);
	sub = argv[1];
	if (strcmp(sub, "list") == 0 ? argc != 2 : strcmp(sub, "get") == 0 ? argc != 3 :
	    strcmp(sub, "set") == 0 ? argc != 4 : 1) {
		if (strcmp(sub, "list") != 0 && strcmp(sub, "get") != 0 && strcmp(sub, "set") != 0)
			bx_cli_error("config: unknown subcommand (list, get, set)");
		else
			bx_cli_error("config %s: wrong number of arguments", sub);
		return BX_EXIT_USAGE;
	}
	if (strcmp(sub, "set") == 0 && find_key(argv[2]) == NULL && !is_readonly(argv[2]))
		return unknown(argv[2]);
	if ((st = strcmp(sub, "set") == 0 ? bx_cli_store_open(db) : bx_cli_store_open_ro(db)) == NULL)
		return BX_EXIT_USAGE;
	if (strcmp(sub, "set") == 0)
		rc = config_set(st, argv[2], argv[3]);
	else
		rc = config_get(st, strcmp(sub, "get") == 0 ? argv[2] : NULL,
		    strcmp(sub, "list") == 0);
	bx_store_close(st);
	return rc;
}

const struct bx_cmd bx_cmd_config = {
	.name = "config",
	.usage = "list | get KEY | set KEY VALUE  [--db FILE]",
	.summary = "show or change the project's settings (quality bars, windows, leases)",
	.help =
	    "  list                every tunable key with its value and meaning\n"
	    "  get KEY             one value (also image_root, instructions)\n"
	    "  set KEY VALUE       checked per key; accuracy_bar, gold_window and gold_min\n"
	    "                      re-evaluate every labeler at once:\n"
	    "    iou_threshold     (0, 1]   default 0.5\n"
	    "    line_thickness    (0, 1000] default 10 (pixels)\n"
	    "    accuracy_bar      [0, 1]   default 0.8\n"
	    "    agreement_bar     [0, 1]   default 0.6\n"
	    "    quorum            0..1000  default 2 (0: strict majority)\n"
	    "    gold_window       1..      default 50 (not under gold_min)\n"
	    "    gold_min          1..      default 10 (not over gold_window)\n"
	    "    training_min      1..      default 5\n"
	    "    lease_seconds     1..604800 default 300\n"
	    "    max_attempts      1..      default 3\n"
	    "    require_training  0 or 1   default 0\n"
	    "    max_vertices      3..1000000 default 10000\n"
	    "    max_objects       1..1000000 default 5000\n"
	    "    max_answer_bytes  1024..67108864 default 4194304\n"
	    "    gold_recycle      0 or 1   default 0\n"
	    "    max_overlap       0..1000  default 0 (off)\n"
	    "    compare_attributes all | none | attr,attr,...  default all\n"
	    "    on_suspend        review | requeue  default review\n"
	    "    tile_cache_mb     1..      default 20000 (tile pyramids of large PNGs)\n"
	    "    serve_order       random | import  default random\n"
	    "    aggregation       majority | weighted | dawid-skene  default weighted\n"
	    "    synchronous       full | normal  default full (SQLite: normal keeps commits\n"
	    "                      across a crash, may lose the last ones to a power loss)\n"
	    "  --db FILE           the store (default $BOXEL_DB, else ./boxel.db)\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_config_exec,
	.remote = 1,
};
