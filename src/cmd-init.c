/* cmd-init.c: `boxel init`: create the project's store, with its image root
 * (an absolute path, resolved now), taxonomy (validated) and instructions.
 * Everything is read and checked before the file is created; with --force on
 * an existing store only the given settings change and the data is kept. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxel/cli.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_init;

static int
read_text(const char *path, size_t max, const char *what, char **out)
{
	struct bx_err err = { 0 };
	size_t len;

	if (bx_read_file(path, max, out, &len, &err) < 0) {
		bx_cli_error("%s %s: %s", what, path, err.msg);
		return -1;
	}
	/* A NUL in text is almost always UTF-16 from a Windows editor. The
	 * caller frees *out on every path, so it must not point at freed memory. */
	if (strlen(*out) != len) {
		bx_cli_error("%s %s: contains a NUL byte (UTF-16? save as UTF-8)", what, path);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* Replace the project's taxonomy with t (text tax), refusing to drop a
 * class that answers, gold or drafts still use: their objects would turn
 * into unknown classes that no screen or export can handle. */
static int
set_taxonomy(struct bx_store *st, const char *file, const char *tax,
             const struct bx_taxonomy *t, const char *actor, int64_t now, struct bx_err *err)
{
	struct bx_taxonomy *old = NULL;
	struct bx_err e = { 0 };
	const char **dropped;
	char *oldtext = NULL;
	int i, n = 0, rc;

	/* An old taxonomy that no longer loads (a store of an older boxel)
	 * has no class list to protect. */
	if (bx_store_setting_get(st, "taxonomy", &oldtext, err) < 0)
		return err->code;
	if (oldtext[0] != '\0' && bx_taxonomy_load_text(oldtext, "taxonomy (project)", &old, &e) < 0)
		old = NULL;
	free(oldtext);
	dropped = bx_calloc(old ? (size_t)old->nclasses + 1 : 1, sizeof *dropped);
	for (i = 0; old != NULL && i < old->nclasses; i++)
		if (bx_taxonomy_class(t, old->classes[i].name) == NULL)
			dropped[n++] = old->classes[i].name;
	rc = bx_store_taxonomy_set(st, tax, dropped, n, actor, now, err);
	if (rc == BX_EINVAL)
		bx_err_prefix(err, "taxonomy %s", file);
	free(dropped);
	bx_taxonomy_free(old);
	return rc;
}

static void
remove_store(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-gate" };
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(sfx); i++) {
		char *p = bx_asprintf("%s%s", path, sfx[i]);
		unlink(p);
		free(p);
	}
}

static int
cmd_init_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "images", required_argument, NULL, 'i' },
		{ "taxonomy", required_argument, NULL, 't' },
		{ "instructions", required_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ 0, 0, 0, 0 },
	};
	const char *db = NULL, *images = NULL, *taxf = NULL, *instf = NULL, *path, *actor;
	char root[PATH_MAX], *tax = NULL, *inst = NULL;
	struct bx_taxonomy *t = NULL;
	struct bx_store *st = NULL;
	struct bx_err err = { 0 };
	struct stat sb;
	int c, force = 0, exists, rc = BX_EXIT_USAGE, nclasses = 0;
	int64_t now = bx_now_ms();

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'i': images = optarg; break;
		case 't': taxf = optarg; break;
		case 'n': instf = optarg; break;
		case 'f': force = 1; break;
		default: return bx_cli_usage(&bx_cmd_init);
		}
	}
	if (optind != argc)
		return bx_cli_usage(&bx_cmd_init);
	path = bx_cli_db_path(db);
	if ((exists = bx_store_exists(path, &err)) < 0) {
		bx_cli_error("%s", err.msg);
		return BX_EXIT_USAGE;
	}
	if (exists && !force) {
		bx_cli_error("%s already exists; pass --force to change its settings "
		    "(its data is kept), or choose another --db", path);
		return BX_EXIT_USAGE;
	}
	if (images != NULL) {
		if (stat(images, &sb) != 0 || !S_ISDIR(sb.st_mode) || realpath(images, root) == NULL) {
			bx_cli_error("--images %s: not a directory", images);
			return BX_EXIT_USAGE;
		}
	} else if (!exists) {
		/* Default image root: the directory boxel was started in. */
		if (getcwd(root, sizeof root) == NULL) {
			bx_cli_error("cannot determine the current directory; pass --images DIR");
			return BX_EXIT_USAGE;
		}
	}
	if (taxf != NULL) {
		if (read_text(taxf, 4u << 20, "taxonomy", &tax) < 0)
			goto out;
		if (bx_taxonomy_load_text(tax, taxf, &t, &err) < 0) {
			bx_cli_error("%s", err.msg);
			goto out;
		}
		nclasses = t->nclasses;
	}
	if (instf != NULL && read_text(instf, 1u << 20, "instructions", &inst) < 0)
		goto out;

	/* Between the check above and here another init may have created the
	 * file: a new store is created exclusively, so only one says so. */
	if (bx_store_open(path, exists ? 0 : BX_STORE_CREATE | BX_STORE_EXCL, &st, &err) < 0) {
		bx_cli_error("%s", err.msg);
		goto out;
	}
	actor = bx_cli_actor();
	/* The taxonomy first: it is the one setting that can be refused here,
	 * and a refusal must leave the others unchanged too. */
	if ((tax != NULL && set_taxonomy(st, taxf, tax, t, actor, now, &err) < 0) ||
	    ((images != NULL || !exists) &&
	        bx_store_setting_set(st, "image_root", root, actor, now, &err) < 0) ||
	    (inst != NULL && bx_store_setting_set(st, "instructions", inst, actor, now, &err) < 0)) {
		bx_cli_error("%s", err.msg);
		bx_store_close(st);
		st = NULL;
		if (!exists && !bx_store_is_server(path))
			remove_store(path); /* no half-made project */
		goto out;
	}
	{
		char *sp = bx_sanitize_dup(path);
		char *sr = bx_sanitize_dup(images != NULL || !exists ? root : "(unchanged)");
		printf("%s %s: image root %s", exists ? "updated" : "created", sp, sr);
		if (t != NULL)
			printf(", taxonomy with %d class%s", nclasses, nclasses == 1 ? "" : "es");
		else if (!exists)
			printf(", no taxonomy yet (boxel init --force --taxonomy FILE)");
		if (inst != NULL)
			printf(", instructions %zu bytes", strlen(inst));
		printf("\n");
		free(sp);
		free(sr);
	}
	rc = BX_EXIT_OK;
out:
	bx_store_close(st);
	bx_taxonomy_free(t);
	free(tax);
	free(inst);
	return rc;
}

const struct bx_cmd bx_cmd_init = {
	.name = "init",
	.usage = "[--db FILE] [--images DIR] [--taxonomy FILE] [--instructions FILE] [--force]",
	.summary = "create a project store (one SQLite file)",
	.help =
	    "  --db FILE            the store (default $BOXEL_DB, else ./boxel.db)\n"
	    "  --images DIR         image root; task paths are relative to it (default:\n"
	    "                       the current directory); stored as an absolute path\n"
	    "  --taxonomy FILE      label schema (JSON), validated first\n"
	    "  --instructions FILE  text shown to labelers beside the image\n"
	    "  --force              the store exists: update only the settings given\n"
	    "                       (tasks, judgments and users are kept)\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_init_exec,
};
