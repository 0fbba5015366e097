#include "util/stats.h"

#include <math.h>
#include <stdlib.h>

void stats_wilson(long s, long n, double *low, double *high)
{
	const double z = STATS_Z95;
	double nn = (double)n, p = (double)s / nn;
	double denom = 1 + z * z / nn;
	double centre = (p + z * z / (2 * nn)) / denom;
	double half = z * sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
	*low = fmax(0.0, centre - half);
	*high = fmin(1.0, centre + half);
}

bool stats_change_significant(long s1, long n1, long s2, long n2)
{
	if (n1 <= 0 || n2 <= 0)
		return false;
	double pooled = (double)(s1 + s2) / (double)(n1 + n2);
	if (pooled <= 0 || pooled >= 1)
		return false;
	double se = sqrt(pooled * (1 - pooled) * (1.0 / (double)n1 + 1.0 / (double)n2));
	double z = ((double)s1 / (double)n1 - (double)s2 / (double)n2) / se;
	return fabs(z) >= STATS_Z95;
}

double stats_percentile_inc(const double *v, size_t n, double p)
{
	double rank = p * (double)(n - 1);
	size_t lo = (size_t)floor(rank);
	if (lo + 1 >= n)
		return v[n - 1];
	double frac = rank - (double)lo;
	return v[lo] + frac * (v[lo + 1] - v[lo]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void stats_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_double);
}
