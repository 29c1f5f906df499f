/* taxonomy-where.c: where each value of a taxonomy's JSON text sits, as
 * line:column (characters, 1-based) per JSON path ("classes[2].hotkey"), so
 * the loader's messages can point into the file: jansson keeps no
 * positions for values. A tiny scanner over text jansson already accepted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/util.h"
#include "json-int.h"
#include "taxonomy-int.h"

struct scan {
	const char *s;
	size_t i;
	int line, col;
	struct bx_json_path path;
	struct bx_tx_loc *locs;
	int nlocs, cap;
};

static void
sc_adv(struct scan *sc)
{
	unsigned char c = (unsigned char)sc->s[sc->i];

	if (c == '\0')
		return;
	sc->i++;
	if (c == '\n') {
		sc->line++;
		sc->col = 1;
	} else if ((c & 0xc0) != 0x80) /* count characters, not UTF-8 bytes */
		sc->col++;
}

static void
sc_ws(struct scan *sc)
{
	while (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' || sc->s[sc->i] == '\n' ||
	    sc->s[sc->i] == '\r')
		sc_adv(sc);
}

static void
sc_record(struct scan *sc)
{
	if (sc->nlocs == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 64;
		sc->locs = bx_realloc(sc->locs, sizeof *sc->locs * (size_t)sc->cap);
	}
	sc->locs[sc->nlocs].path = bx_strdup(sc->path.s);
	sc->locs[sc->nlocs].line = sc->line;
	sc->locs[sc->nlocs].col = sc->col;
	sc->nlocs++;
}

/* Read a string at sc->i (on the quote), decoding escapes into out. */
static void
sc_string(struct scan *sc, struct bx_buf *out)
{
	char u8[4];
	unsigned cp;
	int k, n;

	sc_adv(sc);
	while (sc->s[sc->i] != '\0' && sc->s[sc->i] != '"') {
		if (sc->s[sc->i] == '\\') {
			sc_adv(sc);
			switch (sc->s[sc->i]) {
			case 'n': bx_buf_putc(out, '\n'); break;
			case 't': bx_buf_putc(out, '\t'); break;
			case 'r': bx_buf_putc(out, '\r'); break;
			case 'b': bx_buf_putc(out, '\b'); break;
			case 'f': bx_buf_putc(out, '\f'); break;
			case 'u':
				cp = 0;
				for (k = 0; k < 4 && sc->s[sc->i + 1] != '\0'; k++) {
					char h;

					sc_adv(sc);
					h = sc->s[sc->i];
					cp = cp * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
				}
				if (cp >= 0xd800 && cp <= 0xdfff)
					cp = '?'; /* surrogate pairs: rare in keys; only for naming */
				n = bx_utf8_encode(cp, u8);
				bx_buf_append(out, u8, (size_t)n);
				break;
			default:
				if (sc->s[sc->i] != '\0')
					bx_buf_putc(out, sc->s[sc->i]);
			}
			sc_adv(sc);
		} else {
			bx_buf_putc(out, sc->s[sc->i]);
			sc_adv(sc);
		}
	}
	sc_adv(sc);
}

static void
sc_value(struct scan *sc, int depth)
{
	struct bx_buf key;
	size_t old;
	int idx;

	sc_ws(sc);
	sc_record(sc);
	if (depth > 64) /* the taxonomy schema is 4 levels deep; deeper is ignored */
		return;
	switch (sc->s[sc->i]) {
	case '{':
		sc_adv(sc);
		sc_ws(sc);
		bx_buf_init(&key);
		while (sc->s[sc->i] == '"') {
			bx_buf_reset(&key);
			sc_string(sc, &key);
			sc_ws(sc);
			if (sc->s[sc->i] == ':')
				sc_adv(sc);
			old = bx_json_path_key(&sc->path, key.p ? key.p : "");
			sc_value(sc, depth + 1);
			bx_json_path_pop(&sc->path, old);
			sc_ws(sc);
			if (sc->s[sc->i] == ',') {
				sc_adv(sc);
				sc_ws(sc);
			}
		}
		bx_buf_free(&key);
		if (sc->s[sc->i] == '}')
			sc_adv(sc);
		break;
	case '[':
		sc_adv(sc);
		sc_ws(sc);
		for (idx = 0; sc->s[sc->i] != '\0' && sc->s[sc->i] != ']'; idx++) {
			old = bx_json_path_idx(&sc->path, (size_t)idx);
			sc_value(sc, depth + 1);
			bx_json_path_pop(&sc->path, old);
			sc_ws(sc);
			if (sc->s[sc->i] == ',')
				sc_adv(sc);
			else
				break;
		}
		sc_ws(sc);
		if (sc->s[sc->i] == ']')
			sc_adv(sc);
		break;
	case '"':
		bx_buf_init(&key);
		sc_string(sc, &key);
		bx_buf_free(&key);
		break;
	default:
		while (sc->s[sc->i] != '\0' && !strchr(",]} \t\r\n", sc->s[sc->i]))
			sc_adv(sc);
	}
}

struct bx_tx_loc *
bx_tx_locs(const char *text, int *n_out)
{
	struct scan sc = { .s = text, .line = 1, .col = 1 };

	sc_value(&sc, 0);
	*n_out = sc.nlocs;
	return sc.locs;
}

void
bx_tx_locs_free(struct bx_tx_loc *locs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(locs[i].path);
	free(locs);
}

void
bx_tx_find_loc(const struct bx_tx_loc *locs, int nlocs, const char *path, int *line, int *col)
{
	char tmp[256];
	char *cut;
	int i;

	snprintf(tmp, sizeof tmp, "%s", path);
	for (;;) {
		for (i = 0; i < nlocs; i++)
			if (strcmp(locs[i].path, tmp) == 0) {
				*line = locs[i].line;
				*col = locs[i].col;
				return;
			}
		/* a missing key: point at the enclosing value */
		cut = strrchr(tmp, '.');
		if (cut == NULL || (strrchr(tmp, '[') != NULL && strrchr(tmp, '[') > cut))
			cut = strrchr(tmp, '[');
		if (cut == NULL)
			break;
		*cut = '\0';
	}
	*line = 1;
	*col = 1;
}
