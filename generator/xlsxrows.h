/* xlsxrows: the workbook's long tables' rows, from the model and a pack's figures. */
#ifndef BP_XLSXROWS_H
#define BP_XLSXROWS_H
#include <stdbool.h>
#include <stddef.h>

#include "calc/metrics.h"
#include "util/strbuf.h"
#include "xlsx/xlsx.h"

/*
 * The workbook's long tables (xlsx_source): the cases of the pack concluded in any period of the
 * trend window or open at the period's end, in file order, each with its departments; the
 * customers in the pack's scope. (The other sheets come from the pack's view.)
 */
#define XLSXROWS_PERIODS 16

struct case_iter {
	const struct metrics *mt;
	size_t next;
	bp_time ps, pe;
	struct strbuf depts;
	bp_time ws; /* the trend window's start: the oldest trend period's start */
	char period[16];
	/* the labels of the periods met, with their bounds [start, end): most cases end in one of
	 * a few periods, whose labels are then not worked out again */
	struct {
		bp_time start, end;
		char label[16];
	} periods[XLSXROWS_PERIODS];
	int nperiods;
	struct xlsx_touch *touches;
	size_t captouches;
	size_t next_customer;
};

/* Starts it on the pack of mt, whose period runs from ps to pe. */
void xlsxrows_init(struct case_iter *it, const struct metrics *mt, bp_time ps, bp_time pe);
/* Frees what it holds (not mt). */
void xlsxrows_free(struct case_iter *it);

/* The workbook's source of rows for the pack of it. */
void xlsxrows_source(struct case_iter *it, struct xlsx_source *src);

#endif
