/* prefetch.c: the session's next task made ready on a worker thread (see
 * boxel/prefetch.h). A decode runs on a thread of its own; an image shown
 * from tiles gets a tile job (tiles-job.c), which a right guess hands over
 * to the screen even unfinished, so a 40000x40000 PNG's build goes on
 * where it was with its progress shown, instead of a wait at submit. The
 * main thread reads the decode's result only after pthread_join. */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/prefetch.h"
#include "boxel/util.h"

struct bx_prefetch {
	pthread_t th;
	int running;            /* the decode started and not yet joined */
	char *image;            /* as stored (relative to the image root) */
	char *path;             /* resolved before the thread starts */
	int want_w, want_h;
	struct bx_image img;    /* the decode's, after the join */
	int ok;
	struct bx_err err;
	struct bx_tiles_job *job; /* an image shown from tiles */
};

static void *
decode_main(void *arg)
{
	struct bx_prefetch *p = arg;

	p->ok = bx_image_load(p->path, p->want_w, p->want_h, NULL, &p->img, &p->err) == 0;
	return NULL;
}

static void
join(struct bx_prefetch *p)
{
	if (p->running) {
		pthread_join(p->th, NULL);
		p->running = 0;
	}
}

void
bx_prefetch_drop(struct bx_session *s)
{
	struct bx_prefetch *p = s->prefetch;

	if (p == NULL)
		return;
	join(p);
	bx_tiles_job_free(p->job);
	if (p->ok)
		bx_image_release(&p->img);
	free(p->image);
	free(p->path);
	free(p);
	s->prefetch = NULL;
}

static int
enabled(void)
{
	const char *v = getenv("BOXEL_PREFETCH");

	return v == NULL || strcmp(v, "0") != 0;
}

void
bx_prefetch_start(struct bx_session *s, int64_t now, int pane_w, int pane_h,
                  const char *tiles_dir, uint64_t limit)
{
	struct bx_prefetch *p;
	struct bx_image_plan plan;
	struct bx_err err;
	char path[4096], *image = NULL;
	sigset_t all, old;
	double fit;
	int w = 0, h = 0, rc;

	bx_prefetch_drop(s);
	if (!enabled() || !s->have_task || s->review || pane_w < 1 || pane_h < 1)
		return;
	if (bx_queue_peek_next(s->st, s->user, s->claim.judgment, now, &image, &w, &h, &err) != 0)
		return;
	if (w < 1 || h < 1 || bx_path_resolve(s->image_root, image, path, sizeof path, NULL) != 0 ||
	    bx_image_plan(path, &plan, &err) != 0) {
		free(image);
		return;
	}
	p = bx_calloc(1, sizeof *p);
	s->prefetch = p;
	fit = fmin((double)pane_w / w, (double)pane_h / h);
	p->image = image;
	p->path = bx_strdup(path);
	p->want_w = (int)ceil(w * fit);
	p->want_h = (int)ceil(h * fit);
	if (plan.tiles) {
		/* The overview from tiles is never over the image's size. */
		if (bx_tiles_job_start(tiles_dir, path, limit, (int)ceil(w * fmin(fit, 1)),
		                       (int)ceil(h * fmin(fit, 1)), &p->job, &err) != 0)
			bx_prefetch_drop(s);
		return;
	}
	/* The worker blocks every signal: SIGHUP/SIGTERM/SIGWINCH must reach
	 * the main thread, whose loop acts on them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&p->th, NULL, decode_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	p->running = rc == 0;
	if (!p->running)
		bx_prefetch_drop(s);
}

int
bx_prefetch_take(struct bx_session *s, struct bx_image *img_out, struct bx_tiles_job **job_out)
{
	struct bx_prefetch *p = s->prefetch;
	int hit;

	memset(img_out, 0, sizeof *img_out);
	*job_out = NULL;
	if (p == NULL)
		return 0;
	/* A wrong guess is not waited for. */
	hit = s->image_path != NULL && s->claim.image != NULL &&
	      strcmp(p->image, s->claim.image) == 0 && strcmp(p->path, s->image_path) == 0;
	if (hit && p->job != NULL) {
		*job_out = p->job;
		p->job = NULL;
	} else if (hit) {
		join(p);
		hit = p->ok;
		if (hit) {
			*img_out = p->img;
			p->ok = 0;
		}
	}
	bx_prefetch_drop(s);
	return hit;
}
