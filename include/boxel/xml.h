/* xml.h: an XML document as a tree, as expat builds it (xml.c is the only
 * file that includes expat.h), for the readers of XML formats (VOC, CVAT),
 * and text escaped for XML. expat decodes the declared encoding (UTF-8,
 * UTF-16, ISO-8859-1, US-ASCII) and hands out UTF-8; a DOCTYPE with an
 * internal subset is parsed, external entities are never fetched. */
#ifndef BOXEL_XML_H
#define BOXEL_XML_H

#include <stddef.h>

#include "boxel/util.h"

struct bx_xml_node {
	char *name;
	char **attrs;              /* name, value, name, value, ..., NULL */
	struct bx_buf text;        /* the character data directly inside it */
	struct bx_xml_node **kids; /* child elements in document order */
	int nkids;
	int line;                  /* 1-based line of its start tag */
};

/* The document's root element (free with bx_xml_free), or NULL with one
 * line in err: "LINE:COL: not well-formed XML: REASON" or "LINE: elements
 * nested too deep" (over 32 levels). */
struct bx_xml_node *bx_xml_parse(const char *text, char *err, size_t errsz);
void bx_xml_free(struct bx_xml_node *n);
/* The value of attribute name of n, or NULL. */
const char *bx_xml_attr(const struct bx_xml_node *n, const char *name);
/* The name of the first element of an XML text's beginning (after a byte
 * order mark, the declaration, comments and a DOCTYPE) into buf, "" when
 * there is none: how a reader tells one XML format from another. */
void bx_xml_root_name(const char *head, char *buf, size_t n);
/* The first character of s that XML 1.0 cannot carry in any form, not
 * even as a character reference (a C0 control other than tab and line
 * ends; U+FFFE, U+FFFF): its code point, or -1 when s has none. expat and
 * every conforming parser refuse a document holding one, so the XML
 * writers leave out (with a line) what holds one before writing. */
long bx_xml_unfit(const char *s);
/* s escaped for an attribute value or text: & < > " as entities, tab and
 * line ends as character references (an attribute keeps them). -1 when s
 * has a character bx_xml_unfit finds (left out of the text, which stays
 * well-formed). The one XML escaper: VOC, CVAT, Label Studio's config. */
int bx_xml_put(struct bx_buf *b, const char *s);

#endif
