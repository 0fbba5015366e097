/*
 * packs: one run's packs and their outputs, shared by build.c (which computes and prepares the
 * packs and orders their messages) and writeout.c (which writes one output of a pack).
 *
 * The packs of a run are written in parallel. The main thread computes each pack's
 * figures and expands its template, in pack order; worker threads (jobs) write the outputs
 * (JSON, PDF, workbook), each into its temporary file. Messages are captured per pack
 * and per output and printed in pack order once the run is over, so stderr, like every
 * file, is the same whatever the number of threads. Every file is renamed into place
 * only when every pack of the run has been written.
 */
#ifndef BP_PACKS_H
#define BP_PACKS_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "build.h"
#include "in/config.h"
#include "util/diag.h"
#include "calc/metrics.h"
#include "model/model.h"
#include "util/strbuf.h"
#include "view/view.h"
#include "xlsxrows.h"

struct jobs;

struct build {
	const struct pack_request *req;
	struct config *c;
	struct model m;
	bp_period period;
	char label[16]; /* the period's label */
	char *out_dir;
	char *template_path, *font_regular, *font_bold;
	int64_t created; /* seconds since the epoch */
	double t;
	bool progress; /* stderr is a terminal: say what is happening (cli.md) */
	sym *regions;  /* every region of the data, compared in the whole organisation's pack */
	size_t nregions;
	struct jobs *jobs;  /* the writers */
	atomic_bool failed; /* an output could not be written: prepare no more packs */
};

enum out_kind { OUT_JSON, OUT_PDF, OUT_XLSX, OUT_KINDS };
extern const char *const out_ext[OUT_KINDS];

struct pack_job;

struct pack_out {
	struct pack_job *pack;
	enum out_kind kind;
	bool wanted;
	char *path;      /* the final name */
	int fd;          /* its temporary file (owned by outfile) */
	const char *tmp; /* a name messages may give it (owned by outfile), shown as path */
	enum bp_err rc;
	struct diag_buffer *msgs; /* messages said while writing it */
	char sha256[65];
	uint64_t bytes;
};

struct pack_job {
	struct build *b;
	sym region;
	const char *region_name;  /* NULL: the whole organisation */
	char *slug;               /* NULL: the whole organisation */
	enum bp_err rc;           /* of preparing it (figures, template) */
	struct diag_buffer *msgs; /* messages said while preparing it */
	char *summary;
	struct metrics *mt;
	struct view *view; /* what the writers render (the metrics JSON too, view/json.h) */
	struct strbuf md;
	char *header, *subject;
	struct case_iter cases;
	struct pack_out out[OUT_KINDS];
	atomic_int pending; /* outputs not yet written */
};

/* Writes one output of a pack into its temporary file (any thread); sets o->rc. */
void write_output(struct pack_out *o);

/* Seconds on a monotonic clock. */
static inline double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With --timings, prints the time since *t under stage's name; sets *t to now. */
static inline void timing(const struct pack_request *req, const char *stage, double *t)
{
	double now = now_seconds();
	if (req->timings)
		diag_info("boardpack: timing: %-10s %8.3f s", stage, now - *t);
	*t = now;
}

#endif
