/* main: the command line (filled in by the foundation work). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("boardpack %s\n", BOARDPACK_VERSION);
		return 0;
	}
	fprintf(stderr, "boardpack: not yet implemented\n");
	return 1;
}
