/* view-help.h: the help overlay, generated from key tables. */
#ifndef BOXEL_VIEW_HELP_H
#define BOXEL_VIEW_HELP_H

#include "boxel/keymap.h"
#include "boxel/view.h"

/* A full-screen help listing the n tables (the first without its name,
 * the others under theirs), title on top and foot at the bottom (NULL:
 * none); push it. The strings and tables must outlive it. */
struct bx_view *bx_view_help_new(const char *title, const struct bx_keymap *const *maps, int n,
                                 const char *foot);

#endif
