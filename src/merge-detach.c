/* merge-detach.c: boxel's merge runner (bx_store_set_merge_runner): the
 * merge a submit beside a heavy answer leaves to a process of its own
 * (store-later.c) is `boxel consensus --judgment ID`, started detached so
 * the labeler's command returns at once and, on a shared host, leaves the
 * cores to the other annotators, as the heavy answer's own submit does
 * (git's detached auto-gc is the same idea). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boxel/store.h"

/* The merge's process: no terminal, no pipe of the caller's (a shell
 * capturing the submit's output, an SSH channel: they must not wait for
 * it), a session of its own at nice 10 and the lowered session weight
 * (/proc/self/autogroup, as a heavy request's, store-cli.c). It execs boxel
 * afresh: a connection opened before fork() must not be used, nor a second
 * one opened, in the child (SQLite's rule). */
static void
merge_child(const char *path, int64_t jid)
{
	char id[32];
	long fd, max;
	int null;

	if (setsid() < 0)
		_exit(1);
	null = open("/dev/null", O_RDWR);
	if (null < 0)
		_exit(1);
	(void)dup2(null, 0);
	(void)dup2(null, 1);
	(void)dup2(null, 2);
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		(void)close((int)fd);
	(void)setpriority(PRIO_PROCESS, 0, 10);
	if ((fd = open("/proc/self/autogroup", O_WRONLY | O_CLOEXEC)) >= 0) {
		if (write((int)fd, "10", 2) < 0)
			errno = 0; /* best effort: no autogroup, no change */
		close((int)fd);
	}
	snprintf(id, sizeof id, "%" PRId64, jid);
	/* The store by the environment, not the command line, which anyone
	 * on the host may read (a PostgreSQL URI can hold a password). */
	if (setenv("BOXEL_DB", path, 1) < 0)
		_exit(1);
	execl("/proc/self/exe", "boxel", "consensus", "--judgment", id, (char *)NULL);
	_exit(127); /* the merge waits for `boxel consensus --pending` */
}

int
bx_merge_detach(const char *path, int64_t jid)
{
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		/* The merge's process is a grandchild: this child exits at
		 * once, so it is reaped here and nothing is left a zombie. */
		if (fork() == 0)
			merge_child(path, jid);
		_exit(0);
	}
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}
