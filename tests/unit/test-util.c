/* test-util.c: sanitizing, UTF-8, confined paths, atomic writes, buffers. */
#include <sys/stat.h>
#include <unistd.h>

#include "boxel/util.h"
#include "harness.h"

static void
test_sanitize(void)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "plain", "plain" },
		{ "\x1b[31mred", "?[31mred" },
		{ "bell\a", "bell?" },
		{ "tab\tnl\n", "tab nl " },
		{ "del\x7f", "del?" },
		{ "c1 \xc2\x9b" "2J", "c1 ?2J" },              /* U+009B CSI */
		{ "caf\xc3\xa9", "caf\xc3\xa9" },             /* é kept */
		{ "\xe7\x8c\xab", "\xe7\x8c\xab" },           /* 猫 kept */
		{ "bad \xff\xfe", "bad ??" },
		{ "overlong \xc0\xaf", "overlong ??" },
		{ "cut \xe7\x8c", "cut ??" },
		{ "rlo \xe2\x80\xae", "rlo ?" },
		{ "", "" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(cases); i++) {
		CASE(cases[i].out);
		bx_sanitize(buf, sizeof buf, cases[i].in);
		CHECK_STR(buf, cases[i].out);
	}
	/* Truncation never splits a character. */
	bx_sanitize(buf, 5, "ab\xe7\x8c\xab" "cd");
	CHECK_STR(buf, "ab");
}

static void
test_utf8(void)
{
	char enc[4];
	uint32_t cp;
	uint32_t cps[] = { 0x41, 0xe9, 0x732b, 0x1f600, 0x10ffff };
	size_t i;
	int n;

	for (i = 0; i < BX_ARRAY_LEN(cps); i++) {
		n = bx_utf8_encode(cps[i], enc);
		CHECK_INT(bx_utf8_decode(enc, (size_t)n, &cp), n);
		CHECK_INT(cp, cps[i]);
	}
	CHECK_INT(bx_utf8_decode("\xed\xa0\x80", 3, &cp), 0); /* surrogate */
}

static void
test_paths(void)
{
	static const struct { const char *rel; int ok; } lex[] = {
		{ "a.jpg", 1 }, { "dir/a.jpg", 1 }, { "a..b.jpg", 1 },
		{ "../a.jpg", 0 }, { "dir/../../a", 0 }, { "/etc/passwd", 0 },
		{ "", 0 }, { "dir/..", 0 }, { "a\nb", 0 },
	};
	char root[] = "/tmp/boxel-util-XXXXXX", path[4096], out[4096];
	struct bx_err err = {0};
	size_t i;
	FILE *f;

	for (i = 0; i < BX_ARRAY_LEN(lex); i++) {
		CASE(lex[i].rel);
		CHECK_INT(bx_path_is_safe_relative(lex[i].rel), lex[i].ok);
	}
	CASE("");
	CHECK(mkdtemp(root) != NULL);
	snprintf(path, sizeof path, "%s/img", root);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/img/a.jpg", root);
	f = fopen(path, "w");
	fputs("x", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/img/escape", root);
	CHECK(symlink("/etc", path) == 0);
	snprintf(path, sizeof path, "%s/img", root);
	CHECK_INT(bx_path_resolve(path, "a.jpg", out, sizeof out, &err), 0);
	CHECK(strstr(out, "/img/a.jpg") != NULL);
	CHECK(bx_path_resolve(path, "escape/passwd", out, sizeof out, &err) < 0);
	CHECK(strstr(err.msg, "leaves the image root") != NULL);
	CHECK(bx_path_resolve(path, "missing.jpg", out, sizeof out, &err) < 0);
	CHECK(bx_path_resolve(path, "../img/a.jpg", out, sizeof out, &err) == BX_EINVAL);
	snprintf(out, sizeof out, "rm -rf %s", root);
	CHECK(system(out) == 0);
}

static void
test_afile(void)
{
	char dir[] = "/tmp/boxel-afile-XXXXXX", path[4096], *data;
	struct bx_afile af;
	struct bx_err err = {0};
	size_t len;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/out.json", dir);
	CHECK_INT(bx_afile_open(&af, path, &err), 0);
	fputs("first", af.f);
	CHECK(access(path, F_OK) != 0); /* nothing visible before commit */
	CHECK_INT(bx_afile_commit(&af, &err), 0);
	CHECK_INT(bx_read_file(path, 1000, &data, &len, &err), 0);
	CHECK_STR(data, "first");
	free(data);
	/* An aborted rewrite leaves the old file whole and no temp behind. */
	CHECK_INT(bx_afile_open(&af, path, &err), 0);
	fputs("partial", af.f);
	bx_afile_abort(&af);
	CHECK_INT(bx_read_file(path, 1000, &data, &len, &err), 0);
	CHECK_STR(data, "first");
	free(data);
	CHECK(bx_read_file(dir, 1000, &data, &len, &err) == BX_EINVAL);
	CHECK(strstr(err.msg, "directory") != NULL);
	CHECK(bx_read_file(path, 2, &data, &len, &err) == BX_ELIMIT);
	/* A FIFO is refused at once instead of blocking the open. */
	snprintf(path, sizeof path, "%s/fifo", dir);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(bx_read_file(path, 1000, &data, &len, &err) == BX_EINVAL);
	CHECK(strstr(err.msg, "not a regular file") != NULL);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	CHECK(system(path) == 0);
}

static void
test_buf(void)
{
	struct bx_buf b;
	int i;

	bx_buf_init(&b);
	for (i = 0; i < 1000; i++)
		bx_buf_printf(&b, "%d,", i);
	CHECK(b.len > 3000);
	CHECK(strncmp(b.p, "0,1,2,", 6) == 0);
	CHECK(b.p[b.len] == '\0');
	bx_buf_reset(&b);
	CHECK_INT(b.len, 0);
	bx_buf_free(&b);
}

static void
test_err(void)
{
	struct bx_err err = {0};

	CHECK_INT(bx_err_set(&err, BX_EINVAL, "bad width %d", 7), BX_EINVAL);
	bx_err_prefix(&err, "import: %s", "a.jpg");
	CHECK_STR(err.msg, "import: a.jpg: bad width 7");
	CHECK_INT(bx_err_set(NULL, BX_EIO, "x"), BX_EIO);
}

/* Label Studio's forms (microseconds and Z), other zones, none; the
 * expected ms are Python's datetime.fromisoformat(...).timestamp() with
 * the fraction cut to ms (not rounded: .4959 stays in its second's 495). */
static void
test_iso_time(void)
{
	static const struct { const char *s; long long ms; } ok[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2022-12-27T21:04:40.495704Z", 1672175080495LL },
		{ "2022-12-27T21:04:40.495704", 1672175080495LL },
		{ "2022-12-27 21:04:40.4959", 1672175080495LL },
		{ "2022-12-27T23:04:40.495+02:00", 1672175080495LL },
		{ "2022-12-27T18:34:40.495-0230", 1672175080495LL },
		{ "2000-02-29T00:00:00+00:00", 951782400000LL },
	};
	static const char *const bad[] = { "2022-02-30T10:00:00Z", "2021-02-29T00:00:00Z",
		"1969-12-31T23:59:59Z", "2022-12-27", "2022-12-27T21:04", "2022-12-27T21:04:40.Z",
		"2022-12-27T24:00:00Z", "2022-12-27T21:04:40+25:00", "2022-12-27T21:04:40Zx",
		"2022-12-27T21:04:40 ", "", "12s" };
	char out[32];
	int64_t ms;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(ok); i++) {
		CASE(ok[i].s);
		ms = -1;
		CHECK_INT(bx_iso_time_parse(ok[i].s, &ms), 0);
		CHECK_INT(ms, ok[i].ms);
	}
	for (i = 0; i < BX_ARRAY_LEN(bad); i++) {
		CASE(bad[i]);
		CHECK_INT(bx_iso_time_parse(bad[i], &ms), -1);
	}
	CASE("put");
	bx_iso_time_put(1672175080495LL, out);
	CHECK_STR(out, "2022-12-27T21:04:40.495Z");
	CHECK_INT(bx_iso_time_parse(out, &ms), 0);
	CHECK_INT(ms, 1672175080495LL);
	bx_iso_time_put(7, out);
	CHECK_STR(out, "1970-01-01T00:00:00.007Z");
}

BX_TESTS(T(test_sanitize), T(test_utf8), T(test_paths), T(test_afile), T(test_buf), T(test_err),
         T(test_iso_time))
