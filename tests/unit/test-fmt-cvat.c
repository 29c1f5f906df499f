/* test-fmt-cvat.c: CVAT for images XML (fmt-cvat.c) and each kind's map
 * in its descriptor: the table's BX_FMT_CVAT bits match the maps; the
 * reader's refusals name the element and what is wrong; angles and
 * groups; telling CVAT's root from VOC's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/formats.h"
#include "boxel/fmt-cvat-map.h"
#include "boxel/geom.h"
#include "boxel/taxonomy.h"
#include "boxel/util.h"
#include "boxel/xml.h"
#include "harness.h"

static void
test_maps(void)
{
	const struct bx_geom_kind *k;
	int i;

	for (i = 0; (k = bx_geom_at(i)) != NULL; i++) {
		CASE(k->name);
		/* export's "left out" lines ask the bit, the writer the map */
		CHECK(((k->formats & BX_FMT_CVAT) != 0) == (k->cvat != NULL));
		CHECK(k->cvat == NULL || k->cvat->element != NULL);
		/* without hooks, its vertices are the element's points */
		CHECK(k->cvat == NULL || k->cvat->write != NULL || k->form == BX_FORM_POINT ||
		      k->form == BX_FORM_POINTS);
		CHECK(k->cvat == NULL || k->cvat->read != NULL || k->cvat->grouped ||
		      k->form == BX_FORM_POINT || k->form == BX_FORM_POINTS);
		/* a kind read only as a group is of rings, written by its hook */
		CHECK(k->cvat == NULL || !k->cvat->grouped ||
		      (k->form == BX_FORM_RINGS && k->cvat->write != NULL));
	}
}

static void
test_angles(void)
{
	CASE("angles");
	CHECK_NEAR(bx_cvat_angle_out(-30), 330, 1e-12);
	CHECK_NEAR(bx_cvat_angle_out(180), 180, 1e-12);
	CHECK_NEAR(bx_cvat_angle_out(-0.001), 0, 1e-12); /* would print as 360.00 */
	CHECK_NEAR(bx_cvat_angle_in(330), -30, 1e-12);
	CHECK_NEAR(bx_cvat_angle_in(180), 180, 1e-12);
	CHECK_NEAR(bx_cvat_angle_in(-190), 170, 1e-12);
	CHECK_NEAR(bx_cvat_angle_in(720), 0, 1e-12);
}

static void
test_root(void)
{
	char buf[32];

	CASE("root element");
	bx_xml_root_name("\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE x>\n"
	    "<annotations>", buf, sizeof buf);
	CHECK_STR(buf, "annotations");
	bx_xml_root_name("<annotation><folder/>", buf, sizeof buf);
	CHECK_STR(buf, "annotation");
	bx_xml_root_name("{\"images\": []}", buf, sizeof buf);
	CHECK_STR(buf, "");
}

/* read TEXT: the dataset and the first error line (or "") */
static struct bx_dataset ds;

static const char *
read_doc(const char *body)
{
	static char first[1024];
	struct bx_err err = { 0 };
	char *text = bx_asprintf("<annotations><version>1.1</version>%s</annotations>", body);

	bx_dataset_free(&ds);
	bx_dataset_init(&ds);
	first[0] = '\0';
	if (bx_cvat_read(text, "t.xml", &ds, &err) < 0)
		snprintf(first, sizeof first, "%s", err.msg);
	else if (ds.nerrors > 0)
		snprintf(first, sizeof first, "%s", ds.errors[0]);
	free(text);
	return first;
}

static void
test_read(void)
{
	const struct bx_annot *a;

	CASE("a box, a turned box, a group of polygons");
	CHECK_STR(read_doc("<image id=\"0\" name=\"a.png\" width=\"10\" height=\"8\">"
	    "<box label=\"c\" xtl=\"1\" ytl=\"2\" xbr=\"4.5\" ybr=\"6\"/>"
	    "<box label=\"c\" xtl=\"1\" ytl=\"2\" xbr=\"5\" ybr=\"6\" rotation=\"350\"/>"
	    "<polygon label=\"p\" group_id=\"3\" points=\"0,0;2,0;2,2\"/>"
	    "<polygon label=\"p\" group_id=\"3\" points=\"5,5;7,5;7,7\"/>"
	    "<polygon label=\"p\" group_id=\"4\" points=\"1,1;3,1;3,3\"/></image>"), "");
	CHECK_INT(ds.n, 1);
	CHECK_INT(ds.img[0].width, 10);
	CHECK_INT(ds.img[0].ans.n, 4);
	a = &ds.img[0].ans.a[0];
	CHECK(a->geom == BX_GEOM_BOX && a->x == 1 && a->y == 2 && a->w == 3.5 && a->h == 4);
	a = &ds.img[0].ans.a[1];
	CHECK(a->geom == BX_GEOM_RBOX && a->x == 3 && a->y == 4 && a->w == 4 && a->h == 4);
	CHECK_NEAR(a->angle, -10, 1e-12);
	/* without a taxonomy every group of polygons is one object */
	a = &ds.img[0].ans.a[2];
	CHECK(a->geom == BX_GEOM_MULTIPOLYGON && a->nrings == 2 && a->npts == 6);
	CHECK(ds.img[0].ans.a[3].geom == BX_GEOM_POLYGON);

	CASE("the kinds the class draws first");
	{
		struct bx_taxonomy *tax = NULL;
		struct bx_err err = { 0 };

		CHECK(bx_taxonomy_load_text("{\"classes\": [{\"name\": \"r\", \"geometries\": "
		    "[\"rotated_box\"]}, {\"name\": \"p\", \"geometries\": [\"polygon\"]}]}",
		    "t", &tax, &err) == 0);
		/* rotation 0: a box, but a rotated box for a class of those */
		CHECK_STR(read_doc("<image id=\"0\" name=\"a.png\"><box label=\"r\" xtl=\"1\" "
		    "ytl=\"2\" xbr=\"5\" ybr=\"6\" rotation=\"0\"/></image>"), "");
		CHECK(ds.img[0].ans.a[0].geom == BX_GEOM_BOX);
		bx_dataset_free(&ds);
		bx_dataset_init(&ds);
		ds.tax = tax;
		{
			struct bx_err e2 = { 0 };

			CHECK(bx_cvat_read("<annotations><image id=\"0\" name=\"a.png\"><box label="
			    "\"r\" xtl=\"1\" ytl=\"2\" xbr=\"5\" ybr=\"6\" rotation=\"0\"/>"
			    "<polygon label=\"p\" group_id=\"1\" points=\"0,0;2,0;2,2\"/>"
			    "<polygon label=\"p\" group_id=\"1\" points=\"5,5;7,5;7,7\"/></image>"
			    "</annotations>", "t.xml", &ds, &e2) == 0);
		}
		CHECK_INT(ds.nerrors, 0);
		CHECK(ds.img[0].ans.a[0].geom == BX_GEOM_RBOX && ds.img[0].ans.a[0].angle == 0 &&
		      ds.img[0].ans.a[0].x == 3);
		/* a class without multipolygons keeps a group's polygons apart */
		CHECK(ds.img[0].ans.n == 3 && ds.img[0].ans.a[1].geom == BX_GEOM_POLYGON);
		ds.tax = NULL;
		bx_taxonomy_free(tax);
	}

	CASE("refusals: one line naming the image, the line and what is wrong");
	CHECK_STR(read_doc("<image id=\"0\" name=\"a.png\">\n<box label=\"c\" xtl=\"1\" ytl=\"x\" "
	    "xbr=\"2\" ybr=\"3\"/></image>"), "t.xml:2: image a.png: ytl=\"x\" is not a number");
	CHECK(ds.img[0].failed);
	CHECK_STR(read_doc("<image id=\"0\" name=\"a.png\"><points label=\"d\" "
	    "points=\"1,2;3,4\"/></image>"), "t.xml:1: image a.png: <points> of 2 points: a point "
	    "has exactly 1");
	CHECK_STR(read_doc("<image id=\"0\" name=\"a.png\"><polygon label=\"d\" "
	    "points=\"1,2;3\"/></image>"), "t.xml:1: image a.png: points=\"1,2;3\": expected "
	    "x,y;x,y;...");
	CHECK_STR(read_doc("<image id=\"0\" name=\"a.png\"><blob label=\"d\"/></image>"),
	    "t.xml:1: image a.png: <blob> is not a CVAT object boxel reads");
	CHECK_STR(read_doc("<image id=\"0\" name=\"a.png\"><box xtl=\"1\"/></image>"),
	    "t.xml:1: image a.png: <box> without a label");
	CHECK_STR(read_doc("<image id=\"0\" name=\"a.png\"><skeleton label=\"b\"/></image>"),
	    "t.xml:1: image a.png: a skeleton of 'b', which the taxonomy does not name points of");
	CHECK_STR(read_doc("<track id=\"0\" label=\"c\"/>"), "t.xml:1: <track>: CVAT for video's "
	    "tracks are not read (export the task as CVAT for images)");

	CASE("a mask is a loss, the image kept");
	CHECK_STR(read_doc("<image id=\"0\" name=\"a.png\"><mask label=\"c\" rle=\"1, 2\"/>"
	    "<tag label=\"t\"/></image>"), "");
	CHECK_INT(ds.nlosses, 1);
	CHECK(ds.img[0].ans.n == 1 && ds.img[0].ans.a[0].geom == BX_GEOM_TAG);

	CASE("not CVAT");
	{
		struct bx_err err = { 0 };

		bx_dataset_free(&ds);
		bx_dataset_init(&ds);
		CHECK(bx_cvat_read("<annotation><filename>a</filename></annotation>", "v.xml", &ds,
		    &err) < 0);
		CHECK_STR(err.msg, "v.xml:1: expected <annotations> (CVAT for images), got "
		    "<annotation>");
		CHECK(bx_cvat_read("<annotations><image", "v.xml", &ds, &err) < 0);
		CHECK(strstr(err.msg, "not well-formed XML") != NULL);
	}
	bx_dataset_free(&ds);
}

static void
test_write_refuses_control(void)
{
	struct bx_dataset w;
	struct bx_ds_image *im;
	struct bx_annot an;
	struct bx_value v;
	struct bx_buf b;
	struct bx_err err = { 0 };

	CASE("a control character in a value: nothing written");
	bx_dataset_init(&w);
	bx_dataset_add_class(&w, "c", 1);
	im = bx_dataset_add(&w, 7, "a.png", 10, 10);
	memset(&an, 0, sizeof an);
	an.geom = BX_GEOM_BOX;
	an.cls = "c";
	an.w = an.h = 1;
	memset(&v, 0, sizeof v);
	v.type = BX_VAL_STR;
	v.str = "a\001b";
	bx_attrs_set(&an.attrs, "note", &v);
	bx_answer_add(&im->ans, &an);
	bx_attrs_free(&an.attrs);
	bx_buf_init(&b);
	CHECK(bx_cvat_write(&w, &b, &err) < 0);
	CHECK_STR(err.msg, "task 7 (a.png): a value has a control character, which XML cannot "
	    "carry: nothing written");
	bx_buf_free(&b);
	bx_dataset_free(&w);
}

/* The one XML escaper (VOC, CVAT, Label Studio's config): every
 * character XML 1.0 can carry comes back from expat as it went in, as an
 * attribute value and as text; the rest (C0 controls but tab and line
 * ends, U+FFFE, U+FFFF) is what bx_xml_unfit names, and is left out of a
 * document that stays well-formed. */
static void
test_escaper(void)
{
	struct bx_xml_node *root;
	struct bx_buf b;
	char s[16], want[16], err[200];
	int c, rc, bad;

	for (c = 1; c < 0x20 + 2; c++) {
		/* 0x20 and 0x21: U+FFFE and U+FFFF */
		if (c < 0x20)
			snprintf(s, sizeof s, "<&%c\">", c);
		else
			snprintf(s, sizeof s, "<&\xef\xbf%c\">", c == 0x20 ? 0xbe : 0xbf);
		bad = c >= 0x20 || (c != '\t' && c != '\n' && c != '\r');
		CASE(s);
		CHECK_INT(bx_xml_unfit(s), !bad ? -1 : c < 0x20 ? c : c == 0x20 ? 0xfffe : 0xffff);
		bx_buf_init(&b);
		bx_buf_puts(&b, "<r a=\"");
		rc = bx_xml_put(&b, s);
		bx_buf_puts(&b, "\">");
		rc += bx_xml_put(&b, s);
		bx_buf_puts(&b, "</r>");
		CHECK_INT(rc, bad ? -2 : 0);
		snprintf(want, sizeof want, "%s", bad ? "<&\">" : s);
		root = bx_xml_parse(b.p, err, sizeof err);
		CHECK_MSG(root != NULL, "%s", err);
		if (root != NULL) {
			CHECK_STR(bx_xml_attr(root, "a"), want);
			bx_buf_putc(&root->text, '\0');
			CHECK_STR(root->text.p, want);
		}
		bx_xml_free(root);
		bx_buf_free(&b);
	}
}

BX_TESTS(T(test_maps), T(test_angles), T(test_root), T(test_read), T(test_write_refuses_control),
         T(test_escaper))
