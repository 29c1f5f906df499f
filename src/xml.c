/* xml.c: XML documents as trees (expat's callbacks build them) and text
 * escaped for XML. See boxel/xml.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <expat.h>

#include "boxel/xml.h"

struct build {
	XML_Parser p;
	struct bx_xml_node *root;
	struct bx_xml_node *stack[34];
	int depth;
	char err[200];
};

void
bx_xml_free(struct bx_xml_node *n)
{
	int i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		bx_xml_free(n->kids[i]);
	for (i = 0; n->attrs != NULL && n->attrs[i] != NULL; i++)
		free(n->attrs[i]);
	free(n->attrs);
	free(n->kids);
	free(n->name);
	bx_buf_free(&n->text);
	free(n);
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct build *x = ud;
	struct bx_xml_node *n, *parent;
	int k;

	if (x->depth >= (int)BX_ARRAY_LEN(x->stack) - 1) {
		snprintf(x->err, sizeof x->err, "%lu: elements nested too deep",
		    (unsigned long)XML_GetCurrentLineNumber(x->p));
		XML_StopParser(x->p, XML_FALSE);
		return;
	}
	n = bx_calloc(1, sizeof *n);
	n->name = bx_strdup(name);
	n->line = (int)XML_GetCurrentLineNumber(x->p);
	bx_buf_init(&n->text);
	for (k = 0; attrs[k] != NULL; k++)
		;
	n->attrs = bx_calloc((size_t)k + 1, sizeof *n->attrs);
	for (k = 0; attrs[k] != NULL; k++)
		n->attrs[k] = bx_strdup(attrs[k]);
	if (x->depth == 0)
		x->root = n;
	else {
		parent = x->stack[x->depth - 1];
		parent->kids = bx_realloc(parent->kids, sizeof *parent->kids *
		    (size_t)(parent->nkids + 1));
		parent->kids[parent->nkids++] = n;
	}
	x->stack[x->depth++] = n;
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct build *x = ud;

	(void)name;
	if (x->depth > 0)
		x->depth--;
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct build *x = ud;

	if (x->depth > 0)
		bx_buf_append(&x->stack[x->depth - 1]->text, s, (size_t)len);
}

struct bx_xml_node *
bx_xml_parse(const char *text, char *err, size_t errsz)
{
	struct build x;

	memset(&x, 0, sizeof x);
	x.p = XML_ParserCreate(NULL);
	if (x.p == NULL)
		abort();   /* only fails allocating: out of memory aborts */
	XML_SetUserData(x.p, &x);
	XML_SetElementHandler(x.p, on_start, on_end);
	XML_SetCharacterDataHandler(x.p, on_text);
	if (XML_Parse(x.p, text, (int)strlen(text), XML_TRUE) == XML_STATUS_ERROR) {
		if (x.err[0] != '\0')
			snprintf(err, errsz, "%s", x.err);
		else
			snprintf(err, errsz, "%lu:%lu: not well-formed XML: %s",
			    (unsigned long)XML_GetCurrentLineNumber(x.p),
			    (unsigned long)XML_GetCurrentColumnNumber(x.p) + 1,
			    XML_ErrorString(XML_GetErrorCode(x.p)));
		bx_xml_free(x.root);
		x.root = NULL;
	}
	XML_ParserFree(x.p);
	return x.root;
}

const char *
bx_xml_attr(const struct bx_xml_node *n, const char *name)
{
	int i;

	for (i = 0; n->attrs[i] != NULL; i += 2)
		if (strcmp(n->attrs[i], name) == 0)
			return n->attrs[i + 1];
	return NULL;
}

/* Past what precedes the root: a declaration or processing instruction
 * (<? ?>), a comment, a DOCTYPE (<! >). */
static const char *
skip_prolog_item(const char *p)
{
	const char *end;

	if (strncmp(p, "<?", 2) == 0)
		end = strstr(p, "?>"), end = end ? end + 2 : NULL;
	else if (strncmp(p, "<!--", 4) == 0)
		end = strstr(p, "-->"), end = end ? end + 3 : NULL;
	else if (strncmp(p, "<!", 2) == 0)
		end = strchr(p, '>'), end = end ? end + 1 : NULL;
	else
		return p;
	return end ? end : p + strlen(p);
}

void
bx_xml_root_name(const char *head, char *buf, size_t n)
{
	const char *p = head, *q;
	size_t k = 0;

	if (strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	buf[0] = '\0';
	for (;;) {
		p += strspn(p, " \t\r\n");
		if ((q = skip_prolog_item(p)) == p)
			break;
		p = q;
	}
	if (*p++ != '<')
		return;
	while (k + 1 < n && *p && !strchr(" \t\r\n/>", *p))
		buf[k++] = *p++;
	buf[k] = '\0';
}

/* The character XML 1.0 cannot carry in any form that starts at p: its
 * code point, its length in bytes in *len; -1 when p starts a fit one.
 * Tab and line ends are fit (as character references). */
static long
unfit_at(const unsigned char *p, int *len)
{
	*len = 1;
	if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
		return *p;
	/* U+FFFE and U+FFFF are no characters of XML either */
	if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
		*len = 3;
		return p[2] == 0xbe ? 0xfffe : 0xffff;
	}
	return -1;
}

long
bx_xml_unfit(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long cp;
	int len;

	for (; *p != '\0'; p++)
		if ((cp = unfit_at(p, &len)) >= 0)
			return cp;
	return -1;
}

int
bx_xml_put(struct bx_buf *b, const char *s)
{
	static const char *const ent[128] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
		['\t'] = "&#9;", ['\n'] = "&#10;", ['\r'] = "&#13;",
	};
	const unsigned char *p = (const unsigned char *)s;
	int rc = 0, len;

	for (; *p != '\0'; p += len) {
		if (unfit_at(p, &len) >= 0)
			rc = -1;
		else if (*p < 128 && ent[*p] != NULL)
			bx_buf_puts(b, ent[*p]);
		else
			bx_buf_putc(b, (char)*p);
	}
	return rc;
}
