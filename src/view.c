/* view.c: the event loop shared by all screens: a stack of views, the top
 * one gets the keys, all of them tick, each draws over the one below; the
 * loop redraws the grid when asked. Works in cells; the grid always has the
 * terminal's size. */
#include <stdlib.h>
#include <string.h>

#include "boxel/util.h"
#include "boxel/view.h"

#define MAX_DEPTH 8

/* The terminal and grid of the running loop, for bx_view_flash. */
static struct bx_tty *flash_tty;
static struct bx_grid *flash_grid;

void
bx_view_flash(const char *text)
{
	int y;

	if (flash_tty == NULL || flash_grid == NULL || flash_grid->h < 2)
		return;
	y = flash_grid->h - 2;
	bx_grid_fill(flash_grid, 0, y, flash_grid->w, 1, ' ', BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, 0);
	bx_grid_put_text(flash_grid, 0, y, text, BX_COLOR_DEFAULT, BX_COLOR_DEFAULT, BX_CELL_BOLD,
	                 flash_grid->w);
	bx_tty_draw(flash_tty, flash_grid);
}

struct stack {
	struct bx_view *v[MAX_DEPTH];
	int n;
};

struct bx_view *
bx_view_new(const struct bx_view_ops *ops, void *data)
{
	struct bx_view *v = bx_calloc(1, sizeof *v);

	v->ops = ops;
	v->data = data;
	return v;
}

static void
pop(struct stack *s)
{
	struct bx_view *top = s->v[--s->n];

	if (top->ops->free != NULL)
		top->ops->free(top);
	free(top);
}

/* Apply what a view's key() or tick() asked of the stack. */
static void
restack(struct stack *s, struct bx_view *v, int flags, int cols, int rows)
{
	int i;

	if (flags & BX_VIEW_UNCOVER) {
		while (s->n > 1)
			pop(s);
		if (v != s->v[0])
			return;
	}
	/* A view closing takes the views it pushed with it (a form closing
	 * under its prompt). */
	if (flags & BX_VIEW_CLOSE)
		for (i = 1; i < s->n; i++)
			if (s->v[i] == v) {
				while (s->n > i)
					pop(s);
				return;
			}
	if ((flags & BX_VIEW_PUSH) && v->push != NULL) {
		struct bx_view *p = v->push;
		v->push = NULL;
		if (s->n == MAX_DEPTH) {
			if (p->ops->free != NULL)
				p->ops->free(p);
			free(p);
			return;
		}
		s->v[s->n++] = p;
		if (p->ops->resize != NULL)
			p->ops->resize(p, cols, rows);
	}
}

static int
tick_all(struct stack *s, int64_t now, int why, int cols, int rows)
{
	int i, f, flags = 0;

	for (i = 0; i < s->n; i++) {
		struct bx_view *v = s->v[i];
		if (v->ops->tick == NULL)
			continue;
		f = v->ops->tick(v, now, why);
		flags |= f & ~(BX_VIEW_PUSH | BX_VIEW_CLOSE | BX_VIEW_UNCOVER);
		/* Uncovering with nothing above changes nothing. */
		if (s->n == 1)
			f &= ~BX_VIEW_UNCOVER;
		if (f & (BX_VIEW_PUSH | BX_VIEW_CLOSE | BX_VIEW_UNCOVER)) {
			restack(s, v, f, cols, rows);
			flags |= BX_VIEW_REDRAW;
			break;
		}
	}
	return flags;
}

static void
draw_all(struct stack *s, struct bx_grid *g, int64_t now)
{
	int i;

	for (i = 0; i < s->n; i++)
		s->v[i]->ops->draw(s->v[i], g, now);
}

void
bx_view_run(struct bx_view *bottom, struct bx_tty *t, volatile sig_atomic_t *stop, int tick_ms)
{
	struct stack s = { .v = { bottom }, .n = 1 };
	struct bx_grid *g;
	struct bx_view *top;
	struct bx_key k;
	int cols, rows, flags, f, i;
	int64_t now, last_tick;

	bx_tty_size(t, &cols, &rows);
	g = bx_grid_new(cols, rows);
	flash_tty = t;
	flash_grid = g;
	bottom->ops->resize(bottom, cols, rows);
	now = bx_now_ms();
	draw_all(&s, g, now);
	bx_tty_draw(t, g);
	last_tick = now;
	for (;;) {
		if (*stop) {
			for (i = s.n - 1; i >= 0; i--)
				if (s.v[i]->ops->tick != NULL)
					s.v[i]->ops->tick(s.v[i], bx_now_ms(), BX_TICK_STOP);
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
			for (i = 0; i < s.n; i++)
				if (s.v[i]->ops->resize != NULL)
					s.v[i]->ops->resize(s.v[i], cols, rows);
			flags |= BX_VIEW_REDRAW;
		} else if (k.key != BX_KEY_TIMEOUT) {
			top = s.v[s.n - 1];
			f = top->ops->key(top, &k, now);
			restack(&s, top, f, cols, rows);
			/* A closed or pushed view changes what is on screen. */
			flags |= f | ((f & (BX_VIEW_PUSH | BX_VIEW_CLOSE | BX_VIEW_UNCOVER)) ? BX_VIEW_REDRAW : 0);
		}
		/* Ticks also run while keys keep coming, so a busy annotator
		 * never starves the heartbeat. BOXEL_NOW_MS may pin the clock:
		 * then a timeout still counts as a tick. */
		if (k.key == BX_KEY_TIMEOUT || now - last_tick >= tick_ms || now < last_tick) {
			flags |= tick_all(&s, now, k.key == BX_KEY_TIMEOUT ? BX_TICK_IDLE : BX_TICK_BUSY,
			                  cols, rows);
			last_tick = now;
		}
		if (flags & BX_VIEW_NEWIMAGE)
			bx_tty_reset_colors(t);
		if (flags & BX_VIEW_FULL)
			bx_tty_invalidate(t);
		if (flags & (BX_VIEW_REDRAW | BX_VIEW_NEWIMAGE | BX_VIEW_FULL)) {
			draw_all(&s, g, now);
			bx_tty_draw(t, g);
		}
		if (flags & BX_VIEW_QUIT)
			break;
	}
	while (s.n > 1)
		pop(&s);
	flash_tty = NULL;
	flash_grid = NULL;
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
