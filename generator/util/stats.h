/* stats: the statistics metrics.md names: Wilson interval, two-proportion z-test, PERCENTILE.INC.
 */
#ifndef BP_STATS_H
#define BP_STATS_H
#include <stdbool.h>
#include <stddef.h>

#define STATS_Z95 1.959964

/* 95 % Wilson score interval of successes/n; n > 0. Clamped to [0, 1]. */
void stats_wilson(long successes, long n, double *low, double *high);

/*
 * Two-proportion z-test with pooled proportion: |z| >= 1.959964. False when
 * either side has no cases or the pooled rate is 0 or 1.
 */
bool stats_change_significant(long s1, long n1, long s2, long n2);

/* Excel PERCENTILE.INC of sorted[0..n): linear interpolation at rank p*(n-1); n > 0. */
double stats_percentile_inc(const double *sorted, size_t n, double p);

/* Sorts doubles ascending (qsort with a total order). */
void stats_sort(double *v, size_t n);

#endif
