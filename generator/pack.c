#include "pack.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "context.h"
#include "diag.h"
#include "metrics.h"
#include "model.h"
#include "mustache.h"
#include "ordercheck.h"
#include "outfile.h"
#include "pdf.h"
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
		fprintf(stderr, "boardpack: timing: %-10s %8.3f s\n", stage, now - *t);
	*t = now;
}

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Where templates and fonts live: $BOARDPACK_DATADIR; else the folder above
 * the binary when it holds templates/ (a build tree: build/boardpack);
 * else the installed data folder.
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
			char *p = xasprintf("%s/../%s", exe, rel);
			if (is_file(p))
				return p;
			free(p);
		}
	}
	return xasprintf("%s/%s", BOARDPACK_DATADIR, rel);
}

char *pack_slug(const char *name)
{
	/* Latin-1 and Latin Extended-A letters reduced to ASCII; anything else becomes a hyphen. */
	static const char *const latin1 =
		"AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTs" /* U+00C0..U+00DF */
		"aaaaaaaceeeeiiiidnooooo/ouuuuyty"; /* U+00E0..U+00FF */
	static const char *const ext_a =
		"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
	struct strbuf b = STRBUF_INIT;
	const unsigned char *s = (const unsigned char *)name;
	bool dash = false;
	while (*s && b.len < 60) {
		unsigned cp = *s;
		size_t len = 1;
		if (cp >= 0xC0 && cp < 0xE0 && (s[1] & 0xC0) == 0x80) {
			cp = ((cp & 0x1Fu) << 6) | (s[1] & 0x3Fu);
			len = 2;
		} else if (cp >= 0x80) {
			len = cp >= 0xF0 ? 4 : cp >= 0xE0 ? 3 : 1;
			for (size_t i = 1; i < len; i++)
				if (!s[i]) {
					len = i;
					break;
				}
			cp = '-';
		}
		s += len;
		char out = '-';
		if (cp >= '0' && cp <= '9')
			out = (char)cp;
		else if (cp >= 'a' && cp <= 'z')
			out = (char)cp;
		else if (cp >= 'A' && cp <= 'Z')
			out = (char)(cp - 'A' + 'a');
		else if (cp >= 0xC0 && cp <= 0xFF && latin1[cp - 0xC0] >= 'A')
			out = latin1[cp - 0xC0];
		else if (cp >= 0x100 && cp <= 0x17F)
			out = ext_a[cp - 0x100];
		if (out >= 'A' && out <= 'Z')
			out = (char)(out - 'A' + 'a');
		if (cp == 0xDF)
			strbuf_puts(&b, "ss"), out = 0;
		if (out == '-' || out == 'x' || out == '/') {
			if (out != 'x' && out != '/') {
				if (!dash && b.len)
					strbuf_putc(&b, '-');
				dash = true;
				continue;
			}
		}
		if (out == '/') {
			if (!dash && b.len)
				strbuf_putc(&b, '-');
			dash = true;
			continue;
		}
		if (out) {
			strbuf_putc(&b, out);
			dash = false;
		}
	}
	while (b.len && b.s[b.len - 1] == '-')
		b.s[--b.len] = '\0';
	if (!b.len)
		strbuf_puts(&b, "region");
	return strbuf_detach(&b);
}

/* The Cases sheet: cases of the pack concluded in the period or open at its end, in file order. */
struct case_iter {
	const struct metrics *mt;
	size_t next;
	bp_time ps, pe;
	struct strbuf depts;
};

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
		bool concluded = k->outcome != OUTCOME_OPEN && k->end >= ci->ps && k->end < ci->pe;
		bool open = k->start < ci->pe && (k->outcome == OUTCOME_OPEN || k->end >= ci->pe);
		if (!concluded && !open)
			continue;
		static const char *const names[] = {"open", "achieved", "failed", "abandoned"};
		strbuf_reset(&ci->depts);
		for (uint32_t d = 0; d < k->ndepts; d++) {
			if (d)
				strbuf_puts(&ci->depts, "; ");
			strbuf_puts(&ci->depts, intern_str(m->names, m->case_depts[k->dept_off + d].dept));
		}
		*row = (struct xlsx_case){
			.id = model_case_id(m, ix),
			.journey = intern_str(m->names, k->journey),
			.customer = k->customer ? intern_str(m->names, k->customer) : NULL,
			.region = k->region ? intern_str(m->names, k->region) : NULL,
			.start_ms = k->start,
			.end_ms = concluded ? k->end : INT64_MIN,
			.outcome = concluded ? names[k->outcome] : "open",
			.sco = concluded ? metrics_case_sco(mt, k) : -1,
			.days = concluded ? metrics_case_days(k) : NAN,
			.contacts = k->contacts,
			.failure_contacts = k->failure_contacts,
			.handoffs = k->handoffs,
			.departments = strbuf_str(&ci->depts)};
		return true;
	}
	return false;
}

struct build {
	const struct pack_request *req;
	struct config *c;
	struct model m;
	bp_period period;
	char *out_dir;
	char *template_path, *font_regular, *font_bold;
	int64_t created; /* seconds since the epoch */
	double t;
};

static int write_pack(struct build *b, sym region, const char *stem, struct strbuf *wrote)
{
	const struct pack_request *req = b->req;
	struct metrics *mt = metrics_compute(&b->m, b->c, b->period, region);
	timing(req, "metrics", &b->t);
	json_t *metrics = context_metrics(mt);
	int rc = EXIT_OK;
	char *path = NULL;

	if (req->json && rc == EXIT_OK) {
		path = xasprintf("%s/%s.json", b->out_dir, stem);
		const char *tmp = outfile_begin(path);
		if (!tmp || context_write_json(metrics, tmp) != 0 || outfile_commit(path) != 0)
			rc = EXIT_OUTPUT;
		else
			strbuf_printf(wrote, "%s%s", wrote->len ? ", " : "", path);
		free(path);
		timing(req, "json", &b->t);
	}
	json_t *ctx = NULL;
	if (rc == EXIT_OK && (req->pdf || req->dump_context)) {
		ctx = context_template(mt, metrics);
		if (req->dump_context && !region) {
			const char *tmp = outfile_begin(req->dump_context);
			if (!tmp || context_write_json(ctx, tmp) != 0 || outfile_commit(req->dump_context) != 0)
				rc = EXIT_OUTPUT;
		}
	}
	if (rc == EXIT_OK && req->pdf) {
		struct strbuf md = STRBUF_INIT;
		struct mustache_opts mo = {.escape = MUSTACHE_ESCAPE_MARKDOWN, .strict = true};
		if (mustache_render_file(b->template_path, ctx, &mo, &md) != 0) {
			rc = EXIT_USAGE;
		} else {
			timing(req, "template", &b->t);
			path = xasprintf("%s/%s.pdf", b->out_dir, stem);
			char *header = xasprintf("%s%s%s", b->c->organisation, *b->c->organisation ? " · " : "",
						 json_string_value(json_object_get(metrics, "period")));
			char *subject = xasprintf("Customer outcomes, %s%s%s",
						  json_string_value(json_object_get(metrics, "period")),
						  region ? " — " : "", region ? intern_str(b->m.names, region) : "");
			struct pdf_options po = {
				.paper = b->c->paper, .font_regular = b->font_regular, .font_bold = b->font_bold,
				.title = b->c->title, .author = b->c->organisation, .subject = subject,
				.keywords = "board pack; customer outcomes; successful customer outcome; failure demand",
				.header = header, .created = b->created, .logo = b->c->logo};
			const char *tmp = outfile_begin(path);
			if (!tmp || pdf_write(tmp, strbuf_str(&md), &po) != 0 || outfile_commit(path) != 0)
				rc = EXIT_OUTPUT;
			else
				strbuf_printf(wrote, "%s%s", wrote->len ? ", " : "", path);
			free(header);
			free(subject);
			free(path);
			timing(req, "pdf", &b->t);
		}
		strbuf_free(&md);
	}
	if (rc == EXIT_OK && req->xlsx) {
		path = xasprintf("%s/%s.xlsx", b->out_dir, stem);
		enum period_len len = b->c->period_length;
		struct case_iter it = {.mt = mt, .ps = period_start(b->period, len), .pe = period_end(b->period, len)};
		struct xlsx_options xo = {.title = b->c->title, .author = b->c->organisation,
					  .currency = b->c->currency ? b->c->currency : "", .created = b->created,
					  .tmpdir = b->out_dir};
		const char *tmp = outfile_begin(path);
		if (!tmp || xlsx_write(tmp, metrics, next_case, &it, &xo) != 0 || outfile_commit(path) != 0)
			rc = EXIT_OUTPUT;
		else
			strbuf_printf(wrote, "%s%s", wrote->len ? ", " : "", path);
		strbuf_free(&it.depts);
		free(path);
		timing(req, "xlsx", &b->t);
	}
	if (rc == EXIT_OK) {
		const struct figures *f = &mt->totals;
		char rate[32] = "no concluded cases";
		if (f->cases_concluded)
			snprintf(rate, sizeof rate, "SCO rate %.0f %%", f->sco_rate * 100);
		diag_info("boardpack: %s: %s: %ld cases concluded, %s", region ? intern_str(b->m.names, region) : "whole organisation",
			  json_string_value(json_object_get(metrics, "period")), f->cases_concluded, rate);
	}
	json_decref(ctx);
	json_decref(metrics);
	metrics_free(mt);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int build_all(struct build *b)
{
	const struct pack_request *req = b->req;
	char label[16];
	period_label(b->period, b->c->period_length, label);
	struct strbuf wrote = STRBUF_INIT;
	char *stem = xasprintf("board-pack-%s", label);
	int rc = write_pack(b, 0, stem, &wrote);
	free(stem);
	if (rc == EXIT_OK && req->split_region) {
		/* regions of cases, KPIs and customers, in name order */
		size_t n = 0, cap = 16;
		const char **names = xreallocarray(NULL, cap, sizeof *names);
		sym *syms = xreallocarray(NULL, cap, sizeof *syms);
		size_t nsyms = intern_count(b->m.names);
		unsigned char *seen = xcalloc(nsyms, 1);
#define ADD_REGION(r)                                                        \
	do {                                                                 \
		sym r_ = (r);                                                \
		if (r_ && !seen[r_]) {                                       \
			seen[r_] = 1;                                        \
			if (n == cap) {                                      \
				cap *= 2;                                    \
				names = xreallocarray(names, cap, sizeof *names); \
				syms = xreallocarray(syms, cap, sizeof *syms); \
			}                                                    \
			names[n] = intern_str(b->m.names, r_);               \
			syms[n++] = r_;                                      \
		}                                                            \
	} while (0)
		for (size_t i = 0; i < b->m.ncases; i++)
			ADD_REGION(b->m.cases[i].region);
		for (size_t i = 0; i < b->m.nkpis; i++)
			ADD_REGION(b->m.kpis[i].region);
		for (size_t i = 0; i < b->m.ncustomers; i++)
			ADD_REGION(b->m.customers[i].region);
#undef ADD_REGION
		qsort(names, n, sizeof *names, cmp_str);
		char **slugs = xcalloc(n + 1, sizeof *slugs);
		for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
			sym r = intern_find(b->m.names, names[i], strlen(names[i]));
			char *slug = pack_slug(names[i]);
			/* two regions with one slug: the later gets -2, -3… and says so */
			for (int k = 2;; k++) {
				bool clash = false;
				for (size_t j = 0; j < i; j++)
					clash |= strcmp(slugs[j], slug) == 0;
				if (!clash)
					break;
				char *base = pack_slug(names[i]);
				free(slug);
				slug = xasprintf("%s-%d", base, k);
				free(base);
				if (k == 2)
					diag_msg(DIAG_WARNING, NULL, 0, 0,
						 "region \"%s\" has the same file name as another region; its pack is named %s", names[i], slug);
			}
			slugs[i] = slug;
			char *st = xasprintf("board-pack-%s-%s", label, slug);
			rc = write_pack(b, r, st, &wrote);
			free(st);
		}
		for (size_t i = 0; i < n; i++)
			free(slugs[i]);
		free(slugs);
		free(names);
		free(syms);
		free(seen);
	}
	if (rc == EXIT_OK)
		diag_info("boardpack: %s: %ld rows read, %ld rejected; wrote %s", label, dq_rows_read(b->m.dq),
			  dq_rows_rejected(b->m.dq), wrote.len ? strbuf_str(&wrote) : "nothing");
	strbuf_free(&wrote);
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
	b.template_path = b.c->template_path ? xstrdup(b.c->template_path) : data_path("templates/board-pack.md");
	b.font_regular = b.c->font_regular ? xstrdup(b.c->font_regular) : data_path("fonts/DejaVuSans.ttf");
	b.font_bold = b.c->font_bold ? xstrdup(b.c->font_bold) : data_path("fonts/DejaVuSans-Bold.ttf");
	if (req->pdf) {
		const char *const files[] = {b.template_path, b.font_regular, b.font_bold};
		const char *const what[] = {"template", "font_regular", "font_bold"};
		for (int i = 0; i < 3; i++)
			if (!is_file(files[i])) {
				diag_msg(DIAG_ERROR, b.c->path, 0, 0, "%s \"%s\" does not exist or is not a file%s", what[i], files[i],
					 i ? " (run 'make fonts', or name a TrueType file in [pack])" : "");
				rc = EXIT_USAGE;
			}
	}
	if (rc == EXIT_OK && req->pdf)
		ordercheck_template(b.template_path);
	if (rc == EXIT_OK)
		rc = model_read(b.c, &b.m);
	else
		memset(&b.m, 0, sizeof b.m);
	if (rc == EXIT_OK)
		timing(req, "read", &b.t);
	if (rc == EXIT_OK) {
		long rejected = dq_rows_rejected(b.m.dq);
		dq_print(b.m.dq, 20, req->strict ? DIAG_ERROR : DIAG_WARNING);
		if (req->strict && rejected) {
			diag_msg(DIAG_ERROR, NULL, 0, 0, "%ld row%s rejected and --strict is on: nothing was written", rejected,
				 rejected == 1 ? "" : "s");
			rc = EXIT_INPUT;
		}
	}
	if (rc == EXIT_OK) {
		if (req->period)
			b.period = forced;
		else if (!metrics_default_period(&b.m, b.c->period_length, &b.period)) {
			diag_msg(DIAG_ERROR, b.c->path, 0, 0, "no case has concluded, so there is no latest period to report on; give one with --period");
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
		b.out_dir = req->out ? xstrdup(req->out)
				     : strcmp(b.c->dir, ".") == 0 ? xstrdup("out") : xasprintf("%s/out", b.c->dir);
		if (outfile_mkdir(b.out_dir) != 0)
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
