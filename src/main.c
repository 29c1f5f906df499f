/* main.c: process setup, then the command table (cli.c) does the rest. */
#include <locale.h>

int bx_cli_main(int argc, char **argv);

int
main(int argc, char **argv)
{
	/* UTF-8 aware wcwidth() and ncursesw need the user's locale. */
	setlocale(LC_ALL, "");
	return bx_cli_main(argc, argv);
}
