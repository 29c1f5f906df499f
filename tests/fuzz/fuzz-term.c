/* fuzz-term.c: libFuzzer target for the terminal input path of the labeling
 * screen: bytes as a terminal (or a hostile SSH client) sends them, decoded
 * by ncurses into keys and by src/tty.c's own reader into mouse events
 * (bx_tty_getkey; tty.c is included so its statics are reachable), then
 * looked up in the labeling view's key table and named for the help. ncurses
 * reads from a pipe this target fills (terminfo xterm-256color, mouse and
 * keypad on, as bx_tty_open sets them) and draws to /dev/null. Checked:
 * every key is a known code or a character, names are printable, and the
 * decoder consumes its input (at most one key per byte, no endless
 * timeouts while bytes wait). */
/* Before tty.c: term.h's macros (lines, columns) would rename its parameters. */
#include "boxel/keymap.h"

/* A report's bytes are all in the pipe already: no wait for the rest. */
#define MOUSE_BYTE_MS 0
#include "../../src/tty.c"

#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz-term: %s\n", #c); abort(); } } while (0)

static struct bx_tty ft;
static int pipe_w = -1, pipe_r = -1;

static void
setup(void)
{
	int p[2];
	FILE *in, *out;
	SCREEN *scr;

	setlocale(LC_CTYPE, "C.UTF-8");
	CHECK(pipe(p) == 0);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	/* Non-blocking, so a read past the bytes given ends at once. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	pipe_w = p[1];
	pipe_r = p[0];
	in = fdopen(p[0], "r");
	out = fopen("/dev/null", "w");
	CHECK(in != NULL && out != NULL);
	scr = newterm("xterm-256color", out, in);
	CHECK(scr != NULL);
	set_term(scr);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(0);
	mouse_setup(&ft);
	CHECK(ft.mouse);
	ft.key_c_up = ext_key("kUP5");
	ft.key_c_down = ext_key("kDN5");
	ft.key_c_left = ext_key("kLFT5");
	ft.key_c_right = ext_key("kRIT5");
	ft.key_s_up = ext_key("kUP");
	ft.key_s_down = ext_key("kDN");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bx_key k;
	char name[64];
	size_t nkeys = 0, idle = 0, i;
	ssize_t w;
	int left;

	if (pipe_w < 0)
		setup();
	if (size > 4096)
		return 0;
	flushinp();
	w = write(pipe_w, data, size);
	CHECK(w == (ssize_t)size);
	for (;;) {
		bx_tty_getkey(&ft, 0, &k);
		if (k.key == BX_KEY_TIMEOUT) {
			/* ncurses gives up on a malformed sequence with a timeout;
			 * the view then asks again. Done when the pipe is empty. */
			if (ioctl(pipe_r, FIONREAD, &left) != 0 || left == 0)
				break;
			CHECK(++idle <= size + 8);
			continue;
		}
		CHECK(++nkeys <= size + 1);
		CHECK(k.key != BX_KEY_NONE);
		if (k.key == BX_KEY_MOUSE)
			CHECK(k.button >= 1 && k.button <= 3);
		bx_keymap_action(&bx_keymap_label, k.key);
		bx_keymap_action(&bx_keymap_form, k.key);
		bx_key_name(k.key, name, sizeof name);
		for (i = 0; name[i]; i++)
			CHECK((unsigned char)name[i] >= 0x20 && name[i] != 0x7f);
	}
	return 0;
}
