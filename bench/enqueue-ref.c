/*
 * enqueue-ref - the reference for hook-enqueue's speed: the least a
 * program can do to commit one file durably, the way the spool does.
 *
 *	enqueue-ref DIR SIZE		one file: create, write, fsync,
 *					rename, fsync the directory
 *	enqueue-ref -b N -f K DIR SIZE	N files, flushed every K (syncfs)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

int
main(int argc, char **argv)
{
	long n = 1, every = 1, size, done = 0;
	char tmp[64], dst[64], *buf;
	int c, dfd, tfd, ndfd;

	while ((c = getopt(argc, argv, "b:f:")) != -1) {
		if (c == 'b')
			n = atol(optarg);
		else if (c == 'f')
			every = atol(optarg);
	}
	if (argc - optind != 2)
		return 2;
	size = atol(argv[optind + 1]);
	if ((buf = malloc((size_t)size)) == NULL)
		die("malloc");
	memset(buf, 'x', (size_t)size);
	if ((dfd = open(argv[optind], O_RDONLY | O_DIRECTORY)) < 0)
		die("open dir");
	if ((tfd = openat(dfd, "tmp", O_RDONLY | O_DIRECTORY)) < 0 ||
	    (ndfd = openat(dfd, "new", O_RDONLY | O_DIRECTORY)) < 0)
		die("open tmp/new");
	while (done < n) {
		long k, batch = n - done < every ? n - done : every;

		for (k = 0; k < batch; k++) {
			int fd;

			snprintf(tmp, sizeof(tmp), "tmp/r%ld.%ld", (long)getpid(),
			    done + k);
			fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
			if (fd < 0 || write(fd, buf, (size_t)size) != size)
				die("write");
			if (n == 1 && fsync(fd) < 0)
				die("fsync");
			close(fd);
		}
		if (n > 1 && syncfs(dfd) < 0)
			die("syncfs");
		for (k = 0; k < batch; k++) {
			snprintf(tmp, sizeof(tmp), "tmp/r%ld.%ld", (long)getpid(),
			    done + k);
			snprintf(dst, sizeof(dst), "new/r%ld.%ld", (long)getpid(),
			    done + k);
			if (renameat2(dfd, tmp, dfd, dst, RENAME_NOREPLACE) < 0)
				die("rename");
		}
		if (fsync(ndfd) < 0)
			die("fsync dir");
		done += batch;
	}
	return 0;
}
