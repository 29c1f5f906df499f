/* test-tiles.c: the tile pyramid cache. A generated PNG (noise, so every
 * pixel differs) is built into a pyramid; level 0 must be the image's own
 * pixels (as a region decode gives them), level 1 its 2x2 averages; a
 * second open reuses the file; a changed source, a damaged header, tile or
 * size, and a half-written leftover are never trusted; the size limit
 * evicts the least recently used; bx_image_plan says which images need
 * tiles and refuses what can never be shown. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "boxel/image.h"
#include "boxel/raster.h"
#include "boxel/tiles.h"

static char dir[256], cache[300];

static uint8_t
px(int x, int y, int c)
{
	uint32_t v = (uint32_t)x * 2654435761u ^ (uint32_t)y * 40503u ^ (uint32_t)c * 977u;

	v ^= v >> 13;
	v *= 0x5bd1e995u;
	return (uint8_t)(v >> 24);
}

/* A w x h RGB PNG of px(), seed shifting the pixels so two images differ;
 * seed < 0: smooth gradients instead (a photo-like image that deflates),
 * -1 and -3 two different ones; -2: gradients under noise of 16 levels
 * (deflate keeps about 2/3 of its tiles: not worth deflating). */
static void
write_png(const char *path, int w, int h, int seed)
{
	FILE *f = fopen(path, "wb");
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	uint8_t *row = malloc((size_t)w * 3);
	int x, y, c;

	png_init_io(png, f);
	png_set_compression_level(png, 1);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
	             PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++)
			for (c = 0; c < 3; c++)
				row[3 * x + c] = seed == -2 ? (uint8_t)((x + y) / 8 + px(x, y, c) % 16) :
				                 seed < 0 ? (uint8_t)((x * (c - seed) + y) / 8) :
				                 px(x + seed, y, c);
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	fclose(f);
}

static int
same_region(struct bx_tiles *t, const char *path, int x, int y, int w, int h)
{
	struct bx_image a, b;
	struct bx_err err;
	int ok;

	if (bx_tiles_region(t, 0, x, y, w, h, &a, &err) != 0) {
		fprintf(stderr, "    tiles: %s\n", err.msg);
		return 0;
	}
	if (bx_image_load_region(path, x, y, w, h, 1, NULL, &b, &err) != 0) {
		fprintf(stderr, "    decode: %s\n", err.msg);
		bx_image_release(&a);
		return 0;
	}
	ok = a.pix->w == w && a.pix->h == h && memcmp(a.pix->px, b.pix->px, (size_t)w * h * 3) == 0;
	bx_image_release(&a);
	bx_image_release(&b);
	return ok;
}

static off_t
file_size(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? st.st_size : -1;
}

static void
cleanup(void)
{
	char cmd[400];

	if (dir[0] == '\0')
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "    could not remove %s\n", dir);
	dir[0] = '\0';
}

static void
setup(void)
{
	cleanup();
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/boxel-test-tiles-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(cache, sizeof cache, "%s/cache", dir);
}

static void
test_build_and_read(void)
{
	char img[400];
	struct bx_tiles *t = NULL, *t2 = NULL;
	struct bx_image im, ov;
	struct bx_err err;
	int built = -1, w, h, x, y, c, ok;

	setup();
	snprintf(img, sizeof img, "%s/a.png", dir);
	write_png(img, 1000, 700, 0);
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 0, &t, &built, &err), BX_ENOENT);
	CHECK(t == NULL);
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 1, &t, &built, &err), 0);
	CHECK_INT(built, 1);
	if (t == NULL)
		return;
	/* 1000x700, 500x350, 250x175, 125x88 (one tile) */
	CHECK_INT(bx_tiles_levels(t), 4);
	bx_tiles_level_size(t, 3, &w, &h);
	CHECK_INT(w, 125);
	CHECK_INT(h, 88);
	/* Deflated: under the raw bound, and the header says the truth. */
	CHECK(bx_tiles_file_bytes(t) < bx_tiles_bytes_for(1000, 700));
	CHECK_INT(file_size(bx_tiles_path(t)), (off_t)bx_tiles_file_bytes(t));
	CASE("level 0 is the image");
	CHECK(same_region(t, img, 0, 0, 1000, 700));
	CHECK(same_region(t, img, 120, 250, 200, 17));   /* across tile edges */
	CHECK(same_region(t, img, 999, 699, 1, 1));      /* the far corner */
	CHECK(same_region(t, img, 896, 640, 104, 60));   /* the last, partial tile */
	CASE("level 1 is 2x2 averages, rounded");
	ok = bx_tiles_region(t, 1, 0, 0, 500, 350, &im, &err) == 0;
	CHECK(ok);
	for (y = 0; ok && y < 350; y += 7)
		for (x = 0; x < 500; x += 13)
			for (c = 0; c < 3; c++) {
				unsigned s = px(2 * x, 2 * y, c) + px(2 * x + 1, 2 * y, c) +
				    px(2 * x, 2 * y + 1, c) + px(2 * x + 1, 2 * y + 1, c);
				if (im.pix->px[((size_t)y * 500 + x) * 3 + c] != (s + 2) / 4) {
					CHECK_MSG(0, "level 1 pixel %d,%d", x, y);
					ok = 0;
				}
			}
	bx_image_release(&im);
	CASE("outside a level is refused");
	CHECK_INT(bx_tiles_region(t, 1, 400, 0, 101, 10, &im, &err), BX_EINVAL);
	CHECK_INT(bx_tiles_region(t, 4, 0, 0, 1, 1, &im, &err), BX_EINVAL);
	CASE("overview: a level's own size is that level; else averaged from the next larger");
	CHECK_INT(bx_tiles_overview(t, 125, 0, &ov, &err), 0);
	CHECK_INT(bx_tiles_region(t, 3, 0, 0, 125, 88, &im, &err), 0);
	CHECK(ov.pix != NULL && im.pix != NULL && ov.pix->w == 125 && ov.pix->h == 88 &&
	      memcmp(ov.pix->px, im.pix->px, 125 * 88 * 3) == 0);
	bx_image_release(&ov);
	bx_image_release(&im);
	CHECK_INT(bx_tiles_overview(t, 100, 100, &ov, &err), 0);
	CHECK_INT(bx_image_load(img, 100, 100, NULL, &im, &err), 0);
	CHECK_INT(ov.pix->w, im.pix->w);
	CHECK_INT(ov.pix->h, im.pix->h);
	{
		double ma = 0, mb = 0;
		for (x = 0; x < ov.pix->w * ov.pix->h * 3; x++) {
			ma += ov.pix->px[x];
			mb += im.pix->px[x];
		}
		CHECK_NEAR(ma / x, mb / x, 1.0);
	}
	bx_image_release(&ov);
	bx_image_release(&im);
	CASE("a second open reuses the file");
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 1, &t2, &built, &err), 0);
	CHECK_INT(built, 0);
	CHECK(t2 != NULL && strcmp(bx_tiles_path(t2), bx_tiles_path(t)) == 0);
	bx_tiles_close(t2);
	bx_tiles_close(t);
}

/* The cache of img is refused as it is (the error saying why; NULL: any
 * error) and built again when asked. */
static void
check_rebuilt(const char *img, const char *why)
{
	struct bx_tiles *t = NULL;
	struct bx_err err;
	int built = -1;

	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 0, &t, &built, &err), BX_ENOENT);
	CHECK(why == NULL || strstr(err.msg, why) != NULL);
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 1, &t, &built, &err), 0);
	CHECK_INT(built, 1);
	bx_tiles_close(t);
}

/* Flip one byte of the cache file at off. */
static void
damage(const char *file, off_t off)
{
	int fd = open(file, O_RDWR);
	uint8_t b;

	if (fd < 0 || pread(fd, &b, 1, off) != 1)
		abort();
	b ^= 0x5a;
	if (pwrite(fd, &b, 1, off) != 1)
		abort();
	close(fd);
}

static void
test_never_trusted(void)
{
	char img[400], file[600], left[700];
	struct bx_tiles *t = NULL;
	struct bx_image im;
	struct bx_err err;
	struct timespec ts[2];
	int built;

	setup();
	snprintf(img, sizeof img, "%s/b.png", dir);
	write_png(img, 300, 260, 5);
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 1, &t, &built, &err), 0);
	if (t == NULL)
		return;
	snprintf(file, sizeof file, "%s", bx_tiles_path(t));
	bx_tiles_close(t);

	CASE("a damaged tile fails its checksum when read, and is rebuilt");
	damage(file, file_size(file) - 100);   /* in the last tile */
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 0, &t, &built, &err), 0);
	CHECK_INT(bx_tiles_region(t, 0, 0, 0, 300, 260, &im, &err), 0); /* not that tile */
	bx_image_release(&im);
	CHECK_INT(bx_tiles_region(t, bx_tiles_levels(t) - 1, 0, 0, 1, 1, &im, &err), BX_EIO);
	CHECK(strstr(err.msg, "tile cache damaged") != NULL);
	bx_tiles_discard(t);
	bx_tiles_close(t);
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 1, &t, &built, &err), 0);
	CHECK_INT(built, 1);
	CHECK_INT(bx_tiles_region(t, bx_tiles_levels(t) - 1, 0, 0, 1, 1, &im, &err), 0);
	bx_image_release(&im);
	bx_tiles_close(t);

	CASE("a damaged header is rebuilt");
	damage(file, 20);
	check_rebuilt(img, "checksum");

	CASE("a damaged checksum table is rebuilt");
	damage(file, 4096 + 3);
	check_rebuilt(img, NULL);

	CASE("a file cut short is rebuilt");
	CHECK(truncate(file, file_size(file) - 4096) == 0);
	check_rebuilt(img, NULL);

	CASE("a changed image (new mtime) does not find the old tiles");
	ts[0].tv_sec = ts[1].tv_sec = 1000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	CHECK(utimensat(AT_FDCWD, img, ts, 0) == 0);
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 0, &t, &built, &err), BX_ENOENT);
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 1, &t, &built, &err), 0);
	CHECK_INT(built, 1);
	CHECK(t != NULL && strcmp(bx_tiles_path(t), file) != 0);
	bx_tiles_close(t);
	CASE("the same size and mtime but other content does not either");
	write_png(img, 300, 260, 6);
	CHECK(utimensat(AT_FDCWD, img, ts, 0) == 0);
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 0, &t, &built, &err), BX_ENOENT);

	CASE("a dead builder's leftover is removed, a live one's kept");
	snprintf(left, sizeof left, "%s.tmp.999999999.0", file);
	close(open(left, O_WRONLY | O_CREAT, 0644));
	snprintf(file, sizeof file, "%s/x.bxt.tmp.%ld.0", cache, (long)getpid());
	close(open(file, O_WRONLY | O_CREAT, 0644));
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 1, &t, &built, &err), 0);
	CHECK(access(left, F_OK) != 0 && errno == ENOENT);
	CHECK(access(file, F_OK) == 0);
	bx_tiles_close(t);
}

static int
pwrite_u32(const char *path, off_t off, uint32_t v)
{
	int fd = open(path, O_WRONLY), rc;

	rc = fd >= 0 && pwrite(fd, &v, 4, off) == 4 ? 0 : -1;
	if (fd >= 0)
		close(fd);
	return rc;
}

static int
count_names(const char *d, const char *part)
{
	DIR *dd = opendir(d);
	struct dirent *e;
	int n = 0;

	if (dd == NULL)
		return 0;
	while ((e = readdir(dd)) != NULL)
		n += e->d_name[0] != '.' && (part == NULL || strstr(e->d_name, part) != NULL);
	closedir(dd);
	return n;
}

static int
count_files(const char *d)
{
	return count_names(d, NULL);
}

static int
count_tmp(const char *d)
{
	return count_names(d, ".tmp.");
}

static void
test_deflate(void)
{
	char img[400], file[600];
	struct bx_tiles *t = NULL;
	struct bx_err err;
	int built = -1, v;

	CASE("a smooth image's tiles are deflated, and level 0 is still exact");
	setup();
	snprintf(img, sizeof img, "%s/s.png", dir);
	write_png(img, 1000, 700, -1);
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 1, &t, &built, &err), 0);
	if (t == NULL)
		return;
	CHECK(bx_tiles_file_bytes(t) < bx_tiles_bytes_for(1000, 700) / 3);
	CHECK(same_region(t, img, 0, 0, 1000, 700));
	CHECK(same_region(t, img, 127, 255, 130, 2));
	bx_tiles_close(t);
	/* Opened again: read from the file, not from what the build held. */
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 0, &t, &built, &err), 0);
	CHECK_INT(built, 0);
	CHECK(t != NULL && same_region(t, img, 900, 600, 100, 100));
	if (t != NULL)
		snprintf(file, sizeof file, "%s", bx_tiles_path(t));
	bx_tiles_close(t);

	CASE("a cache of an older format (raw: 1, zlib-wrapped: 2) is not trusted: rebuilt");
	for (v = 1; v <= 2; v++) {
		CHECK(pwrite_u32(file, 8, v) == 0);
		check_rebuilt(img, "not a tile cache of this version");
	}

	CASE("tiles deflate would not halve are stored raw, and level 0 is still exact");
	setup();
	snprintf(img, sizeof img, "%s/n.png", dir);
	write_png(img, 1000, 700, -2);
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 1, &t, &built, &err), 0);
	if (t == NULL)
		return;
	/* The 7x5 whole tiles of level 0 at least; deflated they took 2/3. */
	CHECK(bx_tiles_file_bytes(t) > 35 * (uint64_t)BX_TILE * BX_TILE * 3);
	CHECK(same_region(t, img, 0, 0, 1000, 700));
	bx_tiles_close(t);
	CHECK_INT(bx_tiles_open(cache, img, 1u << 30, 0, &t, &built, &err), 0);
	CHECK(t != NULL && same_region(t, img, 120, 250, 200, 17));
	bx_tiles_close(t);
}

static void
test_job(void)
{
	char img[400];
	struct bx_tiles_job *j = NULL;
	struct bx_tiles *t = NULL;
	struct bx_raster *pv;
	struct bx_image ov = { 0 };
	struct bx_err err;
	int done = 0, rows = 0, pct;

	CASE("a job builds on its thread: progress to 100%, the preview whole, the pyramid exact");
	setup();
	snprintf(img, sizeof img, "%s/j.png", dir);
	write_png(img, 1000, 700, -1);
	CHECK_INT(bx_tiles_job_start(cache, img, 1u << 30, 100, 70, &j, &err), 0);
	if (j == NULL)
		return;
	CHECK_INT(bx_tiles_job_finish(j, &t, &err), 0);
	pct = bx_tiles_job_progress(j, &done);
	CHECK_INT(done, 1);
	CHECK_INT(pct, 100);
	/* Whole, it is the overview the pyramid gives (from level 3, 125x88). */
	pv = bx_tiles_job_preview(j, &rows);
	CHECK_INT(rows, 88);
	CHECK(t != NULL && bx_tiles_overview(t, 100, 70, &ov, &err) == 0);
	CHECK(pv != NULL && ov.pix != NULL && pv->w == ov.pix->w && pv->h == ov.pix->h &&
	      memcmp(pv->px, ov.pix->px, (size_t)pv->w * pv->h * 3) == 0);
	bx_raster_free(pv);
	bx_image_release(&ov);
	CHECK(t != NULL && same_region(t, img, 0, 0, 1000, 700));
	bx_tiles_close(t);
	bx_tiles_job_free(j);

	CASE("a job stopped before it starts leaves no file behind");
	setup();
	snprintf(img, sizeof img, "%s/j.png", dir);
	write_png(img, 1000, 700, -1);
	CHECK_INT(bx_tiles_job_start(cache, img, 1u << 30, 100, 70, &j, &err), 0);
	bx_tiles_job_free(j);
	CHECK(count_files(cache) <= 1); /* the pyramid if it won the race, never a temp */
	CHECK(count_tmp(cache) == 0);
}

static void
test_size_limit(void)
{
	char a[400], b[400], fa[600];
	struct bx_tiles *t = NULL;
	struct bx_err err;
	uint64_t one = bx_tiles_bytes_for(400, 300), size;
	int built;

	setup();
	snprintf(a, sizeof a, "%s/a.png", dir);
	snprintf(b, sizeof b, "%s/b.png", dir);
	write_png(a, 400, 300, 1);
	write_png(b, 400, 300, 2);
	CASE("a pyramid that outgrows the limit stops, naming both sizes, leaving nothing");
	CHECK_INT(bx_tiles_open(cache, a, one / 2, 1, &t, &built, &err), BX_ELIMIT);
	CHECK(strstr(err.msg, "outgrew the tile cache limit of") != NULL);
	CHECK_INT(count_files(cache), 0);
	CASE("one whose first band alone is over the limit is not begun");
	CHECK_INT(bx_tiles_open(cache, a, one / 10, 1, &t, &built, &err), BX_ELIMIT);
	CHECK(strstr(err.msg, "at a time, over the tile cache limit") != NULL);
	CHECK_INT(count_files(cache), 0);
	CASE("room for one: the least recently used goes");
	CHECK_INT(bx_tiles_open(cache, a, 2 * one, 1, &t, &built, &err), 0);
	if (t == NULL)
		return;
	snprintf(fa, sizeof fa, "%s", bx_tiles_path(t));
	size = bx_tiles_file_bytes(t);
	bx_tiles_close(t);
	CHECK_INT(bx_tiles_open(cache, b, size + size / 2, 1, &t, &built, &err), 0);
	CHECK_INT(built, 1);
	CHECK(access(fa, F_OK) != 0);
	bx_tiles_close(t);
	CHECK_INT(bx_tiles_open(cache, b, 2 * one, 1, &t, &built, &err), 0);
	CHECK_INT(built, 0);
	bx_tiles_close(t);

	CASE("room for two deflated pyramids, not for one raw: both are kept");
	setup();
	snprintf(a, sizeof a, "%s/sa.png", dir);
	snprintf(b, sizeof b, "%s/sb.png", dir);
	write_png(a, 1000, 700, -1);
	write_png(b, 1000, 700, -3);
	one = bx_tiles_bytes_for(1000, 700);
	CHECK_INT(bx_tiles_open(cache, a, one - 1, 1, &t, &built, &err), 0);
	CHECK_INT(built, 1);
	bx_tiles_close(t);
	CHECK_INT(bx_tiles_open(cache, b, one - 1, 1, &t, &built, &err), 0);
	CHECK_INT(built, 1);
	bx_tiles_close(t);
	CHECK_INT(count_files(cache), 2);
	CHECK_INT(bx_tiles_open(cache, a, one - 1, 1, &t, &built, &err), 0);
	CHECK_INT(built, 0);
	bx_tiles_close(t);
}

/* Sum of the pyramids' sizes in d (what the limit bounds). */
static uint64_t
pyramid_bytes(const char *d)
{
	DIR *dd = opendir(d);
	struct dirent *e;
	char p[700];
	uint64_t n = 0;

	if (dd == NULL)
		return 0;
	while ((e = readdir(dd)) != NULL) {
		snprintf(p, sizeof p, "%s/%s", d, e->d_name);
		if (strstr(e->d_name, ".bxt") != NULL && file_size(p) > 0)
			n += (uint64_t)file_size(p);
	}
	closedir(dd);
	return n;
}

/* A child process building img under limit once go[1] is closed: exit 0
 * built, 1 refused because the other build holds the room, 2 anything
 * else. */
static pid_t
start_builder(const char *img, uint64_t limit, const int *go)
{
	pid_t pid = fork();
	struct bx_tiles *t = NULL;
	struct bx_err err;
	char c;
	int built, rc;

	if (pid != 0)
		return pid;
	close(go[1]);
	if (read(go[0], &c, 1) != 0)
		_exit(2);
	rc = bx_tiles_open(cache, img, limit, 1, &t, &built, &err);
	if (rc == 0) {
		bx_tiles_close(t);
		_exit(0);
	}
	_exit(rc == BX_ELIMIT && strstr(err.msg, "the tile cache is full") != NULL ? 1 : 2);
}

/* Two processes build at once under a limit that holds one pyramid and
 * not two. Each reserves a band before writing it; with reservations
 * seen only by the builder that made them, both passed their one check
 * (a single band) before either wrote and both pyramids stayed, over the
 * limit. */
static void
test_two_builders(void)
{
	char a[400], b[400];
	struct bx_tiles *t = NULL;
	struct bx_err err;
	uint64_t one, limit;
	int round, go[2], st, i, built, ok, code[2];
	pid_t pid[2];

	setup();
	snprintf(a, sizeof a, "%s/wa.png", dir);
	snprintf(b, sizeof b, "%s/wb.png", dir);
	write_png(a, 12000, 128, 3);
	write_png(b, 12000, 128, 4);
	CHECK_INT(bx_tiles_open(cache, a, 1u << 30, 1, &t, &built, &err), 0);
	if (t == NULL)
		return;
	one = bx_tiles_file_bytes(t);
	bx_tiles_close(t);
	limit = one + one / 2;
	CASE("two builds at once under room for one stay under the limit (2 rounds)");
	for (round = 0; round < 2; round++) {
		setup();
		snprintf(a, sizeof a, "%s/wa.png", dir);
		snprintf(b, sizeof b, "%s/wb.png", dir);
		write_png(a, 12000, 128, 3 + 2 * round);
		write_png(b, 12000, 128, 4 + 2 * round);
		if (mkdir(cache, 0777) != 0 || pipe(go) != 0)
			abort();
		pid[0] = start_builder(a, limit, go);
		pid[1] = start_builder(b, limit, go);
		close(go[0]);
		close(go[1]);           /* both start now */
		ok = 0;
		for (i = 0; i < 2; i++) {
			code[i] = waitpid(pid[i], &st, 0) == pid[i] && WIFEXITED(st) ? WEXITSTATUS(st) : 3;
			ok += code[i] == 0;
		}
		CHECK(code[0] <= 1 && code[1] <= 1);
		CHECK(ok >= 1);
		CHECK(pyramid_bytes(cache) <= limit);
		CHECK_INT(count_tmp(cache), 0);
	}
}

/* A baseline JPEG streams into a pyramid whose level 0 is the decoder's
 * own full-size pixels; an EXIF-turned or progressive one is refused (its
 * rows do not come upright, or not one at a time). */
static void
test_jpeg(void)
{
	static const char *const good[] = { "jpeg-region-420.jpg", "jpeg-region-422-restart.jpg",
		"jpeg-region-444.jpg", "jpeg-cmyk.jpg" };
	struct bx_tiles *t = NULL;
	struct bx_image a, b;
	struct bx_err err;
	char p[600];
	size_t i;
	int built;

	setup();
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		CASE(good[i]);
		snprintf(p, sizeof p, "%s/%s", getenv("BOXEL_TEST_DATA"), good[i]);
		CHECK_INT(bx_tiles_open(cache, p, 1u << 30, 1, &t, &built, &err), 0);
		if (t == NULL)
			continue;
		CHECK_INT(bx_image_load(p, 0, 0, NULL, &b, &err), 0);
		bx_tiles_level_size(t, 0, &built, &built);
		CHECK_INT(bx_tiles_region(t, 0, 0, 0, b.full_w, b.full_h, &a, &err), 0);
		CHECK(a.pix != NULL && b.pix != NULL &&
		      memcmp(a.pix->px, b.pix->px, (size_t)b.full_w * b.full_h * 3) == 0);
		bx_image_release(&a);
		bx_image_release(&b);
		bx_tiles_close(t);
	}
	CASE("EXIF-turned");
	snprintf(p, sizeof p, "%s/jpeg-exif-6.jpg", getenv("BOXEL_TEST_DATA"));
	CHECK_INT(bx_tiles_open(cache, p, 1u << 30, 1, &t, &built, &err), BX_EINVAL);
	CHECK(strstr(err.msg, "EXIF-turned") != NULL);
	CASE("progressive");
	snprintf(p, sizeof p, "%s/jpeg-region-progressive.jpg", getenv("BOXEL_TEST_DATA"));
	CHECK_INT(bx_tiles_open(cache, p, 1u << 30, 1, &t, &built, &err), BX_EINVAL);
	CHECK(strstr(err.msg, "progressive") != NULL);
}

static uint32_t
crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	int k;

	while (n-- > 0) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A PNG of headers only (IHDR, an empty IDAT, IEND): probing reads no
 * further, so its size can be anything without writing the pixels. */
static void
write_header_png(const char *path, uint32_t w, uint32_t h, int interlace)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	uint8_t ihdr[25] = { 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
	uint8_t idat[12] = { 0, 0, 0, 0, 'I', 'D', 'A', 'T' };
	uint8_t iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D' };
	FILE *f = fopen(path, "wb");

	put32(ihdr + 8, w);
	put32(ihdr + 12, h);
	ihdr[16] = 8;
	ihdr[17] = 2;
	ihdr[20] = (uint8_t)interlace;
	put32(ihdr + 21, crc32_of(ihdr + 4, 17));
	put32(idat + 8, crc32_of(idat + 4, 4));
	put32(iend + 8, crc32_of(iend + 4, 4));
	fwrite(sig, 1, 8, f);
	fwrite(ihdr, 1, 25, f);
	fwrite(idat, 1, 12, f);
	fwrite(iend, 1, 12, f);
	fclose(f);
}

static void
test_plan(void)
{
	char p[400];
	struct bx_image_plan plan;
	struct bx_err err;

	setup();
	snprintf(p, sizeof p, "%s/p.png", dir);
	CASE("a PNG over 8 MP needs tiles, at or under does not");
	write_header_png(p, 4000, 2001, 0);
	CHECK_INT(bx_image_plan(p, &plan, &err), 0);
	CHECK_INT(plan.tiles, 1);
	CHECK_INT(plan.w, 4000);
	write_header_png(p, 4000, 2000, 0);
	CHECK_INT(bx_image_plan(p, &plan, &err), 0);
	CHECK_INT(plan.tiles, 0);
	CASE("40000x40000 is shown (from tiles)");
	write_header_png(p, 40000, 40000, 0);
	CHECK_INT(bx_image_plan(p, &plan, &err), 0);
	CHECK_INT(plan.tiles, 1);
	CASE("an interlaced PNG over the budget can never be shown: refused, saying why");
	write_header_png(p, 20000, 20000, 1);
	CHECK_INT(bx_image_plan(p, &plan, &err), BX_ELIMIT);
	CHECK(strstr(err.msg, "Adam7-interlaced") != NULL && strstr(err.msg, "non-interlaced") != NULL);
	CASE("an interlaced PNG within it is decoded whole, no tiles");
	write_header_png(p, 5000, 5000, 1);
	CHECK_INT(bx_image_plan(p, &plan, &err), 0);
	CHECK_INT(plan.tiles, 0);
	CASE("past 65535 per side is refused");
	write_header_png(p, 70000, 100, 0);
	CHECK_INT(bx_image_plan(p, &plan, &err), BX_ELIMIT);
	CHECK(strstr(err.msg, "over the limit of 65535x65535") != NULL);
	CASE("the region JPEGs in tests/data need no tiles");
	snprintf(p, sizeof p, "%s/jpeg-region-progressive.jpg", getenv("BOXEL_TEST_DATA"));
	CHECK_INT(bx_image_plan(p, &plan, &err), 0);
	CHECK_INT(plan.tiles, 0);
}

BX_TESTS(T(test_build_and_read), T(test_never_trusted), T(test_deflate), T(test_job),
         T(test_size_limit), T(test_two_builders), T(test_jpeg),
         T(test_plan),
         T(cleanup))
