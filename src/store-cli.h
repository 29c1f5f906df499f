/* store-cli.h: what the store's commands (init, user, batch, queue, stats)
 * share: opening the store with one clear error line, the acting identity,
 * strict number parsing. Private to src/cmd-{init,user,batch,queue,stats}.c. */
#ifndef BOXEL_STORE_CLI_H
#define BOXEL_STORE_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "boxel/store.h"

/* Open the store at bx_cli_db_path(db_opt); prints the error and returns
 * NULL on failure. */
struct bx_store *bx_cli_store_open(const char *db_opt);
/* The same for commands that only read (stats, export, lists): works on a
 * store the caller may not write (a read-only file or directory, a
 * snapshot), and no write can slip in. */
struct bx_store *bx_cli_store_open_ro(const char *db_opt);
/* Remove every "--db FILE" / "--db=FILE" from argv (keeping argv[0]) and
 * return the last value, or NULL. For commands with subcommands. */
const char *bx_cli_take_db(int *argc, char **argv);
/* Who is acting, for the event log: $BOXEL_ACTOR (the SSH forced command
 * sets it), else the Unix login. */
const char *bx_cli_actor(void);
/* Whole-string integer / finite number; 0 or -1 (message printed naming
 * what). */
int bx_cli_parse_long(const char *s, const char *what, long lo, long hi, long *out);
/* A time for --since/--until: ms since the epoch, or a UTC date
 * YYYY-MM-DD with an optional THH:MM[:SS]. -1 (after one error line naming
 * what) when it is neither. */
int bx_cli_parse_time(const char *s, const char *what, int64_t *out);
int bx_cli_parse_double(const char *s, const char *what, double lo, double hi, double *out);
/* printf one double under the C locale (a '.' decimal point always). */
const char *bx_cli_num(char *buf, size_t n, const char *fmt, double v);
/* Exit code for a store error (EEMPTY 3, ELEASE 4 = BX_EXIT_LEASE of cli.h,
 * others 2), after printing it with the given context. */
int bx_cli_store_fail(const struct bx_err *err);
/* A batch's agreement as a JSON object (null for undefined values):
 * {"tasks_with_consensus","needs_review","mean_agreement","kalpha_classes","kalpha_globals",
 *  "geometry_f1"}. */
struct bx_buf;
void bx_cli_batch_quality_json(struct bx_buf *b, const struct bx_batch_quality *q);

/* A judgment file (FILE, or "-" for standard input; at most the project's
 * max_answer_bytes, read no further) parsed into ans and held to the
 * project's limits, and ans checked against the project's taxonomy and a w x h
 * image: 0, or the exit code after one error line naming
 * bx_cli_answer_label(file). */
struct bx_answer;
int bx_cli_answer_read(struct bx_store *st, const char *file, struct bx_answer *ans);
int bx_cli_answer_check(struct bx_store *st, const char *file, const struct bx_answer *ans,
                        int w, int h);
const char *bx_cli_answer_label(const char *file);

#endif
