/* store-gate.c: the writers' gate, a first-come-first-served ticket lock in
 * a small shared file beside the store (PATH-gate) that boxel's writers pass
 * around BEGIN IMMEDIATE ... COMMIT. SQLite alone makes waiting writers poll
 * with sleeps: with 32 writers on 2 cores the pollers ate CPU and the writer
 * that just committed kept winning, so some waited for a second or more. In
 * the gate each writer takes a ticket and sleeps on its own futex word until
 * the previous holder hands over; claim latency becomes a queue, not a
 * lottery.
 *
 * The gate only orders boxel's writers; SQLite's locks still decide, so a
 * gate that misbehaves costs speed, never correctness. When the file cannot
 * be set up (or BOXEL_WRITE_GATE=0) writers go straight to SQLite's lock with
 * random back-off. A holder or waiter that dies (SIGKILL) is detected by its
 * pid and skipped; a waiter that gives up marks its ticket abandoned. */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "boxel/util.h"
#include "store-int.h"

#define GATE_MAGIC 0x32746c65786f6262ULL /* "bboxelt2" */
#define GATE_SLOTS 1024                  /* more than concurrent writers ever */
#define GATE_SIZE 16384
#define SLOT_REG 0x80000000u             /* slot written by its ticket's owner */
#define UNREGISTERED_GRACE_MS 1000
#define POLL_MS 20

/* slot[t % GATE_SLOTS] = (uint64_t)t << 32 | SLOT_REG | pid, pid 0 when the
 * owner gave up. wake[i] is the futex word ticket i's owner sleeps on. */
struct gate_page {
	uint64_t magic;
	uint32_t next;    /* next ticket to hand out */
	uint32_t serving; /* the ticket that may hold the gate */
	uint64_t slot[GATE_SLOTS];
	uint32_t wake[GATE_SLOTS];
};

struct bx_gate {
	struct gate_page *page;
	int fd;
	uint32_t ticket; /* while held */
};

_Static_assert(sizeof(struct gate_page) <= GATE_SIZE, "gate page too small");

static long
futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct bx_gate *
bx_gate_open(const char *dbpath)
{
	struct bx_gate *g;
	struct gate_page *p;
	const char *env = getenv("BOXEL_WRITE_GATE");
	char *path;
	struct stat sb;
	int fd;

	if (env != NULL && strcmp(env, "0") == 0)
		return NULL;
	path = bx_asprintf("%s-gate", dbpath);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	free(path);
	if (fd < 0)
		return NULL;
	/* flock serializes the one-time initialization between processes and
	 * is dropped by the kernel if the initializer dies. */
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		goto fail;
	if (sb.st_size < GATE_SIZE && ftruncate(fd, GATE_SIZE) < 0)
		goto fail;
	p = mmap(NULL, GATE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	if (__atomic_load_n(&p->magic, __ATOMIC_ACQUIRE) != GATE_MAGIC) {
		memset(p, 0, sizeof *p);
		__atomic_store_n(&p->magic, GATE_MAGIC, __ATOMIC_RELEASE);
	}
	flock(fd, LOCK_UN);
	g = bx_malloc(sizeof *g);
	g->page = p;
	g->fd = fd;
	g->ticket = 0;
	return g;
fail:
	close(fd);
	return NULL;
}

static void
wake(struct gate_page *p, uint32_t t)
{
	uint32_t *w = &p->wake[t % GATE_SLOTS];

	__atomic_fetch_add(w, 1, __ATOMIC_RELEASE);
	futex(w, FUTEX_WAKE, 1, NULL);
}

/* Hand the gate from ticket s to s + 1 unless someone already did. */
static void
advance(struct gate_page *p, uint32_t s)
{
	uint32_t want = s;

	if (__atomic_compare_exchange_n(&p->serving, &want, s + 1, 0, __ATOMIC_ACQ_REL,
	    __ATOMIC_ACQUIRE))
		wake(p, s + 1);
}

/* A killed process stays a zombie until its parent reaps it, and kill(pid,
 * 0) still finds a zombie: look at its state in /proc too. */
static int
pid_dead(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* no /proc: trust kill() */
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* "pid (comm) S ...", comm may hold spaces */
	return p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* Is ticket s's owner gone (dead, gave up, or never registered within the
 * grace period)? stuck_since: when this waiter first saw s unregistered. */
static int
owner_gone(struct gate_page *p, uint32_t s, double *stuck_since)
{
	uint64_t v = __atomic_load_n(&p->slot[s % GATE_SLOTS], __ATOMIC_ACQUIRE);
	pid_t pid;

	if ((uint32_t)(v >> 32) != s || !((uint32_t)v & SLOT_REG)) {
		/* Killed between taking the ticket and registering (or not yet
		 * scheduled): give it a second. */
		if (*stuck_since == 0)
			*stuck_since = mono_ms();
		return mono_ms() - *stuck_since > UNREGISTERED_GRACE_MS;
	}
	*stuck_since = 0;
	pid = (pid_t)((uint32_t)v & ~SLOT_REG);
	return pid == 0 || pid_dead(pid);
}

int
bx_gate_lock(struct bx_gate *g, long timeout_ms)
{
	return bx_gate_lock_notify(g, timeout_ms, NULL, NULL);
}

int
bx_gate_lock_notify(struct bx_gate *g, long timeout_ms, void (*wait)(void *, long), void *ctx)
{
	struct gate_page *p = g->page;
	uint32_t t, s, seen, last = 0;
	double start = mono_ms(), stuck_since = 0, told = 0, waited;
	struct timespec ts = { 0, 0 };

	t = __atomic_fetch_add(&p->next, 1, __ATOMIC_ACQ_REL);
	__atomic_store_n(&p->slot[t % GATE_SLOTS],
	    (uint64_t)t << 32 | SLOT_REG | (uint32_t)getpid(), __ATOMIC_RELEASE);
	for (;;) {
		seen = __atomic_load_n(&p->wake[t % GATE_SLOTS], __ATOMIC_ACQUIRE);
		s = __atomic_load_n(&p->serving, __ATOMIC_ACQUIRE);
		if (s == t)
			break;
		if ((int32_t)(t - s) < 0) {
			/* Skipped (we looked dead or slow): take our turn at the
			 * back rather than hold two tickets. */
			return bx_gate_lock_notify(g, timeout_ms - (long)(mono_ms() - start), wait, ctx);
		}
		if (s != last)
			stuck_since = 0;
		last = s;
		if (owner_gone(p, s, &stuck_since))
			advance(p, s);
		/* A screen waiting here says so (bx_store_set_wait_hook). */
		waited = mono_ms() - start;
		if (wait != NULL && waited >= 300 && (told == 0 || waited - told >= 1000)) {
			told = waited;
			wait(ctx, (long)waited);
		}
		if (mono_ms() - start > timeout_ms) {
			/* Give up: leave the ticket marked abandoned, and pass the
			 * turn on if it has just become ours. */
			__atomic_store_n(&p->slot[t % GATE_SLOTS], (uint64_t)t << 32 | SLOT_REG,
			    __ATOMIC_RELEASE);
			advance(p, t);
			return 1;
		}
		/* The next in line watches the holder closely; the rest only
		 * need to notice a chain of dead owners. */
		ts.tv_nsec = (t - s == 1 ? POLL_MS : 10 * POLL_MS) * 1000000L;
		futex(&p->wake[t % GATE_SLOTS], FUTEX_WAIT, seen, &ts);
	}
	g->ticket = t;
	return 0;
}

void
bx_gate_unlock(struct bx_gate *g)
{
	advance(g->page, g->ticket);
}

void
bx_gate_close(struct bx_gate *g)
{
	if (g == NULL)
		return;
	munmap(g->page, GATE_SIZE);
	close(g->fd);
	free(g);
}
