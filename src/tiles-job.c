/* tiles-job.c: a tile pyramid opened, or built, on a worker thread, so the
 * first open of a huge image does not freeze the screen for the minutes
 * its build takes (a 40000x40000 PNG: 3 minutes of disk writes). The
 * worker touches only the job; the caller polls progress and the preview
 * through the watch's atomics and reads the rest after pthread_join.
 * Preview pixels: the level bx_tiles_overview would read, scaled to the
 * overview's size. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/raster.h"
#include "boxel/tiles.h"
#include "boxel/util.h"
#include "image-int.h"

struct bx_tiles_job {
	pthread_t th;
	int joined;
	atomic_int done;
	char *dir, *path;
	uint64_t limit;
	int ow, oh;                /* the overview's size */
	struct bx_tiles_watch watch;
	struct bx_tiles *tiles;    /* the worker's result, after the join */
	int rc;
	struct bx_err err;
};

static void *
job_main(void *arg)
{
	struct bx_tiles_job *j = arg;

	j->rc = bx_tiles_open_watch(j->dir, j->path, j->limit, 1, &j->watch, &j->tiles, NULL,
	                            &j->err);
	atomic_store(&j->done, 1);
	return NULL;
}

int
bx_tiles_job_start(const char *dir, const char *path, uint64_t limit, int want_w, int want_h,
                   struct bx_tiles_job **out, struct bx_err *err)
{
	struct bx_tiles_job *j = bx_calloc(1, sizeof *j);
	struct bx_image_plan plan;
	sigset_t all, old;
	int rc;

	*out = NULL;
	if ((rc = bx_image_plan(path, &plan, err)) < 0) {
		free(j);
		return rc;
	}
	j->dir = bx_strdup(dir);
	j->path = bx_strdup(path);
	j->limit = limit;
	/* Set here, not by the worker: progress reads it unsynchronized. */
	j->watch.h = plan.h;
	j->watch.want_w = want_w;
	j->watch.want_h = want_h;
	bx_image_overview_size(plan.w, plan.h, want_w, want_h, &j->ow, &j->oh);
	/* The worker blocks every signal: SIGHUP/SIGTERM/SIGWINCH must reach
	 * the main thread, whose loop acts on them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&j->th, NULL, job_main, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		j->joined = 1;
		bx_tiles_job_free(j);
		return bx_err_set(err, BX_EIO, "cannot start a thread to build the tiles");
	}
	*out = j;
	return 0;
}

int
bx_tiles_job_progress(struct bx_tiles_job *j, int *done_out)
{
	int rows = atomic_load_explicit(&j->watch.rows, memory_order_relaxed);

	*done_out = atomic_load(&j->done);
	if (rows <= 0 || j->watch.h <= 0)
		return 0;
	return (int)((int64_t)rows * 100 / j->watch.h);
}

struct bx_raster *
bx_tiles_job_preview(struct bx_tiles_job *j, int *rows_out)
{
	int rows = atomic_load_explicit(&j->watch.pv_rows, memory_order_acquire);
	struct bx_raster *lv, *out;
	struct bx_rowavg *avg;
	int y;

	*rows_out = rows;
	if (rows <= 0)
		return NULL;
	/* Rows below pv_rows are written and stay so; the ones under them
	 * may be being written, so only the finished ones are copied. */
	lv = bx_raster_new(j->watch.pv_w, j->watch.pv_h);
	memcpy(lv->px, j->watch.pv, (size_t)rows * j->watch.pv_w * 3);
	if (lv->w == j->ow && lv->h == j->oh)
		return lv;
	/* Averaged as bx_tiles_overview does, so the finished preview is the
	 * picture the pyramid will give: the view sharpens, it does not move. */
	avg = bx_rowavg_new(lv->w, lv->h, j->ow, j->oh);
	for (y = 0; y < lv->h; y++)
		bx_rowavg_push(avg, lv->px + (size_t)y * lv->w * 3);
	out = bx_rowavg_finish(avg);
	bx_rowavg_free(avg);
	bx_raster_free(lv);
	return out;
}

int
bx_tiles_job_preview_rows(struct bx_tiles_job *j)
{
	return atomic_load_explicit(&j->watch.pv_rows, memory_order_acquire);
}

static void
job_join(struct bx_tiles_job *j)
{
	if (!j->joined) {
		pthread_join(j->th, NULL);
		j->joined = 1;
	}
}

int
bx_tiles_job_finish(struct bx_tiles_job *j, struct bx_tiles **out, struct bx_err *err)
{
	job_join(j);
	*out = j->tiles;
	j->tiles = NULL;
	if (j->rc < 0 && err != NULL)
		*err = j->err;
	return j->rc;
}

void
bx_tiles_job_free(struct bx_tiles_job *j)
{
	if (j == NULL)
		return;
	atomic_store(&j->watch.stop, 1);
	job_join(j);
	bx_tiles_close(j->tiles);
	free(j->watch.pv);
	free(j->dir);
	free(j->path);
	free(j);
}
