/* ansi.c: a cell grid as text with SGR color sequences (see ansi.h), for
 * `boxel show`. Works row by row in cells; each row ends reset, so the
 * output can be cut at any newline. */
#include <string.h>

#include "boxel/ansi.h"

/* Append the decimal digits of v (0..999). */
static char *
put_u8(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* The SGR parameters selecting color c as foreground (base 30) or
 * background (base 40). */
static char *
put_color(char *p, uint32_t c, unsigned base)
{
	if (c & BX_COLOR_DEFAULT)
		return put_u8(p, base + 9);
	if (c & BX_COLOR_INDEXED) {
		unsigned n = c & 0xff;

		if (n < 8)
			return put_u8(p, base + n);
		if (n < 16)
			return put_u8(p, base + 60 + n - 8);
		p = put_u8(p, base + 8);
		memcpy(p, ";5;", 3);
		return put_u8(p + 3, n);
	}
	p = put_u8(p, base + 8);
	memcpy(p, ";2;", 3);
	p = put_u8(p + 3, BX_RGB_R(c));
	*p++ = ';';
	p = put_u8(p, BX_RGB_G(c));
	*p++ = ';';
	return put_u8(p, BX_RGB_B(c));
}

static const struct {
	uint16_t bit;
	unsigned on, off;
} attrs[] = {
	{ BX_CELL_BOLD, 1, 22 },
	{ BX_CELL_UNDERLINE, 4, 24 },
	{ BX_CELL_REVERSE, 7, 27 },
};

/* Bytes of the SGR parameters that switching from (fg, bg) to (nfg, nbg)
 * costs. */
static size_t
switch_cost(uint32_t fg, uint32_t bg, uint32_t nfg, uint32_t nbg)
{
	char tmp[64];
	size_t n = 0;

	if (nfg != fg)
		n += (size_t)(put_color(tmp, nfg, 30) - tmp) + 1;
	if (nbg != bg)
		n += (size_t)(put_color(tmp, nbg, 40) - tmp) + 1;
	return n;
}

void
bx_ansi_grid(const struct bx_grid *g, struct bx_buf *out)
{
	int x, y;
	size_t k;

	for (y = 0; y < g->h; y++) {
		/* After "\e[0m" (or at the start) the terminal is in defaults. */
		uint32_t fg = BX_COLOR_DEFAULT, bg = BX_COLOR_DEFAULT;
		uint16_t attr = 0;

		for (x = 0; x < g->w; x++) {
			const struct bx_cell *c = &g->c[(size_t)y * (size_t)g->w + (size_t)x];
			char seq[96], *p = seq + 2;
			uint16_t a = c->attr & (BX_CELL_BOLD | BX_CELL_UNDERLINE | BX_CELL_REVERSE);
			uint32_t ch = c->ch ? c->ch : ' ', cfg = c->fg, cbg = c->bg;
			/* A space shows no foreground unless underlined or reversed:
			 * keep the current one instead of spending bytes. */
			int fg_matters = ch != ' ' || (a & (BX_CELL_UNDERLINE | BX_CELL_REVERSE));
			char u[4];

			if (c->attr & BX_CELL_WIDE_TAIL)
				continue;
			/* A half block and its mirror with the colors swapped look
			 * the same: take whichever needs fewer bytes from here. */
			if ((ch == 0x2584 || ch == 0x2580) && a == 0 &&
			    switch_cost(fg, bg, cbg, cfg) < switch_cost(fg, bg, cfg, cbg)) {
				ch = ch == 0x2584 ? 0x2580 : 0x2584;
				cfg = c->bg;
				cbg = c->fg;
			}
			for (k = 0; k < sizeof attrs / sizeof attrs[0]; k++)
				if ((a ^ attr) & attrs[k].bit) {
					p = put_u8(p, (a & attrs[k].bit) ? attrs[k].on : attrs[k].off);
					*p++ = ';';
				}
			attr = a;
			if (fg_matters && cfg != fg) {
				p = put_color(p, cfg, 30);
				*p++ = ';';
				fg = cfg;
			}
			if (cbg != bg) {
				p = put_color(p, cbg, 40);
				*p++ = ';';
				bg = cbg;
			}
			if (p != seq + 2) {
				seq[0] = '\033';
				seq[1] = '[';
				p[-1] = 'm';
				bx_buf_append(out, seq, (size_t)(p - seq));
			}
			bx_buf_append(out, u, (size_t)bx_utf8_encode(ch, u));
		}
		if (fg != BX_COLOR_DEFAULT || bg != BX_COLOR_DEFAULT || attr != 0)
			bx_buf_append(out, "\033[0m", 4);
		bx_buf_putc(out, '\n');
	}
}
