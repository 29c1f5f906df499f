/* fault-driver.c: the two write paths of boxel no command reaches on its
 * own, run once so tests/fault/faults.sh can fail their I/O under the
 * fault shim (fault.c):
 *
 *   fault-driver draft DB USER   claim USER's next task, draw one box and
 *                                save the draft the way the labeling view
 *                                does after an edit (bx_session_save)
 *   fault-driver old-store DB V  create a store at schema version V (the
 *                                migrations a store of that age has run);
 *                                opening it with boxel then migrates it
 *
 * Errors are one line on stderr, exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boxel/draft.h"
#include "boxel/edit.h"
#include "boxel/geom.h"
#include "boxel/label.h"
#include "boxel/store.h"
#include "boxel/util.h"
#include "src/store-int.h" /* bx_st_schema_limit */

static int
fail(const char *what, const struct bx_err *err)
{
	fprintf(stderr, "fault-driver: %s: %s\n", what, err->msg);
	return 1;
}

static int
draft(const char *db, const char *user)
{
	struct bx_session s;
	struct bx_edit ed;
	struct bx_draft_view v = { 1, 0, 0, 0 };
	struct bx_err err = { 0 };
	int64_t now = bx_now_ms(), jid;
	int rc;

	memset(&s, 0, sizeof s);
	if (bx_session_open(&s, db, user, &err) != 0)
		return fail("open", &err);
	if (bx_session_claim(&s, now, &err) != 0) {
		bx_session_close(&s);
		return fail("claim", &err);
	}
	jid = s.claim.judgment;
	bx_edit_init(&ed, s.claim.width, s.claim.height);
	rc = bx_session_restore(&s, &ed, &v, &err);
	if (rc == 0) {
		/* One box from (1,1) to (3,3), as the keys b, Enter, move, Enter. */
		bx_edit_set_tool(&ed, bx_tool_from_name("box"));
		bx_edit_set_class(&ed, "cat");
		bx_edit_cursor_to(&ed, 1, 1);
		bx_edit_enter(&ed);
		bx_edit_cursor_to(&ed, 3, 3);
		if (!(bx_edit_enter(&ed) & BX_EDIT_ANSWER)) {
			fprintf(stderr, "fault-driver: the box was not drawn: %s\n", ed.msg);
			rc = BX_EINVAL;
		} else
			rc = bx_session_save(&s, &ed, &v, BX_EDIT_ANSWER, now, &err);
	}
	bx_edit_free(&ed);
	bx_session_close(&s);
	if (rc != 0)
		return err.msg[0] ? fail("save draft", &err) : 1;
	printf("judgment %lld: draft saved\n", (long long)jid);
	return 0;
}

static int
old_store(const char *db, const char *v)
{
	struct bx_store *st;
	struct bx_err err = { 0 };

	bx_st_schema_limit = atoi(v);
	if (bx_st_schema_limit < 1)
		return fprintf(stderr, "fault-driver: bad version %s\n", v), 1;
	if (bx_store_open(db, BX_STORE_CREATE, &st, &err) != 0)
		return fail("create", &err);
	bx_store_close(st);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "draft") == 0)
		return draft(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "old-store") == 0)
		return old_store(argv[2], argv[3]);
	fprintf(stderr, "usage: fault-driver draft DB USER | old-store DB VERSION\n");
	return 2;
}
