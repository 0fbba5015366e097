/*
 * The event log and customers readers at the cardinality where they read ahead (events.c and
 * customers.c fetch the ids of lines 16 ahead from 131,072 names or cases): every case and
 * customer of a log of 150,000 of each, rows interleaved and customers in another order, read
 * with the values they were written with. Under AddressSanitizer this also checks that the
 * hints read nothing out of bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "in/config.h"
#include "in/load.h"
#include "model/dq.h"
#include "model/model.h"
#include "util/intern.h"

#define NCASES 150000u

static char dir[64];

static FILE *open_in(const char *name)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	return f;
}

/* customer of case i: u<p(i)>, so that customer ids are not in the cases' order */
static unsigned perm(unsigned i)
{
	return (unsigned)(((uint64_t)i * 7919u + 13u) % NCASES);
}

static void write_inputs(void)
{
	FILE *f = open_in("pack.ini");
	fputs("[pack]\ntitle = T\norganisation = O\nperiod_length = quarter\n[inputs]\n"
	      "journeys = journeys.csv\ncustomers = customers.csv\nkpis = kpis.csv\n"
	      "[journey \"J\"]\ngoal = G\npromise_days = 5\n",
	      f);
	fclose(f);
	f = open_in("kpis.csv");
	fputs("period,department,kpi,actual,target,direction,unit,tolerance,kind,journey,region\n"
	      "2026-Q1,D,K,1,1,higher,count,,output,J,\n",
	      f);
	fclose(f);
	/* two rows a case; the second rows of cases i come after the first rows of i + 1000 */
	f = open_in("journeys.csv");
	fputs("case_id,journey,timestamp,department,customer_id,outcome\n", f);
	for (unsigned i = 0; i < NCASES + 1000; i++) {
		if (i < NCASES)
			fprintf(f, "c%u,J,2026-01-01T00:00:00Z,D%u,u%u,\n", i, i % 7, perm(i));
		if (i >= 1000)
			fprintf(f, "c%u,J,2026-01-02T00:00:00Z,D%u,u%u,achieved\n", i - 1000,
			        (i - 1000) % 5, perm(i - 1000));
	}
	fclose(f);
	/* customer u<k> on line k + 2 in reverse order, worth k; one repeated row */
	f = open_in("customers.csv");
	fputs("customer_id,annual_value\n", f);
	for (unsigned k = NCASES; k-- > 0;)
		fprintf(f, "u%u,%u\n", k, k);
	fputs("u17,99\n", f);
	fclose(f);
}

static void test_many_cases_and_customers(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/bp-readers-XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_inputs();
	char path[128];
	snprintf(path, sizeof path, "%s/pack.ini", dir);
	struct config *c = config_load(path);
	assert_non_null(c);
	struct model m = {0};
	assert_int_equal(load_inputs(c, &m), BP_OK);

	assert_int_equal(m.ncases, NCASES);
	assert_int_equal(m.ncustomers, NCASES);
	assert_int_equal(dq_rows_rejected(m.dq), 1); /* the repeated customer */
	char s[32];
	for (unsigned i = 0; i < NCASES; i++) {
		snprintf(s, sizeof s, "c%u", i);
		sym id = intern_find(m.ids, s, strlen(s));
		assert_int_not_equal(id, 0);
		const struct bp_case *k = &m.cases[id - 1];
		assert_int_equal(k->contacts, 2);
		assert_int_equal(k->ndepts, i % 7 == i % 5 ? 1 : 2);
		assert_int_equal(k->outcome, OUTCOME_ACHIEVED);
		snprintf(s, sizeof s, "u%u", perm(i));
		assert_int_equal(k->customer, intern_find(m.names, s, strlen(s)));
	}
	for (unsigned k = 0; k < NCASES; k++) {
		snprintf(s, sizeof s, "u%u", k);
		const struct customer *cu = model_customer(&m, intern_find(m.names, s, strlen(s)));
		assert_non_null(cu);
		assert_true(cu->annual_value == (double)k);
		assert_int_equal(cu->line, NCASES - k + 1);
	}
	model_free(&m);
	config_free(c);
	const char *files[] = {"pack.ini", "kpis.csv", "journeys.csv", "customers.csv"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_many_cases_and_customers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
