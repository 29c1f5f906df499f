/* label-prefetch.c: the next task's image, decoded on one worker thread
 * while the annotator works on this one (struct prefetch). An image shown
 * from tiles gets its pyramid opened there, and built there when missing,
 * so even a first open of a 40000x40000 PNG is ready at submit. The
 * worker touches only that struct: no curses, no store; the main thread
 * reads it only after pthread_join. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view-label-int.h"

/* ---- prefetch ---- */

static void *
prefetch_main(void *arg)
{
	struct prefetch *p = arg;
	struct bx_image_plan plan;

	if (bx_image_plan(p->path, &plan, &p->err) == 0 && plan.tiles &&
	    bx_tiles_open_watch(p->tiles_dir, p->path, p->tiles_limit, 1, &p->watch, &p->tiles, NULL,
	                        &p->err) == 0) {
		p->ok = bx_tiles_overview(p->tiles, p->want_w, p->want_h, &p->img, &p->err) == 0;
		return NULL;
	}
	p->ok = bx_image_load(p->path, p->want_w, p->want_h, NULL, &p->img, &p->err) == 0;
	return NULL;
}

static void
prefetch_join(struct label *L)
{
	if (L->pf.running) {
		pthread_join(L->pf.th, NULL);
		L->pf.running = 0;
	}
}

/* Leaving or moving on: a pyramid half built for a guess is not worth
 * the wait (the next open builds it); a decode already under way is. */
static void
prefetch_stop(struct label *L)
{
	if (L->pf.running) {
		atomic_store(&L->pf.watch.stop, 1);
		pthread_join(L->pf.th, NULL);
		L->pf.running = 0;
	}
}

void
label_prefetch_drop(struct label *L)
{
	prefetch_stop(L);
	if (L->pf.ok)
		bx_image_release(&L->pf.img);
	bx_tiles_close(L->pf.tiles);
	free(L->pf.tiles_dir);
	free(L->pf.image);
	free(L->pf.path);
	memset(&L->pf, 0, sizeof L->pf);
}

/* Guess the next claim and decode its image at the size the pane would
 * show it (fit zoom) in the background. */
void
label_prefetch_start(struct label *L, int64_t now)
{
	struct bx_err err;
	char path[4096], *image = NULL;
	sigset_t all, old;
	double fit;
	int w = 0, h = 0;

	label_prefetch_drop(L);
	/* (Review walks judgments, not the queue the peek predicts.) */
	if (!L->prefetch_on || !L->s->have_task || L->s->review || L->pw < 1 || L->ph < 1)
		return;
	if (bx_queue_peek_next(L->s->st, L->s->user, L->s->claim.judgment, now, &image, &w, &h,
	                       &err) != 0)
		return;
	if (w < 1 || h < 1 || bx_path_resolve(L->s->image_root, image, path, sizeof path, NULL) != 0) {
		free(image);
		return;
	}
	fit = fmin((double)L->pw / w, 2.0 * L->ph / h);
	L->pf.image = image;
	L->pf.path = bx_strdup(path);
	L->pf.tiles_dir = bx_strdup(label_tiles_dir(L, &L->pf.tiles_limit));
	L->pf.want_w = (int)ceil(w * fit);
	L->pf.want_h = (int)ceil(h * fit);
	/* The worker blocks every signal: SIGHUP/SIGTERM/SIGWINCH must reach
	 * the main thread, whose loop acts on them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&L->pf.th, NULL, prefetch_main, &L->pf) == 0)
		L->pf.running = 1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!L->pf.running)
		label_prefetch_drop(L);
}

/* The claimed task's image, if the prefetch guessed it: 1 and L->img set. */
int
label_prefetch_take(struct label *L)
{
	int hit;

	if (L->pf.image == NULL)
		return 0;
	/* A wrong guess is not waited for. */
	if (L->s->image_path == NULL || strcmp(L->pf.image, L->s->claim.image) != 0) {
		label_prefetch_drop(L);
		return 0;
	}
	prefetch_join(L);
	hit = L->pf.ok && L->s->image_path != NULL && strcmp(L->pf.image, L->s->claim.image) == 0 &&
	      strcmp(L->pf.path, L->s->image_path) == 0;
	if (hit) {
		bx_image_release(&L->img);
		L->img = L->pf.img;
		memset(&L->pf.img, 0, sizeof L->pf.img);
		L->pf.ok = 0;
		L->img_ok = 1;
		L->img_err[0] = '\0';
		label_tiles_close(L);
		L->tiles = L->pf.tiles;
		L->pf.tiles = NULL;
	}
	label_prefetch_drop(L);
	return hit;
}

