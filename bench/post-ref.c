/*
 * post-ref - the reference for hook-send's throughput: COUNT POSTs of a
 * small JSON body to URL over libcurl's multi interface, JOBS at once,
 * connections kept alive, and nothing else.  Prints the seconds taken.
 *
 *	post-ref URL COUNT JOBS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <curl/curl.h>

static size_t
drop(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static CURL *
request(const char *url, const char *body, struct curl_slist *h)
{
	CURL *e = curl_easy_init();

	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, drop);
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	return e;
}

int
main(int argc, char **argv)
{
	static const char body[] = "{\"n\":1,\"event\":\"bench\"}";
	struct curl_slist *h = NULL;
	struct timespec a, b;
	long count, jobs, started = 0, finished = 0;
	CURLM *m;

	if (argc != 4) {
		fputs("usage: post-ref URL COUNT JOBS\n", stderr);
		return 64;
	}
	count = atol(argv[2]);
	jobs = atol(argv[3]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	clock_gettime(CLOCK_MONOTONIC, &a);
	while (finished < count) {
		CURLMsg *msg;
		int running, left;

		while (started < count && started - finished < jobs) {
			curl_multi_add_handle(m, request(argv[1], body, h));
			started++;
		}
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_multi_remove_handle(m, msg->easy_handle);
			curl_easy_cleanup(msg->easy_handle);
			finished++;
		}
		/* Poll only with transfers running, or it sleeps in vain. */
		if (running > 0)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.3f\n", (double)(b.tv_sec - a.tv_sec) +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	curl_multi_cleanup(m);
	curl_slist_free_all(h);
	curl_global_cleanup();
	return 0;
}
