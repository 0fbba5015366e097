/* jobs: a pool of threads running one function on the items of a queue. */
#include "util/jobs.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/xmem.h"

/* The queue shared by the caller and the threads. */
struct jobs {
	pthread_mutex_t lock;
	pthread_cond_t more, done;
	void (*run)(void *item);
	void **items;
	size_t n, cap, next;
	size_t groups_open;
	bool closed;
	pthread_t *threads;
	size_t started;
};

static void *worker(void *arg)
{
	struct jobs *j = arg;
	for (;;) {
		pthread_mutex_lock(&j->lock);
		while (j->next == j->n && !j->closed)
			pthread_cond_wait(&j->more, &j->lock);
		void *item = j->next < j->n ? j->items[j->next++] : NULL;
		pthread_mutex_unlock(&j->lock);
		if (!item)
			return NULL;
		j->run(item);
	}
}

struct jobs *jobs_start(size_t nthreads, void (*run)(void *item))
{
	struct jobs *j = xcalloc(1, sizeof *j);
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->more, NULL);
	pthread_cond_init(&j->done, NULL);
	j->run = run;
	j->threads = xcalloc(nthreads ? nthreads : 1, sizeof *j->threads);
	if (nthreads > 1)
		for (; j->started < nthreads; j->started++)
			if (pthread_create(&j->threads[j->started], NULL, worker, j) != 0)
				break; /* fewer threads; the caller runs what is left */
	return j;
}

size_t jobs_threads(const struct jobs *j)
{
	return j->started;
}

void jobs_add(struct jobs *j, void *item)
{
	if (!j->started) {
		j->run(item);
		return;
	}
	pthread_mutex_lock(&j->lock);
	if (j->n == j->cap)
		j->items =
		    xreallocarray(j->items, j->cap = j->cap ? 2 * j->cap : 16, sizeof *j->items);
	j->items[j->n++] = item;
	pthread_cond_signal(&j->more);
	pthread_mutex_unlock(&j->lock);
}

void jobs_group_open(struct jobs *j)
{
	pthread_mutex_lock(&j->lock);
	j->groups_open++;
	pthread_mutex_unlock(&j->lock);
}

void jobs_group_close(struct jobs *j)
{
	pthread_mutex_lock(&j->lock);
	j->groups_open--;
	pthread_cond_broadcast(&j->done);
	pthread_mutex_unlock(&j->lock);
}

void jobs_wait_groups(struct jobs *j, size_t max)
{
	pthread_mutex_lock(&j->lock);
	while (j->groups_open > max)
		pthread_cond_wait(&j->done, &j->lock);
	pthread_mutex_unlock(&j->lock);
}

void jobs_finish(struct jobs *j)
{
	pthread_mutex_lock(&j->lock);
	j->closed = true;
	pthread_cond_broadcast(&j->more);
	pthread_mutex_unlock(&j->lock);
	for (size_t i = 0; i < j->started; i++)
		pthread_join(j->threads[i], NULL);
	/* a thread could not start part-way: what it would have run is run here */
	for (; j->next < j->n; j->next++)
		j->run(j->items[j->next]);
	pthread_cond_destroy(&j->more);
	pthread_cond_destroy(&j->done);
	pthread_mutex_destroy(&j->lock);
	free(j->items);
	free(j->threads);
	free(j);
}
