/* test-annot.c: attribute sets stay sorted and compare by value; answers
 * copy deeply. */
#include "boxel/annot.h"
#include "boxel/util.h"
#include "harness.h"

static struct bx_value
str_val(const char *s)
{
	struct bx_value v = { .type = BX_VAL_STR, .str = (char *)s };
	return v;
}

static void
test_attrs(void)
{
	struct bx_attrs a = {0}, b = {0};
	struct bx_value v = str_val("red"), none = {0}, num = { .type = BX_VAL_NUM, .num = 3 };
	char *l1[] = { "b", "a" }, *l2[] = { "a", "b" };
	struct bx_value m1 = { .type = BX_VAL_LIST, .list = l1, .nlist = 2 };
	struct bx_value m2 = { .type = BX_VAL_LIST, .list = l2, .nlist = 2 };

	bx_attrs_set(&a, "color", &v);
	bx_attrs_set(&a, "age", &num);
	bx_attrs_set(&b, "age", &num);
	bx_attrs_set(&b, "color", &v);
	CHECK(bx_attrs_equal(&a, &b));          /* insertion order does not matter */
	CHECK_STR(a.a[0].key, "age");
	v = str_val("blue");
	bx_attrs_set(&b, "color", &v);
	CHECK(!bx_attrs_equal(&a, &b));
	CHECK_STR(bx_attrs_get(&b, "color")->str, "blue");
	bx_attrs_set(&b, "color", &none);       /* NONE removes */
	CHECK_INT(b.n, 1);
	CHECK(bx_attrs_get(&b, "color") == NULL);
	bx_attrs_set(&a, "tags", &m1);
	bx_attrs_set(&b, "tags", &m2);
	CHECK_STR(bx_attrs_get(&a, "tags")->list[0], "a"); /* lists sorted */
	CHECK(bx_value_equal(bx_attrs_get(&a, "tags"), bx_attrs_get(&b, "tags")));
	bx_attrs_free(&a);
	bx_attrs_free(&b);
	CHECK_INT(a.n, 0);
}

static void
test_answer(void)
{
	struct bx_answer ans, cp;
	struct bx_pt pts[3] = { {1, 2}, {5, 1}, {3, 7} };
	struct bx_annot box = { .geom = BX_GEOM_BOX, .cls = "car", .x = 1, .y = 2, .w = 3, .h = 4 };
	struct bx_annot poly = { .geom = BX_GEOM_POLYGON, .cls = "road", .pts = pts, .npts = 3 };
	double x, y, w, h;
	int i;

	bx_answer_init(&ans);
	for (i = 0; i < 20; i++)
		bx_answer_add(&ans, i % 2 ? &poly : &box);
	CHECK_INT(ans.n, 20);
	bx_answer_copy(&cp, &ans);
	bx_answer_remove(&ans, 0);
	CHECK_INT(ans.n, 19);
	CHECK_INT(cp.n, 20);
	CHECK(cp.a[1].pts != poly.pts);          /* deep copy */
	CHECK_STR(ans.a[0].cls, "road");
	bx_annot_bounds(&cp.a[1], &x, &y, &w, &h);
	CHECK_NEAR(x, 1, 0); CHECK_NEAR(y, 1, 0); CHECK_NEAR(w, 4, 0); CHECK_NEAR(h, 6, 0);
	CHECK_STR(bx_geom_name(BX_GEOM_POLYGON), "polygon");
	bx_answer_free(&ans);
	bx_answer_free(&cp);
}

BX_TESTS(T(test_attrs), T(test_answer))
