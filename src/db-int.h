/* db-int.h: what the backends (db-sqlite.c, db-pg.c) give db.c: a table of
 * operations per backend, and the heads of their connection and statement
 * structs. Nothing else includes it. */
#ifndef BOXEL_DB_INT_H
#define BOXEL_DB_INT_H

#include "db.h"

struct bx_db_ops {
	enum bx_db_kind kind;
	void (*close)(struct bx_db *db);
	const char *(*errmsg)(struct bx_db *db);
	int (*prepare)(struct bx_db *db, const char *sql, struct bx_dbst **out);
	void (*finalize)(struct bx_dbst *s);
	void (*reset)(struct bx_dbst *s, int clear);
	void (*bind_int64)(struct bx_dbst *s, int i, int64_t v);
	void (*bind_double)(struct bx_dbst *s, int i, double v);
	void (*bind_null)(struct bx_dbst *s, int i);
	void (*bind_text)(struct bx_dbst *s, int i, const char *t, int copy);
	int (*step)(struct bx_dbst *s);
	int64_t (*col_int64)(struct bx_dbst *s, int i);
	double (*col_double)(struct bx_dbst *s, int i);
	const char *(*col_text)(struct bx_dbst *s, int i);
	int (*col_null)(struct bx_dbst *s, int i);
	int64_t (*changes)(struct bx_db *db);
	int (*exec)(struct bx_db *db, const char *sql);
	int (*begin)(struct bx_db *db, enum bx_db_tx kind);
	int (*commit)(struct bx_db *db);
	void (*rollback)(struct bx_db *db);
	void (*tidy)(struct bx_db *db, int force); /* NULL: nothing to do */
};

/* The first member of each backend's connection and statement. */
struct bx_db {
	const struct bx_db_ops *ops;
};

struct bx_dbst {
	struct bx_db *db;
};

#endif
