/* tty.c: the only file that includes curses. It turns boxel's cell grid
 * (cells.h) into ncurses cells with extended color pairs, and ncurses keys
 * and mouse reports into boxel key codes (tty.h). Works in terminal cells,
 * origin top-left; it knows nothing of images or annotations. */
#include <curses.h>
#include <term.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "boxel/term.h"
#include "boxel/tty.h"
#include "boxel/util.h"

struct bx_tty {
	SCREEN *scr;
	enum bx_colors colors;
	int ncolors;      /* COLORS of the terminfo in use */
	int direct;       /* terminfo colors are RGB values */
	int no_color;
	int has_colors;
	int mouse;
	int key_c_up, key_c_down, key_c_left, key_c_right;
	int key_s_up, key_s_down;
};

/* For the fatal-signal path: what the terminal was before we took it. */
static struct termios saved_termios;
static int saved_termios_ok;
static volatile sig_atomic_t tty_active;

static const char restore_seq[] =
	"\033[?1002l\033[?1006l\033[?1000l\033[0m\033[?25h\033[?1049l\r\n";

void
bx_tty_restore(void)
{
	ssize_t r;

	if (!tty_active)
		return;
	tty_active = 0;
	r = write(STDOUT_FILENO, restore_seq, sizeof restore_seq - 1);
	(void)r;
	if (saved_termios_ok)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
}

static void
fatal_signal(int sig)
{
	bx_tty_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
env_colors(enum bx_colors *out)
{
	const char *e = getenv("BOXEL_COLORS");

	if (e == NULL || *e == '\0')
		return 0;
	if (strcmp(e, "full") == 0 || strcmp(e, "truecolor") == 0)
		*out = BX_COLORS_FULL;
	else if (strcmp(e, "256") == 0)
		*out = BX_COLORS_256;
	else if (strcmp(e, "16") == 0)
		*out = BX_COLORS_16;
	else if (strcmp(e, "8") == 0)
		*out = BX_COLORS_8;
	else
		return 0;
	return 1;
}

/* The key code ncurses assigned to an extended terminfo key name such as
 * "kUP5" (Ctrl-Up), or -1 when the terminal does not define it. */
static int
ext_key(const char *name)
{
	char *s = tigetstr((char *)name);
	int k;

	if (s == NULL || s == (char *)-1)
		return -1;
	k = key_defined(s);
	return k > 0 ? k : -1;
}

static int
term_is_direct(void)
{
	return tigetflag((char *)"RGB") > 0 || COLORS >= 0x1000000;
}

int
bx_tty_open(struct bx_tty **out, struct bx_err *err)
{
	struct bx_tty *t;
	const char *term = getenv("TERM");
	struct sigaction sa;

	*out = NULL;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return bx_err_set(err, BX_EIO, "standard input and output must be a terminal");
	if (term == NULL || *term == '\0')
		return bx_err_set(err, BX_EIO, "TERM is not set: cannot drive the terminal");
	{
		char why[200], *safe = bx_sanitize_dup(term);
		int bad = bx_term_usable(safe, why, sizeof why);
		free(safe);
		if (bad)
			return bx_err_set(err, BX_EIO, "%s", why);
	}

	/* Half blocks need UTF-8. An SSH forced command or a bare service
	 * account often runs with LANG unset (the C locale): prefer C.UTF-8
	 * then rather than print '?' for every cell. */
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");

	t = bx_calloc(1, sizeof *t);
	if (!env_colors(&t->colors))
		t->colors = bx_term_detect_colors();
	t->no_color = getenv("NO_COLOR") != NULL && *getenv("NO_COLOR") != '\0';

	saved_termios_ok = tcgetattr(STDIN_FILENO, &saved_termios) == 0;

	/* Restore the terminal on fatal signals. Installed before newterm so
	 * ncurses leaves them to us. SIGHUP/SIGTERM belong to the caller. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fatal_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);

	/* Truecolor: the terminal's own terminfo rarely says RGB even when
	 * COLORTERM does, and ncurses only sends RGB through a direct-color
	 * description, so use xterm-direct for the session. */
	t->scr = NULL;
	if (t->colors == BX_COLORS_FULL) {
		int e = 0;
		if (setupterm((char *)term, STDOUT_FILENO, &e) == OK && term_is_direct()) {
			del_curterm(cur_term);
			t->scr = newterm(NULL, stdout, stdin);
		} else {
			if (e == 1)
				del_curterm(cur_term);
			if (setupterm((char *)"xterm-direct", STDOUT_FILENO, &e) == OK) {
				del_curterm(cur_term);
				t->scr = newterm("xterm-direct", stdout, stdin);
			}
		}
		if (t->scr == NULL)
			t->colors = BX_COLORS_256;
	}
	if (t->scr == NULL)
		t->scr = newterm(NULL, stdout, stdin);
	if (t->scr == NULL) {
		free(t);
		return bx_err_set(err, BX_EIO, "terminal type '%s' is unknown to terminfo", term);
	}
	set_term(t->scr);
	tty_active = 1;
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	leaveok(stdscr, TRUE);
	scrollok(stdscr, FALSE);
	curs_set(0);
	set_escdelay(25);

	t->has_colors = has_colors();
	if (t->has_colors) {
		start_color();
		use_default_colors();
		t->ncolors = COLORS;
		t->direct = term_is_direct();
		if (t->colors == BX_COLORS_FULL && !t->direct)
			t->colors = t->ncolors >= 256 ? BX_COLORS_256 : BX_COLORS_16;
		if (t->colors == BX_COLORS_256 && t->ncolors < 256)
			t->colors = BX_COLORS_16;
		/* Mapping the 16-color image onto 8 turns bright colors dark
		 * (a photo went nearly black): dither onto the 8 instead. */
		if (t->colors == BX_COLORS_16 && t->ncolors < 16)
			t->colors = BX_COLORS_8;
	} else {
		t->colors = BX_COLORS_16;
		t->ncolors = 0;
	}

	t->key_c_up = ext_key("kUP5");
	t->key_c_down = ext_key("kDN5");
	t->key_c_left = ext_key("kLFT5");
	t->key_c_right = ext_key("kRIT5");
	t->key_s_up = ext_key("kUP");
	t->key_s_down = ext_key("kDN");

	/* Mouse: press/release, wheel, and motion while a button is held
	 * (xterm 1002) for drawing boxes by dragging; the SGR encoding (1006)
	 * is what ncurses asks for via XM where the terminfo has it. */
	mouseinterval(0);
	if (mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON3_PRESSED |
	              BUTTON4_PRESSED | BUTTON5_PRESSED | REPORT_MOUSE_POSITION, NULL) != 0) {
		t->mouse = 1;
		putp("\033[?1002h");
		fflush(stdout);
	}
	*out = t;
	return 0;
}

void
bx_tty_close(struct bx_tty *t)
{
	if (t == NULL)
		return;
	if (t->mouse) {
		putp("\033[?1002l");
		fflush(stdout);
	}
	mousemask(0, NULL);
	curs_set(1);
	endwin();
	tty_active = 0;
	delscreen(t->scr);
	free(t);
}

void
bx_tty_size(const struct bx_tty *t, int *cols_out, int *rows_out)
{
	(void)t;
	*cols_out = COLS;
	*rows_out = LINES;
}

enum bx_colors
bx_tty_colors(const struct bx_tty *t)
{
	return t->colors;
}

int
bx_tty_no_color(const struct bx_tty *t)
{
	return t->no_color;
}

void
bx_tty_reset_colors(struct bx_tty *t)
{
	if (!t->has_colors)
		return;
	reset_color_pairs();
	/* Pair numbers are handed out afresh: a cell on screen may keep its
	 * old number with a new meaning, which the diff would not see. */
	clearok(curscr, TRUE);
}

void
bx_tty_invalidate(struct bx_tty *t)
{
	(void)t;
	clearok(curscr, TRUE);
}

/* A cell color as a color number of the terminfo in use (-1: default). */
static int
tty_color(const struct bx_tty *t, uint32_t c)
{
	int n;

	if (c & BX_COLOR_DEFAULT)
		return -1;
	if (c & BX_COLOR_INDEXED) {
		n = (int)(c & 0xff);
		if (t->direct) {
			/* Direct-color terminfo treats 0..7 as the ANSI colors
			 * and everything else as RGB. */
			if (n < 8)
				return n;
			c = bx_color_256_rgb(n);
		} else if (n < t->ncolors) {
			return n;
		} else {
			c = bx_color_256_rgb(n);
			return t->ncolors >= 16 ? bx_color_to_16(c) : bx_color_to_8(c);
		}
	}
	c &= 0xffffff;
	switch (t->colors) {
	case BX_COLORS_FULL:
		if (t->direct)
			return c < 8 ? 8 : (int)c; /* 0..7 would be ANSI colors */
		/* fall through */
	case BX_COLORS_256:
		if (t->ncolors >= 256)
			return bx_color_to_256(c);
		/* fall through */
	case BX_COLORS_16:
		if (t->ncolors >= 16)
			return bx_color_to_16(c);
		/* fall through */
	case BX_COLORS_8:
	default:
		return bx_color_to_8(c);
	}
}

void
bx_tty_draw(struct bx_tty *t, const struct bx_grid *g)
{
	int x, y, w, h, pair;
	cchar_t cc;
	wchar_t wc[2];
	attr_t a;

	w = g->w < COLS ? g->w : COLS;
	h = g->h < LINES ? g->h : LINES;
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			const struct bx_cell *c = &g->c[y * g->w + x];
			if (c->attr & BX_CELL_WIDE_TAIL)
				continue;
			wc[0] = (wchar_t)(c->ch ? c->ch : ' ');
			wc[1] = 0;
			a = A_NORMAL;
			if (c->attr & BX_CELL_BOLD)
				a |= A_BOLD;
			if (c->attr & BX_CELL_REVERSE)
				a |= A_REVERSE;
			if (c->attr & BX_CELL_UNDERLINE)
				a |= A_UNDERLINE;
			pair = 0;
			if (t->has_colors) {
				pair = alloc_pair(tty_color(t, c->fg), tty_color(t, c->bg));
				if (pair < 0)
					pair = 0;
			}
			setcchar(&cc, wc, a, 0, &pair);
			mvwadd_wch(stdscr, y, x, &cc);
		}
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static int
map_key(struct bx_tty *t, int k)
{
	switch (k) {
	case KEY_UP: return BX_KEY_UP;
	case KEY_DOWN: return BX_KEY_DOWN;
	case KEY_LEFT: return BX_KEY_LEFT;
	case KEY_RIGHT: return BX_KEY_RIGHT;
	case KEY_SR: return BX_KEY_S_UP;
	case KEY_SF: return BX_KEY_S_DOWN;
	case KEY_SLEFT: return BX_KEY_S_LEFT;
	case KEY_SRIGHT: return BX_KEY_S_RIGHT;
	case KEY_BTAB: return BX_KEY_BTAB;
	case KEY_BACKSPACE: return BX_KEY_BACKSPACE;
	case KEY_DC: return BX_KEY_DELETE;
	case KEY_IC: return BX_KEY_INSERT;
	case KEY_HOME: return BX_KEY_HOME;
	case KEY_END: return BX_KEY_END;
	case KEY_PPAGE: return BX_KEY_PGUP;
	case KEY_NPAGE: return BX_KEY_PGDN;
	case KEY_F(1): return BX_KEY_F1;
	case KEY_ENTER: return BX_KEY_ENTER;
	case KEY_RESIZE: return BX_KEY_RESIZE;
	default: break;
	}
	if (k == t->key_c_up) return BX_KEY_C_UP;
	if (k == t->key_c_down) return BX_KEY_C_DOWN;
	if (k == t->key_c_left) return BX_KEY_C_LEFT;
	if (k == t->key_c_right) return BX_KEY_C_RIGHT;
	if (k == t->key_s_up) return BX_KEY_S_UP;
	if (k == t->key_s_down) return BX_KEY_S_DOWN;
	return BX_KEY_NONE;
}

static int
map_mouse(struct bx_key *out)
{
	MEVENT me;

	if (getmouse(&me) != OK)
		return BX_KEY_NONE;
	out->x = me.x;
	out->y = me.y;
	out->button = 1;
	if (me.bstate & BUTTON4_PRESSED)
		out->mev = BX_MOUSE_WHEEL_UP;
	else if (me.bstate & BUTTON5_PRESSED)
		out->mev = BX_MOUSE_WHEEL_DOWN;
	else if (me.bstate & BUTTON1_PRESSED)
		out->mev = BX_MOUSE_PRESS;
	else if (me.bstate & BUTTON3_PRESSED) {
		out->mev = BX_MOUSE_PRESS;
		out->button = 3;
	} else if (me.bstate & BUTTON1_RELEASED)
		out->mev = BX_MOUSE_RELEASE;
	else if (me.bstate & REPORT_MOUSE_POSITION)
		out->mev = BX_MOUSE_DRAG;
	else
		return BX_KEY_NONE;
	return BX_KEY_MOUSE;
}

int
bx_tty_getkey(struct bx_tty *t, int timeout_ms, struct bx_key *out)
{
	wint_t wch;
	int r;

	memset(out, 0, sizeof *out);
	for (;;) {
		wtimeout(stdscr, timeout_ms);
		errno = 0;
		r = wget_wch(stdscr, &wch);
		if (r == ERR) {
			out->key = BX_KEY_TIMEOUT;
			return out->key;
		}
		if (r == KEY_CODE_YES) {
			if (wch == KEY_MOUSE)
				out->key = map_mouse(out);
			else
				out->key = map_key(t, (int)wch);
		} else {
			switch (wch) {
			case '\n':
			case '\r':
				out->key = BX_KEY_ENTER;
				break;
			case 127:
			case 8:
				out->key = BX_KEY_BACKSPACE;
				break;
			default:
				out->key = (int)wch;
			}
		}
		if (out->key != BX_KEY_NONE)
			return out->key;
		/* Unknown function key or mouse noise: wait again. */
		if (timeout_ms >= 0) {
			out->key = BX_KEY_TIMEOUT;
			return out->key;
		}
	}
}
