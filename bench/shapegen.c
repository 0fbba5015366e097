/*
 * shapegen: deterministic event logs of chosen shapes, for the benchmark matrix of issue 22
 * (bench/run.sh). A measurement tool, not part of boardpack.
 *
 *   shapegen --events N --out DIR [--per-case 1|2|4|8|20|spread|real] [--customers unique|few]
 *            [--order time|case|shuffled] [--mess clean|messy|rejected|quoted] [--seed S]
 *
 * Writes DIR/journeys.csv (the columns of samples/northwind/journeys.csv) and DIR/customers.csv
 * (every customer id the log uses). The journeys are Northwind's five, so that the samples'
 * pack.ini, kpis.csv and actions.csv (copied by bench/run.sh) serve every shape; timestamps are
 * UTC ISO 8601 from 2024-10-01 to 2026-09-30 (the samples' eight quarters).
 *
 * Shapes:
 *   --per-case K   events a case: exactly K, "spread" (1 to 30, most between 2 and 12, mean
 *                  about 8) or "real" (20 to 80, 12 departments and a hand-off at most rows: the
 *                  shape of a public process-mining log such as BPI Challenge 2012/2017)
 *   --customers    "unique": a customer a case; "few": about 200 cases a customer
 *   --order        "time": every row in timestamp order, cases interleaved; "case": rows grouped
 *                  by case, cases in order of their start; "shuffled": rows in random order
 *   --mess         "messy": 3 % of cases have a later row whose customer id disagrees with the
 *                  first (kept and counted by boardpack), 2 % of rows are rejected (a timestamp
 *                  that is not a date, an unknown demand value, an unknown outcome value) and
 *                  1 % carry valid values in capitals; "rejected": as messy, but 30 % of rows
 *                  rejected (an export with thousands of data-quality notes: one
 *                  department's system writing its own timestamps, demand and outcome values);
 *                  "quoted": clean, every field of both
 *                  files quoted and every line ended by CRLF, as many database and CRM exports
 *                  write them
 *
 * Determinism: one xoshiro256** generator seeded through splitmix64 and integer arithmetic only,
 * so a shape and a seed always give the same bytes. The rows are built in memory (24 bytes each)
 * because ordering them by time or at random needs them all; 10 M events take about 240 MB.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t rng_s[4];

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(void)
{
	uint64_t r = rotl(rng_s[1] * 5, 7) * 9;
	uint64_t t = rng_s[1] << 17;
	rng_s[2] ^= rng_s[0];
	rng_s[3] ^= rng_s[1];
	rng_s[1] ^= rng_s[2];
	rng_s[0] ^= rng_s[3];
	rng_s[2] ^= t;
	rng_s[3] = rotl(rng_s[3], 45);
	return r;
}

/* A uniform integer in [0, n); the modulo bias is irrelevant at these sizes. */
static uint32_t rnd(uint32_t n)
{
	return (uint32_t)((rng_next() >> 32) % n);
}

/* True with probability per10k / 10,000. */
static int chance(uint32_t per10k)
{
	return rnd(10000) < per10k;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "shapegen: out of memory (%zu bytes)\n", n);
		exit(1);
	}
	return p;
}

/* ------------------------------------------------------------------ vocabulary */

static const struct journey {
	const char *name, *prefix;
	uint32_t promise_days;
} journeys[] = {
    {"Switching to Northwind", "SW", 14},
    {"Moving home", "MH", 14},
    {"Getting a fault fixed", "FF", 5},
    {"Paying a bill without surprises", "PB", 10},
    {"Getting a smart meter installed", "SM", 28},
};
#define NJOURNEYS 5

/* Northwind's seven departments first; the "real" shape uses all twelve. */
static const char *const departments[] = {
    "Contact Centre",
    "Metering",
    "Billing",
    "Sales",
    "Field Operations",
    "Onboarding",
    "Payments & Collections",
    "Underwriting",
    "Fraud & Risk",
    "Complaints",
    "Credit Control",
    "Quality Assurance",
};

static const char *const value_touchpoints[] = {
    "Call: question about my account",
    "Web form submitted",
    "Application received",
    "Documents checked",
    "Engineer appointment booked",
    "Meter reading taken",
    "Bill issued",
    "Payment received",
    "Offer sent",
    "Offer accepted",
    "Account updated",
    "Case reviewed",
    "\"Email: confirmation sent, readings flowing\"",
    "Back-office check",
};
static const char *const failure_touchpoints[] = {
    "Chaser call",
    "Complaint: missed engineer appointment",
    "Reopened",
    "\"Call: bill is wrong, customer disagrees\"",
    "Email: where is my refund?",
};
static const char *const channels[] = {"phone", "web",   "app",         "email", "chat",
                                       "sms",   "field", "back office", "letter"};
static const char *const regions[] = {"North", "South", "Midlands", "Scotland"};
static const char *const outcomes[] = {"", "achieved", "failed", "abandoned"};
static const char *const outcomes_caps[] = {"", "ACHIEVED", "Failed", "Abandoned"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ rows */

enum demand { D_BLANK, D_VALUE, D_FAILURE };
enum mess {
	M_NONE,
	M_OTHER_CUSTOMER, /* customer id disagrees with the case's first row: kept, counted */
	M_BAD_TIME,       /* rejected: timestamp is not a date */
	M_BAD_DEMAND,     /* rejected: unknown demand value */
	M_BAD_OUTCOME,    /* rejected: unknown outcome value */
	M_CAPITALS,       /* valid: demand and outcome in capitals (matched case-insensitively) */
};

struct row {
	int64_t t;     /* seconds since 1970, UTC */
	uint32_t c;    /* case number */
	uint8_t dept;  /* index into departments */
	uint8_t touch; /* index into value_ or failure_touchpoints, by demand */
	uint8_t chan;
	uint8_t demand;
	uint8_t outcome; /* index into outcomes; 0 but on the concluding row */
	uint8_t mess;
};

struct log {
	struct row *rows;
	size_t nrows;
	uint8_t *journey; /* a case's journey */
	uint32_t *cust;   /* a case's customer, 1-based */
	uint32_t ncases, ncust;
};

#define T0 1727740800 /* 2024-10-01T00:00:00Z */
#define DAY 86400
#define SPAN (730LL * DAY) /* to 2026-09-30 */

struct shape {
	long events;
	int per_case; /* > 0: exactly; -1: spread; -2: real */
	int few_customers, messy, rejects, quoted;
	enum { O_TIME, O_CASE, O_SHUFFLED } order;
};

static int case_length(const struct shape *s)
{
	if (s->per_case > 0)
		return s->per_case;
	if (s->per_case == -2)
		return 20 + (int)rnd(61);
	/* spread: a long tail like help-desk logs (mean about 8) */
	uint32_t r = rnd(100);
	return r < 10 ? 1 : r < 55 ? 2 + (int)rnd(6) : r < 90 ? 8 + (int)rnd(8) : 16 + (int)rnd(15);
}

static double mean_length(const struct shape *s)
{
	return s->per_case > 0 ? s->per_case : s->per_case == -2 ? 50 : 8;
}

static void generate(const struct shape *s, struct log *lg)
{
	size_t n = (size_t)s->events;
	lg->rows = xmalloc(n * sizeof *lg->rows);
	size_t maxcases = n + 1;
	lg->journey = xmalloc(maxcases);
	lg->cust = xmalloc(maxcases * sizeof *lg->cust);
	uint32_t expect = (uint32_t)((double)n / mean_length(s)) + 1;
	lg->ncust = s->few_customers ? (expect / 200 > 50 ? expect / 200 : 50) : 0;
	int real = s->per_case == -2;
	int ndept = real ? (int)COUNT(departments) : 7;
	/* a hand-off at most rows in the real shape, at two rows in five otherwise */
	uint32_t stay = real ? 3000 : 6000;
	size_t r = 0;
	uint32_t c = 0;
	while (r < n) {
		int k = case_length(s);
		if ((size_t)k > n - r)
			k = (int)(n - r);
		int j = (int)rnd(NJOURNEYS);
		lg->journey[c] = (uint8_t)j;
		lg->cust[c] = s->few_customers ? 1 + rnd(lg->ncust) : c + 1;
		/* starts spread evenly over the span minus the longest case's 60 days */
		int64_t t =
		    T0 + (int64_t)((double)r / (double)n * (double)(SPAN - 60LL * DAY)) + rnd(3600);
		/* gaps so that most cases end within the journey's promise, a quarter of them later
		 */
		int64_t budget =
		    (int64_t)journeys[j].promise_days * DAY * (chance(2500) ? 2 : 1) * 8 / 10;
		int64_t gap = k > 1 ? budget / (k - 1) : 1;
		/* every case ends by 2026-09-30 (the gaps add up to at most 2 * budget + k), so
		   that the pack's period is the samples' 2026-Q3 */
		int64_t last = T0 + SPAN - 1 - 2 * budget - k;
		if (t > last)
			t = last;
		int troubled = chance(3000);
		int concluded = chance(8800);
		uint32_t u = rnd(100);
		int outcome = u < 80 ? 1 : u < 90 ? 2 : 3;
		int dept = (int)rnd((uint32_t)ndept);
		int other = s->messy && k > 1 && chance(300) ? 1 + (int)rnd((uint32_t)k - 1) : -1;
		for (int e = 0; e < k; e++, r++) {
			struct row *w = &lg->rows[r];
			if (e > 0) {
				t += 1 + rnd((uint32_t)(2 * gap));
				if (!chance(stay))
					dept = (int)rnd((uint32_t)ndept);
			}
			w->t = t;
			w->c = c;
			w->dept = (uint8_t)dept;
			uint32_t d = rnd(100);
			w->demand = troubled && d < 25 ? D_FAILURE : d < 10 ? D_BLANK : D_VALUE;
			w->touch =
			    (uint8_t)(w->demand == D_FAILURE ? rnd(COUNT(failure_touchpoints))
			                                     : rnd(COUNT(value_touchpoints)));
			w->chan = (uint8_t)rnd(COUNT(channels));
			w->outcome = (uint8_t)(e == k - 1 && concluded ? outcome : 0);
			w->mess = M_NONE;
			if (e == other)
				w->mess = M_OTHER_CUSTOMER;
			else if (s->messy) {
				uint32_t m = rnd(10000), f = s->rejects ? 15 : 1; /* 30 % or 2 % */
				w->mess = m < 67 * f          ? M_BAD_TIME
				          : m < 134 * f       ? M_BAD_DEMAND
				          : m < 200 * f       ? M_BAD_OUTCOME
				          : m < 200 * f + 100 ? M_CAPITALS
				                              : M_NONE;
			}
		}
		c++;
	}
	lg->nrows = r;
	lg->ncases = c;
	if (!s->few_customers)
		lg->ncust = c;
}

static int by_time(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->c > y->c) - (x->c < y->c);
}

static void reorder(const struct shape *s, struct log *lg)
{
	if (s->order == O_TIME)
		qsort(lg->rows, lg->nrows, sizeof *lg->rows, by_time);
	else if (s->order == O_SHUFFLED)
		for (size_t i = lg->nrows - 1; i > 0; i--) {
			size_t k = (size_t)(rng_next() % (i + 1));
			struct row tmp = lg->rows[i];
			lg->rows[i] = lg->rows[k];
			lg->rows[k] = tmp;
		}
}

/* ------------------------------------------------------------------ output */

struct out {
	FILE *f;
	char buf[1 << 16];
	size_t n;
	bool quoted;  /* every field quoted, lines ended by CRLF (--mess quoted) */
	bool midline; /* quoted: a line begun */
	bool inquote; /* quoted: inside a field the generator quoted */
};

static void flush(struct out *o);

/* s as written with every field quoted: `"a","","b, c"` and CRLF for `a,,"b, c"` and LF (the
 * generator quotes a field only for a comma inside it, never doubles a quote, and writes no line
 * break inside a field). */
static void put_quoted(struct out *o, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (o->n + 4 > sizeof o->buf)
			flush(o);
		if (!o->midline) {
			o->buf[o->n++] = '"';
			o->midline = true;
		}
		if (s[i] == '"') {
			o->inquote = !o->inquote; /* the field is quoted already: its quotes go */
		} else if (s[i] == ',' && !o->inquote) {
			memcpy(o->buf + o->n, "\",\"", 3);
			o->n += 3;
		} else if (s[i] == '\n') {
			memcpy(o->buf + o->n, "\"\r\n", 3);
			o->n += 3;
			o->midline = false;
		} else {
			o->buf[o->n++] = s[i];
		}
	}
}

static void flush(struct out *o)
{
	if (o->n && fwrite(o->buf, 1, o->n, o->f) != o->n) {
		perror("shapegen: write");
		exit(1);
	}
	o->n = 0;
}

static void put(struct out *o, const char *s, size_t len)
{
	if (o->quoted) {
		put_quoted(o, s, len);
		return;
	}
	if (o->n + len > sizeof o->buf)
		flush(o);
	memcpy(o->buf + o->n, s, len);
	o->n += len;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putu(struct out *o, uint32_t v, int width)
{
	char d[16];
	int i = 16;
	do
		d[--i] = (char)('0' + v % 10), v /= 10;
	while (v || 16 - i < width);
	put(o, d + i, (size_t)(16 - i));
}

/* days since 1970-01-01 to a civil date (Howard Hinnant's algorithm) */
static void civil(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void two(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* YYYY-MM-DDTHH:MM:SSZ; the date part is kept from the previous row, since rows in time or case
   order mostly share their day */
static void put_time(struct out *o, int64_t t)
{
	static char s[21];
	static int64_t day = -1;
	if (t / DAY != day) {
		int y, m, d;
		day = t / DAY;
		civil(day, &y, &m, &d);
		two(s, y / 100), two(s + 2, y % 100), s[4] = '-', two(s + 5, m), s[7] = '-';
		two(s + 8, d), s[10] = 'T', s[13] = s[16] = ':', s[19] = 'Z';
	}
	int sec = (int)(t % DAY);
	two(s + 11, sec / 3600), two(s + 14, sec / 60 % 60), two(s + 17, sec % 60);
	put(o, s, 20);
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "shapegen: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

static void close_out(struct out *o)
{
	flush(o);
	if (fclose(o->f) != 0) {
		perror("shapegen: write");
		exit(1);
	}
}

static uint32_t region_of(uint32_t cust)
{
	uint64_t x = cust;
	uint32_t h = (uint32_t)(splitmix64(&x) % 100);
	return h < 35 ? 1 : h < 65 ? 0 : h < 90 ? 2 : 3;
}

static void write_journeys(const char *dir, const struct log *lg, bool quoted)
{
	static struct out o;
	o.f = open_out(dir, "journeys.csv");
	o.n = 0;
	o.quoted = quoted;
	puts_(&o, "case_id,journey,timestamp,department,customer_id,touchpoint,channel,demand,"
	          "outcome,region\n");
	for (size_t i = 0; i < lg->nrows; i++) {
		const struct row *w = &lg->rows[i];
		const struct journey *j = &journeys[lg->journey[w->c]];
		uint32_t cust = lg->cust[w->c];
		puts_(&o, j->prefix);
		put(&o, "-", 1);
		putu(&o, w->c + 1, 8);
		put(&o, ",", 1);
		puts_(&o, j->name);
		put(&o, ",", 1);
		if (w->mess == M_BAD_TIME)
			puts_(&o, "2026-13-01T09:00:00Z");
		else
			put_time(&o, w->t);
		put(&o, ",", 1);
		puts_(&o, departments[w->dept]);
		put(&o, ",NW", 3);
		putu(&o, w->mess == M_OTHER_CUSTOMER ? cust % lg->ncust + 1 : cust, 8);
		put(&o, ",", 1);
		puts_(&o, w->demand == D_FAILURE ? failure_touchpoints[w->touch]
		                                 : value_touchpoints[w->touch]);
		put(&o, ",", 1);
		puts_(&o, channels[w->chan]);
		put(&o, ",", 1);
		if (w->mess == M_BAD_DEMAND)
			puts_(&o, "urgent");
		else if (w->demand != D_BLANK)
			puts_(&o, w->demand == D_FAILURE
			              ? (w->mess == M_CAPITALS ? "FAILURE" : "failure")
			              : (w->mess == M_CAPITALS ? "Value" : "value"));
		put(&o, ",", 1);
		if (w->mess == M_BAD_OUTCOME)
			puts_(&o, "closed");
		else
			puts_(&o, (w->mess == M_CAPITALS ? outcomes_caps : outcomes)[w->outcome]);
		put(&o, ",", 1);
		puts_(&o, regions[region_of(cust)]);
		put(&o, "\n", 1);
	}
	close_out(&o);
}

static void write_customers(const char *dir, const struct log *lg, bool quoted)
{
	static struct out o;
	o.f = open_out(dir, "customers.csv");
	o.n = 0;
	o.quoted = quoted;
	puts_(&o, "customer_id,segment,region,annual_value,joined,left\n");
	for (uint32_t k = 1; k <= lg->ncust; k++) {
		uint64_t x = (uint64_t)k * 7919;
		uint64_t h = splitmix64(&x);
		put(&o, "NW", 2);
		putu(&o, k, 8);
		puts_(&o, h % 10 == 0 ? ",Business," : ",Household,");
		puts_(&o, regions[region_of(k)]);
		put(&o, ",", 1);
		putu(&o, 300 + (uint32_t)(h >> 8) % 2700, 1);
		put(&o, ",,", 2);
		if ((h >> 20) % 100 < 4) { /* 4 % have left, at a date within the log */
			char s[11];
			int y, m, d;
			civil(T0 / DAY + (int64_t)((h >> 28) % 730), &y, &m, &d);
			snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
			put(&o, s, 10);
		}
		put(&o, "\n", 1);
	}
	close_out(&o);
}

/* ------------------------------------------------------------------ main */

static int usage(void)
{
	fprintf(stderr, "usage: shapegen --events N --out DIR [--per-case 1|2|4|8|20|spread|real]\n"
	                "                [--customers unique|few] [--order time|case|shuffled]\n"
	                "                [--mess clean|messy|rejected|quoted] [--seed S]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct shape s = {.events = 0, .per_case = 4, .order = O_TIME};
	const char *dir = NULL;
	uint64_t seed = 22;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			return usage();
		i++;
		if (strcmp(a, "--events") == 0)
			s.events = atol(v);
		else if (strcmp(a, "--out") == 0)
			dir = v;
		else if (strcmp(a, "--seed") == 0)
			seed = strtoull(v, NULL, 10);
		else if (strcmp(a, "--per-case") == 0)
			s.per_case = strcmp(v, "spread") == 0 ? -1
			             : strcmp(v, "real") == 0 ? -2
			                                      : atoi(v);
		else if (strcmp(a, "--customers") == 0 &&
		         (!strcmp(v, "unique") || !strcmp(v, "few")))
			s.few_customers = strcmp(v, "few") == 0;
		else if (strcmp(a, "--mess") == 0 &&
		         (!strcmp(v, "clean") || !strcmp(v, "messy") || !strcmp(v, "rejected") ||
		          !strcmp(v, "quoted"))) {
			s.rejects = strcmp(v, "rejected") == 0;
			s.messy = strcmp(v, "messy") == 0 || s.rejects;
			s.quoted = strcmp(v, "quoted") == 0;
		} else if (strcmp(a, "--order") == 0 && !strcmp(v, "time"))
			s.order = O_TIME;
		else if (strcmp(a, "--order") == 0 && !strcmp(v, "case"))
			s.order = O_CASE;
		else if (strcmp(a, "--order") == 0 && !strcmp(v, "shuffled"))
			s.order = O_SHUFFLED;
		else
			return usage();
	}
	if (!dir || s.events < 1 || s.events > 4000000000L || s.per_case == 0 || s.per_case > 1000)
		return usage();
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) { /* the parent must exist */
		fprintf(stderr, "shapegen: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (int i = 0; i < 4; i++)
		rng_s[i] = splitmix64(&seed);
	struct log lg = {0};
	generate(&s, &lg);
	reorder(&s, &lg);
	write_journeys(dir, &lg, s.quoted);
	write_customers(dir, &lg, s.quoted);
	printf("shapegen: %zu events, %u cases, %u customers in %s\n", lg.nrows, lg.ncases,
	       lg.ncust, dir);
	free(lg.rows);
	free(lg.journey);
	free(lg.cust);
	return 0;
}
