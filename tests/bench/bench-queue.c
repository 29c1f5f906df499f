/* bench-queue.c: claim+submit throughput and claim latency of the queue with
 * 1, 8 and 32 writer processes at synchronous=FULL (and the same with
 * bx_queue_submit_next, one transaction per judgment), on a fresh store in a
 * temporary directory (or the directory given). Prints figures; never
 * passes or fails. Real clock (BOXEL_NOW_MS is ignored).
 *
 * Each writer opens its connection and does one unmeasured claim and submit
 * (compiling its statements, mapping the WAL index), then all start
 * together: the figures are the queue under steady contention, not process
 * start-up. The first claims of the fresh connections, all 32 at once, are
 * printed on their own line ("cold").
 * With BENCH_GOLD_RATE=R (0..1), every 10th task has a gold answer and the
 * batch serves gold at rate R: each labeler's gold is created by its claim.
 * Usage: bench-queue [TASKS [DIR|- [WRITERS,...]]], e.g. bench-queue 2000 - 32. */
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boxel/codec.h"
#include "boxel/store.h"
#include "boxel/util.h"

#define MAXLAT 200000

#define MAXWRITERS 256

struct shared {
	long nlat;
	double lat_ms[MAXLAT]; /* claim latencies of every writer */
	double cold_ms[MAXWRITERS]; /* each writer's first claim */
	long claims, submits, busy, lost;
	int ready; /* writers done with their warm-up */
	int go;    /* set by the parent once every writer is ready */
};

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
writer(const char *path, int id, struct shared *sh, int combined)
{
	struct bx_store *st;
	struct bx_err err = { 0 };
	struct bx_answer ans;
	struct bx_claim c;
	char user[16];
	double t0, dt;
	long k;
	int rc;

	snprintf(user, sizeof user, "w%d", id);
	if (bx_store_open(path, 0, &st, &err) < 0) {
		fprintf(stderr, "%s: %s\n", user, err.msg);
		__atomic_fetch_add(&sh->ready, 1, __ATOMIC_ACQ_REL);
		_exit(1);
	}
	bx_answer_init(&ans);
	bx_answer_from_json("{\"annotations\":[{\"class\":\"cat\",\"box\":[1,2,30,40]}]}", &ans,
	    &err);
	/* Warm-up, unmeasured but for the cold claim itself. */
	t0 = mono_ms();
	rc = bx_queue_claim(st, user, 60000, wall_ms(), &c, &err);
	sh->cold_ms[id] = rc == 0 ? mono_ms() - t0 : -1;
	if (rc == 0) {
		struct bx_claim next;
		if (combined) {
			rc = bx_queue_submit_next(st, c.judgment, c.token, &ans, 1.0, user, 60000,
			    wall_ms(), &next, &err);
			bx_claim_free(&c);
			c = next;
		} else {
			bx_queue_submit(st, c.judgment, c.token, &ans, 1.0, wall_ms(), &err);
			bx_claim_free(&c);
		}
	}
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		usleep(200);
	if (combined) {
		/* One transaction per judgment: submit and claim the next. */
		while (rc == 0) {
			struct bx_claim next;
			__atomic_fetch_add(&sh->claims, 1, __ATOMIC_RELAXED);
			t0 = mono_ms();
			rc = bx_queue_submit_next(st, c.judgment, c.token, &ans, 1.0, user, 60000,
			    wall_ms(), &next, &err);
			dt = mono_ms() - t0;
			k = __atomic_fetch_add(&sh->nlat, 1, __ATOMIC_RELAXED);
			if (k < MAXLAT)
				sh->lat_ms[k] = dt;
			bx_claim_free(&c);
			if (rc == 0 || rc == BX_EEMPTY)
				__atomic_fetch_add(&sh->submits, 1, __ATOMIC_RELAXED);
			else
				__atomic_fetch_add(&sh->lost, 1, __ATOMIC_RELAXED);
			c = next;
		}
		bx_answer_free(&ans);
		bx_store_close(st);
		_exit(0);
	}
	for (;;) {
		t0 = mono_ms();
		rc = bx_queue_claim(st, user, 60000, wall_ms(), &c, &err);
		dt = mono_ms() - t0;
		if (rc == BX_EEMPTY)
			break;
		if (rc == BX_EPERM) { /* refused (suspended...): retrying would spin */
			fprintf(stderr, "%s: %s\n", user, err.msg);
			break;
		}
		if (rc < 0) {
			__atomic_fetch_add(&sh->busy, 1, __ATOMIC_RELAXED);
			continue;
		}
		k = __atomic_fetch_add(&sh->nlat, 1, __ATOMIC_RELAXED);
		if (k < MAXLAT)
			sh->lat_ms[k] = dt;
		__atomic_fetch_add(&sh->claims, 1, __ATOMIC_RELAXED);
		rc = bx_queue_submit(st, c.judgment, c.token, &ans, 1.0, wall_ms(), &err);
		if (rc == 0)
			__atomic_fetch_add(&sh->submits, 1, __ATOMIC_RELAXED);
		else
			__atomic_fetch_add(&sh->lost, 1, __ATOMIC_RELAXED);
		bx_claim_free(&c);
	}
	bx_answer_free(&ans);
	bx_store_close(st);
	_exit(0);
}

static int
setup(const char *path, int writers, int tasks)
{
	struct bx_store *st;
	struct bx_err err = { 0 };
	struct bx_batch_new b = { "bench", "production", 1, 0, 0, BX_BATCH_ALL, NULL, 0 };
	const char *grate = getenv("BENCH_GOLD_RATE");
	struct bx_answer gold;
	char name[32];
	int64_t tid;
	int i;

	if (bx_store_open(path, BX_STORE_CREATE, &st, &err) < 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return -1;
	}
	for (i = 0; i < writers; i++) {
		snprintf(name, sizeof name, "w%d", i);
		bx_store_user_add(st, name, "annotator", "bench", 0, &err);
	}
	/* The gold is what every writer answers: nobody falls under the
	 * accuracy bar and gets suspended halfway. */
	bx_answer_init(&gold);
	bx_answer_from_json("{\"annotations\":[{\"class\":\"cat\",\"box\":[1,2,30,40]}]}",
	    &gold, &err);
	/* Tasks in one transaction would need an API for it; one per call is
	 * fine for a setup of a few thousand. */
	for (i = 0; i < tasks; i++) {
		struct bx_task_new t = { .image = name, .width = 640, .height = 480 };
		snprintf(name, sizeof name, "img/%06d.jpg", i);
		if (bx_store_task_add(st, &t, &tid, NULL, &err) < 0 ||
		    (grate != NULL && i % 10 == 5 &&
		     bx_store_task_answer_put(st, tid, "gold", &gold, &err) < 0)) {
			fprintf(stderr, "bench: %s\n", err.msg);
			bx_store_close(st);
			return -1;
		}
	}
	if (grate != NULL)
		b.gold_rate = atof(grate);
	bx_answer_free(&gold);
	if (bx_store_batch_create(st, &b, "bench", 0, NULL, NULL, &err) < 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		bx_store_close(st);
		return -1;
	}
	bx_store_close(st);
	return 0;
}

/* With BOXEL_TEST_PG (a postgresql:// URI; tests/bench/bench-queue.sh
 * starts a server) each run gets a new database there instead of a file. */
static const char *
pg_uri(void)
{
	const char *p = getenv("BOXEL_TEST_PG");

	return p != NULL && *p ? p : NULL;
}

static char *
pg_new_db(int writers, int combined)
{
	const char *opt = strchr(pg_uri(), '?');
	PGconn *c = PQconnectdb(pg_uri());
	char *name = bx_asprintf("bench_%d_%d_%d", (int)getpid(), writers, combined);
	char *sql = bx_asprintf("CREATE DATABASE %s", name), *uri;

	PQclear(PQexec(c, sql));
	PQfinish(c);
	uri = bx_asprintf("postgresql:///%s%s", name, opt ? opt : "");
	free(name);
	free(sql);
	return uri;
}

static void
run(const char *dir, int writers, int tasks, int combined)
{
	struct shared *sh;
	char *path = pg_uri() != NULL ? pg_new_db(writers, combined) :
	    bx_asprintf("%s/bench-%d.db", dir, writers);
	double t0, wall, p50 = 0, p99 = 0, pmax = 0, cold[MAXWRITERS];
	int i, ncold = 0;
	long n;

	if (setup(path, writers, tasks) < 0)
		exit(2);
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	memset(sh, 0, sizeof *sh);
	for (i = 0; i < writers; i++) {
		pid_t p = fork();
		if (p == 0)
			writer(path, i, sh, combined);
		if (p < 0) {
			perror("fork");
			exit(2);
		}
	}
	while (__atomic_load_n(&sh->ready, __ATOMIC_ACQUIRE) < writers)
		usleep(1000);
	t0 = mono_ms();
	__atomic_store_n(&sh->go, 1, __ATOMIC_RELEASE);
	while (wait(NULL) > 0)
		;
	wall = (mono_ms() - t0) / 1000;
	n = sh->nlat < MAXLAT ? sh->nlat : MAXLAT;
	if (n > 0) {
		qsort(sh->lat_ms, (size_t)n, sizeof *sh->lat_ms, cmp_double);
		p50 = sh->lat_ms[n / 2];
		p99 = sh->lat_ms[(long)(n * 0.99)];
		pmax = sh->lat_ms[n - 1];
	}
	for (i = 0; i < writers; i++)
		if (sh->cold_ms[i] >= 0)
			cold[ncold++] = sh->cold_ms[i];
	qsort(cold, (size_t)ncold, sizeof *cold, cmp_double);
	if (combined)
		printf("writers %2d: %5ld submit+next in %6.2f s = %7.0f txn/s (%6.0f judgments/s); "
		    "submit+next p50 %6.2f ms p99 %6.2f ms max %7.2f ms; lost %ld\n",
		    writers, sh->submits, wall, sh->submits / wall, sh->submits / wall,
		    p50, p99, pmax, sh->lost);
	else
		printf("writers %2d: %5ld claim+submit in %6.2f s = %7.0f txn/s (%6.0f judgments/s); "
		    "claim p50 %6.2f ms p99 %6.2f ms max %7.2f ms; lost %ld busy %ld\n",
		    writers, sh->submits, wall, (sh->claims + sh->submits) / wall,
		    sh->submits / wall, p50, p99, pmax, sh->lost, sh->busy);
	if (ncold > 0)
		printf("      cold: first claim of each fresh connection, all %d at once: "
		    "p50 %6.2f ms max %7.2f ms\n", writers, cold[ncold / 2], cold[ncold - 1]);
	fflush(stdout);
	munmap(sh, sizeof *sh);
	if (pg_uri() == NULL) {
		char *rm = bx_asprintf("rm -f '%s' '%s-wal' '%s-shm'", path, path, path);
		if (system(rm) != 0)
			fprintf(stderr, "bench: could not remove %s\n", path);
		free(rm);
	}
	free(path);
}

int
main(int argc, char **argv)
{
	int writers[8] = { 1, 8, 32 }, nw = 3;
	char tmpl[] = "/tmp/boxel-bench-queue.XXXXXX";
	const char *dir;
	int tasks = argc > 1 ? atoi(argv[1]) : 2000;
	size_t i;

	unsetenv("BOXEL_NOW_MS");
	if (argc > 2 && strcmp(argv[2], "-") != 0) {
		dir = argv[2];
	} else {
		dir = mkdtemp(tmpl);
		if (dir == NULL) {
			perror("mkdtemp");
			return 2;
		}
	}
	if (tasks < 1 || tasks > MAXLAT) {
		fprintf(stderr, "usage: bench-queue [TASKS [DIR [WRITERS,...]]]\n");
		return 2;
	}
	if (pg_uri() != NULL)
		printf("bench-queue: %d tasks, overlap 1, PostgreSQL (synchronous_commit on)\n",
		    tasks);
	else
		printf("bench-queue: %d tasks, overlap 1, SQLite, synchronous=FULL, WAL, in %s\n",
		    tasks, dir);
	if (argc > 3) { /* writer counts, e.g. "32" or "1,8,32" */
		char *list = bx_strdup(argv[3]), *tok, *save = NULL;
		nw = 0;
		for (tok = strtok_r(list, ",", &save); tok != NULL && nw < 8;
		    tok = strtok_r(NULL, ",", &save))
			if (atoi(tok) >= 1 && atoi(tok) <= MAXWRITERS)
				writers[nw++] = atoi(tok);
		free(list);
	}
	printf("claim+submit: two transactions per judgment (queue claim, queue submit);\n"
	    "submit+next: bx_queue_submit_next, one transaction per judgment\n");
	for (i = 0; i < (size_t)nw; i++)
		run(dir, writers[i], tasks, 0);
	for (i = 0; i < (size_t)nw; i++)
		run(dir, writers[i], tasks, 1);
	if (dir == tmpl)
		rmdir(dir);
	return 0;
}
