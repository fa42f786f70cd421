/*
 * minimal-reader.c - the floor for bench/verify.sh: a program that
 * reads a request on stdin and exits, doing no work at all.  Whatever
 * hook-verify costs beyond this is its own.
 */
#include <unistd.h>

int
main(void)
{
	char buf[65536];

	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
