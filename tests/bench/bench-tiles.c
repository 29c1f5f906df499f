/* bench-tiles.c: the labeling view on large images, measured in the view
 * itself (its key() and draw() into a cell grid, no terminal, no tmux):
 * a 12000x9000 JPEG, 20000x20000 and 40000x40000 PNGs (shown from tile
 * pyramids) and a 4000x3000 (12 MP) JPEG, all written by tests/mkimage.
 * Per image: the first frame cold (no tile cache: it is built on the
 * view's worker thread while the frames go on; also the time until the
 * pyramid is ready and the view exact, ticking the view as the screen's
 * loop does) and with the cache, each in a child process whose peak RSS
 * (ru_maxrss) is its own, and the CPU time the child spent;
 * the time of each zoom step from fit to 1:1 and of each pan step at 1:1
 * (a quarter of the pane); and the cache's bytes on disk. Figures only:
 * exits 0 unless a step fails.
 *
 *   bench-tiles MKIMAGE BOXEL [DIR]   (DIR: scratch, default $TMPDIR; it
 *                                      needs about 8 GB free)
 *
 * BENCH_TILES_MAX=20000 leaves out the 40000x40000 PNG. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boxel/cells.h"
#include "boxel/label.h"
#include "boxel/tty.h"
#include "boxel/view-label.h"
#include "boxel/view.h"

#define COLS 160
#define ROWS 50

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of this process: the compute without the waits for a core that
 * a shared 2-core machine adds to the wall clock. */
static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench-tiles: failed: %s\n", cmd);
		return -1;
	}
	return 0;
}

static long long
dir_bytes(const char *dir)
{
	struct dirent *d;
	struct stat st;
	char p[4096];
	long long n = 0;
	DIR *dd = opendir(dir);

	if (dd == NULL)
		return 0;
	while ((d = readdir(dd)) != NULL) {
		snprintf(p, sizeof p, "%s/%s", dir, d->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			n += (long long)st.st_blocks * 512;
	}
	closedir(dd);
	return n;
}

struct stats {
	int n;
	double sum, max, cpu, cpu_max;
};

/* One key through the view and a draw: the compute an annotator waits for. */
static void
step(struct bx_view *v, struct bx_grid *g, int key, struct stats *s)
{
	struct bx_key k = { .key = key };
	double t0 = now_s(), c0 = cpu_s(), t, c;

	v->ops->key(v, &k, now_ms());
	v->ops->draw(v, g, now_ms());
	t = now_s() - t0;
	c = cpu_s() - c0;
	s->n++;
	s->sum += t;
	s->cpu += c;
	if (t > s->max)
		s->max = t;
	if (c > s->cpu_max)
		s->cpu_max = c;
}

static void
print_stats(const char *what, const struct stats *s)
{
	printf("\n    %-30s %2d steps: wall mean %6.1f ms max %6.1f ms; cpu mean %6.1f ms max %6.1f ms",
	       what, s->n, 1e3 * s->sum / s->n, 1e3 * s->max, 1e3 * s->cpu / s->n, 1e3 * s->cpu_max);
}

/* The status line of g, as ASCII. */
static void
status_of(const struct bx_grid *g, char *status)
{
	int x;

	for (x = 0; x < COLS; x++)
		status[x] = (char)(g->c[(ROWS - 1) * COLS + x].ch < 128 ?
		    g->c[(ROWS - 1) * COLS + x].ch : '?');
	status[COLS] = '\0';
}

/* In a child: open the view as user, time the first frame; with steps,
 * zoom from fit to 1:1 and pan at 1:1. Prints one line; exit 0 or 1. */
static int
child(const char *db, const char *user, int steps)
{
	struct bx_session s;
	struct bx_view v = { 0 };
	struct bx_grid *g = bx_grid_new(COLS, ROWS);
	struct bx_err err;
	struct stats zs = { 0 }, ps = { 0 };
	char status[COLS + 1];
	double t0 = now_s(), first;
	int i;

	memset(&s, 0, sizeof s);
	if (bx_session_open(&s, db, user, &err) != 0) {
		fprintf(stderr, "bench-tiles: %s\n", err.msg);
		return 1;
	}
	bx_view_label_init(&v, &s, BX_COLORS_FULL, 0, COLS, ROWS, now_ms());
	v.ops->draw(&v, g, now_ms());
	first = now_s() - t0;
	printf("first frame %7.3f s", first);
	/* A pyramid being built: tick as the loop does (every 500 ms; 20 ms
	 * here, to see the end sooner) until the status stops counting it. */
	status_of(g, status);
	if (strstr(status, " tiles ") != NULL) {
		struct timespec nap = { 0, 20000000 };

		while (strstr(status, " tiles ") != NULL) {
			nanosleep(&nap, NULL);
			v.ops->tick(&v, now_ms(), BX_TICK_IDLE);
			v.ops->draw(&v, g, now_ms());
			status_of(g, status);
		}
		printf(", exact (pyramid built) %7.3f s", now_s() - t0);
	}
	if (steps) {
		/* + stops at 1:1 on its way; the status line says when. */
		for (i = 0; i < 40; i++) {
			step(&v, g, '+', &zs);
			status_of(g, status);
			if (strstr(status, "(1:1)") != NULL)
				break;
		}
		if (strstr(status, "(1:1)") == NULL) {
			fprintf(stderr, "\nbench-tiles: + never reached 1:1: %s\n", status);
			return 1;
		}
		for (i = 0; i < 12; i++)
			step(&v, g, i < 6 ? BX_KEY_S_RIGHT : BX_KEY_S_DOWN, &ps);
		for (i = 0; i < 12; i++)
			step(&v, g, i < 6 ? BX_KEY_S_LEFT : BX_KEY_S_UP, &ps);
		print_stats("zoom step, fit to 1:1", &zs);
		print_stats("pan step at 1:1", &ps);
		printf("\n   ");
	}
	fflush(stdout);
	return 0;
}

static int
run_child(const char *db, const char *user, int steps)
{
	struct rusage ru;
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child(db, user, steps));
	if (pid < 0 || wait4(pid, &st, 0, &ru) != pid)
		return -1;
	printf("  peak RSS %5.1f MB, cpu %.1f s\n", ru.ru_maxrss / 1024.0,
	       ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

struct img {
	const char *name;
	int w, h;
	const char *opts;
};

int
main(int argc, char **argv)
{
	static const struct img imgs[] = {
		{ "jpeg-12mp.jpg", 4000, 3000, "-q 85" },
		{ "jpeg-108mp.jpg", 12000, 9000, "-n 0" },
		{ "png-20000.png", 20000, 20000, "-n 0 -z 1 -f" },
		{ "png-40000.png", 40000, 40000, "-n 0 -z 1 -f" },
	};
	const char *tmp = getenv("TMPDIR"), *maxs = getenv("BENCH_TILES_MAX");
	char dir[512], p[1024], db[1100], tiles[1200];
	int maxside = maxs ? atoi(maxs) : 1 << 30, rc = 0;
	size_t i;
	double t0;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-tiles MKIMAGE BOXEL [DIR]\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "%s/boxel-bench-tiles-XXXXXX", argc > 3 ? argv[3] : tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	setenv("BOXEL_PREFETCH", "0", 1);
	printf("view compute on %dx%d (boxel label's key() + draw(), no terminal)\n", COLS, ROWS);
	for (i = 0; i < sizeof imgs / sizeof imgs[0]; i++) {
		const struct img *m = &imgs[i];

		if (m->w > maxside)
			continue;
		snprintf(p, sizeof p, "%s/p%zu", dir, i);
		snprintf(db, sizeof db, "%s/boxel.db", p);
		snprintf(tiles, sizeof tiles, "%s-tiles", db);
		t0 = now_s();
		if (sh("mkdir -p %s/img && %s %s/img/%s %d %d %s", p, argv[1], p, m->name, m->w, m->h,
		       m->opts) < 0) {
			rc = 1;
			continue;
		}
		printf("%s %dx%d: generated in %.1f s", m->name, m->w, m->h, now_s() - t0);
		snprintf(db, sizeof db, "%s/img/%s", p, m->name);
		{
			struct stat st;
			if (stat(db, &st) == 0)
				printf(", %.1f MB", st.st_size / 1e6);
			printf("\n");
		}
		snprintf(db, sizeof db, "%s/boxel.db", p);
		if (sh("printf '{\"name\": \"t\", \"classes\": [{\"name\": \"obj\", \"geometries\": "
		       "[\"box\"]}]}\\n' > %s/tax.json && %s init --db %s --images %s/img --taxonomy "
		       "%s/tax.json >/dev/null && %s import --db %s %s/img >/dev/null && "
		       "%s user add u1 --role annotator --db %s >/dev/null && "
		       "%s user add u2 --role annotator --db %s >/dev/null && "
		       "%s batch create b --kind production --overlap 2 --tasks all --db %s >/dev/null",
		       p, argv[2], db, p, p, argv[2], db, p, argv[2], db, argv[2], db, argv[2], db) < 0) {
			rc = 1;
			continue;
		}
		printf("  cold (no cache):  ");
		if (run_child(db, "u1", 0) < 0)
			rc = 1;
		printf("  with cache:       ");
		if (run_child(db, "u2", 1) < 0)
			rc = 1;
		printf("  tile cache on disk: %.1f MB\n", dir_bytes(tiles) / 1e6);
		sh("rm -rf %s", p);
	}
	sh("rm -rf %s", dir);
	return rc;
}
