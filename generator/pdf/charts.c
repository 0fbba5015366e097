/* charts: figure blocks read from their rows or from the pack's view, and drawn as vector items. */
#include "pdf/charts.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/format.h"
#include "util/stats.h"
#include "util/strbuf.h"
#include "util/xmem.h"
#include "view/view.h"

#define NBSP "\xC2\xA0"
/* No text of a figure is smaller than this (pack.md, "Read on a phone"). */
#define MIN_TEXT 7.5f

enum fig_kind { FIG_COVER, FIG_CARDS, FIG_TREND, FIG_BARS, FIG_HEATMAP, FIG_MULTIPLES };

static const char *const kind_names[] = {"cover", "cards", "trend", "bars", "heatmap", "multiples"};

struct point {
	char *label;
	double cases, successful;
	bool has; /* cases > 0 */
};

struct series {
	char *title;
	double target;
	bool has_target;
	struct point *pts;
	size_t n;
};

#define SPARK_MAX 8
struct card {
	char *value, *label, *detail;
	int tone;                /* 1 good, -1 bad, 0 neutral */
	double spark[SPARK_MAX]; /* the figure's last periods, oldest first; NAN: no value */
	int nspark;
};

struct bar {
	char *label, *display;
	double value;
	bool has;
};

struct hcell {
	double successful, cases;
	bool has;
};

struct hrow {
	char *label;
	struct hcell *cells;
};

struct figure {
	enum fig_kind kind;
	int index;
	char *title;
	double target, max, min_cases;
	bool has_target, has_max;
	bool target_given, min_given; /* the attribute was written, even empty */
	bool percent;
	char *data;              /* data=REF: the numbers are the view's (NULL: the rows') */
	const struct view *view; /* while parsing: what data= and a card's @series name, or NULL */
	/* cover */
	char *cover[5];
	/* cards */
	struct card *cards;
	size_t ncards;
	/* trend (one series) and multiples */
	struct series *series;
	size_t nseries;
	/* bars */
	struct bar *bars;
	size_t nbars;
	/* heatmap */
	char **cols;
	size_t ncols;
	struct hrow *rows;
	size_t nrows;
};

enum { COVER_TITLE, COVER_ORG, COVER_PERIOD, COVER_DATA_TO, COVER_HEADLINE };
static const char *const cover_keys[] = {"title", "organisation", "period", "data_to", "headline"};

/* ---------------------------------------------------------------- reading */

size_t figure_split(const char *line, size_t len, char ***fields)
{
	size_t n = 0, cap = 4;
	char **out = xmalloc(cap * sizeof *out);
	struct strbuf b = STRBUF_INIT;
	for (size_t i = 0;; i++) {
		if (i == len || line[i] == '|') {
			/* Trim spaces and tabs; an escaped space at an end stays. */
			const char *s = strbuf_str(&b);
			size_t a = 0, e = b.len;
			while (a < e && (s[a] == ' ' || s[a] == '\t'))
				a++;
			while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
				e--;
			/* Unescape after trimming. */
			struct strbuf f = STRBUF_INIT;
			for (size_t k = a; k < e; k++) {
				if (s[k] == '\\' && k + 1 < e && s[k + 1] > 0x20 &&
				    s[k + 1] < 0x7F &&
				    !((s[k + 1] >= '0' && s[k + 1] <= '9') ||
				      (s[k + 1] >= 'A' && s[k + 1] <= 'Z') ||
				      (s[k + 1] >= 'a' && s[k + 1] <= 'z')))
					k++;
				strbuf_putc(&f, s[k]);
			}
			if (n == cap) {
				cap *= 2;
				out = xreallocarray(out, cap, sizeof *out);
			}
			out[n++] = strbuf_detach(&f);
			strbuf_reset(&b);
			if (i == len)
				break;
			continue;
		}
		if (line[i] == '\\' && i + 1 < len) {
			/* Keep the escape for the unescaping pass; "\|" must not split. */
			strbuf_putc(&b, line[i]);
			strbuf_putc(&b, line[++i]);
			continue;
		}
		strbuf_putc(&b, line[i]);
	}
	strbuf_free(&b);
	*fields = out;
	return n;
}

static void fields_free(char **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

/* Reports a problem with figure block f: "figure N (kind): ...". Always returns false. */
__attribute__((format(printf, 2, 3))) static bool fail(const struct figure *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct strbuf b = STRBUF_INIT;
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if ((unsigned)f->kind <= FIG_MULTIPLES)
		strbuf_printf(&b, "figure block %d (```figure %s): %s", f->index,
		              kind_names[f->kind], buf);
	else
		strbuf_printf(&b, "figure block %d: %s", f->index, buf);
	diag_msg(DIAG_ERROR, "template", 0, 0, "%s", strbuf_str(&b));
	strbuf_free(&b);
	return false;
}

/* A number in a field: "0.85", "85%" (a fraction), "1234". Empty is no value. */
static bool number(const char *s, double *v, bool percent_ok)
{
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (end == s || errno)
		return false;
	while (*end == ' ')
		end++;
	if (percent_ok && *end == '%') {
		d /= 100;
		end++;
	}
	if (*end || !isfinite(d))
		return false;
	*v = d;
	return true;
}

static bool attr(struct figure *f, const char *key, const char *val)
{
	double d;
	if (strcmp(key, "title") == 0) {
		free(f->title);
		f->title = xstrdup(val);
	} else if (strcmp(key, "data") == 0) {
		free(f->data);
		f->data = xstrdup(val);
	} else if (strcmp(key, "target") == 0) {
		f->target_given = true;
		if (!*val)
			return true; /* no target configured */
		if (!number(val, &d, true) || d < 0 || d > 1)
			return fail(
			    f, "target=\"%s\" is not a fraction from 0 to 1 (e.g. target=0.85)",
			    val);
		f->target = d;
		f->has_target = true;
	} else if (strcmp(key, "max") == 0) {
		if (!*val)
			return true;
		if (!number(val, &d, false) || d <= 0)
			return fail(f, "max=\"%s\" is not a positive number", val);
		f->max = d;
		f->has_max = true;
	} else if (strcmp(key, "min") == 0) {
		f->min_given = true;
		if (!*val)
			return true;
		if (!number(val, &d, false) || d < 0)
			return fail(f, "min=\"%s\" is not a number of cases", val);
		f->min_cases = d;
	} else if (strcmp(key, "format") == 0) {
		if (strcmp(val, "percent") == 0)
			f->percent = true;
		else if (*val && strcmp(val, "number") != 0)
			return fail(f, "format=\"%s\" is not known (expected percent or number)",
			            val);
	} else {
		diag_msg(DIAG_WARNING, "template", 0, 0,
		         "figure block %d (```figure %s): attribute %s is not known; ignored",
		         f->index, kind_names[f->kind], key);
	}
	return true;
}

/* Reads "figure KIND key=value key="value with spaces" …". */
static bool parse_info(struct figure *f, const char *info)
{
	const char *p = info + strlen("figure");
	while (*p == ' ' || *p == '\t')
		p++;
	size_t kl = strcspn(p, " \t");
	if (kl == 0) {
		f->kind = (enum fig_kind) - 1;
		return fail(f, "no kind given (expected one of cover, cards, trend, bars, heatmap, "
		               "multiples)");
	}
	bool known = false;
	for (size_t i = 0; i < sizeof kind_names / sizeof *kind_names; i++)
		if (strlen(kind_names[i]) == kl && strncmp(p, kind_names[i], kl) == 0) {
			f->kind = (enum fig_kind)i;
			known = true;
		}
	if (!known) {
		f->kind = (enum fig_kind) - 1;
		return fail(f,
		            "unknown kind \"%.*s\" (expected one of cover, cards, trend, bars, "
		            "heatmap, multiples)",
		            (int)kl, p);
	}
	p += kl;
	bool ok = true;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t keylen = strcspn(p, "= \t");
		if (p[keylen] != '=' || keylen == 0)
			return fail(f, "attribute \"%.*s\" is not key=value",
			            (int)strcspn(p, " \t"), p);
		char *key = xstrndup(p, keylen);
		p += keylen + 1;
		struct strbuf val = STRBUF_INIT;
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				strbuf_putc(&val, *p++);
			}
			if (*p != '"') {
				free(key);
				strbuf_free(&val);
				return fail(f, "attribute %.*s: the closing quote is missing",
				            (int)keylen, p - keylen - 1);
			}
			p++;
		} else {
			while (*p && *p != ' ' && *p != '\t') {
				if (*p == '\\' && p[1])
					p++;
				strbuf_putc(&val, *p++);
			}
		}
		ok = attr(f, key, strbuf_str(&val)) && ok;
		free(key);
		strbuf_free(&val);
	}
	return ok;
}

/* Reads a count field: a whole number from 0, or empty. */
static bool count(const char *s, double *v)
{
	return number(s, v, false) && *v >= 0 && floor(*v) == *v;
}

/* "period | cases | successful" into pt. */
static bool point_read(struct point *pt, const char *label, const char *cs, const char *ss)
{
	pt->label = xstrdup(label);
	if (!*cs && !*ss)
		return true;
	if (!count(cs, &pt->cases) || !count(ss, &pt->successful) || pt->successful > pt->cases)
		return false;
	pt->has = pt->cases > 0;
	return true;
}

static void series_add(struct series *s, struct point pt)
{
	s->pts = xreallocarray(s->pts, s->n + 1, sizeof *s->pts);
	s->pts[s->n++] = pt;
}

/* A cover line: "key | value". */
static bool parse_cover(struct figure *f, size_t lineno, char **fl, size_t nf, const char *raw)
{
	if (nf != 2)
		return fail(f, "line %zu: expected \"key | value\", got \"%s\"", lineno, raw);
	for (int k = 0; k < 5; k++)
		if (strcmp(fl[0], cover_keys[k]) == 0) {
			free(f->cover[k]);
			f->cover[k] = xstrdup(fl[1]);
			return true;
		}
	return fail(f,
	            "line %zu: unknown key \"%s\" (expected title, organisation, period, "
	            "data_to or headline)",
	            lineno, fl[0]);
}

static void card_free(struct card *c)
{
	free(c->value);
	free(c->label);
	free(c->detail);
}

/* A card's trend written as numbers: up to SPARK_MAX separated by spaces, "-" for a period
 * without a value. False when sp is not that. */
static bool card_numbers(struct card *c, const char *sp)
{
	while (*sp) {
		while (*sp == ' ')
			sp++;
		if (!*sp)
			break;
		char *end;
		double v = NAN;
		if (*sp == '-' && (sp[1] == ' ' || !sp[1]))
			end = (char *)sp + 1;
		else
			v = strtod(sp, &end);
		if (end == sp || (*end && *end != ' ') || c->nspark == SPARK_MAX ||
		    (!isnan(v) && !isfinite(v)))
			return false;
		c->spark[c->nspark++] = v;
		sp = end;
	}
	return true;
}

/* A card's trend named as one of the pack's series ("@rate": view_totals.sparks); false after
 * reporting. */
static bool card_series(struct figure *f, struct card *c, size_t lineno, const char *ref)
{
	static const char *const names[VIEW_SPARKS] = {[VIEW_SPARK_RATE] = "@rate",
	                                               [VIEW_SPARK_LOST] = "@lost",
	                                               [VIEW_SPARK_FAILURE] = "@failure",
	                                               [VIEW_SPARK_GAP] = "@gap"};
	for (int k = 0; k < VIEW_SPARKS; k++) {
		if (strcmp(ref, names[k]) != 0)
			continue;
		if (!f->view)
			return fail(f,
			            "line %zu: the trend %s: no pack's figures are given here to "
			            "draw it from (write its numbers instead)",
			            lineno, ref);
		const struct view_totals *t = &f->view->totals;
		for (size_t i = 0; i < t->f.ntrend && i < SPARK_MAX; i++)
			c->spark[c->nspark++] = t->sparks[k][i];
		return true;
	}
	return fail(f,
	            "line %zu: the trend \"%s\" is not a series of the pack (expected @rate, "
	            "@lost, @failure or @gap)",
	            lineno, ref);
}

/* A card: "value | label | detail | tone | trend". */
static bool parse_card(struct figure *f, size_t lineno, char **fl, size_t nf, const char *raw)
{
	if (nf < 2 || nf > 5)
		return fail(f,
		            "line %zu: expected \"value | label | detail | tone | trend\", got "
		            "\"%s\"",
		            lineno, raw);
	if (f->ncards == 4)
		return fail(f, "line %zu: at most 4 cards fit", lineno);
	const char *tone = nf > 3 ? fl[3] : "";
	if (*tone && strcmp(tone, "good") != 0 && strcmp(tone, "bad") != 0 &&
	    strcmp(tone, "neutral") != 0)
		return fail(f, "line %zu: tone \"%s\" is not good, bad or neutral", lineno, tone);
	struct card c = {.value = xstrdup(fl[0]),
	                 .label = xstrdup(fl[1]),
	                 .detail = xstrdup(nf > 2 ? fl[2] : ""),
	                 .tone = strcmp(tone, "good") == 0  ? 1
	                         : strcmp(tone, "bad") == 0 ? -1
	                                                    : 0};
	const char *trend = nf > 4 ? fl[4] : "";
	bool ok = trend[0] == '@' ? card_series(f, &c, lineno, trend) : card_numbers(&c, trend);
	if (!ok && trend[0] != '@')
		fail(
		    f,
		    "line %zu: the trend \"%s\" is not up to %d numbers separated by spaces (\"-\" "
		    "for none) or a series of the pack (@rate, @lost, @failure, @gap)",
		    lineno, trend, SPARK_MAX);
	if (!ok) {
		card_free(&c);
		return false;
	}
	f->cards = xreallocarray(f->cards, f->ncards + 1, sizeof *f->cards);
	f->cards[f->ncards++] = c;
	return true;
}

/* A trend point: "period | cases | successful". */
static bool parse_trend(struct figure *f, size_t lineno, char **fl, size_t nf, const char *raw)
{
	struct point pt = {0};
	if (nf != 3 || !point_read(&pt, fl[0], fl[1], fl[2])) {
		free(pt.label);
		return fail(f,
		            "line %zu: expected \"period | cases | successful\" (whole "
		            "numbers, successful "
		            "at most cases), got \"%s\"",
		            lineno, raw);
	}
	if (f->series[0].n == 8) {
		free(pt.label);
		return fail(f, "line %zu: at most 8 periods are drawn", lineno);
	}
	series_add(&f->series[0], pt);
	return true;
}

/* A bar: "label | value | display". */
static bool parse_bar(struct figure *f, size_t lineno, char **fl, size_t nf, const char *raw)
{
	struct bar b = {0};
	if (nf < 2 || nf > 3 || (*fl[1] && !number(fl[1], &b.value, false)))
		return fail(f,
		            "line %zu: expected \"label | value | display\" (value a "
		            "number), got \"%s\"",
		            lineno, raw);
	b.has = *fl[1] != '\0';
	b.label = xstrdup(fl[0]);
	b.display = xstrdup(nf > 2 ? fl[2] : "");
	f->bars = xreallocarray(f->bars, f->nbars + 1, sizeof *f->bars);
	f->bars[f->nbars++] = b;
	return true;
}

/* The heat map's header, then a row per journey: "journey | successful/cases | …". */
static bool parse_heatmap(struct figure *f, size_t lineno, char **fl, size_t nf, const char *raw)
{
	/* A trailing '|' leaves an empty last field: not a column. */
	size_t n = nf;
	if (n > 1 && !*fl[n - 1] && raw[strlen(raw) - 1] == '|')
		n--;
	if (!f->cols) {
		if (n < 2 || *fl[0])
			return fail(f,
			            "line %zu: expected the header \"| department | "
			            "department | …\", got \"%s\"",
			            lineno, raw);
		f->ncols = n - 1;
		f->cols = xcalloc(f->ncols, sizeof *f->cols);
		for (size_t i = 0; i < f->ncols; i++)
			f->cols[i] = xstrdup(fl[i + 1]);
		return true;
	}
	if (n != f->ncols + 1)
		return fail(f,
		            "line %zu: expected \"journey | cell | …\" with %zu cells, got "
		            "%zu in \"%s\"",
		            lineno, f->ncols, n - 1, raw);
	struct hrow r = {xstrdup(fl[0]), xcalloc(f->ncols ? f->ncols : 1, sizeof(struct hcell))};
	for (size_t i = 0; i < f->ncols; i++) {
		const char *c = fl[i + 1];
		if (!*c)
			continue;
		const char *slash = strchr(c, '/');
		char *a = slash ? xstrndup(c, (size_t)(slash - c)) : NULL;
		struct hcell *hc = &r.cells[i];
		bool ok = slash && count(a, &hc->successful) && count(slash + 1, &hc->cases) &&
		          hc->successful <= hc->cases;
		free(a);
		if (!ok) {
			free(r.label);
			free(r.cells);
			return fail(f,
			            "line %zu: cell %zu \"%s\" is not \"successful/cases\" "
			            "(whole numbers) or empty",
			            lineno, i + 1, c);
		}
		hc->has = true;
	}
	f->rows = xreallocarray(f->rows, f->nrows + 1, sizeof *f->rows);
	f->rows[f->nrows++] = r;
	return true;
}

/* A small multiple: "title | target | period:cases:successful;…". */
static bool parse_multiples(struct figure *f, size_t lineno, char **fl, size_t nf, const char *raw)
{
	double t = 0;
	if (nf != 3 || (*fl[1] && (!number(fl[1], &t, true) || t < 0 || t > 1)))
		return fail(f,
		            "line %zu: expected \"title | target | "
		            "period:cases:successful;…\", got \"%s\"",
		            lineno, raw);
	struct series s = {.title = xstrdup(fl[0]),
	                   .target = *fl[1] ? t : f->target,
	                   .has_target = *fl[1] ? true : f->has_target};
	f->series = xreallocarray(f->series, f->nseries + 1, sizeof *f->series);
	f->series[f->nseries++] = s;
	struct series *sp = &f->series[f->nseries - 1];
	for (const char *p = fl[2]; *p;) {
		size_t len = strcspn(p, ";");
		char *item = xstrndup(p, len);
		char *c1 = strchr(item, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		struct point pt = {0};
		bool ok = c2 != NULL;
		if (ok) {
			*c1 = *c2 = '\0';
			ok = point_read(&pt, item, c1 + 1, c2 + 1);
		}
		if (ok && sp->n == 8) {
			free(item);
			free(pt.label);
			return fail(f, "line %zu: at most 8 periods are drawn", lineno);
		}
		if (!ok) {
			free(pt.label);
			fail(f, "line %zu: \"%s\" is not period:cases:successful", lineno,
			     c2 ? item : p);
			free(item);
			return false;
		}
		series_add(sp, pt);
		free(item);
		p += len;
		if (*p == ';')
			p++;
	}
	return true;
}

static bool parse_line(struct figure *f, size_t lineno, char **fl, size_t nf, const char *raw)
{
	switch (f->kind) {
	case FIG_COVER:
		return parse_cover(f, lineno, fl, nf, raw);
	case FIG_CARDS:
		return parse_card(f, lineno, fl, nf, raw);
	case FIG_TREND:
		return parse_trend(f, lineno, fl, nf, raw);
	case FIG_BARS:
		return parse_bar(f, lineno, fl, nf, raw);
	case FIG_HEATMAP:
		return parse_heatmap(f, lineno, fl, nf, raw);
	case FIG_MULTIPLES:
		return parse_multiples(f, lineno, fl, nf, raw);
	}
	return false;
}

static void series_free(struct series *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->pts[i].label);
	free(s->pts);
	free(s->title);
}

void figure_free(struct figure *f)
{
	if (!f)
		return;
	free(f->title);
	free(f->data);
	for (int i = 0; i < 5; i++)
		free(f->cover[i]);
	for (size_t i = 0; i < f->ncards; i++)
		card_free(&f->cards[i]);
	free(f->cards);
	for (size_t i = 0; i < f->nseries; i++)
		series_free(&f->series[i]);
	free(f->series);
	for (size_t i = 0; i < f->nbars; i++) {
		free(f->bars[i].label);
		free(f->bars[i].display);
	}
	free(f->bars);
	for (size_t i = 0; i < f->ncols; i++)
		free(f->cols[i]);
	free(f->cols);
	for (size_t i = 0; i < f->nrows; i++) {
		free(f->rows[i].label);
		free(f->rows[i].cells);
	}
	free(f->rows);
	free(f);
}

/* ---------------------------------------------------------------- figures from the pack */

/* What data=REF names (docs/pdf.md, "Figures from the pack"). */
enum ref_kind { REF_TOTALS, REF_GOAL, REF_JOURNEY, REF_HEATMAP, REF_FAILURE_BY_DEPARTMENT };

static const struct {
	const char *name; /* ending in ':' when a number follows */
	enum ref_kind ref;
	enum fig_kind fig; /* the kind of figure that draws it */
} refs[] = {
    {"totals", REF_TOTALS, FIG_TREND},
    {"goal:", REF_GOAL, FIG_TREND},
    {"journey:", REF_JOURNEY, FIG_TREND},
    {"heatmap", REF_HEATMAP, FIG_HEATMAP},
    {"failure_by_department", REF_FAILURE_BY_DEPARTMENT, FIG_BARS},
};

/* The references a kind of figure takes, for messages; NULL: none. */
static const char *refs_taken(enum fig_kind k)
{
	return k == FIG_TREND     ? "data=totals, data=goal:N or data=journey:N"
	       : k == FIG_HEATMAP ? "data=heatmap"
	       : k == FIG_BARS    ? "data=failure_by_department"
	                          : NULL;
}

/* The N of "goal:N" (s is what follows the colon): digits only, from 1; 0 when s is not that.
 * An index into the view's list, not a figure. */
static size_t ref_number(const char *s)
{
	size_t n = 0, len = 0;
	for (; s[len] >= '0' && s[len] <= '9'; len++) {
		if (len == 9)
			return 0;
		n = n * 10 + (size_t)(s[len] - '0');
	}
	return s[len] ? 0 : n;
}

/* Reads f->data into *ref and *n (from 1: goal:N, journey:N; else 0); false after reporting. */
static bool ref_read(struct figure *f, enum ref_kind *ref, size_t *n)
{
	const char *taken = refs_taken(f->kind);
	if (!taken)
		return fail(
		    f, "data=%s: this kind of figure takes no data= (its rows are its input%s)",
		    f->data,
		    f->kind == FIG_CARDS ? "; a card's trend may be @rate, @lost, @failure or @gap"
		                         : "");
	for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
		size_t len = strlen(refs[i].name);
		bool numbered = refs[i].name[len - 1] == ':';
		if (numbered ? strncmp(f->data, refs[i].name, len) != 0
		             : strcmp(f->data, refs[i].name) != 0)
			continue;
		if (refs[i].fig != f->kind)
			return fail(f, "data=%s is drawn by ```figure %s; this figure takes %s",
			            f->data, kind_names[refs[i].fig], taken);
		*ref = refs[i].ref;
		*n = numbered ? ref_number(f->data + len) : 0;
		if (numbered && *n == 0)
			return fail(f,
			            "data=%s: N is a number from 1 (the %.*s's ref in the template "
			            "context)",
			            f->data, (int)len - 1, refs[i].name);
		return true;
	}
	return fail(f, "data=%s: unknown reference; this figure takes %s", f->data, taken);
}

/* Reports that goal:N or journey:N is beyond the pack's count of them. Returns false. */
static bool ref_beyond(struct figure *f, size_t count, const char *one, const char *many)
{
	if (count == 0)
		return fail(f, "data=%s: the pack has no %s", f->data, many);
	return fail(f, "data=%s: the pack has %zu %s", f->data, count, count == 1 ? one : many);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* A trend of the totals, a goal or a journey: its periods, and its target unless target= is
 * written. */
static bool trend_from_view(struct figure *f, enum ref_kind ref, size_t n)
{
	const struct view *v = f->view;
	const struct view_figures *fig = &v->totals.f;
	double target = v->settings.sco_target;
	if (ref == REF_GOAL) {
		if (n > v->ngoals)
			return ref_beyond(f, v->ngoals, "goal", "goals");
		fig = &v->goals[n - 1].f;
		target = v->goals[n - 1].sco_target;
	} else if (ref == REF_JOURNEY) {
		if (n > v->njourneys)
			return ref_beyond(f, v->njourneys, "journey", "journeys");
		fig = &v->journeys[n - 1].f;
		target = v->journeys[n - 1].sco_target;
	}
	struct series *s = &f->series[0];
	if (!f->target_given && isfinite(target) && target >= 0 && target <= 1) {
		f->target = s->target = target;
		f->has_target = s->has_target = true;
	}
	for (size_t i = 0; i < fig->ntrend; i++) {
		const struct view_trend_point *t = &fig->trend[i];
		series_add(s, (struct point){.label = xstrdup(t->period.label),
		                             .cases = (double)t->cases_concluded,
		                             .successful = (double)t->successful,
		                             .has = t->cases_concluded > 0});
	}
	return true;
}

/* The heat map: a column per department, a row per journey, the view's cells; min defaults to
 * the pack's min_cases. */
static void heatmap_from_view(struct figure *f)
{
	const struct view *v = f->view;
	size_t nd = v->ndepartments, nj = v->njourneys;
	f->ncols = nd;
	f->cols = xcalloc(nd ? nd : 1, sizeof *f->cols);
	for (size_t d = 0; d < nd; d++)
		f->cols[d] = xstrdup(or_empty(v->departments[d].department));
	f->nrows = nj;
	f->rows = xcalloc(nj ? nj : 1, sizeof *f->rows);
	for (size_t j = 0; j < nj; j++) {
		struct hrow *r = &f->rows[j];
		r->label = xstrdup(or_empty(v->journeys[j].journey));
		r->cells = xcalloc(nd ? nd : 1, sizeof *r->cells);
		for (size_t d = 0; d < nd; d++) {
			const struct view_cell *cl = &v->cells[j * nd + d];
			if (cl->cases > 0)
				r->cells[d] =
				    (struct hcell){(double)cl->successful, (double)cl->cases, true};
		}
	}
	if (!f->min_given && v->settings.min_cases > 0)
		f->min_cases = v->settings.min_cases;
}

/* Failure demand by department, most first: each bar's value its contacts, its display text
 * "96 (11 %)" formatted as the template context formats them. */
static void bars_from_view(struct figure *f)
{
	const struct view *v = f->view;
	struct number_style st = format_style(v->settings.number_locale);
	f->nbars = v->nfailure_order;
	f->bars = xcalloc(f->nbars ? f->nbars : 1, sizeof *f->bars);
	for (size_t i = 0; i < f->nbars; i++) {
		const struct view_department *d = &v->departments[v->failure_order[i]];
		char count[64], share[64];
		format_count(count, sizeof count, d->failure_contacts, &st);
		format_percent(share, sizeof share, d->failure_share, 0, &st);
		f->bars[i] = (struct bar){.label = xstrdup(or_empty(d->department)),
		                          .display = xasprintf("%s (%s)", count, share),
		                          .value = (double)d->failure_contacts,
		                          .has = true};
	}
}

/* The figure's numbers from the view that f->data names; false after reporting. */
static bool figure_from_view(struct figure *f)
{
	enum ref_kind ref = REF_TOTALS;
	size_t n = 0;
	if (!ref_read(f, &ref, &n))
		return false;
	if (!f->view)
		return fail(f,
		            "data=%s: no pack's figures are given here to draw it from (write the "
		            "figure's rows instead)",
		            f->data);
	if (ref == REF_HEATMAP)
		heatmap_from_view(f);
	else if (ref == REF_FAILURE_BY_DEPARTMENT)
		bars_from_view(f);
	else
		return trend_from_view(f, ref, n);
	return true;
}

/* ---------------------------------------------------------------- reading a block */

/* Whether body has a line that is not blank. */
static bool has_rows(const char *body)
{
	for (const char *p = body; *p; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return true;
	return false;
}

/* Reads the body's rows, reporting every bad one; false if any is. */
static bool parse_rows(struct figure *f, const char *body)
{
	bool ok = true;
	size_t lineno = 0;
	for (const char *p = body; *p;) {
		size_t len = strcspn(p, "\n");
		lineno++;
		char *raw = xstrndup(p, len);
		size_t rl = len;
		while (rl > 0 && (raw[rl - 1] == ' ' || raw[rl - 1] == '\t' || raw[rl - 1] == '\r'))
			raw[--rl] = '\0';
		if (rl > 0) {
			char **fl;
			size_t nf = figure_split(raw, rl, &fl);
			ok = parse_line(f, lineno, fl, nf, raw) && ok;
			fields_free(fl, nf);
		}
		free(raw);
		p += len;
		if (*p == '\n')
			p++;
	}
	if (ok && f->kind == FIG_HEATMAP && !f->cols)
		ok = fail(f, "no header line \"| department | department | …\"");
	return ok;
}

struct figure *figure_parse(const char *info, const char *body, int index, const struct view *view)
{
	struct figure *f = xcalloc(1, sizeof *f);
	f->index = index;
	f->view = view;
	bool ok = parse_info(f, info);
	if (ok && f->kind == FIG_TREND) {
		f->series = xcalloc(1, sizeof *f->series);
		f->nseries = 1;
		f->series[0].target = f->target;
		f->series[0].has_target = f->has_target;
	}
	if (ok && f->data && has_rows(body))
		ok = fail(f,
		          "data=%s and rows: a figure's numbers come from the pack or from its "
		          "rows, not both",
		          f->data);
	else if (ok)
		ok = f->data ? figure_from_view(f) : parse_rows(f, body);
	f->view = NULL; /* the figure keeps what it read, not the view */
	if (!ok) {
		figure_free(f);
		return NULL;
	}
	return f;
}

bool figure_is_cover(const struct figure *f)
{
	return f->kind == FIG_COVER;
}

/* ---------------------------------------------------------------- drawing helpers */

static float tw(const struct chart_ctx *c, int font, float size, const char *s)
{
	return fontsub_width(c->fonts[font], s, strlen(s), size);
}

/* Wrapped text, top at ytop; returns the height used (lines × lead). */
static float text_block(struct page *pg, const struct chart_ctx *c, int font, float size,
                        float lead, struct color col, float x, float ytop, float width, int align,
                        const char *s, size_t max_lines)
{
	char **lines;
	size_t n = c->wrap(c->fonts[font], size, s, width, &lines);
	size_t shown = max_lines && n > max_lines ? max_lines : n;
	for (size_t i = 0; i < n; i++) {
		if (i < shown) {
			float base = ytop - (float)i * lead - lead * 0.75f;
			float xa = align < 0 ? x : align == 0 ? x + width / 2 : x + width;
			page_text_aligned(pg, c->fonts, font, size, col, xa, base, align, lines[i]);
		}
		free(lines[i]);
	}
	free(lines);
	return (float)shown * lead;
}

static float text_height(const struct chart_ctx *c, int font, float size, float lead, float width,
                         const char *s, size_t max_lines)
{
	char **lines;
	size_t n = c->wrap(c->fonts[font], size, s, width, &lines);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	if (max_lines && n > max_lines)
		n = max_lines;
	return (float)n * lead;
}

static void pct(char *buf, size_t n, double v)
{
	snprintf(buf, n, "%.0f" NBSP "%%", v * 100);
}

static struct item *circle(struct page *pg, float x, float y, float r, struct color fill,
                           bool stroke)
{
	struct item *it = page_add(pg, ITEM_CIRCLE);
	it->x = x;
	it->y = y;
	it->w = r;
	it->fill = fill;
	it->filled = true;
	if (stroke) {
		it->stroked = true;
		it->stroke = C_BLUE;
		it->line_width = 1.3f;
	}
	return it;
}

static struct item *path(struct page *pg, const float *pts, size_t n)
{
	struct item *it = page_add(pg, ITEM_PATH);
	it->pts = xmalloc(2 * n * sizeof *it->pts);
	memcpy(it->pts, pts, 2 * n * sizeof *pts);
	it->npts = n;
	return it;
}

/* Figure title above the chart; returns the height used. */
static float title(struct page *pg, const struct chart_ctx *c, const struct figure *f, float width)
{
	if (!f->title || !*f->title)
		return 0;
	return text_block(pg, c, FONT_BOLD, 10.5f, 14, C_INK, 0, 0, width, -1, f->title, 0) + 6;
}

/* ---------------------------------------------------------------- cover */

static float draw_cover(const struct figure *f, struct page *pg, const struct chart_ctx *c, float w,
                        float h)
{
	float y = 0;
	if (c->logo_w > 0 && c->logo_h > 0) {
		float lh = 44, lw = c->logo_w * lh / c->logo_h;
		if (lw > 180) {
			lw = 180;
			lh = c->logo_h * lw / c->logo_w;
		}
		struct item *img = page_add(pg, ITEM_IMAGE);
		img->x = 0;
		img->y = -lh;
		img->w = lw;
		img->h = lh;
	}
	y = -h * 0.26f;
	page_rect(pg, 0, y, 56, 5, C_BLUE);
	y -= 26;
	if (f->cover[COVER_ORG] && *f->cover[COVER_ORG])
		y -= text_block(pg, c, FONT_BOLD, 14, 19, C_BLUE, 0, y, w, -1, f->cover[COVER_ORG],
		                0) +
		     8;
	const char *t =
	    f->cover[COVER_TITLE] && *f->cover[COVER_TITLE] ? f->cover[COVER_TITLE] : "Board pack";
	y -= text_block(pg, c, FONT_BOLD, 34, 40, C_INK, 0, y, w, -1, t, 0) + 6;
	if (f->cover[COVER_PERIOD] && *f->cover[COVER_PERIOD])
		y -= text_block(pg, c, FONT_REGULAR, 19, 25, C_MUTED, 0, y, w, -1,
		                f->cover[COVER_PERIOD], 0);
	y -= 40;
	if (f->cover[COVER_HEADLINE] && *f->cover[COVER_HEADLINE]) {
		float pad = 18, inner = w - 2 * pad - 4;
		float th = text_height(c, FONT_REGULAR, 16, 23, inner, f->cover[COVER_HEADLINE], 0);
		page_rect(pg, 0, y - th - 2 * pad, w, th + 2 * pad, C_PANEL);
		page_rect(pg, 0, y - th - 2 * pad, 4, th + 2 * pad, C_BLUE);
		text_block(pg, c, FONT_REGULAR, 16, 23, C_INK, pad + 4, y - pad, inner, -1,
		           f->cover[COVER_HEADLINE], 0);
		y -= th + 2 * pad;
	}
	if (f->cover[COVER_DATA_TO] && *f->cover[COVER_DATA_TO]) {
		page_line(pg, 0, -h + 30, w, -h + 30, 0.5f, C_RULE, 0);
		page_text(pg, FONT_REGULAR, 10, C_MUTED, 0, -h + 12, f->cover[COVER_DATA_TO]);
	}
	return h;
}

/* ---------------------------------------------------------------- cards */

static const char *tone_label(int tone)
{
	return tone > 0 ? "✓ Good" : tone < 0 ? "! Concern" : "• Context";
}

static struct color tone_color(int tone)
{
	return tone > 0 ? C_BLUE : tone < 0 ? C_ORANGE : C_FAINT;
}

#define CARD_PAD 14.0f

/* The width a card's trend line takes beside its large figure. */
#define SPARK_W 64.0f
#define SPARK_H 22.0f

static bool has_spark(const struct card *cd)
{
	int n = 0;
	for (int i = 0; i < cd->nspark; i++)
		n += !isnan(cd->spark[i]);
	return n >= 2;
}

/*
 * A card's trend: its values as a line scaled to their own range (a flat line when they do not
 * vary), the last value marked with a dot; a period without a value breaks the line.
 */
static void draw_spark(struct page *pg, const struct card *cd, float x0, float y0)
{
	double lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < cd->nspark; i++)
		if (!isnan(cd->spark[i])) {
			lo = fmin(lo, cd->spark[i]);
			hi = fmax(hi, cd->spark[i]);
		}
	float step = cd->nspark > 1 ? SPARK_W / (float)(cd->nspark - 1) : 0;
	float px0 = 0, py0 = 0;
	bool prev = false;
	for (int i = 0; i < cd->nspark; i++) {
		if (isnan(cd->spark[i])) {
			prev = false;
			continue;
		}
		float x = x0 + step * (float)i;
		float y = y0 + (hi > lo ? (float)((cd->spark[i] - lo) / (hi - lo)) * SPARK_H
		                        : SPARK_H / 2);
		if (prev)
			page_line(pg, px0, py0, x, y, 1.3f, C_BLUE, 0);
		px0 = x, py0 = y, prev = true;
	}
	if (prev)
		page_rect(pg, px0 - 1.8f, py0 - 1.8f, 3.6f, 3.6f, C_BLUE);
}

static float card_value_size(const struct chart_ctx *c, const char *v, float inner)
{
	float size = 30;
	while (size > 14 && tw(c, FONT_BOLD, size, v) > inner)
		size -= 2;
	return size;
}

static float card_height(const struct chart_ctx *c, const struct card *cd, float cw)
{
	float inner = cw - 2 * CARD_PAD - 4;
	float vs = card_value_size(c, cd->value, has_spark(cd) ? inner - SPARK_W - 8 : inner);
	return CARD_PAD + 13 + vs * 1.2f + 4 +
	       text_height(c, FONT_BOLD, 10.5f, 14, inner, cd->label, 0) + 4 +
	       (*cd->detail ? text_height(c, FONT_REGULAR, 9, 12.5f, inner, cd->detail, 0) : 0) +
	       CARD_PAD;
}

static float draw_cards(const struct figure *f, struct page *pg, const struct chart_ctx *c, float w)
{
	size_t n = f->ncards;
	if (n == 0)
		return 0;
	float gap = 12;
	/* Four across only when each card keeps room for a large number; else two by two. */
	size_t cols = n;
	if (n > 1 && (w - gap * (float)(n - 1)) / (float)n < 150)
		cols = 2;
	if (cols > n)
		cols = n;
	float cw = (w - gap * (float)(cols - 1)) / (float)cols;
	float y = 0;
	for (size_t r = 0; r * cols < n; r++) {
		float rh = 0;
		for (size_t k = r * cols; k < n && k < (r + 1) * cols; k++)
			rh = fmaxf(rh, card_height(c, &f->cards[k], cw));
		for (size_t k = r * cols; k < n && k < (r + 1) * cols; k++) {
			const struct card *cd = &f->cards[k];
			float x = (float)(k - r * cols) * (cw + gap), inner = cw - 2 * CARD_PAD - 4;
			page_rect(pg, x, y - rh, cw, rh, C_PANEL);
			page_rect(pg, x, y - rh, 4, rh, tone_color(cd->tone));
			float cx = x + 4 + CARD_PAD, cy = y - CARD_PAD;
			page_text(pg, FONT_BOLD, 8.5f,
			          cd->tone < 0   ? C_ORANGE
			          : cd->tone > 0 ? C_BLUE
			                         : C_MUTED,
			          cx, cy - 8, tone_label(cd->tone));
			cy -= 13;
			bool spark = has_spark(cd);
			float vs =
			    card_value_size(c, cd->value, spark ? inner - SPARK_W - 8 : inner);
			page_text(pg, FONT_BOLD, vs, C_INK, cx, cy - vs * 0.95f, cd->value);
			if (spark)
				draw_spark(pg, cd, x + cw - CARD_PAD - SPARK_W, cy - vs * 0.95f);
			cy -= vs * 1.2f + 4;
			cy -= text_block(pg, c, FONT_BOLD, 10.5f, 14, C_INK, cx, cy, inner, -1,
			                 cd->label, 0) +
			      4;
			if (*cd->detail)
				text_block(pg, c, FONT_REGULAR, 9, 12.5f, C_MUTED, cx, cy, inner,
				           -1, cd->detail, 0);
		}
		y -= rh + gap;
	}
	return -y - gap;
}

/* ---------------------------------------------------------------- trend lines */

struct plot {
	float x, y, w, h; /* the plotting area: bottom left, size */
};

static float py(const struct plot *p, double v)
{
	return p->y + (float)v * p->h;
}

/* x of period i of n: centred in equal slots. */
static float px(const struct plot *p, size_t i, size_t n)
{
	return p->x + ((float)i + 0.5f) * p->w / (float)n;
}

/* Whether the rectangle x0,y0 – x1,y1 (padded by pad) meets the series' line or points in plot p.
 */
static bool hits_series(const struct series *s, const struct plot *p, float x0, float y0, float x1,
                        float y1, float pad)
{
	x0 -= pad, y0 -= pad, x1 += pad, y1 += pad;
	size_t n = s->n;
	for (size_t i = 0; i < n; i++) {
		if (!s->pts[i].has)
			continue;
		float ax = px(p, i, n), ay = py(p, s->pts[i].successful / s->pts[i].cases);
		if (ax >= x0 && ax <= x1 && ay >= y0 && ay <= y1)
			return true;
		if (i + 1 >= n || !s->pts[i + 1].has)
			continue;
		float bx = px(p, i + 1, n),
		      by = py(p, s->pts[i + 1].successful / s->pts[i + 1].cases);
		float lo = fmaxf(ax, x0), hi = fminf(bx, x1);
		if (lo > hi)
			continue;
		float ylo = ay + (by - ay) * (lo - ax) / (bx - ax);
		float yhi = ay + (by - ay) * (hi - ax) / (bx - ax);
		if (fminf(ylo, yhi) <= y1 && fmaxf(ylo, yhi) >= y0)
			return true;
	}
	return false;
}

/*
 * The target's label ("Target 80 %"), on a white ground just above or below the dashed line, at
 * the first place along it where it covers neither the data line, its points nor the last value's
 * label (avoid: x0, y0, x1, y1). Where no place is clear it is left out: the legend names the
 * target too.
 */
static void target_label(struct page *pg, const struct chart_ctx *c, const struct series *s,
                         const struct plot *p, const float avoid[4])
{
	char buf[48];
	snprintf(buf, sizeof buf, "Target %.0f" NBSP "%%", s->target * 100);
	float size = MIN_TEXT, lw = tw(c, FONT_BOLD, size, buf);
	float ty = py(p, s->target);
	size_t n = s->n ? s->n : 1;
	for (size_t slot = 0; slot <= n; slot++) {
		/* at the left end, then between periods, then at the right end */
		float lx = slot == 0   ? p->x + 3
		           : slot == n ? p->x + p->w - lw - 3
		                       : px(p, slot - 1, n) + (p->w / (float)n - lw) / 2;
		if (lx < p->x + 1 || lx + lw > p->x + p->w)
			continue;
		for (int below = 0; below < 2; below++) {
			if (below ? ty - size - 4 < p->y : ty + size + 5 > p->y + p->h + 2)
				continue;
			float ly = below ? ty - size - 2.5f : ty + 3.5f;
			float x0 = lx - 2, y0 = ly - 2, x1 = lx + lw + 2, y1 = ly + size + 1;
			if (hits_series(s, p, x0, y0, x1, y1, 2))
				continue;
			if (x0 < avoid[2] && x1 > avoid[0] && y0 < avoid[3] && y1 > avoid[1])
				continue;
			page_rect(pg, x0, y0, x1 - x0, y1 - y0, C_WHITE);
			page_text(pg, FONT_BOLD, size, C_ORANGE, lx, ly, buf);
			return;
		}
	}
}

/* The 95 % band of series s in plot p, one polygon per run of periods with cases; a lone period
 * gets a short bar (half as wide when small). */
static void series_band(struct page *pg, const struct series *s, const struct plot *p, bool small)
{
	size_t n = s->n;
	float *up = xmalloc((4 * n + 4) * sizeof *up);
	for (size_t i = 0; i < n;) {
		if (!s->pts[i].has) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && s->pts[j].has)
			j++;
		size_t k = 0;
		float half = small ? 2.5f : 4.0f;
		for (size_t q = i; q < j; q++) {
			double lo, hi;
			stats_wilson((long)s->pts[q].successful, (long)s->pts[q].cases, &lo, &hi);
			float x = px(p, q, n);
			if (j - i == 1) { /* a lone period: a short bar */
				up[2 * k] = x - half, up[2 * k + 1] = py(p, hi), k++;
				up[2 * k] = x + half, up[2 * k + 1] = py(p, hi), k++;
			} else {
				up[2 * k] = x, up[2 * k + 1] = py(p, hi), k++;
			}
		}
		for (size_t q = j; q-- > i;) {
			double lo, hi;
			stats_wilson((long)s->pts[q].successful, (long)s->pts[q].cases, &lo, &hi);
			float x = px(p, q, n);
			if (j - i == 1) {
				up[2 * k] = x + half, up[2 * k + 1] = py(p, lo), k++;
				up[2 * k] = x - half, up[2 * k + 1] = py(p, lo), k++;
			} else {
				up[2 * k] = x, up[2 * k + 1] = py(p, lo), k++;
			}
		}
		struct item *band = path(pg, up, k);
		band->closed = true;
		band->filled = true;
		band->fill = C_BLUE_LIGHT;
		i = j;
	}
	free(up);
}

/* The rate of series s in plot p, broken where a period has no cases. */
static void series_line(struct page *pg, const struct series *s, const struct plot *p, bool small)
{
	size_t n = s->n;
	float *up = xmalloc((2 * n + 2) * sizeof *up);
	for (size_t i = 0; i < n;) {
		if (!s->pts[i].has) {
			i++;
			continue;
		}
		size_t k = 0;
		size_t j = i;
		for (; j < n && s->pts[j].has; j++) {
			up[2 * k] = px(p, j, n);
			up[2 * k + 1] = py(p, s->pts[j].successful / s->pts[j].cases);
			k++;
		}
		if (k > 1) {
			struct item *line = path(pg, up, k);
			line->stroked = true;
			line->stroke = C_BLUE;
			line->line_width = small ? 1.4f : 2.0f;
		}
		i = j;
	}
	free(up);
}

/*
 * The value of period last, labelled on a white ground, away from the target line; box gets the
 * label's corners (x0, y0, x1, y1), for target_label to avoid.
 */
static void last_value_label(struct page *pg, const struct chart_ctx *c, const struct series *s,
                             const struct plot *p, size_t last, bool small, float box[4])
{
	double v = s->pts[last].successful / s->pts[last].cases;
	float x = px(p, last, s->n), y = py(p, v);
	circle(pg, x, y, small ? 2.4f : 3.4f, C_BLUE, false);
	char buf[32];
	pct(buf, sizeof buf, v);
	float size = small ? 8.0f : 10.0f;
	float lw = tw(c, FONT_BOLD, size, buf);
	bool above = !s->has_target || v >= s->target || v < 0.12;
	if (v > 0.9 && !(s->has_target && s->target > v))
		above = false;
	float ly = above ? y + 5 : y - 5 - size;
	float lx = fminf(x - lw / 2, p->x + p->w - lw);
	page_rect(pg, lx - 1.5f, ly - 2, lw + 3, size + 2, C_WHITE);
	page_text(pg, FONT_BOLD, size, C_BLUE, lx, ly, buf);
	box[0] = lx - 1.5f, box[1] = ly - 2, box[2] = lx + lw + 1.5f, box[3] = ly + size;
}

/* Band, line, points and target of one series in plot p; small: fewer labels. */
static void draw_series(struct page *pg, const struct chart_ctx *c, const struct series *s,
                        const struct plot *p, bool small)
{
	size_t n = s->n;
	series_band(pg, s, p, small);
	/* The target, dashed; its label is placed last, clear of the data (target_label). */
	if (s->has_target) {
		float ty = py(p, s->target);
		page_line(pg, p->x, ty, p->x + p->w, ty, small ? 1.0f : 1.3f, C_ORANGE,
		          small ? 2.5f : 4);
	}
	series_line(pg, s, p, small);
	size_t last = n;
	for (size_t i = 0; i < n; i++)
		if (s->pts[i].has) {
			circle(pg, px(p, i, n), py(p, s->pts[i].successful / s->pts[i].cases),
			       small ? 1.8f : 2.6f, C_WHITE, true);
			last = i;
		}
	float box[4] = {0, 0, 0, 0};
	if (last < n)
		last_value_label(pg, c, s, p, last, small, box);
	if (s->has_target && !small)
		target_label(pg, c, s, p, box);
}

static void axes(struct page *pg, const struct chart_ctx *c, const struct plot *p, bool small)
{
	float ls = MIN_TEXT;
	for (int k = 0; k <= 4; k++) {
		if (small && k % 2)
			continue;
		float y = py(p, k / 4.0);
		page_line(pg, p->x, y, p->x + p->w, y, k == 0 ? 0.7f : 0.35f,
		          k == 0 ? C_FAINT : C_RULE, 0);
		char buf[16];
		pct(buf, sizeof buf, k / 4.0);
		page_text_aligned(pg, c->fonts, FONT_REGULAR, ls, C_FAINT, p->x - 4, y - ls * 0.35f,
		                  1, buf);
	}
}

static void x_labels(struct page *pg, const struct chart_ctx *c, const struct series *s,
                     const struct plot *p, bool small)
{
	float ls = MIN_TEXT;
	size_t n = s->n;
	float slot = p->w / (float)(n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		if (small && n > 2 && i != 0 && i != n - 1)
			continue;
		const char *lab = s->pts[i].label;
		float x = px(p, i, n);
		float lw = tw(c, FONT_REGULAR, ls, lab);
		if (!small && lw > slot - 2) {
			/* Too long for its slot: the end of it (e.g. "Q3" of "2026-Q3") is what
			 * differs. */
			text_block(pg, c, FONT_REGULAR, ls, ls + 2, C_MUTED, x - slot / 2 + 1,
			           p->y - 4, slot - 2, 0, lab, 2);
			continue;
		}
		float xa =
		    small ? (i == 0 ? fmaxf(x - lw / 2, p->x) : fminf(x + lw / 2, p->x + p->w)) : x;
		int al = small ? (i == 0 ? -1 : 1) : 0;
		page_text_aligned(pg, c->fonts, FONT_REGULAR, ls, C_MUTED, xa, p->y - ls - 4, al,
		                  lab);
		if (!s->pts[i].has && !small)
			page_text_aligned(pg, c->fonts, FONT_REGULAR, MIN_TEXT, C_FAINT, x,
			                  p->y + 5, 0, "no cases");
	}
}

/* A legend entry: a swatch drawn by kind (0 line, 1 band, 2 dashed) and its words. Returns the
 * advance. */
static float legend(struct page *pg, const struct chart_ctx *c, float x, float y, int kind,
                    const char *s)
{
	if (kind == 0) {
		page_line(pg, x, y + 3, x + 16, y + 3, 2.0f, C_BLUE, 0);
		circle(pg, x + 8, y + 3, 2.2f, C_WHITE, true);
	} else if (kind == 1) {
		page_rect(pg, x, y - 1, 16, 8, C_BLUE_LIGHT);
	} else {
		page_line(pg, x, y + 3, x + 16, y + 3, 1.3f, C_ORANGE, 4);
	}
	page_text(pg, FONT_REGULAR, 8, C_MUTED, x + 21, y, s);
	return 21 + tw(c, FONT_REGULAR, 8, s) + 14;
}

static float draw_trend(const struct figure *f, struct page *pg, const struct chart_ctx *c, float w)
{
	const struct series *s = &f->series[0];
	float y = -title(pg, c, f, w);
	float x = 0;
	x += legend(pg, c, x, y - 9, 0, "Successful outcomes");
	x += legend(pg, c, x, y - 9, 1, "95" NBSP "% range");
	if (s->has_target) {
		char buf[48];
		snprintf(buf, sizeof buf, "Target %.0f" NBSP "%%", s->target * 100);
		legend(pg, c, x, y - 9, 2, buf);
	}
	y -= 22;
	struct plot p = {.x = 30, .w = w - 30, .h = 105};
	p.y = y - 8 - p.h;
	axes(pg, c, &p, false);
	if (s->n == 0) {
		page_text_aligned(pg, c->fonts, FONT_REGULAR, 9, C_MUTED, p.x + p.w / 2,
		                  p.y + p.h / 2, 0, "No periods to show");
		return -(p.y - 4);
	}
	draw_series(pg, c, s, &p, false);
	x_labels(pg, c, s, &p, false);
	return -(p.y - 24);
}

/* ---------------------------------------------------------------- bars */

static float draw_bars(const struct figure *f, struct page *pg, const struct chart_ctx *c, float w)
{
	float y = -title(pg, c, f, w);
	float ls = 9, lead = 12;
	float label_w = 0, disp_w = 0;
	double max = f->has_max ? f->max : 0;
	char buf[64];
	for (size_t i = 0; i < f->nbars; i++) {
		const struct bar *b = &f->bars[i];
		label_w = fmaxf(label_w, tw(c, FONT_REGULAR, ls, b->label));
		const char *d = b->display;
		if (!*d && b->has) {
			if (f->percent)
				pct(buf, sizeof buf, b->value);
			else
				snprintf(buf, sizeof buf, "%g", b->value);
			d = buf;
		}
		disp_w = fmaxf(disp_w, tw(c, FONT_REGULAR, ls, *d ? d : "—"));
		if (!f->has_max && b->has)
			max = fmax(max, b->value);
	}
	if (max <= 0)
		max = 1;
	label_w = fminf(label_w, w * 0.34f) + 2;
	float bx = label_w + 10, bw = w - bx - disp_w - 8;
	for (size_t i = 0; i < f->nbars; i++) {
		const struct bar *b = &f->bars[i];
		float th = text_height(c, FONT_REGULAR, ls, lead, label_w, b->label, 2);
		float rh = fmaxf(th, 14) + 7;
		float mid = y - rh / 2;
		text_block(pg, c, FONT_REGULAR, ls, lead, C_INK, 0, mid + th / 2, label_w, -1,
		           b->label, 2);
		float len = b->has ? (float)(fmax(0, fmin(b->value / max, 1.0)) * bw) : 0;
		page_rect(pg, bx, mid - 6, bw, 12, C_PANEL);
		if (len > 0)
			page_rect(pg, bx, mid - 6, len, 12, C_BLUE);
		const char *d = b->display;
		if (!*d && b->has) {
			if (f->percent)
				pct(buf, sizeof buf, b->value);
			else
				snprintf(buf, sizeof buf, "%g", b->value);
			d = buf;
		}
		page_text(pg, FONT_REGULAR, ls, *d ? C_INK : C_FAINT, bx + len + 6,
		          mid - ls * 0.35f, *d ? d : "—");
		y -= rh;
	}
	return -y;
}

/* ---------------------------------------------------------------- heat map */

/* A sequential blue ramp, light for high rates and dark for low: monotonic in lightness. */
static struct color ramp(double t)
{
	static const unsigned stops[] = {0x08306B, 0x2166AC, 0x4A90C8,
	                                 0x9CC4E4, 0xDCEAF6, 0xF5F9FD};
	const size_t n = sizeof stops / sizeof *stops;
	t = fmax(0, fmin(1, t));
	double pos = t * (double)(n - 1);
	size_t i = (size_t)floor(pos);
	if (i >= n - 1)
		return RGB(stops[n - 1]);
	float u = (float)(pos - (double)i);
	struct color a = RGB(stops[i]), b = RGB(stops[i + 1]);
	return (struct color){a.r + (b.r - a.r) * u, a.g + (b.g - a.g) * u, a.b + (b.b - a.b) * u};
}

static bool dark(struct color col)
{
	return 0.2126f * col.r + 0.7152f * col.g + 0.0722f * col.b < 0.5f;
}

/*
 * A column head broken so that every piece fits width at size in font: a word too long for the
 * column is split with a hyphen ("Collec- tions"), at a character boundary. Returns a new string.
 */
static char *fit_words(const struct chart_ctx *c, int font, float size, const char *head,
                       float width)
{
	struct strbuf b = STRBUF_INIT;
	for (const char *p = head; *p;) {
		size_t len = strcspn(p, " ");
		const char *w = p;
		while (len > 0 && fontsub_width(c->fonts[font], w, len, size) > width) {
			/* the longest prefix that fits with its hyphen, at least one character */
			size_t cut = 0;
			for (size_t k = 1; k < len; k++) {
				if (((unsigned char)w[k] & 0xC0) == 0x80)
					continue;
				if (fontsub_width(c->fonts[font], w, k, size) +
				        fontsub_width(c->fonts[font], "-", 1, size) >
				    width)
					break;
				cut = k;
			}
			if (cut == 0) {
				cut = 1;
				while (cut < len && ((unsigned char)w[cut] & 0xC0) == 0x80)
					cut++;
				if (cut >= len)
					break;
			}
			/* never leave fewer than three characters after the hyphen */
			if (len - cut < 3 && len >= 6) {
				cut = len - 3;
				while (cut > 1 && ((unsigned char)w[cut] & 0xC0) == 0x80)
					cut--;
			}
			strbuf_append(&b, w, cut);
			strbuf_append(&b, "- ", 2);
			w += cut;
			len -= cut;
		}
		strbuf_append(&b, w, len);
		p = w + len;
		while (*p == ' ')
			p++;
		if (*p)
			strbuf_append(&b, " ", 1);
	}
	return strbuf_detach(&b);
}

/* A hatched box: a heatmap cell with too few journeys, and its key in the legend. */
static void hatch(struct page *pg, float x, float y, float w, float h)
{
	struct item *it = page_add(pg, ITEM_HATCH);
	it->x = x;
	it->y = y;
	it->w = w;
	it->h = h;
	it->fill = C_PANEL;
	it->stroke = C_RULE;
}

/*
 * The font and size of the column heads, columns cw wide: bold, as large as lets every word fit
 * its column, never under MIN_TEXT; then the regular (narrower) font; a word that fits neither is
 * hyphenated by fit_words.
 */
static void heat_head_font(const struct figure *f, const struct chart_ctx *c, float cw, int *font,
                           float *size)
{
	int hf = FONT_BOLD;
	float hs = 8.5f;
	for (int pass = 0; pass < 2; pass++) {
		hf = pass ? FONT_REGULAR : FONT_BOLD;
		hs = 8.5f;
		bool fits = true;
		for (size_t k = 0; k < f->ncols; k++) {
			for (const char *p = f->cols[k]; *p;) {
				size_t len = strcspn(p, " ");
				while (hs > MIN_TEXT &&
				       fontsub_width(c->fonts[hf], p, len, hs) > cw - 4)
					hs -= 0.5f;
				fits &= fontsub_width(c->fonts[hf], p, len, hs) <= cw - 4;
				p += len;
				while (*p == ' ')
					p++;
			}
		}
		if (fits)
			break;
	}
	*font = hf;
	*size = hs;
}

/* The column heads, bottom-aligned above their cells, from y down; returns their height. */
static float heat_heads(const struct figure *f, struct page *pg, const struct chart_ctx *c,
                        float label_w, float cw, float y)
{
	size_t nc = f->ncols;
	int hf;
	float hs;
	heat_head_font(f, c, cw, &hf, &hs);
	float hl = hs + 2;
	char **heads = xcalloc(nc + 1, sizeof *heads);
	for (size_t k = 0; k < nc; k++)
		heads[k] = fit_words(c, hf, hs, f->cols[k], cw - 4);
	float head = 0;
	for (size_t k = 0; k < nc; k++)
		head = fmaxf(head, text_height(c, hf, hs, hl, cw - 4, heads[k], 4));
	for (size_t k = 0; k < nc; k++) {
		float th = text_height(c, hf, hs, hl, cw - 4, heads[k], 4);
		text_block(pg, c, hf, hs, hl, C_MUTED, label_w + (float)k * cw + 2, y - (head - th),
		           cw - 4, 0, heads[k], 4);
		free(heads[k]);
	}
	free(heads);
	return head;
}

/*
 * One cell, cw by ch at (x, cy): a dash for no journeys, hatched for too few, else coloured by
 * its rate. The scale is fixed, 0 to 100 %, so that a colour means the same rate in every pack.
 */
static void heat_cell(const struct figure *f, struct page *pg, const struct chart_ctx *c,
                      const struct hcell *h, float x, float cy, float cw, float ch)
{
	if (!h->has || h->cases == 0) {
		page_rect(pg, x + 1, cy + 1, cw - 2, ch - 2, C_WHITE);
		page_text_aligned(pg, c->fonts, FONT_REGULAR, 8, C_FAINT, x + cw / 2,
		                  cy + ch / 2 - 3, 0, "—");
		return;
	}
	if (h->cases < f->min_cases) {
		hatch(pg, x + 1, cy + 1, cw - 2, ch - 2);
		const char *few = "too few";
		float lw = tw(c, FONT_REGULAR, MIN_TEXT, few);
		page_rect(pg, x + cw / 2 - lw / 2 - 2, cy + ch / 2 - 5, lw + 4, 11, C_PANEL);
		page_text_aligned(pg, c->fonts, FONT_REGULAR, MIN_TEXT, C_MUTED, x + cw / 2,
		                  cy + ch / 2 - 2.5f, 0, few);
		return;
	}
	char buf[48];
	double v = h->successful / h->cases;
	struct color col = ramp(v);
	page_rect(pg, x + 1, cy + 1, cw - 2, ch - 2, col);
	struct color ink = dark(col) ? C_WHITE : C_INK;
	pct(buf, sizeof buf, v);
	page_text_aligned(pg, c->fonts, FONT_BOLD, 9, ink, x + cw / 2, cy + ch / 2 + 1.5f, 0, buf);
	snprintf(buf, sizeof buf, "of %.0f", h->cases);
	page_text_aligned(pg, c->fonts, FONT_REGULAR, MIN_TEXT, ink, x + cw / 2, cy + ch / 2 - 8.5f,
	                  0, buf);
}

/* The legend below the cells, from y down, w wide: the fixed ramp in steps, then the hatched
 * "too few" and the dash. Returns the y of its last line. */
static float heat_legend(const struct figure *f, struct page *pg, const struct chart_ctx *c,
                         float y, float w)
{
	char buf[48];
	float lx = tw(c, FONT_REGULAR, MIN_TEXT, "Successful:") + 6, sw = 22;
	page_text(pg, FONT_REGULAR, MIN_TEXT, C_MUTED, 0, y - 8, "Successful:");
	for (int k = 0; k < 5; k++)
		page_rect(pg, lx + (float)k * sw, y - 10, sw, 10, ramp((k + 0.5) / 5.0));
	page_text_aligned(pg, c->fonts, FONT_REGULAR, MIN_TEXT, C_MUTED, lx, y - 20, -1,
	                  "0" NBSP "%");
	page_text_aligned(pg, c->fonts, FONT_REGULAR, MIN_TEXT, C_MUTED, lx + 5 * sw, y - 20, 1,
	                  "100" NBSP "%");
	float hx = lx + 5 * sw + 8;
	page_text(pg, FONT_REGULAR, MIN_TEXT, C_MUTED, hx, y - 8, "darker is worse");
	hx += tw(c, FONT_REGULAR, MIN_TEXT, "darker is worse") + 14;
	if (f->min_cases > 0) {
		hatch(pg, hx, y - 10, 18, 10);
		snprintf(buf, sizeof buf, "fewer than %.0f journeys", f->min_cases);
		page_text(pg, FONT_REGULAR, MIN_TEXT, C_MUTED, hx + 23, y - 8, buf);
		hx += 23 + tw(c, FONT_REGULAR, MIN_TEXT, buf) + 14;
	}
	const char *none = "no journeys";
	if (hx + 18 + tw(c, FONT_REGULAR, MIN_TEXT, none) > w) { /* a second legend line */
		hx = lx + 5 * sw + 8;
		y -= 14;
	}
	page_text_aligned(pg, c->fonts, FONT_REGULAR, 8, C_FAINT, hx + 7, y - 8, 0, "—");
	page_text(pg, FONT_REGULAR, MIN_TEXT, C_MUTED, hx + 18, y - 8, none);
	return y;
}

static float draw_heatmap(const struct figure *f, struct page *pg, const struct chart_ctx *c,
                          float w)
{
	float y = -title(pg, c, f, w);
	size_t nc = f->ncols;
	float label_w = 0;
	for (size_t r = 0; r < f->nrows; r++)
		label_w = fmaxf(label_w, tw(c, FONT_REGULAR, 8.5f, f->rows[r].label));
	/* the row labels may wrap to two lines, so that the columns keep room for their heads */
	label_w = fminf(label_w + 8, w * (nc > 5 ? 0.24f : 0.3f));
	float cw = nc ? (w - label_w) / (float)nc : 0, ch = 30;
	y -= heat_heads(f, pg, c, label_w, cw, y) + 4;
	for (size_t r = 0; r < f->nrows; r++) {
		const struct hrow *row = &f->rows[r];
		float th = text_height(c, FONT_REGULAR, 8.5f, 10.5f, label_w - 8, row->label, 2);
		text_block(pg, c, FONT_REGULAR, 8.5f, 10.5f, C_INK, 0, y - (ch - th) / 2,
		           label_w - 8, -1, row->label, 2);
		for (size_t k = 0; k < nc; k++)
			heat_cell(f, pg, c, &row->cells[k], label_w + (float)k * cw, y - ch, cw,
			          ch);
		y -= ch;
	}
	y = heat_legend(f, pg, c, y - 12, w);
	return -(y - 24);
}

static float draw_multiples(const struct figure *f, struct page *pg, const struct chart_ctx *c,
                            float w)
{
	float y = -title(pg, c, f, w);
	size_t cols = w >= 420 ? 3 : 2, n = f->nseries;
	float gap = 16, pw = (w - gap * (float)(cols - 1)) / (float)cols;
	for (size_t r = 0; r * cols < n; r++) {
		float th = 0;
		for (size_t k = r * cols; k < n && k < (r + 1) * cols; k++)
			th = fmaxf(th,
			           text_height(c, FONT_BOLD, 8.5f, 11, pw, f->series[k].title, 2));
		float ph = th + 4 + 70 + 16;
		for (size_t k = r * cols; k < n && k < (r + 1) * cols; k++) {
			const struct series *s = &f->series[k];
			float x = (float)(k - r * cols) * (pw + gap);
			text_block(pg, c, FONT_BOLD, 8.5f, 11, C_INK, x, y, pw, -1, s->title, 2);
			struct plot p = {.x = x + 22, .w = pw - 22, .h = 70};
			p.y = y - th - 6 - p.h;
			axes(pg, c, &p, true);
			if (s->n) {
				draw_series(pg, c, s, &p, true);
				x_labels(pg, c, s, &p, true);
			}
		}
		y -= ph + 10;
	}
	if (f->has_target || n) {
		float x = 0;
		x += legend(pg, c, x, y - 2, 0, "Successful outcomes");
		x += legend(pg, c, x, y - 2, 1, "95" NBSP "% range");
		legend(pg, c, x, y - 2, 2, "Target");
		y -= 10;
	}
	return -y;
}

float figure_draw(const struct figure *f, struct page *pg, const struct chart_ctx *c, float width,
                  float height)
{
	switch (f->kind) {
	case FIG_COVER:
		return draw_cover(f, pg, c, width, height);
	case FIG_CARDS:
		return draw_cards(f, pg, c, width);
	case FIG_TREND:
		return draw_trend(f, pg, c, width);
	case FIG_BARS:
		return draw_bars(f, pg, c, width);
	case FIG_HEATMAP:
		return draw_heatmap(f, pg, c, width);
	case FIG_MULTIPLES:
		return draw_multiples(f, pg, c, width);
	}
	return 0;
}
