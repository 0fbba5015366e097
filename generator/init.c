/*
 * init: each export is read through the reader the build would use (csvin, sheetin, xesin), its
 * first rows tallied per column (values filled and blank, how numbers and dates are written, the
 * most frequent values), then its columns are matched against the names of the data contract,
 * of process-mining exports (XES keys as pm4py writes them) and of the usual ticketing and CRM
 * exports. The role of each file follows from what matched.
 */
#define _GNU_SOURCE /* strcasestr */
#include "init.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "in/csvin.h"
#include "util/diag.h"
#include "util/intern.h"
#include "in/sheetin.h"
#include "util/strbuf.h"
#include "in/xesin.h"
#include "util/xmem.h"

#define MAX_ROWS 200000   /* rows read from each file to decide */
#define LINE_MAX_INI 180  /* PACK.ini's lines are at most 199 characters (config.c) */
#define MAX_TALLIED 64    /* columns whose values are counted */
#define MAX_DISTINCT 2000 /* distinct values counted per column */

enum role { R_NONE, R_JOURNEYS, R_KPIS, R_CUSTOMERS, R_ROLES };
static const char *const role_key[R_ROLES] = {NULL, "journeys", "kpis", "customers"};

struct colstat {
	long filled, blank;
	long num_dot, num_comma;           /* 1234.5 / 1234,5 */
	long slash, first_big, second_big; /* DD/MM/YYYY or MM/DD/YYYY; a part above 12 */
	struct intern *values;             /* NULL past MAX_TALLIED */
	long *counts;                      /* by symbol */
	size_t cap;
	bool many; /* more than MAX_DISTINCT distinct values */
};

struct sample {
	const char *path;
	char *name; /* as given */
	bool xes, sheet;
	char delim; /* CSV: sniffed */
	char *sheet_name;
	char **header;
	size_t ncols;
	struct colstat *st;
	long rows;
	bool truncated; /* stopped at MAX_ROWS */
	bool failed;
	enum role role;
	int map[16]; /* header index of each contract column of role, -1 */
	struct sheetin_result sres;
	int index;     /* a workbook's sheet being tried */
	bool no_sheet; /* there is no sheet at index */
};

static void forget(struct sample *s)
{
	for (size_t h = 0; h < s->ncols; h++) {
		free(s->header[h]);
		intern_free(s->st[h].values);
		free(s->st[h].counts);
	}
	free(s->header);
	free(s->st);
	sheetin_result_free(&s->sres);
	s->header = NULL;
	s->st = NULL;
	s->ncols = 0;
	s->rows = 0;
	s->truncated = false;
	s->sheet_name = NULL;
}

/* The contract's columns of each role and the names exports give them, normalised (lower case,
 * letters and digits only): the contract's own name first. */
struct known {
	const char *column;
	const char *names[24];
};
static const struct known journeys_known[] = {
    {"case_id",
     {"caseid", "caseconceptname", "case", "ticketid", "ticketref", "ticketreference",
      "ticketnumber", "ticket", "incidentid", "incidentnumber", "incident", "casenumber", "caseref",
      "casereference", "requestid", "applicationid", "number", "id", NULL}},
    {"journey",
     {"journey", "casejourney", "journeyname", "process", "processname", "casetype", "service",
      NULL}},
    {"timestamp",
     {"timestamp", "timetimestamp", "time", "datetime", "eventtime", "eventtimestamp",
      "completetimestamp", "endtimestamp", "starttimestamp", "date", "createdat", "created",
      "occurredat", NULL}},
    {"department",
     {"department", "orgresource", "orggroup", "orgrole", "resource", "team", "group",
      "assignmentgroup", "queue", "dept", "casedepartment", NULL}},
    {"customer_id",
     {"customerid", "casecustomer", "casecustomerid", "customer", "clientid", "client", "accountid",
      "account", "contactid", NULL}},
    {"touchpoint",
     {"touchpoint", "conceptname", "activity", "activityname", "event", "eventname", "action",
      "task", "step", NULL}},
    {"channel", {"channel", "casechannel", "contacttype", "medium", NULL}},
    {"demand", {"demand", "demandtype", NULL}},
    {"outcome", {"outcome", "caseoutcome", NULL}},
    {"region", {"region", "caseregion", "area", "territory", NULL}},
    {NULL, {NULL}}};
static const struct known kpis_known[] = {
    {"period", {"period", "quarter", "month", "reportingperiod", NULL}},
    {"department", {"department", "dept", "team", "owner", NULL}},
    {"kpi", {"kpi", "kpiname", "metric", "measure", "indicator", NULL}},
    {"actual", {"actual", "actualvalue", "value", "score", "result", NULL}},
    {"target", {"target", "targetvalue", "goal", "objective", NULL}},
    {"direction", {"direction", "betterwhen", "polarity", NULL}},
    {"unit", {"unit", "units", NULL}},
    {"tolerance", {"tolerance", NULL}},
    {"kind", {"kind", NULL}},
    {"journey", {"journey", "journeys", NULL}},
    {"region", {"region", "area", "territory", NULL}},
    {NULL, {NULL}}};
static const struct known customers_known[] = {
    {"customer_id",
     {"customerid", "customer", "clientid", "client", "accountid", "account", "id", NULL}},
    {"segment", {"segment", "customersegment", "tier", NULL}},
    {"region", {"region", "area", "territory", NULL}},
    {"annual_value",
     {"annualvalue", "value", "revenue", "annualrevenue", "arr", "yearlyvalue", NULL}},
    {"joined",
     {"joined", "joindate", "joinedat", "since", "customersince", "startdate", "signupdate",
      "signedup", NULL}},
    {"left",
     {"left", "leftat", "leavedate", "churndate", "churnedat", "enddate", "cancellationdate",
      NULL}},
    {NULL, {NULL}}};
static const struct known *const role_known[R_ROLES] = {NULL, journeys_known, kpis_known,
                                                        customers_known};

/* The XES attributes offered to the log's reading (xesin delivers only the columns asked for). */
static const char *const xes_keys[] = {"case:concept:name",
                                       "concept:name",
                                       "time:timestamp",
                                       "org:resource",
                                       "org:group",
                                       "org:role",
                                       "lifecycle:transition",
                                       "case:journey",
                                       "case:customer",
                                       "case:channel",
                                       "case:region",
                                       "case:outcome",
                                       "case:department",
                                       "journey",
                                       "outcome",
                                       NULL};

static void normalise(char *dst, size_t cap, const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++)
		if (isalnum((unsigned char)s[i]))
			dst[k++] = (char)tolower((unsigned char)s[i]);
	dst[k] = '\0';
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static void tally(struct colstat *c, const char *s, size_t n)
{
	if (!n) {
		c->blank++;
		return;
	}
	c->filled++;
	const char *dot = memchr(s, '.', n), *comma = memchr(s, ',', n);
	size_t from = s[0] == '-' ? 1 : 0;
	if (dot && !comma && all_digits(s + from, (size_t)(dot - s) - from) &&
	    all_digits(dot + 1, n - (size_t)(dot - s) - 1))
		c->num_dot++;
	if (comma && !dot && all_digits(s + from, (size_t)(comma - s) - from) &&
	    all_digits(comma + 1, n - (size_t)(comma - s) - 1))
		c->num_comma++;
	const char *sl = memchr(s, '/', n);
	if (sl && sl > s) {
		const char *sl2 = memchr(sl + 1, '/', n - (size_t)(sl - s) - 1);
		if (sl2 && all_digits(s, (size_t)(sl - s)) &&
		    all_digits(sl + 1, (size_t)(sl2 - sl - 1))) {
			c->slash++;
			c->first_big += atoi(s) > 12;
			c->second_big += atoi(sl + 1) > 12;
		}
	}
	if (!c->values || c->many)
		return;
	if (intern_count(c->values) > MAX_DISTINCT && !intern_find(c->values, s, n)) {
		c->many = true;
		return;
	}
	sym v = intern_add(c->values, s, n);
	if (v >= c->cap) {
		size_t cap = 2 * (size_t)v + 64;
		c->counts = xreallocarray(c->counts, cap, sizeof *c->counts);
		memset(c->counts + c->cap, 0, (cap - c->cap) * sizeof *c->counts);
		c->cap = cap;
	}
	c->counts[v]++;
}

static int on_record(void *ctx, const struct csvin_record *rec)
{
	struct sample *s = ctx;
	if (!s->header) {
		s->ncols = rec->nfields;
		s->header = xcalloc(rec->nfields ? rec->nfields : 1, sizeof *s->header);
		s->st = xcalloc(rec->nfields ? rec->nfields : 1, sizeof *s->st);
		for (size_t i = 0; i < rec->nfields; i++) {
			s->header[i] = xstrndup(rec->fields[i], rec->lens[i]);
			if (i < MAX_TALLIED)
				s->st[i].values = intern_new();
		}
		return 0;
	}
	if (rec->problem)
		return 0;
	s->rows++;
	for (size_t i = 0; i < rec->nfields && i < s->ncols; i++)
		tally(&s->st[i], rec->fields[i], rec->lens[i]);
	if (s->rows >= MAX_ROWS) {
		s->truncated = true;
		return 1;
	}
	return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

static void read_sample(struct sample *s)
{
	int rc;
	if (has_suffix(s->path, ".xes") || has_suffix(s->path, ".xes.gz")) {
		s->xes = true;
		struct xesin_opts o = {.name = s->name, .want = xes_keys};
		struct xesin_result res;
		rc = xesin_read(s->path, &o, on_record, s, &res);
		xesin_result_free(&res);
	} else if (has_suffix(s->path, ".xlsx") || has_suffix(s->path, ".ods")) {
		s->sheet = true;
		struct sheetin_opts o = {
		    .name = s->name, .decimal = '.', .index = s->index, .quiet = s->index > 0};
		rc = sheetin_read(s->path, &o, on_record, s, &s->sres);
		s->sheet_name = s->sres.sheet;
		if (rc == -2) { /* no sheet there: the search is over */
			s->no_sheet = true;
			return;
		}
	} else {
		struct csvin_opts o = {.delimiter = 0, .name = s->name};
		rc = csvin_read(s->path, &o, on_record, s, &s->delim, NULL);
	}
	if (rc < 0) {
		s->failed = true;
		return;
	}
	if (!s->header && !s->sheet) { /* an empty sheet: the workbook's others are looked at */
		diag_msg(DIAG_ERROR, s->name, 0, 0, "the file is empty: there is nothing to map");
		s->failed = true;
	}
}

/* The header index whose name is one of k's names with values in it, best name first; -1. */
static int find_column(const struct sample *s, const struct known *k, const bool *taken)
{
	for (size_t n = 0; k->names[n]; n++)
		for (size_t i = 0; i < s->ncols; i++) {
			char norm[128];
			normalise(norm, sizeof norm, s->header[i], strlen(s->header[i]));
			if (!taken[i] && strcmp(norm, k->names[n]) == 0 && s->st[i].filled)
				return (int)i;
		}
	return -1;
}

/* Maps s's columns for role; returns how many contract columns matched. */
static int map_role(const struct sample *s, enum role role, int *map)
{
	bool *taken = xcalloc(s->ncols ? s->ncols : 1, sizeof *taken);
	int n = 0;
	const struct known *k = role_known[role];
	for (size_t i = 0; k[i].column; i++) {
		map[i] = find_column(s, &k[i], taken);
		if (map[i] >= 0) {
			taken[map[i]] = true;
			n++;
		}
	}
	free(taken);
	return n;
}

static int col_of(enum role role, const char *column)
{
	const struct known *k = role_known[role];
	for (int i = 0; k[i].column; i++)
		if (strcmp(k[i].column, column) == 0)
			return i;
	return -1;
}

#define HAS(s, role, c) ((s)->map[col_of(role, c)] >= 0)

static void classify(struct sample *s)
{
	int m[3][16];
	map_role(s, R_JOURNEYS, m[0]);
	map_role(s, R_KPIS, m[1]);
	map_role(s, R_CUSTOMERS, m[2]);
	s->role = R_NONE;
	memcpy(s->map, m[0], sizeof s->map);
	if (s->xes || (HAS(s, R_JOURNEYS, "case_id") && HAS(s, R_JOURNEYS, "timestamp"))) {
		s->role = R_JOURNEYS;
		return;
	}
	memcpy(s->map, m[1], sizeof s->map);
	if (HAS(s, R_KPIS, "kpi") && HAS(s, R_KPIS, "actual") && HAS(s, R_KPIS, "target")) {
		s->role = R_KPIS;
		return;
	}
	memcpy(s->map, m[2], sizeof s->map);
	if (HAS(s, R_CUSTOMERS, "customer_id") &&
	    (HAS(s, R_CUSTOMERS, "annual_value") || HAS(s, R_CUSTOMERS, "joined") ||
	     HAS(s, R_CUSTOMERS, "left") || HAS(s, R_CUSTOMERS, "segment"))) {
		s->role = R_CUSTOMERS;
		return;
	}
}

/* A path to file relative to the folder of out, as PACK.ini's paths are. */
static char *relative_to(const char *file, const char *out)
{
	char a[PATH_MAX], b[PATH_MAX];
	char *dir = xstrdup(out);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	const char *d = slash ? (dir[0] ? dir : "/") : ".";
	if (!realpath(file, a) || !realpath(d, b)) {
		free(dir);
		return xstrdup(file);
	}
	free(dir);
	size_t common = 0, i = 0;
	size_t lb = strlen(b);
	while (a[i] && a[i] == b[i])
		i++;
	/* back to the last whole folder both share */
	if (i == lb && (a[i] == '/' || a[i] == '\0'))
		common = i;
	else {
		while (i > 0 && a[i] != '/')
			i--;
		common = i;
	}
	struct strbuf r = STRBUF_INIT;
	for (const char *p = b + common; *p; p++)
		if (*p == '/')
			strbuf_puts(&r, "../");
	strbuf_puts(&r, a[common] == '/' ? a + common + 1 : a + common);
	if (common == 0 ||
	    r.len > 150) { /* nothing shared but the root: the full path reads better */
		strbuf_free(&r);
		return xstrdup(a);
	}
	return strbuf_detach(&r);
}

/* Whether v can be written as an INI value on one line, read back as it is. */
static bool ini_safe(const char *v)
{
	if (!v[0] || strlen(v) > 150 || isspace((unsigned char)v[0]) || v[0] == ';' || v[0] == '#')
		return false;
	for (const char *c = v; *c; c++)
		if (*c == '\n' || *c == '\r' ||
		    ((*c == ';' || *c == '#') && c > v && isspace((unsigned char)c[-1])))
			return false;
	return !isspace((unsigned char)v[strlen(v) - 1]);
}

struct ranked {
	const char *name;
	long n;
};

static int by_count(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The values of column c, most frequent first (the caller frees the array). */
static struct ranked *ranked_values(const struct colstat *c, size_t *n)
{
	size_t k = c->values ? intern_count(c->values) : 0;
	struct ranked *r = xreallocarray(NULL, k ? k : 1, sizeof *r);
	*n = 0;
	for (size_t i = 1; i < k; i++)
		r[(*n)++] = (struct ranked){intern_str(c->values, (sym)i), c->counts[i]};
	qsort(r, *n, sizeof *r, by_count);
	return r;
}

static bool contains_any(const char *s, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strcasestr(s, words[i]))
			return true;
	return false;
}

static void put_count(struct strbuf *b, long n)
{
	char digits[32], out[48];
	snprintf(digits, sizeof digits, "%ld", n);
	size_t len = strlen(digits), k = 0;
	for (size_t i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	strbuf_puts(b, out);
}

static void write_rules(struct strbuf *b, const struct sample *log)
{
	int tp = log->map[col_of(R_JOURNEYS, "touchpoint")];
	bool outcome = log->map[col_of(R_JOURNEYS, "outcome")] >= 0;
	strbuf_puts(b, "\n[rules]\n");
	if (tp < 0 || !log->st[tp].values) {
		strbuf_puts(b,
		            "; No touchpoint column was recognised: map one in [columns.journeys] "
		            "(touchpoint = YOUR COLUMN)\n; to derive outcomes from touchpoint "
		            "names here.\n");
		return;
	}
	size_t n;
	struct ranked *r = ranked_values(&log->st[tp], &n);
	strbuf_printf(
	    b,
	    "; %s\n; Name below, separated by \";\", the touchpoints that conclude a case "
	    "or are failure\n; demand (docs/configuration.md). The most frequent "
	    "touchpoints of the event log\n; (rows%s):\n",
	    outcome ? "The log has an outcome column, so rules are only needed where it is "
	              "blank."
	            : "The log has no outcome column: without rules every case stays open.",
	    log->truncated ? ", in the first 200,000" : "");
	for (size_t i = 0; i < n && i < 15; i++) {
		if (strlen(r[i].name) > LINE_MAX_INI - 20)
			continue;
		strbuf_printf(b, ";   %s (", r[i].name);
		put_count(b, r[i].n);
		strbuf_puts(b, ")\n");
	}
	static const char *const achieved[] = {"closed",   "resolved", "complete", "paid",
	                                       "accepted", "done",     "fixed",    "delivered",
	                                       "approved", NULL};
	static const char *const failed[] = {"declined", "rejected", "refused",
	                                     "failed",   "denied",   NULL};
	static const char *const abandoned[] = {"cancel", "withdrawn", "abandon", "gave up", NULL};
	static const char *const failure[] = {"chase",    "complaint", "reopen", "repeat",
	                                      "where is", "escalat",   NULL};
	const char *const *lists[4] = {achieved, failed, abandoned, failure};
	static const char *const keys[4] = {"achieved", "failed", "abandoned", "failure_demand"};
	strbuf_puts(b, "; Guesses from those names, to check and uncomment:\n");
	for (int k = 0; k < 4; k++) {
		size_t at = b->len;
		strbuf_printf(b, ";%s =", keys[k]);
		int listed = 0;
		for (size_t i = 0; i < n && i < 200 && listed < 6; i++)
			if (contains_any(r[i].name, lists[k]) && ini_safe(r[i].name) &&
			    !strchr(r[i].name, ';') &&
			    b->len - at + strlen(r[i].name) + 2 < LINE_MAX_INI) {
				strbuf_printf(b, "%s %s", listed ? ";" : "", r[i].name);
				listed++;
			}
		strbuf_putc(b, '\n');
	}
	free(r);
}

static void write_columns(struct strbuf *b, const struct sample *s)
{
	const struct known *k = role_known[s->role];
	bool any = false;
	for (int i = 0; k[i].column; i++) {
		int h = s->map[i];
		if (h < 0 || strcasecmp(s->header[h], k[i].column) == 0)
			continue;
		if (!any)
			strbuf_printf(b, "\n[columns.%s]\n", role_key[s->role]);
		any = true;
		if (ini_safe(s->header[h]))
			strbuf_printf(b, "%s = %s\n", k[i].column, s->header[h]);
		else
			strbuf_printf(b,
			              "; %s: the column \"%s\" cannot be written here as it is\n",
			              k[i].column, s->header[h]);
	}
	if (s->sheet && s->sheet_name) {
		if (!any)
			strbuf_printf(b, "\n[columns.%s]\n", role_key[s->role]);
		if (ini_safe(s->sheet_name))
			strbuf_printf(b, "sheet = %s\n", s->sheet_name);
	}
	/* columns not recognised, for the user to map */
	struct strbuf rest = STRBUF_INIT;
	size_t nrest = 0;
	for (size_t h = 0; h < s->ncols; h++) {
		bool mapped = false;
		for (int i = 0; k[i].column; i++)
			mapped |= s->map[i] == (int)h;
		if (!mapped && s->st[h].filled && nrest++ < 12 && rest.len < 100)
			strbuf_printf(&rest, "%s\"%s\"", nrest > 1 ? ", " : "", s->header[h]);
	}
	if (nrest)
		strbuf_printf(b, "; %zu column%s not recognised (left out): %s%s\n", nrest,
		              nrest == 1 ? "" : "s", strbuf_str(&rest), nrest > 12 ? ", …" : "");
	strbuf_free(&rest);
}

static enum bp_err write_file(const char *out, const struct strbuf *text)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			diag_msg(
			    DIAG_ERROR, out, 0, 0,
			    "the file exists already, and init never overwrites one: give another "
			    "name with --out, or remove it first");
		else
			diag_msg(DIAG_ERROR, out, 0, 0, "cannot create the pack configuration: %s",
			         strerror(errno));
		return BP_ERR_OUTPUT;
	}
	size_t off = 0;
	while (off < text->len) {
		ssize_t w = write(fd, text->s + off, text->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			diag_msg(DIAG_ERROR, out, 0, 0, "cannot write the pack configuration: %s",
			         strerror(errno));
			close(fd);
			unlink(out);
			return BP_ERR_OUTPUT;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		diag_msg(DIAG_ERROR, out, 0, 0, "cannot write the pack configuration: %s",
		         strerror(errno));
		unlink(out);
		return BP_ERR_OUTPUT;
	}
	return 0;
}

static const char *stem(const char *path, char *buf, size_t n)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(buf, n, "%s", base);
	char *dot = strchr(buf, '.');
	if (dot && dot != buf)
		*dot = '\0';
	for (char *c = buf; *c; c++)
		if (*c == '_' || *c == '-')
			*c = ' ';
	if (buf[0])
		buf[0] = (char)toupper((unsigned char)buf[0]);
	return buf;
}

/* Reads and classifies sample i; a workbook whose first sheet is not a table it knows: its other
 * sheets, in turn. */
static void sample_one(struct sample *s)
{
	read_sample(s);
	if (!s->failed)
		classify(s);
	while (s->sheet && !s->failed && !s->role && s->index < 30) {
		struct sample next = {.path = s->path, .name = s->name, .index = s->index + 1};
		read_sample(&next);
		if (next.no_sheet || next.failed || (classify(&next), !next.role)) {
			bool over = next.no_sheet || next.failed;
			forget(&next);
			if (over)
				break;
			s->index = next.index; /* try the one after */
			continue;
		}
		forget(s);
		*s = next;
	}
}

/* The [inputs] section: the file picked for each role, and what the others were. */
static void put_inputs(struct strbuf *b, struct sample *const pick[R_ROLES], const struct sample *s,
                       size_t nfiles, const char *out)
{
	strbuf_puts(b, "\n[inputs]\n");
	for (int r = R_JOURNEYS; r < R_ROLES; r++) {
		static const char *const what[R_ROLES] = {
		    NULL, "the event log: one row per touchpoint",
		    "departmental scores: one row per KPI and period",
		    "customers: their value, when they joined and left"};
		if (pick[r]) {
			char *rel = relative_to(pick[r]->path, out);
			strbuf_printf(b, "%s = %s\n; (%s; ", role_key[r], rel, what[r]);
			put_count(b, pick[r]->rows);
			strbuf_printf(b, "%s row%s read to decide)\n",
			              pick[r]->truncated ? " (the first)" : "",
			              pick[r]->rows == 1 ? "" : "s");
			free(rel);
		} else if (r == R_KPIS) {
			strbuf_puts(b, "; kpis = FILE   ; required: none of the files has kpi, "
			               "actual and target columns\n");
		} else if (r == R_JOURNEYS) {
			strbuf_puts(b, "; journeys = FILE   ; required: none of the files has a "
			               "case id and a timestamp\n");
		}
	}
	for (size_t i = 0; i < nfiles; i++)
		if (!s[i].role || pick[s[i].role] != &s[i])
			strbuf_printf(b, "; %.120s: %s\n", s[i].name,
			              s[i].role
			                  ? "another file of the same kind (not used)"
			                  : "not recognised as an event log, KPIs or customers");
}

/* One delimiter, decimal mark and date order for every CSV file. */
static void put_formats(struct strbuf *b, struct sample *const pick[R_ROLES])
{
	char delim = 0;
	bool mixed = false;
	long dot = 0, comma = 0, slash = 0, first_big = 0, second_big = 0;
	for (int r = R_JOURNEYS; r < R_ROLES; r++) {
		const struct sample *p = pick[r];
		if (!p)
			continue;
		if (!p->sheet && !p->xes) {
			if (delim && p->delim != delim)
				mixed = true;
			delim = p->delim;
		}
		for (size_t h = 0; h < p->ncols; h++) {
			dot += p->st[h].num_dot;
			comma += p->st[h].num_comma;
			slash += p->st[h].slash;
			first_big += p->st[h].first_big;
			second_big += p->st[h].second_big;
		}
	}
	if (delim)
		strbuf_printf(b, "delimiter = %s\n",
		              mixed ? "auto                ; the files differ: each is sniffed"
		              : delim == ';'  ? "semicolon           ; sniffed from the header line"
		              : delim == '\t' ? "tab                 ; sniffed from the header line"
		              : delim == '|'
		                  ? "pipe                ; sniffed from the header line"
		                  : "comma               ; sniffed from the header line");
	strbuf_printf(b, "decimal = %s\n",
	              comma > dot ? ",                     ; numbers are written 1234,5"
	                          : ".                     ; numbers are written 1234.5");
	if (slash && first_big)
		strbuf_puts(b, "date_order = dmy      ; dates are written 31/07/2026\n");
	else if (slash && second_big)
		strbuf_puts(b, "date_order = mdy      ; dates are written 07/31/2026\n");
	else if (slash)
		strbuf_puts(b, "date_order = dmy      ; dates such as 01/02/2026 could be either "
		               "day or month first: check\n");
	else
		strbuf_puts(b, "date_order = iso      ; dates are written 2026-07-31\n");
}

/* [defaults] for what the event log lacks: a journey column, departments. */
static void put_defaults(struct strbuf *b, const struct sample *log)
{
	char name[256];
	int jc = log->map[col_of(R_JOURNEYS, "journey")];
	int dc = log->map[col_of(R_JOURNEYS, "department")];
	bool dflt_journey = jc < 0, dflt_dept = dc < 0 || log->st[dc].blank > 0;
	if (!dflt_journey && !dflt_dept)
		return;
	strbuf_puts(b, "\n[defaults]\n");
	if (dflt_journey)
		strbuf_printf(b,
		              "journey = %s      ; the log has no journey column: "
		              "one process\n",
		              stem(log->path, name, sizeof name));
	if (!dflt_dept)
		return;
	strbuf_puts(b, "department = Unassigned      ; ");
	if (dc < 0) {
		strbuf_puts(b, "the log has no department column\n");
		return;
	}
	put_count(b, log->st[dc].blank);
	strbuf_puts(b, log->st[dc].blank == 1 ? " row has no department\n"
	                                      : " rows have no department\n");
}

/* One [journey] section per journey the log names (the 50 most frequent). */
static void put_journeys(struct strbuf *b, const struct sample *log)
{
	char name[256];
	int jc = log->map[col_of(R_JOURNEYS, "journey")];
	strbuf_puts(b, "\n; One section per journey. goal: what the customer wants, in "
	               "their own words\n; (journeys with the same goal form one goal); "
	               "promise_days: how fast they expect it.\n");
	if (jc < 0 || !log->st[jc].values) {
		strbuf_printf(b, "\n[journey \"%s\"]\ngoal = %s\n; promise_days = 5\n",
		              stem(log->path, name, sizeof name),
		              stem(log->path, name, sizeof name));
		return;
	}
	size_t n;
	struct ranked *r = ranked_values(&log->st[jc], &n);
	qsort(r, n, sizeof *r, by_count);
	for (size_t i = 0; i < n && i < 50; i++) {
		if (!ini_safe(r[i].name) || strchr(r[i].name, '"') || strchr(r[i].name, ']')) {
			strbuf_printf(b,
			              "; a journey whose name cannot be a section "
			              "name here: \"%s\"\n",
			              r[i].name);
			continue;
		}
		strbuf_printf(b, "\n[journey \"%s\"]\ngoal = %s\n; promise_days = 5\n", r[i].name,
		              r[i].name);
	}
	if (n > 50 || log->st[jc].many)
		strbuf_puts(b, "; … more journeys than are listed here\n");
	free(r);
}

/* The whole starting PACK.ini. */
static void put_pack_ini(struct strbuf *b, struct sample *const pick[R_ROLES],
                         const struct sample *s, size_t nfiles, const char *out)
{
	strbuf_puts(b, "; A starting pack configuration written by boardpack init.\n"
	               "; Every guess is a setting or a comment: read them, change what is "
	               "wrong, and see\n; docs/configuration.md. Then: boardpack build ");
	strbuf_printf(b,
	              "%.150s\n\n[pack]\ntitle = Customer outcomes\n"
	              "; organisation = Your organisation\n"
	              "; period_length = quarter        ; month | quarter | year\n"
	              "; currency = GBP                 ; ISO 4217: money is shown with "
	              "its symbol\n",
	              out);
	put_inputs(b, pick, s, nfiles, out);
	put_formats(b, pick);
	for (int r = R_JOURNEYS; r < R_ROLES; r++)
		if (pick[r])
			write_columns(b, pick[r]);
	const struct sample *log = pick[R_JOURNEYS];
	if (log) {
		put_defaults(b, log);
		write_rules(b, log);
		put_journeys(b, log);
	}
}

enum bp_err init_write(const char *const *files, size_t nfiles, const char *out)
{
	struct sample *s = xcalloc(nfiles, sizeof *s);
	enum bp_err rc = BP_OK;
	for (size_t i = 0; i < nfiles; i++) {
		s[i].path = files[i];
		s[i].name = xstrdup(files[i]);
		sample_one(&s[i]);
		if (s[i].failed)
			rc = BP_ERR_INPUT;
	}
	struct sample *pick[R_ROLES] = {0};
	for (size_t i = 0; i < nfiles && !rc; i++)
		if (s[i].role && !pick[s[i].role])
			pick[s[i].role] = &s[i];
	if (!rc) {
		struct strbuf b = STRBUF_INIT;
		put_pack_ini(&b, pick, s, nfiles, out);
		rc = write_file(out, &b);
		if (!rc)
			diag_info("boardpack: wrote %s; checking it", out);
		strbuf_free(&b);
	}
	for (size_t i = 0; i < nfiles; i++) {
		forget(&s[i]);
		free(s[i].name);
	}
	free(s);
	return rc;
}
