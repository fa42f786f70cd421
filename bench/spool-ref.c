/*
 * spool-ref - the least a sender working from a spool can do: post-ref's
 * transfers, each carrying a message read from SPOOL/new, and in a
 * second thread the file work a message needs at the least: its claim
 * (open, fstat, flock, fstatat, read) before the transfer and its rename
 * into done/ after it.  No signing, no journal, no checks of the file's
 * contents, no retries.  Prints the seconds taken.  It shows how much of
 * the distance between post-ref and hook-send the spool itself costs.
 *
 *	spool-ref URL JOBS SPOOL
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#define NAME_MAX_LEN 128

struct job {
	struct job *next;
	char name[NAME_MAX_LEN];
	int fd;
	char *file;
	const char *body;
	long bodylen;
};

static int spool;
static char (*names)[NAME_MAX_LEN];
static size_t nnames;
static CURLM *multi;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static struct job *ready, **ready_tail = &ready;	/* claimed */
static struct job *finished;				/* to rename */
static size_t nready, ahead, failed;	/* failed: claims */
static int waiting, quit;

/* Open, lock and read new/NAME; the body follows its "body N" line. */
static struct job *
claim(const char *name)
{
	struct job *j = calloc(1, sizeof(*j));
	char path[NAME_MAX_LEN + 8];
	struct stat st, there;
	char *b;
	ssize_t n;

	if (j == NULL)
		return NULL;
	snprintf(j->name, sizeof(j->name), "%s", name);
	snprintf(path, sizeof(path), "new/%s", name);
	j->fd = openat(spool, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (j->fd < 0 || fstat(j->fd, &st) < 0 ||
	    flock(j->fd, LOCK_EX | LOCK_NB) < 0 ||
	    fstatat(spool, path, &there, AT_SYMLINK_NOFOLLOW) < 0 ||
	    there.st_ino != st.st_ino ||
	    (j->file = malloc((size_t)st.st_size + 1)) == NULL ||
	    (n = read(j->fd, j->file, (size_t)st.st_size)) < 0)
		goto fail;
	j->file[n] = '\0';
	if ((b = strstr(j->file, "\nbody ")) == NULL)
		goto fail;
	j->bodylen = strtol(b + 6, &b, 10);
	j->body = b + 1;
	return j;
fail:
	perror(name);
	if (j->fd >= 0)
		close(j->fd);
	free(j->file);
	free(j);
	return NULL;
}

/* Rename new/ID:N:DUE to done/ID:N+1:DUE, then unlock. */
static void
file_away(struct job *j)
{
	char from[NAME_MAX_LEN + 8], to[NAME_MAX_LEN + 16];
	size_t idlen = strcspn(j->name, ":");

	snprintf(from, sizeof(from), "new/%s", j->name);
	snprintf(to, sizeof(to), "done/%.*s:1:%lld", (int)idlen, j->name,
	    (long long)time(NULL));
	if (renameat(spool, from, spool, to) < 0)
		perror(from);
	close(j->fd);
	free(j->file);
	free(j);
}

static void *
porter(void *arg)
{
	size_t next = 0;

	(void)arg;
	pthread_mutex_lock(&mu);
	for (;;) {
		if (finished) {
			struct job *list = finished;

			finished = NULL;
			pthread_mutex_unlock(&mu);
			while (list) {
				struct job *j = list;

				list = j->next;
				file_away(j);
			}
			pthread_mutex_lock(&mu);
			continue;
		}
		if (quit)
			break;
		if (next < nnames && nready < ahead) {
			struct job *j;

			pthread_mutex_unlock(&mu);
			j = claim(names[next++]);
			pthread_mutex_lock(&mu);
			if (j == NULL)
				failed++;
			else {
				*ready_tail = j;
				ready_tail = &j->next;
				if (nready++ == 0)
					curl_multi_wakeup(multi);
			}
			continue;
		}
		waiting = 1;
		pthread_cond_wait(&work, &mu);
		waiting = 0;
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

static size_t
drop(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static int
read_names(void)
{
	size_t cap = 1024;
	struct dirent *de;
	DIR *d;
	int fd = openat(spool, "new", O_RDONLY | O_DIRECTORY);

	if (fd < 0 || (d = fdopendir(fd)) == NULL)
		return -1;
	if ((names = malloc(cap * sizeof(*names))) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= NAME_MAX_LEN)
			continue;
		if (nnames == cap) {
			void *v = realloc(names, 2 * cap * sizeof(*names));

			if (v == NULL)
				return -1;
			names = v;
			cap *= 2;
		}
		memcpy(names[nnames++], de->d_name, strlen(de->d_name) + 1);
	}
	closedir(d);
	return 0;
}

int
main(int argc, char **argv)
{
	struct curl_slist *h = NULL;
	struct timespec a, b;
	size_t jobs, started = 0, done = 0, given_up = 0;
	pthread_t thread;

	if (argc != 4 || atol(argv[2]) < 1) {
		fputs("usage: spool-ref URL JOBS SPOOL\n", stderr);
		return 64;
	}
	jobs = (size_t)atol(argv[2]);
	ahead = 2 * jobs;
	if ((spool = open(argv[3], O_RDONLY | O_DIRECTORY)) < 0 ||
	    read_names() < 0) {
		perror(argv[3]);
		return 74;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (pthread_create(&thread, NULL, porter, NULL) != 0)
		return 70;
	while (done + given_up < nnames) {
		CURLMsg *msg;
		int running, left, more;

		pthread_mutex_lock(&mu);
		while (started - done < jobs && ready) {
			struct job *j = ready;
			CURL *e = curl_easy_init();

			if ((ready = j->next) == NULL)
				ready_tail = &ready;
			nready--;
			curl_easy_setopt(e, CURLOPT_URL, argv[1]);
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->body);
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, j->bodylen);
			curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
			curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, drop);
			curl_easy_setopt(e, CURLOPT_PROXY, "");
			curl_easy_setopt(e, CURLOPT_PRIVATE, j);
			curl_multi_add_handle(multi, e);
			started++;
		}
		if (waiting && nready <= ahead / 2)
			pthread_cond_signal(&work);
		pthread_mutex_unlock(&mu);
		curl_multi_perform(multi, &running);
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			CURL *e = msg->easy_handle;
			struct job *j;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&j);
			curl_multi_remove_handle(multi, e);
			curl_easy_cleanup(e);
			done++;
			pthread_mutex_lock(&mu);
			j->next = finished;
			finished = j;
			if (waiting)
				pthread_cond_signal(&work);
			pthread_mutex_unlock(&mu);
		}
		pthread_mutex_lock(&mu);
		more = ready != NULL && started - done < jobs;
		given_up = failed;
		pthread_mutex_unlock(&mu);
		if (running > 0 || !more)
			curl_multi_poll(multi, NULL, 0, 100, NULL);
	}
	pthread_mutex_lock(&mu);
	quit = 1;
	pthread_cond_signal(&work);
	pthread_mutex_unlock(&mu);
	pthread_join(thread, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.3f\n", (double)(b.tv_sec - a.tv_sec) +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	curl_multi_cleanup(multi);
	curl_slist_free_all(h);
	curl_global_cleanup();
	return 0;
}
