/* taxonomy-lookup.c: finding a taxonomy's classes and attributes by name,
 * a class by its hotkey, and whether a key of the labeling view may be
 * taken by a class hotkey (the reserved keys may not; later keys and the
 * drawing tools' keys may, the class then wins). Pointers returned live as
 * long as the taxonomy. */
#include <string.h>

#include "boxel/geom.h"
#include "boxel/taxonomy.h"
#include "taxonomy-int.h"

int
bx_taxonomy_class_index(const struct bx_taxonomy *t, const char *name)
{
	int i;

	for (i = 0; t != NULL && name != NULL && i < t->nclasses; i++)
		if (strcmp(t->classes[i].name, name) == 0)
			return i;
	return -1;
}

const struct bx_class *
bx_taxonomy_class(const struct bx_taxonomy *t, const char *name)
{
	int i = bx_taxonomy_class_index(t, name);

	return i < 0 ? NULL : &t->classes[i];
}

int
bx_taxonomy_key_shadowable(int key)
{
	if (key <= 0 || key > 0x7f)
		return 0;
	return strchr(BX_TAXONOMY_SHADOWABLE_KEYS, key) != NULL ||
	       (bx_tool_by_key(key) >= 0 && strchr(BX_TAXONOMY_RESERVED_KEYS, key) == NULL);
}

const struct bx_class *
bx_taxonomy_class_by_hotkey(const struct bx_taxonomy *t, int key)
{
	int i;

	for (i = 0; t != NULL && key > 0 && i < t->nclasses; i++)
		if (t->classes[i].hotkey == key)
			return &t->classes[i];
	return NULL;
}

const struct bx_attr_spec *
bx_tx_find_spec(const struct bx_attr_spec *specs, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(specs[i].name, name) == 0)
			return &specs[i];
	return NULL;
}

const struct bx_attr_spec *
bx_class_attr(const struct bx_class *c, const char *name)
{
	return c ? bx_tx_find_spec(c->attrs, c->nattrs, name) : NULL;
}

const struct bx_attr_spec *
bx_taxonomy_global_attr(const struct bx_taxonomy *t, const char *name)
{
	return t ? bx_tx_find_spec(t->global, t->nglobal, name) : NULL;
}
