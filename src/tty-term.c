/* tty-term.c: what the terminal can do (colors, size), from the environment,
 * terminfo and the tty driver. Part of the tty module, the only one allowed
 * to consult curses/terminfo; it never writes to the terminal. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <unistd.h>

#include "boxel/term.h"

enum bx_colors
bx_term_detect_colors(void)
{
	const char *ct = getenv("COLORTERM");
	const char *term = getenv("TERM");
	enum bx_colors mode = BX_COLORS_16;
	TERMINAL *saved = cur_term, *mine;
	int err = 0, n;

	if (ct != NULL && (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0))
		return BX_COLORS_FULL;
	if (term == NULL || *term == '\0')
		return BX_COLORS_16;
	/* With an error pointer setupterm reports instead of printing and
	 * exiting; -1 as the fd keeps it from touching any terminal. Restore
	 * whatever terminal curses had before, so a running UI is unaffected. */
	if (setupterm(term, -1, &err) != OK || err != 1) {
		if (cur_term != saved)
			set_curterm(saved);
		return BX_COLORS_16;
	}
	mine = cur_term;
	n = tigetnum("colors");
	if (tigetflag("RGB") > 0 || n >= (1 << 24))
		mode = BX_COLORS_FULL;
	else if (n >= 256)
		mode = BX_COLORS_256;
	if (saved != mine) {
		set_curterm(saved);
		del_curterm(mine);
	}
	return mode;
}

/* A screen of cells needs cursor addressing: TERM=dumb (Emacs shells, CI
 * logs) or a hardcopy terminal would get every frame as a stream of text.
 * Consults terminfo without touching the terminal, like the above. */
int
bx_term_usable(const char *term, char *why, size_t n)
{
	TERMINAL *saved = cur_term, *mine;
	const char *cup;
	int err = 0, ok;

	if (setupterm((char *)term, -1, &err) != OK || err != 1) {
		if (cur_term != saved)
			set_curterm(saved);
		snprintf(why, n, "terminal type '%.40s' is unknown to terminfo", term);
		return -1;
	}
	mine = cur_term;
	cup = tigetstr((char *)"cup");
	ok = cup != NULL && cup != (char *)-1 && tigetflag((char *)"hc") <= 0 &&
	    tigetflag((char *)"gn") <= 0;
	if (saved != mine) {
		set_curterm(saved);
		del_curterm(mine);
	}
	if (!ok) {
		snprintf(why, n, "terminal type '%.40s' cannot move the cursor; run boxel in an "
		    "xterm-compatible terminal (TERM=xterm-256color, screen, tmux-256color)", term);
		return -1;
	}
	return 0;
}

int
bx_term_size(int fd, int *cols_out, int *rows_out)
{
	struct winsize ws;

	if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0 || ws.ws_row == 0)
		return -1;
	*cols_out = ws.ws_col;
	*rows_out = ws.ws_row;
	return 0;
}
