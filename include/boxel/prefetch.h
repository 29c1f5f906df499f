/* prefetch.h: the session's guess at its next task, made ready in the
 * background while the annotator works on this one: the image the queue
 * will most likely give next, decoded at the size the screen shows it, or
 * for an image shown from tiles its pyramid opened (built when missing).
 * The session owns it (struct bx_session's prefetch), so it outlives any
 * one view; the labeling and review screens ask it after a task opens
 * (start) and when a claim returns one (take). No curses here: the worker
 * touches only the prefetch's own state. */
#ifndef BOXEL_PREFETCH_H
#define BOXEL_PREFETCH_H

#include <stdint.h>

#include "boxel/image.h"
#include "boxel/label.h"
#include "boxel/tiles.h"

/* Guess the task after the open one and start making it ready for a pane
 * of pane_w x pane_h display pixels (the fit view), tiles in tiles_dir
 * under limit bytes. Drops the previous guess. Does nothing in review
 * (it walks judgments, not the queue the guess predicts), without a task,
 * or under BOXEL_PREFETCH=0 (to measure it). */
void bx_prefetch_start(struct bx_session *s, int64_t now, int pane_w, int pane_h,
                       const char *tiles_dir, uint64_t limit);

/* The task just claimed, if it was the guess: 1, and either *img_out (a
 * decode, the caller's to release) or *job_out (an image shown from
 * tiles: its pyramid's job, maybe still building; the caller's to free).
 * 0 when the guess was wrong (not waited for) or failed. The guess is
 * dropped either way. */
int bx_prefetch_take(struct bx_session *s, struct bx_image *img_out,
                     struct bx_tiles_job **job_out);

/* Forget the guess: a pyramid half built for it is stopped (the next open
 * builds it); a decode under way is waited for. */
void bx_prefetch_drop(struct bx_session *s);

#endif
