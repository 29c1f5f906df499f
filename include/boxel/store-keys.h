/* store-keys.h: the SSH public key of each user (additive to store.h,
 * implemented in src/store-keys.c beside the store). The key is the remote
 * identity: `boxel user authorized-keys` turns these rows into the forced
 * command lines of the service account's authorized_keys. The store keeps
 * the key as given ("TYPE BASE64", checked by the caller) and refuses one
 * key for two users. */
#ifndef BOXEL_STORE_KEYS_H
#define BOXEL_STORE_KEYS_H

#include <stdint.h>

#include "boxel/err.h"
#include "boxel/store.h"

/* Set (key != NULL) or remove (key == NULL) the user's key, logging a
 * "user_key" event. BX_ENOENT for an unknown user; BX_EEXIST when another
 * user holds that key. */
int bx_store_user_key_set(struct bx_store *st, const char *name, const char *key,
                          const char *actor, int64_t now_ms, struct bx_err *err);

struct bx_user_key {
	char *name, *role, *key;
	int active;
};
/* Every user that has a key (active or not), ordered by name. Free with
 * bx_user_keys_free. */
int bx_store_user_keys(struct bx_store *st, struct bx_user_key **out, int *n_out,
                       struct bx_err *err);
void bx_user_keys_free(struct bx_user_key *k, int n);

#endif
