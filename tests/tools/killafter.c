/*
 * killafter - test tool: run a command and kill -9 it after a random
 * delay, unless it exits first.
 *
 *	killafter [-S SIG] MIN_US MAX_US CMD [ARG]...
 *
 * The delay is drawn uniformly from [MIN_US, MAX_US] microseconds.
 * Exits with the command's status, or 137 (128 + 9) when it was
 * killed; 70 when the command cannot be run.  The command's process
 * group is killed, so that nothing it started outlives it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long
random_between(long lo, long hi)
{
	unsigned long r;

	if (hi <= lo)
		return lo;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (unsigned long)time(NULL) ^ (unsigned long)getpid();
	return lo + (long)(r % (unsigned long)(hi - lo + 1));
}

int
main(int argc, char **argv)
{
	struct timespec left;
	long us;
	int sig = SIGKILL, status, c;
	pid_t pid;

	while ((c = getopt(argc, argv, "+S:")) != -1) {
		if (c != 'S')
			return 64;
		sig = atoi(optarg);
	}
	if (argc - optind < 3) {
		fputs("usage: killafter [-S SIG] MIN_US MAX_US CMD [ARG]...\n",
		    stderr);
		return 64;
	}
	us = random_between(atol(argv[optind]), atol(argv[optind + 1]));
	if ((pid = fork()) < 0)
		return 70;
	if (pid == 0) {
		setpgid(0, 0);
		execvp(argv[optind + 2], argv + optind + 2);
		fprintf(stderr, "killafter: cannot run '%s': %s\n",
		    argv[optind + 2], strerror(errno));
		_exit(70);
	}
	setpgid(pid, pid);

	/* Poll for an early exit every 200 us until the delay is over. */
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) :
			    128 + WTERMSIG(status);
		if (us <= 0)
			break;
		left.tv_sec = 0;
		left.tv_nsec = (us < 200 ? us : 200) * 1000;
		nanosleep(&left, NULL);
		us -= 200;
	}
	kill(-pid, sig);
	kill(pid, sig);
	if (waitpid(pid, &status, 0) < 0)
		return 70;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
}
