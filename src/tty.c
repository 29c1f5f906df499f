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
	int key_sgr, key_x10;  /* codes bound to the mouse reports' prefixes */
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

/* Mouse reports are read here, not by ncurses: its SGR decoder (6.4)
 * overflows a stack array on a report with many parameters, and it reads
 * the rest of a report with blocking reads whatever the timeout, so a
 * truncated report froze the screen until the next byte. The prefixes
 * (ESC [ < for SGR 1006, ESC [ M for the old X10 form) are bound to key
 * codes of our own; the rest is read here byte by byte, each byte within
 * MOUSE_BYTE_MS, at most MOUSE_REPORT_MAX of them. */
#ifndef MOUSE_BYTE_MS
#define MOUSE_BYTE_MS 100
#endif
#define MOUSE_REPORT_MAX 64

/* The next character of a report, or -1 when none came in time or it is
 * a function key (pushed back so it is not lost). */
static int
mouse_byte(void)
{
	wint_t wch;
	int r;

	wtimeout(stdscr, MOUSE_BYTE_MS);
	r = wget_wch(stdscr, &wch);
	if (r == ERR)
		return -1;
	if (r == KEY_CODE_YES) {
		ungetch((int)wch);
		return -1;
	}
	return (int)wch;
}

/* One report's button code (xterm's Cb without the offset of 32 the X10
 * form adds), cell position 1-based, and press (1) or release (0). */
static int
mouse_event(struct bx_key *out, int cb, int x, int y, int press)
{
	int button = cb & 3;

	out->x = x > 0 ? x - 1 : 0;
	out->y = y > 0 ? y - 1 : 0;
	out->button = 1;
	if (cb & 64) {
		/* Wheel: 64 up, 65 down; sideways (66, 67) and releases ignored. */
		if (!press || button > 1)
			return BX_KEY_NONE;
		out->mev = button == 0 ? BX_MOUSE_WHEEL_UP : BX_MOUSE_WHEEL_DOWN;
		return BX_KEY_MOUSE;
	}
	if (cb & 128)
		return BX_KEY_NONE;  /* buttons 8-11 */
	if (cb & 32) {
		out->mev = BX_MOUSE_DRAG;
		return BX_KEY_MOUSE;
	}
	if (!press || button == 3) {
		/* SGR says which button went up; X10 says only that one did.
		 * The views act on button 1's release alone. */
		if (button != 0 && button != 3)
			return BX_KEY_NONE;
		out->mev = BX_MOUSE_RELEASE;
		return BX_KEY_MOUSE;
	}
	if (button == 1)
		return BX_KEY_NONE;  /* middle button: no action */
	out->mev = BX_MOUSE_PRESS;
	out->button = button == 2 ? 3 : 1;
	return BX_KEY_MOUSE;
}

/* After ESC [ <: Cb ; Cx ; Cy then M (press, motion) or m (release).
 * Read as any control sequence is (ECMA-48: parameter bytes 0x30-0x3f,
 * intermediates 0x20-0x2f, one final byte 0x40-0x7e), so a malformed
 * report is swallowed whole rather than typed as keys; a byte outside
 * that grammar ends it and is kept as the key it is. */
static int
read_sgr_mouse(struct bx_key *out)
{
	long v[3] = { 0, 0, 0 };
	int n = 0, digits = 0, bad = 0, i, c;

	for (i = 0; i < MOUSE_REPORT_MAX; i++) {
		c = mouse_byte();
		if (c < 0)
			return BX_KEY_NONE;  /* cut short */
		if (c >= 0x40 && c <= 0x7e) {
			if (bad || n != 2 || digits == 0 || (c != 'M' && c != 'm'))
				return BX_KEY_NONE;
			return mouse_event(out, (int)v[0], (int)v[1], (int)v[2], c == 'M');
		}
		if (c < 0x20 || c > 0x3f) {
			unget_wch((wchar_t)c);
			return BX_KEY_NONE;
		}
		if (bad)
			continue;
		if (c >= '0' && c <= '9') {
			if (++digits > 5)
				bad = 1;
			else
				v[n] = v[n] * 10 + (c - '0');
		} else if (c == ';' && digits > 0 && n < 2) {
			n++;
			digits = 0;
		} else {
			bad = 1;
		}
	}
	return BX_KEY_NONE;
}

/* After ESC [ M: three bytes, each a value plus 32 (positions past 223
 * cannot be told; terminals that have SGR are asked for it instead). */
static int
read_x10_mouse(struct bx_key *out)
{
	int b[3], i;

	for (i = 0; i < 3; i++) {
		b[i] = mouse_byte();
		if (b[i] < 32 || b[i] > 255)
			return BX_KEY_NONE;
		b[i] -= 32;
	}
	return mouse_event(out, b[0], b[1], b[2], 1);
}

/* A report whose ESC came alone: ncurses gives a lone ESC after
 * set_escdelay's 25 ms, but a slow link (SSH over a busy network) can
 * split a report there, and its tail "[<0;31;21M" would then be typed as
 * keys ([, <, a count, the jump, the minimap) and the click lost. So after
 * a lone ESC, a '[' within ESC_TAIL_MS followed at once by '<' is read as
 * the rest of an SGR report: a person does not type Esc [ < that fast.
 * Anything else is pushed back and the ESC is the key; a lone Esc with
 * nothing after it is held ESC_TAIL_MS longer (an Esc followed by another
 * key is not held at all). */
#ifndef ESC_TAIL_MS
#define ESC_TAIL_MS 200
#endif

/* Push back what wget_wch returned (r: OK or KEY_CODE_YES). */
static void
push_back(int r, wint_t wch)
{
	if (r == KEY_CODE_YES)
		ungetch((int)wch);
	else if (r == OK)
		unget_wch((wchar_t)wch);
}

static int
esc_or_report(struct bx_key *out)
{
	wint_t a, b;
	int ra, rb;

	wtimeout(stdscr, ESC_TAIL_MS);
	ra = wget_wch(stdscr, &a);
	if (ra == ERR)
		return BX_KEY_ESC;
	if (ra != OK || a != '[') {
		push_back(ra, a);
		return BX_KEY_ESC;
	}
	wtimeout(stdscr, MOUSE_BYTE_MS);
	rb = wget_wch(stdscr, &b);
	if (rb == OK && b == '<')
		return read_sgr_mouse(out);
	/* ungetch is a stack: the later character first. */
	push_back(rb, b);
	unget_wch(L'[');
	return BX_KEY_ESC;
}

/* Mouse modes: press/release and motion while a button is held (xterm
 * 1002) for drawing boxes by dragging, reported in the SGR encoding
 * (1006) where the terminal has it. */
static const char mouse_on_seq[] = "\033[?1000h\033[?1002h\033[?1006h";
static const char mouse_off_seq[] = "\033[?1006l\033[?1002l\033[?1000l";

/* A key code not bound to anything, for a prefix of our own. */
static int
free_key_code(int after)
{
	int c;

	for (c = after > KEY_MAX ? after + 1 : KEY_MAX + 1; c < KEY_MAX + 4096; c++) {
		char *s = keybound(c, 0);

		if (s == NULL)
			return c;
		free(s);
	}
	return -1;
}

/* Takes the mouse prefixes away from ncurses (which would decode the
 * reports itself) and binds them to codes of our own. The mouse is on
 * where the terminfo says the terminal reports it (kmous). */
static void
mouse_setup(struct bx_tty *t)
{
	char *km = tigetstr((char *)"kmous");

	t->mouse = 0;
	t->key_sgr = t->key_x10 = -1;
	if (km == NULL || km == (char *)-1 || *km == '\0')
		return;
	define_key(NULL, KEY_MOUSE);
	t->key_sgr = free_key_code(0);
	if (t->key_sgr < 0 || define_key("\033[<", t->key_sgr) != OK)
		return;
	t->key_x10 = free_key_code(t->key_sgr);
	if (t->key_x10 < 0 || define_key("\033[M", t->key_x10) != OK)
		return;
	t->mouse = 1;
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

	mouse_setup(t);
	if (t->mouse) {
		putp(mouse_on_seq);
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
		putp(mouse_off_seq);
		fflush(stdout);
	}
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
			if ((int)wch == t->key_sgr)
				out->key = read_sgr_mouse(out);
			else if ((int)wch == t->key_x10)
				out->key = read_x10_mouse(out);
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
			case 27:
				out->key = esc_or_report(out);
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
