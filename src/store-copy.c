/* store-copy.c: a whole project from one store into a new one, between
 * SQLite and PostgreSQL in either direction (boxel store copy). Every row of
 * every table goes across with its ids, in one transaction on the target,
 * while the source's write lock is held so nobody writes during the copy.
 *
 * The tables are read from the source's schema, not from a list here alone:
 * a table the copy does not know (a newer schema, a hand-made table) is
 * refused rather than silently left behind. Column types are read from the
 * schema too, so every value keeps its type (a real stays bit for bit the
 * same real, an integer an integer). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boxel/util.h"
#include "store-int.h"

/* The project's tables in an order that inserts no row before the rows it
 * refers to. gold goes before judgments: its insert trigger then finds no
 * judgments to adjust, and each judgment's own trigger sees the gold its
 * source saw. Add a table to the schema: add it here, or the copy refuses
 * every store that has it. */
static const char *const copy_order[] = {
	"settings", "users", "tasks", "batches", "batch_tasks", "gold", "judgments", "drafts",
	"journal", "annotations", "task_answers", "reviews", "gold_scores", "task_consensus",
	"ds_answers", "events",
};

/* Each backend's record of its schema version: not part of the project
 * (the target has its own, written when its schema was made). */
static int
backend_own(const char *t)
{
	return strcmp(t, "boxel_version") == 0;
}

enum ckind { C_INT, C_REAL, C_TEXT };

struct col {
	char *name;
	enum ckind kind;
};

struct table {
	const char *name; /* copy_order's string */
	struct col *c;
	int n;
	int64_t rows;
};

struct copy {
	struct bx_store *from, *to;
	struct table t[BX_ARRAY_LEN(copy_order)];
	int64_t rows;
};

static void
table_clear(struct table *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		free(t->c[i].name);
	free(t->c);
	t->c = NULL;
	t->n = 0;
	t->rows = 0;
}

/* Names from a schema go into SQL text: only plain identifiers do. */
static int
ident_ok(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int
known(const char *name)
{
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(copy_order); i++)
		if (strcmp(copy_order[i], name) == 0)
			return (int)i;
	return -1;
}

/* The declared type as one of the three kinds the stores use: SQLite's
 * STRICT INTEGER/REAL/TEXT, PostgreSQL's bigint/integer/double
 * precision/text. -1 for anything else. */
static int
kind_of(const char *type)
{
	char u[64];
	size_t i;

	if (type == NULL)
		return -1;
	for (i = 0; type[i] && i < sizeof u - 1; i++)
		u[i] = (char)(type[i] >= 'a' && type[i] <= 'z' ? type[i] - 32 : type[i]);
	u[i] = '\0';
	if (strstr(u, "INT") != NULL)
		return C_INT;
	if (strcmp(u, "REAL") == 0 || strcmp(u, "DOUBLE PRECISION") == 0)
		return C_REAL;
	if (strcmp(u, "TEXT") == 0)
		return C_TEXT;
	return -1;
}

/* The store's tables, known ones into t[] with their columns. A table the
 * copy does not know is an error naming it. */
static int
read_schema(struct bx_store *st, struct table *t, struct bx_err *err)
{
	static const char lite_tables[] =
	    "SELECT name FROM sqlite_schema WHERE type = 'table' "
	    "AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name";
	static const char pg_tables[] =
	    "SELECT table_name FROM information_schema.tables "
	    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1";
	static const char lite_cols[] =
	    "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid";
	static const char pg_cols[] =
	    "SELECT column_name, data_type FROM information_schema.columns "
	    "WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position";
	int pg = bx_db_kind(st->db) == BX_DB_PG;
	struct bx_dbst *s, *cs;
	int rc, k, cap;

	if ((s = bx_st_prep(st, pg ? pg_tables : lite_tables, err)) == NULL)
		return err ? err->code : BX_EDB;
	while ((rc = bx_st_step(st, s, "read the schema", err)) == 1) {
		const char *name = bx_db_col_text(s, 0);
		if (name == NULL || backend_own(name))
			continue;
		if ((k = known(name)) < 0) {
			rc = bx_err_set(err, BX_EINVAL, "%s: table %s is not one boxel's copy knows "
			    "(a newer schema, or added by hand): nothing copied", st->path, name);
			break;
		}
		t[k].name = copy_order[k];
		if ((cs = bx_st_prep(st, pg ? pg_cols : lite_cols, err)) == NULL) {
			rc = err ? err->code : BX_EDB;
			break;
		}
		bx_db_bind_text(cs, 1, copy_order[k]);
		cap = 0;
		while ((rc = bx_st_step(st, cs, "read the schema", err)) == 1) {
			const char *cn = bx_db_col_text(cs, 0), *ty = bx_db_col_text(cs, 1);
			int ck = kind_of(ty);
			if (!ident_ok(cn) || ck < 0) {
				rc = bx_err_set(err, BX_EINVAL, "%s: table %s, column %s of type %s: "
				    "not one the copy knows: nothing copied", st->path, copy_order[k],
				    cn ? cn : "?", ty ? ty : "?");
				break;
			}
			if (t[k].n == cap) {
				cap = cap ? 2 * cap : 16;
				t[k].c = bx_realloc(t[k].c, (size_t)cap * sizeof *t[k].c);
			}
			t[k].c[t[k].n].name = bx_strdup(cn);
			t[k].c[t[k].n].kind = (enum ckind)ck;
			t[k].n++;
		}
		bx_db_reset(cs);
		if (rc < 0)
			break;
	}
	bx_db_reset(s);
	return rc < 0 ? rc : 0;
}

/* The target's table must have the source's columns, with the same kinds
 * (both stores are at one schema version, so anything else is damage). */
static int
same_columns(const struct table *a, const struct table *b, const char *to, struct bx_err *err)
{
	int i, j;

	if (b->name == NULL)
		return bx_err_set(err, BX_EINVAL, "%s: has no table %s", to, a->name);
	if (a->n != b->n)
		return bx_err_set(err, BX_EINVAL, "%s: table %s has %d columns, the source %d",
		    to, a->name, b->n, a->n);
	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n && strcmp(a->c[i].name, b->c[j].name) != 0; j++)
			;
		if (j == b->n || a->c[i].kind != b->c[j].kind)
			return bx_err_set(err, BX_EINVAL, "%s: table %s, column %s differs from the "
			    "source's", to, a->name, a->c[i].name);
	}
	return 0;
}

/* One statement from text made here (not a static string: not cached). */
static int
prep_dyn(struct bx_store *st, const char *sql, struct bx_dbst **s, struct bx_err *err)
{
	int rc = bx_db_prepare(st->db, sql, s);

	return rc < 0 ? bx_st_fail(st, rc, "prepare", err) : 0;
}

/* Prepare sql (made here, freed here), step it once: 1 a row, 0 none. */
static int
step_dyn(struct bx_store *st, char *sql, const char *what, struct bx_err *err)
{
	struct bx_dbst *s;
	int rc = prep_dyn(st, sql, &s, err);

	free(sql);
	if (rc < 0)
		return rc;
	rc = bx_st_step(st, s, what, err);
	bx_db_finalize(s);
	return rc;
}

/* One row of the source's statement s into the target's w. */
static int
copy_row(struct copy *c, struct table *t, struct bx_dbst *s, struct bx_dbst *w,
         const char *what, struct bx_err *err)
{
	int i, rc;

	for (i = 0; i < t->n; i++) {
		if (bx_db_col_null(s, i))
			bx_db_bind_null(w, i + 1);
		else if (t->c[i].kind == C_INT)
			bx_db_bind_int64(w, i + 1, bx_db_col_int64(s, i));
		else if (t->c[i].kind == C_REAL)
			bx_db_bind_double(w, i + 1, bx_db_col_double(s, i));
		else
			bx_db_bind_text(w, i + 1, bx_db_col_text(s, i));
	}
	rc = bx_st_exec(c->to, w, what, err);
	bx_db_clear(w);
	if (rc < 0)
		return rc;
	t->rows++;
	return 0;
}

/* A PostgreSQL source is read through a cursor, a page at a time: libpq
 * holds a statement's whole result in memory, and a million events read
 * at once cost hundreds of megabytes (tests/bench/bench-copy.sh). SQLite
 * steps row by row anyway. */
static const char copy_fetch[] = "FETCH 10000 FROM boxel_copy";

/* Every row of t from c->from into c->to, in the order of all its columns
 * (its key first), casting each parameter so that a NULL has its column's
 * type on PostgreSQL too. */
static int
copy_table(struct copy *c, struct table *t, struct bx_err *err)
{
	static const char *const cast[] = { "BIGINT", "DOUBLE PRECISION", "TEXT" };
	struct bx_buf sel, ins;
	struct bx_dbst *s = NULL, *w = NULL;
	int i, rc, n, cursor = bx_db_kind(c->from->db) == BX_DB_PG;
	char what[96];

	bx_buf_init(&sel);
	bx_buf_init(&ins);
	bx_buf_puts(&sel, "SELECT ");
	bx_buf_printf(&ins, "INSERT INTO %s(", t->name);
	for (i = 0; i < t->n; i++) {
		bx_buf_printf(&sel, "%s%s", i ? ", " : "", t->c[i].name);
		bx_buf_printf(&ins, "%s%s", i ? ", " : "", t->c[i].name);
	}
	bx_buf_printf(&sel, " FROM %s ORDER BY ", t->name);
	bx_buf_puts(&ins, ") VALUES (");
	for (i = 0; i < t->n; i++) {
		bx_buf_printf(&sel, "%s%d", i ? ", " : "", i + 1);
		bx_buf_printf(&ins, "%sCAST(?%d AS %s)", i ? ", " : "", i + 1, cast[t->c[i].kind]);
	}
	bx_buf_puts(&ins, ")");
	snprintf(what, sizeof what, "copy table %s", t->name);
	/* The cursor lives in the source's transaction, under the copy's write
	 * lock: it sees what the lock froze (and a pooler in transaction mode
	 * keeps the whole transaction on one server connection). */
	if (cursor && (rc = step_dyn(c->from, bx_asprintf("DECLARE boxel_copy NO SCROLL "
	    "CURSOR FOR %s", sel.p), what, err)) < 0)
		goto out;
	if ((rc = prep_dyn(c->from, cursor ? copy_fetch : sel.p, &s, err)) < 0 ||
	    (rc = prep_dyn(c->to, ins.p, &w, err)) < 0)
		goto out;
	for (;;) {
		n = 0;
		while ((rc = bx_st_step(c->from, s, what, err)) == 1) {
			if ((rc = copy_row(c, t, s, w, what, err)) < 0)
				goto out;
			n++;
		}
		if (rc < 0 || !cursor || n == 0)
			break;
		bx_db_reset(s); /* the next page */
	}
	if (rc == 0 && cursor)
		rc = step_dyn(c->from, bx_strdup("CLOSE boxel_copy"), what, err);
out:
	bx_db_finalize(s);
	bx_db_finalize(w);
	free(sel.p);
	free(ins.p);
	return rc < 0 ? rc : 0;
}

/* PostgreSQL hands out ids from a sequence that the explicit ids of the
 * copy did not move: set it past the largest, so the next claim, review or
 * event gets a fresh id as on the source. (SQLite takes max(id) + 1.) */
static int
fix_sequence(struct bx_store *st, const struct table *t, struct bx_err *err)
{
	int i, rc;

	for (i = 0; i < t->n && strcmp(t->c[i].name, "id") != 0; i++)
		;
	if (i == t->n)
		return 0;
	rc = step_dyn(st, bx_asprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), "
	    "(SELECT coalesce(max(id), 0) + 1 FROM %s), false)", t->name, t->name),
	    "set the id sequence", err);
	return rc < 0 ? rc : 0;
}

/* Inside the target's write transaction: the target must be an empty
 * project (its default settings aside, which the source's replace). */
static int
copy_to_tx(struct bx_store *to, void *ctx, struct bx_err *err)
{
	struct copy *c = ctx;
	struct table tt[BX_ARRAY_LEN(copy_order)];
	size_t i;
	int rc = 0;

	memset(tt, 0, sizeof tt);
	c->rows = 0;
	for (i = 0; i < BX_ARRAY_LEN(copy_order); i++)
		c->t[i].rows = 0;
	if ((rc = read_schema(to, tt, err)) < 0)
		goto out;
	for (i = 0; i < BX_ARRAY_LEN(copy_order); i++) {
		if (c->t[i].name == NULL)
			continue;
		if ((rc = same_columns(&c->t[i], &tt[i], to->path, err)) < 0)
			goto out;
		if (strcmp(copy_order[i], "settings") == 0)
			continue;
		rc = step_dyn(to, bx_asprintf("SELECT 1 FROM %s LIMIT 1", copy_order[i]),
		    "check the target is empty", err);
		if (rc == 1)
			rc = bx_err_set(err, BX_EEXIST, "%s already holds a project (table %s has "
			    "rows): the copy goes only into a new file or an empty database",
			    to->path, copy_order[i]);
		if (rc < 0)
			goto out;
	}
	if ((rc = bx_db_exec(to->db, "DELETE FROM settings")) < 0) {
		rc = bx_st_fail(to, rc, "clear the default settings", err);
		goto out;
	}
	for (i = 0; i < BX_ARRAY_LEN(copy_order); i++) {
		if (c->t[i].name == NULL)
			continue;
		if ((rc = copy_table(c, &c->t[i], err)) < 0)
			goto out;
		if (bx_db_kind(to->db) == BX_DB_PG && (rc = fix_sequence(to, &c->t[i], err)) < 0)
			goto out;
		c->rows += c->t[i].rows;
	}
out:
	for (i = 0; i < BX_ARRAY_LEN(copy_order); i++)
		table_clear(&tt[i]);
	return rc;
}

/* Inside the source's write transaction: its writers wait (and give up
 * after their busy budget) until the copy is in. */
static int
copy_from_tx(struct bx_store *from, void *ctx, struct bx_err *err)
{
	struct copy *c = ctx;
	size_t i;
	int rc;

	for (i = 0; i < BX_ARRAY_LEN(copy_order); i++)
		table_clear(&c->t[i]);
	if ((rc = read_schema(from, c->t, err)) < 0)
		return rc;
	return bx_st_write(c->to, copy_to_tx, c, err);
}

/* Two PostgreSQL URIs may name one database: the target's write lock
 * would then wait for the source's, held by this same process. The
 * source's connection sees the target's backend in its own database
 * only when they are the same database. */
static int
same_pg_database(struct bx_store *from, struct bx_store *to, struct bx_err *err)
{
	static const char me[] =
	    "SELECT pg_backend_pid(), CAST(pg_postmaster_start_time() AS TEXT)";
	static const char seen[] =
	    "SELECT count(*) FROM pg_stat_activity WHERE pid = ?1 "
	    "AND datname = current_database() "
	    "AND CAST(pg_postmaster_start_time() AS TEXT) = ?2";
	struct bx_dbst *s, *q;
	int rc, same = 0;

	if ((s = bx_st_prep(to, me, err)) == NULL)
		return err ? err->code : BX_EDB;
	if ((rc = bx_st_step(to, s, "identify the database", err)) == 1) {
		if ((q = bx_st_prep(from, seen, err)) == NULL) {
			bx_db_reset(s);
			return err ? err->code : BX_EDB;
		}
		bx_db_bind_int64(q, 1, bx_db_col_int64(s, 0));
		bx_db_bind_text_copy(q, 2, bx_db_col_text(s, 1));
		if ((rc = bx_st_step(from, q, "identify the database", err)) == 1)
			same = bx_db_col_int(q, 0) > 0;
		bx_db_reset(q);
	}
	bx_db_reset(s);
	return rc < 0 ? rc : same;
}

/* A new SQLite file the copy made and could not fill goes again, with
 * what SQLite and the gate put beside it (each only if a regular file). */
static void
remove_new_file(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal", "-gate" };
	struct stat sb;
	size_t i;

	for (i = 0; i < BX_ARRAY_LEN(sfx); i++) {
		char *p = bx_asprintf("%s%s", path, sfx[i]);
		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode))
			unlink(p);
		free(p);
	}
}

int
bx_store_copy(const char *from, const char *to, struct bx_store_copy_stats *out,
              struct bx_err *err)
{
	struct copy c;
	struct stat sb;
	int rc, to_pg = bx_st_is_pg(to), created = 0;
	size_t i;

	memset(&c, 0, sizeof c);
	memset(out, 0, sizeof *out);
	/* Both URIs are checked before either store is touched. */
	for (i = 0; i < 2; i++) {
		const char *p = i ? to : from;
		if (bx_st_is_pg(p) && bx_db_pg_has_password(p))
			return bx_err_set(err, BX_EINVAL, "%s: a password in the connection URI is "
			    "refused (it would show in process lists and shell history): put it "
			    "in ~/.pgpass (or PGPASSFILE) or a service file (PGSERVICEFILE)",
			    i ? "TO" : "FROM");
	}
	if (!to_pg && lstat(to, &sb) == 0)
		return bx_err_set(err, BX_EEXIST, "%s already exists: the copy goes only into a "
		    "new file (or an empty PostgreSQL database)", to);
	if (!to_pg && errno != ENOENT)
		return bx_err_set(err, BX_EIO, "%s: %s", to, strerror(errno));
	/* The source opens as for any writing command (an older schema is
	 * migrated forward first): its write lock is what keeps writers out. */
	if ((rc = bx_store_open(from, 0, &c.from, err)) < 0)
		goto out;
	if ((rc = bx_store_open(to, BX_STORE_CREATE | (to_pg ? 0 : BX_STORE_EXCL), &c.to,
	    err)) < 0)
		goto out;
	created = !to_pg;
	if (to_pg && bx_db_kind(c.from->db) == BX_DB_PG) {
		if ((rc = same_pg_database(c.from, c.to, err)) < 0)
			goto out;
		if (rc == 1) {
			rc = bx_err_set(err, BX_EINVAL, "%s and %s are the same database", from, to);
			goto out;
		}
	}
	if ((rc = bx_st_write(c.from, copy_from_tx, &c, err)) < 0)
		goto out;
	for (i = 0; i < BX_ARRAY_LEN(copy_order); i++)
		if (c.t[i].name != NULL)
			out->tables++;
	out->rows = c.rows;
out:
	for (i = 0; i < BX_ARRAY_LEN(copy_order); i++)
		table_clear(&c.t[i]);
	bx_store_close(c.from);
	bx_store_close(c.to);
	if (rc < 0 && created)
		remove_new_file(to);
	return rc;
}
