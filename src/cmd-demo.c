/* cmd-demo.c: `boxel demo [DIR]`: a ready project from the sample photos
 * (taxonomy, instructions, one small "self" batch, the local user), then
 * `boxel label` on it. The quickest way to see boxel work. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxel/cli.h"
#include "boxel/image.h"
#include "boxel/label.h"
#include "boxel/store.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "config.h"

extern const struct bx_cmd bx_cmd_demo;

static int
is_dir(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The sample data: $BOXEL_SAMPLE_DIR, the source tree (running from a build
 * directory), or the installed copy. */
static const char *
sample_dir(void)
{
	const char *e = getenv("BOXEL_SAMPLE_DIR");

	if (e != NULL && *e != '\0')
		return e;
	if (is_dir(BOXEL_SAMPLE_DIR))
		return BOXEL_SAMPLE_DIR;
	return BOXEL_SAMPLE_DIR_INSTALLED;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && strcasecmp(s + n - m, suf) == 0;
}

static int
is_image_name(const char *s)
{
	return has_suffix(s, ".png") || has_suffix(s, ".jpg") || has_suffix(s, ".jpeg");
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
copy_file(const char *from, const char *to, struct bx_err *err)
{
	struct bx_afile af;
	char *data;
	size_t len;
	int rc;

	rc = bx_read_file(from, 256u << 20, &data, &len, err);
	if (rc != 0)
		return rc;
	rc = bx_afile_open(&af, to, err);
	if (rc == 0) {
		if (fwrite(data, 1, len, af.f) != len) {
			bx_afile_abort(&af);
			rc = bx_err_set(err, BX_EIO, "%s: write failed", to);
		} else {
			rc = bx_afile_commit(&af, err);
		}
	}
	free(data);
	return rc;
}

static int
read_text(const char *dir, const char *name, size_t max, char **out, struct bx_err *err)
{
	char *path = bx_asprintf("%s/%s", dir, name);
	size_t len;
	int rc = bx_read_file(path, max, out, &len, err);

	if (rc != 0)
		bx_err_prefix(err, "sample data");
	free(path);
	return rc;
}

/* Build the project in dir; returns 0 or an error with err filled. */
static int
make_demo(const char *dir, const char *db, const char *user, int *ntasks, struct bx_err *err)
{
	const char *src = sample_dir();
	char *tax_text = NULL, *instr = NULL, *images = NULL, **names = NULL;
	char *from, *to;
	struct bx_taxonomy *tax = NULL;
	struct bx_store *st = NULL;
	struct bx_batch_new b;
	struct dirent *de;
	DIR *d;
	int64_t now = bx_now_ms(), id;
	int rc, n = 0, cap = 0, i, created, w, h;

	*ntasks = 0;
	if (!is_dir(src))
		return bx_err_set(err, BX_ENOENT,
		                  "sample data not found (looked in %s); set BOXEL_SAMPLE_DIR", src);
	if ((rc = read_text(src, "taxonomy.json", 4u << 20, &tax_text, err)) != 0)
		goto out;
	if ((rc = bx_taxonomy_load_text(tax_text, "sample-data/taxonomy.json", &tax, err)) != 0)
		goto out;
	if (read_text(src, "instructions.md", 1u << 20, &instr, err) != 0)
		instr = bx_strdup("");

	images = bx_asprintf("%s/images", dir);
	if (mkdir(images, 0755) != 0 && errno != EEXIST) {
		rc = bx_err_set(err, BX_EIO, "%s: %s", images, strerror(errno));
		goto out;
	}
	if ((d = opendir(src)) == NULL) {
		rc = bx_err_set(err, BX_EIO, "%s: %s", src, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !is_image_name(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			names = bx_realloc(names, sizeof *names * (size_t)cap);
		}
		names[n++] = bx_strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp_str);
	for (i = 0; i < n; i++) {
		from = bx_asprintf("%s/%s", src, names[i]);
		to = bx_asprintf("%s/%s", images, names[i]);
		rc = copy_file(from, to, err);
		free(from);
		free(to);
		if (rc != 0)
			goto out;
	}

	if ((rc = bx_store_open(db, BX_STORE_CREATE, &st, err)) != 0)
		goto out;
	{
		char real[PATH_MAX];
		if (realpath(images, real) == NULL)
			snprintf(real, sizeof real, "%s", images);
		if ((rc = bx_store_setting_set(st, "image_root", real, user, now, err)) != 0 ||
		    (rc = bx_store_setting_set(st, "taxonomy", tax_text, user, now, err)) != 0 ||
		    (rc = bx_store_setting_set(st, "instructions", instr, user, now, err)) != 0)
			goto out;
	}
	rc = bx_store_user_add(st, user, "admin", user, now, err);
	if (rc != 0 && rc != BX_EEXIST)
		goto out;
	for (i = 0; i < n; i++) {
		struct bx_task_new t;
		to = bx_asprintf("%s/%s", images, names[i]);
		rc = bx_image_probe(to, &w, &h, err);
		free(to);
		if (rc != 0) {
			bx_err_prefix(err, "%s", names[i]);
			goto out;
		}
		memset(&t, 0, sizeof t);
		t.image = names[i];
		t.width = w;
		t.height = h;
		t.now_ms = now;
		if ((rc = bx_store_task_add(st, &t, &id, &created, err)) != 0)
			goto out;
	}
	memset(&b, 0, sizeof b);
	b.name = "demo";
	b.kind = "self";
	b.overlap = 1;
	b.tasks = BX_BATCH_ALL;
	rc = bx_store_batch_create(st, &b, user, now, &id, ntasks, err);
out:
	bx_store_close(st);
	bx_taxonomy_free(tax);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(tax_text);
	free(instr);
	free(images);
	return rc;
}

static int
cmd_demo_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "no-label", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL, *dir_arg = NULL;
	char dir[PATH_MAX], *db, *sdb, *sdir, *suser;
	struct passwd *pw;
	struct bx_err err;
	int c, no_label = 0, ntasks = 0, rc;
	const char *tmp;

	optind = 1;
	while ((c = getopt_long(argc, argv, "u:", opts, NULL)) != -1) {
		switch (c) {
		case 'u': user = optarg; break;
		case 'n': no_label = 1; break;
		default: return bx_cli_usage(&bx_cmd_demo);
		}
	}
	if (argc - optind > 1)
		return bx_cli_usage(&bx_cmd_demo);
	if (optind < argc)
		dir_arg = argv[optind];
	if (user == NULL) {
		pw = getpwuid(getuid());
		if (pw == NULL) {
			bx_cli_error("demo: cannot tell who you are (no passwd entry): use --user NAME");
			return BX_EXIT_USAGE;
		}
		user = pw->pw_name;
	}
	if (dir_arg != NULL) {
		if (mkdir(dir_arg, 0755) != 0 && errno != EEXIST) {
			bx_cli_error("demo: %s: %s", dir_arg, strerror(errno));
			return BX_EXIT_USAGE;
		}
		if (!is_dir(dir_arg)) {
			bx_cli_error("demo: %s: not a directory", dir_arg);
			return BX_EXIT_USAGE;
		}
		snprintf(dir, sizeof dir, "%s", dir_arg);
	} else {
		tmp = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/boxel-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (mkdtemp(dir) == NULL) {
			bx_cli_error("demo: cannot create a temporary directory: %s", strerror(errno));
			return BX_EXIT_USAGE;
		}
	}
	db = bx_asprintf("%s/boxel.db", dir);
	sdir = bx_sanitize_dup(dir);
	sdb = bx_sanitize_dup(db);
	suser = bx_sanitize_dup(user);
	if (access(db, F_OK) == 0) {
		/* Run again on the same folder: keep the work, just label. */
		printf("boxel demo: reopening the project in %s\n", sdir);
	} else {
		rc = make_demo(dir, db, user, &ntasks, &err);
		if (rc != 0) {
			bx_cli_error("demo: %s", err.msg);
			unlink(db);
			rc = BX_EXIT_USAGE;
			goto out;
		}
		printf("boxel demo: project in %s: %d sample photos in batch \"demo\", user %s\n",
		       sdir, ntasks, suser);
	}
	printf("  label:  boxel label --db %s --user %s\n"
	       "  watch:  boxel admin --db %s\n"
	       "  export: boxel export --db %s --format jsonl %s/answers.jsonl\n", sdb, suser, sdb,
	       sdb, sdir);
	fflush(stdout);
	rc = BX_EXIT_OK;
	if (!no_label && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		rc = bx_label_run(db, user, 0, NULL, 0);
out:
	free(db);
	free(sdb);
	free(sdir);
	free(suser);
	return rc;
}

const struct bx_cmd bx_cmd_demo = {
	.name = "demo",
	.usage = "[DIR] [--user NAME] [--no-label]",
	.summary = "make a sample project (in DIR or a temp dir) and start labeling it",
	.help = "  DIR           where to put boxel.db and images/ (default: a new temp dir);\n"
	        "                an existing demo in DIR is reopened, not rebuilt\n"
	        "  --user NAME   the labeler (default: your Unix login)\n"
	        "  --no-label    only build the project\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_demo_exec,
};
