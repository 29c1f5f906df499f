/* import-jsonl.c: boxel's own jsonl manifests and exports: tasks with
 * their batches, answers and judgments, checked line by line before
 * anything of the line is written. */
#include <stdlib.h>
#include <string.h>

#include "import-int.h"

static int
batch_differs(const struct bx_manifest_batch *mb, const char *kind, int overlap,
              double gold_rate, int priority, const char *had, char *msg, size_t msgsz)
{
	if (strcmp(kind, mb->kind) == 0 && overlap == mb->overlap && gold_rate == mb->gold_rate &&
	    priority == mb->priority)
		return 0;
	snprintf(msg, msgsz, "batch %s %s kind %s, overlap %d, gold rate %g, priority %d; "
	    "this line has kind %s, overlap %d, gold rate %g, priority %d", mb->name, had, kind,
	    overlap, gold_rate, priority, mb->kind, mb->overlap, mb->gold_rate, mb->priority);
	return 1;
}

static const struct bx_manifest_batch *
seen_batch(const struct imp *im, const char *name)
{
	int k;

	for (k = 0; k < im->nseen; k++)
		if (strcmp(im->seen[k].name, name) == 0)
			return &im->seen[k];
	return NULL;
}

/* Before the task is written: a batch the store or an earlier line of the
 * import has with other settings, or judgments the taxonomy refuses, fail
 * the whole line. (Earlier lines count because their batches are written
 * with their chunk, after this line's task would be.) */
static int
jsonl_precheck(struct imp *im, const struct bx_manifest_line *ml, char *msg, size_t msgsz)
{
	struct bx_err err = { 0 };
	struct bx_batch b;
	int i, rc;

	for (i = 0; i < ml->nbatches; i++) {
		const struct bx_manifest_batch *mb = &ml->batches[i], *sb;
		if ((sb = seen_batch(im, mb->name)) != NULL) {
			if (batch_differs(mb, sb->kind, sb->overlap, sb->gold_rate, sb->priority,
			    "is given on an earlier line as", msg, msgsz))
				return -1;
			continue;
		}
		bx_err_clear(&err);
		memset(&b, 0, sizeof b);
		rc = bx_store_batch_get(im->st, mb->name, &b, &err);
		if (rc == BX_ENOENT)
			continue;
		if (rc < 0) {
			snprintf(msg, msgsz, "%s", err.msg);
			return -1;
		}
		rc = batch_differs(mb, b.kind, b.overlap, b.gold_rate, b.priority, "exists as",
		    msg, msgsz);
		bx_batch_free(&b);
		if (rc)
			return -1;
	}
	if (imp_check_judgments(im, ml, ml->width, ml->height, msg, msgsz) < 0)
		return -1;
	for (i = 0; i < ml->nbatches; i++) {
		const struct bx_manifest_batch *mb = &ml->batches[i];
		if (seen_batch(im, mb->name) != NULL)
			continue;
		im->seen = bx_realloc(im->seen, (size_t)(im->nseen + 1) * sizeof *im->seen);
		im->seen[im->nseen] = *mb;
		im->seen[im->nseen].name = bx_strdup(mb->name);
		im->seen[im->nseen].kind = bx_strdup(mb->kind);
		im->nseen++;
	}
	return 0;
}

int
import_jsonl(struct imp *im, const char *path)
{
	char *text, *line, *next, where[PATH_MAX + 32], msg[600];
	size_t len;
	int lineno = 0;
	struct bx_manifest_line ml;
	struct item it;
	struct bx_err err;

	if (imp_read_text(path, &text, &len) < 0)
		return -1;
	for (line = text; (line = strchr(line, '\n')) != NULL; line++)
		im->total++;       /* for the progress bar: lines, blank ones included */
	for (line = text; line != NULL && *line; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		if (im->fatal)
			break;
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		if (bx_manifest_parse_line(line, &ml, msg, sizeof msg) < 0) {
			imp_item_fail(im, where, msg);
			continue;
		}
		memset(&it, 0, sizeof it);
		bx_err_clear(&err);
		if (imp_resolve(im, ml.image, 0, &it.image, &it.abs, &err) < 0) {
			imp_item_fail(im, where, err.msg);
			imp_item_free(&it);
			bx_manifest_line_free(&ml);
			continue;
		}
		/* The item takes over the parsed answer and metadata. */
		it.ans = ml.ans;
		bx_answer_init(&ml.ans);
		it.has_answer = ml.has_answer;
		it.meta = ml.meta_json;
		ml.meta_json = NULL;
		it.width = ml.width;
		it.height = ml.height;
		it.where = bx_strdup(where);
		it.kind = it.has_answer ? imp_default_kind(im) : NULL;
		/* An accepted answer that is a lone judgment's comes back with the
		 * judgment: stored as well, it would read as a consensus. */
		if (it.kind != NULL && strcmp(it.kind, "consensus") == 0 && ml.accepted_from &&
		    strcmp(ml.accepted_from, "single") == 0 && ml.njudgments > 0)
			it.kind = NULL;
		if (ml.nbatches > 0 || ml.njudgments > 0) {
			if (jsonl_precheck(im, &ml, msg, sizeof msg) < 0) {
				imp_item_fail(im, where, msg);
				imp_item_free(&it);
				bx_manifest_line_free(&ml);
				continue;
			}
			it.jl = bx_malloc(sizeof *it.jl);
			*it.jl = ml;  /* the item owns the rest of the line now */
		} else
			bx_manifest_line_free(&ml);
		imp_add_item(im, &it);
	}
	free(text);
	return 0;
}
