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
	BX_VIEW_PUSH = 32,    /* put v->push on top of the stack (it gets the keys) */
	BX_VIEW_CLOSE = 64,   /* pop this view (and any above it) off the stack, free them */
	BX_VIEW_UNCOVER = 128, /* pop every view above the bottom one (what they were over is gone) */
};

/* Why tick() is called. */
enum { BX_TICK_BUSY = 0, BX_TICK_STOP = 1, BX_TICK_IDLE = 2 };

struct bx_view;

struct bx_view_ops {
	const char *name;
	void (*free)(struct bx_view *v); /* NULL: data is not the view's to free */
	/* The grid is cols x rows now. NULL (overlays): nothing to do. */
	void (*resize)(struct bx_view *v, int cols, int rows);
	int (*key)(struct bx_view *v, const struct bx_key *k, int64_t now_ms);
	/* Called at least every tick_ms (why = BX_TICK_IDLE when no key came
	 * for tick_ms, BX_TICK_BUSY during a burst of keys) and when a stop
	 * signal arrives (BX_TICK_STOP: save and return BX_VIEW_QUIT). Every
	 * view of the stack ticks, bottom first; NULL = nothing to do. */
	int (*tick)(struct bx_view *v, int64_t now_ms, int why);
	/* Views higher on the stack draw after (over) the ones below. */
	void (*draw)(struct bx_view *v, struct bx_grid *g, int64_t now_ms);
};

/* Screens are a stack of views (htop's ScreenManager, tmux's window
 * modes): the top view gets the keys; an overlay (help, class picker,
 * jump labels) is pushed by the view below it, which sets push to a view
 * made with bx_view_new and returns BX_VIEW_PUSH; the overlay returns
 * BX_VIEW_CLOSE to go away, taking any view above it along. The loop
 * owns pushed views and frees them. */
struct bx_view {
	const struct bx_view_ops *ops;
	void *data;
	struct bx_view *push;
};

/* A heap view for pushing (ops and data are the caller's to fill). */
struct bx_view *bx_view_new(const struct bx_view_ops *ops, void *data);

/* Show text on the screen's message line (the row above the status line)
 * at once, from inside a long call (a store waiting for a lock), without
 * waiting for the loop: the next regular draw replaces it. A no-op
 * outside bx_view_run. */
void bx_view_flash(const char *text);

/* Route the signals that end a screen (SIGHUP from a dropped SSH link,
 * SIGTERM, SIGINT) to on_stop and ignore SIGPIPE. Call before the terminal
 * opens, so ncurses leaves them to boxel and the view can save and leave
 * cleanly. */
void bx_view_signals(void (*on_stop)(int));

/* Run v (the bottom of the stack, the caller's) on the terminal until a
 * view returns BX_VIEW_QUIT. *stop (set by a signal handler) makes the
 * loop call tick(BX_TICK_STOP) on every view and leave. */
void bx_view_run(struct bx_view *v, struct bx_tty *t, volatile sig_atomic_t *stop, int tick_ms);

#endif
