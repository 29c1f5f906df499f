/* fmt-cvat-map.h: how a geometry kind is written into CVAT for images 1.1
 * XML and read back (fmt-cvat.c). A kind's descriptor points at its
 * struct bx_cvat_map (NULL: CVAT cannot hold it); fmt-cvat.c walks the
 * table and calls the hooks, so a kind CVAT can hold brings its mapping
 * in its own file.
 *
 * One element name may be several kinds' (CVAT's <box> is a box, or with
 * a rotation a rotated box): the reader offers an element to each kind
 * whose map names it, in table order, and the first whose read hook takes
 * it (returns 1) gets it; a hook declines (0) what another kind holds.
 * A kind written as several elements sharing a group_id (a multipolygon:
 * one <polygon> per ring) sets grouped: the reader joins the elements of
 * one group, of one label and read by one kind, into an object of it when
 * the class may draw it (or there is no taxonomy to ask).
 *
 * Numbers are written as CVAT writes them: C locale, 2 decimals. */
#ifndef BOXEL_FMT_CVAT_MAP_H
#define BOXEL_FMT_CVAT_MAP_H

#include <stddef.h>

#include "boxel/annot.h"
#include "boxel/xml.h"

struct bx_buf;
struct bx_class;

/* What a write hook writes into. */
struct bx_cvat_out {
	struct bx_buf *b;
	const struct bx_class *cls; /* the object's class in the taxonomy, or NULL */
	int *next_group;            /* the group_id the next group takes (from 1) */
	int *bad;                   /* set when a string has a character XML cannot carry */
};

struct bx_cvat_map {
	const char *element;  /* "box", "polygon", "points", "tag", ... */
	int grouped;          /* the kind is several elements of one group_id */
	/* Write an as its element(s) (bx_cvat_open ... bx_cvat_end). NULL:
	 * its vertices (forms BX_FORM_POINT, BX_FORM_POINTS) as
	 * points="x,y;x,y" (bx_cvat_write_points). */
	void (*write)(const struct bx_cvat_out *o, const struct bx_annot *an);
	/* Read element e (its label in an->cls already, cls its class or
	 * NULL) into an: 1 taken, 0 declined (why says what it is not),
	 * -1 bad (why says what is wrong). NULL: points="x,y;..." as the
	 * kind's vertices, declined unless their count is one the kind has
	 * (bx_cvat_read_points); for a grouped kind, read only as a group. */
	int (*read)(const struct bx_xml_node *e, const struct bx_class *cls, struct bx_annot *an,
	            char *why, size_t n);
};

/* Writing (fmt-cvat.c). An element is bx_cvat_open, its coordinates
 * (bx_cvat_num, bx_cvat_points), bx_cvat_body (z_order, then the
 * object's <attribute> children), any child elements, bx_cvat_end.
 * shape: 1 for shapes (occluded="0"), 0 for a tag; group: its group_id,
 * 0 for none; indent: tabs before it (2 for an object in an <image>). */
void bx_cvat_open(const struct bx_cvat_out *o, int indent, const char *element,
                  const char *label, int shape, int group);
void bx_cvat_num(const struct bx_cvat_out *o, const char *name, double v);
void bx_cvat_points(const struct bx_cvat_out *o, const struct bx_pt *p, int n);
/* A free attribute name="value" (escaped). */
void bx_cvat_attr_put(const struct bx_cvat_out *o, const char *name, const char *value);
void bx_cvat_body(const struct bx_cvat_out *o, const struct bx_annot *an, int shape);
void bx_cvat_end(const struct bx_cvat_out *o, int indent, const char *element);
/* A shape given by named numbers (v[i] as names[i], n of them) and a
 * rotation (bx_cvat_rotation): the whole element. */
void bx_cvat_write_nums(const struct bx_cvat_out *o, const char *element,
                        const struct bx_annot *an, const char *const *names, const double *v,
                        int n, double rotation);
/* A kind of vertices as element with points="x,y;..." (group: its
 * group_id, 0 for none). */
void bx_cvat_write_points(const struct bx_cvat_out *o, const char *element,
                          const struct bx_annot *an, int group);
/* rotation="DEG" (CVAT's, see bx_cvat_angle_out) unless it is 0: CVAT
 * writes none for an unturned shape. */
void bx_cvat_rotation(const struct bx_cvat_out *o, double deg);
/* An angle as CVAT keeps it: degrees clockwise in [0, 360). */
double bx_cvat_angle_out(double deg);

/* Reading (fmt-cvat.c; an element's attributes: bx_xml_attr): a required number
 * (-1 with why: missing or not a finite number); "x,y;x,y" into *pts
 * (caller frees) with its count (-1 with why). */
int bx_cvat_get_num(const struct bx_xml_node *e, const char *name, double *out, char *why,
                    size_t n);
int bx_cvat_get_points(const struct bx_xml_node *e, struct bx_pt **pts, int *npts, char *why,
                       size_t n);
/* points="x,y;..." as an object of kind g with min to max points (max 0:
 * no limit): 1, or 0 with why when the count is not the kind's. */
int bx_cvat_read_points(const struct bx_xml_node *e, struct bx_annot *an, enum bx_geom g,
                        int min, int max, char *why, size_t n);
/* CVAT's rotation (degrees clockwise) as boxel keeps an angle: (-180, 180]. */
double bx_cvat_angle_in(double deg);

#endif
