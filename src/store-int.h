/* store-int.h: what the store*.c files share and nobody else sees: the
 * connection, its statement cache, the write-transaction runner with busy
 * back-off, and small row helpers. SQL goes through the database interface
 * (db.h), so only store*.c may include this header. */
#ifndef BOXEL_STORE_INT_H
#define BOXEL_STORE_INT_H


#include "boxel/quality.h"
#include "boxel/store.h"
#include "db.h"

struct bx_stmt_slot {
	const char *sql; /* static string: the cache is keyed by its address */
	struct bx_dbst *stmt;
};

struct bx_store {
	struct bx_db *db;
	char *path;
	/* One slot per distinct static SQL string of the code (about 80):
	 * grows, never evicts, so a statement in use is never finalized. */
	struct bx_stmt_slot *cache;
	int ncache, capcache;
	long busy_slept_us; /* back-off spent in the current operation */
	struct bx_gate *gate; /* NULL: none (store-gate.c) */
	struct bx_quality_ws *qws; /* store-policy.c's scratch, made on first use */
	struct bx_st_sigmas *sigmas; /* store-scoring.c's taxonomies' sigma tables */
	int readonly;         /* opened with BX_STORE_READONLY: writes are refused */
	void (*wait_fn)(void *ctx, long waited_ms); /* bx_store_set_wait_hook */
	void *wait_ctx;
	long wait_told_us;    /* busy_slept_us when wait_fn was last called */
	int last_fail;        /* the BX_DBE_* class bx_st_fail saw last (negated) */
	int heavy;            /* bx_store_heavy: tidy after every write */
	/* While set, bx_store_setting_get answers as_if_val for as_if_key:
	 * a settings change computed ahead in a read transaction, before its
	 * write (store-premerge.c, bx_st_premerge_setting). */
	const char *as_if_key, *as_if_val;
};

/* The writers' gate (store-gate.c): NULL when unavailable. lock: 0 held,
 * 1 timed out, 2 broken (stop using it). */
struct bx_gate;
struct bx_gate *bx_gate_open(const char *dbpath);
int bx_gate_lock(struct bx_gate *g, long timeout_ms);
/* The same, calling wait(ctx, ms waited) after 300 ms and about once a
 * second while it waits (wait may be NULL). */
int bx_gate_lock_notify(struct bx_gate *g, long timeout_ms, void (*wait)(void *, long),
                        void *ctx);
void bx_gate_unlock(struct bx_gate *g);
void bx_gate_close(struct bx_gate *g);

/* SQLite's busy handler: store-tx.c's random back-off (store.c's open
 * installs it). */
int bx_st_busy_handler(void *arg, int count);

/* A project in PostgreSQL (store-pg.c). is_pg: path is a postgresql:// or
 * postgres:// URI. open_pg connects st->db and checks or creates the schema
 * up to schema_version, as bx_store_open's flags say. */
int bx_st_is_pg(const char *path);
int bx_st_open_pg(struct bx_store *st, const char *conninfo, int flags, int schema_version,
                  struct bx_err *err);

/* Tests only: when > 0, opening migrates no further than this version (to
 * build an old store and watch it migrate). */
extern int bx_st_schema_limit;

/* How long a writer keeps retrying a locked database, in total. */
#define BX_BUSY_BUDGET_MS 15000
#ifndef BX_BACKOFF_CAP_US
#define BX_BACKOFF_CAP_US 16000
#endif

/* Prepared statement for a static SQL string, cached per connection; it
 * comes back reset with bindings cleared. NULL on error (err filled). */
struct bx_dbst *bx_st_prep(struct bx_store *st, const char *sql, struct bx_err *err);
/* Translate the connection's last error (rc: a negated BX_DBE_* class from
 * db.h) into err; returns BX_EBUSY for a locked database, else BX_EDB (or
 * BX_EINVAL for a refused row, BX_EPERM read-only). what names the
 * operation. */
int bx_st_fail(struct bx_store *st, int rc, const char *what, struct bx_err *err);
/* Run a statement that returns no rows (or whose rows are ignored). */
int bx_st_exec(struct bx_store *st, struct bx_dbst *s, const char *what, struct bx_err *err);
/* Step a statement expected to return at most one row: 1 row, 0 none, <0 err. */
int bx_st_step(struct bx_store *st, struct bx_dbst *s, const char *what, struct bx_err *err);
/* Run an "INSERT ... RETURNING id" (the id of a new row in both dialects):
 * 1 and *id_out set when a row was inserted, 0 when none (ON CONFLICT DO
 * NOTHING), < 0 err. The statement is reset. */
int bx_st_insert_id(struct bx_store *st, struct bx_dbst *s, const char *what, int64_t *id_out,
                    struct bx_err *err);

/* Run fn(st, ctx, err) inside BEGIN IMMEDIATE ... COMMIT. Locked database:
 * random back-off, bounded by BX_BUSY_BUDGET_MS in total, then BX_EBUSY.
 * fn returning < 0 rolls back and its code is returned. */
int bx_st_write(struct bx_store *st, int (*fn)(struct bx_store *, void *, struct bx_err *),
                void *ctx, struct bx_err *err);
/* The same for the claim: on PostgreSQL it runs beside other claims
 * (BX_DB_TX_CLAIM), so fn must lock what its rules need (store-queue.c). */
int bx_st_write_claim(struct bx_store *st,
                      int (*fn)(struct bx_store *, void *, struct bx_err *), void *ctx,
                      struct bx_err *err);
/* A read transaction (BEGIN DEFERRED) around fn, ended before returning. */
int bx_st_read(struct bx_store *st, int (*fn)(struct bx_store *, void *, struct bx_err *),
               void *ctx, struct bx_err *err);

/* Random bytes from getrandom(); aborts if the kernel cannot give them. */
void bx_st_random(void *buf, size_t n);
/* Append an event row; call inside a write transaction. */
int bx_st_event(struct bx_store *st, const char *actor, const char *what,
                const char *detail_json, int64_t now_ms, struct bx_err *err);
/* Look up a user id by name: 0 ok, BX_ENOENT. */
int bx_st_user_id(struct bx_store *st, const char *name, int64_t *id_out, struct bx_err *err);
/* Text column as a fresh string (NULL stays NULL). */
char *bx_st_col_dup(struct bx_dbst *s, int col);
/* JSON string literal of s, appended to b (for event details). */
struct bx_buf;
void bx_st_json_str(struct bx_buf *b, const char *s);
/* Release every live lease of a user (inside a write transaction). */
int bx_st_release_user(struct bx_store *st, int64_t uid, struct bx_err *err);
/* The id of an active user: BX_ENOENT unknown, BX_EPERM disabled (saying
 * how to enable them). store-users.c. */
int bx_st_user_active(struct bx_store *st, const char *name, int64_t *uid, struct bx_err *err);
/* A labeler was suspended: their submitted, unreviewed judgments are held
 * (out of consensus and export until reviewed); with on_suspend = requeue
 * each task also gets a fresh replica for anyone. Consensus of the tasks is
 * redone. Returns how many were held. store-merge.c. */
struct bx_st_preset;
int bx_st_hold_work(struct bx_store *st, int64_t uid, int64_t now,
                    struct bx_st_preset *ps, struct bx_err *err);
/* The consensus of judgment jid's task in its batch, recomputed from the
 * judgments that count now (after a review changed one): dropped while too
 * few remain. store-merge.c. */
int bx_st_consensus_redo(struct bx_store *st, int64_t jid, int64_t now,
                         struct bx_st_preset *ps, struct bx_err *err);
/* After a skip: a skipped training gold task is scored as an empty answer
 * (it never comes back to the trainee, who must not be stranded short of
 * the tasks to qualify, nor qualify by skipping the hard ones).
 * store-suspend.c. */
int bx_st_after_skip(struct bx_store *st, int64_t jid, int64_t uid, int64_t now,
                     struct bx_err *err);
/* Quality's shared helpers (store-policy.c). A numeric setting checked
 * against lo..hi; the scoring options (iou_threshold); the answers put in
 * canonical form in place (unset attributes are the taxonomy's defaults;
 * no usable taxonomy: unchanged); the connection's quality workspace,
 * grown once and kept. */
int bx_st_setting_num(struct bx_store *st, const char *key, double lo, double hi, double *out,
                      struct bx_err *err);
struct bx_score_opts;
int bx_st_score_opts(struct bx_store *st, struct bx_score_opts *o, struct bx_err *err);
/* Hang the taxonomy's keypoint sigmas on o (store-scoring.c); they live
 * until bx_store_close, which calls bx_st_sigmas_free. */
int bx_st_score_sigmas(struct bx_store *st, struct bx_score_opts *o, struct bx_err *err);
void bx_st_sigmas_free(struct bx_store *st);
struct bx_answer;
int bx_st_canonical(struct bx_store *st, struct bx_answer *const *ans, int n, struct bx_err *err);
struct bx_quality_ws *bx_st_qws(struct bx_store *st);
/* Scoring's attribute policy applied to both answers in place (canonical
 * form; globals only where the gold states them; compare_attributes). */
int bx_st_score_policy(struct bx_store *st, struct bx_answer *gold, struct bx_answer *lab,
                       struct bx_err *err);
/* A column's answer JSON parsed into out (NULL column: an empty answer). */
struct bx_dbst;
int bx_st_read_answer_col(struct bx_dbst *s, int col, struct bx_answer *out, struct bx_err *err);
/* At a claim (inside its write transaction): a gold suspension armed by
 * an earlier submit whose grace is used up (or any armed one, with force:
 * no ordinary work is left to count it down) takes effect now (returns 1:
 * commit, then refuse the claim as for any suspended labeler); *armed = 1
 * while it is armed with grace left (serve no gold). store-suspend.c. */
int bx_st_suspend_due(struct bx_store *st, int64_t uid, int64_t now, int force, int *armed,
                      struct bx_err *err);
/* Drop judgment jid's draft and undo journal (inside a write transaction). */
int bx_st_drop_draft(struct bx_store *st, int64_t jid, struct bx_err *err);
/* Queue a fresh replica of judgment jid's task in its batch (the next
 * replica number), for anyone, or with to_labeler already jid's labeler's
 * when they are active and not suspended (inside a write transaction). */
int bx_st_requeue(struct bx_store *st, int64_t jid, int to_labeler, struct bx_err *err);
/* Store an answer's rows in annotations for judgment (inside a write tx). */
int bx_st_annotations_put(struct bx_store *st, int64_t judgment, const struct bx_answer *ans,
                          struct bx_err *err);
/* The same in two steps, so that a submit makes the rows' text before
 * taking the writers' gate: make (no store), put (inside a write tx), free.
 * The rows point into ans, which must outlive them. store-submit.c. */
struct bx_st_annot_row;
struct bx_st_annot_rows {
	int n;
	struct bx_st_annot_row *r;
};
void bx_st_annot_rows_make(const struct bx_answer *ans, struct bx_st_annot_rows *out);
int bx_st_annot_rows_put(struct bx_store *st, int64_t judgment,
                         const struct bx_st_annot_rows *rows, struct bx_err *err);
void bx_st_annot_rows_free(struct bx_st_annot_rows *rows);
/* The one task-insert path (bx_store_task_add, bx_store_import_chunk).
 * Check a new task's image path and size, before any transaction: */
int bx_st_task_check(const struct bx_task_new *t, struct bx_err *err);
/* Inside a write transaction: insert t, or find the task that already has
 * its image (*created_out = 0, idempotent import). */
/* Inside a write transaction: the user name as an annotator in training
 * unless it exists (*created_out 1 when added, with its user_add event). */
int bx_st_user_ensure(struct bx_store *st, const char *name, const char *actor, int64_t now_ms,
                      int *created_out, struct bx_err *err);
int bx_st_task_insert(struct bx_store *st, const struct bx_task_new *t, int64_t *id_out,
                      int *created_out, struct bx_err *err);
/* 1 if kind is prelabel | suggestion | gold | consensus. */
int bx_st_answer_kind_ok(const char *kind);
/* Inside a write transaction: replace task's imported answer of kind (gold
 * goes to its own table). json is the codec's answer JSON. */
int bx_st_answer_put(struct bx_store *st, int64_t task, const char *kind, const char *json,
                     struct bx_err *err);
/* 1 if name is a valid batch name (1 to 64 of A-Z a-z 0-9 . _ -). */
int bx_st_batch_name_ok(const char *name);
/* The heavy part of quality at submit (the gold score, the consensus),
 * computed before the write transaction in a read transaction, so the
 * write lock is held for the writes alone. The write transaction uses a
 * result only if what it was computed from is still what the store holds
 * (the fence: the gold answer, the replicas' ids and answers, the settings
 * scoring reads); otherwise it computes again, inside. */
struct bx_st_precomp;
/* Consensus merges computed ahead for several tasks (an admin's
 * suspension, a review, a submit that will suspend its labeler): what the
 * write transaction's consensus redo would merge, each used only if the
 * replicas it finds are the ones merged here. */
struct bx_st_preset {
	char *fence;
	int n;
	struct bx_st_precomp *v;
};
void bx_st_preset_free(struct bx_st_preset *ps);
/* Best effort, each in a read transaction (on error ps is left empty):
 * the tasks whose consensus suspending user `name` will redo; the task of
 * judgment jid after a review verdict (reject: it leaves the replicas;
 * accept or fix: it joins them if held). */
void bx_st_premerge_hold(struct bx_store *st, const char *name, struct bx_st_preset *ps);
/* The same for setting key to val: the work of every labeler the
 * re-evaluation will suspend, merged as if the setting were written. */
void bx_st_premerge_setting(struct bx_store *st, const char *key, const char *val,
                            struct bx_st_preset *ps);
void bx_st_premerge_review(struct bx_store *st, int64_t jid, int reject,
                           struct bx_st_preset *ps);
struct bx_st_precomp {
	int64_t task, batch;  /* whose consensus (in a preset) */
	char *fence;          /* the settings, as quality_fence() wrote them */
	int scored;           /* sc: this answer against gold_text */
	char *gold_text;
	struct bx_score sc;
	int merged;           /* cons: the consensus of ids/texts */
	int later;            /* not merged: the replicas hold a heavy answer not this
	                       * submit's; the write leaves the task without a
	                       * consensus and bx_st_merge_detach merges it */
	int n;
	int64_t *ids;
	char **texts;
	double *acc;          /* each replica's labeler's gold accuracy, -1: none */
	struct bx_consensus cons;
	/* The labeler's other tasks, merged ahead when this gold score
	 * will put them under the bar (their suspension holds that work). */
	struct bx_st_preset *hold;
};
/* Best effort: on any error p is left empty (the transaction computes). */
void bx_st_precompute(struct bx_store *st, int64_t jid, const char *token,
                      const struct bx_answer *ans, const char *ans_json,
                      struct bx_st_precomp *p);
void bx_st_precomp_free(struct bx_st_precomp *p);
/* After the commit of a submit whose pre->later is set: the consensus of
 * judgment jid's task merged by a process of its own (store-later.c). */
void bx_st_merge_detach(struct bx_store *st, int64_t jid);
/* In a write transaction: the merge of judgment jid's task from pre
 * (computed outside it) when its replicas are still pre's. */
int bx_st_merge_later_tx(struct bx_store *st, int64_t jid, int64_t now,
                         struct bx_st_precomp *pre, struct bx_err *err);
/* In a read transaction: the merge of judgment jid's task now. */
int bx_st_merge_later_rx(struct bx_store *st, int64_t jid, struct bx_st_precomp *p,
                         struct bx_err *err);
/* Quality at submit (store-suspend.c then store-merge.c): gold score, labeler state,
 * consensus, inside the submit's write transaction, from pre where its
 * fence holds (pre may be NULL). *suspended_out = 1 when this submit
 * suspended the labeler. */
int bx_st_after_submit(struct bx_store *st, int64_t jid, int64_t uid, int64_t task,
                       const struct bx_answer *ans, struct bx_st_precomp *pre, int64_t now_ms,
                       int *suspended_out, struct bx_err *err);

/* A labeler's gold accuracy over everything they were scored on (NULL:
 * no gold yet), for judgment j's labeler: the weight of their class votes. */
#define BX_ST_LABELER_ACCURACY \
    "(SELECT (sum(g.tp) + sum(g.tag_right)) * 1.0 / " \
    "    nullif(sum(g.tp + g.mismatch + g.fp + g.fn + g.tag_right + g.tag_wrong), 0) " \
    "  FROM gold_scores g WHERE g.labeler = j.labeler)"
/* How consensus weighs n class votes whose labelers have gold accuracy
 * acc (-1: none yet; counted as one at bar), by the setting aggregation:
 * *out NULL for one vote each, else n weights (caller frees).
 * store-merge.c. */
int bx_st_vote_weights(struct bx_store *st, const double *acc, int n, double bar, double **out,
                       struct bx_err *err);

/* The settings keys[0 .. n) as one string (store-consensus.c; caller
 * frees): equal strings, equal rules. */
int bx_st_settings_fence(struct bx_store *st, const char *const *keys, size_t n, char **out,
                         struct bx_err *err);
/* Dawid-Skene's result kept (store-consensus.c). The settings a task's
 * merge reads, as one string (caller frees). */
int bx_st_merge_fence(struct bx_store *st, char **out, struct bx_err *err);
/* Inside the write transaction that merges task in batch from the n
 * judgments ids/texts (id order): *json_out the answer Dawid-Skene chose
 * for exactly these judgments under these settings (caller frees), or
 * NULL: the merge's own vote stands (the task is then marked 'vote',
 * which makes the batch stale under aggregation = dawid-skene). */
int bx_st_ds_apply(struct bx_store *st, int64_t task, int64_t batch, int n, const int64_t *ids,
                   char *const *texts, char **json_out, struct bx_err *err);

#endif
