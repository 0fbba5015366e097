#include "pack.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "context.h"
#include "diag.h"
#include "dq.h"
#include "fontsub.h"
#include "manifest.h"
#include "metrics.h"
#include "model.h"
#include "mustache.h"
#include "ordercheck.h"
#include "outfile.h"
#include "pdf.h"
#include "sha256.h"
#include "strbuf.h"
#include "xlsx.h"
#include "xmem.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void timing(const struct pack_request *req, const char *stage, double *t)
{
	double now = now_seconds();
	if (req->timings)
		diag_info("boardpack: timing: %-10s %8.3f s", stage, now - *t);
	*t = now;
}

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Where templates and fonts live: $BOARDPACK_DATADIR; else the folder above
 * the binary when it holds them (a build tree: build/boardpack); else
 * share/boardpack beside the binary's folder (an installed tree, wherever it
 * was copied: DESTDIR, a package); else the data folder compiled in.
 */
static char *data_path(const char *rel)
{
	const char *env = getenv("BOARDPACK_DATADIR");
	if (env && *env)
		return xasprintf("%s/%s", env, rel);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			/* a build tree (build/boardpack), then an installed tree moved as a whole
			 * (bin/boardpack) */
			char *p = xasprintf("%s/../%s", exe, rel);
			if (is_file(p))
				return p;
			free(p);
			p = xasprintf("%s/../share/boardpack/%s", exe, rel);
			if (is_file(p))
				return p;
			free(p);
		}
	}
	return xasprintf("%s/%s", BOARDPACK_DATADIR, rel);
}

/*
 * Appends the ASCII spelling of one character of a region name: lowercase letters and
 * digits for Latin (with diacritics dropped), Greek and Cyrillic letters; nothing for the
 * Cyrillic hard and soft signs. Returns false for everything else, which separates words.
 */
static bool translit(uint32_t cp, struct strbuf *out)
{
	static const char *const latin1[64] = {"a", "a", "a", "a", "a", "a",  "ae", "c",  "e",
	                                       "e", "e", "e", "i", "i", "i",  "i", /* U+00C0 */
	                                       "d", "n", "o", "o", "o", "o",  "o",  NULL, "o",
	                                       "u", "u", "u", "u", "y", "th", "ss", /* U+00D0 */
	                                       "a", "a", "a", "a", "a", "a",  "ae", "c",  "e",
	                                       "e", "e", "e", "i", "i", "i",  "i", /* U+00E0 */
	                                       "d", "n", "o", "o", "o", "o",  "o",  NULL, "o",
	                                       "u", "u", "u", "u", "y", "th", "y"}; /* U+00F0 */
	/* Latin Extended-A, U+0100..U+017F, one letter each (Œ, œ and Ĳ, ĳ are spelt out below). */
	static const char ext_a[] =
	    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjjjkkklllllllllln"
	    "nnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
	static const char *const greek[] = {/* U+0391..U+03A9, then U+03B1..U+03C9 less 0x20 */
	                                    "a", "v", "g", "d", "e",  "z",  "i", "th", "i",
	                                    "k", "l", "m", "n", "x",  "o",  "p", "r",  "s",
	                                    "s", "t", "y", "f", "ch", "ps", "o"};
	static const char *const cyrillic[] = {/* U+0430..U+044F (and U+0410..U+042F) */
	                                       "a",  "b",    "v", "g", "d", "e",  "zh", "z",
	                                       "i",  "y",    "k", "l", "m", "n",  "o",  "p",
	                                       "r",  "s",    "t", "u", "f", "kh", "ts", "ch",
	                                       "sh", "shch", "",  "y", "",  "e",  "yu", "ya"};
	const char *t = NULL;
	char one[2] = {0};
	if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z'))
		one[0] = (char)cp;
	else if (cp >= 'A' && cp <= 'Z')
		one[0] = (char)(cp - 'A' + 'a');
	else if (cp >= 0xC0 && cp <= 0xFF)
		t = latin1[cp - 0xC0];
	else if (cp == 0x132 || cp == 0x133)
		t = "ij";
	else if (cp == 0x152 || cp == 0x153)
		t = "oe";
	else if (cp >= 0x100 && cp <= 0x17F)
		one[0] = ext_a[cp - 0x100];
	if (one[0])
		t = one;
	if (t || cp < 0x386) {
		if (t)
			strbuf_puts(out, t);
		return t != NULL;
	}
	/* Greek: accented vowels as their plain letter */
	static const struct {
		unsigned cp, plain;
	} tonos[] = {{0x386, 0x3B1}, {0x388, 0x3B5}, {0x389, 0x3B7}, {0x38A, 0x3B9},
	             {0x38C, 0x3BF}, {0x38E, 0x3C5}, {0x38F, 0x3C9}, {0x390, 0x3B9},
	             {0x3AA, 0x3B9}, {0x3AB, 0x3C5}, {0x3AC, 0x3B1}, {0x3AD, 0x3B5},
	             {0x3AE, 0x3B7}, {0x3AF, 0x3B9}, {0x3B0, 0x3C5}, {0x3CA, 0x3B9},
	             {0x3CB, 0x3C5}, {0x3CC, 0x3BF}, {0x3CD, 0x3C5}, {0x3CE, 0x3C9}};
	for (size_t i = 0; i < sizeof tonos / sizeof *tonos; i++)
		if (cp == tonos[i].cp)
			cp = tonos[i].plain;
	if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
		t = greek[cp - 0x391];
	else if (cp >= 0x3B1 && cp <= 0x3C9)
		t = greek[cp - 0x3B1];
	else if (cp >= 0x410 && cp <= 0x42F)
		t = cyrillic[cp - 0x410];
	else if (cp >= 0x430 && cp <= 0x44F)
		t = cyrillic[cp - 0x430];
	else if (cp == 0x401 || cp == 0x451) /* Ё ё */
		t = "e";
	else if (cp == 0x404 || cp == 0x454) /* Є є */
		t = "ie";
	else if (cp == 0x406 || cp == 0x456 || cp == 0x407 || cp == 0x457) /* І і Ї ї */
		t = "i";
	else if (cp == 0x490 || cp == 0x491) /* Ґ ґ */
		t = "g";
	if (t)
		strbuf_puts(out, t);
	return t != NULL;
}

enum { SLUG_MAX = 60 };

/* A region name as messages show it: control characters as \xHH, cut at 80 bytes with "…". */
static char *printable(const char *name)
{
	struct strbuf b = STRBUF_INIT;
	dq_escape(&b, name, strlen(name), 80, false);
	return strbuf_detach(&b);
}

char *pack_slug(const char *name)
{
	struct strbuf b = STRBUF_INIT;
	size_t n = strlen(name);
	for (size_t i = 0; i < n && b.len < SLUG_MAX;) {
		uint32_t cp;
		i += utf8_decode(name + i, n - i, &cp);
		if (!translit(cp, &b) && b.len && b.s[b.len - 1] != '-')
			strbuf_putc(&b, '-');
	}
	if (b.len > SLUG_MAX)
		b.s[b.len = SLUG_MAX] = '\0';
	while (b.len && b.s[b.len - 1] == '-')
		b.s[--b.len] = '\0';
	if (!b.len)
		strbuf_puts(&b, "region");
	return strbuf_detach(&b);
}

/*
 * The workbook's rows (xlsx_source): the cases of the pack concluded in any period of the trend
 * window or open at the period's end, in file order, each with its departments; the customers in
 * the pack's scope; the heat map's cells.
 */
struct case_iter {
	const struct metrics *mt;
	size_t next;
	bp_time ps, pe;
	struct strbuf depts;
	bp_time ws; /* the trend window's start: the oldest trend period's start */
	char period[16];
	struct xlsx_touch *touches;
	size_t captouches;
	size_t next_customer, next_cell;
};

static void oldest_trend(const struct figures *f, bp_period *oldest, bool *any)
{
	if (f->ntrend && (!*any || f->trend[0].period < *oldest))
		*oldest = f->trend[0].period;
	*any |= f->ntrend > 0;
}

static void rewind_cases(void *it)
{
	struct case_iter *ci = it;
	const struct metrics *mt = ci->mt;
	ci->next = ci->next_customer = ci->next_cell = 0;
	bp_period oldest = 0;
	bool any = false;
	/* the period a year before (prev_year_sco_rate) and the previous one, even without trend
	 * points there */
	enum period_len len = mt->config->period_length;
	oldest = mt->period - (len == PERIOD_MONTH ? 12 : len == PERIOD_QUARTER ? 4 : 1);
	any = true;
	if (mt->previous < oldest)
		oldest = mt->previous;
	oldest_trend(&mt->totals, &oldest, &any);
	for (size_t i = 0; i < mt->njourneys; i++)
		oldest_trend(&mt->journeys[i].f, &oldest, &any);
	for (size_t i = 0; i < mt->ngoals; i++)
		oldest_trend(&mt->goals[i].f, &oldest, &any);
	ci->ws = any ? period_start(oldest, len) : ci->ps;
	if (ci->ws > ci->ps)
		ci->ws = ci->ps;
}

static bool next_case(void *it, struct xlsx_case *row)
{
	struct case_iter *ci = it;
	const struct metrics *mt = ci->mt;
	const struct model *m = mt->model;
	while (ci->next < m->ncases) {
		size_t ix = ci->next++;
		const struct bp_case *k = &m->cases[ix];
		if (!metrics_case_in(mt, k))
			continue;
		bool concluded = k->outcome != OUTCOME_OPEN && k->end >= ci->ws && k->end < ci->pe;
		bool open = k->start < ci->pe && (k->outcome == OUTCOME_OPEN || k->end >= ci->pe);
		if (!concluded && !open)
			continue;
		static const char *const names[] = {"open", "achieved", "failed", "abandoned"};
		strbuf_reset(&ci->depts);
		if (k->ndepts > ci->captouches) {
			ci->captouches = k->ndepts;
			ci->touches =
			    xreallocarray(ci->touches, ci->captouches, sizeof *ci->touches);
		}
		for (uint32_t d = 0; d < k->ndepts; d++) {
			const struct case_dept *cd = &m->case_depts[k->dept_off + d];
			if (d)
				strbuf_puts(&ci->depts, "; ");
			strbuf_puts(&ci->depts, intern_str(m->names, cd->dept));
			ci->touches[d] = (struct xlsx_touch){intern_str(m->names, cd->dept),
			                                     cd->contacts, cd->failures};
		}
		const struct journey_figures *jf = NULL;
		for (size_t j = 0; j < mt->njourneys && !jf; j++)
			if (mt->journeys[j].name == k->journey)
				jf = &mt->journeys[j];
		double promise = jf ? jf->promise_days : NAN;
		double days = concluded ? metrics_case_days(k) : NAN;
		const struct customer *cu = metrics_pack_customer(mt, k->customer);
		if (concluded)
			period_label(period_of_time(k->end, mt->config->period_length),
			             mt->config->period_length, ci->period);
		*row = (struct xlsx_case){
		    .id = model_case_id(m, ix),
		    .journey = intern_str(m->names, k->journey),
		    .goal = jf ? jf->goal : NULL,
		    .customer = k->customer ? intern_str(m->names, k->customer) : NULL,
		    .region = k->region ? intern_str(m->names, k->region) : NULL,
		    .period = concluded ? ci->period : NULL,
		    .start_ms = k->start,
		    .end_ms = concluded ? k->end : INT64_MIN,
		    .outcome = concluded ? names[k->outcome] : "open",
		    .sco = concluded ? metrics_case_sco(mt, k) : -1,
		    .days = days,
		    .promise_days = promise,
		    .within_promise = concluded && !isnan(promise) ? days <= promise : -1,
		    .contacts = k->contacts,
		    .failure_contacts = k->failure_contacts,
		    .handoffs = k->handoffs,
		    .first_channel = k->first_channel ? intern_str(m->names, m->channels[k->first_channel])
		                                      : NULL,
		    .last_channel = k->last_channel ? intern_str(m->names, m->channels[k->last_channel])
		                                    : NULL,
		    .departments = strbuf_str(&ci->depts),
		    .touches = ci->touches,
		    .ntouches = k->ndepts,
		    .segment = cu && cu->segment ? intern_str(m->names, cu->segment) : NULL,
		    .annual_value = cu ? cu->annual_value : NAN,
		    .left_day = cu ? cu->left : INT64_MAX,
		    .left_within = concluded ? metrics_case_left_within(mt, k) : -1};
		return true;
	}
	return false;
}

static bool next_customer(void *it, struct xlsx_customer *row)
{
	struct case_iter *ci = it;
	const struct metrics *mt = ci->mt;
	const struct model *m = mt->model;
	while (ci->next_customer < m->ncustomers) {
		const struct customer *cu = &m->customers[ci->next_customer++];
		if (mt->region && cu->region && cu->region != mt->region)
			continue;
		*row = (struct xlsx_customer){
		    .id = intern_str(m->names, cu->id),
		    .segment = cu->segment ? intern_str(m->names, cu->segment) : NULL,
		    .region = cu->region ? intern_str(m->names, cu->region) : NULL,
		    .annual_value = cu->annual_value,
		    .joined_day = cu->joined,
		    .left_day = cu->left};
		return true;
	}
	return false;
}

static bool next_cell(void *it, struct xlsx_cell *row)
{
	struct case_iter *ci = it;
	const struct metrics *mt = ci->mt;
	size_t n = mt->njourneys * mt->ndepts;
	if (ci->next_cell >= n)
		return false;
	size_t c = ci->next_cell++;
	const struct intern *names = mt->model->names;
	*row = (struct xlsx_cell){.journey = intern_str(names, mt->journeys[c / mt->ndepts].name),
	                          .department = intern_str(names, mt->depts[c % mt->ndepts].name),
	                          .cases = mt->cells[c].cases,
	                          .successful = mt->cells[c].successful};
	return true;
}

/* The workbook's options and sources for the pack of it. */
static void xlsx_inputs(const struct config *c, struct case_iter *it, struct xlsx_source *src,
                        struct xlsx_settings *st)
{
	static const char *const lengths[] = {
	    [PERIOD_MONTH] = "month", [PERIOD_QUARTER] = "quarter", [PERIOD_YEAR] = "year"};
	*src = (struct xlsx_source){.it = it,
	                            .next_case = next_case,
	                            .next_customer = next_customer,
	                            .next_cell = next_cell,
	                            .rewind = rewind_cases,
	                            .have_customers = it->mt->model->have_customers};
	*st = (struct xlsx_settings){.min_cases = c->min_cases,
	                             .churn_window_days = c->churn_window_days,
	                             .green_share_threshold = c->green_share_threshold,
	                             .sco_target = c->sco_target,
	                             .tolerance = c->tolerance,
	                             .failure_contact_cost = c->failure_contact_cost,
	                             .period_length = lengths[c->period_length]};
}

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
};

/*
 * The packs of a run are written in parallel. The main thread computes each pack's
 * figures and expands its template, in pack order; worker threads write the outputs
 * (JSON, PDF, workbook), each into its temporary file. Messages are captured per pack
 * and per output and printed in pack order once the run is over, so stderr, like every
 * file, is the same whatever the number of threads. Every file is renamed into place
 * only when every pack of the run has been written.
 */
enum out_kind { OUT_JSON, OUT_PDF, OUT_XLSX, OUT_KINDS };
static const char *const out_ext[OUT_KINDS] = {"json", "pdf", "xlsx"};

struct pack_job;

struct pack_out {
	struct pack_job *pack;
	enum out_kind kind;
	bool wanted;
	char *path;      /* the final name */
	int fd;          /* its temporary file (owned by outfile) */
	const char *tmp; /* a name messages may give it (owned by outfile), shown as path */
	int rc;
	char *msgs; /* messages printed while writing it */
	size_t nmsgs;
	char sha256[65];
	uint64_t bytes;
};

struct pack_job {
	struct build *b;
	sym region;
	const char *region_name; /* NULL: the whole organisation */
	char *slug;              /* NULL: the whole organisation */
	int rc;                  /* of preparing it (figures, template) */
	char *msgs;              /* messages printed while preparing it */
	size_t nmsgs;
	char *summary;
	struct metrics *mt;
	json_t *metrics;
	struct strbuf md;
	char *header, *subject;
	struct case_iter cases;
	struct pack_out out[OUT_KINDS];
	int pending; /* outputs not yet written (under the queue's lock) */
};

/* Frees what only the writers need, once the pack's last output is written. */
static void pack_job_release(struct pack_job *pj)
{
	json_decref(pj->metrics);
	pj->metrics = NULL;
	strbuf_free(&pj->md);
	strbuf_free(&pj->cases.depts);
	free(pj->cases.touches);
	metrics_free(pj->mt);
	pj->mt = NULL;
}

/* Starts capturing this thread's messages into a memory stream; returns it. */
static FILE *capture_begin(char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	FILE *fp = open_memstream(buf, len); /* NULL (no memory): messages go straight to stderr */
	diag_capture(fp);
	return fp;
}

static void capture_end(FILE *fp)
{
	diag_capture(NULL);
	if (fp)
		fclose(fp);
}

/*
 * After a file failed: when the output folder's file system has little space left, says so, as
 * it is: "full" only with under 64 KB free (the failed file still holds what it took).
 */
static void say_space(const struct build *b, bool said)
{
	struct statvfs fs;
	if (said || statvfs(b->out_dir, &fs) != 0)
		return;
	double avail = (double)fs.f_bavail * (double)fs.f_frsize;
	if (avail < 65536.0)
		diag_msg(DIAG_ERROR, b->out_dir, 0, 0,
		         "the file system holding the output folder is full (%.0f KB free); free "
		         "some space and run again",
		         avail / 1024);
	else if (avail < 1048576.0)
		diag_msg(
		    DIAG_ERROR, b->out_dir, 0, 0,
		    "the file system holding the output folder has only %.0f KB free, which may "
		    "be too little for the outputs; free some space and run again",
		    avail / 1024);
}

static void write_output(struct pack_out *o)
{
	struct pack_job *pj = o->pack;
	struct build *b = pj->b;
	FILE *cap = capture_begin(&o->msgs, &o->nmsgs);
	double t = now_seconds();
	o->fd = outfile_begin(o->path, &o->tmp);
	o->rc = o->fd >= 0 ? EXIT_OK : EXIT_OUTPUT;
	if (o->rc == EXIT_OK) {
		switch (o->kind) {
		case OUT_JSON:
			if (context_write_json_fd(pj->metrics, o->fd, o->path) != 0)
				o->rc = EXIT_OUTPUT;
			break;
		case OUT_PDF: {
			struct pdf_options po = {.paper = b->c->paper,
			                         .font_regular = b->font_regular,
			                         .font_bold = b->font_bold,
			                         .title = b->c->title,
			                         .author = b->c->organisation,
			                         .subject = pj->subject,
			                         .keywords =
			                             "board pack; customer outcomes; successful "
			                             "customer outcome; failure demand",
			                         .header = pj->header,
			                         .created = b->created,
			                         .logo = b->c->logo};
			int r = pdf_write(o->path, o->fd, strbuf_str(&pj->md), &po);
			if (r != 0)
				o->rc = r == -2 ? EXIT_USAGE : EXIT_OUTPUT;
			break;
		}
		case OUT_XLSX: {
			/* libxlsxwriter writes to a file name: one in a private folder (0700),
			 * copied into the temporary file once complete */
			const char *dir = NULL;
			o->tmp = outfile_private(o->path, &dir);
			if (!o->tmp) {
				o->rc = EXIT_OUTPUT;
				break;
			}
			struct xlsx_options xo = {.title = b->c->title,
			                          .author = b->c->organisation,
			                          .currency = b->c->currency ? b->c->currency : "",
			                          .created = b->created,
			                          .tmpdir = dir};
			/* one workbook at a time: libxlsxwriter 1.1 calls gmtime(), whose result is
			 * shared */
			static pthread_mutex_t xlsx_lock = PTHREAD_MUTEX_INITIALIZER;
			struct xlsx_source src;
			xlsx_inputs(b->c, &pj->cases, &src, &xo.settings);
			pthread_mutex_lock(&xlsx_lock);
			if (xlsx_write(o->tmp, pj->metrics, &src, &xo) != 0)
				o->rc = EXIT_OUTPUT;
			pthread_mutex_unlock(&xlsx_lock);
			if (o->rc != EXIT_OK)
				say_space(b, false); /* before its private file is removed */
			if (outfile_take(o->path, o->path, o->rc == EXIT_OK) != 0)
				o->rc = EXIT_OUTPUT;
			break;
		}
		case OUT_KINDS:
			break;
		}
	}
	if (o->rc != EXIT_OK)
		say_space(b, o->kind == OUT_XLSX);
	if (o->rc == EXIT_OK && sha256_fd(o->fd, o->sha256, &o->bytes) != 0) {
		diag_msg(DIAG_ERROR, o->path, 0, 0, "cannot read back the file just written: %s",
		         strerror(errno));
		o->rc = EXIT_OUTPUT;
	}
	timing(b->req, out_ext[o->kind], &t);
	capture_end(cap);
}

/* The work queue shared by the main thread and the writers. */
struct queue {
	pthread_mutex_t lock;
	pthread_cond_t more, done;
	struct pack_out **items;
	size_t n, cap, next;
	size_t packs_open; /* packs prepared whose outputs are not all written */
	bool closed;
	atomic_bool failed;
};

static void queue_push(struct queue *q, struct pack_out *o)
{
	pthread_mutex_lock(&q->lock);
	if (q->n == q->cap)
		q->items =
		    xreallocarray(q->items, q->cap = q->cap ? 2 * q->cap : 16, sizeof *q->items);
	q->items[q->n++] = o;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->lock);
}

/* Marks o written; the last output of a pack releases the pack. */
static void output_done(struct queue *q, struct pack_out *o)
{
	if (o->rc != EXIT_OK)
		atomic_store(&q->failed, true);
	pthread_mutex_lock(&q->lock);
	bool last = --o->pack->pending == 0;
	pthread_mutex_unlock(&q->lock);
	if (!last)
		return;
	pack_job_release(o->pack);
	pthread_mutex_lock(&q->lock);
	q->packs_open--;
	pthread_cond_broadcast(&q->done);
	pthread_mutex_unlock(&q->lock);
}

static void *writer(void *arg)
{
	struct queue *q = arg;
	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (q->next == q->n && !q->closed)
			pthread_cond_wait(&q->more, &q->lock);
		struct pack_out *o = q->next < q->n ? q->items[q->next++] : NULL;
		pthread_mutex_unlock(&q->lock);
		if (!o)
			return NULL;
		write_output(o);
		output_done(q, o);
	}
}

/* Computes a pack's figures and expands its template (main thread); queues its outputs. */
static void prepare_pack(struct pack_job *pj)
{
	struct build *b = pj->b;
	const struct pack_request *req = b->req;
	FILE *cap = capture_begin(&pj->msgs, &pj->nmsgs);
	double t = now_seconds();
	if (!pj->mt) /* computed by figure_all_packs */
		pj->mt = metrics_compute(&b->m, b->c, b->period, pj->region);
	timing(req, "metrics", &t);
	pj->metrics = context_metrics(pj->mt);
	pj->md = (struct strbuf)STRBUF_INIT;
	if (req->pdf || (!pj->region && (req->dump_context || req->dump_markdown))) {
		json_t *ctx = context_template(pj->mt, pj->metrics);
		if (req->dump_context && !pj->region) {
			int fd = outfile_begin(req->dump_context, NULL);
			if (fd < 0 || context_write_json_fd(ctx, fd, req->dump_context) != 0)
				pj->rc = EXIT_OUTPUT;
		}
		if (pj->rc == EXIT_OK && (req->pdf || (req->dump_markdown && !pj->region))) {
			struct mustache_opts mo = {.escape = MUSTACHE_ESCAPE_MARKDOWN,
			                           .strict = true};
			if (mustache_render_file(b->template_path, ctx, &mo, &pj->md) != 0) {
				pj->rc = EXIT_USAGE;
			} else if (req->dump_markdown && !pj->region) {
				int fd = outfile_begin(req->dump_markdown, NULL);
				int dfd = fd >= 0 ? dup(fd) : -1;
				FILE *fp = dfd >= 0 ? fdopen(dfd, "w") : NULL;
				if (!fp && dfd >= 0)
					close(dfd);
				if (!fp || fwrite(pj->md.s, 1, pj->md.len, fp) != pj->md.len ||
				    fclose(fp) != 0) {
					if (fd >= 0)
						diag_msg(DIAG_ERROR, req->dump_markdown, 0, 0,
						         "cannot write the Markdown: %s",
						         strerror(errno));
					pj->rc = EXIT_OUTPUT;
				}
			}
			timing(req, "template", &t);
		}
		json_decref(ctx);
	}
	const char *period = json_string_value(json_object_get(pj->metrics, "period"));
	/* the running header names the region of a regional pack (pack.md) */
	pj->header =
	    xasprintf("%s%s%s%s%s", b->c->organisation, *b->c->organisation ? " · " : "", period,
	              pj->region_name ? " · " : "", pj->region_name ? pj->region_name : "");
	pj->subject = xasprintf("Customer outcomes, %s%s%s", period, pj->region_name ? " — " : "",
	                        pj->region_name ? pj->region_name : "");
	const struct figures *f = &pj->mt->totals;
	char rate[32] = "no concluded cases";
	if (f->cases_concluded)
		snprintf(rate, sizeof rate, "SCO rate %.0f %%", f->sco_rate * 100);
	enum period_len len = b->c->period_length;
	pj->cases = (struct case_iter){
	    .mt = pj->mt, .ps = period_start(b->period, len), .pe = period_end(b->period, len)};
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
	char *shown = printable(pj->region_name ? pj->region_name : "whole organisation");
	pj->summary =
	    xasprintf("boardpack: %s: %s: %ld cases concluded, %s; %s", shown, period,
	              f->cases_concluded, rate, files.len ? strbuf_str(&files) : "no files");
	free(shown);
	strbuf_free(&files);
	free(stem);
	capture_end(cap);
}

/* The lines of writers' messages printed so far (a warning every pack repeats is said once). */
struct said {
	char **lines;
	size_t n;
};

/* Drops from o's messages every warning line already printed for an earlier output. */
static void drop_repeated(struct pack_out *o, struct said *said)
{
	size_t w = 0;
	for (size_t r = 0; r < o->nmsgs;) {
		const char *nl = memchr(o->msgs + r, '\n', o->nmsgs - r);
		size_t len = nl ? (size_t)(nl - (o->msgs + r)) + 1 : o->nmsgs - r;
		char *line = xstrndup(o->msgs + r, len);
		bool seen = false;
		for (size_t i = 0; i < said->n && !seen; i++)
			seen = strcmp(said->lines[i], line) == 0;
		if (seen && strstr(line, ": warning: ")) {
			free(line);
		} else {
			memmove(o->msgs + w, o->msgs + r, len);
			w += len;
			said->lines = xreallocarray(said->lines, said->n + 1, sizeof *said->lines);
			said->lines[said->n++] = line;
		}
		r += len;
	}
	o->nmsgs = w;
}

/*
 * Prints what a writer said, naming the file as the user knows it (the final name, not the
 * temporary file the writer was given).
 */
static void print_output_msgs(const struct pack_out *o)
{
	if (!o->nmsgs)
		return;
	const char *p = o->msgs, *end = o->msgs + o->nmsgs;
	size_t tl = o->tmp ? strlen(o->tmp) : 0;
	while (p < end) {
		const char *hit = NULL;
		for (const char *q = p; tl && !hit && q + tl <= end; q++)
			if (*q == *o->tmp && memcmp(q, o->tmp, tl) == 0)
				hit = q;
		if (!hit) {
			fwrite(p, 1, (size_t)(end - p), stderr);
			break;
		}
		fwrite(p, 1, (size_t)(hit - p), stderr);
		diag_escape(stderr, o->path, strlen(o->path)); /* as diag would show it */
		p = hit + tl;
	}
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
static int write_manifest(struct build *b, struct pack_job *packs, size_t npacks)
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
	int rc = manifest_write(b->out_dir, b->c->organisation, b->label, rows, n);
	free(rows);
	return rc;
}

/*
 * Every pack's figures, before any is written: the cases each pack tells through the customer's
 * eyes are then read from the event log in one more pass for all of them. Returns 0 or
 * EXIT_INPUT.
 */
static int figure_all_packs(struct build *b, struct pack_job *packs, size_t npacks)
{
	uint32_t *story = NULL;
	size_t nstory = 0;
	for (size_t i = 0; i < npacks; i++)
		packs[i].mt = metrics_compute(&b->m, b->c, b->period, packs[i].region);
	/* the whole organisation compares its regions: with --split-by, their packs' own figures */
	const struct metrics **known = xcalloc(b->nregions + 1, sizeof *known);
	for (size_t r = 0; r < b->nregions; r++)
		for (size_t i = 1; i < npacks && !known[r]; i++)
			if (packs[i].region == b->regions[r])
				known[r] = packs[i].mt;
	metrics_regions(packs[0].mt, b->regions, b->nregions, known);
	free(known);
	for (size_t i = 0; i < npacks; i++) {
		struct pack_job *pj = &packs[i];
		story = xreallocarray(story, nstory + pj->mt->ngoals + 1, sizeof *story);
		for (size_t g = 0; g < pj->mt->ngoals; g++)
			if (pj->mt->goals[g].story_case != SIZE_MAX)
				story[nstory++] = (uint32_t)pj->mt->goals[g].story_case;
	}
	int rc = events_read_stories(b->c, &b->m, story, nstory);
	free(story);
	return rc;
}

/* The most regions the whole organisation's pack compares without --split-by. */
#define REGIONS_COMPARED 50

static int build_all(struct build *b)
{
	const struct pack_request *req = b->req;
	period_label(b->period, b->c->period_length, b->label);

	/* the packs: the whole organisation, then each region with its file name */
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
	size_t npacks = 1 + nregions;
	struct pack_job *packs = xcalloc(npacks, sizeof *packs);
	packs[0].b = b;
	for (size_t i = 0; i < nregions; i++) {
		struct pack_job *pj = &packs[i + 1];
		pj->b = b;
		pj->region_name = names[i];
		pj->region = intern_find(b->m.names, names[i], strlen(names[i]));
		char *base = pack_slug(names[i]);
		pj->slug = xstrdup(base);
		/* two regions with one file name: the later gets -2, -3… and says so */
		for (int k = 2;; k++) {
			bool clash = false;
			for (size_t j = 1; j <= i && !clash; j++)
				clash = strcmp(packs[j].slug, pj->slug) == 0;
			if (!clash)
				break;
			free(pj->slug);
			pj->slug = xasprintf("%s-%d", base, k);
		}
		if (strcmp(base, pj->slug) != 0) {
			char *shown = printable(names[i]);
			diag_msg(DIAG_WARNING, NULL, 0, 0,
			         "region \"%s\" has the same file name as another region; its pack "
			         "is named %s",
			         shown, pj->slug);
			free(shown);
		}
		free(base);
	}
	free(names);

	if (figure_all_packs(b, packs, npacks) != 0) {
		for (size_t i = 0; i < npacks; i++) {
			metrics_free(packs[i].mt);
			free(packs[i].slug);
		}
		free(packs);
		free(b->regions);
		return EXIT_INPUT;
	}
	timing(req, "figures", &b->t);

	/* the writers: as many threads as asked (default: the processors online), never more than
	 * the outputs */
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nthreads = req->jobs > 0 ? (size_t)req->jobs : online > 0 ? (size_t)online : 1;
	if (nthreads > npacks * 3)
		nthreads = npacks * 3;
	if (nthreads > 16)
		nthreads = 16;
	struct queue q = {.lock = PTHREAD_MUTEX_INITIALIZER,
	                  .more = PTHREAD_COND_INITIALIZER,
	                  .done = PTHREAD_COND_INITIALIZER};
	pthread_t *threads = xcalloc(nthreads, sizeof *threads);
	size_t started = 0;
	if (nthreads > 1)
		for (; started < nthreads; started++)
			if (pthread_create(&threads[started], NULL, writer, &q) != 0)
				break; /* fewer threads; the main thread writes what is left */
	double t0 = now_seconds();
	size_t prepared = 0;
	for (; prepared < npacks; prepared++) {
		if (atomic_load(&q.failed))
			break;
		if (started) { /* at most one pack more than writers in memory */
			pthread_mutex_lock(&q.lock);
			while (q.packs_open > started)
				pthread_cond_wait(&q.done, &q.lock);
			pthread_mutex_unlock(&q.lock);
		}
		struct pack_job *pj = &packs[prepared];
		if (b->progress) {
			char *shown =
			    printable(pj->region_name ? pj->region_name : "the whole organisation");
			diag_info("boardpack: pack %zu of %zu: %s…", prepared + 1, npacks, shown);
			free(shown);
		}
		prepare_pack(pj);
		if (pj->rc != EXIT_OK || pj->pending == 0) {
			pack_job_release(pj);
			if (pj->rc != EXIT_OK) {
				prepared++;
				break;
			}
			continue;
		}
		pthread_mutex_lock(&q.lock);
		q.packs_open++;
		pthread_mutex_unlock(&q.lock);
		for (int k = 0; k < OUT_KINDS; k++)
			if (pj->out[k].wanted) {
				if (started) {
					queue_push(&q, &pj->out[k]);
				} else {
					write_output(&pj->out[k]);
					output_done(&q, &pj->out[k]);
				}
			}
	}
	pthread_mutex_lock(&q.lock);
	q.closed = true;
	pthread_cond_broadcast(&q.more);
	pthread_mutex_unlock(&q.lock);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	/* a writer thread could not start part-way: what it would have written is written here */
	for (; q.next < q.n; q.next++) {
		write_output(q.items[q.next]);
		output_done(&q, q.items[q.next]);
	}
	double wall = now_seconds() - t0;

	/* messages and summaries in pack order, up to the first pack that failed */
	int rc = EXIT_OK;
	struct said said = {0};
	for (size_t i = 0; i < prepared && rc == EXIT_OK; i++) {
		struct pack_job *pj = &packs[i];
		if (pj->nmsgs)
			fwrite(pj->msgs, 1, pj->nmsgs, stderr);
		rc = pj->rc;
		for (int k = 0; k < OUT_KINDS; k++) {
			struct pack_out *o = &pj->out[k];
			if (!o->wanted || rc != EXIT_OK)
				continue;
			drop_repeated(o, &said);
			print_output_msgs(o);
			rc = o->rc;
		}
	}
	for (size_t i = 0; i < said.n; i++)
		free(said.lines[i]);
	free(said.lines);
	if (req->timings)
		diag_info("boardpack: timing: %-10s %8.3f s (%zu pack%s, %zu writer thread%s)",
		          "outputs", wall, npacks, npacks == 1 ? "" : "s", started ? started : 1,
		          started > 1 ? "s" : "");
	/* only --dump-markdown or --dump-context: no pack, so the manifest (which lists the packs
	 * in the folder) is left as it is */
	bool any_pack = req->json || req->pdf || req->xlsx;
	if (rc == EXIT_OK && prepared == npacks && any_pack)
		rc = write_manifest(b, packs, npacks);
	if (rc == EXIT_OK && outfile_commit_all() != 0)
		rc = EXIT_OUTPUT;
	/* the summaries only once every file is in place */
	for (size_t i = 0; i < npacks && rc == EXIT_OK; i++)
		diag_info("%s", packs[i].summary);
	if (rc == EXIT_OK && any_pack)
		diag_info("boardpack: %s: %ld rows read, %ld rejected; %zu pack%s written to %s "
		          "(listed in manifest.json and manifest.csv)",
		          b->label, dq_rows_read(b->m.dq), dq_rows_rejected(b->m.dq), npacks,
		          npacks == 1 ? "" : "s", b->out_dir);
	else if (rc == EXIT_OK)
		diag_info(
		    "boardpack: %s: %ld rows read, %ld rejected; no pack written (--no-pdf and "
		    "--no-xlsx without --json), only what --dump-%s asked for",
		    b->label, dq_rows_read(b->m.dq), dq_rows_rejected(b->m.dq),
		    req->dump_markdown && req->dump_context ? "markdown and --dump-context"
		    : req->dump_markdown                    ? "markdown"
		                                            : "context");
	for (size_t i = 0; i < npacks; i++) {
		metrics_free(packs[i].mt); /* a pack never prepared, after a failure */
		free(packs[i].slug);
		free(packs[i].msgs);
		free(packs[i].summary);
		free(packs[i].header);
		free(packs[i].subject);
		for (int k = 0; k < OUT_KINDS; k++) {
			free(packs[i].out[k].path);
			free(packs[i].out[k].msgs);
		}
	}
	free(packs);
	free(q.items);
	free(threads);
	free(b->regions);
	return rc;
}

int pack_build(const struct pack_request *req)
{
	struct build b = {.req = req, .t = now_seconds()};
	b.c = config_load(req->pack_ini);
	if (!b.c)
		return EXIT_USAGE;
	int rc = EXIT_OK;
	bp_period forced = 0;
	if (req->period) {
		const char *why = period_parse_label(req->period, b.c->period_length, &forced);
		if (why) {
			diag_msg(DIAG_ERROR, NULL, 0, 0, "--period \"%s\": %s", req->period, why);
			config_free(b.c);
			return EXIT_USAGE;
		}
	}
	b.template_path =
	    b.c->template_path ? xstrdup(b.c->template_path) : data_path("templates/board-pack.md");
	b.font_regular =
	    b.c->font_regular ? xstrdup(b.c->font_regular) : data_path("fonts/DejaVuSans.ttf");
	b.font_bold =
	    b.c->font_bold ? xstrdup(b.c->font_bold) : data_path("fonts/DejaVuSans-Bold.ttf");
	if (req->pdf) {
		const char *const files[] = {b.template_path, b.font_regular, b.font_bold};
		const char *const what[] = {"template", "font_regular", "font_bold"};
		for (int i = 0; i < 3; i++)
			if (!is_file(files[i])) {
				diag_msg(
				    DIAG_ERROR, b.c->path, 0, 0,
				    "%s \"%s\" does not exist or is not a file%s", what[i],
				    files[i],
				    i ? " (run 'make fonts', or name a TrueType file in [pack])"
				      : "");
				rc = EXIT_USAGE;
			}
	}
	if (rc == EXIT_OK && req->pdf)
		ordercheck_template(b.template_path);
	b.progress = !diag_quiet() && isatty(STDERR_FILENO);
	double read_start = now_seconds();
	if (rc == EXIT_OK && b.progress)
		diag_info("boardpack: reading the inputs of %s…", b.c->path);
	if (rc == EXIT_OK)
		rc = model_read(b.c, &b.m);
	else
		memset(&b.m, 0, sizeof b.m);
	if (rc == EXIT_OK && b.progress) {
		double secs = now_seconds() - read_start;
		diag_info("boardpack: read %ld rows in %.2f s (%.0f rows a second)",
		          dq_rows_read(b.m.dq), secs,
		          secs > 0 ? (double)dq_rows_read(b.m.dq) / secs : 0.0);
	}
	if (rc == EXIT_OK)
		timing(req, "read", &b.t);
	if (rc == EXIT_OK) {
		long rejected = dq_rows_rejected(b.m.dq);
		dq_print(b.m.dq, 20, req->strict ? DIAG_ERROR : DIAG_WARNING);
		if (req->strict && rejected) {
			diag_msg(DIAG_ERROR, NULL, 0, 0,
			         "%ld row%s rejected and --strict is on: nothing was written",
			         rejected, rejected == 1 ? "" : "s");
			rc = EXIT_INPUT;
		}
	}
	if (rc == EXIT_OK && req->period) {
		bp_period first, last;
		bool any;
		if (!metrics_period_has_data(&b.m, b.c->period_length, forced, &first, &last,
		                             &any)) {
			char a[16], z[16];
			period_label(first, b.c->period_length, a);
			period_label(last, b.c->period_length, z);
			if (!any)
				diag_msg(
				    DIAG_ERROR, NULL, 0, 0,
				    "--period %s: the inputs hold no case, KPI or customer at all",
				    req->period);
			else if (first == last)
				diag_msg(
				    DIAG_ERROR, NULL, 0, 0,
				    "--period %s: the data has no case, KPI or customer change in "
				    "that period; it covers %s only: give that period, or none",
				    req->period, a);
			else
				diag_msg(
				    DIAG_ERROR, NULL, 0, 0,
				    "--period %s: the data has no case, KPI or customer change in "
				    "that period; it covers %s to %s: give a period in that range",
				    req->period, a, z);
			rc = EXIT_INPUT;
		}
	}
	if (rc == EXIT_OK) {
		if (req->period)
			b.period = forced;
		else if (!metrics_default_period(&b.m, b.c->period_length, &b.period)) {
			diag_msg(DIAG_ERROR, b.c->path, 0, 0,
			         "no case has concluded, so there is no latest period to report "
			         "on; give one with --period");
			rc = EXIT_INPUT;
		}
	}
	if (rc == EXIT_OK) {
		const char *sde = getenv("SOURCE_DATE_EPOCH");
		char *end;
		long long v = sde ? strtoll(sde, &end, 10) : 0;
		if (sde && *sde && !*end && v >= 0)
			b.created = v;
		else if (b.m.data_to != BP_TIME_NONE)
			b.created = (b.m.data_to / BP_MS_PER_DAY) * 86400;
		else
			b.created = period_start(b.period, b.c->period_length) / 1000;
		b.out_dir = req->out                     ? xstrdup(req->out)
		            : strcmp(b.c->dir, ".") == 0 ? xstrdup("out")
		                                         : xasprintf("%s/out", b.c->dir);
		if (outfile_mkdir(b.out_dir) != 0 || outfile_lock(b.out_dir) != 0)
			rc = EXIT_OUTPUT;
	}
	if (rc == EXIT_OK)
		rc = build_all(&b);
	if (rc != EXIT_OK)
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
