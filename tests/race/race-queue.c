/* race-queue.c: 32 worker processes claim and submit until 1,600 tasks with
 * overlap 2 are all judged, on short leases (2 s, real clock), while this
 * supervisor SIGKILLs workers mid-work (between claim and submit, and
 * inside submit) and starts replacements. The batch is production work with
 * a gold pool (an eighth more tasks, gold rate 0.2), and the first workers run
 * in pairs under one user name, as one annotator with two SSH sessions: the
 * claim's per-batch gold lock and per-user lock are raced as well as the
 * row locks. Afterwards the store must hold exactly 2 submitted judgments
 * per ordinary task from 2 distinct labelers, no judgment submitted twice,
 * no labeler with two judgments of one task (ordinary or gold), gold
 * judgments only of gold tasks and at about the rate, and pass PRAGMA
 * integrity_check; while it ran, no user ever held two leases at once.
 * Usage: race-queue [TASKS [WORKERS [KILLS]]].
 *
 * With BOXEL_TEST_PG set (tests/pg/run.sh) the store is a new database on
 * that PostgreSQL server instead, and the checks read it through libpq (no
 * integrity_check there: that is SQLite's). With RACE_RESTART_CMD set too,
 * the supervisor runs that command (a server restart) once, 3 s in: the
 * sessions must report, reconnect and lose nothing. */
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
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
#include "harness.h"

#define MAXW 64
#define LEASE_MS 2000
#define DEADLINE_S 240
#define GOLD_RATE 0.2
#define PAIRS 3 /* slots 0-5: users w0, w0, w1, w1, w2, w2 */

#define ANSWER "{\"annotations\":[{\"class\":\"cat\",\"box\":[1,2,30,40]}]}"

enum { PH_IDLE, PH_HOLDING, PH_SUBMITTING };

struct shared {
	volatile int phase[MAXW];
	long submits, lost, busy;
};

static struct shared *sh;
static char db[256];
static int ntasks = 1600, nworkers = 32, nkills = 16, ngold;

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static int
all_done(struct bx_store *st)
{
	struct bx_err err = { 0 };
	struct bx_batch b;
	int done;

	if (bx_store_batch_get(st, "race", &b, &err) < 0)
		return 0;
	/* Ordinary work: a gold judgment is each labeler's own, outside the
	 * overlap (and a killed labeler's may stay leased for good). */
	done = b.count[BX_J_SUBMITTED] - b.gold_count[BX_J_SUBMITTED] >=
	    (b.ntasks - b.ngold) * b.overlap;
	bx_batch_free(&b);
	return done;
}

static void
worker(int slot, const char *user)
{
	struct bx_store *st;
	struct bx_err err = { 0 };
	struct bx_answer ans;
	struct bx_claim c;
	unsigned int r;
	int rc;

	srand((unsigned)getpid());
	if (bx_store_open(db, 0, &st, &err) < 0) {
		fprintf(stderr, "%s: %s\n", user, err.msg);
		_exit(1);
	}
	bx_answer_init(&ans);
	bx_answer_from_json(ANSWER, &ans, &err);
	for (;;) {
		sh->phase[slot] = PH_IDLE;
		rc = bx_queue_claim(st, user, LEASE_MS, wall_ms(), &c, &err);
		if (rc == BX_EEMPTY) {
			if (all_done(st))
				break;
			sleep_us(100000); /* leases of killed workers still running */
			continue;
		}
		if (rc < 0) {
			__atomic_fetch_add(&sh->busy, 1, __ATOMIC_RELAXED);
			sleep_us(1000); /* a server restarting: do not spin */
			continue;
		}
		sh->phase[slot] = PH_HOLDING;
		r = (unsigned)rand();
		sleep_us(500 + r % 3000); /* "labeling" */
		sh->phase[slot] = PH_SUBMITTING;
		rc = bx_queue_submit(st, c.judgment, c.token, &ans, 1.0, wall_ms(), &err);
		sh->phase[slot] = PH_IDLE;
		if (rc == 0)
			__atomic_fetch_add(&sh->submits, 1, __ATOMIC_RELAXED);
		else if (rc == BX_ELEASE)
			__atomic_fetch_add(&sh->lost, 1, __ATOMIC_RELAXED);
		bx_claim_free(&c);
	}
	bx_answer_free(&ans);
	bx_store_close(st);
	_exit(0);
}

static pid_t
spawn(int slot, const char *user)
{
	pid_t p;

	sh->phase[slot] = PH_IDLE;
	p = fork();
	if (p == 0)
		worker(slot, user);
	return p;
}

static void
setup(void)
{
	struct bx_store *st;
	struct bx_err err = { 0 };
	struct bx_batch_new b = { "race", "production", 2, GOLD_RATE, 0, BX_BATCH_ALL, NULL, 0 };
	struct bx_answer gold;
	char name[32];
	int64_t id;
	int i;

	CHECK_INT(bx_store_open(db, BX_STORE_CREATE, &st, &err), 0);
	if (st == NULL)
		exit(2);
	/* Kills are few; keep set-aside out of the picture. */
	bx_store_setting_set(st, "max_attempts", "1000", "race", 0, &err);
	for (i = 0; i < MAXW * 2; i++) {
		snprintf(name, sizeof name, "w%d", i);
		bx_store_user_add(st, name, "annotator", "race", 0, &err);
		bx_store_user_set_qual(st, name, "qualified", "race", 0, &err);
	}
	/* Gold answers are the workers' own answer: gold scores stay perfect,
	 * nobody is suspended mid-race. */
	bx_answer_init(&gold);
	bx_answer_from_json(ANSWER, &gold, &err);
	for (i = 0; i < ntasks + ngold; i++) {
		struct bx_task_new t = { .image = name, .width = 640, .height = 480 };
		snprintf(name, sizeof name, "img/%05d.jpg", i);
		if (bx_store_task_add(st, &t, &id, NULL, &err) == 0 && i >= ntasks)
			CHECK_INT(bx_store_task_answer_put(st, id, "gold", &gold, &err), 0);
	}
	bx_answer_free(&gold);
	CHECK_INT(bx_store_batch_create(st, &b, "race", 0, NULL, NULL, &err), 0);
	bx_store_close(st);
}

static const char *
pg_uri(void)
{
	const char *p = getenv("BOXEL_TEST_PG");

	return p != NULL && *p ? p : NULL;
}

static PGconn *pgh; /* the supervisor's connection when on PostgreSQL */
static sqlite3 *sh_db; /* or on SQLite */

static void
check_open(void)
{
	if (pg_uri() != NULL)
		pgh = PQconnectdb(db);
	else if (sqlite3_open_v2(db, &sh_db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		sqlite3_busy_timeout(sh_db, 5000);
}

static long long
q(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *s;
	long long v = -1;

	if (pgh != NULL) {
		PGresult *r;
		if (PQstatus(pgh) == CONNECTION_BAD) /* the server was restarted */
			PQreset(pgh);
		r = PQexec(pgh, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		else
			fprintf(stderr, "query: %s", PQresultErrorMessage(r));
		PQclear(r);
		return v;
	}
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "query: %s\n", sqlite3_errmsg(h));
		return -1;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Users holding more than one leased judgment: a claim resumes the user's
 * own lease first, so even two sessions of one user share one. */
static long long
double_leases(sqlite3 *h)
{
	return q(h, "SELECT count(*) FROM (SELECT labeler FROM judgments WHERE state = 'leased' "
	    "GROUP BY labeler HAVING count(*) > 1) x");
}

static void
verify(int kills_holding, int kills_submitting, long long doubles)
{
	sqlite3 *h = sh_db;
	sqlite3_stmt *s;
	char ok[64] = "";
	long long g, n;

	CASE("every ordinary task: exactly 2 submitted judgments from 2 distinct labelers");
	CHECK_INT(q(h, "SELECT count(*) FROM (SELECT task FROM judgments WHERE state = 'submitted' "
	    "AND gold = 0 GROUP BY task HAVING count(*) = 2 AND count(DISTINCT labeler) = 2) x"),
	    ntasks);
	CHECK_INT(q(h, "SELECT count(*) FROM judgments WHERE state = 'submitted' AND gold = 0"),
	    2 * ntasks);
	CHECK_INT(q(h, "SELECT count(*) FROM judgments WHERE state <> 'submitted' AND gold = 0"), 0);
	CASE("no judgment submitted twice (event log)");
	CHECK_INT(q(h, "SELECT (SELECT count(*) FROM events WHERE what = 'submit') - "
	    "(SELECT count(*) FROM judgments WHERE state = 'submitted')"), 0);
	CHECK_INT(q(h, "SELECT count(*) FROM (SELECT 1 FROM events WHERE what = 'submit' "
	    "GROUP BY json_extract(detail, '$.judgment') HAVING count(*) > 1) x"), 0);
	CASE("no labeler with two judgments of one task, nor the same gold twice");
	CHECK_INT(q(h, "SELECT count(*) FROM (SELECT 1 FROM judgments WHERE labeler IS NOT NULL "
	    "GROUP BY task, labeler HAVING count(*) > 1) x"), 0);
	CHECK_INT(q(h, "SELECT count(*) FROM (SELECT 1 FROM judgments WHERE gold = 1 "
	    "GROUP BY task, labeler HAVING count(*) > 1) x"), 0);
	CASE("gold judgments are of gold tasks only, each a labeler's own");
	CHECK_INT(q(h, "SELECT count(*) FROM judgments WHERE gold = 1 AND labeler IS NULL"), 0);
	CHECK_INT(q(h, "SELECT count(*) FROM judgments WHERE (gold = 1 AND task NOT IN "
	    "(SELECT task FROM gold)) OR (gold = 0 AND task IN (SELECT task FROM gold))"), 0);
	CASE("gold served at about the rate (0.2 per claim: 0.1-0.3 overall)");
	g = q(h, "SELECT count(*) FROM judgments WHERE gold = 1");
	n = q(h, "SELECT count(*) FROM judgments WHERE labeler IS NOT NULL");
	printf("race: %lld gold judgments of %lld (%.3f)\n", g, n, n > 0 ? (double)g / n : 0.0);
	CHECK(n > 0 && g >= n / 10 && g <= 3 * n / 10);
	/* Binomial bounds a fair draw breaks about once in 10^5 labelers. */
	CASE("per labeler: none over half gold (40+ judgments), none without (50+)");
	CHECK_INT(q(h, "SELECT count(*) FROM (SELECT labeler FROM judgments WHERE labeler IS NOT "
	    "NULL GROUP BY labeler HAVING count(*) >= 40 AND 2 * sum(gold) > count(*)) x"), 0);
	CHECK_INT(q(h, "SELECT count(*) FROM (SELECT labeler FROM judgments WHERE labeler IS NOT "
	    "NULL GROUP BY labeler HAVING count(*) >= 50 AND sum(gold) = 0) x"), 0);
	CASE("two sessions of one user: never two leases at once (sampled while racing)");
	CHECK_INT(doubles, 0);
	CASE("annotations: one row per submitted judgment");
	CHECK_INT(q(h, "SELECT (SELECT count(*) FROM annotations) - "
	    "(SELECT count(*) FROM judgments WHERE state = 'submitted')"), 0);
	CASE("integrity");
	if (pgh != NULL) {
		printf("race: integrity_check skipped on PostgreSQL (a SQLite check)\n");
	} else {
		if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK) {
			if (sqlite3_step(s) == SQLITE_ROW)
				snprintf(ok, sizeof ok, "%s", sqlite3_column_text(s, 0));
			sqlite3_finalize(s);
		}
		CHECK_STR(ok, "ok");
	}
	CASE("the kills happened");
	CHECK(kills_holding > 0);
	CHECK(kills_submitting > 0);
	if (pgh != NULL)
		PQfinish(pgh);
	else
		sqlite3_close(h);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/boxel-race.XXXXXX";
	pid_t pid[MAXW];
	char user[MAXW][16];
	int i, live, kills = 0, kh = 0, ks = 0, next_user, want, restarted = 0;
	const char *restart = pg_uri() != NULL ? getenv("RACE_RESTART_CMD") : NULL;
	time_t start;
	long long doubles = 0, d;
	int tick = 0, samples = 0;

	(void)bx_t_run; /* the harness's runner: this program has its own main */
	if (argc > 1)
		ntasks = atoi(argv[1]);
	if (argc > 2)
		nworkers = atoi(argv[2]);
	if (argc > 3)
		nkills = atoi(argv[3]);
	ngold = ntasks / 8 + 5;
	if (ntasks < 1 || nworkers < 2 || nworkers > MAXW || nkills < 0) {
		fprintf(stderr, "usage: race-queue [TASKS [WORKERS<=%d [KILLS]]]\n", MAXW);
		return 2;
	}
	unsetenv("BOXEL_NOW_MS"); /* real leases, real expiry */
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(db, sizeof db, "%s/race.db", dir);
	if (pg_uri() != NULL) {
		/* A new database beside BOXEL_TEST_PG's, the same connection
		 * options (the part from '?'). */
		const char *opt = strchr(pg_uri(), '?');
		PGconn *c = PQconnectdb(pg_uri());
		char sql[64];
		snprintf(sql, sizeof sql, "CREATE DATABASE race_%d", (int)getpid());
		PQclear(PQexec(c, sql));
		PQfinish(c);
		snprintf(db, sizeof db, "postgresql:///race_%d%s", (int)getpid(), opt ? opt : "");
	}
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	memset((void *)sh, 0, sizeof *sh);
	setup();
	check_open();

	start = time(NULL);
	for (i = 0; i < nworkers; i++) {
		snprintf(user[i], sizeof user[i], "w%d", i < 2 * PAIRS ? i / 2 : i);
		pid[i] = spawn(i, user[i]);
	}
	next_user = nworkers;
	live = nworkers;
	while (live > 0) {
		int st;
		if (restart != NULL && time(NULL) - start >= 3) {
			printf("race: restarting the server: %s\n", restart);
			fflush(stdout);
			if (system(restart) != 0)
				fprintf(stderr, "race: the restart command failed\n");
			restart = NULL;
			restarted = 1;
		}
		if (++tick % 50 == 0 && (d = double_leases(sh_db)) >= 0) {
			samples++;
			if (d > doubles)
				doubles = d;
		}
		pid_t p = waitpid(-1, &st, WNOHANG);
		if (p > 0) {
			for (i = 0; i < nworkers; i++)
				if (pid[i] == p)
					pid[i] = 0;
			live--;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				fprintf(stderr, "worker %d ended badly (status %d)\n", (int)p, st);
			continue;
		}
		if (time(NULL) - start > DEADLINE_S) {
			fprintf(stderr, "race: still running after %d s; stopping\n", DEADLINE_S);
			for (i = 0; i < nworkers; i++)
				if (pid[i] > 0)
					kill(pid[i], SIGKILL);
			while (wait(NULL) > 0)
				;
			CHECK(0);
			break;
		}
		/* Every ~150 ms, kill one worker in the wanted phase; alternate
		 * phases. Half the replacements come back under the same name
		 * (they resume the dead lease), half under a new one (the dead
		 * lease must expire and go to someone else). */
		if (kills < nkills) {
			want = kills % 2 ? PH_SUBMITTING : PH_HOLDING;
			for (i = 0; i < nworkers; i++) {
				if (pid[i] > 0 && sh->phase[i] == want) {
					kill(pid[i], SIGKILL);
					waitpid(pid[i], NULL, 0);
					if (want == PH_HOLDING)
						kh++;
					else
						ks++;
					kills++;
					if (kills % 4 >= 2 && next_user < 2 * MAXW)
						snprintf(user[i], sizeof user[i], "w%d", next_user++);
					pid[i] = spawn(i, user[i]);
					sleep_us(150000);
					break;
				}
			}
		}
		sleep_us(2000);
	}
	printf("race: %d tasks x 2, %d workers, %d kills (%d holding a lease, %d inside submit), "
	    "%ld submits, %ld lost leases, %ld busy, %ld s\n", ntasks, nworkers, kills, kh, ks,
	    sh->submits, sh->lost, sh->busy, (long)(time(NULL) - start));
	printf("race: %d samples of the leases while racing\n", samples);
	verify(kh, ks, doubles);
	CASE("the leases were sampled while racing");
	CHECK(samples > 0);
	if (getenv("RACE_RESTART_CMD") != NULL && pg_uri() != NULL) {
		CASE("the server was restarted mid-run");
		CHECK(restarted);
	}
	{
		char *rm = bx_asprintf("rm -rf '%s'", dir);
		if (system(rm) != 0)
			fprintf(stderr, "race: could not remove %s\n", dir);
		free(rm);
	}
	printf("%d passed, %d failed\n", bx_t_passed, bx_t_failed);
	return bx_t_failed ? 1 : 0;
}
