/* build: one `boardpack build`: read the inputs once, compute every pack's figures, prepare each
 * pack in turn and have the writers (jobs) write its outputs; then the manifest, and every file
 * put in place together. */
#include "build.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "in/config.h"
#include "view/context.h"
#include "view/json.h"
#include "util/datadir.h"
#include "util/diag.h"
#include "model/dq.h"
#include "util/jobs.h"
#include "in/load.h"
#include "manifest.h"
#include "calc/metrics.h"
#include "model/model.h"
#include "tmpl/mustache.h"
#include "tmpl/ordercheck.h"
#include "util/outfile.h"
#include "packs.h"
#include "in/readers.h"
#include "util/slug.h"
#include "util/strbuf.h"
#include "xlsxrows.h"
#include "util/xmem.h"

/* Frees what only the writers need, once the pack's last output is written. */
static void pack_job_release(struct pack_job *pj)
{
	view_free(pj->view);
	pj->view = NULL;
	strbuf_free(&pj->md);
	xlsxrows_free(&pj->cases);
	metrics_free(pj->mt);
	pj->mt = NULL;
}

/* Marks o written; the last output of a pack releases the pack. */
static void output_done(struct pack_out *o)
{
	struct build *b = o->pack->b;
	if (o->rc != BP_OK)
		atomic_store(&b->failed, true);
	if (atomic_fetch_sub(&o->pack->pending, 1) != 1)
		return;
	pack_job_release(o->pack);
	jobs_group_close(b->jobs);
}

/* A writer's job: one output. */
static void write_one(void *item)
{
	write_output(item);
	output_done(item);
}

/* --dump-markdown: the whole organisation's expanded template, as the PDF is made from it. */
static enum bp_err dump_markdown(const char *path, const struct strbuf *md)
{
	int fd = outfile_begin(path, NULL);
	int dfd = fd >= 0 ? dup(fd) : -1;
	FILE *fp = dfd >= 0 ? fdopen(dfd, "w") : NULL;
	if (!fp && dfd >= 0)
		close(dfd);
	if (!fp || fwrite(md->s, 1, md->len, fp) != md->len || fclose(fp) != 0) {
		if (fd >= 0)
			diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the Markdown: %s",
			         strerror(errno));
		return BP_ERR_OUTPUT;
	}
	return BP_OK;
}

/* The template context of a pack, for --dump-context, and the template expanded into pj->md
 * (the PDF's Markdown), for the PDF and --dump-markdown. */
static void expand_template(struct pack_job *pj, double *t)
{
	struct build *b = pj->b;
	const struct pack_request *req = b->req;
	json_t *ctx = context_template(pj->view);
	if (req->dump_context && !pj->region) {
		int fd = outfile_begin(req->dump_context, NULL);
		if (fd < 0 || json_write_fd(ctx, fd, req->dump_context) != 0)
			pj->rc = BP_ERR_OUTPUT;
	}
	if (pj->rc == BP_OK && (req->pdf || (req->dump_markdown && !pj->region))) {
		struct mustache_opts mo = {.escape = MUSTACHE_ESCAPE_MARKDOWN, .strict = true};
		if (mustache_render_file(b->template_path, ctx, &mo, &pj->md) != 0)
			pj->rc = BP_ERR_CONFIG;
		else if (req->dump_markdown && !pj->region)
			pj->rc = dump_markdown(req->dump_markdown, &pj->md);
		timing(req, "template", t);
	}
	json_decref(ctx);
}

/* The pack's outputs, named after its period and region, and the summary line that lists them. */
static void name_outputs(struct pack_job *pj, const char *period)
{
	struct build *b = pj->b;
	const struct pack_request *req = b->req;
	const struct figures *f = &pj->mt->totals;
	char rate[32] = "no concluded cases";
	if (f->cases_concluded)
		snprintf(rate, sizeof rate, "SCO rate %.0f %%", f->sco_rate * 100);
	char *stem = pj->slug ? xasprintf("board-pack-%s-%s", b->label, pj->slug)
	                      : xasprintf("board-pack-%s", b->label);
	struct strbuf files = STRBUF_INIT;
	const bool wanted[OUT_KINDS] = {req->json, req->pdf, req->xlsx};
	for (int k = 0; k < OUT_KINDS; k++) {
		pj->out[k] = (struct pack_out){.pack = pj, .kind = k, .wanted = wanted[k]};
		if (!wanted[k])
			continue;
		pj->out[k].path = xasprintf("%s/%s.%s", b->out_dir, stem, out_ext[k]);
		strbuf_printf(&files, "%s%s.%s", files.len ? ", " : "", stem, out_ext[k]);
		pj->pending++;
	}
	char *shown = slug_printable(pj->region_name ? pj->region_name : "whole organisation");
	pj->summary =
	    xasprintf("boardpack: %s: %s: %ld cases concluded, %s; %s", shown, period,
	              f->cases_concluded, rate, files.len ? strbuf_str(&files) : "no files");
	free(shown);
	strbuf_free(&files);
	free(stem);
}

/* Computes a pack's figures and expands its template (main thread); names its outputs. */
static void prepare_pack(struct pack_job *pj)
{
	struct build *b = pj->b;
	const struct pack_request *req = b->req;
	pj->msgs = diag_buffer_begin();
	double t = now_seconds();
	if (!pj->mt) /* computed by figure_all_packs */
		pj->mt = metrics_compute(&b->m, b->c, b->period, pj->region);
	timing(req, "metrics", &t);
	pj->view = view_build(pj->mt);
	pj->md = (struct strbuf)STRBUF_INIT;
	if (req->pdf || (!pj->region && (req->dump_context || req->dump_markdown)))
		expand_template(pj, &t);
	const char *period = pj->view->period.label;
	/* the running header names the region of a regional pack (pack.md) */
	pj->header =
	    xasprintf("%s%s%s%s%s", b->c->organisation, *b->c->organisation ? " · " : "", period,
	              pj->region_name ? " · " : "", pj->region_name ? pj->region_name : "");
	pj->subject = xasprintf("Customer outcomes, %s%s%s", period, pj->region_name ? " — " : "",
	                        pj->region_name ? pj->region_name : "");
	enum period_len len = b->c->period_length;
	xlsxrows_init(&pj->cases, pj->mt, period_start(b->period, len), period_end(b->period, len));
	name_outputs(pj, period);
	diag_buffer_end(pj->msgs);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Regions of cases, KPIs and customers, in name order. */
static const char **region_names(const struct model *m, size_t *count)
{
	size_t n = 0, cap = 16;
	const char **names = xreallocarray(NULL, cap, sizeof *names);
	unsigned char *seen = xcalloc(intern_count(m->names) + 1, 1);
	for (int pass = 0; pass < 3; pass++) {
		size_t len = pass == 0 ? m->ncases : pass == 1 ? m->nkpis : m->ncustomers;
		for (size_t i = 0; i < len; i++) {
			sym r = pass == 0   ? m->cases[i].region
			        : pass == 1 ? m->kpis[i].region
			                    : m->customers[i].region;
			if (!r || seen[r])
				continue;
			seen[r] = 1;
			if (n == cap)
				names = xreallocarray(names, cap *= 2, sizeof *names);
			names[n++] = intern_str(m->names, r);
		}
	}
	free(seen);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	*count = n;
	return names;
}

/* manifest.json and manifest.csv: one row per file written. */
static enum bp_err write_manifest(struct build *b, struct pack_job *packs, size_t npacks)
{
	struct manifest_row *rows = xreallocarray(NULL, npacks * OUT_KINDS, sizeof *rows);
	size_t n = 0;
	for (size_t i = 0; i < npacks; i++)
		for (int k = 0; k < OUT_KINDS; k++) {
			const struct pack_out *o = &packs[i].out[k];
			if (o->wanted)
				rows[n++] = (struct manifest_row){.region = packs[i].region_name,
				                                  .region_slug = packs[i].slug,
				                                  .kind = out_ext[k],
				                                  .file = strrchr(o->path, '/') + 1,
				                                  .bytes = o->bytes,
				                                  .sha256 = o->sha256};
		}
	enum bp_err rc = manifest_write(b->out_dir, b->c->organisation, b->label, rows, n);
	free(rows);
	return rc;
}

/* One pack's or region's figures, computed by a thread of figure_threads. */
struct figure_job {
	const struct build *b;
	sym region;
	struct metrics **out;
};

static void figure_one(void *item)
{
	struct figure_job *fj = item;
	*fj->out = metrics_compute(&fj->b->m, fj->b->c, fj->b->period, fj->region);
}

/* The threads --jobs asks for: its number, else one per processor online. */
static size_t jobs_wanted(const struct pack_request *req)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	return req->jobs > 0 ? (size_t)req->jobs : online > 0 ? (size_t)online : 1;
}

/*
 * Every pack's figures, before any is written: the cases each pack tells through the customer's
 * eyes are then read from the event log in one more pass for all of them. Returns 0 or
 * BP_ERR_INPUT.
 */
static enum bp_err figure_all_packs(struct build *b, struct pack_job *packs, size_t npacks)
{
	uint32_t *story = NULL;
	size_t nstory = 0;
	/*
	 * The whole organisation compares its regions: with --split-by, their packs' own figures;
	 * the others' are computed beside the packs'. Each computation reads every case, and none
	 * changes the model: they run on the threads at once.
	 */
	const struct metrics **known = xcalloc(b->nregions + 1, sizeof *known);
	struct metrics **own = xcalloc(b->nregions + 1, sizeof *own);
	/* where region r's figures go: its pack's, or own[r] */
	struct metrics ***from = xcalloc(b->nregions + 1, sizeof *from);
	struct figure_job *fj = xreallocarray(NULL, npacks + b->nregions, sizeof *fj);
	size_t n = 0;
	for (size_t i = 0; i < npacks; i++)
		fj[n++] = (struct figure_job){b, packs[i].region, &packs[i].mt};
	for (size_t r = 0; r < b->nregions; r++) {
		for (size_t i = 1; i < npacks && !from[r]; i++)
			if (packs[i].region == b->regions[r])
				from[r] = &packs[i].mt;
		if (!from[r]) {
			from[r] = &own[r];
			fj[n++] = (struct figure_job){b, b->regions[r], &own[r]};
		}
	}
	size_t threads = jobs_wanted(b->req);
	struct jobs *j = jobs_start(threads < n ? threads : n, figure_one);
	for (size_t i = 0; i < n; i++)
		jobs_add(j, &fj[i]);
	jobs_finish(j);
	free(fj);
	for (size_t r = 0; r < b->nregions; r++)
		known[r] = *from[r];
	free(from);
	metrics_regions(packs[0].mt, b->regions, b->nregions, known);
	for (size_t r = 0; r < b->nregions; r++)
		metrics_free(own[r]);
	free(own);
	free(known);
	for (size_t i = 0; i < npacks; i++) {
		struct pack_job *pj = &packs[i];
		story = xreallocarray(story, nstory + pj->mt->ngoals + 1, sizeof *story);
		for (size_t g = 0; g < pj->mt->ngoals; g++)
			if (pj->mt->goals[g].story_case != SIZE_MAX)
				story[nstory++] = (uint32_t)pj->mt->goals[g].story_case;
	}
	enum bp_err rc = events_read_stories(b->c, &b->m, story, nstory, threads > 1);
	free(story);
	return rc;
}

/* The most regions the whole organisation's pack compares without --split-by. */
#define REGIONS_COMPARED 50

/* Gives the regional pack packs[i] its file name: two regions with one name, the later gets -2,
 * -3… and says so. */
static void name_pack(struct pack_job *packs, size_t i)
{
	struct pack_job *pj = &packs[i];
	char *base = slug_file(pj->region_name);
	pj->slug = xstrdup(base);
	for (int k = 2;; k++) {
		bool clash = false;
		for (size_t j = 1; j < i && !clash; j++)
			clash = strcmp(packs[j].slug, pj->slug) == 0;
		if (!clash)
			break;
		free(pj->slug);
		pj->slug = xasprintf("%s-%d", base, k);
	}
	if (strcmp(base, pj->slug) != 0) {
		char *shown = slug_printable(pj->region_name);
		diag_msg(DIAG_WARNING, NULL, 0, 0,
		         "region \"%s\" has the same file name as another region; its pack "
		         "is named %s",
		         shown, pj->slug);
		free(shown);
	}
	free(base);
}

/*
 * The packs of the run: the whole organisation, then with --split-by each region with its file
 * name. Sets b->regions to every region of the data (none past REGIONS_COMPARED without
 * --split-by) and *npacks.
 */
static struct pack_job *make_packs(struct build *b, size_t *npacks)
{
	const struct pack_request *req = b->req;
	size_t nall = 0;
	const char **names = region_names(&b->m, &nall);
	b->regions = xreallocarray(NULL, nall ? nall : 1, sizeof *b->regions);
	b->nregions = nall;
	/*
	 * Comparing the regions costs one pass over the cases per region: beyond REGIONS_COMPARED
	 * (a region column mapped to a town or a postcode, say) the whole organisation's pack does
	 * not compare them, unless --split-by asked for a pack per region anyway.
	 */
	if (nall > REGIONS_COMPARED && !req->split_region) {
		dq_note(
		    b->m.dq, 0, 0, "too many regions",
		    "the data names %zu regions, more than the %d the whole organisation's pack "
		    "compares: they are not compared (is region mapped to the right column?)",
		    nall, REGIONS_COMPARED);
		dq_sort(b->m.dq);
		b->nregions = 0;
	}
	for (size_t i = 0; i < nall; i++)
		b->regions[i] = intern_find(b->m.names, names[i], strlen(names[i]));
	size_t nregions = req->split_region ? nall : 0;
	*npacks = 1 + nregions;
	struct pack_job *packs = xcalloc(*npacks, sizeof *packs);
	packs[0].b = b;
	for (size_t i = 1; i <= nregions; i++) {
		packs[i].b = b;
		packs[i].region_name = names[i - 1];
		packs[i].region = intern_find(b->m.names, names[i - 1], strlen(names[i - 1]));
		name_pack(packs, i);
	}
	free(names);
	return packs;
}

static void free_packs(struct build *b, struct pack_job *packs, size_t npacks)
{
	for (size_t i = 0; i < npacks; i++) {
		metrics_free(packs[i].mt); /* a pack never prepared, after a failure */
		free(packs[i].slug);
		diag_buffer_free(packs[i].msgs);
		free(packs[i].summary);
		free(packs[i].header);
		free(packs[i].subject);
		for (int k = 0; k < OUT_KINDS; k++) {
			free(packs[i].out[k].path);
			diag_buffer_free(packs[i].out[k].msgs);
		}
	}
	free(packs);
	free(b->regions);
}

/*
 * Prepares each pack in turn and has the writers write its outputs, with at most one pack more
 * than writers in memory; stops after the first pack that failed. Returns the packs prepared;
 * sets *threads to the writer threads and *wall to the time it took.
 */
static size_t write_packs(struct build *b, struct pack_job *packs, size_t npacks, size_t *threads,
                          double *wall)
{
	/* the writers: as many threads as asked (default: the processors online), never more than
	 * the outputs */
	const struct pack_request *req = b->req;
	size_t nthreads = jobs_wanted(req);
	if (nthreads > npacks * 3)
		nthreads = npacks * 3;
	if (nthreads > 16)
		nthreads = 16;
	b->jobs = jobs_start(nthreads, write_one);
	size_t started = jobs_threads(b->jobs);
	double t0 = now_seconds();
	size_t prepared = 0;
	for (; prepared < npacks; prepared++) {
		if (atomic_load(&b->failed))
			break;
		if (started)
			jobs_wait_groups(b->jobs, started);
		struct pack_job *pj = &packs[prepared];
		if (b->progress) {
			char *shown = slug_printable(pj->region_name ? pj->region_name
			                                             : "the whole organisation");
			diag_info("boardpack: pack %zu of %zu: %s…", prepared + 1, npacks, shown);
			free(shown);
		}
		prepare_pack(pj);
		if (pj->rc != BP_OK || pj->pending == 0) {
			pack_job_release(pj);
			if (pj->rc != BP_OK) {
				prepared++;
				break;
			}
			continue;
		}
		jobs_group_open(b->jobs);
		for (int k = 0; k < OUT_KINDS; k++)
			if (pj->out[k].wanted)
				jobs_add(b->jobs, &pj->out[k]);
	}
	jobs_finish(b->jobs);
	b->jobs = NULL;
	*wall = now_seconds() - t0;
	*threads = started;
	return prepared;
}

/* Prints the messages of the packs prepared in pack order, up to the first that failed; returns
 * the status of the packs printed. */
static enum bp_err print_messages(struct pack_job *packs, size_t prepared)
{
	enum bp_err rc = BP_OK;
	struct diag_said *said = diag_said_new();
	for (size_t i = 0; i < prepared && rc == BP_OK; i++) {
		struct pack_job *pj = &packs[i];
		diag_buffer_print(pj->msgs, NULL);
		rc = pj->rc;
		for (int k = 0; k < OUT_KINDS; k++) {
			struct pack_out *o = &pj->out[k];
			if (!o->wanted || rc != BP_OK)
				continue;
			diag_buffer_print(o->msgs, said);
			rc = o->rc;
		}
	}
	diag_said_free(said);
	return rc;
}

/* Once every pack is written: the manifest, every file put in place, then the summaries. */
static enum bp_err finish_run(struct build *b, struct pack_job *packs, size_t npacks,
                              size_t prepared)
{
	const struct pack_request *req = b->req;
	enum bp_err rc = BP_OK;
	/* only --dump-markdown or --dump-context: no pack, so the manifest (which lists the packs
	 * in the folder) is left as it is */
	bool any_pack = req->json || req->pdf || req->xlsx;
	if (prepared == npacks && any_pack)
		rc = write_manifest(b, packs, npacks);
	if (rc == BP_OK && outfile_commit_all() != 0)
		rc = BP_ERR_OUTPUT;
	/* the summaries only once every file is in place */
	for (size_t i = 0; i < npacks && rc == BP_OK; i++)
		diag_info("%s", packs[i].summary);
	if (rc == BP_OK && any_pack)
		diag_info("boardpack: %s: %ld rows read, %ld rejected; %zu pack%s written to %s "
		          "(listed in manifest.json and manifest.csv)",
		          b->label, dq_rows_read(b->m.dq), dq_rows_rejected(b->m.dq), npacks,
		          npacks == 1 ? "" : "s", b->out_dir);
	else if (rc == BP_OK)
		diag_info(
		    "boardpack: %s: %ld rows read, %ld rejected; no pack written (--no-pdf and "
		    "--no-xlsx without --json), only what --dump-%s asked for",
		    b->label, dq_rows_read(b->m.dq), dq_rows_rejected(b->m.dq),
		    req->dump_markdown && req->dump_context ? "markdown and --dump-context"
		    : req->dump_markdown                    ? "markdown"
		                                            : "context");
	return rc;
}

static enum bp_err build_all(struct build *b)
{
	const struct pack_request *req = b->req;
	period_label(b->period, b->c->period_length, b->label);
	size_t npacks;
	struct pack_job *packs = make_packs(b, &npacks);
	if (figure_all_packs(b, packs, npacks) != 0) {
		free_packs(b, packs, npacks);
		return BP_ERR_INPUT;
	}
	timing(req, "figures", &b->t);
	size_t started;
	double wall;
	size_t prepared = write_packs(b, packs, npacks, &started, &wall);
	enum bp_err rc = print_messages(packs, prepared);
	if (req->timings)
		diag_info("boardpack: timing: %-10s %8.3f s (%zu pack%s, %zu writer thread%s)",
		          "outputs", wall, npacks, npacks == 1 ? "" : "s", started ? started : 1,
		          started > 1 ? "s" : "");
	if (rc == BP_OK)
		rc = finish_run(b, packs, npacks, prepared);
	free_packs(b, packs, npacks);
	return rc;
}

/* The template and fonts: the configuration's, else boardpack's own; with a PDF, each must be a
 * file. */
static enum bp_err find_files(struct build *b)
{
	enum bp_err rc = BP_OK;
	b->template_path = b->c->template_path ? xstrdup(b->c->template_path)
	                                       : data_path("templates/board-pack.md");
	b->font_regular =
	    b->c->font_regular ? xstrdup(b->c->font_regular) : data_path("fonts/DejaVuSans.ttf");
	b->font_bold =
	    b->c->font_bold ? xstrdup(b->c->font_bold) : data_path("fonts/DejaVuSans-Bold.ttf");
	if (b->req->pdf) {
		const char *const files[] = {b->template_path, b->font_regular, b->font_bold};
		const char *const what[] = {"template", "font_regular", "font_bold"};
		for (int i = 0; i < 3; i++)
			if (!data_is_file(files[i])) {
				diag_msg(
				    DIAG_ERROR, b->c->path, 0, 0,
				    "%s \"%s\" does not exist or is not a file%s", what[i],
				    files[i],
				    i ? " (run 'make fonts', or name a TrueType file in [pack])"
				      : "");
				rc = BP_ERR_CONFIG;
			}
	}
	if (rc == BP_OK && b->req->pdf)
		ordercheck_template(b->template_path);
	return rc;
}

/* Reads the inputs into b->m and reports their data quality (with --strict, any rejected row
 * is an error). */
static enum bp_err read_inputs(struct build *b)
{
	const struct pack_request *req = b->req;
	double read_start = now_seconds();
	if (b->progress)
		diag_info("boardpack: reading the inputs of %s…", b->c->path);
	enum bp_err rc = load_inputs(b->c, &b->m);
	if (rc != BP_OK)
		return rc;
	if (b->progress) {
		double secs = now_seconds() - read_start;
		diag_info("boardpack: read %ld rows in %.2f s (%.0f rows a second)",
		          dq_rows_read(b->m.dq), secs,
		          secs > 0 ? (double)dq_rows_read(b->m.dq) / secs : 0.0);
	}
	timing(req, "read", &b->t);
	long rejected = dq_rows_rejected(b->m.dq);
	dq_print(b->m.dq, 20, req->strict ? DIAG_ERROR : DIAG_WARNING);
	if (req->strict && rejected) {
		diag_msg(DIAG_ERROR, NULL, 0, 0,
		         "%ld row%s rejected and --strict is on: nothing was written", rejected,
		         rejected == 1 ? "" : "s");
		return BP_ERR_INPUT;
	}
	return BP_OK;
}

/* The period to report: --period's (forced), which must hold some data, else the latest with
 * concluded cases. */
static enum bp_err choose_period(struct build *b, bp_period forced)
{
	const struct pack_request *req = b->req;
	if (!req->period) {
		if (metrics_default_period(&b->m, b->c->period_length, &b->period))
			return BP_OK;
		diag_msg(DIAG_ERROR, b->c->path, 0, 0,
		         "no case has concluded, so there is no latest period to report "
		         "on; give one with --period");
		return BP_ERR_INPUT;
	}
	bp_period first, last;
	bool any;
	if (metrics_period_has_data(&b->m, b->c->period_length, forced, &first, &last, &any)) {
		b->period = forced;
		return BP_OK;
	}
	char a[16], z[16];
	period_label(first, b->c->period_length, a);
	period_label(last, b->c->period_length, z);
	if (!any)
		diag_msg(DIAG_ERROR, NULL, 0, 0,
		         "--period %s: the inputs hold no case, KPI or customer at all",
		         req->period);
	else if (first == last)
		diag_msg(DIAG_ERROR, NULL, 0, 0,
		         "--period %s: the data has no case, KPI or customer change in "
		         "that period; it covers %s only: give that period, or none",
		         req->period, a);
	else
		diag_msg(DIAG_ERROR, NULL, 0, 0,
		         "--period %s: the data has no case, KPI or customer change in "
		         "that period; it covers %s to %s: give a period in that range",
		         req->period, a, z);
	return BP_ERR_INPUT;
}

/*
 * The time the outputs say they were made, in seconds since the epoch: $SOURCE_DATE_EPOCH (for
 * reproducible builds), else the day of the latest data, else the period's start; never the
 * clock, so that one input always gives the same bytes.
 */
static int64_t created_time(const struct build *b)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v = sde ? strtoll(sde, &end, 10) : 0;
	if (sde && *sde && !*end && v >= 0)
		return v;
	if (b->m.data_to != BP_TIME_NONE)
		return (b->m.data_to / BP_MS_PER_DAY) * 86400;
	return period_start(b->period, b->c->period_length) / 1000;
}

/* The output folder: --out, else out beside PACK.ini; created and locked for the run. */
static enum bp_err open_out_dir(struct build *b)
{
	const struct pack_request *req = b->req;
	b->out_dir = req->out                      ? xstrdup(req->out)
	             : strcmp(b->c->dir, ".") == 0 ? xstrdup("out")
	                                           : xasprintf("%s/out", b->c->dir);
	if (outfile_mkdir(b->out_dir) != 0 || outfile_lock(b->out_dir) != 0)
		return BP_ERR_OUTPUT;
	return BP_OK;
}

enum bp_err pack_build(const struct pack_request *req)
{
	struct build b = {.req = req, .t = now_seconds()};
	b.c = config_load(req->pack_ini);
	if (!b.c)
		return BP_ERR_CONFIG;
	bp_period forced = 0;
	if (req->period) {
		const char *why = period_parse_label(req->period, b.c->period_length, &forced);
		if (why) {
			diag_msg(DIAG_ERROR, NULL, 0, 0, "--period \"%s\": %s", req->period, why);
			config_free(b.c);
			return BP_ERR_USAGE;
		}
	}
	enum bp_err rc = find_files(&b);
	b.progress = !diag_quiet() && isatty(STDERR_FILENO);
	if (rc == BP_OK)
		rc = read_inputs(&b);
	else
		memset(&b.m, 0, sizeof b.m);
	if (rc == BP_OK)
		rc = choose_period(&b, forced);
	if (rc == BP_OK) {
		b.created = created_time(&b);
		rc = open_out_dir(&b);
	}
	if (rc == BP_OK)
		rc = build_all(&b);
	if (rc != BP_OK)
		outfile_abort_all();
	free(b.out_dir);
	free(b.template_path);
	free(b.font_regular);
	free(b.font_bold);
	if (b.m.names)
		model_free(&b.m);
	config_free(b.c);
	return rc;
}
