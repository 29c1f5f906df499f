/* test-keymap.c: the key tables (keymap.c): lookups, key names, and the
 * help generated from them, which must list every action exactly once. */
#include <string.h>

#include "boxel/geom.h"
#include "boxel/keymap.h"
#include "boxel/taxonomy.h"
#include "boxel/tty.h"
#include "boxel/util.h"
#include "harness.h"

static void
test_lookup(void)
{
	static const struct {
		int key, action;
	} cases[] = {
		{ 'h', BX_LA_LEFT }, { BX_KEY_LEFT, BX_LA_LEFT }, { 'L', BX_LA_RIGHT_FAR },
		{ BX_KEY_S_UP, BX_LA_PAN_UP }, { 'b', BX_LA_TOOL + 0 }, { 'p', BX_LA_TOOL + 2 },
		{ 'o', BX_LA_TOOL + 3 }, { 'E', BX_LA_TOOL + 1 }, { 0, 0 }, { ' ', BX_LA_PLACE }, { BX_KEY_ENTER, BX_LA_ENTER },
		{ '5', BX_LA_CLASS }, { 18, BX_LA_REDO }, { 'u', BX_LA_UNDO }, { 's', BX_LA_SUBMIT },
		{ 'q', BX_LA_QUIT }, { '?', BX_LA_HELP }, { BX_KEY_TAB, BX_LA_SELECT_NEXT },
		{ BX_KEY_BTAB, BX_LA_SELECT_PREV }, { 'Z', BX_LA_ZOOM_1TO1 }, { 'c', 0 }, { 'N', BX_LA_SKIP_POINT }, { 'F', BX_LA_OCCLUDED },
		{ BX_KEY_F1, BX_LA_HELP }, { 't', BX_LA_TIGHTEN }, { ';', BX_LA_JUMP }, { '/', BX_LA_PICKER },
	};
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++)
		CHECK_INT(bx_keymap_action(&bx_keymap_label, cases[i].key), cases[i].action);
}

static void
test_names(void)
{
	static const struct {
		int key;
		const char *name;
	} cases[] = {
		{ 'a', "a" }, { 18, "Ctrl-R" }, { BX_KEY_BTAB, "Shift-Tab" }, { BX_KEY_ENTER, "Enter" },
		{ ' ', "Space" }, { BX_KEY_S_LEFT, "Shift-Left" }, { 0xe9, "\xc3\xa9" },
		{ 0x9b, "key-155" }, { 127, "key-127" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++)
		CHECK_STR(bx_key_name(cases[i].key, buf, sizeof buf), cases[i].name);
}

/* No key bound twice; every action has exactly one help text, on its first
 * binding; the help has one line per action. */
static void
check_table(const struct bx_keymap *km)
{
	char **lines;
	int i, j, n, actions = 0, helps, dups = 0;

	CASE(km->name);
	for (i = 0; i < km->n; i++) {
		if (km->binds[i].key == 0 && km->binds[i].action == 0)
			continue; /* an unused slot (the label table's tool slots) */
		CHECK(km->binds[i].action > 0);
		for (j = i + 1; j < km->n; j++)
			if (km->binds[i].key == km->binds[j].key) {
				fprintf(stderr, "    key %d bound twice\n", km->binds[i].key);
				dups++;
			}
		helps = 0;
		for (j = 0; j < km->n; j++)
			if (km->binds[j].action == km->binds[i].action && km->binds[j].help != NULL)
				helps++;
		CHECK_INT(helps, 1);
		for (j = 0; j < i; j++)
			if (km->binds[j].action == km->binds[i].action)
				break;
		if (j == i) {
			actions++;
			CHECK(km->binds[i].help != NULL); /* the first binding carries it */
		}
	}
	CHECK_INT(dups, 0);
	n = bx_keymap_help(km, 12, &lines);
	CHECK_INT(n, actions);
	bx_keymap_help_free(lines, n);
}

/* Every drawing tool of the geometry table has its key in the label
 * table, with its help line. */
static void
test_tool_keys(void)
{
	const struct bx_geom_tool *t;
	int i;

	for (i = 0; (t = bx_tool_at(i)) != NULL; i++) {
		CASE(t->name);
		CHECK_INT(bx_keymap_action(&bx_keymap_label, t->key), BX_LA_TOOL + i);
		CHECK_INT(bx_tool_by_key(t->key), i);
		CHECK(t->help != NULL);
	}
	CHECK(i >= 8);
}

static void
test_tables(void)
{
	char **lines;
	int n, i, found = 0;

	/* every table of the screen, the help and --keys list them all */
	for (i = 0; i < bx_keymaps_label_screen_n; i++)
		check_table(bx_keymaps_label_screen[i]);
	n = bx_keymap_help(&bx_keymap_label, 12, &lines);
	for (i = 0; i < n; i++)
		if (strncmp(lines[i], "h Left ", 7) == 0)
			found++;
	CHECK_INT(found, 1);
	for (i = 0; i < n; i++)
		if (strncmp(lines[i], "u            undo", 17) == 0)
			found++;
	CHECK_INT(found, 2);
	bx_keymap_help_free(lines, n);
}

/* Every printable single-character key of the label view is reserved (a
 * class hotkey can never shadow it) or listed as shadowable (taxonomy.h). */
static void
test_reserved(void)
{
	char name[2] = "";
	int i, k;

	for (i = 0; i < bx_keymap_label.n; i++) {
		k = bx_keymap_label.binds[i].key;
		if (k <= ' ' || k >= 127)
			continue;
		name[0] = (char)k;
		CASE(name);
		CHECK(strchr(BX_TAXONOMY_RESERVED_KEYS, k) != NULL || bx_taxonomy_key_shadowable(k));
	}
	/* and the check is not vacuous: a key outside the table is free */
	CHECK(strchr(BX_TAXONOMY_RESERVED_KEYS, 'c') == NULL);
	/* The review screen's keys come before the hotkeys: reserved only. */
	for (i = 0; i < bx_keymap_review.n; i++) {
		k = bx_keymap_review.binds[i].key;
		if (k <= ' ' || k >= 127)
			continue;
		name[0] = (char)k;
		CASE(name);
		CHECK(strchr(BX_TAXONOMY_RESERVED_KEYS, k) != NULL);
	}
}

/* Typed text and counts, read without key literals in the views. */
static void
test_text(void)
{
	CHECK(bx_key_text(' '));
	CHECK(bx_key_text('a'));
	CHECK(bx_key_text(0xe9));       /* é */
	CHECK(!bx_key_text(27));        /* Esc */
	CHECK(!bx_key_text(127));
	CHECK(!bx_key_text(0x9b));      /* C1 CSI */
	CHECK(!bx_key_text(BX_KEY_UP));
	CHECK(!bx_key_text(BX_KEY_MOUSE));
	CHECK(bx_key_graph('~'));
	CHECK(!bx_key_graph(' '));
	CHECK(!bx_key_graph(0xe9));
	CHECK(bx_key_upper('A') && bx_key_upper('Z'));
	CHECK(!bx_key_upper('a') && !bx_key_upper('@') && !bx_key_upper('['));
	CHECK_INT(bx_key_digit('0'), 0);
	CHECK_INT(bx_key_digit('9'), 9);
	CHECK_INT(bx_key_digit('a'), -1);
	CHECK_INT(bx_key_digit(BX_KEY_F1), -1);
}

BX_TESTS(T(test_lookup), T(test_names), T(test_tool_keys), T(test_tables), T(test_reserved), T(test_text))
