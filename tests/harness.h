/* harness.h: boxel's tiny test harness. A test program is a list of
 * functions (usually each walking a table of cases); CHECK counts one
 * assertion. main() prints "N passed, N failed" and exits non-zero on any
 * failure. Include once per test program. */
#ifndef BOXEL_HARNESS_H
#define BOXEL_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bx_t_passed, bx_t_failed;
static const char *bx_t_case = "";

#define CHECK(cond) bx_t_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_MSG(cond, ...) do { \
	if (!bx_t_check(!!(cond), #cond, __FILE__, __LINE__)) { \
		fprintf(stderr, "    "); fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); \
	} } while (0)
#define CHECK_INT(a, b) do { long long bx_a_ = (long long)(a), bx_b_ = (long long)(b); \
	CHECK_MSG(bx_a_ == bx_b_, "%s = %lld, expected %lld", #a, bx_a_, bx_b_); } while (0)
#define CHECK_NEAR(a, b, eps) do { double bx_a_ = (a), bx_b_ = (b); \
	CHECK_MSG(fabs(bx_a_ - bx_b_) <= (eps), "%s = %.9g, expected %.9g", #a, bx_a_, bx_b_); } while (0)
#define CHECK_STR(a, b) do { const char *bx_a_ = (a), *bx_b_ = (b); \
	CHECK_MSG(bx_a_ != NULL && strcmp(bx_a_, bx_b_) == 0, "%s = \"%s\", expected \"%s\"", \
	    #a, bx_a_ ? bx_a_ : "(null)", bx_b_); } while (0)

/* Name the table row being checked, so a failure says which case broke. */
#define CASE(name) (bx_t_case = (name))

static int
bx_t_check(int ok, const char *expr, const char *file, int line)
{
	if (ok) {
		bx_t_passed++;
		return 1;
	}
	bx_t_failed++;
	if (bx_t_case[0])
		fprintf(stderr, "FAIL %s:%d: %s  [case: %s]\n", file, line, expr, bx_t_case);
	else
		fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
	return 0;
}

struct bx_test {
	const char *name;
	void (*fn)(void);
};

static int
bx_t_run(const struct bx_test *tests, size_t n)
{
	size_t i;
	int before;

	for (i = 0; i < n; i++) {
		before = bx_t_failed;
		bx_t_case = "";
		tests[i].fn();
		printf("%s %s\n", bx_t_failed == before ? "ok  " : "FAIL", tests[i].name);
	}
	printf("%d passed, %d failed\n", bx_t_passed, bx_t_failed);
	return bx_t_failed ? 1 : 0;
}

#define BX_TESTS(...) \
	int main(void) { \
		static const struct bx_test bx_t_list[] = { __VA_ARGS__ }; \
		return bx_t_run(bx_t_list, sizeof bx_t_list / sizeof bx_t_list[0]); \
	}
#define T(fn) { #fn, fn }

#endif
