/* cmd-import.c: `boxel import`: the command and what every format shares:
 * options, format detection, the summary and the exit code (what was
 * refused, lost or converted), tile reports. Readers (fmt-*.c) turn files
 * into datasets, the import-*.c files take each format's datasets into the
 * run (import-int.h lists them). Coordinates are image pixels. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boxel/cli.h"
#include "boxel/tiles.h"
#include "boxel/xml.h"
#include "import-int.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_import;

static const char *const fmt_names[] = { "auto", "folder", "jsonl", "coco", "coco-results",
	"yolo", "labelstudio", "voc", "scale", "cvat" };

void
imp_tally_add(struct tally *t, const char *name, long n)
{
	int i;

	for (i = 0; i < t->len; i++)
		if (strcmp(t->name[i], name) == 0) {
			t->n[i] += n;
			return;
		}
	t->name = bx_realloc(t->name, sizeof(char *) * (size_t)(t->len + 1));
	t->n = bx_realloc(t->n, sizeof(long) * (size_t)(t->len + 1));
	t->name[t->len] = bx_strdup(name);
	t->n[t->len++] = n;
}

static void
tally_free(struct tally *t)
{
	int i;

	for (i = 0; i < t->len; i++)
		free(t->name[i]);
	free(t->name);
	free(t->n);
	memset(t, 0, sizeof *t);
}

void
imp_item_free(struct item *it)
{
	free(it->image);
	free(it->abs);
	free(it->meta);
	free(it->where);
	bx_answer_free(&it->ans);
	if (it->jl != NULL)
		bx_manifest_line_free(it->jl);
	free(it->jl);
	it->jl = NULL;
}

void
imp_item_fail(struct imp *im, const char *where, const char *msg)
{
	if (where[0] != '\0')
		bx_cli_error("%s: %s", where, msg);
	else
		bx_cli_error("%s", msg);
	im->failed++;
}

/* A bar on stderr, only when it is a terminal and the import is long
 * enough to wait for (every 1,000 tasks; the total grows as inputs are
 * read, so the bar is of what is known so far). */
void
imp_progress(struct imp *im, int force)
{
	char bar[31];
	long total = im->total > im->done ? im->total : im->done;
	int k, fill;

	if (!im->progress || im->done < 1000 || (!force && im->done % 1000 != 0))
		return;
	fill = total > 0 ? (int)(30 * im->done / total) : 0;
	for (k = 0; k < 30; k++)
		bar[k] = k < fill ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\rimport [%s] %ld/%ld", bar, im->done, total);
	if (force)
		fputc('\n', stderr);
	fflush(stderr);
}

/* The first bytes of the file at path (at most n - 1, NUL-ended); 0
 * when it cannot be read. */
static size_t
head_of(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "rb");
	size_t got = 0;

	if (f != NULL) {
		got = fread(buf, 1, n - 1, f);
		fclose(f);
	}
	buf[got] = '\0';
	return got;
}

/* A CVAT XML file in dir (its root element <annotations>, as in CVAT's
 * export: annotations.xml beside images/). */
static int
has_cvat_xml(const char *dir, const char *name)
{
	char buf[4096], root[16], *p;

	if (!imp_ends_with(name, ".xml"))
		return 0;
	p = bx_asprintf("%s/%s", dir, name);
	head_of(p, buf, sizeof buf);
	free(p);
	bx_xml_root_name(buf, root, sizeof root);
	return strcmp(root, "annotations") == 0;
}

/* Guess from the path and the first bytes of JSON documents. */
static enum fmt
detect(const char *path)
{
	char buf[4096], root[16];
	char *p;

	if (imp_is_dir(path)) {
		DIR *d;
		struct dirent *e;
		int xml = 0, img = 0, cvat = 0;

		if (imp_exists(path, "data.yaml") || imp_exists(path, "labels"))
			return FMT_YOLO;
		if (imp_exists(path, "Annotations") && imp_is_dir_in(path, "Annotations"))
			return FMT_VOC;     /* the devkit layout */
		if ((d = opendir(path)) != NULL) {
			while ((e = readdir(d)) != NULL) {
				xml |= imp_ends_with(e->d_name, ".xml");
				img |= imp_is_image_name(e->d_name);
				cvat |= !cvat && has_cvat_xml(path, e->d_name);
			}
			closedir(d);
		}
		return cvat && !img ? FMT_CVAT : xml && !img ? FMT_VOC : FMT_FOLDER;
	}
	if (imp_ends_with(path, ".jsonl") || imp_ends_with(path, ".ndjson"))
		return FMT_JSONL;
	if (access(path, R_OK) != 0)
		return imp_ends_with(path, ".xml") ? FMT_VOC : FMT_AUTO;
	head_of(path, buf, sizeof buf);
	/* XML by its root element, not its name: CVAT's <annotations>
	 * holds every image, VOC's <annotation> one */
	bx_xml_root_name(buf, root, sizeof root);
	if (strcmp(root, "annotations") == 0)
		return FMT_CVAT;
	if (strcmp(root, "annotation") == 0 || imp_ends_with(path, ".xml"))
		return FMT_VOC;
	p = buf + strspn(buf, " \t\r\n");
	if (*p == '{')
		return FMT_COCO;
	if (*p == '[') {
		if (strstr(p, "\"image_id\"") != NULL)
			return FMT_COCO_RESULTS;
		if (strstr(p, "\"params\"") != NULL || strstr(p, "\"task_id\"") != NULL)
			return FMT_SCALE;
		/* a Label Studio task puts "data" last, after its annotations:
		 * their keys are the sign within the first bytes */
		if (strstr(p, "\"data\"") != NULL || strstr(p, "\"from_name\"") != NULL ||
		    strstr(p, "\"annotations\"") != NULL || strstr(p, "\"predictions\"") != NULL)
			return FMT_LS;
	}
	return FMT_AUTO;
}

static int import_path_as(struct imp *im, const char *path, enum fmt f);

/* A path in which nothing was found is a warning (a Roboflow layout read
 * as something else, a wrong folder), not a silent "imported 0 tasks". */
static int
import_path(struct imp *im, const char *path, enum fmt f)
{
	long before = im->total;
	int rc = import_path_as(im, path, f);

	if (rc == 0 && im->total == before && !im->allow_empty) {
		bx_cli_error("warning: %s: no images found in it (--allow-empty if that is right)",
		    path);
		im->empty_inputs++;
	}
	return rc;
}

static int
import_path_as(struct imp *im, const char *path, enum fmt f)
{
	if (f == FMT_AUTO)
		f = detect(path);
	switch (f) {
	case FMT_FOLDER:
		if (!imp_is_dir(path)) {
			bx_cli_error("%s: not a folder", path);
			return -1;
		}
		return import_folder(im, path);
	case FMT_JSONL: return import_jsonl(im, path);
	case FMT_COCO: return import_coco(im, path, 0);
	case FMT_COCO_RESULTS: return import_coco(im, path, 1);
	case FMT_YOLO: return import_yolo(im, path);
	case FMT_LS: return import_json_fmt(im, path, FMT_LS);
	case FMT_SCALE: return import_json_fmt(im, path, FMT_SCALE);
	case FMT_VOC: return import_voc(im, path);
	case FMT_CVAT: return import_cvat(im, path);
	case FMT_AUTO:
		break;
	}
	bx_cli_error("%s: cannot tell the format; pass --format (folder, jsonl, coco, "
	    "coco-results, yolo, labelstudio, voc, scale, cvat)", path);
	return -1;
}

/* Say which images will be shown from tiles; with build, make their
 * pyramids now (the first open would). Returns how many could not be
 * built. */
static long
report_tiles(struct imp *im, const char *db, int build)
{
	struct bx_tiles *t;
	struct bx_err err;
	char dir[4096], *v = NULL;
	double mb = 20000;
	long bad = 0;
	int i, built;

	if (im->ntiled == 0)
		return 0;
	printf("%d image%s will be shown from a tile pyramid (a PNG over %.0f MP cannot seek to "
	    "a row): %s\n", im->ntiled, im->ntiled == 1 ? "" : "s", BX_TILES_MIN_PIXELS / 1e6,
	    build ? "building now" : "built on first open, or now with --tiles");
	if (bx_tiles_dir_for(bx_cli_db_path(db), dir, sizeof dir) < 0) {
		bx_cli_error("tile cache: path too long");
		return im->ntiled;
	}
	if (bx_store_setting_get(im->st, "tile_cache_mb", &v, &err) == 0 && atof(v) >= 1)
		mb = atof(v);
	free(v);
	for (i = 0; i < im->ntiled; i++) {
		const struct tiled *td = &im->tiled[i];

		if (!build) {
			if (i < 10)
				printf("  %s  %dx%d, up to %.0f MB of tiles\n", td->image, td->w,
				    td->h, bx_tiles_bytes_for(td->w, td->h) / 1e6);
			else if (i == 10)
				printf("  ... and %d more\n", im->ntiled - 10);
			continue;
		}
		if (bx_tiles_open(dir, td->abs, (uint64_t)(mb * 1e6), 1, &t, &built, &err) < 0) {
			bx_cli_error("%s: tiles: %s", td->image, err.msg);
			bad++;
			continue;
		}
		printf("  %s  %dx%d, %.0f MB of tiles%s\n", td->image, td->w, td->h,
		    bx_tiles_file_bytes(t) / 1e6, built ? "" : " (already built)");
		bx_tiles_close(t);
	}
	return bad;
}

static int
run(struct imp *im, int argc, char **argv, int first, enum fmt f)
{
	int i, rc = BX_EXIT_OK;

	for (i = first; i < argc && !im->fatal; i++)
		if (import_path(im, argv[i], f) < 0)
			im->failed++, rc = BX_EXIT_USAGE;
	if (!im->fatal)
		imp_flush(im);
	if (!im->dry)
		imp_restore_later(im);
	if (!im->dry && !im->fatal && im->tasks > 0)
		imp_keep_category_ids(im);
	bx_dataset_free(&im->coco_ids);
	imp_progress(im, 1);
	return rc;
}

/* Anything that makes the run exit 1 (and --strict refuse). */
static int
troubled(const struct imp *im)
{
	return im->failed > 0 || im->lost.len > 0 ||
	    (!im->allow_empty && (im->unlabeled > 0 || im->empty_inputs > 0));
}

/* Counters and what a pass kept, for --strict's second pass and the end. */
static void
imp_reset(struct imp *im)
{
	imp_forget_batches(im);
	tally_free(&im->geoms);
	tally_free(&im->lost);
	tally_free(&im->converted);
	im->tasks = im->created = im->failed = im->answers = im->judgments = im->users = 0;
	im->total = im->done = im->unlabeled = im->empty_inputs = 0;
}

/* One line per kind of loss and for unlabeled images. */
static void
summary_warnings(const struct imp *im)
{
	int i;

	for (i = 0; i < im->lost.len; i++)
		bx_cli_error("warning: %ld %s", im->lost.n[i], im->lost.name[i]);
	if (im->unlabeled > 0 && !im->allow_empty)
		bx_cli_error("warning: %ld image%s without labels in a labeled format: imported as "
		    "task%s without an answer, not as \"nothing here\" (--allow-empty if that is "
		    "right)", im->unlabeled, im->unlabeled == 1 ? "" : "s",
		    im->unlabeled == 1 ? "" : "s");
}

/* "key":{"name":n,...} */
static void
tally_json(struct bx_buf *b, const char *key, const struct tally *t)
{
	int i;

	bx_json_put_str(b, key);
	bx_buf_puts(b, ":{");
	for (i = 0; i < t->len; i++) {
		if (i)
			bx_buf_putc(b, ',');
		bx_json_put_str(b, t->name[i]);
		bx_buf_printf(b, ":%ld", t->n[i]);
	}
	bx_buf_putc(b, '}');
}

/* ,"objects":{...},"lost":{...},"converted":{...},"unlabeled":N for
 * --json, in b (reset). */
static const char *
tallies_json(const struct imp *im, struct bx_buf *b)
{
	bx_buf_reset(b);
	tally_json(b, "objects", &im->geoms);
	bx_buf_putc(b, ',');
	tally_json(b, "lost", &im->lost);
	bx_buf_putc(b, ',');
	tally_json(b, "converted", &im->converted);
	bx_buf_printf(b, ",\"unlabeled\":%ld", im->unlabeled);
	return b->p;
}

static int
cmd_import_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "as", required_argument, NULL, 'a' },
		{ "min-score", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "names", required_argument, NULL, 'n' },
		{ "gt", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "strict", no_argument, NULL, 's' },
		{ "allow-empty", no_argument, NULL, 'e' },
		{ "tiles", no_argument, NULL, 't' },
		{ 0, 0, 0, 0 } };
	struct imp im;
	struct bx_buf evd;
	struct bx_err err = { 0 };
	enum fmt f = FMT_AUTO;
	const char *db = NULL;
	char *root = NULL, *tax = NULL, detail[512];
	int c, i, k, rc = BX_EXIT_OK, json = 0, strict = 0, tiles = 0;

	memset(&im, 0, sizeof im);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'a':
			if (strcmp(optarg, "prelabels") == 0 || strcmp(optarg, "prelabel") == 0)
				im.as = "prelabel";
			else if (strcmp(optarg, "gold") == 0)
				im.as = "gold";
			else if (strcmp(optarg, "accepted") == 0)
				im.as = "consensus";
			else if (strcmp(optarg, "suggestions") == 0)
				im.as = "suggestion";
			else {
				bx_cli_error("--as %s: expected prelabels, gold, accepted or suggestions",
				    optarg);
				return BX_EXIT_USAGE;
			}
			break;
		case 'm':
			if (bx_cli_parse_double(optarg, "--min-score", -1e300, 1e300, &im.min_score) < 0)
				return BX_EXIT_USAGE;
			break;
		case 'f':
			for (k = 0; k < (int)BX_ARRAY_LEN(fmt_names); k++)
				if (strcmp(optarg, fmt_names[k]) == 0)
					break;
			if (k == (int)BX_ARRAY_LEN(fmt_names)) {
				bx_cli_error("--format %s: expected auto, folder, jsonl, coco, coco-results, "
				    "yolo, labelstudio, voc, scale or cvat", optarg);
				return BX_EXIT_USAGE;
			}
			f = (enum fmt)k;
			break;
		case 'n': im.names_file = optarg; break;
		case 'g': im.gt_file = optarg; break;
		case 'j': json = 1; break;
		case 's': strict = 1; break;
		case 'e': im.allow_empty = 1; break;
		case 't': tiles = 1; break;
		default: return bx_cli_usage(&bx_cmd_import);
		}
	}
	if (optind >= argc)
		return bx_cli_usage(&bx_cmd_import);
	im.st = bx_cli_store_open(db);
	if (im.st == NULL)
		return BX_EXIT_USAGE;
	if (bx_store_setting_get(im.st, "image_root", &root, &err) < 0 || root == NULL ||
	    root[0] == '\0' || realpath(root, im.root) == NULL) {
		bx_cli_error("the image root %s is not usable: %s", root && root[0] ? root : "(unset)",
		    err.msg[0] ? err.msg : strerror(errno));
		free(root);
		bx_store_close(im.st);
		return BX_EXIT_USAGE;
	}
	free(root);
	im.rootfd = open(im.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (bx_store_setting_get(im.st, "taxonomy", &tax, &err) == 0 && tax != NULL && tax[0]) {
		if (bx_taxonomy_load_text(tax, "taxonomy (project)", &im.tax, &err) < 0 ||
		    bx_store_limits(im.st, &im.tax->limits, &err) < 0) {
			bx_cli_error("%s", err.msg);
			free(tax);
			bx_store_close(im.st);
			return BX_EXIT_USAGE;
		}
	}
	free(tax);
	im.now = bx_now_ms();
	/* What the run was asked to import, logged with its first rows. */
	bx_buf_init(&evd);
	bx_buf_puts(&evd, "{\"paths\":[");
	for (i = optind; i < argc; i++) {
		if (i > optind)
			bx_buf_putc(&evd, ',');
		bx_json_put_str(&evd, argv[i]);
	}
	bx_buf_printf(&evd, "],\"as\":");
	bx_json_put_str(&evd, im.as ? im.as : "");
	bx_buf_putc(&evd, '}');
	im.ev.actor = bx_cli_actor();
	im.ev.detail = evd.p;
	im.ev.now_ms = im.now;
	im.items = bx_calloc(CHUNK, sizeof *im.items);
	im.progress = isatty(2);
	/* --strict reads and checks everything first and writes only if
	 * nothing was refused or lost; the second pass reads it all again. */
	im.dry = strict;
	rc = run(&im, argc, argv, optind, f);
	if (strict && !im.fatal && !troubled(&im)) {
		imp_reset(&im);
		im.dry = 0;
		im.quiet = 1;
		rc = run(&im, argc, argv, optind, f);
	}
	summary_warnings(&im);
	snprintf(detail, sizeof detail, "{\"tasks\":%ld,\"new\":%ld,\"answers\":%ld,"
	    "\"judgments\":%ld,\"users\":%ld,\"failed\":%ld}", im.tasks, im.created,
	    im.answers, im.judgments, im.users, im.failed);
	bx_err_clear(&err);
	if (!im.dry && im.tasks > 0 &&
	    bx_store_log(im.st, bx_cli_actor(), "import", detail, im.now, &err) < 0)
		bx_cli_error("event log: %s", err.msg);
	if (im.dry) {
		/* --strict found a refusal or a loss: nothing was written */
		if (json)
			printf("{\"tasks\":0,\"new\":0,\"answers\":0,\"judgments\":0,\"users\":0,"
			    "\"failed\":%ld,\"strict\":\"nothing imported\",\"checked\":%ld,%s}\n",
			    im.failed, im.tasks, tallies_json(&im, &evd));
		else
			printf("imported nothing (--strict): %ld item%s failed, %ld kind%s of loss, "
			    "%ld unlabeled image%s, of %ld task%s checked\n", im.failed,
			    im.failed == 1 ? "" : "s", (long)im.lost.len, im.lost.len == 1 ? "" : "s",
			    im.unlabeled, im.unlabeled == 1 ? "" : "s", im.tasks,
			    im.tasks == 1 ? "" : "s");
		im.tasks = 0;
	} else if (json) {
		detail[strlen(detail) - 1] = '\0';
		printf("%s,%s}\n", detail, tallies_json(&im, &evd));
	} else {
		printf("imported %ld task%s (%ld new", im.tasks, im.tasks == 1 ? "" : "s", im.created);
		if (im.answers > 0)
			printf(", %ld with %s", im.answers, strcmp(im.last_kind, "prelabel") == 0 ?
			    "prelabels" : strcmp(im.last_kind, "suggestion") == 0 ? "suggestions" :
			    strcmp(im.last_kind, "consensus") == 0 ? "accepted answers" : "gold answers");
		if (im.judgments > 0)
			printf(", %ld judgment%s", im.judgments, im.judgments == 1 ? "" : "s");
		if (im.users > 0)
			printf(", created %ld user%s", im.users, im.users == 1 ? "" : "s");
		printf("), %ld item%s failed\n", im.failed, im.failed == 1 ? "" : "s");
		if (im.geoms.len > 0) {
			printf("objects:");
			for (i = 0; i < im.geoms.len; i++)
				printf("%s %ld %s%s", i ? "," : "", im.geoms.n[i], im.geoms.name[i],
				    im.geoms.n[i] == 1 ? "" : imp_ends_with(im.geoms.name[i], "x") ? "es" : "s");
			printf("\n");
		}
		for (i = 0; i < im.converted.len; i++)
			printf("%ld %s\n", im.converted.n[i], im.converted.name[i]);
	}
	if (!json && report_tiles(&im, db, tiles && !im.dry) > 0 && rc == BX_EXIT_OK)
		rc = BX_EXIT_SOME;
	for (i = 0; i < im.ntiled; i++) {
		free(im.tiled[i].image);
		free(im.tiled[i].abs);
	}
	free(im.tiled);
	free(im.items);
	bx_buf_free(&evd);
	if (im.rootfd >= 0)
		close(im.rootfd);
	bx_taxonomy_free(im.tax);
	bx_store_close(im.st);
	if (im.fatal)
		rc = BX_EXIT_USAGE;
	else if (rc == BX_EXIT_OK && troubled(&im))
		rc = BX_EXIT_SOME;
	imp_reset(&im);
	return rc;
}

const struct bx_cmd bx_cmd_import = {
	.name = "import",
	.usage = "[--db FILE] [--format FMT] [--as KIND] [--min-score S] [--names FILE] "
	    "[--gt FILE] [--strict] [--allow-empty] [--json] [--tiles] PATH...",
	.summary = "add tasks (and pre-labels, gold or suggestions) from images or datasets",
	.help =
	    "  --format FMT    auto (default), folder, jsonl, coco, coco-results, yolo,\n"
	    "                  labelstudio, voc, scale, cvat\n"
	    "  --as KIND       what imported annotations become: prelabels (default),\n"
	    "                  gold, accepted (the task's accepted answer, as exported),\n"
	    "                  suggestions (default for coco-results)\n"
	    "  --min-score S   coco-results: keep predictions scoring at least S\n"
	    "  --names FILE    yolo: class names, one per line or a YAML names: list\n"
	    "                  (else DIR/data.yaml)\n"
	    "  --gt FILE       coco-results: the COCO file whose image and category ids\n"
	    "                  the results use (without it: images by file_name,\n"
	    "                  categories in boxel's COCO export ids)\n"
	    "  --strict        import nothing if any item is refused or anything lost\n"
	    "  --allow-empty   an input without images, or images a labeled format gives\n"
	    "                  no labels, are not warnings (exit 0)\n"
	    "  --json          the summary as one JSON object: tasks, new, answers,\n"
	    "                  judgments, users, failed, objects, lost, converted,\n"
	    "                  unlabeled\n"
	    "  --tiles         build now the tile pyramids of the images that need one\n"
	    "                  (images over 8 MP; else each is built on its first open)\n"
	    "Image paths must lie beneath the project's image root. Re-importing adds no\n"
	    "duplicate tasks and replaces answers of the same kind. Each bad item is\n"
	    "reported and skipped whole (exit 1), as is anything the format has that boxel\n"
	    "cannot keep (named by kind); unreadable input or store errors exit 2.\n"
	    "Images of any size are imported; only one that can never be shown is refused,\n"
	    "with the reason (an interlaced PNG or progressive JPEG over 100 MP, which\n"
	    "must be decoded whole). Images shown from a tile pyramid are listed.\n",
	.min_role = BX_ROLE_ADMIN,
	.exec = cmd_import_exec,
};
