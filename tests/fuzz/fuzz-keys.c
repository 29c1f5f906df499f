/* fuzz-keys.c: libFuzzer target for the SSH public key parser and the
 * authorized_keys writer (src/cmd-user.c, included so its static key_parse()
 * and ak_write() are reachable). The first byte picks one:
 *   even: the rest is a KEY.pub file for key_parse; an accepted key must be
 *         "TYPE BASE64" of a known type, one line, no control character, no
 *         option (nothing sshd would read as more than a key);
 *   odd:  the rest is an existing authorized_keys file that ak_write merges
 *         boxel's block into (a real store with one user's key, set up once);
 *         written, the file must hold boxel's block once, the user's key only
 *         inside it (a copy outside would bypass the forced command), and
 *         every other line as it was, in order.
 * Files live in a private directory under /dev/shm (or TMPDIR). */
#include "../../src/cmd-user.c"

#include <stdint.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ALICE_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"
#define ALICE_BLOB "AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz-keys: %s\n", #c); abort(); } } while (0)

/* What cli.c provides (not linked: its table pulls in every command). */
void bx_cli_error(const char *fmt, ...) { (void)fmt; }
int bx_cli_usage(const struct bx_cmd *cmd) { (void)cmd; return BX_EXIT_USAGE; }
int bx_cli_wants_help(const struct bx_cmd *cmd, int argc, char **argv)
{ (void)cmd; (void)argc; (void)argv; return 0; }
const char *bx_cli_db_path(const char *opt) { return opt; }
const struct bx_cmd *bx_cli_find(const char *name) { (void)name; return NULL; }

static char dir[64], db[96], keyfile[96], akfile[96];
static struct bx_store *st;

static void
setup(void)
{
	struct bx_err err = { 0 };
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(dir, sizeof dir, "%s/boxel-fuzz-keys.XXXXXX", base);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(db, sizeof db, "%s/k.db", dir);
	snprintf(keyfile, sizeof keyfile, "%s/key.pub", dir);
	snprintf(akfile, sizeof akfile, "%s/authorized_keys", dir);
	CHECK(bx_store_open(db, BX_STORE_CREATE, &st, &err) == 0);
	CHECK(bx_store_user_add(st, "alice", "annotator", "fuzz", 0, &err) == 0);
	CHECK(bx_store_user_key_set(st, "alice", ALICE_KEY, "fuzz", 0, &err) == 0);
}

static void
put(const char *path, const uint8_t *d, size_t n)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	CHECK(fwrite(d, 1, n, f) == n || n == 0);
	CHECK(fclose(f) == 0);
}

static void
check_key(const char *key)
{
	size_t i, tlen = strcspn(key, " ");
	int known = 0;

	CHECK(strchr(key, ' ') != NULL && strchr(key + tlen + 1, ' ') == NULL);
	for (i = 0; key[i]; i++)
		CHECK((unsigned char)key[i] >= 0x20 && key[i] != 0x7f && key[i] != '"' &&
		      key[i] != ',');
	for (i = 0; i < BX_ARRAY_LEN(key_types); i++)
		known |= strlen(key_types[i]) == tlen && memcmp(key_types[i], key, tlen) == 0;
	CHECK(known);
}

/* The key blob sshd would read from an authorized_keys line (sshd's
 * auth2-pubkeyfile.c: a key type and blob, or options first, quoted
 * strings kept whole, fields separated by spaces or tabs), or NULL. */
static const char *
sshd_blob(const char *line, size_t *blen)
{
	const char *p = line;
	int pass, q;
	size_t i, tl;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return NULL;
	for (pass = 0; pass < 2; pass++) {
		tl = strcspn(p, " \t");
		for (i = 0; i < BX_ARRAY_LEN(key_types); i++)
			if (strlen(key_types[i]) == tl && memcmp(key_types[i], p, tl) == 0) {
				p += tl;
				while (*p == ' ' || *p == '\t')
					p++;
				*blen = strcspn(p, " \t");
				return p;
			}
		if (pass == 1)
			return NULL;
		/* Options: up to the first space or tab outside quotes. */
		for (q = 0; *p && (q || (*p != ' ' && *p != '\t')); p++) {
			if (*p == '\\' && p[1] == '"')
				p++;
			else if (*p == '"')
				q = !q;
		}
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return NULL;
}

/* Lines of text (split at '\n', the text ends at its first NUL). */
static int
lines_of(char *text, char ***out)
{
	int n = 0;
	char *p = text, **v = NULL;

	while (*p) {
		size_t l = strcspn(p, "\n");
		v = bx_realloc(v, (size_t)(n + 1) * sizeof *v);
		v[n++] = p;
		p += l;
		if (*p)
			*p++ = '\0';
	}
	*out = v;
	return n;
}

static void
check_written(const uint8_t *in, size_t n)
{
	struct bx_err err = { 0 };
	char *old = bx_strndup((const char *)in, n), *now = NULL, **a, **b;
	size_t len;
	int na, nb, i, j = 0, starts = 0, ends = 0, inblock = 0;

	CHECK(bx_read_file(akfile, 64u << 20, &now, &len, &err) == 0);
	na = lines_of(old, &a);
	nb = lines_of(now, &b);
	for (i = 0; i < nb; i++) {
		if (strcmp(b[i], AK_START) == 0) {
			starts++;
			inblock = 1;
			continue;
		}
		if (inblock && strcmp(b[i], AK_END) == 0) {
			ends++;
			inblock = 0;
			continue;
		}
		if (inblock)
			continue;
		/* Outside the block: alice's key never, and only lines that were
		 * there before, in their order (blocks of the old file dropped). */
		{
			size_t bl = 0;
			const char *bb = sshd_blob(b[i], &bl);
			if (bb != NULL && bl == strlen(ALICE_BLOB) && memcmp(bb, ALICE_BLOB, bl) == 0) {
				fprintf(stderr, "fuzz-keys: boxel's key outside its block: %s\n", b[i]);
				abort();
			}
		}
		while (j < na && strcmp(a[j], b[i]) != 0)
			j++;
		CHECK(j < na);
		j++;
	}
	CHECK(starts == 1 && ends == 1 && !inblock);
	free(a);
	free(b);
	free(old);
	free(now);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *key = NULL;

	if (st == NULL)
		setup();
	if (size < 1)
		return 0;
	if (data[0] % 2 == 0) {
		put(keyfile, data + 1, size - 1);
		if (key_parse(keyfile, &key) == 0) {
			CHECK(key != NULL);
			check_key(key);
		}
		free(key);
		return 0;
	}
	put(akfile, data + 1, size - 1);
	if (ak_write(st, db, akfile) == 0)
		check_written(data + 1, size - 1);
	return 0;
}
