/*
 * readbench: how fast journeys.csv is read and turned into cases (issue 3's target: 200 MB/s on
 * one core). Loads PACK.ini, pins the process to one CPU (unless --cores 2), then runs the
 * journeys reader and case derivation --runs times and prints the best wall time, the CPU time
 * of that run and the rate in MB/s of the file; then, unless --no-reference, libcsv's own speed
 * on the same file, which the target was set against. A measurement for `make bench`, not a
 * test. (It calls libcsv itself only for that reference.)
 */
#define _GNU_SOURCE
#include <csv.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "in/config.h"
#include "in/readers.h"
#include "model/model.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void no_field(void *s, size_t n, void *ctx)
{
	(void)s, (void)n;
	++*(size_t *)ctx;
}

static void no_record(int c, void *ctx)
{
	(void)c, (void)ctx;
}

/*
 * The reference the target is stated against: libcsv alone (strict, callbacks that only count
 * fields) over the same file in 1 MiB reads, the best of `runs`. Returns seconds.
 */
static double libcsv_alone(const char *path, int runs, size_t *fields)
{
	static char buf[1 << 20];
	double best = 0;
	for (int i = 0; i < runs; i++) {
		int fd = open(path, O_RDONLY);
		if (fd < 0) {
			perror(path);
			exit(1);
		}
		struct csv_parser p;
		csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
		*fields = 0;
		double t0 = clock_s(CLOCK_MONOTONIC);
		ssize_t n;
		while ((n = read(fd, buf, sizeof buf)) > 0)
			csv_parse(&p, buf, (size_t)n, no_field, no_record, fields);
		csv_fini(&p, no_field, no_record, fields);
		double t = clock_s(CLOCK_MONOTONIC) - t0;
		csv_free(&p);
		close(fd);
		if (i == 0 || t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	int runs = 3, cores = 1;
	bool reference = true;
	const char *ini = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--cores") == 0 && i + 1 < argc)
			cores = atoi(argv[++i]);
		else if (strcmp(argv[i], "--no-reference") == 0)
			reference = false;
		else if (!ini && argv[i][0] != '-')
			ini = argv[i];
		else
			ini = NULL, argc = 0;
	}
	if (!ini || runs < 1 || cores < 1) {
		fprintf(stderr,
		        "usage: readbench [--runs N] [--cores 1|2] [--no-reference] PACK.ini\n");
		return 1;
	}
	bool both = cores > 1;
	if (!both) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu(), &one);
		if (sched_setaffinity(0, sizeof one, &one) != 0) {
			perror("readbench: sched_setaffinity");
			return 1;
		}
	}
	struct config *c = config_load(ini);
	if (!c || !c->journeys) {
		fprintf(stderr, "readbench: %s has no [inputs] journeys\n", ini);
		return 1;
	}
	struct stat st;
	if (stat(c->journeys, &st) != 0) {
		perror(c->journeys);
		return 1;
	}
	double best = 0, best_cpu = 0;
	size_t ncases = 0;
	long rows = 0;
	for (int i = 0; i < runs; i++) {
		struct model m = {0};
		m.names = intern_new();
		m.ids = intern_new();
		m.dq = dq_new();
		m.data_from = m.data_to = BP_TIME_NONE;
		double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		int rc = events_read(c, &m);
		double wall = clock_s(CLOCK_MONOTONIC) - t0,
		       cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (rc != 0) {
			fprintf(stderr, "readbench: reading failed (exit %d)\n", rc);
			return 1;
		}
		ncases = m.ncases;
		rows = dq_rows_read(m.dq);
		model_free(&m);
		if (i == 0 || wall < best)
			best = wall, best_cpu = cpu;
	}
	double mb = (double)st.st_size / 1e6;
	printf(
	    "readbench: %s: %.1f MB, %ld rows, %zu cases; %s; best of %d: %.3f s wall, %.3f s CPU, "
	    "%.0f MB/s\n",
	    c->journeys, mb, rows, ncases, both ? "all cores" : "one core", runs, best, best_cpu,
	    mb / best);
	size_t fields = 0;
	double alone = reference ? libcsv_alone(c->journeys, runs, &fields) : 0;
	if (reference)
		printf("readbench: libcsv alone (no-op callbacks, %zu fields): %.3f s, %.0f MB/s; "
		       "boardpack "
		       "reads at %.0f %% of libcsv's own speed\n",
		       fields, alone, mb / alone, 100 * alone / best);
	config_free(c);
	return 0;
}
