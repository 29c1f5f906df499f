/* tty.h: the terminal, as the views see it: open/close, keys and mouse as
 * boxel's own key codes, and output of a whole cell grid (cells.h). Only
 * src/tty.c includes curses; nothing here names a curses type. */
#ifndef BOXEL_TTY_H
#define BOXEL_TTY_H

#include <stdint.h>

#include "boxel/cells.h"
#include "boxel/err.h"

/* Key codes: printable characters are their Unicode code point, control
 * keys their control code (Ctrl-R = 18, Tab = 9, Esc = 27). Everything else
 * is above the Unicode range. */
enum {
	BX_KEY_NONE = 0,
	BX_KEY_TAB = 9,
	BX_KEY_ENTER = 13,
	BX_KEY_ESC = 27,
	BX_KEY_SPECIAL = 0x110000,
	BX_KEY_UP = BX_KEY_SPECIAL,
	BX_KEY_DOWN,
	BX_KEY_LEFT,
	BX_KEY_RIGHT,
	BX_KEY_S_UP,        /* Shift-arrows */
	BX_KEY_S_DOWN,
	BX_KEY_S_LEFT,
	BX_KEY_S_RIGHT,
	BX_KEY_C_UP,        /* Ctrl-arrows */
	BX_KEY_C_DOWN,
	BX_KEY_C_LEFT,
	BX_KEY_C_RIGHT,
	BX_KEY_BTAB,        /* Shift-Tab */
	BX_KEY_BACKSPACE,
	BX_KEY_DELETE,
	BX_KEY_INSERT,
	BX_KEY_HOME,
	BX_KEY_END,
	BX_KEY_PGUP,
	BX_KEY_PGDN,
	BX_KEY_F1,
	BX_KEY_RESIZE,      /* the terminal changed size */
	BX_KEY_MOUSE,       /* see struct bx_key's mouse fields */
	BX_KEY_TIMEOUT,     /* nothing arrived within the timeout */
};

enum bx_mouse_ev {
	BX_MOUSE_PRESS = 1,
	BX_MOUSE_RELEASE,
	BX_MOUSE_DRAG,      /* motion with button 1 held */
	BX_MOUSE_WHEEL_UP,
	BX_MOUSE_WHEEL_DOWN,
};

struct bx_key {
	int key;
	/* BX_KEY_MOUSE only: event, button (1..3), cell position. */
	enum bx_mouse_ev mev;
	int button, x, y;
};

struct bx_tty;

/* Take over the terminal on stdin/stdout (alternate screen, raw keys,
 * mouse where reported). colors: how cell colors are sent (detected by
 * bx_term_detect_colors plus COLORTERM; BOXEL_COLORS=full|256|16 forces).
 * BX_ETTY-like failures (no terminal) are BX_EIO with a message. */
int bx_tty_open(struct bx_tty **out, struct bx_err *err);
/* Restore the terminal. NULL is a no-op. Safe to call twice. */
void bx_tty_close(struct bx_tty *t);
/* Restore the terminal without freeing anything: for fatal-signal paths. */
void bx_tty_restore(void);

void bx_tty_size(const struct bx_tty *t, int *cols_out, int *rows_out);
enum bx_colors bx_tty_colors(const struct bx_tty *t);
/* NO_COLOR is set: UI chrome should not use color (images still do). */
int bx_tty_no_color(const struct bx_tty *t);

/* Forget every color pair (call when the image changes), so the pair table
 * never fills up with colors no longer on screen. */
void bx_tty_reset_colors(struct bx_tty *t);
/* Send g to the terminal. ncurses diffs against what is on screen: an
 * unchanged grid sends nothing. g must be the terminal's size (smaller is
 * drawn clipped). */
void bx_tty_draw(struct bx_tty *t, const struct bx_grid *g);
/* Redraw everything on the next bx_tty_draw (Ctrl-L). */
void bx_tty_invalidate(struct bx_tty *t);

/* Wait up to timeout_ms (< 0: forever) for a key. Returns the key code
 * (also stored in out->key): BX_KEY_TIMEOUT when nothing came. A signal
 * (SIGHUP, SIGTERM) interrupts the wait with BX_KEY_TIMEOUT, so the caller
 * checks its flags on every return. */
int bx_tty_getkey(struct bx_tty *t, int timeout_ms, struct bx_key *out);

#endif
