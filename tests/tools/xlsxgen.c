/*
 * xlsxgen: writes the workbook of a metrics JSON with synthetic cases, for the xlsx tests.
 * Usage: xlsxgen METRICS.json OUT.xlsx [--cases N] [--odd] [--limit N] [--tmpdir DIR]
 *   --cases N   feed N deterministic cases (default 20)
 *   --odd       case 1's customer has invalid UTF-8, case 2's departments are 40,000 characters,
 *               case 3's customer has markup characters and edge spaces
 *   --limit N   at most N rows per sheet (xlsx_test_case_limit), to test continuation sheets
 *               quickly
 *   --tmpdir D  libxlsxwriter's temporary folder (default: the output's folder)
 * Exits 0, 2 when the JSON cannot be read, 3 when the workbook cannot be written.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/strbuf.h"
#include "xlsx/xlsx.h"
#include "util/xmem.h"

/* Tests only, defined in xlsx.c. */

struct gen {
	long i, n;
	bool odd;
	const json_t *journeys;
	char id[32], customer[32];
	struct strbuf long_text;
	struct xlsx_touch touches[2];
	long next_customer;
};

static const char *const outcomes[] = {"achieved",  "achieved", "failed",
                                       "abandoned", "achieved", "open"};
static const char *const regions[] = {"North", "South", NULL};
static const char *const depts[] = {"Billing", "Billing; Contact Centre",
                                    "Field Ops; Contact Centre", "Field Ops"};
static const char *const dept_a[] = {"Billing", "Billing", "Field Ops", "Field Ops"};
static const char *const dept_b[] = {NULL, "Contact Centre", "Contact Centre", NULL};

static void rewind_gen(void *it)
{
	struct gen *g = it;
	g->i = 0;
	g->next_customer = 0;
}

/* 30 customers, CU00001 to CU00030; every third has left. */
static bool next_customer(void *it, struct xlsx_customer *row)
{
	struct gen *g = it;
	static char id[32];
	if (g->next_customer >= 30)
		return false;
	long i = g->next_customer++;
	snprintf(id, sizeof id, "CU%05ld", i + 1);
	*row = (struct xlsx_customer){.id = id,
	                              .segment = i % 2 ? "Business" : "Household",
	                              .region = regions[i % 3],
	                              .annual_value = 1000 + 10 * (double)i,
	                              .joined_day = i % 4 ? 20000 + i : INT64_MIN,
	                              .left_day = i % 3 == 2 ? 20600 + i : INT64_MAX};
	return true;
}

static bool next_case(void *it, struct xlsx_case *row)
{
	struct gen *g = it;
	if (g->i >= g->n)
		return false;
	long i = g->i++;
	size_t nj = json_array_size(g->journeys);
	const char *journey = nj ? json_string_value(json_object_get(
	                               json_array_get(g->journeys, (size_t)i % nj), "journey"))
	                         : "J";
	snprintf(g->id, sizeof g->id, "C%07ld", i + 1);
	snprintf(g->customer, sizeof g->customer, "CU%05ld", i % 997 + 1);
	const char *outcome = outcomes[i % 6];
	bool open = strcmp(outcome, "open") == 0;
	int64_t start =
	    1782864000000LL + (int64_t)i * 3600000LL;         /* 2026-07-01T00:00Z plus i hours */
	int64_t end = start + (int64_t)(i % 11) * 43200000LL; /* plus half days */
	*row = (struct xlsx_case){
	    .id = g->id,
	    .journey = journey,
	    .customer = i % 7 == 3 ? NULL : g->customer,
	    .region = regions[i % 3],
	    .start_ms = start,
	    .end_ms = open ? INT64_MIN : end,
	    .outcome = outcome,
	    .sco = open ? -1 : (strcmp(outcome, "achieved") == 0 && i % 4 != 0),
	    .days = open ? NAN : (double)(end - start) / 86400000.0,
	    .contacts = (uint32_t)(i % 5 + 1),
	    .failure_contacts = (uint32_t)(i % 3),
	    .handoffs = (uint32_t)(i % 4),
	    .departments = depts[i % 4],
	    .goal = journey,
	    .period = open ? NULL : "2026-Q3",
	    .promise_days = i % 2 ? 5 : NAN,
	    .within_promise = open || i % 2 == 0 ? -1 : (end - start) <= 5 * 86400000LL,
	    .touches = g->touches,
	    .ntouches = dept_b[i % 4] ? 2 : 1,
	    .segment = NULL,
	    .annual_value = NAN,
	    .left_day = INT64_MAX,
	    .left_within = -1,
	};
	g->touches[0] = (struct xlsx_touch){dept_a[i % 4], (uint32_t)(i % 5) + 1, (uint32_t)(i % 3)};
	g->touches[1] = (struct xlsx_touch){dept_b[i % 4], 1, 0};
	if (g->odd && i == 0)
		row->customer = "Caf\xe9 \xff\xfe Ltd";
	if (g->odd && i == 2)
		row->customer = " A&B <Ltd> "; /* markup and edge spaces, kept as they are */
	if (g->odd && i == 1) {
		strbuf_reset(&g->long_text);
		for (int k = 0; k < 40000; k++)
			strbuf_puts(&g->long_text,
			            "\xc3\xa9"); /* é: 40,000 characters, 80,000 bytes */
		row->departments = strbuf_str(&g->long_text);
	}
	return true;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: xlsxgen METRICS.json OUT.xlsx [--cases N] [--odd] [--limit "
		                "N] [--tmpdir DIR]\n");
		return 1;
	}
	struct gen g = {.n = 20, .long_text = STRBUF_INIT};
	const char *tmpdir = NULL;
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			g.n = atol(argv[++i]);
		else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
			xlsx_test_case_limit(atol(argv[++i]));
		else if (strcmp(argv[i], "--tmpdir") == 0 && i + 1 < argc)
			tmpdir = argv[++i];
		else if (strcmp(argv[i], "--odd") == 0)
			g.odd = true;
		else {
			fprintf(stderr, "xlsxgen: unknown argument %s\n", argv[i]);
			return 1;
		}
	}
	json_error_t err;
	json_t *m = json_load_file(argv[1], 0, &err);
	if (!m) {
		diag_msg(DIAG_ERROR, argv[1], err.line, err.column, "%s", err.text);
		return 2;
	}
	g.journeys = json_object_get(m, "journeys");
	char *dir = NULL;
	if (!tmpdir) {
		dir = xstrdup(argv[2]);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			strcpy(dir, ".");
		tmpdir = dir;
	}
	struct xlsx_options o = {
	    .title = json_string_value(json_object_get(m, "title")),
	    .author = json_string_value(json_object_get(m, "organisation")),
	    .currency = json_string_value(json_object_get(m, "currency")),
	    .created = 1790726400, /* 2026-09-30T00:00:00Z */
	    .tmpdir = tmpdir,
	    .settings = {.min_cases = 30,
	                 .churn_window_days = 90,
	                 .green_share_threshold = 0.75,
	                 .sco_target = 0.8,
	                 .tolerance = 0.05,
	                 .failure_contact_cost = NAN,
	                 .period_length = "quarter"},
	};
	struct xlsx_source src = {.it = &g,
	                          .next_case = next_case,
	                          .next_customer = next_customer,
	                          .rewind = rewind_gen,
	                          .have_customers = true};
	int rc = xlsx_write(argv[2], m, &src, &o) == 0 ? 0 : 3;
	json_decref(m);
	free(dir);
	strbuf_free(&g.long_text);
	return rc;
}
