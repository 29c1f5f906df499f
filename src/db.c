/* db.c: the database interface's calls, each handed to the backend that
 * made the connection (db-sqlite.c, db-pg.c). */
#include <stddef.h>

#include "db-int.h"

void
bx_db_close(struct bx_db *db)
{
	if (db != NULL)
		db->ops->close(db);
}

enum bx_db_kind
bx_db_kind(const struct bx_db *db)
{
	return db->ops->kind;
}

const char *
bx_db_errmsg(struct bx_db *db)
{
	return db->ops->errmsg(db);
}

int
bx_db_prepare(struct bx_db *db, const char *sql, struct bx_dbst **out)
{
	return db->ops->prepare(db, sql, out);
}

void
bx_db_finalize(struct bx_dbst *s)
{
	if (s != NULL)
		s->db->ops->finalize(s);
}

void
bx_db_reset(struct bx_dbst *s)
{
	s->db->ops->reset(s, 0);
}

void
bx_db_clear(struct bx_dbst *s)
{
	s->db->ops->reset(s, 1);
}

void
bx_db_bind_int64(struct bx_dbst *s, int i, int64_t v)
{
	s->db->ops->bind_int64(s, i, v);
}

void
bx_db_bind_int(struct bx_dbst *s, int i, int v)
{
	s->db->ops->bind_int64(s, i, v);
}

void
bx_db_bind_double(struct bx_dbst *s, int i, double v)
{
	s->db->ops->bind_double(s, i, v);
}

void
bx_db_bind_null(struct bx_dbst *s, int i)
{
	s->db->ops->bind_null(s, i);
}

void
bx_db_bind_text(struct bx_dbst *s, int i, const char *t)
{
	s->db->ops->bind_text(s, i, t, 0);
}

void
bx_db_bind_text_copy(struct bx_dbst *s, int i, const char *t)
{
	s->db->ops->bind_text(s, i, t, 1);
}

int
bx_db_step(struct bx_dbst *s)
{
	return s->db->ops->step(s);
}

int64_t
bx_db_col_int64(struct bx_dbst *s, int i)
{
	return s->db->ops->col_int64(s, i);
}

int
bx_db_col_int(struct bx_dbst *s, int i)
{
	return (int)s->db->ops->col_int64(s, i);
}

double
bx_db_col_double(struct bx_dbst *s, int i)
{
	return s->db->ops->col_double(s, i);
}

const char *
bx_db_col_text(struct bx_dbst *s, int i)
{
	return s->db->ops->col_text(s, i);
}

int
bx_db_col_null(struct bx_dbst *s, int i)
{
	return s->db->ops->col_null(s, i);
}

int64_t
bx_db_changes(struct bx_db *db)
{
	return db->ops->changes(db);
}

int
bx_db_exec(struct bx_db *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

int
bx_db_begin(struct bx_db *db, enum bx_db_tx kind)
{
	return db->ops->begin(db, kind);
}

int
bx_db_commit(struct bx_db *db)
{
	return db->ops->commit(db);
}

void
bx_db_rollback(struct bx_db *db)
{
	db->ops->rollback(db);
}

void
bx_db_tidy(struct bx_db *db, int force)
{
	if (db->ops->tidy != NULL)
		db->ops->tidy(db, force);
}
