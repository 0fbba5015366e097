/*
 * northwind-gen: deterministic generator of the boardpack demo company,
 * Northwind Energy (a fictional UK energy retailer).
 *
 *   northwind-gen --out DIR                       the committed demo data
 *   northwind-gen --out DIR --events N [--seed S] a scaled data set (benchmarks)
 *
 * Writes DIR/journeys.csv, DIR/kpis.csv and DIR/customers.csv following
 * the input data contract (data-contract.md). samples/README.md describes
 * the company and the story its data tells.
 *
 * Determinism: one xoshiro256** generator seeded through splitmix64, integer
 * arithmetic only (no floating point, no libm, no locale, no clock), so the
 * output is byte-identical on every run and every platform.
 *
 * Memory is bounded by the number of customers (16 bytes each): events are
 * generated case by case and written straight to large stdio buffers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* ------------------------------------------------------------------ PRNG */

static uint64_t rng_s[4];

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void rng_seed(uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		rng_s[i] = splitmix64(&seed);
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

/* uniform integer in [0, n), n < 2^32 */
static uint32_t below(uint32_t n)
{
	return (uint32_t)(((rng_next() >> 32) * (uint64_t)n) >> 32);
}
/* uniform integer in [lo, hi] */
static int64_t between(int64_t lo, int64_t hi)
{
	return lo + (int64_t)below((uint32_t)(hi - lo + 1));
}
/* true with probability pm / 1000 */
static int chance(int pm)
{
	return (int)below(1000) < pm;
}

/* ------------------------------------------------------------- calendar */

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
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

#define DAY 86400
#define NQ 8             /* 2024-Q4 .. 2026-Q3 */
static int64_t T0, TEND; /* first second of data, first second after it */
static int64_t D0, DEND; /* the same in days */

/* quarter index 0..7 of a day number (clamped) */
static int quarter_of_day(int64_t day)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	int q = (y - 2024) * 4 + (m - 1) / 3 - 3;
	return q < 0 ? 0 : q >= NQ ? NQ - 1 : q;
}

/* ------------------------------------------------------------ output */

typedef struct {
	FILE *f;
	const char *path;
	size_t len;
	char buf[1 << 20];
} Out;

static void out_flush(Out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len) {
		fprintf(stderr, "northwind-gen: cannot write %s: %s\n", o->path, strerror(errno));
		exit(1);
	}
	o->len = 0;
}

static void out_mem(Out *o, const char *s, size_t n)
{
	if (o->len + n > sizeof o->buf)
		out_flush(o);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_str(Out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}
static void out_ch(Out *o, char c)
{
	if (o->len + 1 > sizeof o->buf)
		out_flush(o);
	o->buf[o->len++] = c;
}

/* a CSV field, quoted (RFC 4180) only when it has to be */
static void out_field(Out *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (s[0] == 0 || s[strlen(s) - 1] != ' ')) {
		out_str(o, s);
		return;
	}
	out_ch(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			out_ch(o, '"');
		out_ch(o, *s);
	}
	out_ch(o, '"');
}

/* unsigned integer, zero-padded to at least width digits */
static void out_uint(Out *o, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	char rev[24];
	for (int i = 0; i < n; i++)
		rev[i] = tmp[n - 1 - i];
	out_mem(o, rev, (size_t)n);
}

/* a value held in tenths, as "123.4" (or "123" when whole is set) */
static void out_tenths(Out *o, int64_t v, int whole)
{
	if (v < 0) {
		out_ch(o, '-');
		v = -v;
	}
	if (whole) {
		out_uint(o, (uint64_t)(v / 10), 1);
		return;
	}
	out_uint(o, (uint64_t)(v / 10), 1);
	out_ch(o, '.');
	out_ch(o, (char)('0' + v % 10));
}

static void out_date(Out *o, int64_t day)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	out_uint(o, (uint64_t)y, 4);
	out_ch(o, '-');
	out_uint(o, (uint64_t)m, 2);
	out_ch(o, '-');
	out_uint(o, (uint64_t)d, 2);
}

static void out_timestamp(Out *o, int64_t t)
{
	int64_t day = t / DAY, s = t % DAY;
	out_date(o, day);
	out_ch(o, 'T');
	out_uint(o, (uint64_t)(s / 3600), 2);
	out_ch(o, ':');
	out_uint(o, (uint64_t)(s / 60 % 60), 2);
	out_ch(o, ':');
	out_uint(o, (uint64_t)(s % 60), 2);
	out_ch(o, 'Z');
}

static void out_open(Out *o, const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (!p) {
		fprintf(stderr, "northwind-gen: out of memory\n");
		exit(1);
	}
	snprintf(p, n, "%s/%s", dir, name);
	o->path = p;
	o->len = 0;
	o->f = fopen(p, "wb");
	if (!o->f) {
		fprintf(stderr, "northwind-gen: cannot create %s: %s\n", p, strerror(errno));
		exit(1);
	}
}

static void out_close(Out *o)
{
	out_flush(o);
	if (ferror(o->f) | fclose(o->f)) {
		fprintf(stderr, "northwind-gen: cannot write %s: %s\n", o->path, strerror(errno));
		exit(1);
	}
	free((void *)o->path);
}

/* ---------------------------------------------------- the company */

enum { SALES, ONBOARDING, BILLING, METERING, FIELD, CONTACT, PAYMENTS, NDEPT };
static const char *const dept_name[NDEPT] = {
    "Sales",
    "Onboarding",
    "Billing",
    "Metering",
    "Field Operations",
    "Contact Centre",
    "Payments & Collections",
};

enum { NORTH, MIDLANDS, SOUTH, SCOTLAND, NREGION };
static const char *const region_name[NREGION] = {"North", "Midlands", "South", "Scotland"};
static const int region_weight[NREGION] = {30, 25, 35, 10};
/* SCO adjustment by region, per mille */
static const int region_sco[NREGION] = {-20, 0, 30, -60};

enum { HOUSEHOLD, PSR, SMALL_BIZ, LARGE_BIZ, NSEGMENT };
static const char *const segment_name[NSEGMENT] = {
    "Household",
    "Household \xE2\x80\x93 Priority Services Register",
    "Small business",
    "Large business",
};
static const int segment_weight[NSEGMENT] = {820, 90, 75, 15};

typedef struct {
	int dept;
	const char *tp, *ch;
	int pm; /* per mille chance the step happens (1000 = always) */
} Step;

typedef struct {
	int dept;
	const char *tp, *ch;
	int w; /* relative weight */
} Alt;

#define MAXSTEP 8
#define MAXALT 8

typedef struct {
	const char *name, *code;
	int promise_days;
	int weight;         /* cases per quarter in the demo */
	int sco[NQ];        /* per mille, by quarter */
	Step path[MAXSTEP]; /* the last step concludes an achieved case */
	Alt value[MAXALT];  /* optional value-demand touchpoints */
	Alt fail[MAXALT];   /* failure-demand touchpoints */
	Alt failed[MAXALT]; /* concluding touchpoints of failed cases */
	Alt gaveup[MAXALT]; /* concluding touchpoints of abandoned cases */
	/* fault journey only: the share (per mille) fixed remotely, and its path */
	int remote_pm;
	int remote_sco;
	Step remote[MAXSTEP];
} Journey;

enum { J_SWITCH, J_MOVE, J_FAULT, J_BILL, J_SMART, NJOURNEY };

static const Journey journeys[NJOURNEY] = {
    [J_SWITCH] =
        {
            "Switching to Northwind",
            "SW",
            14,
            250,
            {530, 560, 590, 620, 650, 680, 710, 880},
            {{SALES, "Web: switch application submitted", "web", 1000},
             {SALES, "Email: welcome pack sent", "email", 1000},
             {ONBOARDING, "Switch request sent to industry", "back office", 1000},
             {METERING, "Opening meter reading received", "app", 800},
             {ONBOARDING, "Call: switch date confirmed", "phone", 500},
             {BILLING, "First statement issued", "email", 1000}},
            {{SALES, "SMS: switch progress update", "sms", 3},
             {ONBOARDING, "App: customer checked switch status", "app", 3},
             {SALES, "Chat: tariff question answered", "chat", 2},
             {CONTACT, "Chat: question about the first Direct Debit", "chat", 1}},
            {{CONTACT, "Call: has my switch happened yet?", "phone", 5},
             {CONTACT, "Chat: I've been charged by both suppliers", "chat", 2},
             {METERING, "Call: opening reading rejected, please resubmit", "phone", 2},
             {BILLING, "Email: opening reading wrong on first statement", "email", 2},
             {ONBOARDING, "Switch date moved: industry data mismatch", "back office", 1}},
            {{ONBOARDING, "Switch rejected: objection from previous supplier", "back office", 3},
             {ONBOARDING, "Switch failed: meter not found in industry data", "back office", 1}},
            {{SALES, "Customer cancelled in cooling-off period", "phone", 3},
             {CONTACT, "Customer stopped the switch after delays", "phone", 2}},
            0,
            0,
            {{0, 0, 0, 0}},
        },
    [J_MOVE] =
        {
            "Moving home",
            "MH",
            14,
            210,
            {600, 590, 575, 560, 550, 535, 520, 490},
            {{CONTACT, "Web: moving home form submitted", "web", 1000},
             {ONBOARDING, "New home account opened", "back office", 1000},
             {METERING, "Move-out reading recorded", "app", 700},
             {METERING, "Move-in meter reading recorded", "app", 1000},
             {BILLING, "Final bill for old home issued", "email", 1000},
             {BILLING, "Welcome statement for new home issued", "email", 1000}},
            {{CONTACT, "Email: moving home checklist sent", "email", 3},
             {ONBOARDING, "SMS: new account number sent", "sms", 2},
             {CONTACT, "App: new address confirmed", "app", 2}},
            {{CONTACT, "Call: why is my final bill so high?", "phone", 5},
             {CONTACT, "Call: I'm being billed for two homes", "phone", 3},
             {BILLING, "Email: bill sent to my old address", "email", 2},
             {BILLING, "Bill re-issued after wrong move-out reading", "back office", 2},
             {METERING, "Call: move-in reading missing", "phone", 1},
             {CONTACT, "Email: \"still no bill for the new flat, please call me\"", "email", 1}},
            {{BILLING, "Complaint: account closed in error", "phone", 2},
             {ONBOARDING, "New home supplied by another supplier in error", "back office", 1}},
            {{CONTACT, "Customer chose another supplier for the new home", "phone", 3},
             {CONTACT, "Customer stopped responding", "email", 1}},
            0,
            0,
            {{0, 0, 0, 0}},
        },
    [J_FAULT] =
        {
            "Getting a fault fixed",
            "FF",
            5,
            240,
            {480, 475, 470, 460, 450, 440, 420, 390},
            {{CONTACT, "Call: reporting a fault", "phone", 1000},
             {CONTACT, "Remote diagnosis", "phone", 600},
             {FIELD, "Engineer appointment booked", "back office", 1000},
             {FIELD, "Engineer on site", "field", 1000},
             {FIELD, "Fault fixed, job closed", "field", 1000}},
            {{FIELD, "SMS: engineer on the way", "sms", 3},
             {CONTACT, "App: fault status checked", "app", 2},
             {CONTACT, "Call: interpreter arranged (j\xC4\x99zyk polski)", "phone", 1}},
            {{CONTACT, "Call: where is my engineer?", "phone", 6},
             {CONTACT, "Complaint: missed engineer appointment", "phone", 2},
             {FIELD, "Engineer visit: parts not on van", "field", 2},
             {FIELD, "Revisit booked after failed repair", "back office", 1},
             {FIELD, "Meter exchange needed: second visit booked", "back office", 1}},
            {{FIELD, "Job closed: no fault found, customer disagrees", "field", 2},
             {FIELD, "Job closed: network operator's fault, referred", "back office", 1}},
            {{CONTACT, "Customer arranged their own electrician", "phone", 2},
             {CONTACT, "Customer stopped responding", "email", 1}},
            200,
            850,
            {{CONTACT, "Call: reporting a fault", "phone", 1000},
             {CONTACT, "Remote diagnosis", "phone", 1000},
             {CONTACT, "Fixed remotely by adviser", "phone", 1000}},
        },
    [J_BILL] =
        {
            "Paying a bill without surprises",
            "PB",
            10,
            260,
            {680, 675, 670, 665, 660, 655, 640, 625},
            {{BILLING, "Bill issued", "email", 1000},
             {PAYMENTS, "Direct Debit amount reviewed", "back office", 700},
             {CONTACT, "App: bill explained", "app", 400},
             {PAYMENTS, "Payment collected", "back office", 1000}},
            {{BILLING, "SMS: bill ready", "sms", 3},
             {PAYMENTS, "Email: payment reminder", "email", 2},
             {BILLING, "Email: Caf\xC3\xA9 owner asks about VAT on the standing charge", "email",
              1},
             {METERING, "Smart meter reading received", "back office", 1}},
            {{CONTACT, "Call: why has my Direct Debit gone up?", "phone", 5},
             {BILLING, "Bill re-issued after estimated reading", "back office", 3},
             {PAYMENTS, "Letter: missed-payment reminder sent in error", "letter", 2},
             {CONTACT, "Email: \"this bill is wrong, please call me\"", "email", 2},
             {METERING, "Meter reading requested to correct estimate", "back office", 1}},
            {{PAYMENTS, "Account passed to debt collection", "back office", 2},
             {BILLING, "Complaint escalated to the Energy Ombudsman", "letter", 1}},
            {{CONTACT, "Customer stopped responding", "email", 2},
             {PAYMENTS, "Customer cancelled Direct Debit", "web", 1}},
            0,
            0,
            {{0, 0, 0, 0}},
        },
    [J_SMART] =
        {
            "Getting a smart meter installed",
            "SM",
            28,
            200,
            {500, 510, 520, 530, 540, 550, 560, 555},
            {{SALES, "App: smart meter appointment booked", "app", 1000},
             {METERING, "Appointment confirmed", "email", 1000},
             {FIELD, "Smart meter installed", "field", 1000},
             {METERING, "In-home display paired", "back office", 600},
             {METERING, "Meter commissioned, readings flowing", "back office", 1000}},
            {{METERING, "SMS: appointment reminder", "sms", 3},
             {SALES, "Email: what to expect on the day", "email", 2},
             {CONTACT, "Call: access arrangements for the engineer", "phone", 1}},
            {{CONTACT, "Call: engineer didn't turn up", "phone", 4},
             {CONTACT, "Call: in-home display not working", "phone", 3},
             {FIELD, "Installation aborted: no signal", "field", 2},
             {METERING, "Meter not sending readings", "back office", 2},
             {SALES, "Appointment rebooked", "phone", 1}},
            {{METERING, "Installation cancelled: property unsuitable", "back office", 2},
             {FIELD, "Installation failed: meter position unsafe", "field", 1}},
            {{CONTACT, "Customer cancelled the appointment", "phone", 3}},
            0,
            0,
            {{0, 0, 0, 0}},
        },
};

#define DEMO_CASES_PER_QUARTER 1160 /* the sum of the journeys' weights */
#define DEMO_SEED 20261001u

/* ------------------------------------------------------------ customers */

typedef struct {
	int32_t joined; /* day number, -1: long-standing */
	int32_t left;   /* day number, -1: still a customer */
	int32_t value;  /* annual value, GBP */
	uint8_t region, segment;
} Customer;

static Customer *cust;
static size_t ncust, capcust;

static int pick_weighted(const int *w, int n)
{
	int total = 0;
	for (int i = 0; i < n; i++)
		total += w[i];
	int r = (int)below((uint32_t)total);
	for (int i = 0; i < n; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

static size_t new_customer(int32_t joined)
{
	if (ncust == capcust) {
		capcust = capcust ? capcust * 2 : 4096;
		cust = realloc(cust, capcust * sizeof *cust);
		if (!cust) {
			fprintf(stderr, "northwind-gen: out of memory\n");
			exit(1);
		}
	}
	Customer *c = &cust[ncust];
	c->joined = joined;
	c->left = -1;
	c->region = (uint8_t)pick_weighted(region_weight, NREGION);
	c->segment = (uint8_t)pick_weighted(segment_weight, NSEGMENT);
	switch (c->segment) {
	case SMALL_BIZ:
		c->value = (int32_t)between(2500, 15000);
		break;
	case LARGE_BIZ:
		c->value = (int32_t)between(20000, 120000);
		break;
	default:
		c->value = (int32_t)between(300, 1100);
		c->value += (int32_t)between(300, 1300);
		break;
	}
	/* long-standing customers: some leave for reasons of their own */
	if (joined < 0 && chance(110))
		c->left = (int32_t)between(D0 + 1, DEND - 1);
	return ncust++;
}

/* an existing customer who is a customer on day `day` and stays for a while */
static size_t pick_customer(int64_t day)
{
	/* one draw from the main stream whatever happens, so that who has left
	 * does not shift the numbers every later case is made of */
	uint64_t h = rng_next();
	for (int tries = 0; tries < 64; tries++) {
		size_t i = (size_t)(((splitmix64(&h) >> 32) * (uint64_t)ncust) >> 32);
		const Customer *c = &cust[i];
		if (c->joined >= 0 && c->joined >= day)
			continue;
		if (c->left >= 0 && c->left <= day + 120)
			continue;
		return i;
	}
	return new_customer(-1); /* rare: consumes main-stream numbers */
}

/* ------------------------------------------------------------ cases */

enum { F_SCO, F_LATE, F_FAILDEMAND, F_FAILED, F_ABANDONED };
enum { D_BLANK, D_VALUE, D_FAILURE };
enum { O_NONE, O_ACHIEVED, O_FAILED, O_ABANDONED };
static const char *const outcome_name[] = {"", "achieved", "failed", "abandoned"};
static const char *const demand_name[] = {"", "value", "failure"};

typedef struct {
	int64_t t;
	const char *tp, *ch;
	uint8_t dept, demand, outcome;
} Row;

#define MAXROWS 15

typedef struct {
	uint64_t id;
	int journey;
	size_t customer;
	int n;
	Row r[MAXROWS];
} Case;

/* churn within the window after a concluded case, per mille, by fate */
static const int churn_pm[NJOURNEY][5] = {
    [J_SWITCH] = {25, 50, 50, 500, 600},  [J_MOVE] = {60, 110, 110, 240, 300},
    [J_FAULT] = {60, 100, 100, 200, 220}, [J_BILL] = {55, 100, 100, 200, 220},
    [J_SMART] = {50, 80, 80, 150, 180},
};

static const Alt *pick_alt(const Alt *a)
{
	int w[MAXALT], n = 0;
	while (n < MAXALT && a[n].tp) {
		w[n] = a[n].w;
		n++;
	}
	return &a[pick_weighted(w, n)];
}

static Row row_of(int dept, const char *tp, const char *ch, int demand)
{
	Row r;
	r.t = 0;
	r.dept = (uint8_t)dept;
	r.tp = tp;
	r.ch = ch;
	r.demand = (uint8_t)demand;
	r.outcome = O_NONE;
	return r;
}

/* value demand is written "value" most of the time, blank sometimes */
static int value_demand(void)
{
	return chance(120) ? D_BLANK : D_VALUE;
}

static void insert_row(Case *c, int pos, Row r)
{
	memmove(&c->r[pos + 1], &c->r[pos], (size_t)(c->n - pos) * sizeof(Row));
	c->r[pos] = r;
	c->n++;
}

/* clock time squeezed into 07:00-21:00 (monotonic within and across days) */
static int64_t office_hours(int64_t t)
{
	int64_t day = t / DAY, s = t % DAY;
	return day * DAY + 7 * 3600 + s * 14 / 24;
}

static int64_t stat_cases, stat_events, stat_open;
static uint64_t churn_salt;

static void make_case(Case *c, uint64_t id, int64_t start)
{
	int j =
	    pick_weighted((const int[]){journeys[0].weight, journeys[1].weight, journeys[2].weight,
	                                journeys[3].weight, journeys[4].weight},
	                  NJOURNEY);
	const Journey *J = &journeys[j];
	int64_t day = start / DAY;
	size_t ci = j == J_SWITCH ? new_customer((int32_t)day) : pick_customer(day);
	const Customer *cu = &cust[ci];
	c->id = id;
	c->journey = j;
	c->customer = ci;
	c->n = 0;

	int remote = J->remote_pm && chance(J->remote_pm);
	int q = quarter_of_day(day + J->promise_days / 2);
	int p = remote ? J->remote_sco : J->sco[q];
	p += region_sco[cu->region];
	int fate;
	if (chance(p))
		fate = F_SCO;
	else
		fate = pick_weighted((const int[]){0, 30, 25, 25, 20}, 5);

	/* the path */
	const Step *path = remote ? J->remote : J->path;
	int npath = 0;
	while (npath < MAXSTEP && path[npath].tp)
		npath++;
	int stop = npath; /* failed and abandoned cases stop part-way */
	if (fate == F_FAILED || fate == F_ABANDONED)
		stop = (int)between(1, npath - 1);
	for (int i = 0; i < stop; i++) {
		if (i > 0 && i < npath - 1 && !chance(path[i].pm))
			continue;
		c->r[c->n++] = row_of(path[i].dept, path[i].tp, path[i].ch, value_demand());
	}
	if (fate == F_FAILED || fate == F_ABANDONED) {
		const Alt *a = pick_alt(fate == F_FAILED ? J->failed : J->gaveup);
		c->r[c->n++] = row_of(a->dept, a->tp, a->ch, value_demand());
		c->r[c->n - 1].outcome = fate == F_FAILED ? O_FAILED : O_ABANDONED;
	} else {
		c->r[c->n - 1].outcome = O_ACHIEVED;
	}

	/* failure demand and extra value demand, between the first and the last row */
	int nfail = 0;
	switch (fate) {
	case F_LATE:
		nfail = (int)between(0, 3);
		break;
	case F_FAILDEMAND:
		nfail = (int)between(1, 3);
		break;
	case F_FAILED:
		nfail = (int)between(1, 5);
		break;
	case F_ABANDONED:
		nfail = (int)between(0, 3);
		break;
	default:
		break;
	}
	int nvalue = (int)between(0, 4);
	for (int k = 0; k < nfail && c->n < MAXROWS - 1; k++) {
		const Alt *a = pick_alt(J->fail);
		insert_row(c, (int)between(1, c->n - 1), row_of(a->dept, a->tp, a->ch, D_FAILURE));
	}
	for (int k = 0; k < nvalue && c->n < MAXROWS - 1; k++) {
		const Alt *a = pick_alt(J->value);
		int pos = (int)between(1, c->n - 1); /* one draw per statement: */
		int dem = value_demand();            /* argument order is unspecified */
		insert_row(c, pos, row_of(a->dept, a->tp, a->ch, dem));
	}
	while (c->n < 3) {
		const Alt *a = pick_alt(J->value);
		insert_row(c, 1, row_of(a->dept, a->tp, a->ch, value_demand()));
	}
	int concl = c->n - 1; /* index of the concluding row */
	if (c->n < MAXROWS && chance(40)) {
		c->r[c->n] = row_of(c->r[concl].dept, "Email: how did we do?", "email", D_VALUE);
		c->n++;
	}

	/* timing: the concluding row `dur` seconds after the start */
	int64_t promise = (int64_t)J->promise_days * DAY, dur;
	switch (fate) {
	case F_SCO:
		dur = promise * between(150, 850) / 1000;
		break;
	case F_LATE:
		dur = promise * between(1150, 2600) / 1000;
		break;
	case F_FAILDEMAND:
		dur = promise * between(300, 850) / 1000;
		break;
	case F_FAILED:
		dur = promise * between(500, 3000) / 1000;
		break;
	default:
		dur = promise * between(300, 2000) / 1000;
		break;
	}
	int64_t off[MAXROWS];
	off[0] = 0;
	off[concl] = dur;
	for (int i = 1; i < concl; i++) { /* sorted draws in (0, dur) */
		int64_t v = between(1, dur - 1);
		int k = i;
		while (k > 1 && off[k - 1] > v) {
			off[k] = off[k - 1];
			k--;
		}
		off[k] = v;
	}
	for (int i = concl + 1; i < c->n; i++)
		off[i] = off[i - 1] + between(DAY / 2, 3 * DAY);
	int64_t prev = 0;
	for (int i = 0; i < c->n; i++) {
		int64_t t = office_hours(start + off[i]);
		if (i && t < prev + 60)
			t = prev + 60 + between(0, 600);
		c->r[i].t = prev = t;
	}

	/* the data end at TEND: later rows have not happened yet (open case) */
	int keep = 0;
	while (keep < c->n && c->r[keep].t < TEND)
		keep++;
	if (keep <= concl) {
		if (keep < 3 && c->n >= 3) { /* squeeze the first three rows in */
			int64_t room = TEND - c->r[0].t;
			c->r[1].t = c->r[0].t + 60 + room / 3;
			c->r[2].t = c->r[0].t + 120 + room * 2 / 3;
			if (c->r[2].t >= TEND)
				c->r[2].t = TEND - 1;
			if (c->r[1].t >= c->r[2].t)
				c->r[1].t = c->r[2].t - 1;
			keep = 3;
		}
	}
	c->n = keep;
	if (keep <= concl)
		stat_open++;

	/* did the customer leave within the window? (its own stream of numbers,
	 * so that tuning churn leaves the rest of the data as it is) */
	if (keep > concl && c->r[concl].t < TEND) {
		int64_t end_day = c->r[concl].t / DAY;
		uint64_t h = churn_salt ^ (id * 0xD6E8FEB86659FD93ull);
		uint64_t u = splitmix64(&h), v = splitmix64(&h);
		if ((int)(((u >> 32) * 1000) >> 32) < churn_pm[j][fate]) {
			/* most who leave go within a few weeks */
			int64_t delay = j == J_SWITCH && fate >= F_FAILED ? (int64_t)(v % 8)
			                : (v >> 8) % 3 ? (int64_t)((v >> 16) % 45)
			                               : (int64_t)((v >> 16) % 89);
			int64_t left = end_day + delay;
			Customer *cw = &cust[ci];
			if (left < DEND && (cw->left < 0 || cw->left > left))
				cw->left = (int32_t)left;
		}
	}
}

static void write_row(Out *o, const Case *c, const Row *r)
{
	const Journey *J = &journeys[c->journey];
	out_str(o, J->code);
	out_ch(o, '-');
	out_uint(o, c->id, 7);
	out_ch(o, ',');
	out_str(o, J->name);
	out_ch(o, ',');
	out_timestamp(o, r->t);
	out_ch(o, ',');
	out_field(o, dept_name[r->dept]);
	out_str(o, ",NW");
	out_uint(o, (uint64_t)c->customer + 1, 7);
	out_ch(o, ',');
	out_field(o, r->tp);
	out_ch(o, ',');
	out_field(o, r->ch);
	out_ch(o, ',');
	out_str(o, demand_name[r->demand]);
	out_ch(o, ',');
	out_str(o, outcome_name[r->outcome]);
	out_ch(o, ',');
	out_str(o, region_name[cust[c->customer].region]);
	out_ch(o, '\n');
}

/*
 * Generate `ncases` cases spread evenly over the eight quarters. With o NULL
 * nothing is written (a dry run that counts the events).
 */
static int64_t generate(Out *o, uint64_t seed, int64_t ncases)
{
	rng_seed(seed);
	churn_salt = seed * 0x9E3779B97F4A7C15ull + 0x636875726Eull;
	ncust = 0;
	stat_cases = stat_events = stat_open = 0;
	/* long-standing customers: about three for every four non-switching cases */
	int64_t base = ncases * 3 / 5;
	for (int64_t i = 0; i < base; i++)
		new_customer(-1);
	if (o)
		out_str(
		    o, "case_id,journey,timestamp,department,customer_id,touchpoint,channel,demand,"
		       "outcome,region\n");
	static Case cur, held;
	int holding = 0;
	int64_t span = TEND - T0 - 3 * DAY; /* no case starts in the last three days */
	for (int64_t i = 0; i < ncases; i++) {
		/* every case draws from its own stream: changing one case's story
		 * (or a rate) does not reshuffle all the cases after it */
		rng_seed(seed ^ ((uint64_t)i * 0xA24BAED4963EE407ull) ^ 0x6361736573ull);
		int64_t start =
		    T0 + (span * i + (int64_t)below(1u << 20) * span / (1 << 20)) / ncases;
		make_case(&cur, (uint64_t)i + 1, start);
		stat_cases++;
		stat_events += cur.n;
		if (!o)
			continue;
		int mess = (int)below(1000);
		if (holding) { /* interleave the held case's rows with this one's */
			int a = 0, b = 0;
			while (a < held.n || b < cur.n) {
				if (a < held.n && (b >= cur.n || chance(500)))
					write_row(o, &held, &held.r[a++]);
				else
					write_row(o, &cur, &cur.r[b++]);
			}
			holding = 0;
			continue;
		}
		if (mess < 5) { /* ~0.5 %: held back and interleaved with the next case */
			held = cur;
			holding = 1;
			continue;
		}
		if (mess < 10) { /* ~0.5 %: rows written out of time order */
			for (int k = cur.n - 1; k > 0; k--) {
				int m = (int)below((uint32_t)k + 1);
				Row t = cur.r[k];
				cur.r[k] = cur.r[m];
				cur.r[m] = t;
			}
		}
		for (int k = 0; k < cur.n; k++)
			write_row(o, &cur, &cur.r[k]);
	}
	if (o && holding)
		for (int k = 0; k < held.n; k++)
			write_row(o, &held, &held.r[k]);
	return stat_events;
}

static void write_customers(Out *o)
{
	out_str(o, "customer_id,segment,region,annual_value,joined,left\n");
	for (size_t i = 0; i < ncust; i++) {
		const Customer *c = &cust[i];
		out_str(o, "NW");
		out_uint(o, (uint64_t)i + 1, 7);
		out_ch(o, ',');
		out_field(o, segment_name[c->segment]);
		out_ch(o, ',');
		out_str(o, region_name[c->region]);
		out_ch(o, ',');
		out_uint(o, (uint64_t)c->value, 1);
		out_ch(o, ',');
		if (c->joined >= 0)
			out_date(o, c->joined);
		out_ch(o, ',');
		if (c->left >= 0)
			out_date(o, c->left);
		out_ch(o, '\n');
	}
}

/* ------------------------------------------------------------ KPIs */

typedef struct {
	int dept;
	const char *name, *unit;
	int lower;   /* lower is better */
	int target;  /* in tenths */
	int tol_pm;  /* tolerance per mille; 0: blank (the default, 5 %) */
	int outcome; /* kind outcome (else output) */
	int scaled;  /* a count that grows with the data set */
	const char *serves, *region;
	const char *status; /* by quarter: g(reen) a(mber) r(ed) ?(random, mostly green) */
} Kpi;

static const Kpi kpis[] = {
    {SALES, "Quotes converted to sales", "%", 0, 320, 0, 0, 0, "Switching to Northwind", "",
     "???????g"},
    {SALES, "Switch applications submitted", "count", 0, 1900, 100, 0, 1, "Switching to Northwind",
     "", "???????g"},
    {SALES, "Smart meter appointments booked", "count", 0, 1500, 0, 0, 1,
     "Getting a smart meter installed", "", "???????g"},
    {SALES, "Average days from quote to application", "days", 1, 30, 100, 0, 0,
     "Switching to Northwind", "", "???????g"},
    {ONBOARDING, "Switch requests sent within 1 day", "%", 0, 950, 0, 0, 0,
     "Switching to Northwind", "", "???????g"},
    {ONBOARDING, "New accounts set up within 2 days", "%", 0, 900, 0, 0, 0,
     "Moving home;Switching to Northwind", "", "???????g"},
    {ONBOARDING, "Switches completed on the agreed date", "%", 0, 850, 0, 1, 0,
     "Switching to Northwind", "", "a?a??ggg"},
    {ONBOARDING, "Welcome packs sent within 24 hours", "%", 0, 980, 20, 0, 0,
     "Switching to Northwind;Moving home", "", "???????g"},
    {BILLING, "Bills issued on time", "%", 0, 970, 20, 0, 0,
     "Paying a bill without surprises;Moving home", "", "???????g"},
    {BILLING, "Final bills issued within 6 weeks", "%", 0, 950, 0, 0, 0, "Moving home", "",
     "???????g"},
    {BILLING, "Bill run exceptions", "count", 1, 400, 100, 0, 1, "Paying a bill without surprises",
     "", "???????g"},
    {BILLING, "Bills based on estimated readings", "%", 1, 120, 0, 0, 0,
     "Paying a bill without surprises;Getting a smart meter installed", "", "???????g"},
    {BILLING, "Average days to issue a first bill", "days", 1, 100, 0, 0, 0,
     "Moving home;Switching to Northwind", "", "???????g"},
    {METERING, "Meter readings validated", "%", 0, 960, 0, 0, 0,
     "Paying a bill without surprises;Moving home", "", "???????g"},
    {METERING, "Smart meters commissioned", "count", 0, 1200, 100, 0, 1,
     "Getting a smart meter installed", "", "???????g"},
    {METERING, "Meter reading backlog", "count", 1, 800, 100, 0, 1,
     "Paying a bill without surprises", "", "???????g"},
    {METERING, "Move-in readings recorded within 5 days", "%", 0, 900, 0, 0, 0, "Moving home", "",
     "???????g"},
    {METERING, "Smart meters sending readings", "%", 0, 920, 0, 1, 0,
     "Getting a smart meter installed", "", "?g?a?gaa"},
    {FIELD, "Engineer appointments kept", "%", 0, 900, 0, 0, 0,
     "Getting a fault fixed;Getting a smart meter installed", "", "???????g"},
    {FIELD, "Average hours to dispatch an engineer", "hours", 1, 240, 100, 0, 0,
     "Getting a fault fixed", "", "???????g"},
    {FIELD, "Jobs closed within SLA", "%", 0, 850, 0, 0, 0, "Getting a fault fixed", "",
     "???????g"},
    {FIELD, "Jobs closed within SLA (Scotland)", "%", 0, 850, 0, 0, 0, "Getting a fault fixed",
     "Scotland", "?a?g?a?g"},
    {CONTACT, "Calls answered in 60 seconds", "%", 0, 800, 0, 0, 0,
     "Getting a fault fixed;Moving home;Paying a bill without surprises", "", "ggaggaar"},
    {CONTACT, "Abandoned calls", "%", 1, 50, 100, 0, 0,
     "Getting a fault fixed;Moving home;Paying a bill without surprises", "", "gggagaar"},
    {CONTACT, "Contacts resolved at first contact", "%", 0, 750, 0, 1, 0,
     "Getting a fault fixed;Paying a bill without surprises", "", "???????g"},
    {CONTACT, "Complaints acknowledged within 2 days", "%", 0, 950, 50, 0, 0,
     "Getting a fault fixed;Moving home;Paying a bill without surprises", "", "???????g"},
    {PAYMENTS, "Direct Debit collection rate", "%", 0, 970, 20, 0, 0,
     "Paying a bill without surprises", "", "???????g"},
    {PAYMENTS, "Payment plans set up within 5 days", "%", 0, 900, 0, 0, 0,
     "Paying a bill without surprises", "", "???????g"},
    {PAYMENTS, "Debt over 90 days", "%", 1, 40, 0, 1, 0, "Paying a bill without surprises", "",
     "???????g"},
    {PAYMENTS, "Refunds paid within 10 days", "%", 0, 950, 0, 0, 0,
     "Paying a bill without surprises;Moving home", "", "???????g"},
};

static void write_kpis(Out *o, int64_t scale_num, int64_t scale_den)
{
	out_str(
	    o,
	    "period,department,kpi,actual,target,direction,unit,tolerance,kind,journey,region\n");
	static const char *const qlabel[NQ] = {"2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3",
	                                       "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"};
	for (int q = 0; q < NQ; q++) {
		for (size_t k = 0; k < sizeof kpis / sizeof kpis[0]; k++) {
			const Kpi *K = &kpis[k];
			int64_t target = K->target;
			if (K->scaled) {
				target = target * scale_num / scale_den / 10 * 10;
				if (target < 10)
					target = 10;
			}
			char st = K->status[q];
			if (st == '?' || st == ' ')
				st = chance(940) ? 'g' : chance(600) ? 'a' : 'r';
			int64_t tol = (K->tol_pm ? K->tol_pm : 50) * target / 1000; /* tenths */
			int64_t cap = K->unit[0] == '%' ? 1000 : INT64_MAX / 4;
			int whole = K->unit[0] == 'c'; /* counts move in whole units */
			int64_t step = whole ? 10 : 1, t = tol / step;
			int64_t dist; /* how far on the good (+) or bad (-) side of the target */
			if (st == 'g')
				dist = step * between(0, target / step / 25 + 1);
			else if (st == 'a')
				dist = t >= 3 ? -step * between(1, t - 1) : -step;
			else
				dist = -step * (t + 2 + between(0, target / step / 8 + 1));
			int64_t actual = K->lower ? target - dist : target + dist;
			if (actual > cap)
				actual = cap;
			if (actual < 0)
				actual = 0;
			out_str(o, qlabel[q]);
			out_ch(o, ',');
			out_field(o, dept_name[K->dept]);
			out_ch(o, ',');
			out_field(o, K->name);
			out_ch(o, ',');
			out_tenths(o, actual, K->unit[0] == 'c');
			out_ch(o, ',');
			out_tenths(o, target, K->unit[0] == 'c');
			out_ch(o, ',');
			out_str(o, K->lower ? "lower" : "higher");
			out_ch(o, ',');
			out_str(o, K->unit);
			out_ch(o, ',');
			if (K->tol_pm) { /* 0.1, 0.02, 0.05 */
				char tb[8] = "0.";
				int v = K->tol_pm, n = 2;
				for (int div = 100; div && v; div /= 10) {
					tb[n++] = (char)('0' + v / div);
					v %= div;
				}
				tb[n] = 0;
				out_str(o, tb);
			}
			out_ch(o, ',');
			out_str(o, K->outcome ? "outcome" : "output");
			out_ch(o, ',');
			out_field(o, K->serves);
			out_ch(o, ',');
			out_str(o, K->region);
			out_ch(o, '\n');
		}
	}
}

/* ------------------------------------------------------------ main */

static void usage(FILE *f)
{
	fputs("usage: northwind-gen --out DIR [--events N [--seed S]]\n"
	      "\n"
	      "Writes DIR/journeys.csv, DIR/kpis.csv and DIR/customers.csv for Northwind\n"
	      "Energy, boardpack's fictional demo company (2024-Q4 to 2026-Q3).\n"
	      "\n"
	      "  --out DIR    folder to write to (created if missing)\n"
	      "  --events N   a scaled data set of about N journey events (benchmarks);\n"
	      "               without it, the demo data committed in samples/northwind\n"
	      "  --seed S     another data set of the same shape (default 20261001)\n"
	      "  --help       this text\n"
	      "\n"
	      "The output depends only on the arguments: every run writes the same bytes.\n",
	      f);
}

static int parse_u64(const char *s, uint64_t *v)
{
	if (!*s)
		return 0;
	uint64_t x = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
			return 0;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 1;
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	uint64_t events = 0, seed = DEMO_SEED;
	int have_events = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(a, "--out") || !strcmp(a, "--events") || !strcmp(a, "--seed")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "northwind-gen: %s needs a value\n", a);
				return 1;
			}
			const char *v = argv[++i];
			if (!strcmp(a, "--out")) {
				dir = v;
			} else if (!strcmp(a, "--events")) {
				if (!parse_u64(v, &events) || events < 100 ||
				    events > 2000000000u) {
					fprintf(stderr,
					        "northwind-gen: --events expects a whole number "
					        "from 100 to "
					        "2000000000, got '%s'\n",
					        v);
					return 1;
				}
				have_events = 1;
			} else if (!parse_u64(v, &seed)) {
				fprintf(stderr,
				        "northwind-gen: --seed expects a whole number, got '%s'\n",
				        v);
				return 1;
			}
			continue;
		}
		fprintf(stderr, "northwind-gen: unknown argument '%s' (try --help)\n", a);
		return 1;
	}
	if (!dir || !*dir) {
		fprintf(stderr, "northwind-gen: --out DIR is required (try --help)\n");
		return 1;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "northwind-gen: cannot create folder %s: %s\n", dir,
		        strerror(errno));
		return 1;
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "northwind-gen: %s is not a folder\n", dir);
		return 1;
	}

	D0 = days_from_civil(2024, 10, 1);
	DEND = days_from_civil(2026, 10, 1);
	T0 = D0 * DAY;
	TEND = DEND * DAY;

	int64_t demo = (int64_t)DEMO_CASES_PER_QUARTER * NQ, ncases = demo;
	if (have_events) {
		/* a dry run on a sample measures events per case for this shape */
		int64_t trial = (int64_t)(events / 9);
		if (trial > 50000)
			trial = 50000;
		if (trial < 200)
			trial = 200;
		int64_t ev = generate(NULL, seed, trial);
		ncases = ((int64_t)events * trial + ev / 2) / ev;
		if (ncases < 1)
			ncases = 1;
	}

	static Out o;
	out_open(&o, dir, "journeys.csv");
	generate(&o, seed, ncases);
	out_close(&o);
	out_open(&o, dir, "customers.csv");
	write_customers(&o);
	out_close(&o);
	out_open(&o, dir, "kpis.csv");
	rng_seed(seed ^ 0x4B5049ull);
	write_kpis(&o, ncases, demo);
	out_close(&o);
	free(cust);
	if (have_events)
		fprintf(stderr,
		        "northwind-gen: %lld events, %lld cases (%lld open), %zu customers in %s\n",
		        (long long)stat_events, (long long)stat_cases, (long long)stat_open, ncust,
		        dir);
	return 0;
}
