/* view.h: a screen of boxel (label, review, admin, overlays) as a small
 * vtable, after htop's Panel: key() and tick() return what changed, and the
 * loop in view.c decides what to redraw. Views draw into a cell grid
 * (cells.h); only the tty module talks to the terminal. */
#ifndef BOXEL_VIEW_H
#define BOXEL_VIEW_H

#include <signal.h>
#include <stdint.h>

#include "boxel/cells.h"
#include "boxel/tty.h"

/* Flags returned by key() and tick(). */
enum {
	BX_VIEW_HANDLED = 1,  /* the key meant something */
	BX_VIEW_REDRAW = 2,   /* draw() again */
	BX_VIEW_QUIT = 4,     /* leave the loop */
	BX_VIEW_NEWIMAGE = 8, /* a different image: forget the color pairs */
	BX_VIEW_FULL = 16,    /* repaint the whole terminal (Ctrl-L) */
};

struct bx_view;

struct bx_view_ops {
	const char *name;
	void (*free)(struct bx_view *v);
	/* The grid is cols x rows now. */
	void (*resize)(struct bx_view *v, int cols, int rows);
	int (*key)(struct bx_view *v, const struct bx_key *k, int64_t now_ms);
	/* Called at least every tick_ms and when a stop signal arrives
	 * (stopping = 1: save and return BX_VIEW_QUIT). */
	int (*tick)(struct bx_view *v, int64_t now_ms, int stopping);
	void (*draw)(struct bx_view *v, struct bx_grid *g, int64_t now_ms);
};

struct bx_view {
	const struct bx_view_ops *ops;
	void *data;
};

/* Route the signals that end a screen (SIGHUP from a dropped SSH link,
 * SIGTERM, SIGINT) to on_stop and ignore SIGPIPE. Call before the terminal
 * opens, so ncurses leaves them to boxel and the view can save and leave
 * cleanly. */
void bx_view_signals(void (*on_stop)(int));

/* Run v on the terminal until it returns BX_VIEW_QUIT. *stop (set by a
 * signal handler) makes the loop call tick(stopping = 1) and leave. */
void bx_view_run(struct bx_view *v, struct bx_tty *t, volatile sig_atomic_t *stop, int tick_ms);

#endif
