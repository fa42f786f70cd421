/*
 * rename-ref - the reference for bench/replay.sh: the least a replay
 * can do, one rename per message from dead/ to new/, then one fsync of
 * each directory.
 *
 *	rename-ref SPOOL
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct dirent *de;
	DIR *d;
	int spool, dead, fresh;
	long n = 0;
	time_t now = time(NULL);

	if (argc != 2)
		return 64;
	if ((spool = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0 ||
	    (dead = openat(spool, "dead", O_RDONLY | O_DIRECTORY)) < 0 ||
	    (fresh = openat(spool, "new", O_RDONLY | O_DIRECTORY)) < 0 ||
	    (d = fdopendir(dead)) == NULL) {
		perror(argv[1]);
		return 74;
	}
	while ((de = readdir(d)) != NULL) {
		char to[160];
		size_t idlen = strcspn(de->d_name, ":");

		if (de->d_name[0] == '.')
			continue;
		snprintf(to, sizeof(to), "%.*s:0:%lld", (int)idlen,
		    de->d_name, (long long)now);
		if (renameat(dead, de->d_name, fresh, to) < 0) {
			perror(de->d_name);
			return 74;
		}
		n++;
	}
	if (fsync(dead) < 0 || fsync(fresh) < 0)
		return 74;
	printf("%ld\n", n);
	return 0;
}
