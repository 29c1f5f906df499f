/* view-admin.h: the admin dashboard (view-admin.c) as a bx_view. */
#ifndef BOXEL_VIEW_ADMIN_H
#define BOXEL_VIEW_ADMIN_H

#include <stdint.h>

#include "boxel/store.h"
#include "boxel/view.h"

/* Set up v on store st (the caller's, outliving v) for a cols x rows
 * terminal; title names the project; the store is re-read every
 * interval_ms. */
void bx_view_admin_init(struct bx_view *v, struct bx_store *st, const char *title, int no_color,
                        int interval_ms, int cols, int rows, int64_t now_ms);

#endif
