/* cmd-taxonomy.c: `boxel taxonomy check FILE`: validate a taxonomy and list
 * every problem with its line:column and JSON path. No store involved. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/cli.h"
#include "boxel/keymap.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"

extern const struct bx_cmd bx_cmd_taxonomy;

/* What the labeling view's key does, for the shadowing warning. */
static const char *
label_key_help(int key)
{
	int i, action = bx_keymap_action(&bx_keymap_label, key);

	for (i = 0; i < bx_keymap_label.n; i++)
		if (bx_keymap_label.binds[i].action == action && bx_keymap_label.binds[i].help)
			return bx_keymap_label.binds[i].help;
	return "?";
}

static int
taxonomy_check(const char *path)
{
	struct bx_taxonomy *t;
	struct bx_err err = {0};
	char *text, **probs = NULL;
	size_t len;
	int i, n = 0, nattrs = 0, rc;

	rc = bx_read_file(path, 4u << 20, &text, &len, &err);
	if (rc) {
		bx_cli_error("%s: %s", path, err.msg);
		return BX_EXIT_USAGE;
	}
	if (strlen(text) != len) {
		bx_cli_error("%s: contains a NUL byte (UTF-16? save as UTF-8)", path);
		free(text);
		return BX_EXIT_SOME;
	}
	rc = bx_taxonomy_load_text_all(text, path, &t, &probs, &n, &err);
	free(text);
	if (rc) {
		for (i = 0; i < n; i++) {
			bx_cli_error("%s", probs[i]);
			free(probs[i]);
		}
		free(probs);
		fprintf(stderr, "boxel: %d problem%s\n", n, n == 1 ? "" : "s");
		return BX_EXIT_SOME;
	}
	for (i = 0; i < t->nclasses; i++) {
		char kn[16];
		nattrs += t->classes[i].nattrs;
		if (t->classes[i].hotkey && bx_taxonomy_key_shadowable(t->classes[i].hotkey)) {
			char *safe = bx_sanitize_dup(t->classes[i].name);
			fprintf(stderr, "boxel: warning: class %s: hotkey \"%s\" is also the labeling key "
			    "for \"%s\"; the class wins, so that command is out of reach (boxel label "
			    "--keys)\n", safe, bx_key_name(t->classes[i].hotkey, kn, sizeof kn),
			    label_key_help(t->classes[i].hotkey));
			free(safe);
		}
	}
	{
		char *safe = bx_sanitize_dup(path);
		printf("%s: ok: %d class%s, %d class attribute%s, %d global attribute%s\n", safe,
		    t->nclasses, t->nclasses == 1 ? "" : "es", nattrs, nattrs == 1 ? "" : "s",
		    t->nglobal, t->nglobal == 1 ? "" : "s");
		free(safe);
	}
	bx_taxonomy_free(t);
	return BX_EXIT_OK;
}

static int
cmd_taxonomy_exec(int argc, char **argv)
{
	static const struct option opts[] = { { 0, 0, 0, 0 } };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1)
		return bx_cli_usage(&bx_cmd_taxonomy);
	if (argc - optind == 2 && strcmp(argv[optind], "check") == 0)
		return taxonomy_check(argv[optind + 1]);
	return bx_cli_usage(&bx_cmd_taxonomy);
}

const struct bx_cmd bx_cmd_taxonomy = {
	.name = "taxonomy",
	.usage = "check FILE",
	.summary = "validate a taxonomy file, listing every problem",
	.help =
	    "  check FILE   parse and validate FILE; print each problem as\n"
	    "               FILE:LINE:COLUMN: PATH: reason and exit 1, or one summary\n"
	    "               line and exit 0. Unreadable file: exit 2.\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_taxonomy_exec,
};
