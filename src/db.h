/* db.h: the small database interface under the store. One connection
 * (struct bx_db) runs statements (struct bx_dbst) prepared from static SQL
 * strings with numbered placeholders ?1, ?2, ... (or bare ?); the store's SQL
 * text and its transaction rules are written once against this, and each
 * backend (db-sqlite.c, db-pg.c) maps it onto its library. Only store*.c and
 * db-*.c include this header.
 *
 * Mapping from the SQLite API the store used before (keep it when converting
 * code that still calls sqlite3_*):
 *   sqlite3_stmt *             -> struct bx_dbst *
 *   sqlite3_bind_int64/int/double/null -> bx_db_bind_int64/int/double/null
 *   sqlite3_bind_text(s,i,t,-1,SQLITE_STATIC)    -> bx_db_bind_text(s,i,t)
 *   sqlite3_bind_text(s,i,t,-1,SQLITE_TRANSIENT) -> bx_db_bind_text_copy(s,i,t)
 *   sqlite3_column_int64/int/double/text -> bx_db_col_int64/int/double/text
 *   sqlite3_column_type(s,i) == SQLITE_NULL -> bx_db_col_null(s,i)
 *   sqlite3_step -> bx_db_step (1 row, 0 done, < 0 a BX_DBE_* class)
 *   sqlite3_reset -> bx_db_reset (+ sqlite3_clear_bindings -> bx_db_clear); sqlite3_changes(db) -> bx_db_changes(db)
 *   sqlite3_last_insert_rowid -> "INSERT ... RETURNING id" (both dialects)
 */
#ifndef BOXEL_DB_H
#define BOXEL_DB_H

#include <stdint.h>

struct bx_db;
struct bx_dbst;

/* Which dialect a connection speaks, for the few places SQL must differ. */
enum bx_db_kind { BX_DB_SQLITE, BX_DB_PG };

/* Error classes, returned negated by the calls below: what the store must
 * tell apart to retry, report or translate. bx_db_errmsg has the words. */
enum {
	BX_DBE_OTHER = 1,
	BX_DBE_BUSY,       /* locked by another writer: back off and retry */
	BX_DBE_SERIAL,     /* serialization failure or deadlock: redo the transaction */
	BX_DBE_LOST,       /* the connection to the server dropped */
	BX_DBE_CONSTRAINT, /* a CHECK, UNIQUE, foreign key or trigger refused the row */
	BX_DBE_READONLY,   /* the database may not be written here */
	BX_DBE_CANTOPEN,   /* the file or server could not be reached */
	BX_DBE_FSYNC,      /* the commit's sync failed: it may be saved all the same */
};

/* Transaction kinds for bx_db_begin. CLAIM is a write that takes only the
 * shared side of PostgreSQL's writers' lock: claims run side by side, each
 * row taken with FOR UPDATE SKIP LOCKED, while every other writer still
 * runs alone (store-queue.c says which rule needs what). On SQLite it is
 * WRITE. */
enum bx_db_tx { BX_DB_TX_READ, BX_DB_TX_WRITE, BX_DB_TX_CLAIM };

/* SQLite open flags (db-sqlite.c). BX_DB_NO_CLOSE_CKPT: closing the last
 * connection leaves the WAL as it is instead of copying it into the
 * database and deleting it, while it is small (db-sqlite.c, sq_close:
 * SQLite's automatic checkpoint does not bound it across processes). */
enum { BX_DB_RO = 1, BX_DB_CREATE = 2, BX_DB_URI = 4, BX_DB_NO_CLOSE_CKPT = 8 };

/* Open a SQLite file. busy(ctx, count) is called while the database is
 * locked: nonzero retries. On failure *out may still hold a connection
 * whose bx_db_errmsg says why; the caller closes it. */
int bx_db_sqlite_open(const char *name, int flags, int (*busy)(void *, int), void *ctx,
                      struct bx_db **out);
/* Connect to a PostgreSQL server by libpq connection string or URI. The
 * same contract as bx_db_sqlite_open. */
int bx_db_pg_open(const char *conninfo, struct bx_db **out);
/* 1 if conninfo carries a password (URI user:password@, password=...). */
int bx_db_pg_has_password(const char *conninfo);

void bx_db_close(struct bx_db *db);
enum bx_db_kind bx_db_kind(const struct bx_db *db);
/* The last error's words; valid until the next call on db. */
const char *bx_db_errmsg(struct bx_db *db);

/* Prepare sql, a string that must outlive the statement (the store keys its
 * cache by the pointer). 0 or a negated class. */
int bx_db_prepare(struct bx_db *db, const char *sql, struct bx_dbst **out);
void bx_db_finalize(struct bx_dbst *s);
/* Back to before the first step; bindings stay (as sqlite3_reset). */
void bx_db_reset(struct bx_dbst *s);
/* The same with every binding cleared to NULL. */
void bx_db_clear(struct bx_dbst *s);

/* Parameters count from 1. bind_text keeps the pointer: the text must live
 * until the statement is reset; bind_text_copy copies it. NULL binds NULL. */
void bx_db_bind_int64(struct bx_dbst *s, int i, int64_t v);
void bx_db_bind_int(struct bx_dbst *s, int i, int v);
void bx_db_bind_double(struct bx_dbst *s, int i, double v);
void bx_db_bind_null(struct bx_dbst *s, int i);
void bx_db_bind_text(struct bx_dbst *s, int i, const char *t);
void bx_db_bind_text_copy(struct bx_dbst *s, int i, const char *t);

/* 1 a row is ready, 0 done, < 0 a negated BX_DBE_* class. */
int bx_db_step(struct bx_dbst *s);

/* Columns of the current row, counting from 0. col_text is NULL for NULL
 * and lives until the next step or reset. */
int64_t bx_db_col_int64(struct bx_dbst *s, int i);
int bx_db_col_int(struct bx_dbst *s, int i);
double bx_db_col_double(struct bx_dbst *s, int i);
const char *bx_db_col_text(struct bx_dbst *s, int i);
int bx_db_col_null(struct bx_dbst *s, int i);

/* Rows changed by the last finished INSERT/UPDATE/DELETE on db. */
int64_t bx_db_changes(struct bx_db *db);

/* Run sql (one or more statements, no parameters, rows ignored). */
int bx_db_exec(struct bx_db *db, const char *sql);
int bx_db_begin(struct bx_db *db, enum bx_db_tx kind);
int bx_db_commit(struct bx_db *db);
void bx_db_rollback(struct bx_db *db);
/* After a write, outside boxel's own locks: the backend's upkeep that
 * would otherwise run inside some later commit. SQLite: once the WAL holds
 * SQ_CKPT_FRAMES frames (or any, with force) copy it into the database
 * without waiting for anyone (a passive checkpoint); best effort, as
 * SQLite's own automatic checkpoint is. PostgreSQL: nothing. */
void bx_db_tidy(struct bx_db *db, int force);

#endif
