/* store-later.c: merges left to a process of their own. A submit whose
 * task's other answers are heavy (BX_HEAVY_ANSWER_BYTES) commits without
 * the task's consensus (store-premerge.c decides, store-merge.c leaves it
 * out); right after the commit, bx_st_merge_detach has the program's
 * merge runner start that merge elsewhere (boxel's: `boxel consensus
 * --judgment ID`, detached at a lowered priority, merge-detach.c) and
 * returns: the labeler's submit does not wait for the heavy answer's parse
 * and geometry. Until it lands the task has no consensus, as one still
 * short of its judgments; a merge whose process was killed is found and
 * done by `boxel consensus --pending`. The merge itself is
 * bx_store_merge_later: computed in a read transaction, written fenced on
 * the replicas it read, as a submit's, one at a time per store on a host. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxel/util.h"
#include "store-int.h"

struct later_ctx {
	int64_t jid, now;
	struct bx_st_precomp *p;
};

static int
later_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct later_ctx *c = ctx;

	return bx_st_merge_later_rx(st, c->jid, c->p, err);
}

static int
later_tx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	struct later_ctx *c = ctx;

	return bx_st_merge_later_tx(st, c->jid, c->now, c->p, err);
}

/* One such merge at a time per store on a host, the rest waiting their
 * turn: each is half a second of CPU beside a 4 MiB answer, and each runs
 * in a session of its own, which the kernel's autogroup scheduling gives a
 * share of the CPU of its own. Seventy tasks completed beside a hostile
 * labeler's answers in a few seconds were seventy such sessions, and the
 * other annotators' claims waited 0.6 s at p99; one at a time they are one
 * lowered session. The lock: a file beside a SQLite store (as its gate);
 * for a PostgreSQL store, the user's own file in TMPDIR named by the
 * store's URI. flock: the kernel drops it with its process. -1: no lock
 * (the merge runs anyway). */
static int
merge_lock(const char *path)
{
	const char *dir = getenv("TMPDIR");
	uint64_t h = 1469598103934665603ULL;
	struct stat sb;
	char *lp;
	const char *c;
	int fd;

	if (bx_st_is_pg(path)) {
		for (c = path; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211ULL;
		lp = bx_asprintf("%s/boxel-merge-%u-%016llx", dir && *dir ? dir : "/tmp",
		    (unsigned)geteuid(), (unsigned long long)h);
	} else {
		lp = bx_asprintf("%s-merge", path);
	}
	fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, bx_st_is_pg(path) ? 0600 : 0644);
	free(lp);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    (bx_st_is_pg(path) && sb.st_uid != geteuid())) {
		close(fd);
		return -1;
	}
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

/* Merged in a read transaction, stored in a write one if the replicas are
 * still the ones merged; else read again (a review or a submit landed in
 * between), three times, then merged inside the write as any submit's is
 * when its merge ahead went stale. */
int
bx_store_merge_later(struct bx_store *st, int64_t jid, int64_t now_ms, struct bx_err *err)
{
	struct bx_st_precomp p;
	struct later_ctx c = { jid, now_ms, &p };
	int rc, tries, lock = merge_lock(st->path);

	for (tries = 0;; tries++) {
		struct bx_err rerr = { 0 };

		memset(&p, 0, sizeof p);
		rc = bx_st_read(st, later_rx, &c, &rerr);
		if (rc == BX_ENOENT) {
			bx_st_precomp_free(&p);
			rc = bx_err_set(err, BX_ENOENT, "judgment %lld: no such judgment",
			    (long long)jid);
			break;
		}
		if (rc < 0 || tries == 3) /* the write merges by itself */
			bx_st_precomp_free(&p);
		rc = bx_st_write(st, later_tx, &c, err);
		bx_st_precomp_free(&p);
		if (rc != 1)
			break;
	}
	if (lock >= 0)
		close(lock);
	return rc < 0 ? rc : 0;
}

/* Complete tasks (their overlap of judgments that count) without a
 * consensus: the latest judgment of each. */
struct pending_ctx {
	int64_t *jids;
	int n;
};

static int
pending_rx(struct bx_store *st, void *ctx, struct bx_err *err)
{
	static const char sql[] =
	    "SELECT max(j.id) FROM judgments j JOIN batches b ON b.id = j.batch "
	    "WHERE b.overlap > 1 AND j.state IN ('submitted','accepted') "
	    "  AND NOT (j.held = 1 AND j.state = 'submitted') "
	    "  AND NOT EXISTS (SELECT 1 FROM task_consensus c "
	    "                  WHERE c.task = j.task AND c.batch = j.batch) "
	    "GROUP BY j.task, j.batch, b.overlap HAVING count(*) >= b.overlap "
	    "ORDER BY 1";
	struct pending_ctx *c = ctx;
	struct bx_dbst *s;
	int rc;

	if ((s = bx_st_prep(st, sql, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "find merges pending", err)) == 1) {
		c->jids = bx_realloc(c->jids, (size_t)(c->n + 1) * sizeof *c->jids);
		c->jids[c->n++] = bx_db_col_int64(s, 0);
	}
	bx_db_reset(s);
	return rc;
}

int
bx_store_merge_pending(struct bx_store *st, int64_t now_ms, int *n_out, struct bx_err *err)
{
	struct pending_ctx c = { NULL, 0 };
	int rc, i;

	*n_out = 0;
	rc = bx_st_read(st, pending_rx, &c, err);
	for (i = 0; rc >= 0 && i < c.n; i++)
		if ((rc = bx_store_merge_later(st, c.jids[i], now_ms, err)) == 0)
			(*n_out)++;
	free(c.jids);
	return rc < 0 ? rc : 0;
}

static int (*merge_runner)(const char *path, int64_t jid);

void
bx_store_set_merge_runner(int (*fn)(const char *path, int64_t jid))
{
	merge_runner = fn;
}

void
bx_st_merge_detach(struct bx_store *st, int64_t jid)
{
	struct bx_err err = { 0 };

	/* No process to leave it to: merged here, slower for this submit,
	 * never lost. */
	if (merge_runner == NULL || merge_runner(st->path, jid) != 0)
		(void)bx_store_merge_later(st, jid, bx_now_ms(), &err);
}
