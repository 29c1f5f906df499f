/* main.c: process setup, then the command table (cli.c) does the rest. */
#include <locale.h>
#include <stdint.h>

#include "boxel/store.h"

int bx_cli_main(int argc, char **argv);
int bx_merge_detach(const char *path, int64_t jid);

int
main(int argc, char **argv)
{
	/* UTF-8 aware wcwidth() and ncursesw need the user's character type,
	 * and nothing else of the locale: with LC_NUMERIC from de_DE.UTF-8,
	 * printf writes "0,013" into YOLO files and strtod stops at "0.5".
	 * Numbers are read and written in the C locale everywhere. */
	setlocale(LC_CTYPE, "");
	/* A merge beside a heavy answer: in a process of its own. */
	bx_store_set_merge_runner(bx_merge_detach);
	return bx_cli_main(argc, argv);
}
