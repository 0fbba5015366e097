/* jobs: a pool of threads running one function on the items of a queue. */
#ifndef BP_JOBS_H
#define BP_JOBS_H
#include <stddef.h>

struct jobs;

/*
 * Starts up to nthreads threads that run run(item) for each item added, in the order added.
 * With nthreads < 2, or when no thread could start, there is none: jobs_add runs each item at
 * once in the calling thread.
 */
struct jobs *jobs_start(size_t nthreads, void (*run)(void *item));

/* The threads started (0: items run in the caller). */
size_t jobs_threads(const struct jobs *j);

void jobs_add(struct jobs *j, void *item);

/*
 * Groups of items, counted so that the caller can keep only so many in memory: a group is
 * opened before its items are added and closed (from any thread) once its last item is done;
 * jobs_wait_groups waits until at most max groups are open.
 */
void jobs_group_open(struct jobs *j);
void jobs_group_close(struct jobs *j);
void jobs_wait_groups(struct jobs *j, size_t max);

/* Lets the threads finish what is queued, runs what is left in the caller and frees j. */
void jobs_finish(struct jobs *j);

#endif
