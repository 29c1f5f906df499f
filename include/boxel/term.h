/* term.h (boxel's, not curses'): what the terminal can do, found from the
 * environment and terminfo. Implemented in src/tty-term.c, part of the tty
 * module (the only one that may consult curses/terminfo). */
#ifndef BOXEL_TERM_H
#define BOXEL_TERM_H

#include <stddef.h>

#include "boxel/cells.h"

/* COLORTERM=truecolor|24bit -> FULL; else terminfo for $TERM: the RGB flag
 * or colors >= 2^24 -> FULL, colors >= 256 -> 256; else 16. Never prints. */
enum bx_colors bx_term_detect_colors(void);
/* 0 if terminfo's entry for term can address the cursor (a full-screen
 * view can work); else -1 and why (one line, sanitized) in why. */
int bx_term_usable(const char *term, char *why, size_t n);
/* Columns and rows of the terminal on fd; 0 if fd is a terminal that
 * answered, -1 otherwise (outputs untouched). */
int bx_term_size(int fd, int *cols_out, int *rows_out);

#endif
