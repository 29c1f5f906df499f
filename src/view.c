/* view.c: the event loop shared by all views: wait for a key (or a tick),
 * hand it to the view, redraw the grid when asked. Works in cells; the
 * grid always has the terminal's size. */
#include <string.h>

#include "boxel/util.h"
#include "boxel/view.h"

void
bx_view_run(struct bx_view *v, struct bx_tty *t, volatile sig_atomic_t *stop, int tick_ms)
{
	struct bx_grid *g;
	struct bx_key k;
	int cols, rows, flags;
	int64_t now, last_tick;

	bx_tty_size(t, &cols, &rows);
	g = bx_grid_new(cols, rows);
	v->ops->resize(v, cols, rows);
	now = bx_now_ms();
	v->ops->draw(v, g, now);
	bx_tty_draw(t, g);
	last_tick = now;
	for (;;) {
		if (*stop) {
			v->ops->tick(v, bx_now_ms(), 1);
			break;
		}
		bx_tty_getkey(t, tick_ms, &k);
		now = bx_now_ms();
		flags = 0;
		if (*stop)
			continue;
		if (k.key == BX_KEY_RESIZE) {
			bx_tty_size(t, &cols, &rows);
			bx_grid_resize(g, cols, rows);
			v->ops->resize(v, cols, rows);
			flags |= BX_VIEW_REDRAW;
		} else if (k.key != BX_KEY_TIMEOUT) {
			flags |= v->ops->key(v, &k, now);
		}
		/* Ticks also run while keys keep coming, so a busy annotator
		 * never starves the heartbeat. BOXEL_NOW_MS may pin the clock:
		 * then a timeout still counts as a tick. */
		if (k.key == BX_KEY_TIMEOUT || now - last_tick >= tick_ms || now < last_tick) {
			flags |= v->ops->tick(v, now, 0);
			last_tick = now;
		}
		if (flags & BX_VIEW_NEWIMAGE)
			bx_tty_reset_colors(t);
		if (flags & BX_VIEW_FULL)
			bx_tty_invalidate(t);
		if (flags & (BX_VIEW_REDRAW | BX_VIEW_NEWIMAGE | BX_VIEW_FULL)) {
			v->ops->draw(v, g, now);
			bx_tty_draw(t, g);
		}
		if (flags & BX_VIEW_QUIT)
			break;
	}
	bx_grid_free(g);
}

void
bx_view_signals(void (*on_stop)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
