/* cmd-user.c: `boxel user add|list|disable|qual`: the project's people.
 * Names are [A-Za-z0-9._-]{1,64} (the store refuses others); roles are
 * annotator, reviewer, admin; qualification training|qualified|suspended;
 * `show` and `reinstate` read and reset the gold-based state (store-quality.c, store-suspend.c).
 * `key` and `authorized-keys` hold each user's SSH public key and write the
 * service account's authorized_keys from them (the forced command is
 * `boxel session`, cmd-session.c), as gitolite does for git. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boxel/cli.h"
#include "boxel/formats.h"
#include "boxel/store-keys.h"
#include "boxel/util.h"
#include "store-cli.h"

extern const struct bx_cmd bx_cmd_user;

/* ---- SSH public keys ---- */

/* The key types sshd accepts that boxel lets through (no DSA, no certs). */
static const char *const key_types[] = {
	"ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
};

#define KEY_FILE_MAX 16384 /* a 16384-bit RSA key is about 2.8 KB */

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict base64 (padded to a multiple of 4, '=' only at the end) into out
 * (room for 3/4 of len). Returns the decoded length, or -1. */
static long
b64_decode(const char *s, size_t len, unsigned char *out)
{
	size_t i, pad = 0;
	long n = 0;

	if (len == 0 || len % 4 != 0)
		return -1;
	if (s[len - 1] == '=')
		pad = s[len - 2] == '=' ? 2 : 1;
	for (i = 0; i < len; i += 4) {
		int v[4], k;
		for (k = 0; k < 4; k++) {
			if (i + (size_t)k >= len - pad) {
				v[k] = 0;
				continue;
			}
			if ((v[k] = b64_value((unsigned char)s[i + k])) < 0)
				return -1;
		}
		out[n++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		out[n++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		out[n++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	return n - (long)pad;
}

/* Check one public key line (the contents of KEY.pub) and return
 * "TYPE BASE64" in key_out (freed by the caller), the comment dropped.
 * Anything that could change what sshd does with the line is refused:
 * options, a second line, control characters. 0 or -1 (message printed). */
static int
key_parse(const char *file, char **key_out)
{
	struct bx_err err = { 0 };
	char *text = NULL, *p, *type, *blob, *end;
	unsigned char *raw = NULL;
	size_t len, i, tlen, blen;
	long rlen;
	uint32_t elen;
	int rc = -1;

	*key_out = NULL;
	if (bx_read_file(file, KEY_FILE_MAX, &text, &len, &err) < 0) {
		bx_cli_error("%s: %s", file, err.msg);
		return -1;
	}
	/* One line: a final "\n" (or "\r\n") is allowed, nothing after it. */
	if (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	if (len > 0 && text[len - 1] == '\r')
		text[--len] = '\0';
	if (memchr(text, '\n', len) != NULL) {
		bx_cli_error("%s: more than one line; give one public key (KEY.pub)", file);
		goto out;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 || c == 0x7f) {
			bx_cli_error("%s: control character (byte 0x%02x at %zu) in the key line",
			    file, c, i + 1);
			goto out;
		}
	}
	for (p = text; *p == ' '; p++)
		;
	if (*p == '\0') {
		bx_cli_error("%s: empty; give a public key (KEY.pub)", file);
		goto out;
	}
	type = p;
	tlen = strcspn(type, " ");
	for (i = 0; i < BX_ARRAY_LEN(key_types); i++)
		if (strlen(key_types[i]) == tlen && memcmp(key_types[i], type, tlen) == 0)
			break;
	if (i == BX_ARRAY_LEN(key_types)) {
		if (memchr(type, '=', tlen) != NULL || memchr(type, ',', tlen) != NULL ||
		    memchr(type, '"', tlen) != NULL)
			bx_cli_error("%s: starts with options, not a key type; give the bare key "
			    "(boxel writes the options itself)", file);
		else
			bx_cli_error("%s: not a public key of a supported type (ssh-ed25519, ssh-rsa, "
			    "ecdsa-sha2-nistp256/384/521, sk-ssh-ed25519@openssh.com, "
			    "sk-ecdsa-sha2-nistp256@openssh.com)", file);
		goto out;
	}
	for (blob = type + tlen; *blob == ' '; blob++)
		;
	blen = strcspn(blob, " ");
	raw = bx_malloc(blen / 4 * 3 + 3);
	if (blen == 0 || (rlen = b64_decode(blob, blen, raw)) < 4) {
		bx_cli_error("%s: the key data after %.*s is not valid base64", file, (int)tlen, type);
		goto out;
	}
	/* The blob starts with its own type as an SSH string: uint32 length, bytes. */
	elen = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 | (uint32_t)raw[2] << 8 | raw[3];
	if (elen != tlen || (long)elen > rlen - 4 || memcmp(raw + 4, type, tlen) != 0) {
		bx_cli_error("%s: the key data is not a %.*s key (its embedded type differs)", file,
		    (int)tlen, type);
		goto out;
	}
	if (rlen - 4 - (long)elen < 16) {
		bx_cli_error("%s: the %.*s key data is truncated", file, (int)tlen, type);
		goto out;
	}
	end = blob + blen;
	*end = '\0';
	*key_out = bx_malloc(tlen + 1 + blen + 1);
	memcpy(*key_out, type, tlen);
	(*key_out)[tlen] = ' ';
	memcpy(*key_out + tlen + 1, blob, blen + 1);
	rc = 0;
out:
	free(raw);
	free(text);
	return rc;
}

/* -1 (message printed) when a user already holds key. */
static int
key_taken(struct bx_store *st, const char *key)
{
	struct bx_err err = { 0 };
	struct bx_user_key *k;
	int n, i, rc = 0;

	if (bx_store_user_keys(st, &k, &n, &err) < 0) {
		bx_cli_store_fail(&err);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++)
		if (strcmp(k[i].key, key) == 0) {
			bx_cli_error("this key already belongs to user %s (one key, one identity)",
			    k[i].name);
			rc = -1;
		}
	bx_user_keys_free(k, n);
	return rc;
}

/* Characters that need no quoting in sshd's command="..." (which the
 * service account's shell runs): a path with others is refused rather
 * than quoted. */
static int
shell_safe(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("/._+,:@=-", *s) != NULL))
			return 0;
	return 1;
}

#define AK_START "# boxel start: written by 'boxel user authorized-keys'; edits here are lost"
#define AK_END "# boxel end"

/* boxel's block of authorized_keys lines: one per active user with a key.
 * db is the store path as given. 0 or -1 (message printed). */
static int
ak_block(struct bx_store *st, const char *db, struct bx_buf *b)
{
	struct bx_err err = { 0 };
	struct bx_user_key *k;
	char exe[PATH_MAX], dbabs[PATH_MAX];
	ssize_t n;
	int nk, i;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		bx_cli_error("authorized-keys: cannot find the boxel binary (/proc/self/exe): %s",
		    strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	/* A server URI is the same from every host; a file is made absolute. */
	if (bx_store_is_server(bx_cli_db_path(db)))
		snprintf(dbabs, sizeof dbabs, "%s", bx_cli_db_path(db));
	else if (realpath(bx_cli_db_path(db), dbabs) == NULL) {
		bx_cli_error("authorized-keys: %s: %s", bx_cli_db_path(db), strerror(errno));
		return -1;
	}
	if (!shell_safe(exe) || !shell_safe(dbabs)) {
		bx_cli_error("authorized-keys: %s: the path has characters unsafe in a forced "
		    "command (use A-Z a-z 0-9 / . _ + , : @ = -)", shell_safe(exe) ? dbabs : exe);
		return -1;
	}
	if (bx_store_user_keys(st, &k, &nk, &err) < 0) {
		bx_cli_store_fail(&err);
		return -1;
	}
	bx_buf_puts(b, AK_START "\n");
	for (i = 0; i < nk; i++) {
		/* Disabled users keep their key in the store, not in the file. */
		if (!k[i].active)
			continue;
		bx_buf_printf(b, "restrict,pty,command=\"%s session --db %s --user %s\" %s boxel:%s\n",
		    exe, dbabs, k[i].name, k[i].key, k[i].name);
	}
	bx_buf_puts(b, AK_END "\n");
	bx_user_keys_free(k, nk);
	return 0;
}

/* The key blob of an authorized_keys line as sshd reads it, or NULL:
 * fields are separated by spaces or tabs, and a line that does not start
 * with a key type starts with options, whose quoted strings may hold both.
 * Reading it any other way (e.g. only spaces) would let a line with a tab
 * carry a managed key past the check below. */
static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *
line_blob(const char *line, size_t len, size_t *blen)
{
	const char *p = line, *e = line + len;
	size_t i, tl;
	int opts, quoted;

	while (p < e && is_blank(*p))
		p++;
	if (p == e || *p == '#')
		return NULL;
	for (opts = 0; opts < 2; opts++) {
		for (tl = 0; p + tl < e && !is_blank(p[tl]); tl++)
			;
		for (i = 0; i < BX_ARRAY_LEN(key_types); i++) {
			if (strlen(key_types[i]) != tl || memcmp(key_types[i], p, tl) != 0)
				continue;
			for (p += tl; p < e && is_blank(*p); p++)
				;
			for (*blen = 0; p + *blen < e && !is_blank(p[*blen]); (*blen)++)
				;
			return *blen > 0 ? p : NULL;
		}
		if (opts == 1)
			return NULL;
		/* Skip the options, as sshd does: to the first blank outside quotes. */
		for (quoted = 0; p < e && (quoted || !is_blank(*p)); p++) {
			if (*p == '\\' && p + 1 < e && p[1] == '"')
				p++;
			else if (*p == '"')
				quoted = !quoted;
		}
		while (p < e && is_blank(*p))
			p++;
	}
	return NULL;
}

/* Write path: its lines outside boxel's block are kept (the service
 * account's own keys), the block replaced (or appended). A key of the
 * block that also appears outside it is refused: sshd would take the
 * first match, so the forced command could be bypassed. */
static int
ak_write(struct bx_store *st, const char *db, const char *path)
{
	struct bx_err err = { 0 };
	struct bx_buf block, out;
	struct bx_afile af;
	char *old = NULL;
	size_t len = 0;
	const char *p;
	int in = 0, rc = -1, placed = 0, lineno = 0;

	bx_buf_init(&block);
	bx_buf_init(&out);
	if (ak_block(st, db, &block) < 0)
		goto done;
	if (bx_read_file(path, 4u << 20, &old, &len, &err) < 0 && err.code != BX_ENOENT) {
		bx_cli_error("authorized-keys: %s: %s", path, err.msg);
		goto done;
	}
	for (p = old; p != NULL && *p; ) {
		size_t l = strcspn(p, "\n"), blen;
		const char *blob;
		lineno++;
		if (strncmp(p, "# boxel start", 13) == 0) {
			in = 1;
		} else if (in && strncmp(p, AK_END, strlen(AK_END)) == 0 &&
		    (l == strlen(AK_END))) {
			in = 0;
			if (!placed)
				bx_buf_puts(&out, block.p);
			placed = 1;
		} else if (!in) {
			if ((blob = line_blob(p, l, &blen)) != NULL && blen > 20) {
				char *pat = bx_malloc(blen + 3);
				pat[0] = ' ';
				memcpy(pat + 1, blob, blen);
				pat[blen + 1] = ' ';
				pat[blen + 2] = '\0';
				if (strstr(block.p, pat) != NULL) {
					free(pat);
					bx_cli_error("authorized-keys: %s line %d holds a key that boxel "
					    "also writes; remove that line (sshd would use it instead of "
					    "the forced command)", path, lineno);
					goto done;
				}
				free(pat);
			}
			bx_buf_append(&out, p, l);
			bx_buf_putc(&out, '\n');
		}
		p += l;
		if (*p == '\n')
			p++;
	}
	if (in) {
		bx_cli_error("authorized-keys: %s: '# boxel start' without '" AK_END "'; fix the "
		    "file by hand", path);
		goto done;
	}
	if (!placed)
		bx_buf_puts(&out, block.p);
	if (bx_afile_open(&af, path, &err) < 0) {
		bx_cli_error("authorized-keys: %s", err.msg);
		goto done;
	}
	fputs(out.p, af.f);
	if (bx_afile_commit(&af, &err) < 0) {
		bx_cli_error("authorized-keys: %s", err.msg);
		goto done;
	}
	rc = 0;
done:
	free(old);
	bx_buf_free(&block);
	bx_buf_free(&out);
	return rc;
}

/* After a change of users or keys: rewrite the remembered authorized_keys
 * file, if any. The change itself stands either way; a failed rewrite is
 * exit 1 ("some items failed"). */
static int
ak_refresh(struct bx_store *st, const char *db, int rc)
{
	struct bx_err err = { 0 };
	char *path = NULL;

	if (rc != BX_EXIT_OK)
		return rc;
	if (bx_store_setting_get(st, "authorized_keys", &path, &err) < 0 || path[0] == '\0') {
		free(path);
		return rc;
	}
	if (ak_write(st, db, path) < 0) {
		bx_cli_error("the change is stored, but %s was not rewritten; run 'boxel user "
		    "authorized-keys --write %s' once fixed", path, path);
		rc = BX_EXIT_SOME;
	} else {
		printf("rewrote %s\n", path);
	}
	free(path);
	return rc;
}

static int
user_key(struct bx_store *st, const char *db, int argc, char **argv)
{
	struct bx_err err = { 0 };
	char *key = NULL;
	int rc, remove;

	remove = argc == 3 && strcmp(argv[2], "--remove") == 0;
	if (argc != 3 || (!remove && argv[2][0] == '-')) {
		bx_cli_error("user key: give NAME and KEY.pub, or NAME --remove");
		return BX_EXIT_USAGE;
	}
	if (!remove && key_parse(argv[2], &key) < 0)
		return BX_EXIT_USAGE;
	rc = bx_store_user_key_set(st, argv[1], key, bx_cli_actor(), bx_now_ms(), &err);
	free(key);
	if (rc < 0)
		return bx_cli_store_fail(&err);
	printf(remove ? "removed the key of %s\n" : "set the key of %s\n", argv[1]);
	return ak_refresh(st, db, BX_EXIT_OK);
}

static int
user_authorized_keys(struct bx_store *st, const char *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "write", required_argument, NULL, 'w' },
		{ "forget", no_argument, NULL, 'f' },
		{ 0, 0, 0, 0 },
	};
	struct bx_err err = { 0 };
	struct bx_buf b;
	const char *path = NULL;
	char abs[PATH_MAX];
	int c, forget = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'w')
			path = optarg;
		else if (c == 'f')
			forget = 1;
		else
			return bx_cli_usage(&bx_cmd_user);
	}
	if (optind != argc || (forget && path != NULL)) {
		bx_cli_error("user authorized-keys: takes --write PATH or --forget, nothing else");
		return BX_EXIT_USAGE;
	}
	if (forget) {
		if (bx_store_setting_set(st, "authorized_keys", "", bx_cli_actor(), bx_now_ms(),
		    &err) < 0)
			return bx_cli_store_fail(&err);
		printf("user changes no longer rewrite an authorized_keys file\n");
		return BX_EXIT_OK;
	}
	if (path == NULL) {
		bx_buf_init(&b);
		if (ak_block(st, db, &b) < 0) {
			bx_buf_free(&b);
			return BX_EXIT_USAGE;
		}
		fputs(b.p, stdout);
		bx_buf_free(&b);
		return BX_EXIT_OK;
	}
	if (*path == '\0') {
		bx_cli_error("user authorized-keys: --write needs a PATH");
		return BX_EXIT_USAGE;
	}
	/* Remembered as an absolute path: later changes may run elsewhere. */
	if (path[0] != '/') {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof cwd) == NULL ||
		    snprintf(abs, sizeof abs, "%s/%s", cwd, path) >= (int)sizeof abs) {
			bx_cli_error("user authorized-keys: %s: path too long", path);
			return BX_EXIT_USAGE;
		}
		path = abs;
	}
	if (ak_write(st, db, path) < 0)
		return BX_EXIT_USAGE;
	if (bx_store_setting_set(st, "authorized_keys", path, bx_cli_actor(), bx_now_ms(),
	    &err) < 0)
		return bx_cli_store_fail(&err);
	printf("wrote %s; user add/disable/key rewrite it from now on\n", path);
	return BX_EXIT_OK;
}

static int
user_add(struct bx_store *st, const char *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "key", required_argument, NULL, 'k' },
		{ 0, 0, 0, 0 },
	};
	struct bx_err err = { 0 };
	const char *role = NULL, *keyfile = NULL;
	char *key = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			role = optarg;
		else if (c == 'k')
			keyfile = optarg;
		else
			return bx_cli_usage(&bx_cmd_user);
	}
	if (optind != argc - 1 || role == NULL) {
		bx_cli_error("user add: give NAME and --role annotator|reviewer|admin");
		return BX_EXIT_USAGE;
	}
	/* The key is checked before the user exists: all or nothing for typos
	 * and for a key that already names someone else. */
	if (keyfile != NULL && (key_parse(keyfile, &key) < 0 || key_taken(st, key) < 0)) {
		free(key);
		return BX_EXIT_USAGE;
	}
	if (bx_store_user_add(st, argv[optind], role, bx_cli_actor(), bx_now_ms(), &err) < 0) {
		free(key);
		bx_err_prefix(&err, "user add %s", argv[optind]);
		return bx_cli_store_fail(&err);
	}
	if (key != NULL && bx_store_user_key_set(st, argv[optind], key, bx_cli_actor(),
	    bx_now_ms(), &err) < 0) {
		free(key);
		bx_err_prefix(&err, "user add %s: added without a key", argv[optind]);
		bx_cli_store_fail(&err);
		return BX_EXIT_SOME;
	}
	free(key);
	printf("added %s (%s)%s\n", argv[optind], role, /* the name passed the store's check */
	    keyfile != NULL ? " with an SSH key" : "");
	return keyfile != NULL ? ak_refresh(st, db, BX_EXIT_OK) : BX_EXIT_OK;
}

/* Whether whoever runs this may see gold figures. An annotator may not:
 * every figure that moves after a submit (gold counts, the window's
 * accuracy, the trend) would tell them which task they just did was gold.
 * The actor is the SSH session's user ($BOXEL_ACTOR) or the Unix login;
 * a login that is no user of the project is its operator. */
static int
caller_sees_gold(struct bx_store *st)
{
	struct bx_err err = { 0 };
	struct bx_user me;
	int sees;

	if (bx_store_user_get(st, bx_cli_actor(), &me, &err) < 0)
		return 1;
	sees = strcmp(me.role, "annotator") != 0;
	bx_user_free(&me);
	return sees;
}

/* An armed gold suspension, for those who see gold: "suspension armed,
 * takes effect after N more ordinary submits" (0: at the next claim). */
static const char *
armed_text(char *buf, size_t n, const struct bx_user *u)
{
	if (u->suspend_grace == 0)
		snprintf(buf, n, "suspension armed, takes effect at the next claim");
	else
		snprintf(buf, n, "suspension armed, takes effect after %d more ordinary submit%s",
		    u->suspend_grace, u->suspend_grace == 1 ? "" : "s");
	return buf;
}

static void
put_armed(struct bx_buf *b, const struct bx_user *u)
{
	if (u->suspend_grace >= 0)
		bx_buf_printf(b, ",\"suspension_armed\":{\"submits_left\":%d}", u->suspend_grace);
	else
		bx_buf_puts(b, ",\"suspension_armed\":null");
}

static int
user_list(struct bx_store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	struct bx_err err = { 0 };
	struct bx_user *u;
	struct bx_buf b;
	char n1[80];
	int c, n, i, json = 0, sees;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return bx_cli_usage(&bx_cmd_user);
		json = 1;
	}
	if (optind != argc)
		return bx_cli_usage(&bx_cmd_user);
	if (bx_store_user_list(st, &u, &n, &err) < 0)
		return bx_cli_store_fail(&err);
	sees = caller_sees_gold(st);
	bx_buf_init(&b);
	if (json) {
		bx_buf_putc(&b, '[');
		for (i = 0; i < n; i++) {
			bx_buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
			bx_json_put_str(&b, u[i].name);
			bx_buf_puts(&b, ",\"role\":");
			bx_json_put_str(&b, u[i].role);
			bx_buf_printf(&b, ",\"active\":%s,\"qual\":", u[i].active ? "true" : "false");
			bx_json_put_str(&b, u[i].qual);
			bx_buf_printf(&b, ",\"created_ms\":%lld", (long long)u[i].created_ms);
			if (sees)
				put_armed(&b, &u[i]);
			bx_buf_putc(&b, '}');
		}
		bx_buf_puts(&b, "]\n");
	} else {
		for (i = 0; i < n; i++) {
			bx_buf_printf(&b, "%-20s %-10s %-10s %s", u[i].name, u[i].role, u[i].qual,
			    u[i].active ? "active" : "disabled");
			if (sees && u[i].suspend_grace >= 0)
				bx_buf_printf(&b, ", %s", armed_text(n1, sizeof n1, &u[i]));
			bx_buf_putc(&b, '\n');
		}
		if (n == 0)
			bx_buf_puts(&b, "no users yet (boxel user add NAME --role ROLE)\n");
	}
	fputs(b.p, stdout);
	bx_buf_free(&b);
	bx_users_free(u, n);
	return BX_EXIT_OK;
}

static int
user_disable(struct bx_store *st, int argc, char **argv)
{
	struct bx_err err = { 0 };
	struct bx_user u;
	int was;

	if (argc != 2) {
		bx_cli_error("user disable: give NAME");
		return BX_EXIT_USAGE;
	}
	if (bx_store_user_get(st, argv[1], &u, &err) < 0)
		return bx_cli_store_fail(&err);
	was = u.active;
	bx_user_free(&u);
	if (!was) {
		printf("%s was already disabled; nothing changed\n", argv[1]);
		return BX_EXIT_OK;
	}
	if (bx_store_user_disable(st, argv[1], bx_cli_actor(), bx_now_ms(), &err) < 0)
		return bx_cli_store_fail(&err);
	printf("disabled %s; their leases went back to the queue\n", argv[1]);
	return BX_EXIT_OK;
}

static int
reinstate(struct bx_store *st, const char *name)
{
	struct bx_err err = { 0 };
	struct bx_user u;
	char was[16];

	if (bx_store_user_get(st, name, &u, &err) < 0)
		return bx_cli_store_fail(&err);
	snprintf(was, sizeof was, "%s", u.qual);
	bx_user_free(&u);
	if (bx_store_user_reinstate(st, name, bx_cli_actor(), bx_now_ms(), &err) < 0)
		return bx_cli_store_fail(&err);
	if (strcmp(was, "training") == 0)
		printf("%s is promoted from training to qualified; their gold window starts "
		    "afresh\n", name);
	else if (strcmp(was, "suspended") == 0)
		printf("%s is reinstated (qualified); their gold window starts afresh\n", name);
	else
		printf("%s was already qualified; their gold window starts afresh\n", name);
	return BX_EXIT_OK;
}

/* qual NAME STATE: qualified is the reinstatement (one path, window
 * restarted), suspended an admin's suspension, training back to training. */
static int
user_qual(struct bx_store *st, int argc, char **argv)
{
	struct bx_err err = { 0 };
	int rc;

	if (argc != 3) {
		bx_cli_error("user qual: give NAME and training|qualified|suspended");
		return BX_EXIT_USAGE;
	}
	if (strcmp(argv[2], "qualified") == 0)
		return reinstate(st, argv[1]);
	if (strcmp(argv[2], "suspended") == 0)
		rc = bx_store_user_suspend(st, argv[1], bx_cli_actor(), bx_now_ms(), &err);
	else if (strcmp(argv[2], "training") == 0)
		rc = bx_store_user_to_training(st, argv[1], bx_cli_actor(), bx_now_ms(), &err);
	else {
		char *v = bx_sanitize_dup(argv[2]);
		bx_cli_error("user qual: '%s' is not training, qualified or suspended", v);
		free(v);
		return BX_EXIT_USAGE;
	}
	if (rc < 0)
		return bx_cli_store_fail(&err);
	if (rc == 1)
		printf("%s was already %s%s; nothing changed\n", argv[1], argv[2],
		    argv[2][0] == 's' ? " (by an admin)" : "");
	else if (argv[2][0] == 's')
		printf("%s is suspended by you (an admin); their leases went back to the queue\n",
		    argv[1]);
	else
		printf("%s is back in training\n", argv[1]);
	return BX_EXIT_OK;
}

/* enable, role, pause, unpause: the store says whether anything changed. */
static int
user_admin(struct bx_store *st, int argc, char **argv)
{
	struct bx_err err = { 0 };
	const char *sub = argv[0];
	int role = strcmp(sub, "role") == 0, rc;

	if (argc != (role ? 3 : 2)) {
		bx_cli_error(role ? "user role: give NAME and annotator|reviewer|admin" :
		    "user %s: give NAME", sub);
		return BX_EXIT_USAGE;
	}
	if (strcmp(sub, "enable") == 0)
		rc = bx_store_user_enable(st, argv[1], bx_cli_actor(), bx_now_ms(), &err);
	else if (role)
		rc = bx_store_user_role(st, argv[1], argv[2], bx_cli_actor(), bx_now_ms(), &err);
	else
		rc = bx_store_user_pause(st, argv[1], strcmp(sub, "pause") == 0, bx_cli_actor(),
		    bx_now_ms(), &err);
	if (rc < 0)
		return bx_cli_store_fail(&err);
	if (role)
		printf(rc ? "%s was already %s; nothing changed\n" : "%s is now %s\n", argv[1],
		    argv[2]);
	else if (strcmp(sub, "enable") == 0)
		printf(rc ? "%s was already enabled; nothing changed\n" :
		    "enabled %s; they may work again as before (their state is kept)\n", argv[1]);
	else if (strcmp(sub, "pause") == 0)
		printf(rc ? "%s was already paused; nothing changed\n" :
		    "paused %s; their leases went back to the queue and they get no new work "
		    "until 'boxel user unpause'\n", argv[1]);
	else
		printf(rc ? "%s was not paused; nothing changed\n" :
		    "unpaused %s; they may take work again\n", argv[1]);
	return BX_EXIT_OK;
}

/* A ratio as JSON: null when undefined. */
static void
json_ratio(struct bx_buf *b, int ok, double v)
{
	if (ok)
		bx_json_put_num(b, v);
	else
		bx_buf_puts(b, "null");
}

static const char *
text_ratio(char *buf, size_t n, int ok, double v)
{
	return ok ? bx_cli_num(buf, n, "%.3f", v) : "n/a";
}

/* The trend: accuracy of consecutive windows of 10 gold judgments, counted
 * back from the newest (the oldest may be partial), at most 5, oldest first. */
#define TREND_CHUNK 10
#define TREND_CHUNKS 5
static int
trend_windows(const struct bx_user_quality *q, double *acc, int *ok)
{
	int n = 0, end = q->nrecent, start, i, k;
	struct bx_score sum;

	while (end > 0 && n < TREND_CHUNKS) {
		start = end - TREND_CHUNK > 0 ? end - TREND_CHUNK : 0;
		memset(&sum, 0, sizeof sum);
		for (i = start; i < end; i++)
			bx_score_add(&sum, &q->recent[i]);
		acc[n] = 0;
		ok[n] = bx_score_accuracy(&sum, &acc[n]);
		n++;
		end = start;
	}
	for (i = 0, k = n - 1; i < k; i++, k--) { /* oldest first */
		double a = acc[i]; int o = ok[i];
		acc[i] = acc[k]; ok[i] = ok[k];
		acc[k] = a; ok[k] = o;
	}
	return n;
}

/* The state as it is: why suspended, and whether paused. */
static const char *
state_text(char *buf, size_t n, const struct bx_user *u, int paused, const char *by)
{
	snprintf(buf, n, "%s%s%s", u->qual,
	    strcmp(u->qual, "suspended") != 0 ? "" : strcmp(by, "admin") == 0 ? " (by an admin)" :
	    strcmp(by, "gold") == 0 ? " (gold accuracy under the bar)" : "",
	    paused ? ", paused by an admin" : "");
	return buf;
}

/* What an annotator sees of themselves: state, training (whose feedback is
 * by design), throughput; no gold figure. */
static void
show_own(struct bx_buf *b, const struct bx_user *u, const struct bx_user_quality *q,
         const struct bx_labeler_stats *me, const char *state, int paused, const char *by,
         int json)
{
	double tacc;
	int oktacc = bx_score_accuracy(&q->training, &tacc);
	char n1[32], n2[32];

	if (json) {
		bx_buf_puts(b, "{\"name\":");
		bx_json_put_str(b, u->name);
		bx_buf_puts(b, ",\"role\":");
		bx_json_put_str(b, u->role);
		bx_buf_printf(b, ",\"active\":%s,\"state\":", u->active ? "true" : "false");
		bx_json_put_str(b, u->qual);
		bx_buf_printf(b, ",\"paused\":%s,\"suspended_by\":", paused ? "true" : "false");
		if (*by)
			bx_json_put_str(b, by);
		else
			bx_buf_puts(b, "null");
		bx_buf_printf(b, ",\"training_count\":%d,\"training_accuracy\":", q->training_n);
		json_ratio(b, oktacc, tacc);
		bx_buf_printf(b, ",\"submitted\":%d,\"per_hour\":", me ? me->submitted : 0);
		json_ratio(b, me && me->per_hour > 0, me ? me->per_hour : 0);
		bx_buf_puts(b, ",\"median_seconds\":");
		json_ratio(b, me && me->submitted > 0, me ? me->median_seconds : 0);
		bx_buf_puts(b, "}\n");
		return;
	}
	bx_buf_printf(b, "user        %s\nrole        %s\nactive      %s\nstate       %s\n",
	    u->name, u->role, u->active ? "yes" : "no (disabled)", state);
	bx_buf_printf(b, "training    accuracy %s over %d gold judgment%s\n",
	    text_ratio(n1, sizeof n1, oktacc, tacc), q->training_n, q->training_n == 1 ? "" : "s");
	if (me != NULL && me->submitted > 0)
		bx_buf_printf(b, "throughput  %s judgments/hour, median %s s (%d submitted)\n",
		    me->per_hour > 0 ? bx_cli_num(n1, sizeof n1, "%.1f", me->per_hour) : "n/a",
		    bx_cli_num(n2, sizeof n2, "%.1f", me->median_seconds), me->submitted);
	else
		bx_buf_puts(b, "throughput  n/a (nothing submitted)\n");
	bx_buf_puts(b, "quality     your gold scores are kept for your admins\n");
}

static int
user_show(struct bx_store *st, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	static const char *const bars[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	struct bx_err err = { 0 };
	struct bx_user u;
	struct bx_user_quality q;
	struct bx_labeler_stats *ls = NULL, *me = NULL;
	struct bx_gold_left *gl = NULL;
	struct bx_buf b;
	double acc, prec, rec, miou, tacc, tw[TREND_CHUNKS], a;
	int okacc, okprec, okrec, okmiou, oktacc, okw[TREND_CHUNKS], ntw;
	char n1[32], n2[32], n3[32], n4[80];
	int c, json = 0, nl = 0, i, rc, ngl = 0, paused = 0;
	char by[8] = "", state[96];

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return bx_cli_usage(&bx_cmd_user);
		json = 1;
	}
	if (optind != argc - 1) {
		bx_cli_error("user show: give NAME");
		return BX_EXIT_USAGE;
	}
	if (bx_store_user_get(st, argv[optind], &u, &err) < 0)
		return bx_cli_store_fail(&err);
	if (bx_store_user_status(st, argv[optind], &paused, by, sizeof by, &err) < 0 ||
	    bx_store_user_quality(st, argv[optind], &q, &err) < 0 ||
	    bx_store_labeler_stats(st, &ls, &nl, &err) < 0) {
		bx_user_free(&u);
		return bx_cli_store_fail(&err);
	}
	for (i = 0; i < nl; i++)
		if (strcmp(ls[i].name, u.name) == 0)
			me = &ls[i];
	state_text(state, sizeof state, &u, paused, by);
	bx_buf_init(&b);
	if (!caller_sees_gold(st)) {
		show_own(&b, &u, &q, me, state, paused, by, json);
		goto out;
	}
	if ((rc = bx_store_gold_left(st, NULL, u.name, &gl, &ngl, &err)) < 0) {
		bx_buf_free(&b);
		bx_labeler_stats_free(ls, nl);
		bx_user_quality_free(&q);
		bx_user_free(&u);
		return bx_cli_store_fail(&err);
	}
	okacc = bx_score_accuracy(&q.window, &acc);
	okprec = bx_score_precision(&q.window, &prec);
	okrec = bx_score_recall(&q.window, &rec);
	okmiou = bx_score_mean_iou(&q.window, &miou);
	oktacc = bx_score_accuracy(&q.training, &tacc);
	ntw = trend_windows(&q, tw, okw);
	if (json) {
		bx_buf_puts(&b, "{\"name\":");
		bx_json_put_str(&b, u.name);
		bx_buf_puts(&b, ",\"role\":");
		bx_json_put_str(&b, u.role);
		bx_buf_printf(&b, ",\"active\":%s,\"state\":", u.active ? "true" : "false");
		bx_json_put_str(&b, u.qual);
		bx_buf_printf(&b, ",\"paused\":%s,\"suspended_by\":", paused ? "true" : "false");
		if (*by)
			bx_json_put_str(&b, by);
		else
			bx_buf_puts(&b, "null");
		put_armed(&b, &u);
		bx_buf_printf(&b, ",\"gold_window\":%d,\"gold_count\":%d,\"gold_total\":%d,"
		    "\"training_count\":%d,\"tp\":%ld,\"mismatch\":%ld,\"fp\":%ld,\"fn\":%ld,"
		    "\"accuracy\":", q.window_size, q.window_n, q.total_gold, q.training_n,
		    q.window.tp, q.window.mismatch, q.window.fp, q.window.fn);
		json_ratio(&b, okacc, acc);
		bx_buf_puts(&b, ",\"precision\":");
		json_ratio(&b, okprec, prec);
		bx_buf_puts(&b, ",\"recall\":");
		json_ratio(&b, okrec, rec);
		bx_buf_puts(&b, ",\"mean_iou\":");
		json_ratio(&b, okmiou, miou);
		bx_buf_puts(&b, ",\"training_accuracy\":");
		json_ratio(&b, oktacc, tacc);
		bx_buf_printf(&b, ",\"submitted\":%d,\"per_hour\":", me ? me->submitted : 0);
		json_ratio(&b, me && me->per_hour > 0, me ? me->per_hour : 0);
		bx_buf_puts(&b, ",\"median_seconds\":");
		json_ratio(&b, me && me->submitted > 0, me ? me->median_seconds : 0);
		bx_buf_puts(&b, ",\"trend\":[");
		for (i = 0; i < q.nrecent; i++) {
			int ok = bx_score_accuracy(&q.recent[i], &a);
			if (i)
				bx_buf_putc(&b, ',');
			json_ratio(&b, ok, a);
		}
		bx_buf_puts(&b, "],\"trend_windows\":[");
		for (i = 0; i < ntw; i++) {
			if (i)
				bx_buf_putc(&b, ',');
			json_ratio(&b, okw[i], tw[i]);
		}
		bx_buf_puts(&b, "],\"gold_left\":[");
		for (i = 0; i < ngl; i++) {
			bx_buf_puts(&b, i ? ",{\"batch\":" : "{\"batch\":");
			bx_json_put_str(&b, gl[i].batch);
			bx_buf_printf(&b, ",\"pool\":%d,\"done\":%d,\"left\":%d}", gl[i].pool,
			    gl[i].done, gl[i].left);
		}
		bx_buf_puts(&b, "]}\n");
	} else {
		/* Names passed the store's check: no sanitizing needed. */
		bx_buf_printf(&b, "user        %s\nrole        %s\nactive      %s\nstate       %s\n",
		    u.name, u.role, u.active ? "yes" : "no (disabled)", state);
		if (u.suspend_grace >= 0)
			bx_buf_printf(&b, "            %s\n", armed_text(n4, sizeof n4, &u));
		bx_buf_printf(&b, "gold        %d in the window (last %d, outside training); "
		    "%d scored in all\n", q.window_n, q.window_size, q.total_gold);
		bx_buf_printf(&b, "accuracy    %s   (TP %ld, M %ld, FP %ld, FN %ld)\n",
		    text_ratio(n1, sizeof n1, okacc, acc), q.window.tp, q.window.mismatch,
		    q.window.fp, q.window.fn);
		bx_buf_printf(&b, "precision   %s\nrecall      %s\nmean IoU    %s\n",
		    text_ratio(n1, sizeof n1, okprec, prec), text_ratio(n2, sizeof n2, okrec, rec),
		    text_ratio(n3, sizeof n3, okmiou, miou));
		bx_buf_printf(&b, "training    accuracy %s over %d gold judgment%s\n",
		    text_ratio(n1, sizeof n1, oktacc, tacc), q.training_n,
		    q.training_n == 1 ? "" : "s");
		if (me != NULL && me->submitted > 0)
			bx_buf_printf(&b, "throughput  %s judgments/hour, median %s s (%d submitted)\n",
			    me->per_hour > 0 ? bx_cli_num(n1, sizeof n1, "%.1f", me->per_hour) : "n/a",
			    bx_cli_num(n2, sizeof n2, "%.1f", me->median_seconds), me->submitted);
		else
			bx_buf_puts(&b, "throughput  n/a (nothing submitted)\n");
		bx_buf_puts(&b, "trend       ");
		for (i = 0; i < q.nrecent; i++) {
			if (!bx_score_accuracy(&q.recent[i], &a)) {
				bx_buf_puts(&b, "·");
				continue;
			}
			bx_buf_puts(&b, bars[(int)lround(a * 7)]);
		}
		if (q.nrecent == 0)
			bx_buf_puts(&b, "(no gold judgments yet)");
		else
			bx_buf_puts(&b, "  per gold judgment, oldest first");
		bx_buf_putc(&b, '\n');
		if (ntw > 0) {
			bx_buf_printf(&b, "windows     ");
			for (i = 0; i < ntw; i++)
				bx_buf_printf(&b, "%s%s", i ? " " : "",
				    text_ratio(n1, sizeof n1, okw[i], tw[i]));
			bx_buf_printf(&b, "  accuracy per %d gold judgments, oldest first\n",
			    TREND_CHUNK);
		}
		for (i = 0; i < ngl; i++)
			bx_buf_printf(&b, "gold left   %s: %d of a pool of %d (%d done)\n",
			    gl[i].batch, gl[i].left, gl[i].pool, gl[i].done);
	}
out:
	fputs(b.p, stdout);
	bx_gold_left_free(gl, ngl);
	bx_buf_free(&b);
	bx_labeler_stats_free(ls, nl);
	bx_user_quality_free(&q);
	bx_user_free(&u);
	return BX_EXIT_OK;
}

static int
user_reinstate(struct bx_store *st, int argc, char **argv)
{
	if (argc != 2) {
		bx_cli_error("user reinstate: give NAME");
		return BX_EXIT_USAGE;
	}
	return reinstate(st, argv[1]);
}

static int
cmd_user_exec(int argc, char **argv)
{
	const char *db, *sub;
	struct bx_store *st;
	int rc;

	/* --db may come anywhere; the subcommand parses the rest. */
	db = bx_cli_take_db(&argc, argv);
	if (argc < 2)
		return bx_cli_usage(&bx_cmd_user);
	sub = argv[1];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "disable") != 0 &&
	    strcmp(sub, "qual") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "reinstate") != 0 &&
	    strcmp(sub, "key") != 0 && strcmp(sub, "authorized-keys") != 0 &&
	    strcmp(sub, "enable") != 0 && strcmp(sub, "role") != 0 && strcmp(sub, "pause") != 0 &&
	    strcmp(sub, "unpause") != 0) {
		char *v = bx_sanitize_dup(sub);
		bx_cli_error("user %s: unknown subcommand (add, list, show, disable, enable, role, "
		    "pause, unpause, qual, reinstate, key, authorized-keys)", v);
		free(v);
		return BX_EXIT_USAGE;
	}
	st = strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0 ? bx_cli_store_open_ro(db) :
	    bx_cli_store_open(db);
	if (st == NULL)
		return BX_EXIT_USAGE;
	if (strcmp(sub, "add") == 0)
		rc = user_add(st, db, argc - 1, argv + 1);
	else if (strcmp(sub, "key") == 0)
		rc = user_key(st, db, argc - 1, argv + 1);
	else if (strcmp(sub, "authorized-keys") == 0)
		rc = user_authorized_keys(st, db, argc - 1, argv + 1);
	else if (strcmp(sub, "list") == 0)
		rc = user_list(st, argc - 1, argv + 1);
	else if (strcmp(sub, "show") == 0)
		rc = user_show(st, argc - 1, argv + 1);
	else if (strcmp(sub, "reinstate") == 0)
		rc = user_reinstate(st, argc - 1, argv + 1);
	else if (strcmp(sub, "disable") == 0)
		rc = ak_refresh(st, db, user_disable(st, argc - 1, argv + 1));
	else if (strcmp(sub, "enable") == 0)
		rc = ak_refresh(st, db, user_admin(st, argc - 1, argv + 1));
	else if (strcmp(sub, "qual") == 0)
		rc = user_qual(st, argc - 1, argv + 1);
	else
		rc = user_admin(st, argc - 1, argv + 1);
	bx_store_close(st);
	return rc;
}

const struct bx_cmd bx_cmd_user = {
	.name = "user",
	.usage = "add|list|show|disable|enable|role|pause|unpause|qual|reinstate|key|"
	    "authorized-keys ...  [--db FILE]",
	.summary = "add, list, disable/enable, pause or (re)qualify the project's users",
	.help =
	    "  add NAME --role R [--key KEY.pub]\n"
	    "                      R: annotator, reviewer or admin; NAME: 1-64 of\n"
	    "                      A-Z a-z 0-9 . _ - ; annotators start in training,\n"
	    "                      reviewers and admins qualified; KEY.pub: their\n"
	    "                      SSH public key (one line, no options)\n"
	    "  list [--json]       every user with role, qualification, active\n"
	    "  show NAME [--json]  state, rolling gold accuracy / precision / recall\n"
	    "                      (n/a when undefined), gold count, throughput, trend,\n"
	    "                      gold left per batch; an annotator sees no gold figure\n"
	    "  reinstate NAME      a suspended (or training) labeler -> qualified; their\n"
	    "                      rolling gold window starts afresh (= qual NAME qualified)\n"
	    "  disable NAME        refuse their claims; their leases return to the queue\n"
	    "  enable NAME         undo disable (state and record kept)\n"
	    "  role NAME ROLE      ROLE: annotator, reviewer or admin\n"
	    "  pause NAME          no new work, leases return (not a quality state)\n"
	    "  unpause NAME        undo pause\n"
	    "  qual NAME STATE     qualified: reinstate (as above); suspended: an admin's\n"
	    "                      suspension; training: back to training. Refused for a\n"
	    "                      disabled user, as are role, pause and reinstate\n"
	    "  key NAME KEY.pub    set (replace) NAME's SSH public key; --remove drops it\n"
	    "  authorized-keys [--write PATH | --forget]\n"
	    "                      the service account's authorized_keys lines: one\n"
	    "                      restrict,pty,command=\"boxel session ...\" line per\n"
	    "                      active user with a key (disabled users left out).\n"
	    "                      --write replaces boxel's block in PATH atomically,\n"
	    "                      keeping other lines, and remembers PATH: user add\n"
	    "                      --key, key and disable rewrite it from then on;\n"
	    "                      --forget stops that\n"
	    "  --db FILE           the store (default $BOXEL_DB, else ./boxel.db)\n",
	.min_role = BX_ROLE_ANNOTATOR, /* `user show` of oneself; cmd-session.c says more */
	.exec = cmd_user_exec,
	.remote = 1,
};
